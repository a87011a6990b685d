/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "pigeon-net.h"

/* bench-imap-fetch FOLDER BATCH: signs in to the peers' Dovecot (IMAPS),
 * selects FOLDER and fetches UID FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE
 * (and INTERNALDATE) of every message in UID ranges of BATCH, all
 * pipelined, each message parsed into a PigeonImapFetch and dropped.
 * Prints "messages seconds max-rss-kb". */

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
store (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
count (PigeonImapFetch *fetch, gpointer user_data)
{
  guint64 *bytes = user_data;

  g_assert (fetch->envelope != NULL && fetch->body_structure != NULL);
  *bytes += fetch->size;
}

static long
max_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *at;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (at = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return atol (at + 6);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonConnection) connection = NULL;
  g_autoptr (PigeonImapSession) session = NULL;
  g_autoptr (PigeonSasl) sasl = NULL;
  g_autoptr (GAsyncResult) opened = NULL;
  g_autoptr (GAsyncResult) selected_result = NULL;
  g_autoptr (PigeonImapSelected) selected = NULL;
  g_autoptr (GPtrArray) results = g_ptr_array_new ();
  guint batch = argc > 2 ? atoi (argv[2]) : 1000;
  guint64 bytes = 0;
  guint total = 0;
  gint64 start;

  g_return_val_if_fail (argc >= 2, 2);
  connection = pigeon_connection_new (g_getenv ("PIGEON_TEST_HOST"), atoi (g_getenv ("PIGEON_TEST_IMAPS_PORT")),
                                      PIGEON_NET_SECURITY_TLS);
  pigeon_connection_set_ca_file (connection, g_getenv ("PIGEON_TEST_CA"), NULL);
  session = pigeon_imap_session_new (connection);
  sasl = pigeon_sasl_new_password (g_getenv ("PIGEON_TEST_USER_A"), g_getenv ("PIGEON_TEST_PASSWORD_A"));
  pigeon_imap_session_open_async (session, sasl, NULL, store, &opened);
  wait_for (&opened);
  if (!pigeon_imap_session_open_finish (session, opened, &error))
    g_error ("open: %s", error->message);
  pigeon_imap_session_select_async (session, argv[1], TRUE, NULL, NULL, NULL, NULL, store, &selected_result);
  wait_for (&selected_result);
  selected = pigeon_imap_session_select_finish (session, selected_result, &error);
  if (selected == NULL)
    g_error ("select: %s", error->message);

  start = g_get_monotonic_time ();
  for (guint first = 1; first < selected->uidnext; first += batch)
    {
      g_autofree char *set = g_strdup_printf ("%u:%u", first, first + batch - 1);
      GAsyncResult **slot = g_new0 (GAsyncResult *, 1);
      pigeon_imap_session_fetch_async (session, set,
                                       PIGEON_IMAP_FETCH_UID | PIGEON_IMAP_FETCH_FLAGS | PIGEON_IMAP_FETCH_ENVELOPE |
                                           PIGEON_IMAP_FETCH_BODYSTRUCTURE | PIGEON_IMAP_FETCH_SIZE,
                                       NULL, 0, count, &bytes, NULL, store, slot);
      g_ptr_array_add (results, slot);
    }
  for (guint i = 0; i < results->len; i++)
    {
      GAsyncResult **slot = results->pdata[i];
      wait_for (slot);
      total += pigeon_imap_session_fetch_finish (session, *slot, &error);
      if (error != NULL)
        g_error ("fetch: %s", error->message);
      g_object_unref (*slot);
      g_free (slot);
    }
  printf ("%u %.3f %ld\n", total, (g_get_monotonic_time () - start) / 1e6, max_rss_kb ());
  return 0;
}
