/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PIGEON_TYPE_APPLICATION (pigeon_application_get_type ())

G_DECLARE_FINAL_TYPE (PigeonApplication, pigeon_application, PIGEON, APPLICATION, AdwApplication)

PigeonApplication *pigeon_application_new (void);

G_END_DECLS
