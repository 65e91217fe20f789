/* quiz.c — the rules of a quiz that need no database: drawing, shuffling, grading, the pass
 * mark, retakes and the dates of yearly cycles. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training.h"
#include "../../lib/timeutil.h"
#include "../../workflow/campaign.h"

uint32_t training_rand_sodium(void *ctx, uint32_t below)
{
	(void)ctx;
	return below ? randombytes_uniform(below) : 0;
}

void training_shuffle(size_t *a, size_t n, training_rand_fn rnd, void *ctx)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd(ctx, (uint32_t)i);
		size_t t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* --- drawing ------------------------------------------------------------------------------ */

/*
 * The pool is grouped by topic; inside a topic the questions are shuffled and those not seen
 * last time come first. Rounds then go over the topics (in a shuffled order):
 *   round 0   one question from each topic (new if the topic has one), so a 20-question quiz
 *             over 12 topics touches every topic;
 *   rounds 1… more new questions, a topic at a time;
 *   last      questions seen last time, only if the quiz still needs some.
 * The drawn questions are shuffled at the end, so topics do not come in blocks.
 */
size_t training_draw(const struct draw_item *pool, size_t count, size_t n, training_rand_fn rnd,
		     void *ctx, size_t *out)
{
	if (n > count)
		n = count;
	if (n == 0)
		return 0;
	/* Topics present, and each question's rank inside its topic. */
	int max_topic = -1;
	for (size_t i = 0; i < count; i++)
		if (pool[i].topic > max_topic)
			max_topic = pool[i].topic;
	size_t ntopics = (size_t)max_topic + 1;
	size_t *order = xcalloc(count, sizeof(*order));       /* questions grouped by topic */
	size_t *first = xcalloc(ntopics + 1, sizeof(*first)); /* group bounds in `order` */
	size_t *next = xcalloc(ntopics, sizeof(*next));       /* next unused in each group */
	size_t *topics = xcalloc(ntopics, sizeof(*topics));
	bool *taken = xcalloc(count, sizeof(*taken));
	for (size_t i = 0; i < count; i++)
		first[pool[i].topic + 1]++;
	for (size_t t = 0; t < ntopics; t++)
		first[t + 1] += first[t];
	for (size_t t = 0; t < ntopics; t++)
		next[t] = first[t];
	for (size_t i = 0; i < count; i++)
		order[next[pool[i].topic]++] = i;
	for (size_t t = 0; t < ntopics; t++) {
		size_t lo = first[t], len = first[t + 1] - lo;
		training_shuffle(order + lo, len, rnd, ctx);
		/* Stable partition: not-recent first. */
		size_t w = lo;
		for (size_t k = lo; k < lo + len; k++)
			if (!pool[order[k]].recent) {
				size_t v = order[k];
				memmove(order + w + 1, order + w, (k - w) * sizeof(*order));
				order[w++] = v;
			}
		next[t] = lo;
		topics[t] = t;
	}
	training_shuffle(topics, ntopics, rnd, ctx);

	size_t got = 0;
	/* pass 0: coverage; pass 1: new questions; pass 2: anything left. */
	for (int pass = 0; pass < 3 && got < n; pass++) {
		bool progress = true;
		while (got < n && progress) {
			progress = false;
			for (size_t k = 0; k < ntopics && got < n; k++) {
				size_t t = topics[k];
				if (next[t] >= first[t + 1])
					continue;
				size_t q = order[next[t]];
				if (pass == 1 && pool[q].recent)
					continue;
				next[t]++;
				taken[q] = true;
				out[got++] = q;
				progress = true;
			}
			if (pass == 0)
				break;
		}
	}
	training_shuffle(out, got, rnd, ctx);
	free(order);
	free(first);
	free(next);
	free(topics);
	free(taken);
	return got;
}

unsigned training_unshuffle(unsigned shown_mask, const size_t *order, size_t nchoices)
{
	unsigned m = 0;
	for (size_t k = 0; k < nchoices; k++)
		if (shown_mask & (1u << k))
			m |= 1u << order[k];
	return m;
}

/* --- grading ------------------------------------------------------------------------------ */

bool training_passes(int correct, int total, int pass_percent)
{
	if (total <= 0)
		return false;
	return (int64_t)correct * 100 >= (int64_t)pass_percent * total;
}

int training_score(int correct, int total)
{
	return total > 0 ? (int)((int64_t)correct * 100 / total) : 0;
}

enum start_rule training_may_start(int max_attempts, int used_this_year, bool has_open)
{
	if (has_open)
		return START_RESUME;
	if (max_attempts > 0 && used_this_year >= max_attempts)
		return START_LIMIT;
	return START_NEW;
}

/* --- dates -------------------------------------------------------------------------------- */

int training_cycle(const char *starts_on, const char *due_date, bool yearly, const char *today,
		   char start[11], char due[11])
{
	return campaign_cycle(starts_on, due_date, yearly ? "yearly" : "once", today, start, due);
}
