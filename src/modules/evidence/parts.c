/* parts.c — the parts of the evidence pack: what each holds, where it comes from, how it is
 * printed. The registers' .xlsx files are the registers' own exports; the other parts are
 * tables built here from the modules' functions and written with lib/xlsx.c. */
#include <string.h>

#include "internal.h"
#include "../assets/assets.h"
#include "../internal_audit/internal_audit.h"
#include "../pinfo/pinfo.h"
#include "../reviews/reviews.h"
#include "../risks/risks.h"
#include "../training/training.h"
#include "../../http/export.h"
#include "../../lib/timeutil.h"
#include "../../lib/xlsx.h"

/* --- tables -------------------------------------------------------------------------------- */

/* A column of a PDF table drawn from API objects: the object's field, and the words for its
 * codes (codes and words NULL-terminated alike), or NULL. */
struct pcol {
	const char *header;
	const char *key;
	double width;
	const char *const *codes;
	const char *const *words;
};

static const char *word_of(const struct pcol *c, const char *code)
{
	for (size_t i = 0; code && c->codes && c->codes[i]; i++)
		if (!strcmp(c->codes[i], code))
			return c->words[i];
	return code;
}

/* One cell of an object as JSON: strings through the column's words, booleans as はい/いいえ,
 * arrays joined with spaces. */
static json_t *cell_of(const struct pcol *c, json_t *item)
{
	json_t *v = json_object_get(item, c->key);
	if (json_is_string(v))
		return json_string(word_of(c, json_string_value(v)));
	if (json_is_integer(v))
		return json_integer(json_integer_value(v));
	if (json_is_boolean(v))
		return json_string(json_is_true(v) ? "はい" : "いいえ");
	if (json_is_array(v)) {
		struct buf b = BUF_INIT;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			if (i)
				buf_addch(&b, ' ');
			if (json_is_integer(e))
				buf_printf(&b, "%lld", (long long)json_integer_value(e));
			else if (json_is_string(e))
				buf_adds(&b, json_string_value(e));
		}
		json_t *s = json_string(b.buf);
		buf_release(&b);
		return s;
	}
	if (json_is_object(v) && json_is_string(json_object_get(v, "ja")))
		return json_incref(json_object_get(v, "ja"));
	return json_null();
}

/* {"headers": [...], "widths": [...], "rows": [[...]...]} of `items` by `cols`. */
static json_t *table_of(const struct pcol *cols, size_t n, json_t *items)
{
	json_t *headers = json_array(), *widths = json_array(), *rows = json_array(), *it;
	size_t i;
	for (size_t k = 0; k < n; k++) {
		json_array_append_new(headers, json_string(cols[k].header));
		json_array_append_new(widths, json_real(cols[k].width));
	}
	json_array_foreach(items, i, it)
	{
		json_t *row = json_array();
		for (size_t k = 0; k < n; k++)
			json_array_append_new(row, cell_of(&cols[k], it));
		json_array_append_new(rows, row);
	}
	return json_pack("{s:o,s:o,s:o}", "headers", headers, "widths", widths, "rows", rows);
}

static void draw_table(struct pdf *p, json_t *t)
{
	double widths[32];
	size_t i, n = json_array_size(json_object_get(t, "headers"));
	if (json_array_size(json_object_get(t, "rows")) == 0) {
		pdf_text(p, "該当する記録はありません。");
		return;
	}
	for (i = 0; i < n && i < 32; i++)
		widths[i] = json_real_value(json_array_get(json_object_get(t, "widths"), i));
	pdf_table_json(p, json_object_get(t, "headers"), json_object_get(t, "rows"), widths);
}

/* A register's own .xlsx export (with its audit event) as the part's file. */
static int register_xlsx(enum status st, struct export *x, struct part_out *o)
{
	if (st != ST_OK || !x->file.data) {
		free(x->file.data);
		return -1;
	}
	o->xlsx = x->file.data;
	o->xlsx_len = x->file.len;
	return 0;
}

/* A part whose .xlsx and PDF are the same table. */
static int table_part(const struct part_ctx *c, struct part_out *o, const char *sheet,
		      json_t *table)
{
	if (!c->pdf_only && xlsx_table(sheet, json_object_get(table, "headers"),
				       json_object_get(table, "rows"), &o->xlsx, &o->xlsx_len)) {
		json_decref(table);
		return -1;
	}
	o->draw = draw_table;
	o->data = table;
	if (!o->figures)
		o->figures = json_pack("{s:I}", "rows",
				       (json_int_t)json_array_size(json_object_get(table, "rows")));
	return 0;
}

/* --- 1. the personal information register and its risk analysis ---------------------------- */

static const struct pcol pinfo_cols[] = {
	{ "台帳名", "name", 1.6 },
	{ "管理部署", "department_name", 1 },
	{ "個人情報の項目", "items", 1.8 },
	{ "利用目的", "purpose", 1.8 },
	{ "保管場所", "storage_location", 1.2 },
	{ "保管方法", "storage_method", 1.2 },
	{ "アクセス権を有する者", "access", 1.2 },
	{ "利用期限", "use_until", 1 },
	{ "保管期限", "retention_until", 1 },
	{ "件数", "record_count", 0.7 },
	{ "要配慮", "sensitive", 0.6 },
	{ "次回見直し", "review_due", 0.9 },
};

static const char *const stages[] = { "acquire", "transfer", "use", "store", "dispose", NULL };
static const char *const stages_ja[] = { "取得・入力",         "移送・送信", "利用・加工",
					 "保管・バックアップ", "消去・廃棄", NULL };

static void draw_pinfo(struct pdf *p, json_t *d)
{
	pdf_subheading(p, "台帳（JIS Q 15001 が求める項目）");
	draw_table(p, json_object_get(d, "register"));
	pdf_subheading(p, "ライフサイクルのリスク分析");
	draw_table(p, json_object_get(d, "lifecycle"));
}

