/* internal_audit_api.c — /api/v1/audit-programmes, /audits, /audit-items, /audit-findings,
 * /audit-attachments and /audit-requirements. */
#include <string.h>

#include "internal.h"
#include "../evidence/reports.h"
#include "../workflow/work.h"
#include "../../store/files.h"

static const char *const statuses[] = { "planned", "in_progress", "reported",
					"closed",  "cancelled",   NULL };
static const char *const moves[] = { "in_progress", "reported", "closed",
				     "cancelled",   "planned",  NULL };
static const char *const finding_states[] = { "open", "responded", NULL };
static const char *const flags[] = { "0", "1", NULL };

static struct wf_actor actor_of(struct req *req, struct actor *who)
{
	*who = req_actor(req);
	return work_actor(req, who);
}

/* --- programmes ---------------------------------------------------------------------------- */

static int programmes_get(struct req *req)
{
	json_t *items = programmes_list(req->db);
	if (!items)
		return -1;
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static int programmes_post(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = programme_create(req->db, &who, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? programme_json(req->db, id) : NULL);
}

static int programmes_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = programme_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? programme_json(req->db, id) : NULL);
}

/* --- audits -------------------------------------------------------------------------------- */

static int audits_get(struct req *req)
{
	struct audit_filter f = { 0 };
	const char *v;
	if ((v = req_query(req, "year")))
		parse_i64(v, 1900, 9999, &f.year);
	f.status = req_query(req, "status");
	if ((v = req_query(req, "department_id")))
		parse_i64(v, 1, INT64_MAX, &f.department_id);
	if ((v = req_query(req, "mine")) && !strcmp(v, "1"))
		f.member = req->user->id;
	json_t *items = audits_list(req->db, &f);
	if (!items)
		return -1;
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static int audit_answer(struct req *req, enum status st, struct ferrors *fe, int code, int64_t id)
{
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	return reply_outcome(req, st, fe, code, st == ST_OK ? audit_json(req->db, &by, id) : NULL);
}

static int audits_post(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = 0;
	enum status st = audit_create(req->db, &by, req->json, &id, &fe);
	return audit_answer(req, st, &fe, 201, id);
}

static int audits_show(struct req *req)
{
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	json_t *a = audit_json(req->db, &by, req_param_int(req, "id"));
	if (!a)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, a);
}

static int audits_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	return audit_answer(req, audit_update(req->db, &by, id, req->json, &fe), &fe, 200, id);
}

static int audits_transition(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	return audit_answer(req, audit_move(req->app, req->db, &by, id, req->json, &fe), &fe, 200,
			    id);
}

/* --- checklist ----------------------------------------------------------------------------- */

static int exists(struct req *req, int64_t audit_id)
{
	struct ia_audit a;
	int rc = ia_audit_get(req->db, audit_id, &a);
	if (rc > 0)
		reply_status_of(req, ST_NOT_FOUND, NULL);
	return rc;
}

static int items_get(struct req *req)
{
	int64_t id = req_param_int(req, "id");
	int rc = exists(req, id);
	if (rc)
		return rc > 0 ? 0 : -1;
	json_t *items = items_list(req->db, id);
	if (!items)
		return -1;
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static int checklist_post(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id"), added = 0;
	enum status st = checklist_build(req->db, &by, id, req->json, &added, &fe);
	json_t *items = st == ST_OK ? items_list(req->db, id) : NULL;
	return reply_outcome(
		req, st, &fe, 200,
		items ? json_pack("{s:I,s:o}", "added", (json_int_t)added, "items", items) : NULL);
}

static int items_post(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = 0;
	enum status st = item_add(req->db, &by, req_param_int(req, "id"), req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? item_json(req->db, id) : NULL);
}

static int items_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	enum status st = item_update(req->db, &by, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? item_json(req->db, id) : NULL);
}

static int items_delete(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	enum status st = item_delete(req->db, &by, req_param_int(req, "id"),
				     req_int(req, "version", 0), &fe);
	reply_status_of(req, st, &fe);
	ferr_release(&fe);
	return 0;
}

/* --- attachments --------------------------------------------------------------------------- */

/* An uploaded file's name: its last path segment, without characters that would confuse a
 * download header. NULL when nothing usable is left. */
