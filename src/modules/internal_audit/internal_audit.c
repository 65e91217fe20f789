/* internal_audit.c — the yearly programme, audits, their team and scope (independence), and
 * the audits' workflow. */
#include <string.h>

#include "internal.h"
#include "../../lib/timeutil.h"

const char *const audit_results[] = { "conforms",    "minor",       "major",
				      "observation", "not_audited", NULL };
const char *const finding_grades[] = { "major", "minor", "observation", NULL };

/* --- helpers ------------------------------------------------------------------------------- */

bool ia_in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

json_t *ia_person(struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col))
		return json_null();
	return json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, id_col), "name",
			 db_text(r, name_col));
}

json_t *ia_time(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

json_t *ia_text(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *ia_ids(struct db *db, const char *sql, const struct dbval *p, size_t n)
{
	struct dbrows r;
	if (db_query(db, &r, sql, p, n))
		return NULL;
	json_t *a = json_array();
	while (db_next(&r))
		json_array_append_new(a, json_integer(db_int(&r, 0)));
	if (r.failed) {
		json_decref(a);
		a = NULL;
	}
	db_rows_free(&r);
	return a;
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s && *s ? s : NULL;
}

int ia_audit_get(struct db *db, int64_t id, struct ia_audit *out)
{
	struct dbrows r;
	int rc = 1;
	if (db_query(db, &r,
		     "SELECT id, lead_id, status, title, version FROM internal_audits WHERE id = ?",
		     P(V_INT(id))))
		return -1;
	if (db_next(&r)) {
		out->id = db_int(&r, 0);
		out->lead_id = db_int(&r, 1);
		snprintf(out->status, sizeof(out->status), "%s", db_text(&r, 2));
		snprintf(out->title, sizeof(out->title), "%s", db_text(&r, 3));
		out->version = db_int(&r, 4);
		rc = 0;
	}
	if (r.failed)
		rc = -1;
	db_rows_free(&r);
	return rc;
}

int ia_is_member(struct db *db, int64_t audit_id, int64_t user, bool *member)
{
	int64_t one;
	return db_query_int(
		db, &one, member,
		"SELECT 1 FROM internal_audits WHERE id = ? AND lead_id = ? UNION ALL "
		"SELECT 1 FROM internal_audit_auditors WHERE audit_id = ? AND user_id = ?",
		P(V_INT(audit_id), V_INT(user), V_INT(audit_id), V_INT(user)));
}

enum status ia_may_perform(struct db *db, const struct wf_actor *by, const struct ia_audit *a,
			   struct ferrors *fe)
{
	bool member = false;
	if (ia_is_member(db, a->id, by->actor->id, &member))
		return ST_DB;
	if (!member || !wf_has_perm(by->perms, "internal_audit.perform")) {
		fe->code = "not_on_audit";
		fe->detail = "Only the audit's lead auditor and auditors record its results.";
		return ST_FORBIDDEN;
	}
	if (strcmp(a->status, "in_progress")) {
		fe->code = "not_in_progress";
		fe->detail = "Results and findings are recorded while the audit is in progress.";
		return ST_FORBIDDEN;
	}
	return ST_OK;
}

enum status ia_may_plan_items(struct db *db, const struct wf_actor *by, const struct ia_audit *a,
			      struct ferrors *fe)
{
	bool member = false;
	if (ia_is_member(db, a->id, by->actor->id, &member))
		return ST_DB;
	if (!(member && wf_has_perm(by->perms, "internal_audit.perform")) &&
	    !wf_has_perm(by->perms, "internal_audit.manage")) {
		fe->code = "not_on_audit";
		fe->detail = "Only the audit's auditors and the office change its checklist.";
		return ST_FORBIDDEN;
	}
	if (strcmp(a->status, "planned") && strcmp(a->status, "in_progress")) {
		fe->code = "not_editable";
		fe->detail =
			"The checklist changes only while the audit is planned or in progress.";
		return ST_FORBIDDEN;
	}
	return ST_OK;
}

int ia_event(struct db *db, const struct actor *who, int64_t audit_id, const char *kind,
	     const char *body)
{
	return wf_event_add(db, "internal_audit", audit_id, who, kind, NULL, NULL, false, body,
			    NULL);
}

/* --- programmes ---------------------------------------------------------------------------- */

static json_t *programme_row(struct dbrows *r)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:I,s:o,s:o,s:I}", "id", (json_int_t)db_int(r, 0),
			 "year", (json_int_t)db_int(r, 1), "title", db_text(r, 2), "objectives",
			 db_text(r, 3), "audits", (json_int_t)db_int(r, 4), "created_at",
			 ia_time(r, 5), "updated_at", ia_time(r, 6), "version",
			 (json_int_t)db_int(r, 7));
}

