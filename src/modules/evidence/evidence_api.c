/* evidence_api.c — GET /api/v1/evidence-pack, and the PDFs of the registers and the training
 * roster (the same pages the evidence pack prints, for one register at a time). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "reports.h"
#include "../registers/registers.h"
#include "../registers/registers_api.h"
#include "../training/training.h"
#include "../../lib/log.h"

/* --- the pack ------------------------------------------------------------------------------ */

static int fd_write(void *arg, const void *data, size_t len)
{
	int fd = *(int *)arg;
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The permissions the caller lacks to read everything a pack holds (a new array, empty when
 * none): each part's, and registers.all_departments, as the pack holds every department's
 * registers. evidence.export is the right to make a pack, not to read what is in it: a role
 * given only that must not get every register and the staff's scores and pledges. */
static json_t *pack_missing(struct req *req)
{
	json_t *missing = json_array();
	for (size_t i = 0; i < evidence_part_count; i++) {
		const char *perm = evidence_parts[i].perm;
		bool named =
			false; /* by an earlier part (the training plan and roster share one) */
		for (size_t k = 0; k < i && !named; k++)
			named = evidence_parts[k].perm &&
				!strcmp(evidence_parts[k].perm, perm ? perm : "");
		if (perm && !named && !req_can(req, perm))
			json_array_append_new(missing, json_string(perm));
	}
	if (!req_can(req, PERM_ALL_DEPARTMENTS))
		json_array_append_new(missing, json_string(PERM_ALL_DEPARTMENTS));
	return missing;
}

/* 403 naming the permissions `missing` (owned), recorded as access.denied as the router
 * records a route's own permission refused. */
static int pack_refuse(struct req *req, json_t *missing)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	json_t *s = json_pack("{s:s,s:s,s:O}", "method", req->method, "route", req->route->pattern,
			      "permissions", missing);
	if (audit_append_tx(req->db, &who, "access.denied", "evidence_pack", 0, s))
		log_error("could not record an access denial: %s", db_errmsg(req->db));
	json_decref(s);
	fe.detail = "The evidence pack holds records your roles cannot read: it needs the "
		    "permissions listed in missing_permissions too.";
	ferr_extra(&fe, "missing_permissions", missing);
	reply_status_of(req, ST_FORBIDDEN, &fe);
	ferr_release(&fe);
	return 0;
}

/* The people this process is making a pack for. A pack re-verifies the whole audit trail and
 * reads up to five years of records on one of the few long-work threads: one person asking
 * again before the first is done (a second click, a retry after a timeout) gets 429 instead of
 * taking another thread. The entries live on the handlers' stacks. Per process, as the threads
 * are: each node of a cluster counts its own. */
struct pack_running {
	int64_t user_id;
	struct pack_running *next;
};

static pthread_mutex_t packs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pack_running *packs_running;

/* Adds `me` to the packs being made; false (and nothing added) when its user has one. */
static bool pack_claim(struct pack_running *me)
{
	bool none = true;
	pthread_mutex_lock(&packs_lock);
	for (struct pack_running *p = packs_running; p && none; p = p->next)
		none = p->user_id != me->user_id;
	if (none) {
		me->next = packs_running;
		packs_running = me;
	}
	pthread_mutex_unlock(&packs_lock);
	return none;
}

static void pack_done(struct pack_running *me)
{
	pthread_mutex_lock(&packs_lock);
	for (struct pack_running **p = &packs_running; *p; p = &(*p)->next)
		if (*p == me) {
			*p = me->next;
			break;
		}
	pthread_mutex_unlock(&packs_lock);
}

/* The ZIP goes to a file in the data folder that is unlinked at once: the pack never sits in
 * memory whole, and nothing is left behind whatever happens to the request. */
static int evidence_pack(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	const char *from = req_query(req, "from"), *to = req_query(req, "to");
	json_t *missing = pack_missing(req);
	if (json_array_size(missing))
		return pack_refuse(req, missing);
	json_decref(missing);
	evidence_check_period(from, to, &fe);
	if (ferr_any(&fe)) {
		reply_errors(req, &fe);
		ferr_release(&fe);
		return 0;
	}
	struct pack_running me = { req->user->id, NULL };
	if (!pack_claim(&me))
		return reply_problem(req, 429, "evidence_pack_running", "Already making your pack",
				     "Your previous evidence pack is still being made. Wait for "
				     "its download, then ask again.");
	char path[4200];
	snprintf(path, sizeof(path), "%s/.evidence-XXXXXX", req->app->data_dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		pack_done(&me);
		log_error("evidence pack: cannot create a temporary file in %s",
			  req->app->data_dir);
		return -1;
	}
	unlink(path);
	struct actor who = req_actor(req);
	enum status st =
		evidence_pack_write(req->app, req->db, &who, from, to, fd_write, &fd, NULL);
	pack_done(&me);
	struct stat sb;
	if (st != ST_OK || fstat(fd, &sb) || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return reply_status_of(req, st == ST_OK ? ST_DB : st, NULL);
	}
	req->static_fd = fd;
	req->static_size = sb.st_size;
	req->status = 200;
	req->content_type = "application/zip";
	req->content_disposition = arena_printf(
		&req->arena, "attachment; filename=\"evidence-pack-%s-%s.zip\"", from, to);
	req->replied = true;
	return 0;
}

