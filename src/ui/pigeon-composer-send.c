/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-address-entry.h"
#include "pigeon-composer-private.h"
#include "pigeon-mime-builder.h"
#include "pigeon-mime-header.h"

/* Seconds during which "Sending…" can be undone. */
#define UNDO_SEND_DELAY 5
/* Until the outgoing server's SIZE (RFC 1870) is known: the limit of the
 * common providers. */
#define DEFAULT_SIZE_LIMIT (25 * 1000 * 1000)

/* Building the message */

static void
add_addresses (PigeonMimeBuilder *builder,
               void (*add) (PigeonMimeBuilder *, const PigeonMimeAddress *),
               GPtrArray *addresses)
{
  for (guint i = 0; i < addresses->len; i++)
    add (builder, g_ptr_array_index (addresses, i));
}

static PigeonMimeBuilder *
builder_new (PigeonComposer *self, PigeonAccount *account)
{
  PigeonMimeBuilder *builder = pigeon_mime_builder_new ();
  g_autoptr (PigeonMimeAddress) from =
      pigeon_mime_address_new (pigeon_account_get_real_name (account), pigeon_account_get_address (account));
  const char *reply_to = pigeon_engine_get_reply_to (self->engine, account);
  g_autoptr (GPtrArray) to = pigeon_address_entry_dup_addresses (PIGEON_ADDRESS_ENTRY (self->to_entry));
  g_autoptr (GPtrArray) cc = pigeon_address_entry_dup_addresses (PIGEON_ADDRESS_ENTRY (self->cc_entry));
  g_autofree char *text = pigeon_composer_dup_body (self);
  /* The builder ends the text with a line break when it has none; one
   * more always makes a draft's text come back exactly (pigeon_composer_open_draft()). */
  g_autofree char *body = g_strconcat (text, "\n", NULL);

  pigeon_mime_builder_set_from (builder, from);
  add_addresses (builder, pigeon_mime_builder_add_to, to);
  add_addresses (builder, pigeon_mime_builder_add_cc, cc);
  if (reply_to != NULL)
    {
      g_autoptr (PigeonMimeAddress) address = pigeon_mime_address_new (NULL, reply_to);

      pigeon_mime_builder_add_reply_to (builder, address);
    }
  pigeon_mime_builder_set_subject (builder, gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)));
  pigeon_mime_builder_set_in_reply_to (builder, self->in_reply_to);
  pigeon_mime_builder_set_references (builder, (const char *const *) self->references);
  pigeon_mime_builder_set_user_agent (builder, "Pigeon/" PACKAGE_VERSION);
  pigeon_mime_builder_set_text (builder, body);
  for (guint i = 0; i < self->attachments->len; i++)
    {
      Attachment *attachment = g_ptr_array_index (self->attachments, i);

      if (attachment->file != NULL)
        pigeon_mime_builder_add_attachment_file (builder, attachment->file, attachment->name, attachment->content_type);
      else
        pigeon_mime_builder_add_attachment_bytes (builder, attachment->data, attachment->name,
                                                  attachment->content_type);
    }
  return builder;
}

/* The builder never writes Bcc; the engine wants it as a field, which it
 * takes into the envelope and removes before sending (see
 * pigeon_engine_queue_message_async()). A draft keeps it the same way. */
static char *
dup_bcc_field (PigeonComposer *self, GError **error)
{
  g_autoptr (GPtrArray) bcc = pigeon_address_entry_dup_addresses (PIGEON_ADDRESS_ENTRY (self->bcc_entry));
  g_autofree char *value = NULL;

  if (bcc->len == 0)
    return g_strdup ("");
  value = pigeon_mime_address_list_format (bcc);
  return pigeon_mime_header_format ("Bcc", value, error);
}

typedef struct
{
  PigeonMimeBuilder *builder;
  char *bcc_field;
} BuildData;

static void
build_data_free (BuildData *data)
{
  g_clear_object (&data->builder);
  g_free (data->bcc_field);
  g_free (data);
}

static void
built_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  BuildData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) message = pigeon_mime_builder_build_finish (PIGEON_MIME_BUILDER (source), result, &error);
  g_autoptr (GByteArray) raw = NULL;

  if (message == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  raw = g_byte_array_new ();
  g_byte_array_append (raw, (const guint8 *) data->bcc_field, strlen (data->bcc_field));
  g_byte_array_append (raw, g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&raw)), (GDestroyNotify) g_bytes_unref);
}

/* Builds the message as it stands, from @account; the attachment files
 * are read in a worker thread. */
