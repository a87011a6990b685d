/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "pigeon-connection.h"

#define DEFAULT_CONNECT_TIMEOUT 30
#define DEFAULT_IDLE_TIMEOUT 60
#define DEFAULT_COMMAND_TIMEOUT 120
#define READ_CHUNK (64 * 1024)

struct _PigeonConnection
{
  GObject parent_instance;

  char *host;
  guint16 port;
  PigeonNetSecurity security;
  GTlsDatabase *ca_database;
  char *pinned; /* upper-case hex, no colons */
  guint connect_timeout;
  guint idle_timeout;
  guint command_timeout;
  gsize max_line;

  PigeonProtocolLogFunc log_func;
  gpointer log_data;
  GDestroyNotify log_destroy;
  gboolean log_quiet;

  GSocketConnection *socket_connection;
  GIOStream *stream; /* the socket connection, or the TLS connection over it */
  GTlsCertificate *peer_certificate;
  GTlsCertificateFlags peer_errors;

  /* Received bytes not yet consumed start at read_pos. */
  GByteArray *buffer;
  gsize read_pos;
  gboolean filling;
  /* What a fill reads into: one at a time (filling), so one chunk serves
   * them all; a 64 KiB allocation per read cost more than the read. */
  guint8 *read_chunk;
};

G_DEFINE_TYPE (PigeonConnection, pigeon_connection, G_TYPE_OBJECT)

G_DEFINE_QUARK (pigeon_connection_error, pigeon_connection_error)

static void
pigeon_connection_finalize (GObject *object)
{
  PigeonConnection *self = PIGEON_CONNECTION (object);

  pigeon_connection_close (self);
  if (self->log_destroy != NULL)
    self->log_destroy (self->log_data);
  g_clear_object (&self->ca_database);
  g_clear_object (&self->peer_certificate);
  g_clear_pointer (&self->buffer, g_byte_array_unref);
  g_free (self->read_chunk);
  g_free (self->pinned);
  g_free (self->host);
  G_OBJECT_CLASS (pigeon_connection_parent_class)->finalize (object);
}

static void
pigeon_connection_class_init (PigeonConnectionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_connection_finalize;
}

static void
pigeon_connection_init (PigeonConnection *self)
{
  self->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  self->command_timeout = DEFAULT_COMMAND_TIMEOUT;
  self->max_line = PIGEON_CONNECTION_DEFAULT_MAX_LINE;
  self->buffer = g_byte_array_new ();
}

PigeonConnection *
pigeon_connection_new (const char *host, guint16 port, PigeonNetSecurity security)
{
  PigeonConnection *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (security <= PIGEON_NET_SECURITY_NONE, NULL);

  self = g_object_new (PIGEON_TYPE_CONNECTION, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->security = security;
  return self;
}

const char *
pigeon_connection_get_host (PigeonConnection *self)
{
  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), NULL);
  return self->host;
}

guint16
pigeon_connection_get_port (PigeonConnection *self)
{
  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), 0);
  return self->port;
}

PigeonNetSecurity
pigeon_connection_get_security (PigeonConnection *self)
{
  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), PIGEON_NET_SECURITY_TLS);
  return self->security;
}

gboolean
pigeon_connection_set_ca_file (PigeonConnection *self, const char *path, GError **error)
{
  GTlsDatabase *database;

  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  database = g_tls_file_database_new (path, error);
  if (database == NULL)
    return FALSE;
  g_set_object (&self->ca_database, database);
  g_object_unref (database);
  return TRUE;
}

/* Upper-case hex without separators, or NULL if @text is not 32 bytes. */
static char *
normalise_fingerprint (const char *text)
{
  GString *hex = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (hex, g_ascii_toupper (*p));
      else if (*p != ':' && *p != ' ')
        break;
    }
  if (hex->len != 64)
    {
      g_string_free (hex, TRUE);
      return NULL;
    }
  return g_string_free (hex, FALSE);
}

gboolean
pigeon_connection_set_pinned_fingerprint (PigeonConnection *self, const char *fingerprint)
{
  char *normal;

  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), FALSE);

  normal = fingerprint != NULL ? normalise_fingerprint (fingerprint) : NULL;
  if (fingerprint != NULL && normal == NULL)
    return FALSE;
  g_free (self->pinned);
  self->pinned = normal;
  return TRUE;
}

