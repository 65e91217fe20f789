/*
 * arena.h — a per-request memory pool.
 *
 * Everything a request allocates from its arena is freed at once by arena_release() when the
 * request completes, so handlers never free piecemeal. Cleanup hooks run first, in reverse
 * order of registration, to release things the arena does not own (jansson values, statements).
 */
#ifndef MAMORI_ARENA_H
#define MAMORI_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena_cleanup;

struct arena {
	struct arena_block *blocks;
	struct arena_cleanup *cleanups;
};

#define ARENA_INIT                                                                                 \
	{                                                                                          \
		0                                                                                  \
	}

void *arena_alloc(struct arena *a, size_t n); /* zeroed, 16-byte aligned */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_on_release(struct arena *a, void (*fn)(void *), void *arg);
void arena_release(struct arena *a);

#endif
