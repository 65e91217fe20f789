/* workflow.c — applying declared transitions, and the shared timeline. */
#include <stdlib.h>
#include <string.h>

#include "workflow.h"
#include "../lib/timeutil.h"

bool wf_has_perm(const char *const *perms, const char *perm)
{
	for (; perms && perm && *perms; perms++)
		if (!strcmp(*perms, perm))
			return true;
	return false;
}

/* Is `state` one of the space-separated states in `list`? */
static bool state_in(const char *list, const char *state)
{
	size_t n = strlen(state);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !memcmp(p, state, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static bool same_group(const struct wf_transition *t, const char *group)
{
	if (!t->group || !group)
		return !t->group && !group;
	return !strcmp(t->group, group);
}

int wf_manager_of(struct db *db, int64_t user_id, int64_t *manager_id)
{
	struct dbrows r;
	*manager_id = 0;
	/* The person's own manager; else the department's manager, or its deputy when the
	 * person is that manager; never the person themselves; only active people. */
	if (db_query(db, &r,
		     "SELECT u.manager_id, m.status, d.manager_id, dm.status, d.deputy_id, "
		     "dd.status FROM users u "
		     "LEFT JOIN users m ON m.id = u.manager_id "
		     "LEFT JOIN departments d ON d.id = u.department_id "
		     "LEFT JOIN users dm ON dm.id = d.manager_id "
		     "LEFT JOIN users dd ON dd.id = d.deputy_id WHERE u.id = ?",
		     P(V_INT(user_id))))
		return -1;
	if (db_next(&r)) {
		for (int col = 0; col <= 4 && !*manager_id; col += 2) {
			if (db_isnull(&r, col) || db_int(&r, col) == user_id)
				continue;
			const char *st = db_text(&r, col + 1);
			if (st && !strcmp(st, "active"))
				*manager_id = db_int(&r, col);
		}
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* --- loading a record --------------------------------------------------------------------- */

/* Reads the record's state, version and people into c. 1: no such record; -1: error. */
static int load(struct wf_ctx *c, int64_t *version)
{
	struct buf sql = BUF_INIT;
	struct dbrows r;
	buf_printf(&sql, "SELECT status, version, %s, %s FROM %s WHERE id = ?",
		   c->wf->requester_col ? c->wf->requester_col : "NULL",
		   c->wf->assignee_col ? c->wf->assignee_col : "NULL", c->wf->table);
	int rc = db_query(c->db, &r, sql.buf, P(V_INT(c->id)));
	buf_release(&sql);
	if (rc)
		return -1;
	rc = 1;
	if (db_next(&r)) {
		snprintf(c->from_buf, sizeof(c->from_buf), "%s", db_text(&r, 0));
		c->from = c->from_buf;
		*version = db_int(&r, 1);
		c->requester_id = db_isnull(&r, 2) ? 0 : db_int(&r, 2);
		c->assignee_id = db_isnull(&r, 3) ? 0 : db_int(&r, 3);
		rc = 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : rc;
}

/* --- who may move ------------------------------------------------------------------------- */

/* 1: `c->by` may take t; 0: may not; -1: database error. */
static int may_take(struct wf_ctx *c, const struct wf_transition *t)
{
	const struct wf_actor *by = c->by;
	if (by->system)
		return (t->who & WF_SYSTEM) != 0;
	int64_t me = by->actor ? by->actor->id : 0;
	if (me <= 0)
		return 0;
	if ((t->who & WF_PERM) && t->perm && wf_has_perm(by->perms, t->perm))
		return 1;
	if ((t->who & WF_REQUESTER) && c->requester_id == me)
		return 1;
	if ((t->who & WF_ASSIGNEE) && c->assignee_id == me)
		return 1;
	if ((t->who & WF_MANAGER) && c->requester_id) {
		int64_t m;
		if (wf_manager_of(c->db, c->requester_id, &m))
			return -1;
		if (m == me)
			return 1;
	}
	return 0;
}

/* True if the second-person rule keeps `c->by` from taking t. */
static bool barred_self(const struct wf_ctx *c, const struct wf_transition *t)
{
	int64_t me = c->by->actor ? c->by->actor->id : 0;
	if (c->by->system || me <= 0)
		return false;
	return ((t->not_by & WF_REQUESTER) && c->requester_id == me) ||
	       ((t->not_by & WF_ASSIGNEE) && c->assignee_id == me);
}

/* The transition from c->from to `to` in `group` that is offered for this record. */
static const struct wf_transition *find(struct wf_ctx *c, const char *to, const char *group)
{
	for (const struct wf_transition *t = c->wf->transitions; t->to; t++) {
		if (strcmp(t->to, to) || !same_group(t, group) || !state_in(t->from, c->from))
			continue;
		c->t = t;
		if (t->when && !t->when(c))
			continue;
		return t;
	}
	return NULL;
}

/* The transitions offered from c->from (group `group`, or every group when all_groups) that
 * c->by may take, as {"to", "group", "comment_required"} objects, or as plain states. */
static json_t *offered(struct wf_ctx *c, bool all_groups, const char *group, bool plain)
{
	json_t *out = json_array();
	for (const struct wf_transition *t = c->wf->transitions; t->to; t++) {
		if (!state_in(t->from, c->from) || (!all_groups && !same_group(t, group)))
			continue;
		c->t = t;
		if (t->when && !t->when(c))
			continue;
		int may = may_take(c, t);
		if (may < 0) {
			json_decref(out);
			return NULL;
		}
		if (!may || barred_self(c, t))
			continue;
		if (plain)
			json_array_append_new(out, json_string(t->to));
		else
			json_array_append_new(out,
					      json_pack("{s:s,s:s?,s:b}", "to", t->to, "group",
							t->group, "comment_required",
							(t->flags & WF_COMMENT_REQUIRED) != 0));
	}
	return out;
}

static json_t *allowed(struct db *db, const struct workflow *wf, const struct wf_actor *by,
		       int64_t id, bool all_groups, const char *group, bool plain)
{
	struct wf_ctx c = { .db = db, .wf = wf, .by = by, .id = id };
	int64_t version;
	if (load(&c, &version))
		return NULL;
	return offered(&c, all_groups, group, plain);
}

json_t *wf_allowed(struct db *db, const struct workflow *wf, const struct wf_actor *by, int64_t id)
{
	return allowed(db, wf, by, id, true, NULL, false);
}

json_t *wf_allowed_states(struct db *db, const struct workflow *wf, const struct wf_actor *by,
			  int64_t id, const char *group)
{
	return allowed(db, wf, by, id, false, group, true);
}

/* --- moving ------------------------------------------------------------------------------- */

static json_t *snapshot(struct wf_ctx *c, const char *state)
{
	if (c->wf->snapshot)
		return c->wf->snapshot(c->db, c->id);
	return json_pack("{s:s}", "status", state);
}

enum status wf_move_tx(struct app *app, struct db *db, const struct workflow *wf,
		       const struct wf_actor *by, int64_t id, const struct wf_request *r,
		       struct ferrors *fe)
{
	struct wf_ctx c = { .app = app,
			    .db = db,
			    .wf = wf,
			    .by = by,
			    .id = id,
			    .in = r->in,
			    .comment = r->comment && *r->comment ? r->comment : NULL,
			    .fe = fe,
			    .arg = r->arg };
	char lock[64];
	int64_t version;
	enum status st = ST_DB;
	json_t *before = NULL, *after = NULL;
	char *body = NULL;

	/* One move at a time per record: the checks below see the state the move changes. */
	snprintf(lock, sizeof(lock), "%s:%lld", wf->type, (long long)id);
	if (db_lock(db, lock))
		return ST_DB;
	int rc = load(&c, &version);
	if (rc)
		return rc < 0 ? ST_DB : ST_NOT_FOUND;
	if (r->version && r->version != version)
		return ST_CONFLICT;
	const struct wf_transition *t = find(&c, r->to, r->group);
	if (!t) {
		json_t *ok = offered(&c, false, r->group, true);
		if (!ok)
			return ST_DB;
		ferr_add(fe, r->field ? r->field : "to",
			 r->invalid_code ? r->invalid_code : "invalid_transition",
			 "The record cannot move to this status from where it is.");
		ferr_extra(fe, "allowed", ok);
		return ST_INVALID;
	}
	c.t = t;
	int may = may_take(&c, t);
	if (may < 0)
		return ST_DB;
	if (!may) {
		fe->code = wf->forbidden_code ? wf->forbidden_code : "not_allowed";
		fe->detail = wf->forbidden_detail ? wf->forbidden_detail
						  : "You may not take this step on this record.";
		return ST_FORBIDDEN;
	}
	if (barred_self(&c, t))
		ferr_add(fe, t->self_field ? t->self_field : "to",
			 t->self_code ? t->self_code : "second_person",
			 t->self_message ? t->self_message
					 : "Someone other than the requester must take this step.");
	if ((t->flags & WF_COMMENT_REQUIRED) && !c.comment)
		ferr_add(fe, r->comment_field ? r->comment_field : "comment", "required",
			 t->comment_message ? t->comment_message : "Say why.");
	if (t->guard && t->guard(&c))
		goto out;
	if (ferr_any(fe)) {
		st = ST_INVALID;
		goto out;
	}
	before = snapshot(&c, c.from);
	if (!before)
		goto out;
	struct buf sql = BUF_INIT;
	buf_printf(&sql,
		   "UPDATE %s SET status = ?, version = version + 1, updated_at = ? WHERE id = ? "
		   "AND version = ?",
		   wf->table);
	rc = db_exec(db, sql.buf, P(V_TEXT(t->to), V_INT(now_unix()), V_INT(id), V_INT(version)));
	buf_release(&sql);
	if (rc)
		goto out;
	if (db_changes(db) != 1) { /* moved by someone else since it was read */
		st = ST_CONFLICT;
		goto out;
	}
	if (t->apply && t->apply(&c))
		goto out;
	if (c.comment)
		body = wf->seal ? wf->seal(app, id, c.comment) : xstrdup(c.comment);
	if (wf_event_add(db, wf->type, id, by->actor,
			 t->timeline_kind ? t->timeline_kind : "status", c.from, t->to,
			 (t->flags & WF_INTERNAL) != 0, body, c.data))
		goto out;
	after = snapshot(&c, t->to);
	if (!after)
		goto out;
	json_t *sum = json_pack("{s:s,s:s,s:O,s:O}", "from", c.from, "to", t->to, "before", before,
				"after", after);
	if (c.comment && (t->flags & WF_AUDIT_COMMENT))
		json_object_set_new(sum, "comment", json_string(c.comment));
	rc = audit_append(db, by->actor, t->event ? t->event : wf->event, wf->type, id, sum);
	json_decref(sum);
	if (rc)
		goto out;
	st = ST_OK;
out:
	free(body);
	json_decref(before);
	json_decref(after);
	json_decref(c.data);
	return st;
}

struct move_op {
	struct app *app;
	const struct workflow *wf;
	const struct wf_actor *by;
	int64_t id;
	const struct wf_request *r;
	struct ferrors *fe;
};

static enum status move_fn(struct db *db, void *arg)
{
	struct move_op *o = arg;
	/* A retry after a busy failure starts from a clean slate. */
	ferr_release(o->fe);
	return wf_move_tx(o->app, db, o->wf, o->by, o->id, o->r, o->fe);
}

enum status wf_move(struct app *app, struct db *db, const struct workflow *wf,
		    const struct wf_actor *by, int64_t id, const struct wf_request *r,
		    struct ferrors *fe)
{
	struct move_op o = { app, wf, by, id, r, fe };
	return db_tx_st(db, move_fn, &o);
}

/* --- the timeline ------------------------------------------------------------------------- */

int wf_event_add(struct db *db, const char *type, int64_t id, const struct actor *who,
		 const char *kind, const char *from, const char *to, bool internal,
		 const char *body, json_t *data)
{
	char *d = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = db_exec(
		db,
		"INSERT INTO timeline_events (record_type, record_id, at, actor_id, kind, "
		"from_status, to_status, internal, body, data) VALUES (?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?)",
		P(V_TEXT(type), V_INT(id), V_INT(now_unix()), V_ID(who ? who->id : 0), V_TEXT(kind),
		  V_TEXT(from), V_TEXT(to), V_BOOL(internal), V_TEXT(body), V_TEXT(d)));
	free(d);
	return rc;
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *wf_timeline(struct db *db, const char *type, int64_t id, bool internal,
		    void (*each)(json_t *entry, int64_t actor_id, void *arg), void *arg)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT e.at, e.actor_id, u.name, e.kind, e.from_status, e.to_status, "
		     "e.internal, e.body, e.data FROM timeline_events e LEFT JOIN users u ON "
		     "u.id = e.actor_id WHERE e.record_type = ? AND e.record_id = ? ORDER BY e.id",
		     P(V_TEXT(type), V_INT(id))))
		return NULL;
	json_t *out = json_array();
	while (db_next(&r)) {
		bool is_internal = db_int(&r, 6) != 0;
		if (is_internal && !internal)
			continue;
		char at[21];
		time_rfc3339(db_int(&r, 0), at);
		int64_t actor_id = db_isnull(&r, 1) ? 0 : db_int(&r, 1);
		json_t *data = db_text(&r, 8) ? json_loads(db_text(&r, 8), 0, NULL) : NULL;
		json_t *e = json_pack(
			"{s:s,s:o,s:s,s:o,s:o,s:b,s:o,s:o}", "at", at, "actor",
			actor_id ? json_pack("{s:I,s:s?}", "id", (json_int_t)actor_id, "name",
					     db_text(&r, 2))
				 : json_null(),
			"kind", db_text(&r, 3), "from_status", text_or_null(db_text(&r, 4)),
			"to_status", text_or_null(db_text(&r, 5)), "internal", is_internal, "body",
			text_or_null(db_text(&r, 7)), "data", data ? data : json_object());
		if (each)
			each(e, actor_id, arg);
		json_array_append_new(out, e);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(out);
		return NULL;
	}
	return out;
}
