/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <string.h>

#include "pigeon-mime-codec.h"

/* RFC 2045 6.7 (5): encoded lines are at most 76 characters long. */
#define QP_LINE_MAX 76
/* RFC 2045 6.8: 76 characters of base64 carry 57 octets. */
#define BASE64_LINE_OCTETS 57
/* RFC 5322 2.1.1: at most 998 octets on a line, CRLF excluded. */
#define LINE_OCTETS_MAX 998

static const char *const encoding_names[] = {
  [PIGEON_MIME_ENCODING_7BIT] = "7bit",
  [PIGEON_MIME_ENCODING_8BIT] = "8bit",
  [PIGEON_MIME_ENCODING_BINARY] = "binary",
  [PIGEON_MIME_ENCODING_BASE64] = "base64",
  [PIGEON_MIME_ENCODING_QUOTED_PRINTABLE] = "quoted-printable",
  [PIGEON_MIME_ENCODING_UNKNOWN] = "unknown",
};

/* RFC 2045 5.1 and RFC 5322 3.2.2: the token may have comments, nested and
 * with quoted-pairs, and whitespace around it. Copies it, lower-cased, into
 * @token; FALSE when it does not fit or there is more than one token. */
static gboolean
encoding_token (const char *value, gsize len, char *token, gsize size)
{
  gboolean gap = FALSE;
  guint depth = 0;
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (depth > 0 && value[i] == '\\')
        i++;
      else if (value[i] == '(')
        depth++;
      else if (value[i] == ')' && depth > 0)
        depth--;
      else if (depth > 0)
        continue;
      else if (g_ascii_isspace (value[i]))
        gap = n > 0;
      else if (gap || n + 1 >= size)
        return FALSE;
      else
        token[n++] = g_ascii_tolower (value[i]);
    }
  token[n] = '\0';

  return TRUE;
}

PigeonMimeEncoding
pigeon_mime_encoding_parse (const char *value, gsize len)
{
  char token[32];

  g_return_val_if_fail (value != NULL || len == 0, PIGEON_MIME_ENCODING_UNKNOWN);

  if (!encoding_token (value, len, token, sizeof token))
    return PIGEON_MIME_ENCODING_UNKNOWN;
  /* RFC 2045 6.1: no Content-Transfer-Encoding means 7bit. */
  if (token[0] == '\0')
    return PIGEON_MIME_ENCODING_7BIT;

  for (PigeonMimeEncoding e = PIGEON_MIME_ENCODING_7BIT; e < PIGEON_MIME_ENCODING_UNKNOWN; e++)
    {
      if (strcmp (token, encoding_names[e]) == 0)
        return e;
    }

  return PIGEON_MIME_ENCODING_UNKNOWN;
}

const char *
pigeon_mime_encoding_to_string (PigeonMimeEncoding encoding)
{
  g_return_val_if_fail (encoding >= PIGEON_MIME_ENCODING_7BIT && encoding <= PIGEON_MIME_ENCODING_UNKNOWN, "unknown");

  return encoding_names[encoding];
}

/* Base64 decoding */

/* RFC 2045 6.8: the value of each alphabet octet; BASE64_PAD for '=' and
 * BASE64_SKIP for the octets a decoder must ignore. */
#define BASE64_PAD 0xfe
#define BASE64_SKIP 0xff

