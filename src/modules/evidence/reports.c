/* reports.c — PDF downloads, the same way for every module (reports.h). */
#include <string.h>

#include "reports.h"
#include "../settings/settings.h"
#include "../../lib/timeutil.h"

void report_org_name(struct app *app, struct db *db, char *out, size_t n)
{
	struct settings s;
	out[0] = '\0';
	if (settings_get(app, db, &s) == 0)
		snprintf(out, n, "%s", s.org_name);
}

void report_made_at(char out[40])
{
	int64_t t = now_unix();
	int64_t local = t + tz_offset(t);
	char day[11];
	date_from_days(local / 86400 - (local % 86400 < 0 ? 1 : 0), day);
	int64_t secs = ((local % 86400) + 86400) % 86400;
	snprintf(out, 40, "作成 %s %02d:%02d", day, (int)(secs / 3600), (int)(secs % 3600 / 60));
}

int reply_pdf(struct req *req, const char *title, const char *subtitle, bool landscape,
	      void (*draw)(struct pdf *p, void *arg), void *arg, const char *filename,
	      const char *action, const char *object_type, int64_t object_id)
{
	char org[801], made[40];
	struct buf sub = BUF_INIT, out = BUF_INIT;
	report_org_name(req->app, req->db, org, sizeof(org));
	report_made_at(made);
	buf_adds(&sub, org);
	if (subtitle && *subtitle)
		buf_printf(&sub, "%s%s", *org ? "　" : "", subtitle);
	struct pdf_options o = { title, sub.buf, made, landscape };
	struct pdf *p = pdf_open(&o, pdf_to_buf, &out);
	draw(p, arg);
	int rc = pdf_close(p);
	buf_release(&sub);
	if (rc) {
		buf_release(&out);
		return -1;
	}
	struct actor who = req_actor(req);
	json_t *sum = json_pack("{s:s,s:I}", "format", "pdf", "bytes", (json_int_t)out.len);
	rc = audit_append_tx(req->db, &who, action, object_type, object_id, sum);
	json_decref(sum);
	if (rc) {
		buf_release(&out);
		return -1;
	}
	size_t len;
	char *data = buf_detach(&out, &len);
	return reply_download(req, "application/pdf", filename, data, len);
}

void report_document_pdf(struct pdf *p, json_t *doc)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(doc, "items"), i, it)
	{
		const char *value = json_string_value(json_object_get(it, "value"));
		pdf_subheading(p, json_string_value(json_object_get(it, "heading")));
		pdf_text(p, value && *value ? value : "—");
	}
}
