/* registers.c — scope, review dates, and the CSV/xlsx import and export of the registers. */
#include <ctype.h>
#include <string.h>

#include "registers.h"
#include "../../lib/timeutil.h"

/* --- scope ---------------------------------------------------------------------------------- */

const struct reg_scope reg_scope_all = { true, 0 };

struct reg_scope reg_scope_of(struct req *req)
{
	struct reg_scope s = { false, 0 };
	if (req_can(req, PERM_ALL_DEPARTMENTS))
		s.all = true;
	else if (req->user)
		s.department_id = req->user->department_id;
	return s;
}

bool reg_scope_allows(const struct reg_scope *s, int64_t department_id)
{
	return s->all || (department_id && department_id == s->department_id);
}

/* --- review dates --------------------------------------------------------------------------- */

int reg_review_due(const char *date, char out[11])
{
	int y, m, d;
	if (!date || !date_valid(date) || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	if (m == 2 && d == 29)
		d = 28;
	y = (y + 1) % 10000;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 13u,
		 (unsigned)d % 32u);
	return 0;
}

bool reg_overdue(const char *due, const char *today)
{
	return due && today && strcmp(due, today) < 0;
}

/* --- cell values ---------------------------------------------------------------------------- */

int reg_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "はい", "yes",  "true", "1", "○",
					   "〇",   "あり", "有",   "y", NULL };
	static const char *const no[] = { "いいえ", "no", "false", "0", "×",
					  "なし",   "無", "n",     "-", NULL };
	for (size_t i = 0; yes[i]; i++)
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
	for (size_t i = 0; no[i]; i++)
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	return -1;
}

