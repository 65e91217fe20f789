/* import.c — loading documents from content/policies (the starter pledges).
 *
 * A folder per document:
 *   policy.json   {"code", "category", "title": {"ja", "en"}, "on_hire", "on_exit"}
 *   body.ja.md    the Japanese text (Markdown), body.en.md the English one
 * A document is matched by code. When its text differs from the newest version, the text
 * becomes a new draft version — never published: a policy takes effect only through its
 * approval (privacy officer, then top management). A version already open is left alone. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies.h"
#include "internal.h"
#include "../../lib/folders.h"
#include "../../lib/timeutil.h"

#define MAX_FILE (512 * 1024)

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= MAX_FILE)
		buf_add(&b, chunk, n);
	bool bad = ferror(f) || b.len > MAX_FILE || !utf8_valid_text(b.buf, b.len);
	fclose(f);
	if (bad) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static const char *loc(json_t *o, const char *k, const char *lang)
{
	const char *s = json_string_value(json_object_get(json_object_get(o, k), lang));
	return s ? s : "";
}

struct import_op {
	const struct actor *who;
	json_t *file;
	const char *ja, *en;
	int64_t id, version_id;
	bool created, open;
	struct ferrors fe;
};

static int import_fn(struct db *db, void *arg)
{
	struct import_op *o = arg;
	const char *code = json_string_value(json_object_get(o->file, "code"));
	struct dbrows r;
	bool found;
	int64_t now = now_unix();
	ferr_release(&o->fe);
	o->version_id = 0;
	o->open = false;
	if (db_lock(db, "policies:import") ||
	    db_query_int(db, &o->id, &found, "SELECT id FROM policies WHERE code = ?",
			 P(V_TEXT(code))))
		return -1;
	o->created = !found;
	if (!found) {
		bool hire = json_is_true(json_object_get(o->file, "on_hire"));
		if (db_insert(db, &o->id,
			      "INSERT INTO policies (code, category, title_ja, title_en, on_hire, "
			      "on_hire_since, on_exit, created_at, updated_at) VALUES (?, ?, ?, ?, "
			      "?, ?, ?, ?, ?) RETURNING id",
			      P(V_TEXT(code),
				V_TEXT(json_string_value(json_object_get(o->file, "category"))),
				V_TEXT(loc(o->file, "title", "ja")),
				V_TEXT(loc(o->file, "title", "en")), V_BOOL(hire),
				hire ? V_INT(now) : V_NULL,
				V_BOOL(json_is_true(json_object_get(o->file, "on_exit"))),
				V_INT(now), V_INT(now))))
			return -1;
		json_t *sum = json_pack("{s:s}", "code", code);
		int rc = audit_append(db, o->who, "policy.import", "policy", o->id, sum);
		json_decref(sum);
		if (rc)
			return -1;
	}
	/* The newest version's text, and whether one is still open. */
	if (db_query(db, &r,
		     "SELECT body_ja, body_en, status FROM policy_versions WHERE policy_id = ? AND "
		     "status <> 'discarded' ORDER BY number DESC LIMIT 1",
		     P(V_INT(o->id))))
		return -1;
	bool same = false;
	if (db_next(&r)) {
		same = !strcmp(db_text(&r, 0), o->ja) && !strcmp(db_text(&r, 1), o->en);
		o->open = policy_version_open(db_text(&r, 2));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	if (same || o->open)
		return 0;
	json_t *in = json_pack("{s:s,s:s,s:s}", "body_ja", o->ja, "body_en", o->en, "change_note",
			       "mamori の初期コンテンツから読み込み / loaded from mamori's starter "
			       "content");
	enum status st = policy_version_new_tx(db, o->who, o->id, in, &o->version_id, &o->fe);
	json_decref(in);
	return st == ST_OK ? 0 : -1;
}

static int import_dir(struct db *db, const struct actor *who, const char *dir, struct buf *report,
		      struct buf *err)
{
	char path[PATH_MAX];
	json_error_t jerr;
	struct import_op o = { .who = who, .fe = FERRORS_INIT };
	char *ja = NULL, *en = NULL;
	int problems = 0;
	snprintf(path, sizeof(path), "%s/policy.json", dir);
	o.file = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!o.file) {
		buf_printf(err, "%s: %s (line %d)\n", path, jerr.text, jerr.line);
		return 1;
	}
	const char *code = json_string_value(json_object_get(o.file, "code"));
	const char *category = json_string_value(json_object_get(o.file, "category"));
	bool known = false;
	for (const char *const *c = policy_categories; category && *c; c++)
		known |= !strcmp(*c, category);
	if (!code || !*code || strlen(code) > 64 || !known || !*loc(o.file, "title", "ja")) {
		buf_printf(err,
			   "%s: needs a code, a category (basic_policy, privacy_policy, "
			   "standard, procedure, internal_rule or pledge) and a Japanese title\n",
			   path);
		problems++;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/body.ja.md", dir);
	ja = read_text(path);
	snprintf(path, sizeof(path), "%s/body.en.md", dir);
	en = read_text(path);
	if (!ja || !*ja) {
		buf_printf(err, "%s/body.ja.md: missing, empty, too large or not UTF-8 text\n",
			   dir);
		problems++;
		goto out;
	}
	o.ja = ja;
	o.en = en ? en : "";
	if (db_tx(db, import_fn, &o)) {
		buf_printf(err, "%s: the database refused the import: %s\n", dir, db_errmsg(db));
		problems++;
		goto out;
	}
	buf_printf(report, "%s: %s \"%s\", %s\n", code, o.created ? "added" : "found",
		   loc(o.file, "title", "ja"),
		   o.version_id ? "new text as a draft version (approve it to publish)"
		   : o.open     ? "a version is open; left alone"
				: "no change");
out:
	ferr_release(&o.fe);
	free(ja);
	free(en);
	json_decref(o.file);
	return problems;
}

/* What each content folder is handed: the import's database, actor and report. */
struct import_each {
	struct db *db;
	const struct actor *who;
	struct buf *report, *err;
};

static int import_each_dir(const char *dir, void *arg)
{
	struct import_each *a = arg;
	return import_dir(a->db, a->who, dir, a->report, a->err);
}

int policies_import_all(struct db *db, const struct actor *who, const char *root,
			struct buf *report, struct buf *err)
{
	struct import_each a = { db, who, report, err };
	return each_content_folder(root, "policy.json", "document", import_each_dir, &a, err);
}
