/* incidents_api.c — /api/v1/incidents: report, follow, handle; dashboard, trends, exports. */
#include <string.h>

#include "incidents_impl.h"
#include "../workflow/work.h"
#include "report_doc.h"
#include "../evidence/reports.h"
#include "../actions/actions.h"
#include "../modules.h"
#include "../../settings.h"
#include "../../http/export.h"
#include "../../lib/jsonw.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200

static const char *const kinds[] = { "incident", "near_miss", NULL };
static const char *const categories[] = { "service_stop",   "malfunction", "missend",
					  "rule_violation", "loss",        "tampering",
					  "virus",          "pc_abnormal", "complaint",
					  "other",          NULL };
static const char *const statuses[] = { "reported",      "triage",    "containment",
					"investigation", "action",    "closed",
					"rejected",      "duplicate", NULL };
static const char *const severities[] = { "low", "medium", "high", "critical", NULL };
static const char *const report_kinds[] = {
	"ppc_preliminary", "ppc_final", "review_body_preliminary",
	"review_body",     "subjects",  "announce",
	"police",          NULL
};
static const char *const document_kinds[] = { "ppc_preliminary", "ppc_final",
					      "review_body_preliminary", "review_body", NULL };
static const char *const langs[] = { "ja", "en", NULL };
static const char *const report_states[] = { "pending", "done", "not_needed", NULL };
static const char *const states[] = { "open", "finished", NULL };
static const char *const flags[] = { "0", "1", NULL };
static const char *const encodings[] = { "utf-8", "cp932", NULL };

static struct viewer viewer_of(struct req *req)
{
	bool manage = req_can(req, "incidents.manage");
	return (struct viewer){ req->user->id, req_can(req, "incidents.read"), manage,
				manage && !req_can(req, "users.write") };
}

/* Reads the settings before the work, so that a database error stops it. The dates are counted
 * in the zone in force for the process, which settings_zone_in_force keeps to the latest
 * settings (at once after an update here, within seconds after one on another node). */
static int zone_ready(struct req *req)
{
	struct settings s;
	return settings_get(req->app, req->db, &s);
}

/* Who reports, for the documents: the organisation's name (settings) and its Privacy Mark
 * registration number and review body (incident settings). Makes the zone current too. */
struct org_info {
	struct settings s;
	struct incident_settings is;
	struct doc_org org;
};

static int org_ready(struct req *req, struct org_info *o)
{
	if (settings_get(req->app, req->db, &o->s) || incident_settings_get(req->db, &o->is))
		return -1;
	o->org = (struct doc_org){ o->s.org_name, o->is.pmark_number, o->is.review_body };
	return 0;
}

/* Answers `st`, or on ST_OK the incident as the caller sees it now (status `code`). */
static int answer(struct req *req, enum status st, struct ferrors *fe, int64_t id, int code)
{
	json_t *o = NULL;
	if (st == ST_OK) {
		struct viewer v = viewer_of(req);
		o = incident_json(req->app, req->db, id, &v, &st);
	}
	return reply_outcome(req, st, fe, code, o);
}

/* --- reporting and reading ---------------------------------------------------------------- */

static int incidents_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	if (zone_ready(req))
		return -1;
	enum status st = incident_create(req->app, req->db, &who, req->json, &id, &fe);
	return answer(req, st, &fe, id, 201);
}

static int incidents_show(struct req *req)
{
	struct viewer v = viewer_of(req);
	enum status st;
	int64_t id = req_param_int(req, "id");
	if (zone_ready(req))
		return -1;
	json_t *o = incident_json(req->app, req->db, id, &v, &st);
	if (!o)
		return reply_status_of(req, st, NULL);
	/* Reading an incident is reading personal information: an audit event. The reporter of
	 * an anonymous near-miss reading it is not named to others (see incident_audit). */
	struct actor who = req_actor(req);
	bool anonymous = json_is_true(json_object_get(o, "anonymous")) &&
			 json_is_true(json_object_get(o, "is_mine"));
	if (anonymous ? audit_append_sealed_tx(req->db, req->app->master_key, &who, "incident.read",
					       "incident", id, NULL)
		      : audit_append_tx(req->db, &who, "incident.read", "incident", id, NULL)) {
		json_decref(o);
		return -1;
	}
	return reply_json(req, 200, o);
}

