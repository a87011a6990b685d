/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-address-entry.h"
#include "pigeon-application.h"
#include "pigeon-composer-private.h"
#include "pigeon-mailto.h"
#include "pigeon-mime-address.h"

G_DEFINE_FINAL_TYPE (PigeonComposer, pigeon_composer, ADW_TYPE_WINDOW)

/* Accounts and identities */

/* The account of the From field, or NULL when there is none. */
PigeonAccount *
pigeon_composer_dup_account (PigeonComposer *self)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);
  guint position = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->from_dropdown));

  if (position == GTK_INVALID_LIST_POSITION || position >= g_list_model_get_n_items (accounts))
    return NULL;
  return g_list_model_get_item (accounts, position);
}

/* Selects the account with @address (else the one with @id); the first
 * account when neither is there. */
static void
select_account (PigeonComposer *self, const char *address, gint64 id)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);
  guint by_id = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) item = g_list_model_get_item (accounts, i);

      if (address != NULL && g_ascii_strcasecmp (pigeon_account_get_address (item), address) == 0)
        {
          gtk_drop_down_set_selected (GTK_DROP_DOWN (self->from_dropdown), i);
          return;
        }
      if (pigeon_account_get_id (item) == id)
        by_id = i;
    }
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->from_dropdown), by_id != GTK_INVALID_LIST_POSITION ? by_id : 0);
}

static char *
format_identity (PigeonAccount *account)
{
  const char *name = pigeon_account_get_real_name (account);
  g_autoptr (PigeonMimeAddress) address = pigeon_mime_address_new (name, pigeon_account_get_address (account));

  return pigeon_mime_address_format (address);
}

static void
fill_identities (PigeonComposer *self)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);
  g_autoptr (GtkStringList) identities = gtk_string_list_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);
      g_autofree char *identity = format_identity (account);

      gtk_string_list_append (identities, identity);
    }
  gtk_drop_down_set_model (GTK_DROP_DOWN (self->from_dropdown), G_LIST_MODEL (identities));
}

/* The user's addresses, all accounts: a reply to all leaves them out. */
static GStrv
dup_own_addresses (PigeonEngine *engine)
{
  GListModel *accounts = pigeon_engine_get_accounts (engine);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);

      g_strv_builder_add (builder, pigeon_account_get_address (account));
    }
  return g_strv_builder_end (builder);
}

/* The body */

char *
pigeon_composer_dup_body (PigeonComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->body_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Sets the text with the cursor at its start, where a reply is written. */
static void
set_body (PigeonComposer *self, const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->body_view));
  GtkTextIter start;

  gtk_text_buffer_set_text (buffer, text, -1);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  g_free (self->initial_body);
  self->initial_body = g_strdup (text);
}

/* The signature after its "-- " line (RFC 3676 4.3), with an empty line
 * to write on before it; "" when the account has none. Kept in
 * self->signature, so that another From can swap it. */
static char *
dup_signature_block (PigeonComposer *self)
{
  g_autoptr (PigeonAccount) account = pigeon_composer_dup_account (self);
  const char *signature = account != NULL ? pigeon_engine_get_signature (self->engine, account) : NULL;

  g_free (self->signature);
  if (signature == NULL || *signature == '\0')
    self->signature = g_strdup ("");
  else
    self->signature = g_strconcat ("\n\n-- \n", signature, NULL);
  return g_strdup (self->signature);
}

/* @text with its last @old replaced by @new; NULL when @old is not in it. */
static char *
replace_last (const char *text, const char *old, const char *new)
{
  const char *at = g_strrstr (text, old);

  if (at == NULL)
    return NULL;
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, new, at + strlen (old));
}

