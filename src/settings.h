/*
 * settings.h — the organisation's settings, platform configuration next to app.h: who the
 * organisation is (name, address, the people in charge, its certifications), time zone,
 * password policy, lockout, session timeouts, idle-account disabling, and where the first-run
 * setup stands. Read by every layer (sessions, jobs, modules); the admin's routes for them
 * (GET/PATCH /api/v1/settings) are the settings module's (src/modules/settings/).
 *
 * Stored as key/value rows; a key never set reads as its default. Read through a copy each
 * thread caches for two seconds, so a change made on one node is in force on every node within
 * that time (the time zone: see settings_use_zone). Every change is one transaction with its
 * "settings.update" audit event holding each changed key before and after.
 *
 * The setup wizard (web: /setup) writes these keys like the settings page does; whether a
 * Privacy Mark is held, the review body and its reporting rule stay in the incidents module
 * (GET/PATCH /api/v1/incidents/settings), which counts the review body's deadline.
 */
#ifndef MAMORI_SETTINGS_H
#define MAMORI_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "lib/errors.h"

struct actor;

/* Text sizes are in bytes: four per character the schema allows, and the NUL. */
struct settings {
	char org_name[801];        /* printed on incident reports and certificates (200) */
	char org_address[1201];    /* 所在地 (300) */
	char privacy_officer[401]; /* 個人情報保護管理者: the person, by name (100) */
	char isms_officer[401];    /* the person in charge of the ISMS, by name (100) */
	char pmark_number[257]; /* Privacy Mark registration number (登録番号), if held (64) */
	bool isms_certified;    /* ISO/IEC 27001 certification held */
	char isms_scope[2001];  /* the certified scope (適用範囲) (500) */
	char isms_body[801];    /* the certification body (認証機関) (200) */
	char setup_state[8];    /* "pending" until the wizard is finished or skipped */
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
	int64_t generation; /* app->settings_generation when read (settings_zone_in_force) */
};

/* The values setup_state takes: the wizard has not been finished or skipped yet, was skipped
 * (it stays reachable from the settings page), or was finished. */
extern const char *const settings_setup_states[];

/* The current settings (defaults for keys never set). -1 on database error. Reading them
 * changes nothing: the time zone is put in force only by settings_use_zone and by an update. */
int settings_get(struct app *app, struct db *db, struct settings *out);
/* Puts the organisation's time zone (its settings' `timezone`) in force for this process
 * (tz_set), so that "today" (tz_today) and local times are the organisation's. Every entry
 * point calls it before its work: cli_open for every command (serve, import, export, jobs,
 * init, user, ...), and serve's background loop again and again, so that a zone changed on
 * another node is in force here within the settings' cache time. -1 on database error. */
int settings_use_zone(struct app *app, struct db *db);
/* Puts the zone of `s` (from settings_get or settings_update) in force, unless settings read
 * after them already put theirs: a reader that loaded just before an update cannot undo it. */
void settings_zone_in_force(struct app *app, const struct settings *s);
json_t *settings_json(const struct settings *s);
/* Applies a validated PATCH body (see settings_routes' schema) in one transaction with its
 * audit event. ST_CONFLICT on a stale "version", ST_INVALID with field errors in `fe`. */
enum status settings_update(struct app *app, struct db *db, const struct actor *who, json_t *patch,
			    struct ferrors *fe, struct settings *out);

#endif