void reg_search_add(struct buf *key, const char *text)
{
	if (!text || !*text)
		return;
	if (key->len)
		buf_addch(key, '\n');
	for (const char *p = text; *p; p++)
		buf_addch(key, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
}

char *reg_like_pattern(struct arena *a, const char *q)
{
	struct buf b = BUF_INIT;
	buf_addch(&b, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addch(&b, '\\');
		buf_addch(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
	}
	buf_addch(&b, '%');
	char *s = arena_strdup(a, b.buf);
	buf_release(&b);
	return s;
}

/* --- export --------------------------------------------------------------------------------- */

static const char *format_name(enum reg_format fmt)
{
	return fmt == REG_XLSX ? "xlsx" : fmt == REG_CSV_CP932 ? "csv-cp932" : "csv";
}

enum status reg_export_table(struct db *db, const struct actor *who, json_t *headers, json_t *rows,
			     struct reg_export *x, const char *sheet, const char *action,
			     const char *object_type)
{
	int rc = export_build(headers, rows, x->fmt == REG_XLSX, x->fmt == REG_CSV_CP932,
			      x->replace, sheet, &x->file);
	if (rc)
		return rc > 0 ? ST_INVALID : ST_DB;
	json_t *sum = json_pack("{s:I,s:s}", "rows", (json_int_t)json_array_size(rows), "format",
				format_name(x->fmt));
	if (x->file.loss.chars)
		json_object_set_new(sum, "replaced", json_integer((json_int_t)x->file.loss.chars));
	rc = audit_append_tx(db, who, action, object_type, 0, sum);
	json_decref(sum);
	if (rc) {
		free(x->file.data);
		x->file.data = NULL;
		return ST_DB;
	}
	return ST_OK;
}

static const char *enum_label(const struct reg_column *c, const char *code)
{
	for (size_t i = 0; code && c->choices && c->choices[i]; i++)
		if (!strcmp(c->choices[i], code))
			return c->labels_ja ? c->labels_ja[i] : code;
	return code;
}

/* One cell of the export: a new JSON string, integer, null or typed date (export.h). */
static json_t *export_cell(const struct reg_column *c, json_t *item)
{
	json_t *v = json_object_get(item, c->shown ? c->shown : c->key);
	int64_t t;
	switch (c->kind) {
	case RK_BOOL:
		return json_is_boolean(v) ? json_string(json_is_true(v) ? "はい" : "いいえ")
					  : json_null();
	case RK_ENUM:
		return json_is_string(v) ? json_string(enum_label(c, json_string_value(v)))
					 : json_null();
	case RK_INT:
		return json_is_integer(v) ? json_integer(json_integer_value(v)) : json_null();
	case RK_DATE:
		return json_is_string(v) && json_string_length(v)
			       ? json_pack("{s:s}", "date", json_string_value(v))
			       : json_null();
	case RK_TIME:
		return json_is_string(v) && time_parse_rfc3339(json_string_value(v), &t) == 0
			       ? json_pack("{s:I}", "time", (json_int_t)t)
			       : json_null();
	case RK_LIST: {
		struct buf b = BUF_INIT;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			if (i)
				buf_addch(&b, ' ');
			if (json_is_integer(e))
				buf_printf(&b, "%lld", (long long)json_integer_value(e));
			else if (json_is_string(e))
				buf_adds(&b, json_string_value(e));
		}
		json_t *s = json_string(b.buf);
		buf_release(&b);
		return s;
	}
	default:
		if (json_is_string(v))
			return json_string(json_string_value(v));
		if (json_is_integer(v))
			return json_integer(json_integer_value(v));
		return json_null();
	}
}

/* The header and rows of a register's export. */
static void export_table(const struct reg_column *cols, size_t ncols, json_t *items,
			 json_t **headers, json_t **rows)
{
	size_t i;
	json_t *item;
	*headers = json_array();
	*rows = json_array();
	for (size_t c = 0; c < ncols; c++)
		if (!(cols[c].flags & RC_NOEXPORT))
			json_array_append_new(*headers, json_string(cols[c].ja));
	json_array_foreach(items, i, item)
	{
		json_t *row = json_array();
		for (size_t c = 0; c < ncols; c++)
			if (!(cols[c].flags & RC_NOEXPORT))
				json_array_append_new(row, export_cell(&cols[c], item));
		json_array_append_new(*rows, row);
	}
}

int reg_export(const struct reg_column *cols, size_t ncols, json_t *items, struct reg_export *x,
	       const char *sheet)
{
	json_t *headers, *rows;
	export_table(cols, ncols, items, &headers, &rows);
	int rc = export_build(headers, rows, x->fmt == REG_XLSX, x->fmt == REG_CSV_CP932,
			      x->replace, sheet, &x->file);
	json_decref(headers);
	json_decref(rows);
	return rc;
}

enum status reg_export_audited(struct db *db, const struct actor *who,
			       const struct reg_column *cols, size_t ncols, json_t *items,
			       struct reg_export *x, const char *sheet, const char *action,
			       const char *object_type)
{
	json_t *headers, *rows;
	export_table(cols, ncols, items, &headers, &rows);
	enum status st = reg_export_table(db, who, headers, rows, x, sheet, action, object_type);
	json_decref(headers);
	json_decref(rows);
	return st;
}

/* --- import --------------------------------------------------------------------------------- */

/* Blanks (ASCII and the ideographic space U+3000) cut from both ends, in place. */
static char *trim(char *s)
{
	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if (!strncmp(s, "\xE3\x80\x80", 3))
			s += 3;
		else
			break;
	}
	size_t n = strlen(s);
	for (;;) {
		if (n &&
		    (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		else if (n >= 3 && !strncmp(s + n - 3, "\xE3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	s[n] = '\0';
	return s;
}

/* Excel writes dates as 2026/4/1; the API speaks 2026-04-01. */
static bool normalise_date(const char *s, char out[11])
{
	int y, m, d;
	char sep1, sep2, tail;
	if (sscanf(s, "%4d%c%2d%c%2d%c", &y, &sep1, &m, &sep2, &d, &tail) != 5 || sep1 != sep2 ||
	    (sep1 != '-' && sep1 != '/') || y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return false;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 13u,
		 (unsigned)d % 32u);
	return date_valid(out);
}

static bool parse_number(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char tmp[32];
	size_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ',')
			continue; /* 1,200 */
		if (n + 1 >= sizeof(tmp))
			return false;
		tmp[n++] = *p;
	}
	tmp[n] = '\0';
	return parse_i64(tmp, min, max ? max : INT64_MAX, out) == 0;
}

struct import_op {
	const struct actor *who;
	struct reg_import *imp;
	const char *text;
	size_t len;
	bool dry_run;
	struct reg_import_result *res;
	struct ferrors *fe;
	enum status st;
	/* per run */
	const struct reg_column **map; /* file column -> declared column (NULL: ignored) */
	char **header;                 /* file column -> its header text */
	size_t nmap;
	char last_dept[256];
	int64_t last_dept_id;
};

static void row_error(struct import_op *o, long row, const char *column, const char *field,
		      const char *code, const char *message)
{
	o->res->error_count++;
	if (json_array_size(o->res->errors) >= REG_IMPORT_MAX_ERRORS)
		return;
	json_array_append_new(o->res->errors,
			      json_pack("{s:I,s:s,s:s,s:s,s:s}", "row", (json_int_t)row, "column",
					column ? column : "", "field", field ? field : "", "code",
					code, "message", message));
}

/* The header text the file uses for the API field `field` (or the declared one). */
static const char *column_of(struct import_op *o, const char *field)
{
	char key[64];
	snprintf(key, sizeof(key), "%s", field);
	key[strcspn(key, ".[")] = '\0';
	for (size_t i = 0; i < o->nmap; i++)
		if (o->map[i] && !strcmp(o->map[i]->key, key))
			return o->header[i];
	for (size_t i = 0; i < o->imp->ncols; i++)
		if (!strcmp(o->imp->cols[i].key, key))
			return o->imp->cols[i].ja;
	return field;
}

static const struct reg_column *find_column(struct reg_import *imp, const char *h)
{
	for (size_t i = 0; i < imp->ncols; i++) {
		const struct reg_column *c = &imp->cols[i];
		if (!strcmp(h, c->ja) || !strcasecmp(h, c->key) || (c->en && !strcasecmp(h, c->en)))
			return c;
	}
	return NULL;
}

/* Reads the header record; fills o->map. -1 with fe set when the file cannot be used. */
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
		const struct reg_column *c = find_column(o->imp, h);
		if (!c) {
			struct buf m = BUF_INIT;
			buf_printf(&m, "Unknown column \"%s\".", h);
			ferr_add(o->fe, "file", "unknown_column", m.buf);
			buf_release(&m);
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (o->map[k] == c) {
				struct buf m = BUF_INIT;
				buf_printf(&m, "Column \"%s\" appears twice.", h);
				ferr_add(o->fe, "file", "duplicate_column", m.buf);
				buf_release(&m);
			}
		if (c->flags & RC_IMPORT)
			o->map[i] =
				c; /* export-only columns (ID, dates kept by mamori) are skipped */
	}
	for (size_t k = 0; k < o->imp->ncols; k++) {
		const struct reg_column *c = &o->imp->cols[k];
		bool present = false;
		for (size_t i = 0; i < o->nmap; i++)
			present |= o->map[i] == c;
		if ((c->flags & RC_REQUIRED) && !present) {
			struct buf m = BUF_INIT;
			buf_printf(&m, "The required column \"%s\" is missing.", c->ja);
			ferr_add(o->fe, "file", "missing_column", m.buf);
			buf_release(&m);
		}
	}
	return ferr_any(o->fe) ? -1 : 0;
}

/* One cell into `in`; false (and a row error) when the cell is not a valid value. */
static int convert_cell(struct db *db, struct import_op *o, long row, size_t col, char *cell,
			json_t *in)
{
	const struct reg_column *c = o->map[col];
	const char *h = o->header[col];
	/* Our own export's formula guard comes off exactly (csv.h), then the blanks. */
	char *s = trim(cell + (csv_unguard(cell) - cell));
	if (!*s) {
		if (c->flags & RC_REQUIRED)
			row_error(o, row, h, c->key, "required", "This cell must not be empty.");
		return 0;
	}
	int64_t n;
	bool b;
	char date[11];
	switch (c->kind) {
	case RK_TEXT:
		if (c->max && utf8_len(s, strlen(s)) > (size_t)c->max) {
			char m[80];
			snprintf(m, sizeof(m), "At most %lld characters.", (long long)c->max);
			row_error(o, row, h, c->key, "too_long", m);
		} else {
			json_object_set_new(in, c->key, json_string(s));
		}
		break;
	case RK_INT:
		if (!parse_number(s, c->min, c->max, &n)) {
			char m[80];
			snprintf(m, sizeof(m), "Must be a whole number from %lld to %lld.",
				 (long long)c->min, (long long)c->max);
			row_error(o, row, h, c->key, "invalid_number", m);
		} else {
			json_object_set_new(in, c->key, json_integer(n));
		}
		break;
	case RK_BOOL:
		if (reg_parse_bool(s, &b))
			row_error(o, row, h, c->key, "invalid_choice",
				  "Must be はい or いいえ (yes or no).");
		else
			json_object_set_new(in, c->key, json_boolean(b));
		break;
	case RK_DATE:
		if (!normalise_date(s, date))
			row_error(o, row, h, c->key, "invalid_date",
				  "Must be a date such as 2026-04-01.");
		else
			json_object_set_new(in, c->key, json_string(date));
		break;
	case RK_ENUM: {
		const char *code = NULL;
		for (size_t i = 0; c->choices[i] && !code; i++)
			if (!strcasecmp(s, c->choices[i]) ||
			    (c->labels_ja && !strcmp(s, c->labels_ja[i])) ||
			    (c->labels_en && !strcasecmp(s, c->labels_en[i])))
				code = c->choices[i];
		if (!code)
			row_error(o, row, h, c->key, "invalid_choice",
				  "Not one of the allowed values.");
		else
			json_object_set_new(in, c->key, json_string(code));
		break;
	}
	case RK_DEPARTMENT: {
		if (strcmp(s, o->last_dept)) {
			bool found;
			if (db_query_int(db, &n, &found,
					 "SELECT id FROM departments WHERE name = ? OR code = ? "
					 "ORDER BY id LIMIT 1",
					 P(V_TEXT(s), V_TEXT(s))))
				return -1;
			snprintf(o->last_dept, sizeof(o->last_dept), "%s", s);
			o->last_dept_id = found ? n : 0;
		}
		if (!o->last_dept_id)
			row_error(o, row, h, c->key, "not_found",
				  "There is no department of this name.");
		else
			json_object_set_new(in, c->key, json_integer(o->last_dept_id));
		break;
	}
	case RK_CUSTOM: {
		json_t *v = NULL;
		const char *code = o->imp->resolve(db, c, s, &v);
		if (code && !strcmp(code, "db_error"))
			return -1;
		if (code)
			row_error(o, row, h, c->key, code, "Not one of the allowed values.");
		else
			json_object_set_new(in, c->key, v);
		break;
	}
	default:
		break;
	}
	return 0;
}

static int import_fn(struct db *db, void *arg)
{
	struct import_op *o = arg;
	struct csv_reader r;
	int ret = -1;
	o->st = ST_DB;
	o->res->rows = o->res->valid = o->res->imported = o->res->error_count = 0;
	o->res->first_id = o->res->last_id = 0;
	json_array_clear(o->res->errors);
	o->last_dept[0] = '\0';
	csv_reader_init(&r, o->text, o->len);
	if (read_header(o, &r)) {
		o->st = ST_INVALID;
		goto out;
	}
	/* A rough row count for the progress bar: line ends. */
	size_t total = 0;
	if (o->imp->progress)
		for (size_t i = 0; i < o->len; i++)
			total += o->text[i] == '\n';
	int rc;
	while ((rc = csv_read(&r)) != 0) {
		long row = r.record;
		o->res->rows++;
		if (o->res->rows > REG_IMPORT_MAX_ROWS) {
			char m[96];
			snprintf(m, sizeof(m), "A file may hold at most %d rows.",
				 REG_IMPORT_MAX_ROWS);
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
		/* Required columns whose cells are missing at the end of a short row. */
		for (size_t i = r.nfields; i < o->nmap; i++)
			if (o->map[i] && (o->map[i]->flags & RC_REQUIRED))
				row_error(o, row, o->header[i], o->map[i]->key, "required",
					  "This cell must not be empty.");
		if (o->res->error_count == before) {
			struct ferrors fe = FERRORS_INIT;
			int64_t id = 0;
			if (o->imp->kind->insert(db, o->who, o->imp->scope, in, &id, &fe)) {
				ferr_release(&fe);
				json_decref(in);
				goto out;
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
			if (id) {
				o->res->valid++;
				if (!o->res->first_id)
					o->res->first_id = id;
				o->res->last_id = id;
				o->res->imported++;
			}
		}
		json_decref(in);
		if (o->imp->progress && o->res->rows % 500 == 0)
			o->imp->progress(o->imp->progress_arg, o->res->rows,
					 total > o->res->rows ? total : o->res->rows);
	}
	if (o->imp->progress)
		o->imp->progress(o->imp->progress_arg, o->res->rows, o->res->rows);
	if (o->res->rows == 0) {
		ferr_add(o->fe, "file", "empty", "The file has a header but no rows.");
		o->st = ST_INVALID;
		goto out;
	}
	o->st = ST_OK;
	if (o->dry_run || o->res->error_count)
		goto out; /* roll back: nothing of a dry run or of a bad file stays */
	char action[48];
	snprintf(action, sizeof(action), "%s.import", o->imp->kind->type);
	json_t *sum =
		json_pack("{s:I,s:I,s:I,s:s}", "rows", (json_int_t)o->res->imported, "first_id",
			  (json_int_t)o->res->first_id, "last_id", (json_int_t)o->res->last_id,
			  "encoding", csv_encoding_name(o->res->encoding));
	rc = audit_append(db, o->who, action, o->imp->kind->type, 0, sum);
	json_decref(sum);
	if (rc) {
		o->st = ST_DB;
		goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; i < o->nmap; i++)
		free(o->header[i]);
	free(o->header);
	free(o->map);
	o->header = NULL;
	o->map = NULL;
	o->nmap = 0;
	csv_reader_release(&r);
	return ret;
}

enum status reg_import_csv(struct db *db, const struct actor *who, struct reg_import *imp,
			   const char *data, size_t len, enum csv_encoding enc, bool dry_run,
			   struct reg_import_result *res, struct ferrors *fe)
{
	struct buf text = BUF_INIT;
	size_t bad;
	memset(res, 0, sizeof(*res));
	res->dry_run = dry_run;
	res->errors = json_array();
	if (csv_decode(data, len, enc, &text, &res->encoding, &bad)) {
		struct buf m = BUF_INIT;
		buf_printf(&m, "The file is not %s text (see byte %zu). Choose the other encoding.",
			   res->encoding == CSV_CP932 ? "Shift_JIS (CP932)" : "UTF-8", bad);
		ferr_add(fe, "file", "invalid_encoding", m.buf);
		buf_release(&m);
		buf_release(&text);
		return ST_INVALID;
	}
	struct import_op o = { .who = who,
			       .imp = imp,
			       .text = text.buf,
			       .len = text.len,
			       .dry_run = dry_run,
			       .res = res,
			       .fe = fe,
			       .st = ST_OK };
	int rc = db_tx(db, import_fn, &o);
	buf_release(&text);
	if (rc == 0)
		return ST_OK;
	if (o.st == ST_OK) {
		res->imported = 0; /* rolled back */
		res->first_id = res->last_id = 0;
	}
	return o.st;
}

/* --- stored fields ------------------------------------------------------------------------- */

void reg_bind(const struct reg_field *f, size_t n, json_t *rec, struct dbval *vals)
{
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(rec, f[i].key);
		switch (f[i].type) {
		case RF_TEXT:
			vals[i] = V_TEXT(json_is_string(v) ? json_string_value(v) : "");
			break;
		case RF_BOOL:
			vals[i] = V_BOOL(json_is_true(v));
			break;
		case RF_INT:
			vals[i] = json_is_integer(v) ? V_INT(json_integer_value(v)) : V_NULL;
			break;
		case RF_ID:
			vals[i] = V_ID(json_is_integer(v) ? json_integer_value(v) : 0);
			break;
		case RF_DATE:
			vals[i] = json_is_string(v) && json_string_length(v)
					  ? V_TEXT(json_string_value(v))
					  : V_NULL;
			break;
		}
	}
}

void reg_insert_sql(struct buf *b, const char *table, const struct reg_field *f, size_t n,
		    const char *extra, size_t nextra)
{
	buf_printf(b, "INSERT INTO %s (", table);
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", f[i].column);
	if (extra)
		buf_printf(b, ", %s", extra);
	buf_adds(b, ") VALUES (");
	for (size_t i = 0; i < n + nextra; i++)
		buf_adds(b, i ? ", ?" : "?");
	buf_adds(b, ") RETURNING id");
}

void reg_update_sql(struct buf *b, const char *table, const struct reg_field *f, size_t n,
		    const char *extra)
{
	buf_printf(b, "UPDATE %s SET ", table);
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%s = ?", i ? ", " : "", f[i].column);
	if (extra)
		buf_printf(b, ", %s", extra);
	buf_adds(b, " WHERE id = ?");
}

void reg_columns_sql(struct buf *b, const char *alias, const struct reg_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%s.%s", i ? ", " : "", alias, f[i].column);
}

void reg_row_json(json_t *o, struct dbrows *r, int first, const struct reg_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int col = first + (int)i;
		json_t *v;
		switch (f[i].type) {
		case RF_TEXT:
			v = json_string(db_text(r, col) ? db_text(r, col) : "");
			break;
		case RF_BOOL:
			v = json_boolean(db_int(r, col));
			break;
		case RF_DATE:
			v = db_text(r, col) ? json_string(db_text(r, col)) : json_null();
			break;
		default:
			v = db_isnull(r, col) ? json_null() : json_integer(db_int(r, col));
		}
		json_object_set_new(o, f[i].key, v);
	}
}

json_t *reg_editable(const struct reg_field *f, size_t n, json_t *record)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(record, f[i].key);
		json_object_set(o, f[i].key, v ? v : json_null());
	}
	return o;
}

