/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "pigeon-mime-charset.h"
#include "pigeon-mime-codec.h"
#include "pigeon-mime-header.h"
#include "pigeon-mime-lexer-private.h"

/* Longer charset labels are not labels: no registered name comes close. */
#define MAX_CHARSET_LEN 64

/* RFC 2047 2: an encoded word is at most 75 characters; "=?UTF-8?Q?" and
 * "?=" take 12 of them. */
#define WORD_MAX 75
#define WORD_PAYLOAD_MAX (WORD_MAX - 12)
#define WORD_BYTES_MAX_B (WORD_PAYLOAD_MAX / 4 * 3)

/* RFC 5322 2.1.1: lines should stay within 78 characters. */
#define FOLD_COLUMN 78

/* RFC 2231 3: a value longer than this is split into continuations. */
#define PARAM_PIECE_MAX 60

/* Parameters as read, before RFC 2231 pieces are put together: a few more
 * than PIGEON_MIME_MAX_PARAMS, since one parameter may come in pieces. */
#define MAX_RAW_PARAMS (PIGEON_MIME_MAX_PARAMS * 2)

static inline gboolean
is_wsp (char c)
{
  return c == ' ' || c == '\t';
}

/* RFC 2045 5.1: tspecials. */
static const gboolean tspecials[256] = {
  ['('] = TRUE,  [')'] = TRUE, ['<'] = TRUE, ['>'] = TRUE, ['@'] = TRUE, [','] = TRUE, [';'] = TRUE, [':'] = TRUE,
  ['\\'] = TRUE, ['"'] = TRUE, ['/'] = TRUE, ['['] = TRUE, [']'] = TRUE, ['?'] = TRUE, ['='] = TRUE,
};

/* RFC 2045 5.1: token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or
 * tspecials>. */
static inline gboolean
is_token_char (char c)
{
  return c > ' ' && c < 0x7f && !tspecials[(guchar) c];
}

/* RFC 5322 3.2.3: atext. */
static inline gboolean
is_atext (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* RFC 2231 7: attribute-char, what a percent-encoded value may hold as is. */
static inline gboolean
is_attribute_char (char c)
{
  return is_token_char (c) && c != '*' && c != '\'' && c != '%';
}

/* RFC 2047 5(3): the characters that may stand for themselves in a "Q"
 * encoded word in a phrase; fine in unstructured text too. */
static inline gboolean
is_q_safe (char c)
{
  return g_ascii_isalnum (c) || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

/* Printable ASCII and tab: text that needs no encoding. */
static inline gboolean
is_plain_char (char c)
{
  return (c >= ' ' && c < 0x7f) || c == '\t';
}

/* A decoded field value is shown and may be written again: the controls
 * that a field cannot hold (RFC 5322 2.2: CR and LF end it) become spaces,
 * wherever they came from. Tab stays. */
static void
replace_controls (char *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) p[i] < ' ' && p[i] != '\t')
      p[i] = ' ';
}

/* RFC 5322 2.2.3: unfolding removes each CRLF that precedes whitespace.
 * A CR, LF or NUL anywhere else cannot be part of a field either, so it
 * goes too. */
char *
pigeon_mime_header_unfold (const char *value, gsize len)
{
  const char *end;
  char *out, *o;

  g_return_val_if_fail (value != NULL || len == 0, NULL);

  value = value != NULL ? value : "";
  end = value + len;
  while (value < end && (is_wsp (*value) || *value == '\r' || *value == '\n'))
    value++;
  while (end > value && (is_wsp (end[-1]) || end[-1] == '\r' || end[-1] == '\n'))
    end--;

  out = o = g_malloc (end - value + 1);
  for (const char *p = value; p < end; p++)
    if (*p != '\r' && *p != '\n' && *p != '\0')
      *o++ = *p;
  *o = '\0';

  return out;
}

/* A field starts at the beginning of a line; the lines after it that
 * start with whitespace continue it (RFC 5322 2.2.3). */
char *
pigeon_mime_header_block_dup_field (const char *block, gsize len, const char *name)
{
  gsize name_len;
  const char *p, *end;

  g_return_val_if_fail (block != NULL || len == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  name_len = strlen (name);
  p = block;
  end = block + len;
  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *next = eol != NULL ? eol + 1 : end;

      if ((gsize) (end - p) > name_len && p[name_len] == ':' && g_ascii_strncasecmp (p, name, name_len) == 0)
        {
          const char *value = p + name_len + 1;

          while (next < end && is_wsp (*next))
            {
              eol = memchr (next, '\n', end - next);
              next = eol != NULL ? eol + 1 : end;
            }
          return pigeon_mime_header_unfold (value, next - value);
        }
      p = next;
    }
  return NULL;
}

/* RFC 5322 3.6.4: msg-id lists. Ids without brackets (seen in old mail)
 * are taken as whitespace-separated words; comments are dropped. */