/* Another From: its signature takes the place of the one shown. */
static void
from_changed_cb (PigeonComposer *self)
{
  g_autofree char *old = g_steal_pointer (&self->signature);
  g_autofree char *new = dup_signature_block (self);
  g_autofree char *body = pigeon_composer_dup_body (self);
  g_autofree char *swapped = NULL;

  if (old != NULL && *old != '\0' && self->initial_body != NULL && (swapped = replace_last (body, old, new)) != NULL)
    {
      g_autofree char *initial = replace_last (self->initial_body, old, new);
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->body_view));
      GtkTextIter cursor;
      int offset;

      gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
      offset = gtk_text_iter_get_offset (&cursor);
      gtk_text_buffer_set_text (buffer, swapped, -1);
      gtk_text_buffer_get_iter_at_offset (buffer, &cursor, offset);
      gtk_text_buffer_place_cursor (buffer, &cursor);
      if (initial != NULL)
        {
          g_free (self->initial_body);
          self->initial_body = g_steal_pointer (&initial);
        }
    }
  else
    {
      /* No signature shown (or the user took it out): none is added. */
      g_free (self->signature);
      self->signature = g_strdup ("");
    }
  pigeon_composer_field_changed_cb (self);
}

/* Closing */

void
pigeon_composer_show_toast (PigeonComposer *self, AdwToast *toast)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (PIGEON_IS_APPLICATION (app))
    pigeon_application_show_toast (PIGEON_APPLICATION (app), toast);
  else
    g_object_unref (toast);
}

static void
close_now (PigeonComposer *self)
{
  self->closing = TRUE;
  pigeon_composer_forget (self);
  gtk_window_close (GTK_WINDOW (self));
}

static void
saved_before_close_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PigeonComposer *self = PIGEON_COMPOSER (source);
  g_autoptr (GError) error = NULL;

  if (!pigeon_composer_save_draft_finish (self, result, &error))
    {
      /* Nothing closes when the draft could not be kept. */
      pigeon_composer_show_toast (self, adw_toast_new (error->message));
      return;
    }
  /* The draft stays in the store, no longer an open one. */
  close_now (self);
}

static gboolean
discard_and_close_cb (gpointer user_data)
{
  PigeonComposer *self = user_data;

  pigeon_composer_discard_draft (self);
  close_now (self);
  return G_SOURCE_REMOVE;
}

static void
close_dialog_response_cb (AdwMessageDialog *dialog, const char *response, PigeonComposer *self)
{
  if (g_strcmp0 (response, "save") == 0)
    pigeon_composer_save_draft_async (self, saved_before_close_cb, NULL);
  else if (g_strcmp0 (response, "discard") == 0)
    /* After the dialog is gone: it must not outlive the window it
     * belongs to. */
    g_idle_add_full (G_PRIORITY_DEFAULT, discard_and_close_cb, g_object_ref (self), g_object_unref);
}

static gboolean
pigeon_composer_close_request (GtkWindow *window)
{
  PigeonComposer *self = PIGEON_COMPOSER (window);
  GtkWidget *dialog;

  /* gtk_window_close() does nothing while close-request runs: an empty
   * message closes by letting this request through. */
  if (!self->closing && !pigeon_composer_has_content (self))
    {
      pigeon_composer_discard_draft (self);
      self->closing = TRUE;
      pigeon_composer_forget (self);
    }
  if (self->closing)
    return GTK_WINDOW_CLASS (pigeon_composer_parent_class)->close_request (window);
  dialog = adw_message_dialog_new (window, _ ("Save this message as a draft?"),
                                   _ ("A draft can be opened again from the Drafts folder."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "discard", _ ("_Discard"),
                                    "save", _ ("_Save Draft"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
save_draft_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  pigeon_composer_save_draft_async (PIGEON_COMPOSER (widget), NULL, NULL);
}

static void
discard_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonComposer *self = PIGEON_COMPOSER (widget);

  pigeon_composer_discard_draft (self);
  close_now (self);
}

static void
close_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
}

/* The window */

static void
pigeon_composer_dispose (GObject *object)
{
  PigeonComposer *self = PIGEON_COMPOSER (object);

  if (self->closing)
    pigeon_composer_forget (self);
  else
    pigeon_composer_leave (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  g_clear_handle_id (&self->send_timeout_id, g_source_remove);
  g_clear_object (&self->sending_toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), PIGEON_TYPE_COMPOSER);
  G_OBJECT_CLASS (pigeon_composer_parent_class)->dispose (object);
}

static void
pigeon_composer_finalize (GObject *object)
{
  PigeonComposer *self = PIGEON_COMPOSER (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->attachments);
  g_ptr_array_unref (self->save_waiters);
  g_free (self->in_reply_to);
  g_strfreev (self->references);
  g_free (self->initial_body);
  g_free (self->signature);
  g_clear_pointer (&self->outgoing, g_bytes_unref);
  g_clear_object (&self->outgoing_account);
  G_OBJECT_CLASS (pigeon_composer_parent_class)->finalize (object);
}

static void
load_css (void)
{
  g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE_PATH "/pigeon-composer.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
pigeon_composer_class_init (PigeonComposerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pigeon_composer_dispose;
  object_class->finalize = pigeon_composer_finalize;
  window_class->close_request = pigeon_composer_close_request;

  g_type_ensure (PIGEON_TYPE_ADDRESS_ENTRY);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/pigeon-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, from_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, to_entry);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, cc_entry);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, bcc_entry);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, to_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, cc_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, bcc_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, cc_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, bcc_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, subject_entry);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, body_view);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, attachments_revealer);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, attachment_list);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, pigeon_composer_send_action);
  gtk_widget_class_install_action (widget_class, "composer.attach", NULL, pigeon_composer_attach_action);
  gtk_widget_class_install_action (widget_class, "composer.save-draft", NULL, save_draft_action);
  gtk_widget_class_install_action (widget_class, "composer.discard", NULL, discard_action);
  gtk_widget_class_install_action (widget_class, "composer.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "composer.attach",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "composer.save-draft", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "composer.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "composer.close", NULL);
}

