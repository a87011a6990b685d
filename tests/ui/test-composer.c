/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The composer in-process: files dropped onto it, address tokens and
 * contact groups, mailto: links, and a draft that survives a kill. With
 * real servers (PIGEON_TEST_HOST set by tests/peers/pigeon-peers), a
 * message with two attachments and a Bcc goes through Exim to Dovecot. */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <adwaita.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "pigeon-address-entry.h"
#include "pigeon-application.h"
#include "pigeon-composer-private.h"
#include "pigeon-mime-address.h"
#include "pigeon-ui-test.h"

#define CHILD_TEXT "Dear Bob,\n\nthis text must survive a kill.\n"

static PigeonApplication *app;
static PigeonEngine *engine;
static PigeonStore *store;
static char *dir;
static char *self_path;

static GtkWidget *
template_child (gpointer composer, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (composer), PIGEON_TYPE_COMPOSER, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
weak_ref_is_gone (gpointer data)
{
  g_autoptr (GObject) object = g_weak_ref_get (data);

  return object == NULL;
}

static PigeonComposer *
open_composer (void)
{
  PigeonComposer *composer = pigeon_composer_open (GTK_APPLICATION (app), engine, NULL);

  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, composer));
  pigeon_ui_test_settle ();
  return composer;
}

/* Throws the message away, as the menu's Discard does, and waits until
 * the window is gone. */
static void
discard_composer (PigeonComposer *composer)
{
  GWeakRef ref;

  g_weak_ref_init (&ref, composer);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.discard", NULL));
  g_assert_true (pigeon_ui_test_wait_for (weak_ref_is_gone, &ref));
  g_weak_ref_clear (&ref);
}

static char *
dup_body (PigeonComposer *composer)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (template_child (composer, "body_view")));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_body (PigeonComposer *composer, const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (template_child (composer, "body_view")));

  gtk_text_buffer_set_text (buffer, text, -1);
}

static GFile *
write_file (const char *name, const char *contents, gsize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, (gssize) len, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

/* A file of @size bytes that takes no room on the disk. */
static GFile *
write_sparse_file (const char *name, goffset size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  g_close (fd, NULL);
  return g_file_new_for_path (path);
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  g_assert_not_reached ();
}

/* The drop a file manager makes: the composer's own drop target gets a
 * GdkFileList, as GTK hands it over after the drag. */
static void
test_drop_files (void)
{
  PigeonComposer *composer = open_composer ();
  g_autoptr (GFile) report = write_file ("report.pdf", "%PDF-1.4\nreport\n", 16);
  g_autoptr (GFile) photo = write_file ("holiday photo.png", "\x89PNG\r\n\x1a\nphoto", 14);
  g_autoptr (GSList) files = g_slist_append (g_slist_append (NULL, report), photo);
  GdkFileList *file_list = gdk_file_list_new_from_list (files);
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (composer));
  GtkWidget *list = template_child (composer, "attachment_list");
  g_auto (GValue) value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  g_assert_cmpuint (pigeon_composer_get_n_attachments (composer), ==, 0);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (template_child (composer, "attachments_revealer"))));

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, file_list);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);

  g_assert_true (accepted);
  g_assert_cmpuint (pigeon_composer_get_n_attachments (composer), ==, 2);
  g_assert_cmpstr (pigeon_composer_get_attachment_name (composer, 0), ==, "report.pdf");
  g_assert_cmpstr (pigeon_composer_get_attachment_name (composer, 1), ==, "holiday photo.png");
  /* Both are listed, with their name, size and type. */
  g_assert_cmpstr (
      adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0))), ==,
      "report.pdf");
  g_assert_nonnull (
      strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1))),
              "14 bytes"));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (template_child (composer, "attachments_revealer"))));

  pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry")),
                                 "Bob Example <bob@example.org>");
  gtk_editable_set_text (GTK_EDITABLE (template_child (composer, "subject_entry")), "The report and a photo");
  set_body (composer, "Hello Bob,\n\nhere are the report and the photo.\n\n-- \nAlice");
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (composer), "composer-attachments.png");
  discard_composer (composer);
}

/* Ctrl+Enter sends from the text too: its shortcut runs in the capture
 * phase, before the text view takes Enter for a new line. */
static void
test_send_shortcut (void)
{
  PigeonComposer *composer = open_composer ();
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (composer));
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_CAPTURE)
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          g_autofree char *action = gtk_shortcut_action_to_string (gtk_shortcut_get_action (shortcut));

          if (g_strcmp0 (trigger, "<Control>Return|<Control>KP_Enter") == 0 &&
              g_strcmp0 (action, "action(composer.send)") == 0)
            found = TRUE;
        }
    }
  g_assert_true (found);
  discard_composer (composer);
}

