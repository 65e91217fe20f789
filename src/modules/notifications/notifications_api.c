/* notifications_api.c — /api/v1/me/notifications, preferences, mail settings and outbox;
 * the reminder and digest job; the mail sender. */
#include <sodium.h>
#include <string.h>

#include "notifications.h"
#include "../workflow/work.h"
#include "../../lib/crypto.h"
#include "../../lib/jsonw.h"
#include "../../lib/log.h"
#include "../../lib/timeutil.h"
#include "../../notify/mail.h"
#include "../../notify/notify.h"
#include "../../store/query.h"

#define PAGE_DEFAULT  30
#define PAGE_MAX      200
#define REMIND_BATCH  5000 /* people per job run: a rolling pass over everyone */
#define SEND_BATCH    100  /* mails read from the queue at a time */
#define SEND_BUDGET_S 4    /* seconds one worker run may spend sending */
#define RECORD_EVERY  1    /* mails sent between two records of their outcome */
#define MAX_ATTEMPTS  8    /* then the mail is marked failed and shown to the administrator */
#define SENDING_STALE 600  /* a claim older than this (a crash while sending) is retried */
#define PASSWORD_CTX  "mail_settings.password"

static const struct actor job_actor = { 0, NULL, "job" };

static void w_time(struct jsonw *w, struct dbrows *r, int col)
{
	char t[21];
	if (db_isnull(r, col)) {
		jw_null(w);
		return;
	}
	time_rfc3339(db_int(r, col), t);
	jw_str(w, t);
}

/* --- my notices --------------------------------------------------------------------------- */

static void notice_row(struct jsonw *w, struct dbrows *r, void *arg)
{
	(void)arg;
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 0));
	jw_key(w, "kind");
	jw_str(w, db_text(r, 1));
	jw_key(w, "title");
	jw_str(w, db_text(r, 2));
	jw_key(w, "link");
	jw_str(w, db_text(r, 3));
	jw_key(w, "params");
	if (db_text(r, 4))
		jw_raw(w, db_text(r, 4));
	else
		jw_null(w);
	jw_key(w, "urgent");
	jw_bool(w, db_int(r, 5) != 0);
	jw_key(w, "created_at");
	w_time(w, r, 6);
	jw_key(w, "read");
	jw_bool(w, !db_isnull(r, 7));
	jw_object_end(w);
}

