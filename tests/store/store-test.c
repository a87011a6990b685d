/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <glib/gstdio.h>

#include "store-test.h"

void
store_test_write_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StoreTestWrite *write = user_data;

  pigeon_store_write_finish (PIGEON_STORE (source), result, &write->id, &write->error);
  write->done = TRUE;
}

static gboolean
timed_out (gpointer user_data)
{
  g_error ("A main-loop wait took more than 30 s");
  return G_SOURCE_REMOVE;
}

void
store_test_wait (gboolean *flag)
{
  guint timeout = g_timeout_add_seconds (30, timed_out, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

gint64
store_test_wait_ok (StoreTestWrite *write)
{
  store_test_wait (&write->done);
  g_assert_no_error (write->error);
  return write->id;
}

char *
store_test_make_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("pigeon-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
store_test_cleanup_dir (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        store_test_cleanup_dir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

PigeonAccount *
store_test_add_account (PigeonStore *store, const char *address)
{
  PigeonAccount *account = pigeon_account_new (address);
  StoreTestWrite write = { 0 };

  pigeon_store_save_account_async (store, account, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
  g_assert_cmpint (pigeon_account_get_id (account), >, 0);
  return account;
}

PigeonFolder *
store_test_add_folder (PigeonStore *store, PigeonAccount *account, const char *path, PigeonFolderRole role)
{
  StoreTestWrite write = { 0 };
  PigeonFolder *folder;

  pigeon_store_add_folder_async (store, account, path, "/", role, NULL, store_test_write_cb, &write);
  folder = pigeon_store_lookup_folder (store, store_test_wait_ok (&write));
  g_assert_nonnull (folder);
  return g_object_ref (folder);
}

PigeonMessageInfo *
store_test_info (guint32 uid, gint64 date, const char *subject)
{
  PigeonMessageInfo *info = pigeon_message_info_new ();

  info->uid = uid;
  info->date = date;
  info->subject = g_strdup (subject);
  info->message_id = g_strdup_printf ("m%u.%" G_GINT64_FORMAT "@example.org", uid, date);
  info->from = g_strdup ("Charles Babbage <cb@example.org>");
  info->to = g_strdup ("Ada Lovelace <ada@example.org>");
  info->size = 1000 + uid;
  return info;
}

void
store_test_add_messages (PigeonStore *store, PigeonFolder *folder, GPtrArray *infos)
{
  StoreTestWrite write = { 0 };

  pigeon_store_add_messages_async (store, folder, infos, NULL, store_test_write_cb, &write);
  store_test_wait_ok (&write);
}
