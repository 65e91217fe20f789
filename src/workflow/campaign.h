/*
 * campaign.h — campaigns: a duty that a population does by a date, once, monthly or yearly
 * (access reviews, checklists, pledges). Training assignments share the population.
 *
 * A campaign has a kind (declared by the module that owns it), a title, a reference to what
 * is to be done (a checklist template, a policy version; 0 when none), a population, the first
 * cycle's start and due date and a recurrence. Each cycle gives one item per subject: the
 * person who must act is the subject themselves, or whom the kind names (an access review
 * item about a person is the person's manager's to answer). People who join the population
 * while the campaign runs get their item at the next sync (campaign_sync, run by the job and
 * after changes). An item is answered once; unanswered items past their due date are escalated
 * to the acting person's manager after the escalation setting's working days.
 *
 * Every change is one transaction with its audit event ("campaign.create", "campaign.answer",
 * "campaign.close", "campaign.escalate").
 */
#ifndef MAMORI_CAMPAIGN_H
#define MAMORI_CAMPAIGN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "workflow.h"
#include "population.h"
#include "../lib/jpcal.h"

struct campaign_item {
	int64_t id, campaign_id, user_id, subject_id, ref_id, version;
	char cycle_start[11], due_on[11], status[16];
	json_t *answer; /* borrowed: the stored answer, or NULL */
};

/* What a module declares for each kind of campaign it runs. */
struct campaign_kind {
	const char *kind;        /* "access_review" */
	const char *link;        /* web path of the campaign before its id: "/access-reviews/" */
	const char *manage_perm; /* permission to start and close this kind */
	bool escalate;           /* unanswered items past due move to the acting person's manager */
	/* Who acts on the item about `subject_id` in campaign `campaign_id`; NULL: the subject.
	 * Sets 0 to skip them. */
	int (*actor_of)(struct db *db, int64_t campaign_id, int64_t subject_id, int64_t *user_id);
	/* Checks and stores an answer (in the transaction); `item` is the item before. Field
	 * errors refuse it. NULL: the answer is stored as given. */
	enum status (*answer)(struct db *db, const struct actor *who,
			      const struct campaign_item *item, json_t *in, struct ferrors *fe);
	/* Called in the transaction that closes the campaign (e.g. revocations take effect). */
	enum status (*closed)(struct db *db, const struct actor *who, int64_t campaign_id,
			      struct ferrors *fe);
};

/* What a new campaign is; strings borrowed. */
struct campaign_new {
	const char *title;
	int64_t ref_id;
	const char *starts_on, *due_on; /* YYYY-MM-DD, due ≥ start */
	const char *recurrence;         /* "once", "monthly", "yearly" */
	json_t *targets;                /* written targets (population.h) */
};

/* Starts a campaign of kind `k` in one transaction with its audit event, and gives the
 * population their items when it has started. */
enum status campaign_create(struct db *db, const struct actor *who, const struct campaign_kind *k,
			    const struct campaign_new *c, int64_t *id, struct ferrors *fe);

/* Gives every running campaign (or only `campaign_id` when > 0) of the kinds in `kinds` (n)
 * its current cycle and the items its population is owed, including joiners. */
int campaign_sync(struct db *db, const struct campaign_kind *const *kinds, size_t n,
		  int64_t campaign_id);

/* Answers item `item_id` as `who` (who must be the item's acting person). */
enum status campaign_answer(struct db *db, const struct actor *who, const struct campaign_kind *k,
			    int64_t item_id, json_t *in, int64_t version, struct ferrors *fe);

/* Closes a campaign: unanswered items stay unanswered (the export shows them), the kind's
 * `closed` runs. */
enum status campaign_close(struct db *db, const struct actor *who, const struct campaign_kind *k,
			   int64_t id, int64_t version, struct ferrors *fe);

/* The campaign as the API shows it (with its targets and overall counts); NULL if none. */
json_t *campaign_json(struct db *db, int64_t id);
/* Completion per department for the current cycle: [{department {id,name}|null, total, done,
 * overdue}]; `manager_id` > 0 limits it to the departments that user manages or deputises
 * (none: an empty list). NULL on error. */
json_t *campaign_progress(struct db *db, int64_t id, int64_t manager_id);
/* The kind of campaign `id` into kind (33 bytes); 1 if there is none, -1 on error. */
int campaign_kind_of(struct db *db, int64_t id, char kind[33]);
/* One item; 1 if none, -1 on error. The answer is owned by the caller (json_decref). */
int campaign_item_load(struct db *db, int64_t item_id, struct campaign_item *it);

/* Escalates the items of kinds that escalate, `days` working days past due, to the acting
 * person's manager (never to the subject). Returns how many, or -1. */
int campaigns_escalate(struct db *db, const struct campaign_kind *const *kinds, size_t nk, int days,
		       const struct workcal *cal);

/* Pending items of running campaigns whose kind chooses the acting person (actor_of), neither
 * escalated nor answered, go to whom actor_of names now (a reporting line changed: see
 * module_line_changed); one audit event "campaign.item.reassign" each, by `who`. Returns how
 * many moved, or -1. */
int campaign_items_follow(struct db *db, const struct campaign_kind *const *kinds, size_t nk,
			  const struct actor *who);

/* The cycle of a campaign that is current on `today`: its start and due date. 1 when the
 * campaign has not started yet, -1 on bad dates. Pure. */
int campaign_cycle(const char *starts_on, const char *due_on, const char *recurrence,
		   const char *today, char start[11], char due[11]);

#endif
