/* takeouts.c — take-out requests: items and their facts, the rules applied, the workflow. */
#include <string.h>

#include "takeouts_impl.h"
#include "../assets/assets.h"
#include "../pinfo/pinfo.h"
#include "../settings/settings.h"
#include "../../lib/timeutil.h"

#define TITLE_LABEL_CHAR 60

static const struct actor job_actor = { 0, NULL, "job" };

/* The first `max` characters of UTF-8 text `s` (a new string). */
char *takeout_clip(const char *s, size_t max)
{
	size_t chars = 0, i = 0;
	for (; s[i] && chars < max; chars++) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
	}
	return xstrndup(s, i);
}

/* --- items and their facts ------------------------------------------------------------------
 *
 * An item of the registers takes its facts from them (the requester cannot lower them): an
 * asset's classification and personal information — also that of the personal information
 * register entries linked to it — and a register entry's sensitivity and the most protected
 * class among the assets it lives in. Devices (until the device register is here), paper and
 * free-text items carry the classification and personal-data facts the requester gives. */

/* The levels (classifications_list), for declared classifications. */
struct levels {
	json_t *list;
};

static json_t *level_of(const struct levels *lv, int64_t id)
{
	size_t i;
	json_t *l;
	json_array_foreach(lv->list, i, l)
	{
		if (jint(l, "id") == id)
			return l;
	}
	return NULL;
}

/* Sets the item's class from level `l` (an entry of classifications_list). */
static void set_class(json_t *item, json_t *l, int64_t levels)
{
	int64_t pos = jint(l, "position");
	json_object_set(item, "classification_id", json_object_get(l, "id"));
	json_object_set(item, "class_label", json_object_get(l, "label_ja"));
	json_object_set(item, "class_label_en", json_object_get(l, "label_en"));
	json_object_set_new(item, "class_position", json_integer(pos));
	json_object_set_new(item, "highest", json_boolean(pos == 1));
	json_object_set_new(item, "lowest", json_boolean(pos == levels));
}

/* A new resolved item with no class and no personal data. */
static json_t *item_new(const char *kind)
{
	return json_pack("{s:s,s:n,s:n,s:s,s:s,s:b,s:b,s:n,s:s,s:s,s:n,s:b,s:b,s:b,s:b}", "kind",
			 kind, "asset_id", "pinfo_id", "asset_tag", "", "label", "", "electronic",
			 1, "device", 0, "classification_id", "class_label", "", "class_label_en",
			 "", "class_position", "highest", 0, "lowest", 0, "has_pinfo", 0,
			 "sensitive", 0);
}

/* Whether register entries live in asset `asset_id`, and whether one holds sensitive data. */
static int asset_pinfo(struct db *db, int64_t asset_id, bool *any, bool *sensitive)
{
	json_t *ids = takeout_asset_entries(db, asset_id);
	size_t i;
	json_t *id;
	int rc = ids ? 0 : -1;
	*any = *sensitive = false;
	json_array_foreach(ids, i, id)
	{
		json_t *e = pinfo_json(db, &reg_scope_all, json_integer_value(id));
		if (!e) {
			if (db_errkind(db) != DBE_NONE) {
				rc = -1;
				break;
			}
			continue;
		}
		*any = true;
		*sensitive |= jbool(e, "sensitive");
		json_decref(e);
	}
	json_decref(ids);
	return rc;
}

json_t *takeout_asset_entries(struct db *db, int64_t asset_id)
{
	struct dbrows r;
	/* Read-only: which register entries live in the asset (pinfo.h has no such query);
	 * callers read each entry through pinfo.h. */
	if (db_query(db, &r,
		     "SELECT pinfo_id FROM pinfo_assets WHERE asset_id = ? ORDER BY pinfo_id",
		     P(V_INT(asset_id))))
		return NULL;
	json_t *ids = json_array();
	while (db_next(&r))
		json_array_append_new(ids, json_integer(db_int(&r, 0)));
	if (r.failed) {
		json_decref(ids);
		ids = NULL;
	}
	db_rows_free(&r);
	return ids;
}

struct resolver {
	struct db *db;
	const struct reg_scope *scope;
	struct levels lv;
	int64_t nlevels;
	struct ferrors *fe;
};

static void item_error(struct resolver *rs, size_t i, const char *field, const char *code,
		       const char *message)
{
	struct buf name = BUF_INIT;
	buf_printf(&name, "items[%zu].%s", i, field);
	ferr_add(rs->fe, name.buf, code, message);
	buf_release(&name);
}

static int resolve_asset(struct resolver *rs, size_t i, json_t *in, json_t *item)
{
	int64_t id = jint(in, "asset_id");
	json_t *a = asset_json(rs->db, rs->scope, id);
	if (!a) {
		if (db_errkind(rs->db) != DBE_NONE)
			return -1;
		item_error(rs, i, "asset_id", "not_found",
			   "There is no such asset in the registers you may use.");
		return 0;
	}
	const char *type = jstr(a, "asset_type");
	if (!strcmp(type, "cloud") || !strcmp(type, "people"))
		item_error(rs, i, "asset_id", "not_portable",
			   "A cloud service or a person is not taken out: choose the data or the "
			   "device that leaves.");
	bool linked, sensitive;
	if (asset_pinfo(rs->db, id, &linked, &sensitive)) {
		json_decref(a);
		return -1;
	}
	json_object_set_new(item, "asset_id", json_integer(id));
	json_object_set(item, "label", json_object_get(a, "name"));
	json_object_set_new(item, "electronic", json_boolean(strcmp(type, "paper") != 0));
	json_object_set_new(item, "device", json_boolean(!strcmp(type, "hardware")));
	json_t *l = level_of(&rs->lv, jint(a, "classification_id"));
	if (l)
		set_class(item, l, rs->nlevels);
	json_object_set_new(item, "has_pinfo", json_boolean(jbool(a, "has_pinfo") || linked));
	json_object_set_new(item, "sensitive", json_boolean(sensitive));
	json_decref(a);
	return 0;
}

