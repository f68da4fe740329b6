/* test_tz.c: TZif zones against instants computed with date(1): DST switches,
 * footer rules after the last transition, Go's names and errors, and
 * corrupt files that must fail cleanly. Needs the system's tzdata. */
#include <sys/stat.h>

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "civil.h"
#include "tz.h"

#define ZONEINFO "/usr/share/zoneinfo"

static void
expect_zone(const struct tz *z, int64_t t, int32_t off, const char *abbrev)
{
	int32_t		 got;
	const char	*ab;

	tz_lookup(z, t, &got, &ab);
	if (got != off || strcmp(ab, abbrev) != 0)
		fail_msg("%s at %lld: got %d %s, want %d %s", tz_name(z),
		    (long long)t, got, ab, off, abbrev);
}

/* The wall clock as "YYYY-MM-DD HH:MM:SS wday yday". */
static void
expect_civil(const struct tz *z, int64_t t, const char *want)
{
	struct tz_civil	c;
	char		got[64];

	tz_breakdown(z, t, &c);
	snprintf(got, sizeof(got), "%04lld-%02d-%02d %02d:%02d:%02d %d %d",
	    (long long)c.year, c.month, c.day, c.hour, c.min, c.sec, c.wday,
	    c.yday);
	assert_string_equal(got, want);
}

static struct tz *
load_ok(const char *name)
{
	struct terr	 err;
	struct tz	*z;

	if ((z = tz_load(name, &err)) == NULL)
		fail_msg("tz_load(%s): %s", name, err.msg);
	return z;
}

