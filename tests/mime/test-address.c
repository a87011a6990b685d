/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <string.h>

#include "pigeon-mime-address.h"

/* An expected entry: name, address, group. */
typedef struct
{
  const char *name;
  const char *address;
  const char *group;
} Expected;

static void
assert_list (const char *value, const Expected *expected, guint n_expected)
{
  g_autoptr (GPtrArray) list = pigeon_mime_address_list_parse (value, -1);

  g_assert_cmpuint (list->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      const PigeonMimeAddress *address = list->pdata[i];

      g_assert_cmpstr (address->name, ==, expected[i].name);
      g_assert_cmpstr (address->address, ==, expected[i].address);
      g_assert_cmpstr (address->group, ==, expected[i].group);
    }
}

static void
assert_one (const char *value, const char *name, const char *address)
{
  Expected expected = { name, address, NULL };

  assert_list (value, &expected, 1);
}

/* RFC 5322 3.4: addr-spec and name-addr. */
static void
test_mailbox (void)
{
  assert_one ("alice@example.com", NULL, "alice@example.com");
  assert_one ("  Alice Smith <alice@example.com>  ", "Alice Smith", "alice@example.com");
  assert_one ("<alice@example.com>", NULL, "alice@example.com");
  assert_one ("Alice<alice@example.com>", "Alice", "alice@example.com");
  assert_one ("a@[127.0.0.1]", NULL, "a@[127.0.0.1]");
  assert_one ("\"john doe\"@example.com", NULL, "\"john doe\"@example.com");
}

/* RFC 5322 3.2.4: quoted names with quoted-pairs. */
static void
test_quoted_name (void)
{
  assert_one ("\"Smith, John\" <j@example.org>", "Smith, John", "j@example.org");
  assert_one ("\"A \\\"B\\\" C\\\\\" <a@b>", "A \"B\" C\\", "a@b");
  assert_one ("Mary \"the\" Smith <m@x>", "Mary the Smith", "m@x");
  assert_one ("\"\" <a@b>", NULL, "a@b");
}

/* RFC 5322 3.4: address-list (the list of Appendix A.1.2). */
static void
test_list_appendix (void)
{
  Expected expected[] = {
    { "Mary Smith", "mary@x.test", NULL },
    { NULL, "jdoe@example.org", NULL },
    { "Who?", "one@y.test", NULL },
    { NULL, "boss@nil.test", NULL },
    { "Giant; \"Big\" Box", "sysservices@example.net", NULL },
  };

  assert_list ("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>,\r\n"
               " <boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
               expected, G_N_ELEMENTS (expected));
}

/* RFC 5322 3.2.2 and Appendix A.5: comments anywhere, nested, with
 * quoted-pairs; they are not part of the address. */
static void
test_comments (void)
{
  assert_one ("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", "Pete", "pete@silly.test");
  assert_one ("Bob <b@c> (not a name)", "Bob", "b@c");
}

/* The old style "a@b (Alice)": the comment names a bare address. */
static void
test_comment_name (void)
{
  assert_one ("alice@example.com (Alice Smith)", "Alice Smith", "alice@example.com");
  assert_one ("(Alice (the boss)) alice@example.com", "Alice (the boss)", "alice@example.com");
  assert_one ("a@b (=?utf-8?q?J=C3=B6rg?=)", "Jörg", "a@b");
  assert_one ("a@b ()", NULL, "a@b");
}

/* RFC 5322 3.4 and Appendix A.1.3: groups. */
static void
test_group (void)
{
  Expected expected[] = {
    { "Ed Jones", "c@a.test", "A Group" },
    { NULL, "joe@where.test", "A Group" },
    { "John", "jdoe@one.test", "A Group" },
    { NULL, "after@x.test", NULL },
  };

  assert_list ("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>; after@x.test", expected,
               G_N_ELEMENTS (expected));
}

/* RFC 5322 A.1.3: an empty group keeps one entry with no address. */
static void
test_group_empty (void)
{
  Expected expected[] = { { NULL, NULL, "Undisclosed recipients" } };
  Expected comment[] = { { NULL, NULL, "undisclosed-recipients" } };
  Expected open[] = { { NULL, "a@b", "G" } };

  assert_list ("Undisclosed recipients:;", expected, 1);
  assert_list ("undisclosed-recipients: (nobody) ;", comment, 1);
  assert_list ("G: a@b", open, 1);
}

/* RFC 5322 4.4: obs-route is skipped. */
static void
test_obs_route (void)
{
  assert_one ("<@route1.test,@route2.test:jdoe@one.test>", NULL, "jdoe@one.test");
  assert_one ("John <@a.test:jdoe@one.test>", "John", "jdoe@one.test");
  assert_one ("<@[IPv6:::1],@(x:y)b:jdoe@one.test>", NULL, "jdoe@one.test");
  assert_one ("<@a\"b:c\"@d>", NULL, "@a\"b:c\"@d");
}

