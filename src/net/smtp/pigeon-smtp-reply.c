/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-connection.h"
#include "pigeon-smtp-reply.h"

G_DEFINE_QUARK (pigeon_smtp_error, pigeon_smtp_error)

gboolean
pigeon_smtp_error_is_temporary (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain == PIGEON_SMTP_ERROR)
    return error->code == PIGEON_SMTP_ERROR_SERVICE_UNAVAILABLE || error->code == PIGEON_SMTP_ERROR_TEMPORARY;
  if (error->domain == PIGEON_CONNECTION_ERROR)
    return error->code == PIGEON_CONNECTION_ERROR_CONNECT || error->code == PIGEON_CONNECTION_ERROR_CLOSED ||
           error->code == PIGEON_CONNECTION_ERROR_TIMEOUT;
  return error->domain == G_IO_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

PigeonSmtpReply *
pigeon_smtp_reply_new (void)
{
  PigeonSmtpReply *reply = g_new0 (PigeonSmtpReply, 1);

  reply->lines = g_ptr_array_new_with_free_func (g_free);
  return reply;
}

void
pigeon_smtp_reply_free (PigeonSmtpReply *reply)
{
  if (reply == NULL)
    return;
  g_ptr_array_unref (reply->lines);
  g_free (reply);
}

static gboolean
malformed (GError **error)
{
  g_set_error_literal (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_PROTOCOL,
                       _ ("The server sent a reply that is not valid SMTP"));
  return FALSE;
}

/* RFC 5321 4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 * Reply-code [ SP textstring ] CRLF, with the same code on every line;
 * 4.2.1: the first digit is 2 to 5, the second 0 to 5. */
gboolean
pigeon_smtp_reply_feed (PigeonSmtpReply *reply, const char *line, gsize len, GError **error)
{
  guint code;

  g_return_val_if_fail (reply != NULL && !reply->complete, FALSE);

  if (len < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '5' || !g_ascii_isdigit (line[2]))
    return malformed (error);
  if (len > 3 && line[3] != ' ' && line[3] != '-')
    return malformed (error);
  code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (reply->lines->len > 0 && code != reply->code)
    return malformed (error);
  reply->size += len;
  if (reply->lines->len >= PIGEON_SMTP_REPLY_MAX_LINES || reply->size > PIGEON_SMTP_REPLY_MAX_SIZE)
    {
      g_set_error_literal (error, PIGEON_SMTP_ERROR, PIGEON_SMTP_ERROR_PROTOCOL,
                           _ ("The server sent a reply that is too long"));
      return FALSE;
    }
  reply->code = code;
  g_ptr_array_add (reply->lines, len > 4 ? g_strndup (line + 4, len - 4) : g_strdup (""));
  reply->complete = len == 3 || line[3] == ' ';
  return TRUE;
}

char *
pigeon_smtp_reply_get_text (const PigeonSmtpReply *reply)
{
  GString *joined = g_string_new (NULL);
  g_autofree char *valid = NULL;

  g_return_val_if_fail (reply != NULL, NULL);

  for (guint i = 0; i < reply->lines->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? " " : "", (const char *) reply->lines->pdata[i]);
  for (gsize i = 0; i < joined->len; i++)
    if ((guchar) joined->str[i] < 0x20 || joined->str[i] == 0x7f)
      joined->str[i] = ' ';
  valid = g_utf8_make_valid (joined->str, joined->len);
  g_string_free (joined, TRUE);
  return g_strstrip (g_steal_pointer (&valid));
}

static PigeonSmtpError
error_code_for (guint code, PigeonSmtpError permanent)
{
  switch (code)
    {
    case 421:
      return PIGEON_SMTP_ERROR_SERVICE_UNAVAILABLE;
    case 530:
    case 538:
      return PIGEON_SMTP_ERROR_AUTH_REQUIRED;
    case 534:
    case 535:
      return PIGEON_SMTP_ERROR_AUTH_FAILED;
    case 552:
      return PIGEON_SMTP_ERROR_MESSAGE_TOO_LARGE;
    default:
      return code < 500 ? PIGEON_SMTP_ERROR_TEMPORARY : permanent;
    }
}

GError *
pigeon_smtp_reply_to_error (const PigeonSmtpReply *reply, const char *what, PigeonSmtpError permanent)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (reply != NULL && what != NULL, NULL);

  text = pigeon_smtp_reply_get_text (reply);
  /* Translators: the first %s says what failed; then the server's reply code and words */
  return g_error_new (PIGEON_SMTP_ERROR, error_code_for (reply->code, permanent), _ ("%s (the server said: %u %s)"),
                      what, reply->code, text);
}

