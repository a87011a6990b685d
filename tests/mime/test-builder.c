/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "pigeon-mime.h"

#define DATE 1795875600 /* Sat, 28 Nov 2026 15:20:00 +0100 */
#define TZ 60

/* RFC 5322 2.1.1 and 2.3: every line ends in CRLF and has at most 998
 * octets; no CR or LF elsewhere; by default every octet is 7-bit. */
static void
assert_well_formed (GBytes *message, gboolean seven_bit)
{
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  gsize line_start = 0;

  g_assert_cmpuint (len, >=, 2);
  g_assert_cmpmem (data + len - 2, 2, "\r\n", 2);
  for (gsize i = 0; i < len; i++)
    {
      if (seven_bit)
        g_assert_cmpuint ((guchar) data[i], <, 0x80);
      g_assert_cmpuint ((guchar) data[i], !=, 0);
      if (data[i] == '\r')
        {
          g_assert_cmpuint (i + 1, <, len);
          g_assert_cmpint (data[i + 1], ==, '\n');
          g_assert_cmpuint (i - line_start, <=, 998);
        }
      else if (data[i] == '\n')
        {
          g_assert_cmpuint (i, >, 0);
          g_assert_cmpint (data[i - 1], ==, '\r');
          line_start = i + 1;
        }
    }
}

static PigeonMimeBuilder *
builder_new (void)
{
  PigeonMimeBuilder *builder = pigeon_mime_builder_new ();
  g_autoptr (PigeonMimeAddress) from = pigeon_mime_address_new ("Alice", "alice@example.org");
  g_autoptr (PigeonMimeAddress) to = pigeon_mime_address_new (NULL, "bob@example.org");

  pigeon_mime_builder_set_from (builder, from);
  pigeon_mime_builder_add_to (builder, to);
  pigeon_mime_builder_set_date (builder, DATE, TZ);
  pigeon_mime_builder_set_message_id (builder, "1@example.org");
  return builder;
}

