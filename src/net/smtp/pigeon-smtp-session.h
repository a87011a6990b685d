/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "pigeon-connection.h"
#include "pigeon-sasl.h"
#include "pigeon-smtp-reply.h"

G_BEGIN_DECLS

/* What the server said about one recipient (RCPT TO, RFC 5321 4.1.1.3). */
typedef struct
{
  char *address;
  guint code;
  char *text; /* safe to show */
} PigeonSmtpRecipientResult;

void pigeon_smtp_recipient_result_free (PigeonSmtpRecipientResult *result);
/* 2xx: the server took responsibility for this recipient. */
gboolean pigeon_smtp_recipient_result_is_accepted (const PigeonSmtpRecipientResult *result);

#define PIGEON_TYPE_SMTP_SESSION (pigeon_smtp_session_get_type ())
G_DECLARE_FINAL_TYPE (PigeonSmtpSession, pigeon_smtp_session, PIGEON, SMTP_SESSION, GObject)

/* A submission session (RFC 6409) over @connection, which must not be
 * connected yet: open connects it. */
PigeonSmtpSession *pigeon_smtp_session_new (PigeonConnection *connection);
PigeonConnection *pigeon_smtp_session_get_connection (PigeonSmtpSession *self);
/* The EHLO name; the default is this end's address literal. */
void pigeon_smtp_session_set_helo_name (PigeonSmtpSession *self, const char *name);

/* Connects, reads the greeting, says EHLO (or HELO), upgrades with STARTTLS
 * when the connection's security asks for it, says EHLO again, and signs in
 * with @credentials (may be NULL) using the best mechanism offered. No
 * credential is sent unless the connection is encrypted or loopback. */
void pigeon_smtp_session_open_async (PigeonSmtpSession *self,
                                     PigeonSasl *credentials,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_smtp_session_open_finish (PigeonSmtpSession *self, GAsyncResult *result, GError **error);

/* What the last EHLO announced. */
const PigeonSmtpCapabilities *pigeon_smtp_session_get_capabilities (PigeonSmtpSession *self);

/* Sends one message (its raw RFC 5322 bytes, any line ends) from @from to
 * every address in @recipients (Bcc included: they are envelope
 * recipients only). Pipelined when the server offers it (RFC 2920); RSET
 * first when the session has sent a message before. The result is a
 * GPtrArray of PigeonSmtpRecipientResult, one per recipient, when the
 * server accepted the message for at least one of them. */
void pigeon_smtp_session_send_async (PigeonSmtpSession *self,
                                     const char *from,
                                     const char *const *recipients,
                                     GBytes *message,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
GPtrArray *pigeon_smtp_session_send_finish (PigeonSmtpSession *self, GAsyncResult *result, GError **error);

void pigeon_smtp_session_noop_async (PigeonSmtpSession *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_smtp_session_noop_finish (PigeonSmtpSession *self, GAsyncResult *result, GError **error);

/* QUIT (RFC 5321 4.1.1.10), then closes the connection. */
void pigeon_smtp_session_quit_async (PigeonSmtpSession *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean pigeon_smtp_session_quit_finish (PigeonSmtpSession *self, GAsyncResult *result, GError **error);

G_END_DECLS
