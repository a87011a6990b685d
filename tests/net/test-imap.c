/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net-test"

#include "config.h"

#include <string.h>

#include "net-test-util.h"
#include "pigeon-mime-address.h"
#include "pigeon-mime-header.h"

/* ------------------------------------------------------------------ */
/* The response grammar                                                */

static GPtrArray *
parse (const char *text, GError **error)
{
  return pigeon_imap_parse_all ((const guint8 *) text, strlen (text), 1024 * 1024, error);
}

static void
test_parser_status (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) r = parse ("* OK [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN] Dovecot ready.\r\n"
                                   "* OK [PERMANENTFLAGS (\\Seen \\*)] Limited\r\n"
                                   "A1 NO [ALERT] Go away (really)\r\n"
                                   "+ \r\n"
                                   "* BYE\r\n",
                                   &error);
  PigeonImapResponse *first, *second, *third;

  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, 5);
  first = r->pdata[0];
  g_assert_cmpint (first->status, ==, PIGEON_IMAP_STATUS_OK);
  g_assert_cmpstr (first->code, ==, "CAPABILITY");
  g_assert_cmpuint (first->code_args->n_items, ==, 3);
  g_assert_cmpstr (first->text, ==, "Dovecot ready.");
  second = r->pdata[1];
  g_assert_cmpstr (pigeon_imap_value_string (pigeon_imap_value_nth (pigeon_imap_value_nth (second->code_args, 0), 1)),
                   ==, "\\*");
  third = r->pdata[2];
  g_assert_cmpint (third->kind, ==, PIGEON_IMAP_RESPONSE_TAGGED);
  g_assert_cmpstr (third->tag, ==, "A1");
  g_assert_cmpint (third->status, ==, PIGEON_IMAP_STATUS_NO);
  g_assert_cmpstr (third->text, ==, "Go away (really)");
  g_assert_cmpint (((PigeonImapResponse *) r->pdata[3])->kind, ==, PIGEON_IMAP_RESPONSE_CONTINUATION);
  g_assert_cmpint (((PigeonImapResponse *) r->pdata[4])->status, ==, PIGEON_IMAP_STATUS_BYE);
}

static void
test_parser_values (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) r = parse ("* 12 FETCH (UID 7 FLAGS (\\Seen $Label1) BODY[HEADER.FIELDS (FROM TO)] {11}\r\n"
                                   "From: a\r\n\r\n BODY[]<0> {0}\r\n X nil \"q\\\"uo\\\\te\" {3+}\r\nabc)\r\n",
                                   &error);
  PigeonImapResponse *fetch;
  PigeonImapValue *items;

  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, 1);
  fetch = r->pdata[0];
  g_assert_true (fetch->has_number);
  g_assert_cmpuint (fetch->number, ==, 12);
  g_assert_cmpstr (fetch->name, ==, "FETCH");
  items = pigeon_imap_value_nth (fetch->args, 0);
  g_assert_cmpuint (items->n_items, ==, 12);
  g_assert_cmpstr (items->items[11]->data, ==, "abc");
  g_assert_cmpstr (items->items[4]->data, ==, "BODY[HEADER.FIELDS (FROM TO)]");
  g_assert_cmpuint (items->items[5]->len, ==, 11);
  g_assert_cmpstr (items->items[6]->data, ==, "BODY[]<0>");
  g_assert_cmpint (items->items[7]->type, ==, PIGEON_IMAP_VALUE_STRING);
  g_assert_cmpuint (items->items[7]->len, ==, 0);
  g_assert_cmpint (items->items[9]->type, ==, PIGEON_IMAP_VALUE_NIL);
  g_assert_cmpstr (items->items[10]->data, ==, "q\"uo\\te");
}

