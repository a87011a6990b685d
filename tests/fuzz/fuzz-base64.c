/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-fuzz"

#include "config.h"

#include <stdlib.h>

#include "pigeon-mime-codec.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Feeds @data in three pieces; each step gets exactly the room
 * max_output() promised, so the sanitizer catches a step that writes more. */
static GBytes *
decode_in_pieces (const guint8 *data, gsize size, gsize cut1, gsize cut2)
{
  const gsize cuts[] = { 0, cut1, cut2, size };
  GByteArray *out = g_byte_array_new ();
  PigeonMimeDecoder decoder;
  guchar tail[3];

  pigeon_mime_decoder_init (&decoder, PIGEON_MIME_ENCODING_BASE64);
  for (gsize i = 0; i + 1 < G_N_ELEMENTS (cuts); i++)
    {
      gsize len = cuts[i + 1] - cuts[i];
      g_autofree guchar *piece = g_malloc (pigeon_mime_decoder_max_output (&decoder, len) + 1);

      g_byte_array_append (out, piece, pigeon_mime_decoder_step (&decoder, data + cuts[i], len, piece));
    }
  g_byte_array_append (out, tail, pigeon_mime_decoder_finish (&decoder, tail));

  return g_byte_array_free_to_bytes (out);
}

/* Encoded lines are at most 76 characters and end in CRLF. */
static void
check_lines (const GString *encoded)
{
  gsize column = 0;

  for (gsize i = 0; i < encoded->len; i++)
    {
      if (encoded->str[i] == '\r')
        {
          if (i + 1 == encoded->len || encoded->str[i + 1] != '\n')
            abort ();
          column = 0;
          i++;
        }
      else if (++column > 76)
        abort ();
    }
  if (column != 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) whole = pigeon_mime_decode (PIGEON_MIME_ENCODING_BASE64, data, size);
  g_autoptr (GBytes) pieces = NULL;
  g_autoptr (GString) encoded = g_string_new (NULL);
  g_autoptr (GBytes) round_trip = NULL;
  g_autoptr (GBytes) original = g_bytes_new (data, size);
  gsize cut1 = size > 0 ? data[0] % (size + 1) : 0;
  gsize cut2 = size > 1 ? cut1 + data[1] % (size - cut1 + 1) : size;

  /* Decoding does not depend on where the input is cut. */
  pieces = decode_in_pieces (data, size, cut1, cut2);
  if (!g_bytes_equal (whole, pieces))
    abort ();

  /* Any octets survive encoding and decoding. */
  pigeon_mime_encode_base64 (data, size, encoded);
  check_lines (encoded);
  round_trip = pigeon_mime_decode (PIGEON_MIME_ENCODING_BASE64, (const guchar *) encoded->str, encoded->len);
  if (!g_bytes_equal (round_trip, original))
    abort ();

  return 0;
}
