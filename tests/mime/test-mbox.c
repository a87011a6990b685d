/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "pigeon-mime-mbox.h"

/* Splits @text with @format and checks the messages against @expected
 * (NULL-terminated), exactly. */
static void
assert_split (const char *text, PigeonMimeMboxFormat format, const char *const *expected)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr (PigeonMimeMbox) mbox = pigeon_mime_mbox_new (bytes, format);
  guint i;

  for (i = 0; expected[i] != NULL; i++)
    {
      g_autoptr (GBytes) message = pigeon_mime_mbox_next (mbox);
      gsize len;
      const char *data;

      g_assert_nonnull (message);
      data = g_bytes_get_data (message, &len);
      g_assert_cmpmem (data, len, expected[i], strlen (expected[i]));
    }
  g_assert_null (pigeon_mime_mbox_next (mbox));
  g_assert_null (pigeon_mime_mbox_next (mbox));
}

static void
test_split (void)
{
  const char *text = "From a@example.org Sat Jan  3 01:05:34 2026\n"
                     "Subject: one\n\nBody one.\n\n"
                     "From b@example.org Sat Jan  3 01:05:35 2026\n"
                     "Subject: two\n\nBody two.\n\n";
  const char *expected[] = { "Subject: one\n\nBody one.\n", "Subject: two\n\nBody two.\n", NULL };

  assert_split (text, PIGEON_MIME_MBOX_AUTO, expected);
}

