/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-net.h"
#include "pigeon-tool-connection.h"
#include "pigeon-tool-imap.h"
#include "pigeon-tool-private.h"

/* Connects and signs in as the options say; NULL after printing why. */
static PigeonImapSession *
imap_open (PigeonToolConnectionOptions *options, int *status)
{
  g_autoptr (PigeonConnection) connection = NULL;
  g_autoptr (PigeonSasl) credentials = NULL;
  g_autoptr (PigeonImapSession) session = NULL;
  g_autoptr (GAsyncResult) opened = NULL;
  g_autoptr (GError) error = NULL;

  if (options->user == NULL)
    {
      *status = pigeon_tool_usage_error (_ ("--user and --password-file are needed"));
      return NULL;
    }
  connection = pigeon_tool_connection_open (options, PIGEON_TOOL_PROTOCOL_IMAP, &credentials, status);
  if (connection == NULL)
    return NULL;
  session = pigeon_imap_session_new (connection);
  pigeon_imap_session_open_async (session, credentials, NULL, pigeon_tool_store_result, &opened);
  pigeon_tool_wait_for (&opened);
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

  pigeon_imap_session_logout_async (session, NULL, pigeon_tool_store_result, &done);
  pigeon_tool_wait_for (&done);
  pigeon_imap_session_command_finish (session, done, NULL);
}

/* Parses the options; prints what is wrong and sets *@status if anything. */
static gboolean
parse_args (GOptionContext *context, PigeonToolConnectionOptions *options, int *argc, char ***argv, int *status)
{
  g_autoptr (GError) error = NULL;

  g_option_context_add_group (context, pigeon_tool_connection_option_group (options));
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
  g_auto (PigeonToolConnectionOptions) options = { 0 };
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
  pigeon_imap_session_list_async (session, TRUE, NULL, pigeon_tool_store_result, &listed);
  pigeon_tool_wait_for (&listed);
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

/* EXAMINE (read-only, so that \Seen is not set) and UID FETCH BODY.PEEK[]. */
static GBytes *
imap_fetch_message (PigeonImapSession *session, const char *folder, const char *uid, GError **error)
{
  g_autoptr (GAsyncResult) selected = NULL;
  g_autoptr (GAsyncResult) fetched = NULL;
  g_autoptr (PigeonImapSelected) state = NULL;
  g_autoptr (GBytes) message = NULL;

  pigeon_imap_session_select_async (session, folder, TRUE, NULL, NULL, NULL, NULL, pigeon_tool_store_result, &selected);
  pigeon_tool_wait_for (&selected);
  state = pigeon_imap_session_select_finish (session, selected, error);
  if (state == NULL)
    return NULL;
  pigeon_imap_session_fetch_async (session, uid, PIGEON_IMAP_FETCH_UID | PIGEON_IMAP_FETCH_BODY, NULL, 0, keep_message,
                                   &message, NULL, pigeon_tool_store_result, &fetched);
  pigeon_tool_wait_for (&fetched);
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
  g_auto (PigeonToolConnectionOptions) options = { 0 };
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
  if (message == NULL || !pigeon_tool_write_output (output, message, &error))
    return pigeon_tool_fail (error);
  imap_logout (session);
  return EXIT_SUCCESS;
}
