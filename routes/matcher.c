/* matcher.c: Alertmanager label matchers: parsing (pkg/labels), printing, and
 * RE2-compatible regexes on top of PCRE2. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hexdigit.h"
#include "matcher.h"
#include "utf8.h"

struct matcher {
	enum matcher_type	 type;
	char			*name;
	char			*value;
	pcre2_code		*re;
	pcre2_match_context	*mctx;
};

/* PCRE2 backtracks where RE2 does not; a pathological regex must fail a
 * match (as "no match") rather than hang the relay. */
#define MATCH_LIMIT		1000000
#define DFA_WORKSPACE		1000
/* Go's parser refuses regexps nesting deeper than this. */
#define RE_MAX_DEPTH		1000
#define RE_MAX_REPEAT		1000

/*
 * RE2 -> PCRE2.
 *
 * Alertmanager compiles with Go's regexp (RE2 syntax). PCRE2 accepts a
 * superset with some different meanings, so the pattern is parsed the way
 * Go's regexp/syntax parses it: anything Go rejects is rejected with Go's
 * message, and the accepted pattern is re-emitted in a form PCRE2 reads the
 * same way (literals as \x{..}, Go's \s and \v, octal escapes, literal '{').
 */

/* Go flags the translation has to follow. */
#define RE_UNGREEDY	1u	/* U */
#define RE_MULTILINE	2u	/* m */
#define RE_FOLD		4u	/* i */

struct re2 {
	const char	*p;	/* parse position */
	struct buf	*out;
	struct terr	*err;
	struct buf	 pending;	/* flag groups held back, see re2_translate */
};

static int
re2_error(struct re2 *x, const char *code, const char *expr, size_t len)
{
	return terr_set(x->err, "error parsing regexp: %s: `%.*s`", code,
	    (int)len, expr);
}