static int part_pinfo(const struct part_ctx *c, struct part_out *o)
{
	struct pinfo_filter f = { .sensitive = -1 };
	struct export x = { .fmt = EXPORT_XLSX };
	json_t *items, *it;
	int64_t next;
	size_t i;
	if (!c->pdf_only && register_xlsx(pinfo_export(c->db, c->who, c->scope, &f, &x), &x, o))
		return -1;
	if (pinfo_list(c->db, c->scope, &f, 0, 0, &items, &next))
		return -1;
	json_t *life = json_array();
	int64_t sensitive = 0, overdue = 0;
	char today[11];
	tz_today(today);
	json_array_foreach(items, i, it)
	{
		if (json_is_true(json_object_get(it, "sensitive")))
			sensitive++;
		const char *due = json_string_value(json_object_get(it, "review_due"));
		if (due && strcmp(due, today) < 0)
			overdue++;
		for (size_t s = 0; stages[s]; s++) {
			char rk[40], ck[40];
			snprintf(rk, sizeof(rk), "lc_%s_risks", stages[s]);
			snprintf(ck, sizeof(ck), "lc_%s_controls", stages[s]);
			json_array_append_new(life, json_pack("{s:O,s:s,s:O,s:O}", "name",
							      json_object_get(it, "name"), "stage",
							      stages_ja[s], "risks",
							      json_object_get(it, rk), "controls",
							      json_object_get(it, ck)));
		}
	}
	static const struct pcol lcols[] = {
		{ "台帳名", "name", 1.5 },
		{ "局面", "stage", 1 },
		{ "リスク", "risks", 3 },
		{ "対策", "controls", 3 },
	};
	o->data = json_pack("{s:o,s:o}", "register",
			    table_of(pinfo_cols, ARRAY_SIZE(pinfo_cols), items), "lifecycle",
			    table_of(lcols, ARRAY_SIZE(lcols), life));
	o->figures =
		json_pack("{s:I,s:I,s:I}", "rows", (json_int_t)json_array_size(items), "sensitive",
			  (json_int_t)sensitive, "review_overdue", (json_int_t)overdue);
	o->draw = draw_pinfo;
	o->landscape = true;
	json_decref(items);
	json_decref(life);
	return 0;
}

/* --- 2. the asset register ----------------------------------------------------------------- */

static const char *const asset_types[] = { "data",  "paper",  "software", "hardware",
					   "cloud", "people", NULL };
static const char *const asset_types_ja[] = {
	"電子データ",   "紙文書", "ソフトウェア", "ハードウェア", "クラウドサービス",
	"人・サービス", NULL
};

static int part_assets(const struct part_ctx *c, struct part_out *o)
{
	struct asset_filter f = { .has_pinfo = -1 };
	struct export x = { .fmt = EXPORT_XLSX };
	json_t *items;
	int64_t next;
	static const struct pcol cols[] = {
		{ "資産名", "name", 2 },
		{ "種別", "asset_type", 1, asset_types, asset_types_ja },
		{ "管理部署", "department_name", 1.1 },
		{ "管理者", "custodian", 1 },
		{ "保管場所", "location", 1.3 },
		{ "機密区分", "classification_label", 0.9 },
		{ "C", "c", 0.35 },
		{ "I", "i", 0.35 },
		{ "A", "a", 0.35 },
		{ "資産価値", "value", 0.6 },
		{ "個人情報", "has_pinfo", 0.6 },
		{ "次回見直し", "review_due", 0.9 },
	};
	if (!c->pdf_only && register_xlsx(assets_export(c->db, c->who, c->scope, &f, &x), &x, o))
		return -1;
	if (assets_list(c->db, c->scope, &f, 0, 0, &items, &next))
		return -1;
	o->data = table_of(cols, ARRAY_SIZE(cols), items);
	o->figures = json_pack("{s:I}", "rows", (json_int_t)json_array_size(items));
	o->draw = draw_table;
	o->landscape = true;
	json_decref(items);
	return 0;
}

/* --- 3. the risk assessment ---------------------------------------------------------------- */

static const char *const treatments[] = { "reduce", "avoid", "transfer", "accept", NULL };
static const char *const treatments_ja[] = { "低減", "回避", "移転", "受容", NULL };
static const char *const bands[] = { "low", "medium", "high", NULL };
static const char *const bands_ja[] = { "低", "中", "高", NULL };

static void draw_heat(struct pdf *p, json_t *h, const char *title)
{
	int scale = (int)json_integer_value(json_object_get(h, "scale"));
	if (scale < 1 || scale > 5)
		return;
	json_t *headers = json_array(), *rows = json_array(), *v;
	json_array_append_new(headers, json_string("起こりやすさ＼影響"));
	for (int i = 1; i <= scale; i++) {
		char n[16];
		snprintf(n, sizeof(n), "%d", i);
		json_array_append_new(headers, json_string(n));
	}
	for (int l = scale; l >= 1; l--) {
		json_t *row = json_array();
		json_array_append_new(row, json_integer(l));
		for (int m = 1; m <= scale; m++) {
			json_int_t count = 0;
			size_t i;
			json_array_foreach(json_object_get(h, "cells"), i, v)
			{
				if (json_integer_value(json_object_get(v, "likelihood")) == l &&
				    json_integer_value(json_object_get(v, "impact")) == m)
					count = json_integer_value(json_object_get(v, "count"));
			}
			json_array_append_new(row, json_integer(count));
		}
		json_array_append_new(rows, row);
	}
	pdf_subheading(p, title);
	pdf_table_json(p, headers, rows, NULL);
	json_decref(headers);
	json_decref(rows);
}

