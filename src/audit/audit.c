/* audit.c — appending to and verifying the keyed hash chain, and its head record. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "../lib/buf.h"
#include "../lib/crypto.h"
#include "../lib/timeutil.h"
#include "../lib/util.h"

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* A field of the canonical form: its bytes as stored. */
struct bytes {
	const char *s;
	size_t n;
};

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

static struct bytes text_of(const char *s)
{
	s = s ? s : "";
	return (struct bytes){ s, strlen(s) };
}

void audit_key_derive(const unsigned char master_key[32], unsigned char out[AUDIT_KEY_BYTES])
{
	crypto_kdf_derive_from_key(out, AUDIT_KEY_BYTES, 1, "mamoriAU", master_key);
}

/* The head record's own key, so that no event's MAC can stand in for the head's. */
static void head_key(const unsigned char *key, unsigned char out[32])
{
	crypto_kdf_derive_from_key(out, 32, 2, "mamoriHD", key);
}

/* MAC (or, key NULL, the unkeyed hash) of prev's 32 bytes and the nine canonical fields. The
 * bytes are gathered first and hashed in one call (verification hashes millions of events). */
static void chain_hash_bin(const unsigned char *key, const unsigned char prev[32],
			   const struct bytes f[9], unsigned char out[32])
{
	unsigned char small[2048];
	char tmp[24];
	size_t need = 32;
	for (int i = 0; i < 9; i++)
		need += f[i].n + 24;
	unsigned char *msg = need <= sizeof(small) ? small : xmalloc(need), *p = msg;
	memcpy(p, prev, 32);
	p += 32;
	for (int i = 0; i < 9; i++) {
		const char *len = decimal(tmp, (int64_t)f[i].n);
		size_t ln = (size_t)(tmp + 23 - len);
		memcpy(p, len, ln);
		p += ln;
		*p++ = ':';
		if (f[i].n)
			memcpy(p, f[i].s, f[i].n);
		p += f[i].n;
		*p++ = '\n';
	}
	crypto_generichash(out, 32, msg, (size_t)(p - msg), key, key ? AUDIT_KEY_BYTES : 0);
	if (msg != small)
		free(msg);
}

/* The same as hex, prev given as hex. */
static void chain_hash(const unsigned char *key, const char *prev_hex, const struct bytes f[9],
		       char out[AUDIT_HASH_HEX])
{
	unsigned char prev[32], h[32];
	if (!prev_hex || hex_decode(prev_hex, prev, 32))
		memset(prev, 0xff, 32); /* a malformed link can never verify */
	chain_hash_bin(key, prev, f, h);
	hex_encode(h, sizeof(h), out);
}

void audit_hash(const unsigned char *key, const char *prev_hash_hex, int64_t seq, int64_t at,
		int64_t actor_id, const char *actor_login, const char *ip, const char *action,
		const char *object_type, int64_t object_id, const char *summary,
		char out[AUDIT_HASH_HEX])
{
	char t[4][24];
	struct bytes f[9] = { text_of(decimal(t[0], seq)),
			      text_of(decimal(t[1], at)),
			      text_of(decimal(t[2], actor_id)),
			      text_of(actor_login),
			      text_of(ip),
			      text_of(action),
			      text_of(object_type),
			      text_of(decimal(t[3], object_id)),
			      text_of(summary) };
	chain_hash(key, prev_hash_hex, f, out);
}

/* The head record's MAC over its three values as text. */
static void head_mac(const unsigned char *key, struct bytes seq, struct bytes hash,
		     struct bytes keyed_from, char out[AUDIT_HASH_HEX])
{
	unsigned char hk[32];
	struct bytes f[9] = { text_of("head"), seq, hash, keyed_from };
	for (int i = 4; i < 9; i++)
		f[i] = text_of("");
	head_key(key, hk);
	chain_hash(hk, zero_hash, f, out);
	sodium_memzero(hk, sizeof(hk));
}

/* --- the head record ---------------------------------------------------------------------- */

struct head {
	bool found;
	int64_t seq, keyed_from;
	char hash[AUDIT_HASH_HEX];
};

