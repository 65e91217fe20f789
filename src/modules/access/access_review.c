/* access_review.c — 権限棚卸: each manager confirms or changes their people's roles and end
 * dates; the changes take effect when the review is closed. */
#include <string.h>

#include "access.h"
#include "../../auth/session.h"
#include "../../lib/timeutil.h"

/* A person's item is their manager's; someone without one is left to whoever started the
 * review, so that nobody escapes it. */
static int reviewer_of(struct db *db, int64_t campaign_id, int64_t subject_id, int64_t *user_id)
{
	bool found;
	if (wf_manager_of(db, subject_id, user_id))
		return -1;
	if (*user_id)
		return 0;
	if (db_query_int(db, user_id, &found,
			 "SELECT COALESCE(created_by, 0) FROM campaigns WHERE id = ?",
			 P(V_INT(campaign_id))))
		return -1;
	if (*user_id == subject_id)
		*user_id = 0; /* nobody reviews their own access */
	return 0;
}

/* {decision: keep | change, remove_roles: [names the person holds], valid_until: date or
 * null, comment}: a change needs a comment and at least one change. */
static enum status answer(struct db *db, const struct actor *who, const struct campaign_item *it,
			  json_t *in, struct ferrors *fe)
{
	(void)who;
	json_t *a = json_object_get(in, "answer");
	const char *decision = json_string_value(json_object_get(a, "decision"));
	json_t *remove = json_object_get(a, "remove_roles");
	json_t *until = json_object_get(a, "valid_until");
	const char *comment = json_string_value(json_object_get(a, "comment"));
	bool final = !json_is_false(json_object_get(in, "final"));
	if (!decision || (strcmp(decision, "keep") && strcmp(decision, "change"))) {
		ferr_add(fe, "answer.decision", "invalid_choice", "Keep or change.");
		return ST_INVALID;
	}
	if (remove && !json_is_array(remove))
		ferr_add(fe, "answer.remove_roles", "invalid_type", "A list of role names.");
	if (until && !json_is_null(until) &&
	    (!json_is_string(until) || !date_valid(json_string_value(until))))
		ferr_add(fe, "answer.valid_until", "invalid_date", "Must be a real date.");
	if (comment && utf8_len(comment, strlen(comment)) > 1000)
		ferr_add(fe, "answer.comment", "too_long", "At most 1000 characters.");
	if (ferr_any(fe))
		return ST_INVALID;
	size_t i;
	json_t *e;
	json_array_foreach(remove, i, e)
	{
		int64_t one;
		bool found;
		if (!json_is_string(e) ||
		    db_query_int(
			    db, &one, &found,
			    "SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE "
			    "ur.user_id = ? AND r.name = ?",
			    P(V_INT(it->subject_id), V_TEXT(json_string_value(e)))))
			return json_is_string(e) ? ST_DB : ST_INVALID;
		if (!found) {
			ferr_add(fe, "answer.remove_roles", "invalid_choice",
				 "The person does not hold this role.");
			return ST_INVALID;
		}
	}
	if (final && !strcmp(decision, "change")) {
		if (!json_array_size(remove) && (!until || json_is_null(until)))
			ferr_add(fe, "answer.decision", "nothing_changes",
				 "Choose the roles to remove or give an end date.");
		if (!comment || !*comment)
			ferr_add(fe, "answer.comment", "required", "Say why it changes.");
	}
	return ferr_any(fe) ? ST_INVALID : ST_OK;
}

