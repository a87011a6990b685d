/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "pigeon-engine.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_SIDEBAR (pigeon_sidebar_get_type ())

/* The folder sidebar: "All Inboxes", then each account with its folder
 * tree, unread counts, and the account's sync state (a spinner while the
 * engine works on it, an error icon after a failure; clicking the icon
 * emits "fix-account-error"). Folder rows take dropped messages
 * (a GListModel of PigeonMessage) and emit "messages-dropped".
 *
 * Signals: "selection-changed" (), "messages-dropped" (PigeonFolder *),
 * "fix-account-error" (PigeonAccount *, GError *). */
G_DECLARE_FINAL_TYPE (PigeonSidebar, pigeon_sidebar, PIGEON, SIDEBAR, GtkWidget)

GtkWidget *pigeon_sidebar_new (PigeonEngine *engine);
/* The selected folder, or NULL (All Inboxes, or nothing). */
PigeonFolder *pigeon_sidebar_get_selected_folder (PigeonSidebar *self);
gboolean pigeon_sidebar_get_all_inboxes_selected (PigeonSidebar *self);
/* Selects @folder, expanding its account and parents. */
void pigeon_sidebar_select_folder (PigeonSidebar *self, PigeonFolder *folder);
void pigeon_sidebar_select_all_inboxes (PigeonSidebar *self);
/* The name a folder shows: its role's name ("Inbox", "Sent"), else the
 * last component of its path. */
const char *pigeon_sidebar_folder_title (PigeonFolder *folder);
const char *pigeon_sidebar_account_title (PigeonAccount *account);
/* The last error the engine reported for @account that has not been
 * cleared by a later sync, or NULL. */
const GError *pigeon_sidebar_get_account_error (PigeonSidebar *self, PigeonAccount *account);

G_END_DECLS
