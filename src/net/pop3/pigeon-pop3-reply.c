/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-pop3-reply.h"

G_DEFINE_QUARK (pigeon_pop3_error, pigeon_pop3_error)

gboolean
pigeon_pop3_parse_status (const char *line, gboolean *ok, const char **text)
{
  g_return_val_if_fail (line != NULL && ok != NULL && text != NULL, FALSE);

  if (g_str_has_prefix (line, "+OK"))
    {
      *ok = TRUE;
      line += 3;
    }
  else if (g_str_has_prefix (line, "-ERR"))
    {
      *ok = FALSE;
      line += 4;
    }
  else
    return FALSE;
  if (*line != '\0' && *line != ' ')
    return FALSE;
  *text = *line == ' ' ? line + 1 : line;
  return TRUE;
}

char *
pigeon_pop3_sanitize_text (const char *text)
{
  char *valid;

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return valid;
}

/* RFC 2449 8.1 and RFC 3206: response codes that mean "later". */
static gboolean
is_temporary (const char *text)
{
  static const char *const codes[] = { "[IN-USE]", "[LOGIN-DELAY]", "[SYS/TEMP]" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_ascii_strncasecmp (text, codes[i], strlen (codes[i])) == 0)
      return TRUE;
  return FALSE;
}

GError *
pigeon_pop3_status_to_error (const char *text, const char *what, PigeonPop3Error code)
{
  g_autofree char *safe = NULL;

  g_return_val_if_fail (text != NULL && what != NULL, NULL);

  safe = pigeon_pop3_sanitize_text (text);
  if (is_temporary (text))
    code = PIGEON_POP3_ERROR_TEMPORARY;
  /* Translators: the first %s says what failed, the second is the server's words */
  return g_error_new (PIGEON_POP3_ERROR, code, _ ("%s (the server said: %s)"), what, safe);
}

gboolean
pigeon_pop3_body_feed (GByteArray *body, const char *line, gsize len, gsize max_size, gboolean *done)
{
  g_return_val_if_fail (body != NULL && line != NULL && done != NULL, FALSE);

  *done = FALSE;
  if (len > 0 && line[0] == '.')
    {
      if (len == 1)
        {
          *done = TRUE;
          return TRUE;
        }
      line++;
      len--;
    }
  if (body->len + len + 2 > max_size)
    return FALSE;
  g_byte_array_append (body, (const guint8 *) line, len);
  g_byte_array_append (body, (const guint8 *) "\r\n", 2);
  return TRUE;
}

static void
parse_capability (PigeonPop3Capabilities *caps, const char *line)
{
  static const struct
  {
    const char *keyword;
    PigeonPop3CapaFlags flag;
  } known[] = {
    { "STLS", PIGEON_POP3_CAPA_STLS },
    { "USER", PIGEON_POP3_CAPA_USER },
    { "SASL", PIGEON_POP3_CAPA_SASL },
    { "UIDL", PIGEON_POP3_CAPA_UIDL },
    { "TOP", PIGEON_POP3_CAPA_TOP },
    { "PIPELINING", PIGEON_POP3_CAPA_PIPELINING },
    { "RESP-CODES", PIGEON_POP3_CAPA_RESP_CODES },
  };
  g_auto (GStrv) words = g_strsplit_set (line, " \t", 0);

  if (words[0] == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_ascii_strcasecmp (words[0], known[i].keyword) == 0)
      caps->flags |= known[i].flag;
  if (g_ascii_strcasecmp (words[0], "SASL") == 0 && caps->sasl_mechanisms == NULL)
    caps->sasl_mechanisms = g_strdupv (words + 1);
}

void
pigeon_pop3_capabilities_parse (PigeonPop3Capabilities *caps, const char *body, gsize len)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  g_return_if_fail (caps != NULL);

  pigeon_pop3_capabilities_clear (caps);
  text = len > 0 ? g_strndup (body, len) : g_strdup ("");
  lines = g_strsplit (text, "\r\n", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    parse_capability (caps, lines[i]);
}

void
pigeon_pop3_capabilities_clear (PigeonPop3Capabilities *caps)
{
  g_return_if_fail (caps != NULL);

  caps->flags = 0;
  g_clear_pointer (&caps->sasl_mechanisms, g_strfreev);
}

void
pigeon_pop3_message_free (PigeonPop3Message *message)
{
  if (message == NULL)
    return;
  g_free (message->uid);
  g_free (message);
}

/* A message number: 1 to PIGEON_POP3_MAX_MESSAGES, digits only. */
static const char *
parse_number (const char *p, guint *number)
{
  guint64 value = 0;

  if (!g_ascii_isdigit (*p))
    return NULL;
  for (; g_ascii_isdigit (*p); p++)
    {
      value = value * 10 + (*p - '0');
      if (value > PIGEON_POP3_MAX_MESSAGES)
        return NULL;
    }
  if (value == 0)
    return NULL;
  *number = value;
  return p;
}

gboolean
pigeon_pop3_parse_list_line (const char *line, guint *number, guint64 *size)
{
  const char *p;
  guint64 value = 0;

  g_return_val_if_fail (line != NULL && number != NULL && size != NULL, FALSE);

  p = parse_number (line, number);
  if (p == NULL || *p != ' ' || !g_ascii_isdigit (p[1]))
    return FALSE;
  /* RFC 1939 5: the size may be followed by more information. */
  for (p++; g_ascii_isdigit (*p); p++)
    {
      if (value > (G_MAXINT64 - 9) / 10)
        return FALSE;
      value = value * 10 + (*p - '0');
    }
  *size = value;
  return *p == '\0' || *p == ' ';
}

gboolean
pigeon_pop3_parse_uidl_line (const char *line, guint *number, char **uid)
{
  const char *p;
  gsize len;

  g_return_val_if_fail (line != NULL && number != NULL && uid != NULL, FALSE);

  p = parse_number (line, number);
  if (p == NULL || *p != ' ')
    return FALSE;
  p++;
  len = strlen (p);
  if (len < 1 || len > 70)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) p[i] < 0x21 || (guchar) p[i] > 0x7e)
      return FALSE;
  *uid = g_strdup (p);
  return TRUE;
}

char *
pigeon_pop3_apop_timestamp (const char *greeting)
{
  const char *start;
  const char *end;

  g_return_val_if_fail (greeting != NULL, NULL);

  start = strchr (greeting, '<');
  end = start != NULL ? strchr (start, '>') : NULL;
  if (end == NULL || end - start > 256 || memchr (start, '@', end - start) == NULL)
    return NULL;
  return g_strndup (start, end - start + 1);
}
