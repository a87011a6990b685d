/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net-test"

#include "config.h"

#include <string.h>

#include "net-test-util.h"

/* The second message of tests/fake/fake-mail-server.py, as stored. */
static const char SECOND[] = "From: b@fake.test\r\nSubject: two\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n";

/* ------------------------------------------------------------------ */
/* The protocol pieces, without a server                               */

static void
test_status (void)
{
  gboolean ok;
  const char *text;

  g_assert_true (pigeon_pop3_parse_status ("+OK 2 320", &ok, &text));
  g_assert_true (ok);
  g_assert_cmpstr (text, ==, "2 320");
  g_assert_true (pigeon_pop3_parse_status ("-ERR [IN-USE] locked", &ok, &text));
  g_assert_false (ok);
  g_assert_true (pigeon_pop3_parse_status ("+OK", &ok, &text));
  g_assert_cmpstr (text, ==, "");
  g_assert_false (pigeon_pop3_parse_status ("+OKAY", &ok, &text));
  g_assert_false (pigeon_pop3_parse_status ("* OK", &ok, &text));
}

static void
test_errors (void)
{
  g_autoptr (GError) temporary = pigeon_pop3_status_to_error ("[IN-USE] locked", "Step", PIGEON_POP3_ERROR_FAILED);
  g_autoptr (GError) failed = pigeon_pop3_status_to_error ("no\x01such\xff", "Step", PIGEON_POP3_ERROR_FAILED);

  g_assert_error (temporary, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_TEMPORARY);
  g_assert_error (failed, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_FAILED);
  g_assert_true (g_utf8_validate (failed->message, -1, NULL));
  g_assert_null (strchr (failed->message, '\x01'));
}

static void
test_body_unstuffing (void)
{
  static const char *const lines[] = { "..x", "y", ".", NULL };
  g_autoptr (GByteArray) body = g_byte_array_new ();
  gboolean done = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_true (pigeon_pop3_body_feed (body, lines[i], strlen (lines[i]), 1000, &done));
  g_assert_true (done);
  g_assert_cmpmem (body->data, body->len, ".x\r\ny\r\n", 7);
  g_assert_false (pigeon_pop3_body_feed (body, "0123456789", 10, 12, &done));
}

static void
test_list_lines (void)
{
  guint number;
  guint64 size;
  g_autofree char *uid = NULL;
  g_autofree char *timestamp = pigeon_pop3_apop_timestamp ("POP3 ready <1896.697170952@dbc.mtview.ca.us>");

  g_assert_true (pigeon_pop3_parse_list_line ("2 320", &number, &size));
  g_assert_cmpuint (number, ==, 2);
  g_assert_cmpuint (size, ==, 320);
  g_assert_false (pigeon_pop3_parse_list_line ("0 10", &number, &size));
  g_assert_false (pigeon_pop3_parse_list_line ("1 99999999999999999999999", &number, &size));
  g_assert_false (pigeon_pop3_parse_list_line ("99999999999 1", &number, &size));
  g_assert_true (pigeon_pop3_parse_uidl_line ("1 whqtswO00WBw418f9t5JxYwZ", &number, &uid));
  g_assert_cmpstr (uid, ==, "whqtswO00WBw418f9t5JxYwZ");
  g_assert_false (pigeon_pop3_parse_uidl_line ("1 has space", &number, &uid));
  g_assert_cmpstr (timestamp, ==, "<1896.697170952@dbc.mtview.ca.us>");
}

static void
test_capabilities (void)
{
  static const char body[] = "TOP\r\nUIDL\r\nSASL PLAIN LOGIN\r\nSTLS\r\n";
  PigeonPop3Capabilities caps = { 0 };

  pigeon_pop3_capabilities_parse (&caps, body, strlen (body));
  g_assert_cmpint (caps.flags, ==,
                   PIGEON_POP3_CAPA_TOP | PIGEON_POP3_CAPA_UIDL | PIGEON_POP3_CAPA_SASL | PIGEON_POP3_CAPA_STLS);
  g_assert_cmpstr (caps.sasl_mechanisms[0], ==, "PLAIN");
  /* An empty list (and an empty array's NULL data) has no capabilities. */
  pigeon_pop3_capabilities_parse (&caps, NULL, 0);
  g_assert_cmpint (caps.flags, ==, 0);
  pigeon_pop3_capabilities_clear (&caps);
}

