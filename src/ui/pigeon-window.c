/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-prompts.h"
#include "pigeon-window-private.h"

G_DEFINE_FINAL_TYPE (PigeonWindow, pigeon_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

PigeonWindow *
pigeon_window_new (PigeonApplication *application)
{
  g_return_val_if_fail (PIGEON_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (pigeon_application_get_engine (application) != NULL, NULL);

  return g_object_new (PIGEON_TYPE_WINDOW, "application", application, "engine",
                       pigeon_application_get_engine (application), NULL);
}

void
pigeon_window_show_toast (PigeonWindow *self, AdwToast *toast)
{
  g_return_if_fail (PIGEON_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
pigeon_window_show_message (PigeonWindow *self, PigeonFolder *folder, PigeonMessage *message)
{
  g_return_if_fail (PIGEON_IS_WINDOW (self));
  g_return_if_fail (PIGEON_IS_FOLDER (folder));
  g_return_if_fail (PIGEON_IS_MESSAGE (message));

  pigeon_sidebar_select_folder (self->sidebar, folder);
  pigeon_reader_set_message (self->reader, message);
}

/* Account errors: the sidebar's icon and the banner offer one fix */

/* The server whose certificate was refused: the incoming one unless only
 * the outgoing one has a rejected certificate on record. */
static void
rejected_server (PigeonWindow *self, PigeonAccount *account, const char **host, guint *port)
{
  const char *out_host = pigeon_account_get_outgoing_host (account);
  guint out_port = pigeon_account_get_outgoing_port (account);
  g_autofree char *incoming = pigeon_engine_get_rejected_fingerprint (
      self->engine, pigeon_account_get_incoming_host (account), pigeon_account_get_incoming_port (account));
  g_autofree char *outgoing =
      out_host != NULL ? pigeon_engine_get_rejected_fingerprint (self->engine, out_host, out_port) : NULL;

  *host = pigeon_account_get_incoming_host (account);
  *port = pigeon_account_get_incoming_port (account);
  if (incoming == NULL && outgoing != NULL)
    {
      *host = out_host;
      *port = out_port;
    }
}

static void
sync_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  /* A failure comes back as "account-error", which the sidebar shows. */
  pigeon_engine_sync_finish (PIGEON_ENGINE (source), result, NULL);
}

static void
error_dialog_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  g_autoptr (PigeonAccount) account = user_data;
  PigeonEngine *engine = g_object_get_data (G_OBJECT (dialog), "pigeon-engine");

  if (g_str_equal (response, "retry"))
    pigeon_engine_sync_async (engine, account, NULL, sync_done_cb, NULL);
}

static void
present_error_dialog (PigeonWindow *self, PigeonAccount *account, const GError *error)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), pigeon_sidebar_account_title (account), error->message));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"), "retry", _ ("_Try Again"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "retry", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "retry");
  g_object_set_data_full (G_OBJECT (dialog), "pigeon-engine", g_object_ref (self->engine), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (error_dialog_response_cb), g_object_ref (account));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
fix_account_error (PigeonWindow *self, PigeonAccount *account, const GError *error)
{
  const char *host;
  guint port;

  if (g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_AUTH) ||
      g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NO_PASSWORD))
    pigeon_password_prompt_present (GTK_WINDOW (self), self->engine, account);
  else if (g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_CERTIFICATE))
    {
      rejected_server (self, account, &host, &port);
      pigeon_certificate_prompt_present (GTK_WINDOW (self), self->engine, account, host, port);
    }
  else
    present_error_dialog (self, account, error);
}

static void
hide_error_banner (PigeonWindow *self)
{
  gtk_revealer_set_reveal_child (self->error_banner, FALSE);
  g_clear_object (&self->banner_account);
  g_clear_error (&self->banner_error);
}

static void show_error_banner (PigeonWindow *self, PigeonAccount *account, const GError *error);

