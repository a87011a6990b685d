/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <adwaita.h>

#include "pigeon-application.h"
#include "pigeon-message-list-pane.h"
#include "pigeon-new-mail.h"
#include "pigeon-sidebar.h"
#include "pigeon-ui-test.h"
#include "pigeon-window.h"

/* The main window over the fixture store: two accounts, their folders and
 * 30 messages (pigeon-ui-test.h). */

static PigeonApplication *app;

/* A network monitor whose network the test turns off and on: GIO picks it
 * as the default monitor (GIO_USE_NETWORK_MONITOR) before anything asks. */
#define FAKE_TYPE_MONITOR (fake_monitor_get_type ())
G_DECLARE_FINAL_TYPE (FakeMonitor, fake_monitor, FAKE, MONITOR, GObject)

struct _FakeMonitor
{
  GObject parent_instance;
  gboolean available;
};

enum
{
  FAKE_PROP_0,
  FAKE_PROP_AVAILABLE,
  FAKE_PROP_METERED,
  FAKE_PROP_CONNECTIVITY,
};

static void fake_monitor_iface_init (GNetworkMonitorInterface *iface);
static void fake_monitor_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeMonitor,
                               fake_monitor,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, fake_monitor_initable_iface_init)
                                   G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, fake_monitor_iface_init))

static gboolean
fake_monitor_initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  return TRUE;
}

static void
fake_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = fake_monitor_initable_init;
}

static void
fake_monitor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FakeMonitor *self = FAKE_MONITOR (object);

  switch (prop_id)
    {
    case FAKE_PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case FAKE_PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case FAKE_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fake_monitor_class_init (FakeMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fake_monitor_get_property;
  g_object_class_override_property (object_class, FAKE_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, FAKE_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, FAKE_PROP_CONNECTIVITY, "connectivity");
}

static void
fake_monitor_iface_init (GNetworkMonitorInterface *iface)
{
}

static void
fake_monitor_init (FakeMonitor *self)
{
  self->available = TRUE;
}

static void
fake_monitor_set_available (FakeMonitor *self, gboolean available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}
static PigeonEngine *engine;
static PigeonStore *store;

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
widget_is_gone (gpointer data)
{
  GWeakRef *ref = data;
  g_autoptr (GObject) object = g_weak_ref_get (ref);

  return object == NULL;
}

static GtkWidget *
template_child (PigeonWindow *window, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), PIGEON_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* TRUE when a drawable label under @widget shows exactly @text. */
static gboolean
shows_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;

  return FALSE;
}

static PigeonWindow *
open_window (void)
{
  PigeonWindow *window = pigeon_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, window));
  pigeon_ui_test_settle ();

  return window;
}

static void
close_window (GtkWindow *window)
{
  GWeakRef ref;

  g_weak_ref_init (&ref, window);
  gtk_window_close (window);
  g_assert_true (pigeon_ui_test_wait_for (widget_is_gone, &ref));
  g_weak_ref_clear (&ref);
}

static PigeonSidebar *
window_sidebar (PigeonWindow *window)
{
  GtkWidget *sidebar = pigeon_ui_test_find_descendant (template_child (window, "sidebar_slot"), PIGEON_TYPE_SIDEBAR);

  g_assert_nonnull (sidebar);
  return PIGEON_SIDEBAR (sidebar);
}

static PigeonAccount *
find_account (const char *name)
{
  PigeonAccount *account = pigeon_engine_find_account (engine, name);

  g_assert_nonnull (account);
  return account;
}

