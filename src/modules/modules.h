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
};

extern const struct module modules[];
extern const size_t module_count;

/* True if `name` is a permission some module declares. */
bool permission_known(const char *name);

/* The approval kind a module declares for `record_type`, or NULL. */
const struct approval_kind *module_approval_kind(const char *record_type);
/* The campaign kind a module declares for `kind`, or NULL. */
const struct campaign_kind *module_campaign_kind(const char *kind);
/* Every declared campaign kind into `out` (at most max); returns how many. */
size_t module_campaign_kinds(const struct campaign_kind **out, size_t max);

#endif
