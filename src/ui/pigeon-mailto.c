/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pigeon-mailto.h"

void
pigeon_mailto_free (PigeonMailto *mailto)
{
  if (mailto == NULL)
    return;
  g_free (mailto->to);
  g_free (mailto->cc);
  g_free (mailto->bcc);
  g_free (mailto->subject);
  g_free (mailto->body);
  g_free (mailto->in_reply_to);
  g_free (mailto);
}

/* RFC 6068 2: percent-encoded octets, UTF-8 once decoded; "+" is a plus,
 * not a space. NULL for an invalid escape or an encoded NUL. */
static char *
decode (const char *text, gssize len)
{
  g_autofree char *decoded = g_uri_unescape_segment (text, len >= 0 ? text + len : NULL, NULL);

  if (decoded == NULL)
    return NULL;
  return g_utf8_make_valid (decoded, -1);
}

/* Several "to" (path and hfields) add up to one list (RFC 6068 2). */
static void
append_addresses (char **list, const char *addresses)
{
  g_autofree char *old = *list;
  g_autofree char *stripped = g_strstrip (g_strdup (addresses));

  if (*stripped == '\0')
    {
      *list = g_steal_pointer (&old);
      return;
    }
  *list = *old != '\0' ? g_strconcat (old, ", ", stripped, NULL) : g_steal_pointer (&stripped);
}

/* The body's line breaks are encoded as %0D%0A (RFC 6068 5); the text
 * view wants "\n". */
static char *
normalize_line_breaks (const char *text)
{
  g_autoptr (GRegex) crlf = g_regex_new ("\\r\\n?", 0, 0, NULL);

  return g_regex_replace_literal (crlf, text, -1, 0, "\n", 0, NULL);
}

static char *
strip_angle_brackets (const char *msg_id)
{
  g_autofree char *copy = g_strstrip (g_strdup (msg_id));
  gsize len = strlen (copy);

  if (len >= 2 && copy[0] == '<' && copy[len - 1] == '>')
    return g_strndup (copy + 1, len - 2);
  return g_steal_pointer (&copy);
}

static void
take_field (PigeonMailto *mailto, const char *name, const char *value)
{
  if (g_ascii_strcasecmp (name, "to") == 0)
    append_addresses (&mailto->to, value);
  else if (g_ascii_strcasecmp (name, "cc") == 0)
    append_addresses (&mailto->cc, value);
  else if (g_ascii_strcasecmp (name, "bcc") == 0)
    append_addresses (&mailto->bcc, value);
  else if (g_ascii_strcasecmp (name, "subject") == 0)
    {
      g_free (mailto->subject);
      mailto->subject = g_strdup (value);
    }
  else if (g_ascii_strcasecmp (name, "body") == 0)
    {
      g_free (mailto->body);
      mailto->body = normalize_line_breaks (value);
    }
  else if (g_ascii_strcasecmp (name, "in-reply-to") == 0)
    {
      g_free (mailto->in_reply_to);
      mailto->in_reply_to = strip_angle_brackets (value);
    }
  /* Anything else is ignored on purpose: see the header. */
}

static gboolean
parse_hfields (PigeonMailto *mailto, const char *query, GError **error)
{
  g_auto (GStrv) pairs = g_strsplit (query, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *equals = strchr (pairs[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (*pairs[i] == '\0')
        continue;
      name = decode (pairs[i], equals != NULL ? equals - pairs[i] : -1);
      value = equals != NULL ? decode (equals + 1, -1) : g_strdup ("");
      if (name == NULL || value == NULL)
        {
          g_set_error (error, G_URI_ERROR, G_URI_ERROR_FAILED, _ ("The link has an invalid escape: “%s”"), pairs[i]);
          return FALSE;
        }
      take_field (mailto, name, value);
    }
  return TRUE;
}

PigeonMailto *
pigeon_mailto_parse (const char *uri, GError **error)
{
  g_autoptr (PigeonMailto) mailto = g_new0 (PigeonMailto, 1);
  const char *path;
  const char *question;
  g_autofree char *to = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  if (g_ascii_strncasecmp (uri, "mailto:", 7) != 0)
    {
      g_set_error (error, G_URI_ERROR, G_URI_ERROR_BAD_SCHEME, _ ("Not a mailto: link"));
      return NULL;
    }
  mailto->to = g_strdup ("");
  mailto->cc = g_strdup ("");
  mailto->bcc = g_strdup ("");
  path = uri + 7;
  question = strchr (path, '?');
  to = decode (path, question != NULL ? question - path : -1);
  if (to == NULL)
    {
      g_set_error (error, G_URI_ERROR, G_URI_ERROR_FAILED, _ ("The link has an invalid escape"));
      return NULL;
    }
  append_addresses (&mailto->to, to);
  if (question != NULL && !parse_hfields (mailto, question + 1, error))
    return NULL;
  return g_steal_pointer (&mailto);
}
