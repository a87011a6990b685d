/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-account-setup.h"
#include "pigeon-autodiscover.h"

/* The pages, in the order a person walks them:
 *
 *   welcome (first account only) -> identity -> discovering -> servers
 *     -> testing [-> certificate -> testing] -> done
 *
 * Nothing is stored before the sign-in test passed: the test runs on an
 * engine of its own whose credentials live in memory and hold only the
 * typed password, so cancelling at any step leaves the keyring, the store
 * and the other accounts as they were. Accepting a certificate is the one
 * lasting change, and the person asked for it. */

#define PIGEON_TYPE_ACCOUNT_SETUP (pigeon_account_setup_get_type ())
G_DECLARE_FINAL_TYPE (PigeonAccountSetup, pigeon_account_setup, PIGEON, ACCOUNT_SETUP, AdwWindow)

struct _PigeonAccountSetup
{
  AdwWindow parent_instance;

  PigeonEngine *engine;
  PigeonEngine *test_engine;
  GCancellable *cancellable;
  GCancellable *discovery; /* the running discovery, which manual setup stops */
  PigeonAccount *account;
  char *servers_address; /* the address the servers page was filled for */
  char *rejected_host;
  guint rejected_port;
  char *rejected_fingerprint;

  GtkStack *stack;
  GtkWidget *cancel_button;
  GtkWidget *back_button;
  GtkWidget *next_button;
  AdwStatusPage *welcome_page;
  AdwEntryRow *name_row;
  AdwEntryRow *address_row;
  AdwPasswordEntryRow *password_row;
  GtkLabel *identity_error_label;
  AdwStatusPage *discovering_page;
  GtkSpinner *discovering_spinner;
  GtkWidget *message_group;
  GtkLabel *servers_note_label;
  GtkLabel *servers_error_label;
  AdwComboRow *incoming_protocol_row;
  AdwEntryRow *incoming_host_row;
  GtkSpinButton *incoming_port_spin;
  AdwComboRow *incoming_security_row;
  AdwEntryRow *incoming_user_row;
  GtkWidget *leave_on_server_row;
  GtkSwitch *leave_on_server_switch;
  AdwEntryRow *outgoing_host_row;
  GtkSpinButton *outgoing_port_spin;
  AdwComboRow *outgoing_security_row;
  AdwEntryRow *outgoing_user_row;
  GtkWidget *unencrypted_group;
  AdwStatusPage *testing_page;
  GtkSpinner *testing_spinner;
  AdwStatusPage *certificate_page;
  GtkLabel *fingerprint_label;
  GtkWidget *reject_button;
  AdwStatusPage *done_page;
};

G_DEFINE_FINAL_TYPE (PigeonAccountSetup, pigeon_account_setup, ADW_TYPE_WINDOW)

/* The rows of the encryption combos, in the order of the .ui file. */
static const PigeonSecurity securities[] = { PIGEON_SECURITY_TLS, PIGEON_SECURITY_STARTTLS, PIGEON_SECURITY_NONE };

static PigeonSecurity
security_from_index (guint index)
{
  g_assert (index < G_N_ELEMENTS (securities));
  return securities[index];
}

static guint
security_to_index (PigeonSecurity security)
{
  for (guint i = 0; i < G_N_ELEMENTS (securities); i++)
    if (securities[i] == security)
      return i;
  return 0;
}

/* RFC 8314 ports for implicit TLS, and the older ones for STARTTLS and
 * plain connections. */
static guint
standard_port (const char *protocol, PigeonSecurity security)
{
  gboolean tls = security == PIGEON_SECURITY_TLS;

  if (g_str_equal (protocol, "imap"))
    return tls ? 993 : 143;
  if (g_str_equal (protocol, "pop3"))
    return tls ? 995 : 110;
  return tls ? 465 : 587;
}

static const char *
incoming_protocol_name (PigeonAccountSetup *self)
{
  return adw_combo_row_get_selected (self->incoming_protocol_row) == 1 ? "pop3" : "imap";
}