static int
re2_emit(struct re2 *x, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int
re2_emit(struct re2 *x, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = buf_vprintf(x->out, fmt, ap);
	va_end(ap);
	if (rc == -1)
		return terr_set(x->err, "regexp too large");
	return 0;
}

static int
is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* Reads one rune at x->p (the caller knows it is not at the end). */
static uint32_t
re2_next(struct re2 *x)
{
	uint32_t	r;

	/* At the end: Go's DecodeRune of "", U+FFFD and no move. */
	x->p += utf8_decode_lossy((const unsigned char *)x->p, strlen(x->p), &r);
	return r;
}

/* Go's parseEscape: a single-character escape at x->p ("\..."). */
static int
re2_escape(struct re2 *x, uint32_t *out)
{
	const char	*start = x->p;
	uint32_t	 c, r = 0;
	int		 i, nhex, a, b;

	x->p++;
	if (*x->p == '\0')
		return re2_error(x, "trailing backslash at end of expression", "", 0);
	c = re2_next(x);
	switch (c) {
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		/* A single non-zero digit would be a backreference. */
		if (*x->p < '0' || *x->p > '7')
			break;
		/* FALLTHROUGH */
	case '0':
		r = c - '0';
		for (i = 1; i < 3 && *x->p >= '0' && *x->p <= '7'; i++)
			r = r * 8 + (uint32_t)(*x->p++ - '0');
		*out = r;
		return 0;
	case 'x':
		if (*x->p == '\0')
			break;
		c = re2_next(x);
		if (c == '{') {
			nhex = 0;
			for (;;) {
				if (*x->p == '\0')
					goto bad;
				c = re2_next(x);
				if (c == '}')
					break;
				if ((a = hex_digit(c)) < 0)
					goto bad;
				r = r * 16 + (uint32_t)a;
				if (r > 0x10ffff)
					goto bad;
				nhex++;
			}
			if (nhex == 0)
				break;
			*out = r;
			return 0;
		}
		a = hex_digit(c);
		c = re2_next(x);
		b = hex_digit(c);
		if (a < 0 || b < 0)
			break;
		*out = (uint32_t)(a * 16 + b);
		return 0;
	case 'a':
		*out = '\a';
		return 0;
	case 'f':
		*out = '\f';
		return 0;
	case 'n':
		*out = '\n';
		return 0;
	case 'r':
		*out = '\r';
		return 0;
	case 't':
		*out = '\t';
		return 0;
	case 'v':
		*out = '\v';
		return 0;
	default:
		if (c < 0x80 && !is_alnum(c)) {
			*out = c;
			return 0;
		}
		break;
	}
bad:
	return re2_error(x, "invalid escape sequence", start, (size_t)(x->p - start));
}

/* Go's POSIX classes and their ASCII ranges. The ranges are emitted
 * instead of PCRE2's [:name:] because under (?i) Go folds a class like any
 * other (so (?i)[[:upper:]] takes U+212A KELVIN SIGN), which PCRE2 does for
 * ranges but not for its POSIX classes. */
static const struct {
	const char	*name;
	const char	*ranges;
} posix_classes[] = {
	{ "alnum", "\\x{30}-\\x{39}\\x{41}-\\x{5a}\\x{61}-\\x{7a}" },
	{ "alpha", "\\x{41}-\\x{5a}\\x{61}-\\x{7a}" },
	{ "ascii", "\\x{0}-\\x{7f}" },
	{ "blank", "\\x{9}\\x{20}" },
	{ "cntrl", "\\x{0}-\\x{1f}\\x{7f}" },
	{ "digit", "\\x{30}-\\x{39}" },
	{ "graph", "\\x{21}-\\x{7e}" },
	{ "lower", "\\x{61}-\\x{7a}" },
	{ "print", "\\x{20}-\\x{7e}" },
	{ "punct", "\\x{21}-\\x{2f}\\x{3a}-\\x{40}\\x{5b}-\\x{60}\\x{7b}-\\x{7e}" },
	{ "space", "\\x{9}-\\x{d}\\x{20}" },
	{ "upper", "\\x{41}-\\x{5a}" },
	{ "word", "\\x{30}-\\x{39}\\x{41}-\\x{5a}\\x{5f}\\x{61}-\\x{7a}" },
	{ "xdigit", "\\x{30}-\\x{39}\\x{41}-\\x{46}\\x{61}-\\x{66}" },
	{ NULL, NULL },
};

/* The names Go's regexp knows after \p: "Any", the Unicode general
 * categories and the scripts of Unicode 13 (Go 1.19, which amtool 0.25 is
 * built with). PCRE2 knows these and more (Unicode 14 scripts, script
 * abbreviations, binary properties), which Alertmanager would refuse. */
static const char *const unicode_names[] = {
	"Any", "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu",
	"M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf",
	"Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
	"Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian",
	"Avestan", "Balinese", "Bamum", "Bassa_Vah", "Batak", "Bengali",
	"Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid",
	"Canadian_Aboriginal", "Carian", "Caucasian_Albanian", "Chakma",
	"Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform",
	"Cypriot", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru",
	"Dogra", "Duployan", "Egyptian_Hieroglyphs", "Elbasan", "Elymaic",
	"Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek",
	"Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul",
	"Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana",
	"Imperial_Aramaic", "Inherited", "Inscriptional_Pahlavi",
	"Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada",
	"Katakana", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer",
	"Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A",
	"Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar",
	"Malayalam", "Mandaic", "Manichaean", "Marchen", "Masaram_Gondi",
	"Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive",
	"Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro",
	"Multani", "Myanmar", "Nabataean", "Nandinagari", "New_Tai_Lue",
	"Newa", "Nko", "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham",
	"Ol_Chiki", "Old_Hungarian", "Old_Italic", "Old_North_Arabian",
	"Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian",
	"Old_Turkic", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong",
	"Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician",
	"Psalter_Pahlavi", "Rejang", "Runic", "Samaritan", "Saurashtra",
	"Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian",
	"Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac",
	"Tagalog", "Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri",
	"Tamil", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh",
	"Tirhuta", "Ugaritic", "Vai", "Wancho", "Warang_Citi", "Yezidi",
	"Yi", "Zanabazar_Square", NULL,
};

static bool
unicode_name_ok(const char *name, size_t len)
{
	int	k;

	for (k = 0; unicode_names[k]; k++)
		if (strlen(unicode_names[k]) == len &&
		    memcmp(unicode_names[k], name, len) == 0)
			return true;
	return false;
}

/* Go's parseUnicodeClass at x->p ("\p..." or "\P..."); emits the PCRE2
 * form. Returns 1 if handled, 0 if not a \p escape, -1 on error. */
static int
re2_unicode_class(struct re2 *x)
{
	const char	*start = x->p, *name, *end;
	char		 sign;
	size_t		 len;
	bool		 neg;

	if (x->p[0] != '\\' || (x->p[1] != 'p' && x->p[1] != 'P'))
		return 0;
	sign = x->p[1];
	x->p += 2;
	if (*x->p == '\0')
		return re2_error(x, "invalid character class range", start, 2);
	if (*x->p != '{') {
		name = x->p;
		re2_next(x);
		len = (size_t)(x->p - name);
	} else {
		end = strchr(x->p, '}');
		if (end == NULL)
			return re2_error(x, "invalid character class range", start,
			    strlen(start));
		name = x->p + 1;
		len = (size_t)(end - name);
		x->p = end + 1;
	}
	neg = sign == 'P';
	if (len > 0 && name[0] == '^') {
		neg = !neg;
		name++;
		len--;
	}
	if (!unicode_name_ok(name, len))
		return re2_error(x, "invalid character class range", start,
		    (size_t)(x->p - start));
	if (re2_emit(x, "\\%c{%.*s}", neg ? 'P' : 'p', (int)len, name) == -1)
		return -1;
	return 1;
}

/* Whether ASCII c belongs to Go's POSIX class posix_classes[k]. */
static bool
posix_member(int k, int c)
{
	const char	*n = posix_classes[k].name;
	bool		 lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';
	bool		 digit = c >= '0' && c <= '9';

	if (strcmp(n, "alnum") == 0)
		return lower || upper || digit;
	if (strcmp(n, "alpha") == 0)
		return lower || upper;
	if (strcmp(n, "ascii") == 0)
		return c < 0x80;
	if (strcmp(n, "blank") == 0)
		return c == ' ' || c == '\t';
	if (strcmp(n, "cntrl") == 0)
		return c < 0x20 || c == 0x7f;
	if (strcmp(n, "digit") == 0)
		return digit;
	if (strcmp(n, "graph") == 0)
		return c >= 0x21 && c <= 0x7e;
	if (strcmp(n, "lower") == 0)
		return lower;
	if (strcmp(n, "print") == 0)
		return c >= 0x20 && c <= 0x7e;
	if (strcmp(n, "punct") == 0)
		return c >= 0x21 && c <= 0x7e && !lower && !upper && !digit;
	if (strcmp(n, "space") == 0)
		return (c >= '\t' && c <= '\r') || c == ' ';
	if (strcmp(n, "upper") == 0)
		return upper;
	if (strcmp(n, "word") == 0)
		return lower || upper || digit || c == '_';
	return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Emits, as class members, an ASCII set or its complement the way Go builds
 * them under (?i): the set is first closed under case folding (which for
 * ASCII letters also brings in U+212A KELVIN SIGN for k and U+017F LONG S
 * for s) and only then negated. PCRE2 would negate first, and it does not
 * fold \w or POSIX classes at all.
 */
static int
re2_ascii_set(struct re2 *x, bool set[128], bool negate, bool fold)
{
	bool		in[128];
	uint32_t	extra[2], lo, c;
	int		n = 0, i, rc = 0;

	memcpy(in, set, sizeof(in));
	if (fold)
		for (c = 'A'; c <= 'Z'; c++)
			if (set[c] || set[c + 32])
				in[c] = in[c + 32] = true;
	/* in ascending order */
	if (fold && in['s'])
		extra[n++] = 0x17f;
	if (fold && in['k'])
		extra[n++] = 0x212a;
	if (!negate) {
		for (c = 0; c < 128 && rc == 0; c++)
			if (in[c])
				rc = re2_emit(x, "\\x{%x}", c);
		for (i = 0; i < n && rc == 0; i++)
			rc = re2_emit(x, "\\x{%x}", extra[i]);
		return rc;
	}
	for (c = 0; c < 128 && rc == 0; c++) {
		if (in[c])
			continue;
		lo = c;
		while (c + 1 < 128 && !in[c + 1])
			c++;
		rc = re2_emit(x, "\\x{%x}-\\x{%x}", lo, c);
	}
	lo = 0x80;
	for (i = 0; i < n && rc == 0; i++) {
		rc = re2_emit(x, "\\x{%x}-\\x{%x}", lo, extra[i] - 1);
		lo = extra[i] + 1;
	}
	if (rc == 0)
		rc = re2_emit(x, "\\x{%x}-\\x{10ffff}", lo);
	return rc;
}

/* Go's \d \s \w and negations. Go's \s is [\t\n\f\r ] while PCRE2's also
 * has \v, so \s and \S are spelled out, and so are \w and \W under (?i),
 * where Go folds them. Returns 1 if handled. */
static int
re2_perl_class(struct re2 *x, bool in_class, unsigned flags)
{
	bool	set[128];
	char	c;
	int	i, rc;

	if (x->p[0] != '\\')
		return 0;
	c = x->p[1];
	switch (c) {
	case 'w': case 'W':
		if (!(flags & RE_FOLD))
			break;
		x->p += 2;
		for (i = 0; i < 128; i++)
			set[i] = is_alnum((uint32_t)i) || i == '_';
		if (!in_class && re2_emit(x, "[") == -1)
			return -1;
		rc = re2_ascii_set(x, set, c == 'W', true);
		if (rc == 0 && !in_class)
			rc = re2_emit(x, "]");
		return rc == -1 ? -1 : 1;
	}
	switch (c) {
	case 'd': case 'D': case 'w': case 'W':
		x->p += 2;
		return re2_emit(x, "\\%c", c) == -1 ? -1 : 1;
	case 's':
		x->p += 2;
		return re2_emit(x, in_class ? "\\t\\n\\f\\r\\x{20}" :
		    "[\\t\\n\\f\\r\\x{20}]") == -1 ? -1 : 1;
	case 'S':
		x->p += 2;
		return re2_emit(x, in_class ? "\\S\\x{0b}" :
		    "[^\\t\\n\\f\\r\\x{20}]") == -1 ? -1 : 1;
	}
	return 0;
}

/* Go's parseClassChar. */
static int
re2_class_char(struct re2 *x, const char *whole, uint32_t *r)
{
	if (*x->p == '\0')
		return re2_error(x, "missing closing ]", whole, strlen(whole));
	if (*x->p == '\\')
		return re2_escape(x, r);
	*r = re2_next(x);
	return 0;
}

/* Go's parseClass at x->p ('['). */
static int
re2_class(struct re2 *x, unsigned flags)
{
	const char	*whole = x->p, *rng, *end;
	uint32_t	 lo, hi, c;
	bool		 first = true, set[128];
	size_t		 len;
	int		 k, rc;

	x->p++;
	if (re2_emit(x, "[") == -1)
		return -1;
	if (*x->p == '^') {
		x->p++;
		if (re2_emit(x, "^") == -1)
			return -1;
	}
	while (*x->p == '\0' || *x->p != ']' || first) {
		first = false;
		if (x->p[0] == '[' && x->p[1] == ':' && x->p[2] != '\0' &&
		    (end = strstr(x->p + 2, ":]")) != NULL) {
			len = (size_t)(end + 2 - x->p);
			for (k = 0; posix_classes[k].name; k++) {
				size_t l = strlen(posix_classes[k].name);
				const char *nm = x->p + 2;

				if (*nm == '^')
					nm++;
				if ((size_t)(end - nm) == l &&
				    memcmp(nm, posix_classes[k].name, l) == 0)
					break;
			}
			if (posix_classes[k].name == NULL)
				return re2_error(x, "invalid character class range",
				    x->p, len);
			if (x->p[2] == '^') {
				for (c = 0; c < 128; c++)
					set[c] = posix_member(k, (int)c);
				rc = re2_ascii_set(x, set, true,
				    (flags & RE_FOLD) != 0);
			} else
				rc = re2_emit(x, "%s", posix_classes[k].ranges);
			if (rc == -1)
				return -1;
			x->p += len;
			continue;
		}
		if ((rc = re2_unicode_class(x)) != 0) {
			if (rc == -1)
				return -1;
			continue;
		}
		if ((rc = re2_perl_class(x, true, flags)) != 0) {
			if (rc == -1)
				return -1;
			continue;
		}
		rng = x->p;
		if (re2_class_char(x, whole, &lo) == -1)
			return -1;
		hi = lo;
		if (x->p[0] == '-' && x->p[1] != '\0' && x->p[1] != ']') {
			x->p++;
			if (re2_class_char(x, whole, &hi) == -1)
				return -1;
			if (hi < lo)
				return re2_error(x, "invalid character class range",
				    rng, (size_t)(x->p - rng));
		}
		if (lo == hi)
			rc = re2_emit(x, "\\x{%x}", lo);
		else
			rc = re2_emit(x, "\\x{%x}-\\x{%x}", lo, hi);
		if (rc == -1)
			return -1;
	}
	x->p++;
	return re2_emit(x, "]");
}

/* Go's parseInt for repeat counts: no leading zeros; -1 when too big. */
static bool
re2_int(const char **pp, int *v)
{
	const char	*p = *pp, *s = p;

	if (*p < '0' || *p > '9')
		return false;
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	*v = (p - s >= 8) ? -1 : atoi(s);
	*pp = p;
	return true;
}

/* Go's parseRepeat: "{n}", "{n,}", "{n,m}". */
static bool
re2_repeat(const char *p, int *min, int *max, const char **after)
{
	if (*p++ != '{')
		return false;
	if (!re2_int(&p, min))
		return false;
	if (*p == ',') {
		p++;
		if (*p == '}')
			*max = -1;
		else if (!re2_int(&p, max))
			return false;
		else if (*max < 0)
			*min = -1;	/* Go flags "too big" through min */
	} else
		*max = *min;
	if (*p++ != '}')
		return false;
	*after = p;
	return true;
}

/* Perl-style group after "(?": flags, "(?flags:", "(?P<name>". *flags
 * holds the U and m flags in force and is updated for what the group sets. */

static int
re2_group(struct re2 *x, bool *capture, bool *opens, unsigned *flags)
{
	const char	*start = x->p, *t = x->p + 2, *end, *c;
	bool		 neg = false, saw = false;
	unsigned	 f = *flags, bit;

	*capture = false;
	if (t[0] == 'P' && t[1] == '<') {
		end = strchr(t, '>');
		if (end == NULL)
			return re2_error(x, "invalid named capture", start,
			    strlen(start));
		if (end == t + 2)
			return re2_error(x, "invalid named capture", start,
			    (size_t)(end + 1 - start));
		for (c = t + 2; c < end; c++)
			if (!is_alnum((unsigned char)*c) && *c != '_')
				return re2_error(x, "invalid named capture",
				    start, (size_t)(end + 1 - start));
		/* Names do not affect matching, and PCRE2 refuses some
		 * names Go accepts (leading digits), so drop them. */
		x->p = end + 1;
		*capture = true;
		*opens = true;
		return re2_emit(x, "(");
	}
	x->p = t;
	while (*x->p) {
		const char	*at = x->p;
		uint32_t	 r = re2_next(x);

		switch (r) {
		case 'U': case 'm': case 'i':
			/* after '-' a flag clears, whatever came before */
			bit = r == 'U' ? RE_UNGREEDY : r == 'm' ? RE_MULTILINE :
			    RE_FOLD;
			f = neg ? f & ~bit : f | bit;
			saw = true;
			continue;
		case 's':
			saw = true;
			continue;
		case '-':
			if (neg)
				break;
			neg = true;
			saw = false;
			continue;
		case ':': case ')':
			if (neg && !saw)
				break;
			*opens = r == ':';
			*flags = f;
			/* Same letters and scoping in PCRE2. */
			return re2_emit(x, "(?%.*s%c", (int)(at - t), t, (int)r);
		default:
			break;
		}
		break;
	}
	return re2_error(x, "invalid or unsupported Perl syntax", start,
	    (size_t)(x->p - start));
}

/* Go's repeatIsValid: along any path of nested counted repeats the counts
 * multiply to at most 1000; a {0} repeat ends the path. Products are capped
 * so they cannot overflow. */
static long
rep_product(long inner, int min, int max)
{
	long	f;

	if (max == 0)
		return 0;
	f = max < 0 ? min : max;
	if (f == 0)
		f = 1;
	f *= inner;
	return f > RE_MAX_REPEAT + 1 ? RE_MAX_REPEAT + 1 : f;
}

/* Emits flag groups held back in x->pending. */
static int
re2_flush(struct re2 *x)
{
	if (x->pending.len == 0)
		return 0;
	if (buf_add(x->out, x->pending.data, x->pending.len) == -1)
		return terr_set(x->err, "regexp too large");
	buf_reset(&x->pending);
	return 0;
}

/*
 * Translates the anchored expression; the output is a PCRE2 pattern.
 *
 * This is Go's regexp/syntax parser (Parse with Perl flags) walking the
 * pattern so that what Go refuses is refused with Go's message (invalid
 * UTF-8, missing or unexpected parentheses, nesting past 1000, missing
 * argument or nested repetition operators, counts past 1000 alone or
 * multiplied through nested repeats, bad escapes, \C, bad named captures
 * and unsupported Perl groups), while the accepted pattern is re-emitted in
 * a form PCRE2 reads as RE2 does: literals as \x{..}, ^ and $ as \A and \z
 * or under (?m) as Go has them, octal and \x{} escapes, \Q...\E, Go's
 * ASCII \d \s \w and POSIX classes, \p names limited to Go's list, the
 * i, m, s and U flags with Go's scoping, and '{' as a literal when it
 * starts no repeat.
 *
 * Not reproduced: Go's newer (?<name>...) (amtool's Go 1.19 refuses it, and
 * so does this), and anything about matching itself: \p membership and
 * case folding come from PCRE2's Unicode tables, not Go's. Which of several
 * matches wins does not arise: the pattern is anchored at both ends and
 * the matcher only asks whether the whole value matches.
 *
 * One Go quirk needs care: a flag group such as (?i) is no item, so in
 * "X(?i)*" Go repeats X (and the repeat's greediness follows the flags after
 * the group). PCRE2 refuses a quantifier there, so flag groups that follow
 * an item are held back in x->pending until something other than a repeat
 * comes, and such a repeat is emitted as (?:X)Q with its greediness spelled
 * out for the flags PCRE2 has in force at that point.
 */
static int
re2_translate(const char *full, struct buf *out, struct terr *err)
{
	struct re2	 x = { full, out, err, { 0 } };
	/* state of the last item: 0 nothing to repeat (start, '(' or '|'),
	 * 1 an item, 2 a repetition operator (stacking one is an error) */
	int		 last = 0, depth = 0, rc, min, max, ret = -1, prev_last;
	const char	*last_rep = NULL, *before, *after, *qend;
	uint32_t	 r;
	bool		 capture, opens = false, counted, lazy, pcre_u = false;
	unsigned	 u;
	/* per open group: the largest repeat product inside it, where it
	 * starts in the output, and Go's U flag; and for the last item */
	long		 gmax[RE_MAX_DEPTH + 2], item = 0, prev_item;
	size_t		 gstart[RE_MAX_DEPTH + 2], item_start = 0, prev_start;
	unsigned	 ug[RE_MAX_DEPTH + 2];
	struct buf	 tmp, *real;
	char		*xs = NULL;

	buf_init(&x.pending, 0);
	buf_init(&tmp, 0);
	if (!utf8_valid(full, strlen(full))) {
		re2_error(&x, "invalid UTF-8", full, strlen(full));
		goto out;
	}
	gmax[0] = 0;
	ug[0] = 0;
	while (*x.p) {
		if (last != 0 && item > gmax[depth])
			gmax[depth] = item;
		switch (*x.p) {
		case '(':
			if (x.p[1] == '?') {
				/* Emitted into tmp until we know whether it
				 * is a flag group to hold back. */
				u = ug[depth];
				real = x.out;
				x.out = &tmp;
				buf_reset(&tmp);
				rc = re2_group(&x, &capture, &opens, &u);
				x.out = real;
				if (rc == -1)
					goto out;
				if (!opens) {
					if (last != 0) {
						if (x.pending.len == 0)
							pcre_u = ug[depth] & RE_UNGREEDY;
						if (buf_add(&x.pending, tmp.data, tmp.len) == -1)
							goto oom;
						/* it ends a repeat run */
						if (last == 2)
							last = 1;
					} else if (buf_add(x.out, tmp.data, tmp.len) == -1)
						goto oom;
					ug[depth] = u;
					continue;
				}
				if (re2_flush(&x) == -1)
					goto out;
				gstart[depth + 1] = x.out->len;
				if (buf_add(x.out, tmp.data, tmp.len) == -1)
					goto oom;
			} else {
				if (re2_flush(&x) == -1)
					goto out;
				u = ug[depth];
				gstart[depth + 1] = x.out->len;
				x.p++;
				if (re2_emit(&x, "(") == -1)
					goto out;
			}
			if (++depth > RE_MAX_DEPTH) {
				re2_error(&x, "expression nests too deeply", full,
				    strlen(full));
				goto out;
			}
			gmax[depth] = 0;
			ug[depth] = u;
			last = 0;
			continue;
		case ')':
			if (depth == 0) {
				re2_error(&x, "unexpected )", full, strlen(full));
				goto out;
			}
			if (re2_flush(&x) == -1)
				goto out;
			x.p++;
			if (re2_emit(&x, ")") == -1)
				goto out;
			item_start = gstart[depth];
			item = gmax[depth--];
			last = 1;
			continue;
		case '|':
			if (re2_flush(&x) == -1)
				goto out;
			x.p++;
			if (re2_emit(&x, "|") == -1)
				goto out;
			last = 0;
			continue;
		case '*': case '+': case '?':
			before = x.p;
			after = x.p + 1;
			min = 0;
			max = -1;
			counted = false;
			goto repeat;
		case '{':
			before = x.p;
			if (re2_repeat(x.p, &min, &max, &after)) {
				if (min < 0 || min > RE_MAX_REPEAT ||
				    max > RE_MAX_REPEAT || (max >= 0 && min > max)) {
					re2_error(&x, "invalid repeat count", before,
					    (size_t)(after - before));
					goto out;
				}
				counted = true;
				goto repeat;
			}
			break;
		default:
			break;
		}

		/* An item. */
		if (re2_flush(&x) == -1)
			goto out;
		prev_last = last;
		prev_start = item_start;
		prev_item = item;
		item_start = x.out->len;
		item = 1;
		last = 1;
		switch (*x.p) {
		case '^': case '$':
			/* Spelled out for the m flag Go has in force (PCRE2's
			 * DFA matcher ignores DOLLAR_ENDONLY), and grouped
			 * because Go may repeat an assertion (^*). */
			if (ug[depth] & RE_MULTILINE)
				rc = re2_emit(&x, "(?m:%c)", *x.p);
			else
				rc = re2_emit(&x, "(?:%s)", *x.p == '^' ? "\\A" : "\\z");
			x.p++;
			break;
		case '.':
			rc = re2_emit(&x, ".");
			x.p++;
			break;
		case '[':
			rc = re2_class(&x, ug[depth]);
			break;
		case '{':
			/* Not a repeat: a literal brace. */
			rc = re2_emit(&x, "\\{");
			x.p++;
			break;
		case '\\':
			if (x.p[1] == 'A' || x.p[1] == 'b' || x.p[1] == 'B' ||
			    x.p[1] == 'z') {
				rc = re2_emit(&x, "(?:\\%c)", x.p[1]);
				x.p += 2;
				break;
			}
			if (x.p[1] == 'C') {
				re2_error(&x, "invalid escape sequence", x.p, 2);
				goto out;
			}
			if (x.p[1] == 'Q') {
				/* Literal text up to \E or the end; a repeat
				 * after it takes the last character. */
				x.p += 2;
				/* \Q\E alone is no item at all */
				last = prev_last;
				item_start = prev_start;
				item = prev_item;
				rc = 0;
				while (rc == 0 && *x.p &&
				    !(x.p[0] == '\\' && x.p[1] == 'E')) {
					if (x.p[0] == '\\' && x.p[1] == '\\')
						x.p++;
					r = re2_next(&x);
					item_start = x.out->len;
					rc = re2_emit(&x, "\\x{%x}", r);
					item = 1;
					last = 1;
				}
				if (*x.p)
					x.p += 2;
				break;
			}
			if ((rc = re2_unicode_class(&x)) == 0)
				rc = re2_perl_class(&x, false, ug[depth]);
			if (rc == 0) {
				if (re2_escape(&x, &r) == -1)
					goto out;
				rc = re2_emit(&x, "\\x{%x}", r);
			}
			break;
		default:
			/* Every literal goes out as \x{..}: no PCRE2 meaning
			 * can sneak in. */
			r = re2_next(&x);
			rc = re2_emit(&x, "\\x{%x}", r);
			break;
		}
		if (rc == -1)
			goto out;
		continue;

repeat:
		/* Go (like Perl) refuses stacked repetitions such as a** or
		 * the possessive a++; a trailing '?' only makes it lazy. */
		qend = after;
		lazy = *after == '?';
		if (lazy)
			after++;
		if (last == 2) {
			re2_error(&x, "invalid nested repetition operator",
			    last_rep, (size_t)(after - last_rep));
			goto out;
		}
		if (last == 0) {
			re2_error(&x, "missing argument to repetition operator",
			    before, (size_t)(after - before));
			goto out;
		}
		if (counted) {
			item = rep_product(item, min, max);
			if ((min >= 2 || max >= 2) && item > RE_MAX_REPEAT) {
				re2_error(&x, "invalid repeat count", before,
				    (size_t)(after - before));
				goto out;
			}
		}
		if (x.pending.len == 0)
			rc = re2_emit(&x, "%.*s", (int)(after - before), before);
		else {
			/* X(?flags)Q: repeat X, greedy as Go decides. */
			if ((xs = strndup(x.out->data + item_start,
			    x.out->len - item_start)) == NULL)
				goto oom;
			x.out->len = item_start;
			x.out->data[item_start] = '\0';
			rc = re2_emit(&x, "(?:%s)%.*s%s", xs,
			    (int)(qend - before), before,
			    (((ug[depth] & RE_UNGREEDY) != 0) != lazy) != pcre_u ?
			    "?" : "");
			free(xs);
			xs = NULL;
		}
		if (rc == -1)
			goto out;
		last_rep = before;
		x.p = after;
		last = 2;
		continue;
	}
	if (depth != 0) {
		re2_error(&x, "missing closing )", full, strlen(full));
		goto out;
	}
	if (re2_flush(&x) == -1)
		goto out;
	ret = 0;
	goto out;
oom:
	terr_set(err, "regexp too large");
out:
	buf_free(&x.pending);
	buf_free(&tmp);
	return ret;
}

static pcre2_code *
re_compile(const char *anchored, struct terr *err)
{
	struct buf		 pat;
	pcre2_compile_context	*cctx = NULL;
	pcre2_code		*re = NULL;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 off;
	int			 code;

	buf_init(&pat, 0);
	if (re2_translate(anchored, &pat, err) == -1)
		goto out;
	if ((cctx = pcre2_compile_context_create(NULL)) == NULL) {
		terr_set(err, "out of memory");
		goto out;
	}
	/* Go's multi-line '^' also matches after a final newline; '^' and
	 * '$' outside (?m) are translated to \A and \z. */
	pcre2_set_newline(cctx, PCRE2_NEWLINE_LF);
	pcre2_set_parens_nest_limit(cctx, RE_MAX_DEPTH + 2);
	re = pcre2_compile((PCRE2_SPTR)buf_str(&pat), PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_BACKSLASH_C, &code,
	    &off, cctx);
	if (re == NULL) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		terr_set(err, "error parsing regexp: %s: `%s`", (char *)msg,
		    anchored);
	}
out:
	pcre2_compile_context_free(cctx);
	buf_free(&pat);
	return re;
}

static struct matcher *
matcher_build(enum matcher_type type, const char *name, const char *value,
    const char *compile, struct terr *err)
{
	struct matcher	*m;
	char		*anchored = NULL;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto nomem;
	m->type = type;
	if ((m->name = strdup(name)) == NULL ||
	    (m->value = strdup(value)) == NULL)
		goto nomem;
	if (type == MATCH_RE || type == MATCH_NRE) {
		if (asprintf(&anchored, "^(?:%s)$", compile) == -1) {
			anchored = NULL;
			goto nomem;
		}
		if ((m->re = re_compile(anchored, err)) == NULL)
			goto fail;
		if ((m->mctx = pcre2_match_context_create(NULL)) == NULL)
			goto nomem;
		pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	}
	free(anchored);
	return m;
nomem:
	terr_set(err, "out of memory");
fail:
	free(anchored);
	matcher_free(m);
	return NULL;
}

struct matcher *
matcher_new(enum matcher_type type, const char *name, const char *value,
    struct terr *err)
{
	return matcher_build(type, name, value, value, err);
}

struct matcher *
matcher_new_legacy_re(const char *name, const char *value, struct terr *err)
{
	struct matcher	*m;
	char		*anchored;

	if (asprintf(&anchored, "^(?:%s)$", value) == -1) {
		terr_set(err, "out of memory");
		return NULL;
	}
	/* Compiling the anchored text anchors it twice, which matches the
	 * same strings and reports errors against "^(?:VALUE)$". */
	m = matcher_build(MATCH_RE, name, anchored, value, err);
	free(anchored);
	return m;
}

void
matcher_free(struct matcher *m)
{
	if (m == NULL)
		return;
	free(m->name);
	free(m->value);
	pcre2_code_free(m->re);
	pcre2_match_context_free(m->mctx);
	free(m);
}

/* Go's regexp `\s`. */
static bool
is_go_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool
is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':';
}

