/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small streaming JSON writer (RFC 8259) into a GString. It places the
 * commas and colons itself; the caller only opens, names and closes.
 * Strings are escaped, and bytes that are not valid UTF-8 are written as
 * U+FFFD, so the output is always valid JSON in UTF-8. */
typedef struct _PigeonJsonWriter PigeonJsonWriter;

PigeonJsonWriter *pigeon_json_writer_new (gboolean pretty);
void pigeon_json_writer_free (PigeonJsonWriter *self);

void pigeon_json_writer_begin_object (PigeonJsonWriter *self);
void pigeon_json_writer_end_object (PigeonJsonWriter *self);
void pigeon_json_writer_begin_array (PigeonJsonWriter *self);
void pigeon_json_writer_end_array (PigeonJsonWriter *self);
/* Names the next value of the enclosing object. */
void pigeon_json_writer_member (PigeonJsonWriter *self, const char *name);

/* @value may be NULL: it is written as null. */
void pigeon_json_writer_string (PigeonJsonWriter *self, const char *value);
/* @len bytes of @value, which may hold NUL bytes. */
void pigeon_json_writer_string_len (PigeonJsonWriter *self, const char *value, gsize len);
void pigeon_json_writer_int (PigeonJsonWriter *self, gint64 value);
void pigeon_json_writer_boolean (PigeonJsonWriter *self, gboolean value);
void pigeon_json_writer_null (PigeonJsonWriter *self);

/* The text written so far; valid once every object and array is closed. */
const char *pigeon_json_writer_get_text (PigeonJsonWriter *self, gsize *len);

/* Appends @len bytes of @value to @out as a JSON string, quotes included. */
void pigeon_json_append_string (GString *out, const char *value, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PigeonJsonWriter, pigeon_json_writer_free)

G_END_DECLS
