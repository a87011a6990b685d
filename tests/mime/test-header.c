/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "pigeon-mime-header.h"

static void
assert_unfold (const char *raw, const char *expected)
{
  g_autofree char *unfolded = pigeon_mime_header_unfold (raw, strlen (raw));

  g_assert_cmpstr (unfolded, ==, expected);
}

static void
assert_decode (const char *raw, const char *expected)
{
  g_autofree char *decoded = pigeon_mime_header_decode_words (raw, -1);

  g_assert_cmpstr (decoded, ==, expected);
}

/* RFC 5322 2.2.3: the CRLF before folding whitespace goes, the whitespace
 * stays. */
static void
test_unfold (void)
{
  assert_unfold ("This is a test\r\n of folding", "This is a test of folding");
  assert_unfold ("a\n\tb", "a\tb");
  assert_unfold ("a\r\n  \r\n b", "a   b");
  assert_unfold (" \t padded \r\n", "padded");
  assert_unfold ("", "");
}

/* RFC 5322 2.2: a field holds no CR, LF or NUL of its own. */
static void
test_unfold_strays (void)
{
  g_autofree char *unfolded = pigeon_mime_header_unfold ("a\rb\0c", 5);

  g_assert_cmpstr (unfolded, ==, "abc");
}

/* NULL with length 0 is an empty value. */
static void
test_null_empty (void)
{
  g_autofree char *unfolded = pigeon_mime_header_unfold (NULL, 0);
  g_autofree char *decoded = pigeon_mime_header_decode_words (NULL, 0);

  g_assert_cmpstr (unfolded, ==, "");
  g_assert_cmpstr (decoded, ==, "");
  g_assert_null (pigeon_mime_content_type_parse (NULL, 0));
  g_assert_null (pigeon_mime_disposition_parse (NULL, 0));
}

/* RFC 2047 4.1 and 4.2: both encodings, any case. */
static void
test_rfc2047_encodings (void)
{
  assert_decode ("=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard");
  assert_decode ("=?utf-8?B?w6k=?=", "é");
  assert_decode ("=?UtF-8?q?caf=c3=a9?=", "café");
  assert_decode ("=?utf-8?b?w6k?=", "é");
  assert_decode ("=?utf-8?Q?a_b?=", "a b");
  assert_decode ("=?utf-8?Q?a=2?=", "a=2");
  assert_decode ("=?utf-8?q?\?=", "");
  assert_decode ("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=", "If you can read this yo");
}

/* RFC 2047 8: the examples of how whitespace between words is read. */
static void
test_rfc2047_adjacent_words_joined (void)
{
  const char *folded = "(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)";
  g_autofree char *unfolded = NULL;

  assert_decode ("(=?ISO-8859-1?Q?a?=)", "(a)");
  assert_decode ("(=?ISO-8859-1?Q?a?= b)", "(a b)");
  assert_decode ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)");
  assert_decode ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)");
  assert_decode ("(=?ISO-8859-1?Q?a_b?=)", "(a b)");
  assert_decode ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)");
  assert_decode ("=?utf-8?q?a?==?utf-8?q?b?=", "ab");

  unfolded = pigeon_mime_header_unfold (folded, strlen (folded));
  assert_decode (unfolded, "(ab)");
}

/* Whitespace between a word and plain text is text (RFC 2047 6.2). */
static void
test_rfc2047_text_space_kept (void)
{
  assert_decode ("a =?utf-8?q?b?= c", "a b c");
  assert_decode ("Re: =?utf-8?q?caf=C3=A9?=  !", "Re: café  !");
}

/* A character cut between two words in one charset comes out whole: the
 * bytes are joined before conversion, as GMime does. */
static void
test_rfc2047_split_multibyte (void)
{
  assert_decode ("=?utf-8?B?4oI=?= =?utf-8?B?rA==?=", "€");
  assert_decode ("=?UTF-8?Q?=E2=82?= =?utf-8?q?=AC?=", "€");
  assert_decode ("=?utf-8?q?=E2?= x =?utf-8?q?=82=AC?=", "â x ‚¬");
}

