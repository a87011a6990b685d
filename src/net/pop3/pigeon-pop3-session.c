/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-pop3-session.h"
#include "pigeon-net-private.h"

/* CAPA, LIST and UIDL bodies: room for about a million messages. */
#define MAX_LIST_SIZE (64 * 1024 * 1024)
#define MAX_AUTH_STEPS 8

struct _PigeonPop3Session
{
  GObject parent_instance;

  PigeonConnection *connection;
  gsize max_message_size;
  PigeonPop3Capabilities caps;
  char *apop_timestamp;
  GHashTable *listed;    /* number -> PigeonPop3Message, from the last list */
  GHashTable *retrieved; /* numbers retrieved in this session */
  GHashTable *stored;    /* numbers the caller confirmed as stored */
};

G_DEFINE_TYPE (PigeonPop3Session, pigeon_pop3_session, G_TYPE_OBJECT)

static void
pigeon_pop3_session_finalize (GObject *object)
{
  PigeonPop3Session *self = PIGEON_POP3_SESSION (object);

  /* No QUIT here: closing without it deletes nothing (RFC 1939 6). */
  pigeon_connection_close (self->connection);
  g_clear_object (&self->connection);
  pigeon_pop3_capabilities_clear (&self->caps);
  g_free (self->apop_timestamp);
  g_hash_table_unref (self->listed);
  g_hash_table_unref (self->retrieved);
  g_hash_table_unref (self->stored);
  G_OBJECT_CLASS (pigeon_pop3_session_parent_class)->finalize (object);
}

static void
pigeon_pop3_session_class_init (PigeonPop3SessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_pop3_session_finalize;
}

static void
pigeon_pop3_session_init (PigeonPop3Session *self)
{
  self->max_message_size = PIGEON_POP3_DEFAULT_MAX_MESSAGE_SIZE;
  self->listed = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) pigeon_pop3_message_free);
  self->retrieved = g_hash_table_new (NULL, NULL);
  self->stored = g_hash_table_new (NULL, NULL);
}

PigeonPop3Session *
pigeon_pop3_session_new (PigeonConnection *connection)
{
  PigeonPop3Session *self;

  g_return_val_if_fail (PIGEON_IS_CONNECTION (connection), NULL);

  self = g_object_new (PIGEON_TYPE_POP3_SESSION, NULL);
  self->connection = g_object_ref (connection);
  return self;
}

PigeonConnection *
pigeon_pop3_session_get_connection (PigeonPop3Session *self)
{
  g_return_val_if_fail (PIGEON_IS_POP3_SESSION (self), NULL);
  return self->connection;
}

void
pigeon_pop3_session_set_max_message_size (PigeonPop3Session *self, gsize max_size)
{
  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));
  g_return_if_fail (max_size > 0);
  self->max_message_size = max_size;
}

const PigeonPop3Capabilities *
pigeon_pop3_session_get_capabilities (PigeonPop3Session *self)
{
  g_return_val_if_fail (PIGEON_IS_POP3_SESSION (self), NULL);
  return &self->caps;
}

/* ------------------------------------------------------------------ */
/* One exchange: a command, its status line, and its body if any       */

typedef struct
{
  gboolean ok;
  gboolean continuation; /* RFC 5034 4: "+ " and a SASL challenge */
  char *text;
  GByteArray *body;
} Response;

