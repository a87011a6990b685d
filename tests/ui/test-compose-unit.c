/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The composer's logic without a display: mailto: links, replies and
 * forwards, contact groups. */

#include "config.h"

#include <glib/gstdio.h>

#include "pigeon-contact-groups.h"
#include "pigeon-mailto.h"
#include "pigeon-mime-address.h"
#include "pigeon-reply.h"

static const char *fixture_path;

static void
test_mailto_fields (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMailto) mailto = pigeon_mailto_parse (
      "mailto:ann@example.org,%22B%C3%B6b%22%20%3Cbob@example.net%3E?to=carl@example.com&CC=dora@example.com"
      "&bcc=eve@example.com&subject=Caf%C3%A9%20plans&body=line%201%0D%0Aline+2&In-Reply-To=%3Cid@x%3E",
      &error);

  g_assert_no_error (error);
  g_assert_cmpstr (mailto->to, ==, "ann@example.org,\"Böb\" <bob@example.net>, carl@example.com");
  g_assert_cmpstr (mailto->cc, ==, "dora@example.com");
  g_assert_cmpstr (mailto->bcc, ==, "eve@example.com");
  g_assert_cmpstr (mailto->subject, ==, "Café plans");
  /* RFC 6068: "+" is a plus sign, line breaks come as %0D%0A. */
  g_assert_cmpstr (mailto->body, ==, "line 1\nline+2");
  g_assert_cmpstr (mailto->in_reply_to, ==, "id@x");
}

static void
test_mailto_ignores_attachments (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMailto) mailto = pigeon_mailto_parse (
      "mailto:?attach=/etc/passwd&attachment=file:///home/me/.ssh/id_rsa&X-Mailer=evil&from=boss@x&subject=hi", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (mailto->to, ==, "");
  g_assert_cmpstr (mailto->subject, ==, "hi");
  g_assert_null (mailto->body);
  g_assert_null (strstr (mailto->to, "passwd"));
}

static void
test_mailto_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PigeonMailto) https = pigeon_mailto_parse ("https://example.org", &error);
  g_autoptr (PigeonMailto) bad = NULL;
  g_autoptr (PigeonMailto) invalid_utf8 = NULL;

  g_assert_null (https);
  g_assert_error (error, G_URI_ERROR, G_URI_ERROR_BAD_SCHEME);
  g_clear_error (&error);
  bad = pigeon_mailto_parse ("mailto:a@b?subject=%zz", &error);
  g_assert_null (bad);
  g_assert_error (error, G_URI_ERROR, G_URI_ERROR_FAILED);
  g_clear_error (&error);
  invalid_utf8 = pigeon_mailto_parse ("MAILTO:a@b?subject=%FF", &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (invalid_utf8->subject, -1, NULL));
}

