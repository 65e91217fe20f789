/* registers_api.c — the HTTP side of imports, shared by the registers' routes. */
#include <string.h>

#include "registers.h"

/* Answers an import: the result (200), or 422 when a real import found errors (nothing was
 * stored), or 422 with the file's own problem. Shared by the assets and pinfo routes. */
int reg_import_answer(struct req *req, enum status st, struct reg_import_result *res,
		      struct ferrors *fe)
{
	if (st != ST_OK) {
		reply_status_of(req, st == ST_OK ? ST_DB : st, fe);
		ferr_release(fe);
	} else if (!res->dry_run && res->error_count) {
		json_t *body = reg_import_json(res);
		json_object_set_new(body, "type",
				    json_string("https://mamori.invalid/problems/import_rows"));
		json_object_set_new(body, "title", json_string("Some rows need attention"));
		json_object_set_new(body, "status", json_integer(422));
		json_object_set_new(body, "code", json_string("import_rows"));
		json_object_set_new(body, "detail",
				    json_string("Nothing was imported. Correct the rows listed and "
						"import the file again."));
		reply_json(req, 422, body);
		req->content_type = "application/problem+json; charset=utf-8";
		ferr_release(fe);
	} else {
		reply_json(req, 200, reg_import_json(res));
		ferr_release(fe);
	}
	reg_import_result_release(res);
	return 0;
}

/* Reads ?dry_run= and ?encoding= of an import. */
void reg_import_options(struct req *req, bool *dry_run, enum csv_encoding *enc)
{
	const char *v = req_query(req, "dry_run");
	*dry_run = !v || !strcmp(v, "1") || !strcmp(v, "true");
	if (csv_encoding_parse(req_query(req, "encoding"), enc))
		*enc = CSV_AUTO;
}

/* --- answers shared by the registers' routes ------------------------------------------------ */

static const char *const import_encodings[] = { "auto", "utf-8", "cp932", NULL };
static const char *const flags[] = { "0", "1", "true", "false", NULL };

const struct field reg_import_query[] = { { "dry_run", FT_ENUM, 0, .choices = flags },
					  { "encoding", FT_ENUM, 0, .choices = import_encodings },
					  { 0 } };

void reg_page_options(struct req *req, int64_t *limit, int64_t *cursor)
{
	const char *v;
	*limit = REG_PAGE_DEFAULT;
	*cursor = 0;
	if ((v = req_query(req, "limit")))
		parse_i64(v, 1, REG_PAGE_MAX, limit);
	if ((v = req_query(req, "cursor")))
		parse_i64(v, 1, INT64_MAX, cursor);
}

int reg_reply_page(struct req *req, json_t *items, int64_t next)
{
	return reply_json(
		req, 200,
		json_pack("{s:o,s:o}", "items", items, "next_cursor",
			  next ? json_string(arena_printf(&req->arena, "%lld", (long long)next))
			       : json_null()));
}

int reg_reply_record(struct req *req, json_t *record)
{
	if (!record)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, record);
}

int reg_answer_removed(struct req *req, enum status st, struct ferrors *fe)
{
	if (st == ST_OK) {
		ferr_release(fe);
		return reply_status(req, 204);
	}
	return reply_outcome(req, st, fe, 204, NULL);
}

int reg_create_route(struct req *req, const struct reg_record *kind)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	int64_t id = 0;
	enum status st = reg_create(req->db, kind, &who, &scope, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201,
			     st == ST_OK ? kind->load(req->db, &scope, id) : NULL);
}

/* One step of reg_op_run on the record named by the path, with the version the caller saw. */
static enum status run_on_record(struct req *req, const struct reg_record *kind,
				 int (*fn)(struct db *, void *), struct reg_scope *scope,
				 struct ferrors *fe)
{
	struct actor who = req_actor(req);
	struct reg_op o = { .kind = kind,
			    .who = &who,
			    .scope = scope,
			    .id = req_param_int(req, "id"),
			    .version = req_int(req, "version", 0),
			    .fe = fe };
	return reg_op_run(req->db, fn, &o);
}

int reg_review_route(struct req *req, const struct reg_record *kind)
{
	struct ferrors fe = FERRORS_INIT;
	struct reg_scope scope = reg_scope_of(req);
	enum status st = run_on_record(req, kind, reg_review_fn, &scope, &fe);
	return reply_outcome(req, st, &fe, 200,
			     st == ST_OK ? kind->load(req->db, &scope, req_param_int(req, "id"))
					 : NULL);
}

int reg_delete_route(struct req *req, const struct reg_record *kind)
{
	struct ferrors fe = FERRORS_INIT;
	struct reg_scope scope = reg_scope_of(req);
	return reg_answer_removed(req, run_on_record(req, kind, reg_delete_fn, &scope, &fe), &fe);
}

struct reg_export reg_export_of(struct req *req, bool xlsx)
{
	struct reg_export x = { .fmt = xlsx                ? REG_XLSX
				       : export_cp932(req) ? REG_CSV_CP932
							   : REG_CSV,
				.replace = export_replace(req) };
	return x;
}

int reg_reply_export(struct req *req, enum status st, struct reg_export *x, const char *base)
{
	if (st == ST_INVALID && x->file.loss.chars)
		return reply_unmappable(req, &x->file.loss);
	if (st != ST_OK)
		return reply_status_of(req, st, NULL);
	bool xlsx = x->fmt == REG_XLSX;
	char *data = x->file.data;
	x->file.data = NULL;
	return reply_download(req, export_content_type(xlsx, x->fmt == REG_CSV_CP932),
			      export_file_name(req, base, xlsx ? "xlsx" : "csv"), data,
			      x->file.len);
}
