/* takeouts_api.c — /api/v1/takeouts: requests, the ledger and its exports, return, tasks. */
#include <stdlib.h>
#include <string.h>

#include "takeouts_impl.h"
#include "../assets/assets.h"
#include "../settings/settings.h"
#include "../registers/registers_api.h"
#include "../workflow/work.h"
#include "../../http/export.h"
#include "../../lib/jsonw.h"
#include "../../lib/timeutil.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200

static const char *const statuses[] = { "submitted", "approved",  "rejected", "sent_back",
					"withdrawn", "cancelled", "expired",  "out",
					"checking",  "returned",  NULL };
static const char *const item_kinds[] = { "asset", "pinfo", "device", "paper", "other", NULL };
static const char *const media[] = { "electronic", "paper", NULL };
static const char *const moves[] = { "out", "cancelled", "withdrawn", "returned", NULL };
static const char *const flags[] = { "0", "1", NULL };
static const char *const encodings[] = { "utf-8", "cp932", NULL };

/* Who is asking, as the domain functions see them. */
struct asker {
	struct actor who;
	struct wf_actor by;
	struct reg_scope scope;
	struct takeout_viewer v;
};

static void asker_init(struct req *req, struct asker *a)
{
	a->who = req_actor(req);
	a->by = work_actor(req, &a->who);
	a->scope = reg_scope_of(req);
	a->v = (struct takeout_viewer){ &a->by,
					req_can(req, "takeouts.read") ||
						req_can(req, "takeouts.manage"),
					&a->scope, "" };
	tz_today(a->v.today);
}

/* The take-out as the caller sees it, or NULL with 404 answered (or -1 on error). */
static json_t *visible(struct req *req, struct asker *a, int64_t id)
{
	enum status st;
	json_t *o = takeout_json(req->db, &a->v, id, &st);
	if (!o && st == ST_NOT_FOUND)
		reply_status_of(req, ST_NOT_FOUND, NULL);
	return o;
}

/* Answers `st`, or on ST_OK the take-out as it is now with `code`. */
static int answer(struct req *req, struct asker *a, enum status st, struct ferrors *fe, int64_t id,
		  int code)
{
	enum status rst;
	return reply_outcome(req, st, fe, code,
			     st == ST_OK ? takeout_json(req->db, &a->v, id, &rst) : NULL);
}

/* --- the ledger --------------------------------------------------------------------------- */

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

