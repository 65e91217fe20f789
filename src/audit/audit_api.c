/* audit_api.c — reading, exporting and verifying the audit trail over HTTP. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "../http/http.h"
#include "../http/export.h"
#include "../lib/timeutil.h"
#include "../modules/core.h"
#include "../store/query.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200

/* Who may learn the actor of a sealed event (an anonymous near-miss report): the officers who
 * handle incidents and may know the reporter anyway; everyone else sees 「（匿名）」. */
/* Who may learn the reporter of an anonymous near-miss from the trail: those who handle
 * incidents (the privacy officer may need to ask) — but not those who administer accounts
 * (users.write), even when they also handle incidents: the built-in administrator holds every
 * permission, and the subset rule means no permission can be kept from it. An administrator
 * could still make an officer account and sign in as it; that is an audited user.create. */
#define PERM_SEES_ANONYMOUS       "incidents.manage"
#define PERM_NEVER_SEES_ANONYMOUS "users.write"

static const unsigned char *open_key(struct req *req)
{
	return req_can(req, PERM_SEES_ANONYMOUS) && !req_can(req, PERM_NEVER_SEES_ANONYMOUS)
		       ? req->app->master_key
		       : NULL;
}

/* WHERE clause from the filters shared by the list and the export. */
static void filters(struct req *req, struct query *q)
{
	const char *v;
	int64_t t;
	query_add(q, "WHERE 1 = 1", NULL, 0);
	if ((v = req_query(req, "actor")))
		query_add(q, "AND actor_login = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "actor_id")))
		query_add(q, "AND actor_id = ?", P(V_INT(strtoll(v, NULL, 10))));
	if ((v = req_query(req, "action"))) {
		size_t n = strlen(v);
		if (n > 1 && v[n - 1] == '*') { /* "user.*": every action of that kind */
			struct buf pat = BUF_INIT;
			for (size_t i = 0; i + 1 < n; i++) {
				if (v[i] == '%' || v[i] == '_' || v[i] == '\\')
					buf_addch(&pat, '\\');
				buf_addch(&pat, v[i]);
			}
			buf_addch(&pat, '%');
			query_add(q, "AND action LIKE ? ESCAPE '\\'",
				  P(V_TEXT(arena_strdup(&req->arena, pat.buf))));
			buf_release(&pat);
		} else {
			query_add(q, "AND action = ?", P(V_TEXT(v)));
		}
	}
	if ((v = req_query(req, "object_type")))
		query_add(q, "AND object_type = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "object_id")))
		query_add(q, "AND object_id = ?", P(V_INT(strtoll(v, NULL, 10))));
	if ((v = req_query(req, "from")) && time_parse_rfc3339(v, &t) == 0)
		query_add(q, "AND at >= ?", P(V_INT(t)));
	if ((v = req_query(req, "to")) && time_parse_rfc3339(v, &t) == 0)
		query_add(q, "AND at < ?", P(V_INT(t)));
}

static int events_list(struct req *req)
{
	struct query q;
	struct dbrows r;
	int64_t limit = PAGE_DEFAULT, cursor = 0;
	const char *v;
	if ((v = req_query(req, "limit")))
		parse_i64(v, 1, PAGE_MAX, &limit);
	if ((v = req_query(req, "cursor")))
		parse_i64(v, 1, INT64_MAX, &cursor);
	query_init(&q, "SELECT " AUDIT_COLUMNS " FROM audit_events");
	filters(req, &q);
	if (cursor)
		query_add(&q, "AND seq < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY seq DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	json_t *items = json_array();
	int64_t last = 0, n = 0;
	bool more = false;
	while (db_next(&r)) {
		if (n == limit) {
			more = true;
			break;
		}
		last = db_int(&r, 0);
		json_array_append_new(items, audit_row_view(&r, open_key(req)));
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return -1;
	}
	return reply_json(
		req, 200,
		json_pack("{s:o,s:o}", "items", items, "next_cursor",
			  more ? json_string(arena_printf(&req->arena, "%lld", (long long)last))
			       : json_null()));
}

static int event_show(struct req *req)
{
	struct dbrows r;
	if (db_query(req->db, &r, "SELECT " AUDIT_COLUMNS " FROM audit_events WHERE seq = ?",
		     P(V_INT(req_param_int(req, "seq")))))
		return -1;
	if (!db_next(&r)) {
		int failed = r.failed;
		db_rows_free(&r);
		return failed ? -1 : reply_status_of(req, ST_NOT_FOUND, NULL);
	}
	json_t *e = audit_row_view(&r, open_key(req));
	db_rows_free(&r);
	return reply_json(req, 200, e);
}

static int events_export(struct req *req, enum export_format fmt)
{
	struct query q;
	struct dbrows r;
	query_init(&q, "SELECT " AUDIT_COLUMNS " FROM audit_events");
	filters(req, &q);
	query_add(&q, "ORDER BY seq", NULL, 0);
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	/* Japanese headings, as every other export; the values stay the trail's own (action and
	 * object keys as recorded, so that the file can be checked against the chain). */
	json_t *headers = json_pack("[s,s,s,s,s,s,s,s,s,s,s]", "連番", "日時", "操作者ID",
				    "操作者のログインID", "IPアドレス", "操作", "対象の種類",
				    "対象ID", "内容", "前のハッシュ", "ハッシュ");
	json_t *rows = json_array();
	while (db_next(&r)) {
		json_t *e = audit_row_view(&r, open_key(req));
		bool anonymous = json_is_true(json_object_get(e, "anonymous"));
		const char *login = json_string_value(json_object_get(e, "actor_login"));
		char *sum = anonymous ? json_dumps(json_object_get(e, "summary"),
						   JSON_COMPACT | JSON_SORT_KEYS)
				      : NULL;
		json_array_append_new(
			rows,
			json_pack("[I,O,I,s,O,O,O,I,s,O,O]", (json_int_t)db_int(&r, 0),
				  json_object_get(e, "at"),
				  json_integer_value(json_object_get(e, "actor_id")),
				  login ? login : (anonymous ? AUDIT_ANONYMOUS : ""),
				  json_object_get(e, "ip"), json_object_get(e, "action"),
				  json_object_get(e, "object_type"), (json_int_t)db_int(&r, 7),
				  sum ? sum : (db_text(&r, 8) ? db_text(&r, 8) : ""),
				  json_object_get(e, "prev_hash"), json_object_get(e, "hash")));
		free(sum);
		json_decref(e);
	}
	int failed = r.failed;
	db_rows_free(&r);
	rc = failed ? -1 : reply_export(req, fmt, "audit_events", headers, rows);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

static int events_csv(struct req *req)
{
	return events_export(req, EXPORT_CSV);
}

static int events_xlsx(struct req *req)
{
	return events_export(req, EXPORT_XLSX);
}

static int chain_verify(struct req *req)
{
	struct audit_verdict v;
	if (audit_verify(req->db, 0, NULL, &v))
		return -1;
	json_t *o = json_pack("{s:b,s:I,s:{s:I,s:s},s:I}", "intact", v.intact, "count",
			      (json_int_t)v.count, "head", "seq", (json_int_t)v.head_seq, "hash",
			      v.head_hash, "keyed_from", (json_int_t)v.keyed_from);
	json_object_set_new(o, "first_bad",
			    v.intact ? json_null()
				     : json_pack("{s:I,s:s}", "seq", (json_int_t)v.bad_seq,
						 "reason", v.reason));
	return reply_json(req, 200, o);
}

/* The head as recorded now, for operators to note somewhere else (`verify --expect-head`). */
static int chain_head(struct req *req)
{
	int64_t seq;
	char hash[AUDIT_HASH_HEX];
	if (audit_head(req->db, &seq, hash))
		return -1;
	return reply_json(req, 200,
			  json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)seq, "hash", hash,
				    "expect_head",
				    arena_printf(&req->arena, "%lld:%s", (long long)seq, hash)));
}

static const char *const encodings[] = { "utf-8", "cp932", NULL };

static const struct field filter_query[] = { { "actor", FT_STRING, 0, .max = 64 },
					     { "actor_id", FT_ID, 0 },
					     { "action", FT_STRING, 0, .max = 64 },
					     { "object_type", FT_STRING, 0, .max = 64 },
					     { "object_id", FT_ID, 0 },
					     { "from", FT_TIME, 0 },
					     { "to", FT_TIME, 0 },
					     { "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
					     { "cursor", FT_ID, 0 },
					     { 0 } };

static const struct field export_query[] = { { "actor", FT_STRING, 0, .max = 64 },
					     { "actor_id", FT_ID, 0 },
					     { "action", FT_STRING, 0, .max = 64 },
					     { "object_type", FT_STRING, 0, .max = 64 },
					     { "object_id", FT_ID, 0 },
					     { "from", FT_TIME, 0 },
					     { "to", FT_TIME, 0 },
					     { "encoding", FT_ENUM, 0, .choices = encodings },
					     { 0 } };

static const struct field filter_query_xlsx[] = { { "actor", FT_STRING, 0, .max = 64 },
						  { "actor_id", FT_ID, 0 },
						  { "action", FT_STRING, 0, .max = 64 },
						  { "object_type", FT_STRING, 0, .max = 64 },
						  { "object_id", FT_ID, 0 },
						  { "from", FT_TIME, 0 },
						  { "to", FT_TIME, 0 },
						  { 0 } };

static const struct route routes[] = {
	{ "GET", "/api/v1/audit/events", "audit.read", events_list, .query = filter_query },
	{ "GET", "/api/v1/audit/events.csv", "audit.export", events_csv, .query = export_query },
	{ "GET", "/api/v1/audit/events.xlsx", "audit.export", events_xlsx,
	  .query = filter_query_xlsx },
	{ "GET", "/api/v1/audit/events/{seq:int}", "audit.read", event_show },
	{ "POST", "/api/v1/audit/verify", "audit.read", chain_verify },
	{ "GET", "/api/v1/audit/head", "audit.read", chain_head },
};

const struct route_table audit_routes = { routes, ARRAY_SIZE(routes) };