/* ------------------------------------------------------------------ */
/* Sessions against the fake servers                                   */

static GError *
open_session (PigeonPop3Session *session)
{
  g_autoptr (PigeonSasl) credentials = pigeon_sasl_new_password (FAKE_USER, FAKE_PASSWORD);
  g_autoptr (GAsyncResult) result = NULL;
  GError *error = NULL;

  pigeon_pop3_session_open_async (session, credentials, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  pigeon_pop3_session_open_finish (session, result, &error);
  return error;
}

static GPtrArray *
list_messages (PigeonPop3Session *session, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_pop3_session_list_async (session, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  return pigeon_pop3_session_list_finish (session, result, error);
}

static GBytes *
retrieve (PigeonPop3Session *session, guint number, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_pop3_session_retrieve_async (session, number, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  return pigeon_pop3_session_retrieve_finish (session, result, error);
}

static gboolean
delete_message (PigeonPop3Session *session, guint number, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_pop3_session_delete_async (session, number, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  return pigeon_pop3_session_delete_finish (session, result, error);
}

static void
quit_session (PigeonPop3Session *session)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_pop3_session_quit_async (session, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  pigeon_pop3_session_quit_finish (session, result, &error);
  g_assert_no_error (error);
}

/* Lists, retrieves both messages, and deletes only the confirmed one. */
static void
check_session (const char *scenario, PigeonNetSecurity security)
{
  g_autoptr (FakeServer) server = fake_server_start (scenario);
  g_autoptr (PigeonConnection) connection = net_test_connection (server, security);
  g_autoptr (PigeonPop3Session) session = pigeon_pop3_session_new (connection);
  g_autoptr (GError) error = open_session (session);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GBytes) second = NULL;
  PigeonPop3Message *message;

  g_assert_no_error (error);
  g_assert_true (pigeon_connection_is_encrypted (connection));
  list = list_messages (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  message = list->pdata[1];
  g_assert_cmpuint (message->number, ==, 2);
  g_assert_cmpuint (message->size, ==, strlen (SECOND));
  g_assert_cmpstr (message->uid, ==, "uid-2");
  second = retrieve (session, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (second, NULL), g_bytes_get_size (second), SECOND, strlen (SECOND));

  /* Not confirmed: DELE is refused without a byte sent. */
  g_assert_false (delete_message (session, 1, &error));
  g_assert_error (error, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_NOT_STORED);
  g_clear_error (&error);
  /* A UIDL that does not match the number is not a confirmation. */
  g_assert_false (pigeon_pop3_session_confirm_stored (session, 1, "uid-2", &error));
  g_clear_error (&error);
  g_assert_true (pigeon_pop3_session_confirm_stored (session, 2, "uid-2", &error));
  g_assert_true (delete_message (session, 2, &error));
  g_assert_no_error (error);
  quit_session (session);
  fake_server_finish (server);
  fake_server_assert_no_secret_in_clear (server);
  g_assert_cmpuint (fake_server_count (server, "DELE"), ==, 1);
  g_assert_cmpuint (fake_server_count (server, "DELE 2\r\n"), ==, 1);
}

static void
test_stls (void)
{
  check_session ("pop3-stls", PIGEON_NET_SECURITY_STARTTLS);
}

static void
test_implicit (void)
{
  check_session ("pop3-implicit", PIGEON_NET_SECURITY_TLS);
}

/* LIST and RETR arrive one byte per segment. */
static void
test_split (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("pop3-split");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonPop3Session) session = pigeon_pop3_session_new (connection);
  g_autoptr (GError) error = open_session (session);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GBytes) second = NULL;

  g_assert_no_error (error);
  list = list_messages (session, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  second = retrieve (session, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (second, NULL), g_bytes_get_size (second), SECOND, strlen (SECOND));
  quit_session (session);
}

static FakeServer *
open_expecting (const char *scenario, PigeonNetSecurity security, GQuark domain, int code, GError **out)
{
  FakeServer *server = fake_server_start (scenario);
  g_autoptr (PigeonConnection) connection = net_test_connection (server, security);
  g_autoptr (PigeonPop3Session) session = pigeon_pop3_session_new (connection);
  g_autoptr (GError) error = open_session (session);

  g_assert_error (error, domain, code);
  g_assert_false (pigeon_connection_is_connected (connection));
  fake_server_finish (server);
  fake_server_assert_no_secret_in_clear (server);
  g_assert_cmpuint (fake_server_count (server, "DELE"), ==, 0);
  if (out != NULL)
    *out = g_steal_pointer (&error);
  return server;
}

static void
test_inject_after_goahead (void)
{
  g_autoptr (FakeServer) server =
      open_expecting ("pop3-inject-after-goahead", PIGEON_NET_SECURITY_STARTTLS, PIGEON_CONNECTION_ERROR,
                      PIGEON_CONNECTION_ERROR_STARTTLS_INJECTION, NULL);

  g_assert_cmpuint (g_bytes_get_size (server->tls), ==, 0);
}

static void
test_inject_with_capa (void)
{
  g_autoptr (FakeServer) server = open_expecting ("pop3-inject-with-capa", PIGEON_NET_SECURITY_STARTTLS,
                                                  PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_PROTOCOL, NULL);

  g_assert_cmpuint (fake_server_count (server, "STLS"), ==, 0);
}

static void
test_no_stls (void)
{
  g_autoptr (FakeServer) server = open_expecting ("pop3-no-stls", PIGEON_NET_SECURITY_STARTTLS, PIGEON_POP3_ERROR,
                                                  PIGEON_POP3_ERROR_STARTTLS_UNAVAILABLE, NULL);

  g_assert_cmpuint (fake_server_count (server, "USER"), ==, 0);
}

static void
test_refused_stls (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FakeServer) server = open_expecting ("pop3-refuse-stls", PIGEON_NET_SECURITY_STARTTLS, PIGEON_POP3_ERROR,
                                                  PIGEON_POP3_ERROR_STARTTLS_UNAVAILABLE, &error);

  /* Text sent before TLS is the attacker's to choose: never shown. */
  g_assert_null (strstr (error->message, "ALERT"));
}

/* An APOP timestamp seen before STLS is forgotten with everything else:
 * the sign-in after TLS uses what CAPA offers inside TLS. */
static void
test_apop_timestamp_forgotten (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("pop3-apop-clear");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_STARTTLS);
  g_autoptr (PigeonPop3Session) session = pigeon_pop3_session_new (connection);
  g_autoptr (GError) error = open_session (session);

  g_assert_no_error (error);
  quit_session (session);
  fake_server_finish (server);
  fake_server_assert_no_secret_in_clear (server);
  g_assert_cmpuint (fake_server_count (server, "APOP"), ==, 0);
  g_assert_cmpuint (fake_server_count (server, "AUTH PLAIN"), ==, 1);
}

static void
test_drop_during_retr (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("pop3-drop-during-retr");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonPop3Session) session = pigeon_pop3_session_new (connection);
  g_autoptr (GError) error = open_session (session);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GBytes) message = NULL;

  g_assert_no_error (error);
  list = list_messages (session, &error);
  g_assert_no_error (error);
  message = retrieve (session, 1, &error);
  g_assert_null (message);
  g_assert_error (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_CLOSED);
  g_clear_error (&error);
  /* A half-read message cannot be confirmed, so it cannot be deleted. */
  g_assert_false (pigeon_pop3_session_confirm_stored (session, 1, NULL, &error));
  g_clear_error (&error);
  g_assert_false (delete_message (session, 1, &error));
  g_assert_error (error, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_NOT_STORED);
  fake_server_finish (server);
  g_assert_cmpuint (fake_server_count (server, "DELE"), ==, 0);
  g_assert_cmpuint (fake_server_count (server, "QUIT"), ==, 0);
}

