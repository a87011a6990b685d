/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include <string.h>

#include "pigeon-store-private.h"

/* Accounts and folders: the writes. */

typedef struct
{
  PigeonAccount *account;  /* the caller's object, adopted when new */
  PigeonAccount *snapshot; /* what the writer reads */
} SaveAccount;

static void
save_account_free (SaveAccount *data)
{
  g_clear_object (&data->account);
  g_clear_object (&data->snapshot);
  g_free (data);
}

#define INSERT_ACCOUNT                                                                         \
  "INSERT INTO accounts (display_name, real_name, address, incoming_protocol, incoming_host, " \
  "incoming_port, incoming_security, incoming_username, outgoing_host, outgoing_port, "        \
  "outgoing_security, outgoing_username, pop3_leave_on_server, sync_interval) "                \
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
#define UPDATE_ACCOUNT                                                                            \
  "UPDATE accounts SET display_name = ?1, real_name = ?2, address = ?3, incoming_protocol = ?4, " \
  "incoming_host = ?5, incoming_port = ?6, incoming_security = ?7, incoming_username = ?8, "      \
  "outgoing_host = ?9, outgoing_port = ?10, outgoing_security = ?11, outgoing_username = ?12, "   \
  "pop3_leave_on_server = ?13, sync_interval = ?14 WHERE id = ?15"

static gboolean
save_account (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  SaveAccount *data = user_data;
  gint64 id = pigeon_account_get_id (data->snapshot);
  sqlite3_stmt *stmt = pigeon_db_prepare (db, id ? UPDATE_ACCOUNT : INSERT_ACCOUNT, error);

  if (stmt == NULL)
    return FALSE;
  pigeon_account_bind (data->snapshot, stmt);
  if (id != 0)
    sqlite3_bind_int64 (stmt, 15, id);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  if (id == 0)
    {
      id = changes->new_id = sqlite3_last_insert_rowid (pigeon_db_handle (db));
      changes->adopt_account = data->account;
    }
  else if (sqlite3_changes (pigeon_db_handle (db)) == 0)
    {
      g_set_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_NOT_FOUND, "No account %" G_GINT64_FORMAT, id);
      return FALSE;
    }
  pigeon_changes_add_account (changes, id);
  return TRUE;
}

void
pigeon_store_save_account_async (PigeonStore *self,
                                 PigeonAccount *account,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  SaveAccount *data;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));

  data = g_new0 (SaveAccount, 1);
  data->account = g_object_ref (account);
  data->snapshot = pigeon_account_snapshot (account);
  pigeon_store_write_async (self, save_account, data, (GDestroyNotify) save_account_free, PIGEON_WRITE_NORMAL,
                            pigeon_store_save_account_async, cancellable, callback, user_data);
}

/* Every message of the account leaves every list. */
static gboolean
note_account_contents (PigeonDb *db, gint64 account_id, PigeonChanges *changes, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "SELECT id, 0 FROM messages WHERE account_id = ?1 "
                                          "UNION ALL SELECT id, 1 FROM folders WHERE account_id = ?1",
                                          error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (sqlite3_column_int (stmt, 1))
        pigeon_changes_add_folder (changes, sqlite3_column_int64 (stmt, 0));
      else
        pigeon_changes_add_message (changes, sqlite3_column_int64 (stmt, 0), 0, PIGEON_CHANGE_REMOVED);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || pigeon_db_fail (db, rc, error);
}

static gboolean
remove_account (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  gint64 id = *(gint64 *) user_data;
  sqlite3_stmt *stmt;

  if (!note_account_contents (db, id, changes, error))
    return FALSE;
  stmt = pigeon_db_prepare (db, "DELETE FROM thread_links WHERE account_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  /* Foreign keys cascade to folders, messages, the outbox and pending operations. */
  stmt = pigeon_db_prepare (db, "DELETE FROM accounts WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  pigeon_changes_add_account (changes, id);
  return pigeon_db_run (db, stmt, error);
}

static gpointer
id_data (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

void
pigeon_store_remove_account_async (PigeonStore *self,
                                   PigeonAccount *account,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));

  pigeon_store_write_async (self, remove_account, id_data (pigeon_account_get_id (account)), g_free,
                            PIGEON_WRITE_DURABLE, pigeon_store_remove_account_async, cancellable, callback, user_data);
}

typedef struct
{
  gint64 account_id;
  char *path;
  char *delimiter;
  PigeonFolderRole role;
} AddFolder;

static void
add_folder_free (AddFolder *data)
{
  g_free (data->path);
  g_free (data->delimiter);
  g_free (data);
}

static gint64
find_folder_id (PigeonDb *db, gint64 account_id, const char *path, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "SELECT id FROM folders WHERE account_id = ?1 AND path = ?2", error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, account_id);
  pigeon_db_bind_text (stmt, 2, path);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return pigeon_db_fail (db, rc, error) ? 0 : -1;
  return id;
}

/* The top-level folders under a folder added after them move under it. */
static gboolean
adopt_orphans (PigeonDb *db, AddFolder *data, gint64 id, PigeonChanges *changes, GError **error)
{
  g_autofree char *prefix = g_strconcat (data->path, data->delimiter, NULL);
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "UPDATE folders SET parent_id = ?1 WHERE account_id = ?2 "
                                          "AND parent_id IS NULL AND substr (path, 1, length (?3)) = ?3 "
                                          "AND instr (substr (path, length (?3) + 1), ?4) = 0 RETURNING id",
                                          error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, data->account_id);
  pigeon_db_bind_text (stmt, 3, prefix);
  pigeon_db_bind_text (stmt, 4, data->delimiter);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    pigeon_changes_add_folder (changes, sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || pigeon_db_fail (db, rc, error);
}