static void
test_parser_limits (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) deep = g_string_new ("* 1 FETCH (BODYSTRUCTURE ");
  GPtrArray *r;

  /* {4294967296}: refused from its size alone, nothing allocated. */
  r = parse ("* 1 FETCH (BODY[] {4294967296}\r\n", &error);
  g_assert_null (r);
  g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_TOO_LARGE);
  g_clear_error (&error);
  r = parse ("* 1 FETCH (BODY[] {99999999999999999999999}\r\n", &error);
  g_assert_null (r);
  g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_PROTOCOL);
  g_clear_error (&error);

  for (int i = 0; i < 10000; i++)
    g_string_append_c (deep, '(');
  g_string_append (deep, "\"text\" \"plain\"");
  for (int i = 0; i < 10000; i++)
    g_string_append_c (deep, ')');
  g_string_append (deep, ")\r\n");
  r = parse (deep->str, &error);
  g_assert_null (r);
  g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_TOO_DEEP);
  g_clear_error (&error);

  static const char *const malformed[] = {
    "* 1 FETCH (UID 1\r\n",   "* 1 FETCH (UID 1))\r\n", "A1 FETCH (UID 1)\r\n", "* 1 FETCH (X \"open)\r\n", "\r\n",
    "* 1 FETCH (X {3}\r\nab", "* 1 FETCH (X {3x}\r\n",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      r = parse (malformed[i], &error);
      g_assert_null (r);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
}

static PigeonImapFetch *
parse_fetch (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) r = parse (text, &error);

  g_assert_no_error (error);
  return pigeon_imap_fetch_parse (r->pdata[0]);
}

static void
test_fetch_envelope (void)
{
  g_autoptr (PigeonImapFetch) fetch = parse_fetch (
      "* 3 FETCH (UID 42 FLAGS (\\Seen \\Answered) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 "
      "MODSEQ (12345) ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"=?ISO-8859-1?Q?Caf=E9?= time\" "
      "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL NIL "
      "((NIL NIL \"imap\" \"cac.washington.edu\")(NIL NIL \"group\" NIL)(\"=?UTF-8?B?SsO8cmdlbg==?=\" NIL \"j\" "
      "\"x.de\")(NIL NIL NIL NIL)) NIL NIL NIL \"<B27397-0100000@cac.washington.edu>\"))\r\n");
  PigeonMimeAddress *to;

  g_assert_nonnull (fetch);
  g_assert_cmpuint (fetch->seq, ==, 3);
  g_assert_cmpuint (fetch->uid, ==, 42);
  g_assert_true (pigeon_imap_fetch_has_flag (fetch, "\\seen"));
  g_assert_false (pigeon_imap_fetch_has_flag (fetch, "\\Flagged"));
  g_assert_cmpuint (fetch->size, ==, 4286);
  g_assert_cmpuint (fetch->modseq, ==, 12345);
  g_assert_cmpint (fetch->internal_time, ==, 837596665);
  g_assert_cmpstr (fetch->envelope->subject, ==, "Café time");
  g_assert_cmpint (fetch->envelope->unix_time, ==, 837595405);
  g_assert_cmpuint (fetch->envelope->from->len, ==, 1);
  g_assert_cmpstr (((PigeonMimeAddress *) fetch->envelope->from->pdata[0])->name, ==, "Terry Gray");
  g_assert_cmpstr (((PigeonMimeAddress *) fetch->envelope->from->pdata[0])->address, ==, "gray@cac.washington.edu");
  /* The group markers go; its member stays. */
  g_assert_cmpuint (fetch->envelope->to->len, ==, 2);
  to = fetch->envelope->to->pdata[1];
  g_assert_cmpstr (to->name, ==, "Jürgen");
  g_assert_cmpstr (to->address, ==, "j@x.de");
  g_assert_cmpstr (fetch->envelope->message_id, ==, "<B27397-0100000@cac.washington.edu>");
}

