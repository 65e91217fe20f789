/*
 * log.h — one JSON line per event on stderr.
 *
 * Never log passwords, tokens, cookies or request bodies: log_request() takes only the
 * method, the path without its query string, the status, the duration and the user id.
 */
#ifndef MAMORI_LOG_H
#define MAMORI_LOG_H

#include <stdint.h>

void log_request(const char *method, const char *path, int status, int64_t ms, int64_t user_id);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_quiet(int quiet); /* tests and the CLI silence request lines */

#endif
