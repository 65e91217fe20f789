/* test_timeutil.c — dates, RFC 3339, the organisation's day. */
#include "unit.h"
#include "lib/timeutil.h"
#include "lib/util.h"

static void dates(void **state)
{
	(void)state;
	assert_true(date_valid("2026-11-23"));
	assert_true(date_valid("2024-02-29"));
	assert_false(date_valid("2026-02-29"));
	assert_false(date_valid("1900-02-29"));
	assert_true(date_valid("2000-02-29"));
	assert_false(date_valid("2026-13-01"));
	assert_false(date_valid("2026-1-01"));
	assert_false(date_valid("2026-01-01T"));
	assert_false(date_valid("abcd-ef-gh"));
}

static void rfc3339(void **state)
{
	(void)state;
	int64_t t;
	char out[21];
	assert_int_equal(time_parse_rfc3339("2026-11-23T02:05:00Z", &t), 0);
	time_rfc3339(t, out);
	assert_string_equal(out, "2026-11-23T02:05:00Z");
	assert_int_equal(time_parse_rfc3339("2026-11-23T11:05:00+09:00", &t), 0);
	time_rfc3339(t, out);
	assert_string_equal(out, "2026-11-23T02:05:00Z");
	assert_int_equal(time_parse_rfc3339("2026-11-23T02:05:00.123Z", &t), 0);
	assert_int_equal(time_parse_rfc3339("2026-11-23 02:05:00", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-11-23T25:05:00Z", &t), -1);
	assert_int_equal(time_parse_rfc3339("2026-02-30T00:00:00Z", &t), -1);
}

static void zones(void **state)
{
	(void)state;
	assert_true(tz_known("Asia/Tokyo"));
	assert_true(tz_known("UTC"));
	assert_false(tz_known("../etc/passwd"));
	assert_false(tz_known("Mars/Olympus"));
	/* Real names only: links of the database yes, directories and helper files no. */
	assert_true(tz_known("Japan"));
	assert_true(tz_known("Etc/GMT-9"));
	assert_true(tz_known("America/Argentina/Buenos_Aires"));
	static const char *const not_zones[] = {
		"Asia",      "America/Argentina", "posixrules", "localtime",
		"Factory",   "posix/Asia/Tokyo",  "right/UTC",  "zone.tab",
		"tzdata.zi", "leapseconds",       "asia/tokyo", "Asia/Tokyo/"
	};
	for (size_t i = 0; i < sizeof(not_zones) / sizeof(not_zones[0]); i++) {
		print_message("%s\n", not_zones[i]);
		assert_false(tz_known(not_zones[i]));
	}
	assert_int_equal(tz_set("Asia/Tokyo"), 0);
	char today[11];
	tz_today(today);
	assert_true(date_valid(today));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates),
		cmocka_unit_test(rfc3339),
		cmocka_unit_test(zones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
