/* import.c — people and departments from a CSV file (the setup wizard's and the people page's
 * import), all or nothing, with a dry run first. See accounts.h. */
#include <sodium.h>
#include <string.h>

#include "accounts.h"
#include "org.h"
#include "../../auth/password.h"
#include "../../lib/timeutil.h"
#include "../modules.h"

/* --- columns ------------------------------------------------------------------------------ */

enum icol_kind {
	IC_TEXT,       /* a string, checked by the create schema */
	IC_DATE,       /* YYYY-MM-DD; Excel's 2026/4/1 is accepted */
	IC_ENUM,       /* a code, or its Japanese or English label */
	IC_DEPARTMENT, /* a department's name or code → department_id */
	IC_USER,       /* a person's login id (or their name, when one person has it) → id */
	IC_ROLES,      /* role names or labels, separated by spaces, commas or 、 */
	IC_IGNORED,    /* in our own export, not imported (ID, status, dates kept by mamori) */
};

struct icol {
	const char *field;   /* the create body's field */
	const char *ja, *en; /* headers; the field name is accepted too */
	const char *alt;     /* another Japanese header people use, or NULL */
	enum icol_kind kind;
	bool required;
	const char *const *choices, *const *labels_ja, *const *labels_en;
};

static const char *const employment_codes[] = { "regular",   "contract",   "dispatched",
						"part_time", "contractor", NULL };
static const char *const employment_ja[] = { "正社員",       "契約社員",
					     "派遣社員",     "パート・アルバイト",
					     "委託先従業者", NULL };
static const char *const employment_en[] = { "Regular",   "Contract",   "Dispatched",
					     "Part-time", "Contractor", NULL };
static const char *const locale_codes[] = { "ja", "en", NULL };
static const char *const locale_ja[] = { "日本語", "英語", NULL };
static const char *const locale_en[] = { "Japanese", "English", NULL };

static const struct icol user_cols[] = {
	{ "login", "ログインID", "Login", NULL, IC_TEXT, true },
	{ "name", "氏名", "Name", NULL, IC_TEXT, true },
	{ "email", "メール", "E-mail", "メールアドレス", IC_TEXT, false },
	{ "department_id", "部署", "Department", NULL, IC_DEPARTMENT, false },
	{ "manager_id", "上長", "Manager", NULL, IC_USER, false },
	{ "employment_type", "雇用区分", "Employment type", NULL, IC_ENUM, true, employment_codes,
	  employment_ja, employment_en },
	{ "dispatch_agency", "派遣元", "Dispatching agency", NULL, IC_TEXT, false },
	{ "roles", "ロール", "Roles", NULL, IC_ROLES, false },
	{ "purpose", "利用目的", "Purpose", NULL, IC_TEXT, true },
	{ "valid_until", "利用期限", "Valid until", NULL, IC_DATE, false },
	{ "locale", "言語", "Language", NULL, IC_ENUM, false, locale_codes, locale_ja, locale_en },
	/* The people list's own export, read back: these columns are mamori's to keep. */
	{ "id", "ID", "ID", NULL, IC_IGNORED, false },
	{ "status", "状態", "Status", NULL, IC_IGNORED, false },
	{ "mfa_enabled", "二段階認証", "Two-step verification", NULL, IC_IGNORED, false },
	{ "last_login_at", "最終ログイン", "Last sign-in", NULL, IC_IGNORED, false },
	{ "created_at", "作成日時", "Created", NULL, IC_IGNORED, false },
};

static const struct icol department_cols[] = {
	{ "name", "部署名", "Name", "部署", IC_TEXT, true },
	{ "code", "部署コード", "Code", "コード", IC_TEXT, false },
	{ "manager_id", "部門責任者", "Manager", NULL, IC_USER, false },
};

/* --- one import --------------------------------------------------------------------------- */

