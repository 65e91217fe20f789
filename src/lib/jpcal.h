/*
 * jpcal.h — the Japanese calendar: national holidays (国民の祝日) and working days (営業日).
 *
 * Holidays follow the Act on National Holidays (国民の祝日に関する法律) as it stands, with the
 * changes since 2000 that still matter for records kept today: Happy Monday days, Showa Day and
 * Greenery Day (2007), Mountain Day (2016), the Emperor's Birthday moving to 23 February (2020),
 * the one-off days of the 2019 accession, and the moved days of the Tokyo Olympics (2020, 2021).
 * The equinox days are computed by the usual formula (valid 1980–2099); the Cabinet announces
 * them each February for the next year, and the formula has matched every announcement so far.
 * Two derived rules apply: a holiday on a Sunday gives a substitute holiday (振替休日) on the
 * next day that is not a holiday, and a day between two holidays is a citizens' holiday
 * (国民の休日).
 *
 * Working days are Monday–Friday that are neither a holiday nor, when the organisation closes
 * over the new year (a setting, default on), inside 29 December – 3 January.
 *
 * Years outside JPCAL_MIN_YEAR..JPCAL_MAX_YEAR have no holidays (weekends still count).
 * Pure functions, no state: safe from every thread.
 */
#ifndef MAMORI_JPCAL_H
#define MAMORI_JPCAL_H

#include <stdbool.h>

#define JPCAL_MIN_YEAR     2000
#define JPCAL_MAX_YEAR     2099
#define JPCAL_MAX_PER_YEAR 24

struct jp_holiday {
	char date[11];       /* YYYY-MM-DD */
	const char *name_ja; /* 「元日」 */
	const char *name_en; /* "New Year's Day" */
};

/* The holidays of `year` in date order (substitute and citizens' holidays included) into
 * `out` (JPCAL_MAX_PER_YEAR entries); returns how many. */
int jpcal_holidays(int year, struct jp_holiday out[JPCAL_MAX_PER_YEAR]);

/* True if `date` is a national holiday; its names (static strings) when wanted. */
bool jpcal_holiday(const char *date, const char **name_ja, const char **name_en);

/* How the organisation counts working days. */
struct workcal {
	bool year_end_closure; /* 12/29–1/3 are not working days (年末年始休業) */
};

/* Why a date is not a working day. */
enum dayoff { DAY_WORKING = 0, DAY_SATURDAY, DAY_SUNDAY, DAY_HOLIDAY, DAY_YEAR_END };

/* What kind of day `date` is for the organisation; DAY_WORKING also for a date that is not a
 * real date (callers validate dates first). */
enum dayoff jpcal_dayoff(const char *date, const struct workcal *c);
bool jpcal_workday(const char *date, const struct workcal *c);

/* The date `n` working days after `date` (n ≥ 1; `date` itself is not counted) into out;
 * -1 if `date` is not a real date. */
int jpcal_add_workdays(const char *date, int n, const struct workcal *c, char out[11]);

/* The number of working days after `from` up to and including `to` (0 when to ≤ from). */
int jpcal_workdays_between(const char *from, const char *to, const struct workcal *c);

#endif
