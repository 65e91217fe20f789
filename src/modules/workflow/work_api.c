/* work_api.c — /api/v1/me/tasks, approvals, delegations, campaigns and the calendar. */
#include <string.h>

#include "work.h"
#include "../../settings.h"
#include "../../http/export.h"
#include "../../lib/jsonw.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200
#define MAX_KINDS    32

struct wf_actor work_actor(struct req *req, const struct actor *who)
{
	return (struct wf_actor){ .actor = who,
				  .perms = req->user ? (const char *const *)req->user->perms
						     : NULL };
}

int work_calendar(struct app *app, struct db *db, struct workcal *cal)
{
	struct settings s;
	if (settings_get(app, db, &s))
		return -1;
	cal->year_end_closure = s.year_end_closure != 0;
	return 0;
}

static int64_t query_id(struct req *req, const char *name)
{
	int64_t id = 0;
	const char *v = req_query(req, name);
	if (v)
		parse_i64(v, 1, INT64_MAX, &id);
	return id;
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

/* A record's web path: the kind's prefix and the id. */
static void w_link(struct jsonw *w, const char *prefix, int64_t id)
{
	char link[160];
	if (!prefix) {
		jw_null(w);
		return;
	}
	snprintf(link, sizeof(link), "%s%lld", prefix, (long long)id);
	jw_str(w, link);
}

/* --- /me/tasks ---------------------------------------------------------------------------- */

static int me_tasks(struct req *req)
{
	char today[11];
	tz_today(today);
	struct task_query q = { .app = req->app,
				.db = req->db,
				.user_id = req->user->id,
				.department_id = req->user->department_id,
				.perms = (const char *const *)req->user->perms,
				.today = today };
	json_t *items = json_array();
	for (size_t m = 0; m < module_count; m++)
		for (const struct task_source *s = modules[m].tasks; s && s->kind; s++) {
			if (s->perm && !req_can(req, s->perm))
				continue;
			if (s->list(&q, items)) {
				json_decref(items);
				return -1;
			}
		}
	tasks_sort(items);
	size_t overdue = 0, i;
	json_t *t;
	json_array_foreach(items, i, t)
	{
		overdue += json_is_true(json_object_get(t, "overdue"));
	}
	return reply_json(req, 200,
			  json_pack("{s:o,s:I,s:I}", "items", items, "count",
				    (json_int_t)json_array_size(items), "overdue",
				    (json_int_t)overdue));
}

/* --- the calendar ------------------------------------------------------------------------- */

static int calendar_holidays(struct req *req)
{
	char today[11];
	int64_t year;
	const char *v = req_query(req, "year");
	struct workcal cal;
	tz_today(today);
	year = strtol(today, NULL, 10);
	if (v)
		parse_i64(v, JPCAL_MIN_YEAR, JPCAL_MAX_YEAR, &year);
	if (work_calendar(req->app, req->db, &cal))
		return -1;
	struct jp_holiday h[JPCAL_MAX_PER_YEAR];
	int n = jpcal_holidays((int)year, h);
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items,
				      json_pack("{s:s,s:s,s:s}", "date", h[i].date, "name_ja",
						h[i].name_ja, "name_en", h[i].name_en));
	return reply_json(req, 200,
			  json_pack("{s:I,s:o,s:b}", "year", (json_int_t)year, "items", items,
				    "year_end_closure", cal.year_end_closure));
}

/* --- approvals ---------------------------------------------------------------------------- */

static const char approval_head[] =
	"SELECT a.id, a.record_type, a.record_id, a.title, a.requester_id, u.name, a.status, "
	"a.current_step, a.due_on, a.created_at, a.updated_at, a.version, s.kind, s.permission, "
	"s.approver_id, ap.name FROM approvals a JOIN users u ON u.id = a.requester_id LEFT JOIN "
	"approval_steps s ON s.approval_id = a.id AND s.position = a.current_step LEFT JOIN users "
	"ap ON ap.id = s.approver_id";

static void approval_row(struct jsonw *w, struct dbrows *r, void *arg)
{
	const char *today = arg, *status = db_text(r, 6), *due = db_text(r, 8);
	const struct approval_kind *k = module_approval_kind(db_text(r, 1));
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 0));
	jw_key(w, "record_type");
	jw_str(w, db_text(r, 1));
	jw_key(w, "record_id");
	jw_int(w, db_int(r, 2));
	jw_key(w, "title");
	jw_str(w, db_text(r, 3));
	jw_key(w, "requester");
	w_person(w, r, 4, 5);
	jw_key(w, "status");
	jw_str(w, status);
	jw_key(w, "current_step");
	jw_int(w, db_int(r, 7));
	jw_key(w, "due_on");
	jw_str(w, due);
	jw_key(w, "overdue");
	jw_bool(w, !strcmp(status, "pending") && due && strcmp(due, today) < 0);
	jw_key(w, "created_at");
	w_time(w, r, 9);
	jw_key(w, "updated_at");
	w_time(w, r, 10);
	jw_key(w, "version");
	jw_int(w, db_int(r, 11));
	jw_key(w, "waiting_for");
	if (strcmp(status, "pending")) {
		jw_null(w);
	} else {
		jw_object(w);
		jw_key(w, "kind");
		jw_str(w, db_text(r, 12));
		jw_key(w, "permission");
		jw_str(w, db_text(r, 13));
		jw_key(w, "approver");
		w_person(w, r, 14, 15);
		jw_object_end(w);
	}
	jw_key(w, "link");
	w_link(w, k ? k->link : NULL, db_int(r, 2));
	jw_object_end(w);
}

