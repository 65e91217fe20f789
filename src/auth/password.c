/* password.c — argon2id hashes, the policy, history, one-time passwords. */
#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "password.h"
#include "../lib/timeutil.h"

#define OPS 2
#define MEM (19u * 1024 * 1024)

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash buffer");
	return crypto_pwhash_str_alg(out, password, strlen(password), OPS, MEM,
				     crypto_pwhash_ALG_ARGON2ID13)
		       ? -1
		       : 0;
}

bool password_verify(const char *hash, const char *password)
{
	return hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void password_verify_dummy(const char *password)
{
	static const char dummy[crypto_pwhash_STRBYTES] =
		"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
		"c5QxRk2GKeqTI2N4DxgVqYiqPjCv/RDbIHhHpOyvPLg";
	if (crypto_pwhash_str_verify(dummy, password, strlen(password)) == 0)
		return; /* cannot match: the hash is of no password anyone knows */
}

/* A few hundred of the passwords people pick first; the policy refuses them whatever the
 * case. Kept short on purpose: length and the letters-and-digits rule do the rest. */
static const char *const common[] = {
	"password",    "password1",      "password12",  "password123", "passw0rd",   "p@ssw0rd",
	"pa55word",    "123456",         "1234567",     "12345678",    "123456789",  "1234567890",
	"12345678910", "qwerty",         "qwerty1",     "qwerty12",    "qwerty123",  "qwertyuiop",
	"qwerty1234",  "asdfghjkl",      "asdf1234",    "zxcvbnm",     "1q2w3e4r",   "1q2w3e4r5t",
	"1qaz2wsx",    "zaq12wsx",       "abc123",      "abcd1234",    "abc12345",   "a1b2c3d4",
	"iloveyou1",   "welcome1",       "welcome123",  "letmein1",    "monkey123",  "dragon123",
	"sunshine1",   "princess1",      "football1",   "baseball1",   "master123",  "admin123",
	"admin1234",   "administrator1", "root1234",    "test1234",    "testtest1",  "guest123",
	"changeme1",   "changeme123",    "default1",    "secret123",   "trustno1",   "starwars1",
	"superman1",   "batman123",      "michael1",    "jennifer1",   "hello123",   "hello1234",
	"computer1",   "internet1",      "company1",    "company123",  "summer2024", "summer2025",
	"summer2026",  "winter2024",     "winter2025",  "winter2026",  "spring2025", "spring2026",
	"autumn2025",  "autumn2026",     "january2026", "tokyo123",    "tokyo2020",  "osaka123",
	"japan123",    "nippon123",      "sakura123",   "sakura2026",  "doraemon1",  "pokemon123",
	"naruto123",   "gundam123",      "mamori123",   "mamori2026",  "11111111",   "00000000",
	"88888888",    "aaaaaaa1",       "a1234567",    "a12345678",   "q1w2e3r4",   "q1w2e3r4t5",
	"1a2b3c4d",    "pass1234",       "pass12345",   "login123",    "user1234",   "shadow123",
	"killer123",   "jordan23",       "ninja123",    "azerty123",   "qazwsx123",  "asd12345",
	"zxc12345",    "abcdef12",       "abcdefg1",    "ab123456",    "aa123456",   "password2026",
	"p4ssw0rd",
};

bool password_is_common(const char *password)
{
	for (size_t i = 0; i < ARRAY_SIZE(common); i++)
		if (!strcasecmp(password, common[i]))
			return true;
	return false;
}

void password_check_rules(const char *password, const char *login, int min_length,
			  const char *field, struct ferrors *fe)
{
	size_t chars = utf8_len(password, strlen(password));
	bool letter = false, digit = false;
	for (const char *p = password; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isdigit(c))
			digit = true;
		else if (isalpha(c) || c >= 0x80)
			letter = true;
	}
	if (chars < (size_t)min_length)
		ferr_add(fe, field, "password_too_short", "The password is too short.");
	else if (!letter || !digit)
		ferr_add(fe, field, "password_needs_letters_and_digits",
			 "Use both letters and digits.");
	else if (login && *login && str_contains_ci(password, login))
		ferr_add(fe, field, "password_contains_login", "Do not use your login id in it.");
	else if (password_is_common(password))
		ferr_add(fe, field, "password_common",
			 "This password is too common. Choose one that is hard to guess.");
}

int password_in_history(struct db *db, int64_t user_id, const char *password, int history,
			bool *reused)
{
	struct dbrows r;
	*reused = false;
	if (history <= 0)
		return 0;
	/* The history rows include the current password (stored on every change). */
	if (db_query(db, &r,
		     "SELECT password_hash FROM password_history WHERE user_id = ? "
		     "ORDER BY id DESC LIMIT ?",
		     P(V_INT(user_id), V_INT(history))))
		return -1;
	while (!*reused && db_next(&r))
		*reused = password_verify(db_text(&r, 0), password);
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

int password_store(struct db *db, int64_t user_id, const char *hash, bool must_change)
{
	int64_t now = now_unix();
	if (db_exec(db,
		    "UPDATE users SET password_hash = ?, must_change_password = ?, "
		    "password_changed_at = ?, failed_logins = 0, locked_until = 0, updated_at = ?, "
		    "version = version + 1 WHERE id = ?",
		    P(V_TEXT(hash), V_BOOL(must_change), V_INT(now), V_INT(now), V_INT(user_id))))
		return -1;
	if (db_exec(db,
		    "INSERT INTO password_history (user_id, password_hash, created_at) VALUES (?, "
		    "?, ?)",
		    P(V_INT(user_id), V_TEXT(hash), V_INT(now))))
		return -1;
	/* Keep the last 24 (the most the policy can ask for). */
	return db_exec(
		db,
		"DELETE FROM password_history WHERE user_id = ? AND id NOT IN "
		"(SELECT id FROM password_history WHERE user_id = ? ORDER BY id DESC LIMIT 24)",
		P(V_INT(user_id), V_INT(user_id)));
}

void password_generate(char out[15])
{
	static const char letters[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
	static const char digits[] = "23456789";
	for (;;) {
		bool l = false, d = false;
		for (int i = 0; i < 14; i++) {
			uint32_t pick =
				randombytes_uniform(sizeof(letters) - 1 + sizeof(digits) - 1);
			if (pick < sizeof(letters) - 1) {
				out[i] = letters[pick];
				l = true;
			} else {
				out[i] = digits[pick - (sizeof(letters) - 1)];
				d = true;
			}
		}
		out[14] = '\0';
		if (l && d)
			return;
	}
}
