/* routes.c — `mamori routes`: the route table as JSON (for review and the route-walk test). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "../http/http.h"
#include "../modules/modules.h"

static void add(const struct route *r, void *arg)
{
	json_array_append_new(arg,
			      json_pack("{s:s,s:s,s:s,s:b,s:b,s:b}", "method", r->method, "path",
					r->pattern, "permission", r->perm, "before_gates",
					(r->flags & R_BEFORE_GATES) != 0, "has_body",
					r->body != NULL, "long", route_runs_long(r)));
}

int cmd_routes(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(
		argc, argv,
		"usage: mamori routes\n"
		"Prints every API route as JSON: method, path, the permission it needs\n"
		"(or public / signed_in), whether it works before the password-change and\n"
		"MFA gates, whether it takes a JSON body, and whether it runs on the\n"
		"long-work threads (imports, downloads, the evidence pack).\n",
		NULL, &a);
	if (rc >= 0)
		return rc;
	if (optind != argc) {
		fprintf(stderr, "mamori routes: takes no arguments.\n");
		return EXIT_USAGE;
	}
	json_t *all = json_array();
	router_each(module_routes(), add, all);
	char *s = json_dumps(all, JSON_INDENT(1));
	puts(s);
	free(s);
	json_decref(all);
	return 0;
}
