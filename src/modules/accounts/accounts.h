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
#include "../../lib/errors.h"

extern const struct route_table accounts_routes;
extern const struct route_table session_routes;
extern const struct field user_create_schema[];

/* Creates a user from `in` (see user_create_schema). If `password` is NULL a one-time
 * password is generated and written to password_out (15 bytes). */
enum status user_create(struct app *app, struct db *db, const struct actor *who, json_t *in,
			const char *password, int64_t *id, char password_out[15],
			struct ferrors *fe);
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

/* Listing: the SELECT head (users u ...), a row as JSON, and the roles of a page of users
 * whose ids lie in [lo, hi]. */
extern const char user_list_head[];
json_t *user_list_row(struct dbrows *r);
int user_list_roles(struct db *db, json_t *users, int64_t lo, int64_t hi);

/* Disables expired and idle accounts and purges dead sessions. */
int accounts_job(struct app *app, struct db *db);

/* The lower-case key logins are unique by. */
void login_key(const char *login, char *out, size_t n);

#endif
