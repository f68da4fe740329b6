/* tmpl_time.c: the parts of Go's time package that templates reach: layout
 * formatting (t.Format), t.String() and Duration.String(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "civil.h"
#include "duration.h"
#include "tz.h"
#include "tmpl_int.h"

static const char *mon_long[] = { "January", "February", "March", "April",
    "May", "June", "July", "August", "September", "October", "November",
    "December" };
static const char *day_long[] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };

void
gtime_civil(const struct tstamp *t, int64_t *year, int *mon, int *day,
    int *hour, int *min, int *sec, int *wday, int *yday)
{
	int64_t	secs, days;

	days = civil_day_of(t->sec + t->off, &secs);
	civil_from_days(days, year, mon, day);
	*hour = (int)(secs / 3600);
	*min = (int)(secs % 3600 / 60);
	*sec = (int)(secs % 60);
	*wday = civil_weekday(days);
	*yday = civil_yday(*year, *mon, *day);
}

enum std {
	S_NONE, S_LONGMONTH, S_MONTH, S_NUMMONTH, S_ZEROMONTH, S_LONGWEEKDAY,
	S_WEEKDAY, S_DAY, S_UNDERDAY, S_ZERODAY, S_UNDERYEARDAY, S_ZEROYEARDAY,
	S_HOUR, S_HOUR12, S_ZEROHOUR12, S_MINUTE, S_ZEROMINUTE, S_SECOND,
	S_ZEROSECOND, S_LONGYEAR, S_YEAR, S_PM, S_pm, S_TZ,
	S_ISO8601TZ, S_ISO8601SECONDSTZ, S_ISO8601SHORTTZ, S_ISO8601COLONTZ,
	S_ISO8601COLONSECONDSTZ,
	S_NUMTZ, S_NUMSECONDSTZ, S_NUMSHORTTZ, S_NUMCOLONTZ, S_NUMCOLONSECONDSTZ,
	S_FRACSECOND0, S_FRACSECOND9,
};

static bool
starts_lower(const char *s)
{
	return *s >= 'a' && *s <= 'z';
}

static bool
has(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Finds the next layout element at or after s: returns its start, kind and
 * length (and for fractions the digit count), or NULL for none. */
static const char *
next_std(const char *s, enum std *k, size_t *len, int *ndig)
{
	static const enum std zx[] = { S_ZEROMONTH, S_ZERODAY, S_ZEROHOUR12,
	    S_ZEROMINUTE, S_ZEROSECOND, S_YEAR };

	for (; *s; s++) {
		switch (*s) {
		case 'J':
			if (has(s, "Jan")) {
				if (has(s, "January")) {
					*k = S_LONGMONTH, *len = 7;
					return s;
				}
				if (!starts_lower(s + 3)) {
					*k = S_MONTH, *len = 3;
					return s;
				}
			}
			break;
		case 'M':
			if (has(s, "Mon")) {
				if (has(s, "Monday")) {
					*k = S_LONGWEEKDAY, *len = 6;
					return s;
				}
				if (!starts_lower(s + 3)) {
					*k = S_WEEKDAY, *len = 3;
					return s;
				}
			}
			if (has(s, "MST")) {
				*k = S_TZ, *len = 3;
				return s;
			}
			break;
		case '0':
			if (s[1] >= '1' && s[1] <= '6') {
				*k = zx[s[1] - '1'], *len = 2;
				return s;
			}
			if (s[1] == '0' && s[2] == '2') {
				*k = S_ZEROYEARDAY, *len = 3;
				return s;
			}
			break;
		case '1':
			if (s[1] == '5') {
				*k = S_HOUR, *len = 2;
				return s;
			}
			*k = S_NUMMONTH, *len = 1;
			return s;
		case '2':
			if (has(s, "2006")) {
				*k = S_LONGYEAR, *len = 4;
				return s;
			}
			*k = S_DAY, *len = 1;
			return s;
		case '_':
			if (s[1] == '2') {
				if (has(s + 1, "2006")) {
					/* "_2006" is "_" then the year */
					*k = S_LONGYEAR, *len = 4;
					return s + 1;
				}
				*k = S_UNDERDAY, *len = 2;
				return s;
			}
			if (s[1] == '_' && s[2] == '2') {
				*k = S_UNDERYEARDAY, *len = 3;
				return s;
			}
			break;
		case '3':
			*k = S_HOUR12, *len = 1;
			return s;
		case '4':
			*k = S_MINUTE, *len = 1;
			return s;
		case '5':
			*k = S_SECOND, *len = 1;
			return s;
		case 'P':
			if (s[1] == 'M') {
				*k = S_PM, *len = 2;
				return s;
			}
			break;
		case 'p':
			if (s[1] == 'm') {
				*k = S_pm, *len = 2;
				return s;
			}
			break;
		case '-':
			if (has(s, "-070000")) { *k = S_NUMSECONDSTZ, *len = 7; return s; }
			if (has(s, "-07:00:00")) { *k = S_NUMCOLONSECONDSTZ, *len = 9; return s; }
			if (has(s, "-0700")) { *k = S_NUMTZ, *len = 5; return s; }
			if (has(s, "-07:00")) { *k = S_NUMCOLONTZ, *len = 6; return s; }
			if (has(s, "-07")) { *k = S_NUMSHORTTZ, *len = 3; return s; }
			break;
		case 'Z':
			if (has(s, "Z070000")) { *k = S_ISO8601SECONDSTZ, *len = 7; return s; }
			if (has(s, "Z07:00:00")) { *k = S_ISO8601COLONSECONDSTZ, *len = 9; return s; }
			if (has(s, "Z0700")) { *k = S_ISO8601TZ, *len = 5; return s; }
			if (has(s, "Z07:00")) { *k = S_ISO8601COLONTZ, *len = 6; return s; }
			if (has(s, "Z07")) { *k = S_ISO8601SHORTTZ, *len = 3; return s; }
			break;
		case '.':
		case ',':
			if (s[1] == '0' || s[1] == '9') {
				char	c = s[1];
				size_t	j = 1;

				while (s[j] == c)
					j++;
				if (!(s[j] >= '0' && s[j] <= '9')) {
					*k = c == '0' ? S_FRACSECOND0 : S_FRACSECOND9;
					*len = j;
					*ndig = (int)j - 1;
					return s;
				}
			}
			break;
		default:
			break;
		}
	}
	return NULL;
}

