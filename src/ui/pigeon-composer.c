/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include "pigeon-composer.h"

void
pigeon_composer_present_new (GtkApplication *app, PigeonEngine *engine, PigeonAccount *account)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (account == NULL || PIGEON_IS_ACCOUNT (account));
}

void
pigeon_composer_present_mailto (GtkApplication *app, PigeonEngine *engine, const char *uri)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (uri != NULL);
}

void
pigeon_composer_present_files (GtkApplication *app, PigeonEngine *engine, GFile **files, guint n_files)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (files != NULL || n_files == 0);
}

void
pigeon_composer_present_reply (GtkApplication *app,
                               PigeonEngine *engine,
                               PigeonMessage *message,
                               PigeonComposeMode mode)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (PIGEON_IS_MESSAGE (message));
  g_return_if_fail (mode <= PIGEON_COMPOSE_FORWARD_ATTACHED);
}

void
pigeon_composer_present_draft_message (GtkApplication *app, PigeonEngine *engine, PigeonMessage *message)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (PIGEON_IS_MESSAGE (message));
}

void
pigeon_composer_restore_drafts (GtkApplication *app, PigeonEngine *engine)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
}
