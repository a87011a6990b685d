/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "pigeon-mime-header.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A folded line longer than 78 columns holds a single word that cannot be
 * broken, perhaps with whitespace after it that cannot start a line. */
static void
check_line (const char *line, gsize len, gboolean first)
{
  const char *p = line;
  const char *end = line + len;

  if (len <= 78)
    return;
  if (first)
    p = strchr (line, ' ') + 1;
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  while (p < end && *p != ' ' && *p != '\t')
    p++;
  while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  g_assert (p == end || (end - line) <= 78);
}

/* Formatting then unfolding gives the value back, trimmed. */
static void
check_format (const char *value)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *field = pigeon_mime_header_format ("Subject", value, &error);
  g_autofree char *unfolded = NULL;
  g_autofree char *trimmed = g_strdup (value);
  const char *line = field;

  g_assert_no_error (error);
  g_assert (g_str_has_suffix (field, "\r\n"));
  for (const char *crlf; (crlf = strstr (line, "\r\n")) != NULL; line = crlf + 2)
    {
      g_assert (memchr (line, '\r', crlf - line) == NULL && memchr (line, '\n', crlf - line) == NULL);
      check_line (line, crlf - line, line == field);
    }
  unfolded = pigeon_mime_header_unfold (field + 9, strlen (field) - 9);
  g_strchug (trimmed);
  while (*trimmed != '\0' && strchr (" \t", trimmed[strlen (trimmed) - 1]) != NULL)
    trimmed[strlen (trimmed) - 1] = '\0';
  g_assert_cmpstr (unfolded, ==, trimmed);
}

/* Decoded text is valid UTF-8 without line breaks; encoding it and
 * decoding again gives it back; it can be written as a field. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autofree char *decoded = pigeon_mime_header_decode_words ((const char *) data, size);
  g_autofree char *encoded = NULL;
  g_autofree char *again = NULL;
  g_autofree char *phrase = NULL;

  g_assert (g_utf8_validate (decoded, -1, NULL));
  g_assert (strpbrk (decoded, "\r\n") == NULL);

  encoded = pigeon_mime_header_encode_words (decoded);
  again = pigeon_mime_header_decode_words (encoded, -1);
  g_assert_cmpstr (again, ==, decoded);
  phrase = pigeon_mime_header_encode_phrase (decoded);
  g_assert (g_utf8_validate (phrase, -1, NULL));

  check_format (decoded);
  check_format (encoded);
  return 0;
}
