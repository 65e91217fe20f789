/* accounts_api.c — /api/v1/users, /departments, /roles. */
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "org.h"
#include "../../http/export.h"
#include "../../lib/jsonw.h"
#include "../../store/query.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200

static const char *const employment_types[] = { "regular",   "contract",   "dispatched",
						"part_time", "contractor", NULL };
static const char *const locales[] = { "ja", "en", NULL };
static const char *const statuses[] = { "active", "disabled", NULL };
static const char *const encodings[] = { "utf-8", "cp932", NULL };

/* --- users -------------------------------------------------------------------------------- */

static char *like_pattern(struct req *req, const char *q)
{
	struct buf b = BUF_INIT;
	buf_addch(&b, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addch(&b, '\\');
		buf_addch(&b, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
	}
	buf_addch(&b, '%');
	char *s = arena_strdup(&req->arena, b.buf);
	buf_release(&b);
	return s;
}

/* Adds the list's filters to q; returns how many it added. */
static int user_filters(struct req *req, struct query *q)
{
	const char *v;
	int n = 0;
	query_add(q, "WHERE 1 = 1", NULL, 0);
	if ((v = req_query(req, "q"))) {
		char *pat = like_pattern(req, v);
		query_add(q,
			  "AND (u.login_key LIKE ? ESCAPE '\\' OR lower(u.name) LIKE ? ESCAPE '\\' "
			  "OR lower(u.email) LIKE ? ESCAPE '\\')",
			  P(V_TEXT(pat), V_TEXT(pat), V_TEXT(pat)));
		n++;
	}
	if ((v = req_query(req, "department_id"))) {
		query_add(q, "AND u.department_id = ?", P(V_INT(strtoll(v, NULL, 10))));
		n++;
	}
	if ((v = req_query(req, "employment_type"))) {
		query_add(q, "AND u.employment_type = ?", P(V_TEXT(v)));
		n++;
	}
	if ((v = req_query(req, "status"))) {
		query_add(q, "AND u.status = ?", P(V_TEXT(v)));
		n++;
	}
	if ((v = req_query(req, "role"))) {
		query_add(
			q,
			"AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id "
			"WHERE ur.user_id = u.id AND r.name = ?)",
			P(V_TEXT(v)));
		n++;
	}
	return n;
}

static void user_row_write(struct jsonw *w, struct dbrows *r, void *roles)
{
	user_write(w, r, roles);
}

/* The page's conditions after "FROM users u": the filters, the cursor, the order and the
 * limit (one more row than the page, to tell whether there is a next one). Returns how many
 * filters it added. */
static int page_where(struct req *req, struct query *q, int64_t cursor, int64_t limit)
{
	int filters = user_filters(req, q);
	if (cursor)
		query_add(q, "AND u.id > ?", P(V_INT(cursor)));
	query_add(q, "ORDER BY u.id LIMIT ?", P(V_INT(limit + 1)));
	return filters;
}

/* Writes the page of users after `cursor` into the open object w ("items", "next_cursor"). */
static int users_page(struct req *req, struct jsonw *w, int64_t cursor, int64_t limit)
{
	struct query page, q;
	struct dbrows rr, r;
	struct user_roles roles;
	query_init(&page, user_list_head);
	bool filtered = page_where(req, &page, cursor, limit) > 0;
	/* The page, sent ahead, then the roles of its users (see user_roles_run): on PostgreSQL
	 * the session's statement, the page and the roles are one round trip. */
	int rc = query_run_ahead(req->db, &page, &r);
	query_release(&page);
	if (rc)
		return -1;
	query_init(&q, user_roles_head);
	if (filtered) {
		query_add(&q, "ur.user_id IN (SELECT u.id FROM users u", NULL, 0);
		page_where(req, &q, cursor, limit);
		query_add(&q, ")", NULL, 0);
	} else {
		/* Unfiltered, the page is every user after the cursor up to the (limit + 1)th: a
		 * range of the primary key, read without the temporary index that IN (SELECT …)
		 * builds (docs/operations.md, "Where a request's time goes"). */
		query_add(&q,
			  "ur.user_id > ? AND ur.user_id <= coalesce((SELECT u.id FROM users u "
			  "WHERE u.id > ? ORDER BY u.id LIMIT 1 OFFSET ?), 9223372036854775807)",
			  P(V_INT(cursor), V_INT(cursor), V_INT(limit)));
	}
	rc = user_roles_run(req->db, &q, &rr);
	query_release(&q);
	if (user_roles_read(&rr, &req->arena, &roles) || rc) {
		db_rows_free(&r);
		return -1;
	}
	return query_write_page(w, &r, limit, user_row_write, &roles);
}

static int users_list(struct req *req)
{
	int64_t limit = PAGE_DEFAULT, cursor = 0;
	struct buf out = BUF_INIT;
	struct jsonw w;
	limit = req_query_int(req, "limit", limit, PAGE_MAX);
	cursor = req_query_int(req, "cursor", cursor, INT64_MAX);
	buf_grow(&out, (size_t)limit * 512); /* a user is about 500 bytes of JSON */
	jw_init(&w, &out);
	jw_object(&w);
	if (users_page(req, &w, cursor, limit)) {
		buf_release(&out);
		return -1;
	}
	jw_object_end(&w);
	return reply_buf(req, 200, &out);
}

/* The filtered list as rows for reply_export (roles joined by spaces). */
static int users_export(struct req *req)
{
	enum export_format fmt = export_format_of(req);
	static const char *const cols[] = { "id",
					    "login",
					    "name",
					    "email",
					    "department_name",
					    "manager_name",
					    "employment_type",
					    "dispatch_agency",
					    "roles",
					    "purpose",
					    "valid_until",
					    "status",
					    "mfa_enabled",
					    "last_login_at",
					    "created_at" };
	json_t *headers =
		json_pack("[s,s,s,s,s,s,s,s,s,s,s,s,s,s,s]", "ID", "ログインID", "氏名", "メール",
			  "部署", "上長", "雇用区分", "派遣元", "ロール", "利用目的", "利用期限",
			  "状態", "二段階認証", "最終ログイン", "作成日時");
	json_t *rows = json_array();
	int64_t cursor = 0;
	bool more = true;
	int rc = -1;
	while (more) {
		struct buf page = BUF_INIT;
		struct jsonw w;
		jw_init(&w, &page);
		jw_object(&w);
		int failed = users_page(req, &w, cursor, 1000);
		jw_object_end(&w);
		json_t *obj = failed ? NULL : json_loadb(page.buf, page.len, 0, NULL);
		buf_release(&page);
		json_t *items = json_incref(json_object_get(obj, "items"));
		more = json_is_string(json_object_get(obj, "next_cursor"));
		json_decref(obj);
		if (!items)
			goto out;
		size_t i;
		json_t *u;
		json_array_foreach(items, i, u)
		{
			json_t *row = json_array();
			for (size_t c = 0; c < ARRAY_SIZE(cols); c++) {
				json_t *v = json_object_get(u, cols[c]);
				if (json_is_array(v)) {
					struct buf joined = BUF_INIT;
					size_t k;
					json_t *e;
					json_array_foreach(v, k, e)
					{
						if (k)
							buf_addch(&joined, ' ');
						buf_adds(&joined, json_string_value(e));
					}
					json_array_append_new(row, json_string(joined.buf));
					buf_release(&joined);
				} else {
					json_array_append(row, v ? v : json_null());
				}
			}
			json_array_append_new(rows, row);
			cursor = json_integer_value(json_object_get(u, "id"));
		}
		json_decref(items);
	}
	rc = reply_export(req, fmt, "users", headers, rows);
out:
	json_decref(headers);
	json_decref(rows);
	return rc;
}

static int users_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	char password[15];
	enum status st = user_create(req->app, req->db, &who, req->json, NULL, &id, password, &fe);
	json_t *body = NULL;
	if (st == ST_OK) {
		json_t *u = user_json(req->db, id);
		if (u)
			body = json_pack("{s:o,s:s}", "user", u, "initial_password", password);
	}
	return reply_outcome(req, st, &fe, 201, body);
}