static GBytes *
build (PigeonMimeBuilder *builder)
{
  g_autoptr (GError) error = NULL;
  GBytes *message = pigeon_mime_builder_build (builder, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  assert_well_formed (message, TRUE);
  return message;
}

static char *
to_string (GBytes *bytes)
{
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* The header block of @message, up to the empty line. */
static char *
header_block (GBytes *message)
{
  g_autofree char *text = to_string (message);
  const char *end = strstr (text, "\r\n\r\n");

  g_assert_nonnull (end);
  return g_strndup (text, end - text + 2);
}

static PigeonMimeMessage *
parse (GBytes *message)
{
  return pigeon_mime_message_new_from_bytes (message, NULL);
}

static void
test_text_only (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autofree char *text = NULL;

  pigeon_mime_builder_set_subject (builder, "Hello");
  pigeon_mime_builder_set_text (builder, "Hello\nWorld");
  message = build (builder);
  text = to_string (message);
  g_assert_cmpstr (text, ==,
                   "Date: Sat, 28 Nov 2026 15:20:00 +0100\r\n"
                   "From: Alice <alice@example.org>\r\n"
                   "To: bob@example.org\r\n"
                   "Subject: Hello\r\n"
                   "Message-ID: <1@example.org>\r\n"
                   "MIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=us-ascii\r\n"
                   "Content-Transfer-Encoding: 7bit\r\n"
                   "\r\n"
                   "Hello\r\nWorld\r\n");
  g_assert_cmpint (pigeon_mime_builder_get_transport (builder), ==, PIGEON_MIME_TRANSPORT_NONE);
}

static void
test_bcc_not_in_header (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (PigeonMimeAddress) bcc = pigeon_mime_address_new ("Secret Sam", "sam@hidden.example");
  g_autoptr (GBytes) message = NULL;
  g_autofree char *text = NULL;
  g_autofree char *lower = NULL;
  g_auto (GStrv) envelope = NULL;

  pigeon_mime_builder_add_bcc (builder, bcc);
  pigeon_mime_builder_set_text (builder, "hi");
  message = build (builder);
  text = to_string (message);
  lower = g_ascii_strdown (text, -1);
  g_assert_null (strstr (lower, "bcc"));
  g_assert_null (strstr (lower, "sam@hidden.example"));
  g_assert_null (strstr (lower, "secret sam"));

  envelope = pigeon_mime_builder_dup_envelope_recipients (builder);
  g_assert_cmpstrv (envelope, ((const char *[]){ "bob@example.org", "sam@hidden.example", NULL }));
}

/* RFC 5322 3.6.3: with Bcc only, To says the recipients are undisclosed. */
static void
test_bcc_only (void)
{
  g_autoptr (PigeonMimeBuilder) builder = pigeon_mime_builder_new ();
  g_autoptr (PigeonMimeAddress) from = pigeon_mime_address_new (NULL, "alice@example.org");
  g_autoptr (PigeonMimeAddress) bcc = pigeon_mime_address_new (NULL, "sam@hidden.example");
  g_autoptr (GBytes) message = NULL;
  g_autofree char *header = NULL;

  pigeon_mime_builder_set_from (builder, from);
  pigeon_mime_builder_add_bcc (builder, bcc);
  message = build (builder);
  header = header_block (message);
  g_assert_nonnull (strstr (header, "\r\nTo: undisclosed-recipients:;\r\n"));
  g_assert_null (strstr (header, "sam@"));
}

static void
add (PigeonMimeBuilder *builder,
     void (*add_func) (PigeonMimeBuilder *, const PigeonMimeAddress *),
     const char *name,
     const char *address)
{
  g_autoptr (PigeonMimeAddress) a = pigeon_mime_address_new (name, address);

  add_func (builder, a);
}

static void
test_envelope_recipients (void)
{
  g_autoptr (PigeonMimeBuilder) builder = pigeon_mime_builder_new ();
  g_autoptr (PigeonMimeAddress) group = pigeon_mime_address_new (NULL, NULL);
  g_auto (GStrv) envelope = NULL;

  group->group = g_strdup ("undisclosed-recipients");
  add (builder, pigeon_mime_builder_add_to, "Bob", "bob@example.org");
  add (builder, pigeon_mime_builder_add_to, NULL, "carol@example.org");
  pigeon_mime_builder_add_to (builder, group);
  add (builder, pigeon_mime_builder_add_cc, "Bob again", "BOB@Example.ORG");
  add (builder, pigeon_mime_builder_add_cc, NULL, "dave@example.org");
  add (builder, pigeon_mime_builder_add_bcc, NULL, "Carol@example.org");
  add (builder, pigeon_mime_builder_add_bcc, NULL, "eve@example.org");
  add (builder, pigeon_mime_builder_add_reply_to, NULL, "list@example.org");

  envelope = pigeon_mime_builder_dup_envelope_recipients (builder);
  g_assert_cmpstrv (envelope, ((const char *[]){ "bob@example.org", "carol@example.org", "dave@example.org",
                                                 "eve@example.org", NULL }));
}

static void
assert_build_fails (PigeonMimeBuilder *builder, GQuark domain, int code, const char *in_message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) message = pigeon_mime_builder_build (builder, &error);

  g_assert_null (message);
  g_assert_error (error, domain, code);
  if (in_message != NULL && strstr (error->message, in_message) == NULL)
    g_error ("“%s” is not in the error “%s”", in_message, error->message);
}

/* Puts @bad into one field of @builder and returns that field's name. */
typedef const char *(*InjectFunc) (PigeonMimeBuilder *builder, const char *bad);

static const char *
inject_subject (PigeonMimeBuilder *builder, const char *bad)
{
  pigeon_mime_builder_set_subject (builder, bad);
  return "Subject";
}

static const char *
inject_from_name (PigeonMimeBuilder *builder, const char *bad)
{
  g_autoptr (PigeonMimeAddress) from = pigeon_mime_address_new (bad, "alice@example.org");

  pigeon_mime_builder_set_from (builder, from);
  return "From";
}

static const char *
inject_to_address (PigeonMimeBuilder *builder, const char *bad)
{
  add (builder, pigeon_mime_builder_add_to, NULL, bad);
  return "To";
}

static const char *
inject_cc_name (PigeonMimeBuilder *builder, const char *bad)
{
  add (builder, pigeon_mime_builder_add_cc, bad, "carol@example.org");
  return "Cc";
}

static const char *
inject_reply_to_address (PigeonMimeBuilder *builder, const char *bad)
{
  add (builder, pigeon_mime_builder_add_reply_to, NULL, bad);
  return "Reply-To";
}

static const char *
inject_user_agent (PigeonMimeBuilder *builder, const char *bad)
{
  pigeon_mime_builder_set_user_agent (builder, bad);
  return "User-Agent";
}

static const char *
inject_extra_value (PigeonMimeBuilder *builder, const char *bad)
{
  pigeon_mime_builder_add_header (builder, "List-Id", bad);
  return "List-Id";
}

static const char *
inject_filename (PigeonMimeBuilder *builder, const char *bad)
{
  g_autoptr (GBytes) data = g_bytes_new_static ("x", 1);

  pigeon_mime_builder_add_attachment_bytes (builder, data, bad, NULL);
  return "Attachment name";
}

/* RFC 5322 2.2: a CR or LF in a value would start a new field. */
static void
test_header_injection_rejected (void)
{
  struct
  {
    InjectFunc inject;
    const char *bad;
  } cases[] = {
    { inject_subject, "Hi\r\nBcc: victim@example.org" },
    { inject_subject, "Hi\nX-Evil: 1" },
    { inject_subject, "Hi\rX-Evil: 1" },
    { inject_subject, "Grüße\r\nBcc: victim@example.org" },
    { inject_from_name, "Alice\r\nBcc: victim@example.org" },
    { inject_to_address, "bob@example.org\r\nBcc: victim@example.org" },
    { inject_cc_name, "Carol\nX-Evil: 1" },
    { inject_reply_to_address, "r@example.org\nX-Evil: 1" },
    { inject_user_agent, "Pigeon\r\nX-Evil: 1" },
    { inject_extra_value, "list\r\nX-Evil: 1" },
    { inject_filename, "a.txt\r\nX-Evil: 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PigeonMimeBuilder) builder = builder_new ();
      const char *field = cases[i].inject (builder, cases[i].bad);

      g_test_message ("case %u: %s", i, field);
      assert_build_fails (builder, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, field);
      assert_build_fails (builder, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line break");
    }
}

static void
test_invalid_fields (void)
{
  const char *bad_addresses[] = { "bob",
                                  "@example.org",
                                  "bob@",
                                  "bob smith@example.org",
                                  "<bob@example.org>",
                                  "a@b.org, c@d.org",
                                  "bob\x01@example.org",
                                  "bob@exa\x7fmple.org" };
  const char *bad_names[] = {
    "X Evil",       "X:Evil",     "",    "Bcc", "bcc", "Content-Type", "content-transfer-encoding",
    "MIME-Version", "Message-ID", "From"
  };
  g_autoptr (PigeonMimeBuilder) no_from = pigeon_mime_builder_new ();

  assert_build_fails (no_from, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "From");
  for (guint i = 0; i < G_N_ELEMENTS (bad_addresses); i++)
    {
      g_autoptr (PigeonMimeBuilder) builder = builder_new ();

      add (builder, pigeon_mime_builder_add_cc, NULL, bad_addresses[i]);
      assert_build_fails (builder, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "is not an email address");
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr (PigeonMimeBuilder) builder = builder_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) message = NULL;

      pigeon_mime_builder_add_header (builder, bad_names[i], "x");
      message = pigeon_mime_builder_build (builder, &error);
      g_assert_null (message);
      g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA) ||
                     g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT));
    }
  {
    g_autoptr (PigeonMimeBuilder) builder = builder_new ();

    pigeon_mime_builder_set_in_reply_to (builder, "no-at-sign");
    assert_build_fails (builder, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "In-Reply-To");
  }
  {
    g_autoptr (PigeonMimeBuilder) builder = builder_new ();
    g_autoptr (GBytes) data = g_bytes_new_static ("x", 1);

    pigeon_mime_builder_add_attachment_bytes (builder, data, "x.bin", "not a type");
    assert_build_fails (builder, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a type");
  }
}