static int approvals_list(struct req *req)
{
	const char *box = req_query(req, "box"), *v;
	char today[11];
	int64_t limit = req_query_int(req, "limit", PAGE_DEFAULT, PAGE_MAX),
		cursor = req_query_int(req, "cursor", 0, INT64_MAX), me = req->user->id;
	struct query q;
	struct dbrows r;
	tz_today(today);
	if (!box)
		box = "waiting";
	if (!strcmp(box, "all") && !req_can(req, "approvals.manage"))
		return reply_problem(req, 403, "forbidden", "Forbidden",
				     "Every approval is shown to approvals.manage only.");
	query_init(&q, approval_head);
	query_add(&q, "WHERE 1 = 1", NULL, 0);
	if (!strcmp(box, "waiting")) {
		query_add(&q, "AND", NULL, 0);
		approval_waiting_where(&q, me, today);
	} else if (!strcmp(box, "mine")) {
		query_add(&q, "AND a.requester_id = ?", P(V_INT(me)));
	} else if (!strcmp(box, "decided")) {
		query_add(&q,
			  "AND EXISTS (SELECT 1 FROM approval_steps x WHERE x.approval_id = a.id "
			  "AND x.decided_by = ?)",
			  P(V_INT(me)));
	}
	if ((v = req_query(req, "status")) && *v)
		query_add(&q, "AND a.status = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "record_type")) && *v)
		query_add(&q, "AND a.record_type = ?", P(V_TEXT(v)));
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
	if (query_write_page(&w, &r, limit, approval_row, today)) {
		buf_release(&out);
		return -1;
	}
	jw_object_end(&w);
	return reply_buf(req, 200, &out);
}

/* Has `me` a part in approval `a` (asked, decides or decided a step, or manages them all)? */
static bool approval_visible(struct req *req, json_t *a)
{
	int64_t me = req->user->id;
	size_t i;
	json_t *s;
	if (req_can(req, "approvals.manage") || json_is_true(json_object_get(a, "can_decide")) ||
	    json_integer_value(json_object_get(json_object_get(a, "requester"), "id")) == me)
		return true;
	json_array_foreach(json_object_get(a, "steps"), i, s)
	{
		if (json_integer_value(json_object_get(json_object_get(s, "approver"), "id")) ==
			    me ||
		    json_integer_value(json_object_get(json_object_get(s, "decided_by"), "id")) ==
			    me)
			return true;
	}
	return false;
}

/* The approval as `req`'s user may see it, with its link; NULL with a 404 answered. */
static json_t *visible_approval(struct req *req, int64_t id)
{
	json_t *a =
		approval_json(req->db, id, req->user->id, (const char *const *)req->user->perms);
	if (!a) {
		if (db_errkind(req->db) == DBE_NONE)
			reply_status_of(req, ST_NOT_FOUND, NULL);
		return NULL;
	}
	if (!approval_visible(req, a)) {
		json_decref(a);
		reply_status_of(req, ST_NOT_FOUND, NULL);
		return NULL;
	}
	const struct approval_kind *k =
		module_approval_kind(json_string_value(json_object_get(a, "record_type")));
	if (k && k->link) {
		char link[160];
		snprintf(link, sizeof(link), "%s%lld", k->link,
			 (long long)json_integer_value(json_object_get(a, "record_id")));
		json_object_set_new(a, "link", json_string(link));
	}
	return a;
}

static int approvals_show(struct req *req)
{
	json_t *a = visible_approval(req, req_param_int(req, "id"));
	if (!a)
		return req->replied ? 0 : -1;
	return reply_json(req, 200, a);
}

static int approvals_decision(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = req_param_int(req, "id");
	json_t *a = visible_approval(req, id);
	if (!a)
		return req->replied ? 0 : -1;
	json_decref(a);
	enum status st = approval_decide(req->app, req->db, &by, id, req_str(req, "decision"),
					 req_str(req, "comment"), req_int(req, "version", 0),
					 module_approval_kind, &fe);
	return reply_outcome(req, st, &fe, 200,
			     st == ST_OK ? approval_json(req->db, id, req->user->id,
							 (const char *const *)req->user->perms)
					 : NULL);
}

struct reassign_op {
	const struct actor *who;
	int64_t id, version, to;
	const char *comment;
	struct ferrors *fe;
};

/* An officer hands a waiting step to another person (someone away for long, or left). */
static enum status reassign_fn(struct db *db, void *arg)
{
	struct reassign_op *o = arg;
	struct dbrows r;
	char lock[48];
	int64_t version = 0, requester = 0, step = 0, from = 0, record_id = 0, one;
	char status[16] = "", type[33] = "";
	bool found;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "approval:%lld", (long long)o->id);
	if (db_lock(db, lock) || db_query(db, &r,
					  "SELECT a.version, a.requester_id, a.status, s.id, "
					  "s.approver_id, a.record_type, "
					  "a.record_id FROM approvals a JOIN approval_steps s ON "
					  "s.approval_id = a.id AND "
					  "s.position = a.current_step WHERE a.id = ?",
					  P(V_INT(o->id))))
		return ST_DB;
	if (db_next(&r)) {
		version = db_int(&r, 0);
		requester = db_int(&r, 1);
		snprintf(status, sizeof(status), "%s", db_text(&r, 2));
		step = db_int(&r, 3);
		from = db_isnull(&r, 4) ? 0 : db_int(&r, 4);
		snprintf(type, sizeof(type), "%s", db_text(&r, 5));
		record_id = db_int(&r, 6);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return ST_DB;
	if (!step)
		return ST_NOT_FOUND;
	if (o->version != version)
		return ST_CONFLICT;
	if (strcmp(status, "pending"))
		ferr_add(o->fe, "approver_id", "approval_closed",
			 "This approval is already decided.");
	else if (o->to == requester)
		ferr_add(o->fe, "approver_id", "own_request", "Nobody approves their own request.");
	else if (db_query_int(db, &one, &found,
			      "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
			      P(V_INT(o->to))))
		return ST_DB;
	else if (!found)
		ferr_add(o->fe, "approver_id", "not_found", "There is no such active user.");
	if (!o->comment || !*o->comment)
		ferr_add(o->fe, "comment", "required", "Say why the step changes hands.");
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_exec(db,
		    "UPDATE approval_steps SET kind = 'user', permission = NULL, approver_id = ?, "
		    "escalated_from = ?, escalated_at = ?, activated_at = ? WHERE id = ?",
		    P(V_INT(o->to), V_ID(from), V_INT(now_unix()), V_INT(now_unix()),
		      V_INT(step))) ||
	    db_exec(db, "UPDATE approvals SET version = version + 1, updated_at = ? WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))))
		return ST_DB;
	json_t *data = json_pack("{s:I,s:o,s:I}", "approval_id", (json_int_t)o->id, "from",
				 from ? json_integer(from) : json_null(), "to", (json_int_t)o->to);
	int rc = wf_event_add(db, type, record_id, o->who, "reassigned", NULL, NULL, false,
			      o->comment, data) ||
		 approval_notice(db, o->id, module_approval_kind(type), "approval_escalated");
	json_object_set_new(data, "comment", json_string(o->comment));
	if (!rc)
		rc = audit_append(db, o->who, "approval.reassign", "approval", o->id, data);
	json_decref(data);
	return rc ? ST_DB : ST_OK;
}

static int approvals_reassign(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	struct reassign_op o = { &who,
				 id,
				 req_int(req, "version", 0),
				 req_int(req, "approver_id", 0),
				 req_str(req, "comment"),
				 &fe };
	enum status st = db_tx_st(req->db, reassign_fn, &o);
	return reply_outcome(req, st, &fe, 200,
			     st == ST_OK ? approval_json(req->db, id, req->user->id,
							 (const char *const *)req->user->perms)
					 : NULL);
}

/* --- delegations -------------------------------------------------------------------------- */

static int delegations_list(struct req *req)
{
	struct dbrows r;
	char today[11];
	tz_today(today);
	if (db_query(
		    req->db, &r,
		    "SELECT g.id, g.user_id, u.name, g.delegate_id, d.name, g.starts_on, "
		    "g.ends_on, "
		    "g.note, g.created_at FROM delegations g JOIN users u ON u.id = g.user_id JOIN "
		    "users d ON d.id = g.delegate_id WHERE (g.user_id = ? OR g.delegate_id = ?) "
		    "AND "
		    "g.revoked_at IS NULL AND g.ends_on >= ? ORDER BY g.starts_on, g.id",
		    P(V_INT(req->user->id), V_INT(req->user->id), V_TEXT(today))))
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	jw_key(&w, "items");
	jw_array(&w);
	while (db_next(&r)) {
		jw_object(&w);
		jw_key(&w, "id");
		jw_int(&w, db_int(&r, 0));
		jw_key(&w, "user");
		w_person(&w, &r, 1, 2);
		jw_key(&w, "delegate");
		w_person(&w, &r, 3, 4);
		jw_key(&w, "starts_on");
		jw_str(&w, db_text(&r, 5));
		jw_key(&w, "ends_on");
		jw_str(&w, db_text(&r, 6));
		jw_key(&w, "note");
		jw_str(&w, db_text(&r, 7));
		jw_key(&w, "active");
		jw_bool(&w, strcmp(db_text(&r, 5), today) <= 0);
		jw_key(&w, "created_at");
		w_time(&w, &r, 8);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		buf_release(&out);
		return -1;
	}
	return reply_buf(req, 200, &out);
}

struct delegation_op {
	const struct actor *who;
	int64_t delegate_id, id;
	const char *starts_on, *ends_on, *note;
	struct ferrors *fe;
};

static enum status delegation_create_fn(struct db *db, void *arg)
{
	struct delegation_op *o = arg;
	char today[11];
	int64_t one;
	bool found;
	tz_today(today);
	ferr_release(o->fe);
	if (o->delegate_id == o->who->id)
		ferr_add(o->fe, "delegate_id", "self", "Choose someone other than yourself.");
	else if (db_query_int(db, &one, &found,
			      "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
			      P(V_INT(o->delegate_id))))
		return ST_DB;
	else if (!found)
		ferr_add(o->fe, "delegate_id", "not_found", "There is no such active user.");
	if (strcmp(o->ends_on, o->starts_on) < 0)
		ferr_add(o->fe, "ends_on", "before_start", "The end is before the start.");
	else if (strcmp(o->ends_on, today) < 0)
		ferr_add(o->fe, "ends_on", "in_past", "The end is in the past.");
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_insert(db, &o->id,
		      "INSERT INTO delegations (user_id, delegate_id, starts_on, ends_on, note, "
		      "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		      P(V_INT(o->who->id), V_INT(o->delegate_id), V_TEXT(o->starts_on),
			V_TEXT(o->ends_on), V_TEXT(o->note ? o->note : ""), V_INT(o->who->id),
			V_INT(now_unix()))))
		return ST_DB;
	json_t *sum = json_pack("{s:I,s:s,s:s}", "delegate_id", (json_int_t)o->delegate_id,
				"starts_on", o->starts_on, "ends_on", o->ends_on);
	int rc = audit_append(db, o->who, "delegation.create", "delegation", o->id, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

static int delegations_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct delegation_op o = { &who,
				   req_int(req, "delegate_id", 0),
				   0,
				   req_str(req, "starts_on"),
				   req_str(req, "ends_on"),
				   req_str(req, "note"),
				   &fe };
	enum status st = db_tx_st(req->db, delegation_create_fn, &o);
	return reply_outcome(req, st, &fe, 201,
			     st == ST_OK ? json_pack("{s:I}", "id", (json_int_t)o.id) : NULL);
}

static enum status delegation_revoke_fn(struct db *db, void *arg)
{
	struct delegation_op *o = arg;
	if (db_exec(db,
		    "UPDATE delegations SET revoked_at = ? WHERE id = ? AND user_id = ? AND "
		    "revoked_at IS NULL",
		    P(V_INT(now_unix()), V_INT(o->id), V_INT(o->who->id))))
		return ST_DB;
	if (db_changes(db) != 1)
		return ST_NOT_FOUND;
	return audit_append(db, o->who, "delegation.revoke", "delegation", o->id, NULL) ? ST_DB
											: ST_OK;
}

static int delegations_revoke(struct req *req)
{
	struct actor who = req_actor(req);
	struct delegation_op o = { .who = &who, .id = req_param_int(req, "id") };
	enum status st = db_tx_st(req->db, delegation_revoke_fn, &o);
	return reply_status_of(req, st, NULL);
}

/* --- campaigns ---------------------------------------------------------------------------- */

/* Limits campaigns `c` to those `req`'s user may see: all with campaigns.read or .manage;
 * otherwise those with an item of theirs or of a department they manage. */
static void campaign_scope(struct req *req, struct query *q)
{
	if (req_can(req, "campaigns.read") || req_can(req, "campaigns.manage"))
		return;
	int64_t me = req->user->id;
	query_add(q,
		  "AND EXISTS (SELECT 1 FROM campaign_items i WHERE i.campaign_id = c.id AND "
		  "(i.user_id = ? OR i.department_id IN (SELECT id FROM departments WHERE "
		  "manager_id = ? OR deputy_id = ?)))",
		  P(V_INT(me), V_INT(me), V_INT(me)));
}

static void campaign_row(struct jsonw *w, struct dbrows *r, void *arg)
{
	(void)arg;
	const struct campaign_kind *k = module_campaign_kind(db_text(r, 1));
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 0));
	jw_key(w, "kind");
	jw_str(w, db_text(r, 1));
	jw_key(w, "title");
	jw_str(w, db_text(r, 2));
	jw_key(w, "starts_on");
	jw_str(w, db_text(r, 3));
	jw_key(w, "due_on");
	jw_str(w, db_text(r, 4));
	jw_key(w, "recurrence");
	jw_str(w, db_text(r, 5));
	jw_key(w, "status");
	jw_str(w, db_text(r, 6));
	jw_key(w, "cycle_start");
	jw_str(w, db_text(r, 7));
	jw_key(w, "cycle_due");
	jw_str(w, db_text(r, 8));
	jw_key(w, "totals");
	jw_object(w);
	jw_key(w, "total");
	jw_int(w, db_int(r, 9));
	jw_key(w, "done");
	jw_int(w, db_int(r, 10));
	jw_object_end(w);
	jw_key(w, "link");
	w_link(w, k ? k->link : NULL, db_int(r, 0));
	jw_object_end(w);
}

