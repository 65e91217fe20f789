/* static.c — files of the web UI. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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

static bool open_file(struct req *req, const char *rel, const char *cache)
{
	char path[512];
	snprintf(path, sizeof(path), "%s%s", req->app->web_root, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	req->static_fd = fd;
	req->static_size = st.st_size;
	req->status = 200;
	req->content_type = type_of(rel);
	req->cache_control = cache;
	req->replied = true;
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
	if (safe_path(p) && strcmp(p, "/") && strcmp(p, "/index.html") &&
	    open_file(req, p,
		      !strncmp(p, "/assets/", 8) ? "public, max-age=31536000, immutable"
						 : "no-cache"))
		return true;
	return open_file(req, "/index.html", "no-cache");
}
