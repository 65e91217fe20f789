/*
 * session_api.c — signing in and out, and the signed-in user's own account:
 * /api/v1/session, /api/v1/me, /api/v1/me/password, /api/v1/me/mfa.
 *
 * Sign-in answers the same 401 for an unknown login and a wrong password, and spends the
 * same time on both. Failures in a row (wrong password or wrong code) lock the login for the
 * address they came from for settings.lockout_minutes, and many from everywhere lock the
 * account (auth/throttle.h); while locked even the right password is refused. An account
 * that is disabled or past its valid_until (利用期限) does not sign in. A TOTP step and a
 * recovery code are used once, even by sign-ins sent at the same moment.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accounts.h"
#include "../../auth/password.h"
#include "../../auth/session.h"
#include "../../auth/throttle.h"
#include "../../auth/totp.h"
#include "../../lib/crypto.h"
#include "../../lib/jsonw.h"
#include "../../lib/timeutil.h"
#include "../../settings.h"

static void wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* The signed-in user's own members after the user's: what they may do, and when idle ends. */
static void me_members(struct jsonw *w, void *arg)
{
	const struct principal *p = arg;
	jw_key(w, "permissions");
	jw_array(w);
	for (const char **s = p->perms; s && *s; s++)
		jw_str(w, *s);
	jw_array_end(w);
	jw_key(w, "idle_timeout_s");
	jw_int(w, p->idle_timeout_s);
}

/* The signed-in user as GET /session shows it, written into out. */
static int me_write(struct req *req, const struct principal *p, struct buf *out)
{
	struct jsonw w;
	jw_init(&w, out);
	return user_write_one(req->db, p->id, &w, me_members, (void *)p);
}

/* The same as a tree (sign-in and GET /session wrap it with the CSRF token). */
static json_t *session_user(struct req *req, const struct principal *p)
{
	struct buf out = BUF_INIT;
	json_t *u = me_write(req, p, &out) ? NULL : json_loadb(out.buf, out.len, 0, NULL);
	buf_release(&out);
	return u;
}

/* PATCH /me answers with it straight from the writer: writes are many. */
static int reply_me(struct req *req, const struct principal *p)
{
	struct buf out = BUF_INIT;
	if (me_write(req, p, &out)) {
		buf_release(&out);
		return -1;
	}
	return reply_buf(req, 200, &out);
}

static int reply_session(struct req *req, int64_t user_id, const char *csrf)
{
	struct principal *p;
	json_t *u;
	if (principal_load(req, user_id, &p) || !(u = session_user(req, p)))
		return -1;
	return reply_json(req, 200, json_pack("{s:o,s:s}", "user", u, "csrf_token", csrf));
}

/* What was typed, at most 64 characters, cut between characters (valid UTF-8 already): a cut
 * inside one would make the text invalid and lose the whole summary. */
static json_t *typed_login(const char *login)
{
	size_t n = 0;
	for (int chars = 0; login[n] && chars < 64; chars++)
		do
			n++;
		while (((unsigned char)login[n] & 0xc0) == 0x80);
	return json_stringn(login, n);
}

/* A refused sign-in that counts toward no lock (disabled, expired, a code used twice).
 * `account` is the login of the account tried (NULL when there is none), so that the event
 * is found under that actor; `login` is what was typed. */
static void audit_failure(struct req *req, int64_t user_id, const char *account, const char *login,
			  const char *why)
{
	struct actor who = { user_id, account, req->ip };
	json_t *sum = json_pack("{s:o,s:s}", "login", typed_login(login), "reason", why);
	audit_append_tx(req->db, &who, "session.login_failed", "user", user_id, sum);
	json_decref(sum);
}

/* One attempt of a login from the request's address. */
struct attempt {
	struct req *req;
	struct signin_limits lim;
	char address[SIGNIN_ADDRESS_MAX];
	char key[72];        /* login_key of what was typed */
	const char *login;   /* as typed */
	int64_t id;          /* the account, 0 if none */
	const char *account; /* its login as stored */
};