/* Each run of one charset is converted by itself. */
static void
test_rfc2047_charsets (void)
{
  assert_decode ("=?iso-8859-1?q?=E9?= =?utf-8?q?=C3=A9?=", "éé");
  assert_decode ("=?windows-1252?q?=80?=", "€");
  assert_decode ("=?iso-8859-15?q?=A4?=", "€");
  assert_decode ("=?x-no-such-charset?q?abc?=", "abc");
}

/* RFC 2231 5: a language after the charset. */
static void
test_rfc2047_language (void)
{
  assert_decode ("=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore");
  assert_decode ("=?utf-8*en-us?B?w6k=?=", "é");
}

/* RFC 2047 6.3: what does not parse stays as it is. */
static void
test_rfc2047_malformed (void)
{
  assert_decode ("=?utf-8?x?abc?=", "=?utf-8?x?abc?=");
  assert_decode ("=?utf-8?b?#not base64#?=", "=?utf-8?b?#not base64#?=");
  assert_decode ("=?utf-8?q?no end", "=?utf-8?q?no end");
  assert_decode ("=?\?q?abc?=", "=?\?q?abc?=");
  assert_decode ("=?utf-8?qq?abc?=", "=?utf-8?qq?abc?=");
  assert_decode ("=?", "=?");
  assert_decode ("a =?utf-8?q?b?= =?utf-8?b?*?=", "a b =?utf-8?b?*?=");
}

/* Words glued to text are decoded, as GMime and Thunderbird do. */
static void
test_rfc2047_glued (void)
{
  assert_decode ("foo=?utf-8?q?bar?=", "foobar");
  assert_decode ("=?utf-8?q?bar?=baz", "barbaz");
  assert_decode ("x=?utf-8?q?=C3=A9?=y", "xéy");
}

/* Senders put '?' and spaces inside Q text; the word ends at the first
 * "?=". */
static void
test_rfc2047_lenient_text (void)
{
  assert_decode ("=?utf-8?q?why?\?=", "why?");
  assert_decode ("=?utf-8?q?a b?=", "a b");
}

/* Raw 8-bit text: UTF-8 where it is valid, windows-1252 otherwise. */
static void
test_rfc2047_raw_8bit (void)
{
  assert_decode ("caf\xc3\xa9", "café");
  assert_decode ("caf\xe9 =?utf-8?q?=C3=A9?=", "café é");
  assert_decode ("\x93quoted\x94", "“quoted”");
}

/* Decoded text cannot carry a line break (RFC 5322 2.2): controls become
 * spaces, tab stays. A NUL becomes U+FFFD, as the charset layer reads it. */
static void
test_rfc2047_controls (void)
{
  g_autofree char *decoded = pigeon_mime_header_decode_words ("a\0b\x1b", 4);

  assert_decode ("=?utf-8?q?a=0D=0Ab?=", "a  b");
  assert_decode ("=?utf-8?q?a=09b?=", "a\tb");
  assert_decode ("=?utf-8?q?a=00b?=", "a\xef\xbf\xbd"
                                      "b");
  g_assert_cmpstr (decoded, ==,
                   "a\xef\xbf\xbd"
                   "b ");
}

/* Hostile input stays linear: starts without ends, ends without starts. */
static void
test_rfc2047_hostile (void)
{
  GString *starts = g_string_new (NULL);
  GString *words = g_string_new (NULL);
  g_autofree char *decoded_starts = NULL;
  g_autofree char *decoded_words = NULL;
  gint64 begin = g_get_monotonic_time ();

  while (starts->len < 1024 * 1024)
    g_string_append (starts, "=?a?q?x");
  for (guint i = 0; i < 100000; i++)
    g_string_append (words, "=?utf-8?q?=41?= ");

  decoded_starts = pigeon_mime_header_decode_words (starts->str, starts->len);
  decoded_words = pigeon_mime_header_decode_words (words->str, words->len);
  g_assert_cmpstr (decoded_starts, ==, starts->str);
  g_assert_cmpuint (strlen (decoded_words), ==, 100000 + 1);
  g_assert_cmpint (g_get_monotonic_time () - begin, <, 5 * G_USEC_PER_SEC);
  g_string_free (starts, TRUE);
  g_string_free (words, TRUE);
}

