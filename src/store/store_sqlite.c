/*
 * store_sqlite.c — the built-in SQLite engine.
 *
 * WAL, synchronous=FULL (nothing acknowledged is lost on power failure), foreign keys on,
 * a busy timeout so writers queue instead of failing. Prepared statements are cached per
 * connection, keyed by their SQL text, because the same few statements run on every request.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_impl.h"

#define CACHE_SLOTS 128

struct cached {
	char *sql;
	sqlite3_stmt *stmt;
	bool busy; /* handed out to a dbrows that is still open */
	uint64_t used;
};

struct cache {
	struct cached slot[CACHE_SLOTS];
	uint64_t tick;
};

static enum db_errkind kind_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DBE_BUSY;
	case SQLITE_CONSTRAINT:
		return DBE_CONSTRAINT;
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return DBE_UNAVAILABLE;
	default:
		return DBE_OTHER;
	}
}

static int fail(struct db *db, int rc)
{
	db_fail(db, kind_of(rc), sqlite3_errmsg(db->conn));
	return -1;
}

/* A prepared, reset statement for `sql`, from the cache when possible. */
static sqlite3_stmt *stmt_get(struct db *db, const char *sql)
{
	struct cache *c = db->cache;
	struct cached *victim = NULL;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct cached *s = &c->slot[i];
		if (s->sql && !s->busy && !strcmp(s->sql, sql)) {
			s->busy = true;
			s->used = ++c->tick;
			return s->stmt;
		}
		if (!s->busy && (!victim || !s->sql || (victim->sql && s->used < victim->used)))
			victim = s;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		fail(db, rc);
		return NULL;
	}
	if (victim) {
		if (victim->sql) {
			sqlite3_finalize(victim->stmt);
			free(victim->sql);
		}
		victim->sql = xstrdup(sql);
		victim->stmt = st;
		victim->busy = true;
		victim->used = ++c->tick;
	}
	return st;
}

static void stmt_put(struct db *db, sqlite3_stmt *st)
{
	struct cache *c = db->cache;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i].stmt == st && c->slot[i].busy) {
			c->slot[i].busy = false;
			return;
		}
	sqlite3_finalize(st); /* was not cached */
}

static int bind(struct db *db, sqlite3_stmt *st, const struct dbval *p, size_t n)
{
	if ((int)n != sqlite3_bind_parameter_count(st)) {
		db_fail(db, DBE_OTHER, "parameter count does not match the SQL");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int rc;
		switch (p[i].type) {
		case DBV_INT:
			rc = sqlite3_bind_int64(st, (int)i + 1, p[i].i);
			break;
		case DBV_TEXT:
			rc = sqlite3_bind_text(st, (int)i + 1, p[i].s, -1, SQLITE_TRANSIENT);
			break;
		default:
			rc = sqlite3_bind_null(st, (int)i + 1);
		}
		if (rc != SQLITE_OK)
			return fail(db, rc);
	}
	return 0;
}

#ifdef MAMORI_FAULTS
/* Test builds only (make check's ASan build): while the file named by
 * MAMORI_FAULT_READONLY_FILE exists, every write fails as SQLite fails on a file system that
 * has gone read-only, so the tests can prove the server answers 503 and recovers. */
static bool fault_readonly(sqlite3_stmt *st)
{
	const char *f = getenv("MAMORI_FAULT_READONLY_FILE");
	return f && !sqlite3_stmt_readonly(st) && access(f, F_OK) == 0;
}
#endif

static int sq_exec(struct db *db, const char *sql, const struct dbval *p, size_t n)
{
	sqlite3_stmt *st = stmt_get(db, sql);
	if (!st)
		return -1;
	int ret = -1;
	if (bind(db, st, p, n))
		goto out;
#ifdef MAMORI_FAULTS
	if (fault_readonly(st) && strncmp(sql, "ROLLBACK", 8) && strncmp(sql, "BEGIN", 5)) {
		db_fail(db, DBE_UNAVAILABLE, "attempt to write a readonly database (injected)");
		goto out;
	}
#endif
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		fail(db, rc);
		goto out;
	}
	db->changes = sqlite3_changes64(db->conn);
	ret = 0;
out:
	stmt_put(db, st);
	return ret;
}