static void
response_free (Response *response)
{
  g_free (response->text);
  g_clear_pointer (&response->body, g_byte_array_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

typedef struct
{
  gboolean multiline;
  gboolean sasl;
  gsize max_body;
  Response *response;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_pointer (&exchange->response, response_free);
  g_free (exchange);
}

/* A failed exchange ends the session without QUIT, so nothing marked for
 * deletion is deleted. */
static void
exchange_fail (GTask *task, GError *error)
{
  PigeonPop3Session *self = g_task_get_source_object (task);

  pigeon_connection_set_log_quiet (self->connection, FALSE);
  pigeon_connection_close (self->connection);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static gboolean
exchange_status (Exchange *exchange, const char *line, GError **error)
{
  Response *response = exchange->response;
  const char *text;

  if (exchange->sasl && (line[0] == '+' && (line[1] == ' ' || line[1] == '\0')))
    {
      response->ok = response->continuation = TRUE;
      response->text = g_strdup (line[1] != '\0' ? line + 2 : "");
      return TRUE;
    }
  if (!pigeon_pop3_parse_status (line, &response->ok, &text))
    {
      g_set_error_literal (error, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_PROTOCOL,
                           _ ("The server sent a response that is not valid POP3"));
      return FALSE;
    }
  response->text = g_strdup (text);
  if (response->ok && exchange->multiline)
    response->body = g_byte_array_new ();
  return TRUE;
}

static void exchange_read (GTask *task);

static void
on_exchange_filled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!pigeon_connection_fill_finish (PIGEON_CONNECTION (source), result, &error))
    exchange_fail (task, error);
  else
    exchange_read (task);
}

static GError *
too_large (PigeonPop3Session *self)
{
  return g_error_new (PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_MESSAGE_TOO_LARGE,
                      _ ("The message is larger than %" G_GSIZE_FORMAT " bytes, the most Pigeon will download"),
                      self->max_message_size);
}

/* Takes ownership of @task. */
static void
exchange_read (GTask *task)
{
  PigeonPop3Session *self = g_task_get_source_object (task);
  Exchange *exchange = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean done = FALSE;

  while (!done)
    {
      gsize len;
      g_autofree char *line = pigeon_connection_pop_line (self->connection, &len, &error);

      if (line == NULL && error == NULL)
        {
          pigeon_connection_fill_async (self->connection, g_task_get_cancellable (task), on_exchange_filled, task);
          return;
        }
      if (line == NULL)
        break;
      if (exchange->response->text == NULL)
        {
          if (!exchange_status (exchange, line, &error))
            break;
          done = exchange->response->body == NULL;
          /* Messages (RETR, TOP: limited by the message size) stay out of
           * the protocol log; CAPA, LIST and UIDL are shown. */
          pigeon_connection_set_log_quiet (self->connection, !done && exchange->max_body == self->max_message_size);
        }
      else if (!pigeon_pop3_body_feed (exchange->response->body, line, len, exchange->max_body, &done))
        error = exchange->max_body == self->max_message_size
                    ? too_large (self)
                    : g_error_new_literal (PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_PROTOCOL,
                                           _ ("The server sent a list that is too long"));
      if (error != NULL)
        break;
    }
  if (error != NULL)
    {
      exchange_fail (task, error);
      return;
    }
  pigeon_connection_set_log_quiet (self->connection, FALSE);
  g_task_return_pointer (task, g_steal_pointer (&exchange->response), (GDestroyNotify) response_free);
  g_object_unref (task);
}

static void
on_exchange_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!pigeon_connection_write_finish (PIGEON_CONNECTION (source), result, &error))
    exchange_fail (task, error);
  else
    exchange_read (task);
}

/* Sends @command (NULL: none, for the greeting; a line without CRLF) and
 * reads its response; with @max_body, a multi-line one. */
static void
exchange_async (PigeonPop3Session *self,
                const char *command,
                const char *log_text,
                gsize max_body,
                gboolean sasl,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Exchange *exchange = g_new0 (Exchange, 1);
  g_autoptr (GBytes) bytes = NULL;

  g_task_set_source_tag (task, exchange_async);
  exchange->multiline = max_body > 0;
  exchange->max_body = max_body;
  exchange->sasl = sasl;
  exchange->response = g_new0 (Response, 1);
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);
  if (command == NULL)
    {
      exchange_read (task);
      return;
    }
  /* RFC 1939 3: one response per command; anything already waiting was
   * not asked for (before STLS it would be an injection). */
  if (pigeon_connection_get_buffered (self->connection) > 0)
    {
      exchange_fail (task, g_error_new_literal (PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_PROTOCOL,
                                                _ ("The server sent responses to commands that were never sent")));
      return;
    }
  bytes = g_bytes_new_take (g_strconcat (command, "\r\n", NULL), strlen (command) + 2);
  pigeon_connection_write_async (self->connection, bytes, log_text, cancellable, on_exchange_written, task);
}

static Response *
exchange_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Opening: greeting, CAPA, STLS, sign-in                              */

typedef enum
{
  OPEN_GREETING,
  OPEN_CAPA,
  OPEN_STLS,
  OPEN_AUTH,
  OPEN_APOP,
  OPEN_USER,
  OPEN_PASS,
} OpenState;

typedef struct
{
  PigeonSasl *credentials;
  OpenState state;
  guint auth_steps;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->credentials);
  g_free (data);
}

