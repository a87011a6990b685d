/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-test"

#include "config.h"

#include <string.h>

#include "pigeon-mime-date.h"

static void
assert_date (const char *value, gint64 expected_time, int expected_offset)
{
  gint64 unix_time = 0;
  int offset = 1;

  g_assert_true (pigeon_mime_date_parse (value, -1, &unix_time, &offset));
  g_assert_cmpint (unix_time, ==, expected_time);
  g_assert_cmpint (offset, ==, expected_offset);
}

static void
assert_not_date (const char *value)
{
  gint64 unix_time = 0;

  g_assert_false (pigeon_mime_date_parse (value, -1, &unix_time, NULL));
}

/* RFC 5322 3.3 (Appendix A.1.1). 1997-11-21 09:55:06 at -0600 is
 * 15:55:06 UTC. */
static void
test_rfc5322 (void)
{
  assert_date ("Fri, 21 Nov 1997 09:55:06 -0600", 880127706, -360);
  assert_date ("21 Nov 1997 09:55:06 -0600", 880127706, -360);
  assert_date ("Fri, 21 Nov 1997 15:55:06 +0000", 880127706, 0);
  assert_date ("Sat, 22 Nov 1997 01:25:06 +0930", 880127706, 570);
  assert_date ("fri, 21 nov 1997 09:55:06 -0600", 880127706, -360);
  g_assert_true (pigeon_mime_date_parse ("Fri, 21 Nov 1997 09:55:06 -0600", -1, NULL, NULL));
  g_assert_true (pigeon_mime_date_parse ("Fri, 21 Nov 1997 09:55:06 -0600 trailing", 31, NULL, NULL));
}

/* RFC 5322 3.3: the day name is optional, and not checked against the
 * date; the seconds are optional. */
static void
test_optional_parts (void)
{
  assert_date ("Mon, 21 Nov 1997 09:55:06 -0600", 880127706, -360);
  assert_date ("21 Nov 1997 09:55 -0600", 880127700, -360);
  assert_date ("Friday, 21 November 1997 09:55:06 -0600", 880127706, -360);
  assert_date ("21 Sept 1997 00:00:00 +0000", 874800000, 0);
}

/* RFC 5322 4.3: two-digit years 00-49 are 20xx, 50-99 are 19xx;
 * three-digit years add 1900. */
static void
test_obsolete_year (void)
{
  assert_date ("21 Nov 97 09:55:06 -0600", 880127706, -360);
  assert_date ("1 Jan 05 00:00:00 +0000", 1104537600, 0);
  assert_date ("1 Jan 49 00:00:00 +0000", 2493072000, 0);
  assert_date ("1 Jan 50 00:00:00 +0000", -631152000, 0);
  assert_date ("1 Jan 103 00:00:00 +0000", 1041379200, 0);
  assert_not_date ("1 Jan 5 00:00:00 +0000");
  assert_not_date ("1 Jan 20050 00:00:00 +0000");
}

