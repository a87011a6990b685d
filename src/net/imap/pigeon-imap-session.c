/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-imap-session-private.h"
#include "pigeon-net-private.h"

/* Responses: FETCH lines with ENVELOPE and BODYSTRUCTURE, and untagged
 * SEARCH of a large folder, can be long; literals do not count here. */
#define IMAP_MAX_LINE (8 * 1024 * 1024)
#define LITERAL_CHUNK (1024 * 1024)
/* RFC 7888 4: LITERAL- allows non-synchronizing literals up to 4096 bytes. */
#define LITERAL_MINUS_MAX 4096

enum
{
  SIGNAL_EXISTS,
  SIGNAL_EXPUNGED,
  SIGNAL_VANISHED,
  SIGNAL_FETCH,
  SIGNAL_FLAGS,
  SIGNAL_ALERT,
  SIGNAL_BYE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE (PigeonImapSession, pigeon_imap_session, G_TYPE_OBJECT)

static void session_pump (PigeonImapSession *self);

static void
pigeon_imap_session_dispose (GObject *object)
{
  PigeonImapSession *self = PIGEON_IMAP_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    pigeon_connection_close (self->connection);
  G_OBJECT_CLASS (pigeon_imap_session_parent_class)->dispose (object);
}

static void
pigeon_imap_session_finalize (GObject *object)
{
  PigeonImapSession *self = PIGEON_IMAP_SESSION (object);

  g_queue_clear_full (&self->pending, (GDestroyNotify) command_free);
  g_queue_clear_full (&self->inflight, (GDestroyNotify) command_free);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->parser, pigeon_imap_parser_free);
  g_clear_error (&self->fatal);
  g_free (self->bye);
  g_strfreev (self->capabilities);
  g_hash_table_unref (self->enabled);
  g_clear_pointer (&self->selected, pigeon_imap_selected_free);
  G_OBJECT_CLASS (pigeon_imap_session_parent_class)->finalize (object);
}