static int attempt_init(struct req *req, const char *login, struct attempt *a)
{
	struct settings s;
	memset(a, 0, sizeof(*a));
	if (settings_get(req->app, req->db, &s))
		return -1;
	a->req = req;
	a->lim = (struct signin_limits){ s.lockout_threshold, s.lockout_minutes };
	a->login = login;
	signin_address(req->ip, a->address);
	login_key(login, a->key, sizeof(a->key));
	return 0;
}

static int reply_locked(struct req *req)
{
	return reply_problem(req, 401, "account_locked", "Account locked",
			     "Too many failed attempts. Try again later or ask an administrator.");
}

/* 429 for an address over its limit, saying when to come back. */
static int reply_throttled(struct req *req, int64_t retry_after)
{
	json_t *p =
		json_pack("{s:s,s:s,s:i,s:s,s:s,s:I}", "type",
			  "https://mamori.invalid/problems/too_many_attempts", "title",
			  "Too many attempts", "status", 429, "code", "too_many_attempts", "detail",
			  "Too many failed sign-ins from your network. Wait a while and try again.",
			  "retry_after", (json_int_t)retry_after);
	reply_json(req, 429, p);
	req->content_type = "application/problem+json; charset=utf-8";
	return 0;
}

/* An attempt the gate refused before judging it: counted for the coalesced event only. */
static int refuse(struct attempt *a, enum signin_gate why, int64_t retry_after)
{
	if (signin_refused(a->req->db, a->address, why, now_unix()))
		return -1;
	return why == SIGNIN_THROTTLED ? reply_throttled(a->req, retry_after)
				       : reply_locked(a->req);
}

struct failure {
	struct attempt *a;
	const char *reason;
	const char *action; /* the audit action; NULL: session.login_failed */
	bool end_sessions;  /* a signed-in user guessed wrong: locking also signs them out */
	struct signin_count count;
};

static int failure_fn(struct db *db, void *arg)
{
	struct failure *f = arg;
	struct attempt *a = f->a;
	struct actor who = { a->id, a->account, a->req->ip };
	int64_t now = now_unix();
	if (signin_count_failure(db, a->address, a->key, a->id, &a->lim, now, &f->count))
		return -1;
	if (f->count.refused)
		return 0;
	json_t *sum = json_pack("{s:o,s:s}", "login", typed_login(a->login), "reason", f->reason);
	if (a->id)
		json_object_set_new(sum, "consecutive_failures", json_integer(f->count.failures));
	int rc = audit_append(db, &who, f->action ? f->action : "session.login_failed", "user",
			      a->id, sum);
	json_decref(sum);
	if (rc || !a->id || !(f->count.locked || f->count.account_locked))
		return rc;
	if (f->end_sessions && session_end_user(db, a->id, NULL))
		return -1;
	sum = json_pack("{s:i}", "minutes", a->lim.minutes);
	if (f->count.account_locked)
		json_object_set_new(sum, "all_addresses", json_true());
	rc = audit_append(db, &who, "user.locked", "user", a->id, sum);
	json_decref(sum);
	return rc;
}

/* Counts a judged failure and answers 401 (account_locked when this one locks the login for
 * this address, or it was locked while being judged). */
static int fail_attempt(struct attempt *a, const char *reason, const char *code)
{
	struct failure f = { .a = a, .reason = reason };
	if (db_tx(a->req->db, failure_fn, &f))
		return -1;
	if (f.count.refused || f.count.locked || f.count.account_locked)
		return reply_locked(a->req);
	if (!strcmp(code, "invalid_totp"))
		return reply_problem(a->req, 401, "invalid_totp", "Wrong code",
				     "The verification code is wrong or already used.");
	return reply_problem(a->req, 401, "invalid_credentials", "Sign-in failed",
			     "The login id or the password is wrong.");
}

