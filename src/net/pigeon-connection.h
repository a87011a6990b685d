/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How a connection is protected (ARCHITECTURE.md, "Durability and safety"). */
typedef enum
{
  /* RFC 8314: TLS from the first byte. The default. */
  PIGEON_NET_SECURITY_TLS,
  /* RFC 3207 / RFC 2595: plaintext, then a required upgrade to TLS before
   * any credential. Never opportunistic. */
  PIGEON_NET_SECURITY_STARTTLS,
  /* No TLS at all: refused unless the peer is a loopback address. */
  PIGEON_NET_SECURITY_NONE,
} PigeonNetSecurity;

#define PIGEON_CONNECTION_ERROR (pigeon_connection_error_quark ())

typedef enum
{
  /* The TCP connection could not be made. */
  PIGEON_CONNECTION_ERROR_CONNECT = 1,
  /* The server's certificate was not trusted: see
   * pigeon_connection_get_peer_certificate() and its errors. */
  PIGEON_CONNECTION_ERROR_CERTIFICATE,
  /* The TLS handshake failed for another reason. */
  PIGEON_CONNECTION_ERROR_TLS,
  /* The server negotiated a TLS version below 1.2. */
  PIGEON_CONNECTION_ERROR_TLS_VERSION,
  /* Bytes arrived after the STARTTLS go-ahead and before the handshake:
   * someone injected them (USENIX Security 2021, "Why TLS is better
   * without STARTTLS"). */
  PIGEON_CONNECTION_ERROR_STARTTLS_INJECTION,
  /* Security "none" was asked for a host that is not a loopback address. */
  PIGEON_CONNECTION_ERROR_NOT_LOOPBACK,
  /* A line from the server was longer than the connection's limit. */
  PIGEON_CONNECTION_ERROR_LINE_TOO_LONG,
  /* The server closed the connection. */
  PIGEON_CONNECTION_ERROR_CLOSED,
  /* The server did not answer in time. */
  PIGEON_CONNECTION_ERROR_TIMEOUT,
} PigeonConnectionError;

GQuark pigeon_connection_error_quark (void);

typedef enum
{
  PIGEON_LOG_SENT,
  PIGEON_LOG_RECEIVED,
  PIGEON_LOG_INFO,
} PigeonLogDirection;

typedef struct _PigeonConnection PigeonConnection;

/* One line of the protocol log, without its line end. Secrets never reach
 * it: a caller that sends one gives a redacted text to log instead. */
typedef void (*PigeonProtocolLogFunc) (PigeonConnection *connection,
                                       PigeonLogDirection direction,
                                       const char *line,
                                       gpointer user_data);

#define PIGEON_CONNECTION_DEFAULT_MAX_LINE (64 * 1024)

#define PIGEON_TYPE_CONNECTION (pigeon_connection_get_type ())
G_DECLARE_FINAL_TYPE (PigeonConnection, pigeon_connection, PIGEON, CONNECTION, GObject)

PigeonConnection *pigeon_connection_new (const char *host, guint16 port, PigeonNetSecurity security);

const char *pigeon_connection_get_host (PigeonConnection *self);
guint16 pigeon_connection_get_port (PigeonConnection *self);
PigeonNetSecurity pigeon_connection_get_security (PigeonConnection *self);

/* Trusts the CA certificates in @path in addition to the system's store
 * (private servers, tests). */
gboolean pigeon_connection_set_ca_file (PigeonConnection *self, const char *path, GError **error);
/* Accepts the one certificate with this SHA-256 fingerprint (hex, colons and
 * case ignored) for this host and port, even if it does not verify. The
 * engine sets it after the person accepted that certificate; it never
 * widens to any other certificate. Returns FALSE for a malformed value. */
gboolean pigeon_connection_set_pinned_fingerprint (PigeonConnection *self, const char *fingerprint);
/* Seconds; 0 keeps the default. Connect: to open TCP (30 s). Idle: no byte
 * moving while an operation waits (60 s). Command: for one reply line or
 * one byte count to arrive complete (120 s). */
void pigeon_connection_set_timeouts (PigeonConnection *self, guint connect, guint idle, guint command);
void pigeon_connection_set_max_line_length (PigeonConnection *self, gsize max_line);
void pigeon_connection_set_log_func (PigeonConnection *self,
                                     PigeonProtocolLogFunc func,
                                     gpointer user_data,
                                     GDestroyNotify destroy);
