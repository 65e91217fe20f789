/* courses.c — courses, their lessons and question pool (the draft), and publishing versions. */
#include <sodium.h>
#include <string.h>

#include "internal.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

/* --- small helpers shared by the module --------------------------------------------------- */

json_t *tr_loc(const char *ja, const char *en)
{
	return json_pack("{s:s,s:s}", "ja", ja ? ja : "", "en", en ? en : "");
}

void tr_jw_loc(struct jsonw *w, const char *key, const char *ja, const char *en)
{
	jw_key(w, key);
	jw_object(w);
	jw_key(w, "ja");
	jw_str(w, ja ? ja : "");
	jw_key(w, "en");
	jw_str(w, en ? en : "");
	jw_object_end(w);
}

json_t *tr_time(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

void tr_jw_time(struct jsonw *w, struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col)) {
		jw_null(w);
		return;
	}
	time_rfc3339(db_int(r, col), t);
	jw_str(w, t);
}

void tr_jw_opt_int(struct jsonw *w, struct dbrows *r, int col)
{
	if (db_isnull(r, col))
		jw_null(w);
	else
		jw_int(w, db_int(r, col));
}

json_t *tr_opt_int(struct dbrows *r, int col)
{
	return db_isnull(r, col) ? json_null() : json_integer(db_int(r, col));
}

char *tr_like(const char *q)
{
	struct buf b = BUF_INIT;
	buf_addch(&b, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addch(&b, '\\');
		buf_addch(&b, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
	}
	buf_addch(&b, '%');
	return buf_detach(&b, NULL);
}

const char *tr_pick(const char *lang, const char *ja, const char *en)
{
	if (lang && !strcmp(lang, "en") && en && *en)
		return en;
	return ja ? ja : "";
}

void tr_year_start(char out[11])
{
	tz_today(out);
	memcpy(out + 4, "-01-01", 7);
}

/* --- reading ------------------------------------------------------------------------------ */

#define COURSE_COLUMNS                                                                             \
	"c.id, c.code, c.title_ja, c.title_en, c.description_ja, c.description_en, "               \
	"c.draw_count, c.pass_percent, c.time_limit_minutes, c.max_attempts, c.archived, "         \
	"c.draft_dirty, c.created_at, c.updated_at, c.version, v.number, v.published_at, "         \
	"v.title_ja, v.title_en, v.lesson_count, v.question_count, v.draw_count, "                 \
	"v.pass_percent, v.time_limit_minutes, v.max_attempts, v.id"
#define COURSE_FROM                                                                                \
	" FROM training_courses c LEFT JOIN training_course_versions v ON v.id = "                 \
	"c.current_version_id"

/* One course row as the list and the course page show it: the published version's title
 * and quiz settings when there is one (what people take), else the draft's. */
static void course_write(struct jsonw *w, struct dbrows *r)
{
	bool pub = !db_isnull(r, 15);
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 0));
	jw_key(w, "code");
	jw_str(w, db_text(r, 1));
	tr_jw_loc(w, "title", db_text(r, pub ? 17 : 2), db_text(r, pub ? 18 : 3));
	tr_jw_loc(w, "description", db_text(r, 4), db_text(r, 5));
	static const char *const nums[] = { "draw_count", "pass_percent", "time_limit_minutes",
					    "max_attempts" };
	for (int i = 0; i < 4; i++) {
		jw_key(w, nums[i]);
		jw_int(w, db_int(r, pub ? 21 + i : 6 + i));
	}
	jw_key(w, "archived");
	jw_bool(w, db_int(r, 10) != 0);
	jw_key(w, "has_unpublished_changes");
	jw_bool(w, db_int(r, 11) != 0);
	jw_key(w, "published_version");
	if (pub)
		jw_int(w, db_int(r, 15));
	else
		jw_null(w);
	jw_key(w, "published_at");
	tr_jw_time(w, r, 16);
	jw_key(w, "lesson_count");
	jw_int(w, pub ? db_int(r, 19) : 0);
	jw_key(w, "question_count");
	jw_int(w, pub ? db_int(r, 20) : 0);
	jw_key(w, "created_at");
	tr_jw_time(w, r, 12);
	jw_key(w, "updated_at");
	tr_jw_time(w, r, 13);
	jw_key(w, "version");
	jw_int(w, db_int(r, 14));
	jw_object_end(w);
}

static void course_row_write(struct jsonw *w, struct dbrows *r, void *arg)
{
	UNUSED(arg);
	course_write(w, r);
}

