/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <string.h>

#include "pigeon-mime-address.h"
#include "pigeon-mime-charset.h"
#include "pigeon-mime-header.h"
#include "pigeon-mime-lexer-private.h"

/* Tokens kept for one address. More are read but dropped, so that a
 * hostile phrase cannot grow the token array without end. */
#define MAX_TOKENS 1024

typedef enum
{
  TOKEN_ATOM,    /* atext, with dots and 8-bit octets */
  TOKEN_QUOTED,  /* a quoted-string, quotes included */
  TOKEN_LITERAL, /* a domain literal, brackets included */
  TOKEN_AT,
  TOKEN_COMMENT, /* parentheses included */
} TokenType;

typedef struct
{
  TokenType type;
  gboolean space_before; /* whitespace or a comment before it */
  gboolean closed;       /* a quoted-string, literal or comment that ends */
  const char *start;
  const char *end;
} Token;

/* One pass over the list: the tokens of the address being read wait in
 * @tokens until a ',', ';', ':', '>' or the end says what they are. */
typedef struct
{
  const char *p;
  const char *end;
  GPtrArray *result;
  GArray *tokens;
  gboolean space;
  char *group; /* inside a group: its name */
  guint group_size;
  GString *scratch; /* a name or a bare address being put together */
  GString *angle;   /* the inside of "<...>" */
} Parser;

PigeonMimeAddress *
pigeon_mime_address_new (const char *name, const char *address)
{
  PigeonMimeAddress *self = g_new (PigeonMimeAddress, 1);

  self->name = g_strdup (name);
  self->address = g_strdup (address);
  self->group = NULL;
  return self;
}

void
pigeon_mime_address_free (PigeonMimeAddress *address)
{
  if (address == NULL)
    return;
  g_free (address->name);
  g_free (address->address);
  g_free (address->group);
  g_free (address);
}

static inline gboolean
is_ctl (char c)
{
  return ((guchar) c < ' ' && c != '\t') || c == 0x7f;
}

/* RFC 5322 3.2.3: specials, less '.', which we keep inside atoms so that
 * a dot-atom is one token. */
static const gboolean specials[256] = {
  ['('] = TRUE, [')'] = TRUE, ['<'] = TRUE, ['>'] = TRUE, ['['] = TRUE,  [']'] = TRUE,
  [':'] = TRUE, [';'] = TRUE, ['@'] = TRUE, [','] = TRUE, ['\\'] = TRUE, ['"'] = TRUE,
};

static inline gboolean
is_special (char c)
{
  return specials[(guchar) c];
}

static inline gboolean
is_atom_char (char c)
{
  return (guchar) c > ' ' && c != 0x7f && !is_special (c);
}

/* RFC 5322 3.2.4 and 3.4.1: a quoted-string or domain literal, from its
 * opening character to @close, with quoted-pairs. An unclosed one runs to
 * the end. */
static const char *
skip_quoted (const char *p, const char *end, gboolean *closed)
{
  char close = *p == '[' ? ']' : '"';

  *closed = TRUE;
  for (p++; p < end; p++)
    {
      if (*p == '\\' && p + 1 < end)
        p++;
      else if (*p == close)
        return p + 1;
    }
  *closed = FALSE;
  return end;
}

static const char *
skip_atom (const char *p, const char *end)
{
  while (p < end && is_atom_char (*p))
    p++;
  return p;
}

/* Reads the token at parser->p, which ends at @end. */
static void
push_token (Parser *parser, TokenType type, const char *end, gboolean closed)
{
  Token token = { type, parser->space, closed, parser->p, end };

  if (parser->tokens->len < MAX_TOKENS)
    g_array_append_val (parser->tokens, token);
  parser->space = type == TOKEN_COMMENT;
  parser->p = end;
}