static void
pigeon_imap_session_class_init (PigeonImapSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pigeon_imap_session_dispose;
  object_class->finalize = pigeon_imap_session_finalize;

  signals[SIGNAL_EXISTS] = g_signal_new ("exists", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_EXPUNGED] = g_signal_new ("expunged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_VANISHED] = g_signal_new ("vanished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[SIGNAL_FETCH] = g_signal_new ("fetch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_FLAGS] = g_signal_new ("flags", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_ALERT] = g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_BYE] = g_signal_new ("bye", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pigeon_imap_session_init (PigeonImapSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->max_literal = PIGEON_IMAP_DEFAULT_MAX_LITERAL;
  self->idle_seconds = PIGEON_IMAP_DEFAULT_IDLE_SECONDS;
  self->parser = pigeon_imap_parser_new (self->max_literal);
  self->enabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->capabilities = g_new0 (char *, 1);
}

PigeonImapSession *
pigeon_imap_session_new (PigeonConnection *connection)
{
  PigeonImapSession *self;

  g_return_val_if_fail (PIGEON_IS_CONNECTION (connection), NULL);

  self = g_object_new (PIGEON_TYPE_IMAP_SESSION, NULL);
  self->connection = g_object_ref (connection);
  pigeon_connection_set_max_line_length (connection, IMAP_MAX_LINE);
  return self;
}

PigeonConnection *
pigeon_imap_session_get_connection (PigeonImapSession *self)
{
  g_return_val_if_fail (PIGEON_IS_IMAP_SESSION (self), NULL);
  return self->connection;
}

void
pigeon_imap_session_set_max_literal (PigeonImapSession *self, guint64 max_literal)
{
  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  self->max_literal = max_literal;
  pigeon_imap_parser_set_max_literal (self->parser, max_literal);
}

void
pigeon_imap_session_set_idle_interval (PigeonImapSession *self, guint seconds)
{
  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (seconds > 0 && seconds < 29 * 60);
  self->idle_seconds = seconds;
}

gboolean
pigeon_imap_session_has_capability (PigeonImapSession *self, const char *capability)
{
  g_return_val_if_fail (PIGEON_IS_IMAP_SESSION (self), FALSE);
  for (guint i = 0; self->capabilities[i] != NULL; i++)
    if (g_ascii_strcasecmp (self->capabilities[i], capability) == 0)
      return TRUE;
  return FALSE;
}

const char *const *
pigeon_imap_session_get_capabilities (PigeonImapSession *self)
{
  g_return_val_if_fail (PIGEON_IS_IMAP_SESSION (self), NULL);
  return (const char *const *) self->capabilities;
}

gboolean
pigeon_imap_session_is_enabled (PigeonImapSession *self, const char *extension)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (PIGEON_IS_IMAP_SESSION (self), FALSE);
  upper = g_ascii_strup (extension, -1);
  return g_hash_table_contains (self->enabled, upper);
}

const PigeonImapSelected *
pigeon_imap_session_get_selected (PigeonImapSession *self)
{
  g_return_val_if_fail (PIGEON_IS_IMAP_SESSION (self), NULL);
  return self->selected;
}

gboolean
pigeon_imap_session_command_finish (PigeonImapSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
session_update_capabilities (PigeonImapSession *self, PigeonImapValue *list, guint first)
{
  GStrvBuilder *builder = g_strv_builder_new ();

  for (guint i = first; list != NULL && i < list->n_items; i++)
    if (pigeon_imap_value_string (list->items[i]) != NULL)
      {
        g_autofree char *upper = g_ascii_strup (list->items[i]->data, -1);
        g_strv_builder_add (builder, upper);
      }
  g_strfreev (self->capabilities);
  self->capabilities = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */

Command *
command_new_public (PigeonImapSession *self,
                    CommandFlags flags,
                    gpointer source_tag,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return command_new (self, flags, task);
}

gboolean
response_is_data (PigeonImapResponse *response, const char *name)
{
  return response->status == PIGEON_IMAP_STATUS_NONE && strcmp (response->name, name) == 0;
}

Command *
command_new (PigeonImapSession *self, CommandFlags flags, GTask *task)
{
  Command *command = g_new0 (Command, 1);

  command->flags = flags;
  command->task = task;
  command->no_code = PIGEON_IMAP_ERROR_NO;
  command->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_ptr_array_add (command->segments, g_byte_array_new ());
  if (!(flags & COMMAND_GREETING))
    {
      command->tag = g_strdup_printf ("P%u", ++self->next_tag);
      command_append (command, command->tag);
      command_append (command, " ");
    }
  return command;
}

void
command_free (Command *command)
{
  g_free (command->tag);
  g_ptr_array_unref (command->segments);
  g_free (command->log_text);
  g_clear_object (&command->task);
  if (command->data_free != NULL && command->data != NULL)
    command->data_free (command->data);
  g_free (command);
}

static GByteArray *
command_segment (Command *command)
{
  return command->segments->pdata[command->segments->len - 1];
}

void
command_append (Command *command, const char *text)
{
  g_byte_array_append (command_segment (command), (const guint8 *) text, strlen (text));
}

void
command_append_printf (Command *command, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  command_append (command, text);
}

void
command_append_literal (PigeonImapSession *self, Command *command, const guint8 *data, gsize len)
{
  gboolean plus = pigeon_imap_session_has_capability (self, "LITERAL+") ||
                  (len <= LITERAL_MINUS_MAX && pigeon_imap_session_has_capability (self, "LITERAL-"));

  command_append_printf (command, "{%" G_GSIZE_FORMAT "%s}\r\n", len, plus ? "+" : "");
  if (!plus)
    {
      /* RFC 3501 7.5: wait for "+" before the literal's bytes. */
      command->sync_literals = TRUE;
      g_ptr_array_add (command->segments, g_byte_array_new ());
    }
  g_byte_array_append (command_segment (command), data, len);
}

void
command_append_string (PigeonImapSession *self, Command *command, const char *s)
{
  gsize len = strlen (s);
  gboolean ascii = TRUE;

  for (gsize i = 0; i < len; i++)
    if ((guchar) s[i] >= 0x80)
      ascii = FALSE;
  if (pigeon_imap_can_quote (s, len) && (ascii || self->utf8))
    {
      g_autoptr (GString) quoted = g_string_new (NULL);
      pigeon_imap_append_quoted (quoted, s);
      command_append (command, quoted->str);
    }
  else
    command_append_literal (self, command, (const guint8 *) s, len);
}

/* RFC 3501 5.1.3, or UTF-8 as it is after ENABLE UTF8=ACCEPT (RFC 6855 3). */
void
command_append_mailbox (PigeonImapSession *self, Command *command, const char *name)
{
  g_autofree char *encoded = self->utf8 ? g_strdup (name) : pigeon_imap_utf7_encode (name);

  command_append_string (self, command, encoded);
}

GError *
session_check_open (PigeonImapSession *self)
{
  if (self->fatal != NULL)
    return g_error_copy (self->fatal);
  if (!pigeon_connection_is_connected (self->connection))
    return g_error_new_literal (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_STATE, _ ("The IMAP session is not open"));
  return NULL;
}

void
session_submit (PigeonImapSession *self, Command *command)
{
  GError *error = NULL;

  if (!(command->flags & COMMAND_GREETING))
    command_append (command, "\r\n");
  if (!(command->flags & COMMAND_GREETING) && (error = session_check_open (self)) != NULL)
    {
      g_task_return_error (command->task, error);
      command_free (command);
      return;
    }
  g_queue_push_tail (&self->pending, command);
  session_pump (self);
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */

typedef struct
{
  GBytes *data;
  char *log_text;
} OutItem;

static void
out_item_free (OutItem *item)
{
  g_bytes_unref (item->data);
  g_free (item->log_text);
  g_free (item);
}

static void write_next (PigeonImapSession *self);

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonImapSession) self = user_data;
  GError *error = NULL;

  self->writing = FALSE;
  if (!pigeon_connection_write_finish (PIGEON_CONNECTION (source), result, &error))
    {
      session_fail (self, error);
      return;
    }
  write_next (self);
}

static void
write_next (PigeonImapSession *self)
{
  OutItem *item;

  if (self->writing || self->fatal != NULL || (item = g_queue_pop_head (&self->out)) == NULL)
    return;
  self->writing = TRUE;
  pigeon_connection_write_async (self->connection, item->data, item->log_text, self->cancellable, on_written,
                                 g_object_ref (self));
  out_item_free (item);
}

static void
session_write (PigeonImapSession *self, GBytes *data, const char *log_text)
{
  OutItem *item = g_new0 (OutItem, 1);

  item->data = g_bytes_ref (data);
  item->log_text = g_strdup (log_text);
  g_queue_push_tail (&self->out, item);
  write_next (self);
}

void
session_write_raw (PigeonImapSession *self, const char *text, const char *log_text)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));

  session_write (self, bytes, log_text);
}

