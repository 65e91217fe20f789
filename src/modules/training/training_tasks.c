/* training_tasks.c — what waits in training: the courses assigned to me not yet passed. */
#include "internal.h"
#include "../../workflow/tasks.h"

static int courses_due(const struct task_query *q, json_t *out)
{
	struct dbrows r;
	/* One task per course: several assignments may ask for the same one. */
	if (db_query(q->db, &r,
		     "SELECT d.course_id, COALESCE(v.title_ja, c.title_ja), COALESCE(v.title_en, "
		     "c.title_en), MIN(d.due_date) FROM training_duties d JOIN training_courses c "
		     "ON "
		     "c.id = d.course_id LEFT JOIN training_course_versions v ON v.id = "
		     "c.current_version_id WHERE d.user_id = ? AND d.completed_at IS NULL GROUP BY "
		     "d.course_id, v.title_ja, c.title_ja, v.title_en, c.title_en",
		     P(V_INT(q->user_id))))
		return -1;
	while (db_next(&r)) {
		char key[40], link[48];
		const char *due = db_text(&r, 3);
		snprintf(key, sizeof(key), "training:%lld", (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "/training/courses/%lld", (long long)db_int(&r, 0));
		task_add(out, "training", key, db_text(&r, 1), db_text(&r, 2), due,
			 strcmp(due, q->today) < 0, link, NULL);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

const struct task_source training_tasks[] = {
	{ "training", "training.take", courses_due, "教育の受講", "Training" },
	{ 0 },
};
