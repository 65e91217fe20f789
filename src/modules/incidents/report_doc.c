/* report_doc.c — the PPC report, the review-body report and the notice letter as documents. */
#include <stdio.h>
#include <string.h>

#include "report_doc.h"
#include "incidents.h"
#include "../../lib/buf.h"
#include "../../lib/jpcal.h"
#include "../../lib/timeutil.h"
#include "../../lib/util.h"

/* --- words ---------------------------------------------------------------------------------- */

/* The words of coded values, as the screens write them (web/src/i18n/modules/incidents.*.json;
 * tests/api/test_incidents.py checks the two agree). */
static const struct {
	const char *group, *code, *ja, *en;
} words[] = {
	{ "kind", "incident", "事故", "Incident" },
	{ "kind", "near_miss", "ヒヤリハット", "Near-miss" },
	{ "category", "service_stop", "サービス・装置の停止", "Service or equipment stopped" },
	{ "category", "malfunction", "システムや機器の誤動作", "System or equipment malfunction" },
	{ "category", "missend", "誤送信・誤発送", "Mis-sent or mis-delivered" },
	{ "category", "rule_violation", "社内ルールの不遵守", "Rule not followed" },
	{ "category", "loss", "紛失・き損・盗難", "Lost, damaged or stolen" },
	{ "category", "tampering", "改ざん・破壊", "Tampering or destruction" },
	{ "category", "virus", "ウイルス感染", "Virus infection" },
	{ "category", "pc_abnormal", "PC等の動作異常", "PC behaving oddly" },
	{ "category", "complaint", "苦情・外部からの通報", "Complaint or outside report" },
	{ "category", "other", "その他", "Other" },
	{ "status", "reported", "報告済み", "Reported" },
	{ "status", "triage", "初期判断", "Triage" },
	{ "status", "containment", "封じ込め", "Containment" },
	{ "status", "investigation", "調査", "Investigation" },
	{ "status", "action", "是正処置", "Corrective action" },
	{ "status", "closed", "終了", "Closed" },
	{ "status", "rejected", "対象外", "Not an incident" },
	{ "status", "duplicate", "重複", "Duplicate" },
	{ "severity", "low", "低", "Low" },
	{ "severity", "medium", "中", "Medium" },
	{ "severity", "high", "高", "High" },
	{ "severity", "critical", "重大", "Critical" },
	{ "report", "ppc_preliminary", "PPCへの速報", "Preliminary report to the PPC" },
	{ "report", "ppc_final", "PPCへの確報", "Final report to the PPC" },
	{ "report", "review_body_preliminary", "審査機関への速報",
	  "Preliminary report to the review body" },
	{ "report", "review_body", "審査機関への確報", "Final report to the review body" },
	{ "report", "subjects", "本人への通知", "Notice to the people affected" },
	{ "report", "announce", "公表", "Public announcement" },
	{ "report", "police", "警察への届出", "Police report" },
	{ "report_status", "pending", "未実施", "Not yet" },
	{ "report_status", "done", "実施済み", "Done" },
	{ "report_status", "not_needed", "不要と判断", "Judged not needed" },
	{ "report_status", "not_required", "不要", "Not required" },
	{ "reason", "sensitive", "要配慮個人情報が含まれる", "sensitive personal information" },
	{ "reason", "financial", "財産的被害が生じるおそれ", "risk of financial damage" },
	{ "reason", "unauthorised", "不正の目的によるおそれ", "possibly an unauthorised purpose" },
	{ "reason", "over_1000", "本人の数が1,000人を超える", "more than 1,000 people" },
	{ "reason", "count_unknown", "本人の数が不明（1,000人を超えるおそれ）",
	  "number of people unknown (may exceed 1,000)" },
	{ "reason", "mn_network", "情報提供ネットワークシステム等の特定個人情報",
	  "specific personal information from the information-provision network systems" },
	{ "reason", "mn_unauthorised", "不正の目的による特定個人情報の漏えい等のおそれ",
	  "possibly a leak of specific personal information for an unauthorised purpose" },
	{ "reason", "mn_misuse", "不正の目的による特定個人情報の利用・提供のおそれ",
	  "possibly use or provision of specific personal information for an unauthorised "
	  "purpose" },
	{ "reason", "mn_public", "不特定多数の者に閲覧されるおそれ",
	  "possibly viewable online by an unspecified number of people" },
	{ "reason", "mn_over_100", "特定個人情報の本人の数が100人を超える",
	  "more than 100 people's specific personal information" },
	{ "reason", "mn_count_unknown", "特定個人情報の本人の数が不明（100人を超えるおそれ）",
	  "number of people unknown (may exceed 100)" },
	{ "reason", "personal_info", "個人情報が関係する事故等", "personal information involved" },
};

