/* assets_api.c — /api/v1/assets, /api/v1/classifications. */
#include <string.h>

#include "assets.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 200

extern const struct field asset_create_schema[];

const struct permission assets_permissions[] = {
    {"assets.read", "registers"},
    {"assets.write", "registers"},
    {"assets.configure", "registers"},
    {PERM_ALL_DEPARTMENTS, "registers"},
    {0},
};

static const char *const asset_types[] = {"data",  "paper",  "software", "hardware",
					  "cloud", "people", NULL};
static const char *const yes_no[] = {"yes", "no", NULL};
static const char *const reviews[] = {"overdue", NULL};
static const char *const encodings[] = {"utf-8", "cp932", NULL};
static const char *const import_encodings[] = {"auto", "utf-8", "cp932", NULL};
static const char *const flags[] = {"0", "1", "true", "false", NULL};

static int answer(struct req *req, enum status st, struct ferrors *fe, int code, json_t *ok)
{
	if (st == ST_OK && ok)
		reply_json(req, code, ok);
	else
		reply_status_of(req, st == ST_OK ? ST_DB : st, fe);
	ferr_release(fe);
	return 0;
}

static void read_filter(struct req *req, struct asset_filter *f)
{
	const char *v;
	int64_t n;
	memset(f, 0, sizeof(*f));
	f->has_pinfo = -1;
	f->q = req_query(req, "q");
	if ((v = req_query(req, "department_id")) && parse_i64(v, 1, INT64_MAX, &n) == 0)
		f->department_id = n;
	if ((v = req_query(req, "classification_id")) && parse_i64(v, 1, INT64_MAX, &n) == 0)
		f->classification_id = n;
	f->asset_type = req_query(req, "asset_type");
	if ((v = req_query(req, "has_pinfo")))
		f->has_pinfo = !strcmp(v, "yes");
	f->overdue = (v = req_query(req, "review")) && !strcmp(v, "overdue");
}

static int assets_index(struct req *req)
{
	struct asset_filter f;
	struct reg_scope scope = reg_scope_of(req);
	int64_t limit = PAGE_DEFAULT, cursor = 0, next;
	const char *v;
	json_t *items;
	read_filter(req, &f);
	if ((v = req_query(req, "limit")))
		parse_i64(v, 1, PAGE_MAX, &limit);
	if ((v = req_query(req, "cursor")))
		parse_i64(v, 1, INT64_MAX, &cursor);
	if (assets_list(req->db, &scope, &f, cursor, limit, &items, &next))
		return -1;
	return reply_json(
	    req, 200,
	    json_pack("{s:o,s:o}", "items", items, "next_cursor",
		      next ? json_string(arena_printf(&req->arena, "%lld", (long long)next))
			   : json_null()));
}

static int assets_download(struct req *req, enum reg_format fmt)
{
	struct asset_filter f;
	struct reg_scope scope = reg_scope_of(req);
	struct actor who = req_actor(req);
	char *data = NULL;
	size_t len = 0;
	read_filter(req, &f);
	enum status st = assets_export(req->db, &who, &scope, &f, fmt, &data, &len);
	if (st != ST_OK)
		return reply_status_of(req, st, NULL);
	return reply_download(req, reg_format_type(fmt),
			      fmt == REG_XLSX ? "assets.xlsx" : "assets.csv", data, len);
}

static int assets_csv(struct req *req)
{
	const char *enc = req_query(req, "encoding");
	return assets_download(req, enc && !strcmp(enc, "cp932") ? REG_CSV_CP932 : REG_CSV);
}

static int assets_xlsx(struct req *req)
{
	return assets_download(req, REG_XLSX);
}

static int assets_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = 0;
	enum status st = asset_create(req->db, &who, &scope, req->json, &id, &fe);
	return answer(req, st, &fe, 201, st == ST_OK ? asset_json(req->db, &scope, id) : NULL);
}

static int assets_show(struct req *req)
{
	struct reg_scope scope = reg_scope_of(req);
	json_t *a = asset_json(req->db, &scope, req_param_int(req, "id"));
	if (!a)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, a);
}

static int assets_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = asset_update(req->db, &who, &scope, id, req->json, &fe);
	return answer(req, st, &fe, 200, st == ST_OK ? asset_json(req->db, &scope, id) : NULL);
}

static int assets_review(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = asset_review(req->db, &who, &scope, id, req_int(req, "version", 0), &fe);
	return answer(req, st, &fe, 200, st == ST_OK ? asset_json(req->db, &scope, id) : NULL);
}

static int assets_remove(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	enum status st = asset_delete(req->db, &who, &scope, req_param_int(req, "id"),
				      req_int(req, "version", 0), &fe);
	if (st == ST_OK)
		return reply_status(req, 204);
	return answer(req, st, &fe, 204, NULL);
}