int wrong_own_password(struct req *req, const char *field, const char *action)
{
	struct attempt a;
	if (attempt_init(req, req->user->login, &a))
		return -1;
	a.id = req->user->id;
	a.account = req->user->login;
	struct failure f = {
		.a = &a, .reason = "wrong_password", .action = action, .end_sessions = true
	};
	if (db_tx(req->db, failure_fn, &f))
		return -1;
	if (f.count.refused || f.count.locked || f.count.account_locked) {
		if (f.count.refused && session_end_user(req->db, req->user->id, NULL))
			return -1;
		session_destroy(req); /* clears the cookie; the row is already gone */
		return reply_problem(
			req, 401, "account_locked", "Account locked",
			"Too many wrong passwords. You have been signed out; try again "
			"later or ask an administrator.");
	}
	struct ferrors fe = FERRORS_INIT;
	ferr_add(&fe, field, "wrong_password", "The password is wrong.");
	reply_errors(req, &fe);
	ferr_release(&fe);
	return 0;
}

struct login_ok {
	struct attempt *a;
	int64_t step;        /* TOTP step used, or 0 */
	int64_t recovery_id; /* recovery code used, or 0 */
	const char *method;
	const char *csrf;
	bool locked; /* locked while being judged: refused */
	bool reused; /* the code was used by another sign-in meanwhile */
};

static int login_fn(struct db *db, void *arg)
{
	struct login_ok *l = arg;
	struct attempt *a = l->a;
	struct req *req = a->req;
	int64_t now = now_unix();
	bool ok;
	l->locked = l->reused = false;
	if (signin_succeed(db, a->address, a->key, a->id, now, &ok))
		return -1;
	if (!ok) {
		l->locked = true;
		return -1;
	}
	/* Each code once: the check that it is unused and the record of its use are one
	 * statement, so of several sign-ins with one code exactly one goes on. */
	if (l->step) {
		if (db_exec(db,
			    "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < "
			    "?",
			    P(V_INT(l->step), V_INT(a->id), V_INT(l->step))))
			return -1;
		l->reused = db_changes(db) != 1;
	}
	if (l->recovery_id) {
		if (db_exec(db,
			    "UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at IS "
			    "NULL",
			    P(V_INT(now), V_INT(l->recovery_id))))
			return -1;
		l->reused = db_changes(db) != 1;
	}
	if (l->reused)
		return -1;
	if (db_exec(db, "UPDATE users SET last_login_at = ? WHERE id = ?",
		    P(V_INT(now), V_INT(a->id))))
		return -1;
	/* Rotate: whatever session this browser had ends here. */
	const char *old = session_cookie(req);
	if (old) {
		char h[65];
		token_hash(old, h);
		if (db_exec(db, "DELETE FROM sessions WHERE token_hash = ?", P(V_TEXT(h))))
			return -1;
	}
	if (session_create(req, a->id, &l->csrf))
		return -1;
	struct actor who = { a->id, a->account, req->ip };
	json_t *sum = json_pack("{s:s}", "method", l->method);
	int rc = audit_append(db, &who, "session.login", "user", a->id, sum);
	json_decref(sum);
	return rc;
}

/* Checks a TOTP code or a recovery code for user `id`. 0: accepted (l filled). */
static int second_factor(struct req *req, int64_t id, const char *sealed, int64_t last_step,
			 const char *code, struct login_ok *l)
{
	if (strlen(code) == 6 && strspn(code, "0123456789") == 6) {
		char ctx[48];
		snprintf(ctx, sizeof(ctx), "users.totp_secret:%lld", (long long)id);
		char *secret = crypto_open(req->app->master_key, ctx, sealed, NULL);
		if (!secret)
			return -1;
		int rc = totp_check(secret, code, now_unix(), last_step, &l->step);
		wipe_free(secret);
		l->method = "totp";
		return rc;
	}
	char norm[15], h[65];
	if (!recovery_code_normalise(code, norm))
		return -1;
	token_hash(norm, h);
	bool found;
	if (db_query_int(req->db, &l->recovery_id, &found,
			 "SELECT id FROM recovery_codes WHERE user_id = ? AND code_hash = ? AND "
			 "used_at IS NULL",
			 P(V_INT(id), V_TEXT(h))) ||
	    !found)
		return -1;
	l->method = "recovery_code";
	return 0;
}

