/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net-test"

#include "config.h"

#include <string.h>

#include "net-test-util.h"

/* Against the real Exim and Dovecot of tests/peers (run under
 * pigeon-peers, which sets PIGEON_TEST_*). */

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);

  g_assert_nonnull (value);
  return value;
}

static PigeonConnection *
peer_connection (const char *port_variable, PigeonNetSecurity security)
{
  PigeonConnection *connection = pigeon_connection_new (env ("PIGEON_TEST_HOST"), atoi (env (port_variable)), security);
  g_autoptr (GError) error = NULL;

  g_assert_true (pigeon_connection_set_ca_file (connection, env ("PIGEON_TEST_CA"), &error));
  return connection;
}

static GError *
smtp_send (const char *port_variable,
           PigeonNetSecurity security,
           const char *password,
           const char *const *to,
           const char *message)
{
  g_autoptr (PigeonConnection) connection = peer_connection (port_variable, security);
  g_autoptr (PigeonSmtpSession) session = pigeon_smtp_session_new (connection);
  g_autoptr (PigeonSasl) credentials = pigeon_sasl_new_password (env ("PIGEON_TEST_USER_A"), password);
  g_autoptr (GAsyncResult) opened = NULL;
  g_autoptr (GAsyncResult) sent = NULL;
  g_autoptr (GAsyncResult) quit = NULL;
  g_autoptr (GBytes) bytes = g_bytes_new (message, strlen (message));
  g_autoptr (GPtrArray) results = NULL;
  GError *error = NULL;

  pigeon_smtp_session_open_async (session, credentials, NULL, net_test_store_result, &opened);
  net_test_wait (&opened);
  if (!pigeon_smtp_session_open_finish (session, opened, &error))
    return error;
  g_assert_true (pigeon_connection_is_encrypted (connection));
  pigeon_smtp_session_send_async (session, env ("PIGEON_TEST_USER_A"), to, bytes, NULL, net_test_store_result, &sent);
  net_test_wait (&sent);
  results = pigeon_smtp_session_send_finish (session, sent, &error);
  if (results == NULL)
    return error;
  for (guint i = 0; i < results->len; i++)
    g_assert_true (pigeon_smtp_recipient_result_is_accepted (results->pdata[i]));
  pigeon_smtp_session_quit_async (session, NULL, net_test_store_result, &quit);
  net_test_wait (&quit);
  pigeon_smtp_session_quit_finish (session, quit, &error);
  return error;
}

typedef struct
{
  PigeonConnection *connection;
  PigeonPop3Session *session;
  GPtrArray *list;
} Pop3;

static void
pop3_close (Pop3 *pop3)
{
  g_clear_pointer (&pop3->list, g_ptr_array_unref);
  g_clear_object (&pop3->session);
  g_clear_object (&pop3->connection);
}

static GError *
pop3_open (Pop3 *pop3, const char *port_variable, PigeonNetSecurity security, const char *password)
{
  g_autoptr (PigeonSasl) credentials = pigeon_sasl_new_password (env ("PIGEON_TEST_USER_B"), password);
  g_autoptr (GAsyncResult) opened = NULL;
  g_autoptr (GAsyncResult) listed = NULL;
  GError *error = NULL;

  pop3->connection = peer_connection (port_variable, security);
  pop3->session = pigeon_pop3_session_new (pop3->connection);
  pigeon_pop3_session_open_async (pop3->session, credentials, NULL, net_test_store_result, &opened);
  net_test_wait (&opened);
  if (!pigeon_pop3_session_open_finish (pop3->session, opened, &error))
    return error;
  pigeon_pop3_session_list_async (pop3->session, NULL, net_test_store_result, &listed);
  net_test_wait (&listed);
  pop3->list = pigeon_pop3_session_list_finish (pop3->session, listed, &error);
  return error;
}

static GBytes *
pop3_retrieve (Pop3 *pop3, guint number)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *bytes;

  pigeon_pop3_session_retrieve_async (pop3->session, number, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  bytes = pigeon_pop3_session_retrieve_finish (pop3->session, result, &error);
  g_assert_no_error (error);
  return bytes;
}

