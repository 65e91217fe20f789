/* soa.c — the Statement of Applicability over ISO/IEC 27001:2022 Annex A. */
#include <string.h>

#include "risks.h"
#include "../../lib/timeutil.h"

static const char *const themes[] = { "organizational", "people", "physical", "technological",
				      NULL };
static const char *const themes_ja[] = { "組織的管理策", "人的管理策", "物理的管理策",
					 "技術的管理策", NULL };
static const char *const statuses[] = { "not_started", "planned", "partial", "implemented", NULL };
static const char *const statuses_ja[] = { "未着手", "計画済み", "一部実施", "実施済み", NULL };

static const struct reg_column soa_columns[] = {
	{ "number", "管理策番号", "Number", RK_TEXT, 0 },
	{ "theme", "分類", "Theme", RK_ENUM, 0, .choices = themes, .labels_ja = themes_ja },
	{ "title_ja", "管理策", "Control", RK_TEXT, 0 },
	{ "title_en", "Control (English)", "Control (English)", RK_TEXT, 0 },
	{ "applicable", "適用", "Applicable", RK_BOOL, 0 },
	{ "justification", "適用・除外の理由", "Justification", RK_TEXT, 0 },
	{ "status", "実施状況", "Status", RK_ENUM, 0, .choices = statuses,
	  .labels_ja = statuses_ja },
	{ "evidence", "根拠・証跡", "Evidence", RK_TEXT, 0 },
	{ "risk_ids", "関連リスクID", "Risk ids", RK_LIST, 0 },
	{ "updated_at", "更新日時", "Updated", RK_TIME, 0 },
};

#define SOA_SELECT                                                                                 \
	"SELECT s.id, s.number, s.theme, s.title_ja, s.title_en, s.applicable, s.justification, "  \
	"s.status, s.evidence, s.updated_by, u.name, s.updated_at, s.version, "                    \
	"(SELECT COUNT(*) FROM risk_controls rc WHERE rc.control_id = s.id) "                      \
	"FROM soa_controls s LEFT JOIN users u ON u.id = s.updated_by"

static json_t *soa_row(struct dbrows *r)
{
	char u[21];
	time_rfc3339(db_int(r, 11), u);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:o,s:o,s:s,s:I,s:I,s:[]}", "id",
			 (json_int_t)db_int(r, 0), "number", db_text(r, 1), "theme", db_text(r, 2),
			 "title_ja", db_text(r, 3), "title_en", db_text(r, 4), "applicable",
			 (int)db_int(r, 5), "justification", db_text(r, 6), "status", db_text(r, 7),
			 "evidence", db_text(r, 8), "updated_by",
			 db_isnull(r, 9) ? json_null() : json_integer(db_int(r, 9)),
			 "updated_by_name",
			 db_text(r, 10) ? json_string(db_text(r, 10)) : json_null(), "updated_at",
			 u, "version", (json_int_t)db_int(r, 12), "risk_count",
			 (json_int_t)db_int(r, 13), "risk_ids");
}

json_t *soa_list(struct db *db)
{
	struct dbrows r;
	if (db_query(db, &r, SOA_SELECT " ORDER BY s.sort", P0))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, soa_row(&r));
	int failed = r.failed;
	db_rows_free(&r);
	if (!failed) {
		/* Linked risk ids, in one pass. */
		if (db_query(db, &r,
			     "SELECT rc.control_id, rc.risk_id FROM risk_controls rc ORDER BY "
			     "rc.control_id, rc.risk_id",
			     P0) == 0) {
			while (db_next(&r)) {
				size_t k;
				json_t *c;
				json_array_foreach(items, k, c)
				{
					if (json_integer_value(json_object_get(c, "id")) ==
					    db_int(&r, 0)) {
						json_array_append_new(
							json_object_get(c, "risk_ids"),
							json_integer(db_int(&r, 1)));
						break;
					}
				}
			}
			failed = r.failed;
			db_rows_free(&r);
		} else {
			failed = 1;
		}
	}
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *soa_json(struct db *db, const struct reg_scope *scope, int64_t id)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r, SOA_SELECT " WHERE s.id = ?", P(V_INT(id))))
		return NULL;
	if (db_next(&r))
		o = soa_row(&r);
	db_rows_free(&r);
	if (!o)
		return NULL;
	struct risk_filter f = { .accepted = -1, .control_id = id };
	json_t *risks;
	int64_t next;
	if (risks_list(db, scope, &f, 0, 0, &risks, &next)) {
		json_decref(o);
		return NULL;
	}
	size_t i;
	json_t *rk;
	json_array_foreach(risks, i, rk)
		json_array_append(json_object_get(o, "risk_ids"), json_object_get(rk, "id"));
	json_object_set_new(o, "risks", risks);
	return o;
}

struct op {
	const struct actor *who;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
	enum status st;
};

static int update_fn(struct db *db, void *arg)
{
	struct op *o = arg;
	json_t *before = soa_json(db, &reg_scope_all, o->id), *v;
	int ret = -1;
	o->st = ST_DB;
	if (!before) {
		o->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return -1;
	}
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		o->st = ST_CONFLICT;
		goto out;
	}
	bool applicable = json_is_true(json_object_get(before, "applicable"));
	const char *why = json_string_value(json_object_get(before, "justification"));
	if ((v = json_object_get(o->in, "applicable")))
		applicable = json_is_true(v);
	if ((v = json_object_get(o->in, "justification")))
		why = json_string_value(v);
	if (!applicable && (!why || !*why)) {
		ferr_add(o->fe, "justification", "required",
			 "Say why the control is excluded: an auditor will ask.");
		o->st = ST_INVALID;
		goto out;
	}
	static const struct {
		const char *field, *sql;
	} cols[] = {
		{ "justification", "UPDATE soa_controls SET justification = ? WHERE id = ?" },
		{ "status", "UPDATE soa_controls SET status = ? WHERE id = ?" },
		{ "evidence", "UPDATE soa_controls SET evidence = ? WHERE id = ?" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		if ((v = json_object_get(o->in, cols[i].field)) &&
		    db_exec(db, cols[i].sql, P(V_TEXT(json_string_value(v)), V_INT(o->id))))
			goto out;
	if (db_exec(db,
		    "UPDATE soa_controls SET applicable = ?, updated_by = ?, updated_at = ?, "
		    "version = version + 1 WHERE id = ?",
		    P(V_BOOL(applicable), V_ID(o->who->id), V_INT(now_unix()), V_INT(o->id))))
		goto out;
	json_t *changes = json_deep_copy(o->in);
	json_object_del(changes, "version");
	json_t *sum = json_pack("{s:O,s:o}", "number", json_object_get(before, "number"), "changes",
				changes);
	ret = audit_append(db, o->who, "soa.update", "soa_control", o->id, sum);
	json_decref(sum);
	if (ret == 0)
		o->st = ST_OK;
out:
	json_decref(before);
	return ret;
}

enum status soa_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
		       struct ferrors *fe)
{
	struct op o = { who, id, patch, fe, ST_OK };
	if (db_tx(db, update_fn, &o))
		return o.st == ST_OK ? ST_DB : o.st;
	return ST_OK;
}

enum status soa_export(struct db *db, const struct actor *who, enum reg_format fmt, char **out,
		       size_t *len)
{
	json_t *items = soa_list(db);
	if (!items)
		return ST_DB;
	enum status st =
		reg_export_audited(db, who, soa_columns, ARRAY_SIZE(soa_columns), items, fmt,
				   "適用宣言書", "export.soa", "soa_control", out, len);
	json_decref(items);
	return st;
}
