/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pigeon-engine-private.h"

/* What the user does to messages goes through here: the store applies it
 * at once and queues it durably as a pending operation, replayed to the
 * server soon after (pigeon-engine-replay.c), and the last move or delete
 * can be undone. */

struct _PigeonEngineUndo
{
  GPtrArray *messages;
  PigeonFolder *from;
  PigeonFolder *to;
};

void
pigeon_engine_undo_free (PigeonEngineUndo *undo)
{
  g_ptr_array_unref (undo->messages);
  g_object_unref (undo->from);
  g_object_unref (undo->to);
  g_free (undo);
}

static PigeonEngineUndo *
undo_new (GPtrArray *messages, PigeonFolder *from, PigeonFolder *to)
{
  PigeonEngineUndo *undo = g_new0 (PigeonEngineUndo, 1);

  undo->messages = g_ptr_array_new_full (messages->len, g_object_unref);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (undo->messages, g_object_ref (messages->pdata[i]));
  undo->from = g_object_ref (from);
  undo->to = g_object_ref (to);
  return undo;
}

static void
store_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngineUndo *undo = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A copy: the task's own goes with the task. */
  if (undo != NULL)
    pigeon_engine_set_undo (g_task_get_source_object (task), undo_new (undo->messages, undo->from, undo->to));
  pigeon_engine_replay_soon (g_task_get_source_object (task), g_object_get_data (G_OBJECT (task), "account"));
  g_task_return_boolean (task, TRUE);
}

/* The account whose operations @task queues, for pigeon_engine_replay_soon(). */
static void
set_task_account (GTask *task, PigeonAccount *account)
{
  if (account != NULL)
    g_object_set_data_full (G_OBJECT (task), "account", g_object_ref (account), g_object_unref);
}

static PigeonAccount *
account_of (PigeonEngine *self, PigeonFolder *folder)
{
  return pigeon_store_lookup_account (pigeon_engine_get_store (self), pigeon_folder_get_account_id (folder));
}

static PigeonAccount *
account_of_messages (PigeonEngine *self, GPtrArray *messages)
{
  if (messages->len == 0)
    return NULL;
  return pigeon_store_lookup_account (pigeon_engine_get_store (self),
                                      pigeon_message_get_account_id (messages->pdata[0]));
}

gboolean
pigeon_engine_action_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pigeon_engine_set_flags_async (PigeonEngine *self,
                               GPtrArray *messages,
                               PigeonMessageFlags set,
                               PigeonMessageFlags clear,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pigeon_engine_set_flags_async);
  set_task_account (task, account_of_messages (self, messages));
  pigeon_store_set_flags_async (pigeon_engine_get_store (self), messages, set, clear, cancellable, store_written_cb,
                                task);
}

/* Moves, and remembers how to move back. */
static void
move_with_undo (PigeonEngine *self, GTask *task, GPtrArray *messages, PigeonFolder *from, PigeonFolder *to)
{
  g_task_set_task_data (task, undo_new (messages, from, to), (GDestroyNotify) pigeon_engine_undo_free);
  set_task_account (task, account_of (self, from));
  pigeon_store_move_messages_async (pigeon_engine_get_store (self), messages, from, to, g_task_get_cancellable (task),
                                    store_written_cb, task);
}

void
pigeon_engine_move_messages_async (PigeonEngine *self,
                                   GPtrArray *messages,
                                   PigeonFolder *from,
                                   PigeonFolder *to,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, pigeon_engine_move_messages_async);
  move_with_undo (self, task, messages, from, to);
}

void
pigeon_engine_archive_messages_async (PigeonEngine *self,
                                      GPtrArray *messages,
                                      PigeonFolder *from,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PigeonFolder *archive = pigeon_engine_find_role (self, account_of (self, from), PIGEON_FOLDER_ROLE_ARCHIVE);

  g_task_set_source_tag (task, pigeon_engine_archive_messages_async);
  if (archive == NULL)
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED,
                               _ ("This account has no Archive folder."));
      g_object_unref (task);
      return;
    }
  move_with_undo (self, task, messages, from, archive);
}

typedef struct
{
  GPtrArray *messages;
  PigeonFolder *from;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_ptr_array_unref (data->messages);
  g_object_unref (data->from);
  g_free (data);
}