static void
test_extra_headers (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autofree char *header = NULL;

  pigeon_mime_builder_set_user_agent (builder, "Pigeon/0.1");
  pigeon_mime_builder_add_header (builder, "X-Priority", "1");
  pigeon_mime_builder_add_header (builder, "X-Note", "café");
  message = build (builder);
  header = header_block (message);
  g_assert_nonnull (strstr (header, "\r\nUser-Agent: Pigeon/0.1\r\nX-Priority: 1\r\nX-Note: =?UTF-8?"));
  g_assert_true (strstr (header, "X-Priority") < strstr (header, "MIME-Version: 1.0\r\n"));
}

/* The unfolded value of the first field @name in @message. */
static char *
field_value (GBytes *message, const char *name)
{
  g_autoptr (PigeonMimeMessage) parsed = parse (message);

  return pigeon_mime_part_dup_header (pigeon_mime_message_get_root (parsed), name);
}

/* RFC 2047 words, folded at 78 columns (RFC 5322 2.1.1). */
static void
test_subject_rfc2047 (void)
{
  const char *subject = "Grüße aus Köln — ein ziemlich langer Betreff, der über mehrere Zeilen gefaltet werden muss, "
                        "mit Umlauten: äöü ÄÖÜ ß und 日本語のテキスト";
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_autofree char *header = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *decoded = NULL;
  g_auto (GStrv) lines = NULL;

  pigeon_mime_builder_set_subject (builder, subject);
  message = build (builder);
  header = header_block (message);
  lines = g_strsplit (header, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_cmpuint (strlen (lines[i]), <=, 78);

  raw = field_value (message, "Subject");
  g_assert_true (g_str_has_prefix (raw, "=?UTF-8?"));
  parsed = parse (message);
  decoded = pigeon_mime_message_dup_subject (parsed);
  g_assert_cmpstr (decoded, ==, subject);
}

static void
test_address_encoding (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_autoptr (GPtrArray) cc = NULL;
  const PigeonMimeAddress *first;
  const PigeonMimeAddress *second;

  add (builder, pigeon_mime_builder_add_cc, "Jürgen Müller", "jm@example.org");
  add (builder, pigeon_mime_builder_add_cc, "Smith, John", "js@example.org");
  message = build (builder);
  parsed = parse (message);
  cc = pigeon_mime_message_get_addresses (parsed, "Cc");
  g_assert_cmpuint (cc->len, ==, 2);
  first = g_ptr_array_index (cc, 0);
  second = g_ptr_array_index (cc, 1);
  g_assert_cmpstr (first->name, ==, "Jürgen Müller");
  g_assert_cmpstr (first->address, ==, "jm@example.org");
  g_assert_cmpstr (second->name, ==, "Smith, John");
  g_assert_cmpstr (second->address, ==, "js@example.org");
}

/* RFC 5890: a non-ASCII domain goes in its ASCII form and needs no
 * SMTPUTF8; a non-ASCII local part does (RFC 6531). */
static void
test_international_addresses (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *header = NULL;
  g_auto (GStrv) envelope = NULL;

  add (builder, pigeon_mime_builder_add_cc, NULL, "user@bücher.example");
  message = build (builder);
  header = header_block (message);
  g_assert_nonnull (strstr (header, "Cc: user@xn--bcher-kva.example\r\n"));
  g_assert_cmpint (pigeon_mime_builder_get_transport (builder), ==, PIGEON_MIME_TRANSPORT_NONE);
  envelope = pigeon_mime_builder_dup_envelope_recipients (builder);
  g_assert_cmpstr (envelope[1], ==, "user@xn--bcher-kva.example");
  g_clear_pointer (&message, g_bytes_unref);

  add (builder, pigeon_mime_builder_add_to, NULL, "jürgen@example.org");
  message = pigeon_mime_builder_build (builder, &error);
  g_assert_no_error (error);
  assert_well_formed (message, FALSE);
  g_assert_cmpint (pigeon_mime_builder_get_transport (builder), ==, PIGEON_MIME_TRANSPORT_SMTPUTF8);
}

static void
test_message_id (void)
{
  g_autoptr (PigeonMimeBuilder) a = pigeon_mime_builder_new ();
  g_autoptr (PigeonMimeBuilder) b = pigeon_mime_builder_new ();
  g_autoptr (PigeonMimeAddress) from = pigeon_mime_address_new ("Alice", "alice@Mail.Example.ORG");
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) again = NULL;
  g_autoptr (GBytes) other = NULL;
  g_autofree char *id = NULL;
  g_autofree char *value = NULL;
  g_autofree char *value_again = NULL;
  g_autoptr (GRegex) form = g_regex_new ("^<[0-9a-f]{32}@Mail\\.Example\\.ORG>$", 0, 0, NULL);

  g_assert_null (pigeon_mime_builder_get_message_id (a));
  pigeon_mime_builder_set_from (a, from);
  pigeon_mime_builder_set_from (b, from);
  first = build (a);
  id = g_strdup (pigeon_mime_builder_get_message_id (a));
  value = field_value (first, "Message-ID");
  g_assert_true (g_regex_match (form, value, 0, NULL));
  g_assert_cmpuint (strlen (value), ==, strlen (id) + 2);
  g_assert_nonnull (strstr (value, id));

  again = build (a);
  value_again = field_value (again, "Message-ID");
  g_assert_cmpstr (value_again, ==, value);

  other = build (b);
  g_assert_cmpstr (pigeon_mime_builder_get_message_id (b), !=, id);
}

static void
test_date (void)
{
  g_autoptr (PigeonMimeBuilder) builder = pigeon_mime_builder_new ();
  g_autoptr (PigeonMimeAddress) from = pigeon_mime_address_new (NULL, "alice@example.org");
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  gint64 unix_time;
  int tz_offset;

  pigeon_mime_builder_set_from (builder, from);
  message = build (builder);
  parsed = parse (message);
  g_assert_true (pigeon_mime_message_get_date (parsed, &unix_time, &tz_offset));
  g_assert_cmpint (ABS (unix_time - g_date_time_to_unix (now)), <=, 5);
  g_assert_cmpint (tz_offset, ==, g_date_time_get_utc_offset (now) / G_TIME_SPAN_MINUTE);

  g_clear_pointer (&message, g_bytes_unref);
  g_clear_object (&parsed);
  pigeon_mime_builder_set_date (builder, DATE, -300);
  message = build (builder);
  parsed = parse (message);
  g_assert_true (pigeon_mime_message_get_date (parsed, &unix_time, &tz_offset));
  g_assert_cmpint (unix_time, ==, DATE);
  g_assert_cmpint (tz_offset, ==, -300);
}

