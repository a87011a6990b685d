/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include "pigeon-json-writer.h"

/* One level of nesting: whether it is an object, and whether a value was
 * already written in it (so the next one needs a comma). */
typedef struct
{
  gboolean is_object;
  gboolean has_values;
} Level;

struct _PigeonJsonWriter
{
  GString *out;
  GArray *levels; /* of Level */
  gboolean pretty;
  gboolean after_member; /* a name was written; its value comes next */
};

PigeonJsonWriter *
pigeon_json_writer_new (gboolean pretty)
{
  PigeonJsonWriter *self = g_new0 (PigeonJsonWriter, 1);

  self->out = g_string_sized_new (4096);
  self->levels = g_array_new (FALSE, FALSE, sizeof (Level));
  self->pretty = pretty;
  return self;
}

void
pigeon_json_writer_free (PigeonJsonWriter *self)
{
  g_return_if_fail (self != NULL);

  g_string_free (self->out, TRUE);
  g_array_unref (self->levels);
  g_free (self);
}

static void
newline (PigeonJsonWriter *self)
{
  if (!self->pretty)
    return;
  g_string_append_c (self->out, '\n');
  for (guint i = 0; i < self->levels->len; i++)
    g_string_append (self->out, "  ");
}

/* Writes what goes before a value or a member name: a comma after an
 * earlier sibling, and the indentation. */
static void
separate (PigeonJsonWriter *self)
{
  Level *level;

  if (self->after_member)
    {
      self->after_member = FALSE;
      return;
    }
  if (self->levels->len == 0)
    return;
  level = &g_array_index (self->levels, Level, self->levels->len - 1);
  if (level->has_values)
    g_string_append_c (self->out, ',');
  level->has_values = TRUE;
  newline (self);
}

static void
begin (PigeonJsonWriter *self, gboolean is_object)
{
  Level level = { is_object, FALSE };

  separate (self);
  g_string_append_c (self->out, is_object ? '{' : '[');
  g_array_append_val (self->levels, level);
}

static void
end (PigeonJsonWriter *self, gboolean is_object)
{
  Level level;

  g_return_if_fail (self->levels->len > 0);
  level = g_array_index (self->levels, Level, self->levels->len - 1);
  g_return_if_fail (level.is_object == is_object);
  g_return_if_fail (!self->after_member);

  g_array_set_size (self->levels, self->levels->len - 1);
  if (level.has_values)
    newline (self);
  g_string_append_c (self->out, is_object ? '}' : ']');
}

void
pigeon_json_writer_begin_object (PigeonJsonWriter *self)
{
  g_return_if_fail (self != NULL);
  begin (self, TRUE);
}

void
pigeon_json_writer_end_object (PigeonJsonWriter *self)
{
  g_return_if_fail (self != NULL);
  end (self, TRUE);
}

void
pigeon_json_writer_begin_array (PigeonJsonWriter *self)
{
  g_return_if_fail (self != NULL);
  begin (self, FALSE);
}

void
pigeon_json_writer_end_array (PigeonJsonWriter *self)
{
  g_return_if_fail (self != NULL);
  end (self, FALSE);
}

void
pigeon_json_writer_member (PigeonJsonWriter *self, const char *name)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (self->levels->len > 0);
  g_return_if_fail (g_array_index (self->levels, Level, self->levels->len - 1).is_object);
  g_return_if_fail (!self->after_member);

  separate (self);
  pigeon_json_append_string (self->out, name, strlen (name));
  g_string_append (self->out, self->pretty ? ": " : ":");
  self->after_member = TRUE;
}

void
pigeon_json_writer_string (PigeonJsonWriter *self, const char *value)
{
  g_return_if_fail (self != NULL);

  if (value == NULL)
    pigeon_json_writer_null (self);
  else
    pigeon_json_writer_string_len (self, value, strlen (value));
}

void
pigeon_json_writer_string_len (PigeonJsonWriter *self, const char *value, gsize len)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (value != NULL || len == 0);

  separate (self);
  pigeon_json_append_string (self->out, value, len);
}

void
pigeon_json_writer_int (PigeonJsonWriter *self, gint64 value)
{
  g_return_if_fail (self != NULL);

  separate (self);
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
}

void
pigeon_json_writer_boolean (PigeonJsonWriter *self, gboolean value)
{
  g_return_if_fail (self != NULL);

  separate (self);
  g_string_append (self->out, value ? "true" : "false");
}

void
pigeon_json_writer_null (PigeonJsonWriter *self)
{
  g_return_if_fail (self != NULL);

  separate (self);
  g_string_append (self->out, "null");
}

const char *
pigeon_json_writer_get_text (PigeonJsonWriter *self, gsize *len)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (len != NULL)
    *len = self->out->len;
  return self->out->str;
}

/* RFC 8259 7: quotation mark, reverse solidus and the control characters
 * U+0000 to U+001F must be escaped; DEL is escaped too so the output
 * stays printable. */
static void
append_escaped_byte (GString *out, guchar c)
{
  switch (c)
    {
    case '"':
      g_string_append (out, "\\\"");
      break;
    case '\\':
      g_string_append (out, "\\\\");
      break;
    case '\n':
      g_string_append (out, "\\n");
      break;
    case '\r':
      g_string_append (out, "\\r");
      break;
    case '\t':
      g_string_append (out, "\\t");
      break;
    case '\b':
      g_string_append (out, "\\b");
      break;
    case '\f':
      g_string_append (out, "\\f");
      break;
    default:
      g_string_append_printf (out, "\\u%04x", c);
      break;
    }
}

static inline gboolean
needs_escape (guchar c)
{
  return c < 0x20 || c == '"' || c == '\\' || c == 0x7f;
}

void
pigeon_json_append_string (GString *out, const char *value, gsize len)
{
  const char *p = value;
  const char *end = value + len;

  g_return_if_fail (out != NULL);
  g_return_if_fail (value != NULL || len == 0);

  g_string_append_c (out, '"');
  while (p < end)
    {
      const char *run = p;
      const char *valid_end;

      while (p < end && (guchar) *p < 0x80 && !needs_escape ((guchar) *p))
        p++;
      g_string_append_len (out, run, p - run);
      if (p == end)
        break;
      if ((guchar) *p < 0x80)
        {
          append_escaped_byte (out, (guchar) *p++);
          continue;
        }
      /* A run of non-ASCII: copy its valid UTF-8 prefix, and write one
       * U+FFFD for a byte that does not start a valid sequence. */
      g_utf8_validate_len (p, end - p, &valid_end);
      if (valid_end == p)
        {
          g_string_append (out, "\xef\xbf\xbd");
          p++;
          continue;
        }
      for (run = p; p < valid_end && ((guchar) *p >= 0x80 || !needs_escape ((guchar) *p)); p++)
        ;
      g_string_append_len (out, run, p - run);
    }
  g_string_append_c (out, '"');
}