const char *incident_word(const char *group, const char *code, const char *lang)
{
	bool en = lang && !strcmp(lang, "en");
	for (size_t i = 0; code && i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].group, group) && !strcmp(words[i].code, code))
			return en ? words[i].en : words[i].ja;
	return code ? code : "";
}

/* --- dates and values ----------------------------------------------------------------------- */

static const char *const weekdays_ja[] = { "日", "月", "火", "水", "木", "金", "土" };
static const char *const weekdays_en[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

/* "2026年4月1日（水）" / "Wed 1 Apr 2026" (with a holiday's name when it is one). */
static void add_date(struct buf *b, const char *date, bool en)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y, m, d;
	if (!date || !date_valid(date) || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3) {
		buf_adds(b, en ? "unknown" : "不明");
		return;
	}
	struct deadline_day day;
	incident_deadline_day(date, incident_workcal(), &day);
	if (en)
		buf_printf(b, "%s %d %s %d", weekdays_en[day.weekday], d, months[m - 1], y);
	else
		buf_printf(b, "%d年%d月%d日（%s）", y, m, d, weekdays_ja[day.weekday]);
	if (day.off == DAY_HOLIDAY && day.holiday_ja)
		buf_printf(b, en ? " (%s)" : "（%s）", en ? day.holiday_en : day.holiday_ja);
}

/* An RFC 3339 instant in the organisation's zone: its date and "HH:MM". */
static void add_instant(struct buf *b, const char *rfc3339, bool en)
{
	int64_t t;
	if (!rfc3339 || time_parse_rfc3339(rfc3339, &t)) {
		buf_adds(b, en ? "unknown" : "不明");
		return;
	}
	int64_t local = t + tz_offset(t);
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t secs = local - days * 86400;
	char date[11];
	date_from_days(days, date);
	add_date(b, date, en);
	buf_printf(b, " %02d:%02d", (int)(secs / 3600), (int)(secs % 3600 / 60));
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static json_t *report_row(json_t *inc, const char *kind)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(inc, "reports"), i, r)
	{
		if (!strcmp(str(r, "kind"), kind))
			return r;
	}
	return NULL;
}

/* "本人への通知: 実施済み（2026年4月3日（金））" — the same words as the screen. */
static void add_report_line(struct buf *b, json_t *inc, const char *kind, bool en)
{
	json_t *r = report_row(inc, kind);
	const char *lang = en ? "en" : "ja";
	buf_printf(b, "%s: ", incident_word("report", kind, lang));
	if (!r) {
		buf_adds(b, incident_word("report_status", "not_required", lang));
		return;
	}
	buf_adds(b, incident_word("report_status", str(r, "status"), lang));
	if (json_is_string(json_object_get(r, "done_on"))) {
		buf_adds(b, en ? " (" : "（");
		add_date(b, str(r, "done_on"), en);
		buf_adds(b, en ? ")" : "）");
	}
	if (*str(r, "note"))
		buf_printf(b, en ? " — %s" : "　%s", str(r, "note"));
}

/* Text typed by people, or a dash. */
static void add_text(struct buf *b, const char *s)
{
	buf_adds(b, s && *s ? s : "—");
}

/* --- building ------------------------------------------------------------------------------- */

struct doc {
	json_t *items;
	bool en;
};

/* Appends item `key` with `heading` (ja or en as the document's language) and the text in `v`
 * (which is reset). */