static int
add_int(struct buf *b, int64_t v, int width)
{
	if (v < 0)
		return buf_printf(b, "-%0*lld", width, (long long)-v);
	return buf_printf(b, "%0*lld", width, (long long)v);
}

static int
add_frac(struct buf *b, int32_t nsec, int ndig, bool trim, char sep)
{
	char	d[10];
	int	n = ndig > 9 ? 9 : ndig;

	snprintf(d, sizeof(d), "%09d", nsec);
	if (trim) {
		while (n > 0 && d[n - 1] == '0')
			n--;
		if (n == 0)
			return 0;
	}
	if (buf_addc(b, sep) == -1)
		return -1;
	return buf_add(b, d, n);
}

static int
add_zone(struct buf *b, int32_t off, enum std k)
{
	int	z = off < 0 ? -off : off;
	bool	iso = k >= S_ISO8601TZ && k <= S_ISO8601COLONSECONDSTZ;

	if (iso && off == 0)
		return buf_addc(b, 'Z');
	if (buf_addc(b, off < 0 ? '-' : '+') == -1 ||
	    buf_printf(b, "%02d", z / 3600) == -1)
		return -1;
	switch (k) {
	case S_ISO8601TZ: case S_NUMTZ:
		return buf_printf(b, "%02d", z / 60 % 60);
	case S_ISO8601COLONTZ: case S_NUMCOLONTZ:
		return buf_printf(b, ":%02d", z / 60 % 60);
	case S_ISO8601SECONDSTZ: case S_NUMSECONDSTZ:
		return buf_printf(b, "%02d%02d", z / 60 % 60, z % 60);
	case S_ISO8601COLONSECONDSTZ: case S_NUMCOLONSECONDSTZ:
		return buf_printf(b, ":%02d:%02d", z / 60 % 60, z % 60);
	default:
		return 0;
	}
}