/* Sign-in takes JSON only: a form on another site can post text/plain, but not
 * application/json without the browser asking first (login CSRF). */
static bool json_body(struct req *req)
{
	const char *ct = req_header(req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16))
		return false;
	ct += 16;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static int session_create_route(struct req *req)
{
	const char *login = req_str(req, "login"), *password = req_str(req, "password");
	const char *totp = req_str(req, "totp");
	struct attempt a;
	struct dbrows r;
	enum signin_gate gate;
	int64_t retry;
	if (!json_body(req))
		return reply_problem(req, 415, "unsupported_media_type", "JSON only",
				     "Send the sign-in as application/json.");
	if (attempt_init(req, login, &a))
		return -1;
	if (db_query(req->db, &r,
		     "SELECT id, password_hash, status, locked_until, mfa_enabled, totp_secret, "
		     "totp_last_step, login, valid_until FROM users WHERE login_key = ?",
		     P(V_TEXT(a.key))))
		return -1;
	bool known = db_next(&r);
	int failed = r.failed;
	char *hash = NULL, *sealed = NULL, *valid_until = NULL;
	int64_t locked_until = 0, last_step = 0;
	bool active = false, mfa = false;
	if (known) {
		a.id = db_int(&r, 0);
		hash = arena_strdup(&req->arena, db_text(&r, 1));
		active = !strcmp(db_text(&r, 2), "active");
		locked_until = db_int(&r, 3);
		mfa = db_int(&r, 4) != 0;
		sealed = db_text(&r, 5) ? arena_strdup(&req->arena, db_text(&r, 5)) : NULL;
		last_step = db_int(&r, 6);
		a.account = arena_strdup(&req->arena, db_text(&r, 7));
		valid_until = db_text(&r, 8) ? arena_strdup(&req->arena, db_text(&r, 8)) : NULL;
	}
	db_rows_free(&r);
	if (failed)
		return -1;
	if (signin_gate(req->db, a.address, a.key, locked_until, &a.lim, now_unix(), &gate, &retry))
		return -1;
	/* Refused without judging, at once: unknown logins lock like real ones, so a quick
	 * refusal tells nothing, and a flood of them costs no password hashing. */
	if (gate != SIGNIN_OPEN)
		return refuse(&a, gate, retry);
	if (!known) {
		/* The same time as a real check, so that the answer's delay tells nothing. */
		password_verify_dummy(password);
		return fail_attempt(&a, "unknown_login", "invalid_credentials");
	}
	if (!password_verify(hash, password))
		return fail_attempt(&a, "wrong_password", "invalid_credentials");
	char today[11];
	tz_today(today);
	bool expired = valid_until && strcmp(valid_until, today) < 0;
	if (!active || expired) {
		audit_failure(req, a.id, a.account, login, active ? "expired" : "disabled");
		return reply_problem(req, 401, "invalid_credentials", "Sign-in failed",
				     "The login id or the password is wrong.");
	}
	struct login_ok l = { .a = &a, .method = "password" };
	if (mfa) {
		if (!totp)
			return reply_problem(req, 401, "totp_required", "Verification code needed",
					     "Enter the 6-digit code from your authenticator app, "
					     "or a recovery code.");
		if (!sealed || second_factor(req, a.id, sealed, last_step, totp, &l))
			return fail_attempt(&a, "wrong_code", "invalid_totp");
	}
	if (db_tx(req->db, login_fn, &l)) {
		if (l.locked)
			return refuse(&a, SIGNIN_LOCKED, 0);
		if (!l.reused)
			return -1;
		audit_failure(req, a.id, a.account, login, "code_reused");
		return reply_problem(req, 401, "invalid_totp", "Wrong code",
				     "The verification code is wrong or already used.");
	}
	return reply_session(req, a.id, l.csrf);
}

