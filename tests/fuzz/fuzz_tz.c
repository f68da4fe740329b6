/* fuzz_tz.c: libFuzzer target for the TZif reader. Each input is parsed as a
 * zone file and, wrapped into a minimal v2 zone, as a POSIX TZ footer; every
 * zone that loads must answer lookups with a sane wall clock at any instant. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "tz.h"

#define FUZZ_NAME "fuzz_tz"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
probe(const struct tz *z, int64_t t)
{
	struct tz_civil	c;

	tz_breakdown(z, t, &c);
	check(c.abbrev != NULL && strlen(c.abbrev) < 1024, "abbreviation");
	check(c.month >= 1 && c.month <= 12, "month");
	check(c.day >= 1 && c.day <= civil_days_in_month(c.year, c.month), "day");
	check(c.hour >= 0 && c.hour <= 23 && c.min >= 0 && c.min <= 59 &&
	    c.sec >= 0 && c.sec <= 59, "time of day");
	check(c.wday >= 0 && c.wday <= 6, "weekday");
	check(c.yday >= 1 && c.yday <= 366, "day of year");
}

static void
exercise(struct tz *z)
{
	static const int64_t	fixed[] = {
		INT64_MIN, INT64_MIN + 1, -62135596800LL, -2208988800LL, -1, 0,
		1774746000LL, 1792890000LL, 2216250000LL, 4102444800LL,
		253402300799LL, INT64_MAX - 1, INT64_MAX,
	};
	size_t			i;
	int64_t			t;

	check(strcmp(tz_name(z), "Fuzz/Zone") == 0, "name");
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		probe(z, fixed[i]);
	/* A walk through the years the footer governs. */
	for (t = 2145916800LL; t < 2461449600LL; t += 86400LL * 37 + 3607)
		probe(z, t);
}

/* A v2 zone without transitions whose footer is the input. */
static size_t
wrap_footer(const uint8_t *data, size_t size, unsigned char *out, size_t outsz)
{
	static const unsigned char block_tail[] = {
		0, 0, 0x0e, 0x10, 0, 0,		/* one type: +1h, std, "ZZZ" */
		'Z', 'Z', 'Z', 0,
	};
	size_t	 n = 0, b;

	if (size + 2 * (44 + sizeof(block_tail)) + 2 > outsz ||
	    memchr(data, '\n', size) != NULL)
		return 0;
	for (b = 0; b < 2; b++) {
		memset(out + n, 0, 44);
		memcpy(out + n, "TZif2", 5);
		out[n + 39] = 1;	/* typecnt */
		out[n + 43] = 4;	/* charcnt */
		n += 44;
		memcpy(out + n, block_tail, sizeof(block_tail));
		n += sizeof(block_tail);
	}
	out[n++] = '\n';
	memcpy(out + n, data, size);
	n += size;
	out[n++] = '\n';
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	 wrapped[512];
	struct terr	 err;
	struct tz	*z;
	size_t		 n;

	err.msg[0] = '\0';
	if ((z = tz_parse("Fuzz/Zone", data, size, &err)) != NULL) {
		exercise(z);
		tz_free(z);
	} else
		check(strcmp(err.msg, "malformed time zone information") == 0,
		    "error text");
	if ((n = wrap_footer(data, size, wrapped, sizeof(wrapped))) > 0) {
		z = tz_parse("Fuzz/Zone", wrapped, n, &err);
		check(z != NULL, "wrapped footer zone must load");
		exercise(z);
		tz_free(z);
	}
	return 0;
}
