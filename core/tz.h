/* tz.h: IANA time zones read from the system's zoneinfo (TZif files), so that
 * times can be shown in, and intervals evaluated in, any named location
 * without touching the process-wide TZ. */
#ifndef TOCSIN_TZ_H
#define TOCSIN_TZ_H

#include <stdint.h>

#include "err.h"

struct tz;	/* opaque, immutable; safe to share between threads */

/* Loads "UTC", "Local" or an IANA name like "Europe/Berlin" (rejecting names
 * that would escape the zoneinfo directory). Caller frees with tz_free. */
struct tz *tz_load(const char *name, struct terr *err);
void	tz_free(struct tz *tz);
const char *tz_name(const struct tz *tz);

/* The offset (seconds east of UTC) and abbreviation in force at unix_sec. */
void	tz_lookup(const struct tz *tz, int64_t unix_sec, int32_t *off,
	    const char **abbrev);

#endif