static void
assert_reply (const char *parent_id,
              const char *const *references,
              const char *const *in_reply_to,
              const char *expected_in_reply_to,
              const char *expected_references)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autofree char *irt = NULL;
  g_autofree char *refs = NULL;

  pigeon_mime_builder_set_parent (builder, parent_id, references, in_reply_to);
  message = build (builder);
  irt = field_value (message, "In-Reply-To");
  refs = field_value (message, "References");
  g_assert_cmpstr (irt, ==, expected_in_reply_to);
  g_assert_cmpstr (refs, ==, expected_references);
}

/* RFC 5322 3.6.4. */
static void
test_reply_threading (void)
{
  const char *refs[] = { "a@x", "b@x", NULL };
  const char *one[] = { "q@x", NULL };
  const char *two[] = { "q@x", "r@x", NULL };
  const char *bad[] = { "a@x", "not an id", "<b@x>", "c@x", NULL };

  assert_reply ("p@x", refs, one, "<p@x>", "<a@x> <b@x> <p@x>");
  assert_reply ("p@x", NULL, one, "<p@x>", "<q@x> <p@x>");
  assert_reply ("p@x", NULL, two, "<p@x>", "<p@x>");
  assert_reply ("p@x", NULL, NULL, "<p@x>", "<p@x>");
  assert_reply ("p@x", bad, NULL, "<p@x>", "<a@x> <c@x> <p@x>");
}

/* Many references fold at the spaces between them. */
static void
test_long_references (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_auto (GStrv) references = NULL;
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_auto (GStrv) parsed_references = NULL;

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u.%08x@reference.example.org", i, g_str_hash (&i));

      g_strv_builder_add (ids, id);
    }
  references = g_strv_builder_end (ids);
  pigeon_mime_builder_set_references (builder, (const char *const *) references);
  message = build (builder);
  parsed = parse (message);
  parsed_references = pigeon_mime_message_get_msg_ids (parsed, "References");
  g_assert_cmpstrv (parsed_references, references);
}

static PigeonMimePart *
assert_leaf (PigeonMimePart *part, const char *mime_type, PigeonMimeEncoding encoding)
{
  g_assert_nonnull (part);
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (part), ==, mime_type);
  g_assert_cmpint (pigeon_mime_part_get_encoding (part), ==, encoding);
  return part;
}

/* The text body's encoding and charset for @text, and its decoded form. */
static void
assert_text_encoding (const char *text, PigeonMimeEncoding encoding, const char *charset, const char *expected)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  PigeonMimePart *root;
  g_autofree char *decoded = NULL;
  gboolean fallback = TRUE;

  pigeon_mime_builder_set_text (builder, text);
  message = build (builder);
  parsed = parse (message);
  root = assert_leaf (pigeon_mime_message_get_root (parsed), "text/plain", encoding);
  g_assert_cmpstr (pigeon_mime_part_get_charset (root), ==, charset);
  decoded = pigeon_mime_part_get_text (root, &fallback);
  g_assert_false (fallback);
  g_assert_cmpstr (decoded, ==, expected);
}

/* The encoding follows the content (RFC 2045 6); text is canonical, CRLF
 * line breaks (RFC 2046 4.1.1). */
static void
test_text_encodings (void)
{
  g_autofree char *long_line = g_strnfill (2000, 'a');
  g_autofree char *long_expected = g_strconcat (long_line, "\r\n", NULL);

  assert_text_encoding ("plain\r\nascii\rmixed\n", PIGEON_MIME_ENCODING_7BIT, "us-ascii",
                        "plain\r\nascii\r\nmixed\r\n");
  assert_text_encoding ("Hi,\n\nFrom now on, mbox-safe.\n", PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, "us-ascii",
                        "Hi,\r\n\r\nFrom now on, mbox-safe.\r\n");
  assert_text_encoding ("Hello Jürgen, the meeting moves to Thursday at ten.\n", PIGEON_MIME_ENCODING_QUOTED_PRINTABLE,
                        "utf-8", "Hello Jürgen, the meeting moves to Thursday at ten.\r\n");
  assert_text_encoding ("日本語のテキストです。これは長い文章です。\n", PIGEON_MIME_ENCODING_BASE64, "utf-8",
                        "日本語のテキストです。これは長い文章です。\r\n");
  assert_text_encoding (long_line, PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, "us-ascii", long_expected);
  assert_text_encoding ("", PIGEON_MIME_ENCODING_7BIT, "us-ascii", "");
}

/* RFC 6152: with 8-bit allowed, non-ASCII text goes as it is. */
static void
test_allow_8bit (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  pigeon_mime_builder_set_text (builder, "Grüße\n");
  g_clear_pointer (&message, g_bytes_unref);
  message = build (builder);
  g_assert_cmpint (pigeon_mime_builder_get_transport (builder), ==, PIGEON_MIME_TRANSPORT_NONE);
  g_clear_pointer (&message, g_bytes_unref);

  pigeon_mime_builder_set_allow_8bit (builder, TRUE);
  message = pigeon_mime_builder_build (builder, &error);
  g_assert_no_error (error);
  assert_well_formed (message, FALSE);
  g_assert_cmpint (pigeon_mime_builder_get_transport (builder), ==, PIGEON_MIME_TRANSPORT_8BITMIME);
  text = to_string (message);
  g_assert_true (g_str_has_suffix (text, "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n"));
}

