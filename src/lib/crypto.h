/*
 * crypto.h — sealing sensitive fields and making random tokens (libsodium).
 *
 * Sensitive fields (TOTP secrets, later visitor names and incident personal details) are
 * stored as "v1:" + base64(nonce || XChaCha20-Poly1305 ciphertext) under the master key. The
 * `context` (e.g. "users.totp_secret:42") is authenticated as associated data, so a sealed
 * value copied into another row or column does not open.
 */
#ifndef MAMORI_CRYPTO_H
#define MAMORI_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Call once before anything else (sodium_init). -1 if the library cannot start. */
int crypto_start(void);

/* Returns a malloc'd sealed string. */
char *crypto_seal(const unsigned char key[32], const char *context, const void *plain, size_t len);
/* Returns a malloc'd NUL-terminated plaintext (len in *len), or NULL if it does not open. */
char *crypto_open(const unsigned char key[32], const char *context, const char *sealed,
		  size_t *len);

/* One text field of one record, sealed with context "<column>:<id>" (e.g.
 * "visits.visitor_name:12"), so a value moved to another row or column does not open. "" stays
 * "" (an empty field holds nothing to hide). Returns a malloc'd string. */
char *crypto_seal_field(const unsigned char key[32], const char *column, int64_t id,
			const char *plain);
/* The plain text of a field sealed by crypto_seal_field, malloc'd; "" for "". NULL when it does
 * not open (another key, row or column, or tampered). Free it with crypto_free_plain(). */
char *crypto_open_field(const unsigned char key[32], const char *column, int64_t id,
			const char *sealed);
/* Wipes a plaintext before freeing it (NULL is fine). */
void crypto_free_plain(char *plain);

/* `bytes` random bytes as unpadded base64url into a malloc'd string. */
char *random_token(size_t bytes);
/* BLAKE2b-256 of s, hex, into out (65 bytes): how tokens are stored. */
void token_hash(const char *s, char out[65]);

#endif
