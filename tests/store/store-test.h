/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-store.h"

G_BEGIN_DECLS

/* The outcome of one store write, filled by store_test_write_cb. */
typedef struct
{
  gboolean done;
  gint64 id;
  GError *error;
} StoreTestWrite;

void store_test_write_cb (GObject *source, GAsyncResult *result, gpointer user_data);
/* Iterates the main context until *flag, failing the test after 30 s. */
void store_test_wait (gboolean *flag);
/* Waits for @write and asserts it succeeded; returns the new row id. */
gint64 store_test_wait_ok (StoreTestWrite *write);

/* A fresh temporary directory, removed with its files by store_test_cleanup_dir(). */
char *store_test_make_dir (void);
void store_test_cleanup_dir (const char *dir);

PigeonAccount *store_test_add_account (PigeonStore *store, const char *address);
PigeonFolder *
store_test_add_folder (PigeonStore *store, PigeonAccount *account, const char *path, PigeonFolderRole role);
PigeonMessageInfo *store_test_info (guint32 uid, gint64 date, const char *subject);
void store_test_add_messages (PigeonStore *store, PigeonFolder *folder, GPtrArray *infos);

G_END_DECLS
