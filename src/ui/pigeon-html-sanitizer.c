/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include <string.h>

#include "pigeon-html-sanitizer.h"

/* The sanitizer does not trust the markup to be well formed. It reads it
 * as a stream of tokens (text, start tag, end tag; comments, doctypes and
 * processing instructions are dropped) and writes a new document from
 * what an allow-list accepts: every tag and attribute value is written
 * again by us, quoted and escaped, so nothing of the input's syntax
 * survives except text, whose '<' always starts a token. */

typedef struct
{
  char *name;  /* lower-case */
  char *value; /* entities decoded; "" when written without a value */
} Attribute;

typedef struct
{
  char *name; /* lower-case */
  GArray *attributes;
  gboolean end;
} Tag;

static void
attribute_clear (gpointer data)
{
  Attribute *attribute = data;

  g_free (attribute->name);
  g_free (attribute->value);
}

static void
tag_clear (Tag *tag)
{
  g_clear_pointer (&tag->name, g_free);
  g_clear_pointer (&tag->attributes, g_array_unref);
}

/* Elements written back as they are (with allowed attributes). */
static const char *const allowed_elements[] = {
  "a",       "abbr",   "address", "article", "aside", "b",     "bdi",        "bdo",      "big",   "blockquote",
  "body",    "br",     "caption", "center",  "cite",  "code",  "col",        "colgroup", "dd",    "del",
  "details", "dfn",    "div",     "dl",      "dt",    "em",    "figcaption", "figure",   "font",  "footer",
  "h1",      "h2",     "h3",      "h4",      "h5",    "h6",    "head",       "header",   "hr",    "html",
  "i",       "img",    "ins",     "kbd",     "li",    "main",  "mark",       "nav",      "ol",    "p",
  "pre",     "q",      "rp",      "rt",      "ruby",  "s",     "samp",       "section",  "small", "span",
  "strike",  "strong", "sub",     "summary", "sup",   "table", "tbody",      "td",       "tfoot", "th",
  "thead",   "time",   "tr",      "tt",      "u",     "ul",    "var",        "wbr",
};

/* Elements removed with everything inside them. The raw-text ones end
 * only at their own end tag (HTML 13.1.2). */
static const char *const dropped_raw_elements[] = {
  "iframe", "noembed", "noframes", "noscript", "script", "textarea", "title", "xmp",
};
static const char *const dropped_nested_elements[] = {
  "applet", "audio", "frameset", "math", "object", "select", "svg", "template", "video",
};

static const char *const allowed_attributes[] = {
  "abbr",   "align", "alt",     "bgcolor",  "border", "cellpadding", "cellspacing", "class",  "clear",
  "color",  "cols",  "colspan", "datetime", "dir",    "face",        "headers",     "height", "href",
  "hspace", "id",    "lang",    "nowrap",   "open",   "rowspan",     "scope",       "size",   "span",
  "src",    "start", "style",   "summary",  "title",  "type",        "valign",      "vspace", "width",
};

static gboolean
in_list (const char *const *list, gsize n, const char *name)
{
  for (gsize i = 0; i < n; i++)
    if (strcmp (list[i], name) == 0)
      return TRUE;
  return FALSE;
}

#define IN_LIST(list, name) in_list (list, G_N_ELEMENTS (list), name)

/* Entities ---------------------------------------------------------------- */

static const struct
{
  const char *name;
  gunichar c;
} named_entities[] = {
  { "amp", '&' },       { "lt", '<' },       { "gt", '>' },       { "quot", '"' },      { "apos", '\'' },
  { "nbsp", 0x00A0 },   { "copy", 0x00A9 },  { "reg", 0x00AE },   { "hellip", 0x2026 }, { "mdash", 0x2014 },
  { "ndash", 0x2013 },  { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C },  { "rdquo", 0x201D },
  { "bull", 0x2022 },   { "euro", 0x20AC },  { "trade", 0x2122 }, { "laquo", 0x00AB },  { "raquo", 0x00BB },
  { "middot", 0x00B7 }, { "tab", '\t' },     { "newline", '\n' }, { "colon", ':' },     { "lpar", '(' },
  { "rpar", ')' },
};

/* Reads the entity at @p (just after '&'); returns its length up to and
 * including the optional ';', or 0 when it is not one. */
