/*
 * deadlines.c — whether an incident must be reported to the PPC, and by when.
 *
 * Pure functions: dates in, dates out. Days are counted like the law counts them: the day of
 * discovery is day 0, so "within 30 days" of a discovery on 1 April ends on 1 May.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "incidents.h"
#include "../../lib/timeutil.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t day_number(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void format_day(int64_t days, char out[11])
{
	time_t t = (time_t)(days * 86400);
	struct tm tm;
	gmtime_r(&t, &tm);
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	memcpy(out, tmp, 11);
	out[10] = '\0';
}

static int parse_day(const char *date, int64_t *days)
{
	if (!date || !date_valid(date))
		return -1;
	int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
		(date[3] - '0');
	int m = (date[5] - '0') * 10 + (date[6] - '0');
	int d = (date[8] - '0') * 10 + (date[9] - '0');
	*days = day_number(y, m, d);
	return 0;
}

int incident_date_add(const char *date, int days, char out[11])
{
	int64_t n;
	if (parse_day(date, &n))
		return -1;
	format_day(n + days, out);
	return 0;
}

void incident_local_date(int64_t t, int32_t utc_offset_s, char out[11])
{
	int64_t local = t + utc_offset_s;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	format_day(days, out);
}

int incident_report_deadlines(const struct ppc_facts *f, const char *discovered_on,
			      struct ppc_decision *out)
{
	memset(out, 0, sizeof(*out));
	int64_t day;
	if (parse_day(discovered_on, &day))
		return -1;
	memcpy(out->discovered_on, discovered_on, 11);
	if (!f->incident)
		return 0; /* a near-miss: nothing left the organisation */
	if (f->sensitive)
		out->reasons |= PPC_SENSITIVE;
	if (f->financial)
		out->reasons |= PPC_FINANCIAL;
	if (f->unauthorised)
		out->reasons |= PPC_UNAUTHORISED;
	if (f->people > 1000)
		out->reasons |= PPC_OVER_1000;
	out->exempt_encrypted = out->reasons && f->encrypted;
	out->mandatory = out->reasons && !f->encrypted;
	if (out->mandatory) {
		out->final_days = f->unauthorised ? 60 : 30;
		format_day(day + 3, out->preliminary_target);
		format_day(day + 5, out->preliminary_limit);
		format_day(day + out->final_days, out->final_due);
	}
	if (f->holds_pmark) {
		int n = f->review_body_days >= 1 && f->review_body_days <= 30 ? f->review_body_days
									      : 3;
		out->review_body = true;
		format_day(day + n, out->review_body_due);
	}
	return 0;
}

enum deadline_flag incident_deadline_flag(const char *due, const char *today, int warn_days)
{
	int64_t d, t;
	if (parse_day(due, &d) || parse_day(today, &t))
		return DL_OPEN;
	if (t > d)
		return DL_MISSED;
	return d - t <= warn_days ? DL_SOON : DL_OPEN;
}
