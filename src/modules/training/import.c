/* import.c — loading courses from content/training (the starter course, and updates of it).
 *
 * A course folder holds:
 *   course.json      {"code", "title": {ja,en}, "description": {ja,en}, "draw_count",
 *                     "pass_percent", "time_limit_minutes", "max_attempts",
 *                     "lessons": ["01-why", ...]}
 *   lessons/ja/01-why.md, lessons/en/01-why.md   Markdown; the first "# " line is the title
 *   questions.json   [{"key", "topic", "situation": {ja,en}, "choices": [{ja,en}, ...],
 *                      "correct": [1-based numbers], "explanation": {ja,en}}, ...]
 * Importing replaces the course's draft (matched by code; questions by key, so records keep
 * pointing at the same question) in one transaction, then publishes a new version if the
 * result differs from the latest one. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../../lib/folders.h"
#include "../../lib/timeutil.h"

enum status course_publish_if_changed(struct db *db, const struct actor *who, int64_t id,
				      int64_t *number, struct ferrors *fe);

#define MAX_FILE  (512 * 1024)
/* What question keys and topic tags are made of (so "~key", used while importing, never is). */
#define KEY_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= MAX_FILE)
		buf_add(&b, chunk, n);
	bool bad = ferror(f) || b.len > MAX_FILE || !utf8_valid_text(b.buf, b.len);
	fclose(f);
	if (bad) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Splits a lesson file into its title (first "# " line) and the body after it. */
static void split_lesson(char *text, const char **title, const char **body)
{
	*title = "";
	*body = text;
	char *p = text;
	while (*p == '\n' || *p == '\r')
		p++;
	if (p[0] == '#' && p[1] == ' ') {
		char *eol = strchr(p, '\n');
		*title = p + 2;
		if (eol) {
			if (eol > p && eol[-1] == '\r')
				eol[-1] = '\0';
			*eol = '\0';
			*body = eol + 1;
		} else {
			*body = "";
		}
	}
}

static const char *loc_get(json_t *o, const char *lang)
{
	const char *s = json_string_value(json_object_get(o, lang));
	return s ? s : "";
}

struct lesson_file {
	char *ja_text, *en_text;
	const char *title_ja, *title_en, *body_ja, *body_en;
};

struct import_op {
	const struct actor *who;
	json_t *course, *questions;
	struct lesson_file *lessons;
	size_t nlessons;
	int64_t id;
	bool created;
};

/* Checks the questions file; a sentence per problem into err. */
static int check_questions(json_t *qs, const char *dir, struct buf *err)
{
	size_t i;
	json_t *q;
	int bad = 0;
	if (!json_is_array(qs) || json_array_size(qs) == 0) {
		buf_printf(err, "%s/questions.json: expected a non-empty list of questions\n", dir);
		return 1;
	}
	json_array_foreach(qs, i, q)
	{
		const char *key = json_string_value(json_object_get(q, "key"));
		const char *topic = json_string_value(json_object_get(q, "topic"));
		json_t *choices = json_object_get(q, "choices"),
		       *correct = json_object_get(q, "correct");
		size_t nc = json_array_size(choices);
		bool ok = key && *key && strlen(key) <= 64 &&
			  strspn(key, KEY_CHARS) == strlen(key) && topic && *topic &&
			  strlen(topic) <= 40 && strspn(topic, KEY_CHARS) == strlen(topic) &&
			  *loc_get(json_object_get(q, "situation"), "ja") &&
			  *loc_get(json_object_get(q, "explanation"), "ja") && nc >= 2 &&
			  nc <= TRAINING_MAX_CHOICES && json_array_size(correct) >= 1;
		for (size_t k = 0; ok && k < json_array_size(correct); k++) {
			json_int_t c = json_integer_value(json_array_get(correct, k));
			ok = c >= 1 && (size_t)c <= nc;
		}
		for (size_t k = 0; ok && k < nc; k++)
			ok = *loc_get(json_array_get(choices, k), "ja") != '\0';
		for (size_t k = 0; ok && k < i; k++)
			ok = strcmp(key, json_string_value(
						 json_object_get(json_array_get(qs, k), "key")));
		if (!ok) {
			buf_printf(err,
				   "%s/questions.json: question %zu (%s) needs a unique key and a "
				   "topic "
				   "(a-z, 0-9, _ and -), a situation, 2-5 choices, valid correct "
				   "numbers and an explanation\n",
				   dir, i + 1, key ? key : "no key");
			bad++;
		}
	}
	return bad;
}

