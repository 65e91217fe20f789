/* offboarding.c — 退職・契約終了: when someone leaves, their manager works through a short
 * list (account disabled, ID card, devices and media back, the exit pledge), each item done or
 * not applicable with a note; the list is finished only when every item is settled. */
#include <string.h>

#include "access.h"
#include "../../lib/timeutil.h"

static const char *const items[] = { "account_disabled", "id_card",     "devices_returned",
				     "media_returned",   "exit_pledge", NULL };

static bool known_item(const char *s)
{
	for (const char *const *i = items; s && *i; i++)
		if (!strcmp(*i, s))
			return true;
	return false;
}

static const struct actor job_actor = { 0, NULL, "job" };

/* --- reading ------------------------------------------------------------------------------ */

static json_t *offboarding_plain(struct db *db, int64_t id)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r,
		     "SELECT o.id, o.user_id, u.name, u.login, u.status, u.employment_type, "
		     "o.manager_id, m.name, o.leaving_on, o.reason, o.status, o.items, o.note, "
		     "o.done_by, d.name, o.done_at, o.created_at, o.version, u.department_id FROM "
		     "offboardings o JOIN users u ON u.id = o.user_id LEFT JOIN users m ON m.id = "
		     "o.manager_id LEFT JOIN users d ON d.id = o.done_by WHERE o.id = ?",
		     P(V_INT(id))))
		return NULL;
	if (db_next(&r)) {
		char done_at[21] = "", created[21];
		if (!db_isnull(&r, 15))
			time_rfc3339(db_int(&r, 15), done_at);
		time_rfc3339(db_int(&r, 16), created);
		json_t *its = json_loads(db_text(&r, 11), 0, NULL);
		o = json_pack(
			"{s:I,s:{s:I,s:s,s:s,s:s,s:s},s:o,s:s,s:s,s:s,s:o,s:s,s:o,s:o,s:s,s:I}",
			"id", (json_int_t)db_int(&r, 0), "person", "id", (json_int_t)db_int(&r, 1),
			"name", db_text(&r, 2), "login", db_text(&r, 3), "status", db_text(&r, 4),
			"employment_type", db_text(&r, 5), "manager",
			db_isnull(&r, 6) ? json_null()
					 : json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(&r, 6),
						     "name", db_text(&r, 7)),
			"leaving_on", db_text(&r, 8), "reason", db_text(&r, 9), "status",
			db_text(&r, 10), "items", its ? its : json_object(), "note",
			db_text(&r, 12), "done_by",
			db_isnull(&r, 13)
				? json_null()
				: json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(&r, 13), "name",
					    db_text(&r, 14)),
			"done_at", *done_at ? json_string(done_at) : json_null(), "created_at",
			created, "version", (json_int_t)db_int(&r, 17));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *snapshot(struct db *db, int64_t id)
{
	json_t *o = offboarding_plain(db, id);
	if (!o)
		return NULL;
	json_t *s = json_pack("{s:O,s:O,s:O,s:O}", "status", json_object_get(o, "status"), "items",
			      json_object_get(o, "items"), "leaving_on",
			      json_object_get(o, "leaving_on"), "user_id",
			      json_object_get(json_object_get(o, "person"), "id"));
	json_decref(o);
	return s;
}

json_t *offboarding_json(struct db *db, const struct wf_actor *by, int64_t id)
{
	json_t *o = offboarding_plain(db, id);
	if (!o)
		return NULL;
	json_t *timeline = wf_timeline(db, "offboarding", id, true, NULL, NULL);
	json_t *moves = timeline ? wf_allowed(db, &offboarding_workflow, by, id) : NULL;
	if (!moves) {
		json_decref(timeline);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "timeline", timeline);
	json_object_set_new(o, "allowed_transitions", moves);
	json_t *names = json_array();
	for (const char *const *i = items; *i; i++)
		json_array_append_new(names, json_string(*i));
	json_object_set_new(o, "item_names", names);
	return o;
}

/* --- opening ------------------------------------------------------------------------------ */

struct open_op {
	const struct actor *who;
	int64_t user_id, id;
	const char *leaving_on, *reason;
	struct ferrors *fe;
};

