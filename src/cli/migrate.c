/* migrate.c — `mamori migrate`: apply missing migrations and report the schema version. */
#include <stdio.h>

#include "cli.h"

static int report(struct app *app, struct db *db, void *arg)
{
	UNUSED(app);
	UNUSED(arg);
	printf("mamori: schema is at version %lld\n", (long long)db_schema_version(db));
	return 0;
}

int cmd_migrate(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv,
			   "usage: mamori migrate --data DIR [--db URL]\n"
			   "Applies the database migrations this version needs.\n",
			   NULL, &a);
	return rc >= 0 ? rc : cli_with_db(&a, "migrate", report, NULL);
}
