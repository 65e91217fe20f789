/* visits_api.c — /api/v1/visits (visitor slips, their settings, the kiosk), /api/v1/kiosk,
 * /api/v1/sites and /api/v1/office-log. */
#include <string.h>

#include "visits.h"
#include "visits_impl.h"
#include "../../http/export.h"
#include "../../lib/timeutil.h"
#include "../../retention/retention.h"
#include "../../store/query.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200
#define EXPORT_MAX   10000

static struct visit_viewer viewer_of(struct req *req, struct actor *who)
{
	*who = req_actor(req);
	return (struct visit_viewer){ who, req_can(req, "visits.read"),
				      req_can(req, "visits.manage"), req->user->perms };
}

static const char *query_or_null(struct req *req, const char *name)
{
	const char *v = req_query(req, name);
	return v && *v ? v : NULL;
}

static int64_t query_id(struct req *req, const char *name)
{
	int64_t v = 0;
	const char *s = req_query(req, name);
	if (s)
		parse_i64(s, 1, INT64_MAX, &v);
	return v;
}

static void read_filter(struct req *req, struct visit_filter *f)
{
	const char *mine = req_query(req, "mine");
	*f = (struct visit_filter){ .view = query_or_null(req, "view"),
				    .from = query_or_null(req, "from"),
				    .to = query_or_null(req, "to"),
				    .status = query_or_null(req, "status"),
				    .site_id = query_id(req, "site_id"),
				    .host_id = query_id(req, "host_id"),
				    .mine = mine && !strcmp(mine, "1") };
}

static int reply_page(struct req *req, json_t *items, int64_t next)
{
	return reply_json(
		req, 200,
		json_pack("{s:o,s:o}", "items", items, "next_cursor",
			  next ? json_string(arena_printf(&req->arena, "%lld", (long long)next))
			       : json_null()));
}

/* --- visitor slips ------------------------------------------------------------------------ */

static int visits_list(struct req *req)
{
	struct actor who;
	struct visit_viewer v = viewer_of(req, &who);
	struct visit_filter f;
	int64_t limit = PAGE_DEFAULT, cursor = 0, next;
	read_filter(req, &f);
	limit = req_query_int(req, "limit", limit, PAGE_MAX);
	cursor = req_query_int(req, "cursor", cursor, INT64_MAX);
	json_t *items = visit_list(req->app, req->db, &v, &f, cursor, limit, &next);
	if (!items)
		return -1;
	return reply_page(req, items, next);
}

/* The slip as the caller may see it now (an audited read), with `code` — or the problem. */
static int answer(struct req *req, const struct visit_viewer *v, enum status st, struct ferrors *fe,
		  int64_t id, int code)
{
	json_t *o = NULL;
	if (st == ST_OK) {
		enum status rst;
		o = visit_read(req->app, req->db, v, id, &rst);
	}
	return reply_outcome(req, st, fe, code, o);
}

static int visits_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct visit_viewer v = viewer_of(req, &who);
	int64_t id = 0;
	enum status st = visit_create(req->app, req->db, &v, req->json, &id, &fe);
	return answer(req, &v, st, &fe, id, 201);
}

static int visits_show(struct req *req)
{
	struct actor who;
	struct visit_viewer v = viewer_of(req, &who);
	enum status st;
	json_t *o = visit_read(req->app, req->db, &v, req_param_int(req, "id"), &st);
	if (!o)
		return reply_status_of(req, st, NULL);
	return reply_json(req, 200, o);
}

static int visits_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct visit_viewer v = viewer_of(req, &who);
	int64_t id = req_param_int(req, "id");
	return answer(req, &v, visit_update(req->app, req->db, &v, id, req->json, &fe), &fe, id,
		      200);
}

static int visits_transition(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct visit_viewer v = viewer_of(req, &who);
	int64_t id = req_param_int(req, "id");
	return answer(req, &v, visit_move(req->app, req->db, &v, id, req->json, &fe), &fe, id, 200);
}

