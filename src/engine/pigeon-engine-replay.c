/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pigeon-engine-private.h"

/* Replay of pending operations to the IMAP server, oldest first:
 *
 *   FLAGS  -> UID STORE +FLAGS.SILENT / -FLAGS.SILENT
 *   MOVE   -> UID MOVE (RFC 6851), or the session's COPY + STORE \Deleted
 *             + UID EXPUNGE; the COPYUID (RFC 4315) becomes the UID of the
 *             copy here
 *   DELETE -> UID STORE +FLAGS.SILENT (\Deleted), then UID EXPUNGE of that
 *             UID only (RFC 4315 2.1); without UIDPLUS the message stays
 *             marked, since a bare EXPUNGE would remove what others marked
 *   APPEND -> APPEND with \Seen (Sent) or \Draft \Seen (Drafts)
 *
 * A folder the server lacks is CREATEd first. An operation the server
 * refuses (NO, BAD) is reverted here and reported; a lost connection keeps
 * it (with the attempt counted) for the next time. Then the account's
 * drafts are brought up to date (pigeon-engine-drafts.c). */

typedef struct
{
  PigeonAccount *account;
  PigeonImapSession *session;
  PigeonPendingOp *op;    /* the current operation */
  GHashTable *mailboxes;  /* names on the server, once listed */
  guint32 new_uid;        /* the current operation's COPYUID */
  void (*then) (GTask *); /* what runs once the folder is there */
} Replay;

static void
replay_free (Replay *data)
{
  g_object_unref (data->account);
  g_object_unref (data->session);
  g_clear_pointer (&data->op, pigeon_pending_op_free);
  g_clear_pointer (&data->mailboxes, g_hash_table_unref);
  g_free (data);
}

static PigeonPendingOp *
current_op (Replay *data)
{
  return data->op;
}

static char *
folder_path (PigeonEngine *self, gint64 folder_id)
{
  PigeonFolder *folder = pigeon_store_lookup_folder (pigeon_engine_get_store (self), folder_id);

  return folder ? g_strdup (pigeon_folder_get_path (folder)) : NULL;
}

/* RFC 3501 2.3.2 system flags, and the RFC 5788 keywords for the others. */
static GStrv
flag_names (PigeonMessageFlags flags)
{
  static const struct
  {
    PigeonMessageFlags flag;
    const char *name;
  } names[] = {
    { PIGEON_MESSAGE_SEEN, "\\Seen" },       { PIGEON_MESSAGE_ANSWERED, "\\Answered" },
    { PIGEON_MESSAGE_FLAGGED, "\\Flagged" }, { PIGEON_MESSAGE_DELETED, "\\Deleted" },
    { PIGEON_MESSAGE_DRAFT, "\\Draft" },     { PIGEON_MESSAGE_FORWARDED, "$Forwarded" },
    { PIGEON_MESSAGE_JUNK, "$Junk" },
  };
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (flags & names[i].flag)
      g_strv_builder_add (builder, names[i].name);
  return g_strv_builder_end (builder);
}

/* account id -> the operation the server is taking now, kept on the
 * engine for undo (pigeon_engine_replaying_op()). */
static GHashTable *
in_flight_ops (PigeonEngine *self)
{
  static GQuark quark;
  GHashTable *ops;

  if (quark == 0)
    quark = g_quark_from_static_string ("pigeon-engine-replay-in-flight");
  ops = g_object_get_qdata (G_OBJECT (self), quark);
  if (ops == NULL)
    {
      ops = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
      g_object_set_qdata_full (G_OBJECT (self), quark, ops, (GDestroyNotify) g_hash_table_unref);
    }
  return ops;
}

static void
set_in_flight (PigeonEngine *self, PigeonAccount *account, gint64 op_id)
{
  gint64 account_id = pigeon_account_get_id (account);

  if (op_id == 0)
    g_hash_table_remove (in_flight_ops (self), &account_id);
  else
    g_hash_table_insert (in_flight_ops (self), g_memdup2 (&account_id, sizeof account_id),
                         g_memdup2 (&op_id, sizeof op_id));
}

gint64
pigeon_engine_replaying_op (PigeonEngine *self, PigeonAccount *account)
{
  gint64 account_id = pigeon_account_get_id (account);
  gint64 *op_id = g_hash_table_lookup (in_flight_ops (self), &account_id);

  return op_id ? *op_id : 0;
}

