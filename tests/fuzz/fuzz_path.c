/* fuzz_path.c — request targets: the path against every route pattern, as the router matches
 * it, and the query string (split here as libmicrohttpd splits it) against every route's
 * query schema. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "modules/modules.h"

struct probe {
	const char *path;
	char *query; /* after '?', or NULL */
};

static void each(const struct route *r, void *arg)
{
	struct probe *p = arg;
	struct req req;
	memset(&req, 0, sizeof(req));
	if (route_match(r->pattern, p->path, &req)) {
		for (int i = 0; i < req.nparams; i++)
			if (!req.param_names[i] || !req.param_values[i])
				abort();
		(void)req_param_int(&req, "id");
	}
	arena_release(&req.arena);
	if (!p->query)
		return;
	struct ferrors fe = FERRORS_INIT;
	char *copy = strdup(p->query), *save = NULL;
	for (char *pair = strtok_r(copy, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(pair, '=');
		if (eq)
			*eq++ = '\0';
		query_param_check(r->query, pair, eq, &fe);
	}
	ferr_release(&fe);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = malloc(size + 1);
	memcpy(path, data, size);
	path[size] = '\0';
	char *q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	struct probe p = { path, q };
	router_each(module_routes(), each, &p);
	free(path);
	return 0;
}