static void draw_risks(struct pdf *p, json_t *d)
{
	draw_heat(p, json_object_get(d, "heatmap"), "ヒートマップ（評価時）");
	draw_heat(p, json_object_get(d, "residual"), "ヒートマップ（対応後の残留リスク）");
	pdf_subheading(p, "リスク一覧");
	draw_table(p, json_object_get(d, "table"));
}

static int part_risks(const struct part_ctx *c, struct part_out *o)
{
	struct risk_filter f = { .accepted = -1 };
	struct export x = { .fmt = EXPORT_XLSX };
	json_t *items;
	int64_t next;
	static const struct pcol cols[] = {
		{ "対象", "target_name", 1.4 },
		{ "部署", "department_name", 1 },
		{ "脅威", "threat", 1.4 },
		{ "脆弱性", "vulnerability", 1.4 },
		{ "可能性", "likelihood", 0.5 },
		{ "影響", "impact", 0.5 },
		{ "リスク値", "level", 0.55 },
		{ "レベル", "band", 0.5, bands, bands_ja },
		{ "対応", "treatment", 0.5, treatments, treatments_ja },
		{ "対策", "measures", 1.8 },
		{ "管理策", "control_numbers", 0.8 },
		{ "残留", "residual_level", 0.5 },
		{ "所有者", "owner_name", 0.9 },
		{ "受容者", "accepted_by_name", 0.9 },
	};
	if (!c->pdf_only && register_xlsx(risks_export(c->db, c->who, c->scope, &f, &x), &x, o))
		return -1;
	if (risks_list(c->db, c->scope, &f, 0, 0, &items, &next))
		return -1;
	json_t *heat = risks_heatmap(c->db, c->scope, false);
	json_t *residual = heat ? risks_heatmap(c->db, c->scope, true) : NULL;
	if (!residual) {
		json_decref(heat);
		json_decref(items);
		return -1;
	}
	o->data = json_pack("{s:o,s:o,s:o}", "table", table_of(cols, ARRAY_SIZE(cols), items),
			    "heatmap", heat, "residual", residual);
	o->figures = json_pack("{s:I}", "rows", (json_int_t)json_array_size(items));
	o->draw = draw_risks;
	o->landscape = true;
	json_decref(items);
	return 0;
}

/* --- 4. the Statement of Applicability ----------------------------------------------------- */

static const char *const soa_statuses[] = { "not_started", "planned", "partial", "implemented",
					    NULL };
static const char *const soa_statuses_ja[] = { "未着手", "計画済み", "一部実施", "実施済み", NULL };

static int part_soa(const struct part_ctx *c, struct part_out *o)
{
	static const struct pcol cols[] = {
		{ "番号", "number", 0.5 },
		{ "管理策", "title_ja", 2 },
		{ "適用", "applicable", 0.45 },
		{ "適用・除外の理由", "justification", 2.2 },
		{ "実施状況", "status", 0.7, soa_statuses, soa_statuses_ja },
		{ "根拠・証跡", "evidence", 2 },
	};
	struct export x = { .fmt = EXPORT_XLSX };
	if (!c->pdf_only && register_xlsx(soa_export(c->db, c->who, c->scope, 0, &x), &x, o))
		return -1;
	json_t *items = soa_list(c->db, c->scope), *it;
	if (!items)
		return -1;
	int64_t applicable = 0, implemented = 0;
	size_t i;
	json_array_foreach(items, i, it)
	{
		if (json_is_true(json_object_get(it, "applicable")))
			applicable++;
		const char *st = json_string_value(json_object_get(it, "status"));
		if (st && !strcmp(st, "implemented"))
			implemented++;
	}
	o->data = table_of(cols, ARRAY_SIZE(cols), items);
	o->figures =
		json_pack("{s:I,s:I,s:I}", "rows", (json_int_t)json_array_size(items), "applicable",
			  (json_int_t)applicable, "implemented", (json_int_t)implemented);
	o->draw = draw_table;
	json_decref(items);
	return 0;
}

/* --- 5. the training plan ------------------------------------------------------------------ */

static int part_training_plan(const struct part_ctx *c, struct part_out *o)
{
	json_t *items = assignment_list(c->db, 0), *it;
	if (!items)
		return -1;
	json_t *headers = json_pack("[s,s,s,s,s,s,s,s,s]", "講座", "対象", "開始日", "期限",
				    "繰り返し", "状態", "今期の対象者", "修了", "期限超過");
	json_t *rows = json_array();
	size_t i;
	json_array_foreach(items, i, it)
	{
		struct buf who = BUF_INIT;
		size_t k;
		json_t *t;
		json_array_foreach(json_object_get(it, "targets"), k, t)
		{
			const char *kind = json_string_value(json_object_get(t, "kind"));
			const char *label = json_string_value(json_object_get(t, "label"));
			buf_printf(&who, "%s%s", k ? "、" : "",
				   !strcmp(kind, "all") ? "全員"
				   : label              ? label
					   : json_string_value(json_object_get(t, "target")));
		}
		json_array_append_new(
			rows,
			json_pack("[O,s,O,O,s,s,O,O,O]",
				  json_object_get(json_object_get(it, "course_title"), "ja"),
				  who.buf, json_object_get(it, "starts_on"),
				  json_object_get(it, "due_date"),
				  strcmp(json_string_value(json_object_get(it, "recurrence")),
					 "yearly")
					  ? "1回"
					  : "毎年",
				  json_is_true(json_object_get(it, "active")) ? "実施中" : "停止",
				  json_object_get(it, "assigned"), json_object_get(it, "completed"),
				  json_object_get(it, "overdue")));
		buf_release(&who);
	}
	json_decref(items);
	static const double widths[] = { 2.2, 2, 0.9, 0.9, 0.6, 0.6, 0.7, 0.6, 0.6 };
	json_t *w = json_array();
	for (size_t k = 0; k < ARRAY_SIZE(widths); k++)
		json_array_append_new(w, json_real(widths[k]));
	return table_part(
		c, o, "教育計画",
		json_pack("{s:o,s:o,s:o}", "headers", headers, "widths", w, "rows", rows));
}

