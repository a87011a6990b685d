/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

#include "pigeon-mime-codec.h"
#include "pigeon-mime-header.h"

G_BEGIN_DECLS

typedef struct _PigeonMimeMessage PigeonMimeMessage;

typedef enum
{
  PIGEON_MIME_PART_FLAGS_NONE = 0,
  /* A limit of PigeonMimeLimits was reached: the part is an opaque leaf. */
  PIGEON_MIME_PART_LIMIT_REACHED = 1 << 0,
  /* A multipart whose close delimiter never came (RFC 2046 5.1.1). */
  PIGEON_MIME_PART_UNTERMINATED = 1 << 1,
  /* The Content-Type could not be parsed; text/plain was applied. */
  PIGEON_MIME_PART_BAD_CONTENT_TYPE = 1 << 2,
  /* A header field was cut at max_header_size, or fields were dropped
   * past max_headers. */
  PIGEON_MIME_PART_HEADERS_TRUNCATED = 1 << 3,
  /* A multipart without a usable boundary parameter. */
  PIGEON_MIME_PART_NO_BOUNDARY = 1 << 4,
} PigeonMimePartFlags;

#define PIGEON_MIME_TYPE_PART (pigeon_mime_part_get_type ())

/* One entity of a parsed message (RFC 2045 2.4): its header fields, its
 * content type, and its body as a range of the message's bytes, decoded
 * only when asked. A multipart has children; a message/rfc822 part has an
 * embedded message. Parts are immutable once parsed. */
G_DECLARE_FINAL_TYPE (PigeonMimePart, pigeon_mime_part, PIGEON_MIME, PART, GObject)

/* Header fields in their raw order, names as written. */
guint pigeon_mime_part_get_n_headers (PigeonMimePart *self);
/* The @index'th field: its name, and its raw value (still folded, not
 * decoded) as a pointer into the message bytes with its length. */
const char *pigeon_mime_part_get_header_at (
    PigeonMimePart *self, guint index, gsize *name_len, const char **value, gsize *value_len);
/* The first field named @name (case-insensitive), unfolded and trimmed but
 * not decoded; NULL when absent. */
char *pigeon_mime_part_dup_header (PigeonMimePart *self, const char *name);

/* The content type with its defaults applied (RFC 2045 5.2; RFC 2046
 * 5.1.5: message/rfc822 inside multipart/digest). Never NULL. */
const PigeonMimeContentType *pigeon_mime_part_get_content_type (PigeonMimePart *self);
/* "type/subtype", lower-case. */
const char *pigeon_mime_part_get_mime_type (PigeonMimePart *self);
gboolean pigeon_mime_part_is_type (PigeonMimePart *self, const char *type, const char *subtype);
/* The Content-Disposition, or NULL when absent or unreadable. */
const PigeonMimeContentType *pigeon_mime_part_get_disposition (PigeonMimePart *self);
/* The decoded filename: the disposition's "filename", else the type's
 * "name"; NULL when neither is set. */
const char *pigeon_mime_part_get_filename (PigeonMimePart *self);
/* The charset parameter, canonical lower-case (text parts default to
 * "us-ascii"); NULL for other parts that have none. */
const char *pigeon_mime_part_get_charset (PigeonMimePart *self);
PigeonMimeEncoding pigeon_mime_part_get_encoding (PigeonMimePart *self);
/* Content-ID without its angle brackets, or NULL. */
char *pigeon_mime_part_dup_content_id (PigeonMimePart *self);
/* Content-Description, decoded, or NULL. */
char *pigeon_mime_part_dup_description (PigeonMimePart *self);
/* An attachment: disposition "attachment", or a non-text, non-multipart
 * leaf with a filename. */
gboolean pigeon_mime_part_is_attachment (PigeonMimePart *self);
PigeonMimePartFlags pigeon_mime_part_get_flags (PigeonMimePart *self);

/* The body as it is in the message, transfer encoding included. */
GBytes *pigeon_mime_part_get_raw_body (PigeonMimePart *self);
/* The body with its transfer encoding undone. */
GBytes *pigeon_mime_part_decode (PigeonMimePart *self);
/* For text parts: the decoded body converted to UTF-8. *@fallback tells
 * that the charset was unknown or wrong (may be NULL). */
char *pigeon_mime_part_get_text (PigeonMimePart *self, gboolean *fallback);

/* Whether the parser split this part into children: a multipart with a
 * usable boundary, within the limits. A multipart kept whole is a leaf. */
gboolean pigeon_mime_part_is_multipart (PigeonMimePart *self);
/* Children of a multipart, in order; 0 for other parts. */
guint pigeon_mime_part_get_n_children (PigeonMimePart *self);
PigeonMimePart *pigeon_mime_part_get_child (PigeonMimePart *self, guint index);
/* The embedded message of a message/rfc822 (or message/global) part,
 * parsed on first use if its body was transfer-encoded; NULL for others. */
PigeonMimeMessage *pigeon_mime_part_get_message (PigeonMimePart *self);

/* Finds a part by its position: "1", "1.2", ... as in IMAP (RFC 3501
 * 6.4.5): the children of a multipart are numbered from 1, and a
 * message/rfc822 part's numbers go into its embedded message. "" or NULL is
 * the root. Returns NULL when there is no such part. */
PigeonMimePart *pigeon_mime_part_find (PigeonMimePart *self, const char *path);

G_END_DECLS