static void
pop3_quit (Pop3 *pop3)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_pop3_session_quit_async (pop3->session, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  g_assert_true (pigeon_pop3_session_quit_finish (pop3->session, result, &error));
  g_assert_no_error (error);
}

/* Polls bob's maildrop (Exim delivers on its own time) until a message
 * whose bytes contain @needle is there; returns its number, or 0. */
static guint
pop3_wait_for (Pop3 *pop3, const char *needle, GBytes **message)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autoptr (GError) error =
          pop3_open (pop3, "PIGEON_TEST_POP3S_PORT", PIGEON_NET_SECURITY_TLS, env ("PIGEON_TEST_PASSWORD_B"));

      g_assert_no_error (error);
      for (guint i = 0; i < pop3->list->len; i++)
        {
          PigeonPop3Message *entry = pop3->list->pdata[i];
          g_autoptr (GBytes) bytes = pop3_retrieve (pop3, entry->number);

          if (memmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), needle, strlen (needle)) != NULL)
            {
              *message = g_steal_pointer (&bytes);
              return entry->number;
            }
        }
      pop3_close (pop3);
      g_usleep (100 * 1000);
    }
  return 0;
}

static char *
attachment_message (const char *subject)
{
  g_autoptr (GString) message = g_string_new (NULL);
  guchar binary[3000];
  g_autofree char *encoded = NULL;

  for (guint i = 0; i < sizeof binary; i++)
    binary[i] = (i * 7919) & 0xff;
  encoded = g_base64_encode (binary, sizeof binary);
  g_string_append_printf (message,
                          "From: Alice <%s>\r\nTo: Bob <%s>\r\nSubject: %s\r\n"
                          "Message-ID: <%s@pigeon.test>\r\nMIME-Version: 1.0\r\n"
                          "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                          "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                          "Caf\xc3\xa9 au lait.\r\n.A line that starts with a dot.\r\n.\r\n"
                          "--b1\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
                          "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\n",
                          env ("PIGEON_TEST_USER_A"), env ("PIGEON_TEST_USER_B"), subject, subject);
  for (gsize i = 0; i < strlen (encoded); i += 76)
    g_string_append_printf (message, "%.76s\r\n", encoded + i);
  g_string_append (message, "--b1\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n"
                            "Content-Disposition: attachment; filename=\"notes.txt\"\r\n\r\n"
                            "second attachment\r\n--b1--\r\n");
  return g_string_free (g_steal_pointer (&message), FALSE);
}

/* A message with attachments goes through Exim (STARTTLS, AUTH) and comes
 * back from bob's maildrop (POP3 with STLS) byte for byte, below the
 * headers the servers add. Then it is deleted, and only after QUIT. */
static void
test_send_and_read_back (void)
{
  g_autofree char *message = attachment_message ("attachments-roundtrip");
  const char *to[] = { env ("PIGEON_TEST_USER_B"), NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) received = NULL;
  Pop3 pop3 = { 0 };
  guint number;
  gsize len;
  const char *data;
  PigeonPop3Message *entry;

  error =
      smtp_send ("PIGEON_TEST_SMTP_PORT", PIGEON_NET_SECURITY_STARTTLS, env ("PIGEON_TEST_PASSWORD_A"), to, message);
  g_assert_no_error (error);
  number = pop3_wait_for (&pop3, "attachments-roundtrip@pigeon.test", &received);
  g_assert_cmpuint (number, >, 0);
  data = g_bytes_get_data (received, &len);
  g_assert_cmpuint (len, >, strlen (message));
  g_assert_cmpmem (data + len - strlen (message), strlen (message), message, strlen (message));
  entry = pop3.list->pdata[number - 1];
  g_assert_nonnull (entry->uid);
  g_assert_true (pigeon_pop3_session_confirm_stored (pop3.session, number, entry->uid, &error));
  {
    g_autoptr (GAsyncResult) result = NULL;

    pigeon_pop3_session_delete_async (pop3.session, number, NULL, net_test_store_result, &result);
    net_test_wait (&result);
    g_assert_true (pigeon_pop3_session_delete_finish (pop3.session, result, &error));
  }
  pop3_quit (&pop3);
  pop3_close (&pop3);

  /* Read through STLS (Dovecot's LOGINDISABLED port) this time. */
  error = pop3_open (&pop3, "PIGEON_TEST_POP3_PORT", PIGEON_NET_SECURITY_STARTTLS, env ("PIGEON_TEST_PASSWORD_B"));
  g_assert_no_error (error);
  g_assert_true (pigeon_connection_is_encrypted (pop3.connection));
  for (guint i = 0; i < pop3.list->len; i++)
    g_assert_cmpstr (((PigeonPop3Message *) pop3.list->pdata[i])->uid, !=, entry->uid);
  pop3_quit (&pop3);
  pop3_close (&pop3);
}

