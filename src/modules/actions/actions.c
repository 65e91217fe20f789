/* actions.c — corrective and preventive actions: rules, SQL, history and audit. */
#include <string.h>

#include "actions.h"
#include "actions_impl.h"
#include "../../lib/jsonw.h"
#include "../../lib/timeutil.h"

static const char *const kinds[] = { "corrective", "preventive", NULL };

static bool in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* A source type is an identifier ([a-z_], 1–32): modules name their own. */
static bool source_type_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			return false;
	return true;
}

/* --- reading ------------------------------------------------------------------------------ */

const char action_list_head[] =
	"SELECT a.id, a.source_type, a.source_id, a.source_title, a.kind, a.title, a.cause, "
	"a.plan, a.owner_id, o.name, a.due_on, a.status, a.result, a.completed_at, "
	"a.effectiveness_due, a.effectiveness, a.effectiveness_note, a.checked_by, c.name, "
	"a.checked_at, a.created_by, cr.name, a.created_at, a.updated_at, a.version "
	"FROM actions a JOIN users o ON o.id = a.owner_id LEFT JOIN users c ON c.id = a.checked_by "
	"LEFT JOIN users cr ON cr.id = a.created_by";

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

bool action_is_open(const char *status)
{
	return !strcmp(status, "open") || !strcmp(status, "in_progress");
}

void action_write(struct jsonw *w, struct dbrows *r, const char *today)
{
	const char *status = db_text(r, 11), *due = db_text(r, 10);
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 0));
	jw_key(w, "source_type");
	jw_str(w, db_text(r, 1));
	jw_key(w, "source_id");
	if (db_isnull(r, 2))
		jw_null(w);
	else
		jw_int(w, db_int(r, 2));
	jw_key(w, "source_title");
	jw_str(w, db_text(r, 3));
	jw_key(w, "kind");
	jw_str(w, db_text(r, 4));
	jw_key(w, "title");
	jw_str(w, db_text(r, 5));
	jw_key(w, "cause");
	jw_str(w, db_text(r, 6));
	jw_key(w, "plan");
	jw_str(w, db_text(r, 7));
	jw_key(w, "owner");
	w_person(w, r, 8, 9);
	jw_key(w, "due_on");
	jw_str(w, due);
	jw_key(w, "status");
	jw_str(w, status);
	jw_key(w, "overdue");
	jw_bool(w, action_is_open(status) && strcmp(due, today) < 0);
	jw_key(w, "result");
	jw_str(w, db_text(r, 12));
	jw_key(w, "completed_at");
	w_time(w, r, 13);
	jw_key(w, "effectiveness_due");
	jw_str(w, db_text(r, 14));
	jw_key(w, "effectiveness");
	jw_str(w, db_text(r, 15));
	jw_key(w, "effectiveness_note");
	jw_str(w, db_text(r, 16));
	jw_key(w, "checked_by");
	w_person(w, r, 17, 18);
	jw_key(w, "checked_at");
	w_time(w, r, 19);
	jw_key(w, "created_by");
	w_person(w, r, 20, 21);
	jw_key(w, "created_at");
	w_time(w, r, 22);
	jw_key(w, "updated_at");
	w_time(w, r, 23);
	jw_key(w, "version");
	jw_int(w, db_int(r, 24));
	jw_object_end(w);
}

/* Runs `sql` (action_list_head + condition) and returns its rows as an array of actions. */
static json_t *actions_query(struct db *db, const char *sql, const struct dbval *p, size_t n)
{
	struct dbrows r;
	struct buf out = BUF_INIT;
	struct jsonw w;
	char today[11];
	json_t *items = NULL;
	tz_today(today);
	if (db_query(db, &r, sql, p, n))
		return NULL;
	jw_init(&w, &out);
	jw_array(&w);
	while (db_next(&r))
		action_write(&w, &r, today);
	jw_array_end(&w);
	if (!r.failed)
		items = json_loadb(out.buf, out.len, 0, NULL);
	db_rows_free(&r);
	buf_release(&out);
	return items;
}

json_t *actions_of_source(struct db *db, const char *source_type, int64_t source_id)
{
	struct buf q = BUF_INIT;
	buf_adds(&q, action_list_head);
	buf_adds(&q, " WHERE a.source_type = ? AND a.source_id = ? ORDER BY a.id");
	json_t *items = actions_query(db, q.buf, P(V_TEXT(source_type), V_INT(source_id)));
	buf_release(&q);
	return items;
}

