/* fuzz_prober.c: libFuzzer target for the judgement of Prometheus's query
 * answers. Whatever the body, the verdict must be a known status whose age
 * agrees with it, the reason one line of valid UTF-8 that fits, and a larger
 * max_age may only turn stale into fresh, never change anything else. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prober.h"

#define FUZZ_NAME "fuzz_prober"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SHORT_MS	((int64_t)1000)
#define LONG_MS		((int64_t)600 * 1000)

static void
sane(const struct probe_result *r, int64_t max_age_ms)
{
	double	max_s = (double)max_age_ms / 1000;
	size_t	n = strnlen(r->reason, sizeof(r->reason));

	check(strcmp(probe_status_name(r->status), "unknown") != 0, "status");
	check(n > 0 && n < sizeof(r->reason), "reason empty or unterminated");
	for (const unsigned char *p = (const unsigned char *)r->reason; *p; p++)
		check(*p >= 0x20 && *p != 0x7f, "control byte in reason");
	check(valid_utf8(r->reason), "invalid UTF-8 in reason");
	switch (r->status) {
	case PROBE_FRESH:
		check(r->age_s <= max_s, "fresh but older than max_age");
		break;
	case PROBE_STALE:
		check(!(r->age_s <= max_s), "stale but within max_age");
		break;
	default:
		check(isnan(r->age_s), "an age without values");
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long	 statuses[] = { 200, 400, 422, 503 };
	struct probe_result	 shortr, longr, again;
	const char		*body = (const char *)data;

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		prober_judge(statuses[i], body, size, SHORT_MS, &shortr);
		sane(&shortr, SHORT_MS);
		prober_judge(statuses[i], body, size, LONG_MS, &longr);
		sane(&longr, LONG_MS);
		if (shortr.status == PROBE_FRESH)
			check(longr.status == PROBE_FRESH, "fresh turned stale");
		else if (shortr.status != PROBE_STALE)
			check(longr.status == shortr.status &&
			    strcmp(longr.reason, shortr.reason) == 0,
			    "max_age changed a non-age verdict");
		prober_judge(statuses[i], body, size, LONG_MS, &again);
		check(again.status == longr.status &&
		    strcmp(again.reason, longr.reason) == 0, "not deterministic");
	}
	return 0;
}