void
pigeon_connection_set_timeouts (PigeonConnection *self, guint connect, guint idle, guint command)
{
  g_return_if_fail (PIGEON_IS_CONNECTION (self));

  self->connect_timeout = connect != 0 ? connect : DEFAULT_CONNECT_TIMEOUT;
  self->idle_timeout = idle != 0 ? idle : DEFAULT_IDLE_TIMEOUT;
  self->command_timeout = command != 0 ? command : DEFAULT_COMMAND_TIMEOUT;
  if (self->socket_connection != NULL)
    g_socket_set_timeout (g_socket_connection_get_socket (self->socket_connection), self->idle_timeout);
}

void
pigeon_connection_set_max_line_length (PigeonConnection *self, gsize max_line)
{
  g_return_if_fail (PIGEON_IS_CONNECTION (self));
  g_return_if_fail (max_line > 0);
  self->max_line = max_line;
}

void
pigeon_connection_set_log_func (PigeonConnection *self,
                                PigeonProtocolLogFunc func,
                                gpointer user_data,
                                GDestroyNotify destroy)
{
  g_return_if_fail (PIGEON_IS_CONNECTION (self));

  if (self->log_destroy != NULL)
    self->log_destroy (self->log_data);
  self->log_func = func;
  self->log_data = user_data;
  self->log_destroy = destroy;
}

void
pigeon_connection_set_log_quiet (PigeonConnection *self, gboolean quiet)
{
  g_return_if_fail (PIGEON_IS_CONNECTION (self));
  self->log_quiet = quiet;
}

void
pigeon_connection_log (PigeonConnection *self, PigeonLogDirection direction, const char *line)
{
  g_return_if_fail (PIGEON_IS_CONNECTION (self));

  if (self->log_func != NULL)
    self->log_func (self, direction, line, self->log_data);
}

/* Logs each line of @data (a batch of pipelined commands). */
static void
log_lines (PigeonConnection *self, PigeonLogDirection direction, const char *data, gsize len)
{
  const char *end = data + len;

  while (self->log_func != NULL && data < end)
    {
      const char *nl = memchr (data, '\n', end - data);
      const char *stop = nl != NULL ? nl : end;
      g_autofree char *line = NULL;

      if (stop > data && stop[-1] == '\r')
        stop--;
      line = g_utf8_make_valid (data, stop - data);
      self->log_func (self, direction, line, self->log_data);
      data = nl != NULL ? nl + 1 : end;
    }
}

/* ------------------------------------------------------------------ */
/* Certificates                                                        */

char *
pigeon_certificate_get_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;
  g_autofree char *hex = NULL;
  GString *out;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  out = g_string_new (NULL);
  for (gsize i = 0; hex[i] != '\0'; i += 2)
    g_string_append_printf (out, "%s%c%c", i > 0 ? ":" : "", g_ascii_toupper (hex[i]), g_ascii_toupper (hex[i + 1]));
  return g_string_free (out, FALSE);
}

char *
pigeon_certificate_describe_errors (GTlsCertificateFlags errors)
{
  static const struct
  {
    GTlsCertificateFlags flag;
    const char *words;
  } reasons[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, N_ ("it is not signed by a known authority") },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, N_ ("it was issued for another server name") },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, N_ ("it is not valid yet") },
    { G_TLS_CERTIFICATE_EXPIRED, N_ ("it has expired") },
    { G_TLS_CERTIFICATE_REVOKED, N_ ("it has been revoked") },
    { G_TLS_CERTIFICATE_INSECURE, N_ ("it uses an insecure algorithm") },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, N_ ("it could not be checked") },
  };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (errors & reasons[i].flag)
      g_string_append_printf (out, "%s%s", out->len > 0 ? "; " : "", _ (reasons[i].words));
  if (out->len == 0)
    g_string_append (out, _ (reasons[G_N_ELEMENTS (reasons) - 1].words));
  return g_string_free (out, FALSE);
}

static gboolean
is_pinned (PigeonConnection *self, GTlsCertificate *certificate)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *normal = NULL;

  if (self->pinned == NULL)
    return FALSE;
  fingerprint = pigeon_certificate_get_fingerprint (certificate);
  normal = fingerprint != NULL ? normalise_fingerprint (fingerprint) : NULL;
  return normal != NULL && g_str_equal (normal, self->pinned);
}

