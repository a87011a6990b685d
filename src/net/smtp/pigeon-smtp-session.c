/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-smtp-session.h"
#include "pigeon-net-private.h"

/* RFC 4954 4: a server that keeps challenging is not signing us in. */
#define MAX_AUTH_STEPS 8

struct _PigeonSmtpSession
{
  GObject parent_instance;

  PigeonConnection *connection;
  char *helo_name;
  PigeonSmtpCapabilities caps;
  guint n_transactions;
};

G_DEFINE_TYPE (PigeonSmtpSession, pigeon_smtp_session, G_TYPE_OBJECT)

void
pigeon_smtp_recipient_result_free (PigeonSmtpRecipientResult *result)
{
  if (result == NULL)
    return;
  g_free (result->address);
  g_free (result->text);
  g_free (result);
}

gboolean
pigeon_smtp_recipient_result_is_accepted (const PigeonSmtpRecipientResult *result)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return result->code >= 200 && result->code < 300;
}

static void
pigeon_smtp_session_finalize (GObject *object)
{
  PigeonSmtpSession *self = PIGEON_SMTP_SESSION (object);

  pigeon_smtp_capabilities_clear (&self->caps);
  g_clear_object (&self->connection);
  g_free (self->helo_name);
  G_OBJECT_CLASS (pigeon_smtp_session_parent_class)->finalize (object);
}

static void
pigeon_smtp_session_class_init (PigeonSmtpSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_smtp_session_finalize;
}

static void
pigeon_smtp_session_init (PigeonSmtpSession *self)
{
}

PigeonSmtpSession *
pigeon_smtp_session_new (PigeonConnection *connection)
{
  PigeonSmtpSession *self;

  g_return_val_if_fail (PIGEON_IS_CONNECTION (connection), NULL);

  self = g_object_new (PIGEON_TYPE_SMTP_SESSION, NULL);
  self->connection = g_object_ref (connection);
  return self;
}

PigeonConnection *
pigeon_smtp_session_get_connection (PigeonSmtpSession *self)
{
  g_return_val_if_fail (PIGEON_IS_SMTP_SESSION (self), NULL);
  return self->connection;
}

void
pigeon_smtp_session_set_helo_name (PigeonSmtpSession *self, const char *name)
{
  g_return_if_fail (PIGEON_IS_SMTP_SESSION (self));
  g_return_if_fail (name == NULL || pigeon_smtp_address_is_valid (name));

  g_free (self->helo_name);
  self->helo_name = g_strdup (name);
}

const PigeonSmtpCapabilities *
pigeon_smtp_session_get_capabilities (PigeonSmtpSession *self)
{
  g_return_val_if_fail (PIGEON_IS_SMTP_SESSION (self), NULL);
  return &self->caps;
}

/* ------------------------------------------------------------------ */
/* One exchange: write some commands, read as many replies             */

typedef struct
{
  guint n_replies;
  GPtrArray *replies;
  PigeonSmtpReply *current;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_ptr_array_unref (exchange->replies);
  pigeon_smtp_reply_free (exchange->current);
  g_free (exchange);
}

/* Every failure of an exchange ends the session: after a lost line, a
 * broken reply or a 421, nothing the server says can be matched to a
 * command any more. */
static void
exchange_fail (GTask *task, GError *error)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);

  pigeon_connection_close (self->connection);
  g_task_return_error (task, error);
  g_object_unref (task);
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

/* Feeds buffered lines to the replies; fills the buffer when it runs dry.
 * Takes ownership of @task. */
