/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The replay of user actions against the real Dovecot and Exim of
 * pigeon-peers (run under `pigeon-peers run`): flags, moves and deletes
 * reach the server; a refused operation is reverted here and reported;
 * undo before and after the server heard of a move; the Sent copy after
 * sending, and none for a provider that files sent mail itself; drafts
 * replaced on the server new first; a body fetched on demand, byte for
 * byte. The server is checked over a second IMAP session. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pigeon-engine-private.h"

#define WAIT_SECONDS 20

typedef struct
{
  PigeonStore *store;
  PigeonEngine *engine;
  PigeonAccount *account;
  PigeonImapSession *check; /* the test's own session */
  GPtrArray *errors;        /* GError from "account-error" */
  GPtrArray *folders;       /* what local_folder() returned */
} Fixture;

/* One message as the server has it. */
typedef struct
{
  guint32 uid;
  gboolean seen;
  gboolean flagged;
  gboolean draft;
  gboolean deleted;
  GBytes *raw;
} ServerMessage;

static void
server_message_free (ServerMessage *message)
{
  g_bytes_unref (message->raw);
  g_free (message);
}

/* Bounded waits */

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gboolean timed_out = FALSE;
  guint timer = g_timeout_add_seconds (WAIT_SECONDS, timed_out_cb, &timed_out);

  while (*result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timer);
  return *result;
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the main loop for @ms milliseconds. */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timed_out_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The server side, through the test's own session */

static void
collect_message (PigeonImapFetch *fetch, gpointer user_data)
{
  GPtrArray *messages = user_data;
  GBytes *raw = pigeon_imap_fetch_get_section (fetch, "");
  ServerMessage *message;

  /* Another session's flag change comes as a FETCH of its own, without
   * the body: it is not a message of the listing. */
  if (raw == NULL || !(fetch->present & PIGEON_IMAP_FETCH_UID))
    return;
  message = g_new0 (ServerMessage, 1);
  message->uid = fetch->uid;
  message->seen = pigeon_imap_fetch_has_flag (fetch, "\\Seen");
  message->flagged = pigeon_imap_fetch_has_flag (fetch, "\\Flagged");
  message->draft = pigeon_imap_fetch_has_flag (fetch, "\\Draft");
  message->deleted = pigeon_imap_fetch_has_flag (fetch, "\\Deleted");
  message->raw = g_bytes_ref (raw);
  g_ptr_array_add (messages, message);
}

/* The messages of @folder (ServerMessage), or NULL when there is no such
 * folder. Read-only: the check changes nothing. */
static GPtrArray *
server_messages (Fixture *fixture, const char *folder)
{
  g_autoptr (GAsyncResult) selected_result = NULL;
  g_autoptr (GAsyncResult) fetched = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected = NULL;
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) server_message_free);

  pigeon_imap_session_select_async (fixture->check, folder, TRUE, NULL, NULL, NULL, NULL, got_result, &selected_result);
  selected = pigeon_imap_session_select_finish (fixture->check, wait_result (&selected_result), &error);
  if (selected == NULL)
    {
      g_assert_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_NO);
      return NULL;
    }
  if (selected->exists == 0)
    return g_steal_pointer (&messages);
  pigeon_imap_session_fetch_async (fixture->check, "1:*",
                                   PIGEON_IMAP_FETCH_UID | PIGEON_IMAP_FETCH_FLAGS | PIGEON_IMAP_FETCH_BODY, NULL, 0,
                                   collect_message, messages, NULL, got_result, &fetched);
  pigeon_imap_session_fetch_finish (fixture->check, wait_result (&fetched), &error);
  g_assert_no_error (error);
  return g_steal_pointer (&messages);
}

static ServerMessage *
find_uid (GPtrArray *messages, guint32 uid)
{
  for (guint i = 0; messages != NULL && i < messages->len; i++)
    if (((ServerMessage *) messages->pdata[i])->uid == uid)
      return messages->pdata[i];
  return NULL;
}

/* The messages of @folder whose raw text contains @needle. */
static guint
count_with (Fixture *fixture, const char *folder, const char *needle)
{
  g_autoptr (GPtrArray) messages = server_messages (fixture, folder);
  guint n = 0;

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      ServerMessage *message = messages->pdata[i];
      gsize len;
      const char *data = g_bytes_get_data (message->raw, &len);

      if (g_strstr_len (data, len, needle) != NULL)
        n++;
    }
  return n;
}

static void
check_command (Fixture *fixture,
               void (*start) (PigeonImapSession *, const char *, GCancellable *, GAsyncReadyCallback, gpointer),
               const char *folder)
{
  g_autoptr (GAsyncResult) result = NULL;

  start (fixture->check, folder, NULL, got_result, &result);
  /* A folder that exists already is fine. */
  pigeon_imap_session_command_finish (fixture->check, wait_result (&result), NULL);
}

/* APPENDs @raw to @folder on the server; returns its UID: the APPENDUID,
 * or without UIDPLUS the highest UID there. */
