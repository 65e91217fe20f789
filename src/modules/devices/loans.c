/* loans.c — loans of devices (貸出): request, approval, hand-over, return, the ledger. */
#include <string.h>

#include "devices_impl.h"
#include "../../lib/crypto.h"
#include "../../lib/timeutil.h"

/* Kinds that are lent (removable media go through media requests). */
static const char *const loan_kinds[] = { "pc", "smartphone", "tablet", "router", "other", NULL };
static const char *const kinds_ja[] = { "PC",       "スマートフォン", "タブレット",
					"ルーター", "その他",         NULL };
static const char *const kinds_en[] = { "PC", "Smartphone", "Tablet", "Router", "Other", NULL };
static const char *const loan_statuses[] = { "submitted", "approved",  "rejected",
					     "sent_back", "withdrawn", "cancelled",
					     "lent",      "returned",  NULL };
static const char *const loan_statuses_ja[] = { "承認待ち", "承認済み", "却下",
						"差し戻し", "取り下げ", "取り消し",
						"貸出中",   "返却済み", NULL };
static const char *const loan_statuses_en[] = { "Waiting for approval",
						"Approved",
						"Rejected",
						"Sent back",
						"Withdrawn",
						"Cancelled",
						"Lent",
						"Returned",
						NULL };
static const char *const conditions[] = { "good", "damaged", NULL };
static const char *const conditions_ja[] = { "良好", "破損あり", NULL };
static const char *const conditions_en[] = { "Good", "Damaged", NULL };

static const char *kind_label_ja(const char *kind)
{
	for (size_t i = 0; loan_kinds[i]; i++)
		if (kind && !strcmp(kind, loan_kinds[i]))
			return kinds_ja[i];
	return kind ? kind : "";
}

/* --- sealing the contact ------------------------------------------------------------------ */

static char *contact_context(int64_t id)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "loans.contact:%lld", (long long)id);
	return buf_detach(&b, NULL);
}

static char *seal_contact(struct app *app, int64_t id, const char *plain)
{
	if (!app || !plain || !*plain)
		return xstrdup("");
	char *ctx = contact_context(id);
	char *s = crypto_seal(app->master_key, ctx, plain, strlen(plain));
	free(ctx);
	return s;
}

static json_t *open_contact(struct app *app, int64_t id, const char *sealed)
{
	if (!sealed || !*sealed)
		return json_string("");
	if (!app)
		return json_null();
	char *ctx = contact_context(id);
	char *plain = crypto_open(app->master_key, ctx, sealed, NULL);
	free(ctx);
	json_t *v = plain ? json_string(plain) : json_null();
	free(plain);
	return v;
}

/* --- reading ------------------------------------------------------------------------------ */

#define LOAN_SELECT                                                                                \
	"SELECT l.id, l.borrower_id, b.name, l.department_id, dp.name, l.device_id, d.asset_tag, " \
	"d.kind, d.model, l.device_kind, l.duty, l.contact, l.starts_on, l.due_on, l.status, "     \
	"l.requested_by, rq.name, l.lent_at, l.lent_by, lb.name, l.lent_encrypted, "               \
	"l.lent_definitions_on, l.lent_software_ok, l.lent_note, l.returned_at, l.returned_by, "   \
	"rb.name, l.return_data_erased, l.return_virus_scanned, l.return_software_ok, "            \
	"l.return_condition, l.return_note, l.created_at, l.updated_at, l.version "                \
	"FROM loans l JOIN users b ON b.id = l.borrower_id "                                       \
	"LEFT JOIN departments dp ON dp.id = l.department_id "                                     \
	"LEFT JOIN devices d ON d.id = l.device_id LEFT JOIN users rq ON rq.id = l.requested_by "  \
	"LEFT JOIN users lb ON lb.id = l.lent_by LEFT JOIN users rb ON rb.id = l.returned_by"

/* An instant as the organisation's calendar date, or null. */
static json_t *org_date(struct dbrows *r, int col)
{
	char d[11];
	if (db_isnull(r, col))
		return json_null();
	int64_t t = db_int(r, col);
	date_from_days((t + tz_offset(t)) / 86400, d);
	return json_string(d);
}

struct loan_row_ctx {
	struct app *app;
	char today[11];
};

