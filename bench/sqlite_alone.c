/* sqlite_alone.c — a bound for bench/http.sh on SQLite: SQLite alone running the statements
 * of one list request, as the server runs them, and nothing else (no HTTP, no session, no
 * JSON). Each of THREADS threads has its own connection (as each request thread has) and
 * repeats for SECONDS: BEGIN, PRAGMA data_version (the session's check), every statement of
 * FILE with every row stepped and every column read, COMMIT.
 *
 * FILE has one statement per line: the integers to bind, comma-separated (or nothing), a tab,
 * the SQL. Prints the rate: "<requests per second>".
 *   sqlite_alone DB THREADS SECONDS FILE */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_STATEMENTS 8
#define MAX_THREADS    64

struct statement {
	char *sql;
	long long params[8];
	int nparams;
};

static const char *path;
static double seconds;
static struct statement statements[MAX_STATEMENTS];
static int nstatements;
static long long done;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite_alone: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(2);
	}
	return st;
}

/* Every row, every column read as the server reads it: integers as integers, the rest as
 * text. */
static void run(sqlite3_stmt *st)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = sqlite3_column_count(st);
		for (int i = 0; i < n; i++)
			if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
				(void)sqlite3_column_int64(st, i);
			else
				(void)sqlite3_column_text(st, i);
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "sqlite_alone: %s\n", sqlite3_errstr(rc));
		exit(2);
	}
	sqlite3_reset(st);
}

static void *worker(void *arg)
{
	(void)arg;
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "sqlite_alone: cannot open %s\n", path);
		exit(2);
	}
	sqlite3_stmt *begin = prepare(db, "BEGIN"), *commit = prepare(db, "COMMIT");
	sqlite3_stmt *version = prepare(db, "PRAGMA data_version");
	sqlite3_stmt *st[MAX_STATEMENTS];
	for (int i = 0; i < nstatements; i++) {
		st[i] = prepare(db, statements[i].sql);
		if (sqlite3_bind_parameter_count(st[i]) != statements[i].nparams) {
			fprintf(stderr, "sqlite_alone: %d parameters given for: %s\n",
				statements[i].nparams, statements[i].sql);
			exit(2);
		}
		for (int k = 0; k < statements[i].nparams; k++)
			sqlite3_bind_int64(st[i], k + 1, statements[i].params[k]);
	}
	long long n = 0;
	double end = now() + seconds;
	while (now() < end)
		for (int r = 0; r < 100; r++, n++) {
			run(begin);
			run(version);
			for (int i = 0; i < nstatements; i++)
				run(st[i]);
			run(commit);
		}
	for (int i = 0; i < nstatements; i++)
		sqlite3_finalize(st[i]);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_finalize(version);
	sqlite3_close(db);
	pthread_mutex_lock(&mu);
	done += n;
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void read_statements(const char *file)
{
	FILE *f = fopen(file, "r");
	char line[8192];
	if (!f) {
		fprintf(stderr, "sqlite_alone: cannot read %s\n", file);
		exit(2);
	}
	while (fgets(line, sizeof(line), f) && nstatements < MAX_STATEMENTS) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		tab[strcspn(tab + 1, "\n") + 1] = '\0';
		struct statement *s = &statements[nstatements++];
		s->sql = strdup(tab + 1);
		for (char *p = line, *next; *p && s->nparams < 8; p = next) {
			s->params[s->nparams++] = strtoll(p, &next, 10);
			if (*next == ',')
				next++;
			else if (*next)
				break;
		}
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: sqlite_alone DB THREADS SECONDS FILE\n");
		return 2;
	}
	path = argv[1];
	int threads = atoi(argv[2]);
	seconds = atof(argv[3]);
	read_statements(argv[4]);
	if (threads < 1 || threads > MAX_THREADS || seconds <= 0 || nstatements == 0) {
		fprintf(stderr, "usage: sqlite_alone DB THREADS SECONDS FILE\n");
		return 2;
	}
	pthread_t t[MAX_THREADS];
	double start = now();
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("%.0f\n", (double)done / (now() - start));
	return 0;
}
