/*
 * timeutil.h — instants, calendar dates and the organisation's time zone.
 *
 * Instants are stored and passed as int64 Unix seconds (UTC) and shown in the API as
 * RFC 3339 UTC ("2026-11-23T02:05:00Z"). Calendar dates are "YYYY-MM-DD" strings. Deadlines
 * and "today" are counted in the organisation's time zone (default Asia/Tokyo): set it once
 * with tz_set(); tz_today() is thread-safe.
 */
#ifndef MAMORI_TIMEUTIL_H
#define MAMORI_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

int64_t now_unix(void);
int64_t now_ms(void); /* monotonic milliseconds, for durations */

/* Tests may pin the clock: MAMORI_TEST_CLOCK_OFFSET (seconds) is added to now_unix(). */

/* "2026-11-23T02:05:00Z" into out (at least 21 bytes). */
void time_rfc3339(int64_t t, char out[21]);
/* Parses RFC 3339 with Z or ±hh:mm offset; -1 if malformed. */
int time_parse_rfc3339(const char *s, int64_t *out);

/* True if s is a real calendar date YYYY-MM-DD (leap years checked). */
bool date_valid(const char *s);

/* Calendar-date arithmetic on "YYYY-MM-DD" (proleptic Gregorian, no time zone involved). */
/* Days since 1970-01-01 of a real date; -1 (and *days untouched) if it is not one. */
int date_days(const char *date, int64_t *days);
/* Days since 1970-01-01 of year y, month m (1–12), day d (no check). */
int64_t date_days_ymd(int y, int m, int d);
/* The date `days` after 1970-01-01, as YYYY-MM-DD. */
void date_from_days(int64_t days, char out[11]);
/* `date` + `n` days (n may be negative); -1 if `date` is not a real date. */
int date_add(const char *date, int n, char out[11]);
/* `date` + `n` months (may be negative), the day clamped to the month's length (1/31 + 1 month
 * is 2/28 or 2/29); -1 if `date` is not a real date or the result leaves years 1–9999. */
int date_add_months(const char *date, int n, char out[11]);
/* Day of the week of a real date: 0 Sunday .. 6 Saturday; -1 if not a date. */
int date_weekday(const char *date);
/* to - from in days; 0 when either is not a real date. */
int64_t date_diff(const char *from, const char *to);

/* Sets the organisation time zone (IANA name); -1 if unknown. Not thread-safe: call at start
 * or under the settings lock. */
int tz_set(const char *name);
/* A real IANA zone or link name ("Asia/Tokyo", "Japan", "UTC"): listed by the system's time
 * zone database and a compiled zone file. Not a directory ("Asia"), nor "posixrules",
 * "localtime", "Factory" or the posix/ and right/ copies. */
bool tz_known(const char *name);
/* Today's date in the organisation's zone, "YYYY-MM-DD" (11 bytes). */
void tz_today(char out[11]);
/* The organisation's offset from UTC (seconds east) at instant t, e.g. 32400 in Tokyo: for
 * turning an instant into the organisation's calendar date. Thread-safe. */
int32_t tz_offset(int64_t t);

#endif
