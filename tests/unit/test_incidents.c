/* test_incidents.c — the PPC decision and the report deadlines (incidents/deadlines.c). */
#include "unit.h"
#include "modules/incidents/incidents.h"
#include "lib/timeutil.h"

#define NONE 0u
#define S    PPC_SENSITIVE
#define F    PPC_FINANCIAL
#define U    PPC_UNAUTHORISED
#define O    PPC_OVER_1000

/* One row: the facts, the discovery date, and what must come out. */
struct decide_case {
	const char *name;
	bool incident, sensitive, financial, unauthorised;
	int64_t people;
	bool encrypted;
	const char *discovered_on;
	bool mandatory;
	unsigned reasons;
	bool exempt;
	const char *prelim_target, *prelim_limit, *final_due;
	int final_days;
};

static const struct decide_case decide_cases[] = {
	/* Nothing that triggers: no report, no deadlines. */
	{ "no trigger, few people", true, false, false, false, 10, false, "2026-04-01", false, NONE,
	  false, "", "", "", 0 },
	{ "people unknown", true, false, false, false, -1, false, "2026-04-01", false, NONE, false,
	  "", "", "", 0 },
	/* Each trigger alone, with a single person: the count does not matter. */
	{ "sensitive alone", true, true, false, false, 1, false, "2026-04-01", true, S, false,
	  "2026-04-04", "2026-04-06", "2026-05-01", 30 },
	{ "financial alone", true, false, true, false, 1, false, "2026-04-01", true, F, false,
	  "2026-04-04", "2026-04-06", "2026-05-01", 30 },
	{ "unauthorised alone: 60 days", true, false, false, true, 1, false, "2026-04-01", true, U,
	  false, "2026-04-04", "2026-04-06", "2026-05-31", 60 },
	/* The 1,000-person line: more than 1,000, not 1,000. */
	{ "1,000 people", true, false, false, false, 1000, false, "2026-04-01", false, NONE, false,
	  "", "", "", 0 },
	{ "1,001 people", true, false, false, false, 1001, false, "2026-04-01", true, O, false,
	  "2026-04-04", "2026-04-06", "2026-05-01", 30 },
	{ "1,200 customer records", true, false, false, false, 1200, false, "2026-04-01", true, O,
	  false, "2026-04-04", "2026-04-06", "2026-05-01", 30 },
	/* Strong encryption exempts every trigger, and says so. */
	{ "encrypted, sensitive", true, true, false, false, 5, true, "2026-04-01", false, S, true,
	  "", "", "", 0 },
	{ "encrypted, 5,000 people", true, false, false, false, 5000, true, "2026-04-01", false, O,
	  true, "", "", "", 0 },
	{ "encrypted, nothing to exempt", true, false, false, false, 3, true, "2026-04-01", false,
	  NONE, false, "", "", "", 0 },
	{ "encrypted, unauthorised", true, false, false, true, 1, true, "2026-04-01", false, U,
	  true, "", "", "", 0 },
	/* Several triggers: unauthorised purpose still means 60 days. */
	{ "all triggers", true, true, true, true, 2000, false, "2026-04-01", true, S | F | U | O,
	  false, "2026-04-04", "2026-04-06", "2026-05-31", 60 },
	{ "sensitive and many", true, true, false, false, 3000, false, "2026-04-01", true, S | O,
	  false, "2026-04-04", "2026-04-06", "2026-05-01", 30 },
	/* A near-miss is never reported outside, whatever its facts. */
	{ "near-miss", false, true, true, true, 5000, false, "2026-04-01", false, NONE, false, "",
	  "", "", 0 },
	/* Month ends, leap years and the year's end. */
	{ "end of January", true, true, false, false, 1, false, "2026-01-31", true, S, false,
	  "2026-02-03", "2026-02-05", "2026-03-02", 30 },
	{ "end of January, leap year", true, true, false, false, 1, false, "2028-01-31", true, S,
	  false, "2028-02-03", "2028-02-05", "2028-03-01", 30 },
	{ "28 February, leap year", true, true, false, false, 1, false, "2028-02-27", true, S,
	  false, "2028-03-01", "2028-03-03", "2028-03-28", 30 },
	{ "28 February, common year", true, true, false, false, 1, false, "2026-02-27", true, S,
	  false, "2026-03-02", "2026-03-04", "2026-03-29", 30 },
	{ "year end", true, false, true, false, 1, false, "2026-12-29", true, F, false,
	  "2027-01-01", "2027-01-03", "2027-01-28", 30 },
	{ "year end, 60 days", true, false, false, true, 1, false, "2026-12-30", true, U, false,
	  "2027-01-02", "2027-01-04", "2027-02-28", 60 },
	{ "31 December", true, false, false, false, 1001, false, "2026-12-31", true, O, false,
	  "2027-01-03", "2027-01-05", "2027-01-30", 30 },
};

