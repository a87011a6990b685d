/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "pigeon-mime.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_HTML_VIEW (pigeon_html_view_get_type ())

/* An HTML body in WebKitGTK, locked down: the HTML is sanitised first
 * (pigeon-html-sanitizer), JavaScript is off, the network session is
 * ephemeral, a content filter blocks every network load (all of them
 * unless remote content is allowed), navigation never happens inside the
 * view, and cid: URLs are served from the message's own parts. Activated
 * links are handed out through "open-uri". */
G_DECLARE_FINAL_TYPE (PigeonHtmlView, pigeon_html_view, PIGEON, HTML_VIEW, GtkWidget)

GtkWidget *pigeon_html_view_new (void);
/* Shows @html, the body of @message. Returns whether remote content was
 * blocked (so the reader can offer to show it). */
gboolean
pigeon_html_view_show (PigeonHtmlView *self, PigeonMimeMessage *message, const char *html, gboolean allow_remote);

G_END_DECLS
