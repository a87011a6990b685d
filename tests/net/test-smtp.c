/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net-test"

#include "config.h"

#include <string.h>

#include "net-test-util.h"

/* ------------------------------------------------------------------ */
/* The protocol pieces, without a server                               */

static void
test_encode_data (void)
{
  static const char message[] = "Subject: x\n\n.hidden\r\nbare\rcr\nand lf\r\n.\r\nlast";
  static const char expected[] = "Subject: x\r\n\r\n..hidden\r\nbare\r\ncr\r\nand lf\r\n..\r\nlast\r\n.\r\n";
  g_autoptr (GBytes) encoded = pigeon_smtp_encode_data ((const guchar *) message, strlen (message));
  g_autoptr (GBytes) empty = pigeon_smtp_encode_data ((const guchar *) "", 0);
  g_autoptr (GBytes) smuggle = NULL;
  static const char smuggling[] = "a\n.\nMAIL FROM:<x>\r\n\r.\r\n";
  gsize len;
  const char *data;

  g_assert_cmpmem (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded), expected, strlen (expected));
  g_assert_cmpmem (g_bytes_get_data (empty, NULL), g_bytes_get_size (empty), ".\r\n", 3);
  /* SMTP smuggling (2023): LF.LF and CR.CR must not survive as an end. */
  smuggle = pigeon_smtp_encode_data ((const guchar *) smuggling, strlen (smuggling));
  data = g_bytes_get_data (smuggle, &len);
  g_assert_null (memmem (data, len - 5, "\r\n.\r\n", 5));
  g_assert_cmpmem (data + len - 5, 5, "\r\n.\r\n", 5);
  for (gsize i = 0; i < len; i++)
    if (data[i] == '\n')
      g_assert_true (i > 0 && data[i - 1] == '\r');
}

static void
feed_lines (PigeonSmtpReply *reply, const char *const *lines, GError **error)
{
  for (guint i = 0; lines[i] != NULL; i++)
    if (!pigeon_smtp_reply_feed (reply, lines[i], strlen (lines[i]), error))
      return;
}

static void
test_reply_parse (void)
{
  const char *ehlo[] = { "250-fake.test", "250-SIZE 1000",  "250-AUTH LOGIN PLAIN",
                         "250-8BITMIME",  "250 PIPELINING", NULL };
  const char *mixed[] = { "250-a", "251 b", NULL };
  const char *bad[] = { "25", NULL };
  g_autoptr (PigeonSmtpReply) reply = pigeon_smtp_reply_new ();
  g_autoptr (PigeonSmtpReply) reply2 = pigeon_smtp_reply_new ();
  g_autoptr (PigeonSmtpReply) reply3 = pigeon_smtp_reply_new ();
  PigeonSmtpCapabilities caps = { 0 };
  g_autoptr (GError) error = NULL;

  feed_lines (reply, ehlo, &error);
  g_assert_no_error (error);
  g_assert_true (reply->complete);
  g_assert_cmpuint (reply->code, ==, 250);
  pigeon_smtp_capabilities_parse (&caps, reply);
  g_assert_cmpuint (caps.max_size, ==, 1000);
  g_assert_true (caps.extensions & PIGEON_SMTP_EXT_PIPELINING);
  g_assert_true (caps.extensions & PIGEON_SMTP_EXT_8BITMIME);
  g_assert_false (caps.extensions & PIGEON_SMTP_EXT_STARTTLS);
  g_assert_cmpstr (caps.auth_mechanisms[1], ==, "PLAIN");
  pigeon_smtp_capabilities_clear (&caps);

  feed_lines (reply2, mixed, &error);
  g_assert_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_PROTOCOL);
  g_clear_error (&error);
  feed_lines (reply3, bad, &error);
  g_assert_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_PROTOCOL);
}

static void
test_reply_limits (void)
{
  g_autoptr (PigeonSmtpReply) reply = pigeon_smtp_reply_new ();
  g_autoptr (GError) error = NULL;
  guint i;

  for (i = 0; i < 1000 && error == NULL; i++)
    pigeon_smtp_reply_feed (reply, "250-more", 8, &error);
  g_assert_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_PROTOCOL);
  g_assert_cmpuint (i, ==, PIGEON_SMTP_REPLY_MAX_LINES + 1);
}

