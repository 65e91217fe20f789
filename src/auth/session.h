/*
 * session.h — sign-in sessions.
 *
 * The cookie holds a random 256-bit token; the database holds only its BLAKE2b hash, so a
 * stolen database copy opens no session. A session ends when it is idle longer than the
 * user's idle timeout (privileged roles: settings.idle_timeout_privileged_min, default 10;
 * others 30), at its absolute limit (default 12 h), at sign-out, when the user is disabled,
 * and when the user's roles or password change (other sessions).
 *
 * A kiosk session (受付端末) is a reception tablet, not a person: an officer starts it on the
 * tablet (their own session there ends), and from then on the tablet's cookie reaches only
 * the routes marked PERM_KIOSK (a visitor filling in their own visitor slip) and no other —
 * every other route answers 403, every read included. Its principal has id 0, the login
 * KIOSK_LOGIN and the one permission PERM_KIOSK; the row keeps the officer who started it
 * (user_id), so it ends with their account, their password or roles changing, like their own
 * sessions, and whenever they no longer hold PERM_KIOSK_START (say, taken from their role). It has
 * its own idle limit (idle_limit_s) and the usual absolute limit counted from when the officer
 * started it, also across session_rotate_kiosk().
 */
#ifndef MAMORI_SESSION_H
#define MAMORI_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "../store/store.h"

struct req;
struct principal;

#define SESSION_COOKIE "mamori_session"
/* The actor name of a kiosk in audit events (not a valid login, so never a person's). */
#define KIOSK_LOGIN    "(kiosk)"

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
/* Replaces the request's session (if any) with a kiosk session started by `officer_id`, idle
 * after idle_s seconds, inside the caller's transaction; sets req->set_cookie and returns the
 * kiosk's CSRF token (arena) and its token hash (65 bytes). */
int session_start_kiosk(struct req *req, int64_t officer_id, int idle_s, const char **csrf,
			char hash_out[65]);
/* Ends the request's kiosk session and gives the tablet a new one (same officer, start time and
 * idle limit), inside the caller's transaction: each kiosk session serves one visitor. *gone is
 * set when the session had already been used or ended (by a concurrent request): nothing was
 * created then. */
int session_rotate_kiosk(struct req *req, bool *gone, const char **csrf, char hash_out[65]);
/* The session cookie the request carries, or NULL. */
const char *session_cookie(struct req *req);
/* Ends the request's session and clears the cookie. */
int session_destroy(struct req *req);
/* Ends every session of a user except `keep_hash` (may be NULL). */
int session_end_user(struct db *db, int64_t user_id, const char *keep_hash);

#endif
