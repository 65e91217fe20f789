/*
 * training.h — education (教育): courses, case-study quizzes, assignments and records.
 *
 * ISMS and the Privacy Mark ask that everyone — dispatched, part-time and contractor staff
 * included — is trained at least yearly, that their understanding is checked, and that the
 * rosters and results can be shown to an auditor. This module keeps:
 *
 *   course      lessons (Markdown) and a pool of case-study questions (a situation, 2–5
 *               choices, one or more correct, an explanation, a topic tag), with quiz
 *               settings: questions drawn per attempt, pass mark, time limit, attempts a year.
 *               What officers edit is the draft; publishing freezes it as a numbered version
 *               (a JSON snapshot) and nothing published ever changes again.
 *   attempt     one person taking the latest published version: the server draws the
 *               questions (covering every topic, avoiding the person's previous draw),
 *               shuffles each question's choices, keeps the answers, grades on submit.
 *   assignment  a course for departments / roles / employment types / named people with a
 *               due date, once or yearly; each matching person gets a duty per cycle, and
 *               people who join later get theirs automatically (training_job and on demand).
 *   duty        one person's obligation for one cycle; completed by a passed attempt.
 *
 * Invariants a caller can rely on:
 *   - Correct answers and explanations leave the server only to people who manage courses,
 *     or inside an attempt that has been graded.
 *   - An attempt is graded exactly once: a second submit is ST_CONFLICT ("already_submitted");
 *     after its deadline (plus TRAINING_GRACE_S for the network) answers and submits are
 *     refused ("time_over") and the answers saved so far are graded as they are.
 *   - Exactly pass_percent passes: correct * 100 >= pass_percent * questions.
 *   - Every change is one transaction with its audit event; saving a single answer inside an
 *     open attempt is working state and is audited with the submit that grades it.
 */
#ifndef MAMORI_TRAINING_H
#define MAMORI_TRAINING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../app.h"
#include "../../audit/audit.h"
#include "../../http/http.h"
#include "../../workflow/tasks.h"
#include "../../lib/errors.h"
#include "../modules.h"

extern const struct route_table training_routes;
/* training.take (everyone), .manage (officers), .records (officers, auditors: every
 * department), .team (managers: their own department). */
extern const struct permission training_permissions[];

#define TRAINING_MAX_CHOICES 5
#define TRAINING_GRACE_S     30 /* seconds after the deadline still accepted (network, clocks) */

/* --- pure rules (quiz.c): no database, unit-tested ---------------------------------------- */

/* A source of randomness: a number in [0, below). Production uses libsodium. */
typedef uint32_t (*training_rand_fn)(void *ctx, uint32_t below);
uint32_t training_rand_sodium(void *ctx, uint32_t below);

struct draw_item {
	int topic;   /* index of the question's topic tag */
	bool recent; /* the person was given this question in their previous attempt */
};

/* Draws min(n, count) distinct questions from `pool` into `out` (indexes into pool, in the
 * order they will be asked). Every topic gets one question before any topic gets a second
 * (when n allows), and questions the person saw last time are taken only when nothing new
 * is left. Returns the number drawn. */
size_t training_draw(const struct draw_item *pool, size_t count, size_t n, training_rand_fn rnd,
		     void *ctx, size_t *out);
/* Fisher–Yates shuffle of `a`. */
void training_shuffle(size_t *a, size_t n, training_rand_fn rnd, void *ctx);

/* An answer given in shown positions (bit k: the k-th shown choice) as original choices,
 * where order[k] is the original index shown at position k. */
unsigned training_unshuffle(unsigned shown_mask, const size_t *order, size_t nchoices);

/* True when `correct` right answers out of `total` reach pass_percent (exactly the mark
 * passes). A quiz of no questions never passes. */
bool training_passes(int correct, int total, int pass_percent);
/* Score in whole percent, rounded down. */
int training_score(int correct, int total);

enum start_rule {
	START_NEW,    /* a new attempt may start */
	START_RESUME, /* an attempt is open: go on with it */
	START_LIMIT,  /* the attempts allowed this year are used up */
};
/* May a person start an attempt? max_attempts 0 means no limit; used_this_year counts the
 * attempts started in the current calendar year (organisation's zone). */
enum start_rule training_may_start(int max_attempts, int used_this_year, bool has_open);

/* The cycle of an assignment that `today` falls in: for `yearly`, the latest anniversary of
 * starts_on on or before today, with the due date moved by the same number of years; for a
 * one-off assignment, the assignment's own dates. Returns 0 with start/due filled, 1 if the
 * assignment has not started yet, -1 on bad dates. */
int training_cycle(const char *starts_on, const char *due_date, bool yearly, const char *today,
		   char start[11], char due[11]);

/* --- Markdown (markdown.c) --------------------------------------------------------------- */

/* Parses CommonMark with cmark's safe defaults and answers the document as a tree of plain
 * data the web UI renders into elements with text nodes — never HTML: raw HTML is dropped,
 * links keep only http(s)/mailto/relative targets, nesting deeper than a few levels is
 * flattened to text. {"t":"document","c":[...]}. */
json_t *training_markdown(const char *text);

/* --- courses (courses.c) ----------------------------------------------------------------- */

/* Course list for the API into `out` (a JSON object {items,next_cursor}); drafts and
 * archived courses only when `manage`. */
int course_list(struct db *db, bool manage, const char *q, int64_t cursor, int64_t limit,
		struct buf *out);
/* The course as a taker sees it (published version, lesson titles, the caller's attempts and
 * whether they may start), plus draft facts for managers. NULL + ST_NOT_FOUND if there is no
 * such course or (not manage) it is not published. */
