/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store-test.h"

typedef struct
{
  char *dir;
  char *path;
  PigeonStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = store_test_make_dir ();
  f->path = g_build_filename (f->dir, "pigeon.db", NULL);
}

static void
reopen (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_clear_object (&f->store);
  f->store = pigeon_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  store_test_cleanup_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static gint64
raw_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static guint
search_count (PigeonStore *store, const char *query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMessageList) list = pigeon_store_search (store, NULL, query, &error);

  g_assert_no_error (error);
  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static void
test_fresh_schema (Fixture *f, gconstpointer data)
{
  sqlite3 *db;

  reopen (f);
  db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 4);
  g_assert_cmpint (raw_int (db, "SELECT count (*) FROM sqlite_schema WHERE name IN ('accounts', 'folders', "
                                "'messages', 'message_locations', 'bodies', 'attachments', 'contacts', 'outbox', "
                                "'pending_ops', 'drafts', 'messages_fts')"),
                   ==, 11);
  /* Never a password on disk. */
  g_assert_cmpint (raw_int (db, "SELECT count (*) FROM pragma_table_info ('accounts') WHERE name LIKE '%pass%' "
                                "OR name LIKE '%secret%'"),
                   ==, 0);
  g_assert_cmpint (raw_int (db, "SELECT count (*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), ==, 1);
  sqlite3_close (db);
}

static void
load_fixture (const char *path)
{
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "data", "schema-1.sql", NULL);
  g_autofree char *sql = NULL;
  g_autoptr (GError) error = NULL;
  sqlite3 *db = raw_open (path);

  g_file_get_contents (file, &sql, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 1);
  sqlite3_close (db);
}

/* Waits until the store has indexed the bodies it had before the upgrade. */
static void
wait_for_body_index (PigeonStore *store, const char *query)
{
  for (guint i = 0; i < 3000 && search_count (store, query) == 0; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
test_upgrade (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) outbox = NULL;
  g_autoptr (GPtrArray) drafts = NULL;
  PigeonAccount *account;
  PigeonFolder *inbox;
  sqlite3 *db;

  load_fixture (f->path);
  reopen (f);
  db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 4);
  sqlite3_close (db);

  g_assert_cmpuint (g_list_model_get_n_items (pigeon_store_get_accounts (f->store)), ==, 1);
  account = pigeon_store_lookup_account (f->store, 1);
  g_assert_cmpstr (pigeon_account_get_real_name (account), ==, "Ada Lovelace");
  g_assert_cmpuint (pigeon_account_get_incoming_port (account), ==, 993);
  inbox = pigeon_store_find_folder (f->store, account, "INBOX");
  g_assert_cmpuint (pigeon_folder_get_total (inbox), ==, 2);
  g_assert_cmpuint (pigeon_folder_get_unread (inbox), ==, 1);
  g_assert_cmpuint (pigeon_folder_get_uidvalidity (inbox), ==, 1700000000);

  /* The index was filled from the old rows, and the old bodies indexed after. */
  g_assert_cmpuint (search_count (f->store, "analytical"), ==, 2);
  g_assert_cmpuint (search_count (f->store, "from:babbage"), ==, 2);
  wait_for_body_index (f->store, "zanzibar");
  g_assert_cmpuint (search_count (f->store, "zanzibar"), ==, 1);

  outbox = pigeon_store_list_outbox (f->store, NULL, NULL);
  g_assert_cmpuint (outbox->len, ==, 1);
  drafts = pigeon_store_list_drafts (f->store, NULL);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_cmpuint (pigeon_store_list_pending_ops (f->store, account, NULL)->len, ==, 1);
}

static void
test_too_new (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonStore) store = NULL;
  sqlite3 *db = raw_open (f->path);

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = pigeon_store_open (f->path, &error);
  g_assert_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_TOO_NEW);
  g_assert_null (store);
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_account_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  StoreTestWrite write = { 0 };
  PigeonAccount *loaded;
  guint notified = 0;
  gint64 id;

  reopen (f);
  account = pigeon_account_new ("ada@example.org");
  pigeon_account_set_real_name (account, "Ada Lovelace");
  pigeon_account_set_incoming_protocol (account, PIGEON_PROTOCOL_POP3);
  pigeon_account_set_incoming_host (account, "pop.example.org");
  pigeon_account_set_incoming_port (account, 995);
  pigeon_account_set_outgoing_security (account, PIGEON_SECURITY_STARTTLS);
  pigeon_account_set_pop3_leave_on_server (account, FALSE);
  pigeon_store_save_account_async (f->store, account, NULL, store_test_write_cb, &write);
  id = store_test_wait_ok (&write);
  g_assert_cmpint (pigeon_account_get_id (account), ==, id);
  /* The caller's object is the live one. */
  g_assert_true (pigeon_store_lookup_account (f->store, id) == account);
  g_assert_cmpuint (g_list_model_get_n_items (pigeon_store_get_accounts (f->store)), ==, 1);

  reopen (f);
  loaded = pigeon_store_lookup_account (f->store, id);
  g_assert_cmpstr (pigeon_account_get_address (loaded), ==, "ada@example.org");
  g_assert_cmpstr (pigeon_account_get_real_name (loaded), ==, "Ada Lovelace");
  g_assert_cmpint (pigeon_account_get_incoming_protocol (loaded), ==, PIGEON_PROTOCOL_POP3);
  g_assert_cmpstr (pigeon_account_get_incoming_host (loaded), ==, "pop.example.org");
  g_assert_cmpuint (pigeon_account_get_incoming_port (loaded), ==, 995);
  g_assert_cmpint (pigeon_account_get_outgoing_security (loaded), ==, PIGEON_SECURITY_STARTTLS);
  g_assert_false (pigeon_account_get_pop3_leave_on_server (loaded));

  g_signal_connect (loaded, "notify::display-name", G_CALLBACK (count_notify), &notified);
  pigeon_account_set_display_name (loaded, "Work");
  pigeon_account_set_display_name (loaded, "Work");
  g_assert_cmpuint (notified, ==, 1);
  write = (StoreTestWrite){ 0 };
  pigeon_store_save_account_async (f->store, loaded, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  reopen (f);
  g_assert_cmpstr (pigeon_account_get_display_name (pigeon_store_lookup_account (f->store, id)), ==, "Work");

  write = (StoreTestWrite){ 0 };
  pigeon_store_remove_account_async (f->store, pigeon_store_lookup_account (f->store, id), NULL, store_test_write_cb,
                                     &write);
  store_test_wait_ok (&write);
  g_assert_cmpuint (g_list_model_get_n_items (pigeon_store_get_accounts (f->store)), ==, 0);
}

