/* export.c — a list as CSV or .xlsx, audited. */
#include <string.h>

#include "export.h"
#include "../lib/csv.h"
#include "../lib/xlsx.h"

static void csv_cell(struct buf *b, json_t *v, bool first)
{
	if (json_is_string(v))
		csv_field(b, json_string_value(v), first);
	else if (json_is_integer(v))
		csv_field_int(b, json_integer_value(v), first);
	else if (json_is_boolean(v))
		csv_field(b, json_is_true(v) ? "true" : "false", first);
	else
		csv_field(b, NULL, first);
}

static int build_csv(json_t *headers, json_t *rows, bool cp932, char **data, size_t *len)
{
	struct buf out = BUF_INIT;
	size_t i, j;
	json_t *row, *v;
	csv_bom(&out);
	json_array_foreach(headers, i, v)
	{
		csv_cell(&out, v, i == 0);
	}
	csv_end_row(&out);
	json_array_foreach(rows, i, row)
	{
		json_array_foreach(row, j, v)
		{
			csv_cell(&out, v, j == 0);
		}
		csv_end_row(&out);
	}
	if (cp932 && csv_to_cp932(&out)) {
		buf_release(&out);
		return -1;
	}
	*data = buf_detach(&out, len);
	return 0;
}

int reply_export(struct req *req, enum export_format fmt, const char *name, json_t *headers,
		 json_t *rows)
{
	const char *enc = req_query(req, "encoding");
	bool cp932 = fmt == EXPORT_CSV && enc && !strcmp(enc, "cp932");
	char *data = NULL;
	size_t len = 0;
	if (fmt == EXPORT_XLSX ? xlsx_table(name, headers, rows, &data, &len)
			       : build_csv(headers, rows, cp932, &data, &len))
		return -1;
	struct actor who = req_actor(req);
	json_t *sum = json_pack("{s:I,s:s}", "rows", (json_int_t)json_array_size(rows), "format",
				fmt == EXPORT_XLSX ? "xlsx"
				: cp932            ? "csv-cp932"
						   : "csv");
	char *action = arena_printf(&req->arena, "export.%s", name);
	int rc = audit_append_tx(req->db, &who, action, name, 0, sum);
	json_decref(sum);
	if (rc) {
		free(data);
		return -1;
	}
	const char *type = fmt == EXPORT_XLSX ? XLSX_TYPE
			   : cp932            ? "text/csv; charset=Shift_JIS"
					      : "text/csv; charset=utf-8";
	return reply_download(
		req, type,
		arena_printf(&req->arena, "%s.%s", name, fmt == EXPORT_XLSX ? "xlsx" : "csv"), data,
		len);
}
