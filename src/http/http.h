/*
 * http.h — requests, routes and answers.
 *
 * A route is data, declared next to its handler in <area>_api.c:
 *
 *	static const struct field user_create_body[] = {
 *		{ "login", FT_STRING, F_REQUIRED, .min = 1, .max = 64 },
 *		...
 *		{ 0 }
 *	};
 *	{ "POST", "/api/v1/users", "users.write", users_create, .body = user_create_body },
 *
 * The router, not the handler, enforces the session, CSRF, the password-change and MFA gates,
 * the route's permission and its input schema; a handler runs only with a signed-in user who
 * may call it and a body whose fields have the declared types and limits. Unknown fields and
 * query parameters are refused. Everything a handler allocates comes from req->arena.
 *
 * Handlers answer with reply_json(), reply_problem(), reply_errors() or reply_status(), and
 * return 0; returning -1 without a reply answers 500 (or 503 when the database is unavailable).
 */
#ifndef MAMORI_HTTP_H
#define MAMORI_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../app.h"
#include "../lib/arena.h"
#include "../lib/buf.h"
#include "../lib/errors.h"
#include "../audit/audit.h"

/* Permissions that are not in the catalogue. */
#define PERM_PUBLIC      "public"    /* no session needed */
#define PERM_SIGNED_IN   "signed_in" /* any signed-in user */
/* A reception kiosk's session (src/auth/session.h) and nothing else: no role can hold it, a
 * kiosk session reaches only these routes, and no person's session reaches them. */
#define PERM_KIOSK       "kiosk"
/* The permission (in the catalogue) that starts a kiosk; a kiosk session stands only while
 * the officer who started it still holds it. */
#define PERM_KIOSK_START "visits.manage"

enum ftype {
	FT_STRING, /* UTF-8 text, .min/.max in characters */
	FT_TEXT,   /* like FT_STRING but multi-line allowed */
	FT_INT,    /* integer in [.min, .max] */
	FT_BOOL,
	FT_DATE,     /* "YYYY-MM-DD" */
	FT_TIME,     /* RFC 3339 */
	FT_ENUM,     /* one of .choices */
	FT_STRARRAY, /* array of strings, each .max characters, at most 100 */
	FT_INTARRAY,
	FT_ID,       /* positive integer id */
	FT_OBJECT,   /* a JSON object whose compact form has at most .max bytes (default 64 KiB);
			its shape is the handler's to check */
	FT_OBJARRAY, /* an array of at most .max (default 100) objects, each checked against
			.fields; an error names the entry's field, e.g. "items[2].kind" */
};

#define F_REQUIRED 1u /* must be present (ignored for PATCH bodies) */
#define F_NULLABLE 2u /* may be null */
#define F_ALWAYS   4u /* required even in a PATCH body (e.g. version) */

struct field {
	const char *name;
	enum ftype type;
	unsigned flags;
	int64_t min, max;
	const char *const *choices; /* NULL-terminated, for FT_ENUM */
	const struct field *fields; /* FT_OBJARRAY: each entry's schema, { 0 }-terminated */
};

#define R_BEFORE_GATES 1u  /* allowed while a password change or MFA enrolment is pending */
#define R_NO_CSRF      2u  /* unsafe but without a session yet (sign-in) */
#define R_RAW_BODY     4u  /* handler reads req->body itself (not JSON) */
#define R_LARGE_BODY   8u  /* body up to BODY_LIMIT_LARGE instead of BODY_LIMIT (file imports) */
#define R_LONG         16u /* runs on the long-work threads (see below), like every export */
/* Acts outside the database before it writes (sends a mail): a session taken from a thread's
 * cache is confirmed before the handler runs, not at its first write (PostgreSQL). */
#define R_CONFIRM      32u

/* Bodies: a route open to anyone takes BODY_LIMIT_PUBLIC, others BODY_LIMIT, R_LARGE_BODY
 * routes BODY_LIMIT_LARGE (kept in an unlinked file in the data folder, not in memory). A body
 * larger than BODY_CHECK_FIRST (or of unknown length) is read only after the session, CSRF
 * token and permission have been checked on its headers (router_precheck), so that nobody
 * without them makes the server hold more than BODY_CHECK_FIRST per connection.
 *
 * Routes that take a file (R_LARGE_BODY), answer a download (a pattern ending in .csv, .xlsx
 * or .pdf) or say R_LONG run on a few long-work threads of their own, so that they never keep
 * the request threads from answering everyone else. */
