/*
 * visits.h — physical security logs (seed 004 事務所編): visitor slips (来訪者記録), the reception
 * kiosk (受付端末) where a visitor fills in their own slip, sites (拠点), and the office
 * open/close log (入退室記録).
 *
 * A visitor slip is one visitor's (so that no visitor sees another's name): their name and
 * company, the purpose, the host (a user), the site, expected and actual arrival and
 * departure, the areas visited, whether they were escorted, the badge issued and when it came
 * back, and the privacy notice they accepted (its version). It is registered by the host in
 * advance, by reception, or by the visitor at a kiosk, and moves
 *
 *	expected → arrived → departed          expected ⇄ cancelled
 *
 * (a kiosk slip starts as arrived). The host or reception (visits.manage) moves it; the host
 * is told when their visitor arrives — a task now and a notice (in the app, and by mail when
 * the organisation sends mail) in the same transaction.
 *
 * At rest the visitor's name and company are sealed with the master key (crypto_seal_field,
 * context "visits.visitor_name:<id>"); audit summaries never carry them. Reading a slip is an
 * audit event ("visit.read"), and so is every page of a list that carries them ("visit.list"
 * with the ids returned). Who sees a slip: visits.read sees every one; anyone else only the
 * slips they host or registered.
 *
 * The kiosk: an officer (visits.manage) starts it on the reception tablet; the tablet's
 * session is then a kiosk session (src/auth/session.h) that reaches only POST
 * /api/v1/kiosk/visits, and each visitor's slip ends that session and gives the tablet a fresh
 * one — one slip per session, nothing readable before or after.
 *
 * The office open/close log is append-only: per site and day, who unlocked first and who
 * locked up last (with the closing checklist: windows, cabinets, PCs off, alarm set). A
 * working day (or any day the office was opened) without a closing entry is a task of the
 * site's manager until someone records it late.
 */
#ifndef MAMORI_VISITS_H
#define MAMORI_VISITS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../modules.h"
#include "../../lib/jpcal.h"

extern const struct route_table visits_routes;
extern const struct permission visits_permissions[];
extern const struct task_source visits_tasks[];
extern const struct workflow visit_workflow;

/* --- pure rules --------------------------------------------------------------------------- */

/* What a visitor typed for their host, as compared with people's names: spaces (also
 * full-width) removed, ASCII letters lower-cased, a polite suffix (様, さん, 殿) dropped. Writes
 * at most n - 1 bytes (never cutting a character). */
void visit_host_key(const char *typed, char *out, size_t n);

/* The days of [from, to] (YYYY-MM-DD) that lack a closing entry: a working day of `cal`, or
 * any day in `opened` (days with an opening entry), that is not in `closed`. Both lists are
 * sorted dates; the result is a new array of date strings, oldest first. */
json_t *office_missing_days(const char *from, const char *to, const struct workcal *cal,
			    json_t *opened, json_t *closed);

/* --- visitor slips ------------------------------------------------------------------------ */

/* Who is asking, for the rules of seeing and changing slips. */
struct visit_viewer {
	const struct actor *who;
	bool read_all; /* visits.read */
	bool manage;   /* visits.manage */
	const char *const *perms;
};

/* Registers a slip from the API body `in` (host or reception). Without `manage` the host is
 * the caller. "arrived": true registers a visitor already at reception. */
enum status visit_create(struct app *app, struct db *db, const struct visit_viewer *v, json_t *in,
			 int64_t *id, struct ferrors *fe);
/* The slip as the API shows it, for a person: appends "visit.read" first. NULL with *st. */
json_t *visit_read(struct app *app, struct db *db, const struct visit_viewer *v, int64_t id,
		   enum status *st);
/* Edits a slip (PATCH body `in`, with version). */
enum status visit_update(struct app *app, struct db *db, const struct visit_viewer *v, int64_t id,
			 json_t *in, struct ferrors *fe);
/* Moves a slip (arrived, departed, cancelled, expected) with the transition body `in`. */
enum status visit_move(struct app *app, struct db *db, const struct visit_viewer *v, int64_t id,
		       json_t *in, struct ferrors *fe);
/* Records the slip's badge as returned now. */
enum status visit_badge_return(struct app *app, struct db *db, const struct visit_viewer *v,
			       int64_t id, int64_t version, struct ferrors *fe);

struct visit_filter {
	const char *view;      /* "today", "inside", "badge_out", "expected" or NULL (all) */
	const char *from, *to; /* dates, or NULL */
	const char *status;
	int64_t site_id, host_id;
	bool mine;
};

/* A page of slips the viewer may see, newest first, with their personal details; appends
 * "visit.list" with the ids returned and the filters. NULL on database error. */
json_t *visit_list(struct app *app, struct db *db, const struct visit_viewer *v,
		   const struct visit_filter *f, int64_t cursor, int64_t limit, int64_t *next);

/* The settings (notice texts, kiosk idle limit) as the API shows them; NULL on error. */
json_t *visit_settings_json(struct db *db);
enum status visit_settings_update(struct db *db, const struct actor *who, json_t *in,
				  struct ferrors *fe);

/* --- the kiosk (kiosk.c) ------------------------------------------------------------------ */

/* The kiosk's routes' handlers (they need the request: the session changes hands). */
int visits_kiosk_start(struct req *req);
int visits_kiosk_visit(struct req *req);

/* Inside the caller's transaction: a slip filled in by the visitor at kiosk `kiosk_id`
 * (status arrived), its audit event by the kiosk, and the host told. When the visitor
 * accepted the notice, the slip records version `notice_version` in `notice_locale` ("ja",
 * "en": the language of the text they were shown). */
enum status visit_create_kiosk_tx(struct app *app, struct db *db, const struct actor *kiosk,
				  int64_t kiosk_id, int64_t site_id, json_t *in,
				  int64_t notice_version, const char *notice_locale, int64_t *id);

/* --- sites and the office open/close log (office.c) ------------------------------------- */

json_t *sites_json(struct db *db, bool active_only);
json_t *site_json(struct db *db, int64_t id);
enum status site_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			struct ferrors *fe);
enum status site_update(struct db *db, const struct actor *who, int64_t id, json_t *in,
			struct ferrors *fe);

/* Records that `who` unlocked site `site_id` on `day` (NULL: today). */
enum status office_open(struct db *db, const struct actor *who, json_t *in, struct ferrors *fe);
/* Records that `who` locked up, with the closing checklist in `in`. */
enum status office_close(struct db *db, const struct actor *who, json_t *in, struct ferrors *fe);
/* The log per site and day over [from, to]: first opening, last closing with its checklist,
 * whether a closing entry is missing. NULL on database error. */
json_t *office_days(struct app *app, struct db *db, int64_t site_id, const char *from,
		    const char *to);

/* The office log's task source: days without a closing entry at the sites one manages. */
int office_tasks(const struct task_query *q, json_t *out);

#endif
