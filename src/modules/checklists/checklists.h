/*
 * checklists.h — checks (点検): templates of yes / no / not-applicable items with guidance,
 * answered by a population in campaigns (the workflow engine's campaign kind "checklist").
 *
 *   template   sections of items; each item a statement with guidance — why it matters and
 *              how to put it right — and a stable key. What officers edit is the draft
 *              (`content`); publishing freezes it as a numbered version that never changes.
 *   campaign   the engine's campaign of kind "checklist" whose ref_id is a version id: a
 *              monthly telework check keeps the version it was started with, whatever the
 *              template becomes later.
 *   answer     a person's campaign item holds their answers {"answers": {key: {"answer":
 *              "yes"|"no"|"na", "comment"}}}; a draft (final: false) may be partial, a final
 *              answer covers every item and explains every "no". When final, each item
 *              becomes a row of checklist_answers, so conformance can be counted per item,
 *              department and cycle, and a "no" can become a corrective action (linked both
 *              ways: the action's source is the row, the row keeps the action's id).
 *
 * Who sees answers: the person their own; a department's manager (or deputy) that
 * department's; checklists.read every department's.
 */
#ifndef MAMORI_CHECKLISTS_H
#define MAMORI_CHECKLISTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../app.h"
#include "../../audit/audit.h"
#include "../../http/http.h"
#include "../../lib/errors.h"
#include "../modules.h"

extern const struct route_table checklists_routes;
extern const struct permission checklists_permissions[];
extern const struct campaign_kind checklists_campaigns[];

#define CHECKLIST_MAX_ITEMS    200
#define CHECKLIST_MAX_SECTIONS 30

/* --- pure rules (rules.c): no database, unit-tested ---------------------------------------- */

/* Checks a template's content ({"sections": [...]}) and completes it in place: items without a
 * key get one ("i1", "i2"... not yet used). Field errors name the place, e.g.
 * "content.sections[0].items[2].statement". Returns the number of items (0 when invalid). */
int checklist_content_check(json_t *content, struct ferrors *fe);

/* Checks answers ({"answers": {key: {"answer", "comment"}}}) against a version's content.
 * Every key must be an item; a final answer must cover every item and explain every "no"
 * (field "answers.<key>.comment", code "required"). */
void checklist_answers_check(json_t *content, json_t *answer, bool final, struct ferrors *fe);

/* Conformance in whole percent: yes / (yes + no), rounded down; -1 when nothing counts. */
int checklist_rate(int64_t yes, int64_t no);

/* --- templates (templates.c) --------------------------------------------------------------- */

/* The list for the API: {items}; archived and never-published ones only for `manage`. */
json_t *checklist_list(struct db *db, bool manage);
/* One template with its draft content and published versions; NULL if none (or error). */
json_t *checklist_json(struct db *db, int64_t id);
enum status checklist_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			     struct ferrors *fe);
enum status checklist_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			     struct ferrors *fe);
/* Freezes the draft as the next version; refused when it is empty or unchanged. */
enum status checklist_publish(struct db *db, const struct actor *who, int64_t id, int64_t version,
			      int64_t *number, struct ferrors *fe);
/* A published version: {id, template_id, number, title, content}; NULL if none. */
json_t *checklist_version_json(struct db *db, int64_t version_id);

/* `mamori init` / `mamori content import`: every *.json template under `root`
 * (content/checklists), matched by code, published when it differs from the latest version.
 * Returns the number of problems (each a sentence in err). */
int checklists_import_all(struct db *db, const struct actor *who, const char *root,
			  struct buf *report, struct buf *err);

/* --- campaigns and answers (answers.c) ----------------------------------------------------- */

/* Starts a checklist campaign (kind "checklist") of the template's latest version. */
enum status checklist_campaign_create(struct db *db, const struct actor *who, json_t *in,
				      int64_t *id, struct ferrors *fe);

/* Who is looking: every department (checklists.read), or their own answers and those of the
 * departments they manage or stand in for. */
struct checklist_viewer {
	int64_t user_id;
	bool all;
};

/* Opens a corrective action from the "no" of answer row `answer_id` (source_type
 * "checklist_answer"), owned by the person or their manager (in["owner"]: "person", the
 * default, or "manager"), due in 30 days unless in["due_on"] says otherwise, and links the
 * row to it. The person, their department's manager and checklists.read may; for others the
 * row does not exist (ST_NOT_FOUND). */
enum status checklist_answer_action(struct db *db, const struct actor *who,
				    const struct checklist_viewer *viewer, int64_t answer_id,
				    json_t *in, int64_t *action_id, struct ferrors *fe);

#endif
