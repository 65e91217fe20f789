/*
 * access.h — accounts over their life: account requests (アカウント申請) approved by the
 * requester's manager and carried out by an administrator, periodic access reviews (権限棚卸)
 * as campaigns in which each manager confirms or revokes their people's roles and end dates,
 * and offboarding (退職・契約終了) — the manager's short list when someone leaves.
 *
 * Account requests move
 *
 *	draft → submitted → approved → done           (the administrator carries it out)
 *	           ↓ ↘ rejected / sent_back (→ submitted again) / withdrawn
 *
 * through the workflow engine; the approval is the engine's (the requester's manager; a
 * manager asking goes one step up). Carrying one out changes the account in the same
 * transaction as the request is marked done, and the account records which request made it.
 *
 * An access review item about a person is their manager's to answer: keep, or change (roles
 * to remove, a new end date). Revocations take effect when the review is closed; unanswered
 * items escalate to the manager's manager.
 */
#ifndef MAMORI_ACCESS_H
#define MAMORI_ACCESS_H

#include "../modules.h"

extern const struct route_table access_routes;
extern const struct permission access_permissions[];
extern const struct task_source access_tasks[];
extern const struct workflow account_request_workflow;
extern const struct workflow offboarding_workflow;
extern const struct approval_kind access_approvals[];
extern const struct campaign_kind access_campaigns[];
/* Open offboardings go to the leaving person's manager as wf_manager_of names them now (a
 * reporting line changed: the module's line_changed); audited "offboarding.reassign". */
int offboardings_follow(struct db *db, const struct actor *who);

/* Opens offboarding for people whose end date has passed or who were disabled, and keeps
 * their managers' lists current. */
int access_job(struct app *app, struct db *db);

/* Ticks item `item` ("account_disabled", "id_card", "devices_returned", "media_returned",
 * "exit_pledge") of the open offboarding of `user_id`, if there is one, inside the caller's
 * transaction: for the modules that know (devices, media, pledges). */
int offboarding_tick(struct db *db, const struct actor *who, int64_t user_id, const char *item);

/* --- inside the module -------------------------------------------------------------------- */

/* The account request as the API shows it to `by`, with its approval, timeline and moves;
 * NULL if there is none (or on a database error: check db_errkind). */
json_t *account_request_json(struct db *db, const struct wf_actor *by, int64_t id);
enum status account_request_create(struct db *db, const struct wf_actor *by, json_t *in,
				   int64_t *id, struct ferrors *fe);
enum status account_request_update(struct db *db, const struct wf_actor *by, int64_t id,
				   json_t *patch, struct ferrors *fe);
enum status account_request_move(struct app *app, struct db *db, const struct wf_actor *by,
				 int64_t id, json_t *in, struct ferrors *fe);
/* Carries out an approved request as `by` (users.write); for a new account the one-time
 * password is written to password_out. */
enum status account_request_carry_out(struct app *app, struct db *db, const struct wf_actor *by,
				      int64_t id, int64_t version, char password_out[15],
				      struct ferrors *fe);
/* May `by` see request `id` (the requester, an approver, or a holder of users.write or
 * account_requests.read)? */
int account_request_visible(struct db *db, const struct wf_actor *by, int64_t id, bool *visible);

json_t *offboarding_json(struct db *db, const struct wf_actor *by, int64_t id);
enum status offboarding_open(struct db *db, const struct actor *who, int64_t user_id,
			     const char *leaving_on, const char *reason, int64_t *id,
			     struct ferrors *fe);
enum status offboarding_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
			       struct ferrors *fe);
/* Moves the list to in["to"] (done: every item settled; open again: the office, with a
 * comment). */
enum status offboarding_move(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
			     struct ferrors *fe);

#endif
