/* assets.c — the information asset register: rules, storage, list, import and export. */
#include <string.h>

#include "assets.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

static const char *const asset_types[] = { "data",  "paper",  "software", "hardware",
					   "cloud", "people", NULL };
static const char *const asset_types_ja[] = {
	"電子データ",   "紙文書", "ソフトウェア", "ハードウェア", "クラウドサービス",
	"人・サービス", NULL
};
static const char *const asset_types_en[] = {
	"Electronic data",     "Paper", "Software", "Hardware", "Cloud service",
	"People and services", NULL
};

/* What a create body may hold; the API route and the import check with the same list. */
const struct field asset_create_schema[] = {
	{ "name", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "asset_type", FT_ENUM, F_REQUIRED, .choices = asset_types },
	{ "department_id", FT_ID, F_NULLABLE },
	{ "custodian", FT_STRING, 0, .max = 100 },
	{ "location", FT_STRING, 0, .max = 200 },
	{ "classification_id", FT_ID, F_REQUIRED },
	{ "c", FT_INT, F_REQUIRED, .min = 1, .max = 3 },
	{ "i", FT_INT, F_REQUIRED, .min = 1, .max = 3 },
	{ "a", FT_INT, F_REQUIRED, .min = 1, .max = 3 },
	{ "has_pinfo", FT_BOOL, 0 },
	{ "retention", FT_STRING, 0, .max = 100 },
	{ "disposal", FT_STRING, 0, .max = 200 },
	{ "access", FT_STRING, 0, .max = 200 },
	{ "notes", FT_TEXT, 0, .max = 2000 },
	{ "reviewed_on", FT_DATE, F_NULLABLE },
	{ 0 }
};

static const struct reg_field fields[] = {
	{ "name", "name", RF_TEXT },
	{ "asset_type", "asset_type", RF_TEXT },
	{ "department_id", "department_id", RF_ID },
	{ "custodian", "custodian", RF_TEXT },
	{ "location", "location", RF_TEXT },
	{ "classification_id", "classification_id", RF_ID },
	{ "c", "c", RF_INT },
	{ "i", "i", RF_INT },
	{ "a", "a", RF_INT },
	{ "has_pinfo", "has_pinfo", RF_BOOL },
	{ "retention", "retention", RF_TEXT },
	{ "disposal", "disposal", RF_TEXT },
	{ "access", "access", RF_TEXT },
	{ "notes", "notes", RF_TEXT },
	{ "reviewed_on", "reviewed_on", RF_DATE },
};
#define NFIELDS ARRAY_SIZE(fields)

/* The register's columns in exports and imports (Japanese headers as offices use them). */
const struct reg_column asset_columns[] = {
	{ "id", "ID", "id", RK_INT, 0 },
	{ "name", "資産名", "Name", RK_TEXT, RC_IMPORT | RC_REQUIRED, .max = 200 },
	{ "asset_type", "種別", "Type", RK_ENUM, RC_IMPORT | RC_REQUIRED, .choices = asset_types,
	  .labels_ja = asset_types_ja, .labels_en = asset_types_en },
	{ "department_id", "管理部署", "Department", RK_DEPARTMENT, RC_IMPORT,
	  .shown = "department_name" },
	{ "custodian", "管理者", "Custodian", RK_TEXT, RC_IMPORT, .max = 100 },
	{ "location", "保管場所", "Location", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "classification_id", "機密区分", "Classification", RK_CUSTOM, RC_IMPORT | RC_REQUIRED,
	  .shown = "classification_label" },
	{ "c", "機密性", "Confidentiality", RK_INT, RC_IMPORT | RC_REQUIRED, .min = 1, .max = 3 },
	{ "i", "完全性", "Integrity", RK_INT, RC_IMPORT | RC_REQUIRED, .min = 1, .max = 3 },
	{ "a", "可用性", "Availability", RK_INT, RC_IMPORT | RC_REQUIRED, .min = 1, .max = 3 },
	{ "value", "資産価値", "Value", RK_INT, 0 },
	{ "has_pinfo", "個人情報の有無", "Personal information", RK_BOOL, RC_IMPORT },
	{ "retention", "保存期間", "Retention", RK_TEXT, RC_IMPORT, .max = 100 },
	{ "disposal", "廃棄方法", "Disposal", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "access", "利用者範囲", "Access", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "notes", "備考", "Notes", RK_TEXT, RC_IMPORT, .max = 2000 },
	{ "reviewed_on", "最終見直し日", "Last reviewed", RK_DATE, RC_IMPORT },
	{ "review_due", "次回見直し期限", "Review due", RK_DATE, 0 },
	{ "updated_at", "更新日時", "Updated", RK_TIME, 0 },
};
#define NCOLUMNS ARRAY_SIZE(asset_columns)

