/* jobs.c — `mamori jobs run`: run the background jobs once (cron, tests). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int run(struct app *app, struct db *db, void *arg)
{
	UNUSED(arg);
	return cli_run_jobs(app, db) ? EXIT_USAGE : 0;
}

int cmd_jobs(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv,
			   "usage: mamori jobs run --data DIR [--db URL]\n"
			   "Runs the background jobs once: disables expired and idle accounts,\n"
			   "purges ended sessions. `mamori serve` runs them every few minutes.\n",
			   NULL, &a);
	if (rc >= 0)
		return rc;
	if (optind != argc - 1 || strcmp(argv[optind], "run")) {
		fprintf(stderr, "mamori jobs: the only action is `run`.\n");
		return EXIT_USAGE;
	}
	return cli_with_db(&a, "jobs", run, NULL);
}
