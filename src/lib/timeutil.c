/* timeutil.c — RFC 3339, calendar dates and the organisation's time zone. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "timeutil.h"
#include "util.h"

int64_t now_unix(void)
{
	static int64_t offset = -1;
	if (offset == -1) {
		const char *s = getenv("MAMORI_TEST_CLOCK_OFFSET");
		int64_t v = 0;
		offset =
			(s && parse_i64(s, -((int64_t)1 << 40), (int64_t)1 << 40, &v) == 0) ? v : 0;
	}
	return (int64_t)time(NULL) + offset;
}

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian): pure arithmetic, because
 * gmtime_r takes glibc's time zone lock and lists format many timestamps per request. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void time_rfc3339(int64_t t, char out[21])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(out, 21, "0000-00-00T00:00:00Z");
		return;
	}
	int parts[6] = { y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60) };
	static const char seps[] = "--T::Z";
	char *p = out;
	for (int i = 0; i < 6; i++) {
		int v = parts[i];
		if (i == 0) {
			*p++ = (char)('0' + v / 1000);
			*p++ = (char)('0' + v / 100 % 10);
		}
		*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = seps[i];
	}
	*p = '\0';
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool date_valid(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
	    !digits(s + 8, 2))
		return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Days since 1970-01-01 of a civil date (the inverse of civil_from_days). */
int64_t date_days_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int date_days(const char *date, int64_t *days)
{
	if (!date || !date_valid(date))
		return -1;
	int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
		(date[3] - '0');
	int m = (date[5] - '0') * 10 + (date[6] - '0');
	int d = (date[8] - '0') * 10 + (date[9] - '0');
	*days = date_days_ymd(y, m, d);
	return 0;
}

void date_from_days(int64_t days, char out[11])
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = m = d = 0;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int date_add(const char *date, int n, char out[11])
{
	int64_t days;
	if (date_days(date, &days))
		return -1;
	date_from_days(days + n, out);
	return 0;
}

int date_add_months(const char *date, int n, char out[11])
{
	if (!date || !date_valid(date))
		return -1;
	int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
		(date[3] - '0');
	int m = (date[5] - '0') * 10 + (date[6] - '0');
	int d = (date[8] - '0') * 10 + (date[9] - '0');
	int64_t months = (int64_t)y * 12 + (m - 1) + n;
	if (months < 12 || months >= 10000 * 12)
		return -1;
	y = (int)(months / 12);
	m = (int)(months % 12) + 1;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	date_from_days(date_days_ymd(y, m, d), out);
	return 0;
}

int date_weekday(const char *date)
{
	int64_t days;
	if (date_days(date, &days))
		return -1;
	/* 1970-01-01 was a Thursday (4). */
	return (int)(((days % 7) + 7 + 4) % 7);
}

int64_t date_diff(const char *from, const char *to)
{
	int64_t a, b;
	if (date_days(from, &a) || date_days(to, &b))
		return 0;
	return b - a;
}

int time_parse_rfc3339(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	if (n < 20 || !date_valid((char[11]){ s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8],
					      s[9], 0 }))
		return -1;
	if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':' ||
	    !digits(s + 11, 2) || !digits(s + 14, 2) || !digits(s + 17, 2))
		return -1;
	struct tm tm = { 0 };
	tm.tm_year =
		(s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0') - 1;
	tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
	tm.tm_hour = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_min = (s[14] - '0') * 10 + (s[15] - '0');
	tm.tm_sec = (s[17] - '0') * 10 + (s[18] - '0');
	if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	int64_t off = 0;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && digits(p + 1, 2) && p[3] == ':' &&
		   digits(p + 4, 2)) {
		int hh = (p[1] - '0') * 10 + (p[2] - '0'), mm = (p[4] - '0') * 10 + (p[5] - '0');
		if (hh > 23 || mm > 59)
			return -1;
		off = (hh * 3600 + mm * 60) * (*p == '+' ? 1 : -1);
	} else {
		return -1;
	}
	*out = (int64_t)timegm(&tm) - off;
	return 0;
}

#define ZONEINFO "/usr/share/zoneinfo"

/* Whether the IANA database's own list (tzdata.zi: "Z name ..." for a zone, "L target name"
 * for a link) names `name`. -1 when the list cannot be read. Directories ("Asia") and files
 * that are not zones ("posixrules", "localtime", "posix/...", "right/...") are not in it. */
static int listed(const char *name)
{
	FILE *f = fopen(ZONEINFO "/tzdata.zi", "re");
	if (!f)
		return -1;
	char line[512];
	size_t n = strlen(name);
	int found = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = NULL;
		if (line[0] == 'Z' && line[1] == ' ') {
			p = line + 2;
		} else if (line[0] == 'L' && line[1] == ' ') {
			p = strchr(line + 2, ' '); /* after the link's target */
			p = p ? p + 1 : NULL;
		}
		found = p && !strncmp(p, name, n) && (p[n] == ' ' || p[n] == '\n' || !p[n]);
	}
	fclose(f);
	return found;
}

/* A compiled zone: a regular file that starts with the TZif magic. */
static bool tzif_file(const char *name)
{
	char path[128];
	struct stat st;
	char magic[4];
	snprintf(path, sizeof(path), ZONEINFO "/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		  read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
		  !memcmp(magic, "TZif", 4);
	close(fd);
	return ok;
}

bool tz_known(const char *name)
{
	if (!name || !*name || strstr(name, "..") || name[0] == '/' || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' || *p == '-' || *p == '+'))
			return false;
	if (strcmp(name, "UTC") == 0)
		return true;
	/* "Factory" is in the list but is no place: its offset is a placeholder. */
	if (!strcmp(name, "Factory") || !tzif_file(name))
		return false;
	int in_list = listed(name);
	if (in_list >= 0)
		return in_list == 1;
	/* Without the list, refuse at least what is known not to be a zone. */
	return strcmp(name, "posixrules") && strcmp(name, "localtime") &&
	       strncmp(name, "posix/", 6) && strncmp(name, "right/", 6);
}

/* TZ is process state: changing it while another thread converts a time is a race, so both
 * happen under this lock (mamori converts to local time nowhere else). */
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

int tz_set(const char *name)
{
	if (!tz_known(name))
		return -1;
	pthread_mutex_lock(&tz_lock);
	const char *now = getenv("TZ");
	if (!now || strcmp(now, name)) {
		setenv("TZ", name, 1);
		tzset();
	}
	pthread_mutex_unlock(&tz_lock);
	return 0;
}

void tz_today(char out[11])
{
	struct tm tm;
	time_t t = (time_t)now_unix();
	pthread_mutex_lock(&tz_lock);
	localtime_r(&t, &tm);
	pthread_mutex_unlock(&tz_lock);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int32_t tz_offset(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	pthread_mutex_lock(&tz_lock);
	localtime_r(&tt, &tm);
	pthread_mutex_unlock(&tz_lock);
	return (int32_t)tm.tm_gmtoff;
}
