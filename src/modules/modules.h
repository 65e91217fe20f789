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
};

extern const struct module modules[];
extern const size_t module_count;

/* True if `name` is a permission some module declares. */
bool permission_known(const char *name);

#endif
