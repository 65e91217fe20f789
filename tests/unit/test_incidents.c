/* test_incidents.c — the reporting decision and its deadlines (incidents/deadlines.c), the
 * calendar marks on them, and the report documents (incidents/report_doc.c). */
#include <string.h>

#include "unit.h"
#include "lib/jpcal.h"
#include "lib/timeutil.h"
#include "modules/incidents/incidents.h"
#include "modules/incidents/report_doc.h"

#define NONE 0u
#define S    PPC_SENSITIVE
#define F    PPC_FINANCIAL
#define U    PPC_UNAUTHORISED
#define O    PPC_OVER_1000

/* One row: the facts (APPI only), the discovery date, and what must come out. */
struct decide_case {
	const char *name;
	bool incident, sensitive, financial, unauthorised;
	int64_t people;
	bool encrypted;
	const char *discovered_on;
	enum clock_state state;
	unsigned reasons;
	const char *prelim_target, *prelim_limit, *final_due;
	int final_days;
};

/* Day 1 is the day the organisation learned of it: 1 April → target 3 April (day 3), limit
 * 5 April (day 5), final 30 April (day 30) or 30 May (day 60). */
static const struct decide_case decide_cases[] = {
	/* Nothing that triggers, and the count known: no report, no deadlines. */
	{ "no trigger, few people", true, false, false, false, 10, false, "2026-04-01",
	  CLOCK_NOT_REQUIRED, NONE, "", "", "", 0 },
	/* Count unknown: more than 1,000 may be affected, so the clock runs until it is known. */
	{ "people unknown", true, false, false, false, -1, false, "2026-04-01", CLOCK_UNDETERMINED,
	  PPC_COUNT_UNKNOWN, "2026-04-03", "2026-04-05", "2026-04-30", 30 },
	{ "people unknown, encrypted", true, false, false, false, -1, true, "2026-04-01",
	  CLOCK_NOT_REQUIRED, NONE, "", "", "", 0 },
	/* Each trigger alone, with a single person: the count does not matter. */
	{ "sensitive alone", true, true, false, false, 1, false, "2026-04-01", CLOCK_REQUIRED, S,
	  "2026-04-03", "2026-04-05", "2026-04-30", 30 },
	{ "financial alone", true, false, true, false, 1, false, "2026-04-01", CLOCK_REQUIRED, F,
	  "2026-04-03", "2026-04-05", "2026-04-30", 30 },
	{ "unauthorised alone: 60 days", true, false, false, true, 1, false, "2026-04-01",
	  CLOCK_REQUIRED, U, "2026-04-03", "2026-04-05", "2026-05-30", 60 },
	{ "sensitive, count unknown", true, true, false, false, -1, false, "2026-04-01",
	  CLOCK_REQUIRED, S, "2026-04-03", "2026-04-05", "2026-04-30", 30 },
	/* The 1,000-person line: more than 1,000, not 1,000. */
	{ "1,000 people", true, false, false, false, 1000, false, "2026-04-01", CLOCK_NOT_REQUIRED,
	  NONE, "", "", "", 0 },
	{ "1,001 people", true, false, false, false, 1001, false, "2026-04-01", CLOCK_REQUIRED, O,
	  "2026-04-03", "2026-04-05", "2026-04-30", 30 },
	/* Strong encryption exempts every trigger, and says so. */
	{ "encrypted, sensitive", true, true, false, false, 5, true, "2026-04-01", CLOCK_EXEMPT, S,
	  "", "", "", 0 },
	{ "encrypted, 5,000 people", true, false, false, false, 5000, true, "2026-04-01",
	  CLOCK_EXEMPT, O, "", "", "", 0 },
	{ "encrypted, nothing to exempt", true, false, false, false, 3, true, "2026-04-01",
	  CLOCK_NOT_REQUIRED, NONE, "", "", "", 0 },
	{ "encrypted, unauthorised", true, false, false, true, 1, true, "2026-04-01", CLOCK_EXEMPT,
	  U, "", "", "", 0 },
	/* Several triggers: unauthorised purpose still means 60 days. */
	{ "all triggers", true, true, true, true, 2000, false, "2026-04-01", CLOCK_REQUIRED,
	  S | F | U | O, "2026-04-03", "2026-04-05", "2026-05-30", 60 },
	/* A near-miss is never reported outside, whatever its facts. */
	{ "near-miss", false, true, true, true, 5000, false, "2026-04-01", CLOCK_NONE, NONE, "", "",
	  "", 0 },
	/* The compliance review's case: learned 31 January 2025 at 23:30 — final 1 March. */
	{ "end of January 2025", true, true, false, false, 1, false, "2025-01-31", CLOCK_REQUIRED,
	  S, "2025-02-02", "2025-02-04", "2025-03-01", 30 },
	/* Month ends, leap years and the year's end. */
	{ "end of January, leap year", true, true, false, false, 1, false, "2028-01-31",
	  CLOCK_REQUIRED, S, "2028-02-02", "2028-02-04", "2028-02-29", 30 },
	{ "27 February, leap year", true, true, false, false, 1, false, "2028-02-27",
	  CLOCK_REQUIRED, S, "2028-02-29", "2028-03-02", "2028-03-27", 30 },
	{ "27 February, common year", true, true, false, false, 1, false, "2026-02-27",
	  CLOCK_REQUIRED, S, "2026-03-01", "2026-03-03", "2026-03-28", 30 },
	{ "year end", true, false, true, false, 1, false, "2026-12-30", CLOCK_REQUIRED, F,
	  "2027-01-01", "2027-01-03", "2027-01-28", 30 },
	{ "year end, 60 days", true, false, false, true, 1, false, "2026-12-30", CLOCK_REQUIRED, U,
	  "2027-01-01", "2027-01-03", "2027-02-27", 60 },
};