static int me_notifications(struct req *req)
{
	int64_t limit = req_query_int(req, "limit", PAGE_DEFAULT, PAGE_MAX),
		cursor = req_query_int(req, "cursor", 0, INT64_MAX), me = req->user->id, unread = 0;
	const char *v;
	bool found;
	struct query q;
	struct dbrows r;
	if (db_query_int(req->db, &unread, &found,
			 "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
			 P(V_INT(me))))
		return -1;
	query_init(&q, "SELECT id, kind, title, link, params, urgent, created_at, read_at FROM "
		       "notifications");
	query_add(&q, "WHERE user_id = ?", P(V_INT(me)));
	if ((v = req_query(req, "unread")) && !strcmp(v, "1"))
		query_add(&q, "AND read_at IS NULL", NULL, 0);
	if (cursor)
		query_add(&q, "AND id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	jw_key(&w, "unread");
	jw_int(&w, unread);
	if (query_write_page(&w, &r, limit, notice_row, NULL)) {
		buf_release(&out);
		return -1;
	}
	jw_object_end(&w);
	return reply_buf(req, 200, &out);
}

static int me_notifications_read(struct req *req)
{
	int64_t me = req->user->id, now = now_unix();
	size_t i;
	json_t *e;
	json_array_foreach(req_field(req, "ids"), i, e)
	{
		if (db_exec(req->db,
			    "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND "
			    "read_at IS NULL",
			    P(V_INT(now), V_INT(json_integer_value(e)), V_INT(me))))
			return -1;
	}
	return reply_status(req, 204);
}

static int me_notifications_read_all(struct req *req)
{
	if (db_exec(req->db,
		    "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
		    P(V_INT(now_unix()), V_INT(req->user->id))))
		return -1;
	return reply_status(req, 204);
}

/* --- my preferences ----------------------------------------------------------------------- */

/* The kinds a person may turn e-mail off for. */
static const char *const notice_kinds[] = { "approval_needed",
					    "approval_decided",
					    "approval_escalated",
					    "task_new",
					    "task_due_soon",
					    "task_overdue",
					    NULL };

static json_t *prefs_json(struct db *db, int64_t me)
{
	struct dbrows r;
	json_t *o = NULL;
	if (db_query(db, &r,
		     "SELECT p.email_off, COALESCE(p.digest, 0), COALESCE(p.digest_at, '08:00'), "
		     "COALESCE(p.version, 0), u.email, m.enabled FROM users u LEFT JOIN "
		     "notification_prefs p ON p.user_id = u.id LEFT JOIN mail_settings m ON m.id = "
		     "1 "
		     "WHERE u.id = ?",
		     P(V_INT(me))))
		return NULL;
	if (db_next(&r)) {
		json_t *off = db_text(&r, 0) ? json_loads(db_text(&r, 0), 0, NULL) : NULL;
		json_t *kinds = json_array();
		for (const char *const *k = notice_kinds; *k; k++)
			json_array_append_new(kinds, json_string(*k));
		o = json_pack("{s:o,s:b,s:s,s:I,s:b,s:b,s:o}", "email_off",
			      off ? off : json_array(), "digest", db_int(&r, 1) != 0, "digest_at",
			      db_text(&r, 2), "version", (json_int_t)db_int(&r, 3), "has_email",
			      db_text(&r, 4) && *db_text(&r, 4), "mail_enabled",
			      !db_isnull(&r, 5) && db_int(&r, 5) == 1, "kinds", kinds);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int me_prefs(struct req *req)
{
	json_t *o = prefs_json(req->db, req->user->id);
	return o ? reply_json(req, 200, o) : -1;
}

struct prefs_op {
	const struct actor *who;
	json_t *in;
	struct ferrors *fe;
};

static bool time_of_day_valid(const char *s)
{
	return s && strlen(s) == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' &&
	       s[1] <= '9' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' &&
	       (s[0] < '2' || s[1] <= '3');
}

static enum status prefs_fn(struct db *db, void *arg)
{
	struct prefs_op *o = arg;
	int64_t version = 0, me = o->who->id;
	bool found;
	json_t *v;
	ferr_release(o->fe);
	if (db_query_int(db, &version, &found,
			 "SELECT version FROM notification_prefs WHERE user_id = ?", P(V_INT(me))))
		return ST_DB;
	if (json_integer_value(json_object_get(o->in, "version")) != (found ? version : 0))
		return ST_CONFLICT;
	if ((v = json_object_get(o->in, "email_off"))) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			bool known = false;
			for (const char *const *k = notice_kinds; *k; k++)
				known |= !strcmp(*k, json_string_value(e));
			if (!known)
				ferr_add(o->fe, "email_off", "invalid_choice",
					 "Not a kind of notice.");
		}
	}
	const char *at = json_string_value(json_object_get(o->in, "digest_at"));
	if (at && !time_of_day_valid(at))
		ferr_add(o->fe, "digest_at", "invalid_time", "A time of day as HH:MM.");
	if (ferr_any(o->fe))
		return ST_INVALID;
	if (db_exec(db,
		    "INSERT INTO notification_prefs (user_id) VALUES (?) ON CONFLICT (user_id) DO "
		    "NOTHING",
		    P(V_INT(me))))
		return ST_DB;
	char *off = (v = json_object_get(o->in, "email_off")) ? json_dumps(v, JSON_COMPACT) : NULL;
	int rc =
		(off && db_exec(db, "UPDATE notification_prefs SET email_off = ? WHERE user_id = ?",
				P(V_TEXT(off), V_INT(me)))) ||
		((v = json_object_get(o->in, "digest")) &&
		 db_exec(db, "UPDATE notification_prefs SET digest = ? WHERE user_id = ?",
			 P(V_BOOL(json_is_true(v)), V_INT(me)))) ||
		(at && db_exec(db, "UPDATE notification_prefs SET digest_at = ? WHERE user_id = ?",
			       P(V_TEXT(at), V_INT(me)))) ||
		db_exec(db, "UPDATE notification_prefs SET version = version + 1 WHERE user_id = ?",
			P(V_INT(me)));
	free(off);
	if (rc)
		return ST_DB;
	json_t *sum = json_deep_copy(o->in);
	json_object_del(sum, "version");
	rc = audit_append(db, o->who, "notification_prefs.update", "user", me, sum);
	json_decref(sum);
	return rc ? ST_DB : ST_OK;
}

static int me_prefs_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct prefs_op o = { &who, req->json, &fe };
	enum status st = db_tx_st(req->db, prefs_fn, &o);
	return reply_outcome(req, st, &fe, 200, st == ST_OK ? prefs_json(req->db, who.id) : NULL);
}

/* --- the mail server ---------------------------------------------------------------------- */

struct mail_conf {
	bool enabled;
	char host[256], security[16], username[256], from[256], from_name[201], base_url[256];
	int port, due_soon_days;
	char *password; /* opened; free() */
	int64_t version;
};

