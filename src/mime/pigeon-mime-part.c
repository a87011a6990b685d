/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <string.h>

#include "pigeon-mime-charset.h"
#include "pigeon-mime-part-private.h"

G_DEFINE_FINAL_TYPE (PigeonMimePart, pigeon_mime_part, G_TYPE_OBJECT)

static void
pigeon_mime_part_finalize (GObject *object)
{
  PigeonMimePart *self = PIGEON_MIME_PART (object);

  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->fields, g_array_unref);
  g_clear_pointer (&self->content_type, pigeon_mime_content_type_free);
  g_clear_pointer (&self->disposition, pigeon_mime_content_type_free);
  g_clear_pointer (&self->mime_type, g_free);
  g_clear_pointer (&self->charset, g_free);
  g_clear_pointer (&self->children, g_ptr_array_unref);
  g_clear_object (&self->message);

  G_OBJECT_CLASS (pigeon_mime_part_parent_class)->finalize (object);
}

static void
pigeon_mime_part_class_init (PigeonMimePartClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_mime_part_finalize;
}

static void
pigeon_mime_part_init (PigeonMimePart *self)
{
  self->encoding = PIGEON_MIME_ENCODING_7BIT;
}

PigeonMimePart *
pigeon_mime_part_new (GBytes *bytes, guint depth)
{
  PigeonMimePart *self = g_object_new (PIGEON_MIME_TYPE_PART, NULL);

  self->bytes = g_bytes_ref (bytes);
  self->fields = g_array_new (FALSE, FALSE, sizeof (PigeonMimeField));
  self->depth = depth;

  return self;
}

void
pigeon_mime_part_set_content_type (PigeonMimePart *self, PigeonMimeContentType *content_type, gboolean in_digest)
{
  g_assert (self->content_type == NULL);

  /* RFC 2045 5.2 and RFC 2046 5.1.5: the defaults. */
  if (content_type == NULL && in_digest)
    content_type = pigeon_mime_content_type_new ("message", "rfc822");
  else if (content_type == NULL)
    {
      content_type = pigeon_mime_content_type_new ("text", "plain");
      pigeon_mime_content_type_set_param (content_type, "charset", "us-ascii");
    }

  self->content_type = content_type;
  self->mime_type = g_strconcat (content_type->type, "/", content_type->subtype, NULL);
}

void
pigeon_mime_part_add_child (PigeonMimePart *self, PigeonMimePart *child)
{
  if (self->children == NULL)
    self->children = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->children, child);
}

void
pigeon_mime_part_set_message (PigeonMimePart *self, PigeonMimeMessage *message)
{
  g_clear_object (&self->message);
  self->message = message;
}

guint
pigeon_mime_part_get_n_headers (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), 0);

  return self->fields->len;
}

const char *
pigeon_mime_part_get_header_at (
    PigeonMimePart *self, guint index, gsize *name_len, const char **value, gsize *value_len)
{
  const PigeonMimeField *field;

  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);
  g_return_val_if_fail (index < self->fields->len, NULL);

  field = &g_array_index (self->fields, PigeonMimeField, index);
  if (name_len != NULL)
    *name_len = field->name_len;
  if (value != NULL)
    *value = field->value;
  if (value_len != NULL)
    *value_len = field->value_len;

  return field->name;
}

const PigeonMimeField *
pigeon_mime_part_find_field (PigeonMimePart *self, const char *name)
{
  gsize name_len = strlen (name);

  for (guint i = 0; i < self->fields->len; i++)
    {
      const PigeonMimeField *field = &g_array_index (self->fields, PigeonMimeField, i);

      if (field->name_len == name_len && g_ascii_strncasecmp (field->name, name, name_len) == 0)
        return field;
    }

  return NULL;
}

