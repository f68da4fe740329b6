/* tmpl_funcs.c: text/template's built-in functions and Alertmanager's
 * function library, with Go's argument rules and error texts. */
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "htmlesc.h"
#include "tmpl_int.h"
#include "urlenc.h"
#include "utf8.h"

static int
ferr(struct exec *x, const char *fn, const char *msg)
{
	return xerr(x, "error calling %s: %s", fn, msg);
}

static int
want_str(struct exec *x, const struct val *v, const char **s)
{
	if (!val_is_stringish(v)) {
		if (v->t == V_NIL)
			return xerr(x, "invalid value; expected string");
		return xerr(x, "wrong type for value; expected string; got %s",
		    val_type_name(v));
	}
	*s = v->u.s;
	return 0;
}

static int
want_strs(struct exec *x, const struct val *v)
{
	if (v->t == V_STRS || v->t == V_NIL)
		return 0;
	return xerr(x, "wrong type for value; expected []string; got %s",
	    val_type_name(v));
}

static int
set_buf(struct exec *x, struct val *out, struct buf *b, enum vtype t)
{
	out->t = t;
	out->u.s = arena_strndup(&x->ar, buf_str(b), b->len);
	buf_free(b);
	if (out->u.s == NULL)
		return xerr(x, "out of memory");
	return 0;
}

/* fmt.Sprint: spaces between operands when neither side is a string. */
static int
sprint(struct exec *x, struct buf *b, const struct val *args, size_t n,
    bool ln)
{
	for (size_t i = 0; i < n; i++) {
		bool str = val_is_stringish(&args[i]);

		if (i > 0 && (ln || (!str && !val_is_stringish(&args[i - 1]))))
			if (buf_addc(b, ' ') == -1)
				return -1;
		if (args[i].t == V_NIL) {
			if (buf_adds(b, "<nil>") == -1)
				return -1;
		} else if (val_print(b, &args[i], x->am) == -1)
			return -1;
	}
	if (ln && buf_addc(b, '\n') == -1)
		return -1;
	return 0;
}

/* text/template's evalArgs: one string as is, anything else Sprint'ed. */
static const char *
args_str(struct exec *x, const struct val *args, size_t n)
{
	struct buf	 b;
	const char	*s;

	if (n == 1 && val_is_stringish(&args[0]))
		return args[0].u.s;
	buf_init(&b, 0);
	if (n == 1 && args[0].t == V_NIL) {
		if (buf_adds(&b, "<no value>") == -1)
			goto fail;
	} else if (sprint(x, &b, args, n, false) == -1)
		goto fail;
	s = arena_strndup(&x->ar, buf_str(&b), b.len);
	buf_free(&b);
	return s;
fail:
	buf_free(&b);
	return NULL;
}

static int
fn_print(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct buf b;

	buf_init(&b, 0);
	if (sprint(x, &b, a, n, false) == -1) {
		buf_free(&b);
		return xerr(x, "output too large");
	}
	return set_buf(x, out, &b, V_STR);
}

static int
fn_println(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct buf b;

	buf_init(&b, 0);
	if (sprint(x, &b, a, n, true) == -1) {
		buf_free(&b);
		return xerr(x, "output too large");
	}
	return set_buf(x, out, &b, V_STR);
}

static int
fn_printf(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct buf	 b;
	const char	*f = NULL;

	if (want_str(x, &a[0], &f) == -1)
		return -1;
	buf_init(&b, 0);
	if (tmpl_sprintf(x, &b, f, a + 1, n - 1) == -1) {
		buf_free(&b);
		return -1;
	}
	return set_buf(x, out, &b, V_STR);
}

static int
fn_not(struct exec *x, struct val *a, size_t n, struct val *out)
{
	out->t = V_BOOL;
	out->u.b = !val_truth(&a[0]);
	return 0;
}

