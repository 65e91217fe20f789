/* devices.c — the device register: scope, settings, records, posture flags, disposal, import
 * and export. */
#include <string.h>

#include "devices_impl.h"
#include "../../lib/timeutil.h"

/* --- scope -------------------------------------------------------------------------------- */

const struct dev_scope dev_scope_everything = { true, 0, "" };

struct dev_scope dev_scope_of(struct req *req)
{
	struct dev_scope s = { false, req->user ? req->user->id : 0, "" };
	tz_today(s.today);
	s.all = req_can(req, PERM_ALL_DEPARTMENTS) || req_can(req, "devices.write") ||
		req_can(req, "loans.lend") || req_can(req, "media.privacy");
	return s;
}

#define ME3(id) V_INT(id), V_INT(id), V_INT(id)

void dev_scope_devices(struct query *q, const struct dev_scope *s)
{
	if (s->all)
		return;
	int64_t me = s->user_id;
	query_add(q,
		  "AND (d.holder_id = ? OR d.holder_id IN (" DEV_TEAM_OF ") OR d.department_id IN "
		  "(SELECT sd.id FROM departments sd WHERE sd.manager_id = ? OR sd.deputy_id = ?) "
		  "OR d.id IN (SELECT lo.device_id FROM loans lo WHERE lo.status = 'lent' AND "
		  "(lo.borrower_id = ? OR lo.borrower_id IN (" DEV_TEAM_OF "))))",
		  P(V_INT(me), ME3(me), V_INT(me), V_INT(me), V_INT(me), ME3(me)));
}

void dev_scope_loans(struct query *q, const struct dev_scope *s)
{
	if (s->all)
		return;
	int64_t me = s->user_id;
	query_add(q,
		  "AND (l.borrower_id = ? OR l.borrower_id IN (" DEV_TEAM_OF ") OR l.department_id "
		  "IN (SELECT sd.id FROM departments sd WHERE sd.manager_id = ? OR sd.deputy_id = "
		  "?) OR",
		  P(V_INT(me), ME3(me), V_INT(me), V_INT(me)));
	approval_decider_exists(q, "loan", "l.id", me, s->today);
	query_add(q, ")", NULL, 0);
}

void dev_scope_media(struct query *q, const struct dev_scope *s)
{
	if (s->all)
		return;
	int64_t me = s->user_id;
	query_add(q,
		  "AND (m.requester_id = ? OR m.requester_id IN (" DEV_TEAM_OF ") OR "
		  "m.department_id IN (SELECT sd.id FROM departments sd WHERE sd.manager_id = ? OR "
		  "sd.deputy_id = ?) OR",
		  P(V_INT(me), ME3(me), V_INT(me), V_INT(me)));
	approval_decider_exists(q, "media_request", "m.id", me, s->today);
	query_add(q, ")", NULL, 0);
}

/* --- small helpers ------------------------------------------------------------------------ */

json_t *dev_person(struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col))
		return json_null();
	return json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, id_col), "name",
			 db_text(r, name_col));
}

json_t *dev_time(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

json_t *dev_text(struct dbrows *r, int col)
{
	return db_text(r, col) ? json_string(db_text(r, col)) : json_null();
}

json_t *dev_int(struct dbrows *r, int col)
{
	return db_isnull(r, col) ? json_null() : json_integer(db_int(r, col));
}

json_t *dev_bool(struct dbrows *r, int col)
{
	return db_isnull(r, col) ? json_null() : json_boolean(db_int(r, col));
}

void dev_check_not_future(json_t *in, const char *field, const char *today, struct ferrors *fe)
{
	json_t *v = json_object_get(in, field);
	if (json_is_string(v) && strcmp(json_string_value(v), today) > 0)
		ferr_add(fe, field, "out_of_range", "This date is in the future.");
}

int dev_check_user(struct db *db, int64_t id, const char *field, struct ferrors *fe)
{
	int64_t one;
	bool found;
	if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
			 P(V_INT(id))))
		return -1;
	if (!found)
		ferr_add(fe, field, "not_found", "There is no such active user.");
	return 0;
}

/* --- settings ----------------------------------------------------------------------------- */

