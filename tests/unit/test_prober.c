/* test_prober.c: the freshness probe against the real Prometheus (answers,
 * errors and reasons as a user will read them), against a closed port and a
 * peer that never answers, and the judgement of answers Prometheus never
 * gives but a proxy or a broken server might. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "httpclient.h"
#include "prober.h"
#include "prom_server.h"

#define MIN	((int64_t)60 * 1000)

static struct prom_server prom;

static int
setup(void **state)
{
	struct terr err;

	(void)state;
	if (http_global_init(&err) == -1)
		return -1;
	return prom_server_start(&prom);
}

static int
teardown(void **state)
{
	(void)state;
	return prom_server_stop(&prom);
}

static void
probe_url(const char *url, const char *query, int64_t max_age_ms,
    int64_t timeout_ms, struct probe_result *r)
{
	struct wd_freshness f;

	memset(&f, 0, sizeof(f));
	f.prometheus_url = (char *)url;
	f.query = (char *)query;
	f.max_age_ms = max_age_ms;
	f.interval_ms = MIN;
	f.timeout_ms = timeout_ms;
	memset(r, 0xa5, sizeof(*r));
	prober_run(&f, r);
}

/* A query to the test's Prometheus with max_age 10m and a 10s timeout. */
static void
probe(const char *query, struct probe_result *r)
{
	probe_url(prom.url, query, 10 * MIN, 10000, r);
}

static void
expect(const struct probe_result *r, enum probe_status st, const char *reason)
{
	assert_string_equal(probe_status_name(r->status), probe_status_name(st));
	assert_string_equal(r->reason, reason);
}

static void
test_vector_within_max_age_is_fresh(void **state)
{
	struct probe_result r;

	(void)state;
	probe("vector(5)", &r);
	expect(&r, PROBE_FRESH, "{} is 5s old (max_age 10m)");
	assert_true(r.age_s == 5);
	/* max_age itself is still fresh. */
	probe("vector(600)", &r);
	expect(&r, PROBE_FRESH, "{} is 10m old (max_age 10m)");
	probe("vector(0.25)", &r);
	expect(&r, PROBE_FRESH, "{} is 250ms old (max_age 10m)");
}

static void
test_vector_over_max_age_is_stale(void **state)
{
	struct probe_result r;

	(void)state;
	probe("vector(1000)", &r);
	expect(&r, PROBE_STALE, "{} is 16m40s old (max_age 10m)");
	assert_true(r.age_s == 1000);
	probe("vector(600.001)", &r);
	expect(&r, PROBE_STALE, "{} is 10m1ms old (max_age 10m)");
	probe("vector(90061)", &r);
	expect(&r, PROBE_STALE, "{} is 1d1h1m1s old (max_age 10m)");
}

static void
test_scalar_result_is_judged(void **state)
{
	struct probe_result r;

	(void)state;
	probe("scalar(vector(7))", &r);
	expect(&r, PROBE_FRESH, "scalar result is 7s old (max_age 10m)");
	assert_true(r.age_s == 7);
	probe("scalar(vector(601))", &r);
	expect(&r, PROBE_STALE, "scalar result is 10m1s old (max_age 10m)");
	/* scalar() of no series is NaN. */
	probe("scalar(up{job=\"nope\"})", &r);
	expect(&r, PROBE_STALE, "scalar result is NaN, not an age (max_age 10m)");
}

static void
test_no_series_is_empty(void **state)
{
	struct probe_result r;

	(void)state;
	probe("up{job=\"nope\"}", &r);
	expect(&r, PROBE_EMPTY, "query returned no series");
	assert_true(isnan(r.age_s));
	/* The other style of query: series only when stale. */
	probe("vector(5) > 600", &r);
	expect(&r, PROBE_EMPTY, "query returned no series");
}

static void
test_nan_and_inf_are_stale(void **state)
{
	struct probe_result r;

	(void)state;
	probe("vector(NaN)", &r);
	expect(&r, PROBE_STALE, "{} is NaN, not an age (max_age 10m)");
	assert_true(isnan(r.age_s));
	probe("vector(1/0)", &r);
	expect(&r, PROBE_STALE, "{} is +Inf old (max_age 10m)");
	assert_true(isinf(r.age_s));
	probe("vector(1e300)", &r);
	expect(&r, PROBE_STALE, "{} is 1e+300s old (max_age 10m)");
	/* A clock ahead of Prometheus's gives a negative age: fresh. */
	probe("vector(-1/0)", &r);
	expect(&r, PROBE_FRESH, "{} is -Inf old (max_age 10m)");
	probe("vector(-3)", &r);
	expect(&r, PROBE_FRESH, "{} is -3s old (max_age 10m)");
}

