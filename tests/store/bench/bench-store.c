/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-bench"

#include "config.h"

#include <malloc.h>
#include <sys/resource.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store-test.h"

/* The store's figures on 100,000 messages: sync-sized batch inserts, a
 * folder list opened and paged, and full-text queries. Each is printed with
 * its ratio to the target, and the insert rate against bare SQLite
 * inserts measured in this process. */

#define N_MESSAGES 100000
#define SYNC_BATCH 500
#define N_WORDS 20000

static char **words;

/* Words drawn with a skew, so that some are common and most are rare, as in mail. */
static const char *
random_word (void)
{
  double r = g_random_double ();

  return words[(guint) (r * r * r * N_WORDS)];
}

static void
make_words (void)
{
  static const char *const syllables[] = { "ka", "lo",  "mi",  "ne",  "ru",  "sa",  "ti",  "vo",  "pe",
                                           "da", "gor", "lin", "mar", "ten", "bis", "qua", "zen", "fel" };

  words = g_new0 (char *, N_WORDS + 1);
  for (guint i = 0; i < N_WORDS; i++)
    {
      GString *word = g_string_new (NULL);

      for (guint n = i, k = 0; k < 3 || n > 0; k++, n /= G_N_ELEMENTS (syllables))
        g_string_append (word, syllables[n % G_N_ELEMENTS (syllables)]);
      words[i] = g_string_free (word, FALSE);
    }
}

static char *
sentence (guint n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s", i ? " " : "", random_word ());
  return g_string_free (text, FALSE);
}

static PigeonMessageInfo *
make_info (guint32 uid, gboolean with_body)
{
  PigeonMessageInfo *info = pigeon_message_info_new ();
  g_autofree char *body = NULL;
  char *raw;

  info->uid = uid;
  info->date = 1600000000 + (gint64) uid * 60 + g_random_int_range (0, 600);
  info->subject = sentence (6);
  info->message_id = g_strdup_printf ("%u.bench@example.org", uid);
  info->from = g_strdup_printf ("%s <%s@example.org>", random_word (), random_word ());
  info->to = g_strdup ("Ada Lovelace <ada@example.org>");
  info->size = 2000 + uid % 5000;
  info->flags = uid % 3 ? PIGEON_MESSAGE_SEEN : 0;
  /* Every seventh message answers the one before it. */
  if (uid % 7 == 0)
    info->in_reply_to = g_strdup_printf ("%u.bench@example.org", uid - 1);
  if (!with_body)
    return info;
  body = sentence (60);
  raw = g_strdup_printf ("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n"
                         "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
                         info->from, info->to, info->subject, info->message_id, body);
  info->raw = g_bytes_new_take (raw, strlen (raw));
  return info;
}

static GPtrArray *
make_batches (gboolean with_body)
{
  GPtrArray *batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  for (guint32 uid = 1; uid <= N_MESSAGES; uid += SYNC_BATCH)
    {
      GPtrArray *infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);

      for (guint32 i = uid; i < uid + SYNC_BATCH; i++)
        g_ptr_array_add (infos, make_info (i, with_body));
      g_ptr_array_add (batches, infos);
    }
  return batches;
}

/* CPU seconds of every thread of the process: a figure that a busy machine
 * does not move as much as the wall clock. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Writes every batch as the sync would (one transaction each); messages/s,
 * and the CPU time per message in @cpu_us. */
static double
insert_all (PigeonStore *store, PigeonFolder *folder, GPtrArray *batches, double *cpu_us)
{
  StoreTestWrite *writes = g_new0 (StoreTestWrite, batches->len);
  gint64 start = g_get_monotonic_time ();
  double cpu = cpu_seconds ();
  double seconds;

  for (guint i = 0; i < batches->len; i++)
    pigeon_store_add_messages_async (store, folder, batches->pdata[i], NULL, store_test_write_cb, &writes[i]);
  for (guint i = 0; i < batches->len; i++)
    store_test_wait_ok (&writes[i]);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  *cpu_us = (cpu_seconds () - cpu) * 1e6 / N_MESSAGES;
  g_free (writes);
  return N_MESSAGES / seconds;
}