struct import_op {
	struct app *app;
	const struct actor *who;
	const char *kind;   /* "user" or "department" */
	const char *action; /* the file's audit event: "user.import", "department.import" */
	const struct icol *cols;
	size_t ncols;
	const char *text;
	size_t len;
	bool store;                        /* false: check only, then roll back */
	char (*hashes)[PASSWORD_HASH_MAX]; /* people: one per row when storing */
	char (*passwords)[15];             /* the one-time passwords those hash */
	size_t nhashes;
	struct account_import_result *res;
	struct ferrors *fe;
	enum status st;
	/* per run */
	const struct icol **map; /* file column → declared column (NULL: blank header) */
	char **header;
	size_t nmap;
};

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	/* A full-width space (U+3000) is what Japanese keyboards type between words. */
	while (!strncmp(s, "\xe3\x80\x80", 3))
		s += 3;
	size_t n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		else if (n >= 3 && !strncmp(s + n - 3, "\xe3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	s[n] = '\0';
	return s;
}

/* 2026-04-01, 2026/4/1 or 2026.4.1 → "2026-04-01"; false if it is not a real date. */
static bool normalise_date(const char *s, char out[11])
{
	int y, m, d;
	char sep1, sep2, extra;
	if (sscanf(s, "%4d%c%2d%c%2d%c", &y, &sep1, &m, &sep2, &d, &extra) != 5 || sep1 != sep2 ||
	    !strchr("-/.", sep1))
		return false;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return date_valid(out);
}

static void row_error(struct import_op *o, long row, const char *column, const char *field,
		      const char *code, const char *message)
{
	o->res->error_count++;
	if (json_array_size(o->res->errors) >= ACCOUNT_IMPORT_MAX_ERRORS)
		return;
	json_array_append_new(o->res->errors,
			      json_pack("{s:I,s:s,s:s,s:s,s:s}", "row", (json_int_t)row, "column",
					column ? column : "", "field", field ? field : "", "code",
					code, "message", message));
}

static const struct icol *find_column(const struct import_op *o, const char *h)
{
	for (size_t i = 0; i < o->ncols; i++) {
		const struct icol *c = &o->cols[i];
		if (!strcmp(h, c->ja) || !strcasecmp(h, c->en) || !strcasecmp(h, c->field) ||
		    (c->alt && !strcmp(h, c->alt)))
			return c;
	}
	return NULL;
}

/* The header the file uses for `field` (or the declared Japanese one). */
static const char *column_of(const struct import_op *o, const char *field)
{
	char key[64];
	snprintf(key, sizeof(key), "%s", field);
	key[strcspn(key, ".[")] = '\0';
	for (size_t i = 0; i < o->nmap; i++)
		if (o->map[i] && !strcmp(o->map[i]->field, key))
			return o->header[i];
	for (size_t i = 0; i < o->ncols; i++)
		if (!strcmp(o->cols[i].field, key))
			return o->cols[i].ja;
	return field;
}

/* A problem with the file as a whole: `what` says it, with the column's header quoted. */
static void file_error(struct import_op *o, const char *code, const char *what, const char *h)
{
	struct buf m = BUF_INIT;
	buf_printf(&m, "%s \"%s\"", what, h);
	ferr_add(o->fe, "file", code, m.buf);
	buf_release(&m);
}

/* Reads the header record into o->map. -1 with fe set when the file cannot be used. */
static int read_header(struct import_op *o, struct csv_reader *r)
{
	int rc = csv_read(r);
	if (rc <= 0) {
		ferr_add(o->fe, "file", rc == 0 ? "empty" : "malformed",
			 rc == 0 ? "The file has no header row." : r->error);
		return -1;
	}
	o->nmap = r->nfields;
	o->map = xcalloc(r->nfields, sizeof(*o->map));
	o->header = xcalloc(r->nfields, sizeof(*o->header));
	for (size_t i = 0; i < r->nfields; i++) {
		char *h = trim(r->fields[i]);
		o->header[i] = xstrdup(h);
		if (!*h)
			continue;
		const struct icol *c = find_column(o, h);
		if (!c) {
			file_error(o, "unknown_column", "Unknown column", h);
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (o->map[k] == c)
				file_error(o, "duplicate_column", "This column appears twice:", h);
		o->map[i] = c;
	}
	for (size_t k = 0; k < o->ncols; k++) {
		bool present = false;
		for (size_t i = 0; i < o->nmap; i++)
			present |= o->map[i] == &o->cols[k];
		if (o->cols[k].required && !present)
			file_error(o, "missing_column",
				   "The required column is missing:", o->cols[k].ja);
	}
	return ferr_any(o->fe) ? -1 : 0;
}

/* A person by login id, or by name when exactly one active person has it; 0 if neither. */
static int find_person(struct db *db, const char *s, int64_t *id)
{
	int64_t n;
	bool found;
	if (user_find(db, s, id))
		return -1;
	if (*id)
		return 0;
	if (db_query_int(db, &n, &found,
			 "SELECT COUNT(*) FROM users WHERE name = ? AND status = 'active'",
			 P(V_TEXT(s))))
		return -1;
	if (n != 1)
		return 0;
	return db_query_int(db, id, &found,
			    "SELECT id FROM users WHERE name = ? AND status = 'active'",
			    P(V_TEXT(s)));
}

/* Role names from "admin employee", "管理者、従業者" ...: each a role's name or label. */
static int convert_roles(struct db *db, struct import_op *o, long row, const char *h, char *s,
			 json_t *in)
{
	json_t *roles = json_array();
	char *p = s;
	while (*p) {
		size_t skip = strspn(p, " ,;/\t");
		if (!skip && !strncmp(p, "\xe3\x80\x81", 3)) /* 、 */
			skip = 3;
		else if (!skip && !strncmp(p, "\xe3\x80\x80", 3)) /* full-width space */
			skip = 3;
		if (skip) {
			p += skip;
			continue;
		}
		char *end = p;
		while (*end && !strchr(" ,;/\t", *end) && strncmp(end, "\xe3\x80\x81", 3) &&
		       strncmp(end, "\xe3\x80\x80", 3))
			end++;
		char *word = xstrndup(p, (size_t)(end - p));
		struct dbrows r;
		bool found = false;
		if (db_query(db, &r,
			     "SELECT name FROM roles WHERE name = ? OR label_ja = ? OR "
			     "lower(label_en) = lower(?) ORDER BY id LIMIT 1",
			     P(V_TEXT(word), V_TEXT(word), V_TEXT(word)))) {
			free(word);
			json_decref(roles);
			return -1;
		}
		if (db_next(&r)) {
			json_array_append_new(roles, json_string(db_text(&r, 0)));
			found = true;
		}
		int failed = r.failed;
		db_rows_free(&r);
		if (failed) {
			free(word);
			json_decref(roles);
			return -1;
		}
		if (!found) {
			struct buf m = BUF_INIT;
			buf_printf(&m, "There is no role \"%s\".", word);
			row_error(o, row, h, "roles", "invalid_choice", m.buf);
			buf_release(&m);
		}
		free(word);
		p = end;
	}
	json_object_set_new(in, "roles", roles);
	return 0;
}

/* One cell into `in` (a row error when it is not a valid value). -1 on a database error. */
static int convert_cell(struct db *db, struct import_op *o, long row, size_t col, char *cell,
			json_t *in)
{
	const struct icol *c = o->map[col];
	const char *h = o->header[col];
	char *s = trim(cell);
	char date[11];
	int64_t id;
	bool found;
	if (c->kind == IC_IGNORED)
		return 0;
	if (!*s) {
		if (c->required)
			row_error(o, row, h, c->field, "required", "This cell must not be empty.");
		return 0;
	}
	switch (c->kind) {
	case IC_TEXT:
		json_object_set_new(in, c->field, json_string(s));
		break;
	case IC_DATE:
		if (!normalise_date(s, date))
			row_error(o, row, h, c->field, "invalid_date",
				  "Must be a date such as 2026-04-01.");
		else
			json_object_set_new(in, c->field, json_string(date));
		break;
	case IC_ENUM: {
		const char *code = NULL;
		for (size_t i = 0; c->choices[i] && !code; i++)
			if (!strcasecmp(s, c->choices[i]) || !strcmp(s, c->labels_ja[i]) ||
			    !strcasecmp(s, c->labels_en[i]))
				code = c->choices[i];
		if (!code)
			row_error(o, row, h, c->field, "invalid_choice",
				  "Not one of the allowed values.");
		else
			json_object_set_new(in, c->field, json_string(code));
		break;
	}
	case IC_DEPARTMENT:
		if (db_query_int(
			    db, &id, &found,
			    "SELECT id FROM departments WHERE name = ? OR code = ? ORDER BY id "
			    "LIMIT 1",
			    P(V_TEXT(s), V_TEXT(s))))
			return -1;
		if (!found)
			row_error(o, row, h, c->field, "not_found",
				  "There is no department of this name or code.");
		else
			json_object_set_new(in, c->field, json_integer(id));
		break;
	case IC_USER:
		if (find_person(db, s, &id))
			return -1;
		if (!id)
			row_error(o, row, h, c->field, "not_found",
				  "There is no such person: give a login id registered already "
				  "or on an earlier row.");
		else
			json_object_set_new(in, c->field, json_integer(id));
		break;
	case IC_ROLES:
		return convert_roles(db, o, row, h, s, in);
	case IC_IGNORED:
		break;
	}
	return 0;
}

/* Checks one row's object like the API's create and, when clean, stores it (with its own
 * audit event). Row errors for every problem. -1 on a database error. */
static int store_row(struct db *db, struct import_op *o, long row, json_t *in, size_t index)
{
	struct ferrors fe = FERRORS_INIT;
	int64_t id = 0;
	int rc;
	bool person = !strcmp(o->kind, "user");
	schema_validate(person ? user_create_schema : department_create_schema, in, false, &fe);
	if (ferr_any(&fe)) {
		rc = 0;
	} else if (person) {
		/* A dry run stores a hash no password matches; it is rolled back anyway. */
		const char *hash = o->hashes && index < o->nhashes ? o->hashes[index] : "!";
		rc = user_insert(o->app, db, o->who, in, hash, &id, &fe);
	} else {
		rc = department_insert(db, o->who, in, &id, &fe);
	}
	size_t k;
	json_t *e;
	json_array_foreach(fe.list, k, e)
	{
		const char *field = json_string_value(json_object_get(e, "field"));
		row_error(o, row, column_of(o, field), field,
			  json_string_value(json_object_get(e, "code")),
			  json_string_value(json_object_get(e, "message")));
	}
	ferr_release(&fe);
	if (rc == 0 && id) {
		o->res->valid++;
		if (o->store) {
			o->res->imported++;
			if (person && index < o->nhashes)
				json_array_append_new(
					o->res->accounts,
					json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id,
						  "login",
						  json_string_value(json_object_get(in, "login")),
						  "name",
						  json_string_value(json_object_get(in, "name")),
						  "initial_password", o->passwords[index]));
		}
	}
	return rc;
}

static void release_map(struct import_op *o)
{
	for (size_t i = 0; i < o->nmap; i++)
		free(o->header[i]);
	free(o->header);
	free(o->map);
	o->header = NULL;
	o->map = NULL;
	o->nmap = 0;
}

/* db_tx callback: reads the whole file, row by row, inside one transaction. Commits only when
 * storing and no row had an error. */
static int import_fn(struct db *db, void *arg)
{
	struct import_op *o = arg;
	struct csv_reader r;
	int ret = -1;
	o->st = ST_DB;
	o->res->rows = o->res->valid = o->res->imported = o->res->error_count = 0;
	json_array_clear(o->res->errors);
	json_array_clear(o->res->accounts);
	csv_reader_init(&r, o->text, o->len);
	if (read_header(o, &r)) {
		o->st = ST_INVALID;
		goto out;
	}
	int rc;
	while ((rc = csv_read(&r)) != 0) {
		long row = r.record;
		if (++o->res->rows > ACCOUNT_IMPORT_MAX_ROWS) {
			char m[80];
			snprintf(m, sizeof(m), "A file may hold at most %d rows.",
				 ACCOUNT_IMPORT_MAX_ROWS);
			ferr_add(o->fe, "file", "too_many_rows", m);
			o->st = ST_INVALID;
			goto out;
		}
		if (rc < 0) {
			row_error(o, row, "", "", "malformed", r.error);
			continue;
		}
		size_t before = o->res->error_count;
		json_t *in = json_object();
		for (size_t i = 0; i < r.nfields; i++) {
			if (i >= o->nmap) {
				if (*trim(r.fields[i]))
					row_error(o, row, "", "", "extra_cells",
						  "This row has more cells than the header.");
				break;
			}
			if (o->map[i] && convert_cell(db, o, row, i, r.fields[i], in)) {
				json_decref(in);
				goto out;
			}
		}
		for (size_t i = r.nfields; i < o->nmap; i++)
			if (o->map[i] && o->map[i]->required)
				row_error(o, row, o->header[i], o->map[i]->field, "required",
					  "This cell must not be empty.");
		rc = o->res->error_count == before ? store_row(db, o, row, in, o->res->rows - 1)
						   : 0;
		json_decref(in);
		if (rc)
			goto out;
	}
	if (o->res->rows == 0) {
		ferr_add(o->fe, "file", "empty", "The file has a header but no rows.");
		o->st = ST_INVALID;
		goto out;
	}
	o->st = ST_OK;
	if (!o->store || o->res->error_count)
		goto out; /* roll back: nothing of a check or of a bad file stays */
	json_t *sum = json_pack("{s:I,s:s}", "rows", (json_int_t)o->res->imported, "encoding",
				csv_encoding_name(o->res->encoding));
	rc = audit_append(db, o->who, o->action, o->kind, 0, sum);
	json_decref(sum);
	/* Managers and departments may have changed: what waits for a manager follows them. */
	if (!rc && module_line_changed(db, o->who))
		rc = -1;
	if (rc) {
		o->st = ST_DB;
		goto out;
	}
	ret = 0;
out:
	release_map(o);
	csv_reader_release(&r);
	return ret;
}

/* Runs the import: a check in a transaction that is rolled back; then, when asked to store and
 * the check found nothing wrong, the same again for real — people's one-time passwords hashed
 * in between, outside any transaction, so no other writer waits for argon2id. */
static enum status run_import(struct import_op *o, struct db *db, const char *data, size_t len,
			      enum csv_encoding enc, bool dry_run)
{
	struct buf text = BUF_INIT;
	size_t bad;
	struct account_import_result *res = o->res;
	enum status st;
	memset(res, 0, sizeof(*res));
	res->dry_run = dry_run;
	res->errors = json_array();
	res->accounts = json_array();
	if (!data)
		data = ""; /* an empty body */
	if (csv_decode(data, len, enc, &text, &res->encoding, &bad)) {
		struct buf m = BUF_INIT;
		buf_printf(&m, "The file is not %s text (see byte %zu). Choose the other encoding.",
			   res->encoding == CSV_CP932 ? "Shift_JIS (CP932)" : "UTF-8", bad);
		ferr_add(o->fe, "file", "invalid_encoding", m.buf);
		buf_release(&m);
		buf_release(&text);
		return ST_INVALID;
	}
	o->text = text.buf;
	o->len = text.len;
	o->store = false;
	if (db_tx(db, import_fn, o) == 0 || o->st != ST_OK) {
		st = o->st; /* a check never commits: 0 here would be a fault */
		if (st == ST_OK)
			st = ST_DB;
		goto out;
	}
	st = ST_OK;
	if (dry_run || res->error_count)
		goto out;
	if (!strcmp(o->kind, "user")) {
		o->nhashes = res->rows;
		o->hashes = xcalloc(o->nhashes, sizeof(*o->hashes));
		o->passwords = xcalloc(o->nhashes, sizeof(*o->passwords));
		for (size_t i = 0; i < o->nhashes; i++) {
			password_generate(o->passwords[i]);
			if (password_hash(o->passwords[i], o->hashes[i])) {
				st = ST_DB;
				goto out;
			}
		}
	}
	o->store = true;
	if (db_tx(db, import_fn, o)) {
		st = o->st;
		res->imported = 0;
		json_array_clear(res->accounts);
		goto out;
	}
out:
	if (o->passwords) {
		sodium_memzero(o->passwords, o->nhashes * sizeof(*o->passwords));
		free(o->passwords);
		o->passwords = NULL;
	}
	free(o->hashes);
	o->hashes = NULL;
	buf_release(&text);
	return st;
}

enum status users_import_csv(struct app *app, struct db *db, const struct actor *who,
			     const char *data, size_t len, enum csv_encoding enc, bool dry_run,
			     struct account_import_result *res, struct ferrors *fe)
{
	struct import_op o = { .app = app,
			       .who = who,
			       .kind = "user",
			       .action = "user.import",
			       .cols = user_cols,
			       .ncols = ARRAY_SIZE(user_cols),
			       .res = res,
			       .fe = fe };
	return run_import(&o, db, data, len, enc, dry_run);
}

enum status departments_import_csv(struct db *db, const struct actor *who, const char *data,
				   size_t len, enum csv_encoding enc, bool dry_run,
				   struct account_import_result *res, struct ferrors *fe)
{
	struct import_op o = { .who = who,
			       .kind = "department",
			       .action = "department.import",
			       .cols = department_cols,
			       .ncols = ARRAY_SIZE(department_cols),
			       .res = res,
			       .fe = fe };
	return run_import(&o, db, data, len, enc, dry_run);
}

json_t *account_import_json(const struct account_import_result *res)
{
	return json_pack("{s:b,s:s,s:I,s:I,s:I,s:I,s:b,s:O,s:O}", "dry_run", res->dry_run,
			 "encoding", csv_encoding_name(res->encoding), "rows",
			 (json_int_t)res->rows, "valid", (json_int_t)res->valid, "imported",
			 (json_int_t)res->imported, "error_count", (json_int_t)res->error_count,
			 "ok", res->error_count == 0, "errors", res->errors, "accounts",
			 res->accounts);
}

void account_import_release(struct account_import_result *res)
{
	json_decref(res->errors);
	json_decref(res->accounts);
	res->errors = res->accounts = NULL;
}
