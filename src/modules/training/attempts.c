/* attempts.c — taking a quiz: start (draw and shuffle), save answers, submit (grade once),
 * time-outs, and the completion certificate. */
#include <string.h>

#include "internal.h"
#include "../../lib/timeutil.h"
#include "../../settings.h"

static const struct actor job_actor = { 0, NULL, "job" };

/* "2,0,1" → order[] (at most TRAINING_MAX_CHOICES); returns the count. */
static size_t parse_order(const char *s, size_t order[TRAINING_MAX_CHOICES])
{
	size_t n = 0;
	while (s && *s && n < TRAINING_MAX_CHOICES) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s || v < 0 || v >= TRAINING_MAX_CHOICES)
			break;
		order[n++] = (size_t)v;
		s = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
	return n;
}

/* A JSON array of 1-based numbers → bit mask (bit k-1 for number k). */
static unsigned mask_of(json_t *numbers)
{
	unsigned m = 0;
	size_t i;
	json_t *e;
	json_array_foreach(numbers, i, e)
	{
		json_int_t k = json_integer_value(e);
		if (k >= 1 && k <= 16)
			m |= 1u << (k - 1);
	}
	return m;
}

static json_t *numbers_of(unsigned mask)
{
	json_t *a = json_array();
	for (int k = 0; k < 16; k++)
		if (mask & (1u << k))
			json_array_append_new(a, json_integer(k + 1));
	return a;
}

/* The snapshot of the version an attempt was drawn from. */
static json_t *attempt_content(struct db *db, int64_t attempt_id)
{
	struct dbrows r;
	json_t *c = NULL;
	if (db_query(db, &r,
		     "SELECT v.content FROM training_attempts a JOIN training_course_versions v ON "
		     "v.id = a.course_version_id WHERE a.id = ?",
		     P(V_INT(attempt_id))))
		return NULL;
	if (db_next(&r))
		c = json_loads(db_text(&r, 0), 0, NULL);
	db_rows_free(&r);
	return c;
}

/* --- start -------------------------------------------------------------------------------- */

struct start_op {
	const struct actor *who;
	int64_t course_id;
	struct ferrors *fe;
	enum status st;
	int64_t attempt_id;
	bool resumed;
};