static int visits_badge(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct visit_viewer v = viewer_of(req, &who);
	int64_t id = req_param_int(req, "id");
	return answer(
		req, &v,
		visit_badge_return(req->app, req->db, &v, id, req_int(req, "version", 0), &fe), &fe,
		id, 200);
}

/* The visitor log as a file (visits.read): every slip of the filter, with the visitors' names;
 * its audit event names the slips (as id ranges). */
static int visits_export(struct req *req)
{
	struct actor who;
	struct visit_viewer v = viewer_of(req, &who);
	struct visit_filter f;
	struct query q;
	struct dbrows r;
	read_filter(req, &f);
	query_init(&q, visit_columns);
	query_add(&q, "WHERE 1 = 1", NULL, 0);
	if (f.view && !strcmp(f.view, "inside"))
		query_add(&q, "AND v.status = 'arrived'", NULL, 0);
	else if (f.view && !strcmp(f.view, "badge_out"))
		query_add(&q,
			  "AND v.badge_number IS NOT NULL AND v.badge_returned_at IS NULL AND "
			  "v.status IN ('arrived', 'departed')",
			  NULL, 0);
	if (f.status)
		query_add(&q, "AND v.status = ?", P(V_TEXT(f.status)));
	if (f.site_id)
		query_add(&q, "AND v.site_id = ?", P(V_INT(f.site_id)));
	if (f.host_id)
		query_add(&q, "AND v.host_id = ?", P(V_INT(f.host_id)));
	if (f.from)
		query_add(&q,
			  "AND COALESCE(v.arrived_at, v.expected_arrival_at, v.created_at) >= ?",
			  P(V_INT(visit_day_start(f.from))));
	if (f.to) {
		char next[11];
		date_add(f.to, 1, next);
		query_add(&q, "AND COALESCE(v.arrived_at, v.expected_arrival_at, v.created_at) < ?",
			  P(V_INT(visit_day_start(next))));
	}
	query_add(&q, "ORDER BY v.id LIMIT ?", P(V_INT(EXPORT_MAX)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	json_t *rows = json_array();
	int64_t *ids = xmalloc(EXPORT_MAX * sizeof(*ids));
	size_t n = 0;
	while (db_next(&r) && n < EXPORT_MAX) {
		json_t *o = visit_row_json(req->app, &r);
		ids[n++] = json_integer_value(json_object_get(o, "id"));
		json_t *row = json_array();
		static const char *const status_ja[][2] = { { "expected", "予定" },
							    { "arrived", "在館中" },
							    { "departed", "退館済み" },
							    { "cancelled", "取消" } };
		const char *st = json_string_value(json_object_get(o, "status"));
		for (size_t i = 0; i < ARRAY_SIZE(status_ja); i++)
			if (!strcmp(st, status_ja[i][0]))
				st = status_ja[i][1];
		json_t *site = json_object_get(o, "site"), *host = json_object_get(o, "host");
		json_array_append(row, json_object_get(o, "id"));
		json_array_append(row, json_object_get(o, "visitor_name"));
		json_array_append(row, json_object_get(o, "visitor_company"));
		json_array_append(row, json_object_get(o, "purpose"));
		json_array_append_new(row, json_is_object(host)
						   ? json_incref(json_object_get(host, "name"))
						   : json_incref(json_object_get(o, "host_text")));
		json_array_append_new(row, json_is_object(site)
						   ? json_incref(json_object_get(site, "name"))
						   : json_null());
		json_array_append_new(row, json_string(st));
		static const char *const times[] = { "expected_arrival_at", "arrived_at",
						     "departed_at", "badge_returned_at" };
		for (size_t i = 0; i < ARRAY_SIZE(times); i++) {
			const char *t = json_string_value(json_object_get(o, times[i]));
			int64_t secs;
			if (t && !time_parse_rfc3339(t, &secs))
				json_array_append_new(row,
						      json_pack("{s:I}", "time", (json_int_t)secs));
			else
				json_array_append_new(row, json_null());
			if (i == 2) {
				json_t *areas = json_object_get(o, "areas");
				struct buf a = BUF_INIT;
				size_t k;
				json_t *e;
				json_array_foreach(areas, k, e)
				{
					buf_printf(&a, "%s%s", k ? "、" : "", json_string_value(e));
				}
				json_array_append_new(row, json_string(a.buf));
				buf_release(&a);
				json_array_append_new(
					row,
					json_string(json_is_true(json_object_get(o, "escorted"))
							    ? "はい"
							    : "いいえ"));
				json_array_append(row, json_object_get(o, "badge_number"));
			}
		}
		json_array_append_new(
			row, json_string(json_is_null(json_object_get(o, "notice_accepted_at"))
						 ? ""
						 : "同意"));
		json_array_append_new(rows, row);
		json_decref(o);
	}
	int failed = r.failed;
	db_rows_free(&r);
	json_t *headers =
		json_pack("[s,s,s,s,s,s,s,s,s,s,s,s,s,s,s]", "No.", "氏名", "会社名", "用件",
			  "担当者", "拠点", "状態", "来訪予定", "入館", "退館", "立ち入った場所",
			  "同行", "バッジ番号", "バッジ返却", "個人情報の取扱いへの同意");
	struct export x = export_of(req, export_format_of(req));
	enum status st = ST_DB;
	if (!failed) {
		json_t *sum = json_pack("{s:o}", "ids", retention_ranges(ids, n));
		st = export_audited(req->db, v.who, headers, rows, &x, "visits", "export.visits",
				    "visit", sum);
		json_decref(sum);
	}
	free(ids);
	json_decref(headers);
	json_decref(rows);
	return reply_export_file(req, st, &x, "visits");
}

static int settings_show(struct req *req)
{
	json_t *o = visit_settings_json(req->db);
	return o ? reply_json(req, 200, o) : -1;
}

static int settings_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	enum status st = visit_settings_update(req->db, &who, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? visit_settings_json(req->db) : NULL);
}

/* --- sites and the office log ------------------------------------------------------------- */

static int sites_list(struct req *req)
{
	const char *all = req_query(req, "all");
	json_t *items = sites_json(req->db, !(all && !strcmp(all, "1")));
	return items ? reply_json(req, 200, json_pack("{s:o}", "items", items)) : -1;
}

static int sites_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = site_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? site_json(req->db, id) : NULL);
}