static guint32
server_append (Fixture *fixture, const char *folder, GBytes *raw)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapCopyResult) copy = NULL;
  g_autoptr (GArray) uids = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  guint32 highest = 0;

  check_command (fixture, pigeon_imap_session_create_async, folder);
  pigeon_imap_session_append_async (fixture->check, folder, NULL, 0, raw, NULL, got_result, &result);
  copy = pigeon_imap_session_copy_finish (fixture->check, wait_result (&result), &error);
  g_assert_no_error (error);
  if (copy->dest_uids != NULL)
    {
      uids = pigeon_imap_uid_set_parse (copy->dest_uids, 1);
      g_assert_cmpuint (uids->len, ==, 1);
      return g_array_index (uids, guint32, 0);
    }
  g_assert_false (pigeon_imap_session_has_capability (fixture->check, "UIDPLUS"));
  messages = server_messages (fixture, folder);
  for (guint i = 0; i < messages->len; i++)
    highest = MAX (highest, ((ServerMessage *) messages->pdata[i])->uid);
  return highest;
}

/* Another client marks @uid of @folder \Deleted (and leaves it there). */
static void
server_mark_deleted (Fixture *fixture, const char *folder, guint32 uid)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSelected) selected = NULL;
  g_autofree char *set = g_strdup_printf ("%u", uid);
  const char *deleted[] = { "\\Deleted", NULL };

  pigeon_imap_session_select_async (fixture->check, folder, FALSE, NULL, NULL, NULL, NULL, got_result, &result);
  selected = pigeon_imap_session_select_finish (fixture->check, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  pigeon_imap_session_store_async (fixture->check, set, PIGEON_IMAP_STORE_ADD, deleted, 0, NULL, got_result, &result);
  pigeon_imap_session_command_finish (fixture->check, wait_result (&result), &error);
  g_assert_no_error (error);
}

static GBytes *
test_message_to (const char *subject, const char *to)
{
  g_autofree char *id = g_uuid_string_random ();
  char *text = g_strdup_printf ("From: Alice <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
                                "Message-ID: <%s@pigeon.test>\r\n"
                                "Date: Sat, 28 Nov 2026 18:00:00 +0000\r\n"
                                "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                "Content-Transfer-Encoding: 8bit\r\n\r\n"
                                "Grüße, %s.\r\nA line with trailing space \r\n\r\n",
                                g_getenv ("PIGEON_TEST_USER_A"), to, subject, id, subject);
  gsize len = strlen (text);

  return g_bytes_new_take (text, len);
}

static GBytes *
test_message (const char *subject)
{
  return test_message_to (subject, g_getenv ("PIGEON_TEST_USER_B"));
}

/* The local side */

/* The local folder (made when missing); the fixture keeps it. */
static PigeonFolder *
local_folder (Fixture *fixture, const char *path, PigeonFolderRole role)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  PigeonFolder *folder;

  pigeon_engine_ensure_folder_async (fixture->engine, fixture->account, path, role, NULL, got_result, &result);
  folder = pigeon_engine_ensure_folder_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
  g_ptr_array_add (fixture->folders, folder);
  return folder;
}

static void
store_written (Fixture *fixture, GAsyncResult **result)
{
  g_autoptr (GError) error = NULL;

  pigeon_store_write_finish (fixture->store, wait_result (result), NULL, &error);
  g_assert_no_error (error);
  g_clear_object (result);
}

/* The summary of server message @uid in @folder, as the sync would store
 * it (with its body when @with_body). */
static PigeonMessage *
add_local (Fixture *fixture, PigeonFolder *folder, guint32 uid, GBytes *raw, gboolean with_body)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  PigeonMessageInfo *info = pigeon_message_info_new_from_raw (raw);

  info->uid = uid;
  if (!with_body)
    g_clear_pointer (&info->raw, g_bytes_unref);
  g_ptr_array_add (infos, info);
  pigeon_store_add_messages_async (fixture->store, folder, infos, NULL, got_result, &result);
  store_written (fixture, &result);
  return pigeon_store_lookup_message (fixture->store, pigeon_store_lookup_uid (fixture->store, folder, uid));
}

static GPtrArray *
one (PigeonMessage *message)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (messages, g_object_ref (message));
  return messages;
}

static void
action_done (Fixture *fixture, GAsyncResult **result)
{
  g_autoptr (GError) error = NULL;

  pigeon_engine_action_finish (fixture->engine, wait_result (result), &error);
  g_assert_no_error (error);
  g_clear_object (result);
}

static guint
pending_count (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = pigeon_store_list_pending_ops (fixture->store, fixture->account, &error);

  g_assert_no_error (error);
  return ops->len;
}

/* Waits for the prompt replay to take every pending operation. */
static void
wait_replayed (Fixture *fixture)
{
  for (guint i = 0; i < WAIT_SECONDS * 10 && (pending_count (fixture) > 0 || pigeon_engine_get_busy (fixture->engine));
       i++)
    spin (100);
  g_assert_cmpuint (pending_count (fixture), ==, 0);
  g_assert_false (pigeon_engine_get_busy (fixture->engine));
}