/* Writes the next part of @command: all of it, or up to its next
 * synchronizing literal. */
static void
command_write_segment (PigeonImapSession *self, Command *command)
{
  g_autoptr (GByteArray) joined = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  guint last = command->sync_literals ? command->next_segment : command->segments->len - 1;

  for (guint i = command->next_segment; i <= last; i++)
    {
      GByteArray *segment = command->segments->pdata[i];
      g_byte_array_append (joined, segment->data, segment->len);
    }
  command->next_segment = last + 1;
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&joined));
  /* Literal contents (messages) are not logged; a secret has its log text. */
  session_write (self, bytes,
                 command->log_text != NULL   ? command->log_text
                 : command->next_segment > 1 ? "(literal)"
                                             : NULL);
  self->continuing = command->next_segment < command->segments->len ? command : NULL;
}

/* ------------------------------------------------------------------ */
/* Scheduling: pipelining with barriers (RFC 3501 5.5)                 */

static gboolean
barrier_in_flight (PigeonImapSession *self)
{
  for (GList *l = self->inflight.head; l != NULL; l = l->next)
    if (((Command *) l->data)->flags & COMMAND_BARRIER)
      return TRUE;
  return FALSE;
}

static void read_loop (PigeonImapSession *self);

static void
ensure_reading (PigeonImapSession *self)
{
  if (self->reading || self->paused || self->fatal != NULL || g_queue_is_empty (&self->inflight))
    return;
  self->reading = TRUE;
  read_loop (self);
}

static void
session_pump (PigeonImapSession *self)
{
  Command *command;

  while (self->fatal == NULL && !self->paused && self->continuing == NULL &&
         (command = g_queue_peek_head (&self->pending)) != NULL)
    {
      if (self->idle != NULL)
        {
          /* RFC 2177 3: other commands wait for DONE and the IDLE's end. */
          session_idle_stop (self);
          break;
        }
      if (barrier_in_flight (self) || ((command->flags & COMMAND_BARRIER) && !g_queue_is_empty (&self->inflight)))
        break;
      g_queue_pop_head (&self->pending);
      g_queue_push_tail (&self->inflight, command);
      if (!(command->flags & COMMAND_GREETING))
        command_write_segment (self, command);
    }
  ensure_reading (self);
}

/* ------------------------------------------------------------------ */
/* Failure                                                             */