int asset_value(int c, int i, int a)
{
	int v = c > i ? c : i;
	return v > a ? v : a;
}

/* --- reading -------------------------------------------------------------------------------- */

#define ASSET_SELECT                                                                               \
	"SELECT a.id, a.name, a.asset_type, a.department_id, d.name, a.custodian, a.location, "    \
	"a.classification_id, k.label_ja, k.label_en, k.position, "                                \
	"(SELECT MAX(position) FROM asset_classifications), a.c, a.i, a.a, a.value, "              \
	"a.has_pinfo, a.retention, a.disposal, a.access, a.notes, a.reviewed_on, "                 \
	"a.reviewed_by, u.name, a.review_due, a.created_at, a.updated_at, a.version "              \
	"FROM assets a LEFT JOIN departments d ON d.id = a.department_id "                         \
	"JOIN asset_classifications k ON k.id = a.classification_id "                              \
	"LEFT JOIN users u ON u.id = a.reviewed_by"

static json_t *opt_int(struct dbrows *r, int col)
{
	return db_isnull(r, col) ? json_null() : json_integer(db_int(r, col));
}

static json_t *opt_text(struct dbrows *r, int col)
{
	return db_text(r, col) ? json_string(db_text(r, col)) : json_null();
}

static json_t *asset_row(struct dbrows *r, const void *arg)
{
	const char *today = arg;
	char c[21], u[21];
	time_rfc3339(db_int(r, 25), c);
	time_rfc3339(db_int(r, 26), u);
	const char *due = db_text(r, 24);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, 0)));
	json_object_set_new(o, "name", json_string(db_text(r, 1)));
	json_object_set_new(o, "asset_type", json_string(db_text(r, 2)));
	json_object_set_new(o, "department_id", opt_int(r, 3));
	json_object_set_new(o, "department_name", opt_text(r, 4));
	json_object_set_new(o, "custodian", json_string(db_text(r, 5)));
	json_object_set_new(o, "location", json_string(db_text(r, 6)));
	json_object_set_new(o, "classification_id", json_integer(db_int(r, 7)));
	json_object_set_new(o, "classification_label", json_string(db_text(r, 8)));
	json_object_set_new(o, "classification_label_en", json_string(db_text(r, 9)));
	json_object_set_new(o, "classification_position", json_integer(db_int(r, 10)));
	json_object_set_new(o, "encryption_required", json_boolean(db_int(r, 10) < db_int(r, 11)));
	json_object_set_new(o, "c", json_integer(db_int(r, 12)));
	json_object_set_new(o, "i", json_integer(db_int(r, 13)));
	json_object_set_new(o, "a", json_integer(db_int(r, 14)));
	json_object_set_new(o, "value", json_integer(db_int(r, 15)));
	json_object_set_new(o, "has_pinfo", json_boolean(db_int(r, 16)));
	json_object_set_new(o, "retention", json_string(db_text(r, 17)));
	json_object_set_new(o, "disposal", json_string(db_text(r, 18)));
	json_object_set_new(o, "access", json_string(db_text(r, 19)));
	json_object_set_new(o, "notes", json_string(db_text(r, 20)));
	json_object_set_new(o, "reviewed_on", json_string(db_text(r, 21)));
	json_object_set_new(o, "reviewed_by", opt_int(r, 22));
	json_object_set_new(o, "reviewed_by_name", opt_text(r, 23));
	json_object_set_new(o, "review_due", json_string(due));
	json_object_set_new(o, "review_overdue", json_boolean(reg_overdue(due, today)));
	json_object_set_new(o, "created_at", json_string(c));
	json_object_set_new(o, "updated_at", json_string(u));
	json_object_set_new(o, "version", json_integer(db_int(r, 27)));
	return o;
}