void
pigeon_composer_build_message_async (PigeonComposer *self,
                                     PigeonAccount *account,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task = g_task_new (self, self->cancellable, callback, user_data);
  BuildData *data = g_new0 (BuildData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, pigeon_composer_build_message_async);
  g_task_set_task_data (task, data, (GDestroyNotify) build_data_free);
  data->bcc_field = dup_bcc_field (self, &error);
  if (data->bcc_field == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data->builder = builder_new (self, account);
  pigeon_mime_builder_build_async (data->builder, self->cancellable, built_cb, task);
}

GBytes *
pigeon_composer_build_message_finish (PigeonComposer *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sending
 *
 * Send checks the message, builds it, saves it as the draft (so a crash
 * in the next seconds loses nothing), hides the window and shows
 * "Sending…" with Undo. When the undo time is over, the message goes to
 * the outbox, the draft goes away, the outbox is flushed and the window
 * is destroyed. Undo shows the same window again. */

static void
show_error_dialog (PigeonComposer *self, const char *heading, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_OK"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
outbox_flushed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The engine reports failures as "account-error", and the message
   * stays in the outbox for the next try. */
  if (!pigeon_engine_flush_outbox_finish (PIGEON_ENGINE (source), result, &error))
    g_message ("The outbox was not sent: %s", error->message);
}

static void
restore_after_failed_send (PigeonComposer *self, const char *reason)
{
  g_clear_pointer (&self->outgoing, g_bytes_unref);
  g_clear_object (&self->outgoing_account);
  gtk_window_present (GTK_WINDOW (self));
  show_error_dialog (self, _ ("The message was not sent"), reason);
}

static void
queued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonComposer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonAccount) account = g_steal_pointer (&self->outgoing_account);

  if (!pigeon_engine_queue_message_finish (PIGEON_ENGINE (source), result, NULL, &error))
    {
      restore_after_failed_send (self, error->message);
      return;
    }
  g_clear_pointer (&self->outgoing, g_bytes_unref);
  pigeon_composer_discard_draft (self);
  pigeon_engine_flush_outbox_async (self->engine, account, FALSE, NULL, outbox_flushed_cb, NULL);
  pigeon_composer_forget (self);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
undo_time_over_cb (gpointer user_data)
{
  PigeonComposer *self = user_data;

  self->send_timeout_id = 0;
  if (self->sending_toast != NULL)
    adw_toast_dismiss (self->sending_toast);
  g_clear_object (&self->sending_toast);
  /* Not cancellable: once the undo time is over, the message goes. */
  pigeon_engine_queue_message_async (self->engine, self->outgoing_account, self->outgoing, NULL, queued_cb,
                                     g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
undo_send_cb (AdwToast *toast, PigeonComposer *self)
{
  if (self->send_timeout_id == 0)
    return;
  g_clear_handle_id (&self->send_timeout_id, g_source_remove);
  g_clear_object (&self->sending_toast);
  g_clear_pointer (&self->outgoing, g_bytes_unref);
  g_clear_object (&self->outgoing_account);
  gtk_window_present (GTK_WINDOW (self));
}

AdwToast *
pigeon_composer_get_sending_toast (PigeonComposer *self)
{
  g_return_val_if_fail (PIGEON_IS_COMPOSER (self), NULL);

  return self->sending_toast;
}

static void
wait_for_undo (PigeonComposer *self)
{
  AdwToast *toast = adw_toast_new (_ ("Sending…"));

  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_timeout (toast, UNDO_SEND_DELAY);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_send_cb), self, 0);
  self->sending_toast = g_object_ref (toast);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  pigeon_composer_show_toast (self, toast);
  self->send_timeout_id = g_timeout_add_seconds (UNDO_SEND_DELAY, undo_time_over_cb, self);
}

static void
saved_before_send_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PigeonComposer *self = PIGEON_COMPOSER (source);
  g_autoptr (GError) error = NULL;

  if (!pigeon_composer_save_draft_finish (self, result, &error))
    {
      restore_after_failed_send (self, error->message);
      return;
    }
  wait_for_undo (self);
}

static void
outgoing_built_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonComposer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw = pigeon_composer_build_message_finish (self, result, &error);

  if (raw == NULL)
    {
      restore_after_failed_send (self, error->message);
      return;
    }
  self->outgoing = g_steal_pointer (&raw);
  /* The draft is the message as it will be sent. */
  pigeon_composer_save_draft_async (self, saved_before_send_cb, NULL);
}

static void
send_now (PigeonComposer *self)
{
  g_autoptr (PigeonAccount) account = pigeon_composer_dup_account (self);

  if (account == NULL)
    {
      show_error_dialog (self, _ ("No account to send from"), _ ("Add an account first."));
      return;
    }
  self->outgoing_account = g_object_ref (account);
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  pigeon_composer_build_message_async (self, account, outgoing_built_cb, g_object_ref (self));
}

/* Before sending: the checks that can stop it, then the warnings that the
 * user may pass ("Send Anyway"). */

typedef enum
{
  CHECK_ATTACHMENT_MENTIONED,
  CHECK_SIZE,
  CHECK_DONE,
} SendCheck;

