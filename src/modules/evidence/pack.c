/* pack.c — the evidence pack as one ZIP written part by part (libarchive). */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "internal.h"
#include "reports.h"
#include "../registers/registers.h"
#include "../../lib/timeutil.h"

void evidence_check_period(const char *from, const char *to, struct ferrors *fe)
{
	if (!from)
		ferr_add(fe, "from", "required", "Give the first day of the period (?from=).");
	if (!to)
		ferr_add(fe, "to", "required", "Give the last day of the period (?to=).");
	if (!from || !to)
		return;
	if (!date_valid(from))
		ferr_add(fe, "from", "invalid_date", "Must be a real date as YYYY-MM-DD.");
	if (!date_valid(to))
		ferr_add(fe, "to", "invalid_date", "Must be a real date as YYYY-MM-DD.");
	if (ferr_any(fe))
		return;
	if (strcmp(from, to) > 0)
		ferr_add(fe, "to", "before_start", "The period cannot end before it starts.");
	else if (date_diff(from, to) > 5 * 366)
		ferr_add(fe, "to", "too_long", "At most five years at a time.");
}

struct zip {
	struct archive *a;
	evidence_write_fn write;
	void *arg;
	bool failed;
	int64_t now;
	size_t files;
};

static la_ssize_t zip_write(struct archive *a, void *arg, const void *data, size_t len)
{
	struct zip *z = arg;
	(void)a;
	if (z->failed || z->write(z->arg, data, len)) {
		z->failed = true;
		return -1;
	}
	return (la_ssize_t)len;
}

/* Adds one file of `len` bytes to the ZIP. */
static int zip_add(struct zip *z, const char *name, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();
	int rc = 0;
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, z->now, 0);
	if (archive_write_header(z->a, e) != ARCHIVE_OK)
		rc = -1;
	const char *p = data;
	while (!rc && len) {
		la_ssize_t n = archive_write_data(z->a, p, len);
		if (n <= 0) {
			rc = -1;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	archive_entry_free(e);
	if (!rc)
		z->files++;
	return rc;
}

struct doc_meta {
	char org[801];
	char made[40];
	char period[48];
};

/* A part's PDF: its title, the organisation and the period, the basis, then its body. */
static int part_pdf(const struct doc_meta *m, const struct part *pt, struct part_out *o,
		    struct buf *out)
{
	struct buf sub = BUF_INIT;
	buf_printf(&sub, "%s%s%s", m->org, *m->org ? "　" : "", m->period);
	struct pdf_options opts = { pt->title, sub.buf, m->made, o->landscape };
	struct pdf *p = pdf_open(&opts, pdf_to_buf, out);
	struct buf basis = BUF_INIT;
	buf_printf(&basis, "確認の観点: %s", pt->basis);
	pdf_note(p, basis.buf);
	buf_release(&basis);
	if (!o->available)
		pdf_text(p, "この機能はまだ導入されていないため、記録はありません。");
	o->draw(p, o->data);
	buf_release(&sub);
	return pdf_close(p);
}

static void figure_text(struct buf *b, json_t *f)
{
	static const struct {
		const char *key, *ja;
	} words[] = {
		{ "rows", "件数" },
		{ "sensitive", "要配慮" },
		{ "review_overdue", "見直し超過" },
		{ "applicable", "適用" },
		{ "implemented", "実施済み" },
		{ "assigned", "対象" },
		{ "completed", "修了" },
		{ "overdue", "期限超過" },
		{ "percent", "修了率%" },
		{ "findings", "指摘" },
		{ "approved", "承認済み" },
		{ "decisions", "決定事項" },
		{ "incidents", "事故" },
		{ "near_misses", "ヒヤリハット" },
		{ "open", "未完了" },
		{ "effective", "有効" },
		{ "signed", "提出済み" },
		{ "events", "イベント" },
	};
	bool first = true;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		json_t *v = json_object_get(f, words[i].key);
		if (!json_is_integer(v))
			continue;
		buf_printf(b, "%s%s %lld", first ? "" : "、", words[i].ja,
			   (long long)json_integer_value(v));
		first = false;
	}
}

static void draw_index(struct pdf *p, json_t *manifest)
{
	json_t *parts = json_object_get(manifest, "parts"), *pt;
	size_t i;
	struct buf b = BUF_INIT;
	pdf_text(p,
		 "Pマークの更新審査・ISMSのサーベイランス審査で求められる記録を、対象期間について"
		 "まとめたものです。各資料は PDF と Excel（xlsx）の両方で収録しています。"
		 "数値は作成時点の記録によるものです。");
	pdf_field(p, "組織", json_string_value(json_object_get(manifest, "organisation")));
	json_t *period = json_object_get(manifest, "period");
	buf_printf(&b, "%s 〜 %s", json_string_value(json_object_get(period, "from")),
		   json_string_value(json_object_get(period, "to")));
	pdf_field(p, "対象期間", b.buf);
	pdf_field(p, "作成日時", json_string_value(json_object_get(manifest, "generated_local")));
	pdf_field(p, "作成者", json_string_value(json_object_get(manifest, "generated_by")));
	pdf_heading(p, "収録資料");
	static const struct pdf_column cols[] = {
		{ "No.", 0.4, true },     { "資料", 2, false },       { "ファイル", 2.2, false },
		{ "件数など", 2, false }, { "確認の観点", 3, false },
	};
	pdf_table_begin(p, cols, 5);
	json_array_foreach(parts, i, pt)
	{
		char no[24];
		struct buf files = BUF_INIT, figs = BUF_INIT;
		snprintf(no, sizeof(no), "%zu", i + 1);
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(pt, "files"), k, f)
		{
			buf_printf(&files, "%s%s", k ? "\n" : "", json_string_value(f));
		}
		if (json_is_false(json_object_get(pt, "available")))
			buf_adds(&figs, "未導入");
		else
			figure_text(&figs, json_object_get(pt, "figures"));
		const char *row[] = { no, json_string_value(json_object_get(pt, "title")),
				      files.buf, figs.buf,
				      json_string_value(json_object_get(pt, "basis")) };
		pdf_table_row(p, row);
		buf_release(&files);
		buf_release(&figs);
	}
	pdf_table_end(p);
	json_t *t = json_object_get(manifest, "audit_trail");
	pdf_heading(p, "監査ログの検証結果");
	pdf_field(p, "結果",
		  json_is_true(json_object_get(t, "intact"))
			  ? "改ざんは検出されませんでした"
			  : "ハッシュチェーンに不整合があります");
	buf_reset(&b);
	buf_printf(&b, "%lld", (long long)json_integer_value(json_object_get(t, "head_seq")));
	pdf_field(p, "最新イベントの番号", b.buf);
	pdf_field(p, "最新イベントのハッシュ", json_string_value(json_object_get(t, "head_hash")));
	buf_release(&b);
}

