/*
 * folders.h — content kept as folders (a course, a policy document): one folder, or a folder
 * of such folders.
 */
#ifndef MAMORI_FOLDERS_H
#define MAMORI_FOLDERS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Runs `fn` on "root/name" for each entry of `root` that `keep` accepts, in name order (hidden
 * ones skipped; at most 256); `arg` goes to both. Sets *found to how many; returns the sum of
 * what `fn` returns, or -1 with a line in `err` when `root` cannot be read. */
int each_entry(const char *root, bool (*keep)(const char *root, const char *name, void *arg),
	       int (*fn)(const char *path, void *arg), void *arg, size_t *found, struct buf *err);

/* Runs `fn` on `root` when it holds the file `marker` itself, else on each sub-folder of
 * `root` that holds one, in name order (hidden ones skipped; at most 256). `what` names such a
 * folder in the message when there is none ("course"). Returns the sum of what `fn` returns
 * (its count of problems), or 1 with a line in `err` when `root` cannot be read or holds none. */
int each_content_folder(const char *root, const char *marker, const char *what,
			int (*fn)(const char *dir, void *arg), void *arg, struct buf *err);

#endif
