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

  pigeon_mime_decoder_init (&decoder, PIGEON_MIME_ENCODING_QUOTED_PRINTABLE);
  for (gsize i = 0; i + 1 < G_N_ELEMENTS (cuts); i++)
    {
      gsize len = cuts[i + 1] - cuts[i];
      g_autofree guchar *piece = g_malloc (pigeon_mime_decoder_max_output (&decoder, len) + 1);

      g_byte_array_append (out, piece, pigeon_mime_decoder_step (&decoder, data + cuts[i], len, piece));
    }
  g_byte_array_append (out, tail, pigeon_mime_decoder_finish (&decoder, tail));

  return g_byte_array_free_to_bytes (out);
}

/* RFC 2045 6.7: encoded lines are printable ASCII, space and tab, at most
 * 76 characters, ending in CRLF; whitespace never ends one. */
static void
check_encoded (const GString *encoded)
{
  gsize column = 0;

  for (gsize i = 0; i < encoded->len; i++)
    {
      guchar c = encoded->str[i];

      if (c == '\r')
        {
          if (i + 1 == encoded->len || encoded->str[i + 1] != '\n')
            abort ();
          if (column > 0 && (encoded->str[i - 1] == ' ' || encoded->str[i - 1] == '\t'))
            abort ();
          column = 0;
          i++;
        }
      else if ((c < 32 && c != '\t') || c > 126 || ++column > 76)
        abort ();
    }
}

/* The encoder writes every line break as CRLF; nothing else changes. */
static GBytes *
crlf_line_ends (const guint8 *data, gsize size)
{
  GByteArray *out = g_byte_array_sized_new (size * 2);

  for (gsize i = 0; i < size; i++)
    {
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
        g_byte_array_append (out, (const guint8 *) "\r", 1);
      g_byte_array_append (out, data + i, 1);
    }

  return g_byte_array_free_to_bytes (out);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) whole = pigeon_mime_decode (PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, data, size);
  g_autoptr (GBytes) pieces = NULL;
  g_autoptr (GString) encoded = g_string_new (NULL);
  g_autoptr (GBytes) round_trip = NULL;
  g_autoptr (GBytes) expected = crlf_line_ends (data, size);
  gsize cut1 = size > 0 ? data[0] % (size + 1) : 0;
  gsize cut2 = size > 1 ? cut1 + data[1] % (size - cut1 + 1) : size;

  /* Decoding does not depend on where the input is cut. */
  pieces = decode_in_pieces (data, size, cut1, cut2);
  if (!g_bytes_equal (whole, pieces))
    abort ();

  /* Decoding undoes encoding, up to the line ends. */
  pigeon_mime_encode_quoted_printable (data, size, encoded);
  check_encoded (encoded);
  round_trip = pigeon_mime_decode (PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, (const guchar *) encoded->str, encoded->len);
  if (!g_bytes_equal (round_trip, expected))
    abort ();

  return 0;
}