/* clang-format off */
static const guchar base64_rank[256] = {
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3e, 0xff, 0xff, 0xff, 0x3f,
  0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff,
  0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
  0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
  0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
/* clang-format on */

/* The common case: whole quanta of four alphabet octets, decoded without
 * touching the decoder state until an octet of any other kind. */
static inline const guchar *
base64_decode_quanta (const guchar *p, const guchar *end, guchar **out)
{
  guchar *o = *out;

  while (end - p >= 4)
    {
      guint32 a = base64_rank[p[0]];
      guint32 b = base64_rank[p[1]];
      guint32 c = base64_rank[p[2]];
      guint32 d = base64_rank[p[3]];
      guint32 v;

      if ((a | b | c | d) & 0x80)
        break;
      v = a << 18 | b << 12 | c << 6 | d;
      o[0] = v >> 16;
      o[1] = v >> 8;
      o[2] = v;
      o += 3;
      p += 4;
    }
  *out = o;

  return p;
}

/* RFC 2045 6.8: a final quantum of two or three sextets carries one or two
 * octets; a single sextet carries none. */
static inline gsize
base64_flush (guint32 bits, guint n_bits, guchar *out)
{
  if (n_bits == 2)
    {
      out[0] = bits >> 4;
      return 1;
    }
  if (n_bits == 3)
    {
      out[0] = bits >> 10;
      out[1] = bits >> 2;
      return 2;
    }

  return 0;
}

/* RFC 2045 6.8: octets outside the alphabet are ignored. An '=' ends the
 * quantum, as padding does, but decoding goes on after it: unlike GMime
 * and Python, which skip a stray '=', this also decodes the concatenated
 * padded pieces that some encoders write line by line. */
static gsize
base64_decode_step (PigeonMimeDecoder *decoder, const guchar *in, gsize len, guchar *out)
{
  const guchar *p = in;
  const guchar *end = in + len;
  guchar *o = out;

  while (p < end)
    {
      guchar rank;

      if (decoder->n_bits == 0)
        {
          p = base64_decode_quanta (p, end, &o);
          if (p == end)
            break;
        }

      rank = base64_rank[*p++];
      if (rank < 64)
        {
          decoder->bits = decoder->bits << 6 | rank;
          if (++decoder->n_bits == 4)
            {
              o[0] = decoder->bits >> 16;
              o[1] = decoder->bits >> 8;
              o[2] = decoder->bits;
              o += 3;
              decoder->n_bits = 0;
            }
        }
      else if (rank == BASE64_PAD)
        {
          o += base64_flush (decoder->bits, decoder->n_bits, o);
          decoder->n_bits = 0;
        }
    }

  return o - out;
}

/* Quoted-printable decoding */

/* What a quoted-printable decoder holds between two pieces of input. */
enum
{
  QP_TEXT,       /* nothing */
  QP_EQUALS,     /* "=" */
  QP_HEX,        /* "=" and the hex digit in held[0] */
  QP_SOFT,       /* "=" and the whitespace in held */
  QP_SOFT_CR,    /* "=", the whitespace in held and a CR */
  QP_SPACE,      /* the whitespace in held */
  QP_SPACE_CR,   /* the whitespace in held and a CR */
  QP_LONG_SPACE, /* nothing, but inside a whitespace run too long to hold */
};

/* The octets the fast path cannot copy as they are. Whitespace is copied,
 * and taken back when a line break follows it. */
static const guchar qp_special[256] = {
  ['='] = 1,
  ['\r'] = 1,
  ['\n'] = 1,
};

static inline gboolean
is_space (guchar c)
{
  return c == ' ' || c == '\t';
}

/* The length of the line break at @p: LF or CRLF, or 0. */
static inline gsize
line_break_len (const guchar *p, const guchar *end)
{
  if (p < end && p[0] == '\n')
    return 1;
  if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
    return 2;

  return 0;
}

/* RFC 2045 6.7 (1) asks for upper-case hex; lower case is accepted as the
 * RFC suggests a robust decoder should. */
static inline int
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;

  return -1;
}

/* How much whitespace the fast path copied just before @p. */
static inline gsize
count_space_before (const guchar *p, const guchar *start)
{
  const guchar *q = p;

  while (q > start && is_space (q[-1]))
    q--;

  return p - q;
}

/* How many of the eight octets at @p come before the first special one.
 * A word has a zero octet where (v - 0x01...) & ~v has a high bit set;
 * the lowest such bit is exact. */
static inline guint
qp_plain_prefix (const guchar *p)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  guint64 v, eq, cr, lf, found;

  memcpy (&v, p, 8);
  v = GUINT64_FROM_LE (v);
  eq = v ^ (ones * '=');
  cr = v ^ (ones * '\r');
  lf = v ^ (ones * '\n');
  found = (((eq - ones) & ~eq) | ((cr - ones) & ~cr) | ((lf - ones) & ~lf)) & (ones << 7);

  return found == 0 ? 8 : __builtin_ctzll (found) / 8;
}

/* RFC 2045 6.7 (1): the octet "=XY" at @p stands for, or -1. */
static inline int
qp_escape_value (const guchar *p, const guchar *end)
{
  int high, low;

  if (end - p < 3)
    return -1;
  high = hex_value (p[1]);
  low = hex_value (p[2]);

  return high < 0 || low < 0 ? -1 : high << 4 | low;
}

