/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The reader over a fixture store: plain text with quotes and
 * format=flowed, an HTML-only message read as text, the attachments bar,
 * and marking as read after the delay (or not, when the selection moves
 * on first). Screenshots go to the build tree's tests/ui/screenshots. */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#ifdef HAVE_WEBKIT
#include <webkit/webkit.h>
#endif

#include "pigeon-attachment-bar.h"
#include "pigeon-reader.h"
#include "pigeon-ui-test.h"

static PigeonStore *store;
static PigeonEngine *engine;

typedef struct
{
  gboolean done;
  GError *error;
} Write;

static void
write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Write *write = user_data;

  pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &write->error);
  write->done = TRUE;
}

static gboolean
write_is_done (gpointer data)
{
  return ((Write *) data)->done;
}

/* A message whose body was never fetched: loading it asks the server,
 * which the fixture engine never reaches. */
static PigeonMessageInfo *
not_downloaded_info (void)
{
  PigeonMessageInfo *info = pigeon_message_info_new ();

  info->uid = 200;
  info->subject = g_strdup ("Not downloaded yet");
  info->from = g_strdup ("Hedy Lamarr <hedy@example.org>");
  info->to = g_strdup ("alice@example.org");
  info->date = 1795000000;
  info->size = 4096;
  info->flags = PIGEON_MESSAGE_SEEN;
  return info;
}

/* The reader's own fixtures (tests/ui/reader/) go to Work's Junk, which
 * the shared fixture leaves empty. */
static void
add_reader_fixtures (void)
{
  static const char *const names[] = { "flowed-quotes.eml", "html-only.eml", "attachments.eml", "inline-image.eml",
                                       "bad-charset.eml" };
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  PigeonFolder *junk = pigeon_ui_test_find_folder (store, "Work", "Junk");
  Write write = { FALSE, NULL };

  g_assert_nonnull (junk);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "reader", names[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) raw = NULL;
      char *contents = NULL;
      gsize length = 0;
      PigeonMessageInfo *info;

      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      raw = g_bytes_new_take (contents, length);
      info = pigeon_message_info_new_from_raw (raw);
      info->uid = 100 + i;
      info->size = length;
      /* The attachments message stays unread, for the mark-read tests. */
      info->flags = i == 2 ? PIGEON_MESSAGE_FLAGS_NONE : PIGEON_MESSAGE_SEEN;
      g_ptr_array_add (infos, info);
    }
  g_ptr_array_add (infos, not_downloaded_info ());
  pigeon_store_add_messages_async (store, junk, infos, NULL, write_done, &write);
  g_assert_true (pigeon_ui_test_wait_for (write_is_done, &write));
  g_assert_no_error (write.error);
}

static gboolean
list_is_loaded (gpointer data)
{
  return !pigeon_message_list_is_loading (data);
}

static PigeonMessage *
find_message (const char *subject)
{
  PigeonFolder *junk = pigeon_ui_test_find_folder (store, "Work", "Junk");
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMessageList) list = pigeon_store_list_folder (store, junk, PIGEON_SORT_DATE, TRUE, &error);

  g_assert_no_error (error);
  g_assert_true (pigeon_ui_test_wait_for (list_is_loaded, list));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      PigeonMessage *message = pigeon_store_lookup_message (store, pigeon_message_list_get_message_id (list, i));

      if (g_strcmp0 (pigeon_message_get_subject (message), subject) == 0)
        return message;
      g_object_unref (message);
    }
  g_error ("No fixture message \"%s\"", subject);
}

/* Widgets ----------------------------------------------------------------- */

static GtkWidget *
reader_stack (GtkWidget *reader)
{
  GtkWidget *stack = gtk_widget_get_first_child (reader);

  g_assert_true (GTK_IS_STACK (stack));
  return stack;
}

static gboolean
shows_message (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (reader_stack (data))), "message") == 0;
}

/* Every label's text under @widget, one per line, in widget order. */
static void
collect_label_text (GtkWidget *widget, GString *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_label_text (child, out);
}

/* The labels that carry a CSS class, e.g. the quote blocks. */
static guint
count_with_class (GtkWidget *widget, const char *css_class)
{
  guint n = gtk_widget_has_css_class (widget, css_class) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_with_class (child, css_class);
  return n;
}

