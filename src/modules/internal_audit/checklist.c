/* checklist.c — requirement sets, an audit's checklist, its results and attachments. */
#include <string.h>

#include "internal.h"
#include "../../store/files.h"
#include "../../lib/timeutil.h"

const char *const requirement_sets[] = { "jisq15001", "iso27001", "annex_a", "own", NULL };
/* Sets that live in audit_requirements (Annex A lives in the SoA). */
static const char *const stored_sets[] = { "jisq15001", "iso27001", "own", NULL };

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s && *s ? s : NULL;
}

/* --- requirements -------------------------------------------------------------------------- */

static json_t *requirement_row(struct dbrows *r)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:b,s:I}", "id", (json_int_t)db_int(r, 0), "set",
			 db_text(r, 1), "code", db_text(r, 2), "title_ja", db_text(r, 3),
			 "title_en", db_text(r, 4), "position", (json_int_t)db_int(r, 5), "active",
			 db_int(r, 6) != 0, "version", (json_int_t)db_int(r, 7));
}

/* Annex A: the controls the SoA marks applicable, numbered "A.5.1". */
static int annex_a(struct db *db, json_t *out)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT number, title_ja, title_en, sort FROM soa_controls WHERE applicable = "
		     "1 ORDER BY sort",
		     P0))
		return -1;
	while (db_next(&r)) {
		char code[40];
		snprintf(code, sizeof(code), "A.%s", db_text(&r, 0));
		json_array_append_new(out,
				      json_pack("{s:n,s:s,s:s,s:s,s:s,s:I,s:b,s:n}", "id", "set",
						"annex_a", "code", code, "title_ja", db_text(&r, 1),
						"title_en", db_text(&r, 2), "position",
						(json_int_t)db_int(&r, 3), "active", 1, "version"));
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

json_t *requirements_list(struct db *db, const char *set, bool all)
{
	struct dbrows r;
	json_t *out = json_array();
	for (const char *const *s = requirement_sets; *s; s++) {
		if (set && strcmp(set, *s))
			continue;
		if (!strcmp(*s, "annex_a")) {
			if (annex_a(db, out))
				goto fail;
			continue;
		}
		if (db_query(
			    db, &r,
			    all ? "SELECT id, req_set, code, title_ja, title_en, position, active, "
				  "version FROM audit_requirements WHERE req_set = ? ORDER BY "
				  "position, id"
				: "SELECT id, req_set, code, title_ja, title_en, position, active, "
				  "version FROM audit_requirements WHERE req_set = ? AND active = "
				  "1 "
				  "ORDER BY position, id",
			    P(V_TEXT(*s))))
			goto fail;
		while (db_next(&r))
			json_array_append_new(out, requirement_row(&r));
		int failed = r.failed;
		db_rows_free(&r);
		if (failed)
			goto fail;
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

static json_t *requirement_json(struct db *db, int64_t id)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r,
		     "SELECT id, req_set, code, title_ja, title_en, position, active, version FROM "
		     "audit_requirements WHERE id = ?",
		     P(V_INT(id))))
		return NULL;
	if (db_next(&r))
		o = requirement_row(&r);
	if (r.failed) {
		json_decref(o);
		o = NULL;
	}
	db_rows_free(&r);
	return o;
}

