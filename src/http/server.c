/*
 * server.c — libmicrohttpd glue.
 *
 * libmicrohttpd calls the access handler several times per request: first with no upload
 * data (we allocate the struct req), then once per body chunk (we append, up to the body
 * limit, and always consume the chunk), then once more with nothing left (we dispatch and
 * queue the answer). The request is freed only in the completion callback, which also
 * writes the request's log line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "static.h"
#include "../lib/log.h"
#include "../lib/timeutil.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	UNUSED(sig);
	stopping = 1;
}

static void client_ip(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "unknown");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  out, (socklen_t)n);
}

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
		r = MHD_create_response_from_fd64((uint64_t)req->static_size, req->static_fd);
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
	if (req->cache_control)
		MHD_add_response_header(r, "Cache-Control", req->cache_control);
	else
		MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)req->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	UNUSED(version);
	struct app *app = cls;
	struct req *req = *con_cls;
	if (!req) {
		req = xcalloc(1, sizeof(*req));
		req->app = app;
		req->conn = conn;
		req->static_fd = -1;
		req->started_ms = now_ms();
		req->method = arena_strdup(&req->arena, method);
		req->path = arena_strdup(&req->arena, url);
		client_ip(conn, req->ip, sizeof(req->ip));
		if (app->trust_proxy) {
			const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
								      "X-Forwarded-For");
			if (xff && *xff) {
				/* The proxy appends the address it saw last. */
				const char *last = strrchr(xff, ',');
				last = last ? last + 1 : xff;
				while (*last == ' ')
					last++;
				snprintf(req->ip, sizeof(req->ip), "%.63s", last);
			}
		}
		req->body_limit = router_body_limit(app->routes, method, url);
		const char *cl =
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		int64_t n;
		if (cl && parse_i64(cl, 0, INT64_MAX, &n) == 0 && (size_t)n > req->body_limit)
			req->body_too_large = true;
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->body_too_large) {
			if (req->body.len + *upload_data_size > req->body_limit) {
				req->body_too_large = true;
				buf_release(&req->body);
			} else {
				buf_add(&req->body, upload_data, *upload_data_size);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->body_too_large)
		reply_problem(req, 413, "too_large", "Request body too large",
			      req->body_limit > BODY_LIMIT ? "The file is larger than 64 MiB."
							   : "The body is larger than 1 MiB.");
	else if (!static_serve(req))
		router_dispatch(req->app->routes, req);
	return send_answer(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	UNUSED(cls);
	UNUSED(conn);
	UNUSED(toe);
	struct req *req = *con_cls;
	if (!req)
		return;
	const char *path = req->path;
	log_request(req->method, path, req->status, now_ms() - req->started_ms,
		    req->user ? req->user->id : 0);
	if (req->static_fd >= 0)
		close(req->static_fd);
	json_decref(req->json);
	buf_release(&req->body);
	buf_release(&req->out);
	arena_release(&req->arena);
	free(req);
	*con_cls = NULL;
}

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

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	UNUSED(cls);
	struct buf b = BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	while (b.len && b.buf[b.len - 1] == '\n')
		b.buf[--b.len] = '\0';
	log_error("http: %s", b.buf);
	buf_release(&b);
}

/* The request threads: one libmicrohttpd daemon each, without a listening socket of its own.
 * The server accepts connections itself and hands them out in turn, so a burst of new
 * connections spreads over every thread (libmicrohttpd's own thread pool let one thread take
 * up to ten at a time, which left the others idle while that thread waited for the disk). */
#define MAX_CONNECTIONS 1000
#define MAX_THREADS     64

struct workers {
	struct MHD_Daemon *d[MAX_THREADS];
	unsigned n, next, limit; /* limit: connections per daemon */
};

static unsigned connections(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return info ? info->num_connections : 0;
}

/* The next daemon in turn that can take a connection, or NULL when all are full. */
static struct MHD_Daemon *next_worker(struct workers *w)
{
	for (unsigned i = 0; i < w->n; i++) {
		struct MHD_Daemon *d = w->d[w->next];
		w->next = (w->next + 1) % w->n;
		if (connections(d) < w->limit)
			return d;
	}
	return NULL;
}

static void accept_failed(void)
{
	static time_t last;
	time_t now = time(NULL);
	if (now != last) /* at most once a second */
		log_error("http: cannot accept a connection: %s", strerror(errno));
	last = now;
}

/* Accepts connections until SIGTERM/SIGINT; while every thread is full they wait in the
 * listening socket's backlog. */
static void accept_loop(int lfd, struct workers *w)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	while (!stopping) {
		int ready = poll(&p, 1, 100);
		if (ready < 0 && errno != EINTR)
			usleep(10 * 1000);
		if (ready <= 0)
			continue;
		if (p.revents & (POLLERR | POLLNVAL)) {
			usleep(100 * 1000);
			continue;
		}
		while (!stopping) {
			struct MHD_Daemon *d = next_worker(w);
			if (!d) {
				usleep(10 * 1000);
				break;
			}
			struct sockaddr_storage addr;
			socklen_t len = sizeof(addr);
			int fd = accept4(lfd, (struct sockaddr *)&addr, &len,
					 SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0) {
				if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
				    errno == ENOMEM) {
					accept_failed();
					usleep(100 * 1000);
				}
				break;
			}
			/* Closes fd itself if it cannot take the connection after all. */
			MHD_add_connection(d, fd, (struct sockaddr *)&addr, len);
		}
	}
}

static void workers_stop(struct workers *w)
{
	for (unsigned i = 0; i < w->n; i++)
		MHD_stop_daemon(w->d[i]);
	w->n = 0;
}

int http_serve(struct app *app, const struct server_options *opt)
{
	struct sockaddr_in sa;
	if (parse_listen(opt->listen, &sa)) {
		fprintf(stderr, "mamori: --listen wants ADDRESS:PORT with an IPv4 address, e.g. "
				"127.0.0.1:8080\n");
		return 2;
	}
	struct sigaction act = { .sa_handler = on_signal };
	sigemptyset(&act.sa_mask);
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Our own listening socket (SO_REUSEADDR for a quick restart; not SO_REUSEPORT, which
	 * would let another process share the port and take half of the requests). */
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
	struct workers w = { .n = 0 };
	unsigned threads = opt->threads > 0 ? (unsigned)opt->threads : 4;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	w.limit = MAX_CONNECTIONS / threads;
	for (; w.n < threads; w.n++) {
		w.d[w.n] = MHD_start_daemon(
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
				MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET,
			0, NULL, NULL, on_request, app, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
			NULL, /* first: see its doc */
			MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT,
			w.limit, MHD_OPTION_END);
		if (!w.d[w.n]) {
			fprintf(stderr, "mamori: cannot start the HTTP server\n");
			workers_stop(&w);
			close(lfd);
			return 2;
		}
	}
	log_info("mamori serving on http://%s", opt->listen);
	accept_loop(lfd, &w);
	/* Stop accepting, let in-flight requests finish (at most 10 s), then stop. */
	close(lfd);
	for (int i = 0; i < 100; i++) {
		unsigned open = 0;
		for (unsigned k = 0; k < w.n; k++)
			open += connections(w.d[k]);
		if (open == 0)
			break;
		usleep(100 * 1000);
	}
	workers_stop(&w);
	log_info("mamori stopped");
	return 0;
}
