/*
 * store.h — the one way mamori talks to its database.
 *
 * SQL is written once, with `?` placeholders and portable types; the engine (SQLite, the
 * built-in default, or PostgreSQL) is chosen by the URL given to db_open() and never shows
 * above this header. A `struct db` is one connection, used by one thread at a time.
 *
 * Errors: calls return 0 or -1. After -1, db_errkind() says what kind of failure it was, so
 * the HTTP layer can answer 409 (constraint), 503 (database unavailable: disk full, read-only,
 * I/O) or 500, and db_errmsg() has the engine's text for the log (never for the client).
 *
 * Values are passed as arrays of struct dbval built with the V_* macros and P(...):
 *
 *	db_exec(db, "UPDATE users SET name = ? WHERE id = ?", P(V_TEXT(name), V_INT(id)));
 *
 * Rows are read with db_query()/db_next()/db_int()/db_text() and released with
 * db_rows_free(); text returned by db_text() is valid until the next db_next().
 */
#ifndef MAMORI_STORE_H
#define MAMORI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/buf.h"
#include "../lib/errors.h"
#include "../lib/util.h"

struct db;

enum db_errkind {
	DBE_NONE = 0,
	DBE_BUSY,        /* lock contention or serialization failure: retry the transaction */
	DBE_CONSTRAINT,  /* unique / foreign key / check violation */
	DBE_UNAVAILABLE, /* disk full, read-only, I/O error: answer 503 */
	DBE_OTHER,
};

enum dbtype { DBV_NULL, DBV_INT, DBV_TEXT };

struct dbval {
	enum dbtype type;
	int64_t i;
	const char *s;
};

#define V_NULL    ((struct dbval){ .type = DBV_NULL })
#define V_INT(x)  ((struct dbval){ .type = DBV_INT, .i = (int64_t)(x) })
#define V_BOOL(x) V_INT((x) ? 1 : 0)
static inline struct dbval v_text(const char *s)
{
	return (struct dbval){ .type = s ? DBV_TEXT : DBV_NULL, .s = s };
}
#define V_TEXT(x) v_text(x)
/* An id where 0 means "none" (stored as NULL). */
#define V_ID(x)   ((x) ? V_INT(x) : V_NULL)
#define P(...)                                                                                     \
	(const struct dbval[]){ __VA_ARGS__ }, ARRAY_SIZE(((const struct dbval[]){ __VA_ARGS__ }))
#define P0 NULL, 0

struct dbrows {
	struct db *db;
	void *impl;   /* engine statement or result */
	int row;      /* current row index (PostgreSQL) */
	int failed;   /* set when stepping failed; db_rows_free() still required */
	bool pending; /* sent by db_query_ahead, not yet fetched */
	int slot;     /* engine-private (SQLite: where its statement is cached) */
};

/* Opens `url`: "sqlite:PATH", a plain path, or "postgres://..." / "postgresql://...".
 * On failure writes a sentence for the operator into `err` and returns -1. */
int db_open(const char *url, struct db **out, struct buf *err);
void db_close(struct db *db);
const char *db_engine(const struct db *db); /* "sqlite" or "postgres" */

int db_exec(struct db *db, const char *sql, const struct dbval *p, size_t n);
/* Runs several statements without parameters (migrations). */
int db_exec_script(struct db *db, const char *sql);
int64_t db_changes(struct db *db); /* rows changed by the last db_exec */

int db_query(struct db *db, struct dbrows *rows, const char *sql, const struct dbval *p, size_t n);
bool db_next(struct dbrows *rows);
bool db_isnull(struct dbrows *rows, int col);
int64_t db_int(struct dbrows *rows, int col);
const char *db_text(struct dbrows *rows, int col); /* NULL for SQL NULL */
/* The bytes of db_text's value as stored, including any after a NUL byte (0 for NULL): for
 * checking stored text exactly (the audit chain). */
size_t db_len(struct dbrows *rows, int col);
const char *db_text_len(struct dbrows *rows, int col, size_t *len); /* db_text and db_len */
void db_rows_free(struct dbrows *rows);

/* Sends a query whose rows are read later. On PostgreSQL it travels with the next statement
 * in one round trip (libpq pipeline mode), or is fetched when its rows are first read; on
 * SQLite it is db_query. `rows` must stay where it is until it is read or freed, and be
 * freed before the connection's transaction or read snapshot ends. */
int db_query_ahead(struct db *db, struct dbrows *rows, const char *sql, const struct dbval *p,
		   size_t n);

/* A number that changes whenever the database's contents change, by this connection or any
 * other, as seen by the current read snapshot (SQLite: the connection and its data version).
 * Two equal numbers from one connection mean the same data. -1 where the engine cannot tell
 * (PostgreSQL). */
