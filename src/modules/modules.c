/* modules.c — the list of modules. */
#include <string.h>

#include "modules.h"
#include "core.h"
#include "accounts/accounts.h"
#include "settings/settings.h"
#include "actions/actions.h"
#include "incidents/incidents.h"
#include "training/training.h"
#include "assets/assets.h"
#include "pinfo/pinfo.h"
#include "risks/risks.h"

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

const struct module modules[] = {
	{ "core", &core_routes, NULL, NULL },
	{ "session", &session_routes, NULL, NULL },
	{ "accounts", &accounts_routes, account_permissions, accounts_job },
	{ "audit", &audit_routes, audit_permissions, NULL },
	{ "settings", &settings_routes, settings_permissions, NULL },
	{ "incidents", &incidents_routes, incidents_permissions, NULL },
	{ "actions", &actions_routes, actions_permissions, NULL },
	{ "training", &training_routes, training_permissions, training_job },
	{ "assets", &assets_routes, assets_permissions, NULL },
	{ "pinfo", &pinfo_routes, pinfo_permissions, pinfo_job },
	{ "risks", &risks_routes, risks_permissions, NULL },
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
