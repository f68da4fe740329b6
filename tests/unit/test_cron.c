/* test_cron.c: the cron parser and the next firing time. The expected
 * instants were computed once with cronsim 2.7 (Healthchecks' library) and
 * Python's zoneinfo, starting from each "after" instant; they pin the
 * daylight-saving rules in Europe/Berlin, America/New_York and Lord Howe's
 * half hour, and the day-of-month / day-of-week rules. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cron.h"
#include "tz.h"

struct next_case {
	const char	*expr;
	const char	*zone;
	int64_t		 after;
	int64_t		 want;
};

static const struct next_case next_cases[] = {
	/* spring-forward night: 02:30 does not exist */
	{ "30 2 * * *", "Europe/Berlin", 1774695600, 1774746000 },	/* 2026-03-28T12:00:00+01:00 -> 2026-03-29T03:00:00+02:00 */
	/* after the shifted run: the next night */
	{ "30 2 * * *", "Europe/Berlin", 1774746000, 1774830600 },	/* 2026-03-29T03:00:00+02:00 -> 2026-03-30T02:30:00+02:00 */
	/* fall-back night: first 02:30 (CEST) */
	{ "30 2 * * *", "Europe/Berlin", 1792836000, 1792888200 },	/* 2026-10-24T12:00:00+02:00 -> 2026-10-25T02:30:00+02:00 */
	/* after it: not again in the second pass */
	{ "30 2 * * *", "Europe/Berlin", 1792888200, 1792978200 },	/* 2026-10-25T02:30:00+02:00 -> 2026-10-26T02:30:00+01:00 */
	/* 03:00 exists on the spring night */
	{ "0 3 * * *", "Europe/Berlin", 1774695600, 1774746000 },	/* 2026-03-28T12:00:00+01:00 -> 2026-03-29T03:00:00+02:00 */
	/* both in the gap: one run at 03:00 */
	{ "15,45 2 * * *", "Europe/Berlin", 1774695600, 1774746000 },	/* 2026-03-28T12:00:00+01:00 -> 2026-03-29T03:00:00+02:00 */
	/* then the next night */
	{ "15,45 2 * * *", "Europe/Berlin", 1774746000, 1774829700 },	/* 2026-03-29T03:00:00+02:00 -> 2026-03-30T02:15:00+02:00 */
	/* hourly skips the missing 02:00 */
	{ "0 * * * *", "Europe/Berlin", 1774744200, 1774746000 },	/* 2026-03-29T01:30:00+01:00 -> 2026-03-29T03:00:00+02:00 */
	/* hourly fires in both passes of 02:00 */
	{ "0 * * * *", "Europe/Berlin", 1792888200, 1792890000 },	/* 2026-10-25T02:30:00+02:00 -> 2026-10-25T02:00:00+01:00 */
	/* minute starts with *: nothing on the spring night */
	{ "*/20 2 * * *", "Europe/Berlin", 1774735200, 1774828800 },	/* 2026-03-28T23:00:00+01:00 -> 2026-03-30T02:00:00+02:00 */
	/* second pass of 02:xx */
	{ "*/20 2 * * *", "Europe/Berlin", 1792889400, 1792890000 },	/* 2026-10-25T02:50:00+02:00 -> 2026-10-25T02:00:00+01:00 */
	/* New York spring-forward: 02:30 does not exist */
	{ "30 2 * * *", "America/New_York", 1772902800, 1772953200 },	/* 2026-03-07T12:00:00-05:00 -> 2026-03-08T03:00:00-04:00 */
	/* New York fall-back: first 01:30 (EDT) */
	{ "30 1 * * *", "America/New_York", 1793462400, 1793511000 },	/* 2026-10-31T12:00:00-04:00 -> 2026-11-01T01:30:00-04:00 */
	/* not again at 01:30 EST */
	{ "30 1 * * *", "America/New_York", 1793511000, 1793601000 },	/* 2026-11-01T01:30:00-04:00 -> 2026-11-02T01:30:00-05:00 */
	/* weekdays across the switch */
	{ "0 9 * * 1-5", "America/New_York", 1772809200, 1773061200 },	/* 2026-03-06T10:00:00-05:00 -> 2026-03-09T09:00:00-04:00 */
	/* every 30 minutes in the repeated hour */
	{ "*/30 * * * *", "America/New_York", 1793511900, 1793512800 },	/* 2026-11-01T01:45:00-04:00 -> 2026-11-01T01:00:00-05:00 */
	/* half-hour gap 02:00-02:30 */
	{ "15 2 * * *", "Australia/Lord_Howe", 1790991000, 1791041400 },	/* 2026-10-03T12:00:00+10:30 -> 2026-10-04T02:30:00+11:00 */
	/* 13th OR Friday */
	{ "0 0 13 * 5", "UTC", 1796644800, 1796947200 },	/* 2026-12-07T12:00:00+00:00 -> 2026-12-11T00:00:00+00:00 */
	/* day field starting with *: AND */
	{ "0 0 */2 * 5", "UTC", 1796644800, 1796947200 },	/* 2026-12-07T12:00:00+00:00 -> 2026-12-11T00:00:00+00:00 */
	/* names */
	{ "0 12 * jan-mar mon-fri", "UTC", 1796644800, 1798804800 },	/* 2026-12-07T12:00:00+00:00 -> 2027-01-01T12:00:00+00:00 */
	/* last day of February */
	{ "0 0 L * *", "UTC", 1801440000, 1803772800 },	/* 2027-02-01T00:00:00+00:00 -> 2027-02-28T00:00:00+00:00 */
	/* last weekday of January 2026 (Saturday 31st) */
	{ "0 0 LW * *", "UTC", 1767225600, 1769731200 },	/* 2026-01-01T00:00:00+00:00 -> 2026-01-30T00:00:00+00:00 */
	/* last Friday */
	{ "0 0 * * 5L", "UTC", 1796083200, 1798156800 },	/* 2026-12-01T00:00:00+00:00 -> 2026-12-25T00:00:00+00:00 */
	/* second Monday */
	{ "0 0 * * mon#2", "UTC", 1796083200, 1797206400 },	/* 2026-12-01T00:00:00+00:00 -> 2026-12-14T00:00:00+00:00 */
	/* leap day */
	{ "0 0 29 2 *", "UTC", 1796601600, 1835395200 },	/* 2026-12-07T00:00:00+00:00 -> 2028-02-29T00:00:00+00:00 */
	/* fifth Monday of February */
	{ "0 0 * 2 MON#5", "UTC", 1577836800, 2340316800 },	/* 2020-01-01T00:00:00+00:00 -> 2044-02-29T00:00:00+00:00 */
	/* 7 is Sunday */
	{ "0 0 * * 7", "UTC", 1796601600, 1797120000 },	/* 2026-12-07T00:00:00+00:00 -> 2026-12-13T00:00:00+00:00 */
	/* start/step */
	{ "5/15 * * * *", "UTC", 1796647860, 1796648700 },	/* 2026-12-07T12:51:00+00:00 -> 2026-12-07T13:05:00+00:00 */
	/* range/step */
	{ "1-10/4 * * * *", "UTC", 1796645160, 1796645340 },	/* 2026-12-07T12:06:00+00:00 -> 2026-12-07T12:09:00+00:00 */
	/* every minute */
	{ "* * * * *", "UTC", 1796644830, 1796644860 },	/* 2026-12-07T12:00:30+00:00 -> 2026-12-07T12:01:00+00:00 */
	/* yearly, in a zone */
	{ "0 0 1 1 *", "Europe/Berlin", 1796641200, 1798758000 },	/* 2026-12-07T12:00:00+01:00 -> 2027-01-01T00:00:00+01:00 */
};

