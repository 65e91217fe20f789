/* ledger.c — reading take-outs: the ledger's rows, one request with its items, candidates. */
#include <string.h>

#include "takeouts_impl.h"
#include "../assets/assets.h"
#include "../pinfo/pinfo.h"
#include "../../lib/jsonw.h"
#include "../../lib/timeutil.h"
#include "../../workflow/approval.h"

static json_t *time_or_null(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

/* --- reading ------------------------------------------------------------------------------- */

const char takeout_list_head[] =
	"SELECT t.id, t.status, t.requester_id, ru.name, t.department_id, d.name, t.checker_id, "
	"cu.name, t.purpose, t.destination, t.leave_on, t.return_on, t.repeating, t.back_on, "
	"t.trip, t.p_encrypted, t.p_password, t.p_copy, t.p_minimum, t.p_by_hand, "
	"t.officer_needed, t.left_at, t.returned_at, t.checked_by, ku.name, t.checked_at, "
	"t.created_at, t.updated_at, t.version, "
	"(SELECT COUNT(*) FROM takeout_items i WHERE i.takeout_id = t.id), "
	"(SELECT COUNT(*) FROM takeout_items i WHERE i.takeout_id = t.id AND i.state = 'out'), "
	"(SELECT COUNT(*) FROM takeout_items i WHERE i.takeout_id = t.id AND i.state = "
	"'missing'), "
	"(SELECT i.label FROM takeout_items i WHERE i.takeout_id = t.id ORDER BY i.position LIMIT "
	"1), "
	"(SELECT i.class_label FROM takeout_items i WHERE i.takeout_id = t.id AND "
	"i.class_position IS NOT NULL ORDER BY i.class_position, i.position LIMIT 1), "
	"(SELECT i.class_label_en FROM takeout_items i WHERE i.takeout_id = t.id AND "
	"i.class_position IS NOT NULL ORDER BY i.class_position, i.position LIMIT 1), "
	"(SELECT COUNT(*) FROM takeout_items i WHERE i.takeout_id = t.id AND i.has_pinfo = 1), "
	"(SELECT COUNT(*) FROM takeout_items i WHERE i.takeout_id = t.id AND i.sensitive = 1) "
	"FROM takeouts t JOIN users ru ON ru.id = t.requester_id "
	"LEFT JOIN departments d ON d.id = t.department_id JOIN users cu ON cu.id = t.checker_id "
	"LEFT JOIN users ku ON ku.id = t.checked_by";

enum {
	L_ID,
	L_STATUS,
	L_REQ,
	L_REQ_NAME,
	L_DEPT,
	L_DEPT_NAME,
	L_CHECKER,
	L_CHECKER_NAME,
	L_PURPOSE,
	L_DEST,
	L_LEAVE,
	L_RETURN,
	L_REPEATING,
	L_BACK_ON,
	L_TRIP,
	L_P_FIRST, /* the five protections, in takeout_protection order */
	L_OFFICER = L_P_FIRST + TP_COUNT,
	L_LEFT_AT,
	L_RETURNED_AT,
	L_CHECKED_BY,
	L_CHECKED_NAME,
	L_CHECKED_AT,
	L_CREATED,
	L_UPDATED,
	L_VERSION,
	L_N_ITEMS,
	L_N_OUT,
	L_N_MISSING,
	L_FIRST_LABEL,
	L_CLASS,
	L_CLASS_EN,
	L_N_PINFO,
	L_N_SENSITIVE,
};

static void w_person(struct jsonw *w, struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col)) {
		jw_null(w);
		return;
	}
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, id_col));
	jw_key(w, "name");
	jw_str(w, db_text(r, name_col));
	jw_object_end(w);
}

static void w_time(struct jsonw *w, struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col)) {
		jw_null(w);
		return;
	}
	time_rfc3339(db_int(r, col), t);
	jw_str(w, t);
}