static int
fn_len(struct exec *x, struct val *a, size_t n, struct val *out)
{
	out->t = V_INT;
	switch (a[0].t) {
	case V_STR: case V_HTML: case V_URL: out->u.i = (int64_t)strlen(a[0].u.s); break;
	case V_KV: out->u.i = a[0].u.kv ? (int64_t)a[0].u.kv->n : 0; break;
	case V_PAIRS: out->u.i = (int64_t)a[0].u.pairs.n; break;
	case V_ALERTS: out->u.i = (int64_t)a[0].u.alerts.n; break;
	case V_STRS: out->u.i = (int64_t)a[0].u.strs.n; break;
	case V_MAP: out->u.i = a[0].u.map ? (int64_t)a[0].u.map->n : 0; break;
	case V_LIST: out->u.i = a[0].u.list ? (int64_t)a[0].u.list->n : 0; break;
	case V_NIL: return ferr(x, "len", "len of nil pointer");
	default:
		return xerr(x, "error calling len: len of type %s",
		    val_type_name(&a[0]));
	}
	return 0;
}

static int
want_index(struct exec *x, const char *fn, const struct val *v, int64_t *i)
{
	if (v->t == V_INT) {
		*i = v->u.i;
		return 0;
	}
	if (v->t == V_NIL)
		return ferr(x, fn, "cannot index slice/array with nil");
	return xerr(x, "error calling %s: cannot index slice/array with type %s",
	    fn, val_type_name(v));
}

static size_t
seq_len(const struct val *v)
{
	switch (v->t) {
	case V_PAIRS: return v->u.pairs.n;
	case V_ALERTS: return v->u.alerts.n;
	case V_STRS: return v->u.strs.n;
	case V_LIST: return v->u.list ? v->u.list->n : 0;
	default: return 0;
	}
}

static void
seq_at(const struct val *v, size_t i, struct val *out)
{
	memset(out, 0, sizeof(*out));
	switch (v->t) {
	case V_PAIRS:
		out->t = V_PAIR;
		out->u.pair = &v->u.pairs.v[i];
		break;
	case V_ALERTS:
		out->t = V_ALERT;
		out->u.alert = v->u.alerts.v[i];
		break;
	case V_STRS:
		out->t = V_STR;
		out->u.s = v->u.strs.v[i];
		break;
	case V_LIST:
		*out = v->u.list->v[i];
		break;
	default:
		break;
	}
}

static int
fn_index(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct val cur = a[0];

	for (size_t k = 1; k < n; k++) {
		int64_t i = 0;	/* set by want_index on success */

		switch (cur.t) {
		case V_KV:
		case V_MAP: {
			const char *key;

			if (!val_is_stringish(&a[k]))
				return xerr(x, "error calling index: value has "
				    "type %s; should be string",
				    val_type_name(&a[k]));
			key = a[k].u.s;
			if (cur.t == V_KV) {
				const char *v = cur.u.kv ? kv_get(cur.u.kv, key) : NULL;

				cur.t = V_STR;
				cur.u.s = v ? v : "";
			} else {
				const struct vmap *m = cur.u.map;
				bool found = false;

				for (size_t j = 0; m && j < m->n; j++)
					if (strcmp(m->k[j], key) == 0) {
						cur = m->v[j];
						found = true;
						break;
					}
				if (!found)
					memset(&cur, 0, sizeof(cur));
			}
			break;
		}
		case V_PAIRS: case V_ALERTS: case V_STRS: case V_LIST:
		case V_STR: case V_HTML: {
			size_t len = cur.t == V_STR || cur.t == V_HTML ?
			    strlen(cur.u.s) : seq_len(&cur);

			if (want_index(x, "index", &a[k], &i) == -1)
				return -1;
			if (i < 0 || (size_t)i >= len)
				return xerr(x, "error calling index: index out "
				    "of range: %lld", (long long)i);
			if (cur.t == V_STR || cur.t == V_HTML) {
				int64_t byte = (unsigned char)cur.u.s[i];

				cur.t = V_INT;
				cur.u.i = byte;
			} else {
				struct val elem;

				seq_at(&cur, (size_t)i, &elem);
				cur = elem;
			}
			break;
		}
		case V_NIL:
			return ferr(x, "index", "index of untyped nil");
		default:
			return xerr(x, "error calling index: can't index item "
			    "of type %s", val_type_name(&cur));
		}
	}
	*out = cur;
	return 0;
}