int device_settings_get(struct db *db, struct device_settings *out)
{
	struct dbrows r;
	out->policy.definitions_max_days = DEFINITIONS_MAX_DAYS_DEFAULT;
	out->policy.patch_max_days = PATCH_MAX_DAYS_DEFAULT;
	out->version = 1;
	out->updated_at = 0;
	if (db_query(db, &r,
		     "SELECT definitions_max_days, patch_max_days, version, updated_at FROM "
		     "device_settings WHERE id = 1",
		     P0))
		return -1;
	if (db_next(&r)) {
		out->policy.definitions_max_days = (int)db_int(&r, 0);
		out->policy.patch_max_days = (int)db_int(&r, 1);
		out->version = db_int(&r, 2);
		out->updated_at = db_int(&r, 3);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

json_t *device_settings_json(const struct device_settings *s)
{
	char t[21];
	time_rfc3339(s->updated_at, t);
	return json_pack("{s:i,s:i,s:i,s:I,s:s}", "definitions_max_days",
			 s->policy.definitions_max_days, "patch_max_days", s->policy.patch_max_days,
			 "screen_lock_max_minutes", SCREEN_LOCK_MAX_MINUTES, "version",
			 (json_int_t)s->version, "updated_at", t);
}

struct settings_op {
	const struct actor *who;
	json_t *patch;
	struct ferrors *fe;
};

static enum status settings_fn(struct db *db, void *arg)
{
	struct settings_op *o = arg;
	struct device_settings before, after;
	json_t *v;
	ferr_release(o->fe);
	if (db_lock(db, "devices:settings") || device_settings_get(db, &before))
		return ST_DB;
	if (json_integer_value(json_object_get(o->patch, "version")) != before.version)
		return ST_CONFLICT;
	if ((v = json_object_get(o->patch, "definitions_max_days")) &&
	    db_exec(db, "UPDATE device_settings SET definitions_max_days = ? WHERE id = 1",
		    P(V_INT(json_integer_value(v)))))
		return ST_DB;
	if ((v = json_object_get(o->patch, "patch_max_days")) &&
	    db_exec(db, "UPDATE device_settings SET patch_max_days = ? WHERE id = 1",
		    P(V_INT(json_integer_value(v)))))
		return ST_DB;
	if (db_exec(db,
		    "UPDATE device_settings SET version = version + 1, updated_at = ? WHERE id = 1",
		    P(V_INT(now_unix()))) ||
	    device_settings_get(db, &after))
		return ST_DB;
	json_t *b = device_settings_json(&before), *a = device_settings_json(&after);
	json_object_del(b, "updated_at");
	json_object_del(a, "updated_at");
	int rc = audit_change(db, o->who, "device_settings.update", "device_settings", 1, b, a);
	json_decref(b);
	json_decref(a);
	return rc ? ST_DB : ST_OK;
}

enum status device_settings_update(struct db *db, const struct actor *who, json_t *patch,
				   struct ferrors *fe)
{
	struct settings_op o = { who, patch, fe };
	return db_tx_st(db, settings_fn, &o);
}

/* --- declarations ------------------------------------------------------------------------- */

static const char *const kinds[] = { "pc",         "smartphone",    "tablet",
				     "usb_memory", "external_disk", "sd_card",
				     "router",     "other",         NULL };
static const char *const kinds_ja[] = { "PC",        "スマートフォン", "タブレット",
					"USBメモリ", "外付けディスク", "SDカード",
					"ルーター",  "その他",         NULL };
static const char *const kinds_en[] = { "PC",         "Smartphone",    "Tablet",
					"USB memory", "External disk", "SD card",
					"Router",     "Other",         NULL };
static const char *const statuses[] = { "in_use", "in_stock", "on_loan", "lost", "disposed", NULL };
static const char *const statuses_ja[] = { "使用中", "在庫", "貸出中", "紛失", "廃棄済み", NULL };
static const char *const statuses_en[] = {
	"In use", "In stock", "On loan", "Lost", "Disposed", NULL
};
/* What a person may set; on loan and disposed come from their own steps. */
static const char *const settable_statuses[] = { "in_use", "in_stock", "lost", NULL };

/* What a create body may hold; the API and the import check with the same list. */
const struct field device_create_schema[] = {
	{ "asset_tag", FT_STRING, F_REQUIRED, .min = 1, .max = 40 },
	{ "kind", FT_ENUM, F_REQUIRED, .choices = kinds },
	{ "model", FT_STRING, 0, .max = 100 },
	{ "serial", FT_STRING, 0, .max = 100 },
	{ "department_id", FT_ID, F_NULLABLE },
	{ "holder_id", FT_ID, F_NULLABLE },
	{ "status", FT_ENUM, 0, .choices = settable_statuses },
	{ "os", FT_STRING, 0, .max = 60 },
	{ "os_version", FT_STRING, 0, .max = 60 },
	{ "patched_on", FT_DATE, F_NULLABLE },
	{ "antivirus", FT_STRING, 0, .max = 100 },
	{ "definitions_on", FT_DATE, F_NULLABLE },
	{ "disk_encrypted", FT_BOOL, 0 },
	{ "bios_password", FT_BOOL, 0 },
	{ "screen_lock_minutes", FT_INT, F_NULLABLE, .min = 0, .max = 1440 },
	{ "p2p_present", FT_BOOL, 0 },
	{ "wire_lock", FT_BOOL, 0 },
	{ "portable", FT_BOOL, 0 },
	{ "asset_id", FT_ID, F_NULLABLE },
	{ "notes", FT_TEXT, 0, .max = 2000 },
	{ 0 }
};

/* The stored fields (status is set by its own rules, see below). */
static const struct reg_field fields[] = {
	{ "asset_tag", "asset_tag", RF_TEXT },
	{ "kind", "kind", RF_TEXT },
	{ "model", "model", RF_TEXT },
	{ "serial", "serial", RF_TEXT },
	{ "department_id", "department_id", RF_ID },
	{ "holder_id", "holder_id", RF_ID },
	{ "os", "os", RF_TEXT },
	{ "os_version", "os_version", RF_TEXT },
	{ "patched_on", "patched_on", RF_DATE },
	{ "antivirus", "antivirus", RF_TEXT },
	{ "definitions_on", "definitions_on", RF_DATE },
	{ "disk_encrypted", "disk_encrypted", RF_BOOL },
	{ "bios_password", "bios_password", RF_BOOL },
	{ "screen_lock_minutes", "screen_lock_minutes", RF_INT },
	{ "p2p_present", "p2p_present", RF_BOOL },
	{ "wire_lock", "wire_lock", RF_BOOL },
	{ "portable", "portable", RF_BOOL },
	{ "asset_id", "asset_id", RF_ID },
	{ "notes", "notes", RF_TEXT },
};
#define NFIELDS ARRAY_SIZE(fields)

/* The register's columns in exports and imports (Japanese headers as offices use them). */
static const struct reg_column device_columns[] = {
	{ "id", "ID", "id", RK_INT, 0 },
	{ "asset_tag", "管理番号", "Asset tag", RK_TEXT, RC_IMPORT | RC_REQUIRED, .max = 40 },
	{ "kind", "種別", "Kind", RK_ENUM, RC_IMPORT | RC_REQUIRED, .choices = kinds,
	  .labels_ja = kinds_ja, .labels_en = kinds_en },
	{ "model", "機種", "Model", RK_TEXT, RC_IMPORT, .max = 100 },
	{ "serial", "製造番号", "Serial number", RK_TEXT, RC_IMPORT, .max = 100 },
	{ "department_id", "管理部署", "Department", RK_DEPARTMENT, RC_IMPORT,
	  .shown = "department_name" },
	{ "holder_id", "使用者", "Holder", RK_CUSTOM, RC_IMPORT, .shown = "holder_name" },
	{ "status", "状態", "Status", RK_ENUM, RC_IMPORT, .choices = statuses,
	  .labels_ja = statuses_ja, .labels_en = statuses_en },
	{ "os", "OS", "OS", RK_TEXT, RC_IMPORT, .max = 60 },
	{ "os_version", "OSバージョン", "OS version", RK_TEXT, RC_IMPORT, .max = 60 },
	{ "patched_on", "最終パッチ適用日", "Last patched", RK_DATE, RC_IMPORT },
	{ "antivirus", "ウイルス対策ソフト", "Antivirus", RK_TEXT, RC_IMPORT, .max = 100 },
	{ "definitions_on", "定義ファイル更新日", "Definitions date", RK_DATE, RC_IMPORT },
	{ "disk_encrypted", "ディスク暗号化", "Disk encryption", RK_BOOL, RC_IMPORT },
	{ "bios_password", "BIOSパスワード", "BIOS password", RK_BOOL, RC_IMPORT },
	{ "screen_lock_minutes", "画面ロック(分)", "Screen lock (minutes)", RK_INT, RC_IMPORT,
	  .min = 0, .max = 1440 },
	{ "p2p_present", "ファイル共有ソフトあり", "P2P software present", RK_BOOL, RC_IMPORT },
	{ "wire_lock", "ワイヤーロック", "Wire lock", RK_BOOL, RC_IMPORT },
	{ "portable", "持ち運び可能", "Portable", RK_BOOL, RC_IMPORT },
	{ "notes", "備考", "Notes", RK_TEXT, RC_IMPORT, .max = 2000 },
	{ "asset_name", "情報資産", "Information asset", RK_TEXT, 0 },
	{ "flags_ja", "要対応", "Needs attention", RK_TEXT, 0 },
	{ "disposed_on", "廃棄日", "Disposed on", RK_DATE, 0 },
	{ "updated_at", "更新日時", "Updated", RK_TIME, 0 },
};
#define NCOLUMNS ARRAY_SIZE(device_columns)

/* --- reading ------------------------------------------------------------------------------ */

#define DEVICE_SELECT                                                                              \
	"SELECT d.id, d.asset_tag, d.kind, d.model, d.serial, d.department_id, dp.name, "          \
	"d.holder_id, h.name, d.status, d.os, d.os_version, d.patched_on, d.antivirus, "           \
	"d.definitions_on, d.disk_encrypted, d.bios_password, d.screen_lock_minutes, "             \
	"d.p2p_present, d.wire_lock, d.portable, d.asset_id, a.name, d.notes, d.disposal_method, " \
	"d.disposal_certificate, d.disposed_by, d.disposed_on, d.disposal_witness, "               \
	"d.disposal_note, d.disposal_recorded_by, rb.name, l.id, l.borrower_id, b.name, "          \
	"l.due_on, l.starts_on, d.created_at, d.updated_at, d.version "                            \
	"FROM devices d LEFT JOIN departments dp ON dp.id = d.department_id "                      \
	"LEFT JOIN users h ON h.id = d.holder_id LEFT JOIN assets a ON a.id = d.asset_id "         \
	"LEFT JOIN users rb ON rb.id = d.disposal_recorded_by "                                    \
	"LEFT JOIN loans l ON l.device_id = d.id AND l.status = 'lent' "                           \
	"LEFT JOIN users b ON b.id = l.borrower_id"

struct row_ctx {
	struct device_policy policy;
	char today[11];
};

static int row_ctx_init(struct db *db, struct row_ctx *c)
{
	struct device_settings s;
	if (device_settings_get(db, &s))
		return -1;
	c->policy = s.policy;
	tz_today(c->today);
	return 0;
}

static json_t *device_row(struct dbrows *r, const struct row_ctx *c)
{
	const char *status = db_text(r, 9);
	struct device_state st = {
		.kind = db_text(r, 2),
		.status = status,
		.screen_lock_minutes = db_isnull(r, 17) ? -1 : (int)db_int(r, 17),
		.definitions_on = db_text(r, 14),
		.patched_on = db_text(r, 12),
		.portable = db_int(r, 20) != 0,
		.disk_encrypted = db_int(r, 15) != 0,
		.p2p_present = db_int(r, 18) != 0,
		.loan_due_on = db_text(r, 35),
	};
	unsigned flags = device_posture(&st, &c->policy, c->today);
	const char *names[8];
	size_t nf = device_flag_names(flags, names, ARRAY_SIZE(names));
	json_t *fl = json_array();
	for (size_t i = 0; i < nf; i++)
		json_array_append_new(fl, json_string(names[i]));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, 0)));
	json_object_set_new(o, "asset_tag", json_string(db_text(r, 1)));
	json_object_set_new(o, "kind", json_string(db_text(r, 2)));
	json_object_set_new(o, "media", json_boolean(device_kind_is_media(db_text(r, 2))));
	json_object_set_new(o, "model", json_string(db_text(r, 3)));
	json_object_set_new(o, "serial", json_string(db_text(r, 4)));
	json_object_set_new(o, "department_id", dev_int(r, 5));
	json_object_set_new(o, "department_name", dev_text(r, 6));
	json_object_set_new(o, "holder_id", dev_int(r, 7));
	json_object_set_new(o, "holder_name", dev_text(r, 8));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "os", json_string(db_text(r, 10)));
	json_object_set_new(o, "os_version", json_string(db_text(r, 11)));
	json_object_set_new(o, "patched_on", dev_text(r, 12));
	json_object_set_new(o, "antivirus", json_string(db_text(r, 13)));
	json_object_set_new(o, "definitions_on", dev_text(r, 14));
	json_object_set_new(o, "disk_encrypted", json_boolean(db_int(r, 15)));
	json_object_set_new(o, "bios_password", json_boolean(db_int(r, 16)));
	json_object_set_new(o, "screen_lock_minutes", dev_int(r, 17));
	json_object_set_new(o, "p2p_present", json_boolean(db_int(r, 18)));
	json_object_set_new(o, "wire_lock", json_boolean(db_int(r, 19)));
	json_object_set_new(o, "portable", json_boolean(db_int(r, 20)));
	json_object_set_new(o, "asset_id", dev_int(r, 21));
	json_object_set_new(o, "asset_name", dev_text(r, 22));
	json_object_set_new(o, "notes", json_string(db_text(r, 23)));
	json_object_set_new(
		o, "disposal",
		db_text(r, 24)
			? json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:o}", "method", db_text(r, 24),
				    "certificate_no", db_text(r, 25), "disposed_by", db_text(r, 26),
				    "disposed_on", db_text(r, 27), "witness", db_text(r, 28),
				    "note", db_text(r, 29), "recorded_by", dev_person(r, 30, 31))
			: json_null());
	json_object_set_new(o, "current_loan",
			    db_isnull(r, 32)
				    ? json_null()
				    : json_pack("{s:I,s:o,s:s,s:s,s:b}", "id",
						(json_int_t)db_int(r, 32), "borrower",
						dev_person(r, 33, 34), "starts_on", db_text(r, 36),
						"due_on", db_text(r, 35), "overdue",
						strcmp(db_text(r, 35), c->today) < 0));
	json_object_set_new(o, "flags", fl);
	json_object_set_new(o, "attention", json_boolean(flags != 0));
	json_object_set_new(o, "created_at", dev_time(r, 37));
	json_object_set_new(o, "updated_at", dev_time(r, 38));
	json_object_set_new(o, "version", json_integer(db_int(r, 39)));
	return o;
}