enum status evidence_pack_write(struct app *app, struct db *db, const struct actor *who,
				const char *from, const char *to, evidence_write_fn write,
				void *arg, json_t **manifest_out)
{
	struct zip z = { .write = write, .arg = arg, .now = now_unix() };
	struct doc_meta m;
	char now[21];
	enum status st = ST_DB;
	json_t *manifest = NULL, *parts = json_array(), *trail = NULL;
	report_org_name(app, db, m.org, sizeof(m.org));
	report_made_at(m.made);
	snprintf(m.period, sizeof(m.period), "対象期間 %s 〜 %s", from, to);
	time_rfc3339(z.now, now);

	/* Recorded before the first byte: a pack that was asked for is in the trail. */
	json_t *sum = json_pack("{s:s,s:s}", "from", from, "to", to);
	int rc = audit_append_tx(db, who, "evidence_pack.generate", "evidence_pack", 0, sum);
	json_decref(sum);
	if (rc) {
		json_decref(parts);
		return ST_DB;
	}
	z.a = archive_write_new();
	if (archive_write_set_format_zip(z.a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(z.a, 1) != ARCHIVE_OK ||
	    archive_write_open(z.a, &z, NULL, zip_write, NULL) != ARCHIVE_OK)
		goto out;
	struct part_ctx c = { app, db, who, from, to, &reg_scope_all, NULL, false };
	for (size_t i = 0; i < evidence_part_count; i++) {
		const struct part *pt = &evidence_parts[i];
		struct part_out o = { .available = true };
		struct buf pdf = BUF_INIT;
		char name[96];
		int prc = pt->build(&c, &o);
		if (!prc)
			prc = part_pdf(&m, pt, &o, &pdf);
		if (!prc) {
			snprintf(name, sizeof(name), "%s.pdf", pt->name);
			prc = zip_add(&z, name, pdf.buf, pdf.len);
		}
		if (!prc && o.xlsx) {
			snprintf(name, sizeof(name), "%s.xlsx", pt->name);
			prc = zip_add(&z, name, o.xlsx, o.xlsx_len);
		}
		if (!prc) {
			json_array_append_new(
				parts,
				json_pack("{s:s,s:s,s:s,s:[s+,s+],s:b,s:O}", "name", pt->name,
					  "title", pt->title, "basis", pt->basis, "files", pt->name,
					  ".pdf", pt->name, ".xlsx", "available", o.available,
					  "figures", o.figures ? o.figures : json_null()));
			if (!strcmp(pt->name, "12-audit-trail"))
				trail = json_incref(o.data);
		}
		buf_release(&pdf);
		free(o.xlsx);
		json_decref(o.data);
		json_decref(o.figures);
		if (prc)
			goto out;
	}
	char by[160];
	snprintf(by, sizeof(by), "%s", who->login ? who->login : "cli");
	manifest = json_pack("{s:s,s:{s:s,s:s},s:s,s:s,s:s,s:O,s:o}", "organisation", m.org,
			     "period", "from", from, "to", to, "generated_at", now,
			     "generated_local", m.made + strlen("作成 "), "generated_by", by,
			     "parts", parts, "audit_trail", trail ? trail : json_object());
	trail = NULL;
	/* The index page, and the same as data for machines. */
	struct buf idx = BUF_INIT;
	struct pdf_options opts = { "審査用エビデンスパック", m.org, m.made, true };
	struct pdf *p = pdf_open(&opts, pdf_to_buf, &idx);
	draw_index(p, manifest);
	rc = pdf_close(p) || zip_add(&z, "00-index.pdf", idx.buf, idx.len);
	buf_release(&idx);
	if (rc)
		goto out;
	json_object_set_new(manifest, "files", json_integer((json_int_t)z.files + 1));
	char *text = json_dumps(manifest, JSON_INDENT(1) | JSON_SORT_KEYS);
	rc = zip_add(&z, EVIDENCE_MANIFEST, text, strlen(text));
	free(text);
	if (rc || archive_write_close(z.a) != ARCHIVE_OK || z.failed)
		goto out;
	st = ST_OK;
out:
	archive_write_free(z.a);
	json_decref(parts);
	json_decref(trail);
	if (st == ST_OK && manifest_out)
		*manifest_out = manifest;
	else
		json_decref(manifest);
	return st;
}