static int conf_load(struct app *app, struct db *db, struct mail_conf *c)
{
	struct dbrows r;
	memset(c, 0, sizeof(*c));
	if (db_query(db, &r,
		     "SELECT enabled, host, port, security, username, password, from_addr, "
		     "from_name, base_url, due_soon_days, version FROM mail_settings WHERE id = 1",
		     P0))
		return -1;
	if (db_next(&r)) {
		c->enabled = db_int(&r, 0) != 0;
		snprintf(c->host, sizeof(c->host), "%s", db_text(&r, 1));
		c->port = (int)db_int(&r, 2);
		snprintf(c->security, sizeof(c->security), "%s", db_text(&r, 3));
		snprintf(c->username, sizeof(c->username), "%s", db_text(&r, 4));
		if (db_text(&r, 5) && app) {
			size_t len;
			c->password =
				crypto_open(app->master_key, PASSWORD_CTX, db_text(&r, 5), &len);
		}
		snprintf(c->from, sizeof(c->from), "%s", db_text(&r, 6));
		snprintf(c->from_name, sizeof(c->from_name), "%s", db_text(&r, 7));
		snprintf(c->base_url, sizeof(c->base_url), "%s", db_text(&r, 8));
		c->due_soon_days = (int)db_int(&r, 9);
		c->version = db_int(&r, 10);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

static void conf_release(struct mail_conf *c)
{
	if (c->password) {
		sodium_memzero(c->password, strlen(c->password));
		free(c->password);
	}
	c->password = NULL;
}

static struct mail_server server_of(const struct mail_conf *c)
{
	return (struct mail_server){ .host = c->host,
				     .port = c->port,
				     .security = c->security,
				     .username = c->username,
				     .password = c->password,
				     .from = c->from,
				     .from_name = c->from_name,
				     .timeout_s = 15 };
}

static json_t *conf_json(const struct mail_conf *c, bool has_password)
{
	return json_pack("{s:b,s:s,s:i,s:s,s:s,s:b,s:s,s:s,s:s,s:i,s:I}", "enabled", c->enabled,
			 "host", c->host, "port", c->port, "security", c->security, "username",
			 c->username, "has_password", has_password, "from_addr", c->from,
			 "from_name", c->from_name, "base_url", c->base_url, "due_soon_days",
			 c->due_soon_days, "version", (json_int_t)c->version);
}

static int mail_settings_show(struct req *req)
{
	struct mail_conf c;
	int64_t has = 0;
	bool found;
	if (conf_load(NULL, req->db, &c) ||
	    db_query_int(req->db, &has, &found,
			 "SELECT COUNT(*) FROM mail_settings WHERE id = 1 AND password IS NOT NULL",
			 P0))
		return -1;
	return reply_json(req, 200, conf_json(&c, has > 0));
}

struct settings_op {
	struct app *app;
	const struct actor *who;
	json_t *in;
	struct ferrors *fe;
};

static enum status mail_settings_fn(struct db *db, void *arg)
{
	struct settings_op *o = arg;
	struct mail_conf before;
	json_t *v, *in = o->in;
	ferr_release(o->fe);
	if (conf_load(NULL, db, &before))
		return ST_DB;
	if (json_integer_value(json_object_get(in, "version")) != before.version)
		return ST_CONFLICT;
	const char *from = json_string_value(json_object_get(in, "from_addr"));
	if (from && *from && !mail_address_valid(from))
		ferr_add(o->fe, "from_addr", "invalid_email", "Not an e-mail address.");
	const char *base = json_string_value(json_object_get(in, "base_url"));
	if (base && *base && strncmp(base, "https://", 8) && strncmp(base, "http://", 7))
		ferr_add(o->fe, "base_url", "invalid_url", "Start with https:// (or http://).");
	/* Mail on needs a server and a sender. */
	bool enabled = (v = json_object_get(in, "enabled")) ? json_is_true(v) : before.enabled;
	const char *host = (v = json_object_get(in, "host")) ? json_string_value(v) : before.host;
	const char *sender = from ? from : before.from;
	if (enabled && (!host || !*host))
		ferr_add(o->fe, "host", "required", "Give the mail server to turn mail on.");
	if (enabled && (!sender || !*sender))
		ferr_add(o->fe, "from_addr", "required",
			 "Give the sender's address to turn mail on.");
	if (ferr_any(o->fe))
		return ST_INVALID;
	static const struct {
		const char *field, *sql;
		bool is_int;
	} cols[] = {
		{ "enabled", "UPDATE mail_settings SET enabled = ? WHERE id = 1", true },
		{ "host", "UPDATE mail_settings SET host = ? WHERE id = 1", false },
		{ "port", "UPDATE mail_settings SET port = ? WHERE id = 1", true },
		{ "security", "UPDATE mail_settings SET security = ? WHERE id = 1", false },
		{ "username", "UPDATE mail_settings SET username = ? WHERE id = 1", false },
		{ "from_addr", "UPDATE mail_settings SET from_addr = ? WHERE id = 1", false },
		{ "from_name", "UPDATE mail_settings SET from_name = ? WHERE id = 1", false },
		{ "base_url", "UPDATE mail_settings SET base_url = ? WHERE id = 1", false },
		{ "due_soon_days", "UPDATE mail_settings SET due_soon_days = ? WHERE id = 1",
		  true },
	};
	json_t *changed = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		if (!(v = json_object_get(in, cols[i].field)))
			continue;
		struct dbval val = cols[i].is_int
					   ? (json_is_boolean(v) ? V_BOOL(json_is_true(v))
								 : V_INT(json_integer_value(v)))
					   : V_TEXT(json_string_value(v));
		if (db_exec(db, cols[i].sql, P(val))) {
			json_decref(changed);
			return ST_DB;
		}
		json_object_set(changed, cols[i].field, v);
	}
	/* The password: sealed with the master key; never in the audit trail. */
	if ((v = json_object_get(in, "password"))) {
		char *sealed = NULL;
		if (json_is_string(v) && json_string_length(v))
			sealed = crypto_seal(o->app->master_key, PASSWORD_CTX, json_string_value(v),
					     json_string_length(v));
		int rc = db_exec(db, "UPDATE mail_settings SET password = ? WHERE id = 1",
				 P(V_TEXT(sealed)));
		free(sealed);
		if (rc) {
			json_decref(changed);
			return ST_DB;
		}
		json_object_set_new(changed, "password",
				    json_string(json_is_string(v) && json_string_length(v)
							? "(changed)"
							: "(removed)"));
	}
	if (db_exec(db, "UPDATE mail_settings SET version = version + 1 WHERE id = 1", P0)) {
		json_decref(changed);
		return ST_DB;
	}
	int rc = audit_append(db, o->who, "mail_settings.update", "settings", 0, changed);
	json_decref(changed);
	return rc ? ST_DB : ST_OK;
}

static int mail_settings_patch(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct settings_op o = { req->app, &who, req->json, &fe };
	enum status st = db_tx_st(req->db, mail_settings_fn, &o);
	if (st != ST_OK)
		return reply_outcome(req, st, &fe, 200, NULL);
	ferr_release(&fe);
	return mail_settings_show(req);
}

/* Sends a test mail at once with the saved settings, and says what the server answered. */
static int mail_test(struct req *req)
{
	struct mail_conf c;
	struct buf err = BUF_INIT;
	const char *to = req_str(req, "to");
	struct actor who = req_actor(req);
	if (!mail_address_valid(to)) {
		struct ferrors fe = FERRORS_INIT;
		ferr_add(&fe, "to", "invalid_email", "Not an e-mail address.");
		reply_errors(req, &fe);
		ferr_release(&fe);
		return 0;
	}
	if (conf_load(req->app, req->db, &c))
		return -1;
	struct mail_server s = server_of(&c);
	struct mail m = {
		.to = to,
		.subject = "[mamori] テストメール / Test mail",
		.body = "mamori からのテストメールです。これが届けば、メールの設定は正しく動いて"
			"います。\n\nThis is a test mail from mamori. If it arrived, the "
			"mail settings work.\n",
		.message_id_seed = NULL
	};
	int rc = mail_send(&s, &m, &err);
	conf_release(&c);
	json_t *sum = json_pack("{s:s,s:b}", "to", to, "sent", rc == 0);
	audit_append_tx(req->db, &who, "mail.test", "settings", 0, sum);
	json_decref(sum);
	if (rc) {
		log_info("test mail failed: %s", err.buf ? err.buf : "");
		reply_problem(req, 502, "mail_failed", "The mail server did not take the mail",
			      err.buf ? err.buf : "");
		buf_release(&err);
		return 0;
	}
	buf_release(&err);
	return reply_json(req, 200, json_pack("{s:b}", "sent", true));
}

static void outbox_row(struct jsonw *w, struct dbrows *r, void *arg)
{
	(void)arg;
	jw_object(w);
	jw_key(w, "id");
	jw_int(w, db_int(r, 0));
	jw_key(w, "to");
	jw_str(w, db_text(r, 1));
	jw_key(w, "subject");
	jw_str(w, db_text(r, 2));
	jw_key(w, "status");
	jw_str(w, db_text(r, 3));
	jw_key(w, "attempts");
	jw_int(w, db_int(r, 4));
	jw_key(w, "last_error");
	jw_str(w, db_text(r, 5));
	jw_key(w, "created_at");
	w_time(w, r, 6);
	jw_key(w, "sent_at");
	w_time(w, r, 7);
	jw_object_end(w);
}

static int outbox_list(struct req *req)
{
	int64_t limit = req_query_int(req, "limit", PAGE_DEFAULT, PAGE_MAX),
		cursor = req_query_int(req, "cursor", 0, INT64_MAX);
	const char *v;
	struct query q;
	struct dbrows r;
	query_init(&q, "SELECT id, to_addr, subject, status, attempts, last_error, created_at, "
		       "sent_at FROM mail_outbox WHERE 1 = 1");
	if ((v = req_query(req, "status")) && *v)
		query_add(&q, "AND status = ?", P(V_TEXT(v)));
	if (cursor)
		query_add(&q, "AND id < ?", P(V_INT(cursor)));
	query_add(&q, "ORDER BY id DESC LIMIT ?", P(V_INT(limit + 1)));
	int rc = query_run(req->db, &q, &r);
	query_release(&q);
	if (rc)
		return -1;
	struct buf out = BUF_INIT;
	struct jsonw w;
	jw_init(&w, &out);
	jw_object(&w);
	if (query_write_page(&w, &r, limit, outbox_row, NULL)) {
		buf_release(&out);
		return -1;
	}
	jw_object_end(&w);
	return reply_buf(req, 200, &out);
}

/* --- who a mail is for, now --------------------------------------------------------------- */

/* A mail's address and words are fixed when it is queued; by the time it is sent, or sent
 * again, its person may have left or changed their address. This SQL (over mail_outbox `m`
 * LEFT JOIN users `u` ON u.id = m.user_id) says why it must not go — GONE_INACTIVE or
 * GONE_MOVED — or 0 while it may. The sender and the administrator's retry ask it alike. */
enum { GONE_INACTIVE = 1, GONE_MOVED = 2 };
#define RECIPIENT_GONE                                                                             \
	"CASE WHEN m.user_id IS NULL THEN 0 WHEN u.id IS NULL OR u.status <> 'active' THEN 1 "     \
	"WHEN COALESCE(u.email, '') <> m.to_addr THEN 2 ELSE 0 END"

/* What the outbox shows for a mail not sent because of `gone`, in both languages, like the
 * test mail: the administrator's list shows it as it is. */
static const char *gone_reason(int64_t gone)
{
	return gone == GONE_INACTIVE
		       ? "送信しませんでした: 宛先の利用者は無効です / Not sent: the person is no "
			 "longer active"
		       : "送信しませんでした: 宛先の利用者のメールアドレスが変わりました / Not "
			 "sent: "
			 "the person's e-mail address changed after the mail was queued";
}

struct retry_op {
	const struct actor *who;
	int64_t id;
	struct ferrors *fe;
};

static enum status retry_fn(struct db *db, void *arg)
{
	struct retry_op *o = arg;
	int64_t gone = 0;
	bool found;
	if (db_query_int(db, &gone, &found,
			 "SELECT " RECIPIENT_GONE " FROM mail_outbox m LEFT JOIN users u ON u.id "
			 "= m.user_id WHERE m.id = ? AND m.status = 'failed'",
			 P(V_INT(o->id))))
		return ST_DB;
	if (!found)
		return ST_NOT_FOUND;
	/* Sent again only to the person it was for, as they are now; a new notice makes a new
	 * mail to a new address. */
	if (gone) {
		o->fe->code =
			gone == GONE_INACTIVE ? "recipient_inactive" : "recipient_address_changed";
		o->fe->detail = gone_reason(gone);
		return ST_CONFLICT;
	}
	if (db_exec(db,
		    "UPDATE mail_outbox SET status = 'queued', attempts = 0, next_attempt_at = ? "
		    "WHERE id = ? AND status = 'failed'",
		    P(V_INT(now_unix()), V_INT(o->id))))
		return ST_DB;
	if (db_changes(db) != 1)
		return ST_NOT_FOUND;
	return audit_append(db, o->who, "mail.retry", "mail", o->id, NULL) ? ST_DB : ST_OK;
}

static int outbox_retry(struct req *req)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = req_actor(req);
	struct retry_op o = { &who, req_param_int(req, "id"), &fe };
	int rc = reply_status_of(req, db_tx_st(req->db, retry_fn, &o), &fe);
	ferr_release(&fe);
	return rc;
}

