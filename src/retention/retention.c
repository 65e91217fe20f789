/* retention.c — retention periods, legal holds and the purge (see retention.h). */
#include <string.h>

#include "retention.h"
#include "../lib/jsonw.h"
#include "../lib/log.h"
#include "../lib/timeutil.h"

/* --- pure rules --------------------------------------------------------------------------- */

int retention_cutoff(const char *today, int months, char date[11], int64_t *instant)
{
	int64_t days;
	if (date_add_months(today, -months, date) || date_days(date, &days))
		return -1;
	int64_t midnight_utc = days * 86400;
	/* 00:00 in the organisation's zone: its offset at that moment. */
	*instant = midnight_utc - tz_offset(midnight_utc);
	return 0;
}

json_t *retention_ranges(const int64_t *ids, size_t n)
{
	json_t *out = json_array();
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j + 1 < n && ids[j + 1] == ids[j] + 1)
			j++;
		json_array_append_new(out,
				      json_pack("[I,I]", (json_int_t)ids[i], (json_int_t)ids[j]));
		i = j + 1;
	}
	return out;
}

/* --- settings ----------------------------------------------------------------------------- */

int retention_months(struct db *db, const struct retention_kind *k, int *months, int64_t *version)
{
	struct dbrows r;
	*months = k->default_months;
	*version = 0;
	if (db_query(db, &r, "SELECT months, version FROM retention_periods WHERE kind = ?",
		     P(V_TEXT(k->kind))))
		return -1;
	if (db_next(&r)) {
		*months = (int)db_int(&r, 0);
		*version = db_int(&r, 1);
	}
	int failed = r.failed;
	db_rows_free(&r);
	/* A minimum raised after the setting was made wins: never shorter than the rule. */
	if (*months < k->min_months)
		*months = k->min_months;
	return failed ? -1 : 0;
}

struct period_op {
	const struct actor *who;
	const struct retention_kind *k;
	int months;
	int64_t version;
	struct ferrors *fe;
};

static enum status period_fn(struct db *db, void *arg)
{
	struct period_op *o = arg;
	int before;
	int64_t version;
	char lock[64];
	snprintf(lock, sizeof(lock), "retention:%s", o->k->kind);
	if (db_lock(db, lock) || retention_months(db, o->k, &before, &version))
		return ST_DB;
	if (version != o->version)
		return ST_CONFLICT;
	int64_t now = now_unix();
	int rc = version == 0 ? db_exec(db,
					"INSERT INTO retention_periods (kind, months, updated_by, "
					"updated_at) VALUES (?, ?, ?, ?)",
					P(V_TEXT(o->k->kind), V_INT(o->months), V_ID(o->who->id),
					  V_INT(now)))
			      : db_exec(db,
					"UPDATE retention_periods SET months = ?, updated_by = ?, "
					"updated_at = ?, version = version + 1 WHERE kind = ?",
					P(V_INT(o->months), V_ID(o->who->id), V_INT(now),
					  V_TEXT(o->k->kind)));
	if (rc)
		return ST_DB;
	json_t *b = json_pack("{s:s,s:i}", "kind", o->k->kind, "months", before);
	json_t *a = json_pack("{s:s,s:i}", "kind", o->k->kind, "months", o->months);
	rc = audit_change(db, o->who, "retention.period", "retention", 0, b, a);
	json_decref(b);
	json_decref(a);
	return rc ? ST_DB : ST_OK;
}

enum status retention_set_months(struct db *db, const struct actor *who, const char *kind,
				 int months, int64_t version, struct ferrors *fe)
{
	const struct retention_kind *k = retention_kind_find(kind);
	if (!k) {
		ferr_add(fe, "kind", "invalid_choice", "There is no such kind of record.");
		return ST_INVALID;
	}
	if (months < k->min_months) {
		ferr_add(fe, "months", "below_minimum",
			 "Shorter than the minimum this kind of record must be kept.");
		ferr_extra(fe, "min_months", json_integer(k->min_months));
		return ST_INVALID;
	}
	if (months > RETENTION_MAX_MONTHS) {
		ferr_add(fe, "months", "out_of_range", "At most 240 months (20 years).");
		return ST_INVALID;
	}
	struct period_op o = { who, k, months, version, fe };
	return db_tx_st(db, period_fn, &o);
}

