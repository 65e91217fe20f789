/* findings.c — findings (指摘事項), the corrective actions they open, and the audited
 * department's answer. */
#include <string.h>

#include "internal.h"
#include "../actions/actions.h"
#include "../../lib/timeutil.h"

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s && *s ? s : NULL;
}

/* The first `max` characters of `s` (UTF-8), with "…" when cut. */
static void first_chars(struct buf *out, const char *s, size_t max)
{
	size_t chars = 0;
	const char *c = s;
	for (; *c; c++)
		if (((unsigned char)*c & 0xC0) != 0x80 && ++chars > max)
			break;
	buf_add(out, s, (size_t)(c - s));
	if (*c)
		buf_adds(out, "…");
}

/* --- reading ------------------------------------------------------------------------------- */

static const char finding_head[] =
	"SELECT f.id, f.audit_id, a.title, f.item_id, i.code, f.department_id, d.name, f.grade, "
	"f.requirement, f.statement, f.evidence, f.action_id, x.status, x.due_on, x.owner_id, "
	"o.name, f.status, f.response_cause, f.response_plan, f.responded_by, rb.name, "
	"f.responded_at, f.created_by, cb.name, f.created_at, f.updated_at, f.version, "
	"x.effectiveness, a.status "
	"FROM internal_audit_findings f JOIN internal_audits a ON a.id = f.audit_id JOIN "
	"departments d ON d.id = f.department_id LEFT JOIN internal_audit_items i ON i.id = "
	"f.item_id LEFT JOIN actions x ON x.id = f.action_id LEFT JOIN users o ON o.id = "
	"x.owner_id LEFT JOIN users rb ON rb.id = f.responded_by LEFT JOIN users cb ON cb.id = "
	"f.created_by";

static json_t *finding_row(struct dbrows *r, const char *today)
{
	json_t *action = json_null();
	if (!db_isnull(r, 11)) {
		const char *st = db_text(r, 12), *due = db_text(r, 13);
		bool open = !strcmp(st, "open") || !strcmp(st, "in_progress");
		action = json_pack("{s:I,s:s,s:s,s:o,s:b,s:o}", "id", (json_int_t)db_int(r, 11),
				   "status", st, "due_on", due, "owner", ia_person(r, 14, 15),
				   "overdue", open && strcmp(due, today) < 0, "effectiveness",
				   ia_text(db_text(r, 27)));
	}
	return json_pack(
		"{s:I,s:{s:I,s:s,s:s},s:o,s:o,s:{s:I,s:s},s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:o,s:o,"
		"s:o,s:o,s:o,s:o,s:I}",
		"id", (json_int_t)db_int(r, 0), "audit", "id", (json_int_t)db_int(r, 1), "title",
		db_text(r, 2), "status", db_text(r, 28), "item_id",
		db_isnull(r, 3) ? json_null() : json_integer(db_int(r, 3)), "item_code",
		ia_text(db_text(r, 4)), "department", "id", (json_int_t)db_int(r, 5), "name",
		db_text(r, 6), "grade", db_text(r, 7), "requirement", db_text(r, 8), "statement",
		db_text(r, 9), "evidence", db_text(r, 10), "action", action, "status",
		db_text(r, 16), "response_cause", ia_text(db_text(r, 17)), "response_plan",
		ia_text(db_text(r, 18)), "responded_by", ia_person(r, 19, 20), "responded_at",
		ia_time(r, 21), "created_by", ia_person(r, 22, 23), "created_at", ia_time(r, 24),
		"updated_at", ia_time(r, 25), "version", (json_int_t)db_int(r, 26));
}

static json_t *findings_query(struct db *db, const char *where, const struct dbval *p, size_t n)
{
	struct buf sql = BUF_INIT;
	struct dbrows r;
	char today[11];
	tz_today(today);
	buf_adds(&sql, finding_head);
	buf_adds(&sql, where);
	int rc = db_query(db, &r, sql.buf, p, n);
	buf_release(&sql);
	if (rc)
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, finding_row(&r, today));
	if (r.failed) {
		json_decref(items);
		items = NULL;
	}
	db_rows_free(&r);
	return items;
}

json_t *findings_list(struct db *db, int64_t audit_id)
{
	return findings_query(db, " WHERE f.audit_id = ? ORDER BY f.id", P(V_INT(audit_id)));
}

json_t *finding_json(struct db *db, int64_t id)
{
	json_t *items = findings_query(db, " WHERE f.id = ?", P(V_INT(id)));
	json_t *f = items && json_array_size(items) ? json_incref(json_array_get(items, 0)) : NULL;
	json_decref(items);
	return f;
}

