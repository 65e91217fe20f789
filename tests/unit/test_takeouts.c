/* test_takeouts.c — what a take-out needs and where a return stands (takeouts/rules.c). */
#include <string.h>

#include "unit.h"
#include "modules/takeouts/takeouts.h"

#define E    (1u << TP_ENCRYPTED)
#define PW   (1u << TP_PASSWORD)
#define C    (1u << TP_COPY)
#define M    (1u << TP_MINIMUM)
#define H    (1u << TP_BY_HAND)
#define ALL  (E | PW | C | M | H)
#define NONE 0u

/* Items: electronic, device, has_pinfo, sensitive, highest, lowest. */
static const struct takeout_facts customer_list = { true, false, true, false, true, false };
static const struct takeout_facts brochure_paper = { false, false, false, false, false, true };
static const struct takeout_facts internal_pc = { true, true, false, false, false, false };
static const struct takeout_facts public_pc = { true, true, false, false, false, true };
static const struct takeout_facts health_paper = { false, false, true, true, false, false };
static const struct takeout_facts health_file = { true, false, true, true, false, false };
static const struct takeout_facts secret_paper = { false, false, false, false, true, false };
static const struct takeout_facts public_file = { true, false, false, false, false, true };
static const struct takeout_facts contacts_usb = { true, true, true, false, false, true };

struct assess_case {
	const char *name;
	const struct takeout_facts *item;
	unsigned stated;
	unsigned required, missing;
	bool officer;
	unsigned officer_why;
};

static const struct assess_case cases[] = {
	/* The customer list: the most protected class with personal information — everything,
	 * and the privacy officer after the manager. */
	{ "customer list, nothing stated", &customer_list, NONE, ALL, ALL, true, TW_HIGHEST },
	{ "customer list, all stated", &customer_list, ALL, ALL, NONE, true, TW_HIGHEST },
	/* Encryption protects at least as well as a password. */
	{ "encryption covers the password", &customer_list, E | C | M | H, ALL, NONE, true,
	  TW_HIGHEST },
	{ "a password does not cover encryption", &customer_list, PW | C | M | H, ALL, E, true,
	  TW_HIGHEST },
	/* A public brochure on paper: only never to let go of it. */
	{ "public paper", &brochure_paper, NONE, H, H, false, 0 },
	{ "public paper, in hand", &brochure_paper, H, H, NONE, false, 0 },
	/* A PC is the device itself: a password, not a copy. */
	{ "internal PC", &internal_pc, NONE, PW | H, PW | H, false, 0 },
	{ "public PC", &public_pc, NONE, H, H, false, 0 },
	/* Sensitive data on paper: nothing to encrypt, but the officer approves. */
	{ "sensitive paper", &health_paper, NONE, M | H, M | H, true, TW_SENSITIVE },
	/* Sensitive data as a file: encryption and the officer, even at a low class. */
	{ "sensitive file", &health_file, NONE, ALL, ALL, true, TW_SENSITIVE },
	/* The most protected class on paper: the officer, no encryption. */
	{ "confidential paper", &secret_paper, NONE, H, H, true, TW_HIGHEST },
	{ "public file", &public_file, NONE, H, H, false, 0 },
	/* Personal information at the lowest class still needs a password and the minimum. */
	{ "contacts on a USB memory", &contacts_usb, NONE, PW | M | H, PW | M | H, false, 0 },
};

static void assess_one_item(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct takeout_assessment a;
		takeout_assess(cases[i].item, 1, cases[i].stated, &a);
		if (a.required != cases[i].required || a.missing != cases[i].missing ||
		    a.officer != cases[i].officer || a.officer_why != cases[i].officer_why)
			fail_msg("%s: required %x missing %x officer %d why %x", cases[i].name,
				 a.required, a.missing, a.officer, a.officer_why);
		assert_int_equal(a.item_needs[0], cases[i].required);
	}
}

