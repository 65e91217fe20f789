/* test_visits.c — matching what a visitor typed for their host, and the days a site lacks a
 * closing entry. */
#include <string.h>

#include "unit.h"
#include "modules/visits/visits.h"

static void host_keys(void **state)
{
	(void)state;
	char k[64];
	visit_host_key("山田 太郎", k, sizeof(k));
	assert_string_equal(k, "山田太郎");
	visit_host_key("　山田\u3000太郎様 ", k, sizeof(k));
	assert_string_equal(k, "山田太郎");
	visit_host_key("山田さん", k, sizeof(k));
	assert_string_equal(k, "山田");
	visit_host_key("Taro YAMADA", k, sizeof(k));
	assert_string_equal(k, "taroyamada");
	/* Only a suffix is dropped, and never the whole name. */
	visit_host_key("様", k, sizeof(k));
	assert_string_equal(k, "様");
	visit_host_key("様田", k, sizeof(k));
	assert_string_equal(k, "様田");
	visit_host_key("   ", k, sizeof(k));
	assert_string_equal(k, "");
	visit_host_key(NULL, k, sizeof(k));
	assert_string_equal(k, "");
	/* Cut short on a character boundary. */
	char small[8];
	visit_host_key("山田太郎", small, sizeof(small));
	assert_string_equal(small, "山田");
}

static void missing_days(void **state)
{
	(void)state;
	struct workcal cal = { .year_end_closure = true };
	/* 2026-05-01 (Fri) … 05-08 (Fri): 05-02/03 weekend, 05-03..06 holidays (Golden Week). */
	json_t *opened = json_pack("[s]", "2026-05-03"); /* someone worked on a holiday */
	json_t *closed = json_pack("[s,s]", "2026-05-01", "2026-05-07");
	json_t *m = office_missing_days("2026-05-01", "2026-05-08", &cal, opened, closed);
	char *s = json_dumps(m, JSON_COMPACT);
	assert_string_equal(s, "[\"2026-05-03\",\"2026-05-08\"]");
	free(s);
	json_decref(m);
	/* The year-end closure counts as days off. */
	json_t *none = json_array();
	m = office_missing_days("2026-12-28", "2027-01-05", &cal, none, none);
	s = json_dumps(m, JSON_COMPACT);
	assert_string_equal(s, "[\"2026-12-28\",\"2027-01-04\",\"2027-01-05\"]");
	free(s);
	json_decref(m);
	m = office_missing_days("2026-05-08", "2026-05-01", &cal, none, none);
	assert_int_equal(json_array_size(m), 0);
	json_decref(m);
	json_decref(none);
	json_decref(opened);
	json_decref(closed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_keys),
		cmocka_unit_test(missing_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
