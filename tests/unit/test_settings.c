/* test_settings.c — the organisation's time zone on a real (SQLite) database: an update puts
 * its zone in force at once, and settings read just before it (serve's loop reading while the
 * update commits) cannot put the old zone back when they are applied after it. */
#include <string.h>

#include "unit.h"
#include "unit_db.h"
#include "app.h"
#include "audit/audit.h"
#include "lib/timeutil.h"
#include "settings.h"

static char dir[] = "/tmp/mamori-test-settings.XXXXXX";
static struct db *db;
static const struct actor sys = { 0, NULL, "test" };

static int setup(void **state)
{
	(void)state;
	db = unit_db_open(dir, 7);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_db_remove(db, dir);
	return 0;
}

static void set_zone(struct app *app, const char *zone, int64_t version)
{
	struct ferrors fe = FERRORS_INIT;
	struct settings out;
	json_t *patch = json_pack("{s:I,s:s}", "version", (json_int_t)version, "timezone", zone);
	assert_int_equal(settings_update(app, db, &sys, patch, &fe, &out), ST_OK);
	assert_false(ferr_any(&fe));
	assert_string_equal(out.timezone, zone);
	json_decref(patch);
	ferr_release(&fe);
}

/* 2026-03-31T15:30:00Z is 00:30 on 1 April in Tokyo. */
static const int64_t at = 1774971000;

static void late_reader_keeps_the_update(void **state)
{
	(void)state;
	struct app app = { 0 };
	assert_int_equal(settings_use_zone(&app, db), 0);
	assert_int_equal(tz_offset(at), 9 * 3600); /* the default, Asia/Tokyo */

	struct settings before;
	assert_int_equal(settings_get(&app, db, &before), 0);
	set_zone(&app, "UTC", before.version);
	assert_int_equal(tz_offset(at), 0); /* in force at once */

	/* Read before the update, applied after it: the update's zone stays. */
	settings_zone_in_force(&app, &before);
	assert_int_equal(tz_offset(at), 0);

	/* A read after the update agrees with it, and the next update is in force again. */
	struct settings now;
	assert_int_equal(settings_get(&app, db, &now), 0);
	assert_string_equal(now.timezone, "UTC");
	settings_zone_in_force(&app, &now);
	assert_int_equal(tz_offset(at), 0);
	set_zone(&app, "Asia/Tokyo", now.version);
	assert_int_equal(tz_offset(at), 9 * 3600);
	settings_zone_in_force(&app, &now); /* older again */
	assert_int_equal(tz_offset(at), 9 * 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(late_reader_keeps_the_update),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
