/*
 * server.c — libmicrohttpd glue.
 *
 * libmicrohttpd accepts the connections on our listening socket and serves them with its own
 * thread pool (one poll() loop per thread). Its options bound what a crowd of clients can
 * hold: connections in all and per address, and an idle timeout. What it lacks (a deadline for
 * a request's headers and body, so that a client trickling bytes cannot keep a connection for
 * ever) is a watchdog here, which shuts such a connection's socket down.
 *
 * (The server once accepted connections itself and handed them to single-thread daemons with
 * MHD_add_connection. libmicrohttpd 0.9.75 counts such a connection only when its own thread
 * takes it, so a burst could exceed a daemon's limit, and on that path it returns without
 * unlocking the daemon's cleanup mutex: the thread then waits for itself for ever. A flood of
 * connections wedged the server for good. Accepting on libmicrohttpd's own listening socket,
 * every connection is counted by the thread that accepts it and that path cannot be reached.
 * The threads poll() rather than epoll: in 0.9.75, MHD_quiesce_daemon() on an epoll thread
 * pool races the threads' own removal of the listening socket from their epoll sets, and the
 * loser aborts the process ("Failed to remove listen FD from epoll set") — seen at SIGTERM in
 * the API tests. With poll() quiescing only tells each thread to leave the socket out.)
 *
 * libmicrohttpd calls the access handler several times per request: first with no upload
 * data (we allocate the struct req, find the route and, for a large body, check the session
 * and permission before any of it is read), then once per body chunk (we append to memory or
 * to the body's file, up to the route's limit, and always consume the chunk), then once more
 * with nothing left (we dispatch and queue the answer). Routes that run long are handed to the
 * long-work threads with the connection suspended, and answered when it is resumed. The
 * request is freed only in the completion callback, which also writes the request's log line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "static.h"
#include "../auth/session.h"
#include "../lib/log.h"
#include "../lib/timeutil.h"

#define MAX_CONNECTIONS   1000 /* open connections, unless --max-connections */
#define PER_ADDRESS       64   /* open connections from one address, unless --per-address */
#define MAX_THREADS       64
#define LONG_THREADS      2     /* long-work threads: imports, exports, PDFs, the pack */
#define WRITE_THREADS     2     /* write threads per request thread */
#define IDLE_S            30    /* a kept-alive connection without a request (libmicrohttpd) */
#define HEADERS_MS        10000 /* from the connection or the request line to the last header */
#define BODY_MS           30000 /* for a body, plus 1 s per BODY_RATE bytes */
#define BODY_RATE         (256 * 1024)
#define FINISH_MS         8000 /* at SIGTERM, for the requests in flight */
#define FD_RESERVE        128  /* descriptors beside connections: files, jobs, the log */
#define FD_PER_THREAD     8    /* and per request thread: its database connections and writers' */
#define LINGER_MS         3000 /* reading what a refused client still sends, so it sees why */
#define LINGER_MAX        256
#define LINGER_BYTES      (8 * 1024 * 1024) /* ... and at most this much of it */
/* libmicrohttpd's memory per connection (request line, headers, read buffer); it clears the
 * whole of it for every request, so it is kept to what requests need (its default: 32 KiB). */
#define CONNECTION_MEMORY (16 * 1024)

static volatile sig_atomic_t stopping;
static int64_t headers_ms = HEADERS_MS; /* the test build may shorten it */

static void on_signal(int sig)
{
	UNUSED(sig);
	stopping = 1;
}

/* --- The connection watch: deadlines for headers and bodies --------------------------------- */

/* One per connection (libmicrohttpd's socket context). The deadline is written by the
 * connection's thread and read by the watchdog, without a lock; the list is under srv->mu. */
struct watch {
	struct watch *prev, *next;
	int fd;
	int64_t deadline; /* now_ms() after which the socket is shut down; 0: none */
	bool cut;
	int linger_fd; /* a duplicate kept open after libmicrohttpd closes (see linger) */
};

/* A refused request's socket, read and discarded for a while after libmicrohttpd has sent
 * the answer and closed its descriptor: closed at once with unread data, the kernel would
 * reset the connection, and a client still sending its body would never read why it was
 * refused (RFC 9112, 9.6). */
struct lingering {
	int fd;
	int64_t until;
	size_t drained;
};

