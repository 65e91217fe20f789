/* risks_api.c — /api/v1/risks, /api/v1/risks/heatmap, /api/v1/risks/settings, /api/v1/soa. */
#include <string.h>

#include "risks.h"

extern const struct field risk_create_schema[];

const struct permission risks_permissions[] = {
	{ "risks.read", "registers" },
	{ "risks.write", "registers" },
	{ "risks.configure", "registers" },
	{ "soa.read", "registers" },
	{ "soa.write", "registers" },
	{ "soa.approve", "registers" },
	{ 0 },
};

static const char *const treatments[] = { "reduce", "avoid", "transfer", "accept", NULL };
static const char *const bands[] = { "low", "medium", "high", NULL };
static const char *const bases[] = { "inherent", "residual", NULL };
static const char *const yes_no[] = { "yes", "no", NULL };
static const char *const statuses[] = { "not_started", "planned", "partial", "implemented", NULL };

static int64_t query_id(struct req *req, const char *name)
{
	int64_t n;
	const char *v = req_query(req, name);
	return v && parse_i64(v, 1, INT64_MAX, &n) == 0 ? n : 0;
}

static void read_filter(struct req *req, struct risk_filter *f)
{
	const char *v;
	memset(f, 0, sizeof(*f));
	f->accepted = -1;
	f->q = req_query(req, "q");
	f->department_id = query_id(req, "department_id");
	f->asset_id = query_id(req, "asset_id");
	f->pinfo_id = query_id(req, "pinfo_id");
	f->owner_id = query_id(req, "owner_id");
	f->control_id = query_id(req, "control_id");
	f->likelihood = (int)query_id(req, "likelihood");
	f->impact = (int)query_id(req, "impact");
	f->treatment = req_query(req, "treatment");
	f->band = req_query(req, "band");
	f->residual = (v = req_query(req, "basis")) && !strcmp(v, "residual");
	if ((v = req_query(req, "accepted")))
		f->accepted = !strcmp(v, "yes");
}

static int risks_index(struct req *req)
{
	struct risk_filter f;
	struct reg_scope scope = reg_scope_of(req);
	int64_t limit, cursor, next;
	json_t *items;
	read_filter(req, &f);
	reg_page_options(req, &limit, &cursor);
	if (risks_list(req->db, &scope, &f, cursor, limit, &items, &next))
		return -1;
	return reg_reply_page(req, items, next);
}

static int risks_download(struct req *req, bool xlsx)
{
	struct risk_filter f;
	struct reg_scope scope = reg_scope_of(req);
	struct actor who = req_actor(req);
	struct reg_export x = reg_export_of(req, xlsx);
	read_filter(req, &f);
	enum status st = risks_export(req->db, &who, &scope, &f, &x);
	return reg_reply_export(req, st, &x, "risks");
}

static int risks_csv(struct req *req)
{
	return risks_download(req, false);
}

static int risks_xlsx(struct req *req)
{
	return risks_download(req, true);
}

static int risks_heatmap_route(struct req *req)
{
	struct reg_scope scope = reg_scope_of(req);
	const char *v = req_query(req, "basis");
	json_t *h = risks_heatmap(req->db, &scope, v && !strcmp(v, "residual"));
	return h ? reply_json(req, 200, h) : -1;
}

static int risks_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = 0;
	enum status st = risk_create(req->db, &who, &scope, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201,
			     st == ST_OK ? risk_json(req->db, &scope, id) : NULL);
}

static int risks_show(struct req *req)
{
	struct reg_scope scope = reg_scope_of(req);
	return reg_reply_record(req, risk_json(req->db, &scope, req_param_int(req, "id")));
}

static int risks_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = risk_update(req->db, &who, &scope, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200,
			     st == ST_OK ? risk_json(req->db, &scope, id) : NULL);
}

static int risks_accept(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st =
		risk_accept(req->db, &who, &scope, id, req_int(req, "version", 0), req->json, &fe);
	return reply_outcome(req, st, &fe, 200,
			     st == ST_OK ? risk_json(req->db, &scope, id) : NULL);
}

static int risks_remove(struct req *req)
{
	return reg_delete_route(req, &risk_kind);
}

static json_t *settings_json(struct db *db)
{
	int scale;
	int64_t version;
	if (risk_settings_get(db, &scale, &version))
		return NULL;
	return json_pack("{s:i,s:I}", "scale", scale, "version", (json_int_t)version);
}

static int risks_settings_show(struct req *req)
{
	json_t *s = settings_json(req->db);
	return s ? reply_json(req, 200, s) : -1;
}

static int risks_settings_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	enum status st = risk_settings_update(req->db, &who, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? settings_json(req->db) : NULL);
}

