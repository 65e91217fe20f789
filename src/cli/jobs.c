/* jobs.c — `mamori jobs run`: run the background jobs once (cron, tests). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int run(struct app *app, struct db *db, void *arg)
{
	UNUSED(arg);
	int rc = cli_run_jobs(app, db);
	/* Then the workers once: the mails the jobs queued are sent now. */
	rc |= cli_run_workers(app, db);
	return rc ? EXIT_USAGE : 0;
}

int cmd_jobs(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(
		argc, argv,
		"usage: mamori jobs run --data DIR [--db URL]\n"
		"Runs the background jobs once: disables expired and idle accounts,\n"
		"purges ended sessions, escalates waiting approvals, reminds people of\n"
		"what is due, sends digests, purges records past their retention period;\n"
		"then sends queued mail. `mamori serve` runs\n"
		"the jobs every few minutes and the mail sender every few seconds.\n",
		NULL, &a);
	if (rc >= 0)
		return rc;
	if (optind != argc - 1 || strcmp(argv[optind], "run")) {
		fprintf(stderr, "mamori jobs: the only action is `run`.\n");
		return EXIT_USAGE;
	}
	return cli_with_db(&a, "jobs", run, NULL);
}
