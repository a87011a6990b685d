/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-engine-private.h"

#include <glib/gi18n.h>
#include <string.h>

/* The outbox: messages wait in the store (durable, synchronous=FULL) until
 * SMTP takes them. Per message:
 *
 *   state SENDING (committed) -> SMTP transaction -> final 250
 *     -> journal "sent HASH" (fsync'd) -> copy into Sent -> row removed
 *     -> journal line dropped
 *
 * A crash at any point loses nothing: the row stays until its Sent copy
 * exists. A row whose hash is in the journal was accepted by the server
 * already, so it is filed, never sent again. The one window SMTP itself
 * leaves open (RFC 1047): a crash after the server received the final
 * "." and before the 250 was recorded; the server may have taken it, and
 * the message is sent again next time (a possible duplicate, never a
 * loss). The Sent copy carries the UIDL "sent:HASH", so filing it twice
 * stores it once.
 *
 * 4xx (and lost connections) leave the row FAILED, retried later; 5xx
 * leave it FAILED with the server's reason and the journal line
 * "rejected HASH", and it is retried only when the person asks. */

typedef struct
{
  PigeonAccount *account;
  PigeonSmtpSession *session;
  GPtrArray *items; /* PigeonOutboxItem */
  guint next;
  gboolean retry_rejected;
  GError *first_error;
  char *hash; /* of the item being sent */
  gboolean working;
} Flush;

static void
flush_free (Flush *data)
{
  g_object_unref (data->account);
  g_clear_object (&data->session);
  g_ptr_array_unref (data->items);
  g_clear_error (&data->first_error);
  g_free (data->hash);
  g_free (data);
}

/* The journal */

static char *
journal_path (gint64 account_id)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT "-outbox", account_id);

  return g_build_filename (g_get_user_data_dir (), "pigeon", "engine", name, NULL);
}

static GStrv
journal_read (gint64 account_id)
{
  g_autofree char *path = journal_path (account_id);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_new0 (char *, 1);
  return g_strsplit (contents, "\n", -1);
}

static gboolean
journal_has (gint64 account_id, const char *kind, const char *hash)
{
  g_auto (GStrv) lines = journal_read (account_id);
  g_autofree char *line = g_strdup_printf ("%s %s", kind, hash);

  return g_strv_contains ((const char *const *) lines, line);
}

/* Rewrites the journal (atomically, fsync'd) with @line added or removed. */
static void
journal_set (gint64 account_id, const char *kind, const char *hash, gboolean present)
{
  g_autofree char *path = journal_path (account_id);
  g_autofree char *dir = g_path_get_dirname (path);
  g_auto (GStrv) lines = journal_read (account_id);
  g_autofree char *line = g_strdup_printf ("%s %s", kind, hash);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0' && !g_str_equal (lines[i], line))
      g_string_append_printf (text, "%s\n", lines[i]);
  if (present)
    g_string_append_printf (text, "%s\n", line);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents (path, text->str, text->len, &error))
    g_warning ("Cannot write the outbox journal %s: %s", path, error->message);
}

static char *
item_hash (const PigeonOutboxItem *item)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, item->raw);
}

gboolean
pigeon_engine_outbox_is_rejected (const PigeonOutboxItem *item)
{
  g_autofree char *hash = item_hash (item);

  return journal_has (item->account_id, "rejected", hash);
}

void
pigeon_engine_outbox_forget (PigeonAccount *account)
{
  g_autofree char *path = journal_path (pigeon_account_get_id (account));

  g_unlink (path);
}

/* The envelope: To, Cc and Bcc; the Bcc field itself never travels. */

static void
add_addresses (GPtrArray *recipients, PigeonMimeMessage *message, const char *field)
{
  g_autoptr (GPtrArray) addresses = pigeon_mime_message_get_addresses (message, field);

  for (guint i = 0; addresses != NULL && i < addresses->len; i++)
    {
      PigeonMimeAddress *address = g_ptr_array_index (addresses, i);

      if (address->address != NULL)
        g_ptr_array_add (recipients, g_strdup (address->address));
    }
}