static void
test_fetch_bodystructure (void)
{
  g_autoptr (PigeonImapFetch) fetch = parse_fetch (
      "* 1 FETCH (UID 1 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 10 1 NIL NIL NIL)"
      "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 300 (NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) "
      "((\"text\" \"html\" NIL NIL NIL \"base64\" 20 2)(\"image\" \"png\" (\"name\" \"a.png\") NIL NIL \"base64\" 50) "
      "\"alternative\") 12)"
      "(\"application\" \"pdf\" NIL NIL NIL \"base64\" 1000 NIL (\"attachment\" (\"filename\" "
      "\"=?UTF-8?Q?R=C3=A9sum=C3=A9.pdf?=\")) NIL) \"mixed\" (\"boundary\" \"xyz\") NIL NIL) "
      "BODY[1]<0> {3}\r\nabc BODY[HEADER] {4}\r\nA: b)\r\n");
  PigeonImapBody *body, *inner;

  g_assert_nonnull (fetch);
  body = fetch->body_structure;
  g_assert_cmpstr (body->type, ==, "multipart");
  g_assert_cmpstr (body->subtype, ==, "mixed");
  g_assert_cmpstr (g_hash_table_lookup (body->params, "boundary"), ==, "xyz");
  g_assert_cmpuint (body->children->len, ==, 3);
  g_assert_cmpstr (((PigeonImapBody *) body->children->pdata[0])->section, ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (((PigeonImapBody *) body->children->pdata[0])->params, "charset"), ==, "utf-8");
  inner = ((PigeonImapBody *) body->children->pdata[1])->children->pdata[0];
  g_assert_cmpstr (inner->subtype, ==, "alternative");
  g_assert_cmpstr (((PigeonImapBody *) inner->children->pdata[1])->section, ==, "2.2");
  g_assert_cmpstr (((PigeonImapBody *) inner->children->pdata[1])->filename, ==, "a.png");
  g_assert_cmpstr (((PigeonImapBody *) body->children->pdata[2])->disposition, ==, "attachment");
  g_assert_cmpstr (((PigeonImapBody *) body->children->pdata[2])->filename, ==, "Résumé.pdf");
  g_assert_cmpuint (g_bytes_get_size (pigeon_imap_fetch_get_section (fetch, "1<0>")), ==, 3);
  g_assert_true (fetch->present & PIGEON_IMAP_FETCH_HEADER);
  g_assert_cmpuint (g_bytes_get_size (pigeon_imap_fetch_get_section (fetch, "header")), ==, 4);
}

