/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-connection.h"
#include "pigeon-sasl.h"

G_BEGIN_DECLS

/* What the SMTP, POP3 and IMAP sessions decide alike while they open a
 * session; internal to src/net. */

/* STARTTLS is required and not done yet: anything the server said so far
 * came in the clear and may be an attacker's (USENIX Security 2021). */
gboolean pigeon_net_starttls_pending (PigeonConnection *connection);

/* A password may be sent: the connection is encrypted, or stays on this
 * computer. */
gboolean pigeon_net_may_send_password (PigeonConnection *connection);

/* One SASL step from a base64 challenge (RFC 4954 4, RFC 5034 4,
 * RFC 3501 6.2.2); NULL @challenge_b64 is an empty challenge. */
GBytes *pigeon_net_sasl_step_base64 (PigeonSasl *credentials, const char *challenge_b64, GError **error);

G_END_DECLS
