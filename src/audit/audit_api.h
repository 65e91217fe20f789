/*
 * audit_api.h — the audit trail's routes: events (list, one, CSV/xlsx export), the chain's
 * head and its verification. Registered in the module list (modules.c) like a module's.
 */
#ifndef MAMORI_AUDIT_API_H
#define MAMORI_AUDIT_API_H

#include "../http/http.h"

extern const struct route_table audit_routes;

#endif