static gboolean
has_attachments (gpointer composer)
{
  return pigeon_composer_get_n_attachments (composer) > 0;
}

/* Files copied in a file manager and pasted into the text are attached,
 * not pasted as text. */
static void
test_paste_files (void)
{
  PigeonComposer *composer = open_composer ();
  GtkWidget *view = template_child (composer, "body_view");
  g_autoptr (GFile) file = write_file ("pasted.txt", "pasted", 6);
  g_autoptr (GSList) files = g_slist_append (NULL, file);
  GdkFileList *file_list = gdk_file_list_new_from_list (files);
  g_autoptr (GdkContentProvider) provider = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST, file_list);
  g_autofree char *body = NULL;

  g_boxed_free (GDK_TYPE_FILE_LIST, file_list);
  gdk_clipboard_set_content (gtk_widget_get_clipboard (view), provider);
  g_signal_emit_by_name (view, "paste-clipboard");
  g_assert_true (pigeon_ui_test_wait_for (has_attachments, composer));
  g_assert_cmpstr (pigeon_composer_get_attachment_name (composer, 0), ==, "pasted.txt");
  body = dup_body (composer);
  g_assert_cmpstr (body, ==, "");
  discard_composer (composer);
}

static gboolean
has_css_class (GtkWidget *widget, const char *name)
{
  return gtk_widget_has_css_class (widget, name);
}

/* Typed addresses become tokens, the invalid one in the error style; a
 * contact group's name completes to all its addresses. */
static void
test_tokens_and_groups (void)
{
  PigeonComposer *composer = open_composer ();
  PigeonAddressEntry *to = PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry"));
  PigeonAddressEntry *cc = PIGEON_ADDRESS_ENTRY (template_child (composer, "cc_entry"));
  GtkWidget *text = pigeon_address_entry_get_text_field (to);
  g_autoptr (GPtrArray) addresses = NULL;

  /* A comma ends an address; Enter ends the last one. */
  gtk_editable_set_text (GTK_EDITABLE (text), "Carl <carl@example.com>,");
  g_assert_cmpuint (pigeon_address_entry_get_n_tokens (to), ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (text), "not-an-address");
  g_signal_emit_by_name (text, "activate");
  g_assert_cmpuint (pigeon_address_entry_get_n_tokens (to), ==, 2);
  g_assert_false (has_css_class (pigeon_address_entry_get_token (to, 0), "error"));
  g_assert_true (has_css_class (pigeon_address_entry_get_token (to, 1), "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (pigeon_address_entry_get_token (to, 1)), ==,
                   "Not a valid email address");
  g_assert_true (pigeon_address_entry_has_invalid (to));

  /* The group from groups.ini: its name, then Enter on the completion. */
  gtk_editable_set_text (GTK_EDITABLE (text), "clim");
  g_signal_emit_by_name (text, "activate");
  g_assert_cmpuint (pigeon_address_entry_get_n_tokens (to), ==, 4);
  addresses = pigeon_address_entry_dup_addresses (to);
  g_assert_cmpuint (addresses->len, ==, 3);
  g_assert_cmpstr (((PigeonMimeAddress *) g_ptr_array_index (addresses, 1))->address, ==, "ann@example.org");
  g_assert_cmpstr (((PigeonMimeAddress *) g_ptr_array_index (addresses, 2))->address, ==, "dan@example.net");

  /* The store's contacts complete by name, with their address. */
  gtk_editable_set_text (GTK_EDITABLE (text), "alan tu");
  g_signal_emit_by_name (text, "activate");
  g_clear_pointer (&addresses, g_ptr_array_unref);
  addresses = pigeon_address_entry_dup_addresses (to);
  g_assert_cmpuint (addresses->len, ==, 4);
  g_assert_cmpstr (((PigeonMimeAddress *) g_ptr_array_index (addresses, 3))->name, ==, "Alan Turing");
  g_assert_cmpstr (((PigeonMimeAddress *) g_ptr_array_index (addresses, 3))->address, ==, "alan@example.org");

  /* Cc shows with its button. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (cc)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (template_child (composer, "cc_button")), TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (cc)));
  pigeon_address_entry_add_text (cc, "eve@example.com");
  /* With an address in it, Cc cannot be hidden (it would still get the
   * message). */
  g_assert_false (gtk_widget_get_sensitive (template_child (composer, "cc_button")));

  gtk_editable_set_text (GTK_EDITABLE (template_child (composer, "subject_entry")), "Climbing on Saturday");
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (composer), "composer-tokens.png");
  discard_composer (composer);
}

static PigeonComposer *
find_composer (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (PIGEON_IS_COMPOSER (l->data))
      return l->data;
  return NULL;
}

