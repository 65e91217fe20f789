/* pledges.c — pledges (誓約書): the campaign kinds, acknowledging with one's password, hire and
 * exit requests, who has and has not signed, and the routes under /api/v1/pledges. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "policies.h"
#include "internal.h"
#include "../access/access.h"
#include "../accounts/accounts.h"
#include "../settings/settings.h"
#include "../training/training.h"
#include "../../auth/password.h"
#include "../../auth/session.h"
#include "../../http/export.h"
#include "../../lib/log.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

#define STATUS_PAGE_DEFAULT 200
#define STATUS_PAGE_MAX     1000

#define MAX_KINDS 32

static json_t *time_json(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

static bool pledge_kind(const char *kind)
{
	return kind && (!strcmp(kind, "pledge") || !strcmp(kind, "pledge_hire") ||
			!strcmp(kind, "pledge_exit"));
}

/* The occasion an acknowledgement records: hire, exit, yearly or once. */
static const char *occasion_of(const char *kind, const char *recurrence)
{
	if (!strcmp(kind, "pledge_hire"))
		return "hire";
	if (!strcmp(kind, "pledge_exit"))
		return "exit";
	return recurrence && !strcmp(recurrence, "yearly") ? "yearly" : "once";
}

/* BLAKE2b-256 (hex) of the words a version shows: both texts, or the attached file's hash. */
static void body_hash(const char *ja, const char *en, const char *file_hash, char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	if (file_hash) {
		crypto_generichash_update(&st, (const unsigned char *)"pdf\n", 4);
		crypto_generichash_update(&st, (const unsigned char *)file_hash, strlen(file_hash));
	} else {
		crypto_generichash_update(&st, (const unsigned char *)ja, strlen(ja));
		crypto_generichash_update(&st, (const unsigned char *)"\n\f\n", 3);
		crypto_generichash_update(&st, (const unsigned char *)en, strlen(en));
	}
	crypto_generichash_final(&st, h, sizeof(h));
	hex_encode(h, sizeof(h), out);
}

/* --- the campaign kinds ------------------------------------------------------------------- */

/* An acknowledgement arrives only through POST /pledges/items/{id}/acknowledge, which checked
 * the password and marks the input with "confirmed" — a member the engine's own answer route
 * refuses (its schema allows version, answer and final only). */
static enum status on_acknowledge(struct db *db, const struct actor *who,
				  const struct campaign_item *item, json_t *in, struct ferrors *fe)
{
	struct dbrows r;
	if (!json_is_true(json_object_get(in, "confirmed"))) {
		ferr_add(fe, "password", "required",
			 "A pledge is acknowledged with your password on its own page.");
		return ST_INVALID;
	}
	int64_t asked = json_integer_value(
		json_object_get(json_object_get(in, "answer"), "policy_version_id"));
	if (db_query(
		    db, &r,
		    "SELECT p.published_version_id, v.number, v.body_ja, v.body_en, v.file_hash, "
		    "c.kind, c.recurrence, u.name, u.department_id, d.name, u.employment_type FROM "
		    "campaigns c JOIN policies p ON p.id = c.ref_id LEFT JOIN policy_versions v ON "
		    "v.id = p.published_version_id JOIN users u ON u.id = ? LEFT JOIN departments "
		    "d ON d.id = u.department_id WHERE c.id = ?",
		    P(V_INT(who->id), V_INT(item->campaign_id))))
		return ST_DB;
	enum status st = ST_DB;
	if (!db_next(&r) || db_isnull(&r, 0)) {
		ferr_add(fe, "policy_version_id", "not_published",
			 "This pledge has no published version.");
		st = ST_INVALID;
		goto out;
	}
	if (db_int(&r, 0) != asked) {
		/* A newer version was published while the person read the old one. */
		fe->code = "version_changed";
		fe->detail = "A newer version of this pledge was published. Read it again.";
		st = ST_CONFLICT;
		goto out;
	}
	char hash[65];
	body_hash(db_text(&r, 2), db_text(&r, 3), db_text(&r, 4), hash);
	int64_t id, now = now_unix();
	const char *occasion = occasion_of(db_text(&r, 5), db_text(&r, 6));
	if (db_insert(
		    db, &id,
		    "INSERT INTO pledge_acknowledgements (policy_id, policy_version_id, user_id, "
		    "campaign_item_id, occasion, user_name, department_id, department_name, "
		    "employment_type, body_hash, ip, acknowledged_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
		    "?, ?, ?, ?, ?) RETURNING id",
		    P(V_INT(item->ref_id), V_INT(asked), V_INT(who->id), V_INT(item->id),
		      V_TEXT(occasion), V_TEXT(db_text(&r, 7)),
		      db_isnull(&r, 8) ? V_NULL : V_INT(db_int(&r, 8)), V_TEXT(db_text(&r, 9)),
		      V_TEXT(db_text(&r, 10)), V_TEXT(hash), V_TEXT(who->ip ? who->ip : ""),
		      V_INT(now))))
		goto out;
	json_t *sum = json_pack("{s:I,s:I,s:I,s:s,s:s,s:s}", "policy_id", (json_int_t)item->ref_id,
				"policy_version_id", (json_int_t)asked, "number",
				(json_int_t)db_int(&r, 1), "occasion", occasion, "body_hash", hash,
				"confirmed_with", "password");
	int rc = audit_append(db, who, "pledge.acknowledge", "pledge_acknowledgement", id, sum);
	json_decref(sum);
	/* The leaver's offboarding list has an item for this very pledge. */
	if (!rc && !strcmp(occasion, "exit"))
		rc = offboarding_tick(db, who, who->id, "exit_pledge");
	st = rc ? ST_DB : ST_OK;
out:
	if (r.failed)
		st = ST_DB;
	db_rows_free(&r);
	return st;
}