static void
show_label (GtkLabel *label, const char *text)
{
  gtk_label_set_text (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

static void
show_servers_messages (PigeonAccountSetup *self, const char *note, const char *error)
{
  show_label (self->servers_note_label, note);
  show_label (self->servers_error_label, error);
  gtk_widget_set_visible (self->message_group, note != NULL || error != NULL);
}

/* The header bar's buttons follow the page: "Next" where a form waits,
 * "Sign In" where the servers are, nothing while something runs. */
static void
show_page (PigeonAccountSetup *self, const char *name)
{
  gboolean identity = g_str_equal (name, "identity");
  gboolean servers = g_str_equal (name, "servers");
  gboolean running = g_str_equal (name, "discovering") || g_str_equal (name, "testing");

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (self->next_button, identity || servers);
  gtk_button_set_label (GTK_BUTTON (self->next_button), servers ? _ ("_Sign In") : _ ("_Next"));
  gtk_widget_set_visible (self->back_button, servers);
  gtk_widget_set_visible (self->cancel_button, !g_str_equal (name, "done"));
  gtk_spinner_set_spinning (self->discovering_spinner, running);
  gtk_spinner_set_spinning (self->testing_spinner, running);
  if (identity)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static const char *
address_domain (PigeonAccountSetup *self)
{
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  const char *at = strrchr (address, '@');

  return at != NULL ? at + 1 : "";
}

static void
set_row_text (AdwEntryRow *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
fill_server (AdwEntryRow *host_row,
             GtkSpinButton *port_spin,
             AdwComboRow *security_row,
             AdwEntryRow *user_row,
             const PigeonServer *server,
             const char *user)
{
  set_row_text (host_row, server->host);
  gtk_spin_button_set_value (port_spin, server->port);
  adw_combo_row_set_selected (security_row, security_to_index (server->security));
  set_row_text (user_row, user);
}

/* Fills the servers page from what discovery found, or with the usual
 * ports and empty host names when it found nothing. */
static void
fill_servers (PigeonAccountSetup *self, const PigeonDiscovery *found)
{
  g_autofree char *address = row_text (self->address_row);
  PigeonServer incoming = { NULL, 993, PIGEON_SECURITY_TLS };
  PigeonServer outgoing = { NULL, 465, PIGEON_SECURITY_TLS };
  gboolean pop3 = FALSE;

  g_free (self->servers_address);
  self->servers_address = g_strdup (address);
  if (found != NULL)
    {
      incoming = found->incoming;
      outgoing = found->smtp;
      pop3 = found->incoming_protocol == PIGEON_PROTOCOL_POP3;
    }
  adw_combo_row_set_selected (self->incoming_protocol_row, pop3 ? 1 : 0);
  fill_server (self->incoming_host_row, self->incoming_port_spin, self->incoming_security_row, self->incoming_user_row,
               &incoming, address);
  fill_server (self->outgoing_host_row, self->outgoing_port_spin, self->outgoing_security_row, self->outgoing_user_row,
               &outgoing, address);
}

static void
discovered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonAccountSetup) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonDiscovery) found = NULL;
  g_autofree char *missing = NULL;

  found = pigeon_autodiscover_discover_finish (PIGEON_AUTODISCOVER (source), result, &error);
  /* Cancelled, or the person went on to enter the servers by hand. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "discovering") != 0)
    return;
  fill_servers (self, found);
  if (found == NULL)
    missing = g_strdup_printf (_ ("No mail servers were found for “%s”. Enter them below; your provider’s help "
                                  "pages list them."),
                               address_domain (self));
  show_servers_messages (self, found ? found->note : NULL, missing);
  show_page (self, "servers");
}

/* The identity page is complete: an address with a domain, and a
 * password. Says what is missing in words otherwise. */
static gboolean
check_identity (PigeonAccountSetup *self)
{
  g_autofree char *address = row_text (self->address_row);
  const char *at = strchr (address, '@');
  g_autofree char *problem = NULL;
  GtkWidget *focus = GTK_WIDGET (self->address_row);

  if (at == NULL || at == address || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    problem = g_strdup (_ ("Enter your whole email address, like “name@example.org”."));
  else if (pigeon_engine_find_account (self->engine, address) != NULL)
    problem = g_strdup_printf (_ ("Pigeon already has an account for “%s”."), address);
  else if (*gtk_editable_get_text (GTK_EDITABLE (self->password_row)) == '\0')
    {
      problem = g_strdup (_ ("Enter your password. Some providers want an app password here: their help pages say "
                             "how to make one."));
      focus = GTK_WIDGET (self->password_row);
    }
  show_label (self->identity_error_label, problem);
  if (problem != NULL)
    gtk_widget_grab_focus (focus);
  return problem == NULL;
}

static void
start_discovery (PigeonAccountSetup *self)
{
  g_autoptr (PigeonAutodiscover) autodiscover = pigeon_autodiscover_new ();
  g_autofree char *address = row_text (self->address_row);
  g_autofree char *description =
      g_strdup_printf (_ ("Asking the servers of “%s” how to reach your mail."), address_domain (self));

  adw_status_page_set_description (self->discovering_page, description);
  show_page (self, "discovering");
  g_clear_object (&self->discovery);
  self->discovery = g_cancellable_new ();
  pigeon_autodiscover_discover_async (autodiscover, address, self->discovery, discovered_cb, g_object_ref (self));
}

/* Builds the account from the forms; the engine checks it again. */
static PigeonAccount *
build_account (PigeonAccountSetup *self)
{
  g_autofree char *address = row_text (self->address_row);
  g_autofree char *name = row_text (self->name_row);
  g_autofree char *incoming_host = row_text (self->incoming_host_row);
  g_autofree char *incoming_user = row_text (self->incoming_user_row);
  g_autofree char *outgoing_host = row_text (self->outgoing_host_row);
  g_autofree char *outgoing_user = row_text (self->outgoing_user_row);
  PigeonAccount *account = pigeon_account_new (address);
  gboolean pop3 = adw_combo_row_get_selected (self->incoming_protocol_row) == 1;

  pigeon_account_set_real_name (account, *name ? name : NULL);
  pigeon_account_set_incoming_protocol (account, pop3 ? PIGEON_PROTOCOL_POP3 : PIGEON_PROTOCOL_IMAP);
  pigeon_account_set_incoming_host (account, *incoming_host ? incoming_host : NULL);
  pigeon_account_set_incoming_port (account, gtk_spin_button_get_value_as_int (self->incoming_port_spin));
  pigeon_account_set_incoming_security (account,
                                        security_from_index (adw_combo_row_get_selected (self->incoming_security_row)));
  pigeon_account_set_incoming_username (account, *incoming_user ? incoming_user : NULL);
  pigeon_account_set_outgoing_host (account, *outgoing_host ? outgoing_host : NULL);
  pigeon_account_set_outgoing_port (account, gtk_spin_button_get_value_as_int (self->outgoing_port_spin));
  pigeon_account_set_outgoing_security (account,
                                        security_from_index (adw_combo_row_get_selected (self->outgoing_security_row)));
  pigeon_account_set_outgoing_username (account, *outgoing_user ? outgoing_user : NULL);
  pigeon_account_set_pop3_leave_on_server (account, gtk_switch_get_active (self->leave_on_server_switch));
  return account;
}

/* The test engine asks its credentials for the password; they answer
 * with the typed one, and keep it in memory only. */
static void
answer_password (PigeonPasswordRequest *request, gpointer user_data)
{
  PigeonAccountSetup *self = user_data;

  pigeon_password_request_reply (request, gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
}

/* The engine may outlive the dialog for a moment (a finishing sign-in
 * holds it): its credentials must not call back into a dialog that is
 * gone. */
static void
clear_test_engine (PigeonAccountSetup *self)
{
  if (self->test_engine == NULL)
    return;
  pigeon_credentials_set_prompt_func (pigeon_engine_get_credentials (self->test_engine), NULL, NULL, NULL);
  g_clear_object (&self->test_engine);
}

/* A new test engine for each test, so that a password typed again after
 * a refusal is the one it uses. */
static PigeonEngine *
new_test_engine (PigeonAccountSetup *self)
{
  g_autoptr (PigeonCredentials) credentials = pigeon_credentials_new (FALSE);

  /* No reference: dispose detaches the prompt (clear_test_engine()). */
  pigeon_credentials_set_prompt_func (credentials, answer_password, self, NULL);
  clear_test_engine (self);
  self->test_engine =
      pigeon_engine_new (pigeon_engine_get_store (self->engine), credentials, pigeon_engine_get_pins (self->engine));
  return self->test_engine;
}

/* Outlives the dialog: a failure was already emitted as the engine's
 * "account-error", which the main window shows. */
static void
first_sync_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!pigeon_engine_sync_finish (PIGEON_ENGINE (source), result, &error))
    g_debug ("First sync of a new account: %s", error->message);
}

static void
added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonAccountSetup) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;

  if (!pigeon_engine_add_account_finish (PIGEON_ENGINE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_label (self->identity_error_label, error->message);
      show_page (self, "identity");
      return;
    }
  /* The first check starts now rather than at the next interval. */
  pigeon_engine_sync_async (self->engine, self->account, NULL, first_sync_cb, NULL);
  description = g_strdup_printf (_ ("“%s” is ready. Pigeon checks it for new mail from now on."),
                                 pigeon_account_get_address (self->account));
  adw_status_page_set_description (self->done_page, description);
  show_page (self, "done");
  gtk_widget_grab_focus (gtk_stack_get_visible_child (self->stack));
}

/* Which server refused its certificate: the test signs in to the
 * incoming one first, so that is the one to ask about first. */
static gboolean
find_rejected_certificate (PigeonAccountSetup *self)
{
  const char *hosts[] = { pigeon_account_get_incoming_host (self->account),
                          pigeon_account_get_outgoing_host (self->account) };
  guint ports[] = { pigeon_account_get_incoming_port (self->account),
                    pigeon_account_get_outgoing_port (self->account) };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *fingerprint = pigeon_engine_get_rejected_fingerprint (self->test_engine, hosts[i], ports[i]);
      g_autofree char *pinned =
          pigeon_certificate_pins_lookup (pigeon_engine_get_pins (self->engine), hosts[i], ports[i]);

      if (fingerprint == NULL || g_strcmp0 (fingerprint, pinned) == 0)
        continue;
      g_free (self->rejected_host);
      self->rejected_host = g_strdup (hosts[i]);
      self->rejected_port = ports[i];
      g_free (self->rejected_fingerprint);
      self->rejected_fingerprint = g_steal_pointer (&fingerprint);
      return TRUE;
    }
  return FALSE;
}

