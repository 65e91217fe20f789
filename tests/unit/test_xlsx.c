/* test_xlsx.c — an export workbook is a real .xlsx (a zip with the sheet inside). */
#include "unit.h"
#include "lib/xlsx.h"

static void writes_a_workbook(void **state)
{
	(void)state;
	json_t *headers = json_pack("[s,s,s]", "氏名", "件数", "有効");
	json_t *rows = json_pack("[[s,i,b],[s,n,b]]", "山田 太郎", 1200, 1, "=1+1", 0);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(xlsx_table("台帳", headers, rows, &out, &len), 0);
	assert_true(len > 1000);
	assert_memory_equal(out, "PK", 2);
	free(out);
	json_decref(headers);
	json_decref(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(writes_a_workbook) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