/* Fixture */

static void
account_error_cb (PigeonEngine *engine, PigeonAccount *account, const GError *error, gpointer user_data)
{
  Fixture *fixture = user_data;

  g_test_message ("account-error: %s", error->message);
  g_ptr_array_add (fixture->errors, g_error_copy (error));
}

static PigeonAccount *
new_account (const char *name, const char *smtp_host)
{
  PigeonAccount *account = pigeon_account_new (g_getenv ("PIGEON_TEST_USER_A"));

  pigeon_account_set_display_name (account, name);
  pigeon_account_set_incoming_protocol (account, PIGEON_PROTOCOL_IMAP);
  pigeon_account_set_incoming_host (account, g_getenv ("PIGEON_TEST_HOST"));
  pigeon_account_set_incoming_port (account, atoi (g_getenv ("PIGEON_TEST_IMAPS_PORT")));
  pigeon_account_set_incoming_security (account, PIGEON_SECURITY_TLS);
  pigeon_account_set_outgoing_host (account, smtp_host);
  pigeon_account_set_outgoing_port (account, atoi (g_getenv ("PIGEON_TEST_SMTPS_PORT")));
  pigeon_account_set_outgoing_security (account, PIGEON_SECURITY_TLS);
  return account;
}

static PigeonAccount *
add_account_with_port (Fixture *fixture, const char *name, const char *smtp_host, guint imap_port)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  PigeonAccount *account = new_account (name, smtp_host);

  if (imap_port != 0)
    pigeon_account_set_incoming_port (account, imap_port);

  pigeon_engine_add_account_async (fixture->engine, account, g_getenv ("PIGEON_TEST_PASSWORD_A"), NULL, got_result,
                                   &result);
  pigeon_engine_add_account_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
  pigeon_engine_set_ca_file (fixture->engine, account, g_getenv ("PIGEON_TEST_CA"));
  return account;
}

static PigeonAccount *
add_account (Fixture *fixture, const char *name, const char *smtp_host)
{
  return add_account_with_port (fixture, name, smtp_host, 0);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = pigeon_store_default_path ();
  g_autoptr (PigeonCredentials) credentials = pigeon_credentials_new (FALSE);
  g_autoptr (PigeonCertificatePins) pins = pigeon_certificate_pins_new (NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  fixture->store = pigeon_store_open (path, &error);
  g_assert_no_error (error);
  fixture->engine = pigeon_engine_new (fixture->store, credentials, pins);
  fixture->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  fixture->folders = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (fixture->engine, "account-error", G_CALLBACK (account_error_cb), fixture);
  fixture->account = add_account (fixture, "Alice", g_getenv ("PIGEON_TEST_HOST"));
  pigeon_engine_open_imap_async (fixture->engine, fixture->account, NULL, got_result, &result);
  fixture->check = pigeon_engine_open_imap_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->check);
  g_clear_object (&fixture->account);
  g_clear_object (&fixture->engine);
  pigeon_store_close (fixture->store);
  g_clear_object (&fixture->store);
  g_ptr_array_unref (fixture->errors);
  g_ptr_array_unref (fixture->folders);
}

/* Tests */

