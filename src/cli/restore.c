/* restore.c — `mamori restore`: bring back a copy made by `mamori backup`. */
#include <stdio.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"

static int restore(struct app *app, struct db *db, void *arg)
{
	const char *file = arg;
	struct buf err = BUF_INIT;
	UNUSED(app);
	if (db_restore(db, file)) {
		fprintf(stderr, "mamori restore: %s\n", db_errmsg(db));
		return EXIT_USAGE;
	}
	/* A copy from an older version is brought up to this version's schema. */
	if (db_migrate(db, &err)) {
		fprintf(stderr, "mamori restore: restored, but %s\n", err.buf);
		buf_release(&err);
		return EXIT_USAGE;
	}
	if (cli_audit_upgrade(db))
		return EXIT_USAGE;
	struct audit_verdict v;
	if (audit_verify(db, 0, NULL, &v) == 0 && !v.intact) {
		printf("mamori: restored from %s, but its audit trail is BROKEN at event %lld: "
		       "%s\n",
		       file, (long long)v.bad_seq, v.reason);
		return EXIT_CHECK;
	}
	printf("mamori: restored from %s (%lld audit events, head %lld:%s)\n", file,
	       (long long)v.count, (long long)v.head_seq, v.head_hash);
	return 0;
}

int cmd_restore(int argc, char **argv)
{
	static const char *const extra[] = { "force", NULL };
	static const char usage[] =
		"usage: mamori restore --data DIR [--db URL] --force FILE\n"
		"Replaces the whole database with FILE, a copy made by `mamori backup`, then\n"
		"verifies its audit trail. Stop the server first. --force confirms that "
		"everything\n"
		"written since the copy is to be discarded. DIR/master.key must be the key the "
		"copy\n"
		"was made with.\n";
	struct cli_args a;
	int rc = cli_parse(argc, argv, usage, extra, &a);
	if (rc >= 0)
		return rc;
	if (optind != argc - 1) {
		fprintf(stderr, "mamori restore: name one FILE made by `mamori backup`.\n");
		return EXIT_USAGE;
	}
	if (!a.value[0]) {
		fprintf(stderr, "mamori restore: this replaces the whole database; add --force if "
				"that is what you want.\n");
		return EXIT_USAGE;
	}
	return cli_with_db(&a, "restore", restore, argv[optind]);
}
