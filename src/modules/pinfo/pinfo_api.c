/* pinfo_api.c — /api/v1/pinfo. */
#include <string.h>

#include "pinfo.h"

extern const struct field pinfo_create_schema[];

const struct permission pinfo_permissions[] = {
	{ "pinfo.read", "registers" },
	{ "pinfo.write", "registers" },
	{ 0 },
};

static const char *const yes_no[] = { "yes", "no", NULL };
static const char *const reviews[] = { "overdue", NULL };

static void read_filter(struct req *req, struct pinfo_filter *f)
{
	const char *v;
	int64_t n;
	memset(f, 0, sizeof(*f));
	f->sensitive = -1;
	f->q = req_query(req, "q");
	if ((v = req_query(req, "department_id")) && parse_i64(v, 1, INT64_MAX, &n) == 0)
		f->department_id = n;
	if ((v = req_query(req, "sensitive")))
		f->sensitive = !strcmp(v, "yes");
	f->overdue = (v = req_query(req, "review")) && !strcmp(v, "overdue");
}

static int pinfo_index(struct req *req)
{
	struct pinfo_filter f;
	struct reg_scope scope = reg_scope_of(req);
	int64_t limit, cursor, next;
	json_t *items;
	read_filter(req, &f);
	reg_page_options(req, &limit, &cursor);
	struct actor who = req_actor(req);
	if (pinfo_list(req->db, &scope, &f, cursor, limit, &items, &next))
		return -1;
	if (pinfo_list_audit(req->db, &who, &f, items)) {
		json_decref(items);
		return -1;
	}
	return reg_reply_page(req, items, next);
}

static int pinfo_download(struct req *req, bool xlsx)
{
	struct pinfo_filter f;
	struct reg_scope scope = reg_scope_of(req);
	struct actor who = req_actor(req);
	struct reg_export x = reg_export_of(req, xlsx);
	read_filter(req, &f);
	enum status st = pinfo_export(req->db, &who, &scope, &f, &x);
	return reg_reply_export(req, st, &x, "pinfo");
}

static int pinfo_csv(struct req *req)
{
	return pinfo_download(req, false);
}

static int pinfo_xlsx(struct req *req)
{
	return pinfo_download(req, true);
}

static int pinfo_risks_download(struct req *req, bool xlsx)
{
	struct pinfo_filter f;
	struct reg_scope scope = reg_scope_of(req);
	struct actor who = req_actor(req);
	struct reg_export x = reg_export_of(req, xlsx);
	read_filter(req, &f);
	enum status st = pinfo_risk_export(req->db, &who, &scope, &f, &x);
	return reg_reply_export(req, st, &x, "pinfo-risk-analysis");
}

static int pinfo_risks_csv(struct req *req)
{
	return pinfo_risks_download(req, false);
}

static int pinfo_risks_xlsx(struct req *req)
{
	return pinfo_risks_download(req, true);
}

static int pinfo_create_route(struct req *req)
{
	return reg_create_route(req, &pinfo_kind);
}

static int pinfo_show(struct req *req)
{
	struct reg_scope scope = reg_scope_of(req);
	struct actor who = req_actor(req);
	return reg_reply_record(req, pinfo_read(req->db, &who, &scope, req_param_int(req, "id")));
}

static int pinfo_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = pinfo_update(req->db, &who, &scope, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200,
			     st == ST_OK ? pinfo_json(req->db, &scope, id) : NULL);
}

static int pinfo_review_route(struct req *req)
{
	return reg_review_route(req, &pinfo_kind);
}

static int pinfo_remove(struct req *req)
{
	return reg_delete_route(req, &pinfo_kind);
}

static int pinfo_import_route(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	struct reg_import_result res;
	bool dry_run;
	enum csv_encoding enc;
	reg_import_options(req, &dry_run, &enc);
	enum status st = pinfo_import(req->db, &who, &scope, req->body.buf, req->body.len, enc,
				      dry_run, NULL, NULL, &res, &fe);
	return reg_import_answer(req, st, &res, &fe);
}