/* Shown, the field takes the focus. A field with addresses stays shown:
 * hidden, they would still get the message. */
static void
copy_field_toggled_cb (GtkToggleButton *button, PigeonComposer *self)
{
  GtkWidget *entry = GTK_WIDGET (button) == self->cc_button ? self->cc_entry : self->bcc_entry;

  if (gtk_toggle_button_get_active (button))
    gtk_widget_grab_focus (entry);
}

static void
copy_field_changed_cb (PigeonAddressEntry *entry, PigeonComposer *self)
{
  GtkWidget *button = GTK_WIDGET (entry) == self->cc_entry ? self->cc_button : self->bcc_button;

  gtk_widget_set_sensitive (button, pigeon_address_entry_is_empty (entry));
}

/* The text fields inside the address fields are named after their
 * labels. */
static void
label_address_field (GtkWidget *entry, GtkWidget *label)
{
  GtkWidget *text = pigeon_address_entry_get_text_field (PIGEON_ADDRESS_ENTRY (entry));

  gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (GTK_LABEL (label)), -1);
}

static void
connect_changes (PigeonComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->body_view));

  g_signal_connect_swapped (self->to_entry, "changed", G_CALLBACK (pigeon_composer_field_changed_cb), self);
  g_signal_connect_swapped (self->cc_entry, "changed", G_CALLBACK (pigeon_composer_field_changed_cb), self);
  g_signal_connect_swapped (self->bcc_entry, "changed", G_CALLBACK (pigeon_composer_field_changed_cb), self);
  g_signal_connect_swapped (self->subject_entry, "changed", G_CALLBACK (pigeon_composer_field_changed_cb), self);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (pigeon_composer_field_changed_cb), self);
  g_signal_connect_swapped (self->from_dropdown, "notify::selected", G_CALLBACK (from_changed_cb), self);
  g_signal_connect (self->body_view, "paste-clipboard", G_CALLBACK (pigeon_composer_paste_clipboard_cb), self);
  g_signal_connect (self->cc_button, "toggled", G_CALLBACK (copy_field_toggled_cb), self);
  g_signal_connect (self->bcc_button, "toggled", G_CALLBACK (copy_field_toggled_cb), self);
  g_signal_connect (self->cc_entry, "changed", G_CALLBACK (copy_field_changed_cb), self);
  g_signal_connect (self->bcc_entry, "changed", G_CALLBACK (copy_field_changed_cb), self);
}

/* Ctrl+Enter sends from anywhere: in the capture phase, before the text
 * view takes Enter for a new line. */
static void
setup_send_shortcut (PigeonComposer *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutTrigger *trigger =
      gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                   gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK));

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (trigger, gtk_named_action_new ("composer.send")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
pigeon_composer_init (PigeonComposer *self)
{
  static gsize css_loaded;

  gtk_widget_init_template (GTK_WIDGET (self));
  if (g_once_init_enter (&css_loaded))
    {
      load_css ();
      g_once_init_leave (&css_loaded, 1);
    }
  self->cancellable = g_cancellable_new ();
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_composer_attachment_free);
  self->save_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  label_address_field (self->to_entry, self->to_label);
  label_address_field (self->cc_entry, self->cc_label);
  label_address_field (self->bcc_entry, self->bcc_label);
  pigeon_composer_setup_drop_target (self);
  setup_send_shortcut (self);
  connect_changes (self);
}

