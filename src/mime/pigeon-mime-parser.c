/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <string.h>

#include "pigeon-mime-part-private.h"

/*
 * The parser makes one pass over the message, whatever its nesting.
 *
 * It keeps a stack of the open containers: multiparts, each with its
 * boundary, and message/rfc822 parts, whose embedded message runs until an
 * enclosing boundary. Bodies are never copied: a part records where its
 * body starts, and ends where the next delimiter line of any open
 * multipart starts (RFC 2046 5.1.2: an enclosing boundary also ends the
 * inner parts), or at the end of the input. Each "--" line is compared
 * with at most max_depth boundaries, so the time is linear in the input
 * and no recursion depth comes from it.
 */

typedef struct
{
  PigeonMimePart *part;
  const char *boundary; /* NULL for a message/rfc822 container */
  gsize boundary_len;
  gboolean closed; /* its close delimiter was seen: now in its epilogue */
} Container;

typedef struct
{
  const char *data;
  gsize len;
  GBytes *bytes;
  const PigeonMimeLimits *limits;
  GArray *stack; /* of Container */
  guint n_parts;
  PigeonMimePart *leaf; /* the open leaf, if any */
} Parser;

/* A delimiter line found in the input. */
typedef struct
{
  gsize start; /* the "--" */
  gsize next;  /* the first byte after the line */
  guint level; /* index into the stack */
  gboolean close;
} Delimiter;

static gsize
line_end (const Parser *p, gsize pos)
{
  const char *nl = memchr (p->data + pos, '\n', p->len - pos);

  return nl != NULL ? (gsize) (nl - p->data) + 1 : p->len;
}

/* RFC 2046 5.1.1: "--" boundary, then "--" for the close delimiter, then
 * optional whitespace (transport padding), then the line end. Anything
 * else after the boundary means this is not the delimiter, which is what
 * lets one boundary be a prefix of another. */
static gboolean
matches_boundary (const Parser *p, gsize pos, const Container *c, gboolean *close)
{
  gsize i = pos + 2 + c->boundary_len;

  if (i > p->len || memcmp (p->data + pos + 2, c->boundary, c->boundary_len) != 0)
    return FALSE;

  *close = i + 2 <= p->len && p->data[i] == '-' && p->data[i + 1] == '-';
  if (*close)
    i += 2;
  while (i < p->len && (p->data[i] == ' ' || p->data[i] == '\t'))
    i++;

  return i == p->len || p->data[i] == '\n' || (p->data[i] == '\r' && (i + 1 == p->len || p->data[i + 1] == '\n'));
}

/* Is the line at @pos a delimiter of an open multipart? The innermost
 * match wins. */
