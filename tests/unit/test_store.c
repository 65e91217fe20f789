/* test_store.c — SQLite group commit: transactions of several connections share one COMMIT,
 * each learns the fate of its own changes, and no failure of one loses or keeps another's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "store/store_impl.h"

static char dir[] = "/tmp/mamori-test-store.XXXXXX";
static char path[256];

static struct db *open_db(void)
{
	struct db *db;
	struct buf err = BUF_INIT;
	assert_int_equal(db_open(path, &db, &err), 0);
	buf_release(&err);
	return db;
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, NULL, sql, P0), 0);
	return n;
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.db", dir);
	struct db *db = open_db();
	assert_int_equal(
		db_exec(db, "CREATE TABLE t (n INTEGER PRIMARY KEY, who TEXT NOT NULL)", P0), 0);
	assert_int_equal(db_exec(db,
				 "CREATE TABLE child (parent INTEGER REFERENCES t (n) "
				 "DEFERRABLE INITIALLY DEFERRED)",
				 P0),
			 0);
	db_close(db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char f[300];
	const char *suffix[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		snprintf(f, sizeof(f), "%s%s", path, suffix[i]);
		unlink(f);
	}
	rmdir(dir);
	return 0;
}

/* Appends the next number, as the audit chain appends the next event: the batch's earlier
 * transactions must be visible to the later ones. */
static int append(struct db *db, const char *who)
{
	int64_t last = 0;
	if (db_query_int(db, &last, NULL, "SELECT COALESCE(MAX(n), 0) FROM t", P0))
		return -1;
	return db_exec(db, "INSERT INTO t (n, who) VALUES (?, ?)", P(V_INT(last + 1), V_TEXT(who)));
}

static int queued(struct db *db)
{
	bool active;
	int q;
	sqlite_writer_state(db, &active, &q);
	return q;
}

static bool writer_active(struct db *db)
{
	bool active;
	int q;
	sqlite_writer_state(db, &active, &q);
	return active;
}

/* The first transaction: appends, then holds the writer until the second has queued, so that
 * it ends with someone queued and joins the batch instead of committing. */
struct first {
	struct db *db;
	int rc;
	enum db_errkind err;
};

static int first_fn(struct db *db, void *arg)
{
	(void)arg;
	if (append(db, "first"))
		return -1;
	while (queued(db) == 0)
		usleep(1000);
	return 0;
}

static void *first_thread(void *arg)
{
	struct first *f = arg;
	f->rc = db_tx(f->db, first_fn, f);
	f->err = db_errkind(f->db);
	return NULL;
}

enum second_kind {
	SECOND_OK,
	SECOND_FAILS,
	SECOND_ENDS_BATCH,
	SECOND_FILLS_DISK,
	SECOND_BREAKS_DEFERRED_KEY,
};

static int second_fn(struct db *db, void *arg)
{
	enum second_kind k = *(enum second_kind *)arg;
	if (append(db, "second"))
		return -1;
	if (k == SECOND_FAILS) {
		db_set_error(db, DBE_CONSTRAINT, "a rule refused the change");
		return -1;
	}
	if (k == SECOND_ENDS_BATCH) {
		/* What SQLite does on its own after a full disk or an I/O error. */
		assert_int_equal(db_exec(db, "ROLLBACK", P0), 0);
		db_set_error(db, DBE_UNAVAILABLE, "disk full");
		return -1;
	}
	if (k == SECOND_BREAKS_DEFERRED_KEY)
		return db_exec(db, "INSERT INTO child (parent) VALUES (999999)", P0);
	if (k == SECOND_FILLS_DISK) {
		/* The database may not grow: a large row fails as on a full disk. */
		int64_t pages = 0;
		if (db_query_int(db, &pages, NULL, "PRAGMA page_count", P0))
			return -1;
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", (long long)pages);
		assert_int_equal(db_exec(db, sql, P0), 0);
		assert_int_equal(db_exec(db,
					 "INSERT INTO t (n, who) VALUES (1000000, "
					 "printf('%.*c', 200000, 'x'))",
					 P0),
				 -1);
		return -1;
	}
	return 0;
}

/* Runs "first" in a thread and "second" here once first holds the writer; returns second's
 * result. */
static int pair(struct first *f, enum second_kind k, int64_t *commits_used)
{
	struct db *second = open_db();
	int64_t tx0, c0, tx1, c1;
	sqlite_write_stats(second, &tx0, &c0);
	f->db = open_db();
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, first_thread, f), 0);
	/* Wait until first is inside its transaction (it holds the writer). */
	while (!writer_active(second))
		usleep(1000);
	int rc = db_tx(second, second_fn, &k);
	pthread_join(t, NULL);
	sqlite_write_stats(second, &tx1, &c1);
	*commits_used = c1 - c0;
	db_close(second);
	db_close(f->db);
	return rc;
}

static void batch_shares_one_commit(void **state)
{
	(void)state;
	struct db *db = open_db();
	int64_t before = count(db, "SELECT COUNT(*) FROM t"), commits;
	struct first f = { 0 };
	assert_int_equal(pair(&f, SECOND_OK, &commits), 0);
	assert_int_equal(f.rc, 0);
	assert_int_equal(commits, 1); /* two transactions, one COMMIT (one fsync) */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t"), before + 2);
	/* second saw first's uncommitted row and appended after it */
	assert_int_equal(count(db,
			       "SELECT COUNT(*) FROM t WHERE who = 'second' AND n = "
			       "(SELECT n + 1 FROM t WHERE who = 'first' ORDER BY n DESC LIMIT 1)"),
			 1);
	assert_int_equal(db_exec(db, "DELETE FROM t", P0), 0);
	db_close(db);
}

