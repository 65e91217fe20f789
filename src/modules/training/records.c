/* records.c — assignments, each person's duties per cycle, and the records an auditor reads:
 * the roster (受講者名簿) with scores, completion per department, one person's history. */
#include <string.h>

#include "internal.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"
#include "../../workflow/population.h"

/* Whose targets population_targets holds for an assignment. */
#define TRAINING_POPULATION "training_assignment"

static const struct actor job_actor = { 0, NULL, "job" };

/* --- duties ------------------------------------------------------------------------------- */

/* Marks done the duties of `assignment_id` (0: of user/course below) that a passed attempt
 * taken in their cycle already satisfies. */
static int complete_from_attempts(struct db *db, int64_t assignment_id)
{
	return db_exec(db,
		       "UPDATE training_duties SET "
		       "attempt_id = (SELECT MIN(a.id) FROM training_attempts a WHERE a.user_id = "
		       "training_duties.user_id AND a.course_id = training_duties.course_id AND "
		       "a.passed = 1 AND a.taken_on >= training_duties.cycle_start), "
		       "completed_at = (SELECT MIN(a.submitted_at) FROM training_attempts a WHERE "
		       "a.user_id = training_duties.user_id AND a.course_id = "
		       "training_duties.course_id AND a.passed = 1 AND a.taken_on >= "
		       "training_duties.cycle_start) "
		       "WHERE assignment_id = ? AND completed_at IS NULL AND EXISTS (SELECT 1 FROM "
		       "training_attempts a WHERE a.user_id = training_duties.user_id AND "
		       "a.course_id = training_duties.course_id AND a.passed = 1 AND a.taken_on >= "
		       "training_duties.cycle_start)",
		       P(V_INT(assignment_id)));
}

int duties_complete(struct db *db, int64_t user_id, int64_t course_id)
{
	return db_exec(
		db,
		"UPDATE training_duties SET completed_at = ?, attempt_id = (SELECT MAX(a.id) "
		"FROM training_attempts a WHERE a.user_id = ? AND a.course_id = ? AND "
		"a.passed = 1) WHERE user_id = ? AND course_id = ? AND completed_at IS NULL",
		P(V_INT(now_unix()), V_INT(user_id), V_INT(course_id), V_INT(user_id),
		  V_INT(course_id)));
}

struct sync_one {
	int64_t id, course_id, user_id;
	char starts_on[11], due_date[11];
	bool yearly;
	const char *today;
	const struct actor *who;
};

/* Gives the people matching one assignment their duty for its current cycle. Inside the
 * caller's transaction. */
static int sync_assignment(struct db *db, const struct sync_one *a)
{
	char start[11], due[11];
	int c = training_cycle(a->starts_on, a->due_date, a->yearly, a->today, start, due);
	if (c)
		return c < 0 ? -1 : 0;
	struct target ts[32];
	int nt = population_load(db, TRAINING_POPULATION, a->id, ts, (int)ARRAY_SIZE(ts));
	if (nt < 0)
		return -1;
	int64_t added = 0, now = now_unix();
	for (int i = 0; i < nt; i++) {
		struct query q;
		query_init(&q, "INSERT INTO training_duties (assignment_id, user_id, course_id, "
			       "cycle_start, due_date, created_at) SELECT");
		query_add(&q, "?, u.id, ?, ?, ?, ? FROM users u WHERE u.status = 'active'",
			  P(V_INT(a->id), V_INT(a->course_id), V_TEXT(start), V_TEXT(due),
			    V_INT(now)));
		if (a->user_id)
			query_add(&q, "AND u.id = ?", P(V_INT(a->user_id)));
		population_where(&q, &ts[i]);
		query_add(&q, "ON CONFLICT (assignment_id, user_id, cycle_start) DO NOTHING", NULL,
			  0);
		int rc = db_exec(db, q.sql.buf, q.params, q.n);
		query_release(&q);
		if (rc)
			return -1;
		added += db_changes(db);
	}
	if (added == 0)
		return 0;
	if (complete_from_attempts(db, a->id))
		return -1;
	json_t *sum = json_pack("{s:I,s:s,s:s,s:I}", "course_id", (json_int_t)a->course_id,
				"cycle_start", start, "due_date", due, "people", (json_int_t)added);
	int rc = audit_append(db, a->who, "training.duties.add", "training_assignment", a->id, sum);
	json_decref(sum);
	return rc;
}