static void
exchange_read (GTask *task)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);
  Exchange *exchange = g_task_get_task_data (task);
  GError *error = NULL;

  while (exchange->replies->len < exchange->n_replies)
    {
      gsize len;
      g_autofree char *line = pigeon_connection_pop_line (self->connection, &len, &error);

      if (line == NULL && error == NULL)
        {
          pigeon_connection_fill_async (self->connection, g_task_get_cancellable (task), on_exchange_filled, task);
          return;
        }
      if (line == NULL || !pigeon_smtp_reply_feed (exchange->current, line, len, &error))
        {
          exchange_fail (task, error);
          return;
        }
      if (!exchange->current->complete)
        continue;
      /* RFC 5321 3.8: 421 may answer any command; the server then closes. */
      if (exchange->current->code == 421)
        {
          exchange_fail (task, pigeon_smtp_reply_to_error (exchange->current, _ ("The server is closing the session"),
                                                           PIGEON_SMTP_ERROR_PERMANENT));
          return;
        }
      g_ptr_array_add (exchange->replies, g_steal_pointer (&exchange->current));
      exchange->current = pigeon_smtp_reply_new ();
    }
  g_task_return_pointer (task, g_ptr_array_ref (exchange->replies), (GDestroyNotify) g_ptr_array_unref);
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

/* Writes @commands (NULL: nothing, for the greeting) and reads @n_replies
 * replies; the result is a GPtrArray of PigeonSmtpReply. */
static void
exchange_async (PigeonSmtpSession *self,
                GBytes *commands,
                const char *log_text,
                guint n_replies,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Exchange *exchange = g_new0 (Exchange, 1);

  g_task_set_source_tag (task, exchange_async);
  exchange->n_replies = n_replies;
  exchange->replies = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_smtp_reply_free);
  exchange->current = pigeon_smtp_reply_new ();
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);
  if (commands == NULL)
    {
      exchange_read (task);
      return;
    }
  /* RFC 5321 4.3.1: the server answers, it never speaks first; bytes
   * waiting before a command were not asked for (and before STARTTLS
   * they would be an injection). */
  if (pigeon_connection_get_buffered (self->connection) > 0)
    {
      exchange_fail (task, g_error_new_literal (PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_PROTOCOL,
                                                _ ("The server sent replies to commands that were never sent")));
      return;
    }
  pigeon_connection_write_async (self->connection, commands, log_text, cancellable, on_exchange_written, task);
}

static GPtrArray *
exchange_finish (PigeonSmtpSession *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GBytes *command_bytes (const char *format, ...) G_GNUC_PRINTF (1, 2);

static GBytes *
command_bytes (const char *format, ...)
{
  va_list args;
  char *line;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  return g_bytes_new_take (line, strlen (line));
}

/* ------------------------------------------------------------------ */
/* Opening: greeting, EHLO, STARTTLS, AUTH                             */

typedef enum
{
  OPEN_GREETING,
  OPEN_EHLO,
  OPEN_HELO,
  OPEN_STARTTLS,
  OPEN_AUTH,
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

static void open_on_reply (GObject *source, GAsyncResult *result, gpointer user_data);

static void
open_send (GTask *task, OpenState state, GBytes *command, const char *log_text)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  data->state = state;
  exchange_async (self, command, log_text, 1, g_task_get_cancellable (task), open_on_reply, task);
  g_bytes_unref (command);
}

static void
open_fail (GTask *task, GError *error)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);

  pigeon_connection_close (self->connection);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Before STARTTLS, the server's words may be an attacker's (the "ALERT"
 * injection of USENIX Security 2021): keep the code, not the text. */
static GError *
open_reply_error (PigeonSmtpSession *self, PigeonSmtpReply *reply, const char *what, PigeonSmtpError code)
{
  GError *error = pigeon_smtp_reply_to_error (reply, what, code);

  if (pigeon_net_starttls_pending (self->connection))
    {
      g_free (error->message);
      error->message = g_strdup_printf (_ ("%s (the server answered %u before encryption started)"), what, reply->code);
    }
  return error;
}

static void
send_ehlo (GTask *task, OpenState state)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);
  g_autofree char *name = NULL;

  if (self->helo_name == NULL)
    self->helo_name = pigeon_connection_get_local_address_literal (self->connection);
  name = g_strdup (self->helo_name != NULL ? self->helo_name : "localhost");
  open_send (task, state, command_bytes ("%s %s\r\n", state == OPEN_EHLO ? "EHLO" : "HELO", name), NULL);
}

/* RFC 4954 4: the initial response rides on the AUTH command ("=" when
 * empty); later responses are lines of their own. Only the redacted form
 * reaches the log. */
