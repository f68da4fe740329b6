/* test_bodybudget.c: the shared request body budget: reservations up to the
 * limit, refusals past it that take nothing, and every byte given back. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bodybudget.h"

static void
test_budget_refuses_past_the_limit_and_takes_nothing(void **state)
{
	struct bodybudget b;

	(void)state;
	bodybudget_init(&b, 1000);
	assert_true(bodybudget_take(&b, 300));
	assert_true(bodybudget_take(&b, 300));
	assert_true(bodybudget_take(&b, 300));
	assert_int_equal(bodybudget_used(&b), 900);
	assert_false(bodybudget_take(&b, 300));
	assert_int_equal(bodybudget_used(&b), 900);
	assert_true(bodybudget_take(&b, 100));
	assert_false(bodybudget_take(&b, 1));
	/* Larger than the whole budget, and sizes that would wrap. */
	bodybudget_give(&b, 1000);
	assert_false(bodybudget_take(&b, 1001));
	assert_false(bodybudget_take(&b, (size_t)-1));
	assert_int_equal(bodybudget_used(&b), 0);
}

static void
test_budget_comes_back_to_zero(void **state)
{
	struct bodybudget b;
	int		 i;

	(void)state;
	bodybudget_init(&b, 1 << 20);
	for (i = 0; i < 100; i++)
		assert_true(bodybudget_take(&b, 1000));
	for (i = 0; i < 100; i++)
		bodybudget_give(&b, 1000);
	assert_int_equal(bodybudget_used(&b), 0);
	assert_true(bodybudget_take(&b, 1 << 20));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_refuses_past_the_limit_and_takes_nothing),
		cmocka_unit_test(test_budget_comes_back_to_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