static json_t *loan_row(struct dbrows *r, const void *arg)
{
	const struct loan_row_ctx *c = arg;
	const char *status = db_text(r, 14), *due = db_text(r, 13);
	int64_t id = db_int(r, 0);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "borrower", dev_person(r, 1, 2));
	json_object_set_new(o, "department_id", dev_int(r, 3));
	json_object_set_new(o, "department_name", dev_text(r, 4));
	json_object_set_new(o, "device",
			    db_isnull(r, 5)
				    ? json_null()
				    : json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_int(r, 5),
						"asset_tag", db_text(r, 6), "kind", db_text(r, 7),
						"model", db_text(r, 8)));
	json_object_set_new(o, "device_kind", json_string(db_text(r, 9)));
	json_object_set_new(o, "duty", json_string(db_text(r, 10)));
	json_object_set_new(o, "contact", open_contact(c->app, id, db_text(r, 11)));
	json_object_set_new(o, "starts_on", json_string(db_text(r, 12)));
	json_object_set_new(o, "due_on", json_string(due));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "overdue",
			    json_boolean(!strcmp(status, "lent") && strcmp(due, c->today) < 0));
	json_object_set_new(o, "requested_by", dev_person(r, 15, 16));
	json_object_set_new(o, "lent_at", dev_time(r, 17));
	json_object_set_new(o, "lent_on", org_date(r, 17));
	json_object_set_new(o, "lent_by", dev_person(r, 18, 19));
	json_object_set_new(o, "lent_encrypted", dev_bool(r, 20));
	json_object_set_new(o, "lent_definitions_on", dev_text(r, 21));
	json_object_set_new(o, "lent_software_ok", dev_bool(r, 22));
	json_object_set_new(o, "lent_note", dev_text(r, 23));
	json_object_set_new(o, "returned_at", dev_time(r, 24));
	json_object_set_new(o, "returned_on", org_date(r, 24));
	json_object_set_new(o, "returned_by", dev_person(r, 25, 26));
	json_object_set_new(o, "return_data_erased", dev_bool(r, 27));
	json_object_set_new(o, "return_virus_scanned", dev_bool(r, 28));
	json_object_set_new(o, "return_software_ok", dev_bool(r, 29));
	json_object_set_new(o, "return_condition", dev_text(r, 30));
	json_object_set_new(o, "return_note", dev_text(r, 31));
	json_object_set_new(o, "created_at", dev_time(r, 32));
	json_object_set_new(o, "updated_at", dev_time(r, 33));
	json_object_set_new(o, "version", json_integer(db_int(r, 34)));
	return o;
}

/* The loans matching `q` (LOAN_SELECT + conditions) as an array. */
static json_t *loans_query(struct app *app, struct db *db, struct query *q)
{
	struct dbrows r;
	struct loan_row_ctx c = { .app = app };
	tz_today(c.today);
	int rc = query_run(db, q, &r);
	query_release(q);
	if (rc)
		return NULL;
	json_t *items = json_array();
	while (db_next(&r))
		json_array_append_new(items, loan_row(&r, &c));
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(items);
		return NULL;
	}
	return items;
}

static json_t *loan_plain(struct app *app, struct db *db, const struct dev_scope *scope, int64_t id)
{
	struct query q;
	query_init(&q, LOAN_SELECT);
	query_add(&q, "WHERE l.id = ?", P(V_INT(id)));
	dev_scope_loans(&q, scope);
	json_t *items = loans_query(app, db, &q);
	json_t *o = items && json_array_size(items) ? json_incref(json_array_get(items, 0)) : NULL;
	json_decref(items);
	return o;
}

json_t *loan_json(struct app *app, struct db *db, const struct dev_scope *scope,
		  const struct wf_actor *viewer, int64_t id, bool full)
{
	json_t *o = loan_plain(app, db, scope, id);
	if (!o || !full)
		return o;
	json_t *moves = wf_allowed(db, &loan_workflow, viewer, id);
	json_t *approval = approval_of_record(db, "loan", id, viewer->actor->id, viewer->perms);
	json_t *timeline = wf_timeline(db, "loan", id, false, NULL, NULL);
	if (!moves || !approval || !timeline) {
		json_decref(moves);
		json_decref(approval);
		json_decref(timeline);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "allowed_transitions", moves);
	json_object_set_new(o, "approval", approval);
	json_object_set_new(o, "timeline", timeline);
	return o;
}

static void filters(struct query *q, const struct loan_filter *f, const char *today)
{
	if (f->status && *f->status)
		query_add(q, "AND l.status = ?", P(V_TEXT(f->status)));
	if (f->overdue)
		query_add(q, "AND l.status = 'lent' AND l.due_on < ?", P(V_TEXT(today)));
	if (f->department_id)
		query_add(q, "AND l.department_id = ?", P(V_INT(f->department_id)));
	if (f->borrower_id)
		query_add(q, "AND l.borrower_id = ?", P(V_INT(f->borrower_id)));
	if (f->device_id)
		query_add(q, "AND l.device_id = ?", P(V_INT(f->device_id)));
	if (f->from && *f->from)
		query_add(q, "AND l.due_on >= ?", P(V_TEXT(f->from)));
	if (f->to && *f->to)
		query_add(q, "AND l.starts_on <= ?", P(V_TEXT(f->to)));
}

