/* test_util.c — buf, arena, hex, UTF-8 and number parsing. */
#include "unit.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/util.h"

static void buf_is_always_terminated(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_non_null(b.buf);
	assert_string_equal(b.buf, "");
	buf_adds(&b, "abc");
	buf_printf(&b, "-%d-", 42);
	assert_string_equal(b.buf, "abc-42-");
	assert_int_equal(b.len, 7);
	for (int i = 0; i < 1000; i++)
		buf_addch(&b, 'x');
	assert_int_equal(b.len, 1007);
	assert_int_equal(b.buf[b.len], '\0');
	size_t len;
	char *s = buf_detach(&b, &len);
	assert_int_equal(len, 1007);
	assert_string_equal(b.buf, "");
	free(s);
	buf_release(&b);
}

static void count_call(void *arg)
{
	(*(int *)arg)++;
}

static void arena_runs_cleanups_and_frees(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	int calls = 0;
	char *s = arena_strdup(&a, "hello");
	char *big = arena_alloc(&a, 100000); /* larger than a block */
	big[99999] = 1;
	arena_on_release(&a, count_call, &calls);
	arena_on_release(&a, count_call, &calls);
	assert_string_equal(s, "hello");
	assert_string_equal(arena_printf(&a, "%s %d", "n", 3), "n 3");
	assert_int_equal((uintptr_t)arena_alloc(&a, 3) % 16, 0);
	arena_release(&a);
	assert_int_equal(calls, 2);
	assert_null(a.blocks);
}

static void hex_round_trip(void **state)
{
	(void)state;
	unsigned char in[4] = { 0x00, 0xab, 0x10, 0xff }, out[4];
	char hex[9];
	hex_encode(in, 4, hex);
	assert_string_equal(hex, "00ab10ff");
	assert_int_equal(hex_decode(hex, out, 4), 0);
	assert_memory_equal(in, out, 4);
	assert_int_equal(hex_decode("00ab10f", out, 4), -1);
	assert_int_equal(hex_decode("00ab10fg", out, 4), -1);
}

static void utf8_rules(void **state)
{
	(void)state;
	assert_true(utf8_valid_text("abc", 3));
	assert_true(utf8_valid_text("個人情報", strlen("個人情報")));
	assert_true(utf8_valid_text("a\tb\nc", 5));
	assert_false(utf8_valid_text("a\0b", 3));             /* NUL */
	assert_false(utf8_valid_text("\x01", 1));             /* control */
	assert_false(utf8_valid_text("\xc3", 1));             /* truncated */
	assert_false(utf8_valid_text("\xc0\xaf", 2));         /* overlong */
	assert_false(utf8_valid_text("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(utf8_valid_text("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_int_equal(utf8_len("個人", strlen("個人")), 2);
}

static void parse_numbers(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(parse_i64("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_i64("101", 0, 100, &v), -1);
	assert_int_equal(parse_i64("4x", 0, 100, &v), -1);
	assert_int_equal(parse_i64("", 0, 100, &v), -1);
	assert_int_equal(parse_i64(" 4", 0, 100, &v), -1);
	assert_int_equal(parse_i64("99999999999999999999", 0, INT64_MAX, &v), -1);
}

static void strings(void **state)
{
	(void)state;
	assert_true(str_equal_ct("abc", "abc"));
	assert_false(str_equal_ct("abc", "abd"));
	assert_false(str_equal_ct("abc", "abcd"));
	assert_true(str_contains_ci("MyAdmin2026", "admin"));
	assert_false(str_contains_ci("abc", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_is_always_terminated),
		cmocka_unit_test(arena_runs_cleanups_and_frees),
		cmocka_unit_test(hex_round_trip),
		cmocka_unit_test(utf8_rules),
		cmocka_unit_test(parse_numbers),
		cmocka_unit_test(strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
