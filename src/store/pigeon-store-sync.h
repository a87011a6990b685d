/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-store.h"

G_BEGIN_DECLS

/* What the IMAP sync asks the store beyond the message writes. */

/* UIDs of @folder's messages dated @since (Unix time) or later whose
 * body was never stored and whose size is at most @max_size, newest
 * first (a GArray of guint32). @out_sizes, if not NULL, receives their
 * RFC822.SIZE in the same order (a GArray of guint64). */
GArray *pigeon_store_get_uids_without_body (
    PigeonStore *self, PigeonFolder *folder, gint64 since, guint64 max_size, GArray **out_sizes, GError **error);

G_END_DECLS
