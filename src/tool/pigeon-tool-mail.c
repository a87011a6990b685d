/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "pigeon-json-writer.h"
#include "pigeon-mime.h"
#include "pigeon-tool-engine-private.h"
#include "pigeon-tool-private.h"

static const GOptionEntry no_entries[] = { { NULL } };

/* Messages are named by their id in the local cache (the first column of
 * "list"), which also stands for the UID of local (POP3) folders. */

static PigeonEngine *
open_with_account (int argc, char **argv, int needed, PigeonAccount **account, GError **error)
{
  if (argc < needed)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _ ("missing arguments"));
      return NULL;
    }
  return pigeon_tool_engine_open_account (argv[1], account, error);
}

static PigeonFolder *
find_folder (PigeonEngine *engine, PigeonAccount *account, const char *path, GError **error)
{
  PigeonFolder *folder = pigeon_store_find_folder (pigeon_engine_get_store (engine), account, path);

  if (folder == NULL && g_ascii_strcasecmp (path, "inbox") == 0)
    folder = pigeon_store_find_folder (pigeon_engine_get_store (engine), account, "INBOX");
  if (folder == NULL)
    g_set_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NO_ACCOUNT,
                 _ ("The account has no folder “%s” (see “pigeon-tool folders”)"), path);
  return folder;
}

static void
wait_loaded (PigeonMessageList *list)
{
  while (pigeon_message_list_is_loading (list))
    g_main_context_iteration (NULL, TRUE);
}

static void
print_folder (PigeonFolder *folder, const char *account, guint depth)
{
  GListModel *children = pigeon_folder_get_children (folder);

  g_print ("%s\t%*s%s\t%u\t%u\n", account, depth * 2, "", pigeon_folder_get_path (folder),
           pigeon_folder_get_total (folder), pigeon_folder_get_unread (folder));
  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr (PigeonFolder) child = g_list_model_get_item (children, i);
      print_folder (child, account, depth + 1);
    }
}

int
pigeon_tool_folders (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("[ACCOUNT]"), _ ("Lists the folders: account, path, total, unread."), no_entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  GListModel *accounts;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  engine = pigeon_tool_engine_open (&error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  accounts = pigeon_engine_get_accounts (engine);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (PigeonAccount) account = g_list_model_get_item (accounts, i);
      GListModel *folders;

      if (argc == 2 && pigeon_engine_find_account (engine, argv[1]) != account)
        continue;
      folders = pigeon_store_get_folders (pigeon_engine_get_store (engine), account);
      for (guint j = 0; j < g_list_model_get_n_items (folders); j++)
        {
          g_autoptr (PigeonFolder) folder = g_list_model_get_item (folders, j);
          print_folder (folder, pigeon_account_get_display_name (account), 0);
        }
    }
  return EXIT_SUCCESS;
}

