/* test_ratelimit.c: token buckets on an injected clock: bursts, refill, the
 * wait reported, and that a refused take consumes nothing. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ratelimit.h"

static int64_t
fake_clock(void *arg)
{
	return *(int64_t *)arg;
}

static struct rl_want
want(const char *key, double per_sec, double burst)
{
	struct rl_want w;

	memset(&w, 0, sizeof(w));
	strcpy(w.key, key);
	w.rate.per_sec = per_sec;
	w.rate.burst = burst;
	return w;
}

/* 1/s per chat: the first goes, the second waits exactly 1000 ms. */
static void
test_one_per_second(void **state)
{
	int64_t			 now = 5000;
	struct ratelimit	*rl = ratelimit_new(fake_clock, &now);
	struct rl_want		 w = want("chat:1", 1, 1);

	(void)state;
	assert_int_equal(ratelimit_take(rl, &w, 1), 0);
	assert_int_equal(ratelimit_take(rl, &w, 1), 1000);
	now += 400;
	assert_int_equal(ratelimit_take(rl, &w, 1), 600);
	now += 599;
	assert_int_equal(ratelimit_take(rl, &w, 1), 1);
	now += 1;
	assert_int_equal(ratelimit_take(rl, &w, 1), 0);
	/* Another key has its own bucket. */
	w = want("chat:2", 1, 1);
	assert_int_equal(ratelimit_take(rl, &w, 1), 0);
	ratelimit_free(rl);
}

/* 20/min per group: a burst of 20, then one every 3 s. */
static void
test_group_burst(void **state)
{
	int64_t			 now = 0;
	struct ratelimit	*rl = ratelimit_new(fake_clock, &now);
	struct rl_want		 w = want("group:-100", 20.0 / 60.0, 20);

	(void)state;
	for (int i = 0; i < 20; i++)
		assert_int_equal(ratelimit_take(rl, &w, 1), 0);
	assert_int_equal(ratelimit_take(rl, &w, 1), 3000);
	now = 3000;
	assert_int_equal(ratelimit_take(rl, &w, 1), 0);
	assert_int_equal(ratelimit_take(rl, &w, 1), 3000);
	ratelimit_free(rl);
}

/* Chat and bot together: a refusal by one takes nothing from the other, and
 * the wait is the longer of the two. */
static void
test_all_or_nothing(void **state)
{
	int64_t			 now = 0;
	struct ratelimit	*rl = ratelimit_new(fake_clock, &now);
	struct rl_want		 a[2] = { want("chat:1", 1, 1), want("bot:9", 30, 30) };
	struct rl_want		 b[2] = { want("chat:2", 1, 1), want("bot:9", 30, 30) };
	struct rl_want		 bot = want("bot:9", 30, 30);

	(void)state;
	assert_int_equal(ratelimit_take(rl, a, 2), 0);
	/* chat:1 is empty: refused, and the bot bucket keeps its 29 tokens. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(rl, a, 2), 1000);
	for (int i = 0; i < 28; i++)
		assert_int_equal(ratelimit_take(rl, &bot, 1), 0);
	assert_int_equal(ratelimit_take(rl, b, 2), 0);
	/* Bot now empty: one token every 33.3 ms, rounded up. */
	assert_int_equal(ratelimit_take(rl, &bot, 1), 34);
	now = 1000;
	/* chat:1 is full again, the bot has refilled 30 in a second. */
	assert_int_equal(ratelimit_take(rl, a, 2), 0);
	ratelimit_free(rl);
}

/* A zero rate means no limit. */
static void
test_unlimited(void **state)
{
	int64_t			 now = 0;
	struct ratelimit	*rl = ratelimit_new(fake_clock, &now);
	struct rl_want		 w = want("x", 0, 0);

	(void)state;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ratelimit_take(rl, &w, 1), 0);
	ratelimit_free(rl);
}

/* ratelimit_done restarts the refill of a destination's bucket at the
 * answer, and leaves shared buckets alone. */
static void
test_done_restarts_refill(void **state)
{
	int64_t			 now = 0;
	struct ratelimit	*rl = ratelimit_new(fake_clock, &now);
	struct rl_want		 w[2] = { want("chat:1", 1, 1), want("bot:9", 1, 1) };
	struct rl_want		 other = want("bot:9", 1, 1);

	(void)state;
	w[1].shared = true;
	assert_int_equal(ratelimit_take(rl, w, 2), 0);
	now = 700;		/* the answer came 700 ms later */
	ratelimit_done(rl, w, 2);
	now = 1000;
	/* The chat refills from 700; the bot from 0. */
	assert_int_equal(ratelimit_take(rl, w, 2), 700);
	assert_int_equal(ratelimit_take(rl, &other, 1), 0);
	now = 1700;
	assert_int_equal(ratelimit_take(rl, w, 1), 0);
	ratelimit_free(rl);
}

/* What a shared side was asked: "take k1 k2" and "done k1" lines. */
struct calls {
	char	 log[512];
	int64_t	 answer;
};

static void
log_call(struct calls *c, const char *what, const struct rl_want *w, size_t n)
{
	size_t	 l = strlen(c->log);

	l += (size_t)snprintf(c->log + l, sizeof(c->log) - l, "%s", what);
	for (size_t i = 0; i < n; i++)
		l += (size_t)snprintf(c->log + l, sizeof(c->log) - l, " %s",
		    w[i].key);
	snprintf(c->log + l, sizeof(c->log) - l, "\n");
}

static int64_t
shared_take(void *arg, const struct rl_want *w, size_t n)
{
	struct calls *c = arg;

	log_call(c, "take", w, n);
	return c->answer;
}

static void
shared_done(void *arg, const struct rl_want *w, size_t n)
{
	log_call(arg, "done", w, n);
}

/* Shared, the buckets in memory are not used: takes go to the shared side
 * with the wants that have a rate, its answer (a wait, or -1: out of
 * reach) is the take's, and dones go with the wants that are not shared. */
static void
test_shared_side_gets_the_limited_wants(void **state)
{
	int64_t			 now = 0;
	struct ratelimit	*rl = ratelimit_new(fake_clock, &now);
	struct rl_want		 w[3] = { want("chat:1", 1, 1), want("free", 0, 0),
	    want("bot:9", 30, 30) };
	struct calls		 c = { "", 0 };
	struct rl_shared	 sh = { shared_take, shared_done, &c };

	(void)state;
	w[2].shared = true;
	ratelimit_share(rl, &sh);
	assert_int_equal(ratelimit_take(rl, w, 3), 0);
	assert_int_equal(ratelimit_take(rl, w, 3), 0);	/* not 1000: not ours */
	c.answer = 250;
	assert_int_equal(ratelimit_take(rl, w, 3), 250);
	c.answer = -1;
	assert_int_equal(ratelimit_take(rl, w, 3), -1);
	ratelimit_done(rl, w, 3);
	/* Nothing limited: no round trip. */
	assert_int_equal(ratelimit_take(rl, &w[1], 1), 0);
	ratelimit_done(rl, &w[2], 1);
	assert_string_equal(c.log, "take chat:1 bot:9\ntake chat:1 bot:9\n"
	    "take chat:1 bot:9\ntake chat:1 bot:9\ndone chat:1\n");
	ratelimit_free(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_per_second),
		cmocka_unit_test(test_group_burst),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_done_restarts_refill),
		cmocka_unit_test(test_shared_side_gets_the_limited_wants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