static void
test_cron_next_matches_cronsim(void **state)
{
	size_t		 i;
	struct terr	 err;

	for (i = 0; i < sizeof(next_cases) / sizeof(next_cases[0]); i++) {
		const struct next_case *nc = &next_cases[i];
		struct cron	*c = cron_parse(nc->expr, NULL, &err);
		struct tz	*z = tz_load(nc->zone, &err);
		int64_t		 got;

		if (c == NULL || z == NULL)
			fail_msg("%s in %s: %s", nc->expr, nc->zone, err.msg);
		got = cron_next(c, z, nc->after);
		if (got != nc->want)
			fail_msg("\"%s\" in %s after %lld: got %lld, want %lld",
			    nc->expr, nc->zone, (long long)nc->after,
			    (long long)got, (long long)nc->want);
		cron_free(c);
		tz_free(z);
	}
}

/* The night a 30 2 * * * job does not exist, walked run by run: three
 * nights around Berlin's spring-forward, each at 02:30 local except the
 * one shifted to 03:00 (cronsim's values, as above). */
static void
test_cron_0230_job_on_the_night_it_does_not_exist(void **state)
{
	static const int64_t	 want[] = {
		1774661400,	/* 2026-03-28 02:30 CET  = 01:30Z */
		1774746000,	/* 2026-03-29 03:00 CEST = 01:00Z (02:30 skipped) */
		1774830600,	/* 2026-03-30 02:30 CEST = 00:30Z */
	};
	struct terr	 err;
	struct cron	*c = cron_parse("30 2 * * *", NULL, &err);
	struct tz	*z = tz_load("Europe/Berlin", &err);
	int64_t		 t = 1774594800;	/* 2026-03-27 08:00Z */
	size_t		 i;

	assert_non_null(c);
	assert_non_null(z);
	for (i = 0; i < 3; i++) {
		t = cron_next(c, z, t);
		assert_true(t == want[i]);
	}
	cron_free(c);
	tz_free(z);
}

