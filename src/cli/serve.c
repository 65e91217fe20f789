/* serve.c — `mamori serve`: migrate, start the background jobs, serve HTTP. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../http/http.h"
#include "../lib/log.h"
#include "../lib/timeutil.h"
#include "../modules/modules.h"
#include "../settings.h"

static const char usage[] =
	"usage: mamori serve --data DIR [--db URL] [--listen ADDR:PORT] [--threads N]\n"
	"                    [--web-root DIR] [--secure-cookies] [--trust-proxy ADDRS]\n"
	"                    [--max-connections N] [--per-address N]\n"
	"\n"
	"Migrates the database, then serves the API and the web UI (default 127.0.0.1:8080).\n"
	"SIGTERM or SIGINT finishes the requests in flight and closes the database cleanly.\n"
	"  --secure-cookies     mark cookies Secure and send HSTS (behind an HTTPS proxy)\n"
	"  --trust-proxy ADDRS  take the client address from X-Forwarded-For when the request\n"
	"                       comes from one of these proxies (e.g. 127.0.0.1,10.0.0.0/24)\n"
	"  --max-connections N  open connections in all (default 1000)\n"
	"  --per-address N      open connections from one address (default 64; 0: no limit)\n"
	"  MAMORI_JOB_INTERVAL  seconds between background job runs (default 300)\n"
	"  MAMORI_WORKER_INTERVAL  seconds between runs of the mail sender (default 5)\n"
	"The address is printed once the server listens; if the port is taken, choose another\n"
	"with --listen (make run: MAMORI_LISTEN=127.0.0.1:8081 make run).\n";

struct jobs {
	struct app *app;
	int interval, worker_interval;
	volatile int stop;
	pthread_t thread;
};

static void *jobs_main(void *arg)
{
	struct jobs *j = arg;
	/* Jobs at once; the sender after one interval (the server is up and answering by then). */
	int64_t next = 0, next_worker = now_ms() + (int64_t)j->worker_interval * 1000;
	while (!j->stop) {
		/* A time zone changed on another node is in force here within seconds (the
		 * settings are read from the database at most every two seconds). */
		struct db *zone_db = app_db(j->app);
		if (zone_db)
			settings_use_zone(j->app, zone_db);
		if (now_ms() >= next) {
			struct db *db = app_db(j->app);
			if (db)
				cli_run_jobs(j->app, db);
			next = now_ms() + (int64_t)j->interval * 1000;
		}
		if (now_ms() >= next_worker) {
			struct db *db = app_db(j->app);
			if (db)
				cli_run_workers(j->app, db);
			next_worker = now_ms() + (int64_t)j->worker_interval * 1000;
		}
		usleep(200 * 1000);
	}
	struct db *db = pthread_getspecific(j->app->db_key);
	if (db) {
		db_close(db);
		pthread_setspecific(j->app->db_key, NULL);
	}
	return NULL;
}

/* --- saying where to open it, once that is true --------------------------------------------- */

/* "host:port" as an IPv4 address (the server's own parser says what is wrong with others). */
static int listen_addr(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	int64_t port;
	if (!colon || (size_t)(colon - listen) >= sizeof(host) ||
	    parse_i64(colon + 1, 1, 65535, &port))
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* Tries to take the address for a moment: 0 if it is free, else errno (EADDRINUSE: another
 * program listens there). The server binds it again right after. */
static int address_free(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, err = 0;
	if (fd < 0)
		return errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)sa, sizeof(*sa)))
		err = errno;
	close(fd);
	return err;
}

static void print_other_port_hint(const char *listen)
{
	fprintf(stderr,
		"mamori: cannot listen on %s: it is already in use (another mamori, or another "
		"program).\n"
		"  Choose another port: MAMORI_LISTEN=127.0.0.1:8081 make run\n"
		"  or: mamori serve --data DIR --listen 127.0.0.1:8081\n",
		listen);
}

/* Waits until the server answers on its address, then prints where to open it: the address
 * is printed only when it works. */
struct ready {
	struct sockaddr_in sa;
	const char *listen, *data;
	volatile int stop;
	bool said;
	pthread_t thread;
};

static void *ready_main(void *arg)
{
	struct ready *r = arg;
	struct sockaddr_in to = r->sa;
	if (to.sin_addr.s_addr == htonl(INADDR_ANY))
		to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while (!r->stop) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		bool up = fd >= 0 && connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0;
		if (fd >= 0)
			close(fd);
		if (up) {
			printf("mamori: serving on http://%s/ (data %s). Open it in your browser; "
			       "Ctrl-C stops the server.\n",
			       r->listen, r->data);
			fflush(stdout);
			r->said = true;
			break;
		}
		usleep(50 * 1000);
	}
	return NULL;
}