static int sites_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = site_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? site_json(req->db, id) : NULL);
}

static int office_list(struct req *req)
{
	char today[11], from[11], to[11];
	const char *v;
	tz_today(today);
	snprintf(to, sizeof(to), "%s", (v = query_or_null(req, "to")) ? v : today);
	if ((v = query_or_null(req, "from")))
		snprintf(from, sizeof(from), "%s", v);
	else
		date_add(to, -13, from);
	if (date_diff(from, to) < 0 || date_diff(from, to) > 61) {
		struct ferrors fe = FERRORS_INIT;
		ferr_add(&fe, "from", "out_of_range",
			 "From must be on or before to, at most 62 days before it.");
		reply_errors(req, &fe);
		ferr_release(&fe);
		return 0;
	}
	json_t *o = office_days(req->app, req->db, query_id(req, "site_id"), from, to);
	return o ? reply_json(req, 200, o) : -1;
}

/* An entry was recorded: the site's log of the last two weeks, as GET answers it. */
static int office_entry(struct req *req, bool close)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	enum status st = close ? office_close(req->db, &who, req->json, &fe)
			       : office_open(req->db, &who, req->json, &fe);
	json_t *o = NULL;
	if (st == ST_OK) {
		char today[11], from[11];
		tz_today(today);
		date_add(today, -13, from);
		o = office_days(req->app, req->db, req_int(req, "site_id", 0), from, today);
	}
	return reply_outcome(req, st, &fe, 201, o);
}

static int office_open_route(struct req *req)
{
	return office_entry(req, false);
}

static int office_close_route(struct req *req)
{
	return office_entry(req, true);
}

