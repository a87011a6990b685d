/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-mime-limits.h"
#include "pigeon-mime-message.h"
#include "pigeon-mime-part.h"

G_BEGIN_DECLS

/* One header field as it lies in the message bytes: the value is raw,
 * folded lines included, without the final line break. */
typedef struct
{
  const char *name;
  const char *value;
  guint32 name_len;
  guint32 value_len;
} PigeonMimeField;

struct _PigeonMimePart
{
  GObject parent_instance;

  GBytes *bytes;  /* the whole message; the offsets below point into it */
  GArray *fields; /* of PigeonMimeField */
  PigeonMimeContentType *content_type;
  char *mime_type;
  PigeonMimeContentType *disposition;
  char *charset;
  PigeonMimeEncoding encoding;
  PigeonMimePartFlags flags;
  guint depth;
  guint disposition_parsed : 1;
  gsize body_start;
  gsize body_end;
  GPtrArray *children;        /* of PigeonMimePart; NULL for leaves */
  PigeonMimeMessage *message; /* the embedded message of message/rfc822 */
};

PigeonMimePart *pigeon_mime_part_new (GBytes *bytes, guint depth);
/* Applies the content type: @content_type (taken) or, when NULL, the
 * default for a child of @parent_type ("multipart/digest" gives
 * message/rfc822, RFC 2046 5.1.5). */
void pigeon_mime_part_set_content_type (PigeonMimePart *self, PigeonMimeContentType *content_type, gboolean in_digest);
/* The first field named @name (case-insensitive), or NULL. */
const PigeonMimeField *pigeon_mime_part_find_field (PigeonMimePart *self, const char *name);
/* message/rfc822 or message/global (RFC 6532 3.7): a part that holds a message. */
gboolean pigeon_mime_part_is_message (PigeonMimePart *self);
void pigeon_mime_part_add_child (PigeonMimePart *self, PigeonMimePart *child);
void pigeon_mime_part_set_message (PigeonMimePart *self, PigeonMimeMessage *message);
/* A message over @bytes whose root is @root (taken), for embedded
 * messages parsed in place. */
PigeonMimeMessage *pigeon_mime_message_new_with_root (GBytes *bytes, PigeonMimePart *root);

/* The parser: builds the tree of @bytes. @depth is the nesting level of
 * the message itself, so embedded messages parsed later keep counting. */
PigeonMimePart *pigeon_mime_parse (GBytes *bytes, const PigeonMimeLimits *limits, guint depth);

G_END_DECLS
