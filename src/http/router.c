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

size_t router_body_limit(const struct route_set *rs, const char *method, const char *path)
{
	for (size_t m = 0; m < rs->count; m++) {
		const struct route_table *t = rs->tables[m];
		for (size_t i = 0; i < t->count; i++) {
			const struct route *r = &t->routes[i];
			if ((r->flags & R_LARGE_BODY) && !strcmp(r->method, method) &&
			    route_match(r->pattern, path, NULL))
				return BODY_LIMIT_LARGE;
		}
	}
	return BODY_LIMIT;
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

static void dispatch(const struct route_set *rs, struct req *req)
{
	bool known;
	struct ferrors fe = FERRORS_INIT;
	const struct route *r = find_route(rs, req, &known);
	if (!r) {
		if (known)
			reply_problem(req, 405, "method_not_allowed", "Method not allowed", NULL);
		else
			reply_problem(req, 404, "not_found", "Not found",
				      "There is nothing at this address.");
		return;
	}
	req->route = r;
	if (strcmp(r->pattern, "/healthz")) {
		req->db = app_db(req->app);
		/* The session and the handler's reads share one snapshot; the first write (a
		 * transaction, an export's audit event) ends it. */
		if (req->db)
			db_read_begin(req->db);
		if (!req->db) {
			reply_problem(req, 503, "unavailable", "Service unavailable",
				      "The database cannot be opened. Try again shortly.");
			return;
		}
	}
	if (strcmp(r->perm, PERM_PUBLIC)) {
		enum sess_result sr = session_load(req);
		if (sr == SESS_DB) {
			reply_status_of(req, ST_DB, NULL);
			return;
		}
		if (sr != SESS_OK) {
			reply_problem(req, 401, "unauthenticated", "Sign-in required",
				      sr == SESS_EXPIRED
					      ? "Your session has ended. Please sign in again."
					      : "Please sign in.");
			return;
		}
		if (is_unsafe(req->method) && !(r->flags & R_NO_CSRF)) {
			const char *tok = req_header(req, "X-CSRF-Token");
			if (!tok || !str_equal_ct(tok, req->user->csrf_token)) {
				reply_problem(
					req, 403, "csrf", "Missing or wrong CSRF token",
					"Send the X-CSRF-Token header you received at sign-in.");
				return;
			}
		}
		if (!(r->flags & R_BEFORE_GATES)) {
			if (req->user->must_change_password) {
				reply_problem(req, 403, "password_change_required",
					      "Password change required",
					      "Change your one-time password before going on.");
				return;
			}
			if (req->user->mfa_required && !req->user->mfa_enabled) {
				reply_problem(req, 403, "mfa_enrollment_required",
					      "Two-step verification required",
					      "Your role requires two-step verification. Set it up "
					      "first.");
				return;
			}
		}
		/* A reception kiosk (never gated) reaches its own routes and nothing else, reads
		 * included; no person's session reaches those. */
		if (req->user->kiosk != !strcmp(r->perm, PERM_KIOSK)) {
			deny(req, r->perm);
			return;
		}
		if (strcmp(r->perm, PERM_SIGNED_IN) && !req_can(req, r->perm)) {
			deny(req, r->perm);
			return;
		}
	}
	struct qcheck q = { req, &fe };
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_query, &q);
	if (parse_body(req, &fe))
		goto out;
	if (ferr_any(&fe)) {
		reply_errors(req, &fe);
		goto out;
	}
	r->handler(req);
	if (!req->replied)
		reply_status_of(req, ST_DB, NULL);
	else if (req->status == 404 && req->user && req->db)
		record_not_found(req);
out:
	ferr_release(&fe);
}

void router_dispatch(const struct route_set *rs, struct req *req)
{
	dispatch(rs, req);
	if (req->db) {
		db_read_end(req->db);
		session_touch(req);
	}
}
