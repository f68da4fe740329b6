/* test_oncalendar.c: systemd calendar events, with systemd itself as the
 * oracle: for each expression and start, `systemd-analyze calendar
 * --base-time=@<start> --iterations=N` (systemd 252, Debian's) gives the
 * times, or refuses the expression, and oncal_parse / oncal_next must give
 * the same. Daylight-saving nights of Europe/Berlin and America/New_York
 * included. Plus the errors' wording and positions, and which expressions
 * cron_parse_schedule takes for calendar events. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "civil.h"
#include "cron.h"
#include "oncalendar.h"

#define ITER	6

/* Unix seconds of "YYYY-MM-DD HH:MM:SS" (UTC). */
static int64_t
utc(const char *s)
{
	int	 y, mo, d, h, mi, se;

	if (sscanf(s, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &se) != 6)
		fail_msg("bad time %s", s);
	return civil_to_days(y, mo, d) * CIVIL_SECS_PER_DAY + h * 3600 +
	    mi * 60 + se;
}

/* What systemd says: n times into out, or -1 when it refuses expr. */
static int
systemd_says(const char *expr, int64_t base, int64_t *out, int n)
{
	char	 cmd[1024], line[512], *p;
	FILE	*f;
	int	 got = 0, refused = 0;

	snprintf(cmd, sizeof(cmd), "TZ=UTC systemd-analyze calendar "
	    "--base-time=@%lld --iterations=%d '%s' 2>&1", (long long)base, n, expr);
	if ((f = popen(cmd, "r")) == NULL)
		fail_msg("cannot run systemd-analyze");
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "Failed to parse") != NULL)
			refused = 1;
		if (strstr(line, "Next elapse: never") != NULL)
			break;
		if ((strstr(line, "Next elapse: ") != NULL ||
		    strstr(line, "Iter. #") != NULL) && got < n &&
		    (p = strstr(line, ": ")) != NULL && strlen(p) > 26)
			out[got++] = utc(p + 6);	/* past ": Www " */
	}
	if (pclose(f) == -1)
		fail_msg("systemd-analyze did not end");
	return refused ? -1 : got;
}

static const char *const exprs[] = {
	"daily", "Daily", "hourly", "minutely", "weekly", "monthly", "yearly",
	"annually", "quarterly", "semiannually", "semi-annually",
	"*:0/15", "*:30", "5:40", "9..17:00", "1..5/2:00", "0/5:00",
	"*-*-1,15 6,18:00", "*-*-1/10", "*-*-31", "*-2-29", "*-02~01",
	"*-*~03/2", "*-*~1..3 23:00", "Mon..Wed,Fri..Sun 9:00", "mon",
	"Monday", "monday,tuesday", "Mon, 12:34", "Mon  12:00", "Sat,Sun 10:00:30",
	"Wed 2026-*-1..5 12:00", "2026..2028-01-01", "2026-1..3-1",
	"2026-12-07 15:50:07", "2025-01-01", "2199-12-31 23:59:59",
	"*-*-* *:*:*", "*-*-* 12:00:00 Europe/Berlin", "12:00 UTC",
	"Mon *-*-* 00:00:00 UTC", "*-*-* 02:30 Europe/Berlin",
	"*:00/15 Europe/Berlin", "*:45 Europe/Berlin", "*:00/30 Europe/Berlin",
	"Sun 01:30 America/New_York", "*-*-* 01:59:30 America/New_York",
	"*:*:0/20 Europe/Berlin", "daily Europe/Berlin", "WEEKLY UTC",
	"monthly America/New_York",
	/* refused by systemd */
	"*:*/15", "*-*-*/2", "Fri..Mon", "00:00:60", "24:00", "*-*-0",
	"Mon,12:34", "*/2-*-01", "2200-01-01", "13-01", "Funday",
	"", "1:2:3:4", "*-*-*-*",
};

/* Taken by systemd, refused by tocsin on purpose: schedules are whole
 * seconds. */
static const char *const refused[] = { "12:00:00.5", "*:*:0/0.5" };

static const char *const starts[] = {
	"2026-01-01 00:00:00",
	/* Europe/Berlin springs forward (01:00 UTC) and falls back (01:00 UTC). */
	"2026-03-28 23:10:00", "2026-03-29 00:10:00",
	"2026-10-25 00:10:00", "2026-10-25 01:30:00",
	/* America/New_York: 07:00 UTC in March, 06:00 UTC in November. */
	"2026-03-08 06:40:00", "2026-11-01 05:10:00", "2026-11-01 06:20:00",
};

