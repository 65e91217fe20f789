/* main.c — `mamori <command>`: one table of subcommands. */
#include <liboath/oath.h>
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "lib/crypto.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "init", cmd_init, "create a data folder, its key, database and first administrator" },
	{ "serve", cmd_serve, "serve the API and the web UI" },
	{ "migrate", cmd_migrate, "apply database migrations" },
	{ "user", cmd_user, "add, list, disable, enable accounts; reset a password" },
	{ "backup", cmd_backup, "write a consistent copy of the database" },
	{ "restore", cmd_restore, "replace the database with a copy made by backup" },
	{ "check", cmd_check, "check the database, schema, audit chain and key" },
	{ "audit", cmd_audit, "verify the audit trail, print its head, export it" },
	{ "jobs", cmd_jobs, "run the background jobs once" },
	{ "routes", cmd_routes, "print the API's routes and their permissions" },
	{ "import", cmd_import, "import a register (assets, pinfo) from a CSV file" },
	{ "export", cmd_export, "export a register (assets, pinfo, risks, soa) as CSV or xlsx" },
	{ "content", cmd_content, "load or update training courses from files" },
};

static void usage(FILE *to)
{
	fprintf(to, "mamori — information security and personal information protection\n\n"
		    "usage: mamori COMMAND [options]   (mamori COMMAND --help for each)\n\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(to, "  %-8s %s\n", commands[i].name, commands[i].what);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	umask(077); /* the data folder holds personal data: owner only */
	if (crypto_start() || oath_init() != OATH_OK ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "mamori: cannot start the crypto libraries\n");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mamori: unknown command %s\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
