/* test_dedup.c: the de-duplication key: its exact format, what changes it and
 * what must not. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dedup.h"
#include "fingerprint.h"

static void
add_alert(struct notification *n, enum alert_status st, const char *fp,
    int64_t sec, int32_t nsec, const char *name)
{
	struct alert *a;

	n->alerts = realloc(n->alerts, (n->nalerts + 1) * sizeof(*a));
	assert_non_null(n->alerts);
	a = &n->alerts[n->nalerts++];
	memset(a, 0, sizeof(*a));
	a->status = st;
	assert_int_equal(kv_set(&a->labels, "alertname", name), 0);
	tstamp_zero(&a->starts_at);
	a->starts_at.sec = sec;
	a->starts_at.nsec = nsec;
	strcpy(a->starts_at.zone, "UTC");
	tstamp_zero(&a->ends_at);
	a->generator_url = strdup("");
	a->fingerprint = strdup(fp);
}

/* Two alerts, listed in the opposite of their sorted order. */
static struct notification *
sample(void)
{
	struct notification *n = notification_new();

	assert_non_null(n);
	free(n->group_key);
	n->group_key = strdup("{}:{alertname=\"A\"}");
	n->status = ALERT_FIRING;
	add_alert(n, ALERT_FIRING, "aaaa000000000001", 1795441725, 500000000, "A");
	add_alert(n, ALERT_RESOLVED, "0000000000000002", 1795441700, 0, "B");
	return n;
}

static void
key_of(const char *receiver, const char *integration,
    const struct notification *n, char out[DEDUP_KEY_LEN + 1])
{
	struct terr err;

	assert_int_equal(dedup_key(receiver, integration, n, out, &err), 0);
	assert_int_equal(strlen(out), DEDUP_KEY_LEN);
}

/* The value is the SHA-256 of the byte string documented in dedup.h,
 * computed independently (Python's hashlib) from that description. */
static void
test_dedup_key_matches_documented_format(void **state)
{
	struct notification	*n = sample();
	char			 k[DEDUP_KEY_LEN + 1];

	key_of("team", "telegram/0", n, k);
	assert_string_equal(k,
	    "a249260626fd479c90df66e4d70fc78b2f5ce46635e78c507e6382a56d2c9283");
	notification_free(n);
}

/* The zero time (an alert without startsAt) is before the epoch: its
 * seconds are negative. Expected value from Python's hashlib as above. */
static void
test_dedup_key_of_the_zero_time(void **state)
{
	struct notification	*n = notification_new();
	char			 k[DEDUP_KEY_LEN + 1];

	(void)state;
	assert_non_null(n);
	free(n->group_key);
	n->group_key = strdup("{}:{}");
	n->status = ALERT_FIRING;
	add_alert(n, ALERT_FIRING, "0000000000000003", TSTAMP_ZERO_SEC, 0, "Z");
	key_of("team", "webhook/0", n, k);
	assert_string_equal(k,
	    "b0051d18507b56e1d54331e23aa67689d862eaae569c1835e5ff84df75d98917");
	notification_free(n);
}

static void
test_dedup_key_ignores_alert_order_endsat_and_zone(void **state)
{
	struct notification	*n = sample();
	struct alert		 tmp;
	char			 k[DEDUP_KEY_LEN + 1], want[DEDUP_KEY_LEN + 1];

	key_of("team", "telegram/0", n, want);
	tmp = n->alerts[0];
	n->alerts[0] = n->alerts[1];
	n->alerts[1] = tmp;
	key_of("team", "telegram/0", n, k);
	assert_string_equal(k, want);

	/* Alertmanager moves endsAt forward on every evaluation. */
	n->alerts[0].ends_at.sec = 1795442000;
	n->alerts[1].ends_at.sec = 1795443000;
	n->alerts[1].ends_at.nsec = 7;
	key_of("team", "telegram/0", n, k);
	assert_string_equal(k, want);

	/* The same instant written in another zone. */
	n->alerts[0].starts_at.off = 3600;
	strcpy(n->alerts[0].starts_at.zone, "CET");
	key_of("team", "telegram/0", n, k);
	assert_string_equal(k, want);

	/* external URL, labels and annotations are not part of the key. */
	free(n->external_url);
	n->external_url = strdup("http://am2:9093");
	assert_int_equal(kv_set(&n->common_labels, "x", "y"), 0);
	key_of("team", "telegram/0", n, k);
	assert_string_equal(k, want);
	notification_free(n);
}

static void
test_dedup_key_changes_with_every_keyed_field(void **state)
{
	struct notification	*n;
	char			 base[DEDUP_KEY_LEN + 1], k[DEDUP_KEY_LEN + 1];

	n = sample();
	key_of("team", "telegram/0", n, base);
	key_of("team2", "telegram/0", n, k);
	assert_string_not_equal(k, base);
	key_of("team", "telegram/1", n, k);
	assert_string_not_equal(k, base);
	/* Field boundaries are part of the encoding. */
	key_of("teamt", "elegram/0", n, k);
	assert_string_not_equal(k, base);

	free(n->group_key);
	n->group_key = strdup("{}:{alertname=\"B\"}");
	key_of("team", "telegram/0", n, k);
	assert_string_not_equal(k, base);
	notification_free(n);

	n = sample();
	n->status = ALERT_RESOLVED;
	key_of("team", "telegram/0", n, k);
	assert_string_not_equal(k, base);
	notification_free(n);

	n = sample();
	n->alerts[1].status = ALERT_FIRING;
	key_of("team", "telegram/0", n, k);
	assert_string_not_equal(k, base);
	notification_free(n);

	n = sample();
	n->alerts[0].starts_at.nsec = 500000001;
	key_of("team", "telegram/0", n, k);
	assert_string_not_equal(k, base);
	notification_free(n);

	n = sample();
	free(n->alerts[0].fingerprint);
	n->alerts[0].fingerprint = strdup("aaaa000000000003");
	key_of("team", "telegram/0", n, k);
	assert_string_not_equal(k, base);
	notification_free(n);

	/* One more alert. */
	n = sample();
	add_alert(n, ALERT_FIRING, "bbbb000000000004", 1795441725, 0, "C");
	key_of("team", "telegram/0", n, k);
	assert_string_not_equal(k, base);
	notification_free(n);
}

static void
test_dedup_key_computes_missing_fingerprint_from_labels(void **state)
{
	struct notification	*n = sample();
	char			 fp[17], k[DEDUP_KEY_LEN + 1], want[DEDUP_KEY_LEN + 1];

	fingerprint_labels(&n->alerts[0].labels, fp);
	free(n->alerts[0].fingerprint);
	n->alerts[0].fingerprint = strdup(fp);
	key_of("team", "telegram/0", n, want);
	free(n->alerts[0].fingerprint);
	n->alerts[0].fingerprint = strdup("");
	key_of("team", "telegram/0", n, k);
	assert_string_equal(k, want);
	notification_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dedup_key_matches_documented_format),
		cmocka_unit_test(test_dedup_key_of_the_zero_time),
		cmocka_unit_test(test_dedup_key_ignores_alert_order_endsat_and_zone),
		cmocka_unit_test(test_dedup_key_changes_with_every_keyed_field),
		cmocka_unit_test(test_dedup_key_computes_missing_fingerprint_from_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
