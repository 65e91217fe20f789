/* import.c — `mamori import assets|pinfo FILE`: a register from a CSV file, all or nothing. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../modules/assets/assets.h"
#include "../modules/pinfo/pinfo.h"

static const char usage[] =
	"usage: mamori import assets|pinfo FILE --data DIR [--encoding auto|utf-8|cp932] "
	"[--dry-run]\n"
	"Reads a register from a CSV file (as Excel saves it: UTF-8 with or without BOM, or\n"
	"Shift_JIS/CP932; auto-detected unless --encoding says). The first row names the columns,\n"
	"with the headers of `mamori export` (Japanese) or the API's field names. Every row is\n"
	"checked as the web UI checks it; the file is imported only if no row has an error, in "
	"one\n"
	"transaction. --dry-run checks and reports without storing anything.\n"
	"Exit status: 0 imported (or a clean dry run), 1 rows with errors (nothing stored),\n"
	"2 usage, file or database error.\n";

struct import_cmd {
	const char *what, *file;
	enum csv_encoding enc;
	bool dry_run;
	char *data;
	size_t len;
	bool tty;
};

/* A bar on standard error, redrawn in place, when it is a terminal. */
static void progress(void *arg, size_t done, size_t total)
{
	struct import_cmd *c = arg;
	if (!c->tty || !total)
		return;
	int width = 30, filled = (int)(done * (size_t)width / total);
	char bar[31];
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[width] = '\0';
	fprintf(stderr, "\r[%s] %zu / %zu rows", bar, done, total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int run(struct app *app, struct db *db, void *arg)
{
	struct import_cmd *c = arg;
	struct actor who = cli_actor();
	struct reg_import_result res;
	struct ferrors fe = FERRORS_INIT;
	UNUSED(app);
	enum status st = !strcmp(c->what, "assets")
				 ? assets_import(db, &who, &reg_scope_all, c->data, c->len, c->enc,
						 c->dry_run, progress, c, &res, &fe)
				 : pinfo_import(db, &who, &reg_scope_all, c->data, c->len, c->enc,
						c->dry_run, progress, c, &res, &fe);
	int rc = 0;
	if (st == ST_INVALID) {
		size_t i;
		json_t *e;
		json_array_foreach(fe.list, i, e)
			fprintf(stderr, "mamori import: %s\n",
				json_string_value(json_object_get(e, "message")));
		rc = EXIT_USAGE;
	} else if (st != ST_OK) {
		fprintf(stderr, "mamori import: database error: %s\n", db_errmsg(db));
		rc = EXIT_USAGE;
	} else {
		size_t i;
		json_t *e;
		json_array_foreach(res.errors, i, e)
		{
			const char *col = json_string_value(json_object_get(e, "column"));
			printf("row %lld%s%s: %s\n",
			       (long long)json_integer_value(json_object_get(e, "row")),
			       col && *col ? ", " : "", col ? col : "",
			       json_string_value(json_object_get(e, "message")));
		}
		if (res.error_count > json_array_size(res.errors))
			printf("... and %zu more errors\n",
			       res.error_count - json_array_size(res.errors));
		if (res.error_count) {
			printf("%zu rows read (%s), %zu with errors: nothing was imported.\n",
			       res.rows, csv_encoding_name(res.encoding), res.rows - res.valid);
			rc = EXIT_CHECK;
		} else if (c->dry_run) {
			printf("%zu rows read (%s), all valid. Dry run: nothing was stored.\n",
			       res.rows, csv_encoding_name(res.encoding));
		} else {
			printf("%zu rows imported (%s).\n", res.imported,
			       csv_encoding_name(res.encoding));
		}
	}
	ferr_release(&fe);
	reg_import_result_release(&res);
	return rc;
}

static int read_file(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	int err = ferror(f);
	fclose(f);
	if (err) {
		buf_release(&b);
		return -1;
	}
	*data = buf_detach(&b, len);
	return 0;
}

int cmd_import(int argc, char **argv)
{
	static const char *const extra[] = { "encoding=", "dry-run", NULL };
	struct cli_args a;
	int rc = cli_parse(argc, argv, usage, extra, &a);
	if (rc >= 0)
		return rc;
	struct import_cmd c = { 0 };
	if (argc - optind != 2 ||
	    (strcmp(argv[optind], "assets") && strcmp(argv[optind], "pinfo"))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	c.what = argv[optind];
	c.file = argv[optind + 1];
	c.dry_run = a.value[1] != NULL;
	c.tty = isatty(STDERR_FILENO);
	if (csv_encoding_parse(a.value[0], &c.enc)) {
		fprintf(stderr, "mamori import: --encoding is auto, utf-8 or cp932.\n");
		return EXIT_USAGE;
	}
	if (cli_need_data(a.data, "import"))
		return EXIT_USAGE;
	if (read_file(c.file, &c.data, &c.len)) {
		fprintf(stderr, "mamori import: cannot read %s\n", c.file);
		return EXIT_USAGE;
	}
	rc = cli_with_db(&a, "import", run, &c);
	free(c.data);
	return rc;
}
