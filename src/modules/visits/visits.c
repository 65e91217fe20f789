/* visits.c — visitor slips: rules, sealing, reading (audited), moving, telling the host. */
#include <string.h>

#include "visits.h"
#include "visits_impl.h"
#include "../../lib/crypto.h"
#include "../../lib/log.h"
#include "../../lib/timeutil.h"
#include "../../notify/notify.h"
#include "../../store/query.h"

/* --- pure rules --------------------------------------------------------------------------- */

void visit_host_key(const char *typed, char *out, size_t n)
{
	static const char *const suffixes[] = { "様", "さん", "殿", "さま" };
	size_t len = 0;
	if (n == 0)
		return;
	for (const char *s = typed ? typed : ""; *s;) {
		unsigned char c = (unsigned char)*s;
		size_t w = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (c == ' ' || c == '\t' || !strncmp(s, "\xe3\x80\x80", 3)) { /* U+3000 */
			s += c < 0x80 ? 1 : 3;
			continue;
		}
		if (len + w >= n)
			break;
		for (size_t i = 0; i < w && s[i]; i++)
			out[len++] = (char)(w == 1 && c >= 'A' && c <= 'Z' ? c + 32 : s[i]);
		s += w;
	}
	out[len] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		size_t sl = strlen(suffixes[i]);
		if (len > sl && !strcmp(out + len - sl, suffixes[i])) {
			len -= sl;
			out[len] = '\0';
			break;
		}
	}
}

int64_t visit_day_start(const char *date)
{
	int64_t days;
	if (date_days(date, &days))
		return 0;
	int64_t t = days * 86400;
	return t - tz_offset(t);
}

void visit_local_date(int64_t t, char out[11])
{
	char s[21];
	time_rfc3339(t + tz_offset(t), s);
	memcpy(out, s, 10);
	out[10] = '\0';
}

void visit_local_time(int64_t t, char out[6])
{
	char s[21];
	time_rfc3339(t + tz_offset(t), s);
	memcpy(out, s + 11, 5);
	out[5] = '\0';
}

/* --- reading ------------------------------------------------------------------------------ */

const char visit_columns[] =
	"SELECT v.id, v.site_id, s.name, v.host_id, h.name, v.host_text, v.visitor_name, "
	"v.visitor_company, v.purpose, v.expected_arrival_at, v.expected_departure_at, "
	"v.arrived_at, v.departed_at, v.areas, v.escorted, v.badge_number, v.badge_returned_at, "
	"v.notice_accepted_at, v.notice_version, v.notice_locale, v.source, v.kiosk_id, v.status, "
	"v.created_by, c.name, v.created_at, v.updated_at, v.version FROM visits v LEFT JOIN sites "
	"s ON s.id = v.site_id LEFT JOIN users h ON h.id = v.host_id LEFT JOIN users c ON c.id = "
	"v.created_by";

static json_t *time_or_null(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

static json_t *ref_or_null(struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col))
		return json_null();
	return json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, id_col), "name",
			 db_text(r, name_col));
}

static json_t *int_or_null(struct dbrows *r, int col)
{
	return db_isnull(r, col) ? json_null() : json_integer(db_int(r, col));
}

/* A sealed column as plain text (null when it does not open: a wrong key, logged). */
static json_t *opened(struct app *app, const char *column, int64_t id, const char *sealed)
{
	char *plain = crypto_open_field(app->master_key, column, id, sealed);
	if (!plain) {
		log_error("visit %lld: %s does not open with this key", (long long)id, column);
		return json_null();
	}
	json_t *v = json_string(plain);
	crypto_free_plain(plain);
	return v;
}

json_t *visit_row_json(struct app *app, struct dbrows *r)
{
	int64_t id = db_int(r, 0);
	json_t *areas = json_loads(db_text(r, 13), 0, NULL);
	if (!json_is_array(areas)) {
		json_decref(areas);
		areas = json_array();
	}
	const char *status = db_text(r, 22);
	bool badge_out = !db_isnull(r, 15) && db_isnull(r, 16) &&
			 (!strcmp(status, "arrived") || !strcmp(status, "departed"));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "source", json_string(db_text(r, 20)));
	json_object_set_new(o, "site", ref_or_null(r, 1, 2));
	json_object_set_new(o, "host", ref_or_null(r, 3, 4));
	json_object_set_new(o, "host_text", json_string(db_text(r, 5)));
	json_object_set_new(o, "visitor_name",
			    opened(app, "visits.visitor_name", id, db_text(r, 6)));
	json_object_set_new(o, "visitor_company",
			    opened(app, "visits.visitor_company", id, db_text(r, 7)));
	json_object_set_new(o, "purpose", json_string(db_text(r, 8)));
	json_object_set_new(o, "expected_arrival_at", time_or_null(r, 9));
	json_object_set_new(o, "expected_departure_at", time_or_null(r, 10));
	json_object_set_new(o, "arrived_at", time_or_null(r, 11));
	json_object_set_new(o, "departed_at", time_or_null(r, 12));
	json_object_set_new(o, "areas", areas);
	json_object_set_new(o, "escorted", json_boolean(db_int(r, 14)));
	json_object_set_new(o, "badge_number",
			    db_isnull(r, 15) ? json_null() : json_string(db_text(r, 15)));
	json_object_set_new(o, "badge_returned_at", time_or_null(r, 16));
	json_object_set_new(o, "badge_out", json_boolean(badge_out));
	json_object_set_new(o, "notice_accepted_at", time_or_null(r, 17));
	json_object_set_new(o, "notice_version", int_or_null(r, 18));
	json_object_set_new(o, "notice_locale",
			    db_isnull(r, 19) ? json_null() : json_string(db_text(r, 19)));
	json_object_set_new(o, "kiosk_id", int_or_null(r, 21));
	json_object_set_new(o, "created_by", ref_or_null(r, 23, 24));
	json_object_set_new(o, "created_at", time_or_null(r, 25));
	json_object_set_new(o, "updated_at", time_or_null(r, 26));
	json_object_set_new(o, "version", json_integer(db_int(r, 27)));
	return o;
}

