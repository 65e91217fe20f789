/* app.c — the server context: data folder, master key, per-thread connections. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "audit/audit.h"
#include "auth/session.h"
#include "lib/log.h"

static void close_db(void *p)
{
	db_close(p);
}

char *app_default_db_url(const char *data_dir)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s/mamori.db", data_dir);
	return buf_detach(&b, NULL);
}

static int read_key(struct app *app, struct buf *err)
{
	struct buf path = BUF_INIT;
	int ret = -1, fd = -1;
	buf_printf(&path, "%s/master.key", app->data_dir);
	fd = open(path.buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf_printf(err, "cannot read %s: %s (run `mamori init --data %s` first)", path.buf,
			   strerror(errno), app->data_dir);
		goto out;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
		buf_printf(err, "%s is readable by others: run `chmod 600 %s`", path.buf, path.buf);
		goto out;
	}
	char hex[2 * MASTER_KEY_BYTES + 2] = { 0 };
	ssize_t n = read(fd, hex, sizeof(hex) - 1);
	if (n >= 2 * MASTER_KEY_BYTES &&
	    (n == 2 * MASTER_KEY_BYTES || hex[2 * MASTER_KEY_BYTES] == '\n')) {
		hex[2 * MASTER_KEY_BYTES] = '\0';
		if (hex_decode(hex, app->master_key, MASTER_KEY_BYTES) == 0) {
			audit_key_derive(app->master_key, app->audit_key);
			ret = 0;
		}
	}
	if (ret)
		buf_printf(err, "%s is not a mamori key (64 hex digits)", path.buf);
out:
	if (fd >= 0)
		close(fd);
	buf_release(&path);
	return ret;
}

int app_init(struct app *app, const char *data_dir, const char *db_url, struct buf *err)
{
	memset(app, 0, sizeof(*app));
	app->data_dir = xstrdup(data_dir);
	app->db_url = db_url ? xstrdup(db_url) : app_default_db_url(data_dir);
	pthread_key_create(&app->db_key, close_db);
	pthread_key_create(&app->session_key, session_cache_release);
	return read_key(app, err);
}

void app_release(struct app *app)
{
	struct db *db = pthread_getspecific(app->db_key);
	if (db) {
		db_close(db);
		pthread_setspecific(app->db_key, NULL);
	}
	pthread_key_delete(app->db_key);
	session_cache_release(pthread_getspecific(app->session_key));
	pthread_setspecific(app->session_key, NULL);
	pthread_key_delete(app->session_key);
	free(app->data_dir);
	free(app->db_url);
	free(app->web_root);
	free(app->proxies);
	sodium_memzero(app->master_key, sizeof(app->master_key));
	sodium_memzero(app->audit_key, sizeof(app->audit_key));
}

struct db *app_db(struct app *app)
{
	struct db *db = pthread_getspecific(app->db_key);
	if (db)
		return db;
	struct buf err = BUF_INIT;
	if (db_open(app->db_url, &db, &err)) {
		log_error("%s", err.buf);
		buf_release(&err);
		return NULL;
	}
	db_set_audit_key(db, app->audit_key);
	pthread_setspecific(app->db_key, db);
	return db;
}
