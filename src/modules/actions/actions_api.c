/* actions_api.c — /api/v1/actions: the corrective-action list, one action, its progress. */
#include <string.h>

#include "actions.h"
#include "actions_impl.h"
#include "../modules.h"
#include "../workflow/work.h"
#include "../../http/export.h"
#include "../../lib/jsonw.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200

static const char *const kinds[] = { "corrective", "preventive", NULL };
static const char *const statuses[] = {
	"open", "in_progress", "done", "closed", "cancelled", NULL
};
static const char *const states[] = { "open", "finished", NULL };
static const char *const flags[] = { "0", "1", NULL };
static const char *const moves[] = { "in_progress", "done", "open", "cancelled", NULL };
static const char *const results[] = { "effective", "not_effective", NULL };
static const char *const encodings[] = { "utf-8", "cp932", NULL };

/* The action as `req`'s user sees it: with the moves they may make now. */
static json_t *action_for(struct req *req, int64_t id)
{
	json_t *a = action_json(req->db, id);
	if (!a)
		return NULL;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	json_t *allowed = wf_allowed(req->db, &action_workflow, &by, id);
	if (!allowed) {
		json_decref(a);
		return NULL;
	}
	json_object_set_new(a, "allowed_transitions", allowed);
	return a;
}

/* Answers `st`, or on ST_OK the action as it is now. */
static int answer(struct req *req, enum status st, struct ferrors *fe, int64_t id)
{
	return reply_outcome(req, st, fe, 200, st == ST_OK ? action_for(req, id) : NULL);
}

