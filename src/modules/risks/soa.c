/* soa.c — the Statement of Applicability over ISO/IEC 27001:2022 Annex A: the working copy of
 * the 93 controls, its frozen versions, and the approval of a version. */
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
	{ "updated_by_name", "最終変更者", "Changed by", RK_TEXT, 0 },
	{ "updated_at", "更新日時", "Updated", RK_TIME, 0 },
};
/* A frozen version has no risk ids: who may read which risk is decided when it is read. */
#define SOA_VERSION_SKIP "risk_ids"

/* --- the working copy ----------------------------------------------------------------------- */

#define SOA_SELECT                                                                                 \
	"SELECT s.id, s.number, s.theme, s.title_ja, s.title_en, s.applicable, s.justification, "  \
	"s.status, s.evidence, s.updated_by, u.name, s.updated_at, s.version "                     \
	"FROM soa_controls s LEFT JOIN users u ON u.id = s.updated_by"

static json_t *soa_row(struct dbrows *r)
{
	char u[21];
	time_rfc3339(db_int(r, 11), u);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s,s:o,s:o,s:s,s:I,s:i,s:[]}", "id",
			 (json_int_t)db_int(r, 0), "number", db_text(r, 1), "theme", db_text(r, 2),
			 "title_ja", db_text(r, 3), "title_en", db_text(r, 4), "applicable",
			 (int)db_int(r, 5), "justification", db_text(r, 6), "status", db_text(r, 7),
			 "evidence", db_text(r, 8), "updated_by",
			 db_isnull(r, 9) ? json_null() : json_integer(db_int(r, 9)),
			 "updated_by_name",
			 db_text(r, 10) ? json_string(db_text(r, 10)) : json_null(), "updated_at",
			 u, "version", (json_int_t)db_int(r, 12), "risk_count", 0, "risk_ids");
}

/* Adds to each control of `items` (in sort order) the ids of the risks naming it that the
 * reader may see: another department's risk is not there for them, not even as a number. */
static int fill_risk_ids(struct db *db, const struct reg_scope *scope, json_t *items)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT rc.control_id, rc.risk_id FROM risk_controls rc JOIN risks k ON k.id "
		     "= rc.risk_id WHERE ? = 1 OR k.department_id = ? ORDER BY 1, 2",
		     P(V_BOOL(scope->all), V_INT(scope->department_id))))
		return -1;
	size_t k = 0;
	while (db_next(&r)) {
		/* Controls are few (93): find the one, starting where the last one was. */
		size_t n = json_array_size(items);
		for (size_t step = 0; step < n; step++, k = (k + 1) % n) {
			json_t *c = json_array_get(items, k);
			if (json_integer_value(json_object_get(c, "id")) != db_int(&r, 0))
				continue;
			json_t *ids = json_object_get(c, "risk_ids");
			json_array_append_new(ids, json_integer(db_int(&r, 1)));
			json_object_set_new(c, "risk_count",
					    json_integer((json_int_t)json_array_size(ids)));
			break;
		}
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

json_t *soa_list(struct db *db, const struct reg_scope *scope)
{
	struct dbrows r;
	if (db_query(db, &r, SOA_SELECT " ORDER BY s.sort", P0))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, soa_row(&r));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || fill_risk_ids(db, scope, items)) {
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
	json_object_set_new(o, "risk_count", json_integer((json_int_t)json_array_size(risks)));
	json_object_set_new(o, "risks", risks);
	return o;
}

struct op {
	const struct actor *who;
	int64_t id, version;
	json_t *in;
	struct ferrors *fe;
	enum status st;
	int64_t new_id; /* a version made */
};

