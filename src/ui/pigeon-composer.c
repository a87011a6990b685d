/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-address-entry.h"
#include "pigeon-application.h"
#include "pigeon-composer-private.h"
#include "pigeon-mailto.h"
#include "pigeon-mime-builder.h"
#include "pigeon-mime-header.h"

/* Seconds between the last change and its autosave. */
#define AUTOSAVE_DELAY 3
/* Seconds during which "Sending…" can be undone. */
#define UNDO_SEND_DELAY 5
/* The engine does not report the server's SIZE (RFC 1870) yet: this is
 * the limit of the common providers. */
#define DEFAULT_SIZE_LIMIT (25 * 1000 * 1000)

typedef struct
{
  GFile *file;  /* a file chosen, dropped or pasted; or NULL */
  GBytes *data; /* the content of an attachment carried over; or NULL */
  char *name;
  char *content_type;
  guint64 size;
} Attachment;

struct _PigeonComposer
{
  AdwWindow parent_instance;

  GtkWidget *from_dropdown;
  GtkWidget *to_entry;
  GtkWidget *cc_entry;
  GtkWidget *bcc_entry;
  GtkWidget *cc_button;
  GtkWidget *bcc_button;
  GtkWidget *subject_entry;
  GtkWidget *body_view;
  GtkWidget *attachments_revealer;
  GtkWidget *attachment_list;

  PigeonEngine *engine;
  GCancellable *cancellable;
  GPtrArray *attachments; /* Attachment */
  char *in_reply_to;
  GStrv references;
  char *initial_body; /* what "no content" looks like */

  gint64 draft_id;         /* 0 until the first save */
  guint autosave_id;       /* the pending autosave, or 0 */
  gboolean saving;         /* a save runs */
  gboolean save_again;     /* something changed during the save */
  GPtrArray *save_waiters; /* GTask, completed when the saves are done */
  gboolean closing;        /* the window may close now */

  /* Between Send and the outbox. */
  GBytes *outgoing;
  PigeonAccount *outgoing_account;
  guint send_timeout_id;
  AdwToast *sending_toast;
};

G_DEFINE_FINAL_TYPE (PigeonComposer, pigeon_composer, ADW_TYPE_WINDOW)

/* The open composers, for the open-drafts file. */
static GList *open_composers;

static void attachment_free (Attachment *attachment);
static void schedule_autosave (PigeonComposer *self);
static void update_attachments (PigeonComposer *self);

/* Open drafts
 *
 * The ids of the drafts whose composer is open are kept in
 * $XDG_DATA_HOME/pigeon/open-drafts, one a line, so that the composers
 * that were open when the app died (or was killed) come back. */

static char *
open_drafts_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "pigeon", "open-drafts", NULL);
}

static void
write_open_drafts (void)
{
  g_autofree char *path = open_drafts_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GString) contents = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (GList *l = open_composers; l != NULL; l = l->next)
    {
      PigeonComposer *composer = l->data;

      if (composer->draft_id > 0)
        g_string_append_printf (contents, "%" G_GINT64_FORMAT "\n", composer->draft_id);
    }
  /* g_file_set_contents() writes a new file and renames it over the old
   * one: a crash leaves the old list or the new one, never half of one. */
  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_file_set_contents (path, contents->str, contents->len, &error))
    g_warning ("Cannot write %s: %s", path, error != NULL ? error->message : g_strerror (errno));
}

static GArray *
read_open_drafts (void)
{
  g_autofree char *path = open_drafts_path ();
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return ids;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint64 id = g_ascii_strtoll (lines[i], NULL, 10);

      if (id > 0)
        g_array_append_val (ids, id);
    }
  return ids;
}

static void
forget_composer (PigeonComposer *self)
{
  if (g_list_find (open_composers, self) == NULL)
    return;
  open_composers = g_list_remove (open_composers, self);
  write_open_drafts ();
}

/* Accounts and identities */

static PigeonAccount *
get_account (PigeonComposer *self)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);
  guint position = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->from_dropdown));

  if (position == GTK_INVALID_LIST_POSITION || position >= g_list_model_get_n_items (accounts))
    return NULL;
  /* The model holds a reference for as long as the account exists. */
  g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, position);
  return account;
}

static void
select_account (PigeonComposer *self, PigeonAccount *account)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);

  for (guint i = 0; account != NULL && i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) item = g_list_model_get_item (accounts, i);

      if (item == account)
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->from_dropdown), i);
    }
}