static const char programme_head[] =
	"SELECT p.id, p.year, p.title, p.objectives, (SELECT COUNT(*) FROM internal_audits a "
	"WHERE a.programme_id = p.id), p.created_at, p.updated_at, p.version FROM "
	"internal_audit_programmes p";

static json_t *programmes_query(struct db *db, const char *where, const struct dbval *p, size_t n)
{
	struct buf sql = BUF_INIT;
	struct dbrows r;
	buf_adds(&sql, programme_head);
	buf_adds(&sql, where);
	int rc = db_query(db, &r, sql.buf, p, n);
	buf_release(&sql);
	if (rc)
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, programme_row(&r));
	if (r.failed) {
		json_decref(items);
		items = NULL;
	}
	db_rows_free(&r);
	return items;
}

json_t *programmes_list(struct db *db)
{
	return programmes_query(db, " ORDER BY p.year DESC", P0);
}

json_t *programme_json(struct db *db, int64_t id)
{
	json_t *items = programmes_query(db, " WHERE p.id = ?", P(V_INT(id)));
	json_t *p = items && json_array_size(items) ? json_incref(json_array_get(items, 0)) : NULL;
	json_decref(items);
	return p;
}

struct prog_op {
	const struct actor *who;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

static json_t *programme_audit_view(json_t *p)
{
	return json_pack("{s:O,s:O,s:O}", "year", json_object_get(p, "year"), "title",
			 json_object_get(p, "title"), "objectives",
			 json_object_get(p, "objectives"));
}

static int year_taken(struct db *db, int64_t year, int64_t except, struct ferrors *fe)
{
	int64_t one;
	bool found;
	if (db_query_int(db, &one, &found,
			 "SELECT 1 FROM internal_audit_programmes WHERE year = ? AND id <> ?",
			 P(V_INT(year), V_INT(except))))
		return -1;
	if (found)
		ferr_add(fe, "year", "taken", "There is already a programme for this year.");
	return 0;
}

static enum status programme_create_fn(struct db *db, void *arg)
{
	struct prog_op *o = arg;
	int64_t now = now_unix(), year = json_integer_value(json_object_get(o->in, "year"));
	ferr_release(o->fe);
	if (year_taken(db, year, 0, o->fe))
		return ST_DB;
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_insert(db, &o->id,
		      "INSERT INTO internal_audit_programmes (year, title, objectives, created_by, "
		      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		      P(V_INT(year), V_TEXT(str(o->in, "title")),
			V_TEXT(str(o->in, "objectives") ? str(o->in, "objectives") : ""),
			V_ID(o->who->id), V_INT(now), V_INT(now))))
		return ST_DB;
	json_t *p = programme_json(db, o->id);
	if (!p)
		return ST_DB;
	json_t *after = programme_audit_view(p);
	int rc = audit_change(db, o->who, "internal_audit.programme.create", "audit_programme",
			      o->id, NULL, after);
	json_decref(after);
	json_decref(p);
	return rc ? ST_DB : ST_OK;
}

enum status programme_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			     struct ferrors *fe)
{
	struct prog_op o = { who, 0, in, fe };
	enum status st = db_tx_st(db, programme_create_fn, &o);
	*id = o.id;
	return st;
}