#define PLEDGE_KIND(name)                                                                          \
	{                                                                                          \
		.kind = name, .link = "/pledges/campaigns/", .manage_perm = "pledges.manage",      \
		.escalate = false, .answer = on_acknowledge                                        \
	}

const struct campaign_kind pledges_campaigns[] = {
	PLEDGE_KIND("pledge"),
	PLEDGE_KIND("pledge_hire"),
	PLEDGE_KIND("pledge_exit"),
	{ 0 },
};

static const struct campaign_kind *kind_named(const char *kind)
{
	for (const struct campaign_kind *k = pledges_campaigns; k->kind; k++)
		if (!strcmp(k->kind, kind))
			return k;
	return NULL;
}

/* --- hire and exit ------------------------------------------------------------------------ */

/* Asks `user_id` to acknowledge pledge `policy_id` with a campaign of one person. */
static enum status ask_one(struct db *db, const struct actor *who, const char *kind,
			   int64_t policy_id, int64_t user_id, const char *prefix,
			   const char *due_on, struct ferrors *fe)
{
	struct dbrows r;
	char today[11], target[32];
	struct buf title = BUF_INIT;
	if (db_query(db, &r, "SELECT title_ja FROM policies WHERE id = ?", P(V_INT(policy_id))))
		return ST_DB;
	if (db_next(&r))
		buf_printf(&title, "%s: %s", prefix, db_text(&r, 0));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !title.len) {
		buf_release(&title);
		return ST_DB;
	}
	tz_today(today);
	snprintf(target, sizeof(target), "user:%lld", (long long)user_id);
	json_t *targets = json_pack("[s]", target);
	struct campaign_new c = { .title = title.buf,
				  .ref_id = policy_id,
				  .starts_on = today,
				  .due_on = due_on,
				  .recurrence = "once",
				  .targets = targets };
	int64_t id;
	enum status st = campaign_create(db, who, kind_named(kind), &c, &id, fe);
	json_decref(targets);
	buf_release(&title);
	return st;
}

int pledges_hire_sync(struct db *db, int64_t user_id, int64_t older_than)
{
	static const struct actor job = { 0, NULL, "job" };
	struct query q;
	struct dbrows r;
	struct hire {
		int64_t policy, user;
		char due[11];
	} *list = NULL;
	size_t n = 0, cap = 0;
	char today[11];
	tz_today(today);
	/* Pledges asked on hire that have a published version; people who joined after it was
	 * asked and published and have no hire item for it yet. */
	query_init(&q, "SELECT p.id, u.id, p.hire_due_days FROM policies p JOIN users u ON "
		       "u.status = 'active' AND u.created_at >= p.on_hire_since AND u.created_at "
		       ">= (SELECT MIN(published_at) FROM policy_versions x WHERE x.policy_id = "
		       "p.id AND x.published_at IS NOT NULL) WHERE p.category = 'pledge' AND "
		       "p.on_hire = 1 AND p.published_version_id IS NOT NULL AND NOT EXISTS "
		       "(SELECT 1 FROM campaign_items i JOIN campaigns c ON c.id = i.campaign_id "
		       "WHERE c.kind = 'pledge_hire' AND c.ref_id = p.id AND i.subject_id = u.id)");
	if (user_id)
		query_add(&q, "AND u.id = ?", P(V_INT(user_id)));
	if (older_than)
		query_add(&q, "AND u.created_at <= ?", P(V_INT(now_unix() - older_than)));
	query_add(&q, "ORDER BY p.id, u.id LIMIT 1000", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	while (db_next(&r)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			list = xrealloc(list, cap * sizeof(*list));
		}
		list[n].policy = db_int(&r, 0);
		list[n].user = db_int(&r, 1);
		date_add(today, (int)db_int(&r, 2), list[n].due);
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	int asked = 0;
	for (size_t i = 0; i < n && !failed; i++) {
		struct ferrors fe = FERRORS_INIT;
		enum status st = ask_one(db, &job, "pledge_hire", list[i].policy, list[i].user,
					 "入社時の誓約", list[i].due, &fe);
		ferr_release(&fe);
		if (st == ST_OK)
			asked++;
		else
			failed = 1;
	}
	free(list);
	return failed ? -1 : asked;
}

void pledges_user_created(struct db *db, const struct actor *who, int64_t user_id)
{
	(void)who;
	const struct campaign_kind *kinds[MAX_KINDS];
	size_t nk = module_campaign_kinds(kinds, MAX_KINDS);
	/* Joiners of running campaigns get their items now rather than at the next job. */
	if (campaign_sync(db, kinds, nk, 0))
		log_error("campaigns: could not give user %lld their items: %s", (long long)user_id,
			  db_errmsg(db));
	if (pledges_hire_sync(db, user_id, 0) < 0)
		log_error("pledges: could not ask user %lld for the hire pledges: %s",
			  (long long)user_id, db_errmsg(db));
}

enum status pledges_request_exit(struct db *db, const struct actor *who, int64_t user_id,
				 const char *due_on, int *count, struct ferrors *fe)
{
	struct dbrows r;
	int64_t one, ids[32];
	size_t n = 0;
	bool found;
	char today[11];
	*count = 0;
	tz_today(today);
	if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
			 P(V_INT(user_id))))
		return ST_DB;
	if (!found) {
		ferr_add(fe, "user_id", "not_found", "There is no such active user.");
		return ST_INVALID;
	}
	if (due_on && (!date_valid(due_on) || strcmp(due_on, today) < 0)) {
		ferr_add(fe, "due_on", "out_of_range", "The due date is in the past.");
		return ST_INVALID;
	}
	if (db_query(db, &r,
		     "SELECT id FROM policies WHERE category = 'pledge' AND on_exit = 1 AND "
		     "published_version_id IS NOT NULL ORDER BY id LIMIT 32",
		     P0))
		return ST_DB;
	while (db_next(&r))
		ids[n++] = db_int(&r, 0);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return ST_DB;
	if (!n) {
		ferr_add(fe, "policy", "none", "No pledge asked on exit is published.");
		return ST_INVALID;
	}
	for (size_t i = 0; i < n; i++) {
		enum status st = ask_one(db, who, "pledge_exit", ids[i], user_id, "退職時の誓約",
					 due_on ? due_on : today, fe);
		if (st != ST_OK)
			return st;
		++*count;
	}
	return ST_OK;
}

