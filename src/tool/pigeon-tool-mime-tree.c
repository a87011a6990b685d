/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-json-writer.h"
#include "pigeon-tool-private.h"

static void write_message (PigeonJsonWriter *writer, PigeonMimeMessage *message);

static gboolean
is_text (PigeonMimePart *part)
{
  return g_str_has_prefix (pigeon_mime_part_get_mime_type (part), "text/");
}

/* Groups are flattened; an empty group's placeholder entry (address NULL)
 * is left out. */
static void
write_addresses (PigeonJsonWriter *writer, PigeonMimeMessage *message, const char *field)
{
  GPtrArray *addresses = pigeon_mime_message_get_addresses (message, field);

  pigeon_json_writer_member (writer, field);
  pigeon_json_writer_begin_array (writer);
  for (guint i = 0; addresses != NULL && i < addresses->len; i++)
    {
      const PigeonMimeAddress *address = g_ptr_array_index (addresses, i);

      if (address->address == NULL)
        continue;
      pigeon_json_writer_begin_object (writer);
      pigeon_json_writer_member (writer, "name");
      pigeon_json_writer_string (writer, address->name);
      pigeon_json_writer_member (writer, "address");
      pigeon_json_writer_string (writer, address->address);
      pigeon_json_writer_end_object (writer);
    }
  pigeon_json_writer_end_array (writer);
  g_clear_pointer (&addresses, g_ptr_array_unref);
}

static void
write_leaf (PigeonJsonWriter *writer, PigeonMimePart *part)
{
  g_autoptr (GBytes) body = pigeon_mime_part_decode (part);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);

  pigeon_json_writer_member (writer, "size");
  pigeon_json_writer_int (writer, g_bytes_get_size (body));
  pigeon_json_writer_member (writer, "sha256");
  pigeon_json_writer_string (writer, sha256);
  if (is_text (part))
    {
      g_autofree char *text = pigeon_mime_part_get_text (part, NULL);

      pigeon_json_writer_member (writer, "text");
      pigeon_json_writer_string (writer, text);
    }
}

/* RFC 2045 6.4: an unknown encoding is shown as written, lower-case. */
static void
write_encoding (PigeonJsonWriter *writer, PigeonMimePart *part)
{
  PigeonMimeEncoding encoding = pigeon_mime_part_get_encoding (part);
  g_autofree char *value = NULL;
  g_autofree char *lower = NULL;

  pigeon_json_writer_member (writer, "encoding");
  if (encoding != PIGEON_MIME_ENCODING_UNKNOWN)
    {
      pigeon_json_writer_string (writer, pigeon_mime_encoding_to_string (encoding));
      return;
    }
  value = pigeon_mime_part_dup_header (part, "Content-Transfer-Encoding");
  lower = value != NULL ? g_utf8_strdown (value, -1) : NULL;
  pigeon_json_writer_string (writer, lower != NULL ? lower : pigeon_mime_encoding_to_string (encoding));
}

static void
write_part (PigeonJsonWriter *writer, PigeonMimePart *part)
{
  const PigeonMimeContentType *disposition = pigeon_mime_part_get_disposition (part);
  guint n_children = pigeon_mime_part_get_n_children (part);
  PigeonMimeMessage *embedded = pigeon_mime_part_get_message (part);

  pigeon_json_writer_begin_object (writer);
  pigeon_json_writer_member (writer, "content_type");
  pigeon_json_writer_string (writer, pigeon_mime_part_get_mime_type (part));
  pigeon_json_writer_member (writer, "disposition");
  pigeon_json_writer_string (writer, disposition != NULL && (g_str_equal (disposition->type, "inline") ||
                                                             g_str_equal (disposition->type, "attachment"))
                                         ? disposition->type
                                         : NULL);
  pigeon_json_writer_member (writer, "filename");
  pigeon_json_writer_string (writer, pigeon_mime_part_get_filename (part));
  write_encoding (writer, part);
  pigeon_json_writer_member (writer, "charset");
  pigeon_json_writer_string (writer, is_text (part) ? pigeon_mime_part_get_charset (part) : NULL);

  if (embedded != NULL)
    {
      pigeon_json_writer_member (writer, "message");
      write_message (writer, embedded);
    }
  else if (pigeon_mime_part_is_multipart (part))
    {
      pigeon_json_writer_member (writer, "parts");
      pigeon_json_writer_begin_array (writer);
      for (guint i = 0; i < n_children; i++)
        write_part (writer, pigeon_mime_part_get_child (part, i));
      pigeon_json_writer_end_array (writer);
    }
  else
    write_leaf (writer, part);
  pigeon_json_writer_end_object (writer);
}

static void
write_message (PigeonJsonWriter *writer, PigeonMimeMessage *message)
{
  g_autofree char *subject = pigeon_mime_message_dup_subject (message);
  g_autofree char *message_id = pigeon_mime_message_dup_message_id (message);
  gint64 date;

  pigeon_json_writer_begin_object (writer);
  pigeon_json_writer_member (writer, "subject");
  pigeon_json_writer_string (writer, subject);
  write_addresses (writer, message, "from");
  write_addresses (writer, message, "to");
  write_addresses (writer, message, "cc");
  pigeon_json_writer_member (writer, "date");
  if (pigeon_mime_message_get_date (message, &date, NULL))
    pigeon_json_writer_int (writer, date);
  else
    pigeon_json_writer_null (writer);
  pigeon_json_writer_member (writer, "message_id");
  pigeon_json_writer_string (writer, message_id);
  pigeon_json_writer_member (writer, "root");
  write_part (writer, pigeon_mime_message_get_root (message));
  pigeon_json_writer_end_object (writer);
}

int
pigeon_tool_mime_tree (int argc, char **argv)
{
  gboolean compact = FALSE;
  const GOptionEntry entries[] = {
    { "compact", 'c', 0, G_OPTION_ARG_NONE, &compact, N_ ("Write the JSON on one line"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = pigeon_tool_option_context_new (
      _ ("FILE"), _ ("Prints the structure of the message in FILE as one JSON object."), entries);
  PigeonMimeLimits limits;
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMimeMessage) message = NULL;
  g_autoptr (PigeonJsonWriter) writer = NULL;
  const char *text;
  gsize len;

  g_option_context_add_group (context, pigeon_tool_limits_option_group (&limits));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 2)
    return pigeon_tool_usage_error (_ ("give one message file"));

  message = pigeon_tool_load_message (argv[1], &limits, &error);
  if (message == NULL)
    return pigeon_tool_fail (error);
  writer = pigeon_json_writer_new (!compact);
  write_message (writer, message);
  text = pigeon_json_writer_get_text (writer, &len);
  fwrite (text, 1, len, stdout);
  fputc ('\n', stdout);
  return fflush (stdout) == 0 ? EXIT_SUCCESS : PIGEON_TOOL_EXIT_FAILURE;
}