/* "SELECT COUNT(*) " + expired + the hold condition (held or not held). */
static int count_expired(struct db *db, const struct retention_kind *k, struct dbval cutoff,
			 bool held, int64_t *n)
{
	struct buf q = BUF_INIT;
	bool found;
	buf_printf(&q,
		   "SELECT COUNT(*) %s AND %s EXISTS (SELECT 1 FROM retention_holds h WHERE h.kind "
		   "= ? AND h.status = 'active' AND (h.record_id IS NULL OR h.record_id = t.id))",
		   k->expired, held ? "" : "NOT");
	int rc = db_query_int(db, n, &found, q.buf, P(cutoff, V_TEXT(k->kind)));
	buf_release(&q);
	return rc;
}

static struct dbval cutoff_value(const struct retention_kind *k, const char *date, int64_t instant)
{
	return k->cutoff_is_date ? V_TEXT(date) : V_INT(instant);
}

/* The kind's last purge as {"at", "count"} or null. */
static json_t *last_purge(struct db *db, const char *kind)
{
	struct dbrows r;
	json_t *out = NULL;
	if (db_query(db, &r,
		     "SELECT at, count FROM retention_purges WHERE kind = ? ORDER BY id DESC LIMIT "
		     "1",
		     P(V_TEXT(kind))))
		return NULL;
	if (db_next(&r)) {
		char at[21];
		time_rfc3339(db_int(&r, 0), at);
		out = json_pack("{s:s,s:I}", "at", at, "count", (json_int_t)db_int(&r, 1));
	} else if (!r.failed) {
		out = json_null();
	}
	db_rows_free(&r);
	return out;
}

json_t *retention_schedule(struct db *db, const char *today)
{
	json_t *items = json_array();
	for (const struct retention_kind *const *kp = retention_kinds; *kp; kp++) {
		const struct retention_kind *k = *kp;
		int months;
		int64_t version, due, held;
		char date[11];
		int64_t instant;
		if (retention_months(db, k, &months, &version) ||
		    retention_cutoff(today, months, date, &instant) ||
		    count_expired(db, k, cutoff_value(k, date, instant), false, &due) ||
		    count_expired(db, k, cutoff_value(k, date, instant), true, &held))
			goto fail;
		json_t *last = last_purge(db, k->kind);
		if (!last)
			goto fail;
		json_array_append_new(
			items,
			json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:s,s:s,s:s,s:I,s:I,s:o,s:I}",
				  "kind", k->kind, "label_ja", k->label_ja, "label_en", k->label_en,
				  "action", retention_action_name(k->action), "months", months,
				  "default_months", k->default_months, "min_months", k->min_months,
				  "max_months", RETENTION_MAX_MONTHS, "basis_ja", k->basis_ja,
				  "basis_en", k->basis_en, "cutoff", date, "due", (json_int_t)due,
				  "held", (json_int_t)held, "last_purge", last, "version",
				  (json_int_t)version));
	}
	return items;
fail:
	json_decref(items);
	return NULL;
}

/* --- holds -------------------------------------------------------------------------------- */

/* NULL, empty, or only spaces (also full-width): no reason given. */
static bool blank(const char *s)
{
	while (s && *s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		else if (!strncmp(s, "\xe3\x80\x80", 3))
			s += 3;
		else
			return false;
	}
	return true;
}

#define HOLD_COLUMNS                                                                               \
	"h.id, h.kind, h.record_id, h.reason, h.status, h.placed_by, p.name, h.placed_at, "        \
	"h.lifted_by, l.name, h.lifted_at, h.lift_reason, h.version"
#define HOLD_FROM                                                                                  \
	" FROM retention_holds h LEFT JOIN users p ON p.id = h.placed_by LEFT JOIN users l ON "    \
	"l.id = h.lifted_by"

static json_t *person_or_null(struct dbrows *r, int id_col, int name_col)
{
	if (db_isnull(r, id_col))
		return json_null();
	return json_pack("{s:I,s:s?}", "id", (json_int_t)db_int(r, id_col), "name",
			 db_text(r, name_col));
}

