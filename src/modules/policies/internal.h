/* internal.h — what the policy and pledge files share (not for other modules). */
#ifndef MAMORI_POLICIES_INTERNAL_H
#define MAMORI_POLICIES_INTERNAL_H

#include "policies.h"

/* The categories of documents, NULL-terminated. */
extern const char *const policy_categories[];

/* The document without its versions; NULL if none (or on error: check db_errkind). */
json_t *policy_plain(struct db *db, int64_t id, const struct policy_viewer *v);
/* Draft, submitted, sent back or approved: a version still on its way. */
bool policy_version_open(const char *status);
/* A new draft version inside the caller's transaction (see policy_version_create). */
enum status policy_version_new_tx(struct db *db, const struct actor *who, int64_t policy_id,
				  json_t *in, int64_t *id, struct ferrors *fe);

#endif