json_t *visit_plain(struct app *app, struct db *db, int64_t id)
{
	struct dbrows r;
	struct buf q = BUF_INIT;
	json_t *o = NULL;
	buf_adds(&q, visit_columns);
	buf_adds(&q, " WHERE v.id = ?");
	int rc = db_query(db, &r, q.buf, P(V_INT(id)));
	buf_release(&q);
	if (rc)
		return NULL;
	if (db_next(&r))
		o = visit_row_json(app, &r);
	db_rows_free(&r);
	return o;
}

/* The facts of a slip the audit trail keeps: never the visitor's name or company. */
static json_t *audit_view(json_t *v)
{
	static const char *const keys[] = {
		"status",
		"purpose",
		"expected_arrival_at",
		"expected_departure_at",
		"arrived_at",
		"departed_at",
		"areas",
		"escorted",
		"badge_number",
		"badge_returned_at",
		"notice_version",
		"source",
		"host_text",
	};
	json_t *o = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		json_object_set(o, keys[i], json_object_get(v, keys[i]));
	json_t *site = json_object_get(v, "site"), *host = json_object_get(v, "host");
	json_object_set_new(o, "site_id",
			    json_is_object(site) ? json_incref(json_object_get(site, "id"))
						 : json_null());
	json_object_set_new(o, "host_id",
			    json_is_object(host) ? json_incref(json_object_get(host, "id"))
						 : json_null());
	return o;
}

static int64_t ref_id(json_t *v, const char *key)
{
	json_t *x = json_object_get(v, key);
	return json_is_object(x) ? json_integer_value(json_object_get(x, "id")) : 0;
}

bool visit_visible(const struct visit_viewer *v, json_t *visit)
{
	int64_t me = v->who->id;
	return v->read_all || v->manage ||
	       (me && (ref_id(visit, "host") == me || ref_id(visit, "created_by") == me));
}

static struct wf_actor wf_of(const struct visit_viewer *v)
{
	return (struct wf_actor){ v->who, v->perms, false };
}

json_t *visit_read(struct app *app, struct db *db, const struct visit_viewer *v, int64_t id,
		   enum status *st)
{
	*st = ST_DB;
	json_t *o = visit_plain(app, db, id);
	if (!o) {
		if (db_errkind(db) == DBE_NONE)
			*st = ST_NOT_FOUND;
		return NULL;
	}
	if (!visit_visible(v, o)) {
		json_decref(o);
		*st = ST_NOT_FOUND;
		return NULL;
	}
	struct wf_actor by = wf_of(v);
	json_t *allowed = wf_allowed_states(db, &visit_workflow, &by, id, NULL);
	json_t *tl = wf_timeline(db, "visit", id, true, NULL, NULL);
	if (!allowed || !tl) {
		json_decref(allowed);
		json_decref(tl);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "allowed_transitions", allowed);
	json_object_set_new(o, "timeline", tl);
	/* Reading the visitor's name is reading personal information: an audit event first. */
	if (audit_append_tx(db, v->who, "visit.read", "visit", id, NULL)) {
		json_decref(o);
		return NULL;
	}
	*st = ST_OK;
	return o;
}

/* --- telling the host --------------------------------------------------------------------- */

