/* log.c — JSON lines on stderr, built with jansson so every value is escaped. */
#include <jansson.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "buf.h"
#include "jsonw.h"
#include "log.h"
#include "timeutil.h"
#include "util.h"

static int quiet;

void log_quiet(int q)
{
	quiet = q;
}

static void emit(json_t *o)
{
	char ts[21];
	time_rfc3339(now_unix(), ts);
	json_object_set_new(o, "time", json_string(ts));
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s) {
		fprintf(stderr, "%s\n", s);
		free(s);
	}
	json_decref(o);
}

void log_request(const char *method, const char *path, int status, int64_t ms, int64_t user_id)
{
	if (quiet)
		return;
	/* Written directly (one line, one write) since it runs for every request; the path is
	 * outside input, so it is quoted only if it is valid text. */
	char ts[21], num[64];
	struct buf b = BUF_INIT;
	time_rfc3339(now_unix(), ts);
	buf_grow(&b, 160);
	buf_add(&b, "{\"method\":", 10);
	json_quote(&b, method);
	buf_add(&b, ",\"path\":", 8);
	json_quote(&b, utf8_valid_text(path, strlen(path)) ? path : "?");
	if (user_id)
		snprintf(num, sizeof(num), ",\"status\":%d,\"ms\":%lld,\"user\":%lld,\"time\":\"",
			 status, (long long)ms, (long long)user_id);
	else
		snprintf(num, sizeof(num), ",\"status\":%d,\"ms\":%lld,\"user\":null,\"time\":\"",
			 status, (long long)ms);
	buf_adds(&b, num);
	buf_adds(&b, ts);
	buf_add(&b, "\"}\n", 3);
	/* write(2), not stdio: request threads do not queue for stderr's lock */
	for (size_t off = 0; off < b.len;) {
		ssize_t n = write(STDERR_FILENO, b.buf + off, b.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	buf_release(&b);
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	json_t *o = json_object();
	json_object_set_new(o, "level", json_string(level));
	json_t *msg = json_string(b.buf);
	json_object_set_new(o, "msg", msg ? msg : json_string("(invalid text)"));
	emit(o);
	buf_release(&b);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("info", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error", fmt, ap);
	va_end(ap);
}