/* While quiet, received lines are not logged (message bodies). */
void pigeon_connection_set_log_quiet (PigeonConnection *self, gboolean quiet);
void pigeon_connection_log (PigeonConnection *self, PigeonLogDirection direction, const char *line);

/* Opens TCP, then TLS when the security is PIGEON_NET_SECURITY_TLS. */
void pigeon_connection_connect_async (PigeonConnection *self,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean pigeon_connection_connect_finish (PigeonConnection *self, GAsyncResult *result, GError **error);

/* Upgrades to TLS after the server's go-ahead (RFC 3207 4, RFC 2595 4).
 * Fails with PIGEON_CONNECTION_ERROR_STARTTLS_INJECTION, before the
 * handshake, if any byte is already waiting. */
void pigeon_connection_starttls_async (PigeonConnection *self,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean pigeon_connection_starttls_finish (PigeonConnection *self, GAsyncResult *result, GError **error);

/* Reads one line; the result has no CRLF (or LF) and is NUL-terminated,
 * but may hold NULs: @length gives its size. */
void pigeon_connection_read_line_async (PigeonConnection *self,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
char *pigeon_connection_read_line_finish (PigeonConnection *self, GAsyncResult *result, gsize *length, GError **error);
/* Takes one whole line from what is already buffered, without I/O; NULL
 * without an error when no whole line is buffered. Lets a reader of long
 * multi-line responses go through a buffer without a main-loop turn per
 * line. */
char *pigeon_connection_pop_line (PigeonConnection *self, gsize *length, GError **error);
/* The same without a copy: the line (not NUL-terminated, @length bytes)
 * stays in the connection's buffer, valid until the next read or fill. */
const char *pigeon_connection_pop_line_in_place (PigeonConnection *self, gsize *length, GError **error);
/* Waits until more bytes are buffered. */
void pigeon_connection_fill_async (PigeonConnection *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean pigeon_connection_fill_finish (PigeonConnection *self, GAsyncResult *result, GError **error);

/* Takes up to @max bytes from what is already buffered, without I/O; NULL
 * when nothing is buffered. Lets a reader take a large literal in chunks
 * (fill, then pop) without buffering all of it first. */
GBytes *pigeon_connection_pop_bytes (PigeonConnection *self, gsize max);

/* Reads exactly @count bytes (an IMAP literal). The caller limits @count. */
void pigeon_connection_read_bytes_async (
    PigeonConnection *self, gsize count, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GBytes *pigeon_connection_read_bytes_finish (PigeonConnection *self, GAsyncResult *result, GError **error);

/* Writes @data. The log shows @log_text instead of @data when it is not
 * NULL: a command carrying a secret passes its redacted form. */
void pigeon_connection_write_async (PigeonConnection *self,
                                    GBytes *data,
                                    const char *log_text,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean pigeon_connection_write_finish (PigeonConnection *self, GAsyncResult *result, GError **error);

/* Closes the connection without a word to the server. */
void pigeon_connection_close (PigeonConnection *self);

gboolean pigeon_connection_is_connected (PigeonConnection *self);
gboolean pigeon_connection_is_encrypted (PigeonConnection *self);
/* TRUE when the peer's address is a loopback address. */
gboolean pigeon_connection_is_loopback (PigeonConnection *self);
gsize pigeon_connection_get_buffered (PigeonConnection *self);
/* This end's address as an RFC 5321 4.1.3 address literal ("[192.0.2.1]",
 * "[IPv6:…]"), for EHLO; NULL when not connected. */
char *pigeon_connection_get_local_address_literal (PigeonConnection *self);

/* The last certificate the server presented, and what was wrong with it
 * (0 when it verified or was pinned). Kept after a failed handshake so
 * that the person can be shown it. */
GTlsCertificate *pigeon_connection_get_peer_certificate (PigeonConnection *self);
GTlsCertificateFlags pigeon_connection_get_peer_certificate_errors (PigeonConnection *self);

/* "AB:CD:…": the SHA-256 of the certificate's DER form. */
char *pigeon_certificate_get_fingerprint (GTlsCertificate *certificate);
/* The reasons in @errors, in words, separated by "; ". */
char *pigeon_certificate_describe_errors (GTlsCertificateFlags errors);

G_END_DECLS