static GtkWidget *
find_main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (!PIGEON_IS_COMPOSER (l->data))
      return l->data;
  return NULL;
}

static gboolean
composer_is_open (gpointer data)
{
  return find_composer () != NULL;
}

/* mailto: from the desktop goes through pigeon_composer_present_mailto;
 * attach= never attaches anything. */
static void
test_mailto (void)
{
  g_autofree char *secret = g_build_filename (dir, "secret.txt", NULL);
  g_autofree char *uri = NULL;
  PigeonComposer *composer;
  PigeonAddressEntry *to;
  g_autofree char *body = NULL;

  g_assert_true (g_file_set_contents (secret, "secret", -1, NULL));
  uri = g_strdup_printf ("mailto:bob@example.org?cc=carl@example.com&subject=Lunch%%3F&body=At%%20noon%%3F"
                         "&attach=%s&attachment=file://%s",
                         secret, secret);
  pigeon_composer_present_mailto (GTK_APPLICATION (app), engine, uri);
  g_assert_true (pigeon_ui_test_wait_for (composer_is_open, NULL));
  composer = find_composer ();
  to = PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry"));

  g_assert_cmpuint (pigeon_address_entry_get_n_tokens (to), ==, 1);
  g_assert_true (gtk_widget_get_visible (template_child (composer, "cc_entry")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_child (composer, "subject_entry"))), ==, "Lunch?");
  body = dup_body (composer);
  g_assert_true (g_str_has_prefix (body, "At noon?"));
  g_assert_cmpuint (pigeon_composer_get_n_attachments (composer), ==, 0);
  discard_composer (composer);
}

static gboolean
list_is_loaded (gpointer data)
{
  return !pigeon_message_list_is_loading (data) && g_list_model_get_n_items (data) > 0;
}

/* A reply through the window's path: the body is loaded, quoted, and
 * the threading fields follow the original. */
static void
test_reply (void)
{
  g_autoptr (GError) error = NULL;
  PigeonAccount *work = pigeon_engine_find_account (engine, "Work");
  g_autoptr (PigeonMessageList) found = pigeon_store_search (store, work, "subject:Thursday from:alan", &error);
  g_autoptr (PigeonMessage) message = NULL;
  PigeonComposer *composer;
  PigeonAddressEntry *to;
  g_autoptr (GPtrArray) addresses = NULL;
  g_autofree char *body = NULL;
  GtkDropDown *from;
  g_autoptr (GtkStringObject) identity = NULL;

  g_assert_no_error (error);
  g_assert_true (pigeon_ui_test_wait_for (list_is_loaded, found));
  message = g_list_model_get_item (G_LIST_MODEL (found), 0);
  pigeon_composer_present_reply (GTK_APPLICATION (app), engine, message, PIGEON_COMPOSE_REPLY_ALL);
  g_assert_true (pigeon_ui_test_wait_for (composer_is_open, NULL));
  composer = find_composer ();

  to = PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry"));
  addresses = pigeon_address_entry_dup_addresses (to);
  /* To all, without Alice herself. */
  g_assert_cmpuint (addresses->len, ==, 1);
  g_assert_cmpstr (((PigeonMimeAddress *) g_ptr_array_index (addresses, 0))->address, ==, "alan@example.org");
  g_assert_false (gtk_widget_get_visible (template_child (composer, "cc_entry")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_child (composer, "subject_entry"))), ==,
                   "Re: Lunch on Thursday?");
  from = GTK_DROP_DOWN (template_child (composer, "from_dropdown"));
  identity = g_list_model_get_item (gtk_drop_down_get_model (from), gtk_drop_down_get_selected (from));
  g_assert_cmpstr (gtk_string_object_get_string (identity), ==, "Alice Liddell <alice@example.org>");
  body = dup_body (composer);
  g_assert_true (g_str_has_prefix (body, "\n\nOn Fri, 20 Nov 2026 at 11:05, Alan Turing wrote:\n"
                                         "> Thursday works for me."));
  g_assert_nonnull (strstr (body, "\n>> Shall we have lunch on Thursday?"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (composer)), ==, "Re: Lunch on Thursday?");
  discard_composer (composer);
}

/* A stored message opened for editing (as from the Drafts folder): its
 * fields and text come back as they are, from its account. */