static int session_show(struct req *req)
{
	json_t *u = session_user(req, req->user);
	if (!u)
		return -1;
	return reply_json(req, 200,
			  json_pack("{s:o,s:s}", "user", u, "csrf_token", req->user->csrf_token));
}

static int logout_fn(struct db *db, void *arg)
{
	struct req *req = arg;
	struct actor who = req_actor(req);
	if (session_destroy(req))
		return -1;
	return audit_append(db, &who, "session.logout", "user", req->user->id, NULL);
}

static int session_delete(struct req *req)
{
	if (db_tx(req->db, logout_fn, req))
		return -1;
	return reply_status(req, 204);
}

/* --- the user's own account --------------------------------------------------------------- */

struct pw_change {
	struct req *req;
	const char *hash;
};

static int pw_change_fn(struct db *db, void *arg)
{
	struct pw_change *c = arg;
	struct req *req = c->req;
	struct actor who = req_actor(req);
	if (password_store(db, req->user->id, c->hash, false) ||
	    session_end_user(db, req->user->id, req->user->session_hash))
		return -1;
	return audit_append(db, &who, "password.change", "user", req->user->id, NULL);
}

/* The signed-in user's password hash (arena), or NULL on a database error. */
static char *own_password_hash(struct req *req)
{
	struct dbrows r;
	char *hash = NULL;
	if (db_query(req->db, &r, "SELECT password_hash FROM users WHERE id = ?",
		     P(V_INT(req->user->id))))
		return NULL;
	if (db_next(&r))
		hash = arena_strdup(&req->arena, db_text(&r, 0));
	db_rows_free(&r);
	return hash;
}

static int me_password(struct req *req)
{
	const char *current = req_str(req, "current_password"),
		   *next = req_str(req, "new_password");
	struct ferrors fe = FERRORS_INIT;
	struct settings s;
	bool reused = false;
	char *hash = own_password_hash(req);
	if (!hash || settings_get(req->app, req->db, &s))
		return -1;
	if (!password_verify(hash, current))
		return wrong_own_password(req, "current_password", "password.check_failed");
	password_check_rules(next, req->user->login, s.password_min_length, "new_password", &fe);
	if (!ferr_any(&fe)) {
		if (password_in_history(req->db, req->user->id, next, s.password_history, &reused))
			goto fail;
		if (reused || !strcmp(current, next))
			ferr_add(&fe, "new_password", "password_reused",
				 "Choose a password you have not used recently.");
	}
	if (ferr_any(&fe)) {
		reply_errors(req, &fe);
		ferr_release(&fe);
		return 0;
	}
	char newhash[PASSWORD_HASH_MAX];
	if (password_hash(next, newhash))
		goto fail;
	struct pw_change c = { req, newhash };
	if (db_tx(req->db, pw_change_fn, &c))
		goto fail;
	return reply_status(req, 204);
fail:
	ferr_release(&fe);
	return -1;
}

struct locale_change {
	struct req *req;
	const char *locale;
};

static int locale_fn(struct db *db, void *arg)
{
	struct locale_change *l = arg;
	struct actor who = req_actor(l->req);
	if (db_exec(db,
		    "UPDATE users SET locale = ?, updated_at = ?, version = version + 1 WHERE id = "
		    "?",
		    P(V_TEXT(l->locale), V_INT(now_unix()), V_INT(l->req->user->id))))
		return -1;
	json_t *sum = json_pack("{s:s}", "locale", l->locale);
	int rc = audit_append(db, &who, "user.locale", "user", l->req->user->id, sum);
	json_decref(sum);
	return rc;
}

/* The user's own language: no version check, it is theirs alone and last choice wins. */
static int me_patch(struct req *req)
{
	struct locale_change l = { req, req_str(req, "locale") };
	if (db_tx(req->db, locale_fn, &l))
		return -1;
	return reply_me(req, req->user);
}

struct mfa_op {
	struct req *req;
	const char *sealed;
	int64_t step;
	char codes[RECOVERY_CODES][15];
};