static void
test_reply_errors (void)
{
  static const struct
  {
    const char *line;
    PigeonSmtpError code;
    gboolean temporary;
  } cases[] = {
    { "421 4.3.2 closing", PIGEON_SMTP_ERROR_SERVICE_UNAVAILABLE, TRUE },
    { "451 4.3.0 later", PIGEON_SMTP_ERROR_TEMPORARY, TRUE },
    { "530 5.7.0 authenticate first", PIGEON_SMTP_ERROR_AUTH_REQUIRED, FALSE },
    { "535 5.7.8 bad credentials", PIGEON_SMTP_ERROR_AUTH_FAILED, FALSE },
    { "552 5.3.4 too big", PIGEON_SMTP_ERROR_MESSAGE_TOO_LARGE, FALSE },
    { "550 5.1.1 no such user", PIGEON_SMTP_ERROR_PERMANENT, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PigeonSmtpReply) reply = pigeon_smtp_reply_new ();
      g_autoptr (GError) error = NULL;

      g_assert_true (pigeon_smtp_reply_feed (reply, cases[i].line, strlen (cases[i].line), NULL));
      error = pigeon_smtp_reply_to_error (reply, "Step", PIGEON_SMTP_ERROR_PERMANENT);
      g_assert_error (error, PIGEON_SMTP_ERROR, (int) cases[i].code);
      g_assert_cmpint (pigeon_smtp_error_is_temporary (error), ==, cases[i].temporary);
      /* The server's words are kept. */
      g_assert_nonnull (strstr (error->message, cases[i].line + 4));
    }
}

static void
test_scan_and_addresses (void)
{
  static const char utf8_header[] = "Subject: caf\xc3\xa9\r\n\r\nbody\r\n";
  static const char utf8_body[] = "Subject: x\r\n\r\ncaf\xc3\xa9\r\n";

  g_assert_cmpint (pigeon_smtp_message_scan ((const guchar *) utf8_header, strlen (utf8_header)), ==,
                   PIGEON_SMTP_NEEDS_8BIT | PIGEON_SMTP_NEEDS_SMTPUTF8);
  g_assert_cmpint (pigeon_smtp_message_scan ((const guchar *) utf8_body, strlen (utf8_body)), ==,
                   PIGEON_SMTP_NEEDS_8BIT);
  g_assert_cmpint (pigeon_smtp_message_scan ((const guchar *) "a\0b", 3), ==, PIGEON_SMTP_HAS_NUL);
  g_assert_true (pigeon_smtp_address_is_valid ("alice@example.org"));
  g_assert_true (pigeon_smtp_address_is_valid (""));
  g_assert_false (pigeon_smtp_address_is_valid ("a@b>\r\nRCPT TO:<evil@x"));
  g_assert_false (pigeon_smtp_address_is_valid ("a b@c"));
}

/* ------------------------------------------------------------------ */
/* Sessions against the fake servers                                   */

static const char *const ONE[] = { "bob@fake.test", NULL };
static const char MESSAGE[] = "From: alice@fake.test\r\nTo: bob@fake.test\r\nSubject: hi\r\n\r\n"
                              ".starts with a dot\r\nbare LF\nbare CR\rend\r\n.\r\n";

