/* account_requests.c — アカウント申請: asking for an account, its change or its end, on approval.
 */
#include <string.h>

#include "access.h"
#include "../accounts/accounts.h"
#include "../../lib/timeutil.h"

static const char *const kinds[] = { "new", "change", "end", "remove", NULL };

static bool in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s && *s ? s : NULL;
}

/* --- reading ------------------------------------------------------------------------------ */

static const char request_head[] =
	"SELECT r.id, r.kind, r.requester_id, q.name, r.target_user_id, t.name, t.login, r.login, "
	"r.name, r.email, r.department_id, d.name, r.manager_id, m.name, r.employment_type, "
	"r.roles, r.valid_until, r.purpose, r.reason, r.status, r.done_by, db.name, r.done_at, "
	"r.created_at, r.updated_at, r.version FROM account_requests r JOIN users q ON q.id = "
	"r.requester_id LEFT JOIN users t ON t.id = r.target_user_id LEFT JOIN departments d ON "
	"d.id = r.department_id LEFT JOIN users m ON m.id = r.manager_id LEFT JOIN users db ON "
	"db.id = r.done_by";

static json_t *person(struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col))
		return json_null();
	return json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, id_col), "name",
			 db_text(r, name_col));
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *time_or_null(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

/* One row of request_head as the API's object (without approval, timeline and moves). */
static json_t *request_row(struct dbrows *r)
{
	json_t *roles = db_text(r, 15) ? json_loads(db_text(r, 15), 0, NULL) : NULL;
	json_t *o = json_pack(
		"{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:o,s:o,"
		"s:I}",
		"id", (json_int_t)db_int(r, 0), "kind", db_text(r, 1), "requester", person(r, 2, 3),
		"target", person(r, 4, 5), "target_login", text_or_null(db_text(r, 6)), "login",
		text_or_null(db_text(r, 7)), "name", text_or_null(db_text(r, 8)), "email",
		text_or_null(db_text(r, 9)), "department", person(r, 10, 11), "manager",
		person(r, 12, 13), "employment_type", text_or_null(db_text(r, 14)), "roles",
		roles ? roles : json_null(), "valid_until", text_or_null(db_text(r, 16)), "purpose",
		db_text(r, 17), "reason", db_text(r, 18), "status", db_text(r, 19), "done_by",
		person(r, 20, 21), "done_at", time_or_null(r, 22), "created_at",
		time_or_null(r, 23), "updated_at", time_or_null(r, 24), "version",
		(json_int_t)db_int(r, 25));
	return o;
}

/* The request row, or NULL (none, or a database error: see db_errkind). */
static json_t *request_plain(struct db *db, int64_t id)
{
	struct buf sql = BUF_INIT;
	struct dbrows r;
	json_t *o = NULL;
	buf_adds(&sql, request_head);
	buf_adds(&sql, " WHERE r.id = ?");
	int rc = db_query(db, &r, sql.buf, P(V_INT(id)));
	buf_release(&sql);
	if (rc)
		return NULL;
	if (db_next(&r))
		o = request_row(&r);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* What the audit trail keeps of a request: no names, ids and choices. */
static json_t *snapshot(struct db *db, int64_t id)
{
	json_t *o = request_plain(db, id);
	if (!o)
		return NULL;
	static const char *const drop[] = { "requester",  "target",  "department",
					    "manager",    "done_by", "created_at",
					    "updated_at", "name",    "email" };
	for (size_t i = 0; i < ARRAY_SIZE(drop); i++)
		json_object_del(o, drop[i]);
	return o;
}

int account_request_visible(struct db *db, const struct wf_actor *by, int64_t id, bool *visible)
{
	int64_t one;
	bool found;
	*visible = wf_has_perm(by->perms, "users.write") ||
		   wf_has_perm(by->perms, "account_requests.read");
	if (*visible)
		return 0;
	/* The requester, and whoever an approval of it names or was decided by. */
	if (db_query_int(
		    db, &one, &found,
		    "SELECT 1 FROM account_requests r WHERE r.id = ? AND (r.requester_id = ? OR "
		    "EXISTS (SELECT 1 FROM approvals a JOIN approval_steps s ON s.approval_id = "
		    "a.id WHERE a.record_type = 'account_request' AND a.record_id = r.id AND "
		    "(s.approver_id = ? OR s.decided_by = ?)))",
		    P(V_INT(id), V_INT(by->actor->id), V_INT(by->actor->id), V_INT(by->actor->id))))
		return -1;
	if (found) {
		*visible = true;
		return 0;
	}
	/* Or someone who may decide its pending approval now (a delegate, a deputy). */
	if (db_query_int(db, &one, &found,
			 "SELECT id FROM approvals WHERE record_type = 'account_request' AND "
			 "record_id = ? AND status = 'pending' ORDER BY id DESC LIMIT 1",
			 P(V_INT(id))))
		return -1;
	return found ? approval_may_decide(db, one, by->actor->id, by->perms, visible) : 0;
}

json_t *account_request_json(struct db *db, const struct wf_actor *by, int64_t id)
{
	json_t *o = request_plain(db, id);
	if (!o)
		return NULL;
	json_t *approval = approval_of_record(db, "account_request", id, by->actor->id, by->perms);
	json_t *timeline =
		approval ? wf_timeline(db, "account_request", id, true, NULL, NULL) : NULL;
	json_t *moves = timeline ? wf_allowed(db, &account_request_workflow, by, id) : NULL;
	if (!moves) {
		json_decref(approval);
		json_decref(timeline);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "approval", approval);
	json_object_set_new(o, "timeline", timeline);
	json_object_set_new(o, "allowed_transitions", moves);
	json_object_set_new(
		o, "can_carry_out",
		json_boolean(!strcmp(json_string_value(json_object_get(o, "status")), "approved") &&
			     wf_has_perm(by->perms, "users.write")));
	return o;
}

/* --- checking ----------------------------------------------------------------------------- */

/* May `by` ask for a change to `target` (their manager, or an administrator)? */
static int may_ask_for(struct db *db, const struct wf_actor *by, int64_t target, bool *may)
{
	int64_t manager;
	*may = wf_has_perm(by->perms, "users.write");
	if (*may)
		return 0;
	if (wf_manager_of(db, target, &manager))
		return -1;
	*may = manager == by->actor->id;
	return 0;
}

/* The rules of a request `r` (merged fields) that need the database. -1 on error. */
static int check_request(struct db *db, const struct wf_actor *by, json_t *r, struct ferrors *fe)
{
	const char *kind = str(r, "kind");
	json_t *v;
	int64_t one;
	bool found;
	if (!in_list(kinds, kind)) {
		ferr_add(fe, "kind", "invalid_choice", "new, change, end or remove.");
		return 0;
	}
	bool is_new = !strcmp(kind, "new");
	int64_t target = json_integer_value(json_object_get(r, "target_user_id"));
	if (is_new) {
		const char *login = str(r, "login");
		int64_t existing = 0;
		if (!login)
			ferr_add(fe, "login", "required", "Give the login id.");
		else if (!login_valid(login))
			ferr_add(fe, "login", "invalid_login",
				 "Use letters, digits and . _ @ - only, starting with a letter or "
				 "digit.");
		else if (user_find(db, login, &existing))
			return -1;
		else if (existing)
			ferr_add(fe, "login", "taken", "This login id is already used.");
		if (!str(r, "name"))
			ferr_add(fe, "name", "required", "Give the person's name.");
		if (!str(r, "purpose"))
			ferr_add(fe, "purpose", "required", "Say what the account is for.");
		/* A manager asks for their own department's people. */
		int64_t dept = json_integer_value(json_object_get(r, "department_id"));
		if (!wf_has_perm(by->perms, "users.write")) {
			int64_t mine = 0;
			if (db_query_int(
				    db, &mine, &found,
				    "SELECT COALESCE(department_id, 0) FROM users WHERE id = ?",
				    P(V_INT(by->actor->id))))
				return -1;
			if (!dept || dept != mine)
				ferr_add(fe, "department_id", "out_of_scope",
					 "Ask for accounts of your own department.");
		}
	} else {
		bool may = false;
		if (!target)
			ferr_add(fe, "target_user_id", "required", "Whose account is it?");
		else if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ?",
				      P(V_INT(target))))
			return -1;
		else if (!found)
			ferr_add(fe, "target_user_id", "not_found", "There is no such user.");
		else if (may_ask_for(db, by, target, &may))
			return -1;
		else if (!may)
			ferr_add(fe, "target_user_id", "out_of_scope",
				 "Ask for changes to the accounts of your own people.");
		if (!str(r, "reason"))
			ferr_add(fe, "reason", "required", "Say why.");
		if (!strcmp(kind, "end") && !str(r, "valid_until"))
			ferr_add(fe, "valid_until", "required",
				 "Give the last day of the account.");
	}
	if ((v = json_object_get(r, "department_id")) && json_is_integer(v)) {
		if (db_query_int(db, &one, &found, "SELECT 1 FROM departments WHERE id = ?",
				 P(V_INT(json_integer_value(v)))))
			return -1;
		if (!found)
			ferr_add(fe, "department_id", "not_found", "There is no such department.");
	}
	if ((v = json_object_get(r, "manager_id")) && json_is_integer(v)) {
		if (db_query_int(db, &one, &found,
				 "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
				 P(V_INT(json_integer_value(v)))))
			return -1;
		if (!found)
			ferr_add(fe, "manager_id", "not_found", "There is no such active user.");
	}
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(r, "roles"), i, e)
	{
		if (db_query_int(db, &one, &found, "SELECT 1 FROM roles WHERE name = ?",
				 P(V_TEXT(json_string_value(e)))))
			return -1;
		if (!found) {
			ferr_add(fe, "roles", "invalid_choice", "There is no such role.");
			break;
		}
	}
	const char *until = str(r, "valid_until");
	char today[11];
	tz_today(today);
	if (until && strcmp(until, today) < 0)
		ferr_add(fe, "valid_until", "in_past", "The end date is in the past.");
	return 0;
}

