/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-tool-private.h"

typedef void (*AddAddressFunc) (PigeonMimeBuilder *builder, const PigeonMimeAddress *address);

/* Parses an option's address list; every entry must be a mailbox
 * (local@domain). Returns NULL and sets @error otherwise. */
static GPtrArray *
parse_addresses (const char *option, const char *value, GError **error)
{
  g_autoptr (GPtrArray) addresses = pigeon_mime_address_list_parse (value, -1);
  gboolean valid = addresses->len > 0;

  for (guint i = 0; valid && i < addresses->len; i++)
    {
      const PigeonMimeAddress *address = g_ptr_array_index (addresses, i);
      const char *at = address->address != NULL ? strrchr (address->address, '@') : NULL;

      valid = at != NULL && at != address->address && at[1] != '\0';
    }
  if (!valid)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("%s “%s” is not an email address like name@example.org"), option, value);
      return NULL;
    }
  return g_steal_pointer (&addresses);
}

static gboolean
add_addresses (PigeonMimeBuilder *builder, AddAddressFunc add, const char *option, char **values, GError **error)
{
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autoptr (GPtrArray) addresses = parse_addresses (option, values[i], error);

      if (addresses == NULL)
        return FALSE;
      for (guint j = 0; j < addresses->len; j++)
        add (builder, g_ptr_array_index (addresses, j));
    }
  return TRUE;
}

static gboolean
set_from (PigeonMimeBuilder *builder, const char *value, GError **error)
{
  g_autoptr (GPtrArray) addresses = parse_addresses ("--from", value, error);

  if (addresses == NULL)
    return FALSE;
  if (addresses->len != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _ ("--from “%s” must be one address"), value);
      return FALSE;
    }
  pigeon_mime_builder_set_from (builder, g_ptr_array_index (addresses, 0));
  return TRUE;
}

/* Reads a body file, which must be UTF-8 text. */
static char *
read_text (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len;

  if (!g_file_get_contents (path, &text, &len, error))
    return NULL;
  if (!g_utf8_validate_len (text, len, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("%s is not UTF-8 text"), path);
      return NULL;
    }
  return g_steal_pointer (&text);
}

static gboolean
set_bodies (PigeonMimeBuilder *builder, const char *body, const char *html, char **attachments, GError **error)
{
  g_autofree char *text = read_text (body, error);
  g_autofree char *html_text = NULL;

  if (text == NULL)
    return FALSE;
  pigeon_mime_builder_set_text (builder, text);
  if (html != NULL)
    {
      html_text = read_text (html, error);
      if (html_text == NULL)
        return FALSE;
      pigeon_mime_builder_set_html (builder, html_text);
    }
  for (guint i = 0; attachments != NULL && attachments[i] != NULL; i++)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (attachments[i]);

      pigeon_mime_builder_add_attachment_file (builder, file, NULL, NULL);
    }
  return TRUE;
}

static gboolean
write_stdout (GBytes *bytes, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("cannot write to standard output"));
      return FALSE;
    }
  return TRUE;
}

int
pigeon_tool_mime_build (int argc, char **argv)
{
  g_autofree char *from = NULL, *subject = NULL, *body = NULL, *html = NULL;
  g_auto (GStrv) to = NULL, cc = NULL, bcc = NULL, attachments = NULL;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_ ("The sender, “Name <address>” or an address"), N_ ("ADDRESS") },
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to, N_ ("A recipient (repeat for more)"), N_ ("ADDRESS") },
    { "cc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cc, N_ ("A copy recipient (repeat for more)"), N_ ("ADDRESS") },
    { "bcc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &bcc, N_ ("A blind copy recipient, not written in the message"),
      N_ ("ADDRESS") },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_ ("The subject"), N_ ("TEXT") },
    { "body", 0, 0, G_OPTION_ARG_FILENAME, &body, N_ ("The text body, a UTF-8 file"), N_ ("FILE") },
    { "html", 0, 0, G_OPTION_ARG_FILENAME, &html, N_ ("An HTML alternative to the text, a UTF-8 file"), N_ ("FILE") },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &attachments, N_ ("A file to attach (repeat for more)"),
      N_ ("FILE") },
    { NULL },
  };
  g_autoptr (GOptionContext) context =
      pigeon_tool_option_context_new (NULL, _ ("Writes a new message to standard output."), entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMimeBuilder) builder = pigeon_mime_builder_new ();
  g_autoptr (GBytes) message = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return pigeon_tool_usage_error (error->message);
  if (argc != 1)
    return pigeon_tool_usage_error (_ ("unexpected argument; the options say what to build"));
  if (from == NULL || to == NULL || subject == NULL || body == NULL)
    return pigeon_tool_usage_error (_ ("--from, --to, --subject and --body are needed"));

  if (!set_from (builder, from, &error) || !add_addresses (builder, pigeon_mime_builder_add_to, "--to", to, &error) ||
      !add_addresses (builder, pigeon_mime_builder_add_cc, "--cc", cc, &error) ||
      !add_addresses (builder, pigeon_mime_builder_add_bcc, "--bcc", bcc, &error) ||
      !set_bodies (builder, body, html, attachments, &error))
    return pigeon_tool_fail (error);
  pigeon_mime_builder_set_subject (builder, subject);
  message = pigeon_mime_builder_build (builder, &error);
  if (message == NULL || !write_stdout (message, &error))
    return pigeon_tool_fail (error);
  return EXIT_SUCCESS;
}