static GError *
open_session (PigeonSmtpSession *session, gboolean with_credentials)
{
  g_autoptr (PigeonSasl) credentials = pigeon_sasl_new_password (FAKE_USER, FAKE_PASSWORD);
  g_autoptr (GAsyncResult) result = NULL;
  GError *error = NULL;

  pigeon_smtp_session_open_async (session, with_credentials ? credentials : NULL, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  pigeon_smtp_session_open_finish (session, result, &error);
  return error;
}

static GPtrArray *
send_message (PigeonSmtpSession *session, const char *const *to, const char *message, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (message, strlen (message));
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_smtp_session_send_async (session, FAKE_USER, to, bytes, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  return pigeon_smtp_session_send_finish (session, result, error);
}

static void
quit_session (PigeonSmtpSession *session)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_smtp_session_quit_async (session, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  pigeon_smtp_session_quit_finish (session, result, &error);
  g_assert_no_error (error);
}

/* Opens a session to @scenario and expects it to fail with @domain/@code. */
static FakeServer *
open_expecting (const char *scenario, PigeonNetSecurity security, GQuark domain, int code, GError **out)
{
  FakeServer *server = fake_server_start (scenario);
  g_autoptr (PigeonConnection) connection = net_test_connection (server, security);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);

  g_assert_error (error, domain, code);
  g_assert_false (pigeon_connection_is_connected (connection));
  fake_server_finish (server);
  fake_server_assert_no_secret_in_clear (server);
  if (out != NULL)
    *out = g_steal_pointer (&error);
  return server;
}

static void
check_delivery (const char *scenario, PigeonNetSecurity security)
{
  g_autoptr (FakeServer) server = fake_server_start (scenario);
  g_autoptr (PigeonConnection) connection = net_test_connection (server, security);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GPtrArray) second = NULL;

  g_assert_no_error (error);
  g_assert_true (pigeon_connection_is_encrypted (connection));
  first = send_message (session, ONE, MESSAGE, &error);
  g_assert_no_error (error);
  second = send_message (session, ONE, MESSAGE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 1);
  g_assert_true (pigeon_smtp_recipient_result_is_accepted (first->pdata[0]));
  quit_session (session);
  fake_server_finish (server);
  fake_server_assert_no_secret_in_clear (server);
  /* Two messages, one end-of-data each, one RSET between them; dots
   * stuffed, bare line ends made CRLF. */
  g_assert_cmpuint (fake_server_count (server, "\r\n.\r\n"), ==, 2);
  g_assert_cmpuint (fake_server_count (server, "RSET\r\n"), ==, 1);
  g_assert_cmpuint (fake_server_count (server, "\r\n..starts with a dot\r\n"), ==, 2);
  g_assert_cmpuint (fake_server_count (server, "bare LF\r\nbare CR\r\nend\r\n..\r\n.\r\n"), ==, 2);
  g_assert_cmpuint (fake_server_count (server, "AUTH PLAIN "), ==, 1);
}

static void
test_starttls_pipelining (void)
{
  check_delivery ("smtp-starttls", PIGEON_NET_SECURITY_STARTTLS);
}

static void
test_starttls_no_pipelining (void)
{
  check_delivery ("smtp-starttls-nopipelining", PIGEON_NET_SECURITY_STARTTLS);
}

static void
test_implicit_tls (void)
{
  check_delivery ("smtp-implicit", PIGEON_NET_SECURITY_TLS);
}

/* Every reply arrives one byte per segment: multi-line replies are
 * assembled across reads. */
static void
test_split_replies (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("smtp-split");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);
  const PigeonSmtpCapabilities *caps = pigeon_smtp_session_get_capabilities (session);

  g_assert_no_error (error);
  g_assert_cmpuint (caps->max_size, ==, 1000000);
  g_assert_true (caps->extensions & PIGEON_SMTP_EXT_PIPELINING);
  quit_session (session);
}

static void
test_inject_after_goahead (void)
{
  g_autoptr (FakeServer) server =
      open_expecting ("smtp-inject-after-goahead", PIGEON_NET_SECURITY_STARTTLS, PIGEON_CONNECTION_ERROR,
                      PIGEON_CONNECTION_ERROR_STARTTLS_INJECTION, NULL);

  g_assert_cmpuint (g_bytes_get_size (server->tls), ==, 0);
}

/* The go-ahead itself arrives with the EHLO reply, before STARTTLS is sent. */
static void
test_inject_with_ehlo (void)
{
  g_autoptr (FakeServer) server = open_expecting ("smtp-inject-with-ehlo", PIGEON_NET_SECURITY_STARTTLS,
                                                  PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_PROTOCOL, NULL);

  g_assert_cmpuint (fake_server_count (server, "STARTTLS"), ==, 0);
}

/* Capabilities seen before TLS are forgotten: only the EHLO inside TLS counts. */
static void
test_caps_before_tls_forgotten (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("smtp-caps-before-tls");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_STARTTLS);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);
  const PigeonSmtpCapabilities *caps = pigeon_smtp_session_get_capabilities (session);
  g_autoptr (GPtrArray) results = NULL;
  static const char *const utf8[] = { "b\xc3\xb6\x62@fake.test", NULL };

  g_assert_no_error (error);
  g_assert_false (caps->extensions & PIGEON_SMTP_EXT_SMTPUTF8);
  g_assert_false (caps->extensions & PIGEON_SMTP_EXT_STARTTLS);
  /* So a UTF-8 address is refused here, not sent. */
  results = send_message (session, utf8, MESSAGE, &error);
  g_assert_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_NEEDS_SMTPUTF8);
  quit_session (session);
  fake_server_finish (server);
  fake_server_assert_no_secret_in_clear (server);
  g_assert_cmpuint (fake_server_count (server, "EHLO"), ==, 2);
}

