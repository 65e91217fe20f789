/*
 * workflow.h — declared state machines: one engine for every record that moves through states
 * (incidents, corrective actions, account requests, take-outs, loans, policies...).
 *
 * A module declares its workflow as data next to its routes:
 *
 *	static const struct wf_transition moves[] = {
 *		{ "open", "in_progress", .who = WF_ASSIGNEE | WF_PERM, .perm = "actions.write" },
 *		{ "open in_progress", "cancelled", .who = WF_PERM, .perm = "actions.write",
 *		  .flags = WF_COMMENT_REQUIRED },
 *		...
 *		{ 0 }
 *	};
 *	const struct workflow action_workflow = { .type = "action", .table = "actions",
 *		.assignee_col = "owner_id", .transitions = moves, ... };
 *
 * and moves a record with wf_move() (or wf_move_tx() inside its own transaction). The engine,
 * in that one transaction: takes the record's lock, checks the version the caller saw (409),
 * finds the transition from the record's state to the wanted one (422 `invalid_transition`
 * listing the allowed ones), checks who may take it (403), runs the transition's guard (422
 * with field errors), changes the state with a conditional UPDATE — so of two concurrent moves
 * from one state exactly one wins, on SQLite and PostgreSQL alike — runs the module's own
 * writes, adds a timeline entry, and appends one audit event with before and after.
 *
 * The timeline (one table, `timeline_events`, for every workflow record) keeps who did what
 * when: state changes, comments and other entries a module adds with wf_event_add().
 *
 * Invariants: the table named by a workflow has columns id, status, version, updated_at;
 * states are lower-case identifiers; `from` lists states separated by single spaces.
 */
#ifndef MAMORI_WORKFLOW_H
#define MAMORI_WORKFLOW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../app.h"
#include "../audit/audit.h"
#include "../lib/errors.h"
#include "../store/store.h"

/* Who may take a transition: any one of the bits suffices. */
#define WF_PERM      0x01u /* holds the transition's permission */
#define WF_REQUESTER 0x02u /* the record's requester (workflow.requester_col) */
#define WF_MANAGER   0x04u /* the requester's manager (see wf_manager_of) */
#define WF_ASSIGNEE  0x08u /* the record's assignee or owner (workflow.assignee_col) */
#define WF_SYSTEM    0x10u /* a background job or the engine itself (never a person) */

/* Transition flags. */
#define WF_COMMENT_REQUIRED 0x01u /* a comment (reason) must be given */
#define WF_INTERNAL         0x02u /* its timeline entry is for those who manage the record */
#define WF_AUDIT_COMMENT    0x04u /* the comment may enter the audit trail (no personal data) */

struct wf_ctx;

struct wf_transition {
	const char *from; /* state(s) it starts from, space-separated */
	const char *to;
	unsigned who;     /* WF_PERM | WF_REQUESTER | ... */
	const char *perm; /* for WF_PERM */
	/* Who may NOT take it even when `who` allows: WF_REQUESTER / WF_ASSIGNEE (the second
	 * person rule). Refused with a field error (self_field, self_code), not 403, because
	 * the caller may take other transitions. */
	unsigned not_by;
	const char *self_field, *self_code, *self_message;
	/* A group name: a route takes only the transitions of its group (e.g. an action's
	 * "status" route does not take its "effectiveness" ones). NULL: the default group. */
	const char *group;
	unsigned flags;
	const char *comment_message; /* what to say when the required comment is missing */
	const char *timeline_kind;   /* the timeline entry's kind; NULL: "status" */
	/* Offered at all for this record? (e.g. "near-misses only"); NULL: always. */
	bool (*when)(const struct wf_ctx *c);
	/* Checks the input (c->in) against the record (c->before); adds field errors to c->fe.
	 * Returns -1 only on database error. NULL: none. */
	int (*guard)(struct wf_ctx *c);
	/* The module's own writes besides the state (closed_at, result...). -1 on error. */
	int (*apply)(struct wf_ctx *c);
	const char *event; /* audit action; NULL: workflow.event */
};

struct workflow {
	const char *type;          /* record type: audit object_type and timeline record_type */
	const char *table;         /* its table */
	const char *requester_col; /* column holding the requester's user id, or NULL */
	const char *assignee_col;  /* column holding the assignee's/owner's user id, or NULL */
	const struct wf_transition *transitions; /* { 0 }-terminated */
	const char *event;          /* default audit action, e.g. "incident.transition" */
	const char *forbidden_code; /* code of the 403 answer, e.g. "not_owner" */
	const char *forbidden_detail;
	/* The record as the audit trail keeps it (no personal details), for before/after;
	 * NULL: {"status": state}. */
	json_t *(*snapshot)(struct db *db, int64_t id);
	/* Turns a comment into what the timeline stores (e.g. sealed); NULL: stored as given.
	 * Returns an allocated string or NULL. */
	char *(*seal)(struct app *app, int64_t id, const char *text);
};