/* --- reminders from tasks ----------------------------------------------------------------- */

/* The permissions of `user_id`, NULL-terminated, sorted (from the arena). */
static const char **perms_of(struct db *db, int64_t user_id, struct arena *a)
{
	struct dbrows r;
	size_t n = 0, cap = 16;
	const char **out = arena_alloc(a, cap * sizeof(*out));
	if (db_query(db, &r,
		     "SELECT DISTINCT rp.permission FROM user_roles ur JOIN role_permissions rp ON "
		     "rp.role_id = ur.role_id WHERE ur.user_id = ? ORDER BY rp.permission",
		     P(V_INT(user_id))))
		return NULL;
	while (db_next(&r)) {
		if (n + 1 == cap) {
			const char **bigger = arena_alloc(a, 2 * cap * sizeof(*out));
			memcpy(bigger, out, n * sizeof(*out));
			out = bigger;
			cap *= 2;
		}
		out[n++] = arena_strdup(a, db_text(&r, 0));
	}
	out[n] = NULL;
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? NULL : out;
}

struct remind_op {
	int64_t user_id;
	json_t *tasks;
	const struct task_source **sources; /* the source of each task */
	const char *soon;                   /* due on or before this date: "due soon" */
};

static enum status remind_fn(struct db *db, void *arg)
{
	struct remind_op *o = arg;
	size_t i;
	json_t *t;
	json_array_foreach(o->tasks, i, t)
	{
		const struct task_source *s = o->sources[i];
		const char *kind = json_string_value(json_object_get(t, "kind"));
		const char *due = json_string_value(json_object_get(t, "due_on"));
		const char *state = json_is_true(json_object_get(t, "overdue")) ? "task_overdue"
				    : due && strcmp(due, o->soon) <= 0          ? "task_due_soon"
										: "task_new";
		/* Approvals are noticed when they arrive; only their deadlines remind here. */
		if (!strcmp(state, "task_new") && !strcmp(kind, "approval"))
			continue;
		char key[300];
		snprintf(key, sizeof(key), "%s:%s", state,
			 json_string_value(json_object_get(t, "key")));
		json_t *params = json_pack("{s:s,s:s?}", "task_kind", kind, "due_on", due);
		json_t *tp = json_object_get(t, "params");
		if (json_is_object(tp))
			json_object_update_missing(params, tp);
		struct notice n = { .user_id = o->user_id,
				    .kind = state,
				    .key = key,
				    .title = json_string_value(json_object_get(t, "title")),
				    .link = json_string_value(json_object_get(t, "link")),
				    .params = params,
				    .about_ja = s->label_ja,
				    .about_en = s->label_en,
				    .private_title = s->private_title,
				    .urgent = s->urgent };
		int rc = notify_tx(db, &n, NULL);
		json_decref(params);
		if (rc)
			return ST_DB;
	}
	return ST_OK;
}

