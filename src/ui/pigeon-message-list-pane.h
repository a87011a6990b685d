/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "pigeon-engine.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_MESSAGE_LIST_PANE (pigeon_message_list_pane_get_type ())

/* The middle pane: the messages of a folder, of every Inbox, of a search or
 * of one conversation, with multi-selection, sorting, a conversation view,
 * a context menu and drag and drop.
 *
 * The window's actions (win.mark-read, win.delete, ...) act on the
 * selection through the pigeon_message_list_pane_*_selection() calls below;
 * each works on every selected message (in the conversation view, on every
 * message of each selected conversation) and does nothing when none is.
 * Moves, deletes and archives need the folder a message is in, which a
 * search result does not tell: there they say so in a toast. */
G_DECLARE_FINAL_TYPE (PigeonMessageListPane, pigeon_message_list_pane, PIGEON, MESSAGE_LIST_PANE, GtkWidget)

GtkWidget *pigeon_message_list_pane_new (PigeonEngine *engine);
/* Shows @folder's messages; NULL shows nothing. */
void pigeon_message_list_pane_set_folder (PigeonMessageListPane *self, PigeonFolder *folder);
void pigeon_message_list_pane_show_all_inboxes (PigeonMessageListPane *self);
/* Searches every account's cache (and the server, for a short result);
 * NULL ends the search and shows the folder again. */
void pigeon_message_list_pane_search (PigeonMessageListPane *self, const char *query);
/* The one message the reader shows: NULL when none or several are selected.
 * The "selected-message" property notifies. */
PigeonMessage *pigeon_message_list_pane_get_selected_message (PigeonMessageListPane *self);
/* The selected rows' messages (PigeonMessage), in list order; never NULL. */
GPtrArray *pigeon_message_list_pane_get_selection (PigeonMessageListPane *self);

/* Moves the selection to @target (the sidebar's drop target), with an undo
 * toast. */
void pigeon_message_list_pane_move_selection_to (PigeonMessageListPane *self, PigeonFolder *target);
/* win.mark-read and win.mark-unread. */
void pigeon_message_list_pane_mark_selection_read (PigeonMessageListPane *self, gboolean read);
/* win.toggle-flag: flags the selection unless every selected message is
 * flagged already, then unflags it. */
void pigeon_message_list_pane_toggle_selection_flag (PigeonMessageListPane *self);
/* win.delete (to the Trash, or for good in the Trash) and win.archive, with
 * an undo toast. */
void pigeon_message_list_pane_delete_selection (PigeonMessageListPane *self);
void pigeon_message_list_pane_archive_selection (PigeonMessageListPane *self);

G_END_DECLS
