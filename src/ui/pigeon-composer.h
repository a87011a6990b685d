/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "pigeon-engine.h"
#include "pigeon-reply.h" /* PigeonComposeMode */

G_BEGIN_DECLS

/* Opens an empty composer; @account NULL: the first account. */
void pigeon_composer_present_new (GtkApplication *app, PigeonEngine *engine, PigeonAccount *account);
/* Opens a composer filled from a mailto: URI (RFC 6068). */
void pigeon_composer_present_mailto (GtkApplication *app, PigeonEngine *engine, const char *uri);
/* Opens an empty composer with @files attached ("Send to…"). */
void pigeon_composer_present_files (GtkApplication *app, PigeonEngine *engine, GFile **files, guint n_files);
/* Opens a reply to, or a forward of, @message. */
void pigeon_composer_present_reply (GtkApplication *app,
                                    PigeonEngine *engine,
                                    PigeonMessage *message,
                                    PigeonComposeMode mode);
/* Opens a message of a Drafts folder for editing. */
void pigeon_composer_present_draft_message (GtkApplication *app, PigeonEngine *engine, PigeonMessage *message);
/* Reopens the drafts whose composer was open when the app last died. */
void pigeon_composer_restore_drafts (GtkApplication *app, PigeonEngine *engine);

G_END_DECLS