static void
test_alternative (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  PigeonMimePart *root;
  g_autofree char *text = NULL;
  g_autofree char *html = NULL;

  pigeon_mime_builder_set_text (builder, "Hello *world*\n");
  pigeon_mime_builder_set_html (builder, "<p>Hello <b>world</b></p>\n");
  message = build (builder);
  parsed = parse (message);
  root = pigeon_mime_message_get_root (parsed);
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (root), ==, "multipart/alternative");
  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 2);
  text = pigeon_mime_part_get_text (
      assert_leaf (pigeon_mime_part_get_child (root, 0), "text/plain", PIGEON_MIME_ENCODING_7BIT), NULL);
  html = pigeon_mime_part_get_text (
      assert_leaf (pigeon_mime_part_get_child (root, 1), "text/html", PIGEON_MIME_ENCODING_7BIT), NULL);
  g_assert_cmpstr (text, ==, "Hello *world*\r\n");
  g_assert_cmpstr (html, ==, "<p>Hello <b>world</b></p>\r\n");
  g_assert_cmpuint (pigeon_mime_part_get_flags (root), ==, PIGEON_MIME_PART_FLAGS_NONE);
}

static void
add_bytes (PigeonMimeBuilder *builder, const char *data, gsize len, const char *filename, const char *content_type)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, len);

  pigeon_mime_builder_add_attachment_bytes (builder, bytes, filename, content_type);
}

static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89";

static void
test_structure_with_attachments (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  PigeonMimePart *root;
  PigeonMimePart *body;

  pigeon_mime_builder_set_text (builder, "See attached.\n");
  pigeon_mime_builder_set_html (builder, "<p>See attached.</p>\n");
  add_bytes (builder, png, sizeof png - 1, "dot.png", NULL);
  add_bytes (builder, "a,b\r\n1,2\r\n", 10, "table.csv", "text/csv");
  message = build (builder);
  parsed = parse (message);
  root = pigeon_mime_message_get_root (parsed);
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (root), ==, "multipart/mixed");
  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 3);
  body = pigeon_mime_part_get_child (root, 0);
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (body), ==, "multipart/alternative");
  g_assert_cmpuint (pigeon_mime_part_get_n_children (body), ==, 2);
  assert_leaf (pigeon_mime_part_get_child (root, 1), "image/png", PIGEON_MIME_ENCODING_BASE64);
  assert_leaf (pigeon_mime_part_get_child (root, 2), "text/csv", PIGEON_MIME_ENCODING_7BIT);
  g_assert_true (pigeon_mime_part_is_attachment (pigeon_mime_part_get_child (root, 1)));
  g_assert_true (pigeon_mime_part_is_attachment (pigeon_mime_part_get_child (root, 2)));
  g_assert_cmpstr (pigeon_mime_part_get_charset (pigeon_mime_part_get_child (root, 2)), ==, "us-ascii");
  g_assert_cmpuint (pigeon_mime_message_get_n_parts (parsed), ==, 6);
}

/* RFC 2046 5.2.1: an attached message is never encoded. It goes with CRLF
 * line ends as 7bit, as 8bit when allowed, and else, so that its bytes
 * still arrive intact, as application/octet-stream in base64. */
static void
test_attached_message (void)
{
  static const char ascii[] = "From: a@example.org\nSubject: hi\n\nbody\n";
  static const char eight_bit[] = "From: a@example.org\nSubject: hi\n\nd\xc3\xa9j\xc3\xa0 vu\n";

  for (guint allow = 0; allow <= 1; allow++)
    {
      g_autoptr (PigeonMimeBuilder) builder = builder_new ();
      g_autoptr (GBytes) message = NULL;
      g_autoptr (PigeonMimeMessage) parsed = NULL;
      g_autoptr (GBytes) decoded = NULL;
      PigeonMimePart *root;

      pigeon_mime_builder_set_allow_8bit (builder, allow);
      pigeon_mime_builder_set_text (builder, "Forwarded.\n");
      add_bytes (builder, ascii, sizeof ascii - 1, "one.eml", "message/rfc822");
      add_bytes (builder, eight_bit, sizeof eight_bit - 1, "two.eml", "message/rfc822");
      message = pigeon_mime_builder_build (builder, NULL);
      g_assert_nonnull (message);
      assert_well_formed (message, !allow);
      g_assert_cmpint (pigeon_mime_builder_get_transport (builder), ==,
                       allow ? PIGEON_MIME_TRANSPORT_8BITMIME : PIGEON_MIME_TRANSPORT_NONE);
      parsed = parse (message);
      root = pigeon_mime_message_get_root (parsed);
      assert_leaf (pigeon_mime_part_get_child (root, 1), "message/rfc822", PIGEON_MIME_ENCODING_7BIT);
      decoded = pigeon_mime_part_decode (pigeon_mime_part_get_child (root, 1));
      g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded),
                       "From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n", 42);
      if (allow)
        assert_leaf (pigeon_mime_part_get_child (root, 2), "message/rfc822", PIGEON_MIME_ENCODING_8BIT);
      else
        assert_leaf (pigeon_mime_part_get_child (root, 2), "application/octet-stream", PIGEON_MIME_ENCODING_BASE64);
    }
}

/* The raw, unfolded field @name of the @index'th child of the root. */
static char *
child_field (PigeonMimeMessage *parsed, guint index, const char *name)
{
  PigeonMimePart *child = pigeon_mime_part_get_child (pigeon_mime_message_get_root (parsed), index);

  return pigeon_mime_part_dup_header (child, name);
}

/* RFC 2231 filename*= for readers of the standard, RFC 2047 in a quoted
 * name= for the others. */
static void
test_filename_rfc2231 (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_autofree char *disposition = NULL;
  g_autofree char *type = NULL;
  g_autoptr (PigeonMimeContentType) parsed_type = NULL;
  g_autofree char *plain_disposition = NULL;
  PigeonMimePart *part;

  add_bytes (builder, "%PDF-1.4\n", 9, "Résumé 2026.pdf", NULL);
  add_bytes (builder, "x", 1, "notes.txt", NULL);
  message = build (builder);
  parsed = parse (message);

  disposition = child_field (parsed, 1, "Content-Disposition");
  g_assert_cmpstr (disposition, ==, "attachment; filename*=utf-8''R%C3%A9sum%C3%A9%202026.pdf");
  type = child_field (parsed, 1, "Content-Type");
  g_assert_true (g_str_has_prefix (type, "application/pdf; name=\"=?UTF-8?"));
  g_assert_true (g_str_has_suffix (type, "?= 2026.pdf\""));
  parsed_type = pigeon_mime_content_type_parse (type, strlen (type));
  g_assert_cmpstr (pigeon_mime_content_type_get_param (parsed_type, "name"), ==, "Résumé 2026.pdf");

  part = pigeon_mime_part_get_child (pigeon_mime_message_get_root (parsed), 1);
  g_assert_cmpstr (pigeon_mime_part_get_filename (part), ==, "Résumé 2026.pdf");

  plain_disposition = child_field (parsed, 2, "Content-Disposition");
  g_assert_cmpstr (plain_disposition, ==, "attachment; filename=notes.txt");
}