/* Question ids of the person's previous attempt on this course (sorted), for a new draw. */
static int previous_questions(struct db *db, int64_t user_id, int64_t course_id, int64_t **ids,
			      size_t *n)
{
	struct dbrows r;
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	if (db_query(db, &r,
		     "SELECT question_id FROM training_attempt_items WHERE attempt_id = (SELECT "
		     "MAX(id) FROM training_attempts WHERE user_id = ? AND course_id = ?)",
		     P(V_INT(user_id), V_INT(course_id))))
		return -1;
	while (db_next(&r)) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			*ids = xrealloc(*ids, cap * sizeof(**ids));
		}
		(*ids)[(*n)++] = db_int(&r, 0);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static int start_fn(struct db *db, void *arg)
{
	struct start_op *o = arg;
	struct dbrows r;
	char lockname[48], today[11], year[11];
	int64_t vid = 0, draw = 0, limit_min = 0, max_attempts = 0, number = 0;
	bool archived = false, found;
	int64_t open_id = 0, used = 0;
	json_t *content = NULL;
	int64_t *prev = NULL;
	size_t nprev = 0, *drawn = NULL;
	struct draw_item *pool = NULL;
	int ret = -1;

	/* One person starting twice at once (two tabs) gets one attempt. */
	snprintf(lockname, sizeof(lockname), "training:attempt:%lld", (long long)o->who->id);
	if (db_lock(db, lockname))
		return -1;
	if (db_query(db, &r,
		     "SELECT c.current_version_id, c.archived, v.draw_count, v.time_limit_minutes, "
		     "v.max_attempts, v.number FROM training_courses c LEFT JOIN "
		     "training_course_versions v ON v.id = c.current_version_id WHERE c.id = ?",
		     P(V_INT(o->course_id))))
		return -1;
	found = db_next(&r);
	if (found && !db_isnull(&r, 0)) {
		vid = db_int(&r, 0);
		archived = db_int(&r, 1) != 0;
		draw = db_int(&r, 2);
		limit_min = db_int(&r, 3);
		max_attempts = db_int(&r, 4);
		number = db_int(&r, 5);
	}
	db_rows_free(&r);
	if (!found || !vid || archived) {
		o->st = ST_NOT_FOUND;
		return -1;
	}
	if (db_query_int(db, &open_id, &found,
			 "SELECT id FROM training_attempts WHERE user_id = ? AND course_id = ? AND "
			 "status = 'open' ORDER BY id DESC",
			 P(V_INT(o->who->id), V_INT(o->course_id))))
		return -1;
	if (!found)
		open_id = 0;
	tz_today(today);
	tr_year_start(year);
	if (db_query_int(
		    db, &used, &found,
		    "SELECT COUNT(*) FROM training_attempts WHERE user_id = ? AND course_id = ? "
		    "AND taken_on >= ?",
		    P(V_INT(o->who->id), V_INT(o->course_id), V_TEXT(year))))
		return -1;
	switch (training_may_start((int)max_attempts, (int)used, open_id != 0)) {
	case START_RESUME:
		o->attempt_id = open_id;
		o->resumed = true;
		o->st = ST_OK;
		return 0;
	case START_LIMIT:
		o->fe->code = "attempt_limit";
		o->fe->detail =
			"The attempts allowed this year are used up. Ask the training office.";
		o->st = ST_FORBIDDEN;
		return -1;
	case START_NEW:
		break;
	}

	if (db_query(db, &r, "SELECT content FROM training_course_versions WHERE id = ?",
		     P(V_INT(vid))))
		return -1;
	if (db_next(&r))
		content = json_loads(db_text(&r, 0), 0, NULL);
	db_rows_free(&r);
	json_t *questions = json_object_get(content, "questions");
	size_t nq = json_array_size(questions);
	if (!content || nq == 0)
		goto out;
	if (previous_questions(db, o->who->id, o->course_id, &prev, &nprev))
		goto out;

	/* Topic tags → small integers, and which questions the person had last time. */
	pool = xcalloc(nq, sizeof(*pool));
	drawn = xcalloc(nq, sizeof(*drawn));
	const char **topics = xcalloc(nq, sizeof(*topics));
	size_t ntopics = 0;
	for (size_t i = 0; i < nq; i++) {
		json_t *q = json_array_get(questions, i);
		const char *t = json_string_value(json_object_get(q, "topic"));
		size_t k = 0;
		while (k < ntopics && strcmp(topics[k], t ? t : ""))
			k++;
		if (k == ntopics)
			topics[ntopics++] = t ? t : "";
		pool[i].topic = (int)k;
		int64_t qid = json_integer_value(json_object_get(q, "id"));
		for (size_t p = 0; p < nprev; p++)
			if (prev[p] == qid)
				pool[i].recent = true;
	}
	free(topics);
	size_t n = training_draw(pool, nq, (size_t)draw, training_rand_sodium, NULL, drawn);

	int64_t now = now_unix();
	if (db_insert(
		    db, &o->attempt_id,
		    "INSERT INTO training_attempts (user_id, course_id, course_version_id, status, "
		    "taken_on, started_at, deadline_at, question_count, created_at, updated_at) "
		    "VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_INT(o->who->id), V_INT(o->course_id), V_INT(vid), V_TEXT(today), V_INT(now),
		      limit_min > 0 ? V_INT(now + limit_min * 60) : V_NULL, V_INT(n), V_INT(now),
		      V_INT(now))))
		goto out;
	for (size_t i = 0; i < n; i++) {
		json_t *q = json_array_get(questions, drawn[i]);
		size_t nc = json_array_size(json_object_get(json_object_get(q, "choices"), "ja"));
		size_t order[TRAINING_MAX_CHOICES];
		char text[TRAINING_MAX_CHOICES * 3 + 1];
		size_t len = 0;
		if (nc > TRAINING_MAX_CHOICES)
			nc = TRAINING_MAX_CHOICES;
		for (size_t k = 0; k < nc; k++)
			order[k] = k;
		training_shuffle(order, nc, training_rand_sodium, NULL);
		text[0] = '\0';
		for (size_t k = 0; k < nc; k++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, k ? ",%zu" : "%zu",
						order[k]);
		if (db_exec(db,
			    "INSERT INTO training_attempt_items (attempt_id, position, "
			    "question_index, "
			    "question_id, choice_order) VALUES (?, ?, ?, ?, ?)",
			    P(V_INT(o->attempt_id), V_INT(i + 1), V_INT(drawn[i]),
			      V_INT(json_integer_value(json_object_get(q, "id"))), V_TEXT(text))))
			goto out;
	}
	json_t *sum = json_pack("{s:I,s:I,s:I}", "course_id", (json_int_t)o->course_id,
				"course_version", (json_int_t)number, "questions", (json_int_t)n);
	int rc = audit_append(db, o->who, "training.attempt.start", "training_attempt",
			      o->attempt_id, sum);
	json_decref(sum);
	if (rc)
		goto out;
	o->st = ST_OK;
	ret = 0;