static void
trash_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  DeleteData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonFolder) trash = pigeon_engine_ensure_folder_finish (self, result, &error);
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (PigeonFolder) from = NULL;

  if (trash == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  messages = g_ptr_array_ref (data->messages);
  from = g_object_ref (data->from);
  move_with_undo (self, task, messages, from, trash);
}

void
pigeon_engine_delete_messages_async (PigeonEngine *self,
                                     GPtrArray *messages,
                                     PigeonFolder *from,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  DeleteData *data;

  g_task_set_source_tag (task, pigeon_engine_delete_messages_async);
  if (pigeon_folder_get_role (from) == PIGEON_FOLDER_ROLE_TRASH)
    {
      set_task_account (task, account_of (self, from));
      pigeon_store_delete_messages_async (pigeon_engine_get_store (self), messages, from, cancellable, store_written_cb,
                                          task);
      return;
    }
  data = g_new0 (DeleteData, 1);
  data->messages = g_ptr_array_ref (messages);
  data->from = g_object_ref (from);
  g_task_set_task_data (task, data, (GDestroyNotify) delete_data_free);
  pigeon_engine_ensure_folder_async (self, account_of (self, from), "Trash", PIGEON_FOLDER_ROLE_TRASH, cancellable,
                                     trash_ready_cb, task);
}

static void
moves_cancelled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonEngineUndo *undo = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  /* The messages the server has moved already are still in undo->to:
   * moving them back queues the reverse move. The others are back in
   * undo->from, where the store's move skips them. The undo is not itself
   * undoable. */
  pigeon_store_move_messages_async (PIGEON_STORE (source), undo->messages, undo->to, undo->from,
                                    g_task_get_cancellable (task), store_written_cb, task);
  g_task_set_task_data (task, NULL, NULL);
}

void
pigeon_engine_undo_async (PigeonEngine *self,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PigeonEngineUndo *undo = pigeon_engine_take_undo (self);
  PigeonAccount *account;

  g_task_set_source_tag (task, pigeon_engine_undo_async);
  if (undo == NULL)
    {
      g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED, _ ("Nothing to undo."));
      g_object_unref (task);
      return;
    }
  account = account_of (self, undo->from);
  set_task_account (task, account);
  /* First the moves the server has not heard of are cancelled: the
   * messages go back with their UIDs, and nothing goes to the server. A
   * move the server is taking right now is left to finish; the reverse
   * move then follows it. */
  pigeon_store_cancel_moves_async (pigeon_engine_get_store (self), undo->messages, undo->from, undo->to,
                                   account ? pigeon_engine_replaying_op (self, account) : 0, cancellable,
                                   moves_cancelled_cb, task);
  g_task_set_task_data (task, undo, (GDestroyNotify) pigeon_engine_undo_free);
}

gboolean
pigeon_engine_undo_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return pigeon_engine_action_finish (self, result, error);
}

/* Reading: a body not stored yet is fetched from one of the message's
 * folders on the server, by UID, with BODY.PEEK[] (RFC 3501 6.4.5), so
 * reading it here does not mark it read there; then stored. */

#define MAX_BODY_BYTES (50 * 1024 * 1024)

typedef struct
{
  PigeonAccount *account;
  gint64 message_id;
  char *folder;
  guint32 uid;
  PigeonImapSession *session;
  GBytes *raw;
} BodyFetch;

static void
body_fetch_free (BodyFetch *data)
{
  g_object_unref (data->account);
  g_free (data->folder);
  g_clear_object (&data->session);
  g_clear_pointer (&data->raw, g_bytes_unref);
  g_free (data);
}

static void
logged_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, NULL);
}

