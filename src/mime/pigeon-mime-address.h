/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One mailbox of an address list (RFC 5322 3.4). A group contributes its
 * mailboxes with @group set; an empty group contributes one entry with
 * @address NULL, so that "undisclosed-recipients:;" is not lost. */
typedef struct
{
  char *name;    /* display name, decoded to UTF-8; NULL when absent */
  char *address; /* "local@domain" as written, or NULL (empty group) */
  char *group;   /* the group's name, decoded; NULL outside a group */
} PigeonMimeAddress;

PigeonMimeAddress *pigeon_mime_address_new (const char *name, const char *address);
void pigeon_mime_address_free (PigeonMimeAddress *address);

/* Parses an address list: display names (quoted, escaped, RFC 2047
 * encoded), comments, angle addresses, groups and the obsolete forms of
 * RFC 5322 4.4 (routes, missing commas, bare local parts). A comment names
 * an address that has no display name ("a@b (Alice)"). Never fails: what
 * cannot be read is skipped. Returns a GPtrArray of PigeonMimeAddress, at
 * most PIGEON_MIME_MAX_ADDRESSES long. */
GPtrArray *pigeon_mime_address_list_parse (const char *value, gssize len);

#define PIGEON_MIME_MAX_ADDRESSES 10000

/* Formats one mailbox for a header: "Name <a@b>", the name quoted or
 * RFC 2047 encoded when needed; "a@b" when there is no name. */
char *pigeon_mime_address_format (const PigeonMimeAddress *address);
/* Formats a list as "a, b, c", regrouping consecutive entries of a group
 * as "Group: a, b;". */
char *pigeon_mime_address_list_format (GPtrArray *addresses);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonMimeAddress, pigeon_mime_address_free)

G_END_DECLS
