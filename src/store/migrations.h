/*
 * migrations.h — the numbered SQL files embedded in the binary.
 *
 * The table is generated at build time by scripts/embed.sh from src/store/migrations/NNNN_*.sql
 * and src/modules/AREA/migrations/NNNN_*.sql, sorted by number. A file is named NNNN_what.sql;
 * numbers are unique across the tree. Write portable SQL: BIGINT, TEXT, INTEGER 0/1 for
 * booleans, `@ID@` for an auto-increment primary key.
 */
#ifndef MAMORI_MIGRATIONS_H
#define MAMORI_MIGRATIONS_H

#include <stddef.h>
#include <stdint.h>

struct migration {
	int64_t version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations[];
extern const size_t migrations_count;

#endif