static char *like_text(struct req *req, const char *q)
{
	struct buf b = BUF_INIT;
	buf_addch(&b, '%');
	for (; *q; q++) {
		if (strchr("%_\\", *q))
			buf_addch(&b, '\\');
		buf_addch(&b, *q);
	}
	buf_addch(&b, '%');
	char *s = arena_strdup(&req->arena, b.buf);
	buf_release(&b);
	return s;
}

static bool is_set(struct req *req, const char *name)
{
	const char *v = req_query(req, name);
	return v && !strcmp(v, "1");
}

/* The list's WHERE clause; without incidents.read only the caller's own reports. */
static void filters(struct req *req, struct query *q)
{
	static const struct {
		const char *param, *sql;
	} equal[] = {
		{ "kind", "AND i.kind = ?" },           { "category", "AND i.category = ?" },
		{ "status", "AND i.status = ?" },       { "severity", "AND i.severity = ?" },
		{ "from", "AND i.discovered_on >= ?" }, { "to", "AND i.discovered_on <= ?" },
	};
	const char *v;
	query_add(q, "WHERE 1 = 1", NULL, 0);
	if (!req_can(req, "incidents.read") || is_set(req, "mine"))
		query_add(q, "AND i.reporter_id = ?", P(V_INT(req->user->id)));
	for (size_t i = 0; i < ARRAY_SIZE(equal); i++)
		if ((v = req_query(req, equal[i].param)) && *v)
			query_add(q, equal[i].sql, P(V_TEXT(v)));
	if ((v = req_query(req, "q")) && *v) {
		char *pat = like_text(req, v);
		query_add(q, "AND i.title LIKE ? ESCAPE '\\'", P(V_TEXT(pat)));
	}
	if ((v = req_query(req, "state")) && *v)
		query_add(q,
			  !strcmp(v, "open")
				  ? "AND i.status NOT IN ('closed', 'rejected', 'duplicate')"
				  : "AND i.status IN ('closed', 'rejected', 'duplicate')",
			  NULL, 0);
	if (is_set(req, "ppc"))
		query_add(q, "AND i.ppc_mandatory = 1", NULL, 0);
}

static int incidents_list(struct req *req)
{
	int64_t limit = PAGE_DEFAULT, cursor = 0, last = 0, n = 0;
	struct query q;
	struct dbrows r;
	struct viewer vw = viewer_of(req);
	limit = req_query_int(req, "limit", limit, PAGE_MAX);
	cursor = req_query_int(req, "cursor", cursor, INT64_MAX);
	query_init(&q, incident_select);
	filters(req, &q);
	if (cursor)
		query_add(&q, "AND i.id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY i.id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	json_t *items = json_array();
	bool more = false;
	while (db_next(&r)) {
		if (n == limit) {
			more = true;
			break;
		}
		last = db_int(&r, 0);
		json_array_append_new(items, incident_list_item(&r, &vw));
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return -1;
	}
	return reply_json(
		req, 200,
		json_pack("{s:o,s:o}", "items", items, "next_cursor",
			  more ? json_string(arena_printf(&req->arena, "%lld", (long long)last))
			       : json_null()));
}

/* --- export ------------------------------------------------------------------------------- */

/* The words the screens show for coded values (report_doc.c keeps them). */
static json_t *word(json_t *o, const char *group, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string(incident_word(group, json_string_value(v), "ja"))
				 : json_null();
}

static json_t *yes_no(json_t *v)
{
	return json_is_boolean(v) ? json_string(json_is_true(v) ? "はい" : "いいえ") : json_null();
}

/* The PPC decision in words. */
static json_t *ppc_word(json_t *ppc)
{
	static const struct {
		const char *state, *ja;
	} words[] = { { "required", "必要" },
		      { "undetermined", "未確定（期限は進行中）" },
		      { "exempt", "不要（高度な暗号化）" },
		      { "contractor", "委託元が報告" } };
	const char *st = json_string_value(json_object_get(ppc, "state"));
	for (size_t i = 0; st && i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].state, st))
			return json_string(words[i].ja);
	return json_string("不要");
}

