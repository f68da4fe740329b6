/* oncalendar.c: the calendar event parser and the next firing time. The
 * syntax and the daylight-saving rules are systemd 252's (systemd.time(7),
 * checked against `systemd-analyze calendar --base-time`): the search runs
 * on the wall clock (the zone's local time counted as if it were UTC) and
 * maps each candidate to its instants with tz_from_local. */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "civil.h"
#include "oncalendar.h"

#define YEAR_MIN	1970
#define YEAR_MAX	2199

enum { C_YEAR, C_MONTH, C_DAY, C_HOUR, C_MIN, C_SEC, NCOMP };

/* A component's values as bits: the year less YEAR_MIN, the others as
 * they are (days 1..31; with from_end, 1 is the month's last day). */
struct comp {
	uint64_t	 bits[4];
	bool		 from_end;
};

struct oncal {
	struct comp	 c[NCOMP];
	unsigned	 wdays;		/* bit 0 = Sunday .. 6 = Saturday */
	char		*zone;		/* NULL: none named */
	size_t		 zone_pos;
};

static const struct {
	const char	*name;
	int		 lo, hi;
} limits[NCOMP] = {
	{ "year", YEAR_MIN, YEAR_MAX },
	{ "month", 1, 12 },
	{ "day", 1, 31 },
	{ "hour", 0, 23 },
	{ "minute", 0, 59 },
	{ "second", 0, 59 },
};

static const char *const shorthands[][2] = {
	{ "minutely", "*-*-* *:*:00" },
	{ "hourly", "*-*-* *:00:00" },
	{ "daily", "*-*-* 00:00:00" },
	{ "weekly", "Mon *-*-* 00:00:00" },
	{ "monthly", "*-*-01 00:00:00" },
	{ "yearly", "*-01-01 00:00:00" },
	{ "annually", "*-01-01 00:00:00" },
	{ "quarterly", "*-01,04,07,10-01 00:00:00" },
	{ "semiannually", "*-01,07-01 00:00:00" },
	{ "semi-annually", "*-01,07-01 00:00:00" },
};

/* Sunday first, as civil_weekday counts. */
static const char *const wday_names[7][2] = {
	{ "sun", "sunday" }, { "mon", "monday" }, { "tue", "tuesday" },
	{ "wed", "wednesday" }, { "thu", "thursday" }, { "fri", "friday" },
	{ "sat", "saturday" },
};

static void
set_bit(struct comp *c, int v)
{
	c->bits[v / 64] |= (uint64_t)1 << (v % 64);
}

static bool
has(const struct comp *c, int v)
{
	return v >= 0 && v < 256 && (c->bits[v / 64] >> (v % 64) & 1);
}

