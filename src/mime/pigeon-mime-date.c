/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-mime"

#include "config.h"

#include <string.h>

#include "pigeon-mime-date.h"
#include "pigeon-mime-lexer-private.h"

/* A date is a dozen tokens; junk around it may add some, and the rest of
 * a long value is not read. */
#define MAX_TOKENS 32

/* RFC 5322 3.3: "+hhmm", so an offset stays within 99:59. */
#define MAX_ZONE_MINUTES (99 * 60 + 59)

typedef enum
{
  TOKEN_NUMBER,
  TOKEN_WORD,
  TOKEN_ZONE, /* "+hhmm" or "-hhmm" */
  TOKEN_COLON,
} TokenType;

typedef struct
{
  TokenType type;
  int value;    /* a number's value, or a zone's minutes east of UTC */
  guint digits; /* a number's digits; 0 for a zone that is not one */
  const char *start;
  gsize len;
} Token;

typedef struct
{
  int year;
  int month; /* 1 to 12 */
  int day;
  int hour;
  int minute;
  int second;
  int zone; /* minutes east of UTC */
} DateTime;

static const char *const month_names[] = {
  "january", "february", "march",     "april",   "may",      "june",
  "july",    "august",   "september", "october", "november", "december",
};

/* RFC 5322 4.3: the obsolete zone names. */
static const struct
{
  const char *name;
  int hours;
} zone_names[] = {
  { "ut", 0 },   { "utc", 0 },  { "gmt", 0 },  { "est", -5 }, { "edt", -4 }, { "cst", -6 },
  { "cdt", -5 }, { "mst", -7 }, { "mdt", -6 }, { "pst", -8 }, { "pdt", -7 },
};

/* Reads digits into @token; more than 9 are counted but not summed. */
static const char *
read_number (const char *p, const char *end, Token *token)
{
  token->type = TOKEN_NUMBER;
  token->value = 0;
  token->digits = 0;
  for (; p < end && g_ascii_isdigit (*p); p++)
    if (++token->digits <= 9)
      token->value = token->value * 10 + (*p - '0');
  return p;
}

/* RFC 5322 3.3: zone = ("+" / "-") 4DIGIT. "+hh" and "+hh:mm" are read
 * too. Any other shape makes a zone token with 0 digits: not a date. */
static const char *
read_zone (const char *p, const char *end, Token *token)
{
  int sign = *p == '-' ? -1 : 1;
  Token minutes = { TOKEN_NUMBER, 0, 2 };
  int hours;

  p = read_number (p + 1, end, token);
  if (token->digits == 4)
    {
      hours = token->value / 100;
      minutes.value = token->value % 100;
    }
  else if (token->digits <= 2)
    {
      hours = token->value;
      if (end - p >= 3 && *p == ':' && g_ascii_isdigit (p[1]))
        p = read_number (p + 1, end, &minutes);
    }
  else
    {
      hours = minutes.value = minutes.digits = 0;
    }
  token->type = TOKEN_ZONE;
  token->digits = minutes.digits == 2 && minutes.value < 60 ? 4 : 0;
  token->value = sign * (hours * 60 + minutes.value);
  return p;
}

/* A '-' before digits is a zone after whitespace or a time ("15:04:05-0700"),
 * a separator elsewhere ("02-Jan-2006"); a '+' is always a zone. */
static gboolean
starts_zone (const char *p, const char *end, gboolean after_space, const Token *tokens, guint n_tokens)
{
  if (p + 1 >= end || !g_ascii_isdigit (p[1]))
    return FALSE;
  if (*p == '+' || after_space)
    return TRUE;
  return *p == '-' && n_tokens >= 2 && tokens[n_tokens - 1].type == TOKEN_NUMBER &&
         tokens[n_tokens - 2].type == TOKEN_COLON;
}

/* Splits a value into numbers, words, zones and colons. Comments,
 * whitespace and other punctuation separate tokens. */
static guint
tokenize (const char *p, const char *end, Token *tokens)
{
  gboolean after_space = TRUE;
  guint n = 0;

  while (p < end && n < MAX_TOKENS)
    {
      Token *token = &tokens[n];
      const char *start = p;

      if (g_ascii_isdigit (*p))
        p = read_number (p, end, token);
      else if (g_ascii_isalpha (*p))
        {
          while (p < end && g_ascii_isalpha (*p))
            p++;
          token->type = TOKEN_WORD;
        }
      else if ((*p == '+' || *p == '-') && starts_zone (p, end, after_space, tokens, n))
        p = read_zone (p, end, token);
      else if (*p == ':')
        {
          token->type = TOKEN_COLON;
          p++;
        }
      else
        {
          p = *p == '(' ? pigeon_mime_skip_comment (p, end, NULL) : p + 1;
          after_space = TRUE;
          continue;
        }
      token->start = start;
      token->len = p - start;
      after_space = FALSE;
      n++;
    }
  return n;
}

