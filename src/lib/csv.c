/* csv.c — CSV cells, rows, BOM and CP932 conversion for exports; decoding and splitting for
 * imports. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "util.h"

/* --- the formula guard ---------------------------------------------------------------------- */

/* The code point of the UTF-8 character at s (0 at the end; invalid bytes as themselves). */
static unsigned first_code_point(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80)
		return u[0];
	if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80)
		return ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
	if ((u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80)
		return ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
	return u[0];
}

bool csv_guard_char(const char *s)
{
	static const unsigned set[] = {
		'=',    '+',    '-',    '@',    '\t',   '\r',
		'\'',   0xFF1D, 0xFF0B, 0xFF0D, 0xFF20, /* ＝ ＋ － ＠ */
		0xFE66, 0xFE62, 0xFE63, 0xFE6B,         /* ﹦ ﹢ ﹣ ﹫ */
		0x2212,                                 /* − */
	};
	unsigned cp = s ? first_code_point(s) : 0;
	for (size_t i = 0; cp && i < sizeof(set) / sizeof(set[0]); i++)
		if (cp == set[i])
			return true;
	return false;
}

const char *csv_unguard(const char *s)
{
	return s && s[0] == '\'' && csv_guard_char(s + 1) ? s + 1 : s;
}

/* The same question on CP932 bytes: the characters above that CP932 has are the ASCII ones
 * and ＝ ＋ － ＠ (− is written as －); the small forms are not in CP932 at all. */
static bool cp932_guard_start(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	if (!len)
		return false;
	if (u[0] < 0x80)
		return u[0] && strchr("=+-@\t\r'", u[0]);
	return len >= 2 && u[0] == 0x81 &&
	       (u[1] == 0x81 || u[1] == 0x7B || u[1] == 0x7C || u[1] == 0x97);
}

/* Appends the cell bytes c (already in the file's encoding) guarded and quoted. The quoting
 * looks at bytes: CP932's second bytes are 0x40 and above, never ',' '"' CR or LF. */
static void put_cell(struct buf *b, const char *c, size_t n, bool guard)
{
	bool quote = guard;
	for (size_t i = 0; i < n && !quote; i++)
		quote = c[i] == ',' || c[i] == '"' || c[i] == '\r' || c[i] == '\n';
	if (quote)
		buf_addch(b, '"');
	if (guard)
		buf_addch(b, '\'');
	for (size_t i = 0; i < n; i++) {
		if (c[i] == '"')
			buf_addch(b, '"');
		buf_addch(b, c[i]);
	}
	if (quote)
		buf_addch(b, '"');
}

/* --- writing ---------------------------------------------------------------------------------- */

int csv_writer_init(struct csv_writer *w, bool cp932)
{
	memset(w, 0, sizeof(*w));
	w->out = (struct buf)BUF_INIT;
	w->cell = (struct buf)BUF_INIT;
	w->first = (struct buf)BUF_INIT;
	w->head = (struct buf)BUF_INIT;
	w->cp932 = cp932;
	w->row = 1;
	if (cp932) {
		iconv_t cd = iconv_open("CP932", "UTF-8");
		if (cd == (iconv_t)-1)
			return -1;
		w->cd = cd;
	} else {
		buf_adds(&w->out, "\xEF\xBB\xBF");
	}
	return 0;
}

void csv_writer_release(struct csv_writer *w)
{
	if (w->cd)
		iconv_close((iconv_t)w->cd);
	w->cd = NULL;
	buf_release(&w->out);
	buf_release(&w->cell);
	buf_release(&w->first);
	buf_release(&w->head);
}

/* The n-th cell of the header row as the writer saved it ("" if there is none). */
static const char *header_name(const struct csv_writer *w, size_t n)
{
	const char *p = w->head.buf, *end = w->head.buf + w->head.len;
	for (; p < end && n; n--)
		p += strlen(p) + 1;
	return p < end ? p : "";
}

