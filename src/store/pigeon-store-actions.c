/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

/* User actions: applied to the store first, then queued as pending
 * operations for the engine to replay; both in one durable transaction,
 * so that a crash never keeps one without the other. */

typedef struct
{
  GArray *ids;
  PigeonMessageFlags set;
  PigeonMessageFlags clear;
  gint64 from;
  gint64 to;
  GBytes *raw;
} Action;

static void
action_free (Action *action)
{
  g_clear_pointer (&action->ids, g_array_unref);
  g_clear_pointer (&action->raw, g_bytes_unref);
  g_free (action);
}

static Action *
action_new (GPtrArray *messages)
{
  Action *action = g_new0 (Action, 1);

  action->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; messages && i < messages->len; i++)
    {
      gint64 id = pigeon_message_get_id (messages->pdata[i]);

      g_array_append_val (action->ids, id);
    }
  return action;
}

static gboolean
queue_flag_ops (PigeonDb *db, gint64 id, Action *action, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "INSERT INTO pending_ops (account_id, kind, message_id, folder_id, uid, "
                                          "flags_set, flags_clear, created) "
                                          "SELECT m.account_id, ?5, m.id, l.folder_id, l.uid, ?2, ?3, ?4 "
                                          "FROM message_locations l JOIN messages m ON m.id = l.message_id "
                                          "WHERE l.message_id = ?1 AND l.uid IS NOT NULL",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, action->set);
  sqlite3_bind_int (stmt, 3, action->clear);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int (stmt, 5, PIGEON_PENDING_FLAGS);
  return pigeon_db_run (db, stmt, error);
}

static gboolean
set_flags (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  Action *action = user_data;
  sqlite3_stmt *stmt;

  for (guint i = 0; i < action->ids->len; i++)
    {
      gint64 id = g_array_index (action->ids, gint64, i);

      stmt = pigeon_db_prepare (db,
                                "UPDATE messages SET flags = (flags | ?2) & ~?3 "
                                "WHERE id = ?1 AND flags != ((flags | ?2) & ~?3)",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int (stmt, 2, action->set);
      sqlite3_bind_int (stmt, 3, action->clear);
      if (!pigeon_db_run (db, stmt, error))
        return FALSE;
      if (sqlite3_changes (pigeon_db_handle (db)) > 0)
        {
          pigeon_changes_add_message (changes, id, 0, PIGEON_CHANGE_CHANGED);
          if (!pigeon_changes_add_folders_of (changes, db, id, error))
            return FALSE;
        }
      /* Queued even when the local flags were right: the server may differ. */
      if (!queue_flag_ops (db, id, action, error))
        return FALSE;
    }
  return TRUE;
}

void
pigeon_store_set_flags_async (PigeonStore *self,
                              GPtrArray *messages,
                              PigeonMessageFlags set,
                              PigeonMessageFlags clear,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  Action *action;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (messages != NULL);

  action = action_new (messages);
  action->set = set;
  action->clear = clear;
  pigeon_store_write_async (self, set_flags, action, (GDestroyNotify) action_free, PIGEON_WRITE_DURABLE,
                            pigeon_store_set_flags_async, cancellable, callback, user_data);
}

/* The message's location in the source folder: 1 with its UID (0 when a
 * local move has not been replayed yet), 0 when it is not there. */
static int
source_uid (PigeonDb *db, gint64 folder_id, gint64 message_id, gint64 *uid, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "SELECT ifnull (uid, 0) FROM message_locations "
                                          "WHERE folder_id = ?1 AND message_id = ?2",
                                          error);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, message_id);
  rc = sqlite3_step (stmt);
  *uid = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc == SQLITE_ROW;
  pigeon_db_fail (db, rc, error);
  return -1;
}

static gboolean
queue_op (PigeonDb *db,
          PigeonPendingKind kind,
          gint64 message_id,
          gint64 folder_id,
          gint64 uid,
          gint64 target,
          GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "INSERT INTO pending_ops (account_id, kind, message_id, folder_id, uid, "
                                          "target_folder_id, created) "
                                          "SELECT account_id, ?1, ?2, ?3, ?4, nullif (?5, 0), ?6 FROM folders "
                                          "WHERE id = ?3",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, kind);
  sqlite3_bind_int64 (stmt, 2, message_id);
  sqlite3_bind_int64 (stmt, 3, folder_id);
  sqlite3_bind_int64 (stmt, 4, uid);
  sqlite3_bind_int64 (stmt, 5, target);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  return pigeon_db_run (db, stmt, error);
}