int course_list(struct db *db, bool manage, const char *q, int64_t cursor, int64_t limit,
		struct buf *out)
{
	struct query qr;
	struct dbrows r;
	struct jsonw w;
	char *pat = NULL;
	query_init(&qr, "SELECT " COURSE_COLUMNS COURSE_FROM " WHERE 1 = 1");
	if (!manage)
		query_add(&qr, "AND c.current_version_id IS NOT NULL AND c.archived = 0", NULL, 0);
	if (q && *q) {
		pat = tr_like(q);
		query_add(&qr,
			  "AND (lower(c.title_ja) LIKE ? ESCAPE '\\' OR lower(c.title_en) LIKE ? "
			  "ESCAPE '\\')",
			  P(V_TEXT(pat), V_TEXT(pat)));
	}
	if (cursor)
		query_add(&qr, "AND c.id > ?", P(V_INT(cursor)));
	query_add(&qr, "ORDER BY c.id LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(db, &qr, &r);
	query_release(&qr);
	free(pat);
	if (rc)
		return -1;
	jw_init(&w, out);
	jw_object(&w);
	rc = query_write_page(&w, &r, limit, course_row_write, NULL);
	jw_object_end(&w);
	return rc;
}

/* The course row as a tree; *version_id is the published version (0: none). */
static json_t *course_row(struct db *db, int64_t id, int64_t *version_id)
{
	struct dbrows r;
	struct buf b = BUF_INIT;
	struct jsonw w;
	json_t *c = NULL;
	if (db_query(db, &r, "SELECT " COURSE_COLUMNS COURSE_FROM " WHERE c.id = ?", P(V_INT(id))))
		return NULL;
	if (db_next(&r)) {
		jw_init(&w, &b);
		course_write(&w, &r);
		c = json_loadb(b.buf, b.len, 0, NULL);
		if (version_id)
			*version_id = db_isnull(&r, 25) ? 0 : db_int(&r, 25);
	}
	db_rows_free(&r);
	buf_release(&b);
	return c;
}

/* The published snapshot (content JSON) of a version. */
static json_t *version_content(struct db *db, int64_t version_id)
{
	struct dbrows r;
	json_t *c = NULL;
	if (db_query(db, &r, "SELECT content FROM training_course_versions WHERE id = ?",
		     P(V_INT(version_id))))
		return NULL;
	if (db_next(&r))
		c = json_loads(db_text(&r, 0), 0, NULL);
	db_rows_free(&r);
	return c;
}

/* The caller's attempts on a course, newest first, and what they may do next. */
static json_t *my_course_state(struct db *db, int64_t course_id, int64_t user_id, int max_attempts)
{
	struct dbrows r;
	char year[11];
	json_t *attempts = json_array();
	int64_t open_id = 0;
	int used = 0;
	json_t *passed_at = json_null();
	tr_year_start(year);
	if (db_query(db, &r,
		     "SELECT a.id, a.status, a.score_percent, a.passed, a.started_at, "
		     "a.submitted_at, "
		     "v.number, a.taken_on, a.deadline_at FROM training_attempts a JOIN "
		     "training_course_versions v ON v.id = a.course_version_id WHERE a.user_id = ? "
		     "AND a.course_id = ? ORDER BY a.id DESC",
		     P(V_INT(user_id), V_INT(course_id)))) {
		json_decref(attempts);
		return NULL;
	}
	while (db_next(&r)) {
		const char *status = db_text(&r, 1);
		if (!strcmp(status, "open"))
			open_id = db_int(&r, 0);
		if (strcmp(db_text(&r, 7), year) >= 0)
			used++;
		if (db_int(&r, 3) == 1 && json_is_null(passed_at)) {
			json_decref(passed_at);
			passed_at = tr_time(&r, 5);
		}
		json_array_append_new(
			attempts,
			json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:I,s:o}", "id",
				  (json_int_t)db_int(&r, 0), "status", status, "score_percent",
				  tr_opt_int(&r, 2), "passed",
				  db_isnull(&r, 3) ? json_null() : json_boolean(db_int(&r, 3)),
				  "started_at", tr_time(&r, 4), "submitted_at", tr_time(&r, 5),
				  "course_version", (json_int_t)db_int(&r, 6), "deadline_at",
				  tr_time(&r, 8)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(attempts);
		json_decref(passed_at);
		return NULL;
	}
	enum start_rule rule = training_may_start(max_attempts, used, open_id != 0);
	static const char *const rules[] = { "new", "resume", "limit" };
	return json_pack("{s:o,s:o,s:s,s:i,s:o}", "attempts", attempts, "open_attempt_id",
			 open_id ? json_integer(open_id) : json_null(), "start", rules[rule],
			 "attempts_this_year", used, "passed_at", passed_at);
}

json_t *course_show(struct db *db, int64_t id, int64_t user_id, bool manage, enum status *st)
{
	int64_t vid = 0;
	*st = ST_DB;
	if (attempts_expire(db, user_id))
		return NULL;
	json_t *c = course_row(db, id, &vid);
	if (!c) {
		if (db_errkind(db) == DBE_NONE)
			*st = ST_NOT_FOUND;
		return NULL;
	}
	if (!manage && (!vid || json_is_true(json_object_get(c, "archived")))) {
		json_decref(c);
		*st = ST_NOT_FOUND;
		return NULL;
	}
	json_t *lessons = json_array();
	if (vid) {
		json_t *content = version_content(db, vid);
		if (!content) {
			json_decref(lessons);
			json_decref(c);
			return NULL;
		}
		size_t i;
		json_t *l;
		json_array_foreach(json_object_get(content, "lessons"), i, l)
		{
			json_array_append_new(lessons,
					      json_pack("{s:i,s:O}", "n", (int)i + 1, "title",
							json_object_get(l, "title")));
		}
		json_decref(content);
	}
	json_object_set_new(c, "lessons", lessons);
	json_t *mine = my_course_state(db, id, user_id,
				       (int)json_integer_value(json_object_get(c, "max_attempts")));
	if (!mine) {
		json_decref(c);
		return NULL;
	}
	if (!vid)
		json_object_set_new(mine, "start", json_string("unpublished"));
	else if (json_is_true(json_object_get(c, "archived")))
		json_object_set_new(mine, "start", json_string("archived"));
	json_object_set_new(c, "mine", mine);
	*st = ST_OK;
	return c;
}

/* Writes a stored JSON array of strings, or [] when it is not one. */
static json_t *json_text_array(const char *s)
{
	json_t *a = s ? json_loads(s, 0, NULL) : NULL;
	if (!json_is_array(a)) {
		json_decref(a);
		a = json_array();
	}
	return a;
}

#define LESSON_COLUMNS                                                                             \
	"id, course_id, position, title_ja, title_en, body_ja, body_en, created_at, updated_at, "  \
	"version"

static json_t *lesson_from_row(struct dbrows *r)
{
	return json_pack("{s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:I}", "id", (json_int_t)db_int(r, 0),
			 "course_id", (json_int_t)db_int(r, 1), "position",
			 (json_int_t)db_int(r, 2), "title", tr_loc(db_text(r, 3), db_text(r, 4)),
			 "body", tr_loc(db_text(r, 5), db_text(r, 6)), "created_at", tr_time(r, 7),
			 "updated_at", tr_time(r, 8), "version", (json_int_t)db_int(r, 9));
}

#define QUESTION_COLUMNS                                                                           \
	"id, course_id, qkey, topic, situation_ja, situation_en, choices_ja, choices_en, "         \
	"correct, explanation_ja, explanation_en, created_at, updated_at, version"

static json_t *question_from_row(struct dbrows *r)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:o,s:{s:o,s:o},s:o,s:o,s:o,s:o,s:I}", "id",
			 (json_int_t)db_int(r, 0), "course_id", (json_int_t)db_int(r, 1), "key",
			 db_text(r, 2), "topic", db_text(r, 3), "situation",
			 tr_loc(db_text(r, 4), db_text(r, 5)), "choices", "ja",
			 json_text_array(db_text(r, 6)), "en", json_text_array(db_text(r, 7)),
			 "correct", json_text_array(db_text(r, 8)), "explanation",
			 tr_loc(db_text(r, 9), db_text(r, 10)), "created_at", tr_time(r, 11),
			 "updated_at", tr_time(r, 12), "version", (json_int_t)db_int(r, 13));
}

