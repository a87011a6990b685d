/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-store.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_CONVERSATION_LIST (pigeon_conversation_list_get_type ())

/* A GListModel of PigeonMessage over a list of messages: one item per
 * conversation (thread id), the newest message of it, placed where the
 * conversation first appears in the source's order.
 *
 * It reads every item of the source, so it builds every message object of
 * the list; a conversation view of a very large folder pays for that. */
G_DECLARE_FINAL_TYPE (PigeonConversationList, pigeon_conversation_list, PIGEON, CONVERSATION_LIST, GObject)

PigeonConversationList *pigeon_conversation_list_new (GListModel *messages);
/* The source's messages of the conversation @message stands for, in the
 * source's order; empty when @message is not one of the items. */
GPtrArray *pigeon_conversation_list_get_members (PigeonConversationList *self, PigeonMessage *message);

G_END_DECLS