static void
expect_load_error(const char *name, const char *msg)
{
	struct terr err;

	memset(&err, 0, sizeof(err));
	assert_null(tz_load(name, &err));
	assert_string_equal(err.msg, msg);
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE		*f;
	unsigned char	*p;

	assert_non_null(f = fopen(path, "rb"));
	assert_non_null(p = malloc(1 << 20));
	*len = fread(p, 1, 1 << 20, f);
	fclose(f);
	return p;
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f;

	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* --- a small TZif writer for hand-made zones ------------------------------ */

struct tzif {
	unsigned char	 b[4096];
	size_t		 n;
};

static void
put(struct tzif *w, const void *p, size_t n)
{
	assert_true(w->n + n <= sizeof(w->b));
	if (n == 0)
		return;
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void
put32(struct tzif *w, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	put(w, b, 4);
}

static void
put64(struct tzif *w, int64_t v)
{
	put32(w, (uint32_t)((uint64_t)v >> 32));
	put32(w, (uint32_t)v);
}

/* One block (header + data) with ntx transitions all to type txtype, one
 * type per offset. */
static void
put_block(struct tzif *w, char version, int tsize, const int64_t *tx,
    const unsigned char *txtype, uint32_t ntx, const int32_t *offs,
    const unsigned char *isdst, const unsigned char *abbrind, uint32_t ntypes,
    const char *chars, uint32_t nchars)
{
	uint32_t i;

	put(w, "TZif", 4);
	put(w, &version, 1);
	put(w, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15);
	put32(w, 0);		/* isutcnt */
	put32(w, 0);		/* isstdcnt */
	put32(w, 0);		/* leapcnt */
	put32(w, ntx);
	put32(w, ntypes);
	put32(w, nchars);
	for (i = 0; i < ntx; i++) {
		if (tsize == 8)
			put64(w, tx[i]);
		else
			put32(w, (uint32_t)tx[i]);
	}
	put(w, txtype, ntx);
	for (i = 0; i < ntypes; i++) {
		put32(w, (uint32_t)offs[i]);
		put(w, &isdst[i], 1);
		put(w, &abbrind[i], 1);
	}
	put(w, chars, nchars);
}

/* A v2 zone with no transitions whose single type is "ZZZ" +1h, and the
 * given footer (NULL: none). */
static struct tz *
footer_zone(const char *footer)
{
	static const int32_t		offs[1] = { 3600 };
	static const unsigned char	isdst[1] = { 0 }, abbr[1] = { 0 };
	struct tzif			w = { .n = 0 };
	struct terr			err;
	struct tz			*z;

	put_block(&w, '2', 4, NULL, NULL, 0, offs, isdst, abbr, 1, "ZZZ", 4);
	put_block(&w, '2', 8, NULL, NULL, 0, offs, isdst, abbr, 1, "ZZZ", 4);
	if (footer != NULL) {
		put(&w, "\n", 1);
		put(&w, footer, strlen(footer));
		put(&w, "\n", 1);
	}
	if ((z = tz_parse("Test/Footer", w.b, w.n, &err)) == NULL)
		fail_msg("tz_parse: %s", err.msg);
	return z;
}

/* --- tests ------------------------------------------------------------------ */

static void
test_tz_berlin_2026_dst_switches(void **state)
{
	struct tz *z = load_ok("Europe/Berlin");

	assert_string_equal(tz_name(z), "Europe/Berlin");
	/* 2026-03-29 01:00:00Z: 02:00 CET becomes 03:00 CEST. */
	expect_zone(z, 1774745999, 3600, "CET");
	expect_zone(z, 1774746000, 7200, "CEST");
	expect_civil(z, 1774745999, "2026-03-29 01:59:59 0 88");
	expect_civil(z, 1774746000, "2026-03-29 03:00:00 0 88");
	/* 2026-10-25 01:00:00Z: 03:00 CEST becomes 02:00 CET. */
	expect_zone(z, 1792889999, 7200, "CEST");
	expect_zone(z, 1792890000, 3600, "CET");
	expect_civil(z, 1792889999, "2026-10-25 02:59:59 0 298");
	expect_civil(z, 1792890000, "2026-10-25 02:00:00 0 298");
	tz_free(z);
}

/* Local times to instants, the expected values from Python's zoneinfo (the
 * local time read back from each candidate instant, fold 0 and 1). */
static void
expect_from_local(const char *zone, int64_t local, int n, int64_t a, int64_t b)
{
	struct tz	*z = load_ok(zone);
	int64_t		 out[2] = { 0, 0 };
	int		 got = tz_from_local(z, local, out);

	if (got != n || (n > 0 && out[0] != a) || (n > 1 && out[1] != b))
		fail_msg("%s local %lld: got %d (%lld, %lld), want %d (%lld, %lld)",
		    zone, (long long)local, got, (long long)out[0],
		    (long long)out[1], n, (long long)a, (long long)b);
	tz_free(z);
}

static void
test_tz_from_local_gaps_and_repeats(void **state)
{
	/* Berlin 2026-03-29 02:30 does not exist; 2026-10-25 02:30 twice. */
	expect_from_local("Europe/Berlin", 1774751400, 0, 0, 0);
	expect_from_local("Europe/Berlin", 1792895400, 2, 1792888200, 1792891800);
	expect_from_local("Europe/Berlin", 1782907200, 1, 1782900000, 0);
	/* New York 2026-03-08 02:30 skipped, 2026-11-01 01:30 twice. */
	expect_from_local("America/New_York", 1772937000, 0, 0, 0);
	expect_from_local("America/New_York", 1793496600, 2, 1793511000,
	    1793514600);
	/* Lord Howe's half hour: 2026-04-05 01:45 twice, 30 minutes apart. */
	expect_from_local("Australia/Lord_Howe", 1775353500, 2, 1775313900,
	    1775315700);
	expect_from_local("UTC", 1782907200, 1, 1782907200, 0);
}

static void
test_tz_berlin_2040_follows_footer_rule(void **state)
{
	struct tz *z = load_ok("Europe/Berlin");

	/* Past the file's last transition (2037): "CET-1CEST,M3.5.0,M10.5.0/3". */
	expect_zone(z, 2216249999, 3600, "CET");	/* 2040-03-25 00:59:59Z */
	expect_zone(z, 2216250000, 7200, "CEST");	/* 2040-03-25 01:00:00Z */
	expect_zone(z, 2234998799, 7200, "CEST");	/* 2040-10-28 00:59:59Z */
	expect_zone(z, 2234998800, 3600, "CET");	/* 2040-10-28 01:00:00Z */
	expect_civil(z, 2216250000, "2040-03-25 03:00:00 0 85");
	tz_free(z);
}

static void
test_tz_new_york_2026_and_2045(void **state)
{
	struct tz *z = load_ok("America/New_York");

	expect_zone(z, 1772953199, -18000, "EST");	/* 2026-03-08 06:59:59Z */
	expect_zone(z, 1772953200, -14400, "EDT");
	expect_zone(z, 1793512799, -14400, "EDT");	/* 2026-11-01 05:59:59Z */
	expect_zone(z, 1793512800, -18000, "EST");
	expect_civil(z, 1793512800, "2026-11-01 01:00:00 0 305");
	expect_zone(z, 2382523200, -14400, "EDT");	/* 2045-07-01 12:00:00Z */
	expect_civil(z, 2382523200, "2045-07-01 08:00:00 6 182");
	tz_free(z);
}

static void
test_tz_lord_howe_half_hour_dst(void **state)
{
	struct tz *z = load_ok("Australia/Lord_Howe");

	/* DST is only 30 minutes, and southern: it spans the new year. */
	expect_zone(z, 1775314799, 39600, "+11");	/* 2026-04-04 14:59:59Z */
	expect_zone(z, 1775314800, 37800, "+1030");
	expect_civil(z, 1775314800, "2026-04-05 01:30:00 0 95");
	expect_zone(z, 1791041399, 37800, "+1030");	/* 2026-10-03 15:29:59Z */
	expect_zone(z, 1791041400, 39600, "+11");
	/* From the footer "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0". */
	expect_zone(z, 2366841600, 39600, "+11");	/* 2045-01-01 00:00:00Z */
	expect_zone(z, 2382480000, 37800, "+1030");	/* 2045-07-01 00:00:00Z */
	expect_civil(z, 2382480000, "2045-07-01 10:30:00 6 182");
	tz_free(z);
}

static void
test_tz_kolkata_half_hour_offset(void **state)
{
	struct tz *z = load_ok("Asia/Kolkata");

	expect_zone(z, 1795435200, 19800, "IST");	/* 2026-11-23 12:00:00Z */
	expect_civil(z, 1795435200, "2026-11-23 17:30:00 1 327");
	expect_zone(z, -891561600, 23400, "+0630");	/* 1941-10-01 00:00:00Z */
	tz_free(z);
}

static void
test_tz_utc_is_builtin(void **state)
{
	struct terr	 err;
	struct tz	*z;
	const char	*names[] = { "UTC", "", NULL };
	size_t		 i;

	/* No file is needed, even with an empty zone directory. */
	setenv("TZDIR", "/nonexistent", 1);
	for (i = 0; i < 3; i++) {
		assert_non_null(z = tz_load(names[i], &err));
		assert_string_equal(tz_name(z), "UTC");
		expect_zone(z, 1795435200, 0, "UTC");
		expect_civil(z, 0, "1970-01-01 00:00:00 4 1");
		tz_free(z);
	}
	unsetenv("TZDIR");
	assert_string_equal(tz_name(tz_utc()), "UTC");
	expect_zone(tz_utc(), -62135596800, 0, "UTC");
	expect_civil(tz_utc(), -62135596800, "0001-01-01 00:00:00 1 1");
	expect_civil(tz_utc(), 951782400, "2000-02-29 00:00:00 2 60");
	/* Freeing the shared zone is a no-op. */
	tz_free((struct tz *)tz_utc());
	assert_string_equal(tz_name(tz_utc()), "UTC");
	/* An Etc zone from a file keeps its own name. */
	z = load_ok("Etc/GMT+5");
	expect_zone(z, 1795435200, -18000, "-05");
	tz_free(z);
}

static void
test_tz_bad_names_give_go_errors(void **state)
{
	expect_load_error("Mars/Olympus", "unknown time zone Mars/Olympus");
	expect_load_error("utc", "unknown time zone utc");
	expect_load_error("europe/berlin", "unknown time zone europe/berlin");
	expect_load_error("Europe/Ber lin", "unknown time zone Europe/Ber lin");
	expect_load_error("Europe\\Berlin", "unknown time zone Europe\\Berlin");
	expect_load_error("../etc/passwd", "time: invalid location name");
	expect_load_error("Europe/../../etc/passwd", "time: invalid location name");
	expect_load_error("/etc/localtime", "time: invalid location name");
	expect_load_error("\\etc", "time: invalid location name");
	expect_load_error("Europe", "is a directory");
	expect_load_error("Europe/Berlin/", "not a directory");
}

/* What Local is for one value of TZ (NULL: unset), and, where abbrev is
 * set, the offset it gives at t. */
struct local_case {
	const char	*tzenv;
	const char	*name;
	int64_t		 t;
	int32_t		 off;
	const char	*abbrev;
};

static const struct local_case local_cases[] = {
	{ NULL, "Local", 0, 0, NULL },
	{ "Europe/Berlin", "Europe/Berlin", 1774746000, 7200, "CEST" },
	{ ":Asia/Kolkata", "Asia/Kolkata", 1795435200, 19800, "IST" },
	{ ZONEINFO "/Asia/Kolkata", ZONEINFO "/Asia/Kolkata", 1795435200, 19800,
	    "IST" },
	/* Empty, "UTC" and unusable values all mean UTC. */
	{ "", "UTC", 0, 0, NULL },
	{ "Mars/Olympus", "UTC", 1774746000, 0, "UTC" },
};

static void
test_tz_local_follows_tz_variable_like_go(void **state)
{
	const struct local_case	*c;
	struct tz		*z;
	char			*saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	size_t			 i;

	for (i = 0; i < sizeof(local_cases) / sizeof(local_cases[0]); i++) {
		c = &local_cases[i];
		if (c->tzenv != NULL)
			setenv("TZ", c->tzenv, 1);
		else
			unsetenv("TZ");
		z = load_ok("Local");
		if (strcmp(tz_name(z), c->name) != 0)
			fail_msg("case %zu (TZ=%s): named %s, want %s", i,
			    c->tzenv != NULL ? c->tzenv : "unset", tz_name(z),
			    c->name);
		if (c->abbrev != NULL)
			expect_zone(z, c->t, c->off, c->abbrev);
		tz_free(z);
	}

	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	free(saved);
}

static void
test_tz_footer_rule_forms(void **state)
{
	struct tz *z;

	/* Jn: day 60 is March 1 even in leap years. */
	z = footer_zone("XST-3XDT,J60/0,J300/0");
	expect_zone(z, 1709240399, 10800, "XST");	/* 2024-02-29 20:59:59Z */
	expect_zone(z, 1709240400, 14400, "XDT");
	expect_zone(z, 1740776399, 10800, "XST");	/* 2025-02-28 20:59:59Z */
	expect_zone(z, 1740776400, 14400, "XDT");
	expect_zone(z, 1729972799, 14400, "XDT");	/* 2024-10-26 19:59:59Z */
	expect_zone(z, 1729972800, 10800, "XST");
	tz_free(z);

	/* n: zero-based, so day 59 is Feb 29 in leap years; default 02:00. */
	z = footer_zone("XST-3XDT,59/0,299");
	expect_zone(z, 1709153999, 10800, "XST");	/* 2024-02-28 20:59:59Z */
	expect_zone(z, 1709154000, 14400, "XDT");
	expect_zone(z, 1740776399, 10800, "XST");	/* 2025-02-28 20:59:59Z */
	expect_zone(z, 1740776400, 14400, "XDT");
	expect_zone(z, 1729893599, 14400, "XDT");	/* 2024-10-25 21:59:59Z */
	expect_zone(z, 1729893600, 10800, "XST");
	expect_zone(z, 1761508800, 14400, "XDT");	/* 2025-10-26 20:00:00Z */
	tz_free(z);

	/* Quoted names and no DST. */
	z = footer_zone("<-03>3");
	expect_zone(z, 1729893600, -10800, "-03");
	tz_free(z);

	/* DST without rules takes tzcode's US default, M3.2.0,M11.1.0. */
	z = footer_zone("EST5EDT");
	expect_zone(z, 1772953199, -18000, "EST");	/* 2026-03-08 06:59:59Z */
	expect_zone(z, 1772953200, -14400, "EDT");
	expect_zone(z, 1793512800, -18000, "EST");	/* 2026-11-01 06:00:00Z */
	tz_free(z);

	/* Explicit DST offset with minutes. */
	z = footer_zone("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
	expect_zone(z, 1775314799, 39600, "+11");
	expect_zone(z, 1775314800, 37800, "+1030");
	tz_free(z);

	/* Unusable strings leave the zone at its last type, as in Go. */
	z = footer_zone("XST-3XDT,M13.1.0,M10.5.0");
	expect_zone(z, 1740776400, 3600, "ZZZ");
	tz_free(z);
	z = footer_zone("X-3");
	expect_zone(z, 1740776400, 3600, "ZZZ");
	tz_free(z);
	z = footer_zone(NULL);
	expect_zone(z, 1740776400, 3600, "ZZZ");
	tz_free(z);
}

static void
test_tz_before_first_transition_uses_first_standard_type(void **state)
{
	/* Types: 0 = LMT (used later), 1 = DST, 2 = STD; the first transition
	 * goes to DST, so earlier instants take the standard type before it,
	 * LMT, as Go's lookupFirstZone does. */
	static const int64_t		tx[3] = { 1000, 2000, 3000 };
	static const unsigned char	txt[3] = { 1, 2, 0 };
	static const int32_t		offs[3] = { 1234, 7200, 3600 };
	static const unsigned char	isdst[3] = { 0, 1, 0 };
	static const unsigned char	abbr[3] = { 0, 4, 8 };
	static const unsigned char	to_std[1] = { 1 };
	struct tzif			w = { .n = 0 };
	struct terr			err;
	struct tz			*z;
	struct tz_civil			c;

	put_block(&w, 0, 4, tx, txt, 3, offs, isdst, abbr, 3,
	    "LMT\0DST\0STD", 12);
	assert_non_null(z = tz_parse("Test/V1", w.b, w.n, &err));
	expect_zone(z, 999, 1234, "LMT");
	expect_zone(z, 1000, 7200, "DST");
	expect_zone(z, 2999, 3600, "STD");
	expect_zone(z, 3000, 1234, "LMT");
	expect_zone(z, INT64_MAX, 1234, "LMT");
	tz_free(z);

	/* An unused type 0 applies before the first transition even when it
	 * is flagged DST. */
	w.n = 0;
	put_block(&w, 0, 4, tx, to_std, 1, offs + 1, isdst + 1, abbr, 2,
	    "LMT\0DST\0STD", 12);
	assert_non_null(z = tz_parse("Test/V1", w.b, w.n, &err));
	expect_zone(z, 999, 7200, "LMT");
	expect_zone(z, 1000, 3600, "DST");

	/* The ends of time do not overflow. */
	tz_breakdown(z, INT64_MIN, &c);
	assert_true(c.year < -292000000000LL);
	assert_true(c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31);
	tz_breakdown(z, INT64_MAX, &c);
	assert_true(c.year > 292000000000LL);
	tz_free(z);
}

static void
expect_parse_error(const unsigned char *data, size_t len)
{
	struct terr err;

	memset(&err, 0, sizeof(err));
	assert_null(tz_parse("Bad/Zone", data, len, &err));
	assert_string_equal(err.msg, "malformed time zone information");
}

static void
test_tz_corrupt_data_is_rejected(void **state)
{
	static const int32_t		offs[2] = { 3600, 7200 };
	static const unsigned char	isdst[2] = { 0, 1 };
	static const unsigned char	abbr[2] = { 0, 4 };
	static const int64_t		tx[2] = { 100, 200 };
	static const int64_t		txdown[2] = { 200, 100 };
	static const unsigned char	txt[2] = { 0, 1 }, txbad[2] = { 0, 2 };
	static const unsigned char	abbad[2] = { 0, 8 };
	struct tzif			w;
	unsigned char			*berlin, *copy;
	size_t				 len, i, end;
	struct terr			 err;
	struct tz			*z;

	/* Every proper prefix of a real file short of its footer fails; one
	 * that cuts into the footer loads without it (the 2040 summer then
	 * falls back to the last transition, CET). */
	berlin = slurp(ZONEINFO "/Europe/Berlin", &len);
	assert_true(len > 100);
	end = len - strlen("\nCET-1CEST,M3.5.0,M10.5.0/3\n");
	assert_memory_equal(berlin + end, "\nCET-1CEST,M3.5.0,M10.5.0/3\n", len - end);
	for (i = 0; i < end; i++)
		expect_parse_error(berlin, i);
	for (i = end; i < len; i++) {
		assert_non_null(z = tz_parse("Europe/Berlin", berlin, i, &err));
		expect_zone(z, 2224000000, 3600, "CET");	/* 2040-06-23 */
		tz_free(z);
	}
	assert_non_null(z = tz_parse("Europe/Berlin", berlin, len, &err));
	expect_zone(z, 2224000000, 7200, "CEST");
	tz_free(z);

	/* Flipping any byte of the headers and early data never crashes. */
	assert_non_null(copy = malloc(len));
	for (i = 0; i < len && i < 400; i++) {
		memcpy(copy, berlin, len);
		copy[i] ^= 0xff;
		if ((z = tz_parse("Europe/Berlin", copy, len, &err)) != NULL) {
			int32_t off;
			const char *ab;

			tz_lookup(z, 2224000000, &off, &ab);
			tz_lookup(z, -5000000000, &off, &ab);
			tz_free(z);
		} else
			assert_string_equal(err.msg, "malformed time zone information");
	}
	free(copy);

	expect_parse_error(NULL, 0);
	expect_parse_error((const unsigned char *)"TZif", 4);
	memcpy(berlin, "TZix", 4);
	expect_parse_error(berlin, len);
	memcpy(berlin, "TZif5", 5);
	expect_parse_error(berlin, len);
	free(berlin);

	/* Zero types. */
	w.n = 0;
	put_block(&w, 0, 4, NULL, NULL, 0, offs, isdst, abbr, 0, "A\0", 2);
	expect_parse_error(w.b, w.n);
	/* A transition to a type that does not exist. */
	w.n = 0;
	put_block(&w, 0, 4, tx, txbad, 2, offs, isdst, abbr, 2, "AAA\0BBB", 8);
	expect_parse_error(w.b, w.n);
	/* An abbreviation index past the characters. */
	w.n = 0;
	put_block(&w, 0, 4, tx, txt, 2, offs, isdst, abbad, 2, "AAA\0BBB", 8);
	expect_parse_error(w.b, w.n);
	/* Transitions out of order. */
	w.n = 0;
	put_block(&w, 0, 4, txdown, txt, 2, offs, isdst, abbr, 2, "AAA\0BBB", 8);
	expect_parse_error(w.b, w.n);
	/* Counts larger than the file. */
	w.n = 0;
	put_block(&w, 0, 4, tx, txt, 2, offs, isdst, abbr, 2, "AAA\0BBB", 8);
	w.b[32] = 0xff;		/* timecnt */
	expect_parse_error(w.b, w.n);
	w.n = 0;
	put_block(&w, '2', 4, tx, txt, 2, offs, isdst, abbr, 2, "AAA\0BBB", 8);
	w.b[23] = 0x10;		/* isutcnt of the skipped block */
	put_block(&w, '2', 8, tx, txt, 2, offs, isdst, abbr, 2, "AAA\0BBB", 8);
	expect_parse_error(w.b, w.n);
	/* A v2 file whose second header is missing. */
	w.n = 0;
	put_block(&w, '2', 4, tx, txt, 2, offs, isdst, abbr, 2, "AAA\0BBB", 8);
	expect_parse_error(w.b, w.n);
	/* The well-formed version of the same zone loads. */
	w.n = 0;
	put_block(&w, 0, 4, tx, txt, 2, offs, isdst, abbr, 2, "AAA\0BBB", 8);
	assert_non_null(z = tz_parse("Good/Zone", w.b, w.n, &err));
	expect_zone(z, 150, 3600, "AAA");
	expect_zone(z, 250, 7200, "BBB");
	tz_free(z);
}

static void
test_tz_corrupt_files_in_tzdir(void **state)
{
	char		 dir[] = "/tmp/test_tz.XXXXXX", path[512];
	unsigned char	*berlin, *big;
	size_t		 len;
	struct tz	*z;

	assert_non_null(mkdtemp(dir));
	setenv("TZDIR", dir, 1);
	berlin = slurp(ZONEINFO "/Europe/Berlin", &len);

	snprintf(path, sizeof(path), "%s/Test", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/Test/Whole", dir);
	write_file(path, berlin, len);
	z = load_ok("Test/Whole");
	assert_string_equal(tz_name(z), "Test/Whole");
	expect_zone(z, 1774746000, 7200, "CEST");
	tz_free(z);

	snprintf(path, sizeof(path), "%s/Test/Truncated", dir);
	write_file(path, berlin, len / 2);
	expect_load_error("Test/Truncated", "malformed time zone information");

	snprintf(path, sizeof(path), "%s/Test/Text", dir);
	write_file(path, "# not a zone\n", 13);
	expect_load_error("Test/Text", "malformed time zone information");

	snprintf(path, sizeof(path), "%s/Test/Empty", dir);
	write_file(path, "", 0);
	expect_load_error("Test/Empty", "malformed time zone information");

	/* Over the 256 KiB cap, even with a valid start. */
	assert_non_null(big = calloc(1, 300 << 10));
	memcpy(big, berlin, len);
	snprintf(path, sizeof(path), "%s/Test/Huge", dir);
	write_file(path, big, 300 << 10);
	expect_load_error("Test/Huge", "malformed time zone information");
	free(big);

	/* A FIFO must not block the loader. */
	snprintf(path, sizeof(path), "%s/Test/Fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_load_error("Test/Fifo", "malformed time zone information");

	expect_load_error("Test/Missing", "unknown time zone Test/Missing");
	expect_load_error("Europe/Berlin", "unknown time zone Europe/Berlin");

	unsetenv("TZDIR");
	free(berlin);
	z = load_ok("Europe/Berlin");
	tz_free(z);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

static void
test_tz_days_helpers(void **state)
{
	assert_int_equal(civil_days_in_month(2024, 2), 29);
	assert_int_equal(civil_days_in_month(2025, 2), 28);
	assert_int_equal(civil_days_in_month(1900, 2), 28);
	assert_int_equal(civil_days_in_month(2000, 2), 29);
	assert_int_equal(civil_days_in_month(2026, 4), 30);
	assert_int_equal(civil_days_in_month(2026, 12), 31);
	assert_int_equal(civil_days_in_month(2026, 13), 0);
	assert_int_equal(civil_to_days(1970, 1, 1), 0);
	assert_int_equal(civil_to_days(2026, 11, 23), 20780);
	assert_int_equal(civil_to_days(1969, 12, 31), -1);
	assert_int_equal(civil_to_days(1, 1, 1), -719162);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tz_berlin_2026_dst_switches),
		cmocka_unit_test(test_tz_berlin_2040_follows_footer_rule),
		cmocka_unit_test(test_tz_from_local_gaps_and_repeats),
		cmocka_unit_test(test_tz_new_york_2026_and_2045),
		cmocka_unit_test(test_tz_lord_howe_half_hour_dst),
		cmocka_unit_test(test_tz_kolkata_half_hour_offset),
		cmocka_unit_test(test_tz_utc_is_builtin),
		cmocka_unit_test(test_tz_bad_names_give_go_errors),
		cmocka_unit_test(test_tz_local_follows_tz_variable_like_go),
		cmocka_unit_test(test_tz_footer_rule_forms),
		cmocka_unit_test(test_tz_before_first_transition_uses_first_standard_type),
		cmocka_unit_test(test_tz_corrupt_data_is_rejected),
		cmocka_unit_test(test_tz_corrupt_files_in_tzdir),
		cmocka_unit_test(test_tz_days_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
