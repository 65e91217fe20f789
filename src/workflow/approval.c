/* approval.c — approval chains: opening, deciding, escalating, and how they read. */
#include <stdlib.h>
#include <string.h>

#include "approval.h"
#include "../lib/timeutil.h"
#include "../notify/notify.h"
#include "../store/query.h"

#define FALLBACK_PERMISSION "approvals.manage"
#define USE_PERMISSION      "approvals.use" /* the approval pages' own permission */

static const char *kind_name(enum approver_kind k)
{
	switch (k) {
	case APPROVER_MANAGER:
		return "manager";
	case APPROVER_USER:
		return "user";
	case APPROVER_PERMISSION:
	default:
		return "permission";
	}
}

/* --- opening ------------------------------------------------------------------------------ */

/* The approver of a step that names a person: the requester's manager or the named user;
 * 0 when nobody can be found (the step then falls back to approvals.manage). */
static int resolve(struct db *db, const struct approval_step_spec *s, int64_t requester_id,
		   int64_t *approver)
{
	*approver = 0;
	if (s->kind == APPROVER_MANAGER)
		return wf_manager_of(db, requester_id, approver);
	if (s->kind == APPROVER_USER && s->user_id != requester_id) {
		int64_t one;
		bool found;
		if (db_query_int(db, &one, &found,
				 "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
				 P(V_INT(s->user_id))))
			return -1;
		if (found)
			*approver = s->user_id;
	}
	return 0;
}

/* What kind of approval a mail says waits (the title stays out of mails: see approval.h). */
static const char *about_ja(const struct approval_kind *k)
{
	return k && k->label_ja ? k->label_ja : "承認";
}

static const char *about_en(const struct approval_kind *k)
{
	return k && k->label_en ? k->label_en : "Approval";
}

/* Tells whoever approval `id`'s current step waits for (its approver, or everyone who holds
 * its permission but the requester) that it does, as notice `kind`. */
static int notice_waiting(struct db *db, int64_t id, const struct approval_kind *k,
			  const char *kind)
{
	struct dbrows r;
	char title[256] = "", perm[64] = "", key[64], link[48];
	int64_t approver = 0, requester = 0, step = 0;
	if (db_query(db, &r,
		     "SELECT a.title, a.requester_id, s.approver_id, s.permission, s.id FROM "
		     "approvals a JOIN approval_steps s ON s.approval_id = a.id AND s.position = "
		     "a.current_step WHERE a.id = ?",
		     P(V_INT(id))))
		return -1;
	if (db_next(&r)) {
		snprintf(title, sizeof(title), "%s", db_text(&r, 0));
		requester = db_int(&r, 1);
		approver = db_isnull(&r, 2) ? 0 : db_int(&r, 2);
		snprintf(perm, sizeof(perm), "%s", db_text(&r, 3) ? db_text(&r, 3) : "");
		step = db_int(&r, 4);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !step)
		return failed ? -1 : 0;
	/* One notice per step and approver: an escalated step is noticed again, to the new one. */
	snprintf(key, sizeof(key), "%s:%lld:%lld", kind, (long long)step, (long long)approver);
	snprintf(link, sizeof(link), "/approvals/%lld", (long long)id);
	struct notice n = { .user_id = approver,
			    .kind = kind,
			    .key = key,
			    .title = title,
			    .link = link,
			    .about_ja = about_ja(k),
			    .about_en = about_en(k),
			    .private_title = true };
	/* Only people who may open approvals (the route's permission) hear of one: whoever lost
	 * approvals.use no longer sees it in their tasks, nor by notice or mail. */
	if (approver)
		return notify_holder_tx(db, USE_PERMISSION, &n);
	return *perm ? notify_holders_tx(db, perm, USE_PERMISSION, requester, &n) : 0;
}

int approval_notice(struct db *db, int64_t id, const struct approval_kind *k, const char *kind)
{
	return notice_waiting(db, id, k, kind);
}

