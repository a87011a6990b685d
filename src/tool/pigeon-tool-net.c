/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "pigeon-net.h"
#include "pigeon-tool-net.h"
#include "pigeon-tool-private.h"

/* A message to send is read from standard input up to this size. */
#define MAX_MESSAGE_INPUT (256 * 1024 * 1024)

typedef struct
{
  char *host;
  int port;
  char *security;
  char *user;
  char *password_file;
  char *ca_file;
  gboolean log;
} ConnectionOptions;

static void
connection_options_clear (ConnectionOptions *options)
{
  g_free (options->host);
  g_free (options->security);
  g_free (options->user);
  g_free (options->password_file);
  g_free (options->ca_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConnectionOptions, connection_options_clear)

static GOptionGroup *
connection_option_group (ConnectionOptions *options)
{
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &options->host, N_ ("The server's name or address"), "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &options->port, N_ ("The server's port (default: by protocol and security)"),
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
log_to_stderr (PigeonConnection *connection, PigeonLogDirection direction, const char *line, gpointer data)
{
  static const char *const marks[] = { "C:", "S:", "*" };

  g_printerr ("%s %s\n", marks[direction], line);
}

/* RFC 8314 3.3 / RFC 6409 / RFC 2595: the usual ports. */
static guint16
default_port (PigeonSecurity security, gboolean smtp)
{
  if (security == PIGEON_SECURITY_TLS)
    return smtp ? 465 : 995;
  return smtp ? 587 : 110;
}

static gboolean
parse_security (const char *text, PigeonSecurity *security)
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

static char *
read_password (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  contents[strcspn (contents, "\r\n")] = '\0';
  return g_steal_pointer (&contents);
}

/* Checks the options; prints what is wrong and sets *@status if anything. */
static gboolean
check_options (ConnectionOptions *options, PigeonSecurity *security, int *status)
{
  const char *problem = NULL;

  if (options->host == NULL)
    problem = _ ("--host is needed");
  else if (!parse_security (options->security, security))
    problem = _ ("--security must be tls, starttls or none");
  else if (options->port < 0 || options->port > 65535)
    problem = _ ("--port must be from 1 to 65535");
  else if ((options->user == NULL) != (options->password_file == NULL))
    problem = _ ("--user and --password-file go together");
  if (problem != NULL)
    *status = pigeon_tool_usage_error (problem);
  return problem == NULL;
}

/* Builds the connection (and the credentials, when --user is given) from
 * the options; prints the problem, sets *@status and returns NULL when
 * they do not fit. */
static PigeonConnection *
open_options (ConnectionOptions *options, gboolean smtp, PigeonSasl **credentials, int *status)
{
  PigeonSecurity security = PIGEON_SECURITY_TLS;
  g_autoptr (PigeonConnection) connection = NULL;
  g_autofree char *password = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port;

  if (!check_options (options, &security, status))
    return NULL;
  port = options->port > 0 ? options->port : default_port (security, smtp);
  connection = pigeon_connection_new (options->host, port, security);
  if (options->ca_file != NULL && !pigeon_connection_set_ca_file (connection, options->ca_file, &error))
    {
      *status = pigeon_tool_fail (error);
      return NULL;
    }
  if (options->log)
    pigeon_connection_set_log_func (connection, log_to_stderr, NULL, NULL);
  if (options->user != NULL)
    {
      password = read_password (options->password_file, &error);
      if (password == NULL)
        {
          *status = pigeon_tool_fail (error);
          return NULL;
        }
      *credentials = pigeon_sasl_new_password (options->user, password);
      explicit_bzero (password, strlen (password));
    }
  return g_steal_pointer (&connection);
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The tool is a terminal command: it waits for each operation in turn. */
static void
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static GBytes *
read_message (const char *path, GError **error)
{
  g_autoptr (GByteArray) data = g_byte_array_new ();
  guint8 chunk[65536];
  size_t n;

  if (!g_str_equal (path, "-"))
    {
      g_autoptr (GMappedFile) file = pigeon_tool_map_file (path, error);

      return file != NULL ? g_mapped_file_get_bytes (file) : NULL;
    }
  while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0 && data->len <= MAX_MESSAGE_INPUT)
    g_byte_array_append (data, chunk, n);
  if (ferror (stdin) || data->len > MAX_MESSAGE_INPUT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("cannot read the message from standard input"));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static int
print_recipients (GPtrArray *results)
{
  int status = EXIT_SUCCESS;

  for (guint i = 0; i < results->len; i++)
    {
      PigeonSmtpRecipientResult *result = results->pdata[i];
      gboolean accepted = pigeon_smtp_recipient_result_is_accepted (result);

      g_print ("%s\t%s\t%u %s\n", result->address, accepted ? _ ("accepted") : _ ("refused"), result->code,
               result->text);
      if (!accepted)
        status = PIGEON_TOOL_EXIT_FAILURE;
    }
  return status;
}

static int
smtp_send (PigeonSmtpSession *session, PigeonSasl *credentials, const char *from, char **to, GBytes *message)
{
  g_autoptr (GAsyncResult) opened = NULL;
  g_autoptr (GAsyncResult) sent = NULL;
  g_autoptr (GAsyncResult) quit = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GError) error = NULL;

  pigeon_smtp_session_open_async (session, credentials, NULL, store_result, &opened);
  wait_for (&opened);
  if (!pigeon_smtp_session_open_finish (session, opened, &error))
    return pigeon_tool_fail (error);
  pigeon_smtp_session_send_async (session, from, (const char *const *) to, message, NULL, store_result, &sent);
  wait_for (&sent);
  results = pigeon_smtp_session_send_finish (session, sent, &error);
  if (results == NULL)
    return pigeon_tool_fail (error);
  pigeon_smtp_session_quit_async (session, NULL, store_result, &quit);
  wait_for (&quit);
  pigeon_smtp_session_quit_finish (session, quit, NULL);
  return print_recipients (results);
}

int
pigeon_tool_smtp_send (int argc, char **argv)
{
  g_auto (ConnectionOptions) options = { 0 };
  g_autofree char *from = NULL;
  g_auto (GStrv) to = NULL;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_ ("The envelope sender"), "ADDRESS" },
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to, N_ ("A recipient (repeat for more; Bcc too)"), "ADDRESS" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("FILE"), _ ("Sends the prepared message in FILE (or - for standard input) over SMTP."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonConnection) connection = NULL;
  g_autoptr (PigeonSasl) credentials = NULL;
  g_autoptr (PigeonSmtpSession) session = NULL;
  g_autoptr (GBytes) message = NULL;
  int status;

  g_option_context_add_group (context, connection_option_group (&options));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 2)
    return pigeon_tool_usage_error (_ ("give one message file, or - for standard input"));
  if (from == NULL || to == NULL)
    return pigeon_tool_usage_error (_ ("--from and at least one --to are needed"));
  connection = open_options (&options, TRUE, &credentials, &status);
  if (connection == NULL)
    return status;
  message = read_message (argv[1], &error);
  if (message == NULL)
    return pigeon_tool_fail (error);
  session = pigeon_smtp_session_new (connection);
  return smtp_send (session, credentials, from, to, message);
}

