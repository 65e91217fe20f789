/* test_totp.c — RFC 6238 codes, the ±1 step window, replay, recovery codes, QR. */
#include <liboath/oath.h>

#include "unit.h"
#include "auth/totp.h"
#include "lib/crypto.h"

/* RFC 6238 appendix B: the SHA-1 secret "12345678901234567890". */
static const char rfc_secret[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static void rfc_vectors(void **state)
{
	(void)state;
	char code[7];
	assert_int_equal(totp_code(rfc_secret, 59, code), 0);
	assert_string_equal(code, "287082");
	assert_int_equal(totp_code(rfc_secret, 1111111109, code), 0);
	assert_string_equal(code, "081804");
	assert_int_equal(totp_code(rfc_secret, 2000000000, code), 0);
	assert_string_equal(code, "279037");
}

static void window_and_replay(void **state)
{
	(void)state;
	int64_t now = 1111111109, step = now / 30, matched;
	char code[7];
	totp_code(rfc_secret, now, code);
	assert_int_equal(totp_check(rfc_secret, code, now, 0, &matched), 0);
	assert_int_equal(matched, step);
	/* The same code again: refused (replay). */
	assert_int_equal(totp_check(rfc_secret, code, now, matched, &matched), -1);
	/* Previous and next step are accepted, two steps away is not. */
	totp_code(rfc_secret, now - 30, code);
	assert_int_equal(totp_check(rfc_secret, code, now, 0, &matched), 0);
	totp_code(rfc_secret, now + 30, code);
	assert_int_equal(totp_check(rfc_secret, code, now, 0, &matched), 0);
	totp_code(rfc_secret, now - 61, code);
	assert_int_equal(totp_check(rfc_secret, code, now, 0, &matched), -1);
	/* A code older than the last used step is refused even inside the window. */
	totp_code(rfc_secret, now - 30, code);
	assert_int_equal(totp_check(rfc_secret, code, now, step, &matched), -1);
	assert_int_equal(totp_check(rfc_secret, "12345", now, 0, &matched), -1);
	assert_int_equal(totp_check(rfc_secret, "abcdef", now, 0, &matched), -1);
}

static void secrets_and_uri(void **state)
{
	(void)state;
	char *s = totp_new_secret();
	assert_int_equal(strlen(s), 32); /* 20 bytes, base32, no padding */
	char *uri = totp_uri("山田商事", "taro@x", s);
	assert_non_null(strstr(uri, "otpauth://totp/"));
	assert_non_null(strstr(uri, "taro%40x"));
	assert_null(strchr(uri, ' '));
	char *svg = qr_svg(uri);
	assert_non_null(svg);
	assert_true(strncmp(svg, "<svg", 4) == 0);
	free(svg);
	free(uri);
	free(s);
}

static void recovery_codes(void **state)
{
	(void)state;
	char c[15], n[15];
	recovery_code_new(c);
	assert_int_equal(strlen(c), 14);
	assert_int_equal(c[4], '-');
	assert_true(recovery_code_normalise(c, n));
	assert_string_equal(c, n);
	assert_true(recovery_code_normalise("ABCD EFGH jkmn", n));
	assert_string_equal(n, "abcd-efgh-jkmn");
	assert_false(recovery_code_normalise("abcd-efgh", n));
	assert_false(recovery_code_normalise("abcd-efgh-jkmn-p", n));
	assert_false(recovery_code_normalise("abcd-efgh-jk!n", n));
}

int main(void)
{
	if (crypto_start() || oath_init() != OATH_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_vectors),
		cmocka_unit_test(window_and_replay),
		cmocka_unit_test(secrets_and_uri),
		cmocka_unit_test(recovery_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