static void
test_edit_stored_message (void)
{
  g_autoptr (GError) error = NULL;
  PigeonAccount *work = pigeon_engine_find_account (engine, "Work");
  g_autoptr (PigeonMessageList) found = pigeon_store_search (store, work, "subject:review", &error);
  g_autoptr (PigeonMessage) message = NULL;
  PigeonComposer *composer;
  GtkDropDown *from;
  g_autoptr (GtkStringObject) identity = NULL;
  g_autofree char *body = NULL;

  g_assert_no_error (error);
  g_assert_true (pigeon_ui_test_wait_for (list_is_loaded, found));
  message = g_list_model_get_item (G_LIST_MODEL (found), 0);
  pigeon_composer_present_draft_message (GTK_APPLICATION (app), engine, message);
  g_assert_true (pigeon_ui_test_wait_for (composer_is_open, NULL));
  composer = find_composer ();

  g_assert_cmpuint (pigeon_address_entry_get_n_tokens (PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry"))),
                    ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_child (composer, "subject_entry"))), ==,
                   "Design review moved to Friday");
  from = GTK_DROP_DOWN (template_child (composer, "from_dropdown"));
  identity = g_list_model_get_item (gtk_drop_down_get_model (from), gtk_drop_down_get_selected (from));
  g_assert_cmpstr (gtk_string_object_get_string (identity), ==, "Alice Liddell <alice@example.org>");
  body = dup_body (composer);
  g_assert_true (g_str_has_prefix (body, "Hi both,\n\nThe design review"));
  g_assert_true (g_str_has_suffix (body, "Katherine"));
  discard_composer (composer);
}

/* The signature follows the From account, and an untouched message
 * stays without content. */
static void
test_signature_follows_from (void)
{
  PigeonAccount *work = pigeon_engine_find_account (engine, "Work");
  PigeonAccount *home = pigeon_engine_find_account (engine, "Home");
  PigeonComposer *composer;
  GtkDropDown *from;
  g_autofree char *work_body = NULL;
  g_autofree char *home_body = NULL;
  g_autofree char *edited_body = NULL;

  pigeon_engine_set_signature (engine, work, "Alice\nWork Ltd");
  pigeon_engine_set_signature (engine, home, "Ally");
  composer = pigeon_composer_open (GTK_APPLICATION (app), engine, work);
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, composer));
  from = GTK_DROP_DOWN (template_child (composer, "from_dropdown"));
  work_body = dup_body (composer);
  g_assert_cmpstr (work_body, ==, "\n\n-- \nAlice\nWork Ltd");
  g_assert_false (pigeon_composer_has_content (composer));

  gtk_drop_down_set_selected (from, gtk_drop_down_get_selected (from) == 0 ? 1 : 0);
  home_body = dup_body (composer);
  g_assert_cmpstr (home_body, ==, "\n\n-- \nAlly");
  g_assert_false (pigeon_composer_has_content (composer));

  /* What the user wrote stays; only the signature changes. */
  set_body (composer, "Hi!\n\n-- \nAlly");
  gtk_drop_down_set_selected (from, gtk_drop_down_get_selected (from) == 0 ? 1 : 0);
  edited_body = dup_body (composer);
  g_assert_cmpstr (edited_body, ==, "Hi!\n\n-- \nAlice\nWork Ltd");
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (composer), "composer-signature.png");
  discard_composer (composer);
  pigeon_engine_set_signature (engine, work, NULL);
  pigeon_engine_set_signature (engine, home, NULL);
}

/* A forward keeps the original's attachments; forwarded as an
 * attachment, the original is the one attachment. */
static void
test_forward (void)
{
  g_autoptr (GError) error = NULL;
  PigeonAccount *work = pigeon_engine_find_account (engine, "Work");
  g_autoptr (PigeonMessageList) found = pigeon_store_search (store, work, "subject:quarterly", &error);
  g_autoptr (PigeonMessage) message = NULL;
  PigeonComposer *composer;
  g_autofree char *body = NULL;

  g_assert_no_error (error);
  g_assert_true (pigeon_ui_test_wait_for (list_is_loaded, found));
  message = g_list_model_get_item (G_LIST_MODEL (found), 0);

  pigeon_composer_present_reply (GTK_APPLICATION (app), engine, message, PIGEON_COMPOSE_FORWARD);
  g_assert_true (pigeon_ui_test_wait_for (composer_is_open, NULL));
  composer = find_composer ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_child (composer, "subject_entry"))), ==,
                   "Fwd: Quarterly report with figures");
  g_assert_true (pigeon_address_entry_is_empty (PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry"))));
  g_assert_cmpuint (pigeon_composer_get_n_attachments (composer), ==, 2);
  g_assert_cmpstr (pigeon_composer_get_attachment_name (composer, 0), ==, "figures.csv");
  g_assert_cmpstr (pigeon_composer_get_attachment_name (composer, 1), ==, "notes.txt");
  body = dup_body (composer);
  g_assert_nonnull (strstr (body, "---------- Forwarded message ----------\nFrom: Grace Hopper <grace@example.org>\n"));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (composer), "composer-forward.png");
  discard_composer (composer);

  pigeon_composer_present_reply (GTK_APPLICATION (app), engine, message, PIGEON_COMPOSE_FORWARD_ATTACHED);
  g_assert_true (pigeon_ui_test_wait_for (composer_is_open, NULL));
  composer = find_composer ();
  g_assert_cmpuint (pigeon_composer_get_n_attachments (composer), ==, 1);
  g_assert_cmpstr (pigeon_composer_get_attachment_name (composer, 0), ==, "Quarterly report with figures.eml");
  discard_composer (composer);
}

