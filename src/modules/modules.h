/*
 * modules.h — the one list of mamori's parts: routes, permissions and background jobs.
 *
 * Adding a domain area is adding its folder under src/modules/ and one line in modules.c.
 * Migrations are found by the build (src/modules/<area>/migrations/NNNN_*.sql).
 */
#ifndef MAMORI_MODULES_H
#define MAMORI_MODULES_H

#include <stddef.h>

#include "../http/http.h"
#include "../workflow/approval.h"
#include "../workflow/campaign.h"
#include "../workflow/tasks.h"
#include "../workflow/workflow.h"

struct permission {
	const char *name; /* "users.read" */
	const char *area; /* "people" — grouping in the roles editor */
};

struct module {
	const char *name;
	const struct route_table *routes;
	const struct permission *permissions; /* { 0 }-terminated, may be NULL */
	/* A periodic job, run on one node at a time; returns 0 or -1. May be NULL. */
	int (*job)(struct app *app, struct db *db);
	/* Short work run every few seconds on one node at a time (sending mail). May be NULL. */
	int (*worker)(struct app *app, struct db *db);
	/* What waits for people in this module (GET /api/v1/me/tasks); { 0 }-terminated. */
	const struct task_source *tasks;
	/* The workflows of its records (src/workflow/workflow.h); NULL-terminated. */
	const struct workflow *const *workflows;
	/* The records it asks approval for; { 0 }-terminated. */
	const struct approval_kind *approvals;
	/* The campaigns it runs; { 0 }-terminated. */
	const struct campaign_kind *campaigns;
	/* Its open work that waits for someone's manager goes to whom it would go to now; run in
	 * the transaction of a change to the reporting line (module_line_changed). May be NULL. */
	int (*line_changed)(struct db *db, const struct actor *who);
};

extern const struct module modules[];
extern const size_t module_count;

/* Every module's route table, in module order: the route set the server is handed
 * (app->routes) and `mamori routes` lists. */
const struct route_set *module_routes(void);

/* True if `name` is a permission some module declares. */
bool permission_known(const char *name);

/* The approval kind a module declares for `record_type`, or NULL. */
const struct approval_kind *module_approval_kind(const char *record_type);
/* The campaign kind a module declares for `kind`, or NULL. */
const struct campaign_kind *module_campaign_kind(const char *kind);
/* Every declared campaign kind into `out` (at most max); returns how many. */
size_t module_campaign_kinds(const struct campaign_kind **out, size_t max);

/* In the transaction of a change to the reporting line (a user's manager, department or
 * status; a department's manager or deputy; a user import), by `who`: what waits for a
 * manager follows the people — approval steps (approvals_follow_managers), campaign items
 * chosen by their kind's actor_of (campaign_items_follow) and each module's line_changed.
 * 0 or -1. */
int module_line_changed(struct db *db, const struct actor *who);

#endif
