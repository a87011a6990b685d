/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include "pigeon-prompts.h"

void
pigeon_password_prompt_present (GtkWindow *parent, PigeonEngine *engine, PigeonAccount *account)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));
}

void
pigeon_certificate_prompt_present (
    GtkWindow *parent, PigeonEngine *engine, PigeonAccount *account, const char *host, guint port)
{
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));
  g_return_if_fail (host != NULL);
  g_return_if_fail (port > 0);
}
