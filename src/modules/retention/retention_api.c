/* retention_api.c — /api/v1/retention: the schedule, holds and purges. */
#include <string.h>

#include "retention_api.h"
#include "../../retention/retention.h"
#include "../../lib/timeutil.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200

static void page_options(struct req *req, int64_t *limit, int64_t *cursor)
{
	const char *v;
	*limit = PAGE_DEFAULT;
	*cursor = 0;
	if ((v = req_query(req, "limit")))
		parse_i64(v, 1, PAGE_MAX, limit);
	if ((v = req_query(req, "cursor")))
		parse_i64(v, 1, INT64_MAX, cursor);
}

static int reply_page(struct req *req, json_t *items, int64_t next)
{
	return reply_json(
		req, 200,
		json_pack("{s:o,s:o}", "items", items, "next_cursor",
			  next ? json_string(arena_printf(&req->arena, "%lld", (long long)next))
			       : json_null()));
}

static int schedule_show(struct req *req)
{
	char today[11];
	int64_t active;
	bool found;
	tz_today(today);
	json_t *items = retention_schedule(req->db, today);
	if (!items)
		return -1;
	if (db_query_int(req->db, &active, &found,
			 "SELECT COUNT(*) FROM retention_holds WHERE status = 'active'", P0)) {
		json_decref(items);
		return -1;
	}
	return reply_json(req, 200,
			  json_pack("{s:o,s:s,s:I}", "items", items, "today", today, "active_holds",
				    (json_int_t)active));
}

static int period_set(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	enum status st = retention_set_months(req->db, &who, req_str(req, "kind"),
					      (int)req_int(req, "months", 0),
					      req_int(req, "version", 0), &fe);
	if (st != ST_OK)
		return reply_outcome(req, st, &fe, 200, NULL);
	ferr_release(&fe);
	return schedule_show(req);
}

static int holds_list(struct req *req)
{
	int64_t limit, cursor, next;
	const char *state = req_query(req, "state");
	page_options(req, &limit, &cursor);
	json_t *items =
		retention_holds(req->db, !state || !strcmp(state, "active"), cursor, limit, &next);
	if (!items)
		return -1;
	return reply_page(req, items, next);
}

static int hold_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = retention_hold_place(req->db, &who, req_str(req, "kind"),
					      req_int(req, "record_id", 0), req_str(req, "reason"),
					      &id, &fe);
	return reply_outcome(req, st, &fe, 201,
			     st == ST_OK ? retention_hold_json(req->db, id) : NULL);
}

static int hold_lift(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = retention_hold_lift(req->db, &who, id, req_int(req, "version", 0),
					     req_str(req, "reason"), &fe);
	return reply_outcome(req, st, &fe, 200,
			     st == ST_OK ? retention_hold_json(req->db, id) : NULL);
}

static int purges_list(struct req *req)
{
	int64_t limit, cursor;
	const char *kind = req_query(req, "kind");
	struct dbrows r;
	page_options(req, &limit, &cursor);
	if (db_query(req->db, &r,
		     "SELECT id, kind, action, at, count, first_id, last_id, months, cutoff, held "
		     "FROM retention_purges WHERE (CAST(? AS TEXT) IS NULL OR kind = ?) AND (? = 0 "
		     "OR id < ?) "
		     "ORDER BY id DESC LIMIT ?",
		     P(V_TEXT(kind), V_TEXT(kind), V_INT(cursor), V_INT(cursor), V_INT(limit + 1))))
		return -1;
	json_t *items = json_array();
	int64_t next = 0;
	while (db_next(&r)) {
		if ((int64_t)json_array_size(items) == limit) {
			next = json_integer_value(json_object_get(
				json_array_get(items, json_array_size(items) - 1), "id"));
			break;
		}
		char at[21];
		time_rfc3339(db_int(&r, 3), at);
		json_array_append_new(
			items,
			json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:s,s:I}", "id",
				  (json_int_t)db_int(&r, 0), "kind", db_text(&r, 1), "action",
				  db_text(&r, 2), "at", at, "count", (json_int_t)db_int(&r, 4),
				  "first_id", (json_int_t)db_int(&r, 5), "last_id",
				  (json_int_t)db_int(&r, 6), "months", (json_int_t)db_int(&r, 7),
				  "cutoff", db_text(&r, 8), "held", (json_int_t)db_int(&r, 9)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return -1;
	}
	return reply_page(req, items, next);
}

int retention_job(struct app *app, struct db *db)
{
	return retention_run(app, db);
}

/* --- schemas and routes ------------------------------------------------------------------- */

static const char *const hold_states[] = { "active", "all", NULL };

static const struct field period_body[] = {
	{ "kind", FT_STRING, F_REQUIRED, .min = 1, .max = 40 },
	{ "months", FT_INT, F_REQUIRED, .min = 1, .max = RETENTION_MAX_MONTHS },
	{ "version", FT_INT, F_REQUIRED, .min = 0 },
	{ 0 },
};

static const struct field hold_body[] = {
	{ "kind", FT_STRING, F_REQUIRED, .min = 1, .max = 40 },
	{ "record_id", FT_ID, F_NULLABLE },
	{ "reason", FT_TEXT, F_REQUIRED, .min = 1, .max = 2000 },
	{ 0 },
};

static const struct field lift_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "reason", FT_TEXT, F_REQUIRED, .min = 1, .max = 2000 },
	{ 0 },
};

static const struct field holds_query[] = {
	{ "state", FT_ENUM, 0, .choices = hold_states },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct field purges_query[] = {
	{ "kind", FT_STRING, 0, .max = 40 },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/retention", "retention.read", schedule_show },
	{ "POST", "/api/v1/retention/periods", "retention.manage", period_set,
	  .body = period_body },
	{ "GET", "/api/v1/retention/holds", "retention.read", holds_list, .query = holds_query },
	{ "POST", "/api/v1/retention/holds", "retention.manage", hold_create, .body = hold_body },
	{ "POST", "/api/v1/retention/holds/{id:int}/lift", "retention.manage", hold_lift,
	  .body = lift_body },
	{ "GET", "/api/v1/retention/purges", "retention.read", purges_list, .query = purges_query },
};

const struct route_table retention_routes = { routes, ARRAY_SIZE(routes) };

const struct permission retention_permissions[] = {
	{ "retention.read", "retention" },
	{ "retention.manage", "retention" },
	{ 0 },
};