static void
test_no_starttls (void)
{
  g_autoptr (FakeServer) server = open_expecting ("smtp-no-starttls", PIGEON_NET_SECURITY_STARTTLS, PIGEON_SMTP_ERROR,
                                                  PIGEON_SMTP_ERROR_STARTTLS_UNAVAILABLE, NULL);

  g_assert_cmpuint (g_bytes_get_size (server->tls), ==, 0);
}

static void
test_refused_starttls (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeServer) server = open_expecting ("smtp-refuse-starttls", PIGEON_NET_SECURITY_STARTTLS,
                                                  PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_STARTTLS_UNAVAILABLE, &error);

  /* Text sent before TLS is the attacker's to choose: never shown. */
  g_assert_null (strstr (error->message, "ALERT"));
}

static void
test_alert_before_tls (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeServer) server = open_expecting ("smtp-alert-greeting", PIGEON_NET_SECURITY_STARTTLS,
                                                  PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_STARTTLS_UNAVAILABLE, &error);

  g_assert_null (strstr (error->message, "ALERT"));
}

static void
check_421 (const char *scenario)
{
  g_autoptr (FakeServer) server = fake_server_start (scenario);
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);
  g_autoptr (GPtrArray) results = NULL;

  g_assert_no_error (error);
  results = send_message (session, ONE, MESSAGE, &error);
  g_assert_null (results);
  g_assert_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_SERVICE_UNAVAILABLE);
  g_assert_true (pigeon_smtp_error_is_temporary (error));
  g_assert_nonnull (strstr (error->message, "shutting down"));
  g_assert_false (pigeon_connection_is_connected (connection));
  fake_server_finish (server);
  g_assert_cmpuint (fake_server_count (server, "\r\n.\r\n"), ==, 0);
}

static void
test_421_pipelined (void)
{
  check_421 ("smtp-421-at-rcpt");
}

static void
test_421_lockstep (void)
{
  check_421 ("smtp-421-at-mail");
}

static void
test_drop_during_data (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("smtp-drop-during-data");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);
  g_autoptr (GString) big = g_string_new ("Subject: big\r\n\r\n");
  g_autoptr (GPtrArray) results = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < 2000; i++)
    g_string_append (big, "a line of the body that goes on for a while\r\n");
  results = send_message (session, ONE, big->str, &error);
  g_assert_null (results);
  g_assert_nonnull (error);
  g_assert_true (pigeon_smtp_error_is_temporary (error));
  g_assert_false (pigeon_connection_is_connected (connection));
}

static void
test_long_line (void)
{
  g_autoptr (FakeServer) server = open_expecting ("smtp-long-line", PIGEON_NET_SECURITY_TLS, PIGEON_CONNECTION_ERROR,
                                                  PIGEON_CONNECTION_ERROR_LINE_TOO_LONG, NULL);
}

static void
test_recipients (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("smtp-reject-rcpt");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);
  static const char *const mixed[] = { "bob@fake.test", "nobody@fake.test", "later@fake.test", NULL };
  static const char *const rejected[] = { "nobody@fake.test", NULL };
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) none = NULL;
  PigeonSmtpRecipientResult *result;

  g_assert_no_error (error);
  results = send_message (session, mixed, MESSAGE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  g_assert_true (pigeon_smtp_recipient_result_is_accepted (results->pdata[0]));
  result = results->pdata[1];
  g_assert_cmpuint (result->code, ==, 550);
  g_assert_cmpstr (result->text, ==, "5.1.1 no such user");
  result = results->pdata[2];
  g_assert_cmpuint (result->code, ==, 451);

  none = send_message (session, rejected, MESSAGE, &error);
  g_assert_null (none);
  g_assert_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_RECIPIENTS_REJECTED);
  g_assert_nonnull (strstr (error->message, "no such user"));
  g_clear_error (&error);
  /* The session is still good for the next message. */
  g_clear_pointer (&results, g_ptr_array_unref);
  results = send_message (session, ONE, MESSAGE, &error);
  g_assert_no_error (error);
  quit_session (session);
  fake_server_finish (server);
  g_assert_cmpuint (fake_server_count (server, "\r\n.\r\n"), ==, 2);
}

