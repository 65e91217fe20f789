/* migrate.c — `mamori migrate`: apply missing migrations and report the schema version. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

int cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = { { "data", required_argument, 0, 'd' },
					      { "db", required_argument, 0, 'b' },
					      { "help", no_argument, 0, 'h' },
					      { 0 } };
	const char *data = NULL, *db_url = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd')
			data = optarg;
		else if (c == 'b')
			db_url = optarg;
		else {
			fputs("usage: mamori migrate --data DIR [--db URL]\n"
			      "Applies the database migrations this version needs.\n",
			      c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (cli_need_data(data, "migrate"))
		return EXIT_USAGE;
	struct app app;
	struct db *db;
	int rc = cli_open(&app, data, db_url, &db);
	if (rc == 0)
		printf("mamori: schema is at version %lld\n", (long long)db_schema_version(db));
	app_release(&app);
	return rc;
}