static PigeonAccount *
find_account_by_address (PigeonComposer *self, const char *address)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);

  for (guint i = 0; address != NULL && i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) item = g_list_model_get_item (accounts, i);

      if (g_ascii_strcasecmp (pigeon_account_get_address (item), address) == 0)
        return item;
    }
  return NULL;
}

static PigeonAccount *
find_account_by_id (PigeonComposer *self, gint64 id)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) item = g_list_model_get_item (accounts, i);

      if (pigeon_account_get_id (item) == id)
        return item;
    }
  return NULL;
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

static char *
dup_body (PigeonComposer *self)
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

/* A new message: an empty line to write on, then the signature after
 * its "-- " line (RFC 3676 4.3). */
static char *
dup_signature_block (PigeonComposer *self)
{
  PigeonAccount *account = get_account (self);
  const char *signature = account != NULL ? pigeon_engine_get_signature (self->engine, account) : NULL;

  if (signature == NULL || *signature == '\0')
    return g_strdup ("");
  return g_strconcat ("\n\n-- \n", signature, NULL);
}

/* Attachments */

static void
attachment_free (Attachment *attachment)
{
  g_clear_object (&attachment->file);
  g_clear_pointer (&attachment->data, g_bytes_unref);
  g_free (attachment->name);
  g_free (attachment->content_type);
  g_free (attachment);
}

static void
remove_attachment_clicked_cb (GtkButton *button, PigeonComposer *self)
{
  Attachment *attachment = g_object_get_data (G_OBJECT (button), "pigeon-attachment");

  g_ptr_array_remove (self->attachments, attachment);
  update_attachments (self);
}

static GtkWidget *
attachment_row_new (PigeonComposer *self, Attachment *attachment)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *size = g_format_size (attachment->size);
  g_autofree char *type = g_content_type_get_description (attachment->content_type);
  g_autofree char *subtitle = g_strdup_printf ("%s — %s", size, type);
  g_autoptr (GIcon) icon = g_content_type_get_symbolic_icon (attachment->content_type);
  GtkWidget *remove = gtk_button_new_from_icon_name ("edit-delete-symbolic");
  g_autofree char *remove_label = g_strdup_printf (_ ("Remove %s"), attachment->name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), attachment->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_gicon (icon));
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_object_set_data (G_OBJECT (remove), "pigeon-attachment", attachment);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_attachment_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

static void
update_attachments (PigeonComposer *self)
{
  GtkListBox *list = GTK_LIST_BOX (self->attachment_list);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
  for (guint i = 0; i < self->attachments->len; i++)
    gtk_list_box_append (list, attachment_row_new (self, g_ptr_array_index (self->attachments, i)));
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->attachments_revealer), self->attachments->len > 0);
  schedule_autosave (self);
}

static gboolean
add_file (PigeonComposer *self, GFile *file)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInfo) info = g_file_query_info (file,
                                                  G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME
                                                  "," G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE
                                                  "," G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                                                  G_FILE_QUERY_INFO_NONE, NULL, &error);
  Attachment *attachment;

  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      /* Translators: %s is a file name */
      AdwToast *toast = adw_toast_new_format (_ ("Cannot attach “%s”: not a file"), name);

      if (error != NULL)
        g_message ("Cannot attach %s: %s", name, error->message);
      pigeon_composer_show_toast (self, toast);
      return FALSE;
    }
  attachment = g_new0 (Attachment, 1);
  attachment->file = g_object_ref (file);
  attachment->name = g_strdup (g_file_info_get_display_name (info));
  attachment->content_type = g_strdup (g_file_info_get_content_type (info));
  if (attachment->content_type == NULL)
    attachment->content_type = g_strdup ("application/octet-stream");
  attachment->size = (guint64) g_file_info_get_size (info);
  g_ptr_array_add (self->attachments, attachment);
  return TRUE;
}

void
pigeon_composer_add_files (PigeonComposer *self, GFile **files, guint n_files)
{
  g_return_if_fail (PIGEON_IS_COMPOSER (self));

  for (guint i = 0; i < n_files; i++)
    add_file (self, files[i]);
  update_attachments (self);
}

static void
add_file_list (PigeonComposer *self, GSList *files)
{
  for (GSList *l = files; l != NULL; l = l->next)
    add_file (self, l->data);
  update_attachments (self);
}

static void
add_reply_attachments (PigeonComposer *self, GPtrArray *attachments)
{
  for (guint i = 0; i < attachments->len; i++)
    {
      PigeonReplyAttachment *from = g_ptr_array_index (attachments, i);
      Attachment *attachment = g_new0 (Attachment, 1);

      attachment->data = g_bytes_ref (from->data);
      attachment->name = g_strdup (from->filename);
      attachment->content_type = g_strdup (from->content_type);
      attachment->size = g_bytes_get_size (from->data);
      g_ptr_array_add (self->attachments, attachment);
    }
  update_attachments (self);
}

