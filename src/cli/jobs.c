/* jobs.c — `mamori jobs run`: run the background jobs once (cron, tests). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_jobs(int argc, char **argv)
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
			fputs("usage: mamori jobs run --data DIR [--db URL]\n"
			      "Runs the background jobs once: disables expired and idle accounts,\n"
			      "purges ended sessions. `mamori serve` runs them every few minutes.\n",
			      c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || strcmp(argv[optind], "run")) {
		fprintf(stderr, "mamori jobs: the only action is `run`.\n");
		return EXIT_USAGE;
	}
	if (cli_need_data(data, "jobs"))
		return EXIT_USAGE;
	struct app app;
	struct db *db;
	int rc = cli_open(&app, data, db_url, &db);
	if (rc == 0 && cli_run_jobs(&app, db))
		rc = EXIT_USAGE;
	app_release(&app);
	return rc;
}
