/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "pigeon-mime-charset.h"

/* How a charset is read. */
typedef enum
{
  READ_UTF8,      /* UTF-8 where valid, windows-1252 otherwise */
  READ_CP1252,    /* the built-in windows-1252 table */
  READ_ICONV,     /* iconv; ASCII input is copied as it is */
  READ_ICONV_ALL, /* iconv, even for ASCII: UTF-7, UTF-16, ISO-2022 escapes */
} ReadKind;

typedef struct
{
  const char *name;    /* canonical, and the iconv name for writing */
  const char *read_as; /* the iconv name for reading, when a superset */
  ReadKind kind;
} Charset;

/* The superset readers follow the WHATWG Encoding Standard, which matches
 * what mail in the wild means: iso-8859-1 and us-ascii are written by
 * Windows as windows-1252, shift_jis as cp932, gb2312 as gbk (in turn a
 * subset of gb18030), big5 with the HKSCS extensions, euc-kr as cp949. */
static const Charset charsets[] = {
  { "utf-8", NULL, READ_UTF8 },           { "us-ascii", NULL, READ_UTF8 },
  { "iso-8859-1", NULL, READ_CP1252 },    { "windows-1252", NULL, READ_CP1252 },
  { "iso-8859-2", NULL, READ_ICONV },     { "iso-8859-3", NULL, READ_ICONV },
  { "iso-8859-4", NULL, READ_ICONV },     { "iso-8859-5", NULL, READ_ICONV },
  { "iso-8859-6", NULL, READ_ICONV },     { "iso-8859-7", NULL, READ_ICONV },
  { "iso-8859-8", NULL, READ_ICONV },     { "iso-8859-9", NULL, READ_ICONV },
  { "iso-8859-10", NULL, READ_ICONV },    { "iso-8859-11", NULL, READ_ICONV },
  { "iso-8859-13", NULL, READ_ICONV },    { "iso-8859-14", NULL, READ_ICONV },
  { "iso-8859-15", NULL, READ_ICONV },    { "iso-8859-16", NULL, READ_ICONV },
  { "windows-874", "cp874", READ_ICONV }, { "windows-1250", NULL, READ_ICONV },
  { "windows-1251", NULL, READ_ICONV },   { "windows-1253", NULL, READ_ICONV },
  { "windows-1254", NULL, READ_ICONV },   { "windows-1255", NULL, READ_ICONV },
  { "windows-1256", NULL, READ_ICONV },   { "windows-1257", NULL, READ_ICONV },
  { "windows-1258", NULL, READ_ICONV },   { "koi8-r", NULL, READ_ICONV },
  { "koi8-u", NULL, READ_ICONV },         { "shift_jis", "cp932", READ_ICONV },
  { "euc-jp", NULL, READ_ICONV },         { "iso-2022-jp", "iso-2022-jp-2", READ_ICONV_ALL },
  { "gb2312", "gb18030", READ_ICONV },    { "gbk", "gb18030", READ_ICONV },
  { "gb18030", NULL, READ_ICONV },        { "big5", "big5-hkscs", READ_ICONV },
  { "big5-hkscs", NULL, READ_ICONV },     { "euc-kr", "cp949", READ_ICONV },
  { "tis-620", "cp874", READ_ICONV },     { "utf-7", NULL, READ_ICONV_ALL },
  { "utf-16", NULL, READ_ICONV_ALL },     { "utf-16be", NULL, READ_ICONV_ALL },
  { "utf-16le", NULL, READ_ICONV_ALL },   { "utf-32", NULL, READ_ICONV_ALL },
  { "utf-32be", NULL, READ_ICONV_ALL },   { "utf-32le", NULL, READ_ICONV_ALL },
};

/* Labels seen in mail for the charsets above, after the IANA registry and
 * the WHATWG Encoding Standard. "x-" prefixes, the iso-8859 spellings and
 * cpNNNN for windows-NNNN are handled by charset_lookup(). */
