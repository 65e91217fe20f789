/*
 * registers.h — what the three registers (information assets, personal information, risks)
 * share: the department scope, yearly review dates, and the import / export engine that reads
 * and writes them the way they live in offices today — in Excel.
 *
 * Scope. A user holding registers.all_departments (officers, auditors, top management) sees
 * every department's records; anyone else sees only the records of their own department, and
 * another department's record is "not found" for them — not "forbidden", which would confirm
 * it exists. Records without a department are visible to all-department users only.
 *
 * Review. Each register entry is reviewed at least yearly: registering it counts as the first
 * review, the next is due one year after the last (29 February → 28 February).
 *
 * Import. One code path for `POST /api/v1/<register>/import` and `mamori import`: the file is
 * decoded (UTF-8 or CP932), split into records, each row turned into the same JSON object the
 * API's create takes and handed to the register's own create rule, all inside ONE transaction.
 * A dry run does exactly that work and rolls back; a real import commits only when no row has
 * an error, so a bad file never leaves half its rows. Errors name the row (as a spreadsheet
 * numbers it: the header is row 1), the column (as the file names it) and say what is wrong.
 *
 * Export. A register's columns are declared once (struct reg_column): their Japanese header,
 * the field of the API object they show, and how values are written; CSV (UTF-8 with BOM or
 * CP932) and .xlsx come from the same declaration, and the import reads the same headers back.
 */
#ifndef MAMORI_REGISTERS_H
#define MAMORI_REGISTERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../audit/audit.h"
#include "../../http/export.h"
#include "../../http/http.h"
#include "../../workflow/tasks.h"
#include "../../lib/csv.h"
#include "../../lib/errors.h"

#define PERM_ALL_DEPARTMENTS "registers.all_departments"

/* --- scope ---------------------------------------------------------------------------------- */

struct reg_scope {
	bool all;              /* every department */
	int64_t department_id; /* otherwise only this one (0: none at all) */
};

/* The scope of the signed-in user. */
struct reg_scope reg_scope_of(struct req *req);
/* Everything (the command line runs as the operator). */
extern const struct reg_scope reg_scope_all;
/* True if a record of `department_id` (0: none) is inside the scope. */
bool reg_scope_allows(const struct reg_scope *s, int64_t department_id);

/* --- review dates --------------------------------------------------------------------------- */

/* The date one year after `date` (YYYY-MM-DD) into out; 29 Feb becomes 28 Feb. -1 if `date`
 * is not a date. */
int reg_review_due(const char *date, char out[11]);
/* True if `due` is before `today` (both YYYY-MM-DD). */
bool reg_overdue(const char *due, const char *today);

/* --- cell values ---------------------------------------------------------------------------- */

/* はい/いいえ, yes/no, true/false, 1/0, ○/×, あり/なし (any case, surrounding blanks ignored).
 * -1 for anything else. */
int reg_parse_bool(const char *s, bool *out);
/* ASCII letters lowered, for search keys that work alike on SQLite and PostgreSQL. */
void reg_search_add(struct buf *key, const char *text);
/* "%text%" for LIKE ... ESCAPE '\', lower-cased like reg_search_add. */
char *reg_like_pattern(struct arena *a, const char *q);

/* --- columns -------------------------------------------------------------------------------- */

enum reg_kind {
	RK_TEXT,       /* string; .max characters */
	RK_INT,        /* whole number in [.min, .max] */
	RK_BOOL,       /* はい / いいえ */
	RK_DATE,       /* YYYY-MM-DD (Excel's 2026/4/1 is accepted on import) */
	RK_ENUM,       /* .choices, shown as .labels_ja (import takes code, ja or en label) */
	RK_DEPARTMENT, /* department_id; exported from "department_name", imported by name or code
			*/
	RK_CUSTOM,     /* resolved by the register's resolve() on import; exported from .shown */
	RK_TIME,       /* RFC 3339 instant (export only) */
	RK_LIST,       /* array of strings or numbers, joined by spaces (export only) */
};

#define RC_IMPORT   1u /* read by the import */
#define RC_REQUIRED 2u /* the import needs a non-empty cell */
#define RC_NOEXPORT 4u /* import only */