/* A message moved again before the server heard of the first move: the
 * queued move (from its real UID) goes on to the new place, or becomes a
 * delete. */
static gboolean
redirect_move (PigeonDb *db, gint64 message_id, gint64 from, gint64 to, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "UPDATE pending_ops SET kind = ?4, target_folder_id = nullif (?3, 0) "
                                          "WHERE message_id = ?1 AND kind = ?5 AND target_folder_id = ?2",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  sqlite3_bind_int (stmt, 4, to ? PIGEON_PENDING_MOVE : PIGEON_PENDING_DELETE);
  sqlite3_bind_int (stmt, 5, PIGEON_PENDING_MOVE);
  return pigeon_db_run (db, stmt, error);
}

/* The copy in the target folder waits for its UID from the next sync. */
static gboolean
place_copy (PigeonDb *db, gint64 message_id, gint64 to, PigeonChanges *changes, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "INSERT INTO message_locations (folder_id, message_id, sort_date) "
                                          "SELECT ?1, id, date FROM messages WHERE id = ?2 "
                                          "ON CONFLICT (folder_id, message_id) DO NOTHING",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, to);
  sqlite3_bind_int64 (stmt, 2, message_id);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (pigeon_db_handle (db)) > 0)
    pigeon_changes_add_message (changes, message_id, to, PIGEON_CHANGE_ADDED);
  return TRUE;
}

/* Moves (to != 0) or deletes one message from action->from. */
static gboolean
move_one (PigeonDb *db, Action *action, gint64 id, PigeonChanges *changes, GError **error)
{
  gint64 uid;
  int found = source_uid (db, action->from, id, &uid, error);
  PigeonPendingKind kind = action->to ? PIGEON_PENDING_MOVE : PIGEON_PENDING_DELETE;

  if (found <= 0)
    return found == 0;
  if (uid != 0 && !queue_op (db, kind, id, action->from, uid, action->to, error))
    return FALSE;
  if (uid == 0 && !redirect_move (db, id, action->from, action->to, error))
    return FALSE;
  if (action->to != 0 && !place_copy (db, id, action->to, changes, error))
    return FALSE;
  return pigeon_store_drop_location (db, action->from, id, changes, error);
}

static gboolean
move_messages (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  Action *action = user_data;

  for (guint i = 0; i < action->ids->len; i++)
    if (!move_one (db, action, g_array_index (action->ids, gint64, i), changes, error))
      return FALSE;
  return TRUE;
}

void
pigeon_store_move_messages_async (PigeonStore *self,
                                  GPtrArray *messages,
                                  PigeonFolder *from,
                                  PigeonFolder *to,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Action *action;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (messages != NULL);
  g_return_if_fail (PIGEON_IS_FOLDER (from));
  g_return_if_fail (PIGEON_IS_FOLDER (to));

  action = action_new (messages);
  action->from = pigeon_folder_get_id (from);
  action->to = pigeon_folder_get_id (to);
  pigeon_store_write_async (self, move_messages, action, (GDestroyNotify) action_free, PIGEON_WRITE_DURABLE,
                            pigeon_store_move_messages_async, cancellable, callback, user_data);
}

void
pigeon_store_delete_messages_async (PigeonStore *self,
                                    GPtrArray *messages,
                                    PigeonFolder *from,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  Action *action;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (messages != NULL);
  g_return_if_fail (PIGEON_IS_FOLDER (from));

  action = action_new (messages);
  action->from = pigeon_folder_get_id (from);
  pigeon_store_write_async (self, move_messages, action, (GDestroyNotify) action_free, PIGEON_WRITE_DURABLE,
                            pigeon_store_delete_messages_async, cancellable, callback, user_data);
}

static gboolean
queue_append (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  Action *action = user_data;
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "INSERT INTO pending_ops (account_id, kind, target_folder_id, raw, created) "
                                          "SELECT account_id, ?2, id, ?3, ?4 FROM folders WHERE id = ?1",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, action->to);
  sqlite3_bind_int (stmt, 2, PIGEON_PENDING_APPEND);
  pigeon_db_bind_bytes (stmt, 3, action->raw);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  changes->new_id = sqlite3_last_insert_rowid (pigeon_db_handle (db));
  return TRUE;
}

