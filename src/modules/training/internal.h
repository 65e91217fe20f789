/* internal.h — helpers shared by the training module's files (not for other modules). */
#ifndef MAMORI_TRAINING_INTERNAL_H
#define MAMORI_TRAINING_INTERNAL_H

#include <jansson.h>

#include "training.h"
#include "../../lib/jsonw.h"
#include "../../store/store.h"

/* {"ja": ja, "en": en} with NULL as "". */
json_t *tr_loc(const char *ja, const char *en);
/* The same, written by jsonw. */
void tr_jw_loc(struct jsonw *w, const char *key, const char *ja, const char *en);
/* An instant column as RFC 3339 (or null). */
json_t *tr_time(struct dbrows *r, int col);
void tr_jw_time(struct jsonw *w, struct dbrows *r, int col);
/* A nullable integer column. */
json_t *tr_opt_int(struct dbrows *r, int col);
void tr_jw_opt_int(struct jsonw *w, struct dbrows *r, int col);
/* The "next_cursor" member of a keyset page: the last id when there is more, else null. */
/* "%text%" for LIKE with \ escapes, lower-cased ASCII; caller frees. */
char *tr_like(const char *q);
/* Text in the asked language: English falls back to Japanese when empty. */
const char *tr_pick(const char *lang, const char *ja, const char *en);
/* Today's year start "YYYY-01-01" in the organisation's zone. */
void tr_year_start(char out[11]);

#endif
