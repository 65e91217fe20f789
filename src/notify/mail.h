/*
 * mail.h — e-mail over SMTP: building a message safely and handing it to the mail server.
 *
 * Messages are plain text in UTF-8: the body base64-encoded, every header value that is not
 * plain ASCII (a Japanese subject, a display name) written as RFC 2047 encoded-words, and
 * nothing user-written ever reaching a header raw — carriage returns and line feeds in a
 * subject or a name are replaced before encoding, addresses are checked to be one plain
 * address, so a value cannot add a header (no header injection).
 *
 * Sending uses libcurl's SMTP: plain, STARTTLS (required, not opportunistic) or implicit TLS,
 * with optional authentication, and timeouts so a dead server never holds the sender.
 */
#ifndef MAMORI_MAIL_H
#define MAMORI_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/buf.h"

struct mail_server {
	const char *host;
	int port;
	const char *security; /* "none", "starttls" or "tls" */
	const char *username; /* "" or NULL: no authentication */
	const char *password;
	const char *from; /* the envelope and From: address */
	const char *from_name;
	int timeout_s;
};

struct mail {
	const char *to;      /* one address */
	const char *to_name; /* display name, may be NULL */
	const char *subject;
	const char *body;            /* UTF-8 text, \n line ends */
	const char *message_id_seed; /* makes the Message-ID stable for one event (dedup) */
};

/* True if `addr` is one plain address (local@domain, printable ASCII, no spaces, quotes,
 * angle brackets, commas or line breaks). */
bool mail_address_valid(const char *addr);

/* Appends header value `text` to `out` as it may appear in a header: ASCII without control
 * characters as is, anything else as RFC 2047 "=?UTF-8?B?...?=" words of at most 75 bytes
 * (never splitting a UTF-8 character), line breaks replaced by spaces. */
void mail_header_text(struct buf *out, const char *text);

/* The whole RFC 5322 message for `m` from `s` into `out` (CRLF line ends). -1 if an address
 * is not valid. `date` is the Date: value. */
int mail_build(struct buf *out, const struct mail_server *s, const struct mail *m,
	       const char *date);

/* Sends `m` through `s`. 0 on success; -1 with a sentence for the log in `err`. */
int mail_send(const struct mail_server *s, const struct mail *m, struct buf *err);

/* A connection kept open for several mails (libcurl reuses it between sends): the sender
 * drains its queue through one. `s` must outlive it. NULL if libcurl cannot start. */
struct mail_conn;
struct mail_conn *mail_conn_open(const struct mail_server *s);
int mail_conn_send(struct mail_conn *c, const struct mail *m, struct buf *err);
void mail_conn_close(struct mail_conn *c);

#endif
