/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

/* The store's side of replaying pending operations: the result of each
 * operation and the local change are written in one durable transaction,
 * so that a crash never keeps an operation whose outcome is already here
 * (or the reverse). */

typedef struct
{
  gint64 op_id;
  guint32 new_uid;
  gint64 from;
  gint64 to;
  gint64 in_flight;
  GArray *message_ids;
} OpWrite;

static void
op_write_free (OpWrite *data)
{
  g_clear_pointer (&data->message_ids, g_array_unref);
  g_free (data);
}

gboolean
pigeon_store_find_server_copy (PigeonStore *self, gint64 message_id, gint64 *folder_id, guint32 *uid, GError **error)
{
  PigeonDb *db;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (PIGEON_IS_STORE (self), FALSE);

  db = pigeon_store_get_reader (self);
  stmt = pigeon_db_prepare (db,
                            "SELECT folder_id, uid FROM message_locations "
                            "WHERE message_id = ?1 AND uid IS NOT NULL ORDER BY id LIMIT 1",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *folder_id = sqlite3_column_int64 (stmt, 0);
      *uid = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    pigeon_db_fail (db, rc, error);
  return rc == SQLITE_ROW;
}

PigeonPendingOp *
pigeon_store_next_pending_op (PigeonStore *self, PigeonAccount *account, gint64 after_id, GError **error)
{
  PigeonDb *db;
  sqlite3_stmt *stmt;
  PigeonPendingOp *op = NULL;
  int rc;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (PIGEON_IS_ACCOUNT (account), NULL);

  db = pigeon_store_get_reader (self);
  stmt = pigeon_db_prepare (db,
                            "SELECT id, kind, ifnull (folder_id, 0), ifnull (uid, 0), ifnull (target_folder_id, 0), "
                            "flags_set, flags_clear, raw, attempts FROM pending_ops "
                            "WHERE account_id = ?1 AND id > ?2 ORDER BY id LIMIT 1",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, pigeon_account_get_id (account));
  sqlite3_bind_int64 (stmt, 2, after_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      op = g_new0 (PigeonPendingOp, 1);
      op->id = sqlite3_column_int64 (stmt, 0);
      op->account_id = pigeon_account_get_id (account);
      op->kind = sqlite3_column_int (stmt, 1);
      op->folder_id = sqlite3_column_int64 (stmt, 2);
      op->uid = sqlite3_column_int64 (stmt, 3);
      op->target_folder_id = sqlite3_column_int64 (stmt, 4);
      op->flags_set = sqlite3_column_int (stmt, 5);
      op->flags_clear = sqlite3_column_int (stmt, 6);
      if (sqlite3_column_type (stmt, 7) != SQLITE_NULL)
        op->raw = pigeon_db_column_bytes (stmt, 7);
      op->attempts = sqlite3_column_int (stmt, 8);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    pigeon_db_fail (db, rc, error);
  return op;
}

static gboolean
forget_op (PigeonDb *db, gint64 op_id, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "DELETE FROM pending_ops WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, op_id);
  return pigeon_db_run (db, stmt, error);
}

typedef struct
{
  PigeonPendingKind kind;
  gint64 message_id;
  gint64 folder_id;
  gint64 uid;
  gint64 target;
  PigeonMessageFlags set;
  PigeonMessageFlags clear;
} OpRow;

/* 1 when the operation exists, 0 when it does not, -1 on failure. */
static int
read_op (PigeonDb *db, gint64 op_id, OpRow *row, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "SELECT kind, ifnull (message_id, 0), ifnull (folder_id, 0), "
                                          "ifnull (uid, 0), ifnull (target_folder_id, 0), flags_set, flags_clear "
                                          "FROM pending_ops WHERE id = ?1",
                                          error);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, op_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->kind = sqlite3_column_int (stmt, 0);
      row->message_id = sqlite3_column_int64 (stmt, 1);
      row->folder_id = sqlite3_column_int64 (stmt, 2);
      row->uid = sqlite3_column_int64 (stmt, 3);
      row->target = sqlite3_column_int64 (stmt, 4);
      row->set = sqlite3_column_int (stmt, 5);
      row->clear = sqlite3_column_int (stmt, 6);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc == SQLITE_ROW;
  pigeon_db_fail (db, rc, error);
  return -1;
}

/* The message took the UID in the target folder. */
static gboolean
record_uid (PigeonDb *db, OpWrite *data, GError **error)
{
  /* OR IGNORE: a sync may have stored that UID already. */
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "UPDATE OR IGNORE message_locations SET uid = ?3 "
                                          "WHERE uid IS NULL AND folder_id = ?2 AND message_id = "
                                          "(SELECT message_id FROM pending_ops WHERE id = ?1)",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->op_id);
  sqlite3_bind_int64 (stmt, 2, data->to);
  sqlite3_bind_int64 (stmt, 3, data->new_uid);
  return pigeon_db_run (db, stmt, error);
}