static void
print_messages (GListModel *list, guint limit, gboolean as_json)
{
  g_autoptr (PigeonJsonWriter) json = pigeon_json_writer_new (TRUE);
  guint n = g_list_model_get_n_items (list);

  pigeon_json_writer_begin_array (json);
  for (guint i = 0; i < n && (limit == 0 || i < limit); i++)
    {
      g_autoptr (PigeonMessage) message = g_list_model_get_item (list, i);
      g_autoptr (GDateTime) date = g_date_time_new_from_unix_local (pigeon_message_get_date (message));
      g_autofree char *when = date ? g_date_time_format (date, "%Y-%m-%d %H:%M") : g_strdup ("-");

      if (!as_json)
        {
          g_print ("%" G_GINT64_FORMAT "\t%s\t%s%s\t%s\t%s\n", pigeon_message_get_id (message), when,
                   pigeon_message_get_unread (message) ? "N" : "-", pigeon_message_get_flagged (message) ? "F" : "-",
                   pigeon_message_get_from (message), pigeon_message_get_subject (message));
          continue;
        }
      pigeon_json_writer_begin_object (json);
      pigeon_json_writer_member (json, "id");
      pigeon_json_writer_int (json, pigeon_message_get_id (message));
      pigeon_json_writer_member (json, "date");
      pigeon_json_writer_int (json, pigeon_message_get_date (message));
      pigeon_json_writer_member (json, "from");
      pigeon_json_writer_string (json, pigeon_message_get_from (message));
      pigeon_json_writer_member (json, "subject");
      pigeon_json_writer_string (json, pigeon_message_get_subject (message));
      pigeon_json_writer_member (json, "message_id");
      pigeon_json_writer_string (json, pigeon_message_get_message_id (message));
      pigeon_json_writer_member (json, "unread");
      pigeon_json_writer_boolean (json, pigeon_message_get_unread (message));
      pigeon_json_writer_member (json, "flagged");
      pigeon_json_writer_boolean (json, pigeon_message_get_flagged (message));
      pigeon_json_writer_member (json, "attachments");
      pigeon_json_writer_boolean (json, pigeon_message_get_has_attachments (message));
      pigeon_json_writer_end_object (json);
    }
  pigeon_json_writer_end_array (json);
  if (as_json)
    g_print ("%s\n", pigeon_json_writer_get_text (json, NULL));
}