/* With a CA file or a pin, the system's trust store (tens of
 * milliseconds to load) is left out of the handshake: see
 * new_tls_connection(). */
static gboolean
uses_system_store (PigeonConnection *self)
{
  return self->ca_database == NULL && self->pinned == NULL;
}

static GTlsCertificateFlags
verify_with_system_store (PigeonConnection *self, GTlsCertificate *certificate)
{
  g_autoptr (GTlsDatabase) system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  g_autoptr (GSocketConnectable) identity = g_network_address_new (self->host, self->port);

  if (system == NULL)
    return G_TLS_CERTIFICATE_UNKNOWN_CA;
  return g_tls_database_verify_chain (system, certificate, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity, NULL,
                                      G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
}

/* Called only when the handshake's database did not verify the
 * certificate: the system store, else the extra CA file. A pinned
 * fingerprint may still vouch for it, and with a CA file or a pin the
 * system store too, consulted only now. */
static gboolean
on_accept_certificate (GTlsConnection *tls, GTlsCertificate *certificate, GTlsCertificateFlags errors, gpointer data)
{
  PigeonConnection *self = data;
  GTlsCertificateFlags system_errors;

  g_set_object (&self->peer_certificate, certificate);
  self->peer_errors = errors;
  if (is_pinned (self, certificate))
    {
      self->peer_errors = 0;
      return TRUE;
    }
  if (uses_system_store (self))
    return FALSE;
  system_errors = verify_with_system_store (self, certificate);
  if (system_errors == 0)
    {
      self->peer_errors = 0;
      return TRUE;
    }
  /* The reasons shown are the CA file's when there is one. */
  if (self->ca_database == NULL)
    self->peer_errors = system_errors;
  return FALSE;
}

static GError *
certificate_error (PigeonConnection *self)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *reasons = pigeon_certificate_describe_errors (self->peer_errors);

  if (self->peer_certificate != NULL)
    fingerprint = pigeon_certificate_get_fingerprint (self->peer_certificate);
  return g_error_new (PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_CERTIFICATE,
                      _ ("The certificate of %s (port %u) cannot be trusted: %s. Its SHA-256 fingerprint is %s; "
                         "accept it only if the server's administrator confirms that fingerprint."),
                      self->host, self->port, reasons, fingerprint != NULL ? fingerprint : "?");
}

/* ------------------------------------------------------------------ */
/* Timeouts                                                            */

/* One operation's cancellable: the caller's, or the command timeout. */
typedef struct
{
  GCancellable *cancellable;
  GCancellable *parent;
  gulong parent_handler;
  GSource *timer;
  gboolean timed_out;
} OpGuard;

