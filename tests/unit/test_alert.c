/* test_alert.c: label sets, RFC 3339 times and regrouped notifications. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alert.h"

static void
test_kv_set_keeps_names_sorted_and_replaces(void **state)
{
	struct kv kv;

	kv_init(&kv);
	assert_int_equal(kv_set(&kv, "severity", "warning"), 0);
	assert_int_equal(kv_set(&kv, "alertname", "A"), 0);
	assert_int_equal(kv_set(&kv, "job", "node"), 0);
	assert_int_equal(kv_set(&kv, "severity", "critical"), 0);
	assert_int_equal(kv.n, 3);
	assert_string_equal(kv.v[0].name, "alertname");
	assert_string_equal(kv.v[1].name, "job");
	assert_string_equal(kv.v[2].name, "severity");
	assert_string_equal(kv_get(&kv, "severity"), "critical");
	assert_null(kv_get(&kv, "instance"));
	kv_free(&kv);
}

static void
roundtrip(const char *in, const char *want)
{
	struct tstamp	t;
	struct terr	err;
	char		out[64];

	assert_int_equal(tstamp_parse_rfc3339(in, &t, &err), 0);
	tstamp_format_rfc3339(&t, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_tstamp_rfc3339_roundtrips_like_go(void **state)
{
	struct tstamp	t;
	struct terr	err;
	char		out[64];

	roundtrip("2026-11-23T13:49:41.313138618Z", "2026-11-23T13:49:41.313138618Z");
	roundtrip("2026-11-23T13:48:45Z", "2026-11-23T13:48:45Z");
	roundtrip("2026-11-23T13:48:45.500000000Z", "2026-11-23T13:48:45.5Z");
	roundtrip("2026-11-23T14:48:45+01:00", "2026-11-23T14:48:45+01:00");
	roundtrip("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z");
	roundtrip("2026-11-23T13:48:45.000000001-09:30", "2026-11-23T13:48:45.000000001-09:30");
	roundtrip("2026-11-23T13:48:45.120Z", "2026-11-23T13:48:45.12Z");
	roundtrip("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z");
	assert_int_equal(tstamp_parse_rfc3339("0001-01-01T00:00:00Z", &t, &err), 0);
	assert_true(tstamp_is_zero(&t));
	assert_int_equal(tstamp_parse_rfc3339("2026-11-23T14:48:45+01:00", &t, &err), 0);
	assert_int_equal(t.sec, 1795441725); /* 2026-11-23T13:48:45Z */
	/* Years outside four digits, as Go's Format writes them. */
	t.sec = 253402300800;		/* 10000-01-01T00:00:00Z */
	tstamp_format_rfc3339(&t, out, sizeof(out));
	assert_string_equal(out, "10000-01-01T01:00:00+01:00");
	/* A short buffer gets what fits. */
	tstamp_format_rfc3339(&t, out, 8);
	assert_string_equal(out, "10000-0");
	assert_int_equal(tstamp_parse_rfc3339("2026-02-29T00:00:00Z", &t, &err), -1);
	assert_string_equal(err.msg, "invalid RFC 3339 time 2026-02-29T00:00:00Z");
	assert_int_equal(tstamp_parse_rfc3339("2026-11-23 13:48:45Z", &t, &err), -1);
	assert_int_equal(tstamp_parse_rfc3339("2026-11-23T13:48:45", &t, &err), -1);
}

static void
add_alert(struct notification *n, enum alert_status st, const char *sev,
    const char *model, const char *summary)
{
	struct alert *a;

	n->alerts = realloc(n->alerts, (n->nalerts + 1) * sizeof(*a));
	a = &n->alerts[n->nalerts++];
	memset(a, 0, sizeof(*a));
	a->status = st;
	assert_int_equal(kv_set(&a->labels, "alertname", "HighLLMErrorRate"), 0);
	assert_int_equal(kv_set(&a->labels, "severity", sev), 0);
	assert_int_equal(kv_set(&a->labels, "model", model), 0);
	assert_int_equal(kv_set(&a->annotations, "summary", summary), 0);
	tstamp_zero(&a->starts_at);
	tstamp_zero(&a->ends_at);
	a->generator_url = strdup("");
	a->fingerprint = strdup("f");
}

