/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <adwaita.h>

#include "pigeon-message-list-pane.h"
#include "pigeon-message-row.h"
#include "pigeon-ui-test.h"

typedef struct
{
  char *dir;
  PigeonStore *store;
  PigeonEngine *engine;
  GtkWindow *window;
  PigeonMessageListPane *pane;
} Fixture;

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Lets timers GTK started run out (a tooltip's 500 ms), before the window
 * goes. */
static void
run_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
widget_is_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

static gboolean
message_is_unread (gpointer data)
{
  return pigeon_message_get_unread (data);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);

  g_settings_reset (settings, "thread-view");
  g_settings_reset (settings, "sort-key");
  g_settings_reset (settings, "sort-descending");

  fixture->dir = pigeon_ui_test_make_dir ();
  fixture->store = pigeon_ui_test_fixture_store (fixture->dir);
  fixture->engine = pigeon_ui_test_fixture_engine (fixture->store, fixture->dir);
  fixture->pane = PIGEON_MESSAGE_LIST_PANE (pigeon_message_list_pane_new (fixture->engine));

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 420, 640);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->pane));
  gtk_window_present (fixture->window);
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, fixture->window));
  pigeon_ui_test_settle ();
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (fixture->window);
  pigeon_ui_test_settle ();
  g_clear_object (&fixture->engine);
  pigeon_store_close (fixture->store);
  g_clear_object (&fixture->store);
  pigeon_ui_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static GtkWidget *
pane_child (Fixture *fixture, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (fixture->pane), PIGEON_TYPE_MESSAGE_LIST_PANE, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static GListModel *
shown_messages (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (pane_child (fixture, "list_view"))));

  g_assert_nonnull (model);
  return model;
}

static guint
n_shown (Fixture *fixture)
{
  return g_list_model_get_n_items (shown_messages (fixture));
}

static PigeonMessage *
shown_message (Fixture *fixture, guint position)
{
  g_autoptr (PigeonMessage) message = g_list_model_get_item (shown_messages (fixture), position);

  /* The store keeps the live object; the list holds it too. */
  return message;
}

static const char *
visible_page (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (pane_child (fixture, "stack")));
}