/* --- 6. training rosters and test results -------------------------------------------------- */

static const char *const employment[] = { "regular",   "contract",   "dispatched",
					  "part_time", "contractor", NULL };
static const char *const employment_ja[] = { "正社員",       "契約社員",
					     "派遣社員",     "パート・アルバイト",
					     "委託先従業者", NULL };
static const char *const duty_states[] = { "completed", "overdue", "pending", NULL };
static const char *const duty_states_ja[] = { "修了", "期限超過", "未修了", NULL };

static int part_roster(const struct part_ctx *c, struct part_out *o)
{
	struct roster_filter period = { .due_from = c->from, .due_to = c->to };
	const struct roster_filter *f = c->roster ? c->roster : &period;
	json_t *items = roster_rows(c->db, f), *it;
	json_t *summary = items ? roster_summary(c->db, f) : NULL;
	if (!summary) {
		json_decref(items);
		return -1;
	}
	json_t *flat = json_array();
	size_t i;
	json_array_foreach(items, i, it)
	{
		json_t *u = json_object_get(it, "user");
		const char *done = json_string_value(json_object_get(it, "completed_at"));
		char day[11] = "";
		int64_t t;
		if (done && !time_parse_rfc3339(done, &t))
			date_from_days((t + tz_offset(t)) / 86400, day);
		json_array_append_new(flat,
				      json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:s,s:O,s:O,s:O}",
						"name", json_object_get(u, "name"), "login",
						json_object_get(u, "login"), "department",
						json_object_get(u, "department_name"), "employment",
						json_object_get(u, "employment_type"), "course",
						json_object_get(it, "course_title"), "due",
						json_object_get(it, "due_date"), "status",
						json_object_get(it, "status"), "completed", day,
						"score", json_object_get(it, "score_percent"),
						"best", json_object_get(it, "best_score"),
						"attempts", json_object_get(it, "attempts")));
	}
	static const struct pcol cols[] = {
		{ "氏名", "name", 1.2 },
		{ "ログインID", "login", 1 },
		{ "部署", "department", 1.1 },
		{ "雇用形態", "employment", 0.9, employment, employment_ja },
		{ "講座", "course", 2 },
		{ "期限", "due", 0.8 },
		{ "状態", "status", 0.7, duty_states, duty_states_ja },
		{ "修了日", "completed", 0.8 },
		{ "合格点数", "score", 0.6 },
		{ "最高点", "best", 0.5 },
		{ "受験回数", "attempts", 0.5 },
	};
	json_t *total = json_object_get(summary, "total");
	o->figures = json_pack("{s:I,s:O,s:O,s:O,s:O}", "rows", (json_int_t)json_array_size(flat),
			       "assigned", json_object_get(total, "assigned"), "completed",
			       json_object_get(total, "completed"), "overdue",
			       json_object_get(total, "overdue"), "percent",
			       json_object_get(total, "percent"));
	json_decref(summary);
	json_decref(items);
	int rc = table_part(c, o, "受講者名簿", table_of(cols, ARRAY_SIZE(cols), flat));
	json_decref(flat);
	o->landscape = true;
	return rc;
}

/* --- 7. internal audit reports ------------------------------------------------------------- */

static void draw_audits(struct pdf *p, json_t *d)
{
	size_t i;
	json_t *r;
	if (!json_array_size(json_object_get(d, "reports")))
		pdf_text(p, "この期間に実施した内部監査はありません。");
	json_array_foreach(json_object_get(d, "reports"), i, r)
	{
		if (i)
			pdf_page_break(p);
		json_t *a = json_object_get(r, "audit");
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s（%s 〜 %s）", json_string_value(json_object_get(a, "title")),
			   json_string_value(json_object_get(a, "starts_on")),
			   json_string_value(json_object_get(a, "ends_on")));
		pdf_heading(p, b.buf);
		buf_release(&b);
		audit_report_pdf(p, r);
	}
}

static int part_audits(const struct part_ctx *c, struct part_out *o)
{
	json_t *audits = audits_in_period(c->db, c->from, c->to), *a, *f;
	if (!audits)
		return -1;
	json_t *reports = json_array();
	json_t *headers = json_pack("[s,s,s,s,s,s,s,s,s,s]", "監査", "実施期間", "部署", "区分",
				    "要求事項", "指摘の内容", "是正処置", "処置の状態",
				    "部門の回答（原因）", "部門の回答（対策）");
	json_t *rows = json_array();
	size_t i, k;
	int rc = 0;
	json_array_foreach(audits, i, a)
	{
		json_t *r = audit_report_json(c->db, json_integer_value(json_object_get(a, "id")));
		if (!r) {
			rc = -1;
			break;
		}
		json_array_foreach(json_object_get(r, "findings"), k, f)
		{
			json_t *act = json_object_get(f, "action");
			char period[32];
			snprintf(period, sizeof(period), "%s〜%s",
				 json_string_value(json_object_get(a, "starts_on")),
				 json_string_value(json_object_get(a, "ends_on")));
			json_array_append_new(
				rows,
				json_pack(
					"[O,s,O,s,O,O,o,o,O,O]", json_object_get(a, "title"),
					period,
					json_object_get(json_object_get(f, "department"), "name"),
					audit_finding_word(
						json_string_value(json_object_get(f, "grade"))),
					json_object_get(f, "requirement"),
					json_object_get(f, "statement"),
					json_is_object(act)
						? json_incref(json_object_get(act, "id"))
						: json_null(),
					json_is_object(act)
						? json_string(audit_finding_word(json_string_value(
							  json_object_get(act, "status"))))
						: json_null(),
					json_object_get(f, "response_cause"),
					json_object_get(f, "response_plan")));
		}
		json_array_append_new(reports, r);
	}
	json_t *sum = rc ? NULL : findings_summary(c->db, c->from, c->to);
	json_decref(audits);
	if (!sum) {
		json_decref(reports);
		json_decref(headers);
		json_decref(rows);
		return -1;
	}
	if (xlsx_table("内部監査の指摘事項", headers, rows, &o->xlsx, &o->xlsx_len))
		rc = -1;
	json_object_set_new(sum, "rows", json_integer((json_int_t)json_array_size(rows)));
	o->figures = sum;
	o->data = json_pack("{s:o}", "reports", reports);
	o->draw = draw_audits;
	json_decref(headers);
	json_decref(rows);
	return rc;
}