static void decisions(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(decide_cases); i++) {
		const struct decide_case *c = &decide_cases[i];
		struct ppc_facts f = { .incident = c->incident,
				       .pd_involved = true,
				       .sensitive = c->sensitive,
				       .financial = c->financial,
				       .unauthorised = c->unauthorised,
				       .people = c->people,
				       .encrypted = c->encrypted,
				       .mn_people = -1 };
		struct ppc_decision d;
		print_message("case: %s\n", c->name);
		assert_int_equal(incident_report_deadlines(&f, c->discovered_on, &d), 0);
		assert_int_equal(d.appi.state, c->state);
		assert_int_equal(d.ppc.state, c->state);
		assert_int_equal(d.appi.reasons, c->reasons);
		assert_int_equal(d.appi.exempted, c->state == CLOCK_EXEMPT ? c->reasons : 0);
		assert_string_equal(d.discovered_on, c->discovered_on);
		assert_string_equal(d.ppc.preliminary_target, c->prelim_target);
		assert_string_equal(d.ppc.preliminary_limit, c->prelim_limit);
		assert_string_equal(d.ppc.final_due, c->final_due);
		assert_int_equal(d.ppc.final_days, c->final_days);
		/* No My Numbers: that law does not apply. */
		assert_int_equal(d.mynumber.state, CLOCK_NONE);
		/* The people affected are told exactly when the PPC is, and overdue with it. */
		assert_int_equal(d.notify_subjects, report_clock_running(&d.ppc));
		assert_string_equal(d.subjects_overdue_after, c->final_due);
		assert_int_equal(d.review_body.state, CLOCK_NONE);
	}
}

/* No personal data at all: nothing outside, whatever else is ticked. */
static void no_personal_data(void **state)
{
	(void)state;
	struct ppc_facts f = { .incident = true,
			       .people = -1,
			       .mn_people = -1,
			       .holds_pmark = true,
			       .review_body_days = 3 };
	struct ppc_decision d;
	assert_int_equal(incident_report_deadlines(&f, "2026-04-01", &d), 0);
	assert_int_equal(d.ppc.state, CLOCK_NONE);
	assert_int_equal(d.review_body.state, CLOCK_NONE);
	assert_false(d.notify_subjects);
}

/* My Number (番号法第29条の4, the PPC's rule 第2条) at its edges. */
struct mn_case {
	const char *name;
	bool unauthorised, encrypted, network, misuse, public_, unlawful;
	int64_t people, mn_people;
	enum clock_state mn_state;
	unsigned mn_reasons, mn_exempted;
	enum clock_state appi_state;
	const char *final_due; /* the PPC's (both laws): the earliest */
};

