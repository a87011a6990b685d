/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-composer.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_COMPOSER (pigeon_composer_get_type ())

/* The composer window behind pigeon-composer.h, for the composer's own
 * files and its tests. */
G_DECLARE_FINAL_TYPE (PigeonComposer, pigeon_composer, PIGEON, COMPOSER, AdwWindow)

PigeonComposer *pigeon_composer_open (GtkApplication *app, PigeonEngine *engine, PigeonAccount *account);
/* NULL with @error when @uri is not a valid mailto: link. */
PigeonComposer *
pigeon_composer_open_mailto (GtkApplication *app, PigeonEngine *engine, const char *uri, GError **error);
void pigeon_composer_add_files (PigeonComposer *self, GFile **files, guint n_files);
guint pigeon_composer_get_n_attachments (PigeonComposer *self);
const char *pigeon_composer_get_attachment_name (PigeonComposer *self, guint index);
/* Whether closing would lose something. */
gboolean pigeon_composer_has_content (PigeonComposer *self);
/* The draft's id in the store, 0 before the first save. */
gint64 pigeon_composer_get_draft_id (PigeonComposer *self);
/* Saves the draft now; the callback runs when every save asked so far is
 * durable. */
void pigeon_composer_save_draft_async (PigeonComposer *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean pigeon_composer_save_draft_finish (PigeonComposer *self, GAsyncResult *result, GError **error);
/* "Sending…" with Undo, while the message waits for its undo time;
 * else NULL. */
AdwToast *pigeon_composer_get_sending_toast (PigeonComposer *self);
/* Shows @toast in the main window (takes it). */
void pigeon_composer_show_toast (PigeonComposer *self, AdwToast *toast);

G_END_DECLS