static char *
show (GtkWidget *reader, const char *subject)
{
  g_autoptr (PigeonMessage) message = find_message (subject);
  GString *text = g_string_new (NULL);

  pigeon_reader_set_message (PIGEON_READER (reader), message);
  g_assert_true (pigeon_ui_test_wait_for (shows_message, reader));
  pigeon_ui_test_settle ();
  collect_label_text (gtk_stack_get_visible_child (GTK_STACK (reader_stack (reader))), text);
  g_test_message ("%s", text->str);
  return g_string_free (text, FALSE);
}

static GtkWidget *
reader_window_new (GtkWidget **reader)
{
  GtkWidget *window = gtk_window_new ();

  *reader = pigeon_reader_new (engine);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 760);
  gtk_window_set_child (GTK_WINDOW (window), *reader);
  gtk_window_present (GTK_WINDOW (window));
  pigeon_ui_test_settle ();
  return window;
}

static void
assert_contains (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("\"%s\" not shown in:\n%s", part, text);
}

/* Tests ------------------------------------------------------------------- */

static void
test_empty_state (void)
{
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (reader_stack (reader))), ==, "empty");
  pigeon_ui_test_save_screenshot (window, "reader-empty.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *
find_with_class (GtkWidget *widget, const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_with_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  gboolean done;
  char *text;
} ClipboardRead;

static void
clipboard_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static gboolean
clipboard_read_is_done (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

/* Activating an address link (as Enter on it would) opens its menu; its
 * Copy Address puts the bare address on the clipboard. */
static void
check_address_menu (GtkWidget *reader)
{
  GtkWidget *from = find_with_class (reader, "reader-addresses");
  GtkWidget *menu = pigeon_ui_test_find_descendant (reader, GTK_TYPE_POPOVER_MENU);
  ClipboardRead read = { FALSE, NULL };
  gboolean handled = FALSE;

  g_assert_nonnull (from);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (from)), ==, "Ada Lovelace <ada@example.org>");
  g_signal_emit_by_name (from, "activate-link", "mailto:ada@example.org", &handled);
  g_assert_true (handled);
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_visible (menu));
  gtk_popover_popdown (GTK_POPOVER (menu));
  g_assert_true (gtk_widget_activate_action (reader, "reader.copy-address", "s", "ada@example.org"));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (reader), NULL, clipboard_read_cb, &read);
  g_assert_true (pigeon_ui_test_wait_for (clipboard_read_is_done, &read));
  g_assert_cmpstr (read.text, ==, "ada@example.org");
  g_free (read.text);
}

static void
test_plain_quotes_flowed (void)
{
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  g_autofree char *text = show (reader, "Re: The analytical engine notes");

  assert_contains (text, "Re: The analytical engine notes");
  assert_contains (text, "Ada Lovelace <ada@example.org>");
  assert_contains (text, "Alice Liddell, Charles Babbage");
  assert_contains (text, "Mary Somerville");
  /* RFC 3676: soft breaks joined, the stuffed space removed. */
  assert_contains (text, "Dear Alice, the notes are ready; the draft is at "
                         "https://notes.example.org/engine?v=2&lang=en. This line shows <b>no markup</b> & no tricks.");
  assert_contains (text, "I have read the first part and it reads well. The tables need a second look");
  assert_contains (text, "Could you send the tables as well? The printer wants them by Friday.");
  assert_contains (text, "\nFrom the workshop,\nAda\n-- \nAda Lovelace");
  /* Three quote blocks: level 1, level 2, level 1 again. */
  g_assert_cmpuint (count_with_class (reader, "reader-quote"), ==, 3);
  g_assert_cmpuint (count_with_class (reader, "level-2"), ==, 1);
  g_assert_false (gtk_widget_get_visible (pigeon_ui_test_find_descendant (reader, PIGEON_TYPE_ATTACHMENT_BAR)));
  pigeon_ui_test_save_screenshot (window, "reader-plain-quotes.png");
  check_address_menu (reader);
  gtk_window_destroy (GTK_WINDOW (window));
}

#ifdef HAVE_WEBKIT
typedef struct
{
  gboolean done;
  GBytes *page;
} Saved;

static void
page_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Saved *saved = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GInputStream) stream = webkit_web_view_save_finish (WEBKIT_WEB_VIEW (source), result, &error);

  g_assert_no_error (error);
  saved->page = g_input_stream_read_bytes (stream, 1024 * 1024, NULL, &error);
  g_assert_no_error (error);
  saved->done = TRUE;
}

static gboolean
saved_is_done (gpointer data)
{
  return ((Saved *) data)->done;
}

static gboolean
web_view_is_idle (gpointer data)
{
  return !webkit_web_view_is_loading (data) && webkit_web_view_get_uri (data) != NULL;
}