/* Copies quoted text without its quoted-pairs' backslashes. */
static void
append_unquoted (GString *out, const char *p, const char *end)
{
  for (; p < end; p++)
    {
      if (*p == '\\' && ++p == end)
        break;
      g_string_append_c (out, *p);
    }
}

static const char *
inner_end (const Token *token)
{
  return token->closed ? token->end - 1 : token->end;
}

/* Text a person reads: RFC 2047 words decoded (RFC 2047 5(2) and 5(3)),
 * surrounding whitespace trimmed, NULL when nothing is left. */
static char *
decode_text (GString *text)
{
  char *decoded = pigeon_mime_header_decode_words (text->str, text->len);

  g_strstrip (decoded);
  if (*decoded == '\0')
    g_clear_pointer (&decoded, g_free);
  return decoded;
}

/* RFC 5322 3.2.5: a display name is a phrase of words. It is shown with
 * quoted-strings unquoted and one space where whitespace was. Encoded
 * words are decoded inside quoted-strings too: RFC 2047 5 forbids them
 * there, but many mailers write them so, and GMime and Thunderbird decode
 * them. */
static char *
phrase_text (Parser *parser, const Token *tokens, guint n_tokens)
{
  GString *text = parser->scratch;

  g_string_truncate (text, 0);
  for (guint i = 0; i < n_tokens; i++)
    {
      const Token *token = &tokens[i];

      if (token->type == TOKEN_COMMENT)
        continue;
      if (text->len > 0 && token->space_before)
        g_string_append_c (text, ' ');
      if (token->type == TOKEN_QUOTED)
        append_unquoted (text, token->start + 1, inner_end (token));
      else
        g_string_append_len (text, token->start, token->end - token->start);
    }
  return text->len > 0 ? decode_text (text) : NULL;
}

/* The old style "a@b (Alice)" names a mailbox in a comment. */
static char *
comment_text (Parser *parser, const Token *comment)
{
  g_string_truncate (parser->scratch, 0);
  append_unquoted (parser->scratch, comment->start + 1, inner_end (comment));
  return decode_text (parser->scratch);
}

/* Copies a quoted-string or literal as written, but with controls dropped
 * and an unclosed one closed, so that the address reads the same when it
 * is parsed again. */
