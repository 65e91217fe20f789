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
	uint64_t key; /* sql_key(sql): compared before the text */
	sqlite3_stmt *stmt;
	bool busy; /* handed out to a dbrows that is still open */
	uint64_t used;
};

struct cache {
	struct cached slot[CACHE_SLOTS];
	uint64_t tick;
};

/* Finalizes the cached statements that are not in use (`all`: every one, when closing). */
static void cache_clear(struct cache *c, bool all)
{
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i].sql && (all || !c->slot[i].busy)) {
			sqlite3_finalize(c->slot[i].stmt);
			free(c->slot[i].sql);
			c->slot[i].sql = NULL;
		}
}

struct writer;
struct sqpriv {
	int64_t serial;     /* numbers the connections of the process, for sq_data_version */
	struct writer *w;   /* where this connection's transactions write (see sq_begin) */
	sqlite3 *home_conn; /* the connection's own, for reads */
	struct cache *home_cache;
	struct cache *w_cache; /* the writer's (home_cache if the writer is this connection) */
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

/* A cheap key for a statement's text: its length and FNV-1a of its first and last 32 bytes
 * (statements differ early or late, in their tables or their conditions). Equal keys are
 * confirmed with strcmp. */
static uint64_t sql_key(const char *sql)
{
	size_t n = strlen(sql);
	uint64_t h = UINT64_C(14695981039346656037) ^ n;
	for (size_t i = 0; i < n && i < 32; i++)
		h = (h ^ (unsigned char)sql[i]) * UINT64_C(1099511628211);
	for (size_t i = n > 32 ? n - 32 : n; i < n; i++)
		h = (h ^ (unsigned char)sql[i]) * UINT64_C(1099511628211);
	return h;
}

/* A prepared, reset statement for `sql`, from the cache when possible; *slot says where it
 * is cached (-1: not cached, finalised when put back). */
static sqlite3_stmt *stmt_get(struct db *db, const char *sql, int *slot)
{
	struct cache *c = db->cache;
	struct cached *victim = NULL;
	uint64_t key = sql_key(sql);
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct cached *s = &c->slot[i];
		if (s->sql && !s->busy && s->key == key && !strcmp(s->sql, sql)) {
			s->busy = true;
			s->used = ++c->tick;
			*slot = i;
			return s->stmt;
		}
		if (!s->busy && (!victim || !s->sql || (victim->sql && s->used < victim->used)))
			victim = s;
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	*slot = -1;
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
		victim->key = key;
		victim->stmt = st;
		victim->busy = true;
		victim->used = ++c->tick;
		*slot = (int)(victim - c->slot);
	}
	return st;
}

/* Back into the cache of the connection that prepared it (a query begun before a
 * transaction may end inside it, on the other connection), at `slot`. */