guint
pigeon_composer_get_n_attachments (PigeonComposer *self)
{
  g_return_val_if_fail (PIGEON_IS_COMPOSER (self), 0);

  return self->attachments->len;
}

const char *
pigeon_composer_get_attachment_name (PigeonComposer *self, guint index)
{
  g_return_val_if_fail (PIGEON_IS_COMPOSER (self), NULL);
  g_return_val_if_fail (index < self->attachments->len, NULL);

  return ((Attachment *) g_ptr_array_index (self->attachments, index))->name;
}

static guint64
get_total_size (PigeonComposer *self)
{
  guint64 total = 0;

  for (guint i = 0; i < self->attachments->len; i++)
    total += ((Attachment *) g_ptr_array_index (self->attachments, i))->size;
  return total;
}

/* Dropping files from a file manager */

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, PigeonComposer *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "pigeon-composer-drop");
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  add_file_list (self, g_value_get_boxed (value));
  return TRUE;
}

static GdkDragAction
drop_enter_cb (GtkDropTarget *target, double x, double y, PigeonComposer *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "pigeon-composer-drop");
  return GDK_ACTION_COPY;
}

static void
drop_leave_cb (GtkDropTarget *target, PigeonComposer *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "pigeon-composer-drop");
}

static void
setup_drop_target (PigeonComposer *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), self);
  g_signal_connect (target, "enter", G_CALLBACK (drop_enter_cb), self);
  g_signal_connect (target, "leave", G_CALLBACK (drop_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

/* Pasting files (copied in a file manager) into the text attaches them. */

static void
pasted_files_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonComposer) self = user_data;
  g_autoptr (GError) error = NULL;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, &error);

  if (value == NULL)
    {
      g_message ("Cannot paste the files: %s", error->message);
      return;
    }
  add_file_list (self, g_value_get_boxed (value));
}

static void
paste_clipboard_cb (GtkTextView *view, PigeonComposer *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));

  if (!gdk_content_formats_contain_gtype (gdk_clipboard_get_formats (clipboard), GDK_TYPE_FILE_LIST))
    return;
  g_signal_stop_emission_by_name (view, "paste-clipboard");
  gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT, self->cancellable, pasted_files_cb,
                                  g_object_ref (self));
}

/* The file chooser */

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, PigeonComposer *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr (GFile) file = g_list_model_get_item (files, i);

          add_file (self, file);
        }
      update_attachments (self);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
attach_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonComposer *self = PIGEON_COMPOSER (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_ ("Attach Files"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Attach"), NULL);

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

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
  g_autofree char *text = dup_body (self);
  /* The builder ends the text with a line break when it has none; one
   * more always makes a draft's text come back exactly (open_draft()). */
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
static void
build_message_async (PigeonComposer *self, PigeonAccount *account, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, self->cancellable, callback, user_data);
  BuildData *data = g_new0 (BuildData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, build_message_async);
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

static GBytes *
build_message_finish (PigeonComposer *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Drafts
 *
 * A draft is saved a few seconds after the last change, when the window
 * closes with "Save Draft", and before a message waits for its undo
 * time. One save runs at a time; a change during a save makes another
 * one follow, and whoever waits for "saved" waits for the last one. */

gboolean
pigeon_composer_has_content (PigeonComposer *self)
{
  g_autofree char *body = NULL;

  g_return_val_if_fail (PIGEON_IS_COMPOSER (self), FALSE);

  body = dup_body (self);
  return !pigeon_address_entry_is_empty (PIGEON_ADDRESS_ENTRY (self->to_entry)) ||
         !pigeon_address_entry_is_empty (PIGEON_ADDRESS_ENTRY (self->cc_entry)) ||
         !pigeon_address_entry_is_empty (PIGEON_ADDRESS_ENTRY (self->bcc_entry)) ||
         *gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)) != '\0' || self->attachments->len > 0 ||
         g_strcmp0 (body, self->initial_body) != 0;
}

gint64
pigeon_composer_get_draft_id (PigeonComposer *self)
{
  g_return_val_if_fail (PIGEON_IS_COMPOSER (self), 0);

  return self->draft_id;
}

static void save_draft (PigeonComposer *self, GBytes *raw);

static void
finish_saves (PigeonComposer *self, const GError *error)
{
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->save_waiters);

  self->save_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static void
draft_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonComposer) self = user_data;
  g_autoptr (GError) error = NULL;
  gint64 id = 0;

  self->saving = FALSE;
  if (!pigeon_engine_save_draft_finish (PIGEON_ENGINE (source), result, &id, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot save the draft: %s", error->message);
      finish_saves (self, error);
      return;
    }
  if (self->draft_id != id)
    {
      self->draft_id = id;
      write_open_drafts ();
    }
  if (self->save_again)
    pigeon_composer_save_draft_async (self, NULL, NULL);
  else
    finish_saves (self, NULL);
}

