/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-net"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pigeon-imap-response.h"

G_DEFINE_QUARK (pigeon_imap_error, pigeon_imap_error)

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* One allocation per value: an atom's or a string's bytes follow the
 * struct (a FETCH of summaries is thousands of small tokens, and malloc
 * was most of its cost). Literals keep a buffer of their own. */
static PigeonImapValue *
value_alloc (PigeonImapValueType type, gsize len)
{
  PigeonImapValue *value;

  if (type != PIGEON_IMAP_VALUE_ATOM && type != PIGEON_IMAP_VALUE_STRING)
    return g_new0 (PigeonImapValue, 1);
  value = g_malloc (sizeof *value + len + 1);
  *value = (PigeonImapValue){ .type = type, .len = len, .data = (char *) (value + 1) };
  value->data[len] = '\0';
  return value;
}

static PigeonImapValue *
value_new (PigeonImapValueType type, const char *data, gsize len)
{
  PigeonImapValue *value = value_alloc (type, data != NULL ? len : 0);

  value->type = type;
  if (data != NULL)
    memcpy (value->data, data, len);
  return value;
}

/* Lists are at most PIGEON_IMAP_MAX_DEPTH deep (the parser refuses more),
 * so this recursion has a fixed bound. */
void
pigeon_imap_value_free (PigeonImapValue *value)
{
  if (value == NULL)
    return;
  for (guint i = 0; i < value->n_items; i++)
    pigeon_imap_value_free (value->items[i]);
  g_free (value->items);
  if (value->data != (char *) (value + 1))
    g_free (value->data);
  g_free (value);
}

static void
value_append (PigeonImapValue *list, PigeonImapValue *item)
{
  if (list->n_items == list->alloc)
    {
      list->alloc = MAX (4, list->alloc * 2);
      list->items = g_renew (PigeonImapValue *, list->items, list->alloc);
    }
  list->items[list->n_items++] = item;
}

PigeonImapValue *
pigeon_imap_value_nth (PigeonImapValue *value, guint n)
{
  if (value == NULL || value->type != PIGEON_IMAP_VALUE_LIST || n >= value->n_items)
    return NULL;
  return value->items[n];
}

const char *
pigeon_imap_value_string (PigeonImapValue *value)
{
  if (value == NULL || (value->type != PIGEON_IMAP_VALUE_ATOM && value->type != PIGEON_IMAP_VALUE_STRING))
    return NULL;
  return value->data;
}

gboolean
pigeon_imap_value_is_list (PigeonImapValue *value)
{
  return value != NULL && value->type == PIGEON_IMAP_VALUE_LIST;
}

gboolean
pigeon_imap_value_number (PigeonImapValue *value, guint64 *number)
{
  const char *s = pigeon_imap_value_string (value);
  guint64 n = 0;

  if (s == NULL || *s == '\0' || value->len > 20)
    return FALSE;
  for (; *s != '\0'; s++)
    {
      if (!g_ascii_isdigit (*s) || n > (G_MAXUINT64 - 9) / 10)
        return FALSE;
      n = n * 10 + (*s - '0');
    }
  *number = n;
  return TRUE;
}

gboolean
pigeon_imap_value_is_atom (PigeonImapValue *value, const char *atom)
{
  return value != NULL && value->type == PIGEON_IMAP_VALUE_ATOM && g_ascii_strcasecmp (value->data, atom) == 0;
}

void
pigeon_imap_response_free (PigeonImapResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->tag);
  g_free (response->code);
  pigeon_imap_value_free (response->code_args);
  g_free (response->text);
  g_free (response->name);
  pigeon_imap_value_free (response->args);
  g_free (response);
}

/* ------------------------------------------------------------------ */
/* The parser                                                          */

struct _PigeonImapParser
{
  guint64 max_literal;
  PigeonImapResponse *response; /* being built */
  PigeonImapValue *stack[PIGEON_IMAP_MAX_DEPTH + 1];
  guint depth; /* stack[0] is response->args; depth counts open lists */
  GByteArray *literal;
  guint64 literal_remaining;
  gboolean complete;
};

PigeonImapParser *
pigeon_imap_parser_new (guint64 max_literal)
{
  PigeonImapParser *parser = g_new0 (PigeonImapParser, 1);

  parser->max_literal = max_literal;
  return parser;
}

static void
parser_reset (PigeonImapParser *parser)
{
  g_clear_pointer (&parser->response, pigeon_imap_response_free);
  g_clear_pointer (&parser->literal, g_byte_array_unref);
  parser->depth = 0;
  parser->literal_remaining = 0;
  parser->complete = FALSE;
}