int
pigeon_tool_list (int argc, char **argv)
{
  int limit = 0;
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_ ("Show at most N messages"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_ ("Print JSON"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("ACCOUNT FOLDER"), _ ("Lists a folder's messages, newest first: id, date, flags, from, subject."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (PigeonMessageList) list = NULL;
  PigeonAccount *account = NULL;
  PigeonFolder *folder;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 3)
    return pigeon_tool_usage_error (_ ("give ACCOUNT and FOLDER"));
  engine = open_with_account (argc, argv, 3, &account, &error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  folder = find_folder (engine, account, argv[2], &error);
  if (folder == NULL)
    return pigeon_tool_fail (error);
  list = pigeon_store_list_folder (pigeon_engine_get_store (engine), folder, PIGEON_SORT_DATE, TRUE, &error);
  if (list == NULL)
    return pigeon_tool_fail (error);
  wait_loaded (list);
  print_messages (G_LIST_MODEL (list), MAX (limit, 0), as_json);
  return EXIT_SUCCESS;
}

/* pigeon_engine_search_server_async(): the matches the cache lacks are
 * fetched first, so that the local search below shows them. */
static gboolean
search_server (PigeonEngine *engine, PigeonAccount *account, const char *query, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  guint added = 0;

  pigeon_engine_search_server_async (engine, account, query, NULL, pigeon_tool_engine_got, &result);
  pigeon_tool_engine_wait (&result);
  if (!pigeon_engine_search_server_finish (engine, result, &added, error))
    return FALSE;
  g_printerr (
      g_dngettext (GETTEXT_PACKAGE, "%u message found on the server\n", "%u messages found on the server\n", added),
      added);
  return TRUE;
}

int
pigeon_tool_search (int argc, char **argv)
{
  gboolean as_json = FALSE;
  gboolean on_server = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_ ("Print JSON"), NULL },
    { "server", 0, 0, G_OPTION_ARG_NONE, &on_server, N_ ("Search on the IMAP server too, for mail not cached"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("ACCOUNT QUERY"), _ ("Searches the local mail (words, from:, to:, subject:, has:attachment, is:unread)."),
      entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (PigeonMessageList) list = NULL;
  PigeonAccount *account = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 3)
    return pigeon_tool_usage_error (_ ("give ACCOUNT and QUERY"));
  engine = open_with_account (argc, argv, 3, &account, &error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  if (on_server && !search_server (engine, account, argv[2], &error))
    return pigeon_tool_fail (error);
  list = pigeon_store_search (pigeon_engine_get_store (engine), account, argv[2], &error);
  if (list == NULL)
    return pigeon_tool_fail (error);
  wait_loaded (list);
  print_messages (G_LIST_MODEL (list), 0, as_json);
  return EXIT_SUCCESS;
}

static PigeonMessage *
find_message (PigeonEngine *engine, const char *text, GError **error)
{
  gint64 id = g_ascii_strtoll (text, NULL, 10);
  PigeonMessage *message = id > 0 ? pigeon_store_lookup_message (pigeon_engine_get_store (engine), id) : NULL;

  if (message == NULL)
    g_set_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_NO_ACCOUNT, _ ("There is no message %s"), text);
  return message;
}

static PigeonMimePart *
first_text (PigeonMimePart *part)
{
  guint n = pigeon_mime_part_get_n_children (part);

  if (n == 0)
    return pigeon_mime_part_is_type (part, "text", "plain") && !pigeon_mime_part_is_attachment (part) ? part : NULL;
  for (guint i = 0; i < n; i++)
    {
      PigeonMimePart *found = first_text (pigeon_mime_part_get_child (part, i));
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
save_attachments (PigeonMimePart *part, const char *dir, GError **error)
{
  guint n = pigeon_mime_part_get_n_children (part);

  if (n == 0 && pigeon_mime_part_is_attachment (part) && pigeon_mime_part_get_filename (part) != NULL)
    {
      g_autofree char *name = g_path_get_basename (pigeon_mime_part_get_filename (part));
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GBytes) body = pigeon_mime_part_decode (part);
      gsize len;
      const char *data = g_bytes_get_data (body, &len);

      if (name[0] == '.' || !g_file_set_contents (path, data ? data : "", len, error))
        return name[0] == '.';
      g_print (_ ("Saved %s\n"), path);
    }
  for (guint i = 0; i < n; i++)
    if (!save_attachments (pigeon_mime_part_get_child (part, i), dir, error))
      return FALSE;
  return TRUE;
}

/* The header fields, the text and the attachment list of "show". */
static void
print_message (PigeonEngine *engine, PigeonMessage *message, PigeonMimeMessage *mime)
{
  PigeonMimePart *body = first_text (pigeon_mime_message_get_root (mime));
  g_autofree char *text = body ? pigeon_mime_part_get_text (body, NULL) : NULL;
  g_autoptr (GPtrArray) attachments = NULL;

  g_print (_ ("From: %s\nTo: %s\nSubject: %s\n"), pigeon_message_get_from (message), pigeon_message_get_to (message),
           pigeon_message_get_subject (message));
  if (*pigeon_message_get_cc (message) != '\0')
    g_print (_ ("Cc: %s\n"), pigeon_message_get_cc (message));
  g_print ("\n%s\n", text ? text : "");
  attachments = pigeon_store_get_attachments (pigeon_engine_get_store (engine), pigeon_message_get_id (message), NULL);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      PigeonAttachment *attachment = g_ptr_array_index (attachments, i);
      g_print (_ ("Attachment %s: %s (%s, %" G_GUINT64_FORMAT " bytes)\n"), attachment->part,
               attachment->filename ? attachment->filename : _ ("unnamed"), attachment->mime_type, attachment->size);
    }
}

int
pigeon_tool_show (int argc, char **argv)
{
  g_autofree char *save_dir = NULL;
  const GOptionEntry entries[] = {
    { "save-attachments", 0, 0, G_OPTION_ARG_FILENAME, &save_dir, N_ ("Write the attachments into DIR"), "DIR" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("ACCOUNT FOLDER ID"), _ ("Shows a message: its header, its text and its attachments."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (PigeonMessage) message = NULL;
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (PigeonMimeMessage) mime = NULL;
  PigeonAccount *account = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 4)
    return pigeon_tool_usage_error (_ ("give ACCOUNT, FOLDER and the message's ID"));
  engine = open_with_account (argc, argv, 4, &account, &error);
  if (engine == NULL || find_folder (engine, account, argv[2], &error) == NULL)
    return pigeon_tool_fail (error);
  message = find_message (engine, argv[3], &error);
  if (message == NULL)
    return pigeon_tool_fail (error);
  raw = pigeon_store_load_raw (pigeon_engine_get_store (engine), pigeon_message_get_id (message), &error);
  if (raw == NULL)
    return pigeon_tool_fail (error);
  mime = pigeon_mime_message_new_from_bytes (raw, NULL);
  print_message (engine, message, mime);
  if (save_dir != NULL && !save_attachments (pigeon_mime_message_get_root (mime), save_dir, &error))
    return pigeon_tool_fail (error);
  return EXIT_SUCCESS;
}

static int
run_write (PigeonEngine *engine, GAsyncResult **result)
{
  g_autoptr (GError) error = NULL;

  pigeon_tool_engine_wait (result);
  if (!pigeon_store_write_finish (pigeon_engine_get_store (engine), *result, NULL, &error))
    return pigeon_tool_fail (error);
  return EXIT_SUCCESS;
}

int
pigeon_tool_flag (int argc, char **argv)
{
  gboolean seen = FALSE, unseen = FALSE, flagged = FALSE, unflagged = FALSE;
  const GOptionEntry entries[] = {
    { "seen", 0, 0, G_OPTION_ARG_NONE, &seen, N_ ("Mark as read"), NULL },
    { "unseen", 0, 0, G_OPTION_ARG_NONE, &unseen, N_ ("Mark as unread"), NULL },
    { "flagged", 0, 0, G_OPTION_ARG_NONE, &flagged, N_ ("Flag"), NULL },
    { "unflagged", 0, 0, G_OPTION_ARG_NONE, &unflagged, N_ ("Remove the flag"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("ACCOUNT ID…"), _ ("Changes flags: at once locally, and queued for the server."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GAsyncResult) result = NULL;
  PigeonAccount *account = NULL;
  PigeonMessageFlags set = 0, clear = 0;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  set = (seen ? PIGEON_MESSAGE_SEEN : 0) | (flagged ? PIGEON_MESSAGE_FLAGGED : 0);
  clear = (unseen ? PIGEON_MESSAGE_SEEN : 0) | (unflagged ? PIGEON_MESSAGE_FLAGGED : 0);
  if (argc < 3 || (set | clear) == 0)
    return pigeon_tool_usage_error (_ ("give ACCOUNT, message IDs and a flag option"));
  engine = open_with_account (argc, argv, 3, &account, &error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  for (int i = 2; i < argc; i++)
    {
      PigeonMessage *message = find_message (engine, argv[i], &error);
      if (message == NULL)
        return pigeon_tool_fail (error);
      g_ptr_array_add (messages, message);
    }
  pigeon_store_set_flags_async (pigeon_engine_get_store (engine), messages, set, clear, NULL, pigeon_tool_engine_got,
                                &result);
  return run_write (engine, &result);
}

int
pigeon_tool_move (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("ACCOUNT FOLDER ID TARGET"), _ ("Moves a message: at once locally, and queued for the server."), no_entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonEngine) engine = NULL;
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GAsyncResult) result = NULL;
  PigeonAccount *account = NULL;
  PigeonFolder *from, *to;
  PigeonMessage *message;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 5)
    return pigeon_tool_usage_error (_ ("give ACCOUNT, FOLDER, the message's ID and the TARGET folder"));
  engine = open_with_account (argc, argv, 5, &account, &error);
  if (engine == NULL)
    return pigeon_tool_fail (error);
  if ((from = find_folder (engine, account, argv[2], &error)) == NULL ||
      (to = find_folder (engine, account, argv[4], &error)) == NULL ||
      (message = find_message (engine, argv[3], &error)) == NULL)
    return pigeon_tool_fail (error);
  g_ptr_array_add (messages, message);
  pigeon_store_move_messages_async (pigeon_engine_get_store (engine), messages, from, to, NULL, pigeon_tool_engine_got,
                                    &result);
  return run_write (engine, &result);
}
