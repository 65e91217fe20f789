/* access_api.c — /api/v1/account-requests, /api/v1/access-reviews, /api/v1/offboardings. */
#include <string.h>

#include "access.h"
#include "../workflow/work.h"
#include "../../http/export.h"
#include "../../lib/jsonw.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200

static void w_person(struct jsonw *w, struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col)) {
		jw_null(w);
		return;
	}
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, id_col));
	jw_key(w, "name");
	jw_str(w, db_text(r, name_col));
	jw_object_end(w);
}

static void w_time(struct jsonw *w, struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col)) {
		jw_null(w);
		return;
	}
	time_rfc3339(db_int(r, col), t);
	jw_str(w, t);
}

/* --- account requests --------------------------------------------------------------------- */

static int request_answer(struct req *req, enum status st, struct ferrors *fe, int64_t id, int code)
{
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	return reply_outcome(req, st, fe, code,
			     st == ST_OK ? account_request_json(req->db, &by, id) : NULL);
}

static void request_row(struct jsonw *w, struct dbrows *r, void *arg)
{
	(void)arg;
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 0));
	jw_key(w, "kind");
	jw_str(w, db_text(r, 1));
	jw_key(w, "requester");
	w_person(w, r, 2, 3);
	jw_key(w, "target");
	w_person(w, r, 4, 5);
	jw_key(w, "name");
	jw_str(w, db_text(r, 6));
	jw_key(w, "login");
	jw_str(w, db_text(r, 7));
	jw_key(w, "status");
	jw_str(w, db_text(r, 8));
	jw_key(w, "created_at");
	w_time(w, r, 9);
	jw_key(w, "updated_at");
	w_time(w, r, 10);
	jw_object_end(w);
}

static int requests_list(struct req *req)
{
	int64_t limit = req_query_int(req, "limit", PAGE_DEFAULT, PAGE_MAX),
		cursor = req_query_int(req, "cursor", 0, INT64_MAX), me = req->user->id;
	const char *v;
	struct query q;
	struct dbrows r;
	query_init(&q,
		   "SELECT r.id, r.kind, r.requester_id, q.name, r.target_user_id, t.name, "
		   "r.name, r.login, r.status, r.created_at, r.updated_at FROM account_requests "
		   "r JOIN users q ON q.id = r.requester_id LEFT JOIN users t ON t.id = "
		   "r.target_user_id WHERE 1 = 1");
	/* Everyone sees their own requests; administrators and readers see them all. */
	bool all = req_can(req, "users.write") || req_can(req, "account_requests.read");
	if (!all || ((v = req_query(req, "mine")) && !strcmp(v, "1")))
		query_add(&q, "AND r.requester_id = ?", P(V_INT(me)));
	if ((v = req_query(req, "status")) && *v)
		query_add(&q, "AND r.status = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "kind")) && *v)
		query_add(&q, "AND r.kind = ?", P(V_TEXT(v)));
	if (cursor)
		query_add(&q, "AND r.id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY r.id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	if (query_write_page(&w, &r, limit, request_row, NULL)) {
		buf_release(&out);
		return -1;
	}
	jw_object_end(&w);
	return reply_buf(req, 200, &out);
}

static int requests_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = 0;
	enum status st = account_request_create(req->db, &by, req->json, &id, &fe);
	return request_answer(req, st, &fe, id, 201);
}

/* The request if req's user may see it; otherwise a 404 is answered (nobody learns ids). */
static bool request_visible(struct req *req, int64_t id)
{
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	bool visible;
	if (account_request_visible(req->db, &by, id, &visible))
		return false;
	if (!visible)
		reply_status_of(req, ST_NOT_FOUND, NULL);
	return visible;
}

static int requests_show(struct req *req)
{
	int64_t id = req_param_int(req, "id");
	if (!request_visible(req, id))
		return req->replied ? 0 : -1;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	json_t *o = account_request_json(req->db, &by, id);
	if (!o)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, o);
}

static int requests_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = req_param_int(req, "id");
	if (!request_visible(req, id))
		return req->replied ? 0 : -1;
	enum status st = account_request_update(req->db, &by, id, req->json, &fe);
	return request_answer(req, st, &fe, id, 200);
}

static int requests_transition(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = req_param_int(req, "id");
	if (!request_visible(req, id))
		return req->replied ? 0 : -1;
	enum status st = account_request_move(req->app, req->db, &by, id, req->json, &fe);
	return request_answer(req, st, &fe, id, 200);
}

