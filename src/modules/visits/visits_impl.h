/* visits_impl.h — what the visits module's files share (not for other modules). */
#ifndef MAMORI_VISITS_IMPL_H
#define MAMORI_VISITS_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../app.h"
#include "../../store/store.h"

struct visit_viewer;

/* "SELECT … FROM visits v …": the columns visit_row_json() reads; callers add WHERE/ORDER. */
extern const char visit_columns[];
/* One row of visit_columns as the API's slip, the visitor's name and company opened. */
json_t *visit_row_json(struct app *app, struct dbrows *r);
/* The slip `id` (no audit event: for internal use), or NULL. */
json_t *visit_plain(struct app *app, struct db *db, int64_t id);
/* May the viewer see this slip (visits.read / visits.manage, its host, who registered it)? */
bool visit_visible(const struct visit_viewer *v, json_t *visit);
/* Tells the host that visitor slip `visit_id` arrived at `arrived_at`: a notice (and its mail)
 * in the caller's transaction, once per slip. */
int visit_tell_host(struct db *db, int64_t visit_id, int64_t host_id, int64_t arrived_at);
/* Seals name and company (either may be NULL: left as is) into slip `id`. */
int visit_seal_names(struct app *app, struct db *db, int64_t id, const char *name,
		     const char *company);
/* NULL, empty or only spaces (also full-width). */
bool visit_blank(const char *s);
/* Is `site_id` an active site? */
int visit_site_ok(struct db *db, int64_t site_id, bool *ok);
/* The privacy notice in force: its version and whether each language has a text. */
int visit_notice(struct db *db, int64_t *version, bool *has_ja, bool *has_en);
/* 00:00 of `date` in the organisation's zone, as Unix seconds (0 for a bad date). */
int64_t visit_day_start(const char *date);
/* The date (YYYY-MM-DD) of instant t in the organisation's zone. */
void visit_local_date(int64_t t, char out[11]);
/* "HH:MM" of instant t in the organisation's zone. */
void visit_local_time(int64_t t, char out[6]);

#endif