static bool is_set(struct req *req, const char *name)
{
	const char *v = req_query(req, name);
	return v && !strcmp(v, "1");
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

/* The list's WHERE clause. Without actions.read a caller sees only the actions they own. */
static void filters(struct req *req, struct query *q, const char *today)
{
	const char *v;
	query_add(q, "WHERE 1 = 1", NULL, 0);
	if (!req_can(req, "actions.read") || is_set(req, "mine"))
		query_add(q, "AND a.owner_id = ?", P(V_INT(req->user->id)));
	if ((v = req_query(req, "q")) && *v) {
		char *pat = like_text(req, v);
		query_add(q,
			  "AND (a.title LIKE ? ESCAPE '\\' OR a.source_title LIKE ? ESCAPE '\\')",
			  P(V_TEXT(pat), V_TEXT(pat)));
	}
	if ((v = req_query(req, "status")) && *v)
		query_add(q, "AND a.status = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "state")) && *v)
		query_add(q,
			  !strcmp(v, "open") ? "AND a.status IN ('open', 'in_progress')"
					     : "AND a.status NOT IN ('open', 'in_progress')",
			  NULL, 0);
	if ((v = req_query(req, "source_type")) && *v)
		query_add(q, "AND a.source_type = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "source_id")) && *v)
		query_add(q, "AND a.source_id = ?", P(V_INT(strtoll(v, NULL, 10))));
	if ((v = req_query(req, "owner_id")) && *v)
		query_add(q, "AND a.owner_id = ?", P(V_INT(strtoll(v, NULL, 10))));
	if (is_set(req, "overdue"))
		query_add(q, "AND a.status IN ('open', 'in_progress') AND a.due_on < ?",
			  P(V_TEXT(today)));
}

static void action_row_write(struct jsonw *w, struct dbrows *r, void *today)
{
	action_write(w, r, today);
}

static int actions_list(struct req *req)
{
	int64_t limit = PAGE_DEFAULT, cursor = 0;
	const char *v;
	char today[11];
	struct query q;
	struct dbrows r;
	if ((v = req_query(req, "limit")))
		parse_i64(v, 1, PAGE_MAX, &limit);
	if ((v = req_query(req, "cursor")))
		parse_i64(v, 1, INT64_MAX, &cursor);
	tz_today(today);
	query_init(&q, action_list_head);
	filters(req, &q, today);
	if (cursor)
		query_add(&q, "AND a.id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY a.id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	if (query_write_page(&w, &r, limit, action_row_write, today)) {
		buf_release(&out);
		return -1;
	}
	jw_object_end(&w);
	return reply_buf(req, 200, &out);
}

/* Japanese words for the export's coded values. */
static const char *ja_word(const char *code)
{
	static const struct {
		const char *code, *ja;
	} words[] = {
		{ "corrective", "是正処置" },
		{ "preventive", "予防処置" },
		{ "open", "未着手" },
		{ "in_progress", "対応中" },
		{ "done", "完了（有効性確認待ち）" },
		{ "closed", "終了" },
		{ "cancelled", "取消" },
		{ "effective", "有効" },
		{ "not_effective", "有効でない" },
		{ "incident", "事故・ヒヤリハット" },
		{ "other", "その他" },
	};
	for (size_t i = 0; code && i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].code, code))
			return words[i].ja;
	return code;
}

static json_t *str_or_null(json_t *v)
{
	return json_is_string(v) ? json_string(ja_word(json_string_value(v))) : json_null();
}

static json_t *person_name(json_t *p)
{
	return json_is_object(p) ? json_incref(json_object_get(p, "name")) : json_null();
}

static int actions_export(struct req *req, enum export_format fmt)
{
	char today[11];
	struct query q;
	tz_today(today);
	query_init(&q, action_list_head);
	filters(req, &q, today);
	query_add(&q, "ORDER BY a.id", NULL, 0);
	struct dbrows r;
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_array(&w);
	while (db_next(&r))
		action_write(&w, &r, today);
	jw_array_end(&w);
	int failed = r.failed;
	db_rows_free(&r);
	json_t *items = failed ? NULL : json_loadb(out.buf, out.len, 0, NULL);
	buf_release(&out);
	if (!items)
		return -1;
	json_t *headers =
		json_pack("[s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s]", "ID", "種別", "出所", "出所ID",
			  "出所の件名", "件名", "原因", "処置の内容", "担当者", "期限", "状態",
			  "期限超過", "実施結果", "有効性", "確認者", "確認日時");
	json_t *rows = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a)
	{
		json_t *row = json_array();
		json_array_append(row, json_object_get(a, "id"));
		json_array_append_new(row, str_or_null(json_object_get(a, "kind")));
		json_array_append_new(row, str_or_null(json_object_get(a, "source_type")));
		json_array_append(row, json_object_get(a, "source_id"));
		json_array_append(row, json_object_get(a, "source_title"));
		json_array_append(row, json_object_get(a, "title"));
		json_array_append(row, json_object_get(a, "cause"));
		json_array_append(row, json_object_get(a, "plan"));
		json_array_append_new(row, person_name(json_object_get(a, "owner")));
		json_array_append(row, json_object_get(a, "due_on"));
		json_array_append_new(row, str_or_null(json_object_get(a, "status")));
		json_array_append_new(
			row,
			json_string(json_is_true(json_object_get(a, "overdue")) ? "期限超過" : ""));
		json_array_append(row, json_object_get(a, "result"));
		json_array_append_new(row, str_or_null(json_object_get(a, "effectiveness")));
		json_array_append_new(row, person_name(json_object_get(a, "checked_by")));
		json_array_append(row, json_object_get(a, "checked_at"));
		json_array_append_new(rows, row);
	}
	rc = reply_export(req, fmt, "actions", headers, rows);
	json_decref(items);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

static int actions_csv(struct req *req)
{
	return actions_export(req, EXPORT_CSV);
}

static int actions_xlsx(struct req *req)
{
	return actions_export(req, EXPORT_XLSX);
}

static int actions_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct action_new a = {
		.source_type = "other",
		.kind = req_str(req, "kind"),
		.title = req_str(req, "title"),
		.cause = req_str(req, "cause"),
		.plan = req_str(req, "plan"),
		.owner_id = req_int(req, "owner_id", 0),
		.due_on = req_str(req, "due_on"),
		.effectiveness_due = req_str(req, "effectiveness_due"),
	};
	int64_t id = 0;
	enum status st = action_open(req->db, &who, &a, &id, &fe);
	json_t *body = st == ST_OK ? action_for(req, id) : NULL;
	if (st == ST_OK && body)
		reply_json(req, 201, body);
	else
		reply_status_of(req, st == ST_OK ? ST_DB : st, &fe);
	ferr_release(&fe);
	return 0;
}

/* The action if the caller may see it: with actions.read, or as its owner. Otherwise NULL
 * and a 404 answer, so nobody learns which ids exist. */
static json_t *visible_action(struct req *req, int64_t id)
{
	json_t *a = action_for(req, id);
	if (!a) {
		if (db_errkind(req->db) == DBE_NONE)
			reply_status_of(req, ST_NOT_FOUND, NULL);
		return NULL;
	}
	int64_t owner = json_integer_value(json_object_get(json_object_get(a, "owner"), "id"));
	if (!req_can(req, "actions.read") && owner != req->user->id) {
		json_decref(a);
		reply_status_of(req, ST_NOT_FOUND, NULL);
		return NULL;
	}
	return a;
}

