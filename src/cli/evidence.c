/* evidence.c — `mamori evidence-pack --from DATE --to DATE [--out FILE]`: the evidence pack
 * (modules/evidence) written to a file, the same ZIP as GET /api/v1/evidence-pack. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../lib/pdf.h"
#include "../modules/evidence/evidence.h"

static const char usage[] =
	"usage: mamori evidence-pack --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE] --data DIR\n"
	"Writes the evidence pack for a Privacy Mark renewal or an ISMS surveillance audit: the\n"
	"registers, risk assessment and SoA, training plan and rosters, internal audit reports,\n"
	"management reviews, incidents, corrective actions, pledges and the audit trail's\n"
	"verification, each as PDF and xlsx with an index page, in one ZIP (default FILE:\n"
	"evidence-pack-FROM-TO.zip). Generating it is recorded in the audit trail.\n";

struct pack_cmd {
	const char *from, *to, *file;
	size_t bytes;
};

struct sink {
	int fd;
	size_t bytes;
};

static int fd_write(void *arg, const void *data, size_t len)
{
	struct sink *s = arg;
	const char *p = data;
	while (len) {
		ssize_t n = write(s->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		s->bytes += (size_t)n;
	}
	return 0;
}

static int run(struct app *app, struct db *db, void *arg)
{
	struct pack_cmd *c = arg;
	struct actor who = cli_actor();
	json_t *manifest = NULL;
	/* Written beside the file and renamed when complete: never half a pack under its name. */
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.part", c->file);
	struct sink s = { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), 0 };
	if (s.fd < 0) {
		fprintf(stderr, "mamori evidence-pack: cannot write %s: %s\n", tmp,
			strerror(errno));
		return EXIT_USAGE;
	}
	enum status st =
		evidence_pack_write(app, db, &who, c->from, c->to, fd_write, &s, &manifest);
	pdf_thread_done();
	if (st != ST_OK || fsync(s.fd) || close(s.fd) || rename(tmp, c->file)) {
		if (s.fd >= 0)
			close(s.fd);
		unlink(tmp);
		fprintf(stderr, "mamori evidence-pack: failed: %s\n",
			st != ST_OK ? db_errmsg(db) : strerror(errno));
		json_decref(manifest);
		return EXIT_USAGE;
	}
	printf("%s written (%zu bytes, %lld files).\n", c->file, s.bytes,
	       (long long)json_integer_value(json_object_get(manifest, "files")));
	json_decref(manifest);
	return 0;
}

int cmd_evidence(int argc, char **argv)
{
	static const char *const extra[] = { "from=", "to=", "out=", NULL };
	struct cli_args a;
	int rc = cli_parse(argc, argv, usage, extra, &a);
	if (rc >= 0)
		return rc;
	struct ferrors fe = FERRORS_INIT;
	evidence_check_period(a.value[0], a.value[1], &fe);
	if (ferr_any(&fe) || optind != argc) {
		size_t i;
		json_t *e;
		json_array_foreach(fe.list, i, e)
		{
			fprintf(stderr, "mamori evidence-pack: --%s: %s\n",
				json_string_value(json_object_get(e, "field")),
				json_string_value(json_object_get(e, "message")));
		}
		ferr_release(&fe);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	char name[64];
	snprintf(name, sizeof(name), "evidence-pack-%s-%s.zip", a.value[0], a.value[1]);
	struct pack_cmd c = { a.value[0], a.value[1], a.value[2] ? a.value[2] : name, 0 };
	return cli_with_db(&a, "evidence-pack", run, &c);
}
