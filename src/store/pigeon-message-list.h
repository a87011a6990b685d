/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-store-types.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_MESSAGE_LIST (pigeon_message_list_get_type ())

/* A GListModel of PigeonMessage: a folder, a search or a thread, sorted.
 * It holds one (id, sort key) pair per row and builds message objects only
 * for the pages that are asked for. Writes to the store reach it as
 * items-changed with exact positions. Made by pigeon_store_list_folder(),
 * pigeon_store_search() and pigeon_store_list_thread().
 *
 * A folder list sorted by date holds no rows at all: it knows how many
 * there are and reads pages of them as they are asked for, so that opening
 * a folder of 100,000 messages costs no more than its first page. */
G_DECLARE_FINAL_TYPE (PigeonMessageList, pigeon_message_list, PIGEON, MESSAGE_LIST, GObject)

PigeonSortKey pigeon_message_list_get_sort_key (PigeonMessageList *self);
gboolean pigeon_message_list_get_descending (PigeonMessageList *self);
/* FALSE: every list answers for all its rows from the start. (Kept for
 * callers written when a long list read its rows in a thread.) */
gboolean pigeon_message_list_is_loading (PigeonMessageList *self);
/* The message id at @position, without building the object; 0 when out of range. */
gint64 pigeon_message_list_get_message_id (PigeonMessageList *self, guint position);

G_END_DECLS
