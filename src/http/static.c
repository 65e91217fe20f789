/* static.c — files of the web UI: compressed copies, validators and byte ranges. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "static.h"

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".json", "application/json" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
};

/* The compressed copies the build writes next to a file (web/vite.config.ts), best first. */
static const struct {
	const char *coding, *suffix;
} codings[] = { { "br", ".br" }, { "gzip", ".gz" } };

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot)
		for (size_t i = 0; i < ARRAY_SIZE(types); i++)
			if (!strcmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

/* Only plain names: letters, digits, '-', '_', '.', '/' — no "..", no dot files. */
static bool safe_path(const char *p)
{
	if (p[0] != '/' || strstr(p, "/.") || strlen(p) > 200)
		return false;
	for (const char *c = p; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.' || *c == '/'))
			return false;
	return true;
}

/* Whether an Accept-Encoding value allows `coding` (RFC 9110, 12.5.3): named, or covered by
 * "*", with a weight above zero; a coding named with q=0 is refused even if "*" is there. */
bool static_accepts(const char *accept, const char *coding)
{
	if (!accept)
		return false;
	int named = -1, star = -1; /* -1: not mentioned; 0: refused; 1: allowed */
	const char *p = accept;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *tok = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		size_t len = (size_t)(p - tok);
		bool q_zero = false;
		while (*p && *p != ',') {
			if (*p == ';') {
				p++;
				while (*p == ' ' || *p == '\t')
					p++;
				if ((*p == 'q' || *p == 'Q') && p[1] == '=') {
					const char *v = p + 2;
					/* q=0, 0., 0.0, 0.00, 0.000 */
					q_zero = *v == '0';
					for (v++;
					     q_zero && *v && *v != ',' && *v != ';' && *v != ' ';
					     v++)
						q_zero = *v == '.' || *v == '0';
				}
				continue;
			}
			p++;
		}
		if (len == strlen(coding) && !strncasecmp(tok, coding, len))
			named = !q_zero;
		else if (len == 1 && *tok == '*')
			star = !q_zero;
	}
	return named >= 0 ? named == 1 : star == 1;
}

/* Parses a Range header for one range of a representation of `size` bytes. 1: satisfiable
 * (*from, *len); 0: not satisfiable (416); -1: absent, several ranges or not understood
 * (answered with the whole representation, which RFC 9110, 14.2 allows). */
static int parse_range(const char *h, int64_t size, int64_t *from, int64_t *len)
{
	if (!h || strncmp(h, "bytes=", 6) || strchr(h, ','))
		return -1;
	const char *p = h + 6, *dash = strchr(p, '-');
	if (!dash)
		return -1;
	int64_t a = -1, b = -1;
	char num[24];
	size_t n = (size_t)(dash - p);
	if (n) {
		if (n >= sizeof(num))
			return -1;
		memcpy(num, p, n);
		num[n] = '\0';
		if (parse_i64(num, 0, INT64_MAX, &a))
			return -1;
	}
	if (dash[1] && parse_i64(dash + 1, 0, INT64_MAX, &b))
		return -1;
	if (a < 0 && b < 0)
		return -1;
	if (a < 0) { /* the last b bytes */
		if (b == 0 || size == 0)
			return 0;
		*from = b >= size ? 0 : size - b;
		*len = size - *from;
		return 1;
	}
	if (b >= 0 && b < a)
		return -1;
	if (a >= size)
		return 0;
	*from = a;
	*len = (b < 0 || b >= size ? size - 1 : b) - a + 1;
	return 1;
}

/* Whether an If-None-Match value lists `etag` (or is "*"); weak comparison (RFC 9110,
 * 13.1.2). */
static bool etag_listed(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	if (!inm)
		return false;
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (!strncmp(p, etag, n) && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

/* Opens web_root + rel + suffix if it is a regular file: its descriptor, -1 if there is no
 * such file (or it cannot be read), -2 if it could not be opened now (out of descriptors). */
static int open_regular(struct req *req, const char *rel, const char *suffix, struct stat *st)
{
	char path[512];
	int n = snprintf(path, sizeof(path), "%s%s%s", req->app->web_root, rel, suffix);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1; /* longer than any file of the build */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) /* out of descriptors or memory: not now; anything else: no such file */
		return errno == EMFILE || errno == ENFILE || errno == ENOMEM ? -2 : -1;
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Opens `rel` under the web root, or its best compressed copy the request accepts; fills
 * *st and *coding (NULL: the file itself). As open_regular otherwise. */
static int open_variant(struct req *req, const char *rel, struct stat *st, const char **coding)
{
	const char *accept = req_header(req, "Accept-Encoding");
	*coding = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(codings); i++) {
		if (!static_accepts(accept, codings[i].coding))
			continue;
		int fd = open_regular(req, rel, codings[i].suffix, st);
		if (fd == -2)
			return fd;
		if (fd >= 0) {
			*coding = codings[i].coding;
			return fd;
		}
	}
	return open_regular(req, rel, "", st);
}

static bool open_file(struct req *req, const char *rel, const char *cache)
{
	struct stat st;
	const char *coding;
	int fd = open_variant(req, rel, &st, &coding);
	if (fd == -2) {
		reply_problem(req, 503, "unavailable", "Service unavailable",
			      "The server cannot open the file now. Try again shortly.");
		return true;
	}
	if (fd < 0)
		return false;
	/* A strong validator per representation: the compressed copies differ from the file. */
	const char *etag = arena_printf(
		&req->arena, "\"%llx-%llx%s%s\"", (unsigned long long)st.st_mtim.tv_sec,
		(unsigned long long)st.st_size, coding ? "-" : "", coding ? coding : "");
	req->content_type = type_of(rel);
	req->cache_control = cache;
	req->replied = true;
	reply_header(req, "Vary", "Accept-Encoding");
	reply_header(req, "ETag", etag);
	reply_header(req, "Accept-Ranges", "bytes");
	if (coding)
		reply_header(req, "Content-Encoding", coding);
	if (etag_listed(req_header(req, "If-None-Match"), etag)) {
		/* No body; the file's own length as Content-Length (RFC 9110, 8.6), not 0. */
		req->status = 304;
		req->content_type = NULL;
		req->static_fd = fd;
		req->static_offset = 0;
		req->static_size = st.st_size;
		return true;
	}
	int64_t from = 0, len = st.st_size;
	const char *if_range = req_header(req, "If-Range");
	int range = if_range && strcmp(if_range, etag)
			    ? -1
			    : parse_range(req_header(req, "Range"), st.st_size, &from, &len);
	if (range == 0) {
		close(fd);
		req->status = 416;
		req->content_type = NULL;
		reply_header(req, "Content-Range",
			     arena_printf(&req->arena, "bytes */%lld", (long long)st.st_size));
		return true;
	}
	req->status = 200;
	if (range == 1) {
		req->status = 206;
		reply_header(req, "Content-Range",
			     arena_printf(&req->arena, "bytes %lld-%lld/%lld", (long long)from,
					  (long long)(from + len - 1), (long long)st.st_size));
	}
	req->static_fd = fd;
	req->static_offset = from;
	req->static_size = len;
	return true;
}

bool static_serve(struct req *req)
{
	const char *p = req->path;
	if (!req->app->web_root || (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")))
		return false;
	if (!strncmp(p, "/api/", 5) || !strcmp(p, "/api") || !strcmp(p, "/healthz"))
		return false;
	/* Vite names built assets by content hash: they may be cached for long. */
	bool asset = !strncmp(p, "/assets/", 8);
	if (safe_path(p) && strcmp(p, "/") && strcmp(p, "/index.html") &&
	    open_file(req, p, asset ? "public, max-age=31536000, immutable" : "no-cache"))
		return true;
	/* A built file that is not there (an old page asking for a chunk of the build before
	 * this one) is not found; any other path is the app's own, which index.html routes. */
	if (asset) {
		reply_problem(req, 404, "not_found", "Not found", "No such file.");
		return true;
	}
	return open_file(req, "/index.html", "no-cache");
}