/* A start in the second pass of a repeated hour: cronsim would give the
 * first pass again (before the start); the run has happened, so the next
 * one is the next night's. */
static void
test_cron_start_in_second_pass_waits_for_next_day(void **state)
{
	struct terr	 err;
	struct cron	*c = cron_parse("45 2 * * *", NULL, &err);
	struct tz	*z = tz_load("Europe/Berlin", &err);

	assert_non_null(c);
	assert_non_null(z);
	/* 2026-10-25 02:15 CET (01:15Z), after 02:45 CEST (00:45Z). */
	assert_true(cron_next(c, z, 1792890900) == 1792979100);
	cron_free(c);
	tz_free(z);
}

static void
expect_error(const char *expr, size_t pos, const char *msg)
{
	struct terr	 err;
	struct cron	*c;
	size_t		 at = 999;

	memset(&err, 0, sizeof(err));
	c = cron_parse(expr, &at, &err);
	if (c != NULL)
		fail_msg("\"%s\" parsed", expr);
	assert_string_equal(err.msg, msg);
	if (at != pos)
		fail_msg("\"%s\": error at %zu, want %zu", expr, at, pos);
}

static void
test_cron_errors_name_the_field(void **state)
{
	expect_error("61 * * * *", 0, "bad minute \"61\": minutes are 0-59");
	expect_error("0 24 * * *", 2, "bad hour \"24\": hours are 0-23");
	expect_error("0 0 0 * *", 4, "bad day-of-month \"0\": days of the "
	    "month are 1-31, L or LW");
	expect_error("0 0 * 13 *", 6, "bad month \"13\": months are 1-12 or "
	    "jan-dec");
	expect_error("0 0 * * 8", 8, "bad day-of-week \"8\": days of the "
	    "week are 0-7 or sun-sat, with 5L for the last Friday or mon#2 for "
	    "the second Monday");
	expect_error("0 0 * * mon#6", 8, "bad day-of-week \"mon#6\": days of "
	    "the week are 0-7 or sun-sat, with 5L for the last Friday or mon#2 "
	    "for the second Monday");
	expect_error("0 0 30 2 *", 4, "bad day-of-month \"30\": no selected "
	    "month has day 30");
	expect_error("5-1 * * * *", 0, "bad minute \"5-1\": minutes are 0-59");
	expect_error("*/0 * * * *", 0, "bad minute \"*/0\": minutes are 0-59");
	expect_error("1,,2 * * * *", 0, "bad minute \"1,,2\": minutes are 0-59");
	expect_error("+1 * * * *", 0, "bad minute \"+1\": minutes are 0-59");
	expect_error("0 0 * * * *", 10, "cron expression needs 5 fields "
	    "(minute hour day-of-month month day-of-week), not more");
	expect_error("0 0 * *", 0, "cron expression needs 5 fields (minute hour "
	    "day-of-month month day-of-week), not fewer");
	expect_error("  ", 0, "cron expression needs 5 fields (minute hour "
	    "day-of-month month day-of-week), not none");
	/* cronsim has no @daily: neither has tocsin. */
	expect_error("@daily", 0, "cron expression needs 5 fields (minute hour "
	    "day-of-month month day-of-week), not fewer");
}

static void
test_cron_accepts_cronsim_forms(void **state)
{
	static const char *const ok[] = {
		"*/5 9-17 * * mon-fri", "0 0 L * *", "0 0 LW * *",
		"0 0 * * 5L", "0 0 * * MON#1", "0,30 */2 1-7 JAN,jul sun",
		"0 0 L/2 * *", "\t0  0 1 1 7 ", "00 05 * * *",
	};
	struct terr	 err;
	struct cron	*c;
	size_t		 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if ((c = cron_parse(ok[i], NULL, &err)) == NULL)
			fail_msg("\"%s\": %s", ok[i], err.msg);
		cron_free(c);
	}
}

/* No match within 50 years: never, as cronsim stops. */
static void
test_cron_never_matching_is_never(void **state)
{
	struct terr	 err;
	struct cron	*c = cron_parse("0 0 */40 * 1L", NULL, &err);

	assert_non_null(c);
	assert_true(cron_next(c, tz_utc(), 1796644800) == CRON_NEVER);
	cron_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cron_next_matches_cronsim),
		cmocka_unit_test(test_cron_0230_job_on_the_night_it_does_not_exist),
		cmocka_unit_test(test_cron_start_in_second_pass_waits_for_next_day),
		cmocka_unit_test(test_cron_errors_name_the_field),
		cmocka_unit_test(test_cron_accepts_cronsim_forms),
		cmocka_unit_test(test_cron_never_matching_is_never),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