static const struct
{
  const char *label;
  const char *name;
} aliases[] = {
  { "utf8", "utf-8" },
  { "unicode-1-1-utf-8", "utf-8" },
  { "unicode11utf8", "utf-8" },
  { "unicode20utf8", "utf-8" },
  { "ascii", "us-ascii" },
  { "us", "us-ascii" },
  { "ansi_x3.4-1968", "us-ascii" },
  { "ansi_x3.4-1986", "us-ascii" },
  { "iso646-us", "us-ascii" },
  { "iso-ir-6", "us-ascii" },
  { "iso_646.irv:1991", "us-ascii" },
  { "cp367", "us-ascii" },
  { "ibm367", "us-ascii" },
  { "csascii", "us-ascii" },
  { "latin1", "iso-8859-1" },
  { "latin-1", "iso-8859-1" },
  { "l1", "iso-8859-1" },
  { "iso-ir-100", "iso-8859-1" },
  { "cp819", "iso-8859-1" },
  { "ibm819", "iso-8859-1" },
  { "csisolatin1", "iso-8859-1" },
  { "latin2", "iso-8859-2" },
  { "l2", "iso-8859-2" },
  { "iso-ir-101", "iso-8859-2" },
  { "csisolatin2", "iso-8859-2" },
  { "latin3", "iso-8859-3" },
  { "l3", "iso-8859-3" },
  { "latin4", "iso-8859-4" },
  { "l4", "iso-8859-4" },
  { "cyrillic", "iso-8859-5" },
  { "iso-ir-144", "iso-8859-5" },
  { "arabic", "iso-8859-6" },
  { "iso-ir-127", "iso-8859-6" },
  { "ecma-114", "iso-8859-6" },
  { "asmo-708", "iso-8859-6" },
  { "greek", "iso-8859-7" },
  { "greek8", "iso-8859-7" },
  { "iso-ir-126", "iso-8859-7" },
  { "ecma-118", "iso-8859-7" },
  { "elot_928", "iso-8859-7" },
  { "hebrew", "iso-8859-8" },
  { "iso-ir-138", "iso-8859-8" },
  { "visual", "iso-8859-8" },
  { "logical", "iso-8859-8" },
  { "latin5", "iso-8859-9" },
  { "l5", "iso-8859-9" },
  { "latin6", "iso-8859-10" },
  { "l6", "iso-8859-10" },
  { "latin7", "iso-8859-13" },
  { "l7", "iso-8859-13" },
  { "latin8", "iso-8859-14" },
  { "l8", "iso-8859-14" },
  { "latin9", "iso-8859-15" },
  { "latin-9", "iso-8859-15" },
  { "l9", "iso-8859-15" },
  { "latin10", "iso-8859-16" },
  { "l10", "iso-8859-16" },
  { "koi8r", "koi8-r" },
  { "koi8", "koi8-r" },
  { "koi", "koi8-r" },
  { "cskoi8r", "koi8-r" },
  { "koi8u", "koi8-u" },
  { "koi8-ru", "koi8-u" },
  { "shift-jis", "shift_jis" },
  { "sjis", "shift_jis" },
  { "ms_kanji", "shift_jis" },
  { "csshiftjis", "shift_jis" },
  { "windows-31j", "shift_jis" },
  { "cp932", "shift_jis" },
  { "ms932", "shift_jis" },
  { "eucjp", "euc-jp" },
  { "ujis", "euc-jp" },
  { "cseucpkdfmtjapanese", "euc-jp" },
  { "csiso2022jp", "iso-2022-jp" },
  { "euc-cn", "gb2312" },
  { "euccn", "gb2312" },
  { "csgb2312", "gb2312" },
  { "gb_2312", "gb2312" },
  { "gb_2312-80", "gb2312" },
  { "chinese", "gb2312" },
  { "iso-ir-58", "gb2312" },
  { "csiso58gb231280", "gb2312" },
  { "cp936", "gbk" },
  { "ms936", "gbk" },
  { "windows-936", "gbk" },
  { "gb-18030", "gb18030" },
  { "big-5", "big5" },
  { "big-five", "big5" },
  { "bigfive", "big5" },
  { "cn-big5", "big5" },
  { "csbig5", "big5" },
  { "cp950", "big5" },
  { "big5hkscs", "big5-hkscs" },
  { "euckr", "euc-kr" },
  { "cseuckr", "euc-kr" },
  { "ks_c_5601", "euc-kr" },
  { "ks_c_5601-1987", "euc-kr" },
  { "ks_c_5601-1989", "euc-kr" },
  { "ksc5601", "euc-kr" },
  { "ksc_5601", "euc-kr" },
  { "csksc56011987", "euc-kr" },
  { "iso-ir-149", "euc-kr" },
  { "korean", "euc-kr" },
  { "cp949", "euc-kr" },
  { "windows-949", "euc-kr" },
  { "uhc", "euc-kr" },
  { "tis620", "tis-620" },
  { "tis620-0", "tis-620" },
  { "tis620.2529-1", "tis-620" },
  { "tis620.2533-0", "tis-620" },
  { "iso-ir-166", "tis-620" },
  { "utf7", "utf-7" },
  { "unicode-1-1-utf-7", "utf-7" },
  { "csunicode11utf7", "utf-7" },
  { "utf16", "utf-16" },
  { "utf16be", "utf-16be" },
  { "utf16le", "utf-16le" },
  { "utf32", "utf-32" },
  { "utf32be", "utf-32be" },
  { "utf32le", "utf-32le" },
};