static int users_show(struct req *req)
{
	json_t *u = user_json(req->db, req_param_int(req, "id"));
	if (!u)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, u);
}

static int users_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = user_update(req->app, req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? user_json(req->db, id) : NULL);
}

static int users_activate(struct req *req, bool active)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = user_set_active(req->db, &who, id, active, NULL, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? user_json(req->db, id) : NULL);
}

static int users_disable(struct req *req)
{
	return users_activate(req, false);
}

static int users_enable(struct req *req)
{
	return users_activate(req, true);
}

static int users_reset(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	char password[15];
	enum status st =
		user_reset_password(req->db, &who, req_param_int(req, "id"), password, &fe);
	return reply_outcome(req, st, &fe, 200,
			     st == ST_OK ? json_pack("{s:s}", "initial_password", password) : NULL);
}

/* --- imports ----------------------------------------------------------------------------- */

/* ?dry_run= (default: a dry run) and ?encoding= (default: detect) of an import. */
static void import_options(struct req *req, bool *dry_run, enum csv_encoding *enc)
{
	const char *v = req_query(req, "dry_run");
	*dry_run = !v || !strcmp(v, "1") || !strcmp(v, "true");
	if (csv_encoding_parse(req_query(req, "encoding"), enc))
		*enc = CSV_AUTO;
}

