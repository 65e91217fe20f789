/* session.c — cookie tokens stored as hashes, timeouts, the principal of a request. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "../http/http.h"
#include "../lib/crypto.h"
#include "../lib/log.h"
#include "../lib/timeutil.h"
#include "../settings.h"

#define TOUCH_EVERY 15 /* seconds between last_seen updates */
#define CACHE_SLOTS 16 /* sessions remembered per thread */

/*
 * Loading a session is one statement: the session, its user and one row per permission of
 * the user's roles (or one row without a permission). Each thread keeps the sessions it has
 * loaded (struct session_entry, immutable once built, shared by reference with the requests that
 * use it), and trusts one again only when it is known to be unchanged:
 *
 * - on SQLite, when the database's data version is the one it was loaded at: any COMMIT since
 *   (a sign-out, a removed permission, a disabled user, by this process or `mamori` on the
 *   command line) makes the thread load it again;
 * - on PostgreSQL (several nodes, no such number), the statement is sent ahead and travels
 *   with the handler's first query in one round trip; the request goes on with the remembered
 *   session and confirms it before its first write and before its answer (session_confirm):
 *   if it changed, the request runs again from the start with the session as it is now.
 *
 * Either way a change takes effect on the next request, on every node. The time limits (idle,
 * absolute, the account's valid_until) are checked on every request against the clock.
 */
#define SESSION_SQL                                                                                \
	"SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.status, "                 \
	"u.valid_until, u.login, u.name, u.department_id, u.must_change_password, "                \
	"u.mfa_enabled, r.privileged, r.mfa_required, rp.permission, s.kind, s.idle_limit_s "      \
	"FROM sessions s "                                                                         \
	"JOIN users u ON u.id = s.user_id LEFT JOIN user_roles ur ON ur.user_id = s.user_id "      \
	"LEFT JOIN roles r ON r.id = ur.role_id LEFT JOIN role_permissions rp ON rp.role_id = "    \
	"ur.role_id WHERE s.token_hash = ?"

struct session_entry {
	int refs;              /* the cache's and each request's (atomic) */
	char hash[65];         /* the token's hash */
	int64_t version;       /* db_data_version when loaded, or -1 */
	int64_t created, seen; /* the session's */
	char valid_until[11];  /* the account's last day, or "" */
	bool active;           /* the account's status */
	bool privileged;       /* one of its roles is privileged (shorter idle timeout) */
	int64_t kiosk_idle;    /* a kiosk session's idle limit in seconds, 0 for a person's */
	struct principal p;    /* strings and permissions point into text below */
	size_t size;
	char text[];
};

struct session_cache {
	struct session_entry *slot[CACHE_SLOTS];
	uint64_t used[CACHE_SLOTS];
	uint64_t tick;
};

/* What session_confirm needs: the statement sent ahead and the entry the request went on
 * with. */
struct session_check {
	struct dbrows rows;
	struct session_entry *entry;
	bool done;
	enum sess_result result;
};

static void entry_put(struct session_entry *e)
{
	if (e && __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(e);
}

static struct session_entry *entry_hold(struct session_entry *e)
{
	__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
	return e;
}

static void cache_free(void *p)
{
	struct session_cache *c = p;
	for (int i = 0; i < CACHE_SLOTS; i++)
		entry_put(c->slot[i]);
	free(c);
}

static struct session_cache *cache_of(struct app *app)
{
	struct session_cache *c = pthread_getspecific(app->session_key);
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		pthread_setspecific(app->session_key, c);
	}
	return c;
}

void session_cache_release(void *cache)
{
	if (cache)
		cache_free(cache);
}

static struct session_entry *cache_find(struct session_cache *c, const char *hash)
{
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i] && !strcmp(c->slot[i]->hash, hash)) {
			c->used[i] = ++c->tick;
			return c->slot[i];
		}
	return NULL;
}

/* Puts e (holding the reference given) in the cache in place of the same session or of the
 * least recently used one. */
