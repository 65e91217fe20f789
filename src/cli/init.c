/* init.c — `mamori init`: a new data folder with its key, database and first administrator. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../auth/password.h"
#include "../modules/accounts/accounts.h"
#include "../modules/pinfo/pinfo.h"
#include "../modules/settings/settings.h"
#include "../modules/training/training.h"

static const char usage[] =
	"usage: mamori init --data DIR [--db URL]\n"
	"\n"
	"Creates DIR with the master key (DIR/master.key, mode 0600) and the database\n"
	"(DIR/mamori.db, or the PostgreSQL database given by --db / MAMORI_DB), and the\n"
	"account `admin` with a one-time password printed once. With MAMORI_INIT_PASSWORD set,\n"
	"that is the initial password instead; it must still be changed at first sign-in.\n"
	"Refuses to touch a folder that already holds a key or a database.\n";

static int write_key(const char *dir)
{
	unsigned char key[32];
	char hex[65], path[4096];
	randombytes_buf(key, sizeof(key));
	hex_encode(key, sizeof(key), hex);
	sodium_memzero(key, sizeof(key));
	snprintf(path, sizeof(path), "%s/master.key", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "mamori init: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	hex[64] = '\n';
	int rc = write(fd, hex, 65) == 65 && fsync(fd) == 0 ? 0 : -1;
	close(fd);
	sodium_memzero(hex, sizeof(hex));
	if (rc)
		fprintf(stderr, "mamori init: cannot write %s\n", path);
	return rc;
}

int cmd_init(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv, usage, NULL, &a);
	if (rc >= 0)
		return rc;
	const char *data = a.data, *db_url = a.db;
	if (cli_need_data(data, "init"))
		return EXIT_USAGE;
	char path[4096];
	snprintf(path, sizeof(path), "%s/master.key", data);
	struct stat st;
	if (stat(path, &st) == 0) {
		fprintf(stderr,
			"mamori init: %s already holds a mamori data folder; nothing changed. "
			"Use another folder, or `mamori serve --data %s`.\n",
			data, data);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/mamori.db", data);
	if (stat(path, &st) == 0) {
		fprintf(stderr, "mamori init: %s already exists; nothing changed.\n", path);
		return EXIT_USAGE;
	}
	if (mkdir(data, 0700) && errno != EEXIST) {
		fprintf(stderr, "mamori init: cannot create %s: %s\n", data, strerror(errno));
		return EXIT_USAGE;
	}
	const char *given = getenv("MAMORI_INIT_PASSWORD");
	if (given && *given) {
		struct ferrors fe = FERRORS_INIT;
		password_check_rules(given, "admin", 8, "password", &fe);
		if (ferr_any(&fe)) {
			fprintf(stderr,
				"mamori init: MAMORI_INIT_PASSWORD does not meet the password "
				"policy (8+ characters, letters and digits, not common).\n");
			ferr_release(&fe);
			return EXIT_USAGE;
		}
	}
	if (write_key(data))
		return EXIT_USAGE;

	struct app app;
	struct db *db;
	rc = cli_open(&app, data, db_url, &db);
	if (rc) {
		app_release(&app);
		return rc;
	}
	struct actor who = cli_actor();
	struct ferrors fe = FERRORS_INIT;
	json_t *in = json_pack("{s:s,s:s,s:s,s:[s],s:s}", "login", "admin", "name",
			       "システム管理者", "employment_type", "regular", "roles", "admin",
			       "purpose", "システム管理 / System administration");
	int64_t id;
	char password[15];
	enum status status =
		user_create(&app, db, &who, in, given && *given ? given : NULL, &id, password, &fe);
	json_decref(in);
	if (status != ST_OK) {
		fprintf(stderr, "mamori init: cannot create the admin account: %s\n",
			status == ST_DB ? db_errmsg(db) : "invalid input");
		ferr_release(&fe);
		app_release(&app);
		return EXIT_USAGE;
	}
	training_load_starter(&app, db, &who);
	/* mamori's own personal data goes into the register from the start. */
	if (pinfo_register_own(db, &who) < 0)
		fprintf(stderr,
			"mamori init: could not register mamori's own personal data in the "
			"register (%s); the background job will retry.\n",
			db_errmsg(db));
	content_load_starter(db, &who);
	printf("mamori: data folder %s is ready.\n", data);
	printf("  login:             admin\n");
	if (given && *given)
		printf("  one-time password: (from MAMORI_INIT_PASSWORD)\n");
	else
		printf("  one-time password: %s\n", password);
	printf("Change it at first sign-in. It is shown only once.\n");
	sodium_memzero(password, sizeof(password));
	app_release(&app);
	return 0;
}
