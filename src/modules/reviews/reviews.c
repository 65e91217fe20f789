/* reviews.c — management reviews: the record, top management's outputs, the approval and the
 * frozen figures. */
#include <string.h>

#include "reviews.h"
#include "internal.h"
#include "../actions/actions.h"
#include "../../lib/timeutil.h"

const char *const review_decision_kinds[] = { "decision", "instruction", "improvement",
					      "change",   "resource",    NULL };

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s && *s ? s : NULL;
}

static json_t *person(struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col))
		return json_null();
	return json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, id_col), "name",
			 db_text(r, name_col));
}

static json_t *time_of(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* --- reading ------------------------------------------------------------------------------- */

json_t *review_decisions(struct db *db, int64_t review_id)
{
	struct dbrows r;
	char today[11];
	tz_today(today);
	if (db_query(db, &r,
		     "SELECT d.id, d.position, d.kind, d.body, d.owner_id, o.name, d.due_on, "
		     "d.action_id, a.status, a.due_on, d.version FROM review_decisions d LEFT JOIN "
		     "users o ON o.id = d.owner_id LEFT JOIN actions a ON a.id = d.action_id WHERE "
		     "d.review_id = ? ORDER BY d.position, d.id",
		     P(V_INT(review_id))))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r)) {
		json_t *action = json_null();
		if (!db_isnull(&r, 7)) {
			const char *st = db_text(&r, 8), *due = db_text(&r, 9);
			bool open = !strcmp(st, "open") || !strcmp(st, "in_progress");
			action = json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)db_int(&r, 7),
					   "status", st, "due_on", due, "overdue",
					   open && strcmp(due, today) < 0);
		}
		json_array_append_new(items,
				      json_pack("{s:I,s:I,s:s,s:s,s:o,s:o,s:o,s:I}", "id",
						(json_int_t)db_int(&r, 0), "position",
						(json_int_t)db_int(&r, 1), "kind", db_text(&r, 2),
						"body", db_text(&r, 3), "owner", person(&r, 4, 5),
						"due_on", text_or_null(db_text(&r, 6)), "action",
						action, "version", (json_int_t)db_int(&r, 10)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

static const char review_head[] =
	"SELECT r.id, r.title, r.period_from, r.period_to, r.held_on, r.attendees, "
	"r.context_changes, r.other_inputs, r.summary, r.status, r.figures, r.frozen_at, "
	"r.submitted_by, s.name, r.approved_at, r.created_by, c.name, r.created_at, r.updated_at, "
	"r.version FROM management_reviews r LEFT JOIN users s ON s.id = r.submitted_by LEFT JOIN "
	"users c ON c.id = r.created_by";

/* One row of review_head; figures parsed (with_figures) or left out. */
static json_t *review_row(struct dbrows *r, bool with_figures)
{
	json_t *o = json_pack(
		"{s:I,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "id",
		(json_int_t)db_int(r, 0), "title", db_text(r, 1), "period_from", db_text(r, 2),
		"period_to", db_text(r, 3), "held_on", text_or_null(db_text(r, 4)), "attendees",
		db_text(r, 5), "context_changes", db_text(r, 6), "other_inputs", db_text(r, 7),
		"summary", db_text(r, 8), "status", db_text(r, 9), "frozen", !db_isnull(r, 10),
		"frozen_at", time_of(r, 11), "submitted_by", person(r, 12, 13), "approved_at",
		time_of(r, 14), "created_by", person(r, 15, 16), "created_at", time_of(r, 17),
		"updated_at", time_of(r, 18), "version", (json_int_t)db_int(r, 19));
	if (with_figures && !db_isnull(r, 10)) {
		json_t *f = json_loads(db_text(r, 10), 0, NULL);
		json_object_set_new(o, "figures", f ? f : json_null());
	}
	return o;
}

/* The review (figures: frozen ones, or live for a draft when `with_figures`). */
static json_t *review_load(struct db *db, int64_t id, bool with_figures)
{
	struct buf sql = BUF_INIT;
	struct dbrows r;
	json_t *o = NULL;
	buf_adds(&sql, review_head);
	buf_adds(&sql, " WHERE r.id = ?");
	int rc = db_query(db, &r, sql.buf, P(V_INT(id)));
	buf_release(&sql);
	if (rc)
		return NULL;
	if (db_next(&r))
		o = review_row(&r, with_figures);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !o) {
		json_decref(o);
		return NULL;
	}
	json_t *decisions = review_decisions(db, id);
	if (!decisions) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "decisions", decisions);
	if (with_figures && !json_object_get(o, "figures")) {
		json_t *live = review_inputs(db, str(o, "period_from"), str(o, "period_to"), id);
		if (!live) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(live, "live", json_true());
		json_object_set_new(o, "figures", live);
	}
	return o;
}