/* The items of the sidebar's rows, in order, as short names. */
static char *
sidebar_rows (PigeonSidebar *sidebar)
{
  GtkListView *list_view = GTK_LIST_VIEW (pigeon_ui_test_find_descendant (GTK_WIDGET (sidebar), GTK_TYPE_LIST_VIEW));
  GListModel *rows = G_LIST_MODEL (gtk_list_view_get_model (list_view));
  g_autoptr (GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr (GObject) item = gtk_tree_list_row_get_item (row);

      if (names->len > 0)
        g_string_append_c (names, ',');
      if (PIGEON_IS_ACCOUNT (item))
        g_string_append_printf (names, "[%s]", pigeon_sidebar_account_title (PIGEON_ACCOUNT (item)));
      else if (PIGEON_IS_FOLDER (item))
        g_string_append_printf (names, "%s:%u", pigeon_sidebar_folder_title (PIGEON_FOLDER (item)),
                                pigeon_folder_get_unread (PIGEON_FOLDER (item)));
      else
        g_string_append (names, "All Inboxes");
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
sidebar_shows_five (gpointer data)
{
  return shows_label (data, "5");
}

static gboolean
sidebar_shows_six (gpointer data)
{
  return shows_label (data, "6");
}

static gboolean
flag_write_done (gpointer data)
{
  return *(gboolean *) data;
}

static void
flags_set_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  pigeon_store_write_finish (PIGEON_STORE (source), result, NULL, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Marks the oldest message of Home's Inbox (one of its two unread) read,
 * or unread again. */
static void
set_read_in_home_inbox (gboolean read)
{
  PigeonFolder *inbox = pigeon_ui_test_find_folder (store, "Home", "Inbox");
  g_autoptr (PigeonMessageList) list = pigeon_store_list_folder (store, inbox, PIGEON_SORT_DATE, FALSE, NULL);
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean done = FALSE;

  g_ptr_array_add (messages, g_list_model_get_item (G_LIST_MODEL (list), 0));
  g_assert_cmpstr (pigeon_message_get_subject (messages->pdata[0]), ==, "Your invoice for November");
  pigeon_store_set_flags_async (store, messages, read ? PIGEON_MESSAGE_SEEN : 0, read ? 0 : PIGEON_MESSAGE_SEEN, NULL,
                                flags_set_cb, &done);
  g_assert_true (pigeon_ui_test_wait_for (flag_write_done, &done));
}

static void
test_sidebar (void)
{
  PigeonWindow *window = open_window ();
  PigeonSidebar *sidebar = window_sidebar (window);
  g_autofree char *rows = sidebar_rows (sidebar);

  g_assert_cmpstr (rows, ==,
                   "All Inboxes,[Work],Inbox:4,Drafts:0,Sent:0,Archive:0,Junk:0,Trash:0,Projects:0,Pigeon:1,"
                   "[Home],Inbox:2,Sent:0");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "compose"));
  /* All Inboxes is where the window starts. */
  g_assert_true (pigeon_sidebar_get_all_inboxes_selected (sidebar));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (template_child (window, "list_stack"))), ==,
                   "messages");

  /* The unread counts are on screen, beside the folder names. */
  g_assert_true (shows_label (GTK_WIDGET (sidebar), "All Inboxes"));
  g_assert_true (shows_label (GTK_WIDGET (sidebar), "Work"));
  g_assert_true (shows_label (GTK_WIDGET (sidebar), "Home"));
  g_assert_true (shows_label (GTK_WIDGET (sidebar), "Pigeon"));
  g_assert_true (shows_label (GTK_WIDGET (sidebar), "4"));
  g_assert_true (shows_label (GTK_WIDGET (sidebar), "2"));
  /* All Inboxes counts the unread messages of both Inboxes, live. */
  g_assert_true (shows_label (GTK_WIDGET (sidebar), "6"));
  set_read_in_home_inbox (TRUE);
  g_assert_true (pigeon_ui_test_wait_for (sidebar_shows_five, sidebar));
  set_read_in_home_inbox (FALSE);
  g_assert_true (pigeon_ui_test_wait_for (sidebar_shows_six, sidebar));

  close_window (GTK_WINDOW (window));
}

/* The list view of the message list pane, whichever way the pane is built. */
static GListModel *
message_list_model (PigeonWindow *window)
{
  GtkWidget *view = pigeon_ui_test_find_descendant (template_child (window, "list_slot"), GTK_TYPE_LIST_VIEW);

  g_assert_nonnull (view);
  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (view)));
}

typedef struct
{
  GListModel *model;
  guint n_items;
} ModelSize;

static gboolean
model_has_size (gpointer data)
{
  ModelSize *size = data;

  return g_list_model_get_n_items (size->model) == size->n_items;
}

static gboolean
pane_has_selected_message (gpointer data)
{
  return pigeon_message_list_pane_get_selected_message (data) != NULL;
}

static gboolean
reader_shows_subject (gpointer data)
{
  PigeonWindow *window = data;

  return shows_label (template_child (window, "reader_slot"), "Your trip to GUADEC");
}

