/* incidents.c — incidents and near-misses: reporting, handling, reports outside, timeline. */
#include <string.h>

#include "incidents_impl.h"
#include "../actions/actions.h"
#include "../../lib/crypto.h"
#include "../../lib/log.h"
#include "../../lib/timeutil.h"

#define FUTURE_SKEW_S 600 /* clocks differ: a discovery "now" may be a little ahead */

/* --- rows ------------------------------------------------------------------------------- */

enum coltype { CT_INT, CT_TEXT, CT_BOOL };

/* The columns of incident_select, in order, with their names in the raw object. */
static const struct {
	const char *name;
	enum coltype type;
} cols[] = {
	{ "id", CT_INT },
	{ "kind", CT_TEXT },
	{ "category", CT_TEXT },
	{ "title", CT_TEXT },
	{ "description", CT_TEXT },
	{ "location", CT_TEXT },
	{ "affected", CT_TEXT },
	{ "occurred_at", CT_INT },
	{ "discovered_at", CT_INT },
	{ "discovered_on", CT_TEXT },
	{ "reporter_id", CT_INT },
	{ "reporter_name", CT_TEXT },
	{ "anonymous", CT_BOOL },
	{ "reporter_department", CT_TEXT },
	{ "status", CT_TEXT },
	{ "severity", CT_TEXT },
	{ "assignee_id", CT_INT },
	{ "assignee_name", CT_TEXT },
	{ "resolution", CT_TEXT },
	{ "duplicate_of", CT_INT },
	{ "pd_involved", CT_BOOL },
	{ "pd_items", CT_TEXT },
	{ "pd_count", CT_INT },
	{ "pd_sensitive", CT_BOOL },
	{ "pd_financial", CT_BOOL },
	{ "pd_unauthorised", CT_BOOL },
	{ "pd_encrypted", CT_BOOL },
	{ "personal_details", CT_TEXT },
	{ "cause", CT_TEXT },
	{ "secondary_damage", CT_TEXT },
	{ "subject_response", CT_TEXT },
	{ "announcement", CT_TEXT },
	{ "prevention", CT_TEXT },
	{ "other_notes", CT_TEXT },
	{ "ppc_mandatory", CT_BOOL },
	{ "closed_at", CT_INT },
	{ "closed_by_name", CT_TEXT },
	{ "created_at", CT_INT },
	{ "updated_at", CT_INT },
	{ "version", CT_INT },
};

const char incident_select[] =
	"SELECT i.id, i.kind, i.category, i.title, i.description, i.location, i.affected, "
	"i.occurred_at, i.discovered_at, i.discovered_on, i.reporter_id, ru.name, i.anonymous, "
	"rd.name, i.status, i.severity, i.assignee_id, au.name, i.resolution, i.duplicate_of, "
	"i.pd_involved, i.pd_items, i.pd_count, i.pd_sensitive, i.pd_financial, "
	"i.pd_unauthorised, i.pd_encrypted, i.personal_details, i.cause, i.secondary_damage, "
	"i.subject_response, i.announcement, i.prevention, i.other_notes, i.ppc_mandatory, "
	"i.closed_at, cu.name, i.created_at, i.updated_at, i.version "
	"FROM incidents i JOIN users ru ON ru.id = i.reporter_id "
	"LEFT JOIN departments rd ON rd.id = i.reporter_department_id "
	"LEFT JOIN users au ON au.id = i.assignee_id LEFT JOIN users cu ON cu.id = i.closed_by";

/* The row as stored (sealed columns still sealed, instants as integers). */
static json_t *row_raw(struct dbrows *r)
{
	json_t *o = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		json_t *v;
		if (db_isnull(r, (int)i))
			v = json_null();
		else if (cols[i].type == CT_TEXT)
			v = json_string(db_text(r, (int)i));
		else if (cols[i].type == CT_BOOL)
			v = json_boolean(db_int(r, (int)i) != 0);
		else
			v = json_integer(db_int(r, (int)i));
		json_object_set_new(o, cols[i].name, v);
	}
	return o;
}

/* The raw incident, or NULL (not found, or database error: see db_errkind). */
static json_t *incident_raw(struct db *db, int64_t id)
{
	struct dbrows r;
	struct buf sql = BUF_INIT;
	json_t *o = NULL;
	buf_adds(&sql, incident_select);
	buf_adds(&sql, " WHERE i.id = ?");
	int rc = db_query(db, &r, sql.buf, P(V_INT(id)));
	buf_release(&sql);
	if (rc)
		return NULL;
	if (db_next(&r))
		o = row_raw(&r);
	db_rows_free(&r);
	return o;
}

