/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-tool-private.h"

/* Output is gathered in one buffer and written in large blocks: a line per
 * message must not cost a system call. */
#define FLUSH_SIZE (256 * 1024)

typedef struct
{
  PigeonMimeLimits limits;
  gboolean quiet;
  GString *out;
  guint64 n_messages;
  guint64 n_bytes;
} Scan;

/* Appends @text with tabs, line breaks and other controls made spaces, so
 * that one message stays one line of tab-separated columns. */
static void
append_field (GString *out, const char *text)
{
  gsize start = out->len;

  g_string_append (out, text);
  for (gsize i = start; i < out->len; i++)
    if ((guchar) out->str[i] < 0x20 || out->str[i] == 0x7f)
      out->str[i] = ' ';
}

/* Counts the parts under @part, embedded messages included, and appends
 * the attachments' filenames to @names. */
static guint
walk_parts (PigeonMimePart *part, GString *names)
{
  PigeonMimeMessage *embedded = pigeon_mime_part_get_message (part);
  guint n_children = pigeon_mime_part_get_n_children (part);
  guint count = 1;

  if (pigeon_mime_part_is_attachment (part))
    {
      const char *filename = pigeon_mime_part_get_filename (part);

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, filename != NULL ? filename : _ ("(no name)"));
    }
  if (embedded != NULL)
    count += walk_parts (pigeon_mime_message_get_root (embedded), names);
  for (guint i = 0; i < n_children; i++)
    count += walk_parts (pigeon_mime_part_get_child (part, i), names);
  return count;
}

static const char *
first_sender (GPtrArray *from)
{
  for (guint i = 0; from != NULL && i < from->len; i++)
    {
      const PigeonMimeAddress *address = g_ptr_array_index (from, i);

      if (address->address != NULL)
        return address->address;
    }
  return "";
}

/* One line: parts, sender, attachments, subject. */
static void
scan_message (Scan *scan, GBytes *bytes, GString *names)
{
  g_autoptr (PigeonMimeMessage) message = pigeon_mime_message_new_from_bytes (bytes, &scan->limits);
  g_autoptr (GPtrArray) from = pigeon_mime_message_get_addresses (message, "from");
  g_autofree char *subject = pigeon_mime_message_dup_subject (message);
  guint n_parts;

  g_string_truncate (names, 0);
  n_parts = walk_parts (pigeon_mime_message_get_root (message), names);
  scan->n_messages++;
  scan->n_bytes += g_bytes_get_size (bytes);
  if (scan->quiet)
    return;

  g_string_append_printf (scan->out, "%u\t", n_parts);
  append_field (scan->out, first_sender (from));
  g_string_append_c (scan->out, '\t');
  append_field (scan->out, names->str);
  g_string_append_c (scan->out, '\t');
  append_field (scan->out, subject != NULL ? subject : "");
  g_string_append_c (scan->out, '\n');
}

static void
flush_output (Scan *scan)
{
  fwrite (scan->out->str, 1, scan->out->len, stdout);
  g_string_truncate (scan->out, 0);
}

/* Scans every message under @path; FALSE when something could not be
 * read (it is reported, and the scan goes on). */
static gboolean
scan_path (Scan *scan, const char *path, PigeonMimeMboxFormat format, PigeonMimeArchiveFlags flags)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMimeArchive) archive = pigeon_mime_archive_open (path, format, flags, &error);
  g_autoptr (GString) names = g_string_new (NULL);
  gboolean ok = TRUE;

  if (archive == NULL)
    {
      pigeon_tool_fail (error);
      return FALSE;
    }
  for (;;)
    {
      g_autoptr (GBytes) bytes = pigeon_mime_archive_next (archive, &error);

      if (bytes != NULL)
        scan_message (scan, bytes, names);
      else if (error != NULL)
        {
          pigeon_tool_fail (error);
          g_clear_error (&error);
          ok = FALSE;
        }
      else
        break;
      if (scan->out->len >= FLUSH_SIZE)
        flush_output (scan);
    }
  return ok;
}

static gboolean
parse_format (const char *name, PigeonMimeMboxFormat *format)
{
  if (name == NULL || g_str_equal (name, "auto"))
    *format = PIGEON_MIME_MBOX_AUTO;
  else if (g_str_equal (name, "mboxrd"))
    *format = PIGEON_MIME_MBOX_MBOXRD;
  else if (g_str_equal (name, "mboxo"))
    *format = PIGEON_MIME_MBOX_MBOXO;
  else
    return FALSE;
  return TRUE;
}

static void
print_summary (const Scan *scan, gint64 elapsed_us)
{
  double seconds = elapsed_us / 1e6;
  double megabytes = scan->n_bytes / 1e6;

  g_printerr (_ ("%llu messages, %llu bytes, %.3f s, %.1f MB/s\n"), (unsigned long long) scan->n_messages,
              (unsigned long long) scan->n_bytes, seconds, seconds > 0 ? megabytes / seconds : 0.0);
}

int
pigeon_tool_mime_scan (int argc, char **argv)
{
  gboolean quiet = FALSE;
  gboolean subfolders = FALSE;
  g_autofree char *format_name = NULL;
  const GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_ ("Print only the summary"), NULL },
    { "mbox-format", 0, 0, G_OPTION_ARG_STRING, &format_name,
      N_ ("How “>From ” lines are unquoted: auto, mboxrd or mboxo"), N_ ("FORMAT") },
    { "subfolders", 0, 0, G_OPTION_ARG_NONE, &subfolders, N_ ("Also read the .Name subfolders of a Maildir"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("PATH…"),
      _ ("Parses every message in message files, Maildir folders and mbox files, and prints a line for each: the "
         "number of parts, the sender, the attachments' names and the subject, separated by tabs. A summary goes to "
         "standard error."),
      entries);
  Scan scan = { .out = NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_sized_new (FLUSH_SIZE + 4096);
  PigeonMimeMboxFormat format;
  gboolean ok = TRUE;
  gint64 start;

  g_option_context_add_group (context, pigeon_tool_limits_option_group (&scan.limits));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc < 2)
    return pigeon_tool_usage_error (_ ("give at least one path"));
  if (!parse_format (format_name, &format))
    return pigeon_tool_usage_error (_ ("--mbox-format must be auto, mboxrd or mboxo"));

  scan.quiet = quiet;
  scan.out = out;
  start = g_get_monotonic_time ();
  for (int i = 1; i < argc; i++)
    ok &= scan_path (&scan, argv[i], format, subfolders ? PIGEON_MIME_ARCHIVE_SUBFOLDERS : 0);
  flush_output (&scan);
  print_summary (&scan, g_get_monotonic_time () - start);
  if (fflush (stdout) != 0)
    ok = FALSE;
  return ok ? EXIT_SUCCESS : PIGEON_TOOL_EXIT_FAILURE;
}