json_t *reg_import_json(const struct reg_import_result *res)
{
	return json_pack("{s:b,s:s,s:I,s:I,s:I,s:I,s:b,s:O}", "dry_run", res->dry_run, "encoding",
			 csv_encoding_name(res->encoding), "rows", (json_int_t)res->rows, "valid",
			 (json_int_t)res->valid, "imported", (json_int_t)res->imported,
			 "error_count", (json_int_t)res->error_count, "ok", res->error_count == 0,
			 "errors", res->errors);
}

void reg_import_result_release(struct reg_import_result *res)
{
	json_decref(res->errors);
	res->errors = NULL;
}

/* --- changes to a record -------------------------------------------------------------------- */

enum status reg_op_run(struct db *db, int (*fn)(struct db *, void *), struct reg_op *o)
{
	o->st = ST_OK;
	if (db_tx(db, fn, o))
		return o->st == ST_OK ? ST_DB : o->st;
	return ST_OK;
}

json_t *reg_load_for_change(struct db *db, struct reg_op *o, int64_t version)
{
	json_t *before = o->kind->load(db, o->scope, o->id);
	if (!before) {
		o->st = db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
		return NULL;
	}
	if (json_integer_value(json_object_get(before, "version")) != version) {
		o->st = ST_CONFLICT;
		json_decref(before);
		return NULL;
	}
	return before;
}