/* A move whose target changed while the server took it: it now starts
 * from the folder and UID the server gave the message. */
static gboolean
rebase_op (PigeonDb *db, OpWrite *data, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "UPDATE pending_ops SET folder_id = ?2, uid = ?3, attempts = 0, "
                                          "last_error = NULL WHERE id = ?1",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->op_id);
  sqlite3_bind_int64 (stmt, 2, data->to);
  sqlite3_bind_int64 (stmt, 3, data->new_uid);
  return pigeon_db_run (db, stmt, error);
}

static gboolean
finish_op (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  OpWrite *data = user_data;
  OpRow row = { 0 };
  int found = read_op (db, data->op_id, &row, error);
  gboolean redirected;

  if (found <= 0)
    return found == 0;
  redirected = data->to != 0 && (row.kind != PIGEON_PENDING_MOVE || row.target != data->to);
  if (data->new_uid != 0 && !redirected && !record_uid (db, data, error))
    return FALSE;
  if (data->new_uid != 0 && redirected)
    return rebase_op (db, data, error);
  /* Redirected without a COPYUID: the sync finds the message where the
   * server put it. */
  return forget_op (db, data->op_id, error);
}

void
pigeon_store_finish_pending_op_async (PigeonStore *self,
                                      gint64 op_id,
                                      gint64 target_folder_id,
                                      guint32 new_uid,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  OpWrite *data;

  g_return_if_fail (PIGEON_IS_STORE (self));

  data = g_new0 (OpWrite, 1);
  data->op_id = op_id;
  data->to = target_folder_id;
  data->new_uid = new_uid;
  pigeon_store_write_async (self, finish_op, data, (GDestroyNotify) op_write_free, PIGEON_WRITE_DURABLE,
                            pigeon_store_finish_pending_op_async, cancellable, callback, user_data);
}

/* What was set is cleared and what was cleared is set again. */
static gboolean
revert_flags (PigeonDb *db, const OpRow *row, PigeonChanges *changes, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "UPDATE messages SET flags = (flags & ~?2) | ?3 "
                                          "WHERE id = ?1 AND flags != ((flags & ~?2) | ?3)",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row->message_id);
  sqlite3_bind_int (stmt, 2, row->set);
  sqlite3_bind_int (stmt, 3, row->clear);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (pigeon_db_handle (db)) == 0)
    return TRUE;
  pigeon_changes_add_message (changes, row->message_id, 0, PIGEON_CHANGE_CHANGED);
  return pigeon_changes_add_folders_of (changes, db, row->message_id, error);
}

/* The message goes back to its source folder with its UID (when it is
 * still here at all: a message deleted for good comes back with the next
 * sync), then leaves the target folder. */
