/* training_api.c — /api/v1/courses and /api/v1/training/...: routes, schemas, handlers. */
#include <string.h>

#include "internal.h"
#include "../modules.h"
#include "../../http/export.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX     200

static const char *const langs[] = { "ja", "en", NULL };
static const char *const recurrences[] = { "once", "yearly", NULL };
static const char *const duty_statuses[] = { "pending", "overdue", "completed", NULL };
static const char *const encodings[] = { "utf-8", "cp932", NULL };

static int64_t page_limit(struct req *req)
{
	int64_t limit = PAGE_DEFAULT;
	const char *v = req_query(req, "limit");
	if (v)
		parse_i64(v, 1, PAGE_MAX, &limit);
	return limit;
}

static int64_t page_cursor(struct req *req)
{
	int64_t cursor = 0;
	const char *v = req_query(req, "cursor");
	if (v)
		parse_i64(v, 1, INT64_MAX, &cursor);
	return cursor;
}

static int64_t query_id(struct req *req, const char *name)
{
	int64_t id = 0;
	const char *v = req_query(req, name);
	if (v)
		parse_i64(v, 1, INT64_MAX, &id);
	return id;
}

/* --- courses ------------------------------------------------------------------------------ */

static int courses_index(struct req *req)
{
	struct buf out = BUF_INIT;
	if (course_list(req->db, req_can(req, "training.manage"), req_query(req, "q"),
			page_cursor(req), page_limit(req), &out)) {
		buf_release(&out);
		return -1;
	}
	return reply_buf(req, 200, &out);
}

static int courses_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = course_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? course_draft(req->db, id) : NULL);
}

static int courses_show(struct req *req)
{
	enum status st;
	json_t *c = course_show(req->db, req_param_int(req, "id"), req->user->id,
				req_can(req, "training.manage"), &st);
	return c ? reply_json(req, 200, c) : reply_status_of(req, st, NULL);
}

static int courses_draft(struct req *req)
{
	json_t *d = course_draft(req->db, req_param_int(req, "id"));
	if (!d)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, d);
}

static int courses_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = course_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? course_draft(req->db, id) : NULL);
}

static int courses_publish(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id"), number = 0;
	enum status st =
		course_publish(req->db, &who, id, req_int(req, "version", 0), &number, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? course_draft(req->db, id) : NULL);
}

static int lesson_show(struct req *req)
{
	enum status st;
	const char *lang = req_query(req, "lang");
	json_t *l = lesson_published(req->db, req_param_int(req, "id"),
				     (int)req_param_int(req, "seq"), lang ? lang : "ja", &st);
	return l ? reply_json(req, 200, l) : reply_status_of(req, st, NULL);
}

static int lessons_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st =
		lesson_create(req->db, &who, req_param_int(req, "id"), req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? lesson_json(req->db, id) : NULL);
}

static int lessons_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = lesson_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? lesson_json(req->db, id) : NULL);
}

static int lessons_delete(struct req *req)
{
	struct actor who = req_actor(req);
	enum status st = lesson_delete(req->db, &who, req_param_int(req, "id"));
	return st == ST_OK ? reply_status(req, 204) : reply_status_of(req, st, NULL);
}

static int questions_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st =
		question_create(req->db, &who, req_param_int(req, "id"), req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? question_json(req->db, id) : NULL);
}

static int questions_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = question_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? question_json(req->db, id) : NULL);
}

static int questions_delete(struct req *req)
{
	struct actor who = req_actor(req);
	enum status st = question_delete(req->db, &who, req_param_int(req, "id"));
	return st == ST_OK ? reply_status(req, 204) : reply_status_of(req, st, NULL);
}

static int markdown_preview(struct req *req)
{
	return reply_json(req, 200,
			  json_pack("{s:o}", "doc", training_markdown(req_str(req, "markdown"))));
}

/* --- attempts ----------------------------------------------------------------------------- */

static int attempts_start(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	bool resumed = false;
	enum status st = attempt_start(req->db, &who, req_param_int(req, "id"), &id, &resumed, &fe);
	enum status st2 = ST_OK;
	json_t *a = st == ST_OK ? attempt_json(req->db, id, &st2) : NULL;
	if (st == ST_OK && !a)
		st = st2;
	return reply_outcome(req, st, &fe, resumed ? 200 : 201, a);
}

