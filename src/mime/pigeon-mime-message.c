/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <string.h>

#include "pigeon-mime-address.h"
#include "pigeon-mime-date.h"
#include "pigeon-mime-part-private.h"

struct _PigeonMimeMessage
{
  GObject parent_instance;

  GBytes *bytes;
  PigeonMimePart *root;
};

G_DEFINE_FINAL_TYPE (PigeonMimeMessage, pigeon_mime_message, G_TYPE_OBJECT)

static const PigeonMimeLimits default_limits = {
  .max_depth = PIGEON_MIME_DEFAULT_MAX_DEPTH,
  .max_parts = PIGEON_MIME_DEFAULT_MAX_PARTS,
  .max_headers = PIGEON_MIME_DEFAULT_MAX_HEADERS,
  .max_header_size = PIGEON_MIME_DEFAULT_MAX_HEADER_SIZE,
};

const PigeonMimeLimits *
pigeon_mime_limits_default (void)
{
  return &default_limits;
}

static void
pigeon_mime_message_finalize (GObject *object)
{
  PigeonMimeMessage *self = PIGEON_MIME_MESSAGE (object);

  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_object (&self->root);

  G_OBJECT_CLASS (pigeon_mime_message_parent_class)->finalize (object);
}

static void
pigeon_mime_message_class_init (PigeonMimeMessageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_mime_message_finalize;
}

static void
pigeon_mime_message_init (PigeonMimeMessage *self)
{
}

PigeonMimeMessage *
pigeon_mime_message_new_with_root (GBytes *bytes, PigeonMimePart *root)
{
  PigeonMimeMessage *self = g_object_new (PIGEON_MIME_TYPE_MESSAGE, NULL);

  self->bytes = g_bytes_ref (bytes);
  self->root = root;

  return self;
}

PigeonMimeMessage *
pigeon_mime_message_new_from_bytes (GBytes *bytes, const PigeonMimeLimits *limits)
{
  g_return_val_if_fail (bytes != NULL, NULL);

  return pigeon_mime_message_new_with_root (bytes, pigeon_mime_parse (bytes, limits, 0));
}

PigeonMimeMessage *
pigeon_mime_message_new_from_stream (GInputStream *stream, gsize max_size, GCancellable *cancellable, GError **error)
{
  g_autoptr (GByteArray) buffer = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  guchar chunk[16384];

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  for (;;)
    {
      gssize n = g_input_stream_read (stream, chunk, sizeof chunk, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (buffer->len + (gsize) n > max_size)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       "The message is larger than the limit of %" G_GSIZE_FORMAT " bytes", max_size);
          return NULL;
        }
      g_byte_array_append (buffer, chunk, (guint) n);
    }

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
  return pigeon_mime_message_new_from_bytes (bytes, NULL);
}

GBytes *
pigeon_mime_message_get_bytes (PigeonMimeMessage *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_MESSAGE (self), NULL);

  return self->bytes;
}

PigeonMimePart *
pigeon_mime_message_get_root (PigeonMimeMessage *self)
{
  g_return_val_if_fail (PIGEON_MIME_IS_MESSAGE (self), NULL);

  return self->root;
}

/* Counts the parts with an explicit stack, not recursion: the tree is as
 * deep as the input makes it (within max_depth). Embedded messages that
 * are still transfer-encoded are not opened. */
guint
pigeon_mime_message_get_n_parts (PigeonMimeMessage *self)
{
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  guint n = 0;

  g_return_val_if_fail (PIGEON_MIME_IS_MESSAGE (self), 0);

  g_ptr_array_add (stack, self->root);
  while (stack->len > 0)
    {
      PigeonMimePart *part = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      n++;
      for (guint i = 0; part->children != NULL && i < part->children->len; i++)
        g_ptr_array_add (stack, g_ptr_array_index (part->children, i));
      if (part->message != NULL)
        g_ptr_array_add (stack, part->message->root);
    }

  return n;
}

char *
pigeon_mime_message_dup_subject (PigeonMimeMessage *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (PIGEON_MIME_IS_MESSAGE (self), NULL);

  value = pigeon_mime_part_dup_header (self->root, "Subject");
  return value != NULL ? pigeon_mime_header_decode_words (value, -1) : NULL;
}

GPtrArray *
pigeon_mime_message_get_addresses (PigeonMimeMessage *self, const char *field)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (PIGEON_MIME_IS_MESSAGE (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  value = pigeon_mime_part_dup_header (self->root, field);
  if (value == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);

  return pigeon_mime_address_list_parse (value, -1);
}

gboolean
pigeon_mime_message_get_date (PigeonMimeMessage *self, gint64 *unix_time, int *tz_offset)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (PIGEON_MIME_IS_MESSAGE (self), FALSE);

  value = pigeon_mime_part_dup_header (self->root, "Date");
  return value != NULL && pigeon_mime_date_parse (value, -1, unix_time, tz_offset);
}

GStrv
pigeon_mime_message_get_msg_ids (PigeonMimeMessage *self, const char *field)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (PIGEON_MIME_IS_MESSAGE (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  value = pigeon_mime_part_dup_header (self->root, field);
  if (value == NULL)
    return g_new0 (char *, 1);

  return pigeon_mime_header_parse_msg_ids (value);
}

char *
pigeon_mime_message_dup_message_id (PigeonMimeMessage *self)
{
  g_auto (GStrv) ids = pigeon_mime_message_get_msg_ids (self, "Message-ID");

  return ids[0] != NULL ? g_strdup (ids[0]) : NULL;
}