/* The result (200); 422 "import_rows" with the same body when a real import found rows to
 * correct (nothing was stored); or the file's own problem. */
static int import_answer(struct req *req, enum status st, struct account_import_result *res,
			 struct ferrors *fe)
{
	if (st != ST_OK) {
		reply_status_of(req, st, fe);
	} else if (!res->dry_run && res->error_count) {
		json_t *body = account_import_json(res);
		json_object_set_new(body, "type",
				    json_string("https://mamori.invalid/problems/import_rows"));
		json_object_set_new(body, "title", json_string("Some rows need attention"));
		json_object_set_new(body, "status", json_integer(422));
		json_object_set_new(body, "code", json_string("import_rows"));
		json_object_set_new(body, "detail",
				    json_string("Nothing was imported. Correct the rows listed and "
						"import the file again."));
		reply_json(req, 422, body);
		req->content_type = "application/problem+json; charset=utf-8";
	} else {
		reply_json(req, 200, account_import_json(res));
	}
	ferr_release(fe);
	account_import_release(res);
	return 0;
}

static int users_import(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct account_import_result res;
	bool dry_run;
	enum csv_encoding enc;
	import_options(req, &dry_run, &enc);
	enum status st = users_import_csv(req->app, req->db, &who, req->body.buf, req->body.len,
					  enc, dry_run, &res, &fe);
	return import_answer(req, st, &res, &fe);
}

static int departments_import(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct account_import_result res;
	bool dry_run;
	enum csv_encoding enc;
	import_options(req, &dry_run, &enc);
	enum status st = departments_import_csv(req->db, &who, req->body.buf, req->body.len, enc,
						dry_run, &res, &fe);
	return import_answer(req, st, &res, &fe);
}

/* --- departments and roles ---------------------------------------------------------------- */

static int departments_index(struct req *req)
{
	json_t *items = departments_list(req->db);
	return items ? reply_json(req, 200, json_pack("{s:o}", "items", items)) : -1;
}

static int departments_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = department_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? department_json(req->db, id) : NULL);
}

static int departments_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = department_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? department_json(req->db, id) : NULL);
}

static int roles_index(struct req *req)
{
	json_t *items = roles_list(req->db);
	return items ? reply_json(req, 200, json_pack("{s:o}", "items", items)) : -1;
}

static int roles_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = role_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? role_json(req->db, id) : NULL);
}

static int roles_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = role_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? role_json(req->db, id) : NULL);
}

/* --- schemas and routes ------------------------------------------------------------------- */

const struct field user_create_schema[] = {
	{ "login", FT_STRING, F_REQUIRED, .min = 1, .max = 64 },
	{ "name", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "email", FT_STRING, F_NULLABLE, .max = 254 },
	{ "department_id", FT_ID, F_NULLABLE },
	{ "manager_id", FT_ID, F_NULLABLE },
	{ "employment_type", FT_ENUM, F_REQUIRED, .choices = employment_types },
	{ "dispatch_agency", FT_STRING, F_NULLABLE, .max = 100 },
	{ "roles", FT_STRARRAY, 0, .max = 32 },
	{ "purpose", FT_TEXT, F_REQUIRED, .min = 1, .max = 500 },
	{ "valid_until", FT_DATE, F_NULLABLE },
	{ "locale", FT_ENUM, 0, .choices = locales },
	{ 0 }
};

static const struct field user_patch_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "name", FT_STRING, 0, .min = 1, .max = 100 },
	{ "email", FT_STRING, F_NULLABLE, .max = 254 },
	{ "department_id", FT_ID, F_NULLABLE },
	{ "manager_id", FT_ID, F_NULLABLE },
	{ "employment_type", FT_ENUM, 0, .choices = employment_types },
	{ "dispatch_agency", FT_STRING, F_NULLABLE, .max = 100 },
	{ "roles", FT_STRARRAY, 0, .max = 32 },
	{ "purpose", FT_TEXT, 0, .min = 1, .max = 500 },
	{ "valid_until", FT_DATE, F_NULLABLE },
	{ "locale", FT_ENUM, 0, .choices = locales },
	{ 0 }
};

