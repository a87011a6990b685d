/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a message may cost the parser. After RFC 7103 and Dovecot's
 * defaults; past a limit the rest of the entity is kept as one opaque leaf
 * and flagged with PIGEON_MIME_PART_LIMIT_REACHED. */
typedef struct
{
  guint max_depth;       /* nested multiparts and messages */
  guint max_parts;       /* parts in one message, all levels */
  guint max_headers;     /* fields in one header block */
  gsize max_header_size; /* octets in one field, folded lines included */
} PigeonMimeLimits;

#define PIGEON_MIME_DEFAULT_MAX_DEPTH 100
#define PIGEON_MIME_DEFAULT_MAX_PARTS 10000
#define PIGEON_MIME_DEFAULT_MAX_HEADERS 5000
#define PIGEON_MIME_DEFAULT_MAX_HEADER_SIZE (64 * 1024)

const PigeonMimeLimits *pigeon_mime_limits_default (void);

G_END_DECLS