static void
save_draft (PigeonComposer *self, GBytes *raw)
{
  PigeonAccount *account = get_account (self);

  self->saving = TRUE;
  pigeon_engine_save_draft_async (self->engine, account, self->draft_id, raw, self->cancellable, draft_saved_cb,
                                  g_object_ref (self));
}

static void
draft_built_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonComposer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw = build_message_finish (self, result, &error);

  if (raw == NULL)
    {
      self->saving = FALSE;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot build the draft: %s", error->message);
      finish_saves (self, error);
      return;
    }
  save_draft (self, raw);
}

void
pigeon_composer_save_draft_async (PigeonComposer *self, GAsyncReadyCallback callback, gpointer user_data)
{
  PigeonAccount *account;

  g_return_if_fail (PIGEON_IS_COMPOSER (self));

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (callback != NULL)
    {
      GTask *task = g_task_new (self, NULL, callback, user_data);

      g_task_set_source_tag (task, pigeon_composer_save_draft_async);
      g_ptr_array_add (self->save_waiters, task);
    }
  if (self->saving)
    {
      self->save_again = TRUE;
      return;
    }
  self->save_again = FALSE;
  account = get_account (self);
  if (account == NULL)
    {
      g_autoptr (GError) error =
          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("There is no account to save the draft in"));

      finish_saves (self, error);
      return;
    }
  self->saving = TRUE;
  build_message_async (self, account, draft_built_cb, g_object_ref (self));
}

gboolean
pigeon_composer_save_draft_finish (PigeonComposer *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
autosave_cb (gpointer user_data)
{
  PigeonComposer *self = user_data;

  self->autosave_id = 0;
  pigeon_composer_save_draft_async (self, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_autosave (PigeonComposer *self)
{
  /* Not before the fields are filled, nor for an empty message. */
  if (self->initial_body == NULL || self->outgoing != NULL || !pigeon_composer_has_content (self))
    return;
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->autosave_id = g_timeout_add_seconds (AUTOSAVE_DELAY, autosave_cb, self);
}

static void
field_changed_cb (PigeonComposer *self)
{
  schedule_autosave (self);
}

static void
draft_discarded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_discard_draft_finish (PIGEON_ENGINE (source), result, &error))
    g_warning ("Cannot discard the draft: %s", error->message);
}

/* The draft is sent or thrown away. */
static void
discard_draft (PigeonComposer *self)
{
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (self->draft_id == 0)
    return;
  pigeon_engine_discard_draft_async (self->engine, self->draft_id, NULL, draft_discarded_cb, NULL);
  self->draft_id = 0;
  write_open_drafts ();
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
  forget_composer (self);
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

  discard_draft (self);
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
      discard_draft (self);
      self->closing = TRUE;
      forget_composer (self);
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

  discard_draft (self);
  close_now (self);
}

static void
close_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_window_close (GTK_WINDOW (widget));
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
  discard_draft (self);
  pigeon_engine_flush_outbox_async (self->engine, account, FALSE, NULL, outbox_flushed_cb, NULL);
  forget_composer (self);
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
  g_autoptr (GBytes) raw = build_message_finish (self, result, &error);

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
  PigeonAccount *account = get_account (self);

  if (account == NULL)
    {
      show_error_dialog (self, _ ("No account to send from"), _ ("Add an account first."));
      return;
    }
  self->outgoing_account = g_object_ref (account);
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  build_message_async (self, account, outgoing_built_cb, g_object_ref (self));
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

static void
run_send_checks (PigeonComposer *self, SendCheck from)
{
  g_autofree char *body = dup_body (self);
  guint64 total = get_total_size (self);

  if (from <= CHECK_ATTACHMENT_MENTIONED && self->attachments->len == 0 && mentions_attachment (body))
    {
      show_warning (self, _ ("Send without an attachment?"),
                    _ ("The message mentions an attachment, but no file is attached."), CHECK_SIZE);
      return;
    }
  if (from <= CHECK_SIZE && total > DEFAULT_SIZE_LIMIT)
    {
      g_autofree char *size = g_format_size (total);
      g_autofree char *limit = g_format_size (DEFAULT_SIZE_LIMIT);
      /* Translators: the first %s is the attachments' size, the second the limit, as "25.0 MB" */
      g_autofree char *text = g_strdup_printf (_ ("The attachments take %s. Many mail servers refuse messages "
                                                  "larger than %s."),
                                               size, limit);

      show_warning (self, _ ("Send a large message?"), text, CHECK_DONE);
      return;
    }
  send_now (self);
}

static void
send_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonComposer *self = PIGEON_COMPOSER (widget);
  PigeonAddressEntry *to = PIGEON_ADDRESS_ENTRY (self->to_entry);
  PigeonAddressEntry *cc = PIGEON_ADDRESS_ENTRY (self->cc_entry);
  PigeonAddressEntry *bcc = PIGEON_ADDRESS_ENTRY (self->bcc_entry);
  g_autoptr (GPtrArray) to_list = pigeon_address_entry_dup_addresses (to);
  g_autoptr (GPtrArray) cc_list = pigeon_address_entry_dup_addresses (cc);
  g_autoptr (GPtrArray) bcc_list = pigeon_address_entry_dup_addresses (bcc);

  if (self->outgoing != NULL)
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

/* The window */

static void
pigeon_composer_dispose (GObject *object)
{
  PigeonComposer *self = PIGEON_COMPOSER (object);

  forget_composer (self);
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
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, cc_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, bcc_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, subject_entry);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, body_view);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, attachments_revealer);
  gtk_widget_class_bind_template_child (widget_class, PigeonComposer, attachment_list);

  gtk_widget_class_install_action (widget_class, "composer.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "composer.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "composer.save-draft", NULL, save_draft_action);
  gtk_widget_class_install_action (widget_class, "composer.discard", NULL, discard_action);
  gtk_widget_class_install_action (widget_class, "composer.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "composer.attach",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "composer.save-draft", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "composer.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "composer.close", NULL);
}