static void filters(struct req *req, struct asker *a, struct query *q, const char *today)
{
	const char *v;
	int64_t me = req->user->id, id;
	query_add(q, "WHERE 1 = 1", NULL, 0);
	takeout_visible_where(q, &a->v);
	if ((v = req_query(req, "q"))) {
		char *pat = like_text(req, v);
		query_add(
			q,
			"AND (t.purpose LIKE ? ESCAPE '\\' OR t.destination LIKE ? ESCAPE '\\' OR "
			"EXISTS (SELECT 1 FROM takeout_items i WHERE i.takeout_id = t.id AND "
			"(i.label LIKE ? ESCAPE '\\' OR i.asset_tag LIKE ? ESCAPE '\\')))",
			P(V_TEXT(pat), V_TEXT(pat), V_TEXT(pat), V_TEXT(pat)));
	}
	if ((v = req_query(req, "status")))
		query_add(q, "AND t.status = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "department_id")) && !parse_i64(v, 1, INT64_MAX, &id))
		query_add(q, "AND t.department_id = ?", P(V_INT(id)));
	if ((v = req_query(req, "classification_id")) && !parse_i64(v, 1, INT64_MAX, &id))
		query_add(q,
			  "AND EXISTS (SELECT 1 FROM takeout_items i WHERE i.takeout_id = t.id AND "
			  "i.classification_id = ?)",
			  P(V_INT(id)));
	if (is_set(req, "overdue"))
		query_add(q,
			  "AND t.status = 'out' AND t.back_on < ? AND EXISTS (SELECT 1 FROM "
			  "takeout_items i WHERE i.takeout_id = t.id AND i.state = 'out')",
			  P(V_TEXT(today)));
	if (is_set(req, "missing"))
		query_add(q,
			  "AND EXISTS (SELECT 1 FROM takeout_items i WHERE i.takeout_id = t.id AND "
			  "i.state = 'missing')",
			  NULL, 0);
	if (is_set(req, "mine"))
		query_add(q, "AND t.requester_id = ?", P(V_INT(me)));
	if (is_set(req, "to_check"))
		query_add(q, "AND t.checker_id = ?", P(V_INT(me)));
}

static void row_write(struct jsonw *w, struct dbrows *r, void *today)
{
	takeout_row_write(w, r, today);
}

static int takeouts_list(struct req *req)
{
	struct asker a;
	int64_t limit = PAGE_DEFAULT, cursor = 0;
	char today[11];
	struct query q;
	struct dbrows r;
	asker_init(req, &a);
	limit = req_query_int(req, "limit", limit, PAGE_MAX);
	cursor = req_query_int(req, "cursor", cursor, INT64_MAX);
	tz_today(today);
	query_init(&q, takeout_list_head);
	filters(req, &a, &q, today);
	if (cursor)
		query_add(&q, "AND t.id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY t.id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	if (query_write_page(&w, &r, limit, row_write, today)) {
		buf_release(&out);
		return -1;
	}
	jw_object_end(&w);
	return reply_buf(req, 200, &out);
}

/* Japanese words for the ledger's coded values. */
static const char *ja_word(const char *code)
{
	static const struct {
		const char *code, *ja;
	} words[] = {
		{ "submitted", "承認待ち" },
		{ "approved", "承認済み" },
		{ "rejected", "却下" },
		{ "sent_back", "差し戻し" },
		{ "withdrawn", "取り下げ" },
		{ "cancelled", "取消" },
		{ "expired", "期間終了（未使用）" },
		{ "out", "持ち出し中" },
		{ "checking", "返却確認待ち" },
		{ "returned", "返却済み" },
	};
	for (size_t i = 0; code && i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].code, code))
			return words[i].ja;
	return code;
}

static json_t *yes(bool b)
{
	return json_string(b ? "はい" : "");
}

static json_t *name_of(json_t *person)
{
	return json_is_object(person) ? json_incref(json_object_get(person, "name")) : json_null();
}

/* Every item of take-out `id` in one cell: "label (asset tag) [state]", one per line. */
static json_t *items_cell(struct db *db, int64_t id)
{
	struct dbrows r;
	struct buf b = BUF_INIT;
	static const struct {
		const char *state, *ja;
	} states[] = { { "pending", "" },
		       { "out", "［持ち出し中］" },
		       { "back", "［返却済み］" },
		       { "missing", "［紛失］" } };
	if (db_query(db, &r,
		     "SELECT label, asset_tag, state, class_label FROM takeout_items WHERE "
		     "takeout_id = ? ORDER BY position",
		     P(V_INT(id))))
		return NULL;
	while (db_next(&r)) {
		if (b.len)
			buf_addch(&b, '\n');
		buf_adds(&b, db_text(&r, 0));
		if (*db_text(&r, 1))
			buf_printf(&b, "（%s）", db_text(&r, 1));
		if (*db_text(&r, 3))
			buf_printf(&b, "〈%s〉", db_text(&r, 3));
		for (size_t i = 0; i < ARRAY_SIZE(states); i++)
			if (!strcmp(states[i].state, db_text(&r, 2)))
				buf_adds(&b, states[i].ja);
	}
	json_t *cell = r.failed ? NULL : json_string(b.len ? b.buf : "");
	db_rows_free(&r);
	buf_release(&b);
	return cell;
}