/* Makes step `position` of approval `id` the one waiting, resolving its approver. */
static int activate(struct db *db, int64_t id, int position, int64_t requester_id,
		    const struct approval_kind *k)
{
	struct dbrows r;
	struct approval_step_spec s = { 0 };
	char kind[16] = "", perm[64] = "";
	int64_t named = 0;
	if (db_query(db, &r,
		     "SELECT kind, permission, approver_id FROM approval_steps WHERE approval_id = "
		     "? "
		     "AND position = ?",
		     P(V_INT(id), V_INT(position))))
		return -1;
	if (db_next(&r)) {
		snprintf(kind, sizeof(kind), "%s", db_text(&r, 0));
		snprintf(perm, sizeof(perm), "%s", db_text(&r, 1) ? db_text(&r, 1) : "");
		named = db_isnull(&r, 2) ? 0 : db_int(&r, 2);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !*kind)
		return -1;
	int64_t approver = 0;
	if (strcmp(kind, "permission")) {
		s.kind = !strcmp(kind, "manager") ? APPROVER_MANAGER : APPROVER_USER;
		s.user_id = named;
		if (resolve(db, &s, requester_id, &approver))
			return -1;
	}
	/* Nobody to ask: whoever holds approvals.manage decides, never the requester. */
	bool fallback = strcmp(kind, "permission") && !approver;
	if (db_exec(db,
		    "UPDATE approval_steps SET status = 'pending', activated_at = ?, approver_id = "
		    "?, kind = ?, permission = ? WHERE approval_id = ? AND position = ?",
		    P(V_INT(now_unix()), V_ID(approver), V_TEXT(fallback ? "permission" : kind),
		      V_TEXT(fallback ? FALLBACK_PERMISSION : (*perm ? perm : NULL)), V_INT(id),
		      V_INT(position))))
		return -1;
	return notice_waiting(db, id, k, "approval_needed");
}

enum status approval_open_tx(struct db *db, const struct actor *who, const struct approval_kind *k,
			     int64_t record_id, int64_t requester_id, const char *title,
			     const struct approval_step_spec *steps, size_t n, const char *due_on,
			     int64_t *id, struct ferrors *fe)
{
	int64_t now = now_unix();
	if (n == 0 || !title || !*title) {
		ferr_add(fe, "approval", "invalid", "An approval needs at least one step.");
		return ST_INVALID;
	}
	if (db_insert(db, id,
		      "INSERT INTO approvals (record_type, record_id, title, requester_id, due_on, "
		      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		      P(V_TEXT(k->record_type), V_INT(record_id), V_TEXT(title),
			V_INT(requester_id), V_TEXT(due_on), V_INT(now), V_INT(now))))
		return ST_DB;
	for (size_t i = 0; i < n; i++)
		if (db_exec(db,
			    "INSERT INTO approval_steps (approval_id, position, kind, permission, "
			    "approver_id) VALUES (?, ?, ?, ?, ?)",
			    P(V_INT(*id), V_INT((int64_t)i + 1), V_TEXT(kind_name(steps[i].kind)),
			      V_TEXT(steps[i].permission), V_ID(steps[i].user_id))))
			return ST_DB;
	if (activate(db, *id, 1, requester_id, k))
		return ST_DB;
	json_t *data = json_pack("{s:I}", "approval_id", (json_int_t)*id);
	int rc = wf_event_add(db, k->record_type, record_id, who, "approval_requested", NULL, NULL,
			      false, NULL, data);
	json_decref(data);
	if (rc)
		return ST_DB;
	json_t *sum = json_pack("{s:s,s:I,s:I,s:I}", "record_type", k->record_type, "record_id",
				(json_int_t)record_id, "requester_id", (json_int_t)requester_id,
				"steps", (json_int_t)n);
	rc = audit_append(db, who, "approval.open", "approval", *id, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

/* --- who may decide ----------------------------------------------------------------------- */

static const char waiting_for[] =
	"a.status = 'pending' AND a.requester_id <> ? AND ("
	"(s.kind <> 'permission' AND (s.approver_id = ? OR s.approver_id IN (SELECT g.user_id "
	"FROM delegations g WHERE g.delegate_id = ? AND g.revoked_at IS NULL AND g.starts_on <= ? "
	"AND g.ends_on >= ?) OR s.approver_id IN (SELECT d.manager_id FROM departments d WHERE "
	"d.deputy_id = ? AND d.id = (SELECT rq.department_id FROM users rq WHERE rq.id = "
	"a.requester_id)))) OR (s.kind = 'permission' AND "
	"s.permission IN (SELECT rp.permission FROM user_roles ur JOIN role_permissions rp ON "
	"rp.role_id = ur.role_id WHERE ur.user_id = ?)))";

void approval_waiting_where(struct query *q, int64_t user_id, const char *today)
{
	query_add(q, waiting_for,
		  P(V_INT(user_id), V_INT(user_id), V_INT(user_id), V_TEXT(today), V_TEXT(today),
		    V_INT(user_id), V_INT(user_id)));
}

void approval_decider_exists(struct query *q, const char *record_type, const char *record_col,
			     int64_t user_id, const char *today)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "EXISTS (SELECT 1 FROM approvals a JOIN approval_steps s ON s.approval_id = a.id "
		 "AND s.position = a.current_step WHERE a.record_type = ? AND a.record_id = %s AND",
		 record_col);
	query_add(q, sql, P(V_TEXT(record_type)));
	approval_waiting_where(q, user_id, today);
	query_add(q, ")", NULL, 0);
}

