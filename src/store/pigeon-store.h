/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-account.h"
#include "pigeon-folder.h"
#include "pigeon-message-list.h"
#include "pigeon-message.h"
#include "pigeon-store-enums.h"
#include "pigeon-store-records.h"
#include "pigeon-store-types.h"

G_BEGIN_DECLS

#define PIGEON_TYPE_STORE (pigeon_store_get_type ())

/* The offline cache: one SQLite database. Reads run on the calling (main)
 * thread over their own connection; every write is queued to one writer
 * thread, and its changes reach the live objects and the list models on
 * the main context once committed, before the write's callback runs.
 *
 * Every write below is finished with pigeon_store_write_finish(). */
G_DECLARE_FINAL_TYPE (PigeonStore, pigeon_store, PIGEON, STORE, GObject)

/* $XDG_DATA_HOME/pigeon/pigeon.db */
char *pigeon_store_default_path (void);
/* Opens (creating, migrating) the database at @path. A damaged database
 * is set aside and rebuilt: see pigeon_store_get_notice(). */
PigeonStore *pigeon_store_open (const char *path, GError **error);
/* The same, with the opening, checking, migrating and any rebuilding done
 * in a thread, so that the main context keeps running. Call it from the
 * thread of the main context the store will use. */
void
pigeon_store_open_async (const char *path, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
PigeonStore *pigeon_store_open_finish (GAsyncResult *result, GError **error);
const char *pigeon_store_get_path (PigeonStore *self);
/* A sentence for the user about something the store did on its own (a
 * rebuilt cache, a failed write), or NULL. The "notice" property notifies. */
const char *pigeon_store_get_notice (PigeonStore *self);
void pigeon_store_dismiss_notice (PigeonStore *self);
/* Waits for the queued writes to commit and stops the writer; later writes
 * fail with PIGEON_STORE_ERROR_CLOSED. Dispose closes too. */
void pigeon_store_close (PigeonStore *self);

/* @out_id: the id of the row the write created (account, folder, outbox
 * item, draft), else 0. May be NULL. */
gboolean pigeon_store_write_finish (PigeonStore *self, GAsyncResult *result, gint64 *out_id, GError **error);

/* Accounts */
GListModel *pigeon_store_get_accounts (PigeonStore *self);
PigeonAccount *pigeon_store_lookup_account (PigeonStore *self, gint64 id);
/* Adds @account (id 0) or stores its changed properties. */
void pigeon_store_save_account_async (PigeonStore *self,
                                      PigeonAccount *account,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
/* Removes the account with its folders, messages and queued mail. */
void pigeon_store_remove_account_async (PigeonStore *self,
                                        PigeonAccount *account,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);

/* Folders */
/* The account's top-level folders; see pigeon_folder_get_children(). */
GListModel *pigeon_store_get_folders (PigeonStore *self, PigeonAccount *account);
PigeonFolder *pigeon_store_lookup_folder (PigeonStore *self, gint64 id);
PigeonFolder *pigeon_store_find_folder (PigeonStore *self, PigeonAccount *account, const char *path);
/* Adds the folder at @path, or updates its delimiter and role. Its parent
 * is the folder whose path is @path up to the last @delimiter. */
void pigeon_store_add_folder_async (PigeonStore *self,
                                    PigeonAccount *account,
                                    const char *path,
                                    const char *delimiter,
                                    PigeonFolderRole role,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
/* Records the folder's UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ. A new
 * UIDVALIDITY makes every known UID of the folder void (RFC 3501 2.3.1.1):
 * its messages are dropped from the folder in the same transaction. */
void pigeon_store_set_folder_state_async (PigeonStore *self,
                                          PigeonFolder *folder,
                                          guint32 uidvalidity,
                                          guint32 uidnext,
                                          guint64 highestmodseq,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
void pigeon_store_remove_folder_async (PigeonStore *self,
                                       PigeonFolder *folder,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);

/* Messages, as the sync writes them: one transaction per call, so hand
 * over a batch (a few hundred) at a time. @infos holds PigeonMessageInfo. */
void pigeon_store_add_messages_async (PigeonStore *self,
                                      PigeonFolder *folder,
                                      GPtrArray *infos,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
/* Sets the flags the server reports, by UID. */
void pigeon_store_update_flags_async (PigeonStore *self,
                                      PigeonFolder *folder,
                                      const PigeonFlagUpdate *updates,
                                      guint n_updates,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
/* The server expunged these UIDs. A message in no folder any more is
 * deleted with its body. */
void pigeon_store_remove_uids_async (PigeonStore *self,
                                     PigeonFolder *folder,
                                     const guint32 *uids,
                                     guint n_uids,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
/* The folder's known UIDs, ascending (a GArray of guint32). */
GArray *pigeon_store_get_uids (PigeonStore *self, PigeonFolder *folder, GError **error);
/* The message id stored for @uid in @folder, or 0. */
gint64 pigeon_store_lookup_uid (PigeonStore *self, PigeonFolder *folder, guint32 uid);
/* The live summary of message @id (a new reference), or NULL. */
PigeonMessage *pigeon_store_lookup_message (PigeonStore *self, gint64 id);

/* Bodies: kept raw, parsed by the MIME engine for the search index and the
 * attachment list when stored. */
void pigeon_store_set_raw_async (PigeonStore *self,
                                 gint64 message_id,
                                 GBytes *raw,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
/* Stores the bodies @raws (GBytes) of the messages @message_ids (gint64),
 * same length, in one write: a message removed meanwhile is skipped. */
void pigeon_store_set_raw_batch_async (PigeonStore *self,
                                       GArray *message_ids,
                                       GPtrArray *raws,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
/* The raw message, or NULL with PIGEON_STORE_ERROR_NOT_FOUND when the body
 * was never fetched. */
GBytes *pigeon_store_load_raw (PigeonStore *self, gint64 message_id, GError **error);
/* PigeonAttachment records of a stored body. */
GPtrArray *pigeon_store_get_attachments (PigeonStore *self, gint64 message_id, GError **error);

/* List models of PigeonMessage. */
PigeonMessageList *pigeon_store_list_folder (
    PigeonStore *self, PigeonFolder *folder, PigeonSortKey sort, gboolean descending, GError **error);
/* Words (prefix-matched) and the terms from:, to:, subject:, has:attachment,
 * is:unread, is:read and is:flagged; "quoted phrases". @account may be NULL
 * for all accounts. Newest first. */
PigeonMessageList *pigeon_store_search (PigeonStore *self, PigeonAccount *account, const char *query, GError **error);
/* The messages of one conversation, oldest first. */
PigeonMessageList *pigeon_store_list_thread (PigeonStore *self, gint64 thread_id, GError **error);

/* User actions: applied to the store at once, and queued as pending
 * operations (durably) for the engine to replay. @messages holds
 * PigeonMessage. */
void pigeon_store_set_flags_async (PigeonStore *self,
                                   GPtrArray *messages,
                                   PigeonMessageFlags set,
                                   PigeonMessageFlags clear,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
void pigeon_store_move_messages_async (PigeonStore *self,
                                       GPtrArray *messages,
                                       PigeonFolder *from,
                                       PigeonFolder *to,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
void pigeon_store_delete_messages_async (PigeonStore *self,
                                         GPtrArray *messages,
                                         PigeonFolder *from,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
/* Queues @raw for an IMAP APPEND to @folder (a sent copy, a draft). */
void pigeon_store_queue_append_async (PigeonStore *self,
                                      PigeonFolder *folder,
                                      GBytes *raw,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
/* The account's pending operations, oldest first (PigeonPendingOp). */
GPtrArray *pigeon_store_list_pending_ops (PigeonStore *self, PigeonAccount *account, GError **error);
/* The server took the operation: forget it. */
void pigeon_store_complete_pending_op_async (
    PigeonStore *self, gint64 op_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* The replay failed: count the attempt and keep @error_text. */
void pigeon_store_fail_pending_op_async (PigeonStore *self,
                                         gint64 op_id,
                                         const char *error_text,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);

/* Outbox */
void pigeon_store_queue_outgoing_async (PigeonStore *self,
                                        PigeonAccount *account,
                                        GBytes *raw,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
/* PigeonOutboxItem records, oldest first; @account may be NULL for all. */
GPtrArray *pigeon_store_list_outbox (PigeonStore *self, PigeonAccount *account, GError **error);
/* SENDING before the SMTP transaction; FAILED (counts an attempt, keeps
 * @error_text) or QUEUED after it. */
void pigeon_store_set_outgoing_state_async (PigeonStore *self,
                                            gint64 outbox_id,
                                            PigeonOutboxState state,
                                            const char *error_text,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
/* The final 250 came: the message leaves the outbox. */
void pigeon_store_remove_outgoing_async (
    PigeonStore *self, gint64 outbox_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Drafts */
/* @draft_id 0 adds a draft; else replaces that draft's content. */
void pigeon_store_save_draft_async (PigeonStore *self,
                                    PigeonAccount *account,
                                    gint64 draft_id,
                                    GBytes *raw,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
/* PigeonDraft records, newest first. */
GPtrArray *pigeon_store_list_drafts (PigeonStore *self, GError **error);
void pigeon_store_delete_draft_async (
    PigeonStore *self, gint64 draft_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Contacts: PigeonContact records whose address or name starts with
 * @prefix, most used first. */
GPtrArray *pigeon_store_complete_address (PigeonStore *self, const char *prefix, guint limit, GError **error);

G_END_DECLS

#include "pigeon-store-sync.h"
#include "pigeon-store-replay.h"
