/* test_timeinterval.c: Alertmanager time_intervals: each field, ranges,
 * negative days of month, the exclusive end of times, locations across
 * midnight and DST, and the exact validation messages (checked against
 * amtool check-config of Alertmanager 0.25). Instants from date(1). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "timeinterval.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

enum field {
	F_WEEKDAYS,
	F_MDAYS,
	F_MONTHS,
	F_YEARS,
};

/* Instants (UTC) used throughout. */
#define MON_2026_11_23_0859_59	1795424399
#define MON_2026_11_23_0900	1795424400
#define MON_2026_11_23_1200	1795435200
#define MON_2026_11_23_1659_59	1795453199
#define MON_2026_11_23_1700	1795453200
#define MON_2026_11_23_2359_59	1795478399
#define TUE_2026_11_24_0000	1795478400

static int
add(struct ti_entry *e, enum field f, const char *s, struct terr *err)
{
	switch (f) {
	case F_WEEKDAYS:
		return ti_entry_add_weekdays(e, s, err);
	case F_MDAYS:
		return ti_entry_add_days_of_month(e, s, err);
	case F_MONTHS:
		return ti_entry_add_months(e, s, err);
	default:
		return ti_entry_add_years(e, s, err);
	}
}

/* An interval of one entry with one field set to spec (and an optional
 * location). */
static struct time_interval *
one(enum field f, const char *spec, const char *zone)
{
	struct time_interval	*ti;
	struct ti_entry		*e;
	struct terr		 err;
	struct tz		*z;

	assert_non_null(ti = time_interval_new("t"));
	assert_non_null(e = time_interval_add_entry(ti));
	if (add(e, f, spec, &err) == -1)
		fail_msg("%s: %s", spec, err.msg);
	if (zone != NULL) {
		if ((z = tz_load(zone, &err)) == NULL)
			fail_msg("%s: %s", zone, err.msg);
		ti_entry_set_location(e, z);
	}
	return ti;
}

static struct time_interval *
times(const char *start, const char *end, const char *zone)
{
	struct time_interval	*ti;
	struct ti_entry		*e;
	struct terr		 err;

	assert_non_null(ti = time_interval_new("t"));
	assert_non_null(e = time_interval_add_entry(ti));
	if (ti_entry_add_times(e, start, end, &err) == -1)
		fail_msg("%s-%s: %s", start, end, err.msg);
	if (zone != NULL)
		ti_entry_set_location(e, tz_load(zone, &err));
	return ti;
}

/* A value Alertmanager rejects, with its exact message. */
struct field_error {
	enum field	 field;
	const char	*spec;
	const char	*want;
};

struct times_error {
	const char	*start, *end;
	const char	*want;
};

/* Each value must be rejected with its message and leave the field unset,
 * so that the entry matches all. */
static void
check_field_errors(const struct field_error *c, size_t n)
{
	struct time_interval	*ti;
	struct ti_entry		*e;
	struct terr		 err;
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&err, 0, sizeof(err));
		assert_non_null(ti = time_interval_new("t"));
		assert_non_null(e = time_interval_add_entry(ti));
		if (add(e, c[i].field, c[i].spec, &err) != -1)
			fail_msg("case %zu (%s) accepted", i, c[i].spec);
		if (strcmp(err.msg, c[i].want) != 0)
			fail_msg("case %zu (%s):\nwant: %s\ngot:  %s", i, c[i].spec,
			    c[i].want, err.msg);
		if (!time_interval_contains(ti, MON_2026_11_23_1200))
			fail_msg("case %zu (%s) set the field", i, c[i].spec);
		time_interval_free(ti);
	}
}

static void
check_times_errors(const struct times_error *c, size_t n)
{
	struct time_interval	*ti;
	struct ti_entry		*e;
	struct terr		 err;
	const char		*end;
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&err, 0, sizeof(err));
		assert_non_null(ti = time_interval_new("t"));
		assert_non_null(e = time_interval_add_entry(ti));
		/* A missing end is spelled out, never passed to printf. */
		end = c[i].end != NULL ? c[i].end : "(none)";
		if (ti_entry_add_times(e, c[i].start, c[i].end, &err) != -1)
			fail_msg("case %zu (%s-%s) accepted", i, c[i].start, end);
		if (strcmp(err.msg, c[i].want) != 0)
			fail_msg("case %zu (%s-%s):\nwant: %s\ngot:  %s", i,
			    c[i].start, end, c[i].want, err.msg);
		time_interval_free(ti);
	}
}