int approval_may_decide(struct db *db, int64_t id, int64_t user_id, const char *const *perms,
			bool *may)
{
	(void)perms; /* the same roles the session read, taken from the database */
	struct query q;
	struct dbrows r;
	char today[11];
	tz_today(today);
	*may = false;
	query_init(&q, "SELECT 1 FROM approvals a JOIN approval_steps s ON s.approval_id = a.id "
		       "AND s.position = a.current_step WHERE");
	query_add(&q, "a.id = ? AND", P(V_INT(id)));
	approval_waiting_where(&q, user_id, today);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	*may = db_next(&r);
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* --- deciding ----------------------------------------------------------------------------- */

struct approval_row {
	char record_type[33];
	int64_t record_id, requester_id, version;
	char status[16];
	int current_step, steps;
	int64_t approver_id; /* of the current step */
};

/* 1: none; -1: error. */
static int load_row(struct db *db, int64_t id, struct approval_row *a)
{
	struct dbrows r;
	memset(a, 0, sizeof(*a));
	if (db_query(db, &r,
		     "SELECT a.record_type, a.record_id, a.requester_id, a.version, a.status, "
		     "a.current_step, (SELECT COUNT(*) FROM approval_steps x WHERE x.approval_id = "
		     "a.id), s.approver_id FROM approvals a LEFT JOIN approval_steps s ON "
		     "s.approval_id = a.id AND s.position = a.current_step WHERE a.id = ?",
		     P(V_INT(id))))
		return -1;
	int rc = 1;
	if (db_next(&r)) {
		snprintf(a->record_type, sizeof(a->record_type), "%s", db_text(&r, 0));
		a->record_id = db_int(&r, 1);
		a->requester_id = db_int(&r, 2);
		a->version = db_int(&r, 3);
		snprintf(a->status, sizeof(a->status), "%s", db_text(&r, 4));
		a->current_step = (int)db_int(&r, 5);
		a->steps = (int)db_int(&r, 6);
		a->approver_id = db_isnull(&r, 7) ? 0 : db_int(&r, 7);
		rc = 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : rc;
}

/* Blanks only (ASCII and the ideographic space U+3000) are no reason. */
static bool blank(const char *s)
{
	for (; *s; s++) {
		if (!strncmp(s, "\xE3\x80\x80", 3))
			s += 2;
		else if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	}
	return true;
}

struct decide_op {
	struct app *app;
	const struct wf_actor *by;
	int64_t id;
	const char *decision, *comment;
	int64_t version;
	const struct approval_kind *(*kind_of)(const char *);
	struct ferrors *fe;
};

static enum status decide_fn(struct db *db, void *arg)
{
	struct decide_op *o = arg;
	struct approval_row a;
	char lock[48];
	int64_t me = o->by->actor->id, now = now_unix();
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "approval:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	int rc = load_row(db, o->id, &a);
	if (rc)
		return rc < 0 ? ST_DB : ST_NOT_FOUND;
	if (o->version && o->version != a.version)
		return ST_CONFLICT;
	const struct approval_kind *k = o->kind_of(a.record_type);
	if (!k) {
		db_set_error(db, DBE_OTHER, "approval of an unknown record type");
		return ST_DB;
	}
	bool withdraw = !strcmp(o->decision, "withdraw");
	if (strcmp(a.status, "pending")) {
		ferr_add(o->fe, "decision", "approval_closed", "This approval is already decided.");
		return ST_INVALID;
	}
	if (withdraw) {
		if (me != a.requester_id) {
			o->fe->code = "not_requester";
			o->fe->detail = "Only the person who asked may withdraw the request.";
			return ST_FORBIDDEN;
		}
	} else {
		bool may;
		if (me == a.requester_id) {
			o->fe->code = "own_request";
			o->fe->detail = "Nobody approves their own request.";
			return ST_FORBIDDEN;
		}
		if (approval_may_decide(db, o->id, me, o->by->perms, &may))
			return ST_DB;
		if (!may) {
			o->fe->code = "not_approver";
			o->fe->detail = "This request is not waiting for you.";
			return ST_FORBIDDEN;
		}
	}
	bool needs_comment = !strcmp(o->decision, "reject") || !strcmp(o->decision, "send_back");
	const char *comment = o->comment && !blank(o->comment) ? o->comment : NULL;
	if (needs_comment && !comment) {
		ferr_add(o->fe, "comment", "required",
			 "Say why, so that the requester knows what to change.");
		return ST_INVALID;
	}
	/* Who decided, and for whom when standing in. */
	int64_t behalf = !withdraw && a.approver_id && a.approver_id != me ? a.approver_id : 0;
	const char *step_status = !strcmp(o->decision, "approve")     ? "approved"
				  : !strcmp(o->decision, "reject")    ? "rejected"
				  : !strcmp(o->decision, "send_back") ? "sent_back"
								      : "withdrawn";
	if (!withdraw &&
	    db_exec(db,
		    "UPDATE approval_steps SET status = ?, decided_by = ?, on_behalf_of = ?, "
		    "decided_at = ?, comment = ? WHERE approval_id = ? AND position = ?",
		    P(V_TEXT(step_status), V_INT(me), V_ID(behalf), V_INT(now), V_TEXT(comment),
		      V_INT(o->id), V_INT(a.current_step))))
		return ST_DB;
	bool more = !strcmp(o->decision, "approve") && a.current_step < a.steps;
	const char *outcome = more ? "pending" : step_status;
	if (db_exec(db,
		    "UPDATE approvals SET status = ?, current_step = ?, updated_at = ?, decided_at "
		    "= "
		    "?, version = version + 1 WHERE id = ? AND version = ?",
		    P(V_TEXT(outcome), V_INT(a.current_step + (more ? 1 : 0)), V_INT(now),
		      more ? V_NULL : V_INT(now), V_INT(o->id), V_INT(a.version))))
		return ST_DB;
	if (db_changes(db) != 1)
		return ST_CONFLICT;
	if (more && activate(db, o->id, a.current_step + 1, a.requester_id, k))
		return ST_DB;
	if (!more &&
	    db_exec(db,
		    "UPDATE approval_steps SET status = 'skipped' WHERE approval_id = ? AND "
		    "status IN ('waiting', 'pending')",
		    P(V_INT(o->id))))
		return ST_DB;
	json_t *data = json_pack("{s:s,s:I,s:i}", "decision", o->decision, "approval_id",
				 (json_int_t)o->id, "step", a.current_step);
	if (behalf)
		json_object_set_new(data, "on_behalf_of", json_integer(behalf));
	rc = wf_event_add(db, a.record_type, a.record_id, o->by->actor, "approval", NULL, NULL,
			  false, comment, data);
	json_decref(data);
	if (rc)
		return ST_DB;
	json_t *sum = json_pack("{s:s,s:s,s:I,s:i,s:s}", "decision", o->decision, "record_type",
				a.record_type, "record_id", (json_int_t)a.record_id, "step",
				a.current_step, "outcome", outcome);
	if (behalf)
		json_object_set_new(sum, "on_behalf_of", json_integer(behalf));
	rc = audit_append(db, o->by->actor, "approval.decide", "approval", o->id, sum);
	json_decref(sum);
	if (rc)
		return ST_DB;
	if (more)
		return ST_OK;
	/* The requester hears the outcome (not of their own withdrawal). */
	if (!withdraw) {
		char key[48], link[48], title[256] = "";
		bool found;
		snprintf(key, sizeof(key), "approval_decided:%lld", (long long)o->id);
		snprintf(link, sizeof(link), "/approvals/%lld", (long long)o->id);
		struct dbrows tr;
		if (db_query(db, &tr, "SELECT title FROM approvals WHERE id = ?", P(V_INT(o->id))))
			return ST_DB;
		if (db_next(&tr))
			snprintf(title, sizeof(title), "%s", db_text(&tr, 0));
		found = !tr.failed;
		db_rows_free(&tr);
		json_t *params = json_pack("{s:s}", "outcome", outcome);
		struct notice n = { .user_id = a.requester_id,
				    .kind = "approval_decided",
				    .key = key,
				    .title = title,
				    .link = link,
				    .params = params,
				    .about_ja = about_ja(k),
				    .about_en = about_en(k),
				    .private_title = true };
		rc = found ? notify_tx(db, &n, NULL) : -1;
		json_decref(params);
		if (rc)
			return ST_DB;
	}
	return k->decided(o->app, db, o->by->actor, a.record_id, outcome, comment, o->fe);
}

enum status approval_decide(struct app *app, struct db *db, const struct wf_actor *by, int64_t id,
			    const char *decision, const char *comment, int64_t version,
			    const struct approval_kind *(*kind_of)(const char *record_type),
			    struct ferrors *fe)
{
	struct decide_op o = { app, by, id, decision, comment, version, kind_of, fe };
	return db_tx_st(db, decide_fn, &o);
}

/* --- reading ------------------------------------------------------------------------------ */

static json_t *person_at(struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col))
		return json_null();
	return json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, id_col), "name",
			 db_text(r, name_col));
}

