/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-imap-private.h"

#include <glib/gi18n.h>
#include <string.h>

/* Adding an account: save, local folders, passwords. */

typedef struct
{
  PigeonAccount *account;
  char *password;
  guint pending;
} AddData;

static void
add_data_free (AddData *data)
{
  g_object_unref (data->account);
  if (data->password != NULL)
    explicit_bzero (data->password, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
add_step_done (GTask *task)
{
  AddData *data = g_task_get_task_data (task);

  if (--data->pending == 0)
    {
      pigeon_engine_account_added (g_task_get_source_object (task), data->account);
      g_task_return_boolean (task, TRUE);
    }
  g_object_unref (task);
}

static void
password_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  pigeon_credentials_store_finish (PIGEON_CREDENTIALS (source), result, NULL);
  add_step_done (user_data);
}

static void
folder_made_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonFolder) folder = NULL;
  g_autoptr (GError) error = NULL;

  folder = pigeon_engine_ensure_folder_finish (PIGEON_ENGINE (source), result, &error);
  if (folder == NULL)
    g_warning ("%s", error->message);
  add_step_done (user_data);
}

static void
store_password (PigeonEngine *self, GTask *task, PigeonEngineDirection direction)
{
  AddData *data = g_task_get_task_data (task);
  PigeonAccount *account = data->account;
  const char *host, *user;
  PigeonSecurity security;
  guint port;

  pigeon_engine_server_of (account, direction, &host, &port, &security, &user);
  if (host == NULL)
    return;
  data->pending++;
  pigeon_credentials_store_async (pigeon_engine_get_credentials (self),
                                  pigeon_engine_protocol_name (account, direction), host, port, user, data->password,
                                  NULL, password_stored_cb, g_object_ref (task));
}

static void
account_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      g_task_return_error (task, pigeon_engine_error_explain (error, NULL));
      return;
    }
  pigeon_engine_keep_new_settings (self, data->account);

  data->pending = 1;
  if (pigeon_account_get_incoming_protocol (data->account) == PIGEON_PROTOCOL_POP3)
    {
      data->pending += 2;
      pigeon_engine_ensure_folder_async (self, data->account, "INBOX", PIGEON_FOLDER_ROLE_INBOX, NULL, folder_made_cb,
                                         g_object_ref (task));
      pigeon_engine_ensure_folder_async (self, data->account, "Sent", PIGEON_FOLDER_ROLE_SENT, NULL, folder_made_cb,
                                         g_object_ref (task));
    }
  if (data->password != NULL)
    {
      store_password (self, task, PIGEON_ENGINE_INCOMING);
      store_password (self, task, PIGEON_ENGINE_OUTGOING);
    }
  add_step_done (g_steal_pointer (&task));
}

static gboolean
check_account (PigeonAccount *account, GError **error)
{
  const char *address = pigeon_account_get_address (account);

  if (address == NULL || strchr (address, '@') == NULL)
    {
      g_set_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_SETTINGS, _ ("“%s” is not an email address"),
                   address ? address : "");
      return FALSE;
    }
  if (pigeon_account_get_incoming_host (account) == NULL || pigeon_account_get_outgoing_host (account) == NULL)
    {
      g_set_error_literal (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_SETTINGS,
                           _ ("An account needs an incoming and an outgoing server"));
      return FALSE;
    }
  return TRUE;
}

void
pigeon_engine_add_account_async (PigeonEngine *self,
                                 PigeonAccount *account,
                                 const char *password,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  AddData *data;

  g_return_if_fail (PIGEON_IS_ENGINE (self));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_engine_add_account_async);
  if (!check_account (account, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (pigeon_account_get_display_name (account) == NULL)
    pigeon_account_set_display_name (account, pigeon_account_get_address (account));
  if (pigeon_engine_find_account (self, pigeon_account_get_display_name (account)) != NULL)
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_SETTINGS,
                               _ ("There is already an account named “%s”"), pigeon_account_get_display_name (account));
      return;
    }
  data = g_new0 (AddData, 1);
  data->account = g_object_ref (account);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);
  pigeon_store_save_account_async (pigeon_engine_get_store (self), account, cancellable, account_saved_cb,
                                   g_steal_pointer (&task));
}

gboolean
pigeon_engine_add_account_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
write_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    g_task_return_error (task, pigeon_engine_error_explain (error, NULL));
  else
    g_task_return_boolean (task, TRUE);
}

