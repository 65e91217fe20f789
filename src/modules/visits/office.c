/* office.c — sites (拠点) and the office open/close log (入退室記録): who unlocked first, who
 * locked up last with the closing checklist, and the days that lack a closing entry. */
#include <string.h>

#include "visits.h"
#include "visits_impl.h"
#include "../workflow/work.h"
#include "../../lib/timeutil.h"

#define MAX_DAYS      62 /* the longest range the log answers at once */
#define LATE_DAYS     31 /* how far back an entry may be recorded late */
#define TASK_LOOKBACK 30 /* days a missing closing entry stays a task */

/* --- pure rules --------------------------------------------------------------------------- */

static bool listed(json_t *dates, const char *day)
{
	size_t i;
	json_t *d;
	json_array_foreach(dates, i, d)
	{
		if (!strcmp(json_string_value(d), day))
			return true;
	}
	return false;
}

json_t *office_missing_days(const char *from, const char *to, const struct workcal *cal,
			    json_t *opened, json_t *closed)
{
	json_t *out = json_array();
	char day[11];
	if (!date_valid(from) || !date_valid(to))
		return out;
	snprintf(day, sizeof(day), "%s", from);
	for (int guard = 0; strcmp(day, to) <= 0 && guard < 3700; guard++) {
		if ((jpcal_workday(day, cal) || listed(opened, day)) && !listed(closed, day))
			json_array_append_new(out, json_string(day));
		date_add(day, 1, day);
	}
	return out;
}

/* --- sites -------------------------------------------------------------------------------- */

#define SITE_COLUMNS                                                                               \
	"SELECT s.id, s.name, s.address, s.manager_id, m.name, s.track_closing, s.active, "        \
	"s.created_at, s.updated_at, s.version FROM sites s LEFT JOIN users m ON m.id = "          \
	"s.manager_id"

static json_t *site_row(struct dbrows *r)
{
	char created[21], updated[21], created_on[11];
	time_rfc3339(db_int(r, 7), created);
	time_rfc3339(db_int(r, 8), updated);
	visit_local_date(db_int(r, 7), created_on);
	return json_pack("{s:I,s:s,s:s,s:o,s:b,s:b,s:s,s:s,s:s,s:I}", "id",
			 (json_int_t)db_int(r, 0), "name", db_text(r, 1), "address", db_text(r, 2),
			 "manager",
			 db_isnull(r, 3) ? json_null()
					 : json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, 3),
						     "name", db_text(r, 4)),
			 "track_closing", db_int(r, 5) != 0, "active", db_int(r, 6) != 0,
			 "created_at", created, "created_on", created_on, "updated_at", updated,
			 "version", (json_int_t)db_int(r, 9));
}

json_t *sites_json(struct db *db, bool active_only)
{
	struct dbrows r;
	if (db_query(db, &r, SITE_COLUMNS " WHERE (? = 0 OR s.active = 1) ORDER BY s.name, s.id",
		     P(V_BOOL(active_only))))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, site_row(&r));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *site_json(struct db *db, int64_t id)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r, SITE_COLUMNS " WHERE s.id = ?", P(V_INT(id))))
		return NULL;
	if (db_next(&r))
		o = site_row(&r);
	db_rows_free(&r);
	return o;
}

struct site_op {
	const struct actor *who;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

/* Name not blank nor another site's; manager an active user. */
static int site_check(struct db *db, int64_t id, json_t *in, struct ferrors *fe)
{
	json_t *x;
	int64_t other;
	bool found;
	if ((x = json_object_get(in, "name"))) {
		if (visit_blank(json_string_value(x)))
			ferr_add(fe, "name", "required", "Name the site.");
		else if (db_query_int(db, &other, &found,
				      "SELECT id FROM sites WHERE name = ? AND id <> ?",
				      P(V_TEXT(json_string_value(x)), V_INT(id))))
			return -1;
		else if (found)
			ferr_add(fe, "name", "taken", "Another site has this name.");
	}
	if ((x = json_object_get(in, "manager_id")) && json_is_integer(x)) {
		if (db_query_int(db, &other, &found,
				 "SELECT 1 FROM users WHERE id = ? AND status = 'active'",
				 P(V_INT(json_integer_value(x)))))
			return -1;
		if (!found)
			ferr_add(fe, "manager_id", "not_found", "There is no such active user.");
	}
	return 0;
}

static enum status site_create_fn(struct db *db, void *arg)
{
	struct site_op *o = arg;
	ferr_release(o->fe);
	if (site_check(db, 0, o->in, o->fe))
		return ST_DB;
	if (ferr_any(o->fe))
		return ST_INVALID;
	int64_t now = now_unix();
	json_t *track = json_object_get(o->in, "track_closing");
	const char *address = json_string_value(json_object_get(o->in, "address"));
	if (db_insert(db, &o->id,
		      "INSERT INTO sites (name, address, manager_id, track_closing, created_at, "
		      "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		      P(V_TEXT(json_string_value(json_object_get(o->in, "name"))),
			V_TEXT(address ? address : ""),
			V_ID(json_integer_value(json_object_get(o->in, "manager_id"))),
			V_BOOL(!track || json_is_true(track)), V_INT(now), V_INT(now))))
		return ST_DB;
	json_t *after = site_json(db, o->id);
	if (!after)
		return ST_DB;
	int rc = audit_change(db, o->who, "site.create", "site", o->id, NULL, after);
	json_decref(after);
	return rc ? ST_DB : ST_OK;
}

