/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "pigeon-engine.h"

G_BEGIN_DECLS

/* Asks for @account's password after the server refused it; the new one
 * is stored for the account's servers, then the account syncs again. */
void pigeon_password_prompt_present (GtkWindow *parent, PigeonEngine *engine, PigeonAccount *account);

/* Shows the fingerprint of the certificate that @host:@port presented and
 * was not trusted; accepting pins that one certificate, then the account
 * syncs again. */
void pigeon_certificate_prompt_present (
    GtkWindow *parent, PigeonEngine *engine, PigeonAccount *account, const char *host, guint port);

G_END_DECLS