static void
test_ti_times_end_minute_is_exclusive(void **state)
{
	struct time_interval *ti = times("09:00", "17:00", NULL);

	assert_false(time_interval_contains(ti, MON_2026_11_23_0859_59));
	assert_true(time_interval_contains(ti, MON_2026_11_23_0900));
	assert_true(time_interval_contains(ti, MON_2026_11_23_1659_59));
	assert_false(time_interval_contains(ti, MON_2026_11_23_1700));
	time_interval_free(ti);
}

static void
test_ti_times_until_24_00_covers_the_last_minute(void **state)
{
	struct time_interval *ti = times("22:00", "24:00", NULL);

	assert_true(time_interval_contains(ti, MON_2026_11_23_2359_59));
	assert_false(time_interval_contains(ti, TUE_2026_11_24_0000));
	assert_false(time_interval_contains(ti, MON_2026_11_23_1200));
	time_interval_free(ti);

	ti = times("00:00", "24:00", NULL);
	assert_true(time_interval_contains(ti, TUE_2026_11_24_0000));
	assert_true(time_interval_contains(ti, MON_2026_11_23_2359_59));
	time_interval_free(ti);
}

static void
test_ti_several_times_in_one_entry_are_alternatives(void **state)
{
	struct time_interval	*ti;
	struct ti_entry		*e;
	struct terr		 err;

	assert_non_null(ti = time_interval_new("t"));
	assert_non_null(e = time_interval_add_entry(ti));
	assert_int_equal(ti_entry_add_times(e, "09:00", "10:00", &err), 0);
	assert_int_equal(ti_entry_add_times(e, "16:00", "17:00", &err), 0);
	assert_true(time_interval_contains(ti, 1795426200));	/* 09:30 */
	assert_true(time_interval_contains(ti, 1795451400));	/* 16:30 */
	assert_false(time_interval_contains(ti, 1795437000));	/* 12:30 */
	time_interval_free(ti);
}

static void
test_ti_weekdays_names_ranges_and_case(void **state)
{
	struct time_interval *ti;

	ti = one(F_WEEKDAYS, "monday:friday", NULL);
	assert_true(time_interval_contains(ti, MON_2026_11_23_1200));
	assert_false(time_interval_contains(ti, 1795867200));	/* Sat 11-28 */
	assert_false(time_interval_contains(ti, 1795953600));	/* Sun 11-29 */
	assert_true(time_interval_contains(ti, 1795694400));	/* Thu 11-26 */
	time_interval_free(ti);

	ti = one(F_WEEKDAYS, "Saturday", NULL);
	assert_true(time_interval_contains(ti, 1795867200));
	assert_false(time_interval_contains(ti, 1795953600));
	time_interval_free(ti);

	ti = one(F_WEEKDAYS, "SUNDAY:sunday", NULL);
	assert_true(time_interval_contains(ti, 1795953600));
	assert_false(time_interval_contains(ti, MON_2026_11_23_1200));
	time_interval_free(ti);
}

static void
test_ti_location_moves_the_weekday_across_midnight(void **state)
{
	struct time_interval *ti;

	/* Sunday 2026-11-22 20:00Z is Monday 01:30 in Kolkata. */
	ti = one(F_WEEKDAYS, "monday", "Asia/Kolkata");
	assert_true(time_interval_contains(ti, 1795377600));
	time_interval_free(ti);
	ti = one(F_WEEKDAYS, "monday", NULL);
	assert_false(time_interval_contains(ti, 1795377600));
	/* Monday 03:00Z is still Sunday 22:00 in New York. */
	assert_true(time_interval_contains(ti, 1795402800));
	time_interval_free(ti);
	ti = one(F_WEEKDAYS, "monday", "America/New_York");
	assert_false(time_interval_contains(ti, 1795402800));
	time_interval_free(ti);

	/* 2025-12-31 23:30Z is already 2026 in Berlin. */
	ti = one(F_YEARS, "2026", "Europe/Berlin");
	assert_true(time_interval_contains(ti, 1767223800));
	time_interval_free(ti);
	ti = one(F_YEARS, "2026", NULL);
	assert_false(time_interval_contains(ti, 1767223800));
	time_interval_free(ti);
	ti = one(F_YEARS, "2026", "UTC");
	assert_false(time_interval_contains(ti, 1767223800));
	time_interval_free(ti);
}