/* Threads that run requests away from the request threads, with their connections
 * suspended meanwhile: one pool for long work (imports, exports), one for changes, so that a
 * thread waiting for the disk to confirm a write (or for argon2id at sign-in) keeps no other
 * connection waiting, and writes from any number of connections can share a COMMIT. */
struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct req_server *head, *tail;
	bool stop;
	pthread_t threads[2 * MAX_THREADS];
	int n;
};

struct server {
	struct app *app;
	struct MHD_Daemon *d;
	pthread_mutex_t mu; /* watches */
	struct watch *watches;
	pthread_t watchdog;
	bool watch_stop;
	struct lingering lingers[LINGER_MAX]; /* under mu */
	int nlingers;
	int inflight; /* requests from their headers to their completion (atomic) */
	struct pool longp, writep;
};

/* What the server keeps for a request, next to struct req. */
struct req_server {
	struct req *req;
	struct server *srv;
	struct watch *watch;
	struct req_server *next; /* in the long-work queue */
	int body_fd;             /* a large body's file, or -1 */
	void *body_map;          /* its map, once the body is complete */
	size_t body_map_len;
	bool body_failed; /* the body's file could not be written */
	bool pool_done;   /* a pool's thread has answered */
};

static void set_deadline(struct watch *w, int64_t at)
{
	if (w)
		__atomic_store_n(&w->deadline, at, __ATOMIC_RELAXED);
}

static struct watch *watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct server *srv = cls;
	struct watch *w = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = xcalloc(1, sizeof(*w));
		w->fd = ci ? ci->connect_fd : -1;
		w->linger_fd = -1;
		w->deadline = now_ms() + headers_ms;
		pthread_mutex_lock(&srv->mu);
		w->next = srv->watches;
		if (w->next)
			w->next->prev = w;
		srv->watches = w;
		pthread_mutex_unlock(&srv->mu);
		*socket_context = w;
	} else if (w) {
		/* Called before libmicrohttpd closes the socket: under the lock, the watchdog
		 * never shuts down a descriptor that another connection reuses. */
		pthread_mutex_lock(&srv->mu);
		if (w->prev)
			w->prev->next = w->next;
		else
			srv->watches = w->next;
		if (w->next)
			w->next->prev = w->prev;
		if (w->linger_fd >= 0 && srv->nlingers < LINGER_MAX) {
			srv->lingers[srv->nlingers].fd = w->linger_fd;
			srv->lingers[srv->nlingers].until = now_ms() + LINGER_MS;
			srv->lingers[srv->nlingers].drained = 0;
			srv->nlingers++;
		} else if (w->linger_fd >= 0) {
			close(w->linger_fd);
		}
		pthread_mutex_unlock(&srv->mu);
		free(w);
		*socket_context = NULL;
	}
}

/* The request line has arrived: the headers must follow within HEADERS_MS. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
	UNUSED(cls);
	UNUSED(uri);
	set_deadline(watch_of(conn), now_ms() + headers_ms);
	return NULL;
}

/* Keeps a refused request's socket open after libmicrohttpd closes it (see struct lingering). */
static void linger_after_answer(struct req_server *rs)
{
	if (rs->watch && rs->watch->fd >= 0 && rs->watch->linger_fd < 0)
		rs->watch->linger_fd = fcntl(rs->watch->fd, F_DUPFD_CLOEXEC, 0);
}

/* Reads and discards what lingering sockets have received; closes those at their end or
 * past their time (at `all`, every one). */
