/* reviews_tasks.c — what waits in management review: for the office, the reviews still being
 * prepared (a draft, or sent back), due on the day they are held. Approvals wait in the
 * engine's own list. */
#include "reviews.h"
#include "../../workflow/tasks.h"

static int drafts(const struct task_query *q, json_t *out)
{
	struct dbrows r;
	if (db_query(q->db, &r,
		     "SELECT id, title, held_on, status FROM management_reviews WHERE status IN "
		     "('draft', 'sent_back', 'rejected') ORDER BY id LIMIT 100",
		     P0))
		return -1;
	while (db_next(&r)) {
		char key[40], link[40];
		const char *due = db_text(&r, 2);
		snprintf(key, sizeof(key), "management_review:%lld", (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "/reviews/%lld", (long long)db_int(&r, 0));
		task_add(out, "management_review", key, db_text(&r, 1), NULL, due,
			 due && strcmp(due, q->today) < 0, link,
			 json_pack("{s:s}", "status", db_text(&r, 3)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

const struct task_source reviews_tasks[] = {
	{ "management_review", "reviews.write", drafts, "マネジメントレビュー",
	  "Management review" },
	{ 0 },
};
