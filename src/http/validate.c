/* validate.c — a JSON body against a route's declared fields. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "../lib/timeutil.h"

static void check_string(const struct field *f, json_t *v, struct ferrors *fe, bool multiline)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!utf8_valid_text(s, n) ||
	    (!multiline && (memchr(s, '\n', n) || memchr(s, '\r', n) || memchr(s, '\t', n)))) {
		ferr_add(fe, f->name, "invalid_text",
			 multiline ? "Contains characters that are not allowed."
				   : "Must be one line of text without control characters.");
		return;
	}
	size_t chars = utf8_len(s, n);
	if (f->max && chars > (size_t)f->max)
		ferr_add(fe, f->name, "too_long", "Too long.");
	else if (f->min && chars < (size_t)f->min)
		ferr_add(fe, f->name, chars == 0 ? "required" : "too_short",
			 chars == 0 ? "Required." : "Too short.");
}

static bool in_choices(const struct field *f, const char *s)
{
	for (const char *const *c = f->choices; c && *c; c++)
		if (!strcmp(*c, s))
			return true;
	return false;
}

static void check_value(const struct field *f, json_t *v, struct ferrors *fe)
{
	if (json_is_null(v)) {
		if (!(f->flags & F_NULLABLE))
			ferr_add(fe, f->name, (f->flags & F_REQUIRED) ? "required" : "invalid_type",
				 "May not be null.");
		return;
	}
	switch (f->type) {
	case FT_STRING:
	case FT_TEXT:
		if (!json_is_string(v))
			ferr_add(fe, f->name, "invalid_type", "Must be text.");
		else
			check_string(f, v, fe, f->type == FT_TEXT);
		break;
	case FT_INT:
	case FT_ID:
		if (!json_is_integer(v)) {
			ferr_add(fe, f->name, "invalid_type", "Must be a whole number.");
		} else {
			json_int_t i = json_integer_value(v);
			int64_t min = f->type == FT_ID ? 1 : f->min;
			int64_t max = f->max ? f->max : INT64_MAX;
			if (i < min || i > max)
				ferr_add(fe, f->name, "out_of_range", "Out of range.");
		}
		break;
	case FT_BOOL:
		if (!json_is_boolean(v))
			ferr_add(fe, f->name, "invalid_type", "Must be true or false.");
		break;
	case FT_DATE:
		if (!json_is_string(v))
			ferr_add(fe, f->name, "invalid_type", "Must be a date as YYYY-MM-DD.");
		else if (!date_valid(json_string_value(v)))
			ferr_add(fe, f->name, "invalid_date", "Must be a real date as YYYY-MM-DD.");
		break;
	case FT_TIME: {
		int64_t t;
		if (!json_is_string(v))
			ferr_add(fe, f->name, "invalid_type", "Must be a time in RFC 3339 form.");
		else if (time_parse_rfc3339(json_string_value(v), &t))
			ferr_add(fe, f->name, "invalid_time", "Must be a time in RFC 3339 form.");
		break;
	}
	case FT_ENUM:
		if (!json_is_string(v))
			ferr_add(fe, f->name, "invalid_type", "Must be text.");
		else if (!in_choices(f, json_string_value(v)))
			ferr_add(fe, f->name, "invalid_choice", "Not one of the allowed values.");
		break;
	case FT_OBJECT: {
		size_t limit = f->max ? (size_t)f->max : 65536;
		char *text = json_is_object(v) ? json_dumps(v, JSON_COMPACT) : NULL;
		if (!text)
			ferr_add(fe, f->name, "invalid_type", "Must be an object.");
		else if (strlen(text) > limit)
			ferr_add(fe, f->name, "too_long", "Too long.");
		free(text);
		break;
	}
	case FT_STRARRAY:
	case FT_INTARRAY: {
		size_t i;
		json_t *e;
		if (!json_is_array(v) || json_array_size(v) > 100) {
			ferr_add(fe, f->name, "invalid_type",
				 "Must be a list (at most 100 entries).");
			break;
		}
		json_array_foreach(v, i, e)
		{
			bool ok = f->type == FT_STRARRAY
					  ? json_is_string(e) &&
						    utf8_valid_text(json_string_value(e),
								    json_string_length(e)) &&
						    json_string_length(e) > 0 &&
						    (!f->max || utf8_len(json_string_value(e),
									 json_string_length(e)) <=
									(size_t)f->max)
					  : json_is_integer(e) && json_integer_value(e) > 0;
			if (!ok) {
				ferr_add(fe, f->name, "invalid_type",
					 f->type == FT_STRARRAY ? "Every entry must be short text."
								: "Every entry must be an id.");
				break;
			}
		}
		break;
	}
	}
}

void schema_validate(const struct field *schema, json_t *obj, bool partial, struct ferrors *fe)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		const struct field *f = schema;
		while (f->name && strcmp(f->name, key))
			f++;
		if (!f->name)
			ferr_add(fe, key, "unknown_field", "This field is not accepted here.");
		else
			check_value(f, v, fe);
	}
	for (const struct field *f = schema; f->name; f++)
		if ((f->flags & F_REQUIRED) && (!partial || (f->flags & F_ALWAYS)) &&
		    !json_object_get(obj, f->name))
			ferr_add(fe, f->name, "required", "Required.");
}

void query_param_check(const struct field *schema, const char *key, const char *value,
		       struct ferrors *fe)
{
	const struct field *f = schema;
	bool known = false;
	for (; f && f->name; f++)
		if (!strcmp(f->name, key)) {
			known = true;
			break;
		}
	if (!utf8_valid_text(key, strlen(key)) ||
	    (value && !utf8_valid_text(value, strlen(value)))) {
		ferr_add(fe, "query", "invalid_text", "Query parameters must be valid UTF-8 text.");
		return;
	}
	if (!known) {
		ferr_add(fe, key, "unknown_field", "This query parameter is not accepted here.");
		return;
	}
	if (!value)
		return;
	int64_t v;
	switch (f->type) {
	case FT_INT:
	case FT_ID:
		if (parse_i64(value, f->type == FT_ID ? 1 : f->min, f->max ? f->max : INT64_MAX,
			      &v))
			ferr_add(fe, key, "invalid_type", "Must be a whole number in range.");
		break;
	case FT_DATE:
		if (*value && !date_valid(value))
			ferr_add(fe, key, "invalid_date", "Must be a date as YYYY-MM-DD.");
		break;
	case FT_TIME:
		if (*value && time_parse_rfc3339(value, &v))
			ferr_add(fe, key, "invalid_time", "Must be a time in RFC 3339 form.");
		break;
	case FT_ENUM: {
		bool ok = !*value;
		for (const char *const *c = f->choices; c && *c && !ok; c++)
			ok = !strcmp(*c, value);
		if (!ok)
			ferr_add(fe, key, "invalid_choice", "Not one of the allowed values.");
		break;
	}
	default:
		if (f->max && utf8_len(value, strlen(value)) > (size_t)f->max)
			ferr_add(fe, key, "too_long", "Too long.");
	}
}
