/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-private.h"

#include <glib/gi18n.h>
#include <string.h>

/* POP3 download (RFC 1939): UIDL, then RETR of each message not seen
 * before, each committed to the local Inbox before anything else; then,
 * in "delete" mode or past the account's age limit, DELE (only for what
 * the store committed: pigeon_pop3_session_confirm_stored()), then QUIT,
 * where the server deletes.
 *
 * "Never twice": the store keeps each message's UIDL, unique per folder,
 * so a message stored again updates the same row. The engine's UIDL file
 * ($XDG_DATA_HOME/pigeon/engine/ID-pop3-uidl: "first-seen-time uidl" per
 * line) only spares a second RETR and remembers when each message was
 * first downloaded; losing it (a crash before it was written) costs a
 * download, never a duplicate. */

#define SAVE_EVERY 25

typedef struct
{
  PigeonAccount *account;
  PigeonFolder *inbox;
  PigeonPop3Session *session;
  GPtrArray *messages; /* PigeonPop3Message */
  GHashTable *seen;    /* uidl -> first seen (gint64 *) */
  GArray *fetch;       /* indexes into messages */
  GArray *expire;      /* indexes into messages: old, to delete */
  guint next;
  guint unsaved;
  gboolean leave;
  gboolean working;
} Download;

static void
download_free (Download *data)
{
  g_object_unref (data->account);
  g_clear_object (&data->inbox);
  g_clear_object (&data->session);
  g_clear_pointer (&data->messages, g_ptr_array_unref);
  g_clear_pointer (&data->seen, g_hash_table_unref);
  g_clear_pointer (&data->fetch, g_array_unref);
  g_clear_pointer (&data->expire, g_array_unref);
  g_free (data);
}

static GHashTable *
load_seen (PigeonAccount *account)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *path = pigeon_engine_state_path (account, "pop3-uidl");
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return seen;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *space = strchr (lines[i], ' ');
      gint64 when;

      if (space == NULL)
        continue;
      *space = '\0';
      when = g_ascii_strtoll (lines[i], NULL, 10);
      g_hash_table_replace (seen, g_strdup (space + 1), g_memdup2 (&when, sizeof when));
    }
  return seen;
}

static void
save_seen (Download *data)
{
  g_autofree char *path = pigeon_engine_state_path (data->account, "pop3-uidl");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, data->seen);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_string_append_printf (text, "%" G_GINT64_FORMAT " %s\n", *(gint64 *) value, (char *) key);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents (path, text->str, text->len, &error))
    g_warning ("Cannot save %s: %s", path, error->message);
  data->unsaved = 0;
}

void
pigeon_engine_pop3_forget (PigeonAccount *account)
{
  g_autofree char *path = pigeon_engine_state_path (account, "pop3-uidl");

  g_unlink (path);
}

static PigeonPop3Message *
message_at (Download *data, GArray *indexes, guint i)
{
  return g_ptr_array_index (data->messages, g_array_index (indexes, guint, i));
}

static void
finish (GTask *task, GError *error)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Download *data = g_task_get_task_data (task);

  if (data->working)
    pigeon_engine_end_work (self, data->account);
  data->working = FALSE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
fail (GTask *task, const GError *error)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Download *data = g_task_get_task_data (task);

  if (data->unsaved > 0)
    save_seen (data);
  finish (task,
          pigeon_engine_explain (self, data->account, PIGEON_ENGINE_INCOMING,
                                 data->session ? pigeon_pop3_session_get_connection (data->session) : NULL, error));
}

/* Only after QUIT succeeded did the server delete: then the UIDL file
 * forgets what is no longer on the server. */
static void
quit_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Download *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) on_server = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  if (!pigeon_pop3_session_quit_finish (PIGEON_POP3_SESSION (source), result, &error))
    {
      fail (task, error);
      return;
    }
  for (guint i = 0; i < data->messages->len; i++)
    {
      PigeonPop3Message *message = g_ptr_array_index (data->messages, i);
      if (message->uid != NULL)
        g_hash_table_add (on_server, message->uid);
    }
  g_hash_table_iter_init (&iter, data->seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (on_server, key))
      g_hash_table_iter_remove (&iter);
  save_seen (data);
  finish (task, NULL);
}

static void expire_next (GTask *task);

static void
expired_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_pop3_session_delete_finish (PIGEON_POP3_SESSION (source), result, &error))
    {
      fail (task, error);
      return;
    }
  expire_next (g_steal_pointer (&task));
}

static void
expire_next (GTask *task)
{
  Download *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  PigeonPop3Message *message;

  if (data->next >= data->expire->len)
    {
      pigeon_pop3_session_quit_async (data->session, g_task_get_cancellable (task), quit_cb, task);
      return;
    }
  message = message_at (data, data->expire, data->next++);
  /* It is in the UIDL file, so it was committed to the store earlier. */
  if (!pigeon_pop3_session_confirm_stored (data->session, message->number, message->uid, &error))
    {
      fail (task, error);
      g_object_unref (task);
      return;
    }
  pigeon_pop3_session_delete_async (data->session, message->number, g_task_get_cancellable (task), expired_cb, task);
}

static void fetch_next (GTask *task);