int visit_tell_host(struct db *db, int64_t visit_id, int64_t host_id, int64_t arrived_at)
{
	char key[48], link[40], hm[6];
	struct buf title = BUF_INIT;
	if (!host_id)
		return 0;
	visit_local_time(arrived_at, hm);
	snprintf(key, sizeof(key), "task_new:visit:%lld", (long long)visit_id);
	snprintf(link, sizeof(link), "/visits/%lld", (long long)visit_id);
	buf_printf(&title, "来訪者の受付 No.%lld (%s)", (long long)visit_id, hm);
	json_t *params = json_pack("{s:s,s:I,s:s}", "task_kind", "visit", "visit_id",
				   (json_int_t)visit_id, "time", hm);
	struct notice n = { .user_id = host_id,
			    .kind = "task_new",
			    .key = key,
			    .title = title.buf,
			    .link = link,
			    .params = params,
			    .about_ja = "来訪者の受付",
			    .about_en = "A visitor at reception",
			    .private_title = true,
			    .urgent = true };
	int rc = notify_tx(db, &n, NULL);
	json_decref(params);
	buf_release(&title);
	return rc;
}

/* --- writing ------------------------------------------------------------------------------ */

/* Seals the visitor's name and company into row `id`. */
int visit_seal_names(struct app *app, struct db *db, int64_t id, const char *name,
		     const char *company)
{
	int rc = 0;
	if (name) {
		char *s = crypto_seal_field(app->master_key, "visits.visitor_name", id, name);
		rc = db_exec(db, "UPDATE visits SET visitor_name = ? WHERE id = ?",
			     P(V_TEXT(s), V_INT(id)));
		free(s);
	}
	if (!rc && company) {
		char *s = crypto_seal_field(app->master_key, "visits.visitor_company", id, company);
		rc = db_exec(db, "UPDATE visits SET visitor_company = ? WHERE id = ?",
			     P(V_TEXT(s), V_INT(id)));
		free(s);
	}
	return rc;
}

/* Text that is only spaces counts as missing. */
static bool blank(const char *s)
{
	if (!s)
		return true;
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		else if (!strncmp(s, "\xe3\x80\x80", 3)) /* U+3000 */
			s += 3;
		else
			return false;
	}
	return true;
}

bool visit_blank(const char *s)
{
	return blank(s);
}

/* An active user? -1 on database error. */
static int active_user(struct db *db, int64_t id, bool *ok)
{
	int64_t one;
	return db_query_int(db, &one, ok, "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
			    P(V_INT(id)));
}

int visit_site_ok(struct db *db, int64_t site_id, bool *ok)
{
	int64_t one;
	return db_query_int(db, &one, ok, "SELECT 1 FROM sites WHERE id = ? AND active = 1",
			    P(V_INT(site_id)));
}

static int64_t time_field(json_t *in, const char *key)
{
	int64_t t = 0;
	const char *s = json_string_value(json_object_get(in, key));
	if (s && time_parse_rfc3339(s, &t))
		t = 0;
	return t;
}

/* How long before its registration a time of a slip may lie: a slip written up after the
 * visitor came (the next morning, say) gives the real time. Retention counts from these
 * times (src/retention/kinds.c), so a time years in the past would have the slip purged years
 * before its period. */
#define EARLIEST_BEFORE_CREATED (24 * 3600)

/* Refuses `t` (field `field`) when it is more than a day before the slip's registration
 * `created` (Unix seconds). */
static void check_not_before_created(struct ferrors *fe, const char *field, int64_t t,
				     int64_t created)
{
	if (t && t < created - EARLIEST_BEFORE_CREATED)
		ferr_add(fe, field, "before_registration",
			 "This time is more than a day before the slip was registered.");
}