static int head_read(struct db *db, struct head *h)
{
	struct dbrows r;
	memset(h, 0, sizeof(*h));
	memcpy(h->hash, zero_hash, AUDIT_HASH_HEX);
	h->keyed_from = 1;
	if (db_query(db, &r, "SELECT seq, hash, keyed_from FROM audit_head WHERE id = 1", P0))
		return -1;
	if (db_next(&r)) {
		h->found = true;
		h->seq = db_int(&r, 0);
		snprintf(h->hash, AUDIT_HASH_HEX, "%s", db_text(&r, 1) ? db_text(&r, 1) : "");
		h->keyed_from = db_int(&r, 2);
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* Makes seq/hash the head (inside the appending transaction). */
static int head_write(struct db *db, const unsigned char *key, const struct head *old, int64_t seq,
		      const char *hash)
{
	char a[24], b[24], mac[AUDIT_HASH_HEX];
	head_mac(key, text_of(decimal(a, seq)), text_of(hash), text_of(decimal(b, old->keyed_from)),
		 mac);
	if (old->found)
		return db_exec(db, "UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1",
			       P(V_INT(seq), V_TEXT(hash), V_TEXT(mac)));
	return db_exec(
		db,
		"INSERT INTO audit_head (id, seq, hash, keyed_from, mac) VALUES (1, ?, ?, ?, "
		"?)",
		P(V_INT(seq), V_TEXT(hash), V_INT(old->keyed_from), V_TEXT(mac)));
}

int audit_head(struct db *db, int64_t *seq, char hash[AUDIT_HASH_HEX])
{
	struct head h;
	if (head_read(db, &h))
		return -1;
	*seq = h.seq;
	memcpy(hash, h.hash, AUDIT_HASH_HEX);
	return 0;
}

/* --- appending ---------------------------------------------------------------------------- */

static int no_key(struct db *db)
{
	db_set_error(db, DBE_OTHER, "this connection has no audit chain key (db_set_audit_key)");
	return -1;
}

/* Appends after the head `h` (chain locked by the caller). */
static int append_at(struct db *db, const struct head *h, const unsigned char *seal_key,
		     const struct actor *who, const char *action, const char *object_type,
		     int64_t object_id, json_t *summary)
{
	const unsigned char *key = db_audit_key(db);
	char hash[AUDIT_HASH_HEX];
	int64_t seq = h->seq + 1, at = now_unix();
	int64_t actor_id = who ? who->id : 0;
	const char *login = who && who->login ? who->login : "";
	const char *ip = who && who->ip ? who->ip : "";
	json_t *sum = summary ? json_copy(summary) : json_object();
	if (!json_is_object(sum)) { /* a summary is always an object */
		json_decref(sum);
		sum = json_pack("{s:O}", "value", summary);
	}
	if (seal_key) {
		char ctx[48];
		json_t *a = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)actor_id, "login", login,
				      "ip", ip);
		char *plain = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS);
		snprintf(ctx, sizeof(ctx), "audit_events.actor:%lld", (long long)seq);
		char *sealed = crypto_seal(seal_key, ctx, plain, strlen(plain));
		json_object_set_new(sum, "sealed_actor", json_string(sealed));
		sodium_memzero(plain, strlen(plain));
		free(plain);
		free(sealed);
		json_decref(a);
		actor_id = 0;
		login = ip = "";
	}
	char *text = json_dumps(sum, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(sum);
	if (!text)
		text = xstrdup("{}");
	audit_hash(key, h->hash, seq, at, actor_id, login, ip, action, object_type, object_id, text,
		   hash);
	int rc = db_exec(db,
			 "INSERT INTO audit_events (seq, at, actor_id, actor_login, ip, action, "
			 "object_type, object_id, summary, prev_hash, hash) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 P(V_INT(seq), V_INT(at), V_INT(actor_id), V_TEXT(login), V_TEXT(ip),
			   V_TEXT(action), V_TEXT(object_type ? object_type : ""), V_INT(object_id),
			   V_TEXT(text), V_TEXT(h->hash), V_TEXT(hash)));
	free(text);
	return rc ? -1 : head_write(db, key, h, seq, hash);
}

