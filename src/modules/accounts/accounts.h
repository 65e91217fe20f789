/*
 * accounts.h — people, departments, roles; sign-in and the user's own account.
 *
 * An account (アカウント) is issued for a stated purpose (利用目的) with an optional end date
 * (利用期限); accounts past that date, or unused for settings.idle_disable_days, are disabled
 * by accounts_job(). Creating an account or resetting its password gives a one-time password
 * that must be changed at first sign-in. Every change is audited in its own transaction.
 *
 * Domain functions take already type-checked JSON objects (the route schemas below, also
 * used by the CLI through schema_validate) and check the rules that need the database:
 * uniqueness, existing departments / managers / roles, the last administrator.
 */
#ifndef MAMORI_ACCOUNTS_H
#define MAMORI_ACCOUNTS_H

#include <jansson.h>

#include "../../app.h"
#include "../../audit/audit.h"
#include "../../http/http.h"
#include "../../lib/arena.h"
#include "../../lib/csv.h"
#include "../../lib/errors.h"

extern const struct route_table accounts_routes;
extern const struct route_table session_routes;
extern const struct field user_create_schema[];

/* Creates a user from `in` (see user_create_schema). If `password` is NULL a one-time
 * password is generated and written to password_out (15 bytes). */
enum status user_create(struct app *app, struct db *db, const struct actor *who, json_t *in,
			const char *password, int64_t *id, char password_out[15],
			struct ferrors *fe);
/* A step of the caller's that belongs to the same change as the account's and lands in its
 * transaction after the account's audit event (e.g. the account request it carries out is
 * marked done). A status other than ST_OK refuses the whole change; field errors go to the
 * change's ferrors through `arg`. */
struct user_also {
	enum status (*fn)(struct db *db, int64_t user_id, void *arg);
	void *arg;
};
enum status user_create_also(struct app *app, struct db *db, const struct actor *who, json_t *in,
			     const char *password, int64_t *id, char password_out[15],
			     struct ferrors *fe, const struct user_also *also);
enum status user_update_also(struct app *app, struct db *db, const struct actor *who, int64_t id,
			     json_t *patch, struct ferrors *fe, const struct user_also *also);
enum status user_set_active_also(struct db *db, const struct actor *who, int64_t id, bool active,
				 const char *reason, struct ferrors *fe,
				 const struct user_also *also);
/* Applies a PATCH (with "version"); ends the user's other sessions if roles change. */
enum status user_update(struct app *app, struct db *db, const struct actor *who, int64_t id,
			json_t *patch, struct ferrors *fe);
enum status user_set_active(struct db *db, const struct actor *who, int64_t id, bool active,
			    const char *reason, struct ferrors *fe);
/* A new one-time password (15 bytes into password_out); ends the user's sessions and lifts
 * their sign-in locks. */
enum status user_reset_password(struct db *db, const struct actor *who, int64_t id,
				char password_out[15], struct ferrors *fe);
/* The user as the API shows it, or NULL if there is none. */
json_t *user_json(struct db *db, int64_t id);
/* Finds a user id by login (case-insensitive); 0 if none. -1 on database error. */
int user_find(struct db *db, const char *login, int64_t *id);

/* Listing: the SELECT head (users u ...) whose rows user_write() writes as the API's user
 * object (with its roles, read by a query of its own). user_json() is the same object as a
 * tree, so there is one definition of what a user looks like. */
extern const char user_list_head[];
/* The roles of a set of users, sorted by user id: read once per page, not once per user. */
struct user_roles {
	int64_t *user_id;
	const char **name;
	bool *mfa; /* the role requires MFA */
	size_t n, pos;
};
/* "SELECT user_id, name, mfa_required ... WHERE": the caller adds the condition to `q`. */
extern const char user_roles_head[];
struct query;
struct jsonw;
/* Runs the roles query `q` (ordered by user here). The users' own rows are sent ahead of it
 * (db_query_ahead): on PostgreSQL both travel in one round trip, and the roles, read after
 * the users, are never older than the users' `version` (a change of roles changes it), so a
 * form built from them cannot undo a newer change unnoticed. */
int user_roles_run(struct db *db, struct query *q, struct dbrows *r);
/* Reads (and frees) the rows of user_roles_run into `out`, each user's names in byte order. */
int user_roles_read(struct dbrows *r, struct arena *a, struct user_roles *out);
/* Writes one row of user_list_head, taking its roles from `roles` (rows in id order). */
void user_write(struct jsonw *w, struct dbrows *r, struct user_roles *roles);
/* user_json's object written into w, `more` (if not NULL) adding members before it closes;
 * 1 if there is no such user, -1 on a database error. */
int user_write_one(struct db *db, int64_t id, struct jsonw *w,
		   void (*more)(struct jsonw *w, void *arg), void *arg);