static void
collect_rows (GtkWidget *widget, GPtrArray *rows)
{
  if (PIGEON_IS_MESSAGE_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

/* The row widgets the list view made (bound or kept for reuse). */
static GPtrArray *
row_widgets (Fixture *fixture)
{
  GPtrArray *rows = g_ptr_array_new ();

  collect_rows (pane_child (fixture, "list_view"), rows);
  return rows;
}

static PigeonMessageRow *
row_of (Fixture *fixture, PigeonMessage *message)
{
  g_autoptr (GPtrArray) rows = row_widgets (fixture);

  for (guint i = 0; i < rows->len; i++)
    if (pigeon_message_row_get_message (rows->pdata[i]) == message)
      return rows->pdata[i];
  g_assert_not_reached ();
}

static GtkWidget *
row_child (PigeonMessageRow *row, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (row), PIGEON_TYPE_MESSAGE_ROW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static gboolean
label_is_bold (GtkWidget *label)
{
  PangoAttrList *attributes = gtk_label_get_attributes (GTK_LABEL (label));
  g_autoptr (PangoAttrIterator) iter = NULL;
  PangoAttribute *weight;

  if (attributes == NULL)
    return FALSE;
  iter = pango_attr_list_get_iterator (attributes);
  weight = pango_attr_iterator_get (iter, PANGO_ATTR_WEIGHT);
  return weight != NULL && ((PangoAttrInt *) weight)->value >= PANGO_WEIGHT_BOLD;
}

typedef struct
{
  Fixture *fixture;
  guint n;
} Count;

static gboolean
has_n_shown (gpointer data)
{
  Count *count = data;

  return n_shown (count->fixture) == count->n;
}

static void
wait_for_n_shown (Fixture *fixture, guint n)
{
  Count count = { fixture, n };

  g_assert_true (pigeon_ui_test_wait_for (has_n_shown, &count));
}

static PigeonFolder *
work_folder (Fixture *fixture, const char *path)
{
  PigeonFolder *folder = pigeon_ui_test_find_folder (fixture->store, "Work", path);

  g_assert_nonnull (folder);
  return folder;
}

static void
test_folder_in_date_order (Fixture *fixture, gconstpointer data)
{
  PigeonFolder *inbox = work_folder (fixture, "INBOX");
  g_autoptr (GPtrArray) rows = NULL;

  g_assert_cmpstr (visible_page (fixture), ==, "none");
  pigeon_message_list_pane_set_folder (fixture->pane, inbox);
  pigeon_ui_test_settle ();

  g_assert_cmpstr (visible_page (fixture), ==, "list");
  g_assert_cmpuint (n_shown (fixture), ==, pigeon_folder_get_total (inbox));
  g_assert_cmpuint (n_shown (fixture), ==, 10);
  g_assert_cmpstr (pigeon_message_get_subject (shown_message (fixture, 0)), ==, "Welcome to the team");
  for (guint i = 1; i < n_shown (fixture); i++)
    g_assert_cmpint (pigeon_message_get_date (shown_message (fixture, i - 1)), >=,
                     pigeon_message_get_date (shown_message (fixture, i)));

  /* Each row reads as its message is: unread in bold with a dot. */
  for (guint i = 0; i < n_shown (fixture); i++)
    {
      PigeonMessage *message = shown_message (fixture, i);
      PigeonMessageRow *row = row_of (fixture, message);
      gboolean unread = pigeon_message_get_unread (message);

      g_assert_cmpint (gtk_widget_get_opacity (row_child (row, "unread_dot")) > 0, ==, unread);
      g_assert_cmpint (label_is_bold (row_child (row, "sender_label")), ==, unread);
      g_assert_cmpint (gtk_widget_get_visible (row_child (row, "attachment_icon")), ==,
                       pigeon_message_get_has_attachments (message));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "subject_label"))), ==,
                       pigeon_message_get_subject (message));
    }
  g_assert_cmpuint (pigeon_folder_get_unread (inbox), >, 0);

  rows = row_widgets (fixture);
  g_assert_cmpuint (rows->len, ==, 10);
  pigeon_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "message-list.png");
}

static gboolean
row_is_starred (gpointer data)
{
  PigeonMessageRow *row = data;

  return g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (row_child (row, "flag_button"))), "starred-symbolic") == 0;
}

static gboolean
row_is_not_starred (gpointer data)
{
  return !row_is_starred (data);
}

static void
store_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_flag_change_updates_row (Fixture *fixture, gconstpointer data)
{
  PigeonMessage *message;
  PigeonMessageRow *row;
  g_autoptr (GPtrArray) messages = g_ptr_array_new ();
  gboolean done = FALSE;

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "INBOX"));
  pigeon_ui_test_settle ();
  message = shown_message (fixture, 2);
  row = row_of (fixture, message);
  g_assert_true (row_is_not_starred (row));
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown_messages (fixture)), 2, TRUE);

  /* A change made elsewhere (the sync, another window) shows at once. */
  g_ptr_array_add (messages, message);
  pigeon_store_set_flags_async (fixture->store, messages, PIGEON_MESSAGE_FLAGGED, 0, NULL, store_written, &done);
  g_assert_true (pigeon_ui_test_wait_for (is_true, &done));
  g_assert_true (pigeon_ui_test_wait_for (row_is_starred, row));
  /* The reader keeps its message (the reader marks it read this way). */
  g_assert_true (pigeon_message_list_pane_get_selected_message (fixture->pane) == message);

  /* The star button unflags it through the engine. */
  gtk_widget_activate (row_child (row, "flag_button"));
  g_assert_true (pigeon_ui_test_wait_for (row_is_not_starred, row));
  g_assert_false (pigeon_message_get_flagged (message));
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_selection (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) selected = NULL;
  GtkSelectionModel *selection;
  guint notified = 0;

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "INBOX"));
  pigeon_ui_test_settle ();
  selection = GTK_SELECTION_MODEL (shown_messages (fixture));
  g_signal_connect (fixture->pane, "notify::selected-message", G_CALLBACK (count_notify), &notified);

  g_assert_null (pigeon_message_list_pane_get_selected_message (fixture->pane));
  gtk_selection_model_select_item (selection, 3, TRUE);
  g_assert_true (pigeon_message_list_pane_get_selected_message (fixture->pane) == shown_message (fixture, 3));
  g_assert_cmpuint (notified, ==, 1);

  /* Several selected: the reader shows none of them. */
  gtk_selection_model_select_item (selection, 4, FALSE);
  g_assert_null (pigeon_message_list_pane_get_selected_message (fixture->pane));
  g_assert_cmpuint (notified, ==, 2);
  selected = pigeon_message_list_pane_get_selection (fixture->pane);
  g_assert_cmpuint (selected->len, ==, 2);
  g_assert_true (selected->pdata[0] == shown_message (fixture, 3));
  g_assert_true (selected->pdata[1] == shown_message (fixture, 4));

  g_signal_handlers_disconnect_by_data (fixture->pane, &notified);
}

