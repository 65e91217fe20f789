/* policies_api.c — /api/v1/policies and /api/v1/policy-versions: the library, drafting,
 * submitting for approval (the approval itself is decided in the shared approvals inbox),
 * attached PDFs. */
#include <string.h>
#include <unistd.h>

#include "policies.h"
#include "internal.h"
#include "../training/training.h"
#include "../workflow/work.h"
#include "../../store/files.h"

static struct policy_viewer viewer_of(struct req *req)
{
	return (struct policy_viewer){ req->user->id, req_can(req, "policies.manage"),
				       req_can(req, "policies.approve"),
				       (const char *const *)req->user->perms };
}

static int policies_list(struct req *req)
{
	struct policy_viewer v = viewer_of(req);
	json_t *o = policy_list(req->db, req_query(req, "category"), &v);
	return o ? reply_json(req, 200, o) : -1;
}

/* The document as `req`'s user may see it: drafts-only documents for those who manage or
 * approve policies. */
static json_t *policy_for(struct req *req, int64_t id)
{
	struct policy_viewer v = viewer_of(req);
	json_t *o = policy_json(req->db, id, &v);
	if (o && !v.manage && !v.approve && json_is_null(json_object_get(o, "published"))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int policies_show(struct req *req)
{
	json_t *o = policy_for(req, req_param_int(req, "id"));
	if (!o)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, o);
}

static int policies_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = policy_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? policy_for(req, id) : NULL);
}

static int policies_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = policy_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? policy_for(req, id) : NULL);
}

static json_t *version_for(struct req *req, int64_t id)
{
	struct policy_viewer v = viewer_of(req);
	enum status st;
	return policy_version_json(req->db, id, &v, &st);
}

static int versions_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st =
		policy_version_create(req->db, &who, req_param_int(req, "id"), req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? version_for(req, id) : NULL);
}

static int versions_show(struct req *req)
{
	struct policy_viewer v = viewer_of(req);
	enum status st;
	json_t *o = policy_version_json(req->db, req_param_int(req, "id"), &v, &st);
	return o ? reply_json(req, 200, o) : reply_status_of(req, st, NULL);
}

static int versions_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = policy_version_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? version_for(req, id) : NULL);
}

static int versions_transition(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = req_param_int(req, "id");
	struct wf_request r = { .to = req_str(req, "to"),
				.version = req_int(req, "version", 0),
				.comment = req_str(req, "comment"),
				.in = req->json,
				.field = "to",
				.comment_field = "comment" };
	enum status st = wf_move(req->app, req->db, &policy_version_workflow, &by, id, &r, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? version_for(req, id) : NULL);
}

static int versions_upload(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id"), version = 0;
	const char *v = req_query(req, "version");
	if (!v || parse_i64(v, 1, INT64_MAX, &version)) {
		ferr_add(&fe, "version", "required", "Give the version you saw (?version=).");
		return reply_outcome(req, ST_INVALID, &fe, 200, NULL);
	}
	if (req->body.len > POLICY_FILE_MAX)
		return reply_problem(req, 413, "too_large", "File too large",
				     "An attached PDF may be at most 20 MiB.");
	enum status st = policy_version_attach(req->app, req->db, &who, id, version, req->body.buf,
					       req->body.len, req_query(req, "name"), &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? version_for(req, id) : NULL);
}

static int versions_file(struct req *req)
{
	struct policy_viewer v = viewer_of(req);
	char hash[65];
	int64_t number = 0, id = req_param_int(req, "id");
	int rc = policy_version_file(req->db, id, &v, hash, &number);
	if (rc)
		return rc < 0 ? -1 : reply_status_of(req, ST_NOT_FOUND, NULL);
	char *data;
	size_t size;
	rc = filestore_get(req->db, hash, &data, &size);
	if (rc)
		return rc < 0 ? -1
			      : reply_problem(req, 404, "file_missing", "File missing",
					      "The stored file is not in the database.");
	return reply_download(req, "application/pdf",
			      arena_printf(&req->arena, "policy-%lld-v%lld.pdf", (long long)id,
					   (long long)number),
			      data, size);
}

/* The versions on their way (submitted, or approved and waiting for their date): what top
 * management reviews. */