static void failed_member_leaves_the_others(void **state)
{
	(void)state;
	struct db *db = open_db();
	int64_t commits;
	struct first f = { 0 };
	assert_int_equal(pair(&f, SECOND_FAILS, &commits), -1);
	assert_int_equal(f.rc, 0);
	assert_int_equal(commits, 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t WHERE who = 'first'"), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t WHERE who = 'second'"), 0);
	assert_int_equal(db_exec(db, "DELETE FROM t", P0), 0);
	db_close(db);
}

static void lost_batch_fails_every_member(void **state)
{
	(void)state;
	struct db *db = open_db();
	int64_t commits;
	struct first f = { 0 };
	assert_int_equal(pair(&f, SECOND_ENDS_BATCH, &commits), -1);
	/* first was told its change is gone, with the reason, and it is gone */
	assert_int_equal(f.rc, -1);
	assert_int_equal(f.err, DBE_UNAVAILABLE);
	assert_int_equal(commits, 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t"), 0);
	/* and the writer goes on */
	assert_int_equal(db_exec(db, "INSERT INTO t (n, who) VALUES (1, 'after')", P0), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t"), 1);
	assert_int_equal(db_exec(db, "DELETE FROM t", P0), 0);
	db_close(db);
}

static void full_disk_keeps_every_answer_true(void **state)
{
	(void)state;
	struct db *db = open_db();
	int64_t commits;
	struct first f = { 0 };
	assert_int_equal(pair(&f, SECOND_FILLS_DISK, &commits), -1);
	/* Whatever SQLite did with the outer transaction, first's answer matches the database. */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t WHERE who = 'first'"),
			 f.rc == 0 ? 1 : 0);
	if (f.rc)
		assert_int_equal(f.err, DBE_UNAVAILABLE);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t WHERE who = 'second'"), 0);
	assert_int_equal(db_exec(db, "PRAGMA max_page_count = 1073741823", P0), 0);
	assert_int_equal(db_exec(db, "DELETE FROM t", P0), 0);
	db_close(db);
}

static void failed_commit_fails_every_member(void **state)
{
	(void)state;
	struct db *db = open_db();
	int64_t commits;
	struct first f = { 0 };
	setenv("MAMORI_FAULT_COMMIT_FILE", path, 1); /* exists: every COMMIT fails */
	int rc = pair(&f, SECOND_OK, &commits);
	unsetenv("MAMORI_FAULT_COMMIT_FILE");
	assert_int_equal(rc, -1);
	assert_int_equal(f.rc, -1);
	assert_int_equal(f.err, DBE_UNAVAILABLE);
	assert_int_equal(commits, 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t"), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t (n, who) VALUES (1, 'after')", P0), 0);
	assert_int_equal(db_exec(db, "DELETE FROM t", P0), 0);
	db_close(db);
}

static void deferred_key_fails_only_its_transaction(void **state)
{
	(void)state;
	struct db *db = open_db();
	int64_t commits;
	struct first f = { 0 };
	assert_int_equal(pair(&f, SECOND_BREAKS_DEFERRED_KEY, &commits), -1);
	assert_int_equal(f.rc, 0);
	assert_int_equal(commits, 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t WHERE who = 'first'"), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t WHERE who = 'second'"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM child"), 0);
	assert_int_equal(db_exec(db, "DELETE FROM t", P0), 0);
	db_close(db);
}

/* Many connections at once, one in five transactions failing: exactly the acknowledged rows
 * exist, numbered without gaps, and fewer COMMITs than transactions were needed. */
#define WRITERS 8
#define EACH    150

struct writer_run {
	int id;
	int ok, failed;
};

static int stress_fn(struct db *db, void *arg)
{
	int *i = arg;
	char who[16];
	snprintf(who, sizeof(who), "w%d", *i / 1000);
	if (append(db, who))
		return -1;
	if (*i % 5 == 0) {
		db_set_error(db, DBE_CONSTRAINT, "refused");
		return -1;
	}
	return 0;
}

static void *stress_thread(void *arg)
{
	struct writer_run *w = arg;
	struct db *db = open_db();
	for (int i = 0; i < EACH; i++) {
		int tag = w->id * 1000 + i;
		if (db_tx(db, stress_fn, &tag) == 0)
			w->ok++;
		else
			w->failed++;
	}
	db_close(db);
	return NULL;
}

static void concurrent_writers(void **state)
{
	(void)state;
	struct db *db = open_db();
	int64_t tx0, c0, tx1, c1;
	sqlite_write_stats(db, &tx0, &c0);
	pthread_t t[WRITERS];
	struct writer_run w[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer_run){ .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, stress_thread, &w[i]), 0);
	}
	int ok = 0;
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		ok += w[i].ok;
		assert_int_equal(w[i].failed, EACH / 5);
	}
	sqlite_write_stats(db, &tx1, &c1);
	assert_int_equal(ok, WRITERS * EACH * 4 / 5);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t"), ok);
	assert_int_equal(count(db, "SELECT MAX(n) FROM t"), ok);
	assert_int_equal(tx1 - tx0, ok);
	assert_true(c1 - c0 < tx1 - tx0);
	char sql[96];
	for (int i = 0; i < WRITERS; i++) {
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM t WHERE who = 'w%d'", i);
		assert_int_equal(count(db, sql), w[i].ok);
	}
	assert_int_equal(db_exec(db, "DELETE FROM t", P0), 0);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_shares_one_commit),
		cmocka_unit_test(failed_member_leaves_the_others),
		cmocka_unit_test(lost_batch_fails_every_member),
		cmocka_unit_test(full_disk_keeps_every_answer_true),
		cmocka_unit_test(failed_commit_fails_every_member),
		cmocka_unit_test(deferred_key_fails_only_its_transaction),
		cmocka_unit_test(concurrent_writers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