static gboolean
is_shown (Fixture *fixture, PigeonMessage *message)
{
  for (guint i = 0; i < n_shown (fixture); i++)
    if (shown_message (fixture, i) == message)
      return TRUE;
  return FALSE;
}

/* The widget under @root that is a @type showing @text, or NULL. */
static GtkWidget *
find_widget (GtkWidget *root, GType type, const char *text)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      const char *shown =
          GTK_IS_LABEL (root) ? gtk_label_get_label (GTK_LABEL (root)) : gtk_button_get_label (GTK_BUTTON (root));

      if (g_strcmp0 (shown, text) == 0)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWidget *root;
  GType type;
  const char *text;
} Find;

static gboolean
widget_appears (gpointer data)
{
  Find *find = data;

  return find_widget (find->root, find->type, find->text) != NULL;
}

static void
test_delete (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PigeonMessage) message = NULL;
  Find toast = { GTK_WIDGET (fixture->pane), GTK_TYPE_LABEL, "1 message deleted" };
  Find undo = { GTK_WIDGET (fixture->pane), GTK_TYPE_BUTTON, "_Undo" };

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "INBOX"));
  pigeon_ui_test_settle ();
  message = g_object_ref (shown_message (fixture, 1));
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown_messages (fixture)), 1, TRUE);

  pigeon_message_list_pane_delete_selection (fixture->pane);
  wait_for_n_shown (fixture, 9);
  g_assert_false (is_shown (fixture, message));
  g_assert_true (pigeon_ui_test_wait_for (widget_appears, &toast));
  g_assert_true (pigeon_ui_test_wait_for (widget_appears, &undo));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "message-list-deleted.png");
  g_assert_cmpuint (pigeon_folder_get_total (work_folder (fixture, "Trash")), ==, 1);

  /* The next message takes the deleted one's place in the reader. */
  g_assert_true (pigeon_message_list_pane_get_selected_message (fixture->pane) == shown_message (fixture, 1));
}

static void
test_undo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (PigeonMessage) message = NULL;
  Find undo = { GTK_WIDGET (fixture->pane), GTK_TYPE_BUTTON, "_Undo" };

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "INBOX"));
  pigeon_ui_test_settle ();
  message = g_object_ref (shown_message (fixture, 1));
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown_messages (fixture)), 1, TRUE);
  pigeon_message_list_pane_delete_selection (fixture->pane);
  wait_for_n_shown (fixture, 9);
  g_assert_true (pigeon_ui_test_wait_for (widget_appears, &undo));

  /* The toast's Undo puts it back in its place. */
  gtk_widget_activate (find_widget (undo.root, undo.type, undo.text));
  wait_for_n_shown (fixture, 10);
  g_assert_true (shown_message (fixture, 1) == message);
  g_assert_cmpuint (pigeon_folder_get_total (work_folder (fixture, "Trash")), ==, 0);
}