static json_t *time_at(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

static json_t *steps_json(struct db *db, int64_t id)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT s.position, s.kind, s.permission, s.approver_id, ap.name, s.status, "
		     "s.decided_by, db.name, s.decided_at, s.comment, s.on_behalf_of, "
		     "s.escalated_from, "
		     "ef.name, s.activated_at FROM approval_steps s LEFT JOIN users ap ON ap.id = "
		     "s.approver_id LEFT JOIN users db ON db.id = s.decided_by LEFT JOIN users ef "
		     "ON "
		     "ef.id = s.escalated_from WHERE s.approval_id = ? ORDER BY s.position",
		     P(V_INT(id))))
		return NULL;
	json_t *out = json_array();
	while (db_next(&r))
		json_array_append_new(
			out,
			json_pack("{s:I,s:s,s:s?,s:o,s:s,s:o,s:o,s:s?,s:o,s:o,s:o}", "position",
				  (json_int_t)db_int(&r, 0), "kind", db_text(&r, 1), "permission",
				  db_text(&r, 2), "approver", person_at(&r, 3, 4), "status",
				  db_text(&r, 5), "decided_by", person_at(&r, 6, 7), "decided_at",
				  time_at(&r, 8), "comment", db_text(&r, 9), "on_behalf_of",
				  db_isnull(&r, 10) ? json_null() : json_integer(db_int(&r, 10)),
				  "escalated_from", person_at(&r, 11, 12), "activated_at",
				  time_at(&r, 13)));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* The approval row with `where` ("a.id = ?" or the record's newest), with steps. */
static json_t *approval_where(struct db *db, const char *where, const struct dbval *p, size_t n,
			      int64_t viewer_id, const char *const *perms)
{
	struct buf sql = BUF_INIT;
	struct dbrows r;
	buf_printf(&sql,
		   "SELECT a.id, a.record_type, a.record_id, a.title, a.requester_id, u.name, "
		   "a.status, a.current_step, a.due_on, a.created_at, a.updated_at, a.decided_at, "
		   "a.version FROM approvals a JOIN users u ON u.id = a.requester_id WHERE %s",
		   where);
	int rc = db_query(db, &r, sql.buf, p, n);
	buf_release(&sql);
	if (rc)
		return NULL;
	json_t *a = NULL;
	int64_t id = 0, requester = 0;
	bool pending = false;
	if (db_next(&r)) {
		id = db_int(&r, 0);
		requester = db_int(&r, 4);
		pending = !strcmp(db_text(&r, 6), "pending");
		a = json_pack("{s:I,s:s,s:I,s:s,s:o,s:s,s:I,s:s?,s:o,s:o,s:o,s:I}", "id",
			      (json_int_t)id, "record_type", db_text(&r, 1), "record_id",
			      (json_int_t)db_int(&r, 2), "title", db_text(&r, 3), "requester",
			      person_at(&r, 4, 5), "status", db_text(&r, 6), "current_step",
			      (json_int_t)db_int(&r, 7), "due_on", db_text(&r, 8), "created_at",
			      time_at(&r, 9), "updated_at", time_at(&r, 10), "decided_at",
			      time_at(&r, 11), "version", (json_int_t)db_int(&r, 12));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(a);
		return NULL;
	}
	if (!a)
		return json_null();
	json_t *steps = steps_json(db, id);
	bool may = false;
	if (!steps || (pending && approval_may_decide(db, id, viewer_id, perms, &may))) {
		json_decref(steps);
		json_decref(a);
		return NULL;
	}
	json_object_set_new(a, "steps", steps);
	json_object_set_new(a, "can_decide", json_boolean(may));
	json_object_set_new(a, "can_withdraw", json_boolean(pending && viewer_id == requester));
	return a;
}

json_t *approval_of_record(struct db *db, const char *record_type, int64_t record_id,
			   int64_t viewer_id, const char *const *perms)
{
	return approval_where(db,
			      "a.record_type = ? AND a.record_id = ? ORDER BY a.id DESC LIMIT 1",
			      P(V_TEXT(record_type), V_INT(record_id)), viewer_id, perms);
}

json_t *approval_json(struct db *db, int64_t id, int64_t viewer_id, const char *const *perms)
{
	json_t *a = approval_where(db, "a.id = ?", P(V_INT(id)), viewer_id, perms);
	if (json_is_null(a)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* --- escalation --------------------------------------------------------------------------- */

struct escalate_op {
	int64_t approval_id, step_id, from, to;
	const char *record_type;
	int64_t record_id;
	int days;
};

static enum status escalate_fn(struct db *db, void *arg)
{
	struct escalate_op *o = arg;
	static const struct actor job = { 0, NULL, "job" };
	/* Still the same approver and still pending? */
	if (db_exec(db,
		    "UPDATE approval_steps SET approver_id = ?, escalated_from = ?, escalated_at = "
		    "?, "
		    "activated_at = ? WHERE id = ? AND approver_id = ? AND status = 'pending'",
		    P(V_INT(o->to), V_INT(o->from), V_INT(now_unix()), V_INT(now_unix()),
		      V_INT(o->step_id), V_INT(o->from))))
		return ST_DB;
	if (db_changes(db) != 1)
		return ST_NOT_FOUND;
	json_t *data = json_pack("{s:I,s:I,s:I}", "approval_id", (json_int_t)o->approval_id, "from",
				 (json_int_t)o->from, "to", (json_int_t)o->to);
	int rc = wf_event_add(db, o->record_type, o->record_id, &job, "escalated", NULL, NULL,
			      false, NULL, data) ||
		 notice_waiting(db, o->approval_id, NULL, "approval_escalated");
	json_object_set_new(data, "working_days", json_integer(o->days));
	if (!rc)
		rc = audit_append(db, &job, "approval.escalate", "approval", o->approval_id, data);
	json_decref(data);
	return rc ? ST_DB : ST_OK;
}

int approvals_escalate(struct db *db, int days, const struct workcal *cal)
{
	struct dbrows r;
	struct escalate_op *ops = NULL;
	size_t n = 0, cap = 0;
	char today[11];
	int escalated = 0;
	if (days <= 0)
		return 0;
	tz_today(today);
	if (db_query(
		    db, &r,
		    "SELECT a.id, s.id, s.approver_id, s.activated_at, a.record_type, a.record_id, "
		    "a.requester_id FROM approvals a JOIN approval_steps s ON s.approval_id = a.id "
		    "AND s.position = a.current_step WHERE a.status = 'pending' AND s.status = "
		    "'pending' AND s.kind <> 'permission' AND s.approver_id IS NOT NULL ORDER BY "
		    "s.id",
		    P0))
		return -1;
	char(*types)[33] = NULL;
	int64_t *requesters = NULL;
	while (db_next(&r)) {
		char since[11];
		int64_t at = db_int(&r, 3);
		date_from_days((at + tz_offset(at)) / 86400, since);
		int waited = jpcal_workdays_between(since, today, cal);
		if (waited < days)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ops = xrealloc(ops, cap * sizeof(*ops));
			types = xrealloc(types, cap * sizeof(*types));
			requesters = xrealloc(requesters, cap * sizeof(*requesters));
		}
		snprintf(types[n], sizeof(types[n]), "%s", db_text(&r, 4));
		ops[n] = (struct escalate_op){ db_int(&r, 0), db_int(&r, 1), db_int(&r, 2), 0,
					       NULL,          db_int(&r, 5), waited };
		requesters[n] = db_int(&r, 6);
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		int64_t up;
		if (wf_manager_of(db, ops[i].from, &up)) {
			failed = 1;
			break;
		}
		/* Escalate only to someone who is neither the requester nor the approver. */
		if (!up || up == requesters[i] || up == ops[i].from)
			continue;
		ops[i].to = up;
		ops[i].record_type = types[i];
		enum status st = db_tx_st(db, escalate_fn, &ops[i]);
		if (st == ST_OK)
			escalated++;
		else if (st != ST_NOT_FOUND)
			failed = 1;
	}
	free(ops);
	free(types);
	free(requesters);
	return failed ? -1 : escalated;
}

/* --- following the reporting line --------------------------------------------------------- */

struct follow {
	int64_t approval_id, step_id, from, requester, record_id;
	char type[33];
};

static int follow_one(struct db *db, const struct actor *who, const struct follow *f, int64_t to)
{
	int64_t now = now_unix();
	if (db_exec(db,
		    "UPDATE approval_steps SET approver_id = ?, kind = ?, permission = ?, "
		    "activated_at = ? WHERE id = ?",
		    P(V_ID(to), V_TEXT(to ? "manager" : "permission"),
		      V_TEXT(to ? NULL : FALLBACK_PERMISSION), V_INT(now), V_INT(f->step_id))) ||
	    db_exec(db, "UPDATE approvals SET version = version + 1, updated_at = ? WHERE id = ?",
		    P(V_INT(now), V_INT(f->approval_id))))
		return -1;
	json_t *data = json_pack("{s:I,s:I,s:o,s:s}", "approval_id", (json_int_t)f->approval_id,
				 "from", (json_int_t)f->from, "to",
				 to ? json_integer(to) : json_null(), "reason", "reporting_line");
	int rc = wf_event_add(db, f->type, f->record_id, who, "reassigned", NULL, NULL, false, NULL,
			      data) ||
		 notice_waiting(db, f->approval_id, NULL, "approval_needed") ||
		 audit_append(db, who, "approval.reassign", "approval", f->approval_id, data);
	json_decref(data);
	return rc ? -1 : 0;
}

int approvals_follow_managers(struct db *db, const struct actor *who)
{
	struct dbrows r;
	struct follow *fs = NULL;
	size_t n = 0, cap = 0;
	if (db_query(db, &r,
		     "SELECT a.id, s.id, s.approver_id, a.requester_id, a.record_id, a.record_type "
		     "FROM approvals a JOIN approval_steps s ON s.approval_id = a.id AND "
		     "s.position = a.current_step WHERE a.status = 'pending' AND s.status = "
		     "'pending' AND s.kind = 'manager' AND s.escalated_from IS NULL AND "
		     "s.approver_id IS NOT NULL ORDER BY s.id",
		     P0))
		return -1;
	while (db_next(&r)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			fs = xrealloc(fs, cap * sizeof(*fs));
		}
		fs[n] = (struct follow){ db_int(&r, 0), db_int(&r, 1), db_int(&r, 2), db_int(&r, 3),
					 db_int(&r, 4) };
		snprintf(fs[n].type, sizeof(fs[n].type), "%s", db_text(&r, 5));
		n++;
	}
	int failed = r.failed, moved = 0;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		int64_t to;
		if (wf_manager_of(db, fs[i].requester, &to))
			failed = 1;
		else if (to != fs[i].from) {
			failed = follow_one(db, who, &fs[i], to) != 0;
			moved++;
		}
	}
	free(fs);
	return failed ? -1 : moved;
}
