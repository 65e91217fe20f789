/* buf.c — growable, always NUL-terminated byte buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t hint)
{
	b->buf = buf_empty;
	b->len = 0;
	b->alloc = 0;
	if (hint)
		buf_grow(b, hint);
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->buf);
	buf_init(b, 0);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *res;
	buf_grow(b, 0);
	res = b->buf;
	if (len)
		*len = b->len;
	buf_init(b, 0);
	return res;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need < b->len)
		die("buf_grow: size overflow");
	if (b->alloc >= need)
		return;
	size_t n = b->alloc ? b->alloc : 64;
	while (n < need)
		n *= 2;
	if (!b->alloc) {
		b->buf = xmalloc(n);
		b->buf[0] = '\0';
	} else {
		b->buf = xrealloc(b->buf, n);
	}
	b->alloc = n;
}

void buf_add_slow(struct buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		die("buf_vprintf: bad format");
	if (b->alloc && (size_t)n < b->alloc - b->len) {
		b->len += (size_t)n;
		return;
	}
	buf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}
