/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "pigeon-application.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_WINDOW (pigeon_window_get_type ())

G_DECLARE_FINAL_TYPE (PigeonWindow, pigeon_window, PIGEON, WINDOW, AdwApplicationWindow)

PigeonWindow *pigeon_window_new (PigeonApplication *application);
/* Takes @toast (transfer full), as adw_toast_overlay_add_toast() does. */
void pigeon_window_show_toast (PigeonWindow *self, AdwToast *toast);

/* Selects @folder in the sidebar and shows @message in the reader (a new
 * mail notification was clicked). */
void pigeon_window_show_message (PigeonWindow *self, PigeonFolder *folder, PigeonMessage *message);

G_END_DECLS