static gboolean
widget_is_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static gboolean
outbox_is_empty_everywhere (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) queued = pigeon_store_list_outbox (store, NULL, &error);

  g_assert_no_error (error);
  return queued->len == 0;
}

static char *
read_open_drafts (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "pigeon", "open-drafts", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* Send hides the composer and keeps the draft during the undo time;
 * Undo brings the same composer back, and nothing is queued. */
static void
test_undo_send (void)
{
  PigeonComposer *composer = open_composer ();
  GtkWidget *main_window;
  g_autofree char *expected = NULL;
  g_autofree char *open_drafts = NULL;
  gint64 deadline;

  pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry")), "bob@example.org");
  gtk_editable_set_text (GTK_EDITABLE (template_child (composer, "subject_entry")), "Second thoughts");
  set_body (composer, "I should not send this.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_hidden, composer));
  g_assert_nonnull (pigeon_composer_get_sending_toast (composer));
  g_assert_cmpint (pigeon_composer_get_draft_id (composer), >, 0);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT "\n", pigeon_composer_get_draft_id (composer));
  open_drafts = read_open_drafts ();
  g_assert_cmpstr (open_drafts, ==, expected);

  /* "Sending…" shows in the main window. */
  main_window = find_main_window ();
  g_assert_nonnull (main_window);
  gtk_window_present (GTK_WINDOW (main_window));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, main_window));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (main_window, "composer-sending-toast.png");

  g_signal_emit_by_name (pigeon_composer_get_sending_toast (composer), "button-clicked");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (composer)));
  g_assert_null (pigeon_composer_get_sending_toast (composer));
  /* Past the undo time, still nothing in the outbox. */
  deadline = g_get_monotonic_time () + 6 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (outbox_is_empty_everywhere ());
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_child (composer, "subject_entry"))), ==,
                   "Second thoughts");
  discard_composer (composer);
}

static GtkWidget *
find_dialog (gpointer composer)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_window_get_transient_for (window) == composer)
        return GTK_WIDGET (window);
    }
  return NULL;
}

static gboolean
store_has_draft (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) drafts = pigeon_store_list_drafts (store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < drafts->len; i++)
    {
      PigeonDraft *draft = g_ptr_array_index (drafts, i);
      gsize len;
      const char *raw = g_bytes_get_data (draft->raw, &len);

      if (g_strstr_len (raw, (gssize) len, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
draft_deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  guint *pending = user_data;

  g_assert_true (pigeon_engine_discard_draft_finish (PIGEON_ENGINE (source), result, NULL));
  (*pending)--;
}

static gboolean
count_is_zero (gpointer data)
{
  return *(guint *) data == 0;
}

/* Leaves the store without drafts for the next tests. */
static void
discard_stored_drafts (void)
{
  g_autoptr (GPtrArray) drafts = pigeon_store_list_drafts (store, NULL);
  guint pending = drafts->len;

  for (guint i = 0; i < drafts->len; i++)
    pigeon_engine_discard_draft_async (engine, ((PigeonDraft *) g_ptr_array_index (drafts, i))->id, NULL,
                                       draft_deleted_cb, &pending);
  g_assert_true (pigeon_ui_test_wait_for (count_is_zero, &pending));
}

/* What a click on one of its buttons does: the response, then the dialog
 * closes. */
static void
respond (GtkWidget *dialog, const char *response)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
dialog_is_shown (gpointer composer)
{
  return find_dialog (composer) != NULL;
}

/* Escape asks before it throws a message with content away. */
static void
test_escape_asks (void)
{
  PigeonComposer *composer = open_composer ();
  g_autofree char *open_drafts = NULL;
  GtkWidget *dialog;
  GWeakRef ref;

  /* Without content, Escape just closes. */
  g_weak_ref_init (&ref, composer);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.close", NULL));
  g_assert_true (pigeon_ui_test_wait_for (weak_ref_is_gone, &ref));

  composer = open_composer ();
  g_weak_ref_set (&ref, composer);
  set_body (composer, "Half a thought");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.close", NULL));
  g_assert_true (pigeon_ui_test_wait_for (dialog_is_shown, composer));
  dialog = find_dialog (composer);
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, dialog));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (dialog, "composer-close-dialog.png");
  respond (dialog, "cancel");
  pigeon_ui_test_settle ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (composer)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.close", NULL));
  g_assert_true (pigeon_ui_test_wait_for (dialog_is_shown, composer));
  respond (find_dialog (composer), "discard");
  g_assert_true (pigeon_ui_test_wait_for (weak_ref_is_gone, &ref));

  /* "Save Draft" keeps it in the store, no longer an open draft. */
  composer = open_composer ();
  g_weak_ref_set (&ref, composer);
  set_body (composer, "Keep this one");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.close", NULL));
  g_assert_true (pigeon_ui_test_wait_for (dialog_is_shown, composer));
  respond (find_dialog (composer), "save");
  g_assert_true (pigeon_ui_test_wait_for (weak_ref_is_gone, &ref));
  g_weak_ref_clear (&ref);
  g_assert_true (store_has_draft ("Keep this one"));
  open_drafts = read_open_drafts ();
  g_assert_cmpstr (open_drafts, ==, "");
  discard_stored_drafts ();
}