static int campaigns_list(struct req *req)
{
	int64_t limit = req_query_int(req, "limit", PAGE_DEFAULT, PAGE_MAX),
		cursor = req_query_int(req, "cursor", 0, INT64_MAX);
	const char *v;
	struct query q;
	struct dbrows r;
	query_init(&q,
		   "SELECT c.id, c.kind, c.title, c.starts_on, c.due_on, c.recurrence, "
		   "c.status, c.cycle_start, c.cycle_due, (SELECT COUNT(*) FROM campaign_items "
		   "i WHERE i.campaign_id = c.id AND i.cycle_start = c.cycle_start), (SELECT "
		   "COUNT(*) FROM campaign_items i WHERE i.campaign_id = c.id AND i.cycle_start "
		   "= c.cycle_start AND i.status = 'done') FROM campaigns c WHERE 1 = 1");
	campaign_scope(req, &q);
	if ((v = req_query(req, "kind")) && *v)
		query_add(&q, "AND c.kind = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "status")) && *v)
		query_add(&q, "AND c.status = ?", P(V_TEXT(v)));
	if (cursor)
		query_add(&q, "AND c.id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY c.id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	if (query_write_page(&w, &r, limit, campaign_row, NULL)) {
		buf_release(&out);
		return -1;
	}
	jw_object_end(&w);
	return reply_buf(req, 200, &out);
}

/* Is campaign `id` visible to req's user? 404 answered when not (or -1 on error). */
static int campaign_visible(struct req *req, int64_t id, bool *visible)
{
	struct query q;
	struct dbrows r;
	*visible = false;
	query_init(&q, "SELECT 1 FROM campaigns c WHERE");
	query_add(&q, "c.id = ?", P(V_INT(id)));
	campaign_scope(req, &q);
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	*visible = db_next(&r);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	if (!*visible)
		reply_status_of(req, ST_NOT_FOUND, NULL);
	return 0;
}

static const char item_head[] =
	"SELECT i.id, i.campaign_id, i.cycle_start, i.user_id, u.name, i.subject_id, s.name, "
	"i.department_id, d.name, i.status, i.due_on, i.answer, i.done_at, i.escalated_from, "
	"i.version, s.employment_type FROM campaign_items i JOIN users u ON u.id = i.user_id JOIN "
	"users s ON s.id = i.subject_id LEFT JOIN departments d ON d.id = i.department_id";

static void item_row(struct jsonw *w, struct dbrows *r, void *arg)
{
	const char *today = arg, *status = db_text(r, 9), *due = db_text(r, 10);
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 0));
	jw_key(w, "campaign_id");
	jw_int(w, db_int(r, 1));
	jw_key(w, "cycle_start");
	jw_str(w, db_text(r, 2));
	jw_key(w, "assignee");
	w_person(w, r, 3, 4);
	jw_key(w, "subject");
	w_person(w, r, 5, 6);
	jw_key(w, "employment_type");
	jw_str(w, db_text(r, 15));
	jw_key(w, "department");
	w_person(w, r, 7, 8);
	jw_key(w, "status");
	jw_str(w, status);
	jw_key(w, "due_on");
	jw_str(w, due);
	jw_key(w, "overdue");
	jw_bool(w, !strcmp(status, "pending") && strcmp(due, today) < 0);
	jw_key(w, "answer");
	if (db_text(r, 11))
		jw_raw(w, db_text(r, 11));
	else
		jw_null(w);
	jw_key(w, "done_at");
	w_time(w, r, 12);
	jw_key(w, "escalated");
	jw_bool(w, !db_isnull(r, 13));
	jw_key(w, "version");
	jw_int(w, db_int(r, 14));
	jw_object_end(w);
}

