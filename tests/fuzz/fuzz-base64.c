/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-fuzz"

#include "config.h"

#include <stdlib.h>

#include "fuzz-codec-util.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

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
  g_autoptr (GString) encoded = g_string_new (NULL);
  g_autoptr (GBytes) round_trip = NULL;
  g_autoptr (GBytes) original = g_bytes_new (data, size);

  fuzz_check_decode_in_pieces (PIGEON_MIME_ENCODING_BASE64, data, size);

  /* Any octets survive encoding and decoding. */
  pigeon_mime_encode_base64 (data, size, encoded);
  check_lines (encoded);
  round_trip = pigeon_mime_decode (PIGEON_MIME_ENCODING_BASE64, (const guchar *) encoded->str, encoded->len);
  if (!g_bytes_equal (round_trip, original))
    abort ();

  return 0;
}