static const char *clean_name(struct req *req, const char *name)
{
	const char *base = name;
	for (const char *c = name; *c; c++)
		if (*c == '/' || *c == '\\')
			base = c + 1;
	struct buf b = BUF_INIT;
	for (const char *c = base; *c; c++)
		if ((unsigned char)*c >= 0x20 && *c != '"' && *c != 0x7f)
			buf_addch(&b, *c);
	const char *out = b.len ? arena_strdup(&req->arena, b.buf) : NULL;
	buf_release(&b);
	return out;
}

static int attachments_post(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	const char *name = req_query(req, "name");
	name = name ? clean_name(req, name) : NULL;
	if (!name) {
		ferr_add(&fe, "name", "required", "Give the file's name (?name=).");
		reply_errors(req, &fe);
		ferr_release(&fe);
		return 0;
	}
	if (req->body.len > AUDIT_FILE_MAX)
		return reply_problem(req, 413, "too_large", "File too large",
				     "An attachment is at most 10 MiB.");
	int64_t id = 0, item = req_param_int(req, "id");
	enum status st = attachment_add(req->app, req->db, &by, item, name, req->body.buf,
					req->body.len, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? item_json(req->db, item) : NULL);
}

/* "name" percent-encoded for Content-Disposition's filename* (RFC 5987). */
static const char *encoded_name(struct req *req, const char *name)
{
	struct buf b = BUF_INIT;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~", *c))
			buf_addch(&b, (char)*c);
		else
			buf_printf(&b, "%%%02X", *c);
	}
	const char *out = arena_strdup(&req->arena, b.buf);
	buf_release(&b);
	return out;
}

static int attachments_get(struct req *req)
{
	char hash[65];
	char *name = NULL, *type = NULL, *data = NULL;
	size_t len = 0;
	int64_t id = req_param_int(req, "id");
	int rc = attachment_file(req->db, id, hash, &name, &type);
	if (rc)
		return rc > 0 ? reply_status_of(req, ST_NOT_FOUND, NULL) : -1;
	rc = filestore_get(req->db, hash, &data, &len);
	if (rc) {
		free(name);
		free(type);
		return rc > 0 ? reply_problem(req, 404, "file_missing", "File missing",
					      "The stored file is not in the database.")
			      : -1;
	}
	struct actor who = req_actor(req);
	json_t *sum = json_pack("{s:s,s:I}", "hash", hash, "size", (json_int_t)len);
	rc = audit_append_tx(req->db, &who, "export.internal_audit_attachment",
			     "internal_audit_attachment", id, sum);
	json_decref(sum);
	if (rc) {
		free(data);
		free(name);
		free(type);
		return -1;
	}
	reply_download(req, arena_strdup(&req->arena, type),
		       arena_printf(&req->arena, "attachment-%lld", (long long)id), data, len);
	req->content_disposition = arena_printf(
		&req->arena, "attachment; filename=\"attachment-%lld\"; filename*=UTF-8''%s",
		(long long)id, encoded_name(req, name));
	free(name);
	free(type);
	return 0;
}

static int attachments_delete(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	enum status st = attachment_delete(req->db, &by, req_param_int(req, "id"), &fe);
	reply_status_of(req, st, &fe);
	ferr_release(&fe);
	return 0;
}

/* --- findings ------------------------------------------------------------------------------ */