void
session_fail (PigeonImapSession *self, GError *error)
{
  GQueue dead = G_QUEUE_INIT;
  Command *command;

  if (self->fatal == NULL)
    {
      /* A connection that closes after a BYE: the BYE says why. */
      if (self->bye != NULL && g_error_matches (error, PIGEON_CONNECTION_ERROR, PIGEON_CONNECTION_ERROR_CLOSED))
        {
          g_clear_error (&error);
          error =
              g_error_new (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_BYE, _ ("The server ended the session: %s"), self->bye);
        }
      self->fatal = error;
    }
  else
    g_clear_error (&error);
  pigeon_connection_close (self->connection);
  self->continuing = NULL;
  self->idle = NULL;
  while ((command = g_queue_pop_head (&self->inflight)) != NULL)
    g_queue_push_tail (&dead, command);
  while ((command = g_queue_pop_head (&self->pending)) != NULL)
    g_queue_push_tail (&dead, command);
  g_queue_clear_full (&self->out, (GDestroyNotify) out_item_free);
  while ((command = g_queue_pop_head (&dead)) != NULL)
    {
      g_task_return_error (command->task, g_error_copy (self->fatal));
      command_free (command);
    }
}

static void
session_fail_protocol (PigeonImapSession *self, const char *what)
{
  session_fail (self, g_error_new (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_PROTOCOL,
                                   _ ("The server sent a response that is not valid IMAP (%s)"), what));
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

static void
on_continuation (PigeonImapSession *self, PigeonImapResponse *response)
{
  Command *command = self->continuing;

  if (command != NULL)
    {
      command_write_segment (self, command);
      if (self->continuing == NULL)
        session_pump (self);
      return;
    }
  for (GList *l = self->inflight.tail; l != NULL; l = l->prev)
    {
      command = l->data;
      if (command->on_continue != NULL)
        {
          command->on_continue (self, command, response);
          return;
        }
    }
  /* Nothing asked for a "+": someone is speaking for the server. */
  session_fail_protocol (self, "unexpected continuation");
}

static void check_alert (PigeonImapSession *self, PigeonImapResponse *response);

static void
on_tagged (PigeonImapSession *self, PigeonImapResponse *response)
{
  Command *command = NULL;

  for (GList *l = self->inflight.head; l != NULL; l = l->next)
    if (g_strcmp0 (((Command *) l->data)->tag, response->tag) == 0)
      {
        command = l->data;
        g_queue_delete_link (&self->inflight, l);
        break;
      }
  if (command == NULL)
    {
      session_fail_protocol (self, "a tag that no command has");
      return;
    }
  if (self->continuing == command)
    self->continuing = NULL;
  check_alert (self, response);
  if (g_strcmp0 (response->code, "CAPABILITY") == 0)
    session_update_capabilities (self, response->code_args, 0);
  if (command->flags & COMMAND_STARTTLS && response->status == PIGEON_IMAP_STATUS_OK)
    self->paused = TRUE;
  if (self->idle == command)
    self->idle = NULL;
  if (response->status == PIGEON_IMAP_STATUS_OK || (response->status == PIGEON_IMAP_STATUS_NO && command->no_is_ok))
    {
      if (command->done != NULL)
        command->done (self, command, response);
      else
        g_task_return_boolean (command->task, TRUE);
    }
  else
    g_task_return_new_error (command->task, PIGEON_IMAP_ERROR,
                             response->status == PIGEON_IMAP_STATUS_NO ? command->no_code : PIGEON_IMAP_ERROR_BAD, "%s",
                             response->text != NULL && *response->text != '\0' ? response->text
                                                                               : _ ("The server refused"));
  command_free (command);
}

/* RFC 3501 7.1: ALERT text must reach the person; over a connection
 * without TLS anyone could have written it (USENIX Security 2021). */
static void
check_alert (PigeonImapSession *self, PigeonImapResponse *response)
{
  if (g_strcmp0 (response->code, "ALERT") == 0 && pigeon_connection_is_encrypted (self->connection))
    {
      g_autofree char *valid = g_utf8_make_valid (response->text, -1);
      g_autofree char *escaped = g_markup_escape_text (valid, -1);
      g_signal_emit (self, signals[SIGNAL_ALERT], 0, escaped);
    }
}

static void
on_status (PigeonImapSession *self, PigeonImapResponse *response)
{
  if (g_strcmp0 (response->code, "CAPABILITY") == 0)
    session_update_capabilities (self, response->code_args, 0);
  check_alert (self, response);
  if (response->status == PIGEON_IMAP_STATUS_BYE)
    {
      g_free (self->bye);
      self->bye = g_utf8_make_valid (response->text, -1);
      g_signal_emit (self, signals[SIGNAL_BYE], 0, self->bye);
    }
}

static void
on_vanished (PigeonImapSession *self, PigeonImapResponse *response)
{
  PigeonImapValue *first = pigeon_imap_value_nth (response->args, 0);
  gboolean earlier =
      pigeon_imap_value_is_list (first) && pigeon_imap_value_is_atom (pigeon_imap_value_nth (first, 0), "EARLIER");
  const char *set = pigeon_imap_value_string (pigeon_imap_value_nth (response->args, earlier ? 1 : 0));

  if (set != NULL)
    g_signal_emit (self, signals[SIGNAL_VANISHED], 0, set, earlier);
}

/* The session's own bookkeeping of untagged data (RFC 3501 7.3, 7.4). */
static void
on_data (PigeonImapSession *self, PigeonImapResponse *response)
{
  const char *name = response->name;

  if (strcmp (name, "CAPABILITY") == 0)
    session_update_capabilities (self, response->args, 0);
  else if (strcmp (name, "ENABLED") == 0)
    for (guint i = 0; i < response->args->n_items; i++)
      {
        const char *s = pigeon_imap_value_string (response->args->items[i]);
        if (s != NULL)
          g_hash_table_add (self->enabled, g_ascii_strup (s, -1));
      }
  else if (strcmp (name, "EXISTS") == 0 && response->has_number)
    {
      if (self->selected != NULL)
        self->selected->exists = response->number;
      g_signal_emit (self, signals[SIGNAL_EXISTS], 0, (guint) response->number);
    }
  else if (strcmp (name, "EXPUNGE") == 0 && response->has_number)
    {
      if (self->selected != NULL && self->selected->exists > 0)
        self->selected->exists--;
      g_signal_emit (self, signals[SIGNAL_EXPUNGED], 0, (guint) response->number);
    }
  else if (strcmp (name, "VANISHED") == 0)
    on_vanished (self, response);
  else if (strcmp (name, "FLAGS") == 0 && !response->has_number)
    {
      PigeonImapValue *list = pigeon_imap_value_nth (response->args, 0);
      g_auto (GStrv) flags = g_new0 (char *, (list != NULL ? list->n_items : 0) + 1);
      for (guint i = 0, n = 0; list != NULL && i < list->n_items; i++)
        if (pigeon_imap_value_string (list->items[i]) != NULL)
          flags[n++] = g_strdup (list->items[i]->data);
      g_signal_emit (self, signals[SIGNAL_FLAGS], 0, flags);
      if (self->selected != NULL)
        {
          g_strfreev (self->selected->flags);
          self->selected->flags = g_steal_pointer (&flags);
        }
    }
}

static void
on_untagged (PigeonImapSession *self, PigeonImapResponse *response)
{
  if (response->status != PIGEON_IMAP_STATUS_NONE)
    on_status (self, response);
  else
    on_data (self, response);
  for (GList *l = self->inflight.head; l != NULL; l = l->next)
    {
      Command *command = l->data;
      if (command->untagged != NULL && command->untagged (self, command, response))
        return;
    }
  if (response->status == PIGEON_IMAP_STATUS_NONE && strcmp (response->name, "FETCH") == 0)
    {
      g_autoptr (PigeonImapFetch) fetch = pigeon_imap_fetch_parse (response);
      if (fetch != NULL)
        g_signal_emit (self, signals[SIGNAL_FETCH], 0, fetch);
    }
}

static void
dispatch (PigeonImapSession *self, PigeonImapResponse *response)
{
  switch (response->kind)
    {
    case PIGEON_IMAP_RESPONSE_CONTINUATION:
      on_continuation (self, response);
      break;
    case PIGEON_IMAP_RESPONSE_TAGGED:
      on_tagged (self, response);
      session_pump (self);
      break;
    case PIGEON_IMAP_RESPONSE_UNTAGGED:
    default:
      on_untagged (self, response);
      break;
    }
}

/* ------------------------------------------------------------------ */
/* Reading: lines and literals through the parser, without a main-loop */
/* turn while bytes are buffered                                       */

static void
on_filled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonImapSession) self = user_data;
  GError *error = NULL;

  if (!pigeon_connection_fill_finish (PIGEON_CONNECTION (source), result, &error))
    {
      self->reading = FALSE;
      session_fail (self, error);
      return;
    }
  read_loop (self);
}

