/* export.c — a list as CSV or .xlsx, audited. */
#include <string.h>

#include "export.h"
#include "../lib/timeutil.h"
#include "../lib/xlsx.h"

const char *const export_encodings[] = { "utf-8", "cp932", NULL };
const char *const export_unmappable[] = { "refuse", "replace", NULL };

void export_local_time(int64_t t, char out[20])
{
	char utc[21];
	time_rfc3339(t + tz_offset(t), utc); /* "YYYY-MM-DDTHH:MM:SSZ" of the local clock */
	memcpy(out, utc, 19);
	out[10] = ' ';
	out[19] = '\0';
}

bool export_cp932(struct req *req)
{
	const char *enc = req_query(req, "encoding");
	return enc && !strcmp(enc, "cp932");
}

bool export_replace(struct req *req)
{
	const char *v = req_query(req, "unmappable");
	return v && !strcmp(v, "replace");
}

const char *export_content_type(bool xlsx, bool cp932)
{
	return xlsx    ? XLSX_TYPE
	       : cp932 ? "text/csv; charset=Windows-31J"
		       : "text/csv; charset=utf-8";
}

const char *export_file_name(struct req *req, const char *base, const char *ext)
{
	char today[11];
	tz_today(today);
	return arena_printf(&req->arena, "%s-%s.%s", base, today, ext);
}

/* --- building the file ------------------------------------------------------------------------ */

/* One typed cell into the CSV writer. */
static void csv_cell(struct csv_writer *w, json_t *v)
{
	json_t *t;
	if (json_is_string(v)) {
		csv_put(w, json_string_value(v));
	} else if (json_is_integer(v)) {
		csv_put_int(w, json_integer_value(v));
	} else if (json_is_boolean(v)) {
		csv_put(w, json_is_true(v) ? "true" : "false");
	} else if (json_is_object(v) && json_is_integer(t = json_object_get(v, "time"))) {
		char local[20];
		export_local_time(json_integer_value(t), local);
		csv_put(w, local);
	} else if (json_is_object(v)) {
		csv_put(w, json_string_value(json_object_get(v, "date")));
	} else {
		csv_put(w, NULL);
	}
}

static int build_csv(json_t *headers, json_t *rows, bool cp932, bool replace, struct export_file *f)
{
	struct csv_writer w;
	size_t i, j;
	json_t *row, *v;
	if (csv_writer_init(&w, cp932))
		return -1;
	json_array_foreach(headers, i, v)
	{
		csv_cell(&w, v);
	}
	csv_row_end(&w);
	json_array_foreach(rows, i, row)
	{
		json_array_foreach(row, j, v)
		{
			csv_cell(&w, v);
		}
		csv_row_end(&w);
	}
	f->loss = w.loss;
	if (w.loss.chars && !replace) {
		csv_writer_release(&w);
		return 1;
	}
	f->data = csv_writer_detach(&w, &f->len);
	return 0;
}

/* The rows with instants turned into {"datetime": local time} for the workbook. */
static json_t *xlsx_rows(json_t *rows)
{
	json_t *out = json_array(), *row, *v, *t;
	size_t i, j;
	json_array_foreach(rows, i, row)
	{
		json_t *r = json_array();
		json_array_foreach(row, j, v)
		{
			if (json_is_object(v) && json_is_integer(t = json_object_get(v, "time"))) {
				char local[20];
				export_local_time(json_integer_value(t), local);
				json_array_append_new(r, json_pack("{s:s}", "datetime", local));
			} else {
				json_array_append(r, v);
			}
		}
		json_array_append_new(out, r);
	}
	return out;
}

int export_build(json_t *headers, json_t *rows, bool xlsx, bool cp932, bool replace,
		 const char *sheet, struct export_file *f)
{
	memset(f, 0, sizeof(*f));
	if (!xlsx)
		return build_csv(headers, rows, cp932, replace, f);
	json_t *typed = xlsx_rows(rows);
	int rc = xlsx_table(sheet, headers, typed, &f->data, &f->len);
	json_decref(typed);
	return rc ? -1 : 0;
}

int reply_unmappable(struct req *req, const struct csv_loss *loss)
{
	json_t *first = json_array();
	for (size_t i = 0; i < loss->nshown; i++) {
		const struct csv_unmappable *u = &loss->shown[i];
		json_array_append_new(first, json_pack("{s:I,s:s,s:s,s:s}", "row",
						       (json_int_t)u->row, "column", u->column,
						       "record", u->record, "char", u->text));
	}
	struct buf detail = BUF_INIT;
	buf_printf(&detail,
		   "%zu characters in %zu rows cannot be written in Windows-31J (CP932). Download "
		   "UTF-8 instead, or ask for them to be replaced by '?' (unmappable=replace).",
		   loss->chars, loss->rows);
	json_t *body = json_pack("{s:s,s:s,s:i,s:s,s:s,s:I,s:I,s:o}", "type",
				 "https://mamori.invalid/problems/unmappable", "title",
				 "Characters CP932 lacks", "status", 422, "code", "unmappable",
				 "detail", detail.buf, "count", (json_int_t)loss->chars, "rows",
				 (json_int_t)loss->rows, "first", first);
	buf_release(&detail);
	reply_json(req, 422, body);
	req->content_type = "application/problem+json; charset=utf-8";
	return 0;
}

/* --- reply_export ---------------------------------------------------------------------------- */

/* API values as typed cells: "…T…Z" instants and YYYY-MM-DD dates. */
static json_t *typed_rows(json_t *rows)
{
	json_t *out = json_array(), *row, *v;
	size_t i, j;
	json_array_foreach(rows, i, row)
	{
		json_t *r = json_array();
		json_array_foreach(row, j, v)
		{
			const char *s = json_string_value(v);
			size_t n = s ? strlen(s) : 0;
			int64_t t;
			if (n == 20 && s[10] == 'T' && s[19] == 'Z' &&
			    time_parse_rfc3339(s, &t) == 0)
				json_array_append_new(r, json_pack("{s:I}", "time", (json_int_t)t));
			else if (n == 10 && date_valid(s))
				json_array_append_new(r, json_pack("{s:s}", "date", s));
			else
				json_array_append(r, v);
		}
		json_array_append_new(out, r);
	}
	return out;
}

int reply_export(struct req *req, enum export_format fmt, const char *name, json_t *headers,
		 json_t *rows)
{
	bool xlsx = fmt == EXPORT_XLSX, cp932 = !xlsx && export_cp932(req);
	struct export_file f;
	json_t *typed = typed_rows(rows);
	int rc = export_build(headers, typed, xlsx, cp932, export_replace(req), name, &f);
	json_decref(typed);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return reply_unmappable(req, &f.loss);
	struct actor who = req_actor(req);
	json_t *sum = json_pack("{s:I,s:s}", "rows", (json_int_t)json_array_size(rows), "format",
				xlsx    ? "xlsx"
				: cp932 ? "csv-cp932"
					: "csv");
	if (f.loss.chars)
		json_object_set_new(sum, "replaced", json_integer((json_int_t)f.loss.chars));
	char *action = arena_printf(&req->arena, "export.%s", name);
	rc = audit_append_tx(req->db, &who, action, name, 0, sum);
	json_decref(sum);
	if (rc) {
		free(f.data);
		return -1;
	}
	return reply_download(req, export_content_type(xlsx, cp932),
			      export_file_name(req, name, xlsx ? "xlsx" : "csv"), f.data, f.len);
}