/* Blanks (ASCII and U+3000) at both ends do not count as a reason. */
static bool blank(const char *s)
{
	for (; s && *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			continue;
		if (!strncmp(s, "\xE3\x80\x80", 3)) {
			s += 2;
			continue;
		}
		return false;
	}
	return true;
}

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
	if (blank(why)) {
		ferr_add(o->fe, "justification", "required",
			 applicable ? "Say why the control is included: an auditor will ask."
				    : "Say why the control is excluded: an auditor will ask.");
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
	struct op o = { .who = who, .id = id, .in = patch, .fe = fe };
	if (db_tx(db, update_fn, &o))
		return o.st == ST_OK ? ST_DB : o.st;
	return ST_OK;
}

/* --- versions --------------------------------------------------------------------------------
 *
 * A version is the working copy frozen: every control with its applicability, reason, status,
 * evidence notes and who changed it last, numbered 1, 2, 3… It is made "pending" and becomes
 * "approved" (or "rejected") by one decision, soa_version_decide(). */

#define VERSION_SELECT                                                                             \
	"SELECT v.id, v.number, v.note, v.state, v.applicable_count, v.excluded_count, "           \
	"v.created_by, cu.name, v.created_at, v.decided_by, du.name, v.decided_at, "               \
	"v.decision_note, v.version, v.controls FROM soa_versions v LEFT JOIN users cu ON cu.id "  \
	"= v.created_by LEFT JOIN users du ON du.id = v.decided_by"