static int assets_import_route(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	struct reg_import_result res;
	bool dry_run;
	enum csv_encoding enc;
	reg_import_options(req, &dry_run, &enc);
	enum status st = assets_import(req->db, &who, &scope, req->body.buf, req->body.len, enc,
				       dry_run, NULL, NULL, &res, &fe);
	return reg_import_answer(req, st, &res, &fe);
}

static int classifications_index(struct req *req)
{
	json_t *items = classifications_list(req->db);
	return items ? reply_json(req, 200, json_pack("{s:o}", "items", items)) : -1;
}

static int classifications_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	enum status st =
	    classification_update(req->db, &who, req_param_int(req, "id"), req->json, &fe);
	json_t *items = st == ST_OK ? classifications_list(req->db) : NULL;
	return answer(req, st, &fe, 200, items ? json_pack("{s:o}", "items", items) : NULL);
}

/* --- schemas and routes --------------------------------------------------------------------- */

static const struct field asset_patch_schema[] = {
    {"version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1},
    {"name", FT_STRING, 0, .min = 1, .max = 200},
    {"asset_type", FT_ENUM, 0, .choices = asset_types},
    {"department_id", FT_ID, F_NULLABLE},
    {"custodian", FT_STRING, 0, .max = 100},
    {"location", FT_STRING, 0, .max = 200},
    {"classification_id", FT_ID, 0},
    {"c", FT_INT, 0, .min = 1, .max = 3},
    {"i", FT_INT, 0, .min = 1, .max = 3},
    {"a", FT_INT, 0, .min = 1, .max = 3},
    {"has_pinfo", FT_BOOL, 0},
    {"retention", FT_STRING, 0, .max = 100},
    {"disposal", FT_STRING, 0, .max = 200},
    {"access", FT_STRING, 0, .max = 200},
    {"notes", FT_TEXT, 0, .max = 2000},
    {"reviewed_on", FT_DATE, 0},
    {0}};

static const struct field version_schema[] = {{"version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1},
					      {0}};

#define ASSET_FILTERS                                                                              \
	{"q", FT_STRING, 0, .max = 100}, {"department_id", FT_ID, 0},                              \
	    {"classification_id", FT_ID, 0}, {"asset_type", FT_ENUM, 0, .choices = asset_types},   \
	    {"has_pinfo", FT_ENUM, 0, .choices = yes_no},                                          \
	{                                                                                          \
		"review", FT_ENUM, 0, .choices = reviews                                           \
	}

static const struct field list_query[] = {
    ASSET_FILTERS, {"limit", FT_INT, 0, .min = 1, .max = PAGE_MAX}, {"cursor", FT_ID, 0}, {0}};

static const struct field csv_query[] = {
    ASSET_FILTERS, {"encoding", FT_ENUM, 0, .choices = encodings}, {0}};

static const struct field xlsx_query[] = {ASSET_FILTERS, {0}};

static const struct field import_query[] = {{"dry_run", FT_ENUM, 0, .choices = flags},
					    {"encoding", FT_ENUM, 0, .choices = import_encodings},
					    {0}};

static const struct field class_patch_schema[] = {
    {"version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1},
    {"label_ja", FT_STRING, 0, .min = 1, .max = 40},
    {"label_en", FT_STRING, 0, .min = 1, .max = 40},
    {0}};

static const struct route routes[] = {
    {"GET", "/api/v1/assets", "assets.read", assets_index, .query = list_query},
    {"GET", "/api/v1/assets.csv", "assets.read", assets_csv, .query = csv_query},
    {"GET", "/api/v1/assets.xlsx", "assets.read", assets_xlsx, .query = xlsx_query},
    {"POST", "/api/v1/assets", "assets.write", assets_create, .body = asset_create_schema},
    {"POST", "/api/v1/assets/import", "assets.write", assets_import_route, .query = import_query,
     .flags = R_RAW_BODY | R_LARGE_BODY},
    {"GET", "/api/v1/assets/{id:int}", "assets.read", assets_show},
    {"PATCH", "/api/v1/assets/{id:int}", "assets.write", assets_patch, .body = asset_patch_schema},
    {"DELETE", "/api/v1/assets/{id:int}", "assets.write", assets_remove, .body = version_schema},
    {"POST", "/api/v1/assets/{id:int}/review", "assets.write", assets_review,
     .body = version_schema},
    {"GET", "/api/v1/classifications", "assets.read", classifications_index},
    {"PATCH", "/api/v1/classifications/{id:int}", "assets.configure", classifications_patch,
     .body = class_patch_schema},
};

const struct route_table assets_routes = {routes, ARRAY_SIZE(routes)};
