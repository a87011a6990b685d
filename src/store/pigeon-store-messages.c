/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

/* Messages: what the sync writes, what the user does, and the list models. */

static gint64
select_id (PigeonDb *db, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);
  gint64 id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;

  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      pigeon_db_fail (db, rc, error);
      return -1;
    }
  return id;
}

gboolean
pigeon_store_drop_location (PigeonDb *db, gint64 folder_id, gint64 message_id, PigeonChanges *changes, GError **error)
{
  sqlite3_stmt *stmt =
      pigeon_db_prepare (db, "DELETE FROM message_locations WHERE folder_id = ?1 AND message_id = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, message_id);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  pigeon_changes_add_message (changes, message_id, folder_id, PIGEON_CHANGE_REMOVED);
  stmt = pigeon_db_prepare (db,
                            "DELETE FROM messages WHERE id = ?1 "
                            "AND NOT EXISTS (SELECT 1 FROM message_locations WHERE message_id = ?1)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (pigeon_db_handle (db)) > 0)
    pigeon_changes_add_message (changes, message_id, 0, PIGEON_CHANGE_REMOVED);
  return TRUE;
}

static GArray *
select_ids (PigeonDb *db, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      pigeon_db_fail (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gboolean
pigeon_store_empty_folder (PigeonDb *db, gint64 folder_id, PigeonChanges *changes, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "SELECT message_id FROM message_locations WHERE folder_id = ?1", error);
  g_autoptr (GArray) ids = NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  ids = select_ids (db, stmt, error);
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!pigeon_store_drop_location (db, folder_id, g_array_index (ids, gint64, i), changes, error))
      return FALSE;
  return TRUE;
}

/* Sets flags; the folders' counts follow by trigger. */
static gboolean
write_flags (PigeonDb *db,
             gint64 message_id,
             PigeonMessageFlags set,
             PigeonMessageFlags clear,
             PigeonChanges *changes,
             GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "UPDATE messages SET flags = (flags | ?2) & ~?3 "
                                          "WHERE id = ?1 AND flags != ((flags | ?2) & ~?3)",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int (stmt, 2, set);
  sqlite3_bind_int (stmt, 3, clear);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (pigeon_db_handle (db)) == 0)
    return TRUE;
  pigeon_changes_add_message (changes, message_id, 0, PIGEON_CHANGE_CHANGED);
  return pigeon_changes_add_folders_of (changes, db, message_id, error);
}

/* A new message's row for the search index, written at the end of the batch. */
typedef struct
{
  gint64 id;
  const PigeonMessageInfo *info;
  char *body;
} IndexRow;

static void
index_row_clear (gpointer data)
{
  g_free (((IndexRow *) data)->body);
}

typedef struct
{
  gint64 account_id;
  gint64 folder_id;
  gboolean sent; /* the folder holds sent mail: collect its recipients */
  GPtrArray *infos;
  GArray *index; /* IndexRow */
  PigeonContacts *contacts;
} AddMessages;

static void
add_messages_free (AddMessages *data)
{
  g_ptr_array_unref (data->infos);
  g_array_unref (data->index);
  pigeon_contacts_free (data->contacts);
  g_free (data);
}

/* The message already stored at this UID (or UIDL) of the folder. */
static gint64
message_at (PigeonDb *db, AddMessages *data, const PigeonMessageInfo *info, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          info->uidl ? "SELECT message_id FROM message_locations "
                                                       "WHERE folder_id = ?1 AND uidl = ?2"
                                                     : "SELECT message_id FROM message_locations "
                                                       "WHERE folder_id = ?1 AND uid = ?2",
                                          error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, data->folder_id);
  if (info->uidl)
    pigeon_db_bind_text (stmt, 2, info->uidl);
  else
    sqlite3_bind_int64 (stmt, 2, info->uid);
  return select_id (db, stmt, error);
}

/* The same message (by Message-ID) stored from another folder, or placed
 * here by a local move that the server has not named yet. */