void
pigeon_imap_parser_free (PigeonImapParser *parser)
{
  if (parser == NULL)
    return;
  parser_reset (parser);
  g_free (parser);
}

void
pigeon_imap_parser_set_max_literal (PigeonImapParser *parser, guint64 max_literal)
{
  parser->max_literal = max_literal;
}

static PigeonImapParseResult
parse_fail (PigeonImapParser *parser, GError **error, const char *what)
{
  g_set_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_PROTOCOL, _ ("The server sent a malformed response (%s)"),
               what);
  return PIGEON_IMAP_PARSE_ERROR;
}

typedef struct
{
  const char *p;
  const char *end;
} Cursor;

static gboolean
is_atom_end (char c, gboolean in_code)
{
  return c == ' ' || c == '(' || c == ')' || c == '"' || c == '{' || (in_code && c == ']');
}

/* An atom; "BODY[HEADER.FIELDS (FROM)]<0>" is one atom: a section runs to
 * its closing bracket (RFC 3501 9, "section"). */
static PigeonImapValue *
take_atom (Cursor *c, gboolean in_code)
{
  const char *start = c->p;

  while (c->p < c->end && !is_atom_end (*c->p, in_code))
    {
      if (*c->p == '[' && !in_code)
        {
          const char *close = memchr (c->p, ']', c->end - c->p);
          c->p = close != NULL ? close + 1 : c->end;
          continue;
        }
      c->p++;
    }
  if (c->p - start == 3 && g_ascii_strncasecmp (start, "NIL", 3) == 0)
    return value_new (PIGEON_IMAP_VALUE_NIL, NULL, 0);
  return value_new (PIGEON_IMAP_VALUE_ATOM, start, c->p - start);
}

/* The closing quote is found first, so that the value is allocated once
 * at its final size (escapes only make it shorter). */
static PigeonImapValue *
take_quoted (Cursor *c)
{
  const char *start = c->p + 1;
  const char *q = start;
  PigeonImapValue *value;
  char *out;

  while (q < c->end && *q != '"')
    q += (*q == '\\' && q + 1 < c->end) ? 2 : 1;
  if (q >= c->end)
    return NULL;
  value = value_alloc (PIGEON_IMAP_VALUE_STRING, q - start);
  out = value->data;
  for (const char *p = start; p < q; p++)
    {
      if (*p == '\\')
        p++;
      *out++ = *p;
    }
  *out = '\0';
  value->len = out - value->data;
  c->p = q + 1;
  return value;
}

/* "{n}" or "{n+}" (RFC 7888) or "~{n}" (RFC 3516), at the end of the line. */
static gboolean
take_literal_size (Cursor *c, guint64 *size)
{
  guint64 n = 0;
  gboolean digits = FALSE;

  if (*c->p == '~')
    c->p++;
  if (c->p >= c->end || *c->p != '{')
    return FALSE;
  for (c->p++; c->p < c->end && g_ascii_isdigit (*c->p); c->p++)
    {
      if (n > (G_MAXUINT64 - 9) / 10)
        return FALSE;
      n = n * 10 + (*c->p - '0');
      digits = TRUE;
    }
  if (c->p < c->end && *c->p == '+')
    c->p++;
  if (!digits || c->p + 1 != c->end || *c->p != '}')
    return FALSE;
  c->p++;
  *size = n;
  return TRUE;
}

/* Tokenizes values into the open list until the end of the line (or, in
 * a response code, its closing bracket at the outer level). */
