/*
 * takeouts.h — take-out requests (持ち出し申請) and the take-out ledger (持ち出し管理台帳).
 *
 * Anything that leaves the office — information assets from the register, personal
 * information register entries, devices, paper documents, or something described in words —
 * leaves on an approved request that says why (purpose), where to (destination), for which
 * period (leave and return dates), which protections were taken, and which colleague checks
 * the return (the checker, never the requester). A request moves
 *
 *	submitted → approved → out → checking → returned
 *	   ↓ ↑ (sent back and sent again)   ↑______| (a repeating take-out: approved again for
 *	rejected / withdrawn / cancelled              the next trip until its period ends)
 *
 * Rules a caller can rely on:
 * - the server decides which protections the items need and whether the privacy officer
 *   approves after the manager (takeout_assess); a request that misses one is refused, and
 *   POST /takeouts/requirements answers the same assessment without writing anything;
 * - approval goes through the workflow engine (approval.h) and must be complete by the leave
 *   date: a final approval after it is refused (takeout_may_approve);
 * - nothing is "out" before it is approved: the requester marks it left (within the period)
 *   or the job does at the leave date (one-off take-outs);
 * - on return the requester accounts for every item (back or missing), then a second person
 *   — the checker, the requester's manager or the privacy officer, never the requester —
 *   confirms; an item still out after its due-back date is overdue and shows on the
 *   requester's, the checker's and the manager's tasks;
 * - marking an item missing opens an incident (category loss, with the item's personal-data
 *   facts from the registers) in the same transaction, linked both ways;
 * - every change is one transaction with its audit event and a timeline entry.
 */
#ifndef MAMORI_TAKEOUTS_H
#define MAMORI_TAKEOUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "../modules.h"

extern const struct route_table takeouts_routes;
extern const struct permission takeouts_permissions[];
extern const struct task_source takeouts_tasks[];
extern const struct approval_kind takeouts_approvals[];
extern const struct workflow takeout_workflow;

/* Marks approved one-off take-outs left at their leave date and ends repeating ones whose
 * period is over. */
int takeouts_job(struct app *app, struct db *db);

/* --- the rules: pure functions, no database --------------------------------------------- */

/* What the rules need to know of one item. */
struct takeout_facts {
	bool electronic; /* data or a device (false: paper) */
	bool device;     /* a device itself rather than information (a PC, a USB memory) */
	bool has_pinfo;  /* holds personal information */
	bool sensitive;  /* holds sensitive personal information (要配慮個人情報) */
	bool highest;    /* classified at the most protected level (position 1, 機密) */
	bool lowest;     /* classified at the lowest level (公開) */
};

/* The protections a request states (bits of takeout_assessment.required / .missing). */
enum takeout_protection {
	TP_ENCRYPTED, /* 暗号化: every electronic item is encrypted */
	TP_PASSWORD,  /* パスワード設定: files and devices are password-protected */
	TP_COPY,      /* 複製: data leaves as a copy, the original stays */
	TP_MINIMUM,   /* 必要最小限: only the data the work needs */
	TP_BY_HAND, /* 手元から離さない: carried by hand, never left in a car or on a train */
	TP_COUNT
};

/* Why something is required (bits of takeout_assessment.why[] and .officer_why). */
#define TW_ALWAYS     1u  /* every take-out */
#define TW_HIGHEST    2u  /* an item of the most protected class */
#define TW_SENSITIVE  4u  /* an item with sensitive personal information */
#define TW_PINFO      8u  /* an item with personal information */
#define TW_CLASSIFIED 16u /* an item above the lowest class */

struct takeout_assessment {
	unsigned required;       /* 1u << TP_*: protections the items need */
	unsigned missing;        /* required but not stated */
	unsigned why[TP_COUNT];  /* TW_* for each required protection */
	bool officer;            /* the privacy officer approves after the manager */
	unsigned officer_why;    /* TW_HIGHEST / TW_SENSITIVE */
	unsigned item_needs[64]; /* per item (up to 64): 1u << TP_* it makes required */
};

/* Decides, from the items' facts and the protections stated (1u << TP_*), what is required
 * and what is missing:
 * - carried by hand, always;
 * - only the minimum data, when an item holds personal information;
 * - password protection (encryption also counts), for an electronic item that holds
 *   personal information or is classified above the lowest level;
 * - a copy, not the original, for electronic information (not a device) of that kind;
 * - encryption, for an electronic item of the most protected class or with sensitive
 *   personal information — which also needs the privacy officer's approval after the
 *   manager's, whatever the medium. */
void takeout_assess(const struct takeout_facts *items, size_t n, unsigned stated,
		    struct takeout_assessment *out);

/* The protection's API name ("encrypted", "password", "copy", "minimum", "by_hand"). */
const char *takeout_protection_name(enum takeout_protection p);

/* May a final approval be given on `today` for a take-out leaving on `leave_on`? Only up to
 * and including the leave date (both YYYY-MM-DD). */
bool takeout_may_approve(const char *leave_on, const char *today);

/* Checks a requested period on `today`: leave_on not in the past, return_on not before it,
 * at most a year long. Adds field errors ("leave_on" / "return_on") to `fe`; a date that is
 * NULL (not given yet, in a dry run) is not checked. */
void takeout_check_period(const char *leave_on, const char *return_on, const char *today,
			  struct ferrors *fe);

/* One item's state. */
enum takeout_item_state { TI_PENDING, TI_OUT, TI_BACK, TI_MISSING };
/* "pending", "out", "back", "missing" and back; -1 for an unknown name. */
const char *takeout_item_state_name(enum takeout_item_state s);
int takeout_item_state_of(const char *name);

/* Where a return stands, from the items' states. */
enum takeout_return {
	TR_NOT_LEFT,     /* some item has not left yet (or there are none) */
	TR_OUT,          /* some item is still out */
	TR_ALL_BACK,     /* every item is back */
	TR_WITH_MISSING, /* every item is accounted for, and some are missing */
};
enum takeout_return takeout_return_state(const enum takeout_item_state *items, size_t n);

/* Is an item overdue on `today`: still out after the date it was due back? */
bool takeout_item_overdue(enum takeout_item_state s, const char *back_on, const char *today);

#endif
