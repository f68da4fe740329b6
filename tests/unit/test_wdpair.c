/* test_wdpair.c: the watchdog pair's signal queue and lease
 * (watchdog/wdpair.h): signals put by either watchdog come back to the
 * leader in the order taken, with their bodies byte for byte, and stay
 * until applied; rows queued together share a commit; a body is kept only as far as a check keeps it; one of two
 * holds the lease, and the other takes it when the first lets go. Runs under
 * tests/lib/with_pg.sh (unit/test_wdpair@pg); without TOCSIN_TEST_PG_URL it
 * exits 77, the skip of unit/test_wdpair. */
#include <pthread.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "storetest.h"
#include "wdpair.h"

struct pair {
	struct store	*st;
	struct wdpair	*p;
};

static int
setup(void **state)
{
	(void)state;
	storetest_reset();
	return 0;
}

static void
open_pair(struct pair *w, int64_t lease_ms)
{
	struct store_params	 sp;
	struct terr		 err;

	memset(&sp, 0, sizeof(sp));
	storetest_params(&sp, "/nonexistent");
	sp.lease_ms = lease_ms;
	if ((w->st = store_open(&sp, &err)) == NULL)
		fail_msg("store_open: %s", err.msg);
	if ((w->p = wdpair_open(storetest_url(), w->st, lease_ms, &err)) == NULL)
		fail_msg("wdpair_open: %s", err.msg);
}

static void
close_pair(struct pair *w)
{
	wdpair_close(w->p);
	store_close(w->st);
}

static void
put(struct pair *w, const char *name, enum wdpair_op op,
    enum check_signal_kind sig, const char *rid, const char *body,
    size_t bodylen, const char *reason)
{
	struct wdpair_signal	 s;
	struct terr		 err;

	memset(&s, 0, sizeof(s));
	snprintf(s.name, sizeof(s.name), "%s", name);
	s.kind = CHECK_PING;
	s.op = op;
	s.sig = sig;
	snprintf(s.rid, sizeof(s.rid), "%s", rid);
	s.body = body;
	s.bodylen = bodylen;
	s.reason = reason;
	if (wdpair_put(w->p, &s, &err) == -1)
		fail_msg("wdpair_put: %s", err.msg);
}

