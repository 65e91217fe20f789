/* internal.h — what the review files share (not for other modules). */
#ifndef MAMORI_REVIEWS_INTERNAL_H
#define MAMORI_REVIEWS_INTERNAL_H

#include <jansson.h>

#include "reviews.h"

extern const char *const review_decision_kinds[];

json_t *reviews_list(struct db *db);
/* The review without figures (the previous review's decisions, audit views). */
json_t *review_brief(struct db *db, int64_t id);
json_t *review_decisions(struct db *db, int64_t review_id);
/* The review as `by` sees it: figures, decisions, approval, timeline, allowed moves. */
json_t *review_json(struct db *db, const struct wf_actor *by, int64_t id);
enum status review_create(struct db *db, const struct wf_actor *by, json_t *in, int64_t *id,
			  struct ferrors *fe);
enum status review_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *patch,
			  struct ferrors *fe);
enum status review_move(struct app *app, struct db *db, const struct wf_actor *by, int64_t id,
			json_t *in, struct ferrors *fe);
enum status decision_add(struct db *db, const struct wf_actor *by, int64_t review_id, json_t *in,
			 int64_t *id, struct ferrors *fe);
enum status decision_update(struct db *db, const struct wf_actor *by, int64_t id, json_t *patch,
			    struct ferrors *fe);
enum status decision_delete(struct db *db, const struct wf_actor *by, int64_t id, int64_t version,
			    struct ferrors *fe);
enum status decision_open_action(struct db *db, const struct wf_actor *by, int64_t id, json_t *in,
				 struct ferrors *fe);

#endif
