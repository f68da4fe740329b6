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

/* NULL when memory runs out. Caller frees with time_interval_free. */
struct time_interval *time_interval_new(const char *name);
void	time_interval_free(struct time_interval *ti);
const char *time_interval_name(const struct time_interval *ti);
/* The entry is owned by ti (freed with it); NULL when memory runs out. */
struct ti_entry *time_interval_add_entry(struct time_interval *ti);

/* Each returns -1 on bad syntax with "<field>: <Alertmanager's message>",
 * e.g. "weekdays: start day cannot be before end day" or "days_of_month:
 * strconv.Atoi: parsing \"x\": invalid syntax"; the text after the field is
 * exactly what Alertmanager 0.25 reports, and the caller adds the position.
 * A rejected value leaves the entry unchanged. Names are case-insensitive;
 * an entry's field may be given several times (any range matches). */
int	ti_entry_add_times(struct ti_entry *e, const char *start, const char *end, struct terr *err) WARN_UNUSED;
int	ti_entry_add_weekdays(struct ti_entry *e, const char *range, struct terr *err) WARN_UNUSED;
int	ti_entry_add_days_of_month(struct ti_entry *e, const char *range, struct terr *err) WARN_UNUSED;
int	ti_entry_add_months(struct ti_entry *e, const char *range, struct terr *err) WARN_UNUSED;
int	ti_entry_add_years(struct ti_entry *e, const char *range, struct terr *err) WARN_UNUSED;
/* Takes ownership of zone (NULL means UTC, Alertmanager's default). */
void	ti_entry_set_location(struct ti_entry *e, struct tz *zone);

/* True when the instant (Unix seconds) falls inside any entry; an interval
 * without entries contains nothing, an entry without fields everything.
 * Days of month count calendar days even across DST (Alertmanager 0.25
 * lost a day in a month entering DST; later versions fixed that). */
bool	time_interval_contains(const struct time_interval *ti, int64_t unix_sec);

#endif
