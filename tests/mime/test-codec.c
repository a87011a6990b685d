/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <string.h>

#include "pigeon-mime-codec.h"

/* Vectors up to this long are also decoded cut at every pair of offsets. */
#define PAIR_SPLIT_MAX 64
#define RANDOM_SPLITS 200

/* Decodes @data cut into pieces at the sorted offsets @cuts, checking that
 * no step writes more than max_output() promised. */
static GBytes *
decode_pieces (PigeonMimeEncoding encoding, const guchar *data, gsize len, const gsize *cuts, guint n_cuts)
{
  PigeonMimeDecoder decoder;
  GByteArray *out = g_byte_array_new ();
  guchar tail[3];
  gsize start = 0;
  gsize n;

  pigeon_mime_decoder_init (&decoder, encoding);
  for (guint i = 0; i <= n_cuts; i++)
    {
      gsize stop = i < n_cuts ? cuts[i] : len;
      gsize room = pigeon_mime_decoder_max_output (&decoder, stop - start);
      g_autofree guchar *piece = g_malloc (room + 1);

      n = pigeon_mime_decoder_step (&decoder, data + start, stop - start, piece);
      g_assert_cmpuint (n, <=, room);
      g_byte_array_append (out, piece, n);
      start = stop;
    }
  n = pigeon_mime_decoder_finish (&decoder, tail);
  g_assert_cmpuint (n, <=, sizeof tail);
  g_byte_array_append (out, tail, n);

  return g_byte_array_free_to_bytes (out);
}

static void
assert_bytes_equal (GBytes *bytes, const void *expected, gsize expected_len)
{
  gsize len;
  const guchar *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpmem (data, len, expected, expected_len);
}

static void
assert_random_splits (PigeonMimeEncoding encoding, const guchar *data, gsize len, GBytes *expected)
{
  gsize cuts[8];

  for (guint round = 0; round < RANDOM_SPLITS && len > 0; round++)
    {
      guint n_cuts = g_test_rand_int_range (1, G_N_ELEMENTS (cuts) + 1);
      g_autoptr (GBytes) got = NULL;

      for (guint i = 0; i < n_cuts; i++)
        cuts[i] = g_test_rand_int_range (0, len + 1);
      for (guint i = 1; i < n_cuts; i++)
        for (guint j = i; j > 0 && cuts[j - 1] > cuts[j]; j--)
          {
            gsize t = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = t;
          }
      got = decode_pieces (encoding, data, len, cuts, n_cuts);
      g_assert_true (g_bytes_equal (got, expected));
    }
}

/* Decodes @input whole, at every single cut, at every pair of cuts (for
 * short input) and at random cuts, and checks each gives @expected. */
static void
assert_decodes_len (
    PigeonMimeEncoding encoding, const char *input, gsize input_len, const char *expected, gsize expected_len)
{
  const guchar *data = (const guchar *) input;
  g_autoptr (GBytes) whole = pigeon_mime_decode (encoding, data, input_len);

  assert_bytes_equal (whole, expected, expected_len);
  for (gsize i = 0; i <= input_len; i++)
    {
      g_autoptr (GBytes) got = decode_pieces (encoding, data, input_len, &i, 1);

      assert_bytes_equal (got, expected, expected_len);
    }
  for (gsize i = 0; input_len <= PAIR_SPLIT_MAX && i <= input_len; i++)
    for (gsize j = i; j <= input_len; j++)
      {
        gsize cuts[] = { i, j };
        g_autoptr (GBytes) got = decode_pieces (encoding, data, input_len, cuts, 2);

        assert_bytes_equal (got, expected, expected_len);
      }
  assert_random_splits (encoding, data, input_len, whole);
}

static void
assert_decodes (PigeonMimeEncoding encoding, const char *input, const char *expected)
{
  assert_decodes_len (encoding, input, strlen (input), expected, strlen (expected));
}

static void
assert_base64 (const char *input, const char *expected)
{
  assert_decodes (PIGEON_MIME_ENCODING_BASE64, input, expected);
}