static void
test_wdpair_signals_of_both_come_back_in_order_until_done(void **state)
{
	static const char body[] = "out\0put \xff\n";	/* as sent */
	struct pair		 a, b;
	struct wdpair_signal	*v;
	struct terr		 err;
	size_t			 n;

	(void)state;
	open_pair(&a, 3000);
	open_pair(&b, 3000);
	put(&a, "backup", WDPAIR_SIGNAL, CHECK_SIG_START,
	    "0b7a3c1e-1f3a-4c4e-9d7e-2a1b3c4d5e6f", "", 0, NULL);
	put(&b, "backup", WDPAIR_SIGNAL, CHECK_SIG_FAIL, "", body,
	    sizeof(body) - 1, "exit status 3");
	put(&a, "backup", WDPAIR_SIGNAL, CHECK_SIG_LOG, "", NULL, 0, NULL);
	put(&b, "nightly", WDPAIR_PAUSE, CHECK_SIG_SUCCESS, "", NULL, 0, NULL);

	assert_int_equal(wdpair_take(a.p, 3, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].name, "backup");
	assert_int_equal(v[0].kind, CHECK_PING);
	assert_int_equal(v[0].op, WDPAIR_SIGNAL);
	assert_int_equal(v[0].sig, CHECK_SIG_START);
	assert_string_equal(v[0].rid, "0b7a3c1e-1f3a-4c4e-9d7e-2a1b3c4d5e6f");
	assert_non_null(v[0].body);
	assert_int_equal(v[0].bodylen, 0);
	assert_null(v[0].reason);
	assert_int_equal(v[1].sig, CHECK_SIG_FAIL);
	assert_string_equal(v[1].rid, "");
	assert_int_equal(v[1].bodylen, sizeof(body) - 1);
	assert_memory_equal(v[1].body, body, sizeof(body) - 1);
	assert_string_equal(v[1].reason, "exit status 3");
	assert_int_equal(v[2].sig, CHECK_SIG_LOG);
	assert_null(v[2].body);
	assert_true(v[0].id < v[1].id && v[1].id < v[2].id);
	/* Applied, the first two go; the third stays for the next look. */
	assert_int_equal(wdpair_done(a.p, v, 2, &err), 0);
	wdpair_signals_free(v, n);

	assert_int_equal(wdpair_take(b.p, 10, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].sig, CHECK_SIG_LOG);
	assert_string_equal(v[1].name, "nightly");
	assert_int_equal(v[1].op, WDPAIR_PAUSE);
	assert_int_equal(wdpair_done(b.p, v, n, &err), 0);
	wdpair_signals_free(v, n);
	assert_int_equal(wdpair_take(a.p, 10, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	wdpair_signals_free(v, n);
	close_pair(&a);
	close_pair(&b);
}

/* Counts the done callbacks and the commits. */
struct counts {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 done, failed, commits;
};

static void
count_done(void *arg, const char *name, int rc, const struct terr *err)
{
	struct counts	*c = arg;

	(void)name;
	(void)err;
	pthread_mutex_lock(&c->mu);
	c->done++;
	if (rc == -1)
		c->failed++;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static void
count_commit(void *arg)
{
	struct counts	*c = arg;

	pthread_mutex_lock(&c->mu);
	c->commits++;
	pthread_mutex_unlock(&c->mu);
}

static void
test_wdpair_queued_puts_commit_together_in_order(void **state)
{
	struct counts		 c = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	    0, 0, 0 };
	struct pair		 a;
	struct wdpair_signal	 s, *v;
	struct terr		 err;
	char			 want[32];
	size_t			 n, i;

	(void)state;
	open_pair(&a, 3000);
	wdpair_on_commit(a.p, count_commit, &c);
	memset(&s, 0, sizeof(s));
	s.kind = CHECK_HEARTBEAT;
	for (i = 0; i < 200; i++) {
		snprintf(s.name, sizeof(s.name), "check%03zu", i);
		assert_int_equal(wdpair_put_async(a.p, &s, count_done, &c, &err), 0);
	}
	pthread_mutex_lock(&c.mu);
	while (c.done < 200)
		pthread_cond_wait(&c.cv, &c.mu);
	pthread_mutex_unlock(&c.mu);
	assert_int_equal(c.failed, 0);
	/* Queued faster than committed: fewer commits than rows. */
	assert_true(c.commits >= 1 && c.commits < 200);
	wdpair_on_commit(a.p, NULL, NULL);
	assert_int_equal(wdpair_take(a.p, 1000, &v, &n, &err), 0);
	assert_int_equal(n, 200);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "check%03zu", i);
		assert_string_equal(v[i].name, want);
		assert_int_equal(v[i].kind, CHECK_HEARTBEAT);
		assert_int_equal(v[i].sig, CHECK_SIG_SUCCESS);
		assert_null(v[i].body);
	}
	wdpair_signals_free(v, n);
	close_pair(&a);
}

static void
test_wdpair_long_body_kept_as_far_as_a_check_keeps_it(void **state)
{
	struct pair		 a;
	struct wdpair_signal	*v;
	struct terr		 err;
	char			*big;
	size_t			 n;

	(void)state;
	open_pair(&a, 3000);
	assert_non_null(big = malloc(100000));
	memset(big, 'x', 100000);
	put(&a, "verbose", WDPAIR_SIGNAL, CHECK_SIG_SUCCESS, "", big, 100000, NULL);
	assert_int_equal(wdpair_take(a.p, 10, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].bodylen, CHECK_MSG_MAX + 4);
	assert_memory_equal(v[0].body, big, CHECK_MSG_MAX + 4);
	wdpair_signals_free(v, n);
	free(big);
	close_pair(&a);
}

static void
test_wdpair_one_of_two_leads_and_the_other_takes_over(void **state)
{
	struct pair	 a, b;
	struct terr	 err;
	bool		 held;

	(void)state;
	open_pair(&a, 3000);
	open_pair(&b, 3000);
	assert_int_equal(wdpair_poll_ms(a.p), 1000);
	assert_int_equal(wdpair_lead(a.p, &held, &err), 0);
	assert_true(held);
	assert_int_equal(wdpair_lead(b.p, &held, &err), 0);
	assert_false(held);
	assert_int_equal(wdpair_lead(a.p, &held, &err), 0);
	assert_true(held);
	/* A watchdog that stops cleanly gives the lease up at once. */
	close_pair(&a);
	assert_int_equal(wdpair_lead(b.p, &held, &err), 0);
	assert_true(held);
	close_pair(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_wdpair_signals_of_both_come_back_in_order_until_done, setup),
		cmocka_unit_test_setup(test_wdpair_queued_puts_commit_together_in_order, setup),
		cmocka_unit_test_setup(test_wdpair_long_body_kept_as_far_as_a_check_keeps_it, setup),
		cmocka_unit_test_setup(test_wdpair_one_of_two_leads_and_the_other_takes_over, setup),
	};

	if (storetest_url() == NULL) {
		printf("SKIP: no TOCSIN_TEST_PG_URL (unit/test_wdpair@pg runs"
		    " these tests)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
