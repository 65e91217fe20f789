/* media.c — requests to use removable media (外部記憶媒体の利用申請): only registered company
 * media, approved by the manager (and the privacy officer for the most protected personal
 * information), closing themselves when their period ends. */
#include <string.h>

#include "devices_impl.h"
#include "../../lib/timeutil.h"

/* --- reading ------------------------------------------------------------------------------ */

#define MEDIA_SELECT                                                                               \
	"SELECT m.id, m.requester_id, u.name, m.department_id, dp.name, m.device_id, "             \
	"d.asset_tag, "                                                                            \
	"d.kind, d.model, m.purpose, m.data_description, m.classification_id, k.label_ja, "        \
	"k.label_en, k.position, (SELECT MAX(position) FROM asset_classifications), "              \
	"m.personal_info, m.encrypted, m.password_protected, m.starts_on, m.ends_on, "             \
	"m.privacy_review, m.status, m.finished_at, m.finish_note, m.created_at, m.updated_at, "   \
	"m.version FROM media_requests m JOIN users u ON u.id = m.requester_id "                   \
	"LEFT JOIN departments dp ON dp.id = m.department_id "                                     \
	"JOIN devices d ON d.id = m.device_id "                                                    \
	"JOIN asset_classifications k ON k.id = m.classification_id"

static json_t *media_row(struct dbrows *r, const void *arg)
{
	const char *today = arg, *status = db_text(r, 22);
	const char *starts = db_text(r, 19), *ends = db_text(r, 20);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, 0)));
	json_object_set_new(o, "requester", dev_person(r, 1, 2));
	json_object_set_new(o, "department_id", dev_int(r, 3));
	json_object_set_new(o, "department_name", dev_text(r, 4));
	json_object_set_new(o, "device",
			    json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_int(r, 5),
				      "asset_tag", db_text(r, 6), "kind", db_text(r, 7), "model",
				      db_text(r, 8)));
	json_object_set_new(o, "purpose", json_string(db_text(r, 9)));
	json_object_set_new(o, "data_description", json_string(db_text(r, 10)));
	json_object_set_new(o, "classification",
			    json_pack("{s:I,s:s,s:s,s:I,s:b}", "id", (json_int_t)db_int(r, 11),
				      "label_ja", db_text(r, 12), "label_en", db_text(r, 13),
				      "position", (json_int_t)db_int(r, 14), "encryption_required",
				      db_int(r, 14) < db_int(r, 15)));
	json_object_set_new(o, "personal_info", json_boolean(db_int(r, 16)));
	json_object_set_new(o, "encrypted", json_boolean(db_int(r, 17)));
	json_object_set_new(o, "password_protected", json_boolean(db_int(r, 18)));
	json_object_set_new(o, "starts_on", json_string(starts));
	json_object_set_new(o, "ends_on", json_string(ends));
	json_object_set_new(o, "privacy_review", json_boolean(db_int(r, 21)));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "in_use",
			    json_boolean(!strcmp(status, "approved") &&
					 strcmp(starts, today) <= 0 && strcmp(ends, today) >= 0));
	json_object_set_new(o, "finished_at", dev_time(r, 23));
	json_object_set_new(o, "finish_note", dev_text(r, 24));
	json_object_set_new(o, "created_at", dev_time(r, 25));
	json_object_set_new(o, "updated_at", dev_time(r, 26));
	json_object_set_new(o, "version", json_integer(db_int(r, 27)));
	return o;
}

static json_t *media_plain(struct db *db, const struct dev_scope *scope, int64_t id)
{
	struct query q;
	struct dbrows r;
	char today[11];
	json_t *o = NULL;
	tz_today(today);
	query_init(&q, MEDIA_SELECT);
	query_add(&q, "WHERE m.id = ?", P(V_INT(id)));
	dev_scope_media(&q, scope);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return NULL;
	if (db_next(&r))
		o = media_row(&r, today);
	db_rows_free(&r);
	return o;
}

