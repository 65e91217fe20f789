/* risks_tasks.c — what waits in the risk assessment: the risks a person owns whose residual
 * risk they have not accepted yet. */
#include "risks.h"
#include "../../workflow/tasks.h"

static int to_accept(const struct task_query *q, json_t *out)
{
	struct dbrows r;
	if (db_query(q->db, &r,
		     "SELECT r.id, r.threat, COALESCE(a.name, p.name), r.review_on FROM risks r "
		     "LEFT "
		     "JOIN assets a ON a.id = r.asset_id LEFT JOIN pinfo p ON p.id = r.pinfo_id "
		     "WHERE "
		     "r.owner_id = ? AND r.accepted_at IS NULL ORDER BY r.id LIMIT 200",
		     P(V_INT(q->user_id))))
		return -1;
	while (db_next(&r)) {
		char key[40], link[40];
		struct buf title = BUF_INIT;
		const char *due = db_text(&r, 3);
		snprintf(key, sizeof(key), "risk_accept:%lld", (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "/risks/%lld", (long long)db_int(&r, 0));
		buf_adds(&title, db_text(&r, 1));
		if (db_text(&r, 2))
			buf_printf(&title, " (%s)", db_text(&r, 2));
		task_add(out, "risk_accept", key, title.buf, NULL, due,
			 due && strcmp(due, q->today) < 0, link, NULL);
		buf_release(&title);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

const struct task_source risks_tasks[] = {
	{ "risk_accept", "risks.read", to_accept, "リスクの受容", "Risk acceptance" },
	{ 0 },
};