/* Digits s[0..len) into *out; false when not all digits or too many. */
static bool
number(const char *s, size_t len, int *out)
{
	size_t	 i;
	int	 v = 0;

	if (len == 0 || len > 4)
		return false;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* One component, s[0..len): `*` or a comma list of v, a..b, v/n, a..b/n. */
static int
parse_comp(struct oncal *oc, int k, const char *s, size_t len, size_t at,
    size_t *pos, struct terr *err)
{
	struct comp	*c = &oc->c[k];
	int		 lo = limits[k].lo, hi = limits[k].hi, a, b, step, v, off;
	size_t		 i = 0, j, e;

	off = k == C_YEAR ? YEAR_MIN : 0;
	if (len == 1 && s[0] == '*') {
		for (v = lo; v <= hi; v++)
			set_bit(c, v - off);
		return 0;
	}
	while (i <= len) {
		for (j = i; j < len && s[j] != ','; j++)
			;
		/* An item s[i..j): a[..b][/step]. */
		for (e = i; e < j && s[e] != '.' && s[e] != '/'; e++)
			;
		if (!number(s + i, e - i, &a))
			goto bad;
		b = a;
		step = 0;
		if (e + 1 < j && s[e] == '.' && s[e + 1] == '.') {
			size_t f = e + 2;

			for (e = f; e < j && s[e] != '/'; e++)
				;
			if (!number(s + f, e - f, &b))
				goto bad;
		} else if (e < j && s[e] == '.') {
			if (k == C_SEC) {
				*pos = at + e;
				return terr_set(err, "fractional seconds are not "
				    "supported (\"%.*s\")", (int)len, s);
			}
			goto bad;
		}
		if (e < j) {
			if (s[e] != '/' || !number(s + e + 1, j - e - 1, &step) ||
			    step == 0)
				goto bad;
			if (b == a)
				b = hi;
		}
		if (a < lo || b > hi || a > b) {
			*pos = at + i;
			return terr_set(err, "bad %s \"%.*s\": %ss are %d-%d", limits[k].name,
			    (int)(j - i), s + i, limits[k].name, lo, hi);
		}
		/* From the month's end a repetition runs towards it:
		 * `~03/2` is the third last day and the last one. */
		if (c->from_end && step > 0 && b == hi)
			for (v = a; v >= lo; v -= step)
				set_bit(c, v - off);
		else
			for (v = a; v <= b; v += step ? step : 1)
				set_bit(c, v - off);
		i = j + 1;
	}
	return 0;
bad:
	*pos = at + i;
	return terr_set(err, "bad %s \"%.*s\"", limits[k].name, (int)len, s);
}

static int
wday_of(const char *s, size_t len)
{
	int	 d, f;

	for (d = 0; d < 7; d++)
		for (f = 0; f < 2; f++)
			if (strlen(wday_names[d][f]) == len &&
			    strncasecmp(s, wday_names[d][f], len) == 0)
				return d;
	return -1;
}

/* Weekdays: names, lists and ranges in Monday-first order; a trailing comma
 * is allowed ("Mon, 12:34"). Returns 1 when tok is not a weekday list. */
static int
parse_wdays(struct oncal *oc, const char *s, size_t len, size_t at,
    size_t *pos, struct terr *err)
{
	size_t	 i = 0, j, r;
	int	 a, b, d;

	if (!isalpha((unsigned char)s[0]))
		return 1;
	while (i < len) {
		for (j = i; j < len && s[j] != ','; j++)
			;
		for (r = i; r + 1 < j && !(s[r] == '.' && s[r + 1] == '.'); r++)
			;
		if (r + 1 >= j)
			r = j;
		if ((a = wday_of(s + i, r - i)) == -1 || (b = r < j ?
		    wday_of(s + r + 2, j - r - 2) : a) == -1) {
			*pos = at + i;
			return terr_set(err, "bad weekday \"%.*s\"", (int)(j - i), s + i);
		}
		/* Ranges run Monday to Sunday: Sun is 7 there. */
		if ((a ? a : 7) > (b ? b : 7)) {
			*pos = at + i;
			return terr_set(err, "bad weekday range \"%.*s\": ranges "
			    "run from Monday to Sunday", (int)(j - i), s + i);
		}
		for (d = a ? a : 7; d <= (b ? b : 7); d++)
			oc->wdays |= 1u << (d % 7);
		i = j + 1;
	}
	return 0;
}

/* [YEAR-]MONTH-DAY or [YEAR-]MONTH~DAY. */
static int
parse_date(struct oncal *oc, const char *s, size_t len, size_t at,
    size_t *pos, struct terr *err)
{
	size_t	 cut[3], n = 0, i, start;
	bool	 tilde = false;
	int	 k;

	for (i = 0; i < len; i++)
		if (s[i] == '-' || s[i] == '~') {
			if (n == 2 || tilde) {
				*pos = at + i;
				return terr_set(err, "bad date \"%.*s\"", (int)len, s);
			}
			tilde = s[i] == '~';
			cut[n++] = i;
		}
	if (n == 0) {
		*pos = at;
		return terr_set(err, "bad date \"%.*s\"", (int)len, s);
	}
	start = 0;
	oc->c[C_DAY].from_end = tilde;
	for (i = 0; i <= n; i++) {
		size_t end = i < n ? cut[i] : len;

		k = (int)i + (n == 1 ? C_MONTH : C_YEAR);
		if (parse_comp(oc, k, s + start, end - start, at + start, pos,
		    err) == -1)
			return -1;
		start = end + 1;
	}
	if (n == 1)
		parse_comp(oc, C_YEAR, "*", 1, at, pos, err);
	return 0;
}

/* HOUR:MINUTE[:SECOND]. */
static int
parse_time(struct oncal *oc, const char *s, size_t len, size_t at,
    size_t *pos, struct terr *err)
{
	size_t	 cut[2], n = 0, i, start = 0;

	for (i = 0; i < len; i++)
		if (s[i] == ':') {
			if (n == 2) {
				*pos = at + i;
				return terr_set(err, "bad time \"%.*s\"", (int)len, s);
			}
			cut[n++] = i;
		}
	for (i = 0; i <= n; i++) {
		size_t end = i < n ? cut[i] : len;

		if (parse_comp(oc, C_HOUR + (int)i, s + start, end - start,
		    at + start, pos, err) == -1)
			return -1;
		start = end + 1;
	}
	if (n == 1)
		set_bit(&oc->c[C_SEC], 0);
	return 0;
}

static int
parse_into(struct oncal *oc, const char *expr, size_t *pos, struct terr *err)
{
	const char	*tok[5];
	size_t		 tlen[5], at[5], n = 0, i = 0, t = 0;
	bool		 date = false, time = false;
	int		 r;

	if (expr[0] == ' ')
		return terr_set(err, "bad calendar event: a space before it");
	while (expr[i] != '\0') {
		if (n == 4) {
			*pos = i;
			return terr_set(err, "bad calendar event: at most weekdays, "
			    "a date, a time and a zone");
		}
		tok[n] = expr + i;
		at[n] = i;
		while (expr[i] != '\0' && expr[i] != ' ')
			i++;
		tlen[n] = (size_t)(expr + i - tok[n]);
		n++;
		while (expr[i] == ' ')
			i++;
		if (expr[i] == '\0' && expr[i - 1] == ' ') {
			*pos = i - 1;
			return terr_set(err, "bad calendar event: a space after it");
		}
	}
	if (n == 0)
		return terr_set(err, "empty calendar event");
	if ((r = parse_wdays(oc, tok[0], tlen[0], at[0], pos, err)) == -1)
		return -1;
	if (r == 0) {
		/* "Mon, 12:34": the comma ends the list. */
		t = 1;
	} else
		oc->wdays = 0x7f;
	for (; t < n; t++) {
		if (memchr(tok[t], ':', tlen[t]) != NULL && !time) {
			if (parse_time(oc, tok[t], tlen[t], at[t], pos, err) == -1)
				return -1;
			time = true;
		} else if (!date && !time && (isdigit((unsigned char)tok[t][0]) ||
		    tok[t][0] == '*')) {
			if (parse_date(oc, tok[t], tlen[t], at[t], pos, err) == -1)
				return -1;
			date = true;
		} else if (t == n - 1 && (date || time || r == 0) &&
		    isalpha((unsigned char)tok[t][0])) {
			if ((oc->zone = strndup(tok[t], tlen[t])) == NULL)
				return terr_set(err, "out of memory");
			oc->zone_pos = at[t];
		} else {
			*pos = at[t];
			return terr_set(err, "bad calendar event: unexpected \"%.*s\"",
			    (int)tlen[t], tok[t]);
		}
	}
	if (!date) {
		parse_comp(oc, C_YEAR, "*", 1, 0, pos, err);
		parse_comp(oc, C_MONTH, "*", 1, 0, pos, err);
		parse_comp(oc, C_DAY, "*", 1, 0, pos, err);
	}
	if (!time) {
		set_bit(&oc->c[C_HOUR], 0);
		set_bit(&oc->c[C_MIN], 0);
		set_bit(&oc->c[C_SEC], 0);
	}
	return 0;
}

struct oncal *
oncal_parse(const char *expr, size_t *pos, struct terr *err)
{
	struct oncal	*oc;
	char		 full[ONCAL_EXPR_MAX + 64];
	size_t		 unused, i, len;
	ptrdiff_t	 shift = 0;

	if (pos == NULL)
		pos = &unused;
	*pos = 0;
	if (strlen(expr) > ONCAL_EXPR_MAX) {
		terr_set(err, "calendar event longer than %d bytes", ONCAL_EXPR_MAX);
		return NULL;
	}
	if ((oc = calloc(1, sizeof(*oc))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	/* A shorthand, alone or before a zone ("daily Europe/Berlin"), is
	 * read as what it stands for; positions are then moved back. */
	len = strcspn(expr, " ");
	for (i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++)
		if (strlen(shorthands[i][0]) == len &&
		    strncasecmp(expr, shorthands[i][0], len) == 0) {
			snprintf(full, sizeof(full), "%s%s", shorthands[i][1],
			    expr + len);
			shift = (ptrdiff_t)strlen(shorthands[i][1]) - (ptrdiff_t)len;
			expr = full;
			break;
		}
	if (parse_into(oc, expr, pos, err) == -1) {
		*pos = (ptrdiff_t)*pos >= shift ? *pos - (size_t)shift : 0;
		oncal_free(oc);
		return NULL;
	}
	oc->zone_pos -= (size_t)shift;
	return oc;
}

void
oncal_free(struct oncal *c)
{
	if (c == NULL)
		return;
	free(c->zone);
	free(c);
}

const char *
oncal_zone(const struct oncal *c)
{
	return c->zone;
}

size_t
oncal_zone_pos(const struct oncal *c)
{
	return c->zone_pos;
}

/* --- the next match ------------------------------------------------------ */

/* The smallest time of day at or after *h:*m:*s that matches; false when
 * none is left that day. */
static bool
next_time(const struct oncal *c, int *h, int *m, int *s)
{
	int	 hh, mm, ss;
	bool	 tight_h = true, tight_m;

	for (hh = *h; hh <= 23; hh++, tight_h = false) {
		if (!has(&c->c[C_HOUR], hh))
			continue;
		tight_m = tight_h;
		for (mm = tight_h ? *m : 0; mm <= 59; mm++, tight_m = false) {
			if (!has(&c->c[C_MIN], mm))
				continue;
			for (ss = tight_m ? *s : 0; ss <= 59; ss++)
				if (has(&c->c[C_SEC], ss)) {
					*h = hh;
					*m = mm;
					*s = ss;
					return true;
				}
		}
	}
	return false;
}

static bool
day_matches(const struct oncal *c, int64_t y, int mo, int d, int dim)
{
	int64_t	 days = civil_to_days(y, mo, d);

	if (!(c->wdays >> civil_weekday(days) & 1))
		return false;
	return c->c[C_DAY].from_end ? has(&c->c[C_DAY], dim - d + 1) :
	    has(&c->c[C_DAY], d);
}

/* The first wall-clock time (naive seconds) at or after `from` that
 * matches, ONCAL_NEVER if none up to YEAR_MAX. */
static int64_t
next_wall(const struct oncal *c, int64_t from)
{
	int64_t	 y0, y, sod;
	int	 mo0, d0, mo, d, dim, h, m, s;
	bool	 tight = true;

	civil_from_days(civil_day_of(from, &sod), &y0, &mo0, &d0);
	if (y0 < YEAR_MIN) {
		y0 = YEAR_MIN;
		mo0 = d0 = 1;
		sod = 0;
	}
	for (y = y0; y <= YEAR_MAX; y++) {
		if (!has(&c->c[C_YEAR], (int)(y - YEAR_MIN))) {
			tight = false;
			continue;
		}
		for (mo = tight ? mo0 : 1; mo <= 12; mo++) {
			if (!has(&c->c[C_MONTH], mo)) {
				tight = false;
				continue;
			}
			dim = civil_days_in_month(y, mo);
			for (d = tight ? d0 : 1; d <= dim; d++) {
				if (day_matches(c, y, mo, d, dim)) {
					h = tight ? (int)(sod / 3600) : 0;
					m = tight ? (int)(sod / 60 % 60) : 0;
					s = tight ? (int)(sod % 60) : 0;
					if (next_time(c, &h, &m, &s))
						return civil_to_days(y, mo, d) *
						    CIVIL_SECS_PER_DAY + h * 3600 + m * 60 + s;
				}
				tight = false;
			}
			tight = false;
		}
	}
	return ONCAL_NEVER;
}

int64_t
oncal_next(const struct oncal *c, const struct tz *tz, int64_t after)
{
	const char	*ab;
	int64_t		 l, u[2];
	int32_t		 off;
	int		 n, i;

	if (after < -((int64_t)1 << 40) || after > ((int64_t)1 << 40))
		return ONCAL_NEVER;
	tz_lookup(tz, after, &off, &ab);
	for (l = next_wall(c, after + off + 1); l != ONCAL_NEVER;
	    l = next_wall(c, l + 1)) {
		/* Skipped by the clocks: no instant. Shown twice: the first
		 * instant after `after`. */
		n = tz_from_local(tz, l, u);
		for (i = 0; i < n; i++)
			if (u[i] > after)
				return u[i];
	}
	return ONCAL_NEVER;
}

int
oncal_looks_like(const char *expr)
{
	size_t	 i, fields = 0;
	bool	 in = false;

	for (i = 0; expr[i] != '\0'; i++) {
		if (expr[i] != ' ' && !in)
			fields++;
		in = expr[i] != ' ';
	}
	if (fields == 5)
		return 0;
	for (i = 0; i < sizeof(shorthands) / sizeof(shorthands[0]); i++)
		if (strcasecmp(expr, shorthands[i][0]) == 0)
			return 1;
	if (isalpha((unsigned char)expr[0]) || strpbrk(expr, ":~") != NULL ||
	    strstr(expr, "..") != NULL)
		return 1;
	/* A date alone: "2026-12-24", "*-*-01". */
	return fields == 1 && strchr(expr, '-') != NULL;
}
