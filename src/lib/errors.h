/*
 * errors.h — what a domain function tells its caller besides "done".
 *
 * Domain functions return an enum status; when it is ST_INVALID, `struct ferrors` holds one
 * entry per bad field with a stable code (`required`, `too_long`, `invalid_choice`, `taken`,
 * ...) and an English sentence. The HTTP layer turns both into RFC 9457 problem details; the
 * CLI prints them. Codes are API: the web UI translates by code.
 */
#ifndef MAMORI_ERRORS_H
#define MAMORI_ERRORS_H

#include <jansson.h>
#include <stdbool.h>

enum status {
	ST_OK = 0,
	ST_INVALID,   /* field errors in ferrors: 422 */
	ST_NOT_FOUND, /* 404 */
	ST_CONFLICT,  /* stale version: 409 */
	ST_FORBIDDEN, /* a rule refuses this caller: 403 */
	ST_DB,        /* database failure: 503 when unavailable, else 500 */
};

struct ferrors {
	json_t *list;       /* array of {field, code, message}; NULL until the first error */
	const char *code;   /* optional top-level code for ST_FORBIDDEN / ST_CONFLICT */
	const char *detail; /* optional sentence for the problem's detail */
	json_t *extra;      /* optional members added to the problem (e.g. "allowed"); owned */
};

#define FERRORS_INIT                                                                               \
	{                                                                                          \
		0                                                                                  \
	}

void ferr_add(struct ferrors *fe, const char *field, const char *code, const char *message);
bool ferr_any(const struct ferrors *fe);
bool ferr_has(const struct ferrors *fe, const char *field);
/* Adds member `key` (owned value) to the problem the errors become. */
void ferr_extra(struct ferrors *fe, const char *key, json_t *value);
void ferr_release(struct ferrors *fe);

#endif
