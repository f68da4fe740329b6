/* test_civil.c: the proleptic Gregorian calendar: day counts from
 * 1970-01-01, leap years, month lengths, weekdays and day splitting. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "civil.h"

static void
check_date(int64_t days, int64_t year, int month, int day)
{
	int64_t	y;
	int	m, d;

	assert_int_equal(civil_to_days(year, month, day), days);
	civil_from_days(days, &y, &m, &d);
	assert_int_equal(y, year);
	assert_int_equal(m, month);
	assert_int_equal(d, day);
}

static void
test_civil_epoch_is_day_zero(void **state)
{
	(void)state;
	check_date(0, 1970, 1, 1);
	check_date(1, 1970, 1, 2);
	check_date(-1, 1969, 12, 31);
	check_date(20794, 2026, 12, 7);
}

static void
test_civil_leap_days_exist_only_in_leap_years(void **state)
{
	(void)state;
	check_date(11016, 2000, 2, 29);
	check_date(11017, 2000, 3, 1);
	check_date(157113, 2400, 2, 29);
	check_date(-135081, 1600, 2, 29);
	/* 1900 has no February 29: March 1 follows February 28. */
	check_date(-25509, 1900, 2, 28);
	check_date(-25508, 1900, 3, 1);
	assert_true(civil_is_leap(2000));
	assert_true(civil_is_leap(2024));
	assert_true(civil_is_leap(2400));
	assert_true(civil_is_leap(0));
	assert_true(civil_is_leap(-4));
	assert_true(civil_is_leap(-400));
	assert_false(civil_is_leap(1900));
	assert_false(civil_is_leap(2100));
	assert_false(civil_is_leap(2025));
	assert_false(civil_is_leap(-1));
	assert_false(civil_is_leap(-100));
}

static void
test_civil_days_in_month(void **state)
{
	static const int want[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	(void)state;
	for (int m = 1; m <= 12; m++)
		assert_int_equal(civil_days_in_month(2025, m), want[m - 1]);
	assert_int_equal(civil_days_in_month(2024, 2), 29);
	assert_int_equal(civil_days_in_month(1900, 2), 28);
	assert_int_equal(civil_days_in_month(2000, 2), 29);
	assert_int_equal(civil_days_in_month(2400, 2), 29);
	assert_int_equal(civil_days_in_month(2025, 0), 0);
	assert_int_equal(civil_days_in_month(2025, 13), 0);
}

static void
test_civil_years_before_1970_and_before_year_1(void **state)
{
	(void)state;
	check_date(-25567, 1900, 1, 1);
	check_date(-719162, 1, 1, 1);
	check_date(-719163, 0, 12, 31);
	check_date(-719468, 0, 3, 1);
	check_date(-719469, 0, 2, 29);		/* year 0 (1 BC) is leap */
	check_date(-719528, 0, 1, 1);
	check_date(-719529, -1, 12, 31);
	check_date(-719893, -1, 1, 1);		/* year -1 is not */
}

static void
test_civil_last_day_of_year_9999(void **state)
{
	(void)state;
	check_date(2932896, 9999, 12, 31);
	check_date(2932897, 10000, 1, 1);
}

static void
test_civil_round_trip_over_five_thousand_years(void **state)
{
	int64_t	y, prev_y;
	int	m, d, prev_m, prev_d;

	(void)state;
	civil_from_days(-800001, &prev_y, &prev_m, &prev_d);
	for (int64_t days = -800000; days <= 1100000; days++) {
		civil_from_days(days, &y, &m, &d);
		assert_int_equal(civil_to_days(y, m, d), days);
		assert_true(m >= 1 && m <= 12);
		assert_true(d >= 1 && d <= civil_days_in_month(y, m));
		/* Each day is the one after the previous. */
		if (d > 1)
			assert_true(y == prev_y && m == prev_m && d == prev_d + 1);
		else if (m > 1)
			assert_true(y == prev_y && m == prev_m + 1 &&
			    prev_d == civil_days_in_month(prev_y, prev_m));
		else
			assert_true(y == prev_y + 1 && prev_m == 12 &&
			    prev_d == 31);
		prev_y = y;
		prev_m = m;
		prev_d = d;
	}
}

static void
test_civil_weekday_of_known_dates(void **state)
{
	(void)state;
	assert_int_equal(civil_weekday(0), 4);			/* Thursday */
	assert_int_equal(civil_weekday(-1), 3);
	assert_int_equal(civil_weekday(civil_to_days(2000, 1, 1)), 6);
	assert_int_equal(civil_weekday(civil_to_days(2000, 2, 29)), 2);
	assert_int_equal(civil_weekday(civil_to_days(1900, 1, 1)), 1);
	assert_int_equal(civil_weekday(civil_to_days(1, 1, 1)), 1);
	assert_int_equal(civil_weekday(civil_to_days(2026, 12, 7)), 1);
	assert_int_equal(civil_weekday(civil_to_days(9999, 12, 31)), 5);
	assert_int_equal(civil_weekday(civil_to_days(2026, 12, 6)), 0);
	assert_int_equal(civil_weekday(INT64_MIN) >= 0, 1);
	assert_int_equal(civil_weekday(INT64_MAX) <= 6, 1);
}

static void
test_civil_yday(void **state)
{
	(void)state;
	assert_int_equal(civil_yday(2026, 1, 1), 1);
	assert_int_equal(civil_yday(2000, 3, 1), 61);
	assert_int_equal(civil_yday(1900, 3, 1), 60);
	assert_int_equal(civil_yday(2024, 12, 31), 366);
	assert_int_equal(civil_yday(2025, 12, 31), 365);
	assert_int_equal(civil_yday(-1, 12, 31), 365);
}

static void
test_civil_day_of_rounds_down(void **state)
{
	int64_t	sod;

	(void)state;
	assert_int_equal(civil_day_of(0, &sod), 0);
	assert_int_equal(sod, 0);
	assert_int_equal(civil_day_of(86399, &sod), 0);
	assert_int_equal(sod, 86399);
	assert_int_equal(civil_day_of(86400, &sod), 1);
	assert_int_equal(sod, 0);
	assert_int_equal(civil_day_of(-1, &sod), -1);
	assert_int_equal(sod, 86399);
	assert_int_equal(civil_day_of(-86400, &sod), -1);
	assert_int_equal(sod, 0);
	assert_int_equal(civil_day_of(-86401, &sod), -2);
	assert_int_equal(sod, 86399);
	/* Go's zero time, 0001-01-01 00:00:00 UTC. */
	assert_int_equal(civil_day_of(-62135596800, NULL), -719162);
	assert_int_equal(civil_day_of(INT64_MIN, &sod), -106751991167301);
	assert_int_equal(sod, 30592);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_epoch_is_day_zero),
		cmocka_unit_test(test_civil_leap_days_exist_only_in_leap_years),
		cmocka_unit_test(test_civil_days_in_month),
		cmocka_unit_test(test_civil_years_before_1970_and_before_year_1),
		cmocka_unit_test(test_civil_last_day_of_year_9999),
		cmocka_unit_test(test_civil_round_trip_over_five_thousand_years),
		cmocka_unit_test(test_civil_weekday_of_known_dates),
		cmocka_unit_test(test_civil_yday),
		cmocka_unit_test(test_civil_day_of_rounds_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