static void
ask_about_certificate (PigeonAccountSetup *self)
{
  g_autofree char *description = g_strdup_printf (
      _ ("The server %s (port %u) showed a certificate that no authority vouches for. Someone may be listening "
         "in. Trust it only if you know this is your server’s certificate, for example because your provider "
         "published this fingerprint."),
      self->rejected_host, self->rejected_port);

  adw_status_page_set_description (self->certificate_page, description);
  gtk_label_set_text (self->fingerprint_label, self->rejected_fingerprint);
  show_page (self, "certificate");
  /* The safe answer has the focus, not the (selectable) fingerprint. */
  gtk_widget_grab_focus (self->reject_button);
}

/* A wrong password is fixed on the identity page; anything else on the
 * servers page, where the settings are. */
static void
show_test_error (PigeonAccountSetup *self, const GError *error)
{
  if (g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_AUTH) ||
      g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NO_PASSWORD))
    {
      show_label (self->identity_error_label, error->message);
      show_page (self, "identity");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  show_servers_messages (self, NULL, error->message);
  show_page (self, "servers");
}

static void
tested_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PigeonAccountSetup) self = user_data;
  g_autoptr (GError) error = NULL;

  if (pigeon_engine_test_account_finish (PIGEON_ENGINE (source), result, &error))
    {
      pigeon_engine_add_account_async (self->engine, self->account,
                                       gtk_editable_get_text (GTK_EDITABLE (self->password_row)), self->cancellable,
                                       added_cb, g_object_ref (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_CERTIFICATE) && find_rejected_certificate (self))
    {
      ask_about_certificate (self);
      return;
    }
  show_test_error (self, error);
}

