/* risks.c — risk assessment: scoring, storage, acceptance, heat map, export; scale setting. */
#include <string.h>

#include "risks.h"
#include "../assets/assets.h"
#include "../pinfo/pinfo.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

static const char *const treatments[] = { "reduce", "avoid", "transfer", "accept", NULL };
static const char *const treatments_ja[] = { "低減", "回避", "移転", "受容", NULL };
static const char *const treatments_en[] = { "Reduce", "Avoid", "Transfer", "Accept", NULL };
static const char *const bands[] = { "low", "medium", "high", NULL };
static const char *const bands_ja[] = { "低", "中", "高", NULL };

const struct field risk_create_schema[] = {
	{ "asset_id", FT_ID, F_NULLABLE },
	{ "pinfo_id", FT_ID, F_NULLABLE },
	{ "threat", FT_TEXT, F_REQUIRED, .min = 1, .max = 500 },
	{ "vulnerability", FT_TEXT, F_REQUIRED, .min = 1, .max = 500 },
	{ "likelihood", FT_INT, F_REQUIRED, .min = 1, .max = 5 },
	{ "impact", FT_INT, F_REQUIRED, .min = 1, .max = 5 },
	{ "treatment", FT_ENUM, F_REQUIRED, .choices = treatments },
	{ "measures", FT_TEXT, 0, .max = 2000 },
	{ "control_ids", FT_INTARRAY, 0 },
	{ "residual_likelihood", FT_INT, F_NULLABLE, .min = 1, .max = 5 },
	{ "residual_impact", FT_INT, F_NULLABLE, .min = 1, .max = 5 },
	{ "owner_id", FT_ID, F_NULLABLE },
	{ "review_on", FT_DATE, F_NULLABLE },
	{ 0 }
};

static const struct reg_field fields[] = {
	{ "asset_id", "asset_id", RF_ID },
	{ "pinfo_id", "pinfo_id", RF_ID },
	{ "threat", "threat", RF_TEXT },
	{ "vulnerability", "vulnerability", RF_TEXT },
	{ "likelihood", "likelihood", RF_INT },
	{ "impact", "impact", RF_INT },
	{ "treatment", "treatment", RF_TEXT },
	{ "measures", "measures", RF_TEXT },
	{ "residual_likelihood", "residual_likelihood", RF_INT },
	{ "residual_impact", "residual_impact", RF_INT },
	{ "owner_id", "owner_id", RF_ID },
	{ "review_on", "review_on", RF_DATE },
};
#define NFIELDS ARRAY_SIZE(fields)

static const struct reg_column risk_columns[] = {
	{ "id", "ID", "id", RK_INT, 0 },
	{ "target_type", "対象の種類", "Target type", RK_ENUM, 0,
	  .choices = (const char *const[]){ "asset", "pinfo", NULL },
	  .labels_ja = (const char *const[]){ "情報資産", "個人情報", NULL } },
	{ "target_name", "対象", "Target", RK_TEXT, 0 },
	{ "department_name", "部署", "Department", RK_TEXT, 0 },
	{ "threat", "脅威", "Threat", RK_TEXT, 0 },
	{ "vulnerability", "脆弱性", "Vulnerability", RK_TEXT, 0 },
	{ "likelihood", "発生可能性", "Likelihood", RK_INT, 0 },
	{ "impact", "影響度", "Impact", RK_INT, 0 },
	{ "level", "リスク値", "Level", RK_INT, 0 },
	{ "band", "リスクレベル", "Band", RK_ENUM, 0, .choices = bands, .labels_ja = bands_ja },
	{ "treatment", "対応", "Treatment", RK_ENUM, 0, .choices = treatments,
	  .labels_ja = treatments_ja, .labels_en = treatments_en },
	{ "measures", "対策", "Measures", RK_TEXT, 0 },
	{ "control_numbers", "管理策", "Controls", RK_LIST, 0 },
	{ "residual_likelihood", "残留発生可能性", "Residual likelihood", RK_INT, 0 },
	{ "residual_impact", "残留影響度", "Residual impact", RK_INT, 0 },
	{ "residual_level", "残留リスク値", "Residual level", RK_INT, 0 },
	{ "owner_name", "リスク所有者", "Owner", RK_TEXT, 0 },
	{ "accepted_by_name", "受容者", "Accepted by", RK_TEXT, 0 },
	{ "accepted_at", "受容日時", "Accepted at", RK_TIME, 0 },
	{ "accept_comment", "受容の理由", "Reason for acceptance", RK_TEXT, 0 },
	{ "review_on", "見直し日", "Review on", RK_DATE, 0 },
	{ "updated_at", "更新日時", "Updated", RK_TIME, 0 },
};

