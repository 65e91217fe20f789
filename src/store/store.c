/* store.c — engine dispatch, transactions with retry, and migrations. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_impl.h"
#include "migrations.h"
#include "../lib/log.h"
#include "../lib/timeutil.h"

int db_open(const char *url, struct db **out, struct buf *err)
{
	*out = NULL;
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
		return pg_open(url, out, err);
	if (!strncmp(url, "sqlite:", 7))
		url += 7;
	return sqlite_open(url, out, err);
}

void db_close(struct db *db)
{
	if (db) {
		sodium_memzero(db->audit_key, sizeof(db->audit_key));
		db->eng->close(db);
	}
}

void db_set_audit_key(struct db *db, const unsigned char key[32])
{
	memcpy(db->audit_key, key, sizeof(db->audit_key));
	db->has_audit_key = true;
}

const unsigned char *db_audit_key(const struct db *db)
{
	return db->has_audit_key ? db->audit_key : NULL;
}

const char *db_engine(const struct db *db)
{
	return db->eng->name;
}

void db_fail(struct db *db, enum db_errkind kind, const char *msg)
{
	db->err = kind;
	snprintf(db->errmsg, sizeof(db->errmsg), "%s", msg ? msg : "");
}

void db_set_error(struct db *db, enum db_errkind kind, const char *msg)
{
	db_fail(db, kind, msg);
}

enum db_errkind db_errkind(const struct db *db)
{
	return db->err;
}

const char *db_errmsg(const struct db *db)
{
	return db->errmsg;
}

/* A write outside a transaction, on an engine with one writer: a transaction of its own, so it
 * queues for the writer like any other (see store_sqlite.c). */
struct single {
	const char *sql;
	const struct dbval *p;
	size_t n;
	int64_t *id; /* db_insert */
	int64_t changes;
};

static int single_fn(struct db *db, void *arg)
{
	struct single *s = arg;
	if (s->id ? db_insert(db, s->id, s->sql, s->p, s->n)
		  : db->eng->exec(db, s->sql, s->p, s->n))
		return -1;
	s->changes = db->changes;
	return 0;
}

static int single_tx(struct db *db, struct single *s)
{
	int rc = db_tx(db, single_fn, s);
	db->changes = rc ? 0 : s->changes;
	return rc;
}

void db_set_guard(struct db *db, int (*fn)(void *arg), void *arg)
{
	db->guard = fn;
	db->guard_arg = arg;
}

/* Runs the guard before a write: once if it passes; if it refuses, it stays, and refuses
 * every later write too (a handler that goes on after a failed write writes nothing more). */
static int guard(struct db *db)
{
	int (*fn)(void *arg) = db->guard;
	if (!fn)
		return 0;
	db->guard = NULL;
	if (fn(db->guard_arg) == 0)
		return 0;
	db->guard = fn;
	db_fail(db, DBE_OTHER, "the change was not made: the session changed meanwhile");
	return -1;
}

int db_exec(struct db *db, const char *sql, const struct dbval *p, size_t n)
{
	db->err = DBE_NONE;
	if (guard(db))
		return -1;
	db_read_end(db); /* a write never runs inside a read snapshot */
	if (db->eng->one_writer && !db->in_tx)
		return single_tx(db, &(struct single){ sql, p, n, NULL, 0 });
	return db->eng->exec(db, sql, p, n);
}

int db_exec_script(struct db *db, const char *sql)
{
	db->err = DBE_NONE;
	return db->eng->exec_script(db, sql);
}

int64_t db_changes(struct db *db)
{
	return db->changes;
}

int db_query(struct db *db, struct dbrows *rows, const char *sql, const struct dbval *p, size_t n)
{
	db->err = DBE_NONE;
	memset(rows, 0, sizeof(*rows));
	rows->db = db;
	return db->eng->query(db, rows, sql, p, n);
}

int db_query_ahead(struct db *db, struct dbrows *rows, const char *sql, const struct dbval *p,
		   size_t n)
{
	if (!db->eng->query_ahead)
		return db_query(db, rows, sql, p, n);
	db->err = DBE_NONE;
	memset(rows, 0, sizeof(*rows));
	rows->db = db;
	return db->eng->query_ahead(db, rows, sql, p, n);
}

int db_data_version(struct db *db, int64_t *version)
{
	*version = 0;
	return db->eng->data_version ? db->eng->data_version(db, version) : -1;
}

bool db_next(struct dbrows *rows)
{
	if (rows->pending)
		rows->db->eng->fetch(rows->db);
	if (!rows->impl || rows->failed)
		return false;
	return rows->db->eng->next(rows);
}

