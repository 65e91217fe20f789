/* pinfo.c — the personal information register: rules, storage, list, import and export. */
#include <string.h>

#include "pinfo.h"
#include "../assets/assets.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

#define LC(stage)                                                                                  \
	{ "lc_" stage "_risks", FT_TEXT, 0, .max = 1000 },                                         \
		{ "lc_" stage "_controls", FT_TEXT, 0, .max = 1000 },                              \
	{                                                                                          \
		"lc_" stage "_residual", FT_TEXT, 0, .max = 500                                    \
	}

static const char *const processings[] = { "none", "pseudonymised", "anonymised", NULL };
static const char *const processings_ja[] = { "なし", "仮名加工情報", "匿名加工情報", NULL };
static const char *const processings_en[] = { "None", "Pseudonymised", "Anonymised", NULL };

/* What a create body may hold; the API route and the import check with the same list. */
const struct field pinfo_create_schema[] = {
	{ "name", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "department_id", FT_ID, F_NULLABLE },
	{ "items", FT_TEXT, F_REQUIRED, .min = 1, .max = 1000 },
	{ "purpose", FT_TEXT, F_REQUIRED, .min = 1, .max = 1000 },
	{ "storage_location", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "storage_method", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "access", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "use_until", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "retention_until", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "record_count", FT_INT, F_NULLABLE, .min = 0, .max = 1000000000000LL },
	{ "subjects", FT_STRING, 0, .max = 200 },
	{ "sensitive", FT_BOOL, 0 },
	{ "acquisition", FT_STRING, 0, .max = 200 },
	{ "direct_written", FT_BOOL, 0 },
	{ "purpose_notice", FT_STRING, 0, .max = 200 },
	{ "consent", FT_STRING, 0, .max = 200 },
	{ "third_party", FT_STRING, 0, .max = 200 },
	{ "contractor", FT_STRING, 0, .max = 200 },
	{ "disposal", FT_STRING, 0, .max = 200 },
	{ "notes", FT_TEXT, 0, .max = 2000 },
	{ "retained", FT_BOOL, 0 },
	{ "tp_provided", FT_BOOL, 0 },
	{ "tp_recipient", FT_STRING, 0, .max = 200 },
	{ "tp_when", FT_STRING, 0, .max = 200 },
	{ "tp_items", FT_STRING, 0, .max = 500 },
	{ "tp_consent", FT_STRING, 0, .max = 200 },
	{ "abroad", FT_BOOL, 0 },
	{ "abroad_country", FT_STRING, 0, .max = 200 },
	{ "abroad_info", FT_TEXT, 0, .max = 1000 },
	{ "processing", FT_ENUM, 0, .choices = processings },
	{ "my_number", FT_BOOL, 0 },
	LC("acquire"),
	LC("transfer"),
	LC("use"),
	LC("store"),
	LC("dispose"),
	{ "asset_ids", FT_INTARRAY, 0 },
	{ "reviewed_on", FT_DATE, F_NULLABLE },
	{ 0 }
};

#define LCF(stage)                                                                                 \
	{ "lc_" stage "_risks", "lc_" stage "_risks", RF_TEXT },                                   \
		{ "lc_" stage "_controls", "lc_" stage "_controls", RF_TEXT },                     \
	{                                                                                          \
		"lc_" stage "_residual", "lc_" stage "_residual", RF_TEXT                          \
	}

