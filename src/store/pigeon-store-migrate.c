/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include <stdlib.h>

#include "pigeon-store-private.h"
#include "pigeon-store-resources.h"

#define SQL_DIR "/org/pigeonmail/Pigeon/store/sql"

static int
compare_names (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The migration files, "NNN-name.sql", sorted by NNN. */
static GStrv
list_migrations (void)
{
  g_auto (GStrv) names =
      g_resource_enumerate_children (pigeon_store_sql_get_resource (), SQL_DIR, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  g_assert (names != NULL);
  g_qsort_with_data (names, g_strv_length (names), sizeof (char *), compare_names, NULL);
  return g_steal_pointer (&names);
}

static int
migration_number (const char *name)
{
  return (int) strtol (name, NULL, 10);
}

int
pigeon_store_schema_version (void)
{
  g_auto (GStrv) names = list_migrations ();
  guint n = g_strv_length (names);

  return n ? migration_number (names[n - 1]) : 0;
}

static int
user_version (PigeonDb *db, GError **error)
{
  sqlite3_stmt *stmt = pigeon_db_prepare (db, "PRAGMA user_version", error);
  int rc, version;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      pigeon_db_fail (db, rc, error);
      return -1;
    }
  version = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return version;
}

/* One migration, with its user_version bump, in one transaction: a crash
 * leaves the database at the version before or after, never between. */
static gboolean
apply (PigeonDb *db, const char *name, GError **error)
{
  g_autofree char *path = g_build_path ("/", SQL_DIR, name, NULL);
  g_autoptr (GBytes) sql =
      g_resource_lookup_data (pigeon_store_sql_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", migration_number (name));
  g_autoptr (GError) local_error = NULL;

  g_assert (sql != NULL);
  if (!pigeon_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (pigeon_db_exec (db, g_bytes_get_data (sql, NULL), &local_error) && pigeon_db_exec (db, bump, &local_error) &&
      pigeon_db_exec (db, "COMMIT", &local_error))
    return TRUE;

  pigeon_db_exec (db, "ROLLBACK", NULL);
  if (g_error_matches (local_error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_CORRUPT))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_MIGRATION, "Migration %s failed: %s", name,
                 local_error->message);
  return FALSE;
}

gboolean
pigeon_store_migrate (PigeonDb *db, GError **error)
{
  g_auto (GStrv) names = list_migrations ();
  int current = user_version (db, error);
  int latest = pigeon_store_schema_version ();

  if (current < 0)
    return FALSE;
  if (current > latest)
    {
      g_set_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_TOO_NEW,
                   "The database has schema version %d; this Pigeon knows up to %d", current, latest);
      return FALSE;
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (migration_number (names[i]) <= current)
        continue;
      g_debug ("Applying migration %s", names[i]);
      if (!apply (db, names[i], error))
        return FALSE;
    }
  return TRUE;
}