static void open_on_response (GObject *source, GAsyncResult *result, gpointer user_data);

static void
open_send (GTask *task, OpenState state, const char *command, const char *log_text, gsize max_body)
{
  PigeonPop3Session *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  data->state = state;
  exchange_async (self, command, log_text, max_body, state == OPEN_AUTH, g_task_get_cancellable (task),
                  open_on_response, task);
}

static void
open_fail (GTask *task, GError *error)
{
  PigeonPop3Session *self = g_task_get_source_object (task);

  pigeon_connection_close (self->connection);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Before STLS, the server's words may be an attacker's (the "ALERT"
 * injection of USENIX Security 2021): do not show them. */
static GError *
open_status_error (PigeonPop3Session *self, Response *response, const char *what, PigeonPop3Error code)
{
  if (pigeon_net_starttls_pending (self->connection))
    return g_error_new (PIGEON_POP3_ERROR, code, _ ("%s (the server answered -ERR before encryption started)"), what);
  return pigeon_pop3_status_to_error (response->text, what, code);
}

static void
open_done (GTask *task)
{
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* RFC 5034 4: the initial response rides on AUTH ("=" when empty). */
static void
auth_send (GTask *task, const char *mechanism, GBytes *response)
{
  g_autofree char *encoded = NULL;
  g_autofree char *command = NULL;
  g_autofree char *log_text = NULL;
  gsize len = 0;
  const guchar *raw = response != NULL ? g_bytes_get_data (response, &len) : NULL;

  if (response != NULL)
    encoded = len > 0 ? g_base64_encode (raw, len) : g_strdup ("=");
  if (mechanism != NULL)
    command =
        encoded != NULL ? g_strdup_printf ("AUTH %s %s", mechanism, encoded) : g_strdup_printf ("AUTH %s", mechanism);
  if (encoded != NULL)
    log_text = mechanism != NULL ? g_strdup_printf ("AUTH %s [redacted]", mechanism) : g_strdup ("[redacted]");
  open_send (task, OPEN_AUTH, command != NULL ? command : encoded, log_text, 0);
}

static void
auth_sasl (GTask *task, const char *mechanism)
{
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) initial = NULL;
  GError *error = NULL;

  if (!pigeon_sasl_start (data->credentials, mechanism, &initial, &error))
    open_fail (task, error);
  else
    auth_send (task, mechanism, initial);
}

/* RFC 1939 7: APOP name digest, the digest being MD5 (timestamp password). */
static void
auth_apop (GTask *task)
{
  PigeonPop3Session *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autofree char *secret = g_strconcat (self->apop_timestamp, pigeon_sasl_get_password (data->credentials), NULL);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_MD5, secret, -1);
  g_autofree char *command = g_strdup_printf ("APOP %s %s", pigeon_sasl_get_user (data->credentials), digest);
  g_autofree char *log_text = g_strdup_printf ("APOP %s [redacted]", pigeon_sasl_get_user (data->credentials));

  explicit_bzero (secret, strlen (secret));
  open_send (task, OPEN_APOP, command, log_text, 0);
}

static void
auth_start (GTask *task)
{
  PigeonPop3Session *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  const char *mechanism = NULL;
  g_autofree char *command = NULL;

  if (!pigeon_net_may_send_password (self->connection))
    {
      open_fail (task, g_error_new_literal (PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_AUTH_UNAVAILABLE,
                                            _ ("The password would travel unencrypted, so it was not sent")));
      return;
    }
  if (self->caps.flags & PIGEON_POP3_CAPA_SASL)
    mechanism = pigeon_sasl_choose (data->credentials, (const char *const *) self->caps.sasl_mechanisms);
  if (mechanism != NULL)
    auth_sasl (task, mechanism);
  else if (self->apop_timestamp != NULL && pigeon_sasl_get_password (data->credentials) != NULL)
    auth_apop (task);
  else
    {
      command = g_strdup_printf ("USER %s", pigeon_sasl_get_user (data->credentials));
      open_send (task, OPEN_USER, command, NULL, 0);
    }
}

static void
auth_continue (GTask *task, Response *response)
{
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) answer = NULL;
  GError *error = NULL;

  if (++data->auth_steps > MAX_AUTH_STEPS)
    {
      open_fail (task, g_error_new_literal (PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_PROTOCOL,
                                            _ ("The server did not finish signing in")));
      return;
    }
  answer = pigeon_net_sasl_step_base64 (data->credentials, response->text, &error);
  if (answer == NULL)
    open_fail (task, error);
  else
    auth_send (task, NULL, answer);
}

