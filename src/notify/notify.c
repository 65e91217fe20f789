/* notify.c — storing notices and queueing their mails, worded in each person's language. */
#include <string.h>

#include "notify.h"
#include "../lib/timeutil.h"

/* What each kind of notice says, in Japanese and English: a subject and the first line. */
static const struct {
	const char *kind, *subject_ja, *line_ja, *subject_en, *line_en;
} words[] = {
	{ "approval_needed", "承認をお願いします", "あなたの承認を待っている申請があります。",
	  "Your approval is needed", "A request is waiting for your approval." },
	{ "approval_decided", "申請が判断されました", "あなたの申請について判断がありました。",
	  "Your request was decided", "Your request has been decided." },
	{ "approval_escalated", "承認が引き継がれました",
	  "判断を待つ時間が過ぎた申請が、あなたに引き継がれました。",
	  "An approval was passed to you",
	  "A request that waited too long has been passed to you." },
	{ "task_new", "新しいやることがあります", "あなたのやることが増えました。",
	  "Something new to do", "There is something new for you to do." },
	{ "task_due_soon", "期限が近づいています", "期限が近いやることがあります。", "Due soon",
	  "Something you have to do is due soon." },
	{ "task_overdue", "期限を過ぎています", "期限を過ぎたやることがあります。", "Overdue",
	  "Something you have to do is overdue." },
};

static size_t word_index(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].kind, kind))
			return i;
	return 3; /* a new task: the plainest wording */
}

/* Does the person's e-mail_off list (a JSON array of kinds) name `kind`? */
static bool muted(const char *list, const char *kind)
{
	json_t *a = list ? json_loads(list, 0, NULL) : NULL;
	size_t i;
	json_t *e;
	bool off = false;
	json_array_foreach(a, i, e)
	{
		off |= json_is_string(e) && !strcmp(json_string_value(e), kind);
	}
	json_decref(a);
	return off;
}

/* Queues the notice's mail when the organisation sends mail and the person wants it. */
static int queue_mail(struct db *db, const struct notice *n, int64_t notice_id)
{
	struct dbrows r;
	char to[256] = "", name[201] = "", locale[8] = "ja", base[256] = "";
	bool wanted = false, digest = false;
	if (db_query(db, &r,
		     "SELECT u.email, u.name, u.locale, u.status, p.email_off, COALESCE(p.digest, "
		     "0), "
		     "m.enabled, m.base_url FROM users u LEFT JOIN notification_prefs p ON "
		     "p.user_id "
		     "= u.id LEFT JOIN mail_settings m ON m.id = 1 WHERE u.id = ?",
		     P(V_INT(n->user_id))))
		return -1;
	if (db_next(&r)) {
		const char *email = db_text(&r, 0);
		wanted = email && *email && !strcmp(db_text(&r, 3), "active") &&
			 !db_isnull(&r, 6) && db_int(&r, 6) == 1 && !muted(db_text(&r, 4), n->kind);
		snprintf(to, sizeof(to), "%s", email ? email : "");
		snprintf(name, sizeof(name), "%s", db_text(&r, 1));
		snprintf(locale, sizeof(locale), "%s", db_text(&r, 2));
		digest = db_int(&r, 5) != 0;
		snprintf(base, sizeof(base), "%s", db_text(&r, 7) ? db_text(&r, 7) : "");
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	if (!wanted)
		return 0;
	size_t w = word_index(n->kind);
	bool en = !strcmp(locale, "en");
	const char *about = en ? n->about_en : n->about_ja;
	struct buf subject = BUF_INIT, body = BUF_INIT;
	buf_printf(&subject, "[mamori] %s", en ? words[w].subject_en : words[w].subject_ja);
	if (about && *about)
		buf_printf(&subject, en ? ": %s" : "：%s", about);
	buf_printf(&body, en ? "%s,\n\n%s\n" : "%s 様\n\n%s\n", name,
		   en ? words[w].line_en : words[w].line_ja);
	if (about && *about)
		buf_printf(&body, en ? "\nKind: %s\n" : "\n種類: %s\n", about);
	if (n->title && *n->title && !n->private_title)
		buf_printf(&body, en ? "Subject: %s\n" : "件名: %s\n", n->title);
	if (n->link)
		buf_printf(&body, en ? "\nOpen it in mamori:\n%s%s\n" : "\nmamori で開く:\n%s%s\n",
			   base, n->link);
	buf_adds(&body, en ? "\n-- \nSent by mamori. Change which mails you get in mamori, under "
			     "Notifications.\n"
			   : "\n-- \nmamori からの自動送信です。受け取るメールは mamori の「通知」"
			     "で変えられます。\n");
	int64_t now = now_unix();
	int rc = db_exec(
		db,
		"INSERT INTO mail_outbox (notification_id, user_id, to_addr, to_name, subject, "
		"body, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		P(V_ID(notice_id), V_INT(n->user_id), V_TEXT(to), V_TEXT(name), V_TEXT(subject.buf),
		  V_TEXT(body.buf), V_TEXT(digest && !n->urgent ? "held" : "queued"), V_INT(now),
		  V_INT(now)));
	buf_release(&subject);
	buf_release(&body);
	return rc;
}

