/* devices_api.c — /api/v1/devices, /api/v1/loans, /api/v1/media-requests. */
#include <string.h>

#include "devices_impl.h"
#include "../workflow/work.h"
#include "../../lib/timeutil.h"

const struct permission devices_permissions[] = {
	{ "devices.read", "devices" },
	{ "devices.write", "devices" },
	{ "loans.request", "devices" },
	{ "loans.lend", "devices" },
	{ "media.request", "devices" },
	{ "media.privacy", "devices" },
	{ 0 },
};

const struct workflow *const devices_workflows[] = { &loan_workflow, &media_workflow, NULL };

const struct approval_kind devices_approvals[] = {
	{ "loan", "端末の貸出申請", "device loan request", "/loans/", loan_decided },
	{ "media_request", "外部記憶媒体の利用申請", "removable media request", "/media-requests/",
	  media_decided },
	{ 0 },
};

int devices_job(struct app *app, struct db *db)
{
	UNUSED(app);
	char today[11];
	tz_today(today);
	return media_expire(db, today) < 0 ? -1 : 0;
}

static int64_t query_id(struct req *req, const char *name)
{
	int64_t id = 0;
	const char *v = req_query(req, name);
	if (v)
		parse_i64(v, 1, INT64_MAX, &id);
	return id;
}

static bool query_yes(struct req *req, const char *name)
{
	const char *v = req_query(req, name);
	return v && !strcmp(v, "yes");
}

/* A record, or 404 (outside the scope too), or -1 on a database error. */
static int reply_record(struct req *req, json_t *o)
{
	return reg_reply_record(req, o);
}

/* --- devices ------------------------------------------------------------------------------ */

static void device_filter_of(struct req *req, struct device_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->q = req_query(req, "q");
	f->kind = req_query(req, "kind");
	f->status = req_query(req, "status");
	f->department_id = query_id(req, "department_id");
	f->holder_id = query_id(req, "holder_id");
	f->attention = query_yes(req, "attention");
}

static int devices_index(struct req *req)
{
	struct device_filter f;
	struct dev_scope scope = dev_scope_of(req);
	int64_t limit, cursor, next;
	json_t *items;
	device_filter_of(req, &f);
	reg_page_options(req, &limit, &cursor);
	if (devices_list(req->db, &scope, &f, cursor, limit, &items, &next))
		return -1;
	return reg_reply_page(req, items, next);
}

static int devices_download(struct req *req, bool xlsx)
{
	struct device_filter f;
	struct dev_scope scope = dev_scope_of(req);
	struct actor who = req_actor(req);
	struct reg_export x = reg_export_of(req, xlsx);
	device_filter_of(req, &f);
	enum status st = devices_export(req->db, &who, &scope, &f, &x);
	return reg_reply_export(req, st, &x, "devices");
}

static int devices_csv(struct req *req)
{
	return devices_download(req, false);
}

static int devices_xlsx(struct req *req)
{
	return devices_download(req, true);
}

static int devices_choices(struct req *req)
{
	json_t *items = device_choices(req->db, req_query(req, "purpose"));
	return items ? reply_json(req, 200, json_pack("{s:o}", "items", items)) : -1;
}

static int devices_create(struct req *req)
{
	return reg_create_route(req, &device_kind);
}

static int devices_import_route(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct reg_import_result res;
	bool dry_run;
	enum csv_encoding enc;
	reg_import_options(req, &dry_run, &enc);
	enum status st = devices_import(req->db, &who, req->body.buf, req->body.len, enc, dry_run,
					&res, &fe);
	return reg_import_answer(req, st, &res, &fe);
}

/* The device with its loans and media requests (the medium's use history) in scope. */
static json_t *device_page(struct req *req, int64_t id)
{
	struct dev_scope scope = dev_scope_of(req);
	json_t *o = device_json(req->db, &scope, id);
	if (!o)
		return NULL;
	struct media_filter mf = { .device_id = id };
	json_t *loans = loans_of_device(req->app, req->db, &scope, id), *media = NULL;
	int64_t next;
	if (!loans || media_list(req->db, &scope, &mf, 0, 200, &media, &next)) {
		json_decref(loans);
		json_decref(o);
		db_set_error(req->db, DBE_OTHER, "device history");
		return NULL;
	}
	json_object_set_new(o, "loans", loans);
	json_object_set_new(o, "media_requests", media);
	return o;
}