static void stmt_put(struct db *db, sqlite3_stmt *st, int slot)
{
	struct sqpriv *p = db->priv;
	struct cache *c = sqlite3_db_handle(st) == p->home_conn ? p->home_cache : p->w_cache;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (slot >= 0 && c->slot[slot].stmt == st && c->slot[slot].busy) {
		c->slot[slot].busy = false;
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
 * has gone read-only, so the tests can prove the server answers 503 and recovers; while the
 * one named by MAMORI_FAULT_COMMIT_FILE exists, every COMMIT fails as on an I/O error. */
static bool fault_file(const char *var)
{
	const char *f = getenv(var);
	return f && access(f, F_OK) == 0;
}

static bool fault(sqlite3_stmt *st, const char *sql)
{
	if (!strcmp(sql, "COMMIT"))
		return fault_file("MAMORI_FAULT_COMMIT_FILE");
	return !sqlite3_stmt_readonly(st) && strncmp(sql, "ROLLBACK", 8) &&
	       strncmp(sql, "BEGIN", 5) && fault_file("MAMORI_FAULT_READONLY_FILE");
}
#endif

/* After SQLite has ended a transaction on its own (it may, on a full disk or an I/O error),
 * a statement would run outside it and be kept at once: refuse it. */
static int check_in_tx(struct db *db)
{
	if (db->in_tx && sqlite3_get_autocommit(db->conn)) {
		db_fail(db, DBE_OTHER, "the transaction had already been rolled back");
		return -1;
	}
	return 0;
}

static int sq_exec(struct db *db, const char *sql, const struct dbval *p, size_t n)
{
	if (check_in_tx(db))
		return -1;
	int slot;
	sqlite3_stmt *st = stmt_get(db, sql, &slot);
	if (!st)
		return -1;
	int ret = -1;
	if (bind(db, st, p, n))
		goto out;
#ifdef MAMORI_FAULTS
	if (fault(st, sql)) {
		db_fail(db, DBE_UNAVAILABLE, "a write or COMMIT failed (injected fault)");
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
	stmt_put(db, st, slot);
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
	if (check_in_tx(db))
		return -1;
	int slot;
	sqlite3_stmt *st = stmt_get(db, sql, &slot);
	if (!st)
		return -1;
	if (bind(db, st, p, n)) {
		stmt_put(db, st, slot);
		return -1;
	}
	rows->impl = st;
	rows->slot = slot;
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

static const char *sq_text_len(struct dbrows *rows, int col, size_t *len)
{
	const char *s = (const char *)sqlite3_column_text(rows->impl, col);
	*len = 0;
	if (!s) /* NULL, or an empty blob (or out of memory, which the statement reports) */
		return sqlite3_column_type(rows->impl, col) == SQLITE_NULL ? NULL : "";
	*len = (size_t)sqlite3_column_bytes(rows->impl, col); /* of the text form, not a blob */
	return s;
}

static const char *sq_text(struct dbrows *rows, int col)
{
	const char *s = (const char *)sqlite3_column_text(rows->impl, col);
	if (!s && sqlite3_column_type(rows->impl, col) != SQLITE_NULL)
		return ""; /* an empty blob */
	return s;
}

static void sq_rows_free(struct dbrows *rows)
{
	stmt_put(rows->db, rows->impl, rows->slot);
}

/*
 * Group commit. SQLite has one writer at a time and each COMMIT waits for an fsync, so every
 * connection of this process to a database file writes through one shared writer connection
 * (struct writer), and transactions that queue for it share one outer transaction, hence one
 * fsync:
 *
 *	BEGIN IMMEDIATE                     (the first transaction of a batch)
 *	  SAVEPOINT request … RELEASE       (each one that joins it, in turn)
 *	COMMIT                              (by whoever ends a transaction with nobody queued)
 *
 * A transaction that ends while others queue leaves its changes in the batch and waits for
 * the COMMIT, so db_commit() still returns only once its changes are durable: nothing is
 * acknowledged before its fsync. One that fails rolls back to its savepoint and leaves the
 * batch as it was. If SQLite itself ends the outer transaction (it may, on a full disk or an
 * I/O error) or the COMMIT fails, every transaction of the batch fails with that error and
 * none of their changes remain. Alone, a transaction costs what it would without batching.
 *
 * Threads queue on a condition variable, woken the moment the writer is free, rather than in
 * SQLite's busy handler, which sleeps 1, 2, 5, 10… milliseconds between tries; other processes
 * (the CLI) still meet the busy timeout. A database without a file (":memory:") writes through
 * its own connection.
 */
#define BATCH_MAX 16

struct member {
	struct member *next;
	bool done;
	int rc;
	enum db_errkind err;
	char msg[256];
};

struct writer {
	struct writer *next;
	char *path; /* NULL: private to one connection */
	int refs;
	sqlite3 *conn;
	struct cache *cache;
	pthread_mutex_t mu;
	pthread_cond_t free_cv; /* `active` went false */
	pthread_cond_t done_cv; /* a batch ended: its members are done */
	bool active;            /* a transaction is using conn */
	bool savepoint;         /* ... inside a savepoint of its own (it joined a batch) */
	bool open;              /* the outer transaction is open */
	int queued;             /* threads waiting to become active */
	int joined;             /* transactions that have used the open batch, failed ones too */
	int nmembers;
	struct member *members; /* ended transactions waiting for the batch's COMMIT */
	int64_t transactions, commits;
};

static pthread_mutex_t writers_mu = PTHREAD_MUTEX_INITIALIZER;
static struct writer *writers;

static int configure(sqlite3 *conn, struct buf *err, const char *path);

/* A writer for `conn`; with a path, shared and on a connection of its own, else private to
 * the connection. */
static struct writer *writer_new(sqlite3 *conn, const char *path)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	w->conn = conn;
	w->cache = path ? xcalloc(1, sizeof(struct cache)) : NULL; /* NULL: the connection's */
	w->path = path ? xstrdup(path) : NULL;
	w->refs = 1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->free_cv, NULL);
	pthread_cond_init(&w->done_cv, NULL);
	return w;
}

/* The writer for the database file `conn` has open, shared by every connection to it. */
static struct writer *writer_get(sqlite3 *conn, struct buf *err)
{
	const char *path = sqlite3_db_filename(conn, "main");
	if (!path || !*path)
		return writer_new(conn, NULL);
	pthread_mutex_lock(&writers_mu);
	struct writer *w;
	for (w = writers; w; w = w->next)
		if (!strcmp(w->path, path)) {
			w->refs++;
			goto out;
		}
	sqlite3 *wconn = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	int rc = sqlite3_open_v2(path, &wconn, flags, NULL);
	if (rc != SQLITE_OK || configure(wconn, err, path)) {
		if (rc != SQLITE_OK)
			buf_printf(err, "cannot open database %s: %s", path,
				   wconn ? sqlite3_errmsg(wconn) : sqlite3_errstr(rc));
		sqlite3_close_v2(wconn);
		w = NULL;
		goto out;
	}
	w = writer_new(wconn, path);
	w->next = writers;
	writers = w;
out:
	pthread_mutex_unlock(&writers_mu);
	return w;
}

static void writer_put(struct writer *w)
{
	bool last = true;
	if (w->path) {
		pthread_mutex_lock(&writers_mu);
		last = --w->refs == 0;
		if (last)
			for (struct writer **pp = &writers; *pp; pp = &(*pp)->next)
				if (*pp == w) {
					*pp = w->next;
					break;
				}
		pthread_mutex_unlock(&writers_mu);
	}
	if (!last)
		return;
	if (w->path) { /* a private writer's connection and cache are its owner's */
		cache_clear(w->cache, true);
		free(w->cache);
		sqlite3_close_v2(w->conn);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->free_cv);
	pthread_cond_destroy(&w->done_cv);
	free(w->path);
	free(w);
}

static void use_writer(struct db *db)
{
	struct sqpriv *p = db->priv;
	db->conn = p->w->conn;
	if (p->w->cache)
		db->cache = p->w->cache;
}

static void use_home(struct db *db)
{
	struct sqpriv *p = db->priv;
	db->conn = p->home_conn;
	db->cache = p->home_cache;
}

/* With w->mu held: the batch ends, its members with result rc and, if it failed, the error
 * kind and message given. */
static void batch_end(struct writer *w, int rc, enum db_errkind kind, const char *msg)
{
	for (struct member *m = w->members; m; m = m->next) {
		m->rc = rc;
		if (rc) {
			m->err = kind != DBE_NONE ? kind : DBE_OTHER;
			snprintf(m->msg, sizeof(m->msg), "%s",
				 *msg ? msg : "the transaction was rolled back");
		}
	}
	/* Set last: a member may return (and its struct go) as soon as it sees done. */
	for (struct member *m = w->members, *next; m; m = next) {
		next = m->next;
		m->done = true;
	}
	w->members = NULL;
	w->nmembers = 0;
	w->open = false;
	pthread_cond_broadcast(&w->done_cv);
}

/* The transaction using the writer has ended; `me` (NULL if it kept nothing) joins the batch.
 * Whoever leaves with nobody queued, or fills the batch, commits it; the others wait for that
 * COMMIT. Returns me's result, with its error in db. */
static int writer_leave(struct db *db, struct member *me)
{
	struct writer *w = ((struct sqpriv *)db->priv)->w;
	pthread_mutex_lock(&w->mu);
	if (me && !w->open) { /* cannot happen: sq_commit saw the outer transaction open */
		me->rc = -1;
		me->err = DBE_OTHER;
		snprintf(me->msg, sizeof(me->msg), "the transaction was rolled back");
	} else if (me) {
		me->next = w->members;
		w->members = me;
		w->nmembers++;
		w->transactions++;
	}
	/* Hand over while others queue, up to BATCH_MAX transactions, so that no member waits
	 * for long. */
	if (w->open && w->queued > 0 && w->joined < BATCH_MAX) {
		w->active = false;
		pthread_cond_signal(&w->free_cv);
		while (me && !me->done)
			pthread_cond_wait(&w->done_cv, &w->mu);
	} else {
		if (w->open) {
			bool kept = w->nmembers > 0;
			pthread_mutex_unlock(&w->mu);
			int rc = sq_exec(db, kept ? "COMMIT" : "ROLLBACK", NULL, 0);
			enum db_errkind kind = db->err;
			char msg[sizeof(db->errmsg)];
			memcpy(msg, db->errmsg, sizeof(msg));
			if (rc && !sqlite3_get_autocommit(w->conn))
				sq_exec(db, "ROLLBACK", NULL, 0);
			pthread_mutex_lock(&w->mu);
			if (kept && !rc)
				w->commits++;
			batch_end(w, kept ? rc : 0, kind, msg);
		}
		w->active = false;
		pthread_cond_signal(&w->free_cv);
	}
	pthread_mutex_unlock(&w->mu);
	use_home(db);
	if (me && me->rc)
		db_fail(db, me->err, me->msg);
	return me ? me->rc : 0;
}

/* The outer transaction ended without a COMMIT (SQLite ended it on a full disk or an I/O
 * error, or it could not go on): every transaction waiting in it failed, for this reason. */
static void writer_lost(struct db *db, enum db_errkind kind, const char *why)
{
	struct writer *w = ((struct sqpriv *)db->priv)->w;
	char msg[sizeof(db->errmsg)];
	snprintf(msg, sizeof(msg), "%s", why);
	if (!sqlite3_get_autocommit(w->conn))
		sq_exec(db, "ROLLBACK", NULL, 0);
	pthread_mutex_lock(&w->mu);
	if (w->open)
		batch_end(w, -1, kind, msg);
	pthread_mutex_unlock(&w->mu);
}

static int sq_begin(struct db *db)
{
	struct writer *w = ((struct sqpriv *)db->priv)->w;
	pthread_mutex_lock(&w->mu);
	w->queued++;
	while (w->active)
		pthread_cond_wait(&w->free_cv, &w->mu);
	w->queued--;
	w->active = true;
	bool first = !w->open;
	pthread_mutex_unlock(&w->mu);
	use_writer(db);
	if (first) {
		/* Changes of a batch that could not be rolled back are never committed later. */
		if ((!sqlite3_get_autocommit(w->conn) && sq_exec(db, "ROLLBACK", NULL, 0)) ||
		    sq_exec(db, "BEGIN IMMEDIATE", NULL, 0)) {
			writer_leave(db, NULL);
			return -1;
		}
		pthread_mutex_lock(&w->mu);
		w->open = true;
		w->joined = 0;
		pthread_mutex_unlock(&w->mu);
	}
	w->joined++;
	/* The first transaction of a batch is alone in the outer one: it needs no savepoint
	 * (which would make SQLite copy every page it changes into a sub-journal). */
	w->savepoint = !first;
	if (w->savepoint && sq_exec(db, "SAVEPOINT request", NULL, 0)) {
		if (sqlite3_get_autocommit(w->conn))
			writer_lost(db, db->err, db->errmsg);
		writer_leave(db, NULL);
		return -1;
	}
	return 0;
}

static void sq_rollback(struct db *db)
{
	struct writer *w = ((struct sqpriv *)db->priv)->w;
	enum db_errkind kind = db->err;
	char msg[sizeof(db->errmsg)];
	memcpy(msg, db->errmsg, sizeof(msg));
	if (!w->savepoint || sqlite3_get_autocommit(w->conn) ||
	    sq_exec(db, "ROLLBACK TO request", NULL, 0))
		writer_lost(db, kind, msg); /* without a savepoint the batch is this transaction */
	else
		sq_exec(db, "RELEASE request", NULL, 0); /* if it fails, COMMIT releases it */
	writer_leave(db, NULL);
}

static int sq_commit(struct db *db)
{
	struct writer *w = ((struct sqpriv *)db->priv)->w;
	/* A deferred foreign key still violated would fail the batch's COMMIT, and with it
	 * every other transaction in the batch: refuse this one alone, now. */
	int deferred = 0, unused;
	sqlite3_db_status(w->conn, SQLITE_DBSTATUS_DEFERRED_FKS, &deferred, &unused, 0);
	if (deferred > 0) {
		db_fail(db, DBE_CONSTRAINT, "FOREIGN KEY constraint failed");
		sq_rollback(db);
		return -1;
	}
	if (sqlite3_get_autocommit(w->conn) ||
	    (w->savepoint && sq_exec(db, "RELEASE request", NULL, 0))) {
		if (db->err == DBE_NONE)
			db_fail(db, DBE_OTHER, "the transaction was rolled back");
		sq_rollback(db);
		return -1;
	}
	struct member me = { 0 };
	return writer_leave(db, &me);
}

static int sq_begin_read(struct db *db)
{
	return sq_exec(db, "BEGIN", NULL, 0);
}

/* The connection's serial number and SQLite's data version for the current snapshot: equal
 * numbers mean the same database contents (another connection's COMMIT, the shared writer's
 * included, changes the data version). */
static int sq_data_version(struct db *db, int64_t *version)
{
	struct sqpriv *p = db->priv;
	if (db->in_tx || db->conn != p->home_conn)
		return -1;
	struct dbrows r = { .db = db };
	if (sq_query(db, &r, "PRAGMA data_version", NULL, 0))
		return -1;
	int rc = -1;
	if (sq_next(&r)) {
		*version = (p->serial << 32) | (int64_t)(uint32_t)sqlite3_column_int64(r.impl, 0);
		rc = 0;
	}
	sq_rows_free(&r);
	return rc;
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
	struct sqpriv *p = db->priv;
	cache_clear(p->home_cache, false);
	if (p->w->cache) {
		pthread_mutex_lock(&p->w->mu);
		if (!p->w->active)
			cache_clear(p->w->cache, false);
		pthread_mutex_unlock(&p->w->mu);
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
	struct sqpriv *p = db->priv;
	if (p->w)
		writer_put(p->w);
	cache_clear(p->home_cache, true);
	free(p->home_cache);
	sqlite3_close_v2(p->home_conn);
	free(p);
	free(db);
}

static const struct db_engine sqlite_engine = {
	.name = "sqlite",
	.id_column = "INTEGER PRIMARY KEY",
	.one_writer = true,
	.exec = sq_exec,
	.exec_script = sq_exec_script,
	.query = sq_query,
	.next = sq_next,
	.isnull = sq_isnull,
	.get_int = sq_int,
	.get_text = sq_text,
	.get_text_len = sq_text_len,
	.rows_free = sq_rows_free,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.begin_read = sq_begin_read,
	.data_version = sq_data_version,
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

/* Every connection, the shared writer's too, runs with these. */
static int configure(sqlite3 *conn, struct buf *err, const char *path)
{
	sqlite3_busy_timeout(conn, 10000);
	char *msg = NULL;
	int rc = sqlite3_exec(conn,
			      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			      "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;",
			      NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		buf_printf(err, "cannot configure database %s: %s", path,
			   msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int sqlite_open(const char *path, struct db **out, struct buf *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure_once);
	sqlite3 *conn = NULL;
	int rc = sqlite3_open_v2(path, &conn,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
					 SQLITE_OPEN_EXRESCODE,
				 NULL);
	if (rc != SQLITE_OK) {
		buf_printf(err, "cannot open database %s: %s", path,
			   conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
		sqlite3_close_v2(conn);
		return -1;
	}
	static int64_t serials;
	struct db *db = xcalloc(1, sizeof(*db));
	struct sqpriv *p = xcalloc(1, sizeof(*p));
	p->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	db->eng = &sqlite_engine;
	db->priv = p;
	db->conn = p->home_conn = conn;
	db->cache = p->home_cache = xcalloc(1, sizeof(struct cache));
	if (configure(conn, err, path) || !(p->w = writer_get(conn, err))) {
		sq_close(db);
		return -1;
	}
	p->w_cache = p->w->cache ? p->w->cache : p->home_cache;
	*out = db;
	return 0;
}

void sqlite_write_stats(struct db *db, int64_t *transactions, int64_t *commits)
{
	struct writer *w = ((struct sqpriv *)db->priv)->w;
	pthread_mutex_lock(&w->mu);
	*transactions = w->transactions;
	*commits = w->commits;
	pthread_mutex_unlock(&w->mu);
}

void sqlite_writer_state(struct db *db, bool *active, int *queued)
{
	struct writer *w = ((struct sqpriv *)db->priv)->w;
	pthread_mutex_lock(&w->mu);
	*active = w->active;
	*queued = w->queued;
	pthread_mutex_unlock(&w->mu);
}
