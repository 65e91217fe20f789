/*
 * static.h — the built web UI, served from app->web_root.
 *
 * GET and HEAD requests outside /api/ and /healthz are answered from the folder: a file if
 * one exists (no path may leave the folder: no "..", no hidden files), else index.html, so
 * that the single-page app's own routes work on reload.
 *
 * The build writes a .br and a .gz copy next to each text file; the copy the request's
 * Accept-Encoding allows (Brotli first) is sent with Content-Encoding, and every answer says
 * Vary: Accept-Encoding. Each representation has its own strong ETag (If-None-Match gives
 * 304), and a single byte range of it is served (206, or 416 past its end; If-Range honoured).
 */
#ifndef MAMORI_STATIC_H
#define MAMORI_STATIC_H

#include <stdbool.h>

struct req;
/* True if the request was answered here. */
bool static_serve(struct req *req);
/* Whether an Accept-Encoding header value allows the content coding `coding` (q > 0). */
bool static_accepts(const char *accept, const char *coding);

#endif