static gint64
same_message (PigeonDb *db, AddMessages *data, const PigeonMessageInfo *info, GError **error)
{
  sqlite3_stmt *stmt;

  if (info->message_id == NULL || *info->message_id == '\0')
    return 0;
  stmt = pigeon_db_prepare (db,
                            "SELECT m.id FROM messages m WHERE m.account_id = ?1 AND m.message_id = ?2 "
                            "AND NOT EXISTS (SELECT 1 FROM message_locations l WHERE l.message_id = m.id "
                            "AND l.folder_id = ?3 AND (l.uid IS NOT NULL OR l.uidl IS NOT NULL)) LIMIT 1",
                            error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, data->account_id);
  pigeon_db_bind_text (stmt, 2, info->message_id);
  sqlite3_bind_int64 (stmt, 3, data->folder_id);
  return select_id (db, stmt, error);
}

static gboolean
insert_location (PigeonDb *db,
                 AddMessages *data,
                 gint64 message_id,
                 const PigeonMessageInfo *info,
                 PigeonChanges *changes,
                 GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "INSERT INTO message_locations (folder_id, message_id, uid, uidl, sort_date) "
                                          "SELECT ?1, ?2, ?3, ?4, date FROM messages WHERE id = ?2 "
                                          "ON CONFLICT (folder_id, message_id) DO UPDATE SET uid = excluded.uid, "
                                          "uidl = excluded.uidl",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->folder_id);
  sqlite3_bind_int64 (stmt, 2, message_id);
  if (info->uid)
    sqlite3_bind_int64 (stmt, 3, info->uid);
  pigeon_db_bind_text (stmt, 4, info->uidl);
  pigeon_changes_add_message (changes, message_id, data->folder_id, PIGEON_CHANGE_ADDED);
  return pigeon_db_run (db, stmt, error);
}

/* A new message's first location: nothing to read or to replace. */
static gboolean
insert_new_location (PigeonDb *db,
                     AddMessages *data,
                     gint64 message_id,
                     const PigeonMessageInfo *info,
                     PigeonChanges *changes,
                     GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "INSERT INTO message_locations (folder_id, message_id, uid, uidl, sort_date) "
                                          "VALUES (?1, ?2, ?3, ?4, ?5)",
                                          error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->folder_id);
  sqlite3_bind_int64 (stmt, 2, message_id);
  if (info->uid)
    sqlite3_bind_int64 (stmt, 3, info->uid);
  pigeon_db_bind_text (stmt, 4, info->uidl);
  sqlite3_bind_int64 (stmt, 5, info->date);
  pigeon_changes_add_message (changes, message_id, data->folder_id, PIGEON_CHANGE_ADDED);
  return pigeon_db_run (db, stmt, error);
}

