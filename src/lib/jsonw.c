/* jsonw.c — a small streaming JSON writer. */
#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "util.h"

void jw_init(struct jsonw *w, struct buf *out)
{
	w->out = out;
	w->depth = 0;
	w->has_items = 0;
	w->after_key = false;
}

static void open(struct jsonw *w, char c)
{
	jw_value_start(w);
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

/* Whether the 8 bytes of x hold one that needs escaping: below 0x20, '"' or '\\'. (Bytes of
 * 0x80 and above, UTF-8, never count: ~x clears their high bit.) A byte that does is found
 * for certain; the test is only a filter before looking at each byte. */
static inline bool word_needs_escape(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
	uint64_t low = (x - ones * 0x20) & ~x;
	uint64_t zq = (q - ones) & ~q, zb = (bs - ones) & ~bs;
	return ((low | zq | zb) & highs) != 0;
}

void json_quote(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);
	buf_grow(b, n + 2);
	buf_add(b, "\"", 1);
	const char *run = s, *p = s, *end = s + n;
	while (p < end) {
		if (end - p >= 8) {
			uint64_t x;
			memcpy(&x, p, 8);
			if (!word_needs_escape(x)) {
				p += 8;
				continue;
			}
		}
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\') {
			p++;
			continue;
		}
		buf_add(b, run, (size_t)(p - run));
		run = ++p;
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

void jw_str(struct jsonw *w, const char *s)
{
	jw_value_start(w);
	if (s)
		json_quote(w->out, s);
	else
		buf_adds(w->out, "null");
}

void jw_int(struct jsonw *w, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	jw_value_start(w);
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
	jw_value_start(w);
	buf_adds(w->out, v ? "true" : "false");
}

void jw_null(struct jsonw *w)
{
	jw_value_start(w);
	buf_adds(w->out, "null");
}

void jw_raw(struct jsonw *w, const char *json)
{
	jw_value_start(w);
	buf_adds(w->out, json);
}