static gboolean
on_guard_timeout (gpointer data)
{
  OpGuard *guard = data;

  guard->timed_out = TRUE;
  g_cancellable_cancel (guard->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_parent_cancelled (GCancellable *parent, gpointer data)
{
  g_cancellable_cancel (data);
}

static OpGuard *
op_guard_new (GCancellable *parent, guint seconds)
{
  OpGuard *guard = g_new0 (OpGuard, 1);

  guard->cancellable = g_cancellable_new ();
  if (parent != NULL)
    {
      guard->parent = g_object_ref (parent);
      guard->parent_handler = g_cancellable_connect (parent, G_CALLBACK (on_parent_cancelled),
                                                     g_object_ref (guard->cancellable), g_object_unref);
    }
  guard->timer = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (guard->timer, on_guard_timeout, guard, NULL);
  g_source_attach (guard->timer, g_main_context_get_thread_default ());
  return guard;
}

static void
op_guard_free (OpGuard *guard)
{
  g_source_destroy (guard->timer);
  g_source_unref (guard->timer);
  if (guard->parent != NULL)
    g_cancellable_disconnect (guard->parent, guard->parent_handler);
  g_clear_object (&guard->parent);
  g_clear_object (&guard->cancellable);
  g_free (guard);
}

/* Turns the errors of a finished operation into the connection's own. */
static GError *
map_error (PigeonConnection *self, OpGuard *guard, GError *error)
{
  int code = 0;
  g_autofree char *message = NULL;

  if ((guard != NULL && guard->timed_out) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      code = PIGEON_CONNECTION_ERROR_TIMEOUT;
      message = g_strdup_printf (_ ("%s did not answer in time"), self->host);
    }
  else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_EOF) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    {
      code = PIGEON_CONNECTION_ERROR_CLOSED;
      message = g_strdup_printf (_ ("%s closed the connection"), self->host);
    }
  if (code == 0)
    return error;
  g_error_free (error);
  return g_error_new_literal (PIGEON_CONNECTION_ERROR, code, message);
}

/* ------------------------------------------------------------------ */
/* Connect and TLS                                                     */

typedef struct
{
  OpGuard *guard;
  GTlsConnection *tls;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_clear_pointer (&data->guard, op_guard_free);
  g_clear_object (&data->tls);
  g_free (data);
}

static gboolean
peer_is_loopback (GSocketConnection *connection)
{
  g_autoptr (GSocketAddress) address = g_socket_connection_get_remote_address (connection, NULL);

  return G_IS_INET_SOCKET_ADDRESS (address) &&
         g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

/* glib-networking speaks GnuTLS, whose priority string may still allow TLS
 * 1.0/1.1: check what was negotiated. */
static gboolean
version_is_acceptable (GTlsConnection *tls)
{
  switch (g_tls_connection_get_protocol_version (tls))
    {
    case G_TLS_PROTOCOL_VERSION_TLS_1_2:
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:
    case G_TLS_PROTOCOL_VERSION_UNKNOWN: /* newer than GLib knows */
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonConnection *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_tls_connection_handshake_finish (data->tls, result, &error))
    {
      if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        {
          g_clear_error (&error);
          error = certificate_error (self);
        }
      else if (error->domain == G_TLS_ERROR)
        {
          GError *tls_error = g_error_new (PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_TLS,
                                           _ ("Could not set up TLS with %s: %s"), self->host, error->message);
          g_error_free (error);
          error = tls_error;
        }
      pigeon_connection_close (self);
      g_task_return_error (task, map_error (self, data->guard, error));
      return;
    }
  if (!version_is_acceptable (data->tls))
    {
      pigeon_connection_close (self);
      g_task_return_new_error (task, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_TLS_VERSION,
                               _ ("%s only offers an old, insecure TLS version; TLS 1.2 or newer is required"),
                               self->host);
      return;
    }
  g_set_object (&self->stream, G_IO_STREAM (data->tls));
  if (self->peer_certificate == NULL)
    self->peer_certificate = g_object_ref (g_tls_connection_get_peer_certificate (data->tls));
  pigeon_connection_log (self, PIGEON_LOG_INFO, "TLS established");
  g_task_return_boolean (task, TRUE);
}

/* The handshake verifies with the system store, or with the CA file (no
 * database at all with a pin only) when the account has one: the
 * "database" property set at construction keeps the system store from
 * being loaded. */
static GIOStream *
new_tls_connection (PigeonConnection *self, GSocketConnectable *identity, GError **error)
{
  if (uses_system_store (self))
    return g_tls_client_connection_new (G_IO_STREAM (self->socket_connection), identity, error);
  return g_initable_new (g_tls_backend_get_client_connection_type (g_tls_backend_get_default ()), NULL, error,
                         "base-io-stream", self->socket_connection, "server-identity", identity, "database",
                         self->ca_database, NULL);
}

/* Puts TLS over the socket connection and shakes hands. */
static void
start_tls (GTask *task)
{
  PigeonConnection *self = g_task_get_source_object (task);
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr (GSocketConnectable) identity = g_network_address_new (self->host, self->port);
  GError *error = NULL;
  GIOStream *tls;

  g_clear_object (&self->peer_certificate);
  self->peer_errors = 0;
  tls = new_tls_connection (self, identity, &error);
  if (tls == NULL)
    {
      pigeon_connection_close (self);
      g_task_return_error (task, error);
      return;
    }
  data->tls = G_TLS_CONNECTION (tls);
  g_signal_connect_object (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);
  data->guard = op_guard_new (g_task_get_cancellable (task), self->command_timeout);
  g_tls_connection_handshake_async (data->tls, G_PRIORITY_DEFAULT, data->guard->cancellable, on_handshake,
                                    g_object_ref (task));
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonConnection *self = g_task_get_source_object (task);
  GError *error = NULL;
  GSocketConnection *connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);

  if (connection == NULL)
    {
      g_autofree char *reason = g_strdup (error->message);
      int timed_out = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

      g_clear_error (&error);
      g_task_return_new_error (task, PIGEON_CONNECTION_ERROR,
                               timed_out ? PIGEON_CONNECTION_ERROR_TIMEOUT : PIGEON_CONNECTION_ERROR_CONNECT,
                               _ ("Could not connect to %s on port %u: %s"), self->host, self->port, reason);
      return;
    }
  self->socket_connection = connection;
  self->stream = g_object_ref (G_IO_STREAM (connection));
  g_socket_set_timeout (g_socket_connection_get_socket (connection), self->idle_timeout);
  /* Commands are written whole, often pipelined: Nagle's algorithm would
   * only hold the last segment back for an acknowledgement. */
  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  if (self->security == PIGEON_NET_SECURITY_NONE && !peer_is_loopback (connection))
    {
      pigeon_connection_close (self);
      g_task_return_new_error (task, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_NOT_LOOPBACK,
                               _ ("%s is not this computer, so the connection must use TLS or STARTTLS"), self->host);
      return;
    }
  pigeon_connection_log (self, PIGEON_LOG_INFO, "connected");
  if (self->security == PIGEON_NET_SECURITY_TLS)
    start_tls (g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

void
pigeon_connection_connect_async (PigeonConnection *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GSocketClient) client = NULL;

  g_return_if_fail (PIGEON_IS_CONNECTION (self));
  g_return_if_fail (self->stream == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_connection_connect_async);
  g_task_set_task_data (task, g_new0 (ConnectData, 1), (GDestroyNotify) connect_data_free);
  g_byte_array_set_size (self->buffer, 0);
  self->read_pos = 0;
  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, self->connect_timeout);
  g_socket_client_connect_to_host_async (client, self->host, self->port, cancellable, on_connected,
                                         g_steal_pointer (&task));
}

gboolean
pigeon_connection_connect_finish (PigeonConnection *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pigeon_connection_starttls_async (PigeonConnection *self,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GSocket *socket;

  g_return_if_fail (PIGEON_IS_CONNECTION (self));
  g_return_if_fail (self->socket_connection != NULL);
  g_return_if_fail (!pigeon_connection_is_encrypted (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_connection_starttls_async);
  g_task_set_task_data (task, g_new0 (ConnectData, 1), (GDestroyNotify) connect_data_free);
  socket = g_socket_connection_get_socket (self->socket_connection);
  /* A server sends nothing after its go-ahead until our ClientHello. Bytes
   * buffered, or already waiting in the socket, were injected: they must
   * never be read as if TLS had protected them. */
  if (pigeon_connection_get_buffered (self) > 0 || (g_socket_condition_check (socket, G_IO_IN) & G_IO_IN))
    {
      pigeon_connection_close (self);
      g_task_return_new_error (task, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_STARTTLS_INJECTION,
                               _ ("%s sent unexpected data before encryption started; someone may be tampering "
                                  "with the connection, so it was closed"),
                               self->host);
      return;
    }
  g_byte_array_set_size (self->buffer, 0);
  self->read_pos = 0;
  start_tls (g_steal_pointer (&task));
}

gboolean
pigeon_connection_starttls_finish (PigeonConnection *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

gsize
pigeon_connection_get_buffered (PigeonConnection *self)
{
  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), 0);
  return self->buffer->len - self->read_pos;
}

/* Drops consumed bytes so that the buffer does not grow without end. */
static void
compact_buffer (PigeonConnection *self)
{
  if (self->read_pos == 0)
    return;
  g_byte_array_remove_range (self->buffer, 0, self->read_pos);
  self->read_pos = 0;
}

const char *
pigeon_connection_pop_line_in_place (PigeonConnection *self, gsize *length, GError **error)
{
  const guint8 *start;
  const guint8 *nl;
  gsize avail;
  gsize len;

  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (length != NULL, NULL);

  avail = pigeon_connection_get_buffered (self);
  if (avail == 0)
    return NULL;
  start = self->buffer->data + self->read_pos;
  nl = memchr (start, '\n', MIN (avail, self->max_line + 2));
  if (nl == NULL)
    {
      if (avail > self->max_line + 1)
        g_set_error (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_LINE_TOO_LONG,
                     _ ("%s sent a line longer than %" G_GSIZE_FORMAT " bytes"), self->host, self->max_line);
      return NULL;
    }
  len = nl - start;
  self->read_pos += len + 1;
  if (len > 0 && start[len - 1] == '\r')
    len--;
  if (len > self->max_line)
    {
      g_set_error (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_LINE_TOO_LONG,
                   _ ("%s sent a line longer than %" G_GSIZE_FORMAT " bytes"), self->host, self->max_line);
      return NULL;
    }
  if (!self->log_quiet)
    log_lines (self, PIGEON_LOG_RECEIVED, (const char *) start, len);
  *length = len;
  return (const char *) start;
}

char *
pigeon_connection_pop_line (PigeonConnection *self, gsize *length, GError **error)
{
  const char *start;
  gsize len;
  char *line;

  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), NULL);

  start = pigeon_connection_pop_line_in_place (self, &len, error);
  if (start == NULL)
    return NULL;
  /* memcpy, not g_strndup: a line may hold NULs, and its length says so. */
  line = g_malloc (len + 1);
  memcpy (line, start, len);
  line[len] = '\0';
  if (length != NULL)
    *length = len;
  return line;
}

