/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "pigeon-store.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_ADDRESS_ENTRY (pigeon_address_entry_get_type ())

/* An address list field: each address typed (ended by Enter, a comma or
 * leaving the field) becomes a token with a remove button; an invalid one
 * is shown in the error style. Completion comes from the store's contacts
 * and from the local contact groups, a group turning into its addresses.
 * "changed" is emitted when the list changes. */
G_DECLARE_FINAL_TYPE (PigeonAddressEntry, pigeon_address_entry, PIGEON, ADDRESS_ENTRY, GtkWidget)

GtkWidget *pigeon_address_entry_new (void);
/* Where completions come from; NULL: contact groups only. */
void pigeon_address_entry_set_store (PigeonAddressEntry *self, PigeonStore *store);
/* Adds the addresses of @text (an address list) as tokens. */
void pigeon_address_entry_add_text (PigeonAddressEntry *self, const char *text);
/* Makes tokens of what is still typed. */
void pigeon_address_entry_commit (PigeonAddressEntry *self);
/* The valid addresses (PigeonMimeAddress), typed text included. */
GPtrArray *pigeon_address_entry_dup_addresses (PigeonAddressEntry *self);
gboolean pigeon_address_entry_has_invalid (PigeonAddressEntry *self);
gboolean pigeon_address_entry_is_empty (PigeonAddressEntry *self);
/* The tokens' widgets, for tests. */
guint pigeon_address_entry_get_n_tokens (PigeonAddressEntry *self);
GtkWidget *pigeon_address_entry_get_token (PigeonAddressEntry *self, guint index);
/* The text field, to give it focus or a label. */
GtkWidget *pigeon_address_entry_get_text_field (PigeonAddressEntry *self);

/* Whether @address ("local@domain") can be sent to. */
gboolean pigeon_address_is_valid (const char *address);

G_END_DECLS