/*
 * labels.ParseMatcher. Its regexp
 *   ^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$
 * splits into name, operator and a raw value with surrounding whitespace
 * removed; the raw value is then unescaped.
 */
static struct matcher *
parse_one(const char *s, size_t len, struct terr *err)
{
	const char		*p = s, *end = s + len, *name, *raw, *rend;
	size_t			 nlen, i, rlen;
	enum matcher_type	 type;
	struct buf		 val;
	struct matcher		*m = NULL;
	char			*nm = NULL;
	bool			 quoted = false, escaped = false;

	buf_init(&val, 0);
	while (p < end && is_go_space(*p))
		p++;
	name = p;
	if (p == end || !is_name_start(*p))
		goto badformat;
	while (p < end && (is_name_start(*p) || (*p >= '0' && *p <= '9')))
		p++;
	nlen = (size_t)(p - name);
	while (p < end && is_go_space(*p))
		p++;
	if (end - p >= 2 && p[0] == '=' && p[1] == '~') {
		type = MATCH_RE;
		p += 2;
	} else if (p < end && p[0] == '=') {
		type = MATCH_EQ;
		p += 1;
	} else if (end - p >= 2 && p[0] == '!' && p[1] == '=') {
		type = MATCH_NE;
		p += 2;
	} else if (end - p >= 2 && p[0] == '!' && p[1] == '~') {
		type = MATCH_NRE;
		p += 2;
	} else
		goto badformat;
	while (p < end && is_go_space(*p))
		p++;
	rend = end;
	while (rend > p && is_go_space(rend[-1]))
		rend--;
	raw = p;
	rlen = (size_t)(rend - raw);

	/* The message quotes the raw value including its opening quote. */
	i = 0;
	if (rlen > 0 && raw[0] == '"') {
		quoted = true;
		i = 1;
	}
	if (!utf8_valid(raw + i, rlen - i)) {
		terr_set(err, "matcher value not valid UTF-8: %.*s", (int)rlen,
		    raw);
		goto fail;
	}
	for (; i < rlen; i++) {
		char c = raw[i];

		if (escaped) {
			escaped = false;
			if (c == 'n')
				c = '\n';
			else if (c != '"' && c != '\\' && buf_addc(&val, '\\') == -1)
				goto nomem;
			if (buf_addc(&val, c) == -1)
				goto nomem;
			continue;
		}
		if (c == '\\') {
			if (i < rlen - 1) {
				escaped = true;
				continue;
			}
			if (buf_addc(&val, '\\') == -1)
				goto nomem;
		} else if (c == '"') {
			if (!quoted || i < rlen - 1)
				goto badquote;
			quoted = false;
		} else if (buf_addc(&val, c) == -1)
			goto nomem;
	}
	if (quoted)
		goto badquote;
	if ((nm = strndup(name, nlen)) == NULL)
		goto nomem;
	m = matcher_new(type, nm, buf_str(&val), err);
	goto out;

badformat:
	terr_set(err, "bad matcher format: %.*s", (int)len, s);
	goto fail;
badquote:
	terr_set(err, "matcher value contains unescaped double quote: %.*s",
	    (int)rlen, raw);
	goto fail;
nomem:
	terr_set(err, "out of memory");
fail:
out:
	free(nm);
	buf_free(&val);
	return m;
}

