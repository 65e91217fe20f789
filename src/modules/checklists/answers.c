/* answers.c — checklist campaigns: the campaign kind, answers, what each person may see,
 * conformance, exports' rows and corrective actions from a "no". */
#include <stdlib.h>
#include <string.h>

#include "checklists.h"
#include "internal.h"
#include "../actions/actions.h"
#include "../../lib/timeutil.h"
#include "../../store/query.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The content of checklist version `version_id` (owned), or NULL (none or error). */
json_t *checklist_version_content(struct db *db, int64_t version_id)
{
	struct dbrows r;
	json_t *c = NULL;
	if (db_query(db, &r, "SELECT content FROM checklist_versions WHERE id = ?",
		     P(V_INT(version_id))))
		return NULL;
	if (db_next(&r))
		c = json_loads(db_text(&r, 0), 0, NULL);
	db_rows_free(&r);
	return c;
}

/* --- the campaign kind -------------------------------------------------------------------- */

/* Checks an answer against the campaign's version and, when it is final, keeps each item as a
 * row for counting (in the engine's transaction, before it marks the item done). */
static enum status on_answer(struct db *db, const struct actor *who,
			     const struct campaign_item *item, json_t *in, struct ferrors *fe)
{
	bool final = !json_is_false(json_object_get(in, "final"));
	json_t *answer = json_object_get(in, "answer");
	json_t *content = checklist_version_content(db, item->ref_id);
	int64_t department = 0, one;
	bool found;
	if (!content)
		return ST_DB;
	checklist_answers_check(content, answer, final, fe);
	if (ferr_any(fe)) {
		json_decref(content);
		return ST_INVALID;
	}
	enum status st = ST_OK;
	if (!final)
		goto out;
	st = ST_DB;
	if (db_query_int(db, &one, &found,
			 "SELECT COALESCE(department_id, 0) FROM campaign_items WHERE id = ?",
			 P(V_INT(item->id))))
		goto out;
	department = found ? one : 0;
	json_t *answers = json_object_get(answer, "answers");
	int64_t now = now_unix();
	int position = 0;
	size_t s, i;
	json_t *sec, *it;
	json_array_foreach(json_object_get(content, "sections"), s, sec)
	{
		json_array_foreach(json_object_get(sec, "items"), i, it)
		{
			const char *key = jstr(it, "key");
			json_t *a = json_object_get(answers, key);
			const char *comment = jstr(a, "comment");
			if (db_exec(db,
				    "INSERT INTO checklist_answers (campaign_item_id, campaign_id, "
				    "version_id, cycle_start, user_id, department_id, item_key, "
				    "position, answer, comment, answered_at) VALUES (?, ?, ?, ?, "
				    "?, ?, "
				    "?, ?, ?, ?, ?)",
				    P(V_INT(item->id), V_INT(item->campaign_id),
				      V_INT(item->ref_id), V_TEXT(item->cycle_start),
				      V_INT(who->id), V_ID(department), V_TEXT(key),
				      V_INT(++position), V_TEXT(jstr(a, "answer")),
				      V_TEXT(comment ? comment : ""), V_INT(now))))
				goto out;
		}
	}
	st = ST_OK;
out:
	json_decref(content);
	return st;
}

const struct campaign_kind checklists_campaigns[] = {
	{ .kind = "checklist",
	  .link = "/checklists/campaigns/",
	  .manage_perm = "checklists.manage",
	  .escalate = false,
	  .answer = on_answer },
	{ 0 },
};