static void
append_quoted_token (GString *out, const Token *token)
{
  const char *end = inner_end (token);

  g_string_append_c (out, *token->start);
  for (const char *p = token->start + 1; p < end; p++)
    {
      if (*p == '\\')
        {
          if (p + 1 < end && !is_ctl (p[1]))
            g_string_append_len (out, p, 2);
          p++;
        }
      else if (!is_ctl (*p))
        {
          g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, token->type == TOKEN_QUOTED ? '"' : ']');
}

static void
append_address_token (GString *out, const Token *token)
{
  if (token->type == TOKEN_QUOTED || token->type == TOKEN_LITERAL)
    append_quoted_token (out, token);
  else if (token->type != TOKEN_COMMENT)
    g_string_append_len (out, token->start, token->end - token->start);
}

/* The address as written, comments and whitespace left out; 8-bit text
 * that is not UTF-8 (RFC 6532 allows UTF-8) is read as windows-1252. */
static char *
finish_address (GString *address)
{
  if (address->len == 0)
    return NULL;
  if (!g_utf8_validate_len (address->str, address->len, NULL))
    return pigeon_mime_charset_to_utf8 (NULL, address->str, address->len, NULL);
  return g_strndup (address->str, address->len);
}

static void
emit (Parser *parser, char *name, char *address)
{
  PigeonMimeAddress *entry;

  if (parser->result->len >= PIGEON_MIME_MAX_ADDRESSES)
    {
      g_free (name);
      g_free (address);
      return;
    }
  entry = g_new (PigeonMimeAddress, 1);
  entry->name = name;
  entry->address = address;
  entry->group = g_strdup (parser->group);
  g_ptr_array_add (parser->result, entry);
  if (parser->group != NULL)
    parser->group_size++;
}

/* RFC 5322 4.4: obs-local-part and obs-domain allow CFWS around the dots,
 * so "a . b @ c" is one address; tokens that touch belong together too.
 * Other whitespace separates words of a name, or addresses whose comma
 * is missing. */
static gboolean
tokens_bind (const Token *a, const Token *b)
{
  return !b->space_before || a->type == TOKEN_AT || b->type == TOKEN_AT ||
         (a->type == TOKEN_ATOM && a->end[-1] == '.') || (b->type == TOKEN_ATOM && *b->start == '.');
}

/* The end of the run of bound tokens that starts at @start, a word. */
static guint
chunk_end (const Token *tokens, guint n_tokens, guint start, gboolean *has_at)
{
  guint last = start;

  *has_at = tokens[start].type == TOKEN_AT;
  for (guint i = start + 1; i < n_tokens; i++)
    {
      if (tokens[i].type == TOKEN_COMMENT)
        continue;
      if (!tokens_bind (&tokens[last], &tokens[i]))
        break;
      *has_at |= tokens[i].type == TOKEN_AT;
      last = i;
    }
  return last + 1;
}

static guint
next_word (const Token *tokens, guint n_tokens, guint i)
{
  while (i < n_tokens && tokens[i].type == TOKEN_COMMENT)
    i++;
  return i;
}

/* Emits the addr-spec tokens[@start, @stop), named by the words from
 * @name_from on, or else by a comment before or right after it (not one
 * inside it: "john.(middle)doe@x" has no name). */
static void
emit_bare (Parser *parser, guint name_from, guint start, guint stop)
{
  const Token *tokens = (const Token *) parser->tokens->data;
  guint comments_end = next_word (tokens, parser->tokens->len, stop);
  char *name = phrase_text (parser, tokens + name_from, start - name_from);
  char *address;

  for (guint i = name_from; name == NULL && i < comments_end; i++)
    if (tokens[i].type == TOKEN_COMMENT && (i < start || i >= stop))
      name = comment_text (parser, &tokens[i]);

  g_string_truncate (parser->scratch, 0);
  for (guint i = start; i < stop; i++)
    append_address_token (parser->scratch, &tokens[i]);
  address = finish_address (parser->scratch);
  if (address != NULL)
    emit (parser, name, address);
  else
    g_free (name);
}

/* An address without angle brackets: RFC 5322 3.4 addr-spec, or leniently
 * "Alice a@b" (a name that lacks its brackets), several addr-specs whose
 * commas are missing, or a bare local part ("alice", RFC 5322 4.4 allows
 * no such thing, but local mail writes it). Words that lead nowhere are
 * dropped. */
static void
finish_element (Parser *parser)
{
  const Token *tokens = (const Token *) parser->tokens->data;
  guint n_tokens = parser->tokens->len;
  guint name_from = 0;
  guint n_chunks = 0;
  guint last_start = 0;
  guint last_stop = 0;
  gboolean emitted = FALSE;

  for (guint i = next_word (tokens, n_tokens, 0); i < n_tokens; i = next_word (tokens, n_tokens, i))
    {
      gboolean has_at;
      guint stop = chunk_end (tokens, n_tokens, i, &has_at);

      if (has_at)
        {
          emit_bare (parser, name_from, i, stop);
          name_from = stop;
          emitted = TRUE;
        }
      n_chunks++;
      last_start = i;
      last_stop = stop;
      i = stop;
    }
  if (!emitted && n_chunks == 1)
    emit_bare (parser, 0, last_start, last_stop);

  g_array_set_size (parser->tokens, 0);
  parser->space = FALSE;
}

/* RFC 5322 3.4: group = display-name ":" [group-list] ";". */
static void
open_group (Parser *parser)
{
  char *name = phrase_text (parser, (const Token *) parser->tokens->data, parser->tokens->len);

  parser->group = name != NULL ? name : g_strdup ("");
  parser->group_size = 0;
  g_array_set_size (parser->tokens, 0);
  parser->space = FALSE;
}

/* An empty group ("undisclosed-recipients:;") leaves one entry without an
 * address, so that it is not lost. */
static void
close_group (Parser *parser)
{
  if (parser->group == NULL)
    return;
  if (parser->group_size == 0)
    emit (parser, NULL, NULL);
  g_clear_pointer (&parser->group, g_free);
}

/* RFC 5322 4.4: obs-route = obs-domain-list ":", before the addr-spec in
 * angle brackets, is skipped. A domain list holds no quoted-string, and
 * its literals ("[IPv6:...]") are skipped whole. @p is just after the '<'. */
static const char *
skip_route (const char *p, const char *end)
{
  const char *q = p;
  gboolean closed;

  while (q < end && (*q == ' ' || *q == '\t'))
    q++;
  if (q == end || *q != '@')
    return p;
  while (q < end && *q != ':')
    {
      if (*q == '"' || *q == '>' || *q == ';' || *q == '<')
        return p;
      if (*q == '[')
        q = skip_quoted (q, end, &closed);
      else if (*q == '(')
        q = pigeon_mime_skip_comment (q, end, &closed);
      else
        q++;
    }
  return q < end ? q + 1 : p;
}

/* Reads the inside of "<...>" into @address. Leniently (RFC 7103
 * 7.1), extra '<' are skipped and a ',' or ';' ends an unclosed address,
 * as GMime does. */
static void
read_angle_addr (Parser *parser, GString *address)
{
  const char *end = parser->end;
  const char *p = parser->p;

  while (p < end && *p == '<')
    p++;
  for (p = skip_route (p, end); p < end && *p != ',' && *p != ';';)
    {
      Token token = { TOKEN_ATOM, FALSE, TRUE, p, p + 1 };

      if (*p == '>')
        {
          p++;
          break;
        }
      if (*p == '(')
        {
          p = pigeon_mime_skip_comment (p, end, &token.closed);
          continue;
        }
      if (*p == '"' || *p == '[')
        {
          token.type = *p == '"' ? TOKEN_QUOTED : TOKEN_LITERAL;
          token.end = skip_quoted (p, end, &token.closed);
        }
      else if (is_atom_char (*p))
        token.end = skip_atom (p, end);
      else if (*p != '@')
        {
          p++;
          continue;
        }
      append_address_token (address, &token);
      p = token.end;
    }
  parser->p = p;
}

/* RFC 5322 3.4: name-addr = [display-name] angle-addr. The mailbox is
 * complete at the '>': what follows before a ',' is the next one (a
 * missing comma, which RFC 5322 4.4 lets readers accept). */
static void
read_name_addr (Parser *parser)
{
  char *name = phrase_text (parser, (const Token *) parser->tokens->data, parser->tokens->len);
  char *spec;

  parser->p++;
  g_string_truncate (parser->angle, 0);
  read_angle_addr (parser, parser->angle);
  spec = finish_address (parser->angle);
  if (spec != NULL)
    emit (parser, name, spec);
  else
    g_free (name);
  g_array_set_size (parser->tokens, 0);
  parser->space = FALSE;
}

static void
read_special (Parser *parser)
{
  switch (*parser->p)
    {
    case '<':
      read_name_addr (parser);
      return;
    case ',':
      finish_element (parser);
      break;
    case ';':
      finish_element (parser);
      close_group (parser);
      break;
    case ':':
      if (parser->group == NULL)
        open_group (parser);
      break;
    default:
      /* Stray '>', ')', ']' or '\': skipped. */
      parser->space = TRUE;
      break;
    }
  parser->p++;
}

static void
read_next (Parser *parser)
{
  const char *p = parser->p;
  const char *end = parser->end;
  gboolean closed = TRUE;
  const char *stop;

  if ((guchar) *p <= ' ' || *p == 0x7f)
    {
      parser->space = TRUE;
      parser->p++;
    }
  else if (*p == '(')
    {
      stop = pigeon_mime_skip_comment (p, end, &closed);
      push_token (parser, TOKEN_COMMENT, stop, closed);
    }
  else if (*p == '"' || *p == '[')
    {
      stop = skip_quoted (p, end, &closed);
      push_token (parser, *p == '"' ? TOKEN_QUOTED : TOKEN_LITERAL, stop, closed);
    }
  else if (*p == '@')
    push_token (parser, TOKEN_AT, p + 1, TRUE);
  else if (is_atom_char (*p))
    push_token (parser, TOKEN_ATOM, skip_atom (p, end), TRUE);
  else
    read_special (parser);
}

GPtrArray *
pigeon_mime_address_list_parse (const char *value, gssize len)
{
  Parser parser = { 0 };

  g_return_val_if_fail (value != NULL || len == 0, NULL);

  value = value != NULL ? value : "";

  if (len < 0)
    len = strlen (value);
  parser.p = value;
  parser.end = value + len;
  parser.result = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);
  parser.tokens = g_array_sized_new (FALSE, FALSE, sizeof (Token), 16);
  parser.scratch = g_string_sized_new (64);
  parser.angle = g_string_sized_new (64);

  while (parser.p < parser.end && parser.result->len < PIGEON_MIME_MAX_ADDRESSES)
    read_next (&parser);
  finish_element (&parser);
  close_group (&parser);

  g_array_unref (parser.tokens);
  g_string_free (parser.scratch, TRUE);
  g_string_free (parser.angle, TRUE);
  return parser.result;
}

