/* wd_clock.h: the injected clock of the watchdog's unit tests, both clocks
 * at one instant and the units the instants are written in. Header-only,
 * like scratch_dir.h, because unit tests are single files. */
#ifndef TOCSIN_TEST_WD_CLOCK_H
#define TOCSIN_TEST_WD_CLOCK_H

#include <stdint.h>

#include "check.h"

/* 2026-11-23T15:00:00Z: wall times only ever appear as offsets from it. */
#define W0	INT64_C(1795273200000)
#define MIN	INT64_C(60000)
#define HOUR	(60 * MIN)

static inline struct wd_time
at(int64_t mono, int64_t wall)
{
	struct wd_time	t = { mono, wall };

	return t;
}

#endif