int db_data_version(struct db *db, int64_t *version);

/* A check that runs once, before the next write on this connection (db_begin, db_exec,
 * db_insert); when it returns -1 the write fails without reaching the database. NULL clears
 * it. (A request that went ahead on a cached session confirms it before changing anything.) */
void db_set_guard(struct db *db, int (*fn)(void *arg), void *arg);

/* One integer from the first row: *found says whether there was a row. */
int db_query_int(struct db *db, int64_t *out, bool *found, const char *sql, const struct dbval *p,
		 size_t n);
/* INSERT ... RETURNING id: runs the statement and gives the new id. */
int db_insert(struct db *db, int64_t *id, const char *sql, const struct dbval *p, size_t n);

/* Transactions. db_begin takes the write lock at once (SQLite BEGIN IMMEDIATE), so a
 * transaction never fails half-way for lock upgrades. On SQLite, transactions of all the
 * process's connections run on one shared connection and may share a COMMIT (group commit,
 * see store_sqlite.c): rows opened inside a transaction must be freed before it ends, and
 * db_commit returns only once the changes are durable. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* A read snapshot around several queries (a request's reads): on SQLite one lock cycle
 * instead of one per query. db_begin() and db_exec() (any write) end it first; db_read_end()
 * ends it if still open. */
int db_read_begin(struct db *db);
void db_read_end(struct db *db);
/* Whether a read snapshot or a transaction is open (a caller that opens one ends only its own). */
bool db_reading(struct db *db);

/* Runs fn(db, arg) inside a transaction, committing when it returns 0 and rolling back
 * otherwise; retries the whole transaction a few times when the failure is DBE_BUSY. */
int db_tx(struct db *db, int (*fn)(struct db *db, void *arg), void *arg);

/* The one way a domain step runs in a transaction and answers a status. db_tx_st: fn returns
 * its status; commits when it is ST_OK and rolls back otherwise, retrying on DBE_BUSY like
 * db_tx. db_tx_status: fn returns 0 or -1 like db_tx's and, when it refuses for a reason of the
 * domain, leaves that status in *st (which the caller initialises; fn may point it anywhere in
 * arg). Both return ST_OK after the commit, else fn's status, or ST_DB when the database failed
 * (a status still ST_OK after a failure, including a failed COMMIT). */
enum status db_tx_st(struct db *db, enum status (*fn)(struct db *db, void *arg), void *arg);
enum status db_tx_status(struct db *db, int (*fn)(struct db *db, void *arg), void *arg,
			 enum status *st);

/* Serialises appends to the audit chain across connections and nodes, inside a transaction
 * (SQLite's write lock already does; PostgreSQL takes a transaction advisory lock). */
int db_lock_chain(struct db *db);
/* A named lock held until the transaction ends, for check-then-write rules ("the last
 * administrator") that must not race on PostgreSQL's READ COMMITTED. No-op on SQLite. */
int db_lock(struct db *db, const char *name);
/* A named lock held by this connection until db_unlock(), taken only if free: lets one node
 * of several run a background job. Always granted on SQLite. */
int db_try_lock(struct db *db, const char *name, bool *got);
int db_unlock(struct db *db, const char *name);

/* The key that authenticates the audit chain (audit.h), carried by the connection so that every
 * audit event appended through it can be signed; set by app_db() from the master key. A
 * connection without one cannot append audit events. Wiped by db_close(). */
void db_set_audit_key(struct db *db, const unsigned char key[32]);
const unsigned char *db_audit_key(const struct db *db); /* NULL until set */

enum db_errkind db_errkind(const struct db *db);
const char *db_errmsg(const struct db *db);
/* Marks an error found above the engine (e.g. a rule refused the change) so db_tx rolls back
 * without retrying. */
void db_set_error(struct db *db, enum db_errkind kind, const char *msg);

/* A consistent online copy of the whole database into `path`, which must not exist: a SQLite
 * file, or a pg_dump archive for PostgreSQL. */
int db_backup(struct db *db, const char *path);
/* Replaces the whole database with a copy made by db_backup (atomically on SQLite; in one
 * transaction with pg_restore on PostgreSQL). */
int db_restore(struct db *db, const char *path);
/* The engine's own consistency check; a sentence per problem is appended to `problems`. */
int db_integrity(struct db *db, struct buf *problems);

/* Applies the embedded migrations that are missing, each in its own transaction. */
int db_migrate(struct db *db, struct buf *err);
/* Highest applied migration number, or 0. */
int64_t db_schema_version(struct db *db);

#endif
