/* throttle.c — counting failed sign-ins per address and login; coalescing refused attempts. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"
#include "../audit/audit.h"
#include "../lib/timeutil.h"

#define ADDRESS_ROW  ""    /* login_key of an address's own row */
#define FORGET_AFTER 86400 /* a login's failures in a row are forgotten after a quiet day */

void signin_address(const char *ip, char out[SIGNIN_ADDRESS_MAX])
{
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN];
	if (ip && strchr(ip, ':') && inet_pton(AF_INET6, ip, a) == 1) {
		static const unsigned char mapped[12] = {
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
		};
		if (!memcmp(a, mapped, sizeof(mapped))) {
			inet_ntop(AF_INET, a + 12, text, sizeof(text));
			snprintf(out, SIGNIN_ADDRESS_MAX, "%s", text);
			return;
		}
		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, text, sizeof(text));
		snprintf(out, SIGNIN_ADDRESS_MAX, "%s/64", text);
		return;
	}
	snprintf(out, SIGNIN_ADDRESS_MAX, "%s", ip ? ip : "");
}

static int64_t window_s(const struct signin_limits *lim)
{
	return (int64_t)lim->minutes * 60;
}

/* --- reading ------------------------------------------------------------------------------ */

struct row {
	bool found;
	int64_t failures, window_start, locked_until;
};

