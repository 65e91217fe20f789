/* internal.h — what the checklist files share (not for other modules). */
#ifndef MAMORI_CHECKLISTS_INTERNAL_H
#define MAMORI_CHECKLISTS_INTERNAL_H

#include "checklists.h"

struct query;

/* The content of a published version (owned), or NULL when there is none or on error. */
json_t *checklist_version_content(struct db *db, int64_t version_id);
/* Appends "AND (<user_col> = me OR <dept_col> IN (departments I manage))" unless the viewer
 * sees everything. The column names are literals of the caller. */
void checklist_scope_where(struct query *q, const struct checklist_viewer *v, const char *user_col,
			   const char *dept_col);
/* May the viewer see what belongs to `user_id` in `department_id`? -1 on database error. */
int checklist_may_see(struct db *db, const struct checklist_viewer *v, int64_t user_id,
		      int64_t department_id, bool *ok);

#endif