char *
pigeon_mime_part_dup_header (PigeonMimePart *self, const char *name)
{
  const PigeonMimeField *field;

  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  field = pigeon_mime_part_find_field (self, name);
  if (field == NULL)
    return NULL;

  return pigeon_mime_header_unfold (field->value, field->value_len);
}

const PigeonMimeContentType *
pigeon_mime_part_get_content_type (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  return self->content_type;
}

const char *
pigeon_mime_part_get_mime_type (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  return self->mime_type;
}

gboolean
pigeon_mime_part_is_type (PigeonMimePart *self, const char *type, const char *subtype)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  return g_ascii_strcasecmp (self->content_type->type, type) == 0 &&
         (subtype == NULL || g_ascii_strcasecmp (self->content_type->subtype, subtype) == 0);
}

const PigeonMimeContentType *
pigeon_mime_part_get_disposition (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  if (!self->disposition_parsed)
    {
      g_autofree char *value = pigeon_mime_part_dup_header (self, "Content-Disposition");

      if (value != NULL)
        self->disposition = pigeon_mime_disposition_parse (value, strlen (value));
      self->disposition_parsed = TRUE;
    }

  return self->disposition;
}

const char *
pigeon_mime_part_get_filename (PigeonMimePart *self)
{
  const PigeonMimeContentType *disposition;
  const char *filename = NULL;

  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  disposition = pigeon_mime_part_get_disposition (self);
  if (disposition != NULL)
    filename = pigeon_mime_content_type_get_param (disposition, "filename");
  if (filename == NULL)
    filename = pigeon_mime_content_type_get_param (self->content_type, "name");

  return filename;
}

const char *
pigeon_mime_part_get_charset (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  if (self->charset == NULL)
    {
      const char *charset = pigeon_mime_content_type_get_param (self->content_type, "charset");

      /* RFC 2046 4.1.2: text defaults to us-ascii. */
      if (charset == NULL && g_str_equal (self->content_type->type, "text"))
        charset = "us-ascii";
      if (charset != NULL)
        self->charset = pigeon_mime_charset_canonical (charset);
    }

  return self->charset;
}

PigeonMimeEncoding
pigeon_mime_part_get_encoding (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), PIGEON_MIME_ENCODING_7BIT);

  return self->encoding;
}

/* Strips the angle brackets and whitespace of a single msg-id. */
static char *
strip_msg_id (char *value)
{
  char *start = g_strstrip (value);
  gsize len = strlen (start);

  if (len >= 2 && start[0] == '<' && start[len - 1] == '>')
    {
      start[len - 1] = '\0';
      start++;
    }

  return g_strdup (start);
}

char *
pigeon_mime_part_dup_content_id (PigeonMimePart *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  value = pigeon_mime_part_dup_header (self, "Content-ID");
  return value != NULL ? strip_msg_id (value) : NULL;
}

char *
pigeon_mime_part_dup_description (PigeonMimePart *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  value = pigeon_mime_part_dup_header (self, "Content-Description");
  return value != NULL ? pigeon_mime_header_decode_words (value, -1) : NULL;
}

gboolean
pigeon_mime_part_is_attachment (PigeonMimePart *self)
{
  const PigeonMimeContentType *disposition;

  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), FALSE);

  if (self->children != NULL)
    return FALSE;

  disposition = pigeon_mime_part_get_disposition (self);
  if (disposition != NULL && g_str_equal (disposition->type, "attachment"))
    return TRUE;

  return !g_str_equal (self->content_type->type, "text") && self->message == NULL &&
         pigeon_mime_part_get_filename (self) != NULL;
}

PigeonMimePartFlags
pigeon_mime_part_get_flags (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), PIGEON_MIME_PART_FLAGS_NONE);

  return self->flags;
}

GBytes *
pigeon_mime_part_get_raw_body (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  return g_bytes_new_from_bytes (self->bytes, self->body_start, self->body_end - self->body_start);
}

