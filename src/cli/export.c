/* export.c — `mamori export assets|pinfo|risks|soa --format csv|xlsx FILE`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../modules/assets/assets.h"
#include "../modules/pinfo/pinfo.h"
#include "../modules/risks/risks.h"

static const char usage[] =
	"usage: mamori export assets|pinfo|risks|soa --format csv|xlsx FILE --data DIR\n"
	"                     [--encoding utf-8|cp932]\n"
	"Writes a whole register (every department) to FILE: CSV in UTF-8 with a BOM (or CP932\n"
	"with --encoding cp932) or an Excel workbook, with Japanese column headers. The export is\n"
	"recorded in the audit trail.\n";

struct export_cmd {
	const char *what, *file;
	enum reg_format fmt;
};

static int run(struct app *app, struct db *db, void *arg)
{
	struct export_cmd *c = arg;
	struct actor who = cli_actor();
	char *data = NULL;
	size_t len = 0;
	enum status st;
	UNUSED(app);
	if (!strcmp(c->what, "assets")) {
		struct asset_filter f = { .has_pinfo = -1 };
		st = assets_export(db, &who, &reg_scope_all, &f, c->fmt, &data, &len);
	} else if (!strcmp(c->what, "pinfo")) {
		struct pinfo_filter f = { .sensitive = -1 };
		st = pinfo_export(db, &who, &reg_scope_all, &f, c->fmt, &data, &len);
	} else if (!strcmp(c->what, "risks")) {
		struct risk_filter f = { .accepted = -1 };
		st = risks_export(db, &who, &reg_scope_all, &f, c->fmt, &data, &len);
	} else {
		st = soa_export(db, &who, c->fmt, &data, &len);
	}
	if (st != ST_OK) {
		fprintf(stderr, "mamori export: database error: %s\n", db_errmsg(db));
		return EXIT_USAGE;
	}
	FILE *f = fopen(c->file, "wb");
	int rc = 0;
	if (!f || fwrite(data, 1, len, f) != len) {
		fprintf(stderr, "mamori export: cannot write %s\n", c->file);
		rc = EXIT_USAGE;
	}
	if (f && fclose(f) && rc == 0) {
		fprintf(stderr, "mamori export: cannot write %s\n", c->file);
		rc = EXIT_USAGE;
	}
	free(data);
	if (rc == 0)
		printf("%s written (%zu bytes).\n", c->file, len);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const char *const extra[] = { "format=", "encoding=", NULL };
	struct cli_args a;
	int rc = cli_parse(argc, argv, usage, extra, &a);
	if (rc >= 0)
		return rc;
	static const char *const whats[] = { "assets", "pinfo", "risks", "soa" };
	bool known = false;
	for (size_t i = 0; argc - optind == 2 && i < ARRAY_SIZE(whats); i++)
		known |= !strcmp(argv[optind], whats[i]);
	const char *fmt = a.value[0] ? a.value[0] : "csv";
	const char *enc = a.value[1] ? a.value[1] : "utf-8";
	if (!known || (strcmp(fmt, "csv") && strcmp(fmt, "xlsx")) ||
	    (strcmp(enc, "utf-8") && strcmp(enc, "cp932"))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	struct export_cmd c = { argv[optind], argv[optind + 1],
				!strcmp(fmt, "xlsx")    ? REG_XLSX
				: !strcmp(enc, "cp932") ? REG_CSV_CP932
							: REG_CSV };
	return cli_with_db(&a, "export", run, &c);
}
