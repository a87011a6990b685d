/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-fuzz"

#include "config.h"

#include <stdlib.h>

#include "fuzz-codec-util.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

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
  g_autoptr (GString) encoded = g_string_new (NULL);
  g_autoptr (GBytes) round_trip = NULL;
  g_autoptr (GBytes) expected = crlf_line_ends (data, size);

  fuzz_check_decode_in_pieces (PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, data, size);

  /* Decoding undoes encoding, up to the line ends. */
  pigeon_mime_encode_quoted_printable (data, size, encoded);
  check_encoded (encoded);
  round_trip = pigeon_mime_decode (PIGEON_MIME_ENCODING_QUOTED_PRINTABLE, (const guchar *) encoded->str, encoded->len);
  if (!g_bytes_equal (round_trip, expected))
    abort ();

  return 0;
}