/* A composer over @engine, not filled yet: the caller fills it, then
 * calls ready() so that changes from then on are saved. */
static PigeonComposer *
composer_new (GtkApplication *app, PigeonEngine *engine, PigeonAccount *account)
{
  PigeonComposer *self = g_object_new (PIGEON_TYPE_COMPOSER, "application", app, NULL);
  PigeonStore *store = pigeon_engine_get_store (engine);

  self->engine = g_object_ref (engine);
  pigeon_address_entry_set_store (PIGEON_ADDRESS_ENTRY (self->to_entry), store);
  pigeon_address_entry_set_store (PIGEON_ADDRESS_ENTRY (self->cc_entry), store);
  pigeon_address_entry_set_store (PIGEON_ADDRESS_ENTRY (self->bcc_entry), store);
  fill_identities (self);
  if (account != NULL)
    select_account (self, pigeon_account_get_address (account), pigeon_account_get_id (account));
  pigeon_composer_remember (self);
  return self;
}

static void
fill_addresses (PigeonComposer *self, const char *to, const char *cc, const char *bcc)
{
  if (to != NULL)
    pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (self->to_entry), to);
  if (cc != NULL && *cc != '\0')
    {
      pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (self->cc_entry), cc);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->cc_button), TRUE);
    }
  if (bcc != NULL && *bcc != '\0')
    {
      pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (self->bcc_entry), bcc);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->bcc_button), TRUE);
    }
}

static void
set_subject (PigeonComposer *self, const char *subject)
{
  gtk_editable_set_text (GTK_EDITABLE (self->subject_entry), subject != NULL ? subject : "");
}

/* Shows the filled composer, with the focus where writing starts. */
static void
present (PigeonComposer *self, const char *body)
{
  const char *subject = gtk_editable_get_text (GTK_EDITABLE (self->subject_entry));

  set_body (self, body);
  if (*subject != '\0')
    gtk_window_set_title (GTK_WINDOW (self), subject);
  gtk_window_present (GTK_WINDOW (self));
  if (pigeon_address_entry_is_empty (PIGEON_ADDRESS_ENTRY (self->to_entry)))
    gtk_widget_grab_focus (self->to_entry);
  else
    gtk_widget_grab_focus (self->body_view);
}

PigeonComposer *
pigeon_composer_open (GtkApplication *app, PigeonEngine *engine, PigeonAccount *account)
{
  PigeonComposer *self;
  g_autofree char *signature = NULL;

  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (PIGEON_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (account == NULL || PIGEON_IS_ACCOUNT (account), NULL);

  self = composer_new (app, engine, account);
  signature = dup_signature_block (self);
  present (self, signature);
  return self;
}

void
pigeon_composer_present_new (GtkApplication *app, PigeonEngine *engine, PigeonAccount *account)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (account == NULL || PIGEON_IS_ACCOUNT (account));

  pigeon_composer_open (app, engine, account);
}

PigeonComposer *
pigeon_composer_open_mailto (GtkApplication *app, PigeonEngine *engine, const char *uri, GError **error)
{
  g_autoptr (PigeonMailto) mailto = NULL;
  PigeonComposer *self;
  g_autofree char *signature = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (PIGEON_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  mailto = pigeon_mailto_parse (uri, error);
  if (mailto == NULL)
    return NULL;
  self = composer_new (app, engine, NULL);
  fill_addresses (self, mailto->to, mailto->cc, mailto->bcc);
  set_subject (self, mailto->subject);
  if (mailto->in_reply_to != NULL)
    {
      const char *const references[] = { mailto->in_reply_to, NULL };

      self->in_reply_to = g_strdup (mailto->in_reply_to);
      self->references = g_strdupv ((GStrv) references);
    }
  signature = dup_signature_block (self);
  body = g_strconcat (mailto->body != NULL ? mailto->body : "", signature, NULL);
  present (self, body);
  return self;
}

void
pigeon_composer_present_mailto (GtkApplication *app, PigeonEngine *engine, const char *uri)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (uri != NULL);

  if (pigeon_composer_open_mailto (app, engine, uri, &error) == NULL)
    g_warning ("Cannot open %s: %s", uri, error->message);
}

