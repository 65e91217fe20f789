/*
 * registers_api.h — the HTTP side the registers' routes share (registers.h has the rules):
 * the caller's scope, pages, answers to changes and imports, and the routes any register
 * declared by a struct reg_record serves.
 */
#ifndef MAMORI_REGISTERS_API_H
#define MAMORI_REGISTERS_API_H

#include "registers.h"
#include "../../http/export.h"
#include "../../http/http.h"

/* The scope of the signed-in user. */
struct reg_scope reg_scope_of(struct req *req);

/* Reads an import's ?dry_run= (default: a dry run) and ?encoding= (default: detect). */
void reg_import_options(struct req *req, bool *dry_run, enum csv_encoding *enc);
/* Answers an import: 200 with the result (a dry run lists every row's errors), 422 with the
 * same body as problem details when a real import found errors (nothing was stored), or the
 * file's own problem. Releases res and fe. */
int reg_import_answer(struct req *req, enum status st, struct reg_import_result *res,
		      struct ferrors *fe);

#define REG_PAGE_DEFAULT 50
#define REG_PAGE_MAX     200

/* ?limit= and ?cursor= of a list. */
void reg_page_options(struct req *req, int64_t *limit, int64_t *cursor);
/* 200 {items, next_cursor}; takes `items`. */
int reg_reply_page(struct req *req, json_t *items, int64_t next);
/* 200 with the record, or 404 when it is NULL without a database error. Takes `record`. */
int reg_reply_record(struct req *req, json_t *record);
/* 204 when st is ST_OK, else the problem; releases fe. */
int reg_answer_removed(struct req *req, enum status st, struct ferrors *fe);
/* The routes any register serves, the register (struct reg_record) being the route's arg:
 * POST /api/v1/<register> (201 with the new record: kind->insert, reg_create), POST
 * .../{id}/review (today's review by the user, with the "version" they saw; answers the
 * record) and DELETE .../{id}?version=. */
int reg_create_route(struct req *req);
int reg_review_route(struct req *req);
int reg_delete_route(struct req *req);
/* The query schema every register's import takes. */
extern const struct field reg_import_query[];

#endif
