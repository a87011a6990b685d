/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "gmime-scan"

#include "config.h"

#include <fcntl.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reference for `pigeon-tool mime scan --quiet`: the same work done
 * with GMime 3. Each message of an mbox is parsed with GMimeParser in mbox
 * mode; the parts are walked (embedded messages included) to count them and
 * to read the attachments' filenames; From and Subject are read; one line
 * per message is formatted the same way, and dropped with --quiet. A
 * benchmark-only program, built when GMime is installed. */

#define FLUSH_SIZE (256 * 1024)

static guint
walk_parts (GMimeObject *object, GString *names)
{
  guint count = 1;

  if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeMessage *embedded = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (embedded != NULL && g_mime_message_get_mime_part (embedded) != NULL)
        count += walk_parts (g_mime_message_get_mime_part (embedded), names);
    }
  else if (GMIME_IS_MULTIPART (object))
    {
      int n = g_mime_multipart_get_count (GMIME_MULTIPART (object));

      for (int i = 0; i < n; i++)
        count += walk_parts (g_mime_multipart_get_part (GMIME_MULTIPART (object), i), names);
    }
  else if (GMIME_IS_PART (object) && g_mime_part_is_attachment (GMIME_PART (object)))
    {
      const char *filename = g_mime_part_get_filename (GMIME_PART (object));

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, filename != NULL ? filename : "(no name)");
    }
  return count;
}

static void
append_field (GString *out, const char *text)
{
  gsize start = out->len;

  g_string_append (out, text);
  for (gsize i = start; i < out->len; i++)
    if ((guchar) out->str[i] < 0x20 || out->str[i] == 0x7f)
      out->str[i] = ' ';
}

static const char *
first_sender (GMimeMessage *message)
{
  InternetAddressList *from = g_mime_message_get_from (message);

  for (int i = 0; from != NULL && i < internet_address_list_length (from); i++)
    {
      InternetAddress *address = internet_address_list_get_address (from, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        return internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address));
    }
  return "";
}

static void
scan_message (GMimeMessage *message, gboolean quiet, GString *names, GString *out)
{
  GMimeObject *root = g_mime_message_get_mime_part (message);
  const char *subject = g_mime_message_get_subject (message);
  const char *sender = first_sender (message);
  guint n_parts;

  g_string_truncate (names, 0);
  n_parts = root != NULL ? walk_parts (root, names) : 0;
  if (quiet)
    return;
  g_string_append_printf (out, "%u\t", n_parts);
  append_field (out, sender);
  g_string_append_c (out, '\t');
  append_field (out, names->str);
  g_string_append_c (out, '\t');
  append_field (out, subject != NULL ? subject : "");
  g_string_append_c (out, '\n');
}

int
main (int argc, char *argv[])
{
  gboolean quiet = argc == 3 && strcmp (argv[1], "--quiet") == 0;
  const char *path = argv[argc - 1];
  g_autoptr (GString) names = g_string_new (NULL);
  g_autoptr (GString) out = g_string_sized_new (FLUSH_SIZE + 4096);
  GMimeStream *stream;
  GMimeParser *parser;
  guint64 n_messages = 0;
  gint64 start;
  double seconds;
  int fd;

  if (argc != 2 && !quiet)
    {
      fprintf (stderr, "usage: gmime-scan [--quiet] MBOX\n");
      return 2;
    }
  fd = open (path, O_RDONLY);
  if (fd < 0)
    {
      perror (path);
      return 1;
    }

  g_mime_init ();
  start = g_get_monotonic_time ();
  /* A file stream: as fast here as GMime's mapped stream, and its memory
   * stays flat where a mapping keeps every page it touched. */
  stream = g_mime_stream_fs_new (fd);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
  while (!g_mime_parser_eos (parser))
    {
      GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);

      if (message == NULL)
        break;
      scan_message (message, quiet, names, out);
      g_object_unref (message);
      n_messages++;
      if (out->len >= FLUSH_SIZE)
        {
          fwrite (out->str, 1, out->len, stdout);
          g_string_truncate (out, 0);
        }
    }
  fwrite (out->str, 1, out->len, stdout);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  fprintf (stderr, "%llu messages, %lld bytes, %.3f s, %.1f MB/s\n", (unsigned long long) n_messages,
           (long long) g_mime_parser_tell (parser), seconds, g_mime_parser_tell (parser) / 1e6 / seconds);
  g_object_unref (parser);
  g_object_unref (stream);
  g_mime_shutdown ();
  return 0;
}