static void
test_move_and_archive (Fixture *fixture, gconstpointer data)
{
  PigeonFolder *archive = work_folder (fixture, "Archive");
  guint archived = pigeon_folder_get_total (archive);
  Find toast = { GTK_WIDGET (fixture->pane), GTK_TYPE_LABEL, "2 messages moved to Pigeon" };

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "INBOX"));
  pigeon_ui_test_settle ();

  /* 07-invoice and 08-meeting are not in the Archive yet. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown_messages (fixture)), 6, TRUE);
  pigeon_message_list_pane_archive_selection (fixture->pane);
  wait_for_n_shown (fixture, 9);
  g_assert_cmpuint (pigeon_folder_get_total (archive), ==, archived + 1);

  gtk_selection_model_select_range (GTK_SELECTION_MODEL (shown_messages (fixture)), 0, 2, TRUE);
  pigeon_message_list_pane_move_selection_to (fixture->pane, work_folder (fixture, "Projects/Pigeon"));
  wait_for_n_shown (fixture, 7);
  g_assert_true (pigeon_ui_test_wait_for (widget_appears, &toast));
}

static void
test_search (Fixture *fixture, gconstpointer data)
{
  AdwStatusPage *no_results = ADW_STATUS_PAGE (pane_child (fixture, "no_results_page"));

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "INBOX"));
  pigeon_ui_test_settle ();

  /* Both accounts have the invoice. */
  pigeon_message_list_pane_search (fixture->pane, "subject:invoice");
  pigeon_ui_test_settle ();
  g_assert_cmpuint (n_shown (fixture), ==, 2);
  for (guint i = 0; i < n_shown (fixture); i++)
    g_assert_cmpstr (pigeon_message_get_subject (shown_message (fixture, i)), ==, "Your invoice for November");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pane_child (fixture, "title_label"))), ==, "2 results");

  pigeon_message_list_pane_search (fixture->pane, "subject:xylophone");
  pigeon_ui_test_settle ();
  g_assert_cmpuint (n_shown (fixture), ==, 0);
  g_assert_cmpstr (visible_page (fixture), ==, "no-results");
  g_assert_cmpstr (adw_status_page_get_description (no_results) ?: "", ==, "");

  /* A query the store cannot read says why. */
  pigeon_message_list_pane_search (fixture->pane, "is:bogus");
  pigeon_ui_test_settle ();
  g_assert_cmpstr (visible_page (fixture), ==, "no-results");
  g_assert_nonnull (strstr (adw_status_page_get_description (no_results), "is:bogus"));

  /* Ending the search shows the folder again. */
  pigeon_message_list_pane_search (fixture->pane, NULL);
  pigeon_ui_test_settle ();
  g_assert_cmpstr (visible_page (fixture), ==, "list");
  g_assert_cmpuint (n_shown (fixture), ==, 10);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pane_child (fixture, "title_label"))), ==, "10 messages");
}

static PigeonMessageInfo *
thread_message (guint uid, const char *message_id, const char *in_reply_to, const char *subject, gint64 date)
{
  PigeonMessageInfo *info = pigeon_message_info_new ();

  info->uid = uid;
  info->message_id = g_strdup (message_id);
  info->in_reply_to = g_strdup (in_reply_to);
  info->subject = g_strdup (subject);
  info->from = g_strdup ("Bob Baker <bob@example.org>");
  info->to = g_strdup ("alice@example.org");
  info->date = date;
  info->size = 1000;
  info->flags = PIGEON_MESSAGE_SEEN;
  return info;
}

