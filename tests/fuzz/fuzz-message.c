/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "pigeon-mime-address.h"
#include "pigeon-mime-message.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Walks the whole tree without recursion, decoding every leaf and reading
 * every text, as a reader would. Checks the invariants that hold for any
 * input: bodies lie within the message, texts are valid UTF-8. */
static void
walk (PigeonMimeMessage *message)
{
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  gsize size = g_bytes_get_size (pigeon_mime_message_get_bytes (message));

  g_ptr_array_add (stack, pigeon_mime_message_get_root (message));
  while (stack->len > 0)
    {
      PigeonMimePart *part = g_ptr_array_steal_index_fast (stack, stack->len - 1);
      PigeonMimeMessage *embedded = pigeon_mime_part_get_message (part);
      g_autoptr (GBytes) raw = pigeon_mime_part_get_raw_body (part);
      g_autoptr (GBytes) decoded = pigeon_mime_part_decode (part);
      g_autofree char *text = pigeon_mime_part_get_text (part, NULL);

      g_assert (g_bytes_get_size (raw) <= size);
      g_assert (decoded != NULL);
      g_assert (g_utf8_validate (text, -1, NULL));
      (void) pigeon_mime_part_get_filename (part);
      (void) pigeon_mime_part_is_attachment (part);

      for (guint i = 0; i < pigeon_mime_part_get_n_children (part); i++)
        g_ptr_array_add (stack, pigeon_mime_part_get_child (part, i));
      if (embedded != NULL)
        g_ptr_array_add (stack, pigeon_mime_message_get_root (embedded));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (PigeonMimeMessage) message = pigeon_mime_message_new_from_bytes (bytes, NULL);
  g_autofree char *subject = pigeon_mime_message_dup_subject (message);
  g_autoptr (GPtrArray) from = pigeon_mime_message_get_addresses (message, "From");
  gint64 date;

  (void) pigeon_mime_message_get_date (message, &date, NULL);
  for (guint i = 0; i < from->len; i++)
    {
      PigeonMimeAddress *address = g_ptr_array_index (from, i);

      g_assert (address->name == NULL || g_utf8_validate (address->name, -1, NULL));
    }
  g_assert (subject == NULL || g_utf8_validate (subject, -1, NULL));
  walk (message);

  return 0;
}