int reg_audit_change(struct db *db, struct reg_op *o, json_t *before, bool deleted,
		     const char *action)
{
	json_t *was = before ? o->kind->audit_view(before) : NULL, *now = NULL;
	int rc = -1;
	if (!deleted) {
		json_t *after = o->kind->load(db, &reg_scope_all, o->id);
		if (!after)
			goto out;
		now = o->kind->audit_view(after);
		json_decref(after);
	}
	rc = audit_change(db, o->who, action, o->kind->type, o->id, was, now);
out:
	json_decref(was);
	json_decref(now);
	if (rc)
		return -1;
	o->st = ST_OK;
	return 0;
}

json_t *reg_patched(const struct reg_field *f, size_t n, json_t *before, json_t *patch)
{
	json_t *rec = reg_editable(f, n, before);
	const char *key;
	json_t *v;
	json_object_foreach(patch, key, v)
	{
		if (strcmp(key, "version"))
			json_object_set(rec, key, v);
	}
	return rec;
}

static int create_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	char action[48];
	o->st = ST_DB;
	if (o->kind->insert(db, o->who, o->scope, o->in, &o->id, o->fe))
		return -1;
	if (ferr_any(o->fe)) {
		o->st = ST_INVALID;
		return -1;
	}
	snprintf(action, sizeof(action), "%s.create", o->kind->type);
	return reg_audit_change(db, o, NULL, false, action);
}