static void
auth_send (GTask *task, const char *mechanism, GBytes *response)
{
  g_autofree char *encoded = NULL;
  g_autofree char *log_text = NULL;
  gsize len = 0;
  const guchar *raw = response != NULL ? g_bytes_get_data (response, &len) : NULL;

  if (response != NULL)
    encoded = len > 0 ? g_base64_encode (raw, len) : g_strdup ("=");
  if (mechanism != NULL && encoded != NULL)
    {
      log_text = g_strdup_printf ("AUTH %s [redacted]", mechanism);
      open_send (task, OPEN_AUTH, command_bytes ("AUTH %s %s\r\n", mechanism, encoded), log_text);
    }
  else if (mechanism != NULL)
    open_send (task, OPEN_AUTH, command_bytes ("AUTH %s\r\n", mechanism), NULL);
  else
    open_send (task, OPEN_AUTH, command_bytes ("%s\r\n", encoded), "[redacted]");
}

static void
auth_start (GTask *task)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) initial = NULL;
  const char *mechanism;
  GError *error = NULL;

  if (data->credentials == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (!pigeon_net_may_send_password (self->connection))
    {
      open_fail (task, g_error_new_literal (PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_AUTH_UNAVAILABLE,
                                            _ ("The password would travel unencrypted, so it was not sent")));
      return;
    }
  mechanism = (self->caps.extensions & PIGEON_SMTP_EXT_AUTH)
                  ? pigeon_sasl_choose (data->credentials, (const char *const *) self->caps.auth_mechanisms)
                  : NULL;
  if (mechanism == NULL)
    {
      open_fail (task, g_error_new_literal (PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_AUTH_UNAVAILABLE,
                                            _ ("The server offers no sign-in method that Pigeon can use")));
      return;
    }
  if (!pigeon_sasl_start (data->credentials, mechanism, &initial, &error))
    {
      open_fail (task, error);
      return;
    }
  auth_send (task, mechanism, initial);
}

/* RFC 4954 4: a 334 carries a base64 challenge. */
static void
auth_continue (GTask *task, PigeonSmtpReply *reply)
{
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GBytes) response = NULL;
  GError *error = NULL;

  if (++data->auth_steps > MAX_AUTH_STEPS)
    {
      open_fail (task, g_error_new_literal (PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_PROTOCOL,
                                            _ ("The server did not finish signing in")));
      return;
    }
  response = pigeon_net_sasl_step_base64 (data->credentials, reply->lines->pdata[0], &error);
  if (response == NULL)
    {
      open_fail (task, error);
      return;
    }
  auth_send (task, NULL, response);
}

/* After EHLO/HELO: STARTTLS when required and not done yet, else AUTH. */
static void
after_hello (GTask *task)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);

  if (!pigeon_net_starttls_pending (self->connection))
    {
      auth_start (task);
      return;
    }
  if (!(self->caps.extensions & PIGEON_SMTP_EXT_STARTTLS))
    {
      open_fail (task, g_error_new_literal (PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_STARTTLS_UNAVAILABLE,
                                            _ ("The server does not offer STARTTLS, so the connection cannot be "
                                               "encrypted; nothing was sent")));
      return;
    }
  open_send (task, OPEN_STARTTLS, command_bytes ("STARTTLS\r\n"), NULL);
}

static void
on_starttls (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonSmtpSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!pigeon_connection_starttls_finish (PIGEON_CONNECTION (source), result, &error))
    {
      open_fail (task, error);
      return;
    }
  /* RFC 3207 4.2: forget everything learnt before TLS and ask again. */
  pigeon_smtp_capabilities_clear (&self->caps);
  send_ehlo (task, OPEN_EHLO);
}

