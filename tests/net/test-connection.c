/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net-test"

#include "config.h"

#include <string.h>

#include "net-test-util.h"

static char *
read_line (PigeonConnection *connection, gsize *len, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_connection_read_line_async (connection, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  return pigeon_connection_read_line_finish (connection, result, len, error);
}

static void
connect_plain (PigeonConnection *connection)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_connection_connect_async (connection, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  g_assert_true (pigeon_connection_connect_finish (connection, result, &error));
  g_assert_no_error (error);
}

static void
write_line (PigeonConnection *connection, const char *line)
{
  g_autoptr (GBytes) bytes = g_bytes_new (line, strlen (line));
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_connection_write_async (connection, bytes, NULL, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  g_assert_true (pigeon_connection_write_finish (connection, result, &error));
  g_assert_no_error (error);
}

/* Lines (CRLF or LF, NULs kept) and an exact byte count (an IMAP literal),
 * every byte arriving in its own segment; plaintext is allowed to loopback. */
static void
test_lines_and_bytes (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("raw-lines");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_NONE);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) literal = NULL;
  char *line;
  gsize len;

  connect_plain (connection);
  g_assert_true (pigeon_connection_is_loopback (connection));
  g_assert_false (pigeon_connection_is_encrypted (connection));
  line = read_line (connection, &len, &error);
  g_assert_cmpstr (line, ==, "line one");
  g_free (line);
  line = read_line (connection, &len, &error);
  g_assert_cmpstr (line, ==, "LF only");
  g_free (line);
  line = read_line (connection, &len, &error);
  g_assert_cmpmem (line, len, "nul\0inside", 10);
  g_free (line);
  line = read_line (connection, &len, &error);
  g_assert_cmpstr (line, ==, "{5}");
  g_free (line);
  pigeon_connection_read_bytes_async (connection, 5, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  literal = pigeon_connection_read_bytes_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (literal, NULL), g_bytes_get_size (literal), "abcde", 5);
  line = read_line (connection, &len, &error);
  g_assert_cmpstr (line, ==, "");
  g_free (line);
  line = read_line (connection, &len, &error);
  g_assert_cmpstr (line, ==, "last");
  g_free (line);
  g_assert_no_error (error);
  write_line (connection, "BYE\r\n");
  fake_server_finish (server);
  g_assert_cmpuint (fake_server_count (server, "BYE\r\n"), ==, 1);
}

/* A line cap smaller than the server's line. */
static void
test_line_cap (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("raw-lines");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_NONE);
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  pigeon_connection_set_max_line_length (connection, 4);
  connect_plain (connection);
  line = read_line (connection, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_LINE_TOO_LONG);
  pigeon_connection_close (connection);
}

/* A server that says nothing: the command timeout ends the wait. */
static void
test_command_timeout (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("raw-silent");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_NONE);
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  gint64 start;

  pigeon_connection_set_timeouts (connection, 5, 5, 1);
  connect_plain (connection);
  start = g_get_monotonic_time ();
  line = read_line (connection, NULL, &error);
  g_assert_error (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  write_line (connection, "BYE\r\n");
}

static void
test_cancel (void)
{
  g_autoptr (FakeServer) server = fake_server_start ("raw-silent");
  g_autoptr (PigeonConnection) connection = net_test_connection (server, PIGEON_NET_SECURITY_NONE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;

  connect_plain (connection);
  pigeon_connection_read_line_async (connection, cancellable, net_test_store_result, &result);
  g_cancellable_cancel (cancellable);
  net_test_wait (&result);
  line = pigeon_connection_read_line_finish (connection, result, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  write_line (connection, "BYE\r\n");
}

static void
test_fingerprint_and_reasons (void)
{
  g_autofree char *path = g_build_filename (net_test_cert_dir (), "good.pem", NULL);
  g_autoptr (GTlsCertificate) certificate = g_tls_certificate_new_from_file (path, NULL);
  g_autofree char *fingerprint = pigeon_certificate_get_fingerprint (certificate);
  g_autofree char *reasons =
      pigeon_certificate_describe_errors (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_autoptr (PigeonConnection) connection = pigeon_connection_new ("127.0.0.1", 1, PIGEON_NET_SECURITY_TLS);
  g_autofree char *lower = g_ascii_strdown (fingerprint, -1);

  g_assert_cmpuint (strlen (fingerprint), ==, 32 * 3 - 1);
  g_assert_cmpint (fingerprint[2], ==, ':');
  g_assert_nonnull (strstr (reasons, "expired"));
  g_assert_nonnull (strstr (reasons, "another server name"));
  g_assert_true (pigeon_connection_set_pinned_fingerprint (connection, lower));
  g_assert_false (pigeon_connection_set_pinned_fingerprint (connection, "not a fingerprint"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/connection/lines-and-bytes", test_lines_and_bytes);
  g_test_add_func ("/net/connection/line-cap", test_line_cap);
  g_test_add_func ("/net/connection/command-timeout", test_command_timeout);
  g_test_add_func ("/net/connection/cancel", test_cancel);
  g_test_add_func ("/net/connection/fingerprint-and-reasons", test_fingerprint_and_reasons);
  return g_test_run ();
}
