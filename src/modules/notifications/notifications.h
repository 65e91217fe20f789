/*
 * notifications.h — the HTTP face of notifications (src/notify/): each person's notices and
 * their preferences (which kinds by e-mail, a daily digest at a time of day), the
 * organisation's mail server settings with a test mail, and the outbox the administrator
 * watches for failed mails.
 *
 * Its job turns what waits for people (the modules' task sources, /me/tasks) into reminders —
 * a task new, due soon (within the setting's working days) or overdue is noticed once each —
 * over a rolling batch of people per run, and sends daily digests; its worker sends the
 * queued mails every few seconds with retries and backoff, on one node at a time.
 */
#ifndef MAMORI_NOTIFICATIONS_H
#define MAMORI_NOTIFICATIONS_H

#include "../modules.h"

extern const struct route_table notifications_routes;

int notifications_job(struct app *app, struct db *db);
int notifications_worker(struct app *app, struct db *db);

/* The reminders of one person now, as notify_tx does (exported for tests of the pass). */
int notifications_remind(struct app *app, struct db *db, int64_t user_id);

#endif
