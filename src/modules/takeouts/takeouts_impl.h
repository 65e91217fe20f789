/*
 * takeouts_impl.h — the take-out domain functions takeouts_api.c calls (not for other
 * modules: they use takeouts.h).
 *
 * Inputs have been checked against the route schemas in takeouts_api.c; these functions check
 * the rules that need the database. Each change is one transaction with its audit event and
 * timeline entry.
 */
#ifndef MAMORI_TAKEOUTS_IMPL_H
#define MAMORI_TAKEOUTS_IMPL_H

#include <jansson.h>

#include "takeouts.h"
#include "../registers/registers.h"
#include "../../store/query.h"

/* Who is looking, and what they may see. */
struct takeout_viewer {
	const struct wf_actor *by;     /* the person and their permissions */
	bool all;                      /* takeouts.read or takeouts.manage: every take-out */
	const struct reg_scope *scope; /* which register entries they may choose as items */
	char today[11];                /* the organisation's day, for who may decide today */
};

/* The assessment of a request body (items resolved from the registers, protections, period,
 * checker) without writing anything: {requirements, missing, officer_needed, officer_why,
 * approvers, items, errors}. NULL on database error. */
json_t *takeout_requirements(struct db *db, const struct takeout_viewer *v, json_t *in);

/* A new request from `in`, submitted for approval at once. */
enum status takeout_create(struct app *app, struct db *db, const struct takeout_viewer *v,
			   json_t *in, int64_t *id, struct ferrors *fe);
/* A sent-back request changed and sent again (in: the create body with "version"). */
enum status takeout_resubmit(struct app *app, struct db *db, const struct takeout_viewer *v,
			     int64_t id, json_t *in, struct ferrors *fe);

/* The take-out as `v` sees it, with items, requirements, approval, timeline and the moves
 * `v` may take; NULL with *st ST_NOT_FOUND when there is none or `v` may not see it. */
json_t *takeout_json(struct db *db, const struct takeout_viewer *v, int64_t id, enum status *st);

/* A status move from the API: "out" (left; in: back_on), "cancelled", "withdrawn". */
enum status takeout_move(struct app *app, struct db *db, const struct takeout_viewer *v, int64_t id,
			 json_t *in, struct ferrors *fe);
/* The requester accounts for every item (in: version, back_ids). */
enum status takeout_return(struct app *app, struct db *db, const struct takeout_viewer *v,
			   int64_t id, json_t *in, struct ferrors *fe);
/* The second person confirms the return (in: version, comment). */
enum status takeout_confirm(struct app *app, struct db *db, const struct takeout_viewer *v,
			    int64_t id, json_t *in, struct ferrors *fe);
/* Item `item_id` is missing (in: version, item_id, note): opens the incident in the same
 * transaction; *incident_id is set. */
enum status takeout_missing(struct app *app, struct db *db, const struct takeout_viewer *v,
			    int64_t id, int64_t item_id, json_t *in, int64_t *incident_id,
			    struct ferrors *fe);

/* The privacy officer names another checker (the one named has left or is away for long);
 * in: version, checker_id (not the requester, active), comment (why). Not once the return
 * is confirmed or the request has ended. */
enum status takeout_set_checker(struct db *db, const struct takeout_viewer *v, int64_t id,
				json_t *in, struct ferrors *fe);

/* --- shared by the module's files --------------------------------------------------------- */

#define TAKEOUT_OFFICER_PERM "takeouts.manage"
#define MAX_ITEMS            20

static inline const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static inline int64_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static inline bool jbool(json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

/* The columns of a take-out the rules look at. */
struct takeout_record {
	int64_t requester, checker, trip;
	bool repeating;
	char leave_on[11], return_on[11], back_on[11], status[16];
};

/* Loads take-out `id`: 0, 1 when there is none, -1 on error. */
int takeout_record_load(struct db *db, int64_t id, struct takeout_record *rec);
/* May `by` report an item of this take-out missing: its requester, checker, the requester's
 * manager, or the privacy officer. -1 on database error. */
int takeout_may_report(struct db *db, const struct wf_actor *by, const struct takeout_record *rec,
		       bool *may);
/* The protections stated in a body or a record's "protections" object (1u << TP_*). */
unsigned takeout_stated(json_t *o);
/* takeout_assess over resolved or stored items (objects with electronic, device, has_pinfo,
 * sensitive, highest, lowest). */
void takeout_assess_items(json_t *items, unsigned stated, struct takeout_assessment *a);
/* Sets requirements, missing, officer_needed, officer_why and approvers on `o`. */
void takeout_assessment_json(json_t *o, const struct takeout_assessment *a, unsigned stated,
			     size_t nitems);
/* The ids of the personal information register entries living in asset `asset_id` (an array),
 * or NULL on database error. */
json_t *takeout_asset_entries(struct db *db, int64_t asset_id);
/* The first `max` characters of UTF-8 text `s` (a new string). */
char *takeout_clip(const char *s, size_t max);

/* --- lists ------------------------------------------------------------------------------- */

/* "SELECT … FROM takeouts t …": the columns takeout_row_write() reads; callers add WHERE. */
extern const char takeout_list_head[];
/* Appends the condition that `v` may see the take-out `t` (nothing for v->all). */
void takeout_visible_where(struct query *q, const struct takeout_viewer *v);
/* Writes one row of takeout_list_head as a ledger entry; `today` decides `overdue`. */
struct jsonw;
void takeout_row_write(struct jsonw *w, struct dbrows *r, const char *today);

/* The register entries `v` may take out, matching `q`: [{kind, asset_id | pinfo_id, label,
 * classification, has_pinfo, sensitive, medium}] (at most `limit`). NULL on error. */
json_t *takeout_candidates(struct db *db, const struct takeout_viewer *v, const char *q,
			   int64_t limit);

#endif