GBytes *
pigeon_mime_part_decode (PigeonMimePart *self)
{
  const guchar *data;

  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  switch (self->encoding)
    {
    case PIGEON_MIME_ENCODING_BASE64:
    case PIGEON_MIME_ENCODING_QUOTED_PRINTABLE:
      data = g_bytes_get_data (self->bytes, NULL);
      return pigeon_mime_decode (self->encoding, data + self->body_start, self->body_end - self->body_start);

    default:
      return pigeon_mime_part_get_raw_body (self);
    }
}

char *
pigeon_mime_part_get_text (PigeonMimePart *self, gboolean *fallback)
{
  g_autoptr (GBytes) decoded = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  decoded = pigeon_mime_part_decode (self);
  data = g_bytes_get_data (decoded, &len);

  return pigeon_mime_charset_to_utf8 (pigeon_mime_part_get_charset (self), data != NULL ? data : "", len, fallback);
}

gboolean
pigeon_mime_part_is_multipart (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), FALSE);

  return self->children != NULL;
}

guint
pigeon_mime_part_get_n_children (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), 0);

  return self->children != NULL ? self->children->len : 0;
}

PigeonMimePart *
pigeon_mime_part_get_child (PigeonMimePart *self, guint index)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  if (self->children == NULL || index >= self->children->len)
    return NULL;

  return g_ptr_array_index (self->children, index);
}

/* An encoded message/rfc822 body is decoded and parsed on first use, one
 * level deeper, so that the depth limit still holds. */
static void
pigeon_mime_part_parse_encoded_message (PigeonMimePart *self)
{
  g_autoptr (GBytes) decoded = NULL;
  PigeonMimePart *root;

  if (self->depth + 1 >= PIGEON_MIME_DEFAULT_MAX_DEPTH)
    return;

  decoded = pigeon_mime_part_decode (self);
  root = pigeon_mime_parse (decoded, NULL, self->depth + 1);
  pigeon_mime_part_set_message (self, pigeon_mime_message_new_with_root (decoded, root));
}

gboolean
pigeon_mime_part_is_message (PigeonMimePart *self)
{
  return g_str_equal (self->content_type->type, "message") &&
         (g_str_equal (self->content_type->subtype, "rfc822") || g_str_equal (self->content_type->subtype, "global"));
}

PigeonMimeMessage *
pigeon_mime_part_get_message (PigeonMimePart *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  if (self->message == NULL && self->children == NULL && pigeon_mime_part_is_message (self) &&
      !(self->flags & PIGEON_MIME_PART_LIMIT_REACHED))
    pigeon_mime_part_parse_encoded_message (self);

  return self->message;
}

/* One step of an IMAP part number (RFC 3501 6.4.5): the n'th child of a
 * multipart, or for any other part, 1 is the part itself. */
static PigeonMimePart *
pigeon_mime_part_step (PigeonMimePart *part, guint64 n)
{
  if (part->children != NULL)
    return n >= 1 && n <= part->children->len ? g_ptr_array_index (part->children, n - 1) : NULL;

  return n == 1 ? part : NULL;
}

PigeonMimePart *
pigeon_mime_part_find (PigeonMimePart *self, const char *path)
{
  PigeonMimePart *part = self;
  const char *p = path;

  g_return_val_if_fail (PIGEON_MIME_IS_PART (self), NULL);

  if (path == NULL || *path == '\0')
    return self;

  while (part != NULL)
    {
      char *end;
      guint64 n;

      if (!g_ascii_isdigit (*p))
        return NULL;
      n = g_ascii_strtoull (p, &end, 10);
      part = pigeon_mime_part_step (part, n);
      if (part == NULL || *end == '\0')
        return part;
      if (*end != '.')
        return NULL;
      p = end + 1;

      /* Numbers after a message/rfc822 part go into its message. */
      if (pigeon_mime_part_get_message (part) != NULL)
        part = pigeon_mime_message_get_root (part->message);
    }

  return NULL;
}
