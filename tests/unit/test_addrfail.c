/* test_addrfail.c: per-address login backoff with an injected clock: free
 * failures, doubling waits up to the ceiling, other addresses untouched, a
 * success or a long quiet forgetting, and a full table forgetting the
 * address that failed longest ago. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "addrfail.h"

static void
test_waits_double_after_the_free_failures(void **state)
{
	struct addrfail	*t;
	int		 i;

	(void)state;
	assert_non_null(t = addrfail_new(0));
	for (i = 0; i < ADDRFAIL_FREE; i++) {
		addrfail_failed(t, "192.0.2.1", 1000);
		assert_int_equal(addrfail_wait(t, "192.0.2.1", 1000), 0);
	}
	addrfail_failed(t, "192.0.2.1", 1000);
	assert_int_equal(addrfail_wait(t, "192.0.2.1", 1000), 1000);
	assert_int_equal(addrfail_wait(t, "192.0.2.1", 1500), 500);
	assert_int_equal(addrfail_wait(t, "192.0.2.1", 2000), 0);
	addrfail_failed(t, "192.0.2.1", 2000);
	assert_int_equal(addrfail_wait(t, "192.0.2.1", 2000), 2000);
	addrfail_failed(t, "192.0.2.1", 4000);
	assert_int_equal(addrfail_wait(t, "192.0.2.1", 4000), 4000);
	for (i = 0; i < 20; i++)
		addrfail_failed(t, "192.0.2.1", 8000);
	assert_int_equal(addrfail_wait(t, "192.0.2.1", 8000), ADDRFAIL_MAX_MS);
	/* Others are not slowed down. */
	assert_int_equal(addrfail_wait(t, "192.0.2.2", 8000), 0);
	assert_int_equal(addrfail_wait(t, "2001:db8::1", 8000), 0);
	/* A success forgets. */
	addrfail_succeeded(t, "192.0.2.1");
	assert_int_equal(addrfail_wait(t, "192.0.2.1", 8000), 0);
	addrfail_free(t);
}

static void
test_a_long_quiet_starts_afresh(void **state)
{
	struct addrfail	*t;
	int		 i;

	(void)state;
	assert_non_null(t = addrfail_new(0));
	for (i = 0; i <= ADDRFAIL_FREE; i++)
		addrfail_failed(t, "192.0.2.1", 0);
	assert_int_equal(addrfail_wait(t, "192.0.2.1", 0), ADDRFAIL_BASE_MS);
	/* One failure after a long quiet is a first failure again. */
	addrfail_failed(t, "192.0.2.1", ADDRFAIL_FORGET_MS);
	assert_int_equal(addrfail_wait(t, "192.0.2.1", ADDRFAIL_FORGET_MS), 0);
	addrfail_free(t);
}

static void
test_full_table_forgets_the_oldest(void **state)
{
	struct addrfail	*t;
	char		 a[32];
	int		 i, k;

	(void)state;
	assert_non_null(t = addrfail_new(4));
	for (k = 0; k < 4; k++) {
		snprintf(a, sizeof(a), "192.0.2.%d", k);
		for (i = 0; i <= ADDRFAIL_FREE; i++)
			addrfail_failed(t, a, 100 + k);
	}
	/* A fifth address takes the slot of the one that failed first. */
	for (i = 0; i <= ADDRFAIL_FREE; i++)
		addrfail_failed(t, "192.0.2.9", 200);
	assert_int_equal(addrfail_wait(t, "192.0.2.0", 200), 0);
	assert_true(addrfail_wait(t, "192.0.2.1", 200) > 0);
	assert_true(addrfail_wait(t, "192.0.2.9", 200) > 0);
	/* An empty address (unknown peer) is not tracked. */
	for (i = 0; i < 10; i++)
		addrfail_failed(t, "", 300);
	assert_int_equal(addrfail_wait(t, "", 300), 0);
	addrfail_free(t);
}

static void
test_pending_checks_per_address_are_bounded(void **state)
{
	struct addrfail	*t;
	int		 i;

	(void)state;
	assert_non_null(t = addrfail_new(2));
	for (i = 0; i < ADDRFAIL_MAX_PENDING; i++)
		assert_true(addrfail_begin(t, "192.0.2.1", 0));
	assert_false(addrfail_begin(t, "192.0.2.1", 0));
	/* Another address has its own count. */
	assert_true(addrfail_begin(t, "192.0.2.2", 0));
	addrfail_end(t, "192.0.2.1");
	assert_true(addrfail_begin(t, "192.0.2.1", 0));
	/* A full table does not take the slot of an address with checks
	 * pending while an idle one can go: .2's check ends, .3 takes its
	 * slot, and .1 still counts its four. */
	addrfail_end(t, "192.0.2.2");
	assert_true(addrfail_begin(t, "192.0.2.3", 0));
	assert_false(addrfail_begin(t, "192.0.2.1", 0));
	/* Ends without a begin (slot reused) are ignored; so is "". */
	addrfail_end(t, "192.0.2.9");
	assert_true(addrfail_begin(t, "", 0));
	addrfail_end(t, "");
	for (i = 0; i < ADDRFAIL_MAX_PENDING; i++)
		addrfail_end(t, "192.0.2.1");
	/* A success keeps the count of checks still pending. */
	assert_true(addrfail_begin(t, "192.0.2.1", 0));
	addrfail_succeeded(t, "192.0.2.1");
	for (i = 1; i < ADDRFAIL_MAX_PENDING; i++)
		assert_true(addrfail_begin(t, "192.0.2.1", 0));
	assert_false(addrfail_begin(t, "192.0.2.1", 0));
	addrfail_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waits_double_after_the_free_failures),
		cmocka_unit_test(test_a_long_quiet_starts_afresh),
		cmocka_unit_test(test_full_table_forgets_the_oldest),
		cmocka_unit_test(test_pending_checks_per_address_are_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