static void
test_ti_days_of_month_positive_ranges(void **state)
{
	struct time_interval *ti;

	ti = one(F_MDAYS, "1:3", NULL);
	assert_true(time_interval_contains(ti, 1772366400));	/* 2026-03-01 */
	assert_true(time_interval_contains(ti, 1772539200));	/* 2026-03-03 */
	assert_false(time_interval_contains(ti, 1772625600));	/* 2026-03-04 */
	time_interval_free(ti);

	ti = one(F_MDAYS, "23", NULL);
	assert_true(time_interval_contains(ti, MON_2026_11_23_1200));
	assert_false(time_interval_contains(ti, TUE_2026_11_24_0000));
	time_interval_free(ti);

	/* The end is clamped to a short month; a start past it never matches. */
	ti = one(F_MDAYS, "28:31", NULL);
	assert_true(time_interval_contains(ti, 1740744000));	/* 2025-02-28 */
	assert_false(time_interval_contains(ti, 1740657600));	/* 2025-02-27 */
	time_interval_free(ti);
	ti = one(F_MDAYS, "29:31", NULL);
	assert_false(time_interval_contains(ti, 1740744000));	/* 2025-02-28 */
	assert_true(time_interval_contains(ti, 1709208000));	/* 2024-02-29 */
	time_interval_free(ti);
	ti = one(F_MDAYS, "30:31", NULL);
	assert_false(time_interval_contains(ti, 1740744000));	/* 2025-02-28 */
	assert_true(time_interval_contains(ti, 1774872000));	/* 2026-03-30 */
	time_interval_free(ti);
}

static void
test_ti_negative_days_of_month_in_february(void **state)
{
	struct time_interval *ti;

	/* -1 is the last day: the 29th in a leap year, the 28th otherwise. */
	ti = one(F_MDAYS, "-1", NULL);
	assert_true(time_interval_contains(ti, 1709208000));	/* 2024-02-29 */
	assert_false(time_interval_contains(ti, 1709121600));	/* 2024-02-28 */
	assert_true(time_interval_contains(ti, 1740744000));	/* 2025-02-28 */
	assert_false(time_interval_contains(ti, 1740657600));	/* 2025-02-27 */
	assert_true(time_interval_contains(ti, 1774958400));	/* 2026-03-31 */
	time_interval_free(ti);

	ti = one(F_MDAYS, "-2:-1", NULL);
	assert_true(time_interval_contains(ti, 1709121600));	/* 2024-02-28 */
	assert_true(time_interval_contains(ti, 1740657600));	/* 2025-02-27 */
	time_interval_free(ti);

	/* -31:-29 is days 1-3 of March, day 1 of a leap February and nothing
	 * in a 28-day February (both ends fall before the month). */
	ti = one(F_MDAYS, "-31:-29", NULL);
	assert_true(time_interval_contains(ti, 1706788800));	/* 2024-02-01 */
	assert_false(time_interval_contains(ti, 1738411200));	/* 2025-02-01 */
	assert_true(time_interval_contains(ti, 1772539200));	/* 2026-03-03 */
	assert_false(time_interval_contains(ti, 1772625600));	/* 2026-03-04 */
	time_interval_free(ti);

	ti = one(F_MDAYS, "1:-1", NULL);
	assert_true(time_interval_contains(ti, 1740657600));
	assert_true(time_interval_contains(ti, 1706788800));
	time_interval_free(ti);
}

static void
test_ti_months_names_numbers_ranges(void **state)
{
	struct time_interval *ti;

	ti = one(F_MONTHS, "january:march", NULL);
	assert_true(time_interval_contains(ti, 1740744000));	/* February */
	assert_false(time_interval_contains(ti, MON_2026_11_23_1200));
	time_interval_free(ti);
	ti = one(F_MONTHS, "November", NULL);
	assert_true(time_interval_contains(ti, MON_2026_11_23_1200));
	assert_false(time_interval_contains(ti, 1792756800));	/* 2026-10-23 */
	time_interval_free(ti);
	ti = one(F_MONTHS, "10:11", NULL);
	assert_true(time_interval_contains(ti, 1792756800));
	assert_true(time_interval_contains(ti, MON_2026_11_23_1200));
	assert_false(time_interval_contains(ti, 1740744000));
	time_interval_free(ti);
	/* Accepted by Alertmanager and never matching. */
	ti = one(F_MONTHS, "13", NULL);
	assert_false(time_interval_contains(ti, MON_2026_11_23_1200));
	time_interval_free(ti);
}