int notifications_remind(struct app *app, struct db *db, int64_t user_id)
{
	struct arena a = ARENA_INIT;
	struct workcal cal;
	char today[11], soon[11];
	int64_t dept = 0, days = 2;
	bool found;
	tz_today(today);
	if (work_calendar(app, db, &cal) ||
	    db_query_int(db, &dept, &found,
			 "SELECT COALESCE(department_id, 0) FROM users WHERE id = ?",
			 P(V_INT(user_id))) ||
	    db_query_int(db, &days, &found, "SELECT due_soon_days FROM mail_settings WHERE id = 1",
			 P0)) {
		arena_release(&a);
		return -1;
	}
	jpcal_add_workdays(today, days > 0 ? (int)days : 1, &cal, soon);
	const char **perms = perms_of(db, user_id, &a);
	if (!perms) {
		arena_release(&a);
		return -1;
	}
	struct task_query q = { app, db, user_id, dept, perms, today };
	json_t *tasks = json_array();
	const struct task_source **sources = NULL;
	size_t cap = 0;
	int rc = 0;
	for (size_t m = 0; m < module_count && !rc; m++)
		for (const struct task_source *s = modules[m].tasks; s && s->kind && !rc; s++) {
			if (s->perm && !wf_has_perm(perms, s->perm))
				continue;
			size_t before = json_array_size(tasks);
			rc = s->list(&q, tasks);
			if (json_array_size(tasks) > cap) {
				cap = 2 * json_array_size(tasks);
				sources = xrealloc(sources, cap * sizeof(*sources));
			}
			for (size_t i = before; i < json_array_size(tasks); i++)
				sources[i] = s;
		}
	if (!rc && json_array_size(tasks)) {
		struct remind_op o = { user_id, tasks, sources, soon };
		rc = db_tx_st(db, remind_fn, &o) == ST_OK ? 0 : -1;
	}
	free(sources);
	json_decref(tasks);
	arena_release(&a);
	return rc;
}