static int resolve_pinfo(struct resolver *rs, size_t i, json_t *in, json_t *item)
{
	int64_t id = jint(in, "pinfo_id");
	json_t *p = pinfo_json(rs->db, rs->scope, id);
	if (!p) {
		if (db_errkind(rs->db) != DBE_NONE)
			return -1;
		item_error(rs, i, "pinfo_id", "not_found",
			   "There is no such entry in the personal information register you may "
			   "use.");
		return 0;
	}
	json_object_set_new(item, "pinfo_id", json_integer(id));
	json_object_set(item, "label", json_object_get(p, "name"));
	const char *medium = jstr(in, "medium");
	json_object_set_new(item, "electronic",
			    json_boolean(!medium || strcmp(medium, "paper") != 0));
	json_object_set_new(item, "has_pinfo", json_true());
	json_object_set_new(item, "sensitive", json_boolean(jbool(p, "sensitive")));
	/* The most protected class among the assets the entry lives in. */
	size_t k;
	json_t *aid, *best = NULL;
	json_array_foreach(json_object_get(p, "asset_ids"), k, aid)
	{
		json_t *a = asset_json(rs->db, &reg_scope_all, json_integer_value(aid));
		if (!a) {
			if (db_errkind(rs->db) != DBE_NONE) {
				json_decref(p);
				return -1;
			}
			continue;
		}
		json_t *l = level_of(&rs->lv, jint(a, "classification_id"));
		if (l && (!best || jint(l, "position") < jint(best, "position")))
			best = l;
		json_decref(a);
	}
	if (best)
		set_class(item, best, rs->nlevels);
	json_decref(p);
	return 0;
}

/* A device, paper or free-text item: the requester's words and facts. */
static void resolve_declared(struct resolver *rs, size_t i, json_t *in, json_t *item)
{
	const char *kind = jstr(in, "kind");
	bool device = !strcmp(kind, "device"), paper = !strcmp(kind, "paper");
	const char *medium = jstr(in, "medium");
	if (!jstr(in, "label"))
		item_error(rs, i, "label", "required", "Say what it is.");
	if (device && !jstr(in, "asset_tag"))
		item_error(rs, i, "asset_tag", "required", "Give the device's asset tag.");
	json_t *cid = json_object_get(in, "classification_id");
	json_t *l = json_is_integer(cid) ? level_of(&rs->lv, json_integer_value(cid)) : NULL;
	if (!cid)
		item_error(rs, i, "classification_id", "required",
			   "Choose the class of the information it holds.");
	else if (!l)
		item_error(rs, i, "classification_id", "not_found", "There is no such class.");
	else
		set_class(item, l, rs->nlevels);
	json_object_set_new(item, "label", json_string(jstr(in, "label") ? jstr(in, "label") : ""));
	json_object_set_new(item, "asset_tag",
			    json_string(jstr(in, "asset_tag") ? jstr(in, "asset_tag") : ""));
	json_object_set_new(item, "device", json_boolean(device));
	json_object_set_new(
		item, "electronic",
		json_boolean(device || (!paper && (!medium || strcmp(medium, "paper")))));
	bool sensitive = jbool(in, "sensitive");
	json_object_set_new(item, "has_pinfo", json_boolean(jbool(in, "has_pinfo") || sensitive));
	json_object_set_new(item, "sensitive", json_boolean(sensitive));
}

/* Which fields each kind of item takes (besides "kind"). */
static const struct {
	const char *kind;
	const char *fields[7];
} item_fields[] = {
	{ "asset", { "asset_id" } },
	{ "pinfo", { "pinfo_id", "medium" } },
	{ "device", { "label", "asset_tag", "classification_id", "has_pinfo", "sensitive" } },
	{ "paper", { "label", "classification_id", "has_pinfo", "sensitive" } },
	{ "other", { "label", "medium", "classification_id", "has_pinfo", "sensitive" } },
};

static bool kind_takes(size_t k, const char *field)
{
	if (!strcmp(field, "kind"))
		return true;
	for (size_t j = 0; j < ARRAY_SIZE(item_fields[k].fields) && item_fields[k].fields[j]; j++)
		if (!strcmp(item_fields[k].fields[j], field))
			return true;
	return false;
}

/* Resolves the items of a request body into `out` (an array of item objects with their
 * facts); field errors go to rs->fe. -1 on database error. */