json_t *device_json(struct db *db, const struct dev_scope *scope, int64_t id)
{
	struct query q;
	struct dbrows r;
	struct row_ctx c;
	json_t *o = NULL;
	if (row_ctx_init(db, &c))
		return NULL;
	query_init(&q, DEVICE_SELECT);
	query_add(&q, "WHERE d.id = ?", P(V_INT(id)));
	dev_scope_devices(&q, scope);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return NULL;
	if (db_next(&r))
		o = device_row(&r, &c);
	db_rows_free(&r);
	return o;
}

static json_t *device_load_reg(struct db *db, const struct reg_scope *scope, int64_t id)
{
	UNUSED(scope); /* the register's writers see every device */
	return device_json(db, &dev_scope_everything, id);
}

int devices_list(struct db *db, const struct dev_scope *scope, const struct device_filter *f,
		 int64_t cursor, int64_t limit, json_t **items, int64_t *next)
{
	struct query q;
	struct dbrows r;
	struct row_ctx c;
	struct arena a = ARENA_INIT;
	*items = NULL;
	*next = 0;
	if (row_ctx_init(db, &c))
		return -1;
	query_init(&q, DEVICE_SELECT);
	query_add(&q, "WHERE 1 = 1", NULL, 0);
	dev_scope_devices(&q, scope);
	if (f->q && *f->q)
		query_add(&q, "AND d.search LIKE ? ESCAPE '\\'",
			  P(V_TEXT(reg_like_pattern(&a, f->q))));
	if (f->kind && *f->kind)
		query_add(&q, "AND d.kind = ?", P(V_TEXT(f->kind)));
	if (f->status && *f->status)
		query_add(&q, "AND d.status = ?", P(V_TEXT(f->status)));
	else if (f->attention)
		query_add(&q, "AND d.status NOT IN ('lost', 'disposed')", NULL, 0);
	if (f->department_id)
		query_add(&q, "AND d.department_id = ?", P(V_INT(f->department_id)));
	if (f->holder_id)
		query_add(&q, "AND d.holder_id = ?", P(V_INT(f->holder_id)));
	if (cursor)
		query_add(&q, "AND d.id > ?", P(V_INT(cursor)));
	/* The attention filter is the rules', applied to each row: no LIMIT in SQL then. */
	if (limit && !f->attention)
		query_add(&q, "ORDER BY d.id LIMIT ?", P(V_INT(limit + 1)));
	else
		query_add(&q, "ORDER BY d.id", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	arena_release(&a);
	if (rc)
		return -1;
	json_t *out = json_array();
	int64_t n = 0, last = 0;
	while (db_next(&r)) {
		json_t *o = device_row(&r, &c);
		if (f->attention && !json_is_true(json_object_get(o, "attention"))) {
			json_decref(o);
			continue;
		}
		if (limit && n == limit) {
			*next = last;
			json_decref(o);
			break;
		}
		last = db_int(&r, 0);
		json_array_append_new(out, o);
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(out);
		return -1;
	}
	*items = out;
	return 0;
}

json_t *device_choices(struct db *db, const char *purpose)
{
	struct dbrows r;
	bool media = purpose && !strcmp(purpose, "media");
	if (db_query(db, &r,
		     "SELECT id, asset_tag, kind, model, status FROM devices WHERE status IN "
		     "('in_stock', 'in_use') ORDER BY kind, asset_tag, id",
		     P0))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r)) {
		const char *kind = db_text(&r, 2), *status = db_text(&r, 4);
		if (device_kind_is_media(kind) != media)
			continue;
		if (!media && strcmp(status, "in_stock"))
			continue; /* a loan takes a device from stock */
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s}", "id",
						       (json_int_t)db_int(&r, 0), "asset_tag",
						       db_text(&r, 1), "kind", kind, "model",
						       db_text(&r, 3)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

