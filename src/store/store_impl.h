/*
 * store_impl.h — what an engine provides to store.c. Only files in src/store include this.
 */
#ifndef MAMORI_STORE_IMPL_H
#define MAMORI_STORE_IMPL_H

#include "store.h"

struct db_engine {
	const char *name;
	/* Replaces @ID@ in migrations: an auto-increment 64-bit primary key. */
	const char *id_column;
	/* Every write must queue for the engine's one writer: db_exec and db_insert outside a
	 * transaction run as a transaction of their own (SQLite). */
	bool one_writer;
	int (*exec)(struct db *db, const char *sql, const struct dbval *p, size_t n);
	int (*exec_script)(struct db *db, const char *sql);
	int (*query)(struct db *db, struct dbrows *rows, const char *sql, const struct dbval *p,
		     size_t n);
	/* May be NULL (query instead). fetch completes every pending query of the connection. */
	int (*query_ahead)(struct db *db, struct dbrows *rows, const char *sql,
			   const struct dbval *p, size_t n);
	void (*fetch)(struct db *db);
	int (*data_version)(struct db *db, int64_t *version); /* may be NULL: -1 */
	bool (*next)(struct dbrows *rows);
	bool (*isnull)(struct dbrows *rows, int col);
	int64_t (*get_int)(struct dbrows *rows, int col);
	const char *(*get_text)(struct dbrows *rows, int col);
	/* get_text and its bytes, NULs included (0 for NULL), in one call */
	const char *(*get_text_len)(struct dbrows *rows, int col, size_t *len);
	void (*rows_free)(struct dbrows *rows);
	int (*begin)(struct db *db);
	/* End a transaction begun by `begin`; both may be NULL (plain COMMIT / ROLLBACK). commit
	 * returns only once the changes are durable, and leaves no transaction open either way;
	 * rollback keeps db->err. */
	int (*commit)(struct db *db);
	void (*rollback)(struct db *db);
	/* A read-only snapshot for several queries (may be NULL: each query stands alone). */
	int (*begin_read)(struct db *db);
	int (*lock_chain)(struct db *db);
	int (*lock)(struct db *db, int64_t key);                /* may be NULL: no-op */
	int (*try_lock)(struct db *db, int64_t key, bool *got); /* may be NULL: granted */
	int (*unlock)(struct db *db, int64_t key);
	int (*backup)(struct db *db, const char *path);
	int (*restore)(struct db *db, const char *path);
	/* Appends a sentence per problem found; -1 only if the check itself failed. */
	int (*integrity)(struct db *db, struct buf *problems);
	void (*close)(struct db *db);
};

struct db {
	const struct db_engine *eng;
	void *conn;
	void *cache; /* engine-private statement cache */
	void *priv;  /* engine-private state */
	enum db_errkind err;
	char errmsg[256];
	int64_t changes;
	bool in_tx;
	bool in_read;            /* a db_read_begin() snapshot is open */
	int (*guard)(void *arg); /* db_set_guard */
	void *guard_arg;
	bool has_audit_key;
	unsigned char audit_key[32]; /* see db_set_audit_key */
};

void db_fail(struct db *db, enum db_errkind kind, const char *msg);

int sqlite_open(const char *path, struct db **out, struct buf *err);
int pg_open(const char *url, struct db **out, struct buf *err);
/* SQLite's group commit so far, for every connection to db's file: transactions committed,
 * and the COMMITs (fsyncs) that made them durable. */
void sqlite_write_stats(struct db *db, int64_t *transactions, int64_t *commits);
/* For tests: whether a transaction is using the writer, and how many queue for it. */
void sqlite_writer_state(struct db *db, bool *active, int *queued);

#endif
