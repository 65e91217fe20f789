/*
 * core.h — routes that belong to no domain area: health, the permission catalogue and the
 * audit trail's API.
 */
#ifndef MAMORI_CORE_H
#define MAMORI_CORE_H

#include "../http/http.h"

extern const struct route_table core_routes;
extern const struct route_table audit_routes;

#endif