/* --- 8. management review records ---------------------------------------------------------- */

static void draw_reviews(struct pdf *p, json_t *d)
{
	size_t i;
	json_t *r;
	if (!json_array_size(json_object_get(d, "reviews")))
		pdf_text(p, "この期間のマネジメントレビューはありません。");
	json_array_foreach(json_object_get(d, "reviews"), i, r)
	{
		if (i)
			pdf_page_break(p);
		pdf_heading(p, json_string_value(json_object_get(r, "title")));
		review_pdf(p, r);
	}
}

static int part_reviews(const struct part_ctx *c, struct part_out *o)
{
	json_t *reviews = reviews_in_period(c->db, c->from, c->to), *r, *d;
	if (!reviews)
		return -1;
	json_t *headers = json_pack("[s,s,s,s,s,s,s,s,s]", "レビュー", "対象期間", "実施日", "状態",
				    "種類", "内容", "担当", "期限", "是正処置");
	json_t *rows = json_array();
	size_t i, k;
	int64_t approved = 0;
	json_array_foreach(reviews, i, r)
	{
		if (!strcmp(json_string_value(json_object_get(r, "status")), "approved"))
			approved++;
		char period[32];
		snprintf(period, sizeof(period), "%s〜%s",
			 json_string_value(json_object_get(r, "period_from")),
			 json_string_value(json_object_get(r, "period_to")));
		json_array_foreach(json_object_get(r, "decisions"), k, d)
		{
			json_t *owner = json_object_get(d, "owner"),
			       *act = json_object_get(d, "action");
			json_array_append_new(
				rows,
				json_pack(
					"[O,s,O,s,s,O,o,O,o]", json_object_get(r, "title"), period,
					json_object_get(r, "held_on"),
					review_word(
						json_string_value(json_object_get(r, "status"))),
					review_word(json_string_value(json_object_get(d, "kind"))),
					json_object_get(d, "body"),
					json_is_object(owner)
						? json_incref(json_object_get(owner, "name"))
						: json_null(),
					json_object_get(d, "due_on"),
					json_is_object(act)
						? json_incref(json_object_get(act, "id"))
						: json_null()));
		}
	}
	int rc = xlsx_table("マネジメントレビュー", headers, rows, &o->xlsx, &o->xlsx_len);
	o->figures =
		json_pack("{s:I,s:I,s:I}", "rows", (json_int_t)json_array_size(reviews), "approved",
			  (json_int_t)approved, "decisions", (json_int_t)json_array_size(rows));
	o->data = json_pack("{s:o}", "reviews", reviews);
	o->draw = draw_reviews;
	json_decref(headers);
	json_decref(rows);
	return rc;
}

/* --- 9. incidents and near-misses ---------------------------------------------------------- */

static const char *const kinds[] = { "incident", "near_miss", NULL };
static const char *const kinds_ja[] = { "事故・事件", "ヒヤリハット", NULL };
static const char *const categories[] = { "service_stop",   "malfunction", "missend",
					  "rule_violation", "loss",        "tampering",
					  "virus",          "pc_abnormal", "complaint",
					  "other",          NULL };
static const char *const categories_ja[] = { "サービス・設備の停止",
					     "システムの誤動作",
					     "誤送付・誤送信",
					     "ルール違反",
					     "紛失・盗難・破損",
					     "改ざん・破壊",
					     "ウイルス感染",
					     "PCの異常",
					     "苦情・外部からの指摘",
					     "その他",
					     NULL };
static const char *const incident_states[] = { "reported", "triage", "containment", "investigation",
					       "action",   "closed", NULL };
static const char *const incident_states_ja[] = { "報告済み", "初期評価", "封じ込め", "調査",
						  "是正処置", "完了",     NULL };