/* ---- Formatting ---- */

static void
append_mailbox (GString *out, const PigeonMimeAddress *address)
{
  g_autofree char *phrase = NULL;

  if (address->name == NULL || *address->name == '\0')
    {
      g_string_append (out, address->address);
      return;
    }
  phrase = pigeon_mime_header_encode_phrase (address->name);
  g_string_append_printf (out, "%s <%s>", phrase, address->address);
}

char *
pigeon_mime_address_format (const PigeonMimeAddress *address)
{
  GString *out;

  g_return_val_if_fail (address != NULL, NULL);

  out = g_string_new (NULL);
  if (address->address != NULL)
    append_mailbox (out, address);
  return g_string_free (out, FALSE);
}

/* RFC 5322 3.4: a run of entries of one group becomes "Group: a, b;".
 * The entry of an empty group stands alone as "Group:;". */
static guint
append_group (GString *out, GPtrArray *addresses, guint start)
{
  const PigeonMimeAddress *first = g_ptr_array_index (addresses, start);
  g_autofree char *phrase = pigeon_mime_header_encode_phrase (first->group);
  guint i = start;

  g_string_append_printf (out, "%s:", phrase);
  for (; i < addresses->len && first->address != NULL; i++)
    {
      const PigeonMimeAddress *address = g_ptr_array_index (addresses, i);

      if (address->address == NULL || g_strcmp0 (address->group, first->group) != 0)
        break;
      g_string_append (out, i == start ? " " : ", ");
      append_mailbox (out, address);
    }
  g_string_append_c (out, ';');
  return MAX (i, start + 1);
}

char *
pigeon_mime_address_list_format (GPtrArray *addresses)
{
  GString *out;
  guint i = 0;

  g_return_val_if_fail (addresses != NULL, NULL);

  out = g_string_new (NULL);
  while (i < addresses->len)
    {
      const PigeonMimeAddress *address = g_ptr_array_index (addresses, i);

      if (address->group == NULL && address->address == NULL)
        {
          i++;
          continue;
        }
      if (out->len > 0)
        g_string_append (out, ", ");
      if (address->group != NULL)
        {
          i = append_group (out, addresses, i);
          continue;
        }
      append_mailbox (out, address);
      i++;
    }
  return g_string_free (out, FALSE);
}