/* The items of campaign `id` req's user may see, filtered by the query. */
static void items_where(struct req *req, struct query *q, int64_t id, int64_t department,
			bool current_cycle)
{
	const char *v;
	query_add(q, "WHERE i.campaign_id = ?", P(V_INT(id)));
	if (current_cycle)
		query_add(
			q,
			"AND i.cycle_start = (SELECT COALESCE(c.cycle_start, '') FROM campaigns c "
			"WHERE c.id = ?)",
			P(V_INT(id)));
	if (!req_can(req, "campaigns.read") && !req_can(req, "campaigns.manage")) {
		int64_t me = req->user->id;
		query_add(q,
			  "AND (i.user_id = ? OR i.department_id IN (SELECT id FROM departments "
			  "WHERE manager_id = ? OR deputy_id = ?))",
			  P(V_INT(me), V_INT(me), V_INT(me)));
	}
	if (department)
		query_add(q, "AND i.department_id = ?", P(V_INT(department)));
	if ((v = req_query(req, "status")) && *v)
		query_add(q, "AND i.status = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "mine")) && !strcmp(v, "1"))
		query_add(q, "AND i.user_id = ?", P(V_INT(req->user->id)));
}

static int campaigns_show(struct req *req)
{
	int64_t id = req_param_int(req, "id");
	bool visible;
	if (campaign_visible(req, id, &visible))
		return -1;
	if (!visible)
		return 0;
	json_t *c = campaign_json(req->db, id);
	if (!c)
		return -1;
	/* Without campaigns.read, the progress of the departments one manages or deputises
	 * only: who has not answered, in a small department, is about a person. */
	bool all = req_can(req, "campaigns.read") || req_can(req, "campaigns.manage");
	json_t *progress = campaign_progress(req->db, id, all ? 0 : req->user->id);
	if (!progress) {
		json_decref(c);
		return -1;
	}
	const struct campaign_kind *k =
		module_campaign_kind(json_string_value(json_object_get(c, "kind")));
	json_object_set_new(c, "progress", progress);
	json_object_set_new(c, "can_manage", json_boolean(req_can(req, "campaigns.manage")));
	if (k && k->link) {
		char link[160];
		snprintf(link, sizeof(link), "%s%lld", k->link, (long long)id);
		json_object_set_new(c, "link", json_string(link));
	}
	return reply_json(req, 200, c);
}

static int campaigns_items(struct req *req)
{
	int64_t id = req_param_int(req, "id"),
		limit = req_query_int(req, "limit", PAGE_DEFAULT, PAGE_MAX),
		cursor = req_query_int(req, "cursor", 0, INT64_MAX);
	bool visible;
	char today[11];
	struct query q;
	struct dbrows r;
	tz_today(today);
	if (campaign_visible(req, id, &visible))
		return -1;
	if (!visible)
		return 0;
	query_init(&q, item_head);
	items_where(req, &q, id, query_id(req, "department_id"), true);
	if (cursor)
		query_add(&q, "AND i.id > ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY i.id LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	if (query_write_page(&w, &r, limit, item_row, today)) {
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
		{ "pending", "未回答" },          { "done", "回答済み" },
		{ "regular", "正社員" },          { "contract", "契約社員" },
		{ "dispatched", "派遣社員" },     { "part_time", "パート・アルバイト" },
		{ "contractor", "委託先従業者" },
	};
	for (size_t i = 0; code && i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].code, code))
			return words[i].ja;
	return code ? code : "";
}

