/* population.c — targets: parsing, checking, storing, and matching people. */
#include <string.h>

#include "population.h"
#include "../store/query.h"

static const char *const employment_types[] = { "regular",   "contract",   "dispatched",
						"part_time", "contractor", NULL };

int population_parse(const char *s, struct target *t)
{
	memset(t, 0, sizeof(*t));
	if (!s)
		return -1;
	const char *colon = strchr(s, ':');
	if (!colon) {
		if (strcmp(s, "all"))
			return -1;
		memcpy(t->kind, "all", 4);
		return 0;
	}
	size_t klen = (size_t)(colon - s);
	if (klen >= sizeof(t->kind))
		return -1;
	memcpy(t->kind, s, klen);
	const char *v = colon + 1;
	if (!strcmp(t->kind, "department") || !strcmp(t->kind, "user"))
		return parse_i64(v, 1, INT64_MAX, &t->ref_id);
	if (!strcmp(t->kind, "role") || !strcmp(t->kind, "employment")) {
		size_t n = strlen(v);
		if (n == 0 || n >= sizeof(t->ref_text))
			return -1;
		memcpy(t->ref_text, v, n + 1);
		return 0;
	}
	return -1;
}

int population_check(struct db *db, json_t *targets, const char *field, struct ferrors *fe)
{
	size_t i;
	json_t *e;
	if (!json_array_size(targets)) {
		ferr_add(fe, field, "required", "Choose who it is for.");
		return 0;
	}
	json_array_foreach(targets, i, e)
	{
		struct target t;
		int64_t one;
		bool found = true;
		if (population_parse(json_string_value(e), &t)) {
			ferr_add(fe, field, "invalid_target",
				 "Use all, department:ID, role:NAME, employment:TYPE or user:ID.");
			return 0;
		}
		if (!strcmp(t.kind, "department")) {
			if (db_query_int(db, &one, &found, "SELECT 1 FROM departments WHERE id = ?",
					 P(V_INT(t.ref_id))))
				return -1;
		} else if (!strcmp(t.kind, "user")) {
			if (db_query_int(db, &one, &found, "SELECT 1 FROM users WHERE id = ?",
					 P(V_INT(t.ref_id))))
				return -1;
		} else if (!strcmp(t.kind, "role")) {
			if (db_query_int(db, &one, &found, "SELECT 1 FROM roles WHERE name = ?",
					 P(V_TEXT(t.ref_text))))
				return -1;
		} else if (!strcmp(t.kind, "employment")) {
			found = false;
			for (const char *const *k = employment_types; *k; k++)
				found |= !strcmp(*k, t.ref_text);
		}
		if (!found) {
			ferr_add(fe, field, "not_found", "A chosen target does not exist.");
			return 0;
		}
	}
	return 0;
}

int population_store(struct db *db, const char *owner_type, int64_t owner_id, json_t *targets)
{
	size_t i;
	json_t *e;
	if (db_exec(db, "DELETE FROM population_targets WHERE owner_type = ? AND owner_id = ?",
		    P(V_TEXT(owner_type), V_INT(owner_id))))
		return -1;
	json_array_foreach(targets, i, e)
	{
		struct target t;
		if (population_parse(json_string_value(e), &t))
			continue;
		if (db_exec(db,
			    "INSERT INTO population_targets (owner_type, owner_id, kind, ref_id, "
			    "ref_text) VALUES (?, ?, ?, ?, ?)",
			    P(V_TEXT(owner_type), V_INT(owner_id), V_TEXT(t.kind), V_ID(t.ref_id),
			      V_TEXT(t.ref_text[0] ? t.ref_text : NULL))))
			return -1;
	}
	return 0;
}

json_t *population_json(struct db *db, const char *owner_type, int64_t owner_id)
{
	struct dbrows r;
	json_t *a = json_array();
	if (db_query(
		    db, &r,
		    "SELECT t.kind, t.ref_id, t.ref_text, d.name, u.name FROM population_targets t "
		    "LEFT JOIN departments d ON t.kind = 'department' AND d.id = t.ref_id "
		    "LEFT JOIN users u ON t.kind = 'user' AND u.id = t.ref_id "
		    "WHERE t.owner_type = ? AND t.owner_id = ? ORDER BY t.kind, t.ref_id, "
		    "t.ref_text",
		    P(V_TEXT(owner_type), V_INT(owner_id)))) {
		json_decref(a);
		return NULL;
	}
	while (db_next(&r)) {
		const char *kind = db_text(&r, 0);
		char code[96];
		if (db_isnull(&r, 1) && !db_text(&r, 2))
			snprintf(code, sizeof(code), "%s", kind);
		else if (!db_isnull(&r, 1))
			snprintf(code, sizeof(code), "%s:%lld", kind, (long long)db_int(&r, 1));
		else
			snprintf(code, sizeof(code), "%s:%s", kind, db_text(&r, 2));
		const char *label = db_text(&r, 3)   ? db_text(&r, 3)
				    : db_text(&r, 4) ? db_text(&r, 4)
						     : db_text(&r, 2);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s?}", "target", code, "kind", kind,
						   "label", label));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(a);
		return NULL;
	}
	return a;
}

int population_load(struct db *db, const char *owner_type, int64_t owner_id, struct target *out,
		    int max)
{
	struct dbrows r;
	int n = 0;
	if (db_query(db, &r,
		     "SELECT kind, ref_id, ref_text FROM population_targets WHERE owner_type = ? "
		     "AND "
		     "owner_id = ?",
		     P(V_TEXT(owner_type), V_INT(owner_id))))
		return -1;
	while (db_next(&r) && n < max) {
		struct target *t = &out[n++];
		memset(t, 0, sizeof(*t));
		snprintf(t->kind, sizeof(t->kind), "%s", db_text(&r, 0));
		t->ref_id = db_isnull(&r, 1) ? 0 : db_int(&r, 1);
		snprintf(t->ref_text, sizeof(t->ref_text), "%s",
			 db_text(&r, 2) ? db_text(&r, 2) : "");
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : n;
}

void population_where(struct query *q, const struct target *t)
{
	if (!strcmp(t->kind, "department"))
		query_add(q, "AND u.department_id = ?", P(V_INT(t->ref_id)));
	else if (!strcmp(t->kind, "user"))
		query_add(q, "AND u.id = ?", P(V_INT(t->ref_id)));
	else if (!strcmp(t->kind, "employment"))
		query_add(q, "AND u.employment_type = ?", P(V_TEXT(t->ref_text)));
	else if (!strcmp(t->kind, "role"))
		query_add(q,
			  "AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = "
			  "ur.role_id WHERE ur.user_id = u.id AND r.name = ?)",
			  P(V_TEXT(t->ref_text)));
	else if (strcmp(t->kind, "all"))
		query_add(q, "AND 1 = 0", NULL, 0);
}
