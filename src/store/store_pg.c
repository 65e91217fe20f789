/*
 * store_pg.c — the PostgreSQL engine (libpq).
 *
 * One connection per struct db, in the session settings mamori relies on: UTC, UTF-8 and only
 * warnings reported to the client. SQL arrives with `?` placeholders; each text is translated
 * to `$1..$n` and prepared once per connection under a generated name, so the statements that
 * run on every request are parsed and planned once. Values are sent in text form. An integer
 * value is declared BIGINT, as every SQLite integer is 64-bit (left to the server, `? - 86400`
 * would be a 32-bit INTEGER); a text or NULL value is typed by the server from the SQL around
 * it. So a statement is prepared once per SQL text and pattern of integer values, and a
 * placeholder whose type the SQL does not say, as in `? IS NULL` given a text or NULL value,
 * must be written `CAST(? AS TEXT)`; an integer given to a function that takes a 32-bit
 * INTEGER (`substr(s, ?)`) must be written `CAST(? AS INTEGER)`.
 *
 * Results are read whole into the client; struct dbrows keeps the PGresult and a row index.
 * Errors are classified by SQLSTATE. A lost connection is re-established on the next call
 * made outside a transaction; inside one, every call fails until the caller rolls back.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_impl.h"
#include "../lib/log.h"

extern char **environ;

#define CACHE_SLOTS 128
#define INT8_OID    20 /* pg_type.oid of bigint, fixed in every PostgreSQL release */

/* The transaction advisory lock that serialises audit chain appends: "mamori" then 0x0001. */
#define CHAIN_LOCK_KEY "7881701148303360001" /* 0x6d616d6f72690001 */

struct pg_stmt {
	char *sql; /* the caller's text, with `?` */
	uint64_t hash;
	char name[24]; /* the server-side prepared statement */
	Oid *types;    /* the declared type of each parameter: INT8_OID or 0 (inferred) */
	size_t nparams;
	uint64_t used;
};

struct pg_cache {
	struct pg_stmt slot[CACHE_SLOTS];
	uint64_t tick;
	uint64_t serial; /* numbers prepared statement names; never reused on a connection */
};

/* ---- Errors ---- */

/* What kind of failure a SQLSTATE is; NULL (an error raised by libpq itself) counts as other
 * here and is caught as a lost connection by the caller. */
static enum db_errkind kind_of(const char *state)
{
	if (!state || strlen(state) != 5)
		return DBE_OTHER;
	if (!strncmp(state, "23", 2))
		return DBE_CONSTRAINT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return DBE_BUSY;
	/* Class 53 is insufficient resources (disk full, out of memory, too many connections);
	 * 58030 is an I/O error; 57P0x is the server shutting down or starting up. */
	if (!strncmp(state, "53", 2) || !strncmp(state, "08", 2) || !strcmp(state, "25006") ||
	    !strcmp(state, "57P01") || !strcmp(state, "57P02") || !strcmp(state, "57P03") ||
	    !strcmp(state, "58030"))
		return DBE_UNAVAILABLE;
	return DBE_OTHER;
}

/* Appends `msg` to `out` as one line, without its trailing newline. libpq continues a
 * sentence or adds a hint on tab-indented lines: a continuation (lower case) is joined with a
 * space, a new sentence with "; ". */
static void one_line(struct buf *out, const char *msg)
{
	const char *p = msg ? msg : "unknown error";
	while (*p) {
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			while (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ')
				p++;
			if (*p)
				buf_adds(out, *p >= 'a' && *p <= 'z' ? " " : "; ");
			continue;
		}
		buf_addch(out, *p++);
	}
}

/* Records an error of `kind` with the engine's message `msg` and its SQLSTATE, if any. */
static void set_message(struct db *db, enum db_errkind kind, const char *msg, const char *state)
{
	struct buf b = BUF_INIT;
	one_line(&b, msg);
	if (state && *state)
		buf_printf(&b, " (SQLSTATE %s)", state);
	if (state && !strcmp(state, "42P18"))
		buf_adds(&b, "; write CAST(? AS TEXT) or CAST(? AS BIGINT) where the SQL does not "
			     "say the type of a placeholder");
	db_fail(db, kind, b.buf);
	buf_release(&b);
}

