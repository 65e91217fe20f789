/* raw_blake.c — the baseline for `mamori audit verify`: keyed BLAKE2b-256 (libsodium) over
 * COUNT messages totalling BYTES bytes, as the chain hashes them. Prints messages per second. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc != 3 || sodium_init() < 0)
		return 2;
	long count = atol(argv[1]), bytes = atol(argv[2]);
	size_t each = (size_t)(bytes / count);
	unsigned char *msg = calloc(1, each + 32), h[32] = { 0 }, key[32] = { 1 };
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < count; i++) {
		msg[i % each] ^= h[0];
		crypto_generichash(h, sizeof(h), msg, each, key, sizeof(key));
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%.0f\n", (double)count / s);
	free(msg);
	return 0;
}