struct reg_column {
	const char *key; /* the field of the API object (and of the create body) */
	const char *ja;  /* header: Japanese (written by exports) */
	const char *en;  /* header: English (accepted by imports, like `key`) */
	enum reg_kind kind;
	unsigned flags;
	int64_t min, max;
	const char *const *choices;   /* RK_ENUM codes, NULL-terminated */
	const char *const *labels_ja; /* RK_ENUM labels in the same order */
	const char *const *labels_en;
	const char *shown; /* RK_DEPARTMENT / RK_CUSTOM: the object's field to export */
};

/* --- export ---------------------------------------------------------------------------------
 *
 * The shared rules of every export (file name with the date, instants in the organisation's
 * time zone, Excel dates, the formula guard, CP932's missing characters) are export.h's. */

enum reg_format { REG_CSV, REG_CSV_CP932, REG_XLSX };

struct reg_export {
	enum reg_format fmt;
	bool replace;            /* CP932: write '?' for characters it lacks (else refuse) */
	struct export_file file; /* out: the file, or what CP932 lacks when refused */
};

/* Writes `items` (API objects) as a table with the columns' Japanese headers into x->file.
 * 0 done, 1 refused (CP932 lacks characters and !x->replace), -1 on failure. */
int reg_export(const struct reg_column *cols, size_t ncols, json_t *items, struct reg_export *x,
	       const char *sheet);
/* reg_export, then the export's audit event (`action`, with the row count and format) in its
 * own transaction; the file is only handed out when the event is stored. ST_OK, ST_INVALID
 * when refused for CP932 (x->file.loss), ST_DB. */
enum status reg_export_audited(struct db *db, const struct actor *who,
			       const struct reg_column *cols, size_t ncols, json_t *items,
			       struct reg_export *x, const char *sheet, const char *action,
			       const char *object_type);
/* The same for a table built by the caller (headers and rows of typed cells, export.h). */
enum status reg_export_table(struct db *db, const struct actor *who, json_t *headers, json_t *rows,
			     struct reg_export *x, const char *sheet, const char *action,
			     const char *object_type);

/* --- stored fields -------------------------------------------------------------------------
 *
 * A register's editable fields, declared once: the API field and the column it is stored in.
 * Create and update bind them in that order, so adding a field is adding a line. Column names
 * are literals written in the code, never user text. */

enum reg_ftype { RF_TEXT, RF_INT, RF_BOOL, RF_ID, RF_DATE };

struct reg_field {
	const char *key, *column;
	enum reg_ftype type;
};

/* The values of `rec`'s fields in order (text points into `rec`): absent text is "", absent
 * ids and dates are NULL. */
void reg_bind(const struct reg_field *f, size_t n, json_t *rec, struct dbval *vals);
/* "INSERT INTO table (columns..., extra) VALUES (?...) RETURNING id"; extra names nextra more
 * columns, bound after the fields. */
void reg_insert_sql(struct buf *b, const char *table, const struct reg_field *f, size_t n,
		    const char *extra, size_t nextra);
/* "UPDATE table SET column = ?, ..., extra WHERE id = ?" (extra like "x = ?, y = ?"). */
void reg_update_sql(struct buf *b, const char *table, const struct reg_field *f, size_t n,
		    const char *extra);
/* "alias.column, ..." of the fields, for a SELECT. */
void reg_columns_sql(struct buf *b, const char *alias, const struct reg_field *f, size_t n);
/* Sets the fields on `o` from the row's columns first, first+1, ... */
void reg_row_json(json_t *o, struct dbrows *r, int first, const struct reg_field *f, size_t n);
/* The fields of an API object as a new object (null for absent ones): what a PATCH merges
 * into before the rules check the whole record. */
json_t *reg_editable(const struct reg_field *f, size_t n, json_t *record);

/* --- import --------------------------------------------------------------------------------- */

struct reg_record;

