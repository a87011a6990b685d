/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net-test"

#include "config.h"

#include <string.h>

#include "net-test-util.h"

/* PigeonImapSession against the real Dovecot of tests/peers (run under
 * pigeon-peers, which sets PIGEON_TEST_*). With PIGEON_PEERS_DOVECOT_EXTRA
 * taking MOVE away, the move test checks the COPY + STORE + UID EXPUNGE
 * path instead. */

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);

  g_assert_nonnull (value);
  return value;
}

typedef struct
{
  PigeonConnection *connection;
  PigeonImapSession *session;
  GString *sent; /* the protocol log of what we sent */
  guint exists;
  guint expunged;
  guint vanished;
} Peer;

static void
on_log (PigeonConnection *connection, PigeonLogDirection direction, const char *line, gpointer user_data)
{
  Peer *peer = user_data;

  if (direction == PIGEON_LOG_SENT)
    g_string_append_printf (peer->sent, "%s\n", line);
}

static void
on_exists (PigeonImapSession *session, guint n, Peer *peer)
{
  peer->exists = n;
}

static void
on_expunged (PigeonImapSession *session, guint n, Peer *peer)
{
  peer->expunged++;
}

static void
on_vanished (PigeonImapSession *session, const char *set, gboolean earlier, Peer *peer)
{
  peer->vanished++;
}

