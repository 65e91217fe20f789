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
