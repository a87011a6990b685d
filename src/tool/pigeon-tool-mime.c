/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pigeon-tool-private.h"

static const PigeonToolCommand mime_commands[] = {
  { "tree", pigeon_tool_mime_tree, N_ ("Print a message's structure as JSON") },
  { "scan", pigeon_tool_mime_scan, N_ ("Parse message files, Maildir folders and mbox files") },
  { "extract", pigeon_tool_mime_extract, N_ ("Write the decoded body of one part to a file") },
  { "build", pigeon_tool_mime_build, N_ ("Write a new message to standard output") },
  { NULL },
};

int
pigeon_tool_mime (int argc, char **argv)
{
  return pigeon_tool_dispatch ("pigeon-tool mime", mime_commands, argc, argv);
}

static gboolean
parse_limit (const char *option_name, const char *value, gpointer data, GError **error)
{
  PigeonMimeLimits *limits = data;
  guint64 number;

  if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &number, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _ ("%s needs a whole number from 1 to %u, not “%s”"), option_name, G_MAXUINT, value);
      return FALSE;
    }
  if (g_str_equal (option_name, "--max-depth"))
    limits->max_depth = number;
  else if (g_str_equal (option_name, "--max-parts"))
    limits->max_parts = number;
  else if (g_str_equal (option_name, "--max-headers"))
    limits->max_headers = number;
  else
    limits->max_header_size = number;
  return TRUE;
}

GOptionGroup *
pigeon_tool_limits_option_group (PigeonMimeLimits *limits)
{
  static const GOptionEntry entries[] = {
    { "max-depth", 0, 0, G_OPTION_ARG_CALLBACK, parse_limit, N_ ("Nested multiparts and messages to follow"), "N" },
    { "max-parts", 0, 0, G_OPTION_ARG_CALLBACK, parse_limit, N_ ("Parts to read in one message"), "N" },
    { "max-headers", 0, 0, G_OPTION_ARG_CALLBACK, parse_limit, N_ ("Header fields to read in one header block"), "N" },
    { "max-header-size", 0, 0, G_OPTION_ARG_CALLBACK, parse_limit, N_ ("Octets in one header field"), "BYTES" },
    { NULL },
  };
  GOptionGroup *group;

  *limits = *pigeon_mime_limits_default ();
  group = g_option_group_new ("limits", _ ("Parser limits:"), _ ("Show the parser's limits"), limits, NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, entries);
  return group;
}

GMappedFile *
pigeon_tool_map_file (const char *path, GError **error)
{
  GStatBuf st;
  int saved_errno;

  if (g_stat (path, &st) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "%s: %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, _ ("%s: is a folder, not a message file"), path);
      return NULL;
    }
  return g_mapped_file_new (path, FALSE, error);
}

PigeonMimeMessage *
pigeon_tool_load_message (const char *path, const PigeonMimeLimits *limits, GError **error)
{
  g_autoptr (GMappedFile) file = pigeon_tool_map_file (path, error);
  g_autoptr (GBytes) bytes = NULL;

  if (file == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (file);
  return pigeon_mime_message_new_from_bytes (bytes, limits);
}

int
pigeon_tool_mime_extract (int argc, char **argv)
{
  g_autofree char *part_path = NULL;
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "part", 'p', 0, G_OPTION_ARG_STRING, &part_path, N_ ("The part to write, numbered as in IMAP: 1, 1.2, …"),
      "PATH" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_ ("The file to write, or - for standard output"), "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("FILE"), _ ("Writes the decoded body of one part of the message in FILE."), entries);
  PigeonMimeLimits limits;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMimeMessage) message = NULL;
  g_autoptr (GBytes) body = NULL;
  PigeonMimePart *part;

  g_option_context_add_group (context, pigeon_tool_limits_option_group (&limits));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 2)
    return pigeon_tool_usage_error (_ ("give one message file"));
  if (part_path == NULL || output == NULL)
    return pigeon_tool_usage_error (_ ("--part and --output are both needed"));

  message = pigeon_tool_load_message (argv[1], &limits, &error);
  if (message == NULL)
    return pigeon_tool_fail (error);
  part = pigeon_mime_part_find (pigeon_mime_message_get_root (message), part_path);
  if (part == NULL)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("%s has no part %s (see “pigeon-tool mime tree %s”)"),
                   argv[1], part_path, argv[1]);
      return pigeon_tool_fail (error);
    }
  body = pigeon_mime_part_decode (part);
  if (!pigeon_tool_write_output (output, body, &error))
    return pigeon_tool_fail (error);
  return EXIT_SUCCESS;
}