/* RFC 5322 4.4: CFWS around the dots of obs-local-part and obs-domain. */
static void
test_obs_local_part (void)
{
  assert_one ("john . doe @ example . com", NULL, "john.doe@example.com");
  assert_one ("john.(middle)doe@example.com", NULL, "john.doe@example.com");
}

/* Missing commas between angle-addrs, and between bare addresses. */
static void
test_missing_commas (void)
{
  Expected angles[] = { { NULL, "a@b", NULL }, { NULL, "c@d", NULL } };
  Expected named[] = { { "A", "a@b", NULL }, { "B", "c@d", NULL } };
  Expected bare[] = { { NULL, "a@b", NULL }, { NULL, "c@d", NULL } };

  assert_list ("<a@b> <c@d>", angles, 2);
  assert_list ("A <a@b> B <c@d>", named, 2);
  assert_list ("a@b c@d", bare, 2);
}

/* Bare local parts, from local mail. */
static void
test_bare_local_part (void)
{
  Expected expected[] = { { NULL, "alice", NULL }, { "Bob", "bob", NULL } };

  assert_list ("alice, bob (Bob)", expected, 2);
}

/* RFC 2047 5(3): names decoded, adjacent words joined. */
static void
test_rfc2047_name (void)
{
  assert_one ("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>", "Keld Jørn Simonsen", "keld@dkuug.dk");
  assert_one ("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>", "André Pirard", "PIRARD@vm1.ulg.ac.be");
  assert_one ("=?utf-8?q?J=C3=B6rg?= =?utf-8?q?_M?= <j@x>", "Jörg M", "j@x");
  assert_one ("\"=?utf-8?q?J=C3=B6rg?=\" <j@x>", "Jörg", "j@x");
}

/* Raw 8-bit names: UTF-8, or windows-1252 when not; RFC 6532 addresses. */
static void
test_8bit (void)
{
  assert_one ("J\xc3\xb6rg <j@x>", "Jörg", "j@x");
  assert_one ("J\xf6rg <j@x>", "Jörg", "j@x");
  assert_one ("<j\xc3\xb6rg@b\xc3\xbc.example>", NULL, "jörg@bü.example");
  assert_one ("<j\xf6rg@x>", NULL, "jörg@x");
}

/* RFC 7103 7.1: repeated brackets, unclosed ones. */
static void
test_brackets (void)
{
  Expected unclosed[] = { { "A", "a@b", NULL }, { NULL, "c@d", NULL } };

  assert_one ("<<a@b>>", NULL, "a@b");
  assert_list ("A <a@b, c@d", unclosed, 2);
}

/* What cannot be read is skipped; nothing fails. */
static void
test_garbage (void)
{
  g_autoptr (GPtrArray) list = NULL;
  Expected expected[] = { { NULL, "a@b", NULL }, { NULL, "c@d", NULL } };

  assert_list (",,, <>, ;; ) ] > \\ , Some Words, a@b, \x01\x7f, c@d,", expected, 2);
  assert_list ("", NULL, 0);
  list = pigeon_mime_address_list_parse (NULL, 0);
  g_assert_cmpuint (list->len, ==, 0);
  assert_list ("(only a comment)", NULL, 0);
}

/* Unclosed quotes and comments run to the end. */
static void
test_unclosed (void)
{
  assert_one ("\"Alice <a@b>", NULL, "\"Alice <a@b>\"");
  assert_one ("a@b (Alice", "Alice", "a@b");
  assert_one ("<\"a\\", NULL, "\"a\"");
}

static void
test_cap (void)
{
  GString *value = g_string_new (NULL);
  g_autoptr (GPtrArray) list = NULL;

  for (guint i = 0; i < 2 * PIGEON_MIME_MAX_ADDRESSES; i++)
    g_string_append (value, "a@b, ");
  list = pigeon_mime_address_list_parse (value->str, value->len);
  g_assert_cmpuint (list->len, ==, PIGEON_MIME_MAX_ADDRESSES);
  g_string_free (value, TRUE);
}

/* Comments nest 100k deep (and name the address, old style), or a
 * megabyte of '(' never closes: linear time, no recursion. */