static enum status open_fn(struct db *db, void *arg)
{
	struct open_op *o = arg;
	int64_t manager, one, now = now_unix();
	bool found;
	ferr_release(o->fe);
	if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ?",
			 P(V_INT(o->user_id))))
		return ST_DB;
	if (!found) {
		ferr_add(o->fe, "user_id", "not_found", "There is no such user.");
		return ST_INVALID;
	}
	if (db_query_int(db, &one, &found, "SELECT 1 FROM offboardings WHERE user_id = ?",
			 P(V_INT(o->user_id))))
		return ST_DB;
	if (found) {
		ferr_add(o->fe, "user_id", "taken", "This person's offboarding is open already.");
		return ST_INVALID;
	}
	if (wf_manager_of(db, o->user_id, &manager))
		return ST_DB;
	/* The account's state is known: disabled already, the first item is done. */
	bool disabled;
	if (db_query_int(db, &one, &disabled,
			 "SELECT 1 FROM users WHERE id = ? AND status <> 'active'",
			 P(V_INT(o->user_id))))
		return ST_DB;
	json_t *its = json_object();
	if (disabled)
		json_object_set_new(its, "account_disabled", json_pack("{s:s}", "state", "done"));
	char *text = json_dumps(its, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(its);
	int rc = db_insert(
		db, &o->id,
		"INSERT INTO offboardings (user_id, manager_id, leaving_on, reason, items, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		P(V_INT(o->user_id), V_ID(manager), V_TEXT(o->leaving_on), V_TEXT(o->reason),
		  V_TEXT(text), V_INT(now), V_INT(now)));
	free(text);
	if (rc || wf_event_add(db, "offboarding", o->id, o->who, "created", NULL, "open", false,
			       NULL, NULL))
		return ST_DB;
	json_t *after = snapshot(db, o->id);
	if (!after)
		return ST_DB;
	json_object_set_new(after, "reason", json_string(o->reason));
	rc = audit_change(db, o->who, "offboarding.open", "offboarding", o->id, NULL, after);
	json_decref(after);
	return rc ? ST_DB : ST_OK;
}