static void
peer_free (Peer *peer)
{
  g_clear_object (&peer->session);
  g_clear_object (&peer->connection);
  g_string_free (peer->sent, TRUE);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

static Peer *
peer_open (const char *port_variable, PigeonNetSecurity security, const char *user)
{
  Peer *peer = g_new0 (Peer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (PigeonSasl) sasl = NULL;
  g_autofree char *user_var = g_strdup_printf ("PIGEON_TEST_USER_%s", user);
  g_autofree char *password_var = g_strdup_printf ("PIGEON_TEST_PASSWORD_%s", user);

  peer->sent = g_string_new (NULL);
  peer->connection = pigeon_connection_new (env ("PIGEON_TEST_HOST"), atoi (env (port_variable)), security);
  g_assert_true (pigeon_connection_set_ca_file (peer->connection, env ("PIGEON_TEST_CA"), &error));
  pigeon_connection_set_log_func (peer->connection, on_log, peer, NULL);
  peer->session = pigeon_imap_session_new (peer->connection);
  g_signal_connect (peer->session, "exists", G_CALLBACK (on_exists), peer);
  g_signal_connect (peer->session, "expunged", G_CALLBACK (on_expunged), peer);
  g_signal_connect (peer->session, "vanished", G_CALLBACK (on_vanished), peer);
  sasl = pigeon_sasl_new_password (env (user_var), env (password_var));
  pigeon_imap_session_open_async (peer->session, sasl, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  pigeon_imap_session_open_finish (peer->session, result, &error);
  g_assert_no_error (error);
  g_assert_true (pigeon_connection_is_encrypted (peer->connection));
  return peer;
}

static Peer *
peer_open_a (void)
{
  return peer_open ("PIGEON_TEST_IMAPS_PORT", PIGEON_NET_SECURITY_TLS, "A");
}

static void
check_command (Peer *peer, GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;

  pigeon_imap_session_command_finish (peer->session, result, &error);
  g_assert_no_error (error);
  g_object_unref (result);
}

#define WAIT_COMMAND(peer, call)     \
  G_STMT_START                       \
  {                                  \
    GAsyncResult *_result = NULL;    \
    call;                            \
    net_test_wait (&_result);        \
    check_command ((peer), _result); \
  }                                  \
  G_STMT_END
#define CB net_test_store_result, &_result

static PigeonImapSelected *
select_folder (Peer *peer,
               const char *name,
               const PigeonImapKnownState *known,
               PigeonImapFetchFunc func,
               gpointer data,
               GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_imap_session_select_async (peer->session, name, FALSE, known, func, data, NULL, net_test_store_result,
                                    &result);
  net_test_wait (&result);
  return pigeon_imap_session_select_finish (peer->session, result, error);
}

static GPtrArray *
list_folders (Peer *peer)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *list;

  pigeon_imap_session_list_async (peer->session, TRUE, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  list = pigeon_imap_session_list_finish (peer->session, result, &error);
  g_assert_no_error (error);
  return list;
}

static PigeonImapMailbox *
find (GPtrArray *list, const char *name)
{
  for (guint i = 0; i < list->len; i++)
    if (strcmp (((PigeonImapMailbox *) list->pdata[i])->name, name) == 0)
      return list->pdata[i];
  return NULL;
}

static GBytes *
make_message (guint i)
{
  return g_bytes_new_take (
      g_strdup_printf ("From: =?UTF-8?Q?J=C3=BCrgen?= <j@pigeon.test>\r\nTo: a@pigeon.test\r\n"
                       "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= %u\r\nMessage-ID: <m%u@pigeon.test>\r\n"
                       "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nBody %u\r\nline two: caf\xc3\xa9\r\n",
                       i, i, i),
      0);
}

static void
fix_size (GBytes **bytes)
{
  gsize len = strlen (g_bytes_get_data (*bytes, NULL));
  GBytes *fixed = g_bytes_new (g_bytes_get_data (*bytes, NULL), len);

  g_bytes_unref (*bytes);
  *bytes = fixed;
}

static void
append_messages (Peer *peer, const char *folder, guint count)
{
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  GAsyncResult **slots = g_new0 (GAsyncResult *, count);

  /* Pipelined: LITERAL+ lets every APPEND go without waiting. */
  for (guint i = 0; i < count; i++)
    {
      g_autoptr (GBytes) message = make_message (i + 1);
      static const char *const flags[] = { "\\Seen", NULL };
      fix_size (&message);
      pigeon_imap_session_append_async (peer->session, folder, i % 2 == 0 ? flags : NULL, 1704103200 + i, message, NULL,
                                        net_test_store_result, &slots[i]);
    }
  for (guint i = 0; i < count; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PigeonImapCopyResult) appended = NULL;
      net_test_wait (&slots[i]);
      appended = pigeon_imap_session_copy_finish (peer->session, slots[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (appended->dest_uids);
      g_object_unref (slots[i]);
    }
  g_free (slots);
}

static void
test_open_starttls (void)
{
  g_autoptr (Peer) peer = peer_open ("PIGEON_TEST_IMAP_PORT", PIGEON_NET_SECURITY_STARTTLS, "A");

  g_assert_true (pigeon_imap_session_has_capability (peer->session, "IDLE"));
  /* CAPABILITY in the clear, after TLS, and (from the login OK) after. */
  g_assert_nonnull (strstr (peer->sent->str, "STARTTLS"));
  g_assert_null (strstr (peer->sent->str, env ("PIGEON_TEST_PASSWORD_A")));
  g_assert_true (pigeon_imap_session_is_enabled (peer->session, "QRESYNC") ||
                 !pigeon_imap_session_has_capability (peer->session, "QRESYNC"));
}

static void
test_folders (void)
{
  g_autoptr (Peer) peer = peer_open_a ();
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GAsyncResult) ns = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *prefix = NULL;
  char delimiter = 0;
  PigeonImapMailbox *mailbox;

  pigeon_imap_session_namespace_async (peer->session, NULL, net_test_store_result, &ns);
  net_test_wait (&ns);
  prefix = pigeon_imap_session_namespace_finish (peer->session, ns, &delimiter, &error);
  g_assert_no_error (error);
  g_assert_cmpint (delimiter, !=, 0);

  WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, "Entwürfe", NULL, CB));
  WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, "Projects", NULL, CB));
  {
    g_autofree char *child = g_strdup_printf ("Projects%cPigeon", delimiter);
    WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, child, NULL, CB));
  }
  WAIT_COMMAND (peer, pigeon_imap_session_subscribe_async (peer->session, "Entwürfe", TRUE, NULL, CB));
  append_messages (peer, "Entwürfe", 3);
  list = list_folders (peer);
  mailbox = find (list, "Entwürfe");
  g_assert_nonnull (mailbox);
  g_assert_cmpstr (mailbox->raw_name, ==, "Entw&APw-rfe");
  /* \Subscribed comes with LIST-EXTENDED; without it (and LIST-STATUS)
   * the counts come from one STATUS per folder. */
  if (pigeon_imap_session_has_capability (peer->session, "LIST-EXTENDED"))
    g_assert_true (mailbox->subscribed);
  else
    g_assert_nonnull (strstr (peer->sent->str, "STATUS \"Entw&APw-rfe\" (MESSAGES"));
  g_assert_true (mailbox->has_status);
  g_assert_cmpuint (mailbox->messages, ==, 3);
  g_assert_cmpuint (mailbox->unseen, ==, 1);
  g_assert_cmpuint (find (list, "INBOX")->role, ==, PIGEON_IMAP_ROLE_INBOX);
  g_assert_true (find (list, "Projects")->has_children);
  g_clear_pointer (&list, g_ptr_array_unref);

  WAIT_COMMAND (peer, pigeon_imap_session_rename_async (peer->session, "Entwürfe", "Brouillons é", NULL, CB));
  WAIT_COMMAND (peer, pigeon_imap_session_delete_async (peer->session, "Projects", NULL, CB));
  list = list_folders (peer);
  g_assert_null (find (list, "Entwürfe"));
  g_assert_cmpuint (find (list, "Brouillons é")->messages, ==, 3);
  /* RFC 3501 6.3.4: deleting a parent leaves its children. */
  {
    g_autofree char *child = g_strdup_printf ("Projects%cPigeon", delimiter);
    g_assert_nonnull (find (list, child));
  }
}