static json_t *time_or_null(struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col))
		return json_null();
	time_rfc3339(db_int(r, col), t);
	return json_string(t);
}

static json_t *hold_row(struct dbrows *r)
{
	const struct retention_kind *k = retention_kind_find(db_text(r, 1));
	return json_pack("{s:I,s:s,s:s?,s:s?,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:s?,s:I}", "id",
			 (json_int_t)db_int(r, 0), "kind", db_text(r, 1), "label_ja",
			 k ? k->label_ja : NULL, "label_en", k ? k->label_en : NULL, "record_id",
			 db_isnull(r, 2) ? json_null() : json_integer(db_int(r, 2)), "reason",
			 db_text(r, 3), "status", db_text(r, 4), "placed_by",
			 person_or_null(r, 5, 6), "placed_at", time_or_null(r, 7), "lifted_by",
			 person_or_null(r, 8, 9), "lifted_at", time_or_null(r, 10), "lift_reason",
			 db_text(r, 11), "version", (json_int_t)db_int(r, 12));
}

json_t *retention_hold_json(struct db *db, int64_t id)
{
	struct dbrows r;
	json_t *out = NULL;
	if (db_query(db, &r, "SELECT " HOLD_COLUMNS HOLD_FROM " WHERE h.id = ?", P(V_INT(id))))
		return NULL;
	if (db_next(&r))
		out = hold_row(&r);
	db_rows_free(&r);
	return out;
}

