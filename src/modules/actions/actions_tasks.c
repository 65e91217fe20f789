/* actions_tasks.c — what waits in corrective actions: the open ones I own. */
#include "actions.h"
#include "../../workflow/tasks.h"

static int owned(const struct task_query *q, json_t *out)
{
	struct dbrows r;
	if (db_query(q->db, &r,
		     "SELECT id, title, due_on FROM actions WHERE owner_id = ? AND status IN "
		     "('open', "
		     "'in_progress') ORDER BY due_on, id LIMIT 500",
		     P(V_INT(q->user_id))))
		return -1;
	while (db_next(&r)) {
		char key[32], link[40];
		const char *due = db_text(&r, 2);
		snprintf(key, sizeof(key), "action:%lld", (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "/actions/%lld", (long long)db_int(&r, 0));
		task_add(out, "action", key, db_text(&r, 1), NULL, due, strcmp(due, q->today) < 0,
			 link, NULL);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

const struct task_source actions_tasks[] = {
	{ "action", "actions.work", owned, "是正処置", "Corrective action" },
	{ 0 },
};
