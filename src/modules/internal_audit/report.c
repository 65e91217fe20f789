/* report.c — the internal audit report (内部監査報告書), on screen and on paper, and the audit
 * figures other modules read (the management review, the evidence pack). */
#include <string.h>

#include "internal.h"
#include "../../lib/timeutil.h"

const char *ia_word(const char *code)
{
	static const struct {
		const char *code, *ja;
	} words[] = {
		{ "conforms", "適合" },
		{ "minor", "軽微な不適合" },
		{ "major", "重大な不適合" },
		{ "observation", "観察事項" },
		{ "not_audited", "監査対象外" },
		{ "planned", "計画" },
		{ "in_progress", "実施中" },
		{ "reported", "報告済み" },
		{ "closed", "完了" },
		{ "cancelled", "中止" },
		{ "responded", "回答済み" },
		{ "jisq15001", "JIS Q 15001:2023" },
		{ "iso27001", "ISO/IEC 27001:2022" },
		{ "annex_a", "ISO/IEC 27001:2022 附属書A（適用宣言書）" },
		{ "own", "社内規程" },
		{ "custom", "追加項目" },
		{ "open", "未着手" },
		{ "done", "完了（有効性確認待ち）" },
		{ "effective", "有効" },
		{ "not_effective", "有効でない" },
	};
	for (size_t i = 0; code && i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].code, code))
			return words[i].ja;
	return code ? code : "";
}

const char *audit_finding_word(const char *code)
{
	return ia_word(code);
}

const char *audit_report_title(void)
{
	return "内部監査報告書";
}

json_t *audit_report_json(struct db *db, int64_t id)
{
	json_t *a = audit_plain(db, id), *items = NULL, *findings = NULL;
	if (!a)
		return NULL;
	if (!(items = items_list(db, id)) || !(findings = findings_list(db, id))) {
		json_decref(a);
		json_decref(items);
		return NULL;
	}
	json_t *results = json_object(), *it;
	size_t i;
	for (const char *const *r = audit_results; *r; r++)
		json_object_set_new(results, *r, json_integer(0));
	json_object_set_new(results, "unchecked", json_integer(0));
	json_array_foreach(items, i, it)
	{
		const char *res = json_string_value(json_object_get(it, "result"));
		const char *key = res ? res : "unchecked";
		json_object_set_new(
			results, key,
			json_integer(json_integer_value(json_object_get(results, key)) + 1));
	}
	char now[21];
	time_rfc3339(now_unix(), now);
	return json_pack("{s:o,s:o,s:o,s:o,s:s}", "audit", a, "items", items, "findings", findings,
			 "results", results, "generated_at", now);
}

