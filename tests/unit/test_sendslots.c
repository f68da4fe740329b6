/* test_sendslots.c: the dispatcher's admission rule: how many sends run at
 * once, the reserve no kind and no retries may take, and what that leaves
 * a fresh destination while others hang. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sendslots.h"

enum { TELEGRAM, SLACK, EMAIL, WEBHOOK };

/* Starts n sends of kind (retries or first attempts); each must be free. */
static void
start(struct send_slots *s, unsigned kind, bool retry, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		assert_true(send_slots_free(s, kind, retry));
		send_slots_take(s, kind, retry);
	}
}

static void
test_sendslots_default_is_64_with_16_reserved(void **state)
{
	struct send_slots	 s;

	(void)state;
	send_slots_init(&s, 0);
	assert_int_equal(s.max, 64);
	assert_int_equal(s.reserve, 16);
	send_slots_init(&s, 100000);
	assert_int_equal(s.max, SEND_SLOTS_MAX);
	send_slots_init(&s, 2);
	assert_int_equal(s.reserve, 1);
	send_slots_init(&s, 1);
	assert_int_equal(s.reserve, 0);
}

/* The case: 8 webhooks that never answer take 8 of 64 slots, and
 * the Telegram message behind them starts at once. */
static void
test_sendslots_eight_hung_webhooks_leave_the_phone_a_slot(void **state)
{
	struct send_slots	 s;

	(void)state;
	send_slots_init(&s, 0);
	start(&s, WEBHOOK, false, 8);
	assert_true(send_slots_free(&s, TELEGRAM, false));
	/* ...and when they time out and come back as retries, still. */
	for (unsigned i = 0; i < 8; i++)
		send_slots_put(&s, WEBHOOK, false);
	start(&s, WEBHOOK, true, 8);
	assert_true(send_slots_free(&s, TELEGRAM, false));
	assert_int_equal(s.busy, 8);
	assert_int_equal(s.retrying, 8);
}

/* One kind takes at most max - reserve slots, from its first attempt on:
 * a flood of hung webhooks never takes the phone's. */
static void
test_sendslots_one_kind_leaves_the_reserve(void **state)
{
	struct send_slots	 s;

	(void)state;
	send_slots_init(&s, 8);		/* reserve 2 */
	start(&s, WEBHOOK, false, 6);
	assert_false(send_slots_free(&s, WEBHOOK, false));
	assert_false(send_slots_free(&s, WEBHOOK, true));
	start(&s, TELEGRAM, false, 1);
	start(&s, SLACK, false, 1);
	/* All 8 in flight: nothing more, whatever its kind. */
	assert_false(send_slots_free(&s, EMAIL, false));
	send_slots_put(&s, TELEGRAM, false);
	assert_true(send_slots_free(&s, EMAIL, false));
	assert_false(send_slots_free(&s, WEBHOOK, false));
	send_slots_put(&s, WEBHOOK, false);
	assert_true(send_slots_free(&s, WEBHOOK, false));
}

/* Retries take at most max - reserve slots: once hung destinations of
 * several kinds have timed out, a message that has not failed finds a
 * slot, even of a kind that is hanging too. */
static void
test_sendslots_retries_leave_the_reserve(void **state)
{
	struct send_slots	 s;

	(void)state;
	send_slots_init(&s, 8);
	start(&s, WEBHOOK, true, 4);
	start(&s, SLACK, true, 2);
	assert_false(send_slots_free(&s, EMAIL, true));
	assert_false(send_slots_free(&s, SLACK, true));
	start(&s, SLACK, false, 1);
	start(&s, WEBHOOK, false, 1);
	assert_false(send_slots_free(&s, TELEGRAM, false));
	send_slots_put(&s, SLACK, false);
	/* A freed slot of the reserve goes to a first attempt only. */
	assert_false(send_slots_free(&s, TELEGRAM, true));
	assert_true(send_slots_free(&s, TELEGRAM, false));
	send_slots_put(&s, WEBHOOK, true);
	assert_true(send_slots_free(&s, EMAIL, true));
	assert_int_equal(s.busy, 6);
	assert_int_equal(s.retrying, 5);
	assert_int_equal(s.kind[WEBHOOK], 4);
	assert_int_equal(s.kind[SLACK], 2);
}

/* The most hung first attempts can do: fill every slot (two kinds or
 * more, first attempts) until their timeout; then they are retries and
 * the reserve is free again. */
static void
test_sendslots_full_of_first_attempts_frees_the_reserve_at_timeout(void **state)
{
	struct send_slots	 s;

	(void)state;
	send_slots_init(&s, 4);		/* reserve 1 */
	start(&s, WEBHOOK, false, 3);
	start(&s, SLACK, false, 1);
	assert_false(send_slots_free(&s, TELEGRAM, false));
	/* They time out one by one and their retries start again. */
	for (unsigned i = 0; i < 3; i++) {
		send_slots_put(&s, WEBHOOK, false);
		if (send_slots_free(&s, WEBHOOK, true))
			send_slots_take(&s, WEBHOOK, true);
	}
	send_slots_put(&s, SLACK, false);
	assert_false(send_slots_free(&s, SLACK, true));
	assert_true(send_slots_free(&s, TELEGRAM, false));
}

/* With one slot, one send at a time, a retry as any other. */
static void
test_sendslots_one_slot(void **state)
{
	struct send_slots	 s;

	(void)state;
	send_slots_init(&s, 1);
	start(&s, WEBHOOK, true, 1);
	assert_false(send_slots_free(&s, TELEGRAM, false));
	send_slots_put(&s, WEBHOOK, true);
	assert_true(send_slots_free(&s, TELEGRAM, true));
}

/* Kinds past the counted ones share the last count. */
static void
test_sendslots_many_kinds_share_the_last(void **state)
{
	struct send_slots	 s;

	(void)state;
	send_slots_init(&s, 8);
	start(&s, SEND_SLOTS_KINDS - 1, false, 3);
	start(&s, SEND_SLOTS_KINDS + 5, false, 3);
	assert_false(send_slots_free(&s, SEND_SLOTS_KINDS + 9, false));
	assert_true(send_slots_free(&s, TELEGRAM, false));
	send_slots_put(&s, SEND_SLOTS_KINDS + 5, false);
	assert_int_equal(s.kind[SEND_SLOTS_KINDS - 1], 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sendslots_default_is_64_with_16_reserved),
		cmocka_unit_test(test_sendslots_eight_hung_webhooks_leave_the_phone_a_slot),
		cmocka_unit_test(test_sendslots_one_kind_leaves_the_reserve),
		cmocka_unit_test(test_sendslots_retries_leave_the_reserve),
		cmocka_unit_test(test_sendslots_full_of_first_attempts_frees_the_reserve_at_timeout),
		cmocka_unit_test(test_sendslots_one_slot),
		cmocka_unit_test(test_sendslots_many_kinds_share_the_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
