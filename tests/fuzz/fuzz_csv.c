/* fuzz_csv.c — the CSV reader of imports: decoding (UTF-8, CP932, detection) and splitting
 * into records, on any bytes. Every record read must be valid text, and writing a record as an
 * export does (formula guard, quoting) then reading it back as an import does gives the same
 * cells. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/csv.h"
#include "lib/util.h"

/* The record r->fields written by the UTF-8 export writer and read back by the import. */
static void round_trip(struct csv_reader *r)
{
	struct csv_writer w;
	if (csv_writer_init(&w, false))
		abort();
	for (size_t i = 0; i < r->nfields; i++)
		csv_put(&w, r->fields[i]);
	csv_row_end(&w);
	size_t len;
	char *out = csv_writer_detach(&w, &len);
	struct csv_reader back;
	csv_reader_init(&back, out + 3, len - 3);
	int rc = csv_read(&back);
	if (rc == 0) {
		/* Only a record of one empty cell writes a blank line, which reads as nothing. */
		if (r->nfields != 1 || r->fields[0][0])
			abort();
	} else if (rc < 0 || back.nfields != r->nfields) {
		abort();
	} else {
		for (size_t i = 0; i < r->nfields; i++)
			if (strcmp(csv_unguard(back.fields[i]), r->fields[i]))
				abort();
	}
	csv_reader_release(&back);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf text = BUF_INIT;
	enum csv_encoding used;
	size_t bad;
	/* The first byte picks the encoding, as a user's choice would. */
	enum csv_encoding enc = size ? (enum csv_encoding)(data[0] % 3) : CSV_AUTO;
	/* An empty upload reaches the decoder as NULL (no body was read): so here too. */
	if (csv_decode(size ? (const char *)data : NULL, size, enc, &text, &used, &bad) == 0) {
		if (!utf8_valid_text(text.buf, text.len))
			abort();
		struct csv_reader r;
		int rc;
		long records = 0;
		csv_reader_init(&r, text.buf, text.len);
		while ((rc = csv_read(&r)) != 0) {
			records++;
			if (rc > 0) {
				for (size_t i = 0; i < r.nfields; i++)
					if (!utf8_valid_text(r.fields[i], strlen(r.fields[i])))
						abort();
				round_trip(&r);
			}
			if (records > (long)text.len + 1)
				abort(); /* the reader must always move on */
		}
		csv_reader_release(&r);
	} else if (bad > size) {
		abort();
	}
	buf_release(&text);
	return 0;
}
