/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PIGEON_HTML_SANITIZE_NONE = 0,
  /* Keep http and https image sources (the person chose to see remote
   * content of this message or sender). */
  PIGEON_HTML_SANITIZE_ALLOW_REMOTE = 1 << 0,
} PigeonHtmlSanitizeFlags;

/* Rebuilds @html from an allow-list of elements and attributes, so that
 * nothing in it can run code, submit, navigate by itself or reach the
 * network (unless remote images are allowed): scripts, frames, objects,
 * forms, meta, link, base, event handlers, javascript:/vbscript:/data:
 * URLs (except data:image), CSS @import, url(), image-set() and
 * expression(), srcset, background and poster are removed. cid: images
 * stay, for the reader to serve from the message's parts.
 * *@remote_blocked (may be NULL) tells whether a remote image was removed. */
char *pigeon_html_sanitize (const char *html, PigeonHtmlSanitizeFlags flags, gboolean *remote_blocked);

/* Readable plain text of @html, for when there is no HTML view: paragraphs
 * and line breaks kept, lists with bullets, blockquotes as "> " quotes,
 * links followed by their address, entities decoded. */
char *pigeon_html_to_text (const char *html);

G_END_DECLS