static int incidents_export(struct req *req)
{
	enum export_format fmt = export_format_of(req);
	struct query q;
	struct dbrows r;
	struct viewer vw = viewer_of(req);
	if (zone_ready(req))
		return -1;
	query_init(&q, "SELECT i.id FROM incidents i");
	filters(req, &q);
	query_add(&q, "ORDER BY i.id", NULL, 0);
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	json_t *ids = json_array();
	while (db_next(&r))
		json_array_append_new(ids, json_integer(db_int(&r, 0)));
	int failed = r.failed;
	db_rows_free(&r);
	json_t *headers = json_pack(
		"[s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s]", "ID", "種別",
		"分類", "件名", "状態", "重大度", "発見日", "報告者", "報告者の部署", "担当者",
		"個人情報", "本人の数", "要配慮個人情報", "財産的被害のおそれ",
		"不正の目的のおそれ", "高度な暗号化", "マイナンバー", "PPCへの報告", "速報の期限",
		"確報の期限", "審査機関への確報の期限", "速報の提出日", "確報の提出日",
		"審査機関への速報日", "審査機関への確報日", "本人への通知日", "公表日",
		"警察への届出日", "終了日時", "知った日（1日目）");
	json_t *rows = json_array();
	size_t i;
	json_t *idv;
	json_array_foreach(ids, i, idv)
	{
		enum status st;
		json_t *o = failed ? NULL
				   : incident_json(req->app, req->db, json_integer_value(idv), &vw,
						   &st);
		if (!o) {
			failed = 1;
			break;
		}
		json_t *impact = json_object_get(o, "impact"), *ppc = json_object_get(o, "ppc");
		json_t *row = json_array();
		json_array_append(row, json_object_get(o, "id"));
		json_array_append_new(row, word(o, "kind", "kind"));
		json_array_append_new(row, word(o, "category", "category"));
		json_array_append(row, json_object_get(o, "title"));
		json_array_append_new(row, word(o, "status", "status"));
		json_array_append_new(row, word(o, "severity", "severity"));
		json_array_append(row, json_object_get(o, "discovered_on"));
		json_t *rep = json_object_get(o, "reporter"), *asg = json_object_get(o, "assignee");
		json_array_append_new(row, json_is_object(rep)
						   ? json_incref(json_object_get(rep, "name"))
						   : json_string("（匿名）"));
		json_array_append(row, json_object_get(o, "reporter_department"));
		json_array_append_new(row, json_is_object(asg)
						   ? json_incref(json_object_get(asg, "name"))
						   : json_null());
		json_array_append_new(row, yes_no(json_object_get(impact, "involved")));
		json_array_append(row, json_object_get(impact, "count"));
		json_array_append_new(row, yes_no(json_object_get(impact, "sensitive")));
		json_array_append_new(row, yes_no(json_object_get(impact, "financial")));
		json_array_append_new(row, yes_no(json_object_get(impact, "unauthorised")));
		json_array_append_new(row, yes_no(json_object_get(impact, "encrypted")));
		json_array_append_new(row, yes_no(json_object_get(impact, "mynumber")));
		json_array_append_new(row, ppc_word(ppc));
		json_array_append(row, json_object_get(ppc, "preliminary_limit"));
		json_array_append(row, json_object_get(ppc, "final_due"));
		json_array_append(row,
				  json_object_get(json_object_get(o, "review_body"), "final_due"));
		size_t k;
		json_t *report;
		json_array_foreach(json_object_get(o, "reports"), k, report)
		{
			json_array_append(row, json_object_get(report, "done_on"));
		}
		json_array_append(row, json_object_get(o, "closed_at"));
		json_array_append(row, json_object_get(o, "discovered_on"));
		json_array_append_new(rows, row);
		json_decref(o);
	}
	json_decref(ids);
	rc = failed ? -1 : reply_export(req, fmt, "incidents", headers, rows);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

/* --- handling ----------------------------------------------------------------------------- */

static int incidents_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	if (zone_ready(req))
		return -1;
	return answer(req, incident_update(req->app, req->db, &who, id, req->json, &fe), &fe, id,
		      200);
}