void takeout_row_write(struct jsonw *w, struct dbrows *r, const char *today)
{
	const char *status = db_text(r, L_STATUS), *back_on = db_text(r, L_BACK_ON);
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, L_ID));
	jw_key(w, "status");
	jw_str(w, status);
	jw_key(w, "requester");
	w_person(w, r, L_REQ, L_REQ_NAME);
	jw_key(w, "department");
	w_person(w, r, L_DEPT, L_DEPT_NAME);
	jw_key(w, "checker");
	w_person(w, r, L_CHECKER, L_CHECKER_NAME);
	jw_key(w, "purpose");
	jw_str(w, db_text(r, L_PURPOSE));
	jw_key(w, "destination");
	jw_str(w, db_text(r, L_DEST));
	jw_key(w, "leave_on");
	jw_str(w, db_text(r, L_LEAVE));
	jw_key(w, "return_on");
	jw_str(w, db_text(r, L_RETURN));
	jw_key(w, "repeating");
	jw_bool(w, db_int(r, L_REPEATING) != 0);
	jw_key(w, "back_on");
	jw_str(w, back_on);
	jw_key(w, "trip");
	jw_int(w, db_int(r, L_TRIP));
	jw_key(w, "protections");
	jw_object(w);
	for (int p = 0; p < TP_COUNT; p++) {
		jw_key(w, takeout_protection_name(p));
		jw_bool(w, db_int(r, L_P_FIRST + p) != 0);
	}
	jw_object_end(w);
	jw_key(w, "officer_needed");
	jw_bool(w, db_int(r, L_OFFICER) != 0);
	jw_key(w, "left_at");
	w_time(w, r, L_LEFT_AT);
	jw_key(w, "returned_at");
	w_time(w, r, L_RETURNED_AT);
	jw_key(w, "checked_by");
	w_person(w, r, L_CHECKED_BY, L_CHECKED_NAME);
	jw_key(w, "checked_at");
	w_time(w, r, L_CHECKED_AT);
	jw_key(w, "item_count");
	jw_int(w, db_int(r, L_N_ITEMS));
	jw_key(w, "first_label");
	jw_str(w, db_text(r, L_FIRST_LABEL));
	jw_key(w, "top_class");
	if (db_isnull(r, L_CLASS)) {
		jw_null(w);
	} else {
		jw_object(w);
		jw_key(w, "label");
		jw_str(w, db_text(r, L_CLASS));
		jw_key(w, "label_en");
		jw_str(w, db_text(r, L_CLASS_EN));
		jw_object_end(w);
	}
	jw_key(w, "has_pinfo");
	jw_bool(w, db_int(r, L_N_PINFO) > 0);
	jw_key(w, "sensitive");
	jw_bool(w, db_int(r, L_N_SENSITIVE) > 0);
	jw_key(w, "out_count");
	jw_int(w, db_int(r, L_N_OUT));
	jw_key(w, "missing_count");
	jw_int(w, db_int(r, L_N_MISSING));
	jw_key(w, "overdue");
	jw_bool(w, db_int(r, L_N_OUT) > 0 && takeout_item_overdue(TI_OUT, back_on, today));
	jw_key(w, "created_at");
	w_time(w, r, L_CREATED);
	jw_key(w, "updated_at");
	w_time(w, r, L_UPDATED);
	jw_key(w, "version");
	jw_int(w, db_int(r, L_VERSION));
	jw_object_end(w);
}

void takeout_visible_where(struct query *q, const struct takeout_viewer *v)
{
	int64_t me = v->by->actor->id;
	if (v->all)
		return;
	query_add(q,
		  "AND (t.requester_id = ? OR t.checker_id = ? OR t.requester_id IN (SELECT u.id "
		  "FROM users u WHERE u.manager_id = ?) OR t.department_id IN (SELECT d.id FROM "
		  "departments d WHERE d.manager_id = ? OR d.deputy_id = ?) OR EXISTS (SELECT 1 "
		  "FROM approvals a JOIN approval_steps s ON s.approval_id = a.id WHERE "
		  "a.record_type = 'takeout' AND a.record_id = t.id AND (s.approver_id = ? OR "
		  "s.decided_by = ?)) OR",
		  P(V_INT(me), V_INT(me), V_INT(me), V_INT(me), V_INT(me), V_INT(me), V_INT(me)));
	/* a delegate, a deputy or an escalation's manager who may decide it today */
	approval_decider_exists(q, "takeout", "t.id", me, v->today);
	query_add(q, ")", NULL, 0);
}

/* The record's row as a JSON object, or NULL (none visible, or an error: db_errkind). */
static json_t *row_json(struct db *db, const struct takeout_viewer *v, int64_t id)
{
	struct query q;
	struct dbrows r;
	char today[11];
	json_t *o = NULL;
	tz_today(today);
	query_init(&q, takeout_list_head);
	query_add(&q, "WHERE t.id = ?", P(V_INT(id)));
	takeout_visible_where(&q, v);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return NULL;
	if (db_next(&r)) {
		struct buf out = BUF_INIT;
		struct jsonw w;
		jw_init(&w, &out);
		takeout_row_write(&w, &r, today);
		o = json_loadb(out.buf, out.len, 0, NULL);
		buf_release(&out);
	}
	if (r.failed) {
		json_decref(o);
		o = NULL;
	}
	db_rows_free(&r);
	return o;
}