/* Takes one step; FALSE when it must wait for bytes. */
static gboolean
read_step (PigeonImapSession *self)
{
  guint64 remaining = pigeon_imap_parser_literal_remaining (self->parser);
  GError *error = NULL;
  const char *line;
  gsize len;

  if (remaining > 0)
    {
      g_autoptr (GBytes) chunk = pigeon_connection_pop_bytes (self->connection, MIN (remaining, LITERAL_CHUNK));
      if (chunk == NULL)
        return FALSE;
      pigeon_imap_parser_feed_literal (self->parser, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      return TRUE;
    }
  line = pigeon_connection_pop_line_in_place (self->connection, &len, &error);
  if (line == NULL)
    {
      if (error != NULL)
        session_fail (self, error);
      return error != NULL;
    }
  switch (pigeon_imap_parser_feed_line (self->parser, line, len, &error))
    {
    case PIGEON_IMAP_PARSE_ERROR:
      session_fail (self, error);
      break;
    case PIGEON_IMAP_PARSE_COMPLETE:
      {
        g_autoptr (PigeonImapResponse) response = pigeon_imap_parser_take (self->parser);
        dispatch (self, response);
      }
      break;
    case PIGEON_IMAP_PARSE_NEED_LITERAL:
    default:
      break;
    }
  return TRUE;
}

static void
read_loop (PigeonImapSession *self)
{
  while (self->fatal == NULL && !self->paused && !g_queue_is_empty (&self->inflight))
    {
      if (!read_step (self))
        {
          pigeon_connection_fill_async (self->connection, self->cancellable, on_filled, g_object_ref (self));
          return;
        }
    }
  self->reading = FALSE;
}

/* ------------------------------------------------------------------ */
/* Opening: greeting, CAPABILITY, STARTTLS, authentication, ENABLE     */

typedef struct
{
  PigeonSasl *credentials;
  gboolean authenticated; /* PREAUTH, or signed in */
  guint capability_asks;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->credentials);
  g_free (data);
}

