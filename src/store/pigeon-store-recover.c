/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pigeon-store-private.h"

/* A damaged database: the account settings, the folders and what the user
 * did (the outbox, drafts, pending operations) are read out of it as far as
 * they can be; the outbox, drafts and queued appends are written to files
 * first, then the file is set aside and a new database is made with them.
 * Messages are a cache that the next sync fetches again, except the mail of
 * POP3 accounts: the server may have deleted it once it was stored here, so
 * it is read out of the damaged file into the new one. */

/* Columns that every schema version has, so that any old file can be read;
 * @raw is the column of a message worth a file of its own, or -1.
 * A folder keeps its UIDVALIDITY, under which the pending operations name
 * their UIDs; its UIDNEXT, HIGHESTMODSEQ and counts start again from 0, so
 * that the next sync fetches all of its messages. */
static const struct
{
  const char *table;
  const char *columns;
  guint n_columns;
  int raw;
} salvaged[] = {
  { "accounts", "id, " PIGEON_ACCOUNT_COLUMNS_NO_ID, 15, -1 },
  { "folders", "id, account_id, parent_id, path, name, delimiter, role, uidvalidity", 8, -1 },
  { "outbox", "id, account_id, raw, state, attempts, last_error, queued", 7, 2 },
  { "drafts", "id, account_id, raw, saved", 4, 2 },
  { "pending_ops",
    "id, account_id, kind, message_id, folder_id, uid, target_folder_id, flags_set, flags_clear, raw, created, "
    "attempts, last_error",
    13, 9 },
};

enum
{
  ACCOUNTS,
  FOLDERS,
  OUTBOX,
  DRAFTS,
  PENDING
};

typedef struct
{
  GPtrArray *rows[G_N_ELEMENTS (salvaged)]; /* GPtrArray of GPtrArray of sqlite3_value */
  char *aside;
  char *saved_dir;
  guint n_local;       /* POP3 messages carried into the new database */
  guint n_local_saved; /* and those that could only be saved as files */
} Salvage;

static void
salvage_clear (Salvage *salvage)
{
  for (guint i = 0; i < G_N_ELEMENTS (salvaged); i++)
    g_clear_pointer (&salvage->rows[i], g_ptr_array_unref);
  g_free (salvage->aside);
  g_free (salvage->saved_dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Salvage, salvage_clear)

/* Reads rows until the first one that cannot be read. */
static void
read_table (sqlite3 *damaged, guint table, Salvage *salvage)
{
  g_autofree char *sql =
      g_strdup_printf ("SELECT %s FROM %s ORDER BY id", salvaged[table].columns, salvaged[table].table);
  sqlite3_stmt *stmt = NULL;

  salvage->rows[table] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  if (sqlite3_prepare_v2 (damaged, sql, -1, &stmt, NULL) != SQLITE_OK)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      GPtrArray *row = g_ptr_array_new_with_free_func ((GDestroyNotify) sqlite3_value_free);

      for (guint i = 0; i < salvaged[table].n_columns; i++)
        g_ptr_array_add (row, sqlite3_value_dup (sqlite3_column_value (stmt, i)));
      g_ptr_array_add (salvage->rows[table], row);
    }
  sqlite3_finalize (stmt);
}

static void
read_damaged (const char *path, Salvage *salvage)
{
  sqlite3 *damaged = NULL;

  sqlite3_open_v2 (path, &damaged, SQLITE_OPEN_READONLY, NULL);
  for (guint table = 0; table < G_N_ELEMENTS (salvaged); table++)
    read_table (damaged, table, salvage);
  sqlite3_close (damaged);
}

static guint
count_files (Salvage *salvage)
{
  guint n = 0;

  for (guint table = 0; table < G_N_ELEMENTS (salvaged); table++)
    for (guint i = 0; salvaged[table].raw >= 0 && i < salvage->rows[table]->len; i++)
      {
        GPtrArray *row = salvage->rows[table]->pdata[i];

        n += sqlite3_value_type (row->pdata[salvaged[table].raw]) == SQLITE_BLOB;
      }
  return n;
}

