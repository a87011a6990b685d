/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-engine-net.h"

#include <glib/gstdio.h>

#include "pigeon-engine.h"
#include "pigeon-mime.h"

G_BEGIN_DECLS

/* Which of an account's servers. */
typedef enum
{
  PIGEON_ENGINE_INCOMING,
  PIGEON_ENGINE_OUTGOING,
} PigeonEngineDirection;

/* "pop3", "imap" or "smtp": the credential's protocol. */
const char *pigeon_engine_protocol_name (PigeonAccount *account, PigeonEngineDirection direction);
/* "the incoming server mail.example.org:995", for messages. */
char *pigeon_engine_describe_server (PigeonAccount *account, PigeonEngineDirection direction);
/* The account's server in @direction; the user defaults to the address. */
void pigeon_engine_server_of (PigeonAccount *account,
                              PigeonEngineDirection direction,
                              const char **host,
                              guint *port,
                              PigeonSecurity *security,
                              const char **user);
/* Rewrites @error (see pigeon_engine_error_explain()) for that server, and
 * remembers a certificate that was not trusted. */
GError *pigeon_engine_explain (PigeonEngine *self,
                               PigeonAccount *account,
                               PigeonEngineDirection direction,
                               PigeonConnection *connection,
                               const GError *error);

/* A connection to the server with the account's CA file and pinned
 * certificate, logging to the debug log (secrets redacted by the net
 * layer). */
PigeonConnection *pigeon_engine_build_connection (PigeonEngine *self,
                                                  PigeonAccount *account,
                                                  PigeonEngineDirection direction,
                                                  GError **error);

/* The server's password, then PigeonSasl credentials for it. */
void pigeon_engine_get_sasl_async (PigeonEngine *self,
                                   PigeonAccount *account,
                                   PigeonEngineDirection direction,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
PigeonSasl *pigeon_engine_get_sasl_finish (PigeonEngine *self, GAsyncResult *result, GError **error);

/* An opened (signed-in) session. */
void pigeon_engine_open_pop3_async (PigeonEngine *self,
                                    PigeonAccount *account,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
PigeonPop3Session *pigeon_engine_open_pop3_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
void pigeon_engine_open_imap_async (PigeonEngine *self,
                                    PigeonAccount *account,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
PigeonImapSession *pigeon_engine_open_imap_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
void pigeon_engine_open_smtp_async (PigeonEngine *self,
                                    PigeonAccount *account,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
PigeonSmtpSession *pigeon_engine_open_smtp_finish (PigeonEngine *self, GAsyncResult *result, GError **error);

/* One account does one thing at a time: FALSE when it is already busy. */
gboolean pigeon_engine_begin_work (PigeonEngine *self, PigeonAccount *account, const char *status);
void pigeon_engine_end_work (PigeonEngine *self, PigeonAccount *account);
void pigeon_engine_emit_progress (PigeonEngine *self, PigeonAccount *account, guint done, guint total);
void pigeon_engine_emit_error (PigeonEngine *self, PigeonAccount *account, const GError *error);

/* A new account's first check starts now, and its Inbox is watched, when
 * the engine works in the background (pigeon_engine_start()). */
void pigeon_engine_account_added (PigeonEngine *self, PigeonAccount *account);
/* Moves the settings given to @account before it had an id into the
 * settings file, once the store gave it one. */
void pigeon_engine_keep_new_settings (PigeonEngine *self, PigeonAccount *account);

/* $XDG_DATA_HOME/pigeon/engine/ACCOUNT-ID-NAME: the engine's own state
 * files for an account. */
char *pigeon_engine_state_path (PigeonAccount *account, const char *name);
/* The account's local folder with @role, made when missing. */
void pigeon_engine_ensure_folder_async (PigeonEngine *self,
                                        PigeonAccount *account,
                                        const char *path,
                                        PigeonFolderRole role,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
PigeonFolder *pigeon_engine_ensure_folder_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
PigeonFolder *pigeon_engine_find_role (PigeonEngine *self, PigeonAccount *account, PigeonFolderRole role);

/* pigeon-engine-actions.c: how to undo the last move or delete. */
typedef struct _PigeonEngineUndo PigeonEngineUndo;
void pigeon_engine_undo_free (PigeonEngineUndo *undo);
/* Replaces the recorded undo (NULL: forgets it); notifies "can-undo". */
void pigeon_engine_set_undo (PigeonEngine *self, PigeonEngineUndo *undo);
PigeonEngineUndo *pigeon_engine_take_undo (PigeonEngine *self);

/* pigeon-engine-replay.c: replays the account's pending operations over
 * @session (signed in), oldest first, reverting locally what the server
 * refuses. The IMAP sync calls it before it fetches. */
void pigeon_engine_replay_async (PigeonEngine *self,
                                 PigeonAccount *account,
                                 PigeonImapSession *session,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean pigeon_engine_replay_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
/* After a user action: replays the account's operations over a session of
 * its own in a moment, once the account is not busy. Several calls in a
 * row make one replay. IMAP accounts only. */
void pigeon_engine_replay_soon (PigeonEngine *self, PigeonAccount *account);
/* The server's text of a refusal, to go inside a sentence of ours
 * (without its full stop). */
char *pigeon_engine_server_reason (const GError *error);
/* The pending operation of @account that the server is taking now, or 0:
 * undo leaves it alone (the store redirects it when it is done). */
gint64 pigeon_engine_replaying_op (PigeonEngine *self, PigeonAccount *account);

/* pigeon-engine-drafts.c: called by the replay, after the operations:
 * APPENDs the account's changed drafts to the server's Drafts folder, and
 * then deletes their older copies and those of discarded drafts. */
void pigeon_engine_replay_drafts_async (PigeonEngine *self,
                                        PigeonAccount *account,
                                        PigeonImapSession *session,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean pigeon_engine_replay_drafts_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
/* Forgets which server copies belong to the account's drafts (the account
 * is removed: a later account may get its id). */
void pigeon_engine_drafts_forget (PigeonAccount *account);

/* pigeon-engine-pop3.c */
void pigeon_engine_pop3_download_async (PigeonEngine *self,
                                        PigeonAccount *account,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean pigeon_engine_pop3_download_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
void pigeon_engine_pop3_forget (PigeonAccount *account);

/* pigeon-engine-outbox.c */
void pigeon_engine_outbox_send_async (PigeonEngine *self,
                                      PigeonAccount *account,
                                      gboolean retry_rejected,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean pigeon_engine_outbox_send_finish (PigeonEngine *self, GAsyncResult *result, GError **error);
gboolean pigeon_engine_outbox_is_rejected (const PigeonOutboxItem *item);
void pigeon_engine_outbox_forget (PigeonAccount *account);

G_END_DECLS