int device_brief_locked(struct db *db, int64_t id, struct device_brief *out)
{
	struct dbrows r;
	char lock[48];
	memset(out, 0, sizeof(*out));
	snprintf(lock, sizeof(lock), "device:%lld", (long long)id);
	if (db_lock(db, lock) ||
	    db_query(db, &r, "SELECT id, kind, status, asset_tag FROM devices WHERE id = ?",
		     P(V_INT(id))))
		return -1;
	int rc = 1;
	if (db_next(&r)) {
		out->id = db_int(&r, 0);
		snprintf(out->kind, sizeof(out->kind), "%s", db_text(&r, 1));
		snprintf(out->status, sizeof(out->status), "%s", db_text(&r, 2));
		snprintf(out->asset_tag, sizeof(out->asset_tag), "%s", db_text(&r, 3));
		rc = 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : rc;
}

/* --- rules -------------------------------------------------------------------------------- */

/* Fills in what a body may leave out: portable from the kind, status from the holder. */
static void defaults(json_t *rec)
{
	if (!json_is_boolean(json_object_get(rec, "portable")))
		json_object_set_new(rec, "portable",
				    json_boolean(device_kind_portable(
					    json_string_value(json_object_get(rec, "kind")))));
	if (!json_is_string(json_object_get(rec, "status")))
		json_object_set_new(rec, "status",
				    json_string(json_is_integer(json_object_get(rec, "holder_id"))
							? "in_use"
							: "in_stock"));
}

/* The rules beyond the field types, for a record `rec` (id 0: a new one). */
static int check_rules(struct db *db, json_t *rec, int64_t id, struct ferrors *fe)
{
	int64_t other;
	bool found;
	char today[11];
	json_t *v;
	tz_today(today);
	if (reg_check_common(db, &reg_scope_all, rec, fe))
		return -1;
	if (db_query_int(
		    db, &other, &found,
		    "SELECT id FROM devices WHERE lower(asset_tag) = lower(?) AND id <> ?",
		    P(V_TEXT(json_string_value(json_object_get(rec, "asset_tag"))), V_INT(id))))
		return -1;
	if (found)
		ferr_add(fe, "asset_tag", "taken", "Another device has this asset tag.");
	v = json_object_get(rec, "holder_id");
	if (json_is_integer(v) && dev_check_user(db, json_integer_value(v), "holder_id", fe))
		return -1;
	v = json_object_get(rec, "asset_id");
	if (json_is_integer(v)) {
		if (db_query_int(db, &other, &found, "SELECT 1 FROM assets WHERE id = ?",
				 P(V_INT(json_integer_value(v)))))
			return -1;
		if (!found)
			ferr_add(fe, "asset_id", "not_found",
				 "There is no such information asset.");
	}
	dev_check_not_future(rec, "patched_on", today, fe);
	dev_check_not_future(rec, "definitions_on", today, fe);
	const char *status = json_string_value(json_object_get(rec, "status"));
	bool held = json_is_integer(json_object_get(rec, "holder_id"));
	if (status && !strcmp(status, "in_use") && !held)
		ferr_add(fe, "holder_id", "required", "A device in use has a holder.");
	if (status && !strcmp(status, "in_stock") && held)
		ferr_add(fe, "holder_id", "in_stock", "A device in stock has no holder.");
	return 0;
}

/* Binds the fields plus status and the search key of `rec`. */
static size_t bind_all(json_t *rec, struct dbval *vals, struct buf *search)
{
	reg_bind(fields, NFIELDS, rec, vals);
	static const char *const words[] = { "asset_tag", "model",     "serial",
					     "os",        "antivirus", "notes" };
	for (size_t k = 0; k < ARRAY_SIZE(words); k++)
		reg_search_add(search, json_string_value(json_object_get(rec, words[k])));
	size_t n = NFIELDS;
	vals[n++] = V_TEXT(json_string_value(json_object_get(rec, "status")));
	vals[n++] = V_TEXT(search->buf);
	return n;
}

/* Checks `in` and, when clean, inserts it: the shared step of create and import. */
static int insert_checked(struct db *db, const struct actor *who, const struct reg_scope *scope,
			  json_t *in, int64_t *id, struct ferrors *fe)
{
	UNUSED(who);
	UNUSED(scope);
	*id = 0;
	schema_validate(device_create_schema, in, false, fe);
	if (ferr_any(fe))
		return 0;
	json_t *rec = json_deep_copy(in);
	defaults(rec);
	int ret = -1;
	if (check_rules(db, rec, 0, fe))
		goto out;
	ret = 0;
	if (ferr_any(fe))
		goto out;
	struct dbval vals[NFIELDS + 4];
	struct buf search = BUF_INIT, sql = BUF_INIT;
	size_t n = bind_all(rec, vals, &search);
	int64_t now = now_unix();
	vals[n++] = V_INT(now);
	vals[n++] = V_INT(now);
	reg_insert_sql(&sql, "devices", fields, NFIELDS, "status, search, created_at, updated_at",
		       4);
	ret = db_insert(db, id, sql.buf, vals, n);
	buf_release(&sql);
	buf_release(&search);
out:
	json_decref(rec);
	return ret;
}

/* What the trail keeps: the editable fields, the status and the disposal. */
static json_t *audit_view(json_t *device)
{
	json_t *o = reg_editable(fields, NFIELDS, device);
	json_object_set(o, "status", json_object_get(device, "status"));
	json_t *d = json_object_get(device, "disposal");
	if (json_is_object(d)) {
		json_t *c = json_deep_copy(d);
		json_t *by = json_object_get(c, "recorded_by");
		json_object_set_new(c, "recorded_by",
				    json_is_object(by) ? json_incref(json_object_get(by, "id"))
						       : json_null());
		json_object_set_new(o, "disposal", c);
	}
	return o;
}

const struct reg_record device_kind = {
	"device", "devices", device_load_reg, audit_view, insert_checked, NULL, NULL,
};

/* --- changes ------------------------------------------------------------------------------ */

struct change_op {
	const struct actor *who;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

/* Locks device c->id and reads it at the version the caller saw; NULL with *st set. */
static json_t *load_for_change(struct db *db, struct change_op *c, enum status *st)
{
	struct device_brief b;
	int rc = device_brief_locked(db, c->id, &b);
	*st = rc < 0 ? ST_DB : ST_NOT_FOUND;
	if (rc)
		return NULL;
	json_t *before = device_json(db, &dev_scope_everything, c->id);
	if (!before)
		return NULL;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(c->in, "version"))) {
		*st = ST_CONFLICT;
		json_decref(before);
		return NULL;
	}
	if (!strcmp(json_string_value(json_object_get(before, "status")), "disposed")) {
		*st = ST_CONFLICT;
		c->fe->code = "disposed";
		c->fe->detail = "The device has been disposed of; its record is kept as it is.";
		json_decref(before);
		return NULL;
	}
	*st = ST_OK;
	return before;
}

