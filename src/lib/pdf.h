/*
 * pdf.h — printable reports as PDF, with Japanese text laid out properly (cairo + pango).
 *
 * Auditors ask for paper: the management review, the internal audit report, an incident's
 * report, the training roster, the registers. A `struct pdf` is one document on A4 (portrait,
 * or landscape for wide tables) written page by page to a stream: a title block, headings,
 * paragraphs, label–value fields and tables whose header row repeats on every page. Text is
 * shaped and wrapped by pango (line breaking follows Japanese rules: no line starts with 。or
 * ）), in the IPAex Gothic font from Debian's fonts-ipaexfont, which is embedded (subset) so
 * the file prints and its text extracts the same anywhere.
 *
 * Life cycle: pdf_open() … drawing calls … pdf_close(), which finishes the file and frees
 * everything. Drawing calls never fail on their own: a write error or a cairo error is kept
 * and reported by pdf_close() (-1), so callers check once. Text must be valid UTF-8 (all
 * stored text is); cells longer than PDF_CELL_MAX characters are cut with "…".
 *
 * Memory: a page is drawn and handed to the stream as it is finished, so a long table does
 * not grow the process beyond a page's worth of drawing (cairo keeps only font subsets and the
 * object table until the end).
 */
#ifndef MAMORI_PDF_H
#define MAMORI_PDF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define PDF_FONT     "IPAexGothic"
#define PDF_CELL_MAX 2000

/* Receives the file's bytes as they are produced; returns 0, or -1 to stop (the document
 * then fails). */
typedef int (*pdf_write_fn)(void *arg, const unsigned char *data, size_t len);

struct pdf_options {
	const char *title;    /* the document's title: on the first page and in each header */
	const char *subtitle; /* a line under the title (organisation, period), or NULL */
	const char *footer;   /* left of each footer (e.g. "作成 2026-04-01 10:00"), or NULL */
	bool landscape;       /* A4 landscape instead of portrait */
};

struct pdf;

/* Starts a document that writes to `write(arg, …)`. Never NULL. */
struct pdf *pdf_open(const struct pdf_options *o, pdf_write_fn write, void *arg);
/* Finishes the document and frees it: 0, or -1 when drawing or writing failed. */
int pdf_close(struct pdf *p);

/* A section heading (starts a new page when too little room is left for it). */
void pdf_heading(struct pdf *p, const char *text);
/* A smaller heading inside a section. */
void pdf_subheading(struct pdf *p, const char *text);
/* A paragraph, wrapped to the page width; line breaks in `text` are kept. */
void pdf_text(struct pdf *p, const char *text);
/* A paragraph in small grey type (notes, sources). */
void pdf_note(struct pdf *p, const char *text);
/* One "label: value" line of a two-column block (value may be NULL or empty: "—"). */
void pdf_field(struct pdf *p, const char *label, const char *value);
/* Vertical space in points. */
void pdf_space(struct pdf *p, double points);
/* Starts a new page. */
void pdf_page_break(struct pdf *p);

/* --- tables --------------------------------------------------------------------------------- */

struct pdf_column {
	const char *header;
	double width; /* relative share of the line (e.g. 1, 2, 0.5) */
	bool right;   /* right-aligned (numbers) */
};

/* Starts a table of `n` columns (at most 32); the header row is drawn now and again at the top
 * of every page the table continues on. */
void pdf_table_begin(struct pdf *p, const struct pdf_column *cols, size_t n);
/* One row: `cells` has one string per column (NULL: empty). A row taller than a page is cut
 * with "…". */
void pdf_table_row(struct pdf *p, const char *const *cells);
/* The same from a JSON array of strings, integers, booleans or nulls. */
void pdf_table_json_row(struct pdf *p, json_t *row);
void pdf_table_end(struct pdf *p);

/* A whole table from JSON: `headers` an array of strings, `rows` an array of arrays; widths
 * (may be NULL: equal) has one share per header. */
void pdf_table_json(struct pdf *p, json_t *headers, json_t *rows, const double *widths);

/* Releases the fonts this thread loaded (pango keeps a font map per thread until the thread
 * ends). For the command line, which draws on its main thread. */
void pdf_thread_done(void);

/* --- whole documents into memory ------------------------------------------------------------ */

/* pdf_write_fn that appends to a struct buf (arg). */
int pdf_to_buf(void *arg, const unsigned char *data, size_t len);

#endif
