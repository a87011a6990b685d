/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "net-test-util.h"

static char *cert_dir;

static void
remove_cert_dir (void)
{
  g_autoptr (GDir) dir = g_dir_open (cert_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (cert_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (cert_dir);
}

const char *
net_test_cert_dir (void)
{
  g_autoptr (GError) error = NULL;
  int status;

  if (cert_dir != NULL)
    return cert_dir;
  cert_dir = g_dir_make_tmp ("pigeon-net-certs-XXXXXX", &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char *[]){ FAKE_DIR "/make-certs.sh", cert_dir, NULL }, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  atexit (remove_cert_dir);
  return cert_dir;
}

FakeServer *
fake_server_start (const char *scenario)
{
  FakeServer *server = g_new0 (FakeServer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  server->record_dir = g_dir_make_tmp ("pigeon-fake-XXXXXX", &error);
  g_assert_no_error (error);
  server->process =
      g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, PYTHON, "-W", "ignore", FAKE_DIR "/fake-mail-server.py",
                        scenario, server->record_dir, net_test_cert_dir (), NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "PORT "));
  server->port = atoi (line + 5);
  return server;
}

static gboolean
on_server_timeout (gpointer data)
{
  g_subprocess_force_exit (data);
  return G_SOURCE_REMOVE;
}

static GBytes *
load_record (FakeServer *server, const char *name)
{
  g_autofree char *path = g_build_filename (server->record_dir, name, NULL);
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return g_bytes_new (NULL, 0);
  g_unlink (path);
  return g_bytes_new_take (contents, len);
}

void
fake_server_finish (FakeServer *server)
{
  g_autoptr (GError) error = NULL;
  guint timer = g_timeout_add_seconds (30, on_server_timeout, server->process);

  g_subprocess_wait (server->process, NULL, &error);
  g_source_remove (timer);
  g_assert_no_error (error);
  server->clear = load_record (server, "clear");
  server->tls = load_record (server, "tls");
}

void
fake_server_free (FakeServer *server)
{
  if (server->clear == NULL)
    fake_server_finish (server);
  g_rmdir (server->record_dir);
  g_free (server->record_dir);
  g_clear_object (&server->process);
  g_clear_pointer (&server->clear, g_bytes_unref);
  g_clear_pointer (&server->tls, g_bytes_unref);
  g_free (server);
}

static gboolean
bytes_contain (GBytes *bytes, const char *needle)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return len > 0 && memmem (data, len, needle, strlen (needle)) != NULL;
}

void
fake_server_assert_no_secret_in_clear (FakeServer *server)
{
  static const char plain[] = "\0" FAKE_USER "\0" FAKE_PASSWORD;
  g_autofree char *plain64 = g_base64_encode ((const guchar *) plain, sizeof plain - 1);
  g_autofree char *password64 = g_base64_encode ((const guchar *) FAKE_PASSWORD, strlen (FAKE_PASSWORD));

  g_assert_nonnull (server->clear);
  g_assert_false (bytes_contain (server->clear, FAKE_PASSWORD));
  g_assert_false (bytes_contain (server->clear, plain64));
  g_assert_false (bytes_contain (server->clear, password64));
  g_assert_false (bytes_contain (server->clear, "AUTH"));
  g_assert_false (bytes_contain (server->clear, "PASS"));
  g_assert_false (bytes_contain (server->clear, "APOP"));
}

static guint
count_in (GBytes *bytes, const char *needle)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *end = data + len;
  guint n = 0;

  for (const char *p = data; p != NULL && p < end; n++)
    {
      p = memmem (p, end - p, needle, strlen (needle));
      if (p == NULL)
        break;
      p += strlen (needle);
    }
  return n;
}

guint
fake_server_count (FakeServer *server, const char *needle)
{
  g_assert_nonnull (server->clear);
  return count_in (server->clear, needle) + count_in (server->tls, needle);
}

PigeonConnection *
net_test_connection (FakeServer *server, PigeonNetSecurity security)
{
  PigeonConnection *connection = pigeon_connection_new ("127.0.0.1", server->port, security);
  g_autofree char *ca = g_build_filename (net_test_cert_dir (), "ca.pem", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (pigeon_connection_set_ca_file (connection, ca, &error));
  g_assert_no_error (error);
  pigeon_connection_set_timeouts (connection, 10, 10, 10);
  return connection;
}

static gboolean
on_wait_timeout (gpointer data)
{
  g_error ("a network operation did not finish in time");
  return G_SOURCE_REMOVE;
}

void
net_test_wait (GAsyncResult **result)
{
  guint timer = g_timeout_add_seconds (30, on_wait_timeout, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timer);
}

void
net_test_store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}