/* The owner sees their attempt at any time; people who read records (all, or their team)
 * see it once it is graded. Others are told it does not exist. */
static bool may_read_attempt(struct req *req, int64_t owner, bool open)
{
	if (owner == req->user->id)
		return true;
	if (open)
		return false;
	if (req_can(req, "training.records"))
		return true;
	return req_can(req, "training.team") && training_in_team(req->db, req->user->id, owner);
}

static int attempts_show(struct req *req)
{
	int64_t id = req_param_int(req, "id"), owner = 0;
	bool open = false;
	int rc = attempt_owner(req->db, id, &owner, &open);
	if (rc < 0)
		return -1;
	if (rc > 0 || !may_read_attempt(req, owner, open))
		return reply_status_of(req, ST_NOT_FOUND, NULL);
	enum status st;
	json_t *a = attempt_json(req->db, id, &st);
	if (a && owner != req->user->id) {
		/* Reading someone's results is reading personal data. */
		struct actor who = req_actor(req);
		if (audit_append_tx(req->db, &who, "training.attempt.read", "training_attempt", id,
				    NULL)) {
			json_decref(a);
			return -1;
		}
	}
	return a ? reply_json(req, 200, a) : reply_status_of(req, st, NULL);
}

static int attempts_answer(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	int64_t id = req_param_int(req, "id");
	enum status st =
		attempt_answer(req->db, req->user->id, id, (int)req_int(req, "position", 0),
			       req_field(req, "choices"), &fe);
	if (st == ST_OK) {
		ferr_release(&fe);
		return reply_status(req, 204);
	}
	return reply_outcome(req, st, &fe, 200, NULL);
}

static int attempts_submit(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = attempt_submit(req->db, &who, id, &fe);
	enum status st2 = ST_OK;
	json_t *a = st == ST_OK ? attempt_json(req->db, id, &st2) : NULL;
	if (st == ST_OK && !a)
		st = st2;
	return reply_outcome(req, st, &fe, 200, a);
}

static int certificate_show(struct req *req)
{
	int64_t id = req_param_int(req, "id"), owner = 0;
	bool open = false;
	int rc = attempt_owner(req->db, id, &owner, &open);
	if (rc < 0)
		return -1;
	if (rc > 0 || !may_read_attempt(req, owner, open))
		return reply_status_of(req, ST_NOT_FOUND, NULL);
	enum status st;
	json_t *c = certificate_json(req->db, req->app, id, &st);
	return c ? reply_json(req, 200, c) : reply_status_of(req, st, NULL);
}

static int me_show(struct req *req)
{
	json_t *m = training_me(req->db, req->user->id);
	return m ? reply_json(req, 200, m) : -1;
}

/* --- assignments -------------------------------------------------------------------------- */

static int assignments_index(struct req *req)
{
	json_t *items = assignment_list(req->db, query_id(req, "course_id"));
	return items ? reply_json(req, 200, json_pack("{s:o}", "items", items)) : -1;
}

static int assignments_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = assignment_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? assignment_json(req->db, id) : NULL);
}

static int assignments_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = assignment_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? assignment_json(req->db, id) : NULL);
}

/* --- records ------------------------------------------------------------------------------ */

/* The filter from the query; the team routes see only the caller's departments. */
static void roster_filter_of(struct req *req, struct roster_filter *f, bool team)
{
	memset(f, 0, sizeof(*f));
	f->course_id = query_id(req, "course_id");
	f->department_id = query_id(req, "department_id");
	f->status = req_query(req, "status");
	f->due_from = req_query(req, "due_from");
	f->due_to = req_query(req, "due_to");
	f->q = req_query(req, "q");
	if (f->status && !*f->status)
		f->status = NULL;
	if (f->due_from && !*f->due_from)
		f->due_from = NULL;
	if (f->due_to && !*f->due_to)
		f->due_to = NULL;
	f->team_of = team ? req->user->id : 0;
}