/* After CAPA: STLS when required and not done yet, else sign in. */
static void
after_capa (GTask *task)
{
  PigeonPop3Session *self = g_task_get_source_object (task);

  if (!pigeon_net_starttls_pending (self->connection))
    {
      auth_start (task);
      return;
    }
  if (!(self->caps.flags & PIGEON_POP3_CAPA_STLS))
    {
      open_fail (task, g_error_new_literal (PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_STARTTLS_UNAVAILABLE,
                                            _ ("The server does not offer STLS, so the connection cannot be "
                                               "encrypted; nothing was sent")));
      return;
    }
  open_send (task, OPEN_STLS, "STLS", NULL, 0);
}

static void
on_stls (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonPop3Session *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!pigeon_connection_starttls_finish (PIGEON_CONNECTION (source), result, &error))
    {
      open_fail (task, error);
      return;
    }
  /* RFC 2595 4: forget the capabilities (and the greeting's APOP
   * timestamp, which came unprotected) and ask again. */
  pigeon_pop3_capabilities_clear (&self->caps);
  g_clear_pointer (&self->apop_timestamp, g_free);
  open_send (task, OPEN_CAPA, "CAPA", NULL, MAX_LIST_SIZE);
}

static void
open_advance_auth (GTask *task, Response *response)
{
  OpenData *data = g_task_get_task_data (task);
  g_autofree char *command = NULL;
  g_autofree char *log_text = NULL;

  if (response->continuation)
    {
      auth_continue (task, response);
      return;
    }
  if (!response->ok)
    {
      open_fail (task,
                 pigeon_pop3_status_to_error (response->text, _ ("Signing in failed"), PIGEON_POP3_ERROR_AUTH_FAILED));
      return;
    }
  if (data->state != OPEN_USER)
    {
      open_done (task);
      return;
    }
  command = g_strdup_printf ("PASS %s", pigeon_sasl_get_password (data->credentials));
  log_text = g_strdup ("PASS [redacted]");
  open_send (task, OPEN_PASS, command, log_text, 0);
  explicit_bzero (command, strlen (command));
}

static void
open_advance (GTask *task, Response *response)
{
  PigeonPop3Session *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  switch (data->state)
    {
    case OPEN_GREETING:
      if (!response->ok)
        break;
      self->apop_timestamp = pigeon_pop3_apop_timestamp (response->text);
      open_send (task, OPEN_CAPA, "CAPA", NULL, MAX_LIST_SIZE);
      return;
    case OPEN_CAPA:
      /* RFC 2449 5: a server without CAPA answers -ERR; it has no extensions. */
      if (response->ok)
        pigeon_pop3_capabilities_parse (&self->caps, (const char *) response->body->data, response->body->len);
      after_capa (task);
      return;
    case OPEN_STLS:
      if (!response->ok)
        {
          open_fail (task, open_status_error (self, response, _ ("The server refused to start encryption"),
                                              PIGEON_POP3_ERROR_STARTTLS_UNAVAILABLE));
          return;
        }
      pigeon_connection_starttls_async (self->connection, g_task_get_cancellable (task), on_stls, task);
      return;
    default:
      open_advance_auth (task, response);
      return;
    }
  open_fail (task, open_status_error (self, response, _ ("The server refused the session"), PIGEON_POP3_ERROR_FAILED));
}

static void
open_on_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (Response) response = NULL;
  GError *error = NULL;

  response = exchange_finish (PIGEON_POP3_SESSION (source), result, &error);
  if (response == NULL)
    open_fail (task, error);
  else
    open_advance (task, response);
}

static void
on_open_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonPop3Session *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!pigeon_connection_connect_finish (PIGEON_CONNECTION (source), result, &error))
    {
      open_fail (task, error);
      return;
    }
  data->state = OPEN_GREETING;
  exchange_async (self, NULL, NULL, 0, FALSE, g_task_get_cancellable (task), open_on_response, task);
}

