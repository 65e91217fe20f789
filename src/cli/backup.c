/* backup.c — `mamori backup`: a consistent online copy while the server keeps running. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

int cmd_backup(int argc, char **argv)
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
			fputs("usage: mamori backup --data DIR [--db URL] FILE\n"
			      "Writes a consistent copy of the database to FILE (which must not exist)\n"
			      "while the server keeps running. Keep DIR/master.key safe separately:\n"
			      "without it the encrypted fields in the copy cannot be read.\n",
			      c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (cli_need_data(data, "backup"))
		return EXIT_USAGE;
	if (optind != argc - 1) {
		fprintf(stderr, "mamori backup: name one FILE to write the copy to.\n");
		return EXIT_USAGE;
	}
	struct app app;
	struct db *db;
	int rc = cli_open(&app, data, db_url, &db);
	if (rc == 0) {
		if (db_backup(db, argv[optind])) {
			fprintf(stderr, "mamori backup: %s\n", db_errmsg(db));
			rc = EXIT_USAGE;
		} else {
			printf("mamori: backup written to %s\n", argv[optind]);
		}
	}
	app_release(&app);
	return rc;
}
