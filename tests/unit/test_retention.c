/* test_retention.c — the retention cutoff, id ranges, and the schedule's declarations. */
#include <string.h>

#include "unit.h"
#include "lib/timeutil.h"
#include "retention/retention.h"

/* Kept at least the full period: the cutoff is today minus the months, at 00:00 in Tokyo. */
static void cutoffs(void **state)
{
	(void)state;
	char date[11];
	int64_t t;
	assert_int_equal(tz_set("Asia/Tokyo"), 0);
	assert_int_equal(retention_cutoff("2026-05-10", 24, date, &t), 0);
	assert_string_equal(date, "2024-05-10");
	/* 2024-05-10 00:00 JST is 2024-05-09 15:00 UTC. */
	char s[21];
	time_rfc3339(t, s);
	assert_string_equal(s, "2024-05-09T15:00:00Z");
	/* The day is clamped to the month's length, never beyond it. */
	assert_int_equal(retention_cutoff("2026-03-31", 1, date, &t), 0);
	assert_string_equal(date, "2026-02-28");
	assert_int_equal(retention_cutoff("2028-02-29", 12, date, &t), 0);
	assert_string_equal(date, "2027-02-28");
	assert_int_equal(retention_cutoff("2026-13-01", 12, date, &t), -1);
	/* UTC as the zone: midnight UTC. */
	assert_int_equal(tz_set("UTC"), 0);
	assert_int_equal(retention_cutoff("2026-05-10", 60, date, &t), 0);
	time_rfc3339(t, s);
	assert_string_equal(s, "2021-05-10T00:00:00Z");
	assert_int_equal(tz_set("Asia/Tokyo"), 0);
}

static void ranges(void **state)
{
	(void)state;
	int64_t ids[] = { 3, 4, 5, 9, 11, 12 };
	json_t *r = retention_ranges(ids, ARRAY_SIZE(ids));
	char *s = json_dumps(r, JSON_COMPACT);
	assert_string_equal(s, "[[3,5],[9,9],[11,12]]");
	free(s);
	json_decref(r);
	r = retention_ranges(ids, 0);
	assert_int_equal(json_array_size(r), 0);
	json_decref(r);
}

/* Every kind: a minimum not above its default, a basis in both languages, steps, and an
 * expired query that takes exactly one cutoff; names unique. */
static void schedule(void **state)
{
	(void)state;
	const struct retention_kind *all[16];
	size_t n = 0;
	for (const struct retention_kind *const *k = retention_kinds; *k; k++)
		all[n++] = *k;
	assert_true(n >= 6);
	for (size_t i = 0; i < n; i++) {
		const struct retention_kind *k = all[i];
		assert_true(k->min_months > 0 && k->min_months <= k->default_months);
		assert_true(k->default_months <= RETENTION_MAX_MONTHS);
		assert_true(strlen(k->basis_ja) > 10 && strlen(k->basis_en) > 10);
		assert_non_null(k->steps[0]);
		int marks = 0;
		for (const char *c = k->expired; *c; c++)
			marks += *c == '?';
		assert_int_equal(marks, 1);
		assert_true(!strncmp(k->expired, "FROM ", 5));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(k->kind, all[j]->kind);
		for (const char *const *st = k->steps; *st; st++) {
			int q = 0;
			for (const char *c = *st; *c; c++)
				q += *c == '?';
			assert_true(q == 1 || q == 2);
		}
	}
	assert_ptr_equal(retention_kind_find("visit"), retention_kinds[0]);
	assert_null(retention_kind_find("nothing"));
	assert_non_null(retention_kind_find("checklist_answer"));
	assert_string_equal(retention_action_name(RETENTION_SEAL), "seal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cutoffs),
		cmocka_unit_test(ranges),
		cmocka_unit_test(schedule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