static void decisions(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(decide_cases); i++) {
		const struct decide_case *c = &decide_cases[i];
		struct ppc_facts f = { .incident = c->incident,
				       .sensitive = c->sensitive,
				       .financial = c->financial,
				       .unauthorised = c->unauthorised,
				       .people = c->people,
				       .encrypted = c->encrypted };
		struct ppc_decision d;
		print_message("case: %s\n", c->name);
		assert_int_equal(incident_report_deadlines(&f, c->discovered_on, &d), 0);
		assert_int_equal(d.mandatory, c->mandatory);
		assert_int_equal(d.reasons, c->reasons);
		assert_int_equal(d.exempt_encrypted, c->exempt);
		assert_string_equal(d.discovered_on, c->discovered_on);
		assert_string_equal(d.preliminary_target, c->prelim_target);
		assert_string_equal(d.preliminary_limit, c->prelim_limit);
		assert_string_equal(d.final_due, c->final_due);
		assert_int_equal(d.final_days, c->final_days);
		assert_false(d.review_body);
		assert_string_equal(d.review_body_due, "");
	}
}

/* The Privacy Mark adds the review-body report for every incident, reportable or not. */
static void review_body(void **state)
{
	(void)state;
	struct ppc_decision d;
	struct ppc_facts f = {
		.incident = true, .people = 3, .holds_pmark = true, .review_body_days = 3
	};
	assert_int_equal(incident_report_deadlines(&f, "2026-11-29", &d), 0);
	assert_false(d.mandatory);
	assert_true(d.review_body);
	assert_string_equal(d.review_body_due, "2026-12-02");
	f.review_body_days = 10;
	incident_report_deadlines(&f, "2026-11-29", &d);
	assert_string_equal(d.review_body_due, "2026-12-09");
	f.review_body_days = 0; /* out of range: the default of 3 days */
	incident_report_deadlines(&f, "2026-11-29", &d);
	assert_string_equal(d.review_body_due, "2026-12-02");
	f.incident = false; /* near-misses are not reported */
	incident_report_deadlines(&f, "2026-11-29", &d);
	assert_false(d.review_body);
	assert_string_equal(d.review_body_due, "");
}

static void bad_dates(void **state)
{
	(void)state;
	struct ppc_decision d;
	struct ppc_facts f = { .incident = true, .sensitive = true };
	assert_int_equal(incident_report_deadlines(&f, "2026-02-30", &d), -1);
	assert_false(d.mandatory);
	assert_int_equal(incident_report_deadlines(&f, "", &d), -1);
	assert_int_equal(incident_report_deadlines(&f, NULL, &d), -1);
	char out[11];
	assert_int_equal(incident_date_add("2026-13-01", 1, out), -1);
	assert_int_equal(incident_date_add("2026-03-01", -1, out), 0);
	assert_string_equal(out, "2026-02-28");
	assert_int_equal(incident_date_add("2024-03-01", -1, out), 0);
	assert_string_equal(out, "2024-02-29");
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
	/* The organisation's offset, as the server takes it (tz_offset) for the same instants. */
	assert_int_equal(tz_set("Asia/Tokyo"), 0);
	assert_int_equal(tz_offset(1774971000), 9 * 3600);
	char day[11];
	incident_local_date(1774971000, tz_offset(1774971000), day);
	assert_string_equal(day, "2026-04-01");
	assert_int_equal(tz_set("America/New_York"), 0);
	assert_int_equal(tz_offset(1798768800), -5 * 3600); /* winter */
	assert_int_equal(tz_offset(1782864000), -4 * 3600); /* summer: 2026-07-01 */
	assert_int_equal(tz_set("UTC"), 0);
	assert_int_equal(tz_offset(1774971000), 0);
	assert_int_equal(tz_set("Asia/Tokyo"), 0);
	/* The same discovery instant gives different deadlines in Tokyo and in UTC. */
	struct ppc_facts f = { .incident = true, .sensitive = true };
	struct ppc_decision tokyo, utc;
	incident_local_date(1774971000, 9 * 3600, day);
	incident_report_deadlines(&f, day, &tokyo);
	incident_local_date(1774971000, 0, day);
	incident_report_deadlines(&f, day, &utc);
	assert_string_equal(tokyo.preliminary_limit, "2026-04-06");
	assert_string_equal(utc.preliminary_limit, "2026-04-05");
	assert_string_equal(tokyo.final_due, "2026-05-01");
	assert_string_equal(utc.final_due, "2026-04-30");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decisions), cmocka_unit_test(review_body),
		cmocka_unit_test(bad_dates), cmocka_unit_test(zones),
		cmocka_unit_test(flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
