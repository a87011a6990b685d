/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pigeon-attachment-bar.h"

struct _PigeonAttachmentBar
{
  GtkWidget parent_instance;

  GPtrArray *parts; /* PigeonMimePart */
  GtkWidget *box;
  GtkWidget *title;
  GtkWidget *flow;
  /* Where opened and dragged copies go: one private directory (0700) per
   * bar, made on first use and left for the system's temporary-file
   * cleaning, because the application that opened a copy may still read
   * it after we exit. */
  char *temp_dir;
};

G_DEFINE_FINAL_TYPE (PigeonAttachmentBar, pigeon_attachment_bar, GTK_TYPE_WIDGET)

/* Names ------------------------------------------------------------------- */

/* Control characters, and the invisible format characters (Cf), which
 * include the bidi overrides that can make "exe.txt" read as "txt.exe"
 * (U+202E) and zero-width ones. */
static gboolean
is_forbidden_in_filename (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT || type == G_UNICODE_LINE_SEPARATOR ||
         type == G_UNICODE_PARAGRAPH_SEPARATOR || c == 0xFFFD;
}

static char *
strip_unsafe_characters (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_forbidden_in_filename (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

char *
pigeon_attachment_sanitize_filename (const char *name)
{
  g_autofree char *clean = NULL;
  const char *base;
  const char *start;
  const char *end;

  if (name == NULL)
    return g_strdup (_ ("attachment"));
  clean = strip_unsafe_characters (name);
  /* A Windows sender's "C:\\Users\\x\\file" counts as a path too. */
  base = MAX (strrchr (clean, '/'), strrchr (clean, '\\'));
  start = base != NULL ? base + 1 : clean;
  while (*start == '.' || *start == ' ')
    start++;
  end = start + strlen (start);
  while (end > start && (end[-1] == ' ' || end[-1] == '.'))
    end--;
  if (end == start)
    return g_strdup (_ ("attachment"));
  if (end - start > 200)
    end = g_utf8_find_prev_char (start, start + 201);
  return g_strndup (start, end - start);
}

/* Types ------------------------------------------------------------------- */

static const char *const unsafe_types[] = {
  "application/x-executable",
  "application/x-sharedlib",
  "application/x-pie-executable",
  "application/x-ms-dos-executable",
  "application/x-msdownload",
  "application/x-msi",
  "application/x-ms-shortcut",
  "application/vnd.microsoft.portable-executable",
  "application/x-desktop",
  "application/x-shellscript",
  "application/x-sh",
  "application/x-csh",
  "application/x-perl",
  "application/x-ruby",
  "application/x-python",
  "text/x-python",
  "text/x-python3",
  "application/x-bat",
  "application/x-java-archive",
  "application/java-archive",
  "application/x-java-jnlp-file",
  "application/vnd.appimage",
  "application/x-iso9660-appimage",
  "application/vnd.flatpak",
  "application/vnd.flatpak.ref",
  "application/vnd.flatpak.repo",
  "application/vnd.debian.binary-package",
  "application/x-rpm",
};

static const char *const unsafe_extensions[] = {
  ".appimage", ".bat", ".bin", ".cmd", ".com", ".cpl", ".desktop", ".exe",  ".flatpakref", ".hta", ".jar",
  ".jnlp",     ".js",  ".lnk", ".msi", ".pl",  ".ps1", ".py",      ".rb",   ".run",        ".scr", ".sh",
  ".vbs",      ".wsf", ".deb", ".rpm", ".elf", ".so",  ".csh",     ".bash", ".zsh",
};

static gboolean
is_unsafe_type (const char *type)
{
  if (g_str_has_prefix (type, "x-scheme-handler/"))
    return TRUE;
  /* text/javascript, application/ecmascript, text/x-*script ... but
   * PostScript is a document. */
  if (strstr (type, "script") != NULL && strstr (type, "postscript") == NULL)
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (unsafe_types); i++)
    if (g_content_type_is_a (type, unsafe_types[i]))
      return TRUE;
  return FALSE;
}

gboolean
pigeon_attachment_is_unsafe_to_open (const char *content_type, const char *filename)
{
  if (content_type != NULL && is_unsafe_type (content_type))
    return TRUE;
  if (filename != NULL)
    {
      g_autofree char *lower = g_utf8_strdown (filename, -1);
      g_autofree char *guessed = g_content_type_guess (filename, NULL, 0, NULL);

      for (gsize i = 0; i < G_N_ELEMENTS (unsafe_extensions); i++)
        if (g_str_has_suffix (lower, unsafe_extensions[i]))
          return TRUE;
      if (is_unsafe_type (guessed))
        return TRUE;
    }
  return FALSE;
}

/* The decoded data's type as the desktop would see it: sniffed from the
 * bytes together with the name, not the type the sender declared. */
static gboolean
part_is_unsafe_to_open (PigeonMimePart *part, GBytes *data)
{
  g_autofree char *name = pigeon_attachment_sanitize_filename (pigeon_mime_part_get_filename (part));
  gsize size;
  const guchar *bytes = g_bytes_get_data (data, &size);
  g_autofree char *sniffed = g_content_type_guess (NULL, bytes, size, NULL);
  g_autofree char *guessed = g_content_type_guess (name, bytes, size, NULL);

  return pigeon_attachment_is_unsafe_to_open (sniffed, name) || pigeon_attachment_is_unsafe_to_open (guessed, NULL) ||
         pigeon_attachment_is_unsafe_to_open (pigeon_mime_part_get_mime_type (part), NULL);
}

/* Writing copies ---------------------------------------------------------- */

static PigeonMimePart *
get_part (PigeonAttachmentBar *self, guint index)
{
  if (self->parts == NULL || index >= self->parts->len)
    return NULL;
  return g_ptr_array_index (self->parts, index);
}

static char *
part_filename (PigeonMimePart *part)
{
  return pigeon_attachment_sanitize_filename (pigeon_mime_part_get_filename (part));
}

/* Writes @data to a new file in @dir, mode 0600, never over an existing
 * file: "name.ext" is tried, then "name (2).ext", ... */
static GFile *
create_unique_file (GFile *dir, const char *name, GBytes *data, GError **error)
{
  g_autofree char *stem = g_strdup (name);
  const char *dot = strrchr (name, '.');
  const char *extension = dot != NULL && dot != name ? dot : "";

  stem[strlen (name) - strlen (extension)] = '\0';
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *candidate = n == 1 ? g_strdup (name) : g_strdup_printf ("%s (%u)%s", stem, n, extension);
      g_autoptr (GFile) file = g_file_get_child (dir, candidate);
      g_autoptr (GFileOutputStream) stream = NULL;
      g_autoptr (GError) local_error = NULL;

      stream = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, &local_error);
      if (stream == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        continue;
      if (stream == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                      NULL, NULL, error) ||
          !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error))
        return NULL;
      return g_steal_pointer (&file);
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _ ("Too many files with this name"));
  return NULL;
}