static GStrv
envelope_recipients (GBytes *raw)
{
  g_autoptr (PigeonMimeMessage) message = pigeon_mime_message_new_from_bytes (raw, NULL);
  GPtrArray *recipients = g_ptr_array_new ();

  add_addresses (recipients, message, "To");
  add_addresses (recipients, message, "Cc");
  add_addresses (recipients, message, "Bcc");
  g_ptr_array_add (recipients, NULL);
  return (GStrv) g_ptr_array_free (recipients, FALSE);
}

/* @raw without its Bcc field (and its folded continuation lines). */
static GBytes *
strip_bcc (GBytes *raw)
{
  gsize len;
  const char *data = g_bytes_get_data (raw, &len);
  g_autoptr (GByteArray) out = g_byte_array_sized_new (len);
  gboolean skipping = FALSE;
  gsize pos = 0;

  while (pos < len)
    {
      const char *eol = memchr (data + pos, '\n', len - pos);
      gsize line_len = eol ? (gsize) (eol - (data + pos)) + 1 : len - pos;
      const char *line = data + pos;

      if (line_len <= 2 && (line[0] == '\r' || line[0] == '\n'))
        {
          g_byte_array_append (out, (const guint8 *) line, len - pos);
          break;
        }
      if (line[0] != ' ' && line[0] != '\t')
        skipping = line_len >= 4 && g_ascii_strncasecmp (line, "bcc:", 4) == 0;
      if (!skipping)
        g_byte_array_append (out, (const guint8 *) line, line_len);
      pos += line_len;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void send_next (GTask *task);

static void
remember_error (Flush *data, const GError *error)
{
  if (data->first_error == NULL)
    data->first_error = g_error_copy (error);
}

static void
finish (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Flush *data = g_task_get_task_data (task);

  if (data->working)
    pigeon_engine_end_work (self, data->account);
  if (data->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->first_error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
quit_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  pigeon_smtp_session_quit_finish (PIGEON_SMTP_SESSION (source), result, NULL);
  finish (user_data);
}

static void
state_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    g_warning ("Cannot record the outbox state: %s", error->message);
}

static PigeonOutboxItem *
current (Flush *data)
{
  return g_ptr_array_index (data->items, data->next - 1);
}

static void
removed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Flush *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      remember_error (data, error);
      send_next (task);
      return;
    }
  journal_set (pigeon_account_get_id (data->account), "sent", data->hash, FALSE);
  journal_set (pigeon_account_get_id (data->account), "rejected", data->hash, FALSE);
  send_next (task);
}

static void
filed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Flush *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      /* Stays in the outbox, marked sent in the journal: filed next time. */
      remember_error (data, error);
      send_next (task);
      return;
    }
  pigeon_store_remove_outgoing_async (PIGEON_STORE (source), current (data)->id, NULL, removed_cb, task);
}

/* Whether the account's provider files sent mail by itself (Gmail puts
 * every message sent through its SMTP server into its Sent folder): a
 * preset with FilesSent=true whose SMTP host is the account's (whatever
 * the port: Gmail takes 465 and 587 alike). */
static gboolean
provider_files_sent (PigeonAccount *account)
{
  const char *host = pigeon_account_get_outgoing_host (account);
  g_autoptr (GPtrArray) providers = pigeon_provider_list_all ();

  for (guint i = 0; host != NULL && i < providers->len; i++)
    {
      PigeonProvider *provider = g_ptr_array_index (providers, i);

      if (provider->files_sent && provider->smtp.host != NULL && g_ascii_strcasecmp (provider->smtp.host, host) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
append_queued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Flush *data = g_task_get_task_data (task);

  pigeon_engine_replay_soon (g_task_get_source_object (task), data->account);
  filed_cb (source, result, task);
}

static void
file_in (PigeonEngine *self, GTask *task, PigeonFolder *sent)
{
  Flush *data = g_task_get_task_data (task);
  PigeonStore *store = pigeon_engine_get_store (self);
  PigeonOutboxItem *item = current (data);
  g_autoptr (GPtrArray) infos = NULL;
  PigeonMessageInfo *info;

  if (pigeon_account_get_incoming_protocol (data->account) == PIGEON_PROTOCOL_IMAP)
    {
      /* The next sync brings the server's copy into the local folder. */
      pigeon_store_queue_append_async (store, sent, item->raw, NULL, append_queued_cb, task);
      return;
    }
  info = pigeon_message_info_new_from_raw (item->raw);
  info->uidl = g_strdup_printf ("sent:%s", data->hash);
  info->flags |= PIGEON_MESSAGE_SEEN;
  infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  g_ptr_array_add (infos, info);
  pigeon_store_add_messages_async (store, sent, infos, NULL, filed_cb, task);
}

static void
sent_folder_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonEngine *self = PIGEON_ENGINE (source);
  Flush *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonFolder) sent = pigeon_engine_ensure_folder_finish (self, result, &error);

  if (sent == NULL)
    {
      /* Stays in the outbox, marked sent in the journal: filed next time. */
      remember_error (data, error);
      send_next (task);
      return;
    }
  file_in (self, task, sent);
}