/* Both servers need a host name; the engine checks the rest. */
static gboolean
check_servers (PigeonAccountSetup *self)
{
  g_autofree char *incoming = row_text (self->incoming_host_row);
  g_autofree char *outgoing = row_text (self->outgoing_host_row);

  if (*incoming != '\0' && *outgoing != '\0')
    return TRUE;
  show_servers_messages (self, NULL, _ ("Enter the names of both servers, like “mail.example.org”."));
  gtk_widget_grab_focus (GTK_WIDGET (*incoming == '\0' ? self->incoming_host_row : self->outgoing_host_row));
  return FALSE;
}

static void
start_test (PigeonAccountSetup *self)
{
  g_autofree char *description = NULL;

  g_clear_object (&self->account);
  self->account = build_account (self);
  description = g_strdup_printf (_ ("Signing in to %s and %s."), pigeon_account_get_incoming_host (self->account),
                                 pigeon_account_get_outgoing_host (self->account));
  adw_status_page_set_description (self->testing_page, description);
  show_label (self->identity_error_label, NULL);
  show_page (self, "testing");
  pigeon_engine_test_account_async (new_test_engine (self), self->account, self->cancellable, tested_cb,
                                    g_object_ref (self));
}

/* Back from the servers page (a refused password, another address):
 * the servers stay as the person left them unless the address changed. */