static int part_incidents(const struct part_ctx *c, struct part_out *o)
{
	struct dbrows r;
	if (db_query(
		    c->db, &r,
		    "SELECT i.id, i.kind, i.category, i.title, i.discovered_on, i.status, "
		    "i.severity, i.pd_involved, i.pd_count, i.ppc_mandatory, "
		    "(SELECT state FROM incident_reports x WHERE x.incident_id = i.id AND x.kind = "
		    "'ppc_final'), (SELECT state FROM incident_reports x WHERE x.incident_id = "
		    "i.id "
		    "AND x.kind = 'review_body'), i.closed_at FROM incidents i WHERE "
		    "i.discovered_on >= ? AND i.discovered_on <= ? AND i.status NOT IN "
		    "('rejected', 'duplicate') ORDER BY i.discovered_on, i.id",
		    P(V_TEXT(c->from), V_TEXT(c->to))))
		return -1;
	json_t *items = json_array();
	int64_t incidents = 0, near = 0;
	while (db_next(&r)) {
		bool is_near = !strcmp(db_text(&r, 1), "near_miss");
		is_near ? near++ : incidents++;
		char closed[11] = "";
		if (!db_isnull(&r, 12)) {
			int64_t t = db_int(&r, 12);
			date_from_days((t + tz_offset(t)) / 86400, closed);
		}
		const char *final = db_text(&r, 10), *rb = db_text(&r, 11);
		json_array_append_new(
			items,
			json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?,s:b,s:o,s:s,s:s,s:s,s:s}", "id",
				  (json_int_t)db_int(&r, 0), "kind", db_text(&r, 1), "category",
				  db_text(&r, 2), "title", db_text(&r, 3), "discovered_on",
				  db_text(&r, 4), "status", db_text(&r, 5), "severity",
				  db_text(&r, 6), "pd", db_int(&r, 7) != 0, "pd_count",
				  db_isnull(&r, 8) ? json_null() : json_integer(db_int(&r, 8)),
				  "ppc", db_int(&r, 9) ? "必要" : "不要", "ppc_final",
				  !final                      ? ""
				  : !strcmp(final, "done")    ? "報告済み"
				  : !strcmp(final, "pending") ? "未報告"
							      : "不要",
				  "review_body",
				  !rb                      ? ""
				  : !strcmp(rb, "done")    ? "報告済み"
				  : !strcmp(rb, "pending") ? "未報告"
							   : "不要",
				  "closed", closed));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return -1;
	}
	static const struct pcol cols[] = {
		{ "番号", "id", 0.5 },
		{ "種別", "kind", 0.9, kinds, kinds_ja },
		{ "分類", "category", 1.2, categories, categories_ja },
		{ "件名", "title", 2.6 },
		{ "発見日", "discovered_on", 0.9 },
		{ "状態", "status", 0.8, incident_states, incident_states_ja },
		{ "個人情報", "pd", 0.6 },
		{ "人数", "pd_count", 0.6 },
		{ "委員会報告", "ppc", 0.7 },
		{ "確報", "ppc_final", 0.7 },
		{ "審査機関", "review_body", 0.7 },
		{ "完了日", "closed", 0.9 },
	};
	o->figures = json_pack("{s:I,s:I,s:I}", "rows", (json_int_t)json_array_size(items),
			       "incidents", (json_int_t)incidents, "near_misses", (json_int_t)near);
	int rc = table_part(c, o, "事故・ヒヤリハット", table_of(cols, ARRAY_SIZE(cols), items));
	json_decref(items);
	o->landscape = true;
	return rc;
}

/* --- 10. corrective actions ---------------------------------------------------------------- */

static const char *const action_states[] = { "open",   "in_progress", "done",
					     "closed", "cancelled",   NULL };
static const char *const action_states_ja[] = { "未着手", "対応中", "完了（有効性確認待ち）",
						"終了",   "取消",   NULL };
static const char *const sources[] = { "incident", "finding", "checklist_answer",
				       "review",   "other",   NULL };
static const char *const sources_ja[] = { "事故・ヒヤリハット",   "内部監査の指摘", "点検",
					  "マネジメントレビュー", "その他",         NULL };
static const char *const effect[] = { "effective", "not_effective", NULL };
static const char *const effect_ja[] = { "有効", "有効でない", NULL };

/* The period's actions: opened in it, or still open at its end (work carried over). */
static int part_actions(const struct part_ctx *c, struct part_out *o)
{
	struct dbrows r;
	int64_t days = 0;
	date_days(c->from, &days);
	int64_t t0 = days * 86400 - tz_offset(days * 86400);
	char next[11];
	date_add(c->to, 1, next);
	date_days(next, &days);
	int64_t t1 = days * 86400 - tz_offset(days * 86400);
	if (db_query(
		    c->db, &r,
		    "SELECT a.id, a.kind, a.source_type, a.source_title, a.title, a.cause, a.plan, "
		    "o.name, a.due_on, a.status, a.result, a.effectiveness, a.checked_at, "
		    "a.created_at FROM actions a JOIN users o ON o.id = a.owner_id WHERE "
		    "(a.created_at >= ? AND a.created_at < ?) OR (a.created_at < ? AND a.status IN "
		    "('open', 'in_progress', 'done')) ORDER BY a.id",
		    P(V_INT(t0), V_INT(t1), V_INT(t0))))
		return -1;
	json_t *items = json_array();
	char today[11];
	tz_today(today);
	int64_t open = 0, overdue = 0, effective = 0;
	while (db_next(&r)) {
		const char *st = db_text(&r, 9), *due = db_text(&r, 8);
		bool is_open = !strcmp(st, "open") || !strcmp(st, "in_progress");
		open += is_open;
		overdue += is_open && strcmp(due, today) < 0;
		effective += db_text(&r, 11) && !strcmp(db_text(&r, 11), "effective");
		char created[11], checked[11] = "";
		int64_t t = db_int(&r, 13);
		date_from_days((t + tz_offset(t)) / 86400, created);
		if (!db_isnull(&r, 12)) {
			t = db_int(&r, 12);
			date_from_days((t + tz_offset(t)) / 86400, checked);
		}
		json_array_append_new(
			items,
			json_pack(
				"{s:I,s:s,s:s,s:s?,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s,s:s,s:s}",
				"id", (json_int_t)db_int(&r, 0), "kind",
				strcmp(db_text(&r, 1), "preventive") ? "是正処置" : "予防処置",
				"source", db_text(&r, 2), "source_title", db_text(&r, 3), "title",
				db_text(&r, 4), "cause", db_text(&r, 5), "plan", db_text(&r, 6),
				"owner", db_text(&r, 7), "due", due, "status", st, "result",
				db_text(&r, 10), "effectiveness", db_text(&r, 11), "checked",
				checked, "created", created, "overdue",
				is_open && strcmp(due, today) < 0 ? "期限超過" : ""));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return -1;
	}
	static const struct pcol cols[] = {
		{ "番号", "id", 0.5 },
		{ "種別", "kind", 0.7 },
		{ "起票元", "source", 1, sources, sources_ja },
		{ "件名", "title", 2.2 },
		{ "原因", "cause", 1.6 },
		{ "処置の内容", "plan", 1.6 },
		{ "担当", "owner", 0.9 },
		{ "起票日", "created", 0.8 },
		{ "期限", "due", 0.8 },
		{ "状態", "status", 0.9, action_states, action_states_ja },
		{ "期限超過", "overdue", 0.6 },
		{ "有効性", "effectiveness", 0.6, effect, effect_ja },
		{ "確認日", "checked", 0.8 },
	};
	o->figures = json_pack("{s:I,s:I,s:I,s:I}", "rows", (json_int_t)json_array_size(items),
			       "open", (json_int_t)open, "overdue", (json_int_t)overdue,
			       "effective", (json_int_t)effective);
	int rc = table_part(c, o, "是正処置", table_of(cols, ARRAY_SIZE(cols), items));
	json_decref(items);
	o->landscape = true;
	return rc;
}