static void
test_flags (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("flags");
  guint32 uid = server_append (fixture, "INBOX", raw);
  PigeonFolder *inbox = local_folder (fixture, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  g_autoptr (PigeonMessage) message = add_local (fixture, inbox, uid, raw, TRUE);
  g_autoptr (GPtrArray) messages = one (message);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) server = NULL;
  ServerMessage *copy;

  pigeon_engine_set_flags_async (fixture->engine, messages, PIGEON_MESSAGE_SEEN | PIGEON_MESSAGE_FLAGGED, 0, NULL,
                                 got_result, &result);
  action_done (fixture, &result);
  g_assert_cmpuint (pending_count (fixture), ==, 1);
  wait_replayed (fixture);
  server = server_messages (fixture, "INBOX");
  copy = find_uid (server, uid);
  g_assert_nonnull (copy);
  g_assert_true (copy->seen);
  g_assert_true (copy->flagged);
  g_clear_pointer (&server, g_ptr_array_unref);

  pigeon_engine_set_flags_async (fixture->engine, messages, 0, PIGEON_MESSAGE_FLAGGED, NULL, got_result, &result);
  action_done (fixture, &result);
  wait_replayed (fixture);
  server = server_messages (fixture, "INBOX");
  copy = find_uid (server, uid);
  g_assert_true (copy->seen);
  g_assert_false (copy->flagged);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* Delete moves to a Trash the server does not have yet (it is created);
 * the COPYUID becomes the UID here; delete in the Trash removes exactly
 * that message on the server. */
static void
test_delete (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("delete");
  g_autoptr (GBytes) other_raw = test_message ("stays in the trash");
  guint32 uid = server_append (fixture, "Work", raw);
  guint32 other = server_append (fixture, "Trash-Not-Ours", other_raw);
  PigeonFolder *work = local_folder (fixture, "Work", PIGEON_FOLDER_ROLE_NONE);
  g_autoptr (PigeonMessage) message = add_local (fixture, work, uid, raw, TRUE);
  g_autoptr (GPtrArray) messages = one (message);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) server = NULL;
  PigeonFolder *trash;
  guint32 trash_uid;

  g_assert_null (server_messages (fixture, "Trash"));
  pigeon_engine_delete_messages_async (fixture->engine, messages, work, NULL, got_result, &result);
  action_done (fixture, &result);
  wait_replayed (fixture);
  server = server_messages (fixture, "Work");
  g_assert_null (find_uid (server, uid));
  g_clear_pointer (&server, g_ptr_array_unref);
  server = server_messages (fixture, "Trash");
  g_assert_nonnull (server);
  g_assert_cmpuint (server->len, ==, 1);
  trash_uid = ((ServerMessage *) server->pdata[0])->uid;
  trash = pigeon_engine_find_role (fixture->engine, fixture->account, PIGEON_FOLDER_ROLE_TRASH);
  g_assert_cmpint (pigeon_store_lookup_uid (fixture->store, trash, trash_uid), ==, pigeon_message_get_id (message));

  pigeon_engine_delete_messages_async (fixture->engine, messages, trash, NULL, got_result, &result);
  action_done (fixture, &result);
  wait_replayed (fixture);
  g_clear_pointer (&server, g_ptr_array_unref);
  server = server_messages (fixture, "Trash");
  g_assert_cmpuint (server->len, ==, 0);
  g_clear_pointer (&server, g_ptr_array_unref);
  server = server_messages (fixture, "Trash-Not-Ours");
  g_assert_nonnull (find_uid (server, other));
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* Deleting in the Trash expunges exactly that UID (RFC 4315 UID
 * EXPUNGE); a message another client marked \Deleted there stays. Without
 * UIDPLUS nothing is expunged: ours stays, marked. */
static void
test_expunge_only_ours (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("ours");
  g_autoptr (GBytes) theirs_raw = test_message ("theirs");
  guint32 theirs = server_append (fixture, "Bin", theirs_raw);
  guint32 uid = server_append (fixture, "Bin", raw);
  PigeonFolder *bin = local_folder (fixture, "Bin", PIGEON_FOLDER_ROLE_TRASH);
  g_autoptr (PigeonMessage) message = add_local (fixture, bin, uid, raw, TRUE);
  g_autoptr (GPtrArray) messages = one (message);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) server = NULL;
  gboolean uidplus = pigeon_imap_session_has_capability (fixture->check, "UIDPLUS");

  server_mark_deleted (fixture, "Bin", theirs);
  pigeon_engine_delete_messages_async (fixture->engine, messages, bin, NULL, got_result, &result);
  action_done (fixture, &result);
  g_assert_cmpuint (pigeon_folder_get_total (bin), ==, 0);
  wait_replayed (fixture);
  server = server_messages (fixture, "Bin");
  g_assert_nonnull (find_uid (server, theirs));
  g_assert_true (find_uid (server, theirs)->deleted);
  if (uidplus)
    g_assert_null (find_uid (server, uid));
  else
    g_assert_true (find_uid (server, uid)->deleted);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* Undo before the server heard of the move: nothing reaches the server
 * and the message is back with its UID. Undo after: the reverse move is
 * replayed. */
static void
test_undo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("undo");
  guint32 uid = server_append (fixture, "Projects", raw);
  PigeonFolder *projects = local_folder (fixture, "Projects", PIGEON_FOLDER_ROLE_NONE);
  PigeonFolder *archive = local_folder (fixture, "Archive", PIGEON_FOLDER_ROLE_ARCHIVE);
  g_autoptr (PigeonMessage) message = add_local (fixture, projects, uid, raw, TRUE);
  g_autoptr (GPtrArray) messages = one (message);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) server = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_engine_archive_messages_async (fixture->engine, messages, projects, NULL, got_result, &result);
  action_done (fixture, &result);
  g_assert_true (pigeon_engine_get_can_undo (fixture->engine));
  g_assert_cmpint (pigeon_store_lookup_uid (fixture->store, projects, uid), ==, 0);
  pigeon_engine_undo_async (fixture->engine, NULL, got_result, &result);
  pigeon_engine_undo_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (pigeon_engine_get_can_undo (fixture->engine));
  g_assert_cmpuint (pending_count (fixture), ==, 0);
  g_assert_cmpint (pigeon_store_lookup_uid (fixture->store, projects, uid), ==, pigeon_message_get_id (message));
  g_assert_cmpuint (pigeon_folder_get_total (archive), ==, 0);
  spin (2500);
  g_assert_null (server_messages (fixture, "Archive"));
  server = server_messages (fixture, "Projects");
  g_assert_nonnull (find_uid (server, uid));
  g_clear_pointer (&server, g_ptr_array_unref);

  pigeon_engine_archive_messages_async (fixture->engine, messages, projects, NULL, got_result, &result);
  action_done (fixture, &result);
  wait_replayed (fixture);
  server = server_messages (fixture, "Archive");
  g_assert_cmpuint (server->len, ==, 1);
  g_clear_pointer (&server, g_ptr_array_unref);
  pigeon_engine_undo_async (fixture->engine, NULL, got_result, &result);
  pigeon_engine_undo_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
  wait_replayed (fixture);
  server = server_messages (fixture, "Archive");
  g_assert_cmpuint (server->len, ==, 0);
  g_clear_pointer (&server, g_ptr_array_unref);
  g_assert_cmpuint (count_with (fixture, "Projects", "Subject: undo"), ==, 1);
  g_assert_cmpuint (pigeon_folder_get_total (projects), ==, 1);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