static PigeonImapParseResult
tokenize (PigeonImapParser *parser, Cursor *c, gboolean in_code, GError **error)
{
  while (c->p < c->end)
    {
      char ch = *c->p;
      PigeonImapValue *value;

      if (ch == ' ')
        {
          c->p++;
          continue;
        }
      if (ch == '(')
        {
          if (parser->depth >= PIGEON_IMAP_MAX_DEPTH)
            {
              g_set_error (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_TOO_DEEP,
                           _ ("The server sent lists nested deeper than %d levels"), PIGEON_IMAP_MAX_DEPTH);
              return PIGEON_IMAP_PARSE_ERROR;
            }
          value = value_new (PIGEON_IMAP_VALUE_LIST, NULL, 0);
          value_append (parser->stack[parser->depth], value);
          parser->stack[++parser->depth] = value;
          c->p++;
          continue;
        }
      if (ch == ')')
        {
          if (parser->depth == 0)
            return parse_fail (parser, error, "unbalanced parenthesis");
          parser->depth--;
          c->p++;
          continue;
        }
      if (in_code && ch == ']')
        {
          if (parser->depth == 0)
            return PIGEON_IMAP_PARSE_COMPLETE;
          return parse_fail (parser, error, "unbalanced response code");
        }
      if (ch == '"')
        {
          value = take_quoted (c);
          if (value == NULL)
            return parse_fail (parser, error, "unterminated string");
          value_append (parser->stack[parser->depth], value);
          continue;
        }
      if (ch == '{' || (ch == '~' && c->p + 1 < c->end && c->p[1] == '{'))
        {
          guint64 size;
          if (in_code || !take_literal_size (c, &size))
            return parse_fail (parser, error, "bad literal");
          if (size > parser->max_literal)
            {
              g_set_error (
                  error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_TOO_LARGE,
                  _ ("The server announced %" G_GUINT64_FORMAT " bytes, more than the limit of %" G_GUINT64_FORMAT),
                  size, parser->max_literal);
              return PIGEON_IMAP_PARSE_ERROR;
            }
          parser->literal = g_byte_array_sized_new (MIN (size, 64 * 1024));
          parser->literal_remaining = size;
          return PIGEON_IMAP_PARSE_NEED_LITERAL;
        }
      value_append (parser->stack[parser->depth], take_atom (c, in_code));
    }
  if (in_code)
    return parse_fail (parser, error, "unterminated response code");
  if (parser->depth != 0)
    return parse_fail (parser, error, "unbalanced parenthesis");
  parser->complete = TRUE;
  return PIGEON_IMAP_PARSE_COMPLETE;
}

static char *
take_word (Cursor *c)
{
  const char *start = c->p;

  while (c->p < c->end && *c->p != ' ')
    c->p++;
  return g_strndup (start, c->p - start);
}

static PigeonImapStatus
status_from_name (const char *name)
{
  static const struct
  {
    const char *name;
    PigeonImapStatus status;
  } names[] = { { "OK", PIGEON_IMAP_STATUS_OK },
                { "NO", PIGEON_IMAP_STATUS_NO },
                { "BAD", PIGEON_IMAP_STATUS_BAD },
                { "BYE", PIGEON_IMAP_STATUS_BYE },
                { "PREAUTH", PIGEON_IMAP_STATUS_PREAUTH } };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      return names[i].status;
  return PIGEON_IMAP_STATUS_NONE;
}

/* RFC 3501 7.1: resp-text = ["[" resp-text-code "]" SP] text. A code's
 * arguments that do not tokenize are kept as one atom of raw text. */
static void
parse_resp_text (PigeonImapParser *parser, Cursor *c)
{
  PigeonImapResponse *r = parser->response;

  if (c->p < c->end && *c->p == ' ')
    c->p++;
  r->code_args = value_new (PIGEON_IMAP_VALUE_LIST, NULL, 0);
  if (c->p < c->end && *c->p == '[')
    {
      const char *start = ++c->p;
      Cursor args;
      PigeonImapValue *saved = parser->stack[0];

      while (c->p < c->end && *c->p != ' ' && *c->p != ']')
        c->p++;
      r->code = g_ascii_strup (start, c->p - start);
      args = *c;
      parser->stack[0] = r->code_args;
      parser->depth = 0;
      if (tokenize (parser, &args, TRUE, NULL) == PIGEON_IMAP_PARSE_COMPLETE)
        c->p = args.p + 1;
      else
        {
          const char *close = memchr (c->p, ']', c->end - c->p);
          const char *stop = close != NULL ? close : c->end;
          while (r->code_args->n_items > 0)
            pigeon_imap_value_free (r->code_args->items[--r->code_args->n_items]);
          if (c->p < stop && *c->p == ' ')
            c->p++;
          value_append (r->code_args, value_new (PIGEON_IMAP_VALUE_ATOM, c->p, stop - c->p));
          c->p = close != NULL ? close + 1 : c->end;
        }
      parser->stack[0] = saved;
      parser->depth = 0;
      if (c->p < c->end && *c->p == ' ')
        c->p++;
    }
  r->text = g_strndup (c->p, c->end - c->p);
  c->p = c->end;
}