json_t *review_plain(struct db *db, int64_t id)
{
	return review_load(db, id, true);
}

json_t *review_brief(struct db *db, int64_t id)
{
	return review_load(db, id, false);
}

json_t *reviews_list(struct db *db)
{
	struct buf sql = BUF_INIT;
	struct dbrows r;
	buf_adds(&sql, review_head);
	buf_adds(&sql, " ORDER BY r.period_to DESC, r.id DESC LIMIT 500");
	int rc = db_query(db, &r, sql.buf, P0);
	buf_release(&sql);
	if (rc)
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, review_row(&r, false));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *reviews_in_period(struct db *db, const char *from, const char *to)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT id FROM management_reviews WHERE period_from <= ? AND period_to >= ? "
		     "ORDER BY period_to, id",
		     P(V_TEXT(to), V_TEXT(from))))
		return NULL;
	json_t *ids = json_array();
	while (db_next(&r))
		json_array_append_new(ids, json_integer(db_int(&r, 0)));
	int failed = r.failed;
	db_rows_free(&r);
	json_t *out = failed ? NULL : json_array(), *v;
	size_t i;
	json_array_foreach(ids, i, v)
	{
		json_t *one = out ? review_plain(db, json_integer_value(v)) : NULL;
		if (!one) {
			json_decref(out);
			out = NULL;
			break;
		}
		json_array_append_new(out, one);
	}
	json_decref(ids);
	return out;
}

json_t *review_json(struct db *db, const struct wf_actor *by, int64_t id)
{
	json_t *o = review_plain(db, id);
	if (!o)
		return NULL;
	json_t *approval =
		approval_of_record(db, "management_review", id, by->actor->id, by->perms);
	json_t *timeline =
		approval ? wf_timeline(db, "management_review", id, true, NULL, NULL) : NULL;
	json_t *moves = timeline ? wf_allowed(db, &review_workflow, by, id) : NULL;
	if (!moves) {
		json_decref(approval);
		json_decref(timeline);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "approval", approval);
	json_object_set_new(o, "timeline", timeline);
	json_object_set_new(o, "allowed_transitions", moves);
	bool open = !strcmp(str(o, "status"), "draft") || !strcmp(str(o, "status"), "sent_back");
	json_object_set_new(o, "editable", json_boolean(open));
	return o;
}

/* What the audit trail keeps of a review: its words and dates, not the figures. */
static json_t *review_view(struct db *db, int64_t id)
{
	json_t *o = review_brief(db, id);
	if (!o)
		return NULL;
	json_t *v = json_pack(
		"{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:I}", "title", json_object_get(o, "title"),
		"period_from", json_object_get(o, "period_from"), "period_to",
		json_object_get(o, "period_to"), "held_on", json_object_get(o, "held_on"), "status",
		json_object_get(o, "status"), "frozen", json_object_get(o, "frozen"), "summary",
		json_object_get(o, "summary"), "decisions",
		(json_int_t)json_array_size(json_object_get(o, "decisions")));
	json_decref(o);
	return v;
}

/* --- writing ------------------------------------------------------------------------------- */