static int findings_get(struct req *req)
{
	int64_t id = req_param_int(req, "id");
	int rc = exists(req, id);
	if (rc)
		return rc > 0 ? 0 : -1;
	json_t *items = findings_list(req->db, id);
	if (!items)
		return -1;
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static int findings_post(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = 0;
	enum status st =
		finding_create(req->db, &by, req_param_int(req, "id"), req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? finding_json(req->db, id) : NULL);
}

static int my_findings(struct req *req)
{
	json_t *items = findings_of_manager(req->db, req->user->id, req_query(req, "status"));
	if (!items)
		return -1;
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

/* A finding for those who read audits and for the manager of its department; others get
 * "not found", so nobody learns which findings exist. */
static json_t *visible_finding(struct req *req, int64_t id)
{
	json_t *f = finding_json(req->db, id);
	bool manages = false;
	if (!f) {
		if (db_errkind(req->db) == DBE_NONE)
			reply_status_of(req, ST_NOT_FOUND, NULL);
		return NULL;
	}
	if (req_can(req, "internal_audit.read"))
		return f;
	if (ia_manages(req->db, req->user->id,
		       json_integer_value(json_object_get(json_object_get(f, "department"), "id")),
		       &manages)) {
		json_decref(f);
		return NULL;
	}
	if (!manages) {
		json_decref(f);
		reply_status_of(req, ST_NOT_FOUND, NULL);
		return NULL;
	}
	return f;
}

static int finding_show(struct req *req)
{
	json_t *f = visible_finding(req, req_param_int(req, "id"));
	if (!f)
		return req->replied ? 0 : -1;
	return reply_json(req, 200, f);
}

static int finding_response(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	json_t *f = visible_finding(req, id);
	if (!f)
		return req->replied ? 0 : -1;
	json_decref(f);
	enum status st = finding_respond(req->db, &by, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? finding_json(req->db, id) : NULL);
}

static int finding_action(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who;
	struct wf_actor by = actor_of(req, &who);
	int64_t id = req_param_int(req, "id");
	enum status st = finding_open_action(req->db, &by, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? finding_json(req->db, id) : NULL);
}

/* --- the report ---------------------------------------------------------------------------- */

static int report_get(struct req *req)
{
	json_t *r = audit_report_json(req->db, req_param_int(req, "id"));
	if (!r)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	return reply_json(req, 200, r);
}

static void draw_report(struct pdf *p, void *arg)
{
	audit_report_pdf(p, arg);
}

static int report_pdf(struct req *req)
{
	int64_t id = req_param_int(req, "id");
	json_t *r = audit_report_json(req->db, id);
	if (!r)
		return db_errkind(req->db) == DBE_NONE ? reply_status_of(req, ST_NOT_FOUND, NULL)
						       : -1;
	json_t *a = json_object_get(r, "audit");
	const char *subtitle = arena_printf(&req->arena, "%s（%s 〜 %s）",
					    json_string_value(json_object_get(a, "title")),
					    json_string_value(json_object_get(a, "starts_on")),
					    json_string_value(json_object_get(a, "ends_on")));
	int rc = reply_pdf(req, audit_report_title(), subtitle, false, draw_report, r,
			   arena_printf(&req->arena, "internal-audit-%lld.pdf", (long long)id),
			   "export.internal_audit_report", "internal_audit", id);
	json_decref(r);
	return rc;
}

/* --- requirements -------------------------------------------------------------------------- */

static int requirements_get(struct req *req)
{
	const char *all = req_query(req, "all");
	json_t *items = requirements_list(req->db, req_query(req, "set"), all && !strcmp(all, "1"));
	if (!items)
		return -1;
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static int requirements_post(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = 0;
	enum status st = requirement_create(req->db, &who, req->json, &id, &fe);
	json_t *all = st == ST_OK ? requirements_list(req->db, req_str(req, "set"), true) : NULL;
	json_t *found = NULL, *v;
	size_t i;
	json_array_foreach(all, i, v)
	{
		if (json_integer_value(json_object_get(v, "id")) == id)
			found = json_incref(v);
	}
	json_decref(all);
	return reply_outcome(req, st, &fe, 201, found);
}

static int requirements_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = requirement_update(req->db, &who, id, req->json, &fe);
	json_t *all = st == ST_OK ? requirements_list(req->db, NULL, true) : NULL;
	json_t *found = NULL, *v;
	size_t i;
	json_array_foreach(all, i, v)
	{
		if (json_integer_value(json_object_get(v, "id")) == id)
			found = json_incref(v);
	}
	json_decref(all);
	return reply_outcome(req, st, &fe, 200, found);
}

/* --- schemas and routes -------------------------------------------------------------------- */

static const struct field programme_body[] = {
	{ "year", FT_INT, F_REQUIRED, .min = 2000, .max = 2999 },
	{ "title", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "objectives", FT_TEXT, 0, .max = 4000 },
	{ 0 },
};
static const struct field programme_patch[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "year", FT_INT, 0, .min = 2000, .max = 2999 },
	{ "title", FT_STRING, 0, .min = 1, .max = 200 },
	{ "objectives", FT_TEXT, 0, .max = 4000 },
	{ 0 },
};

static const struct field audit_body[] = {
	{ "programme_id", FT_ID, F_REQUIRED },
	{ "title", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "scope", FT_TEXT, 0, .max = 4000 },
	{ "req_sets", FT_STRARRAY, 0, .max = 20 },
	{ "starts_on", FT_DATE, F_REQUIRED },
	{ "ends_on", FT_DATE, F_REQUIRED },
	{ "lead_id", FT_ID, F_REQUIRED },
	{ "auditor_ids", FT_INTARRAY, 0 },
	{ "department_ids", FT_INTARRAY, F_REQUIRED },
	{ 0 },
};
static const struct field audit_patch[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "programme_id", FT_ID, 0 },
	{ "title", FT_STRING, 0, .min = 1, .max = 200 },
	{ "scope", FT_TEXT, 0, .max = 4000 },
	{ "req_sets", FT_STRARRAY, 0, .max = 20 },
	{ "starts_on", FT_DATE, 0 },
	{ "ends_on", FT_DATE, 0 },
	{ "lead_id", FT_ID, 0 },
	{ "auditor_ids", FT_INTARRAY, 0 },
	{ "department_ids", FT_INTARRAY, 0 },
	{ "summary", FT_TEXT, 0, .max = 8000 },
	{ 0 },
};
static const struct field transition_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "to", FT_ENUM, F_REQUIRED, .choices = moves },
	{ "comment", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};