GBytes *
pigeon_connection_pop_bytes (PigeonConnection *self, gsize max)
{
  gsize count;
  GBytes *bytes;

  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), NULL);

  count = MIN (max, pigeon_connection_get_buffered (self));
  if (count == 0)
    return NULL;
  bytes = g_bytes_new (self->buffer->data + self->read_pos, count);
  self->read_pos += count;
  return bytes;
}

static void
on_filled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonConnection *self = g_task_get_source_object (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  self->filling = FALSE;
  if (n < 0)
    {
      g_task_return_error (task, map_error (self, g_task_get_task_data (task), error));
      return;
    }
  if (n == 0)
    {
      g_task_return_new_error (task, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_CLOSED,
                               _ ("%s closed the connection"), self->host);
      return;
    }
  compact_buffer (self);
  g_byte_array_append (self->buffer, self->read_chunk, n);
  g_task_return_boolean (task, TRUE);
}

void
pigeon_connection_fill_async (PigeonConnection *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  OpGuard *guard;

  g_return_if_fail (PIGEON_IS_CONNECTION (self));
  g_return_if_fail (!self->filling);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_connection_fill_async);
  if (self->stream == NULL)
    {
      g_task_return_new_error (task, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_CLOSED,
                               _ ("The connection to %s is closed"), self->host);
      return;
    }
  if (self->read_chunk == NULL)
    self->read_chunk = g_malloc (READ_CHUNK);
  guard = op_guard_new (cancellable, self->command_timeout);
  g_task_set_task_data (task, guard, (GDestroyNotify) op_guard_free);
  self->filling = TRUE;
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream), self->read_chunk, READ_CHUNK,
                             G_PRIORITY_DEFAULT, guard->cancellable, on_filled, g_steal_pointer (&task));
}