static int audit_read(struct req *req, const char *action, int64_t object_id, json_t *sum)
{
	struct actor who = req_actor(req);
	int rc = audit_append_tx(req->db, &who, action, object_id ? "user" : "training_roster",
				 object_id, sum);
	json_decref(sum);
	return rc;
}

static json_t *filter_summary(const struct roster_filter *f)
{
	return json_pack("{s:I,s:I,s:s?,s:s?,s:s?,s:b}", "course_id", (json_int_t)f->course_id,
			 "department_id", (json_int_t)f->department_id, "status", f->status,
			 "due_from", f->due_from, "due_to", f->due_to, "team", f->team_of != 0);
}

static int roster_list(struct req *req, bool team)
{
	struct roster_filter f;
	struct buf out = BUF_INIT;
	roster_filter_of(req, &f, team);
	if (training_sync(req->db, 0) ||
	    roster_page(req->db, &f, page_cursor(req), page_limit(req), &out) ||
	    audit_read(req, "training.roster.read", 0, filter_summary(&f))) {
		buf_release(&out);
		return -1;
	}
	return reply_buf(req, 200, &out);
}

static int roster_all(struct req *req)
{
	return roster_list(req, false);
}

static int roster_team(struct req *req)
{
	return roster_list(req, true);
}

static int summary(struct req *req, bool team)
{
	struct roster_filter f;
	roster_filter_of(req, &f, team);
	if (training_sync(req->db, 0))
		return -1;
	json_t *s = roster_summary(req->db, &f);
	return s ? reply_json(req, 200, s) : -1;
}

static int summary_all(struct req *req)
{
	return summary(req, false);
}

static int summary_team(struct req *req)
{
	return summary(req, true);
}

static const char *const export_head[] = { "氏名",       "ログインID", "部署",         "雇用区分",
					   "講座",       "周期開始",   "期限",         "状態",
					   "完了日時",   "受験回数",   "合格時の点数", "最高点",
					   "受講した版", "証明書番号" };

static const char *employment_ja(const char *t)
{
	static const char *const map[][2] = { { "regular", "正社員" },
					      { "contract", "契約社員" },
					      { "dispatched", "派遣社員" },
					      { "part_time", "パート・アルバイト" },
					      { "contractor", "委託先従業者" } };
	for (size_t i = 0; t && i < ARRAY_SIZE(map); i++)
		if (!strcmp(map[i][0], t))
			return map[i][1];
	return t;
}

static const char *status_ja(const char *s)
{
	return !strcmp(s, "completed") ? "完了" : !strcmp(s, "overdue") ? "期限超過" : "未完了";
}

/* One export row (the same cells for CSV and xlsx): strings, integers or null. */
static json_t *export_row(json_t *it)
{
	json_t *u = json_object_get(it, "user");
	json_t *attempt = json_object_get(it, "attempt_id");
	char cert[32] = "";
	if (json_is_integer(attempt))
		snprintf(cert, sizeof(cert), "TR-%06lld", (long long)json_integer_value(attempt));
	return json_pack("[O,O,O,s,O,O,O,s,O,O,O,O,O,s?]", json_object_get(u, "name"),
			 json_object_get(u, "login"), json_object_get(u, "department_name"),
			 employment_ja(json_string_value(json_object_get(u, "employment_type"))),
			 json_object_get(json_object_get(it, "course_title"), "ja"),
			 json_object_get(it, "cycle_start"), json_object_get(it, "due_date"),
			 status_ja(json_string_value(json_object_get(it, "status"))),
			 json_object_get(it, "completed_at"), json_object_get(it, "attempts"),
			 json_object_get(it, "score_percent"), json_object_get(it, "best_score"),
			 json_object_get(it, "course_version"), cert[0] ? cert : NULL);
}

