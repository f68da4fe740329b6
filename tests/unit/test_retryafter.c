/* test_retryafter.c: Retry-After values as waits: delay-seconds and the
 * three HTTP-date forms Go's http.ParseTime reads, at a fixed now. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "retryafter.h"

/* 1994-11-06T08:49:07Z, thirty seconds before RFC 9110's example date. */
#define NOW	INT64_C(784111747000)

static int64_t
ra(const char *v)
{
	return retry_after_ms(v, strlen(v), NOW);
}

static void
test_retry_after_seconds(void **state)
{
	(void)state;
	assert_int_equal(ra("120"), 120000);
	assert_int_equal(ra(" 0 "), 0);
	assert_int_equal(ra("\t12\r\n"), 12000);
	assert_int_equal(ra("999999999"), INT64_C(999999999000));
	assert_int_equal(ra("1234567890"), INT64_C(123456789000));
}

static void
test_retry_after_http_dates(void **state)
{
	(void)state;
	assert_int_equal(ra("Sun, 06 Nov 1994 08:49:37 GMT"), 30000);
	assert_int_equal(ra(" Sun, 06 Nov 1994 08:49:37 GMT\r\n"), 30000);
	assert_int_equal(ra("Sunday, 06-Nov-94 08:49:37 GMT"), 30000);
	assert_int_equal(ra("Sun Nov  6 08:49:37 1994"), 30000);
	assert_int_equal(ra("Mon, 07 Nov 1994 08:49:07 GMT"), 86400000);
	/* a date already past is no wait */
	assert_int_equal(ra("Sun, 06 Nov 1994 08:49:00 GMT"), 0);
	assert_int_equal(ra("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
}

static void
test_retry_after_refused(void **state)
{
	(void)state;
	assert_int_equal(ra(""), -1);
	assert_int_equal(ra("soon"), -1);
	assert_int_equal(ra("-5"), -1);
	assert_int_equal(ra("Sun, 06 Nov 1994 08:49:37 UTC"), -1);
	assert_int_equal(ra("Sun, 31 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(ra("Sun, 06 Nov 1994 24:00:00 GMT"), -1);
	assert_int_equal(ra("Sun, 6 Nov 1994 08:49:37 GMT"), -1);
	assert_int_equal(ra("Sun, 06 Nov 1994 08:49:37 GMT x"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_after_seconds),
		cmocka_unit_test(test_retry_after_http_dates),
		cmocka_unit_test(test_retry_after_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