GStrv
pigeon_mime_header_parse_msg_ids (const char *value)
{
  g_return_val_if_fail (value != NULL, NULL);

  GPtrArray *ids = g_ptr_array_new ();
  const char *p = value;

  while (*p != '\0')
    {
      const char *end;

      if (*p == ' ' || *p == '\t' || *p == ',')
        {
          p++;
          continue;
        }
      if (*p == '(')
        {
          end = strchr (p, ')');
          p = end != NULL ? end + 1 : p + strlen (p);
          continue;
        }
      if (*p == '<')
        {
          end = strchr (++p, '>');
          if (end == NULL)
            end = p + strlen (p);
        }
      else
        end = p + strcspn (p, " \t,(<");

      if (end > p)
        g_ptr_array_add (ids, g_strndup (p, end - p));
      p = *end == '>' ? end + 1 : end;
    }

  g_ptr_array_add (ids, NULL);
  return (GStrv) g_ptr_array_free (ids, FALSE);
}

/* ---- RFC 2047 decoding ---- */

typedef enum
{
  WORD_NONE,      /* not an encoded word */
  WORD_MALFORMED, /* shaped like one, but its text cannot be decoded */
  WORD_OK,
} WordKind;

typedef struct
{
  const char *charset;
  gsize charset_len;
  char encoding; /* 'B' or 'Q' */
  const char *text;
  gsize text_len;
  const char *end; /* after the "?=" */
} EncodedWord;

/* The state of one decode_words call. Adjacent words in one charset are
 * decoded as bytes at the end of @out, from @run_start on, and converted
 * together, so that a character split across two words (a common fault)
 * comes out whole. */
typedef struct
{
  GString *out;
  gsize run_start;
  gboolean run_utf8; /* the run's charset is UTF-8 or ASCII */
  char charset[MAX_CHARSET_LEN + 1];
  const char *no_close; /* no "?=" at or after this point */
} WordDecoder;

static gboolean
is_base64_text (const char *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (p[i]) && p[i] != '+' && p[i] != '/' && p[i] != '=' && !is_wsp (p[i]))
      return FALSE;
  return TRUE;
}

/* Finds the "?=" that ends an encoded word. The text runs to the first
 * one, as GMime and Thunderbird read it, so a stray '?' or space inside
 * does not break the word. A failed search is remembered: no later word
 * can end either, and hostile input stays linear. */
static const char *
find_word_close (WordDecoder *decoder, const char *p, const char *end)
{
  if (p >= decoder->no_close)
    return NULL;
  for (const char *q = p; q + 1 < end; q++)
    {
      q = memchr (q, '?', end - q - 1);
      if (q == NULL)
        break;
      if (q[1] == '=')
        return q;
    }
  decoder->no_close = p;
  return NULL;
}

/* RFC 2047 2: encoded-word = "=?" charset "?" encoding "?" encoded-text
 * "?=", with RFC 2231 5's optional "*language" after the charset. @p is
 * at the "=?". */
static WordKind
parse_encoded_word (WordDecoder *decoder, const char *p, const char *end, EncodedWord *word)
{
  const char *q = p + 2;
  const char *close;

  word->charset = q;
  while (q < end && is_token_char (*q) && *q != '*' && q - word->charset <= MAX_CHARSET_LEN)
    q++;
  word->charset_len = q - word->charset;
  if (word->charset_len == 0 || word->charset_len > MAX_CHARSET_LEN)
    return WORD_NONE;
  if (q < end && *q == '*')
    while (++q < end && is_token_char (*q))
      ;
  if (end - q < 4 || q[0] != '?' || q[2] != '?')
    return WORD_NONE;
  word->encoding = g_ascii_toupper (q[1]);
  if (word->encoding != 'B' && word->encoding != 'Q')
    return WORD_NONE;

  word->text = q + 3;
  close = find_word_close (decoder, word->text, end);
  if (close == NULL)
    return WORD_NONE;
  word->text_len = close - word->text;
  word->end = close + 2;

  if (word->encoding == 'B' && !is_base64_text (word->text, word->text_len))
    return WORD_MALFORMED;
  return WORD_OK;
}