/* Labels and canonical names to their Charset; built once, then only read. */
static GHashTable *
charset_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);

      for (gsize i = 0; i < G_N_ELEMENTS (charsets); i++)
        g_hash_table_insert (t, (gpointer) charsets[i].name, (gpointer) &charsets[i]);
      for (gsize i = 0; i < G_N_ELEMENTS (aliases); i++)
        {
          g_assert (g_hash_table_contains (t, aliases[i].name));
          g_hash_table_insert (t, (gpointer) aliases[i].label, g_hash_table_lookup (t, aliases[i].name));
        }
      g_once_init_leave (&table, t);
    }

  return table;
}

static const char *
skip_separator (const char *p)
{
  return *p == '-' || *p == '_' || *p == ' ' ? p + 1 : p;
}

/* What may follow the part number: a year ("iso_8859-1:1987"), or the
 * RFC 1556 direction of Hebrew and Arabic text, which does not change the
 * mapping ("iso-8859-8-i"). */
static gboolean
is_iso8859_suffix (const char *p)
{
  if (*p == ':')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        ;
      return *p == '\0';
    }

  return *p == '\0' || strcmp (p, "-i") == 0 || strcmp (p, "-e") == 0;
}

/* "iso-8859-2", "iso8859-2", "iso_8859-2:1987", "iso8859_2", ... */
static const Charset *
lookup_iso8859 (const char *label)
{
  char name[24];
  const char *p;
  char *end;
  guint64 part;

  if (!g_str_has_prefix (label, "iso"))
    return NULL;
  p = skip_separator (label + 3);
  if (!g_str_has_prefix (p, "8859"))
    return NULL;
  p = skip_separator (p + 4);
  if (!g_ascii_isdigit (*p))
    return NULL;
  part = g_ascii_strtoull (p, &end, 10);
  if (part > 99 || !is_iso8859_suffix (end))
    return NULL;
  g_snprintf (name, sizeof name, "iso-8859-%u", (guint) part);

  return g_hash_table_lookup (charset_table (), name);
}

/* "cp1251", "cp-1251", "win-1251", "windows1251", ... for windows-NNNN. */
static const Charset *
lookup_windows (const char *label)
{
  static const char *const prefixes[] = { "windows-", "windows", "win-", "win", "cp-", "cp" };
  char name[24];

  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      const char *digits;
      gsize n;

      if (!g_str_has_prefix (label, prefixes[i]))
        continue;
      digits = label + strlen (prefixes[i]);
      n = strspn (digits, "0123456789");
      if (n >= 3 && n <= 4 && digits[n] == '\0')
        {
          g_snprintf (name, sizeof name, "windows-%s", digits);
          return g_hash_table_lookup (charset_table (), name);
        }
    }

  return NULL;
}