/* The page the web view holds, as MHTML: what it really loaded. */
static char *
saved_page (GtkWidget *reader)
{
  WebKitWebView *web_view = WEBKIT_WEB_VIEW (pigeon_ui_test_find_descendant (reader, WEBKIT_TYPE_WEB_VIEW));
  Saved saved = { FALSE, NULL };

  g_assert_true (pigeon_ui_test_wait_for (web_view_is_idle, web_view));
  webkit_web_view_save (web_view, WEBKIT_SAVE_MODE_MHTML, NULL, page_saved_cb, &saved);
  g_assert_true (pigeon_ui_test_wait_for (saved_is_done, &saved));
  return g_strndup (g_bytes_get_data (saved.page, NULL), g_bytes_get_size (saved.page));
}

static void
iterate_for (gint64 usec)
{
  gint64 until = g_get_monotonic_time () + usec;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* WebKit draws in its own process, which the in-process renderer does
 * not capture: this one grabs the X screen, after WebKit had a moment to
 * paint (a loaded machine needs seconds). */
static void
save_screen_screenshot (const char *name)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  const char *argv[] = { "/usr/bin/import", "-window", "root", path, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_message ("No %s: no screenshot of the HTML view", argv[0]);
      return;
    }
  iterate_for (3 * G_TIME_SPAN_SECOND);
  g_mkdir_with_parents (dir, 0755);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_test_message ("screenshot: %s", path);
}

static GtkWidget *
remote_bar (GtkWidget *reader)
{
  GtkWidget *bar = pigeon_ui_test_find_descendant (reader, GTK_TYPE_INFO_BAR);

  g_assert_nonnull (bar);
  return bar;
}

/* With WebKit, the HTML shows in the locked-down view: sanitised (no
 * script, no remote image), with a bar offering the remote content, which
 * "Always From This Sender" remembers. */
static void
test_html_view (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  g_auto (GStrv) trusted = NULL;
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  g_autofree char *text = show (reader, "Pigeon Weekly: HTML only");
  g_autofree char *page = saved_page (reader);

  assert_contains (text, "Pigeon Weekly: HTML only");
  assert_contains (page, "Pigeon Weekly");
  assert_contains (page, "full issue");
  g_assert_null (strstr (page, "script ran"));
  g_assert_null (strstr (page, "tracker.example"));
  g_assert_true (gtk_info_bar_get_revealed (GTK_INFO_BAR (remote_bar (reader))));
  save_screen_screenshot ("reader-html.png");

  g_assert_true (gtk_widget_activate_action (reader, "reader.trust-sender", NULL));
  trusted = g_settings_get_strv (settings, "trusted-senders");
  g_assert_true (g_strv_contains ((const char *const *) trusted, "weekly@news.example"));
  g_assert_false (gtk_info_bar_get_revealed (GTK_INFO_BAR (remote_bar (reader))));
  g_settings_reset (settings, "trusted-senders");
  gtk_window_destroy (GTK_WINDOW (window));
}
/* cid: images load from the message's own parts: the saved page holds
 * the PNG that came with the message. */
static void
test_html_inline_image (void)
{
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  g_autofree char *text = show (reader, "New logo, inline");
  g_autofree char *page = saved_page (reader);

  assert_contains (page, "The new logo:");
  assert_contains (page, "Content-Location: cid:logo@pigeon.example");
  assert_contains (page, "Content-Type: image/png");
  g_assert_false (gtk_info_bar_get_revealed (GTK_INFO_BAR (remote_bar (reader))));
  /* It belongs to the HTML, not to the attachments. */
  g_assert_false (gtk_widget_get_visible (pigeon_ui_test_find_descendant (reader, PIGEON_TYPE_ATTACHMENT_BAR)));
  save_screen_screenshot ("reader-html-inline-image.png");
  gtk_window_destroy (GTK_WINDOW (window));
}
#else
static void
test_html_as_text (void)
{
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  g_autofree char *text = show (reader, "Pigeon Weekly: HTML only");

  assert_contains (text, "Pigeon Weekly\n\nThree things happened this week — all good.");
  assert_contains (text, "• The reader shows quotes\n• Attachments open safely");
  assert_contains (text, "Read the full issue <https://pigeon.example/weekly/7>.");
  assert_contains (text, "Mail is a letter, not a web page.");
  g_assert_null (strstr (text, "script ran"));
  g_assert_null (strstr (text, "Hidden title"));
  g_assert_null (strstr (text, "color: red"));
  g_assert_null (strstr (text, "<p>"));
  g_assert_cmpuint (count_with_class (reader, "reader-quote"), ==, 1);
  pigeon_ui_test_save_screenshot (window, "reader-html-as-text.png");
  gtk_window_destroy (GTK_WINDOW (window));
}
#endif