void
pigeon_pop3_session_open_async (PigeonPop3Session *self,
                                PigeonSasl *credentials,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;
  OpenData *data;

  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));
  g_return_if_fail (PIGEON_IS_SASL (credentials));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_pop3_session_open_async);
  data = g_new0 (OpenData, 1);
  data->credentials = g_object_ref (credentials);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  pigeon_pop3_capabilities_clear (&self->caps);
  g_clear_pointer (&self->apop_timestamp, g_free);
  g_hash_table_remove_all (self->listed);
  g_hash_table_remove_all (self->retrieved);
  g_hash_table_remove_all (self->stored);
  pigeon_connection_connect_async (self->connection, cancellable, on_open_connected, task);
}

gboolean
pigeon_pop3_session_open_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* The TRANSACTION state (RFC 1939 5)                                  */

typedef struct
{
  const char *what; /* for the error message; static, translated */
  guint number;
} CommandData;

static void
on_command_response (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CommandData *data = g_task_get_task_data (task);
  Response *response;
  GError *error = NULL;

  response = exchange_finish (PIGEON_POP3_SESSION (source), result, &error);
  if (response == NULL)
    g_task_return_error (task, error);
  else if (!response->ok)
    {
      g_task_return_error (task, pigeon_pop3_status_to_error (response->text, data->what, PIGEON_POP3_ERROR_FAILED));
      response_free (response);
    }
  else
    g_task_return_pointer (task, response, (GDestroyNotify) response_free);
}

/* Sends @command; the task's result is its Response when it was +OK. */
static GTask *
command_task_new (PigeonPop3Session *self,
                  gpointer tag,
                  const char *what,
                  guint number,
                  GCancellable *cancellable,
                  GAsyncReadyCallback callback,
                  gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  CommandData *data = g_new0 (CommandData, 1);

  g_task_set_source_tag (task, tag);
  data->what = what;
  data->number = number;
  g_task_set_task_data (task, data, g_free);
  return task;
}

static void
command_send (GTask *task, const char *command, gsize max_body)
{
  PigeonPop3Session *self = g_task_get_source_object (task);

  exchange_async (self, command, NULL, max_body, FALSE, g_task_get_cancellable (task), on_command_response, task);
}

static Response *
command_finish (PigeonPop3Session *self, GAsyncResult *result, gpointer tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
pigeon_pop3_session_stat_async (PigeonPop3Session *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;

  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));

  task = command_task_new (self, pigeon_pop3_session_stat_async, _ ("Counting the messages failed"), 0, cancellable,
                           callback, user_data);
  command_send (task, "STAT", 0);
}

gboolean
pigeon_pop3_session_stat_finish (
    PigeonPop3Session *self, GAsyncResult *result, guint *count, guint64 *size, GError **error)
{
  g_autoptr (Response) response = command_finish (self, result, pigeon_pop3_session_stat_async, error);
  guint n = 0;
  guint64 octets = 0;

  if (response == NULL)
    return FALSE;
  /* RFC 1939 5: "+OK nn mm"; the list parser reads the same shape, but a
   * maildrop may be empty. */
  if (!g_str_has_prefix (response->text, "0 ") && !pigeon_pop3_parse_list_line (response->text, &n, &octets))
    {
      g_set_error_literal (error, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_PROTOCOL,
                           _ ("The server sent a response that is not valid POP3"));
      return FALSE;
    }
  if (count != NULL)
    *count = n;
  if (size != NULL)
    *size = octets;
  return TRUE;
}

static GError *
bad_list (void)
{
  return g_error_new_literal (PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_PROTOCOL,
                              _ ("The server sent a message list that is not valid POP3"));
}

/* Splits a multi-line body (CRLF line ends) into its lines. */
static GStrv
body_lines (Response *response)
{
  /* An empty body may have no data pointer at all. */
  g_autofree char *text =
      response->body->len > 0 ? g_strndup ((const char *) response->body->data, response->body->len) : g_strdup ("");
  GStrv lines = g_strsplit (text, "\r\n", 0);
  guint n = g_strv_length (lines);

  /* The body ends with CRLF: drop the empty piece after it. */
  if (n > 0 && lines[n - 1][0] == '\0')
    g_clear_pointer (&lines[n - 1], g_free);
  return lines;
}

static gboolean
parse_list (PigeonPop3Session *self, Response *response, GError **error)
{
  g_auto (GStrv) lines = body_lines (response);

  g_hash_table_remove_all (self->listed);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      PigeonPop3Message *message = g_new0 (PigeonPop3Message, 1);

      if (!pigeon_pop3_parse_list_line (lines[i], &message->number, &message->size) ||
          g_hash_table_contains (self->listed, GUINT_TO_POINTER (message->number)))
        {
          pigeon_pop3_message_free (message);
          g_propagate_error (error, bad_list ());
          return FALSE;
        }
      g_hash_table_insert (self->listed, GUINT_TO_POINTER (message->number), message);
    }
  return TRUE;
}