/* --- what waits for officers -------------------------------------------------------------- */

static int overdue_tasks(const struct task_query *tq, json_t *out)
{
	struct dbrows r;
	if (db_query(tq->db, &r,
		     "SELECT c.id, c.title, COUNT(*), MIN(i.due_on) FROM campaigns c JOIN "
		     "campaign_items i ON i.campaign_id = c.id AND i.cycle_start = c.cycle_start "
		     "WHERE c.kind IN ('pledge', 'pledge_hire', 'pledge_exit') AND c.status = "
		     "'running' AND i.status = 'pending' AND i.due_on < ? GROUP BY c.id, c.title "
		     "ORDER BY MIN(i.due_on), c.id LIMIT 200",
		     P(V_TEXT(tq->today))))
		return -1;
	while (db_next(&r)) {
		char key[48], link[64];
		snprintf(key, sizeof(key), "pledge_overdue:%lld", (long long)db_int(&r, 0));
		snprintf(link, sizeof(link), "/pledges/campaigns/%lld", (long long)db_int(&r, 0));
		task_add(out, "pledge_overdue", key, db_text(&r, 1), NULL, db_text(&r, 3), true,
			 link, json_pack("{s:I}", "people", (json_int_t)db_int(&r, 2)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

const struct task_source policies_tasks[] = {
	{ "pledge_overdue", "pledges.manage", overdue_tasks },
	{ 0 },
};

/* --- routes ------------------------------------------------------------------------------- */

static struct policy_viewer viewer_of(struct req *req)
{
	return (struct policy_viewer){ req->user->id, req_can(req, "policies.manage"),
				       req_can(req, "policies.approve"),
				       (const char *const *)req->user->perms };
}

static bool reads_all(struct req *req)
{
	return req_can(req, "pledges.read") || req_can(req, "pledges.manage");
}

static int64_t query_int(struct req *req, const char *name)
{
	int64_t v = 0;
	const char *s = req_query(req, name);
	if (s && *s)
		parse_i64(s, 1, INT64_MAX, &v);
	return v;
}

/* GET /pledges: the pledge documents, with how many active people signed the current one. */
static int pledges_list(struct req *req)
{
	struct dbrows r;
	if (db_query(
		    req->db, &r,
		    "SELECT p.id, p.title_ja, p.title_en, p.on_hire, p.on_exit, v.id, v.number, "
		    "v.effective_on, (SELECT COUNT(*) FROM users u WHERE u.status = 'active'), "
		    "(SELECT COUNT(DISTINCT a.user_id) FROM pledge_acknowledgements a JOIN users u "
		    "ON u.id = a.user_id AND u.status = 'active' WHERE a.policy_version_id = "
		    "p.published_version_id) FROM policies p LEFT JOIN policy_versions v ON v.id = "
		    "p.published_version_id WHERE p.category = 'pledge' ORDER BY p.title_ja, p.id",
		    P0))
		return -1;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(
			items,
			json_pack("{s:I,s:{s:s,s:s},s:b,s:b,s:o,s:I,s:I}", "id",
				  (json_int_t)db_int(&r, 0), "title", "ja", db_text(&r, 1), "en",
				  db_text(&r, 2), "on_hire", (int)db_int(&r, 3), "on_exit",
				  (int)db_int(&r, 4), "published",
				  db_isnull(&r, 5) ? json_null()
						   : json_pack("{s:I,s:I,s:s?}", "id",
							       (json_int_t)db_int(&r, 5), "number",
							       (json_int_t)db_int(&r, 6),
							       "effective_on", db_text(&r, 7)),
				  "people", (json_int_t)db_int(&r, 8), "signed",
				  (json_int_t)db_int(&r, 9)));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return -1;
	}
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* Is policy `id` a published pledge? Adds a field error on `field` otherwise. */
static int check_pledge(struct db *db, int64_t id, const char *field, char **title,
			struct ferrors *fe)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT category, published_version_id, title_ja FROM policies WHERE id = ?",
		     P(V_INT(id))))
		return -1;
	if (!db_next(&r))
		ferr_add(fe, field, "not_found", "There is no such document.");
	else if (strcmp(db_text(&r, 0), "pledge"))
		ferr_add(fe, field, "not_a_pledge", "This document is not a pledge.");
	else if (db_isnull(&r, 1))
		ferr_add(fe, field, "not_published", "The pledge has no published version yet.");
	else if (title)
		*title = xstrdup(db_text(&r, 2));
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static int pledges_campaign_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	char today[11], *title = NULL;
	int64_t policy = req_int(req, "policy_id", 0), id = 0;
	tz_today(today);
	if (check_pledge(req->db, policy, "policy_id", &title, &fe)) {
		ferr_release(&fe);
		return -1;
	}
	enum status st = ST_INVALID;
	if (!ferr_any(&fe)) {
		const char *given = req_str(req, "title");
		struct campaign_new c = {
			.title = given && *given ? given : title,
			.ref_id = policy,
			.starts_on = req_str(req, "starts_on") ? req_str(req, "starts_on") : today,
			.due_on = req_str(req, "due_on"),
			.recurrence =
				req_str(req, "recurrence") ? req_str(req, "recurrence") : "once",
			.targets = req_field(req, "targets"),
		};
		st = campaign_create(req->db, &who, &pledges_campaigns[0], &c, &id, &fe);
	}
	free(title);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? campaign_json(req->db, id) : NULL);
}

