/* org.c — departments and roles. */
#include <string.h>

#include "org.h"
#include "../modules.h"
#include "../../lib/timeutil.h"

/* --- departments -------------------------------------------------------------------------- */

#define DEPT_SELECT                                                                                \
	"SELECT d.id, d.name, d.code, d.manager_id, m.name, d.created_at, d.updated_at, "          \
	"d.version, (SELECT COUNT(*) FROM users u WHERE u.department_id = d.id AND "               \
	"u.status = 'active'), d.deputy_id, dp.name FROM departments d LEFT JOIN users m ON m.id " \
	"= d.manager_id LEFT JOIN users dp ON dp.id = d.deputy_id"

static json_t *dept_row(struct dbrows *r)
{
	char c[21], u[21];
	time_rfc3339(db_int(r, 5), c);
	time_rfc3339(db_int(r, 6), u);
	return json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:I,s:I}", "id",
			 (json_int_t)db_int(r, 0), "name", db_text(r, 1), "code",
			 db_text(r, 2) ? json_string(db_text(r, 2)) : json_null(), "manager_id",
			 db_isnull(r, 3) ? json_null() : json_integer(db_int(r, 3)), "manager_name",
			 db_text(r, 4) ? json_string(db_text(r, 4)) : json_null(), "deputy_id",
			 db_isnull(r, 9) ? json_null() : json_integer(db_int(r, 9)), "deputy_name",
			 db_text(r, 10) ? json_string(db_text(r, 10)) : json_null(), "created_at",
			 c, "updated_at", u, "version", (json_int_t)db_int(r, 7), "member_count",
			 (json_int_t)db_int(r, 8));
}

json_t *departments_list(struct db *db)
{
	struct dbrows r;
	if (db_query(db, &r, DEPT_SELECT " ORDER BY d.name", P0))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, dept_row(&r));
	if (r.failed) {
		json_decref(items);
		items = NULL;
	}
	db_rows_free(&r);
	return items;
}

json_t *department_json(struct db *db, int64_t id)
{
	struct dbrows r;
	json_t *d = NULL;
	if (db_query(db, &r, DEPT_SELECT " WHERE d.id = ?", P(V_INT(id))))
		return NULL;
	if (db_next(&r))
		d = dept_row(&r);
	db_rows_free(&r);
	return d;
}

static int dept_checks(struct db *db, json_t *in, int64_t self, struct ferrors *fe)
{
	json_t *v;
	int64_t other;
	bool found;
	if ((v = json_object_get(in, "name"))) {
		if (db_query_int(db, &other, &found, "SELECT id FROM departments WHERE name = ?",
				 P(V_TEXT(json_string_value(v)))))
			return -1;
		if (found && other != self)
			ferr_add(fe, "name", "taken", "A department with this name exists.");
	}
	static const char *const people[] = { "manager_id", "deputy_id" };
	for (size_t i = 0; i < ARRAY_SIZE(people); i++) {
		if (!(v = json_object_get(in, people[i])) || !json_is_integer(v))
			continue;
		if (db_query_int(db, &other, &found, "SELECT id FROM users WHERE id = ?",
				 P(V_INT(json_integer_value(v)))))
			return -1;
		if (!found)
			ferr_add(fe, people[i], "not_found", "There is no such user.");
	}
	return 0;
}

struct dept_op {
	const struct actor *who;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
	enum status st;
	char missing[PERMISSION_NAME_MAX]; /* a role holding more than the actor */
};

static int dept_create_fn(struct db *db, void *arg)
{
	struct dept_op *o = arg;
	o->st = ST_DB;
	if (dept_checks(db, o->in, 0, o->fe))
		return -1;
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		return -1;
	}
	int64_t now = now_unix();
	const char *code = json_string_value(json_object_get(o->in, "code"));
	if (db_insert(db, &o->id,
		      "INSERT INTO departments (name, code, manager_id, deputy_id, created_at, "
		      "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		      P(V_TEXT(json_string_value(json_object_get(o->in, "name"))),
			V_TEXT(code && *code ? code : NULL),
			V_ID(json_integer_value(json_object_get(o->in, "manager_id"))),
			V_ID(json_integer_value(json_object_get(o->in, "deputy_id"))), V_INT(now),
			V_INT(now))))
		return -1;
	int rc = audit_change(db, o->who, "department.create", "department", o->id, NULL, o->in);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