/* At a line break of @n octets (LF or CRLF), RFC 2045 6.7 (3): the
 * @n_space whitespace octets copied before it are transport padding and
 * are taken back, unless too many to be that. With @n 0, a bare CR, which
 * is text. */
static inline guchar *
qp_line_end (const guchar *p, gsize n, gsize n_space, guchar *o)
{
  if (n == 0)
    {
      *o++ = '\r';
      return o;
    }
  if (n_space <= PIGEON_MIME_DECODER_MAX_HELD)
    o -= n_space;
  memcpy (o, p, n);

  return o + n;
}

/* The fast path, for the text state: copies plain octets, whitespace
 * included, and decodes what it can see whole. Returns where the state
 * machine must take over, giving it back the whitespace that ends what was
 * copied, since that may yet turn out to end a line. */
static const guchar *
qp_decode_text (const guchar *p, const guchar *end, guchar **out)
{
  const guchar *start = p;
  guchar *o = *out;
  gsize n;
  int value;

  while (p < end)
    {
      if (end - p >= 8 && (n = qp_plain_prefix (p)) > 0)
        {
          /* Copies all eight: what is past the special octet is
           * overwritten next, and fits in max_output(). */
          memcpy (o, p, 8);
          o += n;
          p += n;
        }
      else if (!qp_special[p[0]])
        *o++ = *p++;
      else if (p[0] == '=')
        {
          if ((value = qp_escape_value (p, end)) >= 0)
            {
              *o++ = value;
              p += 3;
            }
          else if ((n = line_break_len (p + 1, end)) > 0)
            p += n + 1; /* RFC 2045 6.7 (5): a soft line break */
          else
            break;
        }
      else if (p[0] == '\r' && p + 1 == end && count_space_before (p, start) > 0)
        break;
      else
        {
          n = line_break_len (p, end);
          o = qp_line_end (p, n, count_space_before (p, start), o);
          p += MAX (n, 1);
        }
    }
  n = count_space_before (p, start);
  *out = o - n;

  return p - n;
}

static inline void
qp_hold_space (PigeonMimeDecoder *decoder, guint state, guchar c)
{
  decoder->state = state;
  decoder->held[0] = c;
  decoder->n_held = 1;
}

static guchar *
qp_text_octet (PigeonMimeDecoder *decoder, guchar c, guchar *o)
{
  decoder->state = QP_TEXT;
  if (c == '=')
    decoder->state = QP_EQUALS;
  else if (is_space (c))
    qp_hold_space (decoder, QP_SPACE, c);
  else
    *o++ = c;

  return o;
}

/* Gives back the '=' and whitespace held when they turn out to be text. */
static guchar *
qp_release_held (PigeonMimeDecoder *decoder, guchar *o)
{
  if (decoder->state == QP_SOFT || decoder->state == QP_SOFT_CR)
    *o++ = '=';
  memcpy (o, decoder->held, decoder->n_held);
  o += decoder->n_held;
  decoder->n_held = 0;

  return o;
}

static guchar *
qp_after_equals (PigeonMimeDecoder *decoder, guchar c, guchar *o)
{
  if (hex_value (c) >= 0)
    {
      decoder->state = QP_HEX;
      decoder->held[0] = c;
    }
  else if (c == '\n')
    decoder->state = QP_TEXT;
  else if (c == '\r')
    decoder->state = QP_SOFT_CR;
  else if (is_space (c))
    qp_hold_space (decoder, QP_SOFT, c);
  else
    {
      *o++ = '=';
      return qp_text_octet (decoder, c, o);
    }

  return o;
}

/* RFC 2045 6.7 (1): an invalid escape is kept as it is. */
static guchar *
qp_after_hex (PigeonMimeDecoder *decoder, guchar c, guchar *o)
{
  if (hex_value (c) >= 0)
    {
      *o++ = hex_value (decoder->held[0]) << 4 | hex_value (c);
      decoder->state = QP_TEXT;
      return o;
    }
  *o++ = '=';
  *o++ = decoder->held[0];

  return qp_text_octet (decoder, c, o);
}

/* RFC 2045 6.7 (3) and (5): whitespace before a line break is transport
 * padding, and "=" followed by it is a soft line break. */