static void
assert_encode_words (const char *text, const char *expected)
{
  g_autofree char *encoded = pigeon_mime_header_encode_words (text);
  g_autofree char *decoded = pigeon_mime_header_decode_words (encoded, -1);

  g_assert_cmpstr (encoded, ==, expected);
  g_assert_cmpstr (decoded, ==, text);
}

/* RFC 2047 5(1): only the words that need it are encoded, in Q or B,
 * whichever is shorter; adjacent ones share a run so that the space
 * between them survives decoding (6.2). */
static void
test_encode_words (void)
{
  assert_encode_words ("Hello, world", "Hello, world");
  assert_encode_words ("café au lait", "=?UTF-8?B?Y2Fmw6k=?= au lait");
  assert_encode_words ("Präsentationsunterlagen", "=?UTF-8?Q?Pr=C3=A4sentationsunterlagen?=");
  assert_encode_words ("日本 語 test", "=?UTF-8?B?5pel5pysIOiqng==?= test");
  assert_encode_words ("a =?x?q?y?= b", "a =?UTF-8?B?PT94P3E/eT89?= b");
  assert_encode_words ("", "");
  assert_encode_words ("  two  spaces ", "  two  spaces ");
}

/* RFC 2047 2: each word is at most 75 characters, and a word never splits
 * a UTF-8 sequence (5: "each encoded-word MUST represent an integral
 * number of characters"). */
static void
test_encode_words_long (void)
{
  GString *text = g_string_new (NULL);
  g_autofree char *encoded = NULL;
  g_autofree char *decoded = NULL;
  g_auto (GStrv) words = NULL;

  for (guint i = 0; i < 100; i++)
    g_string_append (text, i % 2 ? "€" : "ü");
  encoded = pigeon_mime_header_encode_words (text->str);
  words = g_strsplit (encoded, " ", -1);
  g_assert_cmpuint (g_strv_length (words), >, 1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *word = pigeon_mime_header_decode_words (words[i], -1);

      g_assert_cmpuint (strlen (words[i]), <=, 75);
      g_assert_true (g_str_has_prefix (words[i], "=?UTF-8?"));
      g_assert_true (g_utf8_validate (word, -1, NULL));
      g_assert_cmpstr (strstr (word, "\xef\xbf\xbd"), ==, NULL);
    }
  decoded = pigeon_mime_header_decode_words (encoded, -1);
  g_assert_cmpstr (decoded, ==, text->str);
  g_string_free (text, TRUE);
}

static void
assert_encode_phrase (const char *text, const char *expected)
{
  g_autofree char *encoded = pigeon_mime_header_encode_phrase (text);

  g_assert_cmpstr (encoded, ==, expected);
}

/* RFC 2047 5(3) and RFC 5322 3.2.5: atoms stay, other ASCII is quoted,
 * the rest is encoded with the restricted Q alphabet. */
static void
test_encode_phrase (void)
{
  assert_encode_phrase ("Alice Smith", "Alice Smith");
  assert_encode_phrase ("Smith, John", "\"Smith, John\"");
  assert_encode_phrase ("J. R. \"Bob\" \\o/", "\"J. R. \\\"Bob\\\" \\\\o/\"");
  assert_encode_phrase ("Müller, Hans", "=?UTF-8?B?TcO8bGxlciw=?= Hans");
  assert_encode_phrase ("Jörg (work)", "=?UTF-8?B?SsO2cmcgKHdvcmsp?=");
  assert_encode_phrase ("Jöhann-Sebastian Bach", "=?UTF-8?Q?J=C3=B6hann-Sebastian?= Bach");
  assert_encode_phrase ("", "");
}

static char *
format_field (const char *name, const char *value)
{
  g_autoptr (GError) error = NULL;
  char *field = pigeon_mime_header_format (name, value, &error);

  g_assert_no_error (error);
  return field;
}

/* RFC 5322 2.1.1 and 2.2.3: folded before whitespace at 78 columns, CRLF
 * line ends, and unfolding gives the value back. */