json_t *asset_json(struct db *db, const struct reg_scope *scope, int64_t id)
{
	struct dbrows r;
	json_t *o = NULL;
	char today[11];
	tz_today(today);
	if (db_query(db, &r, ASSET_SELECT " WHERE a.id = ?", P(V_INT(id))))
		return NULL;
	if (db_next(&r) && reg_scope_allows(scope, db_isnull(&r, 3) ? 0 : db_int(&r, 3)))
		o = asset_row(&r, today);
	db_rows_free(&r);
	return o;
}

static void filters(struct query *q, const struct reg_scope *scope, const struct asset_filter *f,
		    struct arena *a)
{
	query_add(q, "WHERE 1 = 1", NULL, 0);
	if (!scope->all)
		query_add(q, "AND a.department_id = ?", P(V_INT(scope->department_id)));
	if (f->q && *f->q)
		query_add(q, "AND a.search LIKE ? ESCAPE '\\'",
			  P(V_TEXT(reg_like_pattern(a, f->q))));
	if (f->department_id)
		query_add(q, "AND a.department_id = ?", P(V_INT(f->department_id)));
	if (f->classification_id)
		query_add(q, "AND a.classification_id = ?", P(V_INT(f->classification_id)));
	if (f->asset_type && *f->asset_type)
		query_add(q, "AND a.asset_type = ?", P(V_TEXT(f->asset_type)));
	if (f->has_pinfo >= 0)
		query_add(q, "AND a.has_pinfo = ?", P(V_INT(f->has_pinfo)));
	if (f->overdue) {
		char *today = arena_alloc(a, 11);
		tz_today(today);
		query_add(q, "AND a.review_due < ?", P(V_TEXT(today)));
	}
}

