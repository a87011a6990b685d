/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

GArray *
pigeon_store_get_uids_without_body (
    PigeonStore *self, PigeonFolder *folder, gint64 since, guint64 max_size, GArray **out_sizes, GError **error)
{
  PigeonDb *db;
  sqlite3_stmt *stmt;
  g_autoptr (GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  int rc;

  g_return_val_if_fail (PIGEON_IS_STORE (self), NULL);
  g_return_val_if_fail (PIGEON_IS_FOLDER (folder), NULL);

  db = pigeon_store_get_reader (self);
  stmt = pigeon_db_prepare (db,
                            "SELECT l.uid, m.size FROM message_locations l JOIN messages m ON m.id = l.message_id "
                            "WHERE l.folder_id = ?1 AND l.uid IS NOT NULL AND m.date >= ?2 AND m.size <= ?3 "
                            "AND NOT EXISTS (SELECT 1 FROM bodies b WHERE b.message_id = m.id) "
                            "ORDER BY l.sort_date DESC, l.uid DESC",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, pigeon_folder_get_id (folder));
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64) MIN (max_size, (guint64) G_MAXINT64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint32 uid = sqlite3_column_int64 (stmt, 0);
      guint64 size = MAX (sqlite3_column_int64 (stmt, 1), 0);

      g_array_append_val (uids, uid);
      g_array_append_val (sizes, size);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      pigeon_db_fail (db, rc, error);
      return NULL;
    }
  if (out_sizes != NULL)
    *out_sizes = g_steal_pointer (&sizes);
  return g_steal_pointer (&uids);
}
