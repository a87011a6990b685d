/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pigeon-autodiscover.h"
#include "pigeon-json-writer.h"
#include "pigeon-mime.h"
#include "pigeon-tool-engine-private.h"
#include "pigeon-tool-private.h"

static const GOptionEntry no_entries[] = { { NULL } };

/* Engine */

static char *
read_secret_line (gboolean echo_off)
{
  struct termios old, quiet;
  char buffer[1024];
  gboolean restore = FALSE;
  char *line;

  if (echo_off && tcgetattr (STDIN_FILENO, &old) == 0)
    {
      quiet = old;
      quiet.c_lflag &= ~ECHO;
      restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (restore)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
      g_printerr ("\n");
    }
  if (line == NULL)
    return NULL;
  buffer[strcspn (buffer, "\r\n")] = '\0';
  line = g_strdup (buffer);
  explicit_bzero (buffer, sizeof buffer);
  return line;
}

static void
prompt_password (PigeonPasswordRequest *request, gpointer user_data)
{
  g_autofree char *password = NULL;
  gboolean tty = isatty (STDIN_FILENO);

  if (tty)
    g_printerr (_ ("Password for %s on %s (%s): "), pigeon_password_request_get_user (request),
                pigeon_password_request_get_host (request), pigeon_password_request_get_protocol (request));
  password = read_secret_line (tty);
  pigeon_password_request_reply (request, password);
  if (password != NULL)
    explicit_bzero (password, strlen (password));
}

PigeonEngine *
pigeon_tool_engine_open (GError **error)
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
  pigeon_credentials_set_prompt_func (credentials, prompt_password, NULL, NULL);
  return pigeon_engine_new (store, credentials, pins);
}

void
pigeon_tool_engine_got (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

void
pigeon_tool_engine_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static PigeonAccount *
find_account (PigeonEngine *engine, const char *name, GError **error)
{
  PigeonAccount *account = pigeon_engine_find_account (engine, name);

  if (account == NULL)
    g_set_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NO_ACCOUNT,
                 _ ("There is no account named “%s” (see “pigeon-tool account list”)"), name);
  return account;
}

PigeonEngine *
pigeon_tool_engine_open_account (const char *name, PigeonAccount **account, GError **error)
{
  g_autoptr (PigeonEngine) engine = pigeon_tool_engine_open (error);

  if (engine == NULL)
    return NULL;
  *account = find_account (engine, name, error);
  return *account != NULL ? g_steal_pointer (&engine) : NULL;
}

static void
print_progress (PigeonEngine *engine, PigeonAccount *account, guint done, guint total, gpointer user_data)
{
  if (!isatty (STDERR_FILENO) || total == 0)
    return;
  g_printerr ("\r%s: %u/%u", pigeon_account_get_display_name (account), done, total);
  if (done == total)
    g_printerr ("\n");
}

/* account add */

typedef struct
{
  char *address;
  char *display_name;
  char *imap;
  char *pop3;
  char *smtp;
  char *security;
  char *user;
  char *password_file;
  char *ca_file;
  char *pop3_mode;
  int delete_after;
} AddOptions;

static void
add_options_clear (AddOptions *o)
{
  g_free (o->address);
  g_free (o->display_name);
  g_free (o->imap);
  g_free (o->pop3);
  g_free (o->smtp);
  g_free (o->security);
  g_free (o->user);
  g_free (o->password_file);
  g_free (o->ca_file);
  g_free (o->pop3_mode);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AddOptions, add_options_clear)

static gboolean
parse_host_port (const char *text, const char *security, guint default_port, PigeonServer *server, GError **error)
{
  g_autofree char *spec = NULL;
  const char *colon = strrchr (text, ':');

  if (colon == NULL)
    spec = g_strdup_printf ("%s:%u:%s", text, default_port, security ? security : "tls");
  else
    spec = g_strdup_printf ("%s:%s", text, security ? security : "tls");
  if (!pigeon_server_parse (spec, server))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _ ("“%s” is not HOST:PORT"), text);
      return FALSE;
    }
  return TRUE;
}

static char *
read_password_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  contents[strcspn (contents, "\r\n")] = '\0';
  return g_steal_pointer (&contents);
}