typedef struct
{
  GPtrArray *uids;
  GHashTable *bodies; /* uid -> GBytes */
  guint with_envelope;
} Collected;

static void
collect (PigeonImapFetch *fetch, gpointer user_data)
{
  Collected *c = user_data;
  GBytes *body = pigeon_imap_fetch_get_section (fetch, "");

  g_ptr_array_add (c->uids, GUINT_TO_POINTER (fetch->uid));
  if (fetch->envelope != NULL && g_str_has_prefix (fetch->envelope->subject, "Grüße "))
    c->with_envelope++;
  if (body != NULL)
    g_hash_table_insert (c->bodies, GUINT_TO_POINTER (fetch->uid), g_bytes_ref (body));
}

static void
test_append_fetch (void)
{
  g_autoptr (Peer) peer = peer_open_a ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected = NULL;
  Collected c = { g_ptr_array_new (), g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref), 0 };
  GAsyncResult *results[4] = { NULL };
  static const char *const partial[] = { "1", "TEXT<0.4>", NULL };
  guint total = 0;

  WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, "Bulk", NULL, CB));
  append_messages (peer, "Bulk", 1000);
  selected = select_folder (peer, "Bulk", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (selected->exists, ==, 1000);
  g_assert_cmpuint (selected->uidnext, ==, 1001);
  g_assert_cmpuint (selected->highestmodseq, >, 0);

  /* Summaries in four pipelined batches, then whole bodies. */
  for (guint b = 0; b < 4; b++)
    {
      g_autofree char *set = g_strdup_printf ("%u:%u", b * 250 + 1, b * 250 + 250);
      pigeon_imap_session_fetch_async (peer->session, set, PIGEON_IMAP_FETCH_SUMMARY | PIGEON_IMAP_FETCH_MODSEQ, NULL,
                                       0, collect, &c, NULL, net_test_store_result, &results[b]);
    }
  for (guint b = 0; b < 4; b++)
    {
      net_test_wait (&results[b]);
      total += pigeon_imap_session_fetch_finish (peer->session, results[b], &error);
      g_assert_no_error (error);
      g_clear_object (&results[b]);
    }
  g_assert_cmpuint (total, ==, 1000);
  g_assert_cmpuint (c.with_envelope, ==, 1000);
  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (c.uids->pdata[i]), ==, i + 1);

  pigeon_imap_session_fetch_async (peer->session, "1:*", PIGEON_IMAP_FETCH_BODY, partial, 0, collect, &c, NULL,
                                   net_test_store_result, &results[0]);
  net_test_wait (&results[0]);
  g_assert_cmpuint (pigeon_imap_session_fetch_finish (peer->session, results[0], &error), ==, 1000);
  g_assert_no_error (error);
  g_clear_object (&results[0]);
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr (GBytes) expected = make_message (i + 1);
      GBytes *got = g_hash_table_lookup (c.bodies, GUINT_TO_POINTER (i + 1));
      fix_size (&expected);
      g_assert_nonnull (got);
      g_assert_true (g_bytes_equal (expected, got));
    }
  g_ptr_array_unref (c.uids);
  g_hash_table_unref (c.bodies);
}

