/* checklists_api.c — /api/v1/checklists (templates), /checklist-campaigns (starting one, its
 * answers, conformance, exports), /checklist-items (the answering page) and
 * /checklist-answers/{id}/action (a "no" becomes a corrective action). Answers themselves go
 * through the engine's POST /api/v1/campaign-items/{id}/answer. */
#include <string.h>

#include "checklists.h"
#include "internal.h"
#include "../actions/actions.h"
#include "../../http/export.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX     500

static struct checklist_viewer viewer_of(struct req *req)
{
	return (struct checklist_viewer){ req->user->id,
					  req_can(req, "checklists.read") ||
						  req_can(req, "checklists.manage") };
}

static json_t *person(struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col))
		return json_null();
	return json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, id_col), "name",
			 db_text(r, name_col));
}

static json_t *time_json(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

/* --- templates ---------------------------------------------------------------------------- */

static int templates_list(struct req *req)
{
	json_t *o = checklist_list(req->db, req_can(req, "checklists.manage"));
	return o ? reply_json(req, 200, o) : -1;
}

static int template_answer(struct req *req, enum status st, struct ferrors *fe, int code,
			   int64_t id)
{
	return reply_outcome(req, st, fe, code, st == ST_OK ? checklist_json(req->db, id) : NULL);
}

static int templates_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = checklist_create(req->db, &who, req->json, &id, &fe);
	return template_answer(req, st, &fe, 201, id);
}

static int templates_show(struct req *req)
{
	json_t *o = checklist_json(req->db, req_param_int(req, "id"));
	if (!o)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, o);
}

static int templates_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = checklist_update(req->db, &who, id, req->json, &fe);
	return template_answer(req, st, &fe, 200, id);
}

static int templates_publish(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id"), number = 0;
	enum status st =
		checklist_publish(req->db, &who, id, req_int(req, "version", 0), &number, &fe);
	return template_answer(req, st, &fe, 200, id);
}

static int versions_show(struct req *req)
{
	json_t *o = checklist_version_json(req->db, req_param_int(req, "id"));
	if (!o)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, o);
}

/* --- campaigns ---------------------------------------------------------------------------- */

/* Every checklist campaign, newest first, with its checklist and the current cycle's totals. */
static int campaigns_list(struct req *req)
{
	struct dbrows r;
	if (db_query(req->db, &r,
		     "SELECT c.id, c.title, c.status, c.recurrence, c.starts_on, c.cycle_start, "
		     "c.cycle_due, v.title_ja, v.title_en, v.number, (SELECT COUNT(*) FROM "
		     "campaign_items i WHERE i.campaign_id = c.id AND i.cycle_start = "
		     "c.cycle_start), "
		     "(SELECT COUNT(*) FROM campaign_items i WHERE i.campaign_id = c.id AND "
		     "i.cycle_start = c.cycle_start AND i.status = 'done') FROM campaigns c LEFT "
		     "JOIN "
		     "checklist_versions v ON v.id = c.ref_id WHERE c.kind = 'checklist' ORDER BY "
		     "c.status DESC, c.id DESC LIMIT 500",
		     P0))
		return -1;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(
			items,
			json_pack("{s:I,s:s,s:s,s:s,s:s,s:s?,s:s?,s:{s:s?,s:s?,s:I},s:{s:I,s:I}}",
				  "id", (json_int_t)db_int(&r, 0), "title", db_text(&r, 1),
				  "status", db_text(&r, 2), "recurrence", db_text(&r, 3),
				  "starts_on", db_text(&r, 4), "cycle_start", db_text(&r, 5),
				  "cycle_due", db_text(&r, 6), "checklist", "ja", db_text(&r, 7),
				  "en", db_text(&r, 8), "number", (json_int_t)db_int(&r, 9),
				  "totals", "total", (json_int_t)db_int(&r, 10), "done",
				  (json_int_t)db_int(&r, 11)));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return -1;
	}
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static int campaigns_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = checklist_campaign_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? campaign_json(req->db, id) : NULL);
}

