/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

#include "pigeon-store-types.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_MESSAGE (pigeon_message_get_type ())

/* A message summary as a list shows it: the envelope, flags and thread,
 * not the body. The store keeps one live object per message and updates
 * it, with notifications, when the sync changes the message. */
G_DECLARE_FINAL_TYPE (PigeonMessage, pigeon_message, PIGEON, MESSAGE, GObject)

gint64 pigeon_message_get_id (PigeonMessage *self);
gint64 pigeon_message_get_account_id (PigeonMessage *self);
/* The Message-ID without angle brackets, or NULL. */
const char *pigeon_message_get_message_id (PigeonMessage *self);
/* Messages with the same thread id are one conversation. */
gint64 pigeon_message_get_thread_id (PigeonMessage *self);
const char *pigeon_message_get_subject (PigeonMessage *self);
/* From, To and Cc as address lists ("Name <a@b>, c@d"), decoded. */
const char *pigeon_message_get_from (PigeonMessage *self);
const char *pigeon_message_get_to (PigeonMessage *self);
const char *pigeon_message_get_cc (PigeonMessage *self);
/* The Date field as a Unix time (0 when unknown). */
gint64 pigeon_message_get_date (PigeonMessage *self);
guint64 pigeon_message_get_size (PigeonMessage *self);
PigeonMessageFlags pigeon_message_get_flags (PigeonMessage *self);
gboolean pigeon_message_get_unread (PigeonMessage *self);
gboolean pigeon_message_get_flagged (PigeonMessage *self);
gboolean pigeon_message_get_has_attachments (PigeonMessage *self);

G_END_DECLS
