/* missing.c — a take-out's missing item opens an incident; the officer names another checker. */
#include <string.h>

#include "takeouts_impl.h"
#include "../incidents/incidents.h"
#include "../pinfo/pinfo.h"
#include "../../lib/timeutil.h"

/* --- missing items: the incident ---------------------------------------------------------- */

/* The personal-data facts of a missing item for its incident, from the registers as they are
 * now (the item's own facts when the entry has gone or it is not a register entry): the
 * entries it holds (named on the incident), their data items, the number of people (their
 * sum: an upper bound when entries overlap, so a threshold is never missed), sensitive data,
 * My Numbers, and the medium. */
static int pd_facts(struct db *db, json_t *item, json_t *facts)
{
	struct buf items = BUF_INIT, media = BUF_INIT;
	int64_t count = 0;
	bool unknown = false, any = jbool(item, "has_pinfo"), sensitive = jbool(item, "sensitive");
	bool mynumber = false, linked = false;
	json_t *ids = json_array(), *found = json_array();
	json_t *pinfo_id = json_object_get(item, "pinfo_id");
	json_t *asset_id = json_object_get(item, "asset_id");
	int rc = 0;
	if (json_is_integer(pinfo_id)) {
		json_array_append(ids, pinfo_id);
	} else if (json_is_integer(asset_id)) {
		json_decref(ids);
		ids = takeout_asset_entries(db, json_integer_value(asset_id));
		rc = ids ? 0 : -1;
	}
	size_t i;
	json_t *id;
	json_array_foreach(rc ? NULL : ids, i, id)
	{
		json_t *e = pinfo_json(db, &reg_scope_all, json_integer_value(id));
		if (!e) {
			if (db_errkind(db) != DBE_NONE) {
				rc = -1;
				break;
			}
			continue; /* gone since: the item's own facts stand */
		}
		if (linked)
			buf_addch(&items, '\n');
		linked = any = true;
		json_array_append(found, id);
		buf_printf(&items, "%s: %s", jstr(e, "name"), jstr(e, "items"));
		json_t *n = json_object_get(e, "record_count");
		if (json_is_integer(n))
			count += json_integer_value(n);
		else
			unknown = true;
		sensitive |= jbool(e, "sensitive");
		mynumber |= jbool(e, "my_number");
		json_decref(e);
	}
	json_decref(ids);
	if (!linked)
		unknown = true;
	if (!strcmp(jstr(item, "kind"), "device"))
		buf_printf(&media, "端末: %s（%s）", jstr(item, "label"), jstr(item, "asset_tag"));
	else
		buf_adds(&media, jbool(item, "electronic") ? "電子データ" : "紙");
	json_object_set_new(facts, "pd_involved", json_boolean(any));
	json_object_set_new(facts, "pd_items", json_string(items.len ? items.buf : ""));
	json_object_set_new(facts, "pd_sensitive", json_boolean(any && sensitive));
	json_object_set_new(facts, "pd_mynumber", json_boolean(mynumber));
	json_object_set_new(facts, "pd_media", json_string(media.buf));
	json_object_set_new(facts, "pinfo_ids", found);
	if (any && !unknown)
		json_object_set_new(facts, "pd_count", json_integer(count));
	buf_release(&items);
	buf_release(&media);
	return rc;
}

struct missing_op {
	struct app *app;
	const struct takeout_viewer *v;
	int64_t id, item_id;
	json_t *in;
	int64_t incident_id;
	struct ferrors *fe;
};

/* The item as a JSON object of its stored columns (label, register ids, facts, state). */
static json_t *item_row(struct db *db, int64_t takeout_id, int64_t item_id)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r,
		     "SELECT i.label, i.asset_id, i.pinfo_id, i.has_pinfo, i.sensitive, i.state, "
		     "i.electronic, i.kind, i.asset_tag FROM takeout_items i WHERE i.takeout_id = "
		     "? AND i.id = ?",
		     P(V_INT(takeout_id), V_INT(item_id))))
		return NULL;
	if (db_next(&r))
		o = json_pack(
			"{s:s,s:o,s:o,s:b,s:b,s:s,s:b,s:s,s:s}", "label", db_text(&r, 0),
			"asset_id", db_isnull(&r, 1) ? json_null() : json_integer(db_int(&r, 1)),
			"pinfo_id", db_isnull(&r, 2) ? json_null() : json_integer(db_int(&r, 2)),
			"has_pinfo", db_int(&r, 3) != 0, "sensitive", db_int(&r, 4) != 0, "state",
			db_text(&r, 5), "electronic", db_int(&r, 6) != 0, "kind", db_text(&r, 7),
			"asset_tag", db_text(&r, 8));
	if (r.failed) {
		json_decref(o);
		o = NULL;
	}
	db_rows_free(&r);
	return o;
}

/* May `by` report an item of this take-out missing: its requester, checker, the requester's
 * manager, or the privacy officer. */
