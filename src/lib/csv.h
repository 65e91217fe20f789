/*
 * csv.h — writing CSV for exports (RFC 4180, CRLF line ends).
 *
 * Excel in Japan opens UTF-8 CSV correctly only with a byte-order mark, so exports start
 * with one; `?encoding=cp932` converts the finished text to CP932 (Shift_JIS) for older
 * tools. Cells that begin with = + - @ are prefixed with ' so a spreadsheet never runs them
 * as formulas (CSV injection).
 */
#ifndef MAMORI_CSV_H
#define MAMORI_CSV_H

#include <stdbool.h>

#include "buf.h"

void csv_bom(struct buf *b);
void csv_field(struct buf *b, const char *s, bool first);
void csv_field_int(struct buf *b, long long v, bool first);
void csv_end_row(struct buf *b);
/* Converts UTF-8 to CP932 in place; characters CP932 lacks become '?'. -1 on failure. */
int csv_to_cp932(struct buf *b);

#endif
