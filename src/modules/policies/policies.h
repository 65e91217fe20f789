/*
 * policies.h — policies (方針・規程・手順) and pledges (誓約書).
 *
 *   policy    a document: basic policy (基本方針), privacy policy, standard (対策基準),
 *             procedure (実施内容・手順), internal rule (規程) or pledge (誓約書). It has
 *             numbered versions; the published one is what everyone reads, earlier ones are
 *             kept (superseded) and stay readable.
 *   version   Markdown in Japanese and English (rendered like training lessons: a tree of
 *             plain data, never HTML), or an attached PDF kept by content hash in the
 *             database (store/files.h). It moves through the workflow engine:
 *
 *               draft → submitted → approved → published → superseded
 *                 ↑        ├→ sent_back → submitted        (approval: privacy officer,
 *                 └────────┤   (withdrawn: back to draft)   then top management)
 *               discarded  └→ rejected
 *
 *             An approved version is published on its effective date (at approval when that
 *             date has come, otherwise by policies_job); the one it replaces is superseded.
 *             At most one version of a policy is open (draft, submitted, sent back or
 *             approved) at a time.
 *   pledge    a policy of category "pledge" people acknowledge (誓約) in campaigns of the
 *             kinds "pledge" (once or yearly, started by an officer), "pledge_hire" (one per
 *             new account, when the pledge is asked on hire) and "pledge_exit" (asked when
 *             someone leaves; pledges_request_exit). Acknowledging needs the person's own
 *             password (a deliberate act) and keeps a record of who signed which version,
 *             when, with a hash of the words shown.
 *
 * Every change is one transaction with its audit event.
 */
#ifndef MAMORI_POLICIES_H
#define MAMORI_POLICIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../app.h"
#include "../../audit/audit.h"
#include "../../http/http.h"
#include "../../lib/errors.h"
#include "../modules.h"

extern const struct route_table policies_routes;
extern const struct permission policies_permissions[];
extern const struct approval_kind policies_approvals[];
extern const struct campaign_kind pledges_campaigns[];
extern const struct task_source policies_tasks[];
extern const struct workflow *const policies_workflows[];
extern const struct workflow policy_version_workflow;
/* The pledges' routes and permissions (pledges.c): a module entry of their own. */
extern const struct route_table pledges_routes;
extern const struct permission pledges_permissions[];

#define POLICY_FILE_MAX (20 * 1024 * 1024) /* an attached PDF */

/* Who reads: every document's drafts too (policies.manage / policies.approve), or only what
 * was published. */
struct policy_viewer {
	int64_t user_id;
	bool manage;  /* policies.manage */
	bool approve; /* policies.approve */
	const char *const *perms;
};

/* --- documents and versions (policies.c) --------------------------------------------------- */

json_t *policy_list(struct db *db, const char *category, const struct policy_viewer *v);
/* The document with its published version (rendered) and its versions; NULL if none. */
json_t *policy_json(struct db *db, int64_t id, const struct policy_viewer *v);
enum status policy_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			  struct ferrors *fe);
enum status policy_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			  struct ferrors *fe);
/* A new draft version, its text copied from the published one unless `in` gives it. */
enum status policy_version_create(struct db *db, const struct actor *who, int64_t policy_id,
				  json_t *in, int64_t *id, struct ferrors *fe);
/* The version with both languages rendered, its approval, timeline and the moves `v` may
 * take; ST_NOT_FOUND in *st when `v` may not see it. */
json_t *policy_version_json(struct db *db, int64_t id, const struct policy_viewer *v,
			    enum status *st);
enum status policy_version_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
				  struct ferrors *fe);
/* Attaches a PDF (already size-checked) to a draft: typed by its bytes, stored by hash. */
enum status policy_version_attach(struct app *app, struct db *db, const struct actor *who,
				  int64_t id, int64_t version, const char *data, size_t len,
				  const char *name, struct ferrors *fe);
/* The stored file of a version `v` may read: its hash and number. 1 if none, -1 on error. */
int policy_version_file(struct db *db, int64_t id, const struct policy_viewer *v, char hash[65],
			int64_t *number);
/* Publishes approved versions whose effective date has come. */
int policies_job(struct app *app, struct db *db);

/* `mamori init` / `mamori content import`: each folder under `root` (content/policies) with
 * a policy.json and body.ja.md / body.en.md; a new text becomes a draft version (never
 * published without the approval). Returns the number of problems. */
int policies_import_all(struct db *db, const struct actor *who, const char *root,
			struct buf *report, struct buf *err);

/* --- pledges (pledges.c) ------------------------------------------------------------------- */

/* A new account: items in the running campaigns it belongs to, and the pledges asked on hire.
 * Called after the account's creation has committed; problems are logged, never fatal (the
 * job gives what was missed). */
void pledges_user_created(struct db *db, const struct actor *who, int64_t user_id);

/* Offboarding (退職・契約終了): asks `user_id` to acknowledge every published pledge asked on
 * exit, by `due_on` (YYYY-MM-DD; NULL: today). *count is the number of pledges asked. A field
 * error on "user_id" when there is no such active person, on "policy" when no exit pledge is
 * published. */
enum status pledges_request_exit(struct db *db, const struct actor *who, int64_t user_id,
				 const char *due_on, int *count, struct ferrors *fe);

/* Hire pledges missed by the hook (accounts made by imports); part of policies_job. */
int pledges_hire_sync(struct db *db, int64_t user_id, int64_t older_than);

#endif