static void
test_ti_years_ranges(void **state)
{
	struct time_interval *ti;

	ti = one(F_YEARS, "2025:2026", NULL);
	assert_true(time_interval_contains(ti, MON_2026_11_23_1200));
	assert_true(time_interval_contains(ti, 1740744000));	/* 2025 */
	assert_false(time_interval_contains(ti, 1732363200));	/* 2024 */
	time_interval_free(ti);
	ti = one(F_YEARS, "+2030", NULL);
	assert_true(time_interval_contains(ti, 1907755200));	/* 2030-06-15 */
	assert_false(time_interval_contains(ti, MON_2026_11_23_1200));
	time_interval_free(ti);
}

static void
test_ti_dst_days_in_europe_berlin(void **state)
{
	struct time_interval *ti = times("02:00", "03:00", "Europe/Berlin");

	/* 2026-03-29: 02:00-03:00 local does not exist. */
	assert_false(time_interval_contains(ti, 1774745999));	/* 01:59:59 CET */
	assert_false(time_interval_contains(ti, 1774746000));	/* 03:00 CEST */
	/* 2026-10-25: it happens twice. */
	assert_false(time_interval_contains(ti, 1792886399));	/* 01:59:59 CEST */
	assert_true(time_interval_contains(ti, 1792886400));	/* 02:00 CEST */
	assert_true(time_interval_contains(ti, 1792889999));	/* 02:59:59 CEST */
	assert_true(time_interval_contains(ti, 1792890000));	/* 02:00 CET */
	assert_true(time_interval_contains(ti, 1792893599));	/* 02:59:59 CET */
	assert_false(time_interval_contains(ti, 1792893600));	/* 03:00 CET */
	time_interval_free(ti);

	/* March has 31 calendar days in Berlin although it is an hour short
	 * (Alertmanager 0.25 counted 30 here; later versions count days). */
	ti = one(F_MDAYS, "-1", "Europe/Berlin");
	assert_true(time_interval_contains(ti, 1774958400));	/* 2026-03-31 */
	assert_false(time_interval_contains(ti, 1774872000));	/* 2026-03-30 */
	time_interval_free(ti);
}

static void
test_ti_entry_needs_all_fields_interval_any_entry(void **state)
{
	struct time_interval	*ti;
	struct ti_entry		*e;
	struct terr		 err;

	assert_non_null(ti = time_interval_new("business-hours"));
	assert_string_equal(time_interval_name(ti), "business-hours");
	/* No entries: nothing matches. */
	assert_false(time_interval_contains(ti, MON_2026_11_23_1200));

	assert_non_null(e = time_interval_add_entry(ti));
	assert_int_equal(ti_entry_add_times(e, "09:00", "17:00", &err), 0);
	assert_int_equal(ti_entry_add_weekdays(e, "monday:friday", &err), 0);
	assert_int_equal(ti_entry_add_days_of_month(e, "20:25", &err), 0);
	assert_int_equal(ti_entry_add_months(e, "november", &err), 0);
	assert_int_equal(ti_entry_add_years(e, "2026", &err), 0);
	assert_true(time_interval_contains(ti, MON_2026_11_23_1200));
	assert_false(time_interval_contains(ti, 1795456800));	/* 18:00 */
	assert_false(time_interval_contains(ti, 1795867200));	/* Saturday */
	assert_false(time_interval_contains(ti, 1795694400));	/* the 26th */
	assert_false(time_interval_contains(ti, 1732363200));	/* 2024 */

	/* A second entry widens the interval. */
	assert_non_null(e = time_interval_add_entry(ti));
	assert_int_equal(ti_entry_add_weekdays(e, "saturday", &err), 0);
	assert_int_equal(ti_entry_add_weekdays(e, "sunday", &err), 0);
	assert_true(time_interval_contains(ti, 1795867200));
	assert_false(time_interval_contains(ti, 1795456800));

	/* An entry without fields matches every instant. */
	assert_non_null(e = time_interval_add_entry(ti));
	assert_true(time_interval_contains(ti, 1795456800));
	assert_true(time_interval_contains(ti, 0));

	/* Replacing a location frees the old one. */
	ti_entry_set_location(e, tz_load("Asia/Kolkata", &err));
	ti_entry_set_location(e, tz_load("Europe/Berlin", &err));
	ti_entry_set_location(e, NULL);
	time_interval_free(ti);
	time_interval_free(NULL);
}

