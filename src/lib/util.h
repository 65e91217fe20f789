/*
 * util.h — the smallest building blocks every file uses.
 *
 * Allocation failure is not an error mamori recovers from: xmalloc and friends abort with a
 * message, so callers never check for NULL. Library code reports errors by returning -1 and
 * cleaning up at one `out:` label; only main() and the CLI decide to exit.
 */
#ifndef MAMORI_UTIL_H
#define MAMORI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* System headers that define inline versions of banned names come before banned.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x)     ((void)(x))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Prints "fatal: <message>" to stderr and aborts. For broken invariants only. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Lower-case hex of `n` bytes into `out`, which must hold 2n+1 bytes. */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Decodes exactly `n` bytes from 2n hex digits; -1 on any other input. */
int hex_decode(const char *hex, unsigned char *out, size_t n);

/* True if s[0..n) is well-formed UTF-8 with no NUL and no C0 control except tab, LF, CR. */
bool utf8_valid_text(const char *s, size_t n);
/* Number of Unicode code points in valid UTF-8 text. */
size_t utf8_len(const char *s, size_t n);

/* Parses a whole decimal integer in [min,max]; -1 if not exactly that. */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Constant-time comparison of two NUL-terminated strings (length may leak). */
bool str_equal_ct(const char *a, const char *b);

/* Case-insensitive ASCII substring test. */
bool str_contains_ci(const char *haystack, const char *needle);

#include "banned.h"
#endif