static void
test_mailbox_names (void)
{
  static const char *const pairs[][2] = {
    { "INBOX", "INBOX" },
    { "Entwürfe", "Entw&APw-rfe" },
    { "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
    { "A&B", "A&-B" },
    { "😀", "&2D3eAA-" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *encoded = pigeon_imap_utf7_encode (pairs[i][0]);
      g_autofree char *decoded = pigeon_imap_utf7_decode (pairs[i][1]);
      g_assert_cmpstr (encoded, ==, pairs[i][1]);
      g_assert_cmpstr (decoded, ==, pairs[i][0]);
    }
  g_assert_null (pigeon_imap_utf7_decode ("&Jjo!"));
  g_assert_null (pigeon_imap_utf7_decode ("&2D0-"));
  g_assert_null (pigeon_imap_utf7_decode ("caf\xc3\xa9"));
}

static void
test_uid_sets (void)
{
  g_autoptr (GArray) uids = pigeon_imap_uid_set_parse ("7,1:3,10:9", 100);
  guint32 raw[] = { 5, 1, 2, 3, 9, 10, 11 };
  g_autofree char *set = pigeon_imap_uid_set_format (raw, G_N_ELEMENTS (raw));

  g_assert_nonnull (uids);
  g_assert_cmpuint (uids->len, ==, 6);
  g_assert_cmpuint (g_array_index (uids, guint32, 0), ==, 1);
  g_assert_cmpuint (g_array_index (uids, guint32, 5), ==, 10);
  g_assert_cmpstr (set, ==, "1:3,5,9:11");
  g_assert_null (pigeon_imap_uid_set_parse ("1:4294967295", 1000));
  g_assert_null (pigeon_imap_uid_set_parse ("0", 10));
  g_assert_null (pigeon_imap_uid_set_parse ("1,,2", 10));
}

/* ------------------------------------------------------------------ */
/* Against tests/fake/fake-imap-server.py                              */

static FakeServer *
imap_server_start (const char *scenario)
{
  FakeServer *server = g_new0 (FakeServer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  server->record_dir = g_dir_make_tmp ("pigeon-fake-imap-XXXXXX", &error);
  g_assert_no_error (error);
  server->process =
      g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, PYTHON, "-W", "ignore", FAKE_DIR "/fake-imap-server.py",
                        scenario, server->record_dir, net_test_cert_dir (), NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "PORT "));
  server->port = atoi (line + 5);
  return server;
}

typedef struct
{
  FakeServer *server;
  PigeonConnection *connection;
  PigeonImapSession *session;
  GPtrArray *events;
} Fake;

static void
on_event_uint (PigeonImapSession *session, guint n, gpointer user_data)
{
  Fake *fake = user_data;
  g_ptr_array_add (fake->events, g_strdup_printf ("%u", n));
}

static void
on_alert (PigeonImapSession *session, const char *text, gpointer user_data)
{
  Fake *fake = user_data;
  g_ptr_array_add (fake->events, g_strdup_printf ("alert %s", text));
}

static void
on_bye (PigeonImapSession *session, const char *text, gpointer user_data)
{
  Fake *fake = user_data;
  g_ptr_array_add (fake->events, g_strdup_printf ("bye %s", text));
}

static void
on_fetch_signal (PigeonImapSession *session, PigeonImapFetch *fetch, gpointer user_data)
{
  Fake *fake = user_data;
  g_ptr_array_add (fake->events, g_strdup_printf ("fetch %u", fetch->seq));
}

static Fake *
fake_new (const char *scenario, PigeonNetSecurity security)
{
  Fake *fake = g_new0 (Fake, 1);

  fake->server = imap_server_start (scenario);
  fake->connection = net_test_connection (fake->server, security);
  fake->session = pigeon_imap_session_new (fake->connection);
  fake->events = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fake->session, "exists", G_CALLBACK (on_event_uint), fake);
  g_signal_connect (fake->session, "expunged", G_CALLBACK (on_event_uint), fake);
  g_signal_connect (fake->session, "alert", G_CALLBACK (on_alert), fake);
  g_signal_connect (fake->session, "bye", G_CALLBACK (on_bye), fake);
  g_signal_connect (fake->session, "fetch", G_CALLBACK (on_fetch_signal), fake);
  return fake;
}

static void
fake_free (Fake *fake)
{
  g_clear_object (&fake->session);
  g_clear_object (&fake->connection);
  fake_server_free (fake->server);
  g_ptr_array_unref (fake->events);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fake, fake_free)

static gboolean
fake_open (Fake *fake, GError **error)
{
  g_autoptr (PigeonSasl) sasl = pigeon_sasl_new_password (FAKE_USER, FAKE_PASSWORD);
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_imap_session_open_async (fake->session, sasl, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  return pigeon_imap_session_open_finish (fake->session, result, error);
}

static gboolean
fake_has_event (Fake *fake, const char *event)
{
  for (guint i = 0; i < fake->events->len; i++)
    if (strcmp (fake->events->pdata[i], event) == 0)
      return TRUE;
  return FALSE;
}

static void
test_fake_preauth_starttls (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-preauth-starttls", PIGEON_NET_SECURITY_STARTTLS);
  g_autoptr (GError) error = NULL;

  g_assert_false (fake_open (fake, &error));
  g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_STARTTLS);
  fake_server_finish (fake->server);
  g_assert_cmpuint (g_bytes_get_size (fake->server->clear), ==, 0);
}

static void
test_fake_preauth_tls (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-preauth-tls", PIGEON_NET_SECURITY_TLS);
  g_autoptr (GError) error = NULL;

  g_assert_true (fake_open (fake, &error));
  g_assert_no_error (error);
  g_object_unref (g_steal_pointer (&fake->session));
  fake_server_finish (fake->server);
  g_assert_cmpuint (fake_server_count (fake->server, "AUTHENTICATE"), ==, 0);
  g_assert_cmpuint (fake_server_count (fake->server, "ENABLE"), ==, 0);
}