static int takeouts_export(struct req *req)
{
	enum export_format fmt = export_format_of(req);
	struct asker a;
	char today[11];
	struct query q;
	struct dbrows r;
	asker_init(req, &a);
	tz_today(today);
	query_init(&q, takeout_list_head);
	filters(req, &a, &q, today);
	query_add(&q, "ORDER BY t.id", NULL, 0);
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_array(&w);
	while (db_next(&r))
		takeout_row_write(&w, &r, today);
	jw_array_end(&w);
	int failed = r.failed;
	db_rows_free(&r);
	json_t *list = failed ? NULL : json_loadb(out.buf, out.len, 0, NULL);
	buf_release(&out);
	if (!list)
		return -1;
	json_t *headers = json_pack(
		"[s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s]", "ID", "状態", "申請者", "部署",
		"品目", "最上位の区分", "個人情報", "要配慮個人情報", "目的", "持ち出し先",
		"持ち出し日", "返却予定日", "繰り返し", "暗号化", "パスワード設定", "複製",
		"必要最小限", "手元から離さない", "個人情報保護管理者の承認", "返却確認者",
		"返却確認日時", "戻っていない品目数", "紛失した品目数", "期限超過");
	json_t *rows = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(list, i, t)
	{
		json_t *p = json_object_get(t, "protections"),
		       *cls = json_object_get(t, "top_class");
		json_t *items = items_cell(req->db, json_integer_value(json_object_get(t, "id")));
		if (!items) {
			json_decref(rows);
			json_decref(headers);
			json_decref(list);
			return -1;
		}
		json_t *row = json_array();
		json_array_append(row, json_object_get(t, "id"));
		json_array_append_new(
			row, json_string(ja_word(json_string_value(json_object_get(t, "status")))));
		json_array_append_new(row, name_of(json_object_get(t, "requester")));
		json_array_append_new(row, name_of(json_object_get(t, "department")));
		json_array_append_new(row, items);
		json_array_append_new(row, json_is_object(cls)
						   ? json_incref(json_object_get(cls, "label"))
						   : json_null());
		json_array_append_new(row, yes(json_is_true(json_object_get(t, "has_pinfo"))));
		json_array_append_new(row, yes(json_is_true(json_object_get(t, "sensitive"))));
		json_array_append(row, json_object_get(t, "purpose"));
		json_array_append(row, json_object_get(t, "destination"));
		json_array_append(row, json_object_get(t, "leave_on"));
		json_array_append(row, json_object_get(t, "return_on"));
		json_array_append_new(row, yes(json_is_true(json_object_get(t, "repeating"))));
		for (int k = 0; k < TP_COUNT; k++)
			json_array_append_new(
				row,
				yes(json_is_true(json_object_get(p, takeout_protection_name(k)))));
		json_array_append_new(row, yes(json_is_true(json_object_get(t, "officer_needed"))));
		json_array_append_new(row, name_of(json_object_get(t, "checked_by")));
		json_array_append(row, json_object_get(t, "checked_at"));
		json_array_append(row, json_object_get(t, "out_count"));
		json_array_append(row, json_object_get(t, "missing_count"));
		json_array_append_new(
			row,
			json_string(json_is_true(json_object_get(t, "overdue")) ? "期限超過" : ""));
		json_array_append_new(rows, row);
	}
	rc = reply_export(req, fmt, "takeouts", headers, rows);
	json_decref(list);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

/* --- requests ----------------------------------------------------------------------------- */

static int takeouts_candidates(struct req *req)
{
	struct asker a;
	int64_t limit = 10;
	const char *v = req_query(req, "limit");
	asker_init(req, &a);
	if (v)
		parse_i64(v, 1, 50, &limit);
	json_t *items = takeout_candidates(req->db, &a.v, req_query(req, "q"), limit);
	if (!items)
		return -1;
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* What the request form chooses from: the checker — colleagues of the requester's
 * department, their manager and the privacy officers, active people other than themselves
 * (everyone, for the privacy officer) — and the classification levels, most protected first. */
static int takeouts_choices(struct req *req)
{
	struct dbrows r;
	int64_t me = req->user->id, manager = 0;
	/* The privacy officer, who may name another checker on anyone's take-out, chooses
	 * among everyone. */
	bool everyone = req_can(req, "takeouts.manage");
	if (wf_manager_of(req->db, me, &manager) ||
	    db_query(
		    req->db, &r,
		    "SELECT u.id, u.name, d.name FROM users u LEFT JOIN departments d ON d.id = "
		    "u.department_id WHERE u.status = 'active' AND u.id <> ? AND (? = 1 OR "
		    "(u.department_id IS NOT NULL AND u.department_id = (SELECT department_id FROM "
		    "users WHERE id = ?)) OR u.id = ? OR u.id IN (SELECT ur.user_id FROM "
		    "user_roles "
		    "ur JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE rp.permission = "
		    "'takeouts.manage')) ORDER BY u.name, u.id LIMIT 500",
		    P(V_INT(me), V_BOOL(everyone), V_INT(me), V_INT(manager))))
		return -1;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(
			items, json_pack("{s:I,s:s,s:s?}", "id", (json_int_t)db_int(&r, 0), "name",
					 db_text(&r, 1), "department", db_text(&r, 2)));
	int failed = r.failed;
	db_rows_free(&r);
	json_t *levels = failed ? NULL : classifications_list(req->db);
	if (!levels) {
		json_decref(items);
		return -1;
	}
	size_t i;
	json_t *l;
	json_array_foreach(levels, i, l)
	{
		json_object_del(l,
				"assets"); /* how many assets each has: not the form's business */
		json_object_del(l, "version");
	}
	return reply_json(req, 200, json_pack("{s:o,s:o}", "checkers", items, "levels", levels));
}

static int takeouts_requirements(struct req *req)
{
	struct asker a;
	asker_init(req, &a);
	json_t *o = takeout_requirements(req->db, &a.v, req->json);
	if (!o)
		return -1;
	return reply_json(req, 200, o);
}

static int takeouts_create(struct req *req)
{
	struct asker a;
	struct ferrors fe = FERRORS_INIT;
	int64_t id = 0;
	asker_init(req, &a);
	enum status st = takeout_create(req->app, req->db, &a.v, req->json, &id, &fe);
	return answer(req, &a, st, &fe, id, 201);
}

static int takeouts_show(struct req *req)
{
	struct asker a;
	asker_init(req, &a);
	json_t *o = visible(req, &a, req_param_int(req, "id"));
	if (!o)
		return req->replied ? 0 : -1;
	return reply_json(req, 200, o);
}

/* Runs `step` on a take-out the caller may see (404 otherwise). */
static int change(struct req *req,
		  enum status (*step)(struct app *, struct db *, const struct takeout_viewer *,
				      int64_t, json_t *, struct ferrors *))
{
	struct asker a;
	struct ferrors fe = FERRORS_INIT;
	int64_t id = req_param_int(req, "id");
	asker_init(req, &a);
	json_t *o = visible(req, &a, id);
	if (!o)
		return req->replied ? 0 : -1;
	json_decref(o);
	return answer(req, &a, step(req->app, req->db, &a.v, id, req->json, &fe), &fe, id, 200);
}

static int takeouts_resubmit(struct req *req)
{
	return change(req, takeout_resubmit);
}

static int takeouts_transition(struct req *req)
{
	return change(req, takeout_move);
}

static int takeouts_return(struct req *req)
{
	return change(req, takeout_return);
}

static int takeouts_confirm(struct req *req)
{
	return change(req, takeout_confirm);
}

static int takeouts_missing(struct req *req)
{
	struct asker a;
	struct ferrors fe = FERRORS_INIT;
	struct settings s;
	int64_t id = req_param_int(req, "id"), incident_id = 0;
	asker_init(req, &a);
	/* The incident's discovery date is the organisation's day. */
	if (settings_get(req->app, req->db, &s))
		return -1;
	json_t *o = visible(req, &a, id);
	if (!o)
		return req->replied ? 0 : -1;
	json_decref(o);
	enum status st = takeout_missing(req->app, req->db, &a.v, id, req_int(req, "item_id", 0),
					 req->json, &incident_id, &fe);
	return answer(req, &a, st, &fe, id, 200);
}

static int takeouts_checker(struct req *req)
{
	struct asker a;
	struct ferrors fe = FERRORS_INIT;
	int64_t id = req_param_int(req, "id");
	asker_init(req, &a);
	enum status st = takeout_set_checker(req->db, &a.v, id, req->json, &fe);
	return answer(req, &a, st, &fe, id, 200);
}

/* --- tasks -------------------------------------------------------------------------------- */

/* People who see a take-out's overdue items: its requester, its checker and the requester's
 * manager (their own, or the department's manager or deputy). */
#define OVERDUE_PEOPLE                                                                             \
	"(t.requester_id = ? OR t.checker_id = ? OR t.requester_id IN (SELECT u.id FROM users u "  \
	"WHERE u.manager_id = ?) OR t.department_id IN (SELECT d.id FROM departments d WHERE "     \
	"d.manager_id = ? OR d.deputy_id = ?))"

static int task_rows(const struct task_query *tq, json_t *out, const char *kind, const char *sql,
		     const struct dbval *p, size_t n, const char *ja, const char *en,
		     const char *path, bool overdue)
{
	struct dbrows r;
	if (db_query(tq->db, &r, sql, p, n))
		return -1;
	while (db_next(&r)) {
		char key[64], link[64];
		struct buf tja = BUF_INIT, ten = BUF_INIT;
		int64_t id = db_int(&r, 0);
		snprintf(key, sizeof(key), "%s:%lld", kind, (long long)id);
		snprintf(link, sizeof(link), "/takeouts/%lld%s", (long long)id, path);
		buf_printf(&tja, "%s: %s", ja, db_text(&r, 1));
		buf_printf(&ten, "%s: %s", en, db_text(&r, 1));
		/* Whom it is about, when it is not the person's own take-out. */
		json_t *params = db_int(&r, 4) == tq->user_id
					 ? NULL
					 : json_pack("{s:s}", "subject", db_text(&r, 3));
		task_add(out, kind, key, tja.buf, ten.buf, db_text(&r, 2), overdue, link, params);
		buf_release(&tja);
		buf_release(&ten);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

#define TASK_HEAD                                                                                  \
	"SELECT t.id, t.destination, t.back_on, ru.name, t.requester_id FROM takeouts t JOIN "     \
	"users ru ON ru.id = t.requester_id "

static int overdue_tasks(const struct task_query *tq, json_t *out)
{
	int64_t me = tq->user_id;
	return task_rows(
		tq, out, "takeout_overdue",
		TASK_HEAD "WHERE t.status = 'out' AND t.back_on < ? AND EXISTS (SELECT 1 "
			  "FROM takeout_items i WHERE i.takeout_id = t.id AND i.state = "
			  "'out') AND " OVERDUE_PEOPLE " ORDER BY t.back_on, t.id LIMIT 500",
		P(V_TEXT(tq->today), V_INT(me), V_INT(me), V_INT(me), V_INT(me), V_INT(me)),
		"持ち出し品が戻っていません", "Take-out not back", "", true);
}

static int return_tasks(const struct task_query *tq, json_t *out)
{
	return task_rows(tq, out, "takeout_return",
			 TASK_HEAD "WHERE t.status = 'out' AND t.back_on >= ? AND t.requester_id = "
				   "? ORDER BY t.back_on, t.id LIMIT 500",
			 P(V_TEXT(tq->today), V_INT(tq->user_id)), "持ち出し中", "Taken out",
			 "/return", false);
}

static int check_tasks(const struct task_query *tq, json_t *out)
{
	return task_rows(tq, out, "takeout_check",
			 TASK_HEAD "WHERE t.status = 'checking' AND t.checker_id = ? ORDER BY "
				   "t.back_on, t.id LIMIT 500",
			 P(V_INT(tq->user_id)), "返却の確認", "Confirm the return", "/return",
			 false);
}

static int sent_back_tasks(const struct task_query *tq, json_t *out)
{
	return task_rows(tq, out, "takeout_sent_back",
			 "SELECT t.id, t.destination, t.leave_on, ru.name, t.requester_id FROM "
			 "takeouts t JOIN users ru ON ru.id = t.requester_id WHERE t.status = "
			 "'sent_back' AND "
			 "t.requester_id = ? ORDER BY t.leave_on, t.id LIMIT 500",
			 P(V_INT(tq->user_id)), "差し戻された持ち出し申請", "Take-out sent back",
			 "", false);
}

/* Titles name the destination, which may be a customer's name: reminders link only. */
const struct task_source takeouts_tasks[] = {
	{ "takeout_overdue", "takeouts.request", overdue_tasks, "未返却の持ち出し品",
	  "Take-out not back", .private_title = true },
	{ "takeout_return", "takeouts.request", return_tasks, "持ち出し中", "Taken out",
	  .private_title = true },
	{ "takeout_check", "takeouts.request", check_tasks, "返却の確認", "Confirm a return",
	  .private_title = true },
	{ "takeout_sent_back", "takeouts.request", sent_back_tasks, "差し戻された持ち出し申請",
	  "Take-out sent back", .private_title = true },
	{ 0 },
};

/* --- schemas and routes ------------------------------------------------------------------- */

static const struct field item_schema[] = {
	{ "kind", FT_ENUM, F_REQUIRED, .choices = item_kinds },
	{ "asset_id", FT_ID, 0 },
	{ "pinfo_id", FT_ID, 0 },
	{ "label", FT_STRING, 0, .min = 1, .max = 200 },
	{ "asset_tag", FT_STRING, 0, .min = 1, .max = 64 },
	{ "medium", FT_ENUM, 0, .choices = media },
	{ "classification_id", FT_ID, 0 },
	{ "has_pinfo", FT_BOOL, 0 },
	{ "sensitive", FT_BOOL, 0 },
	{ 0 },
};

/* The request's fields; `req` is F_REQUIRED for a request sent, 0 for the dry run (which
 * needs only the items). */
#define REQUEST_FIELDS(req)                                                                        \
	{ "purpose", FT_TEXT, req, .min = 1, .max = 1000 },                                        \
		{ "destination", FT_STRING, req, .min = 1, .max = 200 },                           \
		{ "leave_on", FT_DATE, req }, { "return_on", FT_DATE, req },                       \
		{ "repeating", FT_BOOL, 0 }, { "checker_id", FT_ID, req },                         \
		{ "encrypted", FT_BOOL, 0 }, { "password", FT_BOOL, 0 }, { "copy", FT_BOOL, 0 },   \
		{ "minimum", FT_BOOL, 0 }, { "by_hand", FT_BOOL, 0 },                              \
	{                                                                                          \
		"items", FT_OBJARRAY, F_REQUIRED, .max = 20, .fields = item_schema                 \
	}

static const struct field create_body[] = { REQUEST_FIELDS(F_REQUIRED), { 0 } };
static const struct field requirements_body[] = { REQUEST_FIELDS(0), { 0 } };
static const struct field resubmit_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 },
					      REQUEST_FIELDS(F_REQUIRED),
					      { 0 } };

static const struct field transition_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 },
						{ "to", FT_ENUM, F_REQUIRED, .choices = moves },
						{ "comment", FT_TEXT, 0, .max = 2000 },
						{ "back_on", FT_DATE, 0 },
						{ 0 } };