static const char *sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t iget(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static bool bget(json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

static json_t *time_or_null(json_t *v)
{
	char t[21];
	if (!json_is_integer(v))
		return json_null();
	time_rfc3339(json_integer_value(v), t);
	return json_string(t);
}

static json_t *person(json_t *raw, const char *id_key, const char *name_key)
{
	json_t *id = json_object_get(raw, id_key);
	if (!json_is_integer(id))
		return json_null();
	return json_pack("{s:O,s:O}", "id", id, "name", json_object_get(raw, name_key));
}

/* --- sealing ------------------------------------------------------------------------------ */

static char *seal_context(const char *column, int64_t id)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s:%lld", column, (long long)id);
	return buf_detach(&b, NULL);
}

/* The sealed form of `plain` for column `column` of record `id`; "" stays "". */
static char *seal(struct app *app, const char *column, int64_t id, const char *plain)
{
	if (!plain || !*plain)
		return xstrdup(plain ? plain : "");
	char *ctx = seal_context(column, id);
	char *s = crypto_seal(app->master_key, ctx, plain, strlen(plain));
	free(ctx);
	return s;
}

/* The plain text of a sealed value as a JSON string (null when absent or unreadable). */
static json_t *unsealed(struct app *app, const char *column, int64_t id, const char *sealed)
{
	if (!sealed)
		return json_null();
	if (!*sealed)
		return json_string("");
	char *ctx = seal_context(column, id);
	char *plain = crypto_open(app->master_key, ctx, sealed, NULL);
	free(ctx);
	if (!plain) {
		log_error("incident %lld: %s does not open with this key", (long long)id, column);
		return json_null();
	}
	json_t *v = json_string(plain);
	explicit_bzero(plain, strlen(plain));
	free(plain);
	return v;
}

/* --- settings ----------------------------------------------------------------------------- */

int incident_settings_get(struct db *db, struct incident_settings *out)
{
	struct dbrows r;
	memset(out, 0, sizeof(*out));
	out->review_body_days = 3;
	out->version = 1;
	if (db_query(db, &r,
		     "SELECT holds_pmark, review_body, review_body_days, version, updated_at "
		     "FROM incident_settings WHERE id = 1",
		     P0))
		return -1;
	if (db_next(&r)) {
		out->holds_pmark = db_int(&r, 0) != 0;
		snprintf(out->review_body, sizeof(out->review_body), "%s",
			 db_text(&r, 1) ? db_text(&r, 1) : "");
		out->review_body_days = (int)db_int(&r, 2);
		out->version = db_int(&r, 3);
		out->updated_at = db_int(&r, 4);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

json_t *incident_settings_json(const struct incident_settings *s)
{
	char t[21];
	time_rfc3339(s->updated_at, t);
	return json_pack("{s:b,s:s,s:i,s:I,s:s}", "holds_pmark", s->holds_pmark, "review_body",
			 s->review_body, "review_body_days", s->review_body_days, "version",
			 (json_int_t)s->version, "updated_at", t);
}

struct settings_op {
	const struct actor *who;
	json_t *patch;
	struct ferrors *fe;
	enum status st;
};

static int settings_fn(struct db *db, void *arg)
{
	struct settings_op *o = arg;
	struct incident_settings before, after;
	json_t *v;
	o->st = ST_DB;
	if (db_lock(db, "incidents:settings") || incident_settings_get(db, &before))
		return -1;
	if (iget(o->patch, "version") != before.version) {
		o->st = ST_CONFLICT;
		return -1;
	}
	if ((v = json_object_get(o->patch, "holds_pmark")) &&
	    db_exec(db, "UPDATE incident_settings SET holds_pmark = ? WHERE id = 1",
		    P(V_BOOL(json_is_true(v)))))
		return -1;
	if ((v = json_object_get(o->patch, "review_body")) &&
	    db_exec(db, "UPDATE incident_settings SET review_body = ? WHERE id = 1",
		    P(V_TEXT(json_string_value(v)))))
		return -1;
	if ((v = json_object_get(o->patch, "review_body_days")) &&
	    db_exec(db, "UPDATE incident_settings SET review_body_days = ? WHERE id = 1",
		    P(V_INT(json_integer_value(v)))))
		return -1;
	if (db_exec(db,
		    "UPDATE incident_settings SET version = version + 1, updated_at = ? WHERE id = "
		    "1",
		    P(V_INT(now_unix()))) ||
	    incident_settings_get(db, &after))
		return -1;
	json_t *sum = json_pack("{s:o,s:o}", "before", incident_settings_json(&before), "after",
				incident_settings_json(&after));
	int rc = audit_append(db, o->who, "incident_settings.update", "incident_settings", 1, sum);
	json_decref(sum);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

enum status incident_settings_update(struct db *db, const struct actor *who, json_t *patch,
				     struct ferrors *fe)
{
	struct settings_op o = { who, patch, fe, ST_DB };
	if (db_tx(db, settings_fn, &o))
		return o.st == ST_OK ? ST_DB : o.st;
	return ST_OK;
}

/* --- the PPC decision for a stored incident ----------------------------------------------- */

static bool status_is(json_t *raw, const char *s)
{
	return !strcmp(sget(raw, "status"), s);
}

static bool dismissed(json_t *raw)
{
	return status_is(raw, "rejected") || status_is(raw, "duplicate");
}

static void decide(json_t *raw, const struct incident_settings *s, struct ppc_decision *d)
{
	bool pd = bget(raw, "pd_involved");
	json_t *count = json_object_get(raw, "pd_count");
	struct ppc_facts f = {
		.incident = !strcmp(sget(raw, "kind"), "incident") && !dismissed(raw),
		.sensitive = pd && bget(raw, "pd_sensitive"),
		.financial = pd && bget(raw, "pd_financial"),
		.unauthorised = pd && bget(raw, "pd_unauthorised"),
		.people = pd && json_is_integer(count) ? json_integer_value(count) : -1,
		.encrypted = bget(raw, "pd_encrypted"),
		.holds_pmark = s ? s->holds_pmark : false,
		.review_body_days = s ? s->review_body_days : 3,
	};
	incident_report_deadlines(&f, sget(raw, "discovered_on"), d);
}

/* --- reports outside: PPC, review body, the people affected, public, police ---------------- */

/* In this order: report_required() and the API's `reports` array follow it. */
static const char *const report_kinds[] = {
	"ppc_preliminary", "ppc_final", "review_body", "subjects", "announce", "police", NULL
};

struct report_row {
	bool stored;
	char state[16];
	char done_on[11];
	char *note;
};

static void free_reports(struct report_row rows[6])
{
	for (int k = 0; k < 6; k++) {
		free(rows[k].note);
		rows[k].note = NULL;
	}
}

/* Loads the stored report rows of incident `id`, indexed like report_kinds (freed with
 * free_reports; nothing to free after -1). */
static int load_reports(struct db *db, int64_t id, struct report_row rows[6])
{
	struct dbrows r;
	memset(rows, 0, 6 * sizeof(*rows));
	if (db_query(
		    db, &r,
		    "SELECT kind, state, done_on, note FROM incident_reports WHERE incident_id = ?",
		    P(V_INT(id))))
		return -1;
	while (db_next(&r))
		for (int k = 0; k < 6; k++)
			if (!strcmp(report_kinds[k], db_text(&r, 0))) {
				rows[k].stored = true;
				snprintf(rows[k].state, sizeof(rows[k].state), "%s",
					 db_text(&r, 1));
				snprintf(rows[k].done_on, sizeof(rows[k].done_on), "%s",
					 db_text(&r, 2) ? db_text(&r, 2) : "");
				rows[k].note = xstrdup(db_text(&r, 3) ? db_text(&r, 3) : "");
			}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		free_reports(rows);
	return failed ? -1 : 0;
}

/* Whether report k is required, its due date and target, and how many days before the due
 * date it turns "soon". */
static bool report_required(int k, const struct ppc_decision *d, const struct report_row *row,
			    const char **due, const char **target, int *warn)
{
	*due = *target = NULL;
	*warn = 2;
	switch (k) {
	case 0:
		*due = d->preliminary_limit;
		*target = d->preliminary_target;
		*warn = 5; /* "promptly": pending is always urgent */
		return d->mandatory;
	case 1:
		*due = d->final_due;
		*warn = 7;
		return d->mandatory;
	case 2:
		*due = d->review_body_due;
		return d->review_body;
	case 3:
		return d->mandatory; /* the people affected are told when the PPC is */
	default:
		/* Public announcement and police: tracked once the officer plans them. */
		return row->stored && strcmp(row->state, "not_needed");
	}
}

static const char *flag_name(enum deadline_flag f)
{
	return f == DL_MISSED ? "missed" : f == DL_SOON ? "soon" : "open";
}

/* One array entry per report kind; *outstanding counts the required ones still pending. */
static json_t *reports_view(json_t *raw, const struct ppc_decision *d, struct report_row rows[6],
			    const char *today, int *outstanding)
{
	json_t *out = json_array();
	*outstanding = 0;
	for (int k = 0; k < 6; k++) {
		const char *due = NULL, *target = NULL;
		int warn = 2;
		bool required =
			report_required(k, d, &rows[k], &due, &target, &warn) && !dismissed(raw);
		const char *state = rows[k].stored ? rows[k].state : "pending";
		bool pending = !strcmp(state, "pending");
		json_t *flag = json_null();
		if (required && pending && !status_is(raw, "closed") && due && *due)
			flag = json_string(flag_name(incident_deadline_flag(due, today, warn)));
		if (required && pending)
			(*outstanding)++;
		json_array_append_new(
			out,
			json_pack("{s:s,s:b,s:s,s:o,s:o,s:o,s:s,s:o}", "kind", report_kinds[k],
				  "required", required, "state", state, "due",
				  due && *due ? json_string(due) : json_null(), "target",
				  target && *target ? json_string(target) : json_null(), "done_on",
				  *rows[k].done_on ? json_string(rows[k].done_on) : json_null(),
				  "note", rows[k].note ? rows[k].note : "", "flag", flag));
	}
	return out;
}

static json_t *ppc_view(const struct ppc_decision *d)
{
	json_t *reasons = json_array();
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = { { PPC_SENSITIVE, "sensitive" },
		      { PPC_FINANCIAL, "financial" },
		      { PPC_UNAUTHORISED, "unauthorised" },
		      { PPC_OVER_1000, "over_1000" } };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (d->reasons & names[i].bit)
			json_array_append_new(reasons, json_string(names[i].name));
#define DAY(s) ((s)[0] ? json_string(s) : json_null())
	return json_pack("{s:b,s:o,s:b,s:s,s:o,s:o,s:o,s:o,s:b,s:o}", "mandatory", d->mandatory,
			 "reasons", reasons, "exempt_encrypted", d->exempt_encrypted,
			 "discovered_on", d->discovered_on, "preliminary_target",
			 DAY(d->preliminary_target), "preliminary_limit", DAY(d->preliminary_limit),
			 "final_due", DAY(d->final_due), "final_days",
			 d->final_days ? json_integer(d->final_days) : json_null(), "review_body",
			 d->review_body, "review_body_due", DAY(d->review_body_due));
#undef DAY
}

/* --- timeline ----------------------------------------------------------------------------- */

static int add_event(struct db *db, const struct actor *who, int64_t id, const char *kind,
		     const char *from, const char *to, bool internal, const char *sealed_body,
		     json_t *data)
{
	return wf_event_add(db, "incident", id, who, kind, from, to, internal, sealed_body, data);
}

/* Seals a timeline text of incident `id` (the engine's and this file's entries alike). */
static char *seal_note(struct app *app, int64_t id, const char *text)
{
	return text && *text ? seal(app, "incident_events.body", id, text) : NULL;
}

/* Seals `text` for the timeline of incident `id` and adds the entry. */
static int add_note_event(struct app *app, struct db *db, const struct actor *who, int64_t id,
			  const char *kind, const char *from, const char *to, bool internal,
			  const char *text, json_t *data)
{
	char *body = seal_note(app, id, text);
	int rc = add_event(db, who, id, kind, from, to, internal, body, data);
	free(body);
	return rc;
}

/* The reporter of an anonymous near-miss is hidden from `v` unless v manages or is them. */
static bool reporter_hidden(json_t *raw, const struct viewer *v)
{
	return bget(raw, "anonymous") && !v->can_manage && iget(raw, "reporter_id") != v->user_id;
}

struct timeline_view {
	struct app *app;
	int64_t id, reporter_id;
	bool hide;
};

/* One timeline entry as `v` may see it: the text unsealed, the reporter hidden when anonymous. */
static void timeline_entry(json_t *e, int64_t actor_id, void *arg)
{
	struct timeline_view *tv = arg;
	bool by_reporter = actor_id && actor_id == tv->reporter_id;
	json_object_set_new(e, "by_reporter", json_boolean(by_reporter));
	if (tv->hide && by_reporter)
		json_object_set_new(e, "actor", json_null());
	json_object_set_new(e, "body",
			    unsealed(tv->app, "incident_events.body", tv->id,
				     json_string_value(json_object_get(e, "body"))));
}

static json_t *timeline(struct app *app, struct db *db, json_t *raw, const struct viewer *v)
{
	struct timeline_view tv = { app, iget(raw, "id"), iget(raw, "reporter_id"),
				    reporter_hidden(raw, v) };
	return wf_timeline(db, "incident", tv.id, v->can_read, timeline_entry, &tv);
}

/* --- the API's view ----------------------------------------------------------------------- */

static bool may_see(json_t *raw, const struct viewer *v)
{
	return v->can_read || v->can_manage || iget(raw, "reporter_id") == v->user_id;
}

/* Fields every viewer of the incident sees (the list shows the same, shorter). */
static json_t *common_view(json_t *raw, const struct viewer *v)
{
	bool hide = reporter_hidden(raw, v);
	json_t *o = json_object();
	static const char *const same[] = { "id",       "kind",          "category",
					    "title",    "discovered_on", "status",
					    "severity", "anonymous",     "version" };
	for (size_t i = 0; i < ARRAY_SIZE(same); i++)
		json_object_set(o, same[i], json_object_get(raw, same[i]));
	json_object_set_new(o, "reporter",
			    hide ? json_null() : person(raw, "reporter_id", "reporter_name"));
	json_object_set_new(o, "reporter_hidden", json_boolean(hide));
	json_object_set_new(o, "reporter_department",
			    hide ? json_null()
				 : json_incref(json_object_get(raw, "reporter_department")));
	json_object_set_new(o, "is_mine", json_boolean(iget(raw, "reporter_id") == v->user_id));
	json_object_set_new(o, "discovered_at",
			    time_or_null(json_object_get(raw, "discovered_at")));
	json_object_set_new(o, "created_at", time_or_null(json_object_get(raw, "created_at")));
	json_object_set_new(o, "updated_at", time_or_null(json_object_get(raw, "updated_at")));
	if (v->can_read || v->can_manage) {
		json_object_set_new(o, "assignee", person(raw, "assignee_id", "assignee_name"));
		json_object_set(o, "ppc_mandatory", json_object_get(raw, "ppc_mandatory"));
	}
	return o;
}

json_t *incident_list_item(struct dbrows *r, const struct viewer *v)
{
	json_t *raw = row_raw(r);
	json_t *o = common_view(raw, v);
	json_decref(raw);
	return o;
}

json_t *incident_json(struct app *app, struct db *db, int64_t id, const struct viewer *v,
		      enum status *st)
{
	struct incident_settings s;
	struct report_row rows[6];
	json_t *raw = incident_raw(db, id), *o = NULL;
	*st = ST_DB;
	if (!raw) {
		if (db_errkind(db) == DBE_NONE)
			*st = ST_NOT_FOUND;
		return NULL;
	}
	if (!may_see(raw, v)) {
		*st = ST_NOT_FOUND;
		goto out;
	}
	o = common_view(raw, v);
	static const char *const plain[] = { "location", "affected", "resolution", "duplicate_of" };
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
		json_object_set(o, plain[i], json_object_get(raw, plain[i]));
	json_object_set_new(o, "description",
			    unsealed(app, "incidents.description", id, sget(raw, "description")));
	json_object_set_new(o, "occurred_at", time_or_null(json_object_get(raw, "occurred_at")));
	json_object_set_new(o, "closed_at", time_or_null(json_object_get(raw, "closed_at")));
	json_object_set(o, "closed_by", json_object_get(raw, "closed_by_name"));
	static const char *const manager[] = { "incidents.manage", NULL };
	struct actor me = { .id = v->user_id };
	struct wf_actor by = { &me, manager, false };
	json_t *moves_now = v->can_manage ? wf_allowed_states(db, &incident_workflow, &by, id, NULL)
					  : json_array();
	if (!moves_now)
		goto fail;
	json_object_set_new(o, "allowed_transitions", moves_now);
	json_object_set_new(
		o, "can_comment",
		json_boolean(v->can_manage || (json_is_true(json_object_get(o, "is_mine")) &&
					       !status_is(raw, "closed"))));
	json_t *tl = timeline(app, db, raw, v);
	if (!tl)
		goto fail;
	json_object_set_new(o, "timeline", tl);
	if (v->can_read || v->can_manage) {
		struct ppc_decision d;
		char today[11];
		int outstanding;
		if (incident_settings_get(db, &s) || load_reports(db, id, rows))
			goto fail;
		decide(raw, &s, &d);
		tz_today(today);
		json_object_set_new(o, "impact",
				    json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "involved",
					      json_object_get(raw, "pd_involved"), "items",
					      json_object_get(raw, "pd_items"), "count",
					      json_object_get(raw, "pd_count"), "sensitive",
					      json_object_get(raw, "pd_sensitive"), "financial",
					      json_object_get(raw, "pd_financial"), "unauthorised",
					      json_object_get(raw, "pd_unauthorised"), "encrypted",
					      json_object_get(raw, "pd_encrypted")));
		json_object_set_new(o, "ppc", ppc_view(&d));
		json_object_set_new(o, "reports", reports_view(raw, &d, rows, today, &outstanding));
		json_object_set_new(o, "reports_outstanding", json_integer(outstanding));
		free_reports(rows);
		json_t *rep = json_object();
		static const char *const fields[] = {
			"cause",        "secondary_damage", "subject_response",
			"announcement", "prevention",       "other_notes"
		};
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
			json_object_set(rep, fields[i], json_object_get(raw, fields[i]));
		json_object_set_new(o, "report", rep);
		json_t *acts = actions_of_source(db, "incident", id);
		if (!acts)
			goto fail;
		json_object_set_new(o, "actions", acts);
	}
	if (v->can_manage)
		json_object_set_new(o, "personal_details",
				    unsealed(app, "incidents.personal_details", id,
					     sget(raw, "personal_details")));
	*st = ST_OK;
	goto out;
fail:
	json_decref(o);
	o = NULL;
out:
	json_decref(raw);
	return o;
}

/* --- create ------------------------------------------------------------------------------- */

/* The organisation's calendar day of instant t (settings_get keeps the zone current). */
static void org_date(int64_t t, char out[11])
{
	incident_local_date(t, tz_offset(t), out);
}

static int64_t time_field(json_t *in, const char *k, int64_t def)
{
	int64_t t;
	const char *s = json_string_value(json_object_get(in, k));
	return s && time_parse_rfc3339(s, &t) == 0 ? t : def;
}

/* Occurrence before discovery, discovery not in the future. */
static void check_times(int64_t occurred, bool has_occurred, int64_t discovered, struct ferrors *fe)
{
	if (discovered > now_unix() + FUTURE_SKEW_S)
		ferr_add(fe, "discovered_at", "in_future", "The discovery time is in the future.");
	if (has_occurred && occurred > discovered)
		ferr_add(fe, "occurred_at", "after_discovery",
			 "It cannot have happened after it was found.");
}

static bool ppc_mandatory_of(json_t *raw)
{
	struct ppc_decision d;
	decide(raw, NULL, &d);
	return d.mandatory;
}

struct create_op {
	struct app *app;
	const struct actor *who;
	json_t *in;
	struct ferrors *fe;
	int64_t id;
	enum status st;
};

static int create_fn(struct db *db, void *arg)
{
	struct create_op *o = arg;
	json_t *in = o->in, *raw = NULL;
	int ret = -1;
	o->st = ST_DB;
	const char *kind = json_object_get(in, "kind") ? sget(in, "kind") : "incident";
	bool near_miss = !strcmp(kind, "near_miss");
	int64_t now = now_unix();
	int64_t discovered = time_field(in, "discovered_at", now);
	int64_t occurred = time_field(in, "occurred_at", 0);
	const char *desc = sget(in, "description");
	check_times(occurred, json_is_string(json_object_get(in, "occurred_at")), discovered,
		    o->fe);
	if (bget(in, "anonymous") && !near_miss)
		ferr_add(o->fe, "anonymous", "near_miss_only",
			 "Only a near-miss can be reported without your name.");
	if (!near_miss && (!desc || !*desc))
		ferr_add(o->fe, "description", "required", "Say what happened.");
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		return -1;
	}
	char day[11];
	org_date(discovered, day);
	int64_t dept = 0;
	bool found;
	if (db_query_int(db, &dept, &found, "SELECT department_id FROM users WHERE id = ?",
			 P(V_INT(o->who->id))))
		return -1;
	json_t *count = json_object_get(in, "pd_count");
	if (db_insert(
		    db, &o->id,
		    "INSERT INTO incidents (kind, category, title, location, affected, "
		    "occurred_at, "
		    "discovered_at, discovered_on, reporter_id, reporter_department_id, anonymous, "
		    "pd_involved, pd_count, created_at, updated_at) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_TEXT(kind), V_TEXT(sget(in, "category")), V_TEXT(sget(in, "title")),
		      V_TEXT(sget(in, "location") ? sget(in, "location") : ""),
		      V_TEXT(sget(in, "affected") ? sget(in, "affected") : ""),
		      json_is_string(json_object_get(in, "occurred_at")) ? V_INT(occurred) : V_NULL,
		      V_INT(discovered), V_TEXT(day), V_INT(o->who->id), V_ID(found ? dept : 0),
		      V_BOOL(bget(in, "anonymous")),
		      V_BOOL(bget(in, "pd_involved") || json_is_integer(count)),
		      json_is_integer(count) ? V_INT(json_integer_value(count)) : V_NULL,
		      V_INT(now), V_INT(now))))
		return -1;
	if (desc && *desc) {
		char *sealed = seal(o->app, "incidents.description", o->id, desc);
		int rc = db_exec(db, "UPDATE incidents SET description = ? WHERE id = ?",
				 P(V_TEXT(sealed), V_INT(o->id)));
		free(sealed);
		if (rc)
			return -1;
	}
	if (!(raw = incident_raw(db, o->id)))
		return -1;
	if (ppc_mandatory_of(raw) &&
	    db_exec(db, "UPDATE incidents SET ppc_mandatory = 1 WHERE id = ?", P(V_INT(o->id))))
		goto out;
	json_t *data = json_pack("{s:s,s:s}", "kind", kind, "category", sget(in, "category"));
	int rc = add_event(db, o->who, o->id, "reported", NULL, "reported", false, NULL, data);
	json_decref(data);
	if (rc)
		goto out;
	json_t *sum = json_pack("{s:s,s:s,s:s,s:b,s:s,s:O}", "kind", kind, "category",
				sget(in, "category"), "title", sget(in, "title"), "anonymous",
				bget(in, "anonymous"), "discovered_on", day, "pd_count",
				count ? count : json_null());
	rc = audit_append(db, o->who, "incident.create", "incident", o->id, sum);
	json_decref(sum);
	if (rc)
		goto out;
	o->st = ST_OK;
	ret = 0;
out:
	json_decref(raw);
	return ret;
}

enum status incident_create(struct app *app, struct db *db, const struct actor *who, json_t *in,
			    int64_t *id, struct ferrors *fe)
{
	struct create_op o = { app, who, in, fe, 0, ST_DB };
	if (db_tx(db, create_fn, &o))
		return o.st == ST_OK ? ST_DB : o.st;
	*id = o.id;
	return ST_OK;
}

enum status incident_open_tx(struct app *app, struct db *db, const struct actor *who, json_t *in,
			     int64_t *id, struct ferrors *fe)
{
	struct create_op o = { app, who, in, fe, 0, ST_DB };
	if (create_fn(db, &o))
		return o.st == ST_OK ? ST_DB : o.st;
	const char *items = sget(in, "pd_items");
	if (db_exec(db,
		    "UPDATE incidents SET pd_items = ?, pd_sensitive = ?, pd_financial = ?, "
		    "pd_encrypted = ? WHERE id = ?",
		    P(V_TEXT(items ? items : ""), V_BOOL(bget(in, "pd_sensitive")),
		      V_BOOL(bget(in, "pd_financial")), V_BOOL(bget(in, "pd_encrypted")),
		      V_INT(o.id))))
		return ST_DB;
	json_t *raw = incident_raw(db, o.id);
	if (!raw)
		return ST_DB;
	bool mandatory = ppc_mandatory_of(raw);
	json_decref(raw);
	if (db_exec(db, "UPDATE incidents SET ppc_mandatory = ? WHERE id = ?",
		    P(V_BOOL(mandatory), V_INT(o.id))))
		return ST_DB;
	*id = o.id;
	return ST_OK;
}

/* --- changes to an existing incident ------------------------------------------------------ */

struct change {
	struct app *app;
	const struct actor *who;
	const struct viewer *v;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
	enum status st;
	json_t *before;
	int64_t out_id;
};

static int load(struct db *db, struct change *c, bool check_version)
{
	char lock[48];
	c->st = ST_DB;
	/* Changes to one incident queue up, so a version check or the closing rule never acts
	 * on a state another transaction is changing (PostgreSQL's READ COMMITTED). */
	snprintf(lock, sizeof(lock), "incident:%lld", (long long)c->id);
	if (db_lock(db, lock))
		return -1;
	json_decref(c->before); /* db_tx may run the callback again after a busy failure */
	c->before = incident_raw(db, c->id);
	if (!c->before) {
		c->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return -1;
	}
	if (check_version && iget(c->in, "version") != iget(c->before, "version")) {
		c->st = ST_CONFLICT;
		return -1;
	}
	return 0;
}

static int bump(struct db *db, int64_t id)
{
	return db_exec(db,
		       "UPDATE incidents SET updated_at = ?, version = version + 1 WHERE id = ?",
		       P(V_INT(now_unix()), V_INT(id)));
}

/* Editable columns: the field, its UPDATE, and how its value is stored. */
enum patch_kind { PK_TEXT, PK_SEALED, PK_BOOL, PK_INT, PK_TIME };
static const struct {
	const char *field, *sql;
	enum patch_kind kind;
} editable[] = {
	{ "kind", "UPDATE incidents SET kind = ? WHERE id = ?", PK_TEXT },
	{ "category", "UPDATE incidents SET category = ? WHERE id = ?", PK_TEXT },
	{ "title", "UPDATE incidents SET title = ? WHERE id = ?", PK_TEXT },
	{ "description", "UPDATE incidents SET description = ? WHERE id = ?", PK_SEALED },
	{ "location", "UPDATE incidents SET location = ? WHERE id = ?", PK_TEXT },
	{ "affected", "UPDATE incidents SET affected = ? WHERE id = ?", PK_TEXT },
	{ "occurred_at", "UPDATE incidents SET occurred_at = ? WHERE id = ?", PK_TIME },
	{ "discovered_at", "UPDATE incidents SET discovered_at = ? WHERE id = ?", PK_TIME },
	{ "severity", "UPDATE incidents SET severity = ? WHERE id = ?", PK_TEXT },
	{ "assignee_id", "UPDATE incidents SET assignee_id = ? WHERE id = ?", PK_INT },
	{ "pd_involved", "UPDATE incidents SET pd_involved = ? WHERE id = ?", PK_BOOL },
	{ "pd_items", "UPDATE incidents SET pd_items = ? WHERE id = ?", PK_TEXT },
	{ "pd_count", "UPDATE incidents SET pd_count = ? WHERE id = ?", PK_INT },
	{ "pd_sensitive", "UPDATE incidents SET pd_sensitive = ? WHERE id = ?", PK_BOOL },
	{ "pd_financial", "UPDATE incidents SET pd_financial = ? WHERE id = ?", PK_BOOL },
	{ "pd_unauthorised", "UPDATE incidents SET pd_unauthorised = ? WHERE id = ?", PK_BOOL },
	{ "pd_encrypted", "UPDATE incidents SET pd_encrypted = ? WHERE id = ?", PK_BOOL },
	{ "personal_details", "UPDATE incidents SET personal_details = ? WHERE id = ?", PK_SEALED },
	{ "cause", "UPDATE incidents SET cause = ? WHERE id = ?", PK_TEXT },
	{ "secondary_damage", "UPDATE incidents SET secondary_damage = ? WHERE id = ?", PK_TEXT },
	{ "subject_response", "UPDATE incidents SET subject_response = ? WHERE id = ?", PK_TEXT },
	{ "announcement", "UPDATE incidents SET announcement = ? WHERE id = ?", PK_TEXT },
	{ "prevention", "UPDATE incidents SET prevention = ? WHERE id = ?", PK_TEXT },
	{ "other_notes", "UPDATE incidents SET other_notes = ? WHERE id = ?", PK_TEXT },
};

static int apply_field(struct db *db, struct change *c, size_t i, json_t *v)
{
	struct dbval val = V_NULL;
	char *sealed = NULL;
	int64_t t;
	switch (editable[i].kind) {
	case PK_TEXT:
		val = V_TEXT(json_string_value(v));
		break;
	case PK_SEALED:
		if (json_is_string(v)) {
			char column[40];
			snprintf(column, sizeof(column), "incidents.%s", editable[i].field);
			sealed = seal(c->app, column, c->id, json_string_value(v));
			val = V_TEXT(sealed);
		}
		break;
	case PK_BOOL:
		val = V_BOOL(json_is_true(v));
		break;
	case PK_INT:
		if (json_is_integer(v))
			val = V_INT(json_integer_value(v));
		break;
	case PK_TIME:
		if (json_is_string(v) && time_parse_rfc3339(json_string_value(v), &t) == 0)
			val = V_INT(t);
		break;
	}
	int rc = db_exec(db, editable[i].sql, P(val, V_INT(c->id)));
	free(sealed);
	return rc;
}

/* The field names whose stored value changed, and for the plain ones before/after. */
static json_t *audit_diff(json_t *before, json_t *after)
{
	json_t *fields = json_array(), *b = json_object(), *a = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(editable); i++) {
		const char *k = editable[i].field;
		json_t *x = json_object_get(before, k), *y = json_object_get(after, k);
		if (json_equal(x, y))
			continue;
		json_array_append_new(fields, json_string(k));
		if (editable[i].kind == PK_SEALED)
			continue; /* personal details never enter the audit trail */
		json_object_set(b, k, x);
		json_object_set(a, k, y);
	}
	return json_pack("{s:o,s:o,s:o}", "fields", fields, "before", b, "after", a);
}

