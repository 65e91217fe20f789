/* kiosk.c — the reception kiosk (受付端末): an officer starts it on a tablet, and each visitor
 * there fills in their own visitor slip; the tablet's session then starts afresh, and nothing
 * was ever readable through it (src/auth/session.h, src/http/router.c). */
#include <string.h>

#include "visits.h"
#include "visits_impl.h"
#include "../../auth/session.h"
#include "../../lib/timeutil.h"

/* What the kiosk's page needs to show: its site, the privacy notice, its idle limit. */
static json_t *kiosk_config(struct db *db, int64_t kiosk_id)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r,
		     "SELECT k.id, k.site_id, s.name, v.notice_ja, v.notice_en, v.notice_version, "
		     "v.kiosk_idle_minutes FROM visit_kiosks k LEFT JOIN sites s ON s.id = "
		     "k.site_id, visit_settings v WHERE k.id = ? AND v.id = 1",
		     P(V_INT(kiosk_id))))
		return NULL;
	if (db_next(&r))
		o = json_pack("{s:I,s:o,s:s,s:s,s:I,s:I}", "id", (json_int_t)db_int(&r, 0), "site",
			      db_isnull(&r, 1)
				      ? json_null()
				      : json_pack("{s:I,s:s}", "id", (json_int_t)db_int(&r, 1),
						  "name", db_text(&r, 2)),
			      "notice_ja", db_text(&r, 3), "notice_en", db_text(&r, 4),
			      "notice_version", (json_int_t)db_int(&r, 5), "idle_timeout_s",
			      (json_int_t)(60 * db_int(&r, 6)));
	db_rows_free(&r);
	return o;
}

/* --- starting a kiosk --------------------------------------------------------------------- */

struct start_op {
	struct req *req;
	int64_t site_id, kiosk_id;
	const char *csrf;
	struct ferrors *fe;
};