/* --- schemas and routes ------------------------------------------------------------------- */

static const char *const views[] = { "today", "inside", "badge_out", "expected", NULL };
static const char *const statuses[] = { "expected", "arrived", "departed", "cancelled", NULL };
static const char *const moves[] = { "arrived", "departed", "cancelled", "expected", NULL };
static const char *const flags[] = { "0", "1", NULL };
static const char *const locales[] = { "ja", "en", NULL };

#define VISIT_FILTERS                                                                              \
	{ "view", FT_ENUM, 0, .choices = views }, { "from", FT_DATE, 0 }, { "to", FT_DATE, 0 },    \
		{ "status", FT_ENUM, 0, .choices = statuses }, { "site_id", FT_ID, 0 },            \
		{ "host_id", FT_ID, 0 },                                                           \
	{                                                                                          \
		"mine", FT_ENUM, 0, .choices = flags                                               \
	}

static const struct field list_query[] = { VISIT_FILTERS,
					   { "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
					   { "cursor", FT_ID, 0 },
					   { 0 } };

static const struct field export_query[] = { VISIT_FILTERS, EXPORT_CSV_QUERY, { 0 } };

/* Registering a visitor (host or reception). */
static const struct field create_body[] = {
	{ "visitor_name", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "visitor_company", FT_STRING, F_NULLABLE, .max = 200 },
	{ "purpose", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "host_id", FT_ID, F_NULLABLE },
	{ "site_id", FT_ID, F_NULLABLE },
	{ "expected_arrival_at", FT_TIME, F_NULLABLE },
	{ "expected_departure_at", FT_TIME, F_NULLABLE },
	{ "areas", FT_STRARRAY, 0, .max = 100 },
	{ "escorted", FT_BOOL, 0 },
	{ "badge_number", FT_STRING, F_NULLABLE, .max = 32 },
	{ "arrived", FT_BOOL, 0 },
	{ "notice_accepted", FT_BOOL, 0 },
	{ 0 },
};

static const struct field patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "visitor_name", FT_STRING, 0, .min = 1, .max = 100 },
	{ "visitor_company", FT_STRING, F_NULLABLE, .max = 200 },
	{ "purpose", FT_STRING, 0, .min = 1, .max = 200 },
	{ "host_id", FT_ID, 0 },
	{ "site_id", FT_ID, F_NULLABLE },
	{ "expected_arrival_at", FT_TIME, F_NULLABLE },
	{ "expected_departure_at", FT_TIME, F_NULLABLE },
	{ "areas", FT_STRARRAY, 0, .max = 100 },
	{ "escorted", FT_BOOL, 0 },
	{ "badge_number", FT_STRING, F_NULLABLE, .max = 32 },
	{ 0 },
};

static const struct field transition_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "to", FT_ENUM, F_REQUIRED, .choices = moves },
	{ "at", FT_TIME, F_NULLABLE },
	{ "badge_number", FT_STRING, F_NULLABLE, .max = 32 },
	{ "badge_returned", FT_BOOL, 0 },
	{ "notice_accepted", FT_BOOL, 0 },
	{ 0 },
};

static const struct field badge_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 }, { 0 } };

static const struct field settings_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "notice_ja", FT_TEXT, 0, .max = 4000 },
	{ "notice_en", FT_TEXT, 0, .max = 4000 },
	{ "kiosk_idle_minutes", FT_INT, 0, .min = 5, .max = 720 },
	{ 0 },
};

static const struct field kiosk_start_body[] = { { "site_id", FT_ID, F_REQUIRED | F_NULLABLE },
						 { 0 } };

/* What a visitor fills in at the kiosk: their own slip, nothing else. */
static const struct field kiosk_visit_body[] = {
	{ "visitor_name", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "visitor_company", FT_STRING, 0, .max = 200 },
	{ "purpose", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "host_name", FT_STRING, 0, .max = 100 },
	{ "notice_accepted", FT_BOOL, 0 },
	{ "locale", FT_ENUM, 0, .choices = locales },
	{ 0 },
};

