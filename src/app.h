/*
 * app.h — the running server's context, passed to everything that needs it.
 *
 * There are no global singletons: a `struct app` is built by `mamori serve` (or by a test)
 * and reached from each request. Each worker thread has its own database connection,
 * opened on first use by app_db().
 */
#ifndef MAMORI_APP_H
#define MAMORI_APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "store/store.h"

#define MASTER_KEY_BYTES 32

struct route_set;

/* An address range (a proxy trusted with X-Forwarded-For). */
struct net_range {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned bits;
};

struct app {
	char *data_dir;
	char *db_url;
	char *web_root; /* folder of the built web UI, or NULL */
	unsigned char master_key[MASTER_KEY_BYTES];
	unsigned char audit_key[MASTER_KEY_BYTES]; /* the audit chain's, from master_key */
	bool secure_cookies;       /* Secure flag on cookies (HTTPS or --secure-cookies) */
	struct net_range *proxies; /* X-Forwarded-For is taken from these peers only */
	size_t nproxies;
	pthread_key_t db_key;
	pthread_key_t session_key;   /* each thread's cache of sessions (auth/session.c) */
	int64_t settings_generation; /* bumped by every settings update (settings.h) */
	int64_t zone_generation;     /* that of the settings whose time zone is in force */
	/* What the HTTP server answers (http.h): set by serve from the module list. */
	const struct route_set *routes;
};

/* Resolves the data folder's database URL and reads the master key. -1 with a sentence in err. */
int app_init(struct app *app, const char *data_dir, const char *db_url, struct buf *err);
void app_release(struct app *app);
/* This thread's connection; NULL (and a log line) if it cannot be opened. */
struct db *app_db(struct app *app);
/* The default database URL for a data folder: its mamori.db. */
char *app_default_db_url(const char *data_dir);

#endif
