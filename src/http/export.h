/*
 * export.h — answering a list as a download: CSV (UTF-8 with BOM, or CP932 with
 * ?encoding=cp932) or a one-sheet .xlsx, from the same header and rows, with the export's
 * audit event.
 *
 * Every list that can be exported offers both formats next to it (`/things.csv`,
 * `/things.xlsx`); building the rows once and choosing the format here keeps the two alike.
 */
#ifndef MAMORI_EXPORT_H
#define MAMORI_EXPORT_H

#include <jansson.h>

#include "http.h"

enum export_format { EXPORT_CSV, EXPORT_XLSX };

/* Sends `headers` (array of strings) and `rows` (array of arrays of strings, integers,
 * booleans or nulls) as `<name>.csv` or `<name>.xlsx`, after appending the audit event
 * `export.<name>` with the row count and format. The CSV encoding comes from the request's
 * `encoding` query parameter ("cp932" or UTF-8). Borrows both arrays. Returns 0 with the
 * answer set, or -1 (nothing sent: the caller answers 500/503). */
int reply_export(struct req *req, enum export_format fmt, const char *name, json_t *headers,
		 json_t *rows);

#endif