static void
test_from_line_and_offset (void)
{
  const char *text = "From a@example.org Sat Jan  3 01:05:34 2026\n"
                     "Subject: one\n\n"
                     "From b@example.org Sun Jan  4 01:05:35 2026\r\n"
                     "Subject: two\n";
  g_autoptr (GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr (PigeonMimeMbox) mbox = pigeon_mime_mbox_new (bytes, PIGEON_MIME_MBOX_AUTO);
  g_autoptr (GBytes) first = pigeon_mime_mbox_next (mbox);
  g_autoptr (GBytes) second = NULL;
  const char *line;
  gsize len;

  line = pigeon_mime_mbox_get_from_line (mbox, &len);
  g_assert_cmpmem (line, len, "From a@example.org Sat Jan  3 01:05:34 2026", 43);
  g_assert_cmpint (pigeon_mime_mbox_get_offset (mbox), ==, 0);

  second = pigeon_mime_mbox_next (mbox);
  line = pigeon_mime_mbox_get_from_line (mbox, &len);
  g_assert_cmpmem (line, len, "From b@example.org Sun Jan  4 01:05:35 2026", 43);
  g_assert_cmpint (pigeon_mime_mbox_get_offset (mbox), ==, strstr (text, "From b") - text);
}

/* Messages without quoted lines are slices of the mbox, not copies. */
static void
test_zero_copy (void)
{
  const char *text = "From a Sat Jan  3 01:05:34 2026\nSubject: x\n\nbody\nFrom y\n\n"
                     "From b Sat Jan  3 01:05:34 2026\nSubject: y\n\n>From z\n";
  g_autoptr (GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr (PigeonMimeMbox) mbox = pigeon_mime_mbox_new (bytes, PIGEON_MIME_MBOX_AUTO);
  g_autoptr (GBytes) plain = pigeon_mime_mbox_next (mbox);
  g_autoptr (GBytes) quoted = pigeon_mime_mbox_next (mbox);
  const char *data;
  gsize len;

  data = g_bytes_get_data (plain, &len);
  g_assert_true (data == strstr (text, "Subject: x"));
  g_assert_cmpmem (data, len, "Subject: x\n\nbody\nFrom y\n", 24);

  data = g_bytes_get_data (quoted, &len);
  g_assert_true (data < text || data >= text + strlen (text));
  g_assert_cmpmem (data, len, "Subject: y\n\nFrom z\n", 19);
}

/* mboxrd: one '>' comes off every ^>+From line, and only at line starts. */
static void
test_mboxrd_unquote (void)
{
  const char *text = "From a Sat Jan  3 01:05:34 2026\n"
                     ">From first line\n"
                     "x\n>From one\n>>From two\n>>>From three\n"
                     "a >From not at a line start\n>From\n>Fromage\n> From spaced\n";
  const char *expected[] = { "From first line\n"
                             "x\nFrom one\n>From two\n>>From three\n"
                             "a >From not at a line start\n>From\n>Fromage\n> From spaced\n",
                             NULL };

  assert_split (text, PIGEON_MIME_MBOX_MBOXRD, expected);
  assert_split (text, PIGEON_MIME_MBOX_AUTO, expected);
}

/* mboxo: only ^>From loses its '>'; deeper quoting is kept as written. */
static void
test_mboxo_unquote (void)
{
  const char *text = "From a Sat Jan  3 01:05:34 2026\n"
                     "x\n>From one\n>>From two\n";
  const char *expected[] = { "x\nFrom one\n>>From two\n", NULL };

  assert_split (text, PIGEON_MIME_MBOX_MBOXO, expected);
}

/* A "From " line splits only after an empty line (or at the start). */
static void
test_from_needs_empty_line (void)
{
  const char *text = "From a Sat Jan  3 01:05:34 2026\n"
                     "Subject: x\n\nline\nFrom the middle\n \nFrom after a space line\n";
  const char *expected[] = { "Subject: x\n\nline\nFrom the middle\n \nFrom after a space line\n", NULL };

  assert_split (text, PIGEON_MIME_MBOX_AUTO, expected);
}

static void
test_crlf (void)
{
  const char *text = "From a Sat Jan  3 01:05:34 2026\r\n"
                     "Subject: one\r\n\r\nBody\r\n>From q\r\n\r\n"
                     "From b Sat Jan  3 01:05:35 2026\r\n"
                     "Subject: two\r\n\r\nBody two\r\nFrom inside\r\n\r\n";
  const char *expected[] = { "Subject: one\r\n\r\nBody\r\nFrom q\r\n",
                             "Subject: two\r\n\r\nBody two\r\nFrom inside\r\n", NULL };

  assert_split (text, PIGEON_MIME_MBOX_AUTO, expected);
}

static void
test_edges (void)
{
  const char *none[] = { NULL };
  const char *empty_messages[] = { "", "", NULL };
  const char *no_from[] = { "Subject: loose\n\nx\n", "Subject: y\n", NULL };
  const char *no_trailing_newline[] = { "Subject: x\n\nno newline", NULL };
  const char *only_from[] = { "", NULL };

  assert_split ("", PIGEON_MIME_MBOX_AUTO, none);
  assert_split ("From a Sat Jan  3 01:05:34 2026\n\nFrom b Sat Jan  3 01:05:34 2026\n\n", PIGEON_MIME_MBOX_AUTO,
                empty_messages);
  assert_split ("Subject: loose\n\nx\n\nFrom b Sat Jan  3 01:05:34 2026\nSubject: y\n", PIGEON_MIME_MBOX_AUTO, no_from);
  assert_split ("From a Sat Jan  3 01:05:34 2026\nSubject: x\n\nno newline", PIGEON_MIME_MBOX_AUTO,
                no_trailing_newline);
  assert_split ("From a Sat Jan  3 01:05:34 2026", PIGEON_MIME_MBOX_AUTO, only_from);
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "mbox", name, NULL);
}

static void
test_for_path (void)
{
  g_autofree char *path = data_path ("three.mbox");
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMimeMbox) mbox = pigeon_mime_mbox_new_for_path (path, PIGEON_MIME_MBOX_AUTO, &error);
  const char *subjects[] = { "first", "second", "third" };
  GBytes *message;
  guint n = 0;

  g_assert_no_error (error);
  while ((message = pigeon_mime_mbox_next (mbox)) != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
      g_autofree char *subject = g_strdup_printf ("Subject: %s\n", subjects[n]);

      g_assert_cmpuint (n, <, 3);
      g_assert_nonnull (strstr (text, subject));
      if (n == 0)
        g_assert_true (g_str_has_suffix (text, "Hello Bob.\nFrom here on, quoted.\n"));
      if (n == 1)
        g_assert_true (g_str_has_suffix (text, "\nFrom the middle, not a separator (no empty line before it).\n"
                                               ">From twice quoted.\n"));
      if (n == 2)
        g_assert_cmpstr (text, ==, "Subject: third\n\nLast.\n");
      g_bytes_unref (message);
      n++;
    }
  g_assert_cmpuint (n, ==, 3);
}

