/* tz.h: IANA time zones read from the system's zoneinfo (TZif files), so that
 * times can be shown in, and intervals evaluated in, any named location
 * without touching the process-wide TZ. */
#ifndef TOCSIN_TZ_H
#define TOCSIN_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct tz;	/* opaque, immutable; safe to share between threads */

/* Loads "UTC", "Local" or an IANA name like "Europe/Berlin" (rejecting names
 * that would escape the zoneinfo directory). Caller frees with tz_free.
 *
 * Behaves like Go's time.LoadLocation: "" and "UTC" are UTC without a file;
 * other names are read from $TZDIR (default /usr/share/zoneinfo); "Local" is
 * $TZ (":name", "/path" or "name") or /etc/localtime, falling back to UTC, and
 * is named as Go names it ("Local" for /etc/localtime, else the TZ value or
 * "UTC"). Errors carry Go's texts: "unknown time zone X", "time: invalid
 * location name", "malformed time zone information". */
struct tz *tz_load(const char *name, struct terr *err);
/* Parses TZif data (versions 1-4; the 64-bit part of v2+ and its POSIX TZ
 * footer) as the zone called name. Never reads outside data[0..len). Returns
 * NULL with err set on malformed data. Caller frees with tz_free. */
struct tz *tz_parse(const char *name, const unsigned char *data, size_t len,
	    struct terr *err);
/* Frees a zone from tz_load/tz_parse; NULL and tz_utc() are ignored. */
void	tz_free(struct tz *tz);
const char *tz_name(const struct tz *tz);
/* A shared, immutable UTC zone; never freed. */
const struct tz *tz_utc(void);

/* The offset (seconds east of UTC) and abbreviation in force at unix_sec.
 * The abbreviation is owned by the zone. */
void	tz_lookup(const struct tz *tz, int64_t unix_sec, int32_t *off,
	    const char **abbrev);

/* The instants whose wall-clock time in tz is local_sec (seconds since
 * 1970-01-01T00:00 of that zone's wall clock), earliest first, into out:
 * returns 1 for an ordinary time, 2 for a time the clocks show twice (the
 * hour repeated when DST ends) and 0 for one they skip (the gap when DST
 * starts). Offsets are sampled a day either side, so zones whose offset
 * changes twice within two days (no current zone) may miss a candidate. */
int	tz_from_local(const struct tz *tz, int64_t local_sec, int64_t out[2]);

/* The wall-clock view of an instant in a zone, as Go's Time methods give it
 * after t.In(zone): what a formatter and the time intervals need. */
struct tz_civil {
	int64_t	 year;
	int	 month;		/* 1..12 */
	int	 day;		/* 1..31 */
	int	 hour;		/* 0..23 */
	int	 min;
	int	 sec;
	int	 wday;		/* 0 = Sunday .. 6 */
	int	 yday;		/* 1..366, as Go's YearDay */
	int32_t	 off;		/* seconds east of UTC */
	const char *abbrev;	/* owned by the zone */
};
void	tz_breakdown(const struct tz *tz, int64_t unix_sec, struct tz_civil *c);

#endif
