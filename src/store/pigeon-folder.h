/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-store-types.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_FOLDER (pigeon_folder_get_type ())

/* A mail folder (an IMAP mailbox, or the POP3 inbox) as the store knows
 * it. The store owns the live objects and updates their properties, which
 * notify, when the sync writes; the folder's sub-folders are a list model
 * of their own, so a folder tree is a GtkTreeListModel away. */
G_DECLARE_FINAL_TYPE (PigeonFolder, pigeon_folder, PIGEON, FOLDER, GObject)

gint64 pigeon_folder_get_id (PigeonFolder *self);
gint64 pigeon_folder_get_account_id (PigeonFolder *self);
/* 0 for a top-level folder. */
gint64 pigeon_folder_get_parent_id (PigeonFolder *self);
/* The full server path ("INBOX", "Archive/2024"), as UTF-8. */
const char *pigeon_folder_get_path (PigeonFolder *self);
/* The last component of the path, for display. */
const char *pigeon_folder_get_name (PigeonFolder *self);
/* The hierarchy delimiter, "" when the server has none. */
const char *pigeon_folder_get_delimiter (PigeonFolder *self);
PigeonFolderRole pigeon_folder_get_role (PigeonFolder *self);
guint32 pigeon_folder_get_uidvalidity (PigeonFolder *self);
guint32 pigeon_folder_get_uidnext (PigeonFolder *self);
guint64 pigeon_folder_get_highestmodseq (PigeonFolder *self);
guint pigeon_folder_get_total (PigeonFolder *self);
guint pigeon_folder_get_unread (PigeonFolder *self);

/* The sub-folders, sorted by role then name; a live list. */
GListModel *pigeon_folder_get_children (PigeonFolder *self);

/* A GtkTreeListModelCreateModelFunc: @item is a PigeonFolder; returns a
 * new reference to its children, or NULL when it has none. */
GListModel *pigeon_folder_create_child_model (gpointer item, gpointer user_data);

G_END_DECLS
