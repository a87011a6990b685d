/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <string.h>

#include "pigeon-mime-address.h"
#include "pigeon-mime-message.h"

/* Parses @text, with its "\n" line ends turned into CRLF when @crlf. */
static PigeonMimeMessage *
parse_text (const char *text, gboolean crlf)
{
  GString *s = g_string_new (NULL);
  GBytes *bytes;
  PigeonMimeMessage *message;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n' && crlf)
        g_string_append_c (s, '\r');
      g_string_append_c (s, *p);
    }

  bytes = g_string_free_to_bytes (s);
  message = pigeon_mime_message_new_from_bytes (bytes, NULL);
  g_bytes_unref (bytes);

  return message;
}

static PigeonMimeMessage *
parse (const char *text)
{
  return parse_text (text, TRUE);
}

/* The decoded body of a part as a string. */
static char *
body_of (PigeonMimePart *part)
{
  g_autoptr (GBytes) body = pigeon_mime_part_decode (part);
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  return g_strndup (data != NULL ? data : "", len);
}

static void
assert_body (PigeonMimePart *part, const char *expected)
{
  g_autofree char *body = body_of (part);

  g_assert_cmpstr (body, ==, expected);
}

static const char simple[] = "From: Alice <alice@example.org>\n"
                             "To: bob@example.org\n"
                             "Subject: Hello\n"
                             " there\n"
                             "\n"
                             "Body line 1\n"
                             "Body line 2\n";

static void
test_simple_crlf_and_lf (void)
{
  for (int crlf = 0; crlf <= 1; crlf++)
    {
      g_autoptr (PigeonMimeMessage) message = parse_text (simple, crlf);
      PigeonMimePart *root = pigeon_mime_message_get_root (message);
      g_autofree char *subject = pigeon_mime_message_dup_subject (message);
      g_autofree char *body = body_of (root);

      g_assert_cmpstr (subject, ==, "Hello there");
      g_assert_cmpuint (pigeon_mime_part_get_n_headers (root), ==, 3);
      g_assert_cmpstr (body, ==, crlf ? "Body line 1\r\nBody line 2\r\n" : "Body line 1\nBody line 2\n");
      g_assert_cmpuint (pigeon_mime_message_get_n_parts (message), ==, 1);
    }
}

static void
test_header_order_kept (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Received: one\nX-B: b\nReceived: two\nX-A: a\n\nx");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  const char *expected[] = { "Received", "X-B", "Received", "X-A" };
  g_autofree char *received = pigeon_mime_part_dup_header (root, "received");

  g_assert_cmpuint (pigeon_mime_part_get_n_headers (root), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      gsize len;
      const char *name = pigeon_mime_part_get_header_at (root, i, &len, NULL, NULL);

      g_assert_cmpmem (name, len, expected[i], strlen (expected[i]));
    }
  /* The first of several fields, found case-insensitively. */
  g_assert_cmpstr (received, ==, "one");
}

/* RFC 2045 5.2: no Content-Type means text/plain; charset=us-ascii. */
static void
test_default_content_type (void)
{
  g_autoptr (PigeonMimeMessage) message = parse (simple);
  PigeonMimePart *root = pigeon_mime_message_get_root (message);

  g_assert_cmpstr (pigeon_mime_part_get_mime_type (root), ==, "text/plain");
  g_assert_cmpstr (pigeon_mime_part_get_charset (root), ==, "us-ascii");
  g_assert_cmpint (pigeon_mime_part_get_encoding (root), ==, PIGEON_MIME_ENCODING_7BIT);
  g_assert_cmpint (pigeon_mime_part_get_flags (root), ==, PIGEON_MIME_PART_FLAGS_NONE);
}

/* RFC 2045 5.2: a syntactically invalid Content-Type is also text/plain. */
static void
test_bad_content_type (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Content-Type: garbage\n\nbody");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);

  g_assert_cmpstr (pigeon_mime_part_get_mime_type (root), ==, "text/plain");
  g_assert_true (pigeon_mime_part_get_flags (root) & PIGEON_MIME_PART_BAD_CONTENT_TYPE);
}

