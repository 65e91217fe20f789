/* fuzz_json.c — request bodies: jansson parsing as the router does it, then every route's
 * declared schema (full and PATCH), then the JSON writer's quoting of the strings found. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "http/http.h"
#include "modules/modules.h"
#include "lib/jsonw.h"

static void each(const struct route *r, void *arg)
{
	json_t *obj = arg;
	if (!r->body)
		return;
	struct ferrors fe = FERRORS_INIT;
	schema_validate(r->body, obj, false, &fe);
	ferr_release(&fe);
	schema_validate(r->body, obj, true, &fe);
	ferr_release(&fe);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return 0;
	}
	router_each(module_routes(), each, j);
	struct buf b = BUF_INIT;
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v)
	{
		json_quote(&b, key);
		if (json_is_string(v))
			json_quote(&b, json_string_value(v));
	}
	buf_release(&b);
	json_decref(j);
	return 0;
}