static const struct times_error times_errors[] = {
	{ "", "10:00", "times: both start and end times must be provided" },
	{ "10:00", NULL, "times: both start and end times must be provided" },
	{ "25:00", "26:00",
	    "times: couldn't parse timestamp 25:00, invalid format" },
	{ "9:00", "10:00",
	    "times: couldn't parse timestamp 9:00, invalid format" },
	{ "09:00", "24:01",
	    "times: couldn't parse timestamp 24:01, invalid format" },
	{ "09:60", "10:00",
	    "times: couldn't parse timestamp 09:60, invalid format" },
	{ "09:00 ", "10:00",
	    "times: couldn't parse timestamp 09:00 , invalid format" },
	{ "10:00", "09:00",
	    "times: start time cannot be equal or greater than end time" },
	{ "10:00", "10:00",
	    "times: start time cannot be equal or greater than end time" },
	{ "24:00", "24:00",
	    "times: start time cannot be equal or greater than end time" },
};

static const struct field_error field_errors[] = {
	{ F_WEEKDAYS, "funday", "weekdays: funday is not a valid weekday" },
	{ F_WEEKDAYS, "MONDAY:Fun", "weekdays: fun is not a valid weekday" },
	{ F_WEEKDAYS, "", "weekdays:  is not a valid weekday" },
	{ F_WEEKDAYS, "monday: friday",
	    "weekdays:  friday is not a valid weekday" },
	{ F_WEEKDAYS, "Friday:monday",
	    "weekdays: start day cannot be before end day" },
	{ F_WEEKDAYS, "saturday:sunday",
	    "weekdays: start day cannot be before end day" },
	{ F_WEEKDAYS, "monday:tuesday:friday",
	    "weekdays: couldn't parse range monday:tuesday:friday, invalid format" },

	{ F_MDAYS, "0",
	    "days_of_month: 0 is not a valid day of the month: out of range" },
	{ F_MDAYS, "32",
	    "days_of_month: 32 is not a valid day of the month: out of range" },
	{ F_MDAYS, "1:32",
	    "days_of_month: 32 is not a valid day of the month: out of range" },
	{ F_MDAYS, "-32",
	    "days_of_month: -32 is not a valid day of the month: out of range" },
	{ F_MDAYS, "-3:5",
	    "days_of_month: end day must be negative if start day is negative" },
	{ F_MDAYS, "5:-30",
	    "days_of_month: end day -30 is always before start day 5" },
	{ F_MDAYS, "-1:-3",
	    "days_of_month: end day -3 is always before start day -1" },
	{ F_MDAYS, "3:2",
	    "days_of_month: end day 2 is always before start day 3" },
	{ F_MDAYS, "x",
	    "days_of_month: strconv.Atoi: parsing \"x\": invalid syntax" },
	{ F_MDAYS, "",
	    "days_of_month: strconv.Atoi: parsing \"\": invalid syntax" },
	{ F_MDAYS, "99999999999999999999",
	    "days_of_month: strconv.Atoi: parsing \"99999999999999999999\": value out of range" },
	{ F_MDAYS, "9223372036854775808x",
	    "days_of_month: strconv.Atoi: parsing \"9223372036854775808x\": invalid syntax" },

	{ F_MONTHS, "march:january",
	    "months: end month january is before start month march" },
	{ F_MONTHS, "12:1",
	    "months: end month january is before start month december" },
	{ F_MONTHS, "13:12",
	    "months: end month december is before start month " },
	{ F_MONTHS, "marc", "months: marc is not a valid month" },

	{ F_YEARS, "2022:2020",
	    "years: end year 2020 is before start year 2022" },
	{ F_YEARS, "x", "years: strconv.Atoi: parsing \"x\": invalid syntax" },
	{ F_YEARS, "2026:",
	    "years: strconv.Atoi: parsing \"\": invalid syntax" },
};

static void
test_ti_errors_match_alertmanager(void **state)
{
	check_times_errors(times_errors, nitems(times_errors));
	check_field_errors(field_errors, nitems(field_errors));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ti_times_end_minute_is_exclusive),
		cmocka_unit_test(test_ti_times_until_24_00_covers_the_last_minute),
		cmocka_unit_test(test_ti_several_times_in_one_entry_are_alternatives),
		cmocka_unit_test(test_ti_weekdays_names_ranges_and_case),
		cmocka_unit_test(test_ti_location_moves_the_weekday_across_midnight),
		cmocka_unit_test(test_ti_days_of_month_positive_ranges),
		cmocka_unit_test(test_ti_negative_days_of_month_in_february),
		cmocka_unit_test(test_ti_months_names_numbers_ranges),
		cmocka_unit_test(test_ti_years_ranges),
		cmocka_unit_test(test_ti_dst_days_in_europe_berlin),
		cmocka_unit_test(test_ti_entry_needs_all_fields_interval_any_entry),
		cmocka_unit_test(test_ti_errors_match_alertmanager),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