static int sq_exec_script(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		db_fail(db, kind_of(rc), msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int sq_query(struct db *db, struct dbrows *rows, const char *sql, const struct dbval *p,
		    size_t n)
{
	sqlite3_stmt *st = stmt_get(db, sql);
	if (!st)
		return -1;
	if (bind(db, st, p, n)) {
		stmt_put(db, st);
		return -1;
	}
	rows->impl = st;
	return 0;
}

static bool sq_next(struct dbrows *rows)
{
	int rc = sqlite3_step(rows->impl);
	if (rc == SQLITE_ROW)
		return true;
	if (rc != SQLITE_DONE) {
		rows->failed = 1;
		fail(rows->db, rc);
	}
	return false;
}

static bool sq_isnull(struct dbrows *rows, int col)
{
	return sqlite3_column_type(rows->impl, col) == SQLITE_NULL;
}

static int64_t sq_int(struct dbrows *rows, int col)
{
	return sqlite3_column_int64(rows->impl, col);
}

static const char *sq_text(struct dbrows *rows, int col)
{
	if (sqlite3_column_type(rows->impl, col) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_column_text(rows->impl, col);
}

static void sq_rows_free(struct dbrows *rows)
{
	stmt_put(rows->db, rows->impl);
}

/* SQLite has one writer at a time. Threads of this process queue for it on a mutex, woken the
 * moment the writer commits, rather than in SQLite's busy handler, which sleeps 1, 2, 5, 10…
 * milliseconds between tries; other processes (the CLI) still meet the busy timeout. */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;

static int sq_begin(struct db *db)
{
	pthread_mutex_lock(&writer);
	if (sq_exec(db, "BEGIN IMMEDIATE", NULL, 0)) {
		pthread_mutex_unlock(&writer);
		return -1;
	}
	return 0;
}

static void sq_tx_end(struct db *db)
{
	UNUSED(db);
	pthread_mutex_unlock(&writer);
}

static int sq_begin_read(struct db *db)
{
	return sq_exec(db, "BEGIN", NULL, 0);
}

static int sq_lock_chain(struct db *db)
{
	UNUSED(db); /* BEGIN IMMEDIATE already holds the only write lock. */
	return 0;
}

static int sq_backup(struct db *db, const char *path)
{
	if (access(path, F_OK) == 0) {
		db_fail(db, DBE_OTHER, "the backup file already exists");
		return -1;
	}
	/* VACUUM INTO writes a consistent snapshot while other connections keep writing. */
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->conn, "VACUUM INTO ?", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(db, rc);
	return 0;
}

/* Copies every page of the backup file into this database under its write lock: readers
 * see the old database or the restored one, never a mixture. */
static int sq_restore(struct db *db, const char *path)
{
	sqlite3 *src = NULL;
	int rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		db_fail(db, DBE_OTHER, "cannot open the backup file");
		sqlite3_close_v2(src);
		return -1;
	}
	sqlite3_backup *b = sqlite3_backup_init(db->conn, "main", src, "main");
	if (!b) {
		fail(db, sqlite3_errcode(db->conn));
		sqlite3_close_v2(src);
		return -1;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	sqlite3_close_v2(src);
	if (rc != SQLITE_DONE) {
		db_fail(db, kind_of(rc), sqlite3_errstr(rc));
		return -1;
	}
	/* Cached statements may describe the old schema. */
	struct cache *c = db->cache;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i].sql && !c->slot[i].busy) {
			sqlite3_finalize(c->slot[i].stmt);
			free(c->slot[i].sql);
			c->slot[i].sql = NULL;
		}
	return 0;
}

static int sq_integrity(struct db *db, struct buf *problems)
{
	struct dbrows r;
	if (db_query(db, &r, "PRAGMA integrity_check", P0))
		return -1;
	while (db_next(&r)) {
		const char *line = db_text(&r, 0);
		if (line && strcmp(line, "ok"))
			buf_printf(problems, "%s%s", problems->len ? "; " : "", line);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static void sq_close(struct db *db)
{
	struct cache *c = db->cache;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i].sql) {
			sqlite3_finalize(c->slot[i].stmt);
			free(c->slot[i].sql);
		}
	free(c);
	sqlite3_close_v2(db->conn);
	free(db);
}

static const struct db_engine sqlite_engine = {
	.name = "sqlite",
	.id_column = "INTEGER PRIMARY KEY",
	.exec = sq_exec,
	.exec_script = sq_exec_script,
	.query = sq_query,
	.next = sq_next,
	.isnull = sq_isnull,
	.get_int = sq_int,
	.get_text = sq_text,
	.rows_free = sq_rows_free,
	.begin = sq_begin,
	.tx_end = sq_tx_end,
	.begin_read = sq_begin_read,
	.lock_chain = sq_lock_chain,
	.backup = sq_backup,
	.restore = sq_restore,
	.integrity = sq_integrity,
	.close = sq_close,
};

/* Process-wide: no memory statistics (they take a global mutex on every allocation). */
static void configure_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int sqlite_open(const char *path, struct db **out, struct buf *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_once);
	sqlite3 *conn = NULL;
	int rc = sqlite3_open_v2(path, &conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
						      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
				 NULL);
	if (rc != SQLITE_OK) {
		buf_printf(err, "cannot open database %s: %s", path,
			   conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
		sqlite3_close_v2(conn);
		return -1;
	}
	sqlite3_busy_timeout(conn, 10000);
	struct db *db = xcalloc(1, sizeof(*db));
	db->eng = &sqlite_engine;
	db->conn = conn;
	db->cache = xcalloc(1, sizeof(struct cache));
	if (sq_exec_script(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			       "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;")) {
		buf_printf(err, "cannot configure database %s: %s", path, db->errmsg);
		sq_close(db);
		return -1;
	}
	*out = db;
	return 0;
}