static void
test_fake_starttls (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-starttls", PIGEON_NET_SECURITY_STARTTLS);
  g_autoptr (GError) error = NULL;

  g_assert_true (fake_open (fake, &error));
  g_assert_no_error (error);
  /* The capabilities of the clear greeting were not believed. */
  g_assert_false (pigeon_imap_session_has_capability (fake->session, "X-EVIL"));
  g_assert_true (pigeon_imap_session_has_capability (fake->session, "IDLE"));
  /* The ALERT in the clear never reached the person; the one inside TLS
   * did, escaped. */
  g_assert_cmpuint (fake->events->len, ==, 1);
  g_assert_cmpstr (fake->events->pdata[0], ==, "alert &lt;b&gt;Real&lt;/b&gt; alert logged in");
  g_object_unref (g_steal_pointer (&fake->session));
  fake_server_finish (fake->server);
  fake_server_assert_no_secret_in_clear (fake->server);
  /* In the clear, again inside TLS, and after login (whose OK had none). */
  g_assert_cmpuint (fake_server_count (fake->server, "CAPABILITY"), ==, 3);
  g_assert_true (memmem (g_bytes_get_data (fake->server->tls, NULL), g_bytes_get_size (fake->server->tls), "CAPABILITY",
                         10) != NULL);
}

static void
test_fake_inject_after_goahead (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-inject-after-goahead", PIGEON_NET_SECURITY_STARTTLS);
  g_autoptr (GError) error = NULL;

  g_assert_false (fake_open (fake, &error));
  g_assert_error (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_STARTTLS_INJECTION);
  fake_server_finish (fake->server);
  fake_server_assert_no_secret_in_clear (fake->server);
}

static void
test_fake_no_starttls (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-no-starttls", PIGEON_NET_SECURITY_STARTTLS);
  g_autoptr (GError) error = NULL;

  g_assert_false (fake_open (fake, &error));
  g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_STARTTLS);
  fake_server_finish (fake->server);
  fake_server_assert_no_secret_in_clear (fake->server);
}

static void
test_fake_logindisabled (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-logindisabled", PIGEON_NET_SECURITY_TLS);
  g_autoptr (GError) error = NULL;

  g_assert_false (fake_open (fake, &error));
  g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_NO_AUTH_METHOD);
  fake_server_finish (fake->server);
  g_assert_cmpuint (fake_server_count (fake->server, "LOGIN"), ==, 0);
}

static void
test_fake_login (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-login", PIGEON_NET_SECURITY_TLS);
  g_autoptr (GError) error = NULL;

  g_assert_true (fake_open (fake, &error));
  g_assert_no_error (error);
  g_object_unref (g_steal_pointer (&fake->session));
  fake_server_finish (fake->server);
  g_assert_cmpuint (fake_server_count (fake->server, "LOGIN \"" FAKE_USER "\" \"" FAKE_PASSWORD "\""), ==, 1);
  /* Capabilities asked before and after login. */
  g_assert_cmpuint (fake_server_count (fake->server, "CAPABILITY"), ==, 2);
}

static gboolean
fake_select (Fake *fake, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (PigeonImapSelected) selected = NULL;

  pigeon_imap_session_select_async (fake->session, "INBOX", FALSE, NULL, NULL, NULL, NULL, net_test_store_result,
                                    &result);
  net_test_wait (&result);
  selected = pigeon_imap_session_select_finish (fake->session, result, error);
  return selected != NULL;
}

static void
collect_fetch (PigeonImapFetch *fetch, gpointer user_data)
{
  GPtrArray *fetches = user_data;
  g_ptr_array_add (fetches,
                   g_strdup_printf ("%u:%s:%s", fetch->uid, fetch->envelope != NULL ? fetch->envelope->subject : "-",
                                    fetch->envelope != NULL ? fetch->envelope->message_id : "-"));
}