static void next_op (GTask *task);

static void
op_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      g_task_return_error (task, pigeon_engine_error_explain (error, NULL));
      g_object_unref (task);
      return;
    }
  next_op (task);
}

static const char *
folder_name (PigeonEngine *self, gint64 folder_id)
{
  PigeonFolder *folder = pigeon_store_lookup_folder (pigeon_engine_get_store (self), folder_id);

  return folder ? pigeon_folder_get_name (folder) : "?";
}

char *
pigeon_engine_server_reason (const GError *error)
{
  char *reason = g_strchomp (g_strdup (error->message));

  if (g_str_has_suffix (reason, "."))
    reason[strlen (reason) - 1] = '\0';
  return reason;
}

/* The sentence for a refusal of @op, with the server's @reason. */
static GError *
refusal (PigeonEngine *self, const PigeonPendingOp *op, const char *reason)
{
  const char *from = folder_name (self, op->folder_id);
  const char *to = folder_name (self, op->target_folder_id);

  switch (op->kind)
    {
    case PIGEON_PENDING_FLAGS:
      return g_error_new (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_REJECTED,
                          _ ("The server refused to mark a message in “%s” (%s). The change was undone here."), from,
                          reason);
    case PIGEON_PENDING_MOVE:
      return g_error_new (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_REJECTED,
                          _ ("The server refused to move a message from “%s” to “%s” (%s). It is back in “%s”."), from,
                          to, reason, from);
    case PIGEON_PENDING_DELETE:
      return g_error_new (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_REJECTED,
                          _ ("The server refused to delete a message in “%s” (%s). It is back in “%s”."), from, reason,
                          from);
    default:
      return g_error_new (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_REJECTED,
                          _ ("The server refused to store a copy of a message in “%s” (%s)."), to, reason);
    }
}

/* The end of one operation: forgotten when done, reverted and reported
 * when refused, kept for next time when the connection failed. */
static void
op_done (GTask *task, const GError *error)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Replay *data = g_task_get_task_data (task);
  PigeonStore *store = pigeon_engine_get_store (self);
  PigeonPendingOp *op = current_op (data);

  set_in_flight (self, data->account, 0);
  if (error == NULL)
    pigeon_store_finish_pending_op_async (store, op->id, op->kind == PIGEON_PENDING_MOVE ? op->target_folder_id : 0,
                                          data->new_uid, NULL, op_written_cb, task);
  else if (g_error_matches (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_NO) ||
           g_error_matches (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_BAD))
    {
      g_autofree char *reason = pigeon_engine_server_reason (error);
      g_autoptr (GError) reported = refusal (self, op, reason);

      pigeon_engine_emit_error (self, data->account, reported);
      pigeon_store_revert_pending_op_async (store, op->id, NULL, op_written_cb, task);
    }
  else
    {
      /* A cancelled replay is no failed attempt. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        pigeon_store_fail_pending_op_async (store, op->id, error->message, NULL, NULL, NULL);
      g_task_return_error (task, pigeon_engine_explain (self, data->account, PIGEON_ENGINE_INCOMING,
                                                        pigeon_imap_session_get_connection (data->session), error));
      g_object_unref (task);
    }
}

static void
command_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, &error);
  op_done (user_data, error);
}

/* Folders: selected (read-write) or created before use */

static void
selected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Replay *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected =
      pigeon_imap_session_select_finish (PIGEON_IMAP_SESSION (source), result, &error);

  if (selected == NULL)
    op_done (task, error);
  else
    data->then (task);
}

/* Selects the operation's source folder, then runs @then. */
static void
with_source (GTask *task, void (*then) (GTask *))
{
  PigeonEngine *self = g_task_get_source_object (task);
  Replay *data = g_task_get_task_data (task);
  const PigeonImapSelected *selected = pigeon_imap_session_get_selected (data->session);
  g_autofree char *path = folder_path (self, current_op (data)->folder_id);

  data->then = then;
  if (path == NULL)
    {
      /* The local folder is gone, and its operations with it. */
      op_done (task, NULL);
      return;
    }
  if (selected != NULL && !selected->read_only && g_strcmp0 (selected->name, path) == 0)
    {
      then (task);
      return;
    }
  pigeon_imap_session_select_async (data->session, path, FALSE, NULL, NULL, NULL, g_task_get_cancellable (task),
                                    selected_cb, task);
}

