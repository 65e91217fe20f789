/* policies.c — policy documents, their versions, the approval chain and publication. */
#include <stdlib.h>
#include <string.h>

#include "policies.h"
#include "internal.h"
#include "../training/training.h"
#include "../../store/files.h"
#include "../../lib/log.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

const char *const policy_categories[] = {
	"basic_policy", "privacy_policy", "standard", "procedure", "internal_rule", "pledge", NULL
};

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_t *time_json(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

static bool in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

bool policy_version_open(const char *status)
{
	return in_list((const char *const[]){ "draft", "submitted", "sent_back", "approved", NULL },
		       status);
}

/* --- reading ------------------------------------------------------------------------------ */

#define POLICY_COLS                                                                                \
	"p.id, p.code, p.category, p.title_ja, p.title_en, p.on_hire, p.on_exit, "                 \
	"p.hire_due_days, p.published_version_id, v.number, v.effective_on, v.published_at, "      \
	"v.format, p.created_at, p.updated_at, p.version, (SELECT o.id FROM policy_versions o "    \
	"WHERE o.policy_id = p.id AND o.status IN ('draft', 'submitted', 'sent_back', "            \
	"'approved') ORDER BY o.id DESC LIMIT 1), (SELECT o.status FROM policy_versions o WHERE "  \
	"o.policy_id = p.id AND o.status IN ('draft', 'submitted', 'sent_back', 'approved') "      \
	"ORDER BY o.id DESC LIMIT 1)"
#define POLICY_FROM " FROM policies p LEFT JOIN policy_versions v ON v.id = p.published_version_id"

static json_t *policy_row(struct dbrows *r, const struct policy_viewer *v)
{
	json_t *o = json_pack(
		"{s:I,s:s?,s:s,s:{s:s,s:s},s:b,s:b,s:I,s:o,s:o,s:o}", "id",
		(json_int_t)db_int(r, 0), "code", db_text(r, 1), "category", db_text(r, 2), "title",
		"ja", db_text(r, 3), "en", db_text(r, 4), "on_hire", (int)db_int(r, 5), "on_exit",
		(int)db_int(r, 6), "hire_due_days", (json_int_t)db_int(r, 7), "published",
		db_isnull(r, 8)
			? json_null()
			: json_pack("{s:I,s:I,s:s?,s:o,s:s}", "id", (json_int_t)db_int(r, 8),
				    "number", (json_int_t)db_int(r, 9), "effective_on",
				    db_text(r, 10), "published_at", time_json(r, 11), "format",
				    db_text(r, 12)),
		"created_at", time_json(r, 13), "updated_at", time_json(r, 14));
	json_object_set_new(o, "version", json_integer(db_int(r, 15)));
	if (v->manage || v->approve)
		json_object_set_new(o, "open_version",
				    db_isnull(r, 16) ? json_null()
						     : json_pack("{s:I,s:s}", "id",
								 (json_int_t)db_int(r, 16),
								 "status", db_text(r, 17)));
	return o;
}

json_t *policy_list(struct db *db, const char *category, const struct policy_viewer *v)
{
	struct query q;
	struct dbrows r;
	query_init(&q, "SELECT " POLICY_COLS POLICY_FROM " WHERE 1 = 1");
	if (!v->manage && !v->approve)
		query_add(&q, "AND p.published_version_id IS NOT NULL", NULL, 0);
	if (category && *category)
		query_add(&q, "AND p.category = ?", P(V_TEXT(category)));
	query_add(&q,
		  "ORDER BY CASE p.category WHEN 'basic_policy' THEN 1 WHEN 'privacy_policy' "
		  "THEN 2 WHEN 'standard' THEN 3 WHEN 'procedure' THEN 4 WHEN 'internal_rule' THEN "
		  "5 ELSE 6 END, p.title_ja, p.id",
		  NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, policy_row(&r, v));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return json_pack("{s:o}", "items", items);
}

json_t *policy_plain(struct db *db, int64_t id, const struct policy_viewer *v)
{
	struct dbrows r;
	if (db_query(db, &r, "SELECT " POLICY_COLS POLICY_FROM " WHERE p.id = ?", P(V_INT(id))))
		return NULL;
	json_t *o = db_next(&r) ? policy_row(&r, v) : NULL;
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The version's visible to `v`: published ones to everyone; the others to those who manage or
 * approve policies, who submitted it, and who may decide its approval. */
static int may_read(struct db *db, const struct policy_viewer *v, int64_t id, const char *status,
		    int64_t submitted_by, bool *ok)
{
	*ok = !strcmp(status, "published") || !strcmp(status, "superseded") || v->manage ||
	      v->approve || (submitted_by && submitted_by == v->user_id);
	if (*ok)
		return 0;
	int64_t aid;
	bool found;
	if (db_query_int(db, &aid, &found,
			 "SELECT id FROM approvals WHERE record_type = 'policy_version' AND "
			 "record_id = ? ORDER BY id DESC LIMIT 1",
			 P(V_INT(id))))
		return -1;
	if (!found)
		return 0;
	return approval_may_decide(db, aid, v->user_id, v->perms, ok);
}

static json_t *versions_of(struct db *db, int64_t policy_id, const struct policy_viewer *v)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT x.id, x.number, x.status, x.format, x.effective_on, x.published_at, "
		     "x.change_note, x.created_at, x.submitted_by FROM policy_versions x WHERE "
		     "x.policy_id = ? ORDER BY x.number DESC",
		     P(V_INT(policy_id))))
		return NULL;
	json_t *a = json_array();
	while (db_next(&r)) {
		const char *status = db_text(&r, 2);
		bool published = !strcmp(status, "published") || !strcmp(status, "superseded");
		if (!published && !v->manage && !v->approve &&
		    !(db_int(&r, 8) && db_int(&r, 8) == v->user_id))
			continue;
		json_array_append_new(a, json_pack("{s:I,s:I,s:s,s:s,s:s?,s:o,s:s,s:o}", "id",
						   (json_int_t)db_int(&r, 0), "number",
						   (json_int_t)db_int(&r, 1), "status", status,
						   "format", db_text(&r, 3), "effective_on",
						   db_text(&r, 4), "published_at", time_json(&r, 5),
						   "change_note", db_text(&r, 6), "created_at",
						   time_json(&r, 7)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* The rendered text of a version: {ja, en} trees (English falls back to Japanese). */
static json_t *rendered(const char *ja, const char *en)
{
	return json_pack("{s:o,s:o}", "ja", training_markdown(ja), "en",
			 training_markdown(en && *en ? en : ja));
}

json_t *policy_json(struct db *db, int64_t id, const struct policy_viewer *v)
{
	json_t *o = policy_plain(db, id, v);
	if (!o)
		return NULL;
	json_t *versions = versions_of(db, id, v);
	if (!versions) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "versions", versions);
	int64_t pub = json_integer_value(json_object_get(json_object_get(o, "published"), "id"));
	if (pub) {
		struct dbrows r;
		if (db_query(db, &r,
			     "SELECT body_ja, body_en, file_name, file_size FROM policy_versions "
			     "WHERE "
			     "id = ?",
			     P(V_INT(pub)))) {
			json_decref(o);
			return NULL;
		}
		if (db_next(&r)) {
			json_t *p = json_object_get(o, "published");
			json_object_set_new(p, "document",
					    rendered(db_text(&r, 0), db_text(&r, 1)));
			json_object_set_new(p, "file",
					    db_text(&r, 2)
						    ? json_pack("{s:s,s:I}", "name", db_text(&r, 2),
								"size", (json_int_t)db_int(&r, 3))
						    : json_null());
		}
		int failed = r.failed;
		db_rows_free(&r);
		if (failed) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *policy_version_json(struct db *db, int64_t id, const struct policy_viewer *v,
			    enum status *st)
{
	struct dbrows r;
	*st = ST_DB;
	if (db_query(
		    db, &r,
		    "SELECT x.id, x.policy_id, x.number, x.status, x.format, x.body_ja, x.body_en, "
		    "x.file_hash, x.file_name, x.file_size, x.change_note, x.effective_on, "
		    "x.submitted_by, s.name, x.submitted_at, x.approved_at, x.published_at, "
		    "x.created_at, x.updated_at, x.version, p.title_ja, p.title_en, p.category, "
		    "x.drafted_by, dr.name FROM policy_versions x JOIN policies p ON p.id = "
		    "x.policy_id LEFT JOIN users s ON s.id = x.submitted_by LEFT JOIN users dr ON "
		    "dr.id = x.drafted_by WHERE x.id = ?",
		    P(V_INT(id))))
		return NULL;
	json_t *o = NULL;
	char status[16] = "";
	int64_t submitted_by = 0;
	if (db_next(&r)) {
		snprintf(status, sizeof(status), "%s", db_text(&r, 3));
		submitted_by = db_isnull(&r, 12) ? 0 : db_int(&r, 12);
		o = json_pack(
			"{s:I,s:{s:I,s:{s:s,s:s},s:s},s:I,s:s,s:s,s:{s:s,s:s},s:o,s:o,s:s,s:s?,"
			"s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:o}",
			"id", (json_int_t)db_int(&r, 0), "policy", "id", (json_int_t)db_int(&r, 1),
			"title", "ja", db_text(&r, 20), "en", db_text(&r, 21), "category",
			db_text(&r, 22), "number", (json_int_t)db_int(&r, 2), "status", status,
			"format", db_text(&r, 4), "body", "ja", db_text(&r, 5), "en",
			db_text(&r, 6), "document", rendered(db_text(&r, 5), db_text(&r, 6)),
			"file",
			db_text(&r, 7)
				? json_pack("{s:s,s:s?,s:I}", "hash", db_text(&r, 7), "name",
					    db_text(&r, 8), "size", (json_int_t)db_int(&r, 9))
				: json_null(),
			"change_note", db_text(&r, 10), "effective_on", db_text(&r, 11),
			"submitted_by",
			db_isnull(&r, 12) ? json_null()
					  : json_pack("{s:I,s:s}", "id", (json_int_t)db_int(&r, 12),
						      "name", db_text(&r, 13)),
			"submitted_at", time_json(&r, 14), "approved_at", time_json(&r, 15),
			"published_at", time_json(&r, 16), "created_at", time_json(&r, 17),
			"updated_at", time_json(&r, 18), "version", (json_int_t)db_int(&r, 19),
			"drafted_by",
			db_isnull(&r, 23) ? json_null()
					  : json_pack("{s:I,s:s}", "id", (json_int_t)db_int(&r, 23),
						      "name", db_text(&r, 24)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	bool ok = false;
	if (failed || (o && may_read(db, v, id, status, submitted_by, &ok)))
		goto fail;
	if (!o || !ok) {
		*st = ST_NOT_FOUND;
		goto fail;
	}
	struct actor a = { v->user_id, NULL, NULL };
	struct wf_actor by = { .actor = &a, .perms = v->perms };
	json_t *allowed = wf_allowed(db, &policy_version_workflow, &by, id);
	json_t *approval =
		allowed ? approval_of_record(db, "policy_version", id, v->user_id, v->perms) : NULL;
	json_t *timeline = approval ? wf_timeline(db, "policy_version", id, v->manage || v->approve,
						  NULL, NULL)
				    : NULL;
	if (!timeline) {
		json_decref(allowed);
		json_decref(approval);
		goto fail;
	}
	json_object_set_new(o, "allowed_transitions", allowed);
	json_object_set_new(o, "approval", approval);
	json_object_set_new(o, "timeline", timeline);
	json_object_set_new(o, "editable",
			    json_boolean(v->manage && (!strcmp(status, "draft") ||
						       !strcmp(status, "sent_back"))));
	*st = ST_OK;
	return o;
fail:
	json_decref(o);
	return NULL;
}

int policy_version_file(struct db *db, int64_t id, const struct policy_viewer *v, char hash[65],
			int64_t *number)
{
	struct dbrows r;
	char status[16] = "";
	int64_t submitted_by = 0;
	bool found = false, ok = false;
	if (db_query(db, &r,
		     "SELECT status, submitted_by, file_hash, number FROM policy_versions WHERE id "
		     "= ? AND file_hash IS NOT NULL",
		     P(V_INT(id))))
		return -1;
	if (db_next(&r)) {
		found = true;
		snprintf(status, sizeof(status), "%s", db_text(&r, 0));
		submitted_by = db_isnull(&r, 1) ? 0 : db_int(&r, 1);
		snprintf(hash, 65, "%s", db_text(&r, 2));
		*number = db_int(&r, 3);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || (found && may_read(db, v, id, status, submitted_by, &ok)))
		return -1;
	return found && ok ? 0 : 1;
}

/* --- documents ---------------------------------------------------------------------------- */

static json_t *policy_audit_view(json_t *p)
{
	return json_pack("{s:O,s:O,s:O,s:O,s:O}", "category", json_object_get(p, "category"),
			 "title", json_object_get(p, "title"), "on_hire",
			 json_object_get(p, "on_hire"), "on_exit", json_object_get(p, "on_exit"),
			 "hire_due_days", json_object_get(p, "hire_due_days"));
}

static const struct policy_viewer all_viewer = { 0, true, true, NULL };

struct policy_op {
	const struct actor *who;
	int64_t id, out;
	json_t *in;
	struct ferrors *fe;
};

static void check_pledge_fields(json_t *in, const char *category, struct ferrors *fe)
{
	bool pledge = category && !strcmp(category, "pledge");
	if (!pledge && (json_is_true(json_object_get(in, "on_hire")) ||
			json_is_true(json_object_get(in, "on_exit"))))
		ferr_add(fe, json_is_true(json_object_get(in, "on_hire")) ? "on_hire" : "on_exit",
			 "not_a_pledge", "Only a pledge is asked on hire or on exit.");
}

static enum status policy_create_fn(struct db *db, void *arg)
{
	struct policy_op *o = arg;
	const char *category = jstr(o->in, "category");
	int64_t now = now_unix();
	ferr_release(o->fe);
	check_pledge_fields(o->in, category, o->fe);
	if (ferr_any(o->fe))
		return ST_INVALID;
	bool hire = json_is_true(json_object_get(o->in, "on_hire"));
	json_t *days = json_object_get(o->in, "hire_due_days");
	if (db_insert(
		    db, &o->id,
		    "INSERT INTO policies (category, title_ja, title_en, on_hire, on_hire_since, "
		    "on_exit, hire_due_days, created_by, created_at, updated_at) VALUES (?, ?, ?, "
		    "?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_TEXT(category), V_TEXT(jstr(o->in, "title_ja")),
		      V_TEXT(jstr(o->in, "title_en") ? jstr(o->in, "title_en") : ""), V_BOOL(hire),
		      hire ? V_INT(now) : V_NULL,
		      V_BOOL(json_is_true(json_object_get(o->in, "on_exit"))),
		      V_INT(days ? json_integer_value(days) : 7), V_ID(o->who->id), V_INT(now),
		      V_INT(now))))
		return ST_DB;
	json_t *after = policy_plain(db, o->id, &all_viewer);
	json_t *view = after ? policy_audit_view(after) : NULL;
	int rc = !after || audit_change(db, o->who, "policy.create", "policy", o->id, NULL, view);
	json_decref(after);
	json_decref(view);
	return rc ? ST_DB : ST_OK;
}

enum status policy_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			  struct ferrors *fe)
{
	struct policy_op o = { who, 0, 0, in, fe };
	enum status st = db_tx_st(db, policy_create_fn, &o);
	*id = o.id;
	return st;
}

static enum status policy_update_fn(struct db *db, void *arg)
{
	struct policy_op *o = arg;
	char lock[48];
	json_t *v, *before = NULL, *after = NULL;
	enum status st = ST_DB;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "policy:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	before = policy_plain(db, o->id, &all_viewer);
	if (!before)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	const char *category =
		jstr(o->in, "category") ? jstr(o->in, "category") : jstr(before, "category");
	json_t *merged =
		json_pack("{s:O,s:O}", "on_hire",
			  json_object_get(o->in, "on_hire") ? json_object_get(o->in, "on_hire")
							    : json_object_get(before, "on_hire"),
			  "on_exit",
			  json_object_get(o->in, "on_exit") ? json_object_get(o->in, "on_exit")
							    : json_object_get(before, "on_exit"));
	check_pledge_fields(merged, category, o->fe);
	json_decref(merged);
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	static const struct {
		const char *field, *sql;
	} texts[] = {
		{ "category", "UPDATE policies SET category = ? WHERE id = ?" },
		{ "title_ja", "UPDATE policies SET title_ja = ? WHERE id = ?" },
		{ "title_en", "UPDATE policies SET title_en = ? WHERE id = ?" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if ((v = json_object_get(o->in, texts[i].field)) &&
		    db_exec(db, texts[i].sql, P(V_TEXT(json_string_value(v)), V_INT(o->id))))
			goto out;
	if ((v = json_object_get(o->in, "on_hire"))) {
		bool on = json_is_true(v), was = json_is_true(json_object_get(before, "on_hire"));
		/* Hires are asked from the moment it is turned on, never backwards. */
		if (on != was &&
		    db_exec(db,
			    "UPDATE policies SET on_hire = ?, on_hire_since = ? WHERE "
			    "id = ?",
			    P(V_BOOL(on), on ? V_INT(now_unix()) : V_NULL, V_INT(o->id))))
			goto out;
	}
	if ((v = json_object_get(o->in, "on_exit")) &&
	    db_exec(db, "UPDATE policies SET on_exit = ? WHERE id = ?",
		    P(V_BOOL(json_is_true(v)), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "hire_due_days")) &&
	    db_exec(db, "UPDATE policies SET hire_due_days = ? WHERE id = ?",
		    P(V_INT(json_integer_value(v)), V_INT(o->id))))
		goto out;
	if (db_exec(db, "UPDATE policies SET updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    !(after = policy_plain(db, o->id, &all_viewer)))
		goto out;
	json_t *b = policy_audit_view(before), *a = policy_audit_view(after);
	int rc = audit_change(db, o->who, "policy.update", "policy", o->id, b, a);
	json_decref(b);
	json_decref(a);
	st = rc ? ST_DB : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	return st;
}

enum status policy_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe)
{
	struct policy_op o = { who, id, 0, patch, fe };
	return db_tx_st(db, policy_update_fn, &o);
}

/* --- versions ----------------------------------------------------------------------------- */

enum status policy_version_new_tx(struct db *db, const struct actor *who, int64_t policy_id,
				  json_t *in, int64_t *id, struct ferrors *fe)
{
	struct dbrows r;
	char lock[48];
	int64_t next = 1, open_id = 0;
	char *ja = NULL, *en = NULL;
	bool found = false;
	snprintf(lock, sizeof(lock), "policy:%lld", (long long)policy_id);
	if (db_lock(db, lock) ||
	    db_query(db, &r,
		     "SELECT (SELECT COALESCE(MAX(number), 0) + 1 FROM policy_versions WHERE "
		     "policy_id = p.id), (SELECT MAX(id) FROM policy_versions WHERE policy_id = "
		     "p.id AND status IN ('draft', 'submitted', 'sent_back', 'approved')), "
		     "v.body_ja, v.body_en FROM policies p LEFT JOIN policy_versions v ON v.id = "
		     "p.published_version_id WHERE p.id = ?",
		     P(V_INT(policy_id))))
		return ST_DB;
	if (db_next(&r)) {
		found = true;
		next = db_int(&r, 0);
		open_id = db_isnull(&r, 1) ? 0 : db_int(&r, 1);
		ja = xstrdup(db_text(&r, 2) ? db_text(&r, 2) : "");
		en = xstrdup(db_text(&r, 3) ? db_text(&r, 3) : "");
	}
	int failed = r.failed;
	db_rows_free(&r);
	enum status st = ST_DB;
	if (failed)
		goto out;
	if (!found) {
		st = ST_NOT_FOUND;
		goto out;
	}
	if (open_id) {
		ferr_add(fe, "policy", "version_open",
			 "A version of this document is already being drafted or approved.");
		ferr_extra(fe, "open_version_id", json_integer(open_id));
		st = ST_INVALID;
		goto out;
	}
	int64_t now = now_unix();
	const char *body_ja = jstr(in, "body_ja") ? jstr(in, "body_ja") : ja;
	const char *body_en = jstr(in, "body_en") ? jstr(in, "body_en") : en;
	if (db_insert(
		    db, id,
		    "INSERT INTO policy_versions (policy_id, number, body_ja, body_en, "
		    "change_note, effective_on, drafted_by, created_at, updated_at) VALUES (?, ?, "
		    "?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_INT(policy_id), V_INT(next), V_TEXT(body_ja), V_TEXT(body_en),
		      V_TEXT(jstr(in, "change_note") ? jstr(in, "change_note") : ""),
		      V_TEXT(jstr(in, "effective_on")), V_ID(who->id), V_INT(now), V_INT(now))))
		goto out;
	if (wf_event_add(db, "policy_version", *id, who, "created", NULL, "draft", false, NULL,
			 NULL))
		goto out;
	json_t *sum = json_pack("{s:I,s:I}", "policy_id", (json_int_t)policy_id, "number",
				(json_int_t)next);
	int rc = audit_append(db, who, "policy.version.create", "policy_version", *id, sum);
	json_decref(sum);
	st = rc ? ST_DB : ST_OK;
out:
	free(ja);
	free(en);
	return st;
}

static enum status version_create_fn(struct db *db, void *arg)
{
	struct policy_op *o = arg;
	ferr_release(o->fe);
	return policy_version_new_tx(db, o->who, o->id, o->in, &o->out, o->fe);
}

enum status policy_version_create(struct db *db, const struct actor *who, int64_t policy_id,
				  json_t *in, int64_t *id, struct ferrors *fe)
{
	struct policy_op o = { who, policy_id, 0, in, fe };
	enum status st = db_tx_st(db, version_create_fn, &o);
	*id = o.out;
	return st;
}

/* What the audit trail keeps of a version (the text's size, not the text). */
static json_t *version_audit(struct db *db, int64_t id)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT status, format, LENGTH(body_ja), LENGTH(body_en), file_hash, "
		     "effective_on, change_note FROM policy_versions WHERE id = ?",
		     P(V_INT(id))))
		return NULL;
	json_t *o = NULL;
	if (db_next(&r))
		o = json_pack("{s:s,s:s,s:I,s:I,s:s?,s:s?,s:s}", "status", db_text(&r, 0), "format",
			      db_text(&r, 1), "body_ja_length", (json_int_t)db_int(&r, 2),
			      "body_en_length", (json_int_t)db_int(&r, 3), "file_hash",
			      db_text(&r, 4), "effective_on", db_text(&r, 5), "change_note",
			      db_text(&r, 6));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Locks version `id` for an edit and checks it may be edited with `version`. */
static enum status editable(struct db *db, int64_t id, int64_t version, struct ferrors *fe)
{
	struct dbrows r;
	char lock[48];
	snprintf(lock, sizeof(lock), "policy_version:%lld", (long long)id);
	if (db_lock(db, lock) ||
	    db_query(db, &r, "SELECT version, status FROM policy_versions WHERE id = ?",
		     P(V_INT(id))))
		return ST_DB;
	enum status st = ST_NOT_FOUND;
	if (db_next(&r)) {
		if (db_int(&r, 0) != version)
			st = ST_CONFLICT;
		else if (strcmp(db_text(&r, 1), "draft") && strcmp(db_text(&r, 1), "sent_back")) {
			ferr_add(fe, "status", "not_editable",
				 "Only a draft or a version sent back can be changed.");
			st = ST_INVALID;
		} else {
			st = ST_OK;
		}
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? ST_DB : st;
}

static enum status version_update_fn(struct db *db, void *arg)
{
	struct policy_op *o = arg;
	json_t *v, *before = NULL, *after = NULL;
	ferr_release(o->fe);
	enum status st =
		editable(db, o->id, json_integer_value(json_object_get(o->in, "version")), o->fe);
	if (st != ST_OK)
		return st;
	st = ST_DB;
	before = version_audit(db, o->id);
	if (!before)
		goto out;
	static const struct {
		const char *field, *sql;
	} cols[] = {
		{ "format", "UPDATE policy_versions SET format = ? WHERE id = ?" },
		{ "body_ja", "UPDATE policy_versions SET body_ja = ? WHERE id = ?" },
		{ "body_en", "UPDATE policy_versions SET body_en = ? WHERE id = ?" },
		{ "effective_on", "UPDATE policy_versions SET effective_on = ? WHERE id = ?" },
		{ "change_note", "UPDATE policy_versions SET change_note = ? WHERE id = ?" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		if ((v = json_object_get(o->in, cols[i].field)) &&
		    db_exec(db, cols[i].sql, P(V_TEXT(json_string_value(v)), V_INT(o->id))))
			goto out;
	if (db_exec(db,
		    "UPDATE policy_versions SET updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    !(after = version_audit(db, o->id)))
		goto out;
	int rc = audit_change(db, o->who, "policy.version.update", "policy_version", o->id, before,
			      after);
	st = rc ? ST_DB : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	return st;
}

enum status policy_version_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
				  struct ferrors *fe)
{
	struct policy_op o = { who, id, 0, patch, fe };
	return db_tx_st(db, version_update_fn, &o);
}

struct attach_op {
	const struct actor *who;
	int64_t id, version;
	const char *data, *type, *name;
	size_t len;
	char hash[FILESTORE_HASH_HEX];
	struct ferrors *fe;
};

static enum status attach_fn(struct db *db, void *arg)
{
	struct attach_op *o = arg;
	ferr_release(o->fe);
	enum status st = editable(db, o->id, o->version, o->fe);
	if (st != ST_OK)
		return st;
	/* The file lands with the version that points at it, or not at all. */
	if (filestore_put(db, o->data, o->len, o->type, o->hash))
		return ST_DB;
	if (db_exec(db,
		    "UPDATE policy_versions SET format = 'pdf', file_hash = ?, file_name = ?, "
		    "file_size = ?, updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_TEXT(o->hash), V_TEXT(o->name), V_INT(o->len), V_INT(now_unix()),
		      V_INT(o->id))))
		return ST_DB;
	json_t *sum = json_pack("{s:s,s:I,s:s?}", "file_hash", o->hash, "size", (json_int_t)o->len,
				"name", o->name);
	int rc = audit_append(db, o->who, "policy.version.file", "policy_version", o->id, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

enum status policy_version_attach(struct app *app, struct db *db, const struct actor *who,
				  int64_t id, int64_t version, const char *data, size_t len,
				  const char *name, struct ferrors *fe)
{
	char type[128];
	if (len == 0) {
		ferr_add(fe, "file", "required", "Choose a PDF file.");
		return ST_INVALID;
	}
	if (filestore_type(data, len, type, sizeof(type)))
		return ST_DB;
	if (strcmp(type, "application/pdf")) {
		ferr_add(fe, "file", "invalid_file_type", "Only PDF files can be attached.");
		ferr_extra(fe, "detected_type", json_string(type));
		return ST_INVALID;
	}
	struct attach_op o = { who, id, version, data, type, name, len, "", fe };
	return db_tx_st(db, attach_fn, &o);
}

/* --- the workflow and its approval ------------------------------------------------------- */

static json_t *version_snapshot(struct db *db, int64_t id)
{
	return version_audit(db, id);
}

/* Submitting needs the text (or the PDF) and an effective date. */
static int check_ready(struct wf_ctx *c)
{
	struct dbrows r;
	if (db_query(
		    c->db, &r,
		    "SELECT format, body_ja, file_hash, effective_on FROM policy_versions WHERE id "
		    "= ?",
		    P(V_INT(c->id))))
		return -1;
	if (db_next(&r)) {
		bool pdf = !strcmp(db_text(&r, 0), "pdf");
		if (pdf && !db_text(&r, 2))
			ferr_add(c->fe, "file", "required", "Attach the PDF first.");
		if (!pdf && !*db_text(&r, 1))
			ferr_add(c->fe, "body_ja", "required", "Write the Japanese text first.");
		if (!db_text(&r, 3))
			ferr_add(c->fe, "effective_on", "required",
				 "Say from which day the version applies.");
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* The chain: a privacy officer, then top management (nobody approves their own submission). */
static const struct approval_step_spec chain[] = {
	{ APPROVER_PERMISSION, "policies.manage" },
	{ APPROVER_PERMISSION, "policies.approve" },
};

static int open_approval(struct wf_ctx *c)
{
	struct dbrows r;
	struct buf title = BUF_INIT;
	int64_t aid;
	if (db_exec(c->db,
		    "UPDATE policy_versions SET submitted_by = ?, submitted_at = ? WHERE id = ?",
		    P(V_ID(c->by->actor->id), V_INT(now_unix()), V_INT(c->id))) ||
	    db_query(c->db, &r,
		     "SELECT p.title_ja, x.number FROM policy_versions x JOIN policies p ON p.id = "
		     "x.policy_id WHERE x.id = ?",
		     P(V_INT(c->id))))
		return -1;
	if (db_next(&r))
		buf_printf(&title, "%s 第%lld版", db_text(&r, 0), (long long)db_int(&r, 1));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !title.len) {
		buf_release(&title);
		return -1;
	}
	enum status st = approval_open_tx(c->db, c->by->actor, &policies_approvals[0], c->id,
					  c->by->actor->id, title.buf, chain, ARRAY_SIZE(chain),
					  NULL, &aid, c->fe);
	buf_release(&title);
	return st == ST_OK ? 0 : -1;
}

static int mark_approved(struct wf_ctx *c)
{
	return db_exec(c->db, "UPDATE policy_versions SET approved_at = ? WHERE id = ?",
		       P(V_INT(now_unix()), V_INT(c->id)));
}

/* Publishing replaces the published version (superseded, kept) and makes this one current. */
static int publish(struct wf_ctx *c)
{
	int64_t policy_id, old;
	bool found;
	if (db_query_int(c->db, &policy_id, &found,
			 "SELECT policy_id FROM policy_versions WHERE id = ?", P(V_INT(c->id))) ||
	    !found ||
	    db_query_int(c->db, &old, &found,
			 "SELECT id FROM policy_versions WHERE policy_id = ? AND status = "
			 "'published' AND id <> ?",
			 P(V_INT(policy_id), V_INT(c->id))))
		return -1;
	if (found) {
		struct wf_request r = { .to = "superseded" };
		if (wf_move_tx(c->app, c->db, &policy_version_workflow, c->by, old, &r, c->fe) !=
		    ST_OK)
			return -1;
	}
	int64_t now = now_unix();
	return db_exec(c->db, "UPDATE policy_versions SET published_at = ? WHERE id = ?",
		       P(V_INT(now), V_INT(c->id))) ||
	       db_exec(c->db,
		       "UPDATE policies SET published_version_id = ?, updated_at = ?, version = "
		       "version + 1 WHERE id = ?",
		       P(V_INT(c->id), V_INT(now), V_INT(policy_id)));
}

static const struct wf_transition moves[] = {
	{ "draft sent_back", "submitted", WF_PERM, "policies.manage", .guard = check_ready,
	  .apply = open_approval },
	{ "draft", "discarded", WF_PERM, "policies.manage" },
	/* The approval's outcome (the decided hook). */
	{ "submitted", "approved", WF_SYSTEM, .apply = mark_approved },
	{ "submitted", "rejected", WF_SYSTEM },
	{ "submitted", "sent_back", WF_SYSTEM },
	{ "submitted", "draft", WF_SYSTEM, .timeline_kind = "withdrawn" },
	/* On the effective date. */
	{ "approved", "published", WF_SYSTEM, .apply = publish },
	{ "published", "superseded", WF_SYSTEM },
	{ 0 },
};

const struct workflow policy_version_workflow = {
	.type = "policy_version",
	.table = "policy_versions",
	.requester_col = "submitted_by",
	.transitions = moves,
	.event = "policy.version.transition",
	.forbidden_code = "not_allowed",
	.forbidden_detail = "Only the security office drafts and submits policy versions.",
	.snapshot = version_snapshot,
};

const struct workflow *const policies_workflows[] = { &policy_version_workflow, NULL };

/* Publishes version `id` if it is approved and its effective date has come. */
static enum status publish_if_due(struct app *app, struct db *db, const struct wf_actor *by,
				  int64_t id, struct ferrors *fe)
{
	char today[11];
	int64_t one;
	bool found;
	tz_today(today);
	if (db_query_int(db, &one, &found,
			 "SELECT 1 FROM policy_versions WHERE id = ? AND status = 'approved' AND "
			 "effective_on <= ?",
			 P(V_INT(id), V_TEXT(today))))
		return ST_DB;
	if (!found)
		return ST_OK;
	struct wf_request r = { .to = "published" };
	return wf_move_tx(app, db, &policy_version_workflow, by, id, &r, fe);
}

static enum status decided(struct app *app, struct db *db, const struct actor *who,
			   int64_t record_id, const char *outcome, const char *comment,
			   struct ferrors *fe)
{
	const char *to = !strcmp(outcome, "approved")    ? "approved"
			 : !strcmp(outcome, "rejected")  ? "rejected"
			 : !strcmp(outcome, "sent_back") ? "sent_back"
							 : "draft";
	struct wf_actor by = { .actor = who, .system = true };
	struct wf_request r = { .to = to, .comment = comment };
	enum status st = wf_move_tx(app, db, &policy_version_workflow, &by, record_id, &r, fe);
	if (st == ST_OK && !strcmp(to, "approved"))
		st = publish_if_due(app, db, &by, record_id, fe);
	return st;
}

const struct approval_kind policies_approvals[] = {
	{ .record_type = "policy_version", .link = "/policies/versions/", .decided = decided },
	{ 0 },
};

struct due_op {
	struct app *app;
	int64_t id;
};

static enum status due_fn(struct db *db, void *arg)
{
	struct due_op *o = arg;
	static const struct actor job = { 0, NULL, "job" };
	struct wf_actor by = { .actor = &job, .system = true };
	struct ferrors fe = FERRORS_INIT;
	enum status st = publish_if_due(o->app, db, &by, o->id, &fe);
	ferr_release(&fe);
	return st;
}

int policies_job(struct app *app, struct db *db)
{
	struct dbrows r;
	char today[11];
	int64_t ids[256];
	size_t n = 0;
	tz_today(today);
	if (db_query(db, &r,
		     "SELECT id FROM policy_versions WHERE status = 'approved' AND effective_on <= "
		     "? "
		     "ORDER BY id LIMIT 256",
		     P(V_TEXT(today))))
		return -1;
	while (db_next(&r))
		ids[n++] = db_int(&r, 0);
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		struct due_op o = { app, ids[i] };
		failed = db_tx_st(db, due_fn, &o) != ST_OK;
	}
	if (failed)
		return -1;
	return pledges_hire_sync(db, 0, 600) < 0 ? -1 : 0;
}