static gboolean
reply_is_shown (gpointer data)
{
  GtkWindow **composer = data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (g_strcmp0 (gtk_window_get_title (l->data), "Re: Your trip to GUADEC") == 0 && gtk_widget_get_mapped (l->data))
      {
        *composer = l->data;
        return TRUE;
      }

  return FALSE;
}

static void
test_folder_and_message (void)
{
  GtkWindow *composer = NULL;
  PigeonWindow *window = open_window ();
  PigeonSidebar *sidebar = window_sidebar (window);
  PigeonFolder *inbox = pigeon_ui_test_find_folder (store, "Work", "INBOX");
  GtkWidget *pane =
      pigeon_ui_test_find_descendant (template_child (window, "list_slot"), PIGEON_TYPE_MESSAGE_LIST_PANE);
  ModelSize size = { NULL, 10 };
  AdwWindowTitle *title = ADW_WINDOW_TITLE (template_child (window, "list_title"));

  g_assert_nonnull (inbox);
  pigeon_sidebar_select_folder (sidebar, inbox);
  g_assert_true (pigeon_sidebar_get_selected_folder (sidebar) == inbox);
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Inbox");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "Work");

  /* The pane lists the folder's ten messages. */
  size.model = message_list_model (window);
  g_assert_true (pigeon_ui_test_wait_for (model_has_size, &size));

  /* Choosing one shows it in the reader, and the reply actions wake up. */
  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (size.model), 9, TRUE));
  g_assert_true (pigeon_ui_test_wait_for (pane_has_selected_message, pane));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "reply"));
  g_assert_true (pigeon_ui_test_wait_for (reader_shows_subject, window));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (window), "main-window.png");

  /* Reply (Ctrl+R) opens a composer for the message shown. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "reply", NULL);
  g_assert_true (pigeon_ui_test_wait_for (reply_is_shown, &composer));
  gtk_window_destroy (composer);

  close_window (GTK_WINDOW (window));
}

typedef struct
{
  PigeonFolder *folder;
  guint total;
} FolderTotal;

static gboolean
folder_has_total (gpointer data)
{
  FolderTotal *expected = data;

  return pigeon_folder_get_total (expected->folder) == expected->total;
}

static gboolean
can_undo (gpointer data)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (data), "undo");
}

/* Shows Work's Inbox and selects its newest message. */
static PigeonMessageListPane *
select_first_inbox_message (PigeonWindow *window)
{
  PigeonFolder *inbox = pigeon_ui_test_find_folder (store, "Work", "INBOX");
  GtkWidget *pane =
      pigeon_ui_test_find_descendant (template_child (window, "list_slot"), PIGEON_TYPE_MESSAGE_LIST_PANE);
  ModelSize size = { NULL, pigeon_folder_get_total (inbox) };

  pigeon_sidebar_select_folder (window_sidebar (window), inbox);
  size.model = message_list_model (window);
  g_assert_true (pigeon_ui_test_wait_for (model_has_size, &size));
  g_assert_true (gtk_selection_model_select_item (GTK_SELECTION_MODEL (size.model), 0, TRUE));
  g_assert_true (pigeon_ui_test_wait_for (pane_has_selected_message, pane));
  return PIGEON_MESSAGE_LIST_PANE (pane);
}

typedef struct
{
  PigeonFolder *folder;
  guint unread;
} FolderUnread;

static gboolean
folder_has_unread (gpointer data)
{
  FolderUnread *expected = data;

  return pigeon_folder_get_unread (expected->folder) == expected->unread;
}

static gboolean
message_is_flagged (gpointer data)
{
  return pigeon_message_get_flagged (data);
}

/* The window's message actions act on the pane's selection; a drop on a
 * sidebar folder moves the selection there, and can be undone.
 *
 * Only one move here: the engine frees its undo record when it hands it
 * over (pigeon-engine-actions.c, store_written_cb clears the task data,
 * whose destroy function frees it), so a second move or win.undo would
 * use freed memory. */
