/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-application.h"
#include "pigeon-window.h"

struct _PigeonApplication
{
  AdwApplication parent_instance;

  PigeonEngine *engine;
};

G_DEFINE_FINAL_TYPE (PigeonApplication, pigeon_application, ADW_TYPE_APPLICATION)

PigeonApplication *
pigeon_application_new (void)
{
  /* GApplication is single-instance by default: a second launch, or a
   * mailto: link, is forwarded to the running process over D-Bus. */
  return g_object_new (PIGEON_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE_PATH, NULL);
}

PigeonApplication *
pigeon_application_new_for_engine (PigeonEngine *engine)
{
  PigeonApplication *self;

  g_return_val_if_fail (PIGEON_IS_ENGINE (engine), NULL);

  self = pigeon_application_new ();
  self->engine = g_object_ref (engine);
  return self;
}

PigeonEngine *
pigeon_application_get_engine (PigeonApplication *self)
{
  g_return_val_if_fail (PIGEON_IS_APPLICATION (self), NULL);

  return self->engine;
}

/* The main window, made when there is none; a composer may be the active
 * window, so this looks for the main window by its type. */
static PigeonWindow *
pigeon_application_get_main_window (PigeonApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (PIGEON_IS_WINDOW (l->data))
      return l->data;

  return pigeon_window_new (self);
}

void
pigeon_application_show_toast (PigeonApplication *self, AdwToast *toast)
{
  g_return_if_fail (PIGEON_IS_APPLICATION (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  pigeon_window_show_toast (pigeon_application_get_main_window (self), toast);
}

static void
pigeon_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (pigeon_application_get_main_window (PIGEON_APPLICATION (app))));
}

/* The desktop file registers Pigeon for mailto: links. Until the composer
 * exists, a link brings the main window forward rather than failing with
 * GApplication's "This application can not open files". */
static void
pigeon_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  pigeon_application_activate (app);
}

static void
pigeon_application_about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonApplication *self = user_data;
  static const char *developers[] = { "The Pigeon developers", NULL };
  AdwAboutWindow *about = ADW_ABOUT_WINDOW (adw_about_window_new ());

  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (GTK_APPLICATION (self)));
  adw_about_window_set_application_name (about, _ ("Pigeon"));
  adw_about_window_set_application_icon (about, APPLICATION_ID);
  adw_about_window_set_developer_name (about, _ ("The Pigeon developers"));
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_comments (about, _ ("A fast, native mail client for the GNOME desktop"));
  adw_about_window_set_website (about, "https://pigeonmail.org");
  adw_about_window_set_issue_url (about, "https://pigeonmail.org/bugs");
  adw_about_window_set_copyright (about, _ ("© 2026 The Pigeon developers"));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_developers (about, developers);
  /* Translators: put your names here, one per line. */
  adw_about_window_set_translator_credits (about, _ ("translator-credits"));
  gtk_window_present (GTK_WINDOW (about));
}

static void
pigeon_application_quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GApplication *app = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Close the windows first so that each one saves its state. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (app);
}

static const GActionEntry app_actions[] = {
  { "about", pigeon_application_about_action },
  { "quit", pigeon_application_quit_action },
};

static void
pigeon_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (pigeon_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
}

static void
pigeon_application_dispose (GObject *object)
{
  PigeonApplication *self = PIGEON_APPLICATION (object);

  g_clear_object (&self->engine);

  G_OBJECT_CLASS (pigeon_application_parent_class)->dispose (object);
}

static void
pigeon_application_class_init (PigeonApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = pigeon_application_dispose;

  app_class->startup = pigeon_application_startup;
  app_class->activate = pigeon_application_activate;
  app_class->open = pigeon_application_open;
}

static void
pigeon_application_init (PigeonApplication *self)
{
  gtk_window_set_default_icon_name (APPLICATION_ID);
}