static const struct field site_create_body[] = {
	{ "name", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "address", FT_STRING, F_NULLABLE, .max = 200 },
	{ "manager_id", FT_ID, F_NULLABLE },
	{ "track_closing", FT_BOOL, 0 },
	{ 0 },
};

static const struct field site_patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "name", FT_STRING, 0, .min = 1, .max = 100 },
	{ "address", FT_STRING, F_NULLABLE, .max = 200 },
	{ "manager_id", FT_ID, F_NULLABLE },
	{ "track_closing", FT_BOOL, 0 },
	{ "active", FT_BOOL, 0 },
	{ 0 },
};

static const struct field sites_query[] = { { "all", FT_ENUM, 0, .choices = flags }, { 0 } };

static const struct field office_query[] = {
	{ "site_id", FT_ID, 0 },
	{ "from", FT_DATE, 0 },
	{ "to", FT_DATE, 0 },
	{ 0 },
};

static const struct field open_body[] = {
	{ "site_id", FT_ID, F_REQUIRED },
	{ "day", FT_DATE, F_NULLABLE },
	{ 0 },
};

static const struct field close_body[] = {
	{ "site_id", FT_ID, F_REQUIRED },    { "day", FT_DATE, F_NULLABLE },
	{ "windows", FT_BOOL, F_REQUIRED },  { "cabinets", FT_BOOL, F_REQUIRED },
	{ "pcs_off", FT_BOOL, F_REQUIRED },  { "alarm_set", FT_BOOL, F_REQUIRED },
	{ "note", FT_TEXT, 0, .max = 1000 }, { 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/visits", "visits.register", visits_list, .query = list_query },
	{ "GET", "/api/v1/visits.csv", "visits.read", visits_export, .query = export_query,
	  .arg = &export_as_csv },
	{ "GET", "/api/v1/visits.xlsx", "visits.read", visits_export, .query = export_query,
	  .arg = &export_as_xlsx },
	{ "POST", "/api/v1/visits", "visits.register", visits_create, .body = create_body },
	{ "GET", "/api/v1/visits/{id:int}", "visits.register", visits_show },
	{ "PATCH", "/api/v1/visits/{id:int}", "visits.register", visits_patch, .body = patch_body },
	{ "POST", "/api/v1/visits/{id:int}/transition", "visits.register", visits_transition,
	  .body = transition_body },
	{ "POST", "/api/v1/visits/{id:int}/badge-return", "visits.register", visits_badge,
	  .body = badge_body },
	{ "GET", "/api/v1/visits/settings", "visits.manage", settings_show },
	{ "PATCH", "/api/v1/visits/settings", "visits.manage", settings_patch,
	  .body = settings_body },
	{ "POST", "/api/v1/visits/kiosk", PERM_KIOSK_START, visits_kiosk_start,
	  .body = kiosk_start_body },
	{ "POST", "/api/v1/kiosk/visits", PERM_KIOSK, visits_kiosk_visit,
	  .body = kiosk_visit_body },
	{ "GET", "/api/v1/sites", "office_log.record", sites_list, .query = sites_query },
	{ "POST", "/api/v1/sites", "visits.manage", sites_create, .body = site_create_body },
	{ "PATCH", "/api/v1/sites/{id:int}", "visits.manage", sites_patch,
	  .body = site_patch_body },
	{ "GET", "/api/v1/office-log", "office_log.record", office_list, .query = office_query },
	{ "POST", "/api/v1/office-log/open", "office_log.record", office_open_route,
	  .body = open_body },
	{ "POST", "/api/v1/office-log/close", "office_log.record", office_close_route,
	  .body = close_body },
};

const struct route_table visits_routes = { routes, ARRAY_SIZE(routes) };

const struct permission visits_permissions[] = {
	{ "visits.register", "visits" },
	{ "visits.read", "visits" },
	{ "visits.manage", "visits" },
	{ "office_log.record", "visits" },
	{ 0 },
};