static void assess_reasons(void **state)
{
	(void)state;
	struct takeout_assessment a;
	takeout_assess(&customer_list, 1, NONE, &a);
	assert_int_equal(a.why[TP_ENCRYPTED], TW_HIGHEST);
	assert_int_equal(a.why[TP_PASSWORD], TW_PINFO | TW_CLASSIFIED);
	assert_int_equal(a.why[TP_COPY], TW_PINFO | TW_CLASSIFIED);
	assert_int_equal(a.why[TP_MINIMUM], TW_PINFO);
	assert_int_equal(a.why[TP_BY_HAND], TW_ALWAYS);
	takeout_assess(&health_file, 1, NONE, &a);
	assert_int_equal(a.why[TP_ENCRYPTED], TW_SENSITIVE);
	/* Highest class and sensitive at once: both reasons. */
	struct takeout_facts both = { true, false, true, true, true, false };
	takeout_assess(&both, 1, NONE, &a);
	assert_int_equal(a.why[TP_ENCRYPTED], TW_SENSITIVE | TW_HIGHEST);
	assert_int_equal(a.officer_why, TW_SENSITIVE | TW_HIGHEST);
}

static void assess_several_items(void **state)
{
	(void)state;
	struct takeout_assessment a;
	/* A brochure, a PC and the customer list: the list decides, each item says its own. */
	const struct takeout_facts items[] = { brochure_paper, internal_pc, customer_list };
	takeout_assess(items, 3, PW | H, &a);
	assert_int_equal(a.required, ALL);
	assert_int_equal(a.missing, E | C | M);
	assert_true(a.officer);
	assert_int_equal(a.item_needs[0], H);
	assert_int_equal(a.item_needs[1], PW | H);
	assert_int_equal(a.item_needs[2], ALL);
	assert_int_equal(a.why[TP_PASSWORD], TW_PINFO | TW_CLASSIFIED);
	/* Nothing listed: nothing required, nobody beyond the manager. */
	takeout_assess(NULL, 0, NONE, &a);
	assert_int_equal(a.required, NONE);
	assert_int_equal(a.missing, NONE);
	assert_false(a.officer);
	/* More items than item_needs holds: the rules still see them all. */
	struct takeout_facts many[70];
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = brochure_paper;
	many[69] = health_paper;
	takeout_assess(many, ARRAY_SIZE(many), NONE, &a);
	assert_true(a.officer);
	assert_int_equal(a.required, M | H);
}

static void protection_names(void **state)
{
	(void)state;
	assert_string_equal(takeout_protection_name(TP_ENCRYPTED), "encrypted");
	assert_string_equal(takeout_protection_name(TP_PASSWORD), "password");
	assert_string_equal(takeout_protection_name(TP_COPY), "copy");
	assert_string_equal(takeout_protection_name(TP_MINIMUM), "minimum");
	assert_string_equal(takeout_protection_name(TP_BY_HAND), "by_hand");
	assert_string_equal(takeout_protection_name(TP_COUNT), "");
}

static void approval_by_the_leave_date(void **state)
{
	(void)state;
	assert_true(takeout_may_approve("2026-05-10", "2026-05-09"));
	assert_true(takeout_may_approve("2026-05-10", "2026-05-10")); /* the morning it leaves */
	assert_false(takeout_may_approve("2026-05-10", "2026-05-11"));
	assert_false(takeout_may_approve("2027-01-01", "2027-01-02"));
	assert_true(takeout_may_approve("2027-01-01", "2026-12-31")); /* across the year */
	assert_false(takeout_may_approve(NULL, "2026-05-01"));
}

/* The field errors of one period check, as "field:code" joined by spaces. */
static void period_errors(const char *leave, const char *ret, const char *today, char *out,
			  size_t n)
{
	struct ferrors fe = FERRORS_INIT;
	size_t i;
	json_t *e;
	takeout_check_period(leave, ret, today, &fe);
	out[0] = '\0';
	json_array_foreach(fe.list, i, e)
	{
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s:%s", len ? " " : "",
			 json_string_value(json_object_get(e, "field")),
			 json_string_value(json_object_get(e, "code")));
	}
	ferr_release(&fe);
}

