/* export.c — `mamori export assets|pinfo|risks|soa --format csv|xlsx FILE`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../modules/assets/assets.h"
#include "../modules/pinfo/pinfo.h"
#include "../modules/risks/risks.h"

static const char usage[] =
	"usage: mamori export assets|pinfo|pinfo-risks|risks|soa --format csv|xlsx FILE --data "
	"DIR\n"
	"                     [--encoding utf-8|cp932] [--replace-unmappable] [--version N]\n"
	"Writes a whole register (every department) to FILE: CSV in UTF-8 with a BOM (or CP932\n"
	"with --encoding cp932) or an Excel workbook, with Japanese column headers. pinfo-risks "
	"is\n"
	"the personal information register's risk analysis as one table; soa --version N is the\n"
	"Statement of Applicability's frozen version N. The export is recorded in the audit "
	"trail.\n"
	"CP932 lacks some characters (𠮷, emoji…): the export then stops and says where they are,\n"
	"unless --replace-unmappable writes '?' for each.\n";

struct export_cmd {
	const char *what, *file;
	struct reg_export x;
	int64_t version;
};

static int run(struct app *app, struct db *db, void *arg)
{
	struct export_cmd *c = arg;
	struct actor who = cli_actor();
	struct pinfo_filter pf = { .sensitive = -1 };
	enum status st;
	UNUSED(app);
	if (!strcmp(c->what, "assets")) {
		struct asset_filter f = { .has_pinfo = -1 };
		st = assets_export(db, &who, &reg_scope_all, &f, &c->x);
	} else if (!strcmp(c->what, "pinfo")) {
		st = pinfo_export(db, &who, &reg_scope_all, &pf, &c->x);
	} else if (!strcmp(c->what, "pinfo-risks")) {
		st = pinfo_risk_export(db, &who, &reg_scope_all, &pf, &c->x);
	} else if (!strcmp(c->what, "risks")) {
		struct risk_filter f = { .accepted = -1 };
		st = risks_export(db, &who, &reg_scope_all, &f, &c->x);
	} else {
		st = soa_export(db, &who, &reg_scope_all, c->version, &c->x);
	}
	if (st == ST_INVALID) {
		const struct csv_loss *l = &c->x.file.loss;
		fprintf(stderr,
			"mamori export: %zu characters in %zu rows cannot be written in CP932 "
			"(Windows-31J); nothing was written. Use --encoding utf-8, or "
			"--replace-unmappable to write '?' for them.\n",
			l->chars, l->rows);
		for (size_t i = 0; i < l->nshown; i++)
			fprintf(stderr, "  row %ld (%s), column %s: %s\n", l->shown[i].row,
				l->shown[i].record, l->shown[i].column, l->shown[i].text);
		return EXIT_CHECK;
	}
	if (st == ST_NOT_FOUND) {
		fprintf(stderr, "mamori export: there is no version %lld.\n",
			(long long)c->version);
		return EXIT_USAGE;
	}
	char *data = c->x.file.data;
	size_t len = c->x.file.len;
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
	static const char *const extra[] = { "format=", "encoding=", "replace-unmappable",
					     "version=", NULL };
	struct cli_args a;
	int rc = cli_parse(argc, argv, usage, extra, &a);
	if (rc >= 0)
		return rc;
	static const char *const whats[] = { "assets", "pinfo", "pinfo-risks", "risks", "soa" };
	bool known = false;
	for (size_t i = 0; argc - optind == 2 && i < ARRAY_SIZE(whats); i++)
		known |= !strcmp(argv[optind], whats[i]);
	const char *fmt = a.value[0] ? a.value[0] : "csv";
	const char *enc = a.value[1] ? a.value[1] : "utf-8";
	int64_t version = 0;
	if (!known || (strcmp(fmt, "csv") && strcmp(fmt, "xlsx")) ||
	    (strcmp(enc, "utf-8") && strcmp(enc, "cp932")) ||
	    (a.value[3] &&
	     (strcmp(argv[optind], "soa") || parse_i64(a.value[3], 1, INT64_MAX, &version)))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	struct export_cmd c = { argv[optind],
				argv[optind + 1],
				{ .fmt = !strcmp(fmt, "xlsx")    ? REG_XLSX
					 : !strcmp(enc, "cp932") ? REG_CSV_CP932
								 : REG_CSV,
				  .replace = a.value[2] != NULL },
				version };
	return cli_with_db(&a, "export", run, &c);
}
