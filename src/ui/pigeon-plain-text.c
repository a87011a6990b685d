/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <string.h>

#include "pigeon-plain-text.h"

void
pigeon_text_line_free (PigeonTextLine *line)
{
  if (line == NULL)
    return;
  g_free (line->text);
  g_free (line);
}

static PigeonTextLine *
text_line_new (guint quote_level, char *text)
{
  PigeonTextLine *line = g_new0 (PigeonTextLine, 1);

  line->quote_level = quote_level;
  line->text = text;
  return line;
}

/* Counts the leading quote markers. RFC 3676 4.5 writes them as a run of
 * '>' with no spaces between; ordinary mail often writes "> > ", so
 * without format=flowed a single space after each marker is also eaten. */
static guint
strip_quote_markers (const char **line, gboolean flowed)
{
  const char *p = *line;
  guint level = 0;

  while (*p == '>')
    {
      level++;
      p++;
      if (!flowed && *p == ' ')
        p++;
    }
  *line = p;
  return level;
}

static GPtrArray *
split_lines (const char *text)
{
  g_auto (GStrv) raw = g_strsplit (text, "\n", -1);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  guint n = g_strv_length (raw);

  /* A final line end does not start another (empty) line. */
  if (n > 0 && raw[n - 1][0] == '\0')
    n--;
  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (raw[i]);

      if (len > 0 && raw[i][len - 1] == '\r')
        raw[i][len - 1] = '\0';
      g_ptr_array_add (lines, g_strdup (raw[i]));
    }
  return lines;
}

static GPtrArray *
parse_fixed (GPtrArray *lines)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_text_line_free);

  for (guint i = 0; i < lines->len; i++)
    {
      const char *p = g_ptr_array_index (lines, i);
      guint level = strip_quote_markers (&p, FALSE);

      g_ptr_array_add (result, text_line_new (level, g_strdup (p)));
    }
  return result;
}

/* RFC 3676 4.3: "-- " alone is the signature separator, never flowed. */
static gboolean
is_signature_separator (const char *p)
{
  return strcmp (p, "-- ") == 0;
}

/* RFC 3676 4.1-4.5: a line ending in a space continues in the next line of
 * the same quote depth; a change of depth ends the paragraph (4.5). */
static GPtrArray *
parse_flowed (GPtrArray *lines, gboolean delsp)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_text_line_free);
  g_autoptr (GString) paragraph = NULL;
  guint paragraph_level = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      const char *p = g_ptr_array_index (lines, i);
      guint level = strip_quote_markers (&p, TRUE);
      gsize len;
      gboolean soft;

      /* RFC 3676 4.4: one leading space is stuffing. */
      if (*p == ' ')
        p++;
      if (paragraph != NULL && level != paragraph_level)
        g_ptr_array_add (result, text_line_new (paragraph_level, g_string_free (g_steal_pointer (&paragraph), FALSE)));
      if (paragraph == NULL)
        {
          paragraph = g_string_new (NULL);
          paragraph_level = level;
        }
      len = strlen (p);
      soft = len > 0 && p[len - 1] == ' ' && !is_signature_separator (p);
      g_string_append_len (paragraph, p, soft && delsp ? len - 1 : len);
      if (!soft)
        g_ptr_array_add (result, text_line_new (paragraph_level, g_string_free (g_steal_pointer (&paragraph), FALSE)));
    }
  if (paragraph != NULL)
    g_ptr_array_add (result, text_line_new (paragraph_level, g_string_free (g_steal_pointer (&paragraph), FALSE)));
  return result;
}

GPtrArray *
pigeon_plain_text_parse (const char *text, gboolean flowed, gboolean delsp)
{
  g_autoptr (GPtrArray) lines = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  lines = split_lines (text);
  return flowed ? parse_flowed (lines, delsp) : parse_fixed (lines);
}

static gboolean
has_prefix_ascii_nocase (const char *p, const char *prefix)
{
  return g_ascii_strncasecmp (p, prefix, strlen (prefix)) == 0;
}

static gsize
link_scheme_length (const char *p)
{
  static const char *const schemes[] = { "https://", "http://", "mailto:" };

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (has_prefix_ascii_nocase (p, schemes[i]))
      return strlen (schemes[i]);
  return 0;
}

/* Bytes that may appear in a link written in running text: no spaces, no
 * quotes or angle brackets (they delimit it), nothing outside ASCII
 * graphics (a non-ASCII character ends it; IRIs are rare in mail). */
static gboolean
is_link_char (char c)
{
  return g_ascii_isgraph (c) && strchr ("<>\"'`{}|\\^", c) == NULL;
}

static gint
count_byte (const char *text, gsize start, gsize end, char c)
{
  gint n = 0;

  for (gsize i = start; i < end; i++)
    n += text[i] == c;
  return n;
}

static gsize
trim_link_end (const char *text, gsize start, gsize end)
{
  while (end > start && strchr (".,;:!?)]", text[end - 1]) != NULL)
    {
      /* Keep a closing parenthesis that closes one opened in the link,
       * as in Wikipedia addresses. */
      if (text[end - 1] == ')' && count_byte (text, start, end, ')') <= count_byte (text, start, end, '('))
        break;
      end--;
    }
  return end;
}

gboolean
pigeon_plain_text_find_link (const char *text, gsize from, gsize *start, gsize *end)
{
  g_return_val_if_fail (text != NULL, FALSE);

  for (const char *p = text + from; *p != '\0'; p++)
    {
      gsize scheme_len;
      gsize stop;

      /* A link starts at a word boundary, not in the middle of "xhttp://". */
      if (p > text && g_ascii_isalnum (p[-1]))
        continue;
      scheme_len = link_scheme_length (p);
      if (scheme_len == 0)
        continue;
      stop = p - text + scheme_len;
      while (is_link_char (text[stop]))
        stop++;
      stop = trim_link_end (text, p - text, stop);
      if (stop == (gsize) (p - text) + scheme_len)
        continue;
      *start = p - text;
      *end = stop;
      return TRUE;
    }
  return FALSE;
}

/* Valid UTF-8 without C0 controls other than tab and line end, which
 * markup cannot carry. */
static char *
printable_text (const char *text)
{
  char *clean = g_utf8_make_valid (text, -1);

  for (char *p = clean; *p != '\0'; p++)
    if ((g_ascii_iscntrl (*p) && *p != '\t' && *p != '\n') || *p == 0x7f)
      *p = ' ';
  return clean;
}

char *
pigeon_plain_text_to_markup (const char *original)
{
  g_autofree char *text = NULL;
  g_autofree char *rest = NULL;
  GString *markup;
  gsize position = 0;
  gsize start;
  gsize end;

  g_return_val_if_fail (original != NULL, NULL);

  text = printable_text (original);
  markup = g_string_new (NULL);
  while (pigeon_plain_text_find_link (text, position, &start, &end))
    {
      g_autofree char *before = g_markup_escape_text (text + position, start - position);
      g_autofree char *link = g_markup_escape_text (text + start, end - start);

      g_string_append (markup, before);
      g_string_append_printf (markup, "<a href=\"%s\">%s</a>", link, link);
      position = end;
    }
  rest = g_markup_escape_text (text + position, -1);
  g_string_append (markup, rest);
  return g_string_free (markup, FALSE);
}
