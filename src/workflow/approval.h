/*
 * approval.h — approvals (承認): a request waits for the people its chain names, one step at
 * a time, and its module hears the outcome in the same transaction.
 *
 * A module that asks for approval (account requests, take-outs, loans, media, policies)
 * declares a `struct approval_kind` and opens an approval when its record is submitted, with
 * a chain of steps:
 *
 *	static const struct approval_step_spec chain[] = {
 *		{ APPROVER_MANAGER },                             // the requester's manager
 *		{ APPROVER_PERMISSION, "pinfo.manage" },          // then a privacy officer
 *	};
 *	approval_open_tx(db, &who, &kind, record_id, requester_id, title, chain, 2, NULL, &id, fe);
 *
 * Rules the engine keeps:
 * - nobody approves their own request: the requester can never decide a step, and a manager
 *   who is the requester goes one step up (their own manager, or the department's manager or
 *   deputy); when nobody can be found, the step goes to whoever holds approvals.manage;
 * - a step's approver may be stood in for by their delegate (delegations, from–to dates) and
 *   by the deputy (代理) of a department they manage;
 * - a permission step is decided by anyone holding the permission except the requester;
 * - approve moves to the next step or ends the approval as approved; reject and send back
 *   (差し戻し) need a comment and end it; the requester may withdraw while it is pending;
 * - a step waiting longer than N working days (setting) is escalated to the approver's
 *   manager by approvals_escalate(), audited;
 * - every decision checks the approval's version (409), is one transaction with its audit
 *   event ("approval.decide") and a timeline entry on the record, and of two concurrent
 *   decisions exactly one wins;
 * - an approval's title is shown in the app, never mailed: modules build it from the record
 *   (a newcomer's name, a take-out's items and destination), so notices and reminders mail
 *   only the kind (label_ja / label_en, else 「承認」) and the link.
 */
#ifndef MAMORI_APPROVAL_H
#define MAMORI_APPROVAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "workflow.h"
#include "../lib/jpcal.h"

enum approver_kind {
	APPROVER_MANAGER = 1, /* the requester's manager */
	APPROVER_PERMISSION,  /* anyone holding .permission, not the requester */
	APPROVER_USER,        /* a named person (.user_id) */
};

struct approval_step_spec {
	enum approver_kind kind;
	const char *permission; /* APPROVER_PERMISSION */
	int64_t user_id;        /* APPROVER_USER */
};

/* What a module declares for each kind of record it asks approval for. */
struct approval_kind {
	const char *record_type;         /* "account_request": the workflow record type */
	const char *label_ja, *label_en; /* what it is, for notices: 「アカウント申請」 */
	const char *link; /* the record's web path before its id: "/account-requests/" */
	/* Hears the end of an approval inside the decision's transaction: outcome is "approved",
	 * "rejected", "sent_back" or "withdrawn"; usually moves the record with wf_move_tx().
	 * Field errors it adds refuse the decision. */
	enum status (*decided)(struct app *app, struct db *db, const struct actor *who,
			       int64_t record_id, const char *outcome, const char *comment,
			       struct ferrors *fe);
};

/* Opens an approval of record (k->record_type, record_id) for `requester_id` inside the
 * caller's transaction: resolves the first step's approver, writes the audit event
 * ("approval.open") and a timeline entry. `title` is what the approver's inbox shows (no
 * personal details beyond what an approver may see); `due_on` (YYYY-MM-DD or NULL) when the
 * request must be decided by (e.g. the leave date). */
enum status approval_open_tx(struct db *db, const struct actor *who, const struct approval_kind *k,
			     int64_t record_id, int64_t requester_id, const char *title,
			     const struct approval_step_spec *steps, size_t n, const char *due_on,
			     int64_t *id, struct ferrors *fe);

/* A decision on approval `id`: "approve", "reject", "send_back" (approvers) or "withdraw"
 * (the requester). `kind_of` finds the approval kind of a record type (the module list). */
enum status approval_decide(struct app *app, struct db *db, const struct wf_actor *by, int64_t id,
			    const char *decision, const char *comment, int64_t version,
			    const struct approval_kind *(*kind_of)(const char *record_type),
			    struct ferrors *fe);

/* Notices (notice kind `kind`: approval_needed, approval_escalated) whoever approval `id`'s
 * current step waits for, inside the caller's transaction; `k` words it (may be NULL). */
int approval_notice(struct db *db, int64_t id, const struct approval_kind *k, const char *kind);

/* May `user_id` (holding `perms`) decide the current step of approval `id` now? */
int approval_may_decide(struct db *db, int64_t id, int64_t user_id, const char *const *perms,
			bool *may);

/* The newest approval of a record as the API shows it, with its steps, who must act next
 * and what `viewer` may do; JSON null when the record has none; NULL on database error. */
json_t *approval_of_record(struct db *db, const char *record_type, int64_t record_id,
			   int64_t viewer_id, const char *const *perms);
/* One approval by id (same shape plus record_type, record_id, title); NULL if none/error. */
json_t *approval_json(struct db *db, int64_t id, int64_t viewer_id, const char *const *perms);

/* Appends to `q` the condition (on approvals `a` joined with its current step `s`) that holds
 * when `user_id` may decide the step on `today`: pending, not their own request, and they are
 * its approver, the approver's delegate or deputy, or hold its permission. */
struct query;
void approval_waiting_where(struct query *q, int64_t user_id, const char *today);
/* Appends "EXISTS (…)": a pending approval of the record (`record_type`, the id in column
 * `record_col`, an SQL column name written by the caller, never input) waits for `user_id` on
 * `today` — so that whoever may decide a request (a delegate, a deputy, an escalation's
 * manager) may also open it, whatever the module's own scope. Like every bound value,
 * `record_type` and `today` must outlive the query. */
void approval_decider_exists(struct query *q, const char *record_type, const char *record_col,
			     int64_t user_id, const char *today);

/* Escalates every pending step that has waited `days` working days or more (by `cal`) to
 * its approver's manager; one transaction and audit event per step. Returns how many were
 * escalated, or -1. */
int approvals_escalate(struct db *db, int days, const struct workcal *cal);

/* Pending steps that wait for the requester's manager follow the reporting line: after a
 * change to anyone's manager, department or status, or to a department's manager or deputy,
 * each such step (neither escalated nor handed over by hand) goes to whom it would go to if it
 * were opened now, or to approvals.manage when nobody is left. Called in the transaction of
 * the change, by `who`; each moved step has its timeline entry, notice and audit event
 * ("approval.reassign", reason "reporting_line"). Returns how many moved, or -1. */
int approvals_follow_managers(struct db *db, const struct actor *who);

#endif