/* Records the failure described by `res` (which may be NULL when libpq could not even build a
 * result) and returns -1. A connection that is gone makes any failure DBE_UNAVAILABLE. */
static int fail(struct db *db, const PGresult *res)
{
	PGconn *conn = db->conn;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg && res && *PQresultErrorMessage(res))
		msg = PQresultErrorMessage(res);
	if (!msg)
		msg = PQerrorMessage(conn);
	enum db_errkind kind = kind_of(state);
	if (PQstatus(conn) == CONNECTION_BAD)
		kind = DBE_UNAVAILABLE;
	set_message(db, kind, msg, state);
	return -1;
}

/* ---- The statement cache ---- */

/* FNV-1a of the SQL text: a cheap filter before strcmp. */
static uint64_t sql_hash(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

/* Forgets every cached statement without telling the server (after a reconnect the server
 * has already forgotten them; at close the session ends). */
static void cache_clear(struct pg_cache *c)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		free(c->slot[i].sql);
		free(c->slot[i].types);
		memset(&c->slot[i], 0, sizeof(c->slot[i]));
	}
}

/*
 * Rewrites the `?` placeholders of `sql` as $1..$n into `out` and returns n. A `?` inside a
 * '...' literal, a "..." identifier, a -- comment or a slash-star comment is left alone;
 * a doubled quote inside a literal simply closes and reopens it, which gives the same result.
 */
static int translate(const char *sql, struct buf *out)
{
	int n = 0;
	const char *s = sql;
	while (*s) {
		if (*s == '\'' || *s == '"') {
			char q = *s;
			buf_addch(out, *s++);
			while (*s && *s != q)
				buf_addch(out, *s++);
			if (*s)
				buf_addch(out, *s++);
		} else if (s[0] == '-' && s[1] == '-') {
			while (*s && *s != '\n')
				buf_addch(out, *s++);
		} else if (s[0] == '/' && s[1] == '*') {
			const char *end = strstr(s + 2, "*/");
			size_t len = end ? (size_t)(end + 2 - s) : strlen(s);
			buf_add(out, s, len);
			s += len;
		} else if (*s == '?') {
			buf_printf(out, "$%d", ++n);
			s++;
		} else {
			buf_addch(out, *s++);
		}
	}
	return n;
}

/*
 * The cached prepared statement for `sql` with the parameter types types[0..n), preparing it
 * on this connection the first time. The SQL must have exactly n placeholders. When the cache
 * is full the least recently used statement is deallocated on the server, unless the
 * transaction has already failed (the server would refuse; the statement then lives on until
 * the session ends, under a name that is never reused). NULL on failure.
 */
static const struct pg_stmt *stmt_lookup(struct db *db, const char *sql, const Oid *types, size_t n,
					 struct pg_stmt **victim_out)
{
	struct pg_cache *c = db->cache;
	uint64_t h = sql_hash(sql);
	struct pg_stmt *victim = &c->slot[0];
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct pg_stmt *s = &c->slot[i];
		if (s->sql && s->hash == h && s->nparams == n && !strcmp(s->sql, sql) &&
		    (!n || !memcmp(s->types, types, n * sizeof(*types)))) {
			s->used = ++c->tick;
			return s;
		}
		if (victim->sql && (!s->sql || s->used < victim->used))
			victim = s;
	}
	if (victim_out)
		*victim_out = victim;
	return NULL;
}

static const struct pg_stmt *stmt_get(struct db *db, const char *sql, const Oid *types, size_t n)
{
	struct pg_cache *c = db->cache;
	PGconn *conn = db->conn;
	uint64_t h = sql_hash(sql);
	struct pg_stmt *victim = NULL;
	const struct pg_stmt *found = stmt_lookup(db, sql, types, n, &victim);
	if (found)
		return found;

	struct pg_stmt *ret = NULL;
	PGresult *res = NULL;
	struct buf text = BUF_INIT;
	char name[24];
	if ((size_t)translate(sql, &text) != n) {
		db_fail(db, DBE_OTHER, "parameter count does not match the SQL");
		goto out;
	}
	snprintf(name, sizeof(name), "mamori_%" PRIu64, ++c->serial);
	res = PQprepare(conn, name, text.buf, (int)n, types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fail(db, res);
		goto out;
	}
	if (victim->sql) {
		if (PQtransactionStatus(conn) != PQTRANS_INERROR) {
			char dealloc[48];
			snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", victim->name);
			PQclear(PQexec(conn, dealloc));
		}
		free(victim->sql);
		free(victim->types);
	}
	victim->sql = xstrdup(sql);
	victim->hash = h;
	memcpy(victim->name, name, sizeof(name));
	victim->types = NULL;
	if (n) {
		victim->types = xmalloc(n * sizeof(*types));
		memcpy(victim->types, types, n * sizeof(*types));
	}
	victim->nparams = n;
	victim->used = ++c->tick;
	ret = victim;
out:
	PQclear(res);
	buf_release(&text);
	return ret;
}

