/*
 * filestore.h — uploaded files kept by content hash in the data folder, never in a served one.
 *
 * A file is stored once as <data>/files/<aa>/<hash> where hash is the hex BLAKE2b-256 of its
 * bytes (aa its first two characters); the same bytes uploaded twice are one file. Files are
 * written to a temporary name, flushed and renamed, so a reader never sees half a file. What
 * a file is comes from its bytes (libmagic), never from the name or type the client gave.
 */
#ifndef MAMORI_FILESTORE_H
#define MAMORI_FILESTORE_H

#include <stddef.h>
#include <stdint.h>

#define FILESTORE_HASH_HEX 65

/* The MIME type libmagic reads from the bytes ("application/pdf"), into `out` (n bytes).
 * -1 if libmagic cannot be used. */
int filestore_type(const void *data, size_t len, char *out, size_t n);

/* Stores `data` under its hash (kept as it is when already there); hash_out gets the hex
 * hash. -1 with errno on I/O errors. */
int filestore_put(const char *data_dir, const void *data, size_t len,
		  char hash_out[FILESTORE_HASH_HEX]);

/* Opens the stored file `hash` read-only; its size into *size. -1 if it is not there or the
 * hash is not one (only hex digits of the right length are ever turned into a path). */
int filestore_open(const char *data_dir, const char *hash, int64_t *size);

#endif