static void
test_actions_on_messages (void)
{
  PigeonWindow *window = open_window ();
  PigeonFolder *inbox = pigeon_ui_test_find_folder (store, "Work", "INBOX");
  FolderUnread unread = { inbox, pigeon_folder_get_unread (inbox) };
  FolderTotal inbox_total = { inbox, pigeon_folder_get_total (inbox) };
  FolderTotal projects = { pigeon_ui_test_find_folder (store, "Work", "Projects"), 1 };
  PigeonMessageListPane *pane = select_first_inbox_message (window);
  PigeonMessage *message = pigeon_message_list_pane_get_selected_message (pane);
  gboolean was_unread = pigeon_message_get_unread (message);

  /* Unread, then read again: the folder's count follows. */
  g_action_group_activate_action (G_ACTION_GROUP (window), was_unread ? "mark-read" : "mark-unread", NULL);
  unread.unread += was_unread ? -1 : 1;
  g_assert_true (pigeon_ui_test_wait_for (folder_has_unread, &unread));
  g_action_group_activate_action (G_ACTION_GROUP (window), was_unread ? "mark-unread" : "mark-read", NULL);
  unread.unread += was_unread ? 1 : -1;
  g_assert_true (pigeon_ui_test_wait_for (folder_has_unread, &unread));

  g_assert_false (pigeon_message_get_flagged (message));
  g_action_group_activate_action (G_ACTION_GROUP (window), "toggle-flag", NULL);
  g_assert_true (pigeon_ui_test_wait_for (message_is_flagged, message));

  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "undo"));
  g_signal_emit_by_name (window_sidebar (window), "messages-dropped", projects.folder);
  inbox_total.total--;
  g_assert_true (pigeon_ui_test_wait_for (folder_has_total, &projects));
  g_assert_true (pigeon_ui_test_wait_for (folder_has_total, &inbox_total));
  g_assert_true (pigeon_ui_test_wait_for (can_undo, window));

  close_window (GTK_WINDOW (window));
}

static gboolean
revealed (gpointer data)
{
  return gtk_revealer_get_child_revealed (data);
}

static gboolean
concealed (gpointer data)
{
  return !gtk_revealer_get_reveal_child (data);
}

typedef struct
{
  GtkWidget *window;
  const char *text;
} ShownText;

static gboolean
text_is_shown (gpointer data)
{
  ShownText *shown = data;

  return shows_label (shown->window, shown->text);
}

/* The drawable button under @widget whose tooltip is @tooltip. */
static GtkWidget *
find_button_with_tooltip (GtkWidget *widget, const char *tooltip)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_is_drawable (widget) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_with_tooltip (child, tooltip);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
count_fix_cb (PigeonSidebar *sidebar, PigeonAccount *account, const GError *error, gpointer user_data)
{
  g_assert_cmpstr (pigeon_account_get_display_name (account), ==, "Work");
  (*(guint *) user_data)++;
}

static gboolean
is_nonzero (gpointer data)
{
  return *(guint *) data > 0;
}

/* Closes the windows a fix opened (a prompt), leaving @window. */
static void
close_dialogs (PigeonWindow *window)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (l->data != (gpointer) window)
      gtk_window_destroy (l->data);
  pigeon_ui_test_settle ();
}

