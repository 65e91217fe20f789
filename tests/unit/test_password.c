/* test_password.c — the password policy and hashing. */
#include "unit.h"
#include "auth/password.h"
#include "lib/crypto.h"

static const char *first_code(struct ferrors *fe)
{
	json_t *e = json_array_get(fe->list, 0);
	return e ? json_string_value(json_object_get(e, "code")) : NULL;
}

static const char *check(const char *pw, const char *login, int min)
{
	static char code[64];
	struct ferrors fe = FERRORS_INIT;
	password_check_rules(pw, login, min, "new_password", &fe);
	const char *c = first_code(&fe);
	snprintf(code, sizeof(code), "%s", c ? c : "ok");
	ferr_release(&fe);
	return code;
}

static void rules(void **state)
{
	(void)state;
	assert_string_equal(check("abc123", "taro", 8), "password_too_short");
	assert_string_equal(check("abcdefgh", "taro", 8), "password_needs_letters_and_digits");
	assert_string_equal(check("12345678", "taro", 8), "password_needs_letters_and_digits");
	assert_string_equal(check("xTaro2026x", "taro", 8), "password_contains_login");
	assert_string_equal(check("Password123", "taro", 8), "password_common");
	assert_string_equal(check("qwerty123", "taro", 8), "password_common");
	assert_string_equal(check("kumo7sora3", "taro", 8), "ok");
	/* Exactly the minimum passes; a longer policy refuses it. */
	assert_string_equal(check("kumo7sor", "taro", 8), "ok");
	assert_string_equal(check("kumo7sor", "taro", 12), "password_too_short");
	/* Length counts characters, not bytes. */
	assert_string_equal(check("雲空雲空雲空1", "taro", 8), "password_too_short");
	assert_string_equal(check("雲空雲空雲空12", "taro", 8), "ok");
}

static void hash_and_verify(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash("kumo7sora3", h), 0);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(password_verify(h, "kumo7sora3"));
	assert_false(password_verify(h, "kumo7sora4"));
	assert_false(password_verify(NULL, "x"));
	char h2[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash("kumo7sora3", h2), 0);
	assert_string_not_equal(h, h2); /* salted */
}

static void generated_passwords_pass_the_policy(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++) {
		char pw[15];
		password_generate(pw);
		assert_int_equal(strlen(pw), 14);
		assert_string_equal(check(pw, "admin", 8), "ok");
		assert_null(strpbrk(pw, "0O1lI"));
	}
}

int main(void)
{
	if (crypto_start())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules),
		cmocka_unit_test(hash_and_verify),
		cmocka_unit_test(generated_passwords_pass_the_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
