/* test_audit.c — the hash chain: append, verify, and every kind of tampering. */
#include "unit.h"
#include "audit/audit.h"
#include "lib/crypto.h"

#include <string.h>

static const unsigned char master[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static struct db *empty(void)
{
	struct db *db;
	struct buf err = BUF_INIT;
	unsigned char key[AUDIT_KEY_BYTES];
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(db_migrate(db, &err), 0);
	buf_release(&err);
	audit_key_derive(master, key);
	db_set_audit_key(db, key);
	return db;
}

static struct db *fresh(void)
{
	struct db *db = empty();
	struct actor who = { 1, "admin", "127.0.0.1" };
	for (int i = 0; i < 5; i++) {
		json_t *s = json_pack("{s:i,s:s}", "n", i, "name", "山田");
		assert_int_equal(audit_append_tx(db, &who, "user.update", "user", 7, s), 0);
		json_decref(s);
	}
	return db;
}

static struct audit_verdict verify(struct db *db, int64_t seq, const char *hash)
{
	struct audit_verdict v;
	assert_int_equal(audit_verify(db, seq, hash, &v), 0);
	return v;
}

static void intact_chain(void **state)
{
	(void)state;
	struct db *db = fresh();
	struct audit_verdict v = verify(db, 0, NULL);
	assert_true(v.intact);
	assert_int_equal(v.count, 5);
	assert_int_equal(v.head_seq, 5);
	int64_t seq;
	char hash[AUDIT_HASH_HEX];
	assert_int_equal(audit_head(db, &seq, hash), 0);
	assert_int_equal(seq, 5);
	assert_string_equal(hash, v.head_hash);
	v = verify(db, seq, hash);
	assert_true(v.intact);
	db_close(db);
}

static void hash_is_deterministic_and_sensitive(void **state)
{
	(void)state;
	char a[AUDIT_HASH_HEX], b[AUDIT_HASH_HEX], c[AUDIT_HASH_HEX], d[AUDIT_HASH_HEX];
	unsigned char key[AUDIT_KEY_BYTES], other[AUDIT_KEY_BYTES];
	const char *zero = "0000000000000000000000000000000000000000000000000000000000000000";
	audit_key_derive(master, key);
	audit_hash(key, zero, 1, 100, 1, "admin", "ip", "x", "user", 2, "{}", a);
	audit_hash(key, zero, 1, 100, 1, "admin", "ip", "x", "user", 2, "{}", b);
	assert_string_equal(a, b);
	/* Moving a character between fields changes the hash (length-prefixed fields). */
	audit_hash(key, zero, 1, 100, 1, "admi", "nip", "x", "user", 2, "{}", c);
	assert_string_not_equal(a, c);
	/* Without the key, or under another, the same event hashes differently. */
	audit_hash(NULL, zero, 1, 100, 1, "admin", "ip", "x", "user", 2, "{}", c);
	assert_string_not_equal(a, c);
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	audit_hash(other, zero, 1, 100, 1, "admin", "ip", "x", "user", 2, "{}", d);
	assert_string_not_equal(a, d);
	assert_string_not_equal(c, d);
	/* The key is libsodium's KDF of the master key: not the master key itself. */
	assert_memory_not_equal(key, master, sizeof(key));
}

static void edited_event(void **state)
{
	(void)state;
	struct db *db = fresh();
	assert_int_equal(
		db_exec(db, "UPDATE audit_events SET summary = '{\"n\":9}' WHERE seq = 3", P0), 0);
	struct audit_verdict v = verify(db, 0, NULL);
	assert_false(v.intact);
	assert_int_equal(v.bad_seq, 3);
	db_close(db);
}

static void deleted_event(void **state)
{
	(void)state;
	struct db *db = fresh();
	assert_int_equal(db_exec(db, "DELETE FROM audit_events WHERE seq = 2", P0), 0);
	struct audit_verdict v = verify(db, 0, NULL);
	assert_false(v.intact);
	assert_int_equal(v.bad_seq, 2);
	db_close(db);
}

static void reordered_events(void **state)
{
	(void)state;
	struct db *db = fresh();
	assert_int_equal(db_exec(db, "UPDATE audit_events SET seq = 100 WHERE seq = 2", P0), 0);
	assert_int_equal(db_exec(db, "UPDATE audit_events SET seq = 2 WHERE seq = 3", P0), 0);
	assert_int_equal(db_exec(db, "UPDATE audit_events SET seq = 3 WHERE seq = 100", P0), 0);
	struct audit_verdict v = verify(db, 0, NULL);
	assert_false(v.intact);
	assert_int_equal(v.bad_seq, 2);
	db_close(db);
}

static void inserted_event(void **state)
{
	(void)state;
	struct db *db = fresh();
	/* A forged event appended with a made-up hash. */
	assert_int_equal(
		db_exec(db,
			"INSERT INTO audit_events SELECT 6, at, actor_id, actor_login, ip, "
			"'user.delete', object_type, object_id, summary, hash, hash "
			"FROM audit_events WHERE seq = 5",
			P0),
		0);
	struct audit_verdict v = verify(db, 0, NULL);
	assert_false(v.intact);
	assert_int_equal(v.bad_seq, 6);
	db_close(db);
}

static void truncated_trail(void **state)
{
	(void)state;
	struct db *db = fresh();
	int64_t seq;
	char hash[AUDIT_HASH_HEX];
	assert_int_equal(audit_head(db, &seq, hash), 0);
	assert_int_equal(db_exec(db, "DELETE FROM audit_events WHERE seq >= 4", P0), 0);
	struct audit_verdict v = verify(db, 0, NULL); /* the head record names event 5 */
	assert_false(v.intact);
	assert_int_equal(v.bad_seq, 4);
	assert_non_null(strstr(v.reason, "truncated"));
	v = verify(db, seq, hash);
	assert_false(v.intact);
	db_close(db);
}

static void wiped_trail(void **state)
{
	(void)state;
	struct db *db = empty();
	assert_true(verify(db, 0, NULL).intact); /* a new database: nothing yet */
	db_close(db);
	db = fresh();
	assert_int_equal(db_exec(db, "DELETE FROM audit_events", P0), 0);
	struct audit_verdict v = verify(db, 0, NULL);
	assert_false(v.intact);
	assert_int_equal(v.count, 0);
	assert_non_null(strstr(v.reason, "wiped"));
	/* Also without the head record, while the database holds accounts. */
	assert_int_equal(db_exec(db, "DELETE FROM audit_head", P0), 0);
	assert_int_equal(db_exec(db,
				 "INSERT INTO users (login, login_key, name, password_hash, "
				 "created_at, updated_at) VALUES ('a', 'a', 'A', 'x', 0, 0)",
				 P0),
			 0);
	v = verify(db, 0, NULL);
	assert_false(v.intact);
	assert_non_null(strstr(v.reason, "1 accounts"));
	/* Appending to a trail without its head record is refused. */
	assert_int_equal(db_exec(db,
				 "INSERT INTO audit_events (seq, at, action, summary, prev_hash, "
				 "hash) VALUES (1, 1, 'x', '{}', '', '')",
				 P0),
			 0);
	struct actor who = { 1, "admin", "127.0.0.1" };
	assert_int_equal(audit_append_tx(db, &who, "user.update", "user", 7, NULL), -1);
	db_close(db);
}

static void no_key_no_append(void **state)
{
	(void)state;
	struct db *db;
	struct buf err = BUF_INIT;
	struct audit_verdict v;
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(db_migrate(db, &err), 0);
	buf_release(&err);
	struct actor who = { 1, "admin", "127.0.0.1" };
	assert_int_equal(audit_append_tx(db, &who, "user.update", "user", 7, NULL), -1);
	assert_int_equal(audit_verify(db, 0, NULL, &v), -1);
	db_close(db);
}

/* A trail written before keying: unkeyed hashes, no head record. */
static void legacy_trail_is_keyed_once(void **state)
{
	(void)state;
	struct db *db = empty();
	char prev[AUDIT_HASH_HEX] =
		"0000000000000000000000000000000000000000000000000000000000000000";
	for (int seq = 1; seq <= 3; seq++) {
		char h[AUDIT_HASH_HEX];
		audit_hash(NULL, prev, seq, 100 + seq, 1, "admin", "ip", "user.update", "user", 7,
			   "{}", h);
		assert_int_equal(
			db_exec(db,
				"INSERT INTO audit_events (seq, at, actor_id, actor_login, "
				"ip, action, object_type, object_id, summary, prev_hash, "
				"hash) VALUES (?, ?, 1, 'admin', 'ip', 'user.update', "
				"'user', 7, '{}', ?, ?)",
				P(V_INT(seq), V_INT(100 + seq), V_TEXT(prev), V_TEXT(h))),
			0);
		memcpy(prev, h, sizeof(prev));
	}
	struct audit_verdict v = verify(db, 0, NULL);
	assert_false(v.intact); /* no head record yet */
	int64_t at;
	assert_int_equal(audit_upgrade(db, &at), 0);
	assert_int_equal(at, 4);
	v = verify(db, 0, NULL);
	assert_true(v.intact);
	assert_int_equal(v.count, 4);
	assert_int_equal(v.keyed_from, 4);
	assert_int_equal(audit_upgrade(db, &at), 0); /* once */
	assert_int_equal(at, 0);
	struct dbrows r;
	assert_int_equal(
		db_query(db, &r, "SELECT action, summary FROM audit_events WHERE seq = 4", P0), 0);
	assert_true(db_next(&r));
	assert_string_equal(db_text(&r, 0), "audit.rekey");
	assert_non_null(strstr(db_text(&r, 1), prev)); /* the old head is recorded */
	assert_non_null(strstr(db_text(&r, 1), "\"unkeyed_intact\":true"));
	db_rows_free(&r);
	struct actor who = { 1, "admin", "127.0.0.1" };
	assert_int_equal(audit_append_tx(db, &who, "user.update", "user", 7, NULL), 0);
	assert_true(verify(db, 0, NULL).intact);
	/* Editing an old, unkeyed event and recomputing the old hashes breaks the keyed one. */
	char h[AUDIT_HASH_HEX];
	audit_hash(NULL, "0000000000000000000000000000000000000000000000000000000000000000", 1, 101,
		   1, "mallory", "ip", "user.update", "user", 7, "{}", h);
	assert_int_equal(db_exec(db,
				 "UPDATE audit_events SET actor_login = 'mallory', hash = ? WHERE "
				 "seq = 1",
				 P(V_TEXT(h))),
			 0);
	memcpy(prev, h, sizeof(prev));
	for (int seq = 2; seq <= 3; seq++) {
		audit_hash(NULL, prev, seq, 100 + seq, 1, "admin", "ip", "user.update", "user", 7,
			   "{}", h);
		assert_int_equal(db_exec(db,
					 "UPDATE audit_events SET prev_hash = ?, hash = ? WHERE "
					 "seq = ?",
					 P(V_TEXT(prev), V_TEXT(h), V_INT(seq))),
				 0);
		memcpy(prev, h, sizeof(prev));
	}
	v = verify(db, 0, NULL);
	assert_false(v.intact);
	assert_int_equal(v.bad_seq, 4);
	db_close(db);
}

static void sealed_actor(void **state)
{
	(void)state;
	struct db *db = fresh();
	struct actor who = { 42, "reporter", "10.0.0.7" };
	json_t *s = json_pack("{s:s}", "kind", "near_miss");
	assert_int_equal(
		audit_append_sealed_tx(db, master, &who, "incident.create", "incident", 9, s), 0);
	json_decref(s);
	assert_true(verify(db, 0, NULL).intact);
	struct dbrows r;
	assert_int_equal(
		db_query(db, &r, "SELECT " AUDIT_COLUMNS " FROM audit_events WHERE seq = 6", P0),
		0);
	assert_true(db_next(&r));
	assert_int_equal(db_int(&r, 2), 0);
	assert_string_equal(db_text(&r, 3), "");
	assert_string_equal(db_text(&r, 4), "");
	assert_null(strstr(db_text(&r, 8), "reporter"));
	json_t *hidden = audit_row_view(&r, NULL), *shown = audit_row_view(&r, master);
	assert_true(json_is_true(json_object_get(hidden, "anonymous")));
	assert_true(json_is_null(json_object_get(hidden, "actor_login")));
	assert_true(json_is_null(json_object_get(hidden, "actor_id")));
	assert_string_equal(json_string_value(json_object_get(hidden, "ip")), "");
	assert_null(json_object_get(json_object_get(hidden, "summary"), "sealed_actor"));
	assert_string_equal(json_string_value(json_object_get(shown, "actor_login")), "reporter");
	assert_int_equal(json_integer_value(json_object_get(shown, "actor_id")), 42);
	assert_string_equal(json_string_value(json_object_get(shown, "ip")), "10.0.0.7");
	assert_null(json_object_get(json_object_get(shown, "summary"), "sealed_actor"));
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(shown, "summary"), "kind")),
		"near_miss");
	json_decref(hidden);
	json_decref(shown);
	db_rows_free(&r);
	/* The sealed actor is bound to its event: copied into another, it does not open. */
	assert_int_equal(db_exec(db,
				 "UPDATE audit_events SET summary = (SELECT summary FROM "
				 "audit_events WHERE seq = 6) WHERE seq = 5",
				 P0),
			 0);
	assert_int_equal(
		db_query(db, &r, "SELECT " AUDIT_COLUMNS " FROM audit_events WHERE seq = 5", P0),
		0);
	assert_true(db_next(&r));
	shown = audit_row_view(&r, master);
	assert_string_equal(json_string_value(json_object_get(shown, "actor_login")), "admin");
	json_decref(shown);
	db_rows_free(&r);
	db_close(db);
}

int main(void)
{
	if (crypto_start())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intact_chain),
		cmocka_unit_test(hash_is_deterministic_and_sensitive),
		cmocka_unit_test(edited_event),
		cmocka_unit_test(deleted_event),
		cmocka_unit_test(reordered_events),
		cmocka_unit_test(inserted_event),
		cmocka_unit_test(truncated_trail),
		cmocka_unit_test(wiped_trail),
		cmocka_unit_test(no_key_no_append),
		cmocka_unit_test(legacy_trail_is_keyed_once),
		cmocka_unit_test(sealed_actor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
