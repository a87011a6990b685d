/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

/* The outbox, drafts and contacts. The outbox and drafts hold what the
 * user wrote and exists nowhere else: they commit with synchronous=FULL. */

typedef struct
{
  gint64 id;
  gint64 account_id;
  GBytes *raw;
  PigeonOutboxState state;
  char *error_text;
} Outgoing;

static void
outgoing_free (Outgoing *data)
{
  g_clear_pointer (&data->raw, g_bytes_unref);
  g_free (data->error_text);
  g_free (data);
}

static Outgoing *
outgoing_new (gint64 id, gint64 account_id, GBytes *raw)
{
  Outgoing *data = g_new0 (Outgoing, 1);

  data->id = id;
  data->account_id = account_id;
  data->raw = raw ? g_bytes_ref (raw) : NULL;
  return data;
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
run_and_note_id (PigeonDb *db, sqlite3_stmt *stmt, PigeonChanges *changes, GError **error)
{
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  changes->new_id = sqlite3_last_insert_rowid (pigeon_db_handle (db));
  return TRUE;
}

static gboolean
queue_outgoing (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  Outgoing *data = user_data;
  sqlite3_stmt *stmt =
      pigeon_db_prepare (db, "INSERT INTO outbox (account_id, raw, state, queued) VALUES (?1, ?2, ?3, ?4)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->account_id);
  pigeon_db_bind_bytes (stmt, 2, data->raw);
  sqlite3_bind_int (stmt, 3, PIGEON_OUTBOX_QUEUED);
  sqlite3_bind_int64 (stmt, 4, now ());
  return run_and_note_id (db, stmt, changes, error);
}

void
pigeon_store_queue_outgoing_async (PigeonStore *self,
                                   PigeonAccount *account,
                                   GBytes *raw,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));
  g_return_if_fail (raw != NULL);

  pigeon_store_write_async (self, queue_outgoing, outgoing_new (0, pigeon_account_get_id (account), raw),
                            (GDestroyNotify) outgoing_free, PIGEON_WRITE_DURABLE, pigeon_store_queue_outgoing_async,
                            cancellable, callback, user_data);
}

static PigeonOutboxItem *
outbox_item_from_row (sqlite3_stmt *row)
{
  PigeonOutboxItem *item = g_new0 (PigeonOutboxItem, 1);

  item->id = sqlite3_column_int64 (row, 0);
  item->account_id = sqlite3_column_int64 (row, 1);
  item->raw = pigeon_db_column_bytes (row, 2);
  item->state = sqlite3_column_int (row, 3);
  item->attempts = sqlite3_column_int (row, 4);
  item->last_error = g_strdup ((const char *) sqlite3_column_text (row, 5));
  item->queued = sqlite3_column_int64 (row, 6);
  return item;
}

typedef gpointer (*RowFunc) (sqlite3_stmt *row);

static GPtrArray *
collect_rows (PigeonDb *db, sqlite3_stmt *stmt, RowFunc from_row, GDestroyNotify free_func, GError **error)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      pigeon_db_fail (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&items);
}

GPtrArray *
pigeon_store_list_outbox (PigeonStore *self, PigeonAccount *account, GError **error)
{
  PigeonDb *db;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (account == NULL || PIGEON_IS_ACCOUNT (account), NULL);

  db = pigeon_store_get_reader (self);
  stmt = pigeon_db_prepare (db,
                            "SELECT id, account_id, raw, state, attempts, last_error, queued FROM outbox "
                            "WHERE ?1 = 0 OR account_id = ?1 ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account ? pigeon_account_get_id (account) : 0);
  return collect_rows (db, stmt, (RowFunc) outbox_item_from_row, (GDestroyNotify) pigeon_outbox_item_free, error);
}

static gboolean
expect_row (PigeonDb *db, sqlite3_stmt *stmt, GError **error)
{
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (pigeon_db_handle (db)) > 0)
    return TRUE;
  g_set_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_NOT_FOUND, "No such row");
  return FALSE;
}

static gboolean
set_outgoing_state (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  Outgoing *data = user_data;
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "UPDATE outbox SET state = ?2, last_error = ?3, "
                                          "attempts = attempts + (?2 = ?4) WHERE id = ?1",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  sqlite3_bind_int (stmt, 2, data->state);
  pigeon_db_bind_text (stmt, 3, data->error_text);
  sqlite3_bind_int (stmt, 4, PIGEON_OUTBOX_FAILED);
  return expect_row (db, stmt, error);
}

void
pigeon_store_set_outgoing_state_async (PigeonStore *self,
                                       gint64 outbox_id,
                                       PigeonOutboxState state,
                                       const char *error_text,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  Outgoing *data;

  g_return_if_fail (PIGEON_IS_STORE (self));

  data = outgoing_new (outbox_id, 0, NULL);
  data->state = state;
  data->error_text = g_strdup (error_text);
  pigeon_store_write_async (self, set_outgoing_state, data, (GDestroyNotify) outgoing_free, PIGEON_WRITE_DURABLE,
                            pigeon_store_set_outgoing_state_async, cancellable, callback, user_data);
}