static int append(struct db *db, const unsigned char *seal_key, const struct actor *who,
		  const char *action, const char *object_type, int64_t object_id, json_t *summary)
{
	struct head h;
	if (!db_audit_key(db))
		return no_key(db);
	if (db_lock_chain(db) || head_read(db, &h))
		return -1;
	if (!h.found) {
		/* The first event ever, unless a trail written before keying awaits
		 * audit_upgrade (or its head record was deleted): then appending must stop. */
		int64_t one;
		bool any;
		if (db_query_int(db, &one, &any, "SELECT 1 FROM audit_events LIMIT 1", P0))
			return -1;
		if (any) {
			db_set_error(db, DBE_OTHER,
				     "the audit trail has events but no head record; run `mamori "
				     "audit verify`");
			return -1;
		}
	}
	return append_at(db, &h, seal_key, who, action, object_type, object_id, summary);
}

int audit_append(struct db *db, const struct actor *who, const char *action,
		 const char *object_type, int64_t object_id, json_t *summary)
{
	return append(db, NULL, who, action, object_type, object_id, summary);
}

int audit_append_sealed(struct db *db, const unsigned char seal_key[32], const struct actor *who,
			const char *action, const char *object_type, int64_t object_id,
			json_t *summary)
{
	return append(db, seal_key, who, action, object_type, object_id, summary);
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
	const unsigned char *seal_key;
	const struct actor *who;
	const char *action, *object_type;
	int64_t object_id;
	json_t *summary;
};

static int append_fn(struct db *db, void *arg)
{
	struct append_args *a = arg;
	return append(db, a->seal_key, a->who, a->action, a->object_type, a->object_id, a->summary);
}

int audit_append_tx(struct db *db, const struct actor *who, const char *action,
		    const char *object_type, int64_t object_id, json_t *summary)
{
	struct append_args a = { NULL, who, action, object_type, object_id, summary };
	return db_tx(db, append_fn, &a);
}

int audit_append_sealed_tx(struct db *db, const unsigned char seal_key[32], const struct actor *who,
			   const char *action, const char *object_type, int64_t object_id,
			   json_t *summary)
{
	struct append_args a = { seal_key, who, action, object_type, object_id, summary };
	return db_tx(db, append_fn, &a);
}

/* --- verifying ---------------------------------------------------------------------------- */

/* Every column as stored: numbers also as their text, so that junk in them is seen. */
#define VERIFY_COLUMNS                                                                             \
	"SELECT CAST(seq AS TEXT), CAST(at AS TEXT), CAST(actor_id AS TEXT), actor_login, ip, "    \
	"action, object_type, CAST(object_id AS TEXT), summary, prev_hash, hash FROM audit_events"
/* The events as stored (quicker: no index) and in order of their number. */
#define VERIFY_AS_STORED VERIFY_COLUMNS
#define VERIFY_IN_ORDER  VERIFY_COLUMNS " ORDER BY audit_events.seq"

static void bad(struct audit_verdict *v, int64_t seq, const char *reason)
{
	if (!v->intact)
		return;
	v->intact = false;
	v->bad_seq = seq;
	snprintf(v->reason, sizeof(v->reason), "%s", reason);
}

/* A plain decimal number, as mamori writes them: no sign but '-', no leading zero, no space. */
static bool plain_number(struct bytes b)
{
	size_t i = b.n && b.s[0] == '-' ? 1 : 0;
	if (i == b.n || b.n - i > 19 || (b.s[i] == '0' && b.n - i > 1))
		return false;
	for (; i < b.n; i++)
		if (b.s[i] < '0' || b.s[i] > '9')
			return false;
	return true;
}

static struct bytes column(struct dbrows *r, int col)
{
	const char *s = db_text(r, col);
	return (struct bytes){ s ? s : "", s ? db_len(r, col) : 0 };
}

/* Reading and checking overlap: a reader thread steps the query and copies each row's columns
 * into batches while the caller hashes the batches before them, in order. (Hashing an event
 * costs about as much as reading it; together they took twice as long.) */
enum { FEED_RING = 4, FEED_ROWS = 512, FEED_COLS = 11 };

