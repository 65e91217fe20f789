/* users.c — accounts: create, update, disable, reset, show; the expiry/idle job. */
#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "accounts.h"
#include "../../auth/password.h"
#include "../../auth/session.h"
#include "../../auth/throttle.h"
#include "../../lib/log.h"
#include "../../lib/jsonw.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"
#include "../modules.h"
#include "../../settings.h"
#include "../policies/policies.h"

void login_key(const char *login, char *out, size_t n)
{
	size_t i = 0;
	for (; login[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)login[i]);
	/* Cut short: never inside a character, or the key is not text (PostgreSQL refuses it). */
	while (i > 0 && ((unsigned char)login[i] & 0xc0) == 0x80)
		i--;
	out[i] = '\0';
}

bool login_valid(const char *s)
{
	if (!*s || !isalnum((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._@-", *s))
			return false;
	return true;
}

int user_find(struct db *db, const char *login, int64_t *id)
{
	char key[72];
	bool found;
	login_key(login, key, sizeof(key));
	*id = 0;
	if (db_query_int(db, id, &found, "SELECT id FROM users WHERE login_key = ?",
			 P(V_TEXT(key))))
		return -1;
	return 0;
}

/* --- reading ------------------------------------------------------------------------------ */

#define USER_COLUMNS                                                                               \
	"u.id, u.login, u.name, u.email, u.department_id, d.name, u.manager_id, m.name, "          \
	"u.employment_type, u.purpose, u.valid_until, u.status, u.must_change_password, "          \
	"u.mfa_enabled, u.locale, u.last_login_at, u.created_at, u.updated_at, u.version, "        \
	"u.disabled_reason, u.dispatch_agency"
#define USER_FROM                                                                                  \
	" FROM users u LEFT JOIN departments d ON d.id = u.department_id LEFT JOIN users m ON "    \
	"m.id = u.manager_id"

const char user_list_head[] = "SELECT " USER_COLUMNS USER_FROM;

static void write_time(struct jsonw *w, struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col)) {
		jw_null(w);
		return;
	}
	time_rfc3339(db_int(r, col), t);
	jw_str(w, t);
}

static void write_opt_int(struct jsonw *w, struct dbrows *r, int col)
{
	if (db_isnull(r, col))
		jw_null(w);
	else
		jw_int(w, db_int(r, col));
}

const char user_roles_head[] =
	"SELECT ur.user_id, r.name, r.mfa_required FROM user_roles ur JOIN roles r ON "
	"r.id = ur.role_id WHERE";

int user_roles_run(struct db *db, struct query *q, struct dbrows *r)
{
	/* By user only, which the primary key gives without sorting; names are sorted below. */
	query_add(q, "ORDER BY ur.user_id", NULL, 0);
	return query_run(db, q, r);
}

int user_roles_read(struct dbrows *r, struct arena *a, struct user_roles *out)
{
	size_t cap = 32;
	memset(out, 0, sizeof(*out));
	out->user_id = arena_alloc(a, cap * sizeof(*out->user_id));
	out->name = arena_alloc(a, cap * sizeof(*out->name));
	out->mfa = arena_alloc(a, cap * sizeof(*out->mfa));
	while (db_next(r)) {
		if (out->n == cap) {
			int64_t *ids = arena_alloc(a, 2 * cap * sizeof(*ids));
			const char **names = arena_alloc(a, 2 * cap * sizeof(*names));
			bool *mfa = arena_alloc(a, 2 * cap * sizeof(*mfa));
			memcpy(ids, out->user_id, cap * sizeof(*ids));
			memcpy(names, out->name, cap * sizeof(*names));
			memcpy(mfa, out->mfa, cap * sizeof(*mfa));
			out->user_id = ids;
			out->name = names;
			out->mfa = mfa;
			cap *= 2;
		}
		out->user_id[out->n] = db_int(r, 0);
		out->name[out->n] = arena_strdup(a, db_text(r, 1));
		out->mfa[out->n] = db_int(r, 2) != 0;
		out->n++;
	}
	int failed = r->failed;
	db_rows_free(r);
	/* Each user's few role names in byte order (insertion sort within the user's run). */
	for (size_t i = 1; i < out->n; i++)
		for (size_t j = i; j > 0 && out->user_id[j - 1] == out->user_id[j] &&
				   strcmp(out->name[j - 1], out->name[j]) > 0;
		     j--) {
			const char *name = out->name[j];
			bool mfa = out->mfa[j];
			out->name[j] = out->name[j - 1];
			out->mfa[j] = out->mfa[j - 1];
			out->name[j - 1] = name;
			out->mfa[j - 1] = mfa;
		}
	return failed ? -1 : 0;
}

/* user_write, with `more` (if not NULL) adding members of the caller's before the object
 * closes. */
static void user_write_more(struct jsonw *w, struct dbrows *r, struct user_roles *roles,
			    void (*more)(struct jsonw *w, void *arg), void *arg)
{
	int64_t id = db_int(r, 0);
	/* Roles are sorted by user id, like the users: skip to this user's. */
	while (roles->pos < roles->n && roles->user_id[roles->pos] < id)
		roles->pos++;
	size_t first = roles->pos, end = first;
	bool mfa_required = false;
	while (end < roles->n && roles->user_id[end] == id)
		mfa_required |= roles->mfa[end++];
	roles->pos = end;

	jw_object(w);
	jw_key(w, "id");
	jw_int(w, id);
	jw_key(w, "login");
	jw_str(w, db_text(r, 1));
	jw_key(w, "name");
	jw_str(w, db_text(r, 2));
	jw_key(w, "email");
	jw_str(w, db_text(r, 3));
	jw_key(w, "department_id");
	write_opt_int(w, r, 4);
	jw_key(w, "department_name");
	jw_str(w, db_text(r, 5));
	jw_key(w, "manager_id");
	write_opt_int(w, r, 6);
	jw_key(w, "manager_name");
	jw_str(w, db_text(r, 7));
	jw_key(w, "employment_type");
	jw_str(w, db_text(r, 8));
	jw_key(w, "purpose");
	jw_str(w, db_text(r, 9));
	jw_key(w, "valid_until");
	jw_str(w, db_text(r, 10));
	jw_key(w, "status");
	jw_str(w, db_text(r, 11));
	jw_key(w, "must_change_password");
	jw_bool(w, db_int(r, 12) != 0);
	jw_key(w, "mfa_enabled");
	jw_bool(w, db_int(r, 13) != 0);
	jw_key(w, "locale");
	jw_str(w, db_text(r, 14));
	jw_key(w, "last_login_at");
	write_time(w, r, 15);
	jw_key(w, "created_at");
	write_time(w, r, 16);
	jw_key(w, "updated_at");
	write_time(w, r, 17);
	jw_key(w, "version");
	jw_int(w, db_int(r, 18));
	jw_key(w, "disabled_reason");
	jw_str(w, db_text(r, 19));
	jw_key(w, "dispatch_agency");
	jw_str(w, db_text(r, 20));
	jw_key(w, "mfa_required");
	jw_bool(w, mfa_required);
	jw_key(w, "roles");
	jw_array(w);
	for (size_t i = first; i < end; i++)
		jw_str(w, roles->name[i]);
	jw_array_end(w);
	if (more)
		more(w, arg);
	jw_object_end(w);
}

void user_write(struct jsonw *w, struct dbrows *r, struct user_roles *roles)
{
	user_write_more(w, r, roles, NULL, NULL);
}

int user_write_one(struct db *db, int64_t id, struct jsonw *w,
		   void (*more)(struct jsonw *w, void *arg), void *arg)
{
	struct dbrows rr, r;
	struct arena a = ARENA_INIT;
	struct user_roles roles;
	struct query q;
	/* The user, then the roles (see user_roles_run): one round trip on PostgreSQL; on SQLite
	 * one snapshot (after a write none is open, and SQLite would read the roles first). */
	bool mine = !db_reading(db);
	if (mine && db_read_begin(db))
		return -1;
	int rc = db_query_ahead(db, &r, "SELECT " USER_COLUMNS USER_FROM " WHERE u.id = ?",
				P(V_INT(id)));
	if (rc) {
		if (mine)
			db_read_end(db);
		return -1;
	}
	query_init(&q, user_roles_head);
	query_add(&q, "ur.user_id = ?", P(V_INT(id)));
	rc = user_roles_run(db, &q, &rr);
	query_release(&q);
	if (user_roles_read(&rr, &a, &roles) || rc) {
		rc = -1;
	} else {
		rc = 1;
		if (db_next(&r)) {
			user_write_more(w, &r, &roles, more, arg);
			rc = 0;
		}
		if (r.failed)
			rc = -1;
	}
	db_rows_free(&r);
	if (mine)
		db_read_end(db);
	arena_release(&a);
	return rc;
}

json_t *user_json(struct db *db, int64_t id)
{
	struct buf out = BUF_INIT;
	struct jsonw w;
	json_t *u = NULL;
	jw_init(&w, &out);
	if (user_write_one(db, id, &w, NULL, NULL) == 0)
		u = json_loadb(out.buf, out.len, 0, NULL);
	buf_release(&out);
	return u;
}

/* --- rules shared by create and update ---------------------------------------------------- */

static int check_refs(struct db *db, json_t *in, int64_t self, struct ferrors *fe)
{
	int64_t one;
	bool found;
	json_t *v;
	if ((v = json_object_get(in, "department_id")) && json_is_integer(v)) {
		if (db_query_int(db, &one, &found, "SELECT 1 FROM departments WHERE id = ?",
				 P(V_INT(json_integer_value(v)))))
			return -1;
		if (!found)
			ferr_add(fe, "department_id", "not_found", "There is no such department.");
	}
	if ((v = json_object_get(in, "manager_id")) && json_is_integer(v)) {
		if (json_integer_value(v) == self) {
			ferr_add(fe, "manager_id", "invalid_choice",
				 "A person cannot be their own manager.");
		} else {
			if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ?",
					 P(V_INT(json_integer_value(v)))))
				return -1;
			if (!found)
				ferr_add(fe, "manager_id", "not_found", "There is no such user.");
		}
	}
	if ((v = json_object_get(in, "roles"))) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			if (db_query_int(db, &one, &found, "SELECT 1 FROM roles WHERE name = ?",
					 P(V_TEXT(json_string_value(e)))))
				return -1;
			if (!found) {
				ferr_add(fe, "roles", "invalid_choice", "There is no such role.");
				break;
			}
		}
	}
	if ((v = json_object_get(in, "email")) && json_is_string(v) && json_string_length(v) > 0) {
		const char *s = json_string_value(v), *at = strchr(s, '@');
		if (!at || at == s || !at[1] || strchr(at + 1, '@') || strchr(s, ' '))
			ferr_add(fe, "email", "invalid_email", "Not an e-mail address.");
	}
	if ((v = json_object_get(in, "valid_until")) && json_is_string(v)) {
		char today[11];
		tz_today(today);
		if (strcmp(json_string_value(v), today) < 0)
			ferr_add(fe, "valid_until", "out_of_range", "The end date is in the past.");
	}
	return 0;
}