/* After the final 250: the copy for the Sent folder. POP3 accounts keep it
 * in their local Sent folder. IMAP accounts queue an APPEND to the
 * server's Sent folder, a pending operation of its own: when it fails,
 * the message is not sent again (its outbox row is gone by then). Skipped
 * for providers that file sent mail themselves. */
static void
file_sent_copy (PigeonEngine *self, GTask *task)
{
  Flush *data = g_task_get_task_data (task);
  PigeonFolder *sent;

  if (pigeon_account_get_incoming_protocol (data->account) == PIGEON_PROTOCOL_IMAP &&
      provider_files_sent (data->account))
    {
      pigeon_store_remove_outgoing_async (pigeon_engine_get_store (self), current (data)->id, NULL, removed_cb, task);
      return;
    }
  sent = pigeon_engine_find_role (self, data->account, PIGEON_FOLDER_ROLE_SENT);
  if (sent == NULL)
    pigeon_engine_ensure_folder_async (self, data->account, "Sent", PIGEON_FOLDER_ROLE_SENT, NULL, sent_folder_cb,
                                       task);
  else
    file_in (self, task, sent);
}

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PigeonEngine *self = g_task_get_source_object (task);
  Flush *data = g_task_get_task_data (task);
  PigeonStore *store = pigeon_engine_get_store (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) explained = NULL;
  g_autoptr (GPtrArray) results = pigeon_smtp_session_send_finish (PIGEON_SMTP_SESSION (source), result, &error);
  gboolean permanent;

  if (results != NULL)
    {
      journal_set (pigeon_account_get_id (data->account), "sent", data->hash, TRUE);
      pigeon_engine_emit_progress (self, data->account, data->next, data->items->len);
      file_sent_copy (self, task);
      return;
    }
  explained = pigeon_engine_explain (self, data->account, PIGEON_ENGINE_OUTGOING,
                                     pigeon_smtp_session_get_connection (data->session), error);
  permanent = !pigeon_engine_error_is_transient (explained);
  if (permanent)
    journal_set (pigeon_account_get_id (data->account), "rejected", data->hash, TRUE);
  pigeon_store_set_outgoing_state_async (store, current (data)->id, PIGEON_OUTBOX_FAILED, explained->message, NULL,
                                         state_written_cb, NULL);
  remember_error (data, explained);
  pigeon_engine_emit_error (self, data->account, explained);
  if (!permanent || !pigeon_connection_is_connected (pigeon_smtp_session_get_connection (data->session)))
    {
      /* The connection is gone or the server is busy: the rest waits. */
      data->next = data->items->len;
      finish (task);
      return;
    }
  send_next (task);
}

static void
sending_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Flush *data = g_task_get_task_data (task);
  PigeonOutboxItem *item = current (data);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) recipients = NULL;
  g_autoptr (GBytes) message = NULL;

  if (!pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error))
    {
      remember_error (data, error);
      finish (task);
      return;
    }
  recipients = envelope_recipients (item->raw);
  message = strip_bcc (item->raw);
  pigeon_smtp_session_send_async (data->session, pigeon_account_get_address (data->account),
                                  (const char *const *) recipients, message, g_task_get_cancellable (task), sent_cb,
                                  task);
}

