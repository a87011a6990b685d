/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "pigeon-engine.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_APPLICATION (pigeon_application_get_type ())

G_DECLARE_FINAL_TYPE (PigeonApplication, pigeon_application, PIGEON, APPLICATION, AdwApplication)

/* Opens the store at pigeon_store_default_path() and starts the engine
 * when the application starts up. */
PigeonApplication *pigeon_application_new (void);
/* An application over @engine, which the caller owns and starts (or not):
 * the tests run the window over a fixture store without a network. */
PigeonApplication *pigeon_application_new_for_engine (PigeonEngine *engine);
/* The engine, or NULL before startup (or when the store failed to open). */
PigeonEngine *pigeon_application_get_engine (PigeonApplication *self);
/* Shows @toast in the main window (opening it when there is none); takes
 * @toast (transfer full), as adw_toast_overlay_add_toast() does. */
void pigeon_application_show_toast (PigeonApplication *self, AdwToast *toast);

G_END_DECLS