static int roster_export(struct req *req, bool team, bool xlsx)
{
	struct roster_filter f;
	roster_filter_of(req, &f, team);
	if (training_sync(req->db, 0))
		return -1;
	json_t *items = roster_rows(req->db, &f);
	if (!items)
		return -1;
	json_t *rows = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_array_append_new(rows, export_row(it));
	}
	size_t nrows = json_array_size(items);
	json_decref(items);
	/* The shared export rules (export.h): guard, CP932 report, dates, file name. */
	bool cp932 = !xlsx && export_cp932(req);
	json_t *head = json_array();
	for (size_t k = 0; k < ARRAY_SIZE(export_head); k++)
		json_array_append_new(head, json_string(export_head[k]));
	struct export_file file;
	int built = export_build(head, rows, xlsx, cp932, false, "受講者名簿", &file);
	json_decref(head);
	if (built) {
		json_decref(rows);
		return built > 0 ? reply_unmappable(req, &file.loss) : -1;
	}
	char *data = file.data;
	size_t len = file.len;
	json_decref(rows);
	json_t *sum = filter_summary(&f);
	json_object_set_new(sum, "rows", json_integer((json_int_t)nrows));
	json_object_set_new(sum, "format",
			    json_string(xlsx    ? "xlsx"
					: cp932 ? "csv-cp932"
						: "csv"));
	struct actor who = req_actor(req);
	int rc =
		audit_append_tx(req->db, &who, "export.training_roster", "training_roster", 0, sum);
	json_decref(sum);
	if (rc) {
		free(data);
		return -1;
	}
	return reply_download(req, export_content_type(xlsx, cp932),
			      export_file_name(req, "training-roster", xlsx ? "xlsx" : "csv"), data,
			      len);
}

static int export_csv_all(struct req *req)
{
	return roster_export(req, false, false);
}

static int export_xlsx_all(struct req *req)
{
	return roster_export(req, false, true);
}

static int export_csv_team(struct req *req)
{
	return roster_export(req, true, false);
}

static int export_xlsx_team(struct req *req)
{
	return roster_export(req, true, true);
}

static int person(struct req *req, bool team)
{
	enum status st;
	int64_t id = req_param_int(req, "id");
	json_t *p = person_records(req->db, id, team ? req->user->id : 0, &st);
	if (!p)
		return reply_status_of(req, st, NULL);
	if (audit_read(req, "training.records.read", id, NULL)) {
		json_decref(p);
		return -1;
	}
	return reply_json(req, 200, p);
}

static int person_all(struct req *req)
{
	return person(req, false);
}

static int person_team(struct req *req)
{
	return person(req, true);
}

/* --- schemas and routes ------------------------------------------------------------------- */

static const struct field course_create_body[] = {
	{ "title_ja", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "title_en", FT_STRING, 0, .max = 200 },
	{ "description_ja", FT_TEXT, 0, .max = 4000 },
	{ "description_en", FT_TEXT, 0, .max = 4000 },
	{ "draw_count", FT_INT, 0, .min = 1, .max = 100 },
	{ "pass_percent", FT_INT, 0, .min = 1, .max = 100 },
	{ "time_limit_minutes", FT_INT, 0, .min = 0, .max = 600 },
	{ "max_attempts", FT_INT, 0, .min = 0, .max = 100 },
	{ 0 }
};

static const struct field course_patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "title_ja", FT_STRING, 0, .min = 1, .max = 200 },
	{ "title_en", FT_STRING, 0, .max = 200 },
	{ "description_ja", FT_TEXT, 0, .max = 4000 },
	{ "description_en", FT_TEXT, 0, .max = 4000 },
	{ "draw_count", FT_INT, 0, .min = 1, .max = 100 },
	{ "pass_percent", FT_INT, 0, .min = 1, .max = 100 },
	{ "time_limit_minutes", FT_INT, 0, .min = 0, .max = 600 },
	{ "max_attempts", FT_INT, 0, .min = 0, .max = 100 },
	{ "archived", FT_BOOL, 0 },
	{ 0 }
};

static const struct field publish_body[] = { { "version", FT_INT, F_REQUIRED, .min = 1 }, { 0 } };

static const struct field lesson_create_body[] = { { "title_ja", FT_STRING, F_REQUIRED, .min = 1,
						     .max = 200 },
						   { "title_en", FT_STRING, 0, .max = 200 },
						   { "body_ja", FT_TEXT, 0, .max = 50000 },
						   { "body_en", FT_TEXT, 0, .max = 50000 },
						   { "position", FT_INT, 0, .min = 1, .max = 1000 },
						   { 0 } };