static void
test_long_line (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("pop3-long-line");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonPop3Session) session = pigeon_pop3_session_new (connection);
  g_autoptr (GError) error = open_session (session);
  g_autoptr (GBytes) message = NULL;

  g_assert_no_error (error);
  message = retrieve (session, 1, &error);
  g_assert_error (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_LINE_TOO_LONG);
  fake_server_finish (server);
  g_assert_cmpuint (fake_server_count (server, "DELE"), ==, 0);
}

static void
test_size_limit (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("pop3-implicit");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonPop3Session) session = pigeon_pop3_session_new (connection);
  g_autoptr (GError) error = open_session (session);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GBytes) message = NULL;

  g_assert_no_error (error);
  pigeon_pop3_session_set_max_message_size (session, 40);
  list = list_messages (session, &error);
  g_assert_no_error (error);
  /* Listed as larger than the limit: refused before RETR. */
  message = retrieve (session, 2, &error);
  g_assert_error (error, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_MESSAGE_TOO_LARGE);
  quit_session (session);
  fake_server_finish (server);
  g_assert_cmpuint (fake_server_count (server, "RETR"), ==, 0);
}

static void
test_in_use (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("pop3-in-use");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_TLS);
  g_autoptr (PigeonPop3Session) session = pigeon_pop3_session_new (connection);
  g_autoptr (GError) error = open_session (session);

  /* RFC 2449 8.1.1: [IN-USE] means later, not a wrong password. */
  g_assert_error (error, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_TEMPORARY);
  fake_server_finish (server);
  g_assert_cmpuint (fake_server_count (server, "USER " FAKE_USER "\r\n"), ==, 1);
}