/* Reads one assignment's dates into `a`; 1 if there is none. */
static int load_assignment(struct db *db, int64_t id, struct sync_one *a, bool *active,
			   int64_t *version)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT id, course_id, starts_on, due_date, recurrence, active, version FROM "
		     "training_assignments WHERE id = ?",
		     P(V_INT(id))))
		return -1;
	int rc = 1;
	if (db_next(&r)) {
		a->id = db_int(&r, 0);
		a->course_id = db_int(&r, 1);
		snprintf(a->starts_on, sizeof(a->starts_on), "%s", db_text(&r, 2));
		snprintf(a->due_date, sizeof(a->due_date), "%s", db_text(&r, 3));
		a->yearly = !strcmp(db_text(&r, 4), "yearly");
		if (active)
			*active = db_int(&r, 5) != 0;
		if (version)
			*version = db_int(&r, 6);
		rc = 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : rc;
}

struct sync_op {
	int64_t assignment_id, user_id;
	const char *today;
};

static int sync_fn(struct db *db, void *arg)
{
	struct sync_op *o = arg;
	struct sync_one a = { 0 };
	int rc = load_assignment(db, o->assignment_id, &a, NULL, NULL);
	if (rc)
		return rc < 0 ? -1 : 0;
	a.user_id = o->user_id;
	a.today = o->today;
	a.who = &job_actor;
	return sync_assignment(db, &a);
}

int training_sync(struct db *db, int64_t user_id)
{
	struct dbrows r;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	char today[11];
	tz_today(today);
	if (db_query(
		    db, &r,
		    "SELECT id FROM training_assignments WHERE active = 1 AND starts_on <= ? ORDER "
		    "BY id",
		    P(V_TEXT(today))))
		return -1;
	while (db_next(&r)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = db_int(&r, 0);
	}
	int failed = r.failed;
	db_rows_free(&r);
	int rc = failed ? -1 : 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct sync_op o = { ids[i], user_id, today };
		rc = db_tx(db, sync_fn, &o);
	}
	free(ids);
	return rc;
}

int training_job(struct app *app, struct db *db)
{
	(void)app;
	if (attempts_expire(db, 0))
		return -1;
	return training_sync(db, 0);
}

/* --- assignments -------------------------------------------------------------------------- */

#define ASSIGNMENT_COLUMNS                                                                         \
	"a.id, a.course_id, c.title_ja, c.title_en, a.starts_on, a.due_date, a.recurrence, "       \
	"a.active, a.created_at, a.updated_at, a.version, v.title_ja, v.title_en"
#define ASSIGNMENT_FROM                                                                            \
	" FROM training_assignments a JOIN training_courses c ON c.id = a.course_id LEFT JOIN "    \
	"training_course_versions v ON v.id = c.current_version_id"

static json_t *assignment_from_row(struct db *db, struct dbrows *r, const char *today)
{
	char start[11], due[11];
	bool yearly = !strcmp(db_text(r, 6), "yearly");
	int c = training_cycle(db_text(r, 4), db_text(r, 5), yearly, today, start, due);
	int64_t id = db_int(r, 0);
	bool pub = db_text(r, 11) != NULL;
	json_t *a =
		json_pack("{s:I,s:I,s:o,s:s,s:s,s:s,s:b,s:o,s:o,s:I}", "id", (json_int_t)id,
			  "course_id", (json_int_t)db_int(r, 1), "course_title",
			  tr_loc(db_text(r, pub ? 11 : 2), db_text(r, pub ? 12 : 3)), "starts_on",
			  db_text(r, 4), "due_date", db_text(r, 5), "recurrence", db_text(r, 6),
			  "active", db_int(r, 7) != 0, "created_at", tr_time(r, 8), "updated_at",
			  tr_time(r, 9), "version", (json_int_t)db_int(r, 10));
	json_object_set_new(a, "current_cycle",
			    c == 0 ? json_pack("{s:s,s:s}", "start", start, "due_date", due)
				   : json_null());
	(void)db;
	return a;
}