enum status offboarding_open(struct db *db, const struct actor *who, int64_t user_id,
			     const char *leaving_on, const char *reason, int64_t *id,
			     struct ferrors *fe)
{
	struct open_op o = { who, user_id, 0, leaving_on, reason, fe };
	enum status st = db_tx_st(db, open_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

/* --- ticking items ------------------------------------------------------------------------ */

/* Sets item `item` of offboarding `id` to {state, note} in the caller's transaction. */
static int set_item(struct db *db, int64_t id, const char *item, const char *state,
		    const char *note)
{
	struct dbrows r;
	json_t *its = NULL;
	if (db_query(db, &r, "SELECT items FROM offboardings WHERE id = ?", P(V_INT(id))))
		return -1;
	if (db_next(&r))
		its = json_loads(db_text(&r, 0), 0, NULL);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	if (!its)
		its = json_object();
	json_object_set_new(its, item, json_pack("{s:s,s:s?}", "state", state, "note", note));
	char *text = json_dumps(its, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(its);
	int rc = db_exec(db,
			 "UPDATE offboardings SET items = ?, updated_at = ?, version = version + 1 "
			 "WHERE id = ?",
			 P(V_TEXT(text), V_INT(now_unix()), V_INT(id)));
	free(text);
	return rc;
}

int offboarding_tick(struct db *db, const struct actor *who, int64_t user_id, const char *item)
{
	int64_t id;
	bool found;
	if (!known_item(item))
		return -1;
	if (db_query_int(db, &id, &found,
			 "SELECT id FROM offboardings WHERE user_id = ? AND status = 'open'",
			 P(V_INT(user_id))))
		return -1;
	if (!found)
		return 0;
	json_t *data = json_pack("{s:s,s:s}", "item", item, "state", "done");
	int rc = set_item(db, id, item, "done", NULL) ||
		 wf_event_add(db, "offboarding", id, who, "item", NULL, NULL, false, NULL, data) ||
		 audit_append(db, who, "offboarding.item", "offboarding", id, data);
	json_decref(data);
	return rc ? -1 : 0;
}

struct update_op {
	const struct wf_actor *by;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

/* {version, item, state: done | not_applicable | open, note}: the manager (or the office)
 * settles one item; not applicable needs a note. */
static enum status update_fn(struct db *db, void *arg)
{
	struct update_op *o = arg;
	char lock[48];
	const char *item = json_string_value(json_object_get(o->in, "item"));
	const char *state = json_string_value(json_object_get(o->in, "state"));
	const char *note = json_string_value(json_object_get(o->in, "note"));
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "offboarding:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	json_t *before = offboarding_plain(db, o->id);
	if (!before)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	enum status st = ST_INVALID;
	int64_t manager =
		json_integer_value(json_object_get(json_object_get(before, "manager"), "id"));
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	if (manager != o->by->actor->id && !wf_has_perm(o->by->perms, "offboarding.manage")) {
		o->fe->code = "not_manager";
		o->fe->detail =
			"Only the person's manager or the security office settles the list.";
		st = ST_FORBIDDEN;
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(before, "status")), "open")) {
		ferr_add(o->fe, "item", "finished", "The list is finished.");
		goto out;
	}
	if (!known_item(item))
		ferr_add(o->fe, "item", "invalid_choice", "Not an item of the list.");
	if (!strcmp(state, "not_applicable") && (!note || !*note))
		ferr_add(o->fe, "note", "required", "Say why it does not apply.");
	if (ferr_any(o->fe))
		goto out;
	st = ST_DB;
	json_t *data = json_pack("{s:s,s:s}", "item", item, "state", state);
	int rc = set_item(db, o->id, item, state, note && *note ? note : NULL) ||
		 wf_event_add(db, "offboarding", o->id, o->by->actor, "item", NULL, NULL, false,
			      note && *note ? note : NULL, data) ||
		 audit_append(db, o->by->actor, "offboarding.item", "offboarding", o->id, data);
	json_decref(data);
	if (!rc)
		st = ST_OK;
out:
	json_decref(before);
	return st;
}

enum status offboarding_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
			       struct ferrors *fe)
{
	struct update_op o = { by, id, in, fe };
	return db_tx_st(db, update_fn, &o);
}

/* --- finishing ---------------------------------------------------------------------------- */

/* done: every item is done or not applicable. */
static int all_settled(struct wf_ctx *c)
{
	struct dbrows r;
	json_t *its = NULL;
	if (db_query(c->db, &r, "SELECT items FROM offboardings WHERE id = ?", P(V_INT(c->id))))
		return -1;
	if (db_next(&r))
		its = json_loads(db_text(&r, 0), 0, NULL);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	json_t *open = json_array();
	for (const char *const *i = items; *i; i++) {
		const char *st =
			json_string_value(json_object_get(json_object_get(its, *i), "state"));
		if (!st || (strcmp(st, "done") && strcmp(st, "not_applicable")))
			json_array_append_new(open, json_string(*i));
	}
	if (json_array_size(open)) {
		ferr_add(c->fe, "items", "items_open", "Settle every item of the list first.");
		ferr_extra(c->fe, "open_items", json_incref(open));
	}
	json_decref(open);
	json_decref(its);
	return 0;
}

static int record_done(struct wf_ctx *c)
{
	return db_exec(c->db,
		       "UPDATE offboardings SET done_by = ?, done_at = ?, note = ? WHERE id = ?",
		       P(V_ID(c->by->actor->id), V_INT(now_unix()),
			 V_TEXT(c->comment ? c->comment : ""), V_INT(c->id)));
}

static const struct wf_transition moves[] = {
	{ "open", "done", WF_ASSIGNEE | WF_PERM, "offboarding.manage", .guard = all_settled,
	  .apply = record_done },
	{ "done", "open", WF_PERM, "offboarding.manage", .flags = WF_COMMENT_REQUIRED },
	{ 0 },
};

const struct workflow offboarding_workflow = {
	.type = "offboarding",
	.table = "offboardings",
	.requester_col = "user_id",
	.assignee_col = "manager_id",
	.transitions = moves,
	.event = "offboarding.transition",
	.forbidden_code = "not_manager",
	.forbidden_detail = "Only the person's manager or the security office finishes the list.",
	.snapshot = snapshot,
};

int offboardings_follow(struct db *db, const struct actor *who)
{
	struct dbrows r;
	struct {
		int64_t id, user, manager;
	} *obs = NULL;
	size_t n = 0, cap = 0;
	if (db_query(db, &r,
		     "SELECT id, user_id, COALESCE(manager_id, 0) FROM offboardings WHERE status = "
		     "'open' ORDER BY id",
		     P0))
		return -1;
	while (db_next(&r)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			obs = xrealloc(obs, cap * sizeof(*obs));
		}
		obs[n].id = db_int(&r, 0);
		obs[n].user = db_int(&r, 1);
		obs[n].manager = db_int(&r, 2);
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		int64_t id = obs[i].id, from = obs[i].manager, to;
		if (wf_manager_of(db, obs[i].user, &to)) {
			failed = 1;
			break;
		}
		if (to == from)
			continue;
		/* Nobody left to ask: the security office (offboarding.manage) finishes it. */
		json_t *data = json_pack(
			"{s:o,s:o,s:s}", "from", from ? json_integer(from) : json_null(), "to",
			to ? json_integer(to) : json_null(), "reason", "reporting_line");
		failed =
			db_exec(db,
				"UPDATE offboardings SET manager_id = ?, updated_at = ?, version = "
				"version + 1 WHERE id = ?",
				P(V_ID(to), V_INT(now_unix()), V_INT(id))) ||
			wf_event_add(db, "offboarding", id, who, "reassigned", NULL, NULL, false,
				     NULL, data) ||
			audit_append(db, who, "offboarding.reassign", "offboarding", id, data);
		json_decref(data);
	}
	free(obs);
	return failed ? -1 : 0;
}