static int
fn_slice(struct exec *x, struct val *a, size_t n, struct val *out)
{
	int64_t	 idx[3];
	size_t	 len;
	bool	 str = val_is_stringish(&a[0]);

	if (a[0].t == V_NIL)
		return ferr(x, "slice", "slice of untyped nil");
	if (!str && a[0].t != V_STRS && a[0].t != V_ALERTS &&
	    a[0].t != V_PAIRS && a[0].t != V_LIST)
		return xerr(x, "error calling slice: can't slice item of type %s",
		    val_type_name(&a[0]));
	if (n > 4)
		return xerr(x, "error calling slice: too many slice indexes: %zu",
		    n - 1);
	len = str ? strlen(a[0].u.s) : seq_len(&a[0]);
	idx[0] = 0;
	idx[1] = (int64_t)len;
	for (size_t k = 1; k < n; k++) {
		if (want_index(x, "slice", &a[k], &idx[k - 1]) == -1)
			return -1;
		if (idx[k - 1] < 0 || (size_t)idx[k - 1] > len)
			return xerr(x, "error calling slice: index out of range: "
			    "%lld", (long long)idx[k - 1]);
	}
	if (n == 4 && str)
		return ferr(x, "slice", "cannot 3-index slice a string");
	if (n >= 3 && idx[0] > idx[1])
		return xerr(x, "error calling slice: invalid slice index: "
		    "%lld > %lld", (long long)idx[0], (long long)idx[1]);
	*out = a[0];
	if (str) {
		out->u.s = arena_strndup(&x->ar, a[0].u.s + idx[0],
		    (size_t)(idx[1] - idx[0]));
		return out->u.s ? 0 : xerr(x, "out of memory");
	}
	switch (a[0].t) {
	case V_STRS:
		out->u.strs.v += idx[0];
		out->u.strs.n = (size_t)(idx[1] - idx[0]);
		break;
	case V_ALERTS:
		out->u.alerts.v += idx[0];
		out->u.alerts.n = (size_t)(idx[1] - idx[0]);
		break;
	case V_PAIRS:
		out->u.pairs.v += idx[0];
		out->u.pairs.n = (size_t)(idx[1] - idx[0]);
		break;
	case V_LIST: {
		struct vlist *l = arena_alloc(&x->ar, sizeof(*l));

		if (l == NULL)
			return xerr(x, "out of memory");
		l->v = a[0].u.list->v + idx[0];
		l->n = (size_t)(idx[1] - idx[0]);
		out->u.list = l;
		break;
	}
	default:
		break;
	}
	return 0;
}

/* ---- comparisons (text/template's eq/ne/lt/le/gt/ge) ---- */

enum kind { K_INVALID, K_BOOL, K_INT, K_FLOAT, K_STRING, K_OTHER };

static enum kind
basic_kind(const struct val *v)
{
	switch (v->t) {
	case V_BOOL: return K_BOOL;
	case V_INT: case V_DUR: case V_MONTH: case V_WEEKDAY: return K_INT;
	case V_FLOAT: return K_FLOAT;
	case V_STR: case V_HTML: case V_URL: return K_STRING;
	case V_NIL: return K_INVALID;
	default: return K_OTHER;
	}
}

