/* totp.c — liboath for RFC 6238, libqrencode for the enrolment QR code. */
#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "totp.h"
#include "../lib/buf.h"
#include "../lib/util.h"

char *totp_new_secret(void)
{
	unsigned char raw[TOTP_SECRET_BYTES];
	char *out = NULL;
	size_t len;
	randombytes_buf(raw, sizeof(raw));
	if (oath_base32_encode((const char *)raw, sizeof(raw), &out, &len) != OATH_OK)
		die("oath_base32_encode failed");
	sodium_memzero(raw, sizeof(raw));
	/* Strip padding: authenticator apps do not want it. */
	while (len && out[len - 1] == '=')
		out[--len] = '\0';
	return out;
}

static void uri_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			buf_addch(b, (char)c);
		else
			buf_printf(b, "%%%02X", c);
	}
}

char *totp_uri(const char *issuer, const char *login, const char *secret_b32)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "otpauth://totp/");
	uri_escape(&b, issuer);
	buf_adds(&b, ":");
	uri_escape(&b, login);
	buf_adds(&b, "?secret=");
	buf_adds(&b, secret_b32);
	buf_adds(&b, "&issuer=");
	uri_escape(&b, issuer);
	buf_adds(&b, "&algorithm=SHA1&digits=6&period=30");
	return buf_detach(&b, NULL);
}

char *qr_svg(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return NULL;
	int n = qr->width, margin = 4, size = n + 2 * margin;
	struct buf b = BUF_INIT;
	buf_printf(&b,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		   "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		   "<path fill=\"#000\" d=\"",
		   size, size, size, size);
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++)
			if (qr->data[y * n + x] & 1)
				buf_printf(&b, "M%d %dh1v1h-1z", x + margin, y + margin);
	buf_adds(&b, "\"/></svg>");
	QRcode_free(qr);
	return buf_detach(&b, NULL);
}

static int decode_secret(const char *b32, char **raw, size_t *len)
{
	return oath_base32_decode(b32, strlen(b32), raw, len) == OATH_OK ? 0 : -1;
}

int totp_check(const char *secret_b32, const char *code, int64_t now, int64_t last_step,
	       int64_t *matched_step)
{
	if (strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return -1;
	char *raw;
	size_t len;
	if (decode_secret(secret_b32, &raw, &len))
		return -1;
	int pos;
	uint64_t counter;
	int rc = oath_totp_validate3(raw, len, (time_t)now, TOTP_STEP, 0, 1, &pos, &counter, code);
	sodium_memzero(raw, len);
	free(raw);
	if (rc < 0 || (int64_t)counter <= last_step)
		return -1;
	*matched_step = (int64_t)counter;
	return 0;
}

int totp_code(const char *secret_b32, int64_t now, char out[7])
{
	char *raw;
	size_t len;
	if (decode_secret(secret_b32, &raw, &len))
		return -1;
	int rc = oath_totp_generate(raw, len, (time_t)now, TOTP_STEP, 0, 6, out);
	sodium_memzero(raw, len);
	free(raw);
	return rc == OATH_OK ? 0 : -1;
}

void recovery_code_new(char out[15])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	for (int i = 0; i < 14; i++) {
		if (i == 4 || i == 9) {
			out[i] = '-';
			continue;
		}
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	out[14] = '\0';
}

bool recovery_code_normalise(const char *in, char out[15])
{
	char plain[13];
	int n = 0;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) || n >= 12)
			return false;
		plain[n++] = c;
	}
	if (n != 12)
		return false;
	memcpy(out, plain, 4);
	out[4] = '-';
	memcpy(out + 5, plain + 4, 4);
	out[9] = '-';
	memcpy(out + 10, plain + 8, 4);
	out[14] = '\0';
	return true;
}
