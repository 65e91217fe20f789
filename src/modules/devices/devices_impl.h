/* devices_impl.h — what the devices module's files share (not for other modules). */
#ifndef MAMORI_DEVICES_IMPL_H
#define MAMORI_DEVICES_IMPL_H

#include <jansson.h>

#include "devices.h"
#include "../registers/registers.h"
#include "../../store/query.h"

/* --- who sees what ------------------------------------------------------------------------ */

struct dev_scope {
	bool all;        /* every record */
	int64_t user_id; /* otherwise: this person's and their team's, and what waits for their
			    decision */
	char today[11];  /* the organisation's day (bound by the scope's query: kept here) */
};

/* The scope of the signed-in user (see devices.h). */
struct dev_scope dev_scope_of(struct req *req);
extern const struct dev_scope dev_scope_everything;

/* The people `me` looks after: direct reports and members of departments `me` manages or
 * deputises for. Binds `me` three times. */
#define DEV_TEAM_OF                                                                                \
	"SELECT tu.id FROM users tu WHERE tu.manager_id = ? OR tu.department_id IN (SELECT "       \
	"td.id FROM departments td WHERE td.manager_id = ? OR td.deputy_id = ?)"

/* Appends "AND (...)" limiting devices `d`, loans `l` or media requests `m` to the scope. */
void dev_scope_devices(struct query *q, const struct dev_scope *s);
void dev_scope_loans(struct query *q, const struct dev_scope *s);
void dev_scope_media(struct query *q, const struct dev_scope *s);

/* --- settings ----------------------------------------------------------------------------- */

struct device_settings {
	struct device_policy policy;
	int64_t version, updated_at;
};

int device_settings_get(struct db *db, struct device_settings *out);
json_t *device_settings_json(const struct device_settings *s);
/* A PATCH with "version" (stale: ST_CONFLICT), audited as device_settings.update. */
enum status device_settings_update(struct db *db, const struct actor *who, json_t *patch,
				   struct ferrors *fe);

/* --- the register (devices.c) ------------------------------------------------------------- */

struct device_filter {
	const char *q;
	const char *kind, *status;
	int64_t department_id, holder_id;
	bool attention; /* only devices with flags */
};

/* The device as the API shows it (flags, current loan, disposal), or NULL when there is none
 * inside the scope (or on a database error: check db_errkind). */
json_t *device_json(struct db *db, const struct dev_scope *scope, int64_t id);
/* A page of devices after `cursor` (limit 0: all). */
int devices_list(struct db *db, const struct dev_scope *scope, const struct device_filter *f,
		 int64_t cursor, int64_t limit, json_t **items, int64_t *next);
/* The register's declaration for the shared register steps (create, import). */
extern const struct reg_record device_kind;
extern const struct field device_create_schema[];
enum status device_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe);
/* Disposal (廃棄): method, certificate (erasure service), by whom, date, witness. A device on
 * loan or already disposed: ST_CONFLICT with code on_loan / disposed. */
enum status device_dispose(struct db *db, const struct actor *who, int64_t id, json_t *in,
			   struct ferrors *fe);
enum status devices_export(struct db *db, const struct actor *who, const struct dev_scope *scope,
			   const struct device_filter *f, struct reg_export *x);
enum status devices_import(struct db *db, const struct actor *who, const char *data, size_t len,
			   enum csv_encoding enc, bool dry_run, struct reg_import_result *res,
			   struct ferrors *fe);
/* What may be asked for: devices in stock (purpose "loan": not media; "media": media only,
 * in stock or in use), as {id, asset_tag, kind, model}. */
json_t *device_choices(struct db *db, const char *purpose);

/* Locks device `id` for the rest of the transaction and reads what a loan or media request
 * needs of it. 1: no such device; -1: error. */
struct device_brief {
	int64_t id;
	char kind[24], status[16], asset_tag[48];
};
int device_brief_locked(struct db *db, int64_t id, struct device_brief *out);

/* --- loans (loans.c) ---------------------------------------------------------------------- */

extern const struct workflow loan_workflow;
enum status loan_decided(struct app *app, struct db *db, const struct actor *who, int64_t id,
			 const char *outcome, const char *comment, struct ferrors *fe);

struct loan_filter {
	const char *status;
	bool overdue;
	int64_t department_id, borrower_id, device_id;
	const char *from, *to; /* loans whose period meets [from, to] */
};

/* The loan as `viewer` may see it (full: with approval, timeline and allowed moves). */
json_t *loan_json(struct app *app, struct db *db, const struct dev_scope *scope,
		  const struct wf_actor *viewer, int64_t id, bool full);
int loans_list(struct app *app, struct db *db, const struct dev_scope *scope,
	       const struct loan_filter *f, int64_t cursor, int64_t limit, json_t **items,
	       int64_t *next);
enum status loan_create(struct app *app, struct db *db, const struct wf_actor *by, bool may_lend,
			json_t *in, int64_t *id, struct ferrors *fe);
enum status loan_update(struct app *app, struct db *db, const struct wf_actor *by,
			const struct dev_scope *scope, int64_t id, json_t *patch,
			struct ferrors *fe);
enum status loan_move(struct app *app, struct db *db, const struct wf_actor *by,
		      const struct dev_scope *scope, int64_t id, const char *to, json_t *in,
		      struct ferrors *fe);
enum status loans_export(struct app *app, struct db *db, const struct actor *who,
			 const struct dev_scope *scope, const struct loan_filter *f,
			 struct reg_export *x);
/* The loans of device `id` inside the scope, newest first (the device page's history). */
json_t *loans_of_device(struct app *app, struct db *db, const struct dev_scope *scope,
			int64_t device_id);

/* --- media requests (media.c) ------------------------------------------------------------- */

extern const struct workflow media_workflow;
enum status media_decided(struct app *app, struct db *db, const struct actor *who, int64_t id,
			  const char *outcome, const char *comment, struct ferrors *fe);

struct media_filter {
	const char *status;
	int64_t device_id, department_id;
	bool privacy; /* only requests that need the privacy officer */
};

json_t *media_json(struct db *db, const struct dev_scope *scope, const struct wf_actor *viewer,
		   int64_t id, bool full);
int media_list(struct db *db, const struct dev_scope *scope, const struct media_filter *f,
	       int64_t cursor, int64_t limit, json_t **items, int64_t *next);
enum status media_create(struct db *db, const struct wf_actor *by, json_t *in, int64_t *id,
			 struct ferrors *fe);
enum status media_update(struct db *db, const struct wf_actor *by, const struct dev_scope *scope,
			 int64_t id, json_t *patch, struct ferrors *fe);
enum status media_move(struct db *db, const struct wf_actor *by, const struct dev_scope *scope,
		       int64_t id, const char *to, const char *comment, int64_t version,
		       struct ferrors *fe);
/* Moves approved requests whose period ended before `today` to expired; how many, or -1. */
int media_expire(struct db *db, const char *today);

/* --- small shared helpers (devices.c) ----------------------------------------------------- */

json_t *dev_person(struct dbrows *r, int id_col, int name_col);
json_t *dev_time(struct dbrows *r, int col);
json_t *dev_text(struct dbrows *r, int col);
json_t *dev_int(struct dbrows *r, int col);
json_t *dev_bool(struct dbrows *r, int col); /* null when NULL */
/* A date field of a body that must not lie after today: adds field error out_of_range. */
void dev_check_not_future(json_t *in, const char *field, const char *today, struct ferrors *fe);
/* The person `id` exists and is active? Adds field error not_found otherwise. */
int dev_check_user(struct db *db, int64_t id, const char *field, struct ferrors *fe);

#endif
