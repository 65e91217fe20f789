/* csv.c — CSV cells, rows, BOM and CP932 conversion for exports; decoding and splitting for
 * imports. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "util.h"

void csv_bom(struct buf *b)
{
	buf_adds(b, "\xEF\xBB\xBF");
}

void csv_field(struct buf *b, const char *s, bool first)
{
	if (!first)
		buf_addch(b, ',');
	if (!s)
		return;
	bool formula = strchr("=+-@\t\r", s[0]) && s[0];
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_addch(b, '"');
	if (formula)
		buf_addch(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_addch(b, '"');
		buf_addch(b, *p);
	}
	if (quote)
		buf_addch(b, '"');
}

void csv_field_int(struct buf *b, long long v, bool first)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%lld", v);
	csv_field(b, tmp, first);
}

void csv_end_row(struct buf *b)
{
	buf_adds(b, "\r\n");
}

int csv_to_cp932(struct buf *b)
{
	iconv_t cd = iconv_open("CP932//TRANSLIT", "UTF-8");
	if (cd == (iconv_t)-1)
		return -1;
	const char *in = b->buf;
	size_t inleft = b->len;
	/* Skip the UTF-8 BOM: CP932 files have none. */
	if (inleft >= 3 && !memcmp(in, "\xEF\xBB\xBF", 3)) {
		in += 3;
		inleft -= 3;
	}
	struct buf out = BUF_INIT;
	buf_grow(&out, inleft * 2 + 16);
	int ret = 0;
	while (inleft > 0) {
		char *op = out.buf + out.len;
		size_t outleft = out.alloc - out.len - 1;
		size_t before = outleft;
		size_t rc = iconv(cd, (char **)&in, &inleft, &op, &outleft);
		out.len += before - outleft;
		if (rc == (size_t)-1) {
			if (errno == E2BIG) {
				buf_grow(&out, out.alloc);
			} else if (errno == EILSEQ || errno == EINVAL) {
				/* Not representable: one '?' for the whole UTF-8 sequence. */
				buf_addch(&out, '?');
				do {
					in++;
					inleft--;
				} while (inleft && ((unsigned char)*in & 0xc0) == 0x80);
			} else {
				ret = -1;
				break;
			}
		}
	}
	iconv_close(cd);
	out.buf[out.len] = '\0';
	if (ret == 0) {
		buf_release(b);
		*b = out;
	} else {
		buf_release(&out);
	}
	return ret;
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