int department_insert(struct db *db, const struct actor *who, json_t *in, int64_t *id,
		      struct ferrors *fe)
{
	struct dept_op o = { who, 0, in, fe, ST_OK };
	*id = 0;
	if (dept_create_fn(db, &o) == 0) {
		*id = o.id;
		return 0;
	}
	return o.st == ST_INVALID ? 0 : -1;
}

enum status department_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			      struct ferrors *fe)
{
	struct dept_op o = { who, 0, in, fe, ST_OK, "" };
	enum status st = db_tx_status(db, dept_create_fn, &o, &o.st);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

static int dept_update_fn(struct db *db, void *arg)
{
	struct dept_op *o = arg;
	json_t *before = department_json(db, o->id), *after = NULL;
	int ret = -1;
	o->st = ST_DB;
	if (!before) {
		o->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return -1;
	}
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		o->st = ST_CONFLICT;
		goto out;
	}
	if (dept_checks(db, o->in, o->id, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		goto out;
	}
	json_t *v;
	if ((v = json_object_get(o->in, "name")) &&
	    db_exec(db, "UPDATE departments SET name = ? WHERE id = ?",
		    P(V_TEXT(json_string_value(v)), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "code")) &&
	    db_exec(db, "UPDATE departments SET code = ? WHERE id = ?",
		    P(V_TEXT(json_string_length(v) ? json_string_value(v) : NULL), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "manager_id")) &&
	    db_exec(db, "UPDATE departments SET manager_id = ? WHERE id = ?",
		    P(V_ID(json_integer_value(v)), V_INT(o->id))))
		goto out;
	if ((v = json_object_get(o->in, "deputy_id")) &&
	    db_exec(db, "UPDATE departments SET deputy_id = ? WHERE id = ?",
		    P(V_ID(json_integer_value(v)), V_INT(o->id))))
		goto out;
	if (db_exec(db, "UPDATE departments SET updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))))
		goto out;
	after = department_json(db, o->id);
	if (!after)
		goto out;
	if (audit_change(db, o->who, "department.update", "department", o->id, before, after))
		goto out;
	/* A new manager or deputy: what waits for a manager follows the people. */
	if ((json_object_get(o->in, "manager_id") || json_object_get(o->in, "deputy_id")) &&
	    module_line_changed(db, o->who))
		goto out;
	o->st = ST_OK;
	ret = 0;
out:
	json_decref(before);
	json_decref(after);
	return ret;
}

enum status department_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			      struct ferrors *fe)
{
	struct dept_op o = { who, id, patch, fe, ST_OK, "" };
	return db_tx_status(db, dept_update_fn, &o, &o.st);
}

/* --- roles -------------------------------------------------------------------------------- */

#define ROLE_SELECT                                                                                \
	"SELECT id, name, label_ja, label_en, builtin, privileged, mfa_required, created_at, "     \
	"updated_at, version, (SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = roles.id) "   \
	"FROM roles"

static json_t *role_row(struct dbrows *r)
{
	char c[21], u[21];
	time_rfc3339(db_int(r, 7), c);
	time_rfc3339(db_int(r, 8), u);
	return json_pack("{s:I,s:s,s:s,s:s,s:b,s:b,s:b,s:s,s:s,s:I,s:I,s:[]}", "id",
			 (json_int_t)db_int(r, 0), "name", db_text(r, 1), "label_ja", db_text(r, 2),
			 "label_en", db_text(r, 3), "builtin", (int)db_int(r, 4), "privileged",
			 (int)db_int(r, 5), "mfa_required", (int)db_int(r, 6), "created_at", c,
			 "updated_at", u, "version", (json_int_t)db_int(r, 9), "member_count",
			 (json_int_t)db_int(r, 10), "permissions");
}

static int fill_permissions(struct db *db, json_t *roles)
{
	struct dbrows r;
	if (db_query(db, &r, "SELECT role_id, permission FROM role_permissions ORDER BY permission",
		     P0))
		return -1;
	while (db_next(&r)) {
		size_t i;
		json_t *role;
		json_array_foreach(roles, i, role)
		{
			if (json_integer_value(json_object_get(role, "id")) == db_int(&r, 0))
				json_array_append_new(json_object_get(role, "permissions"),
						      json_string(db_text(&r, 1)));
		}
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

json_t *roles_list(struct db *db)
{
	struct dbrows r;
	if (db_query(db, &r, ROLE_SELECT " ORDER BY builtin DESC, id", P0))
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, role_row(&r));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || fill_permissions(db, items)) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *role_json(struct db *db, int64_t id)
{
	json_t *all = roles_list(db), *found = NULL;
	size_t i;
	json_t *role;
	json_array_foreach(all, i, role)
	{
		if (json_integer_value(json_object_get(role, "id")) == id)
			found = json_incref(role);
	}
	json_decref(all);
	return found;
}

static bool role_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 32 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static void check_permissions(json_t *perms, struct ferrors *fe)
{
	size_t i;
	json_t *p;
	json_array_foreach(perms, i, p)
	{
		if (!permission_known(json_string_value(p))) {
			ferr_add(fe, "permissions", "invalid_choice",
				 "There is no such permission.");
			return;
		}
	}
}

static int set_permissions(struct db *db, int64_t role_id, json_t *perms)
{
	size_t i;
	json_t *p;
	if (db_exec(db, "DELETE FROM role_permissions WHERE role_id = ?", P(V_INT(role_id))))
		return -1;
	json_array_foreach(perms, i, p)
	{
		if (db_exec(db,
			    "INSERT INTO role_permissions (role_id, permission) SELECT ?, ? WHERE "
			    "NOT "
			    "EXISTS (SELECT 1 FROM role_permissions WHERE role_id = ? AND "
			    "permission = ?)",
			    P(V_INT(role_id), V_TEXT(json_string_value(p)), V_INT(role_id),
			      V_TEXT(json_string_value(p)))))
			return -1;
	}
	return 0;
}

static int role_create_fn(struct db *db, void *arg)
{
	struct dept_op *o = arg;
	const char *name = json_string_value(json_object_get(o->in, "name"));
	int64_t other;
	bool found;
	o->st = ST_DB;
	if (!role_name_valid(name))
		ferr_add(o->fe, "name", "invalid_name",
			 "Use 2-32 lower-case letters, digits and _, starting with a letter.");
	else if (db_query_int(db, &other, &found, "SELECT id FROM roles WHERE name = ?",
			      P(V_TEXT(name))))
		return -1;
	else if (found)
		ferr_add(o->fe, "name", "taken", "A role with this name exists.");
	check_permissions(json_object_get(o->in, "permissions"), o->fe);
	if (permissions_within_own(db, o->who, json_object_get(o->in, "permissions"), "permissions",
				   o->fe))
		return -1;
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		return -1;
	}
	int64_t now = now_unix();
	if (db_insert(db, &o->id,
		      "INSERT INTO roles (name, label_ja, label_en, builtin, privileged, "
		      "mfa_required, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?) "
		      "RETURNING id",
		      P(V_TEXT(name), V_TEXT(json_string_value(json_object_get(o->in, "label_ja"))),
			V_TEXT(json_string_value(json_object_get(o->in, "label_en"))),
			V_BOOL(json_is_true(json_object_get(o->in, "privileged"))),
			V_BOOL(json_is_true(json_object_get(o->in, "mfa_required"))), V_INT(now),
			V_INT(now))) ||
	    set_permissions(db, o->id, json_object_get(o->in, "permissions")))
		return -1;
	int rc = audit_change(db, o->who, "role.create", "role", o->id, NULL, o->in);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

enum status role_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			struct ferrors *fe)
{
	struct dept_op o = { who, 0, in, fe, ST_OK, "" };
	enum status st = db_tx_status(db, role_create_fn, &o, &o.st);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

static int role_update_fn(struct db *db, void *arg)
{
	struct dept_op *o = arg;
	json_t *before = role_json(db, o->id), *after = NULL, *v;
	int ret = -1;
	o->st = ST_DB;
	if (!before) {
		o->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return -1;
	}
	if (json_integer_value(json_object_get(before, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		o->st = ST_CONFLICT;
		goto out;
	}
	/* A role holding a permission the actor lacks is theirs to change no more than an
	 * account holding it: not its MFA rule, nor its permissions, nor its labels. */
	bool covers;
	if (role_covered(db, o->who, o->id, &covers, o->missing))
		goto out;
	if (!covers) {
		beyond_own_refuse(o->fe, true);
		o->st = ST_FORBIDDEN;
		goto out;
	}
	bool builtin = json_is_true(json_object_get(before, "builtin"));
	const char *name = json_string_value(json_object_get(before, "name"));
	if ((v = json_object_get(o->in, "name")) && strcmp(json_string_value(v), name)) {
		if (builtin)
			ferr_add(o->fe, "name", "builtin", "A built-in role cannot be renamed.");
		else if (!role_name_valid(json_string_value(v)))
			ferr_add(o->fe, "name", "invalid_name",
				 "Use 2-32 lower-case letters, digits and _, starting with a "
				 "letter.");
	}
	if ((v = json_object_get(o->in, "permissions"))) {
		if (!strcmp(name, "admin"))
			ferr_add(o->fe, "permissions", "builtin",
				 "The administrator role always holds every permission.");
		check_permissions(v, o->fe);
		if (permissions_within_own(db, o->who, v, "permissions", o->fe))
			goto out;
	}
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		goto out;
	}
	static const struct {
		const char *field, *sql;
		bool is_bool;
	} cols[] = {
		{ "name", "UPDATE roles SET name = ? WHERE id = ?", false },
		{ "label_ja", "UPDATE roles SET label_ja = ? WHERE id = ?", false },
		{ "label_en", "UPDATE roles SET label_en = ? WHERE id = ?", false },
		{ "privileged", "UPDATE roles SET privileged = ? WHERE id = ?", true },
		{ "mfa_required", "UPDATE roles SET mfa_required = ? WHERE id = ?", true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		if (!(v = json_object_get(o->in, cols[i].field)))
			continue;
		if (db_exec(db, cols[i].sql,
			    P(cols[i].is_bool ? V_BOOL(json_is_true(v))
					      : V_TEXT(json_string_value(v)),
			      V_INT(o->id)))) {
			if (db_errkind(db) == DBE_CONSTRAINT) {
				ferr_add(o->fe, "name", "taken", "A role with this name exists.");
				o->st = ST_INVALID;
			}
			goto out;
		}
	}
	if ((v = json_object_get(o->in, "permissions")) && set_permissions(db, o->id, v))
		goto out;
	if (db_exec(db, "UPDATE roles SET updated_at = ?, version = version + 1 WHERE id = ?",
		    P(V_INT(now_unix()), V_INT(o->id))))
		goto out;
	after = role_json(db, o->id);
	if (!after)
		goto out;
	if (audit_change(db, o->who, "role.update", "role", o->id, before, after))
		goto out;
	o->st = ST_OK;
	ret = 0;
out:
	json_decref(before);
	json_decref(after);
	return ret;
}

enum status role_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			struct ferrors *fe)
{
	struct dept_op o = { who, id, patch, fe, ST_OK, "" };
	enum status st = db_tx_status(db, role_update_fn, &o, &o.st);
	if (st == ST_FORBIDDEN && o.missing[0])
		beyond_own_audit(db, who, "role.update", "role", id, o.missing);
	return st;
}
