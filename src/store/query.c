/* query.c — fixed fragments plus bound values. */
#include <string.h>

#include "query.h"

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
