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
 * Personal-data impact decides the reports outside (deadlines.c, docs/incidents.md cites the
 * rules): to the Personal Information Protection Commission (個人情報保護委員会, PPC) under the
 * APPI (施行規則第7条・第8条) and, when My Numbers are involved, under the My Number Act (番号法
 * 第29条の4 and the PPC's rule for it); the notice to the people affected; and, for an
 * organisation holding the Privacy Mark, the report to its review body (審査機関). Days count
 * from the day anyone in the organisation learned of the incident (知った日, the discovery date
 * in the organisation's time zone) taken as day 1, so no date shown is later than the law's.
 *
 * At rest, the reporter's description, the personal details of the people affected (names,
 * contacts), the notice letter, comments and the copies of the reports as sent are sealed with
 * the master key (crypto_seal, context "incidents.<column>:<id>"); audit summaries never carry
 * them. Reading an incident is an
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

/* --- The reporting decision and the deadlines: pure functions, no database -------------- */

/* What an incident's personal-data impact is, as far as the reporting rules care. */
struct ppc_facts {
	bool incident;     /* false for a near-miss or a dismissed report: nothing goes outside */
	bool pd_involved;  /* personal information involved, or possibly involved */
	bool sensitive;    /* 要配慮個人情報 involved */
	bool financial;    /* risk of financial damage (財産的被害), e.g. card numbers */
	bool unauthorised; /* possibly for an unauthorised purpose (不正の目的): unauthorised
			      access, insider take-out — including data about to be acquired */
	int64_t people;    /* number of people affected; -1 when not known yet */
	bool encrypted;    /* protected by strong encryption (高度な暗号化) */
	/* My Number (特定個人情報): the facts of the PPC's rule for 番号法第29条の4, 第2条. */
	bool mynumber;   /* My Numbers (specific personal information) are involved */
	bool mn_network; /* from the information-provision network systems (第1号) */
	bool mn_misuse;  /* used or provided for an unauthorised purpose (第2号ロ・ハ) */
	bool mn_public;  /* viewable by an unspecified number of people online (第3号) */
	bool mn_unlawful; /* used or provided against the Act (第9条・第19条; 第4号ロ・ハ) */
	int64_t mn_people;        /* people whose My Numbers are involved; -1: count `people` */
	bool contractor_notified; /* handled as a contractor (委託先) and the client was told:
				     the PPC report falls to the client (法第26条第1項ただし書) */
	bool holds_pmark;         /* the organisation holds the Privacy Mark */
	int review_body_days;     /* the organisation's own target for the review body, 1..30 */
};

/* Reasons (bits of report_clock.reasons / .exempted). */
#define PPC_SENSITIVE     (1u << 0)  /* 施行規則第7条第1号 */
#define PPC_FINANCIAL     (1u << 1)  /* 第2号 */
#define PPC_UNAUTHORISED  (1u << 2)  /* 第3号 */
#define PPC_OVER_1000     (1u << 3)  /* 第4号 */
#define PPC_COUNT_UNKNOWN (1u << 4)  /* number of people unknown: may exceed 1,000 */
#define MN_NETWORK        (1u << 5)  /* 特定個人情報報告規則第2条第1号 */
#define MN_UNAUTHORISED   (1u << 6)  /* 第2号イ: leak for an unauthorised purpose */
#define MN_MISUSE         (1u << 7)  /* 第2号ロ・ハ */
#define MN_PUBLIC         (1u << 8)  /* 第3号 */
#define MN_OVER_100       (1u << 9)  /* 第4号 */
#define MN_COUNT_UNKNOWN  (1u << 10) /* number of people unknown: may exceed 100 */
#define RB_PERSONAL_INFO  (1u << 11) /* review body: personal information involved */

/* Where one reporting duty stands, ordered from nothing to do to a running clock. */
enum clock_state {
	CLOCK_NONE,         /* does not apply (no personal data, a near-miss, no Privacy Mark) */
	CLOCK_NOT_REQUIRED, /* applies, but no trigger is met */
	CLOCK_EXEMPT,       /* triggers met, but strong encryption exempts every one */
	CLOCK_CONTRACTOR,   /* the client was told; the report is the client's */
	CLOCK_UNDETERMINED, /* not settled yet (おそれ): the clock is running */
	CLOCK_REQUIRED,
};

/* One reporting duty: to the PPC under one law, or to the review body. Dates are YYYY-MM-DD,
 * "" when the clock does not run. */
struct report_clock {
	enum clock_state state;
	unsigned reasons;            /* the triggers met (also when exempt or for the client) */
	unsigned exempted;           /* the triggers strong encryption exempts */
	bool preliminary;            /* a preliminary report (速報) is due */
	char preliminary_target[11]; /* day 3 (the organisation's target) */
	char preliminary_limit[11];  /* day 5 (the end of "about 3 to 5 days") */
	char final_due[11];          /* 確報: day 30, or day 60 (unauthorised purpose) */
	int final_days;              /* 30 or 60; 0 when the clock does not run */
	char final_target[11];       /* the organisation's own earlier target, or "" */
};

struct ppc_decision {
	char discovered_on[11];
	struct report_clock appi;        /* PPC, under the APPI */
	struct report_clock mynumber;    /* PPC, under the My Number Act */
	struct report_clock ppc;         /* both together: the earliest dates */
	struct report_clock review_body; /* Privacy Mark review body */
	bool notify_subjects;            /* notice to the people affected, promptly */
	char subjects_overdue_after[11]; /* shown overdue after the final PPC report's date */
};

/* True when the clock runs (required or undetermined). */
bool report_clock_running(const struct report_clock *c);

/* Decides from `f` and the discovery date (YYYY-MM-DD, already in the organisation's zone).
 * Returns 0, or -1 when the date is not a real date (then *out is all none/empty). */
int incident_report_deadlines(const struct ppc_facts *f, const char *discovered_on,
			      struct ppc_decision *out);

/* The calendar date of instant `t` at UTC offset `utc_offset_s` (seconds east of UTC), as
 * YYYY-MM-DD. The caller takes the offset of the organisation's zone at `t`. */
void incident_local_date(int64_t t, int32_t utc_offset_s, char out[11]);

/* Where a pending deadline stands on `today`: missed after the due date, soon from
 * `warn_days` before it, else open. */
enum deadline_flag { DL_OPEN, DL_SOON, DL_MISSED };
enum deadline_flag incident_deadline_flag(const char *due, const char *today, int warn_days);

/* What waits for officers (incidents_tasks.c): report deadlines near or missed, triage. */
extern const struct task_source incidents_tasks[];
/* What kind of day a deadline falls on, for the people reading it: the weekday (0 Sunday ..
 * 6 Saturday, -1 if not a date), and why it is not a working day (jpcal.h) with the holiday's
 * names when it is one. */
struct deadline_day {
	int weekday;
	int off; /* enum dayoff */
	const char *holiday_ja, *holiday_en;
};
struct workcal;
void incident_deadline_day(const char *date, const struct workcal *c, struct deadline_day *out);

/* The organisation's working calendar for deadlines. The year-end closure is read as on until
 * the shared organisation setting exists (one place to point at it). */
const struct workcal *incident_workcal(void);

#endif