int takeout_may_report(struct db *db, const struct wf_actor *by, const struct takeout_record *rec,
		       bool *may)
{
	int64_t me = by->actor->id, manager;
	*may = me == rec->requester || me == rec->checker ||
	       wf_has_perm(by->perms, TAKEOUT_OFFICER_PERM);
	if (*may)
		return 0;
	if (wf_manager_of(db, rec->requester, &manager))
		return -1;
	*may = manager == me;
	return 0;
}

/* The incident's report: what, where, from which take-out; the facts for the officer. */
static json_t *incident_input(json_t *item, const char *destination, const char *purpose,
			      bool encrypted, const char *note, int64_t takeout_id)
{
	struct buf title = BUF_INIT, desc = BUF_INIT;
	char *label = takeout_clip(jstr(item, "label"), 150);
	buf_printf(&title, "持ち出し品の紛失: %s", label);
	buf_printf(&desc,
		   "持ち出し申請 No.%lld（/takeouts/%lld）の品目「%s」が戻りませんでした。\n"
		   "持ち出し先: %s\n目的: %s\n",
		   (long long)takeout_id, (long long)takeout_id, jstr(item, "label"), destination,
		   purpose);
	if (*jstr(item, "asset_tag"))
		buf_printf(&desc, "資産番号: %s\n", jstr(item, "asset_tag"));
	if (jbool(item, "electronic"))
		buf_adds(&desc, encrypted ? "申請では暗号化済みとされています（高度な暗号化かどう"
					    "かを確認してください）。\n"
					  : "申請では暗号化されていません。\n");
	if (note && *note)
		buf_printf(&desc, "状況: %s\n", note);
	json_t *in =
		json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", "incident", "category", "loss", "title",
			  title.buf, "description", desc.buf, "location", destination);
	free(label);
	buf_release(&title);
	buf_release(&desc);
	return in;
}

static enum status missing_fn(struct db *db, void *arg)
{
	struct missing_op *o = arg;
	const struct actor *who = o->v->by->actor;
	struct takeout_record rec;
	char lock[48];
	json_t *item = NULL, *in = NULL;
	enum status st = ST_DB;
	int64_t version = 0, encrypted = 0;
	bool found, may;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "takeout:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	int rc = takeout_record_load(db, o->id, &rec);
	if (rc)
		return rc < 0 ? ST_DB : ST_NOT_FOUND;
	if (db_query_int(db, &version, &found, "SELECT version FROM takeouts WHERE id = ?",
			 P(V_INT(o->id))) ||
	    takeout_may_report(db, o->v->by, &rec, &may))
		return ST_DB;
	if (!may) {
		o->fe->code = "not_allowed";
		o->fe->detail = "Only the requester, the checker, their manager or the privacy "
				"officer report a take-out's item missing.";
		return ST_FORBIDDEN;
	}
	if (jint(o->in, "version") != version)
		return ST_CONFLICT;
	if (!(item = item_row(db, o->id, o->item_id))) {
		if (db_errkind(db) != DBE_NONE)
			return ST_DB;
		ferr_add(o->fe, "item_id", "not_found", "This take-out has no such item.");
		return ST_INVALID;
	}
	const char *state = jstr(item, "state");
	if ((strcmp(rec.status, "out") && strcmp(rec.status, "checking")) ||
	    !strcmp(state, "missing") || !strcmp(state, "pending")) {
		ferr_add(o->fe, "item_id", "not_out",
			 !strcmp(state, "missing") ? "This item is already reported missing."
						   : "Only an item that has left can go missing.");
		st = ST_INVALID;
		goto out;
	}
	char *destination = NULL, *purpose = NULL;
	struct dbrows r;
	if (db_query(db, &r, "SELECT destination, purpose, p_encrypted FROM takeouts WHERE id = ?",
		     P(V_INT(o->id))))
		goto out;
	if (db_next(&r)) {
		destination = xstrdup(db_text(&r, 0));
		purpose = xstrdup(db_text(&r, 1));
		encrypted = db_int(&r, 2);
	}
	rc = r.failed;
	db_rows_free(&r);
	if (rc || !destination) {
		free(destination);
		free(purpose);
		goto out;
	}
	in = incident_input(item, destination, purpose, encrypted != 0, jstr(o->in, "note"), o->id);
	free(destination);
	free(purpose);
	if (pd_facts(db, item, in))
		goto out;
	st = incident_open_tx(o->app, db, who, in, &o->incident_id, o->fe);
	if (st != ST_OK)
		goto out;
	st = ST_DB;
	int64_t now = now_unix();
	json_t *link = json_pack("{s:I,s:I,s:s}", "takeout_id", (json_int_t)o->id, "item_id",
				 (json_int_t)o->item_id, "label", jstr(item, "label"));
	json_t *back = json_pack("{s:I,s:I,s:s}", "incident_id", (json_int_t)o->incident_id,
				 "item_id", (json_int_t)o->item_id, "label", jstr(item, "label"));
	rc = db_exec(db,
		     "UPDATE takeout_items SET state = 'missing', missing_at = ?, missing_by = ?, "
		     "missing_note = ?, incident_id = ? WHERE id = ?",
		     P(V_INT(now), V_INT(who->id),
		       V_TEXT(jstr(o->in, "note") ? jstr(o->in, "note") : ""),
		       V_INT(o->incident_id), V_INT(o->item_id))) ||
	     db_exec(db,
		     "UPDATE takeouts SET version = version + 1, updated_at = ? WHERE id = ? AND "
		     "version = ?",
		     P(V_INT(now), V_INT(o->id), V_INT(version))) ||
	     wf_event_add(db, "incident", o->incident_id, who, "takeout", NULL, NULL, false, NULL,
			  link) ||
	     wf_event_add(db, "takeout", o->id, who, "item_missing", NULL, NULL, false,
			  jstr(o->in, "note"), back);
	json_decref(link);
	if (rc) {
		json_decref(back);
		goto out;
	}
	json_object_set_new(back, "pd_involved", json_incref(json_object_get(in, "pd_involved")));
	json_object_set_new(back, "pd_sensitive", json_incref(json_object_get(in, "pd_sensitive")));
	json_t *count = json_object_get(in, "pd_count");
	json_object_set_new(back, "pd_count", count ? json_incref(count) : json_null());
	rc = audit_append(db, who, "takeout.item_missing", "takeout", o->id, back);
	json_decref(back);
	st = rc ? ST_DB : ST_OK;
out:
	json_decref(item);
	json_decref(in);
	return st;
}