static int requests_carry_out(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = req_param_int(req, "id");
	char password[15] = "";
	enum status st = account_request_carry_out(req->app, req->db, &by, id,
						   req_int(req, "version", 0), password, &fe);
	if (st != ST_OK)
		return reply_outcome(req, st, &fe, 200, NULL);
	ferr_release(&fe);
	json_t *o = account_request_json(req->db, &by, id);
	if (!o)
		return -1;
	/* A new account's one-time password, shown once to the administrator. */
	if (*password)
		json_object_set_new(o, "initial_password", json_string(password));
	req->cache_control = "no-store";
	return reply_json(req, 200, o);
}

/* What a request may name: the roles (managers may not list roles otherwise). */
static int requests_choices(struct req *req)
{
	struct dbrows r;
	if (db_query(req->db, &r, "SELECT name, label_ja, label_en FROM roles ORDER BY id", P0))
		return -1;
	json_t *roles = json_array();
	while (db_next(&r))
		json_array_append_new(roles,
				      json_pack("{s:s,s:s,s:s}", "name", db_text(&r, 0), "label_ja",
						db_text(&r, 1), "label_en", db_text(&r, 2)));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(roles);
		return -1;
	}
	return reply_json(req, 200, json_pack("{s:o}", "roles", roles));
}

/* The request ledger (アカウント申請台帳), evidence for an auditor: every request with who asked,
 * for whom, what, and what became of it. */
static int requests_export(struct req *req)
{
	enum export_format fmt = export_format_of(req);
	struct dbrows r;
	struct query q;
	const char *v;
	query_init(&q,
		   "SELECT r.id, r.kind, q.name, COALESCE(t.name, r.name), COALESCE(t.login, "
		   "r.login), r.roles, r.valid_until, r.purpose, r.reason, r.status, d.name, "
		   "r.created_at, r.done_at FROM account_requests r JOIN users q ON q.id = "
		   "r.requester_id LEFT JOIN users t ON t.id = r.target_user_id LEFT JOIN users d "
		   "ON d.id = r.done_by WHERE 1 = 1");
	/* The list's filters, so that the download is what the page shows. */
	if ((v = req_query(req, "status")))
		query_add(&q, "AND r.status = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "kind")))
		query_add(&q, "AND r.kind = ?", P(V_TEXT(v)));
	query_add(&q, "ORDER BY r.id", NULL, 0);
	int qrc = query_run(req->db, &q, &r);
	query_release(&q);
	if (qrc)
		return -1;
	static const struct {
		const char *code, *ja;
	} words[] = {
		{ "new", "新規" },           { "change", "変更" },
		{ "end", "利用期限の設定" }, { "remove", "削除" },
		{ "draft", "下書き" },       { "submitted", "承認待ち" },
		{ "approved", "承認済み" },  { "done", "実施済み" },
		{ "rejected", "却下" },      { "sent_back", "差し戻し" },
		{ "withdrawn", "取り下げ" },
	};
	json_t *rows = json_array();
	while (db_next(&r)) {
		const char *kind = db_text(&r, 1), *status = db_text(&r, 9);
		for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
			if (!strcmp(words[i].code, db_text(&r, 1)))
				kind = words[i].ja;
			if (!strcmp(words[i].code, db_text(&r, 9)))
				status = words[i].ja;
		}
		char created[21], done[21] = "";
		time_rfc3339(db_int(&r, 11), created);
		if (!db_isnull(&r, 12))
			time_rfc3339(db_int(&r, 12), done);
		json_array_append_new(rows,
				      json_pack("[I,s,s,s?,s?,s?,s?,s,s,s,s?,s,s]",
						(json_int_t)db_int(&r, 0), kind, db_text(&r, 2),
						db_text(&r, 3), db_text(&r, 4), db_text(&r, 5),
						db_text(&r, 6), db_text(&r, 7), db_text(&r, 8),
						status, db_text(&r, 10), created, done));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(rows);
		return -1;
	}
	json_t *headers = json_pack("[s,s,s,s,s,s,s,s,s,s,s,s,s]", "ID", "種類", "申請者", "対象者",
				    "ログインID", "ロール", "利用期限", "利用目的", "理由", "状態",
				    "実施者", "申請日時", "実施日時");
	int rc = reply_export(req, fmt, "account-requests", headers, rows);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

/* --- access reviews ----------------------------------------------------------------------- */

static int reviews_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct campaign_new c = { .title = req_str(req, "title"),
				  .starts_on = req_str(req, "starts_on"),
				  .due_on = req_str(req, "due_on"),
				  .recurrence = req_str(req, "recurrence"),
				  .targets = req_field(req, "targets") };
	int64_t id = 0;
	enum status st = campaign_create(req->db, &who, &access_campaigns[0], &c, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? campaign_json(req->db, id) : NULL);
}