static const struct mn_case mn_cases[] = {
	{ "exactly 100 people", false, false, false, false, false, false, 100, 100,
	  CLOCK_NOT_REQUIRED, 0, 0, CLOCK_NOT_REQUIRED, "" },
	{ "101 people", false, false, false, false, false, false, 101, 101, CLOCK_REQUIRED,
	  MN_OVER_100, 0, CLOCK_NOT_REQUIRED, "2026-04-30" },
	{ "101 of 500 with My Numbers", false, false, false, false, false, false, 500, 101,
	  CLOCK_REQUIRED, MN_OVER_100, 0, CLOCK_NOT_REQUIRED, "2026-04-30" },
	{ "100 of 5,000 with My Numbers", false, false, false, false, false, false, 5000, 100,
	  CLOCK_NOT_REQUIRED, 0, 0, CLOCK_REQUIRED, "2026-04-30" },
	/* Unauthorised purpose with one person: both laws at once. The APPI gives 60 days; the
	 * My Number clock is held at 30 (docs/incidents.md), so 30 April is the PPC's date. */
	{ "unauthorised purpose, 1 person", true, false, false, false, false, false, 1, 1,
	  CLOCK_REQUIRED, MN_UNAUTHORISED, 0, CLOCK_REQUIRED, "2026-04-30" },
	{ "network systems", false, false, true, false, false, false, 1, 1, CLOCK_REQUIRED,
	  MN_NETWORK, 0, CLOCK_NOT_REQUIRED, "2026-04-30" },
	{ "viewable online", false, false, false, false, true, false, 1, 1, CLOCK_REQUIRED,
	  MN_PUBLIC, 0, CLOCK_NOT_REQUIRED, "2026-04-30" },
	/* Encryption exempts the leaks, never a use or provision. */
	{ "150 leaked, encrypted", false, true, false, false, false, false, 150, 150, CLOCK_EXEMPT,
	  MN_OVER_100, MN_OVER_100, CLOCK_NOT_REQUIRED, "" },
	{ "150 used against the Act, encrypted", false, true, false, false, false, true, 150, 150,
	  CLOCK_REQUIRED, MN_OVER_100, 0, CLOCK_NOT_REQUIRED, "2026-04-30" },
	{ "misuse of 1, encrypted", false, true, false, true, false, false, 1, 1, CLOCK_REQUIRED,
	  MN_MISUSE, 0, CLOCK_NOT_REQUIRED, "2026-04-30" },
	{ "unauthorised leak, encrypted", true, true, false, false, false, false, 1, 1,
	  CLOCK_EXEMPT, MN_UNAUTHORISED, MN_UNAUTHORISED, CLOCK_EXEMPT, "" },
	/* Counts not known: both clocks run until they are. */
	{ "count unknown", false, false, false, false, false, false, -1, -1, CLOCK_UNDETERMINED,
	  MN_COUNT_UNKNOWN, 0, CLOCK_UNDETERMINED, "2026-04-30" },
	{ "My Number count unknown, 50 people", false, false, false, false, false, false, 50, -1,
	  CLOCK_NOT_REQUIRED, 0, 0, CLOCK_NOT_REQUIRED, "" },
};

