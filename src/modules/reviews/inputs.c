/* inputs.c — the management review's inputs, gathered live from what the modules record. */
#include <string.h>

#include "reviews.h"
#include "../internal_audit/internal_audit.h"
#include "../pinfo/pinfo.h"
#include "../risks/risks.h"
#include "../training/training.h"
#include "../../lib/timeutil.h"

/* The first instant of calendar day `date` in the organisation's time zone. */
static int64_t day_start(const char *date)
{
	int64_t days = 0;
	date_days(date, &days);
	int64_t t = days * 86400;
	return t - tz_offset(t);
}

/* The first instant after day `date`. */
static int64_t day_end(const char *date)
{
	char next[11];
	if (date_add(date, 1, next))
		return day_start(date) + 86400;
	return day_start(next);
}

static json_t *one_row(struct db *db, const char *sql, const struct dbval *p, size_t n,
		       const char *const *names)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r, sql, p, n))
		return NULL;
	if (db_next(&r)) {
		o = json_object();
		for (int i = 0; names[i]; i++)
			json_object_set_new(o, names[i],
					    json_integer(db_isnull(&r, i) ? 0 : db_int(&r, i)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* --- training ------------------------------------------------------------------------------- */

static int percent(int64_t done, int64_t total)
{
	return total > 0 ? (int)(done * 100 / total) : 0;
}

static json_t *training(struct db *db, const char *from, const char *to)
{
	struct roster_filter f = { .due_from = from, .due_to = to };
	json_t *summary = roster_summary(db, &f);
	struct dbrows r;
	char today[11];
	if (!summary)
		return NULL;
	tz_today(today);
	/* The same duties as the roster (leavers only with what they completed), by
	 * employment type: dispatched, part-time and contractor staff are trained like everyone. */
	if (db_query(
		    db, &r,
		    "SELECT u.employment_type, COUNT(*), SUM(CASE WHEN d.completed_at IS NOT NULL "
		    "THEN 1 ELSE 0 END), SUM(CASE WHEN d.completed_at IS NULL AND d.due_date < ? "
		    "THEN 1 ELSE 0 END) FROM training_duties d JOIN users u ON u.id = d.user_id "
		    "WHERE (u.status = 'active' OR d.completed_at IS NOT NULL) AND d.due_date >= ? "
		    "AND d.due_date <= ? GROUP BY u.employment_type ORDER BY u.employment_type",
		    P(V_TEXT(today), V_TEXT(from), V_TEXT(to)))) {
		json_decref(summary);
		return NULL;
	}
	json_t *by_type = json_array();
	while (db_next(&r)) {
		int64_t n = db_int(&r, 1), done = db_int(&r, 2);
		json_array_append_new(by_type, json_pack("{s:s,s:I,s:I,s:I,s:i}", "employment_type",
							 db_text(&r, 0), "assigned", (json_int_t)n,
							 "completed", (json_int_t)done, "overdue",
							 (json_int_t)db_int(&r, 3), "percent",
							 percent(done, n)));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(summary);
		json_decref(by_type);
		return NULL;
	}
	json_t *out = json_pack("{s:O,s:O,s:o}", "total", json_object_get(summary, "total"),
				"by_department", json_object_get(summary, "items"),
				"by_employment_type", by_type);
	json_decref(summary);
	return out;
}

/* --- incidents and near-misses ------------------------------------------------------------- */

/* "YYYY-MM" of every month from `from` to `to`. */
static json_t *months_between(const char *from, const char *to)
{
	json_t *out = json_array();
	int y = (int)strtol(from, NULL, 10), m = (int)strtol(from + 5, NULL, 10);
	int ey = (int)strtol(to, NULL, 10), em = (int)strtol(to + 5, NULL, 10);
	for (int i = 0; i < 120 && (y < ey || (y == ey && m <= em)); i++) {
		char label[16];
		snprintf(label, sizeof(label), "%04d-%02d", y % 10000, m % 100);
		json_array_append_new(out, json_string(label));
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return out;
}

static json_t *incidents(struct db *db, const char *from, const char *to)
{
	static const char *const names[] = { "incidents",     "near_misses",
					     "open",          "ppc_mandatory",
					     "ppc_reported",  "review_body_reported",
					     "personal_data", NULL };
	json_t *out = one_row(
		db,
		"SELECT COALESCE(SUM(CASE WHEN i.kind = 'incident' THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN i.kind = 'near_miss' THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN i.status <> 'closed' THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(i.ppc_mandatory), 0), "
		"COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM incident_reports r WHERE "
		"r.incident_id "
		"= i.id AND r.kind = 'ppc_final' AND r.state = 'done') THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM incident_reports r WHERE "
		"r.incident_id "
		"= i.id AND r.kind = 'review_body' AND r.state = 'done') THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(i.pd_involved), 0) "
		"FROM incidents i WHERE i.discovered_on >= ? AND i.discovered_on <= ? AND i.status "
		"NOT IN ('rejected', 'duplicate')",
		P(V_TEXT(from), V_TEXT(to)), names);
	if (!out)
		return NULL;
	struct dbrows r;
	json_t *months = months_between(from, to), *by_month = json_array(),
	       *by_category = json_array(), *m;
	size_t i;
	json_array_foreach(months, i, m)
	{
		json_array_append_new(by_month, json_pack("{s:O,s:i,s:i}", "month", m, "incidents",
							  0, "near_misses", 0));
	}
	json_decref(months);
	json_object_set_new(out, "by_month", by_month);
	json_object_set_new(out, "by_category", by_category);
	if (db_query(db, &r,
		     "SELECT substr(discovered_on, 1, 7), kind, COUNT(*) FROM incidents WHERE "
		     "discovered_on >= ? AND discovered_on <= ? AND status NOT IN ('rejected', "
		     "'duplicate') GROUP BY substr(discovered_on, 1, 7), kind",
		     P(V_TEXT(from), V_TEXT(to))))
		goto fail;
	while (db_next(&r)) {
		json_array_foreach(by_month, i, m)
		{
			if (strcmp(json_string_value(json_object_get(m, "month")), db_text(&r, 0)))
				continue;
			json_object_set_new(m,
					    strcmp(db_text(&r, 1), "near_miss") ? "incidents"
										: "near_misses",
					    json_integer(db_int(&r, 2)));
		}
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed ||
	    db_query(
		    db, &r,
		    "SELECT category, SUM(CASE WHEN kind = 'incident' THEN 1 ELSE 0 END), SUM(CASE "
		    "WHEN kind = 'near_miss' THEN 1 ELSE 0 END) FROM incidents WHERE discovered_on "
		    ">= ? AND discovered_on <= ? AND status NOT IN ('rejected', 'duplicate') GROUP "
		    "BY category ORDER BY COUNT(*) DESC, category",
		    P(V_TEXT(from), V_TEXT(to))))
		goto fail;
	while (db_next(&r))
		json_array_append_new(by_category,
				      json_pack("{s:s,s:I,s:I}", "category", db_text(&r, 0),
						"incidents", (json_int_t)db_int(&r, 1),
						"near_misses", (json_int_t)db_int(&r, 2)));
	failed = r.failed;
	db_rows_free(&r);
	if (failed)
		goto fail;
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* --- corrective actions -------------------------------------------------------------------- */

static json_t *actions(struct db *db, const char *from, const char *to)
{
	static const char *const names[] = {
		"opened", "open", "overdue", "awaiting_check", "effective", "not_effective", NULL
	};
	char today[11];
	tz_today(today);
	int64_t t0 = day_start(from), t1 = day_end(to);
	json_t *out = one_row(
		db,
		"SELECT COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 "
		"END), 0), "
		"COALESCE(SUM(CASE WHEN status IN ('open', 'in_progress') THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN status IN ('open', 'in_progress') AND due_on < ? THEN 1 "
		"ELSE "
		"0 END), 0), "
		"COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN effectiveness = 'effective' AND checked_at >= ? AND "
		"checked_at < ? THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN effectiveness = 'not_effective' AND checked_at >= ? AND "
		"checked_at < ? THEN 1 ELSE 0 END), 0) FROM actions",
		P(V_INT(t0), V_INT(t1), V_TEXT(today), V_INT(t0), V_INT(t1), V_INT(t0), V_INT(t1)),
		names);
	if (!out)
		return NULL;
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT source_type, COUNT(*) FROM actions WHERE created_at >= ? AND "
		     "created_at < ? GROUP BY source_type ORDER BY source_type",
		     P(V_INT(t0), V_INT(t1)))) {
		json_decref(out);
		return NULL;
	}
	json_t *by = json_array();
	while (db_next(&r))
		json_array_append_new(by, json_pack("{s:s,s:I}", "source_type", db_text(&r, 0),
						    "opened", (json_int_t)db_int(&r, 1)));
	int failed = r.failed;
	db_rows_free(&r);
	json_object_set_new(out, "by_source", by);
	if (failed) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* --- parts that other modules bring when they are installed -------------------------------- */

/* Is the migration that creates a module's tables applied? (The module may not be part of
 * this build yet: its figures are then "not available", never a guess.) */
static int installed(struct db *db, int64_t version, const char *name, bool *yes)
{
	int64_t one;
	return db_query_int(db, &one, yes,
			    "SELECT 1 FROM schema_migrations WHERE version = ? AND name = ?",
			    P(V_INT(version), V_TEXT(name)));
}

static json_t *unavailable(void)
{
	return json_pack("{s:b}", "available", 0);
}

/* Checklist conformance (点検): answers given in the period, "yes" among yes and no. */
static json_t *checklists(struct db *db, const char *from, const char *to)
{
	bool yes;
	if (installed(db, 620, "0620_checklists", &yes))
		return NULL;
	if (!yes)
		return unavailable();
	static const char *const names[] = { "answers", "conforming", "nonconforming",
					     "not_applicable", NULL };
	json_t *out = one_row(
		db,
		"SELECT COUNT(*), COALESCE(SUM(CASE WHEN answer = 'yes' THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN answer = 'no' THEN 1 ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN answer NOT IN ('yes', 'no') THEN 1 ELSE 0 END), 0) FROM "
		"checklist_answers WHERE answered_at >= ? AND answered_at < ?",
		P(V_INT(day_start(from)), V_INT(day_end(to))), names);
	if (!out)
		return NULL;
	int64_t y = json_integer_value(json_object_get(out, "conforming"));
	int64_t n = json_integer_value(json_object_get(out, "nonconforming"));
	json_object_set_new(out, "available", json_true());
	json_object_set_new(out, "percent", json_integer(percent(y, y + n)));
	return out;
}

/* Device loans past their due date and not returned (貸出の期限超過). */
static json_t *loans(struct db *db)
{
	bool yes;
	char today[11];
	if (installed(db, 600, "0600_devices", &yes))
		return NULL;
	if (!yes)
		return unavailable();
	tz_today(today);
	static const char *const names[] = { "lent", "overdue", NULL };
	json_t *out = one_row(db,
			      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 "
			      "END), 0) FROM loans WHERE status = 'lent'",
			      P(V_TEXT(today)), names);
	if (out)
		json_object_set_new(out, "available", json_true());
	return out;
}

/* Take-outs still out after their return date (持ち出しの返却遅れ). */
static json_t *takeouts(struct db *db)
{
	bool yes;
	char today[11];
	if (installed(db, 610, "0610_takeouts", &yes))
		return NULL;
	if (!yes)
		return unavailable();
	tz_today(today);
	static const char *const names[] = { "out", "overdue", NULL };
	/* As the take-out ledger counts it: out, past the day it was due back, with an item
	 * still out. */
	json_t *out =
		one_row(db,
			"SELECT COUNT(*), COALESCE(SUM(CASE WHEN t.back_on < ? AND EXISTS "
			"(SELECT 1 FROM takeout_items i WHERE i.takeout_id = t.id AND i.state "
			"= 'out') THEN 1 ELSE 0 END), 0) FROM takeouts t WHERE t.status = 'out'",
			P(V_TEXT(today)), names);
	if (out)
		json_object_set_new(out, "available", json_true());
	return out;
}

/* --- registers and risks ------------------------------------------------------------------- */

static json_t *registers(struct db *db)
{
	json_t *items = registers_review_status(db), *v;
	if (!items)
		return NULL;
	int64_t t[4] = { 0 };
	static const char *const keys[] = { "assets", "assets_overdue", "pinfo", "pinfo_overdue" };
	size_t i;
	json_array_foreach(items, i, v)
	{
		for (size_t k = 0; k < 4; k++)
			t[k] += json_integer_value(json_object_get(v, keys[k]));
	}
	return json_pack("{s:{s:I,s:I,s:I,s:I},s:o}", "total", keys[0], (json_int_t)t[0], keys[1],
			 (json_int_t)t[1], keys[2], (json_int_t)t[2], keys[3], (json_int_t)t[3],
			 "by_department", items);
}

/* Risks above the acceptance level: the current level (residual once treated, else the
 * assessed one) in the high band (risks.h); and risks whose owner has not accepted them. */
static json_t *risks(struct db *db)
{
	int scale, lo, hi;
	int64_t version;
	if (risk_settings_get(db, &scale, &version))
		return NULL;
	risk_band_range("high", scale, &lo, &hi);
	static const char *const names[] = { "total", "above_acceptance", "unaccepted", NULL };
	json_t *out = one_row(
		db,
		"SELECT COUNT(*), COALESCE(SUM(CASE WHEN COALESCE(residual_level, level) >= ? THEN "
		"1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN accepted_at IS NULL THEN 1 ELSE 0 END), "
		"0) FROM risks",
		P(V_INT(lo)), names);
	if (!out)
		return NULL;
	json_t *inherent = risks_heatmap(db, &reg_scope_all, false);
	json_t *residual = inherent ? risks_heatmap(db, &reg_scope_all, true) : NULL;
	if (!residual) {
		json_decref(inherent);
		json_decref(out);
		return NULL;
	}
	json_object_set_new(out, "scale", json_integer(scale));
	json_object_set_new(out, "acceptance_level", json_integer(lo));
	json_object_set_new(out, "heatmap", inherent);
	json_object_set_new(out, "residual_heatmap", residual);
	return out;
}

/* --- the previous review ------------------------------------------------------------------- */

static json_t *previous(struct db *db, const char *to, int64_t exclude)
{
	int64_t id;
	bool found;
	if (db_query_int(db, &id, &found,
			 "SELECT id FROM management_reviews WHERE status = 'approved' AND id <> ? "
			 "AND period_to <= ? ORDER BY period_to DESC, id DESC LIMIT 1",
			 P(V_INT(exclude), V_TEXT(to))))
		return NULL;
	if (!found)
		return json_null();
	json_t *r = review_plain(db, id);
	if (!r)
		return NULL;
	json_t *out = json_pack(
		"{s:O,s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(r, "id"), "title",
		json_object_get(r, "title"), "period_from", json_object_get(r, "period_from"),
		"period_to", json_object_get(r, "period_to"), "held_on",
		json_object_get(r, "held_on"), "decisions", json_object_get(r, "decisions"));
	json_decref(r);
	return out;
}

json_t *review_inputs(struct db *db, const char *from, const char *to, int64_t exclude_review)
{
	char now[21];
	time_rfc3339(now_unix(), now);
	json_t *out = json_pack("{s:{s:s,s:s},s:s}", "period", "from", from, "to", to,
				"gathered_at", now);
	struct {
		const char *key;
		json_t *v;
	} parts[] = {
		{ "training", training(db, from, to) },
		{ "incidents", incidents(db, from, to) },
		{ "actions", actions(db, from, to) },
		{ "audits", findings_summary(db, from, to) },
		{ "checklists", checklists(db, from, to) },
		{ "loans", loans(db) },
		{ "takeouts", takeouts(db) },
		{ "registers", registers(db) },
		{ "risks", risks(db) },
		{ "previous_review", previous(db, to, exclude_review) },
	};
	bool failed = false;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!parts[i].v)
			failed = true;
		else
			json_object_set_new(out, parts[i].key, parts[i].v);
	}
	if (failed) {
		json_decref(out);
		return NULL;
	}
	return out;
}
