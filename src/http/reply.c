/* reply.c — reading validated input and writing answers. */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "../audit/audit.h"
#include "../lib/log.h"
#include "../lib/util.h"

int64_t req_param_int(struct req *req, const char *name)
{
	int64_t v;
	const char *s = req_param(req, name);
	return s && parse_i64(s, 1, INT64_MAX, &v) == 0 ? v : 0;
}

const char *req_param(struct req *req, const char *name)
{
	for (int i = 0; i < req->nparams; i++)
		if (!strcmp(req->param_names[i], name))
			return req->param_values[i];
	return NULL;
}

const char *req_query(struct req *req, const char *name)
{
	const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
	return v && *v ? v : NULL;
}

int64_t req_query_int(struct req *req, const char *name, int64_t def, int64_t max)
{
	int64_t v = def;
	const char *s = req_query(req, name);
	if (s)
		parse_i64(s, 1, max, &v);
	return v;
}

const char *req_header(struct req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

json_t *req_field(struct req *req, const char *name)
{
	return req->json ? json_object_get(req->json, name) : NULL;
}

bool req_has(struct req *req, const char *name)
{
	return req_field(req, name) != NULL;
}

const char *req_str(struct req *req, const char *name)
{
	return json_string_value(req_field(req, name));
}

int64_t req_int(struct req *req, const char *name, int64_t def)
{
	json_t *v = req_field(req, name);
	return json_is_integer(v) ? json_integer_value(v) : def;
}

bool req_bool(struct req *req, const char *name, bool def)
{
	json_t *v = req_field(req, name);
	return json_is_boolean(v) ? json_is_true(v) : def;
}

bool req_can(struct req *req, const char *perm)
{
	if (!req->user)
		return false;
	for (const char **p = req->user->perms; p && *p; p++)
		if (!strcmp(*p, perm))
			return true;
	return false;
}

struct actor req_actor(struct req *req)
{
	struct actor a = { 0 };
	a.ip = req->ip;
	if (req->user) {
		a.id = req->user->id;
		a.login = req->user->login;
	}
	return a;
}

int reply_json(struct req *req, int status, json_t *body)
{
	buf_reset(&req->out);
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!s)
		die("reply_json: cannot serialise");
	buf_adds(&req->out, s);
	free(s);
	req->status = status;
	req->content_type = "application/json; charset=utf-8";
	req->replied = true;
	return 0;
}

int reply_buf(struct req *req, int status, struct buf *body)
{
	buf_release(&req->out);
	req->out = *body;
	buf_init(body, 0);
	req->status = status;
	req->content_type = "application/json; charset=utf-8";
	req->replied = true;
	return 0;
}

int reply_status(struct req *req, int status)
{
	buf_reset(&req->out);
	req->status = status;
	req->content_type = NULL;
	req->replied = true;
	return 0;
}

static json_t *problem(int status, const char *code, const char *title, const char *detail)
{
	json_t *p = json_object();
	struct buf type = BUF_INIT;
	buf_printf(&type, "https://mamori.invalid/problems/%s", code);
	json_object_set_new(p, "type", json_string(type.buf));
	json_object_set_new(p, "title", json_string(title));
	json_object_set_new(p, "status", json_integer(status));
	json_object_set_new(p, "code", json_string(code));
	if (detail)
		json_object_set_new(p, "detail", json_string(detail));
	buf_release(&type);
	return p;
}

static void send_problem(struct req *req, int status, json_t *p)
{
	reply_json(req, status, p);
	req->content_type = "application/problem+json; charset=utf-8";
}

/* Sends problem `p` with the extra members `fe` carries. */
static int problem_with(struct req *req, struct ferrors *fe, json_t *p)
{
	if (fe && fe->extra)
		json_object_update_missing(p, fe->extra);
	send_problem(req, (int)json_integer_value(json_object_get(p, "status")), p);
	return 0;
}

int reply_problem(struct req *req, int status, const char *code, const char *title,
		  const char *detail)
{
	send_problem(req, status, problem(status, code, title, detail));
	return 0;
}

int reply_errors(struct req *req, struct ferrors *fe)
{
	json_t *p = problem(422, "validation", "Some fields need attention",
			    fe && fe->detail ? fe->detail : "See errors for each field.");
	if (fe && fe->list)
		json_object_set(p, "errors", fe->list);
	else
		json_object_set_new(p, "errors", json_array());
	if (fe && fe->extra)
		json_object_update_missing(p, fe->extra);
	send_problem(req, 422, p);
	return 0;
}

int reply_status_of(struct req *req, enum status st, struct ferrors *fe)
{
	switch (st) {
	case ST_OK:
		return reply_status(req, 204);
	case ST_INVALID:
		return reply_errors(req, fe);
	case ST_NOT_FOUND:
		return reply_problem(req, 404, "not_found", "Not found",
				     "There is no such record.");
	case ST_CONFLICT:
		return problem_with(req, fe,
				    problem(409, fe && fe->code ? fe->code : "conflict",
					    "Changed by someone else",
					    fe && fe->detail
						    ? fe->detail
						    : "The record was changed since you loaded it. "
						      "Reload it and apply your change again."));
	case ST_FORBIDDEN:
		return problem_with(
			req, fe,
			problem(403, fe && fe->code ? fe->code : "forbidden", "Forbidden",
				fe && fe->detail ? fe->detail : "This is not allowed."));
	case ST_DB:
	default:
		if (req->db && db_errkind(req->db) == DBE_UNAVAILABLE) {
			log_error("database unavailable: %s", db_errmsg(req->db));
			return reply_problem(
				req, 503, "unavailable", "Service unavailable",
				"The database cannot take changes right now (disk full or "
				"read-only). Nothing was saved. Try again later.");
		}
		if (req->db && db_errkind(req->db) == DBE_BUSY)
			return reply_problem(req, 503, "busy", "Busy",
					     "The database is busy. Nothing was saved. Try again.");
		log_error("internal error on %s %s: %s", req->method, req->path,
			  req->db ? db_errmsg(req->db) : "-");
		return reply_problem(req, 500, "internal", "Internal error",
				     "Something went wrong on the server. Nothing was saved.");
	}
}

void reply_header(struct req *req, const char *name, const char *value)
{
	if (req->nheaders == (int)ARRAY_SIZE(req->headers))
		die("reply_header: too many header fields");
	req->headers[req->nheaders].name = name;
	req->headers[req->nheaders].value = value;
	req->nheaders++;
}

int reply_download(struct req *req, const char *content_type, const char *filename, char *data,
		   size_t len)
{
	buf_release(&req->out);
	buf_add(&req->out, data, len);
	free(data);
	req->status = 200;
	req->content_type = content_type;
	req->content_disposition =
		arena_printf(&req->arena, "attachment; filename=\"%s\"", filename);
	req->replied = true;
	return 0;
}

int reply_outcome(struct req *req, enum status st, struct ferrors *fe, int code, json_t *ok)
{
	if (st == ST_OK && ok)
		reply_json(req, code, ok);
	else {
		json_decref(ok);
		reply_status_of(req, st == ST_OK ? ST_DB : st, fe);
	}
	ferr_release(fe);
	return 0;
}
