/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "pigeon-smtp-reply.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Reads the input as a server's replies, line by line, as the session
 * does; checks that what reaches a person is valid UTF-8. */
static void
read_replies (const char *text, gsize size)
{
  g_autoptr (PigeonSmtpReply) reply = pigeon_smtp_reply_new ();
  const char *end = text + size;

  for (const char *p = text; p < end;)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize len = (nl != NULL ? nl : end) - p;

      if (len > 0 && p[len - 1] == '\r')
        len--;
      if (!pigeon_smtp_reply_feed (reply, p, len, NULL))
        return;
      if (reply->complete)
        {
          PigeonSmtpCapabilities caps = { 0 };
          g_autofree char *shown = pigeon_smtp_reply_get_text (reply);
          g_autoptr (GError) error = pigeon_smtp_reply_to_error (reply, "step", PIGEON_SMTP_ERROR_PERMANENT);

          g_assert (g_utf8_validate (shown, -1, NULL));
          g_assert (g_utf8_validate (error->message, -1, NULL));
          pigeon_smtp_capabilities_parse (&caps, reply);
          pigeon_smtp_capabilities_clear (&caps);
          pigeon_smtp_reply_free (reply);
          reply = pigeon_smtp_reply_new ();
        }
      p = nl != NULL ? nl + 1 : end;
    }
}

/* Whatever the message, DATA carries CRLF line ends only and exactly one
 * CRLF.CRLF, at the end. */
static void
check_data (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) encoded = pigeon_smtp_encode_data (data, size);
  gsize len;
  const char *out = g_bytes_get_data (encoded, &len);

  g_assert (len >= 3);
  g_assert (memcmp (out + len - 3, ".\r\n", 3) == 0);
  g_assert (len == 3 || memcmp (out + len - 5, "\r\n.\r\n", 5) == 0);
  g_assert (len < 5 || memmem (out, len - 5, "\r\n.\r\n", 5) == NULL);
  for (gsize i = 0; i < len; i++)
    {
      if (out[i] == '\n')
        g_assert (i > 0 && out[i - 1] == '\r');
      if (out[i] == '\r')
        g_assert (i + 1 < len && out[i + 1] == '\n');
    }
  (void) pigeon_smtp_message_scan (data, size);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  read_replies ((const char *) data, size);
  check_data (data, size);
  return 0;
}
