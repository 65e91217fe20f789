/* settings_api.c — GET/PATCH /api/v1/settings and the public subset for the sign-in page.
 * The setup wizard uses the same two routes: its answers are settings like any other. */
#include "settings.h"

static int settings_show(struct req *req)
{
	struct settings s;
	if (settings_get(req->app, req->db, &s))
		return -1;
	return reply_json(req, 200, settings_json(&s));
}

static int settings_public(struct req *req)
{
	struct settings s;
	if (settings_get(req->app, req->db, &s))
		return -1;
	return reply_json(req, 200,
			  json_pack("{s:s,s:s,s:i}", "org_name", s.org_name, "timezone", s.timezone,
				    "password_min_length", s.password_min_length));
}

static int settings_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct settings s;
	struct actor who = req_actor(req);
	enum status st = settings_update(req->app, req->db, &who, req->json, &fe, &s);
	if (st == ST_OK)
		reply_json(req, 200, settings_json(&s));
	else
		reply_status_of(req, st, &fe);
	ferr_release(&fe);
	return 0;
}

static const struct field settings_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "org_name", FT_STRING, 0, .min = 1, .max = 200 },
	{ "org_address", FT_TEXT, 0, .max = 300 },
	{ "privacy_officer", FT_STRING, 0, .max = 100 },
	{ "isms_officer", FT_STRING, 0, .max = 100 },
	{ "pmark_number", FT_STRING, 0, .max = 64 },
	{ "isms_certified", FT_BOOL, 0 },
	{ "isms_scope", FT_TEXT, 0, .max = 500 },
	{ "isms_body", FT_STRING, 0, .max = 200 },
	{ "setup_state", FT_ENUM, 0, .choices = settings_setup_states },
	{ "timezone", FT_STRING, 0, .min = 1, .max = 64 },
	{ "password_min_length", FT_INT, 0, .min = 8, .max = 128 },
	{ "password_history", FT_INT, 0, .min = 0, .max = 24 },
	{ "lockout_threshold", FT_INT, 0, .min = 3, .max = 20 },
	{ "lockout_minutes", FT_INT, 0, .min = 1, .max = 1440 },
	{ "idle_timeout_privileged_min", FT_INT, 0, .min = 1, .max = 60 },
	{ "idle_timeout_min", FT_INT, 0, .min = 1, .max = 240 },
	{ "session_absolute_hours", FT_INT, 0, .min = 1, .max = 24 },
	{ "idle_disable_days", FT_INT, 0, .min = 0, .max = 3650 },
	{ "approval_escalation_days", FT_INT, 0, .min = 0, .max = 30 },
	{ "year_end_closure", FT_INT, 0, .min = 0, .max = 1 },
	{ 0 }
};

static const struct route routes[] = {
	{ "GET", "/api/v1/settings", "settings.read", settings_show },
	{ "PATCH", "/api/v1/settings", "settings.write", settings_patch, .body = settings_body },
	{ "GET", "/api/v1/settings/public", PERM_PUBLIC, settings_public },
};

const struct route_table settings_routes = { routes, ARRAY_SIZE(routes) };
