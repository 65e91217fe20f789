/* test_csv_read.c — reading CSV as Excel writes it: quoted cells, CRLF, BOM, CP932 (with a
 * 0x5C second byte), malformed records, encoding detection. */
#include "unit.h"
#include "lib/csv.h"

/* Reads all records of `text` into "a|b|c;" form (malformed records as "!<line>;"). */
static void read_all(const char *text, size_t len, struct buf *out)
{
	struct csv_reader r;
	int rc;
	csv_reader_init(&r, text, len);
	while ((rc = csv_read(&r)) != 0) {
		if (rc < 0) {
			buf_printf(out, "!%ld;", r.line);
			continue;
		}
		for (size_t i = 0; i < r.nfields; i++)
			buf_printf(out, "%s%s", i ? "|" : "", r.fields[i]);
		buf_printf(out, "@%ld;", r.line);
	}
	csv_reader_release(&r);
}

static void check(const char *text, const char *want)
{
	struct buf out = BUF_INIT;
	read_all(text, strlen(text), &out);
	assert_string_equal(out.buf, want);
	buf_release(&out);
}

static void quoted_fields_and_line_ends(void **state)
{
	(void)state;
	check("a,b,c\r\n1,2,3\r\n", "a|b|c@1;1|2|3@2;");
	check("a,b\n1,2", "a|b@1;1|2@2;");   /* LF, no final line end */
	check("a,b\r1,2\r", "a|b@1;1|2@2;"); /* old Mac CR */
	check("\"x, y\",\"say \"\"hi\"\"\"\r\n", "x, y|say \"hi\"@1;");
	check("\"two\r\nlines\",z\r\nnext,1\r\n", "two\r\nlines|z@1;next|1@3;");
	check("a,,\r\n", "a||@1;");                  /* empty cells count */
	check("\r\n\r\na\r\n\r\nb\r\n", "a@3;b@5;"); /* blank lines are skipped */
	check("5\"inch,x\r\n", "5\"inch|x@1;");      /* a quote inside is text */
}

static void malformed_records(void **state)
{
	(void)state;
	/* Text after a closing quote: that record is bad, the next one still reads. */
	check("\"a\"b,c\r\nok,1\r\n", "!1;ok|1@2;");
	/* An unclosed quote runs to the end of the file. */
	check("ok\r\n\"open,1\r\nmore\r\n", "ok@1;!2;");
}

/* A hostile record (a file of commas, a cell of megabytes) is refused whole, and the reader
 * never holds more than one bounded record: the next line still reads. */
static void oversized_records(void **state)
{
	(void)state;
	struct buf text = BUF_INIT, out = BUF_INIT;
	for (int i = 0; i < CSV_MAX_CELLS - 1; i++)
		buf_addch(&text, ',');
	buf_adds(&text, "\r\n"); /* exactly CSV_MAX_CELLS cells: fine */
	for (int i = 0; i < 1000000; i++)
		buf_addch(&text, ',');
	buf_adds(&text, "\r\nok,1\r\n");
	read_all(text.buf, text.len, &out);
	assert_true(strstr(out.buf, "@1;!2;ok|1@3;") != NULL);
	buf_reset(&text);
	buf_reset(&out);
	for (int k = 0; k < 2; k++) { /* unquoted, then quoted */
		buf_adds(&text, k ? "a,\"" : "a,");
		for (int i = 0; i < CSV_MAX_CELL + 1; i++)
			buf_addch(&text, 'x');
		buf_adds(&text, k ? "\"\r\n" : "\r\n");
	}
	buf_adds(&text, "b,2\r\n");
	read_all(text.buf, text.len, &out);
	/* The second record's quote runs over its line end: the reader resumes after it. */
	assert_string_equal(out.buf, "!1;!2;b|2@3;");
	buf_release(&text);
	buf_release(&out);
}

static void decodes_utf8_bom_and_cp932(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	enum csv_encoding used;
	size_t bad;
	/* UTF-8 with a BOM: the BOM is gone. */
	assert_int_equal(csv_decode("\xEF\xBB\xBF名前\r\n", 11, CSV_AUTO, &out, &used, &bad), 0);
	assert_int_equal(used, CSV_UTF8);
	assert_string_equal(out.buf, "名前\r\n");
	/* CP932 「表,能」: both second bytes are 0x5C (backslash) — they must not split or escape.
	 */
	const char cp932[] = "\x95\x5C,\x94\x5C\r\n\"\x83\x5C\x83\x74\x83\x67\",x\r\n";
	assert_int_equal(csv_decode(cp932, sizeof(cp932) - 1, CSV_AUTO, &out, &used, &bad), 0);
	assert_int_equal(used, CSV_CP932);
	assert_string_equal(out.buf, "表,能\r\n\"ソフト\",x\r\n");
	struct buf rows = BUF_INIT;
	read_all(out.buf, out.len, &rows);
	assert_string_equal(rows.buf, "表|能@1;ソフト|x@2;");
	buf_release(&rows);
	/* Asked for UTF-8, given CP932: refused with the offset of the first bad byte. */
	assert_int_equal(csv_decode(cp932, sizeof(cp932) - 1, CSV_UTF8, &out, &used, &bad), -1);
	assert_int_equal(bad, 0);
	/* A byte CP932 does not define. */
	assert_int_equal(csv_decode("ok\x81", 3, CSV_CP932, &out, &used, &bad), -1);
	assert_int_equal(bad, 2);
	/* NUL and other control characters are not text. */
	assert_int_equal(csv_decode("a\0b", 3, CSV_UTF8, &out, &used, &bad), -1);
	assert_int_equal(bad, 1);
	/* An empty upload, which arrives as NULL: empty text, in either encoding. */
	for (int enc = CSV_AUTO; enc <= CSV_CP932; enc++) {
		assert_int_equal(csv_decode(NULL, 0, (enum csv_encoding)enc, &out, &used, &bad), 0);
		assert_int_equal(out.len, 0);
		assert_string_equal(out.buf, "");
	}
	/* Names of encodings. */
	enum csv_encoding e;
	assert_int_equal(csv_encoding_parse("Shift_JIS", &e), 0);
	assert_int_equal(e, CSV_CP932);
	assert_int_equal(csv_encoding_parse("latin1", &e), -1);
	buf_release(&out);
}

static void writer_still_round_trips(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	csv_field(&b, "a,\"b\"", true);
	csv_field(&b, "=SUM(A1)", false);
	csv_end_row(&b);
	struct buf rows = BUF_INIT;
	read_all(b.buf, b.len, &rows);
	assert_string_equal(rows.buf, "a,\"b\"|'=SUM(A1)@1;");
	buf_release(&rows);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quoted_fields_and_line_ends),
		cmocka_unit_test(malformed_records),
		cmocka_unit_test(oversized_records),
		cmocka_unit_test(decodes_utf8_bom_and_cp932),
		cmocka_unit_test(writer_still_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