json_t *course_show(struct db *db, int64_t id, int64_t user_id, bool manage, enum status *st);
/* Everything an editor needs: settings, lessons with Markdown, questions with answers,
 * versions. */
json_t *course_draft(struct db *db, int64_t id);
enum status course_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			  struct ferrors *fe);
enum status course_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe);
/* Freezes the draft as the next version. `version` is the course row's version the editor
 * saw (409 if stale). Refused (422) when the pool is smaller than draw_count or empty. */
enum status course_publish(struct db *db, const struct actor *who, int64_t id, int64_t version,
			   int64_t *number, struct ferrors *fe);

enum status lesson_create(struct db *db, const struct actor *who, int64_t course_id, json_t *in,
			  int64_t *id, struct ferrors *fe);
enum status lesson_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe);
enum status lesson_delete(struct db *db, const struct actor *who, int64_t id);
json_t *lesson_json(struct db *db, int64_t id);
/* Lesson `n` (1-based) of the published version, rendered in `lang` ("ja"/"en", English
 * falling back to Japanese where empty). */
json_t *lesson_published(struct db *db, int64_t course_id, int n, const char *lang,
			 enum status *st);

enum status question_create(struct db *db, const struct actor *who, int64_t course_id, json_t *in,
			    int64_t *id, struct ferrors *fe);
enum status question_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			    struct ferrors *fe);
enum status question_delete(struct db *db, const struct actor *who, int64_t id);
json_t *question_json(struct db *db, int64_t id);

/* Loads (or updates, by its code) the course in folder `dir` — course.json, questions.json
 * and lessons/{ja,en}/NN-*.md — and publishes it when it differs from the latest version.
 * Writes a sentence per problem into `err`. */
int training_import_dir(struct db *db, const struct actor *who, const char *dir, struct buf *report,
			struct buf *err);
/* Every course folder under `root` (content/training). Returns the number of problems. */
int training_import_all(struct db *db, const struct actor *who, const char *root,
			struct buf *report, struct buf *err);
/* Finds content/training next to the binary (build/mamori → content/training, or an
 * installed share/mamori/content/training) or $MAMORI_CONTENT/training. NULL if none. */
char *training_content_root(void);
/* `mamori init`: loads the starter course(s); prints one line; never fails the init. */
void training_load_starter(struct app *app, struct db *db, const struct actor *who);

/* --- attempts (attempts.c) --------------------------------------------------------------- */

/* Starts (or resumes) the caller's attempt on the latest published version. */
enum status attempt_start(struct db *db, const struct actor *who, int64_t course_id,
			  int64_t *attempt_id, bool *resumed, struct ferrors *fe);
/* The attempt with its questions and the caller's saved answers; while it is open, without
 * the right answers or explanations, after grading with both. Callers check who may see it
 * (attempt_owner). Times out an overdue attempt first. */
json_t *attempt_json(struct db *db, int64_t id, enum status *st);
/* Who took the attempt and whether it is still open. -1 on error, 1 if there is none. */
int attempt_owner(struct db *db, int64_t id, int64_t *user_id, bool *open);
enum status attempt_answer(struct db *db, int64_t user_id, int64_t id, int position,
			   json_t *choices, struct ferrors *fe);
enum status attempt_submit(struct db *db, const struct actor *who, int64_t id, struct ferrors *fe);
/* Grades open attempts whose time ran out (the job, and before reading one). */
int attempts_expire(struct db *db, int64_t user_id);
json_t *certificate_json(struct db *db, struct app *app, int64_t attempt_id, enum status *st);

/* --- assignments, duties and records (records.c) ----------------------------------------- */

json_t *assignment_list(struct db *db, int64_t course_id);
json_t *assignment_json(struct db *db, int64_t id);
enum status assignment_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			      struct ferrors *fe);
enum status assignment_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			      struct ferrors *fe);
/* Gives every matching active person their duty for the current cycle of each active
 * assignment (user_id 0: everyone; else just that person). Idempotent; each assignment that
 * adds duties is one transaction with a training.duties.add audit event. */
int training_sync(struct db *db, int64_t user_id);
/* Marks the person's open duties for the course done by a passing attempt. */
int duties_complete(struct db *db, int64_t user_id, int64_t course_id);
/* The signed-in person's duties and attempts. */
json_t *training_me(struct db *db, int64_t user_id);

/* Roster scope: every department, or those of one manager. */
struct roster_filter {
	int64_t course_id;
	int64_t department_id;
	const char *status;   /* pending | overdue | completed | NULL */
	const char *due_from; /* YYYY-MM-DD or NULL */
	const char *due_to;
	const char *q;
	int64_t team_of; /* >0: only departments this user belongs to or manages */
};
int roster_page(struct db *db, const struct roster_filter *f, int64_t cursor, int64_t limit,
		struct buf *out);
json_t *roster_rows(struct db *db, const struct roster_filter *f); /* all rows, for exports */
json_t *roster_summary(struct db *db, const struct roster_filter *f);
/* One person's attempts across courses. With team_of, only people in that manager's
 * departments (ST_NOT_FOUND for others, so a manager cannot probe who exists). */
json_t *person_records(struct db *db, int64_t user_id, int64_t team_of, enum status *st);
/* True if `user_id` belongs to a department `manager_id` belongs to or manages. */
bool training_in_team(struct db *db, int64_t manager_id, int64_t user_id);

/* Duties for new joiners, expiry of timed-out attempts. */
int training_job(struct app *app, struct db *db);

/* What waits in training (training_tasks.c): the courses assigned and not yet passed. */
extern const struct task_source training_tasks[];

#endif
