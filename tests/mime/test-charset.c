/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <string.h>

#include "pigeon-mime-charset.h"

#define THREADS 4

/* Converts and checks the exact result and the fallback flag. */
static void
assert_reads_len (const char *charset, const char *data, gssize len, const char *expected, gboolean expected_fallback)
{
  gboolean fallback = !expected_fallback;
  g_autofree char *text = pigeon_mime_charset_to_utf8 (charset, data, len, &fallback);

  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (fallback, ==, expected_fallback);
}

static void
assert_reads (const char *charset, const char *data, const char *expected)
{
  assert_reads_len (charset, data, -1, expected, FALSE);
}

static void
assert_canonical (const char *label, const char *expected)
{
  g_autofree char *name = pigeon_mime_charset_canonical (label);

  g_assert_cmpstr (name, ==, expected);
}

static void
assert_writes (const char *charset, const char *text, const char *expected)
{
  g_autoptr (GBytes) bytes = pigeon_mime_charset_from_utf8 (charset, text, -1);

  if (expected == NULL)
    {
      g_assert_null (bytes);
      return;
    }
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, strlen (expected));
}

static void
test_canonical (void)
{
  static const char *const cases[][2] = {
    { "UTF-8", "utf-8" },
    { "utf8", "utf-8" },
    { " Utf8 ", "utf-8" },
    { "unicode-1-1-utf-8", "utf-8" },
    { "ASCII", "us-ascii" },
    { "ANSI_X3.4-1968", "us-ascii" },
    { "latin1", "iso-8859-1" },
    { "ISO8859-1", "iso-8859-1" },
    { "iso_8859-1", "iso-8859-1" },
    { "ISO_8859-1:1987", "iso-8859-1" },
    { "iso8859_15", "iso-8859-15" },
    { "latin9", "iso-8859-15" },
    { "ISO-8859-8-I", "iso-8859-8" },
    { "iso-8859-6-e", "iso-8859-6" },
    { "cp1252", "windows-1252" },
    { "x-cp1250", "windows-1250" },
    { "Windows-1251", "windows-1251" },
    { "win1251", "windows-1251" },
    { "cp874", "windows-874" },
    { "KOI8R", "koi8-r" },
    { "koi8-u", "koi8-u" },
    { "Shift_JIS", "shift_jis" },
    { "x-sjis", "shift_jis" },
    { "MS_Kanji", "shift_jis" },
    { "cp932", "shift_jis" },
    { "x-euc-jp", "euc-jp" },
    { "ISO-2022-JP", "iso-2022-jp" },
    { "GB2312", "gb2312" },
    { "x-gbk", "gbk" },
    { "cp936", "gbk" },
    { "GB18030", "gb18030" },
    { "x-x-big5", "big5" },
    { "Big5-HKSCS", "big5-hkscs" },
    { "ks_c_5601-1987", "euc-kr" },
    { "EUC-KR", "euc-kr" },
    { "TIS620", "tis-620" },
    { "UTF16LE", "utf-16le" },
    { "utf-32", "utf-32" },
    { "unicode-1-1-utf-7", "utf-7" },
    { "X-Unknown-Charset", "x-unknown-charset" },
    { "iso-8859-12", "iso-8859-12" },
    { "CP850", "cp850" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_canonical (cases[i][0], cases[i][1]);
}

/* RFC 2046 4.1.2: no charset is us-ascii; raw UTF-8 is common anyway
 * (RFC 6532), so valid UTF-8 is taken as it is. */
static void
test_utf8 (void)
{
  assert_reads ("utf-8", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa6", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa6");
  assert_reads ("UTF8", "plain", "plain");
  assert_reads ("us-ascii", "plain", "plain");
  assert_reads ("us-ascii", "caf\xc3\xa9", "caf\xc3\xa9");
  assert_reads (NULL, "caf\xc3\xa9", "caf\xc3\xa9");
  assert_reads ("", "caf\xc3\xa9", "caf\xc3\xa9");
  assert_reads_len ("utf-8", "abcdef", 3, "abc", FALSE);
  assert_reads_len ("utf-8", "", 0, "", FALSE);
  assert_reads_len ("koi8-r", NULL, 0, "", FALSE);
}

/* Octets that are not UTF-8 are read as windows-1252, one by one. */
static void
test_invalid_utf8 (void)
{
  assert_reads_len ("utf-8", "caf\xe9", -1, "caf\xc3\xa9", TRUE);
  assert_reads_len ("utf-8", "\xc3\xa9 and \xe9 and \x93q\x94", -1,
                    "\xc3\xa9 and \xc3\xa9 and \xe2\x80\x9cq\xe2\x80\x9d", TRUE);
  assert_reads_len (NULL, "caf\xe9", -1, "caf\xc3\xa9", TRUE);
  assert_reads_len ("us-ascii", "\xe2\x82", -1, "\xc3\xa2\xe2\x80\x9a", TRUE);
}

/* iso-8859-1 is read as windows-1252, as every mail reader does. */
static void
test_latin1 (void)
{
  assert_reads ("iso-8859-1", "caf\xe9 na\xefve \xa3", "caf\xc3\xa9 na\xc3\xafve \xc2\xa3");
  assert_reads ("latin1", "\x93quoted\x94 \x80", "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac");
  assert_reads ("ISO_8859-1:1987", "\xff", "\xc3\xbf");
}

static void
test_windows_1252 (void)
{
  assert_reads ("windows-1252", "\x80 \x85 \x99", "\xe2\x82\xac \xe2\x80\xa6 \xe2\x84\xa2");
  /* WHATWG: the five unassigned octets map to C1 controls. */
  assert_reads ("cp1252", "\x81\x8d\x8f\x90\x9d", "\xc2\x81\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d");
}

static void
test_iso_8859_2 (void)
{
  assert_reads ("iso-8859-2", "\xbf\xf3\xb3\xb9", "\xc5\xbc\xc3\xb3\xc5\x82\xc5\xa1");
  assert_reads ("latin2", "\xbf\xf3\xb3\xb9", "\xc5\xbc\xc3\xb3\xc5\x82\xc5\xa1");
}

static void
test_iso_8859_15 (void)
{
  assert_reads ("iso-8859-15", "\xa4", "\xe2\x82\xac");
}

/* RFC 1556: "-i" is about the direction of the text, not the mapping. */
static void
test_iso_8859_8_i (void)
{
  assert_reads ("iso-8859-8-i", "\xf9\xec\xe5\xed", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
}

static void
test_windows_1251 (void)
{
  assert_reads ("windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
  assert_reads ("x-cp1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
}

/* RFC 1489 */
static void
test_koi8_r (void)
{
  assert_reads ("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
  assert_reads ("KOI8R", "\xf0\xd2\xc9\xd7\xc5\xd4", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
}

/* RFC 2319 */
static void
test_koi8_u (void)
{
  assert_reads ("koi8-u", "\xa4\xa6", "\xd1\x94\xd1\x96");
}

/* Read as cp932, so 0x5c is a backslash and not a yen sign. */
static void
test_shift_jis (void)
{
  assert_reads ("shift_jis", "\x93\xfa\x96\x7b \\", "\xe6\x97\xa5\xe6\x9c\xac \\");
  assert_reads ("x-sjis", "\x93\xfa\x96\x7b", "\xe6\x97\xa5\xe6\x9c\xac");
  assert_reads ("ms_kanji", "\x93\xfa\x96\x7b", "\xe6\x97\xa5\xe6\x9c\xac");
}

static void
test_euc_jp (void)
{
  assert_reads ("euc-jp", "\xc6\xfc\xcb\xdc", "\xe6\x97\xa5\xe6\x9c\xac");
}

/* RFC 1468: all 7-bit, yet not ASCII, so no ASCII shortcut applies. */
static void
test_iso_2022_jp (void)
{
  assert_reads ("iso-2022-jp", "\x1b$BF|K\\\x1b(B!", "\xe6\x97\xa5\xe6\x9c\xac!");
}

/* A descriptor from the cache must not stay in the shift state a previous
 * text left it in. */
static void
test_iso_2022_jp_reset (void)
{
  assert_reads ("iso-2022-jp", "\x1b$BF|", "\xe6\x97\xa5");
  assert_reads ("iso-2022-jp", "F|", "F|");
}

/* gb2312 is read as gb18030, which holds gbk, which holds gb2312. */
static void
test_gb2312 (void)
{
  assert_reads ("gb2312", "\xc4\xe3\xba\xc3", "\xe4\xbd\xa0\xe5\xa5\xbd");
  assert_reads ("gb2312", "\x81\x40", "\xe4\xb8\x82");
  assert_reads ("gbk", "\x81\x30\x81\x30", "\xc2\x80");
  assert_reads ("gb18030", "\x81\x30\x81\x30", "\xc2\x80");
}

static void
test_big5 (void)
{
  assert_reads ("big5", "\xa4\xa4\xa4\xe5", "\xe4\xb8\xad\xe6\x96\x87");
  assert_reads ("big5", "\x88\x40", "\xe3\x87\x80");
  assert_reads ("big5-hkscs", "\x88\x40", "\xe3\x87\x80");
}

/* euc-kr and ks_c_5601-1987 are read as cp949 (UHC). */
static void
test_euc_kr (void)
{
  assert_reads ("euc-kr", "\xc7\xd1\xb1\xdb", "\xed\x95\x9c\xea\xb8\x80");
  assert_reads ("ks_c_5601-1987", "\xc7\xd1\xb1\xdb", "\xed\x95\x9c\xea\xb8\x80");
  assert_reads ("euc-kr", "\x81\x41", "\xea\xb0\x82");
}

static void
test_tis_620 (void)
{
  assert_reads ("tis-620", "\xca\xc7\xd1\xca\xb4\xd5",
                "\xe0\xb8\xaa\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8\x94\xe0\xb8\xb5");
}

static void
test_utf16 (void)
{
  assert_reads_len ("utf-16", "\xfe\xff\0h\0i", 6, "hi", FALSE);
  assert_reads_len ("utf-16le", "h\0i\0", 4, "hi", FALSE);
  assert_reads_len ("UTF-16BE", "\0h\0i", 4, "hi", FALSE);
  assert_reads_len ("utf-32le", "h\0\0\0", 4, "h", FALSE);
}

/* RFC 2152 */
static void
test_utf7 (void)
{
  assert_reads ("unicode-1-1-utf-7", "Hi Mom -+Jjo--!", "Hi Mom -\xe2\x98\xba-!");
  assert_reads ("utf-7", "A+ImIDkQ.", "A\xe2\x89\xa2\xce\x91.");
}

/* One U+FFFD per octet the charset cannot decode, and on with the rest. */
static void
test_invalid_sequence (void)
{
  assert_reads_len ("shift_jis", "\x93\xfa\xff\x96\x7b", -1, "\xe6\x97\xa5\xef\xbf\xbd\xe6\x9c\xac", TRUE);
  assert_reads_len ("euc-jp", "a\xc6", -1, "a\xef\xbf\xbd", TRUE);
  assert_reads_len ("utf-16le", "h\0i", 3, "h\xef\xbf\xbd", TRUE);
}

/* An unknown charset reads as UTF-8 where valid, windows-1252 elsewhere. */
static void
test_unknown_falls_back (void)
{
  assert_reads_len ("x-no-such-charset", "caf\xc3\xa9", -1, "caf\xc3\xa9", TRUE);
  assert_reads_len ("x-no-such-charset", "caf\xe9", -1, "caf\xc3\xa9", TRUE);
  assert_reads_len ("x-no-such-charset", "plain", -1, "plain", TRUE);
  /* Names that are not plain charset names never reach iconv. */
  assert_reads_len ("utf-7//translit", "+AGE-", -1, "+AGE-", TRUE);
  assert_reads_len ("../../etc/passwd", "abc", -1, "abc", TRUE);
}

/* A NUL would end the text early; it becomes U+FFFD. */
static void
test_nul (void)
{
  assert_reads_len ("utf-8", "a\0b", 3,
                    "a\xef\xbf\xbd"
                    "b",
                    TRUE);
  assert_reads_len ("iso-8859-1", "a\0\xe9", 3, "a\xef\xbf\xbd\xc3\xa9", TRUE);
  assert_reads_len ("koi8-r", "a\0\xf0", 3, "a\xef\xbf\xbd\xd0\x9f", TRUE);
  assert_reads_len ("utf-16le", "a\0\0\0b\0", 6,
                    "a\xef\xbf\xbd"
                    "b",
                    TRUE);
}

/* Whatever the input and the charset, the result is valid UTF-8. */
static void
test_always_valid (void)
{
  static const char *const charsets[] = {
    NULL,   "utf-8",  "iso-8859-1", "koi8-r", "shift_jis", "euc-jp",  "iso-2022-jp", "gb2312",
    "big5", "euc-kr", "utf-7",      "utf-16", "utf-32",    "tis-620", "x-unknown",
  };

  for (guint round = 0; round < 200; round++)
    {
      char data[64];
      gsize len = g_test_rand_int_range (0, sizeof data);

      for (gsize i = 0; i < len; i++)
        data[i] = g_test_rand_int_range (0, 256);
      for (gsize i = 0; i < G_N_ELEMENTS (charsets); i++)
        {
          g_autofree char *text = pigeon_mime_charset_to_utf8 (charsets[i], data, len, NULL);

          g_assert_nonnull (text);
          g_assert_true (g_utf8_validate (text, -1, NULL));
        }
    }
}

/* Any label at all gives a lower-case name, and reading by it valid
 * UTF-8. */
static void
test_random_labels (void)
{
  static const char alphabet[] = "abcdefiklnoprstuwx-_:.0123456789 /ISO";

  for (guint round = 0; round < 2000; round++)
    {
      char label[16];
      gsize len = g_test_rand_int_range (0, sizeof label);
      g_autofree char *name = NULL;
      g_autofree char *text = NULL;

      for (gsize i = 0; i < len; i++)
        label[i] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
      label[len] = '\0';
      name = pigeon_mime_charset_canonical (label);
      g_assert_nonnull (name);
      for (const char *p = name; *p != '\0'; p++)
        g_assert_false (g_ascii_isupper (*p));
      text = pigeon_mime_charset_to_utf8 (label, "caf\xc3\xa9 \xe9\x80", -1, NULL);
      g_assert_true (g_utf8_validate (text, -1, NULL));
    }
}

/* Writing is exact: no superset, and NULL when a character does not fit. */
static void
test_from_utf8 (void)
{
  assert_writes ("utf-8", "caf\xc3\xa9", "caf\xc3\xa9");
  assert_writes ("iso-8859-1", "caf\xc3\xa9", "caf\xe9");
  assert_writes ("latin1", "caf\xc3\xa9", "caf\xe9");
  assert_writes ("iso-8859-1", "\xe2\x82\xac", NULL);
  assert_writes ("iso-8859-15", "\xe2\x82\xac", "\xa4");
  assert_writes ("us-ascii", "plain", "plain");
  assert_writes ("us-ascii", "caf\xc3\xa9", NULL);
  assert_writes ("koi8-r", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", "\xf0\xd2\xc9\xd7\xc5\xd4");
  assert_writes ("shift_jis", "\xe6\x97\xa5\xe6\x9c\xac", "\x93\xfa\x96\x7b");
  /* RFC 1468: the text ends back in ASCII. */
  assert_writes ("iso-2022-jp", "\xe6\x97\xa5\xe6\x9c\xac", "\x1b$BF|K\\\x1b(B");
  assert_writes ("gb2312", "\xe4\xbd\xa0\xe5\xa5\xbd", "\xc4\xe3\xba\xc3");
  assert_writes ("x-no-such-charset", "plain", NULL);
  assert_writes ("utf-7//translit", "plain", NULL);
  assert_writes ("iso-8859-1", "bad \xff utf-8", NULL);
}

static gpointer
convert_in_thread (gpointer data)
{
  for (guint i = 0; i < 500; i++)
    {
      assert_reads ("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
      assert_reads ("shift_jis", "\x93\xfa\x96\x7b", "\xe6\x97\xa5\xe6\x9c\xac");
      assert_reads ("iso-2022-jp", "\x1b$BF|", "\xe6\x97\xa5");
      assert_reads ("iso-2022-jp", "F|", "F|");
      assert_reads (i % 2 ? "iso-8859-2" : "iso-8859-5", "abc\xb3", i % 2 ? "abc\xc5\x82" : "abc\xd0\x93");
      assert_writes ("iso-8859-1", "caf\xc3\xa9", "caf\xe9");
      assert_writes ("iso-2022-jp", "\xe6\x97\xa5", "\x1b$BF|\x1b(B");
    }

  return NULL;
}

/* The descriptor cache is shared by every thread. */
static void
test_threads (void)
{
  GThread *threads[THREADS];

  for (guint i = 0; i < THREADS; i++)
    threads[i] = g_thread_new ("charset", convert_in_thread, NULL);
  for (guint i = 0; i < THREADS; i++)
    g_thread_join (threads[i]);
}

/* glibc's iconv takes "utf+-8" for UTF-8 and passes invalid bytes through;
 * the result must still be valid UTF-8 (found by fuzz-encoded-words). */
static void
test_iconv_output_validated (void)
{
  gboolean fallback = FALSE;
  g_autofree char *text = pigeon_mime_charset_to_utf8 ("utf+-8", "\xfa\xaa\xaa\xaa\xaa", 5, &fallback);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_true (fallback);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/charset/canonical", test_canonical);
  g_test_add_func ("/mime/charset/utf-8", test_utf8);
  g_test_add_func ("/mime/charset/invalid-utf-8", test_invalid_utf8);
  g_test_add_func ("/mime/charset/latin1", test_latin1);
  g_test_add_func ("/mime/charset/windows-1252", test_windows_1252);
  g_test_add_func ("/mime/charset/iso-8859-2", test_iso_8859_2);
  g_test_add_func ("/mime/charset/iso-8859-15", test_iso_8859_15);
  g_test_add_func ("/mime/charset/iso-8859-8-i", test_iso_8859_8_i);
  g_test_add_func ("/mime/charset/windows-1251", test_windows_1251);
  g_test_add_func ("/mime/charset/koi8-r", test_koi8_r);
  g_test_add_func ("/mime/charset/koi8-u", test_koi8_u);
  g_test_add_func ("/mime/charset/shift_jis", test_shift_jis);
  g_test_add_func ("/mime/charset/euc-jp", test_euc_jp);
  g_test_add_func ("/mime/charset/iso-2022-jp", test_iso_2022_jp);
  g_test_add_func ("/mime/charset/iso-2022-jp-reset", test_iso_2022_jp_reset);
  g_test_add_func ("/mime/charset/gb2312", test_gb2312);
  g_test_add_func ("/mime/charset/big5", test_big5);
  g_test_add_func ("/mime/charset/euc-kr", test_euc_kr);
  g_test_add_func ("/mime/charset/tis-620", test_tis_620);
  g_test_add_func ("/mime/charset/utf-16", test_utf16);
  g_test_add_func ("/mime/charset/utf-7", test_utf7);
  g_test_add_func ("/mime/charset/invalid-sequence", test_invalid_sequence);
  g_test_add_func ("/mime/charset/unknown-falls-back", test_unknown_falls_back);
  g_test_add_func ("/mime/charset/nul", test_nul);
  g_test_add_func ("/mime/charset/always-valid", test_always_valid);
  g_test_add_func ("/mime/charset/random-labels", test_random_labels);
  g_test_add_func ("/mime/charset/from-utf8", test_from_utf8);
  g_test_add_func ("/mime/charset/threads", test_threads);
  g_test_add_func ("/mime/charset/iconv-output-validated", test_iconv_output_validated);

  return g_test_run ();
}