static gint64
insert_message (PigeonDb *db, AddMessages *data, const PigeonMessageInfo *info, GError **error)
{
  g_autofree char *refs = info->references ? g_strjoinv (" ", info->references) : NULL;
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "INSERT INTO messages (account_id, message_id, in_reply_to, refs, subject, "
                                          "sender, recipients, cc, date, size, flags, has_attachments) "
                                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                                          error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, data->account_id);
  pigeon_db_bind_text (stmt, 2, info->message_id);
  pigeon_db_bind_text (stmt, 3, info->in_reply_to);
  pigeon_db_bind_text (stmt, 4, refs);
  pigeon_db_bind_text (stmt, 5, info->subject ? info->subject : "");
  pigeon_db_bind_text (stmt, 6, info->from ? info->from : "");
  pigeon_db_bind_text (stmt, 7, info->to ? info->to : "");
  pigeon_db_bind_text (stmt, 8, info->cc ? info->cc : "");
  sqlite3_bind_int64 (stmt, 9, info->date);
  sqlite3_bind_int64 (stmt, 10, (gint64) info->size);
  sqlite3_bind_int (stmt, 11, info->flags);
  sqlite3_bind_int (stmt, 12, info->has_attachments != FALSE);
  if (!pigeon_db_run (db, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (pigeon_db_handle (db));
}

static gboolean
add_new_message (PigeonDb *db, AddMessages *data, const PigeonMessageInfo *info, PigeonChanges *changes, GError **error)
{
  gint64 id = insert_message (db, data, info, error);
  IndexRow row = { id, info, NULL };
  gboolean ok;

  ok = id > 0 && pigeon_thread_assign (db, data->account_id, id, info, changes, error) &&
       insert_new_location (db, data, id, info, changes, error) &&
       (info->raw == NULL || pigeon_store_body_index (db, id, info->raw, &row.body, changes, error));
  g_array_append_val (data->index, row);
  if (ok)
    pigeon_contacts_add (data->contacts, info, data->sent);
  return ok;
}

static gboolean
add_one (PigeonDb *db, AddMessages *data, const PigeonMessageInfo *info, PigeonChanges *changes, GError **error)
{
  gint64 id = message_at (db, data, info, error);

  if (id < 0)
    return FALSE;
  /* Known already: the server's flags win. */
  if (id > 0)
    return write_flags (db, id, info->flags, ~info->flags, changes, error);
  id = same_message (db, data, info, error);
  if (id < 0)
    return FALSE;
  if (id == 0)
    return add_new_message (db, data, info, changes, error);
  return insert_location (db, data, id, info, changes, error) &&
         write_flags (db, id, info->flags, ~info->flags, changes, error);
}

static gboolean
add_messages (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  AddMessages *data = user_data;

  for (guint i = 0; i < data->infos->len; i++)
    if (!add_one (db, data, data->infos->pdata[i], changes, error))
      return FALSE;
  if (!pigeon_contacts_write (data->contacts, db, error))
    return FALSE;
  /* Last, and nothing after them: FTS5 flushes its pending rows at every
   * statement savepoint, so rows written among the other statements would
   * each become a segment of their own. */
  for (guint i = 0; i < data->index->len; i++)
    {
      IndexRow *row = &g_array_index (data->index, IndexRow, i);

      if (!pigeon_store_index_message (db, row->id, row->info, row->body, error))
        return FALSE;
    }
  return TRUE;
}

static AddMessages *
add_messages_new (gint64 account_id, gint64 folder_id, gboolean sent, GPtrArray *infos)
{
  AddMessages *data = g_new0 (AddMessages, 1);

  data->account_id = account_id;
  data->folder_id = folder_id;
  data->sent = sent;
  data->index = g_array_new (FALSE, FALSE, sizeof (IndexRow));
  data->contacts = pigeon_contacts_new ();
  g_array_set_clear_func (data->index, index_row_clear);
  data->infos = infos;
  return data;
}

gboolean
pigeon_store_insert_messages (PigeonDb *db, gint64 account_id, gint64 folder_id, GPtrArray *infos, GError **error)
{
  AddMessages *data = add_messages_new (account_id, folder_id, FALSE, g_ptr_array_ref (infos));
  PigeonChanges changes;
  gboolean ok;

  pigeon_changes_init (&changes);
  ok = add_messages (db, data, &changes, error);
  pigeon_changes_clear (&changes);
  add_messages_free (data);
  return ok;
}

static gpointer
copy_info (gconstpointer info, gpointer user_data)
{
  return pigeon_message_info_copy (info);
}

void
pigeon_store_add_messages_async (PigeonStore *self,
                                 PigeonFolder *folder,
                                 GPtrArray *infos,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  AddMessages *data;
  GPtrArray *copies;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_FOLDER (folder));
  g_return_if_fail (infos != NULL);

  /* The writer reads the infos later: keep our own copies. */
  copies = g_ptr_array_copy (infos, copy_info, NULL);
  g_ptr_array_set_free_func (copies, (GDestroyNotify) pigeon_message_info_free);
  data = add_messages_new (pigeon_folder_get_account_id (folder), pigeon_folder_get_id (folder),
                           pigeon_folder_get_role (folder) == PIGEON_FOLDER_ROLE_SENT, copies);
  pigeon_store_write_async (self, add_messages, data, (GDestroyNotify) add_messages_free, PIGEON_WRITE_NORMAL,
                            pigeon_store_add_messages_async, cancellable, callback, user_data);
}

typedef struct
{
  gint64 folder_id;
  GArray *items; /* PigeonFlagUpdate, or guint32 UIDs */
} ByUid;

static void
by_uid_free (ByUid *data)
{
  g_array_unref (data->items);
  g_free (data);
}

static gpointer
by_uid_new (PigeonFolder *folder, gconstpointer items, guint n_items, guint item_size)
{
  ByUid *data = g_new0 (ByUid, 1);

  data->folder_id = pigeon_folder_get_id (folder);
  data->items = g_array_sized_new (FALSE, FALSE, item_size, n_items);
  g_array_append_vals (data->items, items, n_items);
  return data;
}

