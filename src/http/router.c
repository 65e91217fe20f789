/*
 * router.c — from a parsed request to a handler, through every gate.
 *
 * Order: match method and path → session (unless the route is public) → CSRF on unsafe
 * methods → password-change and MFA-enrolment gates → a kiosk session only on kiosk routes,
 * kiosk routes only for a kiosk session → the route's permission (a denial is an audit event)
 * → query parameters and JSON body against the route's schema → handler; a signed-in user's
 * request the handler answers 404 is an audit event too (access.denied).
 */
#include <microhttpd.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "../audit/audit.h"
#include "../auth/session.h"
#include "../lib/log.h"
#include "../lib/timeutil.h"

bool route_match(const char *pattern, const char *path, struct req *req)
{
	int np = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *colon = memchr(p, ':', (size_t)(close - p));
			const char *seg_end = strchr(s, '/');
			if (!seg_end)
				seg_end = s + strlen(s);
			size_t len = (size_t)(seg_end - s);
			if (len == 0 || len > 200 || np >= MAX_PARAMS)
				return false;
			bool is_int = colon && !strncmp(colon + 1, "int}", 4);
			if (is_int) {
				if (len > 18 || *s == '0')
					return false;
				for (const char *c = s; c < seg_end; c++)
					if (*c < '0' || *c > '9')
						return false;
			}
			if (req) {
				const char *name_end = colon ? colon : close;
				req->param_names[np] = arena_strndup(&req->arena, p + 1,
								     (size_t)(name_end - p - 1));
				req->param_values[np] = arena_strndup(&req->arena, s, len);
			}
			np++;
			p = close + 1;
			s = seg_end;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	if (req)
		req->nparams = np;
	return true;
}

void router_each(const struct route_set *rs, void (*fn)(const struct route *r, void *arg),
		 void *arg)
{
	for (size_t m = 0; m < rs->count; m++)
		for (size_t i = 0; i < rs->tables[m]->count; i++)
			fn(&rs->tables[m]->routes[i], arg);
}

/* The route for req's method and path, with its path parameters filled in; NULL when there
 * is none (*path_known: another method has this path). */
static const struct route *find_route(const struct route_set *rs, struct req *req, bool *path_known)
{
	*path_known = false;
	for (size_t m = 0; m < rs->count; m++) {
		const struct route_table *t = rs->tables[m];
		for (size_t i = 0; i < t->count; i++) {
			const struct route *r = &t->routes[i];
			if (!route_match(r->pattern, req->path, NULL))
				continue;
			*path_known = true;
			if (!strcmp(r->method, req->method) ||
			    (!strcmp(req->method, "HEAD") && !strcmp(r->method, "GET"))) {
				route_match(r->pattern, req->path, req);
				return r;
			}
		}
	}
	return NULL;
}

void router_begin(const struct route_set *rs, struct req *req)
{
	req->route = find_route(rs, req, &req->path_known);
	req->route_looked_up = true;
	if (!req->route)
		req->body_limit = BODY_LIMIT_PUBLIC;
	else if (req->route->flags & R_LARGE_BODY)
		req->body_limit = BODY_LIMIT_LARGE;
	else if (!strcmp(req->route->perm, PERM_PUBLIC))
		req->body_limit = BODY_LIMIT_PUBLIC;
	else
		req->body_limit = BODY_LIMIT;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && !strcmp(s + n - k, tail);
}

bool route_runs_long(const struct route *r)
{
	return (r->flags & (R_LARGE_BODY | R_LONG)) || ends_with(r->pattern, ".csv") ||
	       ends_with(r->pattern, ".xlsx") || ends_with(r->pattern, ".pdf");
}

bool router_runs_long(const struct req *req)
{
	return req->route && route_runs_long(req->route);
}

