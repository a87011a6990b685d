/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-mime-limits.h"
#include "pigeon-mime-part.h"

G_BEGIN_DECLS

#define PIGEON_MIME_TYPE_MESSAGE (pigeon_mime_message_get_type ())

/* A parsed RFC 5322 message: its bytes, kept as they are, and a tree of
 * parts over them. The root part holds the top-level header fields. */
G_DECLARE_FINAL_TYPE (PigeonMimeMessage, pigeon_mime_message, PIGEON_MIME, MESSAGE, GObject)

/* Parses @bytes (CRLF or LF line ends). Never fails: a malformed message
 * still gives a tree, with flags on the parts that were not right. @limits
 * may be NULL for the defaults. */
PigeonMimeMessage *pigeon_mime_message_new_from_bytes (GBytes *bytes, const PigeonMimeLimits *limits);
/* Reads @stream to its end, at most @max_size bytes (G_IO_ERROR_MESSAGE_TOO_LARGE
 * past that), and parses what it read. */
PigeonMimeMessage *
pigeon_mime_message_new_from_stream (GInputStream *stream, gsize max_size, GCancellable *cancellable, GError **error);

GBytes *pigeon_mime_message_get_bytes (PigeonMimeMessage *self);
PigeonMimePart *pigeon_mime_message_get_root (PigeonMimeMessage *self);
/* The number of parts in the tree, all levels. */
guint pigeon_mime_message_get_n_parts (PigeonMimeMessage *self);

/* Top-level fields, decoded. NULL when absent. */
char *pigeon_mime_message_dup_subject (PigeonMimeMessage *self);
/* Address lists (GPtrArray of PigeonMimeAddress); empty when absent. */
GPtrArray *pigeon_mime_message_get_addresses (PigeonMimeMessage *self, const char *field);
/* The Date field; FALSE when absent or unreadable. */
gboolean pigeon_mime_message_get_date (PigeonMimeMessage *self, gint64 *unix_time, int *tz_offset);
/* Message-ID without its angle brackets. */
char *pigeon_mime_message_dup_message_id (PigeonMimeMessage *self);
/* The msg-ids of In-Reply-To or References, without angle brackets. */
GStrv pigeon_mime_message_get_msg_ids (PigeonMimeMessage *self, const char *field);

G_END_DECLS