static inline int
hex_value (char c)
{
  return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* RFC 2047 4.2: "_" is a space and "=XX" an octet; a broken escape is kept
 * as it is. The output is never longer than the input. */
static void
decode_q (const char *p, gsize len, GString *out)
{
  const char *end = p + len;
  gsize start = out->len;
  char *o;

  g_string_set_size (out, start + len);
  o = out->str + start;
  while (p < end)
    {
      if (*p == '_')
        {
          *o++ = ' ';
          p++;
        }
      else if (*p == '=' && end - p >= 3 && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          *o++ = (hex_value (p[1]) << 4) | hex_value (p[2]);
          p += 3;
        }
      else
        {
          *o++ = *p++;
        }
    }
  g_string_truncate (out, o - out->str);
}

/* RFC 2047 4.1: each word is a whole base64 text of its own. */
static void
decode_b (const char *p, gsize len, GString *out)
{
  PigeonMimeDecoder decoder;
  gsize start = out->len;
  gsize written;

  pigeon_mime_decoder_init (&decoder, PIGEON_MIME_ENCODING_BASE64);
  g_string_set_size (out, start + pigeon_mime_decoder_max_output (&decoder, len) + 3);
  written = pigeon_mime_decoder_step (&decoder, (const guchar *) p, len, (guchar *) out->str + start);
  written += pigeon_mime_decoder_finish (&decoder, (guchar *) out->str + start + written);
  g_string_truncate (out, start + written);
}

static gboolean
is_utf8_label (const char *charset)
{
  return g_ascii_strcasecmp (charset, "utf-8") == 0 || g_ascii_strcasecmp (charset, "utf8") == 0 ||
         g_ascii_strcasecmp (charset, "us-ascii") == 0;
}

/* Appends @len bytes in @charset (NULL: raw header text, UTF-8 or else
 * windows-1252) as UTF-8. UTF-8 that is valid needs no conversion. */
static void
append_converted (GString *out, const char *charset, gboolean utf8_label, const char *p, gsize len)
{
  char *utf8;

  if (utf8_label && g_utf8_validate_len (p, len, NULL))
    {
      g_string_append_len (out, p, len);
      return;
    }
  utf8 = pigeon_mime_charset_to_utf8 (charset, p, len, NULL);
  g_string_append (out, utf8);
  g_free (utf8);
}

/* Converts the run at the end of the output in place, unless it is UTF-8
 * already. */
static void
flush_run (WordDecoder *decoder)
{
  GString *out = decoder->out;
  gsize len = out->len - decoder->run_start;
  char *utf8;

  if (len == 0 || (decoder->run_utf8 && g_utf8_validate_len (out->str + decoder->run_start, len, NULL)))
    return;
  utf8 = pigeon_mime_charset_to_utf8 (decoder->charset, out->str + decoder->run_start, len, NULL);
  g_string_truncate (out, decoder->run_start);
  g_string_append (out, utf8);
  g_free (utf8);
}

/* Appends raw text between words. */
static void
append_text (WordDecoder *decoder, const char *p, const char *end)
{
  flush_run (decoder);
  if (p < end)
    append_converted (decoder->out, NULL, TRUE, p, end - p);
  decoder->run_start = decoder->out->len;
}

static void
add_word (WordDecoder *decoder, const EncodedWord *word)
{
  if (strlen (decoder->charset) != word->charset_len ||
      g_ascii_strncasecmp (decoder->charset, word->charset, word->charset_len) != 0)
    {
      flush_run (decoder);
      decoder->run_start = decoder->out->len;
      memcpy (decoder->charset, word->charset, word->charset_len);
      decoder->charset[word->charset_len] = '\0';
      decoder->run_utf8 = is_utf8_label (decoder->charset);
    }

  if (word->encoding == 'B')
    decode_b (word->text, word->text_len, decoder->out);
  else
    decode_q (word->text, word->text_len, decoder->out);
}

static gboolean
is_blank (const char *p, const char *end)
{
  for (; p < end; p++)
    if (!is_wsp (*p))
      return FALSE;
  return TRUE;
}

static const char *
find_word_start (const char *p, const char *end)
{
  while (p + 1 < end)
    {
      p = memchr (p, '=', end - p - 1);
      if (p == NULL)
        return NULL;
      if (p[1] == '?')
        return p;
      p++;
    }
  return NULL;
}

/* Text without controls, encoded words or invalid UTF-8 is its own
 * decoding: most Subjects take this path without a copy of their own. */
static gboolean
is_clean_text (const char *p, gsize len)
{
  gboolean high = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      guchar c = p[i];

      if (c < ' ' && c != '\t')
        return FALSE;
      if (c == '=' && i + 1 < len && p[i + 1] == '?')
        return FALSE;
      high |= c >= 0x80;
    }

  return !high || g_utf8_validate_len (p, len, NULL);
}

/* Encoded words are found even when text touches them ("foo=?utf-8?q?bar?="
 * reads "foobar"): RFC 2047 5 asks for whitespace around them, but GMime
 * and Thunderbird decode such words, and people read them that way. */
static char *
decode_words (const char *p, const char *end)
{
  WordDecoder decoder = { g_string_sized_new (end - p), 0, FALSE, "", end };
  const char *text = p;
  gboolean after_word = FALSE;
  EncodedWord word;

  while ((p = find_word_start (p, end)) != NULL)
    {
      WordKind kind = parse_encoded_word (&decoder, p, end, &word);

      if (kind == WORD_NONE)
        {
          p += 2;
          continue;
        }
      if (kind == WORD_MALFORMED)
        {
          p = word.end;
          continue;
        }

      /* RFC 2047 6.2: whitespace between adjacent encoded words is dropped. */
      if (!after_word || !is_blank (text, p))
        append_text (&decoder, text, p);
      add_word (&decoder, &word);
      after_word = TRUE;
      text = p = word.end;
    }

  append_text (&decoder, text, end);
  replace_controls (decoder.out->str, decoder.out->len);
  return g_string_free (decoder.out, FALSE);
}

char *
pigeon_mime_header_decode_words (const char *value, gssize len)
{
  g_return_val_if_fail (value != NULL || len == 0, NULL);

  value = value != NULL ? value : "";

  if (len < 0)
    len = strlen (value);
  if (is_clean_text (value, len))
    return g_strndup (value, len);

  return decode_words (value, value + len);
}