static void item(struct doc *d, const char *key, const char *ja, const char *en, struct buf *v)
{
	json_array_append_new(d->items, json_pack("{s:s,s:s,s:s}", "key", key, "heading",
						  d->en ? en : ja, "value", v->buf));
	buf_reset(v);
}

static void outline(struct doc *d, json_t *inc, struct buf *v)
{
	const char *lang = d->en ? "en" : "ja";
	buf_printf(v, "%s\n", str(inc, "title"));
	buf_printf(v, d->en ? "Type: %s / %s\n" : "種別: %s（%s）\n",
		   incident_word("kind", str(inc, "kind"), lang),
		   incident_word("category", str(inc, "category"), lang));
	buf_adds(v, d->en ? "Learned of (by anyone in the organisation): "
			  : "事態を知った日時（組織の誰かが最初に知った日時）: ");
	add_instant(v, str(inc, "discovered_at"), d->en);
	buf_addch(v, '\n');
	if (json_is_string(json_object_get(inc, "occurred_at"))) {
		buf_adds(v, d->en ? "Happened: " : "発生日時: ");
		add_instant(v, str(inc, "occurred_at"), d->en);
		buf_addch(v, '\n');
	}
	if (*str(inc, "location"))
		buf_printf(v, d->en ? "Where: %s\n" : "発生場所: %s\n", str(inc, "location"));
	if (*str(inc, "affected"))
		buf_printf(v, d->en ? "Affected: %s\n" : "影響を受けるもの: %s\n",
			   str(inc, "affected"));
	if (*str(inc, "description"))
		buf_printf(v, "%s", str(inc, "description"));
}

/* A count with thousands separators: 1,200. */
static void add_count(struct buf *b, json_int_t n)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%lld", (long long)(n < 0 ? -n : n));
	if (n < 0)
		buf_addch(b, '-');
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf_addch(b, ',');
		buf_addch(b, digits[i]);
	}
}

static void people(struct doc *d, json_t *impact, struct buf *v)
{
	json_t *n = json_object_get(impact, "count");
	if (json_is_integer(n)) {
		add_count(v, json_integer_value(n));
		buf_adds(v, d->en ? " people" : "人");
	} else {
		buf_adds(v, d->en ? "Not known yet (being investigated)" : "不明（調査中）");
	}
	json_t *mn = json_object_get(impact, "mn_count");
	if (json_is_true(json_object_get(impact, "mynumber")) && json_is_integer(mn)) {
		buf_adds(v, d->en ? " (of whom " : "（うち個人番号を含む者 ");
		add_count(v, json_integer_value(mn));
		buf_adds(v, d->en ? " with My Numbers)" : "人）");
	}
}

static void prevention(struct doc *d, json_t *inc, struct buf *v)
{
	add_text(v, str(json_object_get(inc, "report"), "prevention"));
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(inc, "actions"), i, a)
	{
		buf_printf(v, "\n・%s（", str(a, "title"));
		buf_adds(v, d->en ? "due " : "期限 ");
		add_date(v, str(a, "due_on"), d->en);
		buf_adds(v, "）");
	}
}

/* The legal bases and their reasons: "個人情報保護法第26条第1項: 要配慮個人情報が含まれる". */
static void bases(struct doc *d, json_t *inc, struct buf *v)
{
	const char *lang = d->en ? "en" : "ja";
	size_t i, k;
	json_t *b, *r;
	json_array_foreach(json_object_get(json_object_get(inc, "ppc"), "bases"), i, b)
	{
		const char *state = str(b, "state");
		if (strcmp(state, "required") && strcmp(state, "undetermined"))
			continue;
		bool mn = !strcmp(str(b, "law"), "mynumber");
		if (v->len)
			buf_addch(v, '\n');
		buf_adds(v, mn ? (d->en ? "My Number Act Art. 29-4(1)" : "番号法第29条の4第1項")
			       : (d->en ? "APPI Art. 26(1)" : "個人情報保護法第26条第1項"));
		buf_adds(v, ": ");
		json_array_foreach(json_object_get(b, "reasons"), k, r)
		{
			if (k)
				buf_adds(v, d->en ? ", " : "、");
			buf_adds(v, incident_word("reason", json_string_value(r), lang));
		}
	}
}