static int pledges_exit(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int count = 0;
	enum status st = pledges_request_exit(req->db, &who, req_int(req, "user_id", 0),
					      req_str(req, "due_on"), &count, &fe);
	return reply_outcome(req, st, &fe, 201,
			     st == ST_OK ? json_pack("{s:i}", "requested", count) : NULL);
}

/* The acknowledgement record `id` (printable); NULL when none. */
static json_t *ack_json(struct db *db, int64_t id)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT a.id, a.policy_id, p.title_ja, p.title_en, a.policy_version_id, "
		     "v.number, v.effective_on, v.body_ja, v.body_en, v.format, v.file_name, "
		     "a.user_id, a.user_name, u.login, a.department_name, a.employment_type, "
		     "a.occasion, a.body_hash, a.ip, a.acknowledged_at, a.campaign_item_id FROM "
		     "pledge_acknowledgements a JOIN policies p ON p.id = a.policy_id JOIN "
		     "policy_versions v ON v.id = a.policy_version_id JOIN users u ON u.id = "
		     "a.user_id WHERE a.id = ?",
		     P(V_INT(id))))
		return NULL;
	json_t *o = NULL;
	if (db_next(&r))
		o = json_pack("{s:I,s:{s:I,s:{s:s,s:s}},s:{s:I,s:I,s:s?,s:s,s:s?,s:{s:o,s:o}},"
			      "s:{s:I,s:s,s:s,s:s?,s:s},s:s,s:s,s:s,s:s,s:o,s:o}",
			      "id", (json_int_t)db_int(&r, 0), "policy", "id",
			      (json_int_t)db_int(&r, 1), "title", "ja", db_text(&r, 2), "en",
			      db_text(&r, 3), "version", "id", (json_int_t)db_int(&r, 4), "number",
			      (json_int_t)db_int(&r, 5), "effective_on", db_text(&r, 6), "format",
			      db_text(&r, 9), "file_name", db_text(&r, 10), "document", "ja",
			      training_markdown(db_text(&r, 7)), "en",
			      training_markdown(*db_text(&r, 8) ? db_text(&r, 8) : db_text(&r, 7)),
			      "person", "id", (json_int_t)db_int(&r, 11), "name", db_text(&r, 12),
			      "login", db_text(&r, 13), "department", db_text(&r, 14),
			      "employment_type", db_text(&r, 15), "occasion", db_text(&r, 16),
			      "body_hash", db_text(&r, 17), "ip", db_text(&r, 18), "confirmed_with",
			      "password", "acknowledged_at", time_json(&r, 19), "campaign_item_id",
			      db_isnull(&r, 20) ? json_null() : json_integer(db_int(&r, 20)));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int acks_show(struct req *req)
{
	json_t *o = ack_json(req->db, req_param_int(req, "id"));
	if (!o)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	int64_t owner = json_integer_value(json_object_get(json_object_get(o, "person"), "id"));
	if (owner != req->user->id && !reads_all(req)) {
		json_decref(o);
		return reply_status_of(req, ST_NOT_FOUND, NULL);
	}
	return reply_json(req, 200, o);
}

/* A pledge item as its page shows it: the item, the pledge's published version to read, and
 * the acknowledgement once given. The person it is for, or pledges.read. */
