/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net-bench"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pigeon-net.h"

/* Sends COUNT small messages from user A to user B through the peers' Exim
 * (implicit TLS, AUTH) in one PigeonSmtpSession, pipelined, and prints the
 * seconds it took from connect to QUIT. Run under tests/peers/pigeon-peers. */

typedef struct
{
  PigeonSmtpSession *session;
  GMainLoop *loop;
  guint count;
  guint sent;
  const char *from;
  const char *to[2];
  GError *error;
} Bench;

static void send_next (Bench *bench);

static void
on_quit (GObject *source, GAsyncResult *result, gpointer data)
{
  Bench *bench = data;

  pigeon_smtp_session_quit_finish (bench->session, result, &bench->error);
  g_main_loop_quit (bench->loop);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer data)
{
  Bench *bench = data;
  g_autoptr (GPtrArray) results = pigeon_smtp_session_send_finish (bench->session, result, &bench->error);

  if (results == NULL)
    {
      g_main_loop_quit (bench->loop);
      return;
    }
  bench->sent++;
  send_next (bench);
}

static void
send_next (Bench *bench)
{
  g_autofree char *text = NULL;
  g_autoptr (GBytes) message = NULL;

  if (bench->sent == bench->count)
    {
      pigeon_smtp_session_quit_async (bench->session, NULL, on_quit, bench);
      return;
    }
  text = g_strdup_printf ("From: %s\r\nTo: %s\r\nSubject: bench %u\r\nMessage-ID: <bench-pigeon-%u@pigeon.test>\r\n\r\n"
                          "A small message, number %u.\r\n",
                          bench->from, bench->to[0], bench->sent, bench->sent, bench->sent);
  message = g_bytes_new_take (text, strlen (text));
  text = NULL;
  pigeon_smtp_session_send_async (bench->session, bench->from, bench->to, message, NULL, on_sent, bench);
}

static void
on_opened (GObject *source, GAsyncResult *result, gpointer data)
{
  Bench *bench = data;

  if (!pigeon_smtp_session_open_finish (bench->session, result, &bench->error))
    g_main_loop_quit (bench->loop);
  else
    send_next (bench);
}

int
main (int argc, char *argv[])
{
  Bench bench = { 0 };
  g_autoptr (PigeonConnection) connection = NULL;
  g_autoptr (PigeonSasl) credentials = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start;

  if (argc != 2 || g_getenv ("PIGEON_TEST_SMTPS_PORT") == NULL)
    {
      g_printerr ("usage: pigeon-peers run -- %s COUNT\n", argv[0]);
      return 2;
    }
  bench.count = atoi (argv[1]);
  bench.from = g_getenv ("PIGEON_TEST_USER_A");
  bench.to[0] = g_getenv ("PIGEON_TEST_USER_B");
  connection = pigeon_connection_new (g_getenv ("PIGEON_TEST_HOST"), atoi (g_getenv ("PIGEON_TEST_SMTPS_PORT")),
                                      PIGEON_NET_SECURITY_TLS);
  if (!pigeon_connection_set_ca_file (connection, g_getenv ("PIGEON_TEST_CA"), &error))
    g_error ("%s", error->message);
  credentials = pigeon_sasl_new_password (bench.from, g_getenv ("PIGEON_TEST_PASSWORD_A"));
  bench.session = pigeon_smtp_session_new (connection);
  bench.loop = g_main_loop_new (NULL, FALSE);
  start = g_get_monotonic_time ();
  pigeon_smtp_session_open_async (bench.session, credentials, NULL, on_opened, &bench);
  g_main_loop_run (bench.loop);
  if (bench.error != NULL)
    {
      g_printerr ("after %u messages: %s\n", bench.sent, bench.error->message);
      return 1;
    }
  g_print ("%.3f\n", (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  g_main_loop_unref (bench.loop);
  g_object_unref (bench.session);
  return 0;
}