static void
test_attachments (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autofree char *pdf_size = g_format_size (1536);
  g_autofree char *pdf_item = g_strdup_printf ("review.pdf\n%s\n", pdf_size);
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  g_autofree char *text = NULL;
  GtkWidget *bar;

  /* Showing it must not mark it read: the mark-read test needs it unread. */
  g_settings_set_uint (settings, "mark-read-delay", 0);
  text = show (reader, "Files for the review");
  bar = pigeon_ui_test_find_descendant (reader, PIGEON_TYPE_ATTACHMENT_BAR);
  g_assert_true (gtk_widget_get_visible (bar));
  g_assert_cmpuint (pigeon_attachment_bar_get_n_attachments (PIGEON_ATTACHMENT_BAR (bar)), ==, 2);
  assert_contains (text, "2 Attachments");
  assert_contains (text, pdf_item);
  /* The name came as "../../setup.sh": no path part survives. */
  assert_contains (text, "setup.sh\n21 bytes");
  g_assert_null (strstr (text, "../"));
  assert_contains (text, "Alice, the files for Monday's review are attached.");
  pigeon_ui_test_save_screenshot (window, "reader-attachments.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Text in an unknown charset is shown (windows-1252 for what is not
 * UTF-8) with a note that it may be wrong; good text has no note. */
static void
test_charset_note (void)
{
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  g_autofree char *text = show (reader, "Coffee with a wrong charset");

  assert_contains (text, "See you at the caf\xc3\xa9 at eight.");
  g_assert_cmpuint (count_with_class (reader, "reader-charset-note"), ==, 1);
  g_free (g_steal_pointer (&text));
  text = show (reader, "Re: The analytical engine notes");
  g_assert_cmpuint (count_with_class (reader, "reader-charset-note"), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
shows_error (gpointer data)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (reader_stack (data))), "error") == 0;
}

/* A body that cannot be loaded shows why, in words, and Retry loads it
 * again. */
static void
test_error_and_retry (void)
{
  g_autoptr (PigeonMessage) message = find_message ("Not downloaded yet");
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  AdwStatusPage *page;

  pigeon_reader_set_message (PIGEON_READER (reader), message);
  g_assert_true (pigeon_ui_test_wait_for (shows_error, reader));
  page = ADW_STATUS_PAGE (gtk_stack_get_visible_child (GTK_STACK (reader_stack (reader))));
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "The Message Could Not Be Loaded");
  g_assert_nonnull (adw_status_page_get_description (page));
  g_assert_cmpstr (adw_status_page_get_description (page), !=, "");
  g_test_message ("error shown: %s", adw_status_page_get_description (page));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (window, "reader-error.png");

  g_assert_true (gtk_widget_activate_action (reader, "reader.retry", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (reader_stack (reader))), ==, "loading");
  g_assert_true (pigeon_ui_test_wait_for (shows_error, reader));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_message_dialog (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          *(AdwMessageDialog **) data = ADW_MESSAGE_DIALOG (window);
          return TRUE;
        }
    }
  return FALSE;
}

/* Opening a script is refused with an explanation that offers Save As;
 * nothing is written or launched. */
