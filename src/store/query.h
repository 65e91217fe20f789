/*
 * query.h — assembling a SELECT from fixed SQL fragments and bound values.
 *
 * For list endpoints whose WHERE clause depends on which filters were given. Fragments are
 * string literals written in the code; values are always bound, never formatted into SQL.
 */
#ifndef MAMORI_QUERY_H
#define MAMORI_QUERY_H

#include "store.h"

#define QUERY_MAX_PARAMS 24

struct query {
	struct buf sql;
	struct dbval params[QUERY_MAX_PARAMS];
	size_t n;
};

void query_init(struct query *q, const char *head);
/* Appends " <fragment>" binding the `n` values (one per '?' in the fragment). Text values are
 * kept as pointers, not copied: the strings must live until the query has run (a helper that
 * adds a condition must not bind its own local buffer). */
void query_add(struct query *q, const char *fragment, const struct dbval *values, size_t n);
void query_release(struct query *q);
int query_run(struct db *db, struct query *q, struct dbrows *rows);
/* query_run with db_query_ahead: on PostgreSQL the query travels with the next one. */
int query_run_ahead(struct db *db, struct query *q, struct dbrows *rows);

/* A keyset page of a list, streamed into the open JSON object of `w`: "items": [row(w, r, arg)
 * for each row] and "next_cursor" (the last id as a string, or null on the last page). Column
 * 0 of the rows is the id, and the query asked for limit + 1 rows: the extra one says that a
 * next page exists. Frees the rows; -1 if reading them failed. */
struct jsonw;
int query_write_page(struct jsonw *w, struct dbrows *r, int64_t limit,
		     void (*row)(struct jsonw *w, struct dbrows *r, void *arg), void *arg);

#endif
