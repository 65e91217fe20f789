/* settings.c — the organisation's settings: defaults, cache, validated update with audit. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "audit/audit.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#define CACHE_MS 2000

struct int_setting {
	const char *key;
	size_t offset;
	int min, max, def;
};

static const struct int_setting ints[] = {
	{ "password_min_length", offsetof(struct settings, password_min_length), 8, 128, 8 },
	{ "password_history", offsetof(struct settings, password_history), 0, 24, 5 },
	{ "lockout_threshold", offsetof(struct settings, lockout_threshold), 3, 20, 5 },
	{ "lockout_minutes", offsetof(struct settings, lockout_minutes), 1, 1440, 15 },
	{ "idle_timeout_privileged_min", offsetof(struct settings, idle_timeout_privileged_min), 1,
	  60, 10 },
	{ "idle_timeout_min", offsetof(struct settings, idle_timeout_min), 1, 240, 30 },
	{ "session_absolute_hours", offsetof(struct settings, session_absolute_hours), 1, 24, 12 },
	{ "idle_disable_days", offsetof(struct settings, idle_disable_days), 0, 3650, 90 },
	{ "approval_escalation_days", offsetof(struct settings, approval_escalation_days), 0, 30,
	  3 },
	{ "year_end_closure", offsetof(struct settings, year_end_closure), 0, 1, 1 },
};

/* Text settings: where each lives, its default, and whether it must name a time zone. Their
 * lengths and allowed values are checked by the route's schema (settings_api.c). */
struct text_setting {
	const char *key;
	size_t offset, size;
	const char *def;
	bool zone;
};

#define TEXT(k, d, z)                                                                              \
	{                                                                                          \
#k, offsetof(struct settings, k), sizeof(((struct settings *)0)->k), d, z          \
	}
static const struct text_setting texts[] = {
	TEXT(org_name, "mamori", false),    TEXT(org_address, "", false),
	TEXT(privacy_officer, "", false),   TEXT(isms_officer, "", false),
	TEXT(pmark_number, "", false),      TEXT(isms_scope, "", false),
	TEXT(isms_body, "", false),         TEXT(setup_state, "pending", false),
	TEXT(timezone, "Asia/Tokyo", true),
};
#undef TEXT

/* Yes/no settings, stored as "1" / "0". */
struct bool_setting {
	const char *key;
	size_t offset;
	bool def;
};

static const struct bool_setting bools[] = {
	{ "isms_certified", offsetof(struct settings, isms_certified), false },
};

const char *const settings_setup_states[] = { "pending", "skipped", "done", NULL };

static int *int_at(struct settings *s, const struct int_setting *d)
{
	return (int *)(void *)((char *)s + d->offset);
}

static char *text_at(struct settings *s, const struct text_setting *d)
{
	return (char *)s + d->offset;
}

static bool *bool_at(struct settings *s, const struct bool_setting *d)
{
	return (bool *)(void *)((char *)s + d->offset);
}