static int update_fn(struct db *db, void *arg)
{
	struct change *c = arg;
	json_t *in = c->in, *v, *after = NULL, *diff = NULL;
	int ret = -1;
	if (load(db, c, true))
		return -1;
	/* The times as they will be, for the order check. */
	json_t *occ = json_object_get(in, "occurred_at");
	bool has_occ = occ ? json_is_string(occ)
			   : json_is_integer(json_object_get(c->before, "occurred_at"));
	int64_t occurred = occ ? time_field(in, "occurred_at", 0) : iget(c->before, "occurred_at");
	int64_t discovered = json_object_get(in, "discovered_at")
				     ? time_field(in, "discovered_at", 0)
				     : iget(c->before, "discovered_at");
	if (json_object_get(in, "occurred_at") || json_object_get(in, "discovered_at"))
		check_times(occurred, has_occ, discovered, c->fe);
	if ((v = json_object_get(in, "assignee_id")) && json_is_integer(v)) {
		int64_t one;
		bool found;
		if (db_query_int(db, &one, &found,
				 "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
				 P(V_INT(json_integer_value(v)))))
			goto out;
		if (!found)
			ferr_add(c->fe, "assignee_id", "not_found",
				 "There is no such active user.");
	}
	if (ferr_any(c->fe)) {
		c->st = ST_INVALID;
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(editable); i++)
		if ((v = json_object_get(in, editable[i].field)) && apply_field(db, c, i, v))
			goto out;
	if (json_object_get(in, "discovered_at")) {
		char day[11];
		org_date(discovered, day);
		if (db_exec(db, "UPDATE incidents SET discovered_on = ? WHERE id = ?",
			    P(V_TEXT(day), V_INT(c->id))))
			goto out;
	}
	if (bump(db, c->id) || !(after = incident_raw(db, c->id)))
		goto out;
	if (db_exec(db, "UPDATE incidents SET ppc_mandatory = ? WHERE id = ?",
		    P(V_BOOL(ppc_mandatory_of(after)), V_INT(c->id))))
		goto out;
	json_object_set_new(after, "ppc_mandatory", json_boolean(ppc_mandatory_of(after)));
	diff = audit_diff(c->before, after);
	json_object_set(diff, "ppc_mandatory", json_object_get(after, "ppc_mandatory"));
	json_t *data = json_pack("{s:O}", "fields", json_object_get(diff, "fields"));
	int rc = add_event(db, c->who, c->id, "updated", NULL, NULL, true, NULL, data);
	json_decref(data);
	if (rc)
		goto out;
	if (audit_append(db, c->who, "incident.update", "incident", c->id, diff))
		goto out;
	c->st = ST_OK;
	ret = 0;
out:
	json_decref(after);
	json_decref(diff);
	return ret;
}