static json_t *person_or_null(struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col))
		return json_null();
	return json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, id_col), "name",
			 db_text(r, name_col));
}

/* The item's incident, with its web path. */
static json_t *incident_link(struct dbrows *r, int col)
{
	char link[48];
	if (db_isnull(r, col))
		return json_null();
	snprintf(link, sizeof(link), "/incidents/%lld", (long long)db_int(r, col));
	return json_pack("{s:I,s:s}", "id", (json_int_t)db_int(r, col), "link", link);
}

/* The items as the API shows them, with their facts as they were approved. */
static json_t *items_json(struct db *db, int64_t id, const char *back_on, const char *today)
{
	struct dbrows r;
	if (db_query(
		    db, &r,
		    "SELECT i.id, i.position, i.kind, i.asset_id, i.pinfo_id, i.asset_tag, "
		    "i.label, "
		    "i.electronic, i.classification_id, i.class_label, i.class_label_en, "
		    "i.highest, i.lowest, i.has_pinfo, i.sensitive, i.state, i.back_at, i.back_by, "
		    "bu.name, i.missing_at, i.missing_by, mu.name, i.missing_note, i.incident_id, "
		    "i.class_position FROM takeout_items i LEFT JOIN users bu ON bu.id = "
		    "i.back_by LEFT JOIN users mu ON mu.id = i.missing_by WHERE i.takeout_id = ? "
		    "ORDER BY i.position",
		    P(V_INT(id))))
		return NULL;
	json_t *out = json_array();
	while (db_next(&r)) {
		int state = takeout_item_state_of(db_text(&r, 15));
		json_t *cls =
			db_isnull(&r, 8)
				? json_null()
				: json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)db_int(&r, 8),
					    "label", db_text(&r, 9), "label_en", db_text(&r, 10),
					    "position",
					    db_isnull(&r, 24) ? json_null()
							      : json_integer(db_int(&r, 24)));
		json_t *item = json_pack(
			"{s:I,s:I,s:s,s:o,s:o,s:s,s:s,s:s,s:b,s:b,s:o,s:b,s:b,s:b,s:b,s:s,s:b}",
			"id", (json_int_t)db_int(&r, 0), "position", (json_int_t)db_int(&r, 1),
			"kind", db_text(&r, 2), "asset_id",
			db_isnull(&r, 3) ? json_null() : json_integer(db_int(&r, 3)), "pinfo_id",
			db_isnull(&r, 4) ? json_null() : json_integer(db_int(&r, 4)), "asset_tag",
			db_text(&r, 5), "label", db_text(&r, 6), "medium",
			db_int(&r, 7) ? "electronic" : "paper", "electronic", db_int(&r, 7) != 0,
			"device", !strcmp(db_text(&r, 2), "device"), "classification", cls,
			"highest", db_int(&r, 11) != 0, "lowest", db_int(&r, 12) != 0, "has_pinfo",
			db_int(&r, 13) != 0, "sensitive", db_int(&r, 14) != 0, "state",
			db_text(&r, 15), "overdue", takeout_item_overdue(state, back_on, today));
		json_object_set_new(item, "back_at", time_or_null(&r, 16));
		json_object_set_new(item, "back_by", person_or_null(&r, 17, 18));
		json_object_set_new(item, "missing_at", time_or_null(&r, 19));
		json_object_set_new(item, "missing_by", person_or_null(&r, 20, 21));
		json_object_set_new(item, "missing_note", json_string(db_text(&r, 22)));
		json_object_set_new(item, "incident", incident_link(&r, 23));
		json_array_append_new(out, item);
	}
	if (r.failed) {
		json_decref(out);
		out = NULL;
	}
	db_rows_free(&r);
	return out;
}

/* May the viewer see the record beyond the list's rule: as whoever may decide its approval
 * now (a delegate, a deputy). */
static int may_decide_now(struct db *db, const struct takeout_viewer *v, int64_t id, bool *may)
{
	json_t *a = approval_of_record(db, "takeout", id, v->by->actor->id, v->by->perms);
	if (!a)
		return -1;
	*may = json_is_true(json_object_get(a, "can_decide"));
	json_decref(a);
	return 0;
}

