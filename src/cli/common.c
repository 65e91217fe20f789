/* common.c — what the subcommands share: opening the data folder, the CLI actor. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
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
	return 0;
}

struct actor cli_actor(void)
{
	static char login[80];
	struct passwd *pw = getpwuid(getuid());
	snprintf(login, sizeof(login), "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
	return (struct actor){ 0, login, "cli" };
}

int cli_run_jobs(struct app *app, struct db *db)
{
	int rc = 0;
	for (size_t m = 0; m < module_count; m++)
		if (modules[m].job && modules[m].job(app, db)) {
			log_error("job %s failed: %s", modules[m].name, db_errmsg(db));
			rc = -1;
		}
	return rc;
}
