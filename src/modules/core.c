/* core.c — /healthz and the permission catalogue. */
#include "core.h"
#include "modules.h"

static int healthz(struct req *req)
{
	return reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

static int permissions_list(struct req *req)
{
	json_t *items = json_array();
	for (size_t m = 0; m < module_count; m++)
		for (const struct permission *p = modules[m].permissions; p && p->name; p++)
			json_array_append_new(
				items, json_pack("{s:s,s:s}", "name", p->name, "area", p->area));
	return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

static const struct route routes[] = {
	{ "GET", "/healthz", PERM_PUBLIC, healthz },
	{ "GET", "/api/v1/permissions", "roles.read", permissions_list },
};

const struct route_table core_routes = { routes, ARRAY_SIZE(routes) };