static gboolean
parse_uidl (PigeonPop3Session *self, Response *response, GError **error)
{
  g_auto (GStrv) lines = body_lines (response);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      PigeonPop3Message *message;
      guint number;
      char *uid;

      if (!pigeon_pop3_parse_uidl_line (lines[i], &number, &uid))
        {
          g_propagate_error (error, bad_list ());
          return FALSE;
        }
      message = g_hash_table_lookup (self->listed, GUINT_TO_POINTER (number));
      if (message != NULL)
        g_free (g_steal_pointer (&message->uid));
      if (message != NULL)
        message->uid = uid;
      else
        g_free (uid);
    }
  return TRUE;
}

static int
compare_numbers (gconstpointer a, gconstpointer b)
{
  const PigeonPop3Message *x = *(PigeonPop3Message *const *) a;
  const PigeonPop3Message *y = *(PigeonPop3Message *const *) b;

  return x->number < y->number ? -1 : x->number > y->number;
}

static GPtrArray *
copy_listed (PigeonPop3Session *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_pop3_message_free);
  GHashTableIter iter;
  PigeonPop3Message *message;

  g_hash_table_iter_init (&iter, self->listed);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &message))
    {
      PigeonPop3Message *copy = g_memdup2 (message, sizeof *message);

      copy->uid = g_strdup (message->uid);
      g_ptr_array_add (list, copy);
    }
  g_ptr_array_sort (list, compare_numbers);
  return list;
}

static void
on_uidl (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonPop3Session *self = PIGEON_POP3_SESSION (source);
  g_autoptr (Response) response = NULL;
  GError *error = NULL;

  response = exchange_finish (self, result, &error);
  /* RFC 1939 7: UIDL is optional; a server without it says -ERR. */
  if (response == NULL || (response->ok && !parse_uidl (self, response, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, copy_listed (self), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_list (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonPop3Session *self = PIGEON_POP3_SESSION (source);
  g_autoptr (Response) response = NULL;
  GError *error = NULL;

  response = exchange_finish (self, result, &error);
  if (response == NULL)
    g_task_return_error (task, error);
  else if (!response->ok)
    g_task_return_error (task, pigeon_pop3_status_to_error (response->text, _ ("Listing the messages failed"),
                                                            PIGEON_POP3_ERROR_FAILED));
  else if (!parse_list (self, response, &error))
    g_task_return_error (task, error);
  else
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      exchange_async (self, "UIDL", NULL, MAX_LIST_SIZE, FALSE, cancellable, on_uidl, g_steal_pointer (&task));
    }
}

void
pigeon_pop3_session_list_async (PigeonPop3Session *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;

  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_pop3_session_list_async);
  exchange_async (self, "LIST", NULL, MAX_LIST_SIZE, FALSE, cancellable, on_list, task);
}

GPtrArray *
pigeon_pop3_session_list_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Refuses, before sending anything, a message listed as too large. */
static gboolean
check_size (PigeonPop3Session *self, guint number, GError **error)
{
  PigeonPop3Message *message = g_hash_table_lookup (self->listed, GUINT_TO_POINTER (number));

  if (message != NULL && message->size > self->max_message_size)
    {
      g_propagate_error (error, too_large (self));
      return FALSE;
    }
  return TRUE;
}

void
pigeon_pop3_session_top_async (PigeonPop3Session *self,
                               guint number,
                               guint lines,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  GTask *task;
  g_autofree char *command = NULL;

  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));
  g_return_if_fail (number > 0);

  task = command_task_new (self, pigeon_pop3_session_top_async, _ ("Reading the message header failed"), number,
                           cancellable, callback, user_data);
  command = g_strdup_printf ("TOP %u %u", number, lines);
  command_send (task, command, self->max_message_size);
}

static GBytes *
body_finish (PigeonPop3Session *self, GAsyncResult *result, gpointer tag, GError **error)
{
  g_autoptr (Response) response = command_finish (self, result, tag, error);

  if (response == NULL)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&response->body));
}

GBytes *
pigeon_pop3_session_top_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error)
{
  return body_finish (self, result, pigeon_pop3_session_top_async, error);
}