static void ppc_items(struct doc *d, json_t *inc, struct buf *v)
{
	json_t *impact = json_object_get(inc, "impact"), *rep = json_object_get(inc, "report");
	bases(d, inc, v);
	item(d, "basis", "報告の根拠", "Legal basis", v);
	outline(d, inc, v);
	item(d, "outline", "1. 概要", "1. Outline", v);
	add_text(v, str(impact, "items"));
	if (json_is_true(json_object_get(impact, "mynumber")))
		buf_adds(v, d->en ? " (includes My Numbers)" : "（個人番号を含む）");
	item(d, "items", "2. 漏えい等が発生し、又は発生したおそれがある個人データの項目",
	     "2. Personal data items leaked, lost or damaged (or possibly)", v);
	people(d, impact, v);
	item(d, "people", "3. 漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
	     "3. Number of people whose personal data is concerned", v);
	add_text(v, str(rep, "cause"));
	item(d, "cause", "4. 原因", "4. Cause", v);
	add_text(v, str(rep, "secondary_damage"));
	item(d, "secondary_damage", "5. 二次被害又はそのおそれの有無及びその内容",
	     "5. Secondary damage or its risk, and what it is", v);
	add_text(v, str(rep, "subject_response"));
	buf_addch(v, '\n');
	add_report_line(v, inc, "subjects", d->en);
	item(d, "subject_response", "6. 本人への対応の実施状況",
	     "6. Response to the people affected", v);
	add_text(v, str(rep, "announcement"));
	buf_addch(v, '\n');
	add_report_line(v, inc, "announce", d->en);
	item(d, "announcement", "7. 公表の実施状況", "7. Public announcement", v);
	prevention(d, inc, v);
	item(d, "prevention", "8. 再発防止のための措置", "8. Measures to prevent recurrence", v);
	add_text(v, str(rep, "other_notes"));
	buf_addch(v, '\n');
	add_report_line(v, inc, "police", d->en);
	item(d, "other", "9. その他参考となる事項", "9. Other matters", v);
}

/* Dated steps of the incident (status changes, reports made, actions opened). */
static void timeline(struct doc *d, json_t *inc, struct buf *v)
{
	const char *lang = d->en ? "en" : "ja";
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(inc, "timeline"), i, e)
	{
		const char *kind = str(e, "kind"), *at = str(e, "at");
		json_t *data = json_object_get(e, "data");
		struct buf line = BUF_INIT;
		if (!strcmp(kind, "reported"))
			buf_adds(&line, d->en ? "Reported" : "報告を受けた");
		else if (!strcmp(kind, "status"))
			buf_printf(&line, "%s → %s",
				   incident_word("status", str(e, "from_status"), lang),
				   incident_word("status", str(e, "to_status"), lang));
		else if (!strcmp(kind, "report"))
			buf_printf(&line, "%s: %s",
				   incident_word("report", str(data, "report"), lang),
				   incident_word("report_status", str(data, "state"), lang));
		else if (!strcmp(kind, "action"))
			buf_printf(&line, d->en ? "Action opened: %s" : "処置を開始: %s",
				   str(data, "title"));
		if (line.len) {
			if (v->len)
				buf_addch(v, '\n');
			add_instant(v, at, d->en);
			buf_printf(v, " %s", line.buf);
		}
		buf_release(&line);
	}
	if (!v->len)
		buf_adds(v, "—");
}