static const struct field checklist_body[] = {
	{ "sets", FT_STRARRAY, F_REQUIRED, .max = 20 },
	{ 0 },
};
static const struct field item_body[] = {
	{ "code", FT_STRING, F_REQUIRED, .min = 1, .max = 40 },
	{ "title_ja", FT_STRING, F_REQUIRED, .min = 1, .max = 300 },
	{ "title_en", FT_STRING, 0, .max = 300 },
	{ "department_id", FT_ID, F_NULLABLE },
	{ 0 },
};
static const struct field item_patch[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "result", FT_ENUM, F_NULLABLE, .choices = audit_results },
	{ "evidence", FT_TEXT, 0, .max = 4000 },
	{ "note", FT_TEXT, 0, .max = 4000 },
	{ "department_id", FT_ID, F_NULLABLE },
	{ 0 },
};
static const struct field version_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ 0 },
};
static const struct field finding_body[] = {
	{ "item_id", FT_ID, F_NULLABLE },
	{ "department_id", FT_ID, F_REQUIRED },
	{ "grade", FT_ENUM, F_REQUIRED, .choices = finding_grades },
	{ "requirement", FT_STRING, 0, .max = 200 },
	{ "statement", FT_TEXT, F_REQUIRED, .min = 1, .max = 4000 },
	{ "evidence", FT_TEXT, 0, .max = 4000 },
	{ "due_on", FT_DATE, F_NULLABLE },
	{ "owner_id", FT_ID, F_NULLABLE },
	{ "effectiveness_due", FT_DATE, F_NULLABLE },
	{ 0 },
};
static const struct field finding_action_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "due_on", FT_DATE, F_REQUIRED },
	{ "owner_id", FT_ID, F_NULLABLE },
	{ "effectiveness_due", FT_DATE, F_NULLABLE },
	{ 0 },
};
static const struct field response_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "cause", FT_TEXT, F_REQUIRED, .min = 1, .max = 4000 },
	{ "plan", FT_TEXT, F_REQUIRED, .min = 1, .max = 4000 },
	{ 0 },
};
static const struct field requirement_body[] = {
	{ "set", FT_ENUM, F_REQUIRED, .choices = requirement_sets },
	{ "code", FT_STRING, F_REQUIRED, .min = 1, .max = 40 },
	{ "title_ja", FT_STRING, F_REQUIRED, .min = 1, .max = 300 },
	{ "title_en", FT_STRING, 0, .max = 300 },
	{ 0 },
};
static const struct field requirement_patch[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "code", FT_STRING, 0, .min = 1, .max = 40 },
	{ "title_ja", FT_STRING, 0, .min = 1, .max = 300 },
	{ "title_en", FT_STRING, 0, .max = 300 },
	{ "active", FT_BOOL, 0 },
	{ 0 },
};

