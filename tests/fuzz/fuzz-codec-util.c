/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-fuzz"

#include "config.h"

#include <stdlib.h>

#include "fuzz-codec-util.h"

/* Feeds @data in three pieces; each step gets exactly the room
 * max_output() promised, so the sanitizer catches a step that writes more. */
static GBytes *
decode_in_pieces (PigeonMimeEncoding encoding, const guint8 *data, gsize size, gsize cut1, gsize cut2)
{
  const gsize cuts[] = { 0, cut1, cut2, size };
  GByteArray *out = g_byte_array_new ();
  PigeonMimeDecoder decoder;
  guchar tail[3];

  pigeon_mime_decoder_init (&decoder, encoding);
  for (gsize i = 0; i + 1 < G_N_ELEMENTS (cuts); i++)
    {
      gsize len = cuts[i + 1] - cuts[i];
      g_autofree guchar *piece = g_malloc (pigeon_mime_decoder_max_output (&decoder, len) + 1);

      g_byte_array_append (out, piece, pigeon_mime_decoder_step (&decoder, data + cuts[i], len, piece));
    }
  g_byte_array_append (out, tail, pigeon_mime_decoder_finish (&decoder, tail));

  return g_byte_array_free_to_bytes (out);
}

/* Decoding does not depend on where the input is cut; the first two
 * octets choose the cuts. */
void
fuzz_check_decode_in_pieces (PigeonMimeEncoding encoding, const guint8 *data, gsize size)
{
  g_autoptr (GBytes) whole = pigeon_mime_decode (encoding, data, size);
  g_autoptr (GBytes) pieces = NULL;
  gsize cut1 = size > 0 ? data[0] % (size + 1) : 0;
  gsize cut2 = size > 1 ? cut1 + data[1] % (size - cut1 + 1) : size;

  pieces = decode_in_pieces (encoding, data, size, cut1, cut2);
  if (!g_bytes_equal (whole, pieces))
    abort ();
}