static gsize
read_entity (const char *p, gunichar *c)
{
  const char *q = p;

  if (*q == '#')
    {
      gboolean hex = (q[1] == 'x' || q[1] == 'X');
      guint64 value = 0;
      const char *digits;

      q += hex ? 2 : 1;
      digits = q;
      while (hex ? g_ascii_isxdigit (*q) : g_ascii_isdigit (*q))
        {
          value = value * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q));
          value = MIN (value, 0x110000);
          q++;
        }
      if (q == digits)
        return 0;
      *c = (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) ? 0xFFFD : (gunichar) value;
    }
  else
    {
      gsize len = 0;
      gboolean found = FALSE;

      while (g_ascii_isalnum (q[len]))
        len++;
      for (gsize i = 0; i < G_N_ELEMENTS (named_entities) && !found; i++)
        if (strlen (named_entities[i].name) == len && strncmp (q, named_entities[i].name, len) == 0)
          {
            *c = named_entities[i].c;
            found = TRUE;
          }
      if (!found)
        return 0;
      q += len;
    }
  if (*q == ';')
    q++;
  return q - p;
}

static char *
decode_entities (const char *text, gsize len)
{
  GString *out = g_string_sized_new (len);
  const char *end = text + len;

  for (const char *p = text; p < end; p++)
    {
      gunichar c;
      gsize entity_len;

      if (*p == '&' && (entity_len = read_entity (p + 1, &c)) > 0 && p + 1 + entity_len <= end)
        {
          g_string_append_unichar (out, c);
          p += entity_len;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* Tokens ------------------------------------------------------------------ */

static const char *
skip_past (const char *p, const char *terminator)
{
  const char *found = strstr (p, terminator);

  return found != NULL ? found + strlen (terminator) : p + strlen (p);
}

static const char *
read_name (const char *p, char **name)
{
  const char *start = p;

  while (*p != '\0' && !g_ascii_isspace (*p) && *p != '/' && *p != '>' && *p != '=')
    p++;
  *name = g_ascii_strdown (start, p - start);
  return p;
}

static const char *
read_attribute_value (const char *p, char **value)
{
  const char *start;

  if (*p == '"' || *p == '\'')
    {
      char quote = *p++;

      start = p;
      while (*p != '\0' && *p != quote)
        p++;
      *value = decode_entities (start, p - start);
      return *p == quote ? p + 1 : p;
    }
  start = p;
  while (*p != '\0' && !g_ascii_isspace (*p) && *p != '>')
    p++;
  *value = decode_entities (start, p - start);
  return p;
}

/* Reads a tag from just after its '<' to just after its '>'. */
static const char *
read_tag (const char *p, Tag *tag)
{
  tag->end = (*p == '/');
  if (tag->end)
    p++;
  p = read_name (p, &tag->name);
  tag->attributes = g_array_new (FALSE, TRUE, sizeof (Attribute));
  g_array_set_clear_func (tag->attributes, attribute_clear);
  while (*p != '\0' && *p != '>')
    {
      Attribute attribute = { NULL, NULL };

      /* Between attributes, and a stray '=' with no name before it. */
      if (g_ascii_isspace (*p) || *p == '/' || *p == '=')
        {
          p++;
          continue;
        }
      p = read_name (p, &attribute.name);
      while (g_ascii_isspace (*p))
        p++;
      if (*p == '=')
        {
          p++;
          while (g_ascii_isspace (*p))
            p++;
          p = read_attribute_value (p, &attribute.value);
        }
      else
        attribute.value = g_strdup ("");
      g_array_append_val (tag->attributes, attribute);
    }
  return *p == '>' ? p + 1 : p;
}

static gboolean
starts_tag (const char *p)
{
  return p[0] == '<' && (g_ascii_isalpha (p[1]) || (p[1] == '/' && g_ascii_isalpha (p[2])));
}

/* Skips a comment, doctype, CDATA section or processing instruction at
 * @p; NULL when @p is not one. */
static const char *
skip_markup_declaration (const char *p)
{
  if (g_str_has_prefix (p, "<!--"))
    return skip_past (p + 4, "-->");
  if (p[0] == '<' && (p[1] == '!' || p[1] == '?'))
    return skip_past (p + 2, ">");
  return NULL;
}

/* Finds the end tag of a raw-text element (case-insensitive) and returns
 * the position of its '<', or the end of the input. */
static const char *
find_raw_end (const char *p, const char *name)
{
  gsize len = strlen (name);

  for (; *p != '\0'; p++)
    if (p[0] == '<' && p[1] == '/' && g_ascii_strncasecmp (p + 2, name, len) == 0 &&
        (p[2 + len] == '>' || p[2 + len] == '/' || g_ascii_isspace (p[2 + len]) || p[2 + len] == '\0'))
      return p;
  return p;
}

static const char *
skip_raw_element (const char *p, const char *name)
{
  p = find_raw_end (p, name);
  return *p != '\0' ? skip_past (p, ">") : p;
}

/* Skips to after the end tag that closes @name, counting nested ones. */
static const char *
skip_nested_element (const char *p, const char *name)
{
  guint depth = 1;

  while (*p != '\0' && depth > 0)
    {
      const char *next = strchr (p, '<');
      Tag tag = { NULL, NULL, FALSE };

      if (next == NULL)
        return p + strlen (p);
      if (!starts_tag (next))
        {
          const char *skipped = skip_markup_declaration (next);

          p = skipped != NULL ? skipped : next + 1;
          continue;
        }
      p = read_tag (next + 1, &tag);
      if (strcmp (tag.name, name) == 0)
        depth += tag.end ? -1 : 1;
      tag_clear (&tag);
    }
  return p;
}

/* Skips what follows a dropped element's start tag; NULL when @name is not
 * an element dropped with its content. */
static const char *
skip_dropped_content (const char *p, const Tag *tag)
{
  if (tag->end)
    return IN_LIST (dropped_raw_elements, tag->name) || IN_LIST (dropped_nested_elements, tag->name) ? p : NULL;
  if (strcmp (tag->name, "plaintext") == 0)
    return p + strlen (p);
  if (IN_LIST (dropped_raw_elements, tag->name))
    return skip_raw_element (p, tag->name);
  if (IN_LIST (dropped_nested_elements, tag->name))
    return skip_nested_element (p, tag->name);
  return NULL;
}

/* CSS --------------------------------------------------------------------- */

static const char *const css_forbidden[] = {
  "url(", "image-set(", "expression(", "@import", "-moz-binding", "behavior", "javascript:", "vbscript:",
};

static gboolean
css_segment_is_forbidden (const char *segment, gsize len)
{
  g_autofree char *lower = g_ascii_strdown (segment, len);

  for (gsize i = 0; i < G_N_ELEMENTS (css_forbidden); i++)
    if (strstr (lower, css_forbidden[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* Removes CSS comments and control characters. A comment is a token
 * separator in CSS; removing it outright may join two tokens, which can
 * only make the search below stricter, never let "ur", a comment and "l(" through. */
static char *
css_strip_comments (const char *css)
{
  GString *out = g_string_new (NULL);

  for (const char *p = css; *p != '\0';)
    {
      if (p[0] == '/' && p[1] == '*')
        {
          p = skip_past (p + 2, "*/");
        }
      else
        {
          if (!g_ascii_iscntrl (*p) || g_ascii_isspace (*p))
            g_string_append_c (out, *p);
          p++;
        }
    }
  return g_string_free (out, FALSE);
}

/* Drops every declaration or rule prelude (the text between ';', '{' and
 * '}') that could load something or run code. CSS escapes could spell a
 * forbidden word in a way a byte search misses, so CSS with a backslash
 * is dropped whole. */
static char *
sanitize_css (const char *css)
{
  g_autofree char *clean = css_strip_comments (css);
  GString *out;
  const char *segment;

  if (strchr (clean, '\\') != NULL)
    return g_strdup ("");
  out = g_string_new (NULL);
  segment = clean;
  for (const char *p = clean;; p++)
    {
      if (*p == ';' || *p == '{' || *p == '}' || *p == '\0')
        {
          if (!css_segment_is_forbidden (segment, p - segment))
            g_string_append_len (out, segment, p - segment);
          if (*p == '\0')
            break;
          g_string_append_c (out, *p);
          segment = p + 1;
        }
    }
  return g_string_free (out, FALSE);
}

/* URLs -------------------------------------------------------------------- */

/* The URL as a browser would read its scheme: without the whitespace and
 * control characters it ignores ("java\tscript:"), lower-case. */
static char *
url_for_scheme_check (const char *url)
{
  GString *out = g_string_new (NULL);

  for (const char *p = url; *p != '\0'; p++)
    if (!g_ascii_isspace (*p) && !g_ascii_iscntrl (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static gboolean
is_safe_link (const char *url)
{
  g_autofree char *check = url_for_scheme_check (url);

  return g_str_has_prefix (check, "http://") || g_str_has_prefix (check, "https://") ||
         g_str_has_prefix (check, "mailto:") || check[0] == '#';
}

static gboolean
is_remote_url (const char *check)
{
  return g_str_has_prefix (check, "http://") || g_str_has_prefix (check, "https://") || g_str_has_prefix (check, "//");
}

/* Inline image types only: an SVG could hold references of its own. */
static gboolean
is_data_image (const char *check)
{
  static const char *const types[] = { "png", "gif", "jpeg", "jpg", "webp", "bmp" };

  if (!g_str_has_prefix (check, "data:image/"))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    {
      gsize len = strlen (types[i]);

      if (strncmp (check + 11, types[i], len) == 0 && (check[11 + len] == ';' || check[11 + len] == ','))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  GString *out;
  PigeonHtmlSanitizeFlags flags;
  gboolean remote_blocked;
} Sanitizer;

static gboolean
accept_image_source (Sanitizer *sanitizer, const char *url)
{
  g_autofree char *check = url_for_scheme_check (url);

  if (g_str_has_prefix (check, "cid:") || is_data_image (check))
    return TRUE;
  if (is_remote_url (check))
    {
      if (sanitizer->flags & PIGEON_HTML_SANITIZE_ALLOW_REMOTE)
        return TRUE;
      sanitizer->remote_blocked = TRUE;
    }
  return FALSE;
}

/* Writing ----------------------------------------------------------------- */

static void
append_attribute (GString *out, const char *name, const char *value)
{
  g_autofree char *escaped = g_markup_escape_text (value, -1);

  g_string_append_printf (out, " %s=\"%s\"", name, escaped);
}

static void
write_attribute (Sanitizer *sanitizer, const Tag *tag, const Attribute *attribute)
{
  if (!IN_LIST (allowed_attributes, attribute->name))
    return;
  if (strcmp (attribute->name, "href") == 0)
    {
      if (is_safe_link (attribute->value))
        append_attribute (sanitizer->out, "href", attribute->value);
    }
  else if (strcmp (attribute->name, "src") == 0)
    {
      if (strcmp (tag->name, "img") == 0 && accept_image_source (sanitizer, attribute->value))
        append_attribute (sanitizer->out, "src", attribute->value);
    }
  else if (strcmp (attribute->name, "style") == 0)
    {
      g_autofree char *css = sanitize_css (attribute->value);

      if (css[0] != '\0')
        append_attribute (sanitizer->out, "style", css);
    }
  else
    append_attribute (sanitizer->out, attribute->name, attribute->value);
}

static void
write_tag (Sanitizer *sanitizer, const Tag *tag)
{
  g_string_append_c (sanitizer->out, '<');
  if (tag->end)
    {
      g_string_append_printf (sanitizer->out, "/%s>", tag->name);
      return;
    }
  g_string_append (sanitizer->out, tag->name);
  for (guint i = 0; i < tag->attributes->len; i++)
    write_attribute (sanitizer, tag, &g_array_index (tag->attributes, Attribute, i));
  g_string_append_c (sanitizer->out, '>');
}

/* A style element's content is CSS up to its end tag. */
static const char *
write_style_element (Sanitizer *sanitizer, const char *p)
{
  const char *end = find_raw_end (p, "style");
  g_autofree char *css = g_strndup (p, end - p);
  g_autofree char *clean = sanitize_css (css);

  g_string_append_printf (sanitizer->out, "<style>%s</style>", clean);
  return *end != '\0' ? skip_past (end, ">") : end;
}

static const char *
sanitize_tag (Sanitizer *sanitizer, const char *p)
{
  Tag tag = { NULL, NULL, FALSE };
  const char *skipped;

  p = read_tag (p + 1, &tag);
  if ((skipped = skip_dropped_content (p, &tag)) != NULL)
    p = skipped;
  else if (strcmp (tag.name, "style") == 0 && !tag.end)
    p = write_style_element (sanitizer, p);
  else if (IN_LIST (allowed_elements, tag.name))
    write_tag (sanitizer, &tag);
  tag_clear (&tag);
  return p;
}

char *
pigeon_html_sanitize (const char *html, PigeonHtmlSanitizeFlags flags, gboolean *remote_blocked)
{
  Sanitizer sanitizer = { g_string_new (NULL), flags, FALSE };

  g_return_val_if_fail (html != NULL, NULL);

  for (const char *p = html; *p != '\0';)
    {
      const char *next = strchr (p, '<');
      const char *skipped;

      if (next == NULL)
        next = p + strlen (p);
      g_string_append_len (sanitizer.out, p, next - p);
      p = next;
      if (*p == '\0')
        break;
      if (starts_tag (p))
        p = sanitize_tag (&sanitizer, p);
      else if ((skipped = skip_markup_declaration (p)) != NULL)
        p = skipped;
      else
        {
          g_string_append (sanitizer.out, "&lt;");
          p++;
        }
    }
  if (remote_blocked != NULL)
    *remote_blocked = sanitizer.remote_blocked;
  return g_string_free (sanitizer.out, FALSE);
}

/* Text -------------------------------------------------------------------- */

static const char *const block_elements[] = {
  "address", "article", "aside", "blockquote", "center", "dd",      "details", "div", "dl",     "dt", "figure",
  "footer",  "form",    "h1",    "h2",         "h3",     "h4",      "h5",      "h6",  "header", "hr", "li",
  "main",    "nav",     "ol",    "p",          "pre",    "section", "table",   "tr",  "ul",
};

typedef struct
{
  GString *out;
  guint quote_depth;
  guint pre_depth;
  gboolean space_pending;
  char *link; /* the href of the open <a>, to write after its text */
  gsize link_text_start;
} TextWriter;

static gboolean
at_line_start (TextWriter *writer)
{
  return writer->out->len == 0 || writer->out->str[writer->out->len - 1] == '\n';
}

/* Ends the current line and, with @blank, leaves an empty one after it. */
static void
text_break (TextWriter *writer, gboolean blank)
{
  gsize len = writer->out->len;

  writer->space_pending = FALSE;
  if (len == 0)
    return;
  if (writer->out->str[len - 1] != '\n')
    g_string_append_c (writer->out, '\n');
  if (blank && (len < 2 || writer->out->str[writer->out->len - 2] != '\n'))
    g_string_append_c (writer->out, '\n');
}

static void
text_append (TextWriter *writer, const char *text)
{
  if (at_line_start (writer))
    {
      for (guint i = 0; i < writer->quote_depth; i++)
        g_string_append_c (writer->out, '>');
      if (writer->quote_depth > 0)
        g_string_append_c (writer->out, ' ');
    }
  else if (writer->space_pending)
    g_string_append_c (writer->out, ' ');
  writer->space_pending = FALSE;
  g_string_append (writer->out, text);
}

/* Outside <pre>, runs of whitespace are one space (CSS white-space:
 * normal), and none at the start of a line. */
static void
text_append_run (TextWriter *writer, const char *start, gsize len)
{
  g_autofree char *decoded = decode_entities (start, len);
  g_auto (GStrv) words = NULL;

  if (writer->pre_depth > 0)
    {
      g_auto (GStrv) lines = g_strsplit (decoded, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (i > 0)
            text_break (writer, FALSE);
          if (lines[i][0] != '\0')
            text_append (writer, lines[i]);
        }
      return;
    }
  if (g_ascii_isspace (decoded[0]) && !at_line_start (writer))
    writer->space_pending = TRUE;
  words = g_strsplit_set (decoded, " \t\r\n\f", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      text_append (writer, words[i]);
      writer->space_pending = TRUE;
    }
  if (len > 0 && !g_ascii_isspace (decoded[strlen (decoded) - 1]))
    writer->space_pending = FALSE;
}

static const char *
tag_attribute (const Tag *tag, const char *name)
{
  for (guint i = 0; i < tag->attributes->len; i++)
    {
      const Attribute *attribute = &g_array_index (tag->attributes, Attribute, i);

      if (strcmp (attribute->name, name) == 0)
        return attribute->value;
    }
  return NULL;
}

/* "text <https://...>" unless the text already is the address. */
static void
text_close_link (TextWriter *writer)
{
  const char *text = writer->out->str + writer->link_text_start;
  const char *shown = g_str_has_prefix (writer->link, "mailto:") ? writer->link + 7 : writer->link;

  if (strstr (text, shown) == NULL)
    {
      g_autofree char *suffix = g_strdup_printf ("<%s>", writer->link);

      writer->space_pending = TRUE;
      text_append (writer, suffix);
    }
  g_clear_pointer (&writer->link, g_free);
}

static void
text_open_tag (TextWriter *writer, const Tag *tag)
{
  const char *value;

  if (strcmp (tag->name, "br") == 0)
    {
      if (at_line_start (writer))
        text_append (writer, "");
      g_string_append_c (writer->out, '\n');
    }
  else if (strcmp (tag->name, "li") == 0)
    text_append (writer, "• ");
  else if (strcmp (tag->name, "img") == 0 && (value = tag_attribute (tag, "alt")) != NULL && value[0] != '\0')
    {
      g_autofree char *alt = g_strdup_printf ("[%s]", value);

      text_append (writer, alt);
    }
  else if (strcmp (tag->name, "a") == 0 && (value = tag_attribute (tag, "href")) != NULL && is_safe_link (value) &&
           value[0] != '#')
    {
      g_free (writer->link);
      writer->link = url_for_scheme_check (value);
      writer->link_text_start = writer->out->len;
    }
}

static void
text_tag (TextWriter *writer, const Tag *tag)
{
  gboolean block = IN_LIST (block_elements, tag->name);
  gboolean paragraph = block && (tag->name[0] == 'p' || tag->name[0] == 'h' || strcmp (tag->name, "blockquote") == 0);

  if (block)
    text_break (writer, paragraph && strcmp (tag->name, "hr") != 0);
  if (strcmp (tag->name, "blockquote") == 0)
    writer->quote_depth += tag->end ? (writer->quote_depth > 0 ? -1 : 0) : 1;
  else if (strcmp (tag->name, "pre") == 0)
    writer->pre_depth += tag->end ? (writer->pre_depth > 0 ? -1 : 0) : 1;
  else if (strcmp (tag->name, "a") == 0 && tag->end && writer->link != NULL)
    text_close_link (writer);
  else if (!tag->end)
    text_open_tag (writer, tag);
  if (strcmp (tag->name, "hr") == 0)
    {
      text_append (writer, "――――――――");
      text_break (writer, FALSE);
    }
}

static const char *
text_read_tag (TextWriter *writer, const char *p)
{
  Tag tag = { NULL, NULL, FALSE };
  const char *skipped;

  p = read_tag (p + 1, &tag);
  if ((skipped = skip_dropped_content (p, &tag)) != NULL)
    p = skipped;
  else if (strcmp (tag.name, "style") == 0 && !tag.end)
    p = skip_raw_element (p, "style");
  else
    text_tag (writer, &tag);
  tag_clear (&tag);
  return p;
}

char *
pigeon_html_to_text (const char *html)
{
  TextWriter writer = { g_string_new (NULL), 0, 0, FALSE, NULL, 0 };

  g_return_val_if_fail (html != NULL, NULL);

  for (const char *p = html; *p != '\0';)
    {
      const char *next = strchr (p, '<');
      const char *skipped;

      if (next == NULL)
        next = p + strlen (p);
      text_append_run (&writer, p, next - p);
      p = next;
      if (*p == '\0')
        break;
      if (starts_tag (p))
        p = text_read_tag (&writer, p);
      else if ((skipped = skip_markup_declaration (p)) != NULL)
        p = skipped;
      else
        {
          text_append (&writer, "<");
          p++;
        }
    }
  g_free (writer.link);
  while (writer.out->len > 0 && g_ascii_isspace (writer.out->str[writer.out->len - 1]))
    g_string_truncate (writer.out, writer.out->len - 1);
  return g_string_free (writer.out, FALSE);
}