struct reg_import {
	/* The register: rows are stored with kind->insert (inside the import's transaction,
	 * without an audit event of their own) into `scope`; audit action "<type>.import". */
	const struct reg_record *kind;
	const struct reg_scope *scope;
	const struct reg_column *cols;
	size_t ncols;
	/* RK_CUSTOM cells: sets *out (new reference) or returns an error code ("not_found"). */
	const char *(*resolve)(struct db *db, const struct reg_column *c, const char *text,
			       json_t **out);
	/* Called now and then with rows done / total (for a progress bar). May be NULL. */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

struct reg_import_result {
	bool dry_run;
	enum csv_encoding encoding; /* the one used */
	size_t rows;                /* data rows read (header excluded) */
	size_t valid;               /* rows without errors */
	size_t imported;            /* rows stored (0 for a dry run or a file with errors) */
	json_t *errors;             /* [{row, column, field, code, message}] */
	size_t error_count;         /* all errors, even past the first MAX listed */
	int64_t first_id, last_id;
};

#define REG_IMPORT_MAX_ERRORS 1000
#define REG_IMPORT_MAX_ROWS   200000

/* Imports a CSV file (see the top of this header). ST_OK: the file was read (errors may be
 * listed; nothing is stored unless there are none and !dry_run). ST_INVALID: the file itself
 * cannot be read (encoding, no header, unknown column): `fe` says why. ST_DB otherwise. */
enum status reg_import_csv(struct db *db, const struct actor *who, struct reg_import *imp,
			   const char *data, size_t len, enum csv_encoding enc, bool dry_run,
			   struct reg_import_result *res, struct ferrors *fe);
/* The result as the API answers it. */
json_t *reg_import_json(const struct reg_import_result *res);
void reg_import_result_release(struct reg_import_result *res);

/* Reads an import's ?dry_run= (default: a dry run) and ?encoding= (default: detect). */
void reg_import_options(struct req *req, bool *dry_run, enum csv_encoding *enc);
/* Answers an import: 200 with the result (a dry run lists every row's errors), 422 with the
 * same body as problem details when a real import found errors (nothing was stored), or the
 * file's own problem. Releases res and fe. */
int reg_import_answer(struct req *req, enum status st, struct reg_import_result *res,
		      struct ferrors *fe);

/* --- changes to a record --------------------------------------------------------------------
 *
 * The steps every register's change takes inside its one transaction: load the record inside
 * the caller's scope and check the version the caller saw (another department's record is
 * "not found", a stale version ST_CONFLICT), make the change, then append the audit event
 * with the record before and after as the register shows it to reviewers. A register declares
 * itself once (struct reg_record); its domain functions fill a struct reg_op and run their step
 * through reg_op_run(). */

struct reg_record {
	const char *type;  /* audit object type: "asset", "pinfo", "risk" */
	const char *table; /* SQL table (a literal, never user text) */
	/* The record as the API shows it, or NULL (none in scope, or db_errkind set). */
	json_t *(*load)(struct db *db, const struct reg_scope *scope, int64_t id);
	/* What the audit trail keeps of a record (a new object). */
	json_t *(*audit_view)(json_t *record);
	/* Checks `in` exactly as the API's create does and, when it is clean, inserts it (no audit
	 * event: the caller appends it). Field errors go to `fe` under the API's field names.
	 * Returns 0, or -1 on a database error. NULL: the register creates in its own way. */
	int (*insert)(struct db *db, const struct actor *who, const struct reg_scope *scope,
		      json_t *in, int64_t *id, struct ferrors *fe);
	/* Deleting: rows that belong to the record and go with it ("DELETE FROM t WHERE x = ?",
	 * bound to the id; may be NULL), and why a record still referenced cannot go (NULL:
	 * nothing refers to it). */
	const char *delete_first;
	const char *in_use;
	/* Why this record may not be deleted at all (e.g. mamori keeps it), or NULL. May be
	 * NULL itself. */
	const char *(*kept)(json_t *record);
};

struct reg_op {
	const struct reg_record *kind;
	const struct actor *who;
	const struct reg_scope *scope;
	int64_t id, version; /* version: the one the caller saw (review, accept, delete) */
	json_t *in;          /* create / patch body */
	struct ferrors *fe;
	enum status st; /* set by the step: why it failed, or ST_OK */
};

/* Runs `fn` (taking the reg_op) in one transaction: ST_OK, or why it was rolled back. */
enum status reg_op_run(struct db *db, int (*fn)(struct db *, void *), struct reg_op *o);
/* Creates a record of a register with kind->insert and its "<type>.create" event. */
enum status reg_create(struct db *db, const struct reg_record *kind, const struct actor *who,
		       const struct reg_scope *scope, json_t *in, int64_t *id, struct ferrors *fe);
/* The record o->id inside o->scope when its version is `version`; NULL with o->st set
 * (ST_NOT_FOUND, ST_CONFLICT or ST_DB) otherwise. */
json_t *reg_load_for_change(struct db *db, struct reg_op *o, int64_t version);
/* Appends the change's audit event `action` on o->id: {"before"} and, unless `deleted`, the
 * record as it is now as {"after"} (before NULL: a creation, {"after"} only). Sets o->st to
 * ST_OK and returns 0, or -1 on a database error. */
int reg_audit_change(struct db *db, struct reg_op *o, json_t *before, bool deleted,
		     const char *action);
/* The record to check after a PATCH: the editable fields of `before` with the body's fields
 * (but "version") laid over them. A new object. */
json_t *reg_patched(const struct reg_field *f, size_t n, json_t *before, json_t *patch);
/* The "mark reviewed" step of a register with reviewed_on / reviewed_by / review_due columns:
 * today's review by o->who, due a year on; audit action "<type>.review". For reg_op_run. */
int reg_review_fn(struct db *db, void *arg);
/* db_tx callback: deletes o->id at o->version with its owned rows and the <type>.delete
 * event; a record still referenced answers 409 in_use. */
int reg_delete_fn(struct db *db, void *arg);

/* Cuts blanks (ASCII and the ideographic space U+3000) from both ends of every string value
 * of `rec`, in place: a value of only spaces is then empty, and required fields refuse it. */
void reg_trim_strings(json_t *rec);

/* The rules every register entry keeps about its department and review date: the department
 * exists, lies inside the scope (out_of_scope otherwise), and reviewed_on is not in the
 * future. Field errors go to `fe`; -1 only on a database error. */
int reg_check_common(struct db *db, const struct reg_scope *scope, json_t *rec, struct ferrors *fe);

/* --- the HTTP side shared by the registers' routes ------------------------------------------ */

#define REG_PAGE_DEFAULT 50
#define REG_PAGE_MAX     200

/* ?limit= and ?cursor= of a list. */
void reg_page_options(struct req *req, int64_t *limit, int64_t *cursor);
/* 200 {items, next_cursor}; takes `items`. */
int reg_reply_page(struct req *req, json_t *items, int64_t next);
/* 200 with the record, or 404 when it is NULL without a database error. Takes `record`. */
int reg_reply_record(struct req *req, json_t *record);
/* 204 when st is ST_OK, else the problem; releases fe. */
int reg_answer_removed(struct req *req, enum status st, struct ferrors *fe);
/* The route POST /api/v1/<register>: 201 with the new record (kind->insert, reg_create). */
int reg_create_route(struct req *req, const struct reg_record *kind);
/* The routes POST .../{id}/review (today's review by the user, with the "version" they saw;
 * answers the record) and DELETE .../{id}?version= of any register declared by `kind`. */
int reg_review_route(struct req *req, const struct reg_record *kind);
int reg_delete_route(struct req *req, const struct reg_record *kind);
/* The export a request asks for: `csv` (UTF-8, or ?encoding=cp932 with ?unmappable=) or
 * `xlsx`. */
struct reg_export reg_export_of(struct req *req, bool xlsx);
/* The download "<base>-<today>.csv|.xlsx" of an export (x->file.data is handed over), or its
 * problem (422 unmappable when refused for CP932). */
int reg_reply_export(struct req *req, enum status st, struct reg_export *x, const char *base);
/* The query schema every register's import takes. */
extern const struct field reg_import_query[];

/* Pages through rows: appends row(r, arg) for each until `limit` (0: all) and sets *next to
 * the cursor of the next page (the id in column 0) or 0. -1 if the rows failed (items freed).
 */
int reg_collect(struct dbrows *r, int64_t limit, json_t *(*row)(struct dbrows *, const void *),
		const void *arg, json_t **items, int64_t *next);

/* What waits in the registers (registers_tasks.c): entries past their yearly review. */
extern const struct task_source asset_tasks[];
extern const struct task_source pinfo_tasks[];

#endif