static void cache_put(struct session_cache *c, struct session_entry *e)
{
	int victim = 0;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (c->slot[i] && !strcmp(c->slot[i]->hash, e->hash)) {
			victim = i;
			break;
		}
		if (!c->slot[i] || c->used[i] < c->used[victim])
			victim = i;
	}
	entry_put(c->slot[victim]);
	c->slot[victim] = e;
	c->used[victim] = ++c->tick;
}

static void cache_drop(struct session_cache *c, const char *hash)
{
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i] && !strcmp(c->slot[i]->hash, hash)) {
			entry_put(c->slot[i]);
			c->slot[i] = NULL;
		}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A kiosk is nobody: no name, no roles, one permission, its own idle limit. The officer who
 * started it (p->id as loaded) only keeps the row alive. */
static void kiosk_principal(struct principal *p, int64_t idle_limit)
{
	static const char *kiosk_perms[] = { PERM_KIOSK, NULL };
	p->id = 0;
	p->login = KIOSK_LOGIN;
	p->name = "";
	p->department_id = 0;
	p->must_change_password = false;
	p->mfa_enabled = p->mfa_required = false;
	p->perms = kiosk_perms;
	p->idle_timeout_s = idle_limit > 0 ? (int)idle_limit : 60;
	p->kiosk = true;
}

/* Builds an entry from SESSION_SQL's rows (freed here); NULL with *none when there is no such
 * session, NULL without when reading failed. */
static struct session_entry *entry_read(struct dbrows *r, const char *hash, int64_t version,
					bool *none)
{
	struct buf text = BUF_INIT;
	size_t nperm = 0, cap = 0;
	size_t *perm_at = NULL;
	struct session_entry head = { 0 };
	size_t login_at = 0, name_at = 0, csrf_at = 0;
	bool any = false;
	*none = false;
	while (db_next(r)) {
		if (!any) {
			any = true;
			head.p.id = db_int(r, 0);
			csrf_at = text.len;
			buf_adds(&text, db_text(r, 1) ? db_text(r, 1) : "");
			buf_addch(&text, '\0');
			head.created = db_int(r, 2);
			head.seen = db_int(r, 3);
			head.active = db_text(r, 4) && !strcmp(db_text(r, 4), "active");
			snprintf(head.valid_until, sizeof(head.valid_until), "%s",
				 db_text(r, 5) ? db_text(r, 5) : "");
			login_at = text.len;
			buf_adds(&text, db_text(r, 6) ? db_text(r, 6) : "");
			buf_addch(&text, '\0');
			name_at = text.len;
			buf_adds(&text, db_text(r, 7) ? db_text(r, 7) : "");
			buf_addch(&text, '\0');
			head.p.department_id = db_int(r, 8);
			head.p.must_change_password = db_int(r, 9) != 0;
			head.p.mfa_enabled = db_int(r, 10) != 0;
			if (db_text(r, 14) && !strcmp(db_text(r, 14), "kiosk"))
				head.kiosk_idle =
					db_isnull(r, 15) || db_int(r, 15) <= 0 ? 60 : db_int(r, 15);
		}
		head.privileged |= db_int(r, 11) != 0;
		head.p.mfa_required |= db_int(r, 12) != 0;
		const char *perm = db_text(r, 13);
		if (!perm)
			continue;
		if (nperm == cap)
			perm_at = xrealloc(perm_at, (cap = cap ? 2 * cap : 16) * sizeof(*perm_at));
		perm_at[nperm++] = text.len;
		buf_adds(&text, perm);
		buf_addch(&text, '\0');
	}
	int failed = r->failed;
	db_rows_free(r);
	struct session_entry *e = NULL;
	if (failed || !any) {
		*none = !failed;
		goto out;
	}
	size_t size = sizeof(*e) + (nperm + 1) * sizeof(char *) + text.len;
	e = xmalloc(size);
	*e = head;
	e->refs = 1;
	e->size = size;
	e->version = version;
	snprintf(e->hash, sizeof(e->hash), "%s", hash);
	const char **perms = (const char **)(void *)e->text;
	char *t = e->text + (nperm + 1) * sizeof(char *);
	memcpy(t, text.buf, text.len);
	for (size_t i = 0; i < nperm; i++)
		perms[i] = t + perm_at[i];
	qsort(perms, nperm, sizeof(*perms), cmp_str);
	size_t k = 0; /* distinct, sorted */
	for (size_t i = 0; i < nperm; i++)
		if (!k || strcmp(perms[k - 1], perms[i]))
			perms[k++] = perms[i];
	perms[k] = NULL;
	e->p.perms = perms;
	e->p.login = t + login_at;
	e->p.name = t + name_at;
	e->p.csrf_token = t + csrf_at;
	e->p.session_hash = e->hash;
	if (e->kiosk_idle) { /* the officer's row keeps it alive; their roles are not its own */
		/* The officer answers for the kiosk: it ends when they may no longer start one (a
		 * permission taken from their role ends none of their sessions by itself). */
		bool may_start = false;
		for (const char **q = perms; *q && !may_start; q++)
			may_start = !strcmp(*q, PERM_KIOSK_START);
		e->active = e->active && may_start;
		kiosk_principal(&e->p, e->kiosk_idle);
		e->privileged = false;
	}
out:
	free(perm_at);
	buf_release(&text);
	return e;
}