static void
test_size_limit (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("smtp-small-size");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);
  g_autoptr (GPtrArray) results = NULL;

  g_assert_no_error (error);
  results = send_message (session, ONE, MESSAGE, &error);
  g_assert_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_MESSAGE_TOO_LARGE);
  quit_session (session);
  fake_server_finish (server);
  g_assert_cmpuint (fake_server_count (server, "MAIL FROM"), ==, 0);
}

static void
check_bad_certificate (const char *scenario, PigeonNetSecurity security, GTlsCertificateFlags flag)
{
  g_autoptr (FakeServer) server = fake_server_start (scenario);
  g_autoptr (PigeonConnection) connection = net_test_connection (server, security);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);
  GTlsCertificate *certificate = pigeon_connection_get_peer_certificate (connection);
  g_autofree char *fingerprint = NULL;

  g_assert_error (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_CERTIFICATE);
  g_assert_nonnull (certificate);
  g_assert_true (pigeon_connection_get_peer_certificate_errors (connection) & flag);
  fingerprint = pigeon_certificate_get_fingerprint (certificate);
  g_assert_cmpuint (strlen (fingerprint), ==, 95);
  g_assert_nonnull (strstr (error->message, fingerprint));
  fake_server_finish (server);
  fake_server_assert_no_secret_in_clear (server);
  g_assert_cmpuint (g_bytes_get_size (server->tls), ==, 0);
}

static void
test_cert_self_signed (void)
{
  check_bad_certificate ("smtp-cert-selfsigned", PIGEON_NET_SECURITY_TLS, G_TLS_CERTIFICATE_UNKNOWN_CA);
}

static void
test_cert_expired (void)
{
  check_bad_certificate ("smtp-cert-expired", PIGEON_NET_SECURITY_TLS, G_TLS_CERTIFICATE_EXPIRED);
}

static void
test_cert_wrong_host (void)
{
  check_bad_certificate ("smtp-cert-wronghost", PIGEON_NET_SECURITY_TLS, G_TLS_CERTIFICATE_BAD_IDENTITY);
}

static void
test_cert_starttls_self_signed (void)
{
  check_bad_certificate ("smtp-starttls-cert-selfsigned", PIGEON_NET_SECURITY_STARTTLS, G_TLS_CERTIFICATE_UNKNOWN_CA);
}

/* The person accepted the self-signed certificate: its fingerprint, and
 * only it, is trusted for this host and port. */
static void
test_cert_pinned (void)
{
  g_autofree char *path = g_build_filename (net_test_cert_dir (), "selfsigned.pem", NULL);
  g_autoptr (GTlsCertificate) certificate = g_tls_certificate_new_from_file (path, NULL);
  g_autofree char *fingerprint = pigeon_certificate_get_fingerprint (certificate);
  g_autoptr (FakeServer) server = fake_server_start ("smtp-cert-selfsigned");
  g_autoptr (PigeonConnection) connection = pigeon_connection_new ("127.0.0.1", server->port, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = NULL;

  g_assert_false (pigeon_connection_set_pinned_fingerprint (connection, "AB:CD"));
  g_assert_true (pigeon_connection_set_pinned_fingerprint (connection, fingerprint));
  error = open_session (session, TRUE);
  g_assert_no_error (error);
  g_assert_cmpint (pigeon_connection_get_peer_certificate_errors (connection), ==, 0);
  quit_session (session);
}

/* A server that offers no more than TLS 1.1 is refused, whether GnuTLS
 * refuses it in the handshake or our own check after it does. */
static void
check_tls11 (const char *scenario, PigeonNetSecurity security)
{
  g_autoptr (FakeServer) server = fake_server_start (scenario);
  g_autoptr (PigeonConnection) connection = net_test_connection (server, security);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GError) error = open_session (session, TRUE);

  g_assert_nonnull (error);
  g_test_message ("TLS 1.1: %s", error->message);
  g_assert_true (g_error_matches (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_TLS) ||
                 g_error_matches (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_TLS_VERSION));
  fake_server_finish (server);
  fake_server_assert_no_secret_in_clear (server);
  g_assert_cmpuint (fake_server_count (server, "AUTH"), ==, 0);
}

