/* oncalendar.h: systemd's calendar events (OnCalendar= of a timer unit,
 * systemd.time(7)) as systemd 252 reads them, and the next time one fires
 * in a time zone, by systemd's daylight-saving rules. No I/O: a zone the
 * expression names is handed back by name for the caller to load. */
#ifndef TOCSIN_ONCALENDAR_H
#define TOCSIN_ONCALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tz.h"

/* "Never fires again": no match up to the year 2199, systemd's last. */
#define ONCAL_NEVER	INT64_MAX
/* Longest expression accepted. */
#define ONCAL_EXPR_MAX	256

struct oncal;	/* opaque, immutable; safe to share between threads */

/*
 * Parses "[WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]] [ZONE]" or
 * one of minutely, hourly, daily, weekly, monthly, yearly, annually,
 * quarterly, semiannually, semi-annually (any case). Weekdays are names
 * (Mon or Monday, any case), lists (`Mon,Fri`) and ranges (`Mon..Fri`, not
 * wrapping); the other fields `*` or lists of values, ranges `a..b` and
 * repetitions `a/n`, `a..b/n`; `~` before the day counts from the month's
 * end (`*-02~01`: its last day). A missing date is every day, a missing time
 * midnight, missing seconds 0. Fractional seconds are refused (tocsin
 * schedules whole seconds). On error returns NULL, err says what is wrong
 * and *pos (may be NULL) gets the byte offset of the part at fault. Caller
 * frees with oncal_free.
 */
struct oncal *oncal_parse(const char *expr, size_t *pos, struct terr *err);
void	oncal_free(struct oncal *c);
/* The zone the expression ends with ("Europe/Berlin", "UTC"), or NULL. */
const char *oncal_zone(const struct oncal *c);
/* Its byte offset in the expression (for errors about it). */
size_t	oncal_zone_pos(const struct oncal *c);

/*
 * The first instant (Unix seconds) strictly after `after` at which c fires
 * in tz, ONCAL_NEVER if none. As systemd: the wall-clock times after the
 * wall-clock time of `after` are tried in order, each at its first instant
 * later than `after`; a time the clocks skip does not fire (`02:30` is
 * skipped the night Europe/Berlin springs forward), and a time they show
 * twice fires once (the first pass, unless `after` lies in the second).
 */
int64_t	oncal_next(const struct oncal *c, const struct tz *tz, int64_t after);

/* Whether expr has the shape of a calendar event rather than of a five-field
 * cron expression: a shorthand, a weekday name first, or a `:`, `~` or
 * `..` anywhere, or a date, and not five fields. */
int	oncal_looks_like(const char *expr);

#endif
