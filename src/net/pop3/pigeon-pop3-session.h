/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-connection.h"
#include "pigeon-pop3-reply.h"
#include "pigeon-sasl.h"

G_BEGIN_DECLS

#define PIGEON_POP3_DEFAULT_MAX_MESSAGE_SIZE (100 * 1024 * 1024)

#define PIGEON_TYPE_POP3_SESSION (pigeon_pop3_session_get_type ())
G_DECLARE_FINAL_TYPE (PigeonPop3Session, pigeon_pop3_session, PIGEON, POP3_SESSION, GObject)

/* A POP3 session (RFC 1939) over @connection, which must not be connected
 * yet: open connects it.
 *
 * Deleting is guarded: DELE is sent only for a message that the caller
 * confirmed as stored durably (pigeon_pop3_session_confirm_stored()), and
 * the server deletes only when QUIT succeeds (RFC 1939 6, the UPDATE
 * state). The session never sends QUIT on its own: a session that fails,
 * is dropped, or is finalized without quit deletes nothing. */
PigeonPop3Session *pigeon_pop3_session_new (PigeonConnection *connection);
PigeonConnection *pigeon_pop3_session_get_connection (PigeonPop3Session *self);
/* Larger messages are refused before or while they are read. */
void pigeon_pop3_session_set_max_message_size (PigeonPop3Session *self, gsize max_size);

/* Connects, reads the greeting, asks CAPA (RFC 2449), upgrades with STLS
 * (RFC 2595) when the connection's security asks for it and asks CAPA
 * again, then signs in: SASL PLAIN (RFC 5034) when offered, else APOP when
 * the greeting came over TLS or loopback, else USER/PASS. No credential
 * is sent unless the connection is encrypted or loopback. */
void pigeon_pop3_session_open_async (PigeonPop3Session *self,
                                     PigeonSasl *credentials,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_pop3_session_open_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error);

const PigeonPop3Capabilities *pigeon_pop3_session_get_capabilities (PigeonPop3Session *self);

void pigeon_pop3_session_stat_async (PigeonPop3Session *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_pop3_session_stat_finish (
    PigeonPop3Session *self, GAsyncResult *result, guint *count, guint64 *size, GError **error);

/* LIST, then UIDL when the server has it: a GPtrArray of
 * PigeonPop3Message in the server's order. */
void pigeon_pop3_session_list_async (PigeonPop3Session *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
GPtrArray *pigeon_pop3_session_list_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error);

/* TOP n lines (RFC 1939 7): the header and the first @lines body lines. */
void pigeon_pop3_session_top_async (PigeonPop3Session *self,
                                    guint number,
                                    guint lines,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
GBytes *pigeon_pop3_session_top_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error);

/* RETR: the message as stored, CRLF line ends, dot-stuffing undone. */
void pigeon_pop3_session_retrieve_async (
    PigeonPop3Session *self, guint number, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GBytes *pigeon_pop3_session_retrieve_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error);

/* The caller's word that message @number is stored durably (committed to
 * disk). With @uid, the number must have been listed with that UIDL; with
 * NULL, the message must have been retrieved in this session. */
gboolean pigeon_pop3_session_confirm_stored (PigeonPop3Session *self, guint number, const char *uid, GError **error);

/* DELE: fails with PIGEON_POP3_ERROR_NOT_STORED, sending nothing, unless
 * the message was confirmed stored. */
void pigeon_pop3_session_delete_async (
    PigeonPop3Session *self, guint number, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean pigeon_pop3_session_delete_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error);

/* RSET: the server forgets the deletions of this session. */
void pigeon_pop3_session_reset_async (PigeonPop3Session *self,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean pigeon_pop3_session_reset_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error);

void pigeon_pop3_session_noop_async (PigeonPop3Session *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_pop3_session_noop_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error);

/* QUIT: the server deletes the messages marked in this session, then the
 * connection closes. An error means the deletions may not have happened. */
void pigeon_pop3_session_quit_async (PigeonPop3Session *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_pop3_session_quit_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error);

G_END_DECLS