static void run_send_checks (PigeonComposer *self, SendCheck from);

/* Whether the text the user wrote (quoted lines left out) mentions an
 * attachment. */
static gboolean
mentions_attachment (const char *body)
{
  /* Translators: words that mean a file is attached, separated by ";",
   * lower case; any form of your language that a message would use.
   * Keep the English ones too. */
  g_auto (GStrv) keywords = g_strsplit (_ ("attach;attached;attachment;attaching;enclosed"), ";", -1);
  g_auto (GStrv) lines = g_strsplit (body, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *folded = NULL;

      if (*lines[i] == '>')
        continue;
      if (strcmp (lines[i], "-- ") == 0)
        break;
      folded = g_utf8_casefold (lines[i], -1);
      for (guint k = 0; keywords[k] != NULL; k++)
        if (*keywords[k] != '\0' && strstr (folded, keywords[k]) != NULL)
          return TRUE;
    }
  return FALSE;
}

static void
warning_response_cb (AdwMessageDialog *dialog, const char *response, PigeonComposer *self)
{
  SendCheck next = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "pigeon-next-check"));

  if (g_strcmp0 (response, "send") == 0)
    run_send_checks (self, next);
}

static void
show_warning (PigeonComposer *self, const char *heading, const char *body, SendCheck next)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "send", _ ("Send _Anyway"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "pigeon-next-check", GUINT_TO_POINTER (next));
  g_signal_connect_object (dialog, "response", G_CALLBACK (warning_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Attachments travel in base64, a third larger (RFC 2045 6.8): the limit
 * is the server's SIZE (RFC 1870) shrunk by that much, else a size that
 * most servers take. */
static guint64
size_limit (PigeonComposer *self)
{
  g_autoptr (PigeonAccount) account = pigeon_composer_dup_account (self);
  guint64 server = account != NULL ? pigeon_engine_get_max_message_size (self->engine, account) : 0;

  return server > 0 ? server / 4 * 3 : DEFAULT_SIZE_LIMIT;
}

static void
run_send_checks (PigeonComposer *self, SendCheck from)
{
  g_autofree char *body = pigeon_composer_dup_body (self);
  guint64 total = pigeon_composer_get_total_size (self);

  if (from <= CHECK_ATTACHMENT_MENTIONED && self->attachments->len == 0 && mentions_attachment (body))
    {
      show_warning (self, _ ("Send without an attachment?"),
                    _ ("The message mentions an attachment, but no file is attached."), CHECK_SIZE);
      return;
    }
  if (from <= CHECK_SIZE && total > size_limit (self))
    {
      g_autofree char *size = g_format_size (total);
      g_autofree char *limit = g_format_size (size_limit (self));
      g_autoptr (PigeonAccount) account = pigeon_composer_dup_account (self);
      /* Translators: the first %s is the attachments' size, the second the limit, as "25.0 MB" */
      g_autofree char *text =
          g_strdup_printf (pigeon_engine_get_max_message_size (self->engine, account) > 0
                               ? _ ("The attachments take %s, and the outgoing server accepts messages of at most %s.")
                               : _ ("The attachments take %s. Many mail servers refuse messages larger than %s."),
                           size, limit);

      show_warning (self, _ ("Send a large message?"), text, CHECK_DONE);
      return;
    }
  send_now (self);
}

void
pigeon_composer_send_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonComposer *self = PIGEON_COMPOSER (widget);
  PigeonAddressEntry *to = PIGEON_ADDRESS_ENTRY (self->to_entry);
  PigeonAddressEntry *cc = PIGEON_ADDRESS_ENTRY (self->cc_entry);
  PigeonAddressEntry *bcc = PIGEON_ADDRESS_ENTRY (self->bcc_entry);
  g_autoptr (GPtrArray) to_list = pigeon_address_entry_dup_addresses (to);
  g_autoptr (GPtrArray) cc_list = pigeon_address_entry_dup_addresses (cc);
  g_autoptr (GPtrArray) bcc_list = pigeon_address_entry_dup_addresses (bcc);

  /* Sending already: from Send until the outbox, or an Undo. */
  if (self->outgoing_account != NULL)
    return;
  if (pigeon_address_entry_has_invalid (to) || pigeon_address_entry_has_invalid (cc) ||
      pigeon_address_entry_has_invalid (bcc))
    {
      show_error_dialog (self, _ ("Some addresses are not valid"),
                         _ ("Correct or remove the addresses marked in red, then send again."));
      return;
    }
  if (to_list->len + cc_list->len + bcc_list->len == 0)
    {
      show_error_dialog (self, _ ("No recipient"), _ ("Add at least one address to send the message to."));
      return;
    }
  run_send_checks (self, CHECK_ATTACHMENT_MENTIONED);
}