static const char mixed[] = "Content-Type: multipart/mixed; boundary=\"frontier\"\n"
                            "\n"
                            "This is the preamble.\n"
                            "--frontier\n"
                            "Content-Type: text/plain\n"
                            "\n"
                            "First part.\n"
                            "--frontier\n"
                            "Content-Type: application/octet-stream\n"
                            "Content-Transfer-Encoding: base64\n"
                            "Content-Disposition: attachment; filename=\"data.bin\"\n"
                            "\n"
                            "AAEC\n"
                            "--frontier--\n"
                            "This is the epilogue.\n";

/* RFC 2046 5.1.1: preamble and epilogue are not parts; the line break
 * before a delimiter belongs to the delimiter. */
static void
test_multipart_mixed (void)
{
  g_autoptr (PigeonMimeMessage) message = parse (mixed);
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  PigeonMimePart *text, *attachment;
  g_autoptr (GBytes) data = NULL;

  g_assert_cmpstr (pigeon_mime_part_get_mime_type (root), ==, "multipart/mixed");
  g_assert_true (pigeon_mime_part_is_multipart (root));
  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 2);
  text = pigeon_mime_part_get_child (root, 0);
  attachment = pigeon_mime_part_get_child (root, 1);
  assert_body (text, "First part.");
  g_assert_false (pigeon_mime_part_is_attachment (text));

  g_assert_true (pigeon_mime_part_is_attachment (attachment));
  g_assert_cmpstr (pigeon_mime_part_get_filename (attachment), ==, "data.bin");
  data = pigeon_mime_part_decode (attachment);
  g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data), "\x00\x01\x02", 3);
  g_assert_cmpint (pigeon_mime_part_get_flags (root), ==, PIGEON_MIME_PART_FLAGS_NONE);
  g_assert_cmpuint (pigeon_mime_message_get_n_parts (message), ==, 3);
}

/* An outer boundary that is a prefix of the inner one, and the reverse:
 * a delimiter must be followed by "--", whitespace or the line end. */
static void
test_boundary_prefix (void)
{
  static const char text[] = "Content-Type: multipart/mixed; boundary=\"abc\"\n"
                             "\n"
                             "--abc\n"
                             "Content-Type: multipart/alternative; boundary=\"abcdef\"\n"
                             "\n"
                             "--abcdef\n"
                             "\n"
                             "inner one\n"
                             "--abcdef\n"
                             "\n"
                             "inner two\n"
                             "--abcdef--\n"
                             "--abc\n"
                             "Content-Type: multipart/related; boundary=ab\n"
                             "\n"
                             "--ab\n"
                             "\n"
                             "deep\n"
                             "--ab--\n"
                             "--abc--\n";
  g_autoptr (PigeonMimeMessage) message = parse (text);
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  PigeonMimePart *alternative = pigeon_mime_part_get_child (root, 0);
  PigeonMimePart *related = pigeon_mime_part_get_child (root, 1);

  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 2);
  g_assert_cmpuint (pigeon_mime_part_get_n_children (alternative), ==, 2);
  assert_body (pigeon_mime_part_get_child (alternative, 0), "inner one");
  assert_body (pigeon_mime_part_get_child (alternative, 1), "inner two");
  g_assert_cmpuint (pigeon_mime_part_get_n_children (related), ==, 1);
  assert_body (pigeon_mime_part_get_child (related, 0), "deep");
}

/* A missing close delimiter: the last part runs to the end of the input. */
static void
test_missing_final_boundary (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Content-Type: multipart/mixed; boundary=b\n"
                                                 "\n"
                                                 "--b\n"
                                                 "\n"
                                                 "one\n"
                                                 "--b\n"
                                                 "\n"
                                                 "two\n"
                                                 "and the rest\n");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);

  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 2);
  assert_body (pigeon_mime_part_get_child (root, 1), "two\r\nand the rest\r\n");
  g_assert_true (pigeon_mime_part_get_flags (root) & PIGEON_MIME_PART_UNTERMINATED);
}