/* Rows of `sql` (one id parameter) converted by `conv`, or NULL on error. */
static json_t *rows_json(struct db *db, const char *sql, int64_t id,
			 json_t *(*conv)(struct dbrows *))
{
	struct dbrows r;
	json_t *a = json_array();
	if (db_query(db, &r, sql, P(V_INT(id)))) {
		json_decref(a);
		return NULL;
	}
	while (db_next(&r))
		json_array_append_new(a, conv(&r));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *version_from_row(struct dbrows *r)
{
	return json_pack("{s:I,s:I,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:s}", "id",
			 (json_int_t)db_int(r, 0), "number", (json_int_t)db_int(r, 1), "title",
			 tr_loc(db_text(r, 2), db_text(r, 3)), "draw_count",
			 (json_int_t)db_int(r, 4), "pass_percent", (json_int_t)db_int(r, 5),
			 "time_limit_minutes", (json_int_t)db_int(r, 6), "max_attempts",
			 (json_int_t)db_int(r, 7), "lesson_count", (json_int_t)db_int(r, 8),
			 "question_count", (json_int_t)db_int(r, 9), "published_at", tr_time(r, 10),
			 "published_by", db_text(r, 11));
}

json_t *lesson_json(struct db *db, int64_t id)
{
	json_t *a = rows_json(db, "SELECT " LESSON_COLUMNS " FROM training_lessons WHERE id = ?",
			      id, lesson_from_row);
	json_t *l = a && json_array_size(a) ? json_incref(json_array_get(a, 0)) : NULL;
	json_decref(a);
	return l;
}

json_t *question_json(struct db *db, int64_t id)
{
	json_t *a =
		rows_json(db, "SELECT " QUESTION_COLUMNS " FROM training_questions WHERE id = ?",
			  id, question_from_row);
	json_t *q = a && json_array_size(a) ? json_incref(json_array_get(a, 0)) : NULL;
	json_decref(a);
	return q;
}

/* The draft course's own columns (what an editor changes). */
static json_t *draft_course(struct db *db, int64_t id)
{
	struct dbrows r;
	json_t *c = NULL;
	if (db_query(db, &r,
		     "SELECT id, code, title_ja, title_en, description_ja, description_en, "
		     "draw_count, "
		     "pass_percent, time_limit_minutes, max_attempts, archived, draft_dirty, "
		     "created_at, updated_at, version FROM training_courses WHERE id = ?",
		     P(V_INT(id))))
		return NULL;
	if (db_next(&r))
		c = json_pack("{s:I,s:s?,s:o,s:o,s:I,s:I,s:I,s:I,s:b,s:b,s:o,s:o,s:I}", "id",
			      (json_int_t)db_int(&r, 0), "code", db_text(&r, 1), "title",
			      tr_loc(db_text(&r, 2), db_text(&r, 3)), "description",
			      tr_loc(db_text(&r, 4), db_text(&r, 5)), "draw_count",
			      (json_int_t)db_int(&r, 6), "pass_percent", (json_int_t)db_int(&r, 7),
			      "time_limit_minutes", (json_int_t)db_int(&r, 8), "max_attempts",
			      (json_int_t)db_int(&r, 9), "archived", db_int(&r, 10) != 0,
			      "has_unpublished_changes", db_int(&r, 11) != 0, "created_at",
			      tr_time(&r, 12), "updated_at", tr_time(&r, 13), "version",
			      (json_int_t)db_int(&r, 14));
	db_rows_free(&r);
	return c;
}

json_t *course_draft(struct db *db, int64_t id)
{
	json_t *c = draft_course(db, id);
	if (!c)
		return NULL;
	json_t *lessons = rows_json(db,
				    "SELECT " LESSON_COLUMNS " FROM training_lessons WHERE "
				    "course_id = ? ORDER BY position, id",
				    id, lesson_from_row);
	json_t *questions = rows_json(db,
				      "SELECT " QUESTION_COLUMNS " FROM training_questions WHERE "
				      "course_id = ? ORDER BY topic, id",
				      id, question_from_row);
	json_t *versions =
		rows_json(db,
			  "SELECT id, number, title_ja, title_en, draw_count, pass_percent, "
			  "time_limit_minutes, max_attempts, lesson_count, question_count, "
			  "published_at, published_by_login FROM training_course_versions "
			  "WHERE course_id = ? ORDER BY number DESC",
			  id, version_from_row);
	if (!lessons || !questions || !versions) {
		json_decref(c);
		json_decref(lessons);
		json_decref(questions);
		json_decref(versions);
		return NULL;
	}
	return json_pack("{s:o,s:o,s:o,s:o}", "course", c, "lessons", lessons, "questions",
			 questions, "versions", versions);
}

json_t *lesson_published(struct db *db, int64_t course_id, int n, const char *lang, enum status *st)
{
	int64_t vid = 0;
	*st = ST_DB;
	json_t *c = course_row(db, course_id, &vid);
	if (!c) {
		if (db_errkind(db) == DBE_NONE)
			*st = ST_NOT_FOUND;
		return NULL;
	}
	bool archived = json_is_true(json_object_get(c, "archived"));
	json_decref(c);
	if (!vid || archived) {
		*st = ST_NOT_FOUND;
		return NULL;
	}
	json_t *content = version_content(db, vid);
	if (!content)
		return NULL;
	json_t *lessons = json_object_get(content, "lessons");
	json_t *l = n >= 1 ? json_array_get(lessons, (size_t)n - 1) : NULL;
	if (!l) {
		json_decref(content);
		*st = ST_NOT_FOUND;
		return NULL;
	}
	json_t *title = json_object_get(l, "title"), *body = json_object_get(l, "body");
	const char *md = tr_pick(lang, json_string_value(json_object_get(body, "ja")),
				 json_string_value(json_object_get(body, "en")));
	json_t *out = json_pack("{s:i,s:i,s:O,s:o}", "n", n, "count", (int)json_array_size(lessons),
				"title", title, "doc", training_markdown(md));
	json_decref(content);
	*st = ST_OK;
	return out;
}

/* --- validation --------------------------------------------------------------------------- */

static int course_exists(struct db *db, int64_t id, bool *found)
{
	int64_t one;
	return db_query_int(db, &one, found, "SELECT 1 FROM training_courses WHERE id = ?",
			    P(V_INT(id)));
}

static int mark_dirty(struct db *db, int64_t course_id)
{
	return db_exec(db, "UPDATE training_courses SET draft_dirty = 1 WHERE id = ?",
		       P(V_INT(course_id)));
}

/* A question's choices and answers: 2–5 choices, English either absent or one per Japanese
 * choice, at least one correct answer, each naming a choice, none twice. `cur` holds the
 * stored values a PATCH leaves alone. */
static void check_question(json_t *in, json_t *cur, struct ferrors *fe)
{
	json_t *ja = json_object_get(in, "choices_ja"), *en = json_object_get(in, "choices_en"),
	       *correct = json_object_get(in, "correct");
	if (!ja && cur)
		ja = json_object_get(json_object_get(cur, "choices"), "ja");
	if (!en && cur)
		en = json_object_get(json_object_get(cur, "choices"), "en");
	if (!correct && cur)
		correct = json_object_get(cur, "correct");
	size_t n = json_array_size(ja);
	if (json_object_get(in, "choices_ja") && (n < 2 || n > TRAINING_MAX_CHOICES))
		ferr_add(fe, "choices_ja", "choice_count", "Give 2 to 5 choices.");
	if (json_array_size(en) && json_array_size(en) != n)
		ferr_add(fe, "choices_en", "choice_count",
			 "Give one English choice per Japanese choice, or none.");
	if (!json_array_size(correct)) {
		ferr_add(fe, "correct", "required", "Mark at least one choice as correct.");
		return;
	}
	unsigned seen = 0;
	size_t i;
	json_t *e;
	json_array_foreach(correct, i, e)
	{
		json_int_t k = json_integer_value(e);
		if (k < 1 || (size_t)k > n || (seen & (1u << k))) {
			ferr_add(fe, "correct", "invalid_choice",
				 "Each correct answer must be one of the choices, once.");
			return;
		}
		seen |= 1u << k;
	}
}

static bool topic_valid(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

/* --- courses ------------------------------------------------------------------------------ */

struct course_op {
	const struct actor *who;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
	enum status st;
	int64_t out;
};

/* `before` (the record as loaded, NULL if there is none) checked against the version the editor
 * saw (the body's "version"): before, or NULL with o->st set (ST_NOT_FOUND, ST_DB or
 * ST_CONFLICT) and before released. */
static json_t *editable(struct db *db, struct course_op *o, json_t *before)
{
	if (!before) {
		o->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return NULL;
	}
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		o->st = ST_CONFLICT;
		json_decref(before);
		return NULL;
	}
	return before;
}

static const char *str_or(json_t *in, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(in, key));
	return s ? s : def;
}