static int
fn_eq(struct exec *x, struct val *a, size_t n, struct val *out)
{
	enum kind k1 = basic_kind(&a[0]);

	out->t = V_BOOL;
	out->u.b = false;
	if (n < 2)
		return ferr(x, "eq", "missing argument for comparison");
	for (size_t i = 1; i < n; i++) {
		enum kind	k2 = basic_kind(&a[i]);
		bool		t = false;

		if (k1 != k2) {
			if (a[0].t != V_NIL && a[i].t != V_NIL)
				return ferr(x, "eq", "incompatible types for "
				    "comparison");
		} else {
			switch (k1) {
			case K_BOOL: t = a[0].u.b == a[i].u.b; break;
			case K_INT: t = a[0].u.i == a[i].u.i; break;
			case K_FLOAT: t = a[0].u.f == a[i].u.f; break;
			case K_STRING: t = strcmp(a[0].u.s, a[i].u.s) == 0; break;
			case K_INVALID: t = true; break;
			default:
				if (a[0].t != a[i].t)
					return ferr(x, "eq", "incompatible types "
					    "for comparison");
				if (a[0].t == V_TIME)
					t = memcmp(&a[0].u.tm, &a[i].u.tm,
					    sizeof(a[0].u.tm)) == 0;
				else if (a[0].t == V_PAIR)
					t = strcmp(a[0].u.pair->name, a[i].u.pair->name) == 0 &&
					    strcmp(a[0].u.pair->value, a[i].u.pair->value) == 0;
				else
					return xerr(x, "error calling eq: "
					    "non-comparable type %s: %s",
					    val_to_str(x, &a[i]),
					    val_type_name(&a[i]));
				break;
			}
		}
		if (t) {
			out->u.b = true;
			return 0;
		}
	}
	return 0;
}

static int
fn_ne(struct exec *x, struct val *a, size_t n, struct val *out)
{
	if (fn_eq(x, a, n, out) == -1) {
		/* Go reports ne's own name */
		if (x->err) {
			char *p = strstr(x->err->msg, "error calling eq:");

			if (p)
				memcpy(p, "error calling ne:", 17);
		}
		return -1;
	}
	out->u.b = !out->u.b;
	return 0;
}

static int
less(struct exec *x, const char *fn, struct val *a, bool *res)
{
	enum kind k1 = basic_kind(&a[0]), k2 = basic_kind(&a[1]);

	if (k1 == K_OTHER || k1 == K_INVALID || k1 == K_BOOL ||
	    k2 == K_OTHER || k2 == K_INVALID || k2 == K_BOOL)
		return ferr(x, fn, "invalid type for comparison");
	if (k1 != k2)
		return ferr(x, fn, "incompatible types for comparison");
	switch (k1) {
	case K_INT: *res = a[0].u.i < a[1].u.i; break;
	case K_FLOAT: *res = a[0].u.f < a[1].u.f; break;
	default: *res = strcmp(a[0].u.s, a[1].u.s) < 0; break;
	}
	return 0;
}

static int
fn_lt(struct exec *x, struct val *a, size_t n, struct val *out)
{
	out->t = V_BOOL;
	return less(x, "lt", a, &out->u.b);
}

static int
fn_le(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct val	e;
	bool		lt = false;

	out->t = V_BOOL;
	if (less(x, "le", a, &lt) == -1 || fn_eq(x, a, 2, &e) == -1)
		return -1;
	out->u.b = lt || e.u.b;
	return 0;
}

static int
fn_gt(struct exec *x, struct val *a, size_t n, struct val *out)
{
	int r = fn_le(x, a, n, out);

	if (r == -1 && x->err) {
		char *p = strstr(x->err->msg, "error calling le:");

		if (p)
			memcpy(p, "error calling gt:", 17);
	}
	out->u.b = !out->u.b;
	return r;
}

static int
fn_ge(struct exec *x, struct val *a, size_t n, struct val *out)
{
	int r = fn_lt(x, a, n, out);

	if (r == -1 && x->err) {
		char *p = strstr(x->err->msg, "error calling lt:");

		if (p)
			memcpy(p, "error calling ge:", 17);
	}
	out->u.b = !out->u.b;
	return r;
}

/* ---- escapers ---- */

int
esc_html(struct buf *out, const char *s)
{
	return html_escape(out, s);
}

/* Go's unicode.IsPrint for the code points that matter in practice: C1
 * controls, non-ASCII spaces, format characters and separators are not. */
static bool
go_is_print(long cp)
{
	if (cp < 0xa1)
		return cp >= 0x20 && cp < 0x7f;
	if (cp == 0xad || (cp >= 0x2000 && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202f) || (cp >= 0x205f && cp <= 0x206f) ||
	    cp == 0x3000 || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
	    cp == 0x1680 || cp == 0x180e || (cp >= 0xe000 && cp <= 0xf8ff) ||
	    cp >= 0xf0000)
		return false;
	return true;
}