static enum status run_change(struct db *db, int (*fn)(struct db *, void *), struct change *c)
{
	int rc = db_tx(db, fn, c);
	json_decref(c->before);
	c->before = NULL;
	return rc ? (c->st == ST_OK ? ST_DB : c->st) : ST_OK;
}

enum status incident_update(struct app *app, struct db *db, const struct actor *who, int64_t id,
			    json_t *patch, struct ferrors *fe)
{
	struct change c = { .app = app, .who = who, .id = id, .in = patch, .fe = fe };
	return run_change(db, update_fn, &c);
}

/* --- the workflow ------------------------------------------------------------------------- */

static bool near_miss(const struct wf_ctx *c)
{
	int64_t one;
	bool found = false;
	return db_query_int(c->db, &one, &found,
			    "SELECT 1 FROM incidents WHERE id = ? AND kind = 'near_miss'",
			    P(V_INT(c->id))) == 0 &&
	       found;
}

/* duplicate: which report it repeats, an existing other one. */
static int check_duplicate(struct wf_ctx *c)
{
	json_t *dup = json_object_get(c->in, "duplicate_of");
	int64_t one;
	bool found = false;
	if (!json_is_integer(dup))
		ferr_add(c->fe, "duplicate_of", "required", "Which report does it repeat?");
	else if (json_integer_value(dup) == c->id)
		ferr_add(c->fe, "duplicate_of", "invalid_choice", "Not this report itself.");
	else if (db_query_int(c->db, &one, &found, "SELECT 1 FROM incidents WHERE id = ?",
			      P(V_INT(json_integer_value(dup)))))
		return -1;
	else if (!found)
		ferr_add(c->fe, "duplicate_of", "not_found", "There is no such report.");
	return 0;
}