struct req_op {
	const struct actor *who;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

static int code_taken(struct db *db, const char *set, const char *code, int64_t except,
		      struct ferrors *fe)
{
	int64_t one;
	bool found;
	if (db_query_int(
		    db, &one, &found,
		    "SELECT 1 FROM audit_requirements WHERE req_set = ? AND code = ? AND id <> ?",
		    P(V_TEXT(set), V_TEXT(code), V_INT(except))))
		return -1;
	if (found)
		ferr_add(fe, "code", "taken", "This set has a requirement with this number.");
	return 0;
}

static enum status requirement_create_fn(struct db *db, void *arg)
{
	struct req_op *o = arg;
	const char *set = str(o->in, "set"), *code = str(o->in, "code");
	int64_t pos = 0, now = now_unix();
	bool found;
	ferr_release(o->fe);
	if (!ia_in_list(stored_sets, set)) {
		ferr_add(o->fe, "set", !strcmp(set, "annex_a") ? "from_soa" : "invalid_choice",
			 "Annex A comes from the Statement of Applicability; choose jisq15001, "
			 "iso27001 or own.");
		return ST_INVALID;
	}
	if (code_taken(db, set, code, 0, o->fe))
		return ST_DB;
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_query_int(
		    db, &pos, &found,
		    "SELECT COALESCE(MAX(position), 0) + 1 FROM audit_requirements WHERE req_set "
		    "= ?",
		    P(V_TEXT(set))) ||
	    db_insert(
		    db, &o->id,
		    "INSERT INTO audit_requirements (req_set, code, title_ja, title_en, position, "
		    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_TEXT(set), V_TEXT(code), V_TEXT(str(o->in, "title_ja")),
		      V_TEXT(str(o->in, "title_en") ? str(o->in, "title_en") : ""), V_INT(pos),
		      V_INT(now), V_INT(now))))
		return ST_DB;
	json_t *after = requirement_json(db, o->id);
	int rc = !after || audit_change(db, o->who, "internal_audit.requirement.create",
					"audit_requirement", o->id, NULL, after);
	json_decref(after);
	return rc ? ST_DB : ST_OK;
}

enum status requirement_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			       struct ferrors *fe)
{
	struct req_op o = { who, 0, in, fe };
	enum status st = db_tx_st(db, requirement_create_fn, &o);
	*id = o.id;
	return st;
}

