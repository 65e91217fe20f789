/* content.c — `mamori content import DIR`: load or update training courses, checklist
 * templates and policy documents from files; the starter content at `mamori init`. */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "../modules/checklists/checklists.h"
#include "../modules/policies/policies.h"
#include "../modules/training/training.h"

static const char usage[] =
	"usage: mamori content import --data DIR [--db URL] FOLDER\n"
	"\n"
	"Loads content from FOLDER:\n"
	"  - a content folder such as the one shipped with mamori (content/): its training/,\n"
	"    checklists/ and policies/ folders, each as below;\n"
	"  - a folder named checklists: every *.json checklist template in it. A template\n"
	"    already loaded (same code) is updated and published as a new version if it changed;\n"
	"    running campaigns keep the version they started with;\n"
	"  - a folder named policies: every document folder in it (policy.json, body.ja.md,\n"
	"    body.en.md). A changed text becomes a draft version; it takes effect only once\n"
	"    approved (privacy officer, then top management);\n"
	"  - otherwise training courses: one course folder (course.json, questions.json,\n"
	"    lessons/ja, lessons/en) or a folder of them, such as content/training. A course\n"
	"    already loaded (same code) is updated and a new version is published if anything\n"
	"    changed. Records keep the version each person took.\n"
	"Exit status 1 if something could not be loaded (each problem is printed).\n";

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Loads whatever FOLDER holds (see usage). Returns the number of problems. */
static int import_folder(struct db *db, const struct actor *who, const char *folder,
			 struct buf *report, struct buf *err)
{
	char path[4096], copy[4096];
	snprintf(copy, sizeof(copy), "%s", folder);
	size_t n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	const char *base = basename(copy);
	if (!strcmp(base, "checklists"))
		return checklists_import_all(db, who, folder, report, err);
	if (!strcmp(base, "policies"))
		return policies_import_all(db, who, folder, report, err);
	static const char *const parts[] = { "training", "checklists", "policies" };
	int found = 0, problems = 0;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		snprintf(path, sizeof(path), "%s/%s", folder, parts[i]);
		if (!is_dir(path))
			continue;
		found++;
		problems += i == 0   ? training_import_all(db, who, path, report, err)
			    : i == 1 ? checklists_import_all(db, who, path, report, err)
				     : policies_import_all(db, who, path, report, err);
	}
	return found ? problems : training_import_all(db, who, folder, report, err);
}

void content_load_starter(struct db *db, const struct actor *who)
{
	char *training = training_content_root();
	if (!training)
		return; /* training_load_starter has said so */
	static const char *const parts[] = { "checklists", "policies" };
	char path[4096];
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		snprintf(path, sizeof(path), "%s/../%s", training, parts[i]);
		if (!is_dir(path))
			continue;
		struct buf report = BUF_INIT, err = BUF_INIT;
		int problems = i == 0 ? checklists_import_all(db, who, path, &report, &err)
				      : policies_import_all(db, who, path, &report, &err);
		if (report.len)
			printf("mamori: %s content:\n%s", parts[i], report.buf);
		if (problems)
			fprintf(stderr, "mamori: some %s content was not loaded:\n%s", parts[i],
				err.buf);
		buf_release(&report);
		buf_release(&err);
	}
	free(training);
}

static int run(struct app *app, struct db *db, void *arg)
{
	(void)app;
	const char *folder = arg;
	struct actor who = cli_actor();
	struct buf report = BUF_INIT, err = BUF_INIT;
	int problems = import_folder(db, &who, folder, &report, &err);
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
