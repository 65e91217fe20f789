/* backup.c — `mamori backup`: a consistent online copy while the server keeps running. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static int backup(struct app *app, struct db *db, void *arg)
{
	const char *file = arg;
	UNUSED(app);
	if (db_backup(db, file)) {
		fprintf(stderr, "mamori backup: %s\n", db_errmsg(db));
		return EXIT_USAGE;
	}
	printf("mamori: backup written to %s\n", file);
	return 0;
}

int cmd_backup(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(
		argc, argv,
		"usage: mamori backup --data DIR [--db URL] FILE\n"
		"Writes a consistent copy of the database to FILE (which must not exist)\n"
		"while the server keeps running. Keep DIR/master.key safe separately:\n"
		"without it the encrypted fields in the copy cannot be read.\n",
		NULL, &a);
	if (rc >= 0)
		return rc;
	if (optind != argc - 1) {
		fprintf(stderr, "mamori backup: name one FILE to write the copy to.\n");
		return EXIT_USAGE;
	}
	return cli_with_db(&a, "backup", backup, argv[optind]);
}