static void
test_tls11 (void)
{
  check_tls11 ("smtp-tls11", PIGEON_NET_SECURITY_TLS);
}

static void
test_starttls_tls11 (void)
{
  check_tls11 ("smtp-starttls-tls11", PIGEON_NET_SECURITY_STARTTLS);
}

static void
log_to_string (PigeonConnection *connection, PigeonLogDirection direction, const char *line, gpointer data)
{
  g_string_append_printf (data, "%c %s\n", direction == PIGEON_LOG_SENT ? 'C' : 'S', line);
}

/* The protocol log shows the exchange, never the credentials. */
static void
test_log_redacted (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("smtp-implicit");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (GString) log = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  pigeon_connection_set_log_func (connection, log_to_string, log, NULL);
  error = open_session (session, TRUE);
  g_assert_no_error (error);
  quit_session (session);
  g_assert_nonnull (strstr (log->str, "C AUTH PLAIN [redacted]"));
  g_assert_nonnull (strstr (log->str, "S 235 2.7.0 authenticated"));
  g_assert_null (strstr (log->str, FAKE_PASSWORD));
  g_assert_null (strstr (log->str, "AGFsaWNl")); /* base64 of "\0alice" */
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/smtp/encode-data", test_encode_data);
  g_test_add_func ("/net/smtp/reply/parse", test_reply_parse);
  g_test_add_func ("/net/smtp/reply/limits", test_reply_limits);
  g_test_add_func ("/net/smtp/reply/errors", test_reply_errors);
  g_test_add_func ("/net/smtp/scan-and-addresses", test_scan_and_addresses);
  g_test_add_func ("/net/smtp/fake/starttls-pipelining", test_starttls_pipelining);
  g_test_add_func ("/net/smtp/fake/starttls-no-pipelining", test_starttls_no_pipelining);
  g_test_add_func ("/net/smtp/fake/implicit-tls", test_implicit_tls);
  g_test_add_func ("/net/smtp/fake/split-replies", test_split_replies);
  g_test_add_func ("/net/smtp/fake/inject-after-goahead", test_inject_after_goahead);
  g_test_add_func ("/net/smtp/fake/inject-with-ehlo", test_inject_with_ehlo);
  g_test_add_func ("/net/smtp/fake/caps-before-tls-forgotten", test_caps_before_tls_forgotten);
  g_test_add_func ("/net/smtp/fake/no-starttls", test_no_starttls);
  g_test_add_func ("/net/smtp/fake/refused-starttls", test_refused_starttls);
  g_test_add_func ("/net/smtp/fake/alert-before-tls", test_alert_before_tls);
  g_test_add_func ("/net/smtp/fake/421-pipelined", test_421_pipelined);
  g_test_add_func ("/net/smtp/fake/421-lockstep", test_421_lockstep);
  g_test_add_func ("/net/smtp/fake/drop-during-data", test_drop_during_data);
  g_test_add_func ("/net/smtp/fake/long-line", test_long_line);
  g_test_add_func ("/net/smtp/fake/recipients", test_recipients);
  g_test_add_func ("/net/smtp/fake/size-limit", test_size_limit);
  g_test_add_func ("/net/smtp/fake/cert-self-signed", test_cert_self_signed);
  g_test_add_func ("/net/smtp/fake/cert-expired", test_cert_expired);
  g_test_add_func ("/net/smtp/fake/cert-wrong-host", test_cert_wrong_host);
  g_test_add_func ("/net/smtp/fake/cert-starttls-self-signed", test_cert_starttls_self_signed);
  g_test_add_func ("/net/smtp/fake/cert-pinned", test_cert_pinned);
  g_test_add_func ("/net/smtp/fake/tls11", test_tls11);
  g_test_add_func ("/net/smtp/fake/starttls-tls11", test_starttls_tls11);
  g_test_add_func ("/net/smtp/fake/log-redacted", test_log_redacted);
  return g_test_run ();
}