/* The seed's fourth scenario: alice sends to bob through the MTA (implicit
 * TLS, AUTH), and bob's mailbox gets it. A dropped session deletes nothing. */
static void
test_seed_scenario_4 (void)
{
  static const char body[] = "From: %s\r\nTo: %s\r\nSubject: Lunch?\r\nMessage-ID: <scenario4@pigeon.test>\r\n\r\n"
                             "Noon at the usual place?\r\n";
  g_autofree char *message = g_strdup_printf (body, env ("PIGEON_TEST_USER_A"), env ("PIGEON_TEST_USER_B"));
  const char *to[] = { env ("PIGEON_TEST_USER_B"), NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) received = NULL;
  g_autoptr (GBytes) again = NULL;
  Pop3 pop3 = { 0 };
  guint number;

  error = smtp_send ("PIGEON_TEST_SMTPS_PORT", PIGEON_NET_SECURITY_TLS, env ("PIGEON_TEST_PASSWORD_A"), to, message);
  g_assert_no_error (error);
  number = pop3_wait_for (&pop3, "scenario4@pigeon.test", &received);
  g_assert_cmpuint (number, >, 0);
  g_assert_nonnull (
      memmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received), "Noon at the usual place?\r\n", 26));
  /* Confirmed and marked, but the session ends without QUIT. */
  g_assert_true (pigeon_pop3_session_confirm_stored (pop3.session, number, NULL, &error));
  pop3_close (&pop3);
  number = pop3_wait_for (&pop3, "scenario4@pigeon.test", &again);
  g_assert_cmpuint (number, >, 0);
  pop3_quit (&pop3);
  pop3_close (&pop3);
}

static void
test_wrong_passwords (void)
{
  const char *to[] = { env ("PIGEON_TEST_USER_B"), NULL };
  g_autoptr (GError) smtp =
      smtp_send ("PIGEON_TEST_SMTPS_PORT", PIGEON_NET_SECURITY_TLS, "wrong", to, "Subject: x\r\n\r\n");
  Pop3 pop3 = { 0 };
  g_autoptr (GError) pop = pop3_open (&pop3, "PIGEON_TEST_POP3S_PORT", PIGEON_NET_SECURITY_TLS, "wrong");

  g_assert_error (smtp, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_AUTH_FAILED);
  g_assert_error (pop, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_AUTH_FAILED);
  pop3_close (&pop3);
}

/* Exim offers AUTH only inside TLS: with security "none" (loopback) the
 * session has no safe way to sign in and sends no password. */
static void
test_no_auth_in_clear (void)
{
  const char *to[] = { env ("PIGEON_TEST_USER_B"), NULL };
  g_autoptr (GError) error = smtp_send ("PIGEON_TEST_SMTP_PORT", PIGEON_NET_SECURITY_NONE,
                                        env ("PIGEON_TEST_PASSWORD_A"), to, "Subject: x\r\n\r\n");

  g_assert_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_AUTH_UNAVAILABLE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/peers/send-and-read-back", test_send_and_read_back);
  g_test_add_func ("/net/peers/seed-scenario-4", test_seed_scenario_4);
  g_test_add_func ("/net/peers/wrong-passwords", test_wrong_passwords);
  g_test_add_func ("/net/peers/no-auth-in-clear", test_no_auth_in_clear);
  return g_test_run ();
}