/* Counts of the current cycle's duties: assigned, completed, overdue. */
static int add_counts(struct db *db, json_t *a, const char *today)
{
	json_t *cycle = json_object_get(a, "current_cycle");
	int64_t assigned = 0, done = 0, overdue = 0;
	if (json_is_object(cycle)) {
		struct dbrows r;
		if (db_query(
			    db, &r,
			    "SELECT COUNT(*), SUM(CASE WHEN completed_at IS NOT NULL THEN 1 ELSE 0 "
			    "END), SUM(CASE WHEN completed_at IS NULL AND due_date < ? THEN 1 ELSE "
			    "0 "
			    "END) FROM training_duties WHERE assignment_id = ? AND cycle_start = ?",
			    P(V_TEXT(today), V_INT(json_integer_value(json_object_get(a, "id"))),
			      V_TEXT(json_string_value(json_object_get(cycle, "start"))))))
			return -1;
		if (db_next(&r)) {
			assigned = db_int(&r, 0);
			done = db_isnull(&r, 1) ? 0 : db_int(&r, 1);
			overdue = db_isnull(&r, 2) ? 0 : db_int(&r, 2);
		}
		int failed = r.failed;
		db_rows_free(&r);
		if (failed)
			return -1;
	}
	json_object_set_new(a, "assigned", json_integer(assigned));
	json_object_set_new(a, "completed", json_integer(done));
	json_object_set_new(a, "overdue", json_integer(overdue));
	return 0;
}

static json_t *assignments_query(struct db *db, int64_t id, int64_t course_id)
{
	struct query q;
	struct dbrows r;
	char today[11];
	tz_today(today);
	json_t *items = json_array();
	query_init(&q, "SELECT " ASSIGNMENT_COLUMNS ASSIGNMENT_FROM " WHERE 1 = 1");
	if (id)
		query_add(&q, "AND a.id = ?", P(V_INT(id)));
	if (course_id)
		query_add(&q, "AND a.course_id = ?", P(V_INT(course_id)));
	query_add(&q, "ORDER BY a.active DESC, a.due_date, a.id", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc) {
		json_decref(items);
		return NULL;
	}
	while (db_next(&r))
		json_array_append_new(items, assignment_from_row(db, &r, today));
	int failed = r.failed;
	db_rows_free(&r);
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a)
	{
		json_t *t = failed ? NULL
				   : population_json(db, TRAINING_POPULATION,
						     json_integer_value(json_object_get(a, "id")));
		if (!t || add_counts(db, a, today)) {
			json_decref(t);
			failed = 1;
			break;
		}
		json_object_set_new(a, "targets", t);
	}
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *assignment_list(struct db *db, int64_t course_id)
{
	return assignments_query(db, 0, course_id);
}

json_t *assignment_json(struct db *db, int64_t id)
{
	json_t *items = assignments_query(db, id, 0);
	json_t *a = items && json_array_size(items) ? json_incref(json_array_get(items, 0)) : NULL;
	json_decref(items);
	return a;
}

struct assign_op {
	const struct actor *who;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
	enum status st;
};

/* Dates: the due date on or after the start; for a yearly assignment, within a year of it. */
static void check_dates(const char *starts_on, const char *due, bool yearly, struct ferrors *fe)
{
	char limit[11];
	if (strcmp(due, starts_on) < 0)
		ferr_add(fe, "due_date", "before_start", "The due date is before the start date.");
	else if (yearly && date_add_months(starts_on, 12, limit) == 0 && strcmp(due, limit) >= 0)
		ferr_add(fe, "due_date", "out_of_range",
			 "A yearly assignment is due within a year of its start.");
}