static int resolve_items(struct resolver *rs, json_t *items, json_t *out)
{
	size_t i, j;
	json_t *in, *other;
	json_array_foreach(items, i, in)
	{
		const char *kind = jstr(in, "kind");
		size_t k = 0;
		while (k < ARRAY_SIZE(item_fields) && strcmp(item_fields[k].kind, kind))
			k++;
		if (k == ARRAY_SIZE(item_fields))
			continue; /* the schema has refused it */
		const char *key;
		json_t *v;
		json_object_foreach(in, key, v)
		{
			if (!kind_takes(k, key))
				item_error(rs, i, key, "not_applicable",
					   "This kind of item does not take this field.");
		}
		json_t *item = item_new(kind);
		int rc = 0;
		if (!strcmp(kind, "asset") || !strcmp(kind, "pinfo")) {
			const char *idf = !strcmp(kind, "asset") ? "asset_id" : "pinfo_id";
			if (!json_is_integer(json_object_get(in, idf))) {
				item_error(rs, i, idf, "required",
					   "Choose the entry from the register.");
			} else {
				/* The same register entry twice is one item. */
				json_array_foreach(items, j, other)
				{
					if (j < i && !strcmp(jstr(other, "kind"), kind) &&
					    jint(other, idf) == jint(in, idf))
						item_error(rs, i, idf, "duplicate",
							   "This entry is already on the list.");
				}
				rc = !strcmp(kind, "asset") ? resolve_asset(rs, i, in, item)
							    : resolve_pinfo(rs, i, in, item);
			}
		} else {
			resolve_declared(rs, i, in, item);
		}
		if (rc) {
			json_decref(item);
			return -1;
		}
		json_array_append_new(out, item);
	}
	return 0;
}

static void facts_of(json_t *item, struct takeout_facts *f)
{
	f->electronic = jbool(item, "electronic");
	f->device = jbool(item, "device");
	f->has_pinfo = jbool(item, "has_pinfo");
	f->sensitive = jbool(item, "sensitive");
	f->highest = jbool(item, "highest");
	f->lowest = jbool(item, "lowest");
}

/* The assessment of resolved items against the protections stated. */
void takeout_assess_items(json_t *items, unsigned stated, struct takeout_assessment *a)
{
	struct takeout_facts f[MAX_ITEMS];
	size_t n = json_array_size(items);
	if (n > MAX_ITEMS)
		n = MAX_ITEMS;
	for (size_t i = 0; i < n; i++)
		facts_of(json_array_get(items, i), &f[i]);
	takeout_assess(f, n, stated, a);
}

/* The protections stated in a body (or a stored record's object of booleans). */
unsigned takeout_stated(json_t *o)
{
	unsigned s = 0;
	for (int p = 0; p < TP_COUNT; p++)
		if (jbool(o, takeout_protection_name(p)))
			s |= 1u << p;
	return s;
}

static json_t *why_names(unsigned why)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = { { TW_ALWAYS, "always" },
		      { TW_HIGHEST, "highest_class" },
		      { TW_SENSITIVE, "sensitive" },
		      { TW_PINFO, "personal_info" },
		      { TW_CLASSIFIED, "classified" } };
	json_t *out = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (why & names[i].bit)
			json_array_append_new(out, json_string(names[i].name));
	return out;
}

/* The assessment as the API shows it: one entry per protection, what is missing, and who
 * approves. */
void takeout_assessment_json(json_t *o, const struct takeout_assessment *a, unsigned stated,
			     size_t nitems)
{
	json_t *reqs = json_array(), *missing = json_array();
	for (int p = 0; p < TP_COUNT; p++) {
		json_t *idx = json_array();
		for (size_t i = 0; i < nitems && i < ARRAY_SIZE(a->item_needs); i++)
			if (a->item_needs[i] & (1u << p))
				json_array_append_new(idx, json_integer((json_int_t)i));
		bool required = a->required & (1u << p);
		json_array_append_new(reqs, json_pack("{s:s,s:b,s:b,s:b,s:o,s:o}", "protection",
						      takeout_protection_name(p), "required",
						      required, "stated", (stated & (1u << p)) != 0,
						      "missing", (a->missing & (1u << p)) != 0,
						      "why", why_names(a->why[p]), "items", idx));
		if (a->missing & (1u << p))
			json_array_append_new(missing, json_string(takeout_protection_name(p)));
	}
	json_object_set_new(o, "requirements", reqs);
	json_object_set_new(o, "missing", missing);
	json_object_set_new(o, "officer_needed", json_boolean(a->officer));
	json_object_set_new(o, "officer_why", why_names(a->officer_why));
	json_object_set_new(o, "approvers",
			    a->officer ? json_pack("[s,s]", "manager", "officer")
				       : json_pack("[s]", "manager"));
}

/* --- checking a request body ----------------------------------------------------------------- */

struct checked {
	json_t *items; /* resolved (owned) */
	unsigned stated;
	struct takeout_assessment a;
};

static void checked_release(struct checked *c)
{
	json_decref(c->items);
	c->items = NULL;
}

/* Checks request body `in` of `requester` on `today`: the period, the checker, the items and
 * — when `submit` — that every required protection is stated and nothing required is absent.
 * Field errors go to fe. -1 on database error. */