int risk_level(int likelihood, int impact)
{
	return likelihood * impact;
}

const char *risk_band(int level, int scale)
{
	int max = scale * scale;
	if (level * 2 >= max)
		return "high";
	if (level * 5 >= max)
		return "medium";
	return "low";
}

void risk_band_range(const char *band, int scale, int *lo, int *hi)
{
	int max = scale * scale;
	int med = (max + 4) / 5, high = (max + 1) / 2;
	if (!strcmp(band, "high")) {
		*lo = high;
		*hi = max;
	} else if (!strcmp(band, "medium")) {
		*lo = med;
		*hi = high - 1;
	} else {
		*lo = 1;
		*hi = med - 1;
	}
}

/* --- settings ------------------------------------------------------------------------------- */

int risk_settings_get(struct db *db, int *scale, int64_t *version)
{
	struct dbrows r;
	*scale = 3;
	*version = 1;
	if (db_query(db, &r, "SELECT key, value FROM risk_settings", P0))
		return -1;
	while (db_next(&r)) {
		int64_t n;
		if (parse_i64(db_text(&r, 1), 1, INT64_MAX, &n))
			continue;
		if (!strcmp(db_text(&r, 0), "scale") && (n == 3 || n == 5))
			*scale = (int)n;
		else if (!strcmp(db_text(&r, 0), "version"))
			*version = n;
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

struct settings_op {
	const struct actor *who;
	json_t *patch;
	struct ferrors *fe;
	enum status st;
};

static int settings_fn(struct db *db, void *arg)
{
	struct settings_op *o = arg;
	int scale;
	int64_t version, over;
	bool found;
	o->st = ST_DB;
	if (db_lock(db, "risks:settings") || risk_settings_get(db, &scale, &version))
		return -1;
	if (version != json_integer_value(json_object_get(o->patch, "version"))) {
		o->st = ST_CONFLICT;
		return -1;
	}
	json_t *v = json_object_get(o->patch, "scale");
	int next = v ? (int)json_integer_value(v) : scale;
	if (next != 3 && next != 5) {
		ferr_add(o->fe, "scale", "invalid_choice", "The scale is 3 or 5.");
		o->st = ST_INVALID;
		return -1;
	}
	if (db_query_int(db, &over, &found,
			 "SELECT COUNT(*) FROM risks WHERE likelihood > ? OR impact > ? OR "
			 "residual_likelihood > ? OR residual_impact > ?",
			 P(V_INT(next), V_INT(next), V_INT(next), V_INT(next))))
		return -1;
	if (over) {
		ferr_add(o->fe, "scale", "in_use",
			 "Some risks are scored above this scale. Score them again first.");
		o->st = ST_INVALID;
		return -1;
	}
	char s[8], ver[24];
	snprintf(s, sizeof(s), "%d", next);
	snprintf(ver, sizeof(ver), "%lld", (long long)version + 1);
	if (db_exec(db, "UPDATE risk_settings SET value = ? WHERE key = 'scale'", P(V_TEXT(s))) ||
	    db_exec(db, "UPDATE risk_settings SET value = ? WHERE key = 'version'", P(V_TEXT(ver))))
		return -1;
	json_t *sum = json_pack("{s:i,s:i}", "before", scale, "after", next);
	int rc = audit_append(db, o->who, "risk_settings.update", "risk_settings", 0, sum);
	json_decref(sum);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

enum status risk_settings_update(struct db *db, const struct actor *who, json_t *patch,
				 struct ferrors *fe)
{
	struct settings_op o = { who, patch, fe, ST_OK };
	if (db_tx(db, settings_fn, &o))
		return o.st == ST_OK ? ST_DB : o.st;
	return ST_OK;
}

/* --- reading -------------------------------------------------------------------------------- */

enum {
	C_ID,
	C_DEPT,
	C_DEPT_NAME,
	C_LEVEL,
	C_RLEVEL,
	C_OWNER,
	C_ACC_BY,
	C_ACC_NAME,
	C_ACC_AT,
	C_ASSET_NAME,
	C_PINFO_NAME,
	C_CREATED,
	C_UPDATED,
	C_VERSION,
	C_ACC_COMMENT,
	C_FIELDS
};

static void select_head(struct buf *b)
{
	buf_adds(b, "SELECT r.id, r.department_id, d.name, r.level, r.residual_level, o.name, "
		    "r.accepted_by, ac.name, r.accepted_at, a.name, p.name, r.created_at, "
		    "r.updated_at, r.version, r.accept_comment, ");
	reg_columns_sql(b, "r", fields, NFIELDS);
	buf_adds(b, " FROM risks r LEFT JOIN departments d ON d.id = r.department_id "
		    "LEFT JOIN users o ON o.id = r.owner_id LEFT JOIN users ac ON ac.id = "
		    "r.accepted_by LEFT JOIN assets a ON a.id = r.asset_id LEFT JOIN pinfo p ON "
		    "p.id = r.pinfo_id");
}

static json_t *opt_text(struct dbrows *r, int col)
{
	return db_text(r, col) ? json_string(db_text(r, col)) : json_null();
}

static json_t *risk_row(struct dbrows *r, const void *arg)
{
	int scale = *(const int *)arg;
	char c[21], u[21], at[21];
	time_rfc3339(db_int(r, C_CREATED), c);
	time_rfc3339(db_int(r, C_UPDATED), u);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, C_ID)));
	reg_row_json(o, r, C_FIELDS, fields, NFIELDS);
	bool on_asset = !db_isnull(r, C_FIELDS);
	json_object_set_new(o, "target_type", json_string(on_asset ? "asset" : "pinfo"));
	json_object_set_new(o, "target_name", opt_text(r, on_asset ? C_ASSET_NAME : C_PINFO_NAME));
	json_object_set_new(o, "department_id",
			    db_isnull(r, C_DEPT) ? json_null() : json_integer(db_int(r, C_DEPT)));
	json_object_set_new(o, "department_name", opt_text(r, C_DEPT_NAME));
	int level = (int)db_int(r, C_LEVEL);
	json_object_set_new(o, "level", json_integer(level));
	json_object_set_new(o, "band", json_string(risk_band(level, scale)));
	if (db_isnull(r, C_RLEVEL)) {
		json_object_set_new(o, "residual_level", json_null());
		json_object_set_new(o, "residual_band", json_null());
	} else {
		int rl = (int)db_int(r, C_RLEVEL);
		json_object_set_new(o, "residual_level", json_integer(rl));
		json_object_set_new(o, "residual_band", json_string(risk_band(rl, scale)));
	}
	json_object_set_new(o, "owner_name", opt_text(r, C_OWNER));
	json_object_set_new(o, "accepted_by",
			    db_isnull(r, C_ACC_BY) ? json_null()
						   : json_integer(db_int(r, C_ACC_BY)));
	json_object_set_new(o, "accepted_by_name", opt_text(r, C_ACC_NAME));
	json_object_set_new(o, "accept_comment", opt_text(r, C_ACC_COMMENT));
	if (db_isnull(r, C_ACC_AT)) {
		json_object_set_new(o, "accepted_at", json_null());
	} else {
		time_rfc3339(db_int(r, C_ACC_AT), at);
		json_object_set_new(o, "accepted_at", json_string(at));
	}
	json_object_set_new(o, "scale", json_integer(scale));
	json_object_set_new(o, "created_at", json_string(c));
	json_object_set_new(o, "updated_at", json_string(u));
	json_object_set_new(o, "version", json_integer(db_int(r, C_VERSION)));
	json_object_set_new(o, "control_ids", json_array());
	json_object_set_new(o, "controls", json_array());
	json_object_set_new(o, "control_numbers", json_array());
	return o;
}