static void
assert_attachment_type (
    const char *data, gsize len, const char *filename, const char *content_type, const char *expected)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_autofree char *type = NULL;

  add_bytes (builder, data, len, filename, content_type);
  message = build (builder);
  parsed = parse (message);
  type = child_field (parsed, 1, "Content-Type");
  g_test_message ("%s: %s", filename, type);
  g_assert_true (g_str_has_prefix (type, expected));
  g_assert_true (type[strlen (expected)] == '\0' || type[strlen (expected)] == ';');
}

/* g_content_type_guess on the name and the data; octet-stream when
 * nothing is known (RFC 2046 4.5.1); charsets for text (RFC 2046 4.1.2). */
static void
test_content_type_guess (void)
{
  assert_attachment_type (png, sizeof png - 1, "picture.png", NULL, "image/png");
  assert_attachment_type (png, sizeof png - 1, "no-extension", NULL, "image/png");
  assert_attachment_type ("\x01\x02\x03\xff\xfe", 5, "blob.unknownext", NULL, "application/octet-stream");
  assert_attachment_type ("%PDF-1.4\n", 9, "doc.pdf", NULL, "application/pdf");
  assert_attachment_type ("hello\r\n", 7, "readme.txt", NULL, "text/plain; charset=us-ascii");
  assert_attachment_type ("Grüße\n", 7, "gruss.txt", NULL, "text/plain; charset=utf-8");
  assert_attachment_type ("caf\xe9\n", 5, "latin1.txt", NULL, "text/plain; name=\"latin1.txt\"");
  assert_attachment_type ("a,b\n", 4, "x.csv", "text/csv; charset=iso-8859-1", "text/csv; charset=iso-8859-1");
  assert_attachment_type ("x", 1, "x.dat", "Application/X-Custom", "application/x-custom");
  assert_attachment_type ("", 0, "empty.bin", NULL, "application/octet-stream");
  assert_attachment_type ("", 0, "empty.txt", NULL, "text/plain; charset=us-ascii");
}

static void
assert_attachment_round_trip (const char *data, gsize len, const char *filename, PigeonMimeEncoding encoding)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_autoptr (GBytes) decoded = NULL;
  PigeonMimePart *part;

  add_bytes (builder, data, len, filename, NULL);
  message = build (builder);
  parsed = parse (message);
  part = pigeon_mime_part_get_child (pigeon_mime_message_get_root (parsed), 1);
  g_test_message ("%s", filename);
  g_assert_cmpint (pigeon_mime_part_get_encoding (part), ==, encoding);
  decoded = pigeon_mime_part_decode (part);
  g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), data, len);
}

/* Attachments come back byte for byte, whatever the encoding chosen. */
static void
test_attachment_encodings (void)
{
  g_autoptr (GString) binary = g_string_new (NULL);
  g_autoptr (GString) long_text = g_string_new (NULL);

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (binary, (char) (i * 7 % 256));
  for (guint i = 0; i < 30; i++)
    g_string_append (long_text, "a line that is short enough for 7bit\r\n");

  assert_attachment_round_trip (binary->str, binary->len, "data.bin", PIGEON_MIME_ENCODING_BASE64);
  assert_attachment_round_trip (long_text->str, long_text->len, "crlf.txt", PIGEON_MIME_ENCODING_7BIT);
  assert_attachment_round_trip ("unix\nline\nends\n", 16, "lf.txt", PIGEON_MIME_ENCODING_BASE64);
  assert_attachment_round_trip ("bare\rcr\r\n", 9, "cr.txt", PIGEON_MIME_ENCODING_BASE64);
  assert_attachment_round_trip ("no final newline", 16, "nonl.txt", PIGEON_MIME_ENCODING_7BIT);
  assert_attachment_round_trip ("x\r\nFrom me\r\n", 12, "from.txt", PIGEON_MIME_ENCODING_QUOTED_PRINTABLE);
  assert_attachment_round_trip ("", 0, "empty.txt", PIGEON_MIME_ENCODING_7BIT);
}

/* RFC 2045 6.8: base64 lines of 76 characters. */
static void
test_base64_lines (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autofree char *zeros = g_malloc0 (1000);
  guint n_full = 0;

  add_bytes (builder, zeros, 1000, "zeros.bin", "application/octet-stream");
  message = build (builder);
  text = to_string (message);
  lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "AAAA"))
        {
          g_assert_cmpuint (strlen (lines[i]), <=, 76);
          n_full += strlen (lines[i]) == 76;
        }
    }
  g_assert_cmpuint (n_full, ==, 1336 / 76);
}

static void
test_attachment_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pigeon-builder-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "Lebenslauf März.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pdf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFile) missing_file = g_file_new_for_path (missing);
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (PigeonMimeBuilder) failing = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_autoptr (GBytes) decoded = NULL;
  PigeonMimePart *part;

  g_assert_true (g_file_set_contents (path, "Name: Alice\r\n", -1, NULL));
  pigeon_mime_builder_add_attachment_file (builder, file, NULL, NULL);
  pigeon_mime_builder_add_attachment_file (builder, file, "renamed.txt", "text/x-custom");
  message = build (builder);
  parsed = parse (message);
  part = pigeon_mime_part_get_child (pigeon_mime_message_get_root (parsed), 1);
  g_assert_cmpstr (pigeon_mime_part_get_filename (part), ==, "Lebenslauf März.txt");
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (part), ==, "text/plain");
  decoded = pigeon_mime_part_decode (part);
  g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), "Name: Alice\r\n", 13);
  part = pigeon_mime_part_get_child (pigeon_mime_message_get_root (parsed), 2);
  g_assert_cmpstr (pigeon_mime_part_get_filename (part), ==, "renamed.txt");
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (part), ==, "text/x-custom");

  pigeon_mime_builder_add_attachment_file (failing, missing_file, NULL, NULL);
  assert_build_fails (failing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, missing);

  g_remove (path);
  g_rmdir (dir);
}