enum status reg_create(struct db *db, const struct reg_record *kind, const struct actor *who,
		       const struct reg_scope *scope, json_t *in, int64_t *id, struct ferrors *fe)
{
	struct reg_op o = { .kind = kind, .who = who, .scope = scope, .in = in, .fe = fe };
	enum status st = reg_op_run(db, create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

int reg_review_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	o->st = ST_DB;
	json_t *before = reg_load_for_change(db, o, o->version);
	if (!before)
		return -1;
	char today[11], due[11], action[48];
	struct buf sql = BUF_INIT;
	tz_today(today);
	reg_review_due(today, due);
	snprintf(action, sizeof(action), "%s.review", o->kind->type);
	buf_printf(&sql,
		   "UPDATE %s SET reviewed_on = ?, reviewed_by = ?, review_due = ?, "
		   "updated_at = ?, version = version + 1 WHERE id = ?",
		   o->kind->table);
	int ret = -1;
	if (db_exec(db, sql.buf,
		    P(V_TEXT(today), V_ID(o->who->id), V_TEXT(due), V_INT(now_unix()),
		      V_INT(o->id))) == 0)
		ret = reg_audit_change(db, o, before, false, action);
	buf_release(&sql);
	json_decref(before);
	return ret;
}

int reg_delete_fn(struct db *db, void *arg)
{
	struct reg_op *o = arg;
	o->st = ST_DB;
	json_t *before = reg_load_for_change(db, o, o->version);
	if (!before)
		return -1;
	char action[48];
	struct buf sql = BUF_INIT;
	int ret = -1;
	const char *kept = o->kind->kept ? o->kind->kept(before) : NULL;
	if (kept) {
		o->st = ST_CONFLICT;
		o->fe->code = "kept";
		o->fe->detail = kept;
		goto out;
	}
	snprintf(action, sizeof(action), "%s.delete", o->kind->type);
	buf_printf(&sql, "DELETE FROM %s WHERE id = ?", o->kind->table);
	if ((o->kind->delete_first && db_exec(db, o->kind->delete_first, P(V_INT(o->id)))) ||
	    db_exec(db, sql.buf, P(V_INT(o->id)))) {
		if (db_errkind(db) == DBE_CONSTRAINT && o->kind->in_use) {
			o->st = ST_CONFLICT;
			o->fe->code = "in_use";
			o->fe->detail = o->kind->in_use;
		}
		goto out;
	}
	ret = reg_audit_change(db, o, before, true, action);
out:
	buf_release(&sql);
	json_decref(before);
	return ret;
}

void reg_trim_strings(json_t *rec)
{
	const char *key;
	json_t *v;
	json_object_foreach(rec, key, v)
	{
		if (!json_is_string(v))
			continue;
		char *s = xstrdup(json_string_value(v));
		const char *t = trim(s);
		if (strcmp(t, json_string_value(v)))
			json_string_set(v, t);
		free(s);
	}
}

int reg_check_common(struct db *db, const struct reg_scope *scope, json_t *rec, struct ferrors *fe)
{
	int64_t one;
	bool found;
	json_t *v = json_object_get(rec, "department_id");
	int64_t dept = json_is_integer(v) ? json_integer_value(v) : 0;
	if (dept) {
		if (db_query_int(db, &one, &found, "SELECT 1 FROM departments WHERE id = ?",
				 P(V_INT(dept))))
			return -1;
		if (!found)
			ferr_add(fe, "department_id", "not_found", "There is no such department.");
	}
	if (!reg_scope_allows(scope, dept))
		ferr_add(fe, "department_id", "out_of_scope",
			 "You may keep records of your own department only.");
	v = json_object_get(rec, "reviewed_on");
	if (json_is_string(v)) {
		char today[11];
		tz_today(today);
		if (strcmp(json_string_value(v), today) > 0)
			ferr_add(fe, "reviewed_on", "out_of_range",
				 "The review date is in the future.");
	}
	return 0;
}

int reg_collect(struct dbrows *r, int64_t limit, json_t *(*row)(struct dbrows *, const void *),
		const void *arg, json_t **items, int64_t *next)
{
	*items = json_array();
	*next = 0;
	int64_t n = 0, last = 0;
	while (db_next(r)) {
		if (limit && n == limit) {
			*next = last;
			break;
		}
		last = db_int(r, 0);
		json_array_append_new(*items, row(r, arg));
		n++;
	}
	if (r->failed) {
		json_decref(*items);
		*items = NULL;
		return -1;
	}
	return 0;
}