static char *choices_text(json_t *choices, const char *lang)
{
	json_t *a = json_array();
	bool any = false;
	size_t i;
	json_t *c;
	json_array_foreach(choices, i, c)
	{
		any |= *loc_get(c, lang) != '\0';
		json_array_append_new(a, json_string(loc_get(c, lang)));
	}
	if (!any)
		json_array_clear(a);
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static int import_fn(struct db *db, void *arg)
{
	struct import_op *o = arg;
	json_t *c = o->course;
	const char *code = json_string_value(json_object_get(c, "code"));
	json_t *title = json_object_get(c, "title"), *desc = json_object_get(c, "description");
	int64_t now = now_unix();
	bool found;
	if (db_lock(db, "training:import") ||
	    db_query_int(db, &o->id, &found, "SELECT id FROM training_courses WHERE code = ?",
			 P(V_TEXT(code))))
		return -1;
	o->created = !found;
	struct dbval settings[] = {
		V_TEXT(loc_get(title, "ja")),
		V_TEXT(loc_get(title, "en")),
		V_TEXT(loc_get(desc, "ja")),
		V_TEXT(loc_get(desc, "en")),
		V_INT(json_integer_value(json_object_get(c, "draw_count"))),
		V_INT(json_integer_value(json_object_get(c, "pass_percent"))),
		V_INT(json_integer_value(json_object_get(c, "time_limit_minutes"))),
		V_INT(json_integer_value(json_object_get(c, "max_attempts"))),
		V_INT(now),
	};
	if (!found) {
		struct dbval p[] = { V_TEXT(code), settings[0], settings[1], settings[2],
				     settings[3],  settings[4], settings[5], settings[6],
				     settings[7],  settings[8], V_INT(now) };
		if (db_insert(db, &o->id,
			      "INSERT INTO training_courses (code, title_ja, title_en, "
			      "description_ja, "
			      "description_en, draw_count, pass_percent, time_limit_minutes, "
			      "max_attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
			      "?, ?, "
			      "?, ?) RETURNING id",
			      p, ARRAY_SIZE(p)))
			return -1;
	} else {
		struct dbval p[] = { settings[0], settings[1], settings[2], settings[3],
				     settings[4], settings[5], settings[6], settings[7],
				     settings[8], V_INT(o->id) };
		if (db_exec(db,
			    "UPDATE training_courses SET title_ja = ?, title_en = ?, "
			    "description_ja = ?, "
			    "description_en = ?, draw_count = ?, pass_percent = ?, "
			    "time_limit_minutes = ?, max_attempts = ?, updated_at = ?, draft_dirty "
			    "= 1, "
			    "version = version + 1 WHERE id = ?",
			    p, ARRAY_SIZE(p)))
			return -1;
	}
	if (db_exec(db, "DELETE FROM training_lessons WHERE course_id = ?", P(V_INT(o->id))))
		return -1;
	for (size_t i = 0; i < o->nlessons; i++) {
		struct lesson_file *l = &o->lessons[i];
		if (db_exec(db,
			    "INSERT INTO training_lessons (course_id, position, title_ja, "
			    "title_en, "
			    "body_ja, body_en, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
			    "?, ?)",
			    P(V_INT(o->id), V_INT(i + 1), V_TEXT(l->title_ja), V_TEXT(l->title_en),
			      V_TEXT(l->body_ja), V_TEXT(l->body_en), V_INT(now), V_INT(now))))
			return -1;
	}
	/* Questions by key: kept ones are updated in place, new ones added, others removed. */
	if (db_exec(db, "UPDATE training_questions SET qkey = '~' || qkey WHERE course_id = ?",
		    P(V_INT(o->id))))
		return -1;
	size_t i;
	json_t *q;
	json_array_foreach(o->questions, i, q)
	{
		const char *key = json_string_value(json_object_get(q, "key"));
		char *ja = choices_text(json_object_get(q, "choices"), "ja");
		char *en = choices_text(json_object_get(q, "choices"), "en");
		char *correct = json_dumps(json_object_get(q, "correct"), JSON_COMPACT);
		char oldkey[80];
		json_t *s = json_object_get(q, "situation"), *e = json_object_get(q, "explanation");
		snprintf(oldkey, sizeof(oldkey), "~%s", key);
		int rc = db_exec(
			db,
			"UPDATE training_questions SET qkey = ?, topic = ?, situation_ja = ?, "
			"situation_en = ?, choices_ja = ?, choices_en = ?, correct = ?, "
			"explanation_ja = ?, explanation_en = ?, updated_at = ?, version = "
			"version + 1 WHERE course_id = ? AND qkey = ?",
			P(V_TEXT(key), V_TEXT(json_string_value(json_object_get(q, "topic"))),
			  V_TEXT(loc_get(s, "ja")), V_TEXT(loc_get(s, "en")), V_TEXT(ja),
			  V_TEXT(en), V_TEXT(correct), V_TEXT(loc_get(e, "ja")),
			  V_TEXT(loc_get(e, "en")), V_INT(now), V_INT(o->id), V_TEXT(oldkey)));
		if (rc == 0 && db_changes(db) == 0)
			rc = db_exec(
				db,
				"INSERT INTO training_questions (course_id, qkey, topic, "
				"situation_ja, situation_en, choices_ja, choices_en, correct, "
				"explanation_ja, explanation_en, created_at, updated_at) VALUES "
				"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				P(V_INT(o->id), V_TEXT(key),
				  V_TEXT(json_string_value(json_object_get(q, "topic"))),
				  V_TEXT(loc_get(s, "ja")), V_TEXT(loc_get(s, "en")), V_TEXT(ja),
				  V_TEXT(en), V_TEXT(correct), V_TEXT(loc_get(e, "ja")),
				  V_TEXT(loc_get(e, "en")), V_INT(now), V_INT(now)));
		free(ja);
		free(en);
		free(correct);
		if (rc)
			return -1;
	}
	if (db_exec(db, "DELETE FROM training_questions WHERE course_id = ? AND qkey LIKE '~%'",
		    P(V_INT(o->id))))
		return -1;
	json_t *sum = json_pack("{s:s,s:I,s:I,s:b}", "code", code, "lessons",
				(json_int_t)o->nlessons, "questions",
				(json_int_t)json_array_size(o->questions), "created", o->created);
	int rc = audit_append(db, o->who, "training.course.import", "training_course", o->id, sum);
	json_decref(sum);
	return rc;
}