static void
test_next_times_are_systemds(void **state)
{
	int64_t		 want[ITER], t, base;
	struct oncal	*c;
	struct tz	*z;
	struct terr	 err;
	size_t		 i, j, pos;
	int		 n, k, checked = 0;

	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		c = oncal_parse(exprs[i], &pos, &err);
		for (j = 0; j < sizeof(starts) / sizeof(starts[0]); j++) {
			base = utc(starts[j]);
			n = systemd_says(exprs[i], base, want, ITER);
			if (n == -1) {
				if (c != NULL)
					fail_msg("\"%s\": systemd refuses it, tocsin "
					    "does not", exprs[i]);
				break;
			}
			if (c == NULL)
				fail_msg("\"%s\": systemd takes it, tocsin says %s",
				    exprs[i], err.msg);
			z = NULL;
			if (oncal_zone(c) != NULL &&
			    (z = tz_load(oncal_zone(c), &err)) == NULL)
				fail_msg("%s", err.msg);
			for (t = base, k = 0; k < ITER; k++) {
				t = oncal_next(c, z != NULL ? z : tz_utc(), t);
				if (k >= n) {
					if (t != ONCAL_NEVER)
						fail_msg("\"%s\" from %s: #%d: systemd: "
						    "never, tocsin %lld", exprs[i],
						    starts[j], k + 1, (long long)t);
					break;
				}
				if (t != want[k])
					fail_msg("\"%s\" from %s: #%d: systemd %lld, "
					    "tocsin %lld", exprs[i], starts[j], k + 1,
					    (long long)want[k], (long long)t);
				checked++;
			}
			tz_free(z);
		}
		oncal_free(c);
	}
	/* The oracle answered: not a test that passes on silence. */
	assert_true(checked > 1000);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_not_equal(systemd_says(refused[i], 0, want, 1), -1);
		assert_null(oncal_parse(refused[i], &pos, &err));
	}
}

static void
test_errors_say_what_and_where(void **state)
{
	static const struct {
		const char	*expr;
		size_t		 pos;
		const char	*msg;
	} cases[] = {
		{ "*-*-* 24:00", 6, "bad hour \"24\": hours are 0-23" },
		{ "Mon..Fry 12:00", 0, "bad weekday \"Mon..Fry\"" },
		{ "Fri..Mon", 0, "bad weekday range \"Fri..Mon\": ranges run from "
		    "Monday to Sunday" },
		{ "12:00:00.5", 8, "fractional seconds are not supported (\"00.5\")" },
		{ "Mon *-*-* 12:00 Europe/Berlin extra", 30, "bad calendar event: "
		    "at most weekdays, a date, a time and a zone" },
		{ "*-*-* 12:00 Europe/Berlin extra", 12, "bad calendar event: "
		    "unexpected \"Europe/Berlin\"" },
		{ "2026-13-01", 5, "bad month \"13\": months are 1-12" },
		{ "*:*/15", 2, "bad minute \"*/15\"" },
		{ "Mon 12:00 ", 9, "bad calendar event: a space after it" },
		{ "daily Europe/Berlin 12:00", 6, "bad calendar event: "
		    "unexpected \"Europe/Berlin\"" },
	};
	struct terr	 err;
	size_t		 i, pos;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pos = 999;
		if (oncal_parse(cases[i].expr, &pos, &err) != NULL)
			fail_msg("\"%s\" parsed", cases[i].expr);
		if (strcmp(err.msg, cases[i].msg) != 0 || pos != cases[i].pos)
			fail_msg("\"%s\": want %zu \"%s\", got %zu \"%s\"",
			    cases[i].expr, cases[i].pos, cases[i].msg, pos, err.msg);
	}
}

static void
test_schedules_tell_cron_from_calendar_events(void **state)
{
	static const char *const calendar[] = { "daily", "Mon 03:00",
	    "*-*-01 04:00 Europe/Berlin", "2026-12-24", "03:00", "*-*~01",
	    "1..5:00" };
	static const char *const cron[] = { "0 3 * * *", "*/5 * * * 1-5",
	    "0 3 * *", "@daily", "30 2 * * MON" };
	struct terr	 err;
	struct cron	*c;
	size_t		 i, pos;

	for (i = 0; i < sizeof(calendar) / sizeof(calendar[0]); i++)
		assert_int_equal(oncal_looks_like(calendar[i]), 1);
	for (i = 0; i < sizeof(cron) / sizeof(cron[0]); i++)
		assert_int_equal(oncal_looks_like(cron[i]), 0);
	/* A four-field cron mistake gets cron's error, not a calendar's. */
	assert_null(cron_parse_schedule("0 3 * *", &pos, &err));
	assert_null(strstr(err.msg, "calendar"));
	assert_non_null(c = cron_parse_schedule("Mon..Fri 03:00 Europe/Berlin",
	    &pos, &err));
	assert_string_equal(cron_zone(c, &pos), "Europe/Berlin");
	assert_int_equal(pos, 15);
	/* cron_next follows the calendar: Mon 2026-01-05 02:00 UTC. */
	assert_int_equal(cron_next(c, tz_utc(), utc("2026-01-03 00:00:00")),
	    utc("2026-01-05 03:00:00"));
	cron_free(c);
	assert_non_null(c = cron_parse_schedule("30 2 * * *", &pos, &err));
	assert_null(cron_zone(c, &pos));
	cron_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_times_are_systemds),
		cmocka_unit_test(test_errors_say_what_and_where),
		cmocka_unit_test(test_schedules_tell_cron_from_calendar_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