/* Would the changes (from closed()) leave no active administrator? */
static int leaves_no_admin(struct db *db, json_t *changes, bool *none)
{
	int64_t admins = 0, one;
	bool found;
	size_t i, k;
	json_t *c, *role;
	static const char admin_sql[] =
		"SELECT 1 FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON "
		"r.id "
		"= ur.role_id WHERE u.id = ? AND u.status = 'active' AND r.name = 'admin'";
	if (db_query_int(
		    db, &admins, &found,
		    "SELECT COUNT(*) FROM users u WHERE u.status = 'active' AND EXISTS (SELECT 1 "
		    "FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = "
		    "u.id AND r.name = 'admin')",
		    P0))
		return -1;
	json_array_foreach(changes, i, c){ json_array_foreach(
		json_object_get(json_object_get(c, "answer"), "remove_roles"), k,
		role){ if (strcmp(json_string_value(role) ? json_string_value(role) : "",
				  "admin")) continue;
	if (db_query_int(db, &one, &found, admin_sql,
			 P(V_INT(json_integer_value(json_object_get(c, "subject"))))))
		return -1;
	admins -= found;
}
}
*none = admins <= 0;
return 0;
}

/* Closing the review: every "change" answer of its current cycle takes effect. */
static enum status closed(struct db *db, const struct actor *who, int64_t campaign_id,
			  struct ferrors *fe)
{
	struct dbrows r;
	bool none;
	if (db_query(db, &r,
		     "SELECT i.subject_id, i.answer FROM campaign_items i JOIN campaigns c ON c.id "
		     "= "
		     "i.campaign_id WHERE i.campaign_id = ? AND i.cycle_start = c.cycle_start AND "
		     "i.status = 'done' ORDER BY i.id",
		     P(V_INT(campaign_id))))
		return ST_DB;
	json_t *changes = json_array();
	while (db_next(&r)) {
		json_t *a = db_text(&r, 1) ? json_loads(db_text(&r, 1), 0, NULL) : NULL;
		const char *d = json_string_value(json_object_get(a, "decision"));
		if (d && !strcmp(d, "change"))
			json_array_append_new(changes,
					      json_pack("{s:I,s:o}", "subject",
							(json_int_t)db_int(&r, 0), "answer", a));
		else
			json_decref(a);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (!failed && leaves_no_admin(db, changes, &none))
		failed = 1;
	if (!failed && none) {
		json_decref(changes);
		ferr_add(fe, "status", "last_admin",
			 "The review removes every administrator's role: keep at least one.");
		return ST_INVALID;
	}
	size_t i;
	json_t *c;
	json_array_foreach(changes, i, c)
	{
		if (failed)
			break;
		int64_t subject = json_integer_value(json_object_get(c, "subject"));
		json_t *a = json_object_get(c, "answer");
		json_t *remove = json_object_get(a, "remove_roles"),
		       *until = json_object_get(a, "valid_until");
		size_t k;
		json_t *role;
		json_array_foreach(remove, k, role)
		{
			if (db_exec(db,
				    "DELETE FROM user_roles WHERE user_id = ? AND role_id = "
				    "(SELECT id "
				    "FROM roles WHERE name = ?)",
				    P(V_INT(subject), V_TEXT(json_string_value(role)))))
				failed = 1;
		}
		if (!failed && json_is_string(until) &&
		    db_exec(db, "UPDATE users SET valid_until = ? WHERE id = ?",
			    P(V_TEXT(json_string_value(until)), V_INT(subject))))
			failed = 1;
		if (!failed &&
		    (db_exec(db,
			     "UPDATE users SET updated_at = ?, version = version + 1 WHERE "
			     "id = ?",
			     P(V_INT(now_unix()), V_INT(subject))) ||
		     (json_array_size(remove) && session_end_user(db, subject, NULL))))
			failed = 1;
		if (!failed) {
			json_t *sum =
				json_pack("{s:I,s:O,s:O}", "campaign_id", (json_int_t)campaign_id,
					  "removed_roles", remove ? remove : json_null(),
					  "valid_until", until ? until : json_null());
			failed = audit_append(db, who, "access_review.apply", "user", subject, sum);
			json_decref(sum);
		}
	}
	json_decref(changes);
	return failed ? ST_DB : ST_OK;
}

const struct campaign_kind access_campaigns[] = {
	{ .kind = "access_review",
	  .link = "/access-reviews/",
	  .manage_perm = "campaigns.manage",
	  .escalate = true,
	  .actor_of = reviewer_of,
	  .answer = answer,
	  .closed = closed },
	{ 0 },
};