/* ---- Connection ---- */

/* Puts a fresh session into the state every statement assumes. Prepared statements keep one
 * generic plan: mamori's statements are fixed shapes over keys and indexes, and left to
 * choose, PostgreSQL plans some of them again on every execution (a keyset page's
 * `IN (SELECT … LIMIT ?)`), which tripled its CPU time per request in bench/http.sh. */
static int session_setup(struct db *db)
{
	PGresult *res = PQexec(db->conn, "SET client_min_messages = warning; "
					 "SET TimeZone = 'UTC'; SET client_encoding = 'UTF8'; "
					 "SET plan_cache_mode = force_generic_plan; "
					 "SET lock_timeout = '10s'");
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : fail(db, res);
	PQclear(res);
	return rc;
}

/*
 * Makes sure the connection is usable before a call. A connection found broken is reset once
 * per call, and only outside a transaction: inside one the transaction is lost with it, and
 * the caller must see the failure and roll back before anything else runs.
 */
static int conn_ready(struct db *db)
{
	PGconn *conn = db->conn;
	if (PQstatus(conn) == CONNECTION_OK)
		return 0;
	if (db->in_tx) {
		db_fail(db, DBE_UNAVAILABLE, "the connection to PostgreSQL was lost");
		return -1;
	}
	PQreset(conn);
	cache_clear(db->cache);
	if (PQstatus(conn) != CONNECTION_OK) {
		set_message(db, DBE_UNAVAILABLE, PQerrorMessage(conn), NULL);
		return -1;
	}
	log_info("postgres: reconnected to database %s", PQdb(conn));
	return session_setup(db);
}

/* Routes the server's warnings (notices are not sent: client_min_messages) to the log. */
static void on_notice(void *arg, const char *message)
{
	UNUSED(arg);
	size_t len = strlen(message);
	while (len && (message[len - 1] == '\n' || message[len - 1] == ' '))
		len--;
	log_info("postgres: %.*s", (int)len, message);
}

/* ---- Statements ---- */

/* The values of a statement in text form: integers as decimal (declared BIGINT), text as
 * it is, NULL as a null parameter. Up to PARAMS_INLINE values without an allocation. */
#define PARAMS_INLINE 16
struct params {
	const char **values;
	char (*nums)[24];
	Oid *types;
	const char *values_in[PARAMS_INLINE];
	char nums_in[PARAMS_INLINE][24];
	Oid types_in[PARAMS_INLINE];
};

static void params_set(struct params *q, const struct dbval *p, size_t n)
{
	if (n <= PARAMS_INLINE) {
		q->values = q->values_in;
		q->nums = q->nums_in;
		q->types = q->types_in;
	} else {
		q->values = xmalloc(n * sizeof(*q->values));
		q->nums = xmalloc(n * sizeof(*q->nums));
		q->types = xmalloc(n * sizeof(*q->types));
	}
	for (size_t i = 0; i < n; i++) {
		q->values[i] = NULL;
		q->types[i] = 0;
		if (p[i].type == DBV_INT) {
			snprintf(q->nums[i], sizeof(q->nums[i]), "%" PRId64, p[i].i);
			q->values[i] = q->nums[i];
			q->types[i] = INT8_OID;
		} else if (p[i].type == DBV_TEXT) {
			q->values[i] = p[i].s;
		}
	}
}

static void params_release(struct params *q)
{
	if (q->values != q->values_in) {
		free(q->values);
		free(q->nums);
		free(q->types);
	}
}