/* The review's items req's user may see — their own to answer, or all with campaigns.read —
 * with what the reviewer needs: the person's roles, end date, last sign-in. */
static int reviews_items(struct req *req)
{
	int64_t id = req_param_int(req, "id"), me = req->user->id;
	char kind[33], today[11];
	struct query q;
	struct dbrows r;
	int rc = campaign_kind_of(req->db, id, kind);
	if (rc)
		return rc < 0 ? -1 : reply_status_of(req, ST_NOT_FOUND, NULL);
	if (strcmp(kind, "access_review"))
		return reply_status_of(req, ST_NOT_FOUND, NULL);
	tz_today(today);
	query_init(&q,
		   "SELECT i.id, i.subject_id, s.name, s.login, s.employment_type, "
		   "s.department_id, d.name, s.valid_until, s.last_login_at, s.status, "
		   "i.user_id, u.name, i.status, i.due_on, i.answer, i.version FROM "
		   "campaign_items i JOIN campaigns c ON c.id = i.campaign_id JOIN users s ON "
		   "s.id = i.subject_id JOIN users u ON u.id = i.user_id LEFT JOIN departments d "
		   "ON d.id = s.department_id");
	query_add(&q, "WHERE i.campaign_id = ? AND i.cycle_start = c.cycle_start", P(V_INT(id)));
	if (!req_can(req, "campaigns.read") && !req_can(req, "campaigns.manage"))
		query_add(&q, "AND i.user_id = ?", P(V_INT(me)));
	query_add(&q, "ORDER BY d.name, s.name, i.id LIMIT 2000", NULL, 0);
	rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	json_t *items = json_array();
	while (db_next(&r)) {
		char last[21] = "";
		if (!db_isnull(&r, 8))
			time_rfc3339(db_int(&r, 8), last);
		const char *due = db_text(&r, 13);
		json_t *answer = db_text(&r, 14) ? json_loads(db_text(&r, 14), 0, NULL) : NULL;
		json_array_append_new(
			items,
			json_pack(
				"{s:I,s:{s:I,s:s,s:s,s:s,s:s?,s:o,s:o,s:s},s:{s:I,s:s},s:s,s:s,s:b,"
				"s:o,s:I}",
				"id", (json_int_t)db_int(&r, 0), "subject", "id",
				(json_int_t)db_int(&r, 1), "name", db_text(&r, 2), "login",
				db_text(&r, 3), "employment_type", db_text(&r, 4), "valid_until",
				db_text(&r, 7), "department",
				db_isnull(&r, 5)
					? json_null()
					: json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(&r, 5),
						    "name", db_text(&r, 6)),
				"last_login_at", *last ? json_string(last) : json_null(), "status",
				db_text(&r, 9), "reviewer", "id", (json_int_t)db_int(&r, 10),
				"name", db_text(&r, 11), "status", db_text(&r, 12), "due_on", due,
				"overdue",
				!strcmp(db_text(&r, 12), "pending") && strcmp(due, today) < 0,
				"answer", answer ? answer : json_null(), "version",
				(json_int_t)db_int(&r, 15)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return -1;
	}
	/* Each person's roles, in one query for the page. */
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *subject = json_object_get(it, "subject"), *roles = json_array();
		if (db_query(req->db, &r,
			     "SELECT r.name, r.label_ja, r.label_en FROM user_roles ur JOIN roles "
			     "r ON "
			     "r.id = ur.role_id WHERE ur.user_id = ? ORDER BY r.name",
			     P(V_INT(json_integer_value(json_object_get(subject, "id")))))) {
			json_decref(roles);
			json_decref(items);
			return -1;
		}
		while (db_next(&r))
			json_array_append_new(roles,
					      json_pack("{s:s,s:s,s:s}", "name", db_text(&r, 0),
							"label_ja", db_text(&r, 1), "label_en",
							db_text(&r, 2)));
		failed = r.failed;
		db_rows_free(&r);
		json_object_set_new(subject, "roles", roles);
		if (failed) {
			json_decref(items);
			return -1;
		}
	}
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* --- offboarding -------------------------------------------------------------------------- */

static bool offboarding_visible(struct req *req, int64_t id)
{
	int64_t one;
	bool found = false;
	if (req_can(req, "offboarding.manage")) {
		if (db_query_int(req->db, &one, &found, "SELECT 1 FROM offboardings WHERE id = ?",
				 P(V_INT(id))))
			return false;
	} else if (db_query_int(req->db, &one, &found,
				"SELECT 1 FROM offboardings WHERE id = ? AND manager_id = ?",
				P(V_INT(id), V_INT(req->user->id)))) {
		return false;
	}
	if (!found)
		reply_status_of(req, ST_NOT_FOUND, NULL);
	return found;
}

static int offboarding_answer(struct req *req, enum status st, struct ferrors *fe, int64_t id,
			      int code)
{
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	return reply_outcome(req, st, fe, code,
			     st == ST_OK ? offboarding_json(req->db, &by, id) : NULL);
}

static int offboardings_list(struct req *req)
{
	int64_t limit = req_query_int(req, "limit", PAGE_DEFAULT, PAGE_MAX),
		cursor = req_query_int(req, "cursor", 0, INT64_MAX);
	const char *v;
	struct query q;
	struct dbrows r;
	query_init(&q,
		   "SELECT o.id, o.user_id, u.name, o.manager_id, m.name, o.leaving_on, "
		   "o.status, o.created_at FROM offboardings o JOIN users u ON u.id = o.user_id "
		   "LEFT JOIN users m ON m.id = o.manager_id WHERE 1 = 1");
	if (!req_can(req, "offboarding.manage"))
		query_add(&q, "AND o.manager_id = ?", P(V_INT(req->user->id)));
	if ((v = req_query(req, "status")) && *v)
		query_add(&q, "AND o.status = ?", P(V_TEXT(v)));
	if (cursor)
		query_add(&q, "AND o.id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY o.id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	jw_key(&w, "items");
	jw_array(&w);
	int64_t n = 0, last = 0;
	while (db_next(&r) && n < limit) {
		last = db_int(&r, 0);
		jw_object(&w);
		jw_key(&w, "id");
		jw_int(&w, last);
		jw_key(&w, "person");
		w_person(&w, &r, 1, 2);
		jw_key(&w, "manager");
		w_person(&w, &r, 3, 4);
		jw_key(&w, "leaving_on");
		jw_str(&w, db_text(&r, 5));
		jw_key(&w, "status");
		jw_str(&w, db_text(&r, 6));
		jw_key(&w, "created_at");
		w_time(&w, &r, 7);
		jw_object_end(&w);
		n++;
	}
	bool more = n == limit && !r.failed && db_next(&r);
	int failed = r.failed;
	db_rows_free(&r);
	jw_array_end(&w);
	jw_key(&w, "next_cursor");
	if (more) {
		char c[24];
		snprintf(c, sizeof(c), "%lld", (long long)last);
		jw_str(&w, c);
	} else {
		jw_null(&w);
	}
	jw_object_end(&w);
	if (failed) {
		buf_release(&out);
		return -1;
	}
	return reply_buf(req, 200, &out);
}

static int offboardings_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = offboarding_open(req->db, &who, req_int(req, "user_id", 0),
					  req_str(req, "leaving_on"), "manual", &id, &fe);
	return offboarding_answer(req, st, &fe, id, 201);
}

static int offboardings_show(struct req *req)
{
	int64_t id = req_param_int(req, "id");
	if (!offboarding_visible(req, id))
		return req->replied ? 0 : -1;
	return offboarding_answer(req, ST_OK, NULL, id, 200);
}

static int offboardings_item(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = req_param_int(req, "id");
	if (!offboarding_visible(req, id))
		return req->replied ? 0 : -1;
	return offboarding_answer(req, offboarding_update(req->db, &by, id, req->json, &fe), &fe,
				  id, 200);
}

static int offboardings_transition(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = req_param_int(req, "id");
	if (!offboarding_visible(req, id))
		return req->replied ? 0 : -1;
	return offboarding_answer(req, offboarding_move(req->db, &by, id, req->json, &fe), &fe, id,
				  200);
}

/* --- tasks -------------------------------------------------------------------------------- */

static int add_rows(const struct task_query *q, json_t *out, const char *kind, const char *sql,
		    bool mine, const char *link_prefix)
{
	struct dbrows r;
	if (mine ? db_query(q->db, &r, sql, P(V_INT(q->user_id))) : db_query(q->db, &r, sql, P0))
		return -1;
	while (db_next(&r)) {
		char key[64], link[64];
		const char *due = db_isnull(&r, 2) ? NULL : db_text(&r, 2);
		snprintf(key, sizeof(key), "%s:%lld", kind, (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "%s%lld", link_prefix, (long long)db_int(&r, 0));
		task_add(out, kind, key, db_text(&r, 1), NULL, due,
			 due && strcmp(due, q->today) < 0, link, NULL);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* Requests sent back to their requester, to change and send again. */
static int sent_back(const struct task_query *q, json_t *out)
{
	return add_rows(
		q, out, "account_request_sent_back",
		"SELECT r.id, COALESCE(t.name, r.name, r.login), NULL FROM account_requests "
		"r LEFT JOIN users t ON t.id = r.target_user_id WHERE r.requester_id = ? "
		"AND r.status = 'sent_back' ORDER BY r.id LIMIT 200",
		true, "/account-requests/");
}

/* Approved requests an administrator still has to carry out. */
static int to_carry_out(const struct task_query *q, json_t *out)
{
	return add_rows(
		q, out, "account_request_carry_out",
		"SELECT r.id, COALESCE(t.name, r.name, r.login), NULL FROM account_requests "
		"r LEFT JOIN users t ON t.id = r.target_user_id WHERE r.status = 'approved' "
		"ORDER BY r.id LIMIT 200",
		false, "/account-requests/");
}

static int offboardings_mine(const struct task_query *q, json_t *out)
{
	return add_rows(q, out, "offboarding",
			"SELECT o.id, u.name, o.leaving_on FROM offboardings o JOIN users u ON "
			"u.id = o.user_id WHERE o.manager_id = ? AND o.status = 'open' ORDER BY "
			"o.leaving_on LIMIT 200",
			true, "/offboardings/");
}

const struct task_source access_tasks[] = {
	{ "account_request_sent_back", "account_requests.create", sent_back, "差し戻された申請",
	  "Request sent back" },
	{ "account_request_carry_out", "users.write", to_carry_out, "実施待ちのアカウント申請",
	  "Account request to carry out" },
	{ "offboarding", "offboarding.work", offboardings_mine, "退職・契約終了の手続き",
	  "Leaving checklist" },
	{ 0 },
};

/* --- routes ------------------------------------------------------------------------------- */

static const char *const kinds[] = { "new", "change", "end", "remove", NULL };
static const char *const statuses[] = { "draft",    "submitted", "approved",  "done",
					"rejected", "sent_back", "withdrawn", NULL };
static const char *const moves[] = { "submitted", "withdrawn", NULL };
static const char *const employment[] = { "regular",   "contract",   "dispatched",
					  "part_time", "contractor", NULL };
static const char *const flags[] = { "0", "1", NULL };
static const char *const recurrences[] = { "once", "monthly", "yearly", NULL };
static const char *const ob_statuses[] = { "open", "done", NULL };
static const char *const ob_items[] = { "account_disabled", "id_card",     "devices_returned",
					"media_returned",   "exit_pledge", NULL };
static const char *const ob_states[] = { "open", "done", "not_applicable", NULL };
static const char *const ob_moves[] = { "done", "open", NULL };

static const char *const encodings[] = { "utf-8", "cp932", NULL };
static const struct field export_query[] = {
	{ "status", FT_ENUM, 0, .choices = statuses },
	{ "kind", FT_ENUM, 0, .choices = kinds },
	{ "encoding", FT_ENUM, 0, .choices = encodings },
	{ "unmappable", FT_ENUM, 0, .choices = export_unmappable },
	{ 0 },
};

static const struct field list_query[] = {
	{ "status", FT_ENUM, 0, .choices = statuses },
	{ "kind", FT_ENUM, 0, .choices = kinds },
	{ "mine", FT_ENUM, 0, .choices = flags },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

#define REQUEST_FIELDS                                                                             \
	{ "login", FT_STRING, F_NULLABLE, .max = 64 },                                             \
		{ "name", FT_STRING, F_NULLABLE, .max = 100 },                                     \
		{ "email", FT_STRING, F_NULLABLE, .max = 254 },                                    \
		{ "department_id", FT_ID, F_NULLABLE }, { "manager_id", FT_ID, F_NULLABLE },       \
		{ "employment_type", FT_ENUM, F_NULLABLE, .choices = employment },                 \
		{ "roles", FT_STRARRAY, F_NULLABLE, .max = 64 },                                   \
		{ "valid_until", FT_DATE, F_NULLABLE },                                            \
		{ "purpose", FT_TEXT, F_NULLABLE, .max = 1000 },                                   \
	{                                                                                          \
		"reason", FT_TEXT, F_NULLABLE, .max = 1000                                         \
	}

static const struct field create_body[] = {
	{ "kind", FT_ENUM, F_REQUIRED, .choices = kinds },
	{ "target_user_id", FT_ID, 0 },
	REQUEST_FIELDS,
	{ 0 },
};

static const struct field patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	REQUEST_FIELDS,
	{ 0 },
};

static const struct field transition_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "to", FT_ENUM, F_REQUIRED, .choices = moves },
	{ "comment", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct field version_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ 0 },
};

static const struct field review_body[] = {
	{ "title", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "starts_on", FT_DATE, F_REQUIRED },
	{ "due_on", FT_DATE, F_REQUIRED },
	{ "recurrence", FT_ENUM, 0, .choices = recurrences },
	{ "targets", FT_STRARRAY, F_REQUIRED, .max = 80 },
	{ 0 },
};

static const struct field ob_query[] = {
	{ "status", FT_ENUM, 0, .choices = ob_statuses },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct field ob_create_body[] = {
	{ "user_id", FT_ID, F_REQUIRED },
	{ "leaving_on", FT_DATE, F_REQUIRED },
	{ 0 },
};

static const struct field ob_item_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "item", FT_ENUM, F_REQUIRED, .choices = ob_items },
	{ "state", FT_ENUM, F_REQUIRED, .choices = ob_states },
	{ "note", FT_TEXT, 0, .max = 1000 },
	{ 0 },
};

static const struct field ob_transition_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "to", FT_ENUM, F_REQUIRED, .choices = ob_moves },
	{ "comment", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/account-requests", "approvals.use", requests_list, .query = list_query },
	{ "GET", "/api/v1/account-requests.csv", "account_requests.read", requests_export,
	  .query = export_query, .arg = &export_as_csv },
	{ "GET", "/api/v1/account-requests.xlsx", "account_requests.read", requests_export,
	  .query = export_query, .arg = &export_as_xlsx },
	{ "GET", "/api/v1/account-requests/choices", "account_requests.create", requests_choices },
	{ "POST", "/api/v1/account-requests", "account_requests.create", requests_create,
	  .body = create_body },
	{ "GET", "/api/v1/account-requests/{id:int}", "approvals.use", requests_show },
	{ "PATCH", "/api/v1/account-requests/{id:int}", "account_requests.create", requests_patch,
	  .body = patch_body },
	{ "POST", "/api/v1/account-requests/{id:int}/transition", "approvals.use",
	  requests_transition, .body = transition_body },
	{ "POST", "/api/v1/account-requests/{id:int}/carry-out", "users.write", requests_carry_out,
	  .body = version_body },
	{ "POST", "/api/v1/access-reviews", "campaigns.manage", reviews_create,
	  .body = review_body },
	{ "GET", "/api/v1/access-reviews/{id:int}/items", "campaigns.take", reviews_items },
	{ "GET", "/api/v1/offboardings", "offboarding.work", offboardings_list, .query = ob_query },
	{ "POST", "/api/v1/offboardings", "offboarding.manage", offboardings_create,
	  .body = ob_create_body },
	{ "GET", "/api/v1/offboardings/{id:int}", "offboarding.work", offboardings_show },
	{ "POST", "/api/v1/offboardings/{id:int}/items", "offboarding.work", offboardings_item,
	  .body = ob_item_body },
	{ "POST", "/api/v1/offboardings/{id:int}/transition", "offboarding.work",
	  offboardings_transition, .body = ob_transition_body },
};

const struct route_table access_routes = { routes, ARRAY_SIZE(routes) };

const struct permission access_permissions[] = {
	{ "account_requests.create", "people" },
	{ "account_requests.read", "people" },
	{ "offboarding.work", "people" },
	{ "offboarding.manage", "people" },
	{ 0 },
};
