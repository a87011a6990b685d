/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-account-setup.h"
#include "pigeon-preferences.h"

/* The preferences: the accounts (a live list over the engine's model,
 * each opening a subpage built from pigeon-preferences-account.ui) and
 * the general settings in GSettings. Every change applies at once: the
 * account's properties through pigeon_engine_save_account_async(), the
 * engine's own settings through its setters. */

#define PIGEON_TYPE_PREFERENCES (pigeon_preferences_get_type ())
G_DECLARE_FINAL_TYPE (PigeonPreferences, pigeon_preferences, PIGEON, PREFERENCES, AdwPreferencesWindow)

struct _PigeonPreferences
{
  AdwPreferencesWindow parent_instance;

  PigeonEngine *engine;
  GSettings *settings;
  GCancellable *cancellable;

  GtkListBox *accounts_list;
  GtkSpinButton *mark_read_delay_spin;
  GtkSwitch *notifications_switch;
};

G_DEFINE_FINAL_TYPE (PigeonPreferences, pigeon_preferences, ADW_TYPE_PREFERENCES_WINDOW)

/* The choices of the combo rows, in the order of the .ui file. */
static const guint sync_intervals[] = { 5 * 60, 15 * 60, 30 * 60, 60 * 60 };
/* "All messages" is a century. */
static const guint offline_days[] = { 0, 7, 31, 365, 36500 };
static const PigeonSecurity securities[] = { PIGEON_SECURITY_TLS, PIGEON_SECURITY_STARTTLS, PIGEON_SECURITY_NONE };

/* The index of the choice closest to @value (a value set elsewhere, by
 * pigeon-tool, may not be one of them). */
static guint
closest_choice (const guint *choices, guint n_choices, guint value)
{
  guint best = 0;

  for (guint i = 1; i < n_choices; i++)
    if ((value > choices[i] ? value - choices[i] : choices[i] - value) <
        (value > choices[best] ? value - choices[best] : choices[best] - value))
      best = i;
  return best;
}

static guint
security_index (PigeonSecurity security)
{
  for (guint i = 0; i < G_N_ELEMENTS (securities); i++)
    if (securities[i] == security)
      return i;
  return 0;
}

/* One account's subpage, alive as long as its widgets. */
typedef struct
{
  PigeonPreferences *preferences;
  PigeonAccount *account;
  GtkBuilder *builder;
} AccountPage;

static void
account_page_free (AccountPage *page)
{
  g_object_unref (page->account);
  g_object_unref (page->builder);
  g_free (page);
}

static gpointer
page_object (AccountPage *page, const char *id)
{
  GObject *object = gtk_builder_get_object (page->builder, id);

  g_assert (object != NULL);
  return object;
}

static void
show_error_toast (PigeonPreferences *self, const GError *error)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonPreferences) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_save_account_finish (PIGEON_ENGINE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error_toast (self, error);
}

static void
save_account (AccountPage *page)
{
  PigeonPreferences *self = page->preferences;

  pigeon_engine_save_account_async (self->engine, page->account, self->cancellable, saved_cb, g_object_ref (self));
}

/* Entry rows apply on Enter or their apply button. Empty means unset. */
static char *
applied_text (AdwEntryRow *row)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*text != '\0')
    return text;
  g_free (text);
  return NULL;
}

static void
entry_applied_cb (AdwEntryRow *row, AccountPage *page)
{
  g_autofree char *text = applied_text (row);
  const char *property = g_object_get_data (G_OBJECT (row), "pigeon-property");

  if (g_str_equal (property, "reply-to"))
    {
      pigeon_engine_set_reply_to (page->preferences->engine, page->account, text);
      return;
    }
  /* An account is listed by its name: an empty one falls back to the
   * address, as a new account's does. */
  if (text == NULL && g_str_equal (property, "display-name"))
    {
      text = g_strdup (pigeon_account_get_address (page->account));
      gtk_editable_set_text (GTK_EDITABLE (row), text);
    }
  g_object_set (page->account, property, text, NULL);
  save_account (page);
}

