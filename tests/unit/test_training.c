/* test_training.c — the quiz rules: drawing, grading, the pass mark, retakes, yearly cycles,
 * and Markdown that cannot carry markup. */
#include "unit.h"
#include "modules/training/training.h"
#include "lib/timeutil.h"

/* A deterministic source of randomness for the tests (xorshift64*). */
struct rng {
	uint64_t s;
};

static uint32_t rng_below(void *ctx, uint32_t below)
{
	struct rng *r = ctx;
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return below ? (uint32_t)((r->s * 2685821657736338717ULL) >> 33) % below : 0;
}

/* A pool of `n` questions spread over `topics` topics (question i has topic i % topics). */
static void make_pool(struct draw_item *pool, size_t n, int topics)
{
	for (size_t i = 0; i < n; i++) {
		pool[i].topic = (int)(i % (size_t)topics);
		pool[i].recent = false;
	}
}

static void draw_has_no_duplicates_and_exactly_n(void **state)
{
	(void)state;
	struct draw_item pool[50];
	size_t out[50];
	make_pool(pool, 50, 14);
	for (uint64_t seed = 1; seed <= 200; seed++) {
		struct rng r = { seed * 7919 };
		size_t n = training_draw(pool, 50, 20, rng_below, &r, out);
		assert_int_equal(n, 20);
		bool seen[50] = { 0 };
		for (size_t i = 0; i < n; i++) {
			assert_true(out[i] < 50);
			assert_false(seen[out[i]]);
			seen[out[i]] = true;
		}
	}
	/* Asking for more than the pool gives the whole pool, once each. */
	struct rng r = { 42 };
	assert_int_equal(training_draw(pool, 10, 25, rng_below, &r, out), 10);
	assert_int_equal(training_draw(pool, 10, 0, rng_below, &r, out), 0);
}

static void draw_covers_every_topic_when_n_allows(void **state)
{
	(void)state;
	struct draw_item pool[50];
	size_t out[50];
	/* Uneven topics: topic 0 has most questions, topic 13 only one. */
	for (size_t i = 0; i < 50; i++) {
		pool[i].topic = i < 37 ? (int)(i % 13) : 0;
		pool[i].recent = false;
	}
	pool[49].topic = 13;
	for (uint64_t seed = 1; seed <= 200; seed++) {
		struct rng r = { seed };
		size_t n = training_draw(pool, 50, 20, rng_below, &r, out);
		assert_int_equal(n, 20);
		int per_topic[14] = { 0 };
		for (size_t i = 0; i < n; i++)
			per_topic[pool[out[i]].topic]++;
		for (int t = 0; t < 14; t++)
			assert_true(per_topic[t] >= 1);
	}
	/* Fewer questions than topics: no topic twice. */
	struct rng r = { 5 };
	size_t n = training_draw(pool, 50, 6, rng_below, &r, out);
	int per_topic[14] = { 0 };
	for (size_t i = 0; i < n; i++)
		assert_true(++per_topic[pool[out[i]].topic] == 1);
}

static void draw_avoids_the_previous_attempt(void **state)
{
	(void)state;
	struct draw_item pool[50];
	size_t first[50], second[50];
	make_pool(pool, 50, 14);
	struct rng r = { 99 };
	size_t n = training_draw(pool, 50, 20, rng_below, &r, first);
	for (size_t i = 0; i < n; i++)
		pool[first[i]].recent = true;
	/* 30 new questions cover a 20-question quiz: nothing from last time comes back. */
	n = training_draw(pool, 50, 20, rng_below, &r, second);
	assert_int_equal(n, 20);
	for (size_t i = 0; i < n; i++)
		assert_false(pool[second[i]].recent);
	/* A pool too small to avoid repeats still fills the quiz, new questions first. */
	make_pool(pool, 25, 5);
	for (size_t i = 0; i < 20; i++)
		pool[i].recent = true;
	n = training_draw(pool, 25, 20, rng_below, &r, second);
	assert_int_equal(n, 20);
	int fresh = 0;
	for (size_t i = 0; i < n; i++)
		fresh += !pool[second[i]].recent;
	assert_int_equal(fresh, 5);
}

