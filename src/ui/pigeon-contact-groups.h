/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Local contact groups: a name that stands for several addresses. They
 * live in $XDG_CONFIG_HOME/pigeon/groups.ini, one section per group:
 *
 *   [Climbing club]
 *   Addresses=Ann <ann@example.org>, bob@example.net
 */
typedef struct
{
  char *name;
  GPtrArray *addresses; /* PigeonMimeAddress, each with an address */
} PigeonContactGroup;

void pigeon_contact_group_free (PigeonContactGroup *group);

/* The default file's path. */
char *pigeon_contact_groups_get_path (void);
/* The groups of the file at @path (PigeonContactGroup), in file order; an
 * empty array when the file does not exist. A group without a valid
 * address is left out. */
GPtrArray *pigeon_contact_groups_load (const char *path, GError **error);
/* The groups of @groups whose name starts with @prefix, ignoring case. */
GPtrArray *pigeon_contact_groups_complete (GPtrArray *groups, const char *prefix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonContactGroup, pigeon_contact_group_free)

G_END_DECLS
