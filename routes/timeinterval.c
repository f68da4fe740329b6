/* timeinterval.c: Alertmanager's time_intervals: parsing of the string
 * syntax with its exact validation messages, and evaluation of an instant in
 * each entry's location. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "timeinterval.h"

/* An inclusive range, except for times, whose end minute is exclusive. */
struct ti_range {
	int64_t		 begin;
	int64_t		 end;
};

/* n == 0 means the field is not set and matches everything. */
struct ti_ranges {
	struct ti_range	*v;
	size_t		 n;
};

struct ti_entry {
	struct ti_ranges times;
	struct ti_ranges weekdays;
	struct ti_ranges mdays;
	struct ti_ranges months;
	struct ti_ranges years;
	struct tz	*loc;		/* NULL: UTC */
};

struct time_interval {
	char		 *name;
	struct ti_entry	**v;		/* pointers, so entries never move */
	size_t		  n;
};

static const char *const weekday_names[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday",
};

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
};

/* How a member of a range is read, and what a bad one is called. */
enum member_kind {
	MEMBER_INT,
	MEMBER_WEEKDAY,
	MEMBER_MONTH,
};

struct time_interval *
time_interval_new(const char *name)
{
	struct time_interval *ti;

	if ((ti = calloc(1, sizeof(*ti))) == NULL)
		return NULL;
	if ((ti->name = strdup(name ? name : "")) == NULL) {
		free(ti);
		return NULL;
	}
	return ti;
}

static void
entry_free(struct ti_entry *e)
{
	free(e->times.v);
	free(e->weekdays.v);
	free(e->mdays.v);
	free(e->months.v);
	free(e->years.v);
	tz_free(e->loc);
	free(e);
}

void
time_interval_free(struct time_interval *ti)
{
	size_t i;

	if (ti == NULL)
		return;
	for (i = 0; i < ti->n; i++)
		entry_free(ti->v[i]);
	free(ti->v);
	free(ti->name);
	free(ti);
}

const char *
time_interval_name(const struct time_interval *ti)
{
	return ti->name;
}

struct ti_entry *
time_interval_add_entry(struct time_interval *ti)
{
	struct ti_entry	**v, *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if ((v = reallocarray(ti->v, ti->n + 1, sizeof(*v))) == NULL) {
		free(e);
		return NULL;
	}
	ti->v = v;
	ti->v[ti->n++] = e;
	return e;
}

static int
ranges_add(struct ti_ranges *r, int64_t begin, int64_t end, struct terr *err)
{
	struct ti_range *v;

	if ((v = reallocarray(r->v, r->n + 1, sizeof(*v))) == NULL)
		return terr_set(err, "out of memory");
	r->v = v;
	r->v[r->n].begin = begin;
	r->v[r->n].end = end;
	r->n++;
	return 0;
}

