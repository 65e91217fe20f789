/* campaign.c — campaigns: cycles, items for the population, answers, closing, escalation. */
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "../lib/timeutil.h"
#include "../store/query.h"

#define MAX_TARGETS 64

static const struct actor job_actor = { 0, NULL, "job" };

static bool recurrence_valid(const char *r)
{
	return r && (!strcmp(r, "once") || !strcmp(r, "monthly") || !strcmp(r, "yearly"));
}

int campaign_cycle(const char *starts_on, const char *due_on, const char *recurrence,
		   const char *today, char start[11], char due[11])
{
	if (!date_valid(starts_on) || !date_valid(due_on) || !date_valid(today) ||
	    !recurrence_valid(recurrence))
		return -1;
	if (strcmp(today, starts_on) < 0)
		return 1;
	int step = !strcmp(recurrence, "monthly") ? 1 : !strcmp(recurrence, "yearly") ? 12 : 0;
	int k = 0;
	if (step) {
		int ys = (int)strtol(starts_on, NULL, 10), yt = (int)strtol(today, NULL, 10);
		int ms = (int)strtol(starts_on + 5, NULL, 10),
		    mt = (int)strtol(today + 5, NULL, 10);
		k = ((yt - ys) * 12 + (mt - ms)) / step;
		char s[11];
		if (date_add_months(starts_on, k * step, s))
			return -1;
		if (strcmp(s, today) > 0)
			k--;
	}
	if (date_add_months(starts_on, k * step, start) || date_add_months(due_on, k * step, due))
		return -1;
	return 0;
}

/* --- creating ----------------------------------------------------------------------------- */

struct create_op {
	const struct actor *who;
	const struct campaign_kind *k;
	const struct campaign_new *c;
	int64_t id;
	struct ferrors *fe;
};

static int sync_one(struct db *db, const struct campaign_kind *k, int64_t id);

static enum status create_fn(struct db *db, void *arg)
{
	struct create_op *o = arg;
	const struct campaign_new *c = o->c;
	int64_t now = now_unix();
	ferr_release(o->fe);
	if (!c->title || !*c->title)
		ferr_add(o->fe, "title", "required", "Give the campaign a title.");
	else if (utf8_len(c->title, strlen(c->title)) > 200)
		ferr_add(o->fe, "title", "too_long", "At most 200 characters.");
	if (!c->starts_on || !date_valid(c->starts_on))
		ferr_add(o->fe, "starts_on", "invalid_date", "Must be a real date as YYYY-MM-DD.");
	if (!c->due_on || !date_valid(c->due_on))
		ferr_add(o->fe, "due_on", "invalid_date", "Must be a real date as YYYY-MM-DD.");
	else if (c->starts_on && date_valid(c->starts_on) && strcmp(c->due_on, c->starts_on) < 0)
		ferr_add(o->fe, "due_on", "before_start", "The due date is before the start.");
	const char *rec = c->recurrence ? c->recurrence : "once";
	if (!recurrence_valid(rec))
		ferr_add(o->fe, "recurrence", "invalid_choice", "once, monthly or yearly.");
	if (population_check(db, c->targets, "targets", o->fe))
		return ST_DB;
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_insert(db, &o->id,
		      "INSERT INTO campaigns (kind, title, ref_id, starts_on, due_on, recurrence, "
		      "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
		      "RETURNING id",
		      P(V_TEXT(o->k->kind), V_TEXT(c->title), V_ID(c->ref_id), V_TEXT(c->starts_on),
			V_TEXT(c->due_on), V_TEXT(rec), V_ID(o->who->id), V_INT(now), V_INT(now))))
		return ST_DB;
	if (population_store(db, "campaign", o->id, c->targets))
		return ST_DB;
	json_t *sum = json_pack(
		"{s:s,s:s,s:o,s:s,s:s,s:s,s:O}", "kind", o->k->kind, "title", c->title, "ref_id",
		c->ref_id ? json_integer(c->ref_id) : json_null(), "starts_on", c->starts_on,
		"due_on", c->due_on, "recurrence", rec, "targets", c->targets);
	int rc = audit_append(db, o->who, "campaign.create", "campaign", o->id, sum);
	json_decref(sum);
	if (rc || sync_one(db, o->k, o->id) < 0)
		return ST_DB;
	return ST_OK;
}