static const struct field lesson_patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "title_ja", FT_STRING, 0, .min = 1, .max = 200 },
	{ "title_en", FT_STRING, 0, .max = 200 },
	{ "body_ja", FT_TEXT, 0, .max = 50000 },
	{ "body_en", FT_TEXT, 0, .max = 50000 },
	{ "position", FT_INT, 0, .min = 1, .max = 1000 },
	{ 0 }
};

static const struct field question_create_body[] = {
	{ "key", FT_STRING, 0, .min = 1, .max = 64 },
	{ "topic", FT_STRING, F_REQUIRED, .min = 1, .max = 40 },
	{ "situation_ja", FT_TEXT, F_REQUIRED, .min = 1, .max = 2000 },
	{ "situation_en", FT_TEXT, 0, .max = 2000 },
	{ "choices_ja", FT_STRARRAY, F_REQUIRED, .max = 500 },
	{ "choices_en", FT_STRARRAY, 0, .max = 500 },
	{ "correct", FT_INTARRAY, 0 }, /* required: checked with the choices */
	{ "explanation_ja", FT_TEXT, F_REQUIRED, .min = 1, .max = 4000 },
	{ "explanation_en", FT_TEXT, 0, .max = 4000 },
	{ 0 }
};

static const struct field question_patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "topic", FT_STRING, 0, .min = 1, .max = 40 },
	{ "situation_ja", FT_TEXT, 0, .min = 1, .max = 2000 },
	{ "situation_en", FT_TEXT, 0, .max = 2000 },
	{ "choices_ja", FT_STRARRAY, 0, .max = 500 },
	{ "choices_en", FT_STRARRAY, 0, .max = 500 },
	{ "correct", FT_INTARRAY, 0 },
	{ "explanation_ja", FT_TEXT, 0, .min = 1, .max = 4000 },
	{ "explanation_en", FT_TEXT, 0, .max = 4000 },
	{ 0 }
};

static const struct field preview_body[] = { { "markdown", FT_TEXT, F_REQUIRED, .max = 50000 },
					     { 0 } };

/* choices: 1-based numbers of the shown choices; absent or [] clears the answer. */
static const struct field answer_body[] = { { "position", FT_INT, F_REQUIRED, .min = 1,
					      .max = 100 },
					    { "choices", FT_INTARRAY, 0 },
					    { 0 } };

static const struct field assignment_create_body[] = {
	{ "course_id", FT_ID, F_REQUIRED },
	{ "targets", FT_STRARRAY, F_REQUIRED, .max = 80 },
	{ "starts_on", FT_DATE, 0 },
	{ "due_date", FT_DATE, F_REQUIRED },
	{ "recurrence", FT_ENUM, 0, .choices = recurrences },
	{ 0 }
};

static const struct field assignment_patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "targets", FT_STRARRAY, 0, .max = 80 },
	{ "due_date", FT_DATE, 0 },
	{ "recurrence", FT_ENUM, 0, .choices = recurrences },
	{ "active", FT_BOOL, 0 },
	{ 0 }
};

