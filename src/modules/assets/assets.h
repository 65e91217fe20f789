/*
 * assets.h — the information asset register (情報資産管理台帳).
 *
 * An asset is anything the organisation holds information in: electronic data, paper, software,
 * hardware, a cloud service, a person or an outside service. Each has an owning department, a
 * custodian, where it is kept, its classification, confidentiality / integrity / availability
 * values (1–3) and the asset value derived from them (the highest of the three), whether it
 * holds personal information, its retention period, how it is disposed of, who may access it,
 * and when it was last reviewed.
 *
 * Classification levels are the organisation's (default 機密 / 社外秘 / 公開; labels are
 * editable; position 1 is the most protected). Everything above the lowest level must be
 * encrypted when stored or sent: the record says so (encryption_required).
 *
 * Invariants: value = max(c, i, a); review_due = reviewed_on + 1 year; both are stored for
 * filtering and recomputed on every change. Department scope as in registers.h: another
 * department's asset is "not found". Every change is one transaction with its audit event.
 */
#ifndef MAMORI_ASSETS_H
#define MAMORI_ASSETS_H

#include <jansson.h>

#include "../modules.h"
#include "../registers/registers.h"

extern const struct route_table assets_routes;
extern const struct permission assets_permissions[];

/* The derived asset value (資産価値): the highest of C, I and A. */
int asset_value(int c, int i, int a);

/* The asset as the API shows it, or NULL if there is none inside `scope` (or on a database
 * error: check db_errkind). */
json_t *asset_json(struct db *db, const struct reg_scope *scope, int64_t id);
/* The register's declaration for the shared steps (create with the create schema's fields,
 * review; delete, refused with 409 in_use while risks name the asset). */
extern const struct reg_record asset_kind;
/* Applies a PATCH with "version" (stale: ST_CONFLICT). */
enum status asset_update(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 int64_t id, json_t *patch, struct ferrors *fe);

struct asset_filter {
	const char *q; /* words in name, location, custodian, notes */
	int64_t department_id;
	int64_t classification_id;
	const char *asset_type;
	int has_pinfo; /* -1 any, 0 no, 1 yes */
	bool overdue;  /* review overdue */
};

/* One page of assets after `cursor` (id), into a new array *items; *next is the cursor of the
 * next page or 0. limit 0: all (exports). */
int assets_list(struct db *db, const struct reg_scope *scope, const struct asset_filter *f,
		int64_t cursor, int64_t limit, json_t **items, int64_t *next);

/* The whole (filtered) register as a file, with its audit event. */
enum status assets_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
			  const struct asset_filter *f, struct reg_export *x);
/* Imports a CSV file (registers.h): the API and `mamori import assets` both call this. */
enum status assets_import(struct db *db, const struct actor *who, const struct reg_scope *scope,
			  const char *data, size_t len, enum csv_encoding enc, bool dry_run,
			  void (*progress)(void *, size_t, size_t), void *progress_arg,
			  struct reg_import_result *res, struct ferrors *fe);

/* --- classification levels (機密区分) ----------------------------------------------------------
 *
 * Levels are numbered by position, 1 the most protected, without gaps; the last is the lowest
 * level, and records at any other level must be encrypted when stored or sent. There are
 * always at least CLASSIFICATION_MIN levels. Adding or removing a level renumbers the ones
 * after it; a level some asset is classified at cannot be removed. */
#define CLASSIFICATION_MIN 2
#define CLASSIFICATION_MAX 20

/* The levels, most protected first, each with its number of assets. */
json_t *classifications_list(struct db *db);
/* New labels (PATCH with "version"); "taken" when another level has one of them. */
enum status classification_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
				  struct ferrors *fe);
/* Adds a level {label_ja, label_en, position?} (default: after the last, the new lowest). */
enum status classification_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
				  struct ferrors *fe);
/* Removes an unused level: ST_CONFLICT with code in_use while assets are at it, min_levels
 * when only two are left; ST_CONFLICT without a code for a stale version. */
enum status classification_delete(struct db *db, const struct actor *who, int64_t id,
				  int64_t version, struct ferrors *fe);

#endif