static GFile *
write_temp_copy (PigeonAttachmentBar *self, PigeonMimePart *part, GError **error)
{
  g_autoptr (GBytes) data = pigeon_mime_part_decode (part);
  g_autofree char *name = part_filename (part);
  g_autoptr (GFile) dir = NULL;

  if (self->temp_dir == NULL)
    {
      self->temp_dir = g_dir_make_tmp ("pigeon-attachments-XXXXXX", error);
      if (self->temp_dir == NULL)
        return NULL;
    }
  dir = g_file_new_for_path (self->temp_dir);
  return create_unique_file (dir, name, data, error);
}

static void
show_error (PigeonAttachmentBar *self, const char *heading, const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Save As ----------------------------------------------------------------- */

static void
save_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  PigeonAttachmentBar *self = PIGEON_ATTACHMENT_BAR (user_data);
  PigeonMimePart *part = g_object_get_data (G_OBJECT (chooser), "part");
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    {
      g_autoptr (GBytes) data = pigeon_mime_part_decode (part);
      g_autoptr (GError) error = NULL;

      /* The chooser has asked before we replace an existing file;
       * REPLACE_DESTINATION makes the replacement a new 0600 file. */
      if (!g_file_replace_contents (file, g_bytes_get_data (data, NULL), g_bytes_get_size (data), NULL, FALSE,
                                    G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
        show_error (self, _ ("Could Not Save the Attachment"), error);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
save_part (PigeonAttachmentBar *self, PigeonMimePart *part)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autofree char *name = part_filename (part);

  chooser = gtk_file_chooser_native_new (_ ("Save Attachment"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "part", g_object_ref (part), g_object_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_all_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  PigeonAttachmentBar *self = PIGEON_ATTACHMENT_BAR (user_data);
  g_autoptr (GFile) dir = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  for (guint i = 0; response == GTK_RESPONSE_ACCEPT && dir != NULL && i < self->parts->len; i++)
    {
      PigeonMimePart *part = g_ptr_array_index (self->parts, i);
      g_autoptr (GBytes) data = pigeon_mime_part_decode (part);
      g_autofree char *name = part_filename (part);
      g_autoptr (GFile) file = NULL;
      g_autoptr (GError) error = NULL;

      file = create_unique_file (dir, name, data, &error);
      if (file == NULL)
        {
          show_error (self, _ ("Could Not Save the Attachments"), error);
          break;
        }
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
save_all (PigeonAttachmentBar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_ ("Save All Attachments"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (save_all_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Open -------------------------------------------------------------------- */

static void
refused_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  PigeonAttachmentBar *self = PIGEON_ATTACHMENT_BAR (user_data);
  PigeonMimePart *part = g_object_get_data (G_OBJECT (dialog), "part");

  if (g_strcmp0 (response, "save") == 0)
    save_part (self, part);
  g_object_unref (self);
}

static void
explain_refusal (PigeonAttachmentBar *self, PigeonMimePart *part)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = part_filename (part);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _ ("This Attachment Is Not Opened"),
                                   NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _ ("“%s” is a program, a script or a launcher. Opening it could run code on "
                                     "your computer, so Pigeon does not open it. If you trust the sender, "
                                     "you can save it and decide what to do with it."),
                                  name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "save", _ ("_Save As…"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "part", g_object_ref (part), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (refused_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_part (PigeonAttachmentBar *self, PigeonMimePart *part)
{
  g_autoptr (GBytes) data = pigeon_mime_part_decode (part);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  GtkRoot *root;

  if (part_is_unsafe_to_open (part, data))
    {
      explain_refusal (self, part);
      return;
    }
  file = write_temp_copy (self, part, &error);
  if (file == NULL)
    {
      show_error (self, _ ("Could Not Open the Attachment"), error);
      return;
    }
  uri = g_file_get_uri (file);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonAttachmentBar *self = PIGEON_ATTACHMENT_BAR (widget);
  PigeonMimePart *part = get_part (self, g_variant_get_uint32 (parameter));

  if (part != NULL)
    open_part (self, part);
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonAttachmentBar *self = PIGEON_ATTACHMENT_BAR (widget);
  PigeonMimePart *part = get_part (self, g_variant_get_uint32 (parameter));

  if (part != NULL)
    save_part (self, part);
}

static void
save_all_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonAttachmentBar *self = PIGEON_ATTACHMENT_BAR (widget);

  if (self->parts != NULL && self->parts->len > 0)
    save_all (self);
}

/* Drag out ---------------------------------------------------------------- */

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source, double x, double y, gpointer user_data)
{
  PigeonAttachmentBar *self = PIGEON_ATTACHMENT_BAR (user_data);
  GtkWidget *item = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  PigeonMimePart *part = get_part (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), "index")));
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  GdkFileList *list;
  GSList single = { NULL, NULL };
  GdkContentProvider *providers[2];

  if (part == NULL)
    return NULL;
  /* A file manager takes a file, so the drag carries a private copy. */
  file = write_temp_copy (self, part, &error);
  if (file == NULL)
    {
      g_warning ("Could not write a copy of an attachment to drag: %s", error->message);
      return NULL;
    }
  single.data = file;
  list = gdk_file_list_new_from_list (&single);
  providers[0] = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, list);
  providers[1] = gdk_content_provider_new_typed (G_TYPE_FILE, file);
  g_boxed_free (GDK_TYPE_FILE_LIST, list);
  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

/* Items ------------------------------------------------------------------- */

static GtkWidget *
item_content_new (PigeonMimePart *part)
{
  g_autofree char *name = part_filename (part);
  g_autoptr (GBytes) data = pigeon_mime_part_decode (part);
  g_autofree char *size = g_format_size (g_bytes_get_size (data));
  g_autoptr (GIcon) icon = g_content_type_get_symbolic_icon (pigeon_mime_part_get_mime_type (part));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *size_label = gtk_label_new (size);

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_gicon (icon));
  gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (name_label), 28);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_widget_set_name (name_label, "attachment-name");
  gtk_label_set_xalign (GTK_LABEL (size_label), 0);
  gtk_widget_add_css_class (size_label, "dim-label");
  gtk_widget_add_css_class (size_label, "caption");
  gtk_widget_set_name (size_label, "attachment-size");
  gtk_box_append (GTK_BOX (labels), name_label);
  gtk_box_append (GTK_BOX (labels), size_label);
  gtk_box_append (GTK_BOX (box), labels);
  return box;
}

static GMenuModel *
item_menu_new (guint index)
{
  GMenu *menu = g_menu_new ();
  g_autoptr (GMenuItem) open = g_menu_item_new (_ ("_Open"), NULL);
  g_autoptr (GMenuItem) save = g_menu_item_new (_ ("_Save As…"), NULL);

  g_menu_item_set_action_and_target_value (open, "attachment.open", g_variant_new_uint32 (index));
  g_menu_item_set_action_and_target_value (save, "attachment.save", g_variant_new_uint32 (index));
  g_menu_append_item (menu, open);
  g_menu_append_item (menu, save);
  return G_MENU_MODEL (menu);
}

/* [ icon name/size ][ ▾ ]: the main button opens, the menu saves. */
static GtkWidget *
item_new (PigeonAttachmentBar *self, guint index)
{
  PigeonMimePart *part = g_ptr_array_index (self->parts, index);
  g_autofree char *name = part_filename (part);
  g_autofree char *open_label = g_strdup_printf (_ ("Open %s"), name);
  g_autofree char *more_label = g_strdup_printf (_ ("More for %s"), name);
  g_autoptr (GMenuModel) menu = item_menu_new (index);
  GtkWidget *linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *more = gtk_menu_button_new ();
  GtkDragSource *drag = gtk_drag_source_new ();

  gtk_widget_add_css_class (linked, "linked");
  gtk_widget_set_halign (linked, GTK_ALIGN_START);
  gtk_button_set_child (GTK_BUTTON (button), item_content_new (part));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "attachment.open");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (index));
  gtk_widget_set_tooltip_text (button, open_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, open_label, -1);
  g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (index));
  gtk_drag_source_set_actions (drag, GDK_ACTION_COPY);
  g_signal_connect (drag, "prepare", G_CALLBACK (drag_prepare_cb), self);
  gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (drag));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (more), menu);
  gtk_widget_set_tooltip_text (more, more_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (more), GTK_ACCESSIBLE_PROPERTY_LABEL, more_label, -1);
  gtk_box_append (GTK_BOX (linked), button);
  gtk_box_append (GTK_BOX (linked), more);
  return linked;
}