/* ---- Pipelined queries (db_query_ahead) ----
 *
 * A query sent ahead waits in libpq's pipeline mode; the next SELECT joins it and one Sync
 * brings both results back in one round trip. Anything else (a write, BEGIN, a statement not
 * yet prepared, COPY...) first collects what is pending, so it never runs in the pipeline's
 * implicit transaction. */
#define AHEAD_MAX 4

struct pg_priv {
	struct dbrows *ahead[AHEAD_MAX]; /* sent, not yet collected, in order */
	int nahead;
};

static bool is_select(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '(')
		sql++;
	return !strncasecmp(sql, "SELECT", 6) || !strncasecmp(sql, "WITH", 4);
}

/* Sends Sync and reads the pending queries' results into their rows, then `own`'s (the
 * query sent last, if any) into *own_res. A failed query's rows are marked failed; the first
 * failure is recorded on db. Leaves pipeline mode. */
static void collect(struct db *db, PGresult **own_res)
{
	PGconn *conn = db->conn;
	struct pg_priv *pp = db->priv;
	bool sent = PQpipelineSync(conn) == 1, synced = !sent;
	PGresult *first_error = NULL;
	int n = pp->nahead + (own_res ? 1 : 0);
	for (int i = 0; i < n; i++) {
		PGresult *res = synced ? NULL : PQgetResult(conn);
		if (res && PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res); /* the connection lost the rest */
			res = NULL;
			synced = true;
		}
		if (res) {
			PGresult *end;
			while ((end = PQgetResult(conn))) {
				bool sync = PQresultStatus(end) == PGRES_PIPELINE_SYNC;
				PQclear(end);
				if (sync) {
					synced = true;
					break;
				}
			}
		}
		ExecStatusType st = PQresultStatus(res);
		bool ok = res && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
		if (!ok && !first_error && res && st != PGRES_PIPELINE_ABORTED) {
			first_error = res;
			res = NULL;
		}
		if (!ok) {
			PQclear(res);
			res = NULL;
		}
		if (i < pp->nahead) {
			struct dbrows *r = pp->ahead[i];
			r->pending = false;
			r->impl = res;
			r->row = -1;
			r->failed = res ? 0 : 1;
		} else {
			*own_res = res;
		}
	}
	pp->nahead = 0;
	if (!synced) {
		PGresult *res;
		while ((res = PQgetResult(conn))) {
			bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
			PQclear(res);
			if (sync)
				break;
		}
	}
	PQexitPipelineMode(conn);
	if (first_error || (own_res && !*own_res)) {
		if (first_error)
			fail(db, first_error);
		else
			set_message(db, DBE_UNAVAILABLE, PQerrorMessage(conn), NULL);
	}
	PQclear(first_error);
}

static void pg_fetch(struct db *db)
{
	if (((struct pg_priv *)db->priv)->nahead)
		collect(db, NULL);
}

static int pg_query_ahead(struct db *db, struct dbrows *rows, const char *sql,
			  const struct dbval *p, size_t n)
{
	struct pg_priv *pp = db->priv;
	if (pp->nahead == AHEAD_MAX)
		pg_fetch(db);
	if (!pp->nahead && conn_ready(db))
		return -1;
	struct params q;
	params_set(&q, p, n);
	int rc = -1;
	const struct pg_stmt *st = stmt_lookup(db, sql, q.types, n, NULL);
	if (!st) {
		pg_fetch(db); /* preparing needs the connection to itself */
		st = stmt_get(db, sql, q.types, n);
	}
	if (!st)
		goto out;
	if (!pp->nahead && !PQenterPipelineMode(db->conn)) {
		set_message(db, DBE_OTHER, PQerrorMessage(db->conn), NULL);
		goto out;
	}
	if (!PQsendQueryPrepared(db->conn, st->name, (int)n, q.values, NULL, NULL, 0)) {
		set_message(db, DBE_UNAVAILABLE, PQerrorMessage(db->conn), NULL);
		if (pp->nahead)
			collect(db, NULL);
		else
			PQexitPipelineMode(db->conn);
		goto out;
	}
	rows->pending = true;
	rows->row = -1;
	pp->ahead[pp->nahead++] = rows;
	rc = 0;
out:
	params_release(&q);
	return rc;
}