/* ---- RFC 2047 encoding ---- */

typedef enum
{
  ENCODE_TEXT,   /* unstructured text, RFC 2047 5(1) */
  ENCODE_PHRASE, /* a display name, RFC 2047 5(3) */
} EncodeMode;

/* The length of the UTF-8 sequence at @p, or 1 for a byte that does not
 * start a valid one, so that a word never splits a character. */
static gsize
utf8_char_len (const char *p, const char *end)
{
  gunichar c = g_utf8_get_char_validated (p, end - p);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    return 1;
  return g_utf8_next_char (p) - p;
}

static gsize
q_cost (const char *p, gsize len)
{
  gsize cost = 0;

  for (gsize i = 0; i < len; i++)
    cost += is_q_safe (p[i]) || p[i] == ' ' ? 1 : 3;
  return cost;
}

/* The end of the longest run of whole characters from @p that fits one
 * encoded word. */
static const char *
fill_word (const char *p, const char *end, gboolean base64)
{
  gsize used = 0;

  while (p < end)
    {
      gsize n = utf8_char_len (p, end);
      gsize cost = base64 ? n : q_cost (p, n);

      if (used + cost > (base64 ? WORD_BYTES_MAX_B : WORD_PAYLOAD_MAX))
        break;
      used += cost;
      p += n;
    }
  return p;
}

static void
append_q (GString *out, const char *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (is_q_safe (p[i]))
        g_string_append_c (out, p[i]);
      else if (p[i] == ' ')
        g_string_append_c (out, '_');
      else
        g_string_append_printf (out, "=%02X", (guchar) p[i]);
    }
}

static void
append_b (GString *out, const char *p, gsize len)
{
  char buf[(WORD_BYTES_MAX_B / 3 + 1) * 4 + 4];
  int state = 0;
  int save = 0;
  gsize n;

  n = g_base64_encode_step ((const guchar *) p, len, FALSE, buf, &state, &save);
  n += g_base64_encode_close (FALSE, buf + n, &state, &save);
  g_string_append_len (out, buf, n);
}

/* Encodes [@p, @end) as words of at most 75 characters separated by a
 * space, in Q or B, whichever is shorter for the whole run. */
static void
append_encoded_run (GString *out, const char *p, const char *end)
{
  gboolean base64 = (end - p + 2) / 3 * 4 < (gssize) q_cost (p, end - p);

  for (gboolean first = TRUE; p < end; first = FALSE)
    {
      const char *stop = fill_word (p, end, base64);

      if (!first)
        g_string_append_c (out, ' ');
      g_string_append (out, base64 ? "=?UTF-8?B?" : "=?UTF-8?Q?");
      if (base64)
        append_b (out, p, stop - p);
      else
        append_q (out, p, stop - p);
      g_string_append (out, "?=");
      p = stop;
    }
}

/* A word must be encoded when it is not plain ASCII, when a decoder would
 * take it for an encoded word, or, in a phrase, when it is not an atom. */
static gboolean
word_needs_encoding (const char *p, const char *end, EncodeMode mode)
{
  for (const char *q = p; q < end; q++)
    {
      if (!is_plain_char (*q) || (*q == '=' && q + 1 < end && q[1] == '?'))
        return TRUE;
      if (mode == ENCODE_PHRASE && !is_atext (*q))
        return TRUE;
    }
  return FALSE;
}

static const char *
skip_wsp (const char *p)
{
  while (is_wsp (*p))
    p++;
  return p;
}

static const char *
skip_word (const char *p)
{
  while (*p != '\0' && !is_wsp (*p))
    p++;
  return p;
}

/* The end of the run of words that need encoding, from the end of the
 * first one. */
static const char *
encoded_run_end (const char *word_end, EncodeMode mode)
{
  for (;;)
    {
      const char *next = skip_wsp (word_end);
      const char *next_end = skip_word (next);

      if (next == next_end || !word_needs_encoding (next, next_end, mode))
        return word_end;
      word_end = next_end;
    }
}

/* Words that need encoding are encoded together with the whitespace
 * between them: a decoder drops whitespace between encoded words (RFC 2047
 * 6.2), so it must be inside them. */
static char *
encode_text (const char *text, EncodeMode mode)
{
  GString *out = g_string_sized_new (strlen (text) * 2);
  const char *p = text;

  while (*p != '\0')
    {
      const char *word = skip_wsp (p);
      const char *word_end = skip_word (word);

      g_string_append_len (out, p, word - p);
      if (word == word_end)
        break;
      if (word_needs_encoding (word, word_end, mode))
        {
          word_end = encoded_run_end (word_end, mode);
          append_encoded_run (out, word, word_end);
        }
      else
        {
          g_string_append_len (out, word, word_end - word);
        }
      p = word_end;
    }

  return g_string_free (out, FALSE);
}

char *
pigeon_mime_header_encode_words (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return encode_text (text, ENCODE_TEXT);
}