static PigeonImapParseResult
parse_start (PigeonImapParser *parser, Cursor *c, GError **error)
{
  PigeonImapResponse *r = g_new0 (PigeonImapResponse, 1);
  g_autofree char *word = NULL;

  parser->response = r;
  r->args = value_new (PIGEON_IMAP_VALUE_LIST, NULL, 0);
  parser->stack[0] = r->args;
  parser->depth = 0;
  if (c->p < c->end && *c->p == '+')
    {
      r->kind = PIGEON_IMAP_RESPONSE_CONTINUATION;
      c->p++;
      if (c->p < c->end && *c->p == ' ')
        c->p++;
      r->text = g_strndup (c->p, c->end - c->p);
      parser->complete = TRUE;
      return PIGEON_IMAP_PARSE_COMPLETE;
    }
  word = take_word (c);
  if (*word == '\0')
    return parse_fail (parser, error, "empty line");
  if (strcmp (word, "*") == 0)
    r->kind = PIGEON_IMAP_RESPONSE_UNTAGGED;
  else
    {
      r->kind = PIGEON_IMAP_RESPONSE_TAGGED;
      r->tag = g_steal_pointer (&word);
    }
  if (c->p < c->end)
    c->p++;
  g_free (word);
  word = take_word (c);
  if (r->kind == PIGEON_IMAP_RESPONSE_UNTAGGED && *word != '\0' && g_ascii_isdigit (*word))
    {
      PigeonImapValue number = { .type = PIGEON_IMAP_VALUE_ATOM, .data = word, .len = strlen (word) };
      if (!pigeon_imap_value_number (&number, &r->number))
        return parse_fail (parser, error, "bad number");
      r->has_number = TRUE;
      if (c->p < c->end)
        c->p++;
      g_free (word);
      word = take_word (c);
    }
  if (*word == '\0')
    return parse_fail (parser, error, "missing response name");
  r->status = r->has_number ? PIGEON_IMAP_STATUS_NONE : status_from_name (word);
  r->name = g_ascii_strup (word, -1);
  if (r->kind == PIGEON_IMAP_RESPONSE_TAGGED && r->status == PIGEON_IMAP_STATUS_NONE)
    return parse_fail (parser, error, "tagged response without a status");
  if (r->status != PIGEON_IMAP_STATUS_NONE)
    {
      parse_resp_text (parser, c);
      parser->complete = TRUE;
      return PIGEON_IMAP_PARSE_COMPLETE;
    }
  return tokenize (parser, c, FALSE, error);
}

static PigeonImapParseResult
feed_line (PigeonImapParser *parser, const char *line, gsize len, GError **error)
{
  Cursor c = { line, line + len };

  if (parser->response == NULL)
    return parse_start (parser, &c, error);
  if (parser->literal != NULL)
    {
      PigeonImapValue *value = g_new0 (PigeonImapValue, 1);
      value->type = PIGEON_IMAP_VALUE_STRING;
      value->len = parser->literal->len;
      g_byte_array_append (parser->literal, (const guint8 *) "", 1);
      value->data = (char *) g_byte_array_free (g_steal_pointer (&parser->literal), FALSE);
      value_append (parser->stack[parser->depth], value);
    }
  return tokenize (parser, &c, FALSE, error);
}

PigeonImapParseResult
pigeon_imap_parser_feed_line (PigeonImapParser *parser, const char *line, gsize len, GError **error)
{
  PigeonImapParseResult result;

  g_return_val_if_fail (parser->literal_remaining == 0 && !parser->complete, PIGEON_IMAP_PARSE_ERROR);

  result = feed_line (parser, line, len, error);
  if (result == PIGEON_IMAP_PARSE_ERROR)
    parser_reset (parser);
  return result;
}

guint64
pigeon_imap_parser_literal_remaining (PigeonImapParser *parser)
{
  return parser->literal_remaining;
}

void
pigeon_imap_parser_feed_literal (PigeonImapParser *parser, const guint8 *data, gsize len)
{
  g_return_if_fail (parser->literal != NULL && len <= parser->literal_remaining);

  g_byte_array_append (parser->literal, data, len);
  parser->literal_remaining -= len;
}

PigeonImapResponse *
pigeon_imap_parser_take (PigeonImapParser *parser)
{
  PigeonImapResponse *response;

  g_return_val_if_fail (parser->complete, NULL);

  response = g_steal_pointer (&parser->response);
  parser_reset (parser);
  return response;
}

