/* soa_approval.c — the approval of a version of the Statement of Applicability on the workflow
 * engine: opened when the version is made, decided in the shared approvals inbox by anyone
 * holding soa.approve except the version's maker, heard back here as the version's status. */
#include <string.h>

#include "risks.h"
#include "../../lib/log.h"
#include "../../lib/timeutil.h"

#define RECORD_TYPE "soa_version"

/* One step: anyone holding soa.approve; the engine never lets the maker (the requester) decide. */
static const struct approval_step_spec chain[] = {
	{ APPROVER_PERMISSION, "soa.approve" },
};

enum status soa_version_ask_approval(struct db *db, const struct actor *who, int64_t id,
				     int64_t number, const char *note, struct ferrors *fe)
{
	char title[64];
	int64_t aid;
	if (wf_event_add(db, RECORD_TYPE, id, who, "created", NULL, "pending", false,
			 note && *note ? note : NULL, NULL))
		return ST_DB;
	snprintf(title, sizeof(title), "適用宣言書 第%lld版", (long long)number);
	return approval_open_tx(db, who, &risks_approvals[0], id, who->id, title, chain,
				ARRAY_SIZE(chain), NULL, &aid, fe);
}

/* --- the approval's outcome ---------------------------------------------------------------- */

/* What the audit trail keeps of a version: its number, status and the decision's note. */
static json_t *snapshot(struct db *db, int64_t id)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r, "SELECT number, status, decision_note FROM soa_versions WHERE id = ?",
		     P(V_INT(id))))
		return NULL;
	if (db_next(&r))
		o = json_pack("{s:I,s:s,s:s}", "number", (json_int_t)db_int(&r, 0), "status",
			      db_text(&r, 1), "note", db_text(&r, 2));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* What the decision said (the approval's comment, or NULL). */
struct said {
	const char *comment;
};

/* Who ended the approval, when, and what they said. */
static int record_decision(struct wf_ctx *c)
{
	const struct said *s = c->arg;
	const char *note = s ? s->comment : NULL;
	return db_exec(c->db,
		       "UPDATE soa_versions SET decided_by = ?, decided_at = ?, decision_note = ? "
		       "WHERE id = ?",
		       P(V_ID(c->by->actor->id), V_INT(now_unix()), V_TEXT(note ? note : ""),
			 V_INT(c->id)));
}

/* Only the approval engine moves a version (the decided hook): nobody takes these by hand. */
static const struct wf_transition moves[] = {
	{ "pending", "approved", WF_SYSTEM, .apply = record_decision,
	  .event = "soa.version.approve" },
	{ "pending", "rejected", WF_SYSTEM, .apply = record_decision,
	  .event = "soa.version.reject" },
	{ "pending", "sent_back", WF_SYSTEM, .apply = record_decision,
	  .event = "soa.version.send_back" },
	{ "pending", "withdrawn", WF_SYSTEM, .apply = record_decision,
	  .event = "soa.version.withdraw" },
	{ 0 },
};

const struct workflow soa_version_workflow = {
	.type = RECORD_TYPE,
	.table = "soa_versions",
	.requester_col = "created_by",
	.transitions = moves,
	.forbidden_code = "not_allowed",
	.forbidden_detail = "A version is approved in the approvals inbox.",
	.snapshot = snapshot,
};

const struct workflow *const risks_workflows[] = { &soa_version_workflow, NULL };

static enum status decided(struct app *app, struct db *db, const struct actor *who,
			   int64_t record_id, const char *outcome, const char *comment,
			   struct ferrors *fe)
{
	struct wf_actor by = { .actor = who, .system = true };
	/* The comment is on the timeline already (the approval's entry): the note carries it. */
	struct said s = { comment };
	struct wf_request r = { .to = outcome, .arg = &s };
	return wf_move_tx(app, db, &soa_version_workflow, &by, record_id, &r, fe);
}

const struct approval_kind risks_approvals[] = {
	{ RECORD_TYPE, "適用宣言書の版", "Statement of Applicability version", "/soa/versions/",
	  decided },
	{ 0 },
};

/* --- the version as its page shows it -------------------------------------------------------- */

json_t *soa_version_view(struct db *db, int64_t id, int64_t viewer_id, const char *const *perms)
{
	json_t *o = soa_version_json(db, id);
	if (!o)
		return NULL;
	struct actor a = { viewer_id, NULL, NULL };
	struct wf_actor by = { .actor = &a, .perms = perms };
	json_t *allowed = wf_allowed(db, &soa_version_workflow, &by, id);
	json_t *approval =
		allowed ? approval_of_record(db, RECORD_TYPE, id, viewer_id, perms) : NULL;
	json_t *timeline = approval ? wf_timeline(db, RECORD_TYPE, id, false, NULL, NULL) : NULL;
	if (!timeline) {
		json_decref(allowed);
		json_decref(approval);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "allowed_transitions", allowed);
	json_object_set_new(o, "approval", approval);
	json_object_set_new(o, "timeline", timeline);
	return o;
}

/* --- versions made before the engine -------------------------------------------------------- */

struct backfill_op {
	int64_t id;
	bool opened;
};

static enum status backfill_fn(struct db *db, void *arg)
{
	struct backfill_op *o = arg;
	static const struct actor job = { 0, NULL, "job" };
	struct ferrors fe = FERRORS_INIT;
	struct dbrows r;
	int64_t number = 0, maker = 0;
	char lock[48];
	o->opened = false;
	snprintf(lock, sizeof(lock), RECORD_TYPE ":%lld", (long long)o->id);
	/* Still pending and still without an approval, now that the version is ours. */
	if (db_lock(db, lock) ||
	    db_query(db, &r,
		     "SELECT v.number, v.created_by FROM soa_versions v WHERE v.id = ? AND "
		     "v.status = 'pending' AND v.created_by IS NOT NULL AND NOT EXISTS (SELECT 1 "
		     "FROM approvals a WHERE a.record_type = '" RECORD_TYPE "' AND a.record_id = "
		     "v.id)",
		     P(V_INT(o->id))))
		return ST_DB;
	if (db_next(&r)) {
		number = db_int(&r, 0);
		maker = db_int(&r, 1);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return ST_DB;
	if (!number)
		return ST_OK;
	char title[64];
	int64_t aid;
	snprintf(title, sizeof(title), "適用宣言書 第%lld版", (long long)number);
	/* The maker asks, as when they made it: they never decide it. */
	enum status st = approval_open_tx(db, &job, &risks_approvals[0], o->id, maker, title, chain,
					  ARRAY_SIZE(chain), NULL, &aid, &fe);
	ferr_release(&fe);
	o->opened = st == ST_OK;
	return st;
}

int risks_job(struct app *app, struct db *db)
{
	(void)app;
	struct dbrows r;
	int64_t ids[64];
	size_t n = 0;
	/* A version's maker is always known (the route that makes one is a person's). */
	if (db_query(db, &r,
		     "SELECT v.id FROM soa_versions v WHERE v.status = 'pending' AND v.created_by "
		     "IS "
		     "NOT NULL AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.record_type = "
		     "'" RECORD_TYPE "' AND a.record_id = v.id) ORDER BY v.id LIMIT 64",
		     P0))
		return -1;
	while (db_next(&r) && n < ARRAY_SIZE(ids))
		ids[n++] = db_int(&r, 0);
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		struct backfill_op o = { ids[i], false };
		if (db_tx_st(db, backfill_fn, &o) != ST_OK)
			failed = 1;
		else if (o.opened)
			log_info("soa: opened the approval of pending version id %lld",
				 (long long)ids[i]);
	}
	return failed ? -1 : 0;
}