static void
test_format_folds (void)
{
  const char *value = "This subject is long enough that it has to be folded at least once, "
                      "and maybe even twice if the words keep coming for a while longer";
  g_autofree char *field = format_field ("Subject", value);
  g_autofree char *unfolded = NULL;
  g_auto (GStrv) lines = g_strsplit (field, "\r\n", -1);

  g_assert_true (g_str_has_suffix (field, "\r\n"));
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (lines[i]), <=, 78);
      g_assert_cmpstr (strchr (lines[i], '\n'), ==, NULL);
    }
  g_assert_true (g_str_has_prefix (lines[1], " "));
  unfolded = pigeon_mime_header_unfold (field + 9, strlen (field) - 9);
  g_assert_cmpstr (unfolded, ==, value);
}

static void
test_format_short (void)
{
  g_autofree char *field = format_field ("X-Mailer", "Pigeon 0.1");
  g_autofree char *long_word = NULL;
  GString *word = g_string_new (NULL);
  g_autofree char *word_field = NULL;

  g_assert_cmpstr (field, ==, "X-Mailer: Pigeon 0.1\r\n");
  while (word->len < 100)
    g_string_append_c (word, 'x');
  word_field = format_field ("Subject", word->str);
  long_word = g_strconcat ("Subject: ", word->str, "\r\n", NULL);
  g_assert_cmpstr (word_field, ==, long_word);
  g_string_free (word, TRUE);
}

/* Trailing whitespace is never left alone on a folded line (RFC 5322
 * 3.2.2: a line of whitespace only is not allowed). */
static void
test_format_trailing_space (void)
{
  GString *value = g_string_new (NULL);
  g_autofree char *field = NULL;

  while (value->len < 75)
    g_string_append (value, "word ");
  g_string_append (value, "          ");
  field = format_field ("Subject", value->str);
  g_assert_null (strstr (field, "\r\n \r\n"));
  g_assert_null (strstr (field, "\r\n          \r\n"));
  g_string_free (value, TRUE);
}

static void
assert_format_rejected (const char *name, const char *value)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *field = pigeon_mime_header_format (name, value, &error);

  g_assert_null (field);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpuint (strlen (error->message), >, 20);
}

/* Header injection: a CR or LF would start a field the caller never
 * wrote. RFC 5322 3.6.8: names are printable ASCII without ':'. */
static void
test_format_rejects_injection (void)
{
  assert_format_rejected ("Subject", "hello\r\nBcc: victim@example.com");
  assert_format_rejected ("Subject", "hello\nBcc: victim@example.com");
  assert_format_rejected ("Subject", "hello\rthere");
  assert_format_rejected ("X-Evil\r\nBcc", "a");
  assert_format_rejected ("Sub:ject", "a");
  assert_format_rejected ("Sub ject", "a");
  assert_format_rejected ("Süb", "a");
  assert_format_rejected ("", "a");
}

static void
assert_param (const PigeonMimeContentType *content_type, const char *name, const char *value)
{
  g_assert_cmpstr (pigeon_mime_content_type_get_param (content_type, name), ==, value);
}

static PigeonMimeContentType *
parse_type (const char *value)
{
  return pigeon_mime_content_type_parse (value, strlen (value));
}

/* RFC 2045 5.1: type and subtype are case-insensitive (lowered here),
 * parameter values keep their case. */
static void
test_content_type_basic (void)
{
  g_autoptr (PigeonMimeContentType) type = parse_type ("TEXT/Plain; CharSet=UTF-8");

  g_assert_cmpstr (type->type, ==, "text");
  g_assert_cmpstr (type->subtype, ==, "plain");
  g_assert_cmpuint (type->params->len, ==, 1);
  g_assert_cmpstr (((PigeonMimeParam *) type->params->pdata[0])->name, ==, "charset");
  assert_param (type, "CHARSET", "UTF-8");
  assert_param (type, "format", NULL);
  g_assert_false (type->truncated);
}

