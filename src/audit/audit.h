/*
 * audit.h — the append-only, hash-chained audit trail (監査ログ).
 *
 * Every change, sign-in (success and failure), sign-out, permission denial and export is an
 * event: when, who, from where, what, on which object, and a summary of before/after without
 * secrets. An event is appended inside the same transaction as the change it records, so
 * either both are stored or neither.
 *
 * Chain: event n stores prev_hash = hash of event n-1 (32 zero bytes for the first) and
 * hash = BLAKE2b-256(prev_hash || canonical bytes of event n). The canonical bytes are each
 * field as "<length>:<bytes>\n" in a fixed order; the summary is stored exactly as hashed
 * (compact JSON, sorted keys). Sequence numbers are contiguous from 1, so a deleted event
 * shows as a gap; truncation of the newest events is caught by comparing against a head
 * recorded elsewhere (audit_verify's expect_seq/expect_hash).
 */
#ifndef MAMORI_AUDIT_H
#define MAMORI_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/store.h"

#define AUDIT_HASH_HEX 65

struct actor {
	int64_t id;        /* 0: the system (jobs, CLI without a user) */
	const char *login; /* NULL for the system */
	const char *ip;    /* client address, or "cli" / "job" */
};

/* Appends one event inside the caller's open transaction. `summary` is borrowed; NULL
 * means {}. Returns 0 or -1 (database error: the caller's transaction must roll back). */
int audit_append(struct db *db, const struct actor *who, const char *action,
		 const char *object_type, int64_t object_id, json_t *summary);
/* A change's event: the summary is {"before": before, "after": after}, each borrowed and left
 * out when NULL (a creation has no before, a deletion no after). */
int audit_change(struct db *db, const struct actor *who, const char *action,
		 const char *object_type, int64_t object_id, json_t *before, json_t *after);
/* The same in a transaction of its own, for events that change nothing else
 * (failed sign-in, denial, export). */
int audit_append_tx(struct db *db, const struct actor *who, const char *action,
		    const char *object_type, int64_t object_id, json_t *summary);

/* BLAKE2b-256 of prev_hash (hex) and the event's canonical bytes, as hex into out. */
void audit_hash(const char *prev_hash_hex, int64_t seq, int64_t at, int64_t actor_id,
		const char *actor_login, const char *ip, const char *action,
		const char *object_type, int64_t object_id, const char *summary,
		char out[AUDIT_HASH_HEX]);

struct audit_verdict {
	bool intact;
	int64_t count;
	int64_t head_seq;
	char head_hash[AUDIT_HASH_HEX];
	int64_t bad_seq; /* first bad event (or the expected head's seq) */
	char reason[160];
};

/* Walks the whole chain. expect_seq > 0 also checks that the event expect_seq exists with
 * expect_hash (catches truncation). Returns -1 only on database errors. */
int audit_verify(struct db *db, int64_t expect_seq, const char *expect_hash,
		 struct audit_verdict *v);

/* Latest sequence number and hash (0 and 64 zeros when empty). */
int audit_head(struct db *db, int64_t *seq, char hash[AUDIT_HASH_HEX]);

/* An event row as JSON (for the API and the export). */
json_t *audit_row_json(struct dbrows *r);
#define AUDIT_COLUMNS                                                                              \
	"seq, at, actor_id, actor_login, ip, action, object_type, object_id, summary, prev_hash, " \
	"hash"

#endif
