/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include <string.h>

#include "pigeon-store-private.h"

struct _PigeonDb
{
  sqlite3 *handle;
  /* SQL text -> sqlite3_stmt, by the text's address: callers pass string
   * literals, so one call site always passes the same pointer, and hashing
   * the pointer spares hashing and comparing the whole SQL text at every
   * statement of a sync batch. */
  GHashTable *statements;
};

G_DEFINE_QUARK (pigeon - store - error - quark, pigeon_store_error)

static int
collate_pigeon (void *user_data, int a_len, const void *a, int b_len, const void *b)
{
  int n = MIN (a_len, b_len);

  for (int i = 0; i < n; i++)
    {
      guchar ca = g_ascii_tolower (((const guchar *) a)[i]);
      guchar cb = g_ascii_tolower (((const guchar *) b)[i]);

      if (ca != cb)
        return ca < cb ? -1 : 1;
    }
  return a_len - b_len;
}

int
pigeon_db_collate (const char *a, const char *b)
{
  int r = collate_pigeon (NULL, strlen (a), a, strlen (b), b);

  return r < 0 ? -1 : r > 0;
}

gboolean
pigeon_db_fail (PigeonDb *db, int rc, GError **error)
{
  int code = PIGEON_STORE_ERROR_SQLITE;

  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
    code = PIGEON_STORE_ERROR_CORRUPT;
  g_set_error (error, PIGEON_STORE_ERROR, code, "SQLite: %s (%d)",
               db && db->handle ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc), rc);
  return FALSE;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static gboolean
configure (PigeonDb *db, GError **error)
{
  /* WAL: readers see a snapshot and never wait on the writer. NORMAL is
   * durable across application crashes; the outbox, drafts and pending
   * operations raise it to FULL for their own commits. */
  static const char setup[] = "PRAGMA journal_mode = WAL;"
                              "PRAGMA synchronous = NORMAL;"
                              "PRAGMA foreign_keys = ON;"
                              "PRAGMA temp_store = MEMORY;"
                              "PRAGMA cache_size = -8000;";
  int rc;

  sqlite3_busy_timeout (db->handle, 10000);
  rc = sqlite3_create_collation (db->handle, "PIGEON", SQLITE_UTF8, NULL, collate_pigeon);
  if (rc != SQLITE_OK)
    return pigeon_db_fail (db, rc, error);
  return pigeon_db_exec (db, setup, error);
}

PigeonDb *
pigeon_db_open (const char *path, GError **error)
{
  g_autoptr (PigeonDb) db = g_new0 (PigeonDb, 1);
  int rc;

  db->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_statement);
  rc = sqlite3_open_v2 (path, &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      pigeon_db_fail (db, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, TRUE);
  if (!configure (db, error))
    return NULL;
  return g_steal_pointer (&db);
}

void
pigeon_db_free (PigeonDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->statements, g_hash_table_unref);
  sqlite3_close (db->handle);
  g_free (db);
}

sqlite3 *
pigeon_db_handle (PigeonDb *db)
{
  return db->handle;
}

sqlite3_stmt *
pigeon_db_prepare (PigeonDb *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      pigeon_db_fail (db, rc, error);
      return NULL;
    }
  g_hash_table_insert (db->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
pigeon_db_exec (PigeonDb *db, const char *sql, GError **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || pigeon_db_fail (db, rc, error);
}

gboolean
pigeon_db_run (PigeonDb *db, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || pigeon_db_fail (db, rc, error);
}

gboolean
pigeon_db_check (PigeonDb *db, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *verdict = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    verdict = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (verdict == NULL)
    return pigeon_db_fail (db, rc, error);
  if (g_strcmp0 (verdict, "ok") != 0)
    {
      g_set_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_CORRUPT, "quick_check: %s", verdict);
      return FALSE;
    }
  return TRUE;
}

const char *
pigeon_db_text (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text ? text : "";
}

void
pigeon_db_bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
pigeon_db_bind_bytes (sqlite3_stmt *stmt, int index, GBytes *bytes)
{
  gsize len;
  gconstpointer data = g_bytes_get_data (bytes, &len);

  /* A zero-length blob, not NULL, for an empty message. */
  sqlite3_bind_blob64 (stmt, index, data ? data : "", len, SQLITE_TRANSIENT);
}

GBytes *
pigeon_db_column_bytes (sqlite3_stmt *stmt, int column)
{
  return g_bytes_new (sqlite3_column_blob (stmt, column), sqlite3_column_bytes (stmt, column));
}

char *
pigeon_db_ids_json (const gint64 *ids, guint n_ids)
{
  GString *json = g_string_sized_new (n_ids * 8 + 2);

  g_string_append_c (json, '[');
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", ids[i]);
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}