static enum status programme_update_fn(struct db *db, void *arg)
{
	struct prog_op *o = arg;
	json_t *v, *before_view = NULL, *after_view = NULL, *after = NULL;
	enum status st = ST_DB;
	ferr_release(o->fe);
	json_t *before = programme_json(db, o->id);
	if (!before)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	if ((v = json_object_get(o->in, "year")) &&
	    year_taken(db, json_integer_value(v), o->id, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	if ((v = json_object_get(o->in, "year")) &&
	    db_exec(db, "UPDATE internal_audit_programmes SET year = ? WHERE id = ?",
		    P(V_INT(json_integer_value(v)), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "title")) &&
	    db_exec(db, "UPDATE internal_audit_programmes SET title = ? WHERE id = ?",
		    P(V_TEXT(json_string_value(v)), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "objectives")) &&
	    db_exec(db, "UPDATE internal_audit_programmes SET objectives = ? WHERE id = ?",
		    P(V_TEXT(json_string_value(v)), V_INT(o->id))))
		goto out;
	if (db_exec(db,
		    "UPDATE internal_audit_programmes SET updated_at = ?, version = version + 1 "
		    "WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    !(after = programme_json(db, o->id)))
		goto out;
	before_view = programme_audit_view(before);
	after_view = programme_audit_view(after);
	st = audit_change(db, o->who, "internal_audit.programme.update", "audit_programme", o->id,
			  before_view, after_view)
		     ? ST_DB
		     : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	json_decref(before_view);
	json_decref(after_view);
	return st;
}

enum status programme_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			     struct ferrors *fe)
{
	struct prog_op o = { who, id, patch, fe };
	return db_tx_st(db, programme_update_fn, &o);
}

/* --- reading audits ------------------------------------------------------------------------ */

static const char audit_sql_head[] =
	"SELECT a.id, a.programme_id, p.year, p.title, a.title, a.scope, a.req_sets, a.starts_on, "
	"a.ends_on, a.lead_id, l.name, a.status, a.summary, a.reported_at, a.reported_by, rb.name, "
	"a.closed_at, a.created_at, a.updated_at, a.version, "
	"(SELECT COUNT(*) FROM internal_audit_items i WHERE i.audit_id = a.id), "
	"(SELECT COUNT(*) FROM internal_audit_items i WHERE i.audit_id = a.id AND i.result IS NOT "
	"NULL), "
	"(SELECT COUNT(*) FROM internal_audit_findings f WHERE f.audit_id = a.id AND f.grade = "
	"'major'), "
	"(SELECT COUNT(*) FROM internal_audit_findings f WHERE f.audit_id = a.id AND f.grade = "
	"'minor'), "
	"(SELECT COUNT(*) FROM internal_audit_findings f WHERE f.audit_id = a.id AND f.grade = "
	"'observation'), "
	"(SELECT COUNT(*) FROM internal_audit_findings f WHERE f.audit_id = a.id AND f.status = "
	"'open') "
	"FROM internal_audits a JOIN internal_audit_programmes p ON p.id = a.programme_id JOIN "
	"users l ON l.id = a.lead_id LEFT JOIN users rb ON rb.id = a.reported_by";

static json_t *audit_row(struct dbrows *r)
{
	json_t *sets = json_loads(db_text(r, 6), 0, NULL);
	return json_pack(
		"{s:I,s:{s:I,s:I,s:s},s:s,s:s,s:o,s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:I,"
		"s:{s:I,s:I,s:I,s:I,s:I,s:I}}",
		"id", (json_int_t)db_int(r, 0), "programme", "id", (json_int_t)db_int(r, 1), "year",
		(json_int_t)db_int(r, 2), "title", db_text(r, 3), "title", db_text(r, 4), "scope",
		db_text(r, 5), "req_sets", sets ? sets : json_array(), "starts_on", db_text(r, 7),
		"ends_on", db_text(r, 8), "lead", ia_person(r, 9, 10), "status", db_text(r, 11),
		"summary", db_text(r, 12), "reported_at", ia_time(r, 13), "reported_by",
		ia_person(r, 14, 15), "closed_at", ia_time(r, 16), "created_at", ia_time(r, 17),
		"updated_at", ia_time(r, 18), "version", (json_int_t)db_int(r, 19), "counts",
		"items", (json_int_t)db_int(r, 20), "checked", (json_int_t)db_int(r, 21), "major",
		(json_int_t)db_int(r, 22), "minor", (json_int_t)db_int(r, 23), "observation",
		(json_int_t)db_int(r, 24), "findings_open", (json_int_t)db_int(r, 25));
}

/* The audit's team (auditors besides the lead) and departments with their managers. */
static int audit_team(struct db *db, json_t *a, int64_t id)
{
	struct dbrows r;
	json_t *auditors = json_array(), *depts = json_array();
	json_object_set_new(a, "auditors", auditors);
	json_object_set_new(a, "departments", depts);
	if (db_query(db, &r,
		     "SELECT u.id, u.name, u.department_id, d.name FROM internal_audit_auditors x "
		     "JOIN users u ON u.id = x.user_id LEFT JOIN departments d ON d.id = "
		     "u.department_id WHERE x.audit_id = ? ORDER BY u.name, u.id",
		     P(V_INT(id))))
		return -1;
	while (db_next(&r))
		json_array_append_new(
			auditors, json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)db_int(&r, 0),
					    "name", db_text(&r, 1), "department",
					    ia_person(&r, 2, 3), "role", json_string("auditor")));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || db_query(db, &r,
			       "SELECT d.id, d.name, d.manager_id, m.name, d.deputy_id, dp.name "
			       "FROM internal_audit_departments x JOIN departments d ON d.id = "
			       "x.department_id LEFT JOIN users m ON m.id = d.manager_id LEFT JOIN "
			       "users dp ON dp.id = d.deputy_id WHERE x.audit_id = ? ORDER BY "
			       "d.name, d.id",
			       P(V_INT(id))))
		return -1;
	while (db_next(&r))
		json_array_append_new(
			depts, json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)db_int(&r, 0),
					 "name", db_text(&r, 1), "manager", ia_person(&r, 2, 3),
					 "deputy", ia_person(&r, 4, 5)));
	failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