/* --- digests ------------------------------------------------------------------------------ */

struct digest_op {
	int64_t user_id;
	const char *today;
};

static enum status digest_fn(struct db *db, void *arg)
{
	struct digest_op *o = arg;
	struct dbrows r;
	struct buf body = BUF_INIT;
	char to[256] = "", name[201] = "", locale[8] = "ja";
	int64_t n = 0, now = now_unix();
	if (db_query(db, &r,
		     "SELECT m.subject, u.email, u.name, u.locale FROM mail_outbox m JOIN users u "
		     "ON "
		     "u.id = m.user_id WHERE m.user_id = ? AND m.status = 'held' ORDER BY m.id",
		     P(V_INT(o->user_id))))
		return ST_DB;
	while (db_next(&r)) {
		if (!n) {
			snprintf(to, sizeof(to), "%s", db_text(&r, 1) ? db_text(&r, 1) : "");
			snprintf(name, sizeof(name), "%s", db_text(&r, 2));
			snprintf(locale, sizeof(locale), "%s", db_text(&r, 3));
		}
		buf_printf(&body, "- %s\n", db_text(&r, 0));
		n++;
	}
	int failed = r.failed;
	db_rows_free(&r);
	enum status st = ST_DB;
	if (failed)
		goto out;
	if (db_exec(db, "UPDATE notification_prefs SET last_digest_on = ? WHERE user_id = ?",
		    P(V_TEXT(o->today), V_INT(o->user_id))))
		goto out;
	if (n && *to) {
		bool en = !strcmp(locale, "en");
		struct buf text = BUF_INIT, subject = BUF_INIT;
		buf_printf(&subject,
			   en ? "[mamori] Your daily summary (%lld)"
			      : "[mamori] 本日のまとめ（%lld 件）",
			   (long long)n);
		buf_printf(
			&text,
			en ? "%s,\n\nWhat came for you since the last summary:\n\n%s\nOpen mamori "
			     "to see them all.\n"
			   : "%s 様\n\n前回のまとめから届いた通知です。\n\n%s\nmamori "
			     "を開いて、一覧で確かめてください。\n",
			name, body.buf);
		int rc = db_exec(
			db,
			"INSERT INTO mail_outbox (user_id, to_addr, to_name, subject, body, "
			"status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, "
			"'queued', ?, ?)",
			P(V_INT(o->user_id), V_TEXT(to), V_TEXT(name), V_TEXT(subject.buf),
			  V_TEXT(text.buf), V_INT(now), V_INT(now)));
		buf_release(&text);
		buf_release(&subject);
		if (rc ||
		    db_exec(db,
			    "UPDATE mail_outbox SET status = 'digested' WHERE user_id = ? AND "
			    "status = 'held'",
			    P(V_INT(o->user_id))))
			goto out;
	}
	st = ST_OK;
out:
	buf_release(&body);
	return st;
}

static int send_digests(struct db *db)
{
	struct dbrows r;
	char today[11], now_hm[6];
	int64_t t = now_unix(), local = t + tz_offset(t), *ids = NULL;
	size_t n = 0, cap = 0;
	tz_today(today);
	int minutes = (int)((local % 86400 + 86400) % 86400 / 60);
	now_hm[0] = (char)('0' + minutes / 600);
	now_hm[1] = (char)('0' + minutes / 60 % 10);
	now_hm[2] = ':';
	now_hm[3] = (char)('0' + minutes % 60 / 10);
	now_hm[4] = (char)('0' + minutes % 10);
	now_hm[5] = '\0';
	if (db_query(db, &r,
		     "SELECT user_id FROM notification_prefs WHERE digest = 1 AND digest_at <= ? "
		     "AND "
		     "(last_digest_on IS NULL OR last_digest_on < ?) ORDER BY user_id",
		     P(V_TEXT(now_hm), V_TEXT(today))))
		return -1;
	while (db_next(&r)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = db_int(&r, 0);
	}
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++) {
		struct digest_op o = { ids[i], today };
		failed = db_tx_st(db, digest_fn, &o) != ST_OK;
	}
	free(ids);
	return failed ? -1 : 0;
}

int notifications_job(struct app *app, struct db *db)
{
	struct dbrows r;
	int64_t from = 0, *ids = NULL;
	size_t n = 0, cap = 0;
	bool found;
	if (db_query_int(db, &from, &found, "SELECT next_user_id FROM notify_state WHERE id = 1",
			 P0) ||
	    db_query(db, &r,
		     "SELECT id FROM users WHERE status = 'active' AND id > ? ORDER BY id LIMIT ?",
		     P(V_INT(from), V_INT(REMIND_BATCH))))
		return -1;
	while (db_next(&r)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = db_int(&r, 0);
	}
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < n && !failed; i++)
		failed = notifications_remind(app, db, ids[i]) != 0;
	/* Next run starts after the last person reminded, or from the start again. */
	int64_t next = n == REMIND_BATCH ? ids[n - 1] : 0;
	free(ids);
	if (failed ||
	    db_exec(db, "UPDATE notify_state SET next_user_id = ? WHERE id = 1", P(V_INT(next))))
		return -1;
	return send_digests(db);
}

