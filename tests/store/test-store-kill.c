/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-test.h"

/* A writer process is killed (SIGKILL) at a random moment, most often in
 * the middle of a transaction, many times over; after each kill the file
 * must be intact and hold only whole transactions. This test forks, so it
 * has a binary of its own with no other thread alive at fork time. */

#define KILLS 40
#define BATCH 400

static GPtrArray *
batch (guint32 first_uid)
{
  GPtrArray *infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);

  for (guint32 uid = first_uid; uid < first_uid + BATCH; uid++)
    {
      PigeonMessageInfo *info = store_test_info (uid, uid, "killed in the middle of a write");

      info->references = g_strsplit ("root@example.org", " ", -1);
      g_ptr_array_add (infos, info);
    }
  return infos;
}

/* The child: writes batches and queues outgoing mail until it is killed. */
static void G_GNUC_NORETURN
write_forever (const char *path, int ready_fd)
{
  g_autoptr (PigeonStore) store = pigeon_store_open (path, NULL);
  PigeonAccount *account = g_list_model_get_item (pigeon_store_get_accounts (store), 0);
  PigeonFolder *inbox = pigeon_store_find_folder (store, account, "INBOX");
  g_autoptr (GArray) uids = pigeon_store_get_uids (store, inbox, NULL);
  guint32 next = uids->len ? g_array_index (uids, guint32, uids->len - 1) + 1 : 1;
  g_autoptr (GBytes) raw = g_bytes_new_static ("Subject: queued\r\n\r\nhi\r\n", 23);

  for (gboolean told = FALSE;; next += BATCH)
    {
      g_autoptr (GPtrArray) infos = batch (next);
      StoreTestWrite added = { 0 }, queued = { 0 };

      pigeon_store_add_messages_async (store, inbox, infos, NULL, store_test_write_cb, &added);
      pigeon_store_queue_outgoing_async (store, account, raw, NULL, store_test_write_cb, &queued);
      store_test_wait_ok (&added);
      store_test_wait_ok (&queued);
      if (!told)
        told = write (ready_fd, "r", 1) == 1;
    }
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
check_intact (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 messages;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  g_assert_cmpint (
      sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')", NULL, NULL, NULL), ==,
      SQLITE_OK);
  /* Only whole batches, each message with its place, its index row and
   * its folder count. */
  messages = query_int (db, "SELECT count (*) FROM messages");
  g_assert_cmpint (messages % BATCH, ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM message_locations"), ==, messages);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM messages_fts"), ==, messages);
  g_assert_cmpint (query_int (db, "SELECT total FROM folders WHERE path = 'INBOX'"), ==, messages);
  g_assert_cmpint (query_int (db, "SELECT count (DISTINCT thread_id) FROM messages"), <=, 1);
  sqlite3_close (db);
}

static void
prepare_database (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonStore) store = pigeon_store_open (path, &error);
  g_autoptr (PigeonAccount) account = NULL;

  g_assert_no_error (error);
  account = store_test_add_account (store, "ada@example.org");
  g_object_unref (store_test_add_folder (store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX));
  pigeon_store_close (store);
}

/* Kills one writer; returns once it is reaped. */
static void
kill_one_writer (const char *path)
{
  int fds[2];
  struct pollfd ready;
  pid_t pid;
  int status;
  char byte;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (fds[0]);
      write_forever (path, fds[1]);
    }
  close (fds[1]);
  ready = (struct pollfd){ .fd = fds[0], .events = POLLIN };
  g_assert_cmpint (poll (&ready, 1, 30000), ==, 1);
  g_assert_cmpint (read (fds[0], &byte, 1), ==, 1);
  close (fds[0]);
  g_usleep (g_test_rand_int_range (0, 40000));
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
}

static void
test_killed_writer (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "pigeon.db", NULL);

  prepare_database (path);
  for (guint i = 0; i < KILLS; i++)
    {
      kill_one_writer (path);
      check_intact (path);
    }
  store_test_cleanup_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/durability/killed-writer", test_killed_writer);

  return g_test_run ();
}
