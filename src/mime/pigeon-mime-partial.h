/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-mime-message.h"

G_BEGIN_DECLS

#define PIGEON_MIME_ERROR (pigeon_mime_error_quark ())

typedef enum
{
  PIGEON_MIME_ERROR_INCOMPLETE = 1,
  PIGEON_MIME_ERROR_INCONSISTENT,
  PIGEON_MIME_ERROR_NOT_PARTIAL,
  PIGEON_MIME_ERROR_TOO_LARGE,
} PigeonMimeError;

GQuark pigeon_mime_error_quark (void);

/* RFC 2046 5.2.2: rebuilds the original message from a complete set of
 * message/partial fragments, given in any order. Fails when a fragment is
 * missing (no "total" seen, or a number absent), when the fragments do not
 * share one "id", or when one is not message/partial. */
GBytes *pigeon_mime_partial_reassemble (PigeonMimeMessage **fragments, guint n_fragments, GError **error);

G_END_DECLS