int training_import_dir(struct db *db, const struct actor *who, const char *dir, struct buf *report,
			struct buf *err)
{
	char path[PATH_MAX];
	json_error_t jerr;
	int problems = 0;
	struct import_op o = { who, NULL, NULL, NULL, 0, 0, false };
	snprintf(path, sizeof(path), "%s/course.json", dir);
	o.course = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!o.course) {
		buf_printf(err, "%s: %s (line %d)\n", path, jerr.text, jerr.line);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/questions.json", dir);
	o.questions = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!o.questions) {
		buf_printf(err, "%s: %s (line %d)\n", path, jerr.text, jerr.line);
		problems = 1;
		goto out;
	}
	const char *code = json_string_value(json_object_get(o.course, "code"));
	json_int_t draw = json_integer_value(json_object_get(o.course, "draw_count"));
	json_int_t pass = json_integer_value(json_object_get(o.course, "pass_percent"));
	json_int_t limit = json_integer_value(json_object_get(o.course, "time_limit_minutes"));
	json_int_t tries = json_integer_value(json_object_get(o.course, "max_attempts"));
	if (!code || !*code || !*loc_get(json_object_get(o.course, "title"), "ja") || draw < 1 ||
	    draw > 100 || pass < 1 || pass > 100 || limit < 0 || limit > 600 || tries < 0 ||
	    tries > 100) {
		buf_printf(err,
			   "%s/course.json: needs a code, a Japanese title, draw_count 1-100, "
			   "pass_percent 1-100, time_limit_minutes 0-600, max_attempts 0-100\n",
			   dir);
		problems++;
	}
	problems += check_questions(o.questions, dir, err);
	if (!problems && (size_t)draw > json_array_size(o.questions)) {
		buf_printf(err, "%s: draw_count %lld is more than the %zu questions\n", dir,
			   (long long)draw, json_array_size(o.questions));
		problems++;
	}
	json_t *names = json_object_get(o.course, "lessons");
	o.nlessons = json_array_size(names);
	o.lessons = xcalloc(o.nlessons ? o.nlessons : 1, sizeof(*o.lessons));
	for (size_t i = 0; i < o.nlessons; i++) {
		const char *name = json_string_value(json_array_get(names, i));
		struct lesson_file *l = &o.lessons[i];
		if (!name || strchr(name, '/') || name[0] == '.') {
			buf_printf(err, "%s/course.json: lesson %zu is not a file name\n", dir,
				   i + 1);
			problems++;
			continue;
		}
		snprintf(path, sizeof(path), "%s/lessons/ja/%s.md", dir, name);
		l->ja_text = read_file(path);
		snprintf(path, sizeof(path), "%s/lessons/en/%s.md", dir, name);
		l->en_text = read_file(path);
		if (!l->ja_text) {
			buf_printf(err,
				   "%s/lessons/ja/%s.md: missing, too large or not UTF-8 text\n",
				   dir, name);
			problems++;
			continue;
		}
		split_lesson(l->ja_text, &l->title_ja, &l->body_ja);
		if (l->en_text)
			split_lesson(l->en_text, &l->title_en, &l->body_en);
		else
			l->title_en = l->body_en = "";
		if (!*l->title_ja) {
			buf_printf(err, "%s/lessons/ja/%s.md: the first line must be \"# title\"\n",
				   dir, name);
			problems++;
		}
	}
	if (problems)
		goto out;
	if (db_tx(db, import_fn, &o)) {
		buf_printf(err, "%s: the database refused the import: %s\n", dir, db_errmsg(db));
		problems++;
		goto out;
	}
	struct ferrors fe = FERRORS_INIT;
	int64_t number = 0;
	enum status st = course_publish_if_changed(db, who, o.id, &number, &fe);
	ferr_release(&fe);
	if (st != ST_OK) {
		buf_printf(err, "%s: imported, but publishing failed\n", dir);
		problems++;
		goto out;
	}
	buf_printf(report, "%s: %s \"%s\" — %zu lessons, %zu questions, %s\n", code,
		   o.created ? "added" : "updated",
		   loc_get(json_object_get(o.course, "title"), "ja"), o.nlessons,
		   json_array_size(o.questions),
		   number ? "published as a new version" : "no change to publish");
