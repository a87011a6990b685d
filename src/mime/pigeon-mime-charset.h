/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The canonical lower-case name for a charset label ("latin1" ->
 * "iso-8859-1", "UTF8" -> "utf-8", "x-sjis" -> "shift_jis"), or a
 * lower-cased copy when the label is not known. Never NULL. */
char *pigeon_mime_charset_canonical (const char *label);

/* Converts @len bytes (-1: NUL-terminated) in @charset to UTF-8. The result
 * is always valid UTF-8 and never NULL:
 *  - a NULL or empty charset is us-ascii, read as UTF-8 when it is valid;
 *  - us-ascii and utf-8 input that is valid UTF-8 is copied;
 *  - some charsets are read as the superset their label means in mail:
 *    iso-8859-1 as windows-1252, gb2312 and gbk as gb18030, shift_jis as
 *    cp932, euc-kr as cp949, big5 as big5-hkscs, tis-620 as windows-874;
 *  - an unknown charset falls back to UTF-8 where valid and windows-1252
 *    otherwise, and so does each octet of us-ascii or utf-8 input that is
 *    not valid UTF-8; an octet sequence another charset cannot decode
 *    becomes one U+FFFD per octet, as does a NUL; all of these set
 *    *@fallback to TRUE (when @fallback is not NULL) so the caller can
 *    mark the text.
 * Safe to call from any thread. */
char *pigeon_mime_charset_to_utf8 (const char *charset, const char *data, gssize len, gboolean *fallback);

/* Converts UTF-8 @text (-1: NUL-terminated) to @charset, exactly (no
 * superset), or returns NULL if the charset is unknown or cannot represent
 * all of @text. Safe to call from any thread. */
GBytes *pigeon_mime_charset_from_utf8 (const char *charset, const char *text, gssize len);

G_END_DECLS