/* The warnings before sending: a text that mentions an attachment with
 * none attached; "Cancel" keeps the composer as it was. */
static void
test_send_warnings (void)
{
  PigeonComposer *composer = open_composer ();
  g_autoptr (GFile) large_file = write_sparse_file ("video.mkv", 26 * 1000 * 1000);
  GFile *large = large_file;
  GtkWidget *dialog;

  pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry")), "bob@example.org");
  set_body (composer, "The minutes are attached.\n\n> an attachment in the quote does not count");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL));
  g_assert_true (pigeon_ui_test_wait_for (dialog_is_shown, composer));
  dialog = find_dialog (composer);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Send without an attachment?");
  respond (dialog, "cancel");
  pigeon_ui_test_settle ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (composer)));
  g_assert_null (pigeon_composer_get_sending_toast (composer));

  /* Over the size most servers take (25 MB): a warning too. */
  pigeon_composer_add_files (composer, &large, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL));
  g_assert_true (pigeon_ui_test_wait_for (dialog_is_shown, composer));
  dialog = find_dialog (composer);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Send a large message?");
  respond (dialog, "cancel");
  pigeon_ui_test_settle ();
  g_assert_null (pigeon_composer_get_sending_toast (composer));

  /* An invalid address stops the send. */
  pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry")), "bob@");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL));
  g_assert_true (pigeon_ui_test_wait_for (dialog_is_shown, composer));
  dialog = find_dialog (composer);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Some addresses are not valid");
  respond (dialog, "close");
  pigeon_ui_test_settle ();
  discard_composer (composer);
}

static gboolean
draft_is_saved (gpointer data)
{
  return pigeon_composer_get_draft_id (data) > 0;
}

/* Quitting destroys the windows without closing them: an open draft
 * stays listed and comes back at the next start. */
static void
test_quit_keeps_open_draft (void)
{
  PigeonComposer *composer = open_composer ();
  g_autofree char *expected = NULL;
  g_autofree char *open_drafts = NULL;
  g_autofree char *body = NULL;

  set_body (composer, "Written before quitting");
  g_assert_true (pigeon_ui_test_wait_for (draft_is_saved, composer));
  expected = g_strdup_printf ("%" G_GINT64_FORMAT "\n", pigeon_composer_get_draft_id (composer));
  gtk_window_destroy (GTK_WINDOW (composer));
  open_drafts = read_open_drafts ();
  g_assert_cmpstr (open_drafts, ==, expected);

  pigeon_composer_restore_drafts (GTK_APPLICATION (app), engine);
  g_assert_true (pigeon_ui_test_wait_for (composer_is_open, NULL));
  composer = find_composer ();
  body = dup_body (composer);
  g_assert_cmpstr (body, ==, "Written before quitting");
  discard_composer (composer);
}

/* The child of the kill test: writes a message, waits for its autosave,
 * says so, and waits to be killed. */
