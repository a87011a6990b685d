/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-certificate-pins.h"
#include "pigeon-credentials.h"
#include "pigeon-engine-error.h"
#include "pigeon-provider.h"
#include "pigeon-store.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_ENGINE (pigeon_engine_get_type ())

/* The mail engine: owns the accounts (adding, changing and removing goes
 * through it), picks IMAP or POP3 per account and builds its connections
 * (credentials, certificate pins, CA files), downloads POP3 mail into the
 * local Inbox and sends the outbox. Several accounts work concurrently;
 * one account does one thing at a time.
 *
 * Progress: the "busy" and "status" properties, and the "progress"
 * signal (account, done, total). Failures: the "account-error" signal,
 * with a PIGEON_ENGINE_ERROR in words a person can act on. */
G_DECLARE_FINAL_TYPE (PigeonEngine, pigeon_engine, PIGEON, ENGINE, GObject)

PigeonEngine *pigeon_engine_new (PigeonStore *store, PigeonCredentials *credentials, PigeonCertificatePins *pins);
PigeonStore *pigeon_engine_get_store (PigeonEngine *self);
PigeonCredentials *pigeon_engine_get_credentials (PigeonEngine *self);
PigeonCertificatePins *pigeon_engine_get_pins (PigeonEngine *self);
gboolean pigeon_engine_get_busy (PigeonEngine *self);
/* A short sentence about what the engine does now, or NULL. */
const char *pigeon_engine_get_status (PigeonEngine *self);

/* Accounts */
GListModel *pigeon_engine_get_accounts (PigeonEngine *self);
/* By display name (the account's name), else by address. */
PigeonAccount *pigeon_engine_find_account (PigeonEngine *self, const char *name);
/* Settings the store does not hold, kept in $XDG_CONFIG_HOME/pigeon/engine.ini. */
const char *pigeon_engine_get_ca_file (PigeonEngine *self, PigeonAccount *account);
void pigeon_engine_set_ca_file (PigeonEngine *self, PigeonAccount *account, const char *path);
/* POP3, leaving mail on the server: delete what was downloaded more than
 * @days ago (0: never). */
guint pigeon_engine_get_pop3_delete_after (PigeonEngine *self, PigeonAccount *account);
void pigeon_engine_set_pop3_delete_after (PigeonEngine *self, PigeonAccount *account, guint days);
/* The largest message the account's SMTP server said it takes (its EHLO
 * SIZE, RFC 1870) at the last connection, in bytes; 0 when not known. */
guint64 pigeon_engine_get_max_message_size (PigeonEngine *self, PigeonAccount *account);
/* Identity: the signature (plain text, without the "-- " line; NULL for
 * none) and the Reply-To address (NULL for none). */
const char *pigeon_engine_get_signature (PigeonEngine *self, PigeonAccount *account);
void pigeon_engine_set_signature (PigeonEngine *self, PigeonAccount *account, const char *signature);
const char *pigeon_engine_get_reply_to (PigeonEngine *self, PigeonAccount *account);
void pigeon_engine_set_reply_to (PigeonEngine *self, PigeonAccount *account, const char *address);
/* IMAP: bodies of messages from the last @days are downloaded by the sync
 * for offline reading (0: only on demand). */
guint pigeon_engine_get_offline_days (PigeonEngine *self, PigeonAccount *account);
void pigeon_engine_set_offline_days (PigeonEngine *self, PigeonAccount *account, guint days);

/* Saves a new @account (id 0), makes its local folders (POP3: Inbox and
 * Sent), and stores @password (may be NULL) for its servers. Settings set
 * before on a new account (CA file, ...) are kept under its new id. */