static enum status requirement_update_fn(struct db *db, void *arg)
{
	struct req_op *o = arg;
	json_t *v, *after = NULL;
	enum status st = ST_DB;
	ferr_release(o->fe);
	json_t *before = requirement_json(db, o->id);
	if (!before)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	if ((v = json_object_get(o->in, "code")) &&
	    code_taken(db, json_string_value(json_object_get(before, "set")), json_string_value(v),
		       o->id, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	static const struct {
		const char *field, *sql;
	} texts[] = {
		{ "code", "UPDATE audit_requirements SET code = ? WHERE id = ?" },
		{ "title_ja", "UPDATE audit_requirements SET title_ja = ? WHERE id = ?" },
		{ "title_en", "UPDATE audit_requirements SET title_en = ? WHERE id = ?" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if ((v = json_object_get(o->in, texts[i].field)) &&
		    db_exec(db, texts[i].sql, P(V_TEXT(json_string_value(v)), V_INT(o->id))))
			goto out;
	if ((v = json_object_get(o->in, "active")) &&
	    db_exec(db, "UPDATE audit_requirements SET active = ? WHERE id = ?",
		    P(V_BOOL(json_is_true(v)), V_INT(o->id))))
		goto out;
	if (db_exec(db,
		    "UPDATE audit_requirements SET updated_at = ?, version = version + 1 WHERE id "
		    "= ?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    !(after = requirement_json(db, o->id)))
		goto out;
	st = audit_change(db, o->who, "internal_audit.requirement.update", "audit_requirement",
			  o->id, before, after)
		     ? ST_DB
		     : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	return st;
}

enum status requirement_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			       struct ferrors *fe)
{
	struct req_op o = { who, id, patch, fe };
	return db_tx_st(db, requirement_update_fn, &o);
}

/* --- items --------------------------------------------------------------------------------- */

static const char item_head[] =
	"SELECT i.id, i.audit_id, i.position, i.req_set, i.code, i.title_ja, i.title_en, "
	"i.department_id, d.name, i.result, i.evidence, i.note, i.checked_by, c.name, "
	"i.checked_at, "
	"i.version FROM internal_audit_items i LEFT JOIN departments d ON d.id = i.department_id "
	"LEFT JOIN users c ON c.id = i.checked_by";

static json_t *item_row(struct dbrows *r)
{
	return json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:o,s:I,s:[]}", "id",
			 (json_int_t)db_int(r, 0), "audit_id", (json_int_t)db_int(r, 1), "position",
			 (json_int_t)db_int(r, 2), "set", db_text(r, 3), "code", db_text(r, 4),
			 "title_ja", db_text(r, 5), "title_en", db_text(r, 6), "department",
			 ia_person(r, 7, 8), "result", ia_text(db_text(r, 9)), "evidence",
			 db_text(r, 10), "note", db_text(r, 11), "checked_by", ia_person(r, 12, 13),
			 "checked_at", ia_time(r, 14), "version", (json_int_t)db_int(r, 15),
			 "attachments");
}

/* Adds each item's attachments (rows of `audit_id`, or of the one item). */
static int add_attachments(struct db *db, json_t *items, int64_t audit_id, int64_t item_id)
{
	struct dbrows r;
	if (db_query(db, &r,
		     item_id ? "SELECT t.id, t.item_id, t.file_name, t.content_type, t.size, "
			       "t.uploaded_by, u.name, t.uploaded_at FROM "
			       "internal_audit_attachments t LEFT JOIN users u ON u.id = "
			       "t.uploaded_by WHERE t.item_id = ? ORDER BY t.id"
			     : "SELECT t.id, t.item_id, t.file_name, t.content_type, t.size, "
			       "t.uploaded_by, u.name, t.uploaded_at FROM "
			       "internal_audit_attachments t LEFT JOIN users u ON u.id = "
			       "t.uploaded_by WHERE t.audit_id = ? ORDER BY t.id",
		     P(V_INT(item_id ? item_id : audit_id))))
		return -1;
	while (db_next(&r)) {
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			if (json_integer_value(json_object_get(it, "id")) != db_int(&r, 1))
				continue;
			json_array_append_new(
				json_object_get(it, "attachments"),
				json_pack("{s:I,s:s,s:s,s:I,s:o,s:o}", "id",
					  (json_int_t)db_int(&r, 0), "name", db_text(&r, 2),
					  "content_type", db_text(&r, 3), "size",
					  (json_int_t)db_int(&r, 4), "uploaded_by",
					  ia_person(&r, 5, 6), "uploaded_at", ia_time(&r, 7)));
			break;
		}
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static json_t *items_query(struct db *db, const char *where, int64_t v)
{
	struct buf sql = BUF_INIT;
	struct dbrows r;
	buf_adds(&sql, item_head);
	buf_adds(&sql, where);
	int rc = db_query(db, &r, sql.buf, P(V_INT(v)));
	buf_release(&sql);
	if (rc)
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, item_row(&r));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *items_list(struct db *db, int64_t audit_id)
{
	json_t *items =
		items_query(db, " WHERE i.audit_id = ? ORDER BY i.position, i.id", audit_id);
	if (items && add_attachments(db, items, audit_id, 0)) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *item_json(struct db *db, int64_t id)
{
	json_t *items = items_query(db, " WHERE i.id = ?", id);
	if (!items || !json_array_size(items) || add_attachments(db, items, 0, id)) {
		json_decref(items);
		return NULL;
	}
	json_t *it = json_incref(json_array_get(items, 0));
	json_decref(items);
	return it;
}

/* What the audit trail keeps of an item: its place and result; evidence and notes as flags. */
static json_t *item_view(json_t *it)
{
	json_t *d = json_object_get(it, "department");
	return json_pack("{s:O,s:O,s:O,s:O,s:b,s:b}", "code", json_object_get(it, "code"), "set",
			 json_object_get(it, "set"), "result", json_object_get(it, "result"),
			 "department_id",
			 json_is_object(d) ? json_object_get(d, "id") : json_null(), "evidence",
			 json_string_length(json_object_get(it, "evidence")) > 0, "note",
			 json_string_length(json_object_get(it, "note")) > 0);
}

struct item_op {
	const struct wf_actor *by;
	int64_t id; /* the item, or the audit for build / add */
	json_t *in;
	int64_t out; /* new id or count */
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

static enum status build_fn(struct db *db, void *arg)
{
	struct item_op *o = arg;
	struct ia_audit a;
	size_t i;
	json_t *v;
	ferr_release(o->fe);
	o->out = 0;
	enum status st = lock_audit(db, o->id, &a);
	if (st != ST_OK || (st = ia_may_plan_items(db, o->by, &a, o->fe)) != ST_OK)
		return st;
	json_t *sets = json_object_get(o->in, "sets");
	json_array_foreach(sets, i, v)
	{
		if (!ia_in_list(requirement_sets, json_string_value(v))) {
			ferr_add(o->fe, "sets", "invalid_choice",
				 "jisq15001, iso27001, annex_a or own.");
			return ST_INVALID;
		}
	}
	if (!json_array_size(sets)) {
		ferr_add(o->fe, "sets", "required", "Choose at least one requirement set.");
		return ST_INVALID;
	}
	int64_t pos;
	bool found;
	if (db_query_int(db, &pos, &found,
			 "SELECT COALESCE(MAX(position), 0) FROM internal_audit_items WHERE "
			 "audit_id = ?",
			 P(V_INT(o->id))))
		return ST_DB;
	int64_t now = now_unix();
	json_array_foreach(sets, i, v)
	{
		json_t *reqs = requirements_list(db, json_string_value(v), false), *q;
		size_t j;
		if (!reqs)
			return ST_DB;
		json_array_foreach(reqs, j, q)
		{
			int64_t one;
			if (db_query_int(
				    db, &one, &found,
				    "SELECT 1 FROM internal_audit_items WHERE audit_id = ? AND "
				    "req_set = ? AND code = ?",
				    P(V_INT(o->id), V_TEXT(str(q, "set")),
				      V_TEXT(str(q, "code")))) ||
			    (!found &&
			     db_exec(db,
				     "INSERT INTO internal_audit_items (audit_id, position, "
				     "req_set, "
				     "code, title_ja, title_en, updated_at) VALUES (?, ?, ?, ?, ?, "
				     "?, ?)",
				     P(V_INT(o->id), V_INT(++pos), V_TEXT(str(q, "set")),
				       V_TEXT(str(q, "code")), V_TEXT(str(q, "title_ja")),
				       V_TEXT(json_string_value(json_object_get(q, "title_en"))),
				       V_INT(now))))) {
				json_decref(reqs);
				return ST_DB;
			}
			if (!found)
				o->out++;
		}
		json_decref(reqs);
	}
	/* The audit's criteria name every set its checklist was built from. */
	struct dbrows r;
	json_t *criteria = NULL;
	if (db_query(db, &r, "SELECT req_sets FROM internal_audits WHERE id = ?", P(V_INT(o->id))))
		return ST_DB;
	if (db_next(&r))
		criteria = json_loads(db_text(&r, 0), 0, NULL);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return ST_DB;
	if (!json_is_array(criteria)) {
		json_decref(criteria);
		criteria = json_array();
	}
	json_array_foreach(sets, i, v)
	{
		bool have = false;
		size_t j;
		json_t *w;
		json_array_foreach(criteria, j, w)
		{
			if (json_equal(w, v))
				have = true;
		}
		if (!have)
			json_array_append(criteria, v);
	}
	char *text = json_dumps(criteria, JSON_COMPACT);
	json_decref(criteria);
	int urc = db_exec(db, "UPDATE internal_audits SET req_sets = ? WHERE id = ?",
			  P(V_TEXT(text), V_INT(o->id)));
	free(text);
	if (urc)
		return ST_DB;
	json_t *sum = json_pack("{s:O,s:I}", "sets", sets, "added", (json_int_t)o->out);
	int rc = ia_event(db, o->by->actor, o->id, "checklist", NULL) ||
		 audit_append(db, o->by->actor, "internal_audit.checklist", "internal_audit", o->id,
			      sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

enum status checklist_build(struct db *db, const struct wf_actor *by, int64_t audit_id, json_t *in,
			    int64_t *added, struct ferrors *fe)
{
	struct item_op o = { by, audit_id, in, 0, fe };
	enum status st = db_tx_st(db, build_fn, &o);
	*added = o.out;
	return st;
}

/* Is `dept` one of the audit's departments? Adds a field error otherwise. */
static int check_scope(struct db *db, int64_t audit_id, int64_t dept, struct ferrors *fe)
{
	int64_t one;
	bool found;
	if (db_query_int(db, &one, &found,
			 "SELECT 1 FROM internal_audit_departments WHERE audit_id = ? AND "
			 "department_id = ?",
			 P(V_INT(audit_id), V_INT(dept))))
		return -1;
	if (!found)
		ferr_add(fe, "department_id", "out_of_scope",
			 "This department is not among those the audit covers.");
	return 0;
}

static enum status item_add_fn(struct db *db, void *arg)
{
	struct item_op *o = arg;
	struct ia_audit a;
	int64_t pos, dept = json_integer_value(json_object_get(o->in, "department_id"));
	bool found;
	ferr_release(o->fe);
	enum status st = lock_audit(db, o->id, &a);
	if (st != ST_OK || (st = ia_may_plan_items(db, o->by, &a, o->fe)) != ST_OK)
		return st;
	if (dept && check_scope(db, o->id, dept, o->fe))
		return ST_DB;
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_query_int(db, &pos, &found,
			 "SELECT COALESCE(MAX(position), 0) + 1 FROM internal_audit_items WHERE "
			 "audit_id = ?",
			 P(V_INT(o->id))) ||
	    db_insert(
		    db, &o->out,
		    "INSERT INTO internal_audit_items (audit_id, position, req_set, code, "
		    "title_ja, title_en, department_id, updated_at) VALUES (?, ?, 'custom', ?, ?, "
		    "?, ?, ?) RETURNING id",
		    P(V_INT(o->id), V_INT(pos), V_TEXT(str(o->in, "code")),
		      V_TEXT(str(o->in, "title_ja")),
		      V_TEXT(str(o->in, "title_en") ? str(o->in, "title_en") : ""), V_ID(dept),
		      V_INT(now_unix()))))
		return ST_DB;
	json_t *it = item_json(db, o->out), *after = it ? item_view(it) : NULL;
	int rc = !after || audit_change(db, o->by->actor, "internal_audit.item.create",
					"internal_audit_item", o->out, NULL, after);
	json_decref(it);
	json_decref(after);
	return rc ? ST_DB : ST_OK;
}

enum status item_add(struct db *db, const struct wf_actor *by, int64_t audit_id, json_t *in,
		     int64_t *id, struct ferrors *fe)
{
	struct item_op o = { by, audit_id, in, 0, fe };
	enum status st = db_tx_st(db, item_add_fn, &o);
	*id = o.out;
	return st;
}

static enum status item_update_fn(struct db *db, void *arg)
{
	struct item_op *o = arg;
	struct ia_audit a;
	json_t *v, *before = NULL, *after = NULL, *bv = NULL, *av = NULL;
	enum status st;
	ferr_release(o->fe);
	json_t *it = item_json(db, o->id);
	if (!it)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	int64_t audit_id = json_integer_value(json_object_get(it, "audit_id"));
	json_decref(it);
	if ((st = lock_audit(db, audit_id, &a)) != ST_OK)
		return st;
	if (!(before = item_json(db, o->id)))
		return ST_DB;
	st = ST_CONFLICT;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version")))
		goto out;
	if ((st = ia_may_perform(db, o->by, &a, o->fe)) != ST_OK)
		goto out;
	st = ST_DB;
	if ((v = json_object_get(o->in, "department_id")) && json_is_integer(v) &&
	    check_scope(db, audit_id, json_integer_value(v), o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	if ((v = json_object_get(o->in, "result"))) {
		if (db_exec(db,
			    "UPDATE internal_audit_items SET result = ?, checked_by = ?, "
			    "checked_at "
			    "= ? WHERE id = ?",
			    P(V_TEXT(json_string_value(v)), V_ID(o->by->actor->id),
			      json_is_null(v) ? V_NULL : V_INT(now_unix()), V_INT(o->id))))
			goto out;
	}
	if ((v = json_object_get(o->in, "evidence")) &&
	    db_exec(db, "UPDATE internal_audit_items SET evidence = ? WHERE id = ?",
		    P(V_TEXT(json_string_value(v)), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "note")) &&
	    db_exec(db, "UPDATE internal_audit_items SET note = ? WHERE id = ?",
		    P(V_TEXT(json_string_value(v)), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "department_id")) &&
	    db_exec(db, "UPDATE internal_audit_items SET department_id = ? WHERE id = ?",
		    P(json_is_null(v) ? V_NULL : V_INT(json_integer_value(v)), V_INT(o->id))))
		goto out;
	if (db_exec(db,
		    "UPDATE internal_audit_items SET updated_at = ?, version = version + 1 WHERE "
		    "id "
		    "= ?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    !(after = item_json(db, o->id)))
		goto out;
	bv = item_view(before);
	av = item_view(after);
	st = audit_change(db, o->by->actor, "internal_audit.item.update", "internal_audit_item",
			  o->id, bv, av)
		     ? ST_DB
		     : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	json_decref(bv);
	json_decref(av);
	return st;
}

enum status item_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *patch,
			struct ferrors *fe)
{
	struct item_op o = { by, id, patch, 0, fe };
	return db_tx_st(db, item_update_fn, &o);
}

static enum status item_delete_fn(struct db *db, void *arg)
{
	struct item_op *o = arg;
	struct ia_audit a;
	enum status st;
	int64_t used;
	bool found;
	ferr_release(o->fe);
	json_t *it = item_json(db, o->id), *view = NULL;
	if (!it)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	if ((st = lock_audit(db, json_integer_value(json_object_get(it, "audit_id")), &a)) != ST_OK)
		goto out;
	st = ST_CONFLICT;
	if (json_integer_value(json_object_get(it, "version")) !=
	    json_integer_value(json_object_get(o->in, "version")))
		goto out;
	if ((st = ia_may_plan_items(db, o->by, &a, o->fe)) != ST_OK)
		goto out;
	st = ST_DB;
	if (db_query_int(
		    db, &used, &found,
		    "SELECT (SELECT COUNT(*) FROM internal_audit_attachments WHERE item_id = ?) "
		    "+ (SELECT COUNT(*) FROM internal_audit_findings WHERE item_id = ?)",
		    P(V_INT(o->id), V_INT(o->id))))
		goto out;
	if (used || !json_is_null(json_object_get(it, "result"))) {
		o->fe->code = "in_use";
		o->fe->detail = "An item with a result, attachments or findings stays on the "
				"checklist; mark it not audited instead.";
		st = ST_CONFLICT;
		goto out;
	}
	view = item_view(it);
	if (db_exec(db, "DELETE FROM internal_audit_items WHERE id = ?", P(V_INT(o->id))) ||
	    audit_change(db, o->by->actor, "internal_audit.item.delete", "internal_audit_item",
			 o->id, view, NULL))
		goto out;
	st = ST_OK;
out:
	json_decref(it);
	json_decref(view);
	return st;
}

enum status item_delete(struct db *db, const struct wf_actor *by, int64_t id, int64_t version,
			struct ferrors *fe)
{
	json_t *in = json_pack("{s:I}", "version", (json_int_t)version);
	struct item_op o = { by, id, in, 0, fe };
	enum status st = db_tx_st(db, item_delete_fn, &o);
	json_decref(in);
	return st;
}

/* --- attachments --------------------------------------------------------------------------- */

/* What an auditor may attach: documents, spreadsheets, pictures and text, judged by the bytes. */
static const char *const file_types[] = {
	"application/pdf",
	"image/png",
	"image/jpeg",
	"text/plain",
	"text/csv",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation",
	NULL,
};

struct attach_op {
	const struct wf_actor *by;
	int64_t item_id;
	const char *name, *type;
	const void *data;
	size_t len;
	char hash[FILESTORE_HASH_HEX];
	int64_t id;
	struct ferrors *fe;
};

static enum status attach_fn(struct db *db, void *arg)
{
	struct attach_op *o = arg;
	struct ia_audit a;
	enum status st;
	ferr_release(o->fe);
	json_t *it = item_json(db, o->item_id);
	if (!it)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	int64_t audit_id = json_integer_value(json_object_get(it, "audit_id"));
	json_decref(it);
	if ((st = lock_audit(db, audit_id, &a)) != ST_OK ||
	    (st = ia_may_perform(db, o->by, &a, o->fe)) != ST_OK)
		return st;
	/* The file lands with the row that points at it, or neither does. */
	if (filestore_put(db, o->data, o->len, o->type, o->hash))
		return ST_DB;
	if (db_insert(
		    db, &o->id,
		    "INSERT INTO internal_audit_attachments (audit_id, item_id, file_hash, "
		    "file_name, content_type, size, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, "
		    "?, ?, ?, ?) RETURNING id",
		    P(V_INT(audit_id), V_INT(o->item_id), V_TEXT(o->hash), V_TEXT(o->name),
		      V_TEXT(o->type), V_INT((int64_t)o->len), V_ID(o->by->actor->id),
		      V_INT(now_unix()))))
		return ST_DB;
	json_t *sum = json_pack("{s:I,s:s,s:s,s:I}", "item_id", (json_int_t)o->item_id, "hash",
				o->hash, "content_type", o->type, "size", (json_int_t)o->len);
	int rc = ia_event(db, o->by->actor, audit_id, "attachment", o->name) ||
		 audit_append(db, o->by->actor, "internal_audit.attachment.add",
			      "internal_audit_attachment", o->id, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

enum status attachment_add(struct app *app, struct db *db, const struct wf_actor *by,
			   int64_t item_id, const char *name, const void *data, size_t len,
			   int64_t *id, struct ferrors *fe)
{
	char type[128];
	(void)app;
	if (len == 0) {
		ferr_add(fe, "file", "required", "The file is empty.");
		return ST_INVALID;
	}
	if (filestore_type(data, len, type, sizeof(type)))
		return ST_DB;
	if (!ia_in_list(file_types, type)) {
		struct buf msg = BUF_INIT;
		buf_printf(&msg,
			   "This file is %s; attach PDF, PNG, JPEG, text, CSV, Excel, Word or "
			   "PowerPoint files.",
			   type);
		ferr_add(fe, "file", "type_not_allowed", msg.buf);
		ferr_extra(fe, "content_type", json_string(type));
		buf_release(&msg);
		return ST_INVALID;
	}
	struct attach_op o = { .by = by,
			       .item_id = item_id,
			       .name = name,
			       .type = type,
			       .data = data,
			       .len = len,
			       .fe = fe };
	enum status st = db_tx_st(db, attach_fn, &o);
	*id = o.id;
	return st;
}

int attachment_file(struct db *db, int64_t id, char hash[65], char **name, char **type)
{
	struct dbrows r;
	int rc = 1;
	if (db_query(db, &r,
		     "SELECT file_hash, file_name, content_type FROM internal_audit_attachments "
		     "WHERE id = ?",
		     P(V_INT(id))))
		return -1;
	if (db_next(&r)) {
		snprintf(hash, 65, "%s", db_text(&r, 0));
		*name = xstrdup(db_text(&r, 1));
		*type = xstrdup(db_text(&r, 2));
		rc = 0;
	}
	if (r.failed) {
		if (rc == 0) {
			free(*name);
			free(*type);
		}
		rc = -1;
	}
	db_rows_free(&r);
	return rc;
}

struct detach_op {
	const struct wf_actor *by;
	int64_t id;
	struct ferrors *fe;
};

static enum status detach_fn(struct db *db, void *arg)
{
	struct detach_op *o = arg;
	struct ia_audit a;
	int64_t audit_id;
	bool found;
	enum status st;
	ferr_release(o->fe);
	if (db_query_int(db, &audit_id, &found,
			 "SELECT audit_id FROM internal_audit_attachments WHERE id = ?",
			 P(V_INT(o->id))))
		return ST_DB;
	if (!found)
		return ST_NOT_FOUND;
	if ((st = lock_audit(db, audit_id, &a)) != ST_OK ||
	    (st = ia_may_perform(db, o->by, &a, o->fe)) != ST_OK)
		return st;
	if (db_exec(db, "DELETE FROM internal_audit_attachments WHERE id = ?", P(V_INT(o->id))) ||
	    audit_append(db, o->by->actor, "internal_audit.attachment.delete",
			 "internal_audit_attachment", o->id, NULL))
		return ST_DB;
	return ST_OK;
}

enum status attachment_delete(struct db *db, const struct wf_actor *by, int64_t id,
			      struct ferrors *fe)
{
	struct detach_op o = { by, id, fe };
	return db_tx_st(db, detach_fn, &o);
}