static void open_next (GTask *task);

/* Takes ownership of @task. */
static void
open_fail (GTask *task, GError *error)
{
  PigeonImapSession *self = g_task_get_source_object (task);

  session_fail (self, g_error_copy (error));
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* A command of open's; its callback gets @outer (ownership passes). */
static Command *
internal_command (PigeonImapSession *self, CommandFlags flags, GTask *outer, GAsyncReadyCallback callback)
{
  GTask *task = g_task_new (self, g_task_get_cancellable (outer), callback, outer);

  g_task_set_source_tag (task, internal_command);
  return command_new (self, flags, task);
}

/* RFC 3501 7.1.1, 7.1.4: the greeting is OK or PREAUTH; BYE refuses. */
static gboolean
greeting_untagged (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  GTask *task = command->task;

  g_queue_remove (&self->inflight, command);
  if (response->status == PIGEON_IMAP_STATUS_OK || response->status == PIGEON_IMAP_STATUS_PREAUTH)
    g_task_return_int (task, response->status);
  else if (response->status == PIGEON_IMAP_STATUS_BYE)
    g_task_return_new_error (task, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_BYE,
                             _ ("The server refused the connection: %s"), response->text);
  else
    g_task_return_new_error (task, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_PROTOCOL,
                             _ ("The server did not greet as an IMAP server"));
  command_free (command);
  return TRUE;
}

static void
on_greeting (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonImapSession *self = PIGEON_IMAP_SESSION (source);
  OpenData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gssize status = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    {
      open_fail (task, error);
      return;
    }
  /* A PREAUTH in the clear skips STARTTLS: refuse it when TLS was required
   * (RFC 2595 3.1; USENIX Security 2021, "PREAUTH"). */
  if (status == PIGEON_IMAP_STATUS_PREAUTH &&
      pigeon_connection_get_security (self->connection) == PIGEON_NET_SECURITY_STARTTLS)
    {
      open_fail (task, g_error_new_literal (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_STARTTLS,
                                            _ ("The server skipped STARTTLS with PREAUTH; the connection was closed")));
      return;
    }
  data->authenticated = status == PIGEON_IMAP_STATUS_PREAUTH;
  /* The greeting's [CAPABILITY] is used only when no STARTTLS follows: in
   * the clear it may be forged, and it is asked again after TLS anyway. */
  if (pigeon_connection_get_security (self->connection) == PIGEON_NET_SECURITY_STARTTLS)
    session_update_capabilities (self, NULL, 0);
  open_next (task);
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonImapSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  Command *greeting;

  if (!pigeon_connection_connect_finish (PIGEON_CONNECTION (source), result, &error))
    {
      open_fail (task, error);
      return;
    }
  g_clear_error (&self->fatal);
  greeting = internal_command (self, COMMAND_GREETING | COMMAND_BARRIER, task, on_greeting);
  greeting->untagged = greeting_untagged;
  session_submit (self, greeting);
}

void
pigeon_imap_session_open_async (PigeonImapSession *self,
                                PigeonSasl *credentials,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;
  OpenData *data;

  g_return_if_fail (PIGEON_IS_IMAP_SESSION (self));
  g_return_if_fail (PIGEON_IS_SASL (credentials));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pigeon_imap_session_open_async);
  data = g_new0 (OpenData, 1);
  data->credentials = g_object_ref (credentials);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  pigeon_connection_connect_async (self->connection, cancellable, on_connected, task);
}