/*
 * Runs `sql` with the values p[0..n) and returns its result, or NULL after recording the
 * failure. A SELECT already prepared joins the queries sent ahead, if any, in one round trip;
 * anything else first collects them.
 */
static PGresult *run(struct db *db, const char *sql, const struct dbval *p, size_t n)
{
	PGresult *res = NULL;
	struct pg_priv *pp = db->priv;
	struct params q;
	params_set(&q, p, n);
	if (pp->nahead) {
		const struct pg_stmt *st =
			is_select(sql) ? stmt_lookup(db, sql, q.types, n, NULL) : NULL;
		if (st &&
		    PQsendQueryPrepared(db->conn, st->name, (int)n, q.values, NULL, NULL, 0)) {
			collect(db, &res);
			goto out;
		}
		pg_fetch(db);
	}
	if (conn_ready(db))
		goto out;
	const struct pg_stmt *st = stmt_get(db, sql, q.types, n);
	if (!st)
		goto out;
	res = PQexecPrepared(db->conn, st->name, (int)n, q.values, NULL, NULL, 0);
	ExecStatusType status = PQresultStatus(res);
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
	    status != PGRES_EMPTY_QUERY) {
		fail(db, res);
		PQclear(res);
		res = NULL;
	}
out:
	params_release(&q);
	return res;
}