static const struct reg_field fields[] = {
	{ "name", "name", RF_TEXT },
	{ "department_id", "department_id", RF_ID },
	{ "items", "items", RF_TEXT },
	{ "purpose", "purpose", RF_TEXT },
	{ "storage_location", "storage_location", RF_TEXT },
	{ "storage_method", "storage_method", RF_TEXT },
	{ "access", "access", RF_TEXT },
	{ "use_until", "use_until", RF_TEXT },
	{ "retention_until", "retention_until", RF_TEXT },
	{ "record_count", "record_count", RF_INT },
	{ "subjects", "subjects", RF_TEXT },
	{ "sensitive", "sensitive", RF_BOOL },
	{ "acquisition", "acquisition", RF_TEXT },
	{ "direct_written", "direct_written", RF_BOOL },
	{ "purpose_notice", "purpose_notice", RF_TEXT },
	{ "consent", "consent", RF_TEXT },
	{ "third_party", "third_party", RF_TEXT },
	{ "contractor", "contractor", RF_TEXT },
	{ "disposal", "disposal", RF_TEXT },
	{ "notes", "notes", RF_TEXT },
	{ "retained", "retained", RF_BOOL },
	{ "tp_provided", "tp_provided", RF_BOOL },
	{ "tp_recipient", "tp_recipient", RF_TEXT },
	{ "tp_when", "tp_when", RF_TEXT },
	{ "tp_items", "tp_items", RF_TEXT },
	{ "tp_consent", "tp_consent", RF_TEXT },
	{ "abroad", "abroad", RF_BOOL },
	{ "abroad_country", "abroad_country", RF_TEXT },
	{ "abroad_info", "abroad_info", RF_TEXT },
	{ "processing", "processing", RF_TEXT },
	{ "my_number", "my_number", RF_BOOL },
	LCF("acquire"),
	LCF("transfer"),
	LCF("use"),
	LCF("store"),
	LCF("dispose"),
	{ "reviewed_on", "reviewed_on", RF_DATE },
};
#define NFIELDS ARRAY_SIZE(fields)

#define LCC(stage, ja)                                                                             \
	{                                                                                          \
		"lc_" stage "_risks", ja "のリスク", "lc_" stage "_risks", RK_TEXT, RC_IMPORT,     \
		.max = 1000                                                                        \
	},                                                                                         \
		{ "lc_" stage "_controls",                                                         \
		  ja "の対策",                                                                     \
		  "lc_" stage "_controls",                                                         \
		  RK_TEXT,                                                                         \
		  RC_IMPORT,                                                                       \
		  .max = 1000 },                                                                   \
	{                                                                                          \
		"lc_" stage "_residual", ja "の残留リスク", "lc_" stage "_residual", RK_TEXT,      \
			RC_IMPORT, .max = 500                                                      \
	}

const struct reg_column pinfo_columns[] = {
	{ "id", "ID", "id", RK_INT, 0 },
	{ "name", "台帳名", "Name", RK_TEXT, RC_IMPORT | RC_REQUIRED, .max = 200 },
	{ "department_id", "管理部署", "Department", RK_DEPARTMENT, RC_IMPORT,
	  .shown = "department_name" },
	{ "items", "個人情報の項目", "Data items", RK_TEXT, RC_IMPORT | RC_REQUIRED, .max = 1000 },
	{ "purpose", "利用目的", "Purpose", RK_TEXT, RC_IMPORT | RC_REQUIRED, .max = 1000 },
	{ "storage_location", "保管場所", "Storage location", RK_TEXT, RC_IMPORT | RC_REQUIRED,
	  .max = 200 },
	{ "storage_method", "保管方法", "Storage method", RK_TEXT, RC_IMPORT | RC_REQUIRED,
	  .max = 200 },
	{ "access", "アクセス権を有する者", "Access", RK_TEXT, RC_IMPORT | RC_REQUIRED,
	  .max = 200 },
	{ "use_until", "利用期限", "Use until", RK_TEXT, RC_IMPORT | RC_REQUIRED, .max = 100 },
	{ "retention_until", "保管期限", "Retention until", RK_TEXT, RC_IMPORT | RC_REQUIRED,
	  .max = 100 },
	{ "record_count", "件数", "Count", RK_INT, RC_IMPORT, .min = 0, .max = 1000000000000LL },
	{ "subjects", "本人の区分", "Data subjects", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "sensitive", "要配慮個人情報", "Sensitive", RK_BOOL, RC_IMPORT },
	{ "acquisition", "取得方法", "Acquisition", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "direct_written", "本人から書面で直接取得", "Directly in writing", RK_BOOL, RC_IMPORT },
	{ "purpose_notice", "利用目的の通知・公表", "Purpose notice", RK_TEXT, RC_IMPORT,
	  .max = 200 },
	{ "consent", "同意", "Consent", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "third_party", "第三者提供・共同利用", "Third party", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "contractor", "委託先", "Contractor", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "disposal", "廃棄方法", "Disposal", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "retained", "保有個人データ", "Retained personal data", RK_BOOL, RC_IMPORT },
	{ "tp_provided", "第三者提供", "Provided to third parties", RK_BOOL, RC_IMPORT },
	{ "tp_recipient", "提供先", "Recipient", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "tp_when", "提供の時期", "When provided", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "tp_items", "提供する項目", "Items provided", RK_TEXT, RC_IMPORT, .max = 500 },
	{ "tp_consent", "本人の同意等", "Consent or basis", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "abroad", "外国にある第三者への提供", "Provided abroad", RK_BOOL, RC_IMPORT },
	{ "abroad_country", "提供先の国", "Country", RK_TEXT, RC_IMPORT, .max = 200 },
	{ "abroad_info", "本人に提供した情報", "Information given to the person", RK_TEXT,
	  RC_IMPORT, .max = 1000 },
	{ "processing", "仮名・匿名加工", "Pseudonymised or anonymised", RK_ENUM, RC_IMPORT,
	  .choices = processings, .labels_ja = processings_ja, .labels_en = processings_en },
	{ "my_number", "特定個人情報 (マイナンバー)", "My Number", RK_BOOL, RC_IMPORT },
	{ "notes", "備考", "Notes", RK_TEXT, RC_IMPORT, .max = 2000 },
	LCC("acquire", "取得・入力"),
	LCC("transfer", "移送・送信"),
	LCC("use", "利用・加工"),
	LCC("store", "保管・バックアップ"),
	LCC("dispose", "消去・廃棄"),
	{ "asset_ids", "関連資産ID", "Asset ids", RK_LIST, 0 },
	{ "reviewed_on", "最終見直し日", "Last reviewed", RK_DATE, RC_IMPORT },
	{ "review_due", "次回見直し期限", "Review due", RK_DATE, 0 },
	{ "updated_at", "更新日時", "Updated", RK_TIME, 0 },
};
#define NCOLUMNS ARRAY_SIZE(pinfo_columns)