int permissions_within_own(struct db *db, const struct actor *who, json_t *perms, const char *field,
			   struct ferrors *fe)
{
	size_t i;
	json_t *p;
	if (!who || who->id == 0 || !perms)
		return 0;
	json_array_foreach(perms, i, p)
	{
		int64_t one;
		bool held;
		if (db_query_int(
			    db, &one, &held,
			    "SELECT 1 FROM role_permissions rp JOIN user_roles ur ON "
			    "ur.role_id = rp.role_id WHERE ur.user_id = ? AND rp.permission = ?",
			    P(V_INT(who->id), V_TEXT(json_string_value(p)))))
			return -1;
		if (!held) {
			ferr_add(fe, field, "exceeds_own_permissions",
				 "You cannot give permissions you do not hold yourself.");
			return 0;
		}
	}
	return 0;
}

int grant_within_own(struct db *db, const struct actor *who, json_t *roles, const char *field,
		     struct ferrors *fe)
{
	size_t i;
	json_t *r;
	if (!who || who->id == 0 || !roles)
		return 0;
	json_array_foreach(roles, i, r)
	{
		int64_t one;
		bool beyond;
		if (db_query_int(
			    db, &one, &beyond,
			    "SELECT 1 FROM role_permissions rp JOIN roles r ON r.id = rp.role_id "
			    "WHERE r.name = ? AND rp.permission NOT IN (SELECT rp2.permission FROM "
			    "role_permissions rp2 JOIN user_roles ur ON ur.role_id = rp2.role_id "
			    "WHERE ur.user_id = ?)",
			    P(V_TEXT(json_string_value(r)), V_INT(who->id))))
			return -1;
		if (beyond) {
			ferr_add(fe, field, "exceeds_own_permissions",
				 "You cannot give a role with permissions you do not hold "
				 "yourself.");
			return 0;
		}
	}
	return 0;
}

