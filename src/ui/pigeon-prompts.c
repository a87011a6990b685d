/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-prompts.h"

/* The two questions a sync can raise: a password the server refused, and
 * a certificate nobody vouches for. Each answer is stored through the
 * engine's credentials or pins, then the account syncs again; a new
 * failure comes back as the engine's "account-error", like the first. */

typedef struct
{
  PigeonEngine *engine;
  PigeonAccount *account;
  GtkWidget *entry; /* the password entry, or NULL */
  char *host;
  guint port;
  char *fingerprint;
  guint pending; /* password stores still running */
} Prompt;

static void
prompt_free (Prompt *prompt)
{
  g_object_unref (prompt->engine);
  g_object_unref (prompt->account);
  g_free (prompt->host);
  g_free (prompt->fingerprint);
  g_free (prompt);
}

static Prompt *
prompt_new (PigeonEngine *engine, PigeonAccount *account)
{
  Prompt *prompt = g_new0 (Prompt, 1);

  prompt->engine = g_object_ref (engine);
  prompt->account = g_object_ref (account);
  return prompt;
}

static void
synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* A failure was already emitted as "account-error", which the window
   * shows; here it is only logged. */
  if (!pigeon_engine_sync_finish (PIGEON_ENGINE (source), result, &error))
    g_debug ("Sync after a prompt: %s", error->message);
}

static void
sync_again (Prompt *prompt)
{
  pigeon_engine_sync_async (prompt->engine, prompt->account, NULL, synced_cb, NULL);
}

static AdwMessageDialog *
new_dialog (GtkWindow *parent, const char *heading, const char *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));

  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  return dialog;
}

/* Password */

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Prompt *prompt = user_data;
  g_autoptr (GError) error = NULL;

  /* FALSE without an error: kept in memory only, which still works. */
  if (!pigeon_credentials_store_finish (PIGEON_CREDENTIALS (source), result, &error) && error != NULL)
    g_warning ("Cannot store the password: %s", error->message);
  if (--prompt->pending > 0)
    return;
  sync_again (prompt);
  prompt_free (prompt);
}

/* The engine looks a password up by protocol, host, port and user name
 * (the address when the account names none): the same keys here. */
static void
store_password (Prompt *prompt, const char *protocol, const char *host, guint port, const char *user)
{
  PigeonCredentials *credentials = pigeon_engine_get_credentials (prompt->engine);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (prompt->entry));

  if (host == NULL)
    return;
  if (user == NULL || *user == '\0')
    user = pigeon_account_get_address (prompt->account);
  prompt->pending++;
  pigeon_credentials_store_async (credentials, protocol, host, port, user, password, NULL, stored_cb, prompt);
}

static void
password_response_cb (AdwMessageDialog *dialog, const char *response, Prompt *prompt)
{
  PigeonAccount *account = prompt->account;
  gboolean pop3 = pigeon_account_get_incoming_protocol (account) == PIGEON_PROTOCOL_POP3;

  /* Closing the dialog answers the close response too: one answer only. */
  g_signal_handlers_disconnect_by_data (dialog, prompt);
  /* GTK 4.8's password entry watches Caps Lock while it has the focus and
   * stops only on losing it: it must not be destroyed while focused. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  if (!g_str_equal (response, "sign-in") || *gtk_editable_get_text (GTK_EDITABLE (prompt->entry)) == '\0')
    {
      prompt_free (prompt);
      return;
    }
  /* One password for both servers, as the account setup stores it. */
  store_password (prompt, pop3 ? "pop3" : "imap", pigeon_account_get_incoming_host (account),
                  pigeon_account_get_incoming_port (account), pigeon_account_get_incoming_username (account));
  store_password (prompt, "smtp", pigeon_account_get_outgoing_host (account),
                  pigeon_account_get_outgoing_port (account), pigeon_account_get_outgoing_username (account));
  gtk_editable_set_text (GTK_EDITABLE (prompt->entry), "");
  if (prompt->pending == 0)
    prompt_free (prompt);
}

