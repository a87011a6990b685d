/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "pigeon-engine.h"

G_BEGIN_DECLS

/* Shows the add-account dialog, modal to @parent: a welcome page when
 * @engine has no account yet, then name, address and password,
 * autodiscovery, the servers (editable), a sign-in test of both servers,
 * and the account is added through the engine. Cancelling at any step
 * changes nothing. */
void pigeon_account_setup_present (GtkWindow *parent, PigeonEngine *engine);

G_END_DECLS
