/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-attachment-bar.h"
#include "pigeon-composer.h"
#include "pigeon-html-sanitizer.h"
#ifdef HAVE_WEBKIT
#include "pigeon-html-view.h"
#endif
#include "pigeon-mime.h"
#include "pigeon-plain-text.h"
#include "pigeon-reader.h"

struct _PigeonReader
{
  GtkWidget parent_instance;

  PigeonEngine *engine;
  PigeonMessage *message;
  GSettings *settings;
  GCancellable *cancellable;
  guint mark_read_id;

  /* The menu of an address link, and where the last click on one was. */
  GtkWidget *address_menu;
  GtkWidget *click_label;
  double click_x;
  double click_y;

  /* The shown message, parsed, and the ids of messages whose remote
   * content the person chose to see in this session. */
  PigeonMimeMessage *mime;
  GHashTable *remote_allowed;
  GtkWidget *html_view;

  /* Template children */
  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *error_page;
  GtkScrolledWindow *scroller;
  GtkLabel *subject_label;
  GtkGrid *header_grid;
  GtkBox *body_box;
  GtkInfoBar *remote_bar;
  GtkStack *body_stack;
  GtkBox *html_box;
  PigeonAttachmentBar *attachment_bar;
};

G_DEFINE_FINAL_TYPE (PigeonReader, pigeon_reader, GTK_TYPE_WIDGET)

/* The parts a message shows: its text bodies in order, and its
 * attachments. */
typedef struct
{
  GPtrArray *bodies;      /* PigeonMimePart, text/plain or text/html */
  GPtrArray *attachments; /* PigeonMimePart */
} Contents;

static void
contents_clear (Contents *contents)
{
  g_clear_pointer (&contents->bodies, g_ptr_array_unref);
  g_clear_pointer (&contents->attachments, g_ptr_array_unref);
}

/* Addresses --------------------------------------------------------------- */

static void
compose_to (PigeonReader *self, const char *mailto_uri)
{
  GApplication *application = g_application_get_default ();

  if (GTK_IS_APPLICATION (application))
    pigeon_composer_present_mailto (GTK_APPLICATION (application), self->engine, mailto_uri);
}

static void
copy_address_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_variant_get_string (parameter, NULL));
}

static void
compose_to_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autofree char *escaped = g_uri_escape_string (g_variant_get_string (parameter, NULL), "@", FALSE);
  g_autofree char *uri = g_strconcat ("mailto:", escaped, NULL);

  compose_to (PIGEON_READER (widget), uri);
}

static GMenuModel *
address_menu_new (const char *address)
{
  GMenu *menu = g_menu_new ();
  g_autoptr (GMenuItem) copy = g_menu_item_new (_ ("_Copy Address"), NULL);
  g_autoptr (GMenuItem) compose = g_menu_item_new (_ ("_New Message To…"), NULL);

  g_menu_item_set_action_and_target_value (copy, "reader.copy-address", g_variant_new_string (address));
  g_menu_item_set_action_and_target_value (compose, "reader.compose-to", g_variant_new_string (address));
  g_menu_append_item (menu, copy);
  g_menu_append_item (menu, compose);
  return G_MENU_MODEL (menu);
}

/* The addresses of a field as one wrapping label in which each address
 * is a link (so Tab reaches each one and Enter activates it); activating
 * one opens a menu to copy it or to write to it. The text is escaped:
 * names come from the message. @full shows "Name <address>" (the
 * sender); otherwise the name alone, with the address as its tooltip. */
static char *
address_list_markup (GPtrArray *addresses, gboolean full)
{
  GString *markup = g_string_new (NULL);

  for (guint i = 0; i < addresses->len; i++)
    {
      const PigeonMimeAddress *address = g_ptr_array_index (addresses, i);
      gboolean has_name = address->name != NULL && address->name[0] != '\0';
      g_autofree char *escaped = NULL;
      g_autofree char *uri = NULL;
      g_autofree char *text = NULL;
      g_autofree char *link = NULL;

      if (address->address == NULL)
        continue;
      escaped = g_uri_escape_string (address->address, "@", FALSE);
      uri = g_strconcat ("mailto:", escaped, NULL);
      if (has_name && full)
        text = g_strdup_printf ("%s <%s>", address->name, address->address);
      else
        text = g_strdup (has_name ? address->name : address->address);
      link = g_markup_printf_escaped ("<a href=\"%s\" title=\"%s\">%s</a>", uri, address->address, text);
      if (markup->len > 0)
        g_string_append (markup, ", ");
      g_string_append (markup, link);
    }
  return g_string_free (markup, FALSE);
}