/* Appends the change's event with the device before and after. */
static enum status audit_step(struct db *db, struct change_op *c, json_t *before,
			      const char *action)
{
	json_t *after = device_json(db, &dev_scope_everything, c->id);
	if (!after)
		return ST_DB;
	json_t *b = audit_view(before), *a = audit_view(after);
	int rc = audit_change(db, c->who, action, "device", c->id, b, a);
	json_decref(b);
	json_decref(a);
	json_decref(after);
	return rc ? ST_DB : ST_OK;
}

static enum status update_fn(struct db *db, void *arg)
{
	struct change_op *c = arg;
	enum status st;
	ferr_release(c->fe);
	json_t *before = load_for_change(db, c, &st);
	if (!before)
		return st;
	json_t *rec = reg_patched(fields, NFIELDS, before, c->in);
	const char *was = json_string_value(json_object_get(before, "status"));
	json_t *status = json_object_get(c->in, "status");
	json_object_set(rec, "status", status ? status : json_object_get(before, "status"));
	st = ST_DB;
	if (!strcmp(was, "on_loan")) {
		/* Out on a loan: its holder and status follow the loan until it is returned. */
		if (status)
			ferr_add(c->fe, "status", "on_loan",
				 "The device is out on loan; record its return first.");
		if (json_object_get(c->in, "holder_id"))
			ferr_add(c->fe, "holder_id", "on_loan",
				 "The device is out on loan; record its return first.");
		json_object_del(rec, "status");
	}
	schema_validate(device_create_schema, rec, false, c->fe);
	if (!strcmp(was, "on_loan"))
		json_object_set_new(rec, "status", json_string("on_loan"));
	if (!ferr_any(c->fe) && check_rules(db, rec, c->id, c->fe))
		goto out;
	if (ferr_any(c->fe)) {
		st = ST_INVALID;
		goto out;
	}
	struct dbval vals[NFIELDS + 4];
	struct buf search = BUF_INIT, sql = BUF_INIT;
	size_t n = bind_all(rec, vals, &search);
	vals[n++] = V_INT(now_unix());
	vals[n++] = V_INT(c->id);
	reg_update_sql(&sql, "devices", fields, NFIELDS,
		       "status = ?, search = ?, updated_at = ?, version = version + 1");
	int rc = db_exec(db, sql.buf, vals, n);
	buf_release(&sql);
	buf_release(&search);
	if (rc == 0)
		st = audit_step(db, c, before, "device.update");
out:
	json_decref(rec);
	json_decref(before);
	return st;
}