/* Opens a POP3 session from the options; NULL after printing why. */
static PigeonPop3Session *
pop3_open (ConnectionOptions *options, int *status)
{
  g_autoptr (PigeonSasl) credentials = NULL;
  g_autoptr (PigeonConnection) connection = open_options (options, FALSE, &credentials, status);
  g_autoptr (PigeonPop3Session) session = NULL;
  g_autoptr (GAsyncResult) opened = NULL;
  g_autoptr (GError) error = NULL;

  if (connection == NULL)
    return NULL;
  if (credentials == NULL)
    {
      *status = pigeon_tool_usage_error (_ ("--user and --password-file are needed"));
      return NULL;
    }
  session = pigeon_pop3_session_new (connection);
  pigeon_pop3_session_open_async (session, credentials, NULL, store_result, &opened);
  wait_for (&opened);
  if (!pigeon_pop3_session_open_finish (session, opened, &error))
    {
      *status = pigeon_tool_fail (error);
      return NULL;
    }
  return g_steal_pointer (&session);
}

static GPtrArray *
pop3_list (PigeonPop3Session *session, GError **error)
{
  g_autoptr (GAsyncResult) listed = NULL;

  pigeon_pop3_session_list_async (session, NULL, store_result, &listed);
  wait_for (&listed);
  return pigeon_pop3_session_list_finish (session, listed, error);
}

/* QUIT: nothing was marked for deletion, so nothing is deleted. */
static void
pop3_quit (PigeonPop3Session *session)
{
  g_autoptr (GAsyncResult) quit = NULL;

  pigeon_pop3_session_quit_async (session, NULL, store_result, &quit);
  wait_for (&quit);
  pigeon_pop3_session_quit_finish (session, quit, NULL);
}

int
pigeon_tool_pop3_list (int argc, char **argv)
{
  g_auto (ConnectionOptions) options = { 0 };
  const GOptionEntry entries[] = { { NULL } };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      NULL, _ ("Prints the number, size and unique id (UIDL) of each message in a POP3 maildrop."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonPop3Session) session = NULL;
  g_autoptr (GPtrArray) list = NULL;
  int status;

  g_option_context_add_group (context, connection_option_group (&options));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 1)
    return pigeon_tool_usage_error (_ ("pop3-list takes no file"));
  session = pop3_open (&options, &status);
  if (session == NULL)
    return status;
  list = pop3_list (session, &error);
  if (list == NULL)
    return pigeon_tool_fail (error);
  for (guint i = 0; i < list->len; i++)
    {
      PigeonPop3Message *message = list->pdata[i];

      g_print ("%u\t%" G_GUINT64_FORMAT "\t%s\n", message->number, message->size,
               message->uid != NULL ? message->uid : "-");
    }
  pop3_quit (session);
  return EXIT_SUCCESS;
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

int
pigeon_tool_pop3_fetch (int argc, char **argv)
{
  g_auto (ConnectionOptions) options = { 0 };
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("The file to write, or - for standard output"), "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("N"), _ ("Retrieves message N of a POP3 maildrop, as stored; nothing is deleted."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonPop3Session) session = NULL;
  g_autoptr (GAsyncResult) retrieved = NULL;
  g_autoptr (GBytes) message = NULL;
  guint64 number;
  int status;

  g_option_context_add_group (context, connection_option_group (&options));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 2 || !g_ascii_string_to_unsigned (argv[1], 10, 1, PIGEON_POP3_MAX_MESSAGES, &number, NULL))
    return pigeon_tool_usage_error (_ ("give the number of one message, as pop3-list prints it"));
  if (output == NULL)
    return pigeon_tool_usage_error (_ ("--output is needed"));
  session = pop3_open (&options, &status);
  if (session == NULL)
    return status;
  pigeon_pop3_session_retrieve_async (session, number, NULL, store_result, &retrieved);
  wait_for (&retrieved);
  message = pigeon_pop3_session_retrieve_finish (session, retrieved, &error);
  if (message == NULL || !write_output (output, message, &error))
    return pigeon_tool_fail (error);
  pop3_quit (session);
  return EXIT_SUCCESS;
}