int
gtime_format(struct buf *out, const struct tstamp *t, const char *layout)
{
	int64_t		 year;
	int		 mon, day, hour, min, sec, wday, yday, ndig = 0, r = 0;
	const char	*s = layout, *at;
	enum std	 k;
	size_t		 len;

	gtime_civil(t, &year, &mon, &day, &hour, &min, &sec, &wday, &yday);
	while ((at = next_std(s, &k, &len, &ndig)) != NULL) {
		if (buf_add(out, s, at - s) == -1)
			return -1;
		s = at + len;
		switch (k) {
		case S_LONGMONTH: r = buf_adds(out, mon_long[mon - 1]); break;
		case S_MONTH: r = buf_add(out, mon_long[mon - 1], 3); break;
		case S_NUMMONTH: r = buf_printf(out, "%d", mon); break;
		case S_ZEROMONTH: r = buf_printf(out, "%02d", mon); break;
		case S_LONGWEEKDAY: r = buf_adds(out, day_long[wday]); break;
		case S_WEEKDAY: r = buf_add(out, day_long[wday], 3); break;
		case S_DAY: r = buf_printf(out, "%d", day); break;
		case S_UNDERDAY: r = buf_printf(out, "%2d", day); break;
		case S_ZERODAY: r = buf_printf(out, "%02d", day); break;
		case S_UNDERYEARDAY: r = buf_printf(out, "%3d", yday); break;
		case S_ZEROYEARDAY: r = buf_printf(out, "%03d", yday); break;
		case S_HOUR: r = buf_printf(out, "%02d", hour); break;
		case S_HOUR12:
			r = buf_printf(out, "%d", hour % 12 ? hour % 12 : 12);
			break;
		case S_ZEROHOUR12:
			r = buf_printf(out, "%02d", hour % 12 ? hour % 12 : 12);
			break;
		case S_MINUTE: r = buf_printf(out, "%d", min); break;
		case S_ZEROMINUTE: r = buf_printf(out, "%02d", min); break;
		case S_SECOND: r = buf_printf(out, "%d", sec); break;
		case S_ZEROSECOND: r = buf_printf(out, "%02d", sec); break;
		case S_LONGYEAR: r = add_int(out, year, 4); break;
		case S_YEAR: r = buf_printf(out, "%02d", (int)(((year % 100) + 100) % 100)); break;
		case S_PM: r = buf_adds(out, hour >= 12 ? "PM" : "AM"); break;
		case S_pm: r = buf_adds(out, hour >= 12 ? "pm" : "am"); break;
		case S_TZ:
			if (t->zone[0] != '\0')
				r = buf_adds(out, t->zone);
			else {
				int z = (t->off < 0 ? -t->off : t->off) / 60;

				r = buf_printf(out, "%c%02d%02d",
				    t->off < 0 ? '-' : '+', z / 60, z % 60);
			}
			break;
		case S_FRACSECOND0:
			r = add_frac(out, t->nsec, ndig, false, *at);
			break;
		case S_FRACSECOND9:
			r = add_frac(out, t->nsec, ndig, true, *at);
			break;
		case S_NONE:
			break;
		default:
			r = add_zone(out, t->off, k);
			break;
		}
		if (r == -1)
			return -1;
	}
	return buf_adds(out, s);
}

int
gtime_string(struct buf *out, const struct tstamp *t)
{
	return gtime_format(out, t, "2006-01-02 15:04:05.999999999 -0700 MST");
}

int
gduration_string(struct buf *out, int64_t d)
{
	char	s[DURATION_GO_MAX];

	duration_format_go(d, s, sizeof(s));
	return buf_adds(out, s);
}

int
gtime_in_zone(struct tstamp *t, const char *zone, struct terr *err)
{
	struct tz	*tz;
	const char	*abbrev = NULL;
	int32_t		 off = 0;

	if ((tz = tz_load(zone[0] ? zone : "UTC", err)) == NULL)
		return -1;
	tz_lookup(tz, t->sec, &off, &abbrev);
	t->off = off;
	snprintf(t->zone, sizeof(t->zone), "%s", abbrev ? abbrev : "");
	tz_free(tz);
	return 0;
}

static int
parse_num(const char **s, int min, int max, int64_t *out)
{
	int	n = 0;
	int64_t	v = 0;

	while (**s >= '0' && **s <= '9' && n < max) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	if (n < min)
		return -1;
	*out = v;
	return 0;
}

static int
parse_name(const char **s, const char *const *names, int n, size_t len)
{
	for (int i = 0; i < n; i++) {
		size_t l = len ? len : strlen(names[i]);

		if (strncasecmp(*s, names[i], l) == 0) {
			*s += l;
			return i;
		}
	}
	return -1;
}

static int
parse_frac(const char **s, int32_t *nsec)
{
	int32_t	v = 0;
	int	n = 0;

	if (**s != '.' && **s != ',')
		return -1;
	(*s)++;
	if (!(**s >= '0' && **s <= '9'))
		return -1;
	while (**s >= '0' && **s <= '9') {
		if (n < 9) {
			v = v * 10 + (**s - '0');
			n++;
		}
		(*s)++;
	}
	while (n++ < 9)
		v *= 10;
	*nsec = v;
	return 0;
}

/* Matches len bytes of literal layout text at *s, advancing *s over what
 * matched (Go's skip: on failure the value is named from there). */
