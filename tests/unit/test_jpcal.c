/* test_jpcal.c — national holidays by rule, and working days. */
#include <string.h>

#include "unit.h"
#include "lib/buf.h"
#include "lib/jpcal.h"
#include "lib/timeutil.h"

/* Every holiday of a year, as "MM-DD" joined by spaces, must equal `want`. */
static void year_is(int year, const char *want)
{
	struct jp_holiday h[JPCAL_MAX_PER_YEAR];
	int n = jpcal_holidays(year, h);
	struct buf got = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_printf(&got, "%s%.5s", i ? " " : "", h[i].date + 5);
	assert_string_equal(got.buf ? got.buf : "", want);
	buf_release(&got);
}

/* The published lists (Cabinet Office) of 2025–2027, and two years with special rules. */
static void holidays_by_year(void **state)
{
	(void)state;
	year_is(2025, "01-01 01-13 02-11 02-23 02-24 03-20 04-29 05-03 05-04 05-05 05-06 07-21 "
		      "08-11 09-15 09-23 10-13 11-03 11-23 11-24");
	year_is(2026, "01-01 01-12 02-11 02-23 03-20 04-29 05-03 05-04 05-05 05-06 07-20 08-11 "
		      "09-21 09-22 09-23 10-12 11-03 11-23");
	year_is(2027, "01-01 01-11 02-11 02-23 03-21 03-22 04-29 05-03 05-04 05-05 07-19 08-11 "
		      "09-20 09-23 10-11 11-03 11-23");
	/* 2019: the accession (5/1) makes 4/30 and 5/2 citizens' holidays; 10/22 enthronement. */
	year_is(2019, "01-01 01-14 02-11 03-21 04-29 04-30 05-01 05-02 05-03 05-04 05-05 05-06 "
		      "07-15 08-11 08-12 09-16 09-23 10-14 10-22 11-03 11-04 11-23");
	/* 2021: the Olympic moves (7/22, 7/23, 8/8 with 8/9 substituted). */
	year_is(2021, "01-01 01-11 02-11 02-23 03-20 04-29 05-03 05-04 05-05 07-22 07-23 08-08 "
		      "08-09 09-20 09-23 11-03 11-23");
	struct jp_holiday h[JPCAL_MAX_PER_YEAR];
	assert_int_equal(jpcal_holidays(1999, h), 0);
}

static void names(void **state)
{
	(void)state;
	const char *ja = NULL, *en = NULL;
	assert_true(jpcal_holiday("2026-09-22", &ja, &en));
	assert_string_equal(ja, "国民の休日");
	assert_string_equal(en, "Citizens' holiday");
	assert_true(jpcal_holiday("2027-03-22", &ja, &en));
	assert_string_equal(ja, "振替休日");
	assert_true(jpcal_holiday("2027-03-21", &ja, &en));
	assert_string_equal(en, "Vernal Equinox Day");
	assert_false(jpcal_holiday("2026-12-04", &ja, &en));
	assert_false(jpcal_holiday("not-a-date", NULL, NULL));
}

static void working_days(void **state)
{
	(void)state;
	struct workcal closed = { .year_end_closure = true }, open = { .year_end_closure = false };
	char out[11];
	assert_int_equal(date_weekday("2026-12-04"), 5); /* a Friday */
	assert_int_equal(jpcal_dayoff("2026-12-05", &closed), DAY_SATURDAY);
	assert_int_equal(jpcal_dayoff("2026-12-06", &closed), DAY_SUNDAY);
	assert_int_equal(jpcal_dayoff("2026-11-23", &closed), DAY_HOLIDAY);
	assert_int_equal(jpcal_dayoff("2026-12-29", &closed), DAY_YEAR_END);
	assert_int_equal(jpcal_dayoff("2026-12-29", &open), DAY_WORKING);
	assert_int_equal(jpcal_dayoff("2027-01-04", &closed), DAY_WORKING);
	/* Friday + 1 working day is Monday. */
	assert_int_equal(jpcal_add_workdays("2026-12-04", 1, &closed, out), 0);
	assert_string_equal(out, "2026-12-07");
	/* Over the new year: 12/28 (Mon) + 1 is 1/4 with the closure, 12/29 without. */
	jpcal_add_workdays("2026-12-28", 1, &closed, out);
	assert_string_equal(out, "2027-01-04");
	jpcal_add_workdays("2026-12-28", 1, &open, out);
	assert_string_equal(out, "2026-12-29");
	/* Golden Week 2026: 5/1 (Fri) + 1 → 5/7 (Thu); 5/3–5/6 are holidays. */
	jpcal_add_workdays("2026-05-01", 1, &closed, out);
	assert_string_equal(out, "2026-05-07");
	/* Silver Week 2026: 9/21–23 are holidays, so 9/18 (Fri) + 2 working days is 9/25. */
	jpcal_add_workdays("2026-09-18", 2, &closed, out);
	assert_string_equal(out, "2026-09-25");
	assert_int_equal(jpcal_workdays_between("2026-09-18", "2026-09-25", &closed), 2);
	assert_int_equal(jpcal_workdays_between("2026-09-25", "2026-09-18", &closed), 0);
	assert_int_equal(jpcal_add_workdays("2026-02-30", 1, &closed, out), -1);
}

static void date_arithmetic(void **state)
{
	(void)state;
	char out[11];
	assert_int_equal(date_add("2025-01-31", 29, out), 0);
	assert_string_equal(out, "2025-03-01");
	assert_int_equal(date_add("2024-03-01", -1, out), 0);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(date_diff("2025-01-31", "2025-03-02"), 30);
	assert_int_equal(date_add("2025-02-29", 1, out), -1);
	assert_int_equal(date_weekday("1970-01-01"), 4);
	assert_int_equal(date_weekday("2000-01-01"), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holidays_by_year),
		cmocka_unit_test(names),
		cmocka_unit_test(working_days),
		cmocka_unit_test(date_arithmetic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