enum status device_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe)
{
	struct change_op c = { who, id, patch, fe };
	return db_tx_st(db, update_fn, &c);
}

static enum status dispose_fn(struct db *db, void *arg)
{
	struct change_op *c = arg;
	enum status st;
	char today[11];
	ferr_release(c->fe);
	json_t *before = load_for_change(db, c, &st);
	if (!before)
		return st;
	st = ST_INVALID;
	if (!strcmp(json_string_value(json_object_get(before, "status")), "on_loan")) {
		c->fe->code = "on_loan";
		c->fe->detail = "The device is out on loan; record its return first.";
		st = ST_CONFLICT;
		goto out;
	}
	const char *method = json_string_value(json_object_get(c->in, "method"));
	const char *cert = json_string_value(json_object_get(c->in, "certificate_no"));
	tz_today(today);
	if (!strcmp(method, "erasure_service") && (!cert || !*cert))
		ferr_add(c->fe, "certificate_no", "required",
			 "Give the number of the erasure certificate the service issued.");
	dev_check_not_future(c->in, "disposed_on", today, c->fe);
	if (ferr_any(c->fe))
		goto out;
	st = ST_DB;
	if (db_exec(db,
		    "UPDATE devices SET status = 'disposed', holder_id = NULL, disposal_method = "
		    "?, "
		    "disposal_certificate = ?, disposed_by = ?, disposed_on = ?, disposal_witness "
		    "= ?, disposal_note = ?, disposal_recorded_by = ?, updated_at = ?, version = "
		    "version + 1 WHERE id = ?",
		    P(V_TEXT(method), V_TEXT(cert ? cert : ""),
		      V_TEXT(json_string_value(json_object_get(c->in, "disposed_by"))),
		      V_TEXT(json_string_value(json_object_get(c->in, "disposed_on"))),
		      V_TEXT(json_string_value(json_object_get(c->in, "witness"))
				     ? json_string_value(json_object_get(c->in, "witness"))
				     : ""),
		      V_TEXT(json_string_value(json_object_get(c->in, "note"))
				     ? json_string_value(json_object_get(c->in, "note"))
				     : ""),
		      V_ID(c->who->id), V_INT(now_unix()), V_INT(c->id))) == 0)
		st = audit_step(db, c, before, "device.dispose");
out:
	json_decref(before);
	return st;
}