/* Sets one key from its stored text; unknown keys and unreadable values keep the default. */
static void apply(struct settings *s, const char *k, const char *v)
{
	int64_t n;
	if (!strcmp(k, "version")) {
		if (parse_i64(v, 1, INT64_MAX, &n) == 0)
			s->version = n;
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if (!strcmp(k, texts[i].key)) {
			snprintf(text_at(s, &texts[i]), texts[i].size, "%s", v);
			return;
		}
	for (size_t i = 0; i < ARRAY_SIZE(bools); i++)
		if (!strcmp(k, bools[i].key)) {
			*bool_at(s, &bools[i]) = !strcmp(v, "1");
			return;
		}
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		if (!strcmp(k, ints[i].key) && parse_i64(v, ints[i].min, ints[i].max, &n) == 0)
			*int_at(s, &ints[i]) = (int)n;
}

static int load(struct db *db, struct settings *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		snprintf(text_at(s, &texts[i]), texts[i].size, "%s", texts[i].def);
	for (size_t i = 0; i < ARRAY_SIZE(bools); i++)
		*bool_at(s, &bools[i]) = bools[i].def;
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		*int_at(s, &ints[i]) = ints[i].def;
	s->version = 1;
	struct dbrows r;
	if (db_query(db, &r, "SELECT key, value FROM settings", P0))
		return -1;
	while (db_next(&r))
		apply(s, db_text(&r, 0), db_text(&r, 1));
	int failed = r.failed;
	db_rows_free(&r);
	return failed ? -1 : 0;
}

/* Each thread keeps its own copy for CACHE_MS so the hot path takes no lock; an update
 * bumps app->settings_generation so every thread reloads at once. */
static _Thread_local struct {
	const struct app *app;
	int64_t loaded_ms, generation;
	struct settings s;
} local;

int settings_get(struct app *app, struct db *db, struct settings *out)
{
	int64_t gen = __atomic_load_n(&app->settings_generation, __ATOMIC_ACQUIRE);
	if (local.app == app && local.generation == gen && now_ms() - local.loaded_ms < CACHE_MS) {
		*out = local.s;
		return 0;
	}
	if (load(db, out))
		return -1;
	out->generation = gen;
	local.app = app;
	local.generation = gen;
	local.loaded_ms = now_ms();
	local.s = *out;
	return 0;
}

/* The zone is checked when it is stored (tz_known); one the system no longer knows (its time
 * zone data changed) keeps the zone in force and says so. The zone is the process's, and two
 * threads may put theirs in force in either order: settings read before an update (serve's
 * loop, reading while the update commits) must not undo the update's zone, so only settings of
 * the generation in force or a later one are taken. */
static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;

void settings_zone_in_force(struct app *app, const struct settings *s)
{
	pthread_mutex_lock(&zone_lock);
	if (s->generation >= app->zone_generation) {
		app->zone_generation = s->generation;
		if (tz_set(s->timezone))
			log_error("the organisation's time zone %s is unknown to this system; "
				  "dates stay in the zone in force",
				  s->timezone);
	}
	pthread_mutex_unlock(&zone_lock);
}

int settings_use_zone(struct app *app, struct db *db)
{
	struct settings s;
	if (settings_get(app, db, &s))
		return -1;
	settings_zone_in_force(app, &s);
	return 0;
}

json_t *settings_json(const struct settings *s)
{
	struct settings *m = (struct settings *)s;
	json_t *o = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		json_object_set_new(o, texts[i].key, json_string(text_at(m, &texts[i])));
	for (size_t i = 0; i < ARRAY_SIZE(bools); i++)
		json_object_set_new(o, bools[i].key, json_boolean(*bool_at(m, &bools[i])));
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
		json_object_set_new(o, ints[i].key, json_integer(*int_at(m, &ints[i])));
	json_object_set_new(o, "version", json_integer(s->version));
	return o;
}

struct update {
	struct app *app;
	const struct actor *who;
	json_t *patch;
	struct ferrors *fe;
	struct settings before, after;
	enum status st;
};

static int put(struct db *db, const char *key, const char *value)
{
	return db_exec(db,
		       "INSERT INTO settings (key, value) VALUES (?, ?) "
		       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		       P(V_TEXT(key), V_TEXT(value)));
}

static int update_fn(struct db *db, void *arg)
{
	struct update *u = arg;
	if (load(db, &u->before))
		return -1;
	if (json_integer_value(json_object_get(u->patch, "version")) != u->before.version) {
		u->st = ST_CONFLICT;
		return -1;
	}
	u->after = u->before;
	json_t *changes = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(u->patch, key, v)
	{
		char tmp[32];
		const char *text = NULL;
		if (!strcmp(key, "version"))
			continue;
		const struct text_setting *ts = NULL;
		for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
			if (!strcmp(key, texts[i].key))
				ts = &texts[i];
		if (ts && json_is_string(v)) {
			const char *sv = json_string_value(v);
			if (ts->zone && !tz_known(sv)) {
				ferr_add(u->fe, key, "invalid_choice",
					 "Not a time zone this server knows (e.g. Asia/Tokyo).");
				continue;
			}
			snprintf(text_at(&u->after, ts), ts->size, "%s", sv);
			text = sv;
		}
		for (size_t i = 0; i < ARRAY_SIZE(bools) && !text; i++)
			if (!strcmp(key, bools[i].key)) {
				*bool_at(&u->after, &bools[i]) = json_is_true(v);
				text = json_is_true(v) ? "1" : "0";
			}
		for (size_t i = 0; i < ARRAY_SIZE(ints) && !text; i++)
			if (!strcmp(key, ints[i].key)) {
				*int_at(&u->after, &ints[i]) = (int)json_integer_value(v);
				snprintf(tmp, sizeof(tmp), "%d", (int)json_integer_value(v));
				text = tmp;
			}
		if (!text)
			continue;
		if (put(db, key, text)) {
			json_decref(changes);
			return -1;
		}
		json_object_set(changes, key, v);
	}
	if (ferr_any(u->fe)) {
		json_decref(changes);
		u->st = ST_INVALID;
		return -1;
	}
	u->after.version = u->before.version + 1;
	char ver[24];
	snprintf(ver, sizeof(ver), "%lld", (long long)u->after.version);
	int rc = put(db, "version", ver);
	/* Before and after of each changed key, so a reviewer sees what the policy was. */
	json_t *was = settings_json(&u->before), *before = json_object();
	const char *k;
	json_t *val;
	json_object_foreach(changes, k, val)
	{
		json_object_set(before, k, json_object_get(was, k));
	}
	json_decref(was);
	json_t *sum = json_pack("{s:o,s:o}", "before", before, "after", changes);
	if (rc == 0)
		rc = audit_append(db, u->who, "settings.update", "settings", 0, sum);
	json_decref(sum);
	return rc;
}

enum status settings_update(struct app *app, struct db *db, const struct actor *who, json_t *patch,
			    struct ferrors *fe, struct settings *out)
{
	struct update u = { .app = app, .who = who, .patch = patch, .fe = fe, .st = ST_OK };
	enum status st = db_tx_status(db, update_fn, &u, &u.st);
	if (st != ST_OK)
		return st;
	/* Every thread reloads; the zone is in force here at once (other nodes: serve's loop). */
	u.after.generation = __atomic_add_fetch(&app->settings_generation, 1, __ATOMIC_RELEASE);
	settings_zone_in_force(app, &u.after);
	*out = u.after;
	return ST_OK;
}
