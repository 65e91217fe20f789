/*
 * audit.h — the append-only, keyed, hash-chained audit trail (監査ログ).
 *
 * Every change, sign-in (success and failure), sign-out, permission denial, export and read of
 * personal information is an event: when, who, from where, what, on which object, and a
 * summary of before/after without secrets. An event is appended inside the same transaction
 * as the change it records, so either both are stored or neither.
 *
 * Chain: event n stores prev_hash = hash of event n-1 (32 zero bytes for the first) and
 * hash = BLAKE2b-256 keyed with the chain key over prev_hash || canonical bytes of event n (a
 * MAC). The canonical bytes are each field as "<length>:<bytes>\n" in a fixed order, numbers
 * as decimal text; the summary is stored exactly as hashed (compact JSON, sorted keys).
 * Verification hashes what is stored, byte for byte: a number column holding anything but a
 * plain decimal number, or text hidden after a NUL byte, breaks the chain.
 *
 * The chain key is derived from master.key (libsodium's KDF, context "mamoriAU", subkey 1),
 * so someone who can write the database but has not the key file cannot recompute the hashes
 * after an edit. The head record (table audit_head: the last event's seq and hash, and
 * keyed_from) carries a MAC of its own under a subkey of the chain key (context "mamoriHD",
 * subkey 2): removing events from the end, wiping the trail or deleting and renumbering
 * events no longer matches it. A head recorded elsewhere (`mamori audit head`, shown on the
 * web audit page) and checked with audit_verify's expect_seq/expect_hash also catches a whole
 * database put back to an older state.
 *
 * A trail written before the chain was keyed keeps its unkeyed hashes (BLAKE2b-256 without a
 * key) for events 1 .. keyed_from - 1; audit_upgrade() appends one keyed `audit.rekey` event
 * after them, recording their head, so any later edit of the old events breaks the keyed one.
 *
 * An anonymous near-miss report names nobody: audit_append_sealed() stores the actor (id,
 * login, address) sealed under the master key inside the summary ("sealed_actor") and leaves
 * the actor columns empty; audit_row_view() opens it only for a reader given the key.
 */
#ifndef MAMORI_AUDIT_H
#define MAMORI_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/store.h"

#define AUDIT_HASH_HEX  65
#define AUDIT_KEY_BYTES 32

struct actor {
	int64_t id;        /* 0: the system (jobs, CLI without a user) */
	const char *login; /* NULL for the system */
	const char *ip;    /* client address, or "cli" / "job" */
};

/* The chain key from the master key (see above). */
void audit_key_derive(const unsigned char master_key[32], unsigned char out[AUDIT_KEY_BYTES]);

/* Appends one event inside the caller's open transaction. `summary` is borrowed; NULL
 * means {}. The connection must carry the chain key (db_set_audit_key). Returns 0 or -1
 * (database error, or no key: the caller's transaction must roll back). */
int audit_append(struct db *db, const struct actor *who, const char *action,
		 const char *object_type, int64_t object_id, json_t *summary);
/* A change's event: the summary is {"before": before, "after": after}, each borrowed and left
 * out when NULL (a creation has no before, a deletion no after). */
int audit_change(struct db *db, const struct actor *who, const char *action,
		 const char *object_type, int64_t object_id, json_t *before, json_t *after);
/* The same in a transaction of its own, for events that change nothing else
 * (failed sign-in, denial, export, read). */
int audit_append_tx(struct db *db, const struct actor *who, const char *action,
		    const char *object_type, int64_t object_id, json_t *summary);
/* An event whose actor only holders of `seal_key` (the master key) may learn: the stored
 * actor id, login and address are empty and the summary gains "sealed_actor", the actor
 * sealed for this event's seq. Filters by actor do not find it. */
int audit_append_sealed(struct db *db, const unsigned char seal_key[32], const struct actor *who,
			const char *action, const char *object_type, int64_t object_id,
			json_t *summary);
int audit_append_sealed_tx(struct db *db, const unsigned char seal_key[32], const struct actor *who,
			   const char *action, const char *object_type, int64_t object_id,
			   json_t *summary);

/* The event's MAC under `key`, or its unkeyed hash when key is NULL (events before
 * keyed_from), as hex into out. */
void audit_hash(const unsigned char *key, const char *prev_hash_hex, int64_t seq, int64_t at,
		int64_t actor_id, const char *actor_login, const char *ip, const char *action,
		const char *object_type, int64_t object_id, const char *summary,
		char out[AUDIT_HASH_HEX]);

struct audit_verdict {
	bool intact;
	int64_t count;
	int64_t head_seq;
	char head_hash[AUDIT_HASH_HEX];
	int64_t keyed_from; /* first event hashed with the key (1 unless re-keyed) */
	int64_t bad_seq;    /* first bad event (or the expected head's seq) */
	char reason[200];
};

/* Walks the whole chain and checks the head record. expect_seq > 0 also checks that the event
 * expect_seq exists with expect_hash (a head recorded elsewhere). Returns -1 only on database
 * errors or when the connection has no key. */
int audit_verify(struct db *db, int64_t expect_seq, const char *expect_hash,
		 struct audit_verdict *v);

/* The head record's sequence number and hash (0 and 64 zeros when the trail is empty). */
int audit_head(struct db *db, int64_t *seq, char hash[AUDIT_HASH_HEX]);

/* Once, for a trail written before keying (events but no head record): appends the keyed
 * `audit.rekey` event recording the old head and whether the old chain verified, and writes
 * the head record. *rekeyed_at is its seq, or 0 when nothing was to do. */
int audit_upgrade(struct db *db, int64_t *rekeyed_at);

/* An event row (AUDIT_COLUMNS) as stored, for `mamori audit export`. */
json_t *audit_row_json(struct dbrows *r);
/* An event row as a reader sees it: "anonymous" says whether its actor is sealed; the actor is
 * opened with `open_key` (the master key, for readers who may know anonymous reporters) or
 * left out (actor_id and actor_login null, ip ""). "sealed_actor" is never shown. */
json_t *audit_row_view(struct dbrows *r, const unsigned char *open_key);
/* What an export writes for a sealed actor to readers without the key. */
#define AUDIT_ANONYMOUS "（匿名）"
#define AUDIT_COLUMNS                                                                              \
	"seq, at, actor_id, actor_login, ip, action, object_type, object_id, summary, prev_hash, " \
	"hash"

#endif