/* --- SoA ------------------------------------------------------------------------------------ */

/* The working copy, with the latest approved version and the one awaiting approval. */
static int soa_index(struct req *req)
{
	struct reg_scope scope = reg_scope_of(req);
	json_t *items = soa_list(req->db, &scope);
	if (!items)
		return -1;
	json_t *versions = soa_versions_list(req->db);
	if (!versions) {
		json_decref(items);
		return -1;
	}
	json_t *approved = json_null(), *pending = json_null(), *v;
	size_t i;
	json_array_foreach(versions, i, v)
	{
		const char *state = json_string_value(json_object_get(v, "state"));
		if (!strcmp(state, "approved") && json_is_null(approved))
			approved = json_incref(v);
		else if (!strcmp(state, "pending") && json_is_null(pending))
			pending = json_incref(v);
	}
	json_decref(versions);
	return reply_json(req, 200,
			  json_pack("{s:o,s:o,s:o}", "items", items, "approved", approved,
				    "pending", pending));
}

static int soa_show(struct req *req)
{
	struct reg_scope scope = reg_scope_of(req);
	return reg_reply_record(req, soa_json(req->db, &scope, req_param_int(req, "id")));
}

static int soa_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = soa_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? soa_json(req->db, &scope, id) : NULL);
}

static int soa_download(struct req *req, bool xlsx)
{
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	struct reg_export x = reg_export_of(req, xlsx);
	int64_t number = 0;
	const char *v = req_query(req, "version");
	if (v)
		parse_i64(v, 1, INT64_MAX, &number);
	enum status st = soa_export(req->db, &who, &scope, number, &x);
	const char *base =
		number ? arena_printf(&req->arena, "soa-v%lld", (long long)number) : "soa";
	return reg_reply_export(req, st, &x, base);
}

static int soa_csv(struct req *req)
{
	return soa_download(req, false);
}

static int soa_xlsx(struct req *req)
{
	return soa_download(req, true);
}

static int soa_versions_index(struct req *req)
{
	json_t *items = soa_versions_list(req->db);
	return items ? reply_json(req, 200, json_pack("{s:o}", "items", items)) : -1;
}

static int soa_version_show(struct req *req)
{
	return reg_reply_record(req, soa_version_json(req->db, req_param_int(req, "id")));
}

static int soa_version_new(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = soa_version_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? soa_version_json(req->db, id) : NULL);
}

static int soa_version_decision(struct req *req, bool approve)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = soa_version_decide(req->db, &who, id, req_int(req, "version", 0), approve,
					    req_str(req, "note"), &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? soa_version_json(req->db, id) : NULL);
}

static int soa_version_approve(struct req *req)
{
	return soa_version_decision(req, true);
}

static int soa_version_reject(struct req *req)
{
	return soa_version_decision(req, false);
}

/* --- schemas and routes --------------------------------------------------------------------- */

static const struct field risk_patch_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "asset_id", FT_ID, F_NULLABLE },
	{ "pinfo_id", FT_ID, F_NULLABLE },
	{ "threat", FT_TEXT, 0, .min = 1, .max = 500 },
	{ "vulnerability", FT_TEXT, 0, .min = 1, .max = 500 },
	{ "likelihood", FT_INT, 0, .min = 1, .max = 5 },
	{ "impact", FT_INT, 0, .min = 1, .max = 5 },
	{ "treatment", FT_ENUM, 0, .choices = treatments },
	{ "measures", FT_TEXT, 0, .max = 2000 },
	{ "control_ids", FT_INTARRAY, 0 },
	{ "residual_likelihood", FT_INT, F_NULLABLE, .min = 1, .max = 5 },
	{ "residual_impact", FT_INT, F_NULLABLE, .min = 1, .max = 5 },
	{ "owner_id", FT_ID, F_NULLABLE },
	{ "review_on", FT_DATE, F_NULLABLE },
	{ 0 }
};

static const struct field version_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 }, { 0 }
};

/* Accepting a risk says why the residual risk may stand. */
static const struct field accept_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "comment", FT_TEXT, F_REQUIRED, .min = 1, .max = 1000 },
	{ 0 }
};

static const struct field settings_schema[] = { { "version", FT_INT, F_REQUIRED | F_ALWAYS,
						  .min = 1 },
						{ "scale", FT_INT, 0, .min = 3, .max = 5 },
						{ 0 } };

static const struct field soa_patch_schema[] = { { "version", FT_INT, F_REQUIRED | F_ALWAYS,
						   .min = 1 },
						 { "applicable", FT_BOOL, 0 },
						 { "justification", FT_TEXT, 0, .max = 2000 },
						 { "status", FT_ENUM, 0, .choices = statuses },
						 { "evidence", FT_TEXT, 0, .max = 2000 },
						 { 0 } };