static json_t *opt_time(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

static json_t *opt_text(struct dbrows *r, int col)
{
	return db_text(r, col) ? json_string(db_text(r, col)) : json_null();
}

/* A version row; with its frozen controls when `controls`. */
static json_t *version_row(struct dbrows *r, bool controls)
{
	json_t *o =
		json_pack("{s:I,s:I,s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:I}", "id",
			  (json_int_t)db_int(r, 0), "number", (json_int_t)db_int(r, 1), "note",
			  db_text(r, 2), "state", db_text(r, 3), "applicable_count",
			  (json_int_t)db_int(r, 4), "excluded_count", (json_int_t)db_int(r, 5),
			  "created_by", db_isnull(r, 6) ? json_null() : json_integer(db_int(r, 6)),
			  "created_by_name", opt_text(r, 7), "created_at", opt_time(r, 8),
			  "decided_by", db_isnull(r, 9) ? json_null() : json_integer(db_int(r, 9)),
			  "decided_by_name", opt_text(r, 10), "decided_at", opt_time(r, 11),
			  "decision_note", db_text(r, 12), "version", (json_int_t)db_int(r, 13));
	if (controls) {
		json_t *c = json_loads(db_text(r, 14), 0, NULL);
		json_object_set_new(o, "controls", c ? c : json_array());
	}
	return o;
}

json_t *soa_versions_list(struct db *db)
{
	struct dbrows r;
	if (db_query(db, &r, VERSION_SELECT " ORDER BY v.number DESC", P0))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, version_row(&r, false));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

/* The one version matching `where` (a literal condition on v) with `p`. */
static json_t *version_where(struct db *db, const char *where, const struct dbval *p, size_t n,
			     bool controls)
{
	struct dbrows r;
	struct buf sql = BUF_INIT;
	json_t *o = NULL;
	buf_printf(&sql, "%s WHERE %s", VERSION_SELECT, where);
	int rc = db_query(db, &r, sql.buf, p, n);
	buf_release(&sql);
	if (rc)
		return NULL;
	if (db_next(&r))
		o = version_row(&r, controls);
	db_rows_free(&r);
	return o;
}

json_t *soa_version_json(struct db *db, int64_t id)
{
	return version_where(db, "v.id = ?", P(V_INT(id)), true);
}

json_t *soa_version_by_number(struct db *db, int64_t number)
{
	return version_where(db, "v.number = ?", P(V_INT(number)), true);
}

json_t *soa_approved(struct db *db)
{
	return version_where(db,
			     "v.number = (SELECT MAX(number) FROM soa_versions WHERE state = "
			     "'approved')",
			     P0, true);
}

/* What a frozen control keeps. */
static json_t *frozen(json_t *c)
{
	json_t *o = json_object();
	static const char *const keep[] = { "number",          "theme",      "title_ja",
					    "title_en",        "applicable", "justification",
					    "status",          "evidence",   "updated_by",
					    "updated_by_name", "updated_at" };
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		json_object_set(o, keep[i], json_object_get(c, keep[i]));
	return o;
}

static int create_version_fn(struct db *db, void *arg)
{
	struct op *o = arg;
	int64_t pending, last;
	bool found;
	o->st = ST_DB;
	if (blank(json_string_value(json_object_get(o->in, "note")))) {
		ferr_add(o->fe, "note", "required", "Say why this version is made.");
		o->st = ST_INVALID;
		return -1;
	}
	if (db_lock(db, "soa:versions") ||
	    db_query_int(db, &pending, &found,
			 "SELECT COUNT(*) FROM soa_versions WHERE state = 'pending'", P0) ||
	    db_query_int(db, &last, &found, "SELECT COALESCE(MAX(number), 0) FROM soa_versions",
			 P0))
		return -1;
	if (pending) {
		o->st = ST_CONFLICT;
		o->fe->code = "pending";
		o->fe->detail = "A version is waiting for approval. Approve or reject it first.";
		return -1;
	}
	json_t *items = soa_list(db, &reg_scope_all);
	if (!items)
		return -1;
	/* Every inclusion and every exclusion carries its reason. */
	struct buf missing = BUF_INIT;
	size_t nmissing = 0, i;
	int64_t applicable = 0;
	json_t *c, *controls = json_array();
	json_array_foreach(items, i, c)
	{
		if (blank(json_string_value(json_object_get(c, "justification")))) {
			if (nmissing++ < 10)
				buf_printf(&missing, "%s%s", missing.len ? ", " : "",
					   json_string_value(json_object_get(c, "number")));
		}
		applicable += json_is_true(json_object_get(c, "applicable"));
		json_array_append_new(controls, frozen(c));
	}
	int ret = -1;
	char *text = NULL;
	if (nmissing) {
		struct buf m = BUF_INIT;
		buf_printf(&m,
			   "%zu controls have no reason for their inclusion or exclusion: %s%s.",
			   nmissing, missing.buf, nmissing > 10 ? "…" : "");
		ferr_add(o->fe, "controls", "justification_missing", m.buf);
		buf_release(&m);
		o->st = ST_INVALID;
		goto out;
	}
	text = json_dumps(controls, JSON_COMPACT);
	int64_t now = now_unix();
	const char *note = json_string_value(json_object_get(o->in, "note"));
	if (!text ||
	    db_insert(db, &o->new_id,
		      "INSERT INTO soa_versions (number, note, controls, applicable_count, "
		      "excluded_count, state, created_by, created_at, updated_at) VALUES (?, ?, ?, "
		      "?, ?, 'pending', ?, ?, ?) RETURNING id",
		      P(V_INT(last + 1), V_TEXT(note ? note : ""), V_TEXT(text), V_INT(applicable),
			V_INT((int64_t)json_array_size(items) - applicable), V_ID(o->who->id),
			V_INT(now), V_INT(now))))
		goto out;
	json_t *sum = json_pack("{s:I,s:s,s:I,s:I}", "number", (json_int_t)(last + 1), "note",
				note ? note : "", "applicable", (json_int_t)applicable, "excluded",
				(json_int_t)((int64_t)json_array_size(items) - applicable));
	ret = audit_append(db, o->who, "soa.version.create", "soa_version", o->new_id, sum);
	json_decref(sum);
	if (ret == 0)
		o->st = ST_OK;
out:
	free(text);
	buf_release(&missing);
	json_decref(controls);
	json_decref(items);
	return ret;
}

enum status soa_version_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			       struct ferrors *fe)
{
	struct op o = { .who = who, .in = in, .fe = fe };
	if (db_tx(db, create_version_fn, &o))
		return o.st == ST_OK ? ST_DB : o.st;
	*id = o.new_id;
	return ST_OK;
}

