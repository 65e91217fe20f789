/*
 * risks.h — risk assessment (リスクアセスメント) and the Statement of Applicability (適用宣言書).
 *
 * A risk sits on an information asset or on a personal information register entry: a threat
 * that exploits a vulnerability. Likelihood and impact are scored 1..scale, where the scale is
 * the organisation's choice of 3 or 5 (risk_settings); the level is their product. The
 * treatment is one of reduce / avoid / transfer / accept (低減・回避・移転・受容), with the
 * measures taken and the Annex A controls they rest on, and the residual likelihood and impact
 * after treatment. The owner accepts the residual risk: only the owner can, and who and when
 * are kept; a change to the scores or the treatment withdraws the acceptance.
 *
 * Bands (for colours and filters): high when level >= half the maximum (scale²), medium when
 * >= a fifth of it, low otherwise — 3×3: 1 low, 2–4 medium, 6–9 high; 5×5: 1–4 low, 5–12
 * medium, 15–25 high.
 *
 * A risk belongs to the department of its asset or entry and is scoped like the registers.
 *
 * The SoA lists the 93 controls of ISO/IEC 27001:2022 Annex A by number and theme (37
 * organisational, 8 people, 14 physical, 34 technological) under mamori's own short titles;
 * per control: applicable or not, the justification (required both ways), the
 * implementation status, evidence notes, and the risks that name it; and its versions.
 */
#ifndef MAMORI_RISKS_H
#define MAMORI_RISKS_H

#include <jansson.h>

#include "../modules.h"
#include "../registers/registers.h"

extern const struct route_table risks_routes;
extern const struct permission risks_permissions[];

/* likelihood × impact. */
int risk_level(int likelihood, int impact);
/* "low", "medium" or "high" for a level on a scale of 3 or 5. */
const char *risk_band(int level, int scale);
/* The lowest and highest level of a band (for filters). */
void risk_band_range(const char *band, int scale, int *lo, int *hi);

/* The organisation's scale (3 or 5) and the settings' version. */
int risk_settings_get(struct db *db, int *scale, int64_t *version);
enum status risk_settings_update(struct db *db, const struct actor *who, json_t *patch,
				 struct ferrors *fe);

json_t *risk_json(struct db *db, const struct reg_scope *scope, int64_t id);
enum status risk_create(struct db *db, const struct actor *who, const struct reg_scope *scope,
			json_t *in, int64_t *id, struct ferrors *fe);
enum status risk_update(struct db *db, const struct actor *who, const struct reg_scope *scope,
			int64_t id, json_t *patch, struct ferrors *fe);
/* The register's declaration for the shared steps (delete). */
extern const struct reg_record risk_kind;
/* The owner's acceptance of the residual risk with their reason (`in`: {"comment"}, checked by
 * the route's schema); ST_FORBIDDEN, code not_owner, for others. A later change to the scores,
 * the treatment or the owner withdraws it. */
enum status risk_accept(struct db *db, const struct actor *who, const struct reg_scope *scope,
			int64_t id, int64_t version, json_t *in, struct ferrors *fe);

struct risk_filter {
	const char *q;
	int64_t department_id, asset_id, pinfo_id, owner_id, control_id;
	const char *treatment;
	const char *band;
	int likelihood, impact; /* 0: any */
	bool residual;          /* likelihood / impact / band filter the residual scores */
	int accepted;           /* -1 any */
};

int risks_list(struct db *db, const struct reg_scope *scope, const struct risk_filter *f,
	       int64_t cursor, int64_t limit, json_t **items, int64_t *next);
/* {scale, basis, total, cells: [{likelihood, impact, count}]} inside the scope. */
json_t *risks_heatmap(struct db *db, const struct reg_scope *scope, bool residual);
enum status risks_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
			 const struct risk_filter *f, struct reg_export *x);

/* --- Statement of Applicability -------------------------------------------------------------
 *
 * The working copy: one row per control, changed one control at a time (soa.write). Every
 * control carries the reason it is included or excluded: a change that leaves it without one
 * is refused. The risks a control lists are only those the reader may see (registers.h).
 *
 * Versions: soa_version_create() freezes the working copy as version 1, 2, 3…, "pending",
 * with who made it and when; it is refused while a control has no reason or another version
 * is pending. soa_version_decide() — the approval step, kept as one function so that the
 * workflow engine can take it over — approves or rejects it (soa.approve), recording who and
 * when. The latest approved version (soa_approved) is the SoA as the organisation declares it:
 * what an auditor is shown and what the evidence pack prints. */

json_t *soa_list(struct db *db, const struct reg_scope *scope);
/* One control with the risks (inside `scope`) that name it. */
json_t *soa_json(struct db *db, const struct reg_scope *scope, int64_t id);
enum status soa_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
		       struct ferrors *fe);
/* The working copy, or the frozen version `number` (> 0), as a file with its audit event. */
enum status soa_export(struct db *db, const struct actor *who, const struct reg_scope *scope,
		       int64_t number, struct reg_export *x);

/* Versions, newest first, without their controls. */
json_t *soa_versions_list(struct db *db);
/* One version with its frozen controls, by id or by number; NULL if none (or db_errkind). */
json_t *soa_version_json(struct db *db, int64_t id);
json_t *soa_version_by_number(struct db *db, int64_t number);
/* The latest approved version with its controls, or NULL when none is approved yet. */
json_t *soa_approved(struct db *db);
/* Freezes the working copy ({note}: why this version) as the next version, pending approval.
 * ST_INVALID (note: required; controls: justification_missing), ST_CONFLICT code "pending", ST_DB.
 */
enum status soa_version_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			       struct ferrors *fe);
/* The approval step: approves or rejects the pending version `id` seen at `version`; a
 * rejection needs a note. ST_CONFLICT (stale, or code "decided"), ST_NOT_FOUND, ST_INVALID. */
enum status soa_version_decide(struct db *db, const struct actor *who, int64_t id, int64_t version,
			       bool approve, const char *note, struct ferrors *fe);

/* What waits in the risk assessment (risks_tasks.c): residual risks to accept. */
extern const struct task_source risks_tasks[];

#endif