static gboolean
revert_location (PigeonDb *db, const OpRow *row, PigeonChanges *changes, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "INSERT OR IGNORE INTO message_locations "
                                          "(folder_id, message_id, uid, sort_date) "
                                          "SELECT ?1, id, ?3, date FROM messages WHERE id = ?2",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row->folder_id);
  sqlite3_bind_int64 (stmt, 2, row->message_id);
  sqlite3_bind_int64 (stmt, 3, row->uid);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (pigeon_db_handle (db)) > 0)
    pigeon_changes_add_message (changes, row->message_id, row->folder_id, PIGEON_CHANGE_ADDED);
  if (row->target == 0 || row->target == row->folder_id)
    return TRUE;
  return pigeon_store_drop_location (db, row->target, row->message_id, changes, error);
}

static gboolean
revert_op (PigeonDb *db, gint64 op_id, PigeonChanges *changes, GError **error)
{
  OpRow row = { 0 };
  int found = read_op (db, op_id, &row, error);

  if (found <= 0)
    return found == 0;
  if (row.kind == PIGEON_PENDING_FLAGS && !revert_flags (db, &row, changes, error))
    return FALSE;
  if ((row.kind == PIGEON_PENDING_MOVE || row.kind == PIGEON_PENDING_DELETE) && row.message_id != 0 &&
      !revert_location (db, &row, changes, error))
    return FALSE;
  return forget_op (db, op_id, error);
}

static gboolean
revert_one (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  OpWrite *data = user_data;

  return revert_op (db, data->op_id, changes, error);
}

void
pigeon_store_revert_pending_op_async (
    PigeonStore *self, gint64 op_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  OpWrite *data;

  g_return_if_fail (PIGEON_IS_STORE (self));

  data = g_new0 (OpWrite, 1);
  data->op_id = op_id;
  pigeon_store_write_async (self, revert_one, data, (GDestroyNotify) op_write_free, PIGEON_WRITE_DURABLE,
                            pigeon_store_revert_pending_op_async, cancellable, callback, user_data);
}

/* The queued move of @message_id from @from to @to, or 0. */
static gint64
queued_move (PigeonDb *db, gint64 message_id, gint64 from, gint64 to, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "SELECT id FROM pending_ops WHERE message_id = ?1 AND kind = ?4 "
                                          "AND folder_id = ?2 AND target_folder_id = ?3 ORDER BY id DESC LIMIT 1",
                                          error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  sqlite3_bind_int (stmt, 4, PIGEON_PENDING_MOVE);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return id;
  pigeon_db_fail (db, rc, error);
  return -1;
}

static gboolean
cancel_moves (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  OpWrite *data = user_data;

  for (guint i = 0; i < data->message_ids->len; i++)
    {
      gint64 op_id = queued_move (db, g_array_index (data->message_ids, gint64, i), data->from, data->to, error);

      if (op_id < 0)
        return FALSE;
      if (op_id > 0 && op_id != data->in_flight && !revert_op (db, op_id, changes, error))
        return FALSE;
    }
  return TRUE;
}

void
pigeon_store_cancel_moves_async (PigeonStore *self,
                                 GPtrArray *messages,
                                 PigeonFolder *from,
                                 PigeonFolder *to,
                                 gint64 in_flight,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  OpWrite *data;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (messages != NULL);
  g_return_if_fail (PIGEON_IS_FOLDER (from));
  g_return_if_fail (PIGEON_IS_FOLDER (to));

  data = g_new0 (OpWrite, 1);
  data->from = pigeon_folder_get_id (from);
  data->to = pigeon_folder_get_id (to);
  data->in_flight = in_flight;
  data->message_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), messages->len);
  for (guint i = 0; i < messages->len; i++)
    {
      gint64 id = pigeon_message_get_id (messages->pdata[i]);

      g_array_append_val (data->message_ids, id);
    }
  pigeon_store_write_async (self, cancel_moves, data, (GDestroyNotify) op_write_free, PIGEON_WRITE_DURABLE,
                            pigeon_store_cancel_moves_async, cancellable, callback, user_data);
}