/* --- writing ------------------------------------------------------------------------------ */

/* The editable fields and how each is stored. */
static const struct {
	const char *field;
	bool is_int, is_json;
} fields[] = {
	{ "login" },
	{ "name" },
	{ "email" },
	{ "department_id", true },
	{ "manager_id", true },
	{ "employment_type" },
	{ "roles", false, true },
	{ "valid_until" },
	{ "purpose" },
	{ "reason" },
};

static int store_fields(struct db *db, int64_t id, json_t *in)
{
	static const char *const sql[] = {
		"UPDATE account_requests SET login = ? WHERE id = ?",
		"UPDATE account_requests SET name = ? WHERE id = ?",
		"UPDATE account_requests SET email = ? WHERE id = ?",
		"UPDATE account_requests SET department_id = ? WHERE id = ?",
		"UPDATE account_requests SET manager_id = ? WHERE id = ?",
		"UPDATE account_requests SET employment_type = ? WHERE id = ?",
		"UPDATE account_requests SET roles = ? WHERE id = ?",
		"UPDATE account_requests SET valid_until = ? WHERE id = ?",
		"UPDATE account_requests SET purpose = ? WHERE id = ?",
		"UPDATE account_requests SET reason = ? WHERE id = ?",
	};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		json_t *v = json_object_get(in, fields[i].field);
		if (!v)
			continue;
		char *text =
			fields[i].is_json && !json_is_null(v) ? json_dumps(v, JSON_COMPACT) : NULL;
		struct dbval val = json_is_null(v)     ? V_NULL
				   : fields[i].is_int  ? V_INT(json_integer_value(v))
				   : fields[i].is_json ? V_TEXT(text)
						       : V_TEXT(json_string_value(v));
		/* purpose and reason are never null: empty text instead. */
		if (json_is_null(v) &&
		    (!strcmp(fields[i].field, "purpose") || !strcmp(fields[i].field, "reason")))
			val = V_TEXT("");
		int rc = db_exec(db, sql[i], P(val, V_INT(id)));
		free(text);
		if (rc)
			return -1;
	}
	return 0;
}