/* Copies s into out (size n), cut at a UTF-8 character boundary. */
static void copy_cut(char *out, size_t n, const char *s)
{
	size_t k = strlen(s);
	if (k >= n) {
		k = n - 1;
		while (k && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
	}
	memcpy(out, s, k);
	out[k] = '\0';
}

/* Notes a character CP932 lacks at the UTF-8 sequence `at` (n bytes) of the current cell. */
static void note_lost(struct csv_writer *w, const char *at, size_t n)
{
	struct csv_loss *l = &w->loss;
	l->chars++;
	if (w->last_lost_row == w->row)
		return;
	w->last_lost_row = w->row;
	l->rows++;
	if (l->nshown == CSV_SHOWN)
		return;
	struct csv_unmappable *u = &l->shown[l->nshown++];
	u->row = w->row;
	copy_cut(u->column, sizeof(u->column), header_name(w, w->col));
	copy_cut(u->record, sizeof(u->record), w->col ? w->first.buf : "");
	if (n >= sizeof(u->text))
		n = 0;
	memcpy(u->text, at, n);
	u->text[n] = '\0';
}

/* Converts the UTF-8 text s into CP932 in w->cell; characters CP932 lacks become '?'. */
static void to_cp932(struct csv_writer *w, const char *s)
{
	iconv_t cd = (iconv_t)w->cd;
	char *in = (char *)s;
	size_t inleft = strlen(s);
	buf_reset(&w->cell);
	buf_grow(&w->cell, inleft * 2 + 8);
	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		char *op = w->cell.buf + w->cell.len;
		size_t outleft = w->cell.alloc - w->cell.len - 1, before = outleft;
		size_t rc = iconv(cd, &in, &inleft, &op, &outleft);
		w->cell.len += before - outleft;
		w->cell.buf[w->cell.len] = '\0';
		if (rc != (size_t)-1)
			break;
		if (errno == E2BIG) {
			buf_grow(&w->cell, w->cell.alloc);
			continue;
		}
		/* Not representable (or not UTF-8): one '?' for the whole sequence. */
		size_t n = 1;
		while (n < inleft && ((unsigned char)in[n] & 0xC0) == 0x80)
			n++;
		note_lost(w, in, n);
		buf_addch(&w->cell, '?');
		in += n;
		inleft -= n;
	}
}

void csv_put(struct csv_writer *w, const char *s)
{
	if (w->col)
		buf_addch(&w->out, ',');
	if (w->col == 0) {
		buf_reset(&w->first);
		buf_adds(&w->first, s ? s : "");
	}
	if (w->row == 1) {
		buf_adds(&w->head, s ? s : "");
		buf_addch(&w->head, '\0');
	}
	if (s && *s) {
		if (w->cp932) {
			to_cp932(w, s);
			put_cell(&w->out, w->cell.buf, w->cell.len,
				 cp932_guard_start(w->cell.buf, w->cell.len));
		} else {
			put_cell(&w->out, s, strlen(s), csv_guard_char(s));
		}
	}
	w->col++;
}

void csv_put_int(struct csv_writer *w, long long v)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%lld", v);
	if (w->col)
		buf_addch(&w->out, ',');
	if (w->col == 0) {
		buf_reset(&w->first);
		buf_adds(&w->first, tmp);
	}
	if (w->row == 1) {
		buf_adds(&w->head, tmp);
		buf_addch(&w->head, '\0');
	}
	buf_adds(&w->out, tmp);
	w->col++;
}

void csv_row_end(struct csv_writer *w)
{
	buf_adds(&w->out, "\r\n");
	w->row++;
	w->col = 0;
}

char *csv_writer_detach(struct csv_writer *w, size_t *len)
{
	char *data = buf_detach(&w->out, len);
	csv_writer_release(w);
	return data;
}

/* --- the older interface ------------------------------------------------------------------ */

void csv_bom(struct buf *b)
{
	buf_adds(b, "\xEF\xBB\xBF");
}

void csv_field(struct buf *b, const char *s, bool first)
{
	if (!first)
		buf_addch(b, ',');
	if (s && *s)
		put_cell(b, s, strlen(s), csv_guard_char(s));
}

void csv_field_int(struct buf *b, long long v, bool first)
{
	if (!first)
		buf_addch(b, ',');
	buf_printf(b, "%lld", v);
}

void csv_end_row(struct buf *b)
{
	buf_adds(b, "\r\n");
}

