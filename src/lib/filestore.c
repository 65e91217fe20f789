/* filestore.c — files by content hash (BLAKE2b-256) under <data>/files, typed by libmagic. */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filestore.h"
#include "util.h"

int filestore_type(const void *data, size_t len, char *out, size_t n)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
	if (!m)
		return -1;
	if (magic_load(m, NULL)) {
		magic_close(m);
		return -1;
	}
	const char *t = magic_buffer(m, data, len);
	int rc = t ? 0 : -1;
	if (t)
		snprintf(out, n, "%s", t);
	magic_close(m);
	return rc;
}

static bool hash_valid(const char *h)
{
	if (!h || strlen(h) != FILESTORE_HASH_HEX - 1)
		return false;
	for (const char *p = h; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

static int make_dir(const char *path)
{
	return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

int filestore_put(const char *data_dir, const void *data, size_t len,
		  char hash_out[FILESTORE_HASH_HEX])
{
	unsigned char h[32];
	char dir[4096], path[4200], tmp[4300];
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	hex_encode(h, sizeof(h), hash_out);
	hash_out[FILESTORE_HASH_HEX - 1] = '\0';
	snprintf(dir, sizeof(dir), "%s/files", data_dir);
	if (make_dir(dir))
		return -1;
	snprintf(dir, sizeof(dir), "%s/files/%.2s", data_dir, hash_out);
	if (make_dir(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, hash_out);
	struct stat st;
	if (stat(path, &st) == 0 && (size_t)st.st_size == len)
		return 0;
	unsigned char rnd[8];
	char suffix[17];
	randombytes_buf(rnd, sizeof(rnd));
	hex_encode(rnd, sizeof(rnd), suffix);
	suffix[16] = '\0';
	snprintf(tmp, sizeof(tmp), "%s/.%s.%s", dir, hash_out, suffix);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int filestore_open(const char *data_dir, const char *hash, int64_t *size)
{
	char path[4200];
	struct stat st;
	if (!hash_valid(hash))
		return -1;
	snprintf(path, sizeof(path), "%s/files/%.2s/%s", data_dir, hash, hash);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}
