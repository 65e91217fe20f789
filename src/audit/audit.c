/* audit.c — appending to and verifying the hash chain. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "../lib/buf.h"
#include "../lib/timeutil.h"
#include "../lib/util.h"

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* Decimal digits of v at the end of tmp[24]; returns the start. (No printf: verification
 * formats millions of these.) */
static char *decimal(char tmp[24], int64_t v)
{
	char *p = tmp + 23;
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return p;
}

static void field_n(struct buf *b, const char *s, size_t n)
{
	char tmp[24];
	buf_adds(b, decimal(tmp, (int64_t)n));
	buf_add(b, ":", 1);
	buf_add(b, s, n);
	buf_add(b, "\n", 1);
}

static void field(struct buf *b, const char *s)
{
	s = s ? s : "";
	field_n(b, s, strlen(s));
}

static void field_int(struct buf *b, int64_t v)
{
	char tmp[24];
	field(b, decimal(tmp, v));
}

void audit_hash(const char *prev_hash_hex, int64_t seq, int64_t at, int64_t actor_id,
		const char *actor_login, const char *ip, const char *action,
		const char *object_type, int64_t object_id, const char *summary,
		char out[AUDIT_HASH_HEX])
{
	unsigned char prev[32], h[32];
	if (hex_decode(prev_hash_hex, prev, sizeof(prev)))
		memset(prev, 0xff, sizeof(prev)); /* a malformed link can never verify */
	struct buf b = BUF_INIT;
	buf_add(&b, prev, sizeof(prev));
	field_int(&b, seq);
	field_int(&b, at);
	field_int(&b, actor_id);
	field(&b, actor_login);
	field(&b, ip);
	field(&b, action);
	field(&b, object_type);
	field_int(&b, object_id);
	field(&b, summary);
	crypto_generichash(h, sizeof(h), (const unsigned char *)b.buf, b.len, NULL, 0);
	hex_encode(h, sizeof(h), out);
	buf_release(&b);
}

int audit_head(struct db *db, int64_t *seq, char hash[AUDIT_HASH_HEX])
{
	struct dbrows r;
	*seq = 0;
	memcpy(hash, zero_hash, AUDIT_HASH_HEX);
	if (db_query(db, &r, "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", P0))
		return -1;
	if (db_next(&r)) {
		*seq = db_int(&r, 0);
		snprintf(hash, AUDIT_HASH_HEX, "%s", db_text(&r, 1) ? db_text(&r, 1) : "");
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

int audit_append(struct db *db, const struct actor *who, const char *action,
		 const char *object_type, int64_t object_id, json_t *summary)
{
	int64_t seq;
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX];
	if (db_lock_chain(db) || audit_head(db, &seq, prev))
		return -1;
	seq++;
	int64_t at = now_unix();
	char *sum = summary ? json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS) : xstrdup("{}");
	if (!sum)
		sum = xstrdup("{}");
	audit_hash(prev, seq, at, who ? who->id : 0, who ? who->login : NULL, who ? who->ip : NULL,
		   action, object_type, object_id, sum, hash);
	int rc = db_exec(db,
			 "INSERT INTO audit_events (seq, at, actor_id, actor_login, ip, action, "
			 "object_type, object_id, summary, prev_hash, hash) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 P(V_INT(seq), V_INT(at), V_INT(who ? who->id : 0),
			   V_TEXT(who && who->login ? who->login : ""),
			   V_TEXT(who && who->ip ? who->ip : ""), V_TEXT(action),
			   V_TEXT(object_type ? object_type : ""), V_INT(object_id), V_TEXT(sum),
			   V_TEXT(prev), V_TEXT(hash)));
	free(sum);
	return rc;
}

int audit_change(struct db *db, const struct actor *who, const char *action,
		 const char *object_type, int64_t object_id, json_t *before, json_t *after)
{
	json_t *sum = json_object();
	if (before)
		json_object_set(sum, "before", before);
	if (after)
		json_object_set(sum, "after", after);
	int rc = audit_append(db, who, action, object_type, object_id, sum);
	json_decref(sum);
	return rc;
}