static void
address_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, gpointer user_data)
{
  PigeonReader *self = PIGEON_READER (user_data);
  GtkWidget *label = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  gtk_widget_translate_coordinates (label, GTK_WIDGET (self), x, y, &self->click_x, &self->click_y);
  self->click_label = label;
}

/* Points the menu at the click that activated the link, or at the whole
 * label when it came from the keyboard. */
static void
point_address_menu (PigeonReader *self, GtkWidget *label)
{
  GdkRectangle rect;
  graphene_rect_t bounds;

  if (self->click_label == label)
    rect = (GdkRectangle){ (int) self->click_x, (int) self->click_y, 1, 1 };
  else if (gtk_widget_compute_bounds (label, GTK_WIDGET (self), &bounds))
    rect = (GdkRectangle){ (int) bounds.origin.x, (int) bounds.origin.y, (int) bounds.size.width,
                           (int) bounds.size.height };
  else
    rect = (GdkRectangle){ 0, 0, 1, 1 };
  self->click_label = NULL;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->address_menu), &rect);
}

static gboolean
address_activated_cb (GtkLabel *label, const char *uri, gpointer user_data)
{
  PigeonReader *self = PIGEON_READER (user_data);
  g_autofree char *address = g_uri_unescape_string (uri + strlen ("mailto:"), NULL);
  g_autoptr (GMenuModel) menu = NULL;

  if (address == NULL)
    return TRUE;
  menu = address_menu_new (address);
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->address_menu), menu);
  point_address_menu (self, GTK_WIDGET (label));
  gtk_popover_popup (GTK_POPOVER (self->address_menu));
  return TRUE;
}

static GtkWidget *
address_list_new (PigeonReader *self, GPtrArray *addresses, gboolean full)
{
  g_autofree char *markup = address_list_markup (addresses, full);
  GtkWidget *label = gtk_label_new (NULL);
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "reader-addresses");
  g_signal_connect (label, "activate-link", G_CALLBACK (address_activated_cb), self);
  /* Capture: the label's own gesture would claim the click first. */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (address_pressed_cb), self);
  gtk_widget_add_controller (label, GTK_EVENT_CONTROLLER (click));
  return label;
}

/* Headers ----------------------------------------------------------------- */

static void
add_header_row (PigeonReader *self, int row, const char *title, GtkWidget *value)
{
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (self->header_grid, label, 0, row, 1, 1);
  gtk_grid_attach (self->header_grid, value, 1, row, 1, 1);
}

static char *
format_date (PigeonReader *self, PigeonMimeMessage *mime)
{
  gint64 unix_time = 0;
  g_autoptr (GDateTime) date = NULL;

  if (!pigeon_mime_message_get_date (mime, &unix_time, NULL))
    unix_time = pigeon_message_get_date (self->message);
  if (unix_time == 0 || (date = g_date_time_new_from_unix_local (unix_time)) == NULL)
    return g_strdup (_ ("Unknown date"));
  /* Translators: the full date of a message in the reader, as
   * g_date_time_format() takes it: "Saturday, 28 November 2026, 15:20". */
  return g_date_time_format (date, _ ("%A, %-d %B %Y, %H:%M"));
}

static void
show_headers (PigeonReader *self, PigeonMimeMessage *mime)
{
  static const struct
  {
    const char *field;
    const char *title;
  } fields[] = { { "From", N_ ("From") }, { "To", N_ ("To") }, { "Cc", N_ ("Cc") } };
  g_autofree char *subject = pigeon_mime_message_dup_subject (mime);
  g_autofree char *date = format_date (self, mime);
  GtkWidget *child;
  GtkWidget *date_label;
  int row = 0;

  gtk_label_set_text (self->subject_label, subject != NULL && subject[0] != '\0' ? subject : _ ("(No Subject)"));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->header_grid))) != NULL)
    gtk_grid_remove (self->header_grid, child);
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr (GPtrArray) addresses = pigeon_mime_message_get_addresses (mime, fields[i].field);

      if (addresses->len > 0)
        add_header_row (self, row++, _ (fields[i].title), address_list_new (self, addresses, i == 0));
    }
  date_label = gtk_label_new (date);
  gtk_label_set_xalign (GTK_LABEL (date_label), 0);
  gtk_label_set_selectable (GTK_LABEL (date_label), TRUE);
  add_header_row (self, row, _ ("Date"), date_label);
}