/* The notice in force: its version and whether it has any text. */
int visit_notice(struct db *db, int64_t *version, bool *has_ja, bool *has_en)
{
	struct dbrows r;
	*version = 0;
	*has_ja = *has_en = false;
	if (db_query(db, &r,
		     "SELECT notice_version, notice_ja, notice_en FROM visit_settings WHERE id = 1",
		     P0))
		return -1;
	if (db_next(&r)) {
		*version = db_int(&r, 0);
		*has_ja = !blank(db_text(&r, 1));
		*has_en = !blank(db_text(&r, 2));
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* Field checks shared by creating and editing (only the fields present in `in`). */
static int check_fields(struct db *db, const struct visit_viewer *v, json_t *in, json_t *before,
			struct ferrors *fe)
{
	json_t *x;
	bool ok;
	if ((x = json_object_get(in, "visitor_name")) && blank(json_string_value(x)))
		ferr_add(fe, "visitor_name", "required", "Give the visitor's name.");
	if ((x = json_object_get(in, "purpose")) && blank(json_string_value(x)))
		ferr_add(fe, "purpose", "required", "Say what the visit is for.");
	if ((x = json_object_get(in, "host_id")) && json_is_integer(x)) {
		int64_t host = json_integer_value(x);
		if (!v->manage && host != v->who->id)
			ferr_add(fe, "host_id", "not_allowed",
				 "Only reception registers a visitor for someone else.");
		else if (active_user(db, host, &ok))
			return -1;
		else if (!ok)
			ferr_add(fe, "host_id", "not_found", "There is no such active user.");
	}
	if ((x = json_object_get(in, "site_id")) && json_is_integer(x)) {
		if (visit_site_ok(db, json_integer_value(x), &ok))
			return -1;
		if (!ok)
			ferr_add(fe, "site_id", "not_found", "There is no such site.");
	}
	int64_t from = json_object_get(in, "expected_arrival_at")
			       ? time_field(in, "expected_arrival_at")
			       : (before ? time_field(before, "expected_arrival_at") : 0);
	int64_t to = json_object_get(in, "expected_departure_at")
			     ? time_field(in, "expected_departure_at")
			     : (before ? time_field(before, "expected_departure_at") : 0);
	if (from && to && to < from)
		ferr_add(fe, "expected_departure_at", "before_arrival",
			 "The expected departure is before the expected arrival.");
	/* A new slip is registered now; an edited one when it was created. */
	if (json_object_get(in, "expected_arrival_at"))
		check_not_before_created(fe, "expected_arrival_at",
					 time_field(in, "expected_arrival_at"),
					 before ? time_field(before, "created_at") : now_unix());
	return 0;
}

struct create_op {
	struct app *app;
	const struct visit_viewer *v;
	json_t *in;
	int64_t id;
	struct ferrors *fe;
};

static enum status create_fn(struct db *db, void *arg)
{
	struct create_op *o = arg;
	json_t *in = o->in, *after = NULL;
	int64_t now = now_unix(), notice_version;
	bool has_ja, has_en;
	ferr_release(o->fe);
	if (check_fields(db, o->v, in, NULL, o->fe) ||
	    visit_notice(db, &notice_version, &has_ja, &has_en))
		return ST_DB;
	if (ferr_any(o->fe))
		return ST_INVALID;
	json_t *h = json_object_get(in, "host_id");
	int64_t host = json_is_integer(h) ? json_integer_value(h) : o->v->who->id;
	bool arrived = json_is_true(json_object_get(in, "arrived"));
	bool notice = json_is_true(json_object_get(in, "notice_accepted"));
	json_t *areas = json_object_get(in, "areas");
	char *areas_s = json_is_array(areas) ? json_dumps(areas, JSON_COMPACT) : xstrdup("[]");
	int64_t site = json_integer_value(json_object_get(in, "site_id"));
	const char *badge = json_string_value(json_object_get(in, "badge_number"));
	int rc = db_insert(
		db, &o->id,
		"INSERT INTO visits (site_id, host_id, visitor_name, purpose, expected_arrival_at, "
		"expected_departure_at, arrived_at, areas, escorted, badge_number, "
		"notice_accepted_at, notice_version, notice_locale, source, status, created_by, "
		"created_at, updated_at) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?) RETURNING id",
		P(V_ID(site), V_INT(host),
		  V_TEXT(json_string_value(json_object_get(in, "purpose"))),
		  V_ID(time_field(in, "expected_arrival_at")),
		  V_ID(time_field(in, "expected_departure_at")), arrived ? V_INT(now) : V_NULL,
		  V_TEXT(areas_s), V_BOOL(json_is_true(json_object_get(in, "escorted"))),
		  V_TEXT(badge && *badge ? badge : NULL), notice ? V_INT(now) : V_NULL,
		  notice ? V_INT(notice_version) : V_NULL, notice ? V_TEXT("ja") : V_NULL,
		  V_TEXT(arrived ? "reception" : "advance"),
		  V_TEXT(arrived ? "arrived" : "expected"), V_ID(o->v->who->id), V_INT(now),
		  V_INT(now)));
	free(areas_s);
	if (rc ||
	    visit_seal_names(o->app, db, o->id,
			     json_string_value(json_object_get(in, "visitor_name")),
			     json_string_value(json_object_get(in, "visitor_company"))) ||
	    wf_event_add(db, "visit", o->id, o->v->who, "created", NULL,
			 arrived ? "arrived" : "expected", false, NULL, NULL) ||
	    !(after = visit_plain(o->app, db, o->id)))
		return ST_DB;
	json_t *a = audit_view(after);
	rc = audit_change(db, o->v->who, "visit.create", "visit", o->id, NULL, a);
	json_decref(a);
	json_decref(after);
	if (rc)
		return ST_DB;
	/* Registered as already here by someone else: the host learns it now. */
	if (arrived && host != o->v->who->id && visit_tell_host(db, o->id, host, now))
		return ST_DB;
	return ST_OK;
}

enum status visit_create(struct app *app, struct db *db, const struct visit_viewer *v, json_t *in,
			 int64_t *id, struct ferrors *fe)
{
	struct create_op o = { app, v, in, 0, fe };
	enum status st = db_tx_st(db, create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

struct change_op {
	struct app *app;
	const struct visit_viewer *v;
	int64_t id, version;
	json_t *in;
	struct ferrors *fe;
};

/* Loads the slip under its lock and checks that the caller sees it and saw this version. */
static enum status load_locked(struct change_op *c, struct db *db, json_t **out)
{
	char lock[40];
	*out = NULL;
	snprintf(lock, sizeof(lock), "visit:%lld", (long long)c->id);
	if (db_lock(db, lock))
		return ST_DB;
	json_t *o = visit_plain(c->app, db, c->id);
	if (!o)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	if (!visit_visible(c->v, o)) {
		json_decref(o);
		return ST_NOT_FOUND;
	}
	if (json_integer_value(json_object_get(o, "version")) != c->version) {
		json_decref(o);
		return ST_CONFLICT;
	}
	*out = o;
	return ST_OK;
}

static enum status update_fn(struct db *db, void *arg)
{
	struct change_op *c = arg;
	json_t *before = NULL, *after = NULL, *x;
	enum status st;
	ferr_release(c->fe);
	if ((st = load_locked(c, db, &before)) != ST_OK)
		return st;
	st = ST_DB;
	const char *status = json_string_value(json_object_get(before, "status"));
	if (!c->v->manage && strcmp(status, "expected")) {
		c->fe->code = "visit_started";
		c->fe->detail = "Once the visitor has arrived, only reception changes the slip.";
		st = ST_FORBIDDEN;
		goto out;
	}
	if (check_fields(db, c->v, c->in, before, c->fe))
		goto out;
	if (ferr_any(c->fe)) {
		st = ST_INVALID;
		goto out;
	}
	static const struct {
		const char *field, *sql;
		enum { TEXT, ID, TIME, BOOL, JSON } kind;
	} cols[] = {
		{ "purpose", "UPDATE visits SET purpose = ? WHERE id = ?", TEXT },
		{ "host_id", "UPDATE visits SET host_id = ? WHERE id = ?", ID },
		{ "site_id", "UPDATE visits SET site_id = ? WHERE id = ?", ID },
		{ "expected_arrival_at", "UPDATE visits SET expected_arrival_at = ? WHERE id = ?",
		  TIME },
		{ "expected_departure_at",
		  "UPDATE visits SET expected_departure_at = ? WHERE id = ?", TIME },
		{ "escorted", "UPDATE visits SET escorted = ? WHERE id = ?", BOOL },
		{ "badge_number", "UPDATE visits SET badge_number = ? WHERE id = ?", TEXT },
		{ "areas", "UPDATE visits SET areas = ? WHERE id = ?", JSON },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		if (!(x = json_object_get(c->in, cols[i].field)))
			continue;
		struct dbval val = V_NULL;
		char *dump = NULL;
		switch (cols[i].kind) {
		case TEXT: {
			const char *s = json_string_value(x);
			val = V_TEXT(s && *s ? s : NULL);
			if (!strcmp(cols[i].field, "purpose"))
				val = V_TEXT(s ? s : "");
			break;
		}
		case ID:
			val = V_ID(json_integer_value(x));
			break;
		case TIME:
			val = V_ID(time_field(c->in, cols[i].field));
			break;
		case BOOL:
			val = V_BOOL(json_is_true(x));
			break;
		case JSON:
			dump = json_is_array(x) ? json_dumps(x, JSON_COMPACT) : xstrdup("[]");
			val = V_TEXT(dump);
			break;
		}
		int rc = db_exec(db, cols[i].sql, P(val, V_INT(c->id)));
		free(dump);
		if (rc)
			goto out;
	}
	json_t *sealed_changed = json_array();
	static const char *const sealed[] = { "visitor_name", "visitor_company" };
	for (size_t i = 0; i < ARRAY_SIZE(sealed); i++) {
		const char *now_s = json_string_value(json_object_get(c->in, sealed[i]));
		const char *was = json_string_value(json_object_get(before, sealed[i]));
		if (json_object_get(c->in, sealed[i]) && (!was || strcmp(was, now_s ? now_s : "")))
			json_array_append_new(sealed_changed, json_string(sealed[i]));
	}
	json_t *cx = json_object_get(c->in, "visitor_company");
	const char *company = cx ? (json_is_string(cx) ? json_string_value(cx) : "") : NULL;
	if (visit_seal_names(c->app, db, c->id,
			     json_string_value(json_object_get(c->in, "visitor_name")), company) ||
	    db_exec(db, "UPDATE visits SET updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(c->id))) ||
	    wf_event_add(db, "visit", c->id, c->v->who, "updated", NULL, NULL, false, NULL, NULL) ||
	    !(after = visit_plain(c->app, db, c->id))) {
		json_decref(sealed_changed);
		goto out;
	}
	json_t *b = audit_view(before), *a = audit_view(after);
	json_object_set_new(a, "sealed_changed", sealed_changed);
	int rc = audit_change(db, c->v->who, "visit.update", "visit", c->id, b, a);
	json_decref(b);
	json_decref(a);
	st = rc ? ST_DB : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	return st;
}

enum status visit_update(struct app *app, struct db *db, const struct visit_viewer *v, int64_t id,
			 json_t *in, struct ferrors *fe)
{
	struct change_op c = { app, v, id, json_integer_value(json_object_get(in, "version")),
			       in,  fe };
	return db_tx_st(db, update_fn, &c);
}

static enum status badge_fn(struct db *db, void *arg)
{
	struct change_op *c = arg;
	json_t *before;
	enum status st = load_locked(c, db, &before);
	if (st != ST_OK)
		return st;
	st = ST_DB;
	if (!c->v->manage && ref_id(before, "host") != c->v->who->id) {
		c->fe->code = "not_host";
		c->fe->detail = "Only the host or reception records the badge.";
		st = ST_FORBIDDEN;
		goto out;
	}
	if (!json_is_true(json_object_get(before, "badge_out"))) {
		c->fe->code = "badge_not_out";
		c->fe->detail = "No badge of this slip is out.";
		st = ST_CONFLICT;
		goto out;
	}
	int64_t now = now_unix();
	if (db_exec(db,
		    "UPDATE visits SET badge_returned_at = ?, updated_at = ?, version = version + "
		    "1 "
		    "WHERE id = ?",
		    P(V_INT(now), V_INT(now), V_INT(c->id))) ||
	    wf_event_add(db, "visit", c->id, c->v->who, "badge_returned", NULL, NULL, false, NULL,
			 NULL))
		goto out;
	json_t *sum = json_pack("{s:O}", "badge_number", json_object_get(before, "badge_number"));
	int rc = audit_append(db, c->v->who, "visit.badge_return", "visit", c->id, sum);
	json_decref(sum);
	st = rc ? ST_DB : ST_OK;
out:
	json_decref(before);
	return st;
}

enum status visit_badge_return(struct app *app, struct db *db, const struct visit_viewer *v,
			       int64_t id, int64_t version, struct ferrors *fe)
{
	struct change_op c = { app, v, id, version, NULL, fe };
	return db_tx_st(db, badge_fn, &c);
}

/* --- the workflow ------------------------------------------------------------------------- */

static json_t *snapshot(struct db *db, int64_t id)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r,
		     "SELECT status, host_id, site_id, arrived_at, departed_at, badge_number, "
		     "badge_returned_at FROM visits WHERE id = ?",
		     P(V_INT(id))))
		return NULL;
	if (db_next(&r))
		o = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "status", db_text(&r, 0), "host_id",
			      int_or_null(&r, 1), "site_id", int_or_null(&r, 2), "arrived_at",
			      int_or_null(&r, 3), "departed_at", int_or_null(&r, 4), "badge_number",
			      db_isnull(&r, 5) ? json_null() : json_string(db_text(&r, 5)),
			      "badge_returned_at", int_or_null(&r, 6));
	db_rows_free(&r);
	return o;
}

/* The time a move happened: "at" when given (checked by check_time), else now. */
static int64_t move_time(struct wf_ctx *c)
{
	int64_t at = time_field(c->in, "at");
	return at ? at : now_unix();
}

/* "at" is neither in the future nor more than a day before the slip was registered. */
static int check_time(struct wf_ctx *c)
{
	int64_t at = time_field(c->in, "at"), created;
	bool found;
	if (!at)
		return 0;
	if (at > now_unix() + 300) {
		ferr_add(c->fe, "at", "in_future", "This time has not come yet.");
		return 0;
	}
	if (db_query_int(c->db, &created, &found, "SELECT created_at FROM visits WHERE id = ?",
			 P(V_INT(c->id))))
		return -1;
	if (found)
		check_not_before_created(c->fe, "at", at, created);
	return 0;
}

static int check_departure(struct wf_ctx *c)
{
	int64_t arrived;
	bool found;
	if (check_time(c) ||
	    db_query_int(c->db, &arrived, &found, "SELECT arrived_at FROM visits WHERE id = ?",
			 P(V_INT(c->id))))
		return -1;
	if (found && move_time(c) < arrived)
		ferr_add(c->fe, "at", "before_arrival", "The departure is before the arrival.");
	return 0;
}

static int record_arrival(struct wf_ctx *c)
{
	int64_t at = move_time(c), notice_version;
	bool has_ja, has_en;
	const char *badge = json_string_value(json_object_get(c->in, "badge_number"));
	if (db_exec(c->db, "UPDATE visits SET arrived_at = ? WHERE id = ?",
		    P(V_INT(at), V_INT(c->id))) ||
	    (badge && *badge &&
	     db_exec(c->db,
		     "UPDATE visits SET badge_number = ?, badge_returned_at = NULL WHERE id "
		     "= ?",
		     P(V_TEXT(badge), V_INT(c->id)))))
		return -1;
	if (json_is_true(json_object_get(c->in, "notice_accepted"))) {
		if (visit_notice(c->db, &notice_version, &has_ja, &has_en) ||
		    db_exec(c->db,
			    "UPDATE visits SET notice_accepted_at = ?, notice_version = ?, "
			    "notice_locale = COALESCE(notice_locale, 'ja') WHERE id = ?",
			    P(V_INT(now_unix()), V_INT(notice_version), V_INT(c->id))))
			return -1;
	}
	/* The host learns that their visitor is here, unless they recorded it themselves. */
	if (c->assignee_id && c->assignee_id != c->by->actor->id)
		return visit_tell_host(c->db, c->id, c->assignee_id, at);
	return 0;
}

static int record_departure(struct wf_ctx *c)
{
	int64_t at = move_time(c);
	if (db_exec(c->db, "UPDATE visits SET departed_at = ? WHERE id = ?",
		    P(V_INT(at), V_INT(c->id))))
		return -1;
	if (json_is_true(json_object_get(c->in, "badge_returned")))
		return db_exec(
			c->db,
			"UPDATE visits SET badge_returned_at = ? WHERE id = ? AND badge_number "
			"IS NOT NULL AND badge_returned_at IS NULL",
			P(V_INT(now_unix()), V_INT(c->id)));
	return 0;
}

#define HOST_OR_RECEPTION WF_ASSIGNEE | WF_PERM, "visits.manage"

static const struct wf_transition moves[] = {
	{ "expected", "arrived", HOST_OR_RECEPTION, .guard = check_time, .apply = record_arrival },
	{ "arrived", "departed", HOST_OR_RECEPTION, .guard = check_departure,
	  .apply = record_departure },
	{ "expected", "cancelled", HOST_OR_RECEPTION },
	{ "cancelled", "expected", HOST_OR_RECEPTION },
	{ 0 },
};

const struct workflow visit_workflow = {
	.type = "visit",
	.table = "visits",
	.assignee_col = "host_id",
	.transitions = moves,
	.event = "visit.status",
	.forbidden_code = "not_host",
	.forbidden_detail = "Only the visitor's host or reception may do this.",
	.snapshot = snapshot,
};

enum status visit_move(struct app *app, struct db *db, const struct visit_viewer *v, int64_t id,
		       json_t *in, struct ferrors *fe)
{
	enum status st;
	json_t *o = visit_plain(app, db, id);
	if (!o)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	bool visible = visit_visible(v, o);
	json_decref(o);
	if (!visible)
		return ST_NOT_FOUND;
	struct wf_actor by = wf_of(v);
	struct wf_request r = { .to = json_string_value(json_object_get(in, "to")),
				.version = json_integer_value(json_object_get(in, "version")),
				.in = in,
				.field = "to" };
	st = wf_move(app, db, &visit_workflow, &by, id, &r, fe);
	return st;
}

/* --- lists -------------------------------------------------------------------------------- */

static void list_filters(struct query *q, const struct visit_viewer *v,
			 const struct visit_filter *f, int64_t *day_bounds)
{
	char today[11], tomorrow[11];
	query_add(q, "WHERE 1 = 1", NULL, 0);
	if ((!v->read_all && !v->manage) || f->mine)
		query_add(q, "AND (v.host_id = ? OR v.created_by = ?)",
			  P(V_INT(v->who->id), V_INT(v->who->id)));
	tz_today(today);
	date_add(today, 1, tomorrow);
	day_bounds[0] = visit_day_start(today);
	day_bounds[1] = visit_day_start(tomorrow);
	if (f->view && !strcmp(f->view, "today"))
		query_add(q,
			  "AND (v.status = 'arrived' OR (COALESCE(v.arrived_at, "
			  "v.expected_arrival_at) >= ? AND COALESCE(v.arrived_at, "
			  "v.expected_arrival_at) < ? AND v.status <> 'cancelled'))",
			  P(V_INT(day_bounds[0]), V_INT(day_bounds[1])));
	else if (f->view && !strcmp(f->view, "inside"))
		query_add(q, "AND v.status = 'arrived'", NULL, 0);
	else if (f->view && !strcmp(f->view, "badge_out"))
		query_add(q,
			  "AND v.badge_number IS NOT NULL AND v.badge_returned_at IS NULL AND "
			  "v.status IN ('arrived', 'departed')",
			  NULL, 0);
	else if (f->view && !strcmp(f->view, "expected"))
		query_add(q, "AND v.status = 'expected'", NULL, 0);
	if (f->status)
		query_add(q, "AND v.status = ?", P(V_TEXT(f->status)));
	if (f->site_id)
		query_add(q, "AND v.site_id = ?", P(V_INT(f->site_id)));
	if (f->host_id)
		query_add(q, "AND v.host_id = ?", P(V_INT(f->host_id)));
	if (f->from)
		query_add(q, "AND COALESCE(v.arrived_at, v.expected_arrival_at, v.created_at) >= ?",
			  P(V_INT(visit_day_start(f->from))));
	if (f->to) {
		char next[11];
		date_add(f->to, 1, next);
		query_add(q, "AND COALESCE(v.arrived_at, v.expected_arrival_at, v.created_at) < ?",
			  P(V_INT(visit_day_start(next))));
	}
}

json_t *visit_list(struct app *app, struct db *db, const struct visit_viewer *v,
		   const struct visit_filter *f, int64_t cursor, int64_t limit, int64_t *next)
{
	struct query q;
	struct dbrows r;
	int64_t bounds[2];
	json_t *items = json_array(), *ids = json_array();
	*next = 0;
	query_init(&q, visit_columns);
	list_filters(&q, v, f, bounds);
	if (cursor)
		query_add(&q, "AND v.id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY v.id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		goto fail;
	while (db_next(&r)) {
		if ((int64_t)json_array_size(items) == limit) {
			*next = json_integer_value(json_array_get(ids, json_array_size(ids) - 1));
			break;
		}
		json_t *o = visit_row_json(app, &r);
		json_array_append(ids, json_object_get(o, "id"));
		json_array_append_new(items, o);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto fail;
	/* A page of slips is a read of every visitor on it. */
	json_t *sum = json_pack("{s:o}", "ids", ids);
	ids = NULL;
	if (f->view)
		json_object_set_new(sum, "view", json_string(f->view));
	if (f->from)
		json_object_set_new(sum, "from", json_string(f->from));
	if (f->to)
		json_object_set_new(sum, "to", json_string(f->to));
	if (f->site_id)
		json_object_set_new(sum, "site_id", json_integer(f->site_id));
	if (f->host_id)
		json_object_set_new(sum, "host_id", json_integer(f->host_id));
	rc = audit_append_tx(db, v->who, "visit.list", "visit", 0, sum);
	json_decref(sum);
	if (rc)
		goto fail;
	return items;
fail:
	json_decref(ids);
	json_decref(items);
	return NULL;
}

/* --- settings ----------------------------------------------------------------------------- */

json_t *visit_settings_json(struct db *db)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r,
		     "SELECT notice_ja, notice_en, notice_version, kiosk_idle_minutes, updated_at, "
		     "version FROM visit_settings WHERE id = 1",
		     P0))
		return NULL;
	if (db_next(&r))
		o = json_pack("{s:s,s:s,s:I,s:I,s:o,s:I}", "notice_ja", db_text(&r, 0), "notice_en",
			      db_text(&r, 1), "notice_version", (json_int_t)db_int(&r, 2),
			      "kiosk_idle_minutes", (json_int_t)db_int(&r, 3), "updated_at",
			      db_int(&r, 4) ? time_or_null(&r, 4) : json_null(), "version",
			      (json_int_t)db_int(&r, 5));
	db_rows_free(&r);
	return o;
}

