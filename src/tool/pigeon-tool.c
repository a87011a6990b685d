/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "pigeon-tool-engine.h"
#include "pigeon-tool-imap.h"
#include "pigeon-tool-net.h"
#include "pigeon-tool-private.h"

static const PigeonToolCommand commands[] = {
  { "account", pigeon_tool_account, N_ ("Add, list, remove and test accounts") },
  { "sync", pigeon_tool_sync, N_ ("Get new mail") },
  { "folders", pigeon_tool_folders, N_ ("List the folders") },
  { "list", pigeon_tool_list, N_ ("List a folder's messages") },
  { "show", pigeon_tool_show, N_ ("Show a message and its attachments") },
  { "search", pigeon_tool_search, N_ ("Search the local mail") },
  { "flag", pigeon_tool_flag, N_ ("Mark messages read, unread or flagged") },
  { "move", pigeon_tool_move, N_ ("Move a message to another folder") },
  { "send", pigeon_tool_send, N_ ("Write a message and send it") },
  { "outbox", pigeon_tool_outbox, N_ ("List or send the outbox") },
  { "mime", pigeon_tool_mime, N_ ("Parse, inspect and build messages") },
  { "smtp-send", pigeon_tool_smtp_send, N_ ("Send a prepared message over SMTP") },
  { "pop3-list", pigeon_tool_pop3_list, N_ ("List the messages of a POP3 maildrop") },
  { "pop3-fetch", pigeon_tool_pop3_fetch, N_ ("Retrieve one message of a POP3 maildrop") },
  { "imap-list", pigeon_tool_imap_list, N_ ("List the folders of an IMAP account, with roles and counts") },
  { "imap-fetch", pigeon_tool_imap_fetch, N_ ("Retrieve one message of an IMAP folder") },
  { NULL },
};

static void
print_commands (FILE *out, const char *prefix, const PigeonToolCommand *list)
{
  fprintf (out, _ ("Usage: %s COMMAND [OPTION…]\n\nCommands:\n"), prefix);
  for (guint i = 0; list[i].name != NULL; i++)
    fprintf (out, "  %-12s %s\n", list[i].name, _ (list[i].summary));
  fprintf (out, _ ("\nRun “%s COMMAND --help” for the options of a command.\n"), prefix);
}

static const PigeonToolCommand *
find_command (const PigeonToolCommand *list, const char *name)
{
  for (guint i = 0; list[i].name != NULL; i++)
    if (g_str_equal (list[i].name, name))
      return &list[i];
  return NULL;
}

int
pigeon_tool_dispatch (const char *prefix, const PigeonToolCommand *list, int argc, char **argv)
{
  const PigeonToolCommand *command;
  g_autofree char *full_name = NULL;

  if (argc < 2)
    {
      print_commands (stderr, prefix, list);
      return PIGEON_TOOL_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_commands (stdout, prefix, list);
      return EXIT_SUCCESS;
    }
  command = find_command (list, argv[1]);
  if (command == NULL)
    {
      g_printerr (_ ("%s: unknown command “%s”; run “%s --help” for the list\n"), prefix, argv[1], prefix);
      return PIGEON_TOOL_EXIT_USAGE;
    }

  full_name = g_strdup_printf ("%s %s", prefix, command->name);
  g_set_prgname (full_name);
  argv[1] = full_name;
  return command->run (argc - 1, argv + 1);
}

GOptionContext *
pigeon_tool_option_context_new (const char *parameter_string, const char *summary, const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter_string);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

int
pigeon_tool_usage_error (const char *message)
{
  g_printerr (_ ("%s: %s (see --help)\n"), g_get_prgname (), message);
  return PIGEON_TOOL_EXIT_USAGE;
}

int
pigeon_tool_fail (const GError *error)
{
  g_printerr ("%s: %s\n", g_get_prgname (), error->message);
  return PIGEON_TOOL_EXIT_FAILURE;
}

gboolean
pigeon_tool_write_output (const char *path, GBytes *bytes, GError **error)
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

void
pigeon_tool_store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

void
pigeon_tool_wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("pigeon-tool");

  if (argc == 2 && g_str_equal (argv[1], "--version"))
    {
      g_print ("pigeon-tool %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  return pigeon_tool_dispatch ("pigeon-tool", commands, argc, argv);
}
