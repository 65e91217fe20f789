/* assets_api.c — /api/v1/assets, /api/v1/classifications. */
#include <string.h>

#include "assets.h"

extern const struct field asset_create_schema[];

const struct permission assets_permissions[] = {
	{ "assets.read", "registers" },
	{ "assets.write", "registers" },
	{ "assets.configure", "registers" },
	{ PERM_ALL_DEPARTMENTS, "registers" },
	{ 0 },
};

static const char *const asset_types[] = { "data",  "paper",  "software", "hardware",
					   "cloud", "people", NULL };
static const char *const yes_no[] = { "yes", "no", NULL };
static const char *const reviews[] = { "overdue", NULL };

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
	int64_t limit, cursor, next;
	json_t *items;
	read_filter(req, &f);
	reg_page_options(req, &limit, &cursor);
	if (assets_list(req->db, &scope, &f, cursor, limit, &items, &next))
		return -1;
	return reg_reply_page(req, items, next);
}

static int assets_download(struct req *req, bool xlsx)
{
	struct asset_filter f;
	struct reg_scope scope = reg_scope_of(req);
	struct actor who = req_actor(req);
	struct reg_export x = reg_export_of(req, xlsx);
	read_filter(req, &f);
	enum status st = assets_export(req->db, &who, &scope, &f, &x);
	return reg_reply_export(req, st, &x, "assets");
}

static int assets_csv(struct req *req)
{
	return assets_download(req, false);
}

static int assets_xlsx(struct req *req)
{
	return assets_download(req, true);
}

static int assets_create(struct req *req)
{
	return reg_create_route(req, &asset_kind);
}

static int assets_show(struct req *req)
{
	struct reg_scope scope = reg_scope_of(req);
	return reg_reply_record(req, asset_json(req->db, &scope, req_param_int(req, "id")));
}

static int assets_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = asset_update(req->db, &who, &scope, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200,
			     st == ST_OK ? asset_json(req->db, &scope, id) : NULL);
}

static int assets_review(struct req *req)
{
	return reg_review_route(req, &asset_kind);
}

static int assets_remove(struct req *req)
{
	return reg_delete_route(req, &asset_kind);
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

/* The levels after a change: {items}. */
static json_t *levels_json(struct db *db)
{
	json_t *items = classifications_list(db);
	return items ? json_pack("{s:o}", "items", items) : NULL;
}

static int classifications_index(struct req *req)
{
	json_t *levels = levels_json(req->db);
	return levels ? reply_json(req, 200, levels) : -1;
}

static int classifications_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = classification_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? levels_json(req->db) : NULL);
}

static int classifications_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	enum status st =
		classification_update(req->db, &who, req_param_int(req, "id"), req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? levels_json(req->db) : NULL);
}

static int classifications_remove(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	enum status st = classification_delete(req->db, &who, req_param_int(req, "id"),
					       req_int(req, "version", 0), &fe);
	return reg_answer_removed(req, st, &fe);
}

/* --- schemas and routes --------------------------------------------------------------------- */

static const struct field asset_patch_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "name", FT_STRING, 0, .min = 1, .max = 200 },
	{ "asset_type", FT_ENUM, 0, .choices = asset_types },
	{ "department_id", FT_ID, F_NULLABLE },
	{ "custodian", FT_STRING, 0, .max = 100 },
	{ "location", FT_STRING, 0, .max = 200 },
	{ "classification_id", FT_ID, 0 },
	{ "c", FT_INT, 0, .min = 1, .max = 3 },
	{ "i", FT_INT, 0, .min = 1, .max = 3 },
	{ "a", FT_INT, 0, .min = 1, .max = 3 },
	{ "has_pinfo", FT_BOOL, 0 },
	{ "retention", FT_STRING, 0, .max = 100 },
	{ "disposal", FT_STRING, 0, .max = 200 },
	{ "access", FT_STRING, 0, .max = 200 },
	{ "notes", FT_TEXT, 0, .max = 2000 },
	{ "reviewed_on", FT_DATE, 0 },
	{ 0 }
};

static const struct field version_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 }, { 0 }
};

#define ASSET_FILTERS                                                                              \
	{ "q", FT_STRING, 0, .max = 100 }, { "department_id", FT_ID, 0 },                          \
		{ "classification_id", FT_ID, 0 },                                                 \
		{ "asset_type", FT_ENUM, 0, .choices = asset_types },                              \
		{ "has_pinfo", FT_ENUM, 0, .choices = yes_no },                                    \
	{                                                                                          \
		"review", FT_ENUM, 0, .choices = reviews                                           \
	}

static const struct field list_query[] = { ASSET_FILTERS,
					   { "limit", FT_INT, 0, .min = 1, .max = REG_PAGE_MAX },
					   { "cursor", FT_ID, 0 },
					   { 0 } };

static const struct field csv_query[] = { ASSET_FILTERS, EXPORT_CSV_QUERY, { 0 } };

static const struct field xlsx_query[] = { ASSET_FILTERS, { 0 } };

static const struct field class_patch_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "label_ja", FT_STRING, 0, .min = 1, .max = 40 },
	{ "label_en", FT_STRING, 0, .min = 1, .max = 40 },
	{ 0 }
};

static const struct field class_create_schema[] = {
	{ "label_ja", FT_STRING, F_REQUIRED, .min = 1, .max = 40 },
	{ "label_en", FT_STRING, F_REQUIRED, .min = 1, .max = 40 },
	{ "position", FT_INT, 0, .min = 1, .max = CLASSIFICATION_MAX },
	{ 0 }
};

static const struct route routes[] = {
	{ "GET", "/api/v1/assets", "assets.read", assets_index, .query = list_query },
	{ "GET", "/api/v1/assets.csv", "assets.read", assets_csv, .query = csv_query },
	{ "GET", "/api/v1/assets.xlsx", "assets.read", assets_xlsx, .query = xlsx_query },
	{ "POST", "/api/v1/assets", "assets.write", assets_create, .body = asset_create_schema },
	{ "POST", "/api/v1/assets/import", "assets.write", assets_import_route,
	  .query = reg_import_query, .flags = R_RAW_BODY | R_LARGE_BODY },
	{ "GET", "/api/v1/assets/{id:int}", "assets.read", assets_show },
	{ "PATCH", "/api/v1/assets/{id:int}", "assets.write", assets_patch,
	  .body = asset_patch_schema },
	{ "DELETE", "/api/v1/assets/{id:int}", "assets.write", assets_remove,
	  .body = version_schema },
	{ "POST", "/api/v1/assets/{id:int}/review", "assets.write", assets_review,
	  .body = version_schema },
	{ "GET", "/api/v1/classifications", "assets.read", classifications_index },
	{ "POST", "/api/v1/classifications", "assets.configure", classifications_create,
	  .body = class_create_schema },
	{ "PATCH", "/api/v1/classifications/{id:int}", "assets.configure", classifications_patch,
	  .body = class_patch_schema },
	{ "DELETE", "/api/v1/classifications/{id:int}", "assets.configure", classifications_remove,
	  .body = version_schema },
};

const struct route_table assets_routes = { routes, ARRAY_SIZE(routes) };
