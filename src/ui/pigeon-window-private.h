/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-message-list-pane.h"
#include "pigeon-reader.h"
#include "pigeon-sidebar.h"
#include "pigeon-window.h"

G_BEGIN_DECLS

/* The main window is split by topic: pigeon-window.c builds it and follows
 * the engine, pigeon-window-actions.c holds the win.* actions. */
struct _PigeonWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  PigeonEngine *engine;
  GNetworkMonitor *monitor;
  GSignalGroup *engine_signals;
  GSignalGroup *store_signals;

  PigeonSidebar *sidebar;
  PigeonMessageListPane *message_list;
  PigeonReader *reader;

  /* Pulses the progress bar while the engine works without a count. */
  guint pulse_source;

  /* The account whose error the banner shows. */
  PigeonAccount *banner_account;
  GError *banner_error;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkPaned *outer_paned;
  GtkPaned *inner_paned;
  GtkWidget *sidebar_slot;
  GtkWidget *list_slot;
  GtkWidget *reader_slot;
  GtkStack *list_stack;
  AdwStatusPage *empty_page;
  GtkWidget *add_account_button;
  AdwWindowTitle *list_title;
  GtkToggleButton *search_button;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkRevealer *offline_banner;
  GtkRevealer *error_banner;
  GtkLabel *error_label;
  GtkButton *error_button;
  GtkRevealer *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkLabel *status_label;
};

/* pigeon-window.c */
void pigeon_window_set_action_enabled (PigeonWindow *self, const char *name, gboolean enabled);

/* pigeon-window-actions.c */
void pigeon_window_add_actions (PigeonWindow *self);
/* Delete and A on the message list. */
void pigeon_window_add_list_shortcuts (PigeonWindow *self);

G_END_DECLS
