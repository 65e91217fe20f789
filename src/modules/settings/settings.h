/*
 * settings.h — the organisation's settings (admin): name, time zone, password policy,
 * lockout, session timeouts, idle-account disabling.
 *
 * Stored as key/value rows; read through a copy cached in the app for two seconds, so a
 * change made on one node is in force on every node within that time.
 */
#ifndef MAMORI_SETTINGS_H
#define MAMORI_SETTINGS_H

#include <jansson.h>
#include <stdint.h>

#include "../../app.h"
#include "../../lib/errors.h"
#include "../../audit/audit.h"
#include "../../http/http.h"

struct settings {
	char org_name[201];
	char timezone[65];
	int password_min_length;         /* 8..128 */
	int password_history;            /* 0..24: last N passwords refused */
	int lockout_threshold;           /* 3..20 consecutive failures */
	int lockout_minutes;             /* 1..1440 */
	int idle_timeout_privileged_min; /* 1..60 (privileged roles; default 10) */
	int idle_timeout_min;            /* 1..240 (others; default 30) */
	int session_absolute_hours;      /* 1..24 */
	int idle_disable_days;           /* 0 (never) ..3650 */
	int approval_escalation_days;    /* 0 (never) ..30 working days before a waiting approval
					    or an unanswered review goes to the next manager */
	int year_end_closure;            /* 1: 12/29–1/3 are not working days */
	int64_t version;
};

/* The current settings (defaults for keys never set). -1 on database error. */
int settings_get(struct app *app, struct db *db, struct settings *out);
void settings_free(struct settings *s);
json_t *settings_json(const struct settings *s);
/* Applies a validated PATCH body in one transaction with its audit event. */
enum status settings_update(struct app *app, struct db *db, const struct actor *who, json_t *patch,
			    struct ferrors *fe, struct settings *out);

extern const struct route_table settings_routes;

#endif
