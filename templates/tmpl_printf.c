/* tmpl_printf.c: Go's fmt.Sprintf over template values: the verbs, flags,
 * width and precision templates use, and Go's %!verb(type=value) errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "tmpl_int.h"
#include "utf8.h"

struct spec {
	bool	minus, plus, sharp, zero, space;
	bool	gosyntax;	/* %#v */
	int	width, prec;	/* -1: not given */
};

/* Go's utf8.RuneCountInString: an invalid byte counts as one rune. */
static size_t
rune_count(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; n++)
		i += utf8_seqlen((const unsigned char *)s + i, len - i);
	return n;
}

/* Appends s padded to the spec's width (zero-padding numbers after a sign). */
static int
pad(struct buf *b, const struct spec *sp, const char *s, size_t len, bool num)
{
	size_t	n = rune_count(s, len);
	int	fill = sp->width > 0 && (size_t)sp->width > n ?
		    sp->width - (int)n : 0;

	if (sp->minus) {
		if (buf_add(b, s, len) == -1)
			return -1;
		while (fill-- > 0)
			if (buf_addc(b, ' ') == -1)
				return -1;
		return 0;
	}
	/* fmt pads strings with zeros too */
	if (sp->zero) {
		if (len > 0 && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) {
			if (buf_addc(b, s[0]) == -1)
				return -1;
			s++;
			len--;
		}
		while (fill-- > 0)
			if (buf_addc(b, '0') == -1)
				return -1;
		return buf_add(b, s, len);
	}
	while (fill-- > 0)
		if (buf_addc(b, ' ') == -1)
			return -1;
	return buf_add(b, s, len);
}

static int
quote(struct buf *b, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 left = strlen(str);

	if (buf_addc(b, '"') == -1)
		return -1;
	while (left > 0) {
		unsigned char	c = *s;
		size_t		n = 1;
		int		r = 0;

		switch (c) {
		case '\a': r = buf_adds(b, "\\a"); break;
		case '\b': r = buf_adds(b, "\\b"); break;
		case '\f': r = buf_adds(b, "\\f"); break;
		case '\n': r = buf_adds(b, "\\n"); break;
		case '\r': r = buf_adds(b, "\\r"); break;
		case '\t': r = buf_adds(b, "\\t"); break;
		case '\v': r = buf_adds(b, "\\v"); break;
		case '\\': r = buf_adds(b, "\\\\"); break;
		case '"': r = buf_adds(b, "\\\""); break;
		default:
			if (c < 0x20 || c == 0x7f)
				r = buf_printf(b, "\\x%02x", c);
			else if (c < 0x80)
				r = buf_addc(b, (char)c);
			else {
				/* multi-byte: keep valid runes, \x each invalid
				 * byte, as strconv.Quote does */
				uint32_t	rune;
				size_t		k = utf8_decode(s, left, &rune);

				if (k > 0) {
					n = k;
					r = buf_add(b, s, k);
				} else
					r = buf_printf(b, "\\x%02x", c);
			}
		}
		if (r == -1)
			return -1;
		s += n;
		left -= n;
	}
	return buf_addc(b, '"');
}

static int
bad_verb(struct exec *x, struct buf *b, char verb, const struct val *v)
{
	const char *s;

	if (v->t == V_NIL)
		return buf_printf(b, "%%!%c(<nil>)", verb);
	if ((s = val_to_str(x, v)) == NULL)
		return -1;
	return buf_printf(b, "%%!%c(%s=%s)", verb, val_type_name(v), s);
}

