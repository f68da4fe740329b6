/* test_receipts.c: the receipt follower against the fake Pushover with the
 * store's clock injected: the book keeps a receipt with its first poll an
 * interval away; a round follows only the due ones; an acknowledgement is
 * recorded as the group's, counted and the receipt dropped; a resolved
 * group's receipt cancelled at the service; an expired one dropped without
 * a request; one whose integration left the config dropped. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config_cases.h"
#include "fake_client.h"
#include "metrics.h"
#include "receipts.h"
#include "sender_pushover.h"
#include "store.h"

#define T0	INT64_C(1795441725000)
#define TOKEN	"azGDORePK8gMaC0QOYAMyEEuzJnyUi"
#define USER	"uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
#define GROUP	"{}:{alertname=\"DiskFull\"}"

struct env {
	struct fake		 fake;
	struct config_fixture	*cf;
	struct config		*cfg;
	struct store		*store;
	struct metrics		*metrics;
	struct receipts		*r;
	struct sender_receipts	 book;
	int64_t			 now;
};

static int64_t
clock_of(void *arg)
{
	return ((struct env *)arg)->now;
}

/* receipts_lookup_fn over the test's config. */
static int
lookup(void *arg, const char *receiver, const char *integration,
    void (*fn)(void *farg, const struct sender_ops *ops, const void *cfg),
    void *farg)
{
	struct env		*e = arg;
	const struct receiver	*rcv = config_receiver(e->cfg, receiver);
	const struct sender_ops	*ops;
	const void		*cfg;

	if (rcv == NULL || sender_lookup(rcv, integration, &ops, &cfg) == -1)
		return -1;
	fn(farg, ops, cfg);
	return 0;
}

static int
setup(void **state)
{
	struct env		*e = calloc(1, sizeof(*e));
	struct store_params	 sp;
	struct receipts_params	 rp;
	struct terr		 err;
	void			*cf;
	char			 yaml[512];

	assert_non_null(e);
	assert_int_equal(fake_start(&e->fake, "fake_pushover.py", NULL), 0);
	e->cf = config_fixture_new(&cf, "test_receipts");
	snprintf(yaml, sizeof(yaml), "route:\n  receiver: team\nreceivers:\n"
	    "- name: team\n  pushover_configs:\n  - api_url: %s/1/messages.json\n"
	    "    token: " TOKEN "\n    user_key: " USER "\n", e->fake.base);
	e->cfg = config_must_load(e->cf->dir, yaml);
	e->now = T0;
	memset(&sp, 0, sizeof(sp));
	sp.path = e->cf->dir;
	sp.clock = clock_of;
	sp.clock_arg = e;
	if ((e->store = store_open(&sp, &err)) == NULL)
		fail_msg("store_open: %s", err.msg);
	assert_non_null(e->metrics = metrics_new(0));
	memset(&rp, 0, sizeof(rp));
	rp.store = e->store;
	rp.lookup = lookup;
	rp.lookup_arg = e;
	rp.timeout_ms = 5000;
	rp.metrics = e->metrics;
	if ((e->r = receipts_new(&rp, &err)) == NULL)
		fail_msg("receipts_new: %s", err.msg);
	receipts_book(&e->book, e->store);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;
	void		*cf = e->cf;

	receipts_free(e->r);
	store_close(e->store);
	metrics_free(e->metrics);
	config_free(e->cfg);
	fake_stop(&e->fake);
	config_fixture_teardown(&cf);
	free(e);
	return 0;
}

/* An emergency message at the fake, as the channel sends it; returns its
 * receipt into rc and keeps it through the book, expiring in expire_ms. */
static void
emergency(struct env *e, char rc[32], int64_t expire_ms)
{
	char			*s;
	struct pushover_answer	 a;
	struct terr		 err;

	/* In the query string, as Alertmanager sends it. */
	s = fake_call(&e->fake, "/1/messages.json?token=" TOKEN "&user=" USER
	    "&message=m&priority=2&retry=60&expire=3600", "");
	assert_non_null(s);
	assert_int_equal(pushover_answer_parse(s, strlen(s), &a), 0);
	free(s);
	assert_int_equal(strlen(a.receipt), 30);
	memcpy(rc, a.receipt, 31);
	assert_int_equal(e->book.opened(e->book.arg, "team", "pushover/0", GROUP,
	    rc, e->now + expire_ms, &err), 0);
}

