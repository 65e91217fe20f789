/*
 * retention_api.h — the HTTP face of retention (src/retention/retention.h): the schedule and
 * its periods, legal holds, the log of purges; and the job that purges what has expired.
 */
#ifndef MAMORI_RETENTION_API_H
#define MAMORI_RETENTION_API_H

#include "../modules.h"

extern const struct route_table retention_routes;
extern const struct permission retention_permissions[];

/* The purge of every kind in the schedule (`mamori jobs run`, the server's job loop). */
int retention_job(struct app *app, struct db *db);

#endif