gboolean
pigeon_connection_fill_finish (PigeonConnection *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  char *line;
  gsize length;
} Line;

static void
line_free (Line *line)
{
  g_free (line->line);
  g_free (line);
}

static void read_line_step (GTask *task);

static void
on_line_filled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!pigeon_connection_fill_finish (PIGEON_CONNECTION (source), result, &error))
    g_task_return_error (task, error);
  else
    read_line_step (g_steal_pointer (&task));
}

/* Takes ownership of @task. */
static void
read_line_step (GTask *task)
{
  PigeonConnection *self = g_task_get_source_object (task);
  GError *error = NULL;
  Line line = { NULL, 0 };

  line.line = pigeon_connection_pop_line (self, &line.length, &error);
  if (line.line != NULL)
    g_task_return_pointer (task, g_memdup2 (&line, sizeof line), (GDestroyNotify) line_free);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      pigeon_connection_fill_async (self, g_task_get_cancellable (task), on_line_filled, task);
      return;
    }
  g_object_unref (task);
}

void
pigeon_connection_read_line_async (PigeonConnection *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task;

  g_return_if_fail (PIGEON_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_connection_read_line_async);
  read_line_step (task);
}

char *
pigeon_connection_read_line_finish (PigeonConnection *self, GAsyncResult *result, gsize *length, GError **error)
{
  Line *line;
  char *text;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  line = g_task_propagate_pointer (G_TASK (result), error);
  if (line == NULL)
    return NULL;
  if (length != NULL)
    *length = line->length;
  text = g_steal_pointer (&line->line);
  line_free (line);
  return text;
}

static void read_bytes_step (GTask *task);

