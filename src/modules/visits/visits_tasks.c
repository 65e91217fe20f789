/* visits_tasks.c — what waits in the physical security logs: a host's visitors at reception,
 * for reception the visitors nobody hosts yet, badges not back and departures not recorded,
 * and for a site's manager the days without a closing entry. Titles never name a visitor. */
#include <string.h>

#include "visits.h"
#include "visits_impl.h"
#include "../../workflow/tasks.h"

enum slip_task { HOSTED, UNASSIGNED, BADGE, DEPARTURE };

static const char *const task_kinds[] = { "visit", "visit_unassigned", "visit_badge",
					  "visit_departure" };

/* The task's title in both languages: the slip's number, and its arrival time or badge. */
static void titles(enum slip_task t, int64_t id, const char *hm, const char *badge, struct buf *ja,
		   struct buf *en)
{
	long long n = (long long)id;
	switch (t) {
	case HOSTED:
		buf_printf(ja, "来訪者の受付 No.%lld (%s)", n, hm);
		buf_printf(en, "Visitor at reception No.%lld (%s)", n, hm);
		break;
	case UNASSIGNED:
		buf_printf(ja, "担当者が決まっていない来訪者 No.%lld (%s)", n, hm);
		buf_printf(en, "Visitor without a host No.%lld (%s)", n, hm);
		break;
	case BADGE:
		buf_printf(ja, "バッジ %s が返却されていません (No.%lld)", badge ? badge : "", n);
		buf_printf(en, "Badge %s not returned (No.%lld)", badge ? badge : "", n);
		break;
	case DEPARTURE:
		buf_printf(ja, "退館の記録がありません No.%lld (%s)", n, hm);
		buf_printf(en, "Departure not recorded No.%lld (%s)", n, hm);
		break;
	}
}

/* Appends a task per row (id, arrival time, badge) of `sql` bound to `p`. */
static int slips(const struct task_query *q, json_t *out, enum slip_task t, const char *sql,
		 const struct dbval *p, size_t n)
{
	struct dbrows r;
	if (db_query(q->db, &r, sql, p, n))
		return -1;
	while (db_next(&r)) {
		int64_t id = db_int(&r, 0), at = db_int(&r, 1);
		const char *badge = db_text(&r, 2);
		char key[48], link[40], day[11], hm[6];
		struct buf ja = BUF_INIT, en = BUF_INIT;
		visit_local_date(at, day);
		visit_local_time(at, hm);
		snprintf(key, sizeof(key), "%s:%lld", task_kinds[t], (long long)id);
		snprintf(link, sizeof(link), "/visits/%lld", (long long)id);
		titles(t, id, hm, badge, &ja, &en);
		/* A visitor still inside from an earlier day: someone forgot the departure. */
		bool overdue = t != UNASSIGNED && strcmp(day, q->today) < 0;
		task_add(out, task_kinds[t], key, ja.buf, en.buf, day, overdue, link,
			 json_pack("{s:I,s:s,s:s?}", "visit_id", (json_int_t)id, "time", hm,
				   "badge", badge));
		buf_release(&ja);
		buf_release(&en);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static int hosted(const struct task_query *q, json_t *out)
{
	return slips(q, out, HOSTED,
		     "SELECT id, arrived_at, badge_number FROM visits WHERE host_id = ? AND status "
		     "= 'arrived' ORDER BY arrived_at, id LIMIT 200",
		     P(V_INT(q->user_id)));
}

static int unassigned(const struct task_query *q, json_t *out)
{
	return slips(q, out, UNASSIGNED,
		     "SELECT id, arrived_at, NULL FROM visits WHERE host_id IS NULL AND status = "
		     "'arrived' ORDER BY arrived_at, id LIMIT 200",
		     P0);
}

static int open_slips(const struct task_query *q, json_t *out)
{
	int64_t today_start = visit_day_start(q->today);
	if (slips(q, out, BADGE,
		  "SELECT id, COALESCE(departed_at, arrived_at), badge_number FROM visits WHERE "
		  "status = 'departed' AND badge_number IS NOT NULL AND badge_returned_at IS NULL "
		  "ORDER BY id LIMIT 200",
		  P0))
		return -1;
	return slips(q, out, DEPARTURE,
		     "SELECT id, arrived_at, NULL FROM visits WHERE status = 'arrived' AND "
		     "arrived_at < ? ORDER BY arrived_at, id LIMIT 200",
		     P(V_INT(today_start)));
}

const struct task_source visits_tasks[] = {
	{ "visit", "visits.register", hosted, "来訪者の受付", "A visitor at reception",
	  .private_title = true, .urgent = true },
	{ "visit_unassigned", "visits.manage", unassigned, "担当者が決まっていない来訪者",
	  "A visitor without a host", .private_title = true, .urgent = true },
	{ "visit_badge", "visits.manage", open_slips, "来訪者のバッジと退館",
	  "Visitor badges and departures", .private_title = true },
	{ "office_close", "office_log.record", office_tasks, "施錠の記録", "Closing entries" },
	{ 0 },
};