enum status takeout_missing(struct app *app, struct db *db, const struct takeout_viewer *v,
			    int64_t id, int64_t item_id, json_t *in, int64_t *incident_id,
			    struct ferrors *fe)
{
	struct missing_op o = { app, v, id, item_id, in, 0, fe };
	enum status st = db_tx_st(db, missing_fn, &o);
	if (st == ST_OK)
		*incident_id = o.incident_id;
	return st;
}

/* --- another checker ----------------------------------------------------------------------- */

struct checker_op {
	const struct takeout_viewer *v;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

static enum status checker_fn(struct db *db, void *arg)
{
	struct checker_op *o = arg;
	struct takeout_record rec;
	char lock[48];
	int64_t version = 0, one, to = jint(o->in, "checker_id");
	bool found;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "takeout:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	int rc = takeout_record_load(db, o->id, &rec);
	if (rc)
		return rc < 0 ? ST_DB : ST_NOT_FOUND;
	if (db_query_int(db, &version, &found, "SELECT version FROM takeouts WHERE id = ?",
			 P(V_INT(o->id))))
		return ST_DB;
	if (jint(o->in, "version") != version)
		return ST_CONFLICT;
	static const char *const open_states[] = { "submitted", "sent_back", "approved", "out",
						   "checking" };
	bool open = false;
	for (size_t i = 0; i < ARRAY_SIZE(open_states); i++)
		open |= !strcmp(rec.status, open_states[i]);
	if (!open)
		ferr_add(o->fe, "checker_id", "takeout_ended",
			 "The take-out has ended: its checker no longer changes.");
	else if (to == rec.requester)
		ferr_add(o->fe, "checker_id", "self_checker",
			 "Someone other than the requester checks the return.");
	else if (db_query_int(db, &one, &found,
			      "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
			      P(V_INT(to))))
		return ST_DB;
	else if (!found)
		ferr_add(o->fe, "checker_id", "not_found", "There is no such active user.");
	if (ferr_any(o->fe))
		return ST_INVALID;
	const char *comment = jstr(o->in, "comment");
	json_t *data =
		json_pack("{s:I,s:I}", "from", (json_int_t)rec.checker, "to", (json_int_t)to);
	rc = db_exec(db,
		     "UPDATE takeouts SET checker_id = ?, version = version + 1, updated_at = ? "
		     "WHERE id = ? AND version = ?",
		     P(V_INT(to), V_INT(now_unix()), V_INT(o->id), V_INT(version))) ||
	     wf_event_add(db, "takeout", o->id, o->v->by->actor, "checker_changed", NULL, NULL,
			  false, comment, data);
	json_object_set_new(data, "comment", json_string(comment));
	if (!rc)
		rc = audit_append(db, o->v->by->actor, "takeout.checker", "takeout", o->id, data);
	json_decref(data);
	return rc ? ST_DB : ST_OK;
}

enum status takeout_set_checker(struct db *db, const struct takeout_viewer *v, int64_t id,
				json_t *in, struct ferrors *fe)
{
	struct checker_op o = { v, id, in, fe };
	return db_tx_st(db, checker_fn, &o);
}