static json_t *name_of(json_t *p)
{
	return json_is_object(p) ? json_incref(json_object_get(p, "name")) : json_null();
}

static int campaigns_export(struct req *req)
{
	enum export_format fmt = export_format_of(req);
	int64_t id = req_param_int(req, "id");
	bool visible;
	char today[11];
	struct query q;
	struct dbrows r;
	tz_today(today);
	if (campaign_visible(req, id, &visible))
		return -1;
	if (!visible)
		return 0;
	query_init(&q, item_head);
	items_where(req, &q, id, query_id(req, "department_id"), false);
	query_add(&q, "ORDER BY i.cycle_start, d.name, s.name, i.id", NULL, 0);
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_array(&w);
	while (db_next(&r))
		item_row(&w, &r, today);
	jw_array_end(&w);
	int failed = r.failed;
	db_rows_free(&r);
	json_t *items = failed ? NULL : json_loadb(out.buf, out.len, 0, NULL);
	buf_release(&out);
	if (!items)
		return -1;
	json_t *headers =
		json_pack("[s,s,s,s,s,s,s,s,s,s,s]", "ID", "回", "対象者", "雇用形態", "部署",
			  "回答者", "期限", "状態", "期限超過", "回答日時", "回答");
	json_t *rows = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *answer = json_object_get(it, "answer");
		char *text = json_is_object(answer) ? json_dumps(answer, JSON_COMPACT) : NULL;
		json_array_append_new(
			rows,
			json_pack(
				"[O,O,o,s,o,o,O,s,s,O,s]", json_object_get(it, "id"),
				json_object_get(it, "cycle_start"),
				name_of(json_object_get(it, "subject")),
				ja_word(json_string_value(json_object_get(it, "employment_type"))),
				name_of(json_object_get(it, "department")),
				name_of(json_object_get(it, "assignee")),
				json_object_get(it, "due_on"),
				ja_word(json_string_value(json_object_get(it, "status"))),
				json_is_true(json_object_get(it, "overdue")) ? "期限超過" : "",
				json_object_get(it, "done_at"), text ? text : ""));
		free(text);
	}
	char name[48];
	snprintf(name, sizeof(name), "campaign-%lld", (long long)id);
	rc = reply_export(req, fmt, name, headers, rows);
	json_decref(items);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

