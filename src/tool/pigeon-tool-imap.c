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

/* One line of --headers: UID, size, flags, sender and subject. */
static void
print_summary (PigeonImapFetch *fetch, gpointer user_data)
{
  g_autofree char *flags = fetch->flags != NULL ? g_strjoinv (" ", fetch->flags) : g_strdup ("");
  PigeonImapEnvelope *envelope = fetch->envelope;
  PigeonMimeAddress *from = envelope != NULL && envelope->from->len > 0 ? envelope->from->pdata[0] : NULL;
  guint *count = user_data;

  g_print ("%u\t%" G_GUINT64_FORMAT "\t%s\t%s\t%s\n", fetch->uid, fetch->size, *flags != '\0' ? flags : "-",
           from != NULL && from->address != NULL ? from->address : "-",
           envelope != NULL && envelope->subject != NULL ? envelope->subject : "");
  (*count)++;
}

/* EXAMINE, then UID FETCH 1:* of the summary items, a line each. */
static gboolean
imap_print_headers (PigeonImapSession *session, const char *folder, GError **error)
{
  g_autoptr (GAsyncResult) selected = NULL;
  g_autoptr (GAsyncResult) fetched = NULL;
  g_autoptr (PigeonImapSelected) state = NULL;
  guint count = 0;

  pigeon_imap_session_select_async (session, folder, TRUE, NULL, NULL, NULL, NULL, pigeon_tool_store_result, &selected);
  pigeon_tool_wait_for (&selected);
  state = pigeon_imap_session_select_finish (session, selected, error);
  if (state == NULL)
    return FALSE;
  if (state->exists == 0)
    return TRUE;
  pigeon_imap_session_fetch_async (session, "1:*",
                                   PIGEON_IMAP_FETCH_UID | PIGEON_IMAP_FETCH_FLAGS | PIGEON_IMAP_FETCH_SIZE |
                                       PIGEON_IMAP_FETCH_ENVELOPE,
                                   NULL, 0, print_summary, &count, NULL, pigeon_tool_store_result, &fetched);
  pigeon_tool_wait_for (&fetched);
  return pigeon_imap_session_fetch_finish (session, fetched, error);
}

int
pigeon_tool_imap_fetch (int argc, char **argv)
{
  g_auto (PigeonToolConnectionOptions) options = { 0 };
  g_autofree char *output = NULL;
  gboolean headers = FALSE;
  gint64 uid = 0;
  const GOptionEntry entries[] = {
    { "headers", 0, 0, G_OPTION_ARG_NONE, &headers, N_ ("Print a line per message: UID, size, flags, sender, subject"),
      NULL },
    { "uid", 0, 0, G_OPTION_ARG_INT64, &uid, N_ ("The UID of the message to write"), "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("The file to write, or - for standard output"), "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("FOLDER"),
      _ ("Prints a summary line per message of an IMAP folder (--headers), or writes the message with a UID "
         "(--uid N --output FILE) as stored; messages stay unread."),
      entries);
  g_autoptr (PigeonImapSession) session = NULL;
  g_autoptr (GBytes) message = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uid_text = NULL;
  int status = EXIT_SUCCESS;

  if (!parse_args (context, &options, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return pigeon_tool_usage_error (_ ("give one folder"));
  if (headers == (uid != 0) || (uid != 0 && output == NULL) || uid < 0 || uid > G_MAXUINT32)
    return pigeon_tool_usage_error (_ ("give either --headers, or --uid N with --output FILE"));
  session = imap_open (&options, &status);
  if (session == NULL)
    return status;
  if (headers && !imap_print_headers (session, argv[1], &error))
    return pigeon_tool_fail (error);
  if (!headers)
    {
      uid_text = g_strdup_printf ("%" G_GINT64_FORMAT, uid);
      message = imap_fetch_message (session, argv[1], uid_text, &error);
      if (message == NULL || !pigeon_tool_write_output (output, message, &error))
        return pigeon_tool_fail (error);
    }
  imap_logout (session);
  return EXIT_SUCCESS;
}