/* Projects: a conversation of three and a message of its own. */
static PigeonFolder *
fill_projects (Fixture *fixture)
{
  PigeonFolder *projects = work_folder (fixture, "Projects");
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean done = FALSE;

  g_ptr_array_add (infos, thread_message (1, "plan@example.org", NULL, "Release plan", now - 7200));
  g_ptr_array_add (infos, thread_message (2, "other@example.org", NULL, "Unrelated", now - 5400));
  g_ptr_array_add (infos, thread_message (3, "plan-2@example.org", "plan@example.org", "Re: Release plan", now - 3600));
  g_ptr_array_add (infos, thread_message (4, "plan-3@example.org", "plan-2@example.org", "Re: Release plan", now - 60));
  pigeon_store_add_messages_async (fixture->store, projects, infos, NULL, store_written, &done);
  g_assert_true (pigeon_ui_test_wait_for (is_true, &done));
  return projects;
}

static gboolean
thread_view_is_on (gpointer data)
{
  return g_settings_get_boolean (data, "thread-view");
}

static gboolean
thread_view_is_off (gpointer data)
{
  return !thread_view_is_on (data);
}

static void
test_conversations (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  GtkWidget *thread_button = pane_child (fixture, "thread_button");
  PigeonMessageRow *row;

  pigeon_message_list_pane_set_folder (fixture->pane, fill_projects (fixture));
  pigeon_ui_test_settle ();
  g_assert_cmpuint (n_shown (fixture), ==, 4);

  /* The toggle button is the setting. */
  g_assert_true (gtk_widget_is_sensitive (thread_button));
  gtk_widget_activate (thread_button);
  g_assert_true (pigeon_ui_test_wait_for (thread_view_is_on, settings));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (thread_button)));
  wait_for_n_shown (fixture, 2);
  pigeon_ui_test_settle ();
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pane_child (fixture, "title_label"))), ==, "2 conversations");

  /* The conversation shows its newest message, with the count. */
  g_assert_cmpstr (pigeon_message_get_subject (shown_message (fixture, 0)), ==, "Re: Release plan");
  g_assert_cmpstr (pigeon_message_get_subject (shown_message (fixture, 1)), ==, "Unrelated");
  row = row_of (fixture, shown_message (fixture, 0));
  g_assert_true (gtk_widget_get_visible (row_child (row, "count_label")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_child (row, "count_label"))), ==, "3");
  g_assert_false (gtk_widget_get_visible (row_child (row_of (fixture, shown_message (fixture, 1)), "count_label")));
  pigeon_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "message-list-threads.png");

  /* A conversation of one does not open. */
  g_signal_emit_by_name (pane_child (fixture, "list_view"), "activate", 1);
  g_assert_false (gtk_widget_get_visible (pane_child (fixture, "back_button")));

  /* Opening it lists the conversation, oldest first; Back goes back. */
  g_signal_emit_by_name (pane_child (fixture, "list_view"), "activate", 0);
  wait_for_n_shown (fixture, 3);
  g_assert_cmpstr (pigeon_message_get_subject (shown_message (fixture, 0)), ==, "Release plan");
  g_assert_true (gtk_widget_get_visible (pane_child (fixture, "back_button")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pane_child (fixture, "title_label"))), ==, "Release plan");
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "message-list-conversation.png");
  gtk_widget_activate (pane_child (fixture, "back_button"));
  wait_for_n_shown (fixture, 2);
  g_assert_false (gtk_widget_get_visible (pane_child (fixture, "back_button")));

  /* Acting on a conversation acts on each of its messages. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown_messages (fixture)), 0, TRUE);
  pigeon_message_list_pane_mark_selection_read (fixture->pane, FALSE);
  g_assert_true (pigeon_ui_test_wait_for (message_is_unread, shown_message (fixture, 0)));
  g_assert_cmpuint (pigeon_folder_get_unread (work_folder (fixture, "Projects")), ==, 3);

  gtk_widget_activate (thread_button);
  g_assert_true (pigeon_ui_test_wait_for (thread_view_is_off, settings));
  wait_for_n_shown (fixture, 4);
}

static void
test_sort_order (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  GtkWidget *popover;

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "INBOX"));
  pigeon_ui_test_settle ();

  /* The sort menu's actions are the settings. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->pane), "list.sort-key", "s", "subject");
  gtk_widget_activate_action (GTK_WIDGET (fixture->pane), "list.sort-descending", NULL);
  g_assert_cmpstr (g_settings_get_string (settings, "sort-key"), ==, "subject");
  g_assert_false (g_settings_get_boolean (settings, "sort-descending"));
  pigeon_ui_test_settle ();
  g_assert_cmpuint (n_shown (fixture), ==, 10);
  for (guint i = 1; i < n_shown (fixture); i++)
    g_assert_cmpint (g_ascii_strcasecmp (pigeon_message_get_subject (shown_message (fixture, i - 1)),
                                         pigeon_message_get_subject (shown_message (fixture, i))),
                     <=, 0);

  /* The sort menu shows the order. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (pane_child (fixture, "sort_button")));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (pane_child (fixture, "sort_button"))));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, popover));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (popover, "message-list-sort-menu.png");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (pane_child (fixture, "sort_button")));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_unmapped, popover));

  g_settings_set_string (settings, "sort-key", "size");
  pigeon_ui_test_settle ();
  for (guint i = 1; i < n_shown (fixture); i++)
    g_assert_cmpuint (pigeon_message_get_size (shown_message (fixture, i - 1)), <=,
                      pigeon_message_get_size (shown_message (fixture, i)));
}

static void
test_all_inboxes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) accounts = NULL;

  pigeon_message_list_pane_show_all_inboxes (fixture->pane);
  pigeon_ui_test_settle ();
  g_assert_cmpuint (n_shown (fixture), ==, 17);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pane_child (fixture, "title_label"))), ==, "17 messages");
  for (guint i = 1; i < n_shown (fixture); i++)
    g_assert_cmpint (pigeon_message_get_date (shown_message (fixture, i - 1)), >=,
                     pigeon_message_get_date (shown_message (fixture, i)));

  /* Deleting from both accounts at once takes each from its own Inbox. */
  gtk_selection_model_select_range (GTK_SELECTION_MODEL (shown_messages (fixture)), 0, 2, TRUE);
  accounts = pigeon_message_list_pane_get_selection (fixture->pane);
  g_assert_cmpint (pigeon_message_get_account_id (accounts->pdata[0]), !=,
                   pigeon_message_get_account_id (accounts->pdata[1]));
  pigeon_message_list_pane_delete_selection (fixture->pane);
  wait_for_n_shown (fixture, 15);
}

