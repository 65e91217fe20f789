/* files.c — uploaded files in the database by content hash (BLAKE2b-256), typed by libmagic. */
#include <magic.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "../lib/timeutil.h"
#include "../lib/util.h"

int filestore_type(const void *data, size_t len, char *out, size_t n)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
	if (!m)
		return -1;
	if (magic_load(m, NULL)) {
		magic_close(m);
		return -1;
	}
	const char *t = magic_buffer(m, data, len);
	int rc = t ? 0 : -1;
	if (t)
		snprintf(out, n, "%s", t);
	magic_close(m);
	return rc;
}

static bool hash_valid(const char *h)
{
	if (!h || strlen(h) != FILESTORE_HASH_HEX - 1)
		return false;
	for (const char *p = h; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

int filestore_put(struct db *db, const void *data, size_t len, const char *type,
		  char hash_out[FILESTORE_HASH_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	hex_encode(h, sizeof(h), hash_out);
	hash_out[FILESTORE_HASH_HEX - 1] = '\0';
	int64_t one;
	bool found;
	if (db_query_int(db, &one, &found, "SELECT 1 FROM files WHERE hash = ?",
			 P(V_TEXT(hash_out))))
		return -1;
	if (found)
		return 0;
	size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *text = xmalloc(n);
	sodium_bin2base64(text, n, data, len, sodium_base64_VARIANT_ORIGINAL);
	int rc = db_exec(
		db,
		"INSERT INTO files (hash, size, type, data, created_at) VALUES (?, ?, ?, "
		"?, ?)",
		P(V_TEXT(hash_out), V_INT(len), V_TEXT(type), V_TEXT(text), V_INT(now_unix())));
	free(text);
	return rc;
}

int filestore_get(struct db *db, const char *hash, char **data, size_t *len)
{
	struct dbrows r;
	*data = NULL;
	*len = 0;
	if (!hash_valid(hash))
		return 1;
	if (db_query(db, &r, "SELECT size, data FROM files WHERE hash = ?", P(V_TEXT(hash))))
		return -1;
	int rc = 1;
	if (db_next(&r)) {
		size_t size = (size_t)db_int(&r, 0), got = 0;
		const char *text = db_text(&r, 1);
		char *bin = xmalloc(size ? size : 1);
		if (text &&
		    sodium_base642bin((unsigned char *)bin, size, text, db_len(&r, 1), NULL, &got,
				      NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
		    got == size) {
			*data = bin;
			*len = size;
			rc = 0;
		} else {
			free(bin);
			db_set_error(db, DBE_OTHER, "a stored file does not decode");
			rc = -1;
		}
	}
	if (r.failed)
		rc = -1;
	db_rows_free(&r);
	if (rc < 0) {
		free(*data);
		*data = NULL;
		*len = 0;
	}
	return rc;
}