/* The formats below are assembled from a fixed set of flags and verbs so
 * that C's printf does the digit work; no user text reaches them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static int
fmt_int(struct buf *b, const struct spec *sp, char verb, int64_t i)
{
	char		 fmt[32], out[80];
	unsigned long long u = i < 0 ? -(unsigned long long)i : (unsigned long long)i;
	const char	*sign = i < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "";
	int		 n;

	switch (verb) {
	case 'd': case 'v':
		if (sp->prec >= 0)
			n = snprintf(out, sizeof(out), "%s%.*llu", sign, sp->prec, u);
		else
			n = snprintf(out, sizeof(out), "%s%llu", sign, u);
		break;
	case 'x': case 'X': case 'o': case 'b': {
		const char *pre = "";

		if (sp->sharp)
			pre = verb == 'x' ? "0x" : verb == 'X' ? "0X" :
			    verb == 'o' ? "0" : "0b";
		if (verb == 'b') {
			char	bits[65];
			int	k = 64;

			bits[k] = '\0';
			do {
				bits[--k] = (char)('0' + (u & 1));
				u >>= 1;
			} while (u);
			n = snprintf(out, sizeof(out), "%s%s%s", sign, pre, bits + k);
			break;
		}
		snprintf(fmt, sizeof(fmt), "%%s%%s%%%sll%c",
		    sp->prec >= 0 ? ".*" : "", verb);
		if (sp->prec >= 0)
			n = snprintf(out, sizeof(out), fmt, sign, pre, sp->prec, u);
		else
			n = snprintf(out, sizeof(out), fmt, sign, pre, u);
		break;
	}
	case 'c': case 'q': case 'U': {
		long	cp = (long)i;
		char	u8[5] = "";

		if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			cp = 0xfffd;
		u8[utf8_encode((uint32_t)cp, u8)] = '\0';
		if (verb == 'c')
			n = snprintf(out, sizeof(out), "%s", u8);
		else if (verb == 'U')
			n = snprintf(out, sizeof(out), "U+%04lX", (long)i);
		else if (cp == '\'')
			n = snprintf(out, sizeof(out), "'\\''");
		else if (cp == '\n')
			n = snprintf(out, sizeof(out), "'\\n'");
		else if (cp < 0x20)
			n = snprintf(out, sizeof(out), "'\\x%02lx'", cp);
		else
			n = snprintf(out, sizeof(out), "'%s'", u8);
		break;
	}
	default:
		return 1;
	}
	return pad(b, sp, out, (size_t)n, true);
}

static int
fmt_float(struct buf *b, const struct spec *sp, char verb, double f)
{
	char	out[512], fmt[32];
	int	n;

	if ((verb == 'g' || verb == 'G' || verb == 'v') && sp->prec < 0) {
		char tmp[64];

		fmt_float_v(tmp, sizeof(tmp), f);
		if (verb == 'G')
			for (char *c = tmp; *c; c++)
				if (*c == 'e')
					*c = 'E';
		n = snprintf(out, sizeof(out), "%s%s", sp->plus && f >= 0 ?
		    "+" : sp->space && f >= 0 ? " " : "", tmp);
		return pad(b, sp, out, (size_t)n, true);
	}
	switch (verb) {
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'v':
		break;
	default:
		return 1;
	}
	snprintf(fmt, sizeof(fmt), "%%%s%s%s.*%c", sp->plus ? "+" : "",
	    sp->space ? " " : "", sp->sharp ? "#" : "", verb == 'v' ? 'g' : verb);
	n = snprintf(out, sizeof(out), fmt, sp->prec >= 0 ? sp->prec :
	    (verb == 'g' || verb == 'G' || verb == 'v') ? -1 : 6, f);
	if (n < 0 || (size_t)n >= sizeof(out))
		n = (int)strlen(out);
	/* Go writes infinities as +Inf/-Inf and NaN as NaN */
	if (strstr(out, "inf") || strstr(out, "INF"))
		n = snprintf(out, sizeof(out), "%s", f < 0 ? "-Inf" : "+Inf");
	else if (strstr(out, "nan") || strstr(out, "NAN"))
		n = snprintf(out, sizeof(out), "NaN");
	return pad(b, sp, out, (size_t)n, true);
}

#pragma GCC diagnostic pop

static int
fmt_one(struct exec *x, struct buf *b, const struct spec *sp, char verb,
    const struct val *v)
{
	const char	*s;
	int		 r;

	switch (v->t) {
	case V_BOOL:
		if (verb == 't' || verb == 'v')
			return pad(b, sp, v->u.b ? "true" : "false",
			    v->u.b ? 4 : 5, false);
		return bad_verb(x, b, verb, v);
	case V_INT:
		if ((r = fmt_int(b, sp, verb, v->u.i)) == 1)
			return bad_verb(x, b, verb, v);
		return r;
	case V_FLOAT:
		if ((r = fmt_float(b, sp, verb, v->u.f)) == 1)
			return bad_verb(x, b, verb, v);
		return r;
	case V_STR:
	case V_HTML:
	case V_URL:
		s = v->u.s;
		switch (verb) {
		case 's': case 'v': {
			size_t len = strlen(s);

			if (verb == 'v' && sp->sharp) {
				struct buf q;

				buf_init(&q, 0);
				if (quote(&q, s) == -1) {
					buf_free(&q);
					return -1;
				}
				r = pad(b, sp, buf_str(&q), q.len, false);
				buf_free(&q);
				return r;
			}

			if (sp->prec >= 0) {
				size_t	i = 0;
				int	runes = 0;

				/* whole runes, as Go's range over the string
				 * reads them */
				while (i < len && runes < sp->prec) {
					i += utf8_seqlen((const unsigned char *)s + i,
					    len - i);
					runes++;
				}
				len = i;
			}
			return pad(b, sp, s, len, false);
		}
		case 'q': {
			struct buf q;

			buf_init(&q, 0);
			if (quote(&q, s) == -1) {
				buf_free(&q);
				return -1;
			}
			r = pad(b, sp, buf_str(&q), q.len, false);
			buf_free(&q);
			return r;
		}
		case 'x': case 'X': {
			struct buf h;

			buf_init(&h, 0);
			for (const unsigned char *p = (const unsigned char *)s; *p; p++)
				if (buf_printf(&h, verb == 'x' ? "%02x" : "%02X", *p) == -1) {
					buf_free(&h);
					return -1;
				}
			r = pad(b, sp, buf_str(&h), h.len, false);
			buf_free(&h);
			return r;
		}
		default:
			return bad_verb(x, b, verb, v);
		}
	case V_NIL:
		if (verb == 'v' || verb == 's')
			return pad(b, sp, "<nil>", 5, false);
		return bad_verb(x, b, verb, v);
	case V_DUR:
		if (verb == 'd')
			return fmt_int(b, sp, verb, v->u.i);
		break;
	case V_MONTH:
	case V_WEEKDAY:
		if (verb == 'd')
			return fmt_int(b, sp, verb, v->u.i);
		break;
	default:
		break;
	}
	if (verb != 'v' && verb != 's')
		return bad_verb(x, b, verb, v);
	if ((s = val_to_str(x, v)) == NULL)
		return -1;
	return pad(b, sp, s, strlen(s), false);
}

