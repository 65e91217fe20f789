/* test_crypto.c — sealed fields, tokens, CSV cells. */
#include "unit.h"
#include "lib/crypto.h"
#include "lib/csv.h"

static void seal_open(void **state)
{
	(void)state;
	unsigned char key[32] = { 1 }, other[32] = { 2 };
	char *s = crypto_seal(key, "users.totp_secret:1", "secret", 6);
	assert_true(strncmp(s, "v1:", 3) == 0);
	assert_null(strstr(s, "secret"));
	size_t len;
	char *p = crypto_open(key, "users.totp_secret:1", s, &len);
	assert_string_equal(p, "secret");
	assert_int_equal(len, 6);
	free(p);
	/* Wrong key, other row, tampered text: nothing opens. */
	assert_null(crypto_open(other, "users.totp_secret:1", s, NULL));
	assert_null(crypto_open(key, "users.totp_secret:2", s, NULL));
	s[10] = s[10] == 'A' ? 'B' : 'A';
	assert_null(crypto_open(key, "users.totp_secret:1", s, NULL));
	assert_null(crypto_open(key, "users.totp_secret:1", "v1:!!", NULL));
	assert_null(crypto_open(key, "users.totp_secret:1", "plain", NULL));
	free(s);
}

static void sealed_fields(void **state)
{
	(void)state;
	unsigned char key[32] = { 7 };
	char *s = crypto_seal_field(key, "visits.visitor_name", 12, "山田 太郎");
	assert_null(strstr(s, "山田"));
	char *p = crypto_open_field(key, "visits.visitor_name", 12, s);
	assert_string_equal(p, "山田 太郎");
	crypto_free_plain(p);
	/* Bound to its row and column. */
	assert_null(crypto_open_field(key, "visits.visitor_name", 13, s));
	assert_null(crypto_open_field(key, "visits.visitor_company", 12, s));
	free(s);
	/* Empty stays empty; nothing is not a value. */
	s = crypto_seal_field(key, "visits.visitor_company", 12, "");
	assert_string_equal(s, "");
	p = crypto_open_field(key, "visits.visitor_company", 12, s);
	assert_string_equal(p, "");
	crypto_free_plain(p);
	free(s);
	assert_null(crypto_open_field(key, "visits.visitor_company", 12, NULL));
	crypto_free_plain(NULL);
}

static void tokens(void **state)
{
	(void)state;
	char *a = random_token(32), *b = random_token(32);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	char h1[65], h2[65];
	token_hash(a, h1);
	token_hash(a, h2);
	assert_string_equal(h1, h2);
	assert_int_equal(strlen(h1), 64);
	free(a);
	free(b);
}

static void csv_cells(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	csv_field(&b, "plain", true);
	csv_field(&b, "a,b", false);
	csv_field(&b, "say \"hi\"", false);
	csv_field(&b, "=SUM(A1)", false);
	csv_field(&b, NULL, false);
	csv_field_int(&b, -5, false);
	csv_end_row(&b);
	/* Numbers are never guarded: digits and a minus sign are no formula. */
	assert_string_equal(b.buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=SUM(A1)\",,-5\r\n");
	buf_reset(&b);
	csv_bom(&b);
	csv_field(&b, "氏名", true);
	assert_int_equal(csv_to_cp932(&b), 0);
	assert_memory_equal(b.buf, "\x8e\x81\x96\xbc", 4); /* 氏名 in Shift_JIS, no BOM */
	assert_int_equal(b.len, 4);
	buf_release(&b);
}

int main(void)
{
	if (crypto_start())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seal_open),
		cmocka_unit_test(sealed_fields),
		cmocka_unit_test(tokens),
		cmocka_unit_test(csv_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
