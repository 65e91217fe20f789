/* tasks.c — building and ordering the list of what waits for someone. */
#include <stdlib.h>
#include <string.h>

#include "tasks.h"

void task_add(json_t *out, const char *kind, const char *key, const char *title,
	      const char *title_en, const char *due_on, bool overdue, const char *link,
	      json_t *params)
{
	json_t *t =
		json_pack("{s:s,s:s,s:s,s:o,s:b,s:o}", "kind", kind, "key", key, "title",
			  title ? title : "", "due_on", due_on ? json_string(due_on) : json_null(),
			  "overdue", overdue, "link", link ? json_string(link) : json_null());
	if (title_en)
		json_object_set_new(t, "title_en", json_string(title_en));
	if (params)
		json_object_set_new(t, "params", params);
	json_array_append_new(out, t);
}

static const char *str(json_t *t, const char *k)
{
	const char *s = json_string_value(json_object_get(t, k));
	return s ? s : "";
}

static int by_due(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *dx = json_string_value(json_object_get(x, "due_on"));
	const char *dy = json_string_value(json_object_get(y, "due_on"));
	if (dx && !dy)
		return -1;
	if (!dx && dy)
		return 1;
	int c = dx && dy ? strcmp(dx, dy) : 0;
	if (!c)
		c = strcmp(str(x, "kind"), str(y, "kind"));
	return c ? c : strcmp(str(x, "key"), str(y, "key"));
}

void tasks_sort(json_t *tasks)
{
	size_t n = json_array_size(tasks);
	if (n < 2)
		return;
	json_t **v = xmalloc(n * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(tasks, i));
	qsort(v, n, sizeof(*v), by_due);
	json_array_clear(tasks);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(tasks, v[i]);
	free(v);
}