static const struct field return_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 },
					    { "back_ids", FT_INTARRAY, F_REQUIRED },
					    { 0 } };

static const struct field confirm_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 },
					     { "comment", FT_TEXT, 0, .max = 2000 },
					     { 0 } };

static const struct field missing_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 },
					     { "item_id", FT_ID, F_REQUIRED },
					     { "note", FT_TEXT, F_REQUIRED, .min = 1, .max = 2000 },
					     { 0 } };

static const struct field checker_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 },
					     { "checker_id", FT_ID, F_REQUIRED },
					     { "comment", FT_TEXT, F_REQUIRED, .min = 1,
					       .max = 2000 },
					     { 0 } };

/* The ledger's filters, shared by the list and its exports. */
#define FILTERS                                                                                    \
	{ "q", FT_STRING, 0, .max = 100 }, { "status", FT_ENUM, 0, .choices = statuses },          \
		{ "department_id", FT_ID, 0 }, { "classification_id", FT_ID, 0 },                  \
		{ "overdue", FT_ENUM, 0, .choices = flags },                                       \
		{ "missing", FT_ENUM, 0, .choices = flags },                                       \
		{ "mine", FT_ENUM, 0, .choices = flags },                                          \
	{                                                                                          \
		"to_check", FT_ENUM, 0, .choices = flags                                           \
	}