/* Is campaign `id` a checklist campaign the viewer may look at (they see everything, have an
 * item in it, or manage a department that has)? Answers 404 when not; -1 on error. */
static int campaign_visible(struct req *req, int64_t id, const struct checklist_viewer *v,
			    bool *visible)
{
	struct query q;
	struct dbrows r;
	query_init(&q, "SELECT 1 FROM campaigns c WHERE");
	query_add(&q, "c.id = ? AND c.kind = 'checklist'", P(V_INT(id)));
	if (!v->all)
		query_add(&q,
			  "AND EXISTS (SELECT 1 FROM campaign_items i WHERE i.campaign_id = c.id "
			  "AND (i.user_id = ? OR i.department_id IN (SELECT id FROM departments "
			  "WHERE manager_id = ? OR deputy_id = ?)))",
			  P(V_INT(v->user_id), V_INT(v->user_id), V_INT(v->user_id)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	*visible = db_next(&r);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	if (!*visible)
		reply_status_of(req, ST_NOT_FOUND, NULL);
	return 0;
}

/* The answered rows of one campaign item, with the corrective action of each "no". */
static json_t *item_rows(struct db *db, int64_t item_id)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT a.id, a.item_key, a.answer, a.comment, a.action_id, ac.title, "
		     "ac.status FROM checklist_answers a LEFT JOIN actions ac ON ac.id = "
		     "a.action_id WHERE a.campaign_item_id = ? ORDER BY a.position",
		     P(V_INT(item_id))))
		return NULL;
	json_t *rows = json_array();
	while (db_next(&r))
		json_array_append_new(
			rows, json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)db_int(&r, 0),
					"key", db_text(&r, 1), "answer", db_text(&r, 2), "comment",
					db_text(&r, 3), "action",
					db_isnull(&r, 4) ? json_null()
							 : json_pack("{s:I,s:s,s:s}", "id",
								     (json_int_t)db_int(&r, 4),
								     "title", db_text(&r, 5),
								     "status", db_text(&r, 6))));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