json_t *takeout_json(struct db *db, const struct takeout_viewer *v, int64_t id, enum status *st)
{
	char today[11];
	*st = ST_DB;
	tz_today(today);
	json_t *o = row_json(db, v, id);
	if (!o) {
		if (db_errkind(db) != DBE_NONE)
			return NULL;
		/* Not in the viewer's list: a delegate or deputy deciding its approval may look. */
		struct takeout_viewer all = *v;
		bool may = false;
		all.all = true;
		if (may_decide_now(db, v, id, &may))
			return NULL;
		if (may)
			o = row_json(db, &all, id);
		if (!o) {
			if (db_errkind(db) == DBE_NONE)
				*st = ST_NOT_FOUND;
			return NULL;
		}
	}
	json_t *items = items_json(db, id, jstr(o, "back_on"), today);
	json_t *approval =
		items ? approval_of_record(db, "takeout", id, v->by->actor->id, v->by->perms)
		      : NULL;
	json_t *tl = approval ? wf_timeline(db, "takeout", id, true, NULL, NULL) : NULL;
	json_t *allowed = tl ? wf_allowed(db, &takeout_workflow, v->by, id) : NULL;
	struct takeout_record rec;
	bool may_missing = false;
	if (!allowed || takeout_record_load(db, id, &rec) ||
	    takeout_may_report(db, v->by, &rec, &may_missing)) {
		json_decref(items);
		json_decref(approval);
		json_decref(tl);
		json_decref(allowed);
		json_decref(o);
		return NULL;
	}
	struct takeout_assessment a;
	unsigned stated = takeout_stated(json_object_get(o, "protections"));
	takeout_assess_items(items, stated, &a);
	takeout_assessment_json(o, &a, stated, json_array_size(items));
	json_object_set_new(o, "items", items);
	json_object_set_new(o, "approval", approval);
	json_object_set_new(o, "timeline", tl);
	json_object_set_new(o, "allowed_transitions", allowed);
	json_object_set_new(o, "can_report_missing",
			    json_boolean(may_missing && (!strcmp(rec.status, "out") ||
							 !strcmp(rec.status, "checking"))));
	json_object_set_new(o, "is_mine", json_boolean(rec.requester == v->by->actor->id));
	*st = ST_OK;
	return o;
}

/* --- item candidates from the registers ------------------------------------------------------ */

json_t *takeout_candidates(struct db *db, const struct takeout_viewer *v, const char *q,
			   int64_t limit)
{
	json_t *assets = NULL, *entries = NULL, *out = json_array();
	int64_t next;
	struct asset_filter af = { .q = q, .has_pinfo = -1 };
	struct pinfo_filter pf = { .q = q, .sensitive = -1 };
	size_t i;
	json_t *x;
	if (assets_list(db, v->scope, &af, 0, limit, &assets, &next) ||
	    pinfo_list(db, v->scope, &pf, 0, limit, &entries, &next)) {
		json_decref(assets);
		json_decref(out);
		return NULL;
	}
	json_array_foreach(assets, i, x)
	{
		const char *type = jstr(x, "asset_type");
		if (!strcmp(type, "cloud") || !strcmp(type, "people"))
			continue;
		json_array_append_new(
			out,
			json_pack("{s:s,s:O,s:O,s:s,s:{s:O,s:O?,s:O?},s:O,s:s}", "kind", "asset",
				  "asset_id", json_object_get(x, "id"), "label",
				  json_object_get(x, "name"), "asset_type", type, "classification",
				  "id", json_object_get(x, "classification_id"), "label",
				  json_object_get(x, "classification_label"), "label_en",
				  json_object_get(x, "classification_label_en"), "has_pinfo",
				  json_object_get(x, "has_pinfo"), "medium",
				  strcmp(type, "paper") ? "electronic" : "paper"));
	}
	json_array_foreach(entries, i, x)
	{
		json_array_append_new(out, json_pack("{s:s,s:O,s:O,s:b,s:O?,s:O?}", "kind", "pinfo",
						     "pinfo_id", json_object_get(x, "id"), "label",
						     json_object_get(x, "name"), "has_pinfo", 1,
						     "sensitive", json_object_get(x, "sensitive"),
						     "record_count",
						     json_object_get(x, "record_count")));
	}
	json_decref(assets);
	json_decref(entries);
	return out;
}
