/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "pigeon-engine.h"

G_BEGIN_DECLS

/* Shows the preferences window, modal to @parent: general settings, and
 * the accounts, each of which can be edited or removed. */
void pigeon_preferences_present (GtkWindow *parent, PigeonEngine *engine);

G_END_DECLS