static void
test_oldest_series_is_named(void **state)
{
	struct probe_result r;

	(void)state;
	probe("label_replace(vector(1), \"file\", \"/a.prom\", \"\", \"\") or "
	    "label_replace(vector(700), \"file\", \"/b.prom\", \"\", \"\") or "
	    "label_replace(vector(650), \"file\", \"/c.prom\", \"\", \"\")", &r);
	expect(&r, PROBE_STALE, "{file=\"/b.prom\"} is 11m40s old "
	    "(max_age 10m, 2 of 3 series too old)");
	assert_true(r.age_s == 700);
	probe("label_replace(vector(1), \"file\", \"/a.prom\", \"\", \"\") or "
	    "label_replace(vector(700), \"file\", \"/b.prom\", \"\", \"\")", &r);
	expect(&r, PROBE_STALE, "{file=\"/b.prom\"} is 11m40s old (max_age 10m)");
	/* Fresh: the reason still names the oldest. */
	probe("label_replace(vector(1), \"file\", \"/a.prom\", \"\", \"\") or "
	    "label_replace(vector(60), \"file\", \"/b.prom\", \"\", \"\")", &r);
	expect(&r, PROBE_FRESH, "{file=\"/b.prom\"} is 1m old (max_age 10m)");
	/* NaN ranks oldest. */
	probe("label_replace(vector(NaN), \"i\", \"n\", \"\", \"\") or "
	    "label_replace(vector(1e9), \"i\", \"big\", \"\", \"\")", &r);
	expect(&r, PROBE_STALE, "{i=\"n\"} is NaN, not an age "
	    "(max_age 10m, 2 of 2 series too old)");
}

static void
test_series_shown_like_prometheus(void **state)
{
	struct probe_result r;

	(void)state;
	/* The metric name in front, labels sorted and quoted, values
	 * escaped: a label cannot break the line or fake another series. */
	probe("label_replace(label_replace(label_replace(vector(1000), "
	    "\"__name__\", \"node_textfile_mtime_seconds\", \"\", \"\"), "
	    "\"job\", \"node\", \"\", \"\"), "
	    "\"file\", \"/a \\\"b\\\"\\n<c>\\u202e\", \"\", \"\")", &r);
	expect(&r, PROBE_STALE, "node_textfile_mtime_seconds{file=\"/a \\\"b\\\""
	    "\\n<c>\\u202e\", job=\"node\"} is 16m40s old (max_age 10m)");
	probe("label_replace(vector(1000), \"__name__\", \"x\", \"\", \"\")", &r);
	expect(&r, PROBE_STALE, "x is 16m40s old (max_age 10m)");
}

static void
test_query_errors_are_reported(void **state)
{
	struct probe_result	r;
	static const char	dup[] = "Prometheus query error (execution): "
	    "found duplicate series for the match group {} on the right "
	    "hand-side of the operation: [";

	(void)state;
	probe("vector((", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus query error (bad_data): "
	    "invalid parameter \"query\": 1:9: parse error: unclosed left "
	    "parenthesis");
	assert_true(isnan(r.age_s));
	probe("", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus query error (bad_data): "
	    "invalid parameter \"query\": 1:1: parse error: no expression "
	    "found in input");
	/* 422: the series' order in the message is Prometheus's business. */
	probe("vector(1) + on() (label_replace(vector(1), \"a\", \"x\", \"\", "
	    "\"\") or label_replace(vector(2), \"a\", \"y\", \"\", \"\"))", &r);
	assert_string_equal(probe_status_name(r.status), "query_error");
	assert_memory_equal(r.reason, dup, sizeof(dup) - 1);
	assert_non_null(strstr(r.reason, "];many-to-many matching not allowed: "
	    "matching labels must be unique on one side"));
	probe("up[5m]", &r);
	expect(&r, PROBE_QUERY_ERROR,
	    "query returned a matrix, not an instant vector or a scalar");
	probe("\"up\"", &r);
	expect(&r, PROBE_QUERY_ERROR,
	    "query returned a string, not an instant vector or a scalar");
}