/* Body -------------------------------------------------------------------- */

/* @uri is http, https or mailto: the text markup only makes those
 * (pigeon_plain_text_to_markup()), and the HTML view only passes those. */
static void
open_uri (PigeonReader *self, const char *uri)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (g_ascii_strncasecmp (uri, "mailto:", 7) == 0)
    compose_to (self, uri);
  else
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static gboolean
activate_link_cb (GtkLabel *label, const char *uri, gpointer user_data)
{
  open_uri (PIGEON_READER (user_data), uri);
  return TRUE;
}

static void
add_text_block (PigeonReader *self, guint quote_level, const char *text)
{
  g_autofree char *markup = pigeon_plain_text_to_markup (text);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_halign (label, GTK_ALIGN_FILL);
  g_signal_connect (label, "activate-link", G_CALLBACK (activate_link_cb), self);
  if (quote_level > 0)
    {
      g_autofree char *level_class = g_strdup_printf ("level-%u", (quote_level - 1) % 3 + 1);

      gtk_widget_add_css_class (label, "reader-quote");
      gtk_widget_add_css_class (label, level_class);
      gtk_widget_set_margin_start (label, 12 * (quote_level - 1));
    }
  gtk_box_append (self->body_box, label);
}

/* The MIME engine guessed the text's encoding (unknown or wrong charset):
 * say so, since some characters may be wrong. */
static void
add_charset_note (PigeonReader *self)
{
  GtkWidget *note = gtk_label_new (_ ("Some characters may be wrong: this text does not say its character set "
                                      "correctly."));

  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_add_css_class (note, "caption");
  gtk_widget_add_css_class (note, "reader-charset-note");
  gtk_box_append (self->body_box, note);
}

/* Consecutive lines of one quote level make one block (one label), so a
 * quote gets one continuous bar. Blank lines at a block's ends are left
 * out: the box's spacing separates blocks. */
static void
show_lines (PigeonReader *self, GPtrArray *lines)
{
  for (guint i = 0; i < lines->len;)
    {
      PigeonTextLine *first = g_ptr_array_index (lines, i);
      g_autoptr (GString) block = g_string_new (NULL);
      guint j;

      for (j = i; j < lines->len; j++)
        {
          PigeonTextLine *line = g_ptr_array_index (lines, j);

          if (line->quote_level != first->quote_level)
            break;
          if (block->len > 0 || line->text[0] != '\0')
            g_string_append_printf (block, "%s\n", line->text);
        }
      while (block->len > 0 && g_ascii_isspace (block->str[block->len - 1]))
        g_string_truncate (block, block->len - 1);
      if (block->len > 0)
        add_text_block (self, first->quote_level, block->str);
      i = j;
    }
}

static void
show_body_part (PigeonReader *self, PigeonMimePart *part)
{
  gboolean fallback = FALSE;
  g_autofree char *text = pigeon_mime_part_get_text (part, &fallback);
  const PigeonMimeContentType *type = pigeon_mime_part_get_content_type (part);
  g_autoptr (GPtrArray) lines = NULL;

  if (text == NULL)
    return;
  if (fallback)
    add_charset_note (self);
  if (pigeon_mime_part_is_type (part, "text", "html"))
    {
      /* Without an HTML view, the HTML is read as text: scripts, styles
       * and everything hidden are dropped, links written out. */
      g_autofree char *plain = pigeon_html_to_text (text);

      lines = pigeon_plain_text_parse (plain, FALSE, FALSE);
    }
  else
    {
      const char *format = pigeon_mime_content_type_get_param (type, "format");
      const char *delsp = pigeon_mime_content_type_get_param (type, "delsp");

      lines = pigeon_plain_text_parse (text, format != NULL && g_ascii_strcasecmp (format, "flowed") == 0,
                                       delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);
    }
  show_lines (self, lines);
}

/* Parts ------------------------------------------------------------------- */

static gboolean
is_text_body (PigeonMimePart *part)
{
  return pigeon_mime_part_is_type (part, "text", "plain") || pigeon_mime_part_is_type (part, "text", "html");
}

/* The body type we render best: HTML in the web view when there is one,
 * else plain text. */
static gboolean
is_preferred_body (PigeonMimePart *part)
{
#ifdef HAVE_WEBKIT
  return pigeon_mime_part_is_type (part, "text", "html");
#else
  return pigeon_mime_part_is_type (part, "text", "plain");
#endif
}

/* RFC 2046 5.1.4: the alternatives come in increasing order of
 * faithfulness, so the last one we render best wins; another text type
 * is taken only when there is nothing better. */