static void
created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Replay *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, &error))
    {
      op_done (task, error);
      return;
    }
  data->then (task);
}

static void
create_target (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Replay *data = g_task_get_task_data (task);
  g_autofree char *path = folder_path (self, current_op (data)->target_folder_id);

  if (path == NULL)
    {
      op_done (task, NULL);
      return;
    }
  /* RFC 3501 5.1: INBOX is there, in any case. */
  if (g_hash_table_contains (data->mailboxes, path) || g_ascii_strcasecmp (path, "INBOX") == 0)
    {
      data->then (task);
      return;
    }
  g_hash_table_add (data->mailboxes, g_strdup (path));
  pigeon_imap_session_create_async (data->session, path, g_task_get_cancellable (task), created_cb, task);
}

static void
listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Replay *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = pigeon_imap_session_list_finish (PIGEON_IMAP_SESSION (source), result, &error);

  if (list == NULL)
    {
      op_done (task, error);
      return;
    }
  data->mailboxes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < list->len; i++)
    {
      PigeonImapMailbox *mailbox = g_ptr_array_index (list, i);

      g_hash_table_add (data->mailboxes, g_strdup (mailbox->name));
    }
  create_target (task);
}

/* Makes the operation's target folder on the server when it has none
 * (a local Trash, say), then runs @then. The list is asked once. */
static void
with_target (GTask *task, void (*then) (GTask *))
{
  Replay *data = g_task_get_task_data (task);

  data->then = then;
  if (data->mailboxes == NULL)
    pigeon_imap_session_list_async (data->session, FALSE, g_task_get_cancellable (task), listed_cb, task);
  else
    create_target (task);
}

/* FLAGS */

static char *
current_uid (Replay *data)
{
  return g_strdup_printf ("%u", current_op (data)->uid);
}

static void
clear_flags (GTask *task)
{
  Replay *data = g_task_get_task_data (task);
  g_autofree char *uid = current_uid (data);
  g_auto (GStrv) flags = flag_names (current_op (data)->flags_clear);

  if (flags[0] == NULL)
    {
      op_done (task, NULL);
      return;
    }
  pigeon_imap_session_store_async (data->session, uid, PIGEON_IMAP_STORE_REMOVE, (const char *const *) flags, 0,
                                   g_task_get_cancellable (task), command_cb, task);
}

static void
flags_set_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, &error))
    op_done (user_data, error);
  else
    clear_flags (user_data);
}

static void
store_flags (GTask *task)
{
  Replay *data = g_task_get_task_data (task);
  g_autofree char *uid = current_uid (data);
  g_auto (GStrv) flags = flag_names (current_op (data)->flags_set);

  if (flags[0] == NULL)
    {
      clear_flags (task);
      return;
    }
  pigeon_imap_session_store_async (data->session, uid, PIGEON_IMAP_STORE_ADD, (const char *const *) flags, 0,
                                   g_task_get_cancellable (task), flags_set_cb, task);
}

/* MOVE */

static void
moved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Replay *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapCopyResult) copy =
      pigeon_imap_session_copy_finish (PIGEON_IMAP_SESSION (source), result, &error);
  g_autoptr (GArray) uids = NULL;

  if (copy != NULL && copy->dest_uids != NULL)
    uids = pigeon_imap_uid_set_parse (copy->dest_uids, 1);
  if (uids != NULL && uids->len == 1)
    data->new_uid = g_array_index (uids, guint32, 0);
  op_done (task, error);
}

static void
move_message (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Replay *data = g_task_get_task_data (task);
  g_autofree char *uid = current_uid (data);
  g_autofree char *target = folder_path (self, current_op (data)->target_folder_id);

  pigeon_imap_session_move_async (data->session, uid, target, g_task_get_cancellable (task), moved_cb, task);
}

static void
select_then_move (GTask *task)
{
  with_source (task, move_message);
}

/* DELETE */

