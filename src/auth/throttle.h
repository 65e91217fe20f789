/*
 * throttle.h — failed sign-ins, counted per client address (サインイン失敗の制限).
 *
 * Lockout is per address and login: `lockout_threshold` failures in a row for one login from
 * one address lock that login for that address for `lockout_minutes`. A stranger who guesses
 * wrong locks themselves out, not the account's owner at their own desk, so nobody can keep
 * the administrator locked out from afar. Failures from all addresses together still lock the
 * account everywhere (users.locked_until) at SIGNIN_ACCOUNT_FACTOR times the threshold within
 * lockout_minutes, which no single address can reach: a guess spread over many addresses stays
 * bounded. An address with SIGNIN_ADDRESS_FACTOR times the threshold of failures within
 * lockout_minutes, whatever the logins, is refused until that window ends (password spraying).
 * Unknown logins lock like real ones, so the answers do not tell which accounts exist.
 *
 * Counting is atomic: the transaction that counts a failure, and the one that signs someone
 * in, first take a lock named after the login (db_lock) and check the locks again, so of
 * twenty guesses sent at once exactly `threshold` are judged and the rest are refused.
 *
 * Attempts refused because of a lock or the address limit are not judged (no password check)
 * and count toward nothing. They are not audited one by one: each address's refusals are
 * counted (signin_failures.refused) and written as one session.login_failed event with their
 * "count" when a minute has passed or the accounts job runs (signin_flush). Every attempt is
 * thus in the trail exactly once, and a flood from one address adds a handful of events.
 *
 * An IPv6 address counts by its /64 network (one host commonly holds the whole /64).
 */
#ifndef MAMORI_THROTTLE_H
#define MAMORI_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "../store/store.h"

#define SIGNIN_ACCOUNT_FACTOR 4  /* failures from all addresses that lock an account */
#define SIGNIN_ADDRESS_FACTOR 20 /* failures from one address that throttle it */
#define SIGNIN_FLUSH_SECONDS  60 /* refused attempts wait at most this for their event */
#define SIGNIN_ADDRESS_MAX    64

struct signin_limits {
	int threshold; /* settings.lockout_threshold */
	int minutes;   /* settings.lockout_minutes */
};

/* The address failures are counted under: IPv4 as is, IPv6 as its /64 ("2001:db8:1:2::/64"),
 * an IPv4-mapped IPv6 address as the IPv4 one; anything else as given (cut to fit). */
void signin_address(const char *ip, char out[SIGNIN_ADDRESS_MAX]);

enum signin_gate {
	SIGNIN_OPEN,
	SIGNIN_LOCKED,    /* this login from this address, or the account everywhere */
	SIGNIN_THROTTLED, /* this address, whatever the login */
};

/* Before judging an attempt (reads only): *retry_after is the seconds until the gate opens. */
int signin_gate(struct db *db, const char *address, const char *login_key,
		int64_t account_locked_until, const struct signin_limits *lim, int64_t now,
		enum signin_gate *gate, int64_t *retry_after);

/* Counts an attempt the gate refused, in a transaction of its own (see signin_flush). */
int signin_refused(struct db *db, const char *address, enum signin_gate why, int64_t now);

struct signin_count {
	bool refused;        /* the gate closed meanwhile: not counted (signin_note_refused) */
	int64_t failures;    /* failures in a row of this login from this address */
	bool locked;         /* this failure locked the login for this address */
	bool account_locked; /* ... and the account everywhere */
};

/* Inside the transaction that records a judged failure of `login_key` (user_id 0 for an
 * unknown login): takes the login's lock, checks the gate again and counts. */
int signin_count_failure(struct db *db, const char *address, const char *login_key, int64_t user_id,
			 const struct signin_limits *lim, int64_t now, struct signin_count *out);
/* Inside the transaction that signs user_id in: takes the login's lock; *ok is false when
 * the login got locked meanwhile (or the account is no longer active); otherwise clears the
 * counts of this address and login and of the account. */
int signin_succeed(struct db *db, const char *address, const char *login_key, int64_t user_id,
		   int64_t now, bool *ok);
/* Counts a refusal inside the caller's transaction (as signin_refused does). */
int signin_note_refused(struct db *db, const char *address, enum signin_gate why, int64_t now);

/* Lifts every address's lock on the login whose key (lower-case login) is `login_key`: a
 * password reset, enabling the account. */
int signin_unlock(struct db *db, const char *login_key);

/* Writes the coalesced event of each address whose refused attempts waited
 * SIGNIN_FLUSH_SECONDS (all of them when `all`; only `address` unless it is NULL), and
 * forgets counts nobody needs any more. Inside the caller's transaction. */
int signin_flush(struct db *db, const char *address, int64_t now, bool all,
		 const struct signin_limits *lim);

#endif