/* RFC 5322 3.2.4: a quoted-string, with '"' and '\' escaped. */
static void
append_quoted (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
pigeon_mime_header_encode_phrase (const char *text)
{
  gboolean atoms = TRUE;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (!is_plain_char (*p) || (p[0] == '=' && p[1] == '?'))
        return encode_text (text, ENCODE_PHRASE);
      atoms &= is_atext (*p) || is_wsp (*p);
    }
  if (atoms)
    return g_strdup (text);

  out = g_string_sized_new (strlen (text) + 8);
  append_quoted (out, text);
  return g_string_free (out, FALSE);
}

/* ---- Writing a field ---- */

/* RFC 5322 3.6.8: field-name = 1*ftext, printable ASCII except ':'. */
static gboolean
check_field_name (const char *name, GError **error)
{
  const char *p = name;

  while (*p > ' ' && *p < 0x7f && *p != ':')
    p++;
  if (p != name && *p == '\0')
    return TRUE;

  if (*name == '\0')
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "A header field needs a name");
  else
    {
      g_autofree char *escaped = g_strescape (name, NULL);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The header field name “%s” is not allowed: a name holds only printable ASCII "
                   "characters other than “:”, without spaces or line breaks",
                   escaped);
    }
  return FALSE;
}

/* A line break in a value would end the field and start another that the
 * caller never meant to write: header injection. A NUL cannot reach us,
 * since it would end the C string. */
static gboolean
check_field_value (const char *name, const char *value, GError **error)
{
  if (strpbrk (value, "\r\n") == NULL)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "The “%s” header field was not written: its text contains a line break, "
               "which could add header fields that were never meant to be there",
               name);
  return FALSE;
}

/* RFC 5322 2.2.3: folds by putting CRLF before existing whitespace, so
 * unfolding gives back the value exactly. A word longer than a line stays
 * whole; whitespace at the end is never left alone on a line. */
static void
append_folded (GString *out, const char *value, gsize column)
{
  const char *p = value;

  while (*p != '\0')
    {
      const char *word = skip_wsp (p);
      const char *word_end = skip_word (word);

      if (word != p && word != word_end && column + (word_end - p) > FOLD_COLUMN)
        {
          g_string_append (out, "\r\n");
          column = 0;
        }
      g_string_append_len (out, p, word_end - p);
      column += word_end - p;
      p = word_end;
    }
}

char *
pigeon_mime_header_format (const char *name, const char *value, GError **error)
{
  GString *out;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_field_name (name, error) || !check_field_value (name, value, error))
    return NULL;

  out = g_string_sized_new (strlen (name) + strlen (value) + 16);
  g_string_append (out, name);
  g_string_append (out, ": ");
  append_folded (out, value, out->len);
  g_string_append (out, "\r\n");
  return g_string_free (out, FALSE);
}

/* ---- Content-Type and Content-Disposition ---- */

static void
param_free (PigeonMimeParam *param)
{
  g_free (param->name);
  g_free (param->value);
  g_free (param);
}

static PigeonMimeContentType *
content_type_new_len (const char *type, gssize type_len, const char *subtype, gssize subtype_len)
{
  PigeonMimeContentType *content_type = g_new0 (PigeonMimeContentType, 1);

  content_type->type = g_ascii_strdown (type, type_len);
  content_type->subtype = subtype != NULL ? g_ascii_strdown (subtype, subtype_len) : NULL;
  content_type->params = g_ptr_array_new_with_free_func ((GDestroyNotify) param_free);
  return content_type;
}

PigeonMimeContentType *
pigeon_mime_content_type_new (const char *type, const char *subtype)
{
  g_return_val_if_fail (type != NULL, NULL);

  return content_type_new_len (type, -1, subtype, -1);
}

void
pigeon_mime_content_type_free (PigeonMimeContentType *content_type)
{
  if (content_type == NULL)
    return;
  g_free (content_type->type);
  g_free (content_type->subtype);
  g_ptr_array_unref (content_type->params);
  g_free (content_type);
}

static PigeonMimeParam *
find_param (const PigeonMimeContentType *content_type, const char *name)
{
  for (guint i = 0; i < content_type->params->len; i++)
    {
      PigeonMimeParam *param = g_ptr_array_index (content_type->params, i);

      if (g_ascii_strcasecmp (param->name, name) == 0)
        return param;
    }
  return NULL;
}

const char *
pigeon_mime_content_type_get_param (const PigeonMimeContentType *content_type, const char *name)
{
  PigeonMimeParam *param;

  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  param = find_param (content_type, name);
  return param != NULL ? param->value : NULL;
}

static void
add_param (PigeonMimeContentType *content_type, char *name, char *value)
{
  PigeonMimeParam *param = g_new (PigeonMimeParam, 1);

  param->name = name;
  param->value = value;
  g_ptr_array_add (content_type->params, param);
}