json_t *media_json(struct db *db, const struct dev_scope *scope, const struct wf_actor *viewer,
		   int64_t id, bool full)
{
	json_t *o = media_plain(db, scope, id);
	if (!o || !full)
		return o;
	json_t *moves = wf_allowed(db, &media_workflow, viewer, id);
	json_t *approval =
		approval_of_record(db, "media_request", id, viewer->actor->id, viewer->perms);
	json_t *timeline = wf_timeline(db, "media_request", id, false, NULL, NULL);
	if (!moves || !approval || !timeline) {
		json_decref(moves);
		json_decref(approval);
		json_decref(timeline);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "allowed_transitions", moves);
	json_object_set_new(o, "approval", approval);
	json_object_set_new(o, "timeline", timeline);
	return o;
}

int media_list(struct db *db, const struct dev_scope *scope, const struct media_filter *f,
	       int64_t cursor, int64_t limit, json_t **items, int64_t *next)
{
	struct query q;
	struct dbrows r;
	char today[11];
	tz_today(today);
	query_init(&q, MEDIA_SELECT);
	query_add(&q, "WHERE 1 = 1", NULL, 0);
	dev_scope_media(&q, scope);
	if (f->status && *f->status)
		query_add(&q, "AND m.status = ?", P(V_TEXT(f->status)));
	if (f->device_id)
		query_add(&q, "AND m.device_id = ?", P(V_INT(f->device_id)));
	if (f->department_id)
		query_add(&q, "AND m.department_id = ?", P(V_INT(f->department_id)));
	if (f->privacy)
		query_add(&q, "AND m.privacy_review = 1", NULL, 0);
	if (cursor)
		query_add(&q, "AND m.id < ?", P(V_INT(cursor)));
	if (limit)
		query_add(&q, "ORDER BY m.id DESC LIMIT ?", P(V_INT(limit + 1)));
	else
		query_add(&q, "ORDER BY m.id DESC", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	rc = reg_collect(&r, limit, media_row, today, items, next);
	db_rows_free(&r);
	return rc;
}

/* --- the workflow ------------------------------------------------------------------------- */

static json_t *snapshot(struct db *db, int64_t id)
{
	json_t *o = media_plain(db, &dev_scope_everything, id);
	if (!o)
		return NULL;
	json_t *v = json_pack(
		"{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "status",
		json_object_get(o, "status"), "device_id",
		json_object_get(json_object_get(o, "device"), "id"), "purpose",
		json_object_get(o, "purpose"), "data_description",
		json_object_get(o, "data_description"), "classification_id",
		json_object_get(json_object_get(o, "classification"), "id"), "personal_info",
		json_object_get(o, "personal_info"), "encrypted", json_object_get(o, "encrypted"),
		"password_protected", json_object_get(o, "password_protected"), "starts_on",
		json_object_get(o, "starts_on"), "ends_on", json_object_get(o, "ends_on"),
		"privacy_review", json_object_get(o, "privacy_review"));
	json_decref(o);
	return v;
}

/* Opens the approval: the manager, then the privacy officer when the request needs it. */
static enum status open_approval(struct db *db, const struct actor *who, int64_t id,
				 struct ferrors *fe)
{
	static const struct approval_step_spec chain[] = {
		{ APPROVER_MANAGER },
		{ APPROVER_PERMISSION, "media.privacy" },
	};
	struct dbrows r;
	char title[200] = "", starts[11] = "";
	int64_t requester = 0;
	bool privacy = false;
	if (db_query(db, &r,
		     "SELECT m.requester_id, d.asset_tag, m.starts_on, m.ends_on, m.privacy_review "
		     "FROM media_requests m JOIN devices d ON d.id = m.device_id WHERE m.id = ?",
		     P(V_INT(id))))
		return ST_DB;
	if (db_next(&r)) {
		requester = db_int(&r, 0);
		snprintf(title, sizeof(title), "外部記憶媒体の利用 %s（%s〜%s）", db_text(&r, 1),
			 db_text(&r, 2), db_text(&r, 3));
		snprintf(starts, sizeof(starts), "%s", db_text(&r, 2));
		privacy = db_int(&r, 4) != 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !requester)
		return ST_DB;
	int64_t approval_id;
	return approval_open_tx(db, who, &devices_approvals[1], id, requester, title, chain,
				privacy ? 2 : 1, starts, &approval_id, fe);
}

static int resubmit(struct wf_ctx *c)
{
	return open_approval(c->db, c->by->actor, c->id, c->fe) == ST_OK ? 0 : -1;
}

static int record_finish(struct wf_ctx *c)
{
	return db_exec(c->db,
		       "UPDATE media_requests SET finished_at = ?, finish_note = ? WHERE id = ?",
		       P(V_INT(now_unix()), V_TEXT(c->comment ? c->comment : ""), V_INT(c->id)));
}

static const struct wf_transition moves[] = {
	{ "submitted", "approved", WF_SYSTEM },
	{ "submitted", "rejected", WF_SYSTEM },
	{ "submitted", "sent_back", WF_SYSTEM },
	{ "submitted", "withdrawn", WF_SYSTEM },
	{ "sent_back", "submitted", WF_REQUESTER, .apply = resubmit },
	{ "sent_back", "withdrawn", WF_REQUESTER },
	/* The use is over: the medium is back (its data erased), said by the requester or the
	 * register's keepers. */
	{ "approved", "finished", WF_REQUESTER | WF_PERM, "devices.write", .apply = record_finish },
	/* The period has ended: the job closes it. */
	{ "approved", "expired", WF_SYSTEM },
	{ 0 },
};

const struct workflow media_workflow = {
	.type = "media_request",
	.table = "media_requests",
	.requester_col = "requester_id",
	.transitions = moves,
	.event = "media_request.transition",
	.forbidden_code = "not_allowed",
	.forbidden_detail = "Only the requester may do this.",
	.snapshot = snapshot,
};

enum status media_decided(struct app *app, struct db *db, const struct actor *who, int64_t id,
			  const char *outcome, const char *comment, struct ferrors *fe)
{
	struct wf_actor by = { .actor = who, .system = true };
	struct wf_request r = { .to = outcome, .comment = comment };
	return wf_move_tx(app, db, &media_workflow, &by, id, &r, fe);
}

/* --- asking ------------------------------------------------------------------------------- */

/* The rules of a request `rec` (id 0: a new one): a registered medium still usable, a
 * classification level, encryption above the lowest level, the period, and no other request
 * for the same medium in an overlapping period. Sets privacy_review on `rec`. */
static int check_request(struct db *db, json_t *rec, int64_t id, struct ferrors *fe)
{
	char today[11];
	struct device_brief b;
	struct dbrows r;
	tz_today(today);
	int64_t device = json_integer_value(json_object_get(rec, "device_id"));
	int rc = device_brief_locked(db, device, &b);
	if (rc < 0)
		return -1;
	if (rc)
		ferr_add(fe, "device_id", "not_found", "There is no such device.");
	else if (!device_kind_is_media(b.kind))
		ferr_add(fe, "device_id", "not_media",
			 "Choose a registered USB memory, external disk or SD card.");
	else if (!strcmp(b.status, "disposed") || !strcmp(b.status, "lost"))
		ferr_add(fe, "device_id", b.status, "This medium can no longer be used.");
	if (db_query(db, &r,
		     "SELECT position, (SELECT MAX(position) FROM asset_classifications) FROM "
		     "asset_classifications WHERE id = ?",
		     P(V_INT(json_integer_value(json_object_get(rec, "classification_id"))))))
		return -1;
	bool found = db_next(&r);
	int64_t position = found ? db_int(&r, 0) : 0, lowest = found ? db_int(&r, 1) : 0;
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	if (!found)
		ferr_add(fe, "classification_id", "not_found",
			 "There is no such classification level.");
	else if (position < lowest && !json_is_true(json_object_get(rec, "encrypted")))
		ferr_add(fe, "encrypted", "encryption_required",
			 "Data above the lowest classification level must be encrypted.");
	json_object_set_new(rec, "privacy_review",
			    json_boolean(found && position == 1 &&
					 json_is_true(json_object_get(rec, "personal_info"))));
	const char *start = json_string_value(json_object_get(rec, "starts_on"));
	const char *end = json_string_value(json_object_get(rec, "ends_on"));
	if (strcmp(start, today) < 0)
		ferr_add(fe, "starts_on", "out_of_range", "The use cannot start in the past.");
	if (strcmp(end, start) < 0)
		ferr_add(fe, "ends_on", "out_of_range", "The end is before the start.");
	if (!ferr_any(fe)) {
		int64_t other;
		if (db_query_int(
			    db, &other, &found,
			    "SELECT id FROM media_requests WHERE device_id = ? AND id <> ? AND "
			    "status IN ('submitted', 'approved') AND starts_on <= ? AND ends_on "
			    ">= ?",
			    P(V_INT(device), V_INT(id), V_TEXT(end), V_TEXT(start))))
			return -1;
		if (found)
			ferr_add(fe, "device_id", "booked",
				 "The medium is asked for by someone else in this period.");
	}
	return 0;
}

#define BOOL_OF(rec, k) V_BOOL(json_is_true(json_object_get(rec, k)))
#define TEXT_OF(rec, k) V_TEXT(json_string_value(json_object_get(rec, k)))

struct create_op {
	const struct wf_actor *by;
	json_t *in;
	int64_t id;
	struct ferrors *fe;
};

static enum status create_fn(struct db *db, void *arg)
{
	struct create_op *o = arg;
	const struct actor *who = o->by->actor;
	json_t *rec = json_deep_copy(o->in);
	enum status st = ST_DB;
	int64_t dept = 0;
	bool found;
	ferr_release(o->fe);
	if (check_request(db, rec, 0, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	if (db_query_int(db, &dept, &found, "SELECT department_id FROM users WHERE id = ?",
			 P(V_INT(who->id))))
		goto out;
	int64_t now = now_unix();
	if (db_insert(
		    db, &o->id,
		    "INSERT INTO media_requests (requester_id, department_id, device_id, purpose, "
		    "data_description, classification_id, personal_info, encrypted, "
		    "password_protected, starts_on, ends_on, privacy_review, created_at, "
		    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_INT(who->id), V_ID(dept),
		      V_INT(json_integer_value(json_object_get(rec, "device_id"))),
		      TEXT_OF(rec, "purpose"), TEXT_OF(rec, "data_description"),
		      V_INT(json_integer_value(json_object_get(rec, "classification_id"))),
		      BOOL_OF(rec, "personal_info"), BOOL_OF(rec, "encrypted"),
		      BOOL_OF(rec, "password_protected"), TEXT_OF(rec, "starts_on"),
		      TEXT_OF(rec, "ends_on"), BOOL_OF(rec, "privacy_review"), V_INT(now),
		      V_INT(now))) ||
	    wf_event_add(db, "media_request", o->id, who, "created", NULL, "submitted", false, NULL,
			 NULL))
		goto out;
	json_t *after = snapshot(db, o->id);
	if (!after)
		goto out;
	int rc = audit_change(db, who, "media_request.create", "media_request", o->id, NULL, after);
	json_decref(after);
	if (rc)
		goto out;
	st = open_approval(db, who, o->id, o->fe);
out:
	json_decref(rec);
	return st;
}

enum status media_create(struct db *db, const struct wf_actor *by, json_t *in, int64_t *id,
			 struct ferrors *fe)
{
	struct create_op o = { by, in, 0, fe };
	enum status st = db_tx_st(db, create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

struct update_op {
	const struct wf_actor *by;
	const struct dev_scope *scope;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

static enum status update_fn(struct db *db, void *arg)
{
	struct update_op *o = arg;
	char lock[48];
	enum status st = ST_DB;
	json_t *after = NULL, *rec = NULL;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "media_request:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	json_t *cur = media_plain(db, o->scope, o->id);
	if (!cur)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	json_t *before = snapshot(db, o->id);
	if (!before)
		goto out;
	if (json_integer_value(json_object_get(cur, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	if (json_integer_value(json_object_get(json_object_get(cur, "requester"), "id")) !=
	    o->by->actor->id) {
		o->fe->code = "not_allowed";
		o->fe->detail = "Only the requester may change the request.";
		st = ST_FORBIDDEN;
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(cur, "status")), "sent_back")) {
		o->fe->code = "not_editable";
		o->fe->detail = "Only a request that was sent back can be changed.";
		st = ST_CONFLICT;
		goto out;
	}
	rec = json_deep_copy(before);
	const char *key;
	json_t *v;
	json_object_foreach(o->in, key, v)
	{
		if (strcmp(key, "version"))
			json_object_set(rec, key, v);
	}
	if (check_request(db, rec, o->id, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	if (db_exec(db,
		    "UPDATE media_requests SET device_id = ?, purpose = ?, data_description = ?, "
		    "classification_id = ?, personal_info = ?, encrypted = ?, password_protected = "
		    "?, starts_on = ?, ends_on = ?, privacy_review = ?, updated_at = ?, version = "
		    "version + 1 WHERE id = ?",
		    P(V_INT(json_integer_value(json_object_get(rec, "device_id"))),
		      TEXT_OF(rec, "purpose"), TEXT_OF(rec, "data_description"),
		      V_INT(json_integer_value(json_object_get(rec, "classification_id"))),
		      BOOL_OF(rec, "personal_info"), BOOL_OF(rec, "encrypted"),
		      BOOL_OF(rec, "password_protected"), TEXT_OF(rec, "starts_on"),
		      TEXT_OF(rec, "ends_on"), BOOL_OF(rec, "privacy_review"), V_INT(now_unix()),
		      V_INT(o->id))) ||
	    wf_event_add(db, "media_request", o->id, o->by->actor, "updated", NULL, NULL, false,
			 NULL, NULL) ||
	    !(after = snapshot(db, o->id)))
		goto out;
	st = audit_change(db, o->by->actor, "media_request.update", "media_request", o->id, before,
			  after)
		     ? ST_DB
		     : ST_OK;
out:
	json_decref(cur);
	json_decref(before);
	json_decref(after);
	json_decref(rec);
	return st;
}

enum status media_update(struct db *db, const struct wf_actor *by, const struct dev_scope *scope,
			 int64_t id, json_t *patch, struct ferrors *fe)
{
	struct update_op o = { by, scope, id, patch, fe };
	return db_tx_st(db, update_fn, &o);
}

struct move_op {
	const struct wf_actor *by;
	const struct dev_scope *scope;
	int64_t id;
	struct wf_request r;
	struct ferrors *fe;
};

static enum status move_fn(struct db *db, void *arg)
{
	struct move_op *o = arg;
	ferr_release(o->fe);
	json_t *cur = media_plain(db, o->scope, o->id);
	if (!cur)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	json_decref(cur);
	return wf_move_tx(NULL, db, &media_workflow, o->by, o->id, &o->r, o->fe);
}

enum status media_move(struct db *db, const struct wf_actor *by, const struct dev_scope *scope,
		       int64_t id, const char *to, const char *comment, int64_t version,
		       struct ferrors *fe)
{
	struct move_op o = { by,
			     scope,
			     id,
			     { .to = to, .version = version, .comment = comment, .field = "to" },
			     fe };
	return db_tx_st(db, move_fn, &o);
}

/* --- closing by themselves ---------------------------------------------------------------- */

int media_expire(struct db *db, const char *today)
{
	static const struct actor job = { 0, NULL, "job" };
	static const struct wf_actor by = { .actor = &job, .system = true };
	struct dbrows r;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	if (db_query(db, &r,
		     "SELECT id FROM media_requests WHERE status = 'approved' AND ends_on < ? "
		     "ORDER BY id LIMIT 1000",
		     P(V_TEXT(today))))
		return -1;
	while (db_next(&r)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = db_int(&r, 0);
	}
	int failed = r.failed, done = 0;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		struct ferrors fe = FERRORS_INIT;
		struct wf_request req = { .to = "expired" };
		enum status st = wf_move(NULL, db, &media_workflow, &by, ids[i], &req, &fe);
		ferr_release(&fe);
		if (st == ST_OK)
			done++;
		else if (st != ST_CONFLICT && st != ST_INVALID)
			failed = 1; /* moved by someone else meanwhile: not a failure */
	}
	free(ids);
	return failed ? -1 : done;
}
