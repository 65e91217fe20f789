/* csv.c — CSV cells, rows, BOM, and CP932 conversion through iconv. */
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