static void
test_url_forms(void **state)
{
	struct probe_result	r;
	char			url[128];

	(void)state;
	snprintf(url, sizeof(url), "%s/", prom.url);
	probe_url(url, "vector(5)", 10 * MIN, 10000, &r);
	expect(&r, PROBE_FRESH, "{} is 5s old (max_age 10m)");
	/* Basic auth in the URL is sent (this Prometheus ignores it). */
	snprintf(url, sizeof(url), "http://tocsin:s3cret@127.0.0.1:%d", prom.port);
	probe_url(url, "vector(5)", 10 * MIN, 10000, &r);
	expect(&r, PROBE_FRESH, "{} is 5s old (max_age 10m)");
	/* A wrong path prefix: Prometheus's plain-text 404. */
	snprintf(url, sizeof(url), "%s/prometheus", prom.url);
	probe_url(url, "vector(5)", 10 * MIN, 10000, &r);
	expect(&r, PROBE_QUERY_ERROR,
	    "Prometheus answered HTTP 404: 404 page not found");
}

static void
test_closed_port_is_unreachable(void **state)
{
	struct probe_result	r;
	char			url[128], want[256];
	int			port;

	(void)state;
	assert_true((port = prom_free_port()) > 0);
	snprintf(url, sizeof(url), "http://tocsin:s3cret@127.0.0.1:%d/p/SECRET",
	    port);
	probe_url(url, "vector(5)", 10 * MIN, 10000, &r);
	snprintf(want, sizeof(want), "Prometheus unreachable: POST "
	    "http://127.0.0.1:%d/<redacted>: Couldn't connect to server", port);
	expect(&r, PROBE_UNREACHABLE, want);
	assert_true(isnan(r.age_s));
}

/* The kernel completes the handshake from the listen backlog; nobody ever
 * reads the request or answers it. */
static void
test_silent_peer_is_timeout(void **state)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);
	struct probe_result	r;
	char			url[64];
	int			fd;

	(void)state;
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(sin.sin_port));
	probe_url(url, "vector(5)", 10 * MIN, 300, &r);
	expect(&r, PROBE_TIMEOUT, "Prometheus timed out: no answer within 300ms");
	assert_true(isnan(r.age_s));
	close(fd);
}

static void
judge(long status, const char *body, struct probe_result *r)
{
	memset(r, 0xa5, sizeof(*r));
	prober_judge(status, body, strlen(body), 10 * MIN, r);
}

/* Answers that no Prometheus gives, but a proxy, another server or a
 * broken network might. */
