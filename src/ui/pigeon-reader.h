/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "pigeon-engine.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_READER (pigeon_reader_get_type ())

/* The message view: headers, body (plain text, or HTML sanitised by
 * pigeon-html-sanitizer) and the attachments bar of one message. Its
 * buttons activate the window's win.reply, win.reply-all and win.forward. */
G_DECLARE_FINAL_TYPE (PigeonReader, pigeon_reader, PIGEON, READER, GtkWidget)

GtkWidget *pigeon_reader_new (PigeonEngine *engine);
/* Shows @message, loading its body asynchronously; NULL shows the empty
 * state. */
void pigeon_reader_set_message (PigeonReader *self, PigeonMessage *message);

G_END_DECLS
