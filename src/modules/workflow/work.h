/*
 * work.h — the HTTP face of the workflow engine (src/workflow/): what waits for me
 * (/me/tasks), the approvals inbox and decisions, delegations while absent, campaigns and
 * their items, and the working-day calendar; plus the job that escalates waiting approvals
 * and unanswered campaign items and gives campaigns their new cycles and joiners.
 */
#ifndef MAMORI_WORK_H
#define MAMORI_WORK_H

#include "../modules.h"

extern const struct route_table work_routes;
extern const struct permission work_permissions[];
extern const struct task_source work_tasks[];

/* Escalations and campaign cycles; run by `mamori jobs run` and the server's job loop. */
int work_job(struct app *app, struct db *db);

/* The organisation's working-day calendar from its settings. -1 on database error. */
int work_calendar(struct app *app, struct db *db, struct workcal *cal);

/* The workflow actor of a request's signed-in user. */
struct wf_actor work_actor(struct req *req, const struct actor *who);

#endif