int
esc_js(struct buf *out, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 left = strlen(str);

	while (left > 0) {
		uint32_t	rune;
		size_t		n = utf8_decode_lossy(s, left, &rune);
		long		cp = (long)rune;
		int		r = 0;

		if (cp < 0x80) {
			switch (cp) {
			case '\\': r = buf_adds(out, "\\\\"); break;
			case '\'': r = buf_adds(out, "\\'"); break;
			case '"': r = buf_adds(out, "\\\""); break;
			case '<': r = buf_adds(out, "\\u003C"); break;
			case '>': r = buf_adds(out, "\\u003E"); break;
			case '&': r = buf_adds(out, "\\u0026"); break;
			case '=': r = buf_adds(out, "\\u003D"); break;
			default:
				if (cp < ' ' || cp == 0x7f)
					r = buf_printf(out, "\\u%04lX", cp);
				else
					r = buf_addc(out, (char)cp);
			}
		} else if (cp == 0xfffd && n == 1)
			r = buf_printf(out, "\\u%04lX", cp);
		else if (!go_is_print(cp))
			r = buf_printf(out, "\\u%04lX", cp);
		else
			r = buf_add(out, s, n);
		if (r == -1)
			return -1;
		s += n;
		left -= n;
	}
	return 0;
}

int
esc_urlquery(struct buf *out, const char *s)
{
	return urlenc_query(out, s, strlen(s));
}

static int
escaper(struct exec *x, struct val *a, size_t n, struct val *out,
    int (*esc)(struct buf *, const char *))
{
	struct buf	 b;
	const char	*s = args_str(x, a, n);

	if (s == NULL)
		return xerr(x, "out of memory");
	buf_init(&b, 0);
	if (esc(&b, s) == -1) {
		buf_free(&b);
		return xerr(x, "output too large");
	}
	return set_buf(x, out, &b, V_STR);
}

int
fn_eval_args(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char *s = args_str(x, a, n);

	if (s == NULL)
		return xerr(x, "out of memory");
	out->t = V_STR;
	out->u.s = s;
	return 0;
}

static int
fn_html(struct exec *x, struct val *a, size_t n, struct val *out)
{
	return escaper(x, a, n, out, esc_html);
}

static int
fn_js(struct exec *x, struct val *a, size_t n, struct val *out)
{
	return escaper(x, a, n, out, esc_js);
}

static int
fn_urlquery(struct exec *x, struct val *a, size_t n, struct val *out)
{
	return escaper(x, a, n, out, esc_urlquery);
}

static int
fn_call(struct exec *x, struct val *a, size_t n, struct val *out)
{
	return xerr(x, "error calling call: non-function of type %s",
	    val_type_name(&a[0]));
}

/* ---- Alertmanager's functions ---- */