static void
test_account_error_banner (void)
{
  PigeonWindow *window = open_window ();
  PigeonSidebar *sidebar = window_sidebar (window);
  PigeonAccount *work = find_account ("Work");
  PigeonAccount *home = find_account ("Home");
  GtkWidget *banner = template_child (window, "error_banner");
  ShownText shown;
  GtkWidget *icon;
  guint fixes = 0;
  g_autoptr (GError) certificate_error = g_error_new_literal (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_CERTIFICATE,
                                                              "The certificate of pop.example.net:995 is not trusted.");
  g_autoptr (GError) error =
      g_error_new_literal (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_AUTH,
                           "The incoming server imap.example.org:993 did not accept the password.");

  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));
  g_signal_emit_by_name (engine, "account-error", work, error);

  /* The banner says what happened and offers the fix. */
  g_assert_true (pigeon_ui_test_wait_for (revealed, banner));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (template_child (window, "error_label"))), ==, error->message);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (template_child (window, "error_button"))), ==, "_Enter Password");
  /* The sidebar marks the account. */
  g_assert_true (g_error_matches (pigeon_sidebar_get_account_error (sidebar, work), PIGEON_ENGINE_ERROR,
                                  PIGEON_ENGINE_ERROR_AUTH));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (window), "main-window-error.png");

  /* Its icon, with the error as tooltip, offers the fix too. */
  icon = find_button_with_tooltip (GTK_WIDGET (sidebar), error->message);
  g_assert_nonnull (icon);
  g_signal_connect (sidebar, "fix-account-error", G_CALLBACK (count_fix_cb), &fixes);
  g_assert_true (gtk_widget_activate (icon));
  g_assert_true (pigeon_ui_test_wait_for (is_nonzero, &fixes));
  g_signal_handlers_disconnect_by_func (sidebar, count_fix_cb, &fixes);
  close_dialogs (window);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));
  g_signal_emit_by_name (engine, "account-error", work, error);
  g_assert_true (pigeon_ui_test_wait_for (revealed, banner));

  /* Two accounts need the user: the banner shows the latest, and after
   * its fix is offered, the other. */
  g_signal_emit_by_name (engine, "account-error", home, certificate_error);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (template_child (window, "error_button"))), ==,
                   "_Review Certificate");
  /* A button emits "clicked" a moment after its activation. */
  g_assert_true (gtk_widget_activate (template_child (window, "error_button")));
  shown.window = template_child (window, "error_banner");
  shown.text = error->message;
  g_assert_true (pigeon_ui_test_wait_for (text_is_shown, &shown));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));
  close_dialogs (window);

  /* The account works again: the banner and the mark go. */
  g_signal_emit_by_name (engine, "progress", work, 0u, 3u);
  g_assert_true (pigeon_ui_test_wait_for (concealed, banner));
  g_assert_null (pigeon_sidebar_get_account_error (sidebar, work));
  /* The progress bar follows the count. */
  g_signal_emit_by_name (engine, "progress", work, 1u, 4u);
  g_assert_cmpfloat_with_epsilon (
      gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (template_child (window, "progress_bar"))), 0.25, 1e-9);

  /* Errors the engine retries by itself get no banner. */
  g_clear_error (&error);
  error =
      g_error_new_literal (PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_UNREACHABLE, "imap.example.org is unreachable.");
  g_signal_emit_by_name (engine, "account-error", work, error);
  pigeon_ui_test_settle ();
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));
  g_assert_nonnull (pigeon_sidebar_get_account_error (sidebar, work));

  close_window (GTK_WINDOW (window));
}

static void
test_offline_banner (void)
{
  PigeonWindow *window = open_window ();
  GtkWidget *banner = template_child (window, "offline_banner");
  FakeMonitor *monitor = FAKE_MONITOR (g_network_monitor_get_default ());

  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));
  fake_monitor_set_available (monitor, FALSE);
  g_assert_true (pigeon_ui_test_wait_for (revealed, banner));
  g_assert_true (shows_label (banner, "You are offline. Mail will be sent and synced when you are back online."));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (window), "main-window-offline.png");

  fake_monitor_set_available (monitor, TRUE);
  g_assert_true (pigeon_ui_test_wait_for (concealed, banner));

  close_window (GTK_WINDOW (window));
}

/* The message list holds messages, each about the trip to GUADEC. */
static gboolean
list_shows_only_guadec (gpointer data)
{
  GListModel *model = message_list_model (data);
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);

      if (!PIGEON_IS_MESSAGE (item) ||
          g_strcmp0 (pigeon_message_get_subject (PIGEON_MESSAGE (item)), "Your trip to GUADEC") != 0)
        return FALSE;
    }

  return n_items > 0;
}

static void
test_search (void)
{
  PigeonWindow *window = open_window ();
  GtkWidget *search_bar = template_child (window, "search_bar");
  GtkWidget *entry = template_child (window, "search_entry");

  g_action_group_activate_action (G_ACTION_GROUP (window), "search", NULL);
  pigeon_ui_test_settle ();
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (search_bar)));
  g_assert_true (gtk_widget_is_focus (gtk_widget_get_first_child (entry)) || gtk_widget_has_focus (entry) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), entry));

  /* Typing searches all mail: the list shows what matches. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "guadec");
  g_assert_true (pigeon_ui_test_wait_for (list_shows_only_guadec, window));

  /* Choosing a folder ends the search. */
  pigeon_sidebar_select_folder (window_sidebar (window), pigeon_ui_test_find_folder (store, "Home", "Inbox"));
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (search_bar)));

  close_window (GTK_WINDOW (window));
}

