/* internal_audit_tasks.c — what waits in internal audit: the audits I am on that are planned
 * or in progress (due at their end date), and the findings my department must answer. */
#include "internal.h"
#include "../../workflow/tasks.h"

static int my_audits(const struct task_query *q, json_t *out)
{
	struct dbrows r;
	if (db_query(
		    q->db, &r,
		    "SELECT a.id, a.title, a.ends_on, a.status FROM internal_audits a WHERE "
		    "a.status IN ('planned', 'in_progress') AND (a.lead_id = ? OR EXISTS (SELECT 1 "
		    "FROM internal_audit_auditors x WHERE x.audit_id = a.id AND x.user_id = ?)) "
		    "ORDER BY a.ends_on, a.id LIMIT 200",
		    P(V_INT(q->user_id), V_INT(q->user_id))))
		return -1;
	while (db_next(&r)) {
		char key[40], link[40];
		const char *due = db_text(&r, 2);
		snprintf(key, sizeof(key), "internal_audit:%lld", (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "/audits/%lld", (long long)db_int(&r, 0));
		task_add(out, "internal_audit", key, db_text(&r, 1), NULL, due,
			 strcmp(due, q->today) < 0, link,
			 json_pack("{s:s}", "status", db_text(&r, 3)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static int findings_to_answer(const struct task_query *q, json_t *out)
{
	struct dbrows r;
	if (db_query(q->db, &r,
		     "SELECT f.id, a.title, d.name, x.due_on FROM internal_audit_findings f JOIN "
		     "internal_audits a ON a.id = f.audit_id JOIN departments d ON d.id = "
		     "f.department_id LEFT JOIN actions x ON x.id = f.action_id WHERE f.status = "
		     "'open' AND a.status <> 'cancelled' AND (d.manager_id = ? OR d.deputy_id = ?) "
		     "ORDER BY f.id LIMIT 200",
		     P(V_INT(q->user_id), V_INT(q->user_id))))
		return -1;
	while (db_next(&r)) {
		char key[48], link[48];
		const char *due = db_text(&r, 3);
		struct buf title = BUF_INIT;
		buf_printf(&title, "%s（%s）", db_text(&r, 1), db_text(&r, 2));
		snprintf(key, sizeof(key), "audit_finding:%lld", (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "/audit-findings/%lld", (long long)db_int(&r, 0));
		task_add(out, "audit_finding", key, title.buf, NULL, due,
			 due && strcmp(due, q->today) < 0, link, NULL);
		buf_release(&title);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

const struct task_source internal_audit_tasks[] = {
	{ "internal_audit", "internal_audit.perform", my_audits, "内部監査", "Internal audit" },
	{ "audit_finding", "internal_audit.respond", findings_to_answer, "内部監査の指摘への回答",
	  "Audit finding to answer" },
	{ 0 },
};