static int
skip_lit(const char **s, const char *lit, size_t len)
{
	for (size_t i = 0; i < len; i++, (*s)++)
		if (**s != lit[i])
			return -1;
	return 0;
}

/*
 * Go's time.Parse: the layout is cut into the same elements t.Format uses
 * (next_std), literal text between them must match exactly, and each element
 * reads its field from the value. Covered: four- and two-digit years (two
 * digits pivot at 69 as Go's do), month names, abbreviations and numbers,
 * weekday names (read, then ignored, as in Go), plain, space-padded and
 * zero-padded days, 24- and 12-hour clocks with AM/PM, minutes, seconds with
 * a fraction Go accepts even when the layout has none, .000 and .999
 * fractions (comma too), zone abbreviations and every numeric offset form,
 * the ISO ones with Z for UTC. The date is then checked against the month's
 * length, leap years included.
 *
 * Deliberately left out: a zone abbreviation never takes an offset from a
 * location (Go looks it up in the local zone; here it is always offset 0)
 * and is any three to five capitals, without Go's finer rules (GMT+h,
 * ChST); a day of the year is read but not checked against the date, nor
 * does it set one; years are exactly four digits, never signed; literal
 * spaces match exactly. Errors are Go's: "cannot parse" naming the rest of
 * the value and the layout element (or literal text) it failed at, "extra
 * text", and "day out of range"; Go's other range messages ("hour out of
 * range"...) read as "cannot parse" here.
 */
int
gtime_parse(const char *layout, const char *value, struct tstamp *t,
    struct terr *err)
{
	const char	*s = value, *l = layout, *at, *hold = NULL;
	const char	*elem = "";	/* the layout text being matched */
	size_t		 elen = 0;
	enum std	 k;
	size_t		 len;
	int		 ndig = 0;
	int64_t		 year = 1, mon = 1, day = 1, hour = 0, min = 0, sec = 0, v;
	int32_t		 nsec = 0, off = 0;
	bool		 pm = false, pmset = false, haveoff = false;
	char		 zone[16] = "UTC";