#define BODY_LIMIT_PUBLIC (64 * 1024)
#define BODY_CHECK_FIRST  (64 * 1024)
#define BODY_LIMIT        (1024 * 1024)
#define BODY_LIMIT_LARGE  (64 * 1024 * 1024)

struct req;
typedef int (*handler_fn)(struct req *req);

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/users/{id:int}"; {name:int} and {name:str} segments */
	const char *perm;    /* permission name, PERM_PUBLIC or PERM_SIGNED_IN */
	handler_fn handler;
	const struct field *body;  /* JSON object schema, { 0 }-terminated; NULL: no body */
	const struct field *query; /* allowed query parameters; NULL: none */
	unsigned flags;
	/* What this route serves, for a handler that serves several routes (req->route->arg):
	 * e.g. the register (struct reg_record) or a download's format (export_as_xlsx). */
	const void *arg;
};

/* The signed-in user, as loaded by the session layer for this request. */
struct principal {
	int64_t id;
	const char *login;
	const char *name;
	int64_t department_id;
	bool must_change_password;
	bool mfa_enabled;
	bool mfa_required;
	int idle_timeout_s;
	const char **perms; /* NULL-terminated, sorted */
	const char *session_hash;
	const char *csrf_token;
	bool touch_due; /* last activity recorded long enough ago to record it again */
	bool kiosk;     /* a reception kiosk, not a person: id 0, login KIOSK_LOGIN */
};

#define MAX_PARAMS 4

struct req {
	struct app *app;
	struct arena arena;
	struct db *db;
	void *conn; /* struct MHD_Connection */
	const char *method;
	const char *path;
	char ip[64];
	struct buf body;   /* the whole body (for a large body: a read-only map of its file) */
	size_t body_limit; /* BODY_LIMIT_PUBLIC, BODY_LIMIT or BODY_LIMIT_LARGE (router_begin) */
	bool body_too_large;
	json_t *json; /* validated body object, or NULL */
	const struct route *route;
	bool route_looked_up, path_known; /* router_begin ran; the path exists for some method */
	const char *param_names[MAX_PARAMS];
	const char *param_values[MAX_PARAMS];
	int nparams;
	struct principal *user;              /* NULL when not signed in */
	struct session_check *session_check; /* a cached session still to confirm (session.c) */
	struct session_entry *session_entry; /* the cached session req->user comes from */
	int64_t started_ms;
	struct req_server *srv; /* the server's own state for this request (server.c) */

	/* The answer. */
	int status;
	struct buf out;
	const char *content_type;
	const char *content_disposition;
	const char *set_cookie;
	const char *cache_control;
	int static_fd; /* a file to send instead of `out`, or -1 */
	int64_t static_size, static_offset;
	struct {
		const char *name, *value;
	} headers[6]; /* more header fields of the answer (reply_header) */
	int nheaders;
	bool replied;
};

/* Route table registration (modules.c). */
struct route_table {
	const struct route *routes;
	size_t count;
};

/* The routes a server answers, in the order they are tried: handed to the router by its caller
 * (serve puts the modules' tables, module_routes(), in app->routes). */
struct route_set {
	const struct route_table *const *tables;
	size_t count;
};

/* --- Reading a request ------------------------------------------------------------------ */

/* The integer path parameter `name` ({name:int}); 0 if absent. */
int64_t req_param_int(struct req *req, const char *name);
const char *req_param(struct req *req, const char *name);
/* A query parameter, or NULL. */
const char *req_query(struct req *req, const char *name);
/* The whole-number query parameter `name` when it lies in 1..max, else `def` (the route's
 * schema has already refused what it cannot read). For pages: `limit`, `cursor`. */
