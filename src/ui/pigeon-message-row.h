/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "pigeon-store.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_MESSAGE_ROW (pigeon_message_row_get_type ())

/* One row of the message list: sender, date, subject, and the unread,
 * flag, attachment and conversation-size markers. It follows the message's
 * notifications, so a flag set anywhere shows at once. The star button
 * emits "toggle-flag"; the list acts on it. */
G_DECLARE_FINAL_TYPE (PigeonMessageRow, pigeon_message_row, PIGEON, MESSAGE_ROW, GtkWidget)

GtkWidget *pigeon_message_row_new (void);
PigeonMessage *pigeon_message_row_get_message (PigeonMessageRow *self);
/* @message may be NULL (an unbound row). */
void pigeon_message_row_set_message (PigeonMessageRow *self, PigeonMessage *message);
/* The number of messages in the conversation the row stands for; the count
 * shows when it is more than one. */
void pigeon_message_row_set_count (PigeonMessageRow *self, guint count);

/* The date as the list shows it: the time for today, "Mar 3" for this
 * year, else the date; relative to @now. */
char *pigeon_message_row_format_date (gint64 date, GDateTime *now);
/* The display name of the first address of @from, else its address. */
char *pigeon_message_row_format_sender (const char *from);

G_END_DECLS