static guchar *
qp_in_space (PigeonMimeDecoder *decoder, guchar c, guchar *o)
{
  gboolean soft = decoder->state == QP_SOFT;

  if (is_space (c) && decoder->n_held < PIGEON_MIME_DECODER_MAX_HELD)
    decoder->held[decoder->n_held++] = c;
  else if (is_space (c))
    {
      o = qp_release_held (decoder, o);
      *o++ = c;
      decoder->state = QP_LONG_SPACE;
    }
  else if (c == '\n')
    {
      decoder->n_held = 0;
      decoder->state = QP_TEXT;
      if (!soft)
        *o++ = '\n';
    }
  else if (c == '\r')
    decoder->state = soft ? QP_SOFT_CR : QP_SPACE_CR;
  else
    {
      o = qp_release_held (decoder, o);
      return qp_text_octet (decoder, c, o);
    }

  return o;
}

/* Only CRLF ends a line; a bare CR is text. */
static guchar *
qp_after_cr (PigeonMimeDecoder *decoder, guchar c, guchar *o)
{
  if (c == '\n')
    {
      if (decoder->state == QP_SPACE_CR)
        {
          *o++ = '\r';
          *o++ = '\n';
        }
      decoder->n_held = 0;
      decoder->state = QP_TEXT;
      return o;
    }
  o = qp_release_held (decoder, o);
  *o++ = '\r';

  return qp_text_octet (decoder, c, o);
}

/* The state machine, one octet at a time, for what the fast path cannot
 * decide inside one piece. */
static guchar *
qp_decode_octet (PigeonMimeDecoder *decoder, guchar c, guchar *o)
{
  switch (decoder->state)
    {
    case QP_EQUALS:
      return qp_after_equals (decoder, c, o);
    case QP_HEX:
      return qp_after_hex (decoder, c, o);
    case QP_SOFT:
    case QP_SPACE:
      return qp_in_space (decoder, c, o);
    case QP_SOFT_CR:
    case QP_SPACE_CR:
      return qp_after_cr (decoder, c, o);
    case QP_LONG_SPACE:
      if (is_space (c))
        {
          *o++ = c;
          return o;
        }
      return qp_text_octet (decoder, c, o);
    default:
      return qp_text_octet (decoder, c, o);
    }
}

static gsize
qp_decode_step (PigeonMimeDecoder *decoder, const guchar *in, gsize len, guchar *out)
{
  const guchar *p = in;
  const guchar *end = in + len;
  guchar *o = out;

  while (p < end)
    {
      if (decoder->state == QP_TEXT)
        {
          p = qp_decode_text (p, end, &o);
          if (p == end)
            break;
        }
      o = qp_decode_octet (decoder, *p++, o);
    }

  return o - out;
}

/* The end of the input ends the last line: its trailing whitespace goes
 * (RFC 2045 6.7 (3)), a cut CRLF is a line break, a final '=' is the soft
 * line break of 6.7 (5) (a body's last line break belongs to the boundary
 * that follows it, RFC 2046 5.1.1), and a cut escape is kept as it is. */
static gsize
qp_decode_finish (PigeonMimeDecoder *decoder, guchar *out)
{
  switch (decoder->state)
    {
    case QP_HEX:
      out[0] = '=';
      out[1] = decoder->held[0];
      return 2;
    case QP_SPACE_CR:
      out[0] = '\r';
      return 1;
    default:
      return 0;
    }
}

/* Decoders */

void
pigeon_mime_decoder_init (PigeonMimeDecoder *decoder, PigeonMimeEncoding encoding)
{
  g_return_if_fail (decoder != NULL);

  memset (decoder, 0, sizeof *decoder);
  decoder->encoding = encoding;
  decoder->state = QP_TEXT;
}

gsize
pigeon_mime_decoder_max_output (const PigeonMimeDecoder *decoder, gsize len)
{
  g_return_val_if_fail (decoder != NULL, 0);

  switch (decoder->encoding)
    {
    case PIGEON_MIME_ENCODING_BASE64:
      /* Six bits per input octet, plus up to three pending sextets. */
      return (len / 4 + 2) * 3;
    case PIGEON_MIME_ENCODING_QUOTED_PRINTABLE:
      /* The held whitespace, with an '=' before it and a CR after it. */
      return len + PIGEON_MIME_DECODER_MAX_HELD + 2;
    default:
      return len;
    }
}