/* Unicode case mapping through the C.UTF-8 locale, like strings.ToUpper. */
static int
map_case(struct exec *x, const char *s, int mode, struct val *out)
{
	struct buf		 b;
	locale_t		 loc;
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 left = strlen(s);
	bool			 inword = false, prev_letter = false;

	buf_init(&b, 0);
	while (left > 0) {
		uint32_t	rune;
		size_t		n = utf8_decode(p, left, &rune);
		long		cp, m;
		bool		letter;

		if (n == 0) {
			/* Go keeps invalid bytes as U+FFFD */
			if (buf_adds(&b, "\xef\xbf\xbd") == -1)
				goto fail;
			p++;
			left--;
			inword = false;
			continue;
		}
		cp = (long)rune;
		/* a word (for title) runs over letters, digits, '_' and the
		 * joiners ' . : between letters; its first cased letter is
		 * upper-cased, the rest lower-cased, like x/text/cases.Title */
		/* ASCII needs no locale; loading one maps files, so it
		 * happens once per render and only for non-ASCII text */
		loc = NULL;
		if (cp >= 0x80) {
			if (x->loc == NULL)
				x->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8",
				    (locale_t)0);
			loc = (locale_t)x->loc;
		}
		letter = loc ? (iswalpha_l((wint_t)cp, loc) != 0) :
		    ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
		if (mode == 2 && !letter && !(cp >= '0' && cp <= '9') &&
		    cp != '_' && !((cp == '\'' || cp == '.' || cp == ':' ||
		    cp == 0x2019) && prev_letter && p[n] != '\0' &&
		    (isalpha(p[n]) || p[n] >= 0x80)))
			inword = false;
		prev_letter = letter;
		if (mode == 0 || (mode == 2 && !inword && letter))
			m = loc ? (long)towupper_l((wint_t)cp, loc) :
			    (cp >= 'a' && cp <= 'z' ? cp - 32 : cp);
		else
			m = loc ? (long)towlower_l((wint_t)cp, loc) :
			    (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		if (mode == 2 && letter)
			inword = true;
		if (m == cp) {
			if (buf_add(&b, p, n) == -1)
				goto fail;
		} else {
			char u[4];

			if (buf_add(&b, u, utf8_encode((uint32_t)m, u)) == -1)
				goto fail;
		}
		p += n;
		left -= n;
	}
	return set_buf(x, out, &b, V_STR);
fail:
	buf_free(&b);
	return xerr(x, "output too large");
}

static int
fn_toupper(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char *s = NULL;

	if (want_str(x, &a[0], &s) == -1)
		return -1;
	return map_case(x, s, 0, out);
}

static int
fn_tolower(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char *s = NULL;

	if (want_str(x, &a[0], &s) == -1)
		return -1;
	return map_case(x, s, 1, out);
}

static int
fn_title(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char *s = NULL;

	if (want_str(x, &a[0], &s) == -1)
		return -1;
	return map_case(x, s, 2, out);
}

static int
fn_trimspace(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char	*s = NULL, *e;

	if (want_str(x, &a[0], &s) == -1)
		return -1;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
	    *s == '\v' || *s == '\f')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r' || e[-1] == '\v' || e[-1] == '\f'))
		e--;
	out->t = V_STR;
	out->u.s = arena_strndup(&x->ar, s, (size_t)(e - s));
	return out->u.s ? 0 : xerr(x, "out of memory");
}

static int
fn_join(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct buf	 b;
	const char	*sep = NULL;

	if (want_str(x, &a[0], &sep) == -1 || want_strs(x, &a[1]) == -1)
		return -1;
	buf_init(&b, 0);
	for (size_t i = 0; a[1].t == V_STRS && i < a[1].u.strs.n; i++)
		if ((i && buf_adds(&b, sep) == -1) ||
		    buf_adds(&b, a[1].u.strs.v[i]) == -1) {
			buf_free(&b);
			return xerr(x, "output too large");
		}
	return set_buf(x, out, &b, V_STR);
}

/* The compiled pattern, from the set's cache when a render compiled it
 * before (templates apply the same few patterns to every alert). *own says
 * whether the caller frees it (re_done): a pattern the cache could not keep
 * is the caller's. */
static pcre2_code *
re_compile(struct exec *x, const char *fn, const char *pat, bool *own)
{
	struct tmpl_cache *c = x->base != NULL ? x->base->cache : NULL;
	pcre2_code	*re, *kept;
	int		 ec;
	PCRE2_SIZE	 eo;
	PCRE2_UCHAR	 msg[256];

	*own = false;
	if (c != NULL && (re = tmpl_cache_find(c, TMPL_CACHE_REGEX, pat)) != NULL)
		return re;
	/* RE2 semantics: $ only at the very end, invalid UTF-8 tolerated */
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY |
	    PCRE2_NEVER_BACKSLASH_C, &ec, &eo, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		xerr(x, "error calling %s: error parsing regexp: %s: `%s`", fn,
		    (char *)msg, pat);
		return NULL;
	}
	if (c != NULL && (kept = tmpl_cache_keep(c, TMPL_CACHE_REGEX, pat, re)) != NULL) {
		if (kept != re)
			pcre2_code_free(re);
		return kept;
	}
	*own = true;
	return re;
}