static void
rebuild (PigeonAttachmentBar *self)
{
  GtkWidget *child;
  guint n = self->parts != NULL ? self->parts->len : 0;
  g_autofree char *title = NULL;

  while ((child = gtk_widget_get_first_child (self->flow)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->flow), child);
  for (guint i = 0; i < n; i++)
    gtk_flow_box_append (GTK_FLOW_BOX (self->flow), item_new (self, i));
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Attachment", "%u Attachments", n), n);
  gtk_label_set_label (GTK_LABEL (self->title), title);
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "attachment.save-all", n > 0);
}

void
pigeon_attachment_bar_set_parts (PigeonAttachmentBar *self, GPtrArray *parts)
{
  g_return_if_fail (PIGEON_IS_ATTACHMENT_BAR (self));

  g_clear_pointer (&self->parts, g_ptr_array_unref);
  if (parts != NULL)
    self->parts = g_ptr_array_ref (parts);
  rebuild (self);
}

guint
pigeon_attachment_bar_get_n_attachments (PigeonAttachmentBar *self)
{
  g_return_val_if_fail (PIGEON_IS_ATTACHMENT_BAR (self), 0);

  return self->parts != NULL ? self->parts->len : 0;
}

static void
pigeon_attachment_bar_dispose (GObject *object)
{
  PigeonAttachmentBar *self = PIGEON_ATTACHMENT_BAR (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->parts, g_ptr_array_unref);

  G_OBJECT_CLASS (pigeon_attachment_bar_parent_class)->dispose (object);
}