/* closed: every report outside that is required has been recorded. */
static int check_reports(struct wf_ctx *c)
{
	struct incident_settings s;
	struct report_row rows[6];
	struct ppc_decision d;
	char today[11];
	int outstanding;
	if (ferr_any(c->fe))
		return 0;
	json_t *raw = incident_raw(c->db, c->id);
	if (!raw || incident_settings_get(c->db, &s) || load_reports(c->db, c->id, rows)) {
		json_decref(raw);
		return -1;
	}
	decide(raw, &s, &d);
	tz_today(today);
	json_decref(reports_view(raw, &d, rows, today, &outstanding));
	free_reports(rows);
	json_decref(raw);
	if (outstanding)
		ferr_add(c->fe, "to", "reports_outstanding",
			 "Record every required report as submitted (or as not needed, with the "
			 "reason) before closing.");
	return 0;
}

/* What every move writes besides the state: who closed it, what it duplicates, the
 * resolution (why it was dismissed or how it was closed; reopening clears it), and whether a
 * PPC report is now owed. */
static int after_move(struct wf_ctx *c)
{
	const char *to = c->t->to, *from = c->from;
	json_t *dup = json_object_get(c->in, "duplicate_of");
	bool closing = !strcmp(to, "closed"), duplicate = !strcmp(to, "duplicate");
	if (db_exec(c->db,
		    "UPDATE incidents SET closed_at = ?, closed_by = ?, duplicate_of = ? WHERE id "
		    "= "
		    "?",
		    P(closing ? V_INT(now_unix()) : V_NULL,
		      closing ? V_ID(c->by->actor->id) : V_NULL,
		      duplicate ? V_INT(json_integer_value(dup)) : V_NULL, V_INT(c->id))))
		return -1;
	bool ends = closing || !strcmp(to, "rejected") || duplicate;
	bool reopens = !strcmp(to, "triage") || !strcmp(from, "closed");
	if ((ends || reopens) && db_exec(c->db, "UPDATE incidents SET resolution = ? WHERE id = ?",
					 P(V_TEXT(ends ? c->comment : NULL), V_INT(c->id))))
		return -1;
	json_t *after = incident_raw(c->db, c->id);
	if (!after)
		return -1;
	int rc = db_exec(c->db, "UPDATE incidents SET ppc_mandatory = ? WHERE id = ?",
			 P(V_BOOL(ppc_mandatory_of(after)), V_INT(c->id)));
	json_decref(after);
	if (duplicate && json_is_integer(dup))
		c->data = json_pack("{s:O}", "duplicate_of", dup);
	return rc;
}