static int campaigns_close(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	char kind[33];
	int rc = campaign_kind_of(req->db, id, kind);
	if (rc)
		return rc < 0 ? -1 : reply_status_of(req, ST_NOT_FOUND, NULL);
	const struct campaign_kind *k = module_campaign_kind(kind);
	if (!k)
		return reply_status_of(req, ST_NOT_FOUND, NULL);
	enum status st = campaign_close(req->db, &who, k, id, req_int(req, "version", 0), &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? campaign_json(req->db, id) : NULL);
}

static int items_answer(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	struct campaign_item it;
	char kind[33];
	int rc = campaign_item_load(req->db, id, &it);
	if (rc)
		return rc < 0 ? -1 : reply_status_of(req, ST_NOT_FOUND, NULL);
	json_decref(it.answer);
	rc = campaign_kind_of(req->db, it.campaign_id, kind);
	const struct campaign_kind *k = rc ? NULL : module_campaign_kind(kind);
	if (rc < 0)
		return -1;
	if (!k || it.user_id != req->user->id)
		return reply_status_of(req, ST_NOT_FOUND, NULL);
	enum status st =
		campaign_answer(req->db, &who, k, id, req->json, req_int(req, "version", 0), &fe);
	if (st != ST_OK)
		return reply_outcome(req, st, &fe, 200, NULL);
	ferr_release(&fe);
	struct query q;
	struct dbrows r;
	char today[11];
	tz_today(today);
	query_init(&q, item_head);
	query_add(&q, "WHERE i.id = ?", P(V_INT(id)));
	if (query_run(req->db, &q, &r)) {
		query_release(&q);
		return -1;
	}
	query_release(&q);
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	bool found = db_next(&r);
	if (found)
		item_row(&w, &r, today);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !found) {
		buf_release(&out);
		return -1;
	}
	return reply_buf(req, 200, &out);
}