static void
on_bytes_filled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!pigeon_connection_fill_finish (PIGEON_CONNECTION (source), result, &error))
    g_task_return_error (task, error);
  else
    read_bytes_step (g_steal_pointer (&task));
}

/* Takes ownership of @task. */
static void
read_bytes_step (GTask *task)
{
  PigeonConnection *self = g_task_get_source_object (task);
  gsize count = GPOINTER_TO_SIZE (g_task_get_task_data (task));
  GBytes *bytes;

  if (pigeon_connection_get_buffered (self) < count)
    {
      pigeon_connection_fill_async (self, g_task_get_cancellable (task), on_bytes_filled, task);
      return;
    }
  bytes = g_bytes_new (self->buffer->data + self->read_pos, count);
  self->read_pos += count;
  g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

void
pigeon_connection_read_bytes_async (
    PigeonConnection *self, gsize count, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (PIGEON_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_connection_read_bytes_async);
  g_task_set_task_data (task, GSIZE_TO_POINTER (count), NULL);
  read_bytes_step (task);
}

GBytes *
pigeon_connection_read_bytes_finish (PigeonConnection *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */

typedef struct
{
  GBytes *data;
  OpGuard *guard;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_bytes_unref (data->data);
  op_guard_free (data->guard);
  g_free (data);
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonConnection *self = g_task_get_source_object (task);
  WriteData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    g_task_return_error (task, map_error (self, data->guard, error));
  else
    g_task_return_boolean (task, TRUE);
}

void
pigeon_connection_write_async (PigeonConnection *self,
                               GBytes *bytes,
                               const char *log_text,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  WriteData *data;
  gsize len;
  const char *raw;

  g_return_if_fail (PIGEON_IS_CONNECTION (self));
  g_return_if_fail (bytes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_connection_write_async);
  if (self->stream == NULL)
    {
      g_task_return_new_error (task, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_CLOSED,
                               _ ("The connection to %s is closed"), self->host);
      return;
    }
  raw = g_bytes_get_data (bytes, &len);
  if (log_text != NULL)
    log_lines (self, PIGEON_LOG_SENT, log_text, strlen (log_text));
  else
    log_lines (self, PIGEON_LOG_SENT, raw, len);
  data = g_new0 (WriteData, 1);
  data->data = g_bytes_ref (bytes);
  data->guard = op_guard_new (cancellable, self->command_timeout);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream), raw, len, G_PRIORITY_DEFAULT,
                                   data->guard->cancellable, on_written, g_steal_pointer (&task));
}

gboolean
pigeon_connection_write_finish (PigeonConnection *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* State                                                               */

void
pigeon_connection_close (PigeonConnection *self)
{
  g_return_if_fail (PIGEON_IS_CONNECTION (self));

  if (self->socket_connection == NULL)
    return;
  /* Closing the socket underneath also ends a pending TLS operation. */
  g_io_stream_close (G_IO_STREAM (self->socket_connection), NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket_connection);
  pigeon_connection_log (self, PIGEON_LOG_INFO, "closed");
}

gboolean
pigeon_connection_is_connected (PigeonConnection *self)
{
  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), FALSE);
  return self->stream != NULL;
}

gboolean
pigeon_connection_is_encrypted (PigeonConnection *self)
{
  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), FALSE);
  return G_IS_TLS_CONNECTION (self->stream);
}

gboolean
pigeon_connection_is_loopback (PigeonConnection *self)
{
  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), FALSE);
  return self->socket_connection != NULL && peer_is_loopback (self->socket_connection);
}

char *
pigeon_connection_get_local_address_literal (PigeonConnection *self)
{
  g_autoptr (GSocketAddress) address = NULL;
  g_autofree char *text = NULL;
  GInetAddress *inet;

  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), NULL);

  if (self->socket_connection != NULL)
    address = g_socket_connection_get_local_address (self->socket_connection, NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  text = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[IPv6:%s]", text);
  return g_strdup_printf ("[%s]", text);
}

GTlsCertificate *
pigeon_connection_get_peer_certificate (PigeonConnection *self)
{
  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), NULL);
  return self->peer_certificate;
}

GTlsCertificateFlags
pigeon_connection_get_peer_certificate_errors (PigeonConnection *self)
{
  g_return_val_if_fail (PIGEON_IS_CONNECTION (self), 0);
  return self->peer_errors;
}
