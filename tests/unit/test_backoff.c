/* test_backoff.c: full-jitter exponential backoff with injected randomness,
 * the cap, and the retry budget. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backoff.h"

static uint64_t
fixed_rand(void *arg)
{
	return *(uint64_t *)arg;
}

static void
test_ceiling_doubles_to_cap(void **state)
{
	uint64_t	r = 0;
	struct backoff	b = { 1000, 30000, 0, fixed_rand, &r };

	(void)state;
	/* r = ceiling gives the ceiling itself: 1s, 2s, 4s, ... capped at 30s. */
	r = 1000;  assert_int_equal(backoff_delay(&b, 1), 1000);
	r = 2000;  assert_int_equal(backoff_delay(&b, 2), 2000);
	r = 4000;  assert_int_equal(backoff_delay(&b, 3), 4000);
	r = 16000; assert_int_equal(backoff_delay(&b, 5), 16000);
	r = 30000; assert_int_equal(backoff_delay(&b, 6), 30000);
	r = 30000; assert_int_equal(backoff_delay(&b, 60), 30000);
	/* Full jitter: draws wrap into [0, ceiling]. */
	r = 1001;  assert_int_equal(backoff_delay(&b, 1), 0);
	r = 1500;  assert_int_equal(backoff_delay(&b, 1), 499);
	r = 0;     assert_int_equal(backoff_delay(&b, 9), 0);
	r = 30001 + 1234; assert_int_equal(backoff_delay(&b, 9), 1234);
}

static void
test_defaults(void **state)
{
	uint64_t	r = 300000;
	struct backoff	b = { 0, 0, 0, fixed_rand, &r };

	(void)state;
	assert_int_equal(backoff_delay(&b, 100), 300000);
	r = 1000;
	assert_int_equal(backoff_delay(&b, 1), 1000);
	assert_true(backoff_within_budget(&b, 0, 86400000));
	assert_false(backoff_within_budget(&b, 0, 86400001));
	b.budget_ms = 60000;
	assert_true(backoff_within_budget(&b, 1000, 61000));
	assert_false(backoff_within_budget(&b, 1000, 61001));
}

/* The real PRNG stays within the ceiling. */
static void
test_system_random_in_range(void **state)
{
	struct backoff b = { 100, 400, 0, NULL, NULL };

	(void)state;
	for (int i = 0; i < 200; i++) {
		int64_t d = backoff_delay(&b, 3);

		assert_true(d >= 0 && d <= 400);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ceiling_doubles_to_cap),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_system_random_in_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
