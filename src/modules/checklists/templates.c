/* templates.c — checklist templates: the draft, published versions, loading from content/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklists.h"
#include "../../lib/folders.h"
#include "../../lib/timeutil.h"

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

/* --- reading ------------------------------------------------------------------------------ */

#define TEMPLATE_COLS                                                                              \
	"t.id, t.code, t.title_ja, t.title_en, t.description_ja, t.description_en, t.archived, "   \
	"t.draft_dirty, t.current_version_id, v.number, v.published_at, v.item_count, "            \
	"t.created_at, t.updated_at, t.version, t.content"
#define TEMPLATE_FROM                                                                              \
	" FROM checklist_templates t LEFT JOIN checklist_versions v ON v.id = "                    \
	"t.current_version_id"

static json_t *template_row(struct dbrows *r, bool with_content)
{
	json_t *o = json_pack(
		"{s:I,s:s?,s:{s:s,s:s},s:{s:s,s:s},s:b,s:b,s:o,s:o,s:o}", "id",
		(json_int_t)db_int(r, 0), "code", db_text(r, 1), "title", "ja", db_text(r, 2), "en",
		db_text(r, 3), "description", "ja", db_text(r, 4), "en", db_text(r, 5), "archived",
		(int)db_int(r, 6), "draft_changed", (int)db_int(r, 7), "current_version",
		db_isnull(r, 8)
			? json_null()
			: json_pack("{s:I,s:I,s:o,s:I}", "id", (json_int_t)db_int(r, 8), "number",
				    (json_int_t)db_int(r, 9), "published_at", time_json(r, 10),
				    "item_count", (json_int_t)db_int(r, 11)),
		"created_at", time_json(r, 12), "updated_at", time_json(r, 13));
	json_object_set_new(o, "version", json_integer(db_int(r, 14)));
	if (with_content) {
		json_t *c = json_loads(db_text(r, 15), 0, NULL);
		json_object_set_new(o, "content", c ? c : json_pack("{s:[]}", "sections"));
	}
	return o;
}

json_t *checklist_list(struct db *db, bool manage)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT " TEMPLATE_COLS TEMPLATE_FROM
		     " WHERE (? = 1 OR (t.archived = 0 AND t.current_version_id IS NOT NULL)) "
		     "ORDER BY t.archived, t.title_ja, t.id",
		     P(V_BOOL(manage))))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, template_row(&r, false));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return json_pack("{s:o}", "items", items);
}

