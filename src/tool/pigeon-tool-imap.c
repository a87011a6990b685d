/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "pigeon-net.h"
#include "pigeon-tool-imap.h"
#include "pigeon-tool-private.h"

/* The connection options of pigeon-tool-net.c, whose helpers are static
 * there; the two should share them once that file exports them. */
typedef struct
{
  char *host;
  int port;
  char *security;
  char *user;
  char *password_file;
  char *ca_file;
  gboolean log;
} ImapOptions;

static void
imap_options_clear (ImapOptions *options)
{
  g_free (options->host);
  g_free (options->security);
  g_free (options->user);
  g_free (options->password_file);
  g_free (options->ca_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ImapOptions, imap_options_clear)

static GOptionGroup *
imap_option_group (ImapOptions *options)
{
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &options->host, N_ ("The server's name or address"), "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &options->port, N_ ("The server's port (default: 993, or 143 without tls)"),
      "PORT" },
    { "security", 0, 0, G_OPTION_ARG_STRING, &options->security,
      N_ ("tls (the default), starttls, or none (this computer only)"), "MODE" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &options->user, N_ ("The user name to sign in with"), "USER" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &options->password_file,
      N_ ("A file whose first line is the password"), "FILE" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &options->ca_file,
      N_ ("Also trust the certificate authorities in this PEM file"), "FILE" },
    { "log", 0, 0, G_OPTION_ARG_NONE, &options->log, N_ ("Print the protocol exchange, without passwords"), NULL },
    { NULL },
  };
  GOptionGroup *group =
      g_option_group_new ("connection", _ ("Connection options:"), _ ("Show the connection options"), NULL, NULL);

  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, entries);
  return group;
}

static void
log_line (PigeonConnection *connection, PigeonLogDirection direction, const char *line, gpointer data)
{
  static const char *const marks[] = { "C:", "S:", "*" };

  g_printerr ("%s %s\n", marks[direction], line);
}

static gboolean
security_from_text (const char *text, PigeonSecurity *security)
{
  static const char *const names[] = { "tls", "starttls", "none" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text != NULL ? text : "tls", names[i]) == 0)
      {
        *security = i;
        return TRUE;
      }
  return FALSE;
}

static const char *
options_problem (ImapOptions *options, PigeonSecurity *security)
{
  if (options->host == NULL)
    return _ ("--host is needed");
  if (!security_from_text (options->security, security))
    return _ ("--security must be tls, starttls or none");
  if (options->port < 0 || options->port > 65535)
    return _ ("--port must be from 1 to 65535");
  if (options->user == NULL || options->password_file == NULL)
    return _ ("--user and --password-file are needed");
  return NULL;
}

static PigeonSasl *
credentials_from_file (const char *user, const char *path, GError **error)
{
  g_autofree char *password = NULL;
  gsize len;
  PigeonSasl *credentials;

  if (!g_file_get_contents (path, &password, &len, error))
    return NULL;
  password[strcspn (password, "\r\n")] = '\0';
  credentials = pigeon_sasl_new_password (user, password);
  explicit_bzero (password, len);
  return credentials;
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The tool is a terminal command: it waits for each operation in turn. */
static void
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* RFC 8314 3.3 and RFC 3501 2.1: the usual ports. */
static guint16
imap_port (int port, PigeonSecurity security)
{
  if (port > 0)
    return port;
  return security == PIGEON_SECURITY_TLS ? 993 : 143;
}

/* Connects and signs in as the options say; NULL after printing why. */
static PigeonImapSession *
imap_open (ImapOptions *options, int *status)
{
  PigeonSecurity security = PIGEON_SECURITY_TLS;
  const char *problem = options_problem (options, &security);
  g_autoptr (PigeonConnection) connection = NULL;
  g_autoptr (PigeonSasl) credentials = NULL;
  g_autoptr (PigeonImapSession) session = NULL;
  g_autoptr (GAsyncResult) opened = NULL;
  g_autoptr (GError) error = NULL;

  if (problem != NULL)
    {
      *status = pigeon_tool_usage_error (problem);
      return NULL;
    }
  connection = pigeon_connection_new (options->host, imap_port (options->port, security), security);
  if (options->log)
    pigeon_connection_set_log_func (connection, log_line, NULL, NULL);
  if ((options->ca_file != NULL && !pigeon_connection_set_ca_file (connection, options->ca_file, &error)) ||
      (credentials = credentials_from_file (options->user, options->password_file, &error)) == NULL)
    {
      *status = pigeon_tool_fail (error);
      return NULL;
    }
  session = pigeon_imap_session_new (connection);
  pigeon_imap_session_open_async (session, credentials, NULL, store_result, &opened);
  wait_for (&opened);
  if (!pigeon_imap_session_open_finish (session, opened, &error))
    {
      *status = pigeon_tool_fail (error);
      return NULL;
    }
  return g_steal_pointer (&session);
}

static void
imap_logout (PigeonImapSession *session)
{
  g_autoptr (GAsyncResult) done = NULL;

  pigeon_imap_session_logout_async (session, NULL, store_result, &done);
  wait_for (&done);
  pigeon_imap_session_command_finish (session, done, NULL);
}

/* Parses the options; prints what is wrong and sets *@status if anything. */
static gboolean
parse_args (GOptionContext *context, ImapOptions *options, int *argc, char ***argv, int *status)
{
  g_autoptr (GError) error = NULL;

  g_option_context_add_group (context, imap_option_group (options));
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = pigeon_tool_usage_error (error->message);
      return FALSE;
    }
  return TRUE;
}