json_t *audit_plain(struct db *db, int64_t id)
{
	struct buf sql = BUF_INIT;
	struct dbrows r;
	json_t *a = NULL;
	buf_adds(&sql, audit_sql_head);
	buf_adds(&sql, " WHERE a.id = ?");
	int rc = db_query(db, &r, sql.buf, P(V_INT(id)));
	buf_release(&sql);
	if (rc)
		return NULL;
	if (db_next(&r))
		a = audit_row(&r);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !a) {
		json_decref(a);
		return NULL;
	}
	if (audit_team(db, a, id)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *audits_list(struct db *db, const struct audit_filter *f)
{
	struct buf sql = BUF_INIT;
	struct dbval p[6];
	size_t n = 0;
	struct dbrows r;
	buf_adds(&sql, audit_sql_head);
	buf_adds(&sql, " WHERE 1 = 1");
	if (f->year) {
		buf_adds(&sql, " AND p.year = ?");
		p[n++] = V_INT(f->year);
	}
	if (f->status) {
		buf_adds(&sql, " AND a.status = ?");
		p[n++] = V_TEXT(f->status);
	}
	if (f->department_id) {
		buf_adds(&sql, " AND EXISTS (SELECT 1 FROM internal_audit_departments x WHERE "
			       "x.audit_id = a.id AND x.department_id = ?)");
		p[n++] = V_INT(f->department_id);
	}
	if (f->member) {
		buf_adds(&sql, " AND (a.lead_id = ? OR EXISTS (SELECT 1 FROM "
			       "internal_audit_auditors x WHERE x.audit_id = a.id AND x.user_id = "
			       "?))");
		p[n++] = V_INT(f->member);
		p[n++] = V_INT(f->member);
	}
	buf_adds(&sql, " ORDER BY a.starts_on DESC, a.id DESC LIMIT 1000");
	int rc = db_query(db, &r, sql.buf, p, n);
	buf_release(&sql);
	if (rc)
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, audit_row(&r));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a)
	{
		if (audit_team(db, a, json_integer_value(json_object_get(a, "id")))) {
			json_decref(items);
			return NULL;
		}
	}
	return items;
}

json_t *audit_json(struct db *db, const struct wf_actor *by, int64_t id)
{
	json_t *a = audit_plain(db, id);
	if (!a)
		return NULL;
	bool member = false;
	int64_t lead = json_integer_value(json_object_get(json_object_get(a, "lead"), "id"));
	json_t *moves = NULL, *timeline = NULL;
	if (ia_is_member(db, id, by->actor->id, &member) ||
	    !(moves = wf_allowed(db, &internal_audit_workflow, by, id)) ||
	    !(timeline = wf_timeline(db, "internal_audit", id, true, NULL, NULL))) {
		json_decref(moves);
		json_decref(a);
		return NULL;
	}
	json_object_set_new(a, "my_role",
			    lead == by->actor->id ? json_string("lead")
			    : member              ? json_string("auditor")
						  : json_null());
	json_object_set_new(a, "allowed_transitions", moves);
	json_object_set_new(a, "timeline", timeline);
	return a;
}

/* What the audit trail keeps of an audit: ids and words, no names. */
static json_t *audit_view(struct db *db, int64_t id)
{
	json_t *a = audit_plain(db, id);
	if (!a)
		return NULL;
	json_t *auditors = json_array(), *depts = json_array(), *e;
	size_t i;
	json_array_foreach(json_object_get(a, "auditors"), i, e)
	{
		json_array_append(auditors, json_object_get(e, "id"));
	}
	json_array_foreach(json_object_get(a, "departments"), i, e)
	{
		json_array_append(depts, json_object_get(e, "id"));
	}
	json_t *v = json_pack(
		"{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:o,s:o}", "programme_id",
		json_object_get(json_object_get(a, "programme"), "id"), "title",
		json_object_get(a, "title"), "scope", json_object_get(a, "scope"), "req_sets",
		json_object_get(a, "req_sets"), "starts_on", json_object_get(a, "starts_on"),
		"ends_on", json_object_get(a, "ends_on"), "lead_id",
		json_object_get(json_object_get(a, "lead"), "id"), "status",
		json_object_get(a, "status"), "auditor_ids", auditors, "department_ids", depts);
	json_decref(a);
	return v;
}

/* --- independence -------------------------------------------------------------------------- */

/* Adds a field error (and the conflict to the problem's "conflicts") for every member of the
 * team who belongs to, manages or stands in for a department the audit covers. */
