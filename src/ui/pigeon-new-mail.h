/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "pigeon-engine.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_NEW_MAIL (pigeon_new_mail_get_type ())

/* Tells the user about new mail with one GNotification per account (its
 * id is "new-mail-ACCOUNT-ID"): how many new messages, and the sender and
 * subject of the newest. Clicking it activates app.show-message with
 * (folder id, message id). New mail is a rise of an Inbox's unread count
 * after the watch began, so what is there at startup is not news. */
G_DECLARE_FINAL_TYPE (PigeonNewMail, pigeon_new_mail, PIGEON, NEW_MAIL, GObject)

PigeonNewMail *pigeon_new_mail_new (GtkApplication *app, PigeonEngine *engine);
/* How many new messages of @account the last notification counted. The
 * count grows while no Pigeon window is active; when one becomes active,
 * the notifications are withdrawn and the counts start again. Nothing is
 * notified when the "show-notifications" setting is off. */
guint pigeon_new_mail_get_count (PigeonNewMail *self, PigeonAccount *account);

G_END_DECLS