#define MANAGE WF_PERM, "incidents.manage", .apply = after_move
#define WHY    .flags = WF_COMMENT_REQUIRED

/* reported → triage → containment → investigation → action → closed; dismissed as rejected
 * or duplicate (and reopened to triage); a closed report reopened to investigation; a
 * near-miss closed straight from reported, triage or investigation. */
static const struct wf_transition moves[] = {
	{ "reported rejected duplicate", "triage", MANAGE },
	{ "reported triage", "rejected", MANAGE, WHY },
	{ "reported triage", "duplicate", MANAGE, WHY, .guard = check_duplicate },
	{ "reported triage investigation", "closed", MANAGE, .when = near_miss,
	  .guard = check_reports },
	{ "triage investigation", "containment", MANAGE },
	{ "triage containment action", "investigation", MANAGE },
	{ "triage containment investigation", "action", MANAGE },
	{ "action", "closed", MANAGE, .guard = check_reports },
	{ "closed", "investigation", MANAGE, WHY },
	{ 0 },
};

const struct workflow incident_workflow = {
	.type = "incident",
	.table = "incidents",
	.requester_col = "reporter_id",
	.assignee_col = "assignee_id",
	.transitions = moves,
	.event = "incident.transition",
	.seal = seal_note,
};

enum status incident_transition(struct app *app, struct db *db, const struct wf_actor *by,
				int64_t id, json_t *in, struct ferrors *fe)
{
	struct wf_request r = { .to = json_string_value(json_object_get(in, "to")),
				.version = json_integer_value(json_object_get(in, "version")),
				.comment = json_string_value(json_object_get(in, "reason")),
				.in = in,
				.field = "to",
				.comment_field = "reason" };
	return wf_move(app, db, &incident_workflow, by, id, &r, fe);
}