/* Who is acting, as the engine sees them. */
struct wf_actor {
	const struct actor *actor; /* for audit events (id 0: the system) */
	const char *const *perms;  /* NULL-terminated, sorted; NULL: none */
	bool system;               /* a job: may take WF_SYSTEM transitions */
};

/* One move, as the module's callbacks see it. */
struct wf_ctx {
	struct app *app; /* may be NULL (CLI without a key) */
	struct db *db;
	const struct workflow *wf;
	const struct wf_transition *t; /* the transition being taken */
	const struct wf_actor *by;
	int64_t id;
	const char *from;     /* the record's state before */
	int64_t requester_id; /* 0: none */
	int64_t assignee_id;  /* 0: none */
	json_t *in;           /* the caller's input (comment and the module's fields); borrowed */
	const char *comment;  /* the comment or reason, or NULL */
	json_t *data;         /* extra timeline data the module may set (owned by the engine) */
	struct ferrors *fe;
	void *arg; /* the module's own */
	char from_buf[33];
};

/* What a caller asks for. */
struct wf_request {
	const char *to;            /* the state wanted */
	int64_t version;           /* the version the caller saw; 0: do not check */
	const char *group;         /* transitions of this group only (NULL: the default group) */
	const char *comment;       /* may be NULL */
	json_t *in;                /* borrowed, may be NULL */
	const char *field;         /* the field an invalid move is reported on ("to") */
	const char *comment_field; /* the API's name of the comment ("comment") */
	const char *invalid_code;  /* its code (default "invalid_transition") */
	void *arg;
};

/* Moves record `id` of `wf` as `r` asks, inside the caller's open transaction. On ST_OK the
 * state has changed and the timeline entry and audit event are written; otherwise nothing
 * was written by the engine (the caller rolls back). */
enum status wf_move_tx(struct app *app, struct db *db, const struct workflow *wf,
		       const struct wf_actor *by, int64_t id, const struct wf_request *r,
		       struct ferrors *fe);
/* The same in a transaction of its own. */
enum status wf_move(struct app *app, struct db *db, const struct workflow *wf,
		    const struct wf_actor *by, int64_t id, const struct wf_request *r,
		    struct ferrors *fe);

/* The transitions `by` may take now from record `id`'s state, as a JSON array of
 * {"to", "group", "comment_required"} (a guard may still refuse the input); NULL on database
 * error or when there is no such record. */
json_t *wf_allowed(struct db *db, const struct workflow *wf, const struct wf_actor *by, int64_t id);
/* The same as a plain array of target states (the group's only; NULL group: default). */
json_t *wf_allowed_states(struct db *db, const struct workflow *wf, const struct wf_actor *by,
			  int64_t id, const char *group);

/* True if `perms` (NULL-terminated) holds `perm`. */
bool wf_has_perm(const char *const *perms, const char *perm);

/* The manager of user `user_id`: their own manager, else their department's manager (or its
 * deputy) when that is not themselves; 0 when there is none. -1 on database error. */
int wf_manager_of(struct db *db, int64_t user_id, int64_t *manager_id);

/* --- the timeline ------------------------------------------------------------------------- */

/* Adds a timeline entry for record (type, id) in the caller's transaction. `kind` is the
 * entry's kind ("status", "comment", "created", "updated"...), `body` what the timeline
 * stores (already sealed by the module if it must be), `data` extra JSON (borrowed, may be
 * NULL). */
int wf_event_add(struct db *db, const char *type, int64_t id, const struct actor *who,
		 const char *kind, const char *from, const char *to, bool internal,
		 const char *body, json_t *data);

/* The timeline of (type, id), oldest first: an array of {"at", "actor" ({id, name} or null),
 * "kind", "from_status", "to_status", "internal", "body", "data"}. Internal entries only when
 * `internal` is true. `each` (may be NULL) may rewrite an entry (unseal the body, hide an
 * actor) with `arg`. NULL on database error. */
json_t *wf_timeline(struct db *db, const char *type, int64_t id, bool internal,
		    void (*each)(json_t *entry, int64_t actor_id, void *arg), void *arg);

#endif