static void
bind_entry (AccountPage *page, const char *id, const char *property, const char *value)
{
  AdwEntryRow *row = page_object (page, id);

  gtk_editable_set_text (GTK_EDITABLE (row), value ? value : "");
  g_object_set_data (G_OBJECT (row), "pigeon-property", (gpointer) property);
  g_signal_connect (row, "apply", G_CALLBACK (entry_applied_cb), page);
}

static void
signature_changed_cb (GtkTextBuffer *buffer, AccountPage *page)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  pigeon_engine_set_signature (page->preferences->engine, page->account, *text ? text : NULL);
}

static void
port_changed_cb (GtkSpinButton *spin, AccountPage *page)
{
  const char *property = g_object_get_data (G_OBJECT (spin), "pigeon-property");

  g_object_set (page->account, property, (guint) gtk_spin_button_get_value_as_int (spin), NULL);
  save_account (page);
}

/* A plain connection says so where it is chosen. */
static void
show_security_warning (AdwComboRow *row)
{
  gboolean none = securities[adw_combo_row_get_selected (row)] == PIGEON_SECURITY_NONE;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               none ? _ ("Unencrypted: allowed only for a server on this computer") : "");
}

static void
security_changed_cb (AdwComboRow *row, GParamSpec *pspec, AccountPage *page)
{
  const char *property = g_object_get_data (G_OBJECT (row), "pigeon-property");

  show_security_warning (row);
  g_object_set (page->account, property, securities[adw_combo_row_get_selected (row)], NULL);
  save_account (page);
}

static void
bind_server (AccountPage *page, const char *direction)
{
  g_autofree char *host_id = g_strdup_printf ("%s_host_row", direction);
  g_autofree char *user_id = g_strdup_printf ("%s_user_row", direction);
  g_autofree char *port_id = g_strdup_printf ("%s_port_spin", direction);
  g_autofree char *security_id = g_strdup_printf ("%s_security_row", direction);
  g_autofree char *host = NULL, *user = NULL;
  /* The property names are static: the rows keep pointers to them. */
  gboolean in = g_str_equal (direction, "incoming");
  GtkSpinButton *port = page_object (page, port_id);
  AdwComboRow *security = page_object (page, security_id);
  guint port_value;
  PigeonSecurity security_value;

  g_object_get (page->account, in ? "incoming-host" : "outgoing-host", &host,
                in ? "incoming-username" : "outgoing-username", &user, in ? "incoming-port" : "outgoing-port",
                &port_value, in ? "incoming-security" : "outgoing-security", &security_value, NULL);
  bind_entry (page, host_id, in ? "incoming-host" : "outgoing-host", host);
  bind_entry (page, user_id, in ? "incoming-username" : "outgoing-username", user);
  gtk_spin_button_set_value (port, port_value);
  g_object_set_data (G_OBJECT (port), "pigeon-property", in ? "incoming-port" : "outgoing-port");
  g_signal_connect (port, "value-changed", G_CALLBACK (port_changed_cb), page);
  adw_combo_row_set_selected (security, security_index (security_value));
  show_security_warning (security);
  g_object_set_data (G_OBJECT (security), "pigeon-property", in ? "incoming-security" : "outgoing-security");
  g_signal_connect (security, "notify::selected", G_CALLBACK (security_changed_cb), page);
}

static void
interval_changed_cb (AdwComboRow *row, GParamSpec *pspec, AccountPage *page)
{
  pigeon_account_set_sync_interval (page->account, sync_intervals[adw_combo_row_get_selected (row)]);
  save_account (page);
}

static void
offline_changed_cb (AdwComboRow *row, GParamSpec *pspec, AccountPage *page)
{
  pigeon_engine_set_offline_days (page->preferences->engine, page->account,
                                  offline_days[adw_combo_row_get_selected (row)]);
}

static void
leave_on_server_cb (GtkSwitch *toggle, GParamSpec *pspec, AccountPage *page)
{
  gboolean leave = gtk_switch_get_active (toggle);

  gtk_widget_set_sensitive (page_object (page, "delete_after_row"), leave);
  pigeon_account_set_pop3_leave_on_server (page->account, leave);
  save_account (page);
}

static void
delete_after_cb (GtkSpinButton *spin, AccountPage *page)
{
  pigeon_engine_set_pop3_delete_after (page->preferences->engine, page->account,
                                       gtk_spin_button_get_value_as_int (spin));
}

