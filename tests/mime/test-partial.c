/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <string.h>

#include "pigeon-mime-partial.h"

static PigeonMimeMessage *
parse (const char *text)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));

  return pigeon_mime_message_new_from_bytes (bytes, NULL);
}

/* The example of RFC 2046 5.2.2.2, in three fragments. */
static const char *const fragments[] = {
  "X-Weird-Header-1: Foo\r\n"
  "From: Bill@host.com\r\n"
  "To: joe@otherhost.com\r\n"
  "Date: Fri, 26 Mar 1993 12:59:38 -0500 (EST)\r\n"
  "Subject: Audio mail (part 1 of 3)\r\n"
  "Message-ID: <id1@host.com>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-type: message/partial; id=\"ABC@host.com\"; number=1; total=3\r\n"
  "\r\n"
  "X-Weird-Header-1: Bar\r\n"
  "X-Weird-Header-2: Hello\r\n"
  "Message-ID: <anotherid@foo.com>\r\n"
  "Subject: Audio mail\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-type: audio/basic\r\n"
  "Content-transfer-encoding: base64\r\n"
  "\r\n"
  "AAAA\r\n",
  "From: Bill@host.com\r\n"
  "Subject: Audio mail (part 2 of 3)\r\n"
  "Message-ID: <id2@host.com>\r\n"
  "Content-type: message/partial; id=\"ABC@host.com\"; number=2; total=3\r\n"
  "\r\n"
  "BBBB\r\n",
  "From: Bill@host.com\r\n"
  "Subject: Audio mail (part 3 of 3)\r\n"
  "Content-Type: message/partial; id=\"ABC@host.com\"; number=3; total=3\r\n"
  "\r\n"
  "CCCC\r\n",
};

static const char reassembled[] = "X-Weird-Header-1: Foo\r\n"
                                  "From: Bill@host.com\r\n"
                                  "To: joe@otherhost.com\r\n"
                                  "Date: Fri, 26 Mar 1993 12:59:38 -0500 (EST)\r\n"
                                  "Message-ID: <anotherid@foo.com>\r\n"
                                  "Subject: Audio mail\r\n"
                                  "MIME-Version: 1.0\r\n"
                                  "Content-type: audio/basic\r\n"
                                  "Content-transfer-encoding: base64\r\n"
                                  "\r\n"
                                  "AAAA\r\n"
                                  "BBBB\r\n"
                                  "CCCC\r\n";

/* RFC 2046 5.2.2.1: the fields of the first enclosing message, less
 * Content-*, Subject, Message-ID, Encrypted and MIME-Version, then those
 * fields from the enclosed message; the bodies in order. The fragments may
 * arrive in any order. */
static void
test_reassemble (void)
{
  static const guint orders[][3] = { { 0, 1, 2 }, { 2, 0, 1 }, { 1, 2, 0 } };

  for (guint o = 0; o < G_N_ELEMENTS (orders); o++)
    {
      PigeonMimeMessage *messages[3];
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) result = NULL;
      g_autoptr (PigeonMimeMessage) original = NULL;
      g_autoptr (GBytes) audio = NULL;

      for (guint i = 0; i < 3; i++)
        messages[i] = parse (fragments[orders[o][i]]);

      result = pigeon_mime_partial_reassemble (messages, 3, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (result, NULL), g_bytes_get_size (result), reassembled, sizeof reassembled - 1);

      original = pigeon_mime_message_new_from_bytes (result, NULL);
      g_assert_cmpstr (pigeon_mime_part_get_mime_type (pigeon_mime_message_get_root (original)), ==, "audio/basic");
      audio = pigeon_mime_part_decode (pigeon_mime_message_get_root (original));
      g_assert_cmpuint (g_bytes_get_size (audio), ==, 9);

      for (guint i = 0; i < 3; i++)
        g_object_unref (messages[i]);
    }
}

static void
assert_fails (const char *const *texts, guint n, PigeonMimeError code)
{
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) result = NULL;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (messages, parse (texts[i]));

  result = pigeon_mime_partial_reassemble ((PigeonMimeMessage **) messages->pdata, n, &error);
  g_assert_null (result);
  g_assert_error (error, PIGEON_MIME_ERROR, (int) code);
}

static void
test_incomplete (void)
{
  const char *const two[] = { fragments[0], fragments[2] };
  const char *const twice[] = { fragments[0], fragments[1], fragments[1] };
  const char *const first_only[] = {
    "Content-Type: message/partial; id=\"ABC@host.com\"; number=1\r\n\r\nx",
    fragments[1],
  };

  assert_fails (two, 2, PIGEON_MIME_ERROR_INCOMPLETE);
  assert_fails (twice, 3, PIGEON_MIME_ERROR_INCOMPLETE);
  assert_fails (first_only, 2, PIGEON_MIME_ERROR_INCOMPLETE);
  assert_fails (NULL, 0, PIGEON_MIME_ERROR_INCOMPLETE);
}

static void
test_inconsistent (void)
{
  const char *const other_id[] = {
    fragments[0],
    "Content-Type: message/partial; id=\"other\"; number=2; total=3\r\n\r\nx",
    fragments[2],
  };
  const char *const other_total[] = {
    fragments[0],
    "Content-Type: message/partial; id=\"ABC@host.com\"; number=2; total=4\r\n\r\nx",
    fragments[2],
  };
  const char *const not_partial[] = { fragments[0], "Subject: plain\r\n\r\nx", fragments[2] };

  assert_fails (other_id, 3, PIGEON_MIME_ERROR_INCONSISTENT);
  assert_fails (other_total, 3, PIGEON_MIME_ERROR_INCONSISTENT);
  assert_fails (not_partial, 3, PIGEON_MIME_ERROR_NOT_PARTIAL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/partial/reassemble-any-order", test_reassemble);
  g_test_add_func ("/mime/partial/incomplete-set-rejected", test_incomplete);
  g_test_add_func ("/mime/partial/inconsistent-set-rejected", test_inconsistent);

  return g_test_run ();
}