static void
open_advance (GTask *task, PigeonSmtpReply *reply)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  switch (data->state)
    {
    case OPEN_GREETING:
      if (reply->code != 220)
        break;
      send_ehlo (task, OPEN_EHLO);
      return;
    case OPEN_EHLO:
    case OPEN_HELO:
      if (reply->code == 250)
        {
          pigeon_smtp_capabilities_parse (&self->caps, reply);
          after_hello (task);
          return;
        }
      /* RFC 5321 4.1.4: a server that does not know EHLO gets HELO. */
      if (data->state == OPEN_EHLO && reply->code >= 500 && reply->code <= 504)
        {
          send_ehlo (task, OPEN_HELO);
          return;
        }
      break;
    case OPEN_STARTTLS:
      if (reply->code != 220)
        {
          GError *error = open_reply_error (self, reply, _ ("The server refused to start encryption; nothing was sent"),
                                            PIGEON_SMTP_ERROR_STARTTLS_UNAVAILABLE);

          /* Whatever the code, STARTTLS is what is missing. */
          error->code = PIGEON_SMTP_ERROR_STARTTLS_UNAVAILABLE;
          open_fail (task, error);
          return;
        }
      pigeon_connection_starttls_async (self->connection, g_task_get_cancellable (task), on_starttls, task);
      return;
    case OPEN_AUTH:
      if (reply->code == 235)
        {
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
          return;
        }
      if (reply->code == 334)
        {
          auth_continue (task, reply);
          return;
        }
      open_fail (task, pigeon_smtp_reply_to_error (reply, _ ("Signing in failed"), PIGEON_SMTP_ERROR_AUTH_FAILED));
      return;
    }
  open_fail (task, open_reply_error (self, reply, _ ("The server refused the session"), PIGEON_SMTP_ERROR_PERMANENT));
}

static void
open_on_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GPtrArray) replies = NULL;
  GError *error = NULL;

  replies = exchange_finish (PIGEON_SMTP_SESSION (source), result, &error);
  if (replies == NULL)
    {
      open_fail (task, error);
      return;
    }
  open_advance (task, replies->pdata[0]);
}

static void
on_open_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonSmtpSession *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!pigeon_connection_connect_finish (PIGEON_CONNECTION (source), result, &error))
    {
      open_fail (task, error);
      return;
    }
  data->state = OPEN_GREETING;
  exchange_async (self, NULL, NULL, 1, g_task_get_cancellable (task), open_on_reply, task);
}

void
pigeon_smtp_session_open_async (PigeonSmtpSession *self,
                                PigeonSasl *credentials,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;
  OpenData *data;

  g_return_if_fail (PIGEON_IS_SMTP_SESSION (self));
  g_return_if_fail (credentials == NULL || PIGEON_IS_SASL (credentials));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_smtp_session_open_async);
  data = g_new0 (OpenData, 1);
  data->credentials = credentials != NULL ? g_object_ref (credentials) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  pigeon_smtp_capabilities_clear (&self->caps);
  self->n_transactions = 0;
  pigeon_connection_connect_async (self->connection, cancellable, on_open_connected, task);
}