/* The request as stored merged with a patch: what the rules are checked against. */
static json_t *merged(json_t *stored, json_t *patch)
{
	json_t *r = json_object();
	json_object_set(r, "kind", json_object_get(stored, "kind"));
	json_object_set_new(
		r, "target_user_id",
		json_is_object(json_object_get(stored, "target"))
			? json_incref(json_object_get(json_object_get(stored, "target"), "id"))
			: json_null());
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *k = fields[i].field;
		json_t *v = json_object_get(patch, k);
		if (!v && !strcmp(k, "department_id"))
			v = json_object_get(json_object_get(stored, "department"), "id");
		else if (!v && !strcmp(k, "manager_id"))
			v = json_object_get(json_object_get(stored, "manager"), "id");
		else if (!v)
			v = json_object_get(stored, k);
		if (v)
			json_object_set(r, k, v);
	}
	return r;
}

struct create_op {
	const struct wf_actor *by;
	json_t *in;
	int64_t id;
	struct ferrors *fe;
};

static enum status create_fn(struct db *db, void *arg)
{
	struct create_op *o = arg;
	int64_t now = now_unix();
	ferr_release(o->fe);
	if (check_request(db, o->by, o->in, o->fe))
		return ST_DB;
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_insert(
		    db, &o->id,
		    "INSERT INTO account_requests (kind, requester_id, target_user_id, created_at, "
		    "updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		    P(V_TEXT(str(o->in, "kind")), V_INT(o->by->actor->id),
		      V_ID(json_integer_value(json_object_get(o->in, "target_user_id"))),
		      V_INT(now), V_INT(now))) ||
	    store_fields(db, o->id, o->in) ||
	    wf_event_add(db, "account_request", o->id, o->by->actor, "created", NULL, "draft",
			 false, NULL, NULL))
		return ST_DB;
	json_t *after = snapshot(db, o->id);
	if (!after)
		return ST_DB;
	int rc = audit_change(db, o->by->actor, "account_request.create", "account_request", o->id,
			      NULL, after);
	json_decref(after);
	return rc ? ST_DB : ST_OK;
}