static void
test_hostile_nesting (void)
{
  GString *nested = g_string_new (NULL);
  GString *open = g_string_new ("a@b ");
  GString *words = g_string_new (NULL);
  g_autoptr (GPtrArray) nested_list = NULL;
  g_autoptr (GPtrArray) open_list = NULL;
  g_autoptr (GPtrArray) words_list = NULL;
  gint64 begin = g_get_monotonic_time ();

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, '(');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, ')');
  g_string_append (nested, " a@b");
  while (open->len < 1024 * 1024)
    g_string_append_c (open, '(');
  while (words->len < 1024 * 1024)
    g_string_append (words, "word ");
  g_string_append (words, "<x@y>");

  nested_list = pigeon_mime_address_list_parse (nested->str, nested->len);
  g_assert_cmpuint (nested_list->len, ==, 1);
  g_assert_cmpstr (((PigeonMimeAddress *) nested_list->pdata[0])->address, ==, "a@b");
  g_assert_cmpuint (strlen (((PigeonMimeAddress *) nested_list->pdata[0])->name), ==, 2 * 100000 - 2);
  open_list = pigeon_mime_address_list_parse (open->str, open->len);
  g_assert_cmpuint (open_list->len, ==, 1);
  words_list = pigeon_mime_address_list_parse (words->str, words->len);
  g_assert_cmpuint (words_list->len, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - begin, <, 5 * G_USEC_PER_SEC);
  g_string_free (nested, TRUE);
  g_string_free (open, TRUE);
  g_string_free (words, TRUE);
}

static void
assert_format (const char *name, const char *address, const char *expected)
{
  g_autoptr (PigeonMimeAddress) mailbox = pigeon_mime_address_new (name, address);
  g_autofree char *formatted = pigeon_mime_address_format (mailbox);

  g_assert_cmpstr (formatted, ==, expected);
}

/* RFC 5322 3.4, with the name as a phrase (RFC 2047 5(3) when needed). */
static void
test_format (void)
{
  assert_format (NULL, "a@b", "a@b");
  assert_format ("", "a@b", "a@b");
  assert_format ("Alice Smith", "a@b", "Alice Smith <a@b>");
  assert_format ("Smith, Alice", "a@b", "\"Smith, Alice\" <a@b>");
  assert_format ("Jöhann-Sebastian", "a@b", "=?UTF-8?Q?J=C3=B6hann-Sebastian?= <a@b>");
  assert_format ("Name", NULL, "");
}

/* Consecutive entries of a group are written as one group (RFC 5322 3.4). */
static void
test_list_format (void)
{
  const char *value = "A Group: Ed Jones <c@a.test>, joe@where.test;, x@y, Empty:;, \"Smith, J\" <j@s>";
  g_autoptr (GPtrArray) list = pigeon_mime_address_list_parse (value, -1);
  g_autofree char *formatted = pigeon_mime_address_list_format (list);

  g_assert_cmpstr (formatted, ==, value);
}

/* Two groups of one name stay two groups when one is empty. */
static void
test_list_format_empty_group (void)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);
  g_autofree char *formatted = NULL;
  PigeonMimeAddress *empty = pigeon_mime_address_new (NULL, NULL);
  PigeonMimeAddress *member = pigeon_mime_address_new ("Bo", "b@x");
  PigeonMimeAddress *loose = pigeon_mime_address_new ("Nobody", NULL);

  empty->group = g_strdup ("G");
  member->group = g_strdup ("G");
  g_ptr_array_add (list, empty);
  g_ptr_array_add (list, member);
  g_ptr_array_add (list, loose);
  formatted = pigeon_mime_address_list_format (list);
  g_assert_cmpstr (formatted, ==, "G:;, G: Bo <b@x>;");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/address/mailbox", test_mailbox);
  g_test_add_func ("/mime/address/quoted-name", test_quoted_name);
  g_test_add_func ("/mime/address/list", test_list_appendix);
  g_test_add_func ("/mime/address/comments", test_comments);
  g_test_add_func ("/mime/address/comment-name", test_comment_name);
  g_test_add_func ("/mime/address/group", test_group);
  g_test_add_func ("/mime/address/group-empty", test_group_empty);
  g_test_add_func ("/mime/address/obs-route", test_obs_route);
  g_test_add_func ("/mime/address/obs-local-part", test_obs_local_part);
  g_test_add_func ("/mime/address/missing-commas", test_missing_commas);
  g_test_add_func ("/mime/address/bare-local-part", test_bare_local_part);
  g_test_add_func ("/mime/address/rfc2047-name", test_rfc2047_name);
  g_test_add_func ("/mime/address/8bit", test_8bit);
  g_test_add_func ("/mime/address/brackets", test_brackets);
  g_test_add_func ("/mime/address/garbage", test_garbage);
  g_test_add_func ("/mime/address/unclosed", test_unclosed);
  g_test_add_func ("/mime/address/cap", test_cap);
  g_test_add_func ("/mime/address/hostile-nesting", test_hostile_nesting);
  g_test_add_func ("/mime/address/format", test_format);
  g_test_add_func ("/mime/address/list-format", test_list_format);
  g_test_add_func ("/mime/address/list-format-empty-group", test_list_format_empty_group);

  return g_test_run ();
}
