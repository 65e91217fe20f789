/* test_jsonw.c — the streaming JSON writer: quoting (word at a time) against a byte-at-a-time
 * reference, and the commas and keys of nested containers. */
#include <jansson.h>
#include <stdio.h>

#include "unit.h"
#include "lib/jsonw.h"

/* The plain reading of RFC 8259's escaping, one byte at a time. */
static void reference_quote(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"')
			buf_adds(b, "\\\"");
		else if (*p == '\\')
			buf_adds(b, "\\\\");
		else if (*p == '\n')
			buf_adds(b, "\\n");
		else if (*p == '\r')
			buf_adds(b, "\\r");
		else if (*p == '\t')
			buf_adds(b, "\\t");
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_addch(b, (char)*p);
	}
	buf_addch(b, '"');
}

/* Every byte that needs escaping (and a few that do not, UTF-8 among them) at every offset of
 * strings of every length up to 40: the word-at-a-time scan must find each one. */
static void quote_matches_reference(void **state)
{
	(void)state;
	static const unsigned char specials[] = { 0x01, 0x1f, '"',  '\\', '\n', '\r', '\t', 0x20,
						  0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xe3, 0xff };
	char s[48];
	for (size_t len = 1; len <= 40; len++)
		for (size_t at = 0; at < len; at++)
			for (size_t k = 0; k < sizeof(specials); k++) {
				memset(s, 'a', len);
				s[len] = '\0';
				s[at] = (char)specials[k];
				if (at + 9 < len)
					s[at + 9] = '"'; /* a second one in the next word */
				struct buf got = BUF_INIT, want = BUF_INIT;
				json_quote(&got, s);
				reference_quote(&want, s);
				assert_string_equal(got.buf, want.buf);
				buf_release(&got);
				buf_release(&want);
			}
}

/* Japanese text (bytes 0x80 and above) passes unchanged and parses back. */
static void quote_keeps_utf8(void **state)
{
	(void)state;
	const char *text = "個人情報の漏えい\t「至急」\\ \"確認\" 〜\x01";
	struct buf b = BUF_INIT;
	json_quote(&b, text);
	json_t *v = json_loads(b.buf, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	assert_string_equal(json_string_value(v), text);
	json_decref(v);
	buf_release(&b);
}

static void nested_containers(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &b);
	jw_object(&w);
	jw_key(&w, "items");
	jw_array(&w);
	for (int i = 0; i < 2; i++) {
		jw_object(&w);
		jw_key(&w, "id");
		jw_int(&w, i - 1);
		jw_key(&w, "name");
		jw_str(&w, i ? "b" : NULL);
		jw_key(&w, "on");
		jw_bool(&w, i);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_key(&w, "next");
	jw_null(&w);
	jw_object_end(&w);
	assert_string_equal(b.buf, "{\"items\":[{\"id\":-1,\"name\":null,\"on\":false},"
				   "{\"id\":0,\"name\":\"b\",\"on\":true}],\"next\":null}");
	assert_int_equal(b.len, strlen(b.buf));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quote_matches_reference),
		cmocka_unit_test(quote_keeps_utf8),
		cmocka_unit_test(nested_containers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