static void
deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Replay *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *uid = current_uid (data);

  if (!pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, &error))
    op_done (task, error);
  else if (!pigeon_imap_session_has_capability (data->session, "UIDPLUS"))
    op_done (task, NULL);
  else
    pigeon_imap_session_expunge_async (data->session, uid, g_task_get_cancellable (task), command_cb, task);
}

static void
delete_message (GTask *task)
{
  Replay *data = g_task_get_task_data (task);
  g_autofree char *uid = current_uid (data);
  const char *deleted[] = { "\\Deleted", NULL };

  pigeon_imap_session_store_async (data->session, uid, PIGEON_IMAP_STORE_ADD, deleted, 0, g_task_get_cancellable (task),
                                   deleted_cb, task);
}

/* APPEND */

static void
appended_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapCopyResult) copy =
      pigeon_imap_session_copy_finish (PIGEON_IMAP_SESSION (source), result, &error);

  op_done (user_data, error);
}

/* RFC 3501 6.3.11: a sent copy is read already; a draft says so. */
static void
append_message (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Replay *data = g_task_get_task_data (task);
  PigeonPendingOp *op = current_op (data);
  PigeonFolder *folder = pigeon_store_lookup_folder (pigeon_engine_get_store (self), op->target_folder_id);
  gboolean draft = pigeon_folder_get_role (folder) == PIGEON_FOLDER_ROLE_DRAFTS;
  const char *seen[] = { "\\Seen", NULL };
  const char *draft_seen[] = { "\\Seen", "\\Draft", NULL };

  pigeon_imap_session_append_async (data->session, pigeon_folder_get_path (folder), draft ? draft_seen : seen, 0,
                                    op->raw, g_task_get_cancellable (task), appended_cb, task);
}

static void
next_op (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Replay *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gint64 after = data->op ? data->op->id : 0;
  PigeonPendingOp *op;

  g_clear_pointer (&data->op, pigeon_pending_op_free);
  data->op = pigeon_store_next_pending_op (pigeon_engine_get_store (self), data->account, after, &error);
  if (data->op == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, pigeon_engine_error_explain (error, NULL));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  op = data->op;
  data->new_uid = 0;
  set_in_flight (self, data->account, op->id);
  if (op->kind == PIGEON_PENDING_FLAGS)
    with_source (task, store_flags);
  else if (op->kind == PIGEON_PENDING_MOVE)
    with_target (task, select_then_move);
  else if (op->kind == PIGEON_PENDING_DELETE)
    with_source (task, delete_message);
  else if (op->kind == PIGEON_PENDING_APPEND && op->raw != NULL)
    with_target (task, append_message);
  else
    op_done (task, NULL);
}

static void
drafts_replayed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_replay_drafts_finish (PIGEON_ENGINE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
ops_replayed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  Replay *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pigeon_engine_replay_drafts_async (self, data->account, data->session, g_task_get_cancellable (task),
                                     drafts_replayed_cb, g_object_ref (task));
}

void
pigeon_engine_replay_async (PigeonEngine *self,
                            PigeonAccount *account,
                            PigeonImapSession *session,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  GTask *ops_task = g_task_new (self, cancellable, ops_replayed_cb, g_object_ref (task));
  Replay *data = g_new0 (Replay, 1);

  g_task_set_source_tag (task, pigeon_engine_replay_async);
  data->account = g_object_ref (account);
  data->session = g_object_ref (session);
  g_task_set_task_data (task, data, (GDestroyNotify) replay_free);
  g_task_set_task_data (ops_task, data, NULL);
  next_op (ops_task);
}

gboolean
pigeon_engine_replay_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Soon after a user action: the account's operations are replayed over a
 * session of their own, a moment later so that a burst of actions (marking
 * a page of messages read) goes in one session. While the account is busy
 * (a sync, which replays before it fetches) the replay waits for it. */

#define REPLAY_DELAY_MS 1500

typedef struct
{
  GWeakRef engine;
  gint64 account_id;
} SoonReplay;

static void
soon_replay_free (SoonReplay *soon)
{
  g_weak_ref_clear (&soon->engine);
  g_free (soon);
}

static void
remove_source (gpointer id)
{
  g_source_remove (GPOINTER_TO_UINT (id));
}