static json_t *item_json(struct req *req, int64_t item_id, enum status *st)
{
	struct dbrows r;
	char today[11];
	tz_today(today);
	*st = ST_DB;
	if (db_query(req->db, &r,
		     "SELECT i.id, i.campaign_id, i.cycle_start, i.due_on, i.status, i.version, "
		     "i.user_id, c.kind, c.title, c.status, c.ref_id, (SELECT a.id FROM "
		     "pledge_acknowledgements a WHERE a.campaign_item_id = i.id), s.name FROM "
		     "campaign_items i JOIN campaigns c ON c.id = i.campaign_id JOIN users s ON "
		     "s.id "
		     "= i.subject_id WHERE i.id = ?",
		     P(V_INT(item_id))))
		return NULL;
	json_t *o = NULL;
	int64_t policy = 0;
	if (db_next(&r) && pledge_kind(db_text(&r, 7)) &&
	    (db_int(&r, 6) == req->user->id || reads_all(req))) {
		const char *status = strcmp(db_text(&r, 9), "running") ? "closed" : db_text(&r, 4);
		policy = db_int(&r, 10);
		o = json_pack("{s:I,s:{s:I,s:s,s:s,s:s},s:s,s:s,s:s,s:b,s:I,s:s,s:o,s:b}", "id",
			      (json_int_t)db_int(&r, 0), "campaign", "id",
			      (json_int_t)db_int(&r, 1), "kind", db_text(&r, 7), "title",
			      db_text(&r, 8), "status", db_text(&r, 9), "cycle_start",
			      db_text(&r, 2), "due_on", db_text(&r, 3), "status", status, "overdue",
			      !strcmp(status, "pending") && strcmp(db_text(&r, 3), today) < 0,
			      "version", (json_int_t)db_int(&r, 5), "person", db_text(&r, 12),
			      "acknowledgement_id",
			      db_isnull(&r, 11) ? json_null() : json_integer(db_int(&r, 11)),
			      "can_acknowledge",
			      db_int(&r, 6) == req->user->id && !strcmp(status, "pending"));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto fail;
	if (!o) {
		*st = ST_NOT_FOUND;
		return NULL;
	}
	struct policy_viewer v = viewer_of(req);
	json_t *p = policy_json(req->db, policy, &v);
	if (!p)
		goto fail;
	json_object_del(p, "versions");
	json_object_set_new(o, "policy", p);
	*st = ST_OK;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static int items_show(struct req *req)
{
	enum status st;
	json_t *o = item_json(req, req_param_int(req, "id"), &st);
	return o ? reply_json(req, 200, o) : reply_status_of(req, st, NULL);
}

static int items_acknowledge(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct campaign_item it;
	char kind[33];
	int64_t id = req_param_int(req, "id");
	int rc = campaign_item_load(req->db, id, &it);
	if (rc)
		return rc < 0 ? -1 : reply_status_of(req, ST_NOT_FOUND, NULL);
	json_decref(it.answer);
	rc = campaign_kind_of(req->db, it.campaign_id, kind);
	if (rc < 0)
		return -1;
	if (rc || !pledge_kind(kind) || it.user_id != req->user->id)
		return reply_status_of(req, ST_NOT_FOUND, NULL);
	/* argon2id takes tens of milliseconds: checked before, not inside, the transaction. */
	struct dbrows r;
	char *hash = NULL;
	if (db_query(req->db, &r, "SELECT password_hash FROM users WHERE id = ?",
		     P(V_INT(req->user->id))))
		return -1;
	if (db_next(&r))
		hash = arena_strdup(&req->arena, db_text(&r, 0));
	db_rows_free(&r);
	if (!hash)
		return -1;
	if (!password_verify(hash, req_str(req, "password")))
		return wrong_own_password(req, "password", "pledge.password_failed");
	json_t *in = json_pack("{s:b,s:b,s:{s:I,s:b}}", "final", 1, "confirmed", 1, "answer",
			       "policy_version_id",
			       (json_int_t)req_int(req, "policy_version_id", 0), "acknowledged", 1);
	enum status st = campaign_answer(req->db, &who, kind_named(kind), id, in,
					 req_int(req, "version", 0), &fe);
	json_decref(in);
	if (st != ST_OK)
		return reply_outcome(req, st, &fe, 200, NULL);
	ferr_release(&fe);
	int64_t ack;
	bool found;
	if (db_query_int(req->db, &ack, &found,
			 "SELECT id FROM pledge_acknowledgements WHERE campaign_item_id = ?",
			 P(V_INT(id))) ||
	    !found)
		return -1;
	json_t *o = ack_json(req->db, ack);
	return o ? reply_json(req, 201, o) : -1;
}

/* GET /me/pledges: what I still have to sign and what I signed. */
static int me_pledges(struct req *req)
{
	struct dbrows r;
	char today[11];
	tz_today(today);
	if (db_query(req->db, &r,
		     "SELECT i.id, c.id, c.kind, c.title, i.due_on FROM campaign_items i JOIN "
		     "campaigns c ON c.id = i.campaign_id WHERE i.user_id = ? AND i.status = "
		     "'pending' AND c.status = 'running' AND c.kind IN ('pledge', 'pledge_hire', "
		     "'pledge_exit') ORDER BY i.due_on, i.id",
		     P(V_INT(req->user->id))))
		return -1;
	json_t *pending = json_array(), *signed_ = json_array();
	while (db_next(&r))
		json_array_append_new(pending,
				      json_pack("{s:I,s:I,s:s,s:s,s:s,s:b}", "item_id",
						(json_int_t)db_int(&r, 0), "campaign_id",
						(json_int_t)db_int(&r, 1), "kind", db_text(&r, 2),
						"title", db_text(&r, 3), "due_on", db_text(&r, 4),
						"overdue", strcmp(db_text(&r, 4), today) < 0));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed ||
	    db_query(req->db, &r,
		     "SELECT a.id, p.title_ja, p.title_en, v.number, a.occasion, a.acknowledged_at "
		     "FROM pledge_acknowledgements a JOIN policies p ON p.id = a.policy_id JOIN "
		     "policy_versions v ON v.id = a.policy_version_id WHERE a.user_id = ? ORDER BY "
		     "a.acknowledged_at DESC, a.id DESC",
		     P(V_INT(req->user->id)))) {
		json_decref(pending);
		json_decref(signed_);
		return -1;
	}
	while (db_next(&r))
		json_array_append_new(signed_, json_pack("{s:I,s:{s:s,s:s},s:I,s:s,s:o}", "id",
							 (json_int_t)db_int(&r, 0), "title", "ja",
							 db_text(&r, 1), "en", db_text(&r, 2),
							 "number", (json_int_t)db_int(&r, 3),
							 "occasion", db_text(&r, 4),
							 "acknowledged_at", time_json(&r, 5)));
	failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(pending);
		json_decref(signed_);
		return -1;
	}
	return reply_json(req, 200,
			  json_pack("{s:o,s:o}", "pending", pending, "acknowledged", signed_));
}