static enum status start_fn(struct db *db, void *arg)
{
	struct start_op *o = arg;
	struct req *req = o->req;
	int64_t idle_min = 120, now = now_unix();
	char hash[65];
	bool ok = true, found;
	ferr_release(o->fe);
	if (o->site_id && visit_site_ok(db, o->site_id, &ok))
		return ST_DB;
	if (!ok) {
		ferr_add(o->fe, "site_id", "not_found", "There is no such site.");
		return ST_INVALID;
	}
	if (db_query_int(db, &idle_min, &found,
			 "SELECT kiosk_idle_minutes FROM visit_settings WHERE id = 1", P0))
		return ST_DB;
	struct actor who = req_actor(req);
	/* The officer's own session on this tablet ends here: the tablet becomes the kiosk. */
	if (session_start_kiosk(req, req->user->id, (int)(60 * idle_min), &o->csrf, hash) ||
	    db_insert(db, &o->kiosk_id,
		      "INSERT INTO visit_kiosks (session_hash, site_id, started_by, started_at) "
		      "VALUES (?, ?, ?, ?) RETURNING id",
		      P(V_TEXT(hash), V_ID(o->site_id), V_INT(req->user->id), V_INT(now))))
		return ST_DB;
	json_t *sum = json_pack("{s:o,s:I}", "site_id",
				o->site_id ? json_integer(o->site_id) : json_null(), "idle_minutes",
				(json_int_t)idle_min);
	int rc = audit_append(db, &who, "visit.kiosk_start", "visit_kiosk", o->kiosk_id, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

int visits_kiosk_start(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct start_op o = { req, req_int(req, "site_id", 0), 0, NULL, &fe };
	enum status st = db_tx_st(req->db, start_fn, &o);
	if (st != ST_OK) {
		req->set_cookie = NULL; /* the session this browser had still stands */
		return reply_outcome(req, st, &fe, 200, NULL);
	}
	ferr_release(&fe);
	json_t *config = kiosk_config(req->db, o.kiosk_id);
	if (!config)
		return -1;
	return reply_json(req, 200, json_pack("{s:s,s:o}", "csrf_token", o.csrf, "kiosk", config));
}

/* --- a visitor's slip --------------------------------------------------------------------- */

/* The person a visitor named as their host: exactly one active user whose name (spaces and a
 * polite suffix aside) or login is what was typed, else exactly one whose name starts with it;
 * otherwise nobody (reception then finds the host). */
static int resolve_host(struct db *db, const char *typed, int64_t *host)
{
	char key[401];
	struct buf pat = BUF_INIT;
	*host = 0;
	visit_host_key(typed, key, sizeof(key));
	if (!*key)
		return 0;
	for (int pass = 0; pass < 2 && !*host; pass++) {
		struct dbrows r;
		int rc;
		if (pass == 0) {
			rc = db_query(db, &r,
				      "SELECT id FROM users WHERE status = 'active' AND "
				      "(lower(REPLACE(REPLACE(name, ' ', ''), '　', '')) = ? OR "
				      "login_key = ?) ORDER BY id LIMIT 2",
				      P(V_TEXT(key), V_TEXT(key)));
		} else {
			for (const char *c = key; *c; c++) {
				if (strchr("%_\\", *c))
					buf_addch(&pat, '\\');
				buf_addch(&pat, *c);
			}
			buf_addch(&pat, '%');
			rc = db_query(db, &r,
				      "SELECT id FROM users WHERE status = 'active' AND "
				      "lower(REPLACE(REPLACE(name, ' ', ''), '　', '')) LIKE ? "
				      "ESCAPE '\\' ORDER BY id LIMIT 2",
				      P(V_TEXT(pat.buf)));
		}
		if (rc) {
			buf_release(&pat);
			return -1;
		}
		int64_t first = 0, n = 0;
		while (db_next(&r))
			if (n++ == 0)
				first = db_int(&r, 0);
		int failed = r.failed;
		db_rows_free(&r);
		if (failed) {
			buf_release(&pat);
			return -1;
		}
		if (n == 1)
			*host = first;
	}
	buf_release(&pat);
	return 0;
}

enum status visit_create_kiosk_tx(struct app *app, struct db *db, const struct actor *kiosk,
				  int64_t kiosk_id, int64_t site_id, json_t *in,
				  int64_t notice_version, const char *notice_locale, int64_t *id)
{
	const char *typed = json_string_value(json_object_get(in, "host_name"));
	bool notice = json_is_true(json_object_get(in, "notice_accepted"));
	int64_t host = 0, now = now_unix();
	if (resolve_host(db, typed, &host))
		return ST_DB;
	if (db_insert(
		    db, id,
		    "INSERT INTO visits (site_id, host_id, host_text, visitor_name, purpose, "
		    "arrived_at, notice_accepted_at, notice_version, notice_locale, source, "
		    "kiosk_id, status, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, "
		    "'kiosk', ?, 'arrived', ?, ?) RETURNING id",
		    P(V_ID(site_id), V_ID(host), V_TEXT(typed ? typed : ""),
		      V_TEXT(json_string_value(json_object_get(in, "purpose"))), V_INT(now),
		      notice ? V_INT(now) : V_NULL, notice ? V_INT(notice_version) : V_NULL,
		      notice ? V_TEXT(notice_locale) : V_NULL, V_INT(kiosk_id), V_INT(now),
		      V_INT(now))) ||
	    visit_seal_names(app, db, *id, json_string_value(json_object_get(in, "visitor_name")),
			     json_string_value(json_object_get(in, "visitor_company"))
				     ? json_string_value(json_object_get(in, "visitor_company"))
				     : "") ||
	    wf_event_add(db, "visit", *id, kiosk, "created", NULL, "arrived", false, NULL, NULL))
		return ST_DB;
	/* The audit event names the kiosk, the host found and what was typed for them (an
	 * employee's name) — never the visitor. */
	json_t *sum = json_pack("{s:s,s:I,s:o,s:o,s:s,s:b}", "source", "kiosk", "kiosk_id",
				(json_int_t)kiosk_id, "site_id",
				site_id ? json_integer(site_id) : json_null(), "host_id",
				host ? json_integer(host) : json_null(), "host_text",
				typed ? typed : "", "notice_accepted", notice);
	int rc = audit_append(db, kiosk, "visit.create", "visit", *id, sum);
	json_decref(sum);
	if (rc || visit_tell_host(db, *id, host, now))
		return ST_DB;
	return ST_OK;
}

/* A tablet anyone at reception can use: at most this many slips a minute from one kiosk, so
 * that nobody floods the register or the hosts' notices and mail from it. A group arriving
 * together fills in one slip each, each taking well over ten seconds. */
#define KIOSK_SLIPS_PER_MINUTE 6

struct visit_op {
	struct req *req;
	json_t *in;
	bool gone, busy;
	const char *csrf;
	int64_t kiosk_id;
	struct ferrors *fe;
};

static enum status kiosk_visit_fn(struct db *db, void *arg)
{
	struct visit_op *o = arg;
	struct req *req = o->req;
	struct dbrows r;
	int64_t site_id = 0, notice_version, id;
	bool has_ja, has_en, found;
	char hash[65];
	ferr_release(o->fe);
	o->gone = false;
	if (db_query(db, &r, "SELECT id, site_id FROM visit_kiosks WHERE session_hash = ?",
		     P(V_TEXT(req->user->session_hash))))
		return ST_DB;
	found = db_next(&r);
	if (found) {
		o->kiosk_id = db_int(&r, 0);
		site_id = db_isnull(&r, 1) ? 0 : db_int(&r, 1);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return ST_DB;
	if (!found) {
		o->gone = true;
		return ST_FORBIDDEN;
	}
	int64_t recent;
	if (db_query_int(db, &recent, &found,
			 "SELECT COUNT(*) FROM visits WHERE kiosk_id = ? AND created_at > ?",
			 P(V_INT(o->kiosk_id), V_INT(now_unix() - 60))))
		return ST_DB;
	if (recent >= KIOSK_SLIPS_PER_MINUTE) {
		o->busy = true;
		return ST_FORBIDDEN;
	}
	if (visit_notice(db, &notice_version, &has_ja, &has_en))
		return ST_DB;
	/* The visitor reads the notice in their language, else the one there is: choosing a
	 * language that has no text must not skip the only notice (APPI Art. 21(2)). */
	const char *locale = json_string_value(json_object_get(o->in, "locale"));
	bool en = locale && !strcmp(locale, "en");
	const char *shown = (en ? has_en || !has_ja : !has_ja && has_en) ? "en" : "ja";
	if ((has_ja || has_en) && !json_is_true(json_object_get(o->in, "notice_accepted")))
		ferr_add(o->fe, "notice_accepted", "required",
			 "Read the notice on how your details are used, and accept it.");
	if (visit_blank(json_string_value(json_object_get(o->in, "visitor_name"))))
		ferr_add(o->fe, "visitor_name", "required", "Give your name.");
	if (visit_blank(json_string_value(json_object_get(o->in, "purpose"))))
		ferr_add(o->fe, "purpose", "required", "Say what your visit is for.");
	if (ferr_any(o->fe))
		return ST_INVALID;
	/* This session serves this one visitor: it ends now, and the tablet gets a new one. */
	if (session_rotate_kiosk(req, &o->gone, &o->csrf, hash))
		return ST_DB;
	if (o->gone)
		return ST_FORBIDDEN;
	struct actor kiosk = req_actor(req);
	enum status st = visit_create_kiosk_tx(req->app, db, &kiosk, o->kiosk_id, site_id, o->in,
					       notice_version, shown, &id);
	if (st != ST_OK)
		return st;
	if (db_exec(db,
		    "UPDATE visit_kiosks SET session_hash = ?, visits_taken = visits_taken + 1, "
		    "last_visit_at = ? WHERE id = ?",
		    P(V_TEXT(hash), V_INT(now_unix()), V_INT(o->kiosk_id))))
		return ST_DB;
	return ST_OK;
}

int visits_kiosk_visit(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct visit_op o = { .req = req, .in = req->json, .fe = &fe };
	enum status st = db_tx_st(req->db, kiosk_visit_fn, &o);
	if (st != ST_OK) {
		req->set_cookie = NULL;
		if (o.gone) {
			ferr_release(&fe);
			return reply_problem(req, 401, "unauthenticated", "Sign-in required",
					     "This kiosk session has ended. Ask reception to start "
					     "the kiosk again.");
		}
		if (o.busy) { /* the session stays: the visitor tries again in a moment */
			ferr_release(&fe);
			reply_header(req, "Retry-After", "60");
			return reply_problem(req, 429, "too_many_slips", "Too many slips",
					     "This kiosk has taken many slips in the last minute. "
					     "Wait a moment and send again, or ask reception.");
		}
		return reply_outcome(req, st, &fe, 201, NULL);
	}
	ferr_release(&fe);
	json_t *config = kiosk_config(req->db, o.kiosk_id);
	if (!config)
		return -1;
	/* Nothing of the slip comes back: the visitor has sent it, and that is all. */
	return reply_json(
		req, 201,
		json_pack("{s:b,s:s,s:o}", "received", 1, "csrf_token", o.csrf, "kiosk", config));
}
