/*
 * session.h — sign-in sessions.
 *
 * The cookie holds a random 256-bit token; the database holds only its BLAKE2b hash, so a
 * stolen database copy opens no session. A session ends when it is idle longer than the
 * user's idle timeout (privileged roles: settings.idle_timeout_privileged_min, default 10;
 * others 30), at its absolute limit (default 12 h), at sign-out, when the user is disabled,
 * and when the user's roles or password change (other sessions).
 */
#ifndef MAMORI_SESSION_H
#define MAMORI_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "../store/store.h"

struct req;
struct principal;

#define SESSION_COOKIE "mamori_session"

enum sess_result { SESS_OK, SESS_NONE, SESS_EXPIRED, SESS_DB, SESS_STALE };

/* Reads the cookie and fills req->user (with permissions) for a live session, from this
 * thread's cache when it is known to be unchanged. With `speculate` (PostgreSQL) it may go on
 * with the cached session while the statement that confirms it travels with the handler's
 * first query; session_confirm then settles it, and runs before any write. */
enum sess_result session_load(struct req *req, bool speculate);
/* SESS_STALE if the session that session_load took from the cache turned out to have changed
 * (the request must run again from the start), else SESS_OK. */
enum sess_result session_confirm(struct req *req);
/* Lets go of the session the request used (at its end, or before it runs again). */
void session_request_end(struct req *req);
/* Frees a thread's session cache (the destructor of app->session_key). */
void session_cache_release(void *cache);
/* Records the session's activity if due (after the request's reads; never fails the request). */
void session_touch(struct req *req);
/* Loads the principal of user `user_id` (roles, permissions, timeouts) into the arena. */
int principal_load(struct req *req, int64_t user_id, struct principal **out);

/* Creates a session inside the caller's transaction; sets req->set_cookie and returns the
 * CSRF token (arena). */
int session_create(struct req *req, int64_t user_id, const char **csrf);
/* The session cookie the request carries, or NULL. */
const char *session_cookie(struct req *req);
/* Ends the request's session and clears the cookie. */
int session_destroy(struct req *req);
/* Ends every session of a user except `keep_hash` (may be NULL). */
int session_end_user(struct db *db, int64_t user_id, const char *keep_hash);

#endif