/* Whether two loads of a session give the same principal (the times may differ). */
static bool entry_same(const struct session_entry *a, const struct session_entry *b)
{
	if (a->p.id != b->p.id || a->active != b->active || a->privileged != b->privileged ||
	    a->kiosk_idle != b->kiosk_idle || a->p.department_id != b->p.department_id ||
	    a->p.must_change_password != b->p.must_change_password ||
	    a->p.mfa_enabled != b->p.mfa_enabled || a->p.mfa_required != b->p.mfa_required ||
	    strcmp(a->valid_until, b->valid_until) || strcmp(a->p.login, b->p.login) ||
	    strcmp(a->p.name, b->p.name) || strcmp(a->p.csrf_token, b->p.csrf_token))
		return false;
	const char **x = a->p.perms, **y = b->p.perms;
	for (; *x && *y; x++, y++)
		if (strcmp(*x, *y))
			return false;
	return !*x && !*y;
}

/* Whether the session has ended by now: the account disabled or past its last day, idle too
 * long, or older than the absolute limit. */
static bool entry_ended(const struct session_entry *e, const struct settings *s, int64_t now)
{
	int64_t idle = e->kiosk_idle ? e->kiosk_idle
				     : 60 * (int64_t)(e->privileged ? s->idle_timeout_privileged_min
								    : s->idle_timeout_min);
	if (!e->active || now - e->seen > idle ||
	    now - e->created > (int64_t)s->session_absolute_hours * 3600)
		return true;
	if (e->valid_until[0]) {
		char today[11];
		tz_today(today);
		if (strcmp(e->valid_until, today) < 0)
			return true;
	}
	return false;
}

/* req->user from entry e (the request holds a reference until it ends). */
static void use_entry(struct req *req, struct session_entry *e, const struct settings *s,
		      int64_t now)
{
	struct principal *p = arena_alloc(&req->arena, sizeof(*p));
	*p = e->p;
	p->idle_timeout_s = e->kiosk_idle ? (int)e->kiosk_idle
					  : 60 * (e->privileged ? s->idle_timeout_privileged_min
								: s->idle_timeout_min);
	p->touch_due = now - e->seen >= TOUCH_EVERY;
	req->user = p;
	session_request_end(req);
	req->session_entry = entry_hold(e);
}

void session_request_end(struct req *req)
{
	entry_put(req->session_entry);
	req->session_entry = NULL;
}

/* The session has ended: it is deleted (and forgotten by this thread). */
static enum sess_result ended(struct req *req, struct session_cache *c, const char *hash)
{
	cache_drop(c, hash);
	db_exec(req->db, "DELETE FROM sessions WHERE token_hash = ?", P(V_TEXT(hash)));
	return SESS_EXPIRED;
}

