/*
 * internal_audit.h — internal audit (内部監査): the "check" of PDCA that a Privacy Mark renewal
 * and an ISMS surveillance audit examine first.
 *
 * A yearly programme (年間内部監査計画) holds audits. An audit names its scope — the
 * departments it covers, the areas in words, the requirement sets it checks — its dates, a
 * lead auditor and auditors. Independence is a rule the server keeps: nobody audits their own
 * department (neither its members nor its manager or deputy), and a plan that would have them
 * is refused with the conflict named (field auditor_ids or lead_id, code own_department, and
 * "conflicts": [{user_id, user_name, department_id, department_name}] in the problem).
 *
 * The checklist is built from requirement sets: JIS Q 15001:2023 and ISO/IEC 27001:2022
 * clauses, the Annex A controls the SoA marks applicable, and the organisation's own rules —
 * clause numbers with short titles in our own words (audit_requirements). Each item gets a
 * result (conforms, minor, major, observation, not_audited), the evidence seen, a note and
 * attachments (files stored by content hash outside any served folder, typed by libmagic).
 *
 * A finding (指摘事項) is a major or minor nonconformity or an observation about one
 * department. A nonconformity opens its corrective action in the same transaction
 * (actions.h, source_type "finding"; the finding keeps the action's id, so the link goes both
 * ways); the department's manager (or deputy) answers with the cause and the plan, which the
 * action takes over.
 *
 * An audit moves on the workflow engine:
 *
 *	planned → in_progress → reported → closed
 *	   └──────────┴→ cancelled → planned        reported → in_progress (reopened)
 *
 * started and reported by the lead auditor (or the office, internal_audit.manage), closed by
 * the office once every finding is answered. Auditors change only the audits they are on.
 */
#ifndef MAMORI_INTERNAL_AUDIT_H
#define MAMORI_INTERNAL_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../modules.h"
#include "../../lib/pdf.h"

extern const struct route_table internal_audit_routes;
extern const struct permission internal_audit_permissions[];
extern const struct task_source internal_audit_tasks[];
extern const struct workflow internal_audit_workflow;

/* Item results and finding grades. */
extern const char *const audit_results[];  /* conforms minor major observation not_audited */
extern const char *const finding_grades[]; /* major minor observation */

/* Japanese words for results, grades, audit states and action states (paper, exports). */
const char *audit_finding_word(const char *code);

/* The audit report as the API and the printable page show it: the audit (scope, team,
 * dates, summary), its checklist with results, its findings with their actions' status.
 * NULL if there is none (or on error: check db_errkind). */
json_t *audit_report_json(struct db *db, int64_t id);

/* Draws report `r` (audit_report_json) into `p`. */
void audit_report_pdf(struct pdf *p, json_t *r);
/* The title of the report's PDF: 「内部監査報告書」 and the audit's title. */
const char *audit_report_title(void);

/* Audits whose dates meet [from, to] (YYYY-MM-DD), oldest first, with their findings by grade:
 * the review's input and the evidence pack's list. NULL on error. */
json_t *audits_in_period(struct db *db, const char *from, const char *to);
/* Findings raised in [from, to]: {audits, findings, major, minor, observation, open,
 * unanswered, actions_open, by_department: [{department_id, department_name, major, minor,
 * observation}]}. NULL on error. */
json_t *findings_summary(struct db *db, const char *from, const char *to);

#endif