static int assign_create_fn(struct db *db, void *arg)
{
	struct assign_op *o = arg;
	json_t *in = o->in;
	int64_t course_id = json_integer_value(json_object_get(in, "course_id")), vid;
	bool found;
	char today[11];
	tz_today(today);
	if (db_query_int(
		    db, &vid, &found,
		    "SELECT COALESCE(current_version_id, 0) FROM training_courses WHERE id = ?",
		    P(V_INT(course_id))))
		return -1;
	if (!found)
		ferr_add(o->fe, "course_id", "not_found", "There is no such course.");
	else if (!vid)
		ferr_add(o->fe, "course_id", "not_published", "Publish the course first.");
	if (population_check(db, json_object_get(in, "targets"), "targets", o->fe))
		return -1;
	const char *starts = json_string_value(json_object_get(in, "starts_on"));
	const char *due = json_string_value(json_object_get(in, "due_date"));
	const char *rec = json_string_value(json_object_get(in, "recurrence"));
	if (!starts)
		starts = today;
	if (!rec)
		rec = "once";
	check_dates(starts, due, !strcmp(rec, "yearly"), o->fe);
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		return -1;
	}
	int64_t now = now_unix();
	if (db_insert(
		    db, &o->id,
		    "INSERT INTO training_assignments (course_id, starts_on, due_date, recurrence, "
		    "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_INT(course_id), V_TEXT(starts), V_TEXT(due), V_TEXT(rec),
		      V_ID(o->who ? o->who->id : 0), V_INT(now), V_INT(now))) ||
	    population_store(db, TRAINING_POPULATION, o->id, json_object_get(in, "targets")))
		return -1;
	json_t *sum = json_pack("{s:I,s:s,s:s,s:s,s:O}", "course_id", (json_int_t)course_id,
				"starts_on", starts, "due_date", due, "recurrence", rec, "targets",
				json_object_get(in, "targets"));
	int rc = audit_append(db, o->who, "training.assignment.create", "training_assignment",
			      o->id, sum);
	json_decref(sum);
	if (rc)
		return -1;
	struct sync_one a = { 0 };
	if (load_assignment(db, o->id, &a, NULL, NULL))
		return -1;
	a.today = today;
	a.who = o->who;
	if (sync_assignment(db, &a))
		return -1;
	o->st = ST_OK;
	return 0;
}

enum status assignment_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			      struct ferrors *fe)
{
	struct assign_op o = { who, 0, in, fe, ST_DB };
	enum status st = tr_tx(db, assign_create_fn, &o, &o.st);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

static int assign_update_fn(struct db *db, void *arg)
{
	struct assign_op *o = arg;
	struct sync_one a = { 0 };
	bool active;
	int64_t version;
	char today[11], old_start[11], old_due[11];
	tz_today(today);
	int rc = load_assignment(db, o->id, &a, &active, &version);
	if (rc) {
		o->st = rc < 0 ? ST_DB : ST_NOT_FOUND;
		return -1;
	}
	if (version != json_integer_value(json_object_get(o->in, "version"))) {
		o->st = ST_CONFLICT;
		return -1;
	}
	json_t *before = assignment_json(db, o->id);
	if (!before)
		return -1;
	json_t *v;
	bool had_cycle =
		training_cycle(a.starts_on, a.due_date, a.yearly, today, old_start, old_due) == 0;
	if ((v = json_object_get(o->in, "due_date")))
		snprintf(a.due_date, sizeof(a.due_date), "%s", json_string_value(v));
	if ((v = json_object_get(o->in, "recurrence")))
		a.yearly = !strcmp(json_string_value(v), "yearly");
	if ((v = json_object_get(o->in, "active")))
		active = json_is_true(v);
	check_dates(a.starts_on, a.due_date, a.yearly, o->fe);
	if ((v = json_object_get(o->in, "targets")) && population_check(db, v, "targets", o->fe)) {
		json_decref(before);
		return -1;
	}
	if (ferr_any(o->fe)) {
		json_decref(before);
		o->st = ST_INVALID;
		return -1;
	}
	int64_t now = now_unix();
	rc = db_exec(db,
		     "UPDATE training_assignments SET due_date = ?, recurrence = ?, active = ?, "
		     "updated_at = ?, version = version + 1 WHERE id = ?",
		     P(V_TEXT(a.due_date), V_TEXT(a.yearly ? "yearly" : "once"), V_BOOL(active),
		       V_INT(now), V_INT(o->id)));
	if (!rc && (v = json_object_get(o->in, "targets")))
		rc = population_store(db, TRAINING_POPULATION, o->id, v);
	/* The current cycle's open duties follow a changed due date; a withdrawn assignment
	 * takes back the duties nobody has completed. */
	char start[11], due[11];
	if (!rc && had_cycle &&
	    training_cycle(a.starts_on, a.due_date, a.yearly, today, start, due) == 0)
		rc = db_exec(db,
			     "UPDATE training_duties SET due_date = ? WHERE assignment_id = ? AND "
			     "cycle_start = ? AND completed_at IS NULL",
			     P(V_TEXT(due), V_INT(o->id), V_TEXT(old_start)));
	if (!rc && !active)
		rc = db_exec(db,
			     "DELETE FROM training_duties WHERE assignment_id = ? AND completed_at "
			     "IS NULL",
			     P(V_INT(o->id)));
	json_t *after = rc ? NULL : assignment_json(db, o->id);
	if (!after) {
		json_decref(before);
		return -1;
	}
	static const char *const keys[] = { "assigned",   "completed",  "overdue",
					    "updated_at", "created_at", "current_cycle" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		json_object_del(before, keys[i]);
		json_object_del(after, keys[i]);
	}
	rc = audit_change(db, o->who, "training.assignment.update", "training_assignment", o->id,
			  before, after);
	json_decref(before);
	json_decref(after);
	if (rc)
		return -1;
	if (active) {
		a.today = today;
		a.who = o->who;
		if (sync_assignment(db, &a))
			return -1;
	}
	o->st = ST_OK;
	return 0;
}

enum status assignment_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			      struct ferrors *fe)
{
	struct assign_op o = { who, id, patch, fe, ST_DB };
	return tr_tx(db, assign_update_fn, &o, &o.st);
}