static void
test_empty_folder (Fixture *fixture, gconstpointer data)
{
  AdwStatusPage *empty = ADW_STATUS_PAGE (pane_child (fixture, "empty_page"));

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "Drafts"));
  pigeon_ui_test_settle ();
  g_assert_cmpstr (visible_page (fixture), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "No Messages");
  g_assert_cmpstr (adw_status_page_get_icon_name (empty), ==, "mail-unread-symbolic");
  pigeon_ui_test_save_screenshot (GTK_WIDGET (fixture->window), "message-list-empty.png");

  pigeon_message_list_pane_set_folder (fixture->pane, NULL);
  g_assert_cmpstr (visible_page (fixture), ==, "none");
}

static gboolean
menu_has (GMenuModel *menu, const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (section != NULL && menu_has (section, action))
        return TRUE;
      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) && g_str_equal (name, action))
        return TRUE;
    }
  return FALSE;
}

static void
test_context_menu (Fixture *fixture, gconstpointer data)
{
  GtkWidget *menu = NULL;
  GMenuModel *model;
  PigeonMessageRow *row;
  GListModel *controllers;

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "INBOX"));
  pigeon_ui_test_settle ();
  row = row_of (fixture, shown_message (fixture, 0));

  /* A right click on a row selects it and opens the menu there. */
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (row));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller))
        g_signal_emit_by_name (controller, "pressed", 1, 40.0, 20.0);
    }
  g_object_unref (controllers);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (fixture->pane)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      menu = child;
  g_assert_nonnull (menu);
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, menu));
  g_assert_true (pigeon_message_list_pane_get_selected_message (fixture->pane) == shown_message (fixture, 0));

  model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu));
  g_assert_true (menu_has (model, "win.reply"));
  g_assert_true (menu_has (model, "win.reply-all"));
  g_assert_true (menu_has (model, "win.forward"));
  g_assert_true (menu_has (model, "win.mark-read") == pigeon_message_get_unread (shown_message (fixture, 0)));
  g_assert_true (menu_has (model, "win.mark-unread") != pigeon_message_get_unread (shown_message (fixture, 0)));
  g_assert_true (menu_has (model, "win.toggle-flag"));
  g_assert_true (menu_has (model, "win.archive"));
  g_assert_true (menu_has (model, "win.delete"));

  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (menu, "message-list-menu.png");
  gtk_popover_popdown (GTK_POPOVER (menu));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_unmapped, menu));

  /* The keyboard's way (Menu, Shift+F10) opens it for the selection; the
   * label follows what the selection is now. */
  gtk_selection_model_select_range (GTK_SELECTION_MODEL (shown_messages (fixture)), 0, 10, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->pane), "list.show-menu", NULL));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, menu));
  model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu));
  g_assert_true (menu_has (model, "win.mark-read"));
  gtk_popover_popdown (GTK_POPOVER (menu));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_unmapped, menu));
  run_for (700);
}