/* After one fix, the banner turns to the next account that needs the user. */
static void
show_next_error (PigeonWindow *self, PigeonAccount *fixed)
{
  GListModel *accounts = pigeon_engine_get_accounts (self->engine);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);
      const GError *error = pigeon_sidebar_get_account_error (self->sidebar, account);

      if (account != fixed && error != NULL)
        show_error_banner (self, account, error);
      if (self->banner_account != NULL)
        return;
    }
}

static void
error_button_clicked_cb (PigeonWindow *self)
{
  g_autoptr (PigeonAccount) account = g_steal_pointer (&self->banner_account);
  g_autoptr (GError) error = g_steal_pointer (&self->banner_error);

  hide_error_banner (self);
  if (account != NULL && error != NULL)
    fix_account_error (self, account, error);
  show_next_error (self, account);
}

static void
sidebar_fix_account_error_cb (PigeonWindow *self, PigeonAccount *account, const GError *error)
{
  if (self->banner_account == account)
    {
      hide_error_banner (self);
      show_next_error (self, account);
    }
  fix_account_error (self, account, error);
}

/* Only the errors a person must act on get a banner; the others (an
 * unreachable server, ...) are retried by the engine and show as the
 * account's icon in the sidebar. */
static void
show_error_banner (PigeonWindow *self, PigeonAccount *account, const GError *error)
{
  const char *button;

  if (g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_AUTH) ||
      g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NO_PASSWORD))
    button = _ ("_Enter Password");
  else if (g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_CERTIFICATE))
    button = _ ("_Review Certificate");
  else
    return;

  g_set_object (&self->banner_account, account);
  g_clear_error (&self->banner_error);
  self->banner_error = g_error_copy (error);
  gtk_label_set_text (self->error_label, error->message);
  gtk_button_set_label (self->error_button, button);
  gtk_button_set_use_underline (self->error_button, TRUE);
  gtk_revealer_set_reveal_child (self->error_banner, TRUE);
}

static void
engine_account_error_cb (PigeonWindow *self, PigeonAccount *account, const GError *error)
{
  show_error_banner (self, account, error);
}

/* Progress */

static gboolean
pulse_cb (gpointer user_data)
{
  PigeonWindow *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
set_pulsing (PigeonWindow *self, gboolean pulsing)
{
  if (!pulsing)
    g_clear_handle_id (&self->pulse_source, g_source_remove);
  else if (self->pulse_source == 0)
    self->pulse_source = g_timeout_add (150, pulse_cb, self);
}

static void
engine_progress_cb (PigeonWindow *self, PigeonAccount *account, guint done, guint total)
{
  set_pulsing (self, total == 0);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) MIN (done, total) / total);
  /* The account works again: the banner's problem is solved. */
  if (self->banner_account == account)
    hide_error_banner (self);
}

static void
engine_busy_cb (PigeonWindow *self)
{
  gboolean busy = pigeon_engine_get_busy (self->engine);
  const char *status = pigeon_engine_get_status (self->engine);

  gtk_label_set_text (self->status_label, status != NULL ? status : "");
  /* Work starts without a count: pulse until "progress" gives one. */
  if (busy && !gtk_revealer_get_reveal_child (self->progress_revealer))
    set_pulsing (self, TRUE);
  if (!busy)
    set_pulsing (self, FALSE);
  gtk_revealer_set_reveal_child (self->progress_revealer, busy);
}

static void
network_changed_cb (PigeonWindow *self)
{
  gtk_revealer_set_reveal_child (self->offline_banner, !g_network_monitor_get_network_available (self->monitor));
}

/* The store's notice (a rebuilt cache, a failed write): a dialog, since it
 * is a few sentences the user should read in full. */

static void
notice_dialog_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  PigeonStore *store = user_data;

  pigeon_store_dismiss_notice (store);
}