static gboolean
insert_folder (PigeonDb *db, AddFolder *data, PigeonChanges *changes, GError **error)
{
  const char *cut = *data->delimiter ? g_strrstr (data->path, data->delimiter) : NULL;
  g_autofree char *parent_path = cut ? g_strndup (data->path, cut - data->path) : NULL;
  gint64 parent = parent_path ? find_folder_id (db, data->account_id, parent_path, error) : 0;
  sqlite3_stmt *stmt;

  if (parent < 0)
    return FALSE;
  stmt = pigeon_db_prepare (db,
                            "INSERT INTO folders (account_id, parent_id, path, name, delimiter, role) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->account_id);
  if (parent > 0)
    sqlite3_bind_int64 (stmt, 2, parent);
  pigeon_db_bind_text (stmt, 3, data->path);
  pigeon_db_bind_text (stmt, 4, cut ? cut + strlen (data->delimiter) : data->path);
  pigeon_db_bind_text (stmt, 5, data->delimiter);
  sqlite3_bind_int (stmt, 6, data->role);
  if (!pigeon_db_run (db, stmt, error))
    return FALSE;
  changes->new_id = sqlite3_last_insert_rowid (pigeon_db_handle (db));
  pigeon_changes_add_folder (changes, changes->new_id);
  return !*data->delimiter || adopt_orphans (db, data, changes->new_id, changes, error);
}

static gboolean
add_folder (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  AddFolder *data = user_data;
  gint64 id = find_folder_id (db, data->account_id, data->path, error);
  sqlite3_stmt *stmt;

  if (id < 0)
    return FALSE;
  if (id == 0)
    return insert_folder (db, data, changes, error);
  stmt = pigeon_db_prepare (db, "UPDATE folders SET delimiter = ?2, role = ?3 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  pigeon_db_bind_text (stmt, 2, data->delimiter);
  sqlite3_bind_int (stmt, 3, data->role);
  changes->new_id = id;
  pigeon_changes_add_folder (changes, id);
  return pigeon_db_run (db, stmt, error);
}

void
pigeon_store_add_folder_async (PigeonStore *self,
                               PigeonAccount *account,
                               const char *path,
                               const char *delimiter,
                               PigeonFolderRole role,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  AddFolder *data;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));
  g_return_if_fail (path != NULL && *path != '\0');

  data = g_new0 (AddFolder, 1);
  data->account_id = pigeon_account_get_id (account);
  data->path = g_strdup (path);
  data->delimiter = g_strdup (delimiter ? delimiter : "");
  data->role = role;
  pigeon_store_write_async (self, add_folder, data, (GDestroyNotify) add_folder_free, PIGEON_WRITE_NORMAL,
                            pigeon_store_add_folder_async, cancellable, callback, user_data);
}

typedef struct
{
  gint64 folder_id;
  guint32 uidvalidity;
  guint32 uidnext;
  guint64 highestmodseq;
} FolderState;

static gboolean
set_folder_state (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  FolderState *data = user_data;
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "SELECT uidvalidity FROM folders WHERE id = ?1", error);
  guint32 old;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->folder_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_NOT_FOUND, "No such folder");
      return FALSE;
    }
  old = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (old != 0 && old != data->uidvalidity && !pigeon_store_empty_folder (db, data->folder_id, changes, error))
    return FALSE;
  stmt = pigeon_db_prepare (db, "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4 WHERE id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->folder_id);
  sqlite3_bind_int64 (stmt, 2, data->uidvalidity);
  sqlite3_bind_int64 (stmt, 3, data->uidnext);
  sqlite3_bind_int64 (stmt, 4, (gint64) data->highestmodseq);
  pigeon_changes_add_folder (changes, data->folder_id);
  return pigeon_db_run (db, stmt, error);
}

void
pigeon_store_set_folder_state_async (PigeonStore *self,
                                     PigeonFolder *folder,
                                     guint32 uidvalidity,
                                     guint32 uidnext,
                                     guint64 highestmodseq,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  FolderState *data;

  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_FOLDER (folder));

  data = g_new0 (FolderState, 1);
  data->folder_id = pigeon_folder_get_id (folder);
  data->uidvalidity = uidvalidity;
  data->uidnext = uidnext;
  data->highestmodseq = highestmodseq;
  pigeon_store_write_async (self, set_folder_state, data, g_free, PIGEON_WRITE_NORMAL,
                            pigeon_store_set_folder_state_async, cancellable, callback, user_data);
}

/* The folder and its sub-folders, deepest first. */
static GArray *
folder_subtree (PigeonDb *db, gint64 folder_id, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                          "WITH RECURSIVE tree (id) AS (SELECT ?1 UNION ALL "
                                          "SELECT f.id FROM folders f JOIN tree ON f.parent_id = tree.id) "
                                          "SELECT id FROM tree ORDER BY id DESC",
                                          error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
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

static gboolean
remove_folder (PigeonDb *db, gpointer user_data, PigeonChanges *changes, GError **error)
{
  g_autoptr (GArray) ids = folder_subtree (db, *(gint64 *) user_data, error);
  sqlite3_stmt *stmt;

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);

      if (!pigeon_store_empty_folder (db, id, changes, error) ||
          (stmt = pigeon_db_prepare (db, "DELETE FROM folders WHERE id = ?1", error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!pigeon_db_run (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

void
pigeon_store_remove_folder_async (PigeonStore *self,
                                  PigeonFolder *folder,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_STORE (self));
  g_return_if_fail (PIGEON_IS_FOLDER (folder));

  pigeon_store_write_async (self, remove_folder, id_data (pigeon_folder_get_id (folder)), g_free, PIGEON_WRITE_NORMAL,
                            pigeon_store_remove_folder_async, cancellable, callback, user_data);
}