static PigeonMimePart *
choose_alternative (PigeonMimePart *part)
{
  PigeonMimePart *chosen = NULL;

  for (guint i = 0; i < pigeon_mime_part_get_n_children (part); i++)
    {
      PigeonMimePart *child = pigeon_mime_part_get_child (part, i);

      if (is_preferred_body (child) || pigeon_mime_part_is_multipart (child))
        chosen = child;
      else if (chosen == NULL && is_text_body (child))
        chosen = child;
    }
  return chosen;
}

static void
collect_parts (PigeonMimePart *part, Contents *contents)
{
  if (pigeon_mime_part_is_multipart (part))
    {
      if (pigeon_mime_part_is_type (part, "multipart", "alternative"))
        {
          PigeonMimePart *chosen = choose_alternative (part);

          if (chosen != NULL)
            collect_parts (chosen, contents);
          return;
        }
      for (guint i = 0; i < pigeon_mime_part_get_n_children (part); i++)
        collect_parts (pigeon_mime_part_get_child (part, i), contents);
    }
  else if (pigeon_mime_part_is_attachment (part) || !is_text_body (part))
    {
      /* Inline images of a multipart/related HTML body have no name; they
       * belong to the HTML, not to the list. */
      if (pigeon_mime_part_is_attachment (part) || pigeon_mime_part_get_filename (part) != NULL ||
          pigeon_mime_part_is_type (part, "message", "rfc822"))
        g_ptr_array_add (contents->attachments, g_object_ref (part));
    }
  else
    g_ptr_array_add (contents->bodies, g_object_ref (part));
}

/* Loading ----------------------------------------------------------------- */

static void
mark_read_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_action_finish (PIGEON_ENGINE (source), result, &error))
    g_warning ("Could not mark the message as read: %s", error->message);
}

static gboolean
mark_read_cb (gpointer user_data)
{
  PigeonReader *self = PIGEON_READER (user_data);
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);

  self->mark_read_id = 0;
  g_ptr_array_add (messages, g_object_ref (self->message));
  pigeon_engine_set_flags_async (self->engine, messages, PIGEON_MESSAGE_SEEN, PIGEON_MESSAGE_FLAGS_NONE, NULL,
                                 mark_read_done_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_mark_read (PigeonReader *self)
{
  guint delay = g_settings_get_uint (self->settings, "mark-read-delay");

  if (delay > 0 && pigeon_message_get_unread (self->message))
    self->mark_read_id = g_timeout_add_seconds (delay, mark_read_cb, self);
}

#ifdef HAVE_WEBKIT
static void
html_open_uri_cb (PigeonHtmlView *view, const char *uri, gpointer user_data)
{
  open_uri (PIGEON_READER (user_data), uri);
}

/* The sender's address, lower-case, as trusted-senders keeps it. */
static char *
dup_sender_address (PigeonMimeMessage *mime)
{
  g_autoptr (GPtrArray) from = pigeon_mime_message_get_addresses (mime, "From");
  const PigeonMimeAddress *first = from->len > 0 ? g_ptr_array_index (from, 0) : NULL;

  return first != NULL && first->address != NULL ? g_ascii_strdown (first->address, -1) : NULL;
}

static gboolean
remote_content_allowed (PigeonReader *self)
{
  gint64 id = pigeon_message_get_id (self->message);
  g_auto (GStrv) trusted = g_settings_get_strv (self->settings, "trusted-senders");
  g_autofree char *sender = dup_sender_address (self->mime);

  return g_hash_table_contains (self->remote_allowed, &id) ||
         (sender != NULL && g_strv_contains ((const char *const *) trusted, sender));
}

/* One document of all the bodies: HTML as it came (the view sanitises
 * it), plain text escaped in a <pre>. */
static char *
bodies_to_html (GPtrArray *bodies)
{
  GString *html = g_string_new (NULL);

  for (guint i = 0; i < bodies->len; i++)
    {
      PigeonMimePart *part = g_ptr_array_index (bodies, i);
      g_autofree char *text = pigeon_mime_part_get_text (part, NULL);
      g_autofree char *escaped = NULL;

      if (text == NULL)
        continue;
      if (pigeon_mime_part_is_type (part, "text", "html"))
        {
          g_string_append (html, text);
          continue;
        }
      escaped = g_markup_escape_text (text, -1);
      g_string_append_printf (html, "<pre style=\"white-space: pre-wrap\">%s</pre>", escaped);
    }
  return g_string_free (html, FALSE);
}

static gboolean
show_html_bodies (PigeonReader *self, GPtrArray *bodies)
{
  g_autofree char *html = NULL;
  gboolean has_html = FALSE;
  gboolean allowed;
  gboolean blocked;

  for (guint i = 0; i < bodies->len && !has_html; i++)
    has_html = pigeon_mime_part_is_type (g_ptr_array_index (bodies, i), "text", "html");
  if (!has_html)
    return FALSE;
  if (self->html_view == NULL)
    {
      self->html_view = pigeon_html_view_new ();
      gtk_widget_set_vexpand (self->html_view, TRUE);
      g_signal_connect (self->html_view, "open-uri", G_CALLBACK (html_open_uri_cb), self);
      gtk_box_append (self->html_box, self->html_view);
    }
  html = bodies_to_html (bodies);
  allowed = remote_content_allowed (self);
  blocked = pigeon_html_view_show (PIGEON_HTML_VIEW (self->html_view), self->mime, html, allowed);
  gtk_info_bar_set_revealed (self->remote_bar, blocked && !allowed);
  gtk_stack_set_visible_child_name (self->body_stack, "html");
  return TRUE;
}
#endif

static void
show_bodies (PigeonReader *self, GPtrArray *bodies)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->body_box))) != NULL)
    gtk_box_remove (self->body_box, child);
