/* civil.h: the proleptic Gregorian calendar as Go's time package counts
 * it: days since 1970-01-01, leap years, month lengths and weekdays. The one
 * copy that timestamps, time zones and template time formatting share. */
#ifndef TOCSIN_CIVIL_H
#define TOCSIN_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

#define CIVIL_SECS_PER_DAY	86400

/* Whether year (any sign; year 0 is 1 BC) has a February 29. */
bool	civil_is_leap(int64_t year);

/* Days in month (1..12) of year, or 0 for a month outside 1..12. */
int	civil_days_in_month(int64_t year, int month);

/* Days from 1970-01-01 to year-month-day (month 1..12, day 1..31; a day
 * past the month's end runs into the next month). Negative before 1970. */
int64_t	civil_to_days(int64_t year, int month, int day);

/* The date days after (or before) 1970-01-01. */
void	civil_from_days(int64_t days, int64_t *year, int *month, int *day);

/* Day of the week of a day count: 0 = Sunday .. 6, as Go's Weekday. */
int	civil_weekday(int64_t days);

/* Day of the year, 1..366, as Go's YearDay. */
int	civil_yday(int64_t year, int month, int day);

/* Splits seconds since the epoch into whole days (rounded down, so that
 * times before 1970 fall in the right day) and the seconds into that day
 * (0..86399), which *sod receives when it is not NULL. */
int64_t	civil_day_of(int64_t unix_sec, int64_t *sod);

#endif
