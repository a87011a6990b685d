/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-account-setup.h"
#include "pigeon-application.h"
#include "pigeon-composer.h"
#include "pigeon-new-mail.h"
#include "pigeon-preferences.h"
#include "pigeon-window.h"

struct _PigeonApplication
{
  AdwApplication parent_instance;

  PigeonEngine *engine;
  /* Why the store did not open, when it did not. */
  GError *open_error;
  PigeonNewMail *new_mail;
  /* pigeon --compose in the first instance: the attachments' URIs, or an
   * empty list, until activate opens the composer. */
  GStrv compose_request;
};

G_DEFINE_FINAL_TYPE (PigeonApplication, pigeon_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "compose", 0, 0, G_OPTION_ARG_NONE, NULL, N_ ("Write a new message"), NULL },
  { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, N_ ("Attach FILE to the new message (with --compose)"),
    N_ ("FILE") },
  { NULL },
};

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

/* A composer may be the active window: the main window is found by its
 * type. */
static PigeonWindow *
find_main_window (PigeonApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (PIGEON_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

/* The main window, made when there is none. */
static PigeonWindow *
pigeon_application_get_main_window (PigeonApplication *self)
{
  PigeonWindow *window = find_main_window (self);

  return window != NULL ? window : pigeon_window_new (self);
}

void
pigeon_application_show_toast (PigeonApplication *self, AdwToast *toast)
{
  PigeonWindow *window;

  g_return_if_fail (PIGEON_IS_APPLICATION (self));
  g_return_if_fail (ADW_IS_TOAST (toast));
  g_return_if_fail (self->engine != NULL);

  window = pigeon_application_get_main_window (self);
  /* After `pigeon --compose` the main window may never have been shown,
   * and a toast with Undo must be seen to be of use. */
  if (!gtk_widget_get_visible (GTK_WIDGET (window)))
    gtk_window_present (GTK_WINDOW (window));
  pigeon_window_show_toast (window, toast);
}

/* Startup */

/* The engine needs a password that no keyring holds (or that the server
 * refused and was forgotten): ask for it. Declining leaves the account's
 * error, and its banner, in place. */
static void
password_dialog_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  PigeonPasswordRequest *request = user_data;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  pigeon_password_request_reply (request, g_str_equal (response, "sign-in") ? gtk_editable_get_text (entry) : NULL);
  gtk_editable_set_text (entry, "");
}

static void
unref_request (gpointer data, GClosure *closure)
{
  pigeon_password_request_unref (data);
}

static void
ask_password (PigeonPasswordRequest *request, gpointer user_data)
{
  PigeonApplication *self = user_data;
  PigeonWindow *main_window = find_main_window (self);
  GtkWindow *parent =
      main_window != NULL ? GTK_WINDOW (main_window) : gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog = adw_message_dialog_new (parent, _ ("Password Needed"), NULL);
  GtkWidget *entry = gtk_password_entry_new ();

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _ ("Enter the password of %s on %s."),
                                  pigeon_password_request_get_user (request),
                                  pigeon_password_request_get_host (request));
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Password"), -1);
  g_object_set (entry, "activates-default", TRUE, NULL);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "sign-in", _ ("_Sign In"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-in", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "sign-in");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_signal_connect_data (dialog, "response", G_CALLBACK (password_dialog_response_cb),
                         pigeon_password_request_ref (request), unref_request, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static PigeonEngine *
open_engine (PigeonApplication *self, GError **error)
{
  g_autofree char *path = pigeon_store_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (PigeonStore) store = NULL;
  g_autoptr (PigeonCredentials) credentials = pigeon_credentials_new (TRUE);
  g_autoptr (PigeonCertificatePins) pins = pigeon_certificate_pins_new (NULL);

  g_mkdir_with_parents (dir, 0700);
  store = pigeon_store_open (path, error);
  if (store == NULL)
    return NULL;
  pigeon_credentials_set_prompt_func (credentials, ask_password, self, NULL);

  return pigeon_engine_new (store, credentials, pins);
}

/* Without its cache Pigeon can do nothing: say why, and quit. */
static void
present_open_error (PigeonApplication *self)
{
  GtkWidget *dialog = adw_message_dialog_new (NULL, _ ("Pigeon Cannot Open Its Mail Cache"), self->open_error->message);

  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "quit", _ ("_Quit"));
  g_signal_connect_swapped (dialog, "response", G_CALLBACK (g_application_quit), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
present_composer (PigeonApplication *self, const char *const *uris)
{
  guint n_files = g_strv_length ((GStrv) uris);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  if (n_files == 0)
    {
      pigeon_composer_present_new (GTK_APPLICATION (self), self->engine, NULL);
      return;
    }
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (files, g_file_new_for_uri (uris[i]));
  pigeon_composer_present_files (GTK_APPLICATION (self), self->engine, (GFile **) files->pdata, files->len);
}

static void
pigeon_application_activate (GApplication *app)
{
  PigeonApplication *self = PIGEON_APPLICATION (app);
  g_auto (GStrv) compose_request = g_steal_pointer (&self->compose_request);

  if (self->engine == NULL)
    present_open_error (self);
  else if (compose_request != NULL)
    present_composer (self, (const char *const *) compose_request);
  else
    gtk_window_present (GTK_WINDOW (pigeon_application_get_main_window (self)));
}

/* The desktop file registers Pigeon for mailto: links, and "Send to…"
 * hands it files: each link opens a composer, the files one composer with
 * them attached. */
static void
pigeon_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  PigeonApplication *self = PIGEON_APPLICATION (app);
  g_autoptr (GPtrArray) attachments = g_ptr_array_new ();

  if (self->engine == NULL)
    {
      present_open_error (self);
      return;
    }
  for (int i = 0; i < n_files; i++)
    {
      if (g_file_has_uri_scheme (files[i], "mailto"))
        {
          g_autofree char *uri = g_file_get_uri (files[i]);

          pigeon_composer_present_mailto (GTK_APPLICATION (self), self->engine, uri);
        }
      else
        g_ptr_array_add (attachments, files[i]);
    }
  if (attachments->len > 0)
    pigeon_composer_present_files (GTK_APPLICATION (self), self->engine, (GFile **) attachments->pdata,
                                   attachments->len);
}

/* pigeon --compose [--attach FILE]...: the first instance keeps the
 * request for activate; a second one sends it to the first as app.compose
 * and exits. */
static int
pigeon_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  PigeonApplication *self = PIGEON_APPLICATION (app);
  g_autofree const char **paths = NULL;
  g_autoptr (GStrvBuilder) uris = g_strv_builder_new ();
  g_auto (GStrv) request = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_variant_dict_contains (options, "compose"))
    return -1;
  if (g_variant_dict_lookup (options, "attach", "^a&ay", &paths))
    for (guint i = 0; paths[i] != NULL; i++)
      {
        g_autoptr (GFile) file = g_file_new_for_commandline_arg (paths[i]);
        g_autofree char *uri = g_file_get_uri (file);

        g_strv_builder_add (uris, uri);
      }
  request = g_strv_builder_end (uris);

  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (!g_application_get_is_remote (app))
    {
      self->compose_request = g_steal_pointer (&request);
      return -1;
    }
  g_action_group_activate_action (G_ACTION_GROUP (app), "compose",
                                  g_variant_new_strv ((const char *const *) request, -1));
  return 0;
}