int loans_list(struct app *app, struct db *db, const struct dev_scope *scope,
	       const struct loan_filter *f, int64_t cursor, int64_t limit, json_t **items,
	       int64_t *next)
{
	struct query q;
	struct dbrows r;
	struct loan_row_ctx c = { .app = app };
	tz_today(c.today);
	query_init(&q, LOAN_SELECT);
	query_add(&q, "WHERE 1 = 1", NULL, 0);
	dev_scope_loans(&q, scope);
	filters(&q, f, c.today);
	if (cursor)
		query_add(&q, "AND l.id < ?", P(V_INT(cursor)));
	if (limit)
		query_add(&q, "ORDER BY l.id DESC LIMIT ?", P(V_INT(limit + 1)));
	else
		query_add(&q, "ORDER BY l.id DESC", NULL, 0);
	int rc = query_run(db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	rc = reg_collect(&r, limit, loan_row, &c, items, next);
	db_rows_free(&r);
	return rc;
}

json_t *loans_of_device(struct app *app, struct db *db, const struct dev_scope *scope,
			int64_t device_id)
{
	struct query q;
	query_init(&q, LOAN_SELECT);
	query_add(&q, "WHERE l.device_id = ?", P(V_INT(device_id)));
	dev_scope_loans(&q, scope);
	query_add(&q, "ORDER BY l.id DESC LIMIT 200", NULL, 0);
	return loans_query(app, db, &q);
}

/* --- the workflow ------------------------------------------------------------------------- */

/* What the trail keeps of a loan (no contact: it is personal). */
static json_t *snapshot(struct db *db, int64_t id)
{
	json_t *o = loan_plain(NULL, db, &dev_scope_everything, id);
	if (!o)
		return NULL;
	json_t *device = json_object_get(o, "device");
	json_t *v = json_pack(
		"{s:O,s:O,s:o,s:O,s:O,s:O,s:O}", "status", json_object_get(o, "status"),
		"borrower_id", json_object_get(json_object_get(o, "borrower"), "id"), "device_id",
		json_is_object(device) ? json_incref(json_object_get(device, "id")) : json_null(),
		"device_kind", json_object_get(o, "device_kind"), "duty",
		json_object_get(o, "duty"), "starts_on", json_object_get(o, "starts_on"), "due_on",
		json_object_get(o, "due_on"));
	static const char *const keep[] = { "lent_encrypted",       "lent_definitions_on",
					    "lent_software_ok",     "return_data_erased",
					    "return_virus_scanned", "return_software_ok",
					    "return_condition" };
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (!json_is_null(json_object_get(o, keep[i])))
			json_object_set(v, keep[i], json_object_get(o, keep[i]));
	json_decref(o);
	return v;
}

static const struct approval_kind *loan_approval_kind(void)
{
	return &devices_approvals[0];
}

/* Opens the approval of loan c->id by the borrower's manager. */
static enum status open_approval(struct db *db, const struct actor *who, int64_t id,
				 struct ferrors *fe)
{
	static const struct approval_step_spec chain[] = { { APPROVER_MANAGER } };
	struct dbrows r;
	char title[200] = "", starts[11] = "";
	int64_t borrower = 0;
	if (db_query(db, &r,
		     "SELECT l.borrower_id, d.asset_tag, l.device_kind, l.starts_on, l.due_on FROM "
		     "loans l LEFT JOIN devices d ON d.id = l.device_id WHERE l.id = ?",
		     P(V_INT(id))))
		return ST_DB;
	if (db_next(&r)) {
		borrower = db_int(&r, 0);
		snprintf(title, sizeof(title), "端末の貸出 %s（%s〜%s）",
			 db_text(&r, 1) ? db_text(&r, 1) : kind_label_ja(db_text(&r, 2)),
			 db_text(&r, 3), db_text(&r, 4));
		snprintf(starts, sizeof(starts), "%s", db_text(&r, 3));
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed || !borrower)
		return ST_DB;
	int64_t approval_id;
	return approval_open_tx(db, who, loan_approval_kind(), id, borrower, title, chain, 1,
				starts, &approval_id, fe);
}

static int resubmit(struct wf_ctx *c)
{
	return open_approval(c->db, c->by->actor, c->id, c->fe) == ST_OK ? 0 : -1;
}

/* What a hand-over knows besides the input: the device chosen and the thresholds. */
struct handover_arg {
	struct device_brief device;
	struct device_policy policy;
};

/* The security state at hand-over (seed 002: lend only a device whose security is current):
 * encryption on, definitions within the setting's days, no unauthorised software. */
static int check_handover(struct wf_ctx *c)
{
	const struct handover_arg *h = c->arg;
	char today[11];
	tz_today(today);
	if (!json_is_true(json_object_get(c->in, "encrypted")))
		ferr_add(c->fe, "encrypted", "not_confirmed",
			 "Turn the disk encryption on before lending the device.");
	if (!json_is_true(json_object_get(c->in, "software_ok")))
		ferr_add(c->fe, "software_ok", "not_confirmed",
			 "Remove unauthorised software before lending the device.");
	const char *defs = json_string_value(json_object_get(c->in, "definitions_on"));
	int64_t d, t;
	if (defs && date_days(defs, &d) == 0 && date_days(today, &t) == 0) {
		if (d > t)
			ferr_add(c->fe, "definitions_on", "out_of_range",
				 "This date is in the future.");
		else if (!strcmp(h->device.kind, "pc") && t - d > h->policy.definitions_max_days)
			ferr_add(c->fe, "definitions_on", "outdated",
				 "Update the antivirus definitions before lending the device.");
	}
	return 0;
}

static int record_handover(struct wf_ctx *c)
{
	const struct handover_arg *h = c->arg;
	int64_t now = now_unix();
	const char *defs = json_string_value(json_object_get(c->in, "definitions_on"));
	const char *note = json_string_value(json_object_get(c->in, "note"));
	if (db_exec(c->db,
		    "UPDATE loans SET device_id = ?, device_kind = ?, lent_at = ?, lent_by = ?, "
		    "lent_encrypted = 1, lent_definitions_on = ?, lent_software_ok = 1, lent_note "
		    "= ? WHERE id = ?",
		    P(V_INT(h->device.id), V_TEXT(h->device.kind), V_INT(now),
		      V_ID(c->by->actor->id), V_TEXT(defs), V_TEXT(note ? note : ""),
		      V_INT(c->id))))
		return -1;
	/* The register learns the state the lender saw; the device leaves the stock. */
	if (db_exec(c->db,
		    "UPDATE devices SET status = 'on_loan', disk_encrypted = 1, p2p_present = 0, "
		    "definitions_on = CASE WHEN kind = 'pc' THEN ? ELSE definitions_on END, "
		    "updated_at = ?, version = version + 1 WHERE id = ? AND status = 'in_stock'",
		    P(V_TEXT(defs), V_INT(now), V_INT(h->device.id))))
		return -1;
	if (db_changes(c->db) != 1) {
		db_set_error(c->db, DBE_OTHER, "device left the stock during its hand-over");
		return -1;
	}
	json_t *sum = json_pack("{s:I,s:s,s:s,s:s}", "loan_id", (json_int_t)c->id, "from",
				"in_stock", "to", "on_loan", "definitions_on", defs);
	int rc = audit_append(c->db, c->by->actor, "device.lend", "device", h->device.id, sum);
	json_decref(sum);
	return rc;
}

/* The receiver's checklist (seed 002: data erased, virus scan, no unauthorised software). */
static int check_return(struct wf_ctx *c)
{
	static const struct {
		const char *field, *message;
	} checks[] = {
		{ "data_erased", "Erase the data on the device before it is returned." },
		{ "virus_scanned", "Run a virus scan before the device is returned." },
		{ "software_ok", "Remove unauthorised software before the device is returned." },
	};
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		if (!json_is_true(json_object_get(c->in, checks[i].field)))
			ferr_add(c->fe, checks[i].field, "not_confirmed", checks[i].message);
	const char *cond = json_string_value(json_object_get(c->in, "condition"));
	const char *note = json_string_value(json_object_get(c->in, "note"));
	if (cond && !strcmp(cond, "damaged") && (!note || !*note))
		ferr_add(c->fe, "note", "required", "Say what is damaged.");
	return 0;
}

static int record_return(struct wf_ctx *c)
{
	int64_t now = now_unix(), device = 0;
	bool found;
	const char *note = json_string_value(json_object_get(c->in, "note"));
	if (db_exec(c->db,
		    "UPDATE loans SET returned_at = ?, returned_by = ?, return_data_erased = 1, "
		    "return_virus_scanned = 1, return_software_ok = 1, return_condition = ?, "
		    "return_note = ? WHERE id = ?",
		    P(V_INT(now), V_ID(c->by->actor->id),
		      V_TEXT(json_string_value(json_object_get(c->in, "condition"))),
		      V_TEXT(note ? note : ""), V_INT(c->id))) ||
	    db_query_int(c->db, &device, &found, "SELECT device_id FROM loans WHERE id = ?",
			 P(V_INT(c->id))))
		return -1;
	if (db_exec(c->db,
		    "UPDATE devices SET status = 'in_stock', p2p_present = 0, updated_at = ?, "
		    "version = version + 1 WHERE id = ? AND status = 'on_loan'",
		    P(V_INT(now), V_INT(device))))
		return -1;
	json_t *sum = json_pack("{s:I,s:s,s:s}", "loan_id", (json_int_t)c->id, "from", "on_loan",
				"to", "in_stock");
	int rc = audit_append(c->db, c->by->actor, "device.return", "device", device, sum);
	json_decref(sum);
	return rc;
}

#define LENDER WF_PERM, "loans.lend"

static const struct wf_transition moves[] = {
	/* The approval's outcome (the decided hook). */
	{ "submitted", "approved", WF_SYSTEM },
	{ "submitted", "rejected", WF_SYSTEM },
	{ "submitted", "sent_back", WF_SYSTEM },
	{ "submitted", "withdrawn", WF_SYSTEM },
	/* The borrower changes a sent-back request and asks again, or gives up. */
	{ "sent_back", "submitted", WF_REQUESTER, .apply = resubmit },
	{ "sent_back approved", "withdrawn", WF_REQUESTER },
	{ "approved", "cancelled", LENDER, .flags = WF_COMMENT_REQUIRED | WF_AUDIT_COMMENT,
	  .comment_message = "Say why the loan is cancelled." },
	/* Hand-over and return: their own routes with their own fields. */
	{ "approved", "lent", LENDER, .group = "handover", .not_by = WF_REQUESTER,
	  .self_code = "own_loan",
	  .self_message = "Someone other than the borrower hands the device over.",
	  .guard = check_handover, .apply = record_handover, .timeline_kind = "handover" },
	{ "lent", "returned", WF_REQUESTER | WF_PERM, "loans.lend", .group = "return",
	  .guard = check_return, .apply = record_return, .timeline_kind = "return" },
	{ 0 },
};

const struct workflow loan_workflow = {
	.type = "loan",
	.table = "loans",
	.requester_col = "borrower_id",
	.transitions = moves,
	.event = "loan.transition",
	.forbidden_code = "not_allowed",
	.forbidden_detail = "Only the borrower or a lender may do this.",
	.snapshot = snapshot,
};

enum status loan_decided(struct app *app, struct db *db, const struct actor *who, int64_t id,
			 const char *outcome, const char *comment, struct ferrors *fe)
{
	struct wf_actor by = { .actor = who, .system = true };
	struct wf_request r = { .to = outcome, .comment = comment };
	return wf_move_tx(app, db, &loan_workflow, &by, id, &r, fe);
}

/* --- asking for a loan -------------------------------------------------------------------- */

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* The device and period rules of a request `rec` (device_id or device_kind, starts_on,
 * due_on); sets device_kind on `rec` from the device. */
static int check_request(struct db *db, json_t *rec, struct ferrors *fe)
{
	char today[11];
	tz_today(today);
	json_t *dev = json_object_get(rec, "device_id");
	if (json_is_integer(dev)) {
		struct device_brief b;
		int rc = device_brief_locked(db, json_integer_value(dev), &b);
		if (rc < 0)
			return -1;
		if (rc)
			ferr_add(fe, "device_id", "not_found", "There is no such device.");
		else if (device_kind_is_media(b.kind))
			ferr_add(fe, "device_id", "media",
				 "Removable media are asked for with a media request.");
		else if (!strcmp(b.status, "disposed"))
			ferr_add(fe, "device_id", "disposed", "The device has been disposed of.");
		else if (!strcmp(b.status, "lost"))
			ferr_add(fe, "device_id", "lost", "The device is recorded as lost.");
		else
			json_object_set_new(rec, "device_kind", json_string(b.kind));
	} else if (!json_is_string(json_object_get(rec, "device_kind"))) {
		ferr_add(fe, "device_kind", "required", "Choose a device or the kind you need.");
	} else if (!one_of(json_string_value(json_object_get(rec, "device_kind")), loan_kinds)) {
		ferr_add(fe, "device_kind", "invalid_choice",
			 "Removable media are asked for with a media request.");
	}
	const char *start = json_string_value(json_object_get(rec, "starts_on"));
	const char *due = json_string_value(json_object_get(rec, "due_on"));
	if (start && strcmp(start, today) < 0)
		ferr_add(fe, "starts_on", "out_of_range", "The loan cannot start in the past.");
	if (start && due && strcmp(due, start) < 0)
		ferr_add(fe, "due_on", "out_of_range", "The return date is before the start.");
	return 0;
}

struct create_op {
	struct app *app;
	const struct wf_actor *by;
	bool may_lend;
	json_t *in;
	int64_t id;
	struct ferrors *fe;
};

static enum status create_fn(struct db *db, void *arg)
{
	struct create_op *o = arg;
	const struct actor *who = o->by->actor;
	json_t *rec = json_deep_copy(o->in);
	enum status st = ST_DB;
	int64_t dept = 0;
	bool found;
	ferr_release(o->fe);
	json_t *b = json_object_get(rec, "borrower_id");
	int64_t borrower = json_is_integer(b) ? json_integer_value(b) : who->id;
	if (borrower != who->id && !o->may_lend)
		ferr_add(o->fe, "borrower_id", "own_only",
			 "Ask for a loan for yourself; a lender may record one for someone else.");
	else if (dev_check_user(db, borrower, "borrower_id", o->fe))
		goto out;
	if (check_request(db, rec, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	if (db_query_int(db, &dept, &found, "SELECT department_id FROM users WHERE id = ?",
			 P(V_INT(borrower))))
		goto out;
	json_t *dev = json_object_get(rec, "device_id");
	int64_t now = now_unix();
	if (db_insert(
		    db, &o->id,
		    "INSERT INTO loans (borrower_id, department_id, device_id, device_kind, duty, "
		    "starts_on, due_on, requested_by, created_at, updated_at) VALUES (?, ?, ?, ?, "
		    "?, ?, ?, ?, ?, ?) RETURNING id",
		    P(V_INT(borrower), V_ID(dept), V_ID(json_integer_value(dev)),
		      V_TEXT(json_string_value(json_object_get(rec, "device_kind"))),
		      V_TEXT(json_string_value(json_object_get(rec, "duty"))),
		      V_TEXT(json_string_value(json_object_get(rec, "starts_on"))),
		      V_TEXT(json_string_value(json_object_get(rec, "due_on"))), V_INT(who->id),
		      V_INT(now), V_INT(now))))
		goto out;
	char *sealed =
		seal_contact(o->app, o->id, json_string_value(json_object_get(rec, "contact")));
	int rc = db_exec(db, "UPDATE loans SET contact = ? WHERE id = ?",
			 P(V_TEXT(sealed), V_INT(o->id)));
	free(sealed);
	if (rc ||
	    wf_event_add(db, "loan", o->id, who, "created", NULL, "submitted", false, NULL, NULL))
		goto out;
	json_t *after = snapshot(db, o->id);
	if (!after)
		goto out;
	rc = audit_change(db, who, "loan.create", "loan", o->id, NULL, after);
	json_decref(after);
	if (rc)
		goto out;
	st = open_approval(db, who, o->id, o->fe);
out:
	json_decref(rec);
	return st;
}

enum status loan_create(struct app *app, struct db *db, const struct wf_actor *by, bool may_lend,
			json_t *in, int64_t *id, struct ferrors *fe)
{
	struct create_op o = { app, by, may_lend, in, 0, fe };
	enum status st = db_tx_st(db, create_fn, &o);
	if (st == ST_OK)
		*id = o.id;
	return st;
}

/* --- changing a sent-back request --------------------------------------------------------- */

struct update_op {
	struct app *app;
	const struct wf_actor *by;
	const struct dev_scope *scope;
	int64_t id;
	json_t *in;
	struct ferrors *fe;
};

static enum status update_fn(struct db *db, void *arg)
{
	struct update_op *o = arg;
	char lock[48];
	enum status st = ST_DB;
	json_t *rec = NULL, *after = NULL;
	ferr_release(o->fe);
	snprintf(lock, sizeof(lock), "loan:%lld", (long long)o->id);
	if (db_lock(db, lock))
		return ST_DB;
	json_t *cur = loan_plain(o->app, db, o->scope, o->id);
	if (!cur)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	json_t *before = snapshot(db, o->id);
	if (!before)
		goto out;
	if (json_integer_value(json_object_get(cur, "version")) !=
	    json_integer_value(json_object_get(o->in, "version"))) {
		st = ST_CONFLICT;
		goto out;
	}
	int64_t borrower =
		json_integer_value(json_object_get(json_object_get(cur, "borrower"), "id"));
	if (borrower != o->by->actor->id && !wf_has_perm(o->by->perms, "loans.lend")) {
		o->fe->code = "not_allowed";
		o->fe->detail = "Only the borrower or a lender may change the request.";
		st = ST_FORBIDDEN;
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(cur, "status")), "sent_back")) {
		o->fe->code = "not_editable";
		o->fe->detail = "Only a request that was sent back can be changed.";
		st = ST_CONFLICT;
		goto out;
	}
	json_t *device = json_object_get(cur, "device");
	rec = json_pack("{s:O,s:O,s:O,s:O,s:O}", "device_kind", json_object_get(cur, "device_kind"),
			"duty", json_object_get(cur, "duty"), "contact",
			json_object_get(cur, "contact"), "starts_on",
			json_object_get(cur, "starts_on"), "due_on",
			json_object_get(cur, "due_on"));
	json_object_set(rec, "device_id",
			json_is_object(device) ? json_object_get(device, "id") : json_null());
	const char *key;
	json_t *v;
	json_object_foreach(o->in, key, v)
	{
		if (strcmp(key, "version"))
			json_object_set(rec, key, v);
	}
	if (json_object_get(o->in, "device_kind") && !json_object_get(o->in, "device_id"))
		json_object_set_new(rec, "device_id", json_null());
	if (check_request(db, rec, o->fe))
		goto out;
	if (ferr_any(o->fe)) {
		st = ST_INVALID;
		goto out;
	}
	json_t *dev = json_object_get(rec, "device_id");
	char *sealed =
		seal_contact(o->app, o->id, json_string_value(json_object_get(rec, "contact")));
	int rc = db_exec(db,
			 "UPDATE loans SET device_id = ?, device_kind = ?, duty = ?, contact = ?, "
			 "starts_on = ?, due_on = ?, updated_at = ?, version = version + 1 WHERE "
			 "id = ?",
			 P(V_ID(json_integer_value(dev)),
			   V_TEXT(json_string_value(json_object_get(rec, "device_kind"))),
			   V_TEXT(json_string_value(json_object_get(rec, "duty"))), V_TEXT(sealed),
			   V_TEXT(json_string_value(json_object_get(rec, "starts_on"))),
			   V_TEXT(json_string_value(json_object_get(rec, "due_on"))),
			   V_INT(now_unix()), V_INT(o->id)));
	free(sealed);
	if (rc ||
	    wf_event_add(db, "loan", o->id, o->by->actor, "updated", NULL, NULL, false, NULL,
			 NULL) ||
	    !(after = snapshot(db, o->id)))
		goto out;
	st = audit_change(db, o->by->actor, "loan.update", "loan", o->id, before, after) ? ST_DB
											 : ST_OK;
out:
	json_decref(cur);
	json_decref(before);
	json_decref(after);
	json_decref(rec);
	return st;
}

enum status loan_update(struct app *app, struct db *db, const struct wf_actor *by,
			const struct dev_scope *scope, int64_t id, json_t *patch,
			struct ferrors *fe)
{
	struct update_op o = { app, by, scope, id, patch, fe };
	return db_tx_st(db, update_fn, &o);
}

/* --- moving a loan ------------------------------------------------------------------------ */

struct move_op {
	struct app *app;
	const struct wf_actor *by;
	const struct dev_scope *scope;
	int64_t id;
	const char *to;
	json_t *in;
	struct ferrors *fe;
};

/* The hand-over: the device (the one asked for, or the one the lender chose) is locked and
 * must be in stock; of two hand-overs of one device the second finds it on loan. */
static enum status handover_device(struct db *db, struct move_op *o, json_t *cur,
				   struct handover_arg *h)
{
	json_t *given = json_object_get(o->in, "device_id");
	json_t *asked = json_object_get(cur, "device");
	int64_t id = json_is_integer(given)  ? json_integer_value(given)
		     : json_is_object(asked) ? json_integer_value(json_object_get(asked, "id"))
					     : 0;
	struct device_settings s;
	if (!id) {
		ferr_add(o->fe, "device_id", "required", "Choose the device you hand over.");
		return ST_INVALID;
	}
	int rc = device_brief_locked(db, id, &h->device);
	if (rc < 0 || device_settings_get(db, &s))
		return ST_DB;
	h->policy = s.policy;
	if (rc) {
		ferr_add(o->fe, "device_id", "not_found", "There is no such device.");
		return ST_INVALID;
	}
	const char *status = h->device.status;
	if (device_kind_is_media(h->device.kind))
		ferr_add(o->fe, "device_id", "media",
			 "Removable media are asked for with a media request.");
	else if (!strcmp(status, "on_loan")) {
		o->fe->code = "device_on_loan";
		o->fe->detail = "The device is already out on another loan.";
		return ST_CONFLICT;
	} else if (!strcmp(status, "disposed"))
		ferr_add(o->fe, "device_id", "disposed", "The device has been disposed of.");
	else if (!strcmp(status, "lost"))
		ferr_add(o->fe, "device_id", "lost", "The device is recorded as lost.");
	else if (strcmp(status, "in_stock"))
		ferr_add(o->fe, "device_id", "in_use", "The device is in use by its holder.");
	return ferr_any(o->fe) ? ST_INVALID : ST_OK;
}

static enum status move_fn(struct db *db, void *arg)
{
	struct move_op *o = arg;
	struct handover_arg h;
	ferr_release(o->fe);
	json_t *cur = loan_plain(o->app, db, o->scope, o->id);
	if (!cur)
		return db_errkind(db) == DBE_NONE ? ST_NOT_FOUND : ST_DB;
	enum status st = ST_OK;
	memset(&h, 0, sizeof(h));
	if (!strcmp(o->to, "lent") &&
	    !strcmp(json_string_value(json_object_get(cur, "status")), "approved"))
		st = handover_device(db, o, cur, &h);
	else if (!strcmp(o->to, "returned")) {
		/* Device before loan, as the hand-over takes them. */
		json_t *device = json_object_get(cur, "device");
		if (json_is_object(device) &&
		    device_brief_locked(db, json_integer_value(json_object_get(device, "id")),
					&h.device) < 0)
			st = ST_DB;
	}
	if (st == ST_OK) {
		const char *group = !strcmp(o->to, "lent")       ? "handover"
				    : !strcmp(o->to, "returned") ? "return"
								 : NULL;
		struct wf_request r = {
			.to = o->to,
			.version = json_integer_value(json_object_get(o->in, "version")),
			.group = group,
			.comment = json_string_value(json_object_get(o->in, "comment")),
			.in = o->in,
			.field = group ? "status" : "to",
			.invalid_code = group ? "invalid_state" : NULL,
			.arg = &h,
		};
		st = wf_move_tx(o->app, db, &loan_workflow, o->by, o->id, &r, o->fe);
	}
	json_decref(cur);
	return st;
}

enum status loan_move(struct app *app, struct db *db, const struct wf_actor *by,
		      const struct dev_scope *scope, int64_t id, const char *to, json_t *in,
		      struct ferrors *fe)
{
	struct move_op o = { app, by, scope, id, to, in, fe };
	return db_tx_st(db, move_fn, &o);
}

/* --- the ledger (貸出管理台帳) --------------------------------------------------------------- */

static const struct reg_column ledger_columns[] = {
	{ "id", "番号", "No.", RK_INT, 0 },
	{ "borrower_name", "氏名", "Borrower", RK_TEXT, 0 },
	{ "department_name", "所属", "Department", RK_TEXT, 0 },
	{ "duty", "担当業務", "Duty", RK_TEXT, 0 },
	{ "device_asset_tag", "管理番号", "Asset tag", RK_TEXT, 0 },
	{ "device_kind", "種別", "Kind", RK_ENUM, 0, .choices = loan_kinds, .labels_ja = kinds_ja,
	  .labels_en = kinds_en },
	{ "device_model", "機種", "Model", RK_TEXT, 0 },
	{ "contact", "連絡先", "Contact", RK_TEXT, 0 },
	{ "starts_on", "貸出開始日", "Starts", RK_DATE, 0 },
	{ "due_on", "返却期限", "Due", RK_DATE, 0 },
	{ "status", "状況", "Status", RK_ENUM, 0, .choices = loan_statuses,
	  .labels_ja = loan_statuses_ja, .labels_en = loan_statuses_en },
	{ "overdue", "期限超過", "Overdue", RK_BOOL, 0 },
	{ "lent_on", "貸出日", "Lent on", RK_DATE, 0 },
	{ "lent_by_name", "貸出担当", "Lent by", RK_TEXT, 0 },
	{ "lent_encrypted", "暗号化（貸出時）", "Encrypted at hand-over", RK_BOOL, 0 },
	{ "lent_definitions_on", "定義ファイル日付（貸出時）", "Definitions at hand-over", RK_DATE,
	  0 },
	{ "lent_software_ok", "不正ソフトなし（貸出時）", "No unauthorised software at hand-over",
	  RK_BOOL, 0 },
	{ "returned_on", "返却日", "Returned on", RK_DATE, 0 },
	{ "returned_by_name", "返却確認者", "Return recorded by", RK_TEXT, 0 },
	{ "return_data_erased", "データ消去", "Data erased", RK_BOOL, 0 },
	{ "return_virus_scanned", "ウイルスチェック", "Virus scan", RK_BOOL, 0 },
	{ "return_software_ok", "不正ソフトなし（返却時）", "No unauthorised software at return",
	  RK_BOOL, 0 },
	{ "return_condition", "返却時の状態", "Condition", RK_ENUM, 0, .choices = conditions,
	  .labels_ja = conditions_ja, .labels_en = conditions_en },
	{ "return_note", "返却時の備考", "Return note", RK_TEXT, 0 },
};

/* Nested people and the device as flat cells for the ledger. */
static void flatten(json_t *items)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		json_t *d = json_object_get(o, "device");
		json_object_set(o, "borrower_name",
				json_object_get(json_object_get(o, "borrower"), "name"));
		json_object_set(o, "device_asset_tag",
				json_is_object(d) ? json_object_get(d, "asset_tag") : json_null());
		json_object_set(o, "device_model",
				json_is_object(d) ? json_object_get(d, "model") : json_null());
		json_t *lb = json_object_get(o, "lent_by"), *rb = json_object_get(o, "returned_by");
		json_object_set(o, "lent_by_name",
				json_is_object(lb) ? json_object_get(lb, "name") : json_null());
		json_object_set(o, "returned_by_name",
				json_is_object(rb) ? json_object_get(rb, "name") : json_null());
	}
}