enum status campaign_create(struct db *db, const struct actor *who, const struct campaign_kind *k,
			    const struct campaign_new *c, int64_t *id, struct ferrors *fe)
{
	struct create_op o = { who, k, c, 0, fe };
	enum status st = db_tx_st(db, create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

/* --- giving people their items ------------------------------------------------------------ */

struct subject {
	int64_t id, department_id;
};

/* The people of target `t` who have no item in (campaign, cycle) yet. */
static int missing_subjects(struct db *db, int64_t id, const char *cycle, const struct target *t,
			    struct subject **out, size_t *n, size_t *cap)
{
	struct query q;
	struct dbrows r;
	query_init(&q, "SELECT u.id, u.department_id FROM users u WHERE u.status = 'active'");
	population_where(&q, t);
	query_add(&q,
		  "AND NOT EXISTS (SELECT 1 FROM campaign_items i WHERE i.campaign_id = ? AND "
		  "i.cycle_start = ? AND i.subject_id = u.id) ORDER BY u.id",
		  P(V_INT(id), V_TEXT(cycle)));
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	while (db_next(&r)) {
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 64;
			*out = xrealloc(*out, *cap * sizeof(**out));
		}
		(*out)[(*n)++] =
			(struct subject){ db_int(&r, 0), db_isnull(&r, 1) ? 0 : db_int(&r, 1) };
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* Brings campaign `id` to today's cycle and gives its population their items, inside the
 * caller's transaction. Returns the number of items added, or -1. */
static int sync_one(struct db *db, const struct campaign_kind *k, int64_t id)
{
	struct dbrows r;
	char starts[11] = "", due[11] = "", rec[16] = "", status[16] = "", cur[11] = "";
	char today[11], start[11], cycle_due[11];
	tz_today(today);
	if (db_query(db, &r,
		     "SELECT starts_on, due_on, recurrence, status, COALESCE(cycle_start, '') FROM "
		     "campaigns WHERE id = ?",
		     P(V_INT(id))))
		return -1;
	if (db_next(&r)) {
		snprintf(starts, sizeof(starts), "%s", db_text(&r, 0));
		snprintf(due, sizeof(due), "%s", db_text(&r, 1));
		snprintf(rec, sizeof(rec), "%s", db_text(&r, 2));
		snprintf(status, sizeof(status), "%s", db_text(&r, 3));
		snprintf(cur, sizeof(cur), "%s", db_text(&r, 4));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	if (strcmp(status, "running"))
		return 0;
	int c = campaign_cycle(starts, due, rec, today, start, cycle_due);
	if (c)
		return c < 0 ? -1 : 0;
	if (strcmp(cur, start) &&
	    db_exec(db, "UPDATE campaigns SET cycle_start = ?, cycle_due = ? WHERE id = ?",
		    P(V_TEXT(start), V_TEXT(cycle_due), V_INT(id))))
		return -1;
	struct target ts[MAX_TARGETS];
	int nt = population_load(db, "campaign", id, ts, MAX_TARGETS);
	if (nt < 0)
		return -1;
	struct subject *subjects = NULL;
	size_t n = 0, cap = 0;
	int added = 0, rc = 0;
	int64_t now = now_unix();
	for (int i = 0; i < nt && !rc; i++)
		rc = missing_subjects(db, id, start, &ts[i], &subjects, &n, &cap);
	for (size_t i = 0; i < n && !rc; i++) {
		int64_t actor = subjects[i].id;
		if (k && k->actor_of && k->actor_of(db, id, subjects[i].id, &actor)) {
			rc = -1;
			break;
		}
		if (!actor)
			continue;
		/* Targets may overlap: the unique index keeps one item per subject. */
		rc = db_exec(db,
			     "INSERT INTO campaign_items (campaign_id, cycle_start, user_id, "
			     "subject_id, "
			     "department_id, due_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON "
			     "CONFLICT (campaign_id, cycle_start, subject_id) DO NOTHING",
			     P(V_INT(id), V_TEXT(start), V_INT(actor), V_INT(subjects[i].id),
			       V_ID(subjects[i].department_id), V_TEXT(cycle_due), V_INT(now)));
		if (!rc)
			added += (int)db_changes(db);
	}
	free(subjects);
	if (rc)
		return -1;
	if (added) {
		json_t *sum = json_pack("{s:s,s:s,s:i}", "cycle_start", start, "due_on", cycle_due,
					"people", added);
		rc = audit_append(db, &job_actor, "campaign.items.add", "campaign", id, sum);
		json_decref(sum);
		if (rc)
			return -1;
	}
	return added;
}

struct sync_op {
	const struct campaign_kind *k;
	int64_t id;
};

static enum status sync_fn(struct db *db, void *arg)
{
	struct sync_op *o = arg;
	return sync_one(db, o->k, o->id) < 0 ? ST_DB : ST_OK;
}

/* The kind named `name` among `kinds`, or NULL (a kind no module declares any more). */
static const struct campaign_kind *kind_in(const struct campaign_kind *const *kinds, size_t nk,
					   const char *name)
{
	for (size_t i = 0; i < nk; i++)
		if (!strcmp(kinds[i]->kind, name))
			return kinds[i];
	return NULL;
}

int campaign_sync(struct db *db, const struct campaign_kind *const *kinds, size_t nk,
		  int64_t campaign_id)
{
	struct query q;
	struct dbrows r;
	struct sync_op *ops = NULL;
	size_t n = 0, cap = 0;
	query_init(&q, "SELECT id, kind FROM campaigns WHERE status = 'running'");
	if (campaign_id > 0)
		query_add(&q, "AND id = ?", P(V_INT(campaign_id)));
	query_add(&q, "ORDER BY id", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	while (db_next(&r)) {
		const struct campaign_kind *k = kind_in(kinds, nk, db_text(&r, 1));
		if (!k)
			continue; /* a kind no module declares any more: left alone */
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ops = xrealloc(ops, cap * sizeof(*ops));
		}
		ops[n++] = (struct sync_op){ k, db_int(&r, 0) };
	}
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++)
		failed = db_tx_st(db, sync_fn, &ops[i]) != ST_OK;
	free(ops);
	return failed ? -1 : 0;
}

/* --- answering and closing ---------------------------------------------------------------- */

int campaign_item_load(struct db *db, int64_t item_id, struct campaign_item *it)
{
	struct dbrows r;
	memset(it, 0, sizeof(*it));
	if (db_query(db, &r,
		     "SELECT i.id, i.campaign_id, i.user_id, i.subject_id, COALESCE(c.ref_id, 0), "
		     "i.version, i.cycle_start, i.due_on, i.status, i.answer, c.status FROM "
		     "campaign_items i JOIN campaigns c ON c.id = i.campaign_id WHERE i.id = ?",
		     P(V_INT(item_id))))
		return -1;
	int rc = 1;
	if (db_next(&r)) {
		it->id = db_int(&r, 0);
		it->campaign_id = db_int(&r, 1);
		it->user_id = db_int(&r, 2);
		it->subject_id = db_int(&r, 3);
		it->ref_id = db_int(&r, 4);
		it->version = db_int(&r, 5);
		snprintf(it->cycle_start, sizeof(it->cycle_start), "%s", db_text(&r, 6));
		snprintf(it->due_on, sizeof(it->due_on), "%s", db_text(&r, 7));
		/* A closed campaign's items are closed too, whatever they say. */
		snprintf(it->status, sizeof(it->status), "%s",
			 strcmp(db_text(&r, 10), "running") ? "closed" : db_text(&r, 8));
		it->answer = db_text(&r, 9) ? json_loads(db_text(&r, 9), 0, NULL) : NULL;
		rc = 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(it->answer);
		it->answer = NULL;
		return -1;
	}
	return rc;
}

struct answer_op {
	const struct actor *who;
	const struct campaign_kind *k;
	int64_t item_id, version;
	json_t *in;
	struct ferrors *fe;
};

static enum status answer_fn(struct db *db, void *arg)
{
	struct answer_op *o = arg;
	struct campaign_item it;
	char lock[48];
	enum status st;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "campaign_item:%lld", (long long)o->item_id);
	if (db_lock(db, lock))
		return ST_DB;
	int rc = campaign_item_load(db, o->item_id, &it);
	if (rc)
		return rc < 0 ? ST_DB : ST_NOT_FOUND;
	if (it.user_id != o->who->id) {
		st = ST_NOT_FOUND; /* nobody learns of items that are not theirs */
		goto out;
	}
	if (o->version && o->version != it.version) {
		st = ST_CONFLICT;
		goto out;
	}
	if (!strcmp(it.status, "closed")) {
		ferr_add(o->fe, "item", "campaign_closed", "The campaign has ended.");
		st = ST_INVALID;
		goto out;
	}
	if (!strcmp(it.status, "done")) {
		ferr_add(o->fe, "item", "already_answered", "This has been answered already.");
		st = ST_INVALID;
		goto out;
	}
	bool final = !json_is_false(json_object_get(o->in, "final"));
	if (o->k->answer) {
		st = o->k->answer(db, o->who, &it, o->in, o->fe);
		if (st != ST_OK)
			goto out;
	}
	json_t *answer = json_object_get(o->in, "answer");
	char *text = answer ? json_dumps(answer, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	rc = db_exec(db,
		     "UPDATE campaign_items SET status = ?, answer = ?, done_at = ?, done_by = ?, "
		     "version = version + 1 WHERE id = ? AND version = ?",
		     P(V_TEXT(final ? "done" : "pending"), V_TEXT(text),
		       final ? V_INT(now_unix()) : V_NULL, final ? V_INT(o->who->id) : V_NULL,
		       V_INT(it.id), V_INT(it.version)));
	free(text);
	st = ST_DB;
	if (rc)
		goto out;
	if (db_changes(db) != 1) {
		st = ST_CONFLICT;
		goto out;
	}
	json_t *sum = json_pack("{s:I,s:I,s:s,s:b,s:O?}", "campaign_id", (json_int_t)it.campaign_id,
				"subject_id", (json_int_t)it.subject_id, "cycle_start",
				it.cycle_start, "final", final, "answer", answer);
	rc = audit_append(db, o->who, final ? "campaign.answer" : "campaign.save", "campaign_item",
			  it.id, sum);
	json_decref(sum);
	st = rc ? ST_DB : ST_OK;
out:
	json_decref(it.answer);
	return st;
}

enum status campaign_answer(struct db *db, const struct actor *who, const struct campaign_kind *k,
			    int64_t item_id, json_t *in, int64_t version, struct ferrors *fe)
{
	struct answer_op o = { who, k, item_id, version, in, fe };
	return db_tx_st(db, answer_fn, &o);
}

struct close_op {
	const struct actor *who;
	const struct campaign_kind *k;
	int64_t id, version;
	struct ferrors *fe;
};

static enum status close_fn(struct db *db, void *arg)
{
	struct close_op *o = arg;
	char lock[48];
	int64_t version, one;
	bool found;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "campaign:%lld", (long long)o->id);
	if (db_lock(db, lock) ||
	    db_query_int(db, &version, &found, "SELECT version FROM campaigns WHERE id = ?",
			 P(V_INT(o->id))))
		return ST_DB;
	if (!found)
		return ST_NOT_FOUND;
	if (o->version && o->version != version)
		return ST_CONFLICT;
	if (db_query_int(db, &one, &found,
			 "SELECT 1 FROM campaigns WHERE id = ? AND status = 'running'",
			 P(V_INT(o->id))))
		return ST_DB;
	if (!found) {
		ferr_add(o->fe, "status", "campaign_closed", "The campaign has ended already.");
		return ST_INVALID;
	}
	int64_t now = now_unix();
	if (db_exec(db,
		    "UPDATE campaigns SET status = 'closed', closed_at = ?, closed_by = ?, "
		    "updated_at "
		    "= ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now), V_ID(o->who->id), V_INT(now), V_INT(o->id))))
		return ST_DB;
	if (o->k->closed) {
		enum status st = o->k->closed(db, o->who, o->id, o->fe);
		if (st != ST_OK)
			return st;
	}
	int64_t open_items = 0;
	if (db_query_int(db, &open_items, &found,
			 "SELECT COUNT(*) FROM campaign_items WHERE campaign_id = ? AND status = "
			 "'pending'",
			 P(V_INT(o->id))))
		return ST_DB;
	json_t *sum =
		json_pack("{s:s,s:I}", "kind", o->k->kind, "unanswered", (json_int_t)open_items);
	int rc = audit_append(db, o->who, "campaign.close", "campaign", o->id, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

enum status campaign_close(struct db *db, const struct actor *who, const struct campaign_kind *k,
			   int64_t id, int64_t version, struct ferrors *fe)
{
	struct close_op o = { who, k, id, version, fe };
	return db_tx_st(db, close_fn, &o);
}

/* --- reading ------------------------------------------------------------------------------ */

int campaign_kind_of(struct db *db, int64_t id, char kind[33])
{
	struct dbrows r;
	if (db_query(db, &r, "SELECT kind FROM campaigns WHERE id = ?", P(V_INT(id))))
		return -1;
	int rc = 1;
	if (db_next(&r)) {
		snprintf(kind, 33, "%s", db_text(&r, 0));
		rc = 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : rc;
}

static json_t *time_or_null(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

json_t *campaign_json(struct db *db, int64_t id)
{
	struct dbrows r;
	char today[11];
	tz_today(today);
	if (db_query(
		    db, &r,
		    "SELECT c.id, c.kind, c.title, c.ref_id, c.starts_on, c.due_on, c.recurrence, "
		    "c.status, c.cycle_start, c.cycle_due, c.created_at, c.closed_at, c.version, "
		    "(SELECT COUNT(*) FROM campaign_items i WHERE i.campaign_id = c.id AND "
		    "i.cycle_start = c.cycle_start), (SELECT COUNT(*) FROM campaign_items i WHERE "
		    "i.campaign_id = c.id AND i.cycle_start = c.cycle_start AND i.status = "
		    "'done'), "
		    "(SELECT COUNT(*) FROM campaign_items i WHERE i.campaign_id = c.id AND "
		    "i.cycle_start = c.cycle_start AND i.status = 'pending' AND i.due_on < ?) FROM "
		    "campaigns c WHERE c.id = ?",
		    P(V_TEXT(today), V_INT(id))))
		return NULL;
	json_t *c = NULL;
	if (db_next(&r))
		c = json_pack(
			"{s:I,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:s?,s:s?,s:o,s:o,s:I,s:{s:I,s:I,s:I}}",
			"id", (json_int_t)db_int(&r, 0), "kind", db_text(&r, 1), "title",
			db_text(&r, 2), "ref_id",
			db_isnull(&r, 3) ? json_null() : json_integer(db_int(&r, 3)), "starts_on",
			db_text(&r, 4), "due_on", db_text(&r, 5), "recurrence", db_text(&r, 6),
			"status", db_text(&r, 7), "cycle_start", db_text(&r, 8), "cycle_due",
			db_text(&r, 9), "created_at", time_or_null(&r, 10), "closed_at",
			time_or_null(&r, 11), "version", (json_int_t)db_int(&r, 12), "totals",
			"total", (json_int_t)db_int(&r, 13), "done", (json_int_t)db_int(&r, 14),
			"overdue", (json_int_t)db_int(&r, 15));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !c) {
		json_decref(c);
		return NULL;
	}
	json_t *targets = population_json(db, "campaign", id);
	if (!targets) {
		json_decref(c);
		return NULL;
	}
	json_object_set_new(c, "targets", targets);
	return c;
}

json_t *campaign_progress(struct db *db, int64_t id, int64_t manager_id)
{
	struct query q;
	struct dbrows r;
	char today[11];
	tz_today(today);
	query_init(&q, "SELECT i.department_id, d.name, COUNT(*), SUM(CASE WHEN i.status = 'done' "
		       "THEN 1 ELSE 0 END), SUM(CASE WHEN i.status = 'pending' AND i.due_on <");
	query_add(&q,
		  "? THEN 1 ELSE 0 END) FROM campaign_items i JOIN campaigns c ON c.id = "
		  "i.campaign_id LEFT JOIN departments d ON d.id = i.department_id WHERE "
		  "i.campaign_id = ? AND i.cycle_start = c.cycle_start",
		  P(V_TEXT(today), V_INT(id)));
	if (manager_id > 0)
		query_add(&q,
			  "AND i.department_id IN (SELECT id FROM departments WHERE manager_id = ? "
			  "OR deputy_id = ?)",
			  P(V_INT(manager_id), V_INT(manager_id)));
	query_add(&q, "GROUP BY i.department_id, d.name ORDER BY d.name", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return NULL;
	json_t *out = json_array();
	while (db_next(&r))
		json_array_append_new(
			out,
			json_pack("{s:o,s:I,s:I,s:I}", "department",
				  db_isnull(&r, 0)
					  ? json_null()
					  : json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(&r, 0),
						      "name", db_text(&r, 1)),
				  "total", (json_int_t)db_int(&r, 2), "done",
				  (json_int_t)db_int(&r, 3), "overdue", (json_int_t)db_int(&r, 4)));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* --- escalation --------------------------------------------------------------------------- */

struct escalate_op {
	int64_t item_id, campaign_id, from, to;
};

static enum status escalate_fn(struct db *db, void *arg)
{
	struct escalate_op *o = arg;
	if (db_exec(db,
		    "UPDATE campaign_items SET user_id = ?, escalated_from = ?, escalated_at = ?, "
		    "version = version + 1 WHERE id = ? AND user_id = ? AND status = 'pending'",
		    P(V_INT(o->to), V_INT(o->from), V_INT(now_unix()), V_INT(o->item_id),
		      V_INT(o->from))))
		return ST_DB;
	if (db_changes(db) != 1)
		return ST_NOT_FOUND;
	json_t *sum = json_pack("{s:I,s:I,s:I}", "campaign_id", (json_int_t)o->campaign_id, "from",
				(json_int_t)o->from, "to", (json_int_t)o->to);
	int rc =
		audit_append(db, &job_actor, "campaign.escalate", "campaign_item", o->item_id, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

static bool escalates(const struct campaign_kind *const *kinds, size_t nk, const char *kind)
{
	const struct campaign_kind *k = kind_in(kinds, nk, kind);
	return k && k->escalate;
}

int campaigns_escalate(struct db *db, const struct campaign_kind *const *kinds, size_t nk, int days,
		       const struct workcal *cal)
{
	struct dbrows r;
	struct escalate_op *ops = NULL;
	size_t n = 0, cap = 0;
	char today[11];
	int escalated = 0;
	if (days <= 0)
		return 0;
	tz_today(today);
	/* Items that have not been escalated yet: an escalated item stays with the manager. */
	if (db_query(db, &r,
		     "SELECT i.id, i.campaign_id, i.user_id, i.due_on, i.subject_id, c.kind FROM "
		     "campaign_items i JOIN campaigns c ON c.id = i.campaign_id WHERE c.status = "
		     "'running' AND i.status = 'pending' AND i.escalated_from IS NULL AND i.due_on "
		     "< "
		     "? ORDER BY i.id",
		     P(V_TEXT(today))))
		return -1;
	while (db_next(&r)) {
		if (!escalates(kinds, nk, db_text(&r, 5)) ||
		    jpcal_workdays_between(db_text(&r, 3), today, cal) < days)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ops = xrealloc(ops, cap * sizeof(*ops));
		}
		ops[n++] = (struct escalate_op){ db_int(&r, 0), db_int(&r, 1), db_int(&r, 2),
						 db_int(&r, 4) };
	}
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		int64_t subject = ops[i].to, up;
		if (wf_manager_of(db, ops[i].from, &up)) {
			failed = 1;
			break;
		}
		/* Nobody reviews their own access. */
		if (!up || up == subject || up == ops[i].from)
			continue;
		ops[i].to = up;
		enum status st = db_tx_st(db, escalate_fn, &ops[i]);
		if (st == ST_OK)
			escalated++;
		else if (st != ST_NOT_FOUND)
			failed = 1;
	}
	free(ops);
	return failed ? -1 : escalated;
}

/* --- following the reporting line --------------------------------------------------------- */

struct follow_op {
	const struct campaign_kind *k;
	int64_t item_id, campaign_id, from, subject;
};

int campaign_items_follow(struct db *db, const struct campaign_kind *const *kinds, size_t nk,
			  const struct actor *who)
{
	struct dbrows r;
	struct follow_op *ops = NULL;
	size_t n = 0, cap = 0;
	int moved = 0;
	if (db_query(
		    db, &r,
		    "SELECT i.id, i.campaign_id, i.user_id, i.subject_id, c.kind FROM "
		    "campaign_items i JOIN campaigns c ON c.id = i.campaign_id WHERE c.status = "
		    "'running' AND i.status = 'pending' AND i.escalated_from IS NULL ORDER BY i.id",
		    P0))
		return -1;
	while (db_next(&r)) {
		const struct campaign_kind *k = kind_in(kinds, nk, db_text(&r, 4));
		if (!k || !k->actor_of)
			continue; /* the subject acts: nothing to follow */
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ops = xrealloc(ops, cap * sizeof(*ops));
		}
		ops[n++] = (struct follow_op){ k, db_int(&r, 0), db_int(&r, 1), db_int(&r, 2),
					       db_int(&r, 3) };
	}
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		int64_t to;
		if (ops[i].k->actor_of(db, ops[i].campaign_id, ops[i].subject, &to)) {
			failed = 1;
			break;
		}
		if (!to || to == ops[i].from)
			continue; /* nobody else to ask: it stays */
		if (db_exec(db,
			    "UPDATE campaign_items SET user_id = ?, version = version + 1 WHERE id "
			    "= ?",
			    P(V_INT(to), V_INT(ops[i].item_id)))) {
			failed = 1;
			break;
		}
		json_t *sum = json_pack(
			"{s:I,s:I,s:I,s:s}", "campaign_id", (json_int_t)ops[i].campaign_id, "from",
			(json_int_t)ops[i].from, "to", (json_int_t)to, "reason", "reporting_line");
		failed = audit_append(db, who, "campaign.item.reassign", "campaign_item",
				      ops[i].item_id, sum) != 0;
		json_decref(sum);
		moved++;
	}
	free(ops);
	return failed ? -1 : moved;
}