enum status account_request_create(struct db *db, const struct wf_actor *by, json_t *in,
				   int64_t *id, struct ferrors *fe)
{
	struct create_op o = { by, in, 0, fe };
	enum status st = db_tx_st(db, create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

struct update_op {
	const struct wf_actor *by;
	int64_t id;
	json_t *patch;
	struct ferrors *fe;
};

static enum status update_fn(struct db *db, void *arg)
{
	struct update_op *o = arg;
	char lock[48];
	enum status st = ST_DB;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "account_request:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	json_t *stored = request_plain(db, o->id), *r = NULL, *before = NULL, *after = NULL;
	if (!stored)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	const char *status = json_string_value(json_object_get(stored, "status"));
	if (json_integer_value(json_object_get(stored, "version")) !=
	    json_integer_value(json_object_get(o->patch, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	if (json_integer_value(json_object_get(json_object_get(stored, "requester"), "id")) !=
	    o->by->actor->id) {
		o->fe->code = "not_requester";
		o->fe->detail = "Only the person who asked may change the request.";
		st = ST_FORBIDDEN;
		goto out;
	}
	if (strcmp(status, "draft") && strcmp(status, "sent_back")) {
		o->fe->code = "not_editable";
		o->fe->detail = "A request is changed only before it is sent, or when sent back.";
		st = ST_FORBIDDEN;
		goto out;
	}
	r = merged(stored, o->patch);
	if (check_request(db, o->by, r, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	if (!(before = snapshot(db, o->id)) || store_fields(db, o->id, o->patch) ||
	    db_exec(db,
		    "UPDATE account_requests SET updated_at = ?, version = version + 1 WHERE id = "
		    "?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    wf_event_add(db, "account_request", o->id, o->by->actor, "updated", NULL, NULL, false,
			 NULL, NULL) ||
	    !(after = snapshot(db, o->id)) ||
	    audit_change(db, o->by->actor, "account_request.update", "account_request", o->id,
			 before, after))
		goto out;
	st = ST_OK;
out:
	json_decref(stored);
	json_decref(r);
	json_decref(before);
	json_decref(after);
	return st;
}

enum status account_request_update(struct db *db, const struct wf_actor *by, int64_t id,
				   json_t *patch, struct ferrors *fe)
{
	struct update_op o = { by, id, patch, fe };
	return db_tx_st(db, update_fn, &o);
}

/* --- the workflow ------------------------------------------------------------------------- */

extern const struct approval_kind access_approvals[];

/* Before sending: the rules may have changed since the draft (the login taken meanwhile). */
static int recheck(struct wf_ctx *c)
{
	json_t *r = request_plain(c->db, c->id);
	if (!r)
		return -1;
	json_t *m = merged(r, NULL);
	int rc = check_request(c->db, c->by, m, c->fe);
	json_decref(m);
	json_decref(r);
	return rc;
}

/* submitted: the requester's manager decides (a manager asking goes one step up). */
static int open_approval(struct wf_ctx *c)
{
	static const struct approval_step_spec chain[] = { { APPROVER_MANAGER, NULL, 0 } };
	json_t *r = request_plain(c->db, c->id);
	if (!r)
		return -1;
	/* What the approver's inbox shows: whose account (the type is worded by the UI). */
	struct buf title = BUF_INIT;
	const char *name = str(r, "name"), *login = str(r, "login");
	json_t *target = json_object_get(r, "target");
	if (json_is_object(target))
		buf_printf(&title, "%s", json_string_value(json_object_get(target, "name")));
	else
		buf_printf(&title, "%s (%s)", name ? name : "", login ? login : "");
	int64_t approval;
	enum status st =
		approval_open_tx(c->db, c->by->actor, &access_approvals[0], c->id, c->requester_id,
				 title.buf, chain, 1, NULL, &approval, c->fe);
	buf_release(&title);
	json_decref(r);
	return st == ST_OK ? 0 : -1;
}

static const struct wf_transition moves[] = {
	{ "draft sent_back", "submitted", WF_REQUESTER, .guard = recheck, .apply = open_approval },
	{ "draft sent_back", "withdrawn", WF_REQUESTER },
	/* The approval's outcome, moved by the engine when the approval ends. */
	{ "submitted", "approved", WF_SYSTEM },
	{ "submitted", "rejected", WF_SYSTEM },
	{ "submitted", "sent_back", WF_SYSTEM },
	{ "submitted", "withdrawn", WF_SYSTEM },
	/* Carried out by an administrator (account_request_carry_out). */
	{ "approved", "done", WF_SYSTEM },
	{ 0 },
};

const struct workflow account_request_workflow = {
	.type = "account_request",
	.table = "account_requests",
	.requester_col = "requester_id",
	.transitions = moves,
	.event = "account_request.transition",
	.forbidden_code = "not_requester",
	.forbidden_detail = "Only the person who asked may send or withdraw the request.",
	.snapshot = snapshot,
};

enum status account_request_move(struct app *app, struct db *db, const struct wf_actor *by,
				 int64_t id, json_t *in, struct ferrors *fe)
{
	struct wf_request r = { .to = str(in, "to"),
				.version = json_integer_value(json_object_get(in, "version")),
				.comment = str(in, "comment"),
				.in = in,
				.field = "to" };
	return wf_move(app, db, &account_request_workflow, by, id, &r, fe);
}

/* The approval engine's word on a request: move it to the outcome, as the system. */
static enum status decided(struct app *app, struct db *db, const struct actor *who,
			   int64_t record_id, const char *outcome, const char *comment,
			   struct ferrors *fe)
{
	struct wf_actor system = { who, NULL, true };
	struct wf_request r = { .to = outcome, .comment = comment, .field = "decision" };
	return wf_move_tx(app, db, &account_request_workflow, &system, record_id, &r, fe);
}

const struct approval_kind access_approvals[] = {
	{ "account_request", "アカウント申請", "Account request", "/account-requests/", decided },
	{ 0 },
};

/* --- carrying it out ---------------------------------------------------------------------- */

struct done_step {
	struct app *app;
	const struct wf_actor *by;
	int64_t id, version;
	struct ferrors *fe;
};

/* In the account change's transaction: the request is done, and the account remembers it. */
static enum status mark_done(struct db *db, int64_t user_id, void *arg)
{
	struct done_step *d = arg;
	struct wf_actor system = { d->by->actor, NULL, true };
	struct wf_request r = { .to = "done", .version = d->version, .field = "version" };
	enum status st =
		wf_move_tx(d->app, db, &account_request_workflow, &system, d->id, &r, d->fe);
	if (st != ST_OK)
		return st;
	if (db_exec(db,
		    "UPDATE account_requests SET target_user_id = ?, done_by = ?, done_at = ? "
		    "WHERE "
		    "id = ?",
		    P(V_INT(user_id), V_INT(d->by->actor->id), V_INT(now_unix()), V_INT(d->id))) ||
	    db_exec(db, "UPDATE users SET account_request_id = ? WHERE id = ?",
		    P(V_INT(d->id), V_INT(user_id))))
		return ST_DB;
	return ST_OK;
}

/* The change to the account that request `r` asks for, as a PATCH of the user (with the
 * user's current version), or for a new account its body. */
static json_t *account_change(struct db *db, json_t *r)
{
	json_t *out = json_object();
	static const char *const keys[] = { "email", "employment_type", "roles", "valid_until",
					    "purpose" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *v = json_object_get(r, keys[i]);
		if (v && !json_is_null(v) && !(json_is_string(v) && !json_string_length(v)))
			json_object_set(out, keys[i], v);
	}
	json_t *d = json_object_get(json_object_get(r, "department"), "id");
	json_t *m = json_object_get(json_object_get(r, "manager"), "id");
	if (d)
		json_object_set(out, "department_id", d);
	if (m)
		json_object_set(out, "manager_id", m);
	if (!strcmp(json_string_value(json_object_get(r, "kind")), "new")) {
		json_object_set(out, "login", json_object_get(r, "login"));
		json_object_set(out, "name", json_object_get(r, "name"));
		return out;
	}
	json_t *u = user_json(
		db, json_integer_value(json_object_get(json_object_get(r, "target"), "id")));
	if (!u) {
		json_decref(out);
		return NULL;
	}
	json_object_set(out, "version", json_object_get(u, "version"));
	json_decref(u);
	return out;
}

enum status account_request_carry_out(struct app *app, struct db *db, const struct wf_actor *by,
				      int64_t id, int64_t version, char password_out[15],
				      struct ferrors *fe)
{
	json_t *r = request_plain(db, id);
	if (!r)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	enum status st;
	const char *kind = json_string_value(json_object_get(r, "kind"));
	if (json_integer_value(json_object_get(r, "version")) != version) {
		st = ST_CONFLICT;
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(r, "status")), "approved")) {
		ferr_add(fe, "version", "not_approved", "Only an approved request is carried out.");
		st = ST_INVALID;
		goto out;
	}
	struct done_step d = { app, by, id, version, fe };
	struct user_also also = { mark_done, &d };
	int64_t target = json_integer_value(json_object_get(json_object_get(r, "target"), "id"));
	if (!strcmp(kind, "remove")) {
		char reason[48];
		snprintf(reason, sizeof(reason), "account_request:%lld", (long long)id);
		st = user_set_active_also(db, by->actor, target, false, reason, fe, &also);
		goto out;
	}
	json_t *change = account_change(db, r);
	if (!change) {
		st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		goto out;
	}
	if (!strcmp(kind, "new")) {
		int64_t uid;
		st = user_create_also(app, db, by->actor, change, NULL, &uid, password_out, fe,
				      &also);
	} else {
		if (!strcmp(kind, "end")) {
			/* Only the end date: nothing else of the account changes. */
			json_t *only = json_pack("{s:O,s:O}", "version",
						 json_object_get(change, "version"), "valid_until",
						 json_object_get(r, "valid_until"));
			json_decref(change);
			change = only;
		}
		st = user_update_also(app, db, by->actor, target, change, fe, &also);
	}
	json_decref(change);
out:
	json_decref(r);
	return st;
}