/* A pending operation carries a message only for an append. */
static gboolean
save_files (Salvage *salvage, guint table, const char *prefix, GError **error)
{
  for (guint i = 0; i < salvage->rows[table]->len; i++)
    {
      GPtrArray *row = salvage->rows[table]->pdata[i];
      sqlite3_value *raw = row->pdata[salvaged[table].raw];
      g_autofree char *name = NULL;
      g_autofree char *file = NULL;

      if (sqlite3_value_type (raw) != SQLITE_BLOB)
        continue;
      name = g_strdup_printf ("%s-%lld.eml", prefix, (long long) sqlite3_value_int64 (row->pdata[0]));
      file = g_build_filename (salvage->saved_dir, name, NULL);
      if (!g_file_set_contents_full (file, sqlite3_value_blob (raw), sqlite3_value_bytes (raw),
                                     G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
set_aside (const char *path, Salvage *salvage, GError **error)
{
  static const char *const suffixes[] = { "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (salvage->aside, suffixes[i], NULL);

      g_rename (from, to);
    }
  if (g_rename (path, salvage->aside) == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", path, g_strerror (errno));
  return FALSE;
}

static gboolean
insert_rows (PigeonDb *db, guint table, Salvage *salvage, GError **error)
{
  g_autoptr (GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt;

  g_string_printf (sql, "INSERT INTO %s (%s) VALUES (?", salvaged[table].table, salvaged[table].columns);
  for (guint i = 1; i < salvaged[table].n_columns; i++)
    g_string_append (sql, ", ?");
  g_string_append (sql, ")");
  if (sqlite3_prepare_v2 (pigeon_db_handle (db), sql->str, -1, &stmt, NULL) != SQLITE_OK)
    return pigeon_db_fail (db, SQLITE_ERROR, error);
  for (guint i = 0; i < salvage->rows[table]->len; i++)
    {
      GPtrArray *row = salvage->rows[table]->pdata[i];

      for (guint c = 0; c < row->len; c++)
        sqlite3_bind_value (stmt, c + 1, row->pdata[c]);
      /* A row that points at an account we could not read is dropped. */
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_ptr_array_remove_index (salvage->rows[table], i--);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Keeps a POP3 message that the new database would not take as a file. */
static gboolean
save_local_file (Salvage *salvage, sqlite3_value *raw, GError **error)
{
  g_autofree char *name = g_strdup_printf ("pop3-%u.eml", ++salvage->n_local_saved);
  g_autofree char *file = g_build_filename (salvage->saved_dir, name, NULL);

  if (g_mkdir_with_parents (salvage->saved_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", salvage->saved_dir, g_strerror (errno));
      return FALSE;
    }
  return g_file_set_contents_full (file, sqlite3_value_blob (raw), sqlite3_value_bytes (raw),
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);
}

static gboolean
carry_local_message (PigeonDb *db, sqlite3_stmt *row, Salvage *salvage, GError **error)
{
  g_autoptr (GBytes) raw = g_bytes_new (sqlite3_column_blob (row, 4), sqlite3_column_bytes (row, 4));
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  PigeonMessageInfo *info = pigeon_message_info_new_from_raw (raw);
  g_autoptr (GError) refused = NULL;

  /* The UIDL keeps a message left on the server from coming twice. */
  info->uidl = g_strdup ((const char *) sqlite3_column_text (row, 2));
  info->flags = sqlite3_column_int (row, 3);
  g_ptr_array_add (infos, info);
  if (pigeon_store_insert_messages (db, sqlite3_column_int64 (row, 0), sqlite3_column_int64 (row, 1), infos, &refused))
    {
      salvage->n_local++;
      return TRUE;
    }
  g_message ("A POP3 message could not be stored again (%s): saving it as a file", refused->message);
  return save_local_file (salvage, sqlite3_column_value (row, 4), error);
}

/* Streams the POP3 accounts' messages out of the damaged file, until the
 * first row that cannot be read. */
static gboolean
carry_local_mail (PigeonDb *db, Salvage *salvage, GError **error)
{
  sqlite3 *damaged = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  sqlite3_open_v2 (salvage->aside, &damaged, SQLITE_OPEN_READONLY, NULL);
  if (sqlite3_prepare_v2 (damaged,
                          "SELECT m.account_id, l.folder_id, l.uidl, m.flags, b.raw FROM bodies b "
                          "JOIN messages m ON m.id = b.message_id "
                          "JOIN message_locations l ON l.message_id = m.id "
                          "JOIN accounts a ON a.id = m.account_id "
                          "WHERE a.incoming_protocol = ?1 ORDER BY b.message_id",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, PIGEON_PROTOCOL_POP3);
      while (ok && sqlite3_step (stmt) == SQLITE_ROW)
        ok = carry_local_message (db, stmt, salvage, error);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (damaged);
  return ok;
}

static gboolean
rebuild (const char *path, Salvage *salvage, GError **error)
{
  g_autoptr (PigeonDb) db = pigeon_db_open (path, error);

  if (db == NULL || !pigeon_store_migrate (db, error))
    return FALSE;
  if (!pigeon_db_exec (db, "PRAGMA synchronous = FULL; BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint table = 0; table < G_N_ELEMENTS (salvaged); table++)
    if (!insert_rows (db, table, salvage, error))
      return FALSE;
  if (!carry_local_mail (db, salvage, error))
    return FALSE;
  return pigeon_db_exec (db, "COMMIT", error);
}

static char *
compose_notice (Salvage *salvage)
{
  GString *notice = g_string_new (_ ("Pigeon’s mail cache was damaged, so it was set aside and your mail will be "
                                     "downloaded again."));
  guint n_outbox = salvage->rows[OUTBOX]->len, n_drafts = salvage->rows[DRAFTS]->len;
  guint n_pending = salvage->rows[PENDING]->len;

  if (n_outbox > 0)
    {
      g_string_append_c (notice, ' ');
      g_string_append_printf (
          notice,
          ngettext ("%u message waiting to be sent was kept.", "%u messages waiting to be sent were kept.", n_outbox),
          n_outbox);
    }
  if (n_drafts > 0)
    {
      g_string_append_c (notice, ' ');
      g_string_append_printf (notice, ngettext ("%u draft was kept.", "%u drafts were kept.", n_drafts), n_drafts);
    }
  if (n_pending > 0)
    {
      g_string_append_c (notice, ' ');
      g_string_append_printf (notice,
                              ngettext ("%u change waiting for the server was kept.",
                                        "%u changes waiting for the server were kept.", n_pending),
                              n_pending);
    }
  if (salvage->n_local > 0)
    {
      g_string_append_c (notice, ' ');
      g_string_append_printf (notice,
                              ngettext ("%u message downloaded with POP3 was kept.",
                                        "%u messages downloaded with POP3 were kept.", salvage->n_local),
                              salvage->n_local);
    }
  if (count_files (salvage) + salvage->n_local_saved > 0)
    {
      g_string_append_c (notice, ' ');
      g_string_append_printf (notice, _ ("Copies of the messages are in the folder “%s”."), salvage->saved_dir);
    }
  if (salvage->rows[ACCOUNTS]->len == 0)
    {
      g_string_append_c (notice, ' ');
      g_string_append_printf (notice,
                              _ ("Your accounts could not be read: set them up again. The damaged file is "
                                 "kept as “%s”."),
                              salvage->aside);
    }
  return g_string_free (notice, FALSE);
}

char *
pigeon_store_recover (const char *path, const GError *damage, GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_auto (Salvage) salvage = { { NULL } };

  g_message ("The database %s is damaged (%s): rebuilding it", path, damage->message);
  salvage.aside = g_strdup_printf ("%s.damaged-%s", path, stamp);
  salvage.saved_dir = g_strdup_printf ("%s.saved-%s", path, stamp);
  read_damaged (path, &salvage);
  if (count_files (&salvage) > 0 && g_mkdir_with_parents (salvage.saved_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", salvage.saved_dir, g_strerror (errno));
      return NULL;
    }
  if (!save_files (&salvage, OUTBOX, "outbox", error) || !save_files (&salvage, DRAFTS, "draft", error) ||
      !save_files (&salvage, PENDING, "append", error) || !set_aside (path, &salvage, error) ||
      !rebuild (path, &salvage, error))
    return NULL;
  return compose_notice (&salvage);
}
