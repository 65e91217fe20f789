/*
 * population.h — who a recurring duty is for: a list of targets, any of which a person may
 * match. Training assignments and campaigns (checklists, pledges, access reviews) share it.
 *
 * A target is written "all", "department:ID", "role:NAME", "employment:TYPE" (regular,
 * contract, dispatched, part_time, contractor) or "user:ID". Targets are stored per owner
 * (owner_type, owner_id) in `population_targets`; only active people ever match.
 */
#ifndef MAMORI_POPULATION_H
#define MAMORI_POPULATION_H

#include <jansson.h>
#include <stdint.h>

#include "../lib/errors.h"
#include "../store/store.h"

struct query;

struct target {
	char kind[16];
	int64_t ref_id;
	char ref_text[64];
};

/* Parses one written target; -1 if it is not one. */
int population_parse(const char *s, struct target *t);
/* Checks a JSON array of written targets: at least one, each well formed and naming something
 * that exists; field errors on `field`. -1 only on database error. */
int population_check(struct db *db, json_t *targets, const char *field, struct ferrors *fe);
/* Replaces the owner's targets with `targets` (already checked), in the caller's transaction. */
int population_store(struct db *db, const char *owner_type, int64_t owner_id, json_t *targets);
/* The owner's targets as [{"target", "kind", "label"}] (labels: department and user names);
 * NULL on error. */
json_t *population_json(struct db *db, const char *owner_type, int64_t owner_id);
/* The owner's targets (at most `max`) into `out`; returns how many, or -1. */
int population_load(struct db *db, const char *owner_type, int64_t owner_id, struct target *out,
		    int max);
/* Appends to `q` the condition that user `u` (an alias in q's FROM) matches target `t`, as
 * "AND ..." (nothing for "all"). */
void population_where(struct query *q, const struct target *t);

#endif
