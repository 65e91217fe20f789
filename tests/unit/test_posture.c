/* test_posture.c — the device rules at their edges (devices/posture.c). */
#include "unit.h"
#include "modules/devices/devices.h"

static const struct device_policy policy = { .definitions_max_days = 7, .patch_max_days = 30 };
#define TODAY "2026-05-20"

/* A laptop that keeps every rule on TODAY. */
static struct device_state good_pc(void)
{
	return (struct device_state){ .kind = "pc",
				      .status = "in_use",
				      .screen_lock_minutes = 5,
				      .definitions_on = "2026-05-19",
				      .patched_on = "2026-05-01",
				      .portable = true,
				      .disk_encrypted = true };
}

static void test_good_pc_has_no_flags(void **state)
{
	(void)state;
	struct device_state s = good_pc();
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
}

static void test_screen_lock_edge(void **state)
{
	(void)state;
	struct device_state s = good_pc();
	s.screen_lock_minutes = 10; /* exactly 10 minutes is within the rule */
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
	s.screen_lock_minutes = 11;
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_SCREEN_LOCK);
	s.screen_lock_minutes = 0; /* locks at once */
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
	s.screen_lock_minutes = -1; /* not recorded: cannot be shown to keep the rule */
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_SCREEN_LOCK);
	/* A USB memory has no screen. */
	s = good_pc();
	s.kind = "usb_memory";
	s.screen_lock_minutes = -1;
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
}

static void test_definitions_edge(void **state)
{
	(void)state;
	struct device_state s = good_pc();
	s.definitions_on = "2026-05-13"; /* exactly 7 days old */
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
	s.definitions_on = "2026-05-12"; /* 8 days */
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_DEFINITIONS);
	s.definitions_on = NULL;
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_DEFINITIONS);
	/* Across a month and a year end. */
	s.definitions_on = "2026-12-25";
	s.patched_on = "2026-12-20";
	assert_int_equal(device_posture(&s, &policy, "2027-01-01"), 0);
	assert_int_equal(device_posture(&s, &policy, "2027-01-02"), POSTURE_DEFINITIONS);
	/* The setting moves the edge; 0 days means "today's only". */
	struct device_policy strict = { .definitions_max_days = 0, .patch_max_days = 30 };
	s = good_pc();
	s.definitions_on = TODAY;
	assert_int_equal(device_posture(&s, &strict, TODAY), 0);
	s.definitions_on = "2026-05-19";
	assert_int_equal(device_posture(&s, &strict, TODAY), POSTURE_DEFINITIONS);
	/* Definitions are a PC's rule only. */
	s = good_pc();
	s.kind = "smartphone";
	s.definitions_on = NULL;
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
}

static void test_patches_edge(void **state)
{
	(void)state;
	struct device_state s = good_pc();
	s.patched_on = "2026-04-20"; /* exactly 30 days */
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
	s.patched_on = "2026-04-19";
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_PATCHES);
	s.kind = "router";
	s.portable = false;
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_PATCHES);
	s.kind = "sd_card";
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
}

static void test_encryption_and_p2p(void **state)
{
	(void)state;
	struct device_state s = good_pc();
	s.disk_encrypted = false;
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_ENCRYPTION);
	s.portable = false; /* a desktop that never leaves the office */
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
	s = good_pc();
	s.p2p_present = true;
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_P2P);
	s.kind = "usb_memory";
	s.disk_encrypted = false;
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_P2P | POSTURE_ENCRYPTION);
}

static void test_loan_overdue(void **state)
{
	(void)state;
	struct device_state s = good_pc();
	s.status = "on_loan";
	s.loan_due_on = TODAY; /* due today: not yet late */
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
	s.loan_due_on = "2026-05-19";
	assert_int_equal(device_posture(&s, &policy, TODAY), POSTURE_LOAN_OVERDUE);
	s.status = "in_stock"; /* a due date without the loan means nothing */
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
}

static void test_lost_and_disposed_have_no_flags(void **state)
{
	(void)state;
	struct device_state s = { .kind = "pc",
				  .status = "disposed",
				  .screen_lock_minutes = 60,
				  .portable = true,
				  .p2p_present = true };
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
	s.status = "lost";
	assert_int_equal(device_posture(&s, &policy, TODAY), 0);
	s.status = "in_stock";
	assert_int_equal(device_posture(&s, &policy, TODAY),
			 POSTURE_SCREEN_LOCK | POSTURE_DEFINITIONS | POSTURE_PATCHES |
				 POSTURE_ENCRYPTION | POSTURE_P2P);
}

static void test_flag_names(void **state)
{
	(void)state;
	const char *names[8];
	size_t n = device_flag_names(POSTURE_P2P | POSTURE_SCREEN_LOCK | POSTURE_LOAN_OVERDUE,
				     names, 8);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "loan_overdue");
	assert_string_equal(names[1], "screen_lock");
	assert_string_equal(names[2], "p2p");
	assert_int_equal(device_flag_names(0x3f, names, 2), 2);
	assert_int_equal(device_flag_names(0, names, 8), 0);
}

static void test_kinds(void **state)
{
	(void)state;
	assert_true(device_kind_is_media("usb_memory"));
	assert_true(device_kind_is_media("sd_card"));
	assert_false(device_kind_is_media("pc"));
	assert_false(device_kind_is_media(NULL));
	assert_true(device_kind_portable("pc"));
	assert_false(device_kind_portable("router"));
	assert_false(device_kind_portable("other"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_pc_has_no_flags),
		cmocka_unit_test(test_screen_lock_edge),
		cmocka_unit_test(test_definitions_edge),
		cmocka_unit_test(test_patches_edge),
		cmocka_unit_test(test_encryption_and_p2p),
		cmocka_unit_test(test_loan_overdue),
		cmocka_unit_test(test_lost_and_disposed_have_no_flags),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