/* A drag carries the selection as a GListModel of messages. */
static void
test_drag (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GdkContentProvider) content = NULL;
  g_auto (GValue) value = G_VALUE_INIT;
  PigeonMessageRow *row;
  GListModel *controllers, *messages;

  pigeon_message_list_pane_set_folder (fixture->pane, work_folder (fixture, "INBOX"));
  pigeon_ui_test_settle ();
  gtk_selection_model_select_range (GTK_SELECTION_MODEL (shown_messages (fixture)), 2, 3, TRUE);

  /* Dragging a selected row takes the whole selection. */
  row = row_of (fixture, shown_message (fixture, 3));
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (row));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (controller))
        {
          g_assert_cmpint (gtk_drag_source_get_actions (GTK_DRAG_SOURCE (controller)), ==, GDK_ACTION_MOVE);
          g_signal_emit_by_name (controller, "prepare", 10.0, 10.0, &content);
        }
    }
  g_object_unref (controllers);

  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_LIST_MODEL);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  messages = g_value_get_object (&value);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 3);
  g_assert_true (g_list_model_get_item_type (messages) == PIGEON_TYPE_MESSAGE);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (PigeonMessage) message = g_list_model_get_item (messages, i);

      g_assert_true (message == shown_message (fixture, 2 + i));
    }
}

/* A big folder is a GListModel that pages: the view makes rows for what
 * is on screen, not one widget per message. */
