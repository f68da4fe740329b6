/* test_escplan.c: the steps of a group's escalation timer at fixed times:
 * repeats, the escalation once, missed repeats collapsed, a silenced group
 * skipping its repeats and holding its escalation. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "escplan.h"

#define T0	INT64_C(1795441725000)	/* 2026-11-23T13:48:45Z */
#define MIN	INT64_C(60000)

/* One step at T0 + at_s seconds: "repeat N", "escalate", both or "-", then
 * " next S" (seconds after T0, or "never"). */
static void
step_is(const struct receiver_escalate *e, struct store_escalation *t,
    int64_t at_s, bool silenced, const char *want)
{
	struct escplan_step	 s;
	char			 got[128], next[24] = "never";
	int			 o = 0;

	escplan_step(e, t, T0 + at_s * 1000, silenced, &s);
	if (s.repeat)
		o += snprintf(got + o, sizeof(got) - (size_t)o, "repeat %" PRId64
		    " ", s.repeat_no);
	if (s.escalate)
		o += snprintf(got + o, sizeof(got) - (size_t)o, "escalate ");
	if (o == 0)
		o += snprintf(got, sizeof(got), "- ");
	if (t->next_at != STORE_NEVER)
		snprintf(next, sizeof(next), "%" PRId64, (t->next_at - T0) / 1000);
	snprintf(got + o, sizeof(got) - (size_t)o, "next %s", next);
	assert_string_equal(got, want);
}

static void
test_first_is_the_earlier_step(void **state)
{
	struct receiver_escalate both = { 5 * MIN, 15 * MIN, NULL };
	struct receiver_escalate after_first = { 20 * MIN, 15 * MIN, NULL };
	struct receiver_escalate repeat_only = { 5 * MIN, 0, NULL };
	struct receiver_escalate after_only = { 0, 15 * MIN, NULL };

	(void)state;
	assert_int_equal(escplan_first_ms(&both), 5 * MIN);
	assert_int_equal(escplan_first_ms(&after_first), 15 * MIN);
	assert_int_equal(escplan_first_ms(&repeat_only), 5 * MIN);
	assert_int_equal(escplan_first_ms(&after_only), 15 * MIN);
}

/* The example: every 5 minutes, and at 15 the escalation with the
 * third repeat; repeats go on after it. */
static void
test_repeat_5m_escalate_15m(void **state)
{
	struct receiver_escalate e = { 5 * MIN, 15 * MIN, NULL };
	struct store_escalation	 t = { .since = T0, .next_at = T0 + 5 * MIN };

	(void)state;
	step_is(&e, &t, 300, false, "repeat 1 next 600");
	step_is(&e, &t, 600, false, "repeat 2 next 900");
	step_is(&e, &t, 900, false, "repeat 3 escalate next 1200");
	step_is(&e, &t, 1201, false, "repeat 4 next 1500");
	assert_int_equal(t.repeats, 4);
	assert_true(t.escalated);
	/* Early (a wake before the time): nothing, same time. */
	step_is(&e, &t, 1499, false, "- next 1500");
}

/* Down for 17 minutes: one repeat, numbered as the last one missed, and
 * the escalation. */
static void
test_missed_repeats_collapse(void **state)
{
	struct receiver_escalate e = { 5 * MIN, 15 * MIN, NULL };
	struct store_escalation	 t = { .since = T0, .next_at = T0 + 5 * MIN };

	(void)state;
	step_is(&e, &t, 1020, false, "repeat 3 escalate next 1200");
}

/* Escalation first, repeats later; an escalation alone ends the timer. */
static void
test_escalation_before_repeat_and_alone(void **state)
{
	struct receiver_escalate e = { 20 * MIN, 15 * MIN, NULL };
	struct receiver_escalate a = { 0, 15 * MIN, NULL };
	struct store_escalation	 t = { .since = T0, .next_at = T0 + 15 * MIN };
	struct store_escalation	 u = { .since = T0, .next_at = T0 + 15 * MIN };

	(void)state;
	step_is(&e, &t, 900, false, "escalate next 1200");
	step_is(&e, &t, 1200, false, "repeat 1 next 2400");
	step_is(&a, &u, 900, false, "escalate next never");
}

/* Silenced: repeats are skipped but counted, the escalation waits for the
 * first step that is not silenced. */
static void
test_silenced_skips_and_holds(void **state)
{
	struct receiver_escalate e = { 5 * MIN, 15 * MIN, NULL };
	struct receiver_escalate a = { 0, 15 * MIN, NULL };
	struct store_escalation	 t = { .since = T0, .next_at = T0 + 5 * MIN };
	struct store_escalation	 u = { .since = T0, .next_at = T0 + 15 * MIN };

	(void)state;
	step_is(&e, &t, 300, true, "- next 600");
	step_is(&e, &t, 900, true, "- next 1200");
	assert_int_equal(t.repeats, 3);
	assert_false(t.escalated);
	step_is(&e, &t, 1200, false, "repeat 4 escalate next 1500");
	step_is(&a, &u, 900, true, "- next 960");
	step_is(&a, &u, 960, false, "escalate next never");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_is_the_earlier_step),
		cmocka_unit_test(test_repeat_5m_escalate_15m),
		cmocka_unit_test(test_missed_repeats_collapse),
		cmocka_unit_test(test_escalation_before_repeat_and_alone),
		cmocka_unit_test(test_silenced_skips_and_holds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