json_t *retention_holds(struct db *db, bool active_only, int64_t cursor, int64_t limit,
			int64_t *next)
{
	struct dbrows r;
	json_t *items = json_array();
	*next = 0;
	if (db_query(db, &r,
		     "SELECT " HOLD_COLUMNS HOLD_FROM
		     " WHERE (? = 0 OR h.status = 'active') AND (? = 0 OR h.id < ?) ORDER BY h.id "
		     "DESC LIMIT ?",
		     P(V_BOOL(active_only), V_INT(cursor), V_INT(cursor), V_INT(limit + 1)))) {
		json_decref(items);
		return NULL;
	}
	while (db_next(&r)) {
		if ((int64_t)json_array_size(items) == limit) {
			*next = json_integer_value(json_object_get(
				json_array_get(items, json_array_size(items) - 1), "id"));
			break;
		}
		json_array_append_new(items, hold_row(&r));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

struct hold_op {
	const struct actor *who;
	const struct retention_kind *k;
	int64_t record_id, id, version;
	const char *reason;
	struct ferrors *fe;
};

static enum status place_fn(struct db *db, void *arg)
{
	struct hold_op *o = arg;
	char lock[64];
	struct buf q = BUF_INIT;
	int64_t one;
	bool found = true;
	snprintf(lock, sizeof(lock), "retention:%s", o->k->kind);
	if (db_lock(db, lock))
		return ST_DB;
	if (o->record_id) {
		/* The table's name is a literal of the schedule, never input. */
		buf_printf(&q, "SELECT 1 FROM %s WHERE id = ?", o->k->table);
		int rc = db_query_int(db, &one, &found, q.buf, P(V_INT(o->record_id)));
		buf_release(&q);
		if (rc)
			return ST_DB;
	}
	if (!found) {
		ferr_add(o->fe, "record_id", "not_found",
			 "There is no such record (or it has already been deleted).");
		return ST_INVALID;
	}
	int64_t now = now_unix();
	if (db_insert(db, &o->id,
		      "INSERT INTO retention_holds (kind, record_id, reason, placed_by, placed_at, "
		      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		      P(V_TEXT(o->k->kind), V_ID(o->record_id), V_TEXT(o->reason), V_ID(o->who->id),
			V_INT(now), V_INT(now), V_INT(now))))
		return ST_DB;
	json_t *a = json_pack("{s:s,s:o,s:s}", "kind", o->k->kind, "record_id",
			      o->record_id ? json_integer(o->record_id) : json_null(), "reason",
			      o->reason);
	int rc = audit_change(db, o->who, "retention.hold", "retention_hold", o->id, NULL, a);
	json_decref(a);
	return rc ? ST_DB : ST_OK;
}

enum status retention_hold_place(struct db *db, const struct actor *who, const char *kind,
				 int64_t record_id, const char *reason, int64_t *id,
				 struct ferrors *fe)
{
	const struct retention_kind *k = retention_kind_find(kind);
	if (!k)
		ferr_add(fe, "kind", "invalid_choice", "There is no such kind of record.");
	if (blank(reason))
		ferr_add(fe, "reason", "required", "Say why the records must be kept.");
	if (ferr_any(fe))
		return ST_INVALID;
	struct hold_op o = {
		.who = who, .k = k, .record_id = record_id, .reason = reason, .fe = fe
	};
	enum status st = db_tx_st(db, place_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

static enum status lift_fn(struct db *db, void *arg)
{
	struct hold_op *o = arg;
	struct dbrows r;
	char kind[64] = "", lock[80];
	int64_t version = 0, record_id = 0;
	bool active = false, found;
	if (db_query(db, &r,
		     "SELECT kind, version, status, record_id FROM retention_holds WHERE id = ?",
		     P(V_INT(o->id))))
		return ST_DB;
	found = db_next(&r);
	if (found) {
		snprintf(kind, sizeof(kind), "%s", db_text(&r, 0));
		version = db_int(&r, 1);
		active = !strcmp(db_text(&r, 2), "active");
		record_id = db_isnull(&r, 3) ? 0 : db_int(&r, 3);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return ST_DB;
	if (!found)
		return ST_NOT_FOUND;
	snprintf(lock, sizeof(lock), "retention:%s", kind);
	if (db_lock(db, lock))
		return ST_DB;
	if (version != o->version)
		return ST_CONFLICT;
	if (!active) {
		o->fe->code = "hold_lifted";
		o->fe->detail = "This hold has already been lifted.";
		return ST_CONFLICT;
	}
	int64_t now = now_unix();
	if (db_exec(db,
		    "UPDATE retention_holds SET status = 'lifted', lifted_by = ?, lifted_at = ?, "
		    "lift_reason = ?, updated_at = ?, version = version + 1 WHERE id = ? AND "
		    "version "
		    "= ?",
		    P(V_ID(o->who->id), V_INT(now), V_TEXT(o->reason), V_INT(now), V_INT(o->id),
		      V_INT(o->version))))
		return ST_DB;
	if (db_changes(db) != 1)
		return ST_CONFLICT;
	json_t *b =
		json_pack("{s:s,s:o,s:s}", "kind", kind, "record_id",
			  record_id ? json_integer(record_id) : json_null(), "status", "active");
	json_t *a = json_pack("{s:s,s:s}", "status", "lifted", "reason", o->reason);
	int rc = audit_change(db, o->who, "retention.hold_lift", "retention_hold", o->id, b, a);
	json_decref(b);
	json_decref(a);
	return rc ? ST_DB : ST_OK;
}

enum status retention_hold_lift(struct db *db, const struct actor *who, int64_t id, int64_t version,
				const char *reason, struct ferrors *fe)
{
	if (blank(reason)) {
		ferr_add(fe, "reason", "required", "Say why the hold ends.");
		return ST_INVALID;
	}
	struct hold_op o = { .who = who, .id = id, .version = version, .reason = reason, .fe = fe };
	return db_tx_st(db, lift_fn, &o);
}

/* --- the purge ---------------------------------------------------------------------------- */

struct purge_op {
	const struct actor *who;
	const struct retention_kind *k;
	int months;
	const char *cutoff_date;
	int64_t cutoff_instant;
	int64_t purged, held;
};

/* Runs one step for record `id`: its last `?` is the id, a first one (when two) the time. */
static int run_step(struct db *db, const char *sql, int64_t id, int64_t now)
{
	int marks = 0;
	for (const char *c = sql; *c; c++)
		marks += *c == '?';
	if (marks == 2)
		return db_exec(db, sql, P(V_INT(now), V_INT(id)));
	return db_exec(db, sql, P(V_INT(id)));
}

/* One batch: the expired, unheld records (at most RETENTION_BATCH), purged, with one audit
 * event. o->purged is how many (0: nothing left). */
static int purge_fn(struct db *db, void *arg)
{
	struct purge_op *o = arg;
	const struct retention_kind *k = o->k;
	struct dbval cutoff = cutoff_value(k, o->cutoff_date, o->cutoff_instant);
	struct buf q = BUF_INIT;
	struct dbrows r;
	int64_t *ids = xmalloc(RETENTION_BATCH * sizeof(*ids)), n = 0, purge_id = 0;
	char lock[64];
	int rc = -1;
	o->purged = o->held = 0;
	snprintf(lock, sizeof(lock), "retention:%s", k->kind);
	if (db_lock(db, lock))
		goto out;
	buf_printf(&q,
		   "SELECT t.id %s AND NOT EXISTS (SELECT 1 FROM retention_holds h WHERE h.kind = "
		   "? AND h.status = 'active' AND (h.record_id IS NULL OR h.record_id = t.id)) "
		   "ORDER BY t.id LIMIT ?",
		   k->expired);
	if (db_query(db, &r, q.buf, P(cutoff, V_TEXT(k->kind), V_INT(RETENTION_BATCH))))
		goto out;
	while (db_next(&r) && n < RETENTION_BATCH)
		ids[n++] = db_int(&r, 0);
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if (count_expired(db, k, cutoff, true, &o->held))
		goto out;
	int64_t now = now_unix();
	for (int64_t i = 0; i < n; i++)
		for (const char *const *s = k->steps; *s; s++)
			if (run_step(db, *s, ids[i], now))
				goto out;
	if (db_insert(db, &purge_id,
		      "INSERT INTO retention_purges (kind, action, at, count, first_id, last_id, "
		      "months, cutoff, held) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		      P(V_TEXT(k->kind), V_TEXT(retention_action_name(k->action)), V_INT(now),
			V_INT(n), V_INT(ids[0]), V_INT(ids[n - 1]), V_INT(o->months),
			V_TEXT(o->cutoff_date), V_INT(o->held))))
		goto out;
	json_t *sum = json_pack("{s:s,s:s,s:I,s:o,s:i,s:s,s:I}", "kind", k->kind, "action",
				retention_action_name(k->action), "count", (json_int_t)n, "ids",
				retention_ranges(ids, (size_t)n), "months", o->months, "cutoff",
				o->cutoff_date, "held", (json_int_t)o->held);
	rc = audit_append(db, o->who, "retention.purge", "retention_purge", purge_id, sum);
	json_decref(sum);
	if (rc == 0)
		o->purged = n;
out:
	buf_release(&q);
	free(ids);
	return rc;
}

int retention_purge(struct db *db, const struct actor *who, const struct retention_kind *k,
		    const char *today, struct retention_result *out)
{
	struct purge_op o = { .who = who, .k = k };
	char date[11];
	int64_t version;
	memset(out, 0, sizeof(*out));
	if (retention_months(db, k, &o.months, &version) ||
	    retention_cutoff(today, o.months, date, &o.cutoff_instant))
		return -1;
	o.cutoff_date = date;
	for (int b = 0; b < RETENTION_MAX_BATCHES; b++) {
		if (db_tx(db, purge_fn, &o))
			return -1;
		if (o.purged == 0)
			break;
		out->purged += o.purged;
		out->held = o.held;
		out->batches++;
		if (o.purged < RETENTION_BATCH)
			break;
	}
	return 0;
}

int retention_run(struct app *app, struct db *db)
{
	static const struct actor job = { 0, NULL, "job" };
	char today[11];
	int rc = 0;
	(void)app;
	tz_today(today);
	for (const struct retention_kind *const *k = retention_kinds; *k; k++) {
		struct retention_result res;
		if (retention_purge(db, &job, *k, today, &res)) {
			log_error("retention %s: the purge failed: %s", (*k)->kind, db_errmsg(db));
			rc = -1;
			continue;
		}
		if (res.purged)
			log_info("retention %s: %lld purged in %lld batches, %lld held", (*k)->kind,
				 (long long)res.purged, (long long)res.batches,
				 (long long)res.held);
	}
	return rc;
}
