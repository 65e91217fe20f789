/* mail.c — MIME message building and SMTP delivery with libcurl. */
#include <curl/curl.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "mail.h"
#include "../lib/util.h"

bool mail_address_valid(const char *addr)
{
	if (!addr || !*addr || strlen(addr) > 254)
		return false;
	const char *at = strchr(addr, '@');
	if (!at || at == addr || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return false;
	for (const char *p = addr; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
			return false;
	}
	return true;
}

static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static void base64(struct buf *out, const unsigned char *p, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *tmp = xmalloc(len);
	sodium_bin2base64(tmp, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	buf_adds(out, tmp);
	free(tmp);
}

void mail_header_text(struct buf *out, const char *text)
{
	/* Line breaks and other controls become spaces: a value is one line, always. */
	struct buf clean = BUF_INIT;
	for (const char *p = text ? text : ""; *p; p++)
		buf_addch(&clean, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
	const char *s = clean.buf ? clean.buf : "";
	if (plain_ascii(s) && strlen(s) <= 900) {
		buf_adds(out, s);
		buf_release(&clean);
		return;
	}
	/* Encoded-words of at most 75 bytes: 12 bytes of "=?UTF-8?B?" and "?=", so at most 45
	 * bytes of text (60 of base64) each, cut at character boundaries. */
	size_t n = strlen(s), i = 0;
	bool first = true;
	while (i < n) {
		size_t take = n - i < 45 ? n - i : 45;
		while (take > 0 && i + take < n && ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--;
		if (!first)
			buf_adds(out, "\r\n "); /* folded: each word on its own line */
		buf_adds(out, "=?UTF-8?B?");
		base64(out, (const unsigned char *)s + i, take);
		buf_adds(out, "?=");
		i += take;
		first = false;
	}
	buf_release(&clean);
}

/* A stable Message-ID for one event, so a mail sent again after a crash is recognisable. */
static void message_id(struct buf *out, const struct mail *m, const char *from)
{
	unsigned char h[16];
	const char *seed = m->message_id_seed ? m->message_id_seed : m->subject;
	crypto_generichash(h, sizeof(h), (const unsigned char *)seed, strlen(seed), NULL, 0);
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	const char *domain = strchr(from, '@');
	buf_printf(out, "<%s.mamori@%s>", hex, domain ? domain + 1 : "localhost");
}

int mail_build(struct buf *out, const struct mail_server *s, const struct mail *m, const char *date)
{
	if (!mail_address_valid(m->to) || !mail_address_valid(s->from))
		return -1;
	buf_adds(out, "Date: ");
	buf_adds(out, date);
	buf_adds(out, "\r\nFrom: ");
	if (s->from_name && *s->from_name) {
		mail_header_text(out, s->from_name);
		buf_adds(out, " ");
	}
	buf_printf(out, "<%s>\r\nTo: ", s->from);
	if (m->to_name && *m->to_name) {
		mail_header_text(out, m->to_name);
		buf_adds(out, " ");
	}
	buf_printf(out, "<%s>\r\nSubject: ", m->to);
	mail_header_text(out, m->subject);
	buf_adds(out, "\r\nMessage-ID: ");
	message_id(out, m, s->from);
	buf_adds(out,
		 "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		 "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
	/* The body with CRLF line ends, base64 in lines of 76. */
	struct buf crlf = BUF_INIT, b64 = BUF_INIT;
	for (const char *p = m->body ? m->body : ""; *p; p++) {
		if (*p == '\n')
			buf_addch(&crlf, '\r');
		if (*p != '\r')
			buf_addch(&crlf, *p);
	}
	base64(&b64, (const unsigned char *)(crlf.buf ? crlf.buf : ""), crlf.len);
	for (size_t i = 0; i < b64.len; i += 76) {
		buf_add(out, b64.buf + i, b64.len - i < 76 ? b64.len - i : 76);
		buf_adds(out, "\r\n");
	}
	buf_release(&crlf);
	buf_release(&b64);
	return 0;
}

struct upload {
	const char *data;
	size_t len, pos;
};

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t room = size * nmemb, left = u->len - u->pos;
	size_t n = left < room ? left : room;
	memcpy(ptr, u->data + u->pos, n);
	u->pos += n;
	return n;
}

struct mail_conn {
	CURL *curl;
	const struct mail_server *s;
	char url[300];
};

struct mail_conn *mail_conn_open(const struct mail_server *s)
{
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	struct mail_conn *m = xcalloc(1, sizeof(*m));
	m->curl = c;
	m->s = s;
	bool tls = s->security && !strcmp(s->security, "tls");
	snprintf(m->url, sizeof(m->url), "%s://%s:%d", tls ? "smtps" : "smtp",
		 s->host ? s->host : "", s->port);
	long timeout = s->timeout_s > 0 ? s->timeout_s : 15;
	curl_easy_setopt(c, CURLOPT_URL, m->url);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 4 * timeout);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (s->security && !strcmp(s->security, "starttls"))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (s->username && *s->username) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password ? s->password : "");
	}
	return m;
}

void mail_conn_close(struct mail_conn *m)
{
	if (!m)
		return;
	curl_easy_cleanup(m->curl);
	free(m);
}

int mail_conn_send(struct mail_conn *mc, const struct mail *m, struct buf *err)
{
	const struct mail_server *s = mc->s;
	struct buf msg = BUF_INIT, rcpt = BUF_INIT, from = BUF_INIT;
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if (!s->host || !*s->host || mail_build(&msg, s, m, date)) {
		buf_adds(err, "no mail server, or an address that is not valid");
		buf_release(&msg);
		return -1;
	}
	buf_printf(&from, "<%s>", s->from);
	buf_printf(&rcpt, "<%s>", m->to);
	struct curl_slist *to = curl_slist_append(NULL, rcpt.buf);
	struct upload up = { msg.buf, msg.len, 0 };
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(mc->curl, CURLOPT_MAIL_FROM, from.buf);
	curl_easy_setopt(mc->curl, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(mc->curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(mc->curl, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode rc = curl_easy_perform(mc->curl);
	if (rc != CURLE_OK)
		buf_printf(err, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
	/* The handle keeps the connection for the next mail; its options must not point at this
	 * call's buffers afterwards. */
	curl_easy_setopt(mc->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(mc->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(to);
	buf_release(&msg);
	buf_release(&from);
	buf_release(&rcpt);
	return rc == CURLE_OK ? 0 : -1;
}

int mail_send(const struct mail_server *s, const struct mail *m, struct buf *err)
{
	struct mail_conn *c = mail_conn_open(s);
	if (!c) {
		buf_adds(err, "curl_easy_init failed");
		return -1;
	}
	int rc = mail_conn_send(c, m, err);
	mail_conn_close(c);
	return rc;
}
