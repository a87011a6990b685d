/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "pigeon-pop3-reply.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* One line as every POP3 reader sees it: status, list and UIDL entries,
 * the APOP timestamp, the text shown to a person. */
static void
read_line (const char *line)
{
  gboolean ok;
  const char *text;
  guint number;
  guint64 size;
  g_autofree char *uid = NULL;
  g_autofree char *timestamp = pigeon_pop3_apop_timestamp (line);
  g_autofree char *shown = pigeon_pop3_sanitize_text (line);

  if (pigeon_pop3_parse_status (line, &ok, &text))
    {
      g_autoptr (GError) error = pigeon_pop3_status_to_error (text, "step", PIGEON_POP3_ERROR_FAILED);

      g_assert (g_utf8_validate (error->message, -1, NULL));
    }
  if (pigeon_pop3_parse_list_line (line, &number, &size))
    g_assert (number >= 1 && number <= PIGEON_POP3_MAX_MESSAGES);
  if (pigeon_pop3_parse_uidl_line (line, &number, &uid))
    g_assert (strlen (uid) >= 1 && strlen (uid) <= 70);
  g_assert (timestamp == NULL || (timestamp[0] == '<' && strchr (timestamp, '@') != NULL));
  g_assert (g_utf8_validate (shown, -1, NULL));
}

/* The input as a multi-line response: the body never passes its limit
 * and ends each line with CRLF. */
static void
read_body (const char *data, gsize size)
{
  g_autoptr (GByteArray) body = g_byte_array_new ();
  PigeonPop3Capabilities caps = { 0 };
  const char *end = data + size;
  gboolean done = FALSE;

  for (const char *p = data; p < end && !done;)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize len = (nl != NULL ? nl : end) - p;
      g_autofree char *line = NULL;

      if (len > 0 && p[len - 1] == '\r')
        len--;
      line = g_strndup (p, len);
      read_line (line);
      if (!pigeon_pop3_body_feed (body, p, len, 4096, &done))
        break;
      g_assert (body->len <= 4096);
      p = nl != NULL ? nl + 1 : end;
    }
  g_assert (body->len == 0 || memcmp (body->data + body->len - 2, "\r\n", 2) == 0);
  pigeon_pop3_capabilities_parse (&caps, data, size);
  pigeon_pop3_capabilities_clear (&caps);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  read_body ((const char *) data, size);
  return 0;
}