static void mynumber(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mn_cases); i++) {
		const struct mn_case *c = &mn_cases[i];
		struct ppc_facts f = { .incident = true,
				       .pd_involved = true,
				       .unauthorised = c->unauthorised,
				       .people = c->people,
				       .encrypted = c->encrypted,
				       .mynumber = true,
				       .mn_network = c->network,
				       .mn_misuse = c->misuse,
				       .mn_public = c->public_,
				       .mn_unlawful = c->unlawful,
				       .mn_people = c->mn_people };
		struct ppc_decision d;
		print_message("case: %s\n", c->name);
		assert_int_equal(incident_report_deadlines(&f, "2026-04-01", &d), 0);
		assert_int_equal(d.mynumber.state, c->mn_state);
		assert_int_equal(d.mynumber.reasons, c->mn_reasons);
		assert_int_equal(d.mynumber.exempted, c->mn_exempted);
		assert_int_equal(d.appi.state, c->appi_state);
		assert_string_equal(d.ppc.final_due, c->final_due);
		if (d.mynumber.state == CLOCK_REQUIRED) {
			assert_string_equal(d.mynumber.preliminary_target, "2026-04-03");
			assert_string_equal(d.mynumber.preliminary_limit, "2026-04-05");
			assert_string_equal(d.mynumber.final_due, "2026-04-30");
		}
	}
	/* Both laws: each keeps its own dates, the PPC row shows the earliest. */
	struct ppc_facts f = { .incident = true,
			       .pd_involved = true,
			       .unauthorised = true,
			       .people = 1,
			       .mynumber = true,
			       .mn_people = 1 };
	struct ppc_decision d;
	incident_report_deadlines(&f, "2026-04-01", &d);
	assert_string_equal(d.appi.final_due, "2026-05-30");
	assert_int_equal(d.appi.final_days, 60);
	assert_string_equal(d.mynumber.final_due, "2026-04-30");
	assert_string_equal(d.ppc.final_due, "2026-04-30");
	assert_int_equal(d.ppc.reasons, PPC_UNAUTHORISED | MN_UNAUTHORISED);
	/* My Numbers ticked without personal data involved do not count (the API refuses it). */
	f.pd_involved = false;
	incident_report_deadlines(&f, "2026-04-01", &d);
	assert_int_equal(d.mynumber.state, CLOCK_NONE);
}

/* A contractor that told its client: the PPC clock stops, the review body's does not. */
static void contractor(void **state)
{
	(void)state;
	struct ppc_facts f = { .incident = true,
			       .pd_involved = true,
			       .sensitive = true,
			       .people = 10,
			       .mn_people = -1,
			       .contractor_notified = true,
			       .holds_pmark = true,
			       .review_body_days = 3 };
	struct ppc_decision d;
	incident_report_deadlines(&f, "2026-04-01", &d);
	assert_int_equal(d.appi.state, CLOCK_CONTRACTOR);
	assert_int_equal(d.appi.reasons, S);
	assert_string_equal(d.ppc.final_due, "");
	assert_false(d.notify_subjects);
	assert_int_equal(d.review_body.state, CLOCK_REQUIRED);
	assert_string_equal(d.review_body.final_due, "2026-04-30");
	/* Not told yet: the clock runs. */
	f.contractor_notified = false;
	incident_report_deadlines(&f, "2026-04-01", &d);
	assert_int_equal(d.ppc.state, CLOCK_REQUIRED);
}

/* The Privacy Mark review body: every incident with personal information, encrypted or not. */
static void review_body(void **state)
{
	(void)state;
	struct ppc_decision d;
	struct ppc_facts f = { .incident = true,
			       .pd_involved = true,
			       .people = 3,
			       .encrypted = true,
			       .mn_people = -1,
			       .holds_pmark = true,
			       .review_body_days = 10 };
	/* A lost encrypted laptop with 3 customers: no PPC report, but the review body's. */
	assert_int_equal(incident_report_deadlines(&f, "2026-11-29", &d), 0);
	assert_int_equal(d.ppc.state, CLOCK_NOT_REQUIRED);
	assert_int_equal(d.review_body.state, CLOCK_REQUIRED);
	assert_int_equal(d.review_body.reasons, RB_PERSONAL_INFO);
	assert_false(d.review_body.preliminary);
	assert_string_equal(d.review_body.preliminary_limit, "");
	assert_string_equal(d.review_body.final_due, "2026-12-28");
	assert_string_equal(d.review_body.final_target, "2026-12-08"); /* day 10 */
	/* Sensitive data, even encrypted: a preliminary report within about 3 to 5 days. */
	f.sensitive = true;
	incident_report_deadlines(&f, "2026-11-29", &d);
	assert_int_equal(d.ppc.state, CLOCK_EXEMPT);
	assert_true(d.review_body.preliminary);
	assert_string_equal(d.review_body.preliminary_target, "2026-12-01");
	assert_string_equal(d.review_body.preliminary_limit, "2026-12-03");
	/* An unauthorised purpose: 60 days. */
	f.unauthorised = true;
	incident_report_deadlines(&f, "2026-11-29", &d);
	assert_int_equal(d.review_body.final_days, 60);
	assert_string_equal(d.review_body.final_due, "2027-01-27");
	/* My Numbers of 101 people: a preliminary report too. */
	struct ppc_facts m = { .incident = true,
			       .pd_involved = true,
			       .people = 101,
			       .mynumber = true,
			       .mn_people = 101,
			       .holds_pmark = true };
	incident_report_deadlines(&m, "2026-11-29", &d);
	assert_true(d.review_body.preliminary);
	assert_true(d.review_body.reasons & MN_OVER_100);
	/* The organisation's own target never goes after the rule's date. */
	f.review_body_days = 30;
	f.unauthorised = false;
	incident_report_deadlines(&f, "2026-11-29", &d);
	assert_string_equal(d.review_body.final_target, "");
	/* Near-misses and service outages without personal data owe nothing. */
	f.incident = false;
	incident_report_deadlines(&f, "2026-11-29", &d);
	assert_int_equal(d.review_body.state, CLOCK_NONE);
	f.incident = true;
	f.pd_involved = false;
	incident_report_deadlines(&f, "2026-11-29", &d);
	assert_int_equal(d.review_body.state, CLOCK_NONE);
	/* Without the Privacy Mark, nothing. */
	f.pd_involved = true;
	f.holds_pmark = false;
	incident_report_deadlines(&f, "2026-11-29", &d);
	assert_int_equal(d.review_body.state, CLOCK_NONE);
}