int assets_list(struct db *db, const struct reg_scope *scope, const struct asset_filter *f,
		int64_t cursor, int64_t limit, json_t **items, int64_t *next)
{
	struct query q;
	struct dbrows r;
	struct arena a = ARENA_INIT;
	char today[11];
	tz_today(today);
	query_init(&q, ASSET_SELECT);
	filters(&q, scope, f, &a);
	if (cursor)
		query_add(&q, "AND a.id > ?", P(V_INT(cursor)));
	if (limit)
		query_add(&q, "ORDER BY a.id LIMIT ?", P(V_INT(limit + 1)));
	else
		query_add(&q, "ORDER BY a.id", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	arena_release(&a);
	if (rc)
		return -1;
	rc = reg_collect(&r, limit, asset_row, today, items, next);
	db_rows_free(&r);
	return rc;
}

/* --- rules ---------------------------------------------------------------------------------- */

/* The rules a record must keep beyond its field types: those of every register (department,
 * review date; registers.h) and a classification level that exists. */
static int check_rules(struct db *db, const struct reg_scope *scope, json_t *rec,
		       struct ferrors *fe)
{
	int64_t one;
	bool found;
	if (reg_check_common(db, scope, rec, fe))
		return -1;
	json_t *v = json_object_get(rec, "classification_id");
	if (json_is_integer(v)) {
		if (db_query_int(db, &one, &found,
				 "SELECT 1 FROM asset_classifications WHERE id = ?",
				 P(V_INT(json_integer_value(v)))))
			return -1;
		if (!found)
			ferr_add(fe, "classification_id", "not_found",
				 "There is no such classification level.");
	}
	return 0;
}

/* Binds the fields plus the derived columns (value, review_due, search) of `rec`. */
static size_t bind_all(json_t *rec, struct dbval *vals, char due[11], struct buf *search)
{
	reg_bind(fields, NFIELDS, rec, vals);
	int c = (int)json_integer_value(json_object_get(rec, "c"));
	int i = (int)json_integer_value(json_object_get(rec, "i"));
	int a = (int)json_integer_value(json_object_get(rec, "a"));
	reg_review_due(json_string_value(json_object_get(rec, "reviewed_on")), due);
	static const char *const words[] = { "name", "location", "custodian", "notes" };
	for (size_t k = 0; k < ARRAY_SIZE(words); k++)
		reg_search_add(search, json_string_value(json_object_get(rec, words[k])));
	size_t n = NFIELDS;
	vals[n++] = V_INT(asset_value(c, i, a));
	vals[n++] = V_TEXT(due);
	vals[n++] = V_TEXT(search->buf);
	return n;
}

/* Checks `in` and, when clean, inserts it; the shared step of create and import. */
static int insert_checked(struct db *db, const struct actor *who, const struct reg_scope *scope,
			  json_t *in, int64_t *id, struct ferrors *fe)
{
	*id = 0;
	json_t *rec = json_deep_copy(in);
	reg_trim_strings(rec);
	schema_validate(asset_create_schema, rec, false, fe);
	if (ferr_any(fe)) {
		json_decref(rec);
		return 0;
	}
	if (!json_is_string(json_object_get(rec, "reviewed_on"))) {
		char today[11];
		tz_today(today);
		json_object_set_new(rec, "reviewed_on", json_string(today));
	}
	int ret = -1;
	if (check_rules(db, scope, rec, fe))
		goto out;
	ret = 0;
	if (ferr_any(fe))
		goto out;
	struct dbval vals[NFIELDS + 6];
	char due[11];
	struct buf search = BUF_INIT, sql = BUF_INIT;
	size_t n = bind_all(rec, vals, due, &search);
	int64_t now = now_unix();
	vals[n++] = V_ID(who->id);
	vals[n++] = V_INT(now);
	vals[n++] = V_INT(now);
	reg_insert_sql(&sql, "assets", fields, NFIELDS,
		       "value, review_due, search, reviewed_by, created_at, updated_at", 6);
	ret = db_insert(db, id, sql.buf, vals, n);
	buf_release(&sql);
	buf_release(&search);
out:
	json_decref(rec);
	return ret;
}

/* Only what a reviewer needs in the trail: the editable fields. */
static json_t *audit_view(json_t *asset)
{
	return reg_editable(fields, NFIELDS, asset);
}

const struct reg_record asset_kind = {
	"asset",
	"assets",
	asset_json,
	audit_view,
	insert_checked,
	NULL,
	"Risks are recorded against this asset. Move or remove them first."
};

static int update_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	int ret = -1;
	o->st = ST_DB;
	json_t *before =
		reg_load_for_change(db, o, json_integer_value(json_object_get(o->in, "version")));
	if (!before)
		return -1;
	json_t *rec = reg_patched(fields, NFIELDS, before, o->in);
	reg_trim_strings(rec);
	if (json_is_null(json_object_get(rec, "reviewed_on")))
		json_object_set(rec, "reviewed_on", json_object_get(before, "reviewed_on"));
	schema_validate(asset_create_schema, rec, false, o->fe);
	if (!ferr_any(o->fe) && check_rules(db, o->scope, rec, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		goto out;
	}
	struct dbval vals[NFIELDS + 6];
	char due[11];
	struct buf search = BUF_INIT, sql = BUF_INIT;
	size_t n = bind_all(rec, vals, due, &search);
	vals[n++] = V_INT(now_unix());
	vals[n++] = V_INT(o->id);
	reg_update_sql(
		&sql, "assets", fields, NFIELDS,
		"value = ?, review_due = ?, search = ?, updated_at = ?, version = version + 1");
	int rc = db_exec(db, sql.buf, vals, n);
	buf_release(&sql);
	buf_release(&search);
	if (rc == 0)
		ret = reg_audit_change(db, o, before, false, "asset.update");
out:
	json_decref(rec);
	json_decref(before);
	return ret;
}

enum status asset_update(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 int64_t id, json_t *patch, struct ferrors *fe)
{
	struct reg_op o = {
		.kind = &asset_kind, .who = who, .scope = scope, .id = id, .in = patch, .fe = fe
	};
	return reg_op_run(db, update_fn, &o);
}

/* --- export and import ---------------------------------------------------------------------- */

enum status assets_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
			  const struct asset_filter *f, struct reg_export *x)
{
	json_t *items;
	int64_t next;
	if (assets_list(db, scope, f, 0, 0, &items, &next))
		return ST_DB;
	enum status st = reg_export_audited(db, who, asset_columns, NCOLUMNS, items, x,
					    "情報資産管理台帳", "export.assets", "asset");
	json_decref(items);
	return st;
}

