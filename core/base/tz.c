/* tz.c: TZif reader and zone lookups (RFC 8536 and the POSIX TZ footer), with
 * Go's time.LoadLocation naming and error texts so that configs behave as in
 * Alertmanager. Zones are immutable after loading: no locks, no process TZ. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "civil.h"
#include "tz.h"

#define TZ_NAME_MAX	256
#define TZ_ABBR_MAX	32
/* Real TZif files are a few KiB; anything this big is not a zone. */
#define TZ_FILE_MAX	((size_t)256 << 10)
#define TZ_FOOTER_MAX	128
#define TZ_DEFAULT_DIR	"/usr/share/zoneinfo"

#define ERR_MALFORMED	"malformed time zone information"

struct tz_type {
	int32_t		 off;
	bool		 isdst;
	uint32_t	 abbr;		/* index into chars, checked < nchars */
};

/* One transition rule of the footer: Jn (1..365, no Feb 29), n (0..365) or
 * Mm.w.d, and the local time of day it takes effect. */
struct tz_rule {
	char		 kind;		/* 'J', 'D' or 'M' */
	int		 day;
	int		 week;
	int		 mon;
	int32_t		 time;
};

/* The POSIX TZ string that governs instants after the last transition. */
struct tz_footer {
	bool		 valid;
	bool		 has_dst;
	char		 stdname[TZ_ABBR_MAX];
	char		 dstname[TZ_ABBR_MAX];
	int32_t		 stdoff;	/* seconds east, unlike the string */
	int32_t		 dstoff;
	struct tz_rule	 start;
	struct tz_rule	 end;
};

struct tz {
	char		 name[TZ_NAME_MAX];
	int64_t		*tx;		/* strictly ascending */
	uint8_t		*txtype;	/* each < ntypes */
	size_t		 ntx;
	struct tz_type	*types;
	size_t		 ntypes;	/* 0 only for UTC: no data at all */
	char		*chars;		/* nchars bytes plus a NUL */
	size_t		 nchars;
	size_t		 first;		/* type before the first transition */
	struct tz_footer ft;
};

/* Immutable, so sharing it needs no synchronisation. */
static const struct tz tz_utc_zone = { .name = "UTC" };

/* Bounds-checked reading of the file image. */
struct rd {
	const unsigned char	*p;
	size_t			 len;
	size_t			 off;
};

struct tzhead {
	int		 version;
	uint32_t	 isutcnt;
	uint32_t	 isstdcnt;
	uint32_t	 leapcnt;
	uint32_t	 timecnt;
	uint32_t	 typecnt;
	uint32_t	 charcnt;
};

/* --- POSIX TZ footer ------------------------------------------------------ */

/* A decimal number in [min, max]; the cursor moves past it. */
static bool
ft_num(const char **sp, int min, int max, int *out)
{
	const char	*s = *sp;
	int		 n = 0;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		n = n * 10 + (*s - '0');
		if (n > max)
			return false;
		s++;
	}
	if (n < min)
		return false;
	*sp = s;
	*out = n;
	return true;
}

/* An abbreviation: <quoted> or at least three characters up to a digit,
 * sign or comma. */
