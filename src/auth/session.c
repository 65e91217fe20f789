/* session.c — cookie tokens stored as hashes, timeouts, the principal of a request. */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "../http/http.h"
#include "../lib/crypto.h"
#include "../lib/log.h"
#include "../lib/timeutil.h"
#include "../modules/settings/settings.h"

#define TOUCH_EVERY 15 /* seconds between last_seen updates */

/* Role flags and the distinct permissions of p->id, from one query. */
static int load_roles(struct req *req, struct principal *p, bool *privileged)
{
	struct dbrows r;
	size_t n = 0, cap = 16;
	const char **perms = arena_alloc(&req->arena, cap * sizeof(*perms));
	*privileged = false;
	p->mfa_required = false;
	if (db_query(req->db, &r,
		     "SELECT r.privileged, r.mfa_required, rp.permission FROM user_roles ur "
		     "JOIN roles r ON r.id = ur.role_id LEFT JOIN role_permissions rp ON "
		     "rp.role_id = r.id WHERE ur.user_id = ? ORDER BY rp.permission",
		     P(V_INT(p->id))))
		return -1;
	while (db_next(&r)) {
		*privileged |= db_int(&r, 0) != 0;
		p->mfa_required |= db_int(&r, 1) != 0;
		const char *perm = db_text(&r, 2);
		if (!perm || (n && !strcmp(perms[n - 1], perm)))
			continue;
		if (n + 1 >= cap) {
			const char **bigger = arena_alloc(&req->arena, 2 * cap * sizeof(*perms));
			memcpy(bigger, perms, n * sizeof(*perms));
			perms = bigger;
			cap *= 2;
		}
		perms[n++] = arena_strdup(&req->arena, perm);
	}
	perms[n] = NULL;
	p->perms = perms;
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* Fills the principal's roles, permissions and idle timeout (user fields already set). */
static int finish_principal(struct req *req, struct principal *p)
{
	bool privileged;
	struct settings s;
	if (load_roles(req, p, &privileged) || settings_get(req->app, req->db, &s))
		return -1;
	p->idle_timeout_s = 60 * (privileged ? s.idle_timeout_privileged_min : s.idle_timeout_min);
	return 0;
}

#define PRINCIPAL_COLUMNS "u.login, u.name, u.department_id, u.must_change_password, u.mfa_enabled"

/* Reads PRINCIPAL_COLUMNS starting at column `c`. */
static void principal_fields(struct req *req, struct principal *p, struct dbrows *r, int c)
{
	p->login = arena_strdup(&req->arena, db_text(r, c));
	p->name = arena_strdup(&req->arena, db_text(r, c + 1));
	p->department_id = db_int(r, c + 2);
	p->must_change_password = db_int(r, c + 3) != 0;
	p->mfa_enabled = db_int(r, c + 4) != 0;
}

int principal_load(struct req *req, int64_t user_id, struct principal **out)
{
	struct principal *p = arena_alloc(&req->arena, sizeof(*p));
	struct dbrows r;
	p->id = user_id;
	if (db_query(req->db, &r, "SELECT " PRINCIPAL_COLUMNS " FROM users u WHERE u.id = ?",
		     P(V_INT(user_id))))
		return -1;
	bool found = db_next(&r);
	if (found)
		principal_fields(req, p, &r, 0);
	db_rows_free(&r);
	if (!found || finish_principal(req, p))
		return -1;
	*out = p;
	return 0;
}

const char *session_cookie(struct req *req)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
}

enum sess_result session_confirm(struct req *req)
{
	UNUSED(req);
	return SESS_OK;
}

enum sess_result session_load(struct req *req, bool speculate)
{
	UNUSED(speculate);
	const char *token = session_cookie(req);
	if (!token || strlen(token) < 40 || strlen(token) > 64)
		return SESS_NONE;
	char hash[65];
	token_hash(token, hash);
	struct dbrows r;
	if (db_query(req->db, &r,
		     "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, "
		     "u.status, " PRINCIPAL_COLUMNS
		     " FROM sessions s JOIN users u ON u.id = s.user_id "
		     "WHERE s.token_hash = ?",
		     P(V_TEXT(hash))))
		return SESS_DB;
	if (!db_next(&r)) {
		int failed = r.failed;
		db_rows_free(&r);
		return failed ? SESS_DB : SESS_NONE;
	}
	struct principal *p = arena_alloc(&req->arena, sizeof(*p));
	p->id = db_int(&r, 0);
	const char *csrf = arena_strdup(&req->arena, db_text(&r, 1));
	int64_t created = db_int(&r, 2), seen = db_int(&r, 3);
	bool active = !strcmp(db_text(&r, 4), "active");
	principal_fields(req, p, &r, 5);
	db_rows_free(&r);

	struct settings s;
	if (finish_principal(req, p) || settings_get(req->app, req->db, &s))
		return SESS_DB;
	int64_t now = now_unix();
	if (!active || now - seen > p->idle_timeout_s ||
	    now - created > (int64_t)s.session_absolute_hours * 3600) {
		db_exec(req->db, "DELETE FROM sessions WHERE token_hash = ?", P(V_TEXT(hash)));
		return SESS_EXPIRED;
	}
	p->touch_due = now - seen >= TOUCH_EVERY;
	p->session_hash = arena_strdup(&req->arena, hash);
	p->csrf_token = csrf;
	req->user = p;
	return SESS_OK;
}

void session_touch(struct req *req)
{
	if (!req->user || !req->user->touch_due || !req->user->session_hash)
		return;
	/* Reads go on when the disk is full or read-only: the idle clock then simply runs on. */
	if (db_exec(req->db, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
		    P(V_INT(now_unix()), V_TEXT(req->user->session_hash))))
		log_error("cannot record session activity: %s", db_errmsg(req->db));
}

int session_create(struct req *req, int64_t user_id, const char **csrf)
{
	char *token = random_token(32), *csrf_token = random_token(32);
	char hash[65];
	token_hash(token, hash);
	int64_t now = now_unix();
	int rc = db_exec(req->db,
			 "INSERT INTO sessions (token_hash, user_id, csrf_token, ip, created_at, "
			 "last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
			 P(V_TEXT(hash), V_INT(user_id), V_TEXT(csrf_token), V_TEXT(req->ip),
			   V_INT(now), V_INT(now)));
	if (rc == 0) {
		req->set_cookie = arena_printf(
			&req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", SESSION_COOKIE,
			token, req->app->secure_cookies ? "; Secure" : "");
		*csrf = arena_strdup(&req->arena, csrf_token);
	}
	free(token);
	free(csrf_token);
	return rc;
}

int session_destroy(struct req *req)
{
	req->set_cookie =
		arena_printf(&req->arena, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
			     SESSION_COOKIE, req->app->secure_cookies ? "; Secure" : "");
	if (!req->user || !req->user->session_hash)
		return 0;
	return db_exec(req->db, "DELETE FROM sessions WHERE token_hash = ?",
		       P(V_TEXT(req->user->session_hash)));
}

int session_end_user(struct db *db, int64_t user_id, const char *keep_hash)
{
	return db_exec(db, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
		       P(V_INT(user_id), V_TEXT(keep_hash ? keep_hash : "")));
}