int csv_to_cp932(struct buf *b)
{
	struct csv_writer w;
	struct csv_reader r;
	const char *text = b->buf;
	size_t len = b->len;
	int rc, ret = 0;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		text += 3;
		len -= 3;
	}
	if (csv_writer_init(&w, true))
		return -1;
	csv_reader_init(&r, text, len);
	while ((rc = csv_read(&r)) != 0) {
		if (rc < 0) {
			ret = -1;
			break;
		}
		for (size_t i = 0; i < r.nfields; i++)
			csv_put(&w, csv_unguard(r.fields[i]));
		csv_row_end(&w);
	}
	csv_reader_release(&r);
	if (ret) {
		csv_writer_release(&w);
		return -1;
	}
	/* A file without a final line end stays without one. */
	if (len && text[len - 1] != '\n' && text[len - 1] != '\r' && w.out.len >= 2) {
		w.out.len -= 2;
		w.out.buf[w.out.len] = '\0';
	}
	struct buf out = w.out;
	w.out = (struct buf)BUF_INIT;
	csv_writer_release(&w);
	buf_release(b);
	*b = out;
	return 0;
}

/* --- reading -------------------------------------------------------------------------------- */

int csv_encoding_parse(const char *name, enum csv_encoding *out)
{
	if (!name || !*name || !strcasecmp(name, "auto"))
		*out = CSV_AUTO;
	else if (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8"))
		*out = CSV_UTF8;
	else if (!strcasecmp(name, "cp932") || !strcasecmp(name, "shift_jis") ||
		 !strcasecmp(name, "sjis") || !strcasecmp(name, "windows-31j"))
		*out = CSV_CP932;
	else
		return -1;
	return 0;
}

const char *csv_encoding_name(enum csv_encoding e)
{
	return e == CSV_CP932 ? "cp932" : e == CSV_UTF8 ? "utf-8" : "auto";
}

/* Offset of the first byte that breaks UTF-8's structure (overlong forms, surrogates and
 * code points above U+10FFFF included), or len when there is none. */
static size_t utf8_bad_at(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n >= len)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return len;
}

/* Offset of the first NUL or control character other than tab, LF and CR, or len. */
static size_t control_at(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
			return i;
	}
	return len;
}

static int cp932_to_utf8(const char *data, size_t len, struct buf *out, size_t *bad_offset)
{
	iconv_t cd = iconv_open("UTF-8", "CP932");
	if (cd == (iconv_t)-1)
		return -1;
	const char *in = data;
	size_t inleft = len;
	int ret = 0;
	buf_grow(out, len * 3 / 2 + 16);
	while (inleft > 0) {
		char *op = out->buf + out->len;
		size_t outleft = out->alloc - out->len - 1;
		size_t before = outleft;
		size_t rc = iconv(cd, (char **)&in, &inleft, &op, &outleft);
		out->len += before - outleft;
		if (rc == (size_t)-1) {
			if (errno == E2BIG) {
				buf_grow(out, out->alloc);
				continue;
			}
			*bad_offset = (size_t)(in - data);
			ret = -1;
			break;
		}
	}
	iconv_close(cd);
	out->buf[out->len] = '\0';
	return ret;
}

int csv_decode(const char *data, size_t len, enum csv_encoding enc, struct buf *out,
	       enum csv_encoding *used, size_t *bad_offset)
{
	const unsigned char *u = (const unsigned char *)data;
	size_t skip = 0;
	*bad_offset = 0;
	buf_reset(out);
	if (len == 0) { /* an empty body may come as NULL: nothing to copy, nothing to decode */
		*used = enc == CSV_AUTO ? CSV_UTF8 : enc;
		return 0;
	}
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		skip = 3;
		if (enc == CSV_AUTO)
			enc = CSV_UTF8;
	}
	if (enc == CSV_AUTO)
		enc = utf8_bad_at(u, len) == len ? CSV_UTF8 : CSV_CP932;
	*used = enc;
	if (enc == CSV_UTF8) {
		size_t bad = utf8_bad_at(u + skip, len - skip);
		if (bad != len - skip) {
			*bad_offset = skip + bad;
			return -1;
		}
		buf_add(out, data + skip, len - skip);
	} else if (cp932_to_utf8(data + skip, len - skip, out, bad_offset)) {
		*bad_offset += skip;
		return -1;
	}
	size_t ctl = control_at(out->buf, out->len);
	if (ctl != out->len) {
		/* Offsets in the decoded text differ from the file's for CP932; the start of the
		 * line is what a person needs, and both agree on line breaks. */
		*bad_offset = enc == CSV_UTF8 ? skip + ctl : 0;
		return -1;
	}
	return 0;
}

