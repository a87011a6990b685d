/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-net.h"

G_BEGIN_DECLS

/* The credentials the fake servers accept (tests/fake/fake-mail-server.py). */
#define FAKE_USER "alice@fake.test"
#define FAKE_PASSWORD "Secret-Pa55word"

/* A scripted server from tests/fake, serving one connection. */
typedef struct
{
  GSubprocess *process;
  char *record_dir;
  guint16 port;
  GBytes *clear; /* what the client sent before TLS */
  GBytes *tls;   /* what it sent inside TLS */
} FakeServer;

/* Makes the test certificates once per process; returns their folder. */
const char *net_test_cert_dir (void);
FakeServer *fake_server_start (const char *scenario);
/* Waits (bounded) for the server to finish and loads its records. */
void fake_server_finish (FakeServer *server);
void fake_server_free (FakeServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

/* Asserts that neither the password nor any SASL encoding of it crossed
 * in the clear. */
void fake_server_assert_no_secret_in_clear (FakeServer *server);
/* How often @needle occurs in everything the client sent. */
guint fake_server_count (FakeServer *server, const char *needle);

/* A connection to the fake server, trusting the test CA. */
PigeonConnection *net_test_connection (FakeServer *server, PigeonNetSecurity security);

/* Runs the default main context until *@result is set (bounded: fails the
 * test after 30 s). */
void net_test_wait (GAsyncResult **result);
/* A GAsyncReadyCallback that stores the result in user_data (a GAsyncResult **). */
void net_test_store_result (GObject *source, GAsyncResult *result, gpointer user_data);

G_END_DECLS