static gboolean
is_number (const Token *tokens, guint n_tokens, guint i, guint min_digits, guint max_digits)
{
  return i < n_tokens && tokens[i].type == TOKEN_NUMBER && tokens[i].digits >= min_digits &&
         tokens[i].digits <= max_digits;
}

/* A month name, or any prefix of one of at least three letters ("Sept"). */
static int
match_month (const Token *tokens, guint n_tokens, guint i)
{
  if (i >= n_tokens || tokens[i].type != TOKEN_WORD || tokens[i].len < 3)
    return 0;
  for (guint m = 0; m < G_N_ELEMENTS (month_names); m++)
    if (tokens[i].len <= strlen (month_names[m]) &&
        g_ascii_strncasecmp (tokens[i].start, month_names[m], tokens[i].len) == 0)
      return m + 1;
  return 0;
}

/* RFC 5322 3.3 and 4.3: time-of-day = hour ":" minute [ ":" second ].
 * Returns the number of tokens read, 0 when there is no time at @i. */
static guint
match_time (const Token *tokens, guint n_tokens, guint i, DateTime *date)
{
  if (!is_number (tokens, n_tokens, i, 1, 2) || i + 2 >= n_tokens || tokens[i + 1].type != TOKEN_COLON ||
      !is_number (tokens, n_tokens, i + 2, 1, 2))
    return 0;
  date->hour = tokens[i].value;
  date->minute = tokens[i + 2].value;
  date->second = 0;
  if (i + 4 < n_tokens && tokens[i + 3].type == TOKEN_COLON && is_number (tokens, n_tokens, i + 4, 1, 2))
    {
      date->second = tokens[i + 4].value;
      return 5;
    }
  return 3;
}

/* RFC 5322 4.3: two-digit years 00-49 are 20xx and 50-99 19xx; three-digit
 * years add 1900. */
static gboolean
match_year (const Token *tokens, guint n_tokens, guint i, DateTime *date)
{
  if (!is_number (tokens, n_tokens, i, 2, 4))
    return FALSE;
  date->year = tokens[i].value;
  if (tokens[i].digits == 2)
    date->year += date->year < 50 ? 2000 : 1900;
  else if (tokens[i].digits == 3)
    date->year += 1900;
  return TRUE;
}

/* RFC 5322 3.3 zone, or a name of 4.3. Military letters, and names we do
 * not know, "SHOULD be considered equivalent to -0000" (4.3): no offset.
 * Returns FALSE only for a numeric zone that is malformed. */
static gboolean
match_zone (const Token *tokens, guint n_tokens, guint i, DateTime *date)
{
  date->zone = 0;
  if (i >= n_tokens)
    return TRUE;
  if (tokens[i].type == TOKEN_ZONE)
    {
      date->zone = tokens[i].value;
      return tokens[i].digits != 0;
    }
  if (tokens[i].type != TOKEN_WORD)
    return TRUE;
  for (guint z = 0; z < G_N_ELEMENTS (zone_names); z++)
    if (tokens[i].len == strlen (zone_names[z].name) &&
        g_ascii_strncasecmp (tokens[i].start, zone_names[z].name, tokens[i].len) == 0)
      date->zone = zone_names[z].hours * 60;
  return TRUE;
}

/* RFC 5322 3.3: date = day month year, then time-of-day and zone. */
static gboolean
match_rfc5322 (const Token *tokens, guint n_tokens, guint i, DateTime *date)
{
  guint time_len;

  if (!is_number (tokens, n_tokens, i, 1, 2) || (date->month = match_month (tokens, n_tokens, i + 1)) == 0 ||
      !match_year (tokens, n_tokens, i + 2, date) || (time_len = match_time (tokens, n_tokens, i + 3, date)) == 0)
    return FALSE;
  date->day = tokens[i].value;
  return match_zone (tokens, n_tokens, i + 3 + time_len, date);
}

/* The C asctime() order that some mailers still write: "Jan 2 15:04:05
 * 2006", with the zone before or after the year, or the year before the
 * time. */