static int mfa_start_fn(struct db *db, void *arg)
{
	struct mfa_op *m = arg;
	struct actor who = req_actor(m->req);
	if (db_exec(db, "UPDATE users SET totp_pending = ? WHERE id = ?",
		    P(V_TEXT(m->sealed), V_INT(m->req->user->id))))
		return -1;
	return audit_append(db, &who, "mfa.enrol_start", "user", m->req->user->id, NULL);
}

static int me_mfa_start(struct req *req)
{
	if (req->user->mfa_enabled)
		return reply_problem(req, 409, "mfa_already_enabled", "Already set up",
				     "Two-step verification is already on. Turn it off first to "
				     "set up a new device.");
	struct settings s;
	if (settings_get(req->app, req->db, &s))
		return -1;
	char *secret = totp_new_secret();
	char ctx[48];
	snprintf(ctx, sizeof(ctx), "users.totp_pending:%lld", (long long)req->user->id);
	char *sealed = crypto_seal(req->app->master_key, ctx, secret, strlen(secret));
	struct mfa_op m = { .req = req, .sealed = sealed };
	int rc = db_tx(req->db, mfa_start_fn, &m);
	free(sealed);
	if (rc) {
		wipe_free(secret);
		return -1;
	}
	char *uri = totp_uri(s.org_name[0] ? s.org_name : "mamori", req->user->login, secret);
	char *svg = qr_svg(uri);
	json_t *body =
		json_pack("{s:s,s:s,s:s?}", "secret", secret, "otpauth_uri", uri, "qr_svg", svg);
	wipe_free(secret);
	free(uri);
	free(svg);
	return reply_json(req, 200, body);
}

