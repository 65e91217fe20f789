/* folders.c — content kept as folders (folders.h). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "folders.h"
#include "util.h"

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int each_entry(const char *root, bool (*keep)(const char *root, const char *name, void *arg),
	       int (*fn)(const char *path, void *arg), void *arg, size_t *found, struct buf *err)
{
	char path[PATH_MAX];
	*found = 0;
	DIR *d = opendir(root);
	if (!d) {
		buf_printf(err, "%s: cannot open the folder\n", root);
		return -1;
	}
	char *names[256] = { 0 };
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < ARRAY_SIZE(names))
		if (e->d_name[0] != '.' && keep(root, e->d_name, arg))
			names[n++] = xstrdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	int problems = 0;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, names[i]);
		problems += fn(path, arg);
		free(names[i]);
	}
	*found = n;
	return problems;
}

/* each_content_folder's walk: the marker file, and what is done with each folder. */
struct content_walk {
	const char *marker;
	int (*fn)(const char *dir, void *arg);
	void *arg;
};

static bool holds_marker(const char *root, const char *name, void *arg)
{
	const struct content_walk *c = arg;
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s/%s", root, name, c->marker);
	return stat(path, &st) == 0;
}

static int content_dir(const char *dir, void *arg)
{
	const struct content_walk *c = arg;
	return c->fn(dir, c->arg);
}

int each_content_folder(const char *root, const char *marker, const char *what,
			int (*fn)(const char *dir, void *arg), void *arg, struct buf *err)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", root, marker);
	if (stat(path, &st) == 0)
		return fn(root, arg);
	struct content_walk c = { marker, fn, arg };
	size_t n;
	int problems = each_entry(root, holds_marker, content_dir, &c, &n, err);
	if (problems < 0)
		return 1;
	if (n == 0) {
		buf_printf(err, "%s: no %s folders (each holds a %s)\n", root, what, marker);
		return 1;
	}
	return problems;
}
