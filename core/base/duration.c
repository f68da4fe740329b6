/* duration.c: model.Duration parsing and formatting as prometheus/common does
 * it, with the same overflow limit (Go's time.Duration counts nanoseconds). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"

struct unit {
	const char	*name;
	int64_t		 ms;
};

/* In the only order a duration string may use them. */
static const struct unit units[] = {
	{ "y", INT64_C(365) * 24 * 3600 * 1000 },
	{ "w", INT64_C(7) * 24 * 3600 * 1000 },
	{ "d", INT64_C(24) * 3600 * 1000 },
	{ "h", INT64_C(3600) * 1000 },
	{ "m", INT64_C(60) * 1000 },
	{ "s", INT64_C(1000) },
	{ "ms", INT64_C(1) },
};
#define NUNITS (sizeof(units) / sizeof(units[0]))
#define NS_PER_MS INT64_C(1000000)

int
duration_parse(const char *s, int64_t *ms, struct terr *err)
{
	const char	*p = s;
	size_t		 next = 0, i, ulen;
	int64_t		 total_ns = 0, n;
	bool		 overflow = false, any = false;

	if (strcmp(s, "") == 0)
		return terr_set(err, "empty duration string");
	if (strcmp(s, "0") == 0) {
		*ms = 0;
		return 0;
	}
	while (*p != '\0') {
		if (*p < '0' || *p > '9')
			goto bad;
		n = 0;
		while (*p >= '0' && *p <= '9') {
			if (n > (INT64_MAX - (*p - '0')) / 10)
				overflow = true;	/* Atoi saturates: out of range */
			else
				n = n * 10 + (*p - '0');
			p++;
		}
		/* "ms" must win over "m" followed by garbage. */
		for (i = next; i < NUNITS; i++) {
			ulen = strlen(units[i].name);
			if (strncmp(p, units[i].name, ulen) == 0 &&
			    !(ulen == 1 && units[i].name[0] == 'm' && p[1] == 's'))
				break;
		}
		if (i == NUNITS)
			goto bad;
		p += ulen;
		next = i + 1;
		any = true;
		if (overflow || n > INT64_MAX / units[i].ms / NS_PER_MS) {
			overflow = true;
			continue;
		}
		if (total_ns > INT64_MAX - n * units[i].ms * NS_PER_MS)
			overflow = true;
		else
			total_ns += n * units[i].ms * NS_PER_MS;
	}
	if (!any)
		goto bad;
	if (overflow)
		return terr_set(err, "duration out of range");
	*ms = total_ns / NS_PER_MS;
	return 0;
bad:
	return terr_set(err, "not a valid duration string: \"%s\"", s);
}

void
duration_format(int64_t ms, char *out, size_t len)
{
	size_t	 i, off = 0;
	int64_t	 v;
	int	 r;

	if (len == 0)
		return;
	out[0] = '\0';
	if (ms == 0) {
		snprintf(out, len, "0s");
		return;
	}
	for (i = 0; i < NUNITS; i++) {
		v = ms / units[i].ms;
		ms -= v * units[i].ms;
		if (v == 0)
			continue;
		r = snprintf(out + off, len - off, "%lld%s", (long long)v,
		    units[i].name);
		if (r < 0 || (size_t)r >= len - off)
			return;
		off += (size_t)r;
	}
}

/* ---- Go's time.ParseDuration ---- */

#define GO_MAX	(UINT64_C(1) << 63)	/* what the sum may reach before the sign */

struct go_unit {
	const char	*name;
	uint64_t	 ns;
};

static const struct go_unit go_units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 },		/* U+00B5 MICRO SIGN */
	{ "\xce\xbcs", 1000 },		/* U+03BC GREEK SMALL LETTER MU */
	{ "ms", UINT64_C(1000000) },
	{ "s", UINT64_C(1000000000) },
	{ "m", UINT64_C(60000000000) },
	{ "h", UINT64_C(3600000000000) },
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The integer part; false when it goes over 1<<63, as Go's leadingInt. */
static bool
go_leading_int(const char **p, uint64_t *out)
{
	uint64_t	 x = 0;

	for (; is_digit(**p); (*p)++) {
		if (x > GO_MAX / 10)
			return false;
		x = x * 10 + (uint64_t)(**p - '0');
		if (x > GO_MAX)
			return false;
	}
	*out = x;
	return true;
}

/* The digits after the point: as many as fit, the rest read and dropped,
 * as Go's leadingFraction. */
