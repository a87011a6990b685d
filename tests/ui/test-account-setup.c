/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <adwaita.h>

#include "pigeon-account-setup.h"
#include "pigeon-application.h"
#include "pigeon-preferences.h"
#include "pigeon-prompts.h"
#include "pigeon-ui-test.h"

/* The account setup dialog and the preferences, driven in-process against
 * the real Dovecot and Exim of tests/peers (pigeon-peers run). */

static PigeonApplication *app;
static char *tmp_dir;

typedef struct
{
  GtkWidget *window;
  const char *type_name;
} FindWindow;

static gboolean
window_shown (gpointer data)
{
  FindWindow *find = data;
  GListModel *toplevels = gtk_window_get_toplevels ();
  GType type = g_type_from_name (find->type_name);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (type != 0 && G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (window))
        {
          find->window = window;
          return TRUE;
        }
    }
  return FALSE;
}

static GtkWidget *
wait_for_window (const char *type_name)
{
  FindWindow find = { NULL, type_name };

  g_assert_true (pigeon_ui_test_wait_for (window_shown, &find));
  pigeon_ui_test_settle ();
  return find.window;
}

static gboolean
widget_is_gone (gpointer data)
{
  g_autoptr (GObject) object = g_weak_ref_get (data);

  return object == NULL;
}