bool db_isnull(struct dbrows *rows, int col)
{
	return rows->db->eng->isnull(rows, col);
}

int64_t db_int(struct dbrows *rows, int col)
{
	return rows->db->eng->get_int(rows, col);
}

const char *db_text(struct dbrows *rows, int col)
{
	return rows->db->eng->get_text(rows, col);
}

size_t db_len(struct dbrows *rows, int col)
{
	size_t n;
	rows->db->eng->get_text_len(rows, col, &n);
	return n;
}

const char *db_text_len(struct dbrows *rows, int col, size_t *len)
{
	return rows->db->eng->get_text_len(rows, col, len);
}

void db_rows_free(struct dbrows *rows)
{
	if (rows->pending)
		rows->db->eng->fetch(rows->db);
	if (rows->db && rows->impl)
		rows->db->eng->rows_free(rows);
	rows->impl = NULL;
}

int db_query_int(struct db *db, int64_t *out, bool *found, const char *sql, const struct dbval *p,
		 size_t n)
{
	struct dbrows r;
	bool got = false;
	if (db_query(db, &r, sql, p, n))
		return -1;
	if (db_next(&r)) {
		got = true;
		*out = db_isnull(&r, 0) ? 0 : db_int(&r, 0);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (found)
		*found = got;
	return failed ? -1 : 0;
}

int db_insert(struct db *db, int64_t *id, const char *sql, const struct dbval *p, size_t n)
{
	db->err = DBE_NONE;
	if (guard(db))
		return -1;
	if (db->eng->one_writer && !db->in_tx) {
		db_read_end(db);
		return single_tx(db, &(struct single){ sql, p, n, id, 0 });
	}
	bool found;
	if (db_query_int(db, id, &found, sql, p, n))
		return -1;
	if (!found) {
		db_fail(db, DBE_OTHER, "insert returned no id");
		return -1;
	}
	db->changes = 1;
	return 0;
}

int db_read_begin(struct db *db)
{
	if (db->in_tx || db->in_read || !db->eng->begin_read)
		return 0;
	if (db->eng->begin_read(db))
		return -1;
	db->in_read = true;
	return 0;
}

bool db_reading(struct db *db)
{
	return db->in_read || db->in_tx;
}

void db_read_end(struct db *db)
{
	if (!db->in_read)
		return;
	db->in_read = false;
	if (db->eng->exec(db, "COMMIT", NULL, 0))
		db->eng->exec(db, "ROLLBACK", NULL, 0);
}

int db_begin(struct db *db)
{
	/* A transaction inside a transaction is a bug (on SQLite it would wait for itself):
	 * it fails, and the log says so. */
	if (db->in_tx) {
		log_error("db: a transaction was begun inside another");
		db_fail(db, DBE_OTHER, "nested transaction");
		return -1;
	}
	db->err = DBE_NONE;
	if (guard(db))
		return -1;
	db_read_end(db);
	if (db->eng->begin(db))
		return -1;
	db->in_tx = true;
	return 0;
}

#ifdef MAMORI_FAULTS
/* Test builds only: while the file named by MAMORI_FAULT_SLOW_COMMIT_FILE exists, every COMMIT
 * waits 300 ms first, so that a test can make two changes overlap. */
static void slow_commit(void)
{
	const char *f = getenv("MAMORI_FAULT_SLOW_COMMIT_FILE");
	if (f && access(f, F_OK) == 0)
		nanosleep(&(struct timespec){ .tv_nsec = 300000000 }, NULL);
}
#endif

int db_commit(struct db *db)
{
	int rc;
#ifdef MAMORI_FAULTS
	slow_commit();
#endif
	if (db->eng->commit) {
		rc = db->eng->commit(db);
	} else if ((rc = db->eng->exec(db, "COMMIT", NULL, 0))) {
		/* A failed COMMIT leaves the transaction open on some engines: end it. */
		enum db_errkind k = db->err;
		char msg[256];
		memcpy(msg, db->errmsg, sizeof(msg));
		db->eng->exec(db, "ROLLBACK", NULL, 0);
		db_fail(db, k, msg);
	}
	db->in_tx = false;
	return rc;
}

void db_rollback(struct db *db)
{
	if (!db->in_tx)
		return;
	enum db_errkind k = db->err;
	char msg[256];
	memcpy(msg, db->errmsg, sizeof(msg));
	if (db->eng->rollback)
		db->eng->rollback(db);
	else
		db->eng->exec(db, "ROLLBACK", NULL, 0);
	db->in_tx = false;
	db->err = k; /* keep the error that caused the rollback */
	memcpy(db->errmsg, msg, sizeof(msg));
}

int db_tx(struct db *db, int (*fn)(struct db *db, void *arg), void *arg)
{
	for (int attempt = 0;; attempt++) {
		if (db_begin(db) == 0) {
			if (fn(db, arg) == 0) {
				if (db_commit(db) == 0)
					return 0;
			} else {
				db_rollback(db);
			}
		}
		if (db->err != DBE_BUSY || attempt >= 8)
			return -1;
		usleep((useconds_t)(1000 << attempt)); /* 1 ms .. 256 ms */
	}
}

struct tx_st {
	enum status (*fn)(struct db *db, void *arg);
	void *arg;
	enum status st;
};

static int tx_st_fn(struct db *db, void *arg)
{
	struct tx_st *t = arg;
	t->st = t->fn(db, t->arg);
	return t->st == ST_OK ? 0 : -1;
}

enum status db_tx_status(struct db *db, int (*fn)(struct db *db, void *arg), void *arg,
			 enum status *st)
{
	if (db_tx(db, fn, arg) == 0)
		return ST_OK;
	return *st == ST_OK ? ST_DB : *st;
}

enum status db_tx_st(struct db *db, enum status (*fn)(struct db *db, void *arg), void *arg)
{
	struct tx_st t = { fn, arg, ST_DB };
	return db_tx_status(db, tx_st_fn, &t, &t.st);
}

int db_lock_chain(struct db *db)
{
	return db->eng->lock_chain(db);
}

/* A stable 63-bit key for a lock name (FNV-1a), the same on every node. */
static int64_t lock_key(const char *name)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return (int64_t)(h >> 1);
}

