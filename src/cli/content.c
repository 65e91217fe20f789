/* content.c — `mamori content import DIR`: load or update training courses from files. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../modules/training/training.h"

static const char usage[] =
	"usage: mamori content import --data DIR [--db URL] FOLDER\n"
	"\n"
	"Loads the training courses in FOLDER: either one course folder (with course.json,\n"
	"questions.json and lessons/ja, lessons/en) or a folder of them, such as the\n"
	"content/training folder shipped with mamori. A course already loaded (same code) is\n"
	"updated: its draft lessons and questions are replaced by the files, and a new version is\n"
	"published if anything changed. Records keep the version each person took.\n"
	"Exit status 1 if some course could not be loaded (each problem is printed).\n";

static int run(struct app *app, struct db *db, void *arg)
{
	(void)app;
	const char *folder = arg;
	struct actor who = cli_actor();
	struct buf report = BUF_INIT, err = BUF_INIT;
	int problems = training_import_all(db, &who, folder, &report, &err);
	if (report.len)
		fputs(report.buf, stdout);
	if (err.len)
		fputs(err.buf, stderr);
	buf_release(&report);
	buf_release(&err);
	return problems ? EXIT_CHECK : 0;
}

int cmd_content(int argc, char **argv)
{
	struct cli_args a;
	if (argc < 2 || strcmp(argv[1], "import")) {
		fputs(usage, argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : EXIT_USAGE;
	}
	/* After "import": the options and the folder. */
	int ac = argc - 1;
	char **av = argv + 1;
	int rc = cli_parse(ac, av, usage, NULL, &a);
	if (rc >= 0)
		return rc;
	if (optind != ac - 1) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return cli_with_db(&a, "content", run, av[optind]);
}