void
pigeon_engine_save_account_async (PigeonEngine *self,
                                  PigeonAccount *account,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (PIGEON_IS_ENGINE (self));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account) && pigeon_account_get_id (account) != 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_engine_save_account_async);
  if (!check_account (account, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pigeon_store_save_account_async (pigeon_engine_get_store (self), account, cancellable, write_done_cb,
                                   g_steal_pointer (&task));
}

gboolean
pigeon_engine_save_account_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Removing: the store drops the account's folders, messages and outbox;
 * here go its passwords and the engine's own state. The task ends when the
 * keyring has forgotten both passwords too, so that a process that exits
 * then (pigeon-tool) leaves none behind. */

typedef struct
{
  guint pending;
  GError *error;
} RemoveData;

static void
remove_data_free (RemoveData *data)
{
  g_clear_error (&data->error);
  g_free (data);
}

static void
remove_step_done (GTask *task)
{
  RemoveData *data = g_task_get_task_data (task);

  if (--data->pending > 0)
    return;
  if (data->error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
password_forgotten_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* The account is gone either way; a keyring that cannot answer only
   * keeps a password that nothing will use. */
  if (!pigeon_credentials_forget_finish (PIGEON_CREDENTIALS (source), result, &error))
    g_message ("Cannot remove a password from the keyring: %s", error->message);
  remove_step_done (task);
}

static void
account_removed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RemoveData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    data->error = pigeon_engine_error_explain (error, NULL);
  remove_step_done (task);
}

static void
forget_password (PigeonEngine *self, GTask *task, PigeonAccount *account, PigeonEngineDirection direction)
{
  RemoveData *data = g_task_get_task_data (task);
  const char *host, *user;
  PigeonSecurity security;
  guint port;

  pigeon_engine_server_of (account, direction, &host, &port, &security, &user);
  if (host == NULL)
    return;
  data->pending++;
  pigeon_credentials_forget_async (pigeon_engine_get_credentials (self),
                                   pigeon_engine_protocol_name (account, direction), host, port, user, NULL,
                                   password_forgotten_cb, g_object_ref (task));
}

void
pigeon_engine_remove_account_async (PigeonEngine *self,
                                    PigeonAccount *account,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  RemoveData *data;

  g_return_if_fail (PIGEON_IS_ENGINE (self));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_engine_remove_account_async);
  data = g_new0 (RemoveData, 1);
  data->pending = 1;
  g_task_set_task_data (task, data, (GDestroyNotify) remove_data_free);
  forget_password (self, task, account, PIGEON_ENGINE_INCOMING);
  forget_password (self, task, account, PIGEON_ENGINE_OUTGOING);
  pigeon_engine_pop3_forget (account);
  pigeon_engine_outbox_forget (account);
  pigeon_engine_drafts_forget (account);
  pigeon_engine_set_ca_file (self, account, NULL);
  pigeon_store_remove_account_async (pigeon_engine_get_store (self), account, cancellable, account_removed_cb,
                                     g_steal_pointer (&task));
}

gboolean
pigeon_engine_remove_account_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Testing: sign in to both servers. */

static void
test_quit_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  if (PIGEON_IS_SMTP_SESSION (source))
    pigeon_smtp_session_quit_finish (PIGEON_SMTP_SESSION (source), result, NULL);
  else
    pigeon_pop3_session_quit_finish (PIGEON_POP3_SESSION (source), result, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
test_smtp_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonSmtpSession) session = pigeon_engine_open_smtp_finish (PIGEON_ENGINE (source), result, &error);

  if (session == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    pigeon_smtp_session_quit_async (session, NULL, test_quit_cb, g_steal_pointer (&task));
}

static void
test_outgoing (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);

  pigeon_engine_open_smtp_async (self, g_task_get_task_data (task), g_task_get_cancellable (task), test_smtp_cb, task);
}

static void
test_incoming_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    test_outgoing (g_steal_pointer (&task));
}

static void
test_pop3_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) step = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonPop3Session) session = pigeon_engine_open_pop3_finish (PIGEON_ENGINE (source), result, &error);

  /* QUIT after only signing in deletes nothing: nothing was marked. */
  if (session == NULL)
    g_task_return_error (step, g_steal_pointer (&error));
  else
    pigeon_pop3_session_quit_async (session, NULL, test_quit_cb, g_steal_pointer (&step));
}

static void
test_logout_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) step = user_data;

  /* Signed in is the test; a failed LOGOUT changes nothing. */
  pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, NULL);
  g_task_return_boolean (step, TRUE);
}

static void
test_imap_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) step = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSession) session = pigeon_engine_open_imap_finish (PIGEON_ENGINE (source), result, &error);

  if (session == NULL)
    g_task_return_error (step, g_steal_pointer (&error));
  else
    pigeon_imap_session_logout_async (session, NULL, test_logout_cb, g_steal_pointer (&step));
}

void
pigeon_engine_test_account_async (PigeonEngine *self,
                                  PigeonAccount *account,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) step = NULL;

  g_return_if_fail (PIGEON_IS_ENGINE (self));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_engine_test_account_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);
  step = g_task_new (self, cancellable, test_incoming_done_cb, g_steal_pointer (&task));
  g_task_set_task_data (step, g_object_ref (account), g_object_unref);
  if (pigeon_account_get_incoming_protocol (account) == PIGEON_PROTOCOL_POP3)
    {
      pigeon_engine_open_pop3_async (self, account, cancellable, test_pop3_cb, g_steal_pointer (&step));
      return;
    }
  pigeon_engine_open_imap_async (self, account, cancellable, test_imap_cb, g_steal_pointer (&step));
}