/* IMAP keeps a period offline; POP3 downloads everything and decides
 * what stays on the server. */
static void
bind_receiving (AccountPage *page)
{
  PigeonEngine *engine = page->preferences->engine;
  gboolean pop3 = pigeon_account_get_incoming_protocol (page->account) == PIGEON_PROTOCOL_POP3;
  AdwComboRow *interval = page_object (page, "interval_row");
  AdwComboRow *offline = page_object (page, "offline_row");
  GtkSwitch *leave = page_object (page, "leave_on_server_switch");
  GtkSpinButton *delete_after = page_object (page, "delete_after_spin");

  adw_combo_row_set_selected (interval, closest_choice (sync_intervals, G_N_ELEMENTS (sync_intervals),
                                                        pigeon_account_get_sync_interval (page->account)));
  g_signal_connect (interval, "notify::selected", G_CALLBACK (interval_changed_cb), page);
  gtk_widget_set_visible (GTK_WIDGET (offline), !pop3);
  adw_combo_row_set_selected (offline, closest_choice (offline_days, G_N_ELEMENTS (offline_days),
                                                       pigeon_engine_get_offline_days (engine, page->account)));
  g_signal_connect (offline, "notify::selected", G_CALLBACK (offline_changed_cb), page);
  gtk_widget_set_visible (page_object (page, "leave_on_server_row"), pop3);
  gtk_widget_set_visible (page_object (page, "delete_after_row"), pop3);
  gtk_switch_set_active (leave, pigeon_account_get_pop3_leave_on_server (page->account));
  gtk_widget_set_sensitive (page_object (page, "delete_after_row"), gtk_switch_get_active (leave));
  g_signal_connect (leave, "notify::active", G_CALLBACK (leave_on_server_cb), page);
  gtk_spin_button_set_value (delete_after, pigeon_engine_get_pop3_delete_after (engine, page->account));
  g_signal_connect (delete_after, "value-changed", G_CALLBACK (delete_after_cb), page);
}

static void
removed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonPreferences) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_remove_account_finish (PIGEON_ENGINE (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error_toast (self, error);
}

static void
remove_response_cb (AdwMessageDialog *dialog, const char *response, AccountPage *page)
{
  PigeonPreferences *self = page->preferences;

  /* Closing the dialog answers the close response too: one answer only,
   * and @page goes with the subpage. */
  g_signal_handlers_disconnect_by_data (dialog, page);
  if (!g_str_equal (response, "remove"))
    return;
  pigeon_engine_remove_account_async (self->engine, page->account, self->cancellable, removed_cb, g_object_ref (self));
  /* Frees @page: the subpage is gone with its account. */
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
}

static void
remove_clicked_cb (GtkButton *button, AccountPage *page)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (page->preferences), NULL, NULL));
  adw_message_dialog_format_heading (dialog, _ ("Remove “%s”?"), pigeon_account_get_display_name (page->account));
  adw_message_dialog_set_body (dialog, _ ("Its mail stays on the server; the copies on this computer are deleted."));
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "remove", _ ("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (remove_response_cb), page);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
back_clicked_cb (GtkButton *button, PigeonPreferences *self)
{
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
}

static void
bind_identity (AccountPage *page)
{
  PigeonEngine *engine = page->preferences->engine;
  GtkTextBuffer *signature = gtk_text_view_get_buffer (page_object (page, "signature_view"));
  const char *text = pigeon_engine_get_signature (engine, page->account);

  g_object_bind_property (page->account, "display-name", page_object (page, "title"), "title", G_BINDING_SYNC_CREATE);
  adw_window_title_set_subtitle (page_object (page, "title"), pigeon_account_get_address (page->account));
  bind_entry (page, "display_name_row", "display-name", pigeon_account_get_display_name (page->account));
  bind_entry (page, "real_name_row", "real-name", pigeon_account_get_real_name (page->account));
  bind_entry (page, "reply_to_row", "reply-to", pigeon_engine_get_reply_to (engine, page->account));
  gtk_text_buffer_set_text (signature, text ? text : "", -1);
  g_signal_connect (signature, "changed", G_CALLBACK (signature_changed_cb), page);
}

static GtkWidget *
build_account_page (PigeonPreferences *self, PigeonAccount *account)
{
  AccountPage *page = g_new0 (AccountPage, 1);
  GtkWidget *widget;
  gboolean pop3 = pigeon_account_get_incoming_protocol (account) == PIGEON_PROTOCOL_POP3;

  page->preferences = self;
  page->account = g_object_ref (account);
  page->builder = gtk_builder_new_from_resource (RESOURCE_BASE_PATH "/pigeon-preferences-account.ui");
  widget = page_object (page, "account_page");
  g_object_set_data_full (G_OBJECT (widget), "pigeon-account-page", page, (GDestroyNotify) account_page_free);

  bind_identity (page);
  bind_receiving (page);
  adw_preferences_group_set_title (page_object (page, "incoming_group"),
                                   pop3 ? _ ("Incoming Server (POP3)") : _ ("Incoming Server (IMAP)"));
  bind_server (page, "incoming");
  bind_server (page, "outgoing");
  g_signal_connect (page_object (page, "remove_button"), "clicked", G_CALLBACK (remove_clicked_cb), page);
  g_signal_connect (page_object (page, "back_button"), "clicked", G_CALLBACK (back_clicked_cb), self);
  return widget;
}

static void
account_activated_cb (AdwActionRow *row, PigeonPreferences *self)
{
  PigeonAccount *account = g_object_get_data (G_OBJECT (row), "pigeon-account");

  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), build_account_page (self, account));
}