static void
test_cert_expired (void)
{
  g_autoptr (FakeServer) server = open_expecting ("pop3-cert-expired", PIGEON_NET_SECURITY_TLS, PIGEON_CONNECTION_ERROR,
                                                  PIGEON_CONNECTION_ERROR_CERTIFICATE, NULL);
}

static void
test_tls11 (void)
{
  g_autoptr (FakeServer) server = open_expecting ("pop3-tls11", PIGEON_NET_SECURITY_STARTTLS, PIGEON_CONNECTION_ERROR,
                                                  PIGEON_CONNECTION_ERROR_TLS_VERSION, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/pop3/status", test_status);
  g_test_add_func ("/net/pop3/errors", test_errors);
  g_test_add_func ("/net/pop3/body-unstuffing", test_body_unstuffing);
  g_test_add_func ("/net/pop3/list-lines", test_list_lines);
  g_test_add_func ("/net/pop3/capabilities", test_capabilities);
  g_test_add_func ("/net/pop3/fake/stls", test_stls);
  g_test_add_func ("/net/pop3/fake/implicit-tls", test_implicit);
  g_test_add_func ("/net/pop3/fake/split", test_split);
  g_test_add_func ("/net/pop3/fake/inject-after-goahead", test_inject_after_goahead);
  g_test_add_func ("/net/pop3/fake/inject-with-capa", test_inject_with_capa);
  g_test_add_func ("/net/pop3/fake/no-stls", test_no_stls);
  g_test_add_func ("/net/pop3/fake/refused-stls", test_refused_stls);
  g_test_add_func ("/net/pop3/fake/apop-timestamp-forgotten", test_apop_timestamp_forgotten);
  g_test_add_func ("/net/pop3/fake/drop-during-retr", test_drop_during_retr);
  g_test_add_func ("/net/pop3/fake/long-line", test_long_line);
  g_test_add_func ("/net/pop3/fake/size-limit", test_size_limit);
  g_test_add_func ("/net/pop3/fake/in-use", test_in_use);
  g_test_add_func ("/net/pop3/fake/cert-expired", test_cert_expired);
  g_test_add_func ("/net/pop3/fake/tls11", test_tls11);
  return g_test_run ();
}