void pigeon_engine_add_account_async (PigeonEngine *self,
                                      PigeonAccount *account,
                                      const char *password,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean pigeon_engine_add_account_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
/* Stores changed properties of an existing account. */
void pigeon_engine_save_account_async (PigeonEngine *self,
                                       PigeonAccount *account,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean pigeon_engine_save_account_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
/* Removes the account, its cached mail and queued mail, its passwords and
 * its engine state. */
void pigeon_engine_remove_account_async (PigeonEngine *self,
                                         PigeonAccount *account,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean pigeon_engine_remove_account_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
/* Signs in to the incoming and the outgoing server, and out again. */
void pigeon_engine_test_account_async (PigeonEngine *self,
                                       PigeonAccount *account,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean pigeon_engine_test_account_finish (PigeonEngine *self, GAsyncResult *result, GError **error);

/* The certificate that the last connection to @host:@port presented and
 * did not trust, with its SHA-256 fingerprint, or NULL. */
char *pigeon_engine_get_rejected_fingerprint (PigeonEngine *self, const char *host, guint port);

/* Sync: POP3 downloads into the local Inbox; IMAP syncs the folder list,
 * each folder's new messages, flag changes and expunges, and the bodies
 * within the offline period (pigeon_engine_get_offline_days()). @account
 * NULL: every account, concurrently (the error is the first failure; each
 * failure is also emitted as "account-error"). */
void pigeon_engine_sync_async (PigeonEngine *self,
                               PigeonAccount *account,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean pigeon_engine_sync_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
/* The same, and IMAP accounts download every body for offline reading,
 * whatever its date. Finished with pigeon_engine_sync_finish(). */
void pigeon_engine_sync_all_bodies_async (PigeonEngine *self,
                                          PigeonAccount *account,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);

/* Outbox: @raw is the message as built, with a "Bcc:" field when it has
 * blind copies (it is removed before sending; the envelope takes the To,
 * Cc and Bcc addresses). The message is durable when the callback runs. */
void pigeon_engine_queue_message_async (PigeonEngine *self,
                                        PigeonAccount *account,
                                        GBytes *raw,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean pigeon_engine_queue_message_finish (PigeonEngine *self, GAsyncResult *result, gint64 *out_id, GError **error);
/* Sends the queued messages of @account (NULL: all). Messages the server
 * refused for good (5xx) are kept, with the reason, and are tried again
 * only with @retry_rejected. The error is the first failure. */
void pigeon_engine_flush_outbox_async (PigeonEngine *self,
                                       PigeonAccount *account,
                                       gboolean retry_rejected,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean pigeon_engine_flush_outbox_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
/* TRUE when the server refused this queued message for good. */
gboolean pigeon_engine_is_outgoing_rejected (PigeonEngine *self, const PigeonOutboxItem *item);

/* Reading: the raw message from the store; for an IMAP message whose body
 * was never fetched, it is fetched from its folder on the server, stored,
 * then returned. */
void pigeon_engine_load_body_async (PigeonEngine *self,
                                    PigeonMessage *message,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
GBytes *pigeon_engine_load_body_finish (PigeonEngine *self, GAsyncResult *result, GError **error);

/* User actions on @messages (PigeonMessage) of one account: applied to the
 * store at once, queued, and replayed to the server in the background; a
 * change the server refuses is reverted locally and reported as
 * "account-error". Each is finished with pigeon_engine_action_finish(). */
void pigeon_engine_set_flags_async (PigeonEngine *self,
                                    GPtrArray *messages,
                                    PigeonMessageFlags set,
                                    PigeonMessageFlags clear,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
/* Can be undone (see pigeon_engine_undo_async()). */
void pigeon_engine_move_messages_async (PigeonEngine *self,
                                        GPtrArray *messages,
                                        PigeonFolder *from,
                                        PigeonFolder *to,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
/* Moves to the account's Archive folder; fails with
 * PIGEON_ENGINE_ERROR_NOT_SUPPORTED when it has none. Can be undone. */
void pigeon_engine_archive_messages_async (PigeonEngine *self,
                                           GPtrArray *messages,
                                           PigeonFolder *from,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
/* Moves to the account's Trash (made when missing), which can be undone;
 * in the Trash itself, deletes for good. */
void pigeon_engine_delete_messages_async (PigeonEngine *self,
                                          GPtrArray *messages,
                                          PigeonFolder *from,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean pigeon_engine_action_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
/* Undo of the last move, archive or delete to Trash: the "can-undo"
 * property notifies. */
gboolean pigeon_engine_get_can_undo (PigeonEngine *self);
void pigeon_engine_undo_async (PigeonEngine *self,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean pigeon_engine_undo_finish (PigeonEngine *self, GAsyncResult *result, GError **error);

/* Drafts: @draft_id 0 saves a new draft, else replaces that one. Durable
 * locally when the callback runs; an IMAP account's Drafts folder gets the
 * new copy in the background, and then loses the older one. */
void pigeon_engine_save_draft_async (PigeonEngine *self,
                                     PigeonAccount *account,
                                     gint64 draft_id,
                                     GBytes *raw,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_engine_save_draft_finish (PigeonEngine *self, GAsyncResult *result, gint64 *out_id, GError **error);
/* The draft was sent or discarded: removes it here and on the server. */
void pigeon_engine_discard_draft_async (
    PigeonEngine *self, gint64 draft_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean pigeon_engine_discard_draft_finish (PigeonEngine *self, GAsyncResult *result, GError **error);

/* Server search for what the cache does not hold: IMAP UID SEARCH of
 * @query's words in the account's folders (@account NULL: every IMAP
 * account); the summaries of matches not cached yet are fetched into the
 * store, so that pigeon_store_search() finds them. Returns how many
 * messages were added. */
void pigeon_engine_search_server_async (PigeonEngine *self,
                                        PigeonAccount *account,
                                        const char *query,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean
pigeon_engine_search_server_finish (PigeonEngine *self, GAsyncResult *result, guint *out_added, GError **error);

/* Works in the background: syncs every account and sends the outbox now,
 * then every account's sync interval, and again when the network comes
 * back (GNetworkMonitor); failures are retried with a growing delay
 * (30 s up to 30 min). */
void pigeon_engine_start (PigeonEngine *self);
void pigeon_engine_stop (PigeonEngine *self);

G_END_DECLS