void
pigeon_composer_present_files (GtkApplication *app, PigeonEngine *engine, GFile **files, guint n_files)
{
  PigeonComposer *self;

  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (files != NULL || n_files == 0);

  self = pigeon_composer_open (app, engine, NULL);
  pigeon_composer_add_files (self, files, n_files);
}

/* Fills @self from @reply (a reply, a forward, or a draft opened again). */
static void
fill_from_reply (PigeonComposer *self, PigeonReply *reply, const char *body)
{
  fill_addresses (self, reply->to, reply->cc, reply->bcc);
  set_subject (self, reply->subject);
  self->in_reply_to = g_strdup (reply->in_reply_to);
  self->references = g_strdupv (reply->references);
  pigeon_composer_add_reply_attachments (self, reply->attachments);
  present (self, body);
}

typedef struct
{
  GtkApplication *app;
  PigeonComposeMode mode;
  gboolean draft; /* the message is a draft to edit, not one to answer */
  gint64 account_id;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_object_unref (data->app);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadData, load_data_free)

static void
open_reply (LoadData *data, PigeonEngine *engine, GBytes *raw)
{
  g_auto (GStrv) own = dup_own_addresses (engine);
  g_autoptr (PigeonReply) reply = pigeon_reply_new (raw, data->mode, (const char *const *) own);
  PigeonComposer *self = composer_new (data->app, engine, NULL);
  g_autofree char *signature = NULL;
  g_autofree char *body = NULL;

  select_account (self, NULL, data->account_id);
  signature = dup_signature_block (self);
  body = g_strconcat (signature, reply->body, NULL);
  fill_from_reply (self, reply, body);
}

void
pigeon_composer_open_draft (PigeonEngine *engine, GtkApplication *app, GBytes *raw, gint64 draft_id, gint64 account_id)
{
  g_autoptr (PigeonReply) draft = pigeon_reply_new_from_message (raw);
  PigeonComposer *self = composer_new (app, engine, NULL);

  select_account (self, draft->from, account_id);
  /* The line break that builder_new() added. */
  if (g_str_has_suffix (draft->body, "\n"))
    draft->body[strlen (draft->body) - 1] = '\0';
  self->draft_id = draft_id;
  fill_from_reply (self, draft, draft->body);
  pigeon_composer_write_open_drafts ();
}

static void
body_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (LoadData) data = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw = pigeon_engine_load_body_finish (PIGEON_ENGINE (source), result, &error);

  if (raw == NULL)
    {
      if (PIGEON_IS_APPLICATION (data->app))
        pigeon_application_show_toast (PIGEON_APPLICATION (data->app), adw_toast_new (error->message));
      return;
    }
  if (data->draft)
    pigeon_composer_open_draft (PIGEON_ENGINE (source), data->app, raw, 0, data->account_id);
  else
    open_reply (data, PIGEON_ENGINE (source), raw);
}

static void
load_message (GtkApplication *app, PigeonEngine *engine, PigeonMessage *message, PigeonComposeMode mode, gboolean draft)
{
  LoadData *data = g_new0 (LoadData, 1);

  data->app = g_object_ref (app);
  data->mode = mode;
  data->draft = draft;
  data->account_id = pigeon_message_get_account_id (message);
  pigeon_engine_load_body_async (engine, message, NULL, body_loaded_cb, data);
}

void
pigeon_composer_present_reply (GtkApplication *app,
                               PigeonEngine *engine,
                               PigeonMessage *message,
                               PigeonComposeMode mode)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (PIGEON_IS_MESSAGE (message));
  g_return_if_fail (mode <= PIGEON_COMPOSE_FORWARD_ATTACHED);

  load_message (app, engine, message, mode, FALSE);
}

void
pigeon_composer_present_draft_message (GtkApplication *app, PigeonEngine *engine, PigeonMessage *message)
{
  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (PIGEON_IS_MESSAGE (message));

  load_message (app, engine, message, PIGEON_COMPOSE_REPLY, TRUE);
}