static int devices_show(struct req *req)
{
	return reply_record(req, device_page(req, req_param_int(req, "id")));
}

static int devices_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = device_update(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? device_page(req, id) : NULL);
}

static int devices_dispose(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	int64_t id = req_param_int(req, "id");
	enum status st = device_dispose(req->db, &who, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? device_page(req, id) : NULL);
}

static int settings_show(struct req *req)
{
	struct device_settings s;
	if (device_settings_get(req->db, &s))
		return -1;
	return reply_json(req, 200, device_settings_json(&s));
}

static int settings_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct device_settings s;
	enum status st = device_settings_update(req->db, &who, req->json, &fe);
	json_t *ok = st == ST_OK && device_settings_get(req->db, &s) == 0 ? device_settings_json(&s)
									  : NULL;
	return reply_outcome(req, st, &fe, 200, ok);
}

/* --- loans -------------------------------------------------------------------------------- */

static void loan_filter_of(struct req *req, struct loan_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->status = req_query(req, "status");
	f->overdue = query_yes(req, "overdue");
	f->department_id = query_id(req, "department_id");
	f->borrower_id = query_id(req, "borrower_id");
	f->device_id = query_id(req, "device_id");
	f->from = req_query(req, "from");
	f->to = req_query(req, "to");
}

static int loans_index(struct req *req)
{
	struct loan_filter f;
	struct dev_scope scope = dev_scope_of(req);
	int64_t limit, cursor, next;
	json_t *items;
	loan_filter_of(req, &f);
	reg_page_options(req, &limit, &cursor);
	if (loans_list(req->app, req->db, &scope, &f, cursor, limit, &items, &next))
		return -1;
	return reg_reply_page(req, items, next);
}

static int loans_download(struct req *req, bool xlsx)
{
	struct loan_filter f;
	struct dev_scope scope = dev_scope_of(req);
	struct actor who = req_actor(req);
	struct reg_export x = reg_export_of(req, xlsx);
	loan_filter_of(req, &f);
	enum status st = loans_export(req->app, req->db, &who, &scope, &f, &x);
	return reg_reply_export(req, st, &x, "loans");
}

static int loans_csv(struct req *req)
{
	return loans_download(req, false);
}

static int loans_xlsx(struct req *req)
{
	return loans_download(req, true);
}

static json_t *loan_full(struct req *req, const struct wf_actor *by, int64_t id)
{
	struct dev_scope scope = dev_scope_of(req);
	return loan_json(req->app, req->db, &scope, by, id, true);
}

static int loans_create(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = 0;
	enum status st = loan_create(req->app, req->db, &by, req_can(req, "loans.lend"), req->json,
				     &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? loan_full(req, &by, id) : NULL);
}

static int loans_show(struct req *req)
{
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	return reply_record(req, loan_full(req, &by, req_param_int(req, "id")));
}

static int loans_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	struct dev_scope scope = dev_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = loan_update(req->app, req->db, &by, &scope, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? loan_full(req, &by, id) : NULL);
}

/* One move of a loan to `to` with the body as its input. */
static int loan_step(struct req *req, const char *to)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	struct dev_scope scope = dev_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = loan_move(req->app, req->db, &by, &scope, id, to, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? loan_full(req, &by, id) : NULL);
}

static int loans_transition(struct req *req)
{
	return loan_step(req, req_str(req, "to"));
}

static int loans_handover(struct req *req)
{
	return loan_step(req, "lent");
}

static int loans_return(struct req *req)
{
	return loan_step(req, "returned");
}

/* --- media requests ----------------------------------------------------------------------- */

static int media_page(struct req *req, const struct dev_scope *scope, bool privacy)
{
	struct media_filter f = { .status = req_query(req, "status"),
				  .device_id = query_id(req, "device_id"),
				  .department_id = query_id(req, "department_id"),
				  .privacy = privacy };
	int64_t limit, cursor, next;
	json_t *items;
	reg_page_options(req, &limit, &cursor);
	if (media_list(req->db, scope, &f, cursor, limit, &items, &next))
		return -1;
	return reg_reply_page(req, items, next);
}