static const struct {
	const char *field, *sql;
} review_texts[] = {
	{ "title", "UPDATE management_reviews SET title = ? WHERE id = ?" },
	{ "period_from", "UPDATE management_reviews SET period_from = ? WHERE id = ?" },
	{ "period_to", "UPDATE management_reviews SET period_to = ? WHERE id = ?" },
	{ "held_on", "UPDATE management_reviews SET held_on = ? WHERE id = ?" },
	{ "attendees", "UPDATE management_reviews SET attendees = ? WHERE id = ?" },
	{ "context_changes", "UPDATE management_reviews SET context_changes = ? WHERE id = ?" },
	{ "other_inputs", "UPDATE management_reviews SET other_inputs = ? WHERE id = ?" },
	{ "summary", "UPDATE management_reviews SET summary = ? WHERE id = ?" },
};

/* The period: from on or before to, at most five years. */
static void check_period(const char *from, const char *to, struct ferrors *fe)
{
	if (!from || !to)
		return;
	if (strcmp(from, to) > 0)
		ferr_add(fe, "period_to", "before_start",
			 "The period cannot end before it starts.");
	else if (date_diff(from, to) > 5 * 366)
		ferr_add(fe, "period_to", "too_long", "A review covers at most five years.");
}

struct review_op {
	const struct wf_actor *by;
	int64_t id;
	json_t *in;
	int64_t out;
	struct ferrors *fe;
};

static enum status create_fn(struct db *db, void *arg)
{
	struct review_op *o = arg;
	int64_t now = now_unix();
	ferr_release(o->fe);
	check_period(str(o->in, "period_from"), str(o->in, "period_to"), o->fe);
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_insert(db, &o->out,
		      "INSERT INTO management_reviews (title, period_from, period_to, created_by, "
		      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		      P(V_TEXT(str(o->in, "title")), V_TEXT(str(o->in, "period_from")),
			V_TEXT(str(o->in, "period_to")), V_ID(o->by->actor->id), V_INT(now),
			V_INT(now))))
		return ST_DB;
	for (size_t i = 3; i < ARRAY_SIZE(review_texts); i++) {
		json_t *v = json_object_get(o->in, review_texts[i].field);
		if (v && !json_is_null(v) &&
		    db_exec(db, review_texts[i].sql,
			    P(V_TEXT(json_string_value(v)), V_INT(o->out))))
			return ST_DB;
	}
	if (wf_event_add(db, "management_review", o->out, o->by->actor, "created", NULL, "draft",
			 false, NULL, NULL))
		return ST_DB;
	json_t *after = review_view(db, o->out);
	int rc = !after || audit_change(db, o->by->actor, "review.create", "management_review",
					o->out, NULL, after);
	json_decref(after);
	return rc ? ST_DB : ST_OK;
}

enum status review_create(struct db *db, const struct wf_actor *by, json_t *in, int64_t *id,
			  struct ferrors *fe)
{
	struct review_op o = { by, 0, in, 0, fe };
	enum status st = db_tx_st(db, create_fn, &o);
	*id = o.out;
	return st;
}

/* Locks review `id` and checks that it can still change (a draft, or sent back). */
static enum status editable(struct db *db, int64_t id, int64_t version, json_t **brief,
			    struct ferrors *fe)
{
	char lock[40];
	snprintf(lock, sizeof(lock), "management_review:%lld", (long long)id);
	if (db_lock(db, lock))
		return ST_DB;
	json_t *o = review_brief(db, id);
	if (!o)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	const char *status = str(o, "status");
	if (version && json_integer_value(json_object_get(o, "version")) != version) {
		json_decref(o);
		return ST_CONFLICT;
	}
	if (strcmp(status, "draft") && strcmp(status, "sent_back")) {
		json_decref(o);
		fe->code = "frozen";
		fe->detail = "A review sent for approval, approved or rejected no longer changes.";
		return ST_FORBIDDEN;
	}
	*brief = o;
	return ST_OK;
}

static int touch(struct db *db, int64_t id)
{
	return db_exec(
		db,
		"UPDATE management_reviews SET updated_at = ?, version = version + 1 WHERE id "
		"= ?",
		P(V_INT(now_unix()), V_INT(id)));
}