gsize
pigeon_mime_decoder_step (PigeonMimeDecoder *decoder, const guchar *in, gsize len, guchar *out)
{
  g_return_val_if_fail (decoder != NULL, 0);
  g_return_val_if_fail (in != NULL || len == 0, 0);
  g_return_val_if_fail (out != NULL || len == 0, 0);

  if (len == 0)
    return 0;

  switch (decoder->encoding)
    {
    case PIGEON_MIME_ENCODING_BASE64:
      return base64_decode_step (decoder, in, len, out);
    case PIGEON_MIME_ENCODING_QUOTED_PRINTABLE:
      return qp_decode_step (decoder, in, len, out);
    default:
      /* RFC 2045 6.2 and 6.4: identity encodings, and unknown ones, which
       * are kept as they are. */
      memcpy (out, in, len);
      return len;
    }
}

gsize
pigeon_mime_decoder_finish (PigeonMimeDecoder *decoder, guchar *out)
{
  gsize n = 0;

  g_return_val_if_fail (decoder != NULL, 0);
  g_return_val_if_fail (out != NULL, 0);

  if (decoder->encoding == PIGEON_MIME_ENCODING_BASE64)
    n = base64_flush (decoder->bits, decoder->n_bits, out);
  else if (decoder->encoding == PIGEON_MIME_ENCODING_QUOTED_PRINTABLE)
    n = qp_decode_finish (decoder, out);
  pigeon_mime_decoder_init (decoder, decoder->encoding);

  return n;
}

GBytes *
pigeon_mime_decode (PigeonMimeEncoding encoding, const guchar *data, gsize len)
{
  PigeonMimeDecoder decoder;
  guchar *out;
  gsize n;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  pigeon_mime_decoder_init (&decoder, encoding);
  /* Room for finish() too. */
  out = g_malloc (pigeon_mime_decoder_max_output (&decoder, len) + 3);
  n = pigeon_mime_decoder_step (&decoder, data, len, out);
  n += pigeon_mime_decoder_finish (&decoder, out + n);

  return g_bytes_new_take (g_realloc (out, n), n);
}

/* Encoders */

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char hex_digits[] = "0123456789ABCDEF";

/* Encodes up to BASE64_LINE_OCTETS octets as one line, padding the last
 * quantum with '=' (RFC 2045 6.8). */
static char *
base64_encode_line (const guchar *in, gsize len, char *o)
{
  gsize i;

  for (i = 0; i + 3 <= len; i += 3)
    {
      guint32 v = (guint32) in[i] << 16 | in[i + 1] << 8 | in[i + 2];

      o[0] = base64_alphabet[v >> 18];
      o[1] = base64_alphabet[v >> 12 & 63];
      o[2] = base64_alphabet[v >> 6 & 63];
      o[3] = base64_alphabet[v & 63];
      o += 4;
    }
  if (i < len)
    {
      guint32 v = (guint32) in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0);

      o[0] = base64_alphabet[v >> 18];
      o[1] = base64_alphabet[v >> 12 & 63];
      o[2] = i + 1 < len ? base64_alphabet[v >> 6 & 63] : '=';
      o[3] = '=';
      o += 4;
    }
  o[0] = '\r';
  o[1] = '\n';

  return o + 2;
}

void
pigeon_mime_encode_base64 (const guchar *data, gsize len, GString *out)
{
  gsize start;
  char *o;

  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (out != NULL);

  start = out->len;
  g_string_set_size (out, start + (len + 2) / 3 * 4 + (len + BASE64_LINE_OCTETS - 1) / BASE64_LINE_OCTETS * 2);
  o = out->str + start;
  for (gsize i = 0; i < len; i += BASE64_LINE_OCTETS)
    o = base64_encode_line (data + i, MIN (BASE64_LINE_OCTETS, len - i), o);
  g_assert (o == out->str + out->len);
}

static inline gboolean
ends_line (const guchar *p, const guchar *end)
{
  return p == end || line_break_len (p, end) > 0;
}

/* RFC 2045 6.7 (2): octets 33 to 126 but '=' stand for themselves. */
static const guchar qp_printable[256] = {
  [33 ... 60] = 1,
  [62 ... 126] = 1,
};

/* RFC 2045 6.7 (2), and (3): space and tab stand for themselves too,
 * except at the end of a line. "From " at the start of a line is escaped
 * so that an mbox file cannot take it for a separator. */
static gboolean
qp_is_literal (const guchar *p, const guchar *end, gboolean line_start)
{
  if (is_space (p[0]))
    return !ends_line (p + 1, end);
  if (line_start && end - p >= 5 && memcmp (p, "From ", 5) == 0)
    return FALSE;

  return qp_printable[p[0]];
}