static int media_index(struct req *req)
{
	struct dev_scope scope = dev_scope_of(req);
	return media_page(req, &scope, false);
}

static int media_privacy_index(struct req *req)
{
	return media_page(req, &dev_scope_everything, true);
}

static json_t *media_full(struct req *req, const struct wf_actor *by, int64_t id)
{
	struct dev_scope scope = dev_scope_of(req);
	return media_json(req->db, &scope, by, id, true);
}

static int media_create_route(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	int64_t id = 0;
	enum status st = media_create(req->db, &by, req->json, &id, &fe);
	return reply_outcome(req, st, &fe, 201, st == ST_OK ? media_full(req, &by, id) : NULL);
}

static int media_show(struct req *req)
{
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	return reply_record(req, media_full(req, &by, req_param_int(req, "id")));
}

static int media_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	struct dev_scope scope = dev_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = media_update(req->db, &by, &scope, id, req->json, &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? media_full(req, &by, id) : NULL);
}

static int media_transition(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct wf_actor by = work_actor(req, &who);
	struct dev_scope scope = dev_scope_of(req);
	int64_t id = req_param_int(req, "id");
	enum status st = media_move(req->db, &by, &scope, id, req_str(req, "to"),
				    req_str(req, "comment"), req_int(req, "version", 0), &fe);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? media_full(req, &by, id) : NULL);
}

/* --- schemas and routes ------------------------------------------------------------------- */

static const char *const kinds[] = { "pc",         "smartphone",    "tablet",
				     "usb_memory", "external_disk", "sd_card",
				     "router",     "other",         NULL };
static const char *const statuses[] = { "in_use", "in_stock", "on_loan", "lost", "disposed", NULL };
static const char *const settable_statuses[] = { "in_use", "in_stock", "lost", NULL };
static const char *const yes[] = { "yes", NULL };
static const char *const purposes[] = { "loan", "media", NULL };
static const char *const disposal_methods[] = { "destruction", "erasure_service", "overwrite",
						NULL };
static const char *const loan_statuses[] = { "submitted", "approved",  "rejected",
					     "sent_back", "withdrawn", "cancelled",
					     "lent",      "returned",  NULL };
static const char *const loan_moves[] = { "submitted", "withdrawn", "cancelled", NULL };
static const char *const conditions[] = { "good", "damaged", NULL };
static const char *const media_statuses[] = { "submitted", "approved", "rejected", "sent_back",
					      "withdrawn", "finished", "expired",  NULL };
static const char *const media_moves[] = { "submitted", "withdrawn", "finished", NULL };

#define DEVICE_FILTERS                                                                             \
	{ "q", FT_STRING, 0, .max = 100 }, { "kind", FT_ENUM, 0, .choices = kinds },               \
		{ "status", FT_ENUM, 0, .choices = statuses }, { "department_id", FT_ID, 0 },      \
		{ "holder_id", FT_ID, 0 },                                                         \
	{                                                                                          \
		"attention", FT_ENUM, 0, .choices = yes                                            \
	}

static const struct field device_list_query[] = {
	DEVICE_FILTERS,
	{ "limit", FT_INT, 0, .min = 1, .max = REG_PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};
static const struct field device_csv_query[] = { DEVICE_FILTERS, EXPORT_CSV_QUERY, { 0 } };
static const struct field device_xlsx_query[] = { DEVICE_FILTERS, { 0 } };
static const struct field choices_query[] = { { "purpose", FT_ENUM, 0, .choices = purposes },
					      { 0 } };

static const struct field device_patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "asset_tag", FT_STRING, 0, .min = 1, .max = 40 },
	{ "kind", FT_ENUM, 0, .choices = kinds },
	{ "model", FT_STRING, 0, .max = 100 },
	{ "serial", FT_STRING, 0, .max = 100 },
	{ "department_id", FT_ID, F_NULLABLE },
	{ "holder_id", FT_ID, F_NULLABLE },
	{ "status", FT_ENUM, 0, .choices = settable_statuses },
	{ "os", FT_STRING, 0, .max = 60 },
	{ "os_version", FT_STRING, 0, .max = 60 },
	{ "patched_on", FT_DATE, F_NULLABLE },
	{ "antivirus", FT_STRING, 0, .max = 100 },
	{ "definitions_on", FT_DATE, F_NULLABLE },
	{ "disk_encrypted", FT_BOOL, 0 },
	{ "bios_password", FT_BOOL, 0 },
	{ "screen_lock_minutes", FT_INT, F_NULLABLE, .min = 0, .max = 1440 },
	{ "p2p_present", FT_BOOL, 0 },
	{ "wire_lock", FT_BOOL, 0 },
	{ "portable", FT_BOOL, 0 },
	{ "asset_id", FT_ID, F_NULLABLE },
	{ "notes", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct field dispose_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "method", FT_ENUM, F_REQUIRED, .choices = disposal_methods },
	{ "certificate_no", FT_STRING, 0, .max = 100 },
	{ "disposed_by", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "disposed_on", FT_DATE, F_REQUIRED },
	{ "witness", FT_STRING, 0, .max = 100 },
	{ "note", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct field settings_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "definitions_max_days", FT_INT, 0, .min = 0, .max = 365 },
	{ "patch_max_days", FT_INT, 0, .min = 0, .max = 365 },
	{ 0 },
};

