/* query.c — fixed fragments plus bound values; list pages written from their rows. */
#include <stdio.h>
#include <string.h>

#include "query.h"
#include "../lib/jsonw.h"

void query_init(struct query *q, const char *head)
{
	buf_init(&q->sql, 256);
	buf_adds(&q->sql, head);
	q->n = 0;
}

void query_add(struct query *q, const char *fragment, const struct dbval *values, size_t n)
{
	if (q->n + n > QUERY_MAX_PARAMS)
		die("query_add: too many parameters");
	buf_addch(&q->sql, ' ');
	buf_adds(&q->sql, fragment);
	for (size_t i = 0; i < n; i++)
		q->params[q->n++] = values[i];
}

void query_release(struct query *q)
{
	buf_release(&q->sql);
}

int query_run(struct db *db, struct query *q, struct dbrows *rows)
{
	return db_query(db, rows, q->sql.buf, q->params, q->n);
}

int query_run_ahead(struct db *db, struct query *q, struct dbrows *rows)
{
	return db_query_ahead(db, rows, q->sql.buf, q->params, q->n);
}

int query_write_page(struct jsonw *w, struct dbrows *r, int64_t limit,
		     void (*row)(struct jsonw *w, struct dbrows *r, void *arg), void *arg)
{
	int64_t n = 0, last = 0;
	bool more = false;
	jw_key(w, "items");
	jw_array(w);
	while (db_next(r)) {
		if (n == limit) {
			more = true;
			break;
		}
		last = db_int(r, 0);
		row(w, r, arg);
		n++;
	}
	jw_array_end(w);
	jw_key(w, "next_cursor");
	if (more) {
		char c[24];
		snprintf(c, sizeof(c), "%lld", (long long)last);
		jw_str(w, c);
	} else {
		jw_null(w);
	}
	int failed = r->failed;
	db_rows_free(r);
	return failed ? -1 : 0;
}