/* account id -> timeout source id, kept on the engine. */
static GHashTable *
replay_timers (PigeonEngine *self)
{
  static GQuark quark;
  GHashTable *timers;

  if (quark == 0)
    quark = g_quark_from_static_string ("pigeon-engine-replay-timers");
  timers = g_object_get_qdata (G_OBJECT (self), quark);
  if (timers == NULL)
    {
      timers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, remove_source);
      g_object_set_qdata_full (G_OBJECT (self), quark, timers, (GDestroyNotify) g_hash_table_unref);
    }
  return timers;
}

typedef struct
{
  PigeonEngine *engine;
  PigeonAccount *account;
  PigeonImapSession *session;
} SoonSession;

static void
soon_session_free (SoonSession *soon)
{
  g_object_unref (soon->engine);
  g_object_unref (soon->account);
  g_object_unref (soon->session);
  g_free (soon);
}

static void
soon_logged_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SoonSession *soon = user_data;

  pigeon_imap_session_command_finish (PIGEON_IMAP_SESSION (source), result, NULL);
  pigeon_engine_end_work (soon->engine, soon->account);
  soon_session_free (soon);
}

static void
soon_replayed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SoonSession *soon = user_data;
  g_autoptr (GError) error = NULL;

  /* Refusals were reported one by one; anything else waits for the sync. */
  if (!pigeon_engine_replay_finish (PIGEON_ENGINE (source), result, &error))
    g_debug ("Replay for %s stopped: %s", pigeon_account_get_address (soon->account), error->message);
  pigeon_imap_session_logout_async (soon->session, NULL, soon_logged_out_cb, soon);
}

static void
soon_session_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonAccount) account = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  g_autoptr (GError) error = NULL;
  PigeonImapSession *session = pigeon_engine_open_imap_finish (self, result, &error);
  SoonSession *soon;

  if (session == NULL)
    {
      /* Offline or signed out: the operations wait for the next sync. */
      pigeon_engine_end_work (self, account);
      g_debug ("No replay for %s now: %s", pigeon_account_get_address (account), error->message);
      return;
    }
  soon = g_new0 (SoonSession, 1);
  soon->engine = g_object_ref (self);
  soon->account = g_object_ref (account);
  soon->session = session;
  pigeon_engine_replay_async (self, account, session, NULL, soon_replayed_cb, soon);
}

static gboolean
soon_fired (gpointer user_data)
{
  SoonReplay *soon = user_data;
  g_autoptr (PigeonEngine) self = g_weak_ref_get (&soon->engine);
  gpointer key = NULL;
  PigeonAccount *account;
  g_autofree char *status = NULL;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  /* The timer ends here: its entry goes, without removing the source. */
  if (g_hash_table_steal_extended (replay_timers (self), &soon->account_id, &key, NULL))
    g_free (key);
  account = pigeon_store_lookup_account (pigeon_engine_get_store (self), soon->account_id);
  status = account ? g_strdup_printf (_ ("Saving changes for %s"), pigeon_account_get_display_name (account)) : NULL;
  if (account == NULL)
    return G_SOURCE_REMOVE;
  if (pigeon_engine_begin_work (self, account, status))
    pigeon_engine_open_imap_async (self, account, NULL, soon_session_cb, g_object_ref (account));
  else
    /* A sync is running, and may have replayed before this action came:
     * try again once it is done. */
    pigeon_engine_replay_soon (self, account);
  return G_SOURCE_REMOVE;
}

void
pigeon_engine_replay_soon (PigeonEngine *self, PigeonAccount *account)
{
  GHashTable *timers;
  SoonReplay *soon;
  gint64 id;

  if (account == NULL || pigeon_account_get_incoming_protocol (account) != PIGEON_PROTOCOL_IMAP)
    return;
  timers = replay_timers (self);
  id = pigeon_account_get_id (account);
  if (g_hash_table_contains (timers, &id))
    return;
  soon = g_new0 (SoonReplay, 1);
  g_weak_ref_init (&soon->engine, self);
  soon->account_id = id;
  g_hash_table_insert (timers, g_memdup2 (&id, sizeof id),
                       GUINT_TO_POINTER (g_timeout_add_full (G_PRIORITY_DEFAULT, REPLAY_DELAY_MS, soon_fired, soon,
                                                             (GDestroyNotify) soon_replay_free)));
}