/* The built web UI next to the binary (build/mamori → web/dist), if there is one. */
static char *default_web_root(void)
{
	char exe[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	static const char *const candidates[] = { "/../web/dist", "/../../web/dist",
						  "/../share/mamori/web" };
	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
		snprintf(path, sizeof(path), "%s%s/index.html", exe, candidates[i]);
		if (access(path, R_OK) == 0) {
			snprintf(path, sizeof(path), "%s%s", exe, candidates[i]);
			char *real = realpath(path, NULL);
			if (real)
				return real;
		}
	}
	return NULL;
}

int cmd_serve(int argc, char **argv)
{
	static const char *const extra[] = {
		"listen=",      "threads=",         "web-root=",    "secure-cookies",
		"trust-proxy=", "max-connections=", "per-address=", NULL
	};
	struct cli_args a;
	int rc = cli_parse(argc, argv, usage, extra, &a);
	if (rc >= 0)
		return rc;
	const char *data = a.data, *db_url = a.db, *web = a.value[2];
	const char *listen = a.value[0] ? a.value[0] : "127.0.0.1:8080";
	bool secure = a.value[3] != NULL;
	const char *proxies = a.value[4];
	int64_t threads = 4, max_conn = 1000, per_address = 64;
	if (a.value[1] && parse_i64(a.value[1], 1, 64, &threads)) {
		fprintf(stderr, "mamori serve: --threads wants 1..64\n");
		return EXIT_USAGE;
	}
	if (a.value[5] && parse_i64(a.value[5], 1, 100000, &max_conn)) {
		fprintf(stderr, "mamori serve: --max-connections wants 1..100000\n");
		return EXIT_USAGE;
	}
	if (a.value[6] && parse_i64(a.value[6], 0, 100000, &per_address)) {
		fprintf(stderr, "mamori serve: --per-address wants 0..100000\n");
		return EXIT_USAGE;
	}
	if (cli_need_data(data, "serve"))
		return EXIT_USAGE;
	if (proxies) {
		struct app probe = { 0 };
		struct buf err = BUF_INIT;
		int bad = http_trust_proxies(&probe, proxies, &err);
		if (bad)
			fprintf(stderr, "mamori serve: %s\n", err.buf);
		free(probe.proxies);
		buf_release(&err);
		if (bad)
			return EXIT_USAGE;
	}
	struct app app;
	struct db *db;
	rc = cli_open(&app, data, db_url, &db);
	if (rc) {
		app_release(&app);
		return rc;
	}
	app.routes = module_routes();
	app.secure_cookies = secure;
	if (proxies) {
		struct buf err = BUF_INIT;
		http_trust_proxies(&app, proxies, &err); /* checked above */
		buf_release(&err);
	}
	app.web_root = web ? realpath(web, NULL) : default_web_root();
	if (web && !app.web_root)
		fprintf(stderr,
			"mamori serve: --web-root %s does not exist; serving the API only\n", web);

	/* A port another program holds: say so, and how to choose another, before starting. */
	struct ready ready = { .listen = listen, .data = data };
	bool probe = listen_addr(listen, &ready.sa) == 0;
	if (probe && address_free(&ready.sa) == EADDRINUSE) {
		print_other_port_hint(listen);
		app_release(&app);
		return EXIT_USAGE;
	}

	struct jobs jobs = { .app = &app, .interval = 300, .worker_interval = 5 };
	const char *iv = getenv("MAMORI_JOB_INTERVAL");
	int64_t n;
	if (iv && parse_i64(iv, 1, 86400, &n) == 0)
		jobs.interval = (int)n;
	iv = getenv("MAMORI_WORKER_INTERVAL");
	if (iv && parse_i64(iv, 1, 3600, &n) == 0)
		jobs.worker_interval = (int)n;
	pthread_create(&jobs.thread, NULL, jobs_main, &jobs);

	struct server_options o = { listen, (int)threads, (int)max_conn,
				    per_address ? (int)per_address : -1 };
	if (probe)
		pthread_create(&ready.thread, NULL, ready_main, &ready);
	rc = http_serve(&app, &o);
	if (probe) {
		ready.stop = 1;
		pthread_join(ready.thread, NULL);
		/* Taken between the check and the server's own bind. */
		if (rc == 2 && !ready.said && address_free(&ready.sa) == EADDRINUSE)
			print_other_port_hint(listen);
	}
	jobs.stop = 1;
	pthread_join(jobs.thread, NULL);
	if (rc == HTTP_UNFINISHED)
		_exit(1); /* requests still running use the app: nothing is released under them */
	app_release(&app);
	return rc;
}