static int incidents_transition(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	struct wf_actor by = work_actor(req, &who);
	if (zone_ready(req))
		return -1;
	return answer(req, incident_transition(req->app, req->db, &by, id, req->json, &fe), &fe, id,
		      200);
}

static int incidents_comment(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct viewer v = viewer_of(req);
	int64_t id = req_param_int(req, "id");
	if (zone_ready(req))
		return -1;
	return answer(req, incident_comment(req->app, req->db, &who, &v, id, req->json, &fe), &fe,
		      id, 201);
}

static int incidents_report(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct org_info o;
	int64_t id = req_param_int(req, "id");
	if (org_ready(req, &o))
		return -1;
	return answer(req,
		      incident_record_report(req->app, req->db, &who, &o.org, id, req->json, &fe),
		      &fe, id, 200);
}

/* --- documents: the reports as sent, the notice letter ------------------------------------ */

/* The incident as an officer's document sees it, read for `why` (an audit event: reading an
 * incident is reading personal information). */
static json_t *read_for_document(struct req *req, int64_t id, const char *why, enum status *st)
{
	struct viewer v = viewer_of(req);
	struct viewer officer = { req->user->id, true, true, v.sees_anonymous };
	json_t *inc = incident_json(req->app, req->db, id, v.can_manage ? &officer : &v, st);
	if (!inc)
		return NULL;
	struct actor who = req_actor(req);
	json_t *sum = json_pack("{s:s}", "document", why);
	int rc = audit_append_tx(req->db, &who, "incident.read", "incident", id, sum);
	json_decref(sum);
	if (rc) {
		json_decref(inc);
		*st = ST_DB;
		return NULL;
	}
	return inc;
}

static void draw_document(struct pdf *p, void *doc)
{
	report_document_pdf(p, doc);
}

enum doc_form { DOC_JSON, DOC_TEXT, DOC_PDF };

/* The report document as it would be sent today (kind, lang): JSON, plain text or PDF. */
static int document(struct req *req, enum doc_form form)
{
	struct org_info o;
	enum status st;
	int64_t id = req_param_int(req, "id");
	const char *kind = req_query(req, "kind"), *lang = req_query(req, "lang");
	char today[11];
	if (!kind || !*kind) {
		struct ferrors fe = FERRORS_INIT;
		ferr_add(&fe, "kind", "required", "Which report?");
		return reply_outcome(req, ST_INVALID, &fe, 200, NULL);
	}
	if (org_ready(req, &o))
		return -1;
	json_t *inc = read_for_document(req, id, kind, &st);
	if (!inc)
		return reply_status_of(req, st, NULL);
	tz_today(today);
	json_t *doc = incident_document(inc, kind, &o.org, today, lang ? lang : "ja");
	json_decref(inc);
	if (!doc)
		return -1;
	if (form == DOC_JSON)
		return reply_json(req, 200, doc);
	if (form == DOC_PDF) {
		int rc = reply_pdf(req, json_string_value(json_object_get(doc, "title")), NULL,
				   false, draw_document, doc,
				   arena_printf(&req->arena, "incident-%lld-%s-%s.pdf",
						(long long)id, kind, today),
				   "export.incident_document", "incident", id);
		json_decref(doc);
		return rc;
	}
	char *body = xstrdup(json_string_value(json_object_get(doc, "text")));
	json_decref(doc);
	return reply_download(
		req, "text/plain; charset=utf-8",
		arena_printf(&req->arena, "incident-%lld-%s-%s.txt", (long long)id, kind, today),
		body, strlen(body));
}