static void
test_open_script_refused (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  g_autofree char *text = NULL;
  GtkWidget *bar;
  AdwMessageDialog *dialog = NULL;

  g_settings_set_uint (settings, "mark-read-delay", 0);
  text = show (reader, "Files for the review");
  bar = pigeon_ui_test_find_descendant (reader, PIGEON_TYPE_ATTACHMENT_BAR);
  g_assert_true (gtk_widget_activate_action (bar, "attachment.open", "u", 1));
  g_assert_true (pigeon_ui_test_wait_for (has_message_dialog, &dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "This Attachment Is Not Opened");
  assert_contains (adw_message_dialog_get_body (dialog), "setup.sh");
  g_assert_true (adw_message_dialog_has_response (dialog, "save"));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (dialog), "reader-open-refused.png");
  /* The dialog closes itself on a response. */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkDragSource *
find_drag_source (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (controller))
        return GTK_DRAG_SOURCE (controller);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkDragSource *found = find_drag_source (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Dragging an attachment out offers a file: a private (0600) copy with
 * the attachment's name and its decoded bytes. */
static void
test_drag_out (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  g_autofree char *text = NULL;
  GtkDragSource *source;
  g_autoptr (GdkContentProvider) provider = NULL;
  g_auto (GValue) value = G_VALUE_INIT;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  GStatBuf st;

  g_settings_set_uint (settings, "mark-read-delay", 0);
  text = show (reader, "Files for the review");
  source = find_drag_source (pigeon_ui_test_find_descendant (reader, PIGEON_TYPE_ATTACHMENT_BAR));
  g_assert_nonnull (source);
  g_signal_emit_by_name (source, "prepare", 1.0, 1.0, &provider);
  g_assert_nonnull (provider);
  g_value_init (&value, G_TYPE_FILE);
  g_assert_true (gdk_content_provider_get_value (provider, &value, &error));
  g_assert_no_error (error);
  path = g_file_get_path (g_value_get_object (&value));
  g_assert_cmpstr (strrchr (path, '/') + 1, ==, "review.pdf");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpuint (length, ==, 1536);
  for (gsize i = 0; i < length; i++)
    g_assert_cmpuint ((guchar) contents[i], ==, i % 256);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_read (gpointer data)
{
  return !pigeon_message_get_unread (data);
}

static void
set_unread (PigeonMessage *message)
{
  g_autoptr (GPtrArray) messages = g_ptr_array_new ();

  g_ptr_array_add (messages, message);
  pigeon_engine_set_flags_async (engine, messages, PIGEON_MESSAGE_FLAGS_NONE, PIGEON_MESSAGE_SEEN, NULL, NULL, NULL);
  g_assert_false (pigeon_ui_test_wait_for (is_read, message));
}

/* Switching to another message before the delay keeps the first unread;
 * staying on it marks it read. */
static void
test_mark_read_delay (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr (PigeonMessage) unread = find_message ("Files for the review");
  g_autoptr (PigeonMessage) other = find_message ("Pigeon Weekly: HTML only");
  GtkWidget *reader;
  GtkWidget *window = reader_window_new (&reader);
  gint64 until;

  g_settings_set_uint (settings, "mark-read-delay", 1);
  if (!pigeon_message_get_unread (unread))
    set_unread (unread);
  g_assert_true (pigeon_message_get_unread (unread));

  pigeon_reader_set_message (PIGEON_READER (reader), unread);
  g_assert_true (pigeon_ui_test_wait_for (shows_message, reader));
  pigeon_reader_set_message (PIGEON_READER (reader), other);
  until = g_get_monotonic_time () + 1500 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (pigeon_message_get_unread (unread));

  pigeon_reader_set_message (PIGEON_READER (reader), unread);
  g_assert_true (pigeon_ui_test_wait_for (is_read, unread));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autofree char *dir = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
#ifdef HAVE_WEBKIT
  /* WebKit's web process inherits our environment, and it warns when the
   * test's D-Bus session has no accessibility bus yet, which must not
   * abort it. This process keeps its fatal warnings: GLib read G_DEBUG
   * when it started. */
  g_setenv ("G_DEBUG", "gc-friendly", TRUE);
#endif

  dir = pigeon_ui_test_make_dir ();
  store = pigeon_ui_test_fixture_store (dir);
  engine = pigeon_ui_test_fixture_engine (store, dir);
  add_reader_fixtures ();

  g_test_add_func ("/ui/reader/empty-state", test_empty_state);
  g_test_add_func ("/ui/reader/plain-quotes-flowed", test_plain_quotes_flowed);
#ifdef HAVE_WEBKIT
  g_test_add_func ("/ui/reader/html-view", test_html_view);
  g_test_add_func ("/ui/reader/html-inline-image", test_html_inline_image);
#else
  g_test_add_func ("/ui/reader/html-as-text", test_html_as_text);
#endif
  g_test_add_func ("/ui/reader/attachments", test_attachments);
  g_test_add_func ("/ui/reader/mark-read-delay", test_mark_read_delay);
  g_test_add_func ("/ui/reader/error-and-retry", test_error_and_retry);
  g_test_add_func ("/ui/reader/open-script-refused", test_open_script_refused);
  g_test_add_func ("/ui/reader/drag-out", test_drag_out);
  g_test_add_func ("/ui/reader/charset-note", test_charset_note);

  status = g_test_run ();
  g_clear_object (&engine);
  pigeon_store_close (store);
  g_clear_object (&store);
  pigeon_ui_test_remove_dir (dir);
  return status;
}
