/* posture.c — the seeds' device rules as pure functions (no database, easy to test). */
#include <string.h>

#include "devices.h"
#include "../../lib/timeutil.h"

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static const char *const media_kinds[] = { "usb_memory", "external_disk", "sd_card", NULL };
static const char *const portable_kinds[] = { "pc",         "smartphone",    "tablet",
					      "usb_memory", "external_disk", "sd_card",
					      NULL };
static const char *const screen_kinds[] = { "pc", "smartphone", "tablet", NULL };
static const char *const patch_kinds[] = { "pc", "smartphone", "tablet", "router", NULL };
static const char *const definition_kinds[] = { "pc", NULL };

bool device_kind_is_media(const char *kind)
{
	return one_of(kind, media_kinds);
}

bool device_kind_portable(const char *kind)
{
	return one_of(kind, portable_kinds);
}

/* Older than `max_days` on `today`, or not recorded at all: what cannot be shown current is
 * treated as out of date. */
static bool stale(const char *date, int max_days, const char *today)
{
	int64_t d, t;
	if (!date || date_days(date, &d) || date_days(today, &t))
		return true;
	return t - d > max_days;
}

unsigned device_posture(const struct device_state *s, const struct device_policy *p,
			const char *today)
{
	unsigned f = 0;
	if (!s->status || !strcmp(s->status, "lost") || !strcmp(s->status, "disposed"))
		return 0;
	if (one_of(s->kind, screen_kinds) &&
	    (s->screen_lock_minutes < 0 || s->screen_lock_minutes > SCREEN_LOCK_MAX_MINUTES))
		f |= POSTURE_SCREEN_LOCK;
	if (one_of(s->kind, definition_kinds) &&
	    stale(s->definitions_on, p->definitions_max_days, today))
		f |= POSTURE_DEFINITIONS;
	if (one_of(s->kind, patch_kinds) && stale(s->patched_on, p->patch_max_days, today))
		f |= POSTURE_PATCHES;
	if (s->portable && !s->disk_encrypted)
		f |= POSTURE_ENCRYPTION;
	if (s->p2p_present)
		f |= POSTURE_P2P;
	if (!strcmp(s->status, "on_loan") && s->loan_due_on && strcmp(s->loan_due_on, today) < 0)
		f |= POSTURE_LOAN_OVERDUE;
	return f;
}

size_t device_flag_names(unsigned flags, const char **out, size_t max)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ POSTURE_LOAN_OVERDUE, "loan_overdue" }, { POSTURE_SCREEN_LOCK, "screen_lock" },
		{ POSTURE_DEFINITIONS, "definitions" },   { POSTURE_PATCHES, "patches" },
		{ POSTURE_ENCRYPTION, "encryption" },     { POSTURE_P2P, "p2p" },
	};
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(names) && n < max; i++)
		if (flags & names[i].bit)
			out[n++] = names[i].name;
	return n;
}