gboolean
pigeon_smtp_session_open_finish (PigeonSmtpSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Sending a message                                                   */

typedef struct
{
  GPtrArray *commands; /* GBytes: [RSET] MAIL, RCPT…, DATA */
  guint first_rcpt;    /* index of the first RCPT in commands */
  guint next;          /* the next command to send, without pipelining */
  guint n_replies;     /* replies handled so far */
  GStrv recipients;
  GPtrArray *results; /* PigeonSmtpRecipientResult */
  GBytes *body;       /* dot-stuffed, ends with CRLF.CRLF */
  GError *error;      /* the first failure among the replies */
  gboolean data_accepted;
} SendData;

static void
send_data_free (SendData *data)
{
  g_ptr_array_unref (data->commands);
  g_strfreev (data->recipients);
  g_ptr_array_unref (data->results);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static guint
count_accepted (SendData *data)
{
  guint n = 0;

  for (guint i = 0; i < data->results->len; i++)
    n += pigeon_smtp_recipient_result_is_accepted (data->results->pdata[i]);
  return n;
}

/* Every recipient was refused: one error that names each one's reason,
 * temporary only when every refusal was. */
static GError *
recipients_error (SendData *data)
{
  g_autoptr (GString) reasons = g_string_new (NULL);
  gboolean all_temporary = TRUE;

  for (guint i = 0; i < data->results->len; i++)
    {
      PigeonSmtpRecipientResult *result = data->results->pdata[i];

      g_string_append_printf (reasons, "%s%s: %u %s", i > 0 ? "; " : "", result->address, result->code, result->text);
      all_temporary &= result->code >= 400 && result->code < 500;
    }
  return g_error_new (PIGEON_SMTP_ERROR,
                      all_temporary ? PIGEON_SMTP_ERROR_TEMPORARY : PIGEON_SMTP_ERROR_RECIPIENTS_REJECTED,
                      _ ("The server refused every recipient (%s)"), reasons->str);
}

/* Records what reply number data->n_replies says about its command. */
static void
send_handle_reply (SendData *data, PigeonSmtpReply *reply)
{
  guint index = data->n_replies++;
  gboolean ok = reply->code >= 200 && reply->code < 300;

  if (index >= data->first_rcpt && index < data->commands->len - 1)
    {
      PigeonSmtpRecipientResult *result = g_new0 (PigeonSmtpRecipientResult, 1);

      result->address = g_strdup (data->recipients[index - data->first_rcpt]);
      result->code = reply->code;
      result->text = pigeon_smtp_reply_get_text (reply);
      g_ptr_array_add (data->results, result);
      return;
    }
  if (index == data->commands->len - 1)
    {
      data->data_accepted = reply->code == 354;
      if (!data->data_accepted && data->error == NULL && count_accepted (data) > 0)
        data->error =
            pigeon_smtp_reply_to_error (reply, _ ("The server refused the message"), PIGEON_SMTP_ERROR_PERMANENT);
      return;
    }
  if (ok || data->error != NULL)
    return;
  if (index + 1 == data->first_rcpt)
    data->error = pigeon_smtp_reply_to_error (reply, _ ("The server refused the sender address"),
                                              PIGEON_SMTP_ERROR_SENDER_REJECTED);
  else
    data->error =
        pigeon_smtp_reply_to_error (reply, _ ("The server could not reset the session"), PIGEON_SMTP_ERROR_PERMANENT);
}

static void
send_fail (GTask *task, GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void send_next_command (GTask *task);
static void send_body (GTask *task);

static void
on_send_replies (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr (GPtrArray) replies = NULL;
  GError *error = NULL;

  replies = exchange_finish (PIGEON_SMTP_SESSION (source), result, &error);
  if (replies == NULL)
    {
      send_fail (task, error);
      return;
    }
  for (guint i = 0; i < replies->len; i++)
    send_handle_reply (data, replies->pdata[i]);
  if (data->n_replies < data->commands->len)
    send_next_command (task);
  else
    send_body (task);
}

/* Without PIPELINING, one command at a time; stop before DATA when the
 * sender or every recipient was refused. */
static void
send_next_command (GTask *task)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  gboolean is_data = data->next == data->commands->len - 1;

  if (data->error != NULL || (is_data && count_accepted (data) == 0))
    {
      send_body (task);
      return;
    }
  exchange_async (self, data->commands->pdata[data->next++], NULL, 1, g_task_get_cancellable (task), on_send_replies,
                  task);
}

/* RFC 2920 3.1: all of [RSET] MAIL RCPT… DATA in one write, then the
 * replies in order. */
static void
send_pipelined (GTask *task)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  g_autoptr (GByteArray) batch = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;

  for (guint i = 0; i < data->commands->len; i++)
    {
      gsize len;
      const guint8 *raw = g_bytes_get_data (data->commands->pdata[i], &len);

      g_byte_array_append (batch, raw, len);
    }
  data->next = data->commands->len;
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&batch));
  exchange_async (self, bytes, NULL, data->commands->len, g_task_get_cancellable (task), on_send_replies, task);
}

static void
on_send_final (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr (GPtrArray) replies = NULL;
  PigeonSmtpReply *reply;
  GError *error = NULL;

  replies = exchange_finish (PIGEON_SMTP_SESSION (source), result, &error);
  if (replies == NULL)
    {
      send_fail (task, error);
      return;
    }
  reply = replies->pdata[0];
  if (data->error != NULL)
    send_fail (task, g_steal_pointer (&data->error));
  else if (data->body == NULL)
    send_fail (task, recipients_error (data));
  else if (reply->code != 250)
    send_fail (task,
               pigeon_smtp_reply_to_error (reply, _ ("The server refused the message"), PIGEON_SMTP_ERROR_PERMANENT));
  else
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->results), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
    }
}