static int confirm_guard(void *arg)
{
	return session_confirm(arg) == SESS_OK ? 0 : -1;
}

/* Fills the principal's roles, permissions and idle timeout (user fields already set). */
static int finish_principal(struct req *req, struct principal *p)
{
	struct dbrows r;
	struct settings s;
	bool privileged = false;
	size_t n = 0, cap = 16;
	const char **perms = arena_alloc(&req->arena, cap * sizeof(*perms));
	p->mfa_required = false;
	if (db_query(req->db, &r,
		     "SELECT r.privileged, r.mfa_required, rp.permission FROM user_roles ur "
		     "JOIN roles r ON r.id = ur.role_id LEFT JOIN role_permissions rp ON "
		     "rp.role_id = r.id WHERE ur.user_id = ? ORDER BY rp.permission",
		     P(V_INT(p->id))))
		return -1;
	while (db_next(&r)) {
		privileged |= db_int(&r, 0) != 0;
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
	if (failed || settings_get(req->app, req->db, &s))
		return -1;
	p->idle_timeout_s = 60 * (privileged ? s.idle_timeout_privileged_min : s.idle_timeout_min);
	return 0;
}

int principal_load(struct req *req, int64_t user_id, struct principal **out)
{
	struct principal *p = arena_alloc(&req->arena, sizeof(*p));
	struct dbrows r;
	p->id = user_id;
	if (db_query(req->db, &r,
		     "SELECT u.login, u.name, u.department_id, u.must_change_password, "
		     "u.mfa_enabled FROM users u WHERE u.id = ?",
		     P(V_INT(user_id))))
		return -1;
	bool found = db_next(&r);
	if (found) {
		p->login = arena_strdup(&req->arena, db_text(&r, 0));
		p->name = arena_strdup(&req->arena, db_text(&r, 1));
		p->department_id = db_int(&r, 2);
		p->must_change_password = db_int(&r, 3) != 0;
		p->mfa_enabled = db_int(&r, 4) != 0;
	}
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

enum sess_result session_load(struct req *req, bool speculate)
{
	const char *token = session_cookie(req);
	size_t len = token ? strlen(token) : 0;
	if (len < 40 || len > 64)
		return SESS_NONE;
	char hash[65];
	token_hash(token, hash);
	struct settings s;
	db_set_guard(req->db, NULL, NULL); /* a guard of the request's run before this one */
	if (settings_get(req->app, req->db, &s))
		return SESS_DB;
	struct session_cache *c = cache_of(req->app);
	struct session_entry *e = cache_find(c, hash);
	int64_t now = now_unix(), version = -1;
	bool versioned = db_data_version(req->db, &version) == 0;
	if (e && versioned && e->version == version)
		return entry_ended(e, &s, now) ? ended(req, c, hash)
					       : (use_entry(req, e, &s, now), SESS_OK);
	if (e && !versioned && speculate && !entry_ended(e, &s, now)) {
		struct session_check *ck = arena_alloc(&req->arena, sizeof(*ck));
		if (db_query_ahead(req->db, &ck->rows, SESSION_SQL, P(V_TEXT(hash))))
			return SESS_DB;
		ck->entry = entry_hold(e);
		req->session_check = ck;
		db_set_guard(req->db, confirm_guard, req);
		use_entry(req, e, &s, now);
		return SESS_OK;
	}
	struct dbrows r;
	bool none;
	if (db_query(req->db, &r, SESSION_SQL, P(V_TEXT(hash))))
		return SESS_DB;
	e = entry_read(&r, hash, versioned ? version : -1, &none);
	if (!e) {
		cache_drop(c, hash);
		return none ? SESS_NONE : SESS_DB;
	}
	cache_put(c, e);
	if (entry_ended(e, &s, now))
		return ended(req, c, hash);
	use_entry(req, e, &s, now);
	return SESS_OK;
}

enum sess_result session_confirm(struct req *req)
{
	struct session_check *ck = req->session_check;
	if (!ck)
		return SESS_OK;
	if (ck->done)
		return ck->result;
	ck->done = true;
	bool none;
	struct session_entry *fresh = entry_read(&ck->rows, ck->entry->hash, -1, &none);
	struct session_cache *c = cache_of(req->app);
	struct settings s;
	int64_t now = now_unix();
	ck->result = SESS_STALE;
	if (!fresh) {
		cache_drop(c, ck->entry->hash);
	} else if (!entry_same(fresh, ck->entry) || settings_get(req->app, req->db, &s) ||
		   entry_ended(fresh, &s, now)) {
		cache_put(c, fresh);
	} else {
		/* The same: go on (req->user keeps pointing into the entry it was made from,
		 * which the request holds), with the times as they are now. */
		req->user->touch_due = now - fresh->seen >= TOUCH_EVERY;
		cache_put(c, fresh);
		ck->result = SESS_OK;
		db_set_guard(req->db, NULL, NULL);
	}
	entry_put(ck->entry);
	ck->entry = NULL;
	return ck->result;
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

/* Inserts a session row of `kind` and sets the cookie; created_at is when the absolute limit
 * starts counting, idle_s its own idle limit (0: the user's). */
static int create(struct req *req, int64_t user_id, const char *kind, int64_t created_at,
		  int64_t idle_s, const char **csrf, char hash[65])
{
	char *token = random_token(32), *csrf_token = random_token(32);
	token_hash(token, hash);
	int64_t now = now_unix();
	int rc = db_exec(req->db,
			 "INSERT INTO sessions (token_hash, user_id, csrf_token, ip, created_at, "
			 "last_seen_at, kind, idle_limit_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			 P(V_TEXT(hash), V_INT(user_id), V_TEXT(csrf_token), V_TEXT(req->ip),
			   V_INT(created_at), V_INT(now), V_TEXT(kind), V_ID(idle_s)));
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

int session_create(struct req *req, int64_t user_id, const char **csrf)
{
	char hash[65];
	return create(req, user_id, "user", now_unix(), 0, csrf, hash);
}

int session_start_kiosk(struct req *req, int64_t officer_id, int idle_s, const char **csrf,
			char hash_out[65])
{
	const char *old = session_cookie(req);
	if (old) {
		char h[65];
		token_hash(old, h);
		if (db_exec(req->db, "DELETE FROM sessions WHERE token_hash = ?", P(V_TEXT(h))))
			return -1;
	}
	return create(req, officer_id, "kiosk", now_unix(), idle_s > 0 ? idle_s : 60, csrf,
		      hash_out);
}

int session_rotate_kiosk(struct req *req, bool *gone, const char **csrf, char hash_out[65])
{
	struct dbrows r;
	int64_t officer = 0, created = 0, idle = 0;
	*gone = true;
	if (!req->user || !req->user->kiosk || !req->user->session_hash)
		return 0;
	if (db_query(req->db, &r,
		     "SELECT user_id, created_at, idle_limit_s FROM sessions WHERE token_hash = ? "
		     "AND kind = 'kiosk'",
		     P(V_TEXT(req->user->session_hash))))
		return -1;
	bool found = db_next(&r);
	if (found) {
		officer = db_int(&r, 0);
		created = db_int(&r, 1);
		idle = db_isnull(&r, 2) ? 60 : db_int(&r, 2);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	if (!found)
		return 0;
	/* The delete decides: of two requests on one kiosk session, exactly one removes it. */
	if (db_exec(req->db, "DELETE FROM sessions WHERE token_hash = ? AND kind = 'kiosk'",
		    P(V_TEXT(req->user->session_hash))))
		return -1;
	if (db_changes(req->db) != 1)
		return 0;
	*gone = false;
	return create(req, officer, "kiosk", created, idle, csrf, hash_out);
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
