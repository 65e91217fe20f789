/* review_pdf.c — the management review's minutes (マネジメントレビュー議事録) and its inputs on
 * paper. */
#include <string.h>

#include "reviews.h"
#include "internal.h"
#include "../../lib/timeutil.h"

const char *review_word(const char *code)
{
	static const struct {
		const char *code, *ja;
	} words[] = {
		{ "draft", "作成中" },
		{ "submitted", "承認待ち" },
		{ "approved", "承認済み" },
		{ "rejected", "却下" },
		{ "sent_back", "差し戻し" },
		{ "decision", "決定事項" },
		{ "instruction", "指示事項" },
		{ "improvement", "改善の機会" },
		{ "change", "マネジメントシステムの変更" },
		{ "resource", "資源の必要性" },
		{ "regular", "正社員" },
		{ "contract", "契約社員" },
		{ "dispatched", "派遣社員" },
		{ "part_time", "パート・アルバイト" },
		{ "contractor", "委託先従業者" },
		{ "incident", "事故・ヒヤリハット" },
		{ "finding", "内部監査の指摘" },
		{ "checklist_answer", "点検" },
		{ "review", "マネジメントレビュー" },
		{ "other", "その他" },
		{ "service_stop", "サービス・設備の停止" },
		{ "malfunction", "システムの誤動作" },
		{ "missend", "誤送付・誤送信" },
		{ "rule_violation", "ルール違反" },
		{ "loss", "紛失・盗難・破損" },
		{ "tampering", "改ざん・破壊" },
		{ "virus", "ウイルス感染" },
		{ "pc_abnormal", "PCの異常" },
		{ "complaint", "苦情・外部からの指摘" },
		{ "open", "未着手" },
		{ "in_progress", "対応中" },
		{ "done", "完了（有効性確認待ち）" },
		{ "closed", "終了" },
		{ "cancelled", "取消" },
	};
	for (size_t i = 0; code && i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].code, code))
			return words[i].ja;
	return code ? code : "";
}