static PigeonFolder *
child_named (GListModel *model, const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (PigeonFolder) folder = g_list_model_get_item (model, i);

      if (g_strcmp0 (pigeon_folder_get_name (folder), name) == 0)
        return folder;
    }
  return NULL;
}

static void
test_folder_tree (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (PigeonFolder) deep = NULL;
  g_autoptr (PigeonFolder) lists = NULL;
  g_autoptr (PigeonFolder) archive = NULL;
  g_autoptr (GListModel) children = NULL;
  GListModel *top;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  archive = store_test_add_folder (f->store, account, "Archive", PIGEON_FOLDER_ROLE_ARCHIVE);
  g_object_unref (store_test_add_folder (f->store, account, "Archive/2024", PIGEON_FOLDER_ROLE_NONE));
  /* A child named before its parent moves under it when the parent comes. */
  deep = store_test_add_folder (f->store, account, "Lists/gnome", PIGEON_FOLDER_ROLE_NONE);
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  lists = store_test_add_folder (f->store, account, "Lists", PIGEON_FOLDER_ROLE_NONE);

  top = pigeon_store_get_folders (f->store, account);
  g_assert_cmpuint (g_list_model_get_n_items (top), ==, 3);
  /* The inbox first, then the roles, then names. */
  g_assert_true (child_named (top, "INBOX") == inbox);
  {
    g_autoptr (PigeonFolder) first = g_list_model_get_item (top, 0);
    g_autoptr (PigeonFolder) second = g_list_model_get_item (top, 1);

    g_assert_true (first == inbox);
    g_assert_true (second == archive);
  }
  g_assert_nonnull (child_named (pigeon_folder_get_children (archive), "2024"));
  g_assert_true (child_named (pigeon_folder_get_children (lists), "gnome") == deep);
  g_assert_cmpint (pigeon_folder_get_parent_id (deep), ==, pigeon_folder_get_id (lists));
  g_assert_null (pigeon_folder_create_child_model (inbox, NULL));
  children = pigeon_folder_create_child_model (lists, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, 1);

  /* It all comes back the same from the file. */
  reopen (f);
  g_set_object (&account, pigeon_store_lookup_account (f->store, pigeon_account_get_id (account)));
  top = pigeon_store_get_folders (f->store, account);
  g_assert_cmpuint (g_list_model_get_n_items (top), ==, 3);
  g_assert_nonnull (child_named (pigeon_folder_get_children (child_named (top, "Lists")), "gnome"));
}