static int actions_show(struct req *req)
{
	json_t *a = visible_action(req, req_param_int(req, "id"));
	if (!a)
		return req->replied ? 0 : -1;
	return reply_json(req, 200, a);
}

static int actions_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	return answer(req, action_update(req->db, &who, id, req->json, &fe), &fe, id);
}

static int actions_status(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	json_t *a = visible_action(req, id);
	if (!a)
		return req->replied ? 0 : -1;
	json_decref(a);
	struct wf_actor by = work_actor(req, &who);
	enum status st = action_set_status(req->db, &by, id, req_int(req, "version", 0),
					   req_str(req, "to"), req_str(req, "note"), &fe);
	return answer(req, st, &fe, id);
}

static int actions_effectiveness(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	struct wf_actor by = work_actor(req, &who);
	enum status st = action_check(req->db, &by, id, req_int(req, "version", 0),
				      req_str(req, "result"), req_str(req, "note"), req->json, &fe);
	return answer(req, st, &fe, id);
}

/* --- schemas and routes ------------------------------------------------------------------- */

/* The list's filters, shared by the list and its exports. */
#define FILTERS                                                                                    \
	{ "q", FT_STRING, 0, .max = 100 }, { "status", FT_ENUM, 0, .choices = statuses },          \
		{ "state", FT_ENUM, 0, .choices = states },                                        \
		{ "source_type", FT_STRING, 0, .max = 32 }, { "source_id", FT_ID, 0 },             \
		{ "owner_id", FT_ID, 0 }, { "mine", FT_ENUM, 0, .choices = flags },                \
	{                                                                                          \
		"overdue", FT_ENUM, 0, .choices = flags                                            \
	}

static const struct field list_query[] = {
	FILTERS, { "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX }, { "cursor", FT_ID, 0 }, { 0 }
};

static const struct field export_query[] = { FILTERS,
					     { "encoding", FT_ENUM, 0, .choices = encodings },
					     { 0 } };

const struct field action_new_schema[] = { { "kind", FT_ENUM, 0, .choices = kinds },
					   { "title", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
					   { "cause", FT_TEXT, 0, .max = 4000 },
					   { "plan", FT_TEXT, 0, .max = 4000 },
					   { "owner_id", FT_ID, F_REQUIRED },
					   { "due_on", FT_DATE, F_REQUIRED },
					   { "effectiveness_due", FT_DATE, F_NULLABLE },
					   { 0 } };

static const struct field patch_body[] = { { "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
					   { "kind", FT_ENUM, 0, .choices = kinds },
					   { "title", FT_STRING, 0, .min = 1, .max = 200 },
					   { "cause", FT_TEXT, 0, .max = 4000 },
					   { "plan", FT_TEXT, 0, .max = 4000 },
					   { "owner_id", FT_ID, 0 },
					   { "due_on", FT_DATE, 0 },
					   { "effectiveness_due", FT_DATE, F_NULLABLE },
					   { 0 } };

static const struct field status_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 },
					    { "to", FT_ENUM, F_REQUIRED, .choices = moves },
					    { "note", FT_TEXT, 0, .max = 4000 },
					    { 0 } };

static const struct field effectiveness_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 },
						   { "result", FT_ENUM, F_REQUIRED,
						     .choices = results },
						   { "note", FT_TEXT, F_REQUIRED, .max = 4000 },
						   { "due_on", FT_DATE, F_NULLABLE },
						   { 0 } };

static const struct route routes[] = {
	{ "GET", "/api/v1/actions", "actions.work", actions_list, .query = list_query },
	{ "GET", "/api/v1/actions.csv", "actions.read", actions_csv, .query = export_query },
	{ "GET", "/api/v1/actions.xlsx", "actions.read", actions_xlsx, .query = export_query },
	{ "POST", "/api/v1/actions", "actions.write", actions_create, .body = action_new_schema },
	{ "GET", "/api/v1/actions/{id:int}", "actions.work", actions_show },
	{ "PATCH", "/api/v1/actions/{id:int}", "actions.write", actions_patch, .body = patch_body },
	{ "POST", "/api/v1/actions/{id:int}/status", "actions.work", actions_status,
	  .body = status_body },
	{ "POST", "/api/v1/actions/{id:int}/effectiveness", "actions.write", actions_effectiveness,
	  .body = effectiveness_body },
};

const struct route_table actions_routes = { routes, ARRAY_SIZE(routes) };

const struct permission actions_permissions[] = {
	{ "actions.work", "actions" },
	{ "actions.read", "actions" },
	{ "actions.write", "actions" },
	{ 0 },
};