/* Application actions */

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

static void
pigeon_application_preferences_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonApplication *self = user_data;

  pigeon_preferences_present (GTK_WINDOW (pigeon_application_get_main_window (self)), self->engine);
}

static void
pigeon_application_add_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonApplication *self = user_data;

  pigeon_account_setup_present (GTK_WINDOW (pigeon_application_get_main_window (self)), self->engine);
}

/* Parameter: the URIs of the files to attach (none for an empty message). */
static void
pigeon_application_compose_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autofree const char **uris = g_variant_get_strv (parameter, NULL);

  present_composer (user_data, uris);
}

/* Parameter: (folder id, message id), from a new mail notification. */
static void
pigeon_application_show_message_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PigeonApplication *self = user_data;
  PigeonStore *store = pigeon_engine_get_store (self->engine);
  gint64 folder_id, message_id;
  PigeonFolder *folder;
  g_autoptr (PigeonMessage) message = NULL;
  PigeonWindow *window = pigeon_application_get_main_window (self);

  g_variant_get (parameter, "(xx)", &folder_id, &message_id);
  folder = pigeon_store_lookup_folder (store, folder_id);
  message = pigeon_store_lookup_message (store, message_id);
  gtk_window_present (GTK_WINDOW (window));
  if (folder != NULL && message != NULL)
    pigeon_window_show_message (window, folder, message);
}