static void
re_done(pcre2_code *re, bool own)
{
	if (own)
		pcre2_code_free(re);
}

static int
fn_match(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char		*pat = NULL, *s = NULL;
	pcre2_code		*re;
	pcre2_match_data	*md;
	int			 rc;
	bool			 own;

	if (want_str(x, &a[0], &pat) == -1 || want_str(x, &a[1], &s) == -1)
		return -1;
	if ((re = re_compile(x, "match", pat, &own)) == NULL)
		return -1;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = md ? pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL) : -1;
	pcre2_match_data_free(md);
	re_done(re, own);
	out->t = V_BOOL;
	out->u.b = rc >= 0;
	return 0;
}

/* Go's Regexp.Expand for ReplaceAllString: $1, ${1}, $name, ${name}, $$. */
static int
expand(struct buf *b, const char *tmpl, pcre2_code *re, const char *subj,
    PCRE2_SIZE *ov, int nov)
{
	for (const char *p = tmpl; *p; p++) {
		const char	*nm;
		size_t		 nl;
		char		 name[128];
		int		 g;

		if (*p != '$') {
			if (buf_addc(b, *p) == -1)
				return -1;
			continue;
		}
		if (p[1] == '$') {
			if (buf_addc(b, '$') == -1)
				return -1;
			p++;
			continue;
		}
		if (p[1] == '{') {
			const char *e = strchr(p + 2, '}');

			nm = p + 2;
			nl = e ? (size_t)(e - nm) : 0;
			if (e == NULL || nl == 0)
				goto raw;
			for (size_t i = 0; i < nl; i++)
				if (!(nm[i] == '_' || (nm[i] >= '0' && nm[i] <= '9') ||
				    (nm[i] >= 'a' && nm[i] <= 'z') ||
				    (nm[i] >= 'A' && nm[i] <= 'Z')))
					goto raw;
			p = e;
		} else {
			nm = p + 1;
			nl = 0;
			while (nm[nl] == '_' || (nm[nl] >= '0' && nm[nl] <= '9') ||
			    (nm[nl] >= 'a' && nm[nl] <= 'z') ||
			    (nm[nl] >= 'A' && nm[nl] <= 'Z'))
				nl++;
			if (nl == 0)
				goto raw;
			p = nm + nl - 1;
		}
		if (nl >= sizeof(name))
			continue;
		memcpy(name, nm, nl);
		name[nl] = '\0';
		if (strspn(name, "0123456789") == nl) {
			g = nl > 9 ? -1 : atoi(name);
		} else
			g = pcre2_substring_number_from_name(re, (PCRE2_SPTR)name);
		if (g >= 0 && g < nov && ov[2 * g] != PCRE2_UNSET)
			if (buf_add(b, subj + ov[2 * g], ov[2 * g + 1] - ov[2 * g]) == -1)
				return -1;
		continue;
raw:
		if (buf_addc(b, '$') == -1)
			return -1;
	}
	return 0;
}

static int
fn_rereplaceall(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char		*pat = NULL, *repl = NULL, *s = NULL;
	pcre2_code		*re;
	pcre2_match_data	*md;
	struct buf		 b;
	size_t			 len, search = 0, last = 0;
	bool			 own;

	if (want_str(x, &a[0], &pat) == -1 || want_str(x, &a[1], &repl) == -1 ||
	    want_str(x, &a[2], &s) == -1)
		return -1;
	if ((re = re_compile(x, "reReplaceAll", pat, &own)) == NULL)
		return -1;
	if ((md = pcre2_match_data_create_from_pattern(re, NULL)) == NULL) {
		re_done(re, own);
		return xerr(x, "out of memory");
	}
	buf_init(&b, 0);
	len = strlen(s);
	while (search <= len) {
		int		 rc = pcre2_match(re, (PCRE2_SPTR)s, len, search,
				    search > 0 ? PCRE2_NO_UTF_CHECK : 0, md, NULL);
		PCRE2_SIZE	*ov;
		size_t		 w;

		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(md);
		if (buf_add(&b, s + last, ov[0] - last) == -1)
			goto big;
		if (ov[1] > last || ov[0] == 0)
			if (expand(&b, repl, re, s, ov, rc) == -1)
				goto big;
		last = ov[1];
		w = search < len ? utf8_seqlen((const unsigned char *)s +
		    search, len - search) : 1;
		if (search + w > ov[1])
			search += w;
		else if (search + 1 > ov[1])
			search++;
		else
			search = ov[1];
	}
	if (buf_add(&b, s + last, len - last) == -1)
		goto big;
	pcre2_match_data_free(md);
	re_done(re, own);
	return set_buf(x, out, &b, V_STR);
big:
	pcre2_match_data_free(md);
	re_done(re, own);
	buf_free(&b);
	return xerr(x, "output too large");
}