static void
show_servers_or_discover (PigeonAccountSetup *self)
{
  g_autofree char *address = row_text (self->address_row);

  if (g_strcmp0 (address, self->servers_address) != 0)
    {
      start_discovery (self);
      return;
    }
  show_servers_messages (self, NULL, NULL);
  show_page (self, "servers");
}

static void
next_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonAccountSetup *self = PIGEON_ACCOUNT_SETUP (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "welcome"))
    show_page (self, "identity");
  else if (g_str_equal (page, "identity") && check_identity (self))
    show_servers_or_discover (self);
  else if (g_str_equal (page, "servers") && check_servers (self))
    start_test (self);
}

static void
back_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonAccountSetup *self = PIGEON_ACCOUNT_SETUP (widget);

  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "servers"))
    show_page (self, "identity");
}

/* Skips discovery: for servers no lookup can find (a company's, a
 * server on this computer). */
static void
manual_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonAccountSetup *self = PIGEON_ACCOUNT_SETUP (widget);
  g_autofree char *address = NULL;

  if (!check_identity (self))
    return;
  if (self->discovery != NULL)
    g_cancellable_cancel (self->discovery);
  address = row_text (self->address_row);
  /* What the person already entered for this address stays. */
  if (g_strcmp0 (address, self->servers_address) != 0)
    fill_servers (self, NULL);
  show_servers_messages (self, NULL, NULL);
  show_page (self, "servers");
  gtk_widget_grab_focus (GTK_WIDGET (self->incoming_host_row));
}

static void
accept_certificate_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonAccountSetup *self = PIGEON_ACCOUNT_SETUP (widget);
  g_autoptr (GError) error = NULL;

  if (!pigeon_certificate_pins_accept (pigeon_engine_get_pins (self->engine), self->rejected_host, self->rejected_port,
                                       self->rejected_fingerprint, &error))
    {
      show_servers_messages (self, NULL, error->message);
      show_page (self, "servers");
      return;
    }
  start_test (self);
}

static void
reject_certificate_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  PigeonAccountSetup *self = PIGEON_ACCOUNT_SETUP (widget);
  g_autofree char *message = g_strdup_printf (
      _ ("The certificate of %s was not trusted, so Pigeon did not sign in. Check the server’s name, or ask your "
         "provider which certificate it uses."),
      self->rejected_host);

  show_servers_messages (self, NULL, message);
  show_page (self, "servers");
}

/* Plain connections are for a server on this computer only; the warning
 * says so whenever one of them is chosen. */
static void
security_changed (PigeonAccountSetup *self)
{
  gboolean none =
      security_from_index (adw_combo_row_get_selected (self->incoming_security_row)) == PIGEON_SECURITY_NONE ||
      security_from_index (adw_combo_row_get_selected (self->outgoing_security_row)) == PIGEON_SECURITY_NONE;

  gtk_widget_set_visible (self->unencrypted_group, none);
}

/* A port that was one of the standard ones follows the protocol and the
 * encryption; a port the person typed stays. */
