/*
 * incidents.h — incidents and near-misses (事件・事故・ヒヤリハット): reporting, handling,
 * the legal reports they call for, and the corrective actions they open.
 *
 * Anyone signed in reports (incidents.report); the reporter always sees their own reports.
 * Officers (incidents.manage) triage and handle; incidents.read sees every report. A report
 * moves
 *
 *	reported → triage → containment → investigation → action → closed
 *	reported / triage → rejected | duplicate (with a reason) → triage (reopened)
 *	closed → investigation (reopened)
 *
 * and a near-miss may be closed straight from reported, triage or investigation. Closing
 * needs incidents.manage and every required report recorded as submitted (or as not needed,
 * with a reason). Every change is one transaction with its audit event and a timeline entry.
 *
 * Personal-data impact decides the report to the Personal Information Protection Commission
 * (個人情報保護委員会, PPC): it is mandatory when sensitive data, a risk of financial damage or
 * a possibly unauthorised purpose is involved (whatever the number of people), or more than
 * 1,000 people are affected — unless the data was protected by strong encryption. The
 * preliminary report (速報) is due promptly: day 3 after discovery as our target, day 5 as the
 * limit; the final report (確報) on day 30, or day 60 for an unauthorised purpose. Days count
 * from the discovery date in the organisation's time zone. An organisation that holds the
 * Privacy Mark also reports every incident to its review body (審査機関).
 *
 * At rest, the reporter's description, the personal details of the people affected (names,
 * contacts) and comments are sealed with the master key (crypto_seal, context
 * "incidents.<column>:<id>"); audit summaries never carry them. Reading an incident is an
 * audit event. A near-miss may be reported anonymously: the reporter's name is then shown to
 * incidents.manage only (the audit trail, readable with audit.read, still records who).
 */
#ifndef MAMORI_INCIDENTS_H
#define MAMORI_INCIDENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "../../http/http.h"
#include "../../workflow/tasks.h"
#include "../modules.h"

extern const struct route_table incidents_routes;
extern const struct permission incidents_permissions[];

/* Opens an incident for another module inside the caller's open transaction (a take-out's
 * missing item): `in` holds the report's fields as POST /incidents takes them (kind,
 * category, title, description, location, pd_involved, pd_count) and also the impact facts
 * pd_items (text), pd_sensitive, pd_financial and pd_encrypted (bools). The reporter is
 * who->id; the organisation's time zone must be current (settings_get). Field errors leave
 * nothing written by this call (the caller rolls back); on ST_OK *id is the incident. */
enum status incident_open_tx(struct app *app, struct db *db, const struct actor *who, json_t *in,
			     int64_t *id, struct ferrors *fe);

/* --- The PPC decision and the deadlines: pure functions, no database ------------------- */

/* What an incident's personal-data impact is, as far as the reporting rules care. */
struct ppc_facts {
	bool incident;     /* false for a near-miss: nothing to report outside */
	bool sensitive;    /* 要配慮個人情報 involved */
	bool financial;    /* risk of financial damage (財産的被害), e.g. card numbers */
	bool unauthorised; /* possibly for an unauthorised purpose (不正の目的): unauthorised
			      access, insider take-out — including data about to be acquired */
	int64_t people;    /* number of people affected; -1 when not known yet */
	bool encrypted;    /* protected by strong encryption (高度な暗号化) */
	bool holds_pmark;  /* the organisation holds the Privacy Mark */
	int review_body_days; /* days after discovery for the review-body report (1..30) */
};

/* Triggers of a mandatory PPC report (bits of ppc_decision.reasons). */
#define PPC_SENSITIVE    1u
#define PPC_FINANCIAL    2u
#define PPC_UNAUTHORISED 4u
#define PPC_OVER_1000    8u

struct ppc_decision {
	bool mandatory;        /* a report to the PPC is required */
	unsigned reasons;      /* the triggers met (also when encryption exempts) */
	bool exempt_encrypted; /* triggers met, but strong encryption exempts */
	char discovered_on[11];
	/* YYYY-MM-DD, or "" when not required. */
	char preliminary_target[11]; /* 速報: discovery + 3 */
	char preliminary_limit[11];  /* 速報: discovery + 5 */
	char final_due[11];          /* 確報: discovery + 30, or + 60 (unauthorised purpose) */
	int final_days;              /* 30 or 60; 0 when not required */
	bool review_body;            /* a review-body report is required (Privacy Mark) */
	char review_body_due[11];    /* discovery + review_body_days, or "" */
};

/* Decides from `f` and the discovery date (YYYY-MM-DD, already in the organisation's zone).
 * Returns 0, or -1 when the date is not a real date (then *out is all false/empty). */
int incident_report_deadlines(const struct ppc_facts *f, const char *discovered_on,
			      struct ppc_decision *out);

/* The calendar date of instant `t` at UTC offset `utc_offset_s` (seconds east of UTC), as
 * YYYY-MM-DD. The caller takes the offset of the organisation's zone at `t`. */
void incident_local_date(int64_t t, int32_t utc_offset_s, char out[11]);

/* `date` + `days` (may be negative) as YYYY-MM-DD; -1 if `date` is not a real date. */
int incident_date_add(const char *date, int days, char out[11]);

/* Where a pending deadline stands on `today`: missed after the due date, soon from
 * `warn_days` before it, else open. */
enum deadline_flag { DL_OPEN, DL_SOON, DL_MISSED };
enum deadline_flag incident_deadline_flag(const char *due, const char *today, int warn_days);

/* What waits for officers (incidents_tasks.c): report deadlines near or missed, triage. */
extern const struct task_source incidents_tasks[];

#endif