/* @label is lower case. */
static const Charset *
charset_lookup (const char *label)
{
  for (;;)
    {
      const Charset *charset = g_hash_table_lookup (charset_table (), label);

      if (charset == NULL)
        charset = lookup_iso8859 (label);
      if (charset == NULL)
        charset = lookup_windows (label);
      /* RFC 2046 4.1.2: "x-" marks a private name; the rest is often a
       * known one. */
      if (charset != NULL || !g_str_has_prefix (label, "x-"))
        return charset;
      label += 2;
    }
}

static char *
normalize_label (const char *label)
{
  return g_strstrip (g_ascii_strdown (label, -1));
}

char *
pigeon_mime_charset_canonical (const char *label)
{
  g_autofree char *lower = NULL;
  const Charset *charset;

  g_return_val_if_fail (label != NULL, NULL);

  lower = normalize_label (label);
  charset = charset_lookup (lower);

  return charset != NULL ? g_strdup (charset->name) : g_steal_pointer (&lower);
}

/* A cache of open iconv descriptors */

/* Opening a descriptor costs microseconds, as much as converting a whole
 * line; mail reuses a few charsets over and over. A descriptor taken from
 * the cache belongs to one thread until it is given back. */
#define ICONV_CACHE_SIZE 8

typedef struct
{
  char *to; /* NULL: the slot is empty */
  char *from;
  GIConv cd;
} IconvSlot;

G_LOCK_DEFINE_STATIC (iconv_cache);
static IconvSlot iconv_cache[ICONV_CACHE_SIZE];
static guint iconv_cache_next;

/* A name from a message goes to iconv_open() only when it looks like a
 * charset name: no "//TRANSLIT" suffixes, no paths. */
static gboolean
is_iconv_name (const char *name)
{
  gsize len = strlen (name);

  return len > 0 && len <= 40 && strspn (name, "abcdefghijklmnopqrstuvwxyz0123456789-_.:+()") == len;
}

static GIConv
iconv_take (const char *to, const char *from)
{
  GIConv cd = (GIConv) -1;

  G_LOCK (iconv_cache);
  for (guint i = 0; i < ICONV_CACHE_SIZE; i++)
    {
      IconvSlot *slot = &iconv_cache[i];

      if (slot->to != NULL && strcmp (slot->to, to) == 0 && strcmp (slot->from, from) == 0)
        {
          cd = slot->cd;
          g_clear_pointer (&slot->to, g_free);
          g_clear_pointer (&slot->from, g_free);
          break;
        }
    }
  G_UNLOCK (iconv_cache);

  if (cd == (GIConv) -1)
    return g_iconv_open (to, from);
  /* A stateful decoder may have been left inside a shift sequence. */
  g_iconv (cd, NULL, NULL, NULL, NULL);

  return cd;
}

static void
iconv_give_back (GIConv cd, const char *to, const char *from)
{
  IconvSlot evicted = { NULL };
  IconvSlot *slot = NULL;

  G_LOCK (iconv_cache);
  for (guint i = 0; i < ICONV_CACHE_SIZE && slot == NULL; i++)
    {
      if (iconv_cache[i].to == NULL)
        slot = &iconv_cache[i];
    }
  if (slot == NULL)
    {
      slot = &iconv_cache[iconv_cache_next];
      iconv_cache_next = (iconv_cache_next + 1) % ICONV_CACHE_SIZE;
      evicted = *slot;
    }
  *slot = (IconvSlot){ g_strdup (to), g_strdup (from), cd };
  G_UNLOCK (iconv_cache);

  if (evicted.to != NULL)
    {
      g_iconv_close (evicted.cd);
      g_free (evicted.to);
      g_free (evicted.from);
    }
}

/* Converts @in_left octets at @in through @cd, appending to @out. Each
 * octet of a sequence @cd cannot convert is replaced by @replacement and
 * counted in *@replaced, or fails the conversion when @replacement is
 * NULL. */
