/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <adwaita.h>

#include "pigeon-application.h"
#include "pigeon-ui-test.h"
#include "pigeon-window.h"

static PigeonApplication *app;

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
template_child (GtkWidget *window, const char *name)
{
  GObject *child = gtk_widget_get_template_child (window, PIGEON_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static PigeonWindow *
open_window (void)
{
  PigeonWindow *window = pigeon_window_new (app);

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

static void
test_window_empty_state (void)
{
  PigeonWindow *window = open_window ();
  GtkWidget *empty_page = template_child (GTK_WIDGET (window), "empty_page");
  GtkWidget *outer_paned = template_child (GTK_WIDGET (window), "outer_paned");
  GtkWidget *inner_paned = template_child (GTK_WIDGET (window), "inner_paned");

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Pigeon");

  /* First run: no account, and the window says so. */
  g_assert_true (gtk_widget_is_drawable (empty_page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty_page)), ==, "No Account Yet");
  g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (empty_page)), ==, APPLICATION_ID "-symbolic");
  g_assert_cmpstr (
      gtk_actionable_get_action_name (GTK_ACTIONABLE (template_child (GTK_WIDGET (window), "add_account_button"))), ==,
      "app.add-account");
  g_assert_true (gtk_widget_is_drawable (template_child (GTK_WIDGET (window), "add_account_button")));

  /* The three panes are all on screen. */
  g_assert_true (gtk_widget_is_drawable (gtk_paned_get_start_child (GTK_PANED (outer_paned))));
  g_assert_true (gtk_widget_is_drawable (gtk_paned_get_start_child (GTK_PANED (inner_paned))));
  g_assert_true (gtk_widget_is_drawable (gtk_paned_get_end_child (GTK_PANED (inner_paned))));

  pigeon_ui_test_save_screenshot (GTK_WIDGET (window), "main-window-empty.png");
  close_window (GTK_WINDOW (window));
}

static void
test_window_state_is_kept (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  PigeonWindow *window;
  GtkWidget *outer_paned;
  int width, height;

  g_settings_set_int (settings, "window-width", 1200);
  g_settings_set_int (settings, "window-height", 640);
  g_settings_set_int (settings, "sidebar-width", 260);

  window = open_window ();
  outer_paned = template_child (GTK_WIDGET (window), "outer_paned");
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1200);
  g_assert_cmpint (height, ==, 640);
  g_assert_cmpint (gtk_paned_get_position (GTK_PANED (outer_paned)), ==, 260);

  /* A divider the user drags is remembered at once. */
  gtk_paned_set_position (GTK_PANED (template_child (GTK_WIDGET (window), "inner_paned")), 333);
  g_assert_cmpint (g_settings_get_int (settings, "message-list-width"), ==, 333);

  /* The size is saved when the window closes. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1300, 700);
  close_window (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1300);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static gboolean
about_window_shown (gpointer data)
{
  GtkWidget **about = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_ABOUT_WINDOW (window) && gtk_widget_get_mapped (window))
        {
          *about = window;
          return TRUE;
        }
    }

  return FALSE;
}

static void
assert_accel (const char *action, const char *accel)
{
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);

  g_assert_true (g_strv_contains ((const char *const *) accels, accel));
}

/* The window actions the other panes use by name, with their keys. */
static void
assert_window_actions (PigeonWindow *window)
{
  static const char *const names[] = { "compose",     "reply",  "reply-all", "forward", "mark-read", "mark-unread",
                                       "toggle-flag", "delete", "archive",   "move-to", "search",    "undo" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), names[i]));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "add-account"));

  /* No account to write from, nothing selected, nothing moved yet. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "compose"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "reply"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "undo"));

  assert_accel ("win.compose", "<Control>n");
  assert_accel ("win.reply", "<Control>r");
  assert_accel ("win.reply-all", "<Shift><Control>r");
  assert_accel ("win.forward", "<Control>l");
  assert_accel ("win.search", "<Control>f");
  assert_accel ("win.undo", "<Control>z");
}

static void
test_actions_and_shortcuts (void)
{
  PigeonWindow *window = open_window ();
  g_auto (GStrv) quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_auto (GStrv) help_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");
  GtkWidget *about = NULL;
  GtkWidget *overlay;

  g_assert_true (g_strv_contains ((const char *const *) quit_accels, "<Control>q"));
  g_assert_true (g_strv_contains ((const char *const *) help_accels, "<Control>question"));
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  assert_window_actions (window);

  /* The shortcuts window lists the message actions. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  overlay = GTK_WIDGET (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_mapped, overlay));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (overlay, "shortcuts.png");
  gtk_widget_set_visible (overlay, FALSE);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (pigeon_ui_test_wait_for (about_window_shown, &about));
  pigeon_ui_test_settle ();
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Pigeon");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  pigeon_ui_test_save_screenshot (about, "about.png");
  close_window (GTK_WINDOW (about));

  close_window (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (PigeonStore) store = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  int status;

  /* Before GLib reads (and caches) the XDG directories. */
  dir = pigeon_ui_test_make_dir ();
  pigeon_ui_test_use_xdg_dirs (dir);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* First run: an empty store of its own, and an engine that stays off
   * the network. */
  path = g_build_filename (dir, "pigeon.db", NULL);
  store = pigeon_store_open (path, &error);
  g_assert_no_error (error);
  engine = pigeon_ui_test_fixture_engine (store, dir);

  /* Several test binaries may run at once: do not fight over the bus name. */
  app = pigeon_application_new_for_engine (engine);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/window/empty-state", test_window_empty_state);
  g_test_add_func ("/ui/window/state-is-kept", test_window_state_is_kept);
  g_test_add_func ("/ui/window/actions-and-shortcuts", test_actions_and_shortcuts);

  status = g_test_run ();
  g_clear_object (&app);
  g_clear_object (&engine);
  pigeon_store_close (store);
  g_clear_object (&store);
  pigeon_ui_test_remove_dir (dir);

  return status;
}