void
pigeon_store_queue_append_async (PigeonStore *self,
                                 PigeonFolder *folder,
                                 GBytes *raw,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  Action *action;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_FOLDER (folder));
  g_return_if_fail (raw != NULL);

  action = action_new (NULL);
  action->to = pigeon_folder_get_id (folder);
  action->raw = g_bytes_ref (raw);
  pigeon_store_write_async (self, queue_append, action, (GDestroyNotify) action_free, PIGEON_WRITE_DURABLE,
                            pigeon_store_queue_append_async, cancellable, callback, user_data);
}

static PigeonPendingOp *
pending_op_from_row (sqlite3_stmt *row)
{
  PigeonPendingOp *op = g_new0 (PigeonPendingOp, 1);

  op->id = sqlite3_column_int64 (row, 0);
  op->account_id = sqlite3_column_int64 (row, 1);
  op->kind = sqlite3_column_int (row, 2);
  op->folder_id = sqlite3_column_int64 (row, 3);
  op->uid = sqlite3_column_int64 (row, 4);
  op->target_folder_id = sqlite3_column_int64 (row, 5);
  op->flags_set = sqlite3_column_int (row, 6);
  op->flags_clear = sqlite3_column_int (row, 7);
  if (sqlite3_column_type (row, 8) != SQLITE_NULL)
    op->raw = pigeon_db_column_bytes (row, 8);
  op->created = sqlite3_column_int64 (row, 9);
  op->attempts = sqlite3_column_int (row, 10);
  op->last_error = g_strdup ((const char *) sqlite3_column_text (row, 11));
  return op;
}

GPtrArray *
pigeon_store_list_pending_ops (PigeonStore *self, PigeonAccount *account, GError **error)
{
  PigeonDb *db;
  sqlite3_stmt *stmt;
  g_autoptr (GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_pending_op_free);
  int rc;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (account), NULL);

  db = pigeon_store_get_reader (self);
  stmt = pigeon_db_prepare (db,
                            "SELECT id, account_id, kind, ifnull (folder_id, 0), ifnull (uid, 0), "
                            "ifnull (target_folder_id, 0), flags_set, flags_clear, raw, created, attempts, "
                            "last_error FROM pending_ops WHERE account_id = ?1 ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, pigeon_account_get_id (account));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ops, pending_op_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      pigeon_db_fail (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&ops);
}

typedef struct
{
  gint64 id;
  char *error_text;
} OpResult;

static void
op_result_free (OpResult *data)
{
  g_free (data->error_text);
  g_free (data);
}

static gboolean
finish_op (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  OpResult *data = user_data;
  sqlite3_stmt *stmt =
      pigeon_db_prepare (db,
                         data->error_text ? "UPDATE pending_ops SET attempts = attempts + 1, last_error = ?2 "
                                            "WHERE id = ?1"
                                          : "DELETE FROM pending_ops WHERE id = ?1",
                         error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  if (data->error_text)
    pigeon_db_bind_text (stmt, 2, data->error_text);
  return pigeon_db_run (db, stmt, error);
}

static void
finish_op_async (PigeonStore *self,
                 gint64 op_id,
                 const char *error_text,
                 gpointer tag,
                 GCancellable *cancellable,
                 GAsyncReadyCallback callback,
                 gpointer user_data)
{
  OpResult *data = g_new0 (OpResult, 1);

  data->id = op_id;
  data->error_text = g_strdup (error_text);
  pigeon_store_write_async (self, finish_op, data, (GDestroyNotify) op_result_free, PIGEON_WRITE_DURABLE, tag,
                            cancellable, callback, user_data);
}

void
pigeon_store_complete_pending_op_async (
    PigeonStore *self, gint64 op_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));

  finish_op_async (self, op_id, NULL, pigeon_store_complete_pending_op_async, cancellable, callback, user_data);
}

void
pigeon_store_fail_pending_op_async (PigeonStore *self,
                                    gint64 op_id,
                                    const char *error_text,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (error_text != NULL);

  finish_op_async (self, op_id, error_text, pigeon_store_fail_pending_op_async, cancellable, callback, user_data);
}
