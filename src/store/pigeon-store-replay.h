/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-store.h"

G_BEGIN_DECLS

/* What the engine's replay of pending operations needs besides
 * pigeon_store_list_pending_ops(). Every write is finished with
 * pigeon_store_write_finish(). */

/* A folder and UID of message @message_id on the server (its oldest
 * location that has a UID). FALSE when the server has no copy known
 * here; @error only for a database failure. */
gboolean
pigeon_store_find_server_copy (PigeonStore *self, gint64 message_id, gint64 *folder_id, guint32 *uid, GError **error);

/* The account's oldest pending operation after operation @after_id (0:
 * the oldest), as it is now; NULL when there is none (or with @error).
 * Read one at a time, the replay sees what changed while it ran: an
 * operation cancelled, redirected or added. */
PigeonPendingOp *
pigeon_store_next_pending_op (PigeonStore *self, PigeonAccount *account, gint64 after_id, GError **error);

/* The server took operation @op_id: forget it. For a MOVE to
 * @target_folder_id, @new_uid (0 when the server did not say, RFC 4315
 * COPYUID) becomes the UID of the copy there, in the same transaction. A
 * move redirected while it was on its way (the message moved on, or the
 * move was undone) is not forgotten but starts again from where the server
 * put the message, with @new_uid. */
void pigeon_store_finish_pending_op_async (PigeonStore *self,
                                           gint64 op_id,
                                           gint64 target_folder_id,
                                           guint32 new_uid,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);

/* The server refused operation @op_id for good: undo its local change
 * (flags put back; a moved or deleted message back in its folder with its
 * UID, when the message is still here) and forget it, in one transaction. */
void pigeon_store_revert_pending_op_async (
    PigeonStore *self, gint64 op_id, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);

/* Undo of a move that the server has not heard of: the queued moves of
 * @messages (PigeonMessage) from @from to @to are reverted as above,
 * except operation @in_flight (0: none), which the server may be taking
 * now. The messages whose move was replayed already stay in @to. */
void pigeon_store_cancel_moves_async (PigeonStore *self,
                                      GPtrArray *messages,
                                      PigeonFolder *from,
                                      PigeonFolder *to,
                                      gint64 in_flight,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);

G_END_DECLS