static const struct field user_list_query[] = { { "q", FT_STRING, 0, .max = 100 },
						{ "department_id", FT_ID, 0 },
						{ "role", FT_STRING, 0, .max = 32 },
						{ "employment_type", FT_ENUM, 0,
						  .choices = employment_types },
						{ "status", FT_ENUM, 0, .choices = statuses },
						{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
						{ "cursor", FT_ID, 0 },
						{ 0 } };

static const struct field user_export_query[] = {
	{ "q", FT_STRING, 0, .max = 100 },
	{ "department_id", FT_ID, 0 },
	{ "role", FT_STRING, 0, .max = 32 },
	{ "employment_type", FT_ENUM, 0, .choices = employment_types },
	{ "status", FT_ENUM, 0, .choices = statuses },
	{ "encoding", FT_ENUM, 0, .choices = encodings },
	{ "unmappable", FT_ENUM, 0, .choices = export_unmappable },
	{ 0 }
};

static const struct field user_list_query_xlsx[] = { { "q", FT_STRING, 0, .max = 100 },
						     { "department_id", FT_ID, 0 },
						     { "role", FT_STRING, 0, .max = 32 },
						     { "employment_type", FT_ENUM, 0,
						       .choices = employment_types },
						     { "status", FT_ENUM, 0, .choices = statuses },
						     { 0 } };

static const char *const import_encodings[] = { "auto", "utf-8", "cp932", NULL };
static const char *const flags[] = { "0", "1", "true", "false", NULL };
static const struct field import_query[] = { { "dry_run", FT_ENUM, 0, .choices = flags },
					     { "encoding", FT_ENUM, 0,
					       .choices = import_encodings },
					     { 0 } };

const struct field department_create_schema[] = { { "name", FT_STRING, F_REQUIRED, .min = 1,
						    .max = 100 },
						  { "code", FT_STRING, F_NULLABLE, .max = 32 },
						  { "manager_id", FT_ID, F_NULLABLE },
						  { "deputy_id", FT_ID, F_NULLABLE },
						  { 0 } };

static const struct field department_patch_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "name", FT_STRING, 0, .min = 1, .max = 100 },
	{ "code", FT_STRING, F_NULLABLE, .max = 32 },
	{ "manager_id", FT_ID, F_NULLABLE },
	{ "deputy_id", FT_ID, F_NULLABLE },
	{ 0 }
};

static const struct field role_create_schema[] = {
	{ "name", FT_STRING, F_REQUIRED, .min = 2, .max = 32 },
	{ "label_ja", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "label_en", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "permissions", FT_STRARRAY, F_REQUIRED, .max = 64 },
	{ "privileged", FT_BOOL, 0 },
	{ "mfa_required", FT_BOOL, 0 },
	{ 0 }
};

static const struct field role_patch_schema[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "name", FT_STRING, 0, .min = 2, .max = 32 },
	{ "label_ja", FT_STRING, 0, .min = 1, .max = 100 },
	{ "label_en", FT_STRING, 0, .min = 1, .max = 100 },
	{ "permissions", FT_STRARRAY, 0, .max = 64 },
	{ "privileged", FT_BOOL, 0 },
	{ "mfa_required", FT_BOOL, 0 },
	{ 0 }
};

static const struct route routes[] = {
	{ "GET", "/api/v1/users", "users.read", users_list, .query = user_list_query },
	{ "GET", "/api/v1/users.csv", "users.read", users_export, .query = user_export_query,
	  .arg = &export_as_csv },
	{ "GET", "/api/v1/users.xlsx", "users.read", users_export, .query = user_list_query_xlsx,
	  .arg = &export_as_xlsx },
	{ "POST", "/api/v1/users", "users.write", users_create, .body = user_create_schema },
	{ "POST", "/api/v1/users/import", "users.write", users_import, .query = import_query,
	  .flags = R_RAW_BODY },
	{ "GET", "/api/v1/users/{id:int}", "users.read", users_show },
	{ "PATCH", "/api/v1/users/{id:int}", "users.write", users_patch,
	  .body = user_patch_schema },
	{ "POST", "/api/v1/users/{id:int}/disable", "users.write", users_disable },
	{ "POST", "/api/v1/users/{id:int}/enable", "users.write", users_enable },
	{ "POST", "/api/v1/users/{id:int}/reset-password", "users.write", users_reset },
	{ "GET", "/api/v1/departments", "departments.read", departments_index },
	{ "POST", "/api/v1/departments", "departments.write", departments_create,
	  .body = department_create_schema },
	{ "POST", "/api/v1/departments/import", "departments.write", departments_import,
	  .query = import_query, .flags = R_RAW_BODY },
	{ "PATCH", "/api/v1/departments/{id:int}", "departments.write", departments_patch,
	  .body = department_patch_schema },
	{ "GET", "/api/v1/roles", "roles.read", roles_index },
	{ "POST", "/api/v1/roles", "roles.write", roles_create, .body = role_create_schema },
	{ "PATCH", "/api/v1/roles/{id:int}", "roles.write", roles_patch,
	  .body = role_patch_schema },
};

const struct route_table accounts_routes = { routes, ARRAY_SIZE(routes) };
