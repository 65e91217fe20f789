/* test_pdf.c — the PDF writer: real files, tables that run over pages with their header
 * repeated, cells too long for a page cut instead of looping, and a failing stream reported. */
#include "unit.h"
#include "lib/buf.h"
#include "lib/pdf.h"

/* Pages in a cairo PDF: its "/Type /Page" objects (not "/Type /Pages"). */
static int pages(const struct buf *b)
{
	int n = 0;
	for (const char *p = b->buf;
	     (p = memmem(p, b->len - (size_t)(p - b->buf), "/Type /Page", 11)); p += 11)
		if (p[11] != 's')
			n++;
	return n;
}

static void draws_a_document(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	struct pdf_options o = { "マネジメントレビュー議事録",
				 "株式会社サンプル 2025-04-01 〜 2026-03-31",
				 "作成 2026-04-01 10:00", false };
	struct pdf *p = pdf_open(&o, pdf_to_buf, &out);
	pdf_heading(p, "1. 教育の実施状況");
	pdf_text(p, "受講率は 92% です。\n未受講の人には部門責任者から受講を促します。");
	pdf_field(p, "対象期間", "2025-04-01 〜 2026-03-31");
	pdf_field(p, "出席者", NULL);
	static const struct pdf_column cols[] = { { "部署", 2, false },
						  { "対象", 1, true },
						  { "修了", 1, true } };
	pdf_table_begin(p, cols, 3);
	for (int i = 0; i < 200; i++) {
		char n[16];
		snprintf(n, sizeof(n), "%d", i);
		const char *row[] = { "営業部 第一課", n, "3" };
		pdf_table_row(p, row);
	}
	pdf_table_end(p);
	pdf_note(p, "以上");
	assert_int_equal(pdf_close(p), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.buf, "%PDF-", 5);
	assert_non_null(memmem(out.buf + out.len - 16, 16, "%%EOF", 5));
	/* 200 rows of a table do not fit one A4 page. */
	assert_true(pages(&out) >= 3);
	buf_release(&out);
}

static void cuts_what_does_not_fit(void **state)
{
	(void)state;
	struct buf out = BUF_INIT, huge = BUF_INIT;
	for (int i = 0; i < 6000; i++)
		buf_adds(&huge, i % 50 ? "あ" : "\n");
	struct pdf_options o = { "長い記録", NULL, NULL, true };
	struct pdf *p = pdf_open(&o, pdf_to_buf, &out);
	static const struct pdf_column cols[] = { { "内容", 1, false }, { "備考", 1, false } };
	pdf_table_begin(p, cols, 2);
	const char *row[] = { huge.buf, NULL };
	pdf_table_row(p, row);
	pdf_table_row(p, row);
	pdf_table_end(p);
	/* A long paragraph and a long field value flow over pages. */
	pdf_text(p, huge.buf);
	pdf_field(p, "備考", huge.buf);
	assert_int_equal(pdf_close(p), 0);
	assert_true(pages(&out) >= 4);
	buf_release(&out);
	buf_release(&huge);
}

static int refuse(void *arg, const unsigned char *data, size_t len)
{
	(void)arg;
	(void)data;
	(void)len;
	return -1;
}

static void reports_a_failing_stream(void **state)
{
	(void)state;
	struct pdf_options o = { "書けない", NULL, NULL, false };
	struct pdf *p = pdf_open(&o, refuse, NULL);
	pdf_text(p, "本文");
	assert_int_equal(pdf_close(p), -1);
}

static int done(void **state)
{
	(void)state;
	pdf_thread_done();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(draws_a_document),
		cmocka_unit_test(cuts_what_does_not_fit),
		cmocka_unit_test(reports_a_failing_stream),
	};
	return cmocka_run_group_tests(tests, NULL, done);
}