/* RFC 2046 5.1.2: an enclosing boundary ends an inner multipart that was
 * never closed. */
static void
test_outer_boundary_ends_inner (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Content-Type: multipart/mixed; boundary=outer\n"
                                                 "\n"
                                                 "--outer\n"
                                                 "Content-Type: multipart/alternative; boundary=inner\n"
                                                 "\n"
                                                 "--inner\n"
                                                 "\n"
                                                 "unclosed\n"
                                                 "--outer\n"
                                                 "\n"
                                                 "second\n"
                                                 "--outer--\n");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  PigeonMimePart *inner = pigeon_mime_part_get_child (root, 0);

  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 2);
  g_assert_cmpuint (pigeon_mime_part_get_n_children (inner), ==, 1);
  assert_body (pigeon_mime_part_get_child (inner, 0), "unclosed");
  g_assert_true (pigeon_mime_part_get_flags (inner) & PIGEON_MIME_PART_UNTERMINATED);
  assert_body (pigeon_mime_part_get_child (root, 1), "second");
}

/* RFC 2046 5.1.1: transport padding after a delimiter. */
static void
test_transport_padding (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Content-Type: multipart/mixed; boundary=b\n"
                                                 "\n"
                                                 "--b  \t\n"
                                                 "\n"
                                                 "one\n"
                                                 "--b-- \n");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);

  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 1);
  assert_body (pigeon_mime_part_get_child (root, 0), "one");
  g_assert_false (pigeon_mime_part_get_flags (root) & PIGEON_MIME_PART_UNTERMINATED);
}

/* RFC 2046 5.1.1 allows ':' in a boundary; a delimiter line must not be
 * taken for a header field of an entity without a body. */
static void
test_boundary_with_colon (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Content-Type: multipart/mixed; boundary=\"a:b\"\n"
                                                 "\n"
                                                 "--a:b\n"
                                                 "Content-Type: text/plain\n"
                                                 "--a:b\n"
                                                 "\n"
                                                 "two\n"
                                                 "--a:b--\n");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);

  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 2);
  assert_body (pigeon_mime_part_get_child (root, 0), "");
  assert_body (pigeon_mime_part_get_child (root, 1), "two");
}

/* RFC 2046 5.1.5: in a digest, parts default to message/rfc822, and they
 * are parsed as messages. */
static void
test_digest (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Content-Type: multipart/digest; boundary=d\n"
                                                 "\n"
                                                 "--d\n"
                                                 "\n"
                                                 "Subject: first\n"
                                                 "\n"
                                                 "one\n"
                                                 "--d\n"
                                                 "Content-Type: text/plain\n"
                                                 "\n"
                                                 "not a message\n"
                                                 "--d--\n");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  PigeonMimePart *first = pigeon_mime_part_get_child (root, 0);
  PigeonMimeMessage *embedded = pigeon_mime_part_get_message (first);
  g_autofree char *subject = NULL;

  g_assert_cmpstr (pigeon_mime_part_get_mime_type (first), ==, "message/rfc822");
  g_assert_nonnull (embedded);
  subject = pigeon_mime_message_dup_subject (embedded);
  g_assert_cmpstr (subject, ==, "first");
  assert_body (pigeon_mime_message_get_root (embedded), "one");
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (pigeon_mime_part_get_child (root, 1)), ==, "text/plain");
  g_assert_cmpuint (pigeon_mime_message_get_n_parts (message), ==, 4);
}