struct append_args {
	const struct actor *who;
	const char *action, *object_type;
	int64_t object_id;
	json_t *summary;
};

static int append_fn(struct db *db, void *arg)
{
	struct append_args *a = arg;
	return audit_append(db, a->who, a->action, a->object_type, a->object_id, a->summary);
}

int audit_append_tx(struct db *db, const struct actor *who, const char *action,
		    const char *object_type, int64_t object_id, json_t *summary)
{
	struct append_args a = { who, action, object_type, object_id, summary };
	return db_tx(db, append_fn, &a);
}

static void bad(struct audit_verdict *v, int64_t seq, const char *reason)
{
	if (!v->intact)
		return;
	v->intact = false;
	v->bad_seq = seq;
	snprintf(v->reason, sizeof(v->reason), "%s", reason);
}

int audit_verify(struct db *db, int64_t expect_seq, const char *expect_hash,
		 struct audit_verdict *v)
{
	struct dbrows r;
	memset(v, 0, sizeof(*v));
	v->intact = true;
	memcpy(v->head_hash, zero_hash, AUDIT_HASH_HEX);
	char prev[AUDIT_HASH_HEX];
	memcpy(prev, zero_hash, AUDIT_HASH_HEX);
	bool expect_found = false;
	if (db_query(db, &r, "SELECT " AUDIT_COLUMNS " FROM audit_events ORDER BY seq", P0))
		return -1;
	while (db_next(&r)) {
		int64_t seq = db_int(&r, 0);
		const char *stored_prev = db_text(&r, 9), *stored = db_text(&r, 10);
		char h[AUDIT_HASH_HEX];
		v->count++;
		if (v->intact) {
			if (seq != v->head_seq + 1)
				bad(v, v->head_seq + 1,
				    "an event is missing here: the sequence jumps (deleted event)");
			else if (!stored_prev || strcmp(stored_prev, prev))
				bad(v, seq,
				    "prev_hash does not match the previous event "
				    "(events removed, inserted or reordered)");
			audit_hash(stored_prev ? stored_prev : "", seq, db_int(&r, 1),
				   db_int(&r, 2), db_text(&r, 3), db_text(&r, 4), db_text(&r, 5),
				   db_text(&r, 6), db_int(&r, 7), db_text(&r, 8), h);
			if (!stored || strcmp(h, stored))
				bad(v, seq, "the event's content does not match its hash (edited)");
		}
		if (expect_seq && seq == expect_seq) {
			expect_found = true;
			if (!stored || strcmp(stored, expect_hash))
				bad(v, seq, "this event's hash differs from the expected head");
		}
		v->head_seq = seq;
		snprintf(v->head_hash, AUDIT_HASH_HEX, "%s", stored ? stored : "");
		memcpy(prev, v->head_hash, AUDIT_HASH_HEX);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (failed)
		return -1;
	if (expect_seq && !expect_found)
		bad(v, expect_seq, "the expected head event is missing (trail truncated)");
	return 0;
}

json_t *audit_row_json(struct dbrows *r)
{
	char at[21];
	time_rfc3339(db_int(r, 1), at);
	json_error_t err;
	const char *sum = db_text(r, 8);
	json_t *summary = sum ? json_loads(sum, 0, &err) : NULL;
	const char *login = db_text(r, 3);
	return json_pack(
		"{s:I,s:s,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:s,s:s}", "seq", (json_int_t)db_int(r, 0),
		"at", at, "actor_id", db_int(r, 2) ? json_integer(db_int(r, 2)) : json_null(),
		"actor_login", login && *login ? json_string(login) : json_null(), "ip",
		db_text(r, 4) ? db_text(r, 4) : "", "action", db_text(r, 5) ? db_text(r, 5) : "",
		"object_type", db_text(r, 6) ? db_text(r, 6) : "", "object_id",
		db_int(r, 7) ? json_integer(db_int(r, 7)) : json_null(), "summary",
		summary ? summary : json_object(), "prev_hash", db_text(r, 9) ? db_text(r, 9) : "",
		"hash", db_text(r, 10) ? db_text(r, 10) : "");
}
