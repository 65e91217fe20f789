/*
 * password.h — password hashing (argon2id) and the password policy.
 *
 * Policy (DOMAIN.md, configurable upward in settings): at least N characters (default 8)
 * with letters and digits, not containing the login id, not one of the last N passwords
 * (default 5), not a well-known common password. Violations are field errors with stable
 * codes: password_too_short, password_needs_letters_and_digits, password_contains_login,
 * password_common, password_reused.
 */
#ifndef MAMORI_PASSWORD_H
#define MAMORI_PASSWORD_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/errors.h"
#include "../store/store.h"

#define PASSWORD_HASH_MAX 128

/* argon2id, OWASP's minimum parameters (19 MiB, t=2). -1 only if memory cannot be had. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
bool password_verify(const char *hash, const char *password);
/* Spends the time of one verification, so unknown logins answer as slowly as known ones. */
void password_verify_dummy(const char *password);

/* Checks the rules that need no database. */
void password_check_rules(const char *password, const char *login, int min_length,
			  const char *field, struct ferrors *fe);
bool password_is_common(const char *password);
/* True if `password` matches the current hash or one of the last `history` ones. */
int password_in_history(struct db *db, int64_t user_id, const char *password, int history,
			bool *reused);
/* Stores the new hash as current, keeps history, clears must_change_password if asked. */
int password_store(struct db *db, int64_t user_id, const char *hash, bool must_change);

/* A one-time password: 14 characters, letters and digits, no look-alikes (0/O, 1/l/I). */
void password_generate(char out[15]);

#endif