/* --- the approval step ---------------------------------------------------------------------- *
 *
 * The whole of the approval is this one decision on a pending version: approve or reject, by
 * whoever the route allows (soa.approve), with an optional note (required to reject). When the
 * workflow engine exists, it takes the place of this step and keeps its effect: the state, who
 * decided, when, and the audit event. */

static int decide_fn(struct db *db, void *arg)
{
	struct op *o = arg;
	bool approve = json_is_true(json_object_get(o->in, "approve"));
	const char *note = json_string_value(json_object_get(o->in, "note"));
	o->st = ST_DB;
	json_t *v = version_where(db, "v.id = ?", P(V_INT(o->id)), false);
	if (!v) {
		o->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return -1;
	}
	int ret = -1;
	if (json_integer_value(json_object_get(v, "version")) != o->version) {
		o->st = ST_CONFLICT;
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(v, "state")), "pending")) {
		o->st = ST_CONFLICT;
		o->fe->code = "decided";
		o->fe->detail = "This version has already been approved or rejected.";
		goto out;
	}
	if (!approve && blank(note)) {
		ferr_add(o->fe, "note", "required", "Say why the version is rejected.");
		o->st = ST_INVALID;
		goto out;
	}
	int64_t now = now_unix();
	if (db_exec(db,
		    "UPDATE soa_versions SET state = ?, decided_by = ?, decided_at = ?, "
		    "decision_note = ?, updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_TEXT(approve ? "approved" : "rejected"), V_ID(o->who->id), V_INT(now),
		      V_TEXT(note ? note : ""), V_INT(now), V_INT(o->id))))
		goto out;
	json_t *sum = json_pack("{s:O,s:s}", "number", json_object_get(v, "number"), "note",
				note ? note : "");
	ret = audit_append(db, o->who, approve ? "soa.version.approve" : "soa.version.reject",
			   "soa_version", o->id, sum);
	json_decref(sum);
	if (ret == 0)
		o->st = ST_OK;
out:
	json_decref(v);
	return ret;
}

enum status soa_version_decide(struct db *db, const struct actor *who, int64_t id, int64_t version,
			       bool approve, const char *note, struct ferrors *fe)
{
	json_t *in = json_pack("{s:b,s:s}", "approve", approve, "note", note ? note : "");
	struct op o = { .who = who, .id = id, .version = version, .in = in, .fe = fe };
	int rc = db_tx(db, decide_fn, &o);
	json_decref(in);
	if (rc)
		return o.st == ST_OK ? ST_DB : o.st;
	return ST_OK;
}

/* --- export --------------------------------------------------------------------------------- */

enum status soa_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
		       int64_t number, struct reg_export *x)
{
	if (number) {
		json_t *v = soa_version_by_number(db, number);
		if (!v)
			return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		struct reg_column cols[ARRAY_SIZE(soa_columns)];
		size_t n = 0;
		for (size_t i = 0; i < ARRAY_SIZE(soa_columns); i++)
			if (strcmp(soa_columns[i].key, SOA_VERSION_SKIP))
				cols[n++] = soa_columns[i];
		char sheet[64];
		snprintf(sheet, sizeof(sheet), "適用宣言書 第%lld版", (long long)number);
		enum status st =
			reg_export_audited(db, who, cols, n, json_object_get(v, "controls"), x,
					   sheet, "export.soa", "soa_version");
		json_decref(v);
		return st;
	}
	json_t *items = soa_list(db, scope);
	if (!items)
		return ST_DB;
	enum status st = reg_export_audited(db, who, soa_columns, ARRAY_SIZE(soa_columns), items, x,
					    "適用宣言書", "export.soa", "soa_control");
	json_decref(items);
	return st;
}