static int comment_fn(struct db *db, void *arg)
{
	struct change *c = arg;
	if (load(db, c, false))
		return -1;
	bool mine = iget(c->before, "reporter_id") == c->v->user_id;
	if (!may_see(c->before, c->v)) {
		c->st = ST_NOT_FOUND;
		return -1;
	}
	if (!c->v->can_manage && !(mine && !status_is(c->before, "closed"))) {
		c->fe->code = "forbidden";
		c->fe->detail = "Only the reporter (until it is closed) and the security office "
				"comment on a report.";
		c->st = ST_FORBIDDEN;
		return -1;
	}
	bool internal = bget(c->in, "internal");
	if (internal && !c->v->can_manage) {
		ferr_add(c->fe, "internal", "forbidden",
			 "Only the security office writes internal notes.");
		c->st = ST_INVALID;
		return -1;
	}
	if (add_note_event(c->app, db, c->who, c->id, "comment", NULL, NULL, internal,
			   sget(c->in, "body"), NULL))
		return -1;
	json_t *sum = json_pack("{s:b}", "internal", internal);
	int rc = audit_append(db, c->who, "incident.comment", "incident", c->id, sum);
	json_decref(sum);
	if (rc)
		return -1;
	c->st = ST_OK;
	return 0;
}

enum status incident_comment(struct app *app, struct db *db, const struct actor *who,
			     const struct viewer *v, int64_t id, json_t *in, struct ferrors *fe)
{
	struct change c = { .app = app, .who = who, .v = v, .id = id, .in = in, .fe = fe };
	return run_change(db, comment_fn, &c);
}

static int report_fn(struct db *db, void *arg)
{
	struct change *c = arg;
	if (load(db, c, false))
		return -1;
	const char *kind = sget(c->in, "kind"), *state = sget(c->in, "state");
	const char *done_on = sget(c->in, "done_on"), *note = sget(c->in, "note");
	char today[11];
	tz_today(today);
	if (!strcmp(state, "done")) {
		if (!done_on)
			ferr_add(c->fe, "done_on", "required", "When was it made?");
		else if (strcmp(done_on, today) > 0)
			ferr_add(c->fe, "done_on", "in_future", "The date is in the future.");
		else if (strcmp(done_on, sget(c->before, "discovered_on")) < 0)
			ferr_add(c->fe, "done_on", "before_discovery",
				 "The date is before the incident was found.");
	} else if (!strcmp(state, "not_needed") && (!note || !*note)) {
		ferr_add(c->fe, "note", "required", "Say why it is not needed.");
	}
	if (ferr_any(c->fe)) {
		c->st = ST_INVALID;
		return -1;
	}
	if (db_exec(db,
		    "INSERT INTO incident_reports (incident_id, kind, state, done_on, note, "
		    "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
		    "(incident_id, "
		    "kind) DO UPDATE SET state = excluded.state, done_on = excluded.done_on, "
		    "note = excluded.note, updated_by = excluded.updated_by, "
		    "updated_at = excluded.updated_at",
		    P(V_INT(c->id), V_TEXT(kind), V_TEXT(state),
		      V_TEXT(!strcmp(state, "done") ? done_on : NULL), V_TEXT(note ? note : ""),
		      V_ID(c->who->id), V_INT(now_unix()))))
		return -1;
	json_t *data = json_pack("{s:s,s:s,s:o}", "report", kind, "state", state, "done_on",
				 !strcmp(state, "done") ? json_string(done_on) : json_null());
	int rc = add_event(db, c->who, c->id, "report", NULL, NULL, true, NULL, data);
	if (!rc)
		rc = audit_append(db, c->who, "incident.report", "incident", c->id, data);
	json_decref(data);
	if (rc)
		return -1;
	c->st = ST_OK;
	return 0;
}

enum status incident_record_report(struct db *db, const struct actor *who, int64_t id, json_t *in,
				   struct ferrors *fe)
{
	struct change c = { .who = who, .id = id, .in = in, .fe = fe };
	return run_change(db, report_fn, &c);
}