	while ((at = next_std(l, &k, &len, &ndig)) != NULL) {
		size_t lit = (size_t)(at - l);

		elem = l;
		elen = lit;
		hold = NULL;
		if (skip_lit(&s, l, lit) == -1)
			goto bad;
		l = at + len;
		elem = at;
		elen = len;
		hold = s;
		switch (k) {
		case S_LONGYEAR:
			if (parse_num(&s, 4, 4, &year) == -1)
				goto bad;
			break;
		case S_YEAR:
			if (parse_num(&s, 2, 2, &v) == -1)
				goto bad;
			year = v >= 69 ? 1900 + v : 2000 + v;
			break;
		case S_LONGMONTH:
			if ((mon = parse_name(&s, mon_long, 12, 0) + 1) == 0)
				goto bad;
			break;
		case S_MONTH:
			if ((mon = parse_name(&s, mon_long, 12, 3) + 1) == 0)
				goto bad;
			break;
		case S_NUMMONTH: case S_ZEROMONTH:
			if (parse_num(&s, k == S_ZEROMONTH ? 2 : 1, 2, &mon) == -1 ||
			    mon < 1 || mon > 12)
				goto bad;
			break;
		case S_LONGWEEKDAY:
			if (parse_name(&s, day_long, 7, 0) < 0)
				goto bad;
			break;
		case S_WEEKDAY:
			if (parse_name(&s, day_long, 7, 3) < 0)
				goto bad;
			break;
		case S_DAY: case S_UNDERDAY: case S_ZERODAY:
			if (k == S_UNDERDAY && *s == ' ')
				s++;
			if (parse_num(&s, k == S_ZERODAY ? 2 : 1, 2, &day) == -1)
				goto bad;
			break;
		case S_UNDERYEARDAY: case S_ZEROYEARDAY:
			while (k == S_UNDERYEARDAY && *s == ' ')
				s++;
			if (parse_num(&s, k == S_ZEROYEARDAY ? 3 : 1, 3, &v) == -1)
				goto bad;
			break;
		case S_HOUR:
			if (parse_num(&s, 2, 2, &hour) == -1 || hour > 23)
				goto bad;
			break;
		case S_HOUR12: case S_ZEROHOUR12:
			if (parse_num(&s, k == S_ZEROHOUR12 ? 2 : 1, 2, &hour) == -1 ||
			    hour > 12)
				goto bad;
			break;
		case S_MINUTE: case S_ZEROMINUTE:
			if (parse_num(&s, k == S_ZEROMINUTE ? 2 : 1, 2, &min) == -1 ||
			    min > 59)
				goto bad;
			break;
		case S_SECOND: case S_ZEROSECOND:
			if (parse_num(&s, k == S_ZEROSECOND ? 2 : 1, 2, &sec) == -1 ||
			    sec > 59)
				goto bad;
			/* Go accepts a fraction after seconds the layout lacks */
			if ((*s == '.' || *s == ',') && s[1] >= '0' && s[1] <= '9') {
				enum std	 k2;
				size_t		 l2;
				int		 d2;
				const char	*nx = next_std(l, &k2, &l2, &d2);

				if (!(nx == l && (k2 == S_FRACSECOND0 ||
				    k2 == S_FRACSECOND9)) &&
				    parse_frac(&s, &nsec) == -1)
					goto bad;
			}
			break;
		case S_PM: case S_pm:
			if (strncasecmp(s, "PM", 2) == 0)
				pm = true;
			else if (strncasecmp(s, "AM", 2) != 0)
				goto bad;
			pmset = true;
			s += 2;
			break;
		case S_TZ: {
			size_t n = 0;

			if (strncmp(s, "UTC", 3) == 0) {
				s += 3;
				break;
			}
			while (s[n] >= 'A' && s[n] <= 'Z' && n < 5)
				n++;
			if (n < 3)
				goto bad;
			snprintf(zone, sizeof(zone), "%.*s", (int)n, s);
			s += n;
			break;
		}
		case S_FRACSECOND0:
			if (parse_frac(&s, &nsec) == -1)
				goto bad;
			break;
		case S_FRACSECOND9:
			if ((*s == '.' || *s == ',') && parse_frac(&s, &nsec) == -1)
				goto bad;
			break;
		case S_NONE:
			break;
		default: {
			/* numeric zones, with Z for UTC in the ISO forms */
			int64_t	 hh = 0, mm = 0, ss = 0;
			int	 sign;
			bool	 iso = k >= S_ISO8601TZ && k <= S_ISO8601COLONSECONDSTZ;
			bool	 colon = k == S_ISO8601COLONTZ || k == S_NUMCOLONTZ ||
				    k == S_ISO8601COLONSECONDSTZ ||
				    k == S_NUMCOLONSECONDSTZ;
			bool	 secs = k == S_ISO8601SECONDSTZ || k == S_NUMSECONDSTZ ||
				    k == S_ISO8601COLONSECONDSTZ ||
				    k == S_NUMCOLONSECONDSTZ;
			bool	 shrt = k == S_ISO8601SHORTTZ || k == S_NUMSHORTTZ;

			if (iso && *s == 'Z') {
				s++;
				haveoff = true;
				off = 0;
				break;
			}
			if (*s != '+' && *s != '-')
				goto bad;
			sign = *s++ == '-' ? -1 : 1;
			if (parse_num(&s, 2, 2, &hh) == -1)
				goto bad;
			if (!shrt) {
				if (colon && *s++ != ':')
					goto bad;
				if (parse_num(&s, 2, 2, &mm) == -1)
					goto bad;
				if (secs && ((colon && *s++ != ':') ||
				    parse_num(&s, 2, 2, &ss) == -1))
					goto bad;
			}
			off = (int32_t)(sign * (hh * 3600 + mm * 60 + ss));
			haveoff = true;
			break;
		}
		}
	}
	elem = l;
	elen = strlen(l);
	hold = NULL;
	if (skip_lit(&s, l, elen) == -1)
		goto bad;
	if (*s != '\0')
		return terr_set(err, "parsing time \"%s\": extra text: \"%s\"",
		    value, s);
	if (pmset) {
		if (hour > 12)
			goto bad;
		if (pm && hour < 12)
			hour += 12;
		else if (!pm && hour == 12)
			hour = 0;
	}
	if (day < 1 || day > civil_days_in_month(year, (int)mon))
		return terr_set(err, "parsing time \"%s\": day out of range", value);
	t->sec = civil_to_days(year, (int)mon, (int)day) * CIVIL_SECS_PER_DAY +
	    hour * 3600 + min * 60 + sec - off;
	t->nsec = nsec;
	t->off = off;
	if (haveoff && off != 0)
		t->zone[0] = '\0';
	else
		snprintf(t->zone, sizeof(t->zone), "%s", zone);
	return 0;
bad:
	/* Go names the value from where the element began */
	if (hold != NULL)
		s = hold;
	return terr_set(err, "parsing time \"%s\" as \"%s\": cannot parse "
	    "\"%s\" as \"%.*s\"", value, layout, s, (int)elen, elem);
}