/* Receipts kept in the store: "receipt:cancel" each. */
static void
kept_is(struct env *e, const char *want)
{
	struct store_receipt	*v;
	struct terr		 err;
	char			 got[256] = "";
	size_t			 n, o = 0;

	assert_int_equal(store_receipt_due(e->store, INT64_MAX, 16, &v, &n,
	    &err), 0);
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s:%d",
		    i ? " " : "", v[i].receipt, v[i].cancel);
	store_receipts_free(v, n);
	assert_string_equal(got, want);
}

static size_t
requests(struct env *e)
{
	json_t	*reqs = fake_requests(&e->fake);
	size_t	 n = json_array_size(reqs);

	json_decref(reqs);
	return n;
}

static void
test_receipt_acknowledged_becomes_the_groups(void **state)
{
	struct env	*e = *state;
	struct terr	 err;
	struct buf	 out;
	char		 rc[32], *by, *s;
	int64_t		 at;
	int		 found;

	emergency(e, rc, 3600000);
	kept_is(e, "r00000000000000000000000000001:0");
	/* Not due before an interval. */
	assert_int_equal(receipts_round(e->r), 0);
	e->now += RECEIPTS_INTERVAL_MS - 1;
	assert_int_equal(receipts_round(e->r), 0);
	assert_int_equal(requests(e), 1);
	e->now += 1;
	assert_int_equal(receipts_round(e->r), 1);
	assert_int_equal(requests(e), 2);
	/* Still open: next poll an interval later. */
	assert_int_equal(receipts_round(e->r), 0);
	s = fake_call(&e->fake, "/_fake/acknowledge", "{\"receipt\": "
	    "\"r00000000000000000000000000001\", \"device\": \"tablet\", "
	    "\"at\": 1795441790}");
	free(s);
	e->now += RECEIPTS_INTERVAL_MS;
	assert_int_equal(receipts_round(e->r), 1);
	kept_is(e, "");
	assert_int_equal(store_group_acked(e->store, "team", GROUP, &by, &at,
	    &found, &err), 0);
	assert_int_equal(found, 1);
	assert_string_equal(by, "pushover:tablet");
	assert_int_equal(at, INT64_C(1795441790000));
	free(by);
	buf_init(&out, 0);
	assert_int_equal(metrics_write(e->metrics, &out), 0);
	assert_non_null(strstr(buf_str(&out), "tocsin_receipts_acknowledged_total"
	    "{integration=\"pushover/0\",receiver=\"team\"} 1\n"));
	buf_free(&out);
	e->now += RECEIPTS_INTERVAL_MS;
	assert_int_equal(receipts_round(e->r), 0);
	assert_int_equal(requests(e), 3);
}

static void
test_receipt_cancelled_when_the_group_resolves(void **state)
{
	struct env	*e = *state;
	struct terr	 err;
	char		 rc[32], *s;
	json_t		*reqs;

	emergency(e, rc, 3600000);
	assert_int_equal(e->book.resolved(e->book.arg, "team", GROUP, &err), 0);
	kept_is(e, "r00000000000000000000000000001:1");
	/* Due at once, not an interval later. */
	assert_int_equal(receipts_round(e->r), 1);
	kept_is(e, "");
	reqs = fake_requests(&e->fake);
	assert_string_equal(fake_req_str(reqs, 1, "path"),
	    "/1/receipts/r00000000000000000000000000001/cancel.json");
	json_decref(reqs);
	s = fake_call(&e->fake, "/_fake/receipts", NULL);
	assert_non_null(strstr(s, "\"cancelled\":1"));
	free(s);
}

static void
test_receipt_expired_or_unconfigured_dropped(void **state)
{
	struct env	*e = *state;
	struct terr	 err;
	char		 rc[32];
	char		*by;
	int64_t		 at;
	int		 found;

	emergency(e, rc, 1000);
	e->now += RECEIPTS_INTERVAL_MS;
	assert_int_equal(receipts_round(e->r), 1);
	kept_is(e, "");
	/* Expired by the clock: no request for it. */
	assert_int_equal(requests(e), 1);
	/* Its integration is gone from the config. */
	assert_int_equal(e->book.opened(e->book.arg, "team", "pushover/3", GROUP,
	    "rGONE", e->now + 3600000, &err), 0);
	e->now += RECEIPTS_INTERVAL_MS;
	assert_int_equal(receipts_round(e->r), 1);
	kept_is(e, "");
	assert_int_equal(store_group_acked(e->store, "team", GROUP, &by, &at,
	    &found, &err), 0);
	assert_int_equal(found, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_receipt_acknowledged_becomes_the_groups,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_receipt_cancelled_when_the_group_resolves,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_receipt_expired_or_unconfigured_dropped,
		    setup, teardown),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