/* --- my training -------------------------------------------------------------------------- */

json_t *training_me(struct db *db, int64_t user_id)
{
	struct dbrows r;
	char today[11], since[11];
	if (attempts_expire(db, user_id) || training_sync(db, user_id))
		return NULL;
	tz_today(today);
	date_add_months(today, -12, since);
	json_t *items = json_array();
	/* Open duties, one per course (several assignments may ask for the same course), then
	 * what was completed in the last year. */
	if (db_query(
		    db, &r,
		    "SELECT d.course_id, COALESCE(v.title_ja, c.title_ja), COALESCE(v.title_en, "
		    "c.title_en), MIN(d.due_date), NULL, NULL FROM training_duties d JOIN "
		    "training_courses c ON c.id = d.course_id LEFT JOIN training_course_versions v "
		    "ON v.id = c.current_version_id WHERE d.user_id = ? AND d.completed_at IS NULL "
		    "GROUP BY d.course_id, v.title_ja, c.title_ja, v.title_en, c.title_en "
		    "UNION ALL "
		    "SELECT d.course_id, COALESCE(v.title_ja, c.title_ja), COALESCE(v.title_en, "
		    "c.title_en), d.due_date, d.completed_at, d.attempt_id FROM training_duties d "
		    "JOIN training_courses c ON c.id = d.course_id LEFT JOIN "
		    "training_course_versions v ON v.id = c.current_version_id WHERE d.user_id = ? "
		    "AND d.completed_at IS NOT NULL AND d.due_date >= ? ORDER BY 4",
		    P(V_INT(user_id), V_INT(user_id), V_TEXT(since)))) {
		json_decref(items);
		return NULL;
	}
	while (db_next(&r)) {
		bool done = !db_isnull(&r, 4);
		const char *due = db_text(&r, 3);
		const char *status = done                     ? "completed"
				     : strcmp(due, today) < 0 ? "overdue"
							      : "pending";
		json_array_append_new(items,
				      json_pack("{s:I,s:o,s:s,s:s,s:b,s:o,s:o}", "course_id",
						(json_int_t)db_int(&r, 0), "title",
						tr_loc(db_text(&r, 1), db_text(&r, 2)), "due_date",
						due, "status", status, "overdue",
						!strcmp(status, "overdue"), "completed_at",
						tr_time(&r, 4), "attempt_id", tr_opt_int(&r, 5)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	enum status st;
	json_t *history = person_records(db, user_id, 0, &st);
	if (!history) {
		json_decref(items);
		return NULL;
	}
	json_t *out = json_pack("{s:o,s:O,s:s}", "items", items, "attempts",
				json_object_get(history, "attempts"), "today", today);
	json_decref(history);
	return out;
}

/* --- the roster --------------------------------------------------------------------------- */

#define ROSTER_COLUMNS                                                                             \
	"d.id, d.user_id, u.login, u.name, u.department_id, dep.name, u.employment_type, "         \
	"u.status, d.course_id, COALESCE(v.title_ja, c.title_ja), COALESCE(v.title_en, "           \
	"c.title_en), d.assignment_id, d.cycle_start, d.due_date, d.completed_at, "                \
	"d.attempt_id, pa.score_percent, pv.number, "                                              \
	"(SELECT COUNT(*) FROM training_attempts x WHERE x.user_id = d.user_id AND "               \
	"x.course_id = d.course_id AND x.taken_on >= d.cycle_start AND x.status <> 'open'), "      \
	"(SELECT MAX(x.score_percent) FROM training_attempts x WHERE x.user_id = d.user_id AND "   \
	"x.course_id = d.course_id AND x.taken_on >= d.cycle_start)"
#define ROSTER_FROM                                                                                \
	" FROM training_duties d JOIN users u ON u.id = d.user_id LEFT JOIN departments dep ON "   \
	"dep.id = u.department_id JOIN training_courses c ON c.id = d.course_id LEFT JOIN "        \
	"training_course_versions v ON v.id = c.current_version_id LEFT JOIN "                     \
	"training_attempts pa ON pa.id = d.attempt_id LEFT JOIN training_course_versions pv "      \
	"ON pv.id = pa.course_version_id"

static void roster_where(struct query *q, const struct roster_filter *f, const char *today,
			 char **pat)
{
	/* Leavers stay on the roster only with what they completed. */
	query_add(q, "WHERE (u.status = 'active' OR d.completed_at IS NOT NULL)", NULL, 0);
	if (f->course_id)
		query_add(q, "AND d.course_id = ?", P(V_INT(f->course_id)));
	if (f->department_id)
		query_add(q, "AND u.department_id = ?", P(V_INT(f->department_id)));
	if (f->due_from)
		query_add(q, "AND d.due_date >= ?", P(V_TEXT(f->due_from)));
	if (f->due_to)
		query_add(q, "AND d.due_date <= ?", P(V_TEXT(f->due_to)));
	if (f->status && !strcmp(f->status, "completed"))
		query_add(q, "AND d.completed_at IS NOT NULL", NULL, 0);
	else if (f->status && !strcmp(f->status, "overdue"))
		query_add(q, "AND d.completed_at IS NULL AND d.due_date < ?", P(V_TEXT(today)));
	else if (f->status && !strcmp(f->status, "pending"))
		query_add(q, "AND d.completed_at IS NULL AND d.due_date >= ?", P(V_TEXT(today)));
	if (f->q && *f->q) {
		*pat = tr_like(f->q);
		query_add(
			q,
			"AND (lower(u.name) LIKE ? ESCAPE '\\' OR u.login_key LIKE ? ESCAPE '\\')",
			P(V_TEXT(*pat), V_TEXT(*pat)));
	}
	if (f->team_of)
		query_add(
			q,
			"AND u.department_id IN (SELECT department_id FROM users WHERE id = ? AND "
			"department_id IS NOT NULL UNION SELECT id FROM departments WHERE "
			"manager_id = ?)",
			P(V_INT(f->team_of), V_INT(f->team_of)));
}

static void roster_write(struct jsonw *w, struct dbrows *r, const char *today)
{
	bool done = !db_isnull(r, 14);
	const char *due = db_text(r, 13);
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 0));
	jw_key(w, "user");
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 1));
	jw_key(w, "login");
	jw_str(w, db_text(r, 2));
	jw_key(w, "name");
	jw_str(w, db_text(r, 3));
	jw_key(w, "department_id");
	tr_jw_opt_int(w, r, 4);
	jw_key(w, "department_name");
	jw_str(w, db_text(r, 5));
	jw_key(w, "employment_type");
	jw_str(w, db_text(r, 6));
	jw_key(w, "status");
	jw_str(w, db_text(r, 7));
	jw_object_end(w);
	jw_key(w, "course_id");
	jw_int(w, db_int(r, 8));
	tr_jw_loc(w, "course_title", db_text(r, 9), db_text(r, 10));
	jw_key(w, "assignment_id");
	jw_int(w, db_int(r, 11));
	jw_key(w, "cycle_start");
	jw_str(w, db_text(r, 12));
	jw_key(w, "due_date");
	jw_str(w, due);
	jw_key(w, "status");
	jw_str(w, done ? "completed" : strcmp(due, today) < 0 ? "overdue" : "pending");
	jw_key(w, "completed_at");
	tr_jw_time(w, r, 14);
	jw_key(w, "attempt_id");
	tr_jw_opt_int(w, r, 15);
	jw_key(w, "score_percent");
	tr_jw_opt_int(w, r, 16);
	jw_key(w, "course_version");
	tr_jw_opt_int(w, r, 17);
	jw_key(w, "attempts");
	jw_int(w, db_int(r, 18));
	jw_key(w, "best_score");
	tr_jw_opt_int(w, r, 19);
	jw_object_end(w);
}