static void lingers_serve(struct server *srv, bool all)
{
	struct pollfd p[LINGER_MAX] = { { 0 } };
	int n;
	pthread_mutex_lock(&srv->mu);
	for (n = 0; n < srv->nlingers; n++)
		p[n] = (struct pollfd){ .fd = srv->lingers[n].fd, .events = POLLIN };
	pthread_mutex_unlock(&srv->mu);
	if (n && !all)
		poll(p, (nfds_t)n, 0);
	char sink[16384];
	int64_t now = now_ms();
	pthread_mutex_lock(&srv->mu);
	for (int i = 0; i < srv->nlingers;) {
		struct lingering *l = &srv->lingers[i];
		bool done = all || now > l->until;
		for (int k = 0; k < n && !done; k++) {
			if (p[k].fd != l->fd || !p[k].revents)
				continue;
			ssize_t got = 1;
			while (l->drained < LINGER_BYTES &&
			       (got = recv(l->fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0)
				l->drained += (size_t)got;
			done = l->drained >= LINGER_BYTES || got == 0 ||
			       (errno != EAGAIN && errno != EWOULDBLOCK);
		}
		if (done) {
			close(l->fd);
			*l = srv->lingers[--srv->nlingers];
		} else {
			i++;
		}
	}
	pthread_mutex_unlock(&srv->mu);
}

/* Shuts down the sockets of connections past their deadline; libmicrohttpd then sees the
 * connection end and closes it as if the client had gone. Serves the lingering sockets. */
static void *watchdog_main(void *arg)
{
	struct server *srv = arg;
	int64_t next_scan = 0;
	while (!__atomic_load_n(&srv->watch_stop, __ATOMIC_ACQUIRE)) {
		int64_t now = now_ms();
		if (now >= next_scan) {
			pthread_mutex_lock(&srv->mu);
			for (struct watch *w = srv->watches; w; w = w->next) {
				int64_t at = __atomic_load_n(&w->deadline, __ATOMIC_RELAXED);
				if (at && now > at && !w->cut && w->fd >= 0) {
					shutdown(w->fd, SHUT_RDWR);
					w->cut = true;
				}
			}
			pthread_mutex_unlock(&srv->mu);
			next_scan = now + 250;
		}
		lingers_serve(srv, false);
		usleep(20 * 1000);
	}
	lingers_serve(srv, true);
	return NULL;
}

/* --- Client addresses ------------------------------------------------------------------------ */

int http_trust_proxies(struct app *app, const char *list, struct buf *err)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		struct net_range r = { 0 };
		char *slash = strchr(tok, '/');
		int64_t bits = -1;
		if (slash) {
			*slash = '\0';
			if (parse_i64(slash + 1, 0, 128, &bits)) {
				rc = -1;
				break;
			}
		}
		if (inet_pton(AF_INET, tok, r.addr) == 1) {
			r.family = AF_INET;
			r.bits = bits < 0 ? 32 : (unsigned)bits;
		} else if (inet_pton(AF_INET6, tok, r.addr) == 1) {
			r.family = AF_INET6;
			r.bits = bits < 0 ? 128 : (unsigned)bits;
		} else {
			rc = -1;
			break;
		}
		if (r.bits > (r.family == AF_INET ? 32u : 128u)) {
			rc = -1;
			break;
		}
		app->proxies = xrealloc(app->proxies, (app->nproxies + 1) * sizeof(r));
		app->proxies[app->nproxies++] = r;
	}
	if (rc || !app->nproxies) {
		buf_printf(err,
			   "--trust-proxy wants the proxies' addresses, e.g. 127.0.0.1 or "
			   "10.0.0.0/24,::1 (not \"%s\")",
			   list);
		rc = -1;
	}
	free(copy);
	return rc;
}

static bool in_range(const struct net_range *r, int family, const unsigned char *a)
{
	if (r->family != family)
		return false;
	unsigned full = r->bits / 8, rest = r->bits % 8;
	if (memcmp(r->addr, a, full))
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (r->addr[full] & mask) == (a[full] & mask);
}

/* The peer's address as text into req->ip; from a trusted proxy, the address it put last in
 * X-Forwarded-For (the client it saw), if that is an address. */
static void client_address(struct req *req)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(req->ip, sizeof(req->ip), "unknown");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	const unsigned char *bytes;
	int family = sa->sa_family;
	if (family == AF_INET)
		bytes = (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)
				->sin_addr;
	else if (family == AF_INET6)
		bytes = (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)sa)
				->sin6_addr;
	else
		return;
	inet_ntop(family, bytes, req->ip, sizeof(req->ip));
	const struct app *app = req->app;
	bool proxy = false;
	for (size_t i = 0; i < app->nproxies && !proxy; i++)
		proxy = in_range(&app->proxies[i], family, bytes);
	if (!proxy)
		return;
	const char *xff =
		MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "X-Forwarded-For");
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	char text[64];
	unsigned char parsed[16];
	size_t n = strcspn(last, " ");
	if (n == 0 || n >= sizeof(text))
		return;
	memcpy(text, last, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, parsed) == 1 || inet_pton(AF_INET6, text, parsed) == 1)
		memcpy(req->ip, text, n + 1);
}