static void
go_leading_fraction(const char **p, uint64_t *f, double *scale)
{
	bool	 overflow = false;
	uint64_t y;

	*f = 0;
	*scale = 1;
	for (; is_digit(**p); (*p)++) {
		if (overflow)
			continue;
		if (*f > (GO_MAX - 1) / 10) {
			overflow = true;
			continue;
		}
		y = *f * 10 + (uint64_t)(**p - '0');
		if (y > GO_MAX) {
			overflow = true;
			continue;
		}
		*f = y;
		*scale *= 10;
	}
}

int
duration_parse_go(const char *s, int64_t *ns, struct terr *err)
{
	const char	*p = s, *u;
	uint64_t	 d = 0, v, f;
	double		 scale;
	bool		 neg = false, pre, post;
	size_t		 ulen, i;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (strcmp(p, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (*p == '\0')
		goto invalid;
	while (*p != '\0') {
		if (*p != '.' && !is_digit(*p))
			goto invalid;
		u = p;
		if (!go_leading_int(&p, &v))
			goto invalid;
		pre = p != u;
		post = false;
		f = 0;
		scale = 1;
		if (*p == '.') {
			u = ++p;
			go_leading_fraction(&p, &f, &scale);
			post = p != u;
		}
		if (!pre && !post)
			goto invalid;
		for (ulen = 0; p[ulen] != '\0' && p[ulen] != '.' && !is_digit(p[ulen]);
		    ulen++)
			;
		if (ulen == 0)
			return terr_set(err, "time: missing unit in duration \"%s\"", s);
		for (i = 0; i < sizeof(go_units) / sizeof(go_units[0]); i++)
			if (strlen(go_units[i].name) == ulen &&
			    strncmp(p, go_units[i].name, ulen) == 0)
				break;
		if (i == sizeof(go_units) / sizeof(go_units[0]))
			return terr_set(err, "time: unknown unit \"%.*s\" in duration "
			    "\"%s\"", (int)ulen, p, s);
		p += ulen;
		if (v > GO_MAX / go_units[i].ns)
			goto invalid;
		v *= go_units[i].ns;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)go_units[i].ns / scale));
			if (v > GO_MAX)
				goto invalid;
		}
		if (v > GO_MAX - d)
			goto invalid;
		d += v;
	}
	if (neg) {
		*ns = d == GO_MAX ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > GO_MAX - 1)
		goto invalid;
	*ns = (int64_t)d;
	return 0;
invalid:
	return terr_set(err, "time: invalid duration \"%s\"", s);
}

/* Go's fmtFrac: the fraction of v/10^prec without trailing zeros. */
static void
dur_frac(char *buf, int *w, uint64_t *v, int prec)
{
	bool print = false;

	for (int i = 0; i < prec; i++) {
		int digit = (int)(*v % 10);

		print = print || digit != 0;
		if (print)
			buf[--(*w)] = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		buf[--(*w)] = '.';
}

static void
dur_int(char *buf, int *w, uint64_t v)
{
	if (v == 0) {
		buf[--(*w)] = '0';
		return;
	}
	while (v > 0) {
		buf[--(*w)] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
duration_format_go(int64_t d, char *out, size_t len)
{
	char		buf[DURATION_GO_MAX];
	int		w = sizeof(buf);
	uint64_t	u = (uint64_t)d;
	bool		neg = d < 0;

	if (neg)
		u = -u;
	if (u < 1000000000ULL) {
		int prec;

		if (u == 0) {
			snprintf(out, len, "0s");
			return;
		}
		buf[--w] = 's';
		if (u < 1000ULL) {
			prec = 0;
			buf[--w] = 'n';
		} else if (u < 1000000ULL) {
			prec = 3;
			buf[--w] = (char)0xb5;
			buf[--w] = (char)0xc2;
		} else {
			prec = 6;
			buf[--w] = 'm';
		}
		dur_frac(buf, &w, &u, prec);
		dur_int(buf, &w, u);
	} else {
		buf[--w] = 's';
		dur_frac(buf, &w, &u, 9);
		dur_int(buf, &w, u % 60);
		u /= 60;
		if (u > 0) {
			buf[--w] = 'm';
			dur_int(buf, &w, u % 60);
			u /= 60;
			if (u > 0) {
				buf[--w] = 'h';
				dur_int(buf, &w, u);
			}
		}
	}
	if (neg)
		buf[--w] = '-';
	snprintf(out, len, "%.*s", (int)(sizeof(buf) - (size_t)w), buf + w);
}