static int check_body(struct db *db, const struct reg_scope *scope, int64_t requester, json_t *in,
		      bool submit, struct checked *c, struct ferrors *fe)
{
	char today[11];
	tz_today(today);
	memset(c, 0, sizeof(*c));
	c->items = json_array();
	takeout_check_period(jstr(in, "leave_on"), jstr(in, "return_on"), today, fe);
	json_t *checker = json_object_get(in, "checker_id");
	if (json_is_integer(checker)) {
		int64_t one;
		bool found;
		if (json_integer_value(checker) == requester)
			ferr_add(fe, "checker_id", "self_checker",
				 "Someone other than you checks the return: choose a colleague.");
		else if (db_query_int(db, &one, &found,
				      "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
				      P(V_INT(json_integer_value(checker)))))
			return -1;
		else if (!found)
			ferr_add(fe, "checker_id", "not_found", "There is no such active user.");
	}
	json_t *items = json_object_get(in, "items");
	if (submit && json_array_size(items) == 0)
		ferr_add(fe, "items", "required", "List what leaves.");
	if (json_array_size(items) > MAX_ITEMS)
		ferr_add(fe, "items", "too_many", "At most 20 items on one request.");
	else if (json_array_size(items)) {
		struct resolver rs = { db, scope, { classifications_list(db) }, 0, fe };
		if (!rs.lv.list)
			return -1;
		rs.nlevels = (int64_t)json_array_size(rs.lv.list);
		int rc = resolve_items(&rs, items, c->items);
		json_decref(rs.lv.list);
		if (rc)
			return -1;
	}
	c->stated = takeout_stated(in);
	takeout_assess_items(c->items, c->stated, &c->a);
	if (submit)
		for (int p = 0; p < TP_COUNT; p++)
			if (c->a.missing & (1u << p))
				ferr_add(fe, takeout_protection_name(p), "protection_required",
					 "These items need this protection before they leave.");
	return 0;
}

json_t *takeout_requirements(struct db *db, const struct takeout_viewer *v, json_t *in)
{
	struct checked c;
	struct ferrors fe = FERRORS_INIT;
	if (check_body(db, v->scope, v->by->actor->id, in, false, &c, &fe)) {
		checked_release(&c);
		ferr_release(&fe);
		return NULL;
	}
	json_t *o = json_object();
	takeout_assessment_json(o, &c.a, c.stated, json_array_size(c.items));
	json_object_set_new(o, "items", c.items);
	c.items = NULL;
	json_object_set_new(o, "errors", fe.list ? json_incref(fe.list) : json_array());
	ferr_release(&fe);
	return o;
}

/* --- writing a request ---------------------------------------------------------------------- */

static int insert_items(struct db *db, int64_t id, json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *cid = json_object_get(it, "classification_id");
		json_t *pos = json_object_get(it, "class_position");
		if (db_exec(db,
			    "INSERT INTO takeout_items (takeout_id, position, kind, asset_id, "
			    "pinfo_id, asset_tag, label, electronic, classification_id, "
			    "class_label, "
			    "class_label_en, class_position, highest, lowest, has_pinfo, "
			    "sensitive) "
			    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    P(V_INT(id), V_INT((int64_t)i + 1), V_TEXT(jstr(it, "kind")),
			      V_ID(jint(it, "asset_id")), V_ID(jint(it, "pinfo_id")),
			      V_TEXT(jstr(it, "asset_tag")), V_TEXT(jstr(it, "label")),
			      V_BOOL(jbool(it, "electronic")),
			      json_is_integer(cid) ? V_INT(json_integer_value(cid)) : V_NULL,
			      V_TEXT(jstr(it, "class_label")), V_TEXT(jstr(it, "class_label_en")),
			      json_is_integer(pos) ? V_INT(json_integer_value(pos)) : V_NULL,
			      V_BOOL(jbool(it, "highest")), V_BOOL(jbool(it, "lowest")),
			      V_BOOL(jbool(it, "has_pinfo")), V_BOOL(jbool(it, "sensitive")))))
			return -1;
	}
	return 0;
}

/* What the approver's inbox shows: the first item, how many more, where and when. */
static char *approval_title(json_t *in, json_t *items)
{
	struct buf b = BUF_INIT;
	char *first = takeout_clip(jstr(json_array_get(items, 0), "label"), TITLE_LABEL_CHAR);
	char *dest = takeout_clip(jstr(in, "destination"), TITLE_LABEL_CHAR);
	buf_adds(&b, first);
	if (json_array_size(items) > 1)
		buf_printf(&b, " +%zu", json_array_size(items) - 1);
	buf_printf(&b, " → %s (%s〜%s)", dest, jstr(in, "leave_on"), jstr(in, "return_on"));
	free(first);
	free(dest);
	return buf_detach(&b, NULL);
}

/* Opens the approval: the requester's manager, then the privacy officer when needed; due by
 * the leave date. */
static enum status open_approval(struct db *db, const struct actor *who, int64_t id,
				 int64_t requester, json_t *in, const struct checked *c,
				 struct ferrors *fe)
{
	static const struct approval_step_spec chain[] = {
		{ APPROVER_MANAGER },
		{ APPROVER_PERMISSION, TAKEOUT_OFFICER_PERM },
	};
	int64_t approval_id;
	char *title = approval_title(in, c->items);
	enum status st =
		approval_open_tx(db, who, &takeouts_approvals[0], id, requester, title, chain,
				 c->a.officer ? 2 : 1, jstr(in, "leave_on"), &approval_id, fe);
	free(title);
	return st;
}

static json_t *protections_of(unsigned stated)
{
	json_t *o = json_object();
	for (int p = 0; p < TP_COUNT; p++)
		json_object_set_new(o, takeout_protection_name(p),
				    json_boolean((stated & (1u << p)) != 0));
	return o;
}

/* What the audit trail keeps of a request body (no personal data: items are register names
 * and the requester's labels). */
static json_t *request_summary(json_t *in, const struct checked *c)
{
	json_t *labels = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(c->items, i, it)
	{
		json_array_append(labels, json_object_get(it, "label"));
	}
	return json_pack("{s:O,s:O,s:O,s:b,s:O,s:o,s:o,s:b}", "destination",
			 json_object_get(in, "destination"), "leave_on",
			 json_object_get(in, "leave_on"), "return_on",
			 json_object_get(in, "return_on"), "repeating", jbool(in, "repeating"),
			 "checker_id", json_object_get(in, "checker_id"), "items", labels,
			 "protections", protections_of(c->stated), "officer_needed", c->a.officer);
}