static int64_t int_or(json_t *in, const char *key, int64_t def)
{
	json_t *v = json_object_get(in, key);
	return json_is_integer(v) ? json_integer_value(v) : def;
}

static int course_create_fn(struct db *db, void *arg)
{
	struct course_op *o = arg;
	int64_t now = now_unix();
	json_t *in = o->in;
	if (db_insert(
		    db, &o->out,
		    "INSERT INTO training_courses (code, title_ja, title_en, description_ja, "
		    "description_en, draw_count, pass_percent, time_limit_minutes, max_attempts, "
		    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_TEXT(str_or(in, "code", NULL)), V_TEXT(str_or(in, "title_ja", "")),
		      V_TEXT(str_or(in, "title_en", "")), V_TEXT(str_or(in, "description_ja", "")),
		      V_TEXT(str_or(in, "description_en", "")), V_INT(int_or(in, "draw_count", 20)),
		      V_INT(int_or(in, "pass_percent", 80)),
		      V_INT(int_or(in, "time_limit_minutes", 0)),
		      V_INT(int_or(in, "max_attempts", 0)), V_INT(now), V_INT(now))))
		return -1;
	json_t *sum = json_pack("{s:s,s:s?}", "title", str_or(in, "title_ja", ""), "code",
				str_or(in, "code", NULL));
	int rc = audit_append(db, o->who, "training.course.create", "training_course", o->out, sum);
	json_decref(sum);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