/* Go's %q for the error texts of strconv, close enough for ASCII input. */
static void
go_quote(const char *s, char *out, size_t outsz)
{
	size_t	o = 0;
	char	tmp[8];
	int	n;

	if (outsz < 3)
		return;
	out[o++] = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			n = snprintf(tmp, sizeof(tmp), "\\%c", c);
		else if (c == '\n')
			n = snprintf(tmp, sizeof(tmp), "\\n");
		else if (c == '\t')
			n = snprintf(tmp, sizeof(tmp), "\\t");
		else if (c == '\r')
			n = snprintf(tmp, sizeof(tmp), "\\r");
		else if (c < 0x20 || c == 0x7f)
			n = snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		else
			n = snprintf(tmp, sizeof(tmp), "%c", c);
		if (n < 0 || o + (size_t)n + 2 > outsz)
			break;
		memcpy(out + o, tmp, (size_t)n);
		o += (size_t)n;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* strconv.Atoi: optional sign, decimal digits, 64-bit range, and its two
 * error texts. */
static int
go_atoi(const char *s, int64_t *out, struct terr *err)
{
	const char	*p = s;
	char		 q[TERR_MAX / 2];
	uint64_t	 n = 0, lim;
	bool		 neg = false;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (*p == '\0')
		goto syntax;
	/* Like Go, digits are read as unsigned 64-bit (overflowing there is a
	 * range error even before a later bad character), then bounded. */
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			goto syntax;
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			goto range;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (n > lim)
		goto range;
	*out = neg ? (int64_t)(0 - n) : (int64_t)n;
	return 0;
 range:
	go_quote(s, q, sizeof(q));
	return terr_set(err, "strconv.Atoi: parsing %s: value out of range", q);
 syntax:
	go_quote(s, q, sizeof(q));
	return terr_set(err, "strconv.Atoi: parsing %s: invalid syntax", q);
}

static int
member(enum member_kind kind, const char *s, int64_t *out, struct terr *err)
{
	struct terr	ignored;
	int		i;

	switch (kind) {
	case MEMBER_WEEKDAY:
		for (i = 0; i < 7; i++)
			if (strcmp(s, weekday_names[i]) == 0) {
				*out = i;
				return 0;
			}
		return terr_set(err, "%s is not a valid weekday", s);
	case MEMBER_MONTH:
		for (i = 0; i < 12; i++)
			if (strcmp(s, month_names[i]) == 0) {
				*out = i + 1;
				return 0;
			}
		/* Numbers are taken unchecked: Alertmanager accepts 13 too. */
		if (go_atoi(s, out, &ignored) == -1)
			return terr_set(err, "%s is not a valid month", s);
		return 0;
	default:
		return go_atoi(s, out, err);
	}
}

/* "a:b" or "a", lower-cased first (names are case-insensitive and the
 * messages show the lower-cased text, as in Alertmanager). */
static int
parse_range(enum member_kind kind, const char *in, int64_t *begin,
    int64_t *end, struct terr *err)
{
	char	*s, *colon;
	size_t	 i;
	int	 rc = -1;

	if ((s = strdup(in)) == NULL)
		return terr_set(err, "out of memory");
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
	if ((colon = strchr(s, ':')) != NULL) {
		if (strchr(colon + 1, ':') != NULL) {
			terr_set(err, "couldn't parse range %s, invalid format", s);
			goto done;
		}
		*colon = '\0';
		if (member(kind, s, begin, err) == -1 ||
		    member(kind, colon + 1, end, err) == -1)
			goto done;
	} else {
		if (member(kind, s, begin, err) == -1)
			goto done;
		*end = *begin;
	}
	rc = 0;
 done:
	free(s);
	return rc;
}

/* "HH:MM" from 00:00 to 23:59, or 24:00; minutes of the day. */
static int
parse_time(const char *s, int64_t *mins, struct terr *err)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' ||
	    s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' ||
	    s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		goto bad;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m != 0))
		goto bad;
	*mins = h * 60 + m;
	return 0;
 bad:
	return terr_set(err, "couldn't parse timestamp %s, invalid format", s);
}

int
ti_entry_add_times(struct ti_entry *e, const char *start, const char *end,
    struct terr *err)
{
	int64_t	b, f;

	if (start == NULL || end == NULL || *start == '\0' || *end == '\0')
		return terr_set(err, "times: both start and end times must be provided");
	if (parse_time(start, &b, err) == -1 || parse_time(end, &f, err) == -1)
		return terr_prefix(err, "times");
	if (b >= f)
		return terr_set(err, "times: start time cannot be equal or greater than end time");
	if (ranges_add(&e->times, b, f, err) == -1)
		return terr_prefix(err, "times");
	return 0;
}

int
ti_entry_add_weekdays(struct ti_entry *e, const char *range, struct terr *err)
{
	int64_t	b, f;

	if (parse_range(MEMBER_WEEKDAY, range, &b, &f, err) == -1)
		return terr_prefix(err, "weekdays");
	if (b > f)
		return terr_set(err, "weekdays: start day cannot be before end day");
	if (ranges_add(&e->weekdays, b, f, err) == -1)
		return terr_prefix(err, "weekdays");
	return 0;
}

int
ti_entry_add_days_of_month(struct ti_entry *e, const char *range,
    struct terr *err)
{
	int64_t	b, f, cb, cf;