static void
close_window (GtkWidget *window)
{
  GWeakRef ref;

  g_weak_ref_init (&ref, window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (pigeon_ui_test_wait_for (widget_is_gone, &ref));
  g_weak_ref_clear (&ref);
}

static GtkWidget *
find_button (GtkWidget *widget, const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clicks the button of a message dialog that is labelled @label, and
 * waits until the dialog is gone. */
static void
respond (GtkWidget *dialog, const char *label)
{
  GtkWidget *button = find_button (dialog, label);
  GWeakRef ref;

  g_assert_nonnull (button);
  g_weak_ref_init (&ref, dialog);
  gtk_widget_activate (button);
  g_assert_true (pigeon_ui_test_wait_for (widget_is_gone, &ref));
  g_weak_ref_clear (&ref);
}

static gpointer
setup_child (GtkWidget *dialog, const char *name)
{
  GObject *child = gtk_widget_get_template_child (dialog, G_OBJECT_TYPE (dialog), name);

  g_assert_nonnull (child);
  return child;
}

static const char *
page_of (GtkWidget *dialog)
{
  return gtk_stack_get_visible_child_name (setup_child (dialog, "stack"));
}

typedef struct
{
  GtkWidget *dialog;
  const char *page;
} PageWait;

/* Shown, and the crossfade over, so that a screenshot shows one page. */
static gboolean
page_shown (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (page_of (wait->dialog), wait->page) == 0 &&
         !gtk_stack_get_transition_running (setup_child (wait->dialog, "stack"));
}

/* Sign-in tests talk to real servers: a longer bound than the default. */
static void
wait_for_page (GtkWidget *dialog, const char *page)
{
  PageWait wait = { dialog, page };

  for (int i = 0; i < 3 && !page_shown (&wait); i++)
    pigeon_ui_test_wait_for (page_shown, &wait);
  g_assert_cmpstr (page_of (dialog), ==, page);
  g_assert_true (page_shown (&wait));
  pigeon_ui_test_settle ();
}

static void
set_text (GtkWidget *dialog, const char *row, const char *text)
{
  gtk_editable_set_text (setup_child (dialog, row), text);
}

static const char *
get_text (GtkWidget *dialog, const char *row)
{
  return gtk_editable_get_text (setup_child (dialog, row));
}

/* A store of its own for each test, in @name under the test's directory. */
static PigeonEngine *
new_engine (const char *name)
{
  g_autofree char *dir = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *path = NULL;
  g_autoptr (PigeonStore) store = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  path = g_build_filename (dir, "pigeon.db", NULL);
  store = pigeon_store_open (path, &error);
  g_assert_no_error (error);
  return pigeon_ui_test_fixture_engine (store, dir);
}

/* First run: welcome, then the identity page that says what is missing,
 * then discovery from a preset, with the provider's note. Cancelling
 * adds nothing. */
static void
test_setup_discovery_and_cancel (void)
{
  g_autoptr (PigeonEngine) engine = new_engine ("discovery");
  GtkWidget *dialog;

  pigeon_account_setup_present (NULL, engine);
  dialog = wait_for_window ("PigeonAccountSetup");
  g_assert_cmpstr (page_of (dialog), ==, "welcome");
  pigeon_ui_test_save_screenshot (dialog, "account-setup-welcome.png");

  gtk_widget_activate_action (dialog, "setup.next", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "identity");
  set_text (dialog, "name_row", "Alice Liddell");
  set_text (dialog, "address_row", "alice");
  gtk_widget_activate_action (dialog, "setup.next", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "identity");
  g_assert_true (gtk_widget_get_visible (setup_child (dialog, "identity_error_label")));
  g_assert_nonnull (strstr (gtk_label_get_text (setup_child (dialog, "identity_error_label")), "whole email address"));
  wait_for_page (dialog, "identity");
  pigeon_ui_test_save_screenshot (dialog, "account-setup-identity-error.png");

  set_text (dialog, "address_row", "alice.liddell@gmail.com");
  set_text (dialog, "password_row", "app-password");
  gtk_widget_activate_action (dialog, "setup.next", NULL);
  wait_for_page (dialog, "servers");
  g_assert_cmpstr (get_text (dialog, "incoming_host_row"), ==, "imap.gmail.com");
  g_assert_cmpstr (get_text (dialog, "outgoing_host_row"), ==, "smtp.gmail.com");
  g_assert_cmpstr (get_text (dialog, "incoming_user_row"), ==, "alice.liddell@gmail.com");
  g_assert_true (gtk_widget_get_visible (setup_child (dialog, "servers_note_label")));
  g_assert_false (gtk_widget_get_visible (setup_child (dialog, "unencrypted_group")));
  pigeon_ui_test_save_screenshot (dialog, "account-setup-servers.png");

  /* Plain connections come with a warning. */
  adw_combo_row_set_selected (setup_child (dialog, "outgoing_security_row"), 2);
  g_assert_true (gtk_widget_get_visible (setup_child (dialog, "unencrypted_group")));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (setup_child (dialog, "outgoing_port_spin")), ==, 587);
  adw_combo_row_set_selected (setup_child (dialog, "outgoing_security_row"), 0);

  /* Back keeps the identity; closing with the focus in the password works. */
  gtk_widget_activate_action (dialog, "setup.back", NULL);
  wait_for_page (dialog, "identity");
  g_assert_cmpstr (get_text (dialog, "address_row"), ==, "alice.liddell@gmail.com");
  g_assert_true (gtk_widget_grab_focus (setup_child (dialog, "password_row")));
  pigeon_ui_test_settle ();
  close_window (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (pigeon_engine_get_accounts (engine)), ==, 0);
}

static void
fill_peers_servers (GtkWidget *dialog, const char *protocol_port, gboolean pop3)
{
  const char *host = g_getenv ("PIGEON_TEST_HOST");

  adw_combo_row_set_selected (setup_child (dialog, "incoming_protocol_row"), pop3 ? 1 : 0);
  set_text (dialog, "incoming_host_row", host);
  gtk_spin_button_set_value (setup_child (dialog, "incoming_port_spin"), atoi (g_getenv (protocol_port)));
  set_text (dialog, "outgoing_host_row", host);
  gtk_spin_button_set_value (setup_child (dialog, "outgoing_port_spin"), atoi (g_getenv ("PIGEON_TEST_SMTPS_PORT")));
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
assert_password (
    PigeonEngine *engine, const char *protocol, const char *host, guint port, const char *user, const char *expected)
{
  PigeonCredentials *credentials = pigeon_engine_get_credentials (engine);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *password = NULL;

  pigeon_credentials_lookup_async (credentials, protocol, host, port, user, NULL, got_result, &result);
  g_assert_true (pigeon_ui_test_wait_for (has_result, &result));
  password = pigeon_credentials_lookup_finish (credentials, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, expected);
}

/* Trusts the certificate the dialog shows, after checking it is the one
 * the engine saw. */
static void
accept_certificate (GtkWidget *dialog)
{
  const char *fingerprint = gtk_label_get_text (setup_child (dialog, "fingerprint_label"));

  g_assert_cmpuint (strlen (fingerprint), ==, 32 * 3 - 1);
  gtk_widget_activate_action (dialog, "setup.accept-certificate", NULL);
}

static gboolean
is_idle (gpointer data)
{
  return !pigeon_engine_get_busy (data);
}

static gboolean
has_one_message (gpointer data)
{
  return pigeon_folder_get_total (data) == 1;
}

/* Puts a message into @user's mailbox with Dovecot's own tool. */
static void
deliver_message (const char *user, const char *subject)
{
  g_autofree char *config = g_build_filename (g_getenv ("PIGEON_PEERS_DIR"), "dovecot", "dovecot.conf", NULL);
  g_autofree char *message = g_strdup_printf ("From: Bob <bob@pigeon.test>\r\nTo: %s\r\nSubject: %s\r\n"
                                              "Message-ID: <setup-test@pigeon.test>\r\n\r\nHello.\r\n",
                                              user, subject);
  g_autoptr (GBytes) input = g_bytes_new (message, strlen (message));
  g_autoptr (GSubprocess) doveadm = NULL;
  g_autoptr (GError) error = NULL;

  doveadm = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "doveadm", "-c", config, "save", "-u", user, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (doveadm, input, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (doveadm));
}

/* The whole flow against the peers, POP3 over TLS and SMTP over TLS: the
 * test CA is unknown, so each server's certificate is asked about and
 * pinned; a wrong password is refused in words; the right one adds the
 * account, with its password, to the engine and the store. */
static void
test_setup_with_peers (void)
{
  g_autoptr (PigeonEngine) engine = NULL;
  const char *user = g_getenv ("PIGEON_TEST_USER_A");
  const char *host = g_getenv ("PIGEON_TEST_HOST");
  g_autofree char *pinned = NULL;
  GtkWidget *dialog;
  PigeonAccount *account;
  PigeonFolder *inbox;

  if (user == NULL)
    {
      g_test_skip ("needs the peers (tests/peers/pigeon-peers run)");
      return;
    }
  engine = new_engine ("peers");
  pigeon_account_setup_present (NULL, engine);
  dialog = wait_for_window ("PigeonAccountSetup");
  gtk_widget_activate_action (dialog, "setup.next", NULL);
  set_text (dialog, "name_row", "Alice");
  set_text (dialog, "address_row", user);
  set_text (dialog, "password_row", "not-the-password");
  /* No lookup finds these servers: manual setup stops the search (or,
   * when it ended already, replaces its "nothing found"). */
  gtk_widget_activate_action (dialog, "setup.next", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "discovering");
  gtk_widget_activate_action (dialog, "setup.manual", NULL);
  wait_for_page (dialog, "servers");
  g_assert_false (gtk_widget_get_visible (setup_child (dialog, "servers_error_label")));
  g_assert_cmpstr (get_text (dialog, "incoming_user_row"), ==, user);
  fill_peers_servers (dialog, "PIGEON_TEST_POP3S_PORT", TRUE);
  g_assert_true (gtk_widget_get_visible (setup_child (dialog, "leave_on_server_row")));
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (dialog, "account-setup-manual.png");

  gtk_widget_activate_action (dialog, "setup.next", NULL);
  wait_for_page (dialog, "certificate");
  pigeon_ui_test_save_screenshot (dialog, "account-setup-certificate.png");
  accept_certificate (dialog);
  pinned = pigeon_certificate_pins_lookup (pigeon_engine_get_pins (engine), host,
                                           atoi (g_getenv ("PIGEON_TEST_POP3S_PORT")));
  g_assert_nonnull (pinned);

  /* POP3 refuses the password before SMTP is asked. */
  wait_for_page (dialog, "identity");
  g_assert_true (gtk_widget_get_visible (setup_child (dialog, "identity_error_label")));
  g_test_message ("wrong password: %s", gtk_label_get_text (setup_child (dialog, "identity_error_label")));
  g_assert_nonnull (strstr (gtk_label_get_text (setup_child (dialog, "identity_error_label")), "password"));
  pigeon_ui_test_save_screenshot (dialog, "account-setup-wrong-password.png");
  g_assert_cmpuint (g_list_model_get_n_items (pigeon_engine_get_accounts (engine)), ==, 0);

  /* The servers as left: no new discovery for the same address. */
  deliver_message (user, "Waiting for Alice");
  set_text (dialog, "password_row", g_getenv ("PIGEON_TEST_PASSWORD_A"));
  gtk_widget_activate_action (dialog, "setup.next", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "servers");
  g_assert_cmpstr (get_text (dialog, "incoming_host_row"), ==, host);
  gtk_widget_activate_action (dialog, "setup.next", NULL);
  wait_for_page (dialog, "certificate");
  accept_certificate (dialog);
  wait_for_page (dialog, "done");
  pigeon_ui_test_save_screenshot (dialog, "account-setup-done.png");

  g_assert_cmpuint (g_list_model_get_n_items (pigeon_engine_get_accounts (engine)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (pigeon_store_get_accounts (pigeon_engine_get_store (engine))), ==, 1);
  account = pigeon_engine_find_account (engine, user);
  g_assert_nonnull (account);
  g_assert_cmpint (pigeon_account_get_id (account), >, 0);
  g_assert_cmpint (pigeon_account_get_incoming_protocol (account), ==, PIGEON_PROTOCOL_POP3);
  g_assert_cmpstr (pigeon_account_get_real_name (account), ==, "Alice");
  g_assert_true (pigeon_account_get_pop3_leave_on_server (account));
  assert_password (engine, "pop3", host, atoi (g_getenv ("PIGEON_TEST_POP3S_PORT")), user,
                   g_getenv ("PIGEON_TEST_PASSWORD_A"));
  assert_password (engine, "smtp", host, atoi (g_getenv ("PIGEON_TEST_SMTPS_PORT")), user,
                   g_getenv ("PIGEON_TEST_PASSWORD_A"));
  /* The first check of the new account runs at once, with the stored
   * password. */
  g_assert_cmpuint (g_list_model_get_n_items (pigeon_store_get_folders (pigeon_engine_get_store (engine), account)), ==,
                    2);
  inbox = pigeon_store_find_folder (pigeon_engine_get_store (engine), account, "INBOX");
  g_assert_nonnull (inbox);
  g_assert_true (pigeon_ui_test_wait_for (has_one_message, inbox));
  g_assert_true (pigeon_ui_test_wait_for (is_idle, engine));
  close_window (dialog);

  /* The same address again is refused before anything is tried. */
  pigeon_account_setup_present (NULL, engine);
  dialog = wait_for_window ("PigeonAccountSetup");
  g_assert_cmpstr (page_of (dialog), ==, "identity");
  set_text (dialog, "address_row", user);
  set_text (dialog, "password_row", "x");
  gtk_widget_activate_action (dialog, "setup.next", NULL);
  g_assert_cmpstr (page_of (dialog), ==, "identity");
  g_assert_nonnull (strstr (gtk_label_get_text (setup_child (dialog, "identity_error_label")), "already"));
  close_window (dialog);
}

/* The preferences row of @type titled @title under @widget. */
static GtkWidget *
find_row (GtkWidget *widget, GType type, const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, type, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_no_account (gpointer data)
{
  return g_list_model_get_n_items (pigeon_engine_get_accounts (data)) == 0;
}

static PigeonAccount *
add_account (PigeonEngine *engine)
{
  g_autoptr (PigeonAccount) account = pigeon_account_new ("alice@example.net");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_account_set_display_name (account, "Home");
  pigeon_account_set_incoming_protocol (account, PIGEON_PROTOCOL_POP3);
  pigeon_account_set_incoming_host (account, "pop.example.net");
  pigeon_account_set_incoming_port (account, 995);
  pigeon_account_set_outgoing_host (account, "smtp.example.net");
  pigeon_account_set_outgoing_port (account, 465);
  pigeon_engine_add_account_async (engine, account, NULL, NULL, got_result, &result);
  g_assert_true (pigeon_ui_test_wait_for (has_result, &result));
  g_assert_true (pigeon_engine_add_account_finish (engine, result, &error));
  g_assert_no_error (error);
  return account;
}

static void
error_seen_cb (PigeonEngine *engine, PigeonAccount *account, GError *error, GError **out)
{
  g_clear_error (out);
  *out = g_error_copy (error);
}

static gboolean
has_error (gpointer data)
{
  return *(GError **) data != NULL;
}

static void
sync_account (PigeonEngine *engine, PigeonAccount *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_engine_sync_async (engine, account, NULL, got_result, &result);
  g_assert_true (pigeon_ui_test_wait_for (has_result, &result));
  pigeon_engine_sync_finish (engine, result, error);
}

/* After a sync failed on the certificate, the prompt shows the engine's
 * fingerprint and trusting pins it and syncs again (which now fails on
 * the wrong password); the password prompt stores a new password for both
 * servers and syncs again; a sync then works. */
static void
test_prompts (void)
{
  const char *host = g_getenv ("PIGEON_TEST_HOST");
  const char *user = g_getenv ("PIGEON_TEST_USER_B");
  const char *password = g_getenv ("PIGEON_TEST_PASSWORD_B");
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) seen = NULL;
  g_autofree char *pinned = NULL;
  guint pop3_port, smtp_port;
  GtkWidget *parent, *dialog;

  if (user == NULL)
    {
      g_test_skip ("needs the peers (tests/peers/pigeon-peers run)");
      return;
    }
  pop3_port = atoi (g_getenv ("PIGEON_TEST_POP3S_PORT"));
  smtp_port = atoi (g_getenv ("PIGEON_TEST_SMTPS_PORT"));
  engine = new_engine ("prompts");
  account = pigeon_account_new (user);
  pigeon_account_set_incoming_protocol (account, PIGEON_PROTOCOL_POP3);
  pigeon_account_set_incoming_host (account, host);
  pigeon_account_set_incoming_port (account, pop3_port);
  pigeon_account_set_outgoing_host (account, host);
  pigeon_account_set_outgoing_port (account, smtp_port);
  pigeon_engine_add_account_async (engine, account, "not-the-password", NULL, got_result, &result);
  g_assert_true (pigeon_ui_test_wait_for (has_result, &result));
  g_assert_true (pigeon_engine_add_account_finish (engine, result, NULL));
  sync_account (engine, account, &error);
  g_assert_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_CERTIFICATE);
  g_signal_connect (engine, "account-error", G_CALLBACK (error_seen_cb), &seen);

  parent = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (parent));
  pigeon_certificate_prompt_present (GTK_WINDOW (parent), engine, account, host, pop3_port);
  dialog = wait_for_window ("AdwMessageDialog");
  g_assert_nonnull (pigeon_ui_test_find_descendant (dialog, GTK_TYPE_LABEL));
  pigeon_ui_test_save_screenshot (dialog, "prompt-certificate.png");
  respond (dialog, "_Trust");
  pinned = pigeon_certificate_pins_lookup (pigeon_engine_get_pins (engine), host, pop3_port);
  g_assert_nonnull (pinned);
  g_assert_true (pigeon_ui_test_wait_for (has_error, &seen));
  g_assert_error (seen, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_AUTH);
  g_assert_true (pigeon_ui_test_wait_for (is_idle, engine));

  pigeon_password_prompt_present (GTK_WINDOW (parent), engine, account);
  dialog = wait_for_window ("AdwMessageDialog");
  gtk_editable_set_text (GTK_EDITABLE (pigeon_ui_test_find_descendant (dialog, GTK_TYPE_PASSWORD_ENTRY)), password);
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (dialog, "prompt-password.png");
  g_clear_error (&seen);
  respond (dialog, "_Sign In");
  assert_password (engine, "pop3", host, pop3_port, user, password);
  assert_password (engine, "smtp", host, smtp_port, user, password);
  g_assert_true (pigeon_ui_test_wait_for (is_idle, engine));
  g_assert_no_error (seen);
  g_clear_error (&error);
  sync_account (engine, account, &error);
  g_assert_no_error (error);
  g_signal_handlers_disconnect_by_func (engine, error_seen_cb, &seen);
  close_window (parent);
}

/* The preferences list the account live; its subpage edits the
 * signature (kept by the engine, read again by a new engine) and the
 * check interval; Remove asks, then removes. */
static void
test_preferences (void)
{
  g_autoptr (PigeonEngine) engine = new_engine ("preferences");
  g_autoptr (PigeonEngine) reopened = NULL;
  PigeonAccount *account = add_account (engine);
  GtkWidget *window, *list, *row, *subpage, *name_row, *interval, *delete_after, *remove, *dialog;
  GtkTextBuffer *signature;

  pigeon_preferences_present (NULL, engine);
  window = wait_for_window ("PigeonPreferences");
  list = setup_child (window, "accounts_list");
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Home");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "alice@example.net");
  pigeon_ui_test_save_screenshot (window, "preferences-accounts.png");

  g_signal_emit_by_name (row, "activated");
  pigeon_ui_test_settle ();
  subpage = pigeon_ui_test_find_descendant (window, GTK_TYPE_TEXT_VIEW);
  g_assert_nonnull (subpage);
  signature = gtk_text_view_get_buffer (GTK_TEXT_VIEW (subpage));
  gtk_text_buffer_set_text (signature, "Alice\nExample Street 1", -1);
  g_assert_cmpstr (pigeon_engine_get_signature (engine, account), ==, "Alice\nExample Street 1");
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (window, "preferences-account.png");

  /* A new name shows in the list at once; an empty one is the address. */
  name_row = find_row (window, ADW_TYPE_ENTRY_ROW, "Account Name");
  g_assert_nonnull (name_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Family");
  g_signal_emit_by_name (name_row, "apply");
  g_assert_cmpstr (pigeon_account_get_display_name (account), ==, "Family");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Family");
  gtk_editable_set_text (GTK_EDITABLE (name_row), " ");
  g_signal_emit_by_name (name_row, "apply");
  g_assert_cmpstr (pigeon_account_get_display_name (account), ==, "alice@example.net");
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Home");
  g_signal_emit_by_name (name_row, "apply");

  /* Receiving: the interval is the account's, the POP3 settings the
   * engine's; IMAP's offline period is not offered for POP3. */
  interval = find_row (window, ADW_TYPE_COMBO_ROW, "Check for New Mail");
  adw_combo_row_set_selected (ADW_COMBO_ROW (interval), 3);
  g_assert_cmpuint (pigeon_account_get_sync_interval (account), ==, 3600);
  g_assert_false (gtk_widget_get_visible (find_row (window, ADW_TYPE_COMBO_ROW, "Keep for Offline Reading")));
  delete_after = find_row (window, ADW_TYPE_ACTION_ROW, "Delete From Server After");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (pigeon_ui_test_find_descendant (delete_after, GTK_TYPE_SPIN_BUTTON)), 30);
  g_assert_cmpuint (pigeon_engine_get_pop3_delete_after (engine, account), ==, 30);

  reopened = pigeon_ui_test_fixture_engine (pigeon_engine_get_store (engine), tmp_dir);
  g_assert_cmpstr (pigeon_engine_get_signature (reopened, account), ==, "Alice\nExample Street 1");
  g_assert_cmpuint (pigeon_engine_get_pop3_delete_after (reopened, account), ==, 30);

  remove = find_button (window, "_Remove Account…");
  g_assert_nonnull (remove);
  gtk_widget_activate (remove);
  dialog = wait_for_window ("AdwMessageDialog");
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Remove “Home”?");
  pigeon_ui_test_save_screenshot (dialog, "preferences-remove.png");
  respond (dialog, "_Remove");
  g_assert_true (pigeon_ui_test_wait_for (has_no_account, engine));
  pigeon_ui_test_settle ();
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "general");
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (window, "preferences-general.png");
  close_window (window);
}