static void
pigeon_attachment_bar_finalize (GObject *object)
{
  PigeonAttachmentBar *self = PIGEON_ATTACHMENT_BAR (object);

  g_free (self->temp_dir);

  G_OBJECT_CLASS (pigeon_attachment_bar_parent_class)->finalize (object);
}

static void
pigeon_attachment_bar_class_init (PigeonAttachmentBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_attachment_bar_dispose;
  object_class->finalize = pigeon_attachment_bar_finalize;

  gtk_widget_class_install_action (widget_class, "attachment.open", "u", open_action);
  gtk_widget_class_install_action (widget_class, "attachment.save", "u", save_action);
  gtk_widget_class_install_action (widget_class, "attachment.save-all", NULL, save_all_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attachmentbar");
}

/* The items are made per message, so the bar is built in code rather
 * than from a template: a title row ("2 Attachments" and Save All) over
 * a flow box of items. */
static void
pigeon_attachment_bar_init (PigeonAttachmentBar *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *save_all_button = gtk_button_new_with_mnemonic (_ ("Save _All…"));

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->title = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->title, "heading");
  gtk_widget_set_hexpand (self->title, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save_all_button), "attachment.save-all");
  gtk_widget_add_css_class (save_all_button, "flat");
  gtk_box_append (GTK_BOX (header), self->title);
  gtk_box_append (GTK_BOX (header), save_all_button);
  self->flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->flow), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->flow), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->flow), 6);
  /* Equal columns across the whole width, each item at the start of its
   * cell: the items line up from the left, and the bar's height follows
   * its width (a flow box that is not as wide as its row wraps in a
   * height it was not measured for). */
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->flow), TRUE);
  gtk_box_append (GTK_BOX (self->box), header);
  gtk_box_append (GTK_BOX (self->box), self->flow);
  rebuild (self);
}

GtkWidget *
pigeon_attachment_bar_new (void)
{
  return g_object_new (PIGEON_TYPE_ATTACHMENT_BAR, NULL);
}