void
pigeon_mime_content_type_set_param (PigeonMimeContentType *content_type, const char *name, const char *value)
{
  PigeonMimeParam *param;

  g_return_if_fail (content_type != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  param = find_param (content_type, name);
  if (param != NULL)
    {
      g_free (param->value);
      param->value = g_strdup (value);
      return;
    }
  add_param (content_type, g_ascii_strdown (name, -1), g_strdup (value));
}

static const char *
skip_cfws (const char *p, const char *end)
{
  while (p < end)
    {
      if (*p == '(')
        p = pigeon_mime_skip_comment (p, end, NULL);
      else if (is_wsp (*p) || *p == '\r' || *p == '\n')
        p++;
      else
        break;
    }
  return p;
}

static const char *
skip_token (const char *p, const char *end)
{
  while (p < end && is_token_char (*p))
    p++;
  return p;
}

/* One "name=value" as written, before RFC 2231 pieces are joined. */
typedef struct
{
  const char *name; /* without the "*N*" suffix */
  gsize name_len;
  int section;       /* RFC 2231 3: N of "name*N", or -1 */
  gboolean extended; /* RFC 2231 4: "name*" or "name*N*", percent-encoded */
  const char *value;
  gsize value_len;
  gboolean quoted; /* @value is the inside of a quoted-string */
} RawParam;

/* RFC 2231 3 and 4: splits "name*N*" into name, section and the encoded
 * mark. A section number longer than 3 digits is not believable, and a
 * '*' left in the name ("a**", "a*1*2") makes it junk. */
static gboolean
split_param_name (RawParam *param)
{
  const char *name = param->name;
  gsize len = param->name_len;
  gsize digits = 0;

  param->section = -1;
  param->extended = len > 1 && name[len - 1] == '*';
  if (param->extended)
    len--;
  while (digits < len - 1 && g_ascii_isdigit (name[len - 1 - digits]))
    digits++;
  if (digits > 0 && name[len - 1 - digits] == '*')
    {
      if (digits > 3)
        return FALSE;
      param->section = 0;
      for (gsize i = len - digits; i < len; i++)
        param->section = param->section * 10 + (name[i] - '0');
      len -= digits + 1;
    }
  param->name_len = len;
  return len > 0 && memchr (name, '*', len) == NULL;
}

/* RFC 2045 5.1 / RFC 5322 3.2.4: @p is at the '"'. An unterminated string
 * runs to the end. */
static const char *
scan_quoted (const char *p, const char *end, RawParam *param)
{
  param->value = ++p;
  while (p < end && *p != '"')
    p += *p == '\\' && p + 1 < end ? 2 : 1;
  param->value_len = p - param->value;
  param->quoted = TRUE;
  return p < end ? p + 1 : p;
}

/* Does a parameter ("token =") start at @p? Used to end an unquoted value
 * at a missing ';'. */
static gboolean
is_param_start (const char *p, const char *end)
{
  const char *q = skip_token (p, end);

  if (q == p)
    return FALSE;
  while (q < end && is_wsp (*q))
    q++;
  return q < end && *q == '=';
}

static inline gboolean
is_space (char c)
{
  return is_wsp (c) || c == '\r' || c == '\n';
}

/* An unquoted value should be a token, but senders write spaces in file
 * names ("name=My File.pdf") and '=' or '?' in encoded words. The value
 * runs to the next ';', unless whitespace comes first and is followed by a
 * comment, the end, or the next "name=" (a ';' left out). */
static const char *
scan_unquoted (const char *p, const char *end, RawParam *param)
{
  param->value = p;
  param->quoted = FALSE;
  while (p < end && *p != ';')
    {
      const char *next = p;

      if (!is_space (*p))
        {
          p++;
          continue;
        }
      while (next < end && is_space (*next))
        next++;
      if (next == end || *next == ';' || *next == '(' || is_param_start (next, end))
        break;
      p = next;
    }
  param->value_len = p - param->value;
  return p;
}

/* Parameters as read: a fixed array on the stack, no allocation. */
typedef struct
{
  RawParam raw[MAX_RAW_PARAMS];
  guint n_raw;
  gboolean truncated;
} ParamList;

/* RFC 2045 5.1: *(";" parameter), read leniently: stray ';', comments,
 * words without '=' and other junk are skipped, a missing ';' is
 * tolerated. */
static void
read_params (const char *p, const char *end, ParamList *list)
{
  while (p < end)
    {
      RawParam param = { 0 };

      p = skip_cfws (p, end);
      if (p == end)
        break;
      param.name = p;
      p = skip_token (p, end);
      param.name_len = p - param.name;
      if (param.name_len == 0)
        {
          p = *param.name == '"' ? scan_quoted (param.name, end, &param) : p + 1;
          continue;
        }
      p = skip_cfws (p, end);
      if (p == end || *p != '=')
        continue;
      p = skip_cfws (p + 1, end);
      p = p < end && *p == '"' ? scan_quoted (p, end, &param) : scan_unquoted (p, end, &param);
      if (!split_param_name (&param))
        continue;
      if (list->n_raw == MAX_RAW_PARAMS)
        {
          list->truncated = TRUE;
          return;
        }
      list->raw[list->n_raw++] = param;
    }
}

static gboolean
same_name (const RawParam *a, const RawParam *b)
{
  return a->name_len == b->name_len && g_ascii_strncasecmp (a->name, b->name, a->name_len) == 0;
}

/* Appends a value from @from on: quoted-pairs undone when it was quoted,
 * and with @percent, RFC 2231 "%XX" escapes decoded (a broken one is kept). */
static void
append_value (GString *out, const RawParam *param, const char *from, gboolean percent)
{
  const char *end = param->value + param->value_len;

  for (const char *p = from; p < end; p++)
    {
      if (param->quoted && *p == '\\')
        {
          if (++p == end)
            break;
          g_string_append_c (out, *p);
        }
      else if (percent && *p == '%' && end - p >= 3 && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (out, (hex_value (p[1]) << 4) | hex_value (p[2]));
          p += 2;
        }
      else
        {
          g_string_append_c (out, *p);
        }
    }
}

/* RFC 2231 4: the first piece starts "charset'language'". Returns where
 * the value starts; without both quotes there is no such prefix. */
static const char *
read_charset_prefix (const RawParam *param, char charset[MAX_CHARSET_LEN + 1])
{
  const char *end = param->value + param->value_len;
  const char *quote = memchr (param->value, '\'', param->value_len);
  const char *language_end;
  gsize len;

  if (quote == NULL || (language_end = memchr (quote + 1, '\'', end - quote - 1)) == NULL)
    return param->value;
  len = quote - param->value;
  if (len <= MAX_CHARSET_LEN)
    {
      memcpy (charset, param->value, len);
      charset[len] = '\0';
    }
  return language_end + 1;
}

/* RFC 2231 3 and 4: the pieces, in section order, are joined as bytes and
 * then converted from the charset named by the first, so a character cut
 * between pieces comes out whole. Unencoded pieces are taken as they are. */
static char *
join_rfc2231 (const RawParam **pieces, guint n_pieces)
{
  char charset[MAX_CHARSET_LEN + 1] = "";
  GString *bytes = g_string_new (NULL);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n_pieces; i++)
    {
      const char *from = pieces[i]->value;

      if (i == 0 && pieces[i]->extended)
        from = read_charset_prefix (pieces[i], charset);
      append_value (bytes, pieces[i], from, pieces[i]->extended);
    }
  append_converted (out, *charset != '\0' ? charset : NULL, *charset == '\0' || is_utf8_label (charset), bytes->str,
                    bytes->len);
  g_string_free (bytes, TRUE);
  replace_controls (out->str, out->len);
  return g_string_free (out, FALSE);
}

