/* audit.c — `mamori audit verify|head|export`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: mamori audit verify --data DIR [--expect-head SEQ:HASH]\n"
	"       mamori audit head --data DIR\n"
	"       mamori audit export --data DIR      (JSON lines on standard output)\n"
	"Every command also takes --db URL (or MAMORI_DB).\n"
	"verify exits 0 when the chain is intact and 1 naming the first bad event. The chain\n"
	"is keyed with a key derived from DIR/master.key: edits, deletions, a truncated or\n"
	"wiped trail are found without anything else. Record the output of `head` somewhere\n"
	"else from time to time; `verify --expect-head` then also detects a whole database\n"
	"put back to an older state.\n";

static int verify(struct db *db, const char *expect)
{
	int64_t seq = 0;
	const char *hash = NULL;
	if (expect) {
		const char *colon = strchr(expect, ':');
		char num[24];
		if (!colon || (size_t)(colon - expect) >= sizeof(num) || strlen(colon + 1) != 64) {
			fprintf(stderr,
				"mamori audit verify: --expect-head wants SEQ:HASH as printed "
				"by `mamori audit head`.\n");
			return EXIT_USAGE;
		}
		memcpy(num, expect, (size_t)(colon - expect));
		num[colon - expect] = '\0';
		if (parse_i64(num, 1, INT64_MAX, &seq)) {
			fprintf(stderr,
				"mamori audit verify: bad sequence number in --expect-head\n");
			return EXIT_USAGE;
		}
		hash = colon + 1;
	}
	struct audit_verdict v;
	if (audit_verify(db, seq, hash, &v)) {
		fprintf(stderr, "mamori audit verify: database error: %s\n", db_errmsg(db));
		return EXIT_USAGE;
	}
	if (v.intact) {
		printf("intact: %lld events, head %lld:%s", (long long)v.count,
		       (long long)v.head_seq, v.head_hash);
		if (v.keyed_from > 1)
			printf(" (keyed from event %lld; the events before it were written "
			       "before keying)",
			       (long long)v.keyed_from);
		putchar('\n');
		return 0;
	}
	printf("BROKEN at event %lld: %s\n", (long long)v.bad_seq, v.reason);
	return EXIT_CHECK;
}

static int head(struct db *db)
{
	int64_t seq;
	char hash[AUDIT_HASH_HEX];
	if (audit_head(db, &seq, hash))
		return EXIT_USAGE;
	printf("%lld:%s\n", (long long)seq, hash);
	return 0;
}

static int export(struct db *db)
{
	struct dbrows r;
	if (db_query(db, &r, "SELECT " AUDIT_COLUMNS " FROM audit_events ORDER BY seq", P0))
		return EXIT_USAGE;
	while (db_next(&r)) {
		json_t *e = audit_row_json(&r);
		char *s = json_dumps(e, JSON_COMPACT);
		puts(s);
		free(s);
		json_decref(e);
	}
	int failed = r.failed;
	db_rows_free(&r);
	if (!failed) {
		struct actor who = cli_actor();
		json_t *sum = json_pack("{s:s}", "format", "jsonl");
		failed = audit_append_tx(db, &who, "export.audit_events", "audit_events", 0, sum);
		json_decref(sum);
	}
	return failed ? EXIT_USAGE : 0;
}

struct audit_cmd {
	const char *action, *expect;
};

static int run(struct app *app, struct db *db, void *arg)
{
	struct audit_cmd *c = arg;
	UNUSED(app);
	if (!strcmp(c->action, "verify"))
		return verify(db, c->expect);
	if (!strcmp(c->action, "head"))
		return head(db);
	return export(db);
}

int cmd_audit(int argc, char **argv)
{
	static const char *const extra[] = { "expect-head=", NULL };
	struct cli_args a;
	int rc = cli_parse(argc, argv, usage, extra, &a);
	if (rc >= 0)
		return rc;
	const char *action = optind < argc ? argv[optind] : NULL;
	if (!action ||
	    (strcmp(action, "verify") && strcmp(action, "head") && strcmp(action, "export"))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	struct audit_cmd c = { action, a.value[0] };
	return cli_with_db(&a, "audit", run, &c);
}