struct settings_op {
	const struct actor *who;
	json_t *in;
	struct ferrors *fe;
};

static enum status settings_fn(struct db *db, void *arg)
{
	struct settings_op *o = arg;
	json_t *before = visit_settings_json(db), *after = NULL, *x;
	enum status st = ST_DB;
	if (!before)
		return ST_DB;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	bool notice_changed = false;
	static const char *const texts[] = { "notice_ja", "notice_en" };
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		if (!(x = json_object_get(o->in, texts[i])))
			continue;
		const char *now_s = json_string_value(x);
		notice_changed |=
			strcmp(now_s, json_string_value(json_object_get(before, texts[i]))) != 0;
		int rc = !strcmp(texts[i], "notice_ja")
				 ? db_exec(db,
					   "UPDATE visit_settings SET notice_ja = ? WHERE id = 1",
					   P(V_TEXT(now_s)))
				 : db_exec(db,
					   "UPDATE visit_settings SET notice_en = ? WHERE id = 1",
					   P(V_TEXT(now_s)));
		if (rc)
			goto out;
	}
	if ((x = json_object_get(o->in, "kiosk_idle_minutes")) &&
	    db_exec(db, "UPDATE visit_settings SET kiosk_idle_minutes = ? WHERE id = 1",
		    P(V_INT(json_integer_value(x)))))
		goto out;
	if (db_exec(db,
		    "UPDATE visit_settings SET notice_version = notice_version + ?, updated_at = "
		    "?, "
		    "version = version + 1 WHERE id = 1",
		    P(V_INT(notice_changed ? 1 : 0), V_INT(now_unix()))) ||
	    !(after = visit_settings_json(db)))
		goto out;
	json_object_del(before, "updated_at");
	json_object_del(after, "updated_at");
	st = audit_change(db, o->who, "visit.settings", "visit_settings", 1, before, after) ? ST_DB
											    : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	return st;
}

enum status visit_settings_update(struct db *db, const struct actor *who, json_t *in,
				  struct ferrors *fe)
{
	struct settings_op o = { who, in, fe };
	return db_tx_st(db, settings_fn, &o);
}
