/* crypto.c — sealed fields, tokens and token hashes. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "util.h"

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG   crypto_aead_xchacha20poly1305_ietf_ABYTES

int crypto_start(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

char *crypto_seal(const unsigned char key[32], const char *context, const void *plain, size_t len)
{
	size_t raw_len = NONCE + len + TAG;
	unsigned char *raw = xmalloc(raw_len);
	randombytes_buf(raw, NONCE);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(raw + NONCE, &clen, plain, len,
						   (const unsigned char *)context, strlen(context),
						   NULL, raw, key);
	size_t b64_len = sodium_base64_encoded_len(raw_len, sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(3 + b64_len);
	memcpy(out, "v1:", 3);
	sodium_bin2base64(out + 3, b64_len, raw, raw_len, sodium_base64_VARIANT_ORIGINAL);
	free(raw);
	return out;
}

char *crypto_open(const unsigned char key[32], const char *context, const char *sealed, size_t *len)
{
	if (!sealed || strncmp(sealed, "v1:", 3))
		return NULL;
	size_t slen = strlen(sealed + 3);
	unsigned char *raw = xmalloc(slen + 1);
	size_t raw_len;
	char *out = NULL;
	if (sodium_base642bin(raw, slen, sealed + 3, slen, NULL, &raw_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    raw_len < NONCE + TAG)
		goto out;
	out = xmalloc(raw_len - NONCE - TAG + 1);
	unsigned long long plen;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (unsigned char *)out, &plen, NULL, raw + NONCE, raw_len - NONCE,
		    (const unsigned char *)context, strlen(context), raw, key)) {
		free(out);
		out = NULL;
		goto out;
	}
	out[plen] = '\0';
	if (len)
		*len = (size_t)plen;
out:
	free(raw);
	return out;
}

/* "<column>:<id>" into a malloc'd string. */
static char *field_context(const char *column, int64_t id)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s:%lld", column, (long long)id);
	return buf_detach(&b, NULL);
}

char *crypto_seal_field(const unsigned char key[32], const char *column, int64_t id,
			const char *plain)
{
	if (!plain || !*plain)
		return xstrdup("");
	char *ctx = field_context(column, id);
	char *s = crypto_seal(key, ctx, plain, strlen(plain));
	free(ctx);
	return s;
}

char *crypto_open_field(const unsigned char key[32], const char *column, int64_t id,
			const char *sealed)
{
	if (!sealed)
		return NULL;
	if (!*sealed)
		return xstrdup("");
	char *ctx = field_context(column, id);
	char *plain = crypto_open(key, ctx, sealed, NULL);
	free(ctx);
	return plain;
}

void crypto_free_plain(char *plain)
{
	if (!plain)
		return;
	sodium_memzero(plain, strlen(plain));
	free(plain);
}

char *random_token(size_t bytes)
{
	unsigned char *raw = xmalloc(bytes);
	randombytes_buf(raw, bytes);
	size_t n = sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = xmalloc(n);
	sodium_bin2base64(out, n, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, bytes);
	free(raw);
	return out;
}

void token_hash(const char *s, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)s, strlen(s), NULL, 0);
	hex_encode(h, sizeof(h), out);
}