static void
test_flags_search (void)
{
  g_autoptr (Peer) peer = peer_open_a ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected = NULL;
  g_autoptr (GArray) found = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  static const char *const flagged[] = { "\\Flagged", "$Important", NULL };
  static const char *const seen[] = { "\\Seen", NULL };

  WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, "Flags", NULL, CB));
  append_messages (peer, "Flags", 6);
  selected = select_folder (peer, "Flags", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  WAIT_COMMAND (peer,
                pigeon_imap_session_store_async (peer->session, "2,4", PIGEON_IMAP_STORE_ADD, flagged, 0, NULL, CB));
  WAIT_COMMAND (peer,
                pigeon_imap_session_store_async (peer->session, "1", PIGEON_IMAP_STORE_REMOVE, seen, 0, NULL, CB));

  pigeon_imap_session_search_async (peer->session, "FLAGGED", NULL, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  found = pigeon_imap_session_search_finish (peer->session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpuint (g_array_index (found, guint32, 1), ==, 4);
  g_clear_object (&result);
  g_clear_pointer (&found, g_array_unref);

  /* UTF-8 search text goes as a literal with CHARSET UTF-8. */
  pigeon_imap_session_search_async (peer->session, "UNSEEN SUBJECT", "Grüße", NULL, net_test_store_result, &result);
  net_test_wait (&result);
  found = pigeon_imap_session_search_finish (peer->session, result, &error);
  g_assert_no_error (error);
  /* 1 (its \Seen removed), 2, 4, 6 were appended unseen or made so. */
  g_assert_cmpuint (found->len, ==, 4);
  g_clear_object (&result);

  /* UNCHANGEDSINCE with a stale mod-sequence: refused for what changed. */
  if (pigeon_imap_session_has_capability (peer->session, "CONDSTORE"))
    {
      pigeon_imap_session_store_async (peer->session, "2", PIGEON_IMAP_STORE_ADD, seen, 1, NULL, net_test_store_result,
                                       &result);
      net_test_wait (&result);
      g_assert_false (pigeon_imap_session_command_finish (peer->session, result, &error));
      g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_MODIFIED);
      g_assert_cmpstr (error->message, ==, "2");
    }
}

static void
test_move_copy (void)
{
  g_autoptr (Peer) peer = peer_open_a ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected = NULL;
  g_autoptr (GAsyncResult) copied = NULL;
  g_autoptr (GAsyncResult) moved = NULL;
  g_autoptr (PigeonImapCopyResult) copy = NULL;
  g_autoptr (PigeonImapCopyResult) move = NULL;
  g_autoptr (GPtrArray) list = NULL;
  gboolean has_move = pigeon_imap_session_has_capability (peer->session, "MOVE");
  static const char *const deleted[] = { "\\Deleted", NULL };

  g_test_message ("MOVE %s", has_move ? "offered" : "not offered: the fallback");
  WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, "Src", NULL, CB));
  WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, "Dst", NULL, CB));
  append_messages (peer, "Src", 6);
  selected = select_folder (peer, "Src", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* Another message marked \Deleted by someone: the fallback must not
   * expunge it. */
  WAIT_COMMAND (peer,
                pigeon_imap_session_store_async (peer->session, "6", PIGEON_IMAP_STORE_ADD, deleted, 0, NULL, CB));

  pigeon_imap_session_copy_async (peer->session, "1:2", "Dst", NULL, net_test_store_result, &copied);
  net_test_wait (&copied);
  copy = pigeon_imap_session_copy_finish (peer->session, copied, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copy->source_uids, ==, "1:2");
  g_assert_cmpstr (copy->dest_uids, ==, "1:2");

  pigeon_imap_session_move_async (peer->session, "3:4", "Dst", NULL, net_test_store_result, &moved);
  net_test_wait (&moved);
  move = pigeon_imap_session_copy_finish (peer->session, moved, &error);
  g_assert_no_error (error);
  g_assert_true (move->expunged);
  g_assert_cmpstr (move->dest_uids, ==, "3:4");
  /* EXPUNGE, or VANISHED once QRESYNC is on (RFC 7162 3.2.10). */
  g_assert_cmpuint (peer->expunged + peer->vanished, >=, 1);
  if (has_move)
    g_assert_nonnull (strstr (peer->sent->str, "UID MOVE 3:4 \"Dst\""));
  else
    {
      g_assert_null (strstr (peer->sent->str, "MOVE"));
      g_assert_nonnull (strstr (peer->sent->str, "UID COPY 3:4 \"Dst\""));
      g_assert_nonnull (strstr (peer->sent->str, "UID STORE 3:4 +FLAGS.SILENT (\\Deleted)"));
      g_assert_nonnull (strstr (peer->sent->str, "UID EXPUNGE 3:4"));
    }
  g_assert_null (strstr (peer->sent->str, " EXPUNGE\n"));
  list = list_folders (peer);
  g_assert_cmpuint (find (list, "Dst")->messages, ==, 4);
  /* 1, 2, 5 and the \Deleted 6 are still there. */
  g_assert_cmpuint (find (list, "Src")->messages, ==, 4);
}