/* RFC 5322 4.3: the named zones of RFC 822. */
static void
test_obsolete_zone (void)
{
  const struct
  {
    const char *name;
    int offset;
  } zones[] = {
    { "UT", 0 },     { "GMT", 0 },    { "EST", -300 }, { "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
    { "MST", -420 }, { "MDT", -360 }, { "PST", -480 }, { "PDT", -420 }, { "utc", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      g_autofree char *value = g_strdup_printf ("1 Jan 2000 12:00:00 %s", zones[i].name);

      assert_date (value, 946728000 - zones[i].offset * 60, zones[i].offset);
    }
}

/* RFC 5322 4.3: military zones were defined wrongly in RFC 822 and SHOULD
 * be read as "-0000", and so should unknown names. */
static void
test_military_zone (void)
{
  assert_date ("1 Jan 2000 12:00:00 A", 946728000, 0);
  assert_date ("1 Jan 2000 12:00:00 Z", 946728000, 0);
  assert_date ("1 Jan 2000 12:00:00 y", 946728000, 0);
  assert_date ("1 Jan 2000 12:00:00 CEST", 946728000, 0);
}

/* RFC 5322 3.3: "-0000" says the local zone is unknown: UTC, offset 0. A
 * missing zone is read the same way. */
static void
test_minus_zero (void)
{
  assert_date ("1 Jan 2000 12:00:00 -0000", 946728000, 0);
  assert_date ("1 Jan 2000 12:00:00", 946728000, 0);
  assert_date ("1 Jan 2000 12:00:00+0100", 946724400, 60);
  assert_date ("1 Jan 2000 12:00:00-01:30", 946733400, -90);
}

/* RFC 5322 3.2.2 and Appendix A.6.2: comments and folding anywhere. */
static void
test_comments (void)
{
  assert_date ("Thu,\r\n 13\r\n Feb\r\n 1969\r\n 23:32\r\n -0330 (Newfoundland Time)", -27723480, -210);
  assert_date ("Fri, (a (nested) comment) 21 Nov (x) 1997 09:55:06 -0600 (CST)", 880127706, -360);
}

/* RFC 5322 3.3: day, hour, minute, second and zone in range; a second of
 * 60 is a leap second. */
static void
test_ranges (void)
{
  assert_date ("29 Feb 2000 12:00:00 +0000", 951825600, 0);
  assert_date ("31 Dec 2016 23:59:60 +0000", 1483228800, 0);
  assert_not_date ("29 Feb 2001 12:00:00 +0000");
  assert_not_date ("31 Apr 2001 12:00:00 +0000");
  assert_not_date ("0 Jan 2001 12:00:00 +0000");
  assert_not_date ("1 Jan 2001 24:00:00 +0000");
  assert_not_date ("1 Jan 2001 12:60:00 +0000");
  assert_not_date ("1 Jan 2001 12:00:61 +0000");
  assert_not_date ("1 Jan 2001 12:00:00 +0060");
  assert_not_date ("1 Jan 2001 12:00:00 +060");
  assert_not_date ("1 Jan 1899 12:00:00 +0000");
  assert_not_date ("1 Foo 2001 12:00:00 +0000");
}

/* Dates seen in the wild: asctime() order, RFC 850 dashes, junk around. */
static void
test_lenient_forms (void)
{
  assert_date ("Fri Nov 21 09:55:06 1997", 880106106, 0);
  assert_date ("Fri Nov 21 09:55:06 CST 1997", 880127706, -360);
  assert_date ("Fri Nov 21 1997 09:55:06 -0600", 880127706, -360);
  assert_date ("Friday, 21-Nov-97 09:55:06 GMT", 880106106, 0);
  assert_date ("by mx.example; Fri, 21 Nov 1997 09:55:06 -0600 xyz", 880127706, -360);
}

static void
test_not_dates (void)
{
  assert_not_date ("");
  assert_not_date ("not a date");
  assert_not_date ("21 Nov 1997");
  assert_not_date ("1997-11-21T09:55:06Z");
  g_assert_false (pigeon_mime_date_parse (NULL, 0, NULL, NULL));
}

/* A megabyte of '(' or 100k nested comments: linear, and no recursion. */
static void
test_hostile (void)
{
  GString *open = g_string_new (NULL);
  GString *nested = g_string_new (NULL);
  gint64 begin = g_get_monotonic_time ();

  while (open->len < 1024 * 1024)
    g_string_append_c (open, '(');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, '(');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, ')');
  g_string_append (nested, "21 Nov 1997 09:55:06 -0600");

  assert_not_date (open->str);
  assert_date (nested->str, 880127706, -360);
  g_assert_cmpint (g_get_monotonic_time () - begin, <, 5 * G_USEC_PER_SEC);
  g_string_free (open, TRUE);
  g_string_free (nested, TRUE);
}

static void
assert_format (gint64 unix_time, int offset, const char *expected)
{
  g_autofree char *formatted = pigeon_mime_date_format (unix_time, offset);

  g_assert_cmpstr (formatted, ==, expected);
}

/* RFC 5322 3.3, in the zone given. */
static void
test_format (void)
{
  assert_format (880127706, -360, "Fri, 21 Nov 1997 09:55:06 -0600");
  assert_format (0, 0, "Thu, 1 Jan 1970 00:00:00 +0000");
  assert_format (-1, 0, "Wed, 31 Dec 1969 23:59:59 +0000");
  assert_format (1795875600, 60, "Sat, 28 Nov 2026 15:20:00 +0100");
  assert_format (951825600, 330, "Tue, 29 Feb 2000 17:30:00 +0530");
  assert_format (-2208988800, 0, "Mon, 1 Jan 1900 00:00:00 +0000");
  assert_format (253402300799, 0, "Fri, 31 Dec 9999 23:59:59 +0000");
}

/* format then parse gives the same time and zone, from 1901 to 2286. */
static void
test_round_trip (void)
{
  for (gint64 t = -2177452800; t < 10000000000; t += 7777777)
    {
      int offset = (int) (t % 1440) - 720;
      g_autofree char *formatted = pigeon_mime_date_format (t, offset);

      assert_date (formatted, t, offset);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/date/rfc5322", test_rfc5322);
  g_test_add_func ("/mime/date/optional-parts", test_optional_parts);
  g_test_add_func ("/mime/date/obsolete-year", test_obsolete_year);
  g_test_add_func ("/mime/date/obsolete-zone", test_obsolete_zone);
  g_test_add_func ("/mime/date/military-zone", test_military_zone);
  g_test_add_func ("/mime/date/minus-zero", test_minus_zero);
  g_test_add_func ("/mime/date/comments", test_comments);
  g_test_add_func ("/mime/date/ranges", test_ranges);
  g_test_add_func ("/mime/date/lenient-forms", test_lenient_forms);
  g_test_add_func ("/mime/date/not-dates", test_not_dates);
  g_test_add_func ("/mime/date/hostile", test_hostile);
  g_test_add_func ("/mime/date/format", test_format);
  g_test_add_func ("/mime/date/round-trip", test_round_trip);

  return g_test_run ();
}