/* No one hands out more than they hold: every permission of the roles named in `roles` (an
 * array of role names) must be one the actor holds. The command line and the system (actor id
 * 0) may grant anything. Adds a field error on `field` otherwise. */
int grant_within_own(struct db *db, const struct actor *who, json_t *roles, const char *field,
		     struct ferrors *fe);
/* The same for a list of permission names given to a role. */
int permissions_within_own(struct db *db, const struct actor *who, json_t *perms, const char *field,
			   struct ferrors *fe);

/* Stores a new user from `in` (already checked against user_create_schema) inside the caller's
 * transaction, with `hash` as the password hash, applying every rule of user_create and
 * appending its "user.create" event. Problems go to `fe` (*id stays 0). -1 on a database
 * error. */
int user_insert(struct app *app, struct db *db, const struct actor *who, json_t *in,
		const char *hash, int64_t *id, struct ferrors *fe);

/* --- import --------------------------------------------------------------------------------
 *
 * People (POST /api/v1/users/import) and departments (POST /api/v1/departments/import) from a
 * CSV file saved by Excel, UTF-8 or CP932, like the registers' imports: every row is turned into
 * the object the API's create takes and checked by the same rules, all in one transaction; a
 * dry run does that and rolls back, a real import stores the file only when no row has an
 * error. Errors name the row as a spreadsheet numbers it (the header is row 1) and the column
 * as the file names it.
 *
 * People: ログインID, 氏名, 雇用区分 and 利用目的 are required; 部署 is a department's name or
 * code; 上長 is a login id (or a name only one person has) of someone registered already or on
 * an earlier row; ロール lists role names or labels (default: employee). Each person gets a
 * one-time password, hashed before the storing transaction and answered once in "accounts".
 * Departments: 部署名 (required), 部署コード, 部門責任者 (a login id). */
#define ACCOUNT_IMPORT_MAX_ROWS   1000
#define ACCOUNT_IMPORT_MAX_ERRORS 1000

struct account_import_result {
	bool dry_run;
	enum csv_encoding encoding;
	size_t rows, valid, imported, error_count;
	json_t *errors;   /* [{row, column, field, code, message}], at most MAX_ERRORS */
	json_t *accounts; /* people stored: [{id, login, name, initial_password}] */
};

enum status users_import_csv(struct app *app, struct db *db, const struct actor *who,
			     const char *data, size_t len, enum csv_encoding enc, bool dry_run,
			     struct account_import_result *res, struct ferrors *fe);
enum status departments_import_csv(struct db *db, const struct actor *who, const char *data,
				   size_t len, enum csv_encoding enc, bool dry_run,
				   struct account_import_result *res, struct ferrors *fe);
json_t *account_import_json(const struct account_import_result *res);
void account_import_release(struct account_import_result *res);

/* No one acts on an account or a role that holds more than they do. *covers is true when the
 * actor holds every permission that user `target` (role `role_id`) holds; otherwise `missing`
 * names the first they lack. The command line and the system (actor id 0) cover everyone.
 * Every step where one user acts on another (reset password, disable, enable, any change to
 * the account) and every change to a role checks this; a refusal is ST_FORBIDDEN with code
 * exceeds_own_permissions (beyond_own_refuse) and an access.denied event (beyond_own_audit,
 * after the transaction rolled back). */
#define PERMISSION_NAME_MAX 64
int user_covered(struct db *db, const struct actor *who, int64_t target, bool *covers,
		 char missing[PERMISSION_NAME_MAX]);
int role_covered(struct db *db, const struct actor *who, int64_t role_id, bool *covers,
		 char missing[PERMISSION_NAME_MAX]);
void beyond_own_refuse(struct ferrors *fe, bool role);

/* A signed-in user gave a wrong password where their own password is asked for again
 * (changing it, turning two-step verification off, signing a pledge): it counts toward the
 * lockout like a failed sign-in, so a stolen session cannot be used to guess the password.
 * Audited as `action`. Answers 422 on `field`, or 401 account_locked (and signs out) when
 * this failure locks the account. */
struct req;
int wrong_own_password(struct req *req, const char *field, const char *action);
void beyond_own_audit(struct db *db, const struct actor *who, const char *action,
		      const char *object_type, int64_t id, const char *missing);

/* Disables expired and idle accounts, writes the coalesced audit events of refused sign-in
 * attempts (auth/throttle.h) and purges dead sessions. */
int accounts_job(struct app *app, struct db *db);

/* A login id: letters, digits and . _ @ -, starting with a letter or digit. */
bool login_valid(const char *s);
/* The lower-case key logins are unique by. */
void login_key(const char *login, char *out, size_t n);

#endif
