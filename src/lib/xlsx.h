/*
 * xlsx.h — one-sheet Excel workbooks for exports (libxlsxwriter).
 *
 * Registers live in Excel in most Japanese offices, so every list that can be exported as CSV
 * can also be exported as .xlsx: a bold header row (Japanese column names), one row per
 * record, text cells (numbers given as JSON integers become numbers; {"date": "2026-04-01"}
 * and {"datetime": "2026-04-01 09:30:00"} become Excel dates), the header frozen.
 */
#ifndef MAMORI_XLSX_H
#define MAMORI_XLSX_H

#include <jansson.h>
#include <stddef.h>

/* Builds a workbook with one sheet named `sheet` (at most 31 characters): `headers` is an
 * array of strings, `rows` an array of arrays of strings, integers, booleans, nulls or the
 * date objects above.
 * On success *out is a malloc'd .xlsx file of *len bytes. -1 on failure (I/O, bad input). */
int xlsx_table(const char *sheet, json_t *headers, json_t *rows, char **out, size_t *len);

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#endif
