/*
 * csv.h — reading CSV for imports and writing it for exports (RFC 4180, CRLF line ends).
 *
 * Excel in Japan opens UTF-8 CSV correctly only with a byte-order mark, so UTF-8 exports start
 * with one; CP932 (Windows-31J, what Excel calls Shift_JIS) is offered for older tools.
 *
 * Formula guard (CSV injection). A cell whose first character a spreadsheet could take as
 * the start of a formula is written with one apostrophe in front of it. The decision is made
 * on the bytes that are written — after the conversion to CP932 — so a look-alike that the
 * conversion turns into a real formula character cannot slip past it. The characters that
 * call for the guard (csv_guard_char) are = + - @ tab CR and the apostrophe itself, their
 * full-width forms ＝ ＋ － ＠, the small forms ﹦ ﹢ ﹣ ﹫ and the minus sign −. Guarding the
 * apostrophe too makes the guard exactly reversible: an import strips one apostrophe before
 * such a character (csv_unguard) and gets the original back, so export → import → export
 * gives the same bytes.
 *
 * CP932 lacks some characters (𠮷, emoji, ♡). They are never dropped silently: the writer
 * counts them and notes where they are (row, column), and the caller decides — refuse the
 * download and say so, or write '?' for each when the user has asked for that.
 */
#ifndef MAMORI_CSV_H
#define MAMORI_CSV_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

/* --- Writing (exports) ----------------------------------------------------------------------
 *
 *	struct csv_writer w;
 *	if (csv_writer_init(&w, cp932)) ...;
 *	csv_put(&w, "名前"); csv_put(&w, "=1+1"); csv_row_end(&w);
 *	if (w.loss.chars) ... say so: w.loss.rows, w.loss.shown[0 .. w.loss.nshown) ...
 *	data = csv_writer_detach(&w, &len);
 */

#define CSV_SHOWN 10

struct csv_unmappable {
	long row;        /* as a spreadsheet numbers it: the header row is 1 */
	char column[64]; /* the column's header */
	char record[32]; /* the row's first cell (an ID or a name), cut short */
	char text[8];    /* the first character of the cell that CP932 lacks (UTF-8) */
};

/* What a CP932 file could not hold. */
struct csv_loss {
	size_t chars; /* characters CP932 lacks, each written as '?' */
	size_t rows;  /* rows holding at least one of them */
	size_t nshown;
	struct csv_unmappable shown[CSV_SHOWN]; /* the first rows */
};

struct csv_writer {
	struct buf out;
	bool cp932;
	struct csv_loss loss;
	/* private */
	long row;
	size_t col;
	long last_lost_row;
	void *cd; /* iconv_t for CP932, or NULL */
	struct buf cell, first, head;
};

/* Starts a file: UTF-8 with a BOM, or CP932 without one. -1 if CP932 is not available. */
int csv_writer_init(struct csv_writer *w, bool cp932);
void csv_writer_release(struct csv_writer *w);
/* Appends the next cell of the current row (NULL: empty), converted, guarded and quoted. */
void csv_put(struct csv_writer *w, const char *s);
/* Appends a number cell (never guarded: digits and a minus sign are no formula). */
void csv_put_int(struct csv_writer *w, long long v);
void csv_row_end(struct csv_writer *w);
/* The finished file (caller frees); w is released. */
char *csv_writer_detach(struct csv_writer *w, size_t *len);

/* True if a cell starting with the UTF-8 character at s needs the formula guard. */
bool csv_guard_char(const char *s);
/* The cell without the guard an export added: s + 1 when s is an apostrophe followed by a
 * character csv_guard_char accepts, else s. */
const char *csv_unguard(const char *s);

/* The older interface, kept for lists that build their own rows: UTF-8 cells into b. */
void csv_bom(struct buf *b);
void csv_field(struct buf *b, const char *s, bool first);
void csv_field_int(struct buf *b, long long v, bool first);
void csv_end_row(struct buf *b);
/* Rewrites a UTF-8 file made by csv_field into CP932, cell by cell: each guard is taken off
 * and decided again on the converted bytes; characters CP932 lacks become '?'. -1 on
 * failure. New code uses struct csv_writer, which reports such characters instead. */
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