/* message/rfc822 is parsed as a nested message, its own multiparts too. */
static void
test_message_rfc822 (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Content-Type: multipart/mixed; boundary=o\n"
                                                 "\n"
                                                 "--o\n"
                                                 "Content-Type: message/rfc822\n"
                                                 "\n"
                                                 "Subject: inner\n"
                                                 "Content-Type: multipart/alternative; boundary=i\n"
                                                 "\n"
                                                 "--i\n"
                                                 "\n"
                                                 "plain\n"
                                                 "--i\n"
                                                 "Content-Type: text/html\n"
                                                 "\n"
                                                 "<p>html</p>\n"
                                                 "--i--\n"
                                                 "--o--\n");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  PigeonMimePart *wrapper = pigeon_mime_part_get_child (root, 0);
  PigeonMimeMessage *inner = pigeon_mime_part_get_message (wrapper);
  PigeonMimePart *alternative = pigeon_mime_message_get_root (inner);

  g_assert_cmpuint (pigeon_mime_part_get_n_children (alternative), ==, 2);
  assert_body (pigeon_mime_part_get_child (alternative, 1), "<p>html</p>");
  g_assert_false (pigeon_mime_part_is_attachment (wrapper));

  /* IMAP numbering (RFC 3501 6.4.5): 1.2 goes into the embedded message. */
  g_assert_true (pigeon_mime_part_find (root, "1") == wrapper);
  g_assert_true (pigeon_mime_part_find (root, "1.2") == pigeon_mime_part_get_child (alternative, 1));
  g_assert_null (pigeon_mime_part_find (root, "1.3"));
  g_assert_null (pigeon_mime_part_find (root, "2"));
  g_assert_null (pigeon_mime_part_find (root, "1.x"));
  g_assert_true (pigeon_mime_part_find (root, "") == root);
}

/* RFC 2046 5.2.1 forbids encoding message/rfc822, but it happens: such a
 * body is decoded and parsed when asked for. */
static void
test_message_rfc822_encoded (void)
{
  g_autofree char *encoded = g_base64_encode ((const guchar *) "Subject: packed\r\n\r\nhidden\r\n", 27);
  g_autofree char *text = g_strdup_printf ("Content-Type: multipart/mixed; boundary=o\n"
                                           "\n"
                                           "--o\n"
                                           "Content-Type: message/rfc822\n"
                                           "Content-Transfer-Encoding: base64\n"
                                           "\n"
                                           "%s\n"
                                           "--o--\n",
                                           encoded);
  g_autoptr (PigeonMimeMessage) message = parse (text);
  PigeonMimePart *wrapper = pigeon_mime_part_get_child (pigeon_mime_message_get_root (message), 0);
  PigeonMimeMessage *inner = pigeon_mime_part_get_message (wrapper);
  g_autofree char *subject = NULL;

  g_assert_nonnull (inner);
  subject = pigeon_mime_message_dup_subject (inner);
  g_assert_cmpstr (subject, ==, "packed");
  assert_body (pigeon_mime_message_get_root (inner), "hidden\r\n");
}

/* Every RFC 2046 type: the multipart subtypes have children, the rest are
 * leaves (message/partial and message/external-body included). */
static void
test_all_types (void)
{
  static const char *const multiparts[] = { "mixed", "parallel", "alternative", "related", "signed", "x-unknown" };
  static const char *const leaves[] = { "text/html",
                                        "image/png",
                                        "video/mp4",
                                        "audio/ogg",
                                        "application/pdf",
                                        "message/partial",
                                        "message/external-body",
                                        "model/x-whatever" };

  for (guint i = 0; i < G_N_ELEMENTS (multiparts); i++)
    {
      g_autofree char *text =
          g_strdup_printf ("Content-Type: multipart/%s; boundary=b\n\n--b\n\nx\n--b--\n", multiparts[i]);
      g_autoptr (PigeonMimeMessage) message = parse (text);

      g_assert_cmpuint (pigeon_mime_part_get_n_children (pigeon_mime_message_get_root (message)), ==, 1);
    }

  for (guint i = 0; i < G_N_ELEMENTS (leaves); i++)
    {
      g_autofree char *text = g_strdup_printf ("Content-Type: %s; id=\"x\"; number=1\n\n--b\nbody\n", leaves[i]);
      g_autoptr (PigeonMimeMessage) message = parse (text);
      PigeonMimePart *root = pigeon_mime_message_get_root (message);

      g_assert_cmpstr (pigeon_mime_part_get_mime_type (root), ==, leaves[i]);
      g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 0);
      g_assert_null (pigeon_mime_part_get_message (root));
      assert_body (root, "--b\r\nbody\r\n");
    }
}

