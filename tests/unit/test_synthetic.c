/* test_synthetic.c: notifications tocsin makes itself have Alertmanager's
 * webhook shape exactly, byte for byte once serialised. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "payload.h"
#include "synthetic.h"

static void
test_synthetic_is_alertmanagers_webhook_shape(void **state)
{
	struct notification	*n;
	struct kv		 labels, ann;
	struct tstamp		 t;
	struct terr		 err;
	char			*json;

	(void)state;
	kv_init(&labels);
	kv_init(&ann);
	assert_int_equal(kv_set(&labels, "severity", "info"), 0);
	assert_int_equal(kv_set(&labels, "alertname", "Say \"hi\""), 0);
	assert_int_equal(kv_set(&ann, "summary", "<b>&</b>"), 0);
	assert_int_equal(tstamp_parse_rfc3339("2026-11-23T13:49:41.313Z", &t, &err), 0);
	n = synthetic_notification("team", &labels, &ann, &t, "http://am:9093", &err);
	assert_non_null(n);
	assert_non_null(json = payload_to_json(n, &err));
	assert_string_equal(json,
	    "{\"receiver\":\"team\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
	    "\"labels\":{\"alertname\":\"Say \\\"hi\\\"\",\"severity\":\"info\"},"
	    "\"annotations\":{\"summary\":\"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\"},"
	    "\"startsAt\":\"2026-11-23T13:49:41.313Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
	    /* FNV-1a of the sorted labels, as Prometheus computes it */
	    "\"generatorURL\":\"\",\"fingerprint\":\"3fba1ef04f6f4131\"}],"
	    "\"groupLabels\":{\"alertname\":\"Say \\\"hi\\\"\"},"
	    "\"commonLabels\":{\"alertname\":\"Say \\\"hi\\\"\",\"severity\":\"info\"},"
	    "\"commonAnnotations\":{\"summary\":\"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\"},"
	    "\"externalURL\":\"http://am:9093\",\"version\":\"4\","
	    "\"groupKey\":\"{}:{alertname=\\\"Say \\\\\\\"hi\\\\\\\"\\\"}\",\"truncatedAlerts\":0}");
	free(json);
	notification_free(n);
	kv_free(&labels);
	kv_free(&ann);
}

static void
test_synthetic_needs_an_alertname(void **state)
{
	struct kv	 labels;
	struct tstamp	 t;
	struct terr	 err;

	(void)state;
	kv_init(&labels);
	tstamp_zero(&t);
	assert_int_equal(kv_set(&labels, "severity", "info"), 0);
	assert_null(synthetic_notification("team", &labels, &labels, &t, "", &err));
	assert_string_equal(err.msg, "a notification needs an alertname label");
	kv_free(&labels);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic_is_alertmanagers_webhook_shape),
		cmocka_unit_test(test_synthetic_needs_an_alertname),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