/* RFC 2045 5.1: quoted-strings with quoted-pairs, and comments anywhere. */
static void
test_content_type_quoted_and_comments (void)
{
  g_autoptr (PigeonMimeContentType) quoted = parse_type ("multipart/mixed; boundary=\"a \\\"b\\\\ c;d\"");
  g_autoptr (PigeonMimeContentType) comments =
      parse_type ("(lead) text (a (nested) one) / plain (x); charset = us-ascii (Plain text)");

  assert_param (quoted, "boundary", "a \"b\\ c;d");
  g_assert_cmpstr (comments->type, ==, "text");
  g_assert_cmpstr (comments->subtype, ==, "plain");
  assert_param (comments, "charset", "us-ascii");
}

/* RFC 2045 5.2: without a valid type/subtype the caller uses the default. */
static void
test_content_type_invalid (void)
{
  const char *invalid[] = {
    "", "text", "text/", "/plain", "text plain", "(text/plain)", "tëxt/plain", "\"text\"/plain"
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_null (parse_type (invalid[i]));
}

/* Junk around parameters is skipped: stray ';', words without '=', an
 * unterminated quote, a ';' left out. Unquoted values may hold spaces
 * (file names); whitespace then '(' starts a comment. */
static void
test_content_type_lenient (void)
{
  g_autoptr (PigeonMimeContentType) junk =
      parse_type ("text/plain;; charset=utf-8; junk; =x; \"stray\"; format=flowed delsp=yes; name=\"open");
  g_autoptr (PigeonMimeContentType) spaces = parse_type ("application/pdf; name=My File.pdf ; size=12 (bytes)");
  g_autoptr (PigeonMimeContentType) parens = parse_type ("application/pdf; name=file(1).pdf");

  assert_param (junk, "charset", "utf-8");
  assert_param (junk, "format", "flowed");
  assert_param (junk, "delsp", "yes");
  assert_param (junk, "name", "open");
  g_assert_cmpuint (junk->params->len, ==, 4);
  assert_param (spaces, "name", "My File.pdf");
  assert_param (spaces, "size", "12");
  assert_param (parens, "name", "file(1).pdf");
}

/* Of two plain parameters with one name, the first counts. */
static void
test_content_type_duplicate (void)
{
  g_autoptr (PigeonMimeContentType) type = parse_type ("text/plain; charset=utf-8; Charset=latin1");

  assert_param (type, "charset", "utf-8");
  g_assert_cmpuint (type->params->len, ==, 1);
}

/* RFC 2231 4: charset, language and percent escapes (the RFC's example). */
static void
test_rfc2231_charset_language (void)
{
  g_autoptr (PigeonMimeContentType) type =
      parse_type ("application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  g_autoptr (PigeonMimeContentType) latin1 = parse_type ("application/pdf; name*=ISO-8859-1''caf%E9.pdf");
  g_autoptr (PigeonMimeContentType) no_prefix = parse_type ("application/pdf; name*=a%20b%zz");

  assert_param (type, "title", "This is ***fun***");
  assert_param (latin1, "name", "café.pdf");
  assert_param (no_prefix, "name", "a b%zz");
}

/* RFC 2231 3: continuations (the RFC's example). */
static void
test_rfc2231_continuations (void)
{
  g_autoptr (PigeonMimeContentType) type =
      parse_type ("message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n"
                  " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");

  assert_param (type, "access-type", "URL");
  assert_param (type, "url", "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
}

/* RFC 2231 3: pieces join in numeric order, whatever order they came in
 * ("name*10" after "name*9"). */
static void
test_rfc2231_continuations_out_of_order (void)
{
  g_autoptr (PigeonMimeContentType) type = parse_type ("application/pdf; name*2=c; name*10=k; name*0=a; name*1=b; "
                                                       "name*9=j; name*3=d; name*4=e; name*5=f; name*6=g; "
                                                       "name*7=h; name*8=i");

  assert_param (type, "name", "abcdefghijk");
}

/* A missing piece is skipped; a repeated one counts once; a section
 * number past 999, or a name with a '*' left over, is junk. */
static void
test_rfc2231_continuations_missing (void)
{
  g_autoptr (PigeonMimeContentType) type =
      parse_type ("application/pdf; name*0=a; name*2=c; name*2=x; name*9999=z; x**=1; y*1*2=2");

  assert_param (type, "name", "ac");
  g_assert_cmpuint (type->params->len, ==, 1);
}

/* RFC 2231 4.1: encoded and plain pieces mixed (the RFC's example). */
static void
test_rfc2231_mixed_pieces (void)
{
  g_autoptr (PigeonMimeContentType) type =
      parse_type ("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; "
                  "title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"");

  assert_param (type, "title", "This is even more ***fun*** isn't it!");
}

/* Pieces are joined as bytes before conversion: a character may be cut. */
static void
test_rfc2231_split_character (void)
{
  g_autoptr (PigeonMimeContentType) type = parse_type ("attachment/x; filename*1*=%AC.txt; filename*0*=utf-8''%E2%82");

  assert_param (type, "filename", "€.txt");
}

/* Senders write a plain name for old readers beside the RFC 2231 one,
 * before or after it; the RFC 2231 one is the real one. */
static void
test_rfc2231_wins_over_plain (void)
{
  g_autoptr (PigeonMimeContentType) before =
      parse_type ("application/pdf; name=\"old.pdf\"; name*=utf-8''r%C3%A9sum%C3%A9.pdf");
  g_autoptr (PigeonMimeContentType) after =
      parse_type ("application/pdf; name*0*=utf-8''r%C3%A9; name*1*=sum%C3%A9.pdf; name=\"old.pdf\"");

  assert_param (before, "name", "résumé.pdf");
  assert_param (after, "name", "résumé.pdf");
  g_assert_cmpuint (after->params->len, ==, 1);
}

/* RFC 2047 words in parameter values: not standard, but common in file
 * names, quoted or not. */
static void
test_content_type_rfc2047_values (void)
{
  g_autoptr (PigeonMimeContentType) quoted = parse_type ("text/plain; name=\"=?utf-8?B?w6kudHh0?=\"");
  g_autoptr (PigeonMimeContentType) unquoted = parse_type ("text/plain; name==?utf-8?q?caf=C3=A9.txt?=");

  assert_param (quoted, "name", "é.txt");
  assert_param (unquoted, "name", "café.txt");
}

/* Raw 8-bit values become UTF-8; controls become spaces. */
static void
test_content_type_8bit (void)
{
  g_autoptr (PigeonMimeContentType) type = parse_type ("text/plain; name=\"caf\xe9.txt\"; x*=utf-8''a%0Ab");

  assert_param (type, "name", "café.txt");
  assert_param (type, "x", "a b");
}

/* Past PIGEON_MIME_MAX_PARAMS parameters the rest is dropped and the list
 * marked truncated; reading them costs linear time. */
static void
test_content_type_param_cap (void)
{
  GString *value = g_string_new ("text/plain");
  g_autoptr (PigeonMimeContentType) type = NULL;
  gint64 begin = g_get_monotonic_time ();

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (value, "; p%u=%u", i, i);
  type = parse_type (value->str);
  g_assert_cmpuint (type->params->len, ==, PIGEON_MIME_MAX_PARAMS);
  g_assert_true (type->truncated);
  assert_param (type, "p0", "0");
  assert_param (type, "p63", "63");
  g_assert_cmpint (g_get_monotonic_time () - begin, <, 5 * G_USEC_PER_SEC);
  g_string_free (value, TRUE);
}

/* RFC 5322 3.2.2: comments nest; 100k levels, or a megabyte of '(' that
 * never close, cost only linear time. */
static void
test_content_type_hostile_comments (void)
{
  GString *nested = g_string_new ("text/plain; ");
  GString *open = g_string_new ("text/plain; charset=x ");
  g_autoptr (PigeonMimeContentType) nested_type = NULL;
  g_autoptr (PigeonMimeContentType) open_type = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, '(');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, ')');
  g_string_append (nested, " charset=utf-8");
  while (open->len < 1024 * 1024)
    g_string_append_c (open, '(');

  nested_type = parse_type (nested->str);
  open_type = parse_type (open->str);
  assert_param (nested_type, "charset", "utf-8");
  assert_param (open_type, "charset", "x");
  g_assert_cmpuint (open_type->params->len, ==, 1);
  g_string_free (nested, TRUE);
  g_string_free (open, TRUE);
}

/* RFC 2183 2: a disposition type and parameters, no subtype. */
static void
test_disposition (void)
{
  const char *value = "Attachment; filename=genome.jpeg;\r\n modification-date=\"Wed, 12 Feb 1997 16:29:51 -0500\";";
  g_autoptr (PigeonMimeContentType) disposition = pigeon_mime_disposition_parse (value, strlen (value));

  g_assert_cmpstr (disposition->type, ==, "attachment");
  g_assert_null (disposition->subtype);
  assert_param (disposition, "filename", "genome.jpeg");
  assert_param (disposition, "modification-date", "Wed, 12 Feb 1997 16:29:51 -0500");
  g_assert_null (pigeon_mime_disposition_parse ("filename=a.pdf", 14));
  g_assert_null (pigeon_mime_disposition_parse ("; filename=a.pdf", 16));
  g_assert_null (pigeon_mime_disposition_parse ("", 0));
}

static void
test_content_type_set_param (void)
{
  g_autoptr (PigeonMimeContentType) type = pigeon_mime_content_type_new ("Text", "HTML");

  g_assert_cmpstr (type->type, ==, "text");
  g_assert_cmpstr (type->subtype, ==, "html");
  pigeon_mime_content_type_set_param (type, "Charset", "us-ascii");
  pigeon_mime_content_type_set_param (type, "charset", "utf-8");
  g_assert_cmpuint (type->params->len, ==, 1);
  assert_param (type, "charset", "utf-8");
  g_assert_cmpstr (((PigeonMimeParam *) type->params->pdata[0])->name, ==, "charset");
}

static void
assert_format_parses_back (const PigeonMimeContentType *type, const char *formatted)
{
  g_autoptr (PigeonMimeContentType) parsed = parse_type (formatted);

  g_assert_cmpuint (parsed->params->len, ==, type->params->len);
  for (guint i = 0; i < type->params->len; i++)
    {
      const PigeonMimeParam *param = type->params->pdata[i];

      assert_param (parsed, param->name, param->value);
    }
}

/* Tokens as they are, other ASCII quoted (RFC 2045 5.1), the rest in
 * RFC 2231 form, split into continuations when long (RFC 2231 3, 4). */
static void
test_content_type_format (void)
{
  g_autoptr (PigeonMimeContentType) type = pigeon_mime_content_type_new ("application", "pdf");
  g_autofree char *formatted = NULL;
  g_autofree char *long_formatted = NULL;
  GString *long_name = g_string_new (NULL);

  pigeon_mime_content_type_set_param (type, "charset", "utf-8");
  pigeon_mime_content_type_set_param (type, "boundary", "=_a b\"c");
  pigeon_mime_content_type_set_param (type, "name", "résumé.pdf");
  pigeon_mime_content_type_set_param (type, "x", "=?utf-8?q?a?=");
  formatted = pigeon_mime_content_type_format (type);
  g_assert_cmpstr (formatted, ==,
                   "application/pdf; charset=utf-8; boundary=\"=_a b\\\"c\"; name*=utf-8''r%C3%A9sum%C3%A9.pdf; "
                   "x*=utf-8''%3D%3Futf-8%3Fq%3Fa%3F%3D");
  assert_format_parses_back (type, formatted);

  for (guint i = 0; i < 40; i++)
    g_string_append (long_name, "€");
  pigeon_mime_content_type_set_param (type, "name", long_name->str);
  long_formatted = pigeon_mime_content_type_format (type);
  g_assert_nonnull (strstr (long_formatted, "; name*0*=utf-8''%E2%82%AC"));
  g_assert_nonnull (strstr (long_formatted, "; name*1*=%E2%82%AC"));
  assert_format_parses_back (type, long_formatted);
  g_string_free (long_name, TRUE);
}

static void
test_disposition_format (void)
{
  g_autoptr (PigeonMimeContentType) disposition = pigeon_mime_content_type_new ("attachment", NULL);
  g_autofree char *formatted = NULL;

  pigeon_mime_content_type_set_param (disposition, "filename", "report.pdf");
  formatted = pigeon_mime_content_type_format (disposition);
  g_assert_cmpstr (formatted, ==, "attachment; filename=report.pdf");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/header/unfold/folding", test_unfold);
  g_test_add_func ("/mime/header/unfold/strays", test_unfold_strays);
  g_test_add_func ("/mime/header/null-empty", test_null_empty);
  g_test_add_func ("/mime/header/rfc2047/encodings", test_rfc2047_encodings);
  g_test_add_func ("/mime/header/rfc2047/adjacent-words-joined", test_rfc2047_adjacent_words_joined);
  g_test_add_func ("/mime/header/rfc2047/text-space-kept", test_rfc2047_text_space_kept);
  g_test_add_func ("/mime/header/rfc2047/split-multibyte", test_rfc2047_split_multibyte);
  g_test_add_func ("/mime/header/rfc2047/charsets", test_rfc2047_charsets);
  g_test_add_func ("/mime/header/rfc2047/language", test_rfc2047_language);
  g_test_add_func ("/mime/header/rfc2047/malformed-left-as-text", test_rfc2047_malformed);
  g_test_add_func ("/mime/header/rfc2047/glued-to-text", test_rfc2047_glued);
  g_test_add_func ("/mime/header/rfc2047/lenient-text", test_rfc2047_lenient_text);
  g_test_add_func ("/mime/header/rfc2047/raw-8bit", test_rfc2047_raw_8bit);
  g_test_add_func ("/mime/header/rfc2047/controls", test_rfc2047_controls);
  g_test_add_func ("/mime/header/rfc2047/hostile", test_rfc2047_hostile);
  g_test_add_func ("/mime/header/encode/words", test_encode_words);
  g_test_add_func ("/mime/header/encode/words-long", test_encode_words_long);
  g_test_add_func ("/mime/header/encode/phrase", test_encode_phrase);
  g_test_add_func ("/mime/header/format/folds", test_format_folds);
  g_test_add_func ("/mime/header/format/short", test_format_short);
  g_test_add_func ("/mime/header/format/trailing-space", test_format_trailing_space);
  g_test_add_func ("/mime/header/format/rejects-injection", test_format_rejects_injection);
  g_test_add_func ("/mime/header/content-type/basic", test_content_type_basic);
  g_test_add_func ("/mime/header/content-type/quoted-and-comments", test_content_type_quoted_and_comments);
  g_test_add_func ("/mime/header/content-type/invalid", test_content_type_invalid);
  g_test_add_func ("/mime/header/content-type/lenient", test_content_type_lenient);
  g_test_add_func ("/mime/header/content-type/duplicate", test_content_type_duplicate);
  g_test_add_func ("/mime/header/content-type/rfc2047-values", test_content_type_rfc2047_values);
  g_test_add_func ("/mime/header/content-type/8bit", test_content_type_8bit);
  g_test_add_func ("/mime/header/content-type/param-cap", test_content_type_param_cap);
  g_test_add_func ("/mime/header/content-type/hostile-comments", test_content_type_hostile_comments);
  g_test_add_func ("/mime/header/content-type/set-param", test_content_type_set_param);
  g_test_add_func ("/mime/header/content-type/format", test_content_type_format);
  g_test_add_func ("/mime/header/rfc2231/charset-language", test_rfc2231_charset_language);
  g_test_add_func ("/mime/header/rfc2231/continuations", test_rfc2231_continuations);
  g_test_add_func ("/mime/header/rfc2231/continuations-out-of-order", test_rfc2231_continuations_out_of_order);
  g_test_add_func ("/mime/header/rfc2231/continuations-missing", test_rfc2231_continuations_missing);
  g_test_add_func ("/mime/header/rfc2231/mixed-pieces", test_rfc2231_mixed_pieces);
  g_test_add_func ("/mime/header/rfc2231/split-character", test_rfc2231_split_character);
  g_test_add_func ("/mime/header/rfc2231/wins-over-plain", test_rfc2231_wins_over_plain);
  g_test_add_func ("/mime/header/disposition/parse", test_disposition);
  g_test_add_func ("/mime/header/disposition/format", test_disposition_format);

  return g_test_run ();
}