/* One campaign item as the answering page shows it; NULL with *st set when it cannot. */
static json_t *item_view(struct req *req, int64_t item_id, const struct checklist_viewer *v,
			 enum status *st)
{
	struct dbrows r;
	char today[11];
	tz_today(today);
	*st = ST_DB;
	if (db_query(req->db, &r,
		     "SELECT i.id, i.campaign_id, i.cycle_start, i.due_on, i.status, i.version, "
		     "i.answer, i.done_at, i.user_id, s.id, s.name, i.department_id, d.name, "
		     "c.status, c.kind, c.title, c.ref_id, c.recurrence FROM campaign_items i JOIN "
		     "campaigns c ON c.id = i.campaign_id JOIN users s ON s.id = i.subject_id LEFT "
		     "JOIN departments d ON d.id = i.department_id WHERE i.id = ?",
		     P(V_INT(item_id))))
		return NULL;
	json_t *o = NULL;
	int64_t user_id = 0, dept = 0, ref = 0;
	bool checklist = false;
	if (db_next(&r)) {
		const char *status = strcmp(db_text(&r, 13), "running") ? "closed" : db_text(&r, 4);
		user_id = db_int(&r, 8);
		dept = db_isnull(&r, 11) ? 0 : db_int(&r, 11);
		ref = db_isnull(&r, 16) ? 0 : db_int(&r, 16);
		checklist = !strcmp(db_text(&r, 14), "checklist");
		json_t *answer = db_text(&r, 6) ? json_loads(db_text(&r, 6), 0, NULL) : NULL;
		o = json_pack("{s:I,s:{s:I,s:s,s:s,s:s},s:s,s:s,s:s,s:b,s:I,s:o,s:o,s:o,s:o,s:b}",
			      "id", (json_int_t)db_int(&r, 0), "campaign", "id",
			      (json_int_t)db_int(&r, 1), "title", db_text(&r, 15), "status",
			      db_text(&r, 13), "recurrence", db_text(&r, 17), "cycle_start",
			      db_text(&r, 2), "due_on", db_text(&r, 3), "status", status, "overdue",
			      !strcmp(status, "pending") && strcmp(db_text(&r, 3), today) < 0,
			      "version", (json_int_t)db_int(&r, 5), "answer",
			      answer ? answer : json_null(), "done_at", time_json(&r, 7), "subject",
			      person(&r, 9, 10), "department", person(&r, 11, 12), "can_answer",
			      user_id == v->user_id && !strcmp(status, "pending"));
	}
	int failed = r.failed;
	db_rows_free(&r);
	bool ok = false;
	if (failed || (o && checklist_may_see(req->db, v, user_id, dept, &ok)))
		goto fail;
	if (!o || !checklist || !ok) {
		*st = ST_NOT_FOUND;
		goto fail;
	}
	json_t *version = checklist_version_json(req->db, ref);
	json_t *rows = version ? item_rows(req->db, item_id) : NULL;
	if (!rows) {
		json_decref(version);
		goto fail;
	}
	json_object_set_new(o, "checklist", version);
	json_object_set_new(o, "rows", rows);
	*st = ST_OK;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static int items_show(struct req *req)
{
	struct checklist_viewer v = viewer_of(req);
	enum status st;
	json_t *o = item_view(req, req_param_int(req, "id"), &v, &st);
	return o ? reply_json(req, 200, o) : reply_status_of(req, st, NULL);
}

static int campaigns_show(struct req *req)
{
	struct checklist_viewer v = viewer_of(req);
	int64_t id = req_param_int(req, "id"), mine = 0;
	bool visible, found;
	if (campaign_visible(req, id, &v, &visible))
		return -1;
	if (!visible)
		return 0;
	int64_t manages = 0;
	bool any;
	json_t *c = campaign_json(req->db, id);
	/* A manager sees their own departments' progress only. */
	json_t *progress = c ? campaign_progress(req->db, id, v.all ? 0 : v.user_id) : NULL;
	if (!c || !progress ||
	    db_query_int(req->db, &mine, &found,
			 "SELECT i.id FROM campaign_items i JOIN campaigns c ON c.id = "
			 "i.campaign_id WHERE i.campaign_id = ? AND i.user_id = ? ORDER BY "
			 "i.cycle_start DESC, i.id DESC LIMIT 1",
			 P(V_INT(id), V_INT(v.user_id))) ||
	    (!v.all && db_query_int(req->db, &manages, &any,
				    "SELECT 1 FROM departments WHERE manager_id = ? OR "
				    "deputy_id = ? LIMIT 1",
				    P(V_INT(v.user_id), V_INT(v.user_id)))))
		goto fail;
	json_t *version =
		checklist_version_json(req->db, json_integer_value(json_object_get(c, "ref_id")));
	if (!version)
		goto fail;
	enum status st = ST_OK;
	json_t *item = found ? item_view(req, mine, &v, &st) : json_null();
	if (!item)
		goto fail;
	json_object_set_new(c, "progress", progress);
	json_object_set_new(c, "checklist", version);
	json_object_set_new(c, "my_item", item);
	json_object_set_new(c, "can_manage", json_boolean(req_can(req, "checklists.manage")));
	json_object_set_new(c, "sees_answers", json_boolean(v.all || manages));
	return reply_json(req, 200, c);
fail:
	json_decref(c);
	json_decref(progress);
	return -1;
}

/* The cycle asked for (?cycle=), or the campaign's current one, into `cycle`. */
static int cycle_of(struct req *req, int64_t id, char cycle[11])
{
	struct dbrows r;
	const char *given = req_query(req, "cycle");
	if (given && *given) {
		snprintf(cycle, 11, "%s", given);
		return 0;
	}
	cycle[0] = '\0';
	if (db_query(req->db, &r, "SELECT COALESCE(cycle_start, '') FROM campaigns WHERE id = ?",
		     P(V_INT(id))))
		return -1;
	if (db_next(&r))
		snprintf(cycle, 11, "%s", db_text(&r, 0));
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static int campaigns_answers(struct req *req)
{
	struct checklist_viewer v = viewer_of(req);
	int64_t id = req_param_int(req, "id"), cursor = req_query_int(req, "cursor", 0, INT64_MAX);
	int64_t limit = req_query_int(req, "limit", PAGE_DEFAULT, PAGE_MAX),
		dept = req_query_int(req, "department_id", 0, INT64_MAX);
	const char *status = req_query(req, "status");
	char cycle[11], today[11];
	bool visible;
	struct query q;
	struct dbrows r;
	tz_today(today);
	if (campaign_visible(req, id, &v, &visible))
		return -1;
	if (!visible)
		return 0;
	if (cycle_of(req, id, cycle))
		return -1;
	query_init(&q, "SELECT i.id, s.id, s.name, s.employment_type, i.department_id, d.name, "
		       "i.status, i.due_on, i.done_at FROM campaign_items i JOIN users s ON s.id = "
		       "i.subject_id LEFT JOIN departments d ON d.id = i.department_id WHERE");
	query_add(&q, "i.campaign_id = ? AND i.cycle_start = ?", P(V_INT(id), V_TEXT(cycle)));
	checklist_scope_where(&q, &v, "i.user_id", "i.department_id");
	if (dept)
		query_add(&q, "AND i.department_id = ?", P(V_INT(dept)));
	if (status && *status)
		query_add(&q, "AND i.status = ?", P(V_TEXT(status)));
	if (cursor)
		query_add(&q, "AND i.id > ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY i.id LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	json_t *items = json_array();
	int64_t last = 0;
	bool more = false;
	while (db_next(&r)) {
		if ((int64_t)json_array_size(items) == limit) {
			more = true;
			break;
		}
		const char *st = db_text(&r, 6);
		last = db_int(&r, 0);
		json_array_append_new(
			items,
			json_pack("{s:I,s:o,s:s,s:o,s:s,s:s,s:b,s:o,s:{s:i,s:i,s:i},s:[]}", "id",
				  (json_int_t)last, "subject", person(&r, 1, 2), "employment_type",
				  db_text(&r, 3), "department", person(&r, 4, 5), "status", st,
				  "due_on", db_text(&r, 7), "overdue",
				  !strcmp(st, "pending") && strcmp(db_text(&r, 7), today) < 0,
				  "done_at", time_json(&r, 8), "counts", "yes", 0, "no", 0, "na", 0,
				  "noes"));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto fail;
	if (last) {
		int64_t first = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
		if (db_query(
			    req->db, &r,
			    "SELECT a.campaign_item_id, a.id, a.item_key, a.answer, a.comment, "
			    "a.action_id, ac.status FROM checklist_answers a LEFT JOIN actions ac "
			    "ON "
			    "ac.id = a.action_id WHERE a.campaign_id = ? AND a.cycle_start = ? AND "
			    "a.campaign_item_id BETWEEN ? AND ? ORDER BY a.campaign_item_id, "
			    "a.position",
			    P(V_INT(id), V_TEXT(cycle), V_INT(first), V_INT(last))))
			goto fail;
		size_t k = 0;
		while (db_next(&r)) {
			int64_t item = db_int(&r, 0);
			json_t *it = NULL;
			for (; k < json_array_size(items); k++) {
				it = json_array_get(items, k);
				if (json_integer_value(json_object_get(it, "id")) >= item)
					break;
			}
			if (!it || json_integer_value(json_object_get(it, "id")) != item)
				continue; /* an item the filters left out */
			const char *a = db_text(&r, 3);
			json_t *counts = json_object_get(it, "counts");
			json_t *n = json_object_get(counts, a);
			if (n)
				json_integer_set(n, json_integer_value(n) + 1);
			if (!strcmp(a, "no"))
				json_array_append_new(
					json_object_get(it, "noes"),
					json_pack("{s:I,s:s,s:s,s:o}", "id",
						  (json_int_t)db_int(&r, 1), "key", db_text(&r, 2),
						  "comment", db_text(&r, 4), "action",
						  db_isnull(&r, 5)
							  ? json_null()
							  : json_pack("{s:I,s:s}", "id",
								      (json_int_t)db_int(&r, 5),
								      "status", db_text(&r, 6))));
		}
		failed = r.failed;
		db_rows_free(&r);
		if (failed)
			goto fail;
	}
	char next[24];
	snprintf(next, sizeof(next), "%lld", (long long)last);
	return reply_json(req, 200,
			  json_pack("{s:s,s:o,s:o}", "cycle", cycle, "items", items, "next_cursor",
				    more ? json_string(next) : json_null()));
fail:
	json_decref(items);
	return -1;
}

/* Adds one count to series[cycle] of `entry` (an object with "series": {cycle: {yes,no,na}}). */
static void count_into(json_t *entry, const char *cycle, const char *answer, int64_t n)
{
	json_t *series = json_object_get(entry, "series");
	json_t *c = json_object_get(series, cycle);
	if (!c) {
		c = json_pack("{s:i,s:i,s:i}", "yes", 0, "no", 0, "na", 0);
		json_object_set_new(series, cycle, c);
	}
	json_t *v = json_object_get(c, answer);
	if (v)
		json_integer_set(v, json_integer_value(v) + n);
}

/* {cycle: counts} into [{cycle, yes, no, na, rate}] in the order of `cycles`. */
static json_t *series_list(json_t *series, json_t *cycles)
{
	json_t *out = json_array();
	size_t i;
	json_t *cy;
	json_array_foreach(cycles, i, cy)
	{
		json_t *c = json_object_get(series, json_string_value(cy));
		int64_t yes = json_integer_value(json_object_get(c, "yes"));
		int64_t no = json_integer_value(json_object_get(c, "no"));
		int rate = checklist_rate(yes, no);
		json_array_append_new(
			out, json_pack("{s:O,s:I,s:I,s:I,s:o}", "cycle", cy, "yes", (json_int_t)yes,
				       "no", (json_int_t)no, "na",
				       (json_int_t)json_integer_value(json_object_get(c, "na")),
				       "rate", rate < 0 ? json_null() : json_integer(rate)));
	}
	return out;
}

static int campaigns_conformance(struct req *req)
{
	struct checklist_viewer v = viewer_of(req);
	int64_t id = req_param_int(req, "id"),
		dept = req_query_int(req, "department_id", 0, INT64_MAX);
	bool visible;
	struct query q;
	struct dbrows r;
	if (campaign_visible(req, id, &v, &visible))
		return -1;
	if (!visible)
		return 0;
	int64_t ref = 0;
	bool found;
	if (db_query_int(req->db, &ref, &found, "SELECT ref_id FROM campaigns WHERE id = ?",
			 P(V_INT(id))))
		return -1;
	json_t *content = checklist_version_content(req->db, ref);
	if (!content)
		return -1;
	/* Items in the checklist's order; departments as they come. */
	json_t *items = json_array(), *by_key = json_object(), *depts = json_object();
	json_t *dept_list = json_array(), *overall = json_object(), *cycles = json_array();
	json_t *ov = json_pack("{s:{}}", "series");
	json_object_set_new(overall, "x", ov);
	size_t s, i;
	json_t *sec, *it;
	json_array_foreach(json_object_get(content, "sections"), s, sec)
	{
		json_array_foreach(json_object_get(sec, "items"), i, it)
		{
			json_t *e =
				json_pack("{s:O,s:O,s:O,s:{}}", "key", json_object_get(it, "key"),
					  "statement", json_object_get(it, "statement"), "section",
					  json_object_get(sec, "title"), "series");
			json_array_append_new(items, e);
			json_object_set(by_key, json_string_value(json_object_get(it, "key")), e);
		}
	}
	query_init(&q, "SELECT a.cycle_start, a.department_id, d.name, a.item_key, a.answer, "
		       "COUNT(*) FROM checklist_answers a LEFT JOIN departments d ON d.id = "
		       "a.department_id WHERE");
	query_add(&q, "a.campaign_id = ?", P(V_INT(id)));
	checklist_scope_where(&q, &v, "a.user_id", "a.department_id");
	if (dept)
		query_add(&q, "AND a.department_id = ?", P(V_INT(dept)));
	query_add(&q,
		  "GROUP BY a.cycle_start, a.department_id, d.name, a.item_key, a.answer ORDER BY "
		  "a.cycle_start, d.name",
		  NULL, 0);
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		goto fail;
	while (db_next(&r)) {
		const char *cycle = db_text(&r, 0), *answer = db_text(&r, 4);
		int64_t n = db_int(&r, 5);
		char dkey[24];
		size_t nc = json_array_size(cycles);
		if (!nc || strcmp(json_string_value(json_array_get(cycles, nc - 1)), cycle))
			json_array_append_new(cycles, json_string(cycle));
		snprintf(dkey, sizeof(dkey), "%lld",
			 db_isnull(&r, 1) ? 0LL : (long long)db_int(&r, 1));
		json_t *d = json_object_get(depts, dkey);
		if (!d) {
			d = json_pack("{s:o,s:{}}", "department", person(&r, 1, 2), "series");
			json_object_set_new(depts, dkey, d);
			json_array_append(dept_list, d);
		}
		count_into(d, cycle, answer, n);
		count_into(ov, cycle, answer, n);
		json_t *e = json_object_get(by_key, db_text(&r, 3));
		if (e)
			count_into(e, cycle, answer, n);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto fail;
	json_array_foreach(items, i, it)
	{
		json_object_set_new(it, "series",
				    series_list(json_object_get(it, "series"), cycles));
	}
	json_array_foreach(dept_list, i, it)
	{
		json_object_set_new(it, "series",
				    series_list(json_object_get(it, "series"), cycles));
	}
	json_t *out =
		json_pack("{s:O,s:O,s:O,s:o}", "cycles", cycles, "items", items, "departments",
			  dept_list, "overall", series_list(json_object_get(ov, "series"), cycles));
	json_decref(content);
	json_decref(items);
	json_decref(by_key);
	json_decref(depts);
	json_decref(dept_list);
	json_decref(overall);
	json_decref(cycles);
	return reply_json(req, 200, out);
fail:
	json_decref(content);
	json_decref(items);
	json_decref(by_key);
	json_decref(depts);
	json_decref(dept_list);
	json_decref(overall);
	json_decref(cycles);
	return -1;
}

/* Japanese words for the export's coded values. */
static const char *ja_word(const char *code)
{
	static const struct {
		const char *code, *ja;
	} words[] = {
		{ "pending", "未回答" },
		{ "done", "回答済み" },
		{ "yes", "はい" },
		{ "no", "いいえ" },
		{ "na", "該当なし" },
		{ "regular", "正社員" },
		{ "contract", "契約社員" },
		{ "dispatched", "派遣社員" },
		{ "part_time", "パート・アルバイト" },
		{ "contractor", "委託先従業者" },
	};
	for (size_t i = 0; code && i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].code, code))
			return words[i].ja;
	return code ? code : "";
}

/* The section title and statement (ja) of item `key` in `content`. */
static void item_words(json_t *content, const char *key, const char **section,
		       const char **statement)
{
	size_t s, i;
	json_t *sec, *it;
	*section = *statement = "";
	json_array_foreach(json_object_get(content, "sections"), s, sec)
	{
		json_array_foreach(json_object_get(sec, "items"), i, it)
		{
			if (!strcmp(json_string_value(json_object_get(it, "key")), key)) {
				const char *a = json_string_value(
					json_object_get(json_object_get(sec, "title"), "ja"));
				const char *b = json_string_value(
					json_object_get(json_object_get(it, "statement"), "ja"));
				*section = a ? a : "";
				*statement = b ? b : "";
				return;
			}
		}
	}
}

static int campaigns_export(struct req *req)
{
	enum export_format fmt = export_format_of(req);
	struct checklist_viewer v = viewer_of(req);
	int64_t id = req_param_int(req, "id"),
		dept = req_query_int(req, "department_id", 0, INT64_MAX), ref = 0;
	char cycle[11];
	bool visible, found;
	struct query q;
	struct dbrows r;
	if (campaign_visible(req, id, &v, &visible))
		return -1;
	if (!visible)
		return 0;
	if (cycle_of(req, id, cycle) ||
	    db_query_int(req->db, &ref, &found, "SELECT ref_id FROM campaigns WHERE id = ?",
			 P(V_INT(id))))
		return -1;
	json_t *content = checklist_version_content(req->db, ref);
	if (!content)
		return -1;
	/* Every person's item of the cycle, with their answered rows (none while pending). */
	query_init(&q, "SELECT i.id, i.cycle_start, d.name, s.name, s.employment_type, i.status, "
		       "i.done_at, a.item_key, a.answer, a.comment, a.action_id FROM "
		       "campaign_items i JOIN users s ON s.id = i.subject_id LEFT JOIN departments "
		       "d ON d.id = i.department_id LEFT JOIN checklist_answers a ON "
		       "a.campaign_item_id = i.id WHERE");
	query_add(&q, "i.campaign_id = ? AND i.cycle_start = ?", P(V_INT(id), V_TEXT(cycle)));
	checklist_scope_where(&q, &v, "i.user_id", "i.department_id");
	if (dept)
		query_add(&q, "AND i.department_id = ?", P(V_INT(dept)));
	query_add(&q, "ORDER BY d.name, s.name, i.id, a.position", NULL, 0);
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc) {
		json_decref(content);
		return -1;
	}
	json_t *rows = json_array();
	while (db_next(&r)) {
		const char *section = "", *statement = "";
		char done[21] = "";
		if (db_text(&r, 7))
			item_words(content, db_text(&r, 7), &section, &statement);
		if (!db_isnull(&r, 6))
			time_rfc3339(db_int(&r, 6), done);
		json_array_append_new(
			rows,
			json_pack("[s,s?,s,s,s,s,s,s?,s,s,s?,o]", db_text(&r, 1), db_text(&r, 2),
				  db_text(&r, 3), ja_word(db_text(&r, 4)), ja_word(db_text(&r, 5)),
				  done, section, db_text(&r, 7), statement,
				  db_text(&r, 8) ? ja_word(db_text(&r, 8)) : "", db_text(&r, 9),
				  db_isnull(&r, 10) ? json_null() : json_integer(db_int(&r, 10))));
	}
	int failed = r.failed;
	db_rows_free(&r);
	json_decref(content);
	if (failed) {
		json_decref(rows);
		return -1;
	}
	json_t *headers = json_pack("[s,s,s,s,s,s,s,s,s,s,s,s]", "回", "部署", "氏名", "雇用形態",
				    "状態", "回答日時", "セクション", "項目キー", "項目", "回答",
				    "コメント", "是正処置ID");
	rc = reply_export(req, fmt, "checklist_answers", headers, rows);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

static int answers_action(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct checklist_viewer v = viewer_of(req);
	int64_t action_id = 0;
	enum status st = checklist_answer_action(req->db, &who, &v, req_param_int(req, "id"),
						 req->json, &action_id, &fe);
	return reply_outcome(req, st, &fe, 201,
			     st == ST_OK ? action_json(req->db, action_id) : NULL);
}

/* --- routes ------------------------------------------------------------------------------- */

static const char *const recurrences[] = { "once", "monthly", "yearly", NULL };
static const char *const owners[] = { "person", "manager", NULL };
static const char *const item_statuses[] = { "pending", "done", NULL };
static const char *const encodings[] = { "utf-8", "cp932", NULL };

static const struct field create_body[] = {
	{ "title_ja", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "title_en", FT_STRING, 0, .max = 200 },
	{ "description_ja", FT_TEXT, 0, .max = 2000 },
	{ "description_en", FT_TEXT, 0, .max = 2000 },
	{ "content", FT_OBJECT, 0 },
	{ 0 },
};

static const struct field patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "title_ja", FT_STRING, 0, .min = 1, .max = 200 },
	{ "title_en", FT_STRING, 0, .max = 200 },
	{ "description_ja", FT_TEXT, 0, .max = 2000 },
	{ "description_en", FT_TEXT, 0, .max = 2000 },
	{ "content", FT_OBJECT, 0 },
	{ "archived", FT_BOOL, 0 },
	{ 0 },
};

static const struct field version_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ 0 },
};

