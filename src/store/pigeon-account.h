/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

#include "pigeon-store-types.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_ACCOUNT (pigeon_account_get_type ())

/* A mail account: who the user is and where the servers are. Holds no
 * password (the engine keeps secrets in the Secret Service). Properties
 * are writable; pigeon_store_save_account_async() stores them. */
G_DECLARE_FINAL_TYPE (PigeonAccount, pigeon_account, PIGEON, ACCOUNT, GObject)

PigeonAccount *pigeon_account_new (const char *address);

/* 0 until the store has saved it. */
gint64 pigeon_account_get_id (PigeonAccount *self);
const char *pigeon_account_get_address (PigeonAccount *self);
void pigeon_account_set_address (PigeonAccount *self, const char *address);
const char *pigeon_account_get_display_name (PigeonAccount *self);
void pigeon_account_set_display_name (PigeonAccount *self, const char *display_name);
const char *pigeon_account_get_real_name (PigeonAccount *self);
void pigeon_account_set_real_name (PigeonAccount *self, const char *real_name);

PigeonProtocol pigeon_account_get_incoming_protocol (PigeonAccount *self);
void pigeon_account_set_incoming_protocol (PigeonAccount *self, PigeonProtocol protocol);
const char *pigeon_account_get_incoming_host (PigeonAccount *self);
void pigeon_account_set_incoming_host (PigeonAccount *self, const char *host);
guint pigeon_account_get_incoming_port (PigeonAccount *self);
void pigeon_account_set_incoming_port (PigeonAccount *self, guint port);
PigeonSecurity pigeon_account_get_incoming_security (PigeonAccount *self);
void pigeon_account_set_incoming_security (PigeonAccount *self, PigeonSecurity security);
const char *pigeon_account_get_incoming_username (PigeonAccount *self);
void pigeon_account_set_incoming_username (PigeonAccount *self, const char *username);

const char *pigeon_account_get_outgoing_host (PigeonAccount *self);
void pigeon_account_set_outgoing_host (PigeonAccount *self, const char *host);
guint pigeon_account_get_outgoing_port (PigeonAccount *self);
void pigeon_account_set_outgoing_port (PigeonAccount *self, guint port);
PigeonSecurity pigeon_account_get_outgoing_security (PigeonAccount *self);
void pigeon_account_set_outgoing_security (PigeonAccount *self, PigeonSecurity security);
const char *pigeon_account_get_outgoing_username (PigeonAccount *self);
void pigeon_account_set_outgoing_username (PigeonAccount *self, const char *username);

/* POP3: keep downloaded messages on the server (no DELE). */
gboolean pigeon_account_get_pop3_leave_on_server (PigeonAccount *self);
void pigeon_account_set_pop3_leave_on_server (PigeonAccount *self, gboolean leave);
/* Seconds between two background syncs. */
guint pigeon_account_get_sync_interval (PigeonAccount *self);
void pigeon_account_set_sync_interval (PigeonAccount *self, guint seconds);

G_END_DECLS