enum status offboarding_move(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
			     struct ferrors *fe)
{
	struct wf_request r = { .to = json_string_value(json_object_get(in, "to")),
				.version = json_integer_value(json_object_get(in, "version")),
				.comment = json_string_value(json_object_get(in, "comment")),
				.in = in,
				.field = "to" };
	return wf_move(NULL, db, &offboarding_workflow, by, id, &r, fe);
}

/* --- the job ------------------------------------------------------------------------------ */

/* People who left lately — their end date passed, or their account was disabled for a reason
 * other than being unused — get their list, once. */
int access_job(struct app *app, struct db *db)
{
	struct dbrows r;
	char today[11], since[11];
	int64_t *ids = NULL;
	char(*dates)[11] = NULL;
	size_t n = 0, cap = 0;
	(void)app;
	tz_today(today);
	date_add(today, -90, since);
	if (db_query(
		    db, &r,
		    "SELECT u.id, COALESCE(u.valid_until, ?) FROM users u WHERE NOT EXISTS (SELECT "
		    "1 "
		    "FROM offboardings o WHERE o.user_id = u.id) AND ((u.valid_until IS NOT NULL "
		    "AND u.valid_until < ? AND u.valid_until >= ?) OR (u.status = 'disabled' AND "
		    "COALESCE(u.disabled_reason, '') <> 'idle' AND u.updated_at >= ?)) ORDER BY "
		    "u.id",
		    P(V_TEXT(today), V_TEXT(today), V_TEXT(since), V_INT(now_unix() - 90 * 86400))))
		return -1;
	while (db_next(&r)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
			dates = xrealloc(dates, cap * sizeof(*dates));
		}
		ids[n] = db_int(&r, 0);
		snprintf(dates[n], sizeof(dates[n]), "%s", db_text(&r, 1));
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		struct ferrors fe = FERRORS_INIT;
		int64_t id;
		enum status st =
			offboarding_open(db, &job_actor, ids[i], dates[i], "left", &id, &fe);
		ferr_release(&fe);
		failed = st != ST_OK && st != ST_INVALID;
	}
	free(ids);
	free(dates);
	return failed ? -1 : 0;
}