enum status loans_export(struct app *app, struct db *db, const struct actor *who,
			 const struct dev_scope *scope, const struct loan_filter *f,
			 struct reg_export *x)
{
	json_t *items;
	int64_t next;
	if (loans_list(app, db, scope, f, 0, 0, &items, &next))
		return ST_DB;
	flatten(items);
	enum status st = reg_export_audited(db, who, ledger_columns, ARRAY_SIZE(ledger_columns),
					    items, x, "貸出管理台帳", "export.loans", "loan");
	json_decref(items);
	return st;
}

/* --- what waits for people ---------------------------------------------------------------- */

/* The device's asset tag, or its kind when none was chosen yet. */
static const char *device_word(struct dbrows *r, int tag_col, int kind_col)
{
	return db_text(r, tag_col) ? db_text(r, tag_col) : kind_label_ja(db_text(r, kind_col));
}

static void loan_task(json_t *out, const char *kind, struct dbrows *r, const char *due,
		      bool overdue, const char *title, const char *title_en)
{
	char key[48], link[48];
	snprintf(key, sizeof(key), "%s:%lld", kind, (long long)db_int(r, 0));
	snprintf(link, sizeof(link), "/loans/%lld", (long long)db_int(r, 0));
	task_add(out, kind, key, title, title_en, due, overdue, link,
		 json_pack("{s:I,s:s,s:s}", "loan_id", (json_int_t)db_int(r, 0), "device",
			   device_word(r, 1, 2), "borrower", db_text(r, 4)));
}