/* A classification cell: its Japanese or English label, or its position number. */
static const char *import_resolve(struct db *db, const struct reg_column *col, const char *text,
				  json_t **out)
{
	UNUSED(col);
	int64_t id, pos = 0;
	bool found;
	parse_i64(text, 1, 100, &pos);
	if (db_query_int(db, &id, &found,
			 "SELECT id FROM asset_classifications WHERE label_ja = ? OR "
			 "lower(label_en) = lower(?) OR position = ? ORDER BY position LIMIT 1",
			 P(V_TEXT(text), V_TEXT(text), V_INT(pos))))
		return "db_error";
	if (!found)
		return "not_found";
	*out = json_integer(id);
	return NULL;
}

enum status assets_import(struct db *db, const struct actor *who, const struct reg_scope *scope,
			  const char *data, size_t len, enum csv_encoding enc, bool dry_run,
			  void (*progress)(void *, size_t, size_t), void *progress_arg,
			  struct reg_import_result *res, struct ferrors *fe)
{
	struct reg_import imp = { .kind = &asset_kind,
				  .scope = scope,
				  .cols = asset_columns,
				  .ncols = NCOLUMNS,
				  .resolve = import_resolve,
				  .progress = progress,
				  .progress_arg = progress_arg };
	return reg_import_csv(db, who, &imp, data, len, enc, dry_run, res, fe);
}

/* --- classification levels ------------------------------------------------------------------ */

json_t *classifications_list(struct db *db)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT k.id, k.position, k.label_ja, k.label_en, k.version, (SELECT "
		     "MAX(position) FROM asset_classifications), (SELECT COUNT(*) FROM assets a "
		     "WHERE a.classification_id = k.id) FROM asset_classifications k ORDER BY "
		     "k.position",
		     P0))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(
			items,
			json_pack("{s:I,s:I,s:s,s:s,s:I,s:b,s:I}", "id", (json_int_t)db_int(&r, 0),
				  "position", (json_int_t)db_int(&r, 1), "label_ja", db_text(&r, 2),
				  "label_en", db_text(&r, 3), "version", (json_int_t)db_int(&r, 4),
				  "encryption_required", db_int(&r, 1) < db_int(&r, 5), "assets",
				  (json_int_t)db_int(&r, 6)));
	if (r.failed) {
		json_decref(items);
		items = NULL;
	}
	db_rows_free(&r);
	return items;
}

