/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The client side of SASL (RFC 4422), shared by SMTP AUTH (RFC 4954), POP3
 * AUTH (RFC 5034) and IMAP AUTHENTICATE. It holds the credentials and knows
 * the mechanisms that can use them; the protocol sessions only carry its
 * messages, base64-encoded. A new kind of secret (an OAuth 2 token for
 * XOAUTH2) is a new constructor and a new row in the mechanism table. */

#define PIGEON_SASL_ERROR (pigeon_sasl_error_quark ())

typedef enum
{
  /* The server asked for more than the mechanism has to say. */
  PIGEON_SASL_ERROR_UNEXPECTED_CHALLENGE = 1,
  PIGEON_SASL_ERROR_UNKNOWN_MECHANISM,
} PigeonSaslError;

GQuark pigeon_sasl_error_quark (void);

#define PIGEON_TYPE_SASL (pigeon_sasl_get_type ())
G_DECLARE_FINAL_TYPE (PigeonSasl, pigeon_sasl, PIGEON, SASL, GObject)

PigeonSasl *pigeon_sasl_new_password (const char *user, const char *password);

const char *pigeon_sasl_get_user (PigeonSasl *self);
/* NULL when the credentials are not a password. */
const char *pigeon_sasl_get_password (PigeonSasl *self);

/* The best mechanism in @offered (case-insensitive) that these credentials
 * can use, or NULL. */
const char *pigeon_sasl_choose (PigeonSasl *self, const char *const *offered);
/* Starts @mechanism. *@initial_response is the client's first message
 * (RFC 4422 3.3), or NULL when the mechanism waits for a challenge. */
gboolean pigeon_sasl_start (PigeonSasl *self, const char *mechanism, GBytes **initial_response, GError **error);
/* Answers one decoded server challenge. */
GBytes *pigeon_sasl_step (PigeonSasl *self, GBytes *challenge, GError **error);

G_END_DECLS
