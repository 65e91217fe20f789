/* check.c — `mamori check`: is this data folder sound? The engine's own consistency check,
 * the schema version, the audit chain, and whether the key file opens the sealed fields. */
#include <stdio.h>

#include "cli.h"
#include "../lib/crypto.h"
#include "../store/migrations.h"

static int check(struct app *app, struct db *db, void *arg)
{
	struct buf problems = BUF_INIT;
	int bad = 0;
	UNUSED(arg);
	if (db_integrity(db, &problems)) {
		fprintf(stderr, "mamori check: cannot run the consistency check: %s\n",
			db_errmsg(db));
		return EXIT_USAGE;
	}
	if (problems.len) {
		printf("database: PROBLEMS: %s\n", problems.buf);
		bad = 1;
	} else {
		printf("database: consistent (%s)\n", db_engine(db));
	}
	buf_release(&problems);

	int64_t want = migrations_count ? migrations[migrations_count - 1].version : 0;
	int64_t have = db_schema_version(db);
	printf("schema: version %lld of %lld\n", (long long)have, (long long)want);
	bad |= have != want;

	struct audit_verdict v;
	if (audit_verify(db, 0, NULL, &v)) {
		fprintf(stderr, "mamori check: cannot read the audit trail: %s\n", db_errmsg(db));
		return EXIT_USAGE;
	}
	if (v.intact)
		printf("audit trail: intact, %lld events\n", (long long)v.count);
	else
		printf("audit trail: BROKEN at event %lld: %s\n", (long long)v.bad_seq, v.reason);
	bad |= !v.intact;

	/* The key: every sealed TOTP secret must open with it. */
	struct dbrows r;
	int64_t sealed = 0, opened = 0;
	if (db_query(db, &r, "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL", P0))
		return EXIT_USAGE;
	while (db_next(&r)) {
		char ctx[48];
		snprintf(ctx, sizeof(ctx), "users.totp_secret:%lld", (long long)db_int(&r, 0));
		char *plain = crypto_open(app->master_key, ctx, db_text(&r, 1), NULL);
		sealed++;
		opened += plain != NULL;
		free(plain);
	}
	db_rows_free(&r);
	if (opened == sealed)
		printf("key: opens all %lld sealed fields\n", (long long)sealed);
	else
		printf("key: WRONG KEY? %lld of %lld sealed fields do not open\n",
		       (long long)(sealed - opened), (long long)sealed);
	bad |= opened != sealed;
	return bad ? EXIT_CHECK : 0;
}

int cmd_check(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(
		argc, argv,
		"usage: mamori check --data DIR [--db URL]\n"
		"Checks the database's consistency, its schema version, the audit chain and\n"
		"that the key file opens the encrypted fields. Exit 0 when all is well,\n"
		"1 naming what is not.\n",
		NULL, &a);
	return rc >= 0 ? rc : cli_with_db(&a, "check", check, NULL);
}
