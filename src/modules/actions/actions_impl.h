/* actions_impl.h — what actions.c shares with actions_api.c (not for other modules). */
#ifndef MAMORI_ACTIONS_IMPL_H
#define MAMORI_ACTIONS_IMPL_H

#include <stdbool.h>

#include "../../store/store.h"

struct jsonw;

/* "SELECT … FROM actions a …": the columns action_write() reads; callers add WHERE/ORDER. */
extern const char action_list_head[];
/* Writes one row of action_list_head as the API's action object; `today` (YYYY-MM-DD, the
 * organisation's day) decides `overdue`. */
void action_write(struct jsonw *w, struct dbrows *r, const char *today);
/* Open or in progress: work remains. */
bool action_is_open(const char *status);

#endif