static gboolean
match_delimiter (const Parser *p, gsize pos, Delimiter *found)
{
  if (pos + 2 > p->len || p->data[pos] != '-' || p->data[pos + 1] != '-')
    return FALSE;

  for (guint i = p->stack->len; i-- > 0;)
    {
      const Container *c = &g_array_index (p->stack, Container, i);

      if (c->boundary != NULL && !c->closed && matches_boundary (p, pos, c, &found->close))
        {
          found->start = pos;
          found->next = line_end (p, pos);
          found->level = i;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
has_open_boundary (const Parser *p)
{
  for (guint i = 0; i < p->stack->len; i++)
    {
      const Container *c = &g_array_index (p->stack, Container, i);

      if (c->boundary != NULL && !c->closed)
        return TRUE;
    }

  return FALSE;
}

/* Finds the next delimiter line at or after @pos, which is a line start. */
static gboolean
find_delimiter (const Parser *p, gsize pos, Delimiter *found)
{
  if (!has_open_boundary (p))
    return FALSE;

  while (pos < p->len)
    {
      const char *hit;

      if (match_delimiter (p, pos, found))
        return TRUE;

      hit = memmem (p->data + pos, p->len - pos, "\n--", 3);
      if (hit == NULL)
        return FALSE;
      pos = (gsize) (hit - p->data) + 1;
    }

  return FALSE;
}

/* RFC 2046 5.1.1: the line break before a delimiter belongs to it. */
static gsize
end_before_delimiter (const Parser *p, gsize delimiter)
{
  gsize end = delimiter;

  if (end > 0 && p->data[end - 1] == '\n')
    end--;
  if (end > 0 && p->data[end - 1] == '\r')
    end--;

  return end;
}

static gboolean
is_header_name_char (char c)
{
  /* RFC 5322 2.2: printable US-ASCII except ':'; the obsolete syntax
   * (4.5) allows whitespace before the colon, skipped below. */
  return c > ' ' && c < 127 && c != ':';
}

/* Returns the length of a field name at @pos, up to its colon, or 0 when
 * the line is not a header field. */
static gsize
field_name_length (const Parser *p, gsize pos, gsize end, gsize *colon)
{
  gsize i = pos;
  gsize name_len;

  while (i < end && is_header_name_char (p->data[i]))
    i++;
  name_len = i - pos;
  while (i < end && (p->data[i] == ' ' || p->data[i] == '\t'))
    i++;
  if (name_len == 0 || i >= end || p->data[i] != ':')
    return 0;

  *colon = i;
  return name_len;
}

static gsize
strip_line_break (const Parser *p, gsize start, gsize end)
{
  if (end > start && p->data[end - 1] == '\n')
    end--;
  if (end > start && p->data[end - 1] == '\r')
    end--;
  return end;
}

static void
add_field (Parser *p, PigeonMimePart *part, gsize name, gsize name_len, gsize value, gsize value_end)
{
  PigeonMimeField field;

  if (part->fields->len >= p->limits->max_headers)
    {
      part->flags |= PIGEON_MIME_PART_HEADERS_TRUNCATED;
      return;
    }

  if (value_end - name > p->limits->max_header_size)
    {
      part->flags |= PIGEON_MIME_PART_HEADERS_TRUNCATED;
      value_end = MAX (value, name + p->limits->max_header_size);
    }

  field.name = p->data + name;
  field.name_len = (guint32) name_len;
  field.value = p->data + value;
  field.value_len = (guint32) (value_end - value);
  g_array_append_val (part->fields, field);
}

/* Extends the last field over a folded line (RFC 5322 2.2.3). */
static void
extend_field (Parser *p, PigeonMimePart *part, gsize value_end)
{
  PigeonMimeField *field;
  gsize len;

  if (part->fields->len == 0)
    return;

  field = &g_array_index (part->fields, PigeonMimeField, part->fields->len - 1);
  len = (gsize) (p->data + value_end - field->name);
  if (len > p->limits->max_header_size)
    {
      part->flags |= PIGEON_MIME_PART_HEADERS_TRUNCATED;
      return;
    }
  field->value_len = (guint32) (p->data + value_end - field->value);
}

/* Reads the header block at @pos into @part and returns where the body
 * starts. The block ends at an empty line; a line that is neither a field
 * nor a folded line, or a delimiter of an open multipart, ends it too and
 * starts the body (RFC 7103 7.1: be liberal). */
static gsize
parse_header_block (Parser *p, PigeonMimePart *part, gsize pos)
{
  gboolean first = TRUE;

  while (pos < p->len)
    {
      gsize end = line_end (p, pos);
      gsize content_end = strip_line_break (p, pos, end);
      gsize name_len, colon = 0;
      Delimiter delimiter;

      if (content_end == pos)
        return end;

      /* A delimiter can hold a colon (RFC 2046 5.1.1 bchars): look for it
       * first. The entity then has no body. */
      if (match_delimiter (p, pos, &delimiter))
        return pos;

      if (p->data[pos] == ' ' || p->data[pos] == '\t')
        extend_field (p, part, content_end);
      else if ((name_len = field_name_length (p, pos, content_end, &colon)) > 0)
        add_field (p, part, pos, name_len, colon + 1, content_end);
      else if (first && content_end - pos >= 5 && memcmp (p->data + pos, "From ", 5) == 0)
        ; /* An mbox separator left in front of the message. */
      else
        return pos;

      first = FALSE;
      pos = end;
    }

  return pos;
}

/* Content-Type values are parsed from their unfolded form; most are on
 * one line and need no copy. */
static PigeonMimeContentType *
parse_content_type_field (const PigeonMimeField *field)
{
  g_autofree char *unfolded = NULL;

  if (memchr (field->value, '\n', field->value_len) == NULL)
    return pigeon_mime_content_type_parse (field->value, field->value_len);

  unfolded = pigeon_mime_header_unfold (field->value, field->value_len);
  return pigeon_mime_content_type_parse (unfolded, strlen (unfolded));
}

/* Applies the MIME fields of a freshly read header block. */
static void
apply_mime_fields (PigeonMimePart *part, gboolean in_digest)
{
  const PigeonMimeField *type = pigeon_mime_part_find_field (part, "Content-Type");
  const PigeonMimeField *encoding = pigeon_mime_part_find_field (part, "Content-Transfer-Encoding");
  PigeonMimeContentType *content_type = NULL;

  if (type != NULL)
    {
      content_type = parse_content_type_field (type);
      /* RFC 2045 5.2: an invalid Content-Type means text/plain. */
      if (content_type == NULL)
        {
          part->flags |= PIGEON_MIME_PART_BAD_CONTENT_TYPE;
          content_type = pigeon_mime_content_type_new ("text", "plain");
          pigeon_mime_content_type_set_param (content_type, "charset", "us-ascii");
        }
    }
  pigeon_mime_part_set_content_type (part, content_type, in_digest);

  if (encoding != NULL)
    part->encoding = pigeon_mime_encoding_parse (encoding->value, encoding->value_len);
}

static void
push (Parser *p, PigeonMimePart *part, const char *boundary)
{
  Container c = { part, boundary, boundary != NULL ? strlen (boundary) : 0, FALSE };

  g_array_append_val (p->stack, c);
}

/* Ends the open leaf, and every container past the first @keep, at @end. */
static void
close_to (Parser *p, guint keep, gsize end)
{
  if (p->leaf != NULL)
    {
      p->leaf->body_end = MAX (end, p->leaf->body_start);
      p->leaf = NULL;
    }

  while (p->stack->len > keep)
    {
      Container *c = &g_array_index (p->stack, Container, p->stack->len - 1);

      c->part->body_end = MAX (end, c->part->body_start);
      if (c->boundary != NULL && !c->closed)
        c->part->flags |= PIGEON_MIME_PART_UNTERMINATED;
      g_array_set_size (p->stack, p->stack->len - 1);
    }
}

static const char *
usable_boundary (PigeonMimePart *part)
{
  const char *boundary = pigeon_mime_content_type_get_param (part->content_type, "boundary");

  /* RFC 2046 5.1.1: 1 to 70 characters; longer ones are seen in the wild
   * and harmless, empty ones cannot delimit anything. */
  if (boundary == NULL || boundary[0] == '\0' || strlen (boundary) > 998)
    {
      part->flags |= PIGEON_MIME_PART_NO_BOUNDARY;
      return NULL;
    }

  return boundary;
}

/* message/rfc822 is parsed in place only when its body is not transfer
 * encoded (RFC 2046 5.2.1 allows only 7bit, 8bit and binary); an encoded
 * one is parsed from its decoded bytes when asked for. */
static gboolean
is_embedded_message (PigeonMimePart *part)
{
  return pigeon_mime_part_is_message (part) &&
         (part->encoding == PIGEON_MIME_ENCODING_7BIT || part->encoding == PIGEON_MIME_ENCODING_8BIT ||
          part->encoding == PIGEON_MIME_ENCODING_BINARY);
}

static gboolean
is_container (PigeonMimePart *part)
{
  return g_str_equal (part->content_type->type, "multipart") || is_embedded_message (part);
}

/* Reads the entity at @pos: its header block, then decides how its body
 * is read. Returns the position where parsing goes on. */
static gsize
parse_entity (Parser *p, PigeonMimePart *part, gsize pos, gboolean in_digest)
{
  const char *boundary;

  pos = parse_header_block (p, part, pos);
  apply_mime_fields (part, in_digest);
  part->body_start = pos;
  part->body_end = p->len;

  if (is_container (part) && (part->depth >= p->limits->max_depth || p->n_parts >= p->limits->max_parts))
    {
      part->flags |= PIGEON_MIME_PART_LIMIT_REACHED;
      p->leaf = part;
    }
  else if (g_str_equal (part->content_type->type, "multipart") && (boundary = usable_boundary (part)) != NULL)
    {
      part->children = g_ptr_array_new_with_free_func (g_object_unref);
      push (p, part, boundary);
    }
  else if (is_embedded_message (part))
    {
      PigeonMimePart *root = pigeon_mime_part_new (p->bytes, part->depth + 1);

      pigeon_mime_part_set_message (part, pigeon_mime_message_new_with_root (p->bytes, root));
      push (p, part, NULL);
      p->n_parts++;
      return parse_entity (p, root, pos, FALSE);
    }
  else
    p->leaf = part;

  return pos;
}

/* The rest of a multipart past max_parts: one opaque leaf, no headers. */
static void
add_opaque_rest (Parser *p, Container *c, gsize pos)
{
  PigeonMimePart *rest = pigeon_mime_part_new (p->bytes, c->part->depth + 1);

  pigeon_mime_part_set_content_type (rest, pigeon_mime_content_type_new ("application", "octet-stream"), FALSE);
  rest->flags |= PIGEON_MIME_PART_LIMIT_REACHED;
  rest->body_start = pos;
  rest->body_end = p->len;
  pigeon_mime_part_add_child (c->part, rest);
  c->part->flags |= PIGEON_MIME_PART_LIMIT_REACHED;
  c->closed = TRUE;
  p->leaf = rest;
}

/* A delimiter of the multipart at @d->level: everything deeper ends here;
 * then a new child starts, or the multipart enters its epilogue. */
static gsize
handle_delimiter (Parser *p, const Delimiter *d)
{
  Container *c;
  PigeonMimePart *child;

  close_to (p, d->level + 1, end_before_delimiter (p, d->start));
  c = &g_array_index (p->stack, Container, d->level);

  if (d->close)
    {
      c->closed = TRUE;
      return d->next;
    }

  if (p->n_parts >= p->limits->max_parts)
    {
      add_opaque_rest (p, c, d->next);
      return d->next;
    }

  child = pigeon_mime_part_new (p->bytes, c->part->depth + 1);
  pigeon_mime_part_add_child (c->part, child);
  p->n_parts++;

  return parse_entity (p, child, d->next, g_str_equal (c->part->mime_type, "multipart/digest"));
}

PigeonMimePart *
pigeon_mime_parse (GBytes *bytes, const PigeonMimeLimits *limits, guint depth)
{
  Parser p = { 0 };
  PigeonMimePart *root;
  gsize pos;
  Delimiter d;

  p.bytes = bytes;
  p.data = g_bytes_get_data (bytes, &p.len);
  p.limits = limits != NULL ? limits : pigeon_mime_limits_default ();
  p.stack = g_array_new (FALSE, FALSE, sizeof (Container));
  if (p.data == NULL)
    p.data = "";

  root = pigeon_mime_part_new (bytes, depth);
  p.n_parts = 1;
  pos = parse_entity (&p, root, 0, FALSE);

  while (find_delimiter (&p, pos, &d))
    pos = handle_delimiter (&p, &d);

  close_to (&p, 0, p.len);
  g_array_free (p.stack, TRUE);

  return root;
}
