/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-tool"

#include "config.h"

#include "pigeon-json-writer.h"

static char *
escape (const char *value, gsize len)
{
  GString *out = g_string_new (NULL);

  pigeon_json_append_string (out, value, len);
  return g_string_free (out, FALSE);
}

static void
test_escape_specials (void)
{
  g_autofree char *quoted = escape ("a\"b\\c/", 6);
  g_autofree char *controls = escape ("\n\r\t\b\f\x01\x1f\x7f", 8);
  g_autofree char *nul = escape ("a\0b", 3);

  g_assert_cmpstr (quoted, ==, "\"a\\\"b\\\\c/\"");
  g_assert_cmpstr (controls, ==, "\"\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f\"");
  g_assert_cmpstr (nul, ==, "\"a\\u0000b\"");
}

static void
test_escape_utf8 (void)
{
  const char *text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa6";
  g_autofree char *valid = escape (text, strlen (text));
  g_autofree char *invalid = escape ("a\xff"
                                     "b\xc3",
                                     4);
  g_autofree char *overlong = escape ("\xc0\xaf\xed\xa0\x80", 5);

  g_assert_cmpstr (valid, ==, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa6\"");
  g_assert_cmpstr (invalid, ==,
                   "\"a\xef\xbf\xbd"
                   "b\xef\xbf\xbd\"");
  /* An overlong slash and a UTF-16 surrogate are not UTF-8. */
  g_assert_true (g_utf8_validate (overlong, -1, NULL));
  g_assert_null (strstr (overlong, "/"));
}

static void
test_structure (void)
{
  g_autoptr (PigeonJsonWriter) writer = pigeon_json_writer_new (FALSE);

  pigeon_json_writer_begin_object (writer);
  pigeon_json_writer_member (writer, "a");
  pigeon_json_writer_int (writer, -5);
  pigeon_json_writer_member (writer, "b");
  pigeon_json_writer_begin_array (writer);
  pigeon_json_writer_string (writer, NULL);
  pigeon_json_writer_boolean (writer, TRUE);
  pigeon_json_writer_begin_object (writer);
  pigeon_json_writer_end_object (writer);
  pigeon_json_writer_begin_array (writer);
  pigeon_json_writer_end_array (writer);
  pigeon_json_writer_end_array (writer);
  pigeon_json_writer_member (writer, "c\n");
  pigeon_json_writer_string_len (writer, "x\0y", 3);
  pigeon_json_writer_end_object (writer);

  g_assert_cmpstr (pigeon_json_writer_get_text (writer, NULL), ==,
                   "{\"a\":-5,\"b\":[null,true,{},[]],\"c\\n\":\"x\\u0000y\"}");
}

static void
test_pretty (void)
{
  g_autoptr (PigeonJsonWriter) writer = pigeon_json_writer_new (TRUE);

  pigeon_json_writer_begin_object (writer);
  pigeon_json_writer_member (writer, "a");
  pigeon_json_writer_begin_array (writer);
  pigeon_json_writer_int (writer, 1);
  pigeon_json_writer_int (writer, 2);
  pigeon_json_writer_end_array (writer);
  pigeon_json_writer_member (writer, "b");
  pigeon_json_writer_begin_object (writer);
  pigeon_json_writer_end_object (writer);
  pigeon_json_writer_end_object (writer);

  g_assert_cmpstr (pigeon_json_writer_get_text (writer, NULL), ==,
                   "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tool/json-writer/escape-specials", test_escape_specials);
  g_test_add_func ("/tool/json-writer/escape-utf8", test_escape_utf8);
  g_test_add_func ("/tool/json-writer/structure", test_structure);
  g_test_add_func ("/tool/json-writer/pretty", test_pretty);

  return g_test_run ();
}