enum status checklist_campaign_create(struct db *db, const struct actor *who, json_t *in,
				      int64_t *id, struct ferrors *fe)
{
	struct dbrows r;
	int64_t version_id = 0;
	char *title = NULL, today[11];
	bool archived = false, found = false;
	tz_today(today);
	if (db_query(db, &r,
		     "SELECT current_version_id, title_ja, archived FROM checklist_templates WHERE "
		     "id = ?",
		     P(V_INT(json_integer_value(json_object_get(in, "template_id"))))))
		return ST_DB;
	if (db_next(&r)) {
		found = true;
		version_id = db_isnull(&r, 0) ? 0 : db_int(&r, 0);
		title = xstrdup(db_text(&r, 1));
		archived = db_int(&r, 2) != 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		free(title);
		return ST_DB;
	}
	if (!found)
		ferr_add(fe, "template_id", "not_found", "There is no such checklist.");
	else if (!version_id)
		ferr_add(fe, "template_id", "not_published", "Publish the checklist first.");
	else if (archived)
		ferr_add(fe, "template_id", "archived", "The checklist is archived.");
	if (ferr_any(fe)) {
		free(title);
		return ST_INVALID;
	}
	const char *given = jstr(in, "title");
	struct campaign_new c = {
		.title = given && *given ? given : title,
		.ref_id = version_id,
		.starts_on = jstr(in, "starts_on") ? jstr(in, "starts_on") : today,
		.due_on = jstr(in, "due_on"),
		.recurrence = jstr(in, "recurrence") ? jstr(in, "recurrence") : "once",
		.targets = json_object_get(in, "targets"),
	};
	enum status st = campaign_create(db, who, &checklists_campaigns[0], &c, id, fe);
	free(title);
	return st;
}

/* --- who sees what ------------------------------------------------------------------------ */

void checklist_scope_where(struct query *q, const struct checklist_viewer *v, const char *user_col,
			   const char *dept_col)
{
	if (v->all)
		return;
	/* The columns are literal names chosen by the callers, never input. */
	struct buf b = BUF_INIT;
	buf_printf(&b,
		   "AND (%s = ? OR %s IN (SELECT id FROM departments WHERE manager_id = ? OR "
		   "deputy_id = ?))",
		   user_col, dept_col);
	query_add(q, b.buf, P(V_INT(v->user_id), V_INT(v->user_id), V_INT(v->user_id)));
	buf_release(&b);
}

int checklist_may_see(struct db *db, const struct checklist_viewer *v, int64_t user_id,
		      int64_t department_id, bool *ok)
{
	int64_t one;
	bool found = false;
	*ok = v->all || user_id == v->user_id;
	if (*ok || !department_id)
		return 0;
	if (db_query_int(
		    db, &one, &found,
		    "SELECT 1 FROM departments WHERE id = ? AND (manager_id = ? OR deputy_id = "
		    "?)",
		    P(V_INT(department_id), V_INT(v->user_id), V_INT(v->user_id))))
		return -1;
	*ok = found;
	return 0;
}

/* --- corrective action from a "no" -------------------------------------------------------- */

struct action_op {
	const struct actor *who;
	const struct checklist_viewer *viewer;
	int64_t id, action_id;
	json_t *in;
	struct ferrors *fe;
};

/* The item's statement in Japanese (owned; "" when not found). */
static char *statement_of(json_t *content, const char *key)
{
	size_t s, i;
	json_t *sec, *it;
	json_array_foreach(json_object_get(content, "sections"), s, sec)
	{
		json_array_foreach(json_object_get(sec, "items"), i, it)
		{
			if (!strcmp(jstr(it, "key"), key)) {
				const char *t = json_string_value(
					json_object_get(json_object_get(it, "statement"), "ja"));
				return xstrdup(t ? t : "");
			}
		}
	}
	return xstrdup("");
}

/* At most `max` characters of `s` (UTF-8), in place. */
static void clip(char *s, size_t max)
{
	size_t chars = 0;
	for (char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && ++chars > max) {
			*p = '\0';
			return;
		}
	}
}

