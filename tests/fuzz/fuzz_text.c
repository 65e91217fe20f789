/* fuzz_text.c — the small parsers of outside text: UTF-8 checks, numbers, dates, RFC 3339
 * times, recovery codes, CSV cells and their CP932 conversion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/totp.h"
#include "lib/csv.h"
#include "lib/timeutil.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	bool valid = utf8_valid_text(s, size);
	if (valid)
		(void)utf8_len(s, size);
	int64_t v;
	(void)parse_i64(s, INT64_MIN, INT64_MAX, &v);
	(void)date_valid(s);
	if (time_parse_rfc3339(s, &v) == 0) {
		char out[21];
		time_rfc3339(v, out);
	}
	char code[15];
	if (recovery_code_normalise(s, code) && strlen(code) != 14)
		abort();
	if (valid) {
		struct buf b = BUF_INIT;
		csv_field(&b, s, true);
		csv_end_row(&b);
		(void)csv_to_cp932(&b);
		buf_release(&b);
	}
	free(s);
	return 0;
}