#define RISK_FILTERS                                                                               \
	{ "q", FT_STRING, 0, .max = 100 }, { "department_id", FT_ID, 0 },                          \
		{ "asset_id", FT_ID, 0 }, { "pinfo_id", FT_ID, 0 }, { "owner_id", FT_ID, 0 },      \
		{ "control_id", FT_ID, 0 }, { "likelihood", FT_INT, 0, .min = 1, .max = 5 },       \
		{ "impact", FT_INT, 0, .min = 1, .max = 5 },                                       \
		{ "treatment", FT_ENUM, 0, .choices = treatments },                                \
		{ "band", FT_ENUM, 0, .choices = bands },                                          \
		{ "basis", FT_ENUM, 0, .choices = bases },                                         \
	{                                                                                          \
		"accepted", FT_ENUM, 0, .choices = yes_no                                          \
	}

static const struct field list_query[] = { RISK_FILTERS,
					   { "limit", FT_INT, 0, .min = 1, .max = REG_PAGE_MAX },
					   { "cursor", FT_ID, 0 },
					   { 0 } };

static const struct field csv_query[] = { RISK_FILTERS, EXPORT_CSV_QUERY, { 0 } };

static const struct field xlsx_query[] = { RISK_FILTERS, { 0 } };
static const struct field heatmap_query[] = { { "basis", FT_ENUM, 0, .choices = bases }, { 0 } };
static const struct field soa_csv_query[] = { { "version", FT_INT, 0, .min = 1 },
					      EXPORT_CSV_QUERY,
					      { 0 } };
static const struct field soa_xlsx_query[] = { { "version", FT_INT, 0, .min = 1 }, { 0 } };
/* Why this version is made ("yearly review", "new remote-work rules"): kept with it. */
static const struct field soa_version_schema[] = {
	{ "note", FT_TEXT, F_REQUIRED, .min = 1, .max = 2000 }, { 0 }
};
static const struct field soa_decision_schema[] = { { "version", FT_INT, F_REQUIRED | F_ALWAYS,
						      .min = 1 },
						    { "note", FT_TEXT, 0, .max = 2000 },
						    { 0 } };

static const struct route routes[] = {
	{ "GET", "/api/v1/risks", "risks.read", risks_index, .query = list_query },
	{ "GET", "/api/v1/risks.csv", "risks.read", risks_csv, .query = csv_query },
	{ "GET", "/api/v1/risks.xlsx", "risks.read", risks_xlsx, .query = xlsx_query },
	{ "GET", "/api/v1/risks/heatmap", "risks.read", risks_heatmap_route,
	  .query = heatmap_query },
	{ "GET", "/api/v1/risks/settings", "risks.read", risks_settings_show },
	{ "PATCH", "/api/v1/risks/settings", "risks.configure", risks_settings_patch,
	  .body = settings_schema },
	{ "POST", "/api/v1/risks", "risks.write", risks_create, .body = risk_create_schema },
	{ "GET", "/api/v1/risks/{id:int}", "risks.read", risks_show },
	{ "PATCH", "/api/v1/risks/{id:int}", "risks.write", risks_patch,
	  .body = risk_patch_schema },
	{ "DELETE", "/api/v1/risks/{id:int}", "risks.write", risks_remove, .body = version_schema },
	{ "POST", "/api/v1/risks/{id:int}/accept", "risks.read", risks_accept,
	  .body = accept_schema },
	{ "GET", "/api/v1/soa", "soa.read", soa_index },
	{ "GET", "/api/v1/soa.csv", "soa.read", soa_csv, .query = soa_csv_query },
	{ "GET", "/api/v1/soa.xlsx", "soa.read", soa_xlsx, .query = soa_xlsx_query },
	{ "GET", "/api/v1/soa/{id:int}", "soa.read", soa_show },
	{ "PATCH", "/api/v1/soa/{id:int}", "soa.write", soa_patch, .body = soa_patch_schema },
	{ "GET", "/api/v1/soa/versions", "soa.read", soa_versions_index },
	{ "POST", "/api/v1/soa/versions", "soa.write", soa_version_new,
	  .body = soa_version_schema },
	{ "GET", "/api/v1/soa/versions/{id:int}", "soa.read", soa_version_show },
	{ "POST", "/api/v1/soa/versions/{id:int}/approve", "soa.approve", soa_version_approve,
	  .body = soa_decision_schema },
	{ "POST", "/api/v1/soa/versions/{id:int}/reject", "soa.approve", soa_version_reject,
	  .body = soa_decision_schema },
};

const struct route_table risks_routes = { routes, ARRAY_SIZE(routes) };
