/* rules.c — what a take-out needs (protections, approvals, dates) and where a return stands. */
#include <string.h>

#include "takeouts.h"
#include "../../lib/timeutil.h"

#define MAX_PERIOD_DAYS 366

static const char *const protection_names[TP_COUNT] = { "encrypted", "password", "copy", "minimum",
							"by_hand" };

const char *takeout_protection_name(enum takeout_protection p)
{
	return p < TP_COUNT ? protection_names[p] : "";
}

/* Requires protection p for item i, for reason `why`. */
static void need(struct takeout_assessment *a, size_t i, enum takeout_protection p, unsigned why)
{
	a->required |= 1u << p;
	a->why[p] |= why;
	if (i < ARRAY_SIZE(a->item_needs))
		a->item_needs[i] |= 1u << p;
}

void takeout_assess(const struct takeout_facts *items, size_t n, unsigned stated,
		    struct takeout_assessment *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		const struct takeout_facts *f = &items[i];
		/* Seeds 000 2-3 and 001: never let it out of your hands. */
		need(out, i, TP_BY_HAND, TW_ALWAYS);
		unsigned sensitive =
			(f->sensitive ? TW_SENSITIVE : 0) | (f->highest ? TW_HIGHEST : 0);
		unsigned guarded = (f->has_pinfo ? TW_PINFO : 0) | (f->lowest ? 0 : TW_CLASSIFIED);
		if (f->has_pinfo)
			need(out, i, TP_MINIMUM, TW_PINFO);
		if (f->electronic && guarded) {
			need(out, i, TP_PASSWORD, guarded);
			if (!f->device)
				need(out, i, TP_COPY, guarded);
		}
		if (sensitive) {
			if (f->electronic)
				need(out, i, TP_ENCRYPTED, sensitive);
			out->officer = true;
			out->officer_why |= sensitive;
		}
	}
	/* Encryption protects at least as well as a password. */
	unsigned have = stated | ((stated & (1u << TP_ENCRYPTED)) ? 1u << TP_PASSWORD : 0);
	out->missing = out->required & ~have;
}

bool takeout_may_approve(const char *leave_on, const char *today)
{
	return leave_on && today && strcmp(today, leave_on) <= 0;
}

void takeout_check_period(const char *leave_on, const char *return_on, const char *today,
			  struct ferrors *fe)
{
	if (leave_on && !date_valid(leave_on))
		ferr_add(fe, "leave_on", "invalid_date", "Give the date it leaves as YYYY-MM-DD.");
	else if (leave_on && strcmp(leave_on, today) < 0)
		ferr_add(fe, "leave_on", "in_past",
			 "The leave date has passed: approval must come before it leaves.");
	if (return_on && !date_valid(return_on))
		ferr_add(fe, "return_on", "invalid_date", "Give the return date as YYYY-MM-DD.");
	if (!leave_on || !return_on || !date_valid(leave_on) || !date_valid(return_on))
		return;
	if (strcmp(return_on, leave_on) < 0)
		ferr_add(fe, "return_on", "before_leave", "It cannot come back before it leaves.");
	else if (date_diff(leave_on, return_on) > MAX_PERIOD_DAYS)
		ferr_add(fe, "return_on", "period_too_long",
			 "A take-out is approved for a year at most; ask again for the next one.");
}

static const char *const state_names[] = { "pending", "out", "back", "missing" };

const char *takeout_item_state_name(enum takeout_item_state s)
{
	return (size_t)s < ARRAY_SIZE(state_names) ? state_names[s] : "";
}

int takeout_item_state_of(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(state_names); i++)
		if (!strcmp(state_names[i], name))
			return (int)i;
	return -1;
}

enum takeout_return takeout_return_state(const enum takeout_item_state *items, size_t n)
{
	bool out = false, missing = false;
	if (n == 0)
		return TR_NOT_LEFT;
	for (size_t i = 0; i < n; i++) {
		if (items[i] == TI_PENDING)
			return TR_NOT_LEFT;
		out |= items[i] == TI_OUT;
		missing |= items[i] == TI_MISSING;
	}
	return out ? TR_OUT : missing ? TR_WITH_MISSING : TR_ALL_BACK;
}

bool takeout_item_overdue(enum takeout_item_state s, const char *back_on, const char *today)
{
	return s == TI_OUT && back_on && today && strcmp(back_on, today) < 0;
}