static gboolean
iconv_run (GIConv cd, const char *in, gsize in_left, const char *replacement, GString *out, gboolean *replaced)
{
  char *in_p = (char *) in;
  gsize done = out->len;

  for (;;)
    {
      gboolean flushing = in_left == 0;
      char *out_p;
      gsize out_left;
      gsize ret;
      int saved_errno;

      g_string_set_size (out, done + in_left + in_left / 2 + 16);
      out_p = out->str + done;
      out_left = out->len - done;
      /* With no input, iconv writes what ends a shift state. */
      ret = g_iconv (cd, flushing ? NULL : &in_p, &in_left, &out_p, &out_left);
      saved_errno = errno;
      done = out_p - out->str;
      g_string_truncate (out, done);

      if (ret != (gsize) -1 && flushing)
        return TRUE;
      if (ret != (gsize) -1 || saved_errno == E2BIG)
        continue;
      /* EILSEQ, or EINVAL for a sequence cut by the end. */
      if (flushing || replacement == NULL)
        return FALSE;
      g_string_append (out, replacement);
      done = out->len;
      in_p++;
      in_left--;
      *replaced = TRUE;
    }
}

/* Reading */

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

/* WHATWG windows-1252: 0x80 to 0x9f; the five holes map to C1 controls. */
static const guint16 cp1252_high[32] = {
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
  0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
  0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

/* Writes a windows-1252 octet as UTF-8; a NUL, which would end the string
 * early, becomes U+FFFD. Returns the end. */
static inline char *
put_cp1252 (guchar c, char *o, gboolean *replaced)
{
  gunichar u = c >= 0x80 && c < 0xa0 ? cp1252_high[c - 0x80] : c;

  if (c == 0)
    {
      *replaced = TRUE;
      memcpy (o, REPLACEMENT_CHARACTER, 3);
      return o + 3;
    }
  if (u < 0x80)
    *o++ = u;
  else if (u < 0x800)
    {
      *o++ = 0xc0 | u >> 6;
      *o++ = 0x80 | (u & 0x3f);
    }
  else
    {
      *o++ = 0xe0 | u >> 12;
      *o++ = 0x80 | (u >> 6 & 0x3f);
      *o++ = 0x80 | (u & 0x3f);
    }

  return o;
}

/* No octet is 0 or above 0x7f, checked eight at a time: a word has one
 * when (v - 0x01...) | v has a high bit set. */
static gboolean
is_plain_ascii (const char *data, gsize len)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 v;

      memcpy (&v, data + i, 8);
      if (((v - ones) | v) & (ones << 7))
        return FALSE;
    }
  for (; i < len; i++)
    {
      if ((guchar) (data[i] - 1) >= 0x7f)
        return FALSE;
    }

  return TRUE;
}

static char *
read_cp1252 (const char *data, gsize len, gboolean *replaced)
{
  char *text = g_malloc_n (len + 1, 3);
  char *o = text;

  for (gsize i = 0; i < len; i++)
    o = put_cp1252 (data[i], o, replaced);
  *o = '\0';

  return g_realloc (text, o - text + 1);
}

/* UTF-8 where it is valid, and each octet where it is not read as
 * windows-1252: right for Latin-1 labelled as UTF-8, and for UTF-8 with a
 * few broken octets. */
static char *
read_utf8 (const char *data, gsize len, gboolean *replaced)
{
  const char *valid_end;
  char *text;
  char *o;

  if (g_utf8_validate_len (data, len, &valid_end))
    return g_strndup (data, len);

  o = text = g_malloc_n (len + 1, 3);
  for (;;)
    {
      gsize n = valid_end - data;

      memcpy (o, data, n);
      o += n;
      data += n;
      len -= n;
      if (len == 0)
        break;
      *replaced = TRUE;
      o = put_cp1252 (*data++, o, replaced);
      len--;
      g_utf8_validate_len (data, len, &valid_end);
    }
  *o = '\0';

  return g_realloc (text, o - text + 1);
}