/* --- reading -------------------------------------------------------------------------------- */

/* Columns after the fields: */
enum {
	C_ID,
	C_DEPT_NAME,
	C_REVIEWED_BY,
	C_REVIEWER,
	C_DUE,
	C_CREATED,
	C_UPDATED,
	C_VERSION,
	C_OWN,
	C_FIELDS
};

static void select_head(struct buf *b)
{
	buf_adds(b, "SELECT p.id, d.name, p.reviewed_by, u.name, p.review_due, p.created_at, "
		    "p.updated_at, p.version, p.own_key, ");
	reg_columns_sql(b, "p", fields, NFIELDS);
	buf_adds(b, " FROM pinfo p LEFT JOIN departments d ON d.id = p.department_id "
		    "LEFT JOIN users u ON u.id = p.reviewed_by");
}

static json_t *pinfo_row(struct dbrows *r, const void *arg)
{
	const char *today = arg;
	char c[21], u[21];
	time_rfc3339(db_int(r, C_CREATED), c);
	time_rfc3339(db_int(r, C_UPDATED), u);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, C_ID)));
	reg_row_json(o, r, C_FIELDS, fields, NFIELDS);
	json_object_set_new(o, "department_name",
			    db_text(r, C_DEPT_NAME) ? json_string(db_text(r, C_DEPT_NAME))
						    : json_null());
	json_object_set_new(o, "reviewed_by",
			    db_isnull(r, C_REVIEWED_BY) ? json_null()
							: json_integer(db_int(r, C_REVIEWED_BY)));
	json_object_set_new(o, "reviewed_by_name",
			    db_text(r, C_REVIEWER) ? json_string(db_text(r, C_REVIEWER))
						   : json_null());
	json_object_set_new(o, "review_due", json_string(db_text(r, C_DUE)));
	json_object_set_new(o, "review_overdue",
			    json_boolean(reg_overdue(db_text(r, C_DUE), today)));
	json_object_set_new(o, "created_at", json_string(c));
	json_object_set_new(o, "updated_at", json_string(u));
	json_object_set_new(o, "version", json_integer(db_int(r, C_VERSION)));
	json_object_set_new(o, "own",
			    db_text(r, C_OWN) ? json_string(db_text(r, C_OWN)) : json_null());
	json_object_set_new(o, "asset_ids", json_array());
	json_object_set_new(o, "assets", json_array());
	return o;
}