/* A plain value: quoted-pairs undone, then RFC 2047 words decoded. They
 * are not allowed in parameters (RFC 2047 5), but many mailers write
 * filenames that way, quoted or not. */
static char *
decode_plain_value (const RawParam *param)
{
  GString *unquoted;
  char *decoded;

  if (!param->quoted || memchr (param->value, '\\', param->value_len) == NULL)
    return pigeon_mime_header_decode_words (param->value, param->value_len);

  unquoted = g_string_sized_new (param->value_len);
  append_value (unquoted, param, param->value, FALSE);
  decoded = pigeon_mime_header_decode_words (unquoted->str, unquoted->len);
  g_string_free (unquoted, TRUE);
  return decoded;
}

/* Sorts pieces by section (insertion sort: a handful at most, and stable,
 * so the first of two equal sections comes first) and drops repeats. */
static guint
sort_sections (const RawParam **pieces, guint n_pieces)
{
  guint n = 0;

  for (guint i = 1; i < n_pieces; i++)
    {
      const RawParam *piece = pieces[i];
      guint j = i;

      for (; j > 0 && pieces[j - 1]->section > piece->section; j--)
        pieces[j] = pieces[j - 1];
      pieces[j] = piece;
    }
  for (guint i = 0; i < n_pieces; i++)
    if (n == 0 || pieces[n - 1]->section != pieces[i]->section)
      pieces[n++] = pieces[i];
  return n;
}

/* The value of the parameter named as list->raw[@first]. RFC 2231 forms
 * win over a plain "name=" of the same name, which senders add for old
 * readers; "name*=" wins over continuations; of plain duplicates, the
 * first counts. Continuations join in numeric order, with missing pieces
 * skipped. */
static char *
param_value (const ParamList *list, guint first)
{
  const RawParam *pieces[MAX_RAW_PARAMS];
  const RawParam *plain = NULL;
  const RawParam *extended = NULL;
  guint n_pieces = 0;

  for (guint i = first; i < list->n_raw; i++)
    {
      const RawParam *param = &list->raw[i];

      if (!same_name (param, &list->raw[first]))
        continue;
      if (param->section >= 0)
        pieces[n_pieces++] = param;
      else if (param->extended && extended == NULL)
        extended = param;
      else if (!param->extended && plain == NULL)
        plain = param;
    }

  if (extended != NULL)
    return join_rfc2231 (&extended, 1);
  if (n_pieces > 0)
    return join_rfc2231 (pieces, sort_sections (pieces, n_pieces));
  return decode_plain_value (plain);
}

static gboolean
seen_before (const ParamList *list, guint index)
{
  for (guint i = 0; i < index; i++)
    if (same_name (&list->raw[i], &list->raw[index]))
      return TRUE;
  return FALSE;
}

