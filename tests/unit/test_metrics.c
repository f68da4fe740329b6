/* test_metrics.c: the registry's exposition text, byte for byte. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "metrics.h"

static char *
expose(struct metrics *m)
{
	struct buf	 b;

	buf_init(&b, 0);
	assert_int_equal(metrics_write(m, &b), 0);
	return buf_steal(&b);
}

static void
test_metrics_counters_sorted_by_family_and_labels(void **state)
{
	static const char *const hl[] = { "handler", "code", NULL };
	struct metrics	*m = metrics_new(0);
	struct metric	*req, *info, *plain;
	char		*text;

	req = metrics_counter(m, "tocsin_http_requests_total", "Requests by handler and code.", hl);
	info = metrics_gauge(m, "tocsin_build_info", "Build information.",
	    (const char *const[]){ "version", NULL });
	plain = metrics_counter(m, "tocsin_a_total", "Help with \\ and\nnewline.", NULL);
	assert_non_null(req);
	assert_non_null(info);
	assert_non_null(plain);
	assert_null(metrics_counter(m, "tocsin_a_total", "dup", NULL));
	assert_int_equal(metric_add(req, (const char *const[]){ "/webhook", "200" }, 1), 0);
	assert_int_equal(metric_add(req, (const char *const[]){ "/metrics", "200" }, 1), 0);
	assert_int_equal(metric_add(req, (const char *const[]){ "/webhook", "200" }, 2), 0);
	assert_int_equal(metric_add(req, (const char *const[]){ "/webhook", "400" }, 1), 0);
	assert_int_equal(metric_add(req, (const char *const[]){ "a\"b\\c\nd", "200" }, 1234567), 0);
	assert_int_equal(metric_set(info, (const char *const[]){ "0.1.0" }, 1), 0);
	text = expose(m);
	assert_string_equal(text,
	    "# HELP tocsin_a_total Help with \\\\ and\\nnewline.\n"
	    "# TYPE tocsin_a_total counter\n"
	    "tocsin_a_total 0\n"
	    "# HELP tocsin_build_info Build information.\n"
	    "# TYPE tocsin_build_info gauge\n"
	    "tocsin_build_info{version=\"0.1.0\"} 1\n"
	    "# HELP tocsin_http_requests_total Requests by handler and code.\n"
	    "# TYPE tocsin_http_requests_total counter\n"
	    "tocsin_http_requests_total{code=\"200\",handler=\"/metrics\"} 1\n"
	    "tocsin_http_requests_total{code=\"200\",handler=\"/webhook\"} 3\n"
	    "tocsin_http_requests_total{code=\"200\",handler=\"a\\\"b\\\\c\\nd\"} 1.234567e+06\n"
	    "tocsin_http_requests_total{code=\"400\",handler=\"/webhook\"} 1\n");
	free(text);
	metrics_free(m);
}

static void
test_metrics_histogram_buckets_are_cumulative(void **state)
{
	static const double b[] = { 0.005, 0.25, 1, 10 };
	struct metrics	*m = metrics_new(0);
	struct metric	*h;
	char		*text;

	h = metrics_histogram(m, "tocsin_d_seconds", "Durations.",
	    (const char *const[]){ "handler", NULL }, b, 4);
	assert_non_null(h);
	/* A labelled family with no series yet is not written at all. */
	text = expose(m);
	assert_string_equal(text, "");
	free(text);
	assert_int_equal(metric_observe(h, (const char *const[]){ "/x" }, 0.005), 0);
	assert_int_equal(metric_observe(h, (const char *const[]){ "/x" }, 0.5), 0);
	assert_int_equal(metric_observe(h, (const char *const[]){ "/x" }, 20), 0);
	text = expose(m);
	assert_string_equal(text,
	    "# HELP tocsin_d_seconds Durations.\n"
	    "# TYPE tocsin_d_seconds histogram\n"
	    "tocsin_d_seconds_bucket{handler=\"/x\",le=\"0.005\"} 1\n"
	    "tocsin_d_seconds_bucket{handler=\"/x\",le=\"0.25\"} 1\n"
	    "tocsin_d_seconds_bucket{handler=\"/x\",le=\"1\"} 2\n"
	    "tocsin_d_seconds_bucket{handler=\"/x\",le=\"10\"} 2\n"
	    "tocsin_d_seconds_bucket{handler=\"/x\",le=\"+Inf\"} 3\n"
	    "tocsin_d_seconds_sum{handler=\"/x\"} 20.505\n"
	    "tocsin_d_seconds_count{handler=\"/x\"} 3\n");
	free(text);
	metrics_free(m);
}

static void
test_metrics_series_cap_drops_new_series(void **state)
{
	struct metrics	*m = metrics_new(2);
	struct metric	*c;
	char		*text;

	c = metrics_counter(m, "c_total", "C.", (const char *const[]){ "k", NULL });
	assert_int_equal(metric_add(c, (const char *const[]){ "a" }, 1), 0);
	assert_int_equal(metric_add(c, (const char *const[]){ "b" }, 1), 0);
	assert_int_equal(metric_add(c, (const char *const[]){ "c" }, 1), -1);
	/* Existing series still count. */
	assert_int_equal(metric_add(c, (const char *const[]){ "a" }, 0.5), 0);
	text = expose(m);
	assert_string_equal(text,
	    "# HELP c_total C.\n"
	    "# TYPE c_total counter\n"
	    "c_total{k=\"a\"} 1.5\n"
	    "c_total{k=\"b\"} 1\n");
	free(text);
	metrics_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_counters_sorted_by_family_and_labels),
		cmocka_unit_test(test_metrics_histogram_buckets_are_cumulative),
		cmocka_unit_test(test_metrics_series_cap_drops_new_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