int notify_tx(struct db *db, const struct notice *n, bool *added)
{
	char *params = n->params ? json_dumps(n->params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int64_t id = 0;
	if (added)
		*added = false;
	int rc = db_exec(
		db,
		"INSERT INTO notifications (user_id, kind, key, title, link, params, urgent, "
		"created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, key) DO "
		"NOTHING",
		P(V_INT(n->user_id), V_TEXT(n->kind), V_TEXT(n->key),
		  V_TEXT(n->title ? n->title : ""), V_TEXT(n->link), V_TEXT(params),
		  V_BOOL(n->urgent), V_INT(now_unix())));
	free(params);
	if (rc)
		return -1;
	if (db_changes(db) != 1)
		return 0; /* noticed before: once is enough */
	bool found;
	if (db_query_int(db, &id, &found,
			 "SELECT id FROM notifications WHERE user_id = ? AND key = ?",
			 P(V_INT(n->user_id), V_TEXT(n->key))))
		return -1;
	if (added)
		*added = true;
	return queue_mail(db, n, id);
}

/* Holds the person `u.id` permission `?`? (An SQL condition, one bound value.) */
#define HOLDS                                                                                      \
	"EXISTS (SELECT 1 FROM user_roles hr JOIN role_permissions hp ON hp.role_id = "            \
	"hr.role_id WHERE hr.user_id = u.id AND hp.permission = ?)"

int notify_holder_tx(struct db *db, const char *perm, const struct notice *n)
{
	int64_t one;
	bool found;
	if (db_query_int(db, &one, &found,
			 "SELECT 1 FROM users u WHERE u.id = ? AND u.status = 'active' AND " HOLDS,
			 P(V_INT(n->user_id), V_TEXT(perm))))
		return -1;
	return found ? notify_tx(db, n, NULL) : 0;
}

int notify_holders_tx(struct db *db, const char *perm, const char *also, int64_t except_id,
		      const struct notice *n)
{
	struct dbrows r;
	int64_t *ids = NULL;
	size_t count = 0, cap = 0;
	if (db_query(db, &r,
		     "SELECT u.id FROM users u WHERE u.status = 'active' AND u.id <> ? AND " HOLDS
		     " AND " HOLDS " ORDER BY u.id LIMIT 1000",
		     P(V_INT(except_id), V_TEXT(perm), V_TEXT(also ? also : perm))))
		return -1;
	while (db_next(&r)) {
		if (count == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[count++] = db_int(&r, 0);
	}
	int failed = r.failed;
	db_rows_free(&r);
	for (size_t i = 0; i < count && !failed; i++) {
		struct notice one = *n;
		one.user_id = ids[i];
		failed = notify_tx(db, &one, NULL) != 0;
	}
	free(ids);
	return failed ? -1 : 0;
}