int64_t req_query_int(struct req *req, const char *name, int64_t def, int64_t max);
const char *req_header(struct req *req, const char *name);
/* Body fields (already validated). has: present (even if null). */
bool req_has(struct req *req, const char *name);
const char *req_str(struct req *req, const char *name); /* NULL if absent or null */
int64_t req_int(struct req *req, const char *name, int64_t def);
bool req_bool(struct req *req, const char *name, bool def);
json_t *req_field(struct req *req, const char *name);
bool req_can(struct req *req, const char *perm);
/* Who is acting, for audit events. */
struct actor req_actor(struct req *req);

/* --- Answering -------------------------------------------------------------------------- */

/* Takes ownership of `body`. */
int reply_json(struct req *req, int status, json_t *body);
int reply_status(struct req *req, int status); /* empty body, e.g. 204 */
/* JSON already written into `body` (e.g. by jsonw); takes its bytes. */
int reply_buf(struct req *req, int status, struct buf *body);
/* Problem details: type is derived from the code. detail may be NULL. */
int reply_problem(struct req *req, int status, const char *code, const char *title,
		  const char *detail);
/* 422 (or the status `fe` carries) with the collected field errors. */
int reply_errors(struct req *req, struct ferrors *fe);
/* Answers for a domain status (see errors.h): not found, conflict, forbidden, db errors. */
int reply_status_of(struct req *req, enum status st, struct ferrors *fe);
/* The answer to a change: `ok` (owned; the record as it is now) with `code` when st is ST_OK,
 * otherwise the problem for st with the field errors of `fe` (ST_OK without `ok`: the record
 * could not be read back, 500). Releases fe. */
int reply_outcome(struct req *req, enum status st, struct ferrors *fe, int code, json_t *ok);
/* Adds a header field to the answer (name and value: literals or arena text). */
void reply_header(struct req *req, const char *name, const char *value);
/* A file download (CSV...): takes ownership of `data`. */
int reply_download(struct req *req, const char *content_type, const char *filename, char *data,
		   size_t len);

/* --- Server ----------------------------------------------------------------------------- */

struct server_options {
	const char *listen; /* "127.0.0.1:8080" */
	int threads;
	int max_connections; /* open connections in all (0: 1,000) */
	int per_address;     /* open connections from one address (0: 64; -1: no limit) */
};

/* Takes X-Forwarded-For only from these addresses (--trust-proxy): a comma-separated list
 * of IPv4/IPv6 addresses or ADDRESS/BITS ranges. -1 with a sentence in err. */
int http_trust_proxies(struct app *app, const char *list, struct buf *err);
/* Serves until SIGTERM/SIGINT, then finishes in-flight requests (for at most 8 s) and stops
 * within 10 s. HTTP_UNFINISHED: some requests were still running at the end, on threads that
 * still use `app` (the caller must end the process without releasing it). */
#define HTTP_UNFINISHED 3
int http_serve(struct app *app, const struct server_options *opt);

/* Finds the route of `rs` for req->method and req->path (req->route, NULL if none, with its
 * path parameters) and the body limit it sets. router_dispatch and router_precheck call it if
 * the server has not. */
void router_begin(const struct route_set *rs, struct req *req);
/* Whether the route runs on the long-work threads (see BODY_CHECK_FIRST above); the second
 * for a request's route (false when it has none). */
bool route_runs_long(const struct route *r);
bool router_runs_long(const struct req *req);
/* The gates of the request's route on its headers alone (session, CSRF, MFA and password
 * gates, permission), before a large body is read. False with an answer set when the request
 * may not go on; true means the body may be read (router_dispatch checks everything again). */
bool router_precheck(const struct route_set *rs, struct req *req);
/* Runs one request through the router, among the routes of `rs` (used by the server and by
 * tests). */
void router_dispatch(const struct route_set *rs, struct req *req);
/* Every route of `rs`, for the route walk test and `mamori routes`. */
void router_each(const struct route_set *rs, void (*fn)(const struct route *r, void *arg),
		 void *arg);
/* Matches `path` against `pattern`, filling req params; true on match. */
bool route_match(const char *pattern, const char *path, struct req *req);
/* Checks one query parameter against a route's query schema (NULL: none accepted). */
void query_param_check(const struct field *schema, const char *key, const char *value,
		       struct ferrors *fe);
/* Validates a JSON body against a schema; appends field errors. partial: PATCH semantics. */
void schema_validate(const struct field *schema, json_t *obj, bool partial, struct ferrors *fe);

#endif