static int
fn_safehtml(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char *s = NULL;

	if (want_str(x, &a[0], &s) == -1)
		return -1;
	out->t = V_HTML;
	out->u.s = s;
	return 0;
}

static int
fn_stringslice(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char **v = arena_alloc(&x->ar, (n + 1) * sizeof(*v));

	if (v == NULL)
		return xerr(x, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (want_str(x, &a[i], &v[i]) == -1)
			return -1;
	out->t = V_STRS;
	out->u.strs.v = v;
	out->u.strs.n = n;
	return 0;
}

static const struct tfunc funcs[] = {
	{ "and", NULL, 1, -1 },
	{ "append", fn_append, 1, -1 },
	{ "base64decode", fn_base64decode, 1, 1 },
	{ "base64encode", fn_base64encode, 1, 1 },
	{ "date", fn_date, 2, 2 },
	{ "dict", fn_dict, 0, -1 },
	{ "humanizeDuration", fn_humanizeduration, 1, 1 },
	{ "list", fn_list, 0, -1 },
	{ "mustToDate", fn_musttodate, 2, 2 },
	{ "now", fn_now, 0, 0 },
	{ "routeLabels", fn_routelabels, 1, 1 },
	{ "safeUrl", fn_safeurl, 1, 1 },
	{ "since", fn_since, 1, 1 },
	{ "toDate", fn_todate, 2, 2 },
	{ "toJson", fn_tojson, 1, 1 },
	{ "tz", fn_tz, 2, 2 },
	{ "urlUnescape", fn_urlunescape, 1, 1 },
	{ "call", fn_call, 1, -1 },
	{ "eq", fn_eq, 1, -1 },
	{ "ge", fn_ge, 2, 2 },
	{ "gt", fn_gt, 2, 2 },
	{ "html", fn_html, 0, -1 },
	{ "index", fn_index, 1, -1 },
	{ "join", fn_join, 2, 2 },
	{ "js", fn_js, 0, -1 },
	{ "le", fn_le, 2, 2 },
	{ "len", fn_len, 1, 1 },
	{ "lt", fn_lt, 2, 2 },
	{ "match", fn_match, 2, 2 },
	{ "ne", fn_ne, 2, 2 },
	{ "not", fn_not, 1, 1 },
	{ "or", NULL, 1, -1 },
	{ "print", fn_print, 0, -1 },
	{ "printf", fn_printf, 1, -1 },
	{ "println", fn_println, 0, -1 },
	{ "reReplaceAll", fn_rereplaceall, 3, 3 },
	{ "safeHtml", fn_safehtml, 1, 1 },
	{ "slice", fn_slice, 1, -1 },
	{ "stringSlice", fn_stringslice, 0, -1 },
	{ "title", fn_title, 1, 1 },
	{ "toLower", fn_tolower, 1, 1 },
	{ "toUpper", fn_toupper, 1, 1 },
	{ "trimSpace", fn_trimspace, 1, 1 },
	{ "urlquery", fn_urlquery, 0, -1 },
};

const struct tfunc *
tmpl_func_find(const char *name)
{
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (strcmp(funcs[i].name, name) == 0)
			return &funcs[i];
	return NULL;
}

int
tmpl_func_find_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (strlen(funcs[i].name) == len &&
		    memcmp(funcs[i].name, name, len) == 0)
			return 1;
	return 0;
}