static void bad_dates(void **state)
{
	(void)state;
	struct ppc_decision d;
	struct ppc_facts f = { .incident = true, .pd_involved = true, .sensitive = true };
	assert_int_equal(incident_report_deadlines(&f, "2026-02-30", &d), -1);
	assert_int_equal(d.ppc.state, CLOCK_NONE);
	assert_int_equal(incident_report_deadlines(&f, "", &d), -1);
	assert_int_equal(incident_report_deadlines(&f, NULL, &d), -1);
}

/* Every deadline says its weekday and whether it is a working day. */
static void weekdays_and_holidays(void **state)
{
	(void)state;
	static const struct {
		const char *date;
		int weekday;
		enum dayoff off;
		const char *holiday;
	} cases[] = {
		{ "2026-04-06", 1, DAY_WORKING, NULL },       /* Monday */
		{ "2026-04-04", 6, DAY_SATURDAY, NULL },      /* Saturday */
		{ "2026-04-05", 0, DAY_SUNDAY, NULL },        /* Sunday */
		{ "2026-04-29", 3, DAY_HOLIDAY, "昭和の日" }, /* a Wednesday holiday */
		{ "2026-05-06", 3, DAY_HOLIDAY, "振替休日" }, /* substitute holiday */
		{ "2026-12-30", 3, DAY_YEAR_END, NULL },      /* year-end closure, a Wednesday */
		{ "2027-01-04", 1, DAY_WORKING, NULL },
		{ "2025-03-01", 6, DAY_SATURDAY, NULL }, /* the review's final date */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct deadline_day d;
		print_message("date: %s\n", cases[i].date);
		incident_deadline_day(cases[i].date, incident_workcal(), &d);
		assert_int_equal(d.weekday, cases[i].weekday);
		assert_int_equal(d.off, cases[i].off);
		if (cases[i].holiday)
			assert_string_equal(d.holiday_ja, cases[i].holiday);
		else
			assert_null(d.holiday_ja);
	}
	/* Without the year-end closure, 30 December is an ordinary Wednesday. */
	struct workcal open = { .year_end_closure = false };
	struct deadline_day d;
	incident_deadline_day("2026-12-30", &open, &d);
	assert_int_equal(d.off, DAY_WORKING);
	/* A deadline on a holiday keeps its date (calendar days): 29 April 2026 is day 30 of an
	 * incident learned on 31 March, and is shown as a holiday. */
	struct ppc_facts f = { .incident = true, .pd_involved = true, .sensitive = true };
	struct ppc_decision dec;
	incident_report_deadlines(&f, "2026-03-31", &dec);
	assert_string_equal(dec.ppc.final_due, "2026-04-29");
	incident_deadline_day(dec.ppc.final_due, incident_workcal(), &d);
	assert_int_equal(d.off, DAY_HOLIDAY);
	incident_deadline_day("not a date", incident_workcal(), &d);
	assert_int_equal(d.weekday, -1);
}

