/*
 * reviews.h — management review (マネジメントレビュー) and the dashboard: the "act" of PDCA.
 *
 * The inputs ISO/IEC 27001 9.3.2 and JIS Q 15001 9.3 ask top management to consider are
 * gathered live from what the modules record, for a period (from–to, the organisation's
 * calendar dates): training completion by department and employment type, incidents and
 * near-misses with their monthly trend and the reports made to the PPC and the review body,
 * corrective actions opened, open, overdue and checked effective, internal-audit findings,
 * checklist conformance, overdue loans and take-outs, the registers' review status, risks
 * above the acceptance level with the heat map, and the previous review's decisions; changes
 * in laws and context are the review's own words. A part whose module is not installed yet
 * says so ({"available": false}) instead of guessing.
 *
 * A review moves on the workflow engine: draft → submitted (its figures are frozen, and an
 * approval by top management, reviews.approve, is opened) → approved; sent back, rejected or
 * withdrawn, it is a draft again with live figures. Top management's outputs — decisions,
 * instructions, improvements, changes, resources — are recorded while it is a draft; each may
 * open a corrective action (source_type "review", linked both ways). An approved review
 * keeps its figures as they were, whatever changes later.
 */
#ifndef MAMORI_REVIEWS_H
#define MAMORI_REVIEWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../modules.h"
#include "../../lib/pdf.h"

extern const struct route_table reviews_routes;
extern const struct permission reviews_permissions[];
extern const struct task_source reviews_tasks[];
extern const struct workflow review_workflow;
extern const struct approval_kind reviews_approvals[];

/* The inputs for [from, to] (YYYY-MM-DD), as of now; `exclude_review` (0: none) is left out
 * of "previous review". NULL on database error. */
json_t *review_inputs(struct db *db, const char *from, const char *to, int64_t exclude_review);

/* The review as the API shows it (figures frozen, or live for a draft), without the moves,
 * approval and timeline; NULL if there is none (or on error: check db_errkind). */
json_t *review_plain(struct db *db, int64_t id);
/* Reviews whose period meets [from, to], oldest first (review_plain each). NULL on error. */
json_t *reviews_in_period(struct db *db, const char *from, const char *to);

/* Japanese words for the review's coded values: statuses, decision kinds, employment types,
 * action sources and states, incident categories (paper, exports). */
const char *review_word(const char *code);

/* Draws review `r` (review_plain) as the review's minutes (議事録). */
void review_pdf(struct pdf *p, json_t *r);
/* Draws the inputs alone (the dashboard on paper, and part of the minutes), numbering their
 * sections from `first_section`; returns the next section number. */
int review_inputs_pdf(struct pdf *p, json_t *inputs, int first_section);

#endif