out:
	json_decref(content);
	free(prev);
	free(pool);
	free(drawn);
	return ret;
}

enum status attempt_start(struct db *db, const struct actor *who, int64_t course_id,
			  int64_t *attempt_id, bool *resumed, struct ferrors *fe)
{
	if (attempts_expire(db, who->id))
		return ST_DB;
	struct start_op o = { who, course_id, fe, ST_DB, 0, false };
	enum status st = db_tx_status(db, start_fn, &o, &o.st);
	if (st == ST_OK) {
		*attempt_id = o.attempt_id;
		*resumed = o.resumed;
	}
	return st;
}

/* --- grading ------------------------------------------------------------------------------ */

/* Grades the saved answers of an open attempt and closes it as `status` ('submitted' or
 * 'expired'), completing the person's duties when it passes; inside the caller's
 * transaction. *changed is false when someone else closed it first. */
static int grade(struct db *db, const struct actor *who, int64_t id, const char *status,
		 bool *changed)
{
	struct dbrows r;
	int64_t user_id = 0, course_id = 0, pass_percent = 0, number = 0;
	int correct = 0, total = 0;
	bool found;
	*changed = false;
	if (db_query(db, &r,
		     "SELECT a.user_id, a.course_id, v.pass_percent, v.number FROM "
		     "training_attempts "
		     "a JOIN training_course_versions v ON v.id = a.course_version_id WHERE a.id = "
		     "? "
		     "AND a.status = 'open'",
		     P(V_INT(id))))
		return -1;
	found = db_next(&r);
	if (found) {
		user_id = db_int(&r, 0);
		course_id = db_int(&r, 1);
		pass_percent = db_int(&r, 2);
		number = db_int(&r, 3);
	}
	db_rows_free(&r);
	if (!found)
		return 0;
	json_t *content = attempt_content(db, id);
	json_t *questions = json_object_get(content, "questions");
	if (!content)
		return -1;
	if (db_query(db, &r,
		     "SELECT position, question_index, choice_order, answer_mask FROM "
		     "training_attempt_items WHERE attempt_id = ? ORDER BY position",
		     P(V_INT(id)))) {
		json_decref(content);
		return -1;
	}
	/* Results first, written after the rows are read (one statement open at a time). */
	int cap = 64, n = 0;
	int64_t *pos = xcalloc((size_t)cap, sizeof(*pos));
	bool *ok = xcalloc((size_t)cap, sizeof(*ok));
	while (db_next(&r)) {
		size_t order[TRAINING_MAX_CHOICES];
		size_t nc = parse_order(db_text(&r, 2), order);
		json_t *q = json_array_get(questions, (size_t)db_int(&r, 1));
		unsigned want = mask_of(json_object_get(q, "correct"));
		unsigned given = db_isnull(&r, 3) ? 0 : (unsigned)db_int(&r, 3);
		if (n == cap) {
			cap *= 2;
			pos = xrealloc(pos, (size_t)cap * sizeof(*pos));
			ok = xrealloc(ok, (size_t)cap * sizeof(*ok));
		}
		pos[n] = db_int(&r, 0);
		ok[n] = q && want && training_unshuffle(given, order, nc) == want;
		correct += ok[n];
		total++;
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	json_decref(content);
	int ret = -1;
	if (failed)
		goto out;
	for (int i = 0; i < n; i++)
		if (db_exec(db,
			    "UPDATE training_attempt_items SET correct = ? WHERE attempt_id = ? "
			    "AND "
			    "position = ?",
			    P(V_BOOL(ok[i]), V_INT(id), V_INT(pos[i]))))
			goto out;
	bool passed = training_passes(correct, total, (int)pass_percent);
	int64_t now = now_unix();
	if (db_exec(db,
		    "UPDATE training_attempts SET status = ?, submitted_at = ?, correct_count = ?, "
		    "score_percent = ?, passed = ?, updated_at = ?, version = version + 1 WHERE id "
		    "= ? "
		    "AND status = 'open'",
		    P(V_TEXT(status), V_INT(now), V_INT(correct),
		      V_INT(training_score(correct, total)), V_BOOL(passed), V_INT(now),
		      V_INT(id))))
		goto out;
	if (db_changes(db) != 1) {
		ret = 0;
		goto out;
	}
	*changed = true;
	if (passed && duties_complete(db, user_id, course_id))
		goto out;
	json_t *sum = json_pack("{s:I,s:I,s:I,s:i,s:i,s:i,s:b}", "user_id", (json_int_t)user_id,
				"course_id", (json_int_t)course_id, "course_version",
				(json_int_t)number, "correct", correct, "questions", total,
				"score_percent", training_score(correct, total), "passed", passed);
	int rc = audit_append(db, who,
			      !strcmp(status, "expired") ? "training.attempt.expire"
							 : "training.attempt.submit",
			      "training_attempt", id, sum);
	json_decref(sum);
	if (rc)
		goto out;
	ret = 0;
out:
	free(pos);
	free(ok);
	return ret;
}

struct expire_op {
	int64_t id;
};

static int expire_fn(struct db *db, void *arg)
{
	struct expire_op *o = arg;
	bool changed;
	return grade(db, &job_actor, o->id, "expired", &changed);
}

int attempts_expire(struct db *db, int64_t user_id)
{
	struct dbrows r;
	int64_t ids[64];
	int n = 0;
	int64_t cutoff = now_unix() - TRAINING_GRACE_S;
	int rc = user_id ? db_query(db, &r,
				    "SELECT id FROM training_attempts WHERE status = 'open' AND "
				    "deadline_at IS NOT NULL AND deadline_at < ? AND user_id = ? "
				    "ORDER BY id LIMIT 64",
				    P(V_INT(cutoff), V_INT(user_id)))
			 : db_query(db, &r,
				    "SELECT id FROM training_attempts WHERE status = 'open' AND "
				    "deadline_at IS NOT NULL AND deadline_at < ? ORDER BY id LIMIT "
				    "64",
				    P(V_INT(cutoff)));
	if (rc)
		return -1;
	while (db_next(&r) && n < 64)
		ids[n++] = db_int(&r, 0);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	for (int i = 0; i < n; i++) {
		struct expire_op o = { ids[i] };
		if (db_tx(db, expire_fn, &o))
			return -1;
	}
	return 0;
}

/* --- answering and submitting ------------------------------------------------------------- */

struct answer_op {
	const struct actor *who;
	int64_t user_id, id;
	int position;
	json_t *choices;
	struct ferrors *fe;
	enum status st;
	bool time_over;
};

/* Checks the attempt belongs to the caller and is open and in time. */
static int check_open(struct db *db, struct answer_op *o)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT user_id, status, deadline_at FROM training_attempts WHERE id = ?",
		     P(V_INT(o->id))))
		return -1;
	bool found = db_next(&r);
	int64_t owner = found ? db_int(&r, 0) : 0;
	bool open = found && !strcmp(db_text(&r, 1), "open");
	bool late = found && !db_isnull(&r, 2) && now_unix() > db_int(&r, 2) + TRAINING_GRACE_S;
	db_rows_free(&r);
	if (!found || owner != o->user_id) {
		o->st = ST_NOT_FOUND;
		return -1;
	}
	if (!open) {
		o->fe->code = "already_submitted";
		o->fe->detail = "This attempt has already been graded.";
		o->st = ST_CONFLICT;
		return -1;
	}
	if (late) {
		o->time_over = true;
		o->st = ST_OK;
		return 1;
	}
	return 0;
}

