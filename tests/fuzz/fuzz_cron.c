/* fuzz_cron.c: libFuzzer target for the schedule parsers: each input is
 * parsed as a check's schedule (a cron expression or a systemd calendar
 * event); one that parses must give, in UTC and in Europe/Berlin (across its
 * DST switches), next times strictly after the start, within cronsim's 50
 * years (a calendar event: before 2200), and the same time again when asked
 * from just before it. An error must name a position inside the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cron.h"
#include "oncalendar.h"
#include "tz.h"

#define FUZZ_NAME "fuzz_cron"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
exercise(const struct cron *c, const struct tz *z, int calendar)
{
	static const int64_t	starts[] = {
		-2208988800LL, 0, 1774745999LL, 1774746000LL, 1792888200LL,
		1792890000LL, 1796644800LL, 4102444800LL,
	};
	size_t			i;
	int64_t			next;

	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		next = cron_next(c, z, starts[i]);
		if (next == CRON_NEVER)
			continue;
		check(next > starts[i], "next is after the start");
		check(next - starts[i] <= 52LL * 366 * 86400 ||
		    (calendar && next < 7258118400LL), "within 50 years");
		check(cron_next(c, z, next - 1) == next, "same next from just before");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tz	*berlin;
	static int		 loaded;
	char			 expr[CRON_EXPR_MAX + 8];
	struct terr		 err;
	struct cron		*c;
	size_t			 pos = SIZE_MAX;

	if (!loaded) {
		/* The system's zone; without tzdata only UTC is exercised. */
		berlin = tz_load("Europe/Berlin", &err);
		loaded = 1;
	}
	if (size >= sizeof(expr) || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	if ((c = cron_parse_schedule(expr, &pos, &err)) == NULL) {
		check(pos <= size, "error position inside the input");
		check(err.msg[0] != '\0', "error text");
		return 0;
	}
	exercise(c, tz_utc(), oncal_looks_like(expr));
	if (berlin != NULL)
		exercise(c, berlin, oncal_looks_like(expr));
	cron_free(c);
	return 0;
}