static int check_independence(struct db *db, int64_t lead, json_t *auditor_ids, json_t *dept_ids,
			      struct ferrors *fe)
{
	json_t *team = json_array(), *conflicts = json_array(), *v, *d;
	size_t i, j;
	int rc = 0;
	json_array_append_new(team, json_integer(lead));
	json_array_foreach(auditor_ids, i, v)
	{
		json_array_append(team, v);
	}
	json_array_foreach(team, i, v)
	{
		json_array_foreach(dept_ids, j, d)
		{
			struct dbrows r;
			if (db_query(db, &r,
				     "SELECT u.name, d.name FROM users u, departments d WHERE u.id "
				     "= ? AND d.id = ? AND (u.department_id = d.id OR d.manager_id "
				     "= u.id OR d.deputy_id = u.id)",
				     P(V_INT(json_integer_value(v)),
				       V_INT(json_integer_value(d))))) {
				rc = -1;
				goto out;
			}
			if (db_next(&r)) {
				struct buf msg = BUF_INIT;
				buf_printf(&msg,
					   "%s belongs to or manages %s, which this audit covers: "
					   "nobody audits their own department.",
					   db_text(&r, 0), db_text(&r, 1));
				ferr_add(fe, i == 0 ? "lead_id" : "auditor_ids", "own_department",
					 msg.buf);
				buf_release(&msg);
				json_array_append_new(
					conflicts,
					json_pack("{s:O,s:s,s:O,s:s,s:s}", "user_id", v,
						  "user_name", db_text(&r, 0), "department_id", d,
						  "department_name", db_text(&r, 1), "field",
						  i == 0 ? "lead_id" : "auditor_ids"));
			}
			int failed = r.failed;
			db_rows_free(&r);
			if (failed) {
				rc = -1;
				goto out;
			}
		}
	}
	if (json_array_size(conflicts)) {
		ferr_extra(fe, "conflicts", conflicts);
		conflicts = NULL;
	}
out:
	json_decref(team);
	json_decref(conflicts);
	return rc;
}

/* An active user holding internal_audit.perform through a role? */
static int check_auditor(struct db *db, const char *field, int64_t user, struct ferrors *fe)
{
	int64_t one;
	bool found;
	if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
			 P(V_INT(user))))
		return -1;
	if (!found) {
		ferr_add(fe, field, "not_found", "There is no such active user.");
		return 0;
	}
	if (db_query_int(db, &one, &found,
			 "SELECT 1 FROM user_roles ur JOIN role_permissions rp ON rp.role_id = "
			 "ur.role_id WHERE ur.user_id = ? AND rp.permission = "
			 "'internal_audit.perform'",
			 P(V_INT(user))))
		return -1;
	if (!found)
		ferr_add(fe, field, "not_auditor",
			 "This person has no internal auditor role; give them one first.");
	return 0;
}

/* The plan's rules on the merged record `m` {programme_id, title, req_sets, starts_on,
 * ends_on, lead_id, auditor_ids, department_ids}. -1 on database error. */
static int check_plan(struct db *db, json_t *m, struct ferrors *fe)
{
	int64_t one;
	bool found;
	size_t i;
	json_t *v;
	if (db_query_int(db, &one, &found, "SELECT 1 FROM internal_audit_programmes WHERE id = ?",
			 P(V_INT(json_integer_value(json_object_get(m, "programme_id"))))))
		return -1;
	if (!found)
		ferr_add(fe, "programme_id", "not_found", "There is no such audit programme.");
	json_array_foreach(json_object_get(m, "req_sets"), i, v)
	{
		if (!ia_in_list(requirement_sets, json_string_value(v))) {
			ferr_add(fe, "req_sets", "invalid_choice",
				 "jisq15001, iso27001, annex_a or own.");
			break;
		}
	}
	const char *from = str(m, "starts_on"), *to = str(m, "ends_on");
	if (from && to && strcmp(from, to) > 0)
		ferr_add(fe, "ends_on", "before_start", "The audit cannot end before it starts.");
	int64_t lead = json_integer_value(json_object_get(m, "lead_id"));
	if (check_auditor(db, "lead_id", lead, fe))
		return -1;
	json_array_foreach(json_object_get(m, "auditor_ids"), i, v)
	{
		if (json_integer_value(v) == lead) {
			ferr_add(fe, "auditor_ids", "is_lead",
				 "The lead auditor is on the team already.");
			continue;
		}
		size_t before = fe->list ? json_array_size(fe->list) : 0;
		if (check_auditor(db, "auditor_ids", json_integer_value(v), fe))
			return -1;
		if (fe->list && json_array_size(fe->list) > before)
			break;
	}
	json_t *depts = json_object_get(m, "department_ids");
	if (!json_array_size(depts))
		ferr_add(fe, "department_ids", "required",
			 "Name the departments the audit covers.");
	json_array_foreach(depts, i, v)
	{
		if (db_query_int(db, &one, &found, "SELECT 1 FROM departments WHERE id = ?",
				 P(V_INT(json_integer_value(v)))))
			return -1;
		if (!found) {
			ferr_add(fe, "department_ids", "not_found", "There is no such department.");
			break;
		}
	}
	if (ferr_any(fe))
		return 0;
	return check_independence(db, lead, json_object_get(m, "auditor_ids"), depts, fe);
}

