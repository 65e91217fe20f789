/* test_router.c — path patterns and body schemas. */
#include "unit.h"
#include "http/http.h"

static void patterns(void **state)
{
	(void)state;
	struct req req = { 0 };
	assert_true(route_match("/api/v1/users", "/api/v1/users", NULL));
	assert_false(route_match("/api/v1/users", "/api/v1/users/", NULL));
	assert_false(route_match("/api/v1/users", "/api/v1/user", NULL));
	assert_true(route_match("/api/v1/users/{id:int}", "/api/v1/users/42", &req));
	assert_int_equal(req.nparams, 1);
	assert_string_equal(req.param_names[0], "id");
	assert_string_equal(req.param_values[0], "42");
	assert_int_equal(req_param_int(&req, "id"), 42);
	assert_false(route_match("/api/v1/users/{id:int}", "/api/v1/users/4x", NULL));
	assert_false(route_match("/api/v1/users/{id:int}", "/api/v1/users/-1", NULL));
	assert_false(route_match("/api/v1/users/{id:int}", "/api/v1/users/007", NULL));
	assert_false(route_match("/api/v1/users/{id:int}", "/api/v1/users/", NULL));
	assert_false(
		route_match("/api/v1/users/{id:int}", "/api/v1/users/99999999999999999999", NULL));
	assert_true(route_match("/api/v1/users/{id:int}/disable", "/api/v1/users/3/disable", NULL));
	assert_false(route_match("/api/v1/users/{id:int}/disable", "/api/v1/users/3/enable", NULL));
	assert_false(route_match("/api/v1/users.csv", "/api/v1/users/1", NULL));
	arena_release(&req.arena);
}

static const char *const colours[] = { "red", "blue", NULL };
static const struct field schema[] = { { "name", FT_STRING, F_REQUIRED, .min = 1, .max = 5 },
				       { "n", FT_INT, 0, .min = 1, .max = 10 },
				       { "on", FT_BOOL, 0 },
				       { "day", FT_DATE, F_NULLABLE },
				       { "colour", FT_ENUM, 0, .choices = colours },
				       { "tags", FT_STRARRAY, 0, .max = 3 },
				       { "version", FT_INT, F_REQUIRED | F_ALWAYS, .min = 1 },
				       { 0 } };

static json_t *errors_for(const char *body, bool partial)
{
	json_error_t e;
	json_t *obj = json_loads(body, 0, &e);
	assert_non_null(obj);
	struct ferrors fe = FERRORS_INIT;
	schema_validate(schema, obj, partial, &fe);
	json_decref(obj);
	return fe.list ? fe.list : json_array();
}

static const char *code_of(json_t *errs, const char *field)
{
	size_t i;
	json_t *e;
	json_array_foreach(errs, i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "field")), field))
			return json_string_value(json_object_get(e, "code"));
	}
	return NULL;
}

static void schemas(void **state)
{
	(void)state;
	json_t *e = errors_for("{\"name\":\"abc\",\"version\":1}", false);
	assert_int_equal(json_array_size(e), 0);
	json_decref(e);

	e = errors_for("{}", false);
	assert_string_equal(code_of(e, "name"), "required");
	assert_string_equal(code_of(e, "version"), "required");
	json_decref(e);

	/* PATCH: only F_ALWAYS fields are required. */
	e = errors_for("{}", true);
	assert_null(code_of(e, "name"));
	assert_string_equal(code_of(e, "version"), "required");
	json_decref(e);

	e = errors_for(
		"{\"name\":\"山田太郎さん\",\"version\":1,\"n\":11,\"on\":1,\"day\":\"2026-02-30\","
		"\"colour\":\"green\",\"tags\":[\"a\",2],\"extra\":1}",
		false);
	assert_string_equal(code_of(e, "name"), "too_long");
	assert_string_equal(code_of(e, "n"), "out_of_range");
	assert_string_equal(code_of(e, "on"), "invalid_type");
	assert_string_equal(code_of(e, "day"), "invalid_date");
	assert_string_equal(code_of(e, "colour"), "invalid_choice");
	assert_string_equal(code_of(e, "tags"), "invalid_type");
	assert_string_equal(code_of(e, "extra"), "unknown_field");
	json_decref(e);

	e = errors_for("{\"name\":\"a\\u0001b\",\"version\":1,\"day\":null}", false);
	assert_string_equal(code_of(e, "name"), "invalid_text");
	assert_null(code_of(e, "day"));
	json_decref(e);

	e = errors_for("{\"name\":\"山田\",\"version\":\"1\"}", false);
	assert_string_equal(code_of(e, "version"), "invalid_type");
	json_decref(e);
}

/* An array of objects: each entry against its own schema, errors named by the entry. */
static const char *const kinds[] = { "asset", "paper", NULL };
static const struct field entry[] = { { "kind", FT_ENUM, F_REQUIRED, .choices = kinds },
				      { "label", FT_STRING, 0, .min = 1, .max = 5 },
				      { 0 } };
static const struct field list_schema[] = {
	{ "items", FT_OBJARRAY, F_REQUIRED, .max = 3, .fields = entry }, { 0 }
};

static json_t *list_errors(const char *body)
{
	json_t *obj = json_loads(body, 0, NULL);
	assert_non_null(obj);
	struct ferrors fe = FERRORS_INIT;
	schema_validate(list_schema, obj, false, &fe);
	json_decref(obj);
	return fe.list ? fe.list : json_array();
}

static void object_arrays(void **state)
{
	(void)state;
	json_t *e = list_errors("{\"items\":[{\"kind\":\"asset\"},{\"kind\":\"paper\","
				"\"label\":\"memo\"}]}");
	assert_int_equal(json_array_size(e), 0);
	json_decref(e);
	e = list_errors("{\"items\":[]}");
	assert_int_equal(json_array_size(e), 0);
	json_decref(e);
	/* Each entry's problems name the entry and its field; an entry never leaks into the
	 * top level. */
	e = list_errors("{\"items\":[{\"kind\":\"asset\"},{\"label\":\"too long\","
			"\"x\":1},{\"kind\":\"car\"}]}");
	assert_int_equal(json_array_size(e), 4);
	assert_string_equal(code_of(e, "items[1].kind"), "required");
	assert_string_equal(code_of(e, "items[1].label"), "too_long");
	assert_string_equal(code_of(e, "items[1].x"), "unknown_field");
	assert_string_equal(code_of(e, "items[2].kind"), "invalid_choice");
	json_decref(e);
	/* Not a list of objects, or too many: one error on the list itself. */
	static const char *const bad[] = {
		"{\"items\":{}}",
		"{\"items\":[1]}",
		"{\"items\":[{},\"x\"]}",
		"{\"items\":\"x\"}",
		"{\"items\":[{\"kind\":\"asset\"},{\"kind\":\"asset\"},{\"kind\":\"asset\"},"
		"{\"kind\":\"asset\"}]}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		e = list_errors(bad[i]);
		assert_int_equal(json_array_size(e), 1);
		assert_string_equal(code_of(e, "items"), "invalid_type");
		json_decref(e);
	}
	e = list_errors("{}");
	assert_string_equal(code_of(e, "items"), "required");
	json_decref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patterns),
		cmocka_unit_test(schemas),
		cmocka_unit_test(object_arrays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
