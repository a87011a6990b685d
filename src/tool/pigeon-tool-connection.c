/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-tool-connection.h"
#include "pigeon-tool-private.h"

void
pigeon_tool_connection_options_clear (PigeonToolConnectionOptions *options)
{
  g_free (options->host);
  g_free (options->security);
  g_free (options->user);
  g_free (options->password_file);
  g_free (options->ca_file);
}

GOptionGroup *
pigeon_tool_connection_option_group (PigeonToolConnectionOptions *options)
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

/* RFC 8314 3.3, RFC 6409, RFC 2595 and RFC 3501 2.1: the usual ports. */
static guint16
default_port (PigeonNetSecurity security, PigeonToolProtocol protocol)
{
  gboolean tls = security == PIGEON_NET_SECURITY_TLS;

  switch (protocol)
    {
    case PIGEON_TOOL_PROTOCOL_SMTP:
      return tls ? 465 : 587;
    case PIGEON_TOOL_PROTOCOL_POP3:
      return tls ? 995 : 110;
    default:
      return tls ? 993 : 143;
    }
}

static gboolean
parse_security (const char *text, PigeonNetSecurity *security)
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
check_options (PigeonToolConnectionOptions *options, PigeonNetSecurity *security, int *status)
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

PigeonConnection *
pigeon_tool_connection_open (PigeonToolConnectionOptions *options,
                             PigeonToolProtocol protocol,
                             PigeonSasl **credentials,
                             int *status)
{
  PigeonNetSecurity security = PIGEON_NET_SECURITY_TLS;
  g_autoptr (PigeonConnection) connection = NULL;
  g_autofree char *password = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port;

  if (!check_options (options, &security, status))
    return NULL;
  port = options->port > 0 ? options->port : default_port (security, protocol);
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
