/*
 * org.h — departments (部署) and roles (ロール) with their permissions.
 *
 * Built-in roles (admin, officer, auditor, manager, employee, executive) cannot be renamed
 * or removed; their permissions are editable except admin's, which always holds every
 * permission so that the system can never be left without someone able to manage it.
 */
#ifndef MAMORI_ORG_H
#define MAMORI_ORG_H

#include <jansson.h>

#include "accounts.h"

json_t *departments_list(struct db *db);
json_t *department_json(struct db *db, int64_t id);
enum status department_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			      struct ferrors *fe);
/* Stores a department from `in` (checked against department_create_schema) inside the
 * caller's transaction with its "department.create" event; problems go to `fe` (*id stays 0).
 * -1 on a database error. */
int department_insert(struct db *db, const struct actor *who, json_t *in, int64_t *id,
		      struct ferrors *fe);
extern const struct field department_create_schema[];
enum status department_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			      struct ferrors *fe);

json_t *roles_list(struct db *db);
json_t *role_json(struct db *db, int64_t id);
enum status role_create(struct db *db, const struct actor *who, json_t *in, int64_t *id,
			struct ferrors *fe);
enum status role_update(struct db *db, const struct actor *who, int64_t id, json_t *patch,
			struct ferrors *fe);

#endif
