/*
 * buf.h — a growable byte buffer.
 *
 * Invariants: `buf` is never NULL and is always NUL-terminated, even when empty (BUF_INIT
 * points at a shared empty string until the first write). `len` excludes the terminator.
 * The bytes belong to the struct until buf_detach() hands them to the caller.
 */
#ifndef MAMORI_BUF_H
#define MAMORI_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char buf_empty[];
#define BUF_INIT                                                                                   \
	{                                                                                          \
		.buf = buf_empty, .len = 0, .alloc = 0                                             \
	}

void buf_init(struct buf *b, size_t hint);
void buf_release(struct buf *b);              /* frees and re-initialises */
char *buf_detach(struct buf *b, size_t *len); /* caller frees; b is re-initialised */
void buf_reset(struct buf *b);                /* len = 0, keeps memory */
void buf_grow(struct buf *b, size_t extra);
void buf_add_slow(struct buf *b, const void *data, size_t n);
/* Appends n bytes (inline when they fit: lists append many small pieces). */
static inline void buf_add(struct buf *b, const void *data, size_t n)
{
	if (b->alloc && n < b->alloc - b->len) {
		memcpy(b->buf + b->len, data, n);
		b->len += n;
		b->buf[b->len] = '\0';
		return;
	}
	buf_add_slow(b, data, n);
}
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);

#endif