static const GActionEntry app_actions[] = {
  { "about", pigeon_application_about_action },
  { "quit", pigeon_application_quit_action },
};

/* These need the engine. */
static const GActionEntry engine_actions[] = {
  { "preferences", pigeon_application_preferences_action },
  { "add-account", pigeon_application_add_account_action },
  { "compose", pigeon_application_compose_action, "as" },
  { "show-message", pigeon_application_show_message_action, "(xx)" },
};

static void
set_accels (GtkApplication *app)
{
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },        { "app.preferences", { "<Control>comma", NULL } },
    { "window.close", { "<Control>w", NULL } },    { "win.compose", { "<Control>n", NULL } },
    { "win.reply", { "<Control>r", NULL } },       { "win.reply-all", { "<Control><Shift>r", NULL } },
    { "win.forward", { "<Control>l", NULL } },     { "win.mark-read", { "<Control>i", NULL } },
    { "win.mark-unread", { "<Control>u", NULL } }, { "win.toggle-flag", { "<Control>s", NULL } },
    { "win.search", { "<Control>f", NULL } },      { "win.undo", { "<Control>z", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

static void
pigeon_application_startup (GApplication *app)
{
  PigeonApplication *self = PIGEON_APPLICATION (app);
  gboolean own_engine = self->engine == NULL;

  G_APPLICATION_CLASS (pigeon_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  set_accels (GTK_APPLICATION (app));

  if (own_engine)
    self->engine = open_engine (self, &self->open_error);
  if (self->engine == NULL)
    return;

  g_action_map_add_action_entries (G_ACTION_MAP (app), engine_actions, G_N_ELEMENTS (engine_actions), app);
  self->new_mail = pigeon_new_mail_new (GTK_APPLICATION (app), self->engine);
  /* An engine handed in (by a test) is started, or not, by its owner. */
  if (own_engine)
    pigeon_engine_start (self->engine);
  pigeon_composer_restore_drafts (GTK_APPLICATION (app), self->engine);
}

static void
pigeon_application_shutdown (GApplication *app)
{
  PigeonApplication *self = PIGEON_APPLICATION (app);

  if (self->engine != NULL)
    pigeon_engine_stop (self->engine);

  G_APPLICATION_CLASS (pigeon_application_parent_class)->shutdown (app);
}

static void
pigeon_application_dispose (GObject *object)
{
  PigeonApplication *self = PIGEON_APPLICATION (object);

  g_clear_object (&self->new_mail);
  g_clear_object (&self->engine);
  g_clear_error (&self->open_error);
  g_clear_pointer (&self->compose_request, g_strfreev);

  G_OBJECT_CLASS (pigeon_application_parent_class)->dispose (object);
}

static void
pigeon_application_class_init (PigeonApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = pigeon_application_dispose;
  app_class->startup = pigeon_application_startup;
  app_class->shutdown = pigeon_application_shutdown;
  app_class->activate = pigeon_application_activate;
  app_class->open = pigeon_application_open;
  app_class->handle_local_options = pigeon_application_handle_local_options;
}

static void
pigeon_application_init (PigeonApplication *self)
{
  gtk_window_set_default_icon_name (APPLICATION_ID);
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}