/* The signed-in person's own items (what they must answer), newest cycle first. */
static int me_items(struct req *req)
{
	const char *v;
	char today[11];
	struct query q;
	struct dbrows r;
	int64_t limit = req_query_int(req, "limit", PAGE_DEFAULT, PAGE_MAX),
		cursor = req_query_int(req, "cursor", 0, INT64_MAX);
	tz_today(today);
	query_init(&q, item_head);
	query_add(&q, "JOIN campaigns c ON c.id = i.campaign_id WHERE i.user_id = ?",
		  P(V_INT(req->user->id)));
	if ((v = req_query(req, "kind")) && *v)
		query_add(&q, "AND c.kind = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "status")) && *v)
		query_add(&q, "AND i.status = ? AND c.status = 'running'", P(V_TEXT(v)));
	if (cursor)
		query_add(&q, "AND i.id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY i.id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	if (query_write_page(&w, &r, limit, item_row, today)) {
		buf_release(&out);
		return -1;
	}
	jw_object_end(&w);
	return reply_buf(req, 200, &out);
}

/* --- tasks of the engine itself ----------------------------------------------------------- */

static int approval_tasks(const struct task_query *tq, json_t *out)
{
	struct query q;
	struct dbrows r;
	query_init(&q,
		   "SELECT a.id, a.title, a.due_on, a.record_type, a.record_id FROM approvals a "
		   "JOIN approval_steps s ON s.approval_id = a.id AND s.position = "
		   "a.current_step WHERE");
	approval_waiting_where(&q, tq->user_id, tq->today);
	query_add(&q, "ORDER BY a.id LIMIT 500", NULL, 0);
	int rc = query_run(tq->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	while (db_next(&r)) {
		char key[48], link[48];
		const char *due = db_text(&r, 2);
		snprintf(key, sizeof(key), "approval:%lld", (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "/approvals/%lld", (long long)db_int(&r, 0));
		task_add(out, "approval", key, db_text(&r, 1), NULL, due,
			 due && strcmp(due, tq->today) < 0, link,
			 json_pack("{s:s}", "record_type", db_text(&r, 3)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static int campaign_tasks(const struct task_query *tq, json_t *out)
{
	struct dbrows r;
	if (db_query(tq->db, &r,
		     "SELECT i.id, c.id, c.kind, c.title, i.due_on, s.name, i.subject_id FROM "
		     "campaign_items i JOIN campaigns c ON c.id = i.campaign_id JOIN users s ON "
		     "s.id "
		     "= i.subject_id WHERE i.user_id = ? AND i.status = 'pending' AND c.status = "
		     "'running' ORDER BY i.due_on, i.id LIMIT 500",
		     P(V_INT(tq->user_id))))
		return -1;
	while (db_next(&r)) {
		char key[48], link[160];
		const struct campaign_kind *k = module_campaign_kind(db_text(&r, 2));
		const char *due = db_text(&r, 4);
		snprintf(key, sizeof(key), "campaign_item:%lld", (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "%s%lld", k && k->link ? k->link : "/campaigns/",
			 (long long)db_int(&r, 1));
		json_t *params = json_pack("{s:s,s:I}", "campaign_kind", db_text(&r, 2), "item_id",
					   (json_int_t)db_int(&r, 0));
		if (db_int(&r, 6) != tq->user_id)
			json_object_set_new(params, "subject", json_string(db_text(&r, 5)));
		task_add(out, db_text(&r, 2), key, db_text(&r, 3), NULL, due,
			 strcmp(due, tq->today) < 0, link, params);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* Each source needs the permission of the route its tasks link to: a person who may no longer
 * open approvals or answer campaigns is neither shown nor reminded of them. An approval's
 * title may name a person or a take-out's destination: reminders link only. */
const struct task_source work_tasks[] = {
	{ "approval", "approvals.use", approval_tasks, "承認", "Approval", .private_title = true },
	{ "campaign_item", "campaigns.take", campaign_tasks, "回答・確認のお願い",
	  "Something to answer" },
	{ 0 },
};

/* --- the job ------------------------------------------------------------------------------ */

int work_job(struct app *app, struct db *db)
{
	struct settings s;
	const struct campaign_kind *kinds[MAX_KINDS];
	if (settings_get(app, db, &s))
		return -1;
	struct workcal cal = { .year_end_closure = s.year_end_closure != 0 };
	size_t nk = module_campaign_kinds(kinds, MAX_KINDS);
	if (approvals_escalate(db, s.approval_escalation_days, &cal) < 0)
		return -1;
	if (campaign_sync(db, kinds, nk, 0))
		return -1;
	return campaigns_escalate(db, kinds, nk, s.approval_escalation_days, &cal) < 0 ? -1 : 0;
}

/* --- routes ------------------------------------------------------------------------------- */

static const char *const boxes[] = { "waiting", "mine", "decided", "all", NULL };
static const char *const approval_statuses[] = { "pending",   "approved",  "rejected",
						 "sent_back", "withdrawn", NULL };
static const char *const decisions[] = { "approve", "reject", "send_back", "withdraw", NULL };
static const char *const campaign_statuses[] = { "running", "closed", NULL };
static const char *const item_statuses[] = { "pending", "done", NULL };
static const char *const flags[] = { "0", "1", NULL };
static const char *const encodings[] = { "utf-8", "cp932", NULL };

static const struct field holidays_query[] = {
	{ "year", FT_INT, 0, .min = JPCAL_MIN_YEAR, .max = JPCAL_MAX_YEAR },
	{ 0 },
};

static const struct field approvals_query[] = {
	{ "box", FT_ENUM, 0, .choices = boxes },
	{ "status", FT_ENUM, 0, .choices = approval_statuses },
	{ "record_type", FT_STRING, 0, .max = 32 },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct field decision_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "decision", FT_ENUM, F_REQUIRED, .choices = decisions },
	{ "comment", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct field reassign_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "approver_id", FT_ID, F_REQUIRED },
	{ "comment", FT_TEXT, F_REQUIRED, .max = 2000 },
	{ 0 },
};

static const struct field delegation_body[] = {
	{ "delegate_id", FT_ID, F_REQUIRED },
	{ "starts_on", FT_DATE, F_REQUIRED },
	{ "ends_on", FT_DATE, F_REQUIRED },
	{ "note", FT_STRING, 0, .max = 200 },
	{ 0 },
};

static const struct field campaigns_query[] = {
	{ "kind", FT_STRING, 0, .max = 32 },
	{ "status", FT_ENUM, 0, .choices = campaign_statuses },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct field items_query[] = {
	{ "department_id", FT_ID, 0 },
	{ "status", FT_ENUM, 0, .choices = item_statuses },
	{ "mine", FT_ENUM, 0, .choices = flags },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct field items_export_query[] = {
	{ "department_id", FT_ID, 0 },
	{ "status", FT_ENUM, 0, .choices = item_statuses },
	{ "mine", FT_ENUM, 0, .choices = flags },
	{ "encoding", FT_ENUM, 0, .choices = encodings },
	{ "unmappable", FT_ENUM, 0, .choices = export_unmappable },
	{ 0 },
};

static const struct field me_items_query[] = {
	{ "kind", FT_STRING, 0, .max = 32 },
	{ "status", FT_ENUM, 0, .choices = item_statuses },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct field version_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ 0 },
};

static const struct field answer_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "answer", FT_OBJECT, F_REQUIRED },
	{ "final", FT_BOOL, 0 },
	{ 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/me/tasks", PERM_SIGNED_IN, me_tasks },
	{ "GET", "/api/v1/calendar/holidays", PERM_SIGNED_IN, calendar_holidays,
	  .query = holidays_query },
	{ "GET", "/api/v1/approvals", "approvals.use", approvals_list, .query = approvals_query },
	{ "GET", "/api/v1/approvals/{id:int}", "approvals.use", approvals_show },
	{ "POST", "/api/v1/approvals/{id:int}/decision", "approvals.use", approvals_decision,
	  .body = decision_body },
	{ "POST", "/api/v1/approvals/{id:int}/reassign", "approvals.manage", approvals_reassign,
	  .body = reassign_body },
	{ "GET", "/api/v1/me/delegations", PERM_SIGNED_IN, delegations_list },
	{ "POST", "/api/v1/me/delegations", PERM_SIGNED_IN, delegations_create,
	  .body = delegation_body },
	{ "DELETE", "/api/v1/me/delegations/{id:int}", PERM_SIGNED_IN, delegations_revoke },
	{ "GET", "/api/v1/campaigns", "campaigns.take", campaigns_list, .query = campaigns_query },
	{ "GET", "/api/v1/campaigns/{id:int}", "campaigns.take", campaigns_show },
	{ "GET", "/api/v1/campaigns/{id:int}/items", "campaigns.take", campaigns_items,
	  .query = items_query },
	{ "GET", "/api/v1/campaigns/{id:int}/items.csv", "campaigns.read", campaigns_export,
	  .query = items_export_query, .arg = &export_as_csv },
	{ "GET", "/api/v1/campaigns/{id:int}/items.xlsx", "campaigns.read", campaigns_export,
	  .query = items_export_query, .arg = &export_as_xlsx },
	{ "POST", "/api/v1/campaigns/{id:int}/close", "campaigns.manage", campaigns_close,
	  .body = version_body },
	{ "GET", "/api/v1/me/campaign-items", PERM_SIGNED_IN, me_items, .query = me_items_query },
	{ "POST", "/api/v1/campaign-items/{id:int}/answer", "campaigns.take", items_answer,
	  .body = answer_body },
};

const struct route_table work_routes = { routes, ARRAY_SIZE(routes) };

const struct permission work_permissions[] = {
	{ "approvals.use", "workflow" },    { "approvals.manage", "workflow" },
	{ "campaigns.take", "workflow" },   { "campaigns.read", "workflow" },
	{ "campaigns.manage", "workflow" }, { 0 },
};