static void
connect_changes (PigeonComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->body_view));

  g_signal_connect_swapped (self->to_entry, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (self->cc_entry, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (self->bcc_entry, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (self->subject_entry, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (buffer, "changed", G_CALLBACK (field_changed_cb), self);
  g_signal_connect_swapped (self->from_dropdown, "notify::selected", G_CALLBACK (field_changed_cb), self);
  g_signal_connect (self->body_view, "paste-clipboard", G_CALLBACK (paste_clipboard_cb), self);
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
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  self->save_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  setup_drop_target (self);
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
  select_account (self, account);
  open_composers = g_list_prepend (open_composers, self);
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
  add_reply_attachments (self, reply->attachments);
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

  select_account (self, find_account_by_id (self, data->account_id));
  signature = dup_signature_block (self);
  body = g_strconcat (signature, reply->body, NULL);
  fill_from_reply (self, reply, body);
}

static void
open_draft (PigeonEngine *engine, GtkApplication *app, GBytes *raw, gint64 draft_id, gint64 account_id)
{
  g_autoptr (PigeonReply) draft = pigeon_reply_new_from_message (raw);
  PigeonComposer *self = composer_new (app, engine, NULL);
  PigeonAccount *account = find_account_by_address (self, draft->from);

  select_account (self, account != NULL ? account : find_account_by_id (self, account_id));
  /* The line break that builder_new() added. */
  if (g_str_has_suffix (draft->body, "\n"))
    draft->body[strlen (draft->body) - 1] = '\0';
  self->draft_id = draft_id;
  fill_from_reply (self, draft, draft->body);
  write_open_drafts ();
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
    open_draft (PIGEON_ENGINE (source), data->app, raw, 0, data->account_id);
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

void
pigeon_composer_restore_drafts (GtkApplication *app, PigeonEngine *engine)
{
  g_autoptr (GArray) ids = read_open_drafts ();
  g_autoptr (GPtrArray) drafts = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (GTK_IS_APPLICATION (app));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));

  if (ids->len == 0)
    return;
  drafts = pigeon_store_list_drafts (pigeon_engine_get_store (engine), &error);
  if (drafts == NULL)
    {
      g_warning ("Cannot list the drafts: %s", error->message);
      return;
    }
  for (guint i = 0; i < drafts->len; i++)
    {
      PigeonDraft *draft = g_ptr_array_index (drafts, i);

      for (guint k = 0; k < ids->len; k++)
        if (g_array_index (ids, gint64, k) == draft->id)
          open_draft (engine, app, draft->raw, draft->id, draft->account_id);
    }
  /* Drafts that are gone (sent, discarded) leave the list. */
  write_open_drafts ();
}