static int versions_pending(struct req *req)
{
	struct dbrows r;
	if (db_query(req->db, &r,
		     "SELECT x.id, x.policy_id, p.title_ja, p.title_en, p.category, x.number, "
		     "x.status, x.effective_on, x.change_note, s.name FROM policy_versions x JOIN "
		     "policies p ON p.id = x.policy_id LEFT JOIN users s ON s.id = x.submitted_by "
		     "WHERE x.status IN ('submitted', 'approved') ORDER BY x.id DESC LIMIT 500",
		     P0))
		return -1;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(
			items, json_pack("{s:I,s:{s:I,s:{s:s,s:s},s:s},s:I,s:s,s:s?,s:s,s:s?}",
					 "id", (json_int_t)db_int(&r, 0), "policy", "id",
					 (json_int_t)db_int(&r, 1), "title", "ja", db_text(&r, 2),
					 "en", db_text(&r, 3), "category", db_text(&r, 4), "number",
					 (json_int_t)db_int(&r, 5), "status", db_text(&r, 6),
					 "effective_on", db_text(&r, 7), "change_note",
					 db_text(&r, 8), "submitted_by", db_text(&r, 9)));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return -1;
	}
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static int policies_preview(struct req *req)
{
	return reply_json(
		req, 200,
		json_pack("{s:o}", "document", training_markdown(req_str(req, "markdown"))));
}

/* --- routes ------------------------------------------------------------------------------- */

static const char *const moves[] = { "submitted", "discarded", NULL };
static const char *const formats[] = { "markdown", "pdf", NULL };

static const struct field list_query[] = {
	{ "category", FT_ENUM, 0, .choices = policy_categories },
	{ 0 },
};

static const struct field create_body[] = {
	{ "category", FT_ENUM, F_REQUIRED, .choices = policy_categories },
	{ "title_ja", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "title_en", FT_STRING, 0, .max = 200 },
	{ "on_hire", FT_BOOL, 0 },
	{ "on_exit", FT_BOOL, 0 },
	{ "hire_due_days", FT_INT, 0, .min = 0, .max = 90 },
	{ 0 },
};

static const struct field patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "category", FT_ENUM, 0, .choices = policy_categories },
	{ "title_ja", FT_STRING, 0, .min = 1, .max = 200 },
	{ "title_en", FT_STRING, 0, .max = 200 },
	{ "on_hire", FT_BOOL, 0 },
	{ "on_exit", FT_BOOL, 0 },
	{ "hire_due_days", FT_INT, 0, .min = 0, .max = 90 },
	{ 0 },
};

static const struct field version_body[] = {
	{ "body_ja", FT_TEXT, 0, .max = 200000 },
	{ "body_en", FT_TEXT, 0, .max = 200000 },
	{ "effective_on", FT_DATE, 0 },
	{ "change_note", FT_TEXT, F_REQUIRED, .min = 1, .max = 2000 },
	{ 0 },
};

static const struct field version_patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "format", FT_ENUM, 0, .choices = formats },
	{ "body_ja", FT_TEXT, 0, .max = 200000 },
	{ "body_en", FT_TEXT, 0, .max = 200000 },
	{ "effective_on", FT_DATE, F_NULLABLE },
	{ "change_note", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct field transition_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "to", FT_ENUM, F_REQUIRED, .choices = moves },
	{ "comment", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct field upload_query[] = {
	{ "version", FT_INT, 0, .min = 1 },
	{ "name", FT_STRING, 0, .max = 200 },
	{ 0 },
};

static const struct field preview_body[] = {
	{ "markdown", FT_TEXT, F_REQUIRED, .max = 200000 },
	{ 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/policies", "policies.read", policies_list, .query = list_query },
	{ "POST", "/api/v1/policies", "policies.manage", policies_create, .body = create_body },
	{ "POST", "/api/v1/policies/preview", "policies.manage", policies_preview,
	  .body = preview_body },
	{ "GET", "/api/v1/policies/{id:int}", "policies.read", policies_show },
	{ "PATCH", "/api/v1/policies/{id:int}", "policies.manage", policies_patch,
	  .body = patch_body },
	{ "POST", "/api/v1/policies/{id:int}/versions", "policies.manage", versions_create,
	  .body = version_body },
	{ "GET", "/api/v1/policy-versions", "policies.approve", versions_pending },
	{ "GET", "/api/v1/policy-versions/{id:int}", "policies.read", versions_show },
	{ "PATCH", "/api/v1/policy-versions/{id:int}", "policies.manage", versions_patch,
	  .body = version_patch_body },
	{ "POST", "/api/v1/policy-versions/{id:int}/transition", "policies.manage",
	  versions_transition, .body = transition_body },
	{ "PUT", "/api/v1/policy-versions/{id:int}/file", "policies.manage", versions_upload,
	  .query = upload_query, .flags = R_RAW_BODY | R_LARGE_BODY },
	{ "GET", "/api/v1/policy-versions/{id:int}/file", "policies.read", versions_file },
};

const struct route_table policies_routes = { routes, ARRAY_SIZE(routes) };

const struct permission policies_permissions[] = {
	{ "policies.read", "policies" },
	{ "policies.manage", "policies" },
	{ "policies.approve", "policies" },
	{ 0 },
};