struct matcher *
matcher_parse(const char *s, struct terr *err)
{
	return parse_one(s, strlen(s), err);
}

void
matchers_init(struct matchers *ms)
{
	ms->v = NULL;
	ms->n = 0;
}

void
matchers_free(struct matchers *ms)
{
	size_t	i;

	for (i = 0; i < ms->n; i++)
		matcher_free(ms->v[i]);
	free(ms->v);
	matchers_init(ms);
}

int
matchers_add(struct matchers *ms, struct matcher *m)
{
	struct matcher	**v;

	if ((v = reallocarray(ms->v, ms->n + 1, sizeof(*v))) == NULL)
		return -1;
	v[ms->n++] = m;
	ms->v = v;
	return 0;
}

/*
 * labels.ParseMatchers. Go walks the string rune by rune, so an invalid
 * UTF-8 byte becomes U+FFFD in the tokens; the quote tracking is Go's to the
 * letter, including a comma inside quotes leaving a pending backslash
 * escape pending.
 */
int
matchers_parse(struct matchers *ms, const char *s, struct terr *err)
{
	struct matchers	 got;
	struct matcher	**v;
	struct buf	 tok;
	const char	*p, *end, *t, *te;
	size_t		 len, n, i;
	bool		 inq = false, esc = false;
	uint32_t	 r;
	struct matcher	*m;
	int		 rc = -1;

	matchers_init(&got);
	buf_init(&tok, 0);
	len = strlen(s);
	p = s;
	end = s + len;
	if (p < end && *p == '{')
		p++;
	if (end > p && end[-1] == '}')
		end--;
	while (p < end) {
		n = utf8_decode_lossy((const unsigned char *)p, (size_t)(end - p),
		    &r);
		switch (r) {
		case ',':
			if (!inq) {
				m = parse_one(buf_str(&tok), tok.len, err);
				if (m == NULL)
					goto out;
				if (matchers_add(&got, m) == -1) {
					matcher_free(m);
					goto nomem;
				}
				buf_reset(&tok);
				p += n;
				continue;
			}
			break;
		case '"':
			if (!esc)
				inq = !inq;
			else
				esc = false;
			break;
		case '\\':
			esc = !esc;
			break;
		default:
			esc = false;
			break;
		}
		if (r == 0xfffd && n == 1) {
			if (buf_add(&tok, "\xef\xbf\xbd", 3) == -1)
				goto nomem;
		} else if (buf_add(&tok, p, n) == -1)
			goto nomem;
		p += n;
	}
	/* The last token is trimmed (Go's TrimSpace: Unicode white space)
	 * and dropped when empty. */
	t = buf_str(&tok);
	te = t + tok.len;
	for (;;) {
		if (t < te && (*t == ' ' || (*t >= '\t' && *t <= '\r')))
			t++;
		else if (te - t >= 2 && (unsigned char)t[0] == 0xc2 &&
		    ((unsigned char)t[1] == 0x85 || (unsigned char)t[1] == 0xa0))
			t += 2;
		else
			break;
	}
	for (;;) {
		if (te > t && (te[-1] == ' ' || (te[-1] >= '\t' && te[-1] <= '\r')))
			te--;
		else if (te - t >= 2 && (unsigned char)te[-2] == 0xc2 &&
		    ((unsigned char)te[-1] == 0x85 || (unsigned char)te[-1] == 0xa0))
			te -= 2;
		else
			break;
	}
	if (te > t) {
		if ((m = parse_one(t, (size_t)(te - t), err)) == NULL)
			goto out;
		if (matchers_add(&got, m) == -1) {
			matcher_free(m);
			goto nomem;
		}
	}
	if (got.n > 0) {
		/* One allocation, so that ms is either unchanged or complete. */
		v = reallocarray(ms->v, ms->n + got.n, sizeof(*v));
		if (v == NULL)
			goto nomem;
		ms->v = v;
		for (i = 0; i < got.n; i++)
			ms->v[ms->n++] = got.v[i];
		got.n = 0;
	}
	rc = 0;
	goto out;
nomem:
	terr_set(err, "out of memory");
out:
	matchers_free(&got);
	buf_free(&tok);
	return rc;
}