static void
add_params (PigeonMimeContentType *content_type, const ParamList *list)
{
  content_type->truncated = list->truncated;
  for (guint i = 0; i < list->n_raw; i++)
    {
      const RawParam *param = &list->raw[i];

      if (seen_before (list, i))
        continue;
      if (content_type->params->len == PIGEON_MIME_MAX_PARAMS)
        {
          content_type->truncated = TRUE;
          return;
        }
      add_param (content_type, g_ascii_strdown (param->name, param->name_len), param_value (list, i));
    }
}

/* RFC 2045 5.1 and RFC 2183 2: type ["/" subtype] *(";" parameter), with
 * comments allowed anywhere (RFC 2045 5.1: "as for RFC 822"). */
static PigeonMimeContentType *
parse_type_and_params (const char *value, gsize len, gboolean with_subtype)
{
  const char *end = value + len;
  const char *type = skip_cfws (value, end);
  const char *type_end = skip_token (type, end);
  const char *subtype = NULL;
  const char *subtype_end = NULL;
  const char *p = skip_cfws (type_end, end);
  PigeonMimeContentType *content_type;
  ParamList list;

  if (type_end == type)
    return NULL;
  if (with_subtype)
    {
      if (p == end || *p != '/')
        return NULL;
      subtype = skip_cfws (p + 1, end);
      p = subtype_end = skip_token (subtype, end);
      if (subtype_end == subtype)
        return NULL;
    }
  else if (p < end && *p == '=')
    {
      /* "filename=a.pdf": a parameter, not a disposition type. */
      return NULL;
    }

  content_type = content_type_new_len (type, type_end - type, subtype, subtype_end - subtype);
  list.n_raw = 0;
  list.truncated = FALSE;
  read_params (p, end, &list);
  add_params (content_type, &list);
  return content_type;
}

PigeonMimeContentType *
pigeon_mime_content_type_parse (const char *value, gsize len)
{
  g_return_val_if_fail (value != NULL || len == 0, NULL);

  value = value != NULL ? value : "";

  return parse_type_and_params (value, len, TRUE);
}

PigeonMimeContentType *
pigeon_mime_disposition_parse (const char *value, gsize len)
{
  g_return_val_if_fail (value != NULL || len == 0, NULL);

  value = value != NULL ? value : "";

  return parse_type_and_params (value, len, FALSE);
}

static gboolean
is_token (const char *p)
{
  if (*p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    if (!is_token_char (*p))
      return FALSE;
  return TRUE;
}

/* A value that is not printable ASCII, or that a reader would take for
 * RFC 2047 words, is written in RFC 2231 form. */
static gboolean
needs_rfc2231 (const char *p)
{
  for (; *p != '\0'; p++)
    if (!is_plain_char (*p) || (p[0] == '=' && p[1] == '?'))
      return TRUE;
  return FALSE;
}

static gsize
percent_cost (const char *p, gsize len)
{
  gsize cost = 0;

  for (gsize i = 0; i < len; i++)
    cost += is_attribute_char (p[i]) ? 1 : 3;
  return cost;
}

/* RFC 2231 4: "name*=utf-8''%E2%82%AC". A value too long for one line is
 * split into continuations, "name*0*=utf-8''...; name*1*=..." (RFC 2231 3),
 * between characters, for readers that convert each piece by itself. */
static void
append_param_rfc2231 (GString *out, const PigeonMimeParam *param)
{
  const char *p = param->value;
  const char *end = p + strlen (p);
  gboolean split = percent_cost (p, end - p) > PARAM_PIECE_MAX;

  for (guint section = 0; p < end; section++)
    {
      gsize used = 0;

      g_string_append_printf (out, "; %s*", param->name);
      if (split)
        g_string_append_printf (out, "%u*", section);
      g_string_append (out, section == 0 ? "=utf-8''" : "=");
      while (p < end)
        {
          gsize n = utf8_char_len (p, end);

          if (used > 0 && used + percent_cost (p, n) > PARAM_PIECE_MAX)
            break;
          used += percent_cost (p, n);
          for (; n > 0; n--, p++)
            {
              if (is_attribute_char (*p))
                g_string_append_c (out, *p);
              else
                g_string_append_printf (out, "%%%02X", (guchar) *p);
            }
        }
    }
}

char *
pigeon_mime_content_type_format (const PigeonMimeContentType *content_type)
{
  GString *out;

  g_return_val_if_fail (content_type != NULL, NULL);

  out = g_string_new (content_type->type);
  if (content_type->subtype != NULL)
    {
      g_string_append_c (out, '/');
      g_string_append (out, content_type->subtype);
    }
  for (guint i = 0; i < content_type->params->len; i++)
    {
      const PigeonMimeParam *param = g_ptr_array_index (content_type->params, i);

      if (needs_rfc2231 (param->value))
        {
          append_param_rfc2231 (out, param);
          continue;
        }
      g_string_append_printf (out, "; %s=", param->name);
      if (is_token (param->value))
        g_string_append (out, param->value);
      else
        append_quoted (out, param->value);
    }
  return g_string_free (out, FALSE);
}