static void
store_notice_cb (PigeonWindow *self)
{
  PigeonStore *store = pigeon_engine_get_store (self->engine);
  const char *notice = pigeon_store_get_notice (store);
  GtkWidget *dialog;

  if (notice == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Mail Cache"), notice);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_OK"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (notice_dialog_response_cb), store, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Panes */

static void
update_empty_state (PigeonWindow *self)
{
  gboolean has_account = g_list_model_get_n_items (pigeon_engine_get_accounts (self->engine)) > 0;

  gtk_stack_set_visible_child_name (self->list_stack, has_account ? "messages" : "no-account");
  /* Mail needs an account to come from. */
  pigeon_window_set_action_enabled (self, "compose", has_account);
}

static void
sidebar_selection_changed_cb (PigeonWindow *self)
{
  PigeonFolder *folder = pigeon_sidebar_get_selected_folder (self->sidebar);

  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  if (folder != NULL)
    {
      PigeonStore *store = pigeon_engine_get_store (self->engine);
      PigeonAccount *account = pigeon_store_lookup_account (store, pigeon_folder_get_account_id (folder));

      pigeon_message_list_pane_set_folder (self->message_list, folder);
      adw_window_title_set_title (self->list_title, pigeon_sidebar_folder_title (folder));
      adw_window_title_set_subtitle (self->list_title, account != NULL ? pigeon_sidebar_account_title (account) : NULL);
    }
  else if (pigeon_sidebar_get_all_inboxes_selected (self->sidebar))
    {
      pigeon_message_list_pane_show_all_inboxes (self->message_list);
      adw_window_title_set_title (self->list_title, _ ("All Inboxes"));
      adw_window_title_set_subtitle (self->list_title, NULL);
    }
  else
    {
      pigeon_message_list_pane_set_folder (self->message_list, NULL);
      adw_window_title_set_title (self->list_title, NULL);
      adw_window_title_set_subtitle (self->list_title, NULL);
    }
}

static void
sidebar_messages_dropped_cb (PigeonWindow *self, PigeonFolder *target)
{
  pigeon_message_list_pane_move_selection_to (self->message_list, target);
}

void
pigeon_window_set_action_enabled (PigeonWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
selected_message_cb (PigeonWindow *self)
{
  PigeonMessage *message = pigeon_message_list_pane_get_selected_message (self->message_list);

  pigeon_reader_set_message (self->reader, message);
  pigeon_window_set_action_enabled (self, "reply", message != NULL);
  pigeon_window_set_action_enabled (self, "reply-all", message != NULL);
  pigeon_window_set_action_enabled (self, "forward", message != NULL);
}

static void
can_undo_cb (PigeonWindow *self)
{
  pigeon_window_set_action_enabled (self, "undo", pigeon_engine_get_can_undo (self->engine));
}

/* Search */

static void
search_changed_cb (PigeonWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  pigeon_message_list_pane_search (self->message_list, *text != '\0' ? text : NULL);
}

static void
stop_search_cb (PigeonWindow *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
search_mode_cb (PigeonWindow *self)
{
  if (gtk_search_bar_get_search_mode (self->search_bar))
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  pigeon_message_list_pane_search (self->message_list, NULL);
}

/* Construction */

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

static void
add_panes (PigeonWindow *self)
{
  self->sidebar = PIGEON_SIDEBAR (pigeon_sidebar_new (self->engine));
  gtk_widget_set_vexpand (GTK_WIDGET (self->sidebar), TRUE);
  gtk_box_append (GTK_BOX (self->sidebar_slot), GTK_WIDGET (self->sidebar));
  g_signal_connect_swapped (self->sidebar, "selection-changed", G_CALLBACK (sidebar_selection_changed_cb), self);
  g_signal_connect_swapped (self->sidebar, "messages-dropped", G_CALLBACK (sidebar_messages_dropped_cb), self);
  g_signal_connect_swapped (self->sidebar, "fix-account-error", G_CALLBACK (sidebar_fix_account_error_cb), self);

  self->message_list = PIGEON_MESSAGE_LIST_PANE (pigeon_message_list_pane_new (self->engine));
  gtk_widget_set_vexpand (GTK_WIDGET (self->message_list), TRUE);
  gtk_box_append (GTK_BOX (self->list_slot), GTK_WIDGET (self->message_list));
  g_signal_connect_swapped (self->message_list, "notify::selected-message", G_CALLBACK (selected_message_cb), self);

  self->reader = PIGEON_READER (pigeon_reader_new (self->engine));
  gtk_widget_set_vexpand (GTK_WIDGET (self->reader), TRUE);
  gtk_box_append (GTK_BOX (self->reader_slot), GTK_WIDGET (self->reader));
}

static void
connect_engine (PigeonWindow *self)
{
  PigeonStore *store = pigeon_engine_get_store (self->engine);

  /* Signal groups disconnect in dispose, before the template goes. */
  self->engine_signals = g_signal_group_new (PIGEON_TYPE_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "account-error", G_CALLBACK (engine_account_error_cb), self);
  g_signal_group_connect_swapped (self->engine_signals, "progress", G_CALLBACK (engine_progress_cb), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::busy", G_CALLBACK (engine_busy_cb), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::status", G_CALLBACK (engine_busy_cb), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::can-undo", G_CALLBACK (can_undo_cb), self);
  g_signal_group_set_target (self->engine_signals, self->engine);

  self->store_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->store_signals, "items-changed", G_CALLBACK (update_empty_state), self);
  g_signal_group_set_target (self->store_signals, pigeon_engine_get_accounts (self->engine));

  g_signal_connect_object (store, "notify::notice", G_CALLBACK (store_notice_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitor, "notify::network-available", G_CALLBACK (network_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
pigeon_window_constructed (GObject *object)
{
  PigeonWindow *self = PIGEON_WINDOW (object);

  G_OBJECT_CLASS (pigeon_window_parent_class)->constructed (object);

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  pigeon_window_add_actions (self);
  add_panes (self);
  pigeon_window_add_list_shortcuts (self);
  connect_engine (self);

  update_empty_state (self);
  sidebar_selection_changed_cb (self);
  selected_message_cb (self);
  can_undo_cb (self);
  engine_busy_cb (self);
  network_changed_cb (self);
  store_notice_cb (self);
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

  if (self->engine_signals != NULL)
    g_signal_group_set_target (self->engine_signals, NULL);
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->store_signals);
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (pigeon_engine_get_store (self->engine), self);
  /* The panes go with the template; what they say while they go is moot.
   * Dispose may run twice: the second time they are gone. */
  if (self->search_bar != NULL)
    g_signal_handlers_disconnect_by_data (self->search_bar, self);
  if (self->sidebar != NULL)
    g_signal_handlers_disconnect_by_data (self->sidebar, self);
  if (self->message_list != NULL)
    g_signal_handlers_disconnect_by_data (self->message_list, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), PIGEON_TYPE_WINDOW);
  self->sidebar = NULL;
  self->message_list = NULL;
  self->reader = NULL;
  g_clear_object (&self->settings);
  g_clear_object (&self->monitor);
  g_clear_object (&self->banner_account);
  g_clear_error (&self->banner_error);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (pigeon_window_parent_class)->dispose (object);
}

static void
pigeon_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  PigeonWindow *self = PIGEON_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pigeon_window_class_init (PigeonWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = pigeon_window_constructed;
  object_class->dispose = pigeon_window_dispose;
  object_class->set_property = pigeon_window_set_property;
  window_class->close_request = pigeon_window_close_request;

  properties[PROP_ENGINE] = g_param_spec_object ("engine", NULL, NULL, PIGEON_TYPE_ENGINE,
                                                 G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/pigeon-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, inner_paned);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, sidebar_slot);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, list_slot);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, reader_slot);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, add_account_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, list_title);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, offline_banner);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, error_banner);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, error_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PigeonWindow, status_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, error_button_clicked_cb);
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

  g_object_bind_property (self->search_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->search_bar, "notify::search-mode-enabled", G_CALLBACK (search_mode_cb), self);

  self->settings = g_settings_new (SCHEMA_ID);
  pigeon_window_restore_state (self);
}
