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
enum status user_reset_password(struct db *db, const struct actor *who, int64_t id,
				char password_out[15]);
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
int user_roles_load(struct db *db, struct query *q, struct arena *a, struct user_roles *out);
/* Writes one row of user_list_head, taking its roles from `roles` (rows in id order). */
void user_write(struct jsonw *w, struct dbrows *r, struct user_roles *roles);

/* No one hands out more than they hold: every permission of the roles named in `roles` (an
 * array of role names) must be one the actor holds. The command line and the system (actor id
 * 0) may grant anything. Adds a field error on `field` otherwise. */
int grant_within_own(struct db *db, const struct actor *who, json_t *roles, const char *field,
		     struct ferrors *fe);
/* The same for a list of permission names given to a role. */
int permissions_within_own(struct db *db, const struct actor *who, json_t *perms, const char *field,
			   struct ferrors *fe);

/* Disables expired and idle accounts and purges dead sessions. */
int accounts_job(struct app *app, struct db *db);

/* A login id: letters, digits and . _ @ -, starting with a letter or digit. */
bool login_valid(const char *s);
/* The lower-case key logins are unique by. */
void login_key(const char *login, char *out, size_t n);

#endif
