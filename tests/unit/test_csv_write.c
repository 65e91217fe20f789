/* test_csv_write.c — writing CSV for exports: the formula guard decided on the bytes written
 * (after the CP932 conversion, look-alikes included), its exact removal on import, and the
 * characters CP932 lacks reported with their row and column instead of vanishing. */
#include "unit.h"
#include "lib/csv.h"

/* One row of one cell through a writer; returns the cell as written (without the line end). */
static char *one_cell(bool cp932, const char *s, struct csv_loss *loss)
{
	struct csv_writer w;
	assert_int_equal(csv_writer_init(&w, cp932), 0);
	csv_put(&w, s);
	csv_row_end(&w);
	if (loss)
		*loss = w.loss;
	size_t len;
	char *out = csv_writer_detach(&w, &len);
	size_t skip = cp932 ? 0 : 3;
	assert_true(len >= skip + 2);
	out[len - 2] = '\0';
	memmove(out, out + skip, len - 1 - skip);
	return out;
}

/* What the import reads back from a written cell: the quotes undone, the guard taken off. */
static char *read_back(const char *written, bool cp932)
{
	struct buf text = BUF_INIT;
	enum csv_encoding used;
	size_t bad;
	assert_int_equal(csv_decode(written, strlen(written), cp932 ? CSV_CP932 : CSV_UTF8, &text,
				    &used, &bad),
			 0);
	struct csv_reader r;
	csv_reader_init(&r, text.buf, text.len);
	char *cell = NULL;
	if (csv_read(&r) == 1)
		cell = xstrdup(csv_unguard(r.fields[0]));
	else
		cell = xstrdup("");
	csv_reader_release(&r);
	buf_release(&text);
	return cell;
}

static void guard_on_the_written_bytes(void **state)
{
	(void)state;
	static const struct {
		const char *in, *utf8, *cp932;
	} cases[] = {
		{ "=1+1", "\"'=1+1\"", "\"'=1+1\"" },
		{ "+81-3", "\"'+81-3\"", "\"'+81-3\"" },
		{ "-", "\"'-\"", "\"'-\"" },
		{ "@x", "\"'@x\"", "\"'@x\"" },
		{ "'x", "\"''x\"", "\"''x\"" }, /* the apostrophe too: the guard stays reversible */
		{ "\tx", "\"'\tx\"", "\"'\tx\"" },
		{ "plain", "plain", "plain" },
		{ "a'=b", "a'=b", "a'=b" },
		/* Full-width forms: guarded in both files (CP932 keeps them full-width). */
		{ "＝1", "\"'＝1\"",
		  "\"'\x81\x81"
		  "1\"" },
		{ "＋1", "\"'＋1\"",
		  "\"'\x81\x7b"
		  "1\"" },
		{ "＠1", "\"'＠1\"",
		  "\"'\x81\x97"
		  "1\"" },
		{ "－1", "\"'－1\"",
		  "\"'\x81\x7c"
		  "1\"" },
		/* The minus sign: CP932 writes it as －, still guarded. */
		{ "−1", "\"'−1\"",
		  "\"'\x81\x7c"
		  "1\"" },
		/* Small forms CP932 lacks: never turned into = + @ -, written as '?' (reported). */
		{ "﹦1", "\"'﹦1\"", "?1" },
		{ "﹢1", "\"'﹢1\"", "?1" },
		{ "﹫1", "\"'﹫1\"", "?1" },
		{ "﹣1", "\"'﹣1\"", "?1" },
		/* A conversion that would split the cell („ becomes ",," under transliteration). */
		{ "a„b", "a„b", "a?b" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *u = one_cell(false, cases[i].in, NULL);
		char *c = one_cell(true, cases[i].in, NULL);
		assert_string_equal(u, cases[i].utf8);
		assert_string_equal(c, cases[i].cp932);
		free(u);
		free(c);
	}
}

static void unguard_is_exact(void **state)
{
	(void)state;
	/* Export then import gives the value back, in both encodings, for every value that
	 * CP932 can hold. */
	static const char *const values[] = {
		"-",          "--",        "'",   "''",         "'-",           "''=x",
		"=",          "+81",       "@",   "＝",         "＋＋",         "'＝",
		"表・ソ・能", "①㈱髙ｶﾞ～", "a,b", "say \"hi\"", "two\r\nlines", "",
		"x'"
	};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		for (int cp = 0; cp < 2; cp++) {
			char *w = one_cell(cp, values[i], NULL);
			char *back = read_back(w, cp);
			assert_string_equal(back, values[i]);
			free(w);
			free(back);
		}
	}
	/* Only our guard comes off: an apostrophe before an ordinary character stays. */
	assert_string_equal(csv_unguard("'abc"), "'abc");
	assert_string_equal(csv_unguard("'=abc"), "=abc");
	assert_string_equal(csv_unguard("''"), "'");
	assert_string_equal(csv_unguard("'"), "'");
	assert_string_equal(csv_unguard("'＝"), "＝");
}

static void unmappable_reported_with_row_and_column(void **state)
{
	(void)state;
	struct csv_writer w;
	assert_int_equal(csv_writer_init(&w, true), 0);
	csv_put(&w, "ID");
	csv_put(&w, "台帳名");
	csv_put(&w, "備考");
	csv_row_end(&w);
	csv_put_int(&w, 7);
	csv_put(&w, "山田");
	csv_put(&w, "問題なし");
	csv_row_end(&w);
	csv_put_int(&w, 8);
	csv_put(&w, "𠮷野家");
	csv_put(&w, "♡と😀");
	csv_row_end(&w);
	assert_int_equal(w.loss.chars, 3);
	assert_int_equal(w.loss.rows, 1);
	assert_int_equal(w.loss.nshown, 1);
	assert_int_equal(w.loss.shown[0].row, 3);
	assert_string_equal(w.loss.shown[0].column, "台帳名");
	assert_string_equal(w.loss.shown[0].record, "8");
	assert_string_equal(w.loss.shown[0].text, "𠮷");
	size_t len;
	char *out = csv_writer_detach(&w, &len);
	assert_non_null(strstr(out, "8,?\x96\xec\x89\xc6,?\x82\xc6?\r\n")); /* ?野家,?と? */
	free(out);
	/* UTF-8 loses nothing. */
	struct csv_loss loss;
	char *u = one_cell(false, "𠮷野家", &loss);
	assert_string_equal(u, "𠮷野家");
	assert_int_equal(loss.chars, 0);
	free(u);
}

static void legacy_cp932_rewrite_guards_again(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	csv_bom(&b);
	csv_field(&b, "名前", true);
	csv_field(&b, "＝1+1", false);
	csv_end_row(&b);
	csv_field(&b, "﹦HYPERLINK(\"x\")", true);
	csv_field_int(&b, 12, false);
	csv_end_row(&b);
	assert_int_equal(csv_to_cp932(&b), 0);
	assert_string_equal(b.buf, "\x96\xbc\x91\x4f,\"'\x81\x81"
				   "1+1\"\r\n"
				   "\"?HYPERLINK(\"\"x\"\")\",12\r\n");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guard_on_the_written_bytes),
		cmocka_unit_test(unguard_is_exact),
		cmocka_unit_test(unmappable_reported_with_row_and_column),
		cmocka_unit_test(legacy_cp932_rewrite_guards_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