/* --- the sender --------------------------------------------------------------------------- */

struct outgoing {
	int64_t id;
	int attempts;
	char *to, *to_name, *subject, *body;
	const char *gone; /* why it must not go (gone_reason), or NULL */
	bool claimed, sent;
	struct buf err;
};

/* The outcome of sent[from, to) in one transaction. */
static int record(struct db *db, struct outgoing *out, size_t from, size_t to)
{
	if (from == to)
		return 0;
	if (db_begin(db))
		return -1;
	for (size_t i = from; i < to; i++) {
		struct outgoing *m = &out[i];
		if (!m->claimed)
			continue;
		if (m->sent) {
			if (db_exec(db,
				    "UPDATE mail_outbox SET status = 'sent', sent_at = ?, "
				    "attempts = attempts + 1, last_error = NULL WHERE id = ?",
				    P(V_INT(now_unix()), V_INT(m->id))))
				goto fail;
			continue;
		}
		/* Backoff: 30 s, 1, 2, 4… minutes; after the last attempt, failed. */
		int attempts = m->attempts + 1;
		bool last = attempts >= MAX_ATTEMPTS;
		const char *why = m->err.buf ? m->err.buf : "error";
		if (db_exec(db,
			    "UPDATE mail_outbox SET status = ?, attempts = ?, next_attempt_at = ?, "
			    "last_error = ? WHERE id = ?",
			    P(V_TEXT(last ? "failed" : "queued"), V_INT(attempts),
			      V_INT(now_unix() + (30LL << (attempts - 1))), V_TEXT(why),
			      V_INT(m->id))))
			goto fail;
		if (last) {
			json_t *sum = json_pack("{s:s}", "error", why);
			int rc = audit_append(db, &job_actor, "mail.failed", "mail", m->id, sum);
			json_decref(sum);
			if (rc)
				goto fail;
		}
	}
	return db_commit(db);
fail:
	db_rollback(db);
	return -1;
}

/* A mail whose person left or changed their address since it was queued: not sent, and
 * marked failed with the reason, where the administrator looks for mails that did not go
 * (a retry asks the same question). Inside the claim's transaction; m stays unclaimed. */
static int withhold(struct db *db, struct outgoing *m)
{
	if (db_exec(db,
		    "UPDATE mail_outbox SET status = 'failed', last_error = ? WHERE id = ? AND "
		    "status = 'queued'",
		    P(V_TEXT(m->gone), V_INT(m->id))))
		return -1;
	if (db_changes(db) != 1)
		return 0; /* taken by another sender meanwhile */
	json_t *sum = json_pack("{s:s}", "error", m->gone);
	int rc = audit_append(db, &job_actor, "mail.failed", "mail", m->id, sum);
	json_decref(sum);
	return rc;
}

/* One batch: the due mails claimed together (so that no other sender takes them), sent
 * through `conn`, their outcome recorded every RECORD_EVERY mails — a crash while sending
 * repeats at most that many, once their claim is stale. Returns how many were read from the
 * queue (0: nothing due), or -1 on a database error. A mail the server refuses, or the run's
 * time running out, ends the run (`*stop`): the rest are released for the next run rather
 * than each waiting out a server that is down. */
static int send_batch(struct db *db, struct mail_conn *conn, int64_t deadline, bool *stop)
{
	struct dbrows r;
	struct outgoing *out = NULL;
	size_t n = 0, cap = 0;
	if (db_query(db, &r,
		     "SELECT m.id, m.attempts, m.to_addr, m.to_name, m.subject, "
		     "m.body, " RECIPIENT_GONE
		     " FROM mail_outbox m LEFT JOIN users u ON u.id = m.user_id WHERE m.status = "
		     "'queued' AND m.next_attempt_at <= ? ORDER BY m.id LIMIT ?",
		     P(V_INT(now_unix()), V_INT(SEND_BATCH))))
		return -1;
	while (db_next(&r)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			out = xrealloc(out, cap * sizeof(*out));
		}
		out[n++] = (struct outgoing){
			.id = db_int(&r, 0),
			.attempts = (int)db_int(&r, 1),
			.to = xstrdup(db_text(&r, 2)),
			.to_name = xstrdup(db_text(&r, 3) ? db_text(&r, 3) : ""),
			.subject = xstrdup(db_text(&r, 4)),
			.body = xstrdup(db_text(&r, 5)),
			.gone = db_int(&r, 6) ? gone_reason(db_int(&r, 6)) : NULL,
			.err = BUF_INIT,
		};
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (!failed && n) {
		failed = db_begin(db);
		for (size_t i = 0; i < n && !failed; i++) {
			if (out[i].gone) {
				failed = withhold(db, &out[i]);
				continue;
			}
			failed =
				db_exec(db,
					"UPDATE mail_outbox SET status = 'sending', claimed_at = ? "
					"WHERE id = ? AND status = 'queued'",
					P(V_INT(now_unix()), V_INT(out[i].id)));
			out[i].claimed = !failed && db_changes(db) == 1;
		}
		if (!failed)
			failed = db_commit(db);
		else
			db_rollback(db);
	}
	size_t done = 0; /* out[0, done) recorded */
	for (size_t i = 0; i < n && !failed; i++) {
		struct outgoing *m = &out[i];
		if (*stop || now_unix() >= deadline) {
			*stop = true;
			/* Not tried: back to the queue as it was. */
			if (m->claimed &&
			    db_exec(db, "UPDATE mail_outbox SET status = 'queued' WHERE id = ?",
				    P(V_INT(m->id))))
				failed = 1;
			m->claimed = false;
			continue;
		}
		if (!m->claimed)
			continue;
		char seed[40];
		snprintf(seed, sizeof(seed), "outbox:%lld", (long long)m->id);
		struct mail mail = { m->to, m->to_name, m->subject, m->body, seed };
		m->sent = mail_conn_send(conn, &mail, &m->err) == 0;
		if (!m->sent)
			*stop = true;
		if (i + 1 - done >= RECORD_EVERY) {
			failed = record(db, out, done, i + 1);
			done = i + 1;
		}
	}
	if (!failed)
		failed = record(db, out, done, n);
	for (size_t i = 0; i < n; i++) {
		free(out[i].to);
		free(out[i].to_name);
		free(out[i].subject);
		free(out[i].body);
		buf_release(&out[i].err);
	}
	free(out);
	return failed ? -1 : (int)n;
}

