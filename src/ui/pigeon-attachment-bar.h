/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "pigeon-mime.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_ATTACHMENT_BAR (pigeon_attachment_bar_get_type ())

/* The attachments of a message: icon, name and size of each, with Open,
 * Save As and dragging out to the file manager, and Save All. */
G_DECLARE_FINAL_TYPE (PigeonAttachmentBar, pigeon_attachment_bar, PIGEON, ATTACHMENT_BAR, GtkWidget)

GtkWidget *pigeon_attachment_bar_new (void);
/* @parts: the PigeonMimePart attachments to list (NULL or empty: none;
 * the bar hides itself). */
void pigeon_attachment_bar_set_parts (PigeonAttachmentBar *self, GPtrArray *parts);
guint pigeon_attachment_bar_get_n_attachments (PigeonAttachmentBar *self);

/* A file name that is safe to create from what a message says: no
 * directory part, no control, format or bidi characters, no leading dot,
 * not empty (then "attachment"), at most 200 bytes. */
char *pigeon_attachment_sanitize_filename (const char *name);

/* Whether opening the data with the desktop's default application could
 * run code: executables, scripts, .desktop files, installers and
 * x-scheme-handler/ types, judged by @content_type (declared or sniffed)
 * and by @filename's extension. */
gboolean pigeon_attachment_is_unsafe_to_open (const char *content_type, const char *filename);

G_END_DECLS