out:
	for (size_t i = 0; o.lessons && i < o.nlessons; i++) {
		free(o.lessons[i].ja_text);
		free(o.lessons[i].en_text);
	}
	free(o.lessons);
	json_decref(o.course);
	json_decref(o.questions);
	return problems;
}

/* What each content folder is handed: the import's database, actor and report. */
struct import_each {
	struct db *db;
	const struct actor *who;
	struct buf *report, *err;
};

static int import_each_dir(const char *dir, void *arg)
{
	struct import_each *a = arg;
	return training_import_dir(a->db, a->who, dir, a->report, a->err);
}

int training_import_all(struct db *db, const struct actor *who, const char *root,
			struct buf *report, struct buf *err)
{
	struct import_each a = { db, who, report, err };
	return each_content_folder(root, "course.json", "course", import_each_dir, &a, err);
}

char *training_content_root(void)
{
	char exe[PATH_MAX], path[PATH_MAX + 64];
	struct stat st;
	const char *env = getenv("MAMORI_CONTENT");
	if (env && *env) {
		snprintf(path, sizeof(path), "%s/training", env);
		return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? realpath(path, NULL) : NULL;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	static const char *const candidates[] = { "/../content/training", "/../../content/training",
						  "/../share/mamori/content/training" };
	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
		snprintf(path, sizeof(path), "%s%s", exe, candidates[i]);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return realpath(path, NULL);
	}
	return NULL;
}

void training_load_starter(struct app *app, struct db *db, const struct actor *who)
{
	(void)app;
	char *root = training_content_root();
	if (!root) {
		printf("mamori: no starter training content was found next to the binary; load it "
		       "later with `mamori content import DIR`.\n");
		return;
	}
	struct buf report = BUF_INIT, err = BUF_INIT;
	int problems = training_import_all(db, who, root, &report, &err);
	if (report.len)
		printf("mamori: training content from %s:\n%s", root, report.buf);
	if (problems)
		fprintf(stderr, "mamori: some training content was not loaded:\n%s", err.buf);
	buf_release(&report);
	buf_release(&err);
	free(root);
}