static void
password_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "sign-in", *gtk_editable_get_text (entry) != '\0');
}

void
pigeon_password_prompt_present (GtkWindow *parent, PigeonEngine *engine, PigeonAccount *account)
{
  Prompt *prompt;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));

  prompt = prompt_new (engine, account);
  body = g_strdup_printf (_ ("The server did not accept the password for %s. Enter the current one; if your "
                             "provider asks for an app password, make a new one there."),
                          pigeon_account_get_address (account));
  dialog = new_dialog (parent, _ ("Password Needed"), body);
  prompt->entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (prompt->entry), TRUE);
  g_object_set (prompt->entry, "activates-default", TRUE, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (prompt->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Password"), -1);
  adw_message_dialog_set_extra_child (dialog, prompt->entry);
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "sign-in", _ ("_Sign In"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-in", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "sign-in");
  adw_message_dialog_set_response_enabled (dialog, "sign-in", FALSE);
  g_signal_connect (prompt->entry, "changed", G_CALLBACK (password_changed_cb), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (password_response_cb), prompt);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (prompt->entry);
}

/* Certificate */

static void
certificate_response_cb (AdwMessageDialog *dialog, const char *response, Prompt *prompt)
{
  g_autoptr (GError) error = NULL;

  /* Closing the dialog answers the close response too: one answer only. */
  g_signal_handlers_disconnect_by_data (dialog, prompt);
  if (g_str_equal (response, "trust"))
    {
      if (pigeon_certificate_pins_accept (pigeon_engine_get_pins (prompt->engine), prompt->host, prompt->port,
                                          prompt->fingerprint, &error))
        sync_again (prompt);
      else
        g_warning ("Cannot keep the certificate of %s:%u: %s", prompt->host, prompt->port, error->message);
    }
  prompt_free (prompt);
}

static GtkWidget *
fingerprint_label (const char *fingerprint)
{
  GtkWidget *label = gtk_label_new (fingerprint);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("SHA-256 fingerprint"), -1);
  return label;
}

void
pigeon_certificate_prompt_present (
    GtkWindow *parent, PigeonEngine *engine, PigeonAccount *account, const char *host, guint port)
{
  Prompt *prompt;
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (PIGEON_IS_ENGINE (engine));
  g_return_if_fail (PIGEON_IS_ACCOUNT (account));
  g_return_if_fail (host != NULL);
  g_return_if_fail (port > 0);

  prompt = prompt_new (engine, account);
  prompt->host = g_strdup (host);
  prompt->port = port;
  prompt->fingerprint = pigeon_engine_get_rejected_fingerprint (engine, host, port);
  heading = g_strdup_printf (_ ("Trust the Certificate of %s?"), host);
  if (prompt->fingerprint == NULL)
    {
      body = g_strdup_printf (_ ("Pigeon has not seen the certificate of %s (port %u) in this session. Check for "
                                 "mail again to see it."),
                              host, port);
      dialog = new_dialog (parent, heading, body);
      adw_message_dialog_add_response (dialog, "cancel", _ ("_Close"));
    }
  else
    {
      body = g_strdup_printf (_ ("The server %s (port %u) showed a certificate that no authority vouches for. "
                                 "Someone may be listening in. Trust it only if its SHA-256 fingerprint below is "
                                 "the one your provider published."),
                              host, port);
      dialog = new_dialog (parent, heading, body);
      adw_message_dialog_set_extra_child (dialog, fingerprint_label (prompt->fingerprint));
      adw_message_dialog_add_responses (dialog, "cancel", _ ("_Reject"), "trust", _ ("_Trust"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "trust", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "cancel");
    }
  g_signal_connect (dialog, "response", G_CALLBACK (certificate_response_cb), prompt);
  gtk_window_present (GTK_WINDOW (dialog));
}
