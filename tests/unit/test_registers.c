/* test_registers.c — the registers' rules: asset value, risk level and bands on both scales,
 * yearly review dates, cell values, and row validation of an import on a real database. */
#include <unistd.h>

#include "unit.h"
#include "modules/assets/assets.h"
#include "modules/risks/risks.h"
#include "store/store.h"

static void asset_value_is_the_highest_of_cia(void **state)
{
	(void)state;
	assert_int_equal(asset_value(1, 1, 1), 1);
	assert_int_equal(asset_value(3, 1, 2), 3);
	assert_int_equal(asset_value(1, 2, 1), 2);
	assert_int_equal(asset_value(1, 1, 3), 3);
}

static void risk_levels_and_bands(void **state)
{
	(void)state;
	assert_int_equal(risk_level(3, 2), 6);
	/* 3×3: 1 low, 2..4 medium, 6..9 high. */
	static const char *const b3[10] = { 0,      "low",  "medium", "medium", "medium",
					    "high", "high", "high",   "high",   "high" };
	for (int l = 1; l <= 9; l++)
		assert_string_equal(risk_band(l, 3), b3[l]);
	/* 5×5: 1..4 low, 5..12 medium, 13..25 high. */
	assert_string_equal(risk_band(4, 5), "low");
	assert_string_equal(risk_band(5, 5), "medium");
	assert_string_equal(risk_band(12, 5), "medium");
	assert_string_equal(risk_band(15, 5), "high");
	assert_string_equal(risk_band(25, 5), "high");
	/* The filter ranges agree with the bands on every level. */
	for (int scale = 3; scale <= 5; scale += 2)
		for (int level = 1; level <= scale * scale; level++) {
			int lo, hi;
			risk_band_range(risk_band(level, scale), scale, &lo, &hi);
			assert_true(level >= lo && level <= hi);
		}
}

static void review_due_one_year_later(void **state)
{
	(void)state;
	char due[11];
	assert_int_equal(reg_review_due("2026-04-01", due), 0);
	assert_string_equal(due, "2027-04-01");
	assert_int_equal(reg_review_due("2028-02-29", due), 0);
	assert_string_equal(due, "2029-02-28");
	assert_int_equal(reg_review_due("2026-02-30", due), -1);
	assert_int_equal(reg_review_due("yesterday", due), -1);
	assert_true(reg_overdue("2026-03-31", "2026-04-01"));
	assert_false(reg_overdue("2026-04-01", "2026-04-01"));
}

static void cell_values(void **state)
{
	(void)state;
	bool b;
	assert_int_equal(reg_parse_bool("はい", &b), 0);
	assert_true(b);
	assert_int_equal(reg_parse_bool("YES", &b), 0);
	assert_true(b);
	assert_int_equal(reg_parse_bool("×", &b), 0);
	assert_false(b);
	assert_int_equal(reg_parse_bool("maybe", &b), -1);
	struct reg_scope mine = { false, 7 };
	assert_true(reg_scope_allows(&mine, 7));
	assert_false(reg_scope_allows(&mine, 8));
	assert_false(reg_scope_allows(&mine, 0));
	assert_true(reg_scope_allows(&reg_scope_all, 0));
}

/* Rows are checked like the API's create, all or nothing, on a real (SQLite) database. */
static void import_row_validation(void **state)
{
	(void)state;
	char dir[] = "/tmp/mamori-unit.XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	struct db *db;
	struct buf err = BUF_INIT;
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_migrate(db, &err), 0);
	db_set_audit_key(db, (const unsigned char[32]){ 7 }); /* imports append audit events */
	struct actor who = { 0, NULL, "test" };
	struct reg_import_result res;
	struct ferrors fe = FERRORS_INIT;
	const char csv[] = "資産名,種別,機密区分,機密性,完全性,可用性,最終見直し日\r\n"
			   "良い,電子データ,機密,3,2,1,2026/4/1\r\n"
			   ",Paper,Public,1,1,1,\r\n"
			   "悪い日付,紙文書,公開,1,1,1,2026-13-01\r\n"
			   "区分違い,紙文書,極秘,1,1,1,\r\n";
	assert_int_equal(assets_import(db, &who, &reg_scope_all, csv, sizeof(csv) - 1, CSV_AUTO,
				       false, NULL, NULL, &res, &fe),
			 ST_OK);
	assert_int_equal(res.rows, 4);
	assert_int_equal(res.valid, 1);
	assert_int_equal(res.imported, 0); /* a bad row: nothing stays */
	assert_int_equal(res.error_count, 3);
	json_t *e = json_array_get(res.errors, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "row")), 3);
	assert_string_equal(json_string_value(json_object_get(e, "column")), "資産名");
	assert_string_equal(json_string_value(json_object_get(e, "code")), "required");
	e = json_array_get(res.errors, 1);
	assert_string_equal(json_string_value(json_object_get(e, "code")), "invalid_date");
	e = json_array_get(res.errors, 2);
	assert_string_equal(json_string_value(json_object_get(e, "column")), "機密区分");
	assert_string_equal(json_string_value(json_object_get(e, "code")), "not_found");
	reg_import_result_release(&res);
	int64_t n;
	bool found;
	assert_int_equal(db_query_int(db, &n, &found, "SELECT COUNT(*) FROM assets", P0), 0);
	assert_int_equal(n, 0);
	/* The good row alone imports, with its date normalised and its value derived. */
	const char one[] = "資産名,種別,機密区分,機密性,完全性,可用性,最終見直し日\r\n"
			   "良い,電子データ,機密,3,2,1,2026/4/1\r\n";
	assert_int_equal(assets_import(db, &who, &reg_scope_all, one, sizeof(one) - 1, CSV_AUTO,
				       false, NULL, NULL, &res, &fe),
			 ST_OK);
	assert_int_equal(res.imported, 1);
	reg_import_result_release(&res);
	assert_int_equal(
		db_query_int(db, &n, &found,
			     "SELECT value FROM assets WHERE reviewed_on = '2026-04-01' AND "
			     "review_due = '2027-04-01'",
			     P0),
		0);
	assert_true(found);
	assert_int_equal(n, 3);
	/* A file whose header lacks a required column is refused as a whole. */
	const char nohead[] = "資産名\r\nx\r\n";
	assert_int_equal(assets_import(db, &who, &reg_scope_all, nohead, sizeof(nohead) - 1,
				       CSV_AUTO, true, NULL, NULL, &res, &fe),
			 ST_INVALID);
	assert_true(ferr_has(&fe, "file"));
	reg_import_result_release(&res);
	ferr_release(&fe);
	db_close(db);
	buf_release(&err);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(asset_value_is_the_highest_of_cia),
		cmocka_unit_test(risk_levels_and_bands),
		cmocka_unit_test(review_due_one_year_later),
		cmocka_unit_test(cell_values),
		cmocka_unit_test(import_row_validation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
