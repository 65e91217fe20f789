/* reviews_api.c — /api/v1/reviews, /review-decisions and the dashboard (/api/v1/dashboard). */
#include <string.h>

#include "reviews.h"
#include "internal.h"
#include "../evidence/reports.h"
#include "../workflow/work.h"
#include "../../lib/timeutil.h"

static const char *const moves[] = { "submitted", "draft", NULL };

static struct wf_actor actor_of(struct req *req, struct actor *who)
{
	*who = req_actor(req);
	return work_actor(req, who);
}

static int answer(struct req *req, enum status st, struct ferrors *fe, int code, int64_t id)
{
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	return reply_outcome(req, st, fe, code, st == ST_OK ? review_json(req->db, &by, id) : NULL);
}

static int reviews_get(struct req *req)
{
	json_t *items = reviews_list(req->db);
	if (!items)
		return -1;
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static int reviews_post(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = 0;
	enum status st = review_create(req->db, &by, req->json, &id, &fe);
	return answer(req, st, &fe, 201, id);
}

static int reviews_show(struct req *req)
{
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	json_t *r = review_json(req->db, &by, req_param_int(req, "id"));
	if (!r)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, r);
}

static int reviews_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	return answer(req, review_update(req->db, &by, id, req->json, &fe), &fe, 200, id);
}

static int reviews_transition(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	return answer(req, review_move(req->app, req->db, &by, id, req->json, &fe), &fe, 200, id);
}

/* The review a decision belongs to, as the caller sees it, after a change to the decision. */
static int decision_answer(struct req *req, enum status st, struct ferrors *fe, int code,
			   int64_t review_id)
{
	return answer(req, st, fe, code, review_id);
}

static int64_t review_of_decision(struct req *req, int64_t id)
{
	int64_t rid = 0;
	bool found;
	if (db_query_int(req->db, &rid, &found,
			 "SELECT review_id FROM review_decisions WHERE id = ?", P(V_INT(id))))
		return -1;
	return found ? rid : 0;
}

static int decisions_post(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = 0, rid = req_param_int(req, "id");
	enum status st = decision_add(req->db, &by, rid, req->json, &id, &fe);
	return decision_answer(req, st, &fe, 201, rid);
}

static int decisions_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	int64_t rid = review_of_decision(req, id);
	if (rid < 0)
		return -1;
	enum status st = decision_update(req->db, &by, id, req->json, &fe);
	return decision_answer(req, st, &fe, 200, rid);
}

static int decisions_delete(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	int64_t rid = review_of_decision(req, id);
	if (rid < 0)
		return -1;
	enum status st = decision_delete(req->db, &by, id, req_int(req, "version", 0), &fe);
	return decision_answer(req, st, &fe, 200, rid);
}

static int decisions_action(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	int64_t rid = review_of_decision(req, id);
	if (rid < 0)
		return -1;
	enum status st = decision_open_action(req->db, &by, id, req->json, &fe);
	return decision_answer(req, st, &fe, 200, rid);
}