/* A multipart without a boundary cannot be split: it stays one leaf. */
static void
test_multipart_without_boundary (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Content-Type: multipart/mixed\n\n--b\n\nx\n");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);

  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 0);
  g_assert_true (pigeon_mime_part_get_flags (root) & PIGEON_MIME_PART_NO_BOUNDARY);
  g_assert_false (pigeon_mime_part_is_multipart (root));
}

/* A line that is not a field ends the header block, even without the
 * empty line (RFC 7103 7.1); an mbox "From " line in front is skipped. */
static void
test_lenient_header_block (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("From alice@example.org Sat Nov 28 10:00:00 2026\n"
                                                 "Subject : obsolete spacing\n"
                                                 "this line is body\n"
                                                 "and so is this: one\n");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  g_autofree char *subject = pigeon_mime_message_dup_subject (message);

  g_assert_cmpuint (pigeon_mime_part_get_n_headers (root), ==, 1);
  g_assert_cmpstr (subject, ==, "obsolete spacing");
  assert_body (root, "this line is body\r\nand so is this: one\r\n");
}

static void
test_empty_input (void)
{
  g_autoptr (GBytes) bytes = g_bytes_new (NULL, 0);
  g_autoptr (PigeonMimeMessage) message = pigeon_mime_message_new_from_bytes (bytes, NULL);
  PigeonMimePart *root = pigeon_mime_message_get_root (message);

  g_assert_cmpstr (pigeon_mime_part_get_mime_type (root), ==, "text/plain");
  g_assert_cmpuint (pigeon_mime_part_get_n_headers (root), ==, 0);
  assert_body (root, "");
}

/* 150 nested multiparts: the parser stops nesting at max_depth (100) and
 * keeps the rest as one flagged leaf. It must not recurse per level. */
static void
test_limit_depth (void)
{
  GString *s = g_string_new (NULL);
  g_autoptr (PigeonMimeMessage) message = NULL;
  PigeonMimePart *part;
  guint depth = 0;

  for (int i = 0; i < 150; i++)
    g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
  g_string_append (s, "\ninnermost\n");
  message = parse (s->str);
  g_string_free (s, TRUE);

  part = pigeon_mime_message_get_root (message);
  while (pigeon_mime_part_get_n_children (part) > 0)
    {
      part = pigeon_mime_part_get_child (part, 0);
      depth++;
    }
  g_assert_cmpuint (depth, ==, PIGEON_MIME_DEFAULT_MAX_DEPTH);
  g_assert_true (pigeon_mime_part_get_flags (part) & PIGEON_MIME_PART_LIMIT_REACHED);
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (part), ==, "multipart/mixed");
}

/* 12,000 parts: 10,000 are parsed, the rest is one opaque leaf. */
static void
test_limit_parts (void)
{
  GString *s = g_string_new ("Content-Type: multipart/mixed; boundary=b\n\n");
  g_autoptr (PigeonMimeMessage) message = NULL;
  PigeonMimePart *root, *last;
  guint n;

  for (int i = 0; i < 12000; i++)
    g_string_append_printf (s, "--b\n\npart %d\n", i);
  g_string_append (s, "--b--\n");
  message = parse (s->str);
  g_string_free (s, TRUE);

  root = pigeon_mime_message_get_root (message);
  n = pigeon_mime_part_get_n_children (root);
  g_assert_cmpuint (pigeon_mime_message_get_n_parts (message), ==, PIGEON_MIME_DEFAULT_MAX_PARTS + 1);
  last = pigeon_mime_part_get_child (root, n - 1);
  g_assert_true (pigeon_mime_part_get_flags (last) & PIGEON_MIME_PART_LIMIT_REACHED);
  g_assert_true (pigeon_mime_part_get_flags (root) & PIGEON_MIME_PART_LIMIT_REACHED);
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (last), ==, "application/octet-stream");
}