/* One event as read: the columns of VERIFY_COLUMNS (9 canonical fields, prev_hash, hash),
 * each as offset and length into its batch's bytes, NUL-terminated there. */
struct feed_row {
	size_t off[FEED_COLS], len[FEED_COLS];
};

struct feed_batch {
	size_t n;
	struct feed_row rows[FEED_ROWS];
	struct buf bytes;
};

struct feed {
	struct db *db;
	const char *sql;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct feed_batch b[FEED_RING];
	size_t produced, consumed; /* batches */
	bool done, stop;
	int failed;
};

static void *feed_read(void *arg)
{
	struct feed *fd = arg;
	struct dbrows r;
	int failed = db_query(fd->db, &r, fd->sql, P0) ? -1 : 0;
	bool more = failed == 0;
	while (more) {
		pthread_mutex_lock(&fd->mu);
		while (fd->produced - fd->consumed == FEED_RING && !fd->stop)
			pthread_cond_wait(&fd->cv, &fd->mu);
		bool stop = fd->stop;
		pthread_mutex_unlock(&fd->mu);
		if (stop)
			break;
		struct feed_batch *b = &fd->b[fd->produced % FEED_RING];
		b->n = 0;
		buf_reset(&b->bytes);
		while (b->n < FEED_ROWS && (more = db_next(&r))) {
			struct feed_row *row = &b->rows[b->n++];
			const char *s[FEED_COLS];
			size_t need = 0;
			for (int c = 0; c < FEED_COLS; c++) {
				s[c] = db_text_len(&r, c, &row->len[c]);
				need += row->len[c] + 1;
			}
			buf_grow(&b->bytes, need);
			for (int c = 0; c < FEED_COLS; c++) {
				char *to = b->bytes.buf + b->bytes.len;
				if (row->len[c])
					memcpy(to, s[c], row->len[c]);
				to[row->len[c]] = '\0';
				row->off[c] = b->bytes.len;
				b->bytes.len += row->len[c] + 1;
			}
		}
		pthread_mutex_lock(&fd->mu);
		fd->produced++;
		pthread_cond_broadcast(&fd->cv);
		pthread_mutex_unlock(&fd->mu);
	}
	if (failed == 0) {
		failed = r.failed ? -1 : 0;
		db_rows_free(&r);
	}
	pthread_mutex_lock(&fd->mu);
	fd->failed = failed;
	fd->done = true;
	pthread_cond_broadcast(&fd->cv);
	pthread_mutex_unlock(&fd->mu);
	return NULL;
}

/* The walk's state between events: the last event's hash as stored and, while the trail is
 * intact, as bytes (the next event's MAC covers them; they equal its prev_hash once checked). */
struct walk {
	const unsigned char *key;
	int64_t keyed_from, expect_seq;
	const char *expect_hash;
	bool expect_found;
	char prev[AUDIT_HASH_HEX];
	unsigned char prev_bin[32];
	struct audit_verdict *v;
};

/* Checks the next event; false (nothing checked) if the walk is over the events as stored
 * and this one is not the next number. */
