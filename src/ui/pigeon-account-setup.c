/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include "pigeon-account-setup.h"

void
pigeon_account_setup_present (GtkWindow *parent, PigeonEngine *engine)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
}