/* --- 11. pledges --------------------------------------------------------------------------- */

/* Who has signed the current version of each pledge (誓約書): read from the policies module
 * once it is installed; until then the part says it is not available. */
static const char *pledge_state_ja(const char *state)
{
	return !strcmp(state, "current")    ? "提出済み（現行版）"
	       : !strcmp(state, "outdated") ? "旧版のみ提出"
					    : "未提出";
}

static int part_pledges(const struct part_ctx *c, struct part_out *o)
{
	int64_t one;
	bool installed;
	if (db_query_int(c->db, &one, &installed,
			 "SELECT 1 FROM schema_migrations WHERE version = 621 AND name = "
			 "'0621_policies'",
			 P0))
		return -1;
	json_t *items = json_array();
	if (installed) {
		struct dbrows r;
		if (db_query(
			    c->db, &r,
			    "SELECT u.name, u.login, d.name, u.employment_type, p.title_ja, "
			    "v.number, a.acknowledged_at, CASE WHEN a.id IS NULL THEN 'never' WHEN "
			    "a.policy_version_id = p.published_version_id THEN 'current' ELSE "
			    "'outdated' END FROM policies p JOIN users u ON u.status = 'active' "
			    "LEFT JOIN departments d ON d.id = u.department_id LEFT JOIN "
			    "pledge_acknowledgements a ON a.id = (SELECT x.id FROM "
			    "pledge_acknowledgements x WHERE x.user_id = u.id AND x.policy_id = "
			    "p.id "
			    "ORDER BY x.acknowledged_at DESC, x.id DESC LIMIT 1) LEFT JOIN "
			    "policy_versions v ON v.id = a.policy_version_id WHERE p.category = "
			    "'pledge' ORDER BY p.id, d.name, u.name, u.id",
			    P0)) {
			json_decref(items);
			return -1;
		}
		while (db_next(&r)) {
			char signed_on[11] = "";
			if (!db_isnull(&r, 6)) {
				int64_t t = db_int(&r, 6);
				date_from_days((t + tz_offset(t)) / 86400, signed_on);
			}
			json_array_append_new(
				items,
				json_pack("{s:s,s:s,s:s?,s:s,s:s,s:o,s:s,s:s,s:b}", "name",
					  db_text(&r, 0), "login", db_text(&r, 1), "department",
					  db_text(&r, 2), "employment", db_text(&r, 3), "pledge",
					  db_text(&r, 4), "version",
					  db_isnull(&r, 5) ? json_string("")
							   : json_integer(db_int(&r, 5)),
					  "signed_on", signed_on, "state",
					  pledge_state_ja(db_text(&r, 7)), "current",
					  !strcmp(db_text(&r, 7), "current")));
		}
		int failed = r.failed;
		db_rows_free(&r);
		if (failed) {
			json_decref(items);
			return -1;
		}
	}
	static const struct pcol cols[] = {
		{ "氏名", "name", 1.2 },
		{ "ログインID", "login", 1 },
		{ "部署", "department", 1.1 },
		{ "雇用形態", "employment", 0.9, employment, employment_ja },
		{ "誓約書", "pledge", 1.6 },
		{ "版", "version", 0.4 },
		{ "状態", "state", 1.1 },
		{ "提出日", "signed_on", 0.8 },
	};
	int64_t signed_count = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		signed_count += json_is_true(json_object_get(it, "current"));
	}
	o->available = installed;
	o->figures = json_pack("{s:I,s:I,s:b}", "rows", (json_int_t)json_array_size(items),
			       "signed", (json_int_t)signed_count, "available", installed);
	int rc = table_part(c, o, "誓約書の提出状況", table_of(cols, ARRAY_SIZE(cols), items));
	json_decref(items);
	return rc;
}

/* --- 12. the audit trail ------------------------------------------------------------------- */

json_t *evidence_trail(struct db *db, const char *from, const char *to)
{
	struct audit_verdict v;
	int64_t in_period = 0, days = 0;
	bool found;
	if (audit_verify(db, 0, NULL, &v))
		return NULL;
	date_days(from, &days);
	int64_t t0 = days * 86400 - tz_offset(days * 86400);
	char next[11];
	date_add(to, 1, next);
	date_days(next, &days);
	int64_t t1 = days * 86400 - tz_offset(days * 86400);
	if (db_query_int(db, &in_period, &found,
			 "SELECT COUNT(*) FROM audit_events WHERE at >= ? AND at < ?",
			 P(V_INT(t0), V_INT(t1))))
		return NULL;
	char now[21];
	time_rfc3339(now_unix(), now);
	return json_pack("{s:b,s:I,s:I,s:s,s:I,s:o,s:s}", "intact", v.intact, "events",
			 (json_int_t)v.count, "head_seq", (json_int_t)v.head_seq, "head_hash",
			 v.head_hash, "events_in_period", (json_int_t)in_period, "first_bad_seq",
			 v.intact ? json_null() : json_integer(v.bad_seq), "verified_at", now);
}

