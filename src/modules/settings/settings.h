/*
 * settings.h — the settings module: the admin's routes for the organisation's settings
 * (GET/PATCH /api/v1/settings, and the public subset for the sign-in page). The settings
 * themselves are platform configuration (src/settings.h), included here for the modules that
 * read them.
 */
#ifndef MAMORI_SETTINGS_MODULE_H
#define MAMORI_SETTINGS_MODULE_H

#include "../../settings.h"
#include "../../http/http.h"

extern const struct route_table settings_routes;

#endif
