/*
 * tasks.h — "what waits for me" (GET /api/v1/me/tasks): one server-side question that every
 * module answers for its own kind of duty, so that the home page and e-mail digests ask once.
 *
 * A module declares task sources next to its routes; each runs one query for the signed-in
 * person and appends objects
 *
 *	{"kind": "approval", "key": "approval:12", "title": "...", "title_en": "..." (optional),
 *	 "due_on": "YYYY-MM-DD" or null, "overdue": bool, "link": "/approvals/12",
 *	 "params": {...} (optional, for the UI's wording)}
 *
 * The collector sorts them soonest due first (undated last).
 */
#ifndef MAMORI_TASKS_H
#define MAMORI_TASKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../app.h"
#include "../store/store.h"

/* Who is asking, and when. */
struct task_query {
	struct app *app;
	struct db *db;
	int64_t user_id;
	int64_t department_id;    /* 0: none */
	const char *const *perms; /* NULL-terminated */
	const char *today;        /* YYYY-MM-DD, the organisation's day */
};

struct task_source {
	const char *kind;
	const char *perm; /* needed to be asked at all; NULL: everyone signed in */
	/* Appends the person's tasks to `out`; -1 on database error. */
	int (*list)(const struct task_query *q, json_t *out);
	/* For reminders by e-mail: what the kind is called, and whether a task's title may be
	 * mailed (false for records whose titles may carry personal details: a link only). */
	const char *label_ja, *label_en;
	bool private_title;
	/* Reminded at once, also to people who read a daily digest (legal deadlines). */
	bool urgent;
};

/* Appends one task (the strings are copied; title_en, link and params may be NULL; params
 * is taken over). */
void task_add(json_t *out, const char *kind, const char *key, const char *title,
	      const char *title_en, const char *due_on, bool overdue, const char *link,
	      json_t *params);

/* Sorts tasks soonest due first, undated last, then by kind and key. */
void tasks_sort(json_t *tasks);

#endif