static void
assert_qp (const char *input, const char *expected)
{
  assert_decodes (PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, input, expected);
}

static guchar *
random_data (gsize len, const char *favoured)
{
  guchar *data = g_malloc (len + 1);
  gsize n_favoured = strlen (favoured);

  for (gsize i = 0; i < len; i++)
    {
      if (n_favoured > 0 && g_test_rand_bit ())
        data[i] = favoured[g_test_rand_int_range (0, n_favoured)];
      else
        data[i] = g_test_rand_int_range (0, 256);
    }

  return data;
}

static void
assert_lines_at_most (const GString *text, gsize max)
{
  const char *line = text->str;
  const char *eol;

  while ((eol = strstr (line, "\r\n")) != NULL)
    {
      g_assert_cmpuint (eol - line, <=, max);
      line = eol + 2;
    }
  g_assert_cmpuint (strlen (line), <=, max);
}

/* RFC 2045 6.1 */
static void
test_encoding_parse (void)
{
  static const struct
  {
    const char *value;
    PigeonMimeEncoding encoding;
  } cases[] = {
    { "7bit", PIGEON_MIME_ENCODING_7BIT },
    { "8BIT", PIGEON_MIME_ENCODING_8BIT },
    { "Binary", PIGEON_MIME_ENCODING_BINARY },
    { " base64\t", PIGEON_MIME_ENCODING_BASE64 },
    { "Quoted-Printable", PIGEON_MIME_ENCODING_QUOTED_PRINTABLE },
    { "base64 (the usual (nested) one)", PIGEON_MIME_ENCODING_BASE64 },
    { "(odd \\) comment) 8bit", PIGEON_MIME_ENCODING_8BIT },
    { "", PIGEON_MIME_ENCODING_7BIT },
    { "  (only a comment)  ", PIGEON_MIME_ENCODING_7BIT },
    { "x-uuencode", PIGEON_MIME_ENCODING_UNKNOWN },
    { "base 64", PIGEON_MIME_ENCODING_UNKNOWN },
    { "unknown", PIGEON_MIME_ENCODING_UNKNOWN },
    { "quoted-printable-and-then-some-more-text", PIGEON_MIME_ENCODING_UNKNOWN },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (pigeon_mime_encoding_parse (cases[i].value, strlen (cases[i].value)), ==, cases[i].encoding);
  /* The length bounds the value. */
  g_assert_cmpint (pigeon_mime_encoding_parse ("base64garbage", 6), ==, PIGEON_MIME_ENCODING_BASE64);
}

static void
test_encoding_to_string (void)
{
  g_assert_cmpstr (pigeon_mime_encoding_to_string (PIGEON_MIME_ENCODING_7BIT), ==, "7bit");
  g_assert_cmpstr (pigeon_mime_encoding_to_string (PIGEON_MIME_ENCODING_8BIT), ==, "8bit");
  g_assert_cmpstr (pigeon_mime_encoding_to_string (PIGEON_MIME_ENCODING_BINARY), ==, "binary");
  g_assert_cmpstr (pigeon_mime_encoding_to_string (PIGEON_MIME_ENCODING_BASE64), ==, "base64");
  g_assert_cmpstr (pigeon_mime_encoding_to_string (PIGEON_MIME_ENCODING_QUOTED_PRINTABLE), ==, "quoted-printable");
  g_assert_cmpstr (pigeon_mime_encoding_to_string (PIGEON_MIME_ENCODING_UNKNOWN), ==, "unknown");
}

/* RFC 2045 6.2 and 6.4: identity and unknown encodings are copied. */
static void
test_identity (void)
{
  static const char body[] = "line one\r\n=41 \t\r\n\x80\xff";

  assert_decodes_len (PIGEON_MIME_ENCODING_7BIT, body, sizeof body, body, sizeof body);
  assert_decodes_len (PIGEON_MIME_ENCODING_8BIT, body, sizeof body, body, sizeof body);
  assert_decodes_len (PIGEON_MIME_ENCODING_BINARY, body, sizeof body, body, sizeof body);
  assert_decodes_len (PIGEON_MIME_ENCODING_UNKNOWN, body, sizeof body, body, sizeof body);
}

/* RFC 4648 10: the test vectors. */
static void
test_base64_decode (void)
{
  assert_base64 ("", "");
  assert_base64 ("Zg==", "f");
  assert_base64 ("Zm8=", "fo");
  assert_base64 ("Zm9v", "foo");
  assert_base64 ("Zm9vYg==", "foob");
  assert_base64 ("Zm9vYmE=", "fooba");
  assert_base64 ("Zm9vYmFy", "foobar");
  assert_base64 ("+/+/", "\xfb\xff\xbf");
  assert_decodes_len (PIGEON_MIME_ENCODING_BASE64, "AAEC", 4, "\0\1\2", 3);
}

/* RFC 2045 6.8: characters outside the alphabet are ignored. */
static void
test_base64_skips_junk (void)
{
  assert_base64 ("Zm9v\r\nYmFy\r\n", "foobar");
  assert_base64 ("Zm9v\nYmFy\n", "foobar");
  assert_base64 ("  Z m9v!*Ym\tF-y.", "foobar");
  assert_base64 ("Zm\x80\xff\x01"
                 "9vYmFy",
                 "foobar");
}

/* RFC 2045 6.8: a partial last quantum gives what it holds whole. */
static void
test_base64_no_padding (void)
{
  assert_base64 ("Zm9vYg", "foob");
  assert_base64 ("Zm9vYmE", "fooba");
  assert_base64 ("Zm9vY", "foo");
  assert_base64 ("Z", "");
}

/* An '=' ends the quantum and decoding goes on after it. */
static void
test_base64_padding_mid_stream (void)
{
  assert_base64 ("Zg==Zm8=", "ffo");
  assert_base64 ("Zg==\r\nZm8=\r\n", "ffo");
  assert_base64 ("Zm9v=YmFy", "foobar");
  assert_base64 ("Zm9v====YmFy==", "foobar");
  assert_base64 ("Zm9=vYmFy", "fo\xbd\x89\x85");
  assert_base64 ("=Zm9v", "foo");
}

static void
test_base64_split_anywhere (void)
{
  assert_base64 ("Zm9vYmFy\r\nZm9vYmE=\r\nZg==Zm8\r\n", "foobarfoobaffo");
  assert_base64 ("Z\r\nm 9 v Y m F y", "foobar");
  assert_base64 ("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
}

static void
test_base64_encode (void)
{
  static const struct
  {
    const char *data;
    const char *encoded;
  } cases[] = {
    { "", "" },
    { "f", "Zg==\r\n" },
    { "fo", "Zm8=\r\n" },
    { "foo", "Zm9v\r\n" },
    { "foob", "Zm9vYg==\r\n" },
    { "fooba", "Zm9vYmE=\r\n" },
    { "foobar", "Zm9vYmFy\r\n" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GString) out = g_string_new ("prefix:");

      pigeon_mime_encode_base64 ((const guchar *) cases[i].data, strlen (cases[i].data), out);
      g_assert_true (g_str_has_prefix (out->str, "prefix:"));
      g_assert_cmpstr (out->str + strlen ("prefix:"), ==, cases[i].encoded);
    }
}

/* RFC 2045 6.8: lines of at most 76 characters; 57 octets fill one. */
static void
test_base64_line_length (void)
{
  guchar data[115];
  g_autoptr (GString) out = g_string_new (NULL);

  memset (data, 0, sizeof data);
  pigeon_mime_encode_base64 (data, 57, out);
  g_assert_cmpuint (out->len, ==, 78);
  g_assert_true (g_str_has_suffix (out->str, "AAAA\r\n"));

  g_string_truncate (out, 0);
  pigeon_mime_encode_base64 (data, 58, out);
  g_assert_cmpuint (out->len, ==, 78 + 6);
  g_assert_cmpstr (out->str + 78, ==, "AA==\r\n");

  g_string_truncate (out, 0);
  pigeon_mime_encode_base64 (data, sizeof data, out);
  g_assert_cmpuint (out->len, ==, 78 + 78 + 6);
  assert_lines_at_most (out, 76);
}

static void
test_base64_round_trip (void)
{
  for (guint round = 0; round < 300; round++)
    {
      gsize len = g_test_rand_int_range (0, 1000);
      g_autofree guchar *data = random_data (len, "");
      g_autoptr (GString) encoded = g_string_new (NULL);
      g_autoptr (GBytes) decoded = NULL;

      pigeon_mime_encode_base64 (data, len, encoded);
      assert_lines_at_most (encoded, 76);
      decoded = pigeon_mime_decode (PIGEON_MIME_ENCODING_BASE64, (const guchar *) encoded->str, encoded->len);
      assert_bytes_equal (decoded, data, len);
      if (round < 20)
        assert_random_splits (PIGEON_MIME_ENCODING_BASE64, (const guchar *) encoded->str, encoded->len, decoded);
    }
}

/* Any input at all, junk included, decodes the same however it is cut;
 * @favoured characters make up much of it. */
static void
assert_any_input_splits (PigeonMimeEncoding encoding, guint rounds, const char *favoured)
{
  for (guint round = 0; round < rounds; round++)
    {
      gsize len = g_test_rand_int_range (0, 200);
      g_autofree guchar *data = random_data (len, favoured);
      g_autoptr (GBytes) whole = pigeon_mime_decode (encoding, data, len);

      assert_random_splits (encoding, data, len, whole);
    }
}

static void
test_base64_random_splits (void)
{
  assert_any_input_splits (PIGEON_MIME_ENCODING_BASE64, 100, "QUJD=\r\n ");
}

static void
test_qp_decode (void)
{
  assert_qp ("", "");
  assert_qp ("plain text", "plain text");
  assert_qp ("=41=42C", "ABC");
  assert_qp ("caf=C3=A9 cr=C3=A8me", "caf\xc3\xa9 cr\xc3\xa8me");
  assert_qp ("a=3Db", "a=b");
  assert_decodes_len (PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, "=00=FF", 6, "\0\xff", 2);
}

/* RFC 2045 6.7 (1): robust decoders accept lower-case hex. */
static void
test_qp_lower_case_hex (void)
{
  assert_qp ("caf=c3=a9 =3d =3D =aB", "caf\xc3\xa9 = = \xab");
}

/* RFC 2045 6.7 (1): an '=' not followed by two hex digits is kept. */
static void
test_qp_invalid_escape_kept (void)
{
  assert_qp ("=XY", "=XY");
  assert_qp ("a=4Gb", "a=4Gb");
  assert_qp ("=G4", "=G4");
  assert_qp ("==41", "=A");
  assert_qp ("=4=41", "=4A");
  assert_qp ("=4\r\nx", "=4\r\nx");
  assert_qp ("= x", "= x");
  assert_qp ("=\rx", "=\rx");
  assert_qp ("50% =off", "50% =off");
}

/* RFC 2045 6.7 (5): an '=' that ends the input ends its last line, so it
 * is a soft line break; an escape the end cuts is kept. */
static void
test_qp_equals_at_end (void)
{
  assert_qp ("abc=", "abc");
  assert_qp ("abc=4", "abc=4");
  assert_qp ("abc= \t", "abc");
  assert_qp ("=", "");
}

/* RFC 2045 6.7 (5): "=" at the end of a line is a soft line break, and
 * (3) whitespace may have been added after it. */
static void
test_qp_soft_line_break (void)
{
  assert_qp ("ab=\r\ncd", "abcd");
  assert_qp ("ab=\ncd", "abcd");
  assert_qp ("ab= \t \r\ncd", "abcd");
  assert_qp ("ab=  \ncd", "abcd");
  assert_qp ("ab =\r\ncd", "ab cd");
  assert_qp ("ab=\r\n=\r\n\r\n", "ab\r\n");
  assert_qp ("ab=\r", "ab");
}

/* RFC 2045 6.7 (3): trailing whitespace on a line is removed. */
static void
test_qp_trailing_whitespace (void)
{
  assert_qp ("ab  \r\ncd\t\nef \t", "ab\r\ncd\nef");
  assert_qp ("a b\t c", "a b\t c");
  assert_qp ("a =20\r\n", "a  \r\n");
  assert_qp ("a \rb", "a \rb");
  assert_qp ("a \r", "a\r");
  assert_qp ("a \r\r\n", "a \r\r\n");
  assert_qp ("   \r\n   \n", "\r\n\n");
}

/* A whitespace run longer than any padded 76-character line can have is
 * text, kept even before a line break. */
static void
test_qp_long_whitespace_kept (void)
{
  g_autofree char *held = g_strnfill (PIGEON_MIME_DECODER_MAX_HELD, ' ');
  g_autofree char *longer = g_strnfill (PIGEON_MIME_DECODER_MAX_HELD + 1, ' ');
  g_autofree char *input = NULL;
  g_autofree char *expected = NULL;

  input = g_strconcat ("a", held, "\r\nb", NULL);
  assert_qp (input, "a\r\nb");
  g_free (input);
  input = g_strconcat ("a", longer, "\r\nb", NULL);
  expected = g_strconcat ("a", longer, "\r\nb", NULL);
  assert_qp (input, expected);
  g_free (input);
  g_free (expected);
  input = g_strconcat ("a=", longer, "\nb", NULL);
  expected = g_strconcat ("a=", longer, "\nb", NULL);
  assert_qp (input, expected);
}

/* Both CRLF and LF line ends pass through as they are. */
static void
test_qp_crlf_and_lf (void)
{
  assert_qp ("one\r\ntwo\nthree\r\n", "one\r\ntwo\nthree\r\n");
  assert_qp ("\n\r\n\n", "\n\r\n\n");
}

static void
test_qp_split_anywhere (void)
{
  assert_qp ("Caf=C3=A9 au lait  \r\nwith cr=\r\n=C3=A8me =3d  \t\r\nend=",
             "Caf\xc3\xa9 au lait\r\nwith cr\xc3\xa8me =\r\nend");
  assert_qp ("a \t=\t \r\n=4x= \r\nb \r", "a \t=4xb\r");
}

static void
test_qp_random_splits (void)
{
  assert_any_input_splits (PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, 300, "=  \t\r\n4aG");
}

static void
assert_qp_encodes (const char *data, const char *encoded)
{
  g_autoptr (GString) out = g_string_new (NULL);

  pigeon_mime_encode_quoted_printable ((const guchar *) data, strlen (data), out);
  g_assert_cmpstr (out->str, ==, encoded);
}

/* @prefix then @data encodes to @prefix then @encoded. */
static void
assert_qp_encodes_after (const char *prefix, const char *data, const char *encoded)
{
  g_autofree char *whole_data = g_strconcat (prefix, data, NULL);
  g_autofree char *whole_encoded = g_strconcat (prefix, encoded, NULL);

  assert_qp_encodes (whole_data, whole_encoded);
}

/* RFC 2045 6.7 (1) to (4). */
static void
test_qp_encode (void)
{
  assert_qp_encodes ("", "");
  assert_qp_encodes ("plain, text! ~", "plain, text! ~");
  assert_qp_encodes ("a=b", "a=3Db");
  assert_qp_encodes ("caf\xc3\xa9", "caf=C3=A9");
  assert_qp_encodes ("a\tb c", "a\tb c");
  assert_qp_encodes ("trailing \nand\t\r\nend ", "trailing=20\r\nand=09\r\nend=20");
  assert_qp_encodes ("one\ntwo\r\n", "one\r\ntwo\r\n");
  assert_qp_encodes ("bare\rcr", "bare=0Dcr");
  assert_qp_encodes ("\x01\x7f", "=01=7F");
}

/* An mbox reader must not see a "From " line in the body. */
static void
test_qp_encode_from (void)
{
  assert_qp_encodes ("From me\nFrom you", "=46rom me\r\n=46rom you");
  assert_qp_encodes ("Fromage\nsaid From x", "Fromage\r\nsaid From x");
}

/* RFC 2045 6.7 (5): lines of at most 76 characters, the '=' of a soft
 * break included, and no escape cut by one. */
static void
test_qp_encode_soft_breaks (void)
{
  g_autofree char *a72 = g_strnfill (72, 'a');
  g_autofree char *a73 = g_strnfill (73, 'a');
  g_autofree char *a74 = g_strnfill (74, 'a');
  g_autofree char *a75 = g_strnfill (75, 'a');
  g_autofree char *a76 = g_strnfill (76, 'a');

  assert_qp_encodes (a76, a76);
  assert_qp_encodes_after (a75, "aa", "=\r\naa");
  assert_qp_encodes_after (a76, "\nb", "\r\nb");
  assert_qp_encodes_after (a74, "=", "=\r\n=3D");
  assert_qp_encodes_after (a73, "=b", "=\r\n=3Db");
  assert_qp_encodes_after (a72, "=b", "=3Db");
  assert_qp_encodes_after (a75, "From x", "=\r\n=46rom x");
}

/* The encoder turns LF into CRLF; everything else comes back exactly. */
static GByteArray *
normalize_line_ends (const guchar *data, gsize len)
{
  GByteArray *out = g_byte_array_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
        g_byte_array_append (out, (const guchar *) "\r", 1);
      g_byte_array_append (out, data + i, 1);
    }

  return out;
}

static void
test_qp_round_trip (void)
{
  for (guint round = 0; round < 500; round++)
    {
      gsize len = g_test_rand_int_range (0, 400);
      g_autofree guchar *data = random_data (len, "=  \t\r\nFrom ");
      g_autoptr (GByteArray) expected = normalize_line_ends (data, len);
      g_autoptr (GString) encoded = g_string_new (NULL);
      g_autoptr (GBytes) decoded = NULL;

      pigeon_mime_encode_quoted_printable (data, len, encoded);
      assert_lines_at_most (encoded, 76);
      g_assert_null (strstr (encoded->str, "\nFrom "));
      decoded = pigeon_mime_decode (PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, (const guchar *) encoded->str, encoded->len);
      assert_bytes_equal (decoded, expected->data, expected->len);
    }
}

static PigeonMimeEncoding
choose (const char *data, gboolean is_text)
{
  return pigeon_mime_encoding_choose ((const guchar *) data, strlen (data), is_text);
}

/* RFC 2045 2.7 and 2.8: what 7bit may hold. */
static void
test_choose_7bit (void)
{
  g_autofree char *line998 = g_strnfill (998, 'a');
  g_autofree char *line999 = g_strnfill (999, 'a');

  g_assert_cmpint (choose ("", TRUE), ==, PIGEON_MIME_ENCODING_7BIT);
  g_assert_cmpint (choose ("Hello\r\nWorld\r\n", TRUE), ==, PIGEON_MIME_ENCODING_7BIT);
  g_assert_cmpint (choose ("Hello\r\nWorld\r\n", FALSE), ==, PIGEON_MIME_ENCODING_7BIT);
  g_assert_cmpint (choose ("Hello\nWorld\n", TRUE), ==, PIGEON_MIME_ENCODING_7BIT);
  g_assert_cmpint (choose (line998, TRUE), ==, PIGEON_MIME_ENCODING_7BIT);
  g_assert_cmpint (choose (line999, TRUE), ==, PIGEON_MIME_ENCODING_QUOTED_PRINTABLE);
  g_assert_cmpint (choose (line999, FALSE), ==, PIGEON_MIME_ENCODING_BASE64);
  g_assert_cmpint (choose ("bare\rcr", TRUE), ==, PIGEON_MIME_ENCODING_QUOTED_PRINTABLE);
  g_assert_cmpint (pigeon_mime_encoding_choose ((const guchar *) "abcdef\0ghijk", 12, TRUE), ==,
                   PIGEON_MIME_ENCODING_QUOTED_PRINTABLE);
}

/* Non-text data must come back octet for octet, so a bare LF, which a
 * transport may rewrite, rules out 7bit. */
static void
test_choose_binary (void)
{
  g_assert_cmpint (choose ("Hello\nWorld\n", FALSE), ==, PIGEON_MIME_ENCODING_BASE64);
  g_assert_cmpint (choose ("caf\xc3\xa9 au lait", FALSE), ==, PIGEON_MIME_ENCODING_BASE64);
  g_assert_cmpint (pigeon_mime_encoding_choose ((const guchar *) "a\0b", 3, FALSE), ==, PIGEON_MIME_ENCODING_BASE64);
}

/* Mostly-ASCII text is quoted-printable, the rest base64; the line is
 * drawn at 5/6 printable. */
static void
test_choose_text (void)
{
  g_assert_cmpint (choose ("caf\xc3\xa9 au lait, s'il vous pla\xc3\xaet", TRUE), ==,
                   PIGEON_MIME_ENCODING_QUOTED_PRINTABLE);
  g_assert_cmpint (choose ("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", TRUE), ==, PIGEON_MIME_ENCODING_BASE64);
  g_assert_cmpint (choose ("abcde\x80", TRUE), ==, PIGEON_MIME_ENCODING_QUOTED_PRINTABLE);
  g_assert_cmpint (choose ("abcd\x80", TRUE), ==, PIGEON_MIME_ENCODING_BASE64);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/codec/encoding/parse", test_encoding_parse);
  g_test_add_func ("/mime/codec/encoding/to-string", test_encoding_to_string);
  g_test_add_func ("/mime/codec/identity", test_identity);
  g_test_add_func ("/mime/codec/base64/decode", test_base64_decode);
  g_test_add_func ("/mime/codec/base64/skips-junk", test_base64_skips_junk);
  g_test_add_func ("/mime/codec/base64/no-padding", test_base64_no_padding);
  g_test_add_func ("/mime/codec/base64/padding-mid-stream", test_base64_padding_mid_stream);
  g_test_add_func ("/mime/codec/base64/split-anywhere", test_base64_split_anywhere);
  g_test_add_func ("/mime/codec/base64/random-splits", test_base64_random_splits);
  g_test_add_func ("/mime/codec/base64/encode", test_base64_encode);
  g_test_add_func ("/mime/codec/base64/line-length", test_base64_line_length);
  g_test_add_func ("/mime/codec/base64/round-trip", test_base64_round_trip);
  g_test_add_func ("/mime/codec/qp/decode", test_qp_decode);
  g_test_add_func ("/mime/codec/qp/lower-case-hex", test_qp_lower_case_hex);
  g_test_add_func ("/mime/codec/qp/invalid-escape-kept", test_qp_invalid_escape_kept);
  g_test_add_func ("/mime/codec/qp/equals-at-end", test_qp_equals_at_end);
  g_test_add_func ("/mime/codec/qp/soft-line-break", test_qp_soft_line_break);
  g_test_add_func ("/mime/codec/qp/trailing-whitespace", test_qp_trailing_whitespace);
  g_test_add_func ("/mime/codec/qp/long-whitespace-kept", test_qp_long_whitespace_kept);
  g_test_add_func ("/mime/codec/qp/crlf-and-lf", test_qp_crlf_and_lf);
  g_test_add_func ("/mime/codec/qp/split-anywhere", test_qp_split_anywhere);
  g_test_add_func ("/mime/codec/qp/random-splits", test_qp_random_splits);
  g_test_add_func ("/mime/codec/qp/encode", test_qp_encode);
  g_test_add_func ("/mime/codec/qp/encode-from", test_qp_encode_from);
  g_test_add_func ("/mime/codec/qp/encode-soft-breaks", test_qp_encode_soft_breaks);
  g_test_add_func ("/mime/codec/qp/round-trip", test_qp_round_trip);
  g_test_add_func ("/mime/codec/choose/7bit", test_choose_7bit);
  g_test_add_func ("/mime/codec/choose/binary", test_choose_binary);
  g_test_add_func ("/mime/codec/choose/text", test_choose_text);

  return g_test_run ();
}