static void
test_large_folder (Fixture *fixture, gconstpointer data)
{
  PigeonFolder *big = work_folder (fixture, "Junk");
  const guint total = 100000, batch = 5000;
  g_autoptr (GPtrArray) rows = NULL;
  gint64 start;

  for (guint uid = 1; uid <= total; uid += batch)
    {
      g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
      gboolean done = FALSE;

      for (guint i = uid; i < uid + batch; i++)
        {
          g_autofree char *id = g_strdup_printf ("bulk-%u@example.org", i);
          g_autofree char *subject = g_strdup_printf ("Offer number %u", i);

          g_ptr_array_add (infos, thread_message (i, id, NULL, subject, 1700000000 + i));
        }
      pigeon_store_add_messages_async (fixture->store, big, infos, NULL, store_written, &done);
      g_assert_true (pigeon_ui_test_wait_for (is_true, &done));
    }

  start = g_get_monotonic_time ();
  pigeon_message_list_pane_set_folder (fixture->pane, big);
  pigeon_ui_test_settle ();
  g_test_message ("100,000-message folder shown in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  wait_for_n_shown (fixture, total);
  pigeon_ui_test_settle ();

  rows = row_widgets (fixture);
  g_test_message ("%u row widgets for %u messages", rows->len, total);
  /* GTK 4.8's list view keeps up to 200 rows around what is on screen
   * (GTK_LIST_VIEW_MAX_LIST_ITEMS in gtklistview.c), and two more for each
   * of its trackers (anchor, selection, focus), whatever the list's length. */
  g_assert_cmpuint (rows->len, >, 0);
  g_assert_cmpuint (rows->len, <=, 200 + 3 * 2);
  g_assert_cmpstr (pigeon_message_get_subject (shown_message (fixture, 0)), ==, "Offer number 100000");
}

/* Today the time, this year the day, before that the whole date. */
static void
test_row_formats (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) now = g_date_time_new (utc, 2026, 11, 28, 18, 0, 0);
  g_autoptr (GDateTime) morning = g_date_time_new (utc, 2026, 11, 28, 9, 5, 0);
  g_autoptr (GDateTime) march = g_date_time_new (utc, 2026, 3, 3, 12, 0, 0);
  g_autoptr (GDateTime) older = g_date_time_new (utc, 2024, 12, 31, 23, 0, 0);
  g_autofree char *today = pigeon_message_row_format_date (g_date_time_to_unix (morning), now);
  g_autofree char *this_year = pigeon_message_row_format_date (g_date_time_to_unix (march), now);
  g_autofree char *long_ago = pigeon_message_row_format_date (g_date_time_to_unix (older), now);
  g_autofree char *unknown = pigeon_message_row_format_date (0, now);
  g_autofree char *named = pigeon_message_row_format_sender ("\"Hopper, Grace\" <grace@example.org>, bob@example.org");
  g_autofree char *bare = pigeon_message_row_format_sender ("grace@example.org");
  g_autofree char *nobody = pigeon_message_row_format_sender (NULL);

  g_assert_cmpstr (today, ==, "09:05");
  g_assert_cmpstr (this_year, ==, "Mar 3");
  g_assert_cmpstr (long_ago, ==, "2024-12-31");
  g_assert_cmpstr (unknown, ==, "");
  g_assert_cmpstr (named, ==, "Hopper, Grace");
  g_assert_cmpstr (bare, ==, "grace@example.org");
  g_assert_cmpstr (nobody, ==, "Unknown Sender");
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/message-list/row-formats", test_row_formats);
  g_test_add ("/message-list/folder-in-date-order", Fixture, NULL, fixture_set_up, test_folder_in_date_order,
              fixture_tear_down);
  g_test_add ("/message-list/flag-change-updates-row", Fixture, NULL, fixture_set_up, test_flag_change_updates_row,
              fixture_tear_down);
  g_test_add ("/message-list/selection", Fixture, NULL, fixture_set_up, test_selection, fixture_tear_down);
  g_test_add ("/message-list/delete", Fixture, NULL, fixture_set_up, test_delete, fixture_tear_down);
  g_test_add ("/message-list/undo", Fixture, NULL, fixture_set_up, test_undo, fixture_tear_down);
  g_test_add ("/message-list/move-and-archive", Fixture, NULL, fixture_set_up, test_move_and_archive,
              fixture_tear_down);
  g_test_add ("/message-list/search", Fixture, NULL, fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/message-list/conversations", Fixture, NULL, fixture_set_up, test_conversations, fixture_tear_down);
  g_test_add ("/message-list/sort-order", Fixture, NULL, fixture_set_up, test_sort_order, fixture_tear_down);
  g_test_add ("/message-list/all-inboxes", Fixture, NULL, fixture_set_up, test_all_inboxes, fixture_tear_down);
  g_test_add ("/message-list/empty-folder", Fixture, NULL, fixture_set_up, test_empty_folder, fixture_tear_down);
  g_test_add ("/message-list/context-menu", Fixture, NULL, fixture_set_up, test_context_menu, fixture_tear_down);
  g_test_add ("/message-list/drag", Fixture, NULL, fixture_set_up, test_drag, fixture_tear_down);
  g_test_add ("/message-list/large-folder", Fixture, NULL, fixture_set_up, test_large_folder, fixture_tear_down);

  return g_test_run ();
}
