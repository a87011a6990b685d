/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-window.h"

struct _PigeonWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  /* Template children */
  GtkPaned *outer_paned;
  GtkPaned *inner_paned;
  AdwStatusPage *empty_page;
  AdwToastOverlay *toast_overlay;
};

G_DEFINE_FINAL_TYPE (PigeonWindow, pigeon_window, ADW_TYPE_APPLICATION_WINDOW)

PigeonWindow *
pigeon_window_new (PigeonApplication *application)
{
  g_return_val_if_fail (PIGEON_IS_APPLICATION (application), NULL);

  return g_object_new (PIGEON_TYPE_WINDOW, "application", application, NULL);
}

void
pigeon_window_show_toast (PigeonWindow *self, AdwToast *toast)
{
  g_return_if_fail (PIGEON_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
pigeon_window_restore_state (PigeonWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "sidebar-width", self->outer_paned, "position", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "message-list-width", self->inner_paned, "position", G_SETTINGS_BIND_DEFAULT);
}

/* The unmaximized size is what the next start should use, so a maximized
 * window keeps the size it had before it was maximized. */
static gboolean
pigeon_window_close_request (GtkWindow *window)
{
  PigeonWindow *self = PIGEON_WINDOW (window);
  gboolean maximized = gtk_window_is_maximized (window);

  if (!maximized)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);

  return GTK_WINDOW_CLASS (pigeon_window_parent_class)->close_request (window);
}

static void
pigeon_window_dispose (GObject *object)
{
  PigeonWindow *self = PIGEON_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PIGEON_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pigeon_window_parent_class)->dispose (object);
}

static void
pigeon_window_class_init (PigeonWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pigeon_window_dispose;
  window_class->close_request = pigeon_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/pigeon-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, inner_paned);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, toast_overlay);
}

static void
pigeon_window_init (PigeonWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Translators: the title of the main window. */
  gtk_window_set_title (GTK_WINDOW (self), _ ("Pigeon"));
  adw_status_page_set_icon_name (self->empty_page, APPLICATION_ID "-symbolic");

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new (SCHEMA_ID);
  pigeon_window_restore_state (self);
}