static guint
fake_fetch (Fake *fake, GPtrArray *fetches, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_imap_session_fetch_async (fake->session, "1:*", PIGEON_IMAP_FETCH_SUMMARY, NULL, 0, collect_fetch, fetches,
                                   NULL, net_test_store_result, &result);
  net_test_wait (&result);
  return pigeon_imap_session_fetch_finish (fake->session, result, error);
}

static void
test_fake_fetch_interleaved (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-fetch-interleaved", PIGEON_NET_SECURITY_TLS);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) fetches = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (fake_open (fake, &error));
  g_assert_true (fake_select (fake, &error));
  g_ptr_array_set_size (fake->events, 0);
  g_assert_cmpuint (fake_fetch (fake, fetches, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpstr (fetches->pdata[0], ==, "1:Grüße:<1@fake.test>");
  g_assert_cmpstr (fetches->pdata[1], ==, "2:Hello:");
  /* EXPUNGE 1, EXISTS 4, and a flag change without a UID, in order. */
  g_assert_cmpuint (fake->events->len, ==, 3);
  g_assert_cmpstr (fake->events->pdata[0], ==, "1");
  g_assert_cmpstr (fake->events->pdata[1], ==, "4");
  g_assert_cmpstr (fake->events->pdata[2], ==, "fetch 2");
  g_assert_cmpuint (pigeon_imap_session_get_selected (fake->session)->exists, ==, 4);
}

static void
keep_fetch_section (PigeonImapFetch *fetch, gpointer user_data)
{
  GBytes **section = user_data;
  GBytes *fields = pigeon_imap_fetch_get_section (fetch, "HEADER.FIELDS (REFERENCES IN-REPLY-TO)");

  if (fields != NULL)
    *section = g_bytes_ref (fields);
}

/* A header-list with a space is sent (RFC 3501 6.4.5); a section that could
 * end the item list or the command line is left out. */
static void
test_fake_fetch_sections (void)
{
  static const char *const sections[] = {
    "HEADER.FIELDS (REFERENCES IN-REPLY-TO)",
    "1.2.HEADER.FIELDS.NOT (X-SPAM)<0.100>",
    "HEADER.FIELDS (SUBJECT) X-INJECTED-1",
    "HEADER.FIELDS (SUBJECT)] X-INJECTED-2",
    "HEADER.FIELDS (\"SUBJECT\" X-INJECTED-3)",
    "HEADER.FIELDS (FROM\r\nX-INJECTED-4 NOOP)",
    "HEADER.FIELDS ()",
    "HEADER.FIELDS (FROM  X-INJECTED-5)",
    "TEXT X-INJECTED-6",
    NULL,
  };
  g_autoptr (Fake) fake = fake_new ("imap-fetch-sections", PIGEON_NET_SECURITY_TLS);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) fields = NULL;
  g_auto (GStrv) references = NULL;
  g_autofree char *value = NULL;

  g_assert_true (fake_open (fake, &error));
  g_assert_true (fake_select (fake, &error));
  pigeon_imap_session_fetch_async (fake->session, "3", PIGEON_IMAP_FETCH_UID, sections, 0, keep_fetch_section, &fields,
                                   NULL, net_test_store_result, &result);
  net_test_wait (&result);
  g_assert_cmpuint (pigeon_imap_session_fetch_finish (fake->session, result, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_nonnull (fields);
  value = pigeon_mime_header_block_dup_field (g_bytes_get_data (fields, NULL), g_bytes_get_size (fields), "references");
  g_assert_cmpstr (value, ==, "<1@fake.test> <2@fake.test>");
  references = pigeon_mime_header_parse_msg_ids (value);
  g_assert_cmpuint (g_strv_length (references), ==, 2);
  g_assert_cmpstr (references[1], ==, "2@fake.test");
  g_object_unref (g_steal_pointer (&fake->session));
  fake_server_finish (fake->server);
  g_assert_cmpuint (fake_server_count (fake->server,
                                       "UID FETCH 3 (UID BODY.PEEK[HEADER.FIELDS (REFERENCES IN-REPLY-TO)] "
                                       "BODY.PEEK[1.2.HEADER.FIELDS.NOT (X-SPAM)]<0.100>)\r\n"),
                    ==, 1);
  g_assert_cmpuint (fake_server_count (fake->server, "X-INJECTED"), ==, 0);
}

static void
fetch_expect_error (const char *scenario, GQuark domain, int code)
{
  g_autoptr (Fake) fake = fake_new (scenario, PIGEON_NET_SECURITY_TLS);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) fetches = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GAsyncResult) result = NULL;

  g_assert_true (fake_open (fake, &error));
  g_assert_true (fake_select (fake, &error));
  fake_fetch (fake, fetches, &error);
  g_assert_error (error, domain, code);
  g_clear_error (&error);
  /* The session is over: the next command fails at once. */
  pigeon_imap_session_noop_async (fake->session, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  g_assert_false (pigeon_imap_session_command_finish (fake->session, result, &error));
  g_assert_nonnull (error);
}

static void
test_fake_huge_literal (void)
{
  fetch_expect_error ("imap-huge-literal", PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_TOO_LARGE);
}

static void
test_fake_deep_nesting (void)
{
  fetch_expect_error ("imap-deep-nesting", PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_TOO_DEEP);
}

static void
test_fake_bye_mid_command (void)
{
  fetch_expect_error ("imap-bye-mid-command", PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_BYE);
}

static void
noop_expect_protocol_error (const char *scenario)
{
  g_autoptr (Fake) fake = fake_new (scenario, PIGEON_NET_SECURITY_TLS);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  g_assert_true (fake_open (fake, &error));
  pigeon_imap_session_noop_async (fake->session, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  g_assert_false (pigeon_imap_session_command_finish (fake->session, result, &error));
  g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_PROTOCOL);
}

static void
test_fake_malformed (void)
{
  noop_expect_protocol_error ("imap-malformed");
}

static void
test_fake_unknown_tag (void)
{
  noop_expect_protocol_error ("imap-unknown-tag");
}

static void
test_fake_sync_literal (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-sync-literal", PIGEON_NET_SECURITY_TLS);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) message = g_bytes_new_static ("Subject: x\r\n\r\nhi\r\n", 18);
  g_autoptr (PigeonImapCopyResult) appended = NULL;
  static const char *const flags[] = { "\\Seen", "bad flag", NULL };

  g_assert_true (fake_open (fake, &error));
  pigeon_imap_session_append_async (fake->session, "Sent", flags, 1700000000, message, NULL, net_test_store_result,
                                    &result);
  net_test_wait (&result);
  appended = pigeon_imap_session_copy_finish (fake->session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (appended->uidvalidity, ==, 7);
  g_assert_cmpstr (appended->dest_uids, ==, "18");
  pigeon_connection_close (fake->connection);
  fake_server_finish (fake->server);
  g_assert_cmpuint (
      fake_server_count (fake->server, "APPEND \"Sent\" (\\Seen) \"14-Nov-2023 22:13:20 +0000\" {18}\r\n"), ==, 1);
}

static void
test_fake_rev2 (void)
{
  g_autoptr (Fake) fake = fake_new ("imap-rev2", PIGEON_NET_SECURITY_TLS);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) listed = NULL;
  g_autoptr (GAsyncResult) searched = NULL;
  g_autoptr (GAsyncResult) idled = NULL;
  g_autoptr (GPtrArray) mailboxes = NULL;
  g_autoptr (GArray) uids = NULL;
  PigeonImapMailbox *sent, *drafts;

  g_assert_true (fake_open (fake, &error));
  g_assert_true (pigeon_imap_session_is_enabled (fake->session, "IMAP4rev2"));
  pigeon_imap_session_list_async (fake->session, TRUE, NULL, net_test_store_result, &listed);
  net_test_wait (&listed);
  mailboxes = pigeon_imap_session_list_finish (fake->session, listed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mailboxes->len, ==, 3);
  g_assert_cmpint (((PigeonImapMailbox *) mailboxes->pdata[0])->role, ==, PIGEON_IMAP_ROLE_INBOX);
  sent = mailboxes->pdata[1];
  g_assert_cmpint (sent->role, ==, PIGEON_IMAP_ROLE_SENT);
  g_assert_true (sent->has_status);
  g_assert_cmpuint (sent->messages, ==, 3);
  g_assert_cmpuint (sent->unseen, ==, 1);
  drafts = mailboxes->pdata[2];
  /* IMAP4rev2 names are UTF-8, not modified UTF-7. */
  g_assert_cmpstr (drafts->name, ==, "Entwürfe");
  g_assert_true (drafts->noselect);
  g_assert_true (drafts->has_children);

  g_assert_true (fake_select (fake, &error));
  pigeon_imap_session_search_async (fake->session, "TEXT", "grüße", NULL, net_test_store_result, &searched);
  net_test_wait (&searched);
  uids = pigeon_imap_session_search_finish (fake->session, searched, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uids->len, ==, 4);
  g_assert_cmpuint (g_array_index (uids, guint32, 3), ==, 7);

  g_ptr_array_set_size (fake->events, 0);
  pigeon_imap_session_idle_async (fake->session, NULL, net_test_store_result, &idled);
  net_test_wait (&idled);
  pigeon_imap_session_command_finish (fake->session, idled, &error);
  g_assert_no_error (error);
  g_assert_true (fake_has_event (fake, "3"));
  pigeon_connection_close (fake->connection);
  fake_server_finish (fake->server);
  /* No CHARSET after UTF-8 was enabled; the text went as a literal. */
  g_assert_cmpuint (fake_server_count (fake->server, "UID SEARCH RETURN (ALL) TEXT {7+}\r\ngrüße"), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/imap/parser/status", test_parser_status);
  g_test_add_func ("/net/imap/parser/values", test_parser_values);
  g_test_add_func ("/net/imap/parser/limits", test_parser_limits);
  g_test_add_func ("/net/imap/fetch/envelope", test_fetch_envelope);
  g_test_add_func ("/net/imap/fetch/bodystructure", test_fetch_bodystructure);
  g_test_add_func ("/net/imap/mailbox-names", test_mailbox_names);
  g_test_add_func ("/net/imap/uid-sets", test_uid_sets);
  g_test_add_func ("/net/imap/fake/preauth-starttls", test_fake_preauth_starttls);
  g_test_add_func ("/net/imap/fake/preauth-tls", test_fake_preauth_tls);
  g_test_add_func ("/net/imap/fake/starttls", test_fake_starttls);
  g_test_add_func ("/net/imap/fake/inject-after-goahead", test_fake_inject_after_goahead);
  g_test_add_func ("/net/imap/fake/no-starttls", test_fake_no_starttls);
  g_test_add_func ("/net/imap/fake/logindisabled", test_fake_logindisabled);
  g_test_add_func ("/net/imap/fake/login", test_fake_login);
  g_test_add_func ("/net/imap/fake/fetch-interleaved", test_fake_fetch_interleaved);
  g_test_add_func ("/net/imap/fake/fetch-sections", test_fake_fetch_sections);
  g_test_add_func ("/net/imap/fake/huge-literal", test_fake_huge_literal);
  g_test_add_func ("/net/imap/fake/deep-nesting", test_fake_deep_nesting);
  g_test_add_func ("/net/imap/fake/bye-mid-command", test_fake_bye_mid_command);
  g_test_add_func ("/net/imap/fake/malformed", test_fake_malformed);
  g_test_add_func ("/net/imap/fake/unknown-tag", test_fake_unknown_tag);
  g_test_add_func ("/net/imap/fake/sync-literal", test_fake_sync_literal);
  g_test_add_func ("/net/imap/fake/rev2", test_fake_rev2);

  return g_test_run ();
}