static int incidents_document(struct req *req)
{
	return document(req, DOC_JSON);
}

static int incidents_document_txt(struct req *req)
{
	return document(req, DOC_TEXT);
}

static int incidents_document_pdf(struct req *req)
{
	return document(req, DOC_PDF);
}

/* A frozen copy: the report as it was sent. */
static int incidents_copy(struct req *req)
{
	enum status st;
	int64_t id = req_param_int(req, "id");
	if (zone_ready(req))
		return -1;
	json_t *inc = read_for_document(req, id, "copy", &st);
	if (!inc)
		return reply_status_of(req, st, NULL);
	json_decref(inc);
	json_t *doc = incident_copy(req->app, req->db, id, req_param_int(req, "copy"), &st);
	return doc ? reply_json(req, 200, doc) : reply_status_of(req, st, NULL);
}

/* A draft of the notice to the people affected, from the recorded facts. */
static int incidents_notice_draft(struct req *req)
{
	struct org_info o;
	enum status st;
	char today[11];
	int64_t id = req_param_int(req, "id");
	if (org_ready(req, &o))
		return -1;
	json_t *inc = read_for_document(req, id, "notice", &st);
	if (!inc)
		return reply_status_of(req, st, NULL);
	tz_today(today);
	char *draft = incident_notice_draft(inc, &o.org, today);
	json_decref(inc);
	json_t *out = json_pack("{s:s}", "text", draft);
	free(draft);
	return reply_json(req, 200, out);
}

static int incidents_action(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id"), action_id = 0;
	if (zone_ready(req))
		return -1;
	enum status st = incident_open_action(req->db, &who, id, req->json, &action_id, &fe);
	return answer(req, st, &fe, id, 201);
}

/* --- overviews and settings --------------------------------------------------------------- */

static int incidents_dashboard(struct req *req)
{
	if (zone_ready(req))
		return -1;
	json_t *o = incident_dashboard(req->db);
	return o ? reply_json(req, 200, o) : -1;
}

static int incidents_trends(struct req *req)
{
	int64_t months = 12;
	const char *v = req_query(req, "months");
	if (v)
		parse_i64(v, 1, 36, &months);
	if (zone_ready(req))
		return -1;
	json_t *o = incident_trends(req->db, (int)months);
	return o ? reply_json(req, 200, o) : -1;
}

static int incidents_contacts(struct req *req)
{
	json_t *o = incident_contacts(req->db, req->user->id);
	return o ? reply_json(req, 200, o) : -1;
}

static int settings_show(struct req *req)
{
	struct incident_settings s;
	if (incident_settings_get(req->db, &s))
		return -1;
	return reply_json(req, 200, incident_settings_json(&s));
}

static int settings_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	enum status st = incident_settings_update(req->db, &who, req->json, &fe);
	struct incident_settings s;
	bool ok = st == ST_OK && incident_settings_get(req->db, &s) == 0;
	return reply_outcome(req, st, &fe, 200, ok ? incident_settings_json(&s) : NULL);
}

/* --- schemas and routes ------------------------------------------------------------------- */

static const struct field create_body[] = {
	{ "kind", FT_ENUM, 0, .choices = kinds },
	{ "category", FT_ENUM, F_REQUIRED, .choices = categories },
	{ "title", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "description", FT_TEXT, 0, .max = 4000 },
	{ "location", FT_STRING, 0, .max = 200 },
	{ "affected", FT_TEXT, 0, .max = 1000 },
	{ "occurred_at", FT_TIME, F_NULLABLE },
	{ "discovered_at", FT_TIME, 0 },
	{ "anonymous", FT_BOOL, 0 },
	{ "pd_involved", FT_BOOL, 0 },
	{ "pd_count", FT_INT, F_NULLABLE, .min = 0, .max = 1000000000 },
	{ 0 }
};