static int row_read(struct db *db, const char *address, const char *login_key, struct row *out)
{
	struct dbrows r;
	memset(out, 0, sizeof(*out));
	if (db_query(db, &r,
		     "SELECT failures, window_start, locked_until FROM signin_failures WHERE "
		     "address = ? AND login_key = ?",
		     P(V_TEXT(address), V_TEXT(login_key))))
		return -1;
	if (db_next(&r)) {
		out->found = true;
		out->failures = db_int(&r, 0);
		out->window_start = db_int(&r, 1);
		out->locked_until = db_int(&r, 2);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* The address's failures (any login) fill its window: refused until the window ends. */
static bool throttled(const struct row *addr, const struct signin_limits *lim, int64_t now,
		      int64_t *retry_after)
{
	int64_t end = addr->window_start + window_s(lim);
	if (!addr->found || end <= now ||
	    addr->failures < (int64_t)SIGNIN_ADDRESS_FACTOR * lim->threshold)
		return false;
	*retry_after = end - now;
	return true;
}

int signin_gate(struct db *db, const char *address, const char *login_key,
		int64_t account_locked_until, const struct signin_limits *lim, int64_t now,
		enum signin_gate *gate, int64_t *retry_after)
{
	struct row addr, login;
	*gate = SIGNIN_OPEN;
	*retry_after = 0;
	if (row_read(db, address, ADDRESS_ROW, &addr) || row_read(db, address, login_key, &login))
		return -1;
	if (throttled(&addr, lim, now, retry_after)) {
		*gate = SIGNIN_THROTTLED;
	} else if (login.locked_until > now || account_locked_until > now) {
		*gate = SIGNIN_LOCKED;
		*retry_after = (login.locked_until > account_locked_until ? login.locked_until
									  : account_locked_until) -
			       now;
	}
	return 0;
}

/* --- counting ----------------------------------------------------------------------------- */

static int row_ensure(struct db *db, const char *address, const char *login_key)
{
	return db_exec(db,
		       "INSERT INTO signin_failures (address, login_key) VALUES (?, ?) ON CONFLICT "
		       "(address, login_key) DO NOTHING",
		       P(V_TEXT(address), V_TEXT(login_key)));
}

/* The lock that puts every count and check of one login in a queue (PostgreSQL; SQLite's
 * transactions already run one at a time). */
static int login_lock(struct db *db, const char *login_key)
{
	char name[96];
	snprintf(name, sizeof(name), "signin:%s", login_key);
	return db_lock(db, name);
}

int signin_note_refused(struct db *db, const char *address, enum signin_gate why, int64_t now)
{
	if (row_ensure(db, address, ADDRESS_ROW) ||
	    db_exec(db,
		    "UPDATE signin_failures SET refused_since = CASE WHEN refused = 0 THEN ? ELSE "
		    "refused_since END, refused = refused + 1, refused_locked = refused_locked + "
		    "?, "
		    "refused_throttled = refused_throttled + ?, refused_last = ? WHERE address = ? "
		    "AND login_key = ''",
		    P(V_INT(now), V_INT(why == SIGNIN_LOCKED), V_INT(why == SIGNIN_THROTTLED),
		      V_INT(now), V_TEXT(address))))
		return -1;
	return signin_flush(db, address, now, false, NULL);
}

struct refused_args {
	const char *address;
	enum signin_gate why;
	int64_t now;
};

static int refused_fn(struct db *db, void *arg)
{
	struct refused_args *a = arg;
	return signin_note_refused(db, a->address, a->why, a->now);
}

int signin_refused(struct db *db, const char *address, enum signin_gate why, int64_t now)
{
	struct refused_args a = { address, why, now };
	return db_tx(db, refused_fn, &a);
}

int signin_count_failure(struct db *db, const char *address, const char *login_key, int64_t user_id,
			 const struct signin_limits *lim, int64_t now, struct signin_count *out)
{
	struct row addr, login;
	int64_t account_locked = 0, retry;
	bool found;
	memset(out, 0, sizeof(*out));
	if (login_lock(db, login_key) || row_read(db, address, ADDRESS_ROW, &addr) ||
	    row_read(db, address, login_key, &login))
		return -1;
	if (user_id &&
	    db_query_int(db, &account_locked, &found, "SELECT locked_until FROM users WHERE id = ?",
			 P(V_INT(user_id))))
		return -1;
	/* Locked or throttled while this attempt was being judged: it counts for nothing. */
	bool limit = throttled(&addr, lim, now, &retry);
	if (limit || login.locked_until > now || account_locked > now) {
		out->refused = true;
		return signin_note_refused(db, address, limit ? SIGNIN_THROTTLED : SIGNIN_LOCKED,
					   now);
	}
	out->failures = login.failures + 1;
	out->locked = out->failures >= lim->threshold;
	if (row_ensure(db, address, login_key) ||
	    db_exec(db,
		    "UPDATE signin_failures SET failures = ?, locked_until = ?, last_at = ? WHERE "
		    "address = ? AND login_key = ?",
		    P(V_INT(out->locked ? 0 : out->failures),
		      V_INT(out->locked ? now + window_s(lim) : 0), V_INT(now), V_TEXT(address),
		      V_TEXT(login_key))))
		return -1;
	/* The address's window of failures, whatever the login. */
	bool fresh = !addr.found || addr.window_start + window_s(lim) <= now;
	if (row_ensure(db, address, ADDRESS_ROW) ||
	    db_exec(db,
		    "UPDATE signin_failures SET failures = ?, window_start = ?, last_at = ? WHERE "
		    "address = ? AND login_key = ''",
		    P(V_INT(fresh ? 1 : addr.failures + 1), V_INT(fresh ? now : addr.window_start),
		      V_INT(now), V_TEXT(address))))
		return -1;
	if (!user_id)
		return 0;
	/* The account's window of failures, whatever the address. */
	int64_t count;
	if (db_exec(db,
		    "UPDATE users SET failed_logins = CASE WHEN failed_since > ? THEN "
		    "failed_logins + 1 ELSE 1 END, failed_since = CASE WHEN failed_since > ? THEN "
		    "failed_since ELSE ? END WHERE id = ?",
		    P(V_INT(now - window_s(lim)), V_INT(now - window_s(lim)), V_INT(now),
		      V_INT(user_id))) ||
	    db_query_int(db, &count, &found, "SELECT failed_logins FROM users WHERE id = ?",
			 P(V_INT(user_id))))
		return -1;
	if (count < (int64_t)SIGNIN_ACCOUNT_FACTOR * lim->threshold)
		return 0;
	out->account_locked = true;
	return db_exec(db,
		       "UPDATE users SET failed_logins = 0, failed_since = 0, locked_until = ? "
		       "WHERE id = ?",
		       P(V_INT(now + window_s(lim)), V_INT(user_id)));
}

int signin_succeed(struct db *db, const char *address, const char *login_key, int64_t user_id,
		   int64_t now, bool *ok)
{
	struct row login;
	*ok = false;
	if (login_lock(db, login_key) || row_read(db, address, login_key, &login))
		return -1;
	if (login.locked_until > now)
		return 0;
	if (db_exec(db,
		    "UPDATE users SET failed_logins = 0, failed_since = 0, locked_until = 0 WHERE "
		    "id = ? AND status = 'active' AND locked_until <= ?",
		    P(V_INT(user_id), V_INT(now))))
		return -1;
	if (db_changes(db) != 1)
		return 0;
	*ok = true;
	return db_exec(db, "DELETE FROM signin_failures WHERE address = ? AND login_key = ?",
		       P(V_TEXT(address), V_TEXT(login_key)));
}

int signin_unlock(struct db *db, const char *login_key)
{
	return db_exec(db, "DELETE FROM signin_failures WHERE login_key = ? AND login_key <> ''",
		       P(V_TEXT(login_key)));
}

/* --- the coalesced events ----------------------------------------------------------------- */

struct pending {
	char address[SIGNIN_ADDRESS_MAX];
	int64_t count, locked, throttled, since, last;
};

int signin_flush(struct db *db, const char *address, int64_t now, bool all,
		 const struct signin_limits *lim)
{
	struct dbrows r;
	struct pending batch[64];
	int n = 0;
	if (db_query(db, &r,
		     "SELECT address, refused, refused_locked, refused_throttled, refused_since, "
		     "refused_last FROM signin_failures WHERE login_key = '' AND refused > 0 AND "
		     "(? = '' OR address = ?) AND refused_since <= ? ORDER BY address LIMIT 64",
		     P(V_TEXT(address ? address : ""), V_TEXT(address ? address : ""),
		       V_INT(all ? now : now - SIGNIN_FLUSH_SECONDS))))
		return -1;
	while (n < 64 && db_next(&r)) {
		struct pending *p = &batch[n++];
		snprintf(p->address, sizeof(p->address), "%s", db_text(&r, 0));
		p->count = db_int(&r, 1);
		p->locked = db_int(&r, 2);
		p->throttled = db_int(&r, 3);
		p->since = db_int(&r, 4);
		p->last = db_int(&r, 5);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	for (int i = 0; i < n; i++) {
		struct pending *p = &batch[i];
		struct actor who = { 0, NULL, p->address };
		char first[21], last[21];
		time_rfc3339(p->since, first);
		time_rfc3339(p->last, last);
		json_t *sum = json_pack("{s:s,s:I,s:I,s:I,s:s,s:s}", "reason", "refused", "count",
					(json_int_t)p->count, "locked", (json_int_t)p->locked,
					"throttled", (json_int_t)p->throttled, "first_at", first,
					"last_at", last);
		int rc = audit_append(db, &who, "session.login_failed", "address", 0, sum);
		json_decref(sum);
		if (rc ||
		    db_exec(db,
			    "UPDATE signin_failures SET refused = 0, refused_locked = 0, "
			    "refused_throttled = 0, refused_since = 0, refused_last = 0 WHERE "
			    "address = ? AND login_key = ''",
			    P(V_TEXT(p->address))))
			return -1;
	}
	if (n == 64 && all) /* more waiting: the next batch */
		return signin_flush(db, address, now, all, lim);
	if (address || !lim)
		return 0;
	/* What no rule needs any more: ended windows and locks, quiet logins. */
	return db_exec(db,
		       "DELETE FROM signin_failures WHERE refused = 0 AND locked_until <= ? AND "
		       "((login_key = '' AND window_start <= ?) OR (login_key <> '' AND last_at <= "
		       "?))",
		       P(V_INT(now), V_INT(now - window_s(lim)), V_INT(now - FORGET_AFTER)));
}
