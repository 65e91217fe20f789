/* jpcal.c — Japanese national holidays and the organisation's working days. */
#include <stdlib.h>
#include <string.h>

#include "jpcal.h"
#include "timeutil.h"

/* Names, Japanese and English. */
enum hname {
	H_NEW_YEAR,
	H_COMING_OF_AGE,
	H_FOUNDATION,
	H_EMPEROR,
	H_VERNAL,
	H_SHOWA,
	H_CONSTITUTION,
	H_GREENERY,
	H_CHILDREN,
	H_MARINE,
	H_MOUNTAIN,
	H_AGED,
	H_AUTUMNAL,
	H_SPORTS,
	H_HEALTH_SPORTS,
	H_CULTURE,
	H_LABOUR,
	H_ACCESSION,
	H_ENTHRONEMENT,
	H_SUBSTITUTE,
	H_CITIZENS,
};

static const struct {
	const char *ja, *en;
} names[] = {
	[H_NEW_YEAR] = { "元日", "New Year's Day" },
	[H_COMING_OF_AGE] = { "成人の日", "Coming of Age Day" },
	[H_FOUNDATION] = { "建国記念の日", "National Foundation Day" },
	[H_EMPEROR] = { "天皇誕生日", "The Emperor's Birthday" },
	[H_VERNAL] = { "春分の日", "Vernal Equinox Day" },
	[H_SHOWA] = { "昭和の日", "Showa Day" },
	[H_CONSTITUTION] = { "憲法記念日", "Constitution Memorial Day" },
	[H_GREENERY] = { "みどりの日", "Greenery Day" },
	[H_CHILDREN] = { "こどもの日", "Children's Day" },
	[H_MARINE] = { "海の日", "Marine Day" },
	[H_MOUNTAIN] = { "山の日", "Mountain Day" },
	[H_AGED] = { "敬老の日", "Respect for the Aged Day" },
	[H_AUTUMNAL] = { "秋分の日", "Autumnal Equinox Day" },
	[H_SPORTS] = { "スポーツの日", "Sports Day" },
	[H_HEALTH_SPORTS] = { "体育の日", "Health and Sports Day" },
	[H_CULTURE] = { "文化の日", "Culture Day" },
	[H_LABOUR] = { "勤労感謝の日", "Labour Thanksgiving Day" },
	[H_ACCESSION] = { "即位の日", "Accession Day" },
	[H_ENTHRONEMENT] = { "即位礼正殿の儀の行われる日", "Enthronement Ceremony Day" },
	[H_SUBSTITUTE] = { "振替休日", "Substitute holiday" },
	[H_CITIZENS] = { "国民の休日", "Citizens' holiday" },
};

/* A holiday while the year's list is built: day of the year's calendar as days since epoch. */
struct day {
	int64_t days;
	enum hname name;
};

static int64_t ymd(int y, int m, int d)
{
	return date_days_ymd(y, m, d);
}

/* Day of the week of a day number: 0 Sunday .. 6 Saturday (1970-01-01 was a Thursday). */
static int wday(int64_t days)
{
	return (int)(((days % 7) + 7 + 4) % 7);
}

/* The n-th Monday (n ≥ 1) of month m. */
static int64_t nth_monday(int y, int m, int n)
{
	int64_t first = ymd(y, m, 1);
	int offset = (8 - wday(first)) % 7; /* days to the first Monday */
	return first + offset + 7 * (n - 1);
}

/* Equinox days by the formula in common use for 1980–2099. */
static int vernal_day(int y)
{
	return (int)(20.8431 + 0.242194 * (y - 1980)) - (y - 1980) / 4;
}

static int autumnal_day(int y)
{
	return (int)(23.2488 + 0.242194 * (y - 1980)) - (y - 1980) / 4;
}

static void add(struct day *list, int *n, int64_t days, enum hname name)
{
	if (*n < JPCAL_MAX_PER_YEAR)
		list[(*n)++] = (struct day){ days, name };
}

static bool listed(const struct day *list, int n, int64_t days)
{
	for (int i = 0; i < n; i++)
		if (list[i].days == days)
			return true;
	return false;
}