static bool walk_event(struct walk *w, bool as_stored, const struct bytes c[FEED_COLS])
{
	struct audit_verdict *v = w->v;
	const struct bytes *f = c, stored_prev = c[9], stored = c[10];
	/* seq as written is a plain number; anything else is reported at the next place */
	bool plain = plain_number(f[0]);
	int64_t seq = plain ? strtoll(f[0].s, NULL, 10) : v->head_seq + 1;
	if (as_stored && (!plain || seq != v->head_seq + 1))
		return false;
	v->count++;
	if (v->intact) {
		bool hidden = false;
		for (int i = 0; i < FEED_COLS; i++)
			hidden |= memchr(c[i].s, '\0', c[i].n) != NULL;
		if (seq != v->head_seq + 1)
			bad(v, v->head_seq + 1,
			    "an event is missing here: the sequence jumps (deleted event)");
		else if (!plain_number(f[0]) || !plain_number(f[1]) || !plain_number(f[2]) ||
			 !plain_number(f[7]))
			bad(v, seq,
			    "a number column holds something else than a plain number (edited)");
		else if (hidden)
			bad(v, seq, "a text column holds bytes after a NUL byte (edited)");
		else if (strcmp(stored_prev.s, w->prev))
			bad(v, seq,
			    "prev_hash does not match the previous event "
			    "(events removed, inserted or reordered)");
		if (v->intact) {
			unsigned char h[32];
			char hex[AUDIT_HASH_HEX];
			chain_hash_bin(seq >= w->keyed_from ? w->key : NULL, w->prev_bin, f, h);
			hex_encode(h, sizeof(h), hex);
			if (strcmp(hex, stored.s))
				bad(v, seq,
				    seq >= w->keyed_from ? "the event's content does not match its "
							   "MAC (edited, or "
							   "master.key is not the key this trail "
							   "was written with)"
							 : "the event's content does not match its "
							   "hash (edited)");
			memcpy(w->prev_bin, h, sizeof(h));
		}
	}
	if (w->expect_seq && seq == w->expect_seq) {
		w->expect_found = true;
		if (strcmp(stored.s, w->expect_hash))
			bad(v, seq, "this event's hash differs from the expected head");
	}
	v->head_seq = seq;
	size_t n = stored.n < AUDIT_HASH_HEX - 1 ? stored.n : AUDIT_HASH_HEX - 1;
	memcpy(v->head_hash, stored.s, n);
	v->head_hash[n] = '\0';
	memcpy(w->prev, v->head_hash, AUDIT_HASH_HEX);
	return true;
}

/* One pass over the events of `sql`; 1 if it was over the events as stored and one of them was
 * not the next number (a pass in order is needed), -1 if reading failed. */
static int walk_pass(struct db *db, const char *sql, bool as_stored, struct walk *w)
{
	struct feed *fd = xcalloc(1, sizeof(*fd));
	fd->db = db;
	fd->sql = sql;
	pthread_mutex_init(&fd->mu, NULL);
	pthread_cond_init(&fd->cv, NULL);
	for (int i = 0; i < FEED_RING; i++)
		buf_init(&fd->b[i].bytes, 0);
	pthread_t reader;
	bool out_of_order = false;
	int rc = pthread_create(&reader, NULL, feed_read, fd) ? -1 : 0;
	while (rc == 0 && !out_of_order) {
		pthread_mutex_lock(&fd->mu);
		while (fd->consumed == fd->produced && !fd->done)
			pthread_cond_wait(&fd->cv, &fd->mu);
		bool empty = fd->consumed == fd->produced;
		pthread_mutex_unlock(&fd->mu);
		if (empty)
			break;
		struct feed_batch *b = &fd->b[fd->consumed % FEED_RING];
		for (size_t i = 0; i < b->n && !out_of_order; i++) {
			struct bytes c[FEED_COLS];
			for (int k = 0; k < FEED_COLS; k++)
				c[k] = (struct bytes){ b->bytes.buf + b->rows[i].off[k],
						       b->rows[i].len[k] };
			out_of_order = !walk_event(w, as_stored, c);
		}
		pthread_mutex_lock(&fd->mu);
		fd->consumed++;
		fd->stop = out_of_order;
		pthread_cond_broadcast(&fd->cv);
		pthread_mutex_unlock(&fd->mu);
	}
	if (rc == 0) {
		pthread_join(reader, NULL);
		rc = fd->failed ? -1 : out_of_order ? 1 : 0;
	}
	for (int i = 0; i < FEED_RING; i++)
		buf_release(&fd->b[i].bytes);
	pthread_cond_destroy(&fd->cv);
	pthread_mutex_destroy(&fd->mu);
	free(fd);
	return rc;
}

/* Walks the events in order of their number: events before keyed_from by their unkeyed hash,
 * the others by their MAC under key. The events are read as stored first, which is their
 * order unless somebody moved them; only then are they read again, in order. */