static enum status update_fn(struct db *db, void *arg)
{
	struct review_op *o = arg;
	json_t *stored = NULL, *before = NULL, *after = NULL, *v;
	ferr_release(o->fe);
	enum status st = editable(db, o->id, json_integer_value(json_object_get(o->in, "version")),
				  &stored, o->fe);
	if (st != ST_OK)
		return st;
	st = ST_DB;
	const char *from =
		str(o->in, "period_from") ? str(o->in, "period_from") : str(stored, "period_from");
	const char *to =
		str(o->in, "period_to") ? str(o->in, "period_to") : str(stored, "period_to");
	check_period(from, to, o->fe);
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	if (!(before = review_view(db, o->id)))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(review_texts); i++)
		if ((v = json_object_get(o->in, review_texts[i].field)) &&
		    db_exec(db, review_texts[i].sql,
			    P(json_is_null(v) ? V_NULL : V_TEXT(json_string_value(v)),
			      V_INT(o->id))))
			goto out;
	if (touch(db, o->id) ||
	    wf_event_add(db, "management_review", o->id, o->by->actor, "updated", NULL, NULL, false,
			 NULL, NULL) ||
	    !(after = review_view(db, o->id)) ||
	    audit_change(db, o->by->actor, "review.update", "management_review", o->id, before,
			 after))
		goto out;
	st = ST_OK;
out:
	json_decref(stored);
	json_decref(before);
	json_decref(after);
	return st;
}

enum status review_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *patch,
			  struct ferrors *fe)
{
	struct review_op o = { by, id, patch, 0, fe };
	return db_tx_st(db, update_fn, &o);
}

/* --- top management's outputs -------------------------------------------------------------- */

static int check_owner(struct db *db, json_t *in, struct ferrors *fe)
{
	json_t *v = json_object_get(in, "owner_id");
	int64_t one;
	bool found;
	if (!json_is_integer(v))
		return 0;
	if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
			 P(V_INT(json_integer_value(v)))))
		return -1;
	if (!found)
		ferr_add(fe, "owner_id", "not_found", "There is no such active user.");
	return 0;
}

static json_t *decision_row(struct db *db, int64_t id, int64_t *review_id)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r,
		     "SELECT review_id, kind, body, owner_id, due_on, action_id, version FROM "
		     "review_decisions WHERE id = ?",
		     P(V_INT(id))))
		return NULL;
	if (db_next(&r)) {
		*review_id = db_int(&r, 0);
		o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:I}", "kind", db_text(&r, 1), "body",
			      db_text(&r, 2), "owner_id",
			      db_isnull(&r, 3) ? json_null() : json_integer(db_int(&r, 3)),
			      "due_on", text_or_null(db_text(&r, 4)), "action_id",
			      db_isnull(&r, 5) ? json_null() : json_integer(db_int(&r, 5)),
			      "version", (json_int_t)db_int(&r, 6));
	}
	if (r.failed) {
		json_decref(o);
		o = NULL;
	}
	db_rows_free(&r);
	return o;
}

static enum status decision_add_fn(struct db *db, void *arg)
{
	struct review_op *o = arg;
	json_t *stored = NULL;
	int64_t pos;
	bool found;
	ferr_release(o->fe);
	enum status st = editable(db, o->id, 0, &stored, o->fe);
	if (st != ST_OK)
		return st;
	json_decref(stored);
	if (check_owner(db, o->in, o->fe))
		return ST_DB;
	if (ferr_any(o->fe))
		return ST_INVALID;
	int64_t now = now_unix();
	if (db_query_int(db, &pos, &found,
			 "SELECT COALESCE(MAX(position), 0) + 1 FROM review_decisions WHERE "
			 "review_id = ?",
			 P(V_INT(o->id))) ||
	    db_insert(db, &o->out,
		      "INSERT INTO review_decisions (review_id, position, kind, body, owner_id, "
		      "due_on, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
		      "?) RETURNING id",
		      P(V_INT(o->id), V_INT(pos), V_TEXT(str(o->in, "kind")),
			V_TEXT(str(o->in, "body")),
			V_ID(json_integer_value(json_object_get(o->in, "owner_id"))),
			V_TEXT(str(o->in, "due_on")), V_ID(o->by->actor->id), V_INT(now),
			V_INT(now))) ||
	    touch(db, o->id))
		return ST_DB;
	int64_t rid;
	json_t *after = decision_row(db, o->out, &rid);
	int rc = !after ||
		 wf_event_add(db, "management_review", o->id, o->by->actor, "decision", NULL, NULL,
			      false, str(o->in, "kind"), NULL) ||
		 audit_change(db, o->by->actor, "review.decision.create", "review_decision", o->out,
			      NULL, after);
	json_decref(after);
	return rc ? ST_DB : ST_OK;
}