static void review_body_items(struct doc *d, json_t *inc, const struct doc_org *org, struct buf *v)
{
	json_t *impact = json_object_get(inc, "impact"), *rep = json_object_get(inc, "report");
	add_text(v, org->pmark_number);
	item(d, "pmark_number", "プライバシーマーク登録番号", "Privacy Mark registration number",
	     v);
	add_text(v, org->review_body);
	item(d, "review_body", "審査機関", "Review body", v);
	buf_adds(v, d->en ? "Happened: " : "発生日: ");
	if (json_is_string(json_object_get(inc, "occurred_at")))
		add_instant(v, str(inc, "occurred_at"), d->en);
	else
		buf_adds(v, d->en ? "unknown" : "不明");
	buf_adds(v, d->en ? "\nLearned of: " : "\n発覚日: ");
	add_instant(v, str(inc, "discovered_at"), d->en);
	item(d, "dates", "発生日及び発覚日", "Dates (happened, learned of)", v);
	outline(d, inc, v);
	item(d, "outline", "事故の概要", "Outline", v);
	buf_adds(v, d->en ? "Media: " : "媒体: ");
	add_text(v, str(impact, "media"));
	buf_adds(v, d->en ? "\nData items: " : "\n項目: ");
	add_text(v, str(impact, "items"));
	if (json_is_true(json_object_get(impact, "mynumber")))
		buf_adds(v, d->en ? " (includes My Numbers)" : "（個人番号を含む）");
	buf_adds(v, d->en ? "\nNumber: " : "\n件数: ");
	people(d, impact, v);
	item(d, "media_items_count", "事故対象の個人情報の媒体、項目及び件数",
	     "Media, data items and count", v);
	add_text(v, str(rep, "safeguards"));
	buf_adds(v, json_is_true(json_object_get(impact, "encrypted"))
			    ? (d->en ? "\nProtected by strong encryption" : "\n高度な暗号化: あり")
			    : (d->en ? "\nNot protected by strong encryption"
				     : "\n高度な暗号化: なし"));
	item(d, "safeguards", "安全管理措置の実施状況", "Safeguards in place", v);
	timeline(d, inc, v);
	item(d, "timeline", "事故等に係る経過", "Timeline", v);
	add_text(v, str(rep, "source"));
	item(d, "source", "事故発生元及び事故発生者", "Where it arose and who caused it", v);
	add_text(v, str(rep, "subject_response"));
	buf_addch(v, '\n');
	add_report_line(v, inc, "subjects", d->en);
	item(d, "subject_response", "本人等への対応", "Response to the people affected", v);
	add_text(v, str(rep, "announcement"));
	buf_addch(v, '\n');
	add_report_line(v, inc, "announce", d->en);
	item(d, "announcement", "事故の公表", "Public announcement", v);
	add_text(v, str(rep, "secondary_damage"));
	item(d, "secondary_damage", "二次被害", "Secondary damage", v);
	prevention(d, inc, v);
	item(d, "prevention", "再発防止策", "Measures to prevent recurrence", v);
}

bool incident_document_kind(const char *kind)
{
	static const char *const kinds[] = { "ppc_preliminary", "ppc_final",
					     "review_body_preliminary", "review_body" };
	for (size_t i = 0; kind && i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i], kind))
			return true;
	return false;
}