gboolean
pigeon_imap_session_open_finish (PigeonImapSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The callback of each of open's commands: on to the next step. */
static void
on_open_step (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    open_fail (task, error);
  else
    open_next (task);
}

static void
on_tls (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonImapSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!pigeon_connection_starttls_finish (PIGEON_CONNECTION (source), result, &error))
    {
      open_fail (task, error);
      return;
    }
  self->paused = FALSE;
  /* RFC 3501 6.2.1: forget what was said in the clear, and ask again. */
  session_update_capabilities (self, NULL, 0);
  open_next (task);
}

static void
on_starttls (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonImapSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      GError *wrapped = g_error_new (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_STARTTLS,
                                     _ ("The server refused STARTTLS: %s"), error->message);
      g_error_free (error);
      open_fail (task, wrapped);
      return;
    }
  pigeon_connection_starttls_async (self->connection, g_task_get_cancellable (task), on_tls, task);
}

static void
open_starttls (GTask *task)
{
  PigeonImapSession *self = g_task_get_source_object (task);
  Command *command;

  if (!pigeon_imap_session_has_capability (self, "STARTTLS"))
    {
      open_fail (task, g_error_new_literal (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_STARTTLS,
                                            _ ("The server does not offer STARTTLS, which this account requires")));
      return;
    }
  command = internal_command (self, COMMAND_BARRIER | COMMAND_STARTTLS, task, on_starttls);
  command_append (command, "STARTTLS");
  session_submit (self, command);
}

typedef struct
{
  PigeonSasl *sasl;
  GBytes *initial; /* to send at the first "+" when there is no SASL-IR */
} AuthData;

static void
auth_data_free (AuthData *auth)
{
  g_object_unref (auth->sasl);
  g_clear_pointer (&auth->initial, g_bytes_unref);
  g_free (auth);
}

/* RFC 3501 6.2.2: each "+" carries a base64 challenge; answer with the
 * mechanism's next message, or "*" to cancel. */
static void
auth_continue (PigeonImapSession *self, Command *command, PigeonImapResponse *response)
{
  AuthData *auth = command->data;
  g_autoptr (GBytes) answer = g_steal_pointer (&auth->initial);
  g_autofree char *b64 = NULL;
  g_autofree char *line = NULL;

  if (answer == NULL)
    answer = pigeon_net_sasl_step_base64 (auth->sasl, response->text, NULL);
  if (answer == NULL)
    {
      session_write_raw (self, "*\r\n", NULL);
      return;
    }
  b64 = g_base64_encode (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  line = g_strconcat (b64, "\r\n", NULL);
  session_write_raw (self, line, "(credentials)");
}

static gboolean
append_authenticate (PigeonImapSession *self, Command *command, PigeonSasl *sasl, const char *mechanism, GError **error)
{
  g_autoptr (GBytes) initial = NULL;
  AuthData *auth;

  if (!pigeon_sasl_start (sasl, mechanism, &initial, error))
    return FALSE;
  auth = g_new0 (AuthData, 1);
  auth->sasl = g_object_ref (sasl);
  command->data = auth;
  command->data_free = (GDestroyNotify) auth_data_free;
  command->on_continue = auth_continue;
  command_append_printf (command, "AUTHENTICATE %s", mechanism);
  command->log_text = g_strdup_printf ("%s AUTHENTICATE %s (credentials)", command->tag, mechanism);
  /* RFC 4959: the initial response on the command line ("=" when empty). */
  if (initial != NULL && pigeon_imap_session_has_capability (self, "SASL-IR"))
    {
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (initial, NULL), g_bytes_get_size (initial));
      command_append_printf (command, " %s", *b64 != '\0' ? b64 : "=");
    }
  else
    auth->initial = g_steal_pointer (&initial);
  return TRUE;
}