#define LOAN_FILTERS                                                                               \
	{ "status", FT_ENUM, 0, .choices = loan_statuses },                                        \
		{ "overdue", FT_ENUM, 0, .choices = yes }, { "department_id", FT_ID, 0 },          \
		{ "borrower_id", FT_ID, 0 }, { "device_id", FT_ID, 0 }, { "from", FT_DATE, 0 },    \
	{                                                                                          \
		"to", FT_DATE, 0                                                                   \
	}

static const struct field loan_list_query[] = {
	LOAN_FILTERS,
	{ "limit", FT_INT, 0, .min = 1, .max = REG_PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};
static const struct field loan_csv_query[] = { LOAN_FILTERS, EXPORT_CSV_QUERY, { 0 } };
static const struct field loan_xlsx_query[] = { LOAN_FILTERS, { 0 } };

static const struct field loan_create_body[] = {
	{ "borrower_id", FT_ID, 0 },
	{ "device_id", FT_ID, F_NULLABLE },
	{ "device_kind", FT_ENUM, 0, .choices = kinds },
	{ "duty", FT_STRING, F_REQUIRED, .min = 1, .max = 200 },
	{ "contact", FT_STRING, F_REQUIRED, .min = 1, .max = 100 },
	{ "starts_on", FT_DATE, F_REQUIRED },
	{ "due_on", FT_DATE, F_REQUIRED },
	{ 0 },
};

static const struct field loan_patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "device_id", FT_ID, F_NULLABLE },
	{ "device_kind", FT_ENUM, 0, .choices = kinds },
	{ "duty", FT_STRING, 0, .min = 1, .max = 200 },
	{ "contact", FT_STRING, 0, .min = 1, .max = 100 },
	{ "starts_on", FT_DATE, 0 },
	{ "due_on", FT_DATE, 0 },
	{ 0 },
};

