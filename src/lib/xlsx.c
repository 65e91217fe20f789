/* xlsx.c — a table as an .xlsx file, written by libxlsxwriter to a private temporary file
 * and read back (the library writes files, not memory). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "buf.h"
#include "util.h"
#include "xlsx.h"

static int read_all(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct buf b = BUF_INIT;
	char chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0) {
		buf_release(&b);
		return -1;
	}
	*out = buf_detach(&b, len);
	return 0;
}

/* A {"date": "YYYY-MM-DD"} or {"datetime": "YYYY-MM-DD HH:MM:SS"} cell as an Excel date;
 * anything else in such an object as the text it holds. */
static void write_when(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, json_t *cell, lxw_format *day,
		       lxw_format *moment)
{
	const char *d = json_string_value(json_object_get(cell, "date"));
	const char *t = json_string_value(json_object_get(cell, "datetime"));
	const char *s = d ? d : t;
	lxw_datetime dt = { 0 };
	int n = 0;
	if (d)
		n = sscanf(d, "%4d-%2d-%2d", &dt.year, &dt.month, &dt.day) == 3 ? 3 : 0;
	else if (t)
		n = sscanf(t, "%4d-%2d-%2d %2d:%2d:%lf", &dt.year, &dt.month, &dt.day, &dt.hour,
			   &dt.min, &dt.sec);
	if ((d && n == 3) || (t && n == 6))
		worksheet_write_datetime(ws, r, c, &dt, d ? day : moment);
	else if (s)
		worksheet_write_string(ws, r, c, s, NULL);
}

int xlsx_table(const char *sheet, json_t *headers, json_t *rows, char **out, size_t *len)
{
	char dir[] = "/tmp/mamori-xlsx.XXXXXX";
	char path[64];
	int ret = -1;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/export.xlsx", dir);
	lxw_workbook_options opts = { .constant_memory = LXW_TRUE, .tmpdir = dir };
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	if (!wb)
		goto out;
	lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *day = workbook_add_format(wb);
	format_set_num_format(day, "yyyy/mm/dd");
	lxw_format *moment = workbook_add_format(wb);
	format_set_num_format(moment, "yyyy/mm/dd hh:mm:ss");
	size_t i, j;
	json_t *h, *row, *cell;
	json_array_foreach(headers, i, h)
	{
		worksheet_write_string(ws, 0, (lxw_col_t)i, json_string_value(h), bold);
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, 16, NULL);
	}
	worksheet_freeze_panes(ws, 1, 0);
	json_array_foreach(rows, i, row)
	{
		lxw_row_t r = (lxw_row_t)(i + 1);
		json_array_foreach(row, j, cell)
		{
			lxw_col_t c = (lxw_col_t)j;
			if (json_is_string(cell))
				worksheet_write_string(ws, r, c, json_string_value(cell), NULL);
			else if (json_is_integer(cell))
				worksheet_write_number(ws, r, c, (double)json_integer_value(cell),
						       NULL);
			else if (json_is_boolean(cell))
				worksheet_write_boolean(ws, r, c, json_is_true(cell), NULL);
			else if (json_is_object(cell))
				write_when(ws, r, c, cell, day, moment);
		}
	}
	if (workbook_close(wb) != LXW_NO_ERROR)
		goto out;
	ret = read_all(path, out, len);
out:
	unlink(path);
	rmdir(dir);
	return ret;
}