static void
undone (Fixture *fixture, GAsyncResult **result)
{
  g_autoptr (GError) error = NULL;

  pigeon_engine_undo_finish (fixture->engine, wait_result (result), &error);
  g_assert_no_error (error);
  g_clear_object (result);
}

/* Undo while the server takes the move: the move finishes, and the
 * reverse move follows from where the server put the message. */
static void
test_undo_in_flight (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("undo in flight");
  guint32 uid = server_append (fixture, "Inflight", raw);
  PigeonFolder *inflight = local_folder (fixture, "Inflight", PIGEON_FOLDER_ROLE_NONE);
  PigeonFolder *later = local_folder (fixture, "Later", PIGEON_FOLDER_ROLE_NONE);
  g_autoptr (PigeonMessage) message = add_local (fixture, inflight, uid, raw, TRUE);
  g_autoptr (GPtrArray) messages = one (message);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) replayed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSession) session = NULL;
  g_autoptr (GPtrArray) server = NULL;
  guint32 back_uid;

  pigeon_engine_move_messages_async (fixture->engine, messages, inflight, later, NULL, got_result, &result);
  action_done (fixture, &result);
  /* As the sync does: the account is busy, and replays over its session. */
  g_assert_true (pigeon_engine_begin_work (fixture->engine, fixture->account, "test"));
  pigeon_engine_open_imap_async (fixture->engine, fixture->account, NULL, got_result, &result);
  session = pigeon_engine_open_imap_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  pigeon_engine_replay_async (fixture->engine, fixture->account, session, NULL, got_result, &replayed);
  g_assert_cmpint (pigeon_engine_replaying_op (fixture->engine, fixture->account), >, 0);
  pigeon_engine_undo_async (fixture->engine, NULL, got_result, &result);
  undone (fixture, &result);
  pigeon_engine_replay_finish (fixture->engine, wait_result (&replayed), &error);
  g_assert_no_error (error);
  pigeon_engine_end_work (fixture->engine, fixture->account);
  g_assert_cmpuint (count_with (fixture, "Later", "Subject: undo in flight"), ==, 1);

  wait_replayed (fixture);
  g_assert_cmpuint (count_with (fixture, "Later", "Subject: undo in flight"), ==, 0);
  server = server_messages (fixture, "Inflight");
  g_assert_cmpuint (server->len, ==, 1);
  back_uid = ((ServerMessage *) server->pdata[0])->uid;
  g_assert_cmpuint (back_uid, >, uid);
  g_assert_cmpint (pigeon_store_lookup_uid (fixture->store, inflight, back_uid), ==, pigeon_message_get_id (message));
  g_assert_cmpuint (pigeon_folder_get_total (later), ==, 0);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* The connection is lost during the replay: the operation stays queued,
 * its attempt counted, for the next time; nothing is reverted. */
static void
test_connection_lost (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("connection lost");
  guint32 uid = server_append (fixture, "Lost", raw);
  PigeonFolder *lost = local_folder (fixture, "Lost", PIGEON_FOLDER_ROLE_NONE);
  g_autoptr (PigeonMessage) message = add_local (fixture, lost, uid, raw, TRUE);
  g_autoptr (GPtrArray) messages = one (message);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonImapSession) session = NULL;
  g_autoptr (GPtrArray) ops = NULL;

  g_assert_true (pigeon_engine_begin_work (fixture->engine, fixture->account, "test"));
  pigeon_engine_set_flags_async (fixture->engine, messages, PIGEON_MESSAGE_FLAGGED, 0, NULL, got_result, &result);
  action_done (fixture, &result);
  pigeon_engine_open_imap_async (fixture->engine, fixture->account, NULL, got_result, &result);
  session = pigeon_engine_open_imap_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  pigeon_connection_close (pigeon_imap_session_get_connection (session));
  pigeon_engine_replay_async (fixture->engine, fixture->account, session, NULL, got_result, &result);
  g_assert_false (pigeon_engine_replay_finish (fixture->engine, wait_result (&result), &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&result);
  pigeon_engine_end_work (fixture->engine, fixture->account);
  g_assert_true (pigeon_message_get_flags (message) & PIGEON_MESSAGE_FLAGGED);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
  /* The attempt is written after the replay returned: wait for it. */
  for (guint i = 0; i < 50; i++)
    {
      g_clear_pointer (&ops, g_ptr_array_unref);
      ops = pigeon_store_list_pending_ops (fixture->store, fixture->account, &error);
      g_assert_no_error (error);
      if (ops->len == 1 && ((PigeonPendingOp *) ops->pdata[0])->attempts == 1)
        break;
      spin (100);
    }
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpuint (((PigeonPendingOp *) ops->pdata[0])->attempts, ==, 1);
  g_assert_nonnull (((PigeonPendingOp *) ops->pdata[0])->last_error);

  /* The next replay (soon after this action) takes it. */
  pigeon_engine_set_flags_async (fixture->engine, messages, PIGEON_MESSAGE_SEEN, 0, NULL, got_result, &result);
  action_done (fixture, &result);
  wait_replayed (fixture);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = server_messages (fixture, "Lost");
  g_assert_true (find_uid (ops, uid)->flagged);
  g_assert_true (find_uid (ops, uid)->seen);
}

