/* common.c — what the subcommands share: opening the data folder, the CLI actor. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../lib/log.h"
#include "../modules/modules.h"

int cli_need_data(const char *data, const char *cmd)
{
	if (data)
		return 0;
	fprintf(stderr, "mamori %s: --data DIR is required (the folder made by `mamori init`).\n",
		cmd);
	return EXIT_USAGE;
}

int cli_open(struct app *app, const char *data, const char *db_url, struct db **db)
{
	struct buf err = BUF_INIT;
	if (!db_url)
		db_url = getenv("MAMORI_DB");
	if (app_init(app, data, db_url && *db_url ? db_url : NULL, &err)) {
		fprintf(stderr, "mamori: %s\n", err.buf);
		buf_release(&err);
		return EXIT_USAGE;
	}
	*db = app_db(app);
	if (!*db) {
		fprintf(stderr, "mamori: cannot open the database (%s)\n", app->db_url);
		return EXIT_USAGE;
	}
	if (db_migrate(*db, &err)) {
		fprintf(stderr, "mamori: %s\n", err.buf);
		buf_release(&err);
		return EXIT_USAGE;
	}
	return cli_audit_upgrade(*db);
}

int cli_audit_upgrade(struct db *db)
{
	int64_t at;
	if (audit_upgrade(db, &at)) {
		fprintf(stderr, "mamori: cannot key the audit trail: %s\n", db_errmsg(db));
		return EXIT_USAGE;
	}
	if (at)
		fprintf(stderr,
			"mamori: the audit trail is keyed from event %lld on (recorded as the "
			"event audit.rekey); note the new head: `mamori audit head`\n",
			(long long)at);
	return 0;
}

struct actor cli_actor(void)
{
	static char login[80];
	struct passwd *pw = getpwuid(getuid());
	snprintf(login, sizeof(login), "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
	return (struct actor){ 0, login, "cli" };
}

/* Runs the job (or worker) of every module that has one. With several nodes on one
 * PostgreSQL, one node runs each ("job:<module>" lock); the others skip it. */
static int run_each(struct app *app, struct db *db, const char *what, bool workers)
{
	int rc = 0;
	for (size_t m = 0; m < module_count; m++) {
		int (*fn)(struct app *, struct db *) = workers ? modules[m].worker : modules[m].job;
		char name[64];
		bool mine;
		if (!fn)
			continue;
		snprintf(name, sizeof(name), "%s:%s", what, modules[m].name);
		if (db_try_lock(db, name, &mine)) {
			log_error("%s %s: cannot take its lock: %s", what, modules[m].name,
				  db_errmsg(db));
			rc = -1;
			continue;
		}
		if (!mine)
			continue;
		if (fn(app, db)) {
			log_error("%s %s failed: %s", what, modules[m].name, db_errmsg(db));
			rc = -1;
		}
		db_unlock(db, name);
	}
	return rc;
}

int cli_run_workers(struct app *app, struct db *db)
{
	return run_each(app, db, "worker", true);
}

int cli_run_jobs(struct app *app, struct db *db)
{
	return run_each(app, db, "job", false);
}

int cli_parse(int argc, char **argv, const char *usage, const char *const *extra,
	      struct cli_args *out)
{
	struct option opts[12] = { { "data", required_argument, 0, 'd' },
				   { "db", required_argument, 0, 'b' },
				   { "help", no_argument, 0, 'h' } };
	char names[8][32];
	size_t n = 3;
	memset(out, 0, sizeof(*out));
	size_t i;
	for (i = 0; extra && extra[i] && i < ARRAY_SIZE(names); i++, n++) {
		size_t len = strlen(extra[i]);
		bool takes = len && extra[i][len - 1] == '=';
		if (len >= sizeof(names[0]))
			die("cli_parse: option too long");
		snprintf(names[i], sizeof(names[i]), "%.*s", (int)(len - takes), extra[i]);
		opts[n] = (struct option){ names[i], takes ? required_argument : no_argument, 0,
					   (int)(0x100 + i) };
	}
	if (extra && extra[i])
		die("cli_parse: too many options");
	opts[n] = (struct option){ 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd')
			out->data = optarg;
		else if (c == 'b')
			out->db = optarg;
		else if (c >= 0x100)
			out->value[c - 0x100] = optarg ? optarg : "1";
		else {
			fputs(usage, c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : EXIT_USAGE;
		}
	}
	return -1;
}

int cli_with_db(const struct cli_args *a, const char *cmd,
		int (*fn)(struct app *app, struct db *db, void *arg), void *arg)
{
	if (cli_need_data(a->data, cmd))
		return EXIT_USAGE;
	struct app app;
	struct db *db;
	int rc = cli_open(&app, a->data, a->db, &db);
	if (rc == 0)
		rc = fn(&app, db, arg);
	app_release(&app);
	return rc;
}