static void
deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_pop3_session_delete_finish (PIGEON_POP3_SESSION (source), result, &error))
    {
      fail (task, error);
      return;
    }
  fetch_next (g_steal_pointer (&task));
}

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  Download *data = g_task_get_task_data (task);
  PigeonPop3Message *message = message_at (data, data->fetch, data->next - 1);
  const char *uidl = g_object_get_data (G_OBJECT (task), "uidl");
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      fail (task, error);
      return;
    }
  g_hash_table_replace (data->seen, g_strdup (uidl), g_memdup2 (&now, sizeof now));
  if (++data->unsaved >= SAVE_EVERY)
    save_seen (data);
  pigeon_engine_emit_progress (self, data->account, data->next, data->fetch->len);
  if (data->leave)
    {
      fetch_next (g_steal_pointer (&task));
      return;
    }
  /* Committed: now, and only now, the server may delete it. */
  if (!pigeon_pop3_session_confirm_stored (data->session, message->number, message->uid, &error))
    {
      fail (task, error);
      return;
    }
  pigeon_pop3_session_delete_async (data->session, message->number, g_task_get_cancellable (task), deleted_cb,
                                    g_object_ref (task));
}

static void
retrieved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  Download *data = g_task_get_task_data (task);
  PigeonPop3Message *message = message_at (data, data->fetch, data->next - 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw = pigeon_pop3_session_retrieve_finish (PIGEON_POP3_SESSION (source), result, &error);
  g_autoptr (GPtrArray) infos = NULL;
  PigeonMessageInfo *info;

  if (raw == NULL)
    {
      fail (task, error);
      return;
    }
  info = pigeon_message_info_new_from_raw (raw);
  /* A server without UIDL: the content names the message. */
  info->uidl = message->uid != NULL ? g_strdup (message->uid) : g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
  g_object_set_data_full (G_OBJECT (task), "uidl", g_strdup (info->uidl), g_free);
  infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_ptr_array_add (infos, info);
  pigeon_store_add_messages_async (pigeon_engine_get_store (self), data->inbox, infos, g_task_get_cancellable (task),
                                   stored_cb, g_object_ref (task));
}

static void
fetch_next (GTask *task)
{
  Download *data = g_task_get_task_data (task);
  PigeonPop3Message *message;

  if (data->next >= data->fetch->len)
    {
      if (data->unsaved > 0)
        save_seen (data);
      data->next = 0;
      expire_next (task);
      return;
    }
  message = message_at (data, data->fetch, data->next++);
  pigeon_pop3_session_retrieve_async (data->session, message->number, g_task_get_cancellable (task), retrieved_cb,
                                      task);
}

static void
plan (PigeonEngine *self, Download *data)
{
  guint days = pigeon_engine_get_pop3_delete_after (self, data->account);
  gint64 limit = g_get_real_time () / G_USEC_PER_SEC - (gint64) days * 24 * 3600;

  data->fetch = g_array_new (FALSE, FALSE, sizeof (guint));
  data->expire = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < data->messages->len; i++)
    {
      PigeonPop3Message *message = g_ptr_array_index (data->messages, i);
      gint64 *seen = message->uid ? g_hash_table_lookup (data->seen, message->uid) : NULL;

      if (seen == NULL)
        g_array_append_val (data->fetch, i);
      else if (!data->leave || (days > 0 && *seen <= limit))
        g_array_append_val (data->expire, i);
    }
}

static void
listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  Download *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->messages = pigeon_pop3_session_list_finish (PIGEON_POP3_SESSION (source), result, &error);
  if (data->messages == NULL)
    {
      fail (task, error);
      return;
    }
  plan (self, data);
  pigeon_engine_emit_progress (self, data->account, 0, data->fetch->len);
  fetch_next (g_steal_pointer (&task));
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Download *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->session = pigeon_engine_open_pop3_finish (PIGEON_ENGINE (source), result, &error);
  if (data->session == NULL)
    {
      finish (task, g_steal_pointer (&error));
      return;
    }
  pigeon_pop3_session_list_async (data->session, g_task_get_cancellable (task), listed_cb, g_object_ref (task));
}

static void
inbox_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  Download *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->inbox = pigeon_engine_ensure_folder_finish (self, result, &error);
  if (data->inbox == NULL)
    {
      finish (task, g_steal_pointer (&error));
      return;
    }
  pigeon_engine_open_pop3_async (self, data->account, g_task_get_cancellable (task), opened_cb, g_object_ref (task));
}

void
pigeon_engine_pop3_download_async (PigeonEngine *self,
                                   PigeonAccount *account,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *status = NULL;
  Download *data = g_new0 (Download, 1);

  g_task_set_source_tag (task, pigeon_engine_pop3_download_async);
  g_object_set_data_full (G_OBJECT (task), "account", g_object_ref (account), g_object_unref);
  data->account = g_object_ref (account);
  data->leave = pigeon_account_get_pop3_leave_on_server (account);
  data->seen = load_seen (account);
  g_task_set_task_data (task, data, (GDestroyNotify) download_free);

  status = g_strdup_printf (_ ("Getting mail for %s"), pigeon_account_get_display_name (account));
  if (!pigeon_engine_begin_work (self, account, status))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  data->working = TRUE;
  pigeon_engine_ensure_folder_async (self, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX, cancellable, inbox_cb,
                                     g_steal_pointer (&task));
}

gboolean
pigeon_engine_pop3_download_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