/* A timeline entry in the shape actions have always shown: the comment is the "note". */
static void history_entry(json_t *e, int64_t actor_id, void *arg)
{
	(void)actor_id;
	(void)arg;
	json_object_set(e, "note", json_object_get(e, "body"));
	json_object_del(e, "body");
	json_object_del(e, "internal");
	json_object_del(e, "data");
}

static json_t *action_history(struct db *db, int64_t id)
{
	return wf_timeline(db, "action", id, true, history_entry, NULL);
}

/* The action without its history. */
static json_t *action_plain(struct db *db, int64_t id)
{
	struct buf q = BUF_INIT;
	buf_adds(&q, action_list_head);
	buf_adds(&q, " WHERE a.id = ?");
	json_t *items = actions_query(db, q.buf, P(V_INT(id)));
	buf_release(&q);
	json_t *a = items && json_array_size(items) ? json_incref(json_array_get(items, 0)) : NULL;
	json_decref(items);
	return a;
}

json_t *action_json(struct db *db, int64_t id)
{
	json_t *a = action_plain(db, id);
	if (!a)
		return NULL;
	json_t *h = action_history(db, id);
	if (!h) {
		json_decref(a);
		return NULL;
	}
	json_object_set_new(a, "history", h);
	return a;
}

/* --- writing ------------------------------------------------------------------------------ */

static int add_event(struct db *db, const struct actor *who, int64_t id, const char *kind,
		     const char *from, const char *to, const char *note)
{
	return wf_event_add(db, "action", id, who, kind, from, to, false,
			    note && *note ? note : NULL, NULL);
}

/* An active user? Adds a field error otherwise. -1 on database error. */
static int check_owner(struct db *db, int64_t owner_id, struct ferrors *fe)
{
	int64_t one;
	bool found;
	if (owner_id <= 0) {
		ferr_add(fe, "owner_id", "required", "Choose who owns the action.");
		return 0;
	}
	if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
			 P(V_INT(owner_id))))
		return -1;
	if (!found)
		ferr_add(fe, "owner_id", "not_found", "There is no such active user.");
	return 0;
}

static size_t text_len(const char *s)
{
	return s ? utf8_len(s, strlen(s)) : 0;
}