static const struct field campaign_body[] = {
	{ "template_id", FT_ID, F_REQUIRED },
	{ "title", FT_STRING, 0, .max = 200 },
	{ "targets", FT_STRARRAY, F_REQUIRED, .max = 80 },
	{ "starts_on", FT_DATE, 0 },
	{ "due_on", FT_DATE, F_REQUIRED },
	{ "recurrence", FT_ENUM, 0, .choices = recurrences },
	{ 0 },
};

static const struct field action_body[] = {
	{ "owner", FT_ENUM, F_REQUIRED, .choices = owners },
	{ "due_on", FT_DATE, 0 },
	{ "title", FT_STRING, 0, .max = 200 },
	{ "plan", FT_TEXT, 0, .max = 4000 },
	{ 0 },
};

static const struct field answers_query[] = {
	{ "cycle", FT_DATE, 0 },
	{ "department_id", FT_ID, 0 },
	{ "status", FT_ENUM, 0, .choices = item_statuses },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct field export_query[] = {
	{ "cycle", FT_DATE, 0 },
	{ "department_id", FT_ID, 0 },
	{ "encoding", FT_ENUM, 0, .choices = encodings },
	{ "unmappable", FT_ENUM, 0, .choices = export_unmappable },
	{ 0 },
};

static const struct field conformance_query[] = {
	{ "department_id", FT_ID, 0 },
	{ 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/checklists", "campaigns.take", templates_list },
	{ "POST", "/api/v1/checklists", "checklists.manage", templates_create,
	  .body = create_body },
	{ "GET", "/api/v1/checklists/{id:int}", "checklists.manage", templates_show },
	{ "PATCH", "/api/v1/checklists/{id:int}", "checklists.manage", templates_patch,
	  .body = patch_body },
	{ "POST", "/api/v1/checklists/{id:int}/publish", "checklists.manage", templates_publish,
	  .body = version_body },
	{ "GET", "/api/v1/checklist-versions/{id:int}", "campaigns.take", versions_show },
	{ "GET", "/api/v1/checklist-campaigns", "checklists.read", campaigns_list },
	{ "POST", "/api/v1/checklist-campaigns", "checklists.manage", campaigns_create,
	  .body = campaign_body },
	{ "GET", "/api/v1/checklist-campaigns/{id:int}", "campaigns.take", campaigns_show },
	{ "GET", "/api/v1/checklist-campaigns/{id:int}/answers", "campaigns.take",
	  campaigns_answers, .query = answers_query },
	{ "GET", "/api/v1/checklist-campaigns/{id:int}/answers.csv", "campaigns.take",
	  campaigns_export, .query = export_query, .arg = &export_as_csv },
	{ "GET", "/api/v1/checklist-campaigns/{id:int}/answers.xlsx", "campaigns.take",
	  campaigns_export, .query = export_query, .arg = &export_as_xlsx },
	{ "GET", "/api/v1/checklist-campaigns/{id:int}/conformance", "campaigns.take",
	  campaigns_conformance, .query = conformance_query },
	{ "GET", "/api/v1/checklist-items/{id:int}", "campaigns.take", items_show },
	{ "POST", "/api/v1/checklist-answers/{id:int}/action", "campaigns.take", answers_action,
	  .body = action_body },
};

const struct route_table checklists_routes = { routes, ARRAY_SIZE(routes) };

const struct permission checklists_permissions[] = {
	{ "checklists.manage", "checklists" },
	{ "checklists.read", "checklists" },
	{ 0 },
};