static const char *jtext(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* "label: n" lines as fields. */
static void count_field(struct pdf *p, const char *label, long long n, const char *unit)
{
	char v[48];
	snprintf(v, sizeof(v), "%lld%s", n, unit);
	pdf_field(p, label, v);
}

static void training_part(struct pdf *p, json_t *t)
{
	json_t *total = json_object_get(t, "total"), *v;
	char a[24], c[24], o[24], pc[24];
	size_t i;
	pdf_text(p, "期間内に期限のある受講義務の修了状況です（派遣社員・パート・委託先従業者を含み"
		    "ます）。");
	count_field(p, "対象（受講義務）", jint(total, "assigned"), "件");
	count_field(p, "修了", jint(total, "completed"), "件");
	count_field(p, "期限超過の未修了", jint(total, "overdue"), "件");
	count_field(p, "修了率", jint(total, "percent"), "%");
	static const struct pdf_column cols[] = {
		{ "部署", 3, false },    { "対象", 1, true },   { "修了", 1, true },
		{ "期限超過", 1, true }, { "修了率", 1, true },
	};
	pdf_subheading(p, "部署別");
	pdf_table_begin(p, cols, 5);
	json_array_foreach(json_object_get(t, "by_department"), i, v)
	{
		snprintf(a, sizeof(a), "%lld", jint(v, "assigned"));
		snprintf(c, sizeof(c), "%lld", jint(v, "completed"));
		snprintf(o, sizeof(o), "%lld", jint(v, "overdue"));
		snprintf(pc, sizeof(pc), "%lld%%", jint(v, "percent"));
		const char *row[] = { *jtext(v, "department_name") ? jtext(v, "department_name")
								   : "（部署なし）",
				      a, c, o, pc };
		pdf_table_row(p, row);
	}
	pdf_table_end(p);
	static const struct pdf_column tcols[] = {
		{ "雇用形態", 3, false }, { "対象", 1, true },   { "修了", 1, true },
		{ "期限超過", 1, true },  { "修了率", 1, true },
	};
	pdf_subheading(p, "雇用形態別");
	pdf_table_begin(p, tcols, 5);
	json_array_foreach(json_object_get(t, "by_employment_type"), i, v)
	{
		snprintf(a, sizeof(a), "%lld", jint(v, "assigned"));
		snprintf(c, sizeof(c), "%lld", jint(v, "completed"));
		snprintf(o, sizeof(o), "%lld", jint(v, "overdue"));
		snprintf(pc, sizeof(pc), "%lld%%", jint(v, "percent"));
		const char *row[] = { review_word(jtext(v, "employment_type")), a, c, o, pc };
		pdf_table_row(p, row);
	}
	pdf_table_end(p);
}

static void incidents_part(struct pdf *p, json_t *t)
{
	size_t i;
	json_t *v;
	count_field(p, "事故・事件", jint(t, "incidents"), "件");
	count_field(p, "ヒヤリハット", jint(t, "near_misses"), "件");
	count_field(p, "うち個人情報に関わるもの", jint(t, "personal_data"), "件");
	count_field(p, "未完了", jint(t, "open"), "件");
	count_field(p, "個人情報保護委員会への報告が必要", jint(t, "ppc_mandatory"), "件");
	count_field(p, "個人情報保護委員会へ確報済み", jint(t, "ppc_reported"), "件");
	count_field(p, "審査機関へ報告済み", jint(t, "review_body_reported"), "件");
	static const struct pdf_column cols[] = {
		{ "月", 2, false },
		{ "事故・事件", 1, true },
		{ "ヒヤリハット", 1, true },
	};
	pdf_subheading(p, "月別の推移");
	pdf_table_begin(p, cols, 3);
	json_array_foreach(json_object_get(t, "by_month"), i, v)
	{
		char a[24], b[24];
		snprintf(a, sizeof(a), "%lld", jint(v, "incidents"));
		snprintf(b, sizeof(b), "%lld", jint(v, "near_misses"));
		const char *row[] = { jtext(v, "month"), a, b };
		pdf_table_row(p, row);
	}
	pdf_table_end(p);
	if (json_array_size(json_object_get(t, "by_category"))) {
		static const struct pdf_column ccols[] = {
			{ "分類", 2, false },
			{ "事故・事件", 1, true },
			{ "ヒヤリハット", 1, true },
		};
		pdf_subheading(p, "分類別");
		pdf_table_begin(p, ccols, 3);
		json_array_foreach(json_object_get(t, "by_category"), i, v)
		{
			char a[24], b[24];
			snprintf(a, sizeof(a), "%lld", jint(v, "incidents"));
			snprintf(b, sizeof(b), "%lld", jint(v, "near_misses"));
			const char *row[] = { review_word(jtext(v, "category")), a, b };
			pdf_table_row(p, row);
		}
		pdf_table_end(p);
	}
}

static void actions_part(struct pdf *p, json_t *t)
{
	count_field(p, "期間内に起票", jint(t, "opened"), "件");
	count_field(p, "未完了（現在）", jint(t, "open"), "件");
	count_field(p, "うち期限超過", jint(t, "overdue"), "件");
	count_field(p, "有効性確認待ち", jint(t, "awaiting_check"), "件");
	count_field(p, "有効と確認（期間内）", jint(t, "effective"), "件");
	count_field(p, "有効でないと確認（期間内）", jint(t, "not_effective"), "件");
	size_t i;
	json_t *v;
	struct buf b = BUF_INIT;
	json_array_foreach(json_object_get(t, "by_source"), i, v)
	{
		buf_printf(&b, "%s%s %lld件", i ? "、" : "", review_word(jtext(v, "source_type")),
			   jint(v, "opened"));
	}
	pdf_field(p, "起票元", b.buf);
	buf_release(&b);
}

static void audits_part(struct pdf *p, json_t *t)
{
	count_field(p, "実施した内部監査", jint(t, "audits"), "件");
	count_field(p, "指摘事項", jint(t, "findings"), "件");
	count_field(p, "重大な不適合", jint(t, "major"), "件");
	count_field(p, "軽微な不適合", jint(t, "minor"), "件");
	count_field(p, "観察事項", jint(t, "observation"), "件");
	count_field(p, "部門の回答待ち", jint(t, "unanswered"), "件");
	count_field(p, "是正処置が未完了", jint(t, "actions_open"), "件");
}

static bool available(struct pdf *p, json_t *t)
{
	if (json_is_false(json_object_get(t, "available"))) {
		pdf_text(p, "この機能はまだ導入されていないため、数値はありません。");
		return false;
	}
	return true;
}

static void registers_part(struct pdf *p, json_t *t)
{
	json_t *total = json_object_get(t, "total"), *v;
	size_t i;
	count_field(p, "情報資産", jint(total, "assets"), "件");
	count_field(p, "うち見直し期限超過", jint(total, "assets_overdue"), "件");
	count_field(p, "個人情報管理台帳", jint(total, "pinfo"), "件");
	count_field(p, "うち見直し期限超過", jint(total, "pinfo_overdue"), "件");
	static const struct pdf_column cols[] = {
		{ "部署", 3, false },    { "情報資産", 1, true },   { "見直し超過", 1, true },
		{ "個人情報", 1, true }, { "見直し超過", 1, true },
	};
	pdf_table_begin(p, cols, 5);
	json_array_foreach(json_object_get(t, "by_department"), i, v)
	{
		char n[4][24];
		static const char *const keys[] = { "assets", "assets_overdue", "pinfo",
						    "pinfo_overdue" };
		for (int k = 0; k < 4; k++)
			snprintf(n[k], sizeof(n[k]), "%lld", jint(v, keys[k]));
		const char *row[] = { jtext(v, "department_name"), n[0], n[1], n[2], n[3] };
		pdf_table_row(p, row);
	}
	pdf_table_end(p);
}

/* The heat map as a grid: likelihood down, impact across, counts in the cells. */
static void heatmap(struct pdf *p, json_t *h, const char *title)
{
	int scale = (int)jint(h, "scale");
	if (scale < 1 || scale > 5)
		return;
	struct pdf_column cols[6];
	char heads[6][32];
	snprintf(heads[0], sizeof(heads[0]), "起こりやすさ＼影響");
	cols[0] = (struct pdf_column){ heads[0], 2, false };
	for (int c = 1; c <= scale; c++) {
		snprintf(heads[c], sizeof(heads[c]), "%d", c);
		cols[c] = (struct pdf_column){ heads[c], 1, true };
	}
	pdf_subheading(p, title);
	pdf_table_begin(p, cols, (size_t)scale + 1);
	for (int l = scale; l >= 1; l--) {
		char cell[6][24];
		const char *row[6];
		snprintf(cell[0], sizeof(cell[0]), "%d", l);
		row[0] = cell[0];
		for (int c = 1; c <= scale; c++) {
			long long n = 0;
			size_t i;
			json_t *v;
			json_array_foreach(json_object_get(h, "cells"), i, v)
			{
				if (jint(v, "likelihood") == l && jint(v, "impact") == c)
					n = jint(v, "count");
			}
			snprintf(cell[c], sizeof(cell[c]), "%lld", n);
			row[c] = cell[c];
		}
		pdf_table_row(p, row);
	}
	pdf_table_end(p);
}

static void risks_part(struct pdf *p, json_t *t)
{
	char buf[96];
	count_field(p, "リスクの数", jint(t, "total"), "件");
	snprintf(buf, sizeof(buf), "%lld件（リスクレベル %lld 以上）", jint(t, "above_acceptance"),
		 jint(t, "acceptance_level"));
	pdf_field(p, "受容水準を超えるリスク", buf);
	count_field(p, "リスク所有者が未受容", jint(t, "unaccepted"), "件");
	heatmap(p, json_object_get(t, "heatmap"), "ヒートマップ（評価時）");
	heatmap(p, json_object_get(t, "residual_heatmap"), "ヒートマップ（対応後の残留リスク）");
}

static void previous_part(struct pdf *p, json_t *prev)
{
	size_t i;
	json_t *v;
	if (!json_is_object(prev)) {
		pdf_text(p, "承認済みの前回のレビューはありません。");
		return;
	}
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s（%s 〜 %s、実施 %s）", jtext(prev, "title"), jtext(prev, "period_from"),
		   jtext(prev, "period_to"), jtext(prev, "held_on"));
	pdf_text(p, b.buf);
	buf_release(&b);
	static const struct pdf_column cols[] = {
		{ "種類", 1.3, false },
		{ "内容", 4, false },
		{ "是正処置", 1.5, false },
	};
	pdf_table_begin(p, cols, 3);
	json_array_foreach(json_object_get(prev, "decisions"), i, v)
	{
		char act[64] = "—";
		json_t *a = json_object_get(v, "action");
		if (json_is_object(a))
			snprintf(act, sizeof(act), "#%lld %s", jint(a, "id"),
				 review_word(jtext(a, "status")));
		const char *row[] = { review_word(jtext(v, "kind")), jtext(v, "body"), act };
		pdf_table_row(p, row);
	}
	pdf_table_end(p);
}