/* The second client of the IDLE test is Python's imaplib, independent of
 * Pigeon. It prints the monotonic time at which the server confirmed its
 * change (Python's time.monotonic() and g_get_monotonic_time() both read
 * CLOCK_MONOTONIC on Linux). */
static const char imaplib_script[] =
    "import imaplib, os, ssl, sys, time\n"
    "context = ssl.create_default_context(cafile=os.environ['PIGEON_TEST_CA'])\n"
    "m = imaplib.IMAP4_SSL('127.0.0.1', int(os.environ['PIGEON_TEST_IMAPS_PORT']), ssl_context=context)\n"
    "m.login(os.environ['PIGEON_TEST_USER_A'], os.environ['PIGEON_TEST_PASSWORD_A'])\n"
    "if sys.argv[1] == 'append':\n"
    "    m.append('Idle', None, None, b'Subject: from imaplib\\r\\n\\r\\nhello\\r\\n')\n"
    "else:\n"
    "    m.select('Idle')\n"
    "    m.store('1', '+FLAGS', '\\\\Deleted')\n"
    "    m.expunge()\n"
    "print(int(time.monotonic() * 1e6), flush=True)\n"
    "m.logout()\n";

static GSubprocess *
imaplib_start (const char *action)
{
  g_autoptr (GError) error = NULL;
  GSubprocess *process =
      g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "python3", "-c", imaplib_script, action, NULL);

  g_assert_no_error (error);
  return process;
}

/* Waits for imaplib to end and returns when its change was confirmed. */
static gint64
imaplib_finish (GSubprocess *process)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return g_ascii_strtoll (out, NULL, 10);
}

/* RFC 2177: the session reports another client's APPEND and EXPUNGE,
 * each within a second of the server confirming it. */
