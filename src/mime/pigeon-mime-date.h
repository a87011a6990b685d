/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses an RFC 5322 3.3 date-time, tolerating the obsolete forms of 4.3:
 * two- and three-digit years, the named zones (UT, GMT, EST, EDT, CST,
 * CDT, MST, MDT, PST, PDT) and military letters (read as +0000, 4.3), a
 * missing day name or seconds, and comments; also asctime() order, and
 * junk before or after the date. Unknown zone names and a missing zone
 * read as +0000. Returns FALSE when it is not a date, or when a field is
 * out of range. @tz_offset is the zone in minutes east of UTC; it and
 * @unix_time may be NULL. */
gboolean pigeon_mime_date_parse (const char *value, gssize len, gint64 *unix_time, int *tz_offset);

/* Formats "Sat, 28 Nov 2026 15:20:00 +0100" (RFC 5322 3.3). */
char *pigeon_mime_date_format (gint64 unix_time, int tz_offset);

G_END_DECLS