static int
run_autosave_child (void)
{
  PigeonComposer *composer = open_composer ();
  g_autoptr (GFile) plan_file = write_file ("plan.txt", "Step 1\nStep 2\n", 14);
  GFile *plan = plan_file;

  pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry")), "bob@example.org");
  gtk_editable_set_text (GTK_EDITABLE (template_child (composer, "subject_entry")), "Unsaved work");
  set_body (composer, CHILD_TEXT);
  pigeon_composer_add_files (composer, &plan, 1);
  /* Nothing saves it but the autosave. */
  g_assert_true (pigeon_ui_test_wait_for (draft_is_saved, composer));
  g_print ("saved %" G_GINT64_FORMAT "\n", pigeon_composer_get_draft_id (composer));
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static void
test_draft_survives_kill (void)
{
  const char *argv[] = { self_path, NULL };
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GDataInputStream) output = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *path = g_build_filename (dir, "pigeon.db", NULL);
  g_autoptr (PigeonStore) restarted_store = NULL;
  g_autoptr (PigeonEngine) restarted = NULL;
  PigeonComposer *composer;
  g_autofree char *body = NULL;

  g_assert_null (find_composer ());
  g_subprocess_launcher_setenv (launcher, "PIGEON_TEST_COMPOSER_CHILD", dir, TRUE);
  child = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  /* Bounded: the child asserts on its own 10 s wait for the autosave. */
  line = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "saved "));
  g_subprocess_force_exit (child);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (child));

  /* As the app started again: its store is opened after the kill. (A
   * store keeps one read snapshot, which another process's writes do not
   * move.) */
  restarted_store = pigeon_store_open (path, &error);
  g_assert_no_error (error);
  restarted = pigeon_ui_test_fixture_engine (restarted_store, dir);
  pigeon_composer_restore_drafts (GTK_APPLICATION (app), restarted);
  g_assert_true (pigeon_ui_test_wait_for (composer_is_open, NULL));
  composer = find_composer ();
  g_assert_cmpint (pigeon_composer_get_draft_id (composer), ==, g_ascii_strtoll (line + 6, NULL, 10));
  body = dup_body (composer);
  g_assert_cmpstr (body, ==, CHILD_TEXT);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_child (composer, "subject_entry"))), ==,
                   "Unsaved work");
  g_assert_cmpuint (pigeon_address_entry_get_n_tokens (PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry"))),
                    ==, 1);
  g_assert_cmpuint (pigeon_composer_get_n_attachments (composer), ==, 1);
  g_assert_cmpstr (pigeon_composer_get_attachment_name (composer, 0), ==, "plan.txt");
  discard_composer (composer);
}

/* With real servers */

static void
account_added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (pigeon_engine_add_account_finish (PIGEON_ENGINE (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Alice's account on the peers: IMAP and submission over implicit TLS,
 * trusting the test CA. */
static PigeonAccount *
add_peers_account (void)
{
  const char *host = g_getenv ("PIGEON_TEST_HOST");
  const char *user = g_getenv ("PIGEON_TEST_USER_A");
  PigeonAccount *account = pigeon_account_new (user);
  gboolean done = FALSE;

  pigeon_account_set_display_name (account, "Peers");
  pigeon_account_set_real_name (account, "Alice Peers");
  pigeon_account_set_incoming_protocol (account, PIGEON_PROTOCOL_IMAP);
  pigeon_account_set_incoming_host (account, host);
  pigeon_account_set_incoming_port (account, atoi (g_getenv ("PIGEON_TEST_IMAPS_PORT")));
  pigeon_account_set_incoming_security (account, PIGEON_SECURITY_TLS);
  pigeon_account_set_incoming_username (account, user);
  pigeon_account_set_outgoing_host (account, host);
  pigeon_account_set_outgoing_port (account, atoi (g_getenv ("PIGEON_TEST_SMTPS_PORT")));
  pigeon_account_set_outgoing_security (account, PIGEON_SECURITY_TLS);
  pigeon_account_set_outgoing_username (account, user);
  pigeon_engine_set_ca_file (engine, account, g_getenv ("PIGEON_TEST_CA"));
  pigeon_engine_add_account_async (engine, account, g_getenv ("PIGEON_TEST_PASSWORD_A"), NULL, account_added_cb, &done);
  g_assert_true (pigeon_ui_test_wait_for (flag_is_set, &done));
  return account;
}

static gboolean
outbox_is_empty (gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) queued = pigeon_store_list_outbox (store, data, &error);

  g_assert_no_error (error);
  return queued->len == 0;
}

static GFile *
write_random_file (const char *name, gsize len)
{
  g_autofree guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) g_random_int_range (0, 256);
  return write_file (name, (const char *) data, len);
}

/* Compose from Alice with two attachments and a Bcc to herself, send
 * (after the undo time), and let Python's imaplib check Bob's copy. */
static void
test_send_through_peers (void)
{
  g_autoptr (PigeonAccount) account = add_peers_account ();
  g_autoptr (GFile) binary = write_random_file ("data.bin", 200 * 1024);
  g_autoptr (GFile) text = write_file ("notes.txt", "line one\nline two\r\nFrom the start\n.\nno newline", 46);
  GFile *files[] = { binary, text };
  g_autofree char *subject = g_strdup_printf ("Two files %" G_GINT64_FORMAT, g_get_real_time ());
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "composer", "check-delivery.py", NULL);
  g_autofree char *binary_path = g_file_get_path (binary);
  g_autofree char *text_path = g_file_get_path (text);
  const char *argv[] = { "python3", script, subject, binary_path, text_path, NULL };
  PigeonComposer *composer = pigeon_composer_open (GTK_APPLICATION (app), engine, account);
  g_autofree char *output = NULL;
  g_autoptr (GError) error = NULL;
  int wait_status;
  GWeakRef ref;

  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, composer));
  pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (template_child (composer, "to_entry")),
                                 g_getenv ("PIGEON_TEST_USER_B"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (template_child (composer, "bcc_button")), TRUE);
  pigeon_address_entry_add_text (PIGEON_ADDRESS_ENTRY (template_child (composer, "bcc_entry")),
                                 g_getenv ("PIGEON_TEST_USER_A"));
  gtk_editable_set_text (GTK_EDITABLE (template_child (composer, "subject_entry")), subject);
  set_body (composer, "Two files for Bob.");
  pigeon_composer_add_files (composer, files, G_N_ELEMENTS (files));

  g_weak_ref_init (&ref, composer);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL));
  /* The undo time (5 s), then the outbox. */
  g_assert_true (pigeon_ui_test_wait_for (weak_ref_is_gone, &ref));
  g_weak_ref_clear (&ref);
  g_assert_true (pigeon_ui_test_wait_for (outbox_is_empty, account));
  /* Exim's EHLO announces SIZE: the next large message is checked by it. */
  g_assert_cmpuint (pigeon_engine_get_max_message_size (engine, account), >, 0);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &output, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("%s", output);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
}