enum status device_dispose(struct db *db, const struct actor *who, int64_t id, json_t *in,
			   struct ferrors *fe)
{
	struct change_op c = { who, id, in, fe };
	return db_tx_st(db, dispose_fn, &c);
}

/* --- export and import -------------------------------------------------------------------- */

/* The flags as the export's "要対応" cell. */
static void add_export_fields(json_t *items)
{
	static const struct {
		const char *name, *ja;
	} labels[] = {
		{ "loan_overdue", "返却期限超過" },      { "screen_lock", "画面ロック10分超" },
		{ "definitions", "定義ファイルが古い" }, { "patches", "パッチ未適用" },
		{ "encryption", "暗号化なし" },          { "p2p", "ファイル共有ソフトあり" },
	};
	size_t i, k;
	json_t *item, *f;
	json_array_foreach(items, i, item)
	{
		struct buf b = BUF_INIT;
		json_array_foreach(json_object_get(item, "flags"), k, f)
		{
			for (size_t l = 0; l < ARRAY_SIZE(labels); l++)
				if (!strcmp(json_string_value(f), labels[l].name)) {
					if (b.len)
						buf_adds(&b, "・");
					buf_adds(&b, labels[l].ja);
				}
		}
		json_object_set_new(item, "flags_ja", json_string(b.buf));
		json_t *d = json_object_get(item, "disposal");
		json_object_set(item, "disposed_on",
				json_is_object(d) ? json_object_get(d, "disposed_on")
						  : json_null());
		buf_release(&b);
	}
}