static GtkWidget *
create_account_row (gpointer item, gpointer user_data)
{
  PigeonAccount *account = item;
  GtkWidget *row = adw_action_row_new ();
  /* The arrow only shows that the row opens a page. */
  GtkWidget *arrow = g_object_new (GTK_TYPE_IMAGE, "icon-name", "go-next-symbolic", "accessible-role",
                                   GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);

  g_object_bind_property (account, "display-name", row, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (account, "address", row, "subtitle", G_BINDING_SYNC_CREATE);
  /* Names and addresses are data, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "pigeon-account", g_object_ref (account), g_object_unref);
  g_signal_connect (row, "activated", G_CALLBACK (account_activated_cb), user_data);
  return row;
}

static void
add_account_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonPreferences *self = PIGEON_PREFERENCES (widget);

  pigeon_account_setup_present (GTK_WINDOW (self), self->engine);
}

/* The general settings are shown for the keys this schema has. */
static void
bind_setting (PigeonPreferences *self, const char *key, GtkWidget *widget, const char *property)
{
  g_autoptr (GSettingsSchema) schema = NULL;
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  gtk_widget_set_visible (row, g_settings_schema_has_key (schema, key));
  if (g_settings_schema_has_key (schema, key))
    g_settings_bind (self->settings, key, widget, property, G_SETTINGS_BIND_DEFAULT);
}

static void
pigeon_preferences_dispose (GObject *object)
{
  PigeonPreferences *self = PIGEON_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PIGEON_TYPE_PREFERENCES);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pigeon_preferences_parent_class)->dispose (object);
}

static void
pigeon_preferences_class_init (PigeonPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/pigeon-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, PigeonPreferences, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, PigeonPreferences, mark_read_delay_spin);
  gtk_widget_class_bind_template_child (widget_class, PigeonPreferences, notifications_switch);

  gtk_widget_class_install_action (widget_class, "prefs.add-account", NULL, add_account_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "prefs.add-account", NULL);
}

static void
pigeon_preferences_init (PigeonPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (SCHEMA_ID);
  bind_setting (self, "mark-read-delay", GTK_WIDGET (self->mark_read_delay_spin), "value");
  bind_setting (self, "show-notifications", GTK_WIDGET (self->notifications_switch), "active");
}

void
pigeon_preferences_present (GtkWindow *parent, PigeonEngine *engine)
{
  PigeonPreferences *self;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));

  self = g_object_new (PIGEON_TYPE_PREFERENCES, "transient-for", parent, NULL);
  self->engine = g_object_ref (engine);
  gtk_list_box_bind_model (self->accounts_list, pigeon_engine_get_accounts (engine), create_account_row, self, NULL);
  gtk_window_present (GTK_WINDOW (self));
}