static const struct field patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "kind", FT_ENUM, 0, .choices = kinds },
	{ "category", FT_ENUM, 0, .choices = categories },
	{ "title", FT_STRING, 0, .min = 1, .max = 200 },
	{ "description", FT_TEXT, 0, .max = 4000 },
	{ "location", FT_STRING, 0, .max = 200 },
	{ "affected", FT_TEXT, 0, .max = 1000 },
	{ "occurred_at", FT_TIME, F_NULLABLE },
	{ "discovered_at", FT_TIME, 0 },
	{ "severity", FT_ENUM, F_NULLABLE, .choices = severities },
	{ "assignee_id", FT_ID, F_NULLABLE },
	{ "pd_involved", FT_BOOL, 0 },
	{ "pd_items", FT_TEXT, 0, .max = 2000 },
	{ "pd_count", FT_INT, F_NULLABLE, .min = 0, .max = 1000000000 },
	{ "pd_sensitive", FT_BOOL, 0 },
	{ "pd_financial", FT_BOOL, 0 },
	{ "pd_unauthorised", FT_BOOL, 0 },
	{ "pd_encrypted", FT_BOOL, 0 },
	{ "personal_details", FT_TEXT, F_NULLABLE, .max = 10000 },
	{ "cause", FT_TEXT, 0, .max = 4000 },
	{ "secondary_damage", FT_TEXT, 0, .max = 4000 },
	{ "subject_response", FT_TEXT, 0, .max = 4000 },
	{ "announcement", FT_TEXT, 0, .max = 4000 },
	{ "prevention", FT_TEXT, 0, .max = 4000 },
	{ "other_notes", FT_TEXT, 0, .max = 4000 },
	{ "pd_mynumber", FT_BOOL, 0 },
	{ "mn_network", FT_BOOL, 0 },
	{ "mn_public", FT_BOOL, 0 },
	{ "mn_misuse", FT_BOOL, 0 },
	{ "mn_unlawful", FT_BOOL, 0 },
	{ "mn_count", FT_INT, F_NULLABLE, .min = 0, .max = 1000000000 },
	{ "pd_media", FT_STRING, 0, .max = 200 },
	{ "safeguards", FT_TEXT, 0, .max = 4000 },
	{ "source", FT_TEXT, 0, .max = 1000 },
	{ "ppc_contractor", FT_BOOL, 0 },
	{ "contractor_client", FT_STRING, 0, .max = 200 },
	{ "contractor_notified_on", FT_DATE, F_NULLABLE },
	{ "notice_letter", FT_TEXT, 0, .max = 10000 },
	{ "pinfo_ids", FT_INTARRAY, 0 },
	{ 0 }
};

static const struct field transition_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 },
						{ "to", FT_ENUM, F_REQUIRED, .choices = statuses },
						{ "reason", FT_TEXT, 0, .max = 2000 },
						{ "duplicate_of", FT_ID, 0 },
						{ 0 } };

static const struct field comment_body[] = { { "body", FT_TEXT, F_REQUIRED, .min = 1, .max = 4000 },
					     { "internal", FT_BOOL, 0 },
					     { 0 } };

static const struct field report_body[] = {
	{ "kind", FT_ENUM, F_REQUIRED, .choices = report_kinds },
	{ "state", FT_ENUM, F_REQUIRED, .choices = report_states },
	{ "done_on", FT_DATE, F_NULLABLE },
	{ "note", FT_TEXT, 0, .max = 1000 },
	{ 0 }
};

static const struct field settings_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "holds_pmark", FT_BOOL, 0 },
	{ "review_body", FT_STRING, 0, .max = 200 },
	{ "review_body_days", FT_INT, 0, .min = 1, .max = 30 },
	{ "pmark_number", FT_STRING, 0, .max = 50 },
	{ 0 }
};

static const struct field document_query[] = {
	{ "kind", FT_ENUM, 0, .choices = document_kinds }, /* required: checked by the route */
	{ "lang", FT_ENUM, 0, .choices = langs },
	{ 0 }
};

