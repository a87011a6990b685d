/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes the CRLF (or LF) before each folding whitespace of a raw field
 * value (RFC 5322 2.2.3) and trims whitespace at both ends. A CR, LF or
 * NUL anywhere else is dropped too: a field cannot hold one. */
char *pigeon_mime_header_unfold (const char *value, gsize len);

/* The unfolded value of the first field called @name (case-insensitive)
 * in a raw header block (such as a FETCH of BODY[HEADER.FIELDS (...)]),
 * or NULL when it has none. */
char *pigeon_mime_header_block_dup_field (const char *block, gsize len, const char *name);

/* RFC 5322 3.6.4: the msg-ids of a Message-ID, In-Reply-To or References
 * value, without their angle brackets; ids without brackets (seen in old
 * mail) are taken as whitespace-separated words; comments are dropped. */
GStrv pigeon_mime_header_parse_msg_ids (const char *value);

/* RFC 2047: decodes the encoded words in an unstructured value (Subject,
 * a display name, a quoted filename) to UTF-8. Whitespace between two
 * adjacent encoded words is dropped (6.2); a malformed word stays as text;
 * raw 8-bit text is read as UTF-8 or, if invalid, windows-1252.
 * Leniently, as GMime and Thunderbird: adjacent words in one charset are
 * joined as bytes before conversion (a character split between them comes
 * out whole), a word glued to text ("foo=?utf-8?q?bar?=") is decoded, and
 * a word's text runs to the first "?=". Controls other than tab become
 * spaces (a NUL becomes U+FFFD, as the charset layer reads it). */
char *pigeon_mime_header_decode_words (const char *value, gssize len);

/* RFC 2047: encodes UTF-8 @text for an unstructured field. ASCII text
 * comes back as it is; otherwise the words that need it become
 * "=?UTF-8?Q?...?=" or "=?UTF-8?B?...?=" (the shorter), each at most 75
 * characters and never splitting a UTF-8 sequence. */
char *pigeon_mime_header_encode_words (const char *text);

/* RFC 2047 5(3): encodes a display name; a name that is ASCII but needs
 * quoting comes back as a quoted-string. */
char *pigeon_mime_header_encode_phrase (const char *text);

/* Formats "Name: value" folded at whitespace so lines stay within 78
 * columns where possible (RFC 5322 2.1.1), each line ending in CRLF.
 * Returns NULL and sets @error (G_IO_ERROR_INVALID_DATA) when @name or
 * @value contains CR, LF or NUL: header injection; also when @name is not
 * printable ASCII without ':' (RFC 5322 3.6.8). */
char *pigeon_mime_header_format (const char *name, const char *value, GError **error);

/* A parameter list of Content-Type or Content-Disposition, after RFC 2231
 * continuations are joined and charsets converted: names lower-case,
 * values UTF-8. */
typedef struct
{
  char *name;
  char *value;
} PigeonMimeParam;

typedef struct
{
  char *type;         /* lower-case; for a disposition: "inline", "attachment", ... */
  char *subtype;      /* lower-case; NULL for a disposition */
  GPtrArray *params;  /* of PigeonMimeParam */
  gboolean truncated; /* more parameters than PIGEON_MIME_MAX_PARAMS */
} PigeonMimeContentType;

#define PIGEON_MIME_MAX_PARAMS 64

/* RFC 2045 5.1: parses a Content-Type value. Returns NULL when the value
 * has no valid type/subtype (the caller applies the default, RFC 2045
 * 5.2). Parameters follow RFC 2231 (continuations "name*0*", charset and
 * language, percent escapes; the RFC 2231 form wins over a plain one of
 * the same name) and, for quoted values and leniently unquoted ones too,
 * RFC 2047 words (not standard, but common in filenames). Junk is skipped:
 * stray ';', words without '=', an unterminated quote, a missing ';'. Of
 * two plain parameters with one name, the first counts. */
PigeonMimeContentType *pigeon_mime_content_type_parse (const char *value, gsize len);
/* RFC 2183: parses a Content-Disposition value the same way (type set,
 * subtype NULL). Returns NULL when it has no disposition type. */
PigeonMimeContentType *pigeon_mime_disposition_parse (const char *value, gsize len);
PigeonMimeContentType *pigeon_mime_content_type_new (const char *type, const char *subtype);
void pigeon_mime_content_type_free (PigeonMimeContentType *content_type);
/* A parameter's value by case-insensitive name, or NULL. */
const char *pigeon_mime_content_type_get_param (const PigeonMimeContentType *content_type, const char *name);
void pigeon_mime_content_type_set_param (PigeonMimeContentType *content_type, const char *name, const char *value);
/* Formats "type/subtype; name=value ..." for a header: values quoted when
 * needed, non-ASCII values in RFC 2231 form ("name*=utf-8''..."), split
 * into continuations ("name*0*=...; name*1*=...") when long. */
char *pigeon_mime_content_type_format (const PigeonMimeContentType *content_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonMimeContentType, pigeon_mime_content_type_free)

G_END_DECLS