static void
test_subset_recomputes_status_and_common_labels(void **state)
{
	struct notification	*n = notification_new(), *s;
	size_t			 idx[] = { 1, 2 };

	free(n->group_key);
	n->group_key = strdup("{}:{alertname=\"HighLLMErrorRate\"}");
	n->status = ALERT_FIRING;
	assert_int_equal(kv_set(&n->group_labels, "alertname", "HighLLMErrorRate"), 0);
	add_alert(n, ALERT_FIRING, "warning", "phi", "same");
	add_alert(n, ALERT_RESOLVED, "critical", "llama", "same");
	add_alert(n, ALERT_RESOLVED, "critical", "mistral", "same");

	s = notification_subset(n, idx, 2, "phone");
	assert_non_null(s);
	assert_string_equal(s->receiver, "phone");
	assert_int_equal(s->status, ALERT_RESOLVED);
	assert_int_equal(s->nalerts, 2);
	assert_string_equal(kv_get(&s->alerts[0].labels, "model"), "llama");
	assert_int_equal(s->common_labels.n, 2);
	assert_string_equal(kv_get(&s->common_labels, "severity"), "critical");
	assert_null(kv_get(&s->common_labels, "model"));
	assert_string_equal(kv_get(&s->common_annotations, "summary"), "same");
	assert_string_equal(s->group_key, "{}:{alertname=\"HighLLMErrorRate\"}");
	assert_string_equal(kv_get(&s->group_labels, "alertname"), "HighLLMErrorRate");
	notification_free(s);
	notification_free(n);
}

/* A subset of all alerts is its source when the source's derived fields
 * are its alerts'; any field that differs says no. */
static void
test_own_subset_only_when_nothing_would_change(void **state)
{
	struct notification	*n = notification_new(), *s;
	size_t			 idx[] = { 0, 1 };

	(void)state;
	add_alert(n, ALERT_FIRING, "warning", "phi", "same");
	add_alert(n, ALERT_RESOLVED, "critical", "llama", "same");
	/* As sent: status and common sets not filled in. */
	assert_false(notification_is_own_subset(n));
	s = notification_subset(n, idx, 2, n->receiver);
	assert_non_null(s);
	assert_true(notification_is_own_subset(s));

	s->status = ALERT_RESOLVED;		/* one alert still fires */
	assert_false(notification_is_own_subset(s));
	s->status = ALERT_FIRING;
	assert_int_equal(kv_set(&s->common_labels, "model", "phi"), 0);
	assert_false(notification_is_own_subset(s));	/* not common */
	kv_free(&s->common_labels);
	assert_false(notification_is_own_subset(s));	/* alertname missing */
	assert_int_equal(kv_set(&s->common_labels, "alertname",
	    "HighLLMErrorRate"), 0);
	assert_true(notification_is_own_subset(s));
	assert_int_equal(kv_set(&s->common_annotations, "summary", "other"), 0);
	assert_false(notification_is_own_subset(s));	/* another value */
	assert_int_equal(kv_set(&s->common_annotations, "summary", "same"), 0);
	assert_true(notification_is_own_subset(s));
	assert_int_equal(notification_add_link(s, "Silence", "https://x/"), 0);
	assert_false(notification_is_own_subset(s));	/* links are not copied */
	notification_free(s);

	/* No alerts: resolved, nothing in common. */
	s = notification_subset(n, idx, 0, "r");
	assert_non_null(s);
	assert_true(notification_is_own_subset(s));
	notification_free(s);
	notification_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv_set_keeps_names_sorted_and_replaces),
		cmocka_unit_test(test_tstamp_rfc3339_roundtrips_like_go),
		cmocka_unit_test(test_subset_recomputes_status_and_common_labels),
		cmocka_unit_test(test_own_subset_only_when_nothing_would_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
