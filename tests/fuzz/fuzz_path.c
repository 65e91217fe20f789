/* fuzz_path.c — request paths against every route pattern, as the router matches them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

struct probe {
	const char *path;
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = malloc(size + 1);
	memcpy(path, data, size);
	path[size] = '\0';
	struct probe p = { path };
	router_each(each, &p);
	free(path);
	return 0;
}