/* Field errors for labels another level (not `except`) already has. */
static int labels_taken(struct db *db, json_t *ja, json_t *en, int64_t except, struct ferrors *fe)
{
	int64_t other;
	bool found;
	if (ja) {
		if (db_query_int(
			    db, &other, &found,
			    "SELECT id FROM asset_classifications WHERE label_ja = ? AND id <> ?",
			    P(V_TEXT(json_string_value(ja)), V_INT(except))))
			return -1;
		if (found)
			ferr_add(fe, "label_ja", "taken", "Another level has this label.");
	}
	if (en) {
		if (db_query_int(db, &other, &found,
				 "SELECT id FROM asset_classifications WHERE lower(label_en) = "
				 "lower(?) AND id <> ?",
				 P(V_TEXT(json_string_value(en)), V_INT(except))))
			return -1;
		if (found)
			ferr_add(fe, "label_en", "taken", "Another level has this label.");
	}
	return 0;
}

/* Moves the levels at `from` and below (position >= from) by `by` (+1 or -1). Positions are
 * unique at every moment on both engines, so the move goes through negative numbers. */
static int shift_levels(struct db *db, int64_t from, int by)
{
	return db_exec(db,
		       "UPDATE asset_classifications SET position = -(position + ?) WHERE "
		       "position >= ?",
		       P(V_INT(by), V_INT(from))) ||
	       db_exec(db,
		       "UPDATE asset_classifications SET position = -position WHERE position < 0",
		       P0);
}

/* The level as the audit trail keeps it. */
static json_t *level_view(int64_t position, const char *ja, const char *en)
{
	return json_pack("{s:I,s:s,s:s}", "position", (json_int_t)position, "label_ja", ja,
			 "label_en", en);
}

static int class_update_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	int64_t version;
	bool found;
	o->st = ST_DB;
	if (db_query_int(db, &version, &found,
			 "SELECT version FROM asset_classifications WHERE id = ?", P(V_INT(o->id))))
		return -1;
	if (!found) {
		o->st = ST_NOT_FOUND;
		return -1;
	}
	if (version != json_integer_value(json_object_get(o->in, "version"))) {
		o->st = ST_CONFLICT;
		return -1;
	}
	json_t *ja = json_object_get(o->in, "label_ja"), *en = json_object_get(o->in, "label_en");
	if (labels_taken(db, ja, en, o->id, o->fe))
		return -1;
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		return -1;
	}
	if ((ja && db_exec(db, "UPDATE asset_classifications SET label_ja = ? WHERE id = ?",
			   P(V_TEXT(json_string_value(ja)), V_INT(o->id)))) ||
	    (en && db_exec(db, "UPDATE asset_classifications SET label_en = ? WHERE id = ?",
			   P(V_TEXT(json_string_value(en)), V_INT(o->id)))) ||
	    db_exec(db,
		    "UPDATE asset_classifications SET updated_at = ?, version = version + 1 "
		    "WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))))
		return -1;
	json_t *sum = json_pack("{s:O}", "changes", o->in);
	int rc = audit_append(db, o->who, "classification.update", "classification", o->id, sum);
	json_decref(sum);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

enum status classification_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
				  struct ferrors *fe)
{
	struct reg_op o = { .who = who, .scope = &reg_scope_all, .id = id, .in = patch, .fe = fe };
	return reg_op_run(db, class_update_fn, &o);
}

static int class_create_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	int64_t count;
	bool found;
	o->st = ST_DB;
	if (db_lock(db, "assets:classifications") ||
	    db_query_int(db, &count, &found, "SELECT COUNT(*) FROM asset_classifications", P0))
		return -1;
	json_t *ja = json_object_get(o->in, "label_ja"), *en = json_object_get(o->in, "label_en");
	json_t *p = json_object_get(o->in, "position");
	int64_t position = json_is_integer(p) ? json_integer_value(p) : count + 1;
	if (position > count + 1)
		ferr_add(o->fe, "position", "out_of_range",
			 "A new level goes between the existing ones or after the last.");
	if (count >= CLASSIFICATION_MAX)
		ferr_add(o->fe, "position", "too_many", "There are as many levels as allowed.");
	if (labels_taken(db, ja, en, 0, o->fe))
		return -1;
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		return -1;
	}
	int64_t now = now_unix();
	if (shift_levels(db, position, 1) ||
	    db_insert(db, &o->id,
		      "INSERT INTO asset_classifications (position, label_ja, label_en, "
		      "created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		      P(V_INT(position), V_TEXT(json_string_value(ja)),
			V_TEXT(json_string_value(en)), V_INT(now), V_INT(now))))
		return -1;
	json_t *sum = json_pack("{s:o,s:I}", "after",
				level_view(position, json_string_value(ja), json_string_value(en)),
				"levels", (json_int_t)count + 1);
	int rc = audit_append(db, o->who, "classification.create", "classification", o->id, sum);
	json_decref(sum);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

