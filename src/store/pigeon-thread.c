/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-store"

#include "config.h"

#include "pigeon-store-private.h"

#include <string.h>

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
  guint n_refs;

  for (guint i = 0; info->references && info->references[i]; i++)
    if (*info->references[i])
      g_ptr_array_add (ids, info->references[i]);
  n_refs = ids->len;
  /* In-Reply-To is most often the last reference already. */
  if (info->in_reply_to && *info->in_reply_to &&
      (n_refs == 0 || strcmp (info->in_reply_to, ids->pdata[n_refs - 1]) != 0))
    g_ptr_array_add (ids, info->in_reply_to);
  if (info->message_id && *info->message_id)
    g_ptr_array_add (ids, info->message_id);
  return ids;
}

/* The thread each msg-id already belongs to, 0 for a msg-id not seen yet. */
static GArray *
known_threads (PigeonDb *db, gint64 account_id, GPtrArray *msgids, GError **error)
{
  g_autoptr (GArray) threads = g_array_sized_new (FALSE, TRUE, sizeof (gint64), msgids->len);

  g_array_set_size (threads, msgids->len);
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
        g_array_index (threads, gint64, i) = sqlite3_column_int64 (stmt, 0);
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

/* Only the msg-ids not seen yet: the others are linked to @thread already,
 * or were moved to it by merge_threads(). A msg-id named twice is linked
 * once. */
static gboolean
link_ids (PigeonDb *db, gint64 account_id, GPtrArray *msgids, GArray *known, gint64 thread, GError **error)
{
  for (guint i = 0; i < msgids->len; i++)
    {
      sqlite3_stmt *stmt;

      if (g_array_index (known, gint64, i) != 0)
        continue;
      stmt = pigeon_db_prepare (db,
                                "INSERT INTO thread_links (account_id, msgid, thread_id) "
                                "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
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
    if (g_array_index (threads, gint64, i) != 0)
      thread = MIN (thread, g_array_index (threads, gint64, i));
  for (guint i = 0; i < threads->len; i++)
    {
      gint64 other = g_array_index (threads, gint64, i);

      if (other != 0 && other != thread && !merge_threads (db, other, thread, changes, error))
        return FALSE;
    }
  if (!link_ids (db, account_id, msgids, threads, thread, error))
    return FALSE;
  stmt = pigeon_db_prepare (db, "UPDATE messages SET thread_id = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, thread);
  return pigeon_db_run (db, stmt, error);
}
