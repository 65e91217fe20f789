/*
 * export.h — answering a list as a download: CSV (UTF-8 with BOM, or CP932 with
 * ?encoding=cp932) or a one-sheet .xlsx, from the same header and rows, with the export's
 * audit event.
 *
 * Every list that can be exported offers both formats next to it (`/things.csv`,
 * `/things.xlsx`); building the rows once and choosing the format here keeps the two alike.
 * One handler serves both: the routes carry their format (`.arg = &export_as_csv` or
 * `&export_as_xlsx`), which export_format_of() reads.
 *
 * One declaration, struct export, describes every export: what was asked for (format, CP932,
 * replacing what CP932 lacks) and the file built. A list answers in one call with
 * reply_export(); a list with its own audit event or file name (the registers, the training
 * roster, `mamori export`) takes the steps: export_of(), export_audited(),
 * reply_export_file().
 *
 * What every export shares:
 * - The file is named "<name>-<today>.<csv|xlsx>", today in the organisation's time zone.
 * - Cells are strings, integers, booleans or nulls, plus two typed ones: {"date":
 *   "YYYY-MM-DD"} and {"time": <Unix seconds>}. Instants are written in the organisation's
 *   time zone ("2026-04-01 09:30:00"), as the screens show them; in .xlsx both are Excel
 *   dates, not text. reply_export() also takes RFC 3339 strings ("…Z") as instants and
 *   YYYY-MM-DD strings as dates, so lists that pass API values get the same.
 * - CSV cells are guarded against formulas on the bytes written (csv.h).
 * - CP932 (labelled charset=Windows-31J) lacks some characters. Such an export is refused
 *   with 422 `unmappable` — how many characters, in how many rows, and the first rows — unless
 *   the request says ?unmappable=replace, which writes '?' for each and records the count in
 *   the export's audit event. Nothing is lost without the user having been told.
 */
#ifndef MAMORI_EXPORT_H
#define MAMORI_EXPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "http.h"
#include "../lib/csv.h"

enum export_format { EXPORT_CSV, EXPORT_XLSX };

/* The route arguments (struct route's arg) of a list's two downloads. */
extern const enum export_format export_as_csv, export_as_xlsx;
/* The format the request's route carries (EXPORT_CSV when it carries none). */
enum export_format export_format_of(const struct req *req);

/* Sends `headers` (array of strings) and `rows` (array of arrays of cells, see above) as
 * `<name>-<today>.csv` or `.xlsx`, after appending the audit event `export.<name>` with the
 * row count and format. The CSV encoding comes from the request's `encoding` query parameter
 * ("cp932" or UTF-8), and `unmappable=replace` from the request too. Borrows both arrays.
 * The answer is the file, 422 unmappable, or 500/503 when the event cannot be stored (as
 * reply_export_file). */
int reply_export(struct req *req, enum export_format fmt, const char *name, json_t *headers,
		 json_t *rows);

/* --- the steps, for lists with their own audit event or file name -------------------------- */

struct export_file {
	char *data; /* the file (malloc'd), NULL when refused */
	size_t len;
	struct csv_loss loss; /* CP932: the characters it lacks (replaced, or the refusal) */
};

/* One export of a list: what was asked for and, once built, the file. */
struct export
{
	enum export_format fmt;
	bool cp932;              /* CSV in CP932 (Windows-31J) instead of UTF-8 with a BOM */
	bool replace;            /* CP932: '?' for the characters it lacks (else refused) */
	struct export_file file; /* out: the file, or what CP932 lacks when refused */
};

/* The export a request asks for in `fmt`: CP932 with ?encoding=cp932 (CSV only), replacing
 * with ?unmappable=replace. */
struct export export_of(struct req *req, enum export_format fmt);
/* Builds x->file from `headers` and typed `rows` (sheet: the workbook's sheet name), then
 * appends the audit event `action` on `object_type` — {rows, format, replaced when CP932
 * lacked characters} after the members of `summary` (borrowed; may be NULL) — in its own
 * transaction; the file is kept only when the event is stored. ST_OK; ST_INVALID when refused
 * because CP932 lacks characters (x->file.loss says which; no file); ST_DB. */
enum status export_audited(struct db *db, const struct actor *who, json_t *headers, json_t *rows,
			   struct export *x, const char *sheet, const char *action,
			   const char *object_type, json_t *summary);
/* Answers an export: the download "<name>-<today>.<csv|xlsx>" (x->file.data is handed
 * over), the 422 `unmappable` problem when refused for CP932, or the problem of `st`. */
int reply_export_file(struct req *req, enum status st, struct export *x, const char *name);

/* Builds the file from typed cells. 0 done; 1 refused because CP932 lacks some characters
 * and `replace` is false (f->loss says which; no file); -1 on failure. Borrows the arrays. */
int export_build(json_t *headers, json_t *rows, bool xlsx, bool cp932, bool replace,
		 const char *sheet, struct export_file *f);
/* 422 problem `unmappable`: {count, rows, first: [{row, column, record, char}]}. */
int reply_unmappable(struct req *req, const struct csv_loss *loss);
/* "<base>-<today>.<ext>" (from the request's arena). */
const char *export_file_name(struct req *req, const char *base, const char *ext);
/* The download's content type. */
const char *export_content_type(bool xlsx, bool cp932);
/* True when the request asks for CP932 (?encoding=cp932). */
bool export_cp932(struct req *req);
/* True when the request accepts '?' for characters CP932 lacks (?unmappable=replace). */
bool export_replace(struct req *req);
/* An instant as "YYYY-MM-DD HH:MM:SS" in the organisation's time zone. */
void export_local_time(int64_t t, char out[20]);

/* The query parameters of a CSV export, for route schemas:
 *	{ "encoding", FT_ENUM, 0, .choices = export_encodings },
 *	{ "unmappable", FT_ENUM, 0, .choices = export_unmappable }, */
extern const char *const export_encodings[];
extern const char *const export_unmappable[];
#define EXPORT_CSV_QUERY                                                                           \
	{ "encoding", FT_ENUM, 0, .choices = export_encodings },                                   \
	{                                                                                          \
		"unmappable", FT_ENUM, 0, .choices = export_unmappable                             \
	}

#endif