static const struct field list_query[] = {
	FILTERS, { "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX }, { "cursor", FT_ID, 0 }, { 0 }
};
static const struct field export_query[] = { FILTERS,
					     { "encoding", FT_ENUM, 0, .choices = encodings },
					     { "unmappable", FT_ENUM, 0,
					       .choices = export_unmappable },
					     { 0 } };
static const struct field candidates_query[] = { { "q", FT_STRING, 0, .max = 100 },
						 { "limit", FT_INT, 0, .min = 1, .max = 50 },
						 { 0 } };

#define P_REQ "takeouts.request"

static const struct route routes[] = {
	{ "GET", "/api/v1/takeouts", P_REQ, takeouts_list, .query = list_query },
	{ "GET", "/api/v1/takeouts.csv", "takeouts.read", takeouts_export, .query = export_query,
	  .arg = &export_as_csv },
	{ "GET", "/api/v1/takeouts.xlsx", "takeouts.read", takeouts_export, .query = export_query,
	  .arg = &export_as_xlsx },
	{ "GET", "/api/v1/takeouts/candidates", P_REQ, takeouts_candidates,
	  .query = candidates_query },
	{ "GET", "/api/v1/takeouts/choices", P_REQ, takeouts_choices },
	{ "POST", "/api/v1/takeouts/requirements", P_REQ, takeouts_requirements,
	  .body = requirements_body },
	{ "POST", "/api/v1/takeouts", P_REQ, takeouts_create, .body = create_body },
	{ "GET", "/api/v1/takeouts/{id:int}", P_REQ, takeouts_show },
	{ "POST", "/api/v1/takeouts/{id:int}/resubmit", P_REQ, takeouts_resubmit,
	  .body = resubmit_body },
	{ "POST", "/api/v1/takeouts/{id:int}/transition", P_REQ, takeouts_transition,
	  .body = transition_body },
	{ "POST", "/api/v1/takeouts/{id:int}/return", P_REQ, takeouts_return, .body = return_body },
	{ "POST", "/api/v1/takeouts/{id:int}/confirm", P_REQ, takeouts_confirm,
	  .body = confirm_body },
	{ "POST", "/api/v1/takeouts/{id:int}/missing", P_REQ, takeouts_missing,
	  .body = missing_body },
	{ "POST", "/api/v1/takeouts/{id:int}/checker", "takeouts.manage", takeouts_checker,
	  .body = checker_body },
};

const struct route_table takeouts_routes = { routes, ARRAY_SIZE(routes) };

const struct permission takeouts_permissions[] = {
	{ "takeouts.request", "takeouts" },
	{ "takeouts.read", "takeouts" },
	{ "takeouts.manage", "takeouts" },
	{ 0 },
};