/* Distinct integers of an array, in order. */
static json_t *distinct(json_t *a)
{
	json_t *out = json_array(), *v, *w;
	size_t i, j;
	json_array_foreach(a, i, v)
	{
		bool seen = false;
		json_array_foreach(out, j, w)
		{
			if (json_integer_value(w) == json_integer_value(v))
				seen = true;
		}
		if (!seen)
			json_array_append(out, v);
	}
	return out;
}

static int store_team(struct db *db, int64_t id, json_t *m)
{
	size_t i;
	json_t *v;
	if (json_object_get(m, "auditor_ids")) {
		if (db_exec(db, "DELETE FROM internal_audit_auditors WHERE audit_id = ?",
			    P(V_INT(id))))
			return -1;
		json_array_foreach(json_object_get(m, "auditor_ids"), i, v)
		{
			if (db_exec(db,
				    "INSERT INTO internal_audit_auditors (audit_id, user_id) "
				    "VALUES "
				    "(?, ?)",
				    P(V_INT(id), V_INT(json_integer_value(v)))))
				return -1;
		}
	}
	if (json_object_get(m, "department_ids")) {
		if (db_exec(db, "DELETE FROM internal_audit_departments WHERE audit_id = ?",
			    P(V_INT(id))))
			return -1;
		json_array_foreach(json_object_get(m, "department_ids"), i, v)
		{
			if (db_exec(db,
				    "INSERT INTO internal_audit_departments (audit_id, "
				    "department_id) "
				    "VALUES (?, ?)",
				    P(V_INT(id), V_INT(json_integer_value(v)))))
				return -1;
		}
	}
	return 0;
}

/* --- writing audits ------------------------------------------------------------------------ */

