/* user.c — `mamori user add|list|disable|enable|reset-password`: accounts from the shell,
 * through the same domain functions as the API. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../http/http.h"
#include "../modules/accounts/accounts.h"

static const char usage[] =
	"usage: mamori user add --data DIR --login ID --name NAME [--email E] [--role R]...\n"
	"                       [--employment-type "
	"regular|contract|dispatched|part_time|contractor]\n"
	"                       [--purpose TEXT] [--valid-until YYYY-MM-DD]\n"
	"       mamori user list --data DIR\n"
	"       mamori user disable --data DIR LOGIN [--reason TEXT]\n"
	"       mamori user enable --data DIR LOGIN\n"
	"       mamori user reset-password --data DIR LOGIN\n"
	"Every command also takes --db URL (or MAMORI_DB). New and reset accounts get a one-time\n"
	"password, printed once, that must be changed at first sign-in.\n";

static void print_errors(struct ferrors *fe)
{
	size_t i;
	json_t *e;
	json_array_foreach(fe->list, i, e)
	{
		fprintf(stderr, "  %s: %s\n", json_string_value(json_object_get(e, "field")),
			json_string_value(json_object_get(e, "message")));
	}
}

static int add(struct app *app, struct db *db, json_t *in)
{
	struct ferrors fe = FERRORS_INIT;
	struct actor who = cli_actor();
	int64_t id;
	char password[15];
	int rc = 0;
	if (!json_object_get(in, "purpose"))
		json_object_set_new(in, "purpose", json_string("(set from the command line)"));
	if (!json_object_get(in, "employment_type"))
		json_object_set_new(in, "employment_type", json_string("regular"));
	schema_validate(user_create_schema, in, false, &fe);
	enum status st = ferr_any(&fe) ? ST_INVALID
				       : user_create(app, db, &who, in, NULL, &id, password, &fe);
	if (st == ST_OK) {
		printf("created %s (id %lld)\none-time password: %s\n",
		       json_string_value(json_object_get(in, "login")), (long long)id, password);
	} else if (st == ST_INVALID) {
		fprintf(stderr, "mamori user add: not created:\n");
		print_errors(&fe);
		rc = EXIT_USAGE;
	} else {
		fprintf(stderr, "mamori user add: database error: %s\n", db_errmsg(db));
		rc = EXIT_USAGE;
	}
	ferr_release(&fe);
	return rc;
}

static int list(struct db *db)
{
	struct dbrows r;
	if (db_query(db, &r,
		     "SELECT u.id, u.login, u.name, u.status, u.employment_type, "
		     "COALESCE(u.valid_until, '-') FROM users u ORDER BY u.id",
		     P0))
		return EXIT_USAGE;
	printf("%-6s %-20s %-10s %-12s %-11s %s\n", "ID", "LOGIN", "STATUS", "EMPLOYMENT", "VALID",
	       "NAME");
	while (db_next(&r))
		printf("%-6lld %-20s %-10s %-12s %-11s %s\n", (long long)db_int(&r, 0),
		       db_text(&r, 1), db_text(&r, 3), db_text(&r, 4), db_text(&r, 5),
		       db_text(&r, 2));
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? EXIT_USAGE : 0;
}

static int by_login(struct db *db, const char *login, int64_t *id)
{
	if (user_find(db, login, id)) {
		fprintf(stderr, "mamori user: database error: %s\n", db_errmsg(db));
		return EXIT_USAGE;
	}
	if (!*id) {
		fprintf(stderr, "mamori user: there is no user %s (see `mamori user list`).\n",
			login);
		return EXIT_USAGE;
	}
	return 0;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = { { "data", required_argument, 0, 'd' },
					      { "db", required_argument, 0, 'b' },
					      { "login", required_argument, 0, 'l' },
					      { "name", required_argument, 0, 'n' },
					      { "email", required_argument, 0, 'e' },
					      { "role", required_argument, 0, 'r' },
					      { "employment-type", required_argument, 0, 't' },
					      { "purpose", required_argument, 0, 'p' },
					      { "valid-until", required_argument, 0, 'v' },
					      { "reason", required_argument, 0, 'R' },
					      { "help", no_argument, 0, 'h' },
					      { 0 } };
	const char *data = NULL, *db_url = NULL, *reason = NULL;
	json_t *in = json_object(), *roles = NULL;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'b':
			db_url = optarg;
			break;
		case 'l':
			json_object_set_new(in, "login", json_string(optarg));
			break;
		case 'n':
			json_object_set_new(in, "name", json_string(optarg));
			break;
		case 'e':
			json_object_set_new(in, "email", json_string(optarg));
			break;
		case 't':
			json_object_set_new(in, "employment_type", json_string(optarg));
			break;
		case 'p':
			json_object_set_new(in, "purpose", json_string(optarg));
			break;
		case 'v':
			json_object_set_new(in, "valid_until", json_string(optarg));
			break;
		case 'R':
			reason = optarg;
			break;
		case 'r':
			if (!roles)
				json_object_set_new(in, "roles", roles = json_array());
			json_array_append_new(roles, json_string(optarg));
			break;
		default:
			json_decref(in);
			fputs(usage, c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : EXIT_USAGE;
		}
	}
	const char *action = optind < argc ? argv[optind] : NULL;
	const char *login = optind + 1 < argc ? argv[optind + 1] : NULL;
	bool needs_login = action && (!strcmp(action, "disable") || !strcmp(action, "enable") ||
				      !strcmp(action, "reset-password"));
	if (!action || (strcmp(action, "add") && strcmp(action, "list") && !needs_login) ||
	    (needs_login && !login)) {
		json_decref(in);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (cli_need_data(data, "user")) {
		json_decref(in);
		return EXIT_USAGE;
	}
	struct app app;
	struct db *db;
	rc = cli_open(&app, data, db_url, &db);
	if (rc)
		goto out;
	struct actor who = cli_actor();
	int64_t id = 0;
	if (!strcmp(action, "add")) {
		rc = add(&app, db, in);
	} else if (!strcmp(action, "list")) {
		rc = list(db);
	} else if ((rc = by_login(db, login, &id)) == 0) {
		struct ferrors fe = FERRORS_INIT;
		enum status st;
		char password[15];
		if (!strcmp(action, "reset-password"))
			st = user_reset_password(db, &who, id, password, &fe);
		else
			st = user_set_active(db, &who, id, !strcmp(action, "enable"), reason, &fe);
		if (st == ST_OK && !strcmp(action, "reset-password"))
			printf("one-time password for %s: %s\n", login, password);
		else if (st == ST_OK)
			printf("%s: %s\n", login,
			       !strcmp(action, "enable") ? "enabled" : "disabled");
		else {
			fprintf(stderr, "mamori user %s: %s\n", action,
				fe.detail     ? fe.detail
				: st == ST_DB ? db_errmsg(db)
					      : "refused");
			rc = EXIT_USAGE;
		}
		ferr_release(&fe);
	}
out:
	json_decref(in);
	app_release(&app);
	return rc;
}