struct create_op {
	struct app *app;
	const struct takeout_viewer *v;
	json_t *in;
	int64_t id;
	struct ferrors *fe;
};

static enum status create_fn(struct db *db, void *arg)
{
	struct create_op *o = arg;
	const struct actor *who = o->v->by->actor;
	struct checked c;
	enum status st = ST_DB;
	int64_t dept = 0;
	bool found;
	ferr_release(o->fe);
	if (check_body(db, o->v->scope, who->id, o->in, true, &c, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	if (db_query_int(db, &dept, &found, "SELECT department_id FROM users WHERE id = ?",
			 P(V_INT(who->id))))
		goto out;
	int64_t now = now_unix();
	if (db_insert(db, &o->id,
		      "INSERT INTO takeouts (requester_id, department_id, checker_id, purpose, "
		      "destination, leave_on, return_on, repeating, p_encrypted, p_password, "
		      "p_copy, p_minimum, p_by_hand, officer_needed, status, created_at, "
		      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', "
		      "?, ?) RETURNING id",
		      P(V_INT(who->id), V_ID(found ? dept : 0), V_INT(jint(o->in, "checker_id")),
			V_TEXT(jstr(o->in, "purpose")), V_TEXT(jstr(o->in, "destination")),
			V_TEXT(jstr(o->in, "leave_on")), V_TEXT(jstr(o->in, "return_on")),
			V_BOOL(jbool(o->in, "repeating")), V_BOOL(c.stated & (1u << TP_ENCRYPTED)),
			V_BOOL(c.stated & (1u << TP_PASSWORD)), V_BOOL(c.stated & (1u << TP_COPY)),
			V_BOOL(c.stated & (1u << TP_MINIMUM)),
			V_BOOL(c.stated & (1u << TP_BY_HAND)), V_BOOL(c.a.officer), V_INT(now),
			V_INT(now))) ||
	    insert_items(db, o->id, c.items) ||
	    wf_event_add(db, "takeout", o->id, who, "created", NULL, "submitted", false, NULL,
			 NULL))
		goto out;
	st = open_approval(db, who, o->id, who->id, o->in, &c, o->fe);
	if (st != ST_OK)
		goto out;
	json_t *sum = request_summary(o->in, &c);
	st = audit_append(db, who, "takeout.create", "takeout", o->id, sum) ? ST_DB : ST_OK;
	json_decref(sum);
out:
	checked_release(&c);
	return st;
}

enum status takeout_create(struct app *app, struct db *db, const struct takeout_viewer *v,
			   json_t *in, int64_t *id, struct ferrors *fe)
{
	struct create_op o = { app, v, in, 0, fe };
	enum status st = db_tx_st(db, create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

/* --- the workflow ----------------------------------------------------------------------------- */

int takeout_record_load(struct db *db, int64_t id, struct takeout_record *rec)
{
	struct dbrows r;
	memset(rec, 0, sizeof(*rec));
	if (db_query(db, &r,
		     "SELECT requester_id, checker_id, trip, repeating, leave_on, return_on, "
		     "back_on, status FROM takeouts WHERE id = ?",
		     P(V_INT(id))))
		return -1;
	int rc = 1;
	if (db_next(&r)) {
		rec->requester = db_int(&r, 0);
		rec->checker = db_int(&r, 1);
		rec->trip = db_int(&r, 2);
		rec->repeating = db_int(&r, 3) != 0;
		snprintf(rec->leave_on, sizeof(rec->leave_on), "%s", db_text(&r, 4));
		snprintf(rec->return_on, sizeof(rec->return_on), "%s", db_text(&r, 5));
		snprintf(rec->back_on, sizeof(rec->back_on), "%s",
			 db_text(&r, 6) ? db_text(&r, 6) : "");
		snprintf(rec->status, sizeof(rec->status), "%s", db_text(&r, 7));
		rc = 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : rc;
}

static json_t *snapshot(struct db *db, int64_t id)
{
	struct takeout_record rec;
	if (takeout_record_load(db, id, &rec))
		return NULL;
	return json_pack("{s:s,s:I,s:s?}", "status", rec.status, "trip", (json_int_t)rec.trip,
			 "back_on", *rec.back_on ? rec.back_on : NULL);
}

/* A record's facts for `when` callbacks (false on error: the move is then not offered). */
static bool load_ctx(const struct wf_ctx *c, struct takeout_record *rec)
{
	return takeout_record_load(c->db, c->id, rec) == 0;
}

static bool never_left(const struct wf_ctx *c)
{
	struct takeout_record rec;
	return load_ctx(c, &rec) && rec.trip == 0;
}

static bool has_left(const struct wf_ctx *c)
{
	struct takeout_record rec;
	return load_ctx(c, &rec) && rec.trip > 0;
}

/* A repeating take-out whose period goes on after today: approved again for the next trip. */
static bool more_trips(const struct wf_ctx *c)
{
	struct takeout_record rec;
	char today[11];
	tz_today(today);
	return load_ctx(c, &rec) && rec.repeating && strcmp(today, rec.return_on) < 0;
}

static bool last_trip(const struct wf_ctx *c)
{
	struct takeout_record rec;
	return load_ctx(c, &rec) && !more_trips(c);
}

/* Leaving: within the approved period; the trip's due-back date not after its end (a
 * repeating take-out says when this trip comes back). */
static int leave_check(struct wf_ctx *c)
{
	struct takeout_record rec;
	char today[11];
	if (takeout_record_load(c->db, c->id, &rec))
		return -1;
	if (c->by->system)
		return 0;
	tz_today(today);
	const char *back = jstr(c->in, "back_on");
	if (strcmp(today, rec.leave_on) < 0)
		ferr_add(c->fe, "to", "too_early", "The approved period has not started yet.");
	else if (strcmp(today, rec.return_on) > 0)
		ferr_add(c->fe, "to", "period_over", "The approved period is over.");
	if (!back && rec.repeating)
		ferr_add(c->fe, "back_on", "required", "Say when this trip comes back.");
	else if (back && (strcmp(back, today) < 0 || strcmp(back, rec.return_on) > 0))
		ferr_add(c->fe, "back_on", "out_of_range",
			 "The trip comes back between today and the end of the approved period.");
	return 0;
}

static int leave_apply(struct wf_ctx *c)
{
	struct takeout_record rec;
	if (takeout_record_load(c->db, c->id, &rec))
		return -1;
	const char *back = c->in ? jstr(c->in, "back_on") : NULL;
	if (!back)
		back = rec.return_on;
	c->data = json_pack("{s:I,s:s}", "trip", (json_int_t)rec.trip + 1, "back_on", back);
	return db_exec(c->db,
		       "UPDATE takeouts SET trip = trip + 1, back_on = ?, left_at = ?, returned_at "
		       "= "
		       "NULL, checked_by = NULL, checked_at = NULL WHERE id = ?",
		       P(V_TEXT(back), V_INT(now_unix()), V_INT(c->id))) ||
	       db_exec(c->db,
		       "UPDATE takeout_items SET state = 'out', back_at = NULL, back_by = NULL "
		       "WHERE takeout_id = ? AND state <> 'missing'",
		       P(V_INT(c->id)));
}

/* The requester accounts for every item: each one still out is ticked back (back_ids) or has
 * been reported missing. */
static int return_check(struct wf_ctx *c)
{
	struct dbrows r;
	json_t *ids = json_object_get(c->in, "back_ids");
	size_t i;
	json_t *v;
	bool unaccounted = false;
	if (db_query(c->db, &r, "SELECT id, state FROM takeout_items WHERE takeout_id = ?",
		     P(V_INT(c->id))))
		return -1;
	json_t *out = json_array();
	while (db_next(&r))
		if (!strcmp(db_text(&r, 1), "out"))
			json_array_append_new(out, json_integer(db_int(&r, 0)));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(out);
		return -1;
	}
	json_array_foreach(ids, i, v)
	{
		bool found = false;
		size_t j;
		json_t *w;
		json_array_foreach(out, j, w)
		{
			found |= json_integer_value(w) == json_integer_value(v);
		}
		if (!found) {
			ferr_add(c->fe, "back_ids", "not_out",
				 "Only items of this take-out that are out can be ticked back.");
			break;
		}
	}
	json_array_foreach(out, i, v)
	{
		bool ticked = false;
		size_t j;
		json_t *w;
		json_array_foreach(ids, j, w)
		{
			ticked |= json_integer_value(w) == json_integer_value(v);
		}
		unaccounted |= !ticked;
	}
	if (unaccounted)
		ferr_add(c->fe, "back_ids", "not_accounted",
			 "Tick every item that is back, or report the ones that are not as "
			 "missing.");
	json_decref(out);
	return 0;
}

static int return_apply(struct wf_ctx *c)
{
	size_t i;
	json_t *v;
	int64_t now = now_unix();
	json_array_foreach(json_object_get(c->in, "back_ids"), i, v)
	{
		if (db_exec(c->db,
			    "UPDATE takeout_items SET state = 'back', back_at = ?, back_by = ? "
			    "WHERE "
			    "takeout_id = ? AND id = ? AND state = 'out'",
			    P(V_INT(now), V_INT(c->by->actor->id), V_INT(c->id),
			      V_INT(json_integer_value(v)))))
			return -1;
	}
	c->data = json_pack("{s:I}", "back",
			    (json_int_t)json_array_size(json_object_get(c->in, "back_ids")));
	return db_exec(c->db, "UPDATE takeouts SET returned_at = ? WHERE id = ?",
		       P(V_INT(now), V_INT(c->id)));
}

/* The second person's confirmation: who and when, and how the trip ended. */
static int confirm_apply(struct wf_ctx *c)
{
	int64_t missing = 0;
	bool found;
	if (db_query_int(c->db, &missing, &found,
			 "SELECT COUNT(*) FROM takeout_items WHERE takeout_id = ? AND state = "
			 "'missing'",
			 P(V_INT(c->id))))
		return -1;
	c->data = json_pack("{s:I}", "missing", (json_int_t)missing);
	return db_exec(c->db, "UPDATE takeouts SET checked_by = ?, checked_at = ? WHERE id = ?",
		       P(V_INT(c->by->actor->id), V_INT(now_unix()), V_INT(c->id)));
}

/* Sent again after being sent back: the body is checked like a new request, then replaces
 * the request's fields and items, and a new approval opens. */
struct resubmit_arg {
	const struct takeout_viewer *v;
	struct checked c;
	bool checked;
};

static int resubmit_check(struct wf_ctx *c)
{
	struct resubmit_arg *a = c->arg;
	if (a->checked)
		checked_release(&a->c);
	a->checked = true;
	return check_body(c->db, a->v->scope, c->requester_id, c->in, true, &a->c, c->fe);
}

static int resubmit_apply(struct wf_ctx *c)
{
	struct resubmit_arg *a = c->arg;
	json_t *in = c->in;
	if (db_exec(c->db,
		    "UPDATE takeouts SET checker_id = ?, purpose = ?, destination = ?, leave_on = "
		    "?, return_on = ?, repeating = ?, p_encrypted = ?, p_password = ?, p_copy = ?, "
		    "p_minimum = ?, p_by_hand = ?, officer_needed = ? WHERE id = ?",
		    P(V_INT(jint(in, "checker_id")), V_TEXT(jstr(in, "purpose")),
		      V_TEXT(jstr(in, "destination")), V_TEXT(jstr(in, "leave_on")),
		      V_TEXT(jstr(in, "return_on")), V_BOOL(jbool(in, "repeating")),
		      V_BOOL(a->c.stated & (1u << TP_ENCRYPTED)),
		      V_BOOL(a->c.stated & (1u << TP_PASSWORD)),
		      V_BOOL(a->c.stated & (1u << TP_COPY)),
		      V_BOOL(a->c.stated & (1u << TP_MINIMUM)),
		      V_BOOL(a->c.stated & (1u << TP_BY_HAND)), V_BOOL(a->c.a.officer),
		      V_INT(c->id))) ||
	    db_exec(c->db, "DELETE FROM takeout_items WHERE takeout_id = ?", P(V_INT(c->id))) ||
	    insert_items(c->db, c->id, a->c.items))
		return -1;
	c->data = request_summary(in, &a->c);
	return open_approval(c->db, c->by->actor, c->id, c->requester_id, in, &a->c, c->fe) == ST_OK
		       ? 0
		       : -1;
}

#define SECOND_PERSON                                                                              \
	WF_ASSIGNEE | WF_MANAGER | WF_PERM, TAKEOUT_OFFICER_PERM,                                  \
		.not_by = WF_REQUESTER, .self_field = "confirm", .self_code = "own_takeout",       \
		.self_message = "Someone other than the requester confirms the return.",           \
		.group = "confirm", .apply = confirm_apply, .timeline_kind = "return_confirmed"
#define REQUESTER_OR_MANAGER WF_REQUESTER | WF_MANAGER | WF_PERM, TAKEOUT_OFFICER_PERM

static const struct wf_transition moves[] = {
	/* The approval's outcome (the decided hook below). */
	{ "submitted", "approved", WF_SYSTEM },
	{ "submitted", "rejected", WF_SYSTEM },
	{ "submitted", "sent_back", WF_SYSTEM },
	{ "submitted", "withdrawn", WF_SYSTEM },
	/* Sent back: changed and sent again, or given up. */
	{ "sent_back", "submitted", WF_REQUESTER, .group = "resubmit", .guard = resubmit_check,
	  .apply = resubmit_apply, .timeline_kind = "resubmitted" },
	{ "sent_back", "withdrawn", WF_REQUESTER },
	/* Leaving: the requester within the period, or the job at a one-off's leave date. */
	{ "approved", "out", WF_REQUESTER | WF_SYSTEM, .guard = leave_check, .apply = leave_apply,
	  .timeline_kind = "left" },
	/* Not going after all; a repeating take-out ended before its period (or by the job
	 * after it); one never used expires. */
	{ "approved", "cancelled", REQUESTER_OR_MANAGER, .when = never_left },
	{ "approved", "returned", WF_REQUESTER | WF_MANAGER | WF_PERM | WF_SYSTEM,
	  TAKEOUT_OFFICER_PERM, .when = has_left, .timeline_kind = "ended" },
	{ "approved", "expired", WF_SYSTEM, .when = never_left },
	/* Return: the requester accounts for every item, then a second person confirms. */
	{ "out", "checking", WF_REQUESTER, .group = "return", .guard = return_check,
	  .apply = return_apply, .timeline_kind = "accounted" },
	{ "checking", "returned", SECOND_PERSON, .when = last_trip },
	{ "checking", "approved", SECOND_PERSON, .when = more_trips },
	{ 0 },
};

const struct workflow takeout_workflow = {
	.type = "takeout",
	.table = "takeouts",
	.requester_col = "requester_id",
	.assignee_col = "checker_id",
	.transitions = moves,
	.event = "takeout.transition",
	.forbidden_code = "not_allowed",
	.forbidden_detail = "This step on the take-out is not yours to take.",
	.snapshot = snapshot,
};

/* The end of an approval: the request moves with it. A final approval after the leave date
 * is refused, so nothing leaves on an approval given too late. */
static enum status decided(struct app *app, struct db *db, const struct actor *who,
			   int64_t record_id, const char *outcome, const char *comment,
			   struct ferrors *fe)
{
	(void)comment; /* the engine keeps it on the approval step and the timeline */
	struct takeout_record rec;
	char today[11];
	int rc = takeout_record_load(db, record_id, &rec);
	if (rc)
		return rc < 0 ? ST_DB : ST_NOT_FOUND;
	tz_today(today);
	if (!strcmp(outcome, "approved") && !takeout_may_approve(rec.leave_on, today)) {
		ferr_add(fe, "decision", "leave_date_passed",
			 "The leave date has passed: approval must come before it leaves. Send "
			 "it back so that the requester can give new dates.");
		return ST_INVALID;
	}
	struct wf_actor by = { .actor = who, .system = true };
	struct wf_request r = { .to = outcome };
	return wf_move_tx(app, db, &takeout_workflow, &by, record_id, &r, fe);
}

const struct approval_kind takeouts_approvals[] = {
	{ "takeout", "持ち出し申請", "Take-out request", "/takeouts/", decided },
	{ 0 },
};

/* --- moves from the API ------------------------------------------------------------------- */

enum status takeout_move(struct app *app, struct db *db, const struct takeout_viewer *v, int64_t id,
			 json_t *in, struct ferrors *fe)
{
	struct wf_request r = { .to = jstr(in, "to"),
				.version = jint(in, "version"),
				.comment = jstr(in, "comment"),
				.in = in,
				.field = "to" };
	return wf_move(app, db, &takeout_workflow, v->by, id, &r, fe);
}

enum status takeout_return(struct app *app, struct db *db, const struct takeout_viewer *v,
			   int64_t id, json_t *in, struct ferrors *fe)
{
	struct wf_request r = { .to = "checking",
				.version = jint(in, "version"),
				.group = "return",
				.in = in,
				.field = "status",
				.invalid_code = "not_out" };
	return wf_move(app, db, &takeout_workflow, v->by, id, &r, fe);
}

enum status takeout_confirm(struct app *app, struct db *db, const struct takeout_viewer *v,
			    int64_t id, json_t *in, struct ferrors *fe)
{
	struct takeout_record rec;
	int rc = takeout_record_load(db, id, &rec);
	if (rc)
		return rc < 0 ? ST_DB : ST_NOT_FOUND;
	char today[11];
	tz_today(today);
	bool more = rec.repeating && strcmp(today, rec.return_on) < 0;
	struct wf_request r = { .to = more ? "approved" : "returned",
				.version = jint(in, "version"),
				.group = "confirm",
				.comment = jstr(in, "comment"),
				.in = in,
				.field = "status",
				.invalid_code = "not_checking" };
	return wf_move(app, db, &takeout_workflow, v->by, id, &r, fe);
}

struct resubmit_op {
	struct app *app;
	const struct takeout_viewer *v;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

static enum status resubmit_fn(struct db *db, void *arg)
{
	struct resubmit_op *o = arg;
	struct resubmit_arg a = { o->v, { 0 }, false };
	struct wf_request r = { .to = "submitted",
				.version = jint(o->in, "version"),
				.group = "resubmit",
				.in = o->in,
				.field = "status",
				.invalid_code = "not_sent_back",
				.arg = &a };
	ferr_release(o->fe);
	enum status st = wf_move_tx(o->app, db, &takeout_workflow, o->v->by, o->id, &r, o->fe);
	if (a.checked)
		checked_release(&a.c);
	return st;
}

enum status takeout_resubmit(struct app *app, struct db *db, const struct takeout_viewer *v,
			     int64_t id, json_t *in, struct ferrors *fe)
{
	struct resubmit_op o = { app, v, id, in, fe };
	return db_tx_st(db, resubmit_fn, &o);
}

/* --- the job ------------------------------------------------------------------------------ */

/* The ids of `sql`'s rows (column 0). NULL on error. */
static json_t *ids_of(struct db *db, const char *sql, const char *today)
{
	struct dbrows r;
	if (db_query(db, &r, sql, P(V_TEXT(today))))
		return NULL;
	json_t *ids = json_array();
	while (db_next(&r))
		json_array_append_new(ids, json_integer(db_int(&r, 0)));
	if (r.failed) {
		json_decref(ids);
		ids = NULL;
	}
	db_rows_free(&r);
	return ids;
}

/* Moves each of `ids` to `to` as the job; a record another change moved first is left. */
static int job_moves(struct app *app, struct db *db, json_t *ids, const char *to)
{
	struct wf_actor by = { .actor = &job_actor, .system = true };
	size_t i;
	json_t *v;
	int failed = 0;
	json_array_foreach(ids, i, v)
	{
		struct ferrors fe = FERRORS_INIT;
		struct wf_request r = { .to = to };
		enum status st =
			wf_move(app, db, &takeout_workflow, &by, json_integer_value(v), &r, &fe);
		ferr_release(&fe);
		if (st == ST_DB)
			failed = 1;
	}
	return failed ? -1 : 0;
}

int takeouts_job(struct app *app, struct db *db)
{
	char today[11];
	struct settings set;
	if (settings_get(app, db, &set)) /* the organisation's day */
		return -1;
	tz_today(today);
	static const struct {
		const char *sql, *to;
	} steps[] = {
		/* One-off take-outs leave on their leave date. */
		{ "SELECT id FROM takeouts WHERE status = 'approved' AND repeating = 0 AND "
		  "leave_on <= ? ORDER BY id",
		  "out" },
		/* Repeating ones end with their period: used ones as returned, unused expire. */
		{ "SELECT id FROM takeouts WHERE status = 'approved' AND repeating = 1 AND "
		  "return_on < ? AND trip > 0 ORDER BY id",
		  "returned" },
		{ "SELECT id FROM takeouts WHERE status = 'approved' AND repeating = 1 AND "
		  "return_on < ? AND trip = 0 ORDER BY id",
		  "expired" },
	};
	for (size_t s = 0; s < ARRAY_SIZE(steps); s++) {
		json_t *ids = ids_of(db, steps[s].sql, today);
		if (!ids)
			return -1;
		int rc = job_moves(app, db, ids, steps[s].to);
		json_decref(ids);
		if (rc)
			return -1;
	}
	return 0;
}