static void
test_limit_headers (void)
{
  GString *s = g_string_new (NULL);
  PigeonMimeLimits limits = *pigeon_mime_limits_default ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (PigeonMimeMessage) message = NULL;
  PigeonMimePart *root;
  const char *value;
  gsize value_len;

  for (int i = 0; i < 300; i++)
    g_string_append_printf (s, "X-Field-%d: %d\r\n", i, i);
  g_string_append (s, "X-Long: ");
  for (int i = 0; i < 100; i++)
    g_string_append (s, "0123456789\r\n ");
  g_string_append (s, "end\r\n\r\nbody");
  bytes = g_string_free_to_bytes (s);

  limits.max_headers = 301;
  limits.max_header_size = 200;
  message = pigeon_mime_message_new_from_bytes (bytes, &limits);
  root = pigeon_mime_message_get_root (message);

  g_assert_cmpuint (pigeon_mime_part_get_n_headers (root), ==, 301);
  pigeon_mime_part_get_header_at (root, 300, NULL, &value, &value_len);
  g_assert_cmpuint (value_len, <=, 200);
  g_assert_true (pigeon_mime_part_get_flags (root) & PIGEON_MIME_PART_HEADERS_TRUNCATED);
  assert_body (root, "body");
}

/* Content-Transfer-Encoding applied on decode; text converted to UTF-8. */
static void
test_text_decoding (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("Content-Type: text/plain; charset=ISO-8859-1\n"
                                                 "Content-Transfer-Encoding: Quoted-Printable\n"
                                                 "\n"
                                                 "caf=E9\n");
  PigeonMimePart *root = pigeon_mime_message_get_root (message);
  gboolean fallback = TRUE;
  g_autofree char *text = pigeon_mime_part_get_text (root, &fallback);

  g_assert_cmpint (pigeon_mime_part_get_encoding (root), ==, PIGEON_MIME_ENCODING_QUOTED_PRINTABLE);
  g_assert_cmpstr (pigeon_mime_part_get_charset (root), ==, "iso-8859-1");
  g_assert_cmpstr (text, ==, "café\r\n");
  g_assert_false (fallback);
}

static void
test_message_fields (void)
{
  g_autoptr (PigeonMimeMessage) message = parse ("From: \"Doe, Jane\" <jane@example.org>\n"
                                                 "To: Team: a@x.org, b@y.org;, c@z.org\n"
                                                 "Date: Sat, 28 Nov 2026 15:20:00 +0100\n"
                                                 "Message-ID: <abc@example.org>\n"
                                                 "In-Reply-To: <parent@example.org>\n"
                                                 "References: <root@example.org>\n"
                                                 "  <parent@example.org>\n"
                                                 "Content-ID: <part1@example.org>\n"
                                                 "Content-Description: =?utf-8?q?caf=C3=A9?= menu\n"
                                                 "\n"
                                                 "x");
  g_autoptr (GPtrArray) from = pigeon_mime_message_get_addresses (message, "From");
  g_autoptr (GPtrArray) to = pigeon_mime_message_get_addresses (message, "To");
  g_autoptr (GPtrArray) cc = pigeon_mime_message_get_addresses (message, "Cc");
  g_autofree char *message_id = pigeon_mime_message_dup_message_id (message);
  g_autofree char *content_id = pigeon_mime_part_dup_content_id (pigeon_mime_message_get_root (message));
  g_autofree char *description = pigeon_mime_part_dup_description (pigeon_mime_message_get_root (message));
  g_auto (GStrv) references = pigeon_mime_message_get_msg_ids (message, "References");
  gint64 date;
  int tz;

  g_assert_cmpuint (from->len, ==, 1);
  g_assert_cmpstr (((PigeonMimeAddress *) from->pdata[0])->name, ==, "Doe, Jane");
  g_assert_cmpstr (((PigeonMimeAddress *) from->pdata[0])->address, ==, "jane@example.org");
  g_assert_cmpuint (to->len, ==, 3);
  g_assert_cmpstr (((PigeonMimeAddress *) to->pdata[1])->group, ==, "Team");
  g_assert_cmpuint (cc->len, ==, 0);
  g_assert_true (pigeon_mime_message_get_date (message, &date, &tz));
  g_assert_cmpint (date, ==, 1795875600);
  g_assert_cmpint (tz, ==, 60);
  g_assert_cmpstr (message_id, ==, "abc@example.org");
  g_assert_cmpstr (content_id, ==, "part1@example.org");
  g_assert_cmpstr (description, ==, "café menu");
  g_assert_cmpuint (g_strv_length (references), ==, 2);
  g_assert_cmpstr (references[1], ==, "parent@example.org");
}