int notifications_worker(struct app *app, struct db *db)
{
	struct mail_conf c;
	int64_t now = now_unix();
	if (conf_load(app, db, &c))
		return -1;
	/* A claim left by a crash while sending: back in the queue. */
	if (db_exec(db,
		    "UPDATE mail_outbox SET status = 'queued' WHERE status = 'sending' AND "
		    "claimed_at < ?",
		    P(V_INT(now - SENDING_STALE)))) {
		conf_release(&c);
		return -1;
	}
	if (!c.enabled) {
		conf_release(&c);
		return 0;
	}
	struct mail_server s = server_of(&c);
	struct mail_conn *conn = mail_conn_open(&s);
	int rc = conn ? 0 : -1;
	bool stop = false;
	/* Batches through one connection until the queue is empty or the run's time is spent;
	 * the next run carries on. */
	while (conn && !stop) {
		int taken = send_batch(db, conn, now + SEND_BUDGET_S, &stop);
		if (taken <= 0) {
			rc = taken < 0 ? -1 : 0;
			break;
		}
	}
	mail_conn_close(conn);
	conf_release(&c);
	return rc;
}

/* --- routes ------------------------------------------------------------------------------- */

static const char *const flags[] = { "0", "1", NULL };
static const char *const securities[] = { "none", "starttls", "tls", NULL };
static const char *const statuses[] = { "held",   "queued",   "sending", "sent",
					"failed", "digested", NULL };

static const struct field list_query[] = {
	{ "unread", FT_ENUM, 0, .choices = flags },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct field read_body[] = {
	{ "ids", FT_INTARRAY, F_REQUIRED },
	{ 0 },
};

static const struct field prefs_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 0 },
	{ "email_off", FT_STRARRAY, 0, .max = 32 },
	{ "digest", FT_BOOL, 0 },
	{ "digest_at", FT_STRING, 0, .max = 8 }, /* HH:MM, checked by the handler */
	{ 0 },
};

static const struct field mail_body[] = {
	{ "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
	{ "enabled", FT_BOOL, 0 },
	{ "host", FT_STRING, 0, .max = 253 },
	{ "port", FT_INT, 0, .min = 1, .max = 65535 },
	{ "security", FT_ENUM, 0, .choices = securities },
	{ "username", FT_STRING, 0, .max = 254 },
	{ "password", FT_STRING, F_NULLABLE, .max = 254 },
	{ "from_addr", FT_STRING, 0, .max = 254 },
	{ "from_name", FT_STRING, 0, .max = 100 },
	{ "base_url", FT_STRING, 0, .max = 250 },
	{ "due_soon_days", FT_INT, 0, .min = 1, .max = 30 },
	{ 0 },
};

static const struct field test_body[] = {
	{ "to", FT_STRING, F_REQUIRED, .min = 3, .max = 254 },
	{ 0 },
};

static const struct field outbox_query[] = {
	{ "status", FT_ENUM, 0, .choices = statuses },
	{ "limit", FT_INT, 0, .min = 1, .max = PAGE_MAX },
	{ "cursor", FT_ID, 0 },
	{ 0 },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/me/notifications", PERM_SIGNED_IN, me_notifications,
	  .query = list_query },
	{ "POST", "/api/v1/me/notifications/read", PERM_SIGNED_IN, me_notifications_read,
	  .body = read_body },
	{ "POST", "/api/v1/me/notifications/read-all", PERM_SIGNED_IN, me_notifications_read_all },
	{ "GET", "/api/v1/me/notification-prefs", PERM_SIGNED_IN, me_prefs },
	{ "PATCH", "/api/v1/me/notification-prefs", PERM_SIGNED_IN, me_prefs_patch,
	  .body = prefs_body },
	{ "GET", "/api/v1/mail/settings", "settings.read", mail_settings_show },
	{ "PATCH", "/api/v1/mail/settings", "settings.write", mail_settings_patch,
	  .body = mail_body },
	{ "POST", "/api/v1/mail/test", "settings.write", mail_test, .body = test_body,
	  .flags = R_CONFIRM },
	{ "GET", "/api/v1/mail/outbox", "settings.read", outbox_list, .query = outbox_query },
	{ "POST", "/api/v1/mail/outbox/{id:int}/retry", "settings.write", outbox_retry },
};

const struct route_table notifications_routes = { routes, ARRAY_SIZE(routes) };