static int walk(struct db *db, const unsigned char *key, int64_t keyed_from, int64_t expect_seq,
		const char *expect_hash, struct audit_verdict *v)
{
	struct audit_verdict start = *v;
	struct walk w = { key, keyed_from, expect_seq, expect_hash, false, { 0 }, { 0 }, v };
	memcpy(w.prev, zero_hash, AUDIT_HASH_HEX);
	struct walk fresh = w;
	int rc = walk_pass(db, VERIFY_AS_STORED, true, &w);
	if (rc == 1) {
		*v = start;
		w = fresh;
		rc = walk_pass(db, VERIFY_IN_ORDER, false, &w);
	}
	if (rc)
		return -1;
	if (expect_seq && !w.expect_found)
		bad(v, expect_seq, "the expected head event is missing (trail truncated)");
	return 0;
}

/* The head record exactly as stored, checked against its MAC. */
static int head_check(struct db *db, const unsigned char *key, struct head *h, bool *mac_ok)
{
	struct dbrows r;
	memset(h, 0, sizeof(*h));
	h->keyed_from = 1;
	*mac_ok = false;
	if (db_query(db, &r,
		     "SELECT seq, CAST(seq AS TEXT), hash, keyed_from, CAST(keyed_from AS TEXT), "
		     "mac FROM audit_head WHERE id = 1",
		     P0))
		return -1;
	if (db_next(&r)) {
		char mac[AUDIT_HASH_HEX];
		struct bytes seq = column(&r, 1), hash = column(&r, 2), from = column(&r, 4);
		struct bytes stored = column(&r, 5);
		h->found = true;
		h->seq = db_int(&r, 0);
		h->keyed_from = db_int(&r, 3);
		snprintf(h->hash, AUDIT_HASH_HEX, "%s", hash.s);
		head_mac(key, seq, hash, from, mac);
		*mac_ok = plain_number(seq) && plain_number(from) && h->keyed_from >= 1 &&
			  stored.n == strlen(mac) && sodium_memcmp(mac, stored.s, stored.n) == 0;
	}
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

int audit_verify(struct db *db, int64_t expect_seq, const char *expect_hash,
		 struct audit_verdict *v)
{
	const unsigned char *key = db_audit_key(db);
	struct head h;
	bool mac_ok;
	char why[200];
	memset(v, 0, sizeof(*v));
	v->intact = true;
	memcpy(v->head_hash, zero_hash, AUDIT_HASH_HEX);
	if (!key)
		return no_key(db);
	if (head_check(db, key, &h, &mac_ok))
		return -1;
	v->keyed_from = h.found && h.keyed_from > 1 ? h.keyed_from : 1;
	if (walk(db, key, v->keyed_from, expect_seq, expect_hash, v))
		return -1;
	if (v->count == 0) {
		int64_t users = 0;
		bool found;
		if (h.found) {
			snprintf(why, sizeof(why),
				 "the trail is empty but its head record names event %lld (wiped)",
				 (long long)h.seq);
			bad(v, 1, why);
		} else if (db_query_int(db, &users, &found, "SELECT COUNT(*) FROM users", P0)) {
			return -1;
		} else if (users > 0) {
			snprintf(why, sizeof(why),
				 "the trail is empty but the database holds %lld accounts (wiped)",
				 (long long)users);
			bad(v, 1, why);
		}
		return 0;
	}
	if (!h.found) {
		bad(v, v->head_seq,
		    "the head record is missing (deleted, or the trail was written without the "
		    "key)");
	} else if (!mac_ok) {
		bad(v, h.seq,
		    "the head record does not match its MAC (edited, or master.key is not the key "
		    "this trail was written with)");
	} else if (h.seq > v->head_seq) {
		snprintf(why, sizeof(why),
			 "events after %lld are missing: the head record names event %lld "
			 "(trail truncated)",
			 (long long)v->head_seq, (long long)h.seq);
		bad(v, v->head_seq + 1, why);
	} else if (h.seq < v->head_seq) {
		bad(v, h.seq + 1, "events follow the recorded head (appended without the key)");
	} else if (strcmp(h.hash, v->head_hash)) {
		bad(v, h.seq, "the last event differs from the head record (edited)");
	}
	return 0;
}

/* --- keying a trail written before keying -------------------------------------------------- */

struct upgrade {
	int64_t at;
};

static int upgrade_fn(struct db *db, void *arg)
{
	struct upgrade *u = arg;
	struct head h;
	struct audit_verdict old;
	u->at = 0;
	if (db_lock_chain(db) || head_read(db, &h))
		return -1;
	if (h.found)
		return 0;
	memset(&old, 0, sizeof(old));
	old.intact = true;
	memcpy(old.head_hash, zero_hash, AUDIT_HASH_HEX);
	if (walk(db, NULL, INT64_MAX, 0, NULL, &old))
		return -1;
	if (old.count == 0)
		return 0;
	char head[100];
	snprintf(head, sizeof(head), "%lld:%s", (long long)old.head_seq, old.head_hash);
	json_t *sum = json_pack("{s:I,s:s,s:b}", "unkeyed_events", (json_int_t)old.count,
				"unkeyed_head", head, "unkeyed_intact", old.intact);
	if (!old.intact)
		json_object_set_new(sum, "unkeyed_first_bad",
				    json_pack("{s:I,s:s}", "seq", (json_int_t)old.bad_seq, "reason",
					      old.reason));
	h.seq = old.head_seq;
	memcpy(h.hash, old.head_hash, AUDIT_HASH_HEX);
	h.keyed_from = old.head_seq + 1;
	static const struct actor system = { 0, NULL, "cli" };
	int rc = append_at(db, &h, NULL, &system, "audit.rekey", "audit_events", 0, sum);
	json_decref(sum);
	if (rc == 0)
		u->at = h.keyed_from;
	return rc;
}

int audit_upgrade(struct db *db, int64_t *rekeyed_at)
{
	struct upgrade u = { 0 };
	*rekeyed_at = 0;
	if (!db_audit_key(db))
		return no_key(db);
	if (db_tx(db, upgrade_fn, &u))
		return -1;
	*rekeyed_at = u.at;
	return 0;
}

/* --- reading ------------------------------------------------------------------------------ */

json_t *audit_row_json(struct dbrows *r)
{
	char at[21];
	time_rfc3339(db_int(r, 1), at);
	json_error_t err;
	const char *sum = db_text(r, 8);
	json_t *summary = sum ? json_loads(sum, 0, &err) : NULL;
	const char *login = db_text(r, 3);
	return json_pack(
		"{s:I,s:s,s:o,s:o,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:b}", "seq",
		(json_int_t)db_int(r, 0), "at", at, "actor_id",
		db_int(r, 2) ? json_integer(db_int(r, 2)) : json_null(), "actor_login",
		login && *login ? json_string(login) : json_null(), "ip",
		db_text(r, 4) ? db_text(r, 4) : "", "action", db_text(r, 5) ? db_text(r, 5) : "",
		"object_type", db_text(r, 6) ? db_text(r, 6) : "", "object_id",
		db_int(r, 7) ? json_integer(db_int(r, 7)) : json_null(), "summary",
		summary ? summary : json_object(), "prev_hash", db_text(r, 9) ? db_text(r, 9) : "",
		"hash", db_text(r, 10) ? db_text(r, 10) : "", "anonymous",
		json_is_string(json_object_get(summary, "sealed_actor")));
}

json_t *audit_row_view(struct dbrows *r, const unsigned char *open_key)
{
	json_t *e = audit_row_json(r);
	json_t *summary = json_object_get(e, "summary");
	const char *sealed = json_string_value(json_object_get(summary, "sealed_actor"));
	if (!sealed)
		return e;
	if (open_key) {
		char ctx[48];
		snprintf(ctx, sizeof(ctx), "audit_events.actor:%lld", (long long)db_int(r, 0));
		char *plain = crypto_open(open_key, ctx, sealed, NULL);
		json_t *a = plain ? json_loads(plain, 0, NULL) : NULL;
		if (plain) {
			sodium_memzero(plain, strlen(plain));
			free(plain);
		}
		if (a) {
			json_int_t id = json_integer_value(json_object_get(a, "id"));
			const char *login = json_string_value(json_object_get(a, "login"));
			json_object_set_new(e, "actor_id", id ? json_integer(id) : json_null());
			json_object_set_new(e, "actor_login",
					    login && *login ? json_string(login) : json_null());
			json_object_set(e, "ip", json_object_get(a, "ip"));
			json_decref(a);
		}
	}
	json_object_del(summary, "sealed_actor");
	return e;
}