GPtrArray *
pigeon_imap_parse_all (const guint8 *data, gsize len, guint64 max_literal, GError **error)
{
  g_autoptr (PigeonImapParser) parser = pigeon_imap_parser_new (max_literal);
  g_autoptr (GPtrArray) responses = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_imap_response_free);
  gsize pos = 0;

  while (pos < len)
    {
      const guint8 *nl = memchr (data + pos, '\n', len - pos);
      gsize line_len = (nl != NULL ? (gsize) (nl - data) : len) - pos;
      gsize next = pos + line_len + (nl != NULL ? 1 : 0);
      PigeonImapParseResult result;

      if (line_len > 0 && data[pos + line_len - 1] == '\r')
        line_len--;
      result = pigeon_imap_parser_feed_line (parser, (const char *) data + pos, line_len, error);
      pos = next;
      if (result == PIGEON_IMAP_PARSE_ERROR)
        return NULL;
      if (result == PIGEON_IMAP_PARSE_COMPLETE)
        {
          g_ptr_array_add (responses, pigeon_imap_parser_take (parser));
          continue;
        }
      if (len - pos < pigeon_imap_parser_literal_remaining (parser))
        {
          g_set_error_literal (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_PROTOCOL, _ ("The response was cut short"));
          return NULL;
        }
      {
        gsize n = pigeon_imap_parser_literal_remaining (parser);
        pigeon_imap_parser_feed_literal (parser, data + pos, n);
        pos += n;
      }
      if (pos >= len)
        {
          g_set_error_literal (error, PIGEON_IMAP_ERROR, PIGEON_IMAP_ERROR_PROTOCOL, _ ("The response was cut short"));
          return NULL;
        }
    }
  return g_steal_pointer (&responses);
}

/* ------------------------------------------------------------------ */
/* Strings and mailbox names                                           */

gboolean
pigeon_imap_can_quote (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
      return FALSE;
  return len < 1024;
}

void
pigeon_imap_append_quoted (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (; *s != '\0'; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static void
flush_utf16 (GString *out, const gunichar2 *units, gsize n)
{
  guint32 bits = 0;
  int nbits = 0;

  g_string_append_c (out, '&');
  for (gsize i = 0; i < n; i++)
    {
      bits = (bits << 16) | units[i];
      nbits += 16;
      while (nbits >= 6)
        {
          nbits -= 6;
          g_string_append_c (out, b64[(bits >> nbits) & 0x3f]);
        }
    }
  if (nbits > 0)
    g_string_append_c (out, b64[(bits << (6 - nbits)) & 0x3f]);
  g_string_append_c (out, '-');
}

char *
pigeon_imap_utf7_encode (const char *utf8)
{
  GString *out = g_string_new (NULL);
  const char *p = utf8;

  g_return_val_if_fail (g_utf8_validate (utf8, -1, NULL), NULL);

  while (*p != '\0')
    {
      if ((guchar) *p >= 0x20 && (guchar) *p < 0x7f)
        {
          g_string_append (out, *p == '&' ? "&-" : (char[]){ *p, 0 });
          p++;
          continue;
        }
      {
        const char *start = p;
        g_autofree gunichar2 *units = NULL;
        glong n = 0;
        while (*p != '\0' && !((guchar) *p >= 0x20 && (guchar) *p < 0x7f))
          p = g_utf8_next_char (p);
        units = g_utf8_to_utf16 (start, p - start, NULL, &n, NULL);
        flush_utf16 (out, units, n);
      }
    }
  return g_string_free (out, FALSE);
}

static int
b64_value (char c)
{
  const char *at = c != '\0' ? strchr (b64, c) : NULL;
  return at != NULL ? at - b64 : -1;
}

char *
pigeon_imap_utf7_decode (const char *mutf7)
{
  g_autoptr (GString) out = g_string_new (NULL);
  const char *p = mutf7;

  while (*p != '\0')
    {
      if (*p != '&')
        {
          if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
            return NULL;
          g_string_append_c (out, *p++);
          continue;
        }
      if (p[1] == '-')
        {
          g_string_append_c (out, '&');
          p += 2;
          continue;
        }
      {
        g_autoptr (GArray) units = g_array_new (FALSE, FALSE, sizeof (gunichar2));
        guint32 bits = 0;
        int nbits = 0;
        g_autofree char *utf8 = NULL;
        for (p++; *p != '-'; p++)
          {
            int v = b64_value (*p);
            if (v < 0)
              return NULL;
            bits = (bits << 6) | v;
            nbits += 6;
            if (nbits >= 16)
              {
                gunichar2 u = (bits >> (nbits - 16)) & 0xffff;
                nbits -= 16;
                g_array_append_val (units, u);
              }
          }
        p++;
        if (units->len == 0 || nbits >= 6 || (bits & ((1u << nbits) - 1)) != 0)
          return NULL;
        utf8 = g_utf16_to_utf8 ((gunichar2 *) units->data, units->len, NULL, NULL, NULL);
        if (utf8 == NULL)
          return NULL;
        g_string_append (out, utf8);
      }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