/* The folder went away on the server (another client deleted it): the
 * flag change is refused, undone here, and reported in words. */
static void
test_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("refused");
  guint32 uid = server_append (fixture, "Doomed", raw);
  PigeonFolder *doomed = local_folder (fixture, "Doomed", PIGEON_FOLDER_ROLE_NONE);
  g_autoptr (PigeonMessage) message = add_local (fixture, doomed, uid, raw, TRUE);
  g_autoptr (GPtrArray) messages = one (message);
  g_autoptr (GAsyncResult) result = NULL;
  const GError *reported;

  check_command (fixture, pigeon_imap_session_delete_async, "Doomed");
  g_assert_null (server_messages (fixture, "Doomed"));
  pigeon_engine_set_flags_async (fixture->engine, messages, PIGEON_MESSAGE_FLAGGED, 0, NULL, got_result, &result);
  action_done (fixture, &result);
  g_assert_true (pigeon_message_get_flags (message) & PIGEON_MESSAGE_FLAGGED);
  wait_replayed (fixture);
  g_assert_false (pigeon_message_get_flags (message) & PIGEON_MESSAGE_FLAGGED);
  g_assert_cmpuint (fixture->errors->len, ==, 1);
  reported = fixture->errors->pdata[0];
  g_assert_error (reported, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_REJECTED);
  g_assert_nonnull (strstr (reported->message, "“Doomed”"));
  g_assert_nonnull (strstr (reported->message, "undone"));
}

/* A folder the server cannot make ("~" starts no name on Dovecot): the
 * move is refused, and the message is back where it was, with its UID. */
static void
test_refused_move (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("refused move");
  guint32 uid = server_append (fixture, "Keep", raw);
  PigeonFolder *keep = local_folder (fixture, "Keep", PIGEON_FOLDER_ROLE_NONE);
  PigeonFolder *local_only = local_folder (fixture, "~Local", PIGEON_FOLDER_ROLE_NONE);
  g_autoptr (PigeonMessage) message = add_local (fixture, keep, uid, raw, TRUE);
  g_autoptr (GPtrArray) messages = one (message);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) server = NULL;
  const GError *reported;

  pigeon_engine_move_messages_async (fixture->engine, messages, keep, local_only, NULL, got_result, &result);
  action_done (fixture, &result);
  g_assert_cmpuint (pigeon_folder_get_total (local_only), ==, 1);
  g_assert_cmpint (pigeon_store_lookup_uid (fixture->store, keep, uid), ==, 0);
  wait_replayed (fixture);
  g_assert_cmpuint (pigeon_folder_get_total (local_only), ==, 0);
  g_assert_cmpint (pigeon_store_lookup_uid (fixture->store, keep, uid), ==, pigeon_message_get_id (message));
  server = server_messages (fixture, "Keep");
  g_assert_nonnull (find_uid (server, uid));
  g_assert_cmpuint (fixture->errors->len, ==, 1);
  reported = fixture->errors->pdata[0];
  g_assert_error (reported, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_REJECTED);
  g_assert_nonnull (strstr (reported->message, "It is back in “Keep”"));
}

static void
send_one (Fixture *fixture, PigeonAccount *account, GBytes *raw)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_engine_queue_message_async (fixture->engine, account, raw, NULL, got_result, &result);
  pigeon_engine_queue_message_finish (fixture->engine, wait_result (&result), NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  pigeon_engine_flush_outbox_async (fixture->engine, account, FALSE, NULL, got_result, &result);
  pigeon_engine_flush_outbox_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
}

/* After the final 250 the Sent copy is APPENDed (with \Seen) to the
 * server's Sent folder, once. */
