/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "pigeon-engine.h"

G_BEGIN_DECLS

typedef gboolean (*PigeonUiTestCondition) (gpointer data);

/* Iterates the main context until @condition holds; FALSE after 10 s
 * (every main-loop wait is bounded, TESTING.md). */
gboolean pigeon_ui_test_wait_for (PigeonUiTestCondition condition, gpointer data);
/* Lets newly shown widgets lay out and draw their first frames. */
void pigeon_ui_test_settle (void);
/* Renders @widget (a window) through its own renderer to
 * BUILDDIR/tests/ui/screenshots/@name, and asserts it drew something. */
void pigeon_ui_test_save_screenshot (GtkWidget *widget, const char *name);
/* The first widget of @type under @widget (itself included), depth first,
 * or NULL. */
GtkWidget *pigeon_ui_test_find_descendant (GtkWidget *widget, GType type);

/* A fresh temporary directory, and its removal with everything in it. */
char *pigeon_ui_test_make_dir (void);
void pigeon_ui_test_remove_dir (const char *dir);
/* Points XDG_DATA_HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME into @dir, and
 * keeps passwords in memory, so that nothing the UI saves (drafts, settings
 * files, passwords) reaches the user's own directories or keyring. */
void pigeon_ui_test_use_xdg_dirs (const char *dir);

/* A store in @dir holding two accounts, "Work" (IMAP, alice@example.org:
 * INBOX, Drafts, Sent, Archive, Junk, Trash, Projects and Projects/Pigeon)
 * and "Home" (POP3, alice@example.net: Inbox and Sent), and 30 messages
 * with their bodies (plain, HTML, attachments) from the .eml files in
 * tests/ui/data.
 * Work's INBOX has 10 messages, 4 unread; Home's Inbox 7, 2 unread. */
PigeonStore *pigeon_ui_test_fixture_store (const char *dir);
/* An engine over @store with passwords in memory and pins in @dir; not
 * started, so it never goes to the network. */
PigeonEngine *pigeon_ui_test_fixture_engine (PigeonStore *store, const char *dir);

/* The store's folder of @account_name ("Work", "Home") at @path. */
PigeonFolder *pigeon_ui_test_find_folder (PigeonStore *store, const char *account_name, const char *path);

G_END_DECLS