static bool is_unsafe(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

static void deny(struct req *req, const char *perm)
{
	json_t *s = json_pack("{s:s,s:s,s:s}", "method", req->method, "route", req->route->pattern,
			      "permission", perm);
	struct actor who = req_actor(req);
	if (audit_append_tx(req->db, &who, "access.denied", "route", 0, s))
		log_error("could not record an access denial: %s", db_errmsg(req->db));
	json_decref(s);
	reply_problem(req, 403, "forbidden", "Forbidden",
		      "Your roles do not include the permission this needs.");
}

/* A signed-in user asked for a record the handler answered 404 for: it does not exist, or it
 * is someone else's (out of their department, another person's report). Either way a probe
 * leaves a trace; the answer stays 404. */
static void record_not_found(struct req *req)
{
	json_t *s = json_pack("{s:s,s:s,s:s,s:i}", "method", req->method, "route",
			      req->route->pattern, "path", req->path, "status", 404);
	struct actor who = req_actor(req);
	if (audit_append_tx(req->db, &who, "access.denied", "route", req_param_int(req, "id"), s))
		log_error("could not record a refused read: %s", db_errmsg(req->db));
	json_decref(s);
}

/* Query parameters: only declared ones, each valid text. */
struct qcheck {
	struct req *req;
	struct ferrors *fe;
};

static enum MHD_Result check_query(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	UNUSED(kind);
	struct qcheck *q = cls;
	query_param_check(q->req->route->query, key, value, q->fe);
	return MHD_YES;
}

static int parse_body(struct req *req, struct ferrors *fe)
{
	const struct route *r = req->route;
	if (r->flags & R_RAW_BODY)
		return 0;
	if (req->body.len == 0) {
		if (r->body) {
			req->json = json_object();
			schema_validate(r->body, req->json, !strcmp(req->method, "PATCH"), fe);
		}
		return 0;
	}
	json_error_t jerr;
	json_t *j = json_loadb(req->body.buf, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		if (json_error_code(&jerr) == json_error_invalid_utf8)
			reply_problem(req, 400, "invalid_utf8", "Invalid text",
				      "The body is not valid UTF-8.");
		else
			reply_problem(req, 400, "malformed_json", "Malformed JSON",
				      "The body is not well-formed JSON.");
		return -1;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		reply_problem(req, 400, "malformed_json", "Malformed JSON",
			      "The body must be a JSON object.");
		return -1;
	}
	req->json = j;
	if (r->body) {
		schema_validate(r->body, j, !strcmp(req->method, "PATCH"), fe);
	} else if (json_object_size(j) > 0) {
		const char *key;
		json_t *v;
		json_object_foreach(j, key, v)
		{
			ferr_add(fe, key, "unknown_field", "This field is not accepted here.");
		}
	}
	return 0;
}

/* Opens the request's database connection and read snapshot (not for /healthz); false with
 * an answer set when the database cannot be opened. */
static bool open_db(struct req *req)
{
	if (req->db || !strcmp(req->route->pattern, "/healthz"))
		return true;
	req->db = app_db(req->app);
	if (!req->db) {
		reply_problem(req, 503, "unavailable", "Service unavailable",
			      "The database cannot be opened. Try again shortly.");
		return false;
	}
	/* The session and the handler's reads share one snapshot; the first write (a
	 * transaction, an export's audit event) ends it. */
	db_read_begin(req->db);
	return true;
}

/* The gates of req->route: session, CSRF, the password-change and MFA gates, the permission.
 * `speculate`: the session may be taken from this thread's cache and confirmed later (see
 * session_load). False with an answer set when the request may not go on. */
static bool gates(struct req *req, bool speculate)
{
	const struct route *r = req->route;
	if (!strcmp(r->perm, PERM_PUBLIC))
		return true;
	enum sess_result sr = session_load(req, speculate);
	if (sr == SESS_DB) {
		reply_status_of(req, ST_DB, NULL);
		return false;
	}
	if (sr != SESS_OK) {
		reply_problem(req, 401, "unauthenticated", "Sign-in required",
			      sr == SESS_EXPIRED ? "Your session has ended. Please sign in again."
						 : "Please sign in.");
		return false;
	}
	if (is_unsafe(req->method) && !(r->flags & R_NO_CSRF)) {
		const char *tok = req_header(req, "X-CSRF-Token");
		if (!tok || !str_equal_ct(tok, req->user->csrf_token)) {
			reply_problem(req, 403, "csrf", "Missing or wrong CSRF token",
				      "Send the X-CSRF-Token header you received at sign-in.");
			return false;
		}
	}
	if (!(r->flags & R_BEFORE_GATES)) {
		if (req->user->must_change_password) {
			reply_problem(req, 403, "password_change_required",
				      "Password change required",
				      "Change your one-time password before going on.");
			return false;
		}
		if (req->user->mfa_required && !req->user->mfa_enabled) {
			reply_problem(req, 403, "mfa_enrollment_required",
				      "Two-step verification required",
				      "Your role requires two-step verification. Set it up first.");
			return false;
		}
	}
	/* A reception kiosk (never gated) reaches its own routes and nothing else, reads
	 * included; no person's session reaches those. */
	if (req->user->kiosk != !strcmp(r->perm, PERM_KIOSK)) {
		deny(req, r->perm);
		return false;
	}
	if (strcmp(r->perm, PERM_SIGNED_IN) && !req_can(req, r->perm)) {
		deny(req, r->perm);
		return false;
	}
	return true;
}

/* Answers a request whose method and path match no route. */
static void no_route(struct req *req)
{
	if (req->path_known)
		reply_problem(req, 405, "method_not_allowed", "Method not allowed", NULL);
	else
		reply_problem(req, 404, "not_found", "Not found",
			      "There is nothing at this address.");
}

static void dispatch(const struct route_set *rs, struct req *req, bool speculate)
{
	struct ferrors fe = FERRORS_INIT;
	if (!req->route_looked_up)
		router_begin(rs, req);
	const struct route *r = req->route;
	if (!r) {
		no_route(req);
		return;
	}
	if (!open_db(req) || !gates(req, speculate))
		return;
	struct qcheck q = { req, &fe };
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_query, &q);
	if (parse_body(req, &fe))
		goto out;
	if (ferr_any(&fe)) {
		reply_errors(req, &fe);
		goto out;
	}
	/* Changed meanwhile: router_dispatch runs the request again as the session is now. */
	if ((r->flags & R_CONFIRM) && session_confirm(req) == SESS_STALE)
		goto out;
	r->handler(req);
	/* A handler stopped by a session that changed meanwhile runs again (router_dispatch):
	 * there is nothing to answer or to log as a failure now. */
	if (!req->replied && !(req->session_check && session_confirm(req) == SESS_STALE))
		reply_status_of(req, ST_DB, NULL);
	else if (req->status == 404 && req->user && req->db)
		record_not_found(req);
out:
	ferr_release(&fe);
}

