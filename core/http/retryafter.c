/* retryafter.c: Retry-After values (retryafter.h). */
#include <ctype.h>
#include <string.h>

#include "civil.h"
#include "retryafter.h"

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const wdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
    "Sat", "Sun" };
static const char *const wdays_long[] = { "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday" };

/* A cursor over the value: each reader consumes what it matched or fails. */
struct cur {
	const char	*p, *end;
};

static int
lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

/* Exactly n digits, or with pad_space a leading space for one of them
 * (asctime's day of month). */
static int
num(struct cur *c, int n, int pad_space, int *out)
{
	int v = 0;

	if ((size_t)(c->end - c->p) < (size_t)n)
		return -1;
	for (int i = 0; i < n; i++) {
		char ch = c->p[i];

		if (i == 0 && pad_space && ch == ' ' && n > 1)
			continue;
		if (!isdigit((unsigned char)ch))
			return -1;
		v = v * 10 + (ch - '0');
	}
	c->p += n;
	*out = v;
	return 0;
}

static int
word(struct cur *c, const char *const *set, int nset)
{
	for (int i = 0; i < nset; i++)
		if (lit(c, set[i]) == 0)
			return i;
	return -1;
}

static int
hms(struct cur *c, int *h, int *m, int *s)
{
	return num(c, 2, 0, h) == -1 || lit(c, ":") == -1 ||
	    num(c, 2, 0, m) == -1 || lit(c, ":") == -1 ||
	    num(c, 2, 0, s) == -1 ? -1 : 0;
}

/* Unix seconds of an HTTP-date taking up all of c, or -1. Go's TimeFormat,
 * RFC850 and ANSIC layouts; the weekday is read, not checked. */
static int64_t
http_date(struct cur c)
{
	struct cur	 t;
	int		 d, mo, y, h, mi, s;

	t = c;		/* Sun, 06 Nov 1994 08:49:37 GMT */
	if (word(&t, wdays, 7) >= 0 && lit(&t, ", ") == 0 &&
	    num(&t, 2, 0, &d) == 0 && lit(&t, " ") == 0 &&
	    (mo = word(&t, months, 12)) >= 0 && lit(&t, " ") == 0 &&
	    num(&t, 4, 0, &y) == 0 && lit(&t, " ") == 0 &&
	    hms(&t, &h, &mi, &s) == 0 && lit(&t, " GMT") == 0 && t.p == t.end)
		goto ok;
	t = c;		/* Sunday, 06-Nov-94 08:49:37 GMT */
	if (word(&t, wdays_long, 7) >= 0 && lit(&t, ", ") == 0 &&
	    num(&t, 2, 0, &d) == 0 && lit(&t, "-") == 0 &&
	    (mo = word(&t, months, 12)) >= 0 && lit(&t, "-") == 0 &&
	    num(&t, 2, 0, &y) == 0 && lit(&t, " ") == 0 &&
	    hms(&t, &h, &mi, &s) == 0 && lit(&t, " GMT") == 0 && t.p == t.end) {
		/* Go's two-digit years: 69-99 are 19xx, 00-68 20xx */
		y += y >= 69 ? 1900 : 2000;
		goto ok;
	}
	t = c;		/* Sun Nov  6 08:49:37 1994 */
	if (word(&t, wdays, 7) >= 0 && lit(&t, " ") == 0 &&
	    (mo = word(&t, months, 12)) >= 0 && lit(&t, " ") == 0 &&
	    num(&t, 2, 1, &d) == 0 && lit(&t, " ") == 0 &&
	    hms(&t, &h, &mi, &s) == 0 && lit(&t, " ") == 0 &&
	    num(&t, 4, 0, &y) == 0 && t.p == t.end)
		goto ok;
	return -1;
ok:
	mo++;
	if (d < 1 || d > civil_days_in_month(y, mo) || h > 23 || mi > 59 ||
	    s > 59)
		return -1;
	return civil_to_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

int64_t
retry_after_ms(const char *v, size_t len, int64_t now_ms)
{
	struct cur	 c = { v, v + len };
	int64_t		 secs = 0, at;
	int		 digits = 0;

	while (c.p < c.end && (*c.p == ' ' || *c.p == '\t'))
		c.p++;
	while (c.end > c.p && isspace((unsigned char)c.end[-1]))
		c.end--;
	if (c.p < c.end && isdigit((unsigned char)*c.p)) {
		while (c.p < c.end && isdigit((unsigned char)*c.p) && digits < 9) {
			secs = secs * 10 + (*c.p++ - '0');
			digits++;
		}
		return secs * 1000;
	}
	if ((at = http_date(c)) == -1)
		return -1;
	return at * 1000 > now_ms ? at * 1000 - now_ms : 0;
}