json_t *incident_document(json_t *inc, const char *kind, const struct doc_org *org,
			  const char *today, const char *lang)
{
	if (!incident_document_kind(kind))
		return NULL;
	bool ppc = !strncmp(kind, "ppc_", 4);
	bool prelim = strstr(kind, "preliminary") != NULL;
	struct doc d = { json_array(), lang && !strcmp(lang, "en") };
	const char *title =
		ppc ? (d.en ? (prelim ? "Report of a personal data breach to the PPC (preliminary)"
				      : "Report of a personal data breach to the PPC (final)")
			    : (prelim ? "個人情報保護委員会への漏えい等報告（速報）"
				      : "個人情報保護委員会への漏えい等報告（確報）"))
		    : (d.en ? (prelim ? "Report of an incident to the Privacy Mark review body "
					"(preliminary)"
				      : "Report of an incident to the Privacy Mark review body "
					"(final)")
			    : (prelim ? "個人情報の取扱いに関する事故等の報告（速報）"
				      : "個人情報の取扱いに関する事故等の報告（確報）"));
	struct buf v = BUF_INIT;
	add_text(&v, org->name);
	item(&d, "org", "事業者の名称", "Organisation", &v);
	buf_printf(&v, d.en ? "No. %lld" : "No.%lld",
		   (long long)json_integer_value(json_object_get(inc, "id")));
	item(&d, "number", "報告番号（社内）", "Incident number (internal)", &v);
	add_date(&v, today, d.en);
	item(&d, "made_on", "作成日", "Made on", &v);
	if (ppc)
		ppc_items(&d, inc, &v);
	else
		review_body_items(&d, inc, org, &v);
	buf_release(&v);
	json_t *doc =
		json_pack("{s:s,s:s,s:s,s:s,s:o}", "form", ppc ? "ppc" : "review_body", "kind",
			  kind, "title", title, "lang", d.en ? "en" : "ja", "items", d.items);
	/* When it is due, and the organisation's own earlier target (not part of the form: the
	 * page prints them above the sheet). */
	json_t *row = report_row(inc, kind);
	bool required = json_is_true(json_object_get(row, "required"));
	static const char *const dates[] = { "due", "target" };
	for (size_t i = 0; i < ARRAY_SIZE(dates); i++) {
		json_t *day = json_object_get(row, dates[i]);
		json_object_set_new(doc, dates[i],
				    required && json_is_string(day) ? json_copy(day) : json_null());
	}
	char *text = incident_document_text(doc);
	json_object_set_new(doc, "text", json_string(text));
	free(text);
	return doc;
}

char *incident_document_text(json_t *doc)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *it;
	buf_printf(&b, "%s\n", str(doc, "title"));
	json_array_foreach(json_object_get(doc, "items"), i, it)
	{
		buf_printf(&b, "\n【%s】\n%s\n", str(it, "heading"), str(it, "value"));
	}
	return buf_detach(&b, NULL);
}

/* --- the notice to the people affected ------------------------------------------------------ */

char *incident_notice_draft(json_t *inc, const struct doc_org *org, const char *today)
{
	json_t *impact = json_object_get(inc, "impact"), *rep = json_object_get(inc, "report");
	struct buf b = BUF_INIT;
	add_date(&b, today, false);
	buf_printf(&b, "\n%s\n\n", org->name && *org->name ? org->name : "");
	buf_adds(&b, "個人情報の漏えい等に関するお知らせとお詫び\n\n");
	buf_adds(&b,
		 "このたび、当社がお預かりしている皆様の個人情報について、漏えい等が発生しまし"
		 "た（発生したおそれがあるものを含みます）。ご迷惑とご心配をおかけしますことを、"
		 "深くお詫び申し上げます。経緯と対応を次のとおりお知らせします。\n\n");
	buf_adds(&b, "1. 概要\n");
	buf_printf(&b, "%s\n", str(inc, "title"));
	buf_adds(&b, "当社が事態を知った日時: ");
	add_instant(&b, str(inc, "discovered_at"), false);
	buf_addch(&b, '\n');
	if (*str(inc, "description"))
		buf_printf(&b, "%s\n", str(inc, "description"));
	buf_adds(&b, "\n2. 対象となる個人情報の項目\n");
	add_text(&b, str(impact, "items"));
	if (json_is_true(json_object_get(impact, "mynumber")))
		buf_adds(&b, "（個人番号を含む）");
	buf_adds(&b, "\n\n3. 原因\n");
	add_text(&b, str(rep, "cause"));
	buf_adds(&b, "\n\n4. 二次被害又はそのおそれの有無及びその内容\n");
	add_text(&b, str(rep, "secondary_damage"));
	buf_adds(&b, "\n\n5. その他\n");
	if (*str(rep, "prevention"))
		buf_printf(&b, "再発防止のため、次の措置を講じます。\n%s\n",
			   str(rep, "prevention"));
	if (json_is_true(json_object_get(impact, "mynumber")))
		buf_adds(&b,
			 "個人番号（マイナンバー）が漏えいして不正に用いられるおそれがあると"
			 "認められるときは、お住まいの市区町村に個人番号の変更を請求できます。\n");
	buf_adds(&b, "\nお問い合わせ先\n（窓口の名称・電話番号・受付時間を記入してください）\n");
	return buf_detach(&b, NULL);
}
