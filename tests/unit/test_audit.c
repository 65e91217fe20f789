/* test_audit.c — the hash chain: append, verify, and every kind of tampering. */
#include "unit.h"
#include "audit/audit.h"
#include "lib/crypto.h"

static struct db *fresh(void)
{
	struct db *db;
	struct buf err = BUF_INIT;
	assert_int_equal(db_open(":memory:", &db, &err), 0);
	assert_int_equal(db_migrate(db, &err), 0);
	buf_release(&err);
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
	char a[AUDIT_HASH_HEX], b[AUDIT_HASH_HEX], c[AUDIT_HASH_HEX];
	const char *zero = "0000000000000000000000000000000000000000000000000000000000000000";
	audit_hash(zero, 1, 100, 1, "admin", "ip", "x", "user", 2, "{}", a);
	audit_hash(zero, 1, 100, 1, "admin", "ip", "x", "user", 2, "{}", b);
	assert_string_equal(a, b);
	/* Moving a character between fields changes the hash (length-prefixed fields). */
	audit_hash(zero, 1, 100, 1, "admi", "nip", "x", "user", 2, "{}", c);
	assert_string_not_equal(a, c);
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
	assert_true(verify(db, 0, NULL).intact); /* undetectable without a recorded head */
	struct audit_verdict v = verify(db, seq, hash);
	assert_false(v.intact);
	assert_int_equal(v.bad_seq, 5);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
