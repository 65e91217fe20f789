/* errors.c — collecting field errors. */
#include <string.h>

#include "errors.h"
#include "util.h"

void ferr_add(struct ferrors *fe, const char *field, const char *code, const char *message)
{
	if (!fe->list)
		fe->list = json_array();
	json_t *e = json_object();
	json_object_set_new(e, "field", json_string(field));
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", json_string(message));
	json_array_append_new(fe->list, e);
}

bool ferr_any(const struct ferrors *fe)
{
	return fe->list && json_array_size(fe->list) > 0;
}

bool ferr_has(const struct ferrors *fe, const char *field)
{
	size_t i;
	json_t *e;
	if (!fe->list)
		return false;
	json_array_foreach(fe->list, i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "field")), field))
			return true;
	}
	return false;
}

void ferr_extra(struct ferrors *fe, const char *key, json_t *value)
{
	if (!fe->extra)
		fe->extra = json_object();
	json_object_set_new(fe->extra, key, value);
}

void ferr_release(struct ferrors *fe)
{
	if (!fe)
		return;
	json_decref(fe->list);
	fe->list = NULL;
	json_decref(fe->extra);
	fe->extra = NULL;
}