/* The linked controls of each risk in `items`. */
static int fill_controls(struct db *db, json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		struct dbrows r;
		if (db_query(db, &r,
			     "SELECT s.id, s.number, s.title_ja, s.title_en FROM risk_controls rc "
			     "JOIN soa_controls s ON s.id = rc.control_id WHERE rc.risk_id = ? "
			     "ORDER BY s.sort",
			     P(V_INT(json_integer_value(json_object_get(it, "id"))))))
			return -1;
		while (db_next(&r)) {
			json_array_append_new(json_object_get(it, "control_ids"),
					      json_integer(db_int(&r, 0)));
			json_array_append_new(json_object_get(it, "control_numbers"),
					      json_string(db_text(&r, 1)));
			json_array_append_new(json_object_get(it, "controls"),
					      json_pack("{s:I,s:s,s:s,s:s}", "id",
							(json_int_t)db_int(&r, 0), "number",
							db_text(&r, 1), "title_ja", db_text(&r, 2),
							"title_en", db_text(&r, 3)));
		}
		int failed = r.failed;
		db_rows_free(&r);
		if (failed)
			return -1;
	}
	return 0;
}

json_t *risk_json(struct db *db, const struct reg_scope *scope, int64_t id)
{
	struct dbrows r;
	struct buf sql = BUF_INIT;
	json_t *o = NULL;
	int scale;
	int64_t version;
	if (risk_settings_get(db, &scale, &version))
		return NULL;
	select_head(&sql);
	buf_adds(&sql, " WHERE r.id = ?");
	int rc = db_query(db, &r, sql.buf, P(V_INT(id)));
	buf_release(&sql);
	if (rc)
		return NULL;
	if (db_next(&r) && reg_scope_allows(scope, db_isnull(&r, C_DEPT) ? 0 : db_int(&r, C_DEPT)))
		o = risk_row(&r, &scale);
	db_rows_free(&r);
	if (o) {
		json_t *one = json_pack("[O]", o);
		rc = fill_controls(db, one);
		json_decref(one);
		if (rc) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static void filters(struct query *q, const struct reg_scope *scope, const struct risk_filter *f,
		    int scale, struct arena *a)
{
	query_add(q, "WHERE 1 = 1", NULL, 0);
	if (!scope->all)
		query_add(q, "AND r.department_id = ?", P(V_INT(scope->department_id)));
	if (f->q && *f->q)
		query_add(q, "AND r.search LIKE ? ESCAPE '\\'",
			  P(V_TEXT(reg_like_pattern(a, f->q))));
	if (f->department_id)
		query_add(q, "AND r.department_id = ?", P(V_INT(f->department_id)));
	if (f->asset_id)
		query_add(q, "AND r.asset_id = ?", P(V_INT(f->asset_id)));
	if (f->pinfo_id)
		query_add(q, "AND r.pinfo_id = ?", P(V_INT(f->pinfo_id)));
	if (f->owner_id)
		query_add(q, "AND r.owner_id = ?", P(V_INT(f->owner_id)));
	if (f->control_id)
		query_add(q,
			  "AND EXISTS (SELECT 1 FROM risk_controls rc WHERE rc.risk_id = r.id AND "
			  "rc.control_id = ?)",
			  P(V_INT(f->control_id)));
	if (f->treatment && *f->treatment)
		query_add(q, "AND r.treatment = ?", P(V_TEXT(f->treatment)));
	if (f->likelihood)
		query_add(q, f->residual ? "AND r.residual_likelihood = ?" : "AND r.likelihood = ?",
			  P(V_INT(f->likelihood)));
	if (f->impact)
		query_add(q, f->residual ? "AND r.residual_impact = ?" : "AND r.impact = ?",
			  P(V_INT(f->impact)));
	if (f->band && *f->band) {
		int lo, hi;
		risk_band_range(f->band, scale, &lo, &hi);
		query_add(q,
			  f->residual ? "AND r.residual_level BETWEEN ? AND ?"
				      : "AND r.level BETWEEN ? AND ?",
			  P(V_INT(lo), V_INT(hi)));
	}
	if (f->accepted == 1)
		query_add(q, "AND r.accepted_at IS NOT NULL", NULL, 0);
	else if (f->accepted == 0)
		query_add(q, "AND r.accepted_at IS NULL", NULL, 0);
}

int risks_list(struct db *db, const struct reg_scope *scope, const struct risk_filter *f,
	       int64_t cursor, int64_t limit, json_t **items, int64_t *next)
{
	struct query q;
	struct dbrows r;
	struct arena a = ARENA_INIT;
	int scale;
	int64_t version;
	if (risk_settings_get(db, &scale, &version))
		return -1;
	query_init(&q, "");
	select_head(&q.sql);
	filters(&q, scope, f, scale, &a);
	if (cursor)
		query_add(&q, "AND r.id > ?", P(V_INT(cursor)));
	if (limit)
		query_add(&q, "ORDER BY r.id LIMIT ?", P(V_INT(limit + 1)));
	else
		query_add(&q, "ORDER BY r.id", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	arena_release(&a);
	if (rc)
		return -1;
	rc = reg_collect(&r, limit, risk_row, &scale, items, next);
	db_rows_free(&r);
	if (rc == 0 && fill_controls(db, *items)) {
		json_decref(*items);
		*items = NULL;
		rc = -1;
	}
	return rc;
}

json_t *risks_heatmap(struct db *db, const struct reg_scope *scope, bool residual)
{
	struct query q;
	struct dbrows r;
	int scale;
	int64_t version, total = 0;
	if (risk_settings_get(db, &scale, &version))
		return NULL;
	query_init(&q,
		   residual
			   ? "SELECT residual_likelihood, residual_impact, COUNT(*) FROM risks "
			     "WHERE residual_likelihood IS NOT NULL AND residual_impact IS NOT NULL"
			   : "SELECT likelihood, impact, COUNT(*) FROM risks WHERE 1 = 1");
	if (!scope->all)
		query_add(&q, "AND department_id = ?", P(V_INT(scope->department_id)));
	query_add(&q,
		  residual ? "GROUP BY residual_likelihood, residual_impact"
			   : "GROUP BY likelihood, impact",
		  NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return NULL;
	json_t *cells = json_array();
	while (db_next(&r)) {
		total += db_int(&r, 2);
		json_array_append_new(
			cells,
			json_pack("{s:I,s:I,s:I,s:s}", "likelihood", (json_int_t)db_int(&r, 0),
				  "impact", (json_int_t)db_int(&r, 1), "count",
				  (json_int_t)db_int(&r, 2), "band",
				  risk_band((int)(db_int(&r, 0) * db_int(&r, 1)), scale)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(cells);
		return NULL;
	}
	return json_pack("{s:i,s:s,s:I,s:o}", "scale", scale, "basis",
			 residual ? "residual" : "inherent", "total", (json_int_t)total, "cells",
			 cells);
}

/* --- rules ---------------------------------------------------------------------------------- */

/* Checks the whole record; sets *dept to the target's department. */
static int check_rules(struct db *db, const struct reg_scope *scope, json_t *rec, int64_t *dept,
		       struct ferrors *fe)
{
	int scale;
	int64_t version, one;
	bool found;
	*dept = 0;
	if (risk_settings_get(db, &scale, &version))
		return -1;
	json_t *asset = json_object_get(rec, "asset_id"), *pinfo = json_object_get(rec, "pinfo_id");
	bool has_asset = json_is_integer(asset), has_pinfo = json_is_integer(pinfo);
	if (has_asset == has_pinfo) {
		ferr_add(fe, has_asset ? "pinfo_id" : "asset_id",
			 has_asset ? "invalid_choice" : "required",
			 "A risk is on one information asset or one register entry.");
	} else {
		json_t *t = has_asset ? asset_json(db, scope, json_integer_value(asset))
				      : pinfo_json(db, scope, json_integer_value(pinfo));
		if (!t) {
			if (db_errkind(db) != DBE_NONE)
				return -1;
			ferr_add(fe, has_asset ? "asset_id" : "pinfo_id", "not_found",
				 "There is no such record.");
		} else {
			json_t *d = json_object_get(t, "department_id");
			*dept = json_is_integer(d) ? json_integer_value(d) : 0;
			json_decref(t);
		}
	}
	static const char *const scores[] = { "likelihood", "impact", "residual_likelihood",
					      "residual_impact" };
	for (size_t i = 0; i < ARRAY_SIZE(scores); i++) {
		json_t *v = json_object_get(rec, scores[i]);
		if (json_is_integer(v) && json_integer_value(v) > scale)
			ferr_add(fe, scores[i], "out_of_range", "Above the organisation's scale.");
	}
	if (json_is_integer(json_object_get(rec, "residual_likelihood")) !=
	    json_is_integer(json_object_get(rec, "residual_impact")))
		ferr_add(fe,
			 json_is_integer(json_object_get(rec, "residual_impact"))
				 ? "residual_likelihood"
				 : "residual_impact",
			 "required", "Give both residual scores or neither.");
	json_t *owner = json_object_get(rec, "owner_id");
	if (json_is_integer(owner)) {
		if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ?",
				 P(V_INT(json_integer_value(owner)))))
			return -1;
		if (!found)
			ferr_add(fe, "owner_id", "not_found", "There is no such user.");
	}
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(rec, "control_ids"), i, c)
	{
		if (db_query_int(db, &one, &found, "SELECT 1 FROM soa_controls WHERE id = ?",
				 P(V_INT(json_integer_value(c)))))
			return -1;
		if (!found) {
			ferr_add(fe, "control_ids", "not_found", "There is no such control.");
			break;
		}
	}
	return 0;
}

static size_t bind_all(json_t *rec, struct dbval *vals, int64_t dept, struct buf *search)
{
	reg_bind(fields, NFIELDS, rec, vals);
	int l = (int)json_integer_value(json_object_get(rec, "likelihood"));
	int im = (int)json_integer_value(json_object_get(rec, "impact"));
	json_t *rl = json_object_get(rec, "residual_likelihood");
	json_t *ri = json_object_get(rec, "residual_impact");
	static const char *const words[] = { "threat", "vulnerability", "measures" };
	for (size_t k = 0; k < ARRAY_SIZE(words); k++)
		reg_search_add(search, json_string_value(json_object_get(rec, words[k])));
	size_t n = NFIELDS;
	vals[n++] = V_ID(dept);
	vals[n++] = V_INT(risk_level(l, im));
	vals[n++] = json_is_integer(rl) && json_is_integer(ri)
			    ? V_INT(risk_level((int)json_integer_value(rl),
					       (int)json_integer_value(ri)))
			    : V_NULL;
	vals[n++] = V_TEXT(search->buf);
	return n;
}

static int set_controls(struct db *db, int64_t id, json_t *ids)
{
	size_t i;
	json_t *c;
	if (db_exec(db, "DELETE FROM risk_controls WHERE risk_id = ?", P(V_INT(id))))
		return -1;
	json_array_foreach(ids, i, c)
	{
		if (db_exec(db,
			    "INSERT INTO risk_controls (risk_id, control_id) VALUES (?, ?) "
			    "ON CONFLICT (risk_id, control_id) DO NOTHING",
			    P(V_INT(id), V_INT(json_integer_value(c)))))
			return -1;
	}
	return 0;
}

static json_t *audit_view(json_t *risk)
{
	json_t *o = reg_editable(fields, NFIELDS, risk);
	json_object_set(o, "control_ids", json_object_get(risk, "control_ids"));
	json_object_set(o, "accepted_by", json_object_get(risk, "accepted_by"));
	json_object_set(o, "accept_comment", json_object_get(risk, "accept_comment"));
	return o;
}

const struct reg_record risk_kind = { "risk",    "risks",
				      risk_json, audit_view,
				      NULL,      "DELETE FROM risk_controls WHERE risk_id = ?",
				      NULL };

static int create_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	int64_t dept;
	o->st = ST_DB;
	reg_trim_strings(o->in);
	schema_validate(risk_create_schema, o->in, false, o->fe);
	if (!ferr_any(o->fe) && check_rules(db, o->scope, o->in, &dept, o->fe))
		return -1;
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		return -1;
	}
	struct dbval vals[NFIELDS + 8];
	struct buf search = BUF_INIT, sql = BUF_INIT;
	size_t n = bind_all(o->in, vals, dept, &search);
	int64_t now = now_unix();
	vals[n++] = V_INT(now);
	vals[n++] = V_INT(now);
	reg_insert_sql(&sql, "risks", fields, NFIELDS,
		       "department_id, level, residual_level, search, created_at, updated_at", 6);
	int rc = db_insert(db, &o->id, sql.buf, vals, n);
	buf_release(&sql);
	buf_release(&search);
	if (rc || set_controls(db, o->id, json_object_get(o->in, "control_ids")))
		return -1;
	return reg_audit_change(db, o, NULL, false, "risk.create");
}

enum status risk_create(struct db *db, const struct actor *who, const struct reg_scope *scope,
			json_t *in, int64_t *id, struct ferrors *fe)
{
	struct reg_op o = { .kind = &risk_kind, .who = who, .scope = scope, .in = in, .fe = fe };
	enum status st = reg_op_run(db, create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

/* A change to what the owner accepted withdraws the acceptance. */
static bool acceptance_stale(json_t *before, json_t *rec)
{
	static const char *const keys[] = { "likelihood",          "impact",          "treatment",
					    "residual_likelihood", "residual_impact", "owner_id" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!json_equal(json_object_get(before, keys[i]), json_object_get(rec, keys[i])))
			return true;
	return false;
}

static int update_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	int ret = -1;
	int64_t dept;
	o->st = ST_DB;
	json_t *before =
		reg_load_for_change(db, o, json_integer_value(json_object_get(o->in, "version")));
	if (!before)
		return -1;
	json_t *rec = reg_patched(fields, NFIELDS, before, o->in);
	reg_trim_strings(rec);
	if (!json_object_get(o->in, "control_ids"))
		json_object_set(rec, "control_ids", json_object_get(before, "control_ids"));
	schema_validate(risk_create_schema, rec, false, o->fe);
	if (!ferr_any(o->fe) && check_rules(db, o->scope, rec, &dept, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		goto out;
	}
	struct dbval vals[NFIELDS + 8];
	struct buf search = BUF_INIT, sql = BUF_INIT;
	size_t n = bind_all(rec, vals, dept, &search);
	vals[n++] = V_INT(now_unix());
	vals[n++] = V_INT(o->id);
	reg_update_sql(&sql, "risks", fields, NFIELDS,
		       "department_id = ?, level = ?, residual_level = ?, search = ?, "
		       "updated_at = ?, version = version + 1");
	int rc = db_exec(db, sql.buf, vals, n);
	buf_release(&sql);
	buf_release(&search);
	if (rc == 0 && json_object_get(o->in, "control_ids"))
		rc = set_controls(db, o->id, json_object_get(rec, "control_ids"));
	if (rc == 0 && acceptance_stale(before, rec))
		rc = db_exec(db,
			     "UPDATE risks SET accepted_by = NULL, accepted_at = NULL, "
			     "accept_comment = NULL WHERE id = ?",
			     P(V_INT(o->id)));
	if (rc == 0)
		ret = reg_audit_change(db, o, before, false, "risk.update");
out:
	json_decref(rec);
	json_decref(before);
	return ret;
}

enum status risk_update(struct db *db, const struct actor *who, const struct reg_scope *scope,
			int64_t id, json_t *patch, struct ferrors *fe)
{
	struct reg_op o = {
		.kind = &risk_kind, .who = who, .scope = scope, .id = id, .in = patch, .fe = fe
	};
	return reg_op_run(db, update_fn, &o);
}

static int accept_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	o->st = ST_DB;
	json_t *before = reg_load_for_change(db, o, o->version);
	if (!before)
		return -1;
	int ret = -1;
	json_t *owner = json_object_get(before, "owner_id");
	if (!json_is_integer(owner) || json_integer_value(owner) != o->who->id) {
		o->st = ST_FORBIDDEN;
		o->fe->code = "not_owner";
		o->fe->detail = "Only the risk's owner can accept it.";
		goto out;
	}
	const char *comment = json_string_value(json_object_get(o->in, "comment"));
	if (db_exec(db,
		    "UPDATE risks SET accepted_by = ?, accepted_at = ?, accept_comment = ?, "
		    "updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(o->who->id), V_INT(now_unix()), V_TEXT(comment), V_INT(now_unix()),
		      V_INT(o->id))) == 0)
		ret = reg_audit_change(db, o, before, false, "risk.accept");
out:
	json_decref(before);
	return ret;
}

enum status risk_accept(struct db *db, const struct actor *who, const struct reg_scope *scope,
			int64_t id, int64_t version, json_t *in, struct ferrors *fe)
{
	struct reg_op o = { .kind = &risk_kind,
			    .who = who,
			    .scope = scope,
			    .id = id,
			    .version = version,
			    .in = in,
			    .fe = fe };
	return reg_op_run(db, accept_fn, &o);
}

enum status risks_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 const struct risk_filter *f, struct reg_export *x)
{
	json_t *items;
	int64_t next;
	if (risks_list(db, scope, f, 0, 0, &items, &next))
		return ST_DB;
	enum status st = reg_export_audited(db, who, risk_columns, ARRAY_SIZE(risk_columns), items,
					    x, "リスクアセスメント", "export.risks", "risk");
	json_decref(items);
	return st;
}