static void draws_differ_between_attempts(void **state)
{
	(void)state;
	struct draw_item pool[50];
	size_t a[50], b[50];
	make_pool(pool, 50, 14);
	struct rng r = { 2026 };
	training_draw(pool, 50, 20, rng_below, &r, a);
	training_draw(pool, 50, 20, rng_below, &r, b);
	bool same_set = true;
	for (size_t i = 0; i < 20; i++) {
		bool found = false;
		for (size_t k = 0; k < 20; k++)
			found |= a[i] == b[k];
		same_set &= found;
	}
	assert_false(same_set);
}

static void pass_mark_exactly_80_passes(void **state)
{
	(void)state;
	assert_true(training_passes(16, 20, 80));  /* exactly 80% */
	assert_false(training_passes(15, 20, 80)); /* 75% */
	assert_true(training_passes(20, 20, 80));
	assert_true(training_passes(4, 5, 80));
	assert_false(training_passes(3, 5, 80));
	/* 8 of 10 is 80%; 7.99... never rounds up. */
	assert_true(training_passes(8, 10, 80));
	assert_false(training_passes(79, 100, 80));
	assert_true(training_passes(80, 100, 80));
	/* A mark that is not a whole number of questions: 2 of 3 is 66.6% < 67%. */
	assert_false(training_passes(2, 3, 67));
	assert_true(training_passes(2, 3, 66));
	assert_false(training_passes(0, 0, 80));
	assert_int_equal(training_score(16, 20), 80);
	assert_int_equal(training_score(2, 3), 66);
	assert_int_equal(training_score(0, 0), 0);
}

static void grading_maps_shown_choices_back(void **state)
{
	(void)state;
	/* Shown order: position 1 shows original choice 3, 2 shows 1, 3 shows 2. */
	size_t order[3] = { 2, 0, 1 };
	/* The person picked the first shown choice: that is original choice 3 (bit 2). */
	assert_int_equal(training_unshuffle(1u << 0, order, 3), 1u << 2);
	/* Several picks. */
	assert_int_equal(training_unshuffle((1u << 1) | (1u << 2), order, 3),
			 (1u << 0) | (1u << 1));
	assert_int_equal(training_unshuffle(0, order, 3), 0);
	/* Shuffles are permutations. */
	size_t a[5] = { 0, 1, 2, 3, 4 };
	struct rng r = { 11 };
	training_shuffle(a, 5, rng_below, &r);
	int seen = 0;
	for (int i = 0; i < 5; i++)
		seen |= 1 << a[i];
	assert_int_equal(seen, 31);
}

static void retake_rules(void **state)
{
	(void)state;
	assert_int_equal(training_may_start(0, 0, false), START_NEW);
	assert_int_equal(training_may_start(0, 50, false), START_NEW); /* no limit */
	assert_int_equal(training_may_start(3, 2, false), START_NEW);
	assert_int_equal(training_may_start(3, 3, false), START_LIMIT);
	assert_int_equal(training_may_start(1, 1, false), START_LIMIT);
	/* An open attempt is resumed, never doubled — even at the limit. */
	assert_int_equal(training_may_start(3, 3, true), START_RESUME);
	assert_int_equal(training_may_start(0, 0, true), START_RESUME);
}