json_t *findings_of_manager(struct db *db, int64_t user_id, const char *status)
{
	if (status)
		return findings_query(db,
				      " WHERE f.department_id IN (SELECT id FROM departments WHERE "
				      "manager_id = ? OR deputy_id = ?) AND f.status = ? ORDER BY "
				      "f.id DESC LIMIT 500",
				      P(V_INT(user_id), V_INT(user_id), V_TEXT(status)));
	return findings_query(db,
			      " WHERE f.department_id IN (SELECT id FROM departments WHERE "
			      "manager_id = ? OR deputy_id = ?) ORDER BY f.id DESC LIMIT 500",
			      P(V_INT(user_id), V_INT(user_id)));
}

int ia_manages(struct db *db, int64_t user_id, int64_t dept, bool *yes)
{
	int64_t one;
	return db_query_int(db, &one, yes,
			    "SELECT 1 FROM departments WHERE id = ? AND (manager_id = ? OR "
			    "deputy_id = ?)",
			    P(V_INT(dept), V_INT(user_id), V_INT(user_id)));
}

/* What the audit trail keeps of a finding: grade, department, links and state; not the words. */
static json_t *finding_view(json_t *f)
{
	json_t *action = json_object_get(f, "action");
	return json_pack("{s:O,s:O,s:O,s:O,s:O,s:o}", "audit_id",
			 json_object_get(json_object_get(f, "audit"), "id"), "department_id",
			 json_object_get(json_object_get(f, "department"), "id"), "grade",
			 json_object_get(f, "grade"), "item_id", json_object_get(f, "item_id"),
			 "status", json_object_get(f, "status"), "action_id",
			 json_is_object(action) ? json_incref(json_object_get(action, "id"))
						: json_null());
}

/* --- the corrective action ----------------------------------------------------------------- */

/* Opens finding `id`'s corrective action (owner: in["owner_id"], else the department's manager,
 * else its deputy; due: in["due_on"]) and links both ways. Inside the caller's transaction. */
static enum status open_action(struct db *db, const struct actor *who, int64_t id, json_t *in,
			       struct ferrors *fe)
{
	json_t *f = finding_json(db, id);
	enum status st = ST_DB;
	struct buf title = BUF_INIT, source = BUF_INIT;
	if (!f)
		return ST_DB;
	const char *due = str(in, "due_on");
	char today[11];
	tz_today(today);
	if (!due)
		ferr_add(fe, "due_on", "required", "Give the date the corrective action is due.");
	else if (strcmp(due, today) < 0)
		ferr_add(fe, "due_on", "in_past", "The due date is in the past.");
	int64_t owner = json_integer_value(json_object_get(in, "owner_id"));
	int64_t dept = json_integer_value(json_object_get(json_object_get(f, "department"), "id"));
	if (!owner) {
		bool found;
		if (db_query_int(db, &owner, &found,
				 "SELECT COALESCE(manager_id, deputy_id, 0) FROM departments WHERE "
				 "id = ?",
				 P(V_INT(dept))))
			goto out;
		if (!owner)
			ferr_add(fe, "owner_id", "no_manager",
				 "The department has no manager or deputy to answer; name the "
				 "owner.");
	}
	if (ferr_any(fe)) {
		st = ST_INVALID;
		goto out;
	}
	const char *grade = json_string_value(json_object_get(f, "grade"));
	buf_adds(&title,
		 !strcmp(grade, "observation") ? "内部監査の観察事項: " : "内部監査の指摘: ");
	first_chars(&title, json_string_value(json_object_get(f, "statement")), 150);
	buf_printf(&source, "%s / %s",
		   json_string_value(json_object_get(json_object_get(f, "audit"), "title")),
		   json_string_value(json_object_get(json_object_get(f, "department"), "name")));
	struct action_new a = {
		.source_type = "finding",
		.source_id = id,
		.source_title = source.buf,
		.kind = !strcmp(grade, "observation") ? "preventive" : "corrective",
		.title = title.buf,
		.owner_id = owner,
		.due_on = due,
		.effectiveness_due = str(in, "effectiveness_due"),
	};
	int64_t action_id;
	st = action_open_tx(db, who, &a, &action_id, fe);
	if (st != ST_OK)
		goto out;
	st = db_exec(db,
		     "UPDATE internal_audit_findings SET action_id = ?, updated_at = ?, version = "
		     "version + 1 WHERE id = ?",
		     P(V_INT(action_id), V_INT(now_unix()), V_INT(id)))
		     ? ST_DB
		     : ST_OK;
out:
	buf_release(&title);
	buf_release(&source);
	json_decref(f);
	return st;
}

/* --- raising a finding --------------------------------------------------------------------- */

struct finding_op {
	const struct wf_actor *by;
	int64_t id; /* the audit (create) or the finding */
	json_t *in;
	int64_t out;
	struct ferrors *fe;
};