static bool
ft_name(const char **sp, char *out)
{
	const char	*s = *sp, *e;
	size_t		 n;

	if (*s == '<') {
		if ((e = strchr(s + 1, '>')) == NULL)
			return false;
		n = (size_t)(e - (s + 1));
		s++;
		*sp = e + 1;
	} else {
		n = strcspn(s, "0123456789,-+");
		if (n < 3)
			return false;
		*sp = s + n;
	}
	if (n >= TZ_ABBR_MAX)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* [+-]hh[:mm[:ss]], hours up to a week as tzcode allows. */
static bool
ft_offset(const char **sp, int32_t *out)
{
	const char	*s = *sp;
	bool		 neg = false;
	int		 h, m = 0, sec = 0;

	if (*s == '+')
		s++;
	else if (*s == '-') {
		neg = true;
		s++;
	}
	if (!ft_num(&s, 0, 24 * 7, &h))
		return false;
	if (*s == ':') {
		s++;
		if (!ft_num(&s, 0, 59, &m))
			return false;
		if (*s == ':') {
			s++;
			if (!ft_num(&s, 0, 59, &sec))
				return false;
		}
	}
	*out = (int32_t)(h * 3600 + m * 60 + sec);
	if (neg)
		*out = -*out;
	*sp = s;
	return true;
}

static bool
ft_rule(const char **sp, struct tz_rule *r)
{
	const char *s = *sp;

	memset(r, 0, sizeof(*r));
	if (*s == 'J') {
		s++;
		r->kind = 'J';
		if (!ft_num(&s, 1, 365, &r->day))
			return false;
	} else if (*s == 'M') {
		s++;
		r->kind = 'M';
		if (!ft_num(&s, 1, 12, &r->mon) || *s++ != '.' ||
		    !ft_num(&s, 1, 5, &r->week) || *s++ != '.' ||
		    !ft_num(&s, 0, 6, &r->day))
			return false;
	} else {
		r->kind = 'D';
		if (!ft_num(&s, 0, 365, &r->day))
			return false;
	}
	r->time = 2 * 3600;	/* POSIX default: 02:00 local */
	if (*s == '/') {
		s++;
		if (!ft_offset(&s, &r->time))
			return false;
	}
	*sp = s;
	return true;
}

/* Parses e.g. "CET-1CEST,M3.5.0,M10.5.0/3"; false leaves the zone to its
 * last transition, as Go does with a string it cannot use. */
static bool
ft_parse(const char *s, struct tz_footer *f)
{
	memset(f, 0, sizeof(*f));
	if (!ft_name(&s, f->stdname) || !ft_offset(&s, &f->stdoff))
		return false;
	/* The string counts west of UTC; offsets here count east. */
	f->stdoff = -f->stdoff;
	if (*s == '\0' || *s == ',') {
		f->valid = true;
		return true;
	}
	if (!ft_name(&s, f->dstname))
		return false;
	if (*s == '\0' || *s == ',')
		f->dstoff = f->stdoff + 3600;
	else {
		if (!ft_offset(&s, &f->dstoff))
			return false;
		f->dstoff = -f->dstoff;
	}
	if (*s == '\0')
		s = ",M3.2.0,M11.1.0";	/* tzcode's default rules */
	if (*s != ',' && *s != ';')
		return false;
	s++;
	if (!ft_rule(&s, &f->start) || *s++ != ',' || !ft_rule(&s, &f->end) ||
	    *s != '\0')
		return false;
	f->has_dst = true;
	f->valid = true;
	return true;
}

/* Seconds from the start of the (UTC) year to the moment the rule fires,
 * given the offset in force just before it. */
static int64_t
rule_time(int64_t year, const struct tz_rule *r, int32_t off)
{
	int64_t	days, first;
	int	d, dim, i;

	switch (r->kind) {
	case 'J':
		/* Jn never counts Feb 29. */
		days = r->day - 1;
		if (civil_is_leap(year) && r->day >= 60)
			days++;
		break;
	case 'D':
		days = r->day;
		break;
	default:
		first = civil_to_days(year, r->mon, 1);
		/* Day of month (0-based) of the first wanted weekday. */
		d = (r->day - civil_weekday(first) + 7) % 7;
		dim = civil_days_in_month(year, r->mon);
		/* Week 5 means the last one, which may be the 4th. */
		for (i = 1; i < r->week && d + 7 < dim; i++)
			d += 7;
		days = first - civil_to_days(year, 1, 1) + d;
		break;
	}
	return days * CIVIL_SECS_PER_DAY + r->time - off;
}

static void
ft_lookup(const struct tz_footer *f, int64_t t, int32_t *off, const char **abbrev)
{
	int64_t	days, year, ysec, sod, start, end;
	int	m, d;
	bool	dst;

	if (!f->has_dst) {
		*off = f->stdoff;
		*abbrev = f->stdname;
		return;
	}
	/* Like Go, the rules are placed in the UTC year of the instant. */
	days = civil_day_of(t, &sod);
	civil_from_days(days, &year, &m, &d);
	ysec = (days - civil_to_days(year, 1, 1)) * CIVIL_SECS_PER_DAY + sod;
	start = rule_time(year, &f->start, f->stdoff);
	end = rule_time(year, &f->end, f->dstoff);
	if (start <= end)
		dst = ysec >= start && ysec < end;
	else	/* southern hemisphere: DST spans the new year */
		dst = ysec < end || ysec >= start;
	*off = dst ? f->dstoff : f->stdoff;
	*abbrev = dst ? f->dstname : f->stdname;
}

/* --- TZif ------------------------------------------------------------------ */

static const unsigned char *
rd_take(struct rd *r, uint64_t n)
{
	const unsigned char *p;

	if (n > r->len - r->off)
		return NULL;
	p = r->p + r->off;
	r->off += (size_t)n;
	return p;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int
read_header(struct rd *r, struct tzhead *h)
{
	const unsigned char *p;

	if ((p = rd_take(r, 44)) == NULL || memcmp(p, "TZif", 4) != 0)
		return -1;
	if (p[4] == 0)
		h->version = 1;
	else if (p[4] >= '2' && p[4] <= '4')
		h->version = p[4] - '0';
	else
		return -1;
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return 0;
}

/* Bytes of the data block after a header; 64-bit math, counts are 32-bit. */
static uint64_t
block_size(const struct tzhead *h, unsigned tsize)
{
	return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 +
	    h->charcnt + (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt +
	    h->isutcnt;
}

static int
read_block(struct rd *r, const struct tzhead *h, unsigned tsize, struct tz *z)
{
	const unsigned char	*p;
	size_t			 i;

	/* Transition indexes are bytes, so at most 256 types. The counts of the
	 * skipped 32-bit block of a v2+ file only have to fit in the file. */
	if (h->typecnt == 0 || h->typecnt > 256 ||
	    block_size(h, tsize) > r->len - r->off)
		return -1;
	z->ntx = h->timecnt;
	z->ntypes = h->typecnt;
	z->nchars = h->charcnt;
	/* +1: calloc(0) may return NULL, and chars needs its terminator. */
	if ((z->tx = calloc(z->ntx + 1, sizeof(*z->tx))) == NULL ||
	    (z->txtype = calloc(z->ntx + 1, 1)) == NULL ||
	    (z->types = calloc(z->ntypes, sizeof(*z->types))) == NULL ||
	    (z->chars = calloc(z->nchars + 1, 1)) == NULL)
		return -1;
	p = rd_take(r, (uint64_t)z->ntx * tsize);
	for (i = 0; i < z->ntx; i++) {
		z->tx[i] = tsize == 8 ? be64(p + 8 * i) : (int32_t)be32(p + 4 * i);
		if (i > 0 && z->tx[i] <= z->tx[i - 1])
			return -1;
	}
	p = rd_take(r, z->ntx);
	for (i = 0; i < z->ntx; i++) {
		if (p[i] >= z->ntypes)
			return -1;
		z->txtype[i] = p[i];
	}
	p = rd_take(r, (uint64_t)z->ntypes * 6);
	for (i = 0; i < z->ntypes; i++) {
		z->types[i].off = (int32_t)be32(p + 6 * i);
		z->types[i].isdst = p[6 * i + 4] != 0;
		z->types[i].abbr = p[6 * i + 5];
		if (z->types[i].off == INT32_MIN || z->types[i].abbr >= z->nchars)
			return -1;
	}
	p = rd_take(r, z->nchars);
	if (z->nchars > 0)
		memcpy(z->chars, p, z->nchars);
	/* Leap seconds and the std/UT indicators do not affect civil time. */
	rd_take(r, (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt);
	return 0;
}

/* The zone for instants before the first transition, by Go's rules: type 0
 * unless a transition uses it, then the standard type nearest before the
 * first transition's type, then the first standard type. */
static size_t
first_type(const struct tz *z)
{
	size_t	i;
	bool	used = false;

	for (i = 0; i < z->ntx; i++)
		if (z->txtype[i] == 0)
			used = true;
	if (!used)
		return 0;
	if (z->ntx > 0 && z->types[z->txtype[0]].isdst) {
		for (i = z->txtype[0]; i-- > 0; )
			if (!z->types[i].isdst)
				return i;
	}
	for (i = 0; i < z->ntypes; i++)
		if (!z->types[i].isdst)
			return i;
	return 0;
}

static struct tz *
tz_new(const char *name, struct terr *err)
{
	struct tz *z;

	if (strlen(name) >= TZ_NAME_MAX) {
		terr_set(err, "unknown time zone %s", name);
		return NULL;
	}
	if ((z = calloc(1, sizeof(*z))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	strcpy(z->name, name);
	return z;
}

struct tz *
tz_parse(const char *name, const unsigned char *data, size_t len,
    struct terr *err)
{
	struct rd	 r = { data, len, 0 };
	struct tzhead	 h;
	struct tz	*z;
	char		 footer[TZ_FOOTER_MAX];
	size_t		 rest;

	if ((z = tz_new(name, err)) == NULL)
		return NULL;
	if (data == NULL || read_header(&r, &h) == -1)
		goto bad;
	if (h.version >= 2) {
		/* Skip the 32-bit block; the 64-bit one follows its own header. */
		if (rd_take(&r, block_size(&h, 4)) == NULL ||
		    read_header(&r, &h) == -1)
			goto bad;
		if (read_block(&r, &h, 8, z) == -1)
			goto bad;
		rest = len - r.off;
		/* "\nTZ-string\n"; an unusable string is ignored, as in Go. */
		if (rest > 2 && rest < sizeof(footer) && data[r.off] == '\n' &&
		    data[len - 1] == '\n' &&
		    memchr(data + r.off, '\0', rest) == NULL) {
			memcpy(footer, data + r.off + 1, rest - 2);
			footer[rest - 2] = '\0';
			ft_parse(footer, &z->ft);
		}
	} else if (read_block(&r, &h, 4, z) == -1)
		goto bad;
	z->first = first_type(z);
	return z;

 bad:
	tz_free(z);
	terr_set(err, ERR_MALFORMED);
	return NULL;
}

static int
go_errno(struct terr *err, int e)
{
	char	 b[128];
	char	*s;

	/* Go prints syscall errors in lower case ("is a directory"). */
	s = strerror_r(e, b, sizeof(b));
	snprintf(b, sizeof(b), "%s", s);
	if (b[0] >= 'A' && b[0] <= 'Z')
		b[0] = (char)(b[0] - 'A' + 'a');
	return terr_set(err, "%s", b);
}

/* Reads the TZif file at path as the zone called name; a missing file is
 * Go's "unknown time zone <shown>". */
static struct tz *
load_file(const char *path, const char *name, const char *shown,
    struct terr *err)
{
	struct buf	 b;
	struct stat	 st;
	struct tz	*z = NULL;
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd;

	buf_init(&b, TZ_FILE_MAX);
	/* O_NONBLOCK: a FIFO planted in the zone directory must not hang us. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			terr_set(err, "unknown time zone %s", shown);
		else
			go_errno(err, errno);
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		go_errno(err, errno);
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		go_errno(err, EISDIR);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		terr_set(err, ERR_MALFORMED);
		goto done;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			go_errno(err, errno);
			goto done;
		}
		if (n == 0)
			break;
		if (buf_add(&b, chunk, (size_t)n) == -1) {
			terr_set(err, ERR_MALFORMED);
			goto done;
		}
	}
	z = tz_parse(name, (const unsigned char *)b.data, b.len, err);
 done:
	close(fd);
	buf_free(&b);
	return z;
}

static struct tz *
load_named(const char *name, struct terr *err)
{
	const char	*dir, *p;
	char		 path[4096];
	int		 n;

	if (strstr(name, "..") != NULL || name[0] == '/' || name[0] == '\\') {
		terr_set(err, "time: invalid location name");
		return NULL;
	}
	/* Zone names are paths of plain characters; anything else cannot be a
	 * zone and is kept away from open(). */
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._+-", *p) != NULL)) {
			terr_set(err, "unknown time zone %s", name);
			return NULL;
		}
	}
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = TZ_DEFAULT_DIR;
	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		terr_set(err, "unknown time zone %s", name);
		return NULL;
	}
	return load_file(path, name, name, err);
}

static struct tz *
load_local(struct terr *err)
{
	const char	*env;
	struct tz	*z = NULL;

	/* Failures fall back to UTC, as Go's time.Local does. */
	if ((env = getenv("TZ")) == NULL)
		z = load_file("/etc/localtime", "Local", "Local", NULL);
	else if (*env != '\0') {
		if (*env == ':')
			env++;
		if (*env == '/')
			z = load_file(env, strcmp(env, "/etc/localtime") == 0 ?
			    "Local" : env, env, NULL);
		else if (*env != '\0' && strcmp(env, "UTC") != 0)
			z = load_named(env, NULL);
	}
	if (z == NULL)
		z = tz_new("UTC", err);
	return z;
}

struct tz *
tz_load(const char *name, struct terr *err)
{
	if (name == NULL || *name == '\0' || strcmp(name, "UTC") == 0)
		return tz_new("UTC", err);
	if (strcmp(name, "Local") == 0)
		return load_local(err);
	return load_named(name, err);
}

void
tz_free(struct tz *tz)
{
	if (tz == NULL || tz == &tz_utc_zone)
		return;
	free(tz->tx);
	free(tz->txtype);
	free(tz->types);
	free(tz->chars);
	free(tz);
}

const char *
tz_name(const struct tz *tz)
{
	return tz->name;
}

const struct tz *
tz_utc(void)
{
	return &tz_utc_zone;
}

void
tz_lookup(const struct tz *tz, int64_t t, int32_t *off, const char **abbrev)
{
	const struct tz_type	*ty;
	size_t			 lo, hi, mid;

	if (tz->ntypes == 0) {
		*off = 0;
		*abbrev = "UTC";
		return;
	}
	if (tz->ntx > 0 && t < tz->tx[0]) {
		ty = &tz->types[tz->first];
		*off = ty->off;
		*abbrev = tz->chars + ty->abbr;
		return;
	}
	/* The last transition at or before t; a zone without transitions
	 * behaves as if it had one at the beginning of time. */
	lo = 0;
	hi = tz->ntx;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz->tx[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (lo + 1 >= tz->ntx && tz->ft.valid) {
		ft_lookup(&tz->ft, t, off, abbrev);
		return;
	}
	ty = &tz->types[tz->ntx > 0 ? tz->txtype[lo] : 0];
	*off = ty->off;
	*abbrev = tz->chars + ty->abbr;
}

int
tz_from_local(const struct tz *tz, int64_t local, int64_t out[2])
{
	static const int64_t	 probe[] = { -CIVIL_SECS_PER_DAY, 0, CIVIL_SECS_PER_DAY };
	const char		*ab;
	int32_t			 offs[3], got;
	int64_t			 u;
	int			 i, j, n = 0, seen;

	for (i = 0; i < 3; i++)
		tz_lookup(tz, local + probe[i], &offs[i], &ab);
	for (i = 0; i < 3; i++) {
		for (seen = 0, j = 0; j < i; j++)
			seen |= offs[j] == offs[i];
		if (seen)
			continue;
		/* An offset is the zone's at local when the instant it gives
		 * has that offset itself. */
		u = local - offs[i];
		tz_lookup(tz, u, &got, &ab);
		if (got != offs[i])
			continue;
		if (n == 0 || u > out[0])
			out[n++] = u;
		else if (u < out[0]) {
			out[1] = out[0];
			out[0] = u;
			n++;
		}
		if (n == 2)
			break;
	}
	return n;
}

void
tz_breakdown(const struct tz *tz, int64_t t, struct tz_civil *c)
{
	int64_t	local, days, sod;

	tz_lookup(tz, t, &c->off, &c->abbrev);
	/* Saturate rather than overflow at the ends of time. */
	if (__builtin_add_overflow(t, (int64_t)c->off, &local))
		local = c->off > 0 ? INT64_MAX : INT64_MIN;
	days = civil_day_of(local, &sod);
	civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(sod / 3600);
	c->min = (int)(sod / 60 % 60);
	c->sec = (int)(sod % 60);
	c->wday = civil_weekday(days);
	c->yday = civil_yday(c->year, c->month, c->day);
}