enum status decision_add(struct db *db, const struct wf_actor *by, int64_t review_id, json_t *in,
			 int64_t *id, struct ferrors *fe)
{
	struct review_op o = { by, review_id, in, 0, fe };
	enum status st = db_tx_st(db, decision_add_fn, &o);
	*id = o.out;
	return st;
}

static enum status decision_update_fn(struct db *db, void *arg)
{
	struct review_op *o = arg;
	int64_t rid = 0;
	json_t *stored = NULL, *after = NULL, *v;
	ferr_release(o->fe);
	json_t *before = decision_row(db, o->id, &rid);
	if (!before)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	enum status st = editable(db, rid, 0, &stored, o->fe);
	if (st != ST_OK)
		goto out;
	st = ST_CONFLICT;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version")))
		goto out;
	st = ST_DB;
	if (check_owner(db, o->in, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	static const struct {
		const char *field, *sql;
	} cols[] = {
		{ "kind", "UPDATE review_decisions SET kind = ? WHERE id = ?" },
		{ "body", "UPDATE review_decisions SET body = ? WHERE id = ?" },
		{ "due_on", "UPDATE review_decisions SET due_on = ? WHERE id = ?" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		if ((v = json_object_get(o->in, cols[i].field)) &&
		    db_exec(db, cols[i].sql,
			    P(json_is_null(v) ? V_NULL : V_TEXT(json_string_value(v)),
			      V_INT(o->id))))
			goto out;
	if ((v = json_object_get(o->in, "owner_id")) &&
	    db_exec(db, "UPDATE review_decisions SET owner_id = ? WHERE id = ?",
		    P(json_is_null(v) ? V_NULL : V_INT(json_integer_value(v)), V_INT(o->id))))
		goto out;
	if (db_exec(db,
		    "UPDATE review_decisions SET updated_at = ?, version = version + 1 WHERE id = "
		    "?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    touch(db, rid) || !(after = decision_row(db, o->id, &rid)) ||
	    audit_change(db, o->by->actor, "review.decision.update", "review_decision", o->id,
			 before, after))
		goto out;
	st = ST_OK;
out:
	json_decref(before);
	json_decref(after);
	json_decref(stored);
	return st;
}

enum status decision_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *patch,
			    struct ferrors *fe)
{
	struct review_op o = { by, id, patch, 0, fe };
	return db_tx_st(db, decision_update_fn, &o);
}

static enum status decision_delete_fn(struct db *db, void *arg)
{
	struct review_op *o = arg;
	int64_t rid = 0;
	json_t *stored = NULL;
	ferr_release(o->fe);
	json_t *before = decision_row(db, o->id, &rid);
	if (!before)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	enum status st = editable(db, rid, 0, &stored, o->fe);
	if (st != ST_OK)
		goto out;
	st = ST_CONFLICT;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version")))
		goto out;
	if (!json_is_null(json_object_get(before, "action_id"))) {
		o->fe->code = "in_use";
		o->fe->detail = "A decision that opened a corrective action stays on the review.";
		goto out;
	}
	st = ST_DB;
	if (db_exec(db, "DELETE FROM review_decisions WHERE id = ?", P(V_INT(o->id))) ||
	    touch(db, rid) ||
	    audit_change(db, o->by->actor, "review.decision.delete", "review_decision", o->id,
			 before, NULL))
		goto out;
	st = ST_OK;
out:
	json_decref(before);
	json_decref(stored);
	return st;
}

enum status decision_delete(struct db *db, const struct wf_actor *by, int64_t id, int64_t version,
			    struct ferrors *fe)
{
	json_t *in = json_pack("{s:I}", "version", (json_int_t)version);
	struct review_op o = { by, id, in, 0, fe };
	enum status st = db_tx_st(db, decision_delete_fn, &o);
	json_decref(in);
	return st;
}

/* A decision becomes a corrective action, at any stage of the review: the action names the
 * review as its source and the decision keeps the action. */
static enum status decision_action_fn(struct db *db, void *arg)
{
	struct review_op *o = arg;
	int64_t rid = 0;
	char lock[40];
	json_t *after = NULL;
	ferr_release(o->fe);
	json_t *d = decision_row(db, o->id, &rid);
	if (!d)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	enum status st = ST_DB;
	snprintf(lock, sizeof(lock), "management_review:%lld", (long long)rid);
	json_t *r = db_lock(db, lock) ? NULL : review_brief(db, rid);
	if (!r)
		goto out;
	st = ST_CONFLICT;
	if (json_integer_value(json_object_get(d, "version")) !=
	    json_integer_value(json_object_get(o->in, "version")))
		goto out;
	if (!json_is_null(json_object_get(d, "action_id"))) {
		o->fe->code = "has_action";
		o->fe->detail = "This decision has its corrective action already.";
		goto out;
	}
	if (!strcmp(str(r, "status"), "rejected")) {
		o->fe->code = "frozen";
		o->fe->detail = "A rejected review opens no actions.";
		st = ST_FORBIDDEN;
		goto out;
	}
	json_t *owner = json_object_get(o->in, "owner_id");
	if (!json_is_integer(owner))
		owner = json_object_get(d, "owner_id");
	const char *due = str(o->in, "due_on") ? str(o->in, "due_on") : str(d, "due_on");
	const char *title = str(o->in, "title");
	struct buf t = BUF_INIT;
	if (!title) {
		/* The decision's first line, cut to an action title's length. */
		const char *body = str(d, "body");
		size_t n = strcspn(body, "\n"), chars = 0, k;
		for (k = 0; k < n; k++)
			if (((unsigned char)body[k] & 0xC0) != 0x80 && ++chars > 190)
				break;
		buf_add(&t, body, k);
		title = t.buf;
	}
	struct action_new a = {
		.source_type = "review",
		.source_id = rid,
		.source_title = str(r, "title"),
		.kind = "corrective",
		.title = title,
		.plan = str(d, "body"),
		.owner_id = json_integer_value(owner),
		.due_on = due,
	};
	int64_t action_id = 0;
	st = action_open_tx(db, o->by->actor, &a, &action_id, o->fe);
	buf_release(&t);
	if (st != ST_OK)
		goto out;
	st = ST_DB;
	json_t *before = json_incref(d);
	if (db_exec(db,
		    "UPDATE review_decisions SET action_id = ?, owner_id = ?, due_on = ?, "
		    "updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(action_id), V_INT(json_integer_value(owner)), V_TEXT(due),
		      V_INT(now_unix()), V_INT(o->id))) ||
	    !(after = decision_row(db, o->id, &rid)) ||
	    audit_change(db, o->by->actor, "review.decision.action", "review_decision", o->id,
			 before, after)) {
		json_decref(before);
		goto out;
	}
	json_decref(before);
	st = ST_OK;
out:
	json_decref(d);
	json_decref(r);
	json_decref(after);
	return st;
}

enum status decision_open_action(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
				 struct ferrors *fe)
{
	struct review_op o = { by, id, in, 0, fe };
	return db_tx_st(db, decision_action_fn, &o);
}

/* --- the workflow and the approval --------------------------------------------------------- */

static json_t *snapshot(struct db *db, int64_t id)
{
	return review_view(db, id);
}

/* Sending for approval: the review has been held and has top management's outputs. */
static int can_submit(struct wf_ctx *c)
{
	json_t *o = review_brief(c->db, c->id);
	if (!o)
		return -1;
	if (json_is_null(json_object_get(o, "held_on")))
		ferr_add(c->fe, "held_on", "required", "Give the date the review was held.");
	if (!json_array_size(json_object_get(o, "decisions")))
		ferr_add(c->fe, "decisions", "required",
			 "Record top management's decisions and instructions first.");
	json_decref(o);
	return 0;
}

/* Sent for approval: the figures are frozen as they are now, and top management is asked. */
static int submit(struct wf_ctx *c)
{
	static const struct approval_step_spec chain[] = {
		{ APPROVER_PERMISSION, "reviews.approve", 0 },
	};
	json_t *o = review_brief(c->db, c->id);
	if (!o)
		return -1;
	json_t *figures = review_inputs(c->db, str(o, "period_from"), str(o, "period_to"), c->id);
	int rc = -1;
	if (figures) {
		char *text = json_dumps(figures, JSON_COMPACT);
		int64_t id;
		rc = db_exec(
			c->db,
			"UPDATE management_reviews SET figures = ?, frozen_at = ?, "
			"submitted_by = ? WHERE id = ?",
			P(V_TEXT(text), V_INT(now_unix()), V_ID(c->by->actor->id), V_INT(c->id)));
		free(text);
		if (!rc)
			rc = approval_open_tx(c->db, c->by->actor, &reviews_approvals[0], c->id,
					      c->by->actor->id, str(o, "title"), chain, 1, NULL,
					      &id, c->fe) == ST_OK
				     ? 0
				     : -1;
	}
	json_decref(figures);
	json_decref(o);
	return rc;
}

/* Back to a draft: the figures are live again until it is sent anew. */
static int thaw(struct wf_ctx *c)
{
	return db_exec(
		c->db,
		"UPDATE management_reviews SET figures = NULL, frozen_at = NULL WHERE id = ?",
		P(V_INT(c->id)));
}

static int record_approved(struct wf_ctx *c)
{
	return db_exec(c->db, "UPDATE management_reviews SET approved_at = ? WHERE id = ?",
		       P(V_INT(now_unix()), V_INT(c->id)));
}

static const struct wf_transition moves[] = {
	{ "draft sent_back", "submitted", WF_PERM, "reviews.write", .guard = can_submit,
	  .apply = submit },
	{ "rejected", "draft", WF_PERM, "reviews.write" },
	/* The approval's outcome, moved by the engine when the approval ends. */
	{ "submitted", "approved", WF_SYSTEM, .apply = record_approved },
	{ "submitted", "rejected", WF_SYSTEM, .apply = thaw },
	{ "submitted", "sent_back", WF_SYSTEM, .apply = thaw },
	{ "submitted", "draft", WF_SYSTEM, .apply = thaw },
	{ 0 },
};

const struct workflow review_workflow = {
	.type = "management_review",
	.table = "management_reviews",
	.requester_col = "submitted_by",
	.transitions = moves,
	.event = "review.transition",
	.forbidden_code = "not_office",
	.forbidden_detail = "The office prepares the review and sends it for approval.",
	.snapshot = snapshot,
};

enum status review_move(struct app *app, struct db *db, const struct wf_actor *by, int64_t id,
			json_t *in, struct ferrors *fe)
{
	struct wf_request r = { .to = str(in, "to"),
				.version = json_integer_value(json_object_get(in, "version")),
				.comment = str(in, "comment"),
				.in = in,
				.field = "to" };
	return wf_move(app, db, &review_workflow, by, id, &r, fe);
}

static enum status decided(struct app *app, struct db *db, const struct actor *who,
			   int64_t record_id, const char *outcome, const char *comment,
			   struct ferrors *fe)
{
	struct wf_actor system = { who, NULL, true };
	struct wf_request r = { .to = !strcmp(outcome, "withdrawn") ? "draft" : outcome,
				.comment = comment,
				.field = "decision" };
	return wf_move_tx(app, db, &review_workflow, &system, record_id, &r, fe);
}

const struct approval_kind reviews_approvals[] = {
	{ "management_review", "マネジメントレビュー", "Management review", "/reviews/", decided },
	{ 0 },
};