/* The linked assets of each entry in `items` (ids, and names for the ones in scope). */
static int fill_assets(struct db *db, const struct reg_scope *scope, json_t *items, bool names)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		struct dbrows r;
		if (db_query(db, &r,
			     "SELECT asset_id FROM pinfo_assets WHERE pinfo_id = ? ORDER BY "
			     "asset_id",
			     P(V_INT(json_integer_value(json_object_get(it, "id"))))))
			return -1;
		json_t *ids = json_object_get(it, "asset_ids"),
		       *assets = json_object_get(it, "assets");
		while (db_next(&r))
			json_array_append_new(ids, json_integer(db_int(&r, 0)));
		int failed = r.failed;
		db_rows_free(&r);
		if (failed)
			return -1;
		size_t k;
		json_t *id;
		json_array_foreach(names ? ids : NULL, k, id)
		{
			json_t *a = asset_json(db, scope, json_integer_value(id));
			if (!a) {
				if (db_errkind(db) != DBE_NONE)
					return -1;
				continue;
			}
			json_array_append_new(
				assets,
				json_pack("{s:O,s:O,s:O}", "id", json_object_get(a, "id"), "name",
					  json_object_get(a, "name"), "classification_label",
					  json_object_get(a, "classification_label")));
			json_decref(a);
		}
	}
	return 0;
}

/* mamori's own entries count their people live (own.c). */
static int fill_own_counts(struct db *db, json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const struct pinfo_own *own =
			pinfo_own_find(json_string_value(json_object_get(it, "own")));
		int64_t n;
		bool found;
		if (!own)
			continue;
		if (db_query_int(db, &n, &found, own->count_sql, P0))
			return -1;
		json_object_set_new(it, "record_count", json_integer(found ? n : 0));
	}
	return 0;
}