static void
test_show_message_action (void)
{
  PigeonFolder *folder = pigeon_ui_test_find_folder (store, "Work", "Projects/Pigeon");
  g_autoptr (PigeonMessageList) list = pigeon_store_list_folder (store, folder, PIGEON_SORT_DATE, TRUE, NULL);
  g_autoptr (PigeonMessage) message = g_list_model_get_item (G_LIST_MODEL (list), 0);
  PigeonWindow *window = open_window ();

  /* What a click on a new mail notification does. */
  g_action_group_activate_action (
      G_ACTION_GROUP (app), "show-message",
      g_variant_new ("(xx)", pigeon_folder_get_id (folder), pigeon_message_get_id (message)));
  pigeon_ui_test_settle ();
  g_assert_true (pigeon_sidebar_get_selected_folder (window_sidebar (window)) == folder);

  close_window (GTK_WINDOW (window));
}

static gboolean
find_message_dialog (gpointer data)
{
  AdwMessageDialog **dialog = data;

  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (window))
        {
          *dialog = ADW_MESSAGE_DIALOG (window);
          return TRUE;
        }
    }

  return FALSE;
}

/* A damaged cache is rebuilt by the store, which says so: the window
 * shows that in a dialog, and the store forgets it once read. */
static void
test_store_notice (void)
{
  g_autofree char *dir = pigeon_ui_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "pigeon.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonStore) damaged = NULL;
  g_autoptr (PigeonEngine) damaged_engine = NULL;
  GtkWidget *window;
  AdwMessageDialog *dialog = NULL;

  g_file_set_contents (path, "This is not an SQLite database, and never was one.", -1, &error);
  g_assert_no_error (error);
  damaged = pigeon_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pigeon_store_get_notice (damaged));
  damaged_engine = pigeon_ui_test_fixture_engine (damaged, dir);

  window = g_object_new (PIGEON_TYPE_WINDOW, "application", app, "engine", damaged_engine, NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, window));
  g_assert_true (pigeon_ui_test_wait_for (find_message_dialog, &dialog));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, pigeon_store_get_notice (damaged));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (GTK_WIDGET (dialog), "store-notice.png");

  /* Read: the store forgets it. */
  adw_message_dialog_response (dialog, "close");
  g_assert_null (pigeon_store_get_notice (damaged));

  close_window (GTK_WINDOW (window));
  pigeon_store_close (damaged);
  pigeon_ui_test_remove_dir (dir);
}

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

/* A notification server on the test's own session bus, which keeps the
 * summary and body of the last notification. */
static const char notifications_xml[] =
    "<node><interface name='org.freedesktop.Notifications'>"
    "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
    "<arg type='u' direction='out'/></method>"
    "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
    "</interface></node>";

typedef struct
{
  char *summary;
  char *body;
  gboolean owned;
} Notifications;

static void
notifications_method_cb (GDBusConnection *connection,
                         const char *sender,
                         const char *path,
                         const char *interface,
                         const char *method,
                         GVariant *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer user_data)
{
  Notifications *notifications = user_data;

  if (g_str_equal (method, "Notify"))
    {
      g_clear_pointer (&notifications->summary, g_free);
      g_clear_pointer (&notifications->body, g_free);
      g_variant_get (parameters, "(&su&sssas@a{sv}i)", NULL, NULL, NULL, &notifications->summary, &notifications->body,
                     NULL, NULL, NULL);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", 1));
    }
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
notifications_name_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  ((Notifications *) user_data)->owned = TRUE;
}

static gboolean
notifications_owned (gpointer data)
{
  return ((Notifications *) data)->owned;
}

static gboolean
notification_came (gpointer data)
{
  return ((Notifications *) data)->summary != NULL;
}

static guint
serve_notifications (Notifications *notifications)
{
  static const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (app));
  g_autoptr (GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr (GError) error = NULL;
  guint name;

  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", node->interfaces[0], &vtable, notifications,
                                     NULL, &error);
  g_assert_no_error (error);
  name = g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                       notifications_name_cb, NULL, notifications, NULL);
  g_assert_true (pigeon_ui_test_wait_for (notifications_owned, notifications));
  return name;
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (data);
}

/* What a POP3 download of one new message writes. */
static void
add_unread_message (PigeonFolder *folder, const char *uidl, const char *subject)
{
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_message_info_free);
  PigeonMessageInfo *info = pigeon_message_info_new ();
  Write write = { 0 };

  info->uidl = g_strdup (uidl);
  info->subject = g_strdup (subject);
  info->from = g_strdup ("Ada Lovelace <ada@example.org>");
  info->date = g_get_real_time () / G_USEC_PER_SEC;
  g_ptr_array_add (infos, info);
  pigeon_store_add_messages_async (store, folder, infos, NULL, write_done, &write);
  g_assert_true (pigeon_ui_test_wait_for (write_is_done, &write));
  g_assert_no_error (write.error);
  pigeon_ui_test_settle ();
}

