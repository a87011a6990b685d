/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One displayed line of a text/plain body: its text without the quote
 * markers, and how deeply it is quoted (0 = not quoted). */
typedef struct
{
  guint quote_level;
  char *text;
} PigeonTextLine;

void pigeon_text_line_free (PigeonTextLine *line);

/* Splits @text (UTF-8, LF or CRLF line ends) into PigeonTextLine records.
 * With @flowed (RFC 3676 format=flowed), soft line breaks are joined into
 * paragraphs, space-stuffing is undone and, with @delsp, the space before a
 * soft break is deleted. Without it, every line is kept as written and
 * "> > " markers still give the quote level. */
GPtrArray *pigeon_plain_text_parse (const char *text, gboolean flowed, gboolean delsp);

/* Finds the next http, https or mailto link in @text at or after byte
 * @from: TRUE with its byte range [*start, *end). Trailing punctuation that
 * ends a sentence is not part of the link. */
gboolean pigeon_plain_text_find_link (const char *text, gsize from, gsize *start, gsize *end);

/* Pango markup for @text: the text escaped, with each link found by
 * pigeon_plain_text_find_link() made an <a href>. The text itself is never
 * read as markup. */
char *pigeon_plain_text_to_markup (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonTextLine, pigeon_text_line_free)

G_END_DECLS