static int review_status(struct req *req)
{
	json_t *items = registers_review_status(req->db);
	return items ? reply_json(req, 200, json_pack("{s:o}", "items", items)) : -1;
}

/* --- schemas and routes --------------------------------------------------------------------- */

#define LC(stage)                                                                                  \
	{ "lc_" stage "_risks", FT_TEXT, 0, .max = 1000 },                                         \
		{ "lc_" stage "_controls", FT_TEXT, 0, .max = 1000 },                              \
	{                                                                                          \
		"lc_" stage "_residual", FT_TEXT, 0, .max = 500                                    \
	}

static const char *const processings[] = { "none", "pseudonymised", "anonymised", NULL };

static const struct field pinfo_patch_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "name", FT_STRING, 0, .min = 1, .max = 200 },
	{ "department_id", FT_ID, F_NULLABLE },
	{ "items", FT_TEXT, 0, .min = 1, .max = 1000 },
	{ "purpose", FT_TEXT, 0, .min = 1, .max = 1000 },
	{ "storage_location", FT_STRING, 0, .min = 1, .max = 200 },
	{ "storage_method", FT_STRING, 0, .min = 1, .max = 200 },
	{ "access", FT_STRING, 0, .min = 1, .max = 200 },
	{ "use_until", FT_STRING, 0, .min = 1, .max = 100 },
	{ "retention_until", FT_STRING, 0, .min = 1, .max = 100 },
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
	{ "reviewed_on", FT_DATE, 0 },
	{ 0 }
};

static const struct field version_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 }, { 0 }
};

#define PINFO_FILTERS                                                                              \
	{ "q", FT_STRING, 0, .max = 100 }, { "department_id", FT_ID, 0 },                          \
		{ "sensitive", FT_ENUM, 0, .choices = yes_no },                                    \
	{                                                                                          \
		"review", FT_ENUM, 0, .choices = reviews                                           \
	}

static const struct field list_query[] = { PINFO_FILTERS,
					   { "limit", FT_INT, 0, .min = 1, .max = REG_PAGE_MAX },
					   { "cursor", FT_ID, 0 },
					   { 0 } };

static const struct field csv_query[] = { PINFO_FILTERS, EXPORT_CSV_QUERY, { 0 } };

static const struct field xlsx_query[] = { PINFO_FILTERS, { 0 } };

static const struct route routes[] = {
	{ "GET", "/api/v1/pinfo", "pinfo.read", pinfo_index, .query = list_query },
	{ "GET", "/api/v1/pinfo.csv", "pinfo.read", pinfo_csv, .query = csv_query },
	{ "GET", "/api/v1/pinfo.xlsx", "pinfo.read", pinfo_xlsx, .query = xlsx_query },
	{ "GET", "/api/v1/pinfo/risk-analysis.csv", "pinfo.read", pinfo_risks_csv,
	  .query = csv_query },
	{ "GET", "/api/v1/pinfo/risk-analysis.xlsx", "pinfo.read", pinfo_risks_xlsx,
	  .query = xlsx_query },
	{ "POST", "/api/v1/pinfo", "pinfo.write", pinfo_create_route, .body = pinfo_create_schema },
	{ "POST", "/api/v1/pinfo/import", "pinfo.write", pinfo_import_route,
	  .query = reg_import_query, .flags = R_RAW_BODY | R_LARGE_BODY },
	{ "GET", "/api/v1/pinfo/{id:int}", "pinfo.read", pinfo_show },
	{ "PATCH", "/api/v1/pinfo/{id:int}", "pinfo.write", pinfo_patch,
	  .body = pinfo_patch_schema },
	{ "DELETE", "/api/v1/pinfo/{id:int}", "pinfo.write", pinfo_remove, .body = version_schema },
	{ "POST", "/api/v1/pinfo/{id:int}/review", "pinfo.write", pinfo_review_route,
	  .body = version_schema },
	{ "GET", "/api/v1/registers/review-status", PERM_ALL_DEPARTMENTS, review_status },
};

const struct route_table pinfo_routes = { routes, ARRAY_SIZE(routes) };
