/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "pigeon-mime-date.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A date that parses formats to one that parses to the same time and
 * zone. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  gint64 unix_time;
  gint64 unix_time_again;
  int offset;
  int offset_again;
  g_autofree char *formatted = NULL;

  if (!pigeon_mime_date_parse ((const char *) data, size, &unix_time, &offset))
    return 0;

  formatted = pigeon_mime_date_format (unix_time, offset);
  g_assert (pigeon_mime_date_parse (formatted, -1, &unix_time_again, &offset_again));
  g_assert_cmpint (unix_time_again, ==, unix_time);
  g_assert_cmpint (offset_again, ==, offset);
  return 0;
}
