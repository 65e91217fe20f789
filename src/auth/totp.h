/*
 * totp.h — one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s steps) and recovery codes.
 *
 * A code is accepted in the current step or one step either side, and only once: the step
 * it matched is remembered (users.totp_last_step) and codes of that step or earlier are
 * refused afterwards, so a code seen over a shoulder cannot be replayed.
 */
#ifndef MAMORI_TOTP_H
#define MAMORI_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_BYTES 20
#define TOTP_STEP         30
#define RECOVERY_CODES    10

/* A new random secret as base32 (malloc'd). */
char *totp_new_secret(void);
/* "otpauth://totp/ISSUER:LOGIN?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30" */
char *totp_uri(const char *issuer, const char *login, const char *secret_b32);
/* The QR code of `text` as a standalone SVG document (malloc'd), or NULL. */
char *qr_svg(const char *text);

/* Checks `code` against the base32 secret at time `now`. On a match whose step is later than
 * `last_step`, returns 0 and sets *matched_step; otherwise -1. */
int totp_check(const char *secret_b32, const char *code, int64_t now, int64_t last_step,
	       int64_t *matched_step);
/* The code for `now` (for tests and the enrolment check). */
int totp_code(const char *secret_b32, int64_t now, char out[7]);

/* A recovery code "xxxx-xxxx-xxxx" (lower-case letters and digits) into out (15 bytes). */
void recovery_code_new(char out[15]);
/* Normalises user input of a recovery code (case, spaces); false if it cannot be one. */
bool recovery_code_normalise(const char *in, char out[15]);

#endif
