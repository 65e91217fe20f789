/* incidents_tasks.c — what waits in incidents for officers: reports outside whose deadline is
 * near or missed, and new reports waiting for triage. */
#include <string.h>

#include "incidents_impl.h"
#include "../../workflow/tasks.h"

static int officer_tasks(const struct task_query *q, json_t *out)
{
	json_t *d = incident_dashboard(q->db);
	size_t i;
	json_t *x;
	if (!d)
		return -1;
	json_array_foreach(json_object_get(d, "deadlines"), i, x)
	{
		const char *flag = json_string_value(json_object_get(x, "flag"));
		if (!flag || (strcmp(flag, "soon") && strcmp(flag, "missed")))
			continue;
		json_int_t id = json_integer_value(json_object_get(x, "incident_id"));
		const char *report = json_string_value(json_object_get(x, "report"));
		char key[64], link[40];
		struct buf title = BUF_INIT;
		snprintf(key, sizeof(key), "incident:%lld:%s", (long long)id, report ? report : "");
		snprintf(link, sizeof(link), "/incidents/%lld", (long long)id);
		buf_printf(&title, "No.%lld %s", (long long)id,
			   json_string_value(json_object_get(x, "title")));
		task_add(out, "incident_report", key, title.buf, NULL,
			 json_string_value(json_object_get(x, "due")), !strcmp(flag, "missed"),
			 link, json_pack("{s:I,s:s?}", "incident_id", id, "report", report));
	}
	json_array_foreach(json_object_get(d, "awaiting_triage"), i, x)
	{
		json_int_t id = json_integer_value(json_object_get(x, "id"));
		char key[48], link[40];
		snprintf(key, sizeof(key), "incident:%lld:triage", (long long)id);
		snprintf(link, sizeof(link), "/incidents/%lld", (long long)id);
		task_add(out, "incident_triage", key,
			 json_string_value(json_object_get(x, "title")), NULL, NULL, false, link,
			 json_pack("{s:I}", "incident_id", id));
	}
	json_decref(d);
	return 0;
}

const struct task_source incidents_tasks[] = {
	{ "incident_report", "incidents.manage", officer_tasks, "事故・ヒヤリハットの対応",
	  "Incident handling", .private_title = true, .urgent = true },
	{ 0 },
};