static void
update_port (GtkSpinButton *spin, const char *protocol, PigeonSecurity security)
{
  guint port = gtk_spin_button_get_value_as_int (spin);
  const char *protocols[] = { "imap", "pop3", "smtp" };

  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    for (guint j = 0; j < G_N_ELEMENTS (securities); j++)
      if (port == standard_port (protocols[i], securities[j]))
        {
          gtk_spin_button_set_value (spin, standard_port (protocol, security));
          return;
        }
}

static void
incoming_changed_cb (PigeonAccountSetup *self)
{
  gboolean pop3 = adw_combo_row_get_selected (self->incoming_protocol_row) == 1;

  gtk_widget_set_visible (self->leave_on_server_row, pop3);
  update_port (self->incoming_port_spin, incoming_protocol_name (self),
               security_from_index (adw_combo_row_get_selected (self->incoming_security_row)));
  security_changed (self);
}

static void
outgoing_changed_cb (PigeonAccountSetup *self)
{
  update_port (self->outgoing_port_spin, "smtp",
               security_from_index (adw_combo_row_get_selected (self->outgoing_security_row)));
  security_changed (self);
}

static void
pigeon_account_setup_dispose (GObject *object)
{
  PigeonAccountSetup *self = PIGEON_ACCOUNT_SETUP (object);

  g_cancellable_cancel (self->cancellable);
  if (self->discovery != NULL)
    g_cancellable_cancel (self->discovery);
  clear_test_engine (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), PIGEON_TYPE_ACCOUNT_SETUP);
  g_clear_object (&self->account);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (pigeon_account_setup_parent_class)->dispose (object);
}

static void
pigeon_account_setup_finalize (GObject *object)
{
  PigeonAccountSetup *self = PIGEON_ACCOUNT_SETUP (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->discovery);
  g_free (self->servers_address);
  g_free (self->rejected_host);
  g_free (self->rejected_fingerprint);

  G_OBJECT_CLASS (pigeon_account_setup_parent_class)->finalize (object);
}

static void
pigeon_account_setup_class_init (PigeonAccountSetupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pigeon_account_setup_dispose;
  object_class->finalize = pigeon_account_setup_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/pigeon-account-setup.ui");
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, stack);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, back_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, next_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, name_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, address_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, password_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, identity_error_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, discovering_page);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, discovering_spinner);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, message_group);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, servers_note_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, servers_error_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, incoming_protocol_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, incoming_host_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, incoming_port_spin);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, incoming_security_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, incoming_user_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, leave_on_server_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, leave_on_server_switch);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, outgoing_host_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, outgoing_port_spin);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, outgoing_security_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, outgoing_user_row);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, unencrypted_group);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, testing_page);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, testing_spinner);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, certificate_page);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, reject_button);
  gtk_widget_class_bind_template_child (widget_class, PigeonAccountSetup, done_page);

  gtk_widget_class_install_action (widget_class, "setup.next", NULL, next_activated);
  gtk_widget_class_install_action (widget_class, "setup.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "setup.manual", NULL, manual_activated);
  gtk_widget_class_install_action (widget_class, "setup.accept-certificate", NULL, accept_certificate_activated);
  gtk_widget_class_install_action (widget_class, "setup.reject-certificate", NULL, reject_certificate_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "setup.back", NULL);
}

static void
pigeon_account_setup_init (PigeonAccountSetup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  adw_status_page_set_icon_name (self->welcome_page, APPLICATION_ID "-symbolic");
  g_signal_connect_swapped (self->incoming_protocol_row, "notify::selected", G_CALLBACK (incoming_changed_cb), self);
  g_signal_connect_swapped (self->incoming_security_row, "notify::selected", G_CALLBACK (incoming_changed_cb), self);
  g_signal_connect_swapped (self->outgoing_security_row, "notify::selected", G_CALLBACK (outgoing_changed_cb), self);
  gtk_widget_set_visible (self->leave_on_server_row, FALSE);
}

void
pigeon_account_setup_present (GtkWindow *parent, PigeonEngine *engine)
{
  PigeonAccountSetup *self;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));

  self = g_object_new (PIGEON_TYPE_ACCOUNT_SETUP, "transient-for", parent, NULL);
  self->engine = g_object_ref (engine);
  show_page (self, g_list_model_get_n_items (pigeon_engine_get_accounts (engine)) == 0 ? "welcome" : "identity");
  gtk_window_present (GTK_WINDOW (self));
}
