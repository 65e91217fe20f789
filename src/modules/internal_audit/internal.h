/* internal.h — what the internal-audit files share (not for other modules). */
#ifndef MAMORI_INTERNAL_AUDIT_INTERNAL_H
#define MAMORI_INTERNAL_AUDIT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "internal_audit.h"

/* Largest attachment, and the types accepted (from the bytes, by libmagic). */
#define AUDIT_FILE_MAX (10 * 1024 * 1024)

/* --- helpers (internal_audit.c) ------------------------------------------------------------ */

bool ia_in_list(const char *const *list, const char *s);
/* A person {id, name} from two columns, or JSON null. */
json_t *ia_person(struct dbrows *r, int id_col, int name_col);
json_t *ia_time(struct dbrows *r, int col);
json_t *ia_text(const char *s);
/* Runs `sql` (one row per result, column 0 an id) and collects ids into a JSON array. */
json_t *ia_ids(struct db *db, const char *sql, const struct dbval *p, size_t n);

/* The audit's plain fields: status, lead_id, title; -1 on error, 1 when there is none. */
struct ia_audit {
	int64_t id, lead_id, version;
	char status[16];
	char title[801];
};
int ia_audit_get(struct db *db, int64_t id, struct ia_audit *out);
/* Is `user` the lead or one of the auditors of `audit_id`? */
int ia_is_member(struct db *db, int64_t audit_id, int64_t user, bool *member);
/* May `by` record results and findings on audit `a` now: a member holding
 * internal_audit.perform, the audit in progress. ST_OK or ST_FORBIDDEN with fe->code set
 * (not_on_audit, not_in_progress); ST_DB on error. */
enum status ia_may_perform(struct db *db, const struct wf_actor *by, const struct ia_audit *a,
			   struct ferrors *fe);
/* May `by` change the checklist (build, add, remove items): a member or the office, while
 * the audit is planned or in progress. */
enum status ia_may_plan_items(struct db *db, const struct wf_actor *by, const struct ia_audit *a,
			      struct ferrors *fe);
/* A timeline entry on the audit (kind, body) in the caller's transaction. */
int ia_event(struct db *db, const struct actor *who, int64_t audit_id, const char *kind,
	     const char *body);

/* --- programmes and audits (internal_audit.c) ---------------------------------------------- */

json_t *programmes_list(struct db *db);
enum status programme_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			     struct ferrors *fe);
enum status programme_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			     struct ferrors *fe);
json_t *programme_json(struct db *db, int64_t id);

struct audit_filter {
	int64_t year;          /* the programme's year; 0: any */
	const char *status;    /* NULL: any */
	int64_t department_id; /* audits covering it; 0: any */
	int64_t member;        /* audits this user is on; 0: any */
};
json_t *audits_list(struct db *db, const struct audit_filter *f);
/* The audit with its team and departments, without moves or timeline; NULL if none. */
json_t *audit_plain(struct db *db, int64_t id);
/* The audit as `by` sees it: team, departments, counts, allowed moves, timeline, my_role. */
json_t *audit_json(struct db *db, const struct wf_actor *by, int64_t id);
enum status audit_create(struct db *db, const struct wf_actor *by, json_t *in, int64_t *id,
			 struct ferrors *fe);
enum status audit_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *patch,
			 struct ferrors *fe);
enum status audit_move(struct app *app, struct db *db, const struct wf_actor *by, int64_t id,
		       json_t *in, struct ferrors *fe);

/* --- requirements, checklist items and attachments (checklist.c) --------------------------- */

extern const char *const requirement_sets[]; /* jisq15001 iso27001 annex_a own */
/* The requirements of `set` (NULL: all), Annex A from the SoA's applicable controls. */
json_t *requirements_list(struct db *db, const char *set, bool all);
enum status requirement_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			       struct ferrors *fe);
enum status requirement_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			       struct ferrors *fe);
/* Adds the requirements of the sets in in["sets"] that the checklist lacks; *added says
 * how many. */
enum status checklist_build(struct db *db, const struct wf_actor *by, int64_t audit_id, json_t *in,
			    int64_t *added, struct ferrors *fe);
json_t *items_list(struct db *db, int64_t audit_id);
json_t *item_json(struct db *db, int64_t id);
enum status item_add(struct db *db, const struct wf_actor *by, int64_t audit_id, json_t *in,
		     int64_t *id, struct ferrors *fe);
enum status item_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *patch,
			struct ferrors *fe);
enum status item_delete(struct db *db, const struct wf_actor *by, int64_t id, int64_t version,
			struct ferrors *fe);
/* Stores an upload (already size-checked) for item `item_id`: the type comes from libmagic. */
enum status attachment_add(struct app *app, struct db *db, const struct wf_actor *by,
			   int64_t item_id, const char *name, const void *data, size_t len,
			   int64_t *id, struct ferrors *fe);
/* The stored file of attachment `id`: hash (65 bytes), name and type (arena-free copies the
 * caller frees). 1 when there is none, -1 on error. */
int attachment_file(struct db *db, int64_t id, char hash[65], char **name, char **type);
enum status attachment_delete(struct db *db, const struct wf_actor *by, int64_t id,
			      struct ferrors *fe);

/* --- words for paper (report.c) ------------------------------------------------------------ */

/* Japanese words for coded values: result, grade, status, set, action status. */
const char *ia_word(const char *code);

/* --- findings (findings.c) ----------------------------------------------------------------- */

json_t *findings_list(struct db *db, int64_t audit_id);
json_t *finding_json(struct db *db, int64_t id);
/* Findings of the departments `user_id` manages or stands in for (status NULL: any). */
json_t *findings_of_manager(struct db *db, int64_t user_id, const char *status);
/* May `user_id` answer for department `dept` (its manager or deputy)? */
int ia_manages(struct db *db, int64_t user_id, int64_t dept, bool *yes);
enum status finding_create(struct db *db, const struct wf_actor *by, int64_t audit_id, json_t *in,
			   int64_t *id, struct ferrors *fe);
enum status finding_open_action(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
				struct ferrors *fe);
enum status finding_respond(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
			    struct ferrors *fe);

#endif