/* Forgets the answer so far (the request runs again). */
static void answer_reset(struct req *req)
{
	buf_reset(&req->out);
	req->status = 0;
	req->replied = false;
	req->content_type = req->content_disposition = req->set_cookie = NULL;
	req->cache_control = NULL;
	req->nheaders = 0;
	if (req->static_fd >= 0) { /* a file the first run meant to send */
		close(req->static_fd);
		req->static_fd = -1;
	}
	req->user = NULL;
	req->session_check = NULL;
	if (req->db)
		db_set_guard(req->db, NULL, NULL); /* it refuses every write of a stale session */
	session_request_end(req);
	json_decref(req->json);
	req->json = NULL;
}

void router_dispatch(const struct route_set *rs, struct req *req)
{
	dispatch(rs, req, true);
	/* A session taken from the cache is confirmed before anything is answered; if it changed
	 * (signed out, a permission removed) the request runs again with the session as it is
	 * now. Nothing was written under the old one: writes confirm it first. */
	if (req->session_check && session_confirm(req) == SESS_STALE) {
		answer_reset(req);
		if (req->db) {
			db_read_end(req->db);
			db_read_begin(req->db);
		}
		dispatch(rs, req, false);
	}
	if (req->db) {
		db_read_end(req->db);
		session_touch(req);
	}
}

bool router_precheck(const struct route_set *rs, struct req *req)
{
	if (!req->route_looked_up)
		router_begin(rs, req);
	bool ok = false;
	if (!req->route)
		no_route(req);
	else if (open_db(req))
		ok = gates(req, false);
	if (req->db) {
		db_read_end(req->db);
		req->db = NULL;
	}
	if (ok)
		req->user = NULL; /* loaded again, with the body, by router_dispatch */
	return ok;
}