/* GET /pledges/campaigns/{id}: the campaign, the pledge, progress and my own item. */
static int campaigns_show(struct req *req)
{
	int64_t id = req_param_int(req, "id"), mine = 0;
	char kind[33];
	bool found = false;
	int rc = campaign_kind_of(req->db, id, kind);
	if (rc)
		return rc < 0 ? -1 : reply_status_of(req, ST_NOT_FOUND, NULL);
	if (!pledge_kind(kind))
		return reply_status_of(req, ST_NOT_FOUND, NULL);
	if (db_query_int(
		    req->db, &mine, &found,
		    "SELECT id FROM campaign_items WHERE campaign_id = ? AND user_id = ? ORDER "
		    "BY cycle_start DESC, id DESC LIMIT 1",
		    P(V_INT(id), V_INT(req->user->id))))
		return -1;
	if (!found && !reads_all(req))
		return reply_status_of(req, ST_NOT_FOUND, NULL);
	json_t *c = campaign_json(req->db, id);
	json_t *progress = c && reads_all(req) ? campaign_progress(req->db, id, 0) : json_array();
	enum status st = ST_OK;
	json_t *item = found ? item_json(req, mine, &st) : json_null();
	if (!c || !progress || !item) {
		json_decref(c);
		json_decref(progress);
		json_decref(item);
		return -1;
	}
	json_object_set_new(c, "progress", progress);
	json_object_set_new(c, "my_item", item);
	json_object_set_new(c, "sees_progress", json_boolean(reads_all(req)));
	json_object_set_new(c, "can_manage", json_boolean(req_can(req, "campaigns.manage")));
	return reply_json(req, 200, c);
}

/* --- who has and has not signed ----------------------------------------------------------- */

static const char status_head[] =
	"SELECT u.id, u.name, u.login, u.employment_type, u.department_id, d.name, a.id, "
	"v.number, a.acknowledged_at, a.occasion, (SELECT MIN(i.due_on) FROM campaign_items i "
	"JOIN campaigns c ON c.id = i.campaign_id WHERE c.kind IN ('pledge', 'pledge_hire', "
	"'pledge_exit') AND c.ref_id = p.id AND c.status = 'running' AND i.subject_id = u.id AND "
	"i.status = 'pending'), CASE WHEN a.id IS NULL THEN 'never' WHEN a.policy_version_id = "
	"p.published_version_id THEN 'current' ELSE 'outdated' END FROM policies p JOIN users u "
	"ON u.status = 'active' LEFT JOIN departments d ON d.id = u.department_id LEFT JOIN "
	"pledge_acknowledgements a ON a.id = (SELECT x.id FROM pledge_acknowledgements x WHERE "
	"x.user_id = u.id AND x.policy_id = p.id ORDER BY x.acknowledged_at DESC, x.id DESC "
	"LIMIT 1) LEFT JOIN policy_versions v ON v.id = a.policy_version_id";