static void
test_for_path_missing (void)
{
  g_autoptr (GError) error = NULL;
  PigeonMimeMbox *mbox = pigeon_mime_mbox_new_for_path ("/nonexistent/pigeon.mbox", PIGEON_MIME_MBOX_AUTO, &error);

  g_assert_null (mbox);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
write_file (const char *dir, const char *name, const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
make_dir (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

static PigeonMimeArchiveKind
detect (const char *path)
{
  g_autoptr (GError) error = NULL;
  PigeonMimeArchiveKind kind = 0;

  g_assert_true (pigeon_mime_archive_detect (path, &kind, &error));
  g_assert_no_error (error);
  return kind;
}

static void
test_detect (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pigeon-mbox-XXXXXX", NULL);
  g_autofree char *maildir = g_build_filename (tmp, "maildir", NULL);
  g_autofree char *plain = g_build_filename (tmp, "plain", NULL);
  g_autofree char *mbox = g_build_filename (tmp, "box", NULL);
  g_autofree char *empty = g_build_filename (tmp, "empty", NULL);
  g_autofree char *message = g_build_filename (tmp, "plain", "1.eml", NULL);
  g_autofree char *missing = g_build_filename (tmp, "missing", NULL);
  g_autoptr (GError) error = NULL;
  PigeonMimeArchiveKind kind;

  make_dir (tmp, "maildir/cur");
  make_dir (tmp, "maildir/new");
  write_file (tmp, "plain/1.eml", "Subject: x\n\nFrom me\n");
  write_file (tmp, "box", "From a Sat Jan  3 01:05:34 2026\nSubject: x\n");
  write_file (tmp, "empty", "");

  g_assert_cmpint (detect (maildir), ==, PIGEON_MIME_ARCHIVE_MAILDIR);
  g_assert_cmpint (detect (plain), ==, PIGEON_MIME_ARCHIVE_DIRECTORY);
  g_assert_cmpint (detect (mbox), ==, PIGEON_MIME_ARCHIVE_MBOX);
  g_assert_cmpint (detect (empty), ==, PIGEON_MIME_ARCHIVE_MBOX);
  g_assert_cmpint (detect (message), ==, PIGEON_MIME_ARCHIVE_MESSAGE);

  g_assert_false (pigeon_mime_archive_detect (missing, &kind, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));

  remove_tree (tmp);
}

/* Reads every message of @path and returns "location=body" lines. */
static char *
read_archive (const char *path, PigeonMimeArchiveFlags flags, PigeonMimeArchiveKind expected_kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMimeArchive) archive = pigeon_mime_archive_open (path, PIGEON_MIME_MBOX_AUTO, flags, &error);
  g_autoptr (GString) out = g_string_new ("");
  GBytes *message;

  g_assert_no_error (error);
  g_assert_cmpint (pigeon_mime_archive_get_kind (archive), ==, expected_kind);
  while ((message = pigeon_mime_archive_next (archive, &error)) != NULL)
    {
      const char *file = pigeon_mime_archive_get_path (archive);

      g_assert_true (g_str_has_prefix (file, path));
      g_string_append_printf (out, "%s@%" G_GOFFSET_FORMAT "=%.*s;", file + strlen (path),
                              pigeon_mime_archive_get_offset (archive), (int) g_bytes_get_size (message),
                              (const char *) g_bytes_get_data (message, NULL));
      g_bytes_unref (message);
    }
  g_assert_no_error (error);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_maildir (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pigeon-maildir-XXXXXX", NULL);
  g_autofree char *flat = NULL;
  g_autofree char *all = NULL;

  write_file (tmp, "cur/1700000002.M1.host:2,S", "c2");
  write_file (tmp, "new/1700000001.M1.host", "n1");
  write_file (tmp, "new/1700000003.M1.host", "n3");
  write_file (tmp, "tmp/1700000004.M1.host", "in delivery");
  write_file (tmp, "cur/.hidden", "not a message");
  write_file (tmp, "dovecot-uidlist", "not a message either");
  make_dir (tmp, "cur/subdir");
  write_file (tmp, ".Sent/cur/1.M1.host:2,S", "sent");
  make_dir (tmp, ".Sent/new");
  write_file (tmp, ".Archive/new/2.M1.host", "archived");
  make_dir (tmp, ".Archive/cur");
  make_dir (tmp, ".NotAMaildir");

  flat = read_archive (tmp, PIGEON_MIME_ARCHIVE_FLAGS_NONE, PIGEON_MIME_ARCHIVE_MAILDIR);
  g_assert_cmpstr (flat, ==,
                   "/new/1700000001.M1.host@-1=n1;"
                   "/cur/1700000002.M1.host:2,S@-1=c2;"
                   "/new/1700000003.M1.host@-1=n3;");

  all = read_archive (tmp, PIGEON_MIME_ARCHIVE_SUBFOLDERS, PIGEON_MIME_ARCHIVE_MAILDIR);
  g_assert_cmpstr (all, ==,
                   "/new/1700000001.M1.host@-1=n1;"
                   "/cur/1700000002.M1.host:2,S@-1=c2;"
                   "/new/1700000003.M1.host@-1=n3;"
                   "/.Archive/new/2.M1.host@-1=archived;"
                   "/.Sent/cur/1.M1.host:2,S@-1=sent;");
  remove_tree (tmp);
}

static void
test_directory_and_file (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pigeon-dir-XXXXXX", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;
  g_autofree char *one = g_build_filename (tmp, "b.eml", NULL);

  write_file (tmp, "b.eml", "B");
  write_file (tmp, "a.eml", "A");
  write_file (tmp, "deeper/c.eml", "C");
  write_file (tmp, ".hidden", "H");

  dir = read_archive (tmp, PIGEON_MIME_ARCHIVE_FLAGS_NONE, PIGEON_MIME_ARCHIVE_DIRECTORY);
  g_assert_cmpstr (dir, ==, "/a.eml@-1=A;/b.eml@-1=B;");
  file = read_archive (one, PIGEON_MIME_ARCHIVE_FLAGS_NONE, PIGEON_MIME_ARCHIVE_MESSAGE);
  g_assert_cmpstr (file, ==, "@-1=B;");
  remove_tree (tmp);
}

static void
test_archive_mbox (void)
{
  g_autofree char *path = data_path ("three.mbox");
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMimeArchive) archive = pigeon_mime_archive_open (path, PIGEON_MIME_MBOX_AUTO, 0, &error);
  goffset offsets[3];
  GBytes *message;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_cmpint (pigeon_mime_archive_get_kind (archive), ==, PIGEON_MIME_ARCHIVE_MBOX);
  while ((message = pigeon_mime_archive_next (archive, &error)) != NULL)
    {
      g_assert_cmpstr (pigeon_mime_archive_get_path (archive), ==, path);
      offsets[n++] = pigeon_mime_archive_get_offset (archive);
      g_bytes_unref (message);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (offsets[0], ==, 0);
  g_assert_cmpint (offsets[1], ==, 151);
  g_assert_cmpint (offsets[2], ==, 355);
}

/* The resident memory of the process, in kB, or -1 when unknown. */
static gint64
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoll (line + 6, NULL, 10) : -1;
}

/* Iterating a large mapped mbox does not keep it resident. */
static void
test_large_file_memory (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pigeon-big-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "big.mbox", NULL);
  g_autoptr (GString) message = g_string_new ("From a Sat Jan  3 01:05:34 2026\nSubject: big\n\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMimeMbox) mbox = NULL;
  FILE *f;
  guint n = 0;
  guint n_messages = 2500;
  gint64 before;
  gint64 peak = 0;
  GBytes *bytes;

  if (rss_kb () < 0)
    {
      g_test_skip ("no /proc/self/status");
      return;
    }
  while (message->len < 100 * 1024)
    g_string_append (message, "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n");
  g_string_append_c (message, '\n');
  f = g_fopen (path, "wb");
  for (guint i = 0; i < n_messages; i++)
    fwrite (message->str, 1, message->len, f);
  fclose (f);

  before = rss_kb ();
  mbox = pigeon_mime_mbox_new_for_path (path, PIGEON_MIME_MBOX_AUTO, &error);
  g_assert_no_error (error);
  while ((bytes = pigeon_mime_mbox_next (mbox)) != NULL)
    {
      const char *data = g_bytes_get_data (bytes, NULL);
      volatile char sum = 0;

      /* Touch every page, as a parser would. */
      for (gsize i = 0; i < g_bytes_get_size (bytes); i += 4096)
        sum += data[i];
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, message->len - 1 - 32);
      g_bytes_unref (bytes);
      peak = MAX (peak, rss_kb ());
      n++;
    }
  g_assert_cmpuint (n, ==, n_messages);
  /* The file is about 250 MB; the iterator keeps less than 2 steps of 64 MB. */
  g_assert_cmpint (peak - before, <, 160 * 1024);
  g_clear_pointer (&mbox, pigeon_mime_mbox_free);
  remove_tree (tmp);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/mbox/split", test_split);
  g_test_add_func ("/mime/mbox/from-line-and-offset", test_from_line_and_offset);
  g_test_add_func ("/mime/mbox/zero-copy", test_zero_copy);
  g_test_add_func ("/mime/mbox/mboxrd-unquote", test_mboxrd_unquote);
  g_test_add_func ("/mime/mbox/mboxo-unquote", test_mboxo_unquote);
  g_test_add_func ("/mime/mbox/from-needs-empty-line", test_from_needs_empty_line);
  g_test_add_func ("/mime/mbox/crlf", test_crlf);
  g_test_add_func ("/mime/mbox/edges", test_edges);
  g_test_add_func ("/mime/mbox/for-path", test_for_path);
  g_test_add_func ("/mime/mbox/for-path-missing", test_for_path_missing);
  g_test_add_func ("/mime/mbox/detect", test_detect);
  g_test_add_func ("/mime/mbox/maildir", test_maildir);
  g_test_add_func ("/mime/mbox/directory-and-file", test_directory_and_file);
  g_test_add_func ("/mime/mbox/archive-mbox", test_archive_mbox);
  g_test_add_func ("/mime/mbox/large-file-memory", test_large_file_memory);

  return g_test_run ();
}
