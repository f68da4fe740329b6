/* test_store_receipts.c: the store's receipts (put, due by next_poll,
 * later, a group's cancel, drop), the acknowledgements of groups and the
 * escalation timers, kept across a reopen. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store.h"
#include "storetest.h"

#define T0	INT64_C(1795441725000)	/* 2026-11-23T13:48:45Z */

struct fixture {
	char		 dir[64];
	int64_t		 now;
	struct store	*s;
};

static int64_t
fake_clock(void *arg)
{
	return ((struct fixture *)arg)->now;
}

static void
reopen(struct fixture *f)
{
	struct store_params	 p;
	struct terr		 err;

	store_close(f->s);
	memset(&p, 0, sizeof(p));
	storetest_params(&p, f->dir);
	p.clock = fake_clock;
	p.clock_arg = f;
	if ((f->s = store_open(&p, &err)) == NULL)
		fail_msg("store_open: %s", err.msg);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_store_receipts.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->now = T0;
	storetest_reset();
	reopen(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 path[128];
	const char	*names[] = { "queue.db", "queue.db-wal", "queue.db-shm" };

	store_close(f->s);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, names[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
put(struct store *s, const char *receipt, const char *receiver,
    const char *group, int64_t next_poll)
{
	struct store_receipt	 r = { (char *)receipt, (char *)receiver,
	    (char *)"pushover/0", (char *)group, T0 + 3600000, next_poll, false };
	struct terr		 err;

	if (store_receipt_put(s, &r, &err) == -1)
		fail_msg("put: %s", err.msg);
}

/* "receipt:cancel" of the due receipts at now, soonest first. */
static void
due_is(struct store *s, int64_t now, size_t max, const char *want)
{
	struct store_receipt	*r;
	struct terr		 err;
	char			 got[256] = "";
	size_t			 n, o = 0;

	if (store_receipt_due(s, now, max, &r, &n, &err) == -1)
		fail_msg("due: %s", err.msg);
	for (size_t i = 0; i < n; i++) {
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s:%d",
		    i ? " " : "", r[i].receipt, r[i].cancel);
		assert_string_equal(r[i].integration, "pushover/0");
		assert_int_equal(r[i].expires, T0 + 3600000);
	}
	store_receipts_free(r, n);
	assert_string_equal(got, want);
}

static void
test_receipts_due_later_cancel_drop(void **state)
{
	struct fixture	*f = *state;
	struct terr	 err;

	put(f->s, "rA", "team", "{}:{alertname=\"A\"}", T0 + 5000);
	put(f->s, "rB", "team", "{}:{alertname=\"B\"}", T0 + 1000);
	put(f->s, "rC", "ops", "{}:{alertname=\"A\"}", T0 + 9000);
	due_is(f->s, T0, 10, "");
	due_is(f->s, T0 + 5000, 10, "rB:0 rA:0");
	due_is(f->s, T0 + 5000, 1, "rB:0");
	assert_int_equal(store_receipt_later(f->s, "rB", T0 + 20000, &err), 0);
	due_is(f->s, T0 + 10000, 10, "rA:0 rC:0");
	/* Group A of team resolved: its receipt is due now, to be cancelled;
	 * the same group key of another receiver is not touched. */
	f->now = T0 + 2000;
	assert_int_equal(store_receipt_cancel_group(f->s, "team",
	    "{}:{alertname=\"A\"}", &err), 0);
	due_is(f->s, T0 + 2000, 10, "rA:1");
	/* Put again (a message sent twice): replaced, not doubled. */
	put(f->s, "rC", "ops", "{}:{alertname=\"A\"}", T0 + 1000);
	assert_int_equal(store_receipt_drop(f->s, "rA", &err), 0);
	assert_int_equal(store_receipt_drop(f->s, "nothing", &err), 0);
	due_is(f->s, T0 + 30000, 10, "rC:0 rB:0");
	reopen(f);
	due_is(f->s, T0 + 30000, 10, "rC:0 rB:0");
	due_is(f->s, T0 + 30000, 0, "");
}

static void
test_group_ack_kept_and_replaced(void **state)
{
	struct fixture	*f = *state;
	struct terr	 err;
	char		*by;
	int64_t		 at = 0;
	int		 found;

	assert_int_equal(store_group_acked(f->s, "team", "g", &by, &at, &found,
	    &err), 0);
	assert_int_equal(found, 0);
	assert_null(by);
	assert_int_equal(store_ack_put(f->s, "team", "g", "pushover:phone",
	    T0 + 1, &err), 0);
	assert_int_equal(store_ack_put(f->s, "team", "g", "pushover:tablet",
	    T0 + 2, &err), 0);
	reopen(f);
	assert_int_equal(store_group_acked(f->s, "team", "g", &by, &at, &found,
	    &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(by, "pushover:tablet");
	assert_int_equal(at, T0 + 2);
	free(by);
	assert_int_equal(store_group_acked(f->s, "ops", "g", &by, &at, &found,
	    &err), 0);
	assert_int_equal(found, 0);
}

/* A notification's timer change: a body starting with "r" is a resolved
 * one. */
static void
esc_timer(struct store *s, const char *receiver, const char *group,
    const char *body, int64_t first_ms)
{
	struct store_timer	 t = { .receiver = receiver, .group_key = group,
	    .body = body, .resolved = body[0] == 'r', .first_ms = first_ms,
	    .escalate_to = "oncall" };
	struct terr		 err;

	if (store_enqueue_timers(s, NULL, 0, 0, NULL, &t, 1, &err) == -1)
		fail_msg("timer: %s", err.msg);
}

/* A step taken on the timer that started at since. */
static void
esc_update(struct store *s, const char *receiver, const char *group,
    int64_t since, int64_t next_at, int64_t repeats, bool escalated)
{
	struct store_escalation	 e = { .receiver = (char *)receiver,
	    .group_key = (char *)group, .since = since, .next_at = next_at,
	    .repeats = repeats, .escalated = escalated };
	struct terr		 err;

	if (store_escalation_update(s, &e, &err) == -1)
		fail_msg("update: %s", err.msg);
}

/* The escalator's drop of the timer that started at since. */
static void
esc_drop(struct store *s, const char *receiver, const char *group,
    int64_t since)
{
	struct store_escalation	 e = { .receiver = (char *)receiver,
	    .group_key = (char *)group, .since = since };
	struct terr		 err;

	if (store_escalation_drop(s, &e, &err) == -1)
		fail_msg("drop: %s", err.msg);
}

/* "receiver/group@since+next:repeats:escalated:body" of the due timers,
 * soonest first, times in seconds after T0; "!" after a resolved one's
 * body. */
static void
esc_due_is(struct store *s, int64_t now, size_t max, const char *want)
{
	struct store_escalation	*e;
	struct terr		 err;
	char			 got[512] = "";
	size_t			 n, o = 0;

	if (store_escalation_due(s, now, max, &e, &n, &err) == -1)
		fail_msg("due: %s", err.msg);
	for (size_t i = 0; i < n; i++) {
		char next[24] = "never";

		if (e[i].next_at != STORE_NEVER)
			snprintf(next, sizeof(next), "%" PRId64,
			    (e[i].next_at - T0) / 1000);
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s/%s@%" PRId64
		    "+%s:%" PRId64 ":%d:%s%s", i ? " " : "", e[i].receiver,
		    e[i].group_key, (e[i].since - T0) / 1000, next,
		    e[i].repeats, e[i].escalated, e[i].body,
		    e[i].resolved ? "!" : "");
	}
	store_escalations_free(e, n);
	assert_string_equal(got, want);
}

/* A firing notification starts a timer at the store's clock; a repeated
 * one keeps its times and takes its body; steps update it; it is kept
 * across a reopen. */
static void
test_escalations_start_step_reopen(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(store_steady_now(f->s), T0);
	esc_timer(f->s, "pager", "g1", "a", 300000);
	f->now = T0 + 10000;
	esc_timer(f->s, "pager", "g2", "b", 60000);
	esc_timer(f->s, "other", "g1", "c", 900000);
	esc_due_is(f->s, T0 + 69999, 10, "");
	esc_due_is(f->s, T0 + 300000, 10,
	    "pager/g2@10+70:0:0:b pager/g1@0+300:0:0:a");
	esc_due_is(f->s, T0 + 300000, 1, "pager/g2@10+70:0:0:b");
	/* Alertmanager's repeat_interval: the same group fires again. */
	f->now = T0 + 20000;
	esc_timer(f->s, "pager", "g1", "a2", 300000);
	esc_update(f->s, "pager", "g2", T0 + 10000, T0 + 130000, 1, true);
	esc_due_is(f->s, T0 + 300000, 10,
	    "pager/g2@10+130:1:1:b pager/g1@0+300:0:0:a2");
	esc_update(f->s, "pager", "g2", T0 + 10000, STORE_NEVER, 1, true);
	reopen(f);
	esc_due_is(f->s, T0 + 910000, 10,
	    "pager/g1@0+300:0:0:a2 other/g1@10+910:0:0:c");
	esc_drop(f->s, "other", "g1", T0);	/* not the one that started */
	esc_drop(f->s, "pager", "none", T0);
	esc_due_is(f->s, T0 + 910000, 10,
	    "pager/g1@0+300:0:0:a2 other/g1@10+910:0:0:c");
	esc_drop(f->s, "other", "g1", T0 + 10000);
	esc_due_is(f->s, STORE_NEVER, 10,
	    "pager/g1@0+300:0:0:a2 pager/g2@10+never:1:1:b");
}

/* A resolved notification drops its group's timer and acknowledgements
 * (the receiver's and the escalation receiver's); a step read before that
 * changes nothing after it, nor a new firing's timer. A timer that
 * escalated is kept, resolved and due at once, until the escalator drops
 * it; a firing before that starts a new one. */
static void
test_escalations_resolved_drops_timer_and_ack(void **state)
{
	struct fixture	*f = *state;
	struct terr	 err;
	char		*by = NULL;
	int64_t		 at;
	int		 found;

	esc_timer(f->s, "pager", "g1", "a", 60000);
	esc_timer(f->s, "pager", "g2", "b", 60000);
	esc_timer(f->s, "pager", "g3", "c", 60000);
	esc_update(f->s, "pager", "g3", T0, T0 + 120000, 1, true);
	assert_int_equal(store_ack_put(f->s, "pager", "g1", "alice", T0 + 5000,
	    &err), 0);
	assert_int_equal(store_ack_put(f->s, "pager", "g2", "bob", T0 + 5000,
	    &err), 0);
	assert_int_equal(store_ack_put(f->s, "oncall", "g1", "pushover:phone",
	    T0 + 5000, &err), 0);
	assert_int_equal(store_ack_put(f->s, "oncall", "g2", "pushover:phone",
	    T0 + 5000, &err), 0);
	f->now = T0 + 70000;
	esc_timer(f->s, "pager", "g1", "r1", 0);
	esc_timer(f->s, "pager", "g3", "r3", 0);
	esc_update(f->s, "pager", "g1", T0, T0 + 120000, 1, false);
	esc_update(f->s, "pager", "g3", T0, T0 + 180000, 2, true);
	esc_due_is(f->s, T0 + 120000, 10,
	    "pager/g2@0+60:0:0:b pager/g3@0+70:1:1:r3!");
	assert_int_equal(store_group_acked(f->s, "pager", "g1", &by, &at,
	    &found, &err), 0);
	assert_int_equal(found, 0);
	assert_int_equal(store_group_acked(f->s, "oncall", "g1", &by, &at,
	    &found, &err), 0);
	assert_int_equal(found, 0);
	assert_int_equal(store_group_acked(f->s, "pager", "g2", &by, &at,
	    &found, &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(by, "bob");
	free(by);
	assert_int_equal(store_group_acked(f->s, "oncall", "g2", &by, &at,
	    &found, &err), 0);
	assert_int_equal(found, 1);
	free(by);
	/* Firing anew: a new timer, which the old step does not touch. */
	f->now = T0 + 80000;
	esc_timer(f->s, "pager", "g1", "a3", 60000);
	esc_update(f->s, "pager", "g1", T0, STORE_NEVER, 1, false);
	esc_due_is(f->s, T0 + 140000, 10,
	    "pager/g2@0+60:0:0:b pager/g3@0+70:1:1:r3! pager/g1@80+140:0:0:a3");
	esc_drop(f->s, "pager", "g3", T0);
	f->now = T0 + 90000;
	esc_timer(f->s, "pager", "g2", "r2", 0);
	esc_timer(f->s, "pager", "g4", "d", 60000);
	esc_update(f->s, "pager", "g4", T0 + 90000, T0 + 150000, 1, true);
	esc_timer(f->s, "pager", "g4", "r4", 0);
	/* Fired again before the escalator told the escalation receiver. */
	f->now = T0 + 95000;
	esc_timer(f->s, "pager", "g4", "e", 60000);
	esc_due_is(f->s, STORE_NEVER - 1, 10,
	    "pager/g1@80+140:0:0:a3 pager/g4@95+155:0:0:e");
}

/* An escalation step's messages are stored only while their timer runs:
 * once a resolved notification ended it, the step is stale. */
static void
test_escalation_step_stored_only_while_its_timer_runs(void **state)
{
	struct fixture		*f = *state;
	struct store_escalation	 t = { .receiver = "team", .group_key = "g1",
	    .since = T0 };
	struct store_msg	 m = { .receiver = "team", .integration = "telegram/0",
	    .dest = "tg:1:A", .payload = "repeat", .payload_len = 6 };
	struct store_ack	 ack;
	int64_t			 c[STORE_NSTATES];
	struct terr		 err;

	esc_timer(f->s, "team", "g1", "firing", 60000);
	assert_int_equal(store_enqueue_step(f->s, &m, 1, 0, &ack, &t, &err), 0);
	assert_int_equal(ack.verdict, STORE_ACCEPTED);
	/* Another timer of the group (since differs) is not this one. */
	t.since = T0 + 1;
	assert_int_equal(store_enqueue_step(f->s, &m, 1, 0, &ack, &t, &err), 0);
	assert_int_equal(ack.verdict, STORE_STALE);
	t.since = T0;
	esc_timer(f->s, "team", "g1", "resolved", 0);
	assert_int_equal(store_enqueue_step(f->s, &m, 1, 0, &ack, &t, &err), 0);
	assert_int_equal(ack.verdict, STORE_STALE);
	assert_int_equal(store_count(f->s, c, &err), 0);
	assert_int_equal(c[STORE_PENDING], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_receipts_due_later_cancel_drop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_ack_kept_and_replaced,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_escalations_start_step_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_escalations_resolved_drops_timer_and_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_escalation_step_stored_only_while_its_timer_runs, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