static void
test_folder_state (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (GArray) uids = NULL;
  StoreTestWrite write = { 0 };
  guint notified = 0;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  pigeon_store_set_folder_state_async (f->store, inbox, 42, 10, 7, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_assert_cmpuint (pigeon_folder_get_uidvalidity (inbox), ==, 42);
  g_assert_cmpuint (pigeon_folder_get_highestmodseq (inbox), ==, 7);
  for (guint uid = 1; uid <= 5; uid++)
    g_ptr_array_add (infos, store_test_info (uid, 1000 + uid, "hello"));
  g_signal_connect (inbox, "notify::total", G_CALLBACK (count_notify), &notified);
  store_test_add_messages (f->store, inbox, infos);
  g_assert_cmpuint (pigeon_folder_get_total (inbox), ==, 5);
  g_assert_cmpuint (pigeon_folder_get_unread (inbox), ==, 5);
  g_assert_cmpuint (notified, ==, 1);
  uids = pigeon_store_get_uids (f->store, inbox, NULL);
  g_assert_cmpuint (uids->len, ==, 5);

  /* A new UIDVALIDITY voids every UID of the folder. */
  write = (StoreTestWrite){ 0 };
  pigeon_store_set_folder_state_async (f->store, inbox, 43, 1, 0, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_assert_cmpuint (pigeon_folder_get_total (inbox), ==, 0);
  g_clear_pointer (&uids, g_array_unref);
  uids = pigeon_store_get_uids (f->store, inbox, NULL);
  g_assert_cmpuint (uids->len, ==, 0);
}

static void
test_message_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (PigeonFolder) archive = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (PigeonMessage) message = NULL;
  PigeonFlagUpdate update = { 7, PIGEON_MESSAGE_SEEN | PIGEON_MESSAGE_FLAGGED };
  guint32 gone = 7;
  StoreTestWrite write = { 0 };
  PigeonMessageInfo *info;
  guint unread_notified = 0;
  gint64 id;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  archive = store_test_add_folder (f->store, account, "Archive", PIGEON_FOLDER_ROLE_ARCHIVE);
  info = store_test_info (7, 1700000000, "Ünïcode subject");
  info->cc = g_strdup ("Mary Somerville <mary@example.org>");
  info->has_attachments = TRUE;
  info->flags = PIGEON_MESSAGE_ANSWERED;
  g_ptr_array_add (infos, info);
  store_test_add_messages (f->store, inbox, infos);

  id = pigeon_store_lookup_uid (f->store, inbox, 7);
  g_assert_cmpint (id, >, 0);
  message = pigeon_store_lookup_message (f->store, id);
  g_assert_cmpstr (pigeon_message_get_subject (message), ==, "Ünïcode subject");
  g_assert_cmpstr (pigeon_message_get_from (message), ==, "Charles Babbage <cb@example.org>");
  g_assert_cmpstr (pigeon_message_get_cc (message), ==, "Mary Somerville <mary@example.org>");
  g_assert_cmpstr (pigeon_message_get_message_id (message), ==, info->message_id);
  g_assert_cmpint (pigeon_message_get_date (message), ==, 1700000000);
  g_assert_cmpuint (pigeon_message_get_size (message), ==, 1007);
  g_assert_true (pigeon_message_get_has_attachments (message));
  g_assert_true (pigeon_message_get_unread (message));
  g_assert_cmpint (pigeon_message_get_flags (message), ==, PIGEON_MESSAGE_ANSWERED);

  /* The same message seen in another folder is one message, two places. */
  g_ptr_array_index (infos, 0) = store_test_info (99, 1700000000, "Ünïcode subject");
  g_free (((PigeonMessageInfo *) infos->pdata[0])->message_id);
  ((PigeonMessageInfo *) infos->pdata[0])->message_id = g_strdup (info->message_id);
  pigeon_message_info_free (info);
  store_test_add_messages (f->store, archive, infos);
  g_assert_cmpint (pigeon_store_lookup_uid (f->store, archive, 99), ==, id);

  /* The server's flags reach the live object with notifications. */
  g_signal_connect (message, "notify::unread", G_CALLBACK (count_notify), &unread_notified);
  pigeon_store_update_flags_async (f->store, inbox, &update, 1, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_assert_cmpint (pigeon_message_get_flags (message), ==, PIGEON_MESSAGE_SEEN | PIGEON_MESSAGE_FLAGGED);
  g_assert_cmpuint (unread_notified, ==, 1);
  g_assert_cmpuint (pigeon_folder_get_unread (inbox), ==, 0);
  g_assert_cmpuint (pigeon_folder_get_unread (archive), ==, 0);

  /* Expunged from one folder, it lives on in the other. */
  write = (StoreTestWrite){ 0 };
  pigeon_store_remove_uids_async (f->store, inbox, &gone, 1, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_assert_cmpint (pigeon_store_lookup_uid (f->store, inbox, 7), ==, 0);
  g_assert_cmpuint (pigeon_folder_get_total (inbox), ==, 0);
  g_clear_object (&message);
  message = pigeon_store_lookup_message (f->store, id);
  g_assert_nonnull (message);

  /* Gone from the last folder, it is gone. */
  gone = 99;
  write = (StoreTestWrite){ 0 };
  pigeon_store_remove_uids_async (f->store, archive, &gone, 1, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_clear_object (&message);
  g_assert_null (pigeon_store_lookup_message (f->store, id));
}

static PigeonMessageInfo *
reply_info (guint32 uid, const char *message_id, const char *in_reply_to, const char *references)
{
  PigeonMessageInfo *info = store_test_info (uid, 1000 + uid, "thread");

  g_free (info->message_id);
  info->message_id = g_strdup (message_id);
  info->in_reply_to = g_strdup (in_reply_to);
  info->references = references ? g_strsplit (references, " ", -1) : NULL;
  return info;
}

static gint64
thread_of (Fixture *f, PigeonFolder *folder, guint32 uid)
{
  g_autoptr (PigeonMessage) message =
      pigeon_store_lookup_message (f->store, pigeon_store_lookup_uid (f->store, folder, uid));

  return pigeon_message_get_thread_id (message);
}

static void
test_threads (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (PigeonMessageList) thread = NULL;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  g_ptr_array_add (infos, reply_info (1, "a@x", NULL, NULL));
  g_ptr_array_add (infos, reply_info (2, "b@x", "a@x", "a@x"));
  /* Its parent is unknown yet: a thread of its own for now. */
  g_ptr_array_add (infos, reply_info (3, "d@x", "c@x", "c@x"));
  g_ptr_array_add (infos, reply_info (4, "z@x", NULL, NULL));
  store_test_add_messages (f->store, inbox, infos);
  g_assert_cmpint (thread_of (f, inbox, 1), ==, thread_of (f, inbox, 2));
  g_assert_cmpint (thread_of (f, inbox, 3), !=, thread_of (f, inbox, 1));
  g_assert_cmpint (thread_of (f, inbox, 4), !=, thread_of (f, inbox, 1));

  /* c@x arrives, naming a@x: the two threads become one. */
  g_ptr_array_set_size (infos, 0);
  g_ptr_array_add (infos, reply_info (5, "c@x", "b@x", "a@x b@x"));
  store_test_add_messages (f->store, inbox, infos);
  g_assert_cmpint (thread_of (f, inbox, 3), ==, thread_of (f, inbox, 1));
  g_assert_cmpint (thread_of (f, inbox, 5), ==, thread_of (f, inbox, 1));
  g_assert_cmpint (thread_of (f, inbox, 4), !=, thread_of (f, inbox, 1));

  thread = pigeon_store_list_thread (f->store, thread_of (f, inbox, 1), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (thread)), ==, 4);
}

static const char multipart[] = "From: Grace Hopper <grace@example.org>\r\n"
                                "To: ada@example.org\r\n"
                                "Subject: The compiler\r\n"
                                "Message-ID: <compiler@example.org>\r\n"
                                "MIME-Version: 1.0\r\n"
                                "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
                                "\r\n"
                                "--b\r\n"
                                "Content-Type: text/plain; charset=utf-8\r\n"
                                "\r\n"
                                "The flowmatic report is attached.\r\n"
                                "--b\r\n"
                                "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
                                "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
                                "Content-Transfer-Encoding: base64\r\n"
                                "\r\n"
                                "SGVsbG8=\r\n"
                                "--b--\r\n";

static void
test_search (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (GBytes) raw = g_bytes_new_static (multipart, strlen (multipart));
  g_autoptr (GPtrArray) attachments = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMessageList) bad = NULL;
  PigeonMessageInfo *info;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  g_ptr_array_add (infos, store_test_info (1, 100, "Difference engine"));
  info = store_test_info (2, 200, "Analytical engine");
  info->flags = PIGEON_MESSAGE_SEEN;
  g_free (info->to);
  info->to = g_strdup ("Mary Somerville <mary@example.org>");
  g_ptr_array_add (infos, info);
  g_ptr_array_add (infos, pigeon_message_info_new_from_raw (raw));
  ((PigeonMessageInfo *) infos->pdata[2])->uid = 3;
  store_test_add_messages (f->store, inbox, infos);

  g_assert_cmpuint (search_count (f->store, "engine"), ==, 2);
  g_assert_cmpuint (search_count (f->store, "eng"), ==, 2);
  g_assert_cmpuint (search_count (f->store, "analytical engine"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "\"engine analytical\""), ==, 0);
  g_assert_cmpuint (search_count (f->store, "\"analytical engine\""), ==, 1);
  g_assert_cmpuint (search_count (f->store, "from:babbage"), ==, 2);
  g_assert_cmpuint (search_count (f->store, "from:grace"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "to:mary"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "subject:difference"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "subject:babbage"), ==, 0);
  g_assert_cmpuint (search_count (f->store, "is:unread"), ==, 2);
  g_assert_cmpuint (search_count (f->store, "is:unread engine"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "is:read"), ==, 1);
  /* The body was given with the summary: indexed, attachments found. */
  g_assert_cmpuint (search_count (f->store, "flowmatic"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "has:attachment"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "has:attachment flowmatic"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "\"quote\"\"inside"), ==, 0);
  g_assert_cmpuint (search_count (f->store, "*** (( -"), ==, 3);
  attachments = pigeon_store_get_attachments (f->store, pigeon_store_lookup_uid (f->store, inbox, 3), NULL);
  g_assert_cmpuint (attachments->len, ==, 1);
  g_assert_cmpstr (((PigeonAttachment *) attachments->pdata[0])->filename, ==, "report.pdf");
  g_assert_cmpstr (((PigeonAttachment *) attachments->pdata[0])->part, ==, "2");
  g_assert_cmpuint (((PigeonAttachment *) attachments->pdata[0])->size, ==, 5);

  bad = pigeon_store_search (f->store, account, "is:bogus", &error);
  g_assert_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_BAD_QUERY);
  g_assert_null (bad);
}

static void
test_body (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (GBytes) raw = g_bytes_new_static (multipart, strlen (multipart));
  g_autoptr (GBytes) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMessage) message = NULL;
  StoreTestWrite write = { 0 };
  gint64 id;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  g_ptr_array_add (infos, store_test_info (1, 100, "The compiler"));
  store_test_add_messages (f->store, inbox, infos);
  id = pigeon_store_lookup_uid (f->store, inbox, 1);
  g_assert_null (pigeon_store_load_raw (f->store, id, &error));
  g_assert_error (error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_NOT_FOUND);
  message = pigeon_store_lookup_message (f->store, id);
  g_assert_false (pigeon_message_get_has_attachments (message));

  pigeon_store_set_raw_async (f->store, id, raw, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  loaded = pigeon_store_load_raw (f->store, id, NULL);
  g_assert_true (g_bytes_equal (loaded, raw));
  g_assert_true (pigeon_message_get_has_attachments (message));
  g_assert_cmpuint (search_count (f->store, "flowmatic"), ==, 1);
}

static void
test_outbox (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (GBytes) raw = g_bytes_new_static ("Subject: hi\r\n\r\nhello\r\n", 22);
  g_autoptr (GPtrArray) items = NULL;
  StoreTestWrite write = { 0 };
  PigeonOutboxItem *item;
  gint64 id;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  pigeon_store_queue_outgoing_async (f->store, account, raw, NULL, store_test_write_cb, &write);
  id = store_test_wait_ok (&write);
  items = pigeon_store_list_outbox (f->store, account, NULL);
  g_assert_cmpuint (items->len, ==, 1);
  item = items->pdata[0];
  g_assert_cmpint (item->id, ==, id);
  g_assert_cmpint (item->state, ==, PIGEON_OUTBOX_QUEUED);
  g_assert_true (g_bytes_equal (item->raw, raw));

  write = (StoreTestWrite){ 0 };
  pigeon_store_set_outgoing_state_async (f->store, id, PIGEON_OUTBOX_SENDING, NULL, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  write = (StoreTestWrite){ 0 };
  pigeon_store_set_outgoing_state_async (f->store, id, PIGEON_OUTBOX_FAILED, "451 try later", NULL, store_test_write_cb,
                                         &write);
  store_test_wait_ok (&write);
  /* It survives a restart with its error. */
  reopen (f);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = pigeon_store_list_outbox (f->store, NULL, NULL);
  item = items->pdata[0];
  g_assert_cmpint (item->state, ==, PIGEON_OUTBOX_FAILED);
  g_assert_cmpuint (item->attempts, ==, 1);
  g_assert_cmpstr (item->last_error, ==, "451 try later");

  write = (StoreTestWrite){ 0 };
  pigeon_store_remove_outgoing_async (f->store, id, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = pigeon_store_list_outbox (f->store, NULL, NULL);
  g_assert_cmpuint (items->len, ==, 0);
  write = (StoreTestWrite){ 0 };
  pigeon_store_remove_outgoing_async (f->store, id, NULL, store_test_write_cb, &write);
  store_test_wait (&write.done);
  g_assert_error (write.error, PIGEON_STORE_ERROR, PIGEON_STORE_ERROR_NOT_FOUND);
  g_clear_error (&write.error);
}

static void
test_drafts (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (GBytes) first = g_bytes_new_static ("Subject: d\r\n\r\nv1\r\n", 18);
  g_autoptr (GBytes) second = g_bytes_new_static ("Subject: d\r\n\r\nv2\r\n", 18);
  g_autoptr (GPtrArray) drafts = NULL;
  StoreTestWrite write = { 0 };
  gint64 id;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  pigeon_store_save_draft_async (f->store, account, 0, first, NULL, store_test_write_cb, &write);
  id = store_test_wait_ok (&write);
  write = (StoreTestWrite){ 0 };
  pigeon_store_save_draft_async (f->store, account, id, second, NULL, store_test_write_cb, &write);
  g_assert_cmpint (store_test_wait_ok (&write), ==, id);
  drafts = pigeon_store_list_drafts (f->store, NULL);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_true (g_bytes_equal (((PigeonDraft *) drafts->pdata[0])->raw, second));
  write = (StoreTestWrite){ 0 };
  pigeon_store_delete_draft_async (f->store, id, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_clear_pointer (&drafts, g_ptr_array_unref);
  drafts = pigeon_store_list_drafts (f->store, NULL);
  g_assert_cmpuint (drafts->len, ==, 0);
}

static GPtrArray *
one_message (PigeonStore *store, gint64 id)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (messages, pigeon_store_lookup_message (store, id));
  return messages;
}

static void
test_pending_ops (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (PigeonFolder) archive = NULL;
  g_autoptr (PigeonFolder) trash = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  StoreTestWrite write = { 0 };
  PigeonPendingOp *op;
  PigeonMessageInfo *info;
  gint64 id;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  archive = store_test_add_folder (f->store, account, "Archive", PIGEON_FOLDER_ROLE_ARCHIVE);
  trash = store_test_add_folder (f->store, account, "Trash", PIGEON_FOLDER_ROLE_TRASH);
  g_ptr_array_add (infos, store_test_info (10, 100, "to archive"));
  store_test_add_messages (f->store, inbox, infos);
  id = pigeon_store_lookup_uid (f->store, inbox, 10);
  messages = one_message (f->store, id);

  /* Marked read: at once locally, and queued for the server. */
  pigeon_store_set_flags_async (f->store, messages, PIGEON_MESSAGE_SEEN, 0, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_assert_false (pigeon_message_get_unread (messages->pdata[0]));
  g_assert_cmpuint (pigeon_folder_get_unread (inbox), ==, 0);
  ops = pigeon_store_list_pending_ops (f->store, account, NULL);
  g_assert_cmpuint (ops->len, ==, 1);
  op = ops->pdata[0];
  g_assert_cmpint (op->kind, ==, PIGEON_PENDING_FLAGS);
  g_assert_cmpuint (op->uid, ==, 10);
  g_assert_cmpint (op->flags_set, ==, PIGEON_MESSAGE_SEEN);

  /* Moved to the archive, then on to the trash before any replay: one move
   * from the real UID, to the trash. */
  write = (StoreTestWrite){ 0 };
  pigeon_store_move_messages_async (f->store, messages, inbox, archive, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_assert_cmpuint (pigeon_folder_get_total (inbox), ==, 0);
  g_assert_cmpuint (pigeon_folder_get_total (archive), ==, 1);
  write = (StoreTestWrite){ 0 };
  pigeon_store_move_messages_async (f->store, messages, archive, trash, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_assert_cmpuint (pigeon_folder_get_total (archive), ==, 0);
  g_assert_cmpuint (pigeon_folder_get_total (trash), ==, 1);
  reopen (f);
  g_set_object (&account, pigeon_store_lookup_account (f->store, pigeon_account_get_id (account)));
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = pigeon_store_list_pending_ops (f->store, account, NULL);
  g_assert_cmpuint (ops->len, ==, 2);
  op = ops->pdata[1];
  g_assert_cmpint (op->kind, ==, PIGEON_PENDING_MOVE);
  g_assert_cmpint (op->folder_id, ==, pigeon_folder_get_id (inbox));
  g_assert_cmpuint (op->uid, ==, 10);
  g_assert_cmpint (op->target_folder_id, ==, pigeon_folder_get_id (trash));

  /* The engine replays; the next sync of the trash names the copy: no double. */
  write = (StoreTestWrite){ 0 };
  pigeon_store_fail_pending_op_async (f->store, op->id, "NO [INUSE]", NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  write = (StoreTestWrite){ 0 };
  pigeon_store_complete_pending_op_async (f->store, op->id, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_set_object (&trash, pigeon_store_lookup_folder (f->store, pigeon_folder_get_id (trash)));
  info = store_test_info (500, 100, "to archive");
  g_free (info->message_id);
  info->message_id = g_strdup (((PigeonMessageInfo *) infos->pdata[0])->message_id);
  g_ptr_array_set_size (infos, 0);
  g_ptr_array_add (infos, info);
  store_test_add_messages (f->store, trash, infos);
  g_assert_cmpuint (pigeon_folder_get_total (trash), ==, 1);
  g_assert_cmpint (pigeon_store_lookup_uid (f->store, trash, 500), ==, id);

  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = pigeon_store_list_pending_ops (f->store, account, NULL);
  g_assert_cmpuint (ops->len, ==, 1);
}

static void
test_contacts (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (PigeonFolder) sent = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (GPtrArray) found = NULL;
  PigeonContact *contact;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  sent = store_test_add_folder (f->store, account, "Sent", PIGEON_FOLDER_ROLE_SENT);
  g_ptr_array_add (infos, store_test_info (1, 100, "a"));
  g_ptr_array_add (infos, store_test_info (2, 200, "b"));
  store_test_add_messages (f->store, inbox, infos);
  g_ptr_array_set_size (infos, 0);
  g_ptr_array_add (infos, store_test_info (1, 300, "c"));
  g_free (((PigeonMessageInfo *) infos->pdata[0])->to);
  ((PigeonMessageInfo *) infos->pdata[0])->to = g_strdup ("\"Somerville, Mary\" <mary@example.org>, c%d@example.org");
  store_test_add_messages (f->store, sent, infos);

  found = pigeon_store_complete_address (f->store, "cb", 10, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  contact = found->pdata[0];
  g_assert_cmpstr (contact->address, ==, "cb@example.org");
  g_assert_cmpstr (contact->name, ==, "Charles Babbage");
  g_assert_cmpuint (contact->received_count, ==, 2);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pigeon_store_complete_address (f->store, "mary", 10, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpuint (((PigeonContact *) found->pdata[0])->sent_count, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pigeon_store_complete_address (f->store, "c%", 10, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = pigeon_store_complete_address (f->store, "", 10, NULL);
  g_assert_cmpuint (found->len, ==, 3);
  /* Sent-to first. */
  g_assert_cmpuint (((PigeonContact *) found->pdata[0])->sent_count, ==, 1);
}

static void
test_corrupt_header (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = NULL;
  guint notified = 0;
  guint damaged = 0;
  const char *name;

  g_file_set_contents (f->path, "this is not a database, it is a pigeon\n", -1, &error);
  g_assert_no_error (error);
  reopen (f);
  g_assert_nonnull (pigeon_store_get_notice (f->store));
  g_assert_nonnull (strstr (pigeon_store_get_notice (f->store), "damaged"));
  g_signal_connect (f->store, "notify::notice", G_CALLBACK (count_notify), &notified);
  pigeon_store_dismiss_notice (f->store);
  g_assert_null (pigeon_store_get_notice (f->store));
  g_assert_cmpuint (notified, ==, 1);
  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    damaged += g_str_has_prefix (name, "pigeon.db.damaged-") && !g_str_has_suffix (name, "-shm");
  g_assert_cmpuint (damaged, >=, 1);
  /* The new database works. */
  g_object_unref (store_test_add_account (f->store, "ada@example.org"));
}

/* Overwrites the pages of an index of the messages with garbage, as a bad
 * disk would, leaving the outbox and drafts readable. */
static void
damage_messages_index (const char *path)
{
  sqlite3 *db = raw_open (path);
  gint64 page = raw_int (db, "SELECT rootpage FROM sqlite_schema WHERE name = 'messages_by_thread'");
  gint64 page_size = raw_int (db, "PRAGMA page_size");
  FILE *file;
  char garbage[512];

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA wal_checkpoint (TRUNCATE)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  memset (garbage, 0xa5, sizeof garbage);
  file = fopen (path, "r+b");
  g_assert_nonnull (file);
  fseek (file, (page - 1) * page_size, SEEK_SET);
  fwrite (garbage, 1, sizeof garbage, file);
  fclose (file);
}

static void
test_corrupt_salvage (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (GBytes) raw = g_bytes_new_static ("Subject: queued\r\n\r\nhello\r\n", 26);
  g_autoptr (GPtrArray) outbox = NULL;
  g_autoptr (GPtrArray) drafts = NULL;
  g_autofree char *marker = g_strconcat (f->path, ".open", NULL);
  StoreTestWrite write = { 0 };
  const char *notice;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  for (guint uid = 1; uid <= 300; uid++)
    g_ptr_array_add (infos, store_test_info (uid, uid, "filler"));
  store_test_add_messages (f->store, inbox, infos);
  pigeon_store_queue_outgoing_async (f->store, account, raw, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  write = (StoreTestWrite){ 0 };
  pigeon_store_save_draft_async (f->store, account, 0, raw, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_clear_object (&f->store);

  damage_messages_index (f->path);
  /* As after a crash: the next start checks the file. */
  g_file_set_contents (marker, "", 0, NULL);
  reopen (f);
  notice = pigeon_store_get_notice (f->store);
  g_assert_nonnull (notice);
  g_assert_nonnull (strstr (notice, "1 message waiting to be sent was kept"));
  g_assert_nonnull (strstr (notice, "1 draft was kept"));
  g_test_message ("Notice: %s", notice);
  outbox = pigeon_store_list_outbox (f->store, NULL, NULL);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_true (g_bytes_equal (((PigeonOutboxItem *) outbox->pdata[0])->raw, raw));
  drafts = pigeon_store_list_drafts (f->store, NULL);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (pigeon_store_get_accounts (f->store)), ==, 1);
  /* The folders stay, empty, to be synced again. */
  g_set_object (&account, pigeon_store_lookup_account (f->store, pigeon_account_get_id (account)));
  g_assert_cmpuint (g_list_model_get_n_items (pigeon_store_get_folders (f->store, account)), ==, 1);
  g_set_object (&inbox, g_list_model_get_item (pigeon_store_get_folders (f->store, account), 0));
  g_assert_cmpstr (pigeon_folder_get_path (inbox), ==, "INBOX");
  g_assert_cmpuint (pigeon_folder_get_total (inbox), ==, 0);
  g_assert_cmpuint (pigeon_store_lookup_uid (f->store, inbox, 1), ==, 0);
}

/* Bodies are a cache and are not salvaged: the rebuilt search index is
 * empty and whole, and a body fetched again is found once. */
static void
test_corrupt_search (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (GBytes) raw = g_bytes_new_static (multipart, strlen (multipart));
  g_autofree char *marker = g_strconcat (f->path, ".open", NULL);
  StoreTestWrite write = { 0 };
  sqlite3 *db;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  for (guint uid = 1; uid <= 300; uid++)
    g_ptr_array_add (infos, store_test_info (uid, uid, "filler"));
  store_test_add_messages (f->store, inbox, infos);
  pigeon_store_set_raw_async (f->store, pigeon_store_lookup_uid (f->store, inbox, 1), raw, NULL, store_test_write_cb,
                              &write);
  store_test_wait_ok (&write);
  g_assert_cmpuint (search_count (f->store, "flowmatic"), ==, 1);
  g_clear_object (&f->store);

  damage_messages_index (f->path);
  g_file_set_contents (marker, "", 0, NULL);
  reopen (f);
  g_assert_nonnull (pigeon_store_get_notice (f->store));
  g_assert_cmpuint (search_count (f->store, "flowmatic"), ==, 0);
  g_assert_cmpuint (search_count (f->store, "filler"), ==, 0);
  db = raw_open (f->path);
  g_assert_cmpint (raw_int (db, "SELECT count (*) FROM messages_fts"), ==, 0);
  g_assert_cmpint (
      sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')", NULL, NULL, NULL), ==,
      SQLITE_OK);
  sqlite3_close (db);

  /* The next sync brings the message and its body back. */
  g_set_object (&inbox, g_list_model_get_item (pigeon_store_get_folders (f->store, account), 0));
  g_ptr_array_set_size (infos, 1);
  store_test_add_messages (f->store, inbox, infos);
  write = (StoreTestWrite){ 0 };
  pigeon_store_set_raw_async (f->store, pigeon_store_lookup_uid (f->store, inbox, 1), raw, NULL, store_test_write_cb,
                              &write);
  store_test_wait_ok (&write);
  g_assert_cmpuint (search_count (f->store, "flowmatic"), ==, 1);
  g_assert_cmpuint (search_count (f->store, "filler"), ==, 1);
}

/* POP3 mail may exist only here: it is carried into the rebuilt database
 * with its UIDL, flags and body, and found by search again. */
static void
test_corrupt_pop3 (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (GBytes) raw = g_bytes_new_static (multipart, strlen (multipart));
  g_autoptr (GBytes) kept = NULL;
  g_autofree char *marker = g_strconcat (f->path, ".open", NULL);
  g_autoptr (PigeonMessageList) found = NULL;
  g_autoptr (PigeonMessage) first = NULL;
  StoreTestWrite write = { 0 };
  PigeonMessageInfo *info;

  reopen (f);
  account = pigeon_account_new ("ada@example.org");
  pigeon_account_set_incoming_protocol (account, PIGEON_PROTOCOL_POP3);
  pigeon_store_save_account_async (f->store, account, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  for (guint n = 1; n <= 300; n++)
    {
      info = pigeon_message_info_new_from_raw (raw);
      info->uidl = g_strdup_printf ("uidl-%u", n);
      info->flags = n == 7 ? PIGEON_MESSAGE_SEEN : 0;
      g_ptr_array_add (infos, info);
    }
  store_test_add_messages (f->store, inbox, infos);
  g_clear_object (&f->store);

  damage_messages_index (f->path);
  g_file_set_contents (marker, "", 0, NULL);
  reopen (f);
  g_assert_nonnull (strstr (pigeon_store_get_notice (f->store), "300 messages downloaded with POP3 were kept"));
  g_set_object (&inbox, g_list_model_get_item (pigeon_store_get_folders (f->store, account), 0));
  g_assert_cmpuint (pigeon_folder_get_total (inbox), ==, 300);
  g_assert_cmpuint (pigeon_folder_get_unread (inbox), ==, 299);
  g_assert_cmpuint (search_count (f->store, "flowmatic"), ==, 300);
  /* Downloading the same UIDL again finds the message that is there. */
  g_ptr_array_set_size (infos, 1);
  store_test_add_messages (f->store, inbox, infos);
  g_assert_cmpuint (pigeon_folder_get_total (inbox), ==, 300);
  found = pigeon_store_search (f->store, NULL, "flowmatic", NULL);
  first = g_list_model_get_item (G_LIST_MODEL (found), 0);
  kept = pigeon_store_load_raw (f->store, pigeon_message_get_id (first), NULL);
  g_assert_true (g_bytes_equal (kept, raw));
}

/* The WAL's length in pages, as a checkpoint from another connection sees it. */
static gint64
wal_pages (const char *path)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  gint64 pages;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA wal_checkpoint (PASSIVE)", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  pages = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return pages;
}

/* The main thread's reader keeps a snapshot; still, once writes stop, the
 * WAL is copied back and a later write starts it from the beginning. */
static void
test_wal_restarts (Fixture *f, gconstpointer data)
{
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autofree char *body = g_strnfill (6000, 'a');
  g_autofree char *raw = g_strdup_printf ("Subject: long\r\n\r\n%s\r\n", body);
  guint32 uid = 1;
  gint64 pages = 0;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  for (guint batch = 0; batch < 3; batch++)
    {
      g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);

      for (guint i = 0; i < 500; i++, uid++)
        {
          PigeonMessageInfo *info = store_test_info (uid, uid, "long");

          info->raw = g_bytes_new (raw, strlen (raw));
          g_ptr_array_add (infos, info);
        }
      store_test_add_messages (f->store, inbox, infos);
    }
  for (guint i = 0; i < 200; i++)
    {
      PigeonFlagUpdate update = { 1, i % 2 ? PIGEON_MESSAGE_SEEN : PIGEON_MESSAGE_FLAGGED };
      StoreTestWrite write = { 0 };

      pigeon_store_update_flags_async (f->store, inbox, &update, 1, NULL, store_test_write_cb, &write);
      store_test_wait_ok (&write);
      pages = wal_pages (f->path);
      if (pages < 100)
        break;
      g_usleep (5000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_assert_cmpint (pages, <, 100);
}

typedef struct
{
  GAsyncResult *result;
  guint idles; /* main-loop turns while the store opened */
} Opening;

static void
opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Opening *opening = user_data;

  opening->result = g_object_ref (result);
}

static gboolean
count_idle (gpointer user_data)
{
  Opening *opening = user_data;

  opening->idles++;
  return G_SOURCE_CONTINUE;
}

static PigeonStore *
open_async (const char *path, GCancellable *cancellable, Opening *opening, GError **error)
{
  guint idle = g_idle_add (count_idle, opening);
  PigeonStore *store;

  pigeon_store_open_async (path, cancellable, opened, opening);
  while (opening->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (idle);
  store = pigeon_store_open_finish (opening->result, error);
  g_clear_object (&opening->result);
  return store;
}

/* Opening in a thread, here a damaged file that is rebuilt: the main
 * context runs meanwhile, and the store is then as pigeon_store_open()
 * makes it. */
static void
test_open_async (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (PigeonAccount) account = NULL;
  Opening opening = { NULL, 0 };

  g_file_set_contents (f->path, "this is not a database, it is a pigeon\n", -1, &error);
  g_assert_no_error (error);
  f->store = open_async (f->path, NULL, &opening, &error);
  g_assert_no_error (error);
  g_assert_true (PIGEON_IS_STORE (f->store));
  g_assert_cmpuint (opening.idles, >, 0);
  g_assert_nonnull (pigeon_store_get_notice (f->store));
  g_assert_cmpstr (pigeon_store_get_path (f->store), ==, f->path);
  account = store_test_add_account (f->store, "ada@example.org");
  g_clear_object (&account);
  g_clear_object (&f->store);

  f->store = open_async (f->path, NULL, &opening, &error);
  g_assert_no_error (error);
  g_assert_null (pigeon_store_get_notice (f->store));
  g_assert_cmpuint (g_list_model_get_n_items (pigeon_store_get_accounts (f->store)), ==, 1);
  g_clear_object (&f->store);

  g_cancellable_cancel (cancellable);
  g_assert_null (open_async (f->path, cancellable, &opening, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static GPtrArray *
messages_at (PigeonStore *store, PigeonFolder *folder, const guint32 *uids, guint n_uids)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n_uids; i++)
    g_ptr_array_add (messages, pigeon_store_lookup_message (store, pigeon_store_lookup_uid (store, folder, uids[i])));
  return messages;
}

/* A rebuilt cache keeps what the user did and the server has not heard of:
 * flags, moves, deletes and appends replay as they would have. */
static void
test_corrupt_pending (Fixture *f, gconstpointer data)
{
  static const guint32 flagged[] = { 3, 4 }, moved[] = { 5 }, deleted[] = { 6 };
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (PigeonFolder) inbox = NULL;
  g_autoptr (PigeonFolder) archive = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GBytes) raw = g_bytes_new_static ("Subject: sent copy\r\n\r\nhello\r\n", 29);
  g_autofree char *marker = g_strconcat (f->path, ".open", NULL);
  g_autofree char *saved = NULL;
  StoreTestWrite writes[4] = { { 0 } };
  const char *notice;

  reopen (f);
  account = store_test_add_account (f->store, "ada@example.org");
  inbox = store_test_add_folder (f->store, account, "INBOX", PIGEON_FOLDER_ROLE_INBOX);
  archive = store_test_add_folder (f->store, account, "Archive", PIGEON_FOLDER_ROLE_ARCHIVE);
  for (guint uid = 1; uid <= 300; uid++)
    g_ptr_array_add (infos, store_test_info (uid, uid, "filler"));
  store_test_add_messages (f->store, inbox, infos);
  messages = messages_at (f->store, inbox, flagged, G_N_ELEMENTS (flagged));
  pigeon_store_set_flags_async (f->store, messages, PIGEON_MESSAGE_FLAGGED, PIGEON_MESSAGE_SEEN, NULL,
                                store_test_write_cb, &writes[0]);
  g_ptr_array_unref (messages);
  messages = messages_at (f->store, inbox, moved, 1);
  pigeon_store_move_messages_async (f->store, messages, inbox, archive, NULL, store_test_write_cb, &writes[1]);
  g_ptr_array_unref (messages);
  messages = messages_at (f->store, inbox, deleted, 1);
  pigeon_store_delete_messages_async (f->store, messages, inbox, NULL, store_test_write_cb, &writes[2]);
  pigeon_store_queue_append_async (f->store, archive, raw, NULL, store_test_write_cb, &writes[3]);
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    store_test_wait_ok (&writes[i]);
  before = pigeon_store_list_pending_ops (f->store, account, NULL);
  g_assert_cmpuint (before->len, ==, 5);
  g_clear_object (&f->store);

  damage_messages_index (f->path);
  g_file_set_contents (marker, "", 0, NULL);
  reopen (f);
  notice = pigeon_store_get_notice (f->store);
  g_assert_nonnull (notice);
  g_test_message ("Notice: %s", notice);
  g_assert_nonnull (strstr (notice, "5 changes waiting for the server were kept"));
  g_set_object (&account, pigeon_store_lookup_account (f->store, pigeon_account_get_id (account)));
  after = pigeon_store_list_pending_ops (f->store, account, NULL);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    {
      PigeonPendingOp *a = before->pdata[i], *b = after->pdata[i];

      g_assert_cmpint (a->id, ==, b->id);
      g_assert_cmpint (a->kind, ==, b->kind);
      g_assert_cmpint (a->folder_id, ==, b->folder_id);
      g_assert_cmpuint (a->uid, ==, b->uid);
      g_assert_cmpint (a->target_folder_id, ==, b->target_folder_id);
      g_assert_cmpuint (a->flags_set, ==, b->flags_set);
      g_assert_cmpuint (a->flags_clear, ==, b->flags_clear);
      g_assert_true ((a->raw == NULL) == (b->raw == NULL));
      g_assert_true (a->raw == NULL || g_bytes_equal (a->raw, b->raw));
    }
  /* The folders the operations name are the same folders, with their UIDVALIDITY. */
  g_assert_nonnull (pigeon_store_lookup_folder (f->store, pigeon_folder_get_id (archive)));
  g_assert_cmpstr (pigeon_folder_get_path (pigeon_store_lookup_folder (f->store, pigeon_folder_get_id (archive))), ==,
                   "Archive");
  /* The appended message is also kept as a file. */
  g_assert_nonnull (strstr (notice, "Copies of the messages are in the folder"));
  saved = g_strndup (strstr (notice, "“") + strlen ("“"), strstr (notice, "”") - strstr (notice, "“") - strlen ("“"));
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_DIR));
}

static void
add (const char *path, void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add ("/store/migrations/fresh", test_fresh_schema);
  add ("/store/migrations/upgrade-from-1", test_upgrade);
  add ("/store/migrations/too-new", test_too_new);
  add ("/store/account/round-trip", test_account_round_trip);
  add ("/store/folder/tree", test_folder_tree);
  add ("/store/folder/state", test_folder_state);
  add ("/store/message/round-trip", test_message_round_trip);
  add ("/store/message/threads", test_threads);
  add ("/store/message/body", test_body);
  add ("/store/search/queries", test_search);
  add ("/store/outbox/lifecycle", test_outbox);
  add ("/store/drafts/lifecycle", test_drafts);
  add ("/store/pending/lifecycle", test_pending_ops);
  add ("/store/contacts/complete", test_contacts);
  add ("/store/corrupt/header", test_corrupt_header);
  add ("/store/corrupt/salvage", test_corrupt_salvage);
  add ("/store/corrupt/pending", test_corrupt_pending);
  add ("/store/corrupt/search", test_corrupt_search);
  add ("/store/corrupt/pop3", test_corrupt_pop3);
  add ("/store/open/async", test_open_async);
  add ("/store/wal/restarts", test_wal_restarts);

  return g_test_run ();
}