/* After the replies to DATA: the message when there is someone to send it
 * to; a lone dot when the server said 354 anyway (RFC 2920 3.1). */
static void
send_body (GTask *task)
{
  PigeonSmtpSession *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  g_autofree char *log_text = NULL;
  gsize size;

  if (data->error == NULL && count_accepted (data) == 0)
    g_clear_pointer (&data->body, g_bytes_unref);
  if (!data->data_accepted)
    {
      send_fail (task, data->error != NULL ? g_steal_pointer (&data->error) : recipients_error (data));
      return;
    }
  if (data->body == NULL || data->error != NULL)
    {
      g_autoptr (GBytes) dot = g_bytes_new_static (".\r\n", 3);

      exchange_async (self, dot, NULL, 1, g_task_get_cancellable (task), on_send_final, task);
      return;
    }
  g_bytes_get_data (data->body, &size);
  log_text = g_strdup_printf ("[message, %" G_GSIZE_FORMAT " bytes]\r\n.", size);
  exchange_async (self, data->body, log_text, 1, g_task_get_cancellable (task), on_send_final, task);
}

/* Checks what the message needs against what the server offers, and
 * builds the MAIL FROM parameters (RFC 1870, 6152, 6531). */
static gboolean
mail_parameters (PigeonSmtpSession *self,
                 const char *from,
                 const char *const *recipients,
                 GBytes *message,
                 gsize wire_size,
                 GString *params,
                 GError **error)
{
  gsize len;
  const guchar *raw = g_bytes_get_data (message, &len);
  PigeonSmtpNeeds needs = pigeon_smtp_message_scan (raw, len);
  gboolean utf8_addresses = !g_str_is_ascii (from);

  for (guint i = 0; recipients[i] != NULL; i++)
    utf8_addresses |= !g_str_is_ascii (recipients[i]);
  if (needs & PIGEON_SMTP_HAS_NUL)
    {
      g_set_error_literal (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_INVALID,
                           _ ("The message contains NUL bytes, which SMTP cannot carry"));
      return FALSE;
    }
  if (self->caps.max_size > 0 && wire_size > self->caps.max_size)
    {
      g_set_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_MESSAGE_TOO_LARGE,
                   _ ("The message is %" G_GSIZE_FORMAT " bytes and the server accepts at most %" G_GUINT64_FORMAT),
                   wire_size, self->caps.max_size);
      return FALSE;
    }
  if ((utf8_addresses || (needs & PIGEON_SMTP_NEEDS_SMTPUTF8)) && !(self->caps.extensions & PIGEON_SMTP_EXT_SMTPUTF8))
    {
      g_set_error_literal (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_NEEDS_SMTPUTF8,
                           _ ("The message has non-ASCII addresses or headers, and the server does not accept them "
                              "(no SMTPUTF8)"));
      return FALSE;
    }
  if ((needs & PIGEON_SMTP_NEEDS_8BIT) && !(self->caps.extensions & PIGEON_SMTP_EXT_8BITMIME))
    {
      g_set_error_literal (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_NEEDS_8BITMIME,
                           _ ("The message has 8-bit text and the server accepts only 7-bit (no 8BITMIME); it must "
                              "be re-encoded"));
      return FALSE;
    }
  if (self->caps.extensions & PIGEON_SMTP_EXT_SIZE)
    g_string_append_printf (params, " SIZE=%" G_GSIZE_FORMAT, wire_size);
  if (needs & PIGEON_SMTP_NEEDS_8BIT)
    g_string_append (params, " BODY=8BITMIME");
  if (utf8_addresses || (needs & PIGEON_SMTP_NEEDS_SMTPUTF8))
    g_string_append (params, " SMTPUTF8");
  return TRUE;
}

static gboolean
check_addresses (const char *from, const char *const *recipients, GError **error)
{
  if (recipients[0] == NULL)
    {
      g_set_error_literal (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_INVALID, _ ("The message has no recipient"));
      return FALSE;
    }
  if (!pigeon_smtp_address_is_valid (from))
    {
      g_set_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_INVALID, _ ("“%s” is not a valid sender address"), from);
      return FALSE;
    }
  for (guint i = 0; recipients[i] != NULL; i++)
    if (recipients[i][0] == '\0' || !pigeon_smtp_address_is_valid (recipients[i]))
      {
        g_set_error (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_INVALID, _ ("“%s” is not a valid recipient address"),
                     recipients[i]);
        return FALSE;
      }
  return TRUE;
}