static void
test_sent_copy (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("sent copy");
  g_autoptr (GPtrArray) server = NULL;

  send_one (fixture, fixture->account, raw);
  wait_replayed (fixture);
  server = server_messages (fixture, "Sent");
  g_assert_nonnull (server);
  g_assert_cmpuint (server->len, ==, 1);
  g_assert_true (((ServerMessage *) server->pdata[0])->seen);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (((ServerMessage *) server->pdata[0])->raw, NULL),
                                  g_bytes_get_size (((ServerMessage *) server->pdata[0])->raw), "Subject: sent copy"));
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* The Sent copy is refused (a Sent folder the server cannot make): that
 * is reported, and the message, sent to ourselves, arrives once; it is
 * never sent again. */
static void
test_sent_copy_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message_to ("sent once", g_getenv ("PIGEON_TEST_USER_A"));
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  const GError *reported;

  local_folder (fixture, "~Sent", PIGEON_FOLDER_ROLE_SENT);
  send_one (fixture, fixture->account, raw);
  wait_replayed (fixture);
  g_assert_cmpuint (fixture->errors->len, ==, 1);
  reported = fixture->errors->pdata[0];
  g_assert_error (reported, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_REJECTED);
  g_assert_nonnull (strstr (reported->message, "store a copy"));
  outbox = pigeon_store_list_outbox (fixture->store, fixture->account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 0);
  pigeon_engine_flush_outbox_async (fixture->engine, fixture->account, TRUE, NULL, got_result, &result);
  pigeon_engine_flush_outbox_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < WAIT_SECONDS * 5 && count_with (fixture, "INBOX", "Subject: sent once") == 0; i++)
    spin (200);
  spin (2000);
  g_assert_cmpuint (count_with (fixture, "INBOX", "Subject: sent once"), ==, 1);
  g_assert_cmpuint (pending_count (fixture), ==, 0);
}

/* A provider whose preset says FilesSent (Gmail): no APPEND. The test's
 * preset names the submission server "localhost", as Gmail's names
 * smtp.gmail.com. */
static void
test_sent_by_provider (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("filed by the provider");
  g_autoptr (PigeonAccount) gmail_like = add_account (fixture, "Gmail-like", "localhost");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = NULL;

  send_one (fixture, gmail_like, raw);
  ops = pigeon_store_list_pending_ops (fixture->store, gmail_like, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 0);
  spin (2500);
  g_assert_cmpuint (count_with (fixture, "Sent", "Subject: filed by the provider"), ==, 0);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

static gint64
save_draft (Fixture *fixture, gint64 id, GBytes *raw)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  gint64 saved = 0;

  pigeon_engine_save_draft_async (fixture->engine, fixture->account, id, raw, NULL, got_result, &result);
  pigeon_engine_save_draft_finish (fixture->engine, wait_result (&result), &saved, &error);
  g_assert_no_error (error);
  return saved;
}

/* The subjects of the copies in the server's Drafts folder, each marked
 * \Draft, in UID order ("" when there is no Drafts folder). */
static char *
server_drafts (Fixture *fixture)
{
  g_autoptr (GPtrArray) server = server_messages (fixture, "Drafts");
  g_autoptr (GString) subjects = g_string_new (NULL);

  for (guint i = 0; server != NULL && i < server->len; i++)
    {
      ServerMessage *message = server->pdata[i];
      g_autoptr (PigeonMimeMessage) parsed = pigeon_mime_message_new_from_bytes (message->raw, NULL);
      g_autofree char *subject = pigeon_mime_message_dup_subject (parsed);

      g_assert_true (message->draft);
      g_string_append_printf (subjects, "%s%s", i > 0 ? ", " : "", subject);
    }
  return g_string_free (g_steal_pointer (&subjects), FALSE);
}

/* Polls the server's drafts until they are @expected; every state seen
 * on the way must be one of @allowed (NULL-terminated). */
static void
wait_drafts (Fixture *fixture, const char *expected, const char *const *allowed)
{
  g_autofree char *seen = NULL;

  for (guint i = 0; i < WAIT_SECONDS * 10; i++)
    {
      g_free (seen);
      seen = server_drafts (fixture);
      if (g_str_equal (seen, expected))
        return;
      if (!g_strv_contains (allowed, seen))
        g_error ("The server's drafts were “%s” on the way to “%s”", seen, expected);
      spin (100);
    }
  g_error ("The server's drafts are “%s”, not “%s”", seen, expected);
}

/* Each save APPENDs the new draft first and then removes the older copy,
 * so that the server always has one; a discard removes the last one. */
static void
test_drafts (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) first = test_message ("draft one");
  g_autoptr (GBytes) second = test_message ("draft two");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  const char *before_first[] = { "", NULL };
  const char *replacing[] = { "draft one", "draft one, draft two", NULL };
  const char *discarding[] = { "draft two", NULL };
  gint64 id = save_draft (fixture, 0, first);

  wait_drafts (fixture, "draft one", before_first);
  g_assert_cmpint (save_draft (fixture, id, second), ==, id);
  wait_drafts (fixture, "draft two", replacing);
  pigeon_engine_discard_draft_async (fixture->engine, id, NULL, got_result, &result);
  pigeon_engine_discard_draft_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
  wait_drafts (fixture, "", discarding);
  wait_replayed (fixture);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* A Drafts folder the server cannot make: reported, and the draft stays
 * here. */
