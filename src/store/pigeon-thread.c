/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

/* Conversations after Jamie Zawinski's threading algorithm
 * (https://www.jwz.org/doc/threading.html), kept incrementally: every
 * msg-id a message names (References, In-Reply-To, its own Message-ID) is a
 * container; messages whose containers are linked share a thread. A thread
 * id is the id of its first message; when a new message links two threads,
 * the higher id joins the lower one. JWZ's grouping by subject is left out:
 * it joins unrelated "Hello" mails. */

static GPtrArray *
named_ids (const PigeonMessageInfo *info)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; info->references && info->references[i]; i++)
    if (*info->references[i])
      g_ptr_array_add (ids, info->references[i]);
  if (info->in_reply_to && *info->in_reply_to)
    g_ptr_array_add (ids, info->in_reply_to);
  if (info->message_id && *info->message_id)
    g_ptr_array_add (ids, info->message_id);
  return ids;
}

/* The threads the msg-ids already belong to. */
static GArray *
known_threads (PigeonDb *db, gint64 account_id, GPtrArray *msgids, GError **error)
{
  g_autoptr (GArray) threads = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < msgids->len; i++)
    {
      sqlite3_stmt *stmt =
          pigeon_db_prepare (db, "SELECT thread_id FROM thread_links WHERE account_id = ?1 AND msgid = ?2", error);
      int rc;

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, account_id);
      pigeon_db_bind_text (stmt, 2, msgids->pdata[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          gint64 thread = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (threads, thread);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          pigeon_db_fail (db, rc, error);
          return NULL;
        }
    }
  return g_steal_pointer (&threads);
}

/* Thread @from joins thread @into: its messages change. */
static gboolean
merge_threads (PigeonDb *db, gint64 from, gint64 into, PigeonChanges *changes, GError **error)
{
  sqlite3_stmt *stmt =
      pigeon_db_prepare (db, "UPDATE messages SET thread_id = ?2 WHERE thread_id = ?1 RETURNING id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, into);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    pigeon_changes_add_message (changes, sqlite3_column_int64 (stmt, 0), 0, PIGEON_CHANGE_CHANGED);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return pigeon_db_fail (db, rc, error);
  stmt = pigeon_db_prepare (db, "UPDATE thread_links SET thread_id = ?2 WHERE thread_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, into);
  return pigeon_db_run (db, stmt, error);
}

static gboolean
link_ids (PigeonDb *db, gint64 account_id, GPtrArray *msgids, gint64 thread, GError **error)
{
  for (guint i = 0; i < msgids->len; i++)
    {
      sqlite3_stmt *stmt = pigeon_db_prepare (db,
                                              "INSERT INTO thread_links (account_id, msgid, thread_id) "
                                              "VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET thread_id = ?3",
                                              error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, account_id);
      pigeon_db_bind_text (stmt, 2, msgids->pdata[i]);
      sqlite3_bind_int64 (stmt, 3, thread);
      if (!pigeon_db_run (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
pigeon_thread_assign (PigeonDb *db,
                      gint64 account_id,
                      gint64 message_id,
                      const PigeonMessageInfo *info,
                      PigeonChanges *changes,
                      GError **error)
{
  g_autoptr (GPtrArray) msgids = named_ids (info);
  g_autoptr (GArray) threads = known_threads (db, account_id, msgids, error);
  gint64 thread = message_id;
  sqlite3_stmt *stmt;

  if (threads == NULL)
    return FALSE;
  for (guint i = 0; i < threads->len; i++)
    thread = MIN (thread, g_array_index (threads, gint64, i));
  for (guint i = 0; i < threads->len; i++)
    {
      gint64 other = g_array_index (threads, gint64, i);

      if (other != thread && !merge_threads (db, other, thread, changes, error))
        return FALSE;
    }
  if (!link_ids (db, account_id, msgids, thread, error))
    return FALSE;
  stmt = pigeon_db_prepare (db, "UPDATE messages SET thread_id = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, thread);
  return pigeon_db_run (db, stmt, error);
}
