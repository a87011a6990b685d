/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "pigeon-net.h"
#include "pigeon-tool-connection.h"
#include "pigeon-tool-net.h"
#include "pigeon-tool-private.h"

/* A message to send is read from standard input up to this size. */
#define MAX_MESSAGE_INPUT (256 * 1024 * 1024)

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

  pigeon_smtp_session_open_async (session, credentials, NULL, pigeon_tool_store_result, &opened);
  pigeon_tool_wait_for (&opened);
  if (!pigeon_smtp_session_open_finish (session, opened, &error))
    return pigeon_tool_fail (error);
  pigeon_smtp_session_send_async (session, from, (const char *const *) to, message, NULL, pigeon_tool_store_result,
                                  &sent);
  pigeon_tool_wait_for (&sent);
  results = pigeon_smtp_session_send_finish (session, sent, &error);
  if (results == NULL)
    return pigeon_tool_fail (error);
  pigeon_smtp_session_quit_async (session, NULL, pigeon_tool_store_result, &quit);
  pigeon_tool_wait_for (&quit);
  pigeon_smtp_session_quit_finish (session, quit, NULL);
  return print_recipients (results);
}

int
pigeon_tool_smtp_send (int argc, char **argv)
{
  g_auto (PigeonToolConnectionOptions) options = { 0 };
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

  g_option_context_add_group (context, pigeon_tool_connection_option_group (&options));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 2)
    return pigeon_tool_usage_error (_ ("give one message file, or - for standard input"));
  if (from == NULL || to == NULL)
    return pigeon_tool_usage_error (_ ("--from and at least one --to are needed"));
  connection = pigeon_tool_connection_open (&options, PIGEON_TOOL_PROTOCOL_SMTP, &credentials, &status);
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
pop3_open (PigeonToolConnectionOptions *options, int *status)
{
  g_autoptr (PigeonSasl) credentials = NULL;
  g_autoptr (PigeonConnection) connection =
      pigeon_tool_connection_open (options, PIGEON_TOOL_PROTOCOL_POP3, &credentials, status);
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
  pigeon_pop3_session_open_async (session, credentials, NULL, pigeon_tool_store_result, &opened);
  pigeon_tool_wait_for (&opened);
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

  pigeon_pop3_session_list_async (session, NULL, pigeon_tool_store_result, &listed);
  pigeon_tool_wait_for (&listed);
  return pigeon_pop3_session_list_finish (session, listed, error);
}

/* QUIT: nothing was marked for deletion, so nothing is deleted. */
static void
pop3_quit (PigeonPop3Session *session)
{
  g_autoptr (GAsyncResult) quit = NULL;

  pigeon_pop3_session_quit_async (session, NULL, pigeon_tool_store_result, &quit);
  pigeon_tool_wait_for (&quit);
  pigeon_pop3_session_quit_finish (session, quit, NULL);
}

int
pigeon_tool_pop3_list (int argc, char **argv)
{
  g_auto (PigeonToolConnectionOptions) options = { 0 };
  const GOptionEntry entries[] = { { NULL } };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      NULL, _ ("Prints the number, size and unique id (UIDL) of each message in a POP3 maildrop."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonPop3Session) session = NULL;
  g_autoptr (GPtrArray) list = NULL;
  int status;

  g_option_context_add_group (context, pigeon_tool_connection_option_group (&options));
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

int
pigeon_tool_pop3_fetch (int argc, char **argv)
{
  g_auto (PigeonToolConnectionOptions) options = { 0 };
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

  g_option_context_add_group (context, pigeon_tool_connection_option_group (&options));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 2 || !g_ascii_string_to_unsigned (argv[1], 10, 1, PIGEON_POP3_MAX_MESSAGES, &number, NULL))
    return pigeon_tool_usage_error (_ ("give the number of one message, as pop3-list prints it"));
  if (output == NULL)
    return pigeon_tool_usage_error (_ ("--output is needed"));
  session = pop3_open (&options, &status);
  if (session == NULL)
    return status;
  pigeon_pop3_session_retrieve_async (session, number, NULL, pigeon_tool_store_result, &retrieved);
  pigeon_tool_wait_for (&retrieved);
  message = pigeon_pop3_session_retrieve_finish (session, retrieved, &error);
  if (message == NULL || !pigeon_tool_write_output (output, message, &error))
    return pigeon_tool_fail (error);
  pop3_quit (session);
  return EXIT_SUCCESS;
}