enum status course_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			  struct ferrors *fe)
{
	struct course_op o = { who, 0, in, fe, ST_DB, 0 };
	enum status st = db_tx_status(db, course_create_fn, &o, &o.st);
	if (st == ST_OK)
		*id = o.out;
	return st;
}

static int course_update_fn(struct db *db, void *arg)
{
	struct course_op *o = arg;
	json_t *before = editable(db, o, draft_course(db, o->id)), *after = NULL;
	int ret = -1;
	if (!before)
		return -1;
	static const struct {
		const char *field, *sql;
		bool is_int, content; /* content: changes what people take (needs publishing) */
	} cols[] = {
		{ "title_ja", "UPDATE training_courses SET title_ja = ? WHERE id = ?", false,
		  true },
		{ "title_en", "UPDATE training_courses SET title_en = ? WHERE id = ?", false,
		  true },
		{ "description_ja", "UPDATE training_courses SET description_ja = ? WHERE id = ?",
		  false, false },
		{ "description_en", "UPDATE training_courses SET description_en = ? WHERE id = ?",
		  false, false },
		{ "draw_count", "UPDATE training_courses SET draw_count = ? WHERE id = ?", true,
		  true },
		{ "pass_percent", "UPDATE training_courses SET pass_percent = ? WHERE id = ?", true,
		  true },
		{ "time_limit_minutes",
		  "UPDATE training_courses SET time_limit_minutes = ? WHERE id = ?", true, true },
		{ "max_attempts", "UPDATE training_courses SET max_attempts = ? WHERE id = ?", true,
		  true },
		{ "archived", "UPDATE training_courses SET archived = ? WHERE id = ?", true,
		  false },
	};
	bool dirty = false;
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		json_t *v = json_object_get(o->in, cols[i].field);
		if (!v)
			continue;
		struct dbval val = json_is_boolean(v) ? V_BOOL(json_is_true(v))
				   : cols[i].is_int   ? V_INT(json_integer_value(v))
						      : V_TEXT(json_string_value(v));
		if (db_exec(db, cols[i].sql, P(val, V_INT(o->id))))
			goto out;
		dirty |= cols[i].content;
	}
	if ((dirty && mark_dirty(db, o->id)) || db_exec(db,
							"UPDATE training_courses SET updated_at = "
							"?, version = version + 1 WHERE id = ?",
							P(V_INT(now_unix()), V_INT(o->id))))
		goto out;
	after = draft_course(db, o->id);
	if (!after)
		goto out;
	if (audit_change(db, o->who, "training.course.update", "training_course", o->id, before,
			 after))
		goto out;
	o->st = ST_OK;
	ret = 0;
out:
	json_decref(before);
	json_decref(after);
	return ret;
}

enum status course_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe)
{
	struct course_op o = { who, id, patch, fe, ST_DB, 0 };
	return db_tx_status(db, course_update_fn, &o, &o.st);
}

/* The snapshot people take: lessons and questions in both languages, with answers. */
static json_t *build_snapshot(struct db *db, int64_t id)
{
	json_t *d = course_draft(db, id);
	if (!d)
		return NULL;
	json_t *lessons = json_array(), *questions = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(d, "lessons"), i, e)
	{
		json_array_append_new(lessons,
				      json_pack("{s:O,s:O}", "title", json_object_get(e, "title"),
						"body", json_object_get(e, "body")));
	}
	json_array_foreach(json_object_get(d, "questions"), i, e)
	{
		json_array_append_new(questions,
				      json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "id",
						json_object_get(e, "id"), "key",
						json_object_get(e, "key"), "topic",
						json_object_get(e, "topic"), "situation",
						json_object_get(e, "situation"), "choices",
						json_object_get(e, "choices"), "correct",
						json_object_get(e, "correct"), "explanation",
						json_object_get(e, "explanation")));
	}
	json_t *snap = json_pack("{s:O,s:o,s:o}", "course", json_object_get(d, "course"), "lessons",
				 lessons, "questions", questions);
	json_decref(d);
	return snap;
}

struct publish_op {
	const struct actor *who;
	int64_t id, version;
	bool only_if_changed;
	struct ferrors *fe;
	enum status st;
	int64_t number; /* 0: nothing new to publish */
};