static gint64
message_for_uid (PigeonDb *db, gint64 folder_id, guint32 uid, GError **error)
{
  sqlite3_stmt *stmt =
      pigeon_db_prepare (db, "SELECT message_id FROM message_locations WHERE folder_id = ?1 AND uid = ?2", error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  return select_id (db, stmt, error);
}

static gboolean
update_flags (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  ByUid *data = user_data;

  for (guint i = 0; i < data->items->len; i++)
    {
      const PigeonFlagUpdate *update = &g_array_index (data->items, PigeonFlagUpdate, i);
      gint64 id = message_for_uid (db, data->folder_id, update->uid, error);

      if (id < 0 || (id > 0 && !write_flags (db, id, update->flags, ~update->flags, changes, error)))
        return FALSE;
    }
  return TRUE;
}

void
pigeon_store_update_flags_async (PigeonStore *self,
                                 PigeonFolder *folder,
                                 const PigeonFlagUpdate *updates,
                                 guint n_updates,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_FOLDER (folder));
  g_return_if_fail (updates != NULL || n_updates == 0);

  pigeon_store_write_async (self, update_flags, by_uid_new (folder, updates, n_updates, sizeof *updates),
                            (GDestroyNotify) by_uid_free, PIGEON_WRITE_NORMAL, pigeon_store_update_flags_async,
                            cancellable, callback, user_data);
}

static gboolean
remove_uids (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  ByUid *data = user_data;

  for (guint i = 0; i < data->items->len; i++)
    {
      gint64 id = message_for_uid (db, data->folder_id, g_array_index (data->items, guint32, i), error);

      if (id < 0 || (id > 0 && !pigeon_store_drop_location (db, data->folder_id, id, changes, error)))
        return FALSE;
    }
  return TRUE;
}

void
pigeon_store_remove_uids_async (PigeonStore *self,
                                PigeonFolder *folder,
                                const guint32 *uids,
                                guint n_uids,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_FOLDER (folder));
  g_return_if_fail (uids != NULL || n_uids == 0);

  pigeon_store_write_async (self, remove_uids, by_uid_new (folder, uids, n_uids, sizeof *uids),
                            (GDestroyNotify) by_uid_free, PIGEON_WRITE_NORMAL, pigeon_store_remove_uids_async,
                            cancellable, callback, user_data);
}

GArray *
pigeon_store_get_uids (PigeonStore *self, PigeonFolder *folder, GError **error)
{
  PigeonDb *db;
  sqlite3_stmt *stmt;
  g_autoptr (GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  int rc;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (PIGEON_IS_FOLDER (folder), NULL);

  db = pigeon_store_get_reader (self);
  stmt = pigeon_db_prepare (
      db, "SELECT uid FROM message_locations WHERE folder_id = ?1 AND uid IS NOT NULL ORDER BY uid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, pigeon_folder_get_id (folder));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint32 uid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (uids, uid);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      pigeon_db_fail (db, rc, error);
      return NULL;
    }
  return g_steal_pointer (&uids);
}

gint64
pigeon_store_lookup_uid (PigeonStore *self, PigeonFolder *folder, guint32 uid)
{
  g_return_val_if_fail (PIGEON_IS_STORE (self), 0);
  g_return_val_if_fail (PIGEON_IS_FOLDER (folder), 0);

  return MAX (message_for_uid (pigeon_store_get_reader (self), pigeon_folder_get_id (folder), uid, NULL), 0);
}

/* List models */

PigeonMessageList *
pigeon_store_list_folder (
    PigeonStore *self, PigeonFolder *folder, PigeonSortKey sort, gboolean descending, GError **error)
{
  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (PIGEON_IS_FOLDER (folder), NULL);

  return pigeon_message_list_new (self, pigeon_list_query_new_folder (pigeon_folder_get_id (folder), sort, descending),
                                  error);
}

PigeonMessageList *
pigeon_store_search (PigeonStore *self, PigeonAccount *account, const char *query, GError **error)
{
  PigeonListQuery *list_query;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (account == NULL || PIGEON_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  list_query = pigeon_list_query_new_search (account ? pigeon_account_get_id (account) : 0, query, error);
  return list_query ? pigeon_message_list_new (self, list_query, error) : NULL;
}

PigeonMessageList *
pigeon_store_list_thread (PigeonStore *self, gint64 thread_id, GError **error)
{
  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);

  return pigeon_message_list_new (self, pigeon_list_query_new_thread (thread_id), error);
}