json_t *pinfo_json(struct db *db, const struct reg_scope *scope, int64_t id)
{
	struct dbrows r;
	struct buf sql = BUF_INIT;
	json_t *o = NULL;
	char today[11];
	tz_today(today);
	select_head(&sql);
	buf_adds(&sql, " WHERE p.id = ?");
	int rc = db_query(db, &r, sql.buf, P(V_INT(id)));
	buf_release(&sql);
	if (rc)
		return NULL;
	if (db_next(&r) &&
	    reg_scope_allows(scope, db_isnull(&r, C_FIELDS + 1) ? 0 : db_int(&r, C_FIELDS + 1)))
		o = pinfo_row(&r, today);
	db_rows_free(&r);
	if (o) {
		json_t *one = json_pack("[O]", o);
		rc = fill_assets(db, scope, one, true) || fill_own_counts(db, one);
		json_decref(one);
		if (rc) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *pinfo_read(struct db *db, const struct actor *who, const struct reg_scope *scope,
		   int64_t id)
{
	json_t *o = pinfo_json(db, scope, id);
	if (!o)
		return NULL;
	json_t *sum = json_pack("{s:O}", "name", json_object_get(o, "name"));
	int rc = audit_append_tx(db, who, "pinfo.read", "pinfo", id, sum);
	json_decref(sum);
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int pinfo_list_audit(struct db *db, const struct actor *who, const struct pinfo_filter *f,
		     json_t *items)
{
	json_t *ids = json_array(), *sum;
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e)
	{
		json_array_append(ids, json_object_get(e, "id"));
	}
	sum = json_pack("{s:o}", "ids", ids);
	if (f->q && *f->q)
		json_object_set_new(sum, "q", json_string(f->q));
	if (f->department_id)
		json_object_set_new(sum, "department_id", json_integer(f->department_id));
	if (f->sensitive >= 0)
		json_object_set_new(sum, "sensitive", json_boolean(f->sensitive));
	if (f->overdue)
		json_object_set_new(sum, "review", json_string("overdue"));
	int rc = audit_append_tx(db, who, "pinfo.list", "pinfo", 0, sum);
	json_decref(sum);
	return rc;
}

static void filters(struct query *q, const struct reg_scope *scope, const struct pinfo_filter *f,
		    struct arena *a)
{
	query_add(q, "WHERE 1 = 1", NULL, 0);
	if (!scope->all)
		query_add(q, "AND p.department_id = ?", P(V_INT(scope->department_id)));
	if (f->q && *f->q)
		query_add(q, "AND p.search LIKE ? ESCAPE '\\'",
			  P(V_TEXT(reg_like_pattern(a, f->q))));
	if (f->department_id)
		query_add(q, "AND p.department_id = ?", P(V_INT(f->department_id)));
	if (f->sensitive >= 0)
		query_add(q, "AND p.sensitive = ?", P(V_INT(f->sensitive)));
	if (f->overdue) {
		char *today = arena_alloc(a, 11);
		tz_today(today);
		query_add(q, "AND p.review_due < ?", P(V_TEXT(today)));
	}
}

int pinfo_list(struct db *db, const struct reg_scope *scope, const struct pinfo_filter *f,
	       int64_t cursor, int64_t limit, json_t **items, int64_t *next)
{
	struct query q;
	struct dbrows r;
	struct arena a = ARENA_INIT;
	char today[11];
	tz_today(today);
	query_init(&q, "");
	select_head(&q.sql);
	filters(&q, scope, f, &a);
	if (cursor)
		query_add(&q, "AND p.id > ?", P(V_INT(cursor)));
	if (limit)
		query_add(&q, "ORDER BY p.id LIMIT ?", P(V_INT(limit + 1)));
	else
		query_add(&q, "ORDER BY p.id", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	arena_release(&a);
	if (rc)
		return -1;
	rc = reg_collect(&r, limit, pinfo_row, today, items, next);
	db_rows_free(&r);
	if (rc == 0 && (fill_assets(db, scope, *items, false) || fill_own_counts(db, *items))) {
		json_decref(*items);
		*items = NULL;
		rc = -1;
	}
	return rc;
}

/* --- rules ---------------------------------------------------------------------------------- */

/* The rules of every register (registers.h) and linked assets that exist inside the scope. */
static int check_rules(struct db *db, const struct reg_scope *scope, json_t *rec,
		       struct ferrors *fe)
{
	if (reg_check_common(db, scope, rec, fe))
		return -1;
	/* What APPI asks to be on record for a provision to a third party (Art. 29: to whom,
	 * when, what, on what basis) and to one abroad (Art. 28: which country, what the person
	 * was told). */
	static const char *const tp[] = { "tp_recipient", "tp_when", "tp_items", "tp_consent" };
	static const char *const abroad[] = { "abroad_country", "abroad_info" };
	for (size_t k = 0; json_is_true(json_object_get(rec, "tp_provided")) && k < ARRAY_SIZE(tp);
	     k++)
		if (!json_string_length(json_object_get(rec, tp[k])))
			ferr_add(fe, tp[k], "required",
				 "Required when the data is provided to a third party.");
	for (size_t k = 0; json_is_true(json_object_get(rec, "abroad")) && k < ARRAY_SIZE(abroad);
	     k++)
		if (!json_string_length(json_object_get(rec, abroad[k])))
			ferr_add(fe, abroad[k], "required",
				 "Required when the data goes to a third party abroad.");
	size_t i;
	json_t *id;
	json_array_foreach(json_object_get(rec, "asset_ids"), i, id)
	{
		json_t *a = asset_json(db, scope, json_integer_value(id));
		if (!a) {
			if (db_errkind(db) != DBE_NONE)
				return -1;
			ferr_add(fe, "asset_ids", "not_found", "There is no such asset.");
			break;
		}
		json_decref(a);
	}
	return 0;
}

static size_t bind_all(json_t *rec, struct dbval *vals, char due[11], struct buf *search)
{
	reg_bind(fields, NFIELDS, rec, vals);
	reg_review_due(json_string_value(json_object_get(rec, "reviewed_on")), due);
	static const char *const words[] = {
		"name",       "items",        "purpose",       "subjects", "storage_location",
		"contractor", "tp_recipient", "abroad_country"
	};
	for (size_t k = 0; k < ARRAY_SIZE(words); k++)
		reg_search_add(search, json_string_value(json_object_get(rec, words[k])));
	size_t n = NFIELDS;
	vals[n++] = V_TEXT(due);
	vals[n++] = V_TEXT(search->buf);
	return n;
}

static int set_assets(struct db *db, int64_t id, json_t *ids)
{
	size_t i;
	json_t *a;
	if (db_exec(db, "DELETE FROM pinfo_assets WHERE pinfo_id = ?", P(V_INT(id))))
		return -1;
	json_array_foreach(ids, i, a)
	{
		if (db_exec(db,
			    "INSERT INTO pinfo_assets (pinfo_id, asset_id) VALUES (?, ?) "
			    "ON CONFLICT (pinfo_id, asset_id) DO NOTHING",
			    P(V_INT(id), V_INT(json_integer_value(a)))))
			return -1;
	}
	return 0;
}

static int insert_checked(struct db *db, const struct actor *who, const struct reg_scope *scope,
			  json_t *in, int64_t *id, struct ferrors *fe)
{
	*id = 0;
	json_t *rec = json_deep_copy(in);
	reg_trim_strings(rec);
	schema_validate(pinfo_create_schema, rec, false, fe);
	if (ferr_any(fe)) {
		json_decref(rec);
		return 0;
	}
	if (!json_string_length(json_object_get(rec, "processing")))
		json_object_set_new(rec, "processing", json_string("none"));
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
	reg_insert_sql(&sql, "pinfo", fields, NFIELDS,
		       "review_due, search, reviewed_by, created_at, updated_at", 5);
	ret = db_insert(db, id, sql.buf, vals, n);
	buf_release(&sql);
	buf_release(&search);
	if (ret == 0 && json_object_get(rec, "asset_ids"))
		ret = set_assets(db, *id, json_object_get(rec, "asset_ids"));
out:
	json_decref(rec);
	return ret;
}

static json_t *audit_view(json_t *entry)
{
	json_t *o = reg_editable(fields, NFIELDS, entry);
	json_object_set(o, "asset_ids", json_object_get(entry, "asset_ids"));
	return o;
}

static const char *kept(json_t *entry)
{
	return json_is_string(json_object_get(entry, "own"))
		       ? "mamori holds this personal information itself; the entry stays while "
			 "mamori is in use. Edit it instead."
		       : NULL;
}

const struct reg_record pinfo_kind = {
	"pinfo",
	"pinfo",
	pinfo_json,
	audit_view,
	insert_checked,
	"DELETE FROM pinfo_assets WHERE pinfo_id = ?",
	"Risks are recorded against this entry. Move or remove them first.",
	kept,
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
	if (!json_object_get(o->in, "asset_ids"))
		json_object_set(rec, "asset_ids", json_object_get(before, "asset_ids"));
	if (json_is_null(json_object_get(rec, "reviewed_on")))
		json_object_set(rec, "reviewed_on", json_object_get(before, "reviewed_on"));
	if (!json_string_length(json_object_get(rec, "processing")))
		json_object_set_new(rec, "processing", json_string("none"));
	/* mamori counts its own entries' people; a different number would be dropped. */
	json_t *count = json_object_get(o->in, "record_count");
	if (json_is_string(json_object_get(before, "own")) && count &&
	    !json_equal(count, json_object_get(before, "record_count")))
		ferr_add(o->fe, "record_count", "computed",
			 "mamori counts the people of this entry itself.");
	schema_validate(pinfo_create_schema, rec, false, o->fe);
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
	reg_update_sql(&sql, "pinfo", fields, NFIELDS,
		       "review_due = ?, search = ?, updated_at = ?, version = version + 1");
	int rc = db_exec(db, sql.buf, vals, n);
	buf_release(&sql);
	buf_release(&search);
	if (rc == 0 && json_object_get(o->in, "asset_ids"))
		rc = set_assets(db, o->id, json_object_get(rec, "asset_ids"));
	if (rc == 0)
		ret = reg_audit_change(db, o, before, false, "pinfo.update");
out:
	json_decref(rec);
	json_decref(before);
	return ret;
}

enum status pinfo_update(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 int64_t id, json_t *patch, struct ferrors *fe)
{
	struct reg_op o = {
		.kind = &pinfo_kind, .who = who, .scope = scope, .id = id, .in = patch, .fe = fe
	};
	return reg_op_run(db, update_fn, &o);
}

/* --- export and import ---------------------------------------------------------------------- */

enum status pinfo_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 const struct pinfo_filter *f, struct reg_export *x)
{
	json_t *items;
	int64_t next;
	if (pinfo_list(db, scope, f, 0, 0, &items, &next))
		return ST_DB;
	enum status st = reg_export_audited(db, who, pinfo_columns, NCOLUMNS, items, x,
					    "個人情報管理台帳", "export.pinfo", "pinfo");
	json_decref(items);
	return st;
}

static const struct {
	const char *key, *ja;
} stages[] = {
	{ "acquire", "取得・入力" },       { "transfer", "移送・送信" }, { "use", "利用・加工" },
	{ "store", "保管・バックアップ" }, { "dispose", "消去・廃棄" },
};

enum status pinfo_risk_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
			      const struct pinfo_filter *f, struct reg_export *x)
{
	json_t *items;
	int64_t next;
	if (pinfo_list(db, scope, f, 0, 0, &items, &next))
		return ST_DB;
	json_t *headers = json_pack("[s,s,s,s,s,s,s]", "ID", "台帳名", "管理部署", "段階", "リスク",
				    "対策", "残留リスク");
	json_t *rows = json_array(), *it;
	size_t i;
	json_array_foreach(items, i, it)
	{
		for (size_t k = 0; k < ARRAY_SIZE(stages); k++) {
			char key[40];
			json_t *row = json_pack(
				"[O,O,O,s]", json_object_get(it, "id"), json_object_get(it, "name"),
				json_object_get(it, "department_name"), stages[k].ja);
			static const char *const parts[] = { "risks", "controls", "residual" };
			for (size_t p = 0; p < ARRAY_SIZE(parts); p++) {
				snprintf(key, sizeof(key), "lc_%s_%s", stages[k].key, parts[p]);
				json_array_append(row, json_object_get(it, key));
			}
			json_array_append_new(rows, row);
		}
	}
	enum status st = reg_export_table(db, who, headers, rows, x, "リスク分析結果",
					  "export.pinfo_risks", "pinfo");
	json_decref(headers);
	json_decref(rows);
	json_decref(items);
	return st;
}

enum status pinfo_import(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 const char *data, size_t len, enum csv_encoding enc, bool dry_run,
			 void (*progress)(void *, size_t, size_t), void *progress_arg,
			 struct reg_import_result *res, struct ferrors *fe)
{
	struct reg_import imp = { .kind = &pinfo_kind,
				  .scope = scope,
				  .cols = pinfo_columns,
				  .ncols = NCOLUMNS,
				  .progress = progress,
				  .progress_arg = progress_arg };
	return reg_import_csv(db, who, &imp, data, len, enc, dry_run, res, fe);
}

/* --- review status across departments -------------------------------------------------------- */

/* One row of the review status: counts of assets and entries, and of those overdue. */
static json_t *status_row(struct dbrows *r, int first, json_t *id, json_t *name)
{
	return json_pack("{s:o,s:o,s:I,s:I,s:I,s:I}", "department_id", id, "department_name", name,
			 "assets", (json_int_t)db_int(r, first), "assets_overdue",
			 (json_int_t)db_int(r, first + 1), "pinfo",
			 (json_int_t)db_int(r, first + 2), "pinfo_overdue",
			 (json_int_t)db_int(r, first + 3));
}

json_t *registers_review_status(struct db *db)
{
	struct dbrows r;
	char today[11];
	tz_today(today);
	if (db_query(db, &r,
		     "SELECT d.id, d.name, "
		     "(SELECT COUNT(*) FROM assets a WHERE a.department_id = d.id), "
		     "(SELECT COUNT(*) FROM assets a WHERE a.department_id = d.id AND a.review_due "
		     "< "
		     "?), "
		     "(SELECT COUNT(*) FROM pinfo p WHERE p.department_id = d.id), "
		     "(SELECT COUNT(*) FROM pinfo p WHERE p.department_id = d.id AND p.review_due "
		     "< ?) "
		     "FROM departments d ORDER BY d.name",
		     P(V_TEXT(today), V_TEXT(today))))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, status_row(&r, 2, json_integer(db_int(&r, 0)),
							json_string(db_text(&r, 1))));
	int failed = r.failed;
	db_rows_free(&r);
	/* Records without a department are reviewed too: one more row, last, when there are
	 * any, so that none escapes the yearly review. */
	if (!failed &&
	    db_query(
		    db, &r,
		    "SELECT (SELECT COUNT(*) FROM assets WHERE department_id IS NULL), "
		    "(SELECT COUNT(*) FROM assets WHERE department_id IS NULL AND review_due < ?), "
		    "(SELECT COUNT(*) FROM pinfo WHERE department_id IS NULL), "
		    "(SELECT COUNT(*) FROM pinfo WHERE department_id IS NULL AND review_due < ?)",
		    P(V_TEXT(today), V_TEXT(today))) == 0) {
		if (db_next(&r) && (db_int(&r, 0) || db_int(&r, 2)))
			json_array_append_new(items, status_row(&r, 0, json_null(), json_null()));
		failed = r.failed;
		db_rows_free(&r);
	} else {
		failed = 1;
	}
	if (failed) {
		json_decref(items);
		items = NULL;
	}
	return items;
}