static void
test_stream (void)
{
  g_autoptr (GInputStream) stream = g_memory_input_stream_new_from_data (mixed, sizeof mixed - 1, NULL);
  g_autoptr (GInputStream) big = g_memory_input_stream_new_from_data (mixed, sizeof mixed - 1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMimeMessage) message = pigeon_mime_message_new_from_stream (stream, 1 << 20, NULL, &error);
  g_autoptr (PigeonMimeMessage) too_big = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (pigeon_mime_part_get_n_children (pigeon_mime_message_get_root (message)), ==, 2);

  too_big = pigeon_mime_message_new_from_stream (big, 100, NULL, &error);
  g_assert_null (too_big);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/parser/crlf-and-lf", test_simple_crlf_and_lf);
  g_test_add_func ("/mime/parser/header-order-kept", test_header_order_kept);
  g_test_add_func ("/mime/parser/default-content-type", test_default_content_type);
  g_test_add_func ("/mime/parser/bad-content-type", test_bad_content_type);
  g_test_add_func ("/mime/parser/multipart-mixed", test_multipart_mixed);
  g_test_add_func ("/mime/parser/boundary-prefix", test_boundary_prefix);
  g_test_add_func ("/mime/parser/missing-final-boundary", test_missing_final_boundary);
  g_test_add_func ("/mime/parser/outer-boundary-ends-inner", test_outer_boundary_ends_inner);
  g_test_add_func ("/mime/parser/transport-padding", test_transport_padding);
  g_test_add_func ("/mime/parser/boundary-with-colon", test_boundary_with_colon);
  g_test_add_func ("/mime/parser/digest", test_digest);
  g_test_add_func ("/mime/parser/message-rfc822", test_message_rfc822);
  g_test_add_func ("/mime/parser/message-rfc822-encoded", test_message_rfc822_encoded);
  g_test_add_func ("/mime/parser/all-types", test_all_types);
  g_test_add_func ("/mime/parser/multipart-without-boundary", test_multipart_without_boundary);
  g_test_add_func ("/mime/parser/lenient-header-block", test_lenient_header_block);
  g_test_add_func ("/mime/parser/empty-input", test_empty_input);
  g_test_add_func ("/mime/parser/limits/depth", test_limit_depth);
  g_test_add_func ("/mime/parser/limits/parts", test_limit_parts);
  g_test_add_func ("/mime/parser/limits/headers", test_limit_headers);
  g_test_add_func ("/mime/parser/text-decoding", test_text_decoding);
  g_test_add_func ("/mime/parser/message-fields", test_message_fields);
  g_test_add_func ("/mime/parser/stream", test_stream);

  return g_test_run ();
}
