/*
 * core.h — routes that belong to no domain area: health and the permission catalogue (the
 * audit trail's are audit/audit_api.h).
 */
#ifndef MAMORI_CORE_H
#define MAMORI_CORE_H

#include "../http/http.h"

extern const struct route_table core_routes;

#endif