static int answer_fn(struct db *db, void *arg)
{
	struct answer_op *o = arg;
	int c = check_open(db, o);
	if (c)
		return c < 0 ? -1 : 0;
	char *order_text = NULL;
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT choice_order FROM training_attempt_items WHERE attempt_id = ? AND "
		     "position = ?",
		     P(V_INT(o->id), V_INT(o->position))))
		return -1;
	if (db_next(&r))
		order_text = xstrdup(db_text(&r, 0));
	db_rows_free(&r);
	if (!order_text) {
		o->st = ST_NOT_FOUND;
		return -1;
	}
	size_t order[TRAINING_MAX_CHOICES];
	size_t nc = parse_order(order_text, order);
	free(order_text);
	size_t i;
	json_t *e;
	json_array_foreach(o->choices, i, e)
	{
		if (json_integer_value(e) > (json_int_t)nc) {
			ferr_add(o->fe, "choices", "invalid_choice", "There is no such choice.");
			o->st = ST_INVALID;
			return -1;
		}
	}
	if (db_exec(db,
		    "UPDATE training_attempt_items SET answer_mask = ? WHERE attempt_id = ? AND "
		    "position = ?",
		    P(V_INT(mask_of(o->choices)), V_INT(o->id), V_INT(o->position))) ||
	    db_exec(db, "UPDATE training_attempts SET updated_at = ? WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))))
		return -1;
	o->st = ST_OK;
	return 0;
}

static enum status time_over(struct db *db, struct ferrors *fe)
{
	if (attempts_expire(db, 0))
		return ST_DB;
	fe->code = "time_over";
	fe->detail = "The time for this attempt is over; the answers saved were graded.";
	return ST_CONFLICT;
}

enum status attempt_answer(struct db *db, int64_t user_id, int64_t id, int position,
			   json_t *choices, struct ferrors *fe)
{
	struct answer_op o = { NULL, user_id, id, position, choices, fe, ST_DB, false };
	enum status st = db_tx_status(db, answer_fn, &o, &o.st);
	if (st == ST_OK && o.time_over)
		return time_over(db, fe);
	return st;
}

static int submit_fn(struct db *db, void *arg)
{
	struct answer_op *o = arg;
	int c = check_open(db, o);
	if (c)
		return c < 0 ? -1 : 0;
	bool changed;
	if (grade(db, o->who, o->id, "submitted", &changed))
		return -1;
	if (!changed) {
		o->fe->code = "already_submitted";
		o->fe->detail = "This attempt has already been graded.";
		o->st = ST_CONFLICT;
		return -1;
	}
	o->st = ST_OK;
	return 0;
}

enum status attempt_submit(struct db *db, const struct actor *who, int64_t id, struct ferrors *fe)
{
	struct answer_op o = { who, who->id, id, 0, NULL, fe, ST_DB, false };
	enum status st = db_tx_status(db, submit_fn, &o, &o.st);
	if (st == ST_OK && o.time_over)
		return time_over(db, fe);
	return st;
}

/* --- reading ------------------------------------------------------------------------------ */

int attempt_owner(struct db *db, int64_t id, int64_t *user_id, bool *open)
{
	struct dbrows r;
	if (db_query(db, &r, "SELECT user_id, status FROM training_attempts WHERE id = ?",
		     P(V_INT(id))))
		return -1;
	int rc = 1;
	if (db_next(&r)) {
		*user_id = db_int(&r, 0);
		*open = !strcmp(db_text(&r, 1), "open");
		rc = 0;
	}
	db_rows_free(&r);
	return rc;
}

json_t *attempt_json(struct db *db, int64_t id, enum status *st)
{
	struct dbrows r;
	json_t *a = NULL, *content = NULL, *items = NULL;
	bool graded = false;
	int64_t user_id = 0;
	*st = ST_DB;
	if (db_query_int(db, &user_id, &graded,
			 "SELECT user_id FROM training_attempts WHERE id = ?", P(V_INT(id))))
		return NULL;
	if (!graded) {
		*st = ST_NOT_FOUND;
		return NULL;
	}
	if (attempts_expire(db, user_id))
		return NULL;
	if (db_query(
		    db, &r,
		    "SELECT a.id, a.user_id, u.name, u.login, a.course_id, v.title_ja, v.title_en, "
		    "v.number, a.status, a.started_at, a.deadline_at, a.submitted_at, "
		    "a.question_count, a.correct_count, a.score_percent, a.passed, v.pass_percent, "
		    "a.taken_on, a.version FROM training_attempts a JOIN users u ON u.id = "
		    "a.user_id JOIN training_course_versions v ON v.id = a.course_version_id WHERE "
		    "a.id = ?",
		    P(V_INT(id))))
		return NULL;
	if (db_next(&r)) {
		char now[21];
		time_rfc3339(now_unix(), now);
		graded = strcmp(db_text(&r, 8), "open") != 0;
		a = json_pack("{s:I,s:{s:I,s:s,s:s},s:I,s:o,s:I,s:s,s:o,s:o,s:o,s:I,s:o,s:o,s:o,"
			      "s:I,s:s,s:s,s:I}",
			      "id", (json_int_t)db_int(&r, 0), "user", "id",
			      (json_int_t)db_int(&r, 1), "name", db_text(&r, 2), "login",
			      db_text(&r, 3), "course_id", (json_int_t)db_int(&r, 4),
			      "course_title", tr_loc(db_text(&r, 5), db_text(&r, 6)),
			      "course_version", (json_int_t)db_int(&r, 7), "status", db_text(&r, 8),
			      "started_at", tr_time(&r, 9), "deadline_at", tr_time(&r, 10),
			      "submitted_at", tr_time(&r, 11), "question_count",
			      (json_int_t)db_int(&r, 12), "correct_count", tr_opt_int(&r, 13),
			      "score_percent", tr_opt_int(&r, 14), "passed",
			      db_isnull(&r, 15) ? json_null() : json_boolean(db_int(&r, 15)),
			      "pass_percent", (json_int_t)db_int(&r, 16), "taken_on",
			      db_text(&r, 17), "now", now, "version", (json_int_t)db_int(&r, 18));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (!a) {
		*st = failed ? ST_DB : ST_NOT_FOUND;
		return NULL;
	}
	content = attempt_content(db, id);
	if (!content)
		goto fail;
	json_t *questions = json_object_get(content, "questions");
	items = json_array();
	if (db_query(db, &r,
		     "SELECT position, question_index, choice_order, answer_mask, correct FROM "
		     "training_attempt_items WHERE attempt_id = ? ORDER BY position",
		     P(V_INT(id))))
		goto fail;
	int answered = 0;
	while (db_next(&r)) {
		size_t order[TRAINING_MAX_CHOICES];
		size_t nc = parse_order(db_text(&r, 2), order);
		json_t *q = json_array_get(questions, (size_t)db_int(&r, 1));
		json_t *ja = json_object_get(json_object_get(q, "choices"), "ja");
		json_t *en = json_object_get(json_object_get(q, "choices"), "en");
		json_t *choices = json_array();
		for (size_t k = 0; k < nc; k++)
			json_array_append_new(
				choices,
				json_pack("{s:i,s:o}", "n", (int)k + 1, "text",
					  tr_loc(json_string_value(json_array_get(ja, order[k])),
						 json_string_value(json_array_get(en, order[k])))));
		unsigned given = db_isnull(&r, 3) ? 0 : (unsigned)db_int(&r, 3);
		if (!db_isnull(&r, 3) && given)
			answered++;
		json_t *item = json_pack(
			"{s:I,s:O,s:O,s:o,s:o,s:b}", "position", (json_int_t)db_int(&r, 0), "topic",
			json_object_get(q, "topic"), "situation", json_object_get(q, "situation"),
			"choices", choices, "answer", numbers_of(given), "multiple",
			json_array_size(json_object_get(q, "correct")) > 1);
		if (graded) {
			/* The right answers in shown positions, and why. */
			unsigned want = mask_of(json_object_get(q, "correct")), shown = 0;
			for (size_t k = 0; k < nc; k++)
				if (want & (1u << order[k]))
					shown |= 1u << k;
			json_object_set_new(item, "correct", numbers_of(shown));
			json_object_set_new(item, "is_correct",
					    json_boolean(!db_isnull(&r, 4) && db_int(&r, 4)));
			json_object_set(item, "explanation", json_object_get(q, "explanation"));
		}
		json_array_append_new(items, item);
	}
	failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto fail;
	json_object_set_new(a, "answered_count", json_integer(answered));
	json_object_set_new(a, "items", items);
	json_decref(content);
	*st = ST_OK;
	return a;
fail:
	json_decref(a);
	json_decref(items);
	json_decref(content);
	return NULL;
}

json_t *certificate_json(struct db *db, struct app *app, int64_t attempt_id, enum status *st)
{
	struct dbrows r;
	struct settings s;
	json_t *c = NULL;
	*st = ST_DB;
	if (settings_get(app, db, &s))
		return NULL;
	if (db_query(
		    db, &r,
		    "SELECT a.id, u.id, u.name, u.login, d.name, u.employment_type, v.title_ja, "
		    "v.title_en, v.number, a.score_percent, a.submitted_at, a.taken_on, "
		    "a.correct_count, a.question_count, a.course_id FROM training_attempts a JOIN "
		    "users u ON u.id = a.user_id LEFT JOIN departments d ON d.id = u.department_id "
		    "JOIN training_course_versions v ON v.id = a.course_version_id WHERE a.id = ? "
		    "AND "
		    "a.passed = 1",
		    P(V_INT(attempt_id)))) {
		return NULL;
	}
	if (db_next(&r)) {
		char number[32];
		snprintf(number, sizeof(number), "TR-%06lld", (long long)db_int(&r, 0));
		c = json_pack("{s:s,s:I,s:{s:I,s:s,s:s,s:s?,s:s},s:I,s:o,s:I,s:I,s:i,s:i,s:o,s:s,"
			      "s:s}",
			      "number", number, "attempt_id", (json_int_t)db_int(&r, 0), "person",
			      "id", (json_int_t)db_int(&r, 1), "name", db_text(&r, 2), "login",
			      db_text(&r, 3), "department_name", db_text(&r, 4), "employment_type",
			      db_text(&r, 5), "course_id", (json_int_t)db_int(&r, 14),
			      "course_title", tr_loc(db_text(&r, 6), db_text(&r, 7)),
			      "course_version", (json_int_t)db_int(&r, 8), "score_percent",
			      (json_int_t)db_int(&r, 9), "correct_count", (int)db_int(&r, 12),
			      "question_count", (int)db_int(&r, 13), "passed_at", tr_time(&r, 10),
			      "taken_on", db_text(&r, 11), "org_name", s.org_name);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (!c) {
		*st = failed ? ST_DB : ST_NOT_FOUND;
		return NULL;
	}
	*st = ST_OK;
	return c;
}