/* The list's filters, shared by the list and its exports. */
#define FILTERS                                                                                    \
	{ "q", FT_STRING, 0, .max = 100 }, { "kind", FT_ENUM, 0, .choices = kinds },               \
		{ "category", FT_ENUM, 0, .choices = categories },                                 \
		{ "status", FT_ENUM, 0, .choices = statuses },                                     \
		{ "state", FT_ENUM, 0, .choices = states },                                        \
		{ "severity", FT_ENUM, 0, .choices = severities },                                 \
		{ "ppc", FT_ENUM, 0, .choices = flags }, { "mine", FT_ENUM, 0, .choices = flags }, \
		{ "from", FT_DATE, 0 },                                                            \
	{                                                                                          \
		"to", FT_DATE, 0                                                                   \
	}

static const struct field list_query[] = {
	FILTERS, { "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX }, { "cursor", FT_ID, 0 }, { 0 }
};

static const struct field export_query[] = { FILTERS,
					     { "encoding", FT_ENUM, 0, .choices = encodings },
					     { "unmappable", FT_ENUM, 0,
					       .choices = export_unmappable },
					     { 0 } };

static const struct field trends_query[] = { { "months", FT_INT, 0, .min = 1, .max = 36 }, { 0 } };

static const struct route routes[] = {
	{ "POST", "/api/v1/incidents", "incidents.report", incidents_create, .body = create_body },
	{ "GET", "/api/v1/incidents", "incidents.report", incidents_list, .query = list_query },
	{ "GET", "/api/v1/incidents.csv", "incidents.read", incidents_export, .query = export_query,
	  .arg = &export_as_csv },
	{ "GET", "/api/v1/incidents.xlsx", "incidents.read", incidents_export,
	  .query = export_query, .arg = &export_as_xlsx },
	{ "GET", "/api/v1/incidents/dashboard", "incidents.read", incidents_dashboard },
	{ "GET", "/api/v1/incidents/trends", "incidents.report", incidents_trends,
	  .query = trends_query },
	{ "GET", "/api/v1/incidents/contacts", "incidents.report", incidents_contacts },
	{ "GET", "/api/v1/incidents/settings", "incidents.report", settings_show },
	{ "PATCH", "/api/v1/incidents/settings", "incidents.manage", settings_patch,
	  .body = settings_body },
	{ "GET", "/api/v1/incidents/{id:int}", "incidents.report", incidents_show },
	{ "PATCH", "/api/v1/incidents/{id:int}", "incidents.manage", incidents_patch,
	  .body = patch_body },
	{ "POST", "/api/v1/incidents/{id:int}/transition", "incidents.manage", incidents_transition,
	  .body = transition_body },
	{ "POST", "/api/v1/incidents/{id:int}/comments", "incidents.report", incidents_comment,
	  .body = comment_body },
	{ "POST", "/api/v1/incidents/{id:int}/reports", "incidents.manage", incidents_report,
	  .body = report_body },
	{ "POST", "/api/v1/incidents/{id:int}/actions", "incidents.manage", incidents_action,
	  .body = action_new_schema },
	{ "GET", "/api/v1/incidents/{id:int}/document", "incidents.read", incidents_document,
	  .query = document_query },
	{ "GET", "/api/v1/incidents/{id:int}/document.txt", "incidents.read",
	  incidents_document_txt, .query = document_query },
	{ "GET", "/api/v1/incidents/{id:int}/document.pdf", "incidents.read",
	  incidents_document_pdf, .query = document_query },
	{ "GET", "/api/v1/incidents/{id:int}/copies/{copy:int}", "incidents.read", incidents_copy },
	{ "GET", "/api/v1/incidents/{id:int}/notice-draft", "incidents.manage",
	  incidents_notice_draft },
};

const struct route_table incidents_routes = { routes, ARRAY_SIZE(routes) };

const struct permission incidents_permissions[] = {
	{ "incidents.report", "incidents" },
	{ "incidents.read", "incidents" },
	{ "incidents.manage", "incidents" },
	{ 0 },
};
