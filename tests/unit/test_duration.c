/* test_duration.c: model.Duration parsing and formatting, with Alertmanager's
 * exact error messages. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "duration.h"

static int64_t
ok(const char *s)
{
	struct terr	 err;
	int64_t		 ms = -1;

	if (duration_parse(s, &ms, &err) == -1)
		fail_msg("%s: %s", s, err.msg);
	return ms;
}

static const char *
bad(const char *s, struct terr *err)
{
	int64_t	 ms;

	assert_int_equal(duration_parse(s, &ms, err), -1);
	return err->msg;
}

static void
test_duration_units_and_order(void **state)
{
	assert_int_equal(ok("0"), 0);
	assert_int_equal(ok("0s"), 0);
	assert_int_equal(ok("5m"), 300000);
	assert_int_equal(ok("1d2h30m"), (24 + 2) * 3600000 + 30 * 60000);
	assert_int_equal(ok("1y"), INT64_C(365) * 86400000);
	assert_int_equal(ok("2w"), INT64_C(14) * 86400000);
	assert_int_equal(ok("1s500ms"), 1500);
	assert_int_equal(ok("250ms"), 250);
	assert_int_equal(ok("1h0m"), 3600000);
	assert_int_equal(ok("007s"), 7000);
}

static void
test_duration_errors_read_like_alertmanager(void **state)
{
	struct terr	 err;

	assert_string_equal(bad("5x", &err), "not a valid duration string: \"5x\"");
	assert_string_equal(bad("1h1h", &err), "not a valid duration string: \"1h1h\"");
	assert_string_equal(bad("1m1h", &err), "not a valid duration string: \"1m1h\"");
	assert_string_equal(bad("1.5h", &err), "not a valid duration string: \"1.5h\"");
	assert_string_equal(bad("-1m", &err), "not a valid duration string: \"-1m\"");
	assert_string_equal(bad("h", &err), "not a valid duration string: \"h\"");
	assert_string_equal(bad("5", &err), "not a valid duration string: \"5\"");
	assert_string_equal(bad("1ms1s", &err), "not a valid duration string: \"1ms1s\"");
	assert_string_equal(bad(" 5m", &err), "not a valid duration string: \" 5m\"");
	assert_string_equal(bad("", &err), "empty duration string");
	assert_string_equal(bad("100000000000y", &err), "duration out of range");
	assert_string_equal(bad("99999999999999999999999s", &err), "duration out of range");
	assert_string_equal(bad("292y1000w", &err), "duration out of range");
}

static void
test_duration_format_like_model_duration(void **state)
{
	char	 out[64];

	duration_format(0, out, sizeof(out));
	assert_string_equal(out, "0s");
	duration_format(300000, out, sizeof(out));
	assert_string_equal(out, "5m");
	duration_format(ok("1d2h30m"), out, sizeof(out));
	assert_string_equal(out, "1d2h30m");
	duration_format(ok("8d"), out, sizeof(out));
	assert_string_equal(out, "1w1d");
	duration_format(ok("1s500ms"), out, sizeof(out));
	assert_string_equal(out, "1s500ms");
	duration_format(ok("366d"), out, sizeof(out));
	assert_string_equal(out, "1y1d");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_units_and_order),
		cmocka_unit_test(test_duration_errors_read_like_alertmanager),
		cmocka_unit_test(test_duration_format_like_model_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