/* The discovery date is the organisation's calendar day, not UTC's. */
struct zone_case {
	const char *name;
	int64_t t;      /* Unix seconds */
	int32_t offset; /* seconds east of UTC */
	const char *date;
};

static const struct zone_case zone_cases[] = {
	/* 2026-03-31T15:30:00Z is already 1 April in Tokyo (+09:00). */
	{ "Tokyo, after 00:00 local", 1774971000, 9 * 3600, "2026-04-01" },
	{ "UTC, same instant", 1774971000, 0, "2026-03-31" },
	/* 2026-03-31T14:59:59Z is still 31 March in Tokyo. */
	{ "Tokyo, one second before midnight", 1774969199, 9 * 3600, "2026-03-31" },
	{ "Tokyo, midnight", 1774969200, 9 * 3600, "2026-04-01" },
	/* 2027-01-01T02:00:00Z is still New Year's Eve in New York (-05:00). */
	{ "New York, across the year", 1798768800, -5 * 3600, "2026-12-31" },
	{ "Tokyo, same instant", 1798768800, 9 * 3600, "2027-01-01" },
	/* Before 1970 works too. */
	{ "before the epoch", -1, 0, "1969-12-31" },
};

static void zones(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(zone_cases); i++) {
		char out[11];
		print_message("case: %s\n", zone_cases[i].name);
		incident_local_date(zone_cases[i].t, zone_cases[i].offset, out);
		assert_string_equal(out, zone_cases[i].date);
	}
	assert_int_equal(tz_set("Asia/Tokyo"), 0);
	assert_int_equal(tz_offset(1774971000), 9 * 3600);
	char day[11];
	/* The same discovery instant gives different deadlines in Tokyo and in UTC. */
	struct ppc_facts f = { .incident = true, .pd_involved = true, .sensitive = true };
	struct ppc_decision tokyo, utc;
	incident_local_date(1774971000, 9 * 3600, day);
	incident_report_deadlines(&f, day, &tokyo);
	incident_local_date(1774971000, 0, day);
	incident_report_deadlines(&f, day, &utc);
	assert_string_equal(tokyo.ppc.preliminary_limit, "2026-04-05");
	assert_string_equal(utc.ppc.preliminary_limit, "2026-04-04");
	assert_string_equal(tokyo.ppc.final_due, "2026-04-30");
	assert_string_equal(utc.ppc.final_due, "2026-04-29");
}

static void flags(void **state)
{
	(void)state;
	static const struct {
		const char *due, *today;
		int warn;
		enum deadline_flag want;
	} cases[] = {
		{ "2026-04-06", "2026-04-01", 2, DL_OPEN },
		{ "2026-04-06", "2026-04-04", 2, DL_SOON },
		{ "2026-04-06", "2026-04-06", 2, DL_SOON }, /* the last day still counts */
		{ "2026-04-06", "2026-04-07", 2, DL_MISSED },
		{ "2026-05-01", "2026-04-30", 0, DL_OPEN },
		{ "2026-05-01", "2026-05-01", 0, DL_SOON },
		{ "2027-01-02", "2026-12-31", 2, DL_SOON }, /* across the year */
		{ "2026-03-01", "2026-02-28", 1, DL_SOON }, /* across the month */
		{ "", "2026-04-01", 2, DL_OPEN },           /* no deadline */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(
			incident_deadline_flag(cases[i].due, cases[i].today, cases[i].warn),
			cases[i].want);
}

/* --- the report documents ------------------------------------------------------------------ */

/* An incident as incident_json() shows it to an officer: 150 employees' My Numbers. */
static json_t *sample_incident(void)
{
	return json_pack(
		"{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:n,s:{s:b,s:s,s:i,s:b,s:b,s:i,s:s},"
		"s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s},"
		"s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:n,s:s},{s:s,s:s,s:n,s:s}],s:[],s:[],"
		"s:{s:[{s:s,s:s,s:[s]}]}}",
		"id", 7, "kind", "incident", "category", "loss", "title", "源泉徴収票の控えの紛失",
		"description", "人事部のキャビネットから書類一式が見当たらない。", "location",
		"本社4階", "affected", "源泉徴収票の控え", "discovered_at", "2026-03-31T15:30:00Z",
		"occurred_at", "impact", "involved", 1, "items", "氏名、住所、個人番号", "count",
		150, "mynumber", 1, "encrypted", 0, "mn_count", 150, "media", "紙", "report",
		"cause", "保管庫の施錠漏れ", "secondary_damage", "現在まで確認されていない",
		"subject_response", "対象の従業員に個別に説明する", "announcement", "",
		"prevention", "鍵の管理簿を作る", "other_notes", "", "safeguards", "施錠保管",
		"source", "人事部", "reports", "kind", "subjects", "status", "done", "done_on",
		"2026-04-03", "note", "", "kind", "announce", "status", "not_required", "done_on",
		"note", "", "kind", "police", "status", "pending", "done_on", "note",
		"紛失届を提出予定", "actions", "timeline", "ppc", "bases", "law", "mynumber",
		"state", "required", "reasons", "mn_over_100");
}

static json_t *item_of(json_t *doc, const char *key)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(doc, "items"), i, it)
	{
		if (!strcmp(json_string_value(json_object_get(it, "key")), key))
			return it;
	}
	return NULL;
}

