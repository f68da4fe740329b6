/* cron.h: five-field cron expressions as Debian's cron (and cronsim, the
 * library Healthchecks uses) reads them, and the next time one fires in a
 * time zone, daylight-saving gaps and repeats included. No I/O. */
#ifndef TOCSIN_CRON_H
#define TOCSIN_CRON_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tz.h"

/* "Never fires again" (no match within 50 years, as cronsim gives up;
 * ONCAL_NEVER is the same value). */
#define CRON_NEVER	INT64_MAX
/* Longest expression accepted. */
#define CRON_EXPR_MAX	256

struct cron;	/* opaque, immutable; safe to share between threads */

/* Parses "minute hour day-of-month month day-of-week": numbers, `*`,
 * ranges `a-b`, steps `x/n`, lists `a,b`, month and weekday names (jan-dec,
 * sun-sat, any case), 7 for Sunday, and cronsim's extensions: `L` and `LW`
 * as the day of the month, `5L` (the month's last Friday) and `MON#2` (its
 * second Monday) as the day of the week. On error returns NULL, err says
 * what is wrong ("bad minute \"61\": minutes are 0-59") and *pos (may be
 * NULL) gets the byte offset in expr of the field at fault. Caller frees
 * with cron_free. */
struct cron *cron_parse(const char *expr, size_t *pos, struct terr *err);
void	cron_free(struct cron *c);

/* A check's schedule: a systemd calendar event when expr has that shape
 * (oncal_looks_like: `daily`, `Mon..Fri 03:00`, `*-*-01 04:00
 * Europe/Berlin`), which cron_next then follows by systemd's rules, else a
 * cron expression (cron_parse). Same errors and *pos. */
struct cron *cron_parse_schedule(const char *expr, size_t *pos, struct terr *err);
/* The zone a calendar event names at its end, and its byte offset in the
 * expression into *pos; NULL when none is named. */
const char *cron_zone(const struct cron *c, size_t *pos);

/* The first instant (Unix seconds) strictly after `after` at which c fires
 * in tz, CRON_NEVER if none within 50 years. As Debian's cron and cronsim:
 * an expression with a fixed minute and hour (neither field starts with
 * `*`) fires by the wall clock: at a time the clocks skip, at the first
 * valid minute after it (`30 2 * * *` at 03:00 on the night Europe/Berlin
 * springs forward), and once in an hour the clocks repeat (the first
 * pass). Other expressions fire at every instant whose wall-clock time
 * matches: `0 * * * *` twice in a repeated hour, never in a skipped one. */
int64_t	cron_next(const struct cron *c, const struct tz *tz, int64_t after);

#endif
