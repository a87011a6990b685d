/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 2045 6.1: the Content-Transfer-Encoding values. */
typedef enum
{
  PIGEON_MIME_ENCODING_7BIT = 1,
  PIGEON_MIME_ENCODING_8BIT,
  PIGEON_MIME_ENCODING_BINARY,
  PIGEON_MIME_ENCODING_BASE64,
  PIGEON_MIME_ENCODING_QUOTED_PRINTABLE,
  /* RFC 2045 6.4: an unknown encoding; the body is kept as it is. */
  PIGEON_MIME_ENCODING_UNKNOWN,
} PigeonMimeEncoding;

/* Parses a Content-Transfer-Encoding value (case-insensitive, surrounding
 * whitespace and comments ignored). An empty value is 7bit. */
PigeonMimeEncoding pigeon_mime_encoding_parse (const char *value, gsize len);
/* "7bit", "8bit", "binary", "base64", "quoted-printable" or "unknown". */
const char *pigeon_mime_encoding_to_string (PigeonMimeEncoding encoding);

/* How many whitespace octets a quoted-printable decoder holds back while it
 * waits to see whether they end a line (RFC 2045 6.7 (3)). A longer run
 * cannot be padding of a 76-character line and is kept as it is. */
#define PIGEON_MIME_DECODER_MAX_HELD 80

/* A streaming decoder: feed it the body in pieces split at any byte
 * offset and the output is the same as for the whole body at once.
 * The fields are private; it needs no cleanup.
 *
 * Base64 skips octets outside its alphabet; an '=' ends the current
 * quantum, and decoding goes on after it. Quoted-printable removes
 * trailing whitespace and soft line breaks, accepts lower-case hex, and
 * keeps an invalid escape and an '=' at the end as they are. Other
 * encodings are copied. */
typedef struct
{
  PigeonMimeEncoding encoding;
  guint32 bits; /* base64: pending sextets */
  guint n_bits; /* base64: how many sextets are pending */
  guint state;  /* quoted-printable: what the held octets are */
  guint n_held;
  /* quoted-printable: a hex digit of an escape, or whitespace that may end
   * the line, cut by the split */
  guchar held[PIGEON_MIME_DECODER_MAX_HELD];
} PigeonMimeDecoder;

void pigeon_mime_decoder_init (PigeonMimeDecoder *decoder, PigeonMimeEncoding encoding);
/* The most bytes pigeon_mime_decoder_step() can write for @len input bytes. */
gsize pigeon_mime_decoder_max_output (const PigeonMimeDecoder *decoder, gsize len);
/* Decodes @len bytes of @in into @out (room for max_output bytes, which it
 * may use as scratch past what it returns); returns the number of bytes
 * decoded. */
gsize pigeon_mime_decoder_step (PigeonMimeDecoder *decoder, const guchar *in, gsize len, guchar *out);
/* Flushes what the decoder holds at the end of input (at most 3 bytes). The
 * decoder can then be used again for a new body. */
gsize pigeon_mime_decoder_finish (PigeonMimeDecoder *decoder, guchar *out);

/* One-shot decoding of a whole body. */
GBytes *pigeon_mime_decode (PigeonMimeEncoding encoding, const guchar *data, gsize len);

/* Appends @data as base64 lines of 76 characters ending in CRLF
 * (RFC 2045 6.8). */
void pigeon_mime_encode_base64 (const guchar *data, gsize len, GString *out);
/* Appends @data as quoted-printable (RFC 2045 6.7): line breaks in @data
 * (LF or CRLF) become CRLF, lines are soft-broken at 76 characters, and
 * trailing whitespace, '=', control characters and 8-bit bytes are
 * escaped. A "From " at a line start is escaped too, for mbox safety. */
void pigeon_mime_encode_quoted_printable (const guchar *data, gsize len, GString *out);

/* Chooses the encoding for a body by its content: 7bit for ASCII with no
 * NUL, no bare CR and lines of at most 998 octets (non-text data must also
 * have no bare LF, since its line ends cannot be rewritten), else
 * quoted-printable for text that is at least 5/6 printable ASCII, else
 * base64. */
PigeonMimeEncoding pigeon_mime_encoding_choose (const guchar *data, gsize len, gboolean is_text);

G_END_DECLS