/* The reference: bare envelope-like rows, one prepared statement, one transaction. */
static double
bare_sqlite_rate (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "bare.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 start;

  sqlite3_open (path, &db);
  sqlite3_exec (db,
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE t (id INTEGER PRIMARY KEY, "
                "subject TEXT, sender TEXT, recipients TEXT, date INTEGER, size INTEGER, flags INTEGER)",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO t (subject, sender, recipients, date, size, flags) VALUES (?, ?, ?, ?, ?, ?)",
                      -1, &stmt, NULL);
  start = g_get_monotonic_time ();
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      sqlite3_bind_text (stmt, 1, words[i % N_WORDS], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, "Charles Babbage <cb@example.org>", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, "Ada Lovelace <ada@example.org>", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, 1600000000 + i);
      sqlite3_bind_int (stmt, 5, 2000);
      sqlite3_bind_int (stmt, 6, 1);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return N_MESSAGES / ((g_get_monotonic_time () - start) / 1e6);
}

static gsize
rss_bytes (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0, resident = 0;

  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    sscanf (statm, "%lu %lu", &size, &resident);
  return resident * sysconf (_SC_PAGESIZE);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values, guint n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return values[n / 2];
}

static void
fetch_rows (GListModel *model, guint start, guint n)
{
  for (guint i = start; i < MIN (start + n, g_list_model_get_n_items (model)); i++)
    g_object_unref (g_list_model_get_item (model, i));
}

/* Opens the folder's list and reads the first 50 rows (the first screen),
 * then a random page of 50. */
static void
bench_list (PigeonStore *store, PigeonFolder *folder)
{
  double ms[15], screen_ms[15];
  gsize rss_before = rss_bytes (), rss_peak = 0, heap_before = mallinfo2 ().uordblks, heap_peak = 0;
  double first, middle;

  for (guint run = 0; run < G_N_ELEMENTS (ms); run++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (PigeonMessageList) list = pigeon_store_list_folder (store, folder, PIGEON_SORT_DATE, TRUE, NULL);

      fetch_rows (G_LIST_MODEL (list), 0, 50);
      screen_ms[run] = (g_get_monotonic_time () - start) / 1e3;
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_MESSAGES);
      fetch_rows (G_LIST_MODEL (list), g_random_int_range (50, N_MESSAGES - 50), 50);
      ms[run] = (g_get_monotonic_time () - start) / 1e3;
      rss_peak = MAX (rss_peak, rss_bytes ());
      heap_peak = MAX (heap_peak, mallinfo2 ().uordblks);
    }
  first = ms[0];
  middle = median (ms, G_N_ELEMENTS (ms));
  /* The heap in use tells the list's own cost; RSS hides it when the
   * inserts before left freed pages to reuse. */
  printf ("list: open a %u-message folder, first 50 rows: median %.2f ms; with a random page too: "
          "first %.1f ms, median %.1f ms (target 20 ms: %.2f of it); heap growth %.1f MB, RSS growth %.1f MB "
          "(target 30 MB: %.2f of it)\n",
          N_MESSAGES, median (screen_ms, G_N_ELEMENTS (screen_ms)), first, middle, middle / 20.0,
          (heap_peak - heap_before) / 1e6, (rss_peak - rss_before) / 1e6,
          MAX (heap_peak - heap_before, rss_peak - rss_before) / 30e6);
}

/* Queries a person would type: words of every frequency, prefixes, fields. */
static char *
random_query (guint i)
{
  const char *word = random_word ();

  switch (i % 4)
    {
    case 0:
      return g_strdup (word);
    case 1:
      return g_strndup (word, 5);
    case 2:
      return g_strdup_printf ("from:%s", word);
    default:
      return g_strdup_printf ("%s %s", word, random_word ());
    }
}

static void
bench_search (PigeonStore *store)
{
  double ms[60];
  guint64 hits = 0;
  double middle;

  for (guint i = 0; i < G_N_ELEMENTS (ms); i++)
    {
      g_autofree char *query = random_query (i);
      gint64 start = g_get_monotonic_time ();
      g_autoptr (PigeonMessageList) list = pigeon_store_search (store, NULL, query, NULL);

      fetch_rows (G_LIST_MODEL (list), 0, 50);
      ms[i] = (g_get_monotonic_time () - start) / 1e3;
      hits += g_list_model_get_n_items (G_LIST_MODEL (list));
    }
  middle = median (ms, G_N_ELEMENTS (ms));
  printf ("search: %u queries over %u messages (subject, from, body), first 50 rows each: median %.1f ms "
          "(target 20 ms: %.2f of it), slowest %.1f ms, %.0f hits on average\n",
          (guint) G_N_ELEMENTS (ms), N_MESSAGES, middle, middle / 20.0, ms[G_N_ELEMENTS (ms) - 1],
          (double) hits / G_N_ELEMENTS (ms));
}

static PigeonStore *
new_store (const char *dir, const char *name, PigeonFolder **inbox)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (PigeonAccount) account = NULL;
  PigeonStore *store = pigeon_store_open (path, NULL);

  account = store_test_add_account (store, "ada@example.org");
  *inbox = store_test_add_folder (store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  return store;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autoptr (PigeonStore) summaries = NULL;
  g_autoptr (PigeonStore) bodies = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (PigeonFolder) inbox_with_bodies = NULL;
  g_autoptr (GPtrArray) batches = NULL;
  double bare, rate, cpu_us;

  g_random_set_seed (6);
  make_words ();
  bare = bare_sqlite_rate (dir);

  summaries = new_store (dir, "summaries.db", &inbox);
  batches = make_batches (FALSE);
  rate = insert_all (summaries, inbox, batches, &cpu_us);
  g_clear_pointer (&batches, g_ptr_array_unref);
  printf ("insert: %u summaries in batches of %u: %.0f messages/s, %.1f us CPU per message; bare SQLite rows in one "
          "transaction: %.0f rows/s (store/bare: %.2f)\n",
          N_MESSAGES, SYNC_BATCH, rate, cpu_us, bare, rate / bare);
  bench_list (summaries, inbox);

  bodies = new_store (dir, "bodies.db", &inbox_with_bodies);
  batches = make_batches (TRUE);
  rate = insert_all (bodies, inbox_with_bodies, batches, &cpu_us);
  g_clear_pointer (&batches, g_ptr_array_unref);
  printf ("insert: %u messages with bodies (parsed, indexed) in batches of %u: %.0f messages/s, %.1f us CPU per "
          "message (store/bare: %.2f)\n",
          N_MESSAGES, SYNC_BATCH, rate, cpu_us, rate / bare);
  bench_search (bodies);

  g_clear_object (&summaries);
  g_clear_object (&bodies);
  g_clear_object (&inbox);
  g_clear_object (&inbox_with_bodies);
  store_test_cleanup_dir (dir);
  g_strfreev (words);
  return 0;
}