enum status devices_export(struct db *db, const struct actor *who, const struct dev_scope *scope,
			   const struct device_filter *f, struct reg_export *x)
{
	json_t *items;
	int64_t next;
	if (devices_list(db, scope, f, 0, 0, &items, &next))
		return ST_DB;
	add_export_fields(items);
	enum status st = reg_export_audited(db, who, device_columns, NCOLUMNS, items, x,
					    "端末管理台帳", "export.devices", "device");
	json_decref(items);
	return st;
}

/* A holder cell: a login, or a name that only one active person has. */
static const char *import_resolve(struct db *db, const struct reg_column *col, const char *text,
				  json_t **out)
{
	UNUSED(col);
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT id FROM users WHERE status = 'active' AND (lower(login) = lower(?) OR "
		     "name = ?) ORDER BY id LIMIT 2",
		     P(V_TEXT(text), V_TEXT(text))))
		return "db_error";
	int64_t id = 0;
	int n = 0;
	while (db_next(&r)) {
		id = db_int(&r, 0);
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return "db_error";
	if (n != 1)
		return n ? "ambiguous" : "not_found";
	*out = json_integer(id);
	return NULL;
}

enum status devices_import(struct db *db, const struct actor *who, const char *data, size_t len,
			   enum csv_encoding enc, bool dry_run, struct reg_import_result *res,
			   struct ferrors *fe)
{
	struct reg_import imp = { .kind = &device_kind,
				  .scope = &reg_scope_all,
				  .cols = device_columns,
				  .ncols = NCOLUMNS,
				  .resolve = import_resolve };
	return reg_import_csv(db, who, &imp, data, len, enc, dry_run, res, fe);
}
