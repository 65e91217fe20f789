/* log.c — JSON lines on stderr, built with jansson so every value is escaped. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "buf.h"
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
	json_t *o = json_object();
	json_object_set_new(o, "method", json_string(method));
	/* The path is outside input: keep it only if it is valid text. */
	json_t *p = json_string(path);
	json_object_set_new(o, "path", p ? p : json_string("?"));
	json_object_set_new(o, "status", json_integer(status));
	json_object_set_new(o, "ms", json_integer(ms));
	json_object_set_new(o, "user", user_id ? json_integer(user_id) : json_null());
	emit(o);
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