static int
matcher_cmp(const void *a, const void *b)
{
	const struct matcher	*x = *(struct matcher *const *)a;
	const struct matcher	*y = *(struct matcher *const *)b;
	int			 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if ((c = strcmp(x->value, y->value)) != 0)
		return c;
	return (int)x->type - (int)y->type;
}

void
matchers_sort(struct matchers *ms)
{
	if (ms->n > 1)
		qsort(ms->v, ms->n, sizeof(*ms->v), matcher_cmp);
}

bool
matcher_matches(const struct matcher *m, const char *value)
{
	pcre2_match_data	*md = NULL;
	struct buf		 fixed;
	const unsigned char	*p;
	size_t			 n, l;
	uint32_t		 r;
	int			 rc = -1, ws[DFA_WORKSPACE];

	switch (m->type) {
	case MATCH_EQ:
		return strcmp(value, m->value) == 0;
	case MATCH_NE:
		return strcmp(value, m->value) != 0;
	case MATCH_RE:
	case MATCH_NRE:
		break;
	}
	/* Go reads each invalid byte as U+FFFD (so '.' matches it); PCRE2
	 * refuses invalid UTF-8, so hand it what Go sees. */
	buf_init(&fixed, 0);
	if (!utf8_valid(value, strlen(value))) {
		p = (const unsigned char *)value;
		for (n = strlen(value); n > 0; p += l, n -= l) {
			if ((l = utf8_decode(p, n, &r)) == 0) {
				l = 1;
				if (buf_adds(&fixed, "\xef\xbf\xbd") == -1)
					goto out;
			} else if (buf_add(&fixed, p, l) == -1)
				goto out;
		}
		value = buf_str(&fixed);
	}
	/* Match data per call keeps a shared matcher thread-safe. RE2
	 * never backtracks; PCRE2's DFA matcher does not either, so a
	 * pattern that is pathological for backtracking still gets the
	 * right answer. Only when the DFA runs out of workspace does the
	 * backtracking matcher (with a limit) decide. */
	if ((md = pcre2_match_data_create(1, NULL)) == NULL)
		goto out;
	n = strlen(value);
	rc = pcre2_dfa_match(m->re, (PCRE2_SPTR)value, n, 0, PCRE2_NO_UTF_CHECK,
	    md, m->mctx, ws, DFA_WORKSPACE);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_PARTIAL)
		rc = pcre2_match(m->re, (PCRE2_SPTR)value, n, 0,
		    PCRE2_NO_UTF_CHECK, md, m->mctx);
