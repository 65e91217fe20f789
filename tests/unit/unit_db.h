/* unit_db.h — a migrated SQLite database in a folder of its own, for tests of code that reads
 * and writes the schema (audit events are appended with a test key). */
#ifndef MAMORI_UNIT_DB_H
#define MAMORI_UNIT_DB_H

#include <stdio.h>
#include <stdlib.h>

#include "unit.h"
#include "store/store.h"

/* Creates the folder from its template (…XXXXXX, changed in place) and the database in it. */
static inline struct db *unit_db_open(char *dir, unsigned char audit_key)
{
	char path[160];
	struct buf err = BUF_INIT;
	struct db *db;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/test.db", dir);
	assert_int_equal(db_open(path, &db, &err), 0);
	assert_int_equal(db_migrate(db, &err), 0);
	buf_release(&err);
	db_set_audit_key(db, (const unsigned char[32]){ audit_key });
	return db;
}

static inline void unit_db_remove(struct db *db, const char *dir)
{
	char cmd[200];
	db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

#endif