static const struct field course_list_query[] = { { "q", FT_STRING, 0, .max = 100 },
						  { "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
						  { "cursor", FT_ID, 0 },
						  { 0 } };

static const struct field lang_query[] = { { "lang", FT_ENUM, 0, .choices = langs }, { 0 } };

static const struct field assignment_query[] = { { "course_id", FT_ID, 0 }, { 0 } };

#define ROSTER_FILTERS                                                                             \
	{ "course_id", FT_ID, 0 }, { "department_id", FT_ID, 0 },                                  \
		{ "status", FT_ENUM, 0, .choices = duty_statuses }, { "due_from", FT_DATE, 0 },    \
		{ "due_to", FT_DATE, 0 },                                                          \
	{                                                                                          \
		"q", FT_STRING, 0, .max = 100                                                      \
	}

static const struct field roster_query[] = { ROSTER_FILTERS,
					     { "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
					     { "cursor", FT_ID, 0 },
					     { 0 } };

static const struct field summary_query[] = { ROSTER_FILTERS, { 0 } };

static const struct field export_query[] = { ROSTER_FILTERS,
					     { "encoding", FT_ENUM, 0, .choices = encodings },
					     { 0 } };

static const struct route routes[] = {
	{ "GET", "/api/v1/courses", "training.take", courses_index, .query = course_list_query },
	{ "POST", "/api/v1/courses", "training.manage", courses_create,
	  .body = course_create_body },
	{ "GET", "/api/v1/courses/{id:int}", "training.take", courses_show },
	{ "PATCH", "/api/v1/courses/{id:int}", "training.manage", courses_patch,
	  .body = course_patch_body },
	{ "GET", "/api/v1/courses/{id:int}/draft", "training.manage", courses_draft },
	{ "POST", "/api/v1/courses/{id:int}/publish", "training.manage", courses_publish,
	  .body = publish_body },
	{ "GET", "/api/v1/courses/{id:int}/lessons/{seq:int}", "training.take", lesson_show,
	  .query = lang_query },
	{ "POST", "/api/v1/courses/{id:int}/lessons", "training.manage", lessons_create,
	  .body = lesson_create_body },
	{ "POST", "/api/v1/courses/{id:int}/questions", "training.manage", questions_create,
	  .body = question_create_body },
	{ "POST", "/api/v1/courses/{id:int}/attempts", "training.take", attempts_start },
	{ "PATCH", "/api/v1/training/lessons/{id:int}", "training.manage", lessons_patch,
	  .body = lesson_patch_body },
	{ "DELETE", "/api/v1/training/lessons/{id:int}", "training.manage", lessons_delete },
	{ "PATCH", "/api/v1/training/questions/{id:int}", "training.manage", questions_patch,
	  .body = question_patch_body },
	{ "DELETE", "/api/v1/training/questions/{id:int}", "training.manage", questions_delete },
	{ "POST", "/api/v1/training/preview", "training.manage", markdown_preview,
	  .body = preview_body },
	{ "GET", "/api/v1/training/me", "training.take", me_show },
	{ "GET", "/api/v1/training/attempts/{id:int}", "training.take", attempts_show },
	{ "PUT", "/api/v1/training/attempts/{id:int}/answers", "training.take", attempts_answer,
	  .body = answer_body },
	{ "POST", "/api/v1/training/attempts/{id:int}/submit", "training.take", attempts_submit },
	{ "GET", "/api/v1/training/attempts/{id:int}/certificate", "training.take",
	  certificate_show },
	{ "GET", "/api/v1/training/assignments", "training.manage", assignments_index,
	  .query = assignment_query },
	{ "POST", "/api/v1/training/assignments", "training.manage", assignments_create,
	  .body = assignment_create_body },
	{ "PATCH", "/api/v1/training/assignments/{id:int}", "training.manage", assignments_patch,
	  .body = assignment_patch_body },
	{ "GET", "/api/v1/training/roster", "training.records", roster_all, .query = roster_query },
	{ "GET", "/api/v1/training/roster/summary", "training.records", summary_all,
	  .query = summary_query },
	{ "GET", "/api/v1/training/roster.csv", "training.records", export_csv_all,
	  .query = export_query },
	{ "GET", "/api/v1/training/roster.xlsx", "training.records", export_xlsx_all,
	  .query = summary_query },
	{ "GET", "/api/v1/training/people/{id:int}", "training.records", person_all },
	{ "GET", "/api/v1/training/team/roster", "training.team", roster_team,
	  .query = roster_query },
	{ "GET", "/api/v1/training/team/roster/summary", "training.team", summary_team,
	  .query = summary_query },
	{ "GET", "/api/v1/training/team/roster.csv", "training.team", export_csv_team,
	  .query = export_query },
	{ "GET", "/api/v1/training/team/roster.xlsx", "training.team", export_xlsx_team,
	  .query = summary_query },
	{ "GET", "/api/v1/training/team/people/{id:int}", "training.team", person_team },
};

const struct route_table training_routes = { routes, ARRAY_SIZE(routes) };

const struct permission training_permissions[] = {
	{ "training.take", "training" },
	{ "training.manage", "training" },
	{ "training.records", "training" },
	{ "training.team", "training" },
	{ 0 },
};