static void
test_drafts_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("draft refused");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) drafts = NULL;
  const GError *reported;

  local_folder (fixture, "~Drafts", PIGEON_FOLDER_ROLE_DRAFTS);
  save_draft (fixture, 0, raw);
  for (guint i = 0; i < WAIT_SECONDS * 10 && fixture->errors->len == 0; i++)
    spin (100);
  wait_replayed (fixture);
  g_assert_cmpuint (fixture->errors->len, ==, 1);
  reported = fixture->errors->pdata[0];
  g_assert_error (reported, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_REJECTED);
  g_assert_nonnull (strstr (reported->message, "“~Drafts”"));
  drafts = pigeon_store_list_drafts (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);
}

/* A body never fetched comes from the server, byte for byte, is stored,
 * and stays unread there (BODY.PEEK). */
static void
test_load_body (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("load body");
  guint32 uid = server_append (fixture, "Reading", raw);
  PigeonFolder *reading = local_folder (fixture, "Reading", PIGEON_FOLDER_ROLE_NONE);
  g_autoptr (PigeonMessage) message = add_local (fixture, reading, uid, raw, FALSE);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) loaded = NULL;
  g_autoptr (GBytes) stored = NULL;
  g_autoptr (GPtrArray) server = NULL;

  g_assert_null (pigeon_store_load_raw (fixture->store, pigeon_message_get_id (message), NULL));
  pigeon_engine_load_body_async (fixture->engine, message, NULL, got_result, &result);
  loaded = pigeon_engine_load_body_finish (fixture->engine, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, raw));
  stored = pigeon_store_load_raw (fixture->store, pigeon_message_get_id (message), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (stored, raw));
  server = server_messages (fixture, "Reading");
  g_assert_false (find_uid (server, uid)->seen);
}

/* Offline (here: nobody listens on the IMAP port): the words say so. */
static void
test_load_body_offline (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GBytes) raw = test_message ("offline");
  g_autoptr (PigeonAccount) offline = add_account_with_port (fixture, "Offline", "localhost", 1);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) folder_result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) loaded = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (PigeonMessage) message = NULL;

  pigeon_engine_ensure_folder_async (fixture->engine, offline, "INBOX", PIGEON_FOLDER_ROLE_INBOX, NULL, got_result,
                                     &folder_result);
  inbox = pigeon_engine_ensure_folder_finish (fixture->engine, wait_result (&folder_result), &error);
  g_assert_no_error (error);
  message = add_local (fixture, inbox, 4242, raw, FALSE);
  pigeon_engine_load_body_async (fixture->engine, message, NULL, got_result, &result);
  loaded = pigeon_engine_load_body_finish (fixture->engine, wait_result (&result), &error);
  g_assert_null (loaded);
  g_assert_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_UNREACHABLE);
  g_assert_cmpstr (error->message, ==, "You are offline; this message has not been downloaded yet.");
}

static void
write_gmail_like_preset (void)
{
  g_autofree char *dir = g_build_filename (g_get_tmp_dir (), "providers", NULL);
  g_autofree char *path = g_build_filename (dir, "gmail-like.ini", NULL);
  g_autofree char *text = g_strdup_printf ("[Provider]\nName=Gmail-like\nDomains=gmail-like.test;\n"
                                           "IMAP=%s:993:tls\nSMTP=localhost:465:tls\nFilesSent=true\n",
                                           g_getenv ("PIGEON_TEST_HOST"));

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_setenv ("PIGEON_PROVIDERS_DIR", dir, TRUE);
}

#define ADD(name, func) g_test_add ("/engine/replay/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char *argv[])
{
  /* Each test has XDG directories of its own, whose XDG_DATA_DIRS hide the
   * system's GSettings schemas: no proxy settings to read on loopback. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (g_getenv ("PIGEON_TEST_IMAPS_PORT") == NULL)
    {
      g_test_skip ("needs the servers of tests/peers/pigeon-peers run");
      return g_test_run ();
    }
  write_gmail_like_preset ();
  ADD ("flags", test_flags);
  ADD ("delete", test_delete);
  ADD ("expunge-only-ours", test_expunge_only_ours);
  ADD ("undo", test_undo);
  ADD ("undo-in-flight", test_undo_in_flight);
  ADD ("connection-lost", test_connection_lost);
  ADD ("refused", test_refused);
  ADD ("refused-move", test_refused_move);
  ADD ("sent-copy", test_sent_copy);
  ADD ("sent-copy-refused", test_sent_copy_refused);
  ADD ("sent-by-provider", test_sent_by_provider);
  ADD ("drafts", test_drafts);
  ADD ("drafts-refused", test_drafts_refused);
  ADD ("load-body", test_load_body);
  ADD ("load-body-offline", test_load_body_offline);
  return g_test_run ();
}
