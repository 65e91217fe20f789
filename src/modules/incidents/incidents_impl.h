/*
 * incidents_impl.h — the incident domain functions incidents_api.c calls (not for other
 * modules: they use incidents.h).
 *
 * Functions take already schema-checked JSON (the route schemas in incidents_api.c) and check
 * the rules that need the database. Each change is one transaction with its audit event and
 * timeline entry. The organisation's time zone must be current (settings_get) before a call
 * that reads or writes a discovery date.
 */
#ifndef MAMORI_INCIDENTS_IMPL_H
#define MAMORI_INCIDENTS_IMPL_H

#include <jansson.h>

#include "incidents.h"
#include "../../app.h"
#include "../../audit/audit.h"
#include "../../lib/errors.h"
#include "../../workflow/workflow.h"

/* Who is looking: decides what an incident shows (reporter names, personal details, the
 * handling side). */
struct viewer {
	int64_t user_id;
	bool can_read;   /* incidents.read: every report, the handling side */
	bool can_manage; /* incidents.manage: also personal details */
	/* The reporter of an anonymous near-miss: incidents.manage without users.write (those who
	 * administer accounts never learn it; see audit_api.c). */
	bool sees_anonymous;
};

struct incident_settings {
	bool holds_pmark;
	char review_body[201];
	int review_body_days;  /* the organisation's own target for the review body, 1..30 */
	char pmark_number[51]; /* Privacy Mark registration number (登録番号) */
	int64_t version;
	int64_t updated_at;
};

int incident_settings_get(struct db *db, struct incident_settings *out);
json_t *incident_settings_json(const struct incident_settings *s);
enum status incident_settings_update(struct db *db, const struct actor *who, json_t *patch,
				     struct ferrors *fe);

/* A new report from `in`; the reporter is who->id. */
enum status incident_create(struct app *app, struct db *db, const struct actor *who, json_t *in,
			    int64_t *id, struct ferrors *fe);
/* The incident as `v` may see it, with its timeline; NULL with *st = ST_NOT_FOUND when it
 * does not exist or `v` may not see it (ST_DB on error). */
/* Appends the audit event `action` about the incident `raw` (its stored row) in the caller's
 * transaction; the anonymous reporter's own actions are recorded with the actor sealed. */
int incident_audit(struct app *app, struct db *db, const struct actor *who, json_t *raw,
		   const char *action, json_t *sum);
json_t *incident_json(struct app *app, struct db *db, int64_t id, const struct viewer *v,
		      enum status *st);
/* Officers' edit (with "version"). */
enum status incident_update(struct app *app, struct db *db, const struct actor *who, int64_t id,
			    json_t *patch, struct ferrors *fe);
/* The incidents' workflow: incidents.manage moves a report through its states. */
extern const struct workflow incident_workflow;
/* Moves the incident to in["to"] (with "version", "reason", "duplicate_of") as `by`. */
enum status incident_transition(struct app *app, struct db *db, const struct wf_actor *by,
				int64_t id, json_t *in, struct ferrors *fe);
/* A comment: by the reporter on their own report, or by incidents.manage (may be internal). */
enum status incident_comment(struct app *app, struct db *db, const struct actor *who,
			     const struct viewer *v, int64_t id, json_t *in, struct ferrors *fe);
/* Records one report outside (in["kind"], "state", "done_on", "note"). A report made after
 * its limit is kept marked late; marking a report to the PPC or the review body done freezes
 * a copy of its document as sent (report_doc.h, written for `org`). */
struct doc_org;
enum status incident_record_report(struct app *app, struct db *db, const struct actor *who,
				   const struct doc_org *org, int64_t id, json_t *in,
				   struct ferrors *fe);
/* The frozen copy `copy_id` of incident `id`'s reports: the document as it was sent. NULL
 * with *st = ST_NOT_FOUND when there is no such copy (ST_DB on error). */
json_t *incident_copy(struct app *app, struct db *db, int64_t id, int64_t copy_id, enum status *st);
/* Opens a corrective action from the incident (actions.h) and notes it on the timeline. */
enum status incident_open_action(struct db *db, const struct actor *who, int64_t id, json_t *in,
				 int64_t *action_id, struct ferrors *fe);

/* Lists: the rows of `sql` (incident_select + conditions) as list items for `v`. */
extern const char incident_select[];
json_t *incident_list_item(struct dbrows *r, const struct viewer *v);
/* Open incidents' pending reports and deadlines, and new reports awaiting triage. */
json_t *incident_dashboard(struct db *db);
/* Counts per month (the last `months`) per kind and category. */
json_t *incident_trends(struct db *db, int months);
/* Who sees a new report: the officers, and the reporter's manager. */
json_t *incident_contacts(struct db *db, int64_t user_id);

#endif