static const char *value_of(json_t *doc, const char *key)
{
	json_t *it = item_of(doc, key);
	assert_non_null(it);
	return json_string_value(json_object_get(it, "value"));
}

/* The PPC's items (施行規則第8条第1項), in order, with their values. */
static void ppc_document(void **state)
{
	(void)state;
	assert_int_equal(tz_set("Asia/Tokyo"), 0);
	json_t *inc = sample_incident();
	struct doc_org org = { "株式会社まもり", "10000001(01)", "一般財団法人テスト審査機関" };
	json_t *doc = incident_document(inc, "ppc_preliminary", &org, "2026-04-02", "ja");
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "form")), "ppc");
	static const char *const keys[] = { "org",
					    "number",
					    "made_on",
					    "basis",
					    "outline",
					    "items",
					    "people",
					    "cause",
					    "secondary_damage",
					    "subject_response",
					    "announcement",
					    "prevention",
					    "other" };
	json_t *items = json_object_get(doc, "items");
	assert_int_equal(json_array_size(items), ARRAY_SIZE(keys));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		assert_string_equal(
			json_string_value(json_object_get(json_array_get(items, i), "key")),
			keys[i]);
	assert_string_equal(value_of(doc, "org"), "株式会社まもり");
	assert_string_equal(value_of(doc, "made_on"), "2026年4月2日（木）");
	assert_non_null(strstr(value_of(doc, "basis"), "番号法第29条の4第1項"));
	assert_non_null(strstr(value_of(doc, "basis"), "100人を超える"));
	/* The day learned, in Tokyo: 00:30 on 1 April. */
	assert_non_null(strstr(value_of(doc, "outline"), "2026年4月1日（水） 00:30"));
	assert_string_equal(value_of(doc, "items"), "氏名、住所、個人番号（個人番号を含む）");
	assert_string_equal(value_of(doc, "people"), "150人（うち個人番号を含む者 150人）");
	/* Large counts with separators, as Japanese documents write them. */
	json_object_set_new(json_object_get(inc, "impact"), "count", json_integer(1234567));
	json_t *big = incident_document(inc, "ppc_final", &org, "2026-04-02", "ja");
	assert_string_equal(value_of(big, "people"), "1,234,567人（うち個人番号を含む者 150人）");
	json_decref(big);
	json_object_set_new(json_object_get(inc, "impact"), "count", json_integer(150));
	assert_string_equal(
		value_of(doc, "subject_response"),
		"対象の従業員に個別に説明する\n本人への通知: 実施済み（2026年4月3日（金））");
	assert_string_equal(value_of(doc, "announcement"), "—\n公表: 不要");
	assert_string_equal(value_of(doc, "other"), "—\n警察への届出: 未実施　紛失届を提出予定");
	/* The text holds every heading and value, item by item. */
	const char *text = json_string_value(json_object_get(doc, "text"));
	assert_non_null(strstr(text, "個人情報保護委員会への漏えい等報告（速報）"));
	assert_non_null(strstr(
		text, "【3. 漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数】\n"
		      "150人"));
	assert_non_null(strstr(text, "【4. 原因】\n保管庫の施錠漏れ"));
	/* English headings for the English screens; typed values stay as typed. */
	json_t *en = incident_document(inc, "ppc_final", &org, "2026-04-02", "en");
	assert_string_equal(json_string_value(json_object_get(item_of(en, "cause"), "heading")),
			    "4. Cause");
	assert_string_equal(value_of(en, "cause"), "保管庫の施錠漏れ");
	assert_null(incident_document(inc, "subjects", &org, "2026-04-02", "ja"));
	json_decref(en);
	json_decref(doc);
	json_decref(inc);
}