static int mfa_confirm_fn(struct db *db, void *arg)
{
	struct mfa_op *m = arg;
	int64_t id = m->req->user->id;
	struct actor who = req_actor(m->req);
	if (db_exec(db,
		    "UPDATE users SET totp_secret = ?, totp_pending = NULL, mfa_enabled = 1, "
		    "totp_last_step = ?, updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_TEXT(m->sealed), V_INT(m->step), V_INT(now_unix()), V_INT(id))) ||
	    db_exec(db, "DELETE FROM recovery_codes WHERE user_id = ?", P(V_INT(id))))
		return -1;
	for (int i = 0; i < RECOVERY_CODES; i++) {
		char h[65];
		recovery_code_new(m->codes[i]);
		token_hash(m->codes[i], h);
		if (db_exec(db, "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)",
			    P(V_INT(id), V_TEXT(h))))
			return -1;
	}
	return audit_append(db, &who, "mfa.enable", "user", id, NULL);
}

static int me_mfa_confirm(struct req *req)
{
	struct dbrows r;
	char *pending = NULL;
	int64_t id = req->user->id;
	if (db_query(req->db, &r, "SELECT totp_pending FROM users WHERE id = ?", P(V_INT(id))))
		return -1;
	if (db_next(&r) && db_text(&r, 0))
		pending = arena_strdup(&req->arena, db_text(&r, 0));
	db_rows_free(&r);
	if (!pending)
		return reply_problem(req, 409, "mfa_not_started", "Nothing to confirm",
				     "Start the set-up first.");
	char ctx[48];
	snprintf(ctx, sizeof(ctx), "users.totp_pending:%lld", (long long)id);
	char *secret = crypto_open(req->app->master_key, ctx, pending, NULL);
	if (!secret)
		return -1;
	struct mfa_op m = { .req = req };
	if (totp_check(secret, req_str(req, "code"), now_unix(), 0, &m.step)) {
		wipe_free(secret);
		struct ferrors fe = FERRORS_INIT;
		ferr_add(&fe, "code", "invalid_totp",
			 "The code does not match. Check the time on your phone and try again.");
		reply_errors(req, &fe);
		ferr_release(&fe);
		return 0;
	}
	snprintf(ctx, sizeof(ctx), "users.totp_secret:%lld", (long long)id);
	char *sealed = crypto_seal(req->app->master_key, ctx, secret, strlen(secret));
	wipe_free(secret);
	m.sealed = sealed;
	int rc = db_tx(req->db, mfa_confirm_fn, &m);
	free(sealed);
	if (rc)
		return -1;
	json_t *codes = json_array();
	for (int i = 0; i < RECOVERY_CODES; i++)
		json_array_append_new(codes, json_string(m.codes[i]));
	sodium_memzero(m.codes, sizeof(m.codes));
	return reply_json(req, 200, json_pack("{s:o}", "recovery_codes", codes));
}

static int mfa_disable_fn(struct db *db, void *arg)
{
	struct req *req = arg;
	struct actor who = req_actor(req);
	int64_t id = req->user->id;
	if (db_exec(db,
		    "UPDATE users SET totp_secret = NULL, totp_pending = NULL, mfa_enabled = 0, "
		    "updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(id))) ||
	    db_exec(db, "DELETE FROM recovery_codes WHERE user_id = ?", P(V_INT(id))))
		return -1;
	return audit_append(db, &who, "mfa.disable", "user", id, NULL);
}

static int me_mfa_disable(struct req *req)
{
	if (req->user->mfa_required)
		return reply_problem(req, 403, "mfa_required", "Required by your role",
				     "Your role requires two-step verification; it cannot be "
				     "turned off.");
	char *hash = own_password_hash(req);
	if (!hash)
		return -1;
	if (!password_verify(hash, req_str(req, "password")))
		return wrong_own_password(req, "password", "password.check_failed");
	if (db_tx(req->db, mfa_disable_fn, req))
		return -1;
	return reply_status(req, 204);
}

static const struct field login_schema[] = {
	{ "login", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "password", FT_STRING, F_REQUIRED, .min = 1, .max = 1024 },
	{ "totp", FT_STRING, 0, .min = 1, .max = 32 },
	{ 0 }
};

static const struct field password_schema[] = {
	{ "current_password", FT_STRING, F_REQUIRED, .min = 1, .max = 1024 },
	{ "new_password", FT_STRING, F_REQUIRED, .min = 1, .max = 1024 },
	{ 0 }
};

static const char *const locales[] = { "ja", "en", NULL };
static const struct field me_schema[] = {
	/* The only field: required even though this is a PATCH (an empty body changes nothing). */
	{ "locale", FT_ENUM, F_REQUIRED | F_ALWAYS, .choices = locales },
	{ 0 }
};

static const struct field code_schema[] = { { "code", FT_STRING, F_REQUIRED, .min = 1, .max = 16 },
					    { 0 } };

static const struct field mfa_off_schema[] = {
	{ "password", FT_STRING, F_REQUIRED, .min = 1, .max = 1024 }, { 0 }
};

static const struct route routes[] = {
	{ "POST", "/api/v1/session", PERM_PUBLIC, session_create_route, .body = login_schema },
	{ "GET", "/api/v1/session", PERM_SIGNED_IN, session_show, .flags = R_BEFORE_GATES },
	{ "DELETE", "/api/v1/session", PERM_SIGNED_IN, session_delete, .flags = R_BEFORE_GATES },
	{ "PATCH", "/api/v1/me", PERM_SIGNED_IN, me_patch, .body = me_schema,
	  .flags = R_BEFORE_GATES },
	{ "POST", "/api/v1/me/password", PERM_SIGNED_IN, me_password, .body = password_schema,
	  .flags = R_BEFORE_GATES },
	{ "POST", "/api/v1/me/mfa", PERM_SIGNED_IN, me_mfa_start, .flags = R_BEFORE_GATES },
	{ "POST", "/api/v1/me/mfa/confirm", PERM_SIGNED_IN, me_mfa_confirm, .body = code_schema,
	  .flags = R_BEFORE_GATES },
	{ "DELETE", "/api/v1/me/mfa", PERM_SIGNED_IN, me_mfa_disable, .body = mfa_off_schema,
	  .flags = R_BEFORE_GATES },
};

const struct route_table session_routes = { routes, ARRAY_SIZE(routes) };