enum status action_open_tx(struct db *db, const struct actor *who, const struct action_new *a,
			   int64_t *id, struct ferrors *fe)
{
	const char *kind = a->kind ? a->kind : "corrective";
	if (!source_type_valid(a->source_type))
		ferr_add(fe, "source_type", "invalid_choice", "Not a source type.");
	if (!in_list(kinds, kind))
		ferr_add(fe, "kind", "invalid_choice", "Corrective or preventive.");
	if (!a->title || !*a->title)
		ferr_add(fe, "title", "required", "Say what will be done.");
	else if (text_len(a->title) > 200)
		ferr_add(fe, "title", "too_long", "At most 200 characters.");
	if (!a->due_on)
		ferr_add(fe, "due_on", "required", "Give a due date.");
	else if (!date_valid(a->due_on))
		ferr_add(fe, "due_on", "invalid_date", "Must be a real date as YYYY-MM-DD.");
	if (a->effectiveness_due && !date_valid(a->effectiveness_due))
		ferr_add(fe, "effectiveness_due", "invalid_date",
			 "Must be a real date as YYYY-MM-DD.");
	if (check_owner(db, a->owner_id, fe))
		return ST_DB;
	if (ferr_any(fe))
		return ST_INVALID;
	int64_t now = now_unix();
	if (db_insert(db, id,
		      "INSERT INTO actions (source_type, source_id, source_title, kind, title, "
		      "cause, "
		      "plan, owner_id, due_on, effectiveness_due, created_by, created_at, "
		      "updated_at) "
		      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		      P(V_TEXT(a->source_type), V_ID(a->source_id), V_TEXT(a->source_title),
			V_TEXT(kind), V_TEXT(a->title), V_TEXT(a->cause ? a->cause : ""),
			V_TEXT(a->plan ? a->plan : ""), V_INT(a->owner_id), V_TEXT(a->due_on),
			V_TEXT(a->effectiveness_due), V_ID(who->id), V_INT(now), V_INT(now))))
		return ST_DB;
	if (add_event(db, who, *id, "created", NULL, "open", NULL))
		return ST_DB;
	json_t *sum = json_pack(
		"{s:s,s:o,s:s,s:s,s:I,s:s}", "source_type", a->source_type, "source_id",
		a->source_id ? json_integer(a->source_id) : json_null(), "kind", kind, "title",
		a->title, "owner_id", (json_int_t)a->owner_id, "due_on", a->due_on);
	int rc = audit_append(db, who, "action.create", "action", *id, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

struct open_op {
	const struct actor *who;
	const struct action_new *a;
	int64_t id;
	struct ferrors *fe;
};

static enum status open_fn(struct db *db, void *arg)
{
	struct open_op *o = arg;
	ferr_release(o->fe);
	return action_open_tx(db, o->who, o->a, &o->id, o->fe);
}

enum status action_open(struct db *db, const struct actor *who, const struct action_new *a,
			int64_t *id, struct ferrors *fe)
{
	struct open_op o = { who, a, 0, fe };
	enum status st = db_tx_st(db, open_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

/* What an audit summary keeps of an action (no history, no names). */
static json_t *audit_view(json_t *a)
{
	static const char *const keys[] = {
		"kind",         "title", "cause", "plan", "due_on", "status", "effectiveness_due",
		"effectiveness"
	};
	json_t *o = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *v = json_object_get(a, keys[i]);
		if (v)
			json_object_set(o, keys[i], v);
	}
	json_t *owner = json_object_get(a, "owner");
	json_object_set_new(o, "owner_id",
			    json_is_object(owner) ? json_incref(json_object_get(owner, "id"))
						  : json_null());
	return o;
}

/* An edit of an action's fields. */
struct change {
	const struct actor *who;
	int64_t id;
	json_t *patch;
	struct ferrors *fe;
};

static enum status update_fn(struct db *db, void *arg)
{
	struct change *c = arg;
	json_t *v, *before = NULL, *after = NULL;
	char lock[48];
	enum status st = ST_DB;
	ferr_release(c->fe);
	/* One change at a time per action (the engine takes the same lock for moves). */
	snprintf(lock, sizeof(lock), "action:%lld", (long long)c->id);
	if (db_lock(db, lock))
		return ST_DB;
	before = action_plain(db, c->id);
	if (!before)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	const char *status = json_string_value(json_object_get(before, "status"));
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(c->patch, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	if (!strcmp(status, "closed") || !strcmp(status, "cancelled")) {
		c->fe->code = "action_finished";
		c->fe->detail =
			"A closed or cancelled action cannot be edited; open it again first.";
		st = ST_FORBIDDEN;
		goto out;
	}
	if ((v = json_object_get(c->patch, "owner_id")) &&
	    check_owner(db, json_integer_value(v), c->fe))
		goto out;
	if (ferr_any(c->fe)) {
		st = ST_INVALID;
		goto out;
	}
	static const struct {
		const char *field, *sql;
	} cols[] = {
		{ "title", "UPDATE actions SET title = ? WHERE id = ?" },
		{ "cause", "UPDATE actions SET cause = ? WHERE id = ?" },
		{ "plan", "UPDATE actions SET plan = ? WHERE id = ?" },
		{ "kind", "UPDATE actions SET kind = ? WHERE id = ?" },
		{ "due_on", "UPDATE actions SET due_on = ? WHERE id = ?" },
		{ "effectiveness_due", "UPDATE actions SET effectiveness_due = ? WHERE id = ?" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		if ((v = json_object_get(c->patch, cols[i].field)) &&
		    db_exec(db, cols[i].sql, P(V_TEXT(json_string_value(v)), V_INT(c->id))))
			goto out;
	if ((v = json_object_get(c->patch, "owner_id")) &&
	    db_exec(db, "UPDATE actions SET owner_id = ? WHERE id = ?",
		    P(V_INT(json_integer_value(v)), V_INT(c->id))))
		goto out;
	if (add_event(db, c->who, c->id, "updated", NULL, NULL, NULL) ||
	    db_exec(db, "UPDATE actions SET updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(c->id))) ||
	    !(after = action_plain(db, c->id)))
		goto out;
	json_t *b = audit_view(before), *a = audit_view(after);
	int rc = audit_change(db, c->who, "action.update", "action", c->id, b, a);
	json_decref(b);
	json_decref(a);
	st = rc ? ST_DB : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	return st;
}

enum status action_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe)
{
	struct change c = { who, id, patch, fe };
	return db_tx_st(db, update_fn, &c);
}

/* --- the workflow ------------------------------------------------------------------------ */

static json_t *snapshot(struct db *db, int64_t id)
{
	json_t *a = action_plain(db, id);
	if (!a)
		return NULL;
	json_t *v = audit_view(a);
	json_decref(a);
	return v;
}

/* done: what was done is the comment. */
static int record_result(struct wf_ctx *c)
{
	return db_exec(c->db, "UPDATE actions SET result = ?, completed_at = ? WHERE id = ?",
		       P(V_TEXT(c->comment), V_INT(now_unix()), V_INT(c->id)));
}

/* The effectiveness check (有効性の確認): who, when, what was found. */
static int record_check(struct wf_ctx *c)
{
	bool effective = !strcmp(c->t->to, "closed");
	if (db_exec(c->db,
		    "UPDATE actions SET effectiveness = ?, effectiveness_note = ?, checked_by = ?, "
		    "checked_at = ? WHERE id = ?",
		    P(V_TEXT(effective ? "effective" : "not_effective"), V_TEXT(c->comment),
		      V_ID(c->by->actor->id), V_INT(now_unix()), V_INT(c->id))))
		return -1;
	if (effective)
		return 0;
	return db_exec(
		c->db, "UPDATE actions SET due_on = ? WHERE id = ?",
		P(V_TEXT(json_string_value(json_object_get(c->in, "due_on"))), V_INT(c->id)));
}

/* Not effective: the rework needs a new due date, not in the past. */
static int rework_due(struct wf_ctx *c)
{
	const char *due = json_string_value(json_object_get(c->in, "due_on"));
	char today[11];
	tz_today(today);
	if (!due)
		ferr_add(c->fe, "due_on", "required", "Give a new due date for the rework.");
	else if (strcmp(due, today) < 0)
		ferr_add(c->fe, "due_on", "out_of_range", "The new due date is in the past.");
	return 0;
}

#define OWNER_OR_OFFICE WF_ASSIGNEE | WF_PERM, "actions.write"
#define CHECK                                                                                      \
	.not_by = WF_ASSIGNEE, .self_field = "result", .self_code = "own_action",                  \
	.self_message = "Someone other than the owner checks whether the action worked.",          \
	.group = "effectiveness", .flags = WF_COMMENT_REQUIRED | WF_AUDIT_COMMENT,                 \
	.comment_message = "Say what was checked and what was found.",                             \
	.event = "action.effectiveness"

static const struct wf_transition moves[] = {
	{ "open", "in_progress", OWNER_OR_OFFICE },
	{ "open in_progress", "done", OWNER_OR_OFFICE,
	  .flags = WF_COMMENT_REQUIRED | WF_AUDIT_COMMENT, .comment_message = "Say what was done.",
	  .apply = record_result },
	{ "in_progress", "open", OWNER_OR_OFFICE },
	{ "open in_progress", "cancelled", WF_PERM, "actions.write",
	  .flags = WF_COMMENT_REQUIRED | WF_AUDIT_COMMENT,
	  .comment_message = "Say why it is cancelled." },
	{ "cancelled", "open", WF_PERM, "actions.write" },
	/* The effectiveness check: effective closes it, not effective sends it back. */
	{ "done", "closed", WF_PERM, "actions.write", CHECK, .apply = record_check,
	  .timeline_kind = "effective" },
	{ "done", "open", WF_PERM, "actions.write", CHECK, .guard = rework_due,
	  .apply = record_check, .timeline_kind = "not_effective" },
	{ 0 },
};

const struct workflow action_workflow = {
	.type = "action",
	.table = "actions",
	.assignee_col = "owner_id",
	.transitions = moves,
	.event = "action.status",
	.forbidden_code = "not_owner",
	.forbidden_detail = "Only the action's owner or the security office may do this.",
	.snapshot = snapshot,
};

enum status action_set_status(struct db *db, const struct wf_actor *by, int64_t id, int64_t version,
			      const char *to, const char *note, struct ferrors *fe)
{
	struct wf_request r = { .to = to,
				.version = version,
				.comment = note,
				.field = "status",
				.comment_field = "note" };
	return wf_move(NULL, db, &action_workflow, by, id, &r, fe);
}

enum status action_check(struct db *db, const struct wf_actor *by, int64_t id, int64_t version,
			 const char *result, const char *note, json_t *in, struct ferrors *fe)
{
	struct wf_request r = { .to = !strcmp(result, "effective") ? "closed" : "open",
				.version = version,
				.group = "effectiveness",
				.comment = note,
				.in = in,
				.field = "result",
				.invalid_code = "not_done",
				.comment_field = "note" };
	return wf_move(NULL, db, &action_workflow, by, id, &r, fe);
}