/* The review body's items, and the frozen copy: what is stored is what was sent, whatever
 * happens to the incident afterwards. */
static void frozen_copy(void **state)
{
	(void)state;
	assert_int_equal(tz_set("Asia/Tokyo"), 0);
	json_t *inc = sample_incident();
	struct doc_org org = { "株式会社まもり", "10000001(01)", "一般財団法人テスト審査機関" };
	json_t *doc = incident_document(inc, "review_body_preliminary", &org, "2026-04-02", "ja");
	assert_string_equal(value_of(doc, "pmark_number"), "10000001(01)");
	assert_non_null(strstr(value_of(doc, "media_items_count"), "媒体: 紙"));
	assert_non_null(strstr(value_of(doc, "safeguards"), "高度な暗号化: なし"));
	assert_string_equal(value_of(doc, "source"), "人事部");
	/* Frozen as the server stores it: JSON text. */
	char *stored = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	/* The incident changes afterwards... */
	json_object_set_new(json_object_get(inc, "report"), "cause",
			    json_string("後から分かった別の原因"));
	json_object_set_new(json_object_get(inc, "impact"), "count", json_integer(180));
	json_t *now = incident_document(inc, "review_body_preliminary", &org, "2026-04-09", "ja");
	assert_non_null(strstr(json_string_value(json_object_get(now, "text")), "180人"));
	/* ...the copy read back is still the report as sent, item for item and in its text. */
	json_t *copy = json_loads(stored, 0, NULL);
	assert_true(json_equal(copy, doc));
	const char *text = json_string_value(json_object_get(copy, "text"));
	assert_non_null(strstr(text, "150人"));
	assert_null(strstr(text, "180人"));
	char *again = incident_document_text(copy);
	assert_string_equal(again, text);
	free(again);
	free(stored);
	json_decref(copy);
	json_decref(now);
	json_decref(doc);
	json_decref(inc);
}

static void notice_letter(void **state)
{
	(void)state;
	json_t *inc = sample_incident();
	struct doc_org org = { "株式会社まもり", "", "" };
	char *letter = incident_notice_draft(inc, &org, "2026-04-02");
	assert_non_null(strstr(letter, "株式会社まもり"));
	assert_non_null(strstr(letter, "氏名、住所、個人番号"));
	assert_non_null(strstr(letter, "保管庫の施錠漏れ"));
	/* My Numbers: the people can ask their municipality for a new number. */
	assert_non_null(strstr(letter, "個人番号の変更を請求できます"));
	free(letter);
	json_decref(inc);
}

static void words(void **state)
{
	(void)state;
	assert_string_equal(incident_word("category", "loss", "ja"), "紛失・き損・盗難");
	assert_string_equal(incident_word("category", "loss", "en"), "Lost, damaged or stolen");
	assert_string_equal(incident_word("report_status", "not_required", "ja"), "不要");
	assert_string_equal(incident_word("category", "fire", "ja"), "fire");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decisions),
		cmocka_unit_test(no_personal_data),
		cmocka_unit_test(mynumber),
		cmocka_unit_test(contractor),
		cmocka_unit_test(review_body),
		cmocka_unit_test(bad_dates),
		cmocka_unit_test(weekdays_and_holidays),
		cmocka_unit_test(zones),
		cmocka_unit_test(flags),
		cmocka_unit_test(ppc_document),
		cmocka_unit_test(frozen_copy),
		cmocka_unit_test(notice_letter),
		cmocka_unit_test(words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