static const struct field audits_query[] = {
	{ "year", FT_INT, 0, .min = 1900, .max = 9999 },
	{ "status", FT_ENUM, 0, .choices = statuses },
	{ "department_id", FT_ID, 0 },
	{ "mine", FT_ENUM, 0, .choices = flags },
	{ 0 },
};
static const struct field findings_query[] = {
	{ "status", FT_ENUM, 0, .choices = finding_states },
	{ 0 },
};
static const struct field requirements_query[] = {
	{ "set", FT_ENUM, 0, .choices = requirement_sets },
	{ "all", FT_ENUM, 0, .choices = flags },
	{ 0 },
};
static const struct field upload_query[] = {
	{ "name", FT_STRING, 0, .min = 1, .max = 200 },
	{ 0 },
};

#define READ    "internal_audit.read"
#define MANAGE  "internal_audit.manage"
#define PERFORM "internal_audit.perform"
#define RESPOND "internal_audit.respond"

static const struct route routes[] = {
	{ "GET", "/api/v1/audit-programmes", READ, programmes_get },
	{ "POST", "/api/v1/audit-programmes", MANAGE, programmes_post, .body = programme_body },
	{ "PATCH", "/api/v1/audit-programmes/{id:int}", MANAGE, programmes_patch,
	  .body = programme_patch },
	{ "GET", "/api/v1/audits", READ, audits_get, .query = audits_query },
	{ "POST", "/api/v1/audits", MANAGE, audits_post, .body = audit_body },
	{ "GET", "/api/v1/audits/{id:int}", READ, audits_show },
	{ "PATCH", "/api/v1/audits/{id:int}", READ, audits_patch, .body = audit_patch },
	{ "POST", "/api/v1/audits/{id:int}/transition", READ, audits_transition,
	  .body = transition_body },
	{ "GET", "/api/v1/audits/{id:int}/items", READ, items_get },
	{ "POST", "/api/v1/audits/{id:int}/checklist", READ, checklist_post,
	  .body = checklist_body },
	{ "POST", "/api/v1/audits/{id:int}/items", READ, items_post, .body = item_body },
	{ "PATCH", "/api/v1/audit-items/{id:int}", PERFORM, items_patch, .body = item_patch },
	{ "DELETE", "/api/v1/audit-items/{id:int}", READ, items_delete, .body = version_body },
	{ "POST", "/api/v1/audit-items/{id:int}/attachments", PERFORM, attachments_post,
	  .query = upload_query, .flags = R_RAW_BODY | R_LARGE_BODY },
	{ "GET", "/api/v1/audit-attachments/{id:int}", READ, attachments_get },
	{ "DELETE", "/api/v1/audit-attachments/{id:int}", PERFORM, attachments_delete },
	{ "GET", "/api/v1/audits/{id:int}/findings", READ, findings_get },
	{ "POST", "/api/v1/audits/{id:int}/findings", PERFORM, findings_post,
	  .body = finding_body },
	{ "GET", "/api/v1/audit-findings", RESPOND, my_findings, .query = findings_query },
	{ "GET", "/api/v1/audit-findings/{id:int}", RESPOND, finding_show },
	{ "POST", "/api/v1/audit-findings/{id:int}/response", RESPOND, finding_response,
	  .body = response_body },
	{ "POST", "/api/v1/audit-findings/{id:int}/action", PERFORM, finding_action,
	  .body = finding_action_body },
	{ "GET", "/api/v1/audits/{id:int}/report", READ, report_get },
	{ "GET", "/api/v1/audits/{id:int}/report.pdf", READ, report_pdf },
	{ "GET", "/api/v1/audit-requirements", READ, requirements_get,
	  .query = requirements_query },
	{ "POST", "/api/v1/audit-requirements", MANAGE, requirements_post,
	  .body = requirement_body },
	{ "PATCH", "/api/v1/audit-requirements/{id:int}", MANAGE, requirements_patch,
	  .body = requirement_patch },
};

const struct route_table internal_audit_routes = { routes, ARRAY_SIZE(routes) };

const struct permission internal_audit_permissions[] = {
	{ "internal_audit.read", "internal_audit" },
	{ "internal_audit.manage", "internal_audit" },
	{ "internal_audit.perform", "internal_audit" },
	{ "internal_audit.respond", "internal_audit" },
	{ 0 },
};