static void
print_mailbox (PigeonImapMailbox *mailbox)
{
  const char *role = pigeon_imap_role_to_string (mailbox->role);

  if (mailbox->noselect || !mailbox->has_status)
    g_print ("%s\t%s\t-\t-\n", mailbox->name, *role != '\0' ? role : "-");
  else
    g_print ("%s\t%s\t%u\t%u\n", mailbox->name, *role != '\0' ? role : "-", mailbox->messages, mailbox->unseen);
}

int
pigeon_tool_imap_list (int argc, char **argv)
{
  g_auto (ImapOptions) options = { 0 };
  const GOptionEntry entries[] = { { NULL } };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      NULL, _ ("Prints each folder of an IMAP account: its name, role, messages and unseen messages."), entries);
  g_autoptr (PigeonImapSession) session = NULL;
  g_autoptr (GAsyncResult) listed = NULL;
  g_autoptr (GPtrArray) mailboxes = NULL;
  g_autoptr (GError) error = NULL;
  int status = EXIT_SUCCESS;

  if (!parse_args (context, &options, &argc, &argv, &status))
    return status;
  if (argc != 1)
    return pigeon_tool_usage_error (_ ("imap-list takes no operand"));
  session = imap_open (&options, &status);
  if (session == NULL)
    return status;
  pigeon_imap_session_list_async (session, TRUE, NULL, store_result, &listed);
  wait_for (&listed);
  mailboxes = pigeon_imap_session_list_finish (session, listed, &error);
  if (mailboxes == NULL)
    return pigeon_tool_fail (error);
  for (guint i = 0; i < mailboxes->len; i++)
    print_mailbox (mailboxes->pdata[i]);
  imap_logout (session);
  return EXIT_SUCCESS;
}

static void
keep_message (PigeonImapFetch *fetch, gpointer user_data)
{
  GBytes **message = user_data;
  GBytes *body = pigeon_imap_fetch_get_section (fetch, "");

  if (body != NULL && *message == NULL)
    *message = g_bytes_ref (body);
}

static gboolean
write_output (const char *path, GBytes *bytes, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (!g_str_equal (path, "-"))
    return g_file_set_contents (path, data, len, error);
  if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("cannot write to standard output: %s"), g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* EXAMINE (read-only, so that \Seen is not set) and UID FETCH BODY.PEEK[]. */
static GBytes *
imap_fetch_message (PigeonImapSession *session, const char *folder, const char *uid, GError **error)
{
  g_autoptr (GAsyncResult) selected = NULL;
  g_autoptr (GAsyncResult) fetched = NULL;
  g_autoptr (PigeonImapSelected) state = NULL;
  g_autoptr (GBytes) message = NULL;

  pigeon_imap_session_select_async (session, folder, TRUE, NULL, NULL, NULL, NULL, store_result, &selected);
  wait_for (&selected);
  state = pigeon_imap_session_select_finish (session, selected, error);
  if (state == NULL)
    return NULL;
  pigeon_imap_session_fetch_async (session, uid, PIGEON_IMAP_FETCH_UID | PIGEON_IMAP_FETCH_BODY, NULL, 0, keep_message,
                                   &message, NULL, store_result, &fetched);
  wait_for (&fetched);
  pigeon_imap_session_fetch_finish (session, fetched, error);
  if (error != NULL && *error != NULL)
    return NULL;
  if (message == NULL)
    g_set_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_NO, _ ("%s has no message with UID %s"), folder, uid);
  return g_steal_pointer (&message);
}

int
pigeon_tool_imap_fetch (int argc, char **argv)
{
  g_auto (ImapOptions) options = { 0 };
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("The file to write, or - for standard output"), "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("FOLDER UID"), _ ("Retrieves the message with UID in an IMAP folder, as stored; it stays unread."), entries);
  g_autoptr (PigeonImapSession) session = NULL;
  g_autoptr (GBytes) message = NULL;
  g_autoptr (GError) error = NULL;
  guint64 uid;
  int status = EXIT_SUCCESS;

  if (!parse_args (context, &options, &argc, &argv, &status))
    return status;
  if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXUINT32, &uid, NULL))
    return pigeon_tool_usage_error (_ ("give a folder and the UID of one message in it"));
  if (output == NULL)
    return pigeon_tool_usage_error (_ ("--output is needed"));
  session = imap_open (&options, &status);
  if (session == NULL)
    return status;
  message = imap_fetch_message (session, argv[1], argv[2], &error);
  if (message == NULL || !write_output (output, message, &error))
    return pigeon_tool_fail (error);
  imap_logout (session);
  return EXIT_SUCCESS;
}