struct audit_op {
	const struct wf_actor *by;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

static enum status audit_create_fn(struct db *db, void *arg)
{
	struct audit_op *o = arg;
	int64_t now = now_unix();
	enum status st = ST_DB;
	ferr_release(o->fe);
	json_t *m = json_deep_copy(o->in), *after = NULL;
	json_object_set_new(m, "auditor_ids", distinct(json_object_get(o->in, "auditor_ids")));
	json_object_set_new(m, "department_ids",
			    distinct(json_object_get(o->in, "department_ids")));
	if (!json_object_get(m, "req_sets"))
		json_object_set_new(m, "req_sets", json_array());
	if (check_plan(db, m, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	char *sets = json_dumps(json_object_get(m, "req_sets"), JSON_COMPACT);
	int rc = db_insert(
		db, &o->id,
		"INSERT INTO internal_audits (programme_id, title, scope, req_sets, starts_on, "
		"ends_on, lead_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
		"?, "
		"?, ?, ?) RETURNING id",
		P(V_INT(json_integer_value(json_object_get(m, "programme_id"))),
		  V_TEXT(str(m, "title")), V_TEXT(str(m, "scope") ? str(m, "scope") : ""),
		  V_TEXT(sets), V_TEXT(str(m, "starts_on")), V_TEXT(str(m, "ends_on")),
		  V_INT(json_integer_value(json_object_get(m, "lead_id"))), V_INT(o->by->actor->id),
		  V_INT(now), V_INT(now)));
	free(sets);
	if (rc || store_team(db, o->id, m) ||
	    wf_event_add(db, "internal_audit", o->id, o->by->actor, "created", NULL, "planned",
			 false, NULL, NULL) ||
	    !(after = audit_view(db, o->id)))
		goto out;
	st = audit_change(db, o->by->actor, "internal_audit.create", "internal_audit", o->id, NULL,
			  after)
		     ? ST_DB
		     : ST_OK;
out:
	json_decref(m);
	json_decref(after);
	return st;
}

enum status audit_create(struct db *db, const struct wf_actor *by, json_t *in, int64_t *id,
			 struct ferrors *fe)
{
	struct audit_op o = { by, 0, in, fe };
	enum status st = db_tx_st(db, audit_create_fn, &o);
	*id = o.id;
	return st;
}

static const char *const plan_fields[] = { "programme_id",   "title",   "scope",   "req_sets",
					   "starts_on",      "ends_on", "lead_id", "auditor_ids",
					   "department_ids", NULL };

static enum status audit_update_fn(struct db *db, void *arg)
{
	struct audit_op *o = arg;
	char lock[40];
	enum status st = ST_DB;
	json_t *before = NULL, *after = NULL, *m = NULL, *v;
	struct ia_audit a;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "internal_audit:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	int rc = ia_audit_get(db, o->id, &a);
	if (rc)
		return rc > 0 ? ST_NOT_FOUND : ST_DB;
	if (a.version != json_integer_value(json_object_get(o->in, "version")))
		return ST_CONFLICT;
	bool plan = false;
	for (const char *const *f = plan_fields; *f; f++)
		if (json_object_get(o->in, *f))
			plan = true;
	if (plan && !wf_has_perm(o->by->perms, "internal_audit.manage")) {
		o->fe->code = "not_office";
		o->fe->detail = "The audit's plan and team are the office's to change.";
		return ST_FORBIDDEN;
	}
	if (plan && strcmp(a.status, "planned") && strcmp(a.status, "in_progress")) {
		o->fe->code = "not_editable";
		o->fe->detail = "The plan changes only while the audit is planned or in progress.";
		return ST_FORBIDDEN;
	}
	if (json_object_get(o->in, "summary")) {
		bool member = false;
		if (ia_is_member(db, o->id, o->by->actor->id, &member))
			return ST_DB;
		if (!member && !wf_has_perm(o->by->perms, "internal_audit.manage")) {
			o->fe->code = "not_on_audit";
			o->fe->detail = "The summary is written by the audit's auditors.";
			return ST_FORBIDDEN;
		}
		if (strcmp(a.status, "in_progress")) {
			o->fe->code = "not_in_progress";
			o->fe->detail = "The summary is written while the audit is in progress.";
			return ST_FORBIDDEN;
		}
	}
	if (!(before = audit_view(db, o->id)))
		goto out;
	/* The plan as it will be, checked whole. */
	m = json_deep_copy(before);
	for (const char *const *f = plan_fields; *f; f++)
		if ((v = json_object_get(o->in, *f)))
			json_object_set_new(m, *f,
					    json_is_array(v) && strcmp(*f, "req_sets")
						    ? distinct(v)
						    : json_incref(v));
	if (plan) {
		if (check_plan(db, m, o->fe))
			goto out;
		if (ferr_any(o->fe)) {
			st = ST_INVALID;
			goto out;
		}
	}
	static const struct {
		const char *field, *sql;
	} texts[] = {
		{ "title", "UPDATE internal_audits SET title = ? WHERE id = ?" },
		{ "scope", "UPDATE internal_audits SET scope = ? WHERE id = ?" },
		{ "starts_on", "UPDATE internal_audits SET starts_on = ? WHERE id = ?" },
		{ "ends_on", "UPDATE internal_audits SET ends_on = ? WHERE id = ?" },
		{ "summary", "UPDATE internal_audits SET summary = ? WHERE id = ?" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if ((v = json_object_get(o->in, texts[i].field)) &&
		    db_exec(db, texts[i].sql, P(V_TEXT(json_string_value(v)), V_INT(o->id))))
			goto out;
	if ((v = json_object_get(o->in, "programme_id")) &&
	    db_exec(db, "UPDATE internal_audits SET programme_id = ? WHERE id = ?",
		    P(V_INT(json_integer_value(v)), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "lead_id")) &&
	    db_exec(db, "UPDATE internal_audits SET lead_id = ? WHERE id = ?",
		    P(V_INT(json_integer_value(v)), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "req_sets"))) {
		char *sets = json_dumps(v, JSON_COMPACT);
		rc = db_exec(db, "UPDATE internal_audits SET req_sets = ? WHERE id = ?",
			     P(V_TEXT(sets), V_INT(o->id)));
		free(sets);
		if (rc)
			goto out;
	}
	json_t *team = json_object();
	if ((v = json_object_get(o->in, "auditor_ids")))
		json_object_set(team, "auditor_ids", json_object_get(m, "auditor_ids"));
	if ((v = json_object_get(o->in, "department_ids")))
		json_object_set(team, "department_ids", json_object_get(m, "department_ids"));
	rc = store_team(db, o->id, team);
	json_decref(team);
	if (rc ||
	    db_exec(db,
		    "UPDATE internal_audits SET updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    wf_event_add(db, "internal_audit", o->id, o->by->actor, "updated", NULL, NULL, false,
			 NULL, NULL) ||
	    !(after = audit_view(db, o->id)))
		goto out;
	if (json_object_get(o->in, "summary"))
		json_object_set_new(after, "summary_changed", json_true());
	st = audit_change(db, o->by->actor, "internal_audit.update", "internal_audit", o->id,
			  before, after)
		     ? ST_DB
		     : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	json_decref(m);
	return st;
}

enum status audit_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *patch,
			 struct ferrors *fe)
{
	struct audit_op o = { by, id, patch, fe };
	return db_tx_st(db, audit_update_fn, &o);
}

/* --- the workflow -------------------------------------------------------------------------- */

static json_t *snapshot(struct db *db, int64_t id)
{
	return audit_view(db, id);
}

static int count(struct db *db, int64_t *n, const char *sql, int64_t id)
{
	bool found;
	return db_query_int(db, n, &found, sql, P(V_INT(id)));
}

/* Starting: a checklist to work through, and a team still independent of the scope (people
 * may have moved departments since the plan). */
static int can_start(struct wf_ctx *c)
{
	int64_t items;
	if (count(c->db, &items, "SELECT COUNT(*) FROM internal_audit_items WHERE audit_id = ?",
		  c->id))
		return -1;
	if (!items)
		ferr_add(c->fe, "to", "checklist_empty",
			 "Build the checklist before starting the audit.");
	json_t *auditors =
		ia_ids(c->db, "SELECT user_id FROM internal_audit_auditors WHERE audit_id = ?",
		       P(V_INT(c->id)));
	json_t *depts = ia_ids(c->db,
			       "SELECT department_id FROM internal_audit_departments WHERE "
			       "audit_id = ?",
			       P(V_INT(c->id)));
	int rc = -1;
	if (auditors && depts)
		rc = check_independence(c->db, c->assignee_id, auditors, depts, c->fe);
	json_decref(auditors);
	json_decref(depts);
	return rc;
}

/* Reporting: every item has a result and the lead has written the summary. */
static int can_report(struct wf_ctx *c)
{
	int64_t open;
	struct buf msg = BUF_INIT;
	if (count(c->db, &open,
		  "SELECT COUNT(*) FROM internal_audit_items WHERE audit_id = ? AND result IS NULL",
		  c->id))
		return -1;
	if (open) {
		buf_printf(&msg, "%lld checklist items have no result yet.", (long long)open);
		ferr_add(c->fe, "to", "items_open", msg.buf);
		ferr_extra(c->fe, "items_open", json_integer(open));
	}
	buf_release(&msg);
	struct dbrows r;
	if (db_query(c->db, &r, "SELECT summary FROM internal_audits WHERE id = ?",
		     P(V_INT(c->id))))
		return -1;
	if (db_next(&r) && !*db_text(&r, 0))
		ferr_add(c->fe, "summary", "required", "Write the audit's summary first.");
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static int record_report(struct wf_ctx *c)
{
	return db_exec(c->db,
		       "UPDATE internal_audits SET reported_at = ?, reported_by = ? WHERE id = ?",
		       P(V_INT(now_unix()), V_ID(c->by->actor->id), V_INT(c->id)));
}

/* Closing: every finding answered by its department. */
static int can_close(struct wf_ctx *c)
{
	int64_t open;
	if (count(c->db, &open,
		  "SELECT COUNT(*) FROM internal_audit_findings WHERE audit_id = ? AND status = "
		  "'open'",
		  c->id))
		return -1;
	if (open)
		ferr_add(c->fe, "to", "findings_open",
			 "Some findings have not been answered by their department yet.");
	return 0;
}

static int record_close(struct wf_ctx *c)
{
	return db_exec(c->db, "UPDATE internal_audits SET closed_at = ? WHERE id = ?",
		       P(V_INT(now_unix()), V_INT(c->id)));
}

static const struct wf_transition moves[] = {
	{ "planned", "in_progress", WF_ASSIGNEE | WF_PERM, "internal_audit.manage",
	  .guard = can_start },
	{ "in_progress", "reported", WF_ASSIGNEE, .guard = can_report, .apply = record_report },
	{ "reported", "in_progress", WF_ASSIGNEE | WF_PERM, "internal_audit.manage",
	  .flags = WF_COMMENT_REQUIRED | WF_AUDIT_COMMENT,
	  .comment_message = "Say why the report is opened again." },
	{ "reported", "closed", WF_PERM, "internal_audit.manage", .guard = can_close,
	  .apply = record_close },
	{ "planned in_progress", "cancelled", WF_PERM, "internal_audit.manage",
	  .flags = WF_COMMENT_REQUIRED | WF_AUDIT_COMMENT,
	  .comment_message = "Say why the audit is cancelled." },
	{ "cancelled", "planned", WF_PERM, "internal_audit.manage" },
	{ 0 },
};

const struct workflow internal_audit_workflow = {
	.type = "internal_audit",
	.table = "internal_audits",
	.assignee_col = "lead_id",
	.transitions = moves,
	.event = "internal_audit.transition",
	.forbidden_code = "not_lead",
	.forbidden_detail = "Only the lead auditor or the office may move this audit.",
	.snapshot = snapshot,
};

enum status audit_move(struct app *app, struct db *db, const struct wf_actor *by, int64_t id,
		       json_t *in, struct ferrors *fe)
{
	struct wf_request r = { .to = str(in, "to"),
				.version = json_integer_value(json_object_get(in, "version")),
				.comment = str(in, "comment"),
				.in = in,
				.field = "to" };
	return wf_move(app, db, &internal_audit_workflow, by, id, &r, fe);
}