/* --- Answers --------------------------------------------------------------------------------- */

static void add_security_headers(struct MHD_Response *r, const struct app *app)
{
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
				"base-uri 'none'; form-action 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	if (app->secure_cookies)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

static enum MHD_Result send_answer(struct req *req)
{
	struct MHD_Connection *conn = req->conn;
	struct MHD_Response *r;
	if (req->static_fd >= 0) {
		r = MHD_create_response_from_fd_at_offset64(
			(uint64_t)req->static_size, req->static_fd, (uint64_t)req->static_offset);
		if (!r)
			close(req->static_fd);
		req->static_fd = -1; /* owned by the response now */
	} else {
		size_t len = req->out.len;
		char *data = buf_detach(&req->out, NULL);
		r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	}
	if (!r)
		return MHD_NO;
	add_security_headers(r, req->app);
	if (req->content_type)
		MHD_add_response_header(r, "Content-Type", req->content_type);
	if (req->content_disposition)
		MHD_add_response_header(r, "Content-Disposition", req->content_disposition);
	if (req->set_cookie)
		MHD_add_response_header(r, "Set-Cookie", req->set_cookie);
	MHD_add_response_header(r, "Cache-Control",
				req->cache_control ? req->cache_control : "no-store");
	for (int i = 0; i < req->nheaders; i++)
		MHD_add_response_header(r, req->headers[i].name, req->headers[i].value);
	set_deadline(req->srv->watch, 0);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)req->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* --- Bodies ---------------------------------------------------------------------------------- */

/* An unlinked file in the data folder (owner-only, like everything there) for a large body. */
static int body_file(const struct app *app)
{
	int fd = open(app->data_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/.upload-XXXXXX", app->data_dir);
	fd = mkostemp(path.buf, O_CLOEXEC);
	if (fd >= 0)
		unlink(path.buf);
	buf_release(&path);
	return fd;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Appends a chunk of the body, to its file or to memory. */
static void body_add(struct req *req, const char *data, size_t n)
{
	struct req_server *rs = req->srv;
	if (req->body_too_large || rs->body_failed)
		return;
	if (req->body.len + n > req->body_limit) {
		req->body_too_large = true;
		buf_release(&req->body);
		return;
	}
	if (rs->body_fd < 0) {
		buf_add(&req->body, data, n);
		return;
	}
	if (!write_all(rs->body_fd, data, n))
		rs->body_failed = true;
	req->body.len += n; /* the length so far; the bytes are in the file */
}

/* Maps a large body's file as req->body (read-only, NUL-terminated like any struct buf). */
static bool body_map(struct req *req)
{
	struct req_server *rs = req->srv;
	size_t len = req->body.len;
	if (rs->body_fd < 0)
		return true;
	req->body.len = 0;
	if (rs->body_failed || !write_all(rs->body_fd, "", 1))
		return false;
	void *map = mmap(NULL, len + 1, PROT_READ, MAP_PRIVATE, rs->body_fd, 0);
	if (map == MAP_FAILED)
		return false;
	rs->body_map = map;
	rs->body_map_len = len + 1;
	req->body.buf = map;
	req->body.len = len;
	req->body.alloc = 0; /* not ours to free */
	return true;
}

/* --- Pools ---------------------------------------------------------------------------------- */

/* A change or long work asked for after SIGTERM. */
static void reply_stopping(struct req *req)
{
	reply_problem(req, 503, "unavailable", "Service unavailable",
		      "The server is stopping. Try again shortly.");
}

static void *pool_main(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		struct req_server *rs = p->head;
		if (rs) {
			p->head = rs->next;
			if (!p->head)
				p->tail = NULL;
		}
		pthread_mutex_unlock(&p->mu);
		if (!rs)
			break;
		struct req *req = rs->req;
		if (stopping)
			reply_stopping(req);
		else
			router_dispatch(req->app->routes, req);
		rs->pool_done = true;
		MHD_resume_connection(req->conn);
	}
	return NULL;
}

static void pool_start(struct pool *p, int threads)
{
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (p->n = 0; p->n < threads; p->n++)
		pthread_create(&p->threads[p->n], NULL, pool_main, p);
}

static void pool_add(struct pool *p, struct req_server *rs)
{
	pthread_mutex_lock(&p->mu);
	rs->next = NULL;
	if (p->tail)
		p->tail->next = rs;
	else
		p->head = rs;
	p->tail = rs;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Lets the threads end once the queue is empty; true if they all did within `ms`. */
static bool pool_stop(struct pool *p, int64_t until_ms)
{
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	bool all = true;
	for (int i = 0; i < p->n; i++) {
		int64_t left = until_ms - now_ms();
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		if (left > 0) {
			ts.tv_sec += left / 1000;
			ts.tv_nsec += (left % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
		}
		if (pthread_timedjoin_np(p->threads[i], NULL, &ts))
			all = false;
	}
	if (all) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
	}
	return all;
}

static bool is_unsafe(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* --- Requests -------------------------------------------------------------------------------- */

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* The first call for a request: its headers are in. Returns MHD_YES to read the body (or to
 * go on without one), or the result of queueing an early answer. */
static enum MHD_Result request_start(struct server *srv, struct MHD_Connection *conn,
				     const char *url, const char *method, void **con_cls)
{
	struct req *req = xcalloc(1, sizeof(*req));
	struct req_server *rs = xcalloc(1, sizeof(*rs));
	req->app = srv->app;
	req->conn = conn;
	req->srv = rs;
	req->static_fd = -1;
	req->started_ms = now_ms();
	req->method = arena_strdup(&req->arena, method);
	req->path = arena_strdup(&req->arena, url);
	rs->req = req;
	rs->srv = srv;
	rs->body_fd = -1;
	rs->watch = watch_of(conn);
	*con_cls = req;
	__atomic_add_fetch(&srv->inflight, 1, __ATOMIC_RELAXED);
	client_address(req);
	router_begin(req->app->routes, req);

	/* The body's length as libmicrohttpd reads it (RFC 9112, 6.3): with a Transfer-Encoding,
	 * Content-Length means nothing, and the only coding it reads is "chunked"; any other
	 * ("identity" included) would be read until the connection closes. Such a request is
	 * refused (400, and the connection closed) before a byte of its body is read. */
	const char *cl = header(conn, "Content-Length");
	const char *te = header(conn, "Transfer-Encoding");
	int64_t n = 0;
	bool known = !te && cl && parse_i64(cl, 0, INT64_MAX, &n) == 0;
	if (te && strcasecmp(te, "chunked")) {
		reply_problem(
			req, 400, "unsupported_transfer_encoding", "Transfer coding not supported",
			"Send the body with Content-Length, or with Transfer-Encoding: chunked.");
		linger_after_answer(rs);
		return send_answer(req);
	}
	bool body = te || n > 0;
	if (!body) {
		set_deadline(rs->watch, 0);
		return MHD_YES;
	}
	if (known && (uint64_t)n > req->body_limit) {
		req->body_too_large = true;
		reply_problem(req, 413, "too_large", "Request body too large",
			      req->body_limit == BODY_LIMIT_LARGE
				      ? "The file is larger than 64 MiB."
			      : req->body_limit == BODY_LIMIT ? "The body is larger than 1 MiB."
							      : "The body is larger than 64 KiB.");
		linger_after_answer(rs);
		return send_answer(req);
	}
	/* Nobody without a session and the permission makes the server hold a large body. */
	if ((!known || n > BODY_CHECK_FIRST) && !router_precheck(req->app->routes, req)) {
		linger_after_answer(rs);
		return send_answer(req);
	}
	if (req->route && (req->route->flags & R_LARGE_BODY)) {
		rs->body_fd = body_file(req->app);
		if (rs->body_fd < 0) {
			log_error("cannot create a file for an upload in %s: %s",
				  req->app->data_dir, strerror(errno));
			reply_problem(req, 503, "unavailable", "Service unavailable",
				      "The server cannot store the file now. Try again later.");
			return send_answer(req);
		}
	}
	int64_t expect = known ? n : (int64_t)req->body_limit;
	set_deadline(rs->watch, now_ms() + BODY_MS + 1000 * (expect / BODY_RATE));
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	UNUSED(version);
	struct server *srv = cls;
	struct req *req = *con_cls;
	if (!req)
		return request_start(srv, conn, url, method, con_cls);
	if (*upload_data_size) {
		body_add(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	struct req_server *rs = req->srv;
	if (rs->pool_done)
		return send_answer(req);
	set_deadline(rs->watch, 0);
	if (req->body_too_large)
		reply_problem(req, 413, "too_large", "Request body too large",
			      req->body_limit == BODY_LIMIT_LARGE
				      ? "The file is larger than 64 MiB."
			      : req->body_limit == BODY_LIMIT ? "The body is larger than 1 MiB."
							      : "The body is larger than 64 KiB.");
	else if (!body_map(req))
		reply_problem(req, 503, "unavailable", "Service unavailable",
			      "The server cannot store the file now. Try again later.");
	else if (static_serve(req))
		;
	else if (req->route && stopping && (router_runs_long(req) || is_unsafe(method)))
		/* What the pools would answer; they may have ended already (a kept-alive
		 * connection can still ask until libmicrohttpd stops). */
		reply_stopping(req);
	else if (req->route && (router_runs_long(req) || is_unsafe(method))) {
		MHD_suspend_connection(conn);
		pool_add(router_runs_long(req) ? &srv->longp : &srv->writep, rs);
		return MHD_YES;
	} else
		router_dispatch(req->app->routes, req);
	return send_answer(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	UNUSED(toe);
	struct server *srv = cls;
	struct req *req = *con_cls;
	/* Kept alive, the next request line is due within the idle timeout. */
	set_deadline(watch_of(conn), now_ms() + IDLE_S * 1000 + headers_ms);
	if (!req)
		return;
	struct req_server *rs = req->srv;
	log_request(req->method, req->path, req->status, now_ms() - req->started_ms,
		    req->user ? req->user->id : 0);
	session_request_end(req);
	if (req->static_fd >= 0)
		close(req->static_fd);
	if (rs->body_map) {
		munmap(rs->body_map, rs->body_map_len);
		req->body = (struct buf)BUF_INIT;
	}
	if (rs->body_fd >= 0)
		close(rs->body_fd);
	json_decref(req->json);
	buf_release(&req->body);
	buf_release(&req->out);
	arena_release(&req->arena);
	free(rs);
	free(req);
	*con_cls = NULL;
	__atomic_sub_fetch(&srv->inflight, 1, __ATOMIC_RELEASE);
}

/* --- The server ------------------------------------------------------------------------------ */

static int parse_listen(const char *listen, struct sockaddr_in *sa)
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
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	return 0;
}

/* libmicrohttpd's messages; during a flood the same one comes for every refused connection,
 * so a repeat within a second is counted and reported with the next different message. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	UNUSED(cls);
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static char last[256];
	static int64_t last_ms;
	static unsigned repeats;
	struct buf b = BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	while (b.len && b.buf[b.len - 1] == '\n')
		b.buf[--b.len] = '\0';
	int64_t now = now_ms();
	pthread_mutex_lock(&mu);
	if (!strncmp(last, b.buf, sizeof(last) - 1) && now - last_ms < 1000) {
		repeats++;
	} else {
		if (repeats)
			log_error("http: %s (%u more times)", last, repeats);
		log_error("http: %s", b.buf);
		snprintf(last, sizeof(last), "%s", b.buf);
		last_ms = now;
		repeats = 0;
	}
	pthread_mutex_unlock(&mu);
	buf_release(&b);
}

/* Each connection may hold a descriptor for itself, one for a file it is sent or an upload,
 * and one while a refused client is read (LINGER_MAX in all): takes the hard limit of open
 * files, and returns how many connections it can hold (at most `limit`), rather than fail to
 * open files under load. */
static unsigned fit_open_files(unsigned threads, unsigned limit)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return limit;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	rlim_t other = LINGER_MAX + FD_RESERVE + FD_PER_THREAD * (rlim_t)threads;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 2 * (rlim_t)limit + other)
		return limit;
	rlim_t fit =
		rl.rlim_cur > other + 2 * (rlim_t)threads ? (rl.rlim_cur - other) / 2 : threads;
	log_error("open files are limited to %llu: serving at most %llu connections (raise the "
		  "limit, e.g. LimitNOFILE in the service's unit)",
		  (unsigned long long)rl.rlim_cur, (unsigned long long)fit);
	return (unsigned)fit;
}

int http_serve(struct app *app, const struct server_options *opt)
{
	struct sockaddr_in sa;
	if (parse_listen(opt->listen, &sa)) {
		fprintf(stderr, "mamori: --listen wants ADDRESS:PORT with an IPv4 address, e.g. "
				"127.0.0.1:8080\n");
		return 2;
	}
#ifdef MAMORI_FAULTS
	/* Test builds only: MAMORI_TEST_HEADERS_MS shortens the headers' deadline, so that a
	 * test sees a trickling client cut off in a second. */
	int64_t ms;
	const char *v = getenv("MAMORI_TEST_HEADERS_MS");
	if (v && parse_i64(v, 100, HEADERS_MS, &ms) == 0)
		headers_ms = ms;
#endif
	struct sigaction act = { .sa_handler = on_signal };
	sigemptyset(&act.sa_mask);
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Our own listening socket, given to libmicrohttpd, so that "in use" is a sentence for
	 * the operator (SO_REUSEADDR for a quick restart; not SO_REUSEPORT, which would let
	 * another process share the port and take half of the requests). */
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 511)) {
		fprintf(stderr,
			"mamori: cannot listen on %s (in use, or not an address of this "
			"machine?)\n",
			opt->listen);
		if (lfd >= 0)
			close(lfd);
		return 2;
	}
	unsigned threads = opt->threads > 0 ? (unsigned)opt->threads : 4;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	unsigned limit =
		opt->max_connections > 0 ? (unsigned)opt->max_connections : MAX_CONNECTIONS;
	unsigned per_address = opt->per_address > 0   ? (unsigned)opt->per_address
			       : opt->per_address < 0 ? 0
						      : PER_ADDRESS;
	if (limit < threads)
		limit = threads;
	limit = fit_open_files(threads, limit);

	struct server *srv = xcalloc(1, sizeof(*srv));
	srv->app = app;
	pthread_mutex_init(&srv->mu, NULL);
	srv->d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME |
			MHD_USE_ERROR_LOG,
		0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
		NULL, /* first: see its doc */
		MHD_OPTION_LISTEN_SOCKET, lfd, MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		MHD_OPTION_URI_LOG_CALLBACK, on_request_line, srv, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, srv, MHD_OPTION_END);
	int rc = 0;
	if (!srv->d) {
		fprintf(stderr, "mamori: cannot start the HTTP server\n");
		close(lfd);
		rc = 2;
		goto out;
	}
	pthread_create(&srv->watchdog, NULL, watchdog_main, srv);
	pool_start(&srv->longp, LONG_THREADS);
	pool_start(&srv->writep, (int)(WRITE_THREADS * threads));
	log_info("mamori serving on http://%s", opt->listen);
	while (!stopping)
		poll(NULL, 0, 100);

	/* Stop accepting, let the requests in flight finish (at most FINISH_MS), then stop:
	 * kept-alive and unfinished connections are closed. */
	/* The listening socket stays open until the threads are stopped (one may still be
	 * about to accept on it); connections waiting in its backlog are closed with it. */
	int quiet = MHD_quiesce_daemon(srv->d);
	int64_t until = now_ms() + FINISH_MS;
	while (__atomic_load_n(&srv->inflight, __ATOMIC_ACQUIRE) > 0 && now_ms() < until)
		poll(NULL, 0, 50);
	/* A pool's thread still running would leave its connection suspended, which
	 * libmicrohttpd cannot stop with: give it until the 10 s are over, else leave it. */
	bool joined = pool_stop(&srv->writep, until + 1500);
	joined = pool_stop(&srv->longp, until + 1500) && joined;
	__atomic_store_n(&srv->watch_stop, true, __ATOMIC_RELEASE);
	pthread_join(srv->watchdog, NULL);
	if (!joined) {
		/* Those threads and libmicrohttpd's still run: nothing they use may be released
		 * under them. The caller stops its own threads and ends the process; the database
		 * rolls back what they had not done. */
		log_error("stopping with requests still running");
		return HTTP_UNFINISHED;
	}
	MHD_stop_daemon(srv->d);
	if (quiet >= 0)
		close(quiet);
	log_info("mamori stopped");
out:
	pthread_mutex_destroy(&srv->mu);
	free(srv);
	return rc;
}