/* An explicit argument index, "[n]", as fmt accepts before '*' and verbs. */
static int
arg_index(const char **f, size_t *argi, size_t n, bool *reordered)
{
	const char	*p = *f;
	size_t		 v = 0;

	if (*p != '[')
		return 0;
	*reordered = true;
	for (p++; *p >= '0' && *p <= '9' && v < 1000; p++)
		v = v * 10 + (size_t)(*p - '0');
	if (*p != ']' || v < 1 || v > n) {
		const char *e = strchr(*f, ']');

		*f = e ? e + 1 : *f + strlen(*f);
		return -1;
	}
	*argi = v - 1;
	*f = p + 1;
	return 0;
}

int
tmpl_sprintf(struct exec *x, struct buf *b, const char *f,
    const struct val *args, size_t n)
{
	size_t	argi = 0;
	bool	reordered = false;

	while (*f) {
		struct spec	sp;
		char		verb;
		bool		badindex = false;

		if (*f != '%') {
			if (buf_addc(b, *f++) == -1)
				goto big;
			continue;
		}
		f++;
		memset(&sp, 0, sizeof(sp));
		sp.width = sp.prec = -1;
		for (;; f++) {
			if (*f == '-')
				sp.minus = true;
			else if (*f == '+')
				sp.plus = true;
			else if (*f == '#')
				sp.sharp = true;
			else if (*f == '0')
				sp.zero = !sp.minus;
			else if (*f == ' ')
				sp.space = true;
			else
				break;
		}
		if (arg_index(&f, &argi, n, &reordered) == -1)
			badindex = true;
		if (*f == '*') {
			f++;
			if (argi < n && args[argi].t == V_INT) {
				sp.width = (int)args[argi++].u.i;
				if (sp.width < 0) {
					sp.minus = true;
					sp.width = -sp.width;
				}
			} else {
				argi++;
				if (buf_adds(b, "%!(BADWIDTH)") == -1)
					goto big;
			}
		} else
			while (*f >= '0' && *f <= '9' && sp.width < 1000000)
				sp.width = (sp.width < 0 ? 0 : sp.width * 10) + (*f++ - '0');
		if (*f == '.') {
			f++;
			sp.prec = 0;
			if (*f == '*') {
				f++;
				if (argi < n && args[argi].t == V_INT)
					sp.prec = (int)args[argi++].u.i;
				else {
					argi++;
					if (buf_adds(b, "%!(BADPREC)") == -1)
						goto big;
				}
			} else
				while (*f >= '0' && *f <= '9' && sp.prec < 1000000)
					sp.prec = sp.prec * 10 + (*f++ - '0');
		}
		if (arg_index(&f, &argi, n, &reordered) == -1)
			badindex = true;
		if (sp.width > 100000 || sp.prec > 100000)
			return xerr(x, "error calling printf: width or precision too large");
		if (*f == '\0') {
			if (buf_adds(b, "%!(NOVERB)") == -1)
				goto big;
			break;
		}
		verb = *f++;
		if (verb == '%') {
			if (buf_addc(b, '%') == -1)
				goto big;
			continue;
		}
		if (badindex) {
			if (buf_printf(b, "%%!%c(BADINDEX)", verb) == -1)
				goto big;
			continue;
		}
		if (argi >= n) {
			if (buf_printf(b, "%%!%c(MISSING)", verb) == -1)
				goto big;
			continue;
		}
		if (fmt_one(x, b, &sp, verb, &args[argi++]) == -1)
			goto big;
	}
	if (argi < n && !reordered) {
		if (buf_adds(b, "%!(EXTRA ") == -1)
			goto big;
		for (size_t i = argi; i < n; i++) {
			const char *s = args[i].t == V_NIL ? "<nil>" :
			    val_to_str(x, &args[i]);

			if (s == NULL)
				goto big;
			if (args[i].t == V_NIL ? buf_printf(b, "%s<nil>",
			    i > argi ? ", " : "") : buf_printf(b, "%s%s=%s",
			    i > argi ? ", " : "", val_type_name(&args[i]), s))
				goto big;
		}
		if (buf_addc(b, ')') == -1)
			goto big;
	}
	return 0;
big:
	return xerr(x, "output too large");
}