#ifdef HAVE_WEBKIT
  if (show_html_bodies (self, bodies))
    return;
#endif
  gtk_info_bar_set_revealed (self->remote_bar, FALSE);
  for (guint i = 0; i < bodies->len; i++)
    show_body_part (self, g_ptr_array_index (bodies, i));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  gtk_stack_set_visible_child_name (self->body_stack, "text");
}

/* The header and body widgets are made anew for each message. GTK 4.8
 * trips over a focused widget that goes away this way (a critical during
 * the next layout), so the focus leaves them first. */
static void
release_focus (PigeonReader *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    gtk_root_set_focus (root, NULL);
}

static void
show_message (PigeonReader *self, GBytes *body)
{
  Contents contents = { g_ptr_array_new_with_free_func (g_object_unref),
                        g_ptr_array_new_with_free_func (g_object_unref) };

  g_clear_object (&self->mime);
  self->mime = pigeon_mime_message_new_from_bytes (body, NULL);
  collect_parts (pigeon_mime_message_get_root (self->mime), &contents);
  release_focus (self);
  show_headers (self, self->mime);
  show_bodies (self, contents.bodies);
  pigeon_attachment_bar_set_parts (self->attachment_bar, contents.attachments);
  contents_clear (&contents);
  gtk_stack_set_visible_child_name (self->stack, "message");
  schedule_mark_read (self);
}

#ifdef HAVE_WEBKIT
/* Shows the current message's body again, after a remote content choice. */
static void
show_bodies_again (PigeonReader *self)
{
  Contents contents = { g_ptr_array_new_with_free_func (g_object_unref),
                        g_ptr_array_new_with_free_func (g_object_unref) };

  collect_parts (pigeon_mime_message_get_root (self->mime), &contents);
  show_bodies (self, contents.bodies);
  contents_clear (&contents);
}

static void
show_remote_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonReader *self = PIGEON_READER (widget);
  gint64 id;

  if (self->message == NULL || self->mime == NULL)
    return;
  id = pigeon_message_get_id (self->message);
  g_hash_table_add (self->remote_allowed, g_memdup2 (&id, sizeof id));
  show_bodies_again (self);
}

static void
trust_sender_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonReader *self = PIGEON_READER (widget);
  g_autofree char *sender = NULL;
  g_auto (GStrv) trusted = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) updated = NULL;

  if (self->mime == NULL || (sender = dup_sender_address (self->mime)) == NULL)
    return;
  trusted = g_settings_get_strv (self->settings, "trusted-senders");
  if (!g_strv_contains ((const char *const *) trusted, sender))
    {
      g_strv_builder_addv (builder, (const char **) trusted);
      g_strv_builder_add (builder, sender);
      updated = g_strv_builder_end (builder);
      g_settings_set_strv (self->settings, "trusted-senders", (const char *const *) updated);
    }
  show_bodies_again (self);
}
#endif

typedef struct
{
  PigeonReader *self;
  GCancellable *cancellable;
} LoadData;