/* How many octets from @p, at most @max, stand for themselves whatever
 * follows them: printable ones, and whitespace before a printable one. */
static gsize
qp_literal_run (const guchar *p, const guchar *end, gsize max)
{
  gsize n = 0;

  max = MIN (max, (gsize) (end - p));
  while (n < max && (qp_printable[p[n]] || (is_space (p[n]) && n + 1 < max && qp_printable[p[n + 1]])))
    n++;

  return n;
}

/* Appends the octet at @p, breaking the line softly first when it would
 * not fit (RFC 2045 6.7 (5): 76 characters, counting the '=' of a soft
 * break). Returns the new column. */
static gsize
qp_encode_octet (const guchar *p, const guchar *end, gsize column, GString *out)
{
  gboolean literal = qp_is_literal (p, end, column == 0);
  gsize room = ends_line (p + 1, end) ? QP_LINE_MAX : QP_LINE_MAX - 1;

  if (column + (literal ? 1 : 3) > room)
    {
      g_string_append_len (out, "=\r\n", 3);
      column = 0;
      literal = qp_is_literal (p, end, TRUE);
    }

  if (literal)
    {
      g_string_append_c (out, p[0]);
      return column + 1;
    }
  g_string_append_c (out, '=');
  g_string_append_c (out, hex_digits[p[0] >> 4]);
  g_string_append_c (out, hex_digits[p[0] & 15]);

  return column + 3;
}

void
pigeon_mime_encode_quoted_printable (const guchar *data, gsize len, GString *out)
{
  const guchar *p = data;
  const guchar *end = data + len;
  gsize column = 0;

  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (out != NULL);

  while (p < end)
    {
      gsize n = line_break_len (p, end);

      if (n > 0)
        {
          g_string_append_len (out, "\r\n", 2);
          column = 0;
          p += n;
          continue;
        }
      /* The common case, in bulk: inside a line, well short of its end. */
      n = column > 0 && column < QP_LINE_MAX - 2 ? qp_literal_run (p, end, QP_LINE_MAX - 2 - column) : 0;
      if (n > 0)
        {
          g_string_append_len (out, (const char *) p, n);
          column += n;
          p += n;
          continue;
        }
      column = qp_encode_octet (p, end, column, out);
      p++;
    }
}

/* Choosing an encoding */

typedef struct
{
  gsize printable; /* printable ASCII, tab and line breaks */
  gsize longest;   /* the longest line, line breaks excluded */
  gboolean seven_bit;
  gboolean bare_lf;
} ContentScan;

static void
scan_content (const guchar *data, gsize len, ContentScan *scan)
{
  gsize line = 0;

  *scan = (ContentScan){ .seven_bit = TRUE };
  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];

      if (c == '\n' || c == '\r')
        {
          if (c == '\n' && (i == 0 || data[i - 1] != '\r'))
            scan->bare_lf = TRUE;
          /* RFC 2045 2.7: CR only as part of CRLF. */
          if (c == '\r' && (i + 1 == len || data[i + 1] != '\n'))
            scan->seven_bit = FALSE;
          scan->longest = MAX (scan->longest, line);
          line = 0;
          scan->printable++;
          continue;
        }
      line++;
      if (c == 0 || c >= 0x80)
        scan->seven_bit = FALSE;
      if ((c >= 32 && c < 127) || c == '\t')
        scan->printable++;
    }
  scan->longest = MAX (scan->longest, line);
}

PigeonMimeEncoding
pigeon_mime_encoding_choose (const guchar *data, gsize len, gboolean is_text)
{
  ContentScan scan;

  g_return_val_if_fail (data != NULL || len == 0, PIGEON_MIME_ENCODING_BASE64);

  scan_content (data, len, &scan);
  /* RFC 2045 2.7: 7bit data is short lines of US-ASCII without NUL. */
  if (scan.seven_bit && scan.longest <= LINE_OCTETS_MAX && (is_text || !scan.bare_lf))
    return PIGEON_MIME_ENCODING_7BIT;
  /* At least 5/6 printable: quoted-printable stays readable and smaller. */
  if (is_text && len - scan.printable <= len / 6)
    return PIGEON_MIME_ENCODING_QUOTED_PRINTABLE;

  return PIGEON_MIME_ENCODING_BASE64;
}