#define TASK_SELECT                                                                                \
	"SELECT l.id, d.asset_tag, l.device_kind, l.due_on, b.name, l.starts_on FROM loans l "     \
	"JOIN users b ON b.id = l.borrower_id LEFT JOIN devices d ON d.id = l.device_id "

/* The borrower: every device out with them, due on its return date (overdue when past). */
static int return_tasks(const struct task_query *tq, json_t *out)
{
	struct dbrows r;
	if (db_query(tq->db, &r,
		     TASK_SELECT "WHERE l.borrower_id = ? AND l.status = 'lent' ORDER BY l.due_on, "
				 "l.id LIMIT 200",
		     P(V_INT(tq->user_id))))
		return -1;
	while (db_next(&r)) {
		char ja[160], en[160];
		const char *due = db_text(&r, 3);
		snprintf(ja, sizeof(ja), "%s を返却してください", device_word(&r, 1, 2));
		snprintf(en, sizeof(en), "Return %s", device_word(&r, 1, 2));
		loan_task(out, "loan_return", &r, due, strcmp(due, tq->today) < 0, ja, en);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* The manager: loans of the people they look after that are past their return date. */
static int overdue_tasks(const struct task_query *tq, json_t *out)
{
	struct dbrows r;
	int64_t me = tq->user_id;
	if (db_query(tq->db, &r,
		     TASK_SELECT "WHERE l.status = 'lent' AND l.due_on < ? AND l.borrower_id <> ? "
				 "AND (l.borrower_id IN (" DEV_TEAM_OF ") OR l.department_id IN "
				 "(SELECT sd.id FROM departments sd WHERE sd.manager_id = ? OR "
				 "sd.deputy_id = ?)) ORDER BY l.due_on, l.id LIMIT 200",
		     P(V_TEXT(tq->today), V_INT(me), V_INT(me), V_INT(me), V_INT(me), V_INT(me),
		       V_INT(me))))
		return -1;
	while (db_next(&r)) {
		char ja[200], en[200];
		snprintf(ja, sizeof(ja), "%sさんの %s が返却期限を過ぎています", db_text(&r, 4),
			 device_word(&r, 1, 2));
		snprintf(en, sizeof(en), "%s has not returned %s", db_text(&r, 4),
			 device_word(&r, 1, 2));
		loan_task(out, "loan_overdue", &r, db_text(&r, 3), true, ja, en);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* Lenders: approved loans waiting to be handed over, due on their first day. */
static int handover_tasks(const struct task_query *tq, json_t *out)
{
	struct dbrows r;
	if (db_query(tq->db, &r,
		     TASK_SELECT "WHERE l.status = 'approved' AND l.borrower_id <> ? ORDER BY "
				 "l.starts_on, l.id LIMIT 200",
		     P(V_INT(tq->user_id))))
		return -1;
	while (db_next(&r)) {
		char ja[200], en[200];
		const char *start = db_text(&r, 5);
		snprintf(ja, sizeof(ja), "%sさんに %s を貸し出す", db_text(&r, 4),
			 device_word(&r, 1, 2));
		snprintf(en, sizeof(en), "Hand %s over to %s", device_word(&r, 1, 2),
			 db_text(&r, 4));
		loan_task(out, "loan_handover", &r, start, strcmp(start, tq->today) < 0, ja, en);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

const struct task_source devices_tasks[] = {
	{ "loan_return", NULL, return_tasks, "端末の返却", "device to return" },
	/* Its title names the borrower: mailed as a link only. */
	{ "loan_overdue", NULL, overdue_tasks, "返却の遅れ", "overdue loan",
	  .private_title = true },
	{ "loan_handover", "loans.lend", handover_tasks, "端末の貸出", "device to hand over",
	  .private_title = true },
	{ 0 },
};