/* --- one part as a PDF --------------------------------------------------------------------- */

static void draw_part(struct pdf *p, void *arg)
{
	struct part_out *o = arg;
	o->draw(p, o->data);
}

static const struct part *part_named(const char *name)
{
	for (size_t i = 0; i < evidence_part_count; i++)
		if (!strcmp(evidence_parts[i].name, name))
			return &evidence_parts[i];
	return NULL;
}

/* Builds part `name` for the caller (their register scope) and answers its PDF. */
static int part_pdf(struct req *req, const char *name, const char *subtitle,
		    const struct roster_filter *roster, const char *file, const char *action,
		    const char *object_type)
{
	const struct part *pt = part_named(name);
	struct actor who = req_actor(req);
	struct reg_scope scope = reg_scope_of(req);
	struct part_ctx c = { req->app, req->db, &who, NULL, NULL, &scope, roster, true };
	struct part_out o = { .available = true };
	if (pt->build(&c, &o)) {
		free(o.xlsx);
		json_decref(o.data);
		json_decref(o.figures);
		return -1;
	}
	int rc = reply_pdf(req, pt->title, subtitle, o.landscape, draw_part, &o, file, action,
			   object_type, 0);
	free(o.xlsx);
	json_decref(o.data);
	json_decref(o.figures);
	return rc;
}

static int assets_pdf(struct req *req)
{
	return part_pdf(req, "02-asset-register", NULL, NULL, "asset-register.pdf", "export.assets",
			"asset");
}

static int pinfo_pdf(struct req *req)
{
	return part_pdf(req, "01-pinfo-register", NULL, NULL, "pinfo-register.pdf", "export.pinfo",
			"pinfo");
}

static int risks_pdf(struct req *req)
{
	return part_pdf(req, "03-risk-assessment", NULL, NULL, "risk-assessment.pdf",
			"export.risks", "risk");
}

static int soa_pdf(struct req *req)
{
	return part_pdf(req, "04-statement-of-applicability", NULL, NULL,
			"statement-of-applicability.pdf", "export.soa", "soa");
}

static int roster_pdf(struct req *req)
{
	struct roster_filter f = { 0 };
	const char *v;
	int64_t id;
	if ((v = req_query(req, "course_id")) && !parse_i64(v, 1, INT64_MAX, &id))
		f.course_id = id;
	if ((v = req_query(req, "department_id")) && !parse_i64(v, 1, INT64_MAX, &id))
		f.department_id = id;
	f.status = req_query(req, "status");
	f.due_from = req_query(req, "due_from");
	f.due_to = req_query(req, "due_to");
	f.q = req_query(req, "q");
	const char *subtitle = NULL;
	if (f.due_from || f.due_to)
		subtitle = arena_printf(&req->arena, "期限 %s 〜 %s", f.due_from ? f.due_from : "",
					f.due_to ? f.due_to : "");
	if (training_sync(req->db, 0))
		return -1;
	return part_pdf(req, "06-training-roster", subtitle, &f, "training-roster.pdf",
			"export.training_roster", "training_roster");
}

/* --- routes -------------------------------------------------------------------------------- */

static const char *const duty_statuses[] = { "pending", "overdue", "completed", NULL };

static const struct field pack_query[] = {
	{ "from", FT_DATE, 0 },
	{ "to", FT_DATE, 0 },
	{ 0 },
};
static const struct field roster_query[] = {
	{ "course_id", FT_ID, 0 },
	{ "department_id", FT_ID, 0 },
	{ "status", FT_ENUM, 0, .choices = duty_statuses },
	{ "due_from", FT_DATE, 0 },
	{ "due_to", FT_DATE, 0 },
	{ "q", FT_STRING, 0, .max = 100 },
	{ 0 },
};

static const struct route routes[] = {
	/* Long work: it re-verifies the whole audit trail (the .pdf routes are long by name). */
	{ "GET", "/api/v1/evidence-pack", "evidence.export", evidence_pack, .query = pack_query,
	  .flags = R_LONG },
	{ "GET", "/api/v1/assets.pdf", "assets.read", assets_pdf },
	{ "GET", "/api/v1/pinfo.pdf", "pinfo.read", pinfo_pdf },
	{ "GET", "/api/v1/risks.pdf", "risks.read", risks_pdf },
	{ "GET", "/api/v1/soa.pdf", "soa.read", soa_pdf },
	{ "GET", "/api/v1/training/roster.pdf", "training.records", roster_pdf,
	  .query = roster_query },
};

const struct route_table evidence_routes = { routes, ARRAY_SIZE(routes) };

const struct permission evidence_permissions[] = {
	{ "evidence.export", "evidence" },
	{ 0 },
};