static SendData *
send_data_new (PigeonSmtpSession *self, const char *from, const char *const *recipients, const char *params)
{
  SendData *data = g_new0 (SendData, 1);

  data->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_smtp_recipient_result_free);
  data->recipients = g_strdupv ((char **) recipients);
  /* RFC 5321 4.1.1.5: RSET clears whatever the last transaction left. */
  if (self->n_transactions > 0)
    g_ptr_array_add (data->commands, command_bytes ("RSET\r\n"));
  g_ptr_array_add (data->commands, command_bytes ("MAIL FROM:<%s>%s\r\n", from, params));
  data->first_rcpt = data->commands->len;
  for (guint i = 0; recipients[i] != NULL; i++)
    g_ptr_array_add (data->commands, command_bytes ("RCPT TO:<%s>\r\n", recipients[i]));
  g_ptr_array_add (data->commands, command_bytes ("DATA\r\n"));
  return data;
}

void
pigeon_smtp_session_send_async (PigeonSmtpSession *self,
                                const char *from,
                                const char *const *recipients,
                                GBytes *message,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;
  SendData *data;
  g_autoptr (GString) params = g_string_new (NULL);
  g_autoptr (GBytes) body = NULL;
  GError *error = NULL;
  gsize len;
  const guchar *raw;

  g_return_if_fail (PIGEON_IS_SMTP_SESSION (self));
  g_return_if_fail (from != NULL && recipients != NULL && message != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_smtp_session_send_async);
  raw = g_bytes_get_data (message, &len);
  body = pigeon_smtp_encode_data (raw, len);
  if (!check_addresses (from, recipients, &error) ||
      !mail_parameters (self, from, recipients, message, g_bytes_get_size (body) - 3, params, &error))
    {
      send_fail (task, error);
      return;
    }
  data = send_data_new (self, from, recipients, params->str);
  data->body = g_steal_pointer (&body);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  self->n_transactions++;
  if (self->caps.extensions & PIGEON_SMTP_EXT_PIPELINING)
    send_pipelined (task);
  else
    send_next_command (task);
}

GPtrArray *
pigeon_smtp_session_send_finish (PigeonSmtpSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* NOOP and QUIT                                                       */

static void
on_simple_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PigeonSmtpSession *self = PIGEON_SMTP_SESSION (source);
  g_autoptr (GPtrArray) replies = NULL;
  GError *error = NULL;
  PigeonSmtpReply *reply;

  replies = exchange_finish (self, result, &error);
  if (g_task_get_source_tag (task) == pigeon_smtp_session_quit_async)
    pigeon_connection_close (self->connection);
  if (replies == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  reply = replies->pdata[0];
  if (reply->code >= 200 && reply->code < 300)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (
        task, pigeon_smtp_reply_to_error (reply, _ ("The server refused the command"), PIGEON_SMTP_ERROR_PERMANENT));
}

static void
simple_command (PigeonSmtpSession *self,
                const char *command,
                gpointer tag,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GBytes) bytes = command_bytes ("%s\r\n", command);

  g_task_set_source_tag (task, tag);
  exchange_async (self, bytes, NULL, 1, cancellable, on_simple_reply, task);
}

void
pigeon_smtp_session_noop_async (PigeonSmtpSession *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_SMTP_SESSION (self));
  simple_command (self, "NOOP", pigeon_smtp_session_noop_async, cancellable, callback, user_data);
}

gboolean
pigeon_smtp_session_noop_finish (PigeonSmtpSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pigeon_smtp_session_quit_async (PigeonSmtpSession *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (PIGEON_IS_SMTP_SESSION (self));
  simple_command (self, "QUIT", pigeon_smtp_session_quit_async, cancellable, callback, user_data);
}

gboolean
pigeon_smtp_session_quit_finish (PigeonSmtpSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