static void
write_groups (void)
{
  g_autofree char *groups_dir = g_build_filename (g_get_user_config_dir (), "pigeon", NULL);
  g_autofree char *path = g_build_filename (groups_dir, "groups.ini", NULL);

  g_assert_cmpint (g_mkdir_with_parents (groups_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[Climbing club]\nAddresses=Ann <ann@example.org>, Dan <dan@example.net>\n",
                                      -1, NULL));
}

/* Every directory the app writes is in @base. */
static void
use_private_dirs (const char *base)
{
  g_autofree char *data = g_build_filename (base, "data", NULL);
  g_autofree char *config = g_build_filename (base, "config", NULL);
  g_autofree char *cache = g_build_filename (base, "cache", NULL);

  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
}

static void
open_app (gboolean fill)
{
  g_autofree char *path = g_build_filename (dir, "pigeon.db", NULL);
  g_autoptr (GError) error = NULL;

  store = fill ? pigeon_ui_test_fixture_store (dir) : pigeon_store_open (path, &error);
  g_assert_no_error (error);
  engine = pigeon_ui_test_fixture_engine (store, dir);
  app = pigeon_application_new_for_engine (engine);
  /* Several test binaries may run at once: do not fight over the bus name. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  const char *child_dir = g_getenv ("PIGEON_TEST_COMPOSER_CHILD");
  int status;

  self_path = argv[0];
  if (child_dir != NULL)
    {
      dir = g_strdup (child_dir);
      use_private_dirs (dir);
      gtk_init ();
      adw_init ();
      open_app (FALSE);
      return run_autosave_child ();
    }

  dir = pigeon_ui_test_make_dir ();
  use_private_dirs (dir);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  write_groups ();
  open_app (TRUE);

  g_test_add_func ("/ui/composer/drop-files", test_drop_files);
  g_test_add_func ("/ui/composer/paste-files", test_paste_files);
  g_test_add_func ("/ui/composer/send-shortcut", test_send_shortcut);
  g_test_add_func ("/ui/composer/tokens-and-groups", test_tokens_and_groups);
  g_test_add_func ("/ui/composer/mailto", test_mailto);
  g_test_add_func ("/ui/composer/signature-follows-from", test_signature_follows_from);
  g_test_add_func ("/ui/composer/reply", test_reply);
  g_test_add_func ("/ui/composer/forward", test_forward);
  g_test_add_func ("/ui/composer/edit-stored-message", test_edit_stored_message);
  g_test_add_func ("/ui/composer/undo-send", test_undo_send);
  g_test_add_func ("/ui/composer/escape-asks", test_escape_asks);
  g_test_add_func ("/ui/composer/send-warnings", test_send_warnings);
  g_test_add_func ("/ui/composer/quit-keeps-open-draft", test_quit_keeps_open_draft);
  g_test_add_func ("/ui/composer/draft-survives-kill", test_draft_survives_kill);
  /* Only under tests/peers/pigeon-peers, which starts Exim and Dovecot. */
  if (g_getenv ("PIGEON_TEST_HOST") != NULL)
    g_test_add_func ("/ui/composer/peers/send", test_send_through_peers);

  status = g_test_run ();
  g_clear_object (&app);
  g_clear_object (&engine);
  pigeon_store_close (store);
  g_clear_object (&store);
  pigeon_ui_test_remove_dir (dir);
  g_free (dir);
  return status;
}
