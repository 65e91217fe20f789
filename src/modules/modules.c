/* modules.c — the list of modules. */
#include <pthread.h>
#include <string.h>

#include "modules.h"
#include "core.h"
#include "../audit/audit_api.h"
#include "accounts/accounts.h"
#include "settings/settings.h"
#include "actions/actions.h"
#include "incidents/incidents.h"
#include "incidents/incidents_impl.h"
#include "registers/registers.h"
#include "training/training.h"
#include "assets/assets.h"
#include "pinfo/pinfo.h"
#include "risks/risks.h"
#include "workflow/work.h"
#include "access/access.h"
#include "checklists/checklists.h"
#include "policies/policies.h"
#include "devices/devices.h"
#include "notifications/notifications.h"
#include "visits/visits.h"
#include "retention/retention_api.h"
#include "takeouts/takeouts.h"
#include "internal_audit/internal_audit.h"
#include "reviews/reviews.h"
#include "evidence/evidence.h"

static const struct permission account_permissions[] = {
	{ "users.read", "people" },
	{ "users.write", "people" },
	{ "departments.read", "people" },
	{ "departments.write", "people" },
	{ "roles.read", "people" },
	{ "roles.write", "people" },
	{ 0 },
};

static const struct permission audit_permissions[] = {
	{ "audit.read", "audit" },
	{ "audit.export", "audit" },
	{ 0 },
};

static const struct permission settings_permissions[] = {
	{ "settings.read", "settings" },
	{ "settings.write", "settings" },
	{ 0 },
};

static const struct workflow *const incident_workflows[] = { &incident_workflow, NULL };
static const struct workflow *const action_workflows[] = { &action_workflow, NULL };
static const struct workflow *const internal_audit_workflows[] = { &internal_audit_workflow, NULL };
static const struct workflow *const review_workflows[] = { &review_workflow, NULL };
static const struct workflow *const access_workflows[] = { &account_request_workflow,
							   &offboarding_workflow, NULL };
static const struct workflow *const visit_workflows[] = { &visit_workflow, NULL };
static const struct workflow *const takeout_workflows[] = { &takeout_workflow, NULL };

const struct module modules[] = {
	{ "core", &core_routes, NULL, NULL },
	{ "session", &session_routes, NULL, NULL },
	{ "accounts", &accounts_routes, account_permissions, accounts_job },
	{ "audit", &audit_routes, audit_permissions, NULL },
	{ "settings", &settings_routes, settings_permissions, NULL },
	{ "incidents", &incidents_routes, incidents_permissions, NULL, .tasks = incidents_tasks,
	  .workflows = incident_workflows },
	{ "actions", &actions_routes, actions_permissions, NULL, .tasks = actions_tasks,
	  .workflows = action_workflows },
	{ "training", &training_routes, training_permissions, training_job,
	  .tasks = training_tasks },
	{ "assets", &assets_routes, assets_permissions, NULL, .tasks = asset_tasks },
	{ "pinfo", &pinfo_routes, pinfo_permissions, pinfo_job, .tasks = pinfo_tasks },
	{ "risks", &risks_routes, risks_permissions, risks_job, .tasks = risks_tasks,
	  .workflows = risks_workflows, .approvals = risks_approvals },
	{ "workflow", &work_routes, work_permissions, work_job, .tasks = work_tasks },
	{ "access", &access_routes, access_permissions, access_job, .tasks = access_tasks,
	  .workflows = access_workflows, .approvals = access_approvals,
	  .campaigns = access_campaigns, .line_changed = offboardings_follow },
	{ "checklists", &checklists_routes, checklists_permissions, NULL,
	  .campaigns = checklists_campaigns },
	{ "policies", &policies_routes, policies_permissions, policies_job, .tasks = policies_tasks,
	  .workflows = policies_workflows, .approvals = policies_approvals },
	{ "pledges", &pledges_routes, pledges_permissions, NULL, .campaigns = pledges_campaigns },
	{ "devices", &devices_routes, devices_permissions, devices_job, .tasks = devices_tasks,
	  .workflows = devices_workflows, .approvals = devices_approvals },
	{ "notifications", &notifications_routes, NULL, notifications_job,
	  .worker = notifications_worker },
	{ "visits", &visits_routes, visits_permissions, NULL, .tasks = visits_tasks,
	  .workflows = visit_workflows },
	{ "retention", &retention_routes, retention_permissions, retention_job },
	{ "takeouts", &takeouts_routes, takeouts_permissions, takeouts_job, .tasks = takeouts_tasks,
	  .workflows = takeout_workflows, .approvals = takeouts_approvals },
	{ "internal_audit", &internal_audit_routes, internal_audit_permissions, NULL,
	  .tasks = internal_audit_tasks, .workflows = internal_audit_workflows },
	{ "reviews", &reviews_routes, reviews_permissions, NULL, .tasks = reviews_tasks,
	  .workflows = review_workflows, .approvals = reviews_approvals },
	{ "evidence", &evidence_routes, evidence_permissions, NULL },
};

const size_t module_count = ARRAY_SIZE(modules);

bool permission_known(const char *name)
{
	for (size_t m = 0; m < module_count; m++)
		for (const struct permission *p = modules[m].permissions; p && p->name; p++)
			if (!strcmp(p->name, name))
				return true;
	return false;
}

const struct approval_kind *module_approval_kind(const char *record_type)
{
	for (size_t m = 0; m < module_count; m++)
		for (const struct approval_kind *k = modules[m].approvals; k && k->record_type; k++)
			if (!strcmp(k->record_type, record_type))
				return k;
	return NULL;
}

const struct campaign_kind *module_campaign_kind(const char *kind)
{
	for (size_t m = 0; m < module_count; m++)
		for (const struct campaign_kind *k = modules[m].campaigns; k && k->kind; k++)
			if (!strcmp(k->kind, kind))
				return k;
	return NULL;
}

size_t module_campaign_kinds(const struct campaign_kind **out, size_t max)
{
	size_t n = 0;
	for (size_t m = 0; m < module_count; m++)
		for (const struct campaign_kind *k = modules[m].campaigns; k && k->kind && n < max;
		     k++)
			out[n++] = k;
	return n;
}

int module_line_changed(struct db *db, const struct actor *who)
{
	const struct campaign_kind *kinds[32];
	size_t nk = module_campaign_kinds(kinds, ARRAY_SIZE(kinds));
	if (approvals_follow_managers(db, who) < 0 || campaign_items_follow(db, kinds, nk, who) < 0)
		return -1;
	for (size_t m = 0; m < module_count; m++)
		if (modules[m].line_changed && modules[m].line_changed(db, who))
			return -1;
	return 0;
}

static const struct route_table *route_tables[ARRAY_SIZE(modules)];
static struct route_set route_set;
static pthread_once_t route_set_once = PTHREAD_ONCE_INIT;

static void route_set_build(void)
{
	for (size_t m = 0; m < module_count; m++)
		route_tables[m] = modules[m].routes;
	route_set = (struct route_set){ route_tables, module_count };
}

const struct route_set *module_routes(void)
{
	pthread_once(&route_set_once, route_set_build);
	return &route_set;
}