static int status_query(struct req *req, struct dbrows *r)
{
	struct query q;
	const char *v;
	query_init(&q, status_head);
	query_add(&q, "WHERE p.id = ? AND p.category = 'pledge'",
		  P(V_INT(query_int(req, "policy_id"))));
	if (query_int(req, "department_id"))
		query_add(&q, "AND u.department_id = ?", P(V_INT(query_int(req, "department_id"))));
	if ((v = req_query(req, "employment_type")) && *v)
		query_add(&q, "AND u.employment_type = ?", P(V_TEXT(v)));
	if ((v = req_query(req, "state")) && *v) {
		if (!strcmp(v, "current"))
			query_add(&q, "AND a.policy_version_id = p.published_version_id", NULL, 0);
		else if (!strcmp(v, "unsigned"))
			query_add(&q,
				  "AND (a.id IS NULL OR a.policy_version_id <> "
				  "p.published_version_id OR p.published_version_id IS NULL)",
				  NULL, 0);
		else if (!strcmp(v, "never"))
			query_add(&q, "AND a.id IS NULL", NULL, 0);
		else if (!strcmp(v, "outdated"))
			query_add(&q,
				  "AND a.id IS NOT NULL AND a.policy_version_id <> "
				  "p.published_version_id",
				  NULL, 0);
	}
	query_add(&q, "ORDER BY d.name, u.name, u.id", NULL, 0);
	int rc = query_run(req->db, &q, r);
	query_release(&q);
	return rc;
}

/* The policy asked for must be a pledge; answers 404 otherwise. */
static int status_policy(struct req *req, bool *ok)
{
	int64_t one;
	*ok = false;
	if (db_query_int(req->db, &one, ok,
			 "SELECT 1 FROM policies WHERE id = ? AND category = 'pledge'",
			 P(V_INT(query_int(req, "policy_id")))))
		return -1;
	if (!*ok)
		reply_status_of(req, ST_NOT_FOUND, NULL);
	return 0;
}

/* A page of the people (`limit`, from the `cursor`-th in the list's order), with the summary
 * of all of them: an organisation of 100,000 is not one answer. */
static int pledges_status(struct req *req)
{
	struct dbrows r;
	bool ok;
	char today[11];
	int64_t limit = query_int(req, "limit"), from = query_int(req, "cursor"), at = 0;
	if (limit <= 0)
		limit = STATUS_PAGE_DEFAULT;
	tz_today(today);
	if (status_policy(req, &ok))
		return -1;
	if (!ok)
		return 0;
	if (status_query(req, &r))
		return -1;
	json_t *items = json_array(), *summary = json_object();
	while (db_next(&r)) {
		const char *state = db_text(&r, 11), *due = db_text(&r, 10);
		int64_t pos = at++;
		if (pos >= from && pos < from + limit)
			json_array_append_new(
				items,
				json_pack("{s:{s:I,s:s,s:s},s:s,s:o,s:s,s:o,s:o}", "user", "id",
					  (json_int_t)db_int(&r, 0), "name", db_text(&r, 1),
					  "login", db_text(&r, 2), "employment_type",
					  db_text(&r, 3), "department",
					  db_isnull(&r, 4) ? json_null()
							   : json_pack("{s:I,s:s}", "id",
								       (json_int_t)db_int(&r, 4),
								       "name", db_text(&r, 5)),
					  "state", state, "acknowledgement",
					  db_isnull(&r, 6)
						  ? json_null()
						  : json_pack("{s:I,s:I,s:o,s:s}", "id",
							      (json_int_t)db_int(&r, 6), "number",
							      (json_int_t)db_int(&r, 7),
							      "acknowledged_at", time_json(&r, 8),
							      "occasion", db_text(&r, 9)),
					  "pending",
					  due ? json_pack("{s:s,s:b}", "due_on", due, "overdue",
							  strcmp(due, today) < 0)
					      : json_null()));
		/* Per department and employment type: how many signed the current version. */
		char key[160];
		snprintf(key, sizeof(key), "%lld|%s",
			 db_isnull(&r, 4) ? 0LL : (long long)db_int(&r, 4), db_text(&r, 3));
		json_t *s = json_object_get(summary, key);
		if (!s) {
			s = json_pack("{s:o,s:s,s:i,s:i}", "department",
				      db_isnull(&r, 4) ? json_null()
						       : json_pack("{s:I,s:s}", "id",
								   (json_int_t)db_int(&r, 4),
								   "name", db_text(&r, 5)),
				      "employment_type", db_text(&r, 3), "people", 0, "current", 0);
			json_object_set_new(summary, key, s);
		}
		json_t *n = json_object_get(s, "people");
		json_integer_set(n, json_integer_value(n) + 1);
		if (!strcmp(state, "current")) {
			n = json_object_get(s, "current");
			json_integer_set(n, json_integer_value(n) + 1);
		}
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		json_decref(summary);
		return -1;
	}
	json_t *sum_list = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(summary, key, v)
	{
		json_array_append(sum_list, v);
	}
	json_decref(summary);
	return reply_json(req, 200,
			  json_pack("{s:o,s:o,s:I,s:o}", "items", items, "summary", sum_list,
				    "total", (json_int_t)at, "next_cursor",
				    from + limit < at ? json_integer(from + limit) : json_null()));
}

static const char *ja_word(const char *code)
{
	static const struct {
		const char *code, *ja;
	} words[] = {
		{ "current", "提出済み（現行版）" },
		{ "outdated", "旧版のみ提出" },
		{ "never", "未提出" },
		{ "regular", "正社員" },
		{ "contract", "契約社員" },
		{ "dispatched", "派遣社員" },
		{ "part_time", "パート・アルバイト" },
		{ "contractor", "委託先従業者" },
		{ "hire", "入社時" },
		{ "exit", "退職時" },
		{ "yearly", "年次" },
		{ "once", "随時" },
	};
	for (size_t i = 0; code && i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].code, code))
			return words[i].ja;
	return code ? code : "";
}