static GBytes *
load_fixture (void)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (fixture_path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static const char *const own_addresses[] = { "me@pigeon.test", "other-me@pop.test", NULL };

static void
test_reply_to_sender (void)
{
  g_autoptr (GBytes) raw = load_fixture ();
  g_autoptr (PigeonReply) reply = pigeon_reply_new (raw, PIGEON_COMPOSE_REPLY, own_addresses);
  const char *const expected_references[] = { "trip-0@example.org", "trip-1@example.org", "trip-2@example.org", NULL };

  /* Reply-To is honoured over From. */
  g_assert_cmpstr (reply->to, ==, "Ann at home <ann@home.example>");
  g_assert_cmpstr (reply->cc, ==, "");
  g_assert_cmpstr (reply->subject, ==, "Re: Trip plans");
  g_assert_cmpstr (reply->in_reply_to, ==, "trip-2@example.org");
  g_assert_cmpstrv (reply->references, expected_references);
  g_assert_cmpstr (reply->body, ==,
                   "\n\nOn Tue, 3 Mar 2026 at 14:05, Ann Example wrote:\n"
                   "> Hello all,\n>\n>> earlier quote\n> The café opens at nine.\n");
  g_assert_cmpuint (reply->attachments->len, ==, 0);
}

static void
test_reply_all (void)
{
  g_autoptr (GBytes) raw = load_fixture ();
  g_autoptr (PigeonReply) reply = pigeon_reply_new (raw, PIGEON_COMPOSE_REPLY_ALL, own_addresses);

  /* Without the user's addresses, whatever their case. */
  g_assert_cmpstr (reply->to, ==, "Ann at home <ann@home.example>, Carl <carl@example.com>");
  g_assert_cmpstr (reply->cc, ==, "dora@example.com");
}

static void
test_forward_inline (void)
{
  g_autoptr (GBytes) raw = load_fixture ();
  g_autoptr (PigeonReply) reply = pigeon_reply_new (raw, PIGEON_COMPOSE_FORWARD, own_addresses);
  PigeonReplyAttachment *map;

  g_assert_cmpstr (reply->subject, ==, "Fwd: Trip plans");
  g_assert_cmpstr (reply->to, ==, "");
  g_assert_null (reply->in_reply_to);
  g_assert_nonnull (strstr (reply->body, "---------- Forwarded message ----------\n"
                                         "From: Ann Example <ann@example.org>\n"
                                         "Date: Tue, 3 Mar 2026 at 14:05\n"
                                         "Subject: Trip plans\n"));
  g_assert_nonnull (strstr (reply->body, "\nHello all,\n\n> earlier quote\nThe café opens at nine.\n"));
  g_assert_cmpuint (reply->attachments->len, ==, 1);
  map = g_ptr_array_index (reply->attachments, 0);
  g_assert_cmpstr (map->filename, ==, "map.pdf");
  g_assert_cmpstr (map->content_type, ==, "application/pdf");
  g_assert_cmpmem (g_bytes_get_data (map->data, NULL), g_bytes_get_size (map->data), "%PDF-1.4\nmap\n", 13);
}

static void
test_forward_attached (void)
{
  g_autoptr (GBytes) raw = load_fixture ();
  g_autoptr (PigeonReply) reply = pigeon_reply_new (raw, PIGEON_COMPOSE_FORWARD_ATTACHED, own_addresses);
  PigeonReplyAttachment *original;

  g_assert_cmpuint (reply->attachments->len, ==, 1);
  original = g_ptr_array_index (reply->attachments, 0);
  g_assert_cmpstr (original->filename, ==, "Trip plans.eml");
  g_assert_cmpstr (original->content_type, ==, "message/rfc822");
  g_assert_true (g_bytes_equal (original->data, raw));
}

static void
test_subject_not_doubled (void)
{
  g_autofree char *re = pigeon_reply_subject ("RE: lunch", PIGEON_COMPOSE_REPLY);
  g_autofree char *fwd = pigeon_reply_subject ("Fwd: lunch", PIGEON_COMPOSE_FORWARD_ATTACHED);
  g_autofree char *fw = pigeon_reply_subject ("FW: lunch", PIGEON_COMPOSE_FORWARD);
  g_autofree char *re_fwd = pigeon_reply_subject ("Fwd: lunch", PIGEON_COMPOSE_REPLY);
  g_autofree char *empty = pigeon_reply_subject (NULL, PIGEON_COMPOSE_REPLY);

  g_assert_cmpstr (re, ==, "RE: lunch");
  g_assert_cmpstr (fwd, ==, "Fwd: lunch");
  g_assert_cmpstr (fw, ==, "FW: lunch");
  g_assert_cmpstr (re_fwd, ==, "Re: Fwd: lunch");
  g_assert_cmpstr (empty, ==, "Re: ");
}

static void
test_references_trimmed (void)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) references = NULL;
  g_auto (GStrv) from_in_reply_to = NULL;
  const char *const single[] = { "parent-of-parent@x", NULL };

  for (guint i = 0; i < 30; i++)
    g_ptr_array_add (ids, g_strdup_printf ("id-%u@x", i));
  g_ptr_array_add (ids, NULL);
  references = pigeon_reply_references ("parent@x", (const char *const *) ids->pdata, NULL);
  g_assert_cmpuint (g_strv_length (references), ==, 20);
  g_assert_cmpstr (references[0], ==, "id-0@x");
  g_assert_cmpstr (references[1], ==, "id-12@x");
  g_assert_cmpstr (references[18], ==, "id-29@x");
  g_assert_cmpstr (references[19], ==, "parent@x");

  /* RFC 5322 3.6.4: no References, a single In-Reply-To id. */
  from_in_reply_to = pigeon_reply_references ("parent@x", NULL, single);
  g_assert_cmpuint (g_strv_length (from_in_reply_to), ==, 2);
  g_assert_cmpstr (from_in_reply_to[0], ==, "parent-of-parent@x");
}

static void
test_html_to_text (void)
{
  g_autofree char *text = pigeon_reply_html_to_text (
      "<html><head><title>T</title><style>p{}</style></head><body><p>One&nbsp;&amp;\n  two</p>"
      "<script>alert(1)</script><div>3 &lt; 4 &#233;&#x263A;</div><br><br><br><p>end</p></body></html>");

  g_assert_cmpstr (text, ==, "One & two\n\n3 < 4 é☺\n\nend");
}

static void
test_groups_expand (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pigeon-groups-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "groups.ini", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.ini", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GPtrArray) matches = NULL;
  PigeonContactGroup *club;
  PigeonMimeAddress *ann;

  g_assert_true (g_file_set_contents (path,
                                      "[Climbing club]\nAddresses=Ann <ann@example.org>, bob@example.net\n"
                                      "[Empty]\nAddresses=not an address\n"
                                      "[Family]\nAddresses=mum@example.com\n",
                                      -1, NULL));
  groups = pigeon_contact_groups_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (groups->len, ==, 2);
  matches = pigeon_contact_groups_complete (groups, "cLiM");
  g_assert_cmpuint (matches->len, ==, 1);
  club = g_ptr_array_index (matches, 0);
  g_assert_cmpstr (club->name, ==, "Climbing club");
  g_assert_cmpuint (club->addresses->len, ==, 2);
  ann = g_ptr_array_index (club->addresses, 0);
  g_assert_cmpstr (ann->name, ==, "Ann");
  g_assert_cmpstr (ann->address, ==, "ann@example.org");

  none = pigeon_contact_groups_load (missing, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  fixture_path = argv[1];

  g_test_add_func ("/compose/mailto/fields", test_mailto_fields);
  g_test_add_func ("/compose/mailto/attach-ignored", test_mailto_ignores_attachments);
  g_test_add_func ("/compose/mailto/errors", test_mailto_errors);
  g_test_add_func ("/compose/reply/to-sender", test_reply_to_sender);
  g_test_add_func ("/compose/reply/all", test_reply_all);
  g_test_add_func ("/compose/reply/forward-inline", test_forward_inline);
  g_test_add_func ("/compose/reply/forward-attached", test_forward_attached);
  g_test_add_func ("/compose/reply/subject", test_subject_not_doubled);
  g_test_add_func ("/compose/reply/references-trimmed", test_references_trimmed);
  g_test_add_func ("/compose/reply/html-to-text", test_html_to_text);
  g_test_add_func ("/compose/groups/expand", test_groups_expand);
  return g_test_run ();
}
