/* civil.c: Gregorian calendar arithmetic (see civil.h). */
#include <stddef.h>

#include "civil.h"

/* Division rounding toward minus infinity: C's rounds toward zero, which
 * would put the day before 1970 and the era before year 0 off by one. */
static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

bool
civil_is_leap(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
civil_days_in_month(int64_t year, int month)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && civil_is_leap(year))
		return 29;
	return mdays[month - 1];
}

/*
 * Both conversions count in eras of 400 years (146097 days, after which the
 * calendar repeats) with years starting on March 1, so that the leap day
 * falls at the end of a year and the month lengths follow a fixed pattern
 * (153 days per five months). 719468 is the number of days from 0000-03-01
 * to 1970-01-01. This is the usual era-based algorithm, exact over the
 * whole range of days the callers produce.
 */
int64_t
civil_to_days(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t	era, doe, yoe, doy, mp;

	z += 719468;
	era = floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
civil_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday; taking the remainder first keeps
	 * the sum in range at the ends of int64. */
	return (int)((days % 7 + 11) % 7);
}

int
civil_yday(int64_t year, int month, int day)
{
	return (int)(civil_to_days(year, month, day) -
	    civil_to_days(year, 1, 1)) + 1;
}

int64_t
civil_day_of(int64_t unix_sec, int64_t *sod)
{
	int64_t days = floordiv(unix_sec, CIVIL_SECS_PER_DAY);

	/* The remainder, not unix_sec - days * 86400: that product overflows
	 * for the earliest days an int64_t of seconds can name. */
	if (sod != NULL) {
		*sod = unix_sec % CIVIL_SECS_PER_DAY;
		if (*sod < 0)
			*sod += CIVIL_SECS_PER_DAY;
	}
	return days;
}