static void draw_trail(struct pdf *p, json_t *t)
{
	char n[64];
	pdf_field(p, "結果",
		  json_is_true(json_object_get(t, "intact"))
			  ? "改ざんは検出されませんでした（ハッシュチェーンは完全です）"
			  : "ハッシュチェーンに不整合があります");
	snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(json_object_get(t, "events")));
	pdf_field(p, "検証したイベント数", n);
	snprintf(n, sizeof(n), "%lld",
		 (long long)json_integer_value(json_object_get(t, "head_seq")));
	pdf_field(p, "最新イベントの番号", n);
	pdf_field(p, "最新イベントのハッシュ（BLAKE2b-256）",
		  json_string_value(json_object_get(t, "head_hash")));
	snprintf(n, sizeof(n), "%lld",
		 (long long)json_integer_value(json_object_get(t, "events_in_period")));
	pdf_field(p, "対象期間のイベント数", n);
	pdf_field(p, "検証日時", json_string_value(json_object_get(t, "verified_at")));
	pdf_note(p, "各イベントは直前のイベントのハッシュを含めて BLAKE2b-256 で連鎖しています。"
		    "このハッシュを控えておけば、後日 mamori audit verify で同じ番号まで改ざんが"
		    "ないことを確かめられます。");
}

static int part_trail(const struct part_ctx *c, struct part_out *o)
{
	json_t *t = evidence_trail(c->db, c->from, c->to);
	if (!t)
		return -1;
	json_t *headers =
		json_pack("[s,s,s,s,s,s]", "結果", "検証したイベント数", "最新イベントの番号",
			  "最新イベントのハッシュ", "対象期間のイベント数", "検証日時");
	json_t *rows =
		json_pack("[[s,O,O,O,O,O]]",
			  json_is_true(json_object_get(t, "intact")) ? "改ざんなし" : "不整合あり",
			  json_object_get(t, "events"), json_object_get(t, "head_seq"),
			  json_object_get(t, "head_hash"), json_object_get(t, "events_in_period"),
			  json_object_get(t, "verified_at"));
	int rc = xlsx_table("監査ログの検証", headers, rows, &o->xlsx, &o->xlsx_len);
	json_decref(headers);
	json_decref(rows);
	o->figures = json_deep_copy(t);
	json_object_set_new(o->figures, "rows", json_integer(1));
	o->data = t;
	o->draw = draw_trail;
	return rc;
}

/* --- the list ------------------------------------------------------------------------------ */

/* Each part's permission is the one its records are read with elsewhere: the training plan's
 * counts of who was assigned and who finished are the roster's, so training.records. */

const struct part evidence_parts[] = {
	{ "01-pinfo-register", "個人情報管理台帳とリスク分析",
	  "JIS Q 15001:2023 6.1（個人情報の特定）、6.2（リスクの分析と対応）", part_pinfo,
	  "pinfo.read" },
	{ "02-asset-register", "情報資産管理台帳",
	  "ISO/IEC 27001:2022 附属書A 5.9（情報及び関連資産の台帳）、5.12（分類）", part_assets,
	  "assets.read" },
	{ "03-risk-assessment", "リスクアセスメントとリスク対応",
	  "ISO/IEC 27001:2022 6.1.2・8.2（リスクアセスメント）、6.1.3・8.3（リスク対応）",
	  part_risks, "risks.read" },
	{ "04-statement-of-applicability", "適用宣言書",
	  "ISO/IEC 27001:2022 6.1.3 d)（適用宣言書）", part_soa, "soa.read" },
	{ "05-training-plan", "教育計画",
	  "JIS Q 15001:2023 7.2・7.3、ISO/IEC 27001:2022 7.2・7.3（力量・認識）",
	  part_training_plan, "training.records" },
	{ "06-training-roster", "受講者名簿と理解度確認の結果",
	  "JIS Q 15001:2023 7.2・7.3（教育の実施と理解度の確認の記録）", part_roster,
	  "training.records" },
	{ "07-internal-audit-reports", "内部監査報告書",
	  "JIS Q 15001:2023 9.2、ISO/IEC 27001:2022 9.2（内部監査）", part_audits,
	  "internal_audit.read" },
	{ "08-management-reviews", "マネジメントレビューの記録",
	  "JIS Q 15001:2023 9.3、ISO/IEC 27001:2022 9.3（マネジメントレビュー）", part_reviews,
	  "reviews.read" },
	{ "09-incidents", "事故・ヒヤリハット一覧",
	  "個人情報保護法第26条（漏えい等の報告）、ISO/IEC 27001:2022 附属書A 5.24〜5.28",
	  part_incidents, "incidents.read" },
	{ "10-corrective-actions", "是正処置一覧",
	  "JIS Q 15001:2023 10、ISO/IEC 27001:2022 10.2（不適合及び是正処置）", part_actions,
	  "actions.read" },
	{ "11-pledges", "誓約書の提出状況", "ISO/IEC 27001:2022 附属書A 6.6（秘密保持契約）",
	  part_pledges, "pledges.read" },
	/* The chain's verdict, its head and counts: none of the events themselves. */
	{ "12-audit-trail", "監査ログの検証結果", "ISO/IEC 27001:2022 附属書A 8.15（ログの取得）",
	  part_trail, NULL },
};

const size_t evidence_part_count = ARRAY_SIZE(evidence_parts);