/* RFC 2046 5.1.1: boundaries are random, quoted in the header, and absent
 * from the parts they delimit. */
static void
test_boundaries (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (GBytes) again = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_autoptr (PigeonMimeMessage) parsed_again = NULL;
  PigeonMimePart *root;
  const char *outer;
  const char *inner;
  const char *outer_again;
  g_autofree char *text = NULL;
  g_autofree char *delimiter = NULL;

  pigeon_mime_builder_set_text (builder, "--=_pigeon_ in the text\n");
  pigeon_mime_builder_set_html (builder, "<p>html</p>");
  add_bytes (builder, "x", 1, "x.bin", NULL);
  message = build (builder);
  again = build (builder);
  parsed = parse (message);
  parsed_again = parse (again);
  root = pigeon_mime_message_get_root (parsed);
  outer = pigeon_mime_content_type_get_param (pigeon_mime_part_get_content_type (root), "boundary");
  inner = pigeon_mime_content_type_get_param (pigeon_mime_part_get_content_type (pigeon_mime_part_get_child (root, 0)),
                                              "boundary");
  outer_again = pigeon_mime_content_type_get_param (
      pigeon_mime_part_get_content_type (pigeon_mime_message_get_root (parsed_again)), "boundary");
  g_assert_cmpstr (outer, !=, inner);
  g_assert_cmpstr (outer, !=, outer_again);
  g_assert_cmpuint (strlen (outer), >=, 30);

  text = to_string (message);
  delimiter = g_strdup_printf ("boundary=\"%s\"", outer);
  g_assert_nonnull (strstr (text, delimiter));
  for (guint i = 0; i < pigeon_mime_part_get_n_children (root); i++)
    {
      g_autoptr (GBytes) body = pigeon_mime_part_get_raw_body (pigeon_mime_part_get_child (root, i));

      g_assert_null (memmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), outer, strlen (outer)));
    }
}

/* Build, parse, and find every field, text and attachment again. */
static void
test_round_trip (void)
{
  g_autoptr (PigeonMimeBuilder) builder = pigeon_mime_builder_new ();
  g_autoptr (PigeonMimeAddress) from = pigeon_mime_address_new ("Zoë Ångström", "zoe@example.org");
  const char *parent_refs[] = { "root@example.org", NULL };
  g_autofree char *long_text = NULL;
  g_autoptr (GString) binary = g_string_new (NULL);
  g_autoptr (GBytes) message = NULL;
  g_autoptr (PigeonMimeMessage) parsed = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *id = NULL;
  g_autoptr (GPtrArray) to = NULL;
  g_autoptr (GPtrArray) cc = NULL;
  g_autoptr (GPtrArray) bcc = NULL;
  g_autoptr (GPtrArray) reply_to = NULL;
  g_auto (GStrv) in_reply_to = NULL;
  g_auto (GStrv) references = NULL;
  PigeonMimePart *root;
  PigeonMimePart *alternative;
  gint64 unix_time;
  int tz_offset;

  for (guint i = 0; i < 3000; i++)
    g_string_append_c (binary, (char) (i * 31 % 256));
  long_text = g_strconcat ("Hallo Bob,\n\nanbei die Unterlagen. Grüße!\n", "From the team.\n", NULL);

  pigeon_mime_builder_set_from (builder, from);
  add (builder, pigeon_mime_builder_add_to, "Bob Ümlaut", "bob@example.org");
  add (builder, pigeon_mime_builder_add_to, NULL, "carol@example.net");
  add (builder, pigeon_mime_builder_add_cc, "Dave \"the boss\"", "dave@example.com");
  add (builder, pigeon_mime_builder_add_bcc, NULL, "hidden@example.com");
  add (builder, pigeon_mime_builder_add_reply_to, "Team", "team@example.org");
  pigeon_mime_builder_set_subject (builder, "Re: Unterlagen für 2026 — “final”");
  pigeon_mime_builder_set_date (builder, DATE, TZ);
  pigeon_mime_builder_set_parent (builder, "parent@example.org", parent_refs, NULL);
  pigeon_mime_builder_set_text (builder, long_text);
  pigeon_mime_builder_set_html (builder, "<p>Hallo Bob,</p><p>Grüße!</p>");
  add_bytes (builder, binary->str, binary->len, "Daten (Kopie).bin", NULL);
  add_bytes (builder, png, sizeof png - 1, "Übersicht.png", NULL);
  add_bytes (builder, "col\r\n", 5, "t.csv", "text/csv");

  message = build (builder);
  parsed = parse (message);

  subject = pigeon_mime_message_dup_subject (parsed);
  g_assert_cmpstr (subject, ==, "Re: Unterlagen für 2026 — “final”");
  id = pigeon_mime_message_dup_message_id (parsed);
  g_assert_cmpstr (id, ==, pigeon_mime_builder_get_message_id (builder));
  g_assert_true (pigeon_mime_message_get_date (parsed, &unix_time, &tz_offset));
  g_assert_cmpint (unix_time, ==, DATE);
  g_assert_cmpint (tz_offset, ==, TZ);

  to = pigeon_mime_message_get_addresses (parsed, "To");
  cc = pigeon_mime_message_get_addresses (parsed, "Cc");
  bcc = pigeon_mime_message_get_addresses (parsed, "Bcc");
  reply_to = pigeon_mime_message_get_addresses (parsed, "Reply-To");
  g_assert_cmpuint (to->len, ==, 2);
  g_assert_cmpstr (((PigeonMimeAddress *) to->pdata[0])->name, ==, "Bob Ümlaut");
  g_assert_cmpstr (((PigeonMimeAddress *) to->pdata[0])->address, ==, "bob@example.org");
  g_assert_null (((PigeonMimeAddress *) to->pdata[1])->name);
  g_assert_cmpstr (((PigeonMimeAddress *) to->pdata[1])->address, ==, "carol@example.net");
  g_assert_cmpuint (cc->len, ==, 1);
  g_assert_cmpstr (((PigeonMimeAddress *) cc->pdata[0])->name, ==, "Dave \"the boss\"");
  g_assert_cmpuint (bcc->len, ==, 0);
  g_assert_cmpuint (reply_to->len, ==, 1);
  g_assert_cmpstr (((PigeonMimeAddress *) reply_to->pdata[0])->address, ==, "team@example.org");
  {
    g_autoptr (GPtrArray) from_list = pigeon_mime_message_get_addresses (parsed, "From");

    g_assert_cmpuint (from_list->len, ==, 1);
    g_assert_cmpstr (((PigeonMimeAddress *) from_list->pdata[0])->name, ==, "Zoë Ångström");
    g_assert_cmpstr (((PigeonMimeAddress *) from_list->pdata[0])->address, ==, "zoe@example.org");
  }
  in_reply_to = pigeon_mime_message_get_msg_ids (parsed, "In-Reply-To");
  references = pigeon_mime_message_get_msg_ids (parsed, "References");
  g_assert_cmpstrv (in_reply_to, ((const char *[]){ "parent@example.org", NULL }));
  g_assert_cmpstrv (references, ((const char *[]){ "root@example.org", "parent@example.org", NULL }));

  root = pigeon_mime_message_get_root (parsed);
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (root), ==, "multipart/mixed");
  g_assert_cmpuint (pigeon_mime_part_get_n_children (root), ==, 4);
  alternative = pigeon_mime_part_get_child (root, 0);
  g_assert_cmpstr (pigeon_mime_part_get_mime_type (alternative), ==, "multipart/alternative");
  {
    g_autofree char *text = pigeon_mime_part_get_text (pigeon_mime_part_get_child (alternative, 0), NULL);
    g_autofree char *html = pigeon_mime_part_get_text (pigeon_mime_part_get_child (alternative, 1), NULL);

    g_assert_cmpstr (text, ==, "Hallo Bob,\r\n\r\nanbei die Unterlagen. Grüße!\r\nFrom the team.\r\n");
    g_assert_cmpstr (html, ==, "<p>Hallo Bob,</p><p>Grüße!</p>\r\n");
  }
  {
    struct
    {
      const char *filename;
      const char *mime_type;
      const char *data;
      gsize len;
    } expected[] = {
      { "Daten (Kopie).bin", "application/octet-stream", binary->str, binary->len },
      { "Übersicht.png", "image/png", png, sizeof png - 1 },
      { "t.csv", "text/csv", "col\r\n", 5 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        PigeonMimePart *part = pigeon_mime_part_get_child (root, i + 1);
        g_autoptr (GBytes) data = pigeon_mime_part_decode (part);

        g_assert_true (pigeon_mime_part_is_attachment (part));
        g_assert_cmpstr (pigeon_mime_part_get_filename (part), ==, expected[i].filename);
        g_assert_cmpstr (pigeon_mime_part_get_mime_type (part), ==, expected[i].mime_type);
        g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data), expected[i].data, expected[i].len);
      }
  }
}