static void recurrence_dates(void **state)
{
	(void)state;
	char s[11], d[11];
	assert_int_equal(date_add_months("2024-02-29", 12, s), 0);
	assert_string_equal(s, "2025-02-28");
	assert_int_equal(date_add_months("2024-02-29", 48, s), 0);
	assert_string_equal(s, "2028-02-29");
	assert_int_equal(date_add_months("2026-04-01", -12, s), 0);
	assert_string_equal(s, "2025-04-01");
	assert_int_equal(date_add_months("2026-13-01", 12, s), -1);

	/* Yearly from 1 April, due 30 June. */
	assert_int_equal(training_cycle("2025-04-01", "2025-06-30", true, "2025-03-31", s, d), 1);
	assert_int_equal(training_cycle("2025-04-01", "2025-06-30", true, "2025-04-01", s, d), 0);
	assert_string_equal(s, "2025-04-01");
	assert_string_equal(d, "2025-06-30");
	assert_int_equal(training_cycle("2025-04-01", "2025-06-30", true, "2026-03-31", s, d), 0);
	assert_string_equal(s, "2025-04-01");
	assert_int_equal(training_cycle("2025-04-01", "2025-06-30", true, "2026-04-01", s, d), 0);
	assert_string_equal(s, "2026-04-01");
	assert_string_equal(d, "2026-06-30");
	assert_int_equal(training_cycle("2025-04-01", "2025-06-30", true, "2031-12-31", s, d), 0);
	assert_string_equal(s, "2031-04-01");
	assert_string_equal(d, "2031-06-30");
	/* A cycle across the new year. */
	assert_int_equal(training_cycle("2025-10-01", "2026-01-31", true, "2027-01-15", s, d), 0);
	assert_string_equal(s, "2026-10-01");
	assert_string_equal(d, "2027-01-31");
	/* Starting on 29 February. */
	assert_int_equal(training_cycle("2024-02-29", "2024-03-31", true, "2025-02-28", s, d), 0);
	assert_string_equal(s, "2025-02-28");
	/* A one-off assignment keeps its own dates. */
	assert_int_equal(training_cycle("2025-04-01", "2025-06-30", false, "2030-01-01", s, d), 0);
	assert_string_equal(s, "2025-04-01");
	assert_string_equal(d, "2025-06-30");
	assert_int_equal(training_cycle("bad", "2025-06-30", false, "2030-01-01", s, d), -1);
}

/* The tree as text, to look for what must not be in it. */
static char *tree_text(const char *md)
{
	json_t *doc = training_markdown(md);
	char *s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

static void markdown_carries_no_markup(void **state)
{
	(void)state;
	char *s =
		tree_text("# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
			  "text <b onclick=x>bold</b> [bad](javascript:alert(1)) "
			  "[ok](https://example.jp/a) ![pic](https://evil.example/x.png)\n");
	assert_non_null(s);
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "onerror"));
	assert_null(strstr(s, "onclick"));
	assert_null(strstr(s, "javascript:"));
	assert_null(strstr(s, "evil.example")); /* images are not fetched */
	assert_non_null(strstr(s, "\"href\":\"https://example.jp/a\""));
	assert_non_null(strstr(s, "\"t\":\"heading\""));
	free(s);
	/* Deep nesting is flattened, not recursed into. */
	char deep[20001];
	memset(deep, '>', 20000);
	deep[20000] = '\0';
	s = tree_text(deep);
	assert_non_null(s);
	free(s);
	s = tree_text(NULL);
	assert_string_equal(s, "{\"t\":\"document\",\"c\":[]}");
	free(s);
}

/* Same-site paths only as a browser reads them: no "\\" or "//" after the first "/", nothing a
 * browser drops (tab, line break) or trims. */
static void markdown_links_stay_on_site(void **state)
{
	(void)state;
	static const char *const off_site[] = {
		"[x](/\\evil.example/x)",    "[x](//evil.example/x)",
		"[x](</&#9;/evil.example>)", "[x](</&#10;/evil.example>)",
		"[x](/&#92;evil.example)",   "[x](&#32;//evil.example)",
		"[x](vbscript:msgbox)",      "[x](data:text/html,hi)",
	};
	for (size_t i = 0; i < sizeof(off_site) / sizeof(off_site[0]); i++) {
		char *s = tree_text(off_site[i]);
		print_message("%s -> %s\n", off_site[i], s);
		assert_null(strstr(s, "\"href\""));
		assert_non_null(strstr(s, "\"t\":\"span\""));
		free(s);
	}
	static const char *const kept[] = { "[x](/training/courses/1)", "[x](#top)",
					    "[x](https://example.jp/a?b=1)",
					    "[x](mailto:isms@example.jp)" };
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		char *s = tree_text(kept[i]);
		assert_non_null(strstr(s, "\"href\""));
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(draw_has_no_duplicates_and_exactly_n),
		cmocka_unit_test(draw_covers_every_topic_when_n_allows),
		cmocka_unit_test(draw_avoids_the_previous_attempt),
		cmocka_unit_test(draws_differ_between_attempts),
		cmocka_unit_test(pass_mark_exactly_80_passes),
		cmocka_unit_test(grading_maps_shown_choices_back),
		cmocka_unit_test(retake_rules),
		cmocka_unit_test(recurrence_dates),
		cmocka_unit_test(markdown_carries_no_markup),
		cmocka_unit_test(markdown_links_stay_on_site),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
