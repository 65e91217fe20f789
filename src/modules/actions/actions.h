/*
 * actions.h — corrective and preventive actions (是正処置・予防処置, CAPA): the one list that
 * incidents, internal-audit findings, checklist answers and management reviews feed.
 *
 * An action names where it came from (source_type and source_id: "incident" 12, later
 * "finding" 3, "checklist_answer" 40, "review" 2, or "other" with no id), the cause, what
 * will be done, an owner and a due date. It moves
 *
 *	open → in_progress → done → closed          (closed: the effectiveness check found it
 *	  ↑________________________|                  effective; not effective → open again)
 *	open / in_progress → cancelled → open
 *
 * Invariants a caller can rely on:
 * - every change is one transaction with its audit event and a history entry;
 * - the owner is an active user; the due date is a real date;
 * - the effectiveness check (有効性の確認) is recorded by someone other than the owner, with
 *   who, when and the result, and only on an action that is done;
 * - an action is overdue when it is open or in progress and its due date is before today in
 *   the organisation's time zone.
 *
 * Other modules open actions through action_open_tx() inside their own transaction (so the
 * action exists exactly when their change does) and show them with actions_of_source().
 */
#ifndef MAMORI_ACTIONS_H
#define MAMORI_ACTIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../audit/audit.h"
#include "../../http/http.h"
#include "../../workflow/tasks.h"
#include "../modules.h"
#include "../../workflow/workflow.h"
#include "../../lib/errors.h"

extern const struct route_table actions_routes;
extern const struct permission actions_permissions[];
/* The body of a new action (kind, title, cause, plan, owner_id, due_on, effectiveness_due),
 * for routes of other modules that open one. */
extern const struct field action_new_schema[];

/* What a new action is. Strings are borrowed; NULL means "not given". */
struct action_new {
	const char *source_type;  /* [a-z_]{1,32}: "incident", "finding", "checklist_answer",
				     "review", "other" */
	int64_t source_id;        /* the source record's id; 0 for "other" */
	const char *source_title; /* a short label of the source, kept as it was (may be NULL) */
	const char *kind;         /* "corrective" (default) or "preventive" */
	const char *title;        /* required, at most 200 characters */
	const char *cause;        /* 原因 */
	const char *plan;         /* what will be done */
	int64_t owner_id;         /* required: an active user */
	const char *due_on;       /* required: YYYY-MM-DD */
	const char *effectiveness_due; /* when effectiveness is to be checked, or NULL */
};

/* Opens an action inside the caller's open transaction and appends its audit event
 * ("action.create") and first history entry. Field errors (title, owner_id, due_on, kind,
 * source_type) go to `fe` with ST_INVALID and nothing is written; the caller then rolls
 * back its own transaction. On ST_OK *id is the new action's id. */
enum status action_open_tx(struct db *db, const struct actor *who, const struct action_new *a,
			   int64_t *id, struct ferrors *fe);
/* The same in a transaction of its own. */
enum status action_open(struct db *db, const struct actor *who, const struct action_new *a,
			int64_t *id, struct ferrors *fe);

/* The actions opened from one source, oldest first, as an array of the API's action objects
 * (without history); NULL on database error. */
json_t *actions_of_source(struct db *db, const char *source_type, int64_t source_id);

/* One action as the API shows it, with its history; NULL if there is none (or on error:
 * check db_errkind). */
json_t *action_json(struct db *db, int64_t id);

/* Updates from the API. `in` has been checked against the route schemas in actions_api.c. */
enum status action_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe);
/* The actions' workflow (src/workflow/workflow.h): its owner or the security office
 * (actions.write) moves an action on; only the office cancels and restores; the effectiveness
 * check is the office's, never the owner's. */
extern const struct workflow action_workflow;

/* Moves an action to `to` ("in_progress", "done", "open", "cancelled") as `by`; a note is
 * required for done (what was done) and cancelled (why). */
enum status action_set_status(struct db *db, const struct wf_actor *by, int64_t id, int64_t version,
			      const char *to, const char *note, struct ferrors *fe);
/* Records the effectiveness check: result "effective" closes the action, "not_effective"
 * opens it again with the new due date in in["due_on"] (required, not in the past). */
enum status action_check(struct db *db, const struct wf_actor *by, int64_t id, int64_t version,
			 const char *result, const char *note, json_t *in, struct ferrors *fe);

/* What waits in actions (actions_tasks.c): the open actions a person owns. */
extern const struct task_source actions_tasks[];

#endif