/* The fixture's two accounts are listed; an IMAP account's page offers
 * the offline period, which the engine keeps. */
static void
test_preferences_imap (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "fixture", NULL);
  g_autoptr (PigeonStore) store = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  PigeonAccount *work;
  GtkWidget *window, *list, *offline;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  store = pigeon_ui_test_fixture_store (dir);
  engine = pigeon_ui_test_fixture_engine (store, dir);
  work = pigeon_engine_find_account (engine, "Work");
  g_assert_nonnull (work);

  pigeon_preferences_present (NULL, engine);
  window = wait_for_window ("PigeonPreferences");
  list = setup_child (window, "accounts_list");
  g_assert_nonnull (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 2));
  for (int i = 0; i < 2; i++)
    {
      GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), i));

      if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Work") == 0)
        g_signal_emit_by_name (row, "activated");
    }
  pigeon_ui_test_settle ();
  offline = find_row (window, ADW_TYPE_COMBO_ROW, "Keep for Offline Reading");
  g_assert_true (gtk_widget_get_visible (offline));
  g_assert_false (gtk_widget_get_visible (find_row (window, ADW_TYPE_ACTION_ROW, "Leave Mail on Server")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (offline), 2);
  g_assert_cmpuint (pigeon_engine_get_offline_days (engine, work), ==, 31);
  pigeon_ui_test_settle ();
  pigeon_ui_test_save_screenshot (window, "preferences-imap-account.png");
  close_window (window);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  /* The engine keeps settings under XDG_CONFIG_HOME: a directory of this run. */
  tmp_dir = pigeon_ui_test_make_dir ();
  g_setenv ("XDG_CONFIG_HOME", tmp_dir, TRUE);
  g_setenv ("XDG_DATA_HOME", tmp_dir, TRUE);
  g_setenv ("PIGEON_SECRET_SERVICE", "0", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* The application gives the icon theme Pigeon's icons. */
  app = pigeon_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/account-setup/discovery-and-cancel", test_setup_discovery_and_cancel);
  g_test_add_func ("/ui/account-setup/with-peers", test_setup_with_peers);
  g_test_add_func ("/ui/preferences/accounts", test_preferences);
  g_test_add_func ("/ui/preferences/imap-account", test_preferences_imap);
  g_test_add_func ("/ui/prompts/certificate-and-password", test_prompts);

  status = g_test_run ();
  g_clear_object (&app);
  pigeon_ui_test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