static void
test_foreign_answers_are_query_errors(void **state)
{
	struct probe_result r;

	(void)state;
	judge(502, "<html>\r\n<head><title>502 Bad Gateway</title>", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus answered HTTP 502: <html>\\r");
	judge(503, "", &r);
	expect(&r, PROBE_QUERY_ERROR,
	    "Prometheus answered HTTP 503 with an empty body");
	judge(200, "OK", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus answered with a body that is "
	    "not JSON: '[' or '{' expected near 'OK'");
	judge(200, "{\"status\":\"ok\"}", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus answered HTTP 200 with an "
	    "unexpected body: \"status\" is neither \"success\" nor \"error\"");
	judge(200, "{\"status\":\"success\",\"data\":{}}", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus answered HTTP 200 with an "
	    "unexpected body: no data.resultType or data.result");
	judge(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"table\","
	    "\"result\":[]}}", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus answered HTTP 200 with an "
	    "unexpected body: data.resultType is not one of vector, scalar, "
	    "matrix, string");
	judge(400, "{\"status\":\"error\",\"error\":\"a\\u0000\"}\nmore", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus answered HTTP 400: "
	    "{\"status\":\"error\",\"error\":\"a\\u0000\"}");
	judge(200, "{\"status\":\"error\",\"error\":\"a\\u0000\"}", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus answered with a body that is "
	    "not JSON: \\u0000 is not allowed without JSON_ALLOW_NUL near "
	    "'\"a\\u0000\"'");
	judge(400, "{\"status\":\"error\",\"error\":\"line\\ntwo\"}", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus query error: line\\ntwo");
}

static void
test_values_must_be_prometheus_numbers(void **state)
{
	static const char *const bad[] = { "5", "\"0x10\"", "\" 5\"", "\"\"",
	    "\"inf\"", "\"5s\"", "null" };
	static const char want[] = "Prometheus answered HTTP 200 with an "
	    "unexpected body: a vector sample is not {\"metric\": {...}, "
	    "\"value\": [time, \"number\"]}";
	struct probe_result	r;
	char			body[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "{\"status\":\"success\",\"data\":"
		    "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
		    "\"value\":[1.5,%s]}]}}", bad[i]);
		judge(200, body, &r);
		expect(&r, PROBE_QUERY_ERROR, want);
	}
	judge(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
	    "\"result\":[{\"metric\":{\"a\":1},\"value\":[1,\"1\"]}]}}", &r);
	expect(&r, PROBE_QUERY_ERROR, want);
	judge(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
	    "\"result\":[1,\"x\"]}}", &r);
	expect(&r, PROBE_QUERY_ERROR, "Prometheus answered HTTP 200 with an "
	    "unexpected body: a scalar is not [time, \"number\"]");
	judge(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
	    "\"result\":[{\"metric\":{},\"value\":[1,\"1.5e+02\"]}]}}", &r);
	expect(&r, PROBE_FRESH, "{} is 2m30s old (max_age 10m)");
}

/* However long the labels, the reason is one line that fits, cut at a
 * character boundary and marked. */
static void
test_long_reasons_are_cut(void **state)
{
	static const char	 e10[] = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";	/* 10 x é */
	struct probe_result	 r;
	struct buf		 b, full;
	char			 want[512];
	size_t			 n;

	(void)state;
	buf_init(&b, 0);
	buf_init(&full, 0);
	assert_int_equal(buf_adds(&b, "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"vector\",\"result\":[{\"metric\":{"), 0);
	assert_int_equal(buf_adds(&full, "{"), 0);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(buf_printf(&b, "%s\"l%02d\":\"%s\"",
		    i ? "," : "", i, e10), 0);
		assert_int_equal(buf_printf(&full, "%sl%02d=\"%s\"",
		    i ? ", " : "", i, e10), 0);
	}
	assert_int_equal(buf_adds(&b, "},\"value\":[1,\"999\"]}]}}"), 0);
	judge(200, buf_str(&b), &r);
	assert_string_equal(probe_status_name(r.status), "stale");
	/* Whole runes up to the last 4 bytes, then the mark. */
	n = strlen(r.reason);
	assert_true(n < CHECK_REASON_MAX && n >= CHECK_REASON_MAX - 8);
	assert_string_equal(r.reason + n - 3, "...");
	assert_memory_equal(r.reason, buf_str(&full), n - 3);
	assert_true((r.reason[n - 4] & 0xc0) != 0xc0);
	buf_free(&b);
	buf_free(&full);

	/* A label value longer than QUOTE_MAX is shortened on its own. */
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "{\"status\":\"success\",\"data\":{"
	    "\"resultType\":\"vector\",\"result\":[{\"metric\":{\"f\":\""), 0);
	for (int i = 0; i < 30; i++)
		assert_int_equal(buf_adds(&b, "abcdefghij"), 0);
	assert_int_equal(buf_adds(&b, "\"},\"value\":[1,\"999\"]}]}}"), 0);
	judge(200, buf_str(&b), &r);
	snprintf(want, sizeof(want), "{f=\"%s...\"} is 16m39s old (max_age 10m)",
	    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
	    "abcdefghijabcdefghijabcdefghijabcdefghij");
	expect(&r, PROBE_STALE, want);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_within_max_age_is_fresh),
		cmocka_unit_test(test_vector_over_max_age_is_stale),
		cmocka_unit_test(test_scalar_result_is_judged),
		cmocka_unit_test(test_no_series_is_empty),
		cmocka_unit_test(test_nan_and_inf_are_stale),
		cmocka_unit_test(test_oldest_series_is_named),
		cmocka_unit_test(test_series_shown_like_prometheus),
		cmocka_unit_test(test_query_errors_are_reported),
		cmocka_unit_test(test_url_forms),
		cmocka_unit_test(test_closed_port_is_unreachable),
		cmocka_unit_test(test_silent_peer_is_timeout),
		cmocka_unit_test(test_foreign_answers_are_query_errors),
		cmocka_unit_test(test_values_must_be_prometheus_numbers),
		cmocka_unit_test(test_long_reasons_are_cut),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
