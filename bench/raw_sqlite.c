/* raw_sqlite.c — the baseline for bench/write.sh: single-row SQLite transactions with the
 * settings mamori uses (WAL, synchronous=FULL), from one connection, for N seconds.
 * Prints "<transactions> <seconds>". */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: raw_sqlite FILE SECONDS\n");
		return 2;
	}
	sqlite3 *db;
	sqlite3_stmt *st;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 2;
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
			 "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, at INTEGER)",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO t (v, at) VALUES (?, ?)", -1, &st, NULL);
	double secs = atof(argv[2]), start = now(), t;
	long n = 0;
	do {
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_bind_text(st, 1, "a row of about the size of an audit event summary", -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, n);
		if (sqlite3_step(st) != SQLITE_DONE)
			return 1;
		sqlite3_reset(st);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		n++;
		t = now() - start;
	} while (t < secs);
	printf("%ld %.3f\n", n, t);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}