gboolean
pigeon_engine_test_account_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sync */

typedef struct
{
  guint pending;
  GError *first_error;
  gboolean all_bodies;
} SyncData;

static void
sync_data_free (SyncData *data)
{
  g_clear_error (&data->first_error);
  g_free (data);
}

static void
sync_one_done (GTask *task, PigeonAccount *account, GError *error)
{
  PigeonEngine *self = g_task_get_source_object (task);
  SyncData *data = g_task_get_task_data (task);

  if (error != NULL)
    {
      pigeon_engine_emit_error (self, account, error);
      if (data->first_error == NULL)
        data->first_error = g_error_copy (error);
    }
  if (--data->pending > 0)
    return;
  if (data->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->first_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
pop3_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  PigeonAccount *account = g_object_get_data (G_OBJECT (result), "account");

  pigeon_engine_pop3_download_finish (PIGEON_ENGINE (source), result, &error);
  sync_one_done (task, account, error);
}

static void
imap_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  PigeonAccount *account = g_object_get_data (G_OBJECT (result), "account");

  pigeon_engine_imap_sync_finish (PIGEON_ENGINE (source), result, &error);
  sync_one_done (task, account, error);
}

static void
sync_account (PigeonEngine *self, PigeonAccount *account, GTask *task)
{
  SyncData *data = g_task_get_task_data (task);

  data->pending++;
  if (pigeon_account_get_incoming_protocol (account) == PIGEON_PROTOCOL_IMAP)
    pigeon_engine_imap_sync_async (self, account, data->all_bodies, g_task_get_cancellable (task), imap_done_cb,
                                   g_object_ref (task));
  else
    pigeon_engine_pop3_download_async (self, account, g_task_get_cancellable (task), pop3_done_cb, g_object_ref (task));
}

static void
start_sync (PigeonEngine *self,
            PigeonAccount *account,
            gboolean all_bodies,
            GCancellable *cancellable,
            GAsyncReadyCallback callback,
            gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  SyncData *data = g_new0 (SyncData, 1);

  g_task_set_source_tag (task, pigeon_engine_sync_async);
  data->pending = 1;
  data->all_bodies = all_bodies;
  g_task_set_task_data (task, data, (GDestroyNotify) sync_data_free);
  if (account != NULL)
    sync_account (self, account, task);
  else
    {
      GListModel *accounts = pigeon_engine_get_accounts (self);

      for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
        {
          g_autoptr (PigeonAccount) each = g_list_model_get_item (accounts, i);
          sync_account (self, each, task);
        }
    }
  sync_one_done (task, NULL, NULL);
}

void
pigeon_engine_sync_async (PigeonEngine *self,
                          PigeonAccount *account,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_ENGINE (self));
  start_sync (self, account, FALSE, cancellable, callback, user_data);
}

void
pigeon_engine_sync_all_bodies_async (PigeonEngine *self,
                                     PigeonAccount *account,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_ENGINE (self));
  start_sync (self, account, TRUE, cancellable, callback, user_data);
}

gboolean
pigeon_engine_sync_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Outbox */

static void
queued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  gint64 id = 0;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, &id, &error))
    g_task_return_error (task, pigeon_engine_error_explain (error, NULL));
  else
    g_task_return_pointer (task, g_memdup2 (&id, sizeof id), g_free);
}

void
pigeon_engine_queue_message_async (PigeonEngine *self,
                                   PigeonAccount *account,
                                   GBytes *raw,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task;

  g_return_if_fail (PIGEON_IS_ENGINE (self));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));
  g_return_if_fail (raw != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_engine_queue_message_async);
  pigeon_store_queue_outgoing_async (pigeon_engine_get_store (self), account, raw, cancellable, queued_cb, task);
}

gboolean
pigeon_engine_queue_message_finish (PigeonEngine *self, GAsyncResult *result, gint64 *out_id, GError **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  id = g_task_propagate_pointer (G_TASK (result), error);
  if (id == NULL)
    return FALSE;
  if (out_id != NULL)
    *out_id = *id;
  return TRUE;
}

void
pigeon_engine_flush_outbox_async (PigeonEngine *self,
                                  PigeonAccount *account,
                                  gboolean retry_rejected,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_ENGINE (self));
  pigeon_engine_outbox_send_async (self, account, retry_rejected, cancellable, callback, user_data);
}

gboolean
pigeon_engine_flush_outbox_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return pigeon_engine_outbox_send_finish (self, result, error);
}

gboolean
pigeon_engine_is_outgoing_rejected (PigeonEngine *self, const PigeonOutboxItem *item)
{
  g_return_val_if_fail (PIGEON_IS_ENGINE (self), FALSE);
  return pigeon_engine_outbox_is_rejected (item);
}
