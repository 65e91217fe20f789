/*
 * csv.h — reading CSV for imports and writing it for exports (RFC 4180, CRLF line ends).
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

/* --- Reading (imports) ---------------------------------------------------------------------
 *
 * Registers arrive as files saved by Excel: UTF-8 with or without a BOM, or CP932 (Shift_JIS)
 * from older tools. A file is first decoded to UTF-8 as a whole (csv_decode), then split into
 * records (csv_read). Decoding first matters for CP932: the second byte of a two-byte
 * character may be 0x5C, the ASCII backslash (「表」 is 0x95 0x5C), or another ASCII byte, so
 * only the decoded text can be split safely.
 *
 * Records follow RFC 4180 with Excel's leniency: fields separated by ',', records by CRLF,
 * LF or CR; a quoted field may hold commas, line breaks and doubled quotes (""); a quote in the
 * middle of an unquoted field is kept as text; blank lines are skipped. A record of more than
 * CSV_MAX_CELLS cells or with a cell longer than CSV_MAX_CELL bytes is malformed: a hostile
 * file makes the reader hold at most one such record, never one the size of the file. */

#define CSV_MAX_CELLS 256
#define CSV_MAX_CELL  (64 * 1024)

enum csv_encoding { CSV_AUTO = 0, CSV_UTF8, CSV_CP932 };

/* "utf-8" / "cp932" (also "shift_jis", "sjis") / "auto" or NULL; -1 for anything else. */
int csv_encoding_parse(const char *name, enum csv_encoding *out);
const char *csv_encoding_name(enum csv_encoding e);

/* Decodes a file's bytes into UTF-8 text in `out` (without a BOM). CSV_AUTO takes UTF-8 when
 * there is a UTF-8 BOM or the bytes are valid UTF-8, CP932 otherwise; *used says which was
 * taken. The result is checked to be text (no NUL or control characters other than tab and
 * line ends). -1 when the bytes are not valid in that encoding: *bad_offset is the offset of
 * the first bad byte in `data`. */
int csv_decode(const char *data, size_t len, enum csv_encoding enc, struct buf *out,
	       enum csv_encoding *used, size_t *bad_offset);

struct csv_reader {
	const char *p, *end;
	long line;     /* physical line (1-based) where the current record starts */
	long record;   /* number of the current record (1-based; the header is 1) */
	char **fields; /* the current record's cells, NUL-terminated UTF-8 */
	size_t nfields;
	const char *error; /* after -1: what is wrong, in English */
	/* private */
	struct buf cells;
	size_t *offs, cap;
	long pending; /* lines the last record spanned */
};

void csv_reader_init(struct csv_reader *r, const char *text, size_t len);
/* Reads the next record into r->fields / r->nfields (valid until the next call).
 * Returns 1 for a record, 0 at the end, -1 for a malformed record (r->error, r->line). */
int csv_read(struct csv_reader *r);
void csv_reader_release(struct csv_reader *r);

#endif
