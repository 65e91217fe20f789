/*
 * files.h — uploaded files (a policy's PDF, an audit's evidence) kept in the database by
 * content hash.
 *
 * A file is one row of `files`, keyed by the hex BLAKE2b-256 of its bytes: the same bytes
 * uploaded twice are one file. It is written in the transaction of the record that points at
 * it, so a file and its record land together or not at all; it is in every backup, and every
 * node of a PostgreSQL cluster reads the same one. The bytes are kept as base64 text (one
 * portable column type on both engines; uploads are at most a few tens of MiB). What a file
 * is comes from its bytes (libmagic), never from the name or type the client gave. Nothing is
 * ever served from a folder.
 */
#ifndef MAMORI_FILES_H
#define MAMORI_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define FILESTORE_HASH_HEX 65

/* The MIME type libmagic reads from the bytes ("application/pdf"), into `out` (n bytes).
 * -1 if libmagic cannot be used. */
int filestore_type(const void *data, size_t len, char *out, size_t n);

/* Stores `data` (of MIME type `type`) under its hash inside the caller's transaction (kept as
 * it is when already there); hash_out gets the hex hash. -1 on database error. */
int filestore_put(struct db *db, const void *data, size_t len, const char *type,
		  char hash_out[FILESTORE_HASH_HEX]);

/* The bytes of file `hash` into *data (malloc'd, the caller frees) and *len. 0; 1 when there
 * is no such file (or `hash` is not one); -1 on database error. */
int filestore_get(struct db *db, const char *hash, char **data, size_t *len);

#endif
