/*
 * notify.h — notifications (通知): in the app, and by e-mail when a person wants them.
 *
 * A notice is stored for one person in the transaction of the change that causes it (an
 * approval waiting, a request decided, a task new / due soon / overdue) and, when that person
 * gets e-mail for its kind and the organisation has a mail server, a mail is queued in the same
 * transaction — so a mail exists exactly when its cause does, and one event gives one notice
 * (notices are unique per person and key). A sender sends queued mails with retries; people who
 * read a daily digest get their non-urgent mails gathered into one at the time they chose.
 *
 * Mails are worded in the person's language and carry a link, never the personal details of an
 * incident or of an approval (the notice's `private_title` keeps the title out of the mail).
 */
#ifndef MAMORI_NOTIFY_H
#define MAMORI_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../app.h"
#include "../store/store.h"

struct notice {
	int64_t user_id;
	const char *kind;     /* approval_needed, approval_decided, approval_escalated, task_new,
				 task_due_soon, task_overdue */
	const char *key;      /* unique per person: the same key is never noticed twice */
	const char *title;    /* what it is about, e.g. a request's subject */
	const char *link;     /* web path, "/approvals/12" */
	json_t *params;       /* borrowed, may be NULL: words for the UI ("task_kind", …) */
	const char *about_ja; /* what kind of thing, for the mail ("承認", "教育の受講") */
	const char *about_en;
	bool private_title; /* keep the title out of the mail (incidents, approvals, take-outs) */
	bool urgent;        /* mailed at once even to digest readers */
};

/* Stores the notice and queues its mail inside the caller's transaction. *added (may be
 * NULL) says whether it was new. -1 on database error. */
int notify_tx(struct db *db, const struct notice *n, bool *added);

/* Notices n->user_id as notify_tx, but only while they are active and hold `perm`: nobody is
 * told (or mailed) of what they may no longer open. */
int notify_holder_tx(struct db *db, const char *perm, const struct notice *n);

/* Notices every active person who holds `perm` and also `also` (NULL: nothing more), except
 * `except_id`, as notify_tx. */
int notify_holders_tx(struct db *db, const char *perm, const char *also, int64_t except_id,
		      const struct notice *n);

#endif