static enum status lock_audit(struct db *db, int64_t audit_id, struct ia_audit *a)
{
	char lock[40];
	snprintf(lock, sizeof(lock), "internal_audit:%lld", (long long)audit_id);
	if (db_lock(db, lock))
		return ST_DB;
	int rc = ia_audit_get(db, audit_id, a);
	return rc < 0 ? ST_DB : rc > 0 ? ST_NOT_FOUND : ST_OK;
}

static enum status create_fn(struct db *db, void *arg)
{
	struct finding_op *o = arg;
	struct ia_audit a;
	enum status st;
	int64_t one, now = now_unix();
	bool found;
	ferr_release(o->fe);
	if ((st = lock_audit(db, o->id, &a)) != ST_OK ||
	    (st = ia_may_perform(db, o->by, &a, o->fe)) != ST_OK)
		return st;
	const char *grade = str(o->in, "grade");
	int64_t dept = json_integer_value(json_object_get(o->in, "department_id"));
	int64_t item = json_integer_value(json_object_get(o->in, "item_id"));
	if (db_query_int(db, &one, &found,
			 "SELECT 1 FROM internal_audit_departments WHERE audit_id = ? AND "
			 "department_id = ?",
			 P(V_INT(o->id), V_INT(dept))))
		return ST_DB;
	if (!found)
		ferr_add(o->fe, "department_id", "out_of_scope",
			 "This department is not among those the audit covers.");
	if (item) {
		if (db_query_int(db, &one, &found,
				 "SELECT 1 FROM internal_audit_items WHERE id = ? AND audit_id = ?",
				 P(V_INT(item), V_INT(o->id))))
			return ST_DB;
		if (!found)
			ferr_add(o->fe, "item_id", "not_found",
				 "There is no such item on this audit's checklist.");
	}
	if (strcmp(grade, "observation") && !str(o->in, "due_on"))
		ferr_add(o->fe, "due_on", "required",
			 "A nonconformity needs a corrective action: give its due date.");
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_insert(
		    db, &o->out,
		    "INSERT INTO internal_audit_findings (audit_id, item_id, department_id, grade, "
		    "requirement, statement, evidence, created_by, created_at, updated_at) VALUES "
		    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_INT(o->id), V_ID(item), V_INT(dept), V_TEXT(grade),
		      V_TEXT(str(o->in, "requirement") ? str(o->in, "requirement") : ""),
		      V_TEXT(str(o->in, "statement")),
		      V_TEXT(str(o->in, "evidence") ? str(o->in, "evidence") : ""),
		      V_ID(o->by->actor->id), V_INT(now), V_INT(now))))
		return ST_DB;
	/* The item the finding is about carries the finding's grade as its result. */
	if (item &&
	    db_exec(db,
		    "UPDATE internal_audit_items SET result = ?, checked_by = ?, checked_at "
		    "= ?, updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_TEXT(grade), V_ID(o->by->actor->id), V_INT(now), V_INT(now), V_INT(item))))
		return ST_DB;
	if (str(o->in, "due_on") &&
	    (st = open_action(db, o->by->actor, o->out, o->in, o->fe)) != ST_OK)
		return st;
	json_t *f = finding_json(db, o->out), *view = f ? finding_view(f) : NULL;
	int rc = !view || ia_event(db, o->by->actor, o->id, "finding", NULL) ||
		 audit_change(db, o->by->actor, "internal_audit.finding.create",
			      "internal_audit_finding", o->out, NULL, view);
	json_decref(f);
	json_decref(view);
	return rc ? ST_DB : ST_OK;
}

enum status finding_create(struct db *db, const struct wf_actor *by, int64_t audit_id, json_t *in,
			   int64_t *id, struct ferrors *fe)
{
	struct finding_op o = { by, audit_id, in, 0, fe };
	enum status st = db_tx_st(db, create_fn, &o);
	*id = o.out;
	return st;
}

/* A later corrective (or preventive) action: an observation the auditors want acted on. */
static enum status action_fn(struct db *db, void *arg)
{
	struct finding_op *o = arg;
	struct ia_audit a;
	enum status st;
	ferr_release(o->fe);
	json_t *f = finding_json(db, o->id), *before = NULL, *after = NULL, *g = NULL;
	if (!f)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	int64_t audit_id = json_integer_value(json_object_get(json_object_get(f, "audit"), "id"));
	json_decref(f);
	if ((st = lock_audit(db, audit_id, &a)) != ST_OK)
		return st;
	bool member = false;
	if (ia_is_member(db, audit_id, o->by->actor->id, &member))
		return ST_DB;
	if (!member || !wf_has_perm(o->by->perms, "internal_audit.perform")) {
		o->fe->code = "not_on_audit";
		o->fe->detail = "Only the audit's auditors ask for a corrective action.";
		return ST_FORBIDDEN;
	}
	if (strcmp(a.status, "in_progress") && strcmp(a.status, "reported")) {
		o->fe->code = "not_editable";
		o->fe->detail = "Actions are asked for while the audit is in progress or reported.";
		return ST_FORBIDDEN;
	}
	if (!(g = finding_json(db, o->id)))
		return ST_DB;
	if (json_integer_value(json_object_get(g, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		json_decref(g);
		return ST_CONFLICT;
	}
	if (json_is_object(json_object_get(g, "action"))) {
		json_decref(g);
		o->fe->code = "has_action";
		o->fe->detail = "This finding has its corrective action already.";
		return ST_CONFLICT;
	}
	before = finding_view(g);
	json_decref(g);
	st = open_action(db, o->by->actor, o->id, o->in, o->fe);
	if (st == ST_OK) {
		g = finding_json(db, o->id);
		after = g ? finding_view(g) : NULL;
		st = !after || audit_change(db, o->by->actor, "internal_audit.finding.action",
					    "internal_audit_finding", o->id, before, after)
			     ? ST_DB
			     : ST_OK;
		json_decref(g);
	}
	json_decref(before);
	json_decref(after);
	return st;
}

enum status finding_open_action(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
				struct ferrors *fe)
{
	struct finding_op o = { by, id, in, 0, fe };
	return db_tx_st(db, action_fn, &o);
}

/* --- the department's answer --------------------------------------------------------------- */

static enum status respond_fn(struct db *db, void *arg)
{
	struct finding_op *o = arg;
	enum status st = ST_DB;
	char lock[48];
	bool manages = false;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "internal_audit_finding:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	json_t *f = finding_json(db, o->id), *before = NULL, *after = NULL, *g = NULL;
	if (!f)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	int64_t dept = json_integer_value(json_object_get(json_object_get(f, "department"), "id"));
	if (ia_manages(db, o->by->actor->id, dept, &manages))
		goto out;
	if (!manages) {
		o->fe->code = "not_department_manager";
		o->fe->detail =
			"The audited department's manager (or deputy) answers its findings.";
		st = ST_FORBIDDEN;
		goto out;
	}
	if (json_integer_value(json_object_get(f, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	if (!strcmp(json_string_value(json_object_get(json_object_get(f, "audit"), "status")),
		    "cancelled")) {
		o->fe->code = "not_editable";
		o->fe->detail = "The audit was cancelled.";
		st = ST_FORBIDDEN;
		goto out;
	}
	json_t *action = json_object_get(f, "action");
	if (json_is_object(action)) {
		const char *as = json_string_value(json_object_get(action, "status"));
		if (strcmp(as, "open") && strcmp(as, "in_progress")) {
			o->fe->code = "action_finished";
			o->fe->detail = "The corrective action is finished; its answer stays as it "
					"was.";
			st = ST_FORBIDDEN;
			goto out;
		}
	}
	before = finding_view(f);
	if (db_exec(db,
		    "UPDATE internal_audit_findings SET response_cause = ?, response_plan = ?, "
		    "responded_by = ?, responded_at = ?, status = 'responded', updated_at = ?, "
		    "version = version + 1 WHERE id = ?",
		    P(V_TEXT(str(o->in, "cause")), V_TEXT(str(o->in, "plan")),
		      V_INT(o->by->actor->id), V_INT(now_unix()), V_INT(now_unix()), V_INT(o->id))))
		goto out;
	/* The action takes over the cause and the plan, so its owner works from one record. */
	if (json_is_object(action)) {
		int64_t aid = json_integer_value(json_object_get(action, "id"));
		json_t *cur = action_json(db, aid);
		if (!cur)
			goto out;
		json_t *patch =
			json_pack("{s:O,s:s,s:s}", "version", json_object_get(cur, "version"),
				  "cause", str(o->in, "cause"), "plan", str(o->in, "plan"));
		json_decref(cur);
		st = action_update_tx(db, o->by->actor, aid, patch, o->fe);
		json_decref(patch);
		if (st != ST_OK)
			goto out;
		st = ST_DB;
	}
	if (!(g = finding_json(db, o->id)) || !(after = finding_view(g)) ||
	    ia_event(db, o->by->actor,
		     json_integer_value(json_object_get(json_object_get(f, "audit"), "id")),
		     "finding_response", NULL) ||
	    audit_change(db, o->by->actor, "internal_audit.finding.respond",
			 "internal_audit_finding", o->id, before, after))
		goto out;
	st = ST_OK;
out:
	json_decref(f);
	json_decref(g);
	json_decref(before);
	json_decref(after);
	return st;
}

enum status finding_respond(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
			    struct ferrors *fe)
{
	struct finding_op o = { by, id, in, 0, fe };
	return db_tx_st(db, respond_fn, &o);
}