static int status_export(struct req *req, enum export_format fmt)
{
	struct dbrows r;
	bool ok;
	if (status_policy(req, &ok))
		return -1;
	if (!ok)
		return 0;
	if (status_query(req, &r))
		return -1;
	json_t *rows = json_array();
	while (db_next(&r)) {
		char at[21] = "";
		if (!db_isnull(&r, 8))
			time_rfc3339(db_int(&r, 8), at);
		json_array_append_new(
			rows,
			json_pack("[s,s,s?,s,s,o,s,s,s?]", db_text(&r, 1), db_text(&r, 2),
				  db_text(&r, 5), ja_word(db_text(&r, 3)), ja_word(db_text(&r, 11)),
				  db_isnull(&r, 7) ? json_null() : json_integer(db_int(&r, 7)), at,
				  db_text(&r, 9) ? ja_word(db_text(&r, 9)) : "", db_text(&r, 10)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(rows);
		return -1;
	}
	json_t *headers = json_pack("[s,s,s,s,s,s,s,s,s]", "氏名", "ログインID", "部署", "雇用形態",
				    "状態", "提出した版", "提出日時", "機会", "未提出分の期限");
	int rc = reply_export(req, fmt, "pledge_status", headers, rows);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

static int status_csv(struct req *req)
{
	return status_export(req, EXPORT_CSV);
}

static int status_xlsx(struct req *req)
{
	return status_export(req, EXPORT_XLSX);
}

static const char *const recurrences[] = { "once", "yearly", NULL };
static const char *const states[] = { "current", "outdated", "never", "unsigned", NULL };
static const char *const employment[] = { "regular",   "contract",   "dispatched",
					  "part_time", "contractor", NULL };
static const char *const encodings[] = { "utf-8", "cp932", NULL };

static const struct field campaign_body[] = {
	{ "policy_id", FT_ID, F_REQUIRED },
	{ "title", FT_STRING, 0, .max = 200 },
	{ "targets", FT_STRARRAY, F_REQUIRED, .max = 80 },
	{ "starts_on", FT_DATE, 0 },
	{ "due_on", FT_DATE, F_REQUIRED },
	{ "recurrence", FT_ENUM, 0, .choices = recurrences },
	{ 0 },
};

static const struct field exit_body[] = {
	{ "user_id", FT_ID, F_REQUIRED },
	{ "due_on", FT_DATE, 0 },
	{ 0 },
};

static const struct field acknowledge_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "policy_version_id", FT_ID, F_REQUIRED },
	{ "password", FT_STRING, F_REQUIRED, .min = 1, .max = 1024 },
	{ 0 },
};

static const struct field status_query_fields[] = {
	{ "policy_id", FT_ID, 0 },
	{ "department_id", FT_ID, 0 },
	{ "employment_type", FT_ENUM, 0, .choices = employment },
	{ "state", FT_ENUM, 0, .choices = states },
	{ "limit", FT_INT, 0, .min = 1, .max = STATUS_PAGE_MAX },
	{ "cursor", FT_INT, 0, .min = 0 },
	{ 0 },
};

static const struct field status_export_fields[] = {
	{ "policy_id", FT_ID, 0 },
	{ "department_id", FT_ID, 0 },
	{ "employment_type", FT_ENUM, 0, .choices = employment },
	{ "state", FT_ENUM, 0, .choices = states },
	{ "encoding", FT_ENUM, 0, .choices = encodings },
	{ 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/pledges", "pledges.read", pledges_list },
	{ "POST", "/api/v1/pledges/campaigns", "pledges.manage", pledges_campaign_create,
	  .body = campaign_body },
	{ "GET", "/api/v1/pledges/campaigns/{id:int}", "campaigns.take", campaigns_show },
	{ "POST", "/api/v1/pledges/exit", "pledges.manage", pledges_exit, .body = exit_body },
	{ "GET", "/api/v1/pledges/status", "pledges.read", pledges_status,
	  .query = status_query_fields },
	{ "GET", "/api/v1/pledges/status.csv", "pledges.read", status_csv,
	  .query = status_export_fields },
	{ "GET", "/api/v1/pledges/status.xlsx", "pledges.read", status_xlsx,
	  .query = status_export_fields },
	{ "GET", "/api/v1/pledges/items/{id:int}", "campaigns.take", items_show },
	{ "POST", "/api/v1/pledges/items/{id:int}/acknowledge", "campaigns.take", items_acknowledge,
	  .body = acknowledge_body },
	{ "GET", "/api/v1/pledges/acknowledgements/{id:int}", "campaigns.take", acks_show },
	{ "GET", "/api/v1/me/pledges", PERM_SIGNED_IN, me_pledges },
};

const struct route_table pledges_routes = { routes, ARRAY_SIZE(routes) };

const struct permission pledges_permissions[] = {
	{ "pledges.manage", "policies" },
	{ "pledges.read", "policies" },
	{ 0 },
};