/* Runs one statement, keeping the number of rows it changed for db_changes(). */
static int pg_exec(struct db *db, const char *sql, const struct dbval *p, size_t n)
{
	bool commit = !strncasecmp(sql, "COMMIT", 6);
	/* store.c rolls back after a failed COMMIT, which may already have ended the
	 * transaction; the server would only warn that there is none. */
	if (!strcasecmp(sql, "ROLLBACK") && PQstatus(db->conn) == CONNECTION_OK &&
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return 0;
	PGresult *res = run(db, sql, p, n);
	if (!res)
		return -1;
	int rc = 0;
	const char *tuples = PQcmdTuples(res);
	db->changes = *tuples ? strtoll(tuples, NULL, 10) : 0;
	/* COMMIT of a transaction in which a statement failed rolls back and reports success
	 * with the tag ROLLBACK; the caller must not believe its changes were kept. */
	if (commit && !strcmp(PQcmdStatus(res), "ROLLBACK")) {
		db_fail(db, DBE_OTHER,
			"the transaction was rolled back because a statement in it had failed");
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* Runs several statements in one round trip (migrations); no placeholders, no cache. */
static int pg_exec_script(struct db *db, const char *sql)
{
	pg_fetch(db);
	if (conn_ready(db))
		return -1;
	PGresult *res = PQexec(db->conn, sql);
	ExecStatusType status = PQresultStatus(res);
	int rc = 0;
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
		rc = fail(db, res);
	PQclear(res);
	return rc;
}

/* Runs a query; its rows are all in the client when this returns, and the cursor stands
 * before the first. Other statements may run on the connection while the rows are read. */
static int pg_query(struct db *db, struct dbrows *rows, const char *sql, const struct dbval *p,
		    size_t n)
{
	PGresult *res = run(db, sql, p, n);
	if (!res)
		return -1;
	rows->impl = res;
	rows->row = -1;
	return 0;
}

/* Moves to the next row; false after the last. */
static bool pg_next(struct dbrows *rows)
{
	if (rows->row + 1 >= PQntuples(rows->impl))
		return false;
	rows->row++;
	return true;
}

/* True when column `col` of the current row is SQL NULL. */
static bool pg_isnull(struct dbrows *rows, int col)
{
	return PQgetisnull(rows->impl, rows->row, col) != 0;
}

/* The column as an integer. Text from the server is decimal for integer types; numeric
 * results (SUM of BIGINT) are cut at the decimal point like SQLite does, and a boolean
 * (`SELECT a = b`) reads as 1 or 0. NULL and anything else read as 0. */
static int64_t pg_int(struct dbrows *rows, int col)
{
	if (PQgetisnull(rows->impl, rows->row, col))
		return 0;
	const char *v = PQgetvalue(rows->impl, rows->row, col);
	if (!v)
		return 0;
	if (!strcmp(v, "t"))
		return 1;
	if (!strcmp(v, "f"))
		return 0;
	return strtoll(v, NULL, 10);
}

/* The column's text, NULL for SQL NULL; valid until the rows are freed. */
static const char *pg_text(struct dbrows *rows, int col)
{
	if (PQgetisnull(rows->impl, rows->row, col))
		return NULL;
	return PQgetvalue(rows->impl, rows->row, col);
}

/* The bytes of the column's text (PostgreSQL text holds no NUL, so strlen would do). */
static const char *pg_text_len(struct dbrows *rows, int col, size_t *len)
{
	*len = 0;
	if (PQgetisnull(rows->impl, rows->row, col))
		return NULL;
	*len = (size_t)PQgetlength(rows->impl, rows->row, col);
	return PQgetvalue(rows->impl, rows->row, col);
}

/* Releases the result held by `rows`. */
static void pg_rows_free(struct dbrows *rows)
{
	PQclear(rows->impl);
}

/* Takes the audit chain's transaction-scoped advisory lock, waiting for the transaction that
 * holds it; it is released at COMMIT or ROLLBACK. Outside a transaction the lock would end
 * with the statement, so that is refused. */
static int pg_lock_chain(struct db *db)
{
	if (PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
		db_fail(db, DBE_OTHER, "db_lock_chain needs an open transaction");
		return -1;
	}
	PGresult *res = run(db, "SELECT pg_advisory_xact_lock(" CHAIN_LOCK_KEY ")", NULL, 0);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

/* READ COMMITTED, as PostgreSQL defaults to, and one writer at a time, as on SQLite (BEGIN
 * IMMEDIATE): the audit chain's lock (which every change takes for its audit event anyway) is
 * taken at the start, so that what a transaction reads to decide (a record's version, a state,
 * a count) cannot change before it commits. Taken only at the audit event, two changes made
 * from the same version could both read it before either wrote, and the second would
 * overwrite the first instead of answering 409. */
static int pg_begin(struct db *db)
{
	if (pg_exec(db, "BEGIN ISOLATION LEVEL READ COMMITTED", NULL, 0))
		return -1;
	if (pg_lock_chain(db)) {
		pg_exec(db, "ROLLBACK", NULL, 0); /* keeps the lock's error unless it fails too */
		return -1;
	}
	return 0;
}

/* A named transaction-scoped lock (db_lock), like the chain's. */
static int pg_lock(struct db *db, int64_t key)
{
	if (PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
		db_fail(db, DBE_OTHER, "db_lock needs an open transaction");
		return -1;
	}
	PGresult *res =
		run(db, "SELECT pg_advisory_xact_lock(?)", (struct dbval[]){ V_INT(key) }, 1);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

/* A session-level advisory lock, taken only if free (background jobs on one node). */
static int pg_try_lock(struct db *db, int64_t key, bool *got)
{
	PGresult *res = run(db, "SELECT CASE WHEN pg_try_advisory_lock(?) THEN 1 ELSE 0 END",
			    (struct dbval[]){ V_INT(key) }, 1);
	if (!res)
		return -1;
	*got = PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "1");
	PQclear(res);
	return 0;
}

static int pg_unlock(struct db *db, int64_t key)
{
	PGresult *res = run(db, "SELECT pg_advisory_unlock(?)", (struct dbval[]){ V_INT(key) }, 1);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

/* ---- Backup ---- */

/*
 * The environment for pg_dump: ours without any PG* variable, plus one PG* variable for each
 * connection setting this connection actually uses (host, port, user, password, database,
 * TLS options...), so pg_dump reaches the same database without the password ever being on
 * a command line. The strings and the array are freed with free_env().
 */
static char **dump_env(PGconn *conn)
{
	size_t n = 0, cap = 16;
	char **env = xmalloc(cap * sizeof(*env));
	PQconninfoOption *opts = PQconninfo(conn);
	for (char **e = environ; e && *e; e++) {
		if (!strncmp(*e, "PG", 2))
			continue;
		if (n + 1 >= cap)
			env = xrealloc(env, (cap *= 2) * sizeof(*env));
		env[n++] = xstrdup(*e);
	}
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!o->envvar || !o->val || !*o->val)
			continue;
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s=%s", o->envvar, o->val);
		if (n + 1 >= cap)
			env = xrealloc(env, (cap *= 2) * sizeof(*env));
		env[n++] = buf_detach(&b, NULL);
	}
	env[n] = NULL;
	PQconninfoFree(opts);
	return env;
}

/* Frees what dump_env() built. */
static void free_env(char **env)
{
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

/*
 * Writes a custom-format pg_dump of the database into `path`, which must not exist yet; it is
 * created first, mode 0600, because it holds personal data. pg_dump (from postgresql-client,
 * found on PATH) takes its own consistent snapshot, so the copy is safe while mamori runs. Its
 * error output becomes the error message; a partial file is removed.
 */
/* Runs a PostgreSQL client tool (pg_dump, pg_restore) on this connection's database with the
 * connection settings in its environment, never on its command line; its error output
 * becomes the error message. */
static int pg_tool(struct db *db, char *const argv[])
{
	int ret = -1, pipefd[2] = { -1, -1 };
	char **env = NULL;
	posix_spawn_file_actions_t fa;
	struct buf errout = BUF_INIT;

	if (pipe2(pipefd, O_CLOEXEC)) {
		db_fail(db, DBE_OTHER, "cannot start the PostgreSQL tool: no pipe");
		goto out;
	}
	env = dump_env(db->conn);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	pipefd[1] = -1;
	if (rc) {
		struct buf msg = BUF_INIT;
		buf_printf(&msg,
			   rc == ENOENT ? "%s was not found on PATH (install postgresql-client)"
					: "cannot start %s",
			   argv[0]);
		db_fail(db, DBE_OTHER, msg.buf);
		buf_release(&msg);
		goto out;
	}

	char chunk[512];
	ssize_t got;
	while ((got = read(pipefd[0], chunk, sizeof(chunk))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (errout.len < 4096)
			buf_add(&errout, chunk, (size_t)got);
	}
	int status;
	pid_t w;
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (w < 0) {
		db_fail(db, DBE_OTHER, "cannot learn whether the PostgreSQL tool succeeded");
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		struct buf msg = BUF_INIT;
		buf_printf(&msg, "%s failed: %s", argv[0],
			   errout.len ? errout.buf : "no message (killed by a signal?)");
		set_message(db, DBE_OTHER, msg.buf, NULL);
		buf_release(&msg);
		goto out;
	}
	ret = 0;
out:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (env)
		free_env(env);
	buf_release(&errout);
	return ret;
}

/* pg_dump in its custom format into a new file `path` (mode 0600). */
static int pg_backup(struct db *db, const char *path)
{
	struct buf file = BUF_INIT;
	if (conn_ready(db))
		return -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		db_fail(db, DBE_OTHER,
			errno == EEXIST ? "the backup file already exists"
					: "cannot create the backup file");
		return -1;
	}
	close(fd);
	buf_printf(&file, "--file=%s", path);
	char *argv[] = { "pg_dump", "--format=custom", "--no-password", file.buf, NULL };
	int rc = pg_tool(db, argv);
	if (rc)
		unlink(path);
	buf_release(&file);
	return rc;
}

/* pg_restore of a pg_dump archive over this database, in one transaction. */
static int pg_restore_file(struct db *db, const char *path)
{
	struct buf dbname = BUF_INIT;
	if (conn_ready(db))
		return -1;
	buf_printf(&dbname, "--dbname=%s", PQdb(db->conn));
	char *argv[] = { "pg_restore",           "--clean",
			 "--if-exists",          "--no-owner",
			 "--single-transaction", "--exit-on-error",
			 "--no-password",        dbname.buf,
			 (char *)path,           NULL };
	int rc = pg_tool(db, argv);
	buf_release(&dbname);
	cache_clear(db->cache);
	return rc;
}

/* PostgreSQL keeps its own pages consistent; a query proves the database answers. */
static int pg_integrity(struct db *db, struct buf *problems)
{
	PGresult *res = run(db, "SELECT 1", NULL, 0);
	if (!res) {
		buf_printf(problems, "the database does not answer: %s", db->errmsg);
		return 0;
	}
	PQclear(res);
	return 0;
}

/* ---- Life cycle ---- */

/* Ends the session and frees the connection, its statement cache and `db`. */
static void pg_close(struct db *db)
{
	cache_clear(db->cache);
	free(db->cache);
	free(db->priv);
	PQfinish(db->conn);
	free(db);
}

static const struct db_engine pg_engine = {
	.name = "postgres",
	.id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.exec = pg_exec,
	.exec_script = pg_exec_script,
	.query = pg_query,
	.query_ahead = pg_query_ahead,
	.fetch = pg_fetch,
	.next = pg_next,
	.isnull = pg_isnull,
	.get_int = pg_int,
	.get_text = pg_text,
	.get_text_len = pg_text_len,
	.rows_free = pg_rows_free,
	.begin = pg_begin,
	.lock_chain = pg_lock_chain,
	.lock = pg_lock,
	.try_lock = pg_try_lock,
	.unlock = pg_unlock,
	.restore = pg_restore_file,
	.integrity = pg_integrity,
	.backup = pg_backup,
	.close = pg_close,
};

/* Replaces every occurrence of `secret` in `b` with "***". */
static void scrub(struct buf *b, const char *secret, size_t len)
{
	if (!secret || !len)
		return;
	struct buf out = BUF_INIT;
	const char *p = b->buf, *hit;
	while ((hit = memmem(p, b->len - (size_t)(p - b->buf), secret, len))) {
		buf_add(&out, p, (size_t)(hit - p));
		buf_adds(&out, "***");
		p = hit + len;
	}
	buf_adds(&out, p);
	buf_release(b);
	*b = out;
}

/*
 * Removes from `msg` anything of `url` that is a password: the password of the user info
 * (scheme://user:PASSWORD@host) as written, and every secret setting as libpq decodes it,
 * because libpq may quote a malformed piece of the URL in its message.
 */
static void scrub_url_secrets(struct buf *msg, const char *url)
{
	const char *auth = strstr(url, "://");
	if (auth) {
		auth += 3;
		size_t alen = strcspn(auth, "/?#");
		const char *at = NULL;
		for (size_t i = 0; i < alen; i++)
			if (auth[i] == '@')
				at = auth + i;
		const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon)
			scrub(msg, colon + 1, (size_t)(at - colon - 1));
	}
	const char *q = strstr(url, "password=");
	if (q) {
		q += 9;
		scrub(msg, q, strcspn(q, "&#"));
	}
	PQconninfoOption *opts = PQconninfoParse(url, NULL);
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (o->val && o->dispchar && strchr(o->dispchar, '*'))
			scrub(msg, o->val, strlen(o->val));
	PQconninfoFree(opts);
}

int pg_open(const char *url, struct db **out, struct buf *err)
{
	/* The URL's own settings override these defaults (they come before "dbname"). */
	const char *const keys[] = { "connect_timeout", "fallback_application_name", "dbname",
				     NULL };
	const char *const vals[] = { "10", "mamori", url, NULL };
	*out = NULL;

	PGconn *conn = PQconnectdbParams(keys, vals, 1);
	if (!conn) {
		buf_printf(err, "cannot connect to PostgreSQL: out of memory");
		return -1;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		struct buf msg = BUF_INIT;
		const char *dbname = PQdb(conn);
		one_line(&msg, PQerrorMessage(conn));
		scrub_url_secrets(&msg, url);
		if (dbname && *dbname)
			buf_printf(err, "cannot connect to PostgreSQL database \"%s\": %s", dbname,
				   msg.buf);
		else
			buf_printf(err, "cannot connect to PostgreSQL: %s", msg.buf);
		buf_release(&msg);
		PQfinish(conn);
		return -1;
	}
	PQsetNoticeProcessor(conn, on_notice, NULL);

	struct db *db = xcalloc(1, sizeof(*db));
	db->eng = &pg_engine;
	db->conn = conn;
	db->cache = xcalloc(1, sizeof(struct pg_cache));
	db->priv = xcalloc(1, sizeof(struct pg_priv));
	if (session_setup(db)) {
		buf_printf(err, "cannot configure the PostgreSQL session on database \"%s\": %s",
			   PQdb(conn), db->errmsg);
		pg_close(db);
		return -1;
	}
	*out = db;
	return 0;
}