static void periods(void **state)
{
	(void)state;
	static const struct {
		const char *leave, *ret, *today, *want;
	} pcases[] = {
		{ "2026-05-10", "2026-05-10", "2026-05-10", "" }, /* a day trip today */
		{ "2026-05-10", "2026-05-12", "2026-05-01", "" },
		{ "2026-05-09", "2026-05-12", "2026-05-10", "leave_on:in_past" },
		{ "2026-05-12", "2026-05-10", "2026-05-01", "return_on:before_leave" },
		{ "2026-05-10", "2027-05-11", "2026-05-01", "" }, /* 366 days */
		{ "2026-05-10", "2027-05-12", "2026-05-01", "return_on:period_too_long" },
		{ "2026-02-30", "2026-03-02", "2026-02-01", "leave_on:invalid_date" },
		{ "2026-05-10", "2026-13-01", "2026-05-01", "return_on:invalid_date" },
		{ NULL, "2026-05-10", "2026-05-01", "" }, /* not given yet: not checked */
		{ "2026-04-30", NULL, "2026-05-01", "leave_on:in_past" },
	};
	char got[200];
	for (size_t i = 0; i < ARRAY_SIZE(pcases); i++) {
		period_errors(pcases[i].leave, pcases[i].ret, pcases[i].today, got, sizeof(got));
		if (strcmp(got, pcases[i].want))
			fail_msg("%s..%s on %s: got \"%s\", want \"%s\"",
				 pcases[i].leave ? pcases[i].leave : "-",
				 pcases[i].ret ? pcases[i].ret : "-", pcases[i].today, got,
				 pcases[i].want);
	}
}

static void return_states(void **state)
{
	(void)state;
	const enum takeout_item_state not_left[] = { TI_PENDING, TI_PENDING };
	const enum takeout_item_state out[] = { TI_OUT, TI_OUT };
	const enum takeout_item_state half[] = { TI_BACK, TI_OUT };
	const enum takeout_item_state lost_one_out[] = { TI_MISSING, TI_OUT };
	const enum takeout_item_state back[] = { TI_BACK, TI_BACK, TI_BACK };
	const enum takeout_item_state lost[] = { TI_BACK, TI_MISSING };
	const enum takeout_item_state all_lost[] = { TI_MISSING };
	assert_int_equal(takeout_return_state(NULL, 0), TR_NOT_LEFT);
	assert_int_equal(takeout_return_state(not_left, 2), TR_NOT_LEFT);
	assert_int_equal(takeout_return_state(out, 2), TR_OUT);
	assert_int_equal(takeout_return_state(half, 2), TR_OUT);
	assert_int_equal(takeout_return_state(lost_one_out, 2), TR_OUT);
	assert_int_equal(takeout_return_state(back, 3), TR_ALL_BACK);
	assert_int_equal(takeout_return_state(lost, 2), TR_WITH_MISSING);
	assert_int_equal(takeout_return_state(all_lost, 1), TR_WITH_MISSING);
}

static void overdue_items(void **state)
{
	(void)state;
	assert_false(takeout_item_overdue(TI_OUT, "2026-05-10", "2026-05-10"));
	assert_true(takeout_item_overdue(TI_OUT, "2026-05-10", "2026-05-11"));
	assert_false(takeout_item_overdue(TI_BACK, "2026-05-10", "2026-05-11"));
	assert_false(takeout_item_overdue(TI_MISSING, "2026-05-10", "2026-05-11"));
	assert_false(takeout_item_overdue(TI_PENDING, "2026-05-10", "2026-05-11"));
	assert_false(takeout_item_overdue(TI_OUT, NULL, "2026-05-11"));
}

static void state_names(void **state)
{
	(void)state;
	for (int s = TI_PENDING; s <= TI_MISSING; s++)
		assert_int_equal(takeout_item_state_of(takeout_item_state_name(s)), s);
	assert_int_equal(takeout_item_state_of("lost"), -1);
	assert_int_equal(takeout_item_state_of(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(assess_one_item),
		cmocka_unit_test(assess_reasons),
		cmocka_unit_test(assess_several_items),
		cmocka_unit_test(protection_names),
		cmocka_unit_test(approval_by_the_leave_date),
		cmocka_unit_test(periods),
		cmocka_unit_test(return_states),
		cmocka_unit_test(overdue_items),
		cmocka_unit_test(state_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
