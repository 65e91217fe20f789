/*
 * jsonw.h — writing JSON straight into a buffer.
 *
 * jansson builds a tree of allocated values and then serialises it; for the answers that
 * carry many rows (lists, exports) that costs more than the database does. jsonw writes the
 * same JSON directly: commas are placed by the writer, strings are escaped here (RFC 8259;
 * input must be valid UTF-8, which everything stored has been checked to be). Nesting is
 * limited to 32 levels. The result parses back with jansson where a tree is needed.
 */
#ifndef MAMORI_JSONW_H
#define MAMORI_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

struct jsonw {
	struct buf *out;
	int depth;
	uint32_t has_items; /* bit d: the container at depth d already has an item */
	bool after_key;
};

void jw_init(struct jsonw *w, struct buf *out);

/* Before a value: a comma if the container has items already (not after a key). Inline, like
 * jw_key, because a list writes them for every member of every row. */
static inline void jw_value_start(struct jsonw *w)
{
	uint32_t bit = 1u << w->depth;
	if (w->after_key)
		w->after_key = false;
	else if (w->has_items & bit)
		buf_add(w->out, ",", 1);
	w->has_items |= bit;
}

void jw_object(struct jsonw *w);
void jw_object_end(struct jsonw *w);
void jw_array(struct jsonw *w);
void jw_array_end(struct jsonw *w);
/* An object member's name (a literal that needs no escaping); the value follows with one of
 * the calls below. */
static inline void jw_key(struct jsonw *w, const char *key)
{
	size_t n = strlen(key); /* a literal: counted by the compiler */
	jw_value_start(w);
	buf_grow(w->out, n + 3);
	char *p = w->out->buf + w->out->len;
	p[0] = '"';
	memcpy(p + 1, key, n);
	p[n + 1] = '"';
	p[n + 2] = ':';
	p[n + 3] = '\0';
	w->out->len += n + 3;
	w->after_key = true;
}
void jw_str(struct jsonw *w, const char *s); /* NULL writes null */
void jw_int(struct jsonw *w, int64_t v);
void jw_bool(struct jsonw *w, bool v);
void jw_null(struct jsonw *w);
/* Already-serialised JSON (e.g. a stored summary). */
void jw_raw(struct jsonw *w, const char *json);
/* Appends s as a quoted JSON string to b (used by the log too). */
void json_quote(struct buf *b, const char *s);

#endif