/* Returns @error (or the body) and signs out. */
static void
body_done (GTask *task, GError *error)
{
  BodyFetch *data = g_task_get_task_data (task);

  if (data->session != NULL)
    pigeon_imap_session_logout_async (data->session, NULL, logged_out_cb, NULL);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_bytes_ref (data->raw), (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
body_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    g_warning ("Cannot keep a fetched message: %s", error->message);
  body_done (task, NULL);
}

static void
body_arrived (PigeonImapFetch *fetch, gpointer user_data)
{
  BodyFetch *data = user_data;
  GBytes *raw = pigeon_imap_fetch_get_section (fetch, "");

  if (raw != NULL && fetch->uid == data->uid && data->raw == NULL)
    data->raw = g_bytes_ref (raw);
}

static GError *
body_error (GTask *task, const GError *error)
{
  PigeonEngine *self = g_task_get_source_object (task);
  BodyFetch *data = g_task_get_task_data (task);

  if (g_error_matches (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_TOO_LARGE))
    return g_error_new (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED,
                        _ ("This message is larger than %d MB, too large to download here."),
                        MAX_BODY_BYTES / (1024 * 1024));
  return pigeon_engine_explain (self, data->account, PIGEON_ENGINE_INCOMING,
                                pigeon_imap_session_get_connection (data->session), error);
}

static void
body_fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  BodyFetch *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  pigeon_imap_session_fetch_finish (PIGEON_IMAP_SESSION (source), result, &error);
  if (error != NULL)
    body_done (task, body_error (task, error));
  else if (data->raw == NULL)
    body_done (task, g_error_new (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED,
                                  _ ("This message is no longer on the server.")));
  else
    pigeon_store_set_raw_async (pigeon_engine_get_store (self), data->message_id, data->raw, NULL, body_stored_cb,
                                task);
}

static void
body_folder_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  BodyFetch *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected =
      pigeon_imap_session_select_finish (PIGEON_IMAP_SESSION (source), result, &error);
  g_autofree char *uid = g_strdup_printf ("%u", data->uid);

  if (selected == NULL)
    {
      body_done (task, body_error (task, error));
      return;
    }
  pigeon_imap_session_fetch_async (data->session, uid, PIGEON_IMAP_FETCH_UID | PIGEON_IMAP_FETCH_BODY, NULL, 0,
                                   body_arrived, data, g_task_get_cancellable (task), body_fetched_cb, task);
}

static void
body_session_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  BodyFetch *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->session = pigeon_engine_open_imap_finish (PIGEON_ENGINE (source), result, &error);
  if (data->session == NULL)
    {
      if (g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_UNREACHABLE))
        body_done (task, g_error_new (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_UNREACHABLE,
                                      _ ("You are offline; this message has not been downloaded yet.")));
      else
        body_done (task, g_steal_pointer (&error));
      return;
    }
  pigeon_imap_session_set_max_literal (data->session, MAX_BODY_BYTES);
  /* EXAMINE: read-only, nothing on the server changes. */
  pigeon_imap_session_select_async (data->session, data->folder, TRUE, NULL, NULL, NULL, g_task_get_cancellable (task),
                                    body_folder_cb, task);
}

/* Starts the fetch of @message's body; FALSE when the server has no copy
 * known here. */
static gboolean
fetch_body (PigeonEngine *self, GTask *task, PigeonMessage *message)
{
  PigeonStore *store = pigeon_engine_get_store (self);
  PigeonAccount *account = pigeon_store_lookup_account (store, pigeon_message_get_account_id (message));
  BodyFetch *data;
  gint64 folder_id = 0;
  guint32 uid = 0;
  PigeonFolder *folder;

  if (account == NULL || pigeon_account_get_incoming_protocol (account) != PIGEON_PROTOCOL_IMAP ||
      !pigeon_store_find_server_copy (store, pigeon_message_get_id (message), &folder_id, &uid, NULL) ||
      (folder = pigeon_store_lookup_folder (store, folder_id)) == NULL)
    return FALSE;
  data = g_new0 (BodyFetch, 1);
  data->account = g_object_ref (account);
  data->message_id = pigeon_message_get_id (message);
  data->folder = g_strdup (pigeon_folder_get_path (folder));
  data->uid = uid;
  g_task_set_task_data (task, data, (GDestroyNotify) body_fetch_free);
  pigeon_engine_open_imap_async (self, account, g_task_get_cancellable (task), body_session_cb, task);
  return TRUE;
}

void
pigeon_engine_load_body_async (PigeonEngine *self,
                               PigeonMessage *message,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw =
      pigeon_store_load_raw (pigeon_engine_get_store (self), pigeon_message_get_id (message), &error);

  g_task_set_source_tag (task, pigeon_engine_load_body_async);
  if (raw != NULL)
    g_task_return_pointer (task, g_steal_pointer (&raw), (GDestroyNotify) g_bytes_unref);
  else if (fetch_body (self, task, message))
    return;
  else
    g_task_return_new_error (task, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NOT_SUPPORTED,
                             _ ("This message has not been downloaded yet."));
  g_object_unref (task);
}

GBytes *
pigeon_engine_load_body_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