static void
test_new_mail (void)
{
  Notifications notifications = { 0 };
  guint name = serve_notifications (&notifications);
  g_autoptr (PigeonNewMail) new_mail = pigeon_new_mail_new (GTK_APPLICATION (app), engine);
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  PigeonAccount *home = find_account ("Home");
  PigeonAccount *work = find_account ("Work");
  PigeonFolder *inbox = pigeon_ui_test_find_folder (store, "Home", "Inbox");
  PigeonWindow *window;

  /* What is there at startup is not news. */
  g_assert_cmpuint (pigeon_new_mail_get_count (new_mail, home), ==, 0);
  g_assert_cmpuint (pigeon_new_mail_get_count (new_mail, work), ==, 0);

  /* A sync brings one unread message while no window is open. */
  add_unread_message (inbox, "home-new-1", "Fresh news");
  g_assert_cmpuint (pigeon_folder_get_unread (inbox), ==, 3);
  g_assert_cmpuint (pigeon_new_mail_get_count (new_mail, home), ==, 1);
  g_assert_cmpuint (pigeon_new_mail_get_count (new_mail, work), ==, 0);

  /* The notification names the account, the sender and the subject. */
  g_assert_true (pigeon_ui_test_wait_for (notification_came, &notifications));
  g_assert_cmpstr (notifications.summary, ==, "1 new message in Home");
  g_assert_cmpstr (notifications.body, ==, "Ada Lovelace <ada@example.org>: Fresh news");

  /* With notifications turned off, new mail is only counted in the folder. */
  g_clear_pointer (&notifications.summary, g_free);
  g_settings_set_boolean (settings, "show-notifications", FALSE);
  add_unread_message (inbox, "home-new-2", "Quiet news");
  g_assert_cmpuint (pigeon_folder_get_unread (inbox), ==, 4);
  g_assert_cmpuint (pigeon_new_mail_get_count (new_mail, home), ==, 1);
  g_assert_null (notifications.summary);
  g_settings_reset (settings, "show-notifications");

  /* Looking at Pigeon makes the notification old news. */
  window = open_window ();
  g_assert_true (pigeon_ui_test_wait_for (window_is_active, window));
  g_assert_cmpuint (pigeon_new_mail_get_count (new_mail, home), ==, 0);
  close_window (GTK_WINDOW (window));

  g_bus_unown_name (name);
  g_free (notifications.summary);
  g_free (notifications.body);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  int status;

  g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", TRUE);
  g_setenv ("GIO_USE_NETWORK_MONITOR", "pigeon-test-fake", TRUE);
  g_io_extension_point_register (G_NETWORK_MONITOR_EXTENSION_POINT_NAME);
  g_io_extension_point_implement (G_NETWORK_MONITOR_EXTENSION_POINT_NAME, FAKE_TYPE_MONITOR, "pigeon-test-fake", 1000);
  /* Before GLib reads (and caches) the XDG directories. */
  dir = pigeon_ui_test_make_dir ();
  pigeon_ui_test_use_xdg_dirs (dir);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  store = pigeon_ui_test_fixture_store (dir);
  engine = pigeon_ui_test_fixture_engine (store, dir);
  app = pigeon_application_new_for_engine (engine);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/main-window/sidebar", test_sidebar);
  g_test_add_func ("/ui/main-window/folder-and-message", test_folder_and_message);
  g_test_add_func ("/ui/main-window/account-error-banner", test_account_error_banner);
  g_test_add_func ("/ui/main-window/offline-banner", test_offline_banner);
  g_test_add_func ("/ui/main-window/search", test_search);
  g_test_add_func ("/ui/main-window/show-message-action", test_show_message_action);
  g_test_add_func ("/ui/main-window/actions-on-messages", test_actions_on_messages);
  g_test_add_func ("/ui/main-window/store-notice", test_store_notice);
  /* Last: it adds a message to the fixture. */
  g_test_add_func ("/ui/main-window/new-mail", test_new_mail);

  status = g_test_run ();
  g_clear_object (&app);
  g_clear_object (&engine);
  pigeon_store_close (store);
  g_clear_object (&store);
  pigeon_ui_test_remove_dir (dir);

  return status;
}
