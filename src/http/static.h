/*
 * static.h — the built web UI, served from app->web_root.
 *
 * GET and HEAD requests outside /api/ and /healthz are answered from the folder: a file if
 * one exists (no path may leave the folder: no "..", no hidden files), else index.html, so
 * that the single-page app's own routes work on reload.
 */
#ifndef MAMORI_STATIC_H
#define MAMORI_STATIC_H

#include <stdbool.h>

struct req;
/* True if the request was answered here. */
bool static_serve(struct req *req);

#endif