static void roster_row_write(struct jsonw *w, struct dbrows *r, void *today)
{
	roster_write(w, r, today);
}

int roster_page(struct db *db, const struct roster_filter *f, int64_t cursor, int64_t limit,
		struct buf *out)
{
	struct query q;
	struct dbrows r;
	struct jsonw w;
	char today[11], *pat = NULL;
	tz_today(today);
	query_init(&q, "SELECT " ROSTER_COLUMNS ROSTER_FROM);
	roster_where(&q, f, today, &pat);
	if (cursor)
		query_add(&q, "AND d.id > ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY d.id LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(db, &q, &r);
	query_release(&q);
	free(pat);
	if (rc)
		return -1;
	jw_init(&w, out);
	jw_object(&w);
	rc = query_write_page(&w, &r, limit, roster_row_write, today);
	jw_object_end(&w);
	return rc;
}

json_t *roster_rows(struct db *db, const struct roster_filter *f)
{
	json_t *all = json_array();
	int64_t cursor = 0;
	for (;;) {
		struct buf b = BUF_INIT;
		if (roster_page(db, f, cursor, 1000, &b)) {
			buf_release(&b);
			json_decref(all);
			return NULL;
		}
		json_t *page = json_loadb(b.buf, b.len, 0, NULL);
		buf_release(&b);
		if (!page) {
			json_decref(all);
			return NULL;
		}
		json_t *items = json_object_get(page, "items");
		json_array_extend(all, items);
		bool more = json_is_string(json_object_get(page, "next_cursor"));
		if (json_array_size(items))
			cursor = json_integer_value(json_object_get(
				json_array_get(items, json_array_size(items) - 1), "id"));
		json_decref(page);
		if (!more)
			break;
	}
	return all;
}

json_t *roster_summary(struct db *db, const struct roster_filter *f)
{
	struct query q;
	struct dbrows r;
	char today[11], *pat = NULL;
	tz_today(today);
	query_init(&q, "SELECT u.department_id, dep.name, COUNT(*), SUM(CASE WHEN d.completed_at "
		       "IS NOT NULL THEN 1 ELSE 0 END),");
	query_add(&q, "SUM(CASE WHEN d.completed_at IS NULL AND d.due_date < ? THEN 1 ELSE 0 END)",
		  P(V_TEXT(today)));
	query_add(&q, ROSTER_FROM, NULL, 0);
	struct roster_filter g = *f;
	g.status = NULL;
	roster_where(&q, &g, today, &pat);
	query_add(&q, "GROUP BY u.department_id, dep.name ORDER BY dep.name", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	free(pat);
	if (rc)
		return NULL;
	json_t *items = json_array();
	int64_t ta = 0, tc = 0, to = 0;
	while (db_next(&r)) {
		int64_t assigned = db_int(&r, 2), done = db_int(&r, 3), overdue = db_int(&r, 4);
		ta += assigned;
		tc += done;
		to += overdue;
		json_array_append_new(
			items, json_pack("{s:o,s:s?,s:I,s:I,s:I,s:i}", "department_id",
					 tr_opt_int(&r, 0), "department_name", db_text(&r, 1),
					 "assigned", (json_int_t)assigned, "completed",
					 (json_int_t)done, "overdue", (json_int_t)overdue,
					 "percent", training_score((int)done, (int)assigned)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return json_pack("{s:o,s:{s:I,s:I,s:I,s:i}}", "items", items, "total", "assigned",
			 (json_int_t)ta, "completed", (json_int_t)tc, "overdue", (json_int_t)to,
			 "percent", training_score((int)tc, (int)ta));
}

bool training_in_team(struct db *db, int64_t manager_id, int64_t user_id)
{
	int64_t one;
	bool found = false;
	if (db_query_int(
		    db, &one, &found,
		    "SELECT 1 FROM users u WHERE u.id = ? AND u.department_id IN (SELECT "
		    "department_id FROM users WHERE id = ? AND department_id IS NOT NULL UNION "
		    "SELECT id FROM departments WHERE manager_id = ?)",
		    P(V_INT(user_id), V_INT(manager_id), V_INT(manager_id))))
		return false;
	return found;
}

json_t *person_records(struct db *db, int64_t user_id, int64_t team_of, enum status *st)
{
	struct dbrows r;
	json_t *person = NULL, *attempts = json_array();
	*st = ST_DB;
	if (team_of && !training_in_team(db, team_of, user_id)) {
		json_decref(attempts);
		*st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return NULL;
	}
	if (db_query(db, &r,
		     "SELECT u.id, u.login, u.name, d.name, u.employment_type, u.status FROM users "
		     "u "
		     "LEFT JOIN departments d ON d.id = u.department_id WHERE u.id = ?",
		     P(V_INT(user_id))))
		goto fail;
	if (db_next(&r))
		person = json_pack("{s:I,s:s,s:s,s:s?,s:s,s:s}", "id", (json_int_t)db_int(&r, 0),
				   "login", db_text(&r, 1), "name", db_text(&r, 2),
				   "department_name", db_text(&r, 3), "employment_type",
				   db_text(&r, 4), "status", db_text(&r, 5));
	db_rows_free(&r);
	if (!person) {
		json_decref(attempts);
		*st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return NULL;
	}
	if (db_query(db, &r,
		     "SELECT a.id, a.course_id, v.title_ja, v.title_en, v.number, a.status, "
		     "a.taken_on, a.started_at, a.submitted_at, a.correct_count, a.question_count, "
		     "a.score_percent, a.passed FROM training_attempts a JOIN "
		     "training_course_versions v ON v.id = a.course_version_id WHERE a.user_id = ? "
		     "ORDER BY a.id DESC",
		     P(V_INT(user_id))))
		goto fail;
	while (db_next(&r))
		json_array_append_new(
			attempts,
			json_pack("{s:I,s:I,s:o,s:I,s:s,s:s,s:o,s:o,s:o,s:I,s:o,s:o}", "id",
				  (json_int_t)db_int(&r, 0), "course_id", (json_int_t)db_int(&r, 1),
				  "course_title", tr_loc(db_text(&r, 2), db_text(&r, 3)),
				  "course_version", (json_int_t)db_int(&r, 4), "status",
				  db_text(&r, 5), "taken_on", db_text(&r, 6), "started_at",
				  tr_time(&r, 7), "submitted_at", tr_time(&r, 8), "correct_count",
				  tr_opt_int(&r, 9), "question_count", (json_int_t)db_int(&r, 10),
				  "score_percent", tr_opt_int(&r, 11), "passed",
				  db_isnull(&r, 12) ? json_null() : json_boolean(db_int(&r, 12))));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto fail;
	*st = ST_OK;
	return json_pack("{s:o,s:o}", "person", person, "attempts", attempts);
fail:
	json_decref(person);
	json_decref(attempts);
	return NULL;
}