int review_inputs_pdf(struct pdf *p, json_t *in, int first)
{
	char h[96];
	int n = first;
	json_t *period = json_object_get(in, "period");
	snprintf(h, sizeof(h), "対象期間 %s 〜 %s", jtext(period, "from"), jtext(period, "to"));
	pdf_note(p, h);
#define SECTION(title)                                                                             \
	do {                                                                                       \
		snprintf(h, sizeof(h), "%d. %s", n++, title);                                      \
		pdf_heading(p, h);                                                                 \
	} while (0)
	SECTION("教育の実施状況");
	training_part(p, json_object_get(in, "training"));
	SECTION("事故・ヒヤリハット");
	incidents_part(p, json_object_get(in, "incidents"));
	SECTION("是正処置");
	actions_part(p, json_object_get(in, "actions"));
	SECTION("内部監査の結果");
	audits_part(p, json_object_get(in, "audits"));
	SECTION("点検（チェックリスト）の適合率");
	json_t *c = json_object_get(in, "checklists");
	if (available(p, c)) {
		count_field(p, "回答", jint(c, "answers"), "件");
		count_field(p, "適合率", jint(c, "percent"), "%");
	}
	SECTION("貸出・持ち出しの期限超過");
	json_t *l = json_object_get(in, "loans"), *t = json_object_get(in, "takeouts");
	pdf_subheading(p, "端末の貸出");
	if (available(p, l)) {
		count_field(p, "貸出中", jint(l, "lent"), "件");
		count_field(p, "返却期限超過", jint(l, "overdue"), "件");
	}
	pdf_subheading(p, "持ち出し");
	if (available(p, t)) {
		count_field(p, "持ち出し中", jint(t, "out"), "件");
		count_field(p, "返却予定日超過", jint(t, "overdue"), "件");
	}
	SECTION("台帳の見直し状況");
	registers_part(p, json_object_get(in, "registers"));
	SECTION("リスクアセスメント");
	risks_part(p, json_object_get(in, "risks"));
	SECTION("前回のマネジメントレビューの決定事項");
	previous_part(p, json_object_get(in, "previous_review"));
#undef SECTION
	return n;
}