/* --- acting on another person or a role ----------------------------------------------------- */

/* The first permission (by name) of `holder_sql`'s rows that the actor does not hold. */
static int first_beyond(struct db *db, const struct actor *who, const char *sql, int64_t holder,
			bool *covers, char missing[PERMISSION_NAME_MAX])
{
	struct dbrows r;
	*covers = true;
	missing[0] = '\0';
	if (!who || who->id == 0)
		return 0;
	if (db_query(db, &r, sql, P(V_INT(holder), V_INT(who->id))))
		return -1;
	if (db_next(&r)) {
		*covers = false;
		snprintf(missing, PERMISSION_NAME_MAX, "%s", db_text(&r, 0) ? db_text(&r, 0) : "");
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

#define OWN_PERMISSIONS                                                                            \
	"(SELECT own.permission FROM role_permissions own JOIN user_roles mine ON "                \
	"mine.role_id = own.role_id WHERE mine.user_id = ?)"

int user_covered(struct db *db, const struct actor *who, int64_t target, bool *covers,
		 char missing[PERMISSION_NAME_MAX])
{
	return first_beyond(db, who,
			    "SELECT rp.permission FROM role_permissions rp JOIN user_roles ur ON "
			    "ur.role_id = rp.role_id WHERE ur.user_id = ? AND rp.permission NOT "
			    "IN " OWN_PERMISSIONS " ORDER BY rp.permission LIMIT 1",
			    target, covers, missing);
}

int role_covered(struct db *db, const struct actor *who, int64_t role_id, bool *covers,
		 char missing[PERMISSION_NAME_MAX])
{
	return first_beyond(
		db, who,
		"SELECT rp.permission FROM role_permissions rp WHERE rp.role_id = ? AND "
		"rp.permission NOT IN " OWN_PERMISSIONS " ORDER BY rp.permission LIMIT 1",
		role_id, covers, missing);
}

void beyond_own_refuse(struct ferrors *fe, bool role)
{
	fe->code = "exceeds_own_permissions";
	fe->detail = role ? "This role holds permissions you do not hold yourself, so you cannot "
			    "change it."
			  : "This person holds permissions you do not hold yourself, so you cannot "
			    "change their account.";
}

void beyond_own_audit(struct db *db, const struct actor *who, const char *action,
		      const char *object_type, int64_t id, const char *missing)
{
	json_t *sum = json_pack("{s:s,s:s,s:s}", "reason", "exceeds_own_permissions", "action",
				action, "permission", missing);
	if (audit_append_tx(db, who, "access.denied", object_type, id, sum))
		log_error("could not record a refusal: %s", db_errmsg(db));
	json_decref(sum);
}

/* Within a transaction acting on user `id`: refuses (ST_FORBIDDEN, fe) when they hold more
 * than the actor. 0 to go on; -1 to roll back (st says why). */
static int check_covered(struct db *db, const struct actor *who, int64_t id, struct ferrors *fe,
			 char missing[PERMISSION_NAME_MAX], enum status *st)
{
	bool covers;
	*st = ST_DB;
	if (user_covered(db, who, id, &covers, missing))
		return -1;
	if (covers)
		return 0;
	beyond_own_refuse(fe, false);
	*st = ST_FORBIDDEN;
	return -1;
}

static int set_roles(struct db *db, int64_t user_id, json_t *roles)
{
	size_t i;
	json_t *e;
	if (db_exec(db, "DELETE FROM user_roles WHERE user_id = ?", P(V_INT(user_id))))
		return -1;
	json_array_foreach(roles, i, e)
	{
		if (db_exec(db,
			    "INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles "
			    "WHERE name = ? AND NOT EXISTS (SELECT 1 FROM user_roles x, roles y "
			    "WHERE "
			    "x.user_id = ? AND x.role_id = y.id AND y.name = ?)",
			    P(V_INT(user_id), V_TEXT(json_string_value(e)), V_INT(user_id),
			      V_TEXT(json_string_value(e)))))
			return -1;
	}
	return 0;
}

/* Active accounts holding the admin role, other than `except`. */
static int other_admins(struct db *db, int64_t except, int64_t *count)
{
	bool found;
	/* Two administrators disabling each other at once must not both succeed. */
	if (db_lock(db, "accounts:admins"))
		return -1;
	return db_query_int(db, count, &found,
			    "SELECT COUNT(*) FROM users u JOIN user_roles ur ON ur.user_id = u.id "
			    "JOIN roles r ON r.id = ur.role_id WHERE r.name = 'admin' AND "
			    "u.status = 'active' AND u.id <> ?",
			    P(V_INT(except)));
}

/* Only the fields that matter for review go into the audit summary: no password hashes,
 * no secrets. */
static json_t *audit_view(json_t *user)
{
	static const char *const keys[] = { "login",         "name",        "email",
					    "department_id", "manager_id",  "employment_type",
					    "purpose",       "valid_until", "status",
					    "roles",         "locale",      "dispatch_agency" };
	json_t *o = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *v = json_object_get(user, keys[i]);
		if (v)
			json_object_set(o, keys[i], v);
	}
	return o;
}

/* --- create ------------------------------------------------------------------------------- */

struct create {
	struct app *app;
	const struct actor *who;
	json_t *in;
	const char *password;
	const char *hash; /* of password, computed before the transaction */
	struct ferrors *fe;
	int64_t id;
	enum status st;
	const struct user_also *also;
};

/* Runs the caller's step that belongs to the same change (see user_also in accounts.h). */
static int run_also(struct db *db, const struct user_also *also, int64_t id, enum status *st)
{
	if (!also || !also->fn)
		return 0;
	*st = also->fn(db, id, also->arg);
	return *st == ST_OK ? 0 : -1;
}

static int create_fn(struct db *db, void *arg)
{
	struct create *c = arg;
	json_t *in = c->in;
	const char *login = json_string_value(json_object_get(in, "login"));
	const char *hash = c->hash;
	char key[72];
	int64_t existing;
	c->st = ST_INVALID;
	if (!login_valid(login))
		ferr_add(c->fe, "login", "invalid_login",
			 "Use letters, digits and . _ @ - only, starting with a letter or digit.");
	if (user_find(db, login, &existing) || check_refs(db, in, 0, c->fe) ||
	    grant_within_own(db, c->who, json_object_get(in, "roles"), "roles", c->fe))
		goto db_error;
	if (existing)
		ferr_add(c->fe, "login", "taken", "This login id is already used.");
	if (c->password) {
		struct settings s;
		if (settings_get(c->app, db, &s))
			goto db_error;
		password_check_rules(c->password, login, s.password_min_length, "password", c->fe);
	}
	if (ferr_any(c->fe))
		return -1;
	login_key(login, key, sizeof(key));
	int64_t now = now_unix();
	const char *email = json_string_value(json_object_get(in, "email"));
	const char *employment = json_string_value(json_object_get(in, "employment_type"));
	const char *locale = json_string_value(json_object_get(in, "locale"));
	const char *agency = json_string_value(json_object_get(in, "dispatch_agency"));
	if (db_insert(
		    db, &c->id,
		    "INSERT INTO users (login, login_key, name, email, department_id, manager_id, "
		    "employment_type, purpose, valid_until, locale, password_hash, "
		    "must_change_password, created_at, updated_at, dispatch_agency) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
		    P(V_TEXT(login), V_TEXT(key),
		      V_TEXT(json_string_value(json_object_get(in, "name"))),
		      V_TEXT(email && *email ? email : NULL),
		      V_ID(json_integer_value(json_object_get(in, "department_id"))),
		      V_ID(json_integer_value(json_object_get(in, "manager_id"))),
		      V_TEXT(employment ? employment : "regular"),
		      V_TEXT(json_string_value(json_object_get(in, "purpose"))),
		      V_TEXT(json_string_value(json_object_get(in, "valid_until"))),
		      V_TEXT(locale ? locale : "ja"), V_TEXT(hash), V_INT(now), V_INT(now),
		      V_TEXT(agency && *agency ? agency : NULL))))
		goto db_error;
	json_t *roles = json_object_get(in, "roles");
	json_t *def = NULL;
	if (!roles)
		roles = def = json_pack("[s]", "employee");
	int rc = set_roles(db, c->id, roles);
	json_decref(def);
	if (rc || db_exec(db,
			  "INSERT INTO password_history (user_id, password_hash, created_at) "
			  "VALUES (?, ?, ?)",
			  P(V_INT(c->id), V_TEXT(hash), V_INT(now))))
		goto db_error;
	json_t *u = user_json(db, c->id);
	if (!u)
		goto db_error;
	json_t *sum = json_pack("{s:o}", "after", audit_view(u));
	json_decref(u);
	rc = audit_append(db, c->who, "user.create", "user", c->id, sum);
	json_decref(sum);
	if (rc)
		goto db_error;
	if (run_also(db, c->also, c->id, &c->st))
		return -1;
	c->st = ST_OK;
	return 0;
db_error:
	c->st = ST_DB;
	return -1;
}

int user_insert(struct app *app, struct db *db, const struct actor *who, json_t *in,
		const char *hash, int64_t *id, struct ferrors *fe)
{
	struct create c = { app, who, in, NULL, hash, fe, 0, ST_OK };
	*id = 0;
	if (create_fn(db, &c) == 0) {
		*id = c.id;
		return 0;
	}
	return c.st == ST_INVALID ? 0 : -1;
}

enum status user_create(struct app *app, struct db *db, const struct actor *who, json_t *in,
			const char *password, int64_t *id, char password_out[15],
			struct ferrors *fe)
{
	return user_create_also(app, db, who, in, password, id, password_out, fe, NULL);
}

enum status user_create_also(struct app *app, struct db *db, const struct actor *who, json_t *in,
			     const char *password, int64_t *id, char password_out[15],
			     struct ferrors *fe, const struct user_also *also)
{
	/* Hashing takes tens of milliseconds: done before the transaction, which would hold
	 * every other writer meanwhile. */
	char generated[15] = { 0 }, hash[PASSWORD_HASH_MAX];
	if (!password) {
		password_generate(generated);
		password = generated;
	}
	if (password_hash(password, hash))
		return ST_DB;
	struct create c = { app, who,   in,  password == generated ? NULL : password, hash, fe,
			    0,   ST_OK, also };
	enum status st = db_tx_status(db, create_fn, &c, &c.st);
	if (st != ST_OK)
		return st;
	if (password_out && password == generated)
		memcpy(password_out, generated, sizeof(generated));
	*id = c.id;
	/* The new person's items in running campaigns and the pledges asked on hire. */
	pledges_user_created(db, who, c.id);
	return ST_OK;
}

/* --- update ------------------------------------------------------------------------------- */

struct update {
	struct app *app;
	const struct actor *who;
	int64_t id;
	json_t *patch;
	struct ferrors *fe;
	enum status st;
	const struct user_also *also;
	char missing[PERMISSION_NAME_MAX]; /* set when the user holds more than the actor */
};

static bool roles_differ(json_t *before, json_t *after)
{
	if (json_array_size(before) != json_array_size(after))
		return true;
	size_t i, k;
	json_t *a, *b;
	json_array_foreach(after, i, a)
	{
		bool found = false;
		json_array_foreach(before, k, b)
		{
			if (json_equal(a, b))
				found = true;
		}
		if (!found)
			return true;
	}
	return false;
}

static bool has_admin(json_t *roles)
{
	size_t i;
	json_t *e;
	json_array_foreach(roles, i, e)
	{
		if (!strcmp(json_string_value(e), "admin"))
			return true;
	}
	return false;
}

static int update_fn(struct db *db, void *arg)
{
	struct update *u = arg;
	json_t *patch = u->patch, *before = user_json(db, u->id), *after = NULL, *sum = NULL;
	int ret = -1;
	u->st = ST_DB;
	if (!before) {
		u->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return -1;
	}
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(patch, "version"))) {
		u->st = ST_CONFLICT;
		goto out;
	}
	if (check_covered(db, u->who, u->id, u->fe, u->missing, &u->st))
		goto out;
	u->st = ST_DB;
	if (check_refs(db, patch, u->id, u->fe))
		goto out;
	json_t *roles = json_object_get(patch, "roles");
	bool roles_changed = roles && roles_differ(json_object_get(before, "roles"), roles);
	/* Both the roles given and the roles taken away must be within the actor's own. */
	if (roles_changed &&
	    (grant_within_own(db, u->who, roles, "roles", u->fe) ||
	     grant_within_own(db, u->who, json_object_get(before, "roles"), "roles", u->fe)))
		goto out;
	if (roles_changed && has_admin(json_object_get(before, "roles")) && !has_admin(roles)) {
		int64_t others;
		if (other_admins(db, u->id, &others))
			goto out;
		if (others == 0)
			ferr_add(u->fe, "roles", "last_admin",
				 "This is the last active administrator: give the role to someone "
				 "else first.");
	}
	if (ferr_any(u->fe)) {
		u->st = ST_INVALID;
		goto out;
	}
	/* Each column is updated by its own fixed statement: the SQL never depends on input. */
	static const struct {
		const char *field, *sql;
		bool is_int;
	} cols[] = {
		{ "name", "UPDATE users SET name = ? WHERE id = ?", false },
		{ "email", "UPDATE users SET email = ? WHERE id = ?", false },
		{ "department_id", "UPDATE users SET department_id = ? WHERE id = ?", true },
		{ "manager_id", "UPDATE users SET manager_id = ? WHERE id = ?", true },
		{ "employment_type", "UPDATE users SET employment_type = ? WHERE id = ?", false },
		{ "purpose", "UPDATE users SET purpose = ? WHERE id = ?", false },
		{ "valid_until", "UPDATE users SET valid_until = ? WHERE id = ?", false },
		{ "locale", "UPDATE users SET locale = ? WHERE id = ?", false },
		{ "dispatch_agency", "UPDATE users SET dispatch_agency = ? WHERE id = ?", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		json_t *v = json_object_get(patch, cols[i].field);
		if (!v)
			continue;
		struct dbval val = json_is_null(v)  ? V_NULL
				   : cols[i].is_int ? V_INT(json_integer_value(v))
						    : V_TEXT(json_string_value(v));
		if (json_is_string(v) && json_string_length(v) == 0 &&
		    (!strcmp(cols[i].field, "email") || !strcmp(cols[i].field, "dispatch_agency")))
			val = V_NULL;
		if (db_exec(db, cols[i].sql, P(val, V_INT(u->id))))
			goto out;
	}
	if (roles_changed && (set_roles(db, u->id, roles) || session_end_user(db, u->id, NULL)))
		goto out;
	if (db_exec(db, "UPDATE users SET updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(u->id))))
		goto out;
	after = user_json(db, u->id);
	if (!after)
		goto out;
	sum = json_pack("{s:o,s:o}", "before", audit_view(before), "after", audit_view(after));
	/* A new manager or department: what waits for a manager follows the people. */
	bool line = json_object_get(patch, "department_id") || json_object_get(patch, "manager_id");
	if (audit_append(db, u->who, "user.update", "user", u->id, sum) ||
	    (line && module_line_changed(db, u->who)) || run_also(db, u->also, u->id, &u->st))
		goto out;
	u->st = ST_OK;
	ret = 0;
out:
	json_decref(before);
	json_decref(after);
	json_decref(sum);
	return ret;
}

enum status user_update(struct app *app, struct db *db, const struct actor *who, int64_t id,
			json_t *patch, struct ferrors *fe)
{
	return user_update_also(app, db, who, id, patch, fe, NULL);
}

enum status user_update_also(struct app *app, struct db *db, const struct actor *who, int64_t id,
			     json_t *patch, struct ferrors *fe, const struct user_also *also)
{
	struct update u = { app, who, id, patch, fe, ST_OK, also, "" };
	enum status st = db_tx_status(db, update_fn, &u, &u.st);
	if (st == ST_FORBIDDEN && u.missing[0])
		beyond_own_audit(db, who, "user.update", "user", id, u.missing);
	return st;
}

/* --- disable / enable / reset ------------------------------------------------------------- */

/* Lifts every address's sign-in lock on `login`. */
static int unlock(struct db *db, const char *login)
{
	char key[72];
	login_key(login, key, sizeof(key));
	return signin_unlock(db, key);
}

struct status_change {
	const struct actor *who;
	int64_t id;
	bool active;
	const char *reason;
	struct ferrors *fe;
	enum status st;
	const struct user_also *also;
	char missing[PERMISSION_NAME_MAX];
};

static int status_fn(struct db *db, void *arg)
{
	struct status_change *s = arg;
	json_t *u = user_json(db, s->id);
	int ret = -1;
	s->st = ST_DB;
	if (!u) {
		s->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return -1;
	}
	if (check_covered(db, s->who, s->id, s->fe, s->missing, &s->st))
		goto out;
	s->st = ST_DB;
	if (!s->active && s->who && s->who->id == s->id) {
		s->fe->code = "cannot_disable_self";
		s->fe->detail = "You cannot disable your own account.";
		s->st = ST_FORBIDDEN;
		goto out;
	}
	if (!s->active && has_admin(json_object_get(u, "roles"))) {
		int64_t others;
		if (other_admins(db, s->id, &others))
			goto out;
		if (others == 0) {
			s->fe->code = "last_admin";
			s->fe->detail = "This is the last active administrator.";
			s->st = ST_FORBIDDEN;
			goto out;
		}
	}
	if (db_exec(db,
		    "UPDATE users SET status = ?, disabled_reason = ?, failed_logins = 0, "
		    "locked_until = 0, updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_TEXT(s->active ? "active" : "disabled"),
		      V_TEXT(s->active ? NULL : (s->reason ? s->reason : "manual")),
		      V_INT(now_unix()), V_INT(s->id))) ||
	    unlock(db, json_string_value(json_object_get(u, "login"))))
		goto out;
	if (!s->active && session_end_user(db, s->id, NULL))
		goto out;
	json_t *sum =
		json_pack("{s:s,s:s?}", "login", json_string_value(json_object_get(u, "login")),
			  "reason", s->active ? NULL : (s->reason ? s->reason : "manual"));
	int rc = audit_append(db, s->who, s->active ? "user.enable" : "user.disable", "user", s->id,
			      sum);
	json_decref(sum);
	/* What waits for someone disabled goes to whom it would go to now. */
	if (rc || module_line_changed(db, s->who) || run_also(db, s->also, s->id, &s->st))
		goto out;
	s->st = ST_OK;
	ret = 0;
out:
	json_decref(u);
	return ret;
}

enum status user_set_active(struct db *db, const struct actor *who, int64_t id, bool active,
			    const char *reason, struct ferrors *fe)
{
	return user_set_active_also(db, who, id, active, reason, fe, NULL);
}

enum status user_set_active_also(struct db *db, const struct actor *who, int64_t id, bool active,
				 const char *reason, struct ferrors *fe,
				 const struct user_also *also)
{
	struct status_change s = { who, id, active, reason, fe, ST_OK, also, "" };
	enum status st = db_tx_status(db, status_fn, &s, &s.st);
	if (st == ST_FORBIDDEN && s.missing[0])
		beyond_own_audit(db, who, active ? "user.enable" : "user.disable", "user", id,
				 s.missing);
	return st;
}

struct reset {
	const struct actor *who;
	int64_t id;
	const char *hash; /* of the new one-time password */
	struct ferrors *fe;
	enum status st;
	char missing[PERMISSION_NAME_MAX];
};

static int reset_fn(struct db *db, void *arg)
{
	struct reset *r = arg;
	struct dbrows rows;
	char *login = NULL;
	r->st = ST_DB;
	if (db_query(db, &rows, "SELECT login FROM users WHERE id = ?", P(V_INT(r->id))))
		return -1;
	if (db_next(&rows))
		login = xstrdup(db_text(&rows, 0));
	int failed = rows.failed;
	db_rows_free(&rows);
	if (failed || !login) {
		r->st = failed ? ST_DB : ST_NOT_FOUND;
		return -1;
	}
	int rc = check_covered(db, r->who, r->id, r->fe, r->missing, &r->st);
	if (rc == 0) {
		r->st = ST_DB;
		rc = password_store(db, r->id, r->hash, true) ||
		     session_end_user(db, r->id, NULL) || unlock(db, login);
	}
	free(login);
	if (rc)
		return -1;
	if (audit_append(db, r->who, "user.reset_password", "user", r->id, NULL))
		return -1;
	r->st = ST_OK;
	return 0;
}

enum status user_reset_password(struct db *db, const struct actor *who, int64_t id,
				char password_out[15], struct ferrors *fe)
{
	char hash[PASSWORD_HASH_MAX];
	password_generate(password_out);
	if (password_hash(password_out, hash))
		return ST_DB;
	struct reset r = { who, id, hash, fe, ST_OK, "" };
	enum status st = db_tx_status(db, reset_fn, &r, &r.st);
	if (st != ST_OK)
		sodium_memzero(password_out, 15);
	if (st == ST_FORBIDDEN && r.missing[0])
		beyond_own_audit(db, who, "user.reset_password", "user", id, r.missing);
	return st;
}

/* --- the job ------------------------------------------------------------------------------ */

struct sweep {
	const char *today;
	int64_t idle_before;
	int disabled;  /* candidates seen in this round (disabled or skipped) */
	int skipped;   /* the last administrator, left active */
	int64_t after; /* this round starts after this id */
	int64_t last;  /* the last id this round looked at */
};

static int sweep_fn(struct db *db, void *arg)
{
	struct sweep *s = arg;
	static const struct actor job = { 0, NULL, "job" };
	struct dbrows r;
	int64_t ids[256];
	const char *reasons[256];
	int n = 0;
	/* Expired: the last valid day has passed. Idle: no sign-in (or, never signed in, no
	 * creation) for the configured number of days. At most 256 per round. */
	if (db_query(db, &r,
		     "SELECT id, CASE WHEN valid_until IS NOT NULL AND valid_until < ? THEN "
		     "'expired' "
		     "ELSE 'idle' END FROM users WHERE status = 'active' AND id > ? AND "
		     "((valid_until IS NOT NULL AND valid_until < ?) OR "
		     "(? > 0 AND COALESCE(last_login_at, created_at) < ?)) ORDER BY id LIMIT 256",
		     P(V_TEXT(s->today), V_INT(s->after), V_TEXT(s->today), V_INT(s->idle_before),
		       V_INT(s->idle_before))))
		return -1;
	while (db_next(&r) && n < 256) {
		ids[n] = db_int(&r, 0);
		reasons[n] = !strcmp(db_text(&r, 1), "expired") ? "expired" : "idle";
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	for (int i = 0; i < n; i++) {
		/* Never the last active administrator: nobody could then sign in to repair it. */
		int64_t admin_role, others;
		bool is_admin;
		if (db_query_int(
			    db, &admin_role, &is_admin,
			    "SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE "
			    "ur.user_id = ? AND r.name = 'admin'",
			    P(V_INT(ids[i]))))
			return -1;
		if (is_admin && (other_admins(db, ids[i], &others) || others == 0)) {
			if (db_errkind(db) != DBE_NONE)
				return -1;
			s->skipped++;
			continue;
		}
		if (db_exec(db,
			    "UPDATE users SET status = 'disabled', disabled_reason = ?, updated_at "
			    "= ?, "
			    "version = version + 1 WHERE id = ?",
			    P(V_TEXT(reasons[i]), V_INT(now_unix()), V_INT(ids[i]))) ||
		    session_end_user(db, ids[i], NULL))
			return -1;
		json_t *sum = json_pack("{s:s}", "reason", reasons[i]);
		int rc = audit_append(db, &job, "user.disable", "user", ids[i], sum);
		json_decref(sum);
		if (rc)
			return -1;
	}
	if (n && module_line_changed(db, &job))
		return -1;
	s->disabled = n;
	s->last = n ? ids[n - 1] : s->after;
	return 0;
}

static int flush_fn(struct db *db, void *arg)
{
	return signin_flush(db, NULL, now_unix(), true, arg);
}

int accounts_job(struct app *app, struct db *db)
{
	struct settings set;
	char today[11];
	if (settings_get(app, db, &set))
		return -1;
	tz_today(today);
	struct sweep s = { today,
			   set.idle_disable_days > 0
				   ? now_unix() - (int64_t)set.idle_disable_days * 86400
				   : 0,
			   0 };
	do {
		if (db_tx(db, sweep_fn, &s))
			return -1;
		s.after = s.last;
	} while (s.disabled == 256);
	/* Sign-in attempts refused since the last run get their (coalesced) audit event. */
	struct signin_limits lim = { set.lockout_threshold, set.lockout_minutes };
	if (db_tx(db, flush_fn, &lim))
		return -1;
	int64_t cutoff = now_unix() - (int64_t)set.session_absolute_hours * 3600;
	return db_exec(db, "DELETE FROM sessions WHERE created_at < ?", P(V_INT(cutoff)));
}
