/* cron.c: the cron expression parser and the next firing time. The syntax
 * and the daylight-saving rules follow cronsim (Healthchecks' library), which
 * follows Debian's cron; docs/WATCHDOG.md lists them. The search runs on the
 * wall clock ("naive" seconds: the zone's local time counted as if it were
 * UTC) and maps each candidate to instants with tz_from_local. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "cron.h"
#include "oncalendar.h"

#define NFIELDS		5
/* A step or value this large already means "once": keeps the sums small. */
#define NUM_CAP		100000
/* cronsim stops looking after 50 years without a match. */
#define YEARS_MAX	50
/* Debian's cron treats clock changes under three hours as DST; no zone
 * moves its clocks by more than that at once, which bounds how far before
 * a start the wall clock can lie. */
#define SHIFT_MAX	(3 * 3600)

enum field_id { F_MINUTE, F_HOUR, F_DOM, F_MONTH, F_DOW };

struct field {
	const char		 *name;
	const char		 *hint;
	int			  min, max;
	const char *const	 *names;	/* NULL or max - min + 1 (DOW: 7) */
	int			  base;		/* value of names[0] */
};

static const char *const month_names[] = { "JAN", "FEB", "MAR", "APR", "MAY",
    "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL };
static const char *const day_names[] = { "SUN", "MON", "TUE", "WED", "THU",
    "FRI", "SAT", NULL };

static const struct field fields[NFIELDS] = {
	{ "minute", "minutes are 0-59", 0, 59, NULL, 0 },
	{ "hour", "hours are 0-23", 0, 23, NULL, 0 },
	{ "day-of-month", "days of the month are 1-31, L or LW", 1, 31, NULL, 0 },
	{ "month", "months are 1-12 or jan-dec", 1, 12, month_names, 1 },
	{ "day-of-week", "days of the week are 0-7 or sun-sat, with 5L for "
	    "the last Friday or mon#2 for the second Monday", 0, 7, day_names, 0 },
};

/* One field's values: bit v for value v, plus the day fields' specials. */
struct set {
	uint64_t	 bits;
	bool		 last;		/* day of month L */
	bool		 lastwd;	/* day of month LW */
	uint8_t		 wlast;		/* day of week nL: bit n (0..6) */
	uint8_t		 nth[6];	/* day of week n#k: nth[k], bit n */
};

struct cron {
	struct set	 f[NFIELDS];
	bool		 day_and;	/* either day field starts with '*' */
	bool		 wall;		/* fixed minute and hour: by the wall clock */
	struct oncal	*oc;		/* a calendar event instead (oncalendar.h) */
};

/* A number as cronsim's _int takes it: digits only, not empty. */
static int
parse_num(const char *s, size_t len, int *out)
{
	size_t	i;
	int	v = 0;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v < NUM_CAP)
			v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* A value of the field: one of its names or a number in its range. */
static int
parse_value(const struct field *f, const char *s, size_t len, int *out)
{
	int	i;

	for (i = 0; f->names != NULL && f->names[i] != NULL; i++)
		if (strlen(f->names[i]) == len && memcmp(f->names[i], s, len) == 0) {
			*out = f->base + i;
			return 0;
		}
	if (parse_num(s, len, out) == -1 || *out < f->min || *out > f->max)
		return -1;
	return 0;
}

static void
add_range(struct set *st, int from, int to, int step)
{
	int	v;

	for (v = from; v <= to; v += step)
		st->bits |= (uint64_t)1 << v;
}

static int
popcount64(uint64_t x)
{
	int	n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

/* One term of a field (s is upper case), in cronsim's order of forms. */
static int
parse_term(const struct field *f, enum field_id id, const char *s, size_t len,
    struct set *st)
{
	const char	*sep;
	struct set	 sub;
	int		 a, b, step, v, k;

	if (len == 1 && s[0] == '*') {
		add_range(st, f->min, f->max, 1);
		return 0;
	}
	if ((sep = memchr(s, ',', len)) != NULL) {
		if (parse_term(f, id, s, (size_t)(sep - s), st) == -1)
			return -1;
		return parse_term(f, id, sep + 1, len - (size_t)(sep - s) - 1, st);
	}
	if (id == F_DOW && memchr(s, 'L', len) != NULL) {
		if (parse_num(s, len - 1, &v) == -1 || v > f->max)
			return -1;
		st->wlast |= 1u << (v % 7);
		return 0;
	}
	if (id == F_DOW && (sep = memchr(s, '#', len)) != NULL) {
		if (parse_num(sep + 1, len - (size_t)(sep - s) - 1, &k) == -1 ||
		    k < 1 || k > 5 ||
		    parse_value(f, s, (size_t)(sep - s), &v) == -1)
			return -1;
		st->nth[k] |= 1u << (v % 7);
		return 0;
	}
	if ((sep = memchr(s, '/', len)) != NULL) {
		if (parse_num(sep + 1, len - (size_t)(sep - s) - 1, &step) == -1 ||
		    step == 0)
			return -1;
		memset(&sub, 0, sizeof(sub));
		if (parse_term(f, id, s, (size_t)(sep - s), &sub) == -1)
			return -1;
		if (sub.bits == 0) {	/* L/n and LW/n are L and LW */
			st->last |= sub.last;
			st->lastwd |= sub.lastwd;
			return 0;
		}
		/* A single value starts a range to the field's end; a range
		 * or a list keeps every step-th of its values. */
		if (popcount64(sub.bits) == 1) {
			add_range(st, __builtin_ctzll(sub.bits), f->max, step);
			return 0;
		}
		for (k = 0, v = f->min; v <= f->max; v++)
			if (sub.bits & ((uint64_t)1 << v) && k++ % step == 0)
				st->bits |= (uint64_t)1 << v;
		return 0;
	}
	if ((sep = memchr(s, '-', len)) != NULL) {
		if (parse_value(f, s, (size_t)(sep - s), &a) == -1 ||
		    parse_value(f, sep + 1, len - (size_t)(sep - s) - 1, &b) == -1 ||
		    b < a)
			return -1;
		add_range(st, a, b, 1);
		return 0;
	}
	if (id == F_DOM && len == 2 && memcmp(s, "LW", 2) == 0) {
		st->lastwd = true;
		return 0;
	}
	if (id == F_DOM && len == 1 && s[0] == 'L') {
		st->last = true;
		return 0;
	}
	if (parse_value(f, s, len, &v) == -1)
		return -1;
	st->bits |= (uint64_t)1 << v;
	return 0;
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	    ch == '\v' || ch == '\f';
}

struct cron *
cron_parse(const char *expr, size_t *pos, struct terr *err)
{
	static const int dim_max[13] = { 0, 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	struct cron	*c;
	char		 up[CRON_EXPR_MAX + 1];
	size_t		 start[NFIELDS + 1], flen[NFIELDS + 1], i, n = 0, len;
	int		 m, maxdim = 0, mindom;

	if (pos != NULL)
		*pos = 0;
	if ((len = strlen(expr)) > CRON_EXPR_MAX) {
		terr_set(err, "cron expression longer than %d bytes", CRON_EXPR_MAX);
		return NULL;
	}
	for (i = 0; i <= len; i++)
		up[i] = expr[i] >= 'a' && expr[i] <= 'z' ? expr[i] - 'a' + 'A' :
		    expr[i];
	for (i = 0; i < len; ) {
		while (i < len && is_space(up[i]))
			i++;
		if (i == len)
			break;
		if (n == NFIELDS) {
			n++;
			break;
		}
		start[n] = i;
		while (i < len && !is_space(up[i]))
			i++;
		flen[n] = i - start[n];
		n++;
	}
	if (n != NFIELDS) {
		if (pos != NULL && n > NFIELDS)
			*pos = i;
		terr_set(err, "cron expression needs 5 fields (minute hour "
		    "day-of-month month day-of-week), not %s", n > NFIELDS ?
		    "more" : n == 0 ? "none" : "fewer");
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	for (i = 0; i < NFIELDS; i++)
		if (parse_term(&fields[i], (enum field_id)i, up + start[i], flen[i],
		    &c->f[i]) == -1) {
			if (pos != NULL)
				*pos = start[i];
			terr_set(err, "bad %s \"%.*s\": %s", fields[i].name,
			    (int)flen[i], expr + start[i], fields[i].hint);
			cron_free(c);
			return NULL;
		}
	/* As cronsim: days that no selected month has (30 2) never fire. */
	if (c->f[F_DOM].bits != 0 && !c->f[F_DOM].last && !c->f[F_DOM].lastwd) {
		mindom = __builtin_ctzll(c->f[F_DOM].bits);
		for (m = 1; m <= 12; m++)
			if (c->f[F_MONTH].bits & ((uint64_t)1 << m) &&
			    dim_max[m] > maxdim)
				maxdim = dim_max[m];
		if (mindom > 29 && mindom > maxdim) {
			if (pos != NULL)
				*pos = start[F_DOM];
			terr_set(err, "bad day-of-month \"%.*s\": no selected month "
			    "has day %d", (int)flen[F_DOM], expr + start[F_DOM],
			    mindom);
			cron_free(c);
			return NULL;
		}
	}
	/* Vixie cron: a day field starting with '*' makes both day fields
	 * one condition (AND); two restricted day fields are either (OR). */
	c->day_and = up[start[F_DOM]] == '*' || up[start[F_DOW]] == '*';
	c->wall = up[start[F_MINUTE]] != '*' && up[start[F_HOUR]] != '*';
	return c;
}

void
cron_free(struct cron *c)
{
	if (c != NULL)
		oncal_free(c->oc);
	free(c);
}

struct cron *
cron_parse_schedule(const char *expr, size_t *pos, struct terr *err)
{
	struct cron	*c;

	if (!oncal_looks_like(expr))
		return cron_parse(expr, pos, err);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	if ((c->oc = oncal_parse(expr, pos, err)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

const char *
cron_zone(const struct cron *c, size_t *pos)
{
	if (c->oc == NULL || oncal_zone(c->oc) == NULL)
		return NULL;
	*pos = oncal_zone_pos(c->oc);
	return oncal_zone(c->oc);
}

/* --- the next match ------------------------------------------------------ */

static int
last_weekday(int64_t y, int m)
{
	int	dim = civil_days_in_month(y, m);
	int	wd = civil_weekday(civil_to_days(y, m, dim));

	return wd == 0 ? dim - 2 : wd == 6 ? dim - 1 : dim;
}

static bool
has(const struct set *st, int v)
{
	return (st->bits >> v) & 1;
}

static bool
match_day(const struct cron *c, int64_t days, int64_t y, int m, int d)
{
	const struct set *dom = &c->f[F_DOM], *dow = &c->f[F_DOW];
	int	 wd = civil_weekday(days), dim = civil_days_in_month(y, m);
	bool	 a, b;

	a = has(dom, d) || (dom->last && d == dim) ||
	    (dom->lastwd && d == last_weekday(y, m));
	b = has(dow, wd) || (wd == 0 && has(dow, 7)) ||
	    ((dow->wlast >> wd) & 1 && d + 7 > dim) ||
	    ((dow->nth[(d + 6) / 7] >> wd) & 1);
	return c->day_and ? a && b : a || b;
}

/* The first value >= v in the set, -1 if none up to max. */
static int
next_in(const struct set *st, int v, int max)
{
	for (; v <= max; v++)
		if (has(st, v))
			return v;
	return -1;
}

/* The first wall-clock minute at or after t (naive seconds) that matches,
 * CRON_NEVER after the year limit. Skips whole months, days and hours. */
static int64_t
next_wall(const struct cron *c, int64_t t, int64_t ylimit)
{
	int64_t	days, sod, y;
	int	m, d, h, mi, v;

	if (t > INT64_MAX / 2)
		return CRON_NEVER;
	t += ((60 - t % 60) % 60 + 60) % 60;
	for (;;) {
		days = civil_day_of(t, &sod);
		civil_from_days(days, &y, &m, &d);
		if (y > ylimit)
			return CRON_NEVER;
		if (!has(&c->f[F_MONTH], m)) {
			t = (m == 12 ? civil_to_days(y + 1, 1, 1) :
			    civil_to_days(y, m + 1, 1)) * CIVIL_SECS_PER_DAY;
			continue;
		}
		if (!match_day(c, days, y, m, d)) {
			t = (days + 1) * CIVIL_SECS_PER_DAY;
			continue;
		}
		h = (int)(sod / 3600);
		mi = (int)(sod / 60 % 60);
		if ((v = next_in(&c->f[F_HOUR], h, 23)) != h) {
			t = days * CIVIL_SECS_PER_DAY + (v < 0 ? CIVIL_SECS_PER_DAY :
			    (int64_t)v * 3600);
			continue;
		}
		if ((v = next_in(&c->f[F_MINUTE], mi, 59)) != mi) {
			t = days * CIVIL_SECS_PER_DAY + (int64_t)h * 3600 +
			    (v < 0 ? 3600 : (int64_t)v * 60);
			continue;
		}
		return t;
	}
}

static int64_t
wall_of(const struct tz *tz, int64_t t)
{
	const char	*ab;
	int32_t		 off;

	tz_lookup(tz, t, &off, &ab);
	return t + off;
}

static int64_t
year_limit(const struct tz *tz, int64_t after)
{
	int64_t	y;
	int	m, d;

	civil_from_days(civil_day_of(wall_of(tz, after), NULL), &y, &m, &d);
	return y + YEARS_MAX;
}

/* Fixed minute and hour: by the wall clock. A time in a gap fires at the
 * first valid minute after it, a repeated one at its first pass. cronsim
 * walks wall-clock times from the start's, so a start in the second pass
 * of a repeated hour could yield the first pass, before the start; here the
 * result is always after the start (that run has happened). */
static int64_t
next_by_wall(const struct cron *c, const struct tz *tz, int64_t after,
    int64_t ylimit)
{
	int64_t	l, g, u[2];
	int	n, i;

	for (l = next_wall(c, wall_of(tz, after) + 1, ylimit); l != CRON_NEVER;
	    l = next_wall(c, l + 1, ylimit)) {
		n = tz_from_local(tz, l, u);
		for (g = l, i = 0; n == 0 && i < 24 * 60; i++)
			n = tz_from_local(tz, g += 60, u);
		if (n > 0 && u[0] > after)
			return u[0];
	}
	return CRON_NEVER;
}

/* Any other expression: the first instant after `after` whose wall-clock
 * time matches. Usually the offset is the same at both ends and the first
 * wall-clock match is the answer; across a change of offset every
 * candidate from SHIFT_MAX before is mapped and the earliest instant wins
 * (in a repeated hour, later wall-clock times can be earlier instants). */
static int64_t
next_by_instant(const struct cron *c, const struct tz *tz, int64_t after,
    int64_t ylimit)
{
	const char	*ab;
	int64_t		 l, u[2], cand, best = CRON_NEVER;
	int32_t		 off, off2;
	int		 n, i;

	tz_lookup(tz, after + 1, &off, &ab);
	if ((l = next_wall(c, after + 1 + off, ylimit)) == CRON_NEVER)
		return CRON_NEVER;
	cand = l - off;
	tz_lookup(tz, cand, &off2, &ab);
	/* Two days hold at most one change of offset in any zone in use. */
	if (off2 == off && cand - after <= 2 * CIVIL_SECS_PER_DAY)
		return cand;
	for (l = next_wall(c, after + 1 + off - SHIFT_MAX, ylimit);
	    l != CRON_NEVER; l = next_wall(c, l + 60, ylimit)) {
		if (best != CRON_NEVER && l > wall_of(tz, best) + SHIFT_MAX)
			break;
		n = tz_from_local(tz, l, u);
		for (i = 0; i < n; i++)
			if (u[i] > after && u[i] < best)
				best = u[i];
	}
	return best;
}

int64_t
cron_next(const struct cron *c, const struct tz *tz, int64_t after)
{
	int64_t	ylimit;

	if (c->oc != NULL)
		return oncal_next(c->oc, tz, after);
	/* Far from the ends of int64: the sums below stay exact. */
	if (after < -((int64_t)1 << 52) || after > ((int64_t)1 << 52))
		return CRON_NEVER;
	ylimit = year_limit(tz, after);
	return c->wall ? next_by_wall(c, tz, after, ylimit) :
	    next_by_instant(c, tz, after, ylimit);
}
