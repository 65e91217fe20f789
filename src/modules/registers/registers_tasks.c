/* registers_tasks.c — what waits in the registers: information assets and personal
 * information entries past their yearly review, within the departments the person keeps. */
#include "registers.h"
#include "../../store/query.h"
#include "../../workflow/tasks.h"
#include "../../workflow/workflow.h"

static int overdue_reviews(const struct task_query *q, json_t *out, const char *kind,
			   const char *sql, const char *link_prefix)
{
	struct query qu;
	struct dbrows r;
	query_init(&qu, sql);
	query_add(&qu, "WHERE review_due < ?", P(V_TEXT(q->today)));
	if (!wf_has_perm(q->perms, PERM_ALL_DEPARTMENTS))
		query_add(&qu, "AND department_id = ?", P(V_INT(q->department_id)));
	query_add(&qu, "ORDER BY review_due, id LIMIT 200", NULL, 0);
	int rc = query_run(q->db, &qu, &r);
	query_release(&qu);
	if (rc)
		return -1;
	while (db_next(&r)) {
		char key[48], link[48];
		snprintf(key, sizeof(key), "%s:%lld", kind, (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "%s%lld", link_prefix, (long long)db_int(&r, 0));
		task_add(out, kind, key, db_text(&r, 1), NULL, db_text(&r, 2), true, link, NULL);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static int asset_reviews(const struct task_query *q, json_t *out)
{
	return overdue_reviews(q, out, "asset_review", "SELECT id, name, review_due FROM assets",
			       "/assets/");
}

static int pinfo_reviews(const struct task_query *q, json_t *out)
{
	return overdue_reviews(q, out, "pinfo_review", "SELECT id, name, review_due FROM pinfo",
			       "/pinfo/");
}

const struct task_source asset_tasks[] = {
	{ "asset_review", "assets.write", asset_reviews, "情報資産の見直し", "Asset review" },
	{ 0 },
};

const struct task_source pinfo_tasks[] = {
	{ "pinfo_review", "pinfo.write", pinfo_reviews, "個人情報の見直し",
	  "Personal information review" },
	{ 0 },
};
