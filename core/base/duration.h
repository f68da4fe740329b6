/* duration.h: Prometheus/Alertmanager durations (model.Duration): "1d2h30m",
 * units y w d h m s ms, each at most once and in that order; "0" is zero. */
#ifndef TOCSIN_DURATION_H
#define TOCSIN_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Parses s into milliseconds. Errors read like Alertmanager's:
 * `not a valid duration string: "5x"`, `empty duration string`,
 * `duration out of range` (beyond Go's time.Duration, about 292 years). */
int	duration_parse(const char *s, int64_t *ms, struct terr *err) WARN_UNUSED;
/* Parses s as Go's time.ParseDuration does (the time.Duration fields of
 * Alertmanager's config, such as a receiver's timeout): an optional sign,
 * then decimal numbers, each with a fraction allowed, and a unit among ns,
 * us (or U+00B5 / U+03BC and s), ms, s, m, h, in any order; "0" needs no
 * unit. *ns gets nanoseconds. Errors are Go's: `time: invalid duration "x"`,
 * `time: missing unit in duration "5"`, `time: unknown unit "d" in
 * duration "1d"`. */
int	duration_parse_go(const char *s, int64_t *ns, struct terr *err) WARN_UNUSED;
/* Formats like model.Duration.String(): "1d2h30m", "0s", "1w", "1y". Needs at
 * most 64 bytes. */
void	duration_format(int64_t ms, char *out, size_t len);
/* Formats nanoseconds like Go's time.Duration.String(): "1.5s", "1m30s",
 * "1h0m0s", "500ms", "0s" (Alertmanager writes a time.Duration so in its
 * messages and templates print them so). Needs at most DURATION_GO_MAX
 * bytes. */
#define DURATION_GO_MAX	40
void	duration_format_go(int64_t ns, char *out, size_t len);

#endif