static void
build_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GBytes **message = user_data;
  g_autoptr (GError) error = NULL;

  *message = pigeon_mime_builder_build_finish (PIGEON_MIME_BUILDER (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
timed_out (gpointer user_data)
{
  g_error ("build_async did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
test_build_async (void)
{
  g_autoptr (PigeonMimeBuilder) builder = builder_new ();
  g_autoptr (GBytes) message = NULL;
  g_autoptr (GBytes) expected = NULL;
  guint timeout;

  pigeon_mime_builder_set_text (builder, "async\n");
  pigeon_mime_builder_build_async (builder, NULL, build_done, &message);
  timeout = g_timeout_add_seconds (10, timed_out, NULL);
  while (message == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  assert_well_formed (message, TRUE);
  expected = build (builder);
  g_assert_true (g_bytes_equal (message, expected));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/builder/text-only", test_text_only);
  g_test_add_func ("/mime/builder/bcc-not-in-header", test_bcc_not_in_header);
  g_test_add_func ("/mime/builder/bcc-only", test_bcc_only);
  g_test_add_func ("/mime/builder/envelope-recipients", test_envelope_recipients);
  g_test_add_func ("/mime/builder/header-injection-rejected", test_header_injection_rejected);
  g_test_add_func ("/mime/builder/invalid-fields", test_invalid_fields);
  g_test_add_func ("/mime/builder/extra-headers", test_extra_headers);
  g_test_add_func ("/mime/builder/subject-rfc2047", test_subject_rfc2047);
  g_test_add_func ("/mime/builder/address-encoding", test_address_encoding);
  g_test_add_func ("/mime/builder/international-addresses", test_international_addresses);
  g_test_add_func ("/mime/builder/message-id", test_message_id);
  g_test_add_func ("/mime/builder/date", test_date);
  g_test_add_func ("/mime/builder/reply-threading", test_reply_threading);
  g_test_add_func ("/mime/builder/long-references", test_long_references);
  g_test_add_func ("/mime/builder/text-encodings", test_text_encodings);
  g_test_add_func ("/mime/builder/allow-8bit", test_allow_8bit);
  g_test_add_func ("/mime/builder/alternative", test_alternative);
  g_test_add_func ("/mime/builder/structure-with-attachments", test_structure_with_attachments);
  g_test_add_func ("/mime/builder/filename-rfc2231", test_filename_rfc2231);
  g_test_add_func ("/mime/builder/content-type-guess", test_content_type_guess);
  g_test_add_func ("/mime/builder/attachment-encodings", test_attachment_encodings);
  g_test_add_func ("/mime/builder/attached-message", test_attached_message);
  g_test_add_func ("/mime/builder/base64-lines", test_base64_lines);
  g_test_add_func ("/mime/builder/attachment-file", test_attachment_file);
  g_test_add_func ("/mime/builder/boundaries", test_boundaries);
  g_test_add_func ("/mime/builder/round-trip", test_round_trip);
  g_test_add_func ("/mime/builder/build-async", test_build_async);

  return g_test_run ();
}
