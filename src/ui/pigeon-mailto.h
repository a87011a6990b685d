/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a mailto: URI (RFC 6068) asks the composer to fill in. The address
 * fields are address lists as a person would type them ("a@b, c@d"). */
typedef struct
{
  char *to;          /* "" when none */
  char *cc;          /* "" when none */
  char *bcc;         /* "" when none */
  char *subject;     /* NULL when none */
  char *body;        /* NULL when none; "\n" line breaks */
  char *in_reply_to; /* msg-id without angle brackets, or NULL */
} PigeonMailto;

/* Parses @uri. Only to, cc, bcc, subject, body and in-reply-to are taken;
 * every other header is ignored, attach= and attachment= above all: a
 * link must never make the composer attach a local file that the person
 * did not choose ("Mailto: me your secrets", Müller et al., 2020). Fails
 * with G_URI_ERROR_BAD_SCHEME when @uri is not a mailto: URI, and with
 * G_URI_ERROR_FAILED when a percent escape is invalid. Text is UTF-8:
 * invalid sequences are replaced. */
PigeonMailto *pigeon_mailto_parse (const char *uri, GError **error);
void pigeon_mailto_free (PigeonMailto *mailto);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonMailto, pigeon_mailto_free)

G_END_DECLS