void csv_reader_init(struct csv_reader *r, const char *text, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->p = text;
	r->end = text + len;
	r->line = 1;
	buf_init(&r->cells, 256);
}

void csv_reader_release(struct csv_reader *r)
{
	buf_release(&r->cells);
	free(r->offs);
	free(r->fields);
	r->offs = NULL;
	r->fields = NULL;
	r->cap = 0;
}

static void end_cell(struct csv_reader *r)
{
	buf_addch(&r->cells, '\0');
	r->nfields++;
}

static void start_cell(struct csv_reader *r)
{
	if (r->nfields == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->offs = xrealloc(r->offs, r->cap * sizeof(*r->offs));
	}
	r->offs[r->nfields] = r->cells.len;
}

/* Consumes one line end at p (CRLF, LF or CR); returns the new position. */
static const char *skip_eol(const char *p, const char *end)
{
	if (p < end && *p == '\r') {
		p++;
		if (p < end && *p == '\n')
			p++;
	} else if (p < end && *p == '\n') {
		p++;
	}
	return p;
}

/* The record is malformed for its size: it is skipped to the end of its line (a quoted line
 * break is taken as the end, which is as good a place as any to go on from). */
static int too_much(struct csv_reader *r, const char *p, long lines, const char *why)
{
	while (p < r->end && *p != '\r' && *p != '\n')
		p++;
	r->error = why;
	r->p = skip_eol(p, r->end);
	r->pending = lines + 1;
	return -1;
}

int csv_read(struct csv_reader *r)
{
	const char *p = r->p, *end = r->end;
	r->line += r->pending;
	r->pending = 0;
	/* Blank lines between records are not records. */
	while (p < end && (*p == '\r' || *p == '\n')) {
		p = skip_eol(p, end);
		r->line++;
	}
	if (p >= end) {
		r->p = p;
		return 0;
	}
	r->record++;
	r->nfields = 0;
	buf_reset(&r->cells);
	long lines = 0; /* line breaks inside quoted cells of this record */
	for (;;) {
		start_cell(r);
		if (p < end && *p == '"') {
			p++;
			for (;;) {
				if (p >= end) {
					r->error =
						"A quoted cell is not closed: a '\"' is missing.";
					r->p = end;
					r->pending = lines + 1;
					return -1;
				}
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						buf_addch(&r->cells, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (*p == '\n' || (*p == '\r' && (p + 1 >= end || p[1] != '\n')))
					lines++;
				if (r->cells.len - r->offs[r->nfields] >= CSV_MAX_CELL)
					return too_much(r, p, lines,
							"A cell is longer than 64 KiB.");
				buf_addch(&r->cells, *p++);
			}
			if (p < end && *p != ',' && *p != '\r' && *p != '\n') {
				r->error = "Text follows the closing '\"' of a quoted cell.";
				/* Resynchronise at the next line so later records still get
				 * checked. */
				while (p < end && *p != '\r' && *p != '\n')
					p++;
				r->p = skip_eol(p, end);
				r->pending = lines + 1;
				return -1;
			}
		} else {
			const char *s = p;
			while (p < end && *p != ',' && *p != '\r' && *p != '\n')
				p++;
			if ((size_t)(p - s) > CSV_MAX_CELL)
				return too_much(r, p, lines, "A cell is longer than 64 KiB.");
			buf_add(&r->cells, s, (size_t)(p - s));
		}
		end_cell(r);
		if (p < end && *p == ',') {
			p++;
			if (r->nfields == CSV_MAX_CELLS)
				return too_much(r, p, lines, "A row has more than 256 cells.");
			continue;
		}
		break;
	}
	p = skip_eol(p, end);
	r->p = p;
	r->fields = xrealloc(r->fields, (r->nfields + 1) * sizeof(*r->fields));
	for (size_t i = 0; i < r->nfields; i++)
		r->fields[i] = r->cells.buf + r->offs[i];
	r->fields[r->nfields] = NULL;
	/* r->line stays at this record's first line until the next call moves past it. */
	r->pending = lines + 1;
	return 1;
}