/* Reviews waiting for the caller's approval, each with its approval: the dashboard's list. */
static int reviews_awaiting(struct req *req)
{
	struct dbrows r;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	if (db_query(req->db, &r,
		     "SELECT id FROM management_reviews WHERE status = 'submitted' ORDER BY id",
		     P0))
		return -1;
	json_t *ids = json_array(), *v;
	while (db_next(&r))
		json_array_append_new(ids, json_integer(db_int(&r, 0)));
	int failed = r.failed;
	db_rows_free(&r);
	json_t *items = json_array();
	size_t i;
	json_array_foreach(ids, i, v)
	{
		if (failed)
			break;
		int64_t id = json_integer_value(v);
		json_t *a = approval_of_record(req->db, "management_review", id, req->user->id,
					       by.perms);
		json_t *brief = a ? review_brief(req->db, id) : NULL;
		if (!brief) {
			json_decref(a);
			failed = 1;
			break;
		}
		if (json_is_true(json_object_get(a, "can_decide"))) {
			json_object_del(brief, "decisions");
			json_object_set_new(brief, "approval", a);
			json_array_append_new(items, brief);
		} else {
			json_decref(a);
			json_decref(brief);
		}
	}
	json_decref(ids);
	if (failed) {
		json_decref(items);
		return -1;
	}
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* The period of ?from=&to= (default: the twelve months up to today); field errors otherwise. */
static bool period(struct req *req, char from[11], char to[11], struct ferrors *fe)
{
	const char *f = req_query(req, "from"), *t = req_query(req, "to");
	char today[11];
	tz_today(today);
	snprintf(to, 11, "%s", t ? t : today);
	if (f)
		snprintf(from, 11, "%s", f);
	else if (date_add_months(to, -12, from) || date_add(from, 1, from))
		snprintf(from, 11, "%s", to);
	if (strcmp(from, to) > 0)
		ferr_add(fe, "to", "before_start", "The period cannot end before it starts.");
	else if (date_diff(from, to) > 5 * 366)
		ferr_add(fe, "to", "too_long", "At most five years at a time.");
	return !ferr_any(fe);
}

static int dashboard(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	char from[11], to[11];
	if (!period(req, from, to, &fe)) {
		reply_errors(req, &fe);
		ferr_release(&fe);
		return 0;
	}
	json_t *in = review_inputs(req->db, from, to, 0);
	if (!in)
		return -1;
	return reply_json(req, 200, in);
}

static void draw_inputs(struct pdf *p, void *arg)
{
	review_inputs_pdf(p, arg, 1);
}

static int dashboard_pdf(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	char from[11], to[11];
	if (!period(req, from, to, &fe)) {
		reply_errors(req, &fe);
		ferr_release(&fe);
		return 0;
	}
	json_t *in = review_inputs(req->db, from, to, 0);
	if (!in)
		return -1;
	int rc = reply_pdf(req, "ISMS・個人情報保護の状況",
			   arena_printf(&req->arena, "%s 〜 %s", from, to), false, draw_inputs, in,
			   arena_printf(&req->arena, "dashboard-%s-%s.pdf", from, to),
			   "export.dashboard", "dashboard", 0);
	json_decref(in);
	return rc;
}

static void draw_review(struct pdf *p, void *arg)
{
	review_pdf(p, arg);
}

static int review_report_pdf(struct req *req)
{
	int64_t id = req_param_int(req, "id");
	json_t *r = review_plain(req->db, id);
	if (!r)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	int rc = reply_pdf(req, "マネジメントレビュー議事録",
			   json_string_value(json_object_get(r, "title")), false, draw_review, r,
			   arena_printf(&req->arena, "management-review-%lld.pdf", (long long)id),
			   "export.management_review", "management_review", id);
	json_decref(r);
	return rc;
}

/* --- schemas and routes -------------------------------------------------------------------- */

static const struct field review_body[] = {
	{ "title", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "period_from", FT_DATE, F_REQUIRED },
	{ "period_to", FT_DATE, F_REQUIRED },
	{ "held_on", FT_DATE, F_NULLABLE },
	{ "attendees", FT_TEXT, 0, .max = 2000 },
	{ "context_changes", FT_TEXT, 0, .max = 8000 },
	{ "other_inputs", FT_TEXT, 0, .max = 8000 },
	{ 0 },
};
static const struct field review_patch[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "title", FT_STRING, 0, .min = 1, .max = 200 },
	{ "period_from", FT_DATE, 0 },
	{ "period_to", FT_DATE, 0 },
	{ "held_on", FT_DATE, F_NULLABLE },
	{ "attendees", FT_TEXT, 0, .max = 2000 },
	{ "context_changes", FT_TEXT, 0, .max = 8000 },
	{ "other_inputs", FT_TEXT, 0, .max = 8000 },
	{ "summary", FT_TEXT, 0, .max = 8000 },
	{ 0 },
};
static const struct field transition_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "to", FT_ENUM, F_REQUIRED, .choices = moves },
	{ "comment", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};
static const struct field decision_body[] = {
	{ "kind", FT_ENUM, F_REQUIRED, .choices = review_decision_kinds },
	{ "body", FT_TEXT, F_REQUIRED, .min = 1, .max = 4000 },
	{ "owner_id", FT_ID, F_NULLABLE },
	{ "due_on", FT_DATE, F_NULLABLE },
	{ 0 },
};
static const struct field decision_patch[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "kind", FT_ENUM, 0, .choices = review_decision_kinds },
	{ "body", FT_TEXT, 0, .min = 1, .max = 4000 },
	{ "owner_id", FT_ID, F_NULLABLE },
	{ "due_on", FT_DATE, F_NULLABLE },
	{ 0 },
};
static const struct field version_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ 0 },
};
static const struct field decision_action_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "title", FT_STRING, 0, .min = 1, .max = 200 },
	{ "owner_id", FT_ID, F_NULLABLE },
	{ "due_on", FT_DATE, F_NULLABLE },
	{ 0 },
};
static const struct field period_query[] = {
	{ "from", FT_DATE, 0 },
	{ "to", FT_DATE, 0 },
	{ 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/reviews", "reviews.read", reviews_get },
	{ "POST", "/api/v1/reviews", "reviews.write", reviews_post, .body = review_body },
	{ "GET", "/api/v1/reviews/awaiting", "reviews.approve", reviews_awaiting },
	{ "GET", "/api/v1/reviews/{id:int}", "reviews.read", reviews_show },
	{ "PATCH", "/api/v1/reviews/{id:int}", "reviews.write", reviews_patch,
	  .body = review_patch },
	{ "POST", "/api/v1/reviews/{id:int}/transition", "reviews.write", reviews_transition,
	  .body = transition_body },
	{ "GET", "/api/v1/reviews/{id:int}/report.pdf", "reviews.read", review_report_pdf },
	{ "POST", "/api/v1/reviews/{id:int}/decisions", "reviews.decide", decisions_post,
	  .body = decision_body },
	{ "PATCH", "/api/v1/review-decisions/{id:int}", "reviews.decide", decisions_patch,
	  .body = decision_patch },
	{ "DELETE", "/api/v1/review-decisions/{id:int}", "reviews.decide", decisions_delete,
	  .body = version_body },
	{ "POST", "/api/v1/review-decisions/{id:int}/action", "reviews.decide", decisions_action,
	  .body = decision_action_body },
	{ "GET", "/api/v1/dashboard", "reviews.read", dashboard, .query = period_query },
	{ "GET", "/api/v1/dashboard.pdf", "reviews.read", dashboard_pdf, .query = period_query },
};

const struct route_table reviews_routes = { routes, ARRAY_SIZE(routes) };

const struct permission reviews_permissions[] = {
	{ "reviews.read", "reviews" },
	{ "reviews.write", "reviews" },
	{ "reviews.decide", "reviews" },
	{ "reviews.approve", "reviews" },
	{ 0 },
};
