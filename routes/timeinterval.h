/* timeinterval.h: Alertmanager's time_intervals (timeinterval package).
 *
 * A named interval is a list of time_intervals entries; each entry matches
 * when every one of its set fields (times, weekdays, days_of_month, months,
 * years) matches the instant in its location. The fields take Alertmanager's
 * string syntax ("09:00"-"17:00", "monday:friday", "-3:-1", "january:march",
 * "2020:2022"), so the config loader hands over the YAML scalars unchanged. */
#ifndef TOCSIN_TIMEINTERVAL_H
#define TOCSIN_TIMEINTERVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "tz.h"

struct time_interval;	/* opaque: one named interval (a list of entries) */
struct ti_entry;	/* one entry of that list */

struct time_interval *time_interval_new(const char *name);
void	time_interval_free(struct time_interval *ti);
const char *time_interval_name(const struct time_interval *ti);
struct ti_entry *time_interval_add_entry(struct time_interval *ti);

/* Each returns -1 with an Alertmanager-like message on bad syntax. */
int	ti_entry_add_times(struct ti_entry *e, const char *start, const char *end, struct terr *err) WARN_UNUSED;
int	ti_entry_add_weekdays(struct ti_entry *e, const char *range, struct terr *err) WARN_UNUSED;
int	ti_entry_add_days_of_month(struct ti_entry *e, const char *range, struct terr *err) WARN_UNUSED;
int	ti_entry_add_months(struct ti_entry *e, const char *range, struct terr *err) WARN_UNUSED;
int	ti_entry_add_years(struct ti_entry *e, const char *range, struct terr *err) WARN_UNUSED;
/* Takes ownership of zone (NULL means UTC, Alertmanager's default). */
void	ti_entry_set_location(struct ti_entry *e, struct tz *zone);

/* True when the instant (Unix seconds) falls inside any entry. */
bool	time_interval_contains(const struct time_interval *ti, int64_t unix_sec);

#endif