static gboolean
remove_outgoing (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  Outgoing *data = user_data;
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "DELETE FROM outbox WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  return expect_row (db, stmt, error);
}

void
pigeon_store_remove_outgoing_async (
    PigeonStore *self, gint64 outbox_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));

  pigeon_store_write_async (self, remove_outgoing, outgoing_new (outbox_id, 0, NULL), (GDestroyNotify) outgoing_free,
                            PIGEON_WRITE_DURABLE, pigeon_store_remove_outgoing_async, cancellable, callback, user_data);
}

static gboolean
save_draft (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  Outgoing *data = user_data;
  sqlite3_stmt *stmt;

  if (data->id == 0)
    {
      stmt =
          pigeon_db_prepare (db, "INSERT INTO drafts (account_id, raw, saved) VALUES (nullif (?1, 0), ?2, ?3)", error);
      if (stmt == NULL)
        return FALSE;
    }
  else
    {
      stmt = pigeon_db_prepare (db, "UPDATE drafts SET account_id = nullif (?1, 0), raw = ?2, saved = ?3 WHERE id = ?4",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 4, data->id);
      changes->new_id = data->id;
    }
  sqlite3_bind_int64 (stmt, 1, data->account_id);
  pigeon_db_bind_bytes (stmt, 2, data->raw);
  sqlite3_bind_int64 (stmt, 3, now ());
  return data->id == 0 ? run_and_note_id (db, stmt, changes, error) : expect_row (db, stmt, error);
}

void
pigeon_store_save_draft_async (PigeonStore *self,
                               PigeonAccount *account,
                               gint64 draft_id,
                               GBytes *raw,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (account == NULL || PIGEON_IS_ACCOUNT (account));
  g_return_if_fail (raw != NULL);

  pigeon_store_write_async (self, save_draft,
                            outgoing_new (draft_id, account ? pigeon_account_get_id (account) : 0, raw),
                            (GDestroyNotify) outgoing_free, PIGEON_WRITE_DURABLE, pigeon_store_save_draft_async,
                            cancellable, callback, user_data);
}

static PigeonDraft *
draft_from_row (sqlite3_stmt *row)
{
  PigeonDraft *draft = g_new0 (PigeonDraft, 1);

  draft->id = sqlite3_column_int64 (row, 0);
  draft->account_id = sqlite3_column_int64 (row, 1);
  draft->raw = pigeon_db_column_bytes (row, 2);
  draft->saved = sqlite3_column_int64 (row, 3);
  return draft;
}

GPtrArray *
pigeon_store_list_drafts (PigeonStore *self, GError **error)
{
  PigeonDb *db;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);

  db = pigeon_store_get_reader (self);
  stmt = pigeon_db_prepare (
      db, "SELECT id, ifnull (account_id, 0), raw, saved FROM drafts ORDER BY saved DESC, id DESC", error);
  if (stmt == NULL)
    return NULL;
  return collect_rows (db, stmt, (RowFunc) draft_from_row, (GDestroyNotify) pigeon_draft_free, error);
}

static gboolean
delete_draft (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  Outgoing *data = user_data;
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "DELETE FROM drafts WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  return expect_row (db, stmt, error);
}

void
pigeon_store_delete_draft_async (
    PigeonStore *self, gint64 draft_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));

  pigeon_store_write_async (self, delete_draft, outgoing_new (draft_id, 0, NULL), (GDestroyNotify) outgoing_free,
                            PIGEON_WRITE_DURABLE, pigeon_store_delete_draft_async, cancellable, callback, user_data);
}

static PigeonContact *
contact_from_row (sqlite3_stmt *row)
{
  PigeonContact *contact = g_new0 (PigeonContact, 1);

  contact->address = g_strdup (pigeon_db_text (row, 0));
  contact->name = g_strdup (pigeon_db_text (row, 1));
  contact->received_count = sqlite3_column_int (row, 2);
  contact->sent_count = sqlite3_column_int (row, 3);
  contact->last_seen = sqlite3_column_int64 (row, 4);
  return contact;
}

/* LIKE's wildcards in what the user typed are literal. */
static char *
like_prefix (const char *prefix)
{
  GString *pattern = g_string_new (NULL);

  for (const char *p = prefix; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

GPtrArray *
pigeon_store_complete_address (PigeonStore *self, const char *prefix, guint limit, GError **error)
{
  g_autofree char *pattern = NULL;
  PigeonDb *db;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  db = pigeon_store_get_reader (self);
  /* Sent-to addresses rank first: the user chose them. */
  stmt = pigeon_db_prepare (db,
                            "SELECT address, name, received_count, sent_count, last_seen FROM contacts "
                            "WHERE address LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' "
                            "OR name LIKE '% ' || ?1 ESCAPE '\\' "
                            "ORDER BY sent_count * 4 + received_count DESC, last_seen DESC LIMIT ?2",
                            error);
  if (stmt == NULL)
    return NULL;
  pattern = like_prefix (prefix);
  pigeon_db_bind_text (stmt, 1, pattern);
  sqlite3_bind_int (stmt, 2, limit ? limit : 10);
  return collect_rows (db, stmt, (RowFunc) contact_from_row, (GDestroyNotify) pigeon_contact_free, error);
}