static gboolean
match_asctime (const Token *tokens, guint n_tokens, guint i, DateTime *date)
{
  guint time_len;

  if ((date->month = match_month (tokens, n_tokens, i)) == 0 || !is_number (tokens, n_tokens, i + 1, 1, 2))
    return FALSE;
  date->day = tokens[i + 1].value;
  i += 2;
  if (match_year (tokens, n_tokens, i, date) && (time_len = match_time (tokens, n_tokens, i + 1, date)) != 0)
    return match_zone (tokens, n_tokens, i + 1 + time_len, date);
  if ((time_len = match_time (tokens, n_tokens, i, date)) == 0)
    return FALSE;
  i += time_len;
  if (match_year (tokens, n_tokens, i, date))
    return match_zone (tokens, n_tokens, i + 1, date);
  return match_zone (tokens, n_tokens, i, date) && match_year (tokens, n_tokens, i + 1, date);
}

static gboolean
is_leap_year (int year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
days_in_month (int year, int month)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  return month == 2 && is_leap_year (year) ? 29 : days[month - 1];
}

/* RFC 5322 3.3: the year is 1900 or later; a second of 60 is a leap
 * second. */
static gboolean
is_valid (const DateTime *date)
{
  return date->year >= 1900 && date->year <= 9999 && date->day >= 1 &&
         date->day <= days_in_month (date->year, date->month) && date->hour <= 23 && date->minute <= 59 &&
         date->second <= 60;
}

/* Days since 1970-01-01 in the proleptic Gregorian calendar, after Howard
 * Hinnant's days_from_civil: integer arithmetic, no tables, no time zone
 * database. */
static gint64
days_from_civil (gint64 year, int month, int day)
{
  gint64 era, year_of_era, day_of_year, day_of_era;

  year -= month <= 2;
  era = (year >= 0 ? year : year - 399) / 400;
  year_of_era = year - era * 400;
  day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

gboolean
pigeon_mime_date_parse (const char *value, gssize len, gint64 *unix_time, int *tz_offset)
{
  Token tokens[MAX_TOKENS];
  DateTime date = { 0 };
  guint n_tokens;
  guint i;

  g_return_val_if_fail (value != NULL || len == 0, FALSE);

  value = value != NULL ? value : "";

  if (len < 0)
    len = strlen (value);
  n_tokens = tokenize (value, value + len, tokens);

  /* The day name is optional and not checked (RFC 5322 3.3); it, and any
   * other junk before the date, is skipped. */
  for (i = 0; i < n_tokens; i++)
    if (match_rfc5322 (tokens, n_tokens, i, &date) || match_asctime (tokens, n_tokens, i, &date))
      break;
  if (i == n_tokens || !is_valid (&date))
    return FALSE;

  if (unix_time != NULL)
    *unix_time = days_from_civil (date.year, date.month, date.day) * 86400 + date.hour * 3600 + date.minute * 60 +
                 date.second - date.zone * 60;
  if (tz_offset != NULL)
    *tz_offset = date.zone;
  return TRUE;
}

/* The inverse of days_from_civil. */
static void
civil_from_days (gint64 days, gint64 *year, int *month, int *day)
{
  gint64 era, day_of_era, year_of_era, day_of_year, shifted_month;

  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  day_of_era = days - era * 146097;
  year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  shifted_month = (5 * day_of_year + 2) / 153;
  *day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  *month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  *year = year_of_era + era * 400 + (*month <= 2);
}

char *
pigeon_mime_date_format (gint64 unix_time, int tz_offset)
{
  static const char *const day_names[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
  static const char *const short_months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  gint64 local, days, seconds, year;
  int month, day, zone;

  g_return_val_if_fail (unix_time > G_MININT64 / 2 && unix_time < G_MAXINT64 / 2, NULL);
  g_return_val_if_fail (tz_offset >= -MAX_ZONE_MINUTES && tz_offset <= MAX_ZONE_MINUTES, NULL);

  local = unix_time + tz_offset * 60;
  days = local / 86400 - (local % 86400 < 0);
  seconds = local - days * 86400;
  civil_from_days (days, &year, &month, &day);
  zone = ABS (tz_offset);

  /* 1970-01-01 was a Thursday. */
  return g_strdup_printf ("%s, %d %s %04" G_GINT64_FORMAT " %02d:%02d:%02d %c%02d%02d",
                          day_names[((days % 7) + 11) % 7], day, short_months[month - 1], year, (int) (seconds / 3600),
                          (int) (seconds / 60 % 60), (int) (seconds % 60), tz_offset < 0 ? '-' : '+', zone / 60,
                          zone % 60);
}