void review_pdf(struct pdf *p, json_t *r)
{
	size_t i;
	json_t *v;
	char buf[160];
	pdf_heading(p, "1. 概要");
	pdf_field(p, "レビュー", jtext(r, "title"));
	snprintf(buf, sizeof(buf), "%s 〜 %s", jtext(r, "period_from"), jtext(r, "period_to"));
	pdf_field(p, "対象期間", buf);
	pdf_field(p, "実施日", jtext(r, "held_on"));
	pdf_field(p, "出席者", jtext(r, "attendees"));
	pdf_field(p, "状態", review_word(jtext(r, "status")));
	const char *approved = jtext(r, "approved_at");
	int64_t t;
	buf[0] = '\0';
	if (*approved && !time_parse_rfc3339(approved, &t))
		date_from_days((t + tz_offset(t)) / 86400, buf);
	pdf_field(p, "承認日", buf);

	json_t *figures = json_object_get(r, "figures");
	pdf_heading(p, "2. インプット");
	if (json_is_true(json_object_get(figures, "live")))
		pdf_note(p, "作成中のため、数値は現在の記録から集計しています。承認の申請時に確定し"
			    "ます。");
	else {
		char at[11] = "";
		const char *frozen = jtext(r, "frozen_at");
		if (*frozen && !time_parse_rfc3339(frozen, &t))
			date_from_days((t + tz_offset(t)) / 86400, at);
		snprintf(buf, sizeof(buf), "数値は %s に確定したものです。", at);
		pdf_note(p, buf);
	}
	int n = review_inputs_pdf(p, figures, 3);
	snprintf(buf, sizeof(buf), "%d. 外部及び内部の課題の変化（法令・規範、事業環境）", n++);
	pdf_heading(p, buf);
	pdf_text(p, *jtext(r, "context_changes") ? jtext(r, "context_changes") : "（記載なし）");
	snprintf(buf, sizeof(buf), "%d. その他のインプット（利害関係者の意見、改善の機会など）",
		 n++);
	pdf_heading(p, buf);
	pdf_text(p, *jtext(r, "other_inputs") ? jtext(r, "other_inputs") : "（記載なし）");

	snprintf(buf, sizeof(buf), "%d. アウトプット（決定事項・指示事項）", n++);
	pdf_heading(p, buf);
	static const struct pdf_column cols[] = {
		{ "No.", 0.5, true },   { "種類", 1.4, false }, { "内容", 4, false },
		{ "担当", 1.2, false }, { "期限", 1.1, false }, { "是正処置", 1.3, false },
	};
	json_t *ds = json_object_get(r, "decisions");
	if (!json_array_size(ds))
		pdf_text(p, "（記録なし）");
	else
		pdf_table_begin(p, cols, 6);
	json_array_foreach(ds, i, v)
	{
		char no[24], act[64] = "—";
		snprintf(no, sizeof(no), "%zu", i + 1);
		json_t *a = json_object_get(v, "action");
		if (json_is_object(a))
			snprintf(act, sizeof(act), "#%lld %s", jint(a, "id"),
				 review_word(jtext(a, "status")));
		json_t *owner = json_object_get(v, "owner");
		const char *row[] = { no,
				      review_word(jtext(v, "kind")),
				      jtext(v, "body"),
				      json_is_object(owner) ? jtext(owner, "name") : "",
				      jtext(v, "due_on"),
				      act };
		pdf_table_row(p, row);
	}
	if (json_array_size(ds))
		pdf_table_end(p);
	snprintf(buf, sizeof(buf), "%d. 総括", n);
	pdf_heading(p, buf);
	pdf_text(p, *jtext(r, "summary") ? jtext(r, "summary") : "（記載なし）");
}