static void
send_next (GTask *task)
{
  PigeonEngine *self = g_task_get_source_object (task);
  Flush *data = g_task_get_task_data (task);
  PigeonOutboxItem *item;
  gint64 account_id = pigeon_account_get_id (data->account);

  if (data->next >= data->items->len)
    {
      if (data->session != NULL)
        pigeon_smtp_session_quit_async (data->session, NULL, quit_cb, task);
      else
        finish (task);
      return;
    }
  item = g_ptr_array_index (data->items, data->next++);
  g_free (data->hash);
  data->hash = item_hash (item);
  if (journal_has (account_id, "sent", data->hash))
    {
      file_sent_copy (self, task);
      return;
    }
  if (journal_has (account_id, "rejected", data->hash) && !data->retry_rejected)
    {
      send_next (task);
      return;
    }
  pigeon_store_set_outgoing_state_async (pigeon_engine_get_store (self), item->id, PIGEON_OUTBOX_SENDING, NULL, NULL,
                                         sending_cb, task);
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Flush *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->session = pigeon_engine_open_smtp_finish (PIGEON_ENGINE (source), result, &error);
  if (data->session == NULL)
    {
      pigeon_engine_emit_error (PIGEON_ENGINE (source), data->account, error);
      remember_error (data, error);
      finish (task);
      return;
    }
  send_next (task);
}

/* Whether anything of @items needs the server (a journal "sent" line only
 * needs the store). */
static gboolean
needs_server (Flush *data)
{
  gint64 account_id = pigeon_account_get_id (data->account);

  for (guint i = 0; i < data->items->len; i++)
    {
      PigeonOutboxItem *item = g_ptr_array_index (data->items, i);
      g_autofree char *hash = item_hash (item);

      if (!journal_has (account_id, "sent", hash) &&
          (data->retry_rejected || !journal_has (account_id, "rejected", hash)))
        return TRUE;
    }
  return FALSE;
}

static void
flush_account (PigeonEngine *self, PigeonAccount *account, gboolean retry_rejected, GTask *task)
{
  g_autofree char *status = NULL;
  Flush *data = g_task_get_task_data (task);

  data->account = g_object_ref (account);
  data->retry_rejected = retry_rejected;
  data->items = pigeon_store_list_outbox (pigeon_engine_get_store (self), account, &data->first_error);
  if (data->items == NULL)
    {
      data->items = g_ptr_array_new ();
      finish (task);
      return;
    }
  status = g_strdup_printf (_ ("Sending mail for %s"), pigeon_account_get_display_name (account));
  if (data->items->len == 0 || !pigeon_engine_begin_work (self, account, status))
    {
      finish (task);
      return;
    }
  data->working = TRUE;
  if (!needs_server (data))
    {
      send_next (task);
      return;
    }
  pigeon_engine_open_smtp_async (self, account, g_task_get_cancellable (task), opened_cb, task);
}

typedef struct
{
  guint pending;
  GError *first_error;
} FlushAll;

static void
flush_all_free (FlushAll *all)
{
  g_clear_error (&all->first_error);
  g_free (all);
}

static void
one_done (GTask *task, GError *error)
{
  FlushAll *all = g_task_get_task_data (task);

  if (error != NULL && all->first_error == NULL)
    all->first_error = g_error_copy (error);
  if (--all->pending > 0)
    return;
  if (all->first_error != NULL)
    g_task_return_error (task, g_steal_pointer (&all->first_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
account_flushed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  one_done (task, error);
}

void
pigeon_engine_outbox_send_async (PigeonEngine *self,
                                 PigeonAccount *account,
                                 gboolean retry_rejected,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  FlushAll *all = g_new0 (FlushAll, 1);
  GListModel *accounts = pigeon_engine_get_accounts (self);

  g_task_set_source_tag (task, pigeon_engine_flush_outbox_async);
  all->pending = 1;
  g_task_set_task_data (task, all, (GDestroyNotify) flush_all_free);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) each = g_list_model_get_item (accounts, i);
      GTask *one;

      if (account != NULL && pigeon_account_get_id (each) != pigeon_account_get_id (account))
        continue;
      all->pending++;
      one = g_task_new (self, cancellable, account_flushed_cb, g_object_ref (task));
      g_task_set_task_data (one, g_new0 (Flush, 1), (GDestroyNotify) flush_free);
      flush_account (self, each, retry_rejected, one);
    }
  one_done (task, NULL);
}

gboolean
pigeon_engine_outbox_send_finish (PigeonEngine *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