static void
open_authenticate (GTask *task)
{
  PigeonImapSession *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GPtrArray) offered = g_ptr_array_new_with_free_func (g_free);
  const char *mechanism;
  Command *command;
  GError *error = NULL;

  if (!pigeon_net_may_send_password (self->connection))
    {
      open_fail (task, g_error_new_literal (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_NO_AUTH_METHOD,
                                            _ ("The connection is not encrypted; the password was not sent")));
      return;
    }
  for (guint i = 0; self->capabilities[i] != NULL; i++)
    if (g_str_has_prefix (self->capabilities[i], "AUTH="))
      g_ptr_array_add (offered, g_strdup (self->capabilities[i] + 5));
  g_ptr_array_add (offered, NULL);
  mechanism = pigeon_sasl_choose (data->credentials, (const char *const *) offered->pdata);
  data->authenticated = TRUE;
  command = internal_command (self, COMMAND_BARRIER, task, on_open_step);
  command->no_code = PIGEON_IMAP_ERROR_AUTHENTICATION;
  if (mechanism != NULL)
    {
      if (!append_authenticate (self, command, data->credentials, mechanism, &error))
        {
          command_free (command);
          open_fail (task, error);
          return;
        }
    }
  else if (!pigeon_imap_session_has_capability (self, "LOGINDISABLED") &&
           pigeon_sasl_get_password (data->credentials) != NULL)
    {
      /* RFC 3501 6.2.3: LOGIN, never when LOGINDISABLED is advertised. */
      command_append (command, "LOGIN ");
      command_append_string (self, command, pigeon_sasl_get_user (data->credentials));
      command_append (command, " ");
      command_append_string (self, command, pigeon_sasl_get_password (data->credentials));
      command->log_text = g_strdup_printf ("%s LOGIN (credentials)", command->tag);
    }
  else
    {
      command_free (command);
      open_fail (task, g_error_new_literal (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_NO_AUTH_METHOD,
                                            _ ("The server offers no way to sign in that Pigeon can use")));
      return;
    }
  /* RFC 3501 6.2.2/6.2.3: capabilities may change after login; the
   * tagged OK usually carries them, else they are asked again. */
  session_update_capabilities (self, NULL, 0);
  session_submit (self, command);
}

static void
on_enabled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonImapSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      open_fail (task, error);
      return;
    }
  self->utf8 =
      pigeon_imap_session_is_enabled (self, "UTF8=ACCEPT") || pigeon_imap_session_is_enabled (self, "IMAP4REV2");
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* RFC 5161 ENABLE; QRESYNC implies CONDSTORE (RFC 7162 3.2.3). */
static void
open_enable (GTask *task)
{
  PigeonImapSession *self = g_task_get_source_object (task);
  static const char *const wanted[] = { "IMAP4REV2", "QRESYNC", "CONDSTORE", "UTF8=ACCEPT" };
  g_autoptr (GString) list = g_string_new (NULL);
  Command *command;

  for (gsize i = 0; i < G_N_ELEMENTS (wanted); i++)
    if (pigeon_imap_session_has_capability (self, wanted[i]) &&
        !(i == 2 && pigeon_imap_session_has_capability (self, "QRESYNC")))
      g_string_append_printf (list, " %s", wanted[i]);
  if (list->len == 0 ||
      !(pigeon_imap_session_has_capability (self, "ENABLE") || pigeon_imap_session_has_capability (self, "IMAP4REV2")))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  command = internal_command (self, COMMAND_BARRIER, task, on_enabled);
  command_append_printf (command, "ENABLE%s", list->str);
  session_submit (self, command);
}

/* Open's steps, each decided by what is known so far. */
static void
open_next (GTask *task)
{
  PigeonImapSession *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  Command *command;

  if (self->capabilities[0] == NULL)
    {
      if (data->capability_asks++ > 3)
        {
          open_fail (task, g_error_new_literal (PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_PROTOCOL,
                                                _ ("The server does not say what it can do (CAPABILITY)")));
          return;
        }
      command = internal_command (self, COMMAND_BARRIER, task, on_open_step);
      command_append (command, "CAPABILITY");
      session_submit (self, command);
    }
  else if (pigeon_net_starttls_pending (self->connection))
    open_starttls (task);
  else if (!data->authenticated)
    open_authenticate (task);
  else
    open_enable (task);
}