static void
body_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LoadData *data = user_data;
  PigeonReader *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = pigeon_engine_load_body_finish (PIGEON_ENGINE (source), result, &error);

  /* Another message was chosen meanwhile (or the reader went away). */
  if (!g_cancellable_is_cancelled (data->cancellable))
    {
      gtk_spinner_stop (self->spinner);
      if (body != NULL)
        show_message (self, body);
      else
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
    }
  g_object_unref (data->cancellable);
  g_object_unref (data->self);
  g_free (data);
}

static void
stop_loading (PigeonReader *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->mark_read_id, g_source_remove);
}

static void
load (PigeonReader *self)
{
  LoadData *data = g_new0 (LoadData, 1);

  stop_loading (self);
  self->cancellable = g_cancellable_new ();
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->cancellable);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  pigeon_engine_load_body_async (self->engine, self->message, self->cancellable, body_loaded_cb, data);
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonReader *self = PIGEON_READER (widget);

  if (self->message != NULL)
    load (self);
}

/* GtkWidget --------------------------------------------------------------- */

static void
pigeon_reader_measure (GtkWidget *widget,
                       GtkOrientation orientation,
                       int for_size,
                       int *minimum,
                       int *natural,
                       int *minimum_baseline,
                       int *natural_baseline)
{
  PigeonReader *self = PIGEON_READER (widget);

  gtk_widget_measure (GTK_WIDGET (self->stack), orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
}

/* The address menu is our own popover child: it needs presenting at each
 * allocation, which a layout manager would not do. */
static void
pigeon_reader_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  PigeonReader *self = PIGEON_READER (widget);

  gtk_widget_allocate (GTK_WIDGET (self->stack), width, height, baseline, NULL);
  if (gtk_widget_get_visible (self->address_menu))
    gtk_popover_present (GTK_POPOVER (self->address_menu));
}

/* GObject ----------------------------------------------------------------- */

static void
pigeon_reader_dispose (GObject *object)
{
  PigeonReader *self = PIGEON_READER (object);

  stop_loading (self);
  g_clear_pointer (&self->address_menu, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), PIGEON_TYPE_READER);
  g_clear_object (&self->message);
  g_clear_object (&self->mime);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->remote_allowed, g_hash_table_unref);

  G_OBJECT_CLASS (pigeon_reader_parent_class)->dispose (object);
}

static void
load_style (void)
{
  g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE_PATH "/pigeon-reader.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
pigeon_reader_class_init (PigeonReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_reader_dispose;

  g_type_ensure (PIGEON_TYPE_ATTACHMENT_BAR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/pigeon-reader.ui");
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, stack);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, spinner);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, error_page);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, scroller);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, subject_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, header_grid);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, body_box);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, remote_bar);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, body_stack);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, html_box);
  gtk_widget_class_bind_template_child (widget_class, PigeonReader, attachment_bar);
  gtk_widget_class_install_action (widget_class, "reader.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "reader.copy-address", "s", copy_address_action);
  gtk_widget_class_install_action (widget_class, "reader.compose-to", "s", compose_to_action);
#ifdef HAVE_WEBKIT
  gtk_widget_class_install_action (widget_class, "reader.show-remote", NULL, show_remote_action);
  gtk_widget_class_install_action (widget_class, "reader.trust-sender", NULL, trust_sender_action);
#endif
  widget_class->measure = pigeon_reader_measure;
  widget_class->size_allocate = pigeon_reader_size_allocate;
}

static void
pigeon_reader_init (PigeonReader *self)
{
  static gsize style_loaded = 0;

  if (g_once_init_enter (&style_loaded))
    {
      load_style ();
      g_once_init_leave (&style_loaded, 1);
    }
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (SCHEMA_ID);
  self->remote_allowed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->address_menu = gtk_popover_menu_new_from_model (NULL);
  gtk_widget_set_parent (self->address_menu, GTK_WIDGET (self));
}

GtkWidget *
pigeon_reader_new (PigeonEngine *engine)
{
  PigeonReader *self;

  g_return_val_if_fail (PIGEON_IS_ENGINE (engine), NULL);

  self = g_object_new (PIGEON_TYPE_READER, NULL);
  self->engine = g_object_ref (engine);
  return GTK_WIDGET (self);
}

void
pigeon_reader_set_message (PigeonReader *self, PigeonMessage *message)
{
  g_return_if_fail (PIGEON_IS_READER (self));
  g_return_if_fail (message == NULL || PIGEON_IS_MESSAGE (message));

  if (message == self->message)
    return;
  stop_loading (self);
  g_set_object (&self->message, message);
  if (message == NULL)
    {
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  load (self);
}
