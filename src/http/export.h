/*
 * export.h — answering a list as a download: CSV (UTF-8 with BOM, or CP932 with
 * ?encoding=cp932) or a one-sheet .xlsx, from the same header and rows, with the export's
 * audit event.
 *
 * Every list that can be exported offers both formats next to it (`/things.csv`,
 * `/things.xlsx`); building the rows once and choosing the format here keeps the two alike.
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

/* Sends `headers` (array of strings) and `rows` (array of arrays of cells, see above) as
 * `<name>-<today>.csv` or `.xlsx`, after appending the audit event `export.<name>` with the
 * row count and format. The CSV encoding comes from the request's `encoding` query parameter
 * ("cp932" or UTF-8), and `unmappable=replace` from the request too. Borrows both arrays.
 * Returns 0 with the answer set (the file, or 422 unmappable), or -1 (nothing sent: the
 * caller answers 500/503). */
int reply_export(struct req *req, enum export_format fmt, const char *name, json_t *headers,
		 json_t *rows);

/* --- the parts, for lists with their own audit event (the registers) ------------------------ */

struct export_file {
	char *data; /* the file (malloc'd), NULL when refused */
	size_t len;
	struct csv_loss loss; /* CP932: the characters it lacks (replaced, or the refusal) */
};

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