static PigeonDiscovery *
discover (const char *address, const char *ca_file, GError **error)
{
  g_autoptr (PigeonAutodiscover) autodiscover = pigeon_autodiscover_new ();
  g_autoptr (GAsyncResult) result = NULL;

  pigeon_autodiscover_set_ca_file (autodiscover, ca_file);
  g_printerr (_ ("Looking for the mail servers of %s…\n"), address);
  pigeon_autodiscover_discover_async (autodiscover, address, NULL, pigeon_tool_engine_got, &result);
  pigeon_tool_engine_wait (&result);
  return pigeon_autodiscover_discover_finish (autodiscover, result, error);
}

/* Looks the servers up (none was given), and says what it found. */
static gboolean
discover_servers (const AddOptions *o, PigeonServer *in, PigeonServer *out, gboolean *pop3, GError **error)
{
  g_autoptr (PigeonDiscovery) found = discover (o->address, o->ca_file, error);

  if (found == NULL)
    return FALSE;
  g_print (_ ("Found (%s): %s %s:%u (%s), SMTP %s:%u (%s)\n"), found->source,
           found->incoming_protocol == PIGEON_PROTOCOL_POP3 ? "POP3" : "IMAP", found->incoming.host,
           found->incoming.port, pigeon_security_to_string (found->incoming.security), found->smtp.host,
           found->smtp.port, pigeon_security_to_string (found->smtp.security));
  if (found->note != NULL)
    g_print ("%s\n", found->note);
  *pop3 = found->incoming_protocol == PIGEON_PROTOCOL_POP3;
  *in = found->incoming;
  *out = found->smtp;
  found->incoming.host = found->smtp.host = NULL;
  return TRUE;
}

static gboolean
configure_servers (PigeonAccount *account, AddOptions *o, GError **error)
{
  PigeonServer in = { 0 }, out = { 0 };
  gboolean pop3 = o->pop3 != NULL;
  gboolean ok = TRUE;

  if (o->imap == NULL && o->pop3 == NULL && o->smtp == NULL)
    ok = discover_servers (o, &in, &out, &pop3, error);
  else if ((o->imap == NULL && o->pop3 == NULL) || o->smtp == NULL || (o->imap != NULL && o->pop3 != NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _ ("give one of --imap and --pop3, and --smtp (or none of them to look them up)"));
      return FALSE;
    }
  else
    {
      gboolean tls = o->security == NULL || g_str_equal (o->security, "tls");

      ok = parse_host_port (pop3 ? o->pop3 : o->imap, o->security, pop3 ? (tls ? 995 : 110) : (tls ? 993 : 143), &in,
                            error) &&
           parse_host_port (o->smtp, o->security, tls ? 465 : 587, &out, error);
    }
  if (ok)
    {
      pigeon_account_set_incoming_protocol (account, pop3 ? PIGEON_PROTOCOL_POP3 : PIGEON_PROTOCOL_IMAP);
      pigeon_account_set_incoming_host (account, in.host);
      pigeon_account_set_incoming_port (account, in.port);
      pigeon_account_set_incoming_security (account, in.security);
      pigeon_account_set_outgoing_host (account, out.host);
      pigeon_account_set_outgoing_port (account, out.port);
      pigeon_account_set_outgoing_security (account, out.security);
    }
  g_free (in.host);
  g_free (out.host);
  return ok;
}

/* Why the options of "account add" cannot work, or NULL when they can. */
static const char *
add_options_problem (int argc, const AddOptions *o)
{
  PigeonSecurity ignored;

  if (argc != 2 || o->address == NULL)
    return _ ("give the account's NAME and --address");
  if (o->security != NULL && !pigeon_security_from_string (o->security, &ignored))
    return _ ("--security must be tls, starttls or none");
  if (o->pop3_mode != NULL && !g_str_equal (o->pop3_mode, "leave") && !g_str_equal (o->pop3_mode, "delete"))
    return _ ("--pop3-mode must be leave or delete");
  return NULL;
}

static PigeonAccount *
account_from_options (const char *name, const AddOptions *o)
{
  PigeonAccount *account = pigeon_account_new (o->address);

  pigeon_account_set_display_name (account, name);
  pigeon_account_set_real_name (account, o->display_name);
  pigeon_account_set_incoming_username (account, o->user ? o->user : o->address);
  pigeon_account_set_outgoing_username (account, o->user ? o->user : o->address);
  pigeon_account_set_pop3_leave_on_server (account, o->pop3_mode == NULL || g_str_equal (o->pop3_mode, "leave"));
  return account;
}