void
pigeon_pop3_session_retrieve_async (
    PigeonPop3Session *self, guint number, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  g_autofree char *command = NULL;
  GError *error = NULL;

  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));
  g_return_if_fail (number > 0);

  task = command_task_new (self, pigeon_pop3_session_retrieve_async, _ ("Downloading the message failed"), number,
                           cancellable, callback, user_data);
  if (!check_size (self, number, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  command = g_strdup_printf ("RETR %u", number);
  command_send (task, command, self->max_message_size);
}

GBytes *
pigeon_pop3_session_retrieve_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error)
{
  GBytes *bytes = body_finish (self, result, pigeon_pop3_session_retrieve_async, error);
  CommandData *data = g_task_get_task_data (G_TASK (result));

  if (bytes != NULL)
    g_hash_table_add (self->retrieved, GUINT_TO_POINTER (data->number));
  return bytes;
}

gboolean
pigeon_pop3_session_confirm_stored (PigeonPop3Session *self, guint number, const char *uid, GError **error)
{
  PigeonPop3Message *message;

  g_return_val_if_fail (PIGEON_IS_POP3_SESSION (self), FALSE);

  message = g_hash_table_lookup (self->listed, GUINT_TO_POINTER (number));
  if (uid != NULL ? message == NULL || g_strcmp0 (message->uid, uid) != 0
                  : !g_hash_table_contains (self->retrieved, GUINT_TO_POINTER (number)))
    {
      g_set_error (error, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_NO_SUCH_MESSAGE,
                   _ ("Message %u is not the message that was stored, so it will not be deleted"), number);
      return FALSE;
    }
  g_hash_table_add (self->stored, GUINT_TO_POINTER (number));
  return TRUE;
}

void
pigeon_pop3_session_delete_async (
    PigeonPop3Session *self, guint number, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  g_autofree char *command = NULL;

  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));

  task = command_task_new (self, pigeon_pop3_session_delete_async, _ ("Deleting the message failed"), number,
                           cancellable, callback, user_data);
  if (!g_hash_table_contains (self->stored, GUINT_TO_POINTER (number)))
    {
      g_task_return_new_error (task, PIGEON_POP3_ERROR, PIGEON_POP3_ERROR_NOT_STORED,
                               _ ("Message %u was not confirmed as saved, so it was not deleted from the server"),
                               number);
      g_object_unref (task);
      return;
    }
  command = g_strdup_printf ("DELE %u", number);
  command_send (task, command, 0);
}

static gboolean
simple_finish (PigeonPop3Session *self, GAsyncResult *result, gpointer tag, GError **error)
{
  g_autoptr (Response) response = command_finish (self, result, tag, error);

  return response != NULL;
}

gboolean
pigeon_pop3_session_delete_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error)
{
  return simple_finish (self, result, pigeon_pop3_session_delete_async, error);
}

void
pigeon_pop3_session_reset_async (PigeonPop3Session *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));
  command_send (command_task_new (self, pigeon_pop3_session_reset_async, _ ("Undoing the deletions failed"), 0,
                                  cancellable, callback, user_data),
                "RSET", 0);
}

gboolean
pigeon_pop3_session_reset_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error)
{
  return simple_finish (self, result, pigeon_pop3_session_reset_async, error);
}

void
pigeon_pop3_session_noop_async (PigeonPop3Session *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));
  command_send (command_task_new (self, pigeon_pop3_session_noop_async, _ ("The server did not answer NOOP"), 0,
                                  cancellable, callback, user_data),
                "NOOP", 0);
}

gboolean
pigeon_pop3_session_noop_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error)
{
  return simple_finish (self, result, pigeon_pop3_session_noop_async, error);
}

void
pigeon_pop3_session_quit_async (PigeonPop3Session *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_POP3_SESSION (self));
  command_send (command_task_new (self, pigeon_pop3_session_quit_async,
                                  _ ("The server could not finish the session; messages marked for deletion may "
                                     "still be there"),
                                  0, cancellable, callback, user_data),
                "QUIT", 0);
}

gboolean
pigeon_pop3_session_quit_finish (PigeonPop3Session *self, GAsyncResult *result, GError **error)
{
  gboolean ok = simple_finish (self, result, pigeon_pop3_session_quit_async, error);

  pigeon_connection_close (self->connection);
  return ok;
}
