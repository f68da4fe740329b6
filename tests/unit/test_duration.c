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

static int64_t
go_ok(const char *s)
{
	struct terr	 err;
	int64_t		 ns = -42;

	if (duration_parse_go(s, &ns, &err) == -1)
		fail_msg("%s: %s", s, err.msg);
	return ns;
}

static const char *
go_bad(const char *s, struct terr *err)
{
	int64_t	 ns = 0;

	assert_int_equal(duration_parse_go(s, &ns, err), -1);
	return err->msg;
}

/* The cases of Go's time.ParseDuration documentation and tests: signs,
 * fractions, any unit order, both micro signs, the int64 limits. */
static void
test_duration_go_parses_like_time_parse_duration(void **state)
{
	(void)state;
	assert_int_equal(go_ok("0"), 0);
	assert_int_equal(go_ok("-0"), 0);
	assert_int_equal(go_ok("+0"), 0);
	assert_int_equal(go_ok("0s"), 0);
	assert_int_equal(go_ok("5s"), INT64_C(5000000000));
	assert_int_equal(go_ok("30s"), INT64_C(30000000000));
	assert_int_equal(go_ok("1478s"), INT64_C(1478000000000));
	assert_int_equal(go_ok("-5s"), INT64_C(-5000000000));
	assert_int_equal(go_ok("+5s"), INT64_C(5000000000));
	assert_int_equal(go_ok("5.0s"), INT64_C(5000000000));
	assert_int_equal(go_ok("5.6s"), INT64_C(5600000000));
	assert_int_equal(go_ok("5.s"), INT64_C(5000000000));
	assert_int_equal(go_ok(".5s"), INT64_C(500000000));
	assert_int_equal(go_ok("1.004s"), INT64_C(1004000000));
	assert_int_equal(go_ok("100.00100s"), INT64_C(100001000000));
	assert_int_equal(go_ok("10ns"), 10);
	assert_int_equal(go_ok("11us"), 11000);
	assert_int_equal(go_ok("12\xc2\xb5s"), 12000);
	assert_int_equal(go_ok("12\xce\xbcs"), 12000);
	assert_int_equal(go_ok("13ms"), INT64_C(13000000));
	assert_int_equal(go_ok("14s"), INT64_C(14000000000));
	assert_int_equal(go_ok("15m"), INT64_C(900000000000));
	assert_int_equal(go_ok("16h"), INT64_C(57600000000000));
	assert_int_equal(go_ok("3h30m"), INT64_C(12600000000000));
	assert_int_equal(go_ok("10.5s4m"), INT64_C(250500000000));
	assert_int_equal(go_ok("-2m3.4s"), INT64_C(-123400000000));
	assert_int_equal(go_ok("1h2m3s4ms5us6ns"), INT64_C(3723004005006));
	assert_int_equal(go_ok("39h9m14.425s"), INT64_C(140954425000000));
	assert_int_equal(go_ok("52763797000ns"), INT64_C(52763797000));
	assert_int_equal(go_ok("0.3333333333333333333h"), INT64_C(1200000000000));
	assert_int_equal(go_ok("9007199254740993ns"), INT64_C(9007199254740993));
	assert_int_equal(go_ok("9223372036854775807ns"), INT64_MAX);
	assert_int_equal(go_ok("9223372036854775.807us"), INT64_MAX);
	assert_int_equal(go_ok("-9223372036854775808ns"), INT64_MIN);
	assert_int_equal(go_ok("0.100000000000000000000h"), INT64_C(360000000000));
	assert_int_equal(go_ok("0.830103483285477580700h"), INT64_C(2988372539827));
}

static void
test_duration_go_errors_are_gos(void **state)
{
	struct terr	 err;

	(void)state;
	assert_string_equal(go_bad("", &err), "time: invalid duration \"\"");
	assert_string_equal(go_bad("3", &err), "time: missing unit in duration \"3\"");
	assert_string_equal(go_bad("-", &err), "time: invalid duration \"-\"");
	assert_string_equal(go_bad("s", &err), "time: invalid duration \"s\"");
	assert_string_equal(go_bad(".", &err), "time: invalid duration \".\"");
	assert_string_equal(go_bad("-.", &err), "time: invalid duration \"-.\"");
	assert_string_equal(go_bad(".s", &err), "time: invalid duration \".s\"");
	assert_string_equal(go_bad("+.s", &err), "time: invalid duration \"+.s\"");
	assert_string_equal(go_bad("1d", &err),
	    "time: unknown unit \"d\" in duration \"1d\"");
	assert_string_equal(go_bad("1.5y", &err),
	    "time: unknown unit \"y\" in duration \"1.5y\"");
	assert_string_equal(go_bad(" 5s", &err), "time: invalid duration \" 5s\"");
	assert_string_equal(go_bad("5s ", &err),
	    "time: unknown unit \"s \" in duration \"5s \"");
	assert_string_equal(go_bad("9223372036854775808ns", &err),
	    "time: invalid duration \"9223372036854775808ns\"");
	assert_string_equal(go_bad("9223372036854775.808us", &err),
	    "time: invalid duration \"9223372036854775.808us\"");
	assert_string_equal(go_bad("-9223372036854775809ns", &err),
	    "time: invalid duration \"-9223372036854775809ns\"");
	assert_string_equal(go_bad("3000000h", &err),
	    "time: invalid duration \"3000000h\"");
	assert_string_equal(go_bad("9223372036854775807ns1ns", &err),
	    "time: invalid duration \"9223372036854775807ns1ns\"");
}

static void
test_duration_format_go_like_time_duration_string(void **state)
{
	static const struct { int64_t ns; const char *want; } cases[] = {
		{ 0, "0s" },
		{ INT64_C(500000000), "500ms" },
		{ INT64_C(1500000000), "1.5s" },
		{ INT64_C(15000000000), "15s" },
		{ INT64_C(90000000000), "1m30s" },
		{ INT64_C(3600000000000), "1h0m0s" },
		{ INT64_C(1500), "1.5\xc2\xb5s" },
		{ INT64_C(-2000000000), "-2s" },
	};
	char	 out[DURATION_GO_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		duration_format_go(cases[i].ns, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_units_and_order),
		cmocka_unit_test(test_duration_errors_read_like_alertmanager),
		cmocka_unit_test(test_duration_format_like_model_duration),
		cmocka_unit_test(test_duration_go_parses_like_time_parse_duration),
		cmocka_unit_test(test_duration_go_errors_are_gos),
		cmocka_unit_test(test_duration_format_go_like_time_duration_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