	if (parse_range(MEMBER_INT, range, &b, &f, err) == -1)
		return terr_prefix(err, "days_of_month");
	if (b == 0 || b < -31 || b > 31)
		return terr_set(err, "days_of_month: %lld is not a valid day of the month: out of range",
		    (long long)b);
	if (f == 0 || f < -31 || f > 31)
		return terr_set(err, "days_of_month: %lld is not a valid day of the month: out of range",
		    (long long)f);
	if (b < 0 && f > 0)
		return terr_set(err, "days_of_month: end day must be negative if start day is negative");
	/* Only ranges that are empty in every month (judged on the shortest,
	 * 28 days) are rejected; the rest is clamped when evaluated. */
	cb = b < 0 ? 28 + b : b;
	cf = f < 0 ? 28 + f : f;
	if (cb > cf)
		return terr_set(err, "days_of_month: end day %lld is always before start day %lld",
		    (long long)f, (long long)b);
	if (ranges_add(&e->mdays, b, f, err) == -1)
		return terr_prefix(err, "days_of_month");
	return 0;
}

int
ti_entry_add_months(struct ti_entry *e, const char *range, struct terr *err)
{
	int64_t	b, f;

	if (parse_range(MEMBER_MONTH, range, &b, &f, err) == -1)
		return terr_prefix(err, "months");
	if (b > f)
		return terr_set(err, "months: end month %s is before start month %s",
		    f >= 1 && f <= 12 ? month_names[f - 1] : "",
		    b >= 1 && b <= 12 ? month_names[b - 1] : "");
	if (ranges_add(&e->months, b, f, err) == -1)
		return terr_prefix(err, "months");
	return 0;
}

int
ti_entry_add_years(struct ti_entry *e, const char *range, struct terr *err)
{
	int64_t	b, f;

	if (parse_range(MEMBER_INT, range, &b, &f, err) == -1)
		return terr_prefix(err, "years");
	if (b > f)
		return terr_set(err, "years: end year %lld is before start year %lld",
		    (long long)f, (long long)b);
	if (ranges_add(&e->years, b, f, err) == -1)
		return terr_prefix(err, "years");
	return 0;
}

void
ti_entry_set_location(struct ti_entry *e, struct tz *zone)
{
	tz_free(e->loc);
	e->loc = zone;
}

static bool
in_ranges(const struct ti_ranges *r, int64_t v)
{
	size_t i;

	if (r->n == 0)
		return true;
	for (i = 0; i < r->n; i++)
		if (v >= r->v[i].begin && v <= r->v[i].end)
			return true;
	return false;
}

static int64_t
clamp(int64_t n, int64_t lo, int64_t hi)
{
	return n <= lo ? lo : n >= hi ? hi : n;
}

/* Negative days count from the month's end (-1 is the last day); a range
 * reaching past a short month's edge is clamped to it, and one starting
 * after the month's end does not match, as in Alertmanager. */
static bool
in_mdays(const struct ti_ranges *r, const struct tz_civil *c)
{
	int64_t	dim, b, f;
	size_t	i;

	if (r->n == 0)
		return true;
	/* Calendar days: Alertmanager 0.25 derived this from elapsed hours,
	 * which loses a day in a month that enters DST; later versions count
	 * the calendar, and so do we. */
	dim = civil_days_in_month(c->year, c->month);
	for (i = 0; i < r->n; i++) {
		b = r->v[i].begin < 0 ? dim + r->v[i].begin + 1 : r->v[i].begin;
		f = r->v[i].end < 0 ? dim + r->v[i].end + 1 : r->v[i].end;
		if (b > dim)
			continue;
		b = clamp(b, -dim, dim);
		f = clamp(f, -dim, dim);
		if (c->day >= b && c->day <= f)
			return true;
	}
	return false;
}

static bool
entry_contains(const struct ti_entry *e, int64_t unix_sec)
{
	struct tz_civil	 c;
	size_t		 i;
	int64_t		 mins;
	bool		 in;

	tz_breakdown(e->loc ? e->loc : tz_utc(), unix_sec, &c);
	if (e->times.n > 0) {
		/* The end minute is exclusive: 09:00-17:00 ends at 16:59. */
		mins = c.hour * 60 + c.min;
		in = false;
		for (i = 0; i < e->times.n && !in; i++)
			in = mins >= e->times.v[i].begin && mins < e->times.v[i].end;
		if (!in)
			return false;
	}
	return in_mdays(&e->mdays, &c) && in_ranges(&e->months, c.month) &&
	    in_ranges(&e->weekdays, c.wday) && in_ranges(&e->years, c.year);
}

bool
time_interval_contains(const struct time_interval *ti, int64_t unix_sec)
{
	size_t i;

	for (i = 0; i < ti->n; i++)
		if (entry_contains(ti->v[i], unix_sec))
			return true;
	return false;
}