static int action_fn(struct db *db, void *arg)
{
	struct change *c = arg;
	if (load(db, c, false))
		return -1;
	char *label = xstrdup(sget(c->before, "title"));
	struct action_new a = {
		.source_type = "incident",
		.source_id = c->id,
		.source_title = label,
		.kind = sget(c->in, "kind"),
		.title = sget(c->in, "title"),
		.cause = sget(c->in, "cause"),
		.plan = sget(c->in, "plan"),
		.owner_id = iget(c->in, "owner_id"),
		.due_on = sget(c->in, "due_on"),
		.effectiveness_due = sget(c->in, "effectiveness_due"),
	};
	c->st = action_open_tx(db, c->who, &a, &c->out_id, c->fe);
	free(label);
	if (c->st != ST_OK)
		return -1;
	c->st = ST_DB;
	json_t *data = json_pack("{s:I,s:s}", "action_id", (json_int_t)c->out_id, "title", a.title);
	int rc = add_event(db, c->who, c->id, "action", NULL, NULL, false, NULL, data);
	if (!rc)
		rc = audit_append(db, c->who, "incident.action", "incident", c->id, data);
	json_decref(data);
	if (rc)
		return -1;
	c->st = ST_OK;
	return 0;
}

enum status incident_open_action(struct db *db, const struct actor *who, int64_t id, json_t *in,
				 int64_t *action_id, struct ferrors *fe)
{
	struct change c = { .who = who, .id = id, .in = in, .fe = fe };
	enum status st = run_change(db, action_fn, &c);
	*action_id = c.out_id;
	return st;
}

/* --- overviews ---------------------------------------------------------------------------- */

json_t *incident_dashboard(struct db *db)
{
	struct incident_settings s;
	struct dbrows r;
	struct buf sql = BUF_INIT;
	char today[11];
	if (incident_settings_get(db, &s))
		return NULL;
	tz_today(today);
	buf_adds(&sql, incident_select);
	buf_adds(&sql, " WHERE i.status NOT IN ('closed', 'rejected', 'duplicate') ORDER BY i.id");
	int rc = db_query(db, &r, sql.buf, P0);
	buf_release(&sql);
	if (rc)
		return NULL;
	json_t *raws = json_array();
	while (db_next(&r))
		json_array_append_new(raws, row_raw(&r));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(raws);
		return NULL;
	}
	json_t *deadlines = json_array(), *triage = json_array(), *by_status = json_object();
	size_t i;
	json_t *raw;
	int missed = 0;
	json_array_foreach(raws, i, raw)
	{
		const char *status = sget(raw, "status");
		json_object_set_new(by_status, status, json_integer(iget(by_status, status) + 1));
		if (!strcmp(status, "reported"))
			json_array_append_new(
				triage,
				json_pack("{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(raw, "id"),
					  "kind", json_object_get(raw, "kind"), "category",
					  json_object_get(raw, "category"), "title",
					  json_object_get(raw, "title"), "discovered_on",
					  json_object_get(raw, "discovered_on")));
		struct report_row rows[6];
		struct ppc_decision d;
		int outstanding;
		if (load_reports(db, iget(raw, "id"), rows))
			goto fail;
		decide(raw, &s, &d);
		json_t *reps = reports_view(raw, &d, rows, today, &outstanding);
		free_reports(rows);
		size_t k;
		json_t *rep;
		json_array_foreach(reps, k, rep)
		{
			if (!bget(rep, "required") || strcmp(sget(rep, "state"), "pending"))
				continue;
			const char *flag = sget(rep, "flag");
			if (flag && !strcmp(flag, "missed"))
				missed++;
			json_array_append_new(deadlines,
					      json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}",
							"incident_id", json_object_get(raw, "id"),
							"title", json_object_get(raw, "title"),
							"report", json_object_get(rep, "kind"),
							"due", json_object_get(rep, "due"),
							"target", json_object_get(rep, "target"),
							"flag", json_object_get(rep, "flag"),
							"status", json_object_get(raw, "status")));
		}
		json_decref(reps);
	}
	json_decref(raws);
	return json_pack("{s:s,s:o,s:o,s:o,s:i}", "today", today, "deadlines", deadlines,
			 "awaiting_triage", triage, "open_by_status", by_status, "missed", missed);
fail:
	json_decref(raws);
	json_decref(deadlines);
	json_decref(triage);
	json_decref(by_status);
	return NULL;
}

json_t *incident_trends(struct db *db, int months)
{
	char today[11], from[16];
	tz_today(today);
	/* The first day of the month `months - 1` months back. */
	int y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
		(today[3] - '0');
	int m = (today[5] - '0') * 10 + (today[6] - '0');
	int index = y * 12 + (m - 1) - (months - 1);
	snprintf(from, sizeof(from), "%04d-%02d-01", (index / 12) % 10000, index % 12 + 1);
	json_t *labels = json_array();
	for (int k = index; k < index + months; k++) {
		char label[16];
		snprintf(label, sizeof(label), "%04d-%02d", (k / 12) % 10000, k % 12 + 1);
		json_array_append_new(labels, json_string(label));
	}
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT kind, category, substr(discovered_on, 1, 7), COUNT(*) FROM incidents "
		     "WHERE discovered_on >= ? AND status NOT IN ('rejected', 'duplicate') "
		     "GROUP BY kind, category, substr(discovered_on, 1, 7)",
		     P(V_TEXT(from)))) {
		json_decref(labels);
		return NULL;
	}
	json_t *series = json_object(); /* kind → category → [count per month] */
	while (db_next(&r)) {
		const char *kind = db_text(&r, 0), *cat = db_text(&r, 1), *month = db_text(&r, 2);
		json_t *per_kind = json_object_get(series, kind);
		if (!per_kind) {
			per_kind = json_object();
			json_object_set_new(series, kind, per_kind);
		}
		json_t *counts = json_object_get(per_kind, cat);
		if (!counts) {
			counts = json_array();
			for (int k = 0; k < months; k++)
				json_array_append_new(counts, json_integer(0));
			json_object_set_new(per_kind, cat, counts);
		}
		size_t k;
		json_t *label;
		json_array_foreach(labels, k, label)
		{
			if (!strcmp(json_string_value(label), month))
				json_array_set_new(counts, k, json_integer(db_int(&r, 3)));
		}
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(labels);
		json_decref(series);
		return NULL;
	}
	return json_pack("{s:o,s:o}", "months", labels, "series", series);
}

json_t *incident_contacts(struct db *db, int64_t user_id)
{
	struct dbrows r;
	json_t *officers = json_array();
	if (db_query(db, &r,
		     "SELECT DISTINCT u.id, u.name FROM users u JOIN user_roles ur ON ur.user_id = "
		     "u.id JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE rp.permission "
		     "= "
		     "'incidents.manage' AND u.status = 'active' ORDER BY u.id LIMIT 10",
		     P0)) {
		json_decref(officers);
		return NULL;
	}
	while (db_next(&r))
		json_array_append_new(officers, json_string(db_text(&r, 1)));
	int failed = r.failed;
	db_rows_free(&r);
	json_t *manager = json_null();
	if (!failed && db_query(db, &r,
				"SELECT m.name FROM users u JOIN users m ON m.id = u.manager_id "
				"WHERE u.id = ? AND m.status = 'active'",
				P(V_INT(user_id))) == 0) {
		if (db_next(&r))
			manager = json_string(db_text(&r, 0));
		failed = r.failed;
		db_rows_free(&r);
	} else {
		failed = 1;
	}
	if (failed) {
		json_decref(officers);
		json_decref(manager);
		return NULL;
	}
	return json_pack("{s:o,s:o}", "officers", officers, "manager", manager);
}