enum status classification_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
				  struct ferrors *fe)
{
	struct reg_op o = { .who = who, .scope = &reg_scope_all, .in = in, .fe = fe };
	enum status st = reg_op_run(db, class_create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

static int class_delete_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	struct dbrows r;
	int64_t count, used;
	bool found;
	o->st = ST_DB;
	if (db_lock(db, "assets:classifications") ||
	    db_query(db, &r,
		     "SELECT position, label_ja, label_en, version FROM asset_classifications "
		     "WHERE id = ?",
		     P(V_INT(o->id))))
		return -1;
	if (!db_next(&r)) {
		o->st = r.failed ? ST_DB : ST_NOT_FOUND;
		db_rows_free(&r);
		return -1;
	}
	int64_t position = db_int(&r, 0), version = db_int(&r, 3);
	json_t *before = level_view(position, db_text(&r, 1), db_text(&r, 2));
	db_rows_free(&r);
	int ret = -1;
	if (version != o->version) {
		o->st = ST_CONFLICT;
		goto out;
	}
	if (db_query_int(db, &count, &found, "SELECT COUNT(*) FROM asset_classifications", P0) ||
	    db_query_int(db, &used, &found,
			 "SELECT COUNT(*) FROM assets WHERE classification_id = ?",
			 P(V_INT(o->id))))
		goto out;
	if (count <= CLASSIFICATION_MIN) {
		o->st = ST_CONFLICT;
		o->fe->code = "min_levels";
		o->fe->detail = "There must be at least two classification levels.";
		goto out;
	}
	if (used) {
		o->st = ST_CONFLICT;
		o->fe->code = "in_use";
		o->fe->detail = "Information assets are classified at this level. Move them to "
				"another level first.";
		goto out;
	}
	if (db_exec(db, "DELETE FROM asset_classifications WHERE id = ?", P(V_INT(o->id)))) {
		if (db_errkind(db) == DBE_CONSTRAINT) {
			o->st = ST_CONFLICT;
			o->fe->code = "in_use";
			o->fe->detail = "Information assets are classified at this level.";
			db_set_error(db, DBE_OTHER, "classification in use");
		}
		goto out;
	}
	if (shift_levels(db, position + 1, -1))
		goto out;
	json_t *sum = json_pack("{s:O,s:I}", "before", before, "levels", (json_int_t)count - 1);
	ret = audit_append(db, o->who, "classification.delete", "classification", o->id, sum);
	json_decref(sum);
	if (ret == 0)
		o->st = ST_OK;
out:
	json_decref(before);
	return ret;
}

enum status classification_delete(struct db *db, const struct actor *who, int64_t id,
				  int64_t version, struct ferrors *fe)
{
	struct reg_op o = {
		.who = who, .scope = &reg_scope_all, .id = id, .version = version, .fe = fe
	};
	return reg_op_run(db, class_delete_fn, &o);
}