static const struct field loan_transition_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "to", FT_ENUM, F_REQUIRED, .choices = loan_moves },
	{ "comment", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct field handover_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "device_id", FT_ID, 0 },
	{ "encrypted", FT_BOOL, F_REQUIRED },
	{ "definitions_on", FT_DATE, F_REQUIRED },
	{ "software_ok", FT_BOOL, F_REQUIRED },
	{ "note", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct field return_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "data_erased", FT_BOOL, F_REQUIRED },
	{ "virus_scanned", FT_BOOL, F_REQUIRED },
	{ "software_ok", FT_BOOL, F_REQUIRED },
	{ "condition", FT_ENUM, F_REQUIRED, .choices = conditions },
	{ "note", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct field media_list_query[] = {
	{ "status", FT_ENUM, 0, .choices = media_statuses },
	{ "device_id", FT_ID, 0 },
	{ "department_id", FT_ID, 0 },
	{ "limit", FT_INT, 0, .min = 1, .max = REG_PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct field media_create_body[] = {
	{ "device_id", FT_ID, F_REQUIRED },
	{ "purpose", FT_TEXT, F_REQUIRED, .min = 1, .max = 1000 },
	{ "data_description", FT_TEXT, F_REQUIRED, .min = 1, .max = 1000 },
	{ "classification_id", FT_ID, F_REQUIRED },
	{ "personal_info", FT_BOOL, 0 },
	{ "encrypted", FT_BOOL, 0 },
	{ "password_protected", FT_BOOL, 0 },
	{ "starts_on", FT_DATE, F_REQUIRED },
	{ "ends_on", FT_DATE, F_REQUIRED },
	{ 0 },
};

static const struct field media_patch_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "device_id", FT_ID, 0 },
	{ "purpose", FT_TEXT, 0, .min = 1, .max = 1000 },
	{ "data_description", FT_TEXT, 0, .min = 1, .max = 1000 },
	{ "classification_id", FT_ID, 0 },
	{ "personal_info", FT_BOOL, 0 },
	{ "encrypted", FT_BOOL, 0 },
	{ "password_protected", FT_BOOL, 0 },
	{ "starts_on", FT_DATE, 0 },
	{ "ends_on", FT_DATE, 0 },
	{ 0 },
};

static const struct field media_transition_body[] = {
	{ "version", FT_INT, F_REQUIRED, .min = 1 },
	{ "to", FT_ENUM, F_REQUIRED, .choices = media_moves },
	{ "comment", FT_TEXT, 0, .max = 2000 },
	{ 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/devices", "devices.read", devices_index, .query = device_list_query },
	{ "GET", "/api/v1/devices.csv", "devices.read", devices_csv, .query = device_csv_query },
	{ "GET", "/api/v1/devices.xlsx", "devices.read", devices_xlsx, .query = device_xlsx_query },
	{ "GET", "/api/v1/devices/choices", "devices.read", devices_choices,
	  .query = choices_query },
	{ "GET", "/api/v1/devices/settings", "devices.read", settings_show },
	{ "PATCH", "/api/v1/devices/settings", "devices.write", settings_patch,
	  .body = settings_body },
	{ "POST", "/api/v1/devices", "devices.write", devices_create,
	  .body = device_create_schema },
	{ "POST", "/api/v1/devices/import", "devices.write", devices_import_route,
	  .query = reg_import_query, .flags = R_RAW_BODY | R_LARGE_BODY },
	{ "GET", "/api/v1/devices/{id:int}", "devices.read", devices_show },
	{ "PATCH", "/api/v1/devices/{id:int}", "devices.write", devices_patch,
	  .body = device_patch_body },
	{ "POST", "/api/v1/devices/{id:int}/dispose", "devices.write", devices_dispose,
	  .body = dispose_body },
	{ "GET", "/api/v1/loans", "loans.request", loans_index, .query = loan_list_query },
	{ "GET", "/api/v1/loans.csv", "loans.request", loans_csv, .query = loan_csv_query },
	{ "GET", "/api/v1/loans.xlsx", "loans.request", loans_xlsx, .query = loan_xlsx_query },
	{ "POST", "/api/v1/loans", "loans.request", loans_create, .body = loan_create_body },
	{ "GET", "/api/v1/loans/{id:int}", "loans.request", loans_show },
	{ "PATCH", "/api/v1/loans/{id:int}", "loans.request", loans_patch,
	  .body = loan_patch_body },
	{ "POST", "/api/v1/loans/{id:int}/transition", "loans.request", loans_transition,
	  .body = loan_transition_body },
	{ "POST", "/api/v1/loans/{id:int}/handover", "loans.lend", loans_handover,
	  .body = handover_body },
	{ "POST", "/api/v1/loans/{id:int}/return", "loans.request", loans_return,
	  .body = return_body },
	{ "GET", "/api/v1/media-requests", "media.request", media_index,
	  .query = media_list_query },
	{ "GET", "/api/v1/media-requests/privacy", "media.privacy", media_privacy_index,
	  .query = media_list_query },
	{ "POST", "/api/v1/media-requests", "media.request", media_create_route,
	  .body = media_create_body },
	{ "GET", "/api/v1/media-requests/{id:int}", "media.request", media_show },
	{ "PATCH", "/api/v1/media-requests/{id:int}", "media.request", media_patch,
	  .body = media_patch_body },
	{ "POST", "/api/v1/media-requests/{id:int}/transition", "media.request", media_transition,
	  .body = media_transition_body },
};

const struct route_table devices_routes = { routes, ARRAY_SIZE(routes) };