out:
	pcre2_match_data_free(md);
	buf_free(&fixed);
	return (rc >= 0) == (m->type == MATCH_RE);
}

bool
matchers_match(const struct matchers *ms, const struct kv *labels)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < ms->n; i++) {
		v = kv_get(labels, ms->v[i]->name);
		if (!matcher_matches(ms->v[i], v ? v : ""))
			return false;
	}
	return true;
}

static const char *const type_str[] = { "=", "!=", "=~", "!~" };

int
matcher_format(const struct matcher *m, struct buf *out)
{
	const char	*p;

	if (buf_printf(out, "%s%s\"", m->name, type_str[m->type]) == -1)
		return -1;
	for (p = m->value; *p; p++) {
		switch (*p) {
		case '\\':
			if (buf_adds(out, "\\\\") == -1)
				return -1;
			break;
		case '\n':
			if (buf_adds(out, "\\n") == -1)
				return -1;
			break;
		case '"':
			if (buf_adds(out, "\\\"") == -1)
				return -1;
			break;
		default:
			if (buf_addc(out, *p) == -1)
				return -1;
		}
	}
	return buf_addc(out, '"');
}

int
matchers_format(const struct matchers *ms, struct buf *out)
{
	size_t	i;

	if (buf_addc(out, '{') == -1)
		return -1;
	for (i = 0; i < ms->n; i++) {
		if (i > 0 && buf_addc(out, ',') == -1)
			return -1;
		if (matcher_format(ms->v[i], out) == -1)
			return -1;
	}
	return buf_addc(out, '}');
}

const char *
matcher_name(const struct matcher *m)
{
	return m->name;
}

enum matcher_type
matcher_type(const struct matcher *m)
{
	return m->type;
}

const char *
matcher_value(const struct matcher *m)
{
	return m->value;
}