static void
parse_extension (PigeonSmtpCapabilities *caps, const char *line)
{
  g_auto (GStrv) words = g_strsplit_set (line, " \t", 0);
  static const struct
  {
    const char *keyword;
    PigeonSmtpExtensions flag;
  } known[] = {
    { "STARTTLS", PIGEON_SMTP_EXT_STARTTLS },
    { "AUTH", PIGEON_SMTP_EXT_AUTH },
    { "SIZE", PIGEON_SMTP_EXT_SIZE },
    { "PIPELINING", PIGEON_SMTP_EXT_PIPELINING },
    { "8BITMIME", PIGEON_SMTP_EXT_8BITMIME },
    { "SMTPUTF8", PIGEON_SMTP_EXT_SMTPUTF8 },
    { "ENHANCEDSTATUSCODES", PIGEON_SMTP_EXT_ENHANCEDSTATUSCODES },
  };

  if (words[0] == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_ascii_strcasecmp (words[0], known[i].keyword) == 0)
      caps->extensions |= known[i].flag;
  /* RFC 1870 4: "SIZE" [SP number]; 0 or absent means no fixed limit. */
  if (g_ascii_strcasecmp (words[0], "SIZE") == 0 && words[1] != NULL)
    g_ascii_string_to_unsigned (words[1], 10, 0, G_MAXUINT64, &caps->max_size, NULL);
  /* RFC 4954 3: "AUTH" SP mechanism list. */
  if (g_ascii_strcasecmp (words[0], "AUTH") == 0 && caps->auth_mechanisms == NULL)
    caps->auth_mechanisms = g_strdupv (words + 1);
}

void
pigeon_smtp_capabilities_parse (PigeonSmtpCapabilities *caps, const PigeonSmtpReply *reply)
{
  g_return_if_fail (caps != NULL && reply != NULL);

  pigeon_smtp_capabilities_clear (caps);
  /* RFC 5321 4.1.1.1: the first line is the greeting, then one extension per line. */
  for (guint i = 1; i < reply->lines->len; i++)
    parse_extension (caps, reply->lines->pdata[i]);
}

void
pigeon_smtp_capabilities_clear (PigeonSmtpCapabilities *caps)
{
  g_return_if_fail (caps != NULL);

  g_clear_pointer (&caps->auth_mechanisms, g_strfreev);
  caps->extensions = 0;
  caps->max_size = 0;
}

PigeonSmtpNeeds
pigeon_smtp_message_scan (const guchar *data, gsize len)
{
  PigeonSmtpNeeds needs = 0;
  gboolean in_header = TRUE;

  g_return_val_if_fail (data != NULL || len == 0, 0);

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\0')
        needs |= PIGEON_SMTP_HAS_NUL;
      else if (data[i] >= 0x80)
        needs |= PIGEON_SMTP_NEEDS_8BIT | (in_header ? PIGEON_SMTP_NEEDS_SMTPUTF8 : 0);
      else if (in_header && data[i] == '\n' && (i + 1 == len || data[i + 1] == '\n' || data[i + 1] == '\r'))
        in_header = FALSE; /* RFC 5322 2.1: an empty line ends the header */
    }
  return needs;
}

GBytes *
pigeon_smtp_encode_data (const guchar *data, gsize len)
{
  GByteArray *out = g_byte_array_sized_new (len + len / 32 + 8);
  gboolean line_start = TRUE;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];

      if (c == '\r' || c == '\n')
        {
          /* CRLF is one line end; a lone CR or LF becomes one too. */
          if (c == '\r' && i + 1 < len && data[i + 1] == '\n')
            i++;
          g_byte_array_append (out, (const guint8 *) "\r\n", 2);
          line_start = TRUE;
          continue;
        }
      if (line_start && c == '.')
        g_byte_array_append (out, (const guint8 *) ".", 1);
      g_byte_array_append (out, &c, 1);
      line_start = FALSE;
    }
  if (!line_start)
    g_byte_array_append (out, (const guint8 *) "\r\n", 2);
  g_byte_array_append (out, (const guint8 *) ".\r\n", 3);
  return g_byte_array_free_to_bytes (out);
}

gboolean
pigeon_smtp_address_is_valid (const char *address)
{
  g_return_val_if_fail (address != NULL, FALSE);

  if (strlen (address) > 256)
    return FALSE;
  for (const guchar *p = (const guchar *) address; *p != '\0'; p++)
    if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
      return FALSE;
  return g_utf8_validate (address, -1, NULL);
}