static enum status action_fn(struct db *db, void *arg)
{
	struct action_op *o = arg;
	struct dbrows r;
	char lock[48], today[11], due[11];
	int64_t user_id = 0, department = 0, version_id = 0, campaign_id = 0, existing = 0;
	char *answer = NULL, *comment = NULL, *key = NULL, *ctitle = NULL, *cycle = NULL;
	char *statement = NULL;
	json_t *content = NULL;
	enum status st = ST_DB;
	bool ok;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "checklist_answer:%lld", (long long)o->id);
	if (db_lock(db, lock) ||
	    db_query(db, &r,
		     "SELECT a.user_id, COALESCE(a.department_id, 0), a.answer, a.comment, "
		     "a.item_key, a.version_id, COALESCE(a.action_id, 0), c.title, a.cycle_start, "
		     "c.id FROM checklist_answers a JOIN campaigns c ON c.id = a.campaign_id WHERE "
		     "a.id = ?",
		     P(V_INT(o->id))))
		return ST_DB;
	bool found = db_next(&r);
	if (found) {
		user_id = db_int(&r, 0);
		department = db_int(&r, 1);
		answer = xstrdup(db_text(&r, 2));
		comment = xstrdup(db_text(&r, 3));
		key = xstrdup(db_text(&r, 4));
		version_id = db_int(&r, 5);
		existing = db_int(&r, 6);
		ctitle = xstrdup(db_text(&r, 7));
		cycle = xstrdup(db_text(&r, 8));
		campaign_id = db_int(&r, 9);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto out;
	st = ST_NOT_FOUND;
	if (!found || checklist_may_see(db, o->viewer, user_id, department, &ok))
		goto out;
	if (!ok)
		goto out; /* nobody learns of answers that are not theirs to see */
	const char *owner = jstr(o->in, "owner");
	int64_t owner_id = user_id;
	if (strcmp(answer, "no"))
		ferr_add(o->fe, "answer", "not_no", "Only a \"no\" becomes a corrective action.");
	else if (existing)
		ferr_add(o->fe, "answer", "already_open",
			 "A corrective action is already open for this answer.");
	if (owner && !strcmp(owner, "manager")) {
		if (wf_manager_of(db, user_id, &owner_id)) {
			st = ST_DB;
			goto out;
		}
		if (!owner_id)
			ferr_add(o->fe, "owner", "no_manager",
				 "This person has no manager; choose the person themselves.");
	}
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	content = checklist_version_content(db, version_id);
	if (!content) {
		st = ST_DB;
		goto out;
	}
	statement = statement_of(content, key);
	clip(statement, 190);
	tz_today(today);
	date_add(today, 30, due);
	struct buf title = BUF_INIT, source = BUF_INIT;
	buf_printf(&title, "点検: %s", statement);
	buf_printf(&source, "%s (%s)", ctitle, cycle);
	clip(source.buf, 200);
	const char *given_title = jstr(o->in, "title");
	struct action_new a = {
		.source_type = "checklist_answer",
		.source_id = o->id,
		.source_title = source.buf,
		.kind = "corrective",
		.title = given_title && *given_title ? given_title : title.buf,
		.cause = comment,
		.plan = jstr(o->in, "plan"),
		.owner_id = owner_id,
		.due_on = jstr(o->in, "due_on") ? jstr(o->in, "due_on") : due,
	};
	st = action_open_tx(db, o->who, &a, &o->action_id, o->fe);
	buf_release(&title);
	buf_release(&source);
	if (st != ST_OK)
		goto out;
	st = ST_DB;
	if (db_exec(db,
		    "UPDATE checklist_answers SET action_id = ? WHERE id = ? AND action_id IS NULL",
		    P(V_INT(o->action_id), V_INT(o->id))))
		goto out;
	json_t *sum = json_pack("{s:I,s:I,s:s,s:I}", "action_id", (json_int_t)o->action_id,
				"campaign_id", (json_int_t)campaign_id, "item_key", key, "owner_id",
				(json_int_t)owner_id);
	int rc = audit_append(db, o->who, "checklist.action", "checklist_answer", o->id, sum);
	json_decref(sum);
	st = rc ? ST_DB : ST_OK;
out:
	free(answer);
	free(comment);
	free(key);
	free(ctitle);
	free(cycle);
	free(statement);
	json_decref(content);
	return st;
}

enum status checklist_answer_action(struct db *db, const struct actor *who,
				    const struct checklist_viewer *viewer, int64_t answer_id,
				    json_t *in, int64_t *action_id, struct ferrors *fe)
{
	struct action_op o = { who, viewer, answer_id, 0, in, fe };
	enum status st = db_tx_st(db, action_fn, &o);
	*action_id = o.action_id;
	return st;
}