static const char *jtext(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *name_of(json_t *o)
{
	return json_is_object(o) ? jtext(o, "name") : "";
}

/* "2026-04-01" from an RFC 3339 instant, in the organisation's zone. */
static void local_date(const char *rfc, char out[11])
{
	int64_t t;
	out[0] = '\0';
	if (!rfc || time_parse_rfc3339(rfc, &t))
		return;
	date_from_days((t + tz_offset(t)) / 86400, out);
}

void audit_report_pdf(struct pdf *p, json_t *r)
{
	json_t *a = json_object_get(r, "audit"), *v;
	struct buf b = BUF_INIT;
	size_t i;
	char d[11];

	pdf_heading(p, "1. 監査の概要");
	pdf_field(p, "監査名", jtext(a, "title"));
	json_t *prog = json_object_get(a, "programme");
	buf_printf(&b, "%lld年度 %s", (long long)json_integer_value(json_object_get(prog, "year")),
		   jtext(prog, "title"));
	pdf_field(p, "年間監査計画", b.buf);
	buf_reset(&b);
	json_array_foreach(json_object_get(a, "departments"), i, v)
	{
		buf_printf(&b, "%s%s", i ? "、" : "", jtext(v, "name"));
	}
	pdf_field(p, "対象部署", b.buf);
	pdf_field(p, "監査の範囲", jtext(a, "scope"));
	buf_reset(&b);
	json_array_foreach(json_object_get(a, "req_sets"), i, v)
	{
		buf_printf(&b, "%s%s", i ? "、" : "", ia_word(json_string_value(v)));
	}
	pdf_field(p, "監査基準", b.buf);
	buf_reset(&b);
	buf_printf(&b, "%s 〜 %s", jtext(a, "starts_on"), jtext(a, "ends_on"));
	pdf_field(p, "実施期間", b.buf);
	pdf_field(p, "監査責任者（リーダー）", name_of(json_object_get(a, "lead")));
	buf_reset(&b);
	json_array_foreach(json_object_get(a, "auditors"), i, v)
	{
		buf_printf(&b, "%s%s", i ? "、" : "", jtext(v, "name"));
	}
	pdf_field(p, "監査員", b.buf);
	pdf_field(p, "状態", ia_word(jtext(a, "status")));
	local_date(json_string_value(json_object_get(a, "reported_at")), d);
	pdf_field(p, "報告日", d);
	pdf_field(p, "報告者", name_of(json_object_get(a, "reported_by")));

	pdf_heading(p, "2. 総括");
	pdf_text(p, *jtext(a, "summary") ? jtext(a, "summary") : "（未記入）");

	pdf_heading(p, "3. チェックリストの結果");
	json_t *res = json_object_get(r, "results");
	static const struct pdf_column count_cols[] = {
		{ "適合", 1, true },     { "軽微な不適合", 1, true }, { "重大な不適合", 1, true },
		{ "観察事項", 1, true }, { "監査対象外", 1, true },   { "未確認", 1, true },
	};
	char n[6][24];
	const char *keys[] = { "conforms",    "minor",       "major",
			       "observation", "not_audited", "unchecked" };
	const char *cells[6];
	for (size_t k = 0; k < 6; k++) {
		snprintf(n[k], sizeof(n[k]), "%lld",
			 (long long)json_integer_value(json_object_get(res, keys[k])));
		cells[k] = n[k];
	}
	pdf_table_begin(p, count_cols, 6);
	pdf_table_row(p, cells);
	pdf_table_end(p);
	static const struct pdf_column item_cols[] = {
		{ "番号", 0.8, false }, { "要求事項", 3, false },     { "部署", 1.2, false },
		{ "結果", 1.1, false }, { "確認した証跡", 3, false }, { "備考", 2, false },
	};
	const char *set = NULL;
	json_array_foreach(json_object_get(r, "items"), i, v)
	{
		/* One table per requirement set, under its name. */
		if (!set || strcmp(set, jtext(v, "set"))) {
			if (set)
				pdf_table_end(p);
			set = jtext(v, "set");
			pdf_subheading(p, ia_word(set));
			pdf_table_begin(p, item_cols, 6);
		}
		const char *row[6] = { jtext(v, "code"),
				       jtext(v, "title_ja"),
				       name_of(json_object_get(v, "department")),
				       ia_word(json_string_value(json_object_get(v, "result"))),
				       jtext(v, "evidence"),
				       jtext(v, "note") };
		pdf_table_row(p, row);
	}
	if (set)
		pdf_table_end(p);

	pdf_heading(p, "4. 指摘事項と是正処置");
	json_t *findings = json_object_get(r, "findings");
	if (!json_array_size(findings))
		pdf_text(p, "指摘事項はありません。");
	static const struct pdf_column fcols[] = {
		{ "No.", 0.5, true },         { "区分", 1.1, false },
		{ "部署", 1.1, false },       { "要求事項", 1, false },
		{ "指摘の内容", 3, false },   { "是正処置", 1.6, false },
		{ "部門の回答", 2.6, false },
	};
	if (json_array_size(findings))
		pdf_table_begin(p, fcols, 7);
	json_array_foreach(findings, i, v)
	{
		char no[24];
		struct buf act = BUF_INIT, resp = BUF_INIT;
		snprintf(no, sizeof(no), "%zu", i + 1);
		json_t *ac = json_object_get(v, "action");
		if (json_is_object(ac))
			buf_printf(&act, "#%lld %s\n期限 %s\n担当 %s",
				   (long long)json_integer_value(json_object_get(ac, "id")),
				   ia_word(jtext(ac, "status")), jtext(ac, "due_on"),
				   name_of(json_object_get(ac, "owner")));
		else
			buf_adds(&act, "—");
		if (!strcmp(jtext(v, "status"), "responded"))
			buf_printf(&resp, "原因: %s\n対策: %s\n（%s）", jtext(v, "response_cause"),
				   jtext(v, "response_plan"),
				   name_of(json_object_get(v, "responded_by")));
		else
			buf_adds(&resp, "未回答");
		const char *row[7] = { no,
				       ia_word(jtext(v, "grade")),
				       jtext(json_object_get(v, "department"), "name"),
				       *jtext(v, "requirement") ? jtext(v, "requirement")
								: jtext(v, "item_code"),
				       jtext(v, "statement"),
				       act.buf,
				       resp.buf };
		pdf_table_row(p, row);
		buf_release(&act);
		buf_release(&resp);
	}
	if (json_array_size(findings))
		pdf_table_end(p);
	buf_release(&b);
}

/* --- figures for the review and the evidence pack ------------------------------------------ */

json_t *audits_in_period(struct db *db, const char *from, const char *to)
{
	json_t *ids = ia_ids(db,
			     "SELECT id FROM internal_audits WHERE starts_on <= ? AND ends_on >= ? "
			     "AND status <> 'cancelled' ORDER BY starts_on, id",
			     P(V_TEXT(to), V_TEXT(from)));
	if (!ids)
		return NULL;
	json_t *out = json_array(), *v;
	size_t i;
	json_array_foreach(ids, i, v)
	{
		json_t *a = audit_plain(db, json_integer_value(v));
		if (!a) {
			json_decref(out);
			out = NULL;
			break;
		}
		json_array_append_new(out, a);
	}
	json_decref(ids);
	return out;
}

json_t *findings_summary(struct db *db, const char *from, const char *to)
{
	struct dbrows r;
	json_t *out = NULL;
	if (db_query(db, &r,
		     "SELECT COUNT(DISTINCT a.id), COUNT(f.id), "
		     "COALESCE(SUM(CASE WHEN f.grade = 'major' THEN 1 ELSE 0 END), 0), "
		     "COALESCE(SUM(CASE WHEN f.grade = 'minor' THEN 1 ELSE 0 END), 0), "
		     "COALESCE(SUM(CASE WHEN f.grade = 'observation' THEN 1 ELSE 0 END), 0), "
		     "COALESCE(SUM(CASE WHEN f.status = 'open' THEN 1 ELSE 0 END), 0), "
		     "COALESCE(SUM(CASE WHEN x.status IN ('open', 'in_progress') THEN 1 ELSE 0 "
		     "END), "
		     "0) "
		     "FROM internal_audits a LEFT JOIN internal_audit_findings f ON f.audit_id = "
		     "a.id LEFT JOIN actions x ON x.id = f.action_id WHERE a.starts_on <= ? AND "
		     "a.ends_on >= ? AND a.status <> 'cancelled'",
		     P(V_TEXT(to), V_TEXT(from))))
		return NULL;
	if (db_next(&r))
		out = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "audits",
				(json_int_t)db_int(&r, 0), "findings", (json_int_t)db_int(&r, 1),
				"major", (json_int_t)db_int(&r, 2), "minor",
				(json_int_t)db_int(&r, 3), "observation", (json_int_t)db_int(&r, 4),
				"unanswered", (json_int_t)db_int(&r, 5), "actions_open",
				(json_int_t)db_int(&r, 6));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !out) {
		json_decref(out);
		return NULL;
	}
	if (db_query(db, &r,
		     "SELECT d.id, d.name, "
		     "SUM(CASE WHEN f.grade = 'major' THEN 1 ELSE 0 END), "
		     "SUM(CASE WHEN f.grade = 'minor' THEN 1 ELSE 0 END), "
		     "SUM(CASE WHEN f.grade = 'observation' THEN 1 ELSE 0 END) "
		     "FROM internal_audit_findings f JOIN internal_audits a ON a.id = f.audit_id "
		     "JOIN departments d ON d.id = f.department_id WHERE a.starts_on <= ? AND "
		     "a.ends_on >= ? AND a.status <> 'cancelled' GROUP BY d.id, d.name ORDER BY "
		     "d.name",
		     P(V_TEXT(to), V_TEXT(from)))) {
		json_decref(out);
		return NULL;
	}
	json_t *by = json_array();
	while (db_next(&r))
		json_array_append_new(by,
				      json_pack("{s:I,s:s,s:I,s:I,s:I}", "department_id",
						(json_int_t)db_int(&r, 0), "department_name",
						db_text(&r, 1), "major", (json_int_t)db_int(&r, 2),
						"minor", (json_int_t)db_int(&r, 3), "observation",
						(json_int_t)db_int(&r, 4)));
	failed = r.failed;
	db_rows_free(&r);
	json_object_set_new(out, "by_department", by);
	if (failed) {
		json_decref(out);
		return NULL;
	}
	return out;
}