/* From --password-file, or else a line of standard input, which may end
 * before one (*@password is then NULL, and no error). */
static gboolean
read_add_password (const AddOptions *o, char **password, GError **error)
{
  if (o->password_file != NULL)
    {
      *password = read_password_file (o->password_file, error);
      return *password != NULL;
    }
  if (isatty (STDIN_FILENO))
    g_printerr (_ ("Password for %s: "), o->address);
  *password = read_secret_line (isatty (STDIN_FILENO));
  return TRUE;
}

static int
account_add (int argc, char **argv)
{
  g_auto (AddOptions) o = { 0 };
  const GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &o.address, N_ ("The email address"), "ADDRESS" },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &o.display_name, N_ ("Your name, as others see it"), "NAME" },
    { "imap", 0, 0, G_OPTION_ARG_STRING, &o.imap, N_ ("The IMAP server"), "HOST:PORT" },
    { "pop3", 0, 0, G_OPTION_ARG_STRING, &o.pop3, N_ ("The POP3 server"), "HOST:PORT" },
    { "smtp", 0, 0, G_OPTION_ARG_STRING, &o.smtp, N_ ("The SMTP submission server"), "HOST:PORT" },
    { "security", 0, 0, G_OPTION_ARG_STRING, &o.security, N_ ("tls (the default), starttls, or none (loopback only)"),
      "MODE" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &o.user, N_ ("The user name (default: the address)"), "USER" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &o.password_file, N_ ("A file whose first line is the password"),
      "FILE" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &o.ca_file, N_ ("Also trust the certificate authorities in this file"),
      "FILE" },
    { "pop3-mode", 0, 0, G_OPTION_ARG_STRING, &o.pop3_mode, N_ ("POP3: leave (the default) or delete"), "MODE" },
    { "delete-after", 0, 0, G_OPTION_ARG_INT, &o.delete_after,
      N_ ("POP3, leaving mail: delete it from the server after DAYS"), "DAYS" },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
      pigeon_tool_option_context_new (_ ("NAME"), _ ("Adds a mail account named NAME."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (PigeonAccount) account = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *password = NULL;
  const char *usage;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if ((usage = add_options_problem (argc, &o)) != NULL)
    return pigeon_tool_usage_error (usage);

  engine = pigeon_tool_engine_open (&error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  account = account_from_options (argv[1], &o);
  if (!configure_servers (account, &o, &error))
    return pigeon_tool_fail (error);
  if (o.ca_file != NULL)
    {
      g_autofree char *absolute = g_canonicalize_filename (o.ca_file, NULL);
      pigeon_engine_set_ca_file (engine, account, absolute);
    }
  if (o.delete_after > 0)
    pigeon_engine_set_pop3_delete_after (engine, account, o.delete_after);
  if (!read_add_password (&o, &password, &error))
    return pigeon_tool_fail (error);
  pigeon_engine_add_account_async (engine, account, password, NULL, pigeon_tool_engine_got, &result);
  pigeon_tool_engine_wait (&result);
  if (password != NULL)
    explicit_bzero (password, strlen (password));
  if (!pigeon_engine_add_account_finish (engine, result, &error))
    return pigeon_tool_fail (error);
  if (!pigeon_credentials_has_secret_service (pigeon_engine_get_credentials (engine)))
    g_printerr (_ ("No keyring (Secret Service) is available: the password was not stored, and will be asked for "
                   "again.\n"));
  g_print (_ ("Added the account “%s”.\n"), argv[1]);
  return EXIT_SUCCESS;
}

/* account list / remove / test */

static void
write_account_json (PigeonJsonWriter *json, PigeonEngine *engine, PigeonAccount *account)
{
  gboolean pop3 = pigeon_account_get_incoming_protocol (account) == PIGEON_PROTOCOL_POP3;

  pigeon_json_writer_begin_object (json);
  pigeon_json_writer_member (json, "name");
  pigeon_json_writer_string (json, pigeon_account_get_display_name (account));
  pigeon_json_writer_member (json, "address");
  pigeon_json_writer_string (json, pigeon_account_get_address (account));
  pigeon_json_writer_member (json, "protocol");
  pigeon_json_writer_string (json, pop3 ? "pop3" : "imap");
  pigeon_json_writer_member (json, "incoming");
  pigeon_json_writer_string (json, pigeon_account_get_incoming_host (account));
  pigeon_json_writer_member (json, "incoming_port");
  pigeon_json_writer_int (json, pigeon_account_get_incoming_port (account));
  pigeon_json_writer_member (json, "incoming_security");
  pigeon_json_writer_string (json, pigeon_security_to_string (pigeon_account_get_incoming_security (account)));
  pigeon_json_writer_member (json, "smtp");
  pigeon_json_writer_string (json, pigeon_account_get_outgoing_host (account));
  pigeon_json_writer_member (json, "smtp_port");
  pigeon_json_writer_int (json, pigeon_account_get_outgoing_port (account));
  pigeon_json_writer_member (json, "smtp_security");
  pigeon_json_writer_string (json, pigeon_security_to_string (pigeon_account_get_outgoing_security (account)));
  if (pop3)
    {
      pigeon_json_writer_member (json, "leave_on_server");
      pigeon_json_writer_boolean (json, pigeon_account_get_pop3_leave_on_server (account));
    }
  pigeon_json_writer_end_object (json);
}

static int
account_list (int argc, char **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_ ("Print JSON"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (NULL, _ ("Lists the accounts."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (PigeonJsonWriter) json = pigeon_json_writer_new (TRUE);
  GListModel *accounts;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  engine = pigeon_tool_engine_open (&error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  accounts = pigeon_engine_get_accounts (engine);
  pigeon_json_writer_begin_array (json);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);
      gboolean pop3 = pigeon_account_get_incoming_protocol (account) == PIGEON_PROTOCOL_POP3;

      if (as_json)
        write_account_json (json, engine, account);
      else
        g_print ("%s\t%s\t%s %s:%u\tSMTP %s:%u\n", pigeon_account_get_display_name (account),
                 pigeon_account_get_address (account), pop3 ? "POP3" : "IMAP",
                 pigeon_account_get_incoming_host (account), pigeon_account_get_incoming_port (account),
                 pigeon_account_get_outgoing_host (account), pigeon_account_get_outgoing_port (account));
    }
  pigeon_json_writer_end_array (json);
  if (as_json)
    g_print ("%s\n", pigeon_json_writer_get_text (json, NULL));
  return EXIT_SUCCESS;
}

static int
account_remove (int argc, char **argv)
{
  g_autoptr (GOptionContext) context =
      pigeon_tool_option_context_new (_ ("NAME"), _ ("Removes an account and its local mail."), no_entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  PigeonAccount *account;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 2)
    return pigeon_tool_usage_error (_ ("give the account's NAME"));
  engine = pigeon_tool_engine_open_account (argv[1], &account, &error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  pigeon_engine_remove_account_async (engine, account, NULL, pigeon_tool_engine_got, &result);
  pigeon_tool_engine_wait (&result);
  if (!pigeon_engine_remove_account_finish (engine, result, &error))
    return pigeon_tool_fail (error);
  g_print (_ ("Removed the account “%s”.\n"), argv[1]);
  return EXIT_SUCCESS;
}

static gboolean
pin_rejected (PigeonEngine *engine, PigeonAccount *account, GError **error)
{
  const char *hosts[] = { pigeon_account_get_incoming_host (account), pigeon_account_get_outgoing_host (account) };
  guint ports[] = { pigeon_account_get_incoming_port (account), pigeon_account_get_outgoing_port (account) };
  gboolean pinned = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *fingerprint = pigeon_engine_get_rejected_fingerprint (engine, hosts[i], ports[i]);

      if (fingerprint == NULL)
        continue;
      if (!pigeon_certificate_pins_accept (pigeon_engine_get_pins (engine), hosts[i], ports[i], fingerprint, error))
        return FALSE;
      g_print (_ ("Accepted the certificate of %s:%u (SHA-256 %s).\n"), hosts[i], ports[i], fingerprint);
      pinned = TRUE;
    }
  return pinned;
}

static int
account_test (int argc, char **argv)
{
  gboolean accept = FALSE;
  const GOptionEntry entries[] = {
    { "accept-certificate", 0, 0, G_OPTION_ARG_NONE, &accept,
      N_ ("Accept (pin) a certificate that is not trusted, after showing its fingerprint"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("NAME"), _ ("Signs in to the account's incoming and outgoing servers."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  PigeonAccount *account;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 2)
    return pigeon_tool_usage_error (_ ("give the account's NAME"));
  engine = pigeon_tool_engine_open_account (argv[1], &account, &error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr (GAsyncResult) result = NULL;

      g_clear_error (&error);
      pigeon_engine_test_account_async (engine, account, NULL, pigeon_tool_engine_got, &result);
      pigeon_tool_engine_wait (&result);
      if (pigeon_engine_test_account_finish (engine, result, &error))
        {
          g_print (_ ("The account “%s” works.\n"), argv[1]);
          return EXIT_SUCCESS;
        }
      if (!accept || !g_error_matches (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_CERTIFICATE))
        break;
      g_printerr ("%s\n", error->message);
      g_clear_error (&error);
      if (!pin_rejected (engine, account, &error))
        break;
    }
  if (error == NULL)
    g_set_error_literal (&error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_CERTIFICATE,
                         _ ("The certificate could not be accepted"));
  return pigeon_tool_fail (error);
}

int
pigeon_tool_account (int argc, char **argv)
{
  static const PigeonToolCommand verbs[] = {
    { "add", account_add, N_ ("Add an account (servers looked up when not given)") },
    { "list", account_list, N_ ("List the accounts") },
    { "remove", account_remove, N_ ("Remove an account and its local mail") },
    { "test", account_test, N_ ("Sign in to an account's servers") },
    { NULL },
  };

  return pigeon_tool_dispatch (g_get_prgname (), verbs, argc, argv);
}

/* sync */

static void
print_account_error (PigeonEngine *engine, PigeonAccount *account, GError *error, gpointer user_data)
{
  g_printerr ("%s: %s: %s\n", g_get_prgname (), pigeon_account_get_display_name (account), error->message);
}

static gboolean
stop_watching (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The engine's background work until SIGINT or SIGTERM: every account
 * synced on its interval, IMAP Inboxes watched with IDLE. */
static int
watch (PigeonEngine *engine)
{
  gboolean stop = FALSE;
  guint sigint = g_unix_signal_add (SIGINT, stop_watching, &stop);
  guint sigterm = g_unix_signal_add (SIGTERM, stop_watching, &stop);

  g_signal_connect (engine, "account-error", G_CALLBACK (print_account_error), NULL);
  pigeon_engine_start (engine);
  while (!stop)
    g_main_context_iteration (NULL, TRUE);
  pigeon_engine_stop (engine);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return EXIT_SUCCESS;
}

int
pigeon_tool_sync (int argc, char **argv)
{
  gboolean bodies = FALSE;
  gboolean keep_watching = FALSE;
  const GOptionEntry entries[] = {
    { "bodies", 0, 0, G_OPTION_ARG_NONE, &bodies, N_ ("Download every message's body for offline reading (IMAP)"),
      NULL },
    { "watch", 0, 0, G_OPTION_ARG_NONE, &keep_watching,
      N_ ("Keep running: new mail as it comes (IMAP IDLE), every account on its interval, until interrupted"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
      pigeon_tool_option_context_new (_ ("[ACCOUNT]"), _ ("Gets new mail for ACCOUNT, or for every account."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  PigeonAccount *account = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc > 2)
    return pigeon_tool_usage_error (_ ("give at most one ACCOUNT"));
  if (keep_watching && argc > 1)
    return pigeon_tool_usage_error (_ ("--watch works for every account: give no ACCOUNT"));
  engine = pigeon_tool_engine_open (&error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  if (argc == 2 && (account = find_account (engine, argv[1], &error)) == NULL)
    return pigeon_tool_fail (error);
  g_signal_connect (engine, "progress", G_CALLBACK (print_progress), NULL);
  if (keep_watching)
    return watch (engine);
  if (account == NULL)
    g_signal_connect (engine, "account-error", G_CALLBACK (print_account_error), NULL);
  if (bodies)
    pigeon_engine_sync_all_bodies_async (engine, account, NULL, pigeon_tool_engine_got, &result);
  else
    pigeon_engine_sync_async (engine, account, NULL, pigeon_tool_engine_got, &result);
  pigeon_tool_engine_wait (&result);
  if (!pigeon_engine_sync_finish (engine, result, &error))
    return account != NULL ? pigeon_tool_fail (error) : PIGEON_TOOL_EXIT_FAILURE;
  return EXIT_SUCCESS;
}

/* send */

static gboolean
add_recipients (PigeonMimeBuilder *builder, char **values, int kind, GError **error)
{
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autoptr (GPtrArray) list = pigeon_mime_address_list_parse (values[i], -1);

      if (list == NULL || list->len == 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _ ("“%s” is not an address"), values[i]);
          return FALSE;
        }
      for (guint j = 0; j < list->len; j++)
        {
          PigeonMimeAddress *address = g_ptr_array_index (list, j);

          if (kind == 0)
            pigeon_mime_builder_add_to (builder, address);
          else if (kind == 1)
            pigeon_mime_builder_add_cc (builder, address);
          else
            pigeon_mime_builder_add_bcc (builder, address);
        }
    }
  return TRUE;
}

/* The outbox keeps the blind copies' addresses in a Bcc field at the top,
 * which the engine reads for the envelope and removes before sending. */
static GBytes *
with_bcc_field (GBytes *built, char **bcc)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autofree char *joined = NULL;
  g_autofree char *field = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (built, &len);

  if (bcc == NULL || bcc[0] == NULL)
    return g_bytes_ref (built);
  joined = g_strjoinv (", ", bcc);
  field = g_strdup_printf ("Bcc: %s\r\n", joined);
  g_byte_array_append (out, (const guint8 *) field, strlen (field));
  g_byte_array_append (out, data, len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static GBytes *
build_message (PigeonAccount *account,
               char **to,
               char **cc,
               char **bcc,
               const char *subject,
               const char *body_file,
               char **attach,
               GError **error)
{
  g_autoptr (PigeonMimeBuilder) builder = pigeon_mime_builder_new ();
  g_autoptr (PigeonMimeAddress) from =
      pigeon_mime_address_new (pigeon_account_get_real_name (account), pigeon_account_get_address (account));
  g_autofree char *text = NULL;
  g_autoptr (GBytes) built = NULL;

  if (!g_file_get_contents (body_file, &text, NULL, error))
    return NULL;
  pigeon_mime_builder_set_from (builder, from);
  if (!add_recipients (builder, to, 0, error) || !add_recipients (builder, cc, 1, error) ||
      !add_recipients (builder, bcc, 2, error))
    return NULL;
  pigeon_mime_builder_set_subject (builder, subject);
  pigeon_mime_builder_set_text (builder, text);
  pigeon_mime_builder_set_user_agent (builder, "Pigeon/" PACKAGE_VERSION);
  for (guint i = 0; attach != NULL && attach[i] != NULL; i++)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (attach[i]);
      pigeon_mime_builder_add_attachment_file (builder, file, NULL, NULL);
    }
  built = pigeon_mime_builder_build (builder, error);
  if (built == NULL)
    return NULL;
  return with_bcc_field (built, bcc);
}

static int
flush (PigeonEngine *engine, PigeonAccount *account, gboolean retry_rejected)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_engine_flush_outbox_async (engine, account, retry_rejected, NULL, pigeon_tool_engine_got, &result);
  pigeon_tool_engine_wait (&result);
  if (!pigeon_engine_flush_outbox_finish (engine, result, &error))
    {
      g_printerr (_ ("%s: not sent yet, kept in the outbox: %s\n"), g_get_prgname (), error->message);
      return PIGEON_TOOL_EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}

int
pigeon_tool_send (int argc, char **argv)
{
  g_auto (GStrv) to = NULL;
  g_auto (GStrv) cc = NULL;
  g_auto (GStrv) bcc = NULL;
  g_auto (GStrv) attach = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body_file = NULL;
  gboolean queue_only = FALSE;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to, N_ ("A recipient (repeat for more)"), "ADDRESS" },
    { "cc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cc, N_ ("A copy recipient"), "ADDRESS" },
    { "bcc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &bcc, N_ ("A blind copy recipient"), "ADDRESS" },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_ ("The subject"), "TEXT" },
    { "body-file", 0, 0, G_OPTION_ARG_FILENAME, &body_file, N_ ("The text of the message (UTF-8)"), "FILE" },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &attach, N_ ("A file to attach (repeat for more)"), "FILE" },
    { "queue-only", 0, 0, G_OPTION_ARG_NONE, &queue_only, N_ ("Only put the message in the outbox"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("ACCOUNT"), _ ("Puts a new message in the outbox, then sends the outbox."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) raw = NULL;
  PigeonAccount *account;
  gint64 id = 0;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 2 || to == NULL || subject == NULL || body_file == NULL)
    return pigeon_tool_usage_error (_ ("give the ACCOUNT, --to, --subject and --body-file"));
  engine = pigeon_tool_engine_open_account (argv[1], &account, &error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  raw = build_message (account, to, cc, bcc, subject, body_file, attach, &error);
  if (raw == NULL)
    return pigeon_tool_fail (error);
  pigeon_engine_queue_message_async (engine, account, raw, NULL, pigeon_tool_engine_got, &result);
  pigeon_tool_engine_wait (&result);
  if (!pigeon_engine_queue_message_finish (engine, result, &id, &error))
    return pigeon_tool_fail (error);
  g_print (_ ("Queued as outbox message %" G_GINT64_FORMAT ".\n"), id);
  fflush (stdout);
  if (queue_only)
    return EXIT_SUCCESS;
  return flush (engine, account, FALSE);
}

/* outbox */

/* One line of "outbox list", or one object of its JSON. */
static void
print_outbox_item (PigeonEngine *engine, PigeonOutboxItem *item, PigeonJsonWriter *json, gboolean as_json)
{
  g_autoptr (PigeonMimeMessage) message = pigeon_mime_message_new_from_bytes (item->raw, NULL);
  g_autofree char *subject = pigeon_mime_message_dup_subject (message);
  PigeonAccount *account = pigeon_store_lookup_account (pigeon_engine_get_store (engine), item->account_id);
  const char *state = pigeon_engine_is_outgoing_rejected (engine, item) ? "rejected"
                      : item->state == PIGEON_OUTBOX_FAILED             ? "retrying"
                      : item->state == PIGEON_OUTBOX_SENDING            ? "sending"
                                                                        : "queued";

  if (as_json)
    {
      pigeon_json_writer_begin_object (json);
      pigeon_json_writer_member (json, "id");
      pigeon_json_writer_int (json, item->id);
      pigeon_json_writer_member (json, "account");
      pigeon_json_writer_string (json, account ? pigeon_account_get_display_name (account) : NULL);
      pigeon_json_writer_member (json, "subject");
      pigeon_json_writer_string (json, subject);
      pigeon_json_writer_member (json, "state");
      pigeon_json_writer_string (json, state);
      pigeon_json_writer_member (json, "attempts");
      pigeon_json_writer_int (json, item->attempts);
      pigeon_json_writer_member (json, "error");
      pigeon_json_writer_string (json, item->last_error);
      pigeon_json_writer_end_object (json);
    }
  else
    g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s%s%s\n", item->id,
             account ? pigeon_account_get_display_name (account) : "-", state, subject ? subject : "",
             item->last_error ? "\t" : "", item->last_error ? item->last_error : "");
}

static int
outbox_list (int argc, char **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_ ("Print JSON"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
      pigeon_tool_option_context_new (NULL, _ ("Lists the messages waiting to be sent."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (PigeonJsonWriter) json = pigeon_json_writer_new (TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  engine = pigeon_tool_engine_open (&error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  items = pigeon_store_list_outbox (pigeon_engine_get_store (engine), NULL, &error);
  if (items == NULL)
    return pigeon_tool_fail (error);
  pigeon_json_writer_begin_array (json);
  for (guint i = 0; i < items->len; i++)
    print_outbox_item (engine, g_ptr_array_index (items, i), json, as_json);
  pigeon_json_writer_end_array (json);
  if (as_json)
    g_print ("%s\n", pigeon_json_writer_get_text (json, NULL));
  return EXIT_SUCCESS;
}

static int
outbox_flush (int argc, char **argv)
{
  gboolean retry = FALSE;
  const GOptionEntry entries[] = {
    { "retry-rejected", 0, 0, G_OPTION_ARG_NONE, &retry, N_ ("Also retry messages the server refused"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
      pigeon_tool_option_context_new (_ ("[ACCOUNT]"), _ ("Sends the messages waiting in the outbox."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  PigeonAccount *account = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  engine = pigeon_tool_engine_open (&error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  if (argc == 2 && (account = find_account (engine, argv[1], &error)) == NULL)
    return pigeon_tool_fail (error);
  return flush (engine, account, retry);
}

int
pigeon_tool_outbox (int argc, char **argv)
{
  static const PigeonToolCommand verbs[] = {
    { "list", outbox_list, N_ ("List the messages waiting to be sent") },
    { "flush", outbox_flush, N_ ("Send the outbox now") },
    { NULL },
  };

  return pigeon_tool_dispatch (g_get_prgname (), verbs, argc, argv);
}
