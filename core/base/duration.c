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
