/* jsonw.c — a small streaming JSON writer. */
#include <stdio.h>

#include "jsonw.h"
#include "util.h"

void jw_init(struct jsonw *w, struct buf *out)
{
	w->out = out;
	w->depth = 0;
	w->has_items = 0;
	w->after_key = false;
}

/* Before a value: a comma if the container has items already (not after a key). */
static void value_start(struct jsonw *w)
{
	uint32_t bit = 1u << w->depth;
	if (w->after_key)
		w->after_key = false;
	else if (w->has_items & bit)
		buf_addch(w->out, ',');
	w->has_items |= bit;
}

static void open(struct jsonw *w, char c)
{
	value_start(w);
	buf_addch(w->out, c);
	if (++w->depth >= 32)
		die("jsonw: nested too deep");
	w->has_items &= ~(1u << w->depth);
}

static void close_(struct jsonw *w, char c)
{
	buf_addch(w->out, c);
	w->depth--;
}

void jw_object(struct jsonw *w)
{
	open(w, '{');
}

void jw_object_end(struct jsonw *w)
{
	close_(w, '}');
}

void jw_array(struct jsonw *w)
{
	open(w, '[');
}

void jw_array_end(struct jsonw *w)
{
	close_(w, ']');
}

void json_quote(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	buf_add(b, "\"", 1);
	const char *run = s, *p = s;
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, run, (size_t)(p - run));
		run = p + 1;
		switch (c) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			buf_add(b, u, 6);
		}
		}
	}
	buf_add(b, run, (size_t)(p - run));
	buf_add(b, "\"", 1);
}

void jw_key(struct jsonw *w, const char *key)
{
	/* Member names are literals in our code and never need escaping. */
	size_t n = strlen(key);
	value_start(w);
	buf_add(w->out, "\"", 1);
	buf_add(w->out, key, n);
	buf_add(w->out, "\":", 2);
	w->after_key = true;
}

void jw_str(struct jsonw *w, const char *s)
{
	value_start(w);
	if (s)
		json_quote(w->out, s);
	else
		buf_adds(w->out, "null");
}

void jw_int(struct jsonw *w, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	value_start(w);
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	buf_add(w->out, p, (size_t)(tmp + sizeof(tmp) - p));
}

void jw_bool(struct jsonw *w, bool v)
{
	value_start(w);
	buf_adds(w->out, v ? "true" : "false");
}

void jw_null(struct jsonw *w)
{
	value_start(w);
	buf_adds(w->out, "null");
}

void jw_raw(struct jsonw *w, const char *json)
{
	value_start(w);
	buf_adds(w->out, json);
}