/* The holidays the Act names for year y (not yet the derived ones). */
static int statutory(int y, struct day *l)
{
	int n = 0;
	add(l, &n, ymd(y, 1, 1), H_NEW_YEAR);
	add(l, &n, nth_monday(y, 1, 2), H_COMING_OF_AGE);
	add(l, &n, ymd(y, 2, 11), H_FOUNDATION);
	if (y >= 2020)
		add(l, &n, ymd(y, 2, 23), H_EMPEROR);
	add(l, &n, ymd(y, 3, vernal_day(y)), H_VERNAL);
	add(l, &n, ymd(y, 4, 29), y >= 2007 ? H_SHOWA : H_GREENERY);
	if (y == 2019)
		add(l, &n, ymd(y, 5, 1), H_ACCESSION);
	add(l, &n, ymd(y, 5, 3), H_CONSTITUTION);
	if (y >= 2007)
		add(l, &n, ymd(y, 5, 4), H_GREENERY);
	add(l, &n, ymd(y, 5, 5), H_CHILDREN);
	if (y == 2020)
		add(l, &n, ymd(y, 7, 23), H_MARINE);
	else if (y == 2021)
		add(l, &n, ymd(y, 7, 22), H_MARINE);
	else if (y >= 2003)
		add(l, &n, nth_monday(y, 7, 3), H_MARINE);
	else
		add(l, &n, ymd(y, 7, 20), H_MARINE);
	if (y == 2020)
		add(l, &n, ymd(y, 7, 24), H_SPORTS);
	else if (y == 2021)
		add(l, &n, ymd(y, 7, 23), H_SPORTS);
	if (y == 2020)
		add(l, &n, ymd(y, 8, 10), H_MOUNTAIN);
	else if (y == 2021)
		add(l, &n, ymd(y, 8, 8), H_MOUNTAIN);
	else if (y >= 2016)
		add(l, &n, ymd(y, 8, 11), H_MOUNTAIN);
	add(l, &n, y >= 2003 ? nth_monday(y, 9, 3) : ymd(y, 9, 15), H_AGED);
	add(l, &n, ymd(y, 9, autumnal_day(y)), H_AUTUMNAL);
	if (y >= 2022)
		add(l, &n, nth_monday(y, 10, 2), H_SPORTS);
	else if (y <= 2019)
		add(l, &n, nth_monday(y, 10, 2), H_HEALTH_SPORTS);
	if (y == 2019)
		add(l, &n, ymd(y, 10, 22), H_ENTHRONEMENT);
	add(l, &n, ymd(y, 11, 3), H_CULTURE);
	add(l, &n, ymd(y, 11, 23), H_LABOUR);
	if (y <= 2018)
		add(l, &n, ymd(y, 12, 23), H_EMPEROR);
	return n;
}

static int by_day(const void *a, const void *b)
{
	const struct day *x = a, *y = b;
	return x->days < y->days ? -1 : x->days > y->days;
}

/* The year's holidays as days, sorted, derived ones included. */
static int year_days(int y, struct day *l)
{
	if (y < JPCAL_MIN_YEAR || y > JPCAL_MAX_YEAR)
		return 0;
	int n = statutory(y, l);
	int base = n;
	/* 国民の休日: a day between two statutory holidays that is not one itself. */
	for (int i = 0; i < base; i++)
		for (int j = 0; j < base; j++)
			if (l[j].days == l[i].days + 2 && !listed(l, n, l[i].days + 1) &&
			    wday(l[i].days + 1) != 0)
				add(l, &n, l[i].days + 1, H_CITIZENS);
	/* 振替休日: a holiday on a Sunday moves the rest to the next day that is no holiday. */
	int with_citizens = n;
	for (int i = 0; i < with_citizens; i++) {
		if (wday(l[i].days) != 0 || l[i].name == H_CITIZENS)
			continue;
		int64_t d = l[i].days + 1;
		while (listed(l, n, d))
			d++;
		add(l, &n, d, H_SUBSTITUTE);
	}
	qsort(l, (size_t)n, sizeof(*l), by_day);
	return n;
}

int jpcal_holidays(int year, struct jp_holiday out[JPCAL_MAX_PER_YEAR])
{
	struct day l[JPCAL_MAX_PER_YEAR];
	int n = year_days(year, l);
	for (int i = 0; i < n; i++) {
		date_from_days(l[i].days, out[i].date);
		out[i].name_ja = names[l[i].name].ja;
		out[i].name_en = names[l[i].name].en;
	}
	return n;
}

bool jpcal_holiday(const char *date, const char **name_ja, const char **name_en)
{
	int64_t days;
	if (date_days(date, &days))
		return false;
	int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
		(date[3] - '0');
	struct day l[JPCAL_MAX_PER_YEAR];
	int n = year_days(y, l);
	for (int i = 0; i < n; i++)
		if (l[i].days == days) {
			if (name_ja)
				*name_ja = names[l[i].name].ja;
			if (name_en)
				*name_en = names[l[i].name].en;
			return true;
		}
	return false;
}

enum dayoff jpcal_dayoff(const char *date, const struct workcal *c)
{
	int wd = date_weekday(date);
	if (wd < 0)
		return DAY_WORKING;
	if (jpcal_holiday(date, NULL, NULL))
		return DAY_HOLIDAY;
	if (c && c->year_end_closure) {
		int md = (date[5] - '0') * 1000 + (date[6] - '0') * 100 + (date[8] - '0') * 10 +
			 (date[9] - '0');
		if (md >= 1229 || md <= 103)
			return DAY_YEAR_END;
	}
	if (wd == 0)
		return DAY_SUNDAY;
	if (wd == 6)
		return DAY_SATURDAY;
	return DAY_WORKING;
}

bool jpcal_workday(const char *date, const struct workcal *c)
{
	return jpcal_dayoff(date, c) == DAY_WORKING;
}

int jpcal_add_workdays(const char *date, int n, const struct workcal *c, char out[11])
{
	int64_t days;
	if (date_days(date, &days))
		return -1;
	char d[11];
	/* Ten years of days is far more than any deadline needs; it bounds the loop. */
	for (int guard = 0; n > 0 && guard < 3660; guard++) {
		date_from_days(++days, d);
		if (jpcal_workday(d, c))
			n--;
	}
	date_from_days(days, out);
	return 0;
}

int jpcal_workdays_between(const char *from, const char *to, const struct workcal *c)
{
	int64_t a, b;
	if (date_days(from, &a) || date_days(to, &b) || b <= a)
		return 0;
	if (b - a > 3660)
		b = a + 3660;
	int n = 0;
	char d[11];
	for (int64_t x = a + 1; x <= b; x++) {
		date_from_days(x, d);
		n += jpcal_workday(d, c);
	}
	return n;
}