int db_lock(struct db *db, const char *name)
{
	return db->eng->lock ? db->eng->lock(db, lock_key(name)) : 0;
}

int db_try_lock(struct db *db, const char *name, bool *got)
{
	*got = true;
	return db->eng->try_lock ? db->eng->try_lock(db, lock_key(name), got) : 0;
}

int db_unlock(struct db *db, const char *name)
{
	return db->eng->unlock ? db->eng->unlock(db, lock_key(name)) : 0;
}

int db_backup(struct db *db, const char *path)
{
	db->err = DBE_NONE;
	return db->eng->backup(db, path);
}

int db_restore(struct db *db, const char *path)
{
	db->err = DBE_NONE;
	return db->eng->restore(db, path);
}

int db_integrity(struct db *db, struct buf *problems)
{
	db->err = DBE_NONE;
	return db->eng->integrity(db, problems);
}

int64_t db_schema_version(struct db *db)
{
	int64_t v = 0;
	bool found;
	if (db_query_int(db, &v, &found, "SELECT MAX(version) FROM schema_migrations", P0))
		return 0;
	return v;
}

/* Substitutes the engine's spelling for the portable tokens in a migration. */
static void migration_sql(struct db *db, const char *src, struct buf *out)
{
	const char *p = src;
	const char *tok;
	while ((tok = strstr(p, "@ID@"))) {
		buf_add(out, p, (size_t)(tok - p));
		buf_adds(out, db->eng->id_column);
		p = tok + 4;
	}
	buf_adds(out, p);
}

int db_migrate(struct db *db, struct buf *err)
{
	if (db_exec(db,
		    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
		    "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
		    P0)) {
		buf_printf(err, "cannot create the migrations table: %s", db_errmsg(db));
		return -1;
	}
	for (size_t i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		bool found;
		int64_t one;
		if (db_query_int(db, &one, &found,
				 "SELECT 1 FROM schema_migrations WHERE version = ?",
				 P(V_INT(m->version)))) {
			buf_printf(err, "cannot read the migrations table: %s", db_errmsg(db));
			return -1;
		}
		if (found)
			continue;
		struct buf sql = BUF_INIT;
		migration_sql(db, m->sql, &sql);
		int rc = -1;
		if (db_begin(db) == 0) {
			if (db_exec_script(db, sql.buf) == 0 &&
			    db_exec(db,
				    "INSERT INTO schema_migrations (version, name, applied_at) "
				    "VALUES (?, ?, ?)",
				    P(V_INT(m->version), V_TEXT(m->name), V_INT(now_unix()))) == 0)
				rc = db_commit(db);
			else
				db_rollback(db);
		}
		buf_release(&sql);
		if (rc) {
			buf_printf(err, "migration %s failed: %s", m->name, db_errmsg(db));
			return -1;
		}
	}
	return 0;
}