static void
test_idle (void)
{
  g_autoptr (Peer) watcher = peer_open_a ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected = NULL;
  g_autoptr (GAsyncResult) idled = NULL;
  g_autoptr (GSubprocess) appender = NULL;
  g_autoptr (GSubprocess) expunger = NULL;
  gint64 seen;

  WAIT_COMMAND (watcher, pigeon_imap_session_create_async (watcher->session, "Idle", NULL, CB));
  append_messages (watcher, "Idle", 2);
  selected = select_folder (watcher, "Idle", NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  pigeon_imap_session_idle_async (watcher->session, NULL, net_test_store_result, &idled);
  appender = imaplib_start ("append");
  net_test_wait (&idled);
  seen = g_get_monotonic_time ();
  check_command (watcher, g_steal_pointer (&idled));
  seen -= imaplib_finish (appender);
  g_test_message ("IDLE saw imaplib's APPEND %.3f s after the server confirmed it", seen / 1e6);
  g_assert_cmpint (seen, <, G_USEC_PER_SEC);
  g_assert_cmpuint (watcher->exists, ==, 3);

  pigeon_imap_session_idle_async (watcher->session, NULL, net_test_store_result, &idled);
  expunger = imaplib_start ("expunge");
  net_test_wait (&idled);
  seen = g_get_monotonic_time ();
  check_command (watcher, g_steal_pointer (&idled));
  seen -= imaplib_finish (expunger);
  g_test_message ("IDLE saw imaplib's EXPUNGE %.3f s after the server confirmed it", seen / 1e6);
  g_assert_cmpint (seen, <, G_USEC_PER_SEC);
  g_assert_cmpuint (watcher->expunged + watcher->vanished, >=, 1);
}

static void
count_change (PigeonImapFetch *fetch, gpointer user_data)
{
  guint *changed = user_data;

  (*changed)++;
  g_assert_true (fetch->present & PIGEON_IMAP_FETCH_FLAGS);
}

static void
test_qresync (void)
{
  g_autoptr (Peer) peer = peer_open_a ();
  g_autoptr (Peer) other = peer_open_a ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) first = NULL;
  g_autoptr (PigeonImapSelected) again = NULL;
  g_autoptr (PigeonImapSelected) other_selected = NULL;
  g_autoptr (PigeonImapSelected) changed = NULL;
  PigeonImapKnownState known = { 0 };
  static const char *const flagged[] = { "\\Flagged", NULL };
  static const char *const deleted[] = { "\\Deleted", NULL };
  guint n_changed = 0;

  if (!pigeon_imap_session_is_enabled (peer->session, "QRESYNC"))
    {
      g_test_skip ("QRESYNC is not offered");
      return;
    }
  WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, "Sync", NULL, CB));
  append_messages (peer, "Sync", 10);
  first = select_folder (peer, "Sync", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  known.uidvalidity = first->uidvalidity;
  known.highestmodseq = first->highestmodseq;
  known.known_uids = "1:10";
  WAIT_COMMAND (peer, pigeon_imap_session_unselect_async (peer->session, NULL, CB));

  /* Unchanged: the resync costs nothing. */
  again = select_folder (peer, "Sync", &known, count_change, &n_changed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_changed, ==, 0);
  g_assert_null (again->vanished);
  WAIT_COMMAND (peer, pigeon_imap_session_unselect_async (peer->session, NULL, CB));

  other_selected = select_folder (other, "Sync", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  WAIT_COMMAND (other,
                pigeon_imap_session_store_async (other->session, "3", PIGEON_IMAP_STORE_ADD, flagged, 0, NULL, CB));
  WAIT_COMMAND (other,
                pigeon_imap_session_store_async (other->session, "7", PIGEON_IMAP_STORE_ADD, deleted, 0, NULL, CB));
  WAIT_COMMAND (other, pigeon_imap_session_expunge_async (other->session, "7", NULL, CB));

  changed = select_folder (peer, "Sync", &known, count_change, &n_changed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_changed, ==, 1);
  g_assert_cmpstr (changed->vanished, ==, "7");
  g_assert_cmpuint (changed->exists, ==, 9);
  g_assert_nonnull (strstr (peer->sent->str, "(QRESYNC ("));
}

static void
test_uidvalidity (void)
{
  g_autoptr (Peer) peer = peer_open_a ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) first = NULL;
  g_autoptr (PigeonImapSelected) again = NULL;
  PigeonImapKnownState known = { 0 };

  WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, "Volatile", NULL, CB));
  append_messages (peer, "Volatile", 2);
  first = select_folder (peer, "Volatile", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  known.uidvalidity = first->uidvalidity;
  known.highestmodseq = first->highestmodseq;
  WAIT_COMMAND (peer, pigeon_imap_session_unselect_async (peer->session, NULL, CB));
  WAIT_COMMAND (peer, pigeon_imap_session_delete_async (peer->session, "Volatile", NULL, CB));
  /* Dovecot hands out UIDVALIDITY from the clock, in seconds. */
  g_usleep (1100 * 1000);
  WAIT_COMMAND (peer, pigeon_imap_session_create_async (peer->session, "Volatile", NULL, CB));
  again = select_folder (peer, "Volatile", &known, NULL, NULL, &error);
  g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_UIDVALIDITY_CHANGED);
  g_assert_nonnull (pigeon_imap_session_get_selected (peer->session));
  g_assert_cmpuint (pigeon_imap_session_get_selected (peer->session)->uidvalidity, !=, known.uidvalidity);
}

static void
test_logout (void)
{
  g_autoptr (Peer) peer = peer_open_a ();
  g_autoptr (GAsyncResult) result = NULL;

  WAIT_COMMAND (peer, pigeon_imap_session_noop_async (peer->session, NULL, CB));
  WAIT_COMMAND (peer, pigeon_imap_session_logout_async (peer->session, NULL, CB));
  pigeon_imap_session_noop_async (peer->session, NULL, net_test_store_result, &result);
  net_test_wait (&result);
  g_assert_false (pigeon_imap_session_command_finish (peer->session, result, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/imap/peers/open-starttls", test_open_starttls);
  g_test_add_func ("/net/imap/peers/folders", test_folders);
  g_test_add_func ("/net/imap/peers/append-fetch", test_append_fetch);
  g_test_add_func ("/net/imap/peers/flags-search", test_flags_search);
  g_test_add_func ("/net/imap/peers/move-copy", test_move_copy);
  g_test_add_func ("/net/imap/peers/idle", test_idle);
  g_test_add_func ("/net/imap/peers/qresync", test_qresync);
  g_test_add_func ("/net/imap/peers/uidvalidity", test_uidvalidity);
  g_test_add_func ("/net/imap/peers/logout", test_logout);

  return g_test_run ();
}
