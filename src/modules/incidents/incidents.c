/* incidents.c — incidents and near-misses: reporting, handling, reports outside, timeline. */
#include <string.h>

#include "incidents_impl.h"
#include "report_doc.h"
#include "../actions/actions.h"
#include "../pinfo/pinfo.h"
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
	{ "pd_mynumber", CT_BOOL },
	{ "mn_network", CT_BOOL },
	{ "mn_public", CT_BOOL },
	{ "mn_misuse", CT_BOOL },
	{ "mn_unlawful", CT_BOOL },
	{ "mn_count", CT_INT },
	{ "pd_media", CT_TEXT },
	{ "safeguards", CT_TEXT },
	{ "source", CT_TEXT },
	{ "ppc_contractor", CT_BOOL },
	{ "contractor_client", CT_TEXT },
	{ "contractor_notified_on", CT_TEXT },
	{ "notice_letter", CT_TEXT },
};

const char incident_select[] =
	"SELECT i.id, i.kind, i.category, i.title, i.description, i.location, i.affected, "
	"i.occurred_at, i.discovered_at, i.discovered_on, i.reporter_id, ru.name, i.anonymous, "
	"rd.name, i.status, i.severity, i.assignee_id, au.name, i.resolution, i.duplicate_of, "
	"i.pd_involved, i.pd_items, i.pd_count, i.pd_sensitive, i.pd_financial, "
	"i.pd_unauthorised, i.pd_encrypted, i.personal_details, i.cause, i.secondary_damage, "
	"i.subject_response, i.announcement, i.prevention, i.other_notes, i.ppc_mandatory, "
	"i.closed_at, cu.name, i.created_at, i.updated_at, i.version, i.pd_mynumber, "
	"i.mn_network, i.mn_public, i.mn_misuse, i.mn_unlawful, i.mn_count, i.pd_media, "
	"i.safeguards, i.source, i.ppc_contractor, i.contractor_client, i.contractor_notified_on, "
	"i.notice_letter "
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
		     "SELECT holds_pmark, review_body, review_body_days, version, updated_at, "
		     "pmark_number FROM incident_settings WHERE id = 1",
		     P0))
		return -1;
	if (db_next(&r)) {
		out->holds_pmark = db_int(&r, 0) != 0;
		snprintf(out->review_body, sizeof(out->review_body), "%s",
			 db_text(&r, 1) ? db_text(&r, 1) : "");
		out->review_body_days = (int)db_int(&r, 2);
		out->version = db_int(&r, 3);
		out->updated_at = db_int(&r, 4);
		snprintf(out->pmark_number, sizeof(out->pmark_number), "%s",
			 db_text(&r, 5) ? db_text(&r, 5) : "");
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

json_t *incident_settings_json(const struct incident_settings *s)
{
	char t[21];
	time_rfc3339(s->updated_at, t);
	return json_pack("{s:b,s:s,s:i,s:s,s:I,s:s}", "holds_pmark", s->holds_pmark, "review_body",
			 s->review_body, "review_body_days", s->review_body_days, "pmark_number",
			 s->pmark_number, "version", (json_int_t)s->version, "updated_at", t);
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
	if ((v = json_object_get(o->patch, "pmark_number")) &&
	    db_exec(db, "UPDATE incident_settings SET pmark_number = ? WHERE id = 1",
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

/* --- the reporting decision for a stored incident ----------------------------------------- */

static bool status_is(json_t *raw, const char *s)
{
	return !strcmp(sget(raw, "status"), s);
}

static bool dismissed(json_t *raw)
{
	return status_is(raw, "rejected") || status_is(raw, "duplicate");
}

/* The integer at `k`, or -1 when it is null (not known). */
static int64_t count_of(json_t *raw, const char *k)
{
	json_t *v = json_object_get(raw, k);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static void decide(json_t *raw, const struct incident_settings *s, struct ppc_decision *d)
{
	struct ppc_facts f = {
		.incident = !strcmp(sget(raw, "kind"), "incident") && !dismissed(raw),
		.pd_involved = bget(raw, "pd_involved"),
		.sensitive = bget(raw, "pd_sensitive"),
		.financial = bget(raw, "pd_financial"),
		.unauthorised = bget(raw, "pd_unauthorised"),
		.people = count_of(raw, "pd_count"),
		.encrypted = bget(raw, "pd_encrypted"),
		.mynumber = bget(raw, "pd_mynumber"),
		.mn_network = bget(raw, "mn_network"),
		.mn_misuse = bget(raw, "mn_misuse"),
		.mn_public = bget(raw, "mn_public"),
		.mn_unlawful = bget(raw, "mn_unlawful"),
		.mn_people = count_of(raw, "mn_count"),
		/* The clock stops once the client has been told, on a recorded date. */
		.contractor_notified =
			bget(raw, "ppc_contractor") &&
			json_is_string(json_object_get(raw, "contractor_notified_on")),
		.holds_pmark = s ? s->holds_pmark : false,
		.review_body_days = s ? s->review_body_days : 3,
	};
	incident_report_deadlines(&f, sget(raw, "discovered_on"), d);
}

/* --- reports outside: PPC, review body, the people affected, public, police ---------------- */

/* In this order: the API's `reports` array follows it. */
#define N_REPORTS 7
static const char *const report_kinds[N_REPORTS + 1] = {
	"ppc_preliminary", "ppc_final", "review_body_preliminary",
	"review_body",     "subjects",  "announce",
	"police",          NULL
};

struct report_row {
	bool stored;
	char state[16];
	char done_on[11];
	char *note;
	bool late; /* made after its limit: kept once recorded */
};

static void free_reports(struct report_row rows[N_REPORTS])
{
	for (int k = 0; k < N_REPORTS; k++) {
		free(rows[k].note);
		rows[k].note = NULL;
	}
}

/* Loads the stored report rows of incident `id`, indexed like report_kinds (freed with
 * free_reports; nothing to free after -1). */
static int load_reports(struct db *db, int64_t id, struct report_row rows[N_REPORTS])
{
	struct dbrows r;
	memset(rows, 0, N_REPORTS * sizeof(*rows));
	if (db_query(db, &r,
		     "SELECT kind, state, done_on, note, late FROM incident_reports WHERE "
		     "incident_id = ?",
		     P(V_INT(id))))
		return -1;
	while (db_next(&r))
		for (int k = 0; k < N_REPORTS; k++)
			if (!strcmp(report_kinds[k], db_text(&r, 0))) {
				rows[k].stored = true;
				snprintf(rows[k].state, sizeof(rows[k].state), "%s",
					 db_text(&r, 1));
				snprintf(rows[k].done_on, sizeof(rows[k].done_on), "%s",
					 db_text(&r, 2) ? db_text(&r, 2) : "");
				rows[k].note = xstrdup(db_text(&r, 3) ? db_text(&r, 3) : "");
				rows[k].late = db_int(&r, 4) != 0;
			}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		free_reports(rows);
	return failed ? -1 : 0;
}

/* What one report kind owes: whether it is required, its due date and target, how many days
 * before the due date it turns "soon", and the rule when the date is not a fixed limit. */
struct report_due {
	bool required;
	const char *due, *target, *rule;
	int warn;
};

static struct report_due report_required(const char *kind, const struct ppc_decision *d,
					 const struct report_row *row)
{
	struct report_due r = { .warn = 2 };
	const struct report_clock *rb = &d->review_body;
	if (!strcmp(kind, "ppc_preliminary")) {
		r = (struct report_due){ report_clock_running(&d->ppc), d->ppc.preliminary_limit,
					 d->ppc.preliminary_target, NULL, 5 };
	} else if (!strcmp(kind, "ppc_final")) {
		r = (struct report_due){ report_clock_running(&d->ppc), d->ppc.final_due, NULL,
					 NULL, 7 };
	} else if (!strcmp(kind, "review_body_preliminary")) {
		r = (struct report_due){ rb->state == CLOCK_REQUIRED && rb->preliminary,
					 rb->preliminary_limit, rb->preliminary_target, NULL, 5 };
	} else if (!strcmp(kind, "review_body")) {
		r = (struct report_due){ rb->state == CLOCK_REQUIRED, rb->final_due,
					 rb->final_target, NULL, 7 };
	} else if (!strcmp(kind, "subjects")) {
		/* Promptly (速やかに): pending is always urgent, and overdue once the final report
		 * to the PPC is. */
		r = (struct report_due){ d->notify_subjects, d->subjects_overdue_after, NULL,
					 "promptly", 100000 };
	} else {
		/* Public announcement and police: tracked once the officer plans them. */
		r.required = row->stored && strcmp(row->state, "not_needed");
	}
	return r;
}

static const char *flag_name(enum deadline_flag f)
{
	return f == DL_MISSED ? "missed" : f == DL_SOON ? "soon" : "open";
}

/* The one word both the screen and the printed report show for a report (report_doc.c's
 * "report_status"): done, not_needed (recorded as not needed), pending (required, not yet
 * made) or not_required. */
static const char *report_status(bool required, const char *state)
{
	if (!strcmp(state, "done") || !strcmp(state, "not_needed"))
		return state;
	return required ? "pending" : "not_required";
}

/* One array entry per report kind; *outstanding counts the required ones still pending. */
static json_t *reports_view(json_t *raw, const struct ppc_decision *d,
			    struct report_row rows[N_REPORTS], const char *today, int *outstanding)
{
	json_t *out = json_array();
	*outstanding = 0;
	for (int k = 0; k < N_REPORTS; k++) {
		struct report_due r = report_required(report_kinds[k], d, &rows[k]);
		bool required = r.required && !dismissed(raw);
		const char *state = rows[k].stored ? rows[k].state : "pending";
		bool pending = !strcmp(state, "pending");
		json_t *flag = json_null();
		if (required && pending && !status_is(raw, "closed") && r.due && *r.due)
			flag = json_string(flag_name(incident_deadline_flag(r.due, today, r.warn)));
		if (required && pending)
			(*outstanding)++;
		json_array_append_new(
			out,
			json_pack("{s:s,s:b,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:o,s:b}", "kind",
				  report_kinds[k], "required", required, "state", state, "status",
				  report_status(required, state), "due",
				  r.due && *r.due ? json_string(r.due) : json_null(), "target",
				  r.target && *r.target ? json_string(r.target) : json_null(),
				  "due_rule", r.rule ? json_string(r.rule) : json_null(), "done_on",
				  *rows[k].done_on ? json_string(rows[k].done_on) : json_null(),
				  "note", rows[k].note ? rows[k].note : "", "flag", flag, "late",
				  rows[k].late));
	}
	return out;
}

static const struct {
	unsigned bit;
	const char *name;
} reason_names[] = {
	{ PPC_SENSITIVE, "sensitive" },
	{ PPC_FINANCIAL, "financial" },
	{ PPC_UNAUTHORISED, "unauthorised" },
	{ PPC_OVER_1000, "over_1000" },
	{ PPC_COUNT_UNKNOWN, "count_unknown" },
	{ MN_NETWORK, "mn_network" },
	{ MN_UNAUTHORISED, "mn_unauthorised" },
	{ MN_MISUSE, "mn_misuse" },
	{ MN_PUBLIC, "mn_public" },
	{ MN_OVER_100, "mn_over_100" },
	{ MN_COUNT_UNKNOWN, "mn_count_unknown" },
	{ RB_PERSONAL_INFO, "personal_info" },
};

static json_t *reasons_json(unsigned bits)
{
	json_t *out = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(reason_names); i++)
		if (bits & reason_names[i].bit)
			json_array_append_new(out, json_string(reason_names[i].name));
	return out;
}

static const char *clock_state_name(enum clock_state s)
{
	static const char *const names[] = { "none",       "not_required", "exempt",
					     "contractor", "undetermined", "required" };
	return names[s];
}

#define DAY(s) ((s)[0] ? json_string(s) : json_null())

/* One reporting duty with its reasons and dates. */
static json_t *clock_view(const struct report_clock *c)
{
	return json_pack("{s:s,s:o,s:o,s:b,s:o,s:o,s:o,s:o,s:o}", "state",
			 clock_state_name(c->state), "reasons", reasons_json(c->reasons),
			 "exempted", reasons_json(c->exempted), "preliminary", c->preliminary,
			 "preliminary_target", DAY(c->preliminary_target), "preliminary_limit",
			 DAY(c->preliminary_limit), "final_due", DAY(c->final_due), "final_days",
			 c->final_days ? json_integer(c->final_days) : json_null(), "final_target",
			 DAY(c->final_target));
}

/* The PPC side: both laws together, and each law with its reasons and dates. */
static json_t *ppc_view(const struct ppc_decision *d)
{
	const struct report_clock *p = &d->ppc;
	json_t *bases = json_array();
	if (d->appi.state != CLOCK_NONE) {
		json_t *b = clock_view(&d->appi);
		json_object_set_new(b, "law", json_string("appi"));
		json_array_append_new(bases, b);
	}
	if (d->mynumber.state != CLOCK_NONE) {
		json_t *b = clock_view(&d->mynumber);
		json_object_set_new(b, "law", json_string("mynumber"));
		json_array_append_new(bases, b);
	}
	json_t *o = clock_view(p);
	json_object_update_new(
		o, json_pack("{s:b,s:b,s:b,s:s,s:o,s:b,s:o}", "mandatory", report_clock_running(p),
			     "undetermined", p->state == CLOCK_UNDETERMINED, "exempt_encrypted",
			     p->state == CLOCK_EXEMPT, "discovered_on", d->discovered_on, "bases",
			     bases, "review_body", d->review_body.state == CLOCK_REQUIRED,
			     "review_body_due", DAY(d->review_body.final_due)));
	return o;
}

/* What kind of day each date of the answer is: weekday, and weekend, holiday or year-end. */
static void add_day(json_t *days, json_t *date)
{
	static const char *const offs[] = { NULL, "saturday", "sunday", "holiday", "year_end" };
	const char *s = json_string_value(date);
	if (!s || json_object_get(days, s))
		return;
	struct deadline_day d;
	incident_deadline_day(s, incident_workcal(), &d);
	if (d.weekday < 0)
		return;
	json_object_set_new(
		days, s,
		json_pack("{s:i,s:o,s:o,s:o}", "weekday", d.weekday, "off",
			  offs[d.off] ? json_string(offs[d.off]) : json_null(), "holiday_ja",
			  d.holiday_ja ? json_string(d.holiday_ja) : json_null(), "holiday_en",
			  d.holiday_en ? json_string(d.holiday_en) : json_null()));
}

static void add_clock_days(json_t *days, json_t *clock)
{
	static const char *const keys[] = { "preliminary_target", "preliminary_limit", "final_due",
					    "final_target" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		add_day(days, json_object_get(clock, keys[i]));
}

static json_t *days_view(json_t *ppc, json_t *review_body, json_t *reports)
{
	json_t *days = json_object(), *v;
	size_t i;
	add_clock_days(days, ppc);
	json_array_foreach(json_object_get(ppc, "bases"), i, v) add_clock_days(days, v);
	add_clock_days(days, review_body);
	json_array_foreach(reports, i, v)
	{
		add_day(days, json_object_get(v, "due"));
		add_day(days, json_object_get(v, "target"));
	}
	return days;
}
#undef DAY

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

/* An audit event about incident `raw`: when its anonymous reporter acts (reports, reads,
 * comments), the event names nobody but to officers (the actor is sealed, audit.h), so that
 * auditors and administrators reading the trail cannot tell who reported. */
int incident_audit(struct app *app, struct db *db, const struct actor *who, json_t *raw,
		   const char *action, json_t *sum)
{
	int64_t id = iget(raw, "id");
	if (bget(raw, "anonymous") && who && who->id && who->id == iget(raw, "reporter_id"))
		return audit_append_sealed(db, app->master_key, who, action, "incident", id, sum);
	return audit_append(db, who, action, "incident", id, sum);
}

/* The reporter of an anonymous near-miss is hidden from `v` unless v is an officer (see struct
 * viewer) or the reporter. */
static bool reporter_hidden(json_t *raw, const struct viewer *v)
{
	return bget(raw, "anonymous") && !v->sees_anonymous &&
	       iget(raw, "reporter_id") != v->user_id;
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

/* The register entries (個人情報管理台帳) the incident names, with the facts they hold. */
static json_t *pinfo_links(struct db *db, int64_t id)
{
	struct dbrows r;
	json_t *out = json_array(), *ids = json_array();
	if (db_query(db, &r,
		     "SELECT pinfo_id FROM incident_pinfo WHERE incident_id = ? ORDER BY pinfo_id",
		     P(V_INT(id)))) {
		json_decref(out);
		json_decref(ids);
		return NULL;
	}
	while (db_next(&r))
		json_array_append_new(ids, json_integer(db_int(&r, 0)));
	int failed = r.failed;
	db_rows_free(&r);
	size_t i;
	json_t *pid;
	json_array_foreach(failed ? NULL : ids, i, pid)
	{
		json_t *e = pinfo_json(db, &reg_scope_all, json_integer_value(pid));
		if (!e) {
			if (db_errkind(db) != DBE_NONE)
				failed = 1;
			continue;
		}
		json_array_append_new(out, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", "id",
						     json_object_get(e, "id"), "name",
						     json_object_get(e, "name"), "items",
						     json_object_get(e, "items"), "record_count",
						     json_object_get(e, "record_count"),
						     "sensitive", json_object_get(e, "sensitive"),
						     "my_number", json_object_get(e, "my_number")));
		json_decref(e);
	}
	json_decref(ids);
	if (failed) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* The frozen copies of the reports as sent (no bodies: those are read one at a time). */
static json_t *copies_list(struct db *db, int64_t id)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT c.id, c.kind, c.frozen_at, c.done_on, u.name FROM "
		     "incident_report_copies "
		     "c LEFT JOIN users u ON u.id = c.frozen_by WHERE c.incident_id = ? ORDER BY "
		     "c.id",
		     P(V_INT(id))))
		return NULL;
	json_t *out = json_array();
	while (db_next(&r)) {
		char at[21];
		time_rfc3339(db_int(&r, 2), at);
		json_array_append_new(out, json_pack("{s:I,s:s,s:s,s:s?,s:s?}", "id",
						     (json_int_t)db_int(&r, 0), "kind",
						     db_text(&r, 1), "frozen_at", at, "done_on",
						     db_text(&r, 3), "frozen_by", db_text(&r, 4)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* The handling side of the incident (incidents.read): the personal-data impact, the reporting
 * decision with its reasons and dates, the reports outside, the report items, the actions. */
static int handling_view(struct db *db, json_t *raw, json_t *o)
{
	struct incident_settings s;
	struct report_row rows[N_REPORTS];
	struct ppc_decision d;
	char today[11];
	int outstanding;
	int64_t id = iget(raw, "id");
	if (incident_settings_get(db, &s) || load_reports(db, id, rows))
		return -1;
	decide(raw, &s, &d);
	tz_today(today);
	json_t *links = pinfo_links(db, id), *copies = links ? copies_list(db, id) : NULL;
	json_t *acts = copies ? actions_of_source(db, "incident", id) : NULL;
	if (!acts) {
		free_reports(rows);
		json_decref(links);
		json_decref(copies);
		return -1;
	}
	json_t *impact = json_object();
	static const struct {
		const char *shown, *stored;
	} facts[] = {
		{ "involved", "pd_involved" },   { "items", "pd_items" },
		{ "count", "pd_count" },         { "sensitive", "pd_sensitive" },
		{ "financial", "pd_financial" }, { "unauthorised", "pd_unauthorised" },
		{ "encrypted", "pd_encrypted" }, { "mynumber", "pd_mynumber" },
		{ "mn_network", "mn_network" },  { "mn_misuse", "mn_misuse" },
		{ "mn_public", "mn_public" },    { "mn_unlawful", "mn_unlawful" },
		{ "mn_count", "mn_count" },      { "media", "pd_media" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
		json_object_set(impact, facts[i].shown, json_object_get(raw, facts[i].stored));
	json_object_set_new(impact, "pinfo", links);
	json_object_set_new(o, "impact", impact);
	json_object_set_new(o, "contractor",
			    json_pack("{s:O,s:O,s:O}", "handled_as_contractor",
				      json_object_get(raw, "ppc_contractor"), "client",
				      json_object_get(raw, "contractor_client"), "notified_on",
				      json_object_get(raw, "contractor_notified_on")));
	json_t *ppc = ppc_view(&d), *rb = clock_view(&d.review_body);
	json_t *reports = reports_view(raw, &d, rows, today, &outstanding);
	free_reports(rows);
	json_object_set_new(rb, "required", json_boolean(d.review_body.state == CLOCK_REQUIRED));
	json_object_set_new(o, "days", days_view(ppc, rb, reports));
	json_object_set_new(o, "ppc", ppc);
	json_object_set_new(o, "review_body", rb);
	json_object_set_new(o, "reports", reports);
	json_object_set_new(o, "reports_outstanding", json_integer(outstanding));
	json_t *rep = json_object();
	static const char *const fields[] = {
		"cause",      "secondary_damage", "subject_response", "announcement",
		"prevention", "other_notes",      "safeguards",       "source"
	};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		json_object_set(rep, fields[i], json_object_get(raw, fields[i]));
	json_object_set_new(o, "report", rep);
	json_object_set_new(o, "actions", acts);
	json_object_set_new(o, "copies", copies);
	return 0;
}

json_t *incident_json(struct app *app, struct db *db, int64_t id, const struct viewer *v,
		      enum status *st)
{
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
	if ((v->can_read || v->can_manage) && handling_view(db, raw, o))
		goto fail;
	if (v->can_manage) {
		json_object_set_new(o, "personal_details",
				    unsealed(app, "incidents.personal_details", id,
					     sget(raw, "personal_details")));
		json_object_set_new(
			o, "notice_letter",
			unsealed(app, "incidents.notice_letter", id, sget(raw, "notice_letter")));
	}
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

/* Whether the PPC clock runs (required or undetermined): the list's "PPC report" filter. */
static bool ppc_mandatory_of(json_t *raw)
{
	struct ppc_decision d;
	decide(raw, NULL, &d);
	return report_clock_running(&d.ppc);
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
	rc = incident_audit(o->app, db, o->who, raw, "incident.create", sum);
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
	const struct doc_org *org; /* who reports (documents frozen as sent) */
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
	{ "pd_mynumber", "UPDATE incidents SET pd_mynumber = ? WHERE id = ?", PK_BOOL },
	{ "mn_network", "UPDATE incidents SET mn_network = ? WHERE id = ?", PK_BOOL },
	{ "mn_public", "UPDATE incidents SET mn_public = ? WHERE id = ?", PK_BOOL },
	{ "mn_misuse", "UPDATE incidents SET mn_misuse = ? WHERE id = ?", PK_BOOL },
	{ "mn_unlawful", "UPDATE incidents SET mn_unlawful = ? WHERE id = ?", PK_BOOL },
	{ "mn_count", "UPDATE incidents SET mn_count = ? WHERE id = ?", PK_INT },
	{ "pd_media", "UPDATE incidents SET pd_media = ? WHERE id = ?", PK_TEXT },
	{ "safeguards", "UPDATE incidents SET safeguards = ? WHERE id = ?", PK_TEXT },
	{ "source", "UPDATE incidents SET source = ? WHERE id = ?", PK_TEXT },
	{ "ppc_contractor", "UPDATE incidents SET ppc_contractor = ? WHERE id = ?", PK_BOOL },
	{ "contractor_client", "UPDATE incidents SET contractor_client = ? WHERE id = ?", PK_TEXT },
	{ "contractor_notified_on", "UPDATE incidents SET contractor_notified_on = ? WHERE id = ?",
	  PK_TEXT },
	{ "notice_letter", "UPDATE incidents SET notice_letter = ? WHERE id = ?", PK_SEALED },
};

/* The facts as they will be after `in` is applied to `before` (a new object). */
static json_t *facts_after(json_t *before, json_t *in)
{
	json_t *will = json_copy(before), *v;
	for (size_t i = 0; i < ARRAY_SIZE(editable); i++)
		if (editable[i].kind != PK_TIME && (v = json_object_get(in, editable[i].field)))
			json_object_set(will, editable[i].field, v);
	return will;
}

/* True if `in` sets any of `keys` (n of them). */
static bool sets_any(json_t *in, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (json_object_get(in, keys[i]))
			return true;
	return false;
}

/* One rule for contradictory facts: they are refused, never stored. Sensitive data,
 * financial damage, an unauthorised purpose or My Numbers mean personal information is
 * involved; My Number facts need My Numbers; the client told needs the contractor's choice,
 * the client's name and a real date. Checked when `in` changes one of them (an edit of
 * anything else is not held up by older records). `day` is the discovery date as it will be. */
static void check_facts(json_t *will, json_t *in, const char *day, struct ferrors *fe)
{
	static const char *const impact_keys[] = {
		"pd_involved", "pd_sensitive", "pd_financial", "pd_unauthorised",
		"pd_mynumber", "pd_count",     "mn_network",   "mn_public",
		"mn_misuse",   "mn_unlawful",  "mn_count"
	};
	static const char *const contractor_keys[] = { "ppc_contractor", "contractor_client",
						       "contractor_notified_on", "discovered_at" };
	bool impact = sets_any(in, impact_keys, ARRAY_SIZE(impact_keys));
	bool contractor = sets_any(in, contractor_keys, ARRAY_SIZE(contractor_keys));
	static const char *const pd_facts[] = { "pd_sensitive", "pd_financial", "pd_unauthorised",
						"pd_mynumber" };
	static const char *const mn_facts[] = { "mn_network", "mn_public", "mn_misuse",
						"mn_unlawful" };
	bool any = false;
	for (size_t i = 0; i < ARRAY_SIZE(pd_facts); i++)
		any |= bget(will, pd_facts[i]);
	if (impact && any && !bget(will, "pd_involved"))
		ferr_add(fe, "pd_involved", "facts_contradict",
			 "Personal information is marked as not involved, yet sensitive data, "
			 "financial damage, an unauthorised purpose or My Numbers are ticked.");
	any = json_is_integer(json_object_get(will, "mn_count"));
	for (size_t i = 0; i < ARRAY_SIZE(mn_facts); i++)
		any |= bget(will, mn_facts[i]);
	if (impact && any && !bget(will, "pd_mynumber"))
		ferr_add(fe, "pd_mynumber", "facts_contradict",
			 "My Number facts are given, but My Numbers are not marked as involved.");
	int64_t people = count_of(will, "pd_count"), mn = count_of(will, "mn_count");
	if (impact && people >= 0 && mn > people)
		ferr_add(fe, "mn_count", "more_than_people",
			 "More people with My Numbers than people affected.");
	const char *told = sget(will, "contractor_notified_on");
	const char *client = sget(will, "contractor_client");
	char today[11];
	tz_today(today);
	if (!contractor)
		return;
	if (told && !bget(will, "ppc_contractor"))
		ferr_add(fe, "ppc_contractor", "required",
			 "Telling the client stops the PPC clock only when the data was handled "
			 "as a contractor.");
	if (told && (!client || !*client))
		ferr_add(fe, "contractor_client", "required", "Which client was told?");
	if (told && strcmp(told, today) > 0)
		ferr_add(fe, "contractor_notified_on", "in_future", "The date is in the future.");
	else if (told && strcmp(told, day) < 0)
		ferr_add(fe, "contractor_notified_on", "before_discovery",
			 "The date is before the incident was found.");
}

/* The register entries the incident names, as an array of ids. */
static json_t *link_ids(struct db *db, int64_t id)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT pinfo_id FROM incident_pinfo WHERE incident_id = ? ORDER BY pinfo_id",
		     P(V_INT(id))))
		return NULL;
	json_t *out = json_array();
	while (db_next(&r))
		json_array_append_new(out, json_integer(db_int(&r, 0)));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* Names the register entries `ids` (each must exist) instead of the ones named before. */
static int set_links(struct db *db, int64_t id, json_t *ids, struct ferrors *fe)
{
	size_t i;
	json_t *p;
	json_array_foreach(ids, i, p)
	{
		json_t *e = pinfo_json(db, &reg_scope_all, json_integer_value(p));
		if (!e) {
			if (db_errkind(db) != DBE_NONE)
				return -1;
			ferr_add(fe, "pinfo_ids", "not_found",
				 "There is no such personal information register entry.");
			return 0;
		}
		json_decref(e);
	}
	if (db_exec(db, "DELETE FROM incident_pinfo WHERE incident_id = ?", P(V_INT(id))))
		return -1;
	json_array_foreach(ids, i, p)
	{
		if (db_exec(db,
			    "INSERT INTO incident_pinfo (incident_id, pinfo_id) VALUES (?, ?) "
			    "ON CONFLICT (incident_id, pinfo_id) DO NOTHING",
			    P(V_INT(id), V_INT(json_integer_value(p)))))
			return -1;
	}
	return 0;
}

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
	json_t *in = c->in, *v, *after = NULL, *diff = NULL, *links_before = NULL;
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
	char will_day[11];
	org_date(discovered, will_day);
	json_t *will = facts_after(c->before, in);
	check_facts(will, in, will_day, c->fe);
	json_decref(will);
	json_t *links = json_object_get(in, "pinfo_ids");
	if (!(links_before = link_ids(db, c->id)))
		goto out;
	if (links && !ferr_any(c->fe) && set_links(db, c->id, links, c->fe))
		goto out;
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
	if (links && !json_equal(links, links_before)) {
		json_array_append_new(json_object_get(diff, "fields"), json_string("pinfo_ids"));
		json_object_set(json_object_get(diff, "before"), "pinfo_ids", links_before);
		json_object_set(json_object_get(diff, "after"), "pinfo_ids", links);
	}
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
	json_decref(links_before);
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
	struct report_row rows[N_REPORTS];
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
	int rc = incident_audit(c->app, db, c->who, c->before, "incident.comment", sum);
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

/* Freezes the document of report `kind` as it is sent on `done_on`: sealed, never changed
 * by later edits. *copy_id is the new copy. */
static int freeze_copy(struct db *db, struct change *c, const char *kind, const char *done_on,
		       int64_t *copy_id)
{
	struct viewer officer = { c->who->id, true, true, false };
	enum status st;
	json_t *inc = incident_json(c->app, db, c->id, &officer, &st);
	if (!inc)
		return -1;
	json_t *doc = incident_document(inc, kind, c->org, done_on, "ja");
	json_decref(inc);
	char *body = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	char *sealed = seal(c->app, "incident_report_copies.body", c->id, body);
	explicit_bzero(body, strlen(body));
	free(body);
	int rc = db_insert(db, copy_id,
			   "INSERT INTO incident_report_copies (incident_id, kind, done_on, "
			   "frozen_at, frozen_by, body) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			   P(V_INT(c->id), V_TEXT(kind), V_TEXT(done_on), V_INT(now_unix()),
			     V_ID(c->who->id), V_TEXT(sealed)));
	free(sealed);
	return rc;
}

static int report_fn(struct db *db, void *arg)
{
	struct change *c = arg;
	if (load(db, c, false))
		return -1;
	const char *kind = sget(c->in, "kind"), *state = sget(c->in, "state");
	const char *done_on = sget(c->in, "done_on"), *note = sget(c->in, "note");
	bool done = !strcmp(state, "done");
	char today[11];
	tz_today(today);
	if (done) {
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
	/* A report made after its limit stays marked late: the limit in force when it is
	 * recorded is kept with it. */
	struct incident_settings s;
	struct report_row rows[N_REPORTS];
	struct ppc_decision d;
	if (incident_settings_get(db, &s) || load_reports(db, c->id, rows))
		return -1;
	decide(c->before, &s, &d);
	const struct report_row *row = NULL;
	for (int k = 0; k < N_REPORTS; k++)
		if (!strcmp(report_kinds[k], kind))
			row = &rows[k];
	if (!row) { /* the route's schema admits only the kinds above */
		free_reports(rows);
		c->st = ST_INVALID;
		return -1;
	}
	struct report_due due = report_required(kind, &d, row);
	bool was_done = row->stored && !strcmp(row->state, "done");
	free_reports(rows);
	bool has_due = due.required && due.due && *due.due;
	bool late = done && has_due && strcmp(done_on, due.due) > 0;
	if (db_exec(db,
		    "INSERT INTO incident_reports (incident_id, kind, state, done_on, note, "
		    "updated_by, updated_at, due_on, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
		    "ON CONFLICT (incident_id, kind) DO UPDATE SET state = excluded.state, "
		    "done_on = excluded.done_on, note = excluded.note, updated_by = "
		    "excluded.updated_by, updated_at = excluded.updated_at, due_on = "
		    "excluded.due_on, late = excluded.late",
		    P(V_INT(c->id), V_TEXT(kind), V_TEXT(state), V_TEXT(done ? done_on : NULL),
		      V_TEXT(note ? note : ""), V_ID(c->who->id), V_INT(now_unix()),
		      V_TEXT(has_due ? due.due : NULL), V_BOOL(late))))
		return -1;
	/* Marking a report to the PPC or the review body done keeps a copy of it as sent. */
	int64_t copy_id = 0;
	if (done && !was_done && incident_document_kind(kind) &&
	    freeze_copy(db, c, kind, done_on, &copy_id))
		return -1;
	json_t *data = json_pack("{s:s,s:s,s:o,s:b}", "report", kind, "state", state, "done_on",
				 done ? json_string(done_on) : json_null(), "late", late);
	if (copy_id)
		json_object_set_new(data, "copy_id", json_integer(copy_id));
	int rc = add_event(db, c->who, c->id, "report", NULL, NULL, true, NULL, data);
	if (!rc)
		rc = audit_append(db, c->who, "incident.report", "incident", c->id, data);
	json_decref(data);
	if (rc)
		return -1;
	c->st = ST_OK;
	return 0;
}

enum status incident_record_report(struct app *app, struct db *db, const struct actor *who,
				   const struct doc_org *org, int64_t id, json_t *in,
				   struct ferrors *fe)
{
	struct change c = { .app = app, .who = who, .id = id, .in = in, .fe = fe, .org = org };
	return run_change(db, report_fn, &c);
}

/* The frozen copy `copy_id` of incident `id`: the document as sent, or NULL (*st says). */
json_t *incident_copy(struct app *app, struct db *db, int64_t id, int64_t copy_id, enum status *st)
{
	struct dbrows r;
	json_t *doc = NULL;
	*st = ST_DB;
	if (db_query(db, &r,
		     "SELECT body, kind, done_on, frozen_at FROM incident_report_copies WHERE id = "
		     "? AND incident_id = ?",
		     P(V_INT(copy_id), V_INT(id))))
		return NULL;
	if (db_next(&r)) {
		json_t *body = unsealed(app, "incident_report_copies.body", id, db_text(&r, 0));
		doc = json_is_string(body) ? json_loads(json_string_value(body), 0, NULL) : NULL;
		json_decref(body);
		if (doc) {
			char at[21];
			time_rfc3339(db_int(&r, 3), at);
			json_object_set_new(doc, "copy_id", json_integer(copy_id));
			json_object_set_new(doc, "frozen_at", json_string(at));
			*st = ST_OK;
		}
	} else if (!r.failed) {
		*st = ST_NOT_FOUND;
	}
	db_rows_free(&r);
	return doc;
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
		struct report_row rows[N_REPORTS];
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
