/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-composer-private.h"

/* Attachments */

static void update_attachments (PigeonComposer *self);

void
pigeon_composer_attachment_free (Attachment *attachment)
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
  pigeon_composer_schedule_autosave (self);
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

void
pigeon_composer_add_reply_attachments (PigeonComposer *self, GPtrArray *attachments)
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

guint64
pigeon_composer_get_total_size (PigeonComposer *self)
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

void
pigeon_composer_setup_drop_target (PigeonComposer *self)
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

void
pigeon_composer_paste_clipboard_cb (GtkTextView *view, PigeonComposer *self)
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

void
pigeon_composer_attach_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonComposer *self = PIGEON_COMPOSER (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_ ("Attach Files"), GTK_WINDOW (self),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Attach"), NULL);

  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