static json_t *template_plain(struct db *db, int64_t id)
{
	struct dbrows r;
	if (db_query(db, &r, "SELECT " TEMPLATE_COLS TEMPLATE_FROM " WHERE t.id = ?", P(V_INT(id))))
		return NULL;
	json_t *o = db_next(&r) ? template_row(&r, true) : NULL;
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *checklist_json(struct db *db, int64_t id)
{
	json_t *o = template_plain(db, id);
	struct dbrows r;
	if (!o)
		return NULL;
	if (db_query(db, &r,
		     "SELECT v.id, v.number, v.published_at, v.item_count, u.name FROM "
		     "checklist_versions v LEFT JOIN users u ON u.id = v.published_by WHERE "
		     "v.template_id = ? ORDER BY v.number DESC",
		     P(V_INT(id)))) {
		json_decref(o);
		return NULL;
	}
	json_t *versions = json_array();
	while (db_next(&r))
		json_array_append_new(versions, json_pack("{s:I,s:I,s:o,s:I,s:s?}", "id",
							  (json_int_t)db_int(&r, 0), "number",
							  (json_int_t)db_int(&r, 1), "published_at",
							  time_json(&r, 2), "item_count",
							  (json_int_t)db_int(&r, 3), "published_by",
							  db_text(&r, 4)));
	int failed = r.failed;
	db_rows_free(&r);
	json_object_set_new(o, "versions", versions);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *checklist_version_json(struct db *db, int64_t version_id)
{
	struct dbrows r;
	if (db_query(
		    db, &r,
		    "SELECT v.id, v.template_id, v.number, v.title_ja, v.title_en, v.content, "
		    "v.item_count, v.published_at, t.description_ja, t.description_en FROM "
		    "checklist_versions v JOIN checklist_templates t ON t.id = v.template_id WHERE "
		    "v.id = ?",
		    P(V_INT(version_id))))
		return NULL;
	json_t *o = NULL;
	if (db_next(&r)) {
		json_t *c = json_loads(db_text(&r, 5), 0, NULL);
		o = json_pack("{s:I,s:I,s:I,s:{s:s,s:s},s:{s:s,s:s},s:o,s:I,s:o}", "id",
			      (json_int_t)db_int(&r, 0), "template_id", (json_int_t)db_int(&r, 1),
			      "number", (json_int_t)db_int(&r, 2), "title", "ja", db_text(&r, 3),
			      "en", db_text(&r, 4), "description", "ja", db_text(&r, 8), "en",
			      db_text(&r, 9), "content", c ? c : json_pack("{s:[]}", "sections"),
			      "item_count", (json_int_t)db_int(&r, 6), "published_at",
			      time_json(&r, 7));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* --- writing ------------------------------------------------------------------------------ */

/* What the audit trail keeps of a template (titles and the shape of its content). */
static json_t *audit_view(json_t *t)
{
	size_t items = 0, s;
	json_t *sec;
	json_array_foreach(json_object_get(json_object_get(t, "content"), "sections"), s, sec)
	{
		items += json_array_size(json_object_get(sec, "items"));
	}
	return json_pack("{s:O,s:O,s:I,s:I}", "title", json_object_get(t, "title"), "archived",
			 json_object_get(t, "archived"), "sections",
			 (json_int_t)json_array_size(
				 json_object_get(json_object_get(t, "content"), "sections")),
			 "items", (json_int_t)items);
}

struct tpl_op {
	const struct actor *who;
	int64_t id;
	json_t *in;
	int64_t number;
	struct ferrors *fe;
};

static void check_titles(json_t *in, bool create, struct ferrors *fe)
{
	const char *t = jstr(in, "title_ja");
	if (create && (!t || !*t))
		ferr_add(fe, "title_ja", "required", "Give the checklist a title.");
	else if (t && !*t)
		ferr_add(fe, "title_ja", "required", "The title may not be empty.");
}

static enum status create_fn(struct db *db, void *arg)
{
	struct tpl_op *o = arg;
	json_t *content = json_object_get(o->in, "content");
	char *text = NULL;
	ferr_release(o->fe);
	check_titles(o->in, true, o->fe);
	if (content)
		checklist_content_check(content, o->fe);
	if (ferr_any(o->fe))
		return ST_INVALID;
	text = content ? json_dumps(content, JSON_COMPACT) : xstrdup("{\"sections\":[]}");
	int64_t now = now_unix();
	int rc = db_insert(
		db, &o->id,
		"INSERT INTO checklist_templates (title_ja, title_en, description_ja, "
		"description_en, content, created_by, created_at, updated_at) VALUES (?, "
		"?, ?, ?, ?, ?, ?, ?) RETURNING id",
		P(V_TEXT(jstr(o->in, "title_ja")),
		  V_TEXT(jstr(o->in, "title_en") ? jstr(o->in, "title_en") : ""),
		  V_TEXT(jstr(o->in, "description_ja") ? jstr(o->in, "description_ja") : ""),
		  V_TEXT(jstr(o->in, "description_en") ? jstr(o->in, "description_en") : ""),
		  V_TEXT(text), V_ID(o->who->id), V_INT(now), V_INT(now)));
	free(text);
	if (rc)
		return ST_DB;
	json_t *after = template_plain(db, o->id);
	json_t *view = after ? audit_view(after) : NULL;
	rc = !after || audit_change(db, o->who, "checklist.create", "checklist", o->id, NULL, view);
	json_decref(after);
	json_decref(view);
	return rc ? ST_DB : ST_OK;
}

enum status checklist_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			     struct ferrors *fe)
{
	struct tpl_op o = { who, 0, in, 0, fe };
	enum status st = db_tx_st(db, create_fn, &o);
	*id = o.id;
	return st;
}

static enum status update_fn(struct db *db, void *arg)
{
	struct tpl_op *o = arg;
	char lock[48];
	json_t *v, *before = NULL, *after = NULL, *content = json_object_get(o->in, "content");
	enum status st = ST_DB;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "checklist:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	before = template_plain(db, o->id);
	if (!before)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	check_titles(o->in, false, o->fe);
	if (content)
		checklist_content_check(content, o->fe);
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	static const struct {
		const char *field, *sql;
		bool dirty;
	} cols[] = {
		{ "title_ja", "UPDATE checklist_templates SET title_ja = ? WHERE id = ?", true },
		{ "title_en", "UPDATE checklist_templates SET title_en = ? WHERE id = ?", true },
		{ "description_ja",
		  "UPDATE checklist_templates SET description_ja = ? WHERE id = ?", false },
		{ "description_en",
		  "UPDATE checklist_templates SET description_en = ? WHERE id = ?", false },
	};
	bool dirty = false;
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		if ((v = json_object_get(o->in, cols[i].field))) {
			if (db_exec(db, cols[i].sql, P(V_TEXT(json_string_value(v)), V_INT(o->id))))
				goto out;
			dirty |= cols[i].dirty;
		}
	if (content) {
		char *text = json_dumps(content, JSON_COMPACT);
		int rc = db_exec(db, "UPDATE checklist_templates SET content = ? WHERE id = ?",
				 P(V_TEXT(text), V_INT(o->id)));
		free(text);
		if (rc)
			goto out;
		dirty = true;
	}
	if ((v = json_object_get(o->in, "archived")) &&
	    db_exec(db, "UPDATE checklist_templates SET archived = ? WHERE id = ?",
		    P(V_BOOL(json_is_true(v)), V_INT(o->id))))
		goto out;
	if ((dirty && db_exec(db, "UPDATE checklist_templates SET draft_dirty = 1 WHERE id = ?",
			      P(V_INT(o->id)))) ||
	    db_exec(db,
		    "UPDATE checklist_templates SET updated_at = ?, version = version + 1 WHERE id "
		    "= ?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    !(after = template_plain(db, o->id)))
		goto out;
	json_t *b = audit_view(before), *a = audit_view(after);
	int rc = audit_change(db, o->who, "checklist.update", "checklist", o->id, b, a);
	json_decref(b);
	json_decref(a);
	st = rc ? ST_DB : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	return st;
}

enum status checklist_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			     struct ferrors *fe)
{
	struct tpl_op o = { who, id, patch, 0, fe };
	return db_tx_st(db, update_fn, &o);
}

/* Freezes template `id`'s draft as its next version inside the caller's transaction. With
 * `only_if_changed`, nothing happens (number 0) when the draft equals the latest version. */
static enum status publish_tx(struct db *db, const struct actor *who, int64_t id,
			      bool only_if_changed, int64_t *number, struct ferrors *fe)
{
	struct dbrows r;
	char *title_ja = NULL, *title_en = NULL, *content = NULL, *latest = NULL;
	char *latest_ja = NULL, *latest_en = NULL;
	enum status st = ST_DB;
	int64_t next = 1;
	*number = 0;
	if (db_query(
		    db, &r,
		    "SELECT t.title_ja, t.title_en, t.content, v.content, v.title_ja, v.title_en, "
		    "(SELECT COALESCE(MAX(number), 0) + 1 FROM checklist_versions x WHERE "
		    "x.template_id = t.id) FROM checklist_templates t LEFT JOIN checklist_versions "
		    "v ON v.id = t.current_version_id WHERE t.id = ?",
		    P(V_INT(id))))
		return ST_DB;
	bool found = db_next(&r);
	if (found) {
		title_ja = xstrdup(db_text(&r, 0));
		title_en = xstrdup(db_text(&r, 1));
		content = xstrdup(db_text(&r, 2));
		latest = db_text(&r, 3) ? xstrdup(db_text(&r, 3)) : NULL;
		latest_ja = db_text(&r, 4) ? xstrdup(db_text(&r, 4)) : NULL;
		latest_en = db_text(&r, 5) ? xstrdup(db_text(&r, 5)) : NULL;
		next = db_int(&r, 6);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto out;
	if (!found) {
		st = ST_NOT_FOUND;
		goto out;
	}
	json_t *c = json_loads(content, 0, NULL), *l = latest ? json_loads(latest, 0, NULL) : NULL;
	int items = c ? checklist_content_check(c, fe) : 0;
	bool same = l && json_equal(c, l) && latest_ja && !strcmp(latest_ja, title_ja) &&
		    latest_en && !strcmp(latest_en, title_en);
	char *text = c ? json_dumps(c, JSON_COMPACT) : NULL;
	json_decref(c);
	json_decref(l);
	if (items <= 0) {
		if (!ferr_any(fe))
			ferr_add(fe, "content", "empty",
				 "Add at least one item before publishing.");
		st = ST_INVALID;
		free(text);
		goto out;
	}
	if (same) {
		free(text);
		if (only_if_changed) {
			st = ST_OK;
			goto out;
		}
		ferr_add(fe, "content", "unchanged", "Nothing has changed since the last version.");
		st = ST_INVALID;
		goto out;
	}
	int64_t vid, now = now_unix();
	int rc = db_insert(
		db, &vid,
		"INSERT INTO checklist_versions (template_id, number, title_ja, title_en, "
		"content, item_count, published_by, published_at) VALUES (?, ?, ?, ?, ?, "
		"?, ?, ?) RETURNING id",
		P(V_INT(id), V_INT(next), V_TEXT(title_ja), V_TEXT(title_en), V_TEXT(text),
		  V_INT(items), V_ID(who->id), V_INT(now)));
	free(text);
	if (rc || db_exec(db,
			  "UPDATE checklist_templates SET current_version_id = ?, draft_dirty = 0, "
			  "updated_at = ?, version = version + 1 WHERE id = ?",
			  P(V_INT(vid), V_INT(now), V_INT(id))))
		goto out;
	json_t *sum = json_pack("{s:I,s:I,s:i}", "number", (json_int_t)next, "version_id",
				(json_int_t)vid, "items", items);
	rc = audit_append(db, who, "checklist.publish", "checklist", id, sum);
	json_decref(sum);
	if (rc)
		goto out;
	*number = next;
	st = ST_OK;
out:
	free(title_ja);
	free(title_en);
	free(content);
	free(latest);
	free(latest_ja);
	free(latest_en);
	return st;
}

struct publish_op {
	const struct actor *who;
	int64_t id, version, number;
	struct ferrors *fe;
};

static enum status publish_fn(struct db *db, void *arg)
{
	struct publish_op *o = arg;
	int64_t version;
	bool found;
	char lock[48];
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "checklist:%lld", (long long)o->id);
	if (db_lock(db, lock) ||
	    db_query_int(db, &version, &found,
			 "SELECT version FROM checklist_templates WHERE id = ?", P(V_INT(o->id))))
		return ST_DB;
	if (!found)
		return ST_NOT_FOUND;
	if (version != o->version)
		return ST_CONFLICT;
	return publish_tx(db, o->who, o->id, false, &o->number, o->fe);
}

enum status checklist_publish(struct db *db, const struct actor *who, int64_t id, int64_t version,
			      int64_t *number, struct ferrors *fe)
{
	struct publish_op o = { who, id, version, 0, fe };
	enum status st = db_tx_st(db, publish_fn, &o);
	*number = o.number;
	return st;
}

/* --- loading from content/checklists ------------------------------------------------------ */

struct import_op {
	const struct actor *who;
	json_t *file;
	int64_t id, number;
	bool created;
	struct ferrors fe;
};

static const char *loc(json_t *o, const char *k, const char *lang)
{
	const char *s = json_string_value(json_object_get(json_object_get(o, k), lang));
	return s ? s : "";
}

static int import_fn(struct db *db, void *arg)
{
	struct import_op *o = arg;
	const char *code = jstr(o->file, "code");
	bool found;
	int64_t now = now_unix();
	char *text = json_dumps(json_object_get(o->file, "content"), JSON_COMPACT);
	ferr_release(&o->fe);
	int rc = db_lock(db, "checklists:import") ||
		 db_query_int(db, &o->id, &found,
			      "SELECT id FROM checklist_templates WHERE code = ?", P(V_TEXT(code)));
	if (!rc && !found)
		rc = db_insert(db, &o->id,
			       "INSERT INTO checklist_templates (code, title_ja, title_en, "
			       "description_ja, description_en, content, created_at, updated_at) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       P(V_TEXT(code), V_TEXT(loc(o->file, "title", "ja")),
				 V_TEXT(loc(o->file, "title", "en")),
				 V_TEXT(loc(o->file, "description", "ja")),
				 V_TEXT(loc(o->file, "description", "en")), V_TEXT(text),
				 V_INT(now), V_INT(now)));
	else if (!rc)
		rc = db_exec(
			db,
			"UPDATE checklist_templates SET title_ja = ?, title_en = ?, "
			"description_ja = ?, description_en = ?, content = ?, draft_dirty = 1, "
			"updated_at = ?, version = version + 1 WHERE id = ?",
			P(V_TEXT(loc(o->file, "title", "ja")), V_TEXT(loc(o->file, "title", "en")),
			  V_TEXT(loc(o->file, "description", "ja")),
			  V_TEXT(loc(o->file, "description", "en")), V_TEXT(text), V_INT(now),
			  V_INT(o->id)));
	free(text);
	if (rc)
		return -1;
	o->created = !found;
	json_t *sum = json_pack("{s:s,s:b}", "code", code, "created", o->created);
	rc = audit_append(db, o->who, "checklist.import", "checklist", o->id, sum);
	json_decref(sum);
	if (rc)
		return -1;
	enum status st = publish_tx(db, o->who, o->id, true, &o->number, &o->fe);
	return st == ST_OK ? 0 : -1;
}

static int import_file(struct db *db, const struct actor *who, const char *path, struct buf *report,
		       struct buf *err)
{
	json_error_t jerr;
	struct import_op o = { who, NULL, 0, 0, false, FERRORS_INIT };
	o.file = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!o.file) {
		buf_printf(err, "%s: %s (line %d)\n", path, jerr.text, jerr.line);
		return 1;
	}
	const char *code = jstr(o.file, "code");
	int problems = 0;
	if (!code || !*code || strlen(code) > 64 || !*loc(o.file, "title", "ja")) {
		buf_printf(err, "%s: needs a code (at most 64 characters) and a Japanese title\n",
			   path);
		problems++;
	} else {
		json_t *content = json_object_get(o.file, "content");
		if (checklist_content_check(content, &o.fe) <= 0) {
			buf_printf(err, "%s: the content is not a valid checklist", path);
			size_t i;
			json_t *e;
			json_array_foreach(o.fe.list, i, e)
			{
				buf_printf(err, "%s %s (%s)", i ? "," : ":", jstr(e, "field"),
					   jstr(e, "code"));
			}
			buf_addch(err, '\n');
			problems++;
		}
	}
	if (!problems && db_tx(db, import_fn, &o)) {
		buf_printf(err, "%s: the database refused the import: %s\n", path, db_errmsg(db));
		problems++;
	}
	if (!problems)
		buf_printf(report, "%s: %s \"%s\", %s\n", code, o.created ? "added" : "updated",
			   loc(o.file, "title", "ja"),
			   o.number ? "published as a new version" : "no change to publish");
	ferr_release(&o.fe);
	json_decref(o.file);
	return problems;
}

/* What each checklist file is handed: the import's database, actor and report. */
struct import_each {
	struct db *db;
	const struct actor *who;
	struct buf *report, *err;
};

static bool is_json(const char *root, const char *name, void *arg)
{
	UNUSED(root);
	UNUSED(arg);
	size_t len = strlen(name);
	return len > 5 && !strcmp(name + len - 5, ".json");
}

static int import_each_file(const char *path, void *arg)
{
	struct import_each *a = arg;
	return import_file(a->db, a->who, path, a->report, a->err);
}

int checklists_import_all(struct db *db, const struct actor *who, const char *root,
			  struct buf *report, struct buf *err)
{
	struct import_each a = { db, who, report, err };
	size_t n;
	int problems = each_entry(root, is_json, import_each_file, &a, &n, err);
	if (problems < 0)
		return 1;
	if (n == 0) {
		buf_printf(err, "%s: no checklist files (*.json)\n", root);
		return 1;
	}
	return problems;
}