/* iconv writes U+0000 for a NUL; it would end the string early. */
static GString *
replace_nuls (GString *text, gboolean *replaced)
{
  GString *out = g_string_sized_new (text->len + 16);
  const char *p = text->str;
  const char *end = text->str + text->len;
  const char *nul;

  while ((nul = memchr (p, '\0', end - p)) != NULL)
    {
      g_string_append_len (out, p, nul - p);
      g_string_append (out, REPLACEMENT_CHARACTER);
      p = nul + 1;
    }
  g_string_append_len (out, p, end - p);
  g_string_free (text, TRUE);
  *replaced = TRUE;

  return out;
}

/* NULL when iconv does not know @name. */
static char *
read_iconv (const char *name, const char *data, gsize len, gboolean *replaced)
{
  GIConv cd;
  GString *text;
  gboolean ok;

  if (!is_iconv_name (name) || (cd = iconv_take ("utf-8", name)) == (GIConv) -1)
    return NULL;

  text = g_string_sized_new (len + len / 2 + 16);
  ok = iconv_run (cd, data, len, REPLACEMENT_CHARACTER, text, replaced);
  iconv_give_back (cd, "utf-8", name);
  if (!ok)
    {
      g_string_free (text, TRUE);
      return NULL;
    }
  /* Some labels reach a converter that passes invalid bytes through
   * ("utf+-8" is taken for UTF-8): the promise of valid UTF-8 is ours. */
  if (!g_utf8_validate_len (text->str, text->len, NULL))
    {
      g_autofree char *repaired = g_utf8_make_valid (text->str, text->len);

      g_string_assign (text, repaired);
      *replaced = TRUE;
    }
  if (memchr (text->str, '\0', text->len) != NULL)
    text = replace_nuls (text, replaced);

  return g_string_free (text, FALSE);
}

/* NULL when the charset is unknown. */
static char *
read_charset (const Charset *charset, const char *label, const char *data, gsize len, gboolean *replaced)
{
  if (charset == NULL)
    return read_iconv (label, data, len, replaced);
  if (charset->kind == READ_UTF8)
    return read_utf8 (data, len, replaced);
  if (charset->kind != READ_ICONV_ALL && is_plain_ascii (data, len))
    return g_strndup (data, len);
  if (charset->kind == READ_CP1252)
    return read_cp1252 (data, len, replaced);

  return read_iconv (charset->read_as != NULL ? charset->read_as : charset->name, data, len, replaced);
}

char *
pigeon_mime_charset_to_utf8 (const char *charset, const char *data, gssize len, gboolean *fallback)
{
  g_autofree char *label = NULL;
  gboolean replaced = FALSE;
  char *text;

  g_return_val_if_fail (data != NULL || len == 0, g_strdup (""));

  if (len < 0)
    len = strlen (data);
  if (fallback != NULL)
    *fallback = FALSE;
  if (len == 0)
    return g_strdup ("");

  /* RFC 2046 4.1.2: no charset means us-ascii. */
  label = normalize_label (charset != NULL && charset[0] != '\0' ? charset : "us-ascii");
  text = read_charset (charset_lookup (label), label, data, len, &replaced);
  if (text == NULL)
    {
      text = read_utf8 (data, len, &replaced);
      replaced = TRUE;
    }
  if (fallback != NULL)
    *fallback = replaced;

  return text;
}

/* Writing */

GBytes *
pigeon_mime_charset_from_utf8 (const char *charset, const char *text, gssize len)
{
  g_autofree char *label = NULL;
  const Charset *known;
  const char *name;
  GIConv cd;
  GString *out;
  gboolean ok;

  g_return_val_if_fail (charset != NULL, NULL);
  g_return_val_if_fail (text != NULL || len == 0, NULL);

  if (len < 0)
    len = strlen (text);

  label = normalize_label (charset);
  known = charset_lookup (label);
  name = known != NULL ? known->name : label;
  if (strcmp (name, "utf-8") == 0)
    return g_bytes_new (text, len);
  if (!is_iconv_name (name) || (cd = iconv_take (name, "utf-8")) == (GIConv) -1)
    return NULL;

  out = g_string_sized_new (len + 16);
  ok = iconv_run (cd, text, len, NULL, out, NULL);
  iconv_give_back (cd, name, "utf-8");
  if (!ok)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free_to_bytes (out);
}