enum status site_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			struct ferrors *fe)
{
	struct site_op o = { who, 0, in, fe };
	enum status st = db_tx_st(db, site_create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

static enum status site_update_fn(struct db *db, void *arg)
{
	struct site_op *o = arg;
	json_t *before, *after = NULL, *x;
	enum status st = ST_DB;
	char lock[32];
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "site:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	if (!(before = site_json(db, o->id)))
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	if (site_check(db, o->id, o->in, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	if ((x = json_object_get(o->in, "name")) &&
	    db_exec(db, "UPDATE sites SET name = ? WHERE id = ?",
		    P(V_TEXT(json_string_value(x)), V_INT(o->id))))
		goto out;
	if ((x = json_object_get(o->in, "address")) &&
	    db_exec(db, "UPDATE sites SET address = ? WHERE id = ?",
		    P(V_TEXT(json_is_string(x) ? json_string_value(x) : ""), V_INT(o->id))))
		goto out;
	if ((x = json_object_get(o->in, "manager_id")) &&
	    db_exec(db, "UPDATE sites SET manager_id = ? WHERE id = ?",
		    P(V_ID(json_integer_value(x)), V_INT(o->id))))
		goto out;
	if ((x = json_object_get(o->in, "track_closing")) &&
	    db_exec(db, "UPDATE sites SET track_closing = ? WHERE id = ?",
		    P(V_BOOL(json_is_true(x)), V_INT(o->id))))
		goto out;
	if ((x = json_object_get(o->in, "active")) &&
	    db_exec(db, "UPDATE sites SET active = ? WHERE id = ?",
		    P(V_BOOL(json_is_true(x)), V_INT(o->id))))
		goto out;
	if (db_exec(db, "UPDATE sites SET updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))) ||
	    !(after = site_json(db, o->id)))
		goto out;
	st = audit_change(db, o->who, "site.update", "site", o->id, before, after) ? ST_DB : ST_OK;
out:
	json_decref(before);
	json_decref(after);
	return st;
}

enum status site_update(struct db *db, const struct actor *who, int64_t id, json_t *in,
			struct ferrors *fe)
{
	struct site_op o = { who, id, in, fe };
	return db_tx_st(db, site_update_fn, &o);
}

/* --- the log ------------------------------------------------------------------------------ */

struct entry_op {
	const struct actor *who;
	json_t *in;
	bool close;
	struct ferrors *fe;
};

/* The entry's site (active) and day (today unless given; not ahead of today, at most
 * LATE_DAYS back). */
static int entry_check(struct db *db, json_t *in, char day[11], struct ferrors *fe)
{
	char today[11], earliest[11];
	bool ok;
	const char *given = json_string_value(json_object_get(in, "day"));
	tz_today(today);
	date_add(today, -LATE_DAYS, earliest);
	snprintf(day, 11, "%s", given ? given : today);
	if (given && strcmp(given, today) > 0)
		ferr_add(fe, "day", "in_future", "This day has not come yet.");
	else if (given && strcmp(given, earliest) < 0)
		ferr_add(fe, "day", "too_old", "At most 31 days back.");
	if (visit_site_ok(db, json_integer_value(json_object_get(in, "site_id")), &ok))
		return -1;
	if (!ok)
		ferr_add(fe, "site_id", "not_found", "There is no such site.");
	return 0;
}

static enum status entry_fn(struct db *db, void *arg)
{
	struct entry_op *o = arg;
	char day[11];
	int64_t id, now = now_unix();
	ferr_release(o->fe);
	if (entry_check(db, o->in, day, o->fe))
		return ST_DB;
	static const char *const checks[] = { "windows", "cabinets", "pcs_off", "alarm_set" };
	bool all_done = true;
	for (size_t i = 0; o->close && i < ARRAY_SIZE(checks); i++)
		all_done &= json_is_true(json_object_get(o->in, checks[i]));
	const char *note = json_string_value(json_object_get(o->in, "note"));
	if (o->close && !all_done && visit_blank(note))
		ferr_add(o->fe, "note", "required",
			 "Something on the checklist is not done: say what, and why.");
	if (ferr_any(o->fe))
		return ST_INVALID;
	int64_t site = json_integer_value(json_object_get(o->in, "site_id"));
	struct dbval flag[4];
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		flag[i] =
			o->close ? V_BOOL(json_is_true(json_object_get(o->in, checks[i]))) : V_NULL;
	if (db_insert(db, &id,
		      "INSERT INTO office_log (site_id, day, kind, user_id, at, windows, cabinets, "
		      "pcs_off, alarm_set, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		      "?) "
		      "RETURNING id",
		      P(V_INT(site), V_TEXT(day), V_TEXT(o->close ? "close" : "open"),
			V_INT(o->who->id), V_INT(now), flag[0], flag[1], flag[2], flag[3],
			V_TEXT(note ? note : ""), V_INT(now))))
		return ST_DB;
	json_t *sum = json_pack("{s:I,s:s}", "site_id", (json_int_t)site, "day", day);
	if (o->close) {
		for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
			json_object_set_new(
				sum, checks[i],
				json_boolean(json_is_true(json_object_get(o->in, checks[i]))));
		if (note && *note)
			json_object_set_new(sum, "note", json_string(note));
	}
	int rc = audit_append(db, o->who, o->close ? "office_log.close" : "office_log.open",
			      "office_log", id, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

enum status office_open(struct db *db, const struct actor *who, json_t *in, struct ferrors *fe)
{
	struct entry_op o = { who, in, false, fe };
	return db_tx_st(db, entry_fn, &o);
}

enum status office_close(struct db *db, const struct actor *who, json_t *in, struct ferrors *fe)
{
	struct entry_op o = { who, in, true, fe };
	return db_tx_st(db, entry_fn, &o);
}

static json_t *entry_json(struct dbrows *r)
{
	char at[21];
	time_rfc3339(db_int(r, 5), at);
	json_t *o = json_pack("{s:I,s:{s:I,s:s},s:s}", "id", (json_int_t)db_int(r, 11), "by", "id",
			      (json_int_t)db_int(r, 3), "name", db_text(r, 4), "at", at);
	if (!strcmp(db_text(r, 2), "close")) {
		static const char *const checks[] = { "windows", "cabinets", "pcs_off",
						      "alarm_set" };
		for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
			json_object_set_new(o, checks[i], json_boolean(db_int(r, 6 + (int)i)));
		json_object_set_new(o, "note", json_string(db_text(r, 10)));
		/* Recorded after 06:00 of the next morning: someone caught up on it later. */
		json_object_set_new(
			o, "late",
			json_boolean(db_int(r, 5) >= visit_day_start(db_text(r, 1)) + 30 * 3600));
	}
	return o;
}

json_t *office_days(struct app *app, struct db *db, int64_t site_id, const char *from,
		    const char *to)
{
	struct workcal cal;
	struct dbrows r;
	char today[11];
	json_t *sites = sites_json(db, site_id == 0), *days = json_array(), *out = NULL;
	tz_today(today);
	if (!sites || work_calendar(app, db, &cal))
		goto done;
	if (db_query(
		    db, &r,
		    "SELECT l.site_id, l.day, l.kind, l.user_id, u.name, l.at, l.windows, "
		    "l.cabinets, l.pcs_off, l.alarm_set, l.note, l.id FROM office_log l JOIN users "
		    "u ON u.id = l.user_id WHERE l.day >= ? AND l.day <= ? AND (? = 0 OR "
		    "l.site_id = ?) ORDER BY l.site_id, l.day, l.at, l.id",
		    P(V_TEXT(from), V_TEXT(to), V_INT(site_id), V_INT(site_id))))
		goto done;
	/* Gather per site and day: the first opening, the last closing, and the counts. */
	json_t *by_key = json_object();
	while (db_next(&r)) {
		char key[48];
		snprintf(key, sizeof(key), "%lld:%s", (long long)db_int(&r, 0), db_text(&r, 1));
		json_t *d = json_object_get(by_key, key);
		if (!d) {
			d = json_pack("{s:I,s:s,s:n,s:n,s:i,s:i}", "site_id",
				      (json_int_t)db_int(&r, 0), "day", db_text(&r, 1), "opened",
				      "closed", "opens", 0, "closes", 0);
			json_object_set_new(by_key, key, d);
		}
		bool close = !strcmp(db_text(&r, 2), "close");
		const char *count = close ? "closes" : "opens";
		json_object_set_new(
			d, count, json_integer(json_integer_value(json_object_get(d, count)) + 1));
		if (close)
			json_object_set_new(d, "closed", entry_json(&r));
		else if (json_is_null(json_object_get(d, "opened")))
			json_object_set_new(d, "opened", entry_json(&r));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(by_key);
		goto done;
	}
	/* Every day of the range for every site asked about, newest first. */
	size_t i;
	json_t *s;
	char day[11];
	snprintf(day, sizeof(day), "%s", to);
	for (int guard = 0; strcmp(day, from) >= 0 && guard < MAX_DAYS + 1; guard++) {
		json_array_foreach(sites, i, s)
		{
			int64_t sid = json_integer_value(json_object_get(s, "id"));
			if (site_id && sid != site_id)
				continue;
			char key[48];
			snprintf(key, sizeof(key), "%lld:%s", (long long)sid, day);
			json_t *d = json_object_get(by_key, key);
			d = d ? json_incref(d)
			      : json_pack("{s:I,s:s,s:n,s:n,s:i,s:i}", "site_id", (json_int_t)sid,
					  "day", day, "opened", "closed", "opens", 0, "closes", 0);
			const char *created = json_string_value(json_object_get(s, "created_on"));
			bool working = jpcal_workday(day, &cal);
			bool tracked = json_is_true(json_object_get(s, "track_closing")) &&
				       strcmp(day, created) >= 0 && strcmp(day, today) < 0;
			bool opened = !json_is_null(json_object_get(d, "opened"));
			bool closed = !json_is_null(json_object_get(d, "closed"));
			json_object_set_new(d, "site_name",
					    json_incref(json_object_get(s, "name")));
			json_object_set_new(d, "working_day", json_boolean(working));
			json_object_set_new(
				d, "missing_close",
				json_boolean(tracked && (working || opened) && !closed));
			json_array_append_new(days, d);
		}
		date_add(day, -1, day);
	}
	json_decref(by_key);
	out = json_pack("{s:O,s:O,s:s,s:s,s:s}", "sites", sites, "days", days, "from", from, "to",
			to, "today", today);
done:
	json_decref(sites);
	json_decref(days);
	return out;
}

/* --- tasks -------------------------------------------------------------------------------- */

/* The days of [from, to] at site `site_id` with an opening / a closing entry. */
static int entry_days(struct db *db, int64_t site_id, const char *from, const char *to,
		      json_t *opened, json_t *closed)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT DISTINCT day, kind FROM office_log WHERE site_id = ? AND day >= ? AND "
		     "day <= ? ORDER BY day",
		     P(V_INT(site_id), V_TEXT(from), V_TEXT(to))))
		return -1;
	while (db_next(&r))
		json_array_append_new(!strcmp(db_text(&r, 1), "close") ? closed : opened,
				      json_string(db_text(&r, 0)));
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

int office_tasks(const struct task_query *q, json_t *out)
{
	struct workcal cal;
	struct dbrows r;
	int64_t ids[64];
	char names[64][201], created[64][11];
	int n = 0;
	if (work_calendar(q->app, q->db, &cal) ||
	    db_query(q->db, &r,
		     "SELECT id, name, created_at FROM sites WHERE manager_id = ? AND active = 1 "
		     "AND "
		     "track_closing = 1 ORDER BY name LIMIT 64",
		     P(V_INT(q->user_id))))
		return -1;
	while (db_next(&r) && n < 64) {
		ids[n] = db_int(&r, 0);
		snprintf(names[n], sizeof(names[n]), "%s", db_text(&r, 1));
		visit_local_date(db_int(&r, 2), created[n]);
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	char from[11], yesterday[11];
	date_add(q->today, -TASK_LOOKBACK, from);
	date_add(q->today, -1, yesterday);
	for (int i = 0; i < n; i++) {
		const char *start = strcmp(created[i], from) > 0 ? created[i] : from;
		json_t *opened = json_array(), *closed = json_array();
		if (entry_days(q->db, ids[i], start, yesterday, opened, closed)) {
			json_decref(opened);
			json_decref(closed);
			return -1;
		}
		json_t *missing = office_missing_days(start, yesterday, &cal, opened, closed);
		size_t k;
		json_t *d;
		json_array_foreach(missing, k, d)
		{
			const char *day = json_string_value(d);
			char key[64], link[64];
			struct buf title = BUF_INIT, title_en = BUF_INIT;
			snprintf(key, sizeof(key), "office_close:%lld:%s", (long long)ids[i], day);
			snprintf(link, sizeof(link), "/office-log?site=%lld&day=%s",
				 (long long)ids[i], day);
			buf_printf(&title, "%s %s の施錠の記録がありません", names[i], day);
			buf_printf(&title_en, "No closing entry at %s on %s", names[i], day);
			task_add(out, "office_close", key, title.buf, title_en.buf, day, true, link,
				 json_pack("{s:I,s:s}", "site_id", (json_int_t)ids[i], "day", day));
			buf_release(&title);
			buf_release(&title_en);
		}
		json_decref(missing);
		json_decref(opened);
		json_decref(closed);
	}
	return 0;
}