/* Is the snapshot the same as the latest version's (content and quiz settings)? */
static int same_as_latest(struct db *db, int64_t id, const char *content, json_t *course,
			  bool *same)
{
	struct dbrows r;
	*same = false;
	if (db_query(db, &r,
		     "SELECT v.content, v.title_ja, v.title_en, v.draw_count, v.pass_percent, "
		     "v.time_limit_minutes, v.max_attempts FROM training_courses c JOIN "
		     "training_course_versions v ON v.id = c.current_version_id WHERE c.id = ?",
		     P(V_INT(id))))
		return -1;
	if (db_next(&r)) {
		json_t *title = json_object_get(course, "title");
		*same = !strcmp(db_text(&r, 0), content) &&
			!strcmp(db_text(&r, 1), json_string_value(json_object_get(title, "ja"))) &&
			!strcmp(db_text(&r, 2), json_string_value(json_object_get(title, "en"))) &&
			db_int(&r, 3) ==
				json_integer_value(json_object_get(course, "draw_count")) &&
			db_int(&r, 4) ==
				json_integer_value(json_object_get(course, "pass_percent")) &&
			db_int(&r, 5) ==
				json_integer_value(json_object_get(course, "time_limit_minutes")) &&
			db_int(&r, 6) ==
				json_integer_value(json_object_get(course, "max_attempts"));
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static int publish_fn(struct db *db, void *arg)
{
	struct publish_op *o = arg;
	json_t *snap = NULL;
	char *content = NULL;
	int ret = -1;
	/* Two editors publishing at once must not both take the same number. */
	if (db_lock(db, "training:publish"))
		return -1;
	snap = build_snapshot(db, o->id);
	if (!snap) {
		o->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return -1;
	}
	json_t *course = json_object_get(snap, "course");
	if (o->version && json_integer_value(json_object_get(course, "version")) != o->version) {
		o->st = ST_CONFLICT;
		goto out;
	}
	json_t *questions = json_object_get(snap, "questions");
	json_t *lessons = json_object_get(snap, "lessons");
	size_t nq = json_array_size(questions);
	if (nq == 0)
		ferr_add(o->fe, "questions", "no_questions", "Add at least one question first.");
	else if ((size_t)json_integer_value(json_object_get(course, "draw_count")) > nq)
		ferr_add(o->fe, "draw_count", "too_few_questions",
			 "The quiz draws more questions than the pool holds.");
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		goto out;
	}
	json_t *body = json_pack("{s:O,s:O}", "lessons", lessons, "questions", questions);
	content = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	if (o->only_if_changed) {
		bool same;
		if (same_as_latest(db, o->id, content, course, &same))
			goto out;
		if (same) {
			o->number = 0;
			o->st = ST_OK;
			ret = 0;
			goto out;
		}
	}
	int64_t last = 0, vid;
	bool found;
	if (db_query_int(db, &last, &found,
			 "SELECT COALESCE(MAX(number), 0) FROM training_course_versions WHERE "
			 "course_id = ?",
			 P(V_INT(o->id))))
		goto out;
	o->number = last + 1;
	json_t *title = json_object_get(course, "title");
	int64_t now = now_unix();
	if (db_insert(
		    db, &vid,
		    "INSERT INTO training_course_versions (course_id, number, title_ja, title_en, "
		    "draw_count, pass_percent, time_limit_minutes, max_attempts, lesson_count, "
		    "question_count, content, published_at, published_by, published_by_login) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_INT(o->id), V_INT(o->number),
		      V_TEXT(json_string_value(json_object_get(title, "ja"))),
		      V_TEXT(json_string_value(json_object_get(title, "en"))),
		      V_INT(json_integer_value(json_object_get(course, "draw_count"))),
		      V_INT(json_integer_value(json_object_get(course, "pass_percent"))),
		      V_INT(json_integer_value(json_object_get(course, "time_limit_minutes"))),
		      V_INT(json_integer_value(json_object_get(course, "max_attempts"))),
		      V_INT(json_array_size(lessons)), V_INT(nq), V_TEXT(content), V_INT(now),
		      V_ID(o->who ? o->who->id : 0),
		      V_TEXT(o->who && o->who->login ? o->who->login : ""))))
		goto out;
	if (db_exec(db,
		    "UPDATE training_courses SET current_version_id = ?, draft_dirty = 0, "
		    "updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(vid), V_INT(now), V_INT(o->id))))
		goto out;
	json_t *sum = json_pack("{s:I,s:I,s:I}", "number", (json_int_t)o->number, "lessons",
				(json_int_t)json_array_size(lessons), "questions", (json_int_t)nq);
	int rc = audit_append(db, o->who, "training.course.publish", "training_course", o->id, sum);
	json_decref(sum);
	if (rc)
		goto out;
	o->st = ST_OK;
	ret = 0;
out:
	free(content);
	json_decref(snap);
	return ret;
}

enum status course_publish(struct db *db, const struct actor *who, int64_t id, int64_t version,
			   int64_t *number, struct ferrors *fe)
{
	struct publish_op o = { who, id, version, false, fe, ST_DB, 0 };
	enum status st = db_tx_status(db, publish_fn, &o, &o.st);
	if (st == ST_OK && number)
		*number = o.number;
	return st;
}

/* Publishes only when the draft differs from the latest version (content import). */
enum status course_publish_if_changed(struct db *db, const struct actor *who, int64_t id,
				      int64_t *number, struct ferrors *fe);
enum status course_publish_if_changed(struct db *db, const struct actor *who, int64_t id,
				      int64_t *number, struct ferrors *fe)
{
	struct publish_op o = { who, id, 0, true, fe, ST_DB, 0 };
	enum status st = db_tx_status(db, publish_fn, &o, &o.st);
	if (st == ST_OK && number)
		*number = o.number;
	return st;
}

/* --- lessons ------------------------------------------------------------------------------ */

static int lesson_create_fn(struct db *db, void *arg)
{
	struct course_op *o = arg;
	bool found;
	int64_t pos;
	if (course_exists(db, o->id, &found))
		return -1;
	if (!found) {
		o->st = ST_NOT_FOUND;
		return -1;
	}
	if (json_object_get(o->in, "position")) {
		pos = json_integer_value(json_object_get(o->in, "position"));
	} else if (db_query_int(db, &pos, &found,
				"SELECT COALESCE(MAX(position), 0) + 1 FROM training_lessons WHERE "
				"course_id = ?",
				P(V_INT(o->id)))) {
		return -1;
	}
	int64_t now = now_unix();
	if (db_insert(
		    db, &o->out,
		    "INSERT INTO training_lessons (course_id, position, title_ja, title_en, "
		    "body_ja, "
		    "body_en, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_INT(o->id), V_INT(pos), V_TEXT(str_or(o->in, "title_ja", "")),
		      V_TEXT(str_or(o->in, "title_en", "")), V_TEXT(str_or(o->in, "body_ja", "")),
		      V_TEXT(str_or(o->in, "body_en", "")), V_INT(now), V_INT(now))) ||
	    mark_dirty(db, o->id))
		return -1;
	json_t *sum = json_pack("{s:I,s:s}", "course_id", (json_int_t)o->id, "title",
				str_or(o->in, "title_ja", ""));
	int rc = audit_append(db, o->who, "training.lesson.create", "training_lesson", o->out, sum);
	json_decref(sum);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

enum status lesson_create(struct db *db, const struct actor *who, int64_t course_id, json_t *in,
			  int64_t *id, struct ferrors *fe)
{
	struct course_op o = { who, course_id, in, fe, ST_DB, 0 };
	enum status st = db_tx_status(db, lesson_create_fn, &o, &o.st);
	if (st == ST_OK)
		*id = o.out;
	return st;
}

static int lesson_update_fn(struct db *db, void *arg)
{
	struct course_op *o = arg;
	json_t *before = editable(db, o, lesson_json(db, o->id)), *after = NULL, *sum = NULL;
	int ret = -1;
	if (!before)
		return -1;
	static const struct {
		const char *field, *sql;
	} cols[] = {
		{ "title_ja", "UPDATE training_lessons SET title_ja = ? WHERE id = ?" },
		{ "title_en", "UPDATE training_lessons SET title_en = ? WHERE id = ?" },
		{ "body_ja", "UPDATE training_lessons SET body_ja = ? WHERE id = ?" },
		{ "body_en", "UPDATE training_lessons SET body_en = ? WHERE id = ?" },
		{ "position", "UPDATE training_lessons SET position = ? WHERE id = ?" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		json_t *v = json_object_get(o->in, cols[i].field);
		if (!v)
			continue;
		struct dbval val = json_is_integer(v) ? V_INT(json_integer_value(v))
						      : V_TEXT(json_string_value(v));
		if (db_exec(db, cols[i].sql, P(val, V_INT(o->id))))
			goto out;
	}
	int64_t course_id = json_integer_value(json_object_get(before, "course_id"));
	if (db_exec(db,
		    "UPDATE training_lessons SET updated_at = ?, version = version + 1 WHERE id = "
		    "?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    mark_dirty(db, course_id))
		goto out;
	after = lesson_json(db, o->id);
	if (!after)
		goto out;
	/* Lesson bodies can be long: the trail keeps titles and position, not the text. */
	sum = json_pack(
		"{s:I,s:{s:O,s:O},s:{s:O,s:O},s:b}", "course_id", (json_int_t)course_id, "before",
		"title", json_object_get(before, "title"), "position",
		json_object_get(before, "position"), "after", "title",
		json_object_get(after, "title"), "position", json_object_get(after, "position"),
		"body_changed",
		!json_equal(json_object_get(before, "body"), json_object_get(after, "body")));
	if (audit_append(db, o->who, "training.lesson.update", "training_lesson", o->id, sum))
		goto out;
	o->st = ST_OK;
	ret = 0;
out:
	json_decref(before);
	json_decref(after);
	json_decref(sum);
	return ret;
}

enum status lesson_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe)
{
	struct course_op o = { who, id, patch, fe, ST_DB, 0 };
	return db_tx_status(db, lesson_update_fn, &o, &o.st);
}

/* Removing a lesson or question from the draft (published versions keep theirs). */
struct draft_item {
	json_t *(*get)(struct db *db, int64_t id);
	const char *delete_sql, *action, *object_type;
	const char *label; /* the field the trail keeps to say what was removed */
};

static const struct draft_item lesson_item = { lesson_json,
					       "DELETE FROM training_lessons WHERE id = ?",
					       "training.lesson.delete", "training_lesson",
					       "title" };
static const struct draft_item question_item = { question_json,
						 "DELETE FROM training_questions WHERE id = ?",
						 "training.question.delete", "training_question",
						 "situation" };

struct delete_op {
	const struct actor *who;
	int64_t id;
	const struct draft_item *item;
	enum status st;
};

static int draft_delete_fn(struct db *db, void *arg)
{
	struct delete_op *o = arg;
	json_t *before = o->item->get(db, o->id);
	if (!before) {
		o->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return -1;
	}
	int64_t course_id = json_integer_value(json_object_get(before, "course_id"));
	json_t *sum = json_pack("{s:I,s:O}", "course_id", (json_int_t)course_id, o->item->label,
				json_object_get(before, o->item->label));
	json_decref(before);
	int rc = db_exec(db, o->item->delete_sql, P(V_INT(o->id))) || mark_dirty(db, course_id) ||
		 audit_append(db, o->who, o->item->action, o->item->object_type, o->id, sum);
	json_decref(sum);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

static enum status draft_delete(struct db *db, const struct actor *who, int64_t id,
				const struct draft_item *item)
{
	struct delete_op o = { who, id, item, ST_DB };
	return db_tx_status(db, draft_delete_fn, &o, &o.st);
}

enum status lesson_delete(struct db *db, const struct actor *who, int64_t id)
{
	return draft_delete(db, who, id, &lesson_item);
}

/* --- questions ---------------------------------------------------------------------------- */

static char *array_text(json_t *a)
{
	return a ? json_dumps(a, JSON_COMPACT) : xstrdup("[]");
}

static int question_create_fn(struct db *db, void *arg)
{
	struct course_op *o = arg;
	bool found;
	int64_t taken;
	if (course_exists(db, o->id, &found))
		return -1;
	if (!found) {
		o->st = ST_NOT_FOUND;
		return -1;
	}
	const char *key = str_or(o->in, "key", NULL);
	if (!topic_valid(str_or(o->in, "topic", "")))
		ferr_add(o->fe, "topic", "invalid_topic",
			 "Use lower-case letters, digits, _ and - (e.g. email, take_out).");
	if (key && !topic_valid(key))
		ferr_add(o->fe, "key", "invalid_topic", "Use lower-case letters, digits, _ and -.");
	if (key && db_query_int(db, &taken, &found,
				"SELECT 1 FROM training_questions WHERE course_id = ? AND qkey = ?",
				P(V_INT(o->id), V_TEXT(key))))
		return -1;
	if (key && found)
		ferr_add(o->fe, "key", "taken", "Another question of this course has this key.");
	check_question(o->in, NULL, o->fe);
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		return -1;
	}
	int64_t now = now_unix();
	char *ja = array_text(json_object_get(o->in, "choices_ja"));
	char *en = array_text(json_object_get(o->in, "choices_en"));
	char *correct = array_text(json_object_get(o->in, "correct"));
	/* A key is needed to match questions on import; a UI-made question gets a unique
	 * placeholder first and then its id. */
	unsigned char rnd[8];
	char tmpkey[24] = "tmp-";
	randombytes_buf(rnd, sizeof(rnd));
	hex_encode(rnd, sizeof(rnd), tmpkey + 4);
	int rc = db_insert(
		db, &o->out,
		"INSERT INTO training_questions (course_id, qkey, topic, situation_ja, "
		"situation_en, "
		"choices_ja, choices_en, correct, explanation_ja, explanation_en, created_at, "
		"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		P(V_INT(o->id), V_TEXT(key ? key : tmpkey), V_TEXT(str_or(o->in, "topic", "")),
		  V_TEXT(str_or(o->in, "situation_ja", "")),
		  V_TEXT(str_or(o->in, "situation_en", "")), V_TEXT(ja), V_TEXT(en),
		  V_TEXT(correct), V_TEXT(str_or(o->in, "explanation_ja", "")),
		  V_TEXT(str_or(o->in, "explanation_en", "")), V_INT(now), V_INT(now)));
	free(ja);
	free(en);
	free(correct);
	if (rc)
		return -1;
	if (!key) {
		char k[32];
		snprintf(k, sizeof(k), "q%lld", (long long)o->out);
		if (db_exec(db, "UPDATE training_questions SET qkey = ? WHERE id = ?",
			    P(V_TEXT(k), V_INT(o->out))))
			return -1;
	}
	if (mark_dirty(db, o->id))
		return -1;
	json_t *sum = json_pack("{s:I,s:s,s:s}", "course_id", (json_int_t)o->id, "topic",
				str_or(o->in, "topic", ""), "situation",
				str_or(o->in, "situation_ja", ""));
	rc = audit_append(db, o->who, "training.question.create", "training_question", o->out, sum);
	json_decref(sum);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

enum status question_create(struct db *db, const struct actor *who, int64_t course_id, json_t *in,
			    int64_t *id, struct ferrors *fe)
{
	struct course_op o = { who, course_id, in, fe, ST_DB, 0 };
	enum status st = db_tx_status(db, question_create_fn, &o, &o.st);
	if (st == ST_OK)
		*id = o.out;
	return st;
}

static int question_update_fn(struct db *db, void *arg)
{
	struct course_op *o = arg;
	json_t *before = editable(db, o, question_json(db, o->id)), *after = NULL;
	int ret = -1;
	if (!before)
		return -1;
	if (json_object_get(o->in, "topic") && !topic_valid(str_or(o->in, "topic", "")))
		ferr_add(o->fe, "topic", "invalid_topic",
			 "Use lower-case letters, digits, _ and - (e.g. email, take_out).");
	check_question(o->in, before, o->fe);
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		goto out;
	}
	static const struct {
		const char *field, *sql;
		bool array;
	} cols[] = {
		{ "topic", "UPDATE training_questions SET topic = ? WHERE id = ?", false },
		{ "situation_ja", "UPDATE training_questions SET situation_ja = ? WHERE id = ?",
		  false },
		{ "situation_en", "UPDATE training_questions SET situation_en = ? WHERE id = ?",
		  false },
		{ "choices_ja", "UPDATE training_questions SET choices_ja = ? WHERE id = ?", true },
		{ "choices_en", "UPDATE training_questions SET choices_en = ? WHERE id = ?", true },
		{ "correct", "UPDATE training_questions SET correct = ? WHERE id = ?", true },
		{ "explanation_ja", "UPDATE training_questions SET explanation_ja = ? WHERE id = ?",
		  false },
		{ "explanation_en", "UPDATE training_questions SET explanation_en = ? WHERE id = ?",
		  false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		json_t *v = json_object_get(o->in, cols[i].field);
		if (!v)
			continue;
		char *text = cols[i].array ? array_text(v) : NULL;
		int rc = db_exec(db, cols[i].sql,
				 P(V_TEXT(text ? text : json_string_value(v)), V_INT(o->id)));
		free(text);
		if (rc)
			goto out;
	}
	int64_t course_id = json_integer_value(json_object_get(before, "course_id"));
	if (db_exec(db,
		    "UPDATE training_questions SET updated_at = ?, version = version + 1 WHERE id "
		    "= ?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    mark_dirty(db, course_id))
		goto out;
	after = question_json(db, o->id);
	if (!after)
		goto out;
	json_object_del(before, "created_at");
	json_object_del(before, "updated_at");
	json_object_del(after, "created_at");
	json_object_del(after, "updated_at");
	if (audit_change(db, o->who, "training.question.update", "training_question", o->id, before,
			 after))
		goto out;
	o->st = ST_OK;
	ret = 0;
out:
	json_decref(before);
	json_decref(after);
	return ret;
}

enum status question_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			    struct ferrors *fe)
{
	struct course_op o = { who, id, patch, fe, ST_DB, 0 };
	return db_tx_status(db, question_update_fn, &o, &o.st);
}

enum status question_delete(struct db *db, const struct actor *who, int64_t id)
{
	return draft_delete(db, who, id, &question_item);
}
