/* tmpl_amfuncs.c: the functions Alertmanager added after 0.25 (up to 0.34):
 * time (date, tz, now, since, toDate, mustToDate, humanizeDuration), data
 * (dict, list, append, toJson), URLs (safeUrl, urlUnescape) and base64. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hexdigit.h"
#include "jsonw.h"
#include "tmpl_int.h"

static int
want_s(struct exec *x, const struct val *v, const char **s)
{
	if (!val_is_stringish(v))
		return xerr(x, "wrong type for value; expected string; got %s",
		    val_type_name(v));
	*s = v->u.s;
	return 0;
}

static int
want_time(struct exec *x, const struct val *v, struct tstamp *t)
{
	if (v->t != V_TIME)
		return xerr(x, "wrong type for value; expected time.Time; got %s",
		    val_type_name(v));
	*t = v->u.tm;
	return 0;
}

static int
str_out(struct exec *x, struct val *out, struct buf *b)
{
	out->t = V_STR;
	out->u.s = arena_strndup(&x->ar, buf_str(b), b->len);
	buf_free(b);
	return out->u.s ? 0 : xerr(x, "out of memory");
}

static void
now_time(struct exec *x, struct tstamp *t)
{
	memset(t, 0, sizeof(*t));
	t->sec = x->now_sec;
	t->nsec = x->now_nsec;
	strcpy(t->zone, "UTC");
}

int
fn_safeurl(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char *s = NULL;

	if (want_s(x, &a[0], &s) == -1)
		return -1;
	out->t = V_URL;
	out->u.s = s;
	return 0;
}

int
fn_urlunescape(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char	*s = NULL;
	struct buf	 b;

	if (want_s(x, &a[0], &s) == -1)
		return -1;
	buf_init(&b, 0);
	for (const char *p = s; *p; p++) {
		int r;

		if (*p == '%') {
			int hi = p[1] ? hex_digit(p[1]) : -1;
			int lo = hi >= 0 && p[2] ? hex_digit(p[2]) : -1;

			if (hi < 0 || lo < 0) {
				buf_free(&b);
				return xerr(x, "error calling urlUnescape: invalid "
				    "URL escape \"%.3s\"", p);
			}
			r = buf_addc(&b, (char)(hi << 4 | lo));
			p += 2;
		} else
			r = buf_addc(&b, *p == '+' ? ' ' : *p);
		if (r == -1) {
			buf_free(&b);
			return xerr(x, "output too large");
		}
	}
	return str_out(x, out, &b);
}

int
fn_date(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char	*layout = NULL;
	struct tstamp	 t = { 0 };
	struct buf	 b;

	if (want_s(x, &a[0], &layout) == -1 || want_time(x, &a[1], &t) == -1)
		return -1;
	buf_init(&b, 0);
	if (gtime_format(&b, &t, layout) == -1) {
		buf_free(&b);
		return xerr(x, "output too large");
	}
	return str_out(x, out, &b);
}

int
fn_tz(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char	*name = NULL;
	struct tstamp	 t = { 0 };
	struct terr	 e;

	if (want_s(x, &a[0], &name) == -1 || want_time(x, &a[1], &t) == -1)
		return -1;
	if (gtime_in_zone(&t, name, &e) == -1)
		return xerr(x, "error calling tz: unknown time zone %s", name);
	out->t = V_TIME;
	out->u.tm = t;
	return 0;
}

int
fn_now(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct terr e;

	out->t = V_TIME;
	now_time(x, &out->u.tm);
	/* time.Now() is in the Local zone */
	if (gtime_in_zone(&out->u.tm, x->local_tz, &e) == -1)
		now_time(x, &out->u.tm);
	return 0;
}

int
fn_since(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct tstamp t = { 0 };

	if (want_time(x, &a[0], &t) == -1)
		return -1;
	out->t = V_DUR;
	/* time.Sub saturates at the Duration range */
	if (x->now_sec - t.sec > INT64_MAX / 1000000000LL - 1)
		out->u.i = INT64_MAX;
	else if (x->now_sec - t.sec < INT64_MIN / 1000000000LL + 1)
		out->u.i = INT64_MIN;
	else
		out->u.i = (x->now_sec - t.sec) * 1000000000LL +
		    (x->now_nsec - t.nsec);
	return 0;
}

/* toDate and mustToDate parse alike; only mustToDate reports a bad date,
 * toDate gives the zero time for it. */
static int
to_date(struct exec *x, struct val *a, struct val *out, bool must)
{
	const char	*layout = NULL, *s = NULL;
	struct terr	 e;

	if (want_s(x, &a[0], &layout) == -1 || want_s(x, &a[1], &s) == -1)
		return -1;
	out->t = V_TIME;
	if (gtime_parse(layout, s, &out->u.tm, &e) == -1) {
		if (must)
			return xerr(x, "error calling mustToDate: %s", e.msg);
		tstamp_zero(&out->u.tm);
	}
	return 0;
}

int
fn_todate(struct exec *x, struct val *a, size_t n, struct val *out)
{
	return to_date(x, a, out, false);
}

int
fn_musttodate(struct exec *x, struct val *a, size_t n, struct val *out)
{
	return to_date(x, a, out, true);
}

/* prometheus/common's HumanizeDuration over its convertToFloat. */
int
fn_humanizeduration(struct exec *x, struct val *a, size_t n, struct val *out)
{
	double		 v;
	struct buf	 b;
	char		*end;
	int		 r;

	switch (a[0].t) {
	case V_FLOAT: v = a[0].u.f; break;
	case V_INT: v = (double)a[0].u.i; break;
	case V_DUR: v = (double)a[0].u.i / 1e9; break;
	case V_STR: case V_HTML: case V_URL:
		v = strtod(a[0].u.s, &end);
		if (a[0].u.s[0] == '\0' || *end != '\0')
			return xerr(x, "error calling humanizeDuration: "
			    "strconv.ParseFloat: parsing \"%s\": invalid syntax",
			    a[0].u.s);
		break;
	default:
		return xerr(x, "error calling humanizeDuration: can't convert "
		    "%s to float", val_type_name(&a[0]));
	}
	buf_init(&b, 0);
	if (isnan(v))
		r = buf_adds(&b, "NaN");
	else if (isinf(v))
		r = buf_adds(&b, v > 0 ? "+Inf" : "-Inf");
	else if (v == 0)
		r = buf_adds(&b, "0s");
	else if (fabs(v) >= 1) {
		const char	*sign = v < 0 ? "-" : "";
		int64_t		 d;

		if (v < 0)
			v = -v;
		/* Go's int64() of an out-of-range float is MinInt64 on amd64 */
		d = v < 9.2e18 ? (int64_t)v : INT64_MIN;
		if (d / 86400 != 0)
			r = buf_printf(&b, "%s%lldd %lldh %lldm %llds", sign,
			    (long long)(d / 86400), (long long)(d / 3600 % 24),
			    (long long)(d / 60 % 60), (long long)(d % 60));
		else if (d / 3600 % 24 != 0)
			r = buf_printf(&b, "%s%lldh %lldm %llds", sign,
			    (long long)(d / 3600 % 24), (long long)(d / 60 % 60),
			    (long long)(d % 60));
		else if (d / 60 % 60 != 0)
			r = buf_printf(&b, "%s%lldm %llds", sign,
			    (long long)(d / 60 % 60), (long long)(d % 60));
		else
			r = buf_printf(&b, "%s%.4gs", sign, v);
	} else {
		static const char *const prefixes[] = { "m", "u", "n", "p",
		    "f", "a", "z", "y" };
		const char *prefix = "";

		for (size_t i = 0; i < 8; i++) {
			if (fabs(v) >= 1)
				break;
			prefix = prefixes[i];
			v *= 1000;
		}
		r = buf_printf(&b, "%.4g%ss", v, prefix);
	}
	if (r == -1) {
		buf_free(&b);
		return xerr(x, "out of memory");
	}
	return str_out(x, out, &b);
}

/* ---- dict, list, append ---- */

int
fn_list(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct vlist *l = arena_alloc(&x->ar, sizeof(*l));

	if (l == NULL || (l->v = arena_alloc(&x->ar, (n + 1) * sizeof(*l->v))) == NULL)
		return xerr(x, "out of memory");
	memcpy(l->v, a, n * sizeof(*a));
	l->n = n;
	out->t = V_LIST;
	out->u.list = l;
	return 0;
}

int
fn_append(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct vlist	*l;
	size_t		 have;

	if (a[0].t != V_LIST && a[0].t != V_NIL)
		return xerr(x, "wrong type for value; expected []interface {}; "
		    "got %s", val_type_name(&a[0]));
	have = a[0].t == V_LIST && a[0].u.list ? a[0].u.list->n : 0;
	if ((l = arena_alloc(&x->ar, sizeof(*l))) == NULL ||
	    (l->v = arena_alloc(&x->ar, (have + n) * sizeof(*l->v))) == NULL)
		return xerr(x, "out of memory");
	if (have)
		memcpy(l->v, a[0].u.list->v, have * sizeof(*l->v));
	memcpy(l->v + have, a + 1, (n - 1) * sizeof(*a));
	l->n = have + n - 1;
	out->t = V_LIST;
	out->u.list = l;
	return 0;
}

int
fn_dict(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct vmap *m;

	if (n % 2 != 0)
		return xerr(x, "error calling dict: dict requires an even number "
		    "of arguments");
	if ((m = arena_alloc(&x->ar, sizeof(*m))) == NULL ||
	    (m->k = arena_alloc(&x->ar, (n / 2 + 1) * sizeof(*m->k))) == NULL ||
	    (m->v = arena_alloc(&x->ar, (n / 2 + 1) * sizeof(*m->v))) == NULL)
		return xerr(x, "out of memory");
	for (size_t i = 0; i < n; i += 2) {
		size_t	j;
		int	c = 1;

		if (a[i].t != V_STR)
			return xerr(x, "error calling dict: dict keys must be "
			    "strings");
		/* keep keys sorted, as Go prints and ranges maps */
		for (j = 0; j < m->n && (c = strcmp(m->k[j], a[i].u.s)) < 0; j++)
			;
		if (j < m->n && c == 0) {
			m->v[j] = a[i + 1];
			continue;
		}
		memmove(&m->k[j + 1], &m->k[j], (m->n - j) * sizeof(*m->k));
		memmove(&m->v[j + 1], &m->v[j], (m->n - j) * sizeof(*m->v));
		m->k[j] = (char *)a[i].u.s;
		m->v[j] = a[i + 1];
		m->n++;
	}
	out->t = V_MAP;
	out->u.map = m;
	return 0;
}

/* ---- toJson (encoding/json's output) ---- */

static int
json_str(struct buf *b, const char *str)
{
	/* toJson is Alertmanager 0.34's, built with a Go that writes \b, \f. */
	return jsonw_str_flags(b, str, strlen(str), JSONW_SHORT_BF);
}

static int
json_float(struct buf *b, double f)
{
	char	tmp[64];
	double	af = fabs(f);
	int	p;

	if (af != 0 && (af < 1e-6 || af >= 1e21)) {
		char *e;

		for (p = 1; p <= 17; p++) {
			snprintf(tmp, sizeof(tmp), "%.*e", p - 1, f);
			if (strtod(tmp, NULL) == f)
				break;
		}
		/* Go writes e-07 as e-7 */
		if ((e = strstr(tmp, "e-0")) != NULL)
			memmove(e + 2, e + 3, strlen(e + 3) + 1);
		else if ((e = strstr(tmp, "e+0")) != NULL)
			memmove(e + 2, e + 3, strlen(e + 3) + 1);
		return buf_adds(b, tmp);
	}
	for (p = 0; p <= 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*f", p, f);
		if (strtod(tmp, NULL) == f)
			break;
	}
	return buf_adds(b, tmp);
}

static int
json_kv(struct buf *b, const struct kv *kv)
{
	if (kv == NULL || kv->null)
		return buf_adds(b, "null");	/* Go's nil map */
	if (buf_addc(b, '{') == -1)
		return -1;
	for (size_t i = 0; kv && i < kv->n; i++)
		if ((i && buf_addc(b, ',') == -1) || json_str(b, kv->v[i].name) == -1 ||
		    buf_addc(b, ':') == -1 || json_str(b, kv->v[i].value) == -1)
			return -1;
	return buf_addc(b, '}');
}

static int
json_time(struct buf *b, const struct tstamp *t)
{
	char s[64];

	tstamp_format_rfc3339(t, s, sizeof(s));
	return buf_printf(b, "\"%s\"", s);
}

static int
json_alert(struct buf *b, const struct alert *a)
{
	if (buf_adds(b, "{\"status\":") == -1 ||
	    json_str(b, alert_status_str(a->status)) == -1 ||
	    buf_adds(b, ",\"labels\":") == -1 || json_kv(b, &a->labels) == -1 ||
	    buf_adds(b, ",\"annotations\":") == -1 ||
	    json_kv(b, &a->annotations) == -1 ||
	    buf_adds(b, ",\"startsAt\":") == -1 || json_time(b, &a->starts_at) == -1 ||
	    buf_adds(b, ",\"endsAt\":") == -1 || json_time(b, &a->ends_at) == -1 ||
	    buf_adds(b, ",\"generatorURL\":") == -1 ||
	    json_str(b, a->generator_url) == -1 ||
	    buf_adds(b, ",\"fingerprint\":") == -1 ||
	    json_str(b, a->fingerprint) == -1)
		return -1;
	return buf_addc(b, '}');
}

/* template.Data as 0.34 marshals it, in its field order; alerts absent from
 * the data are Go's nil (null). */
static int
json_data(struct buf *b, const struct notification *d)
{
	if (buf_adds(b, "{\"receiver\":") || json_str(b, d->receiver) ||
	    buf_adds(b, ",\"status\":") ||
	    json_str(b, alert_status_str(d->status)) ||
	    buf_adds(b, ",\"alerts\":"))
		return -1;
	if (d->alerts == NULL) {
		if (buf_adds(b, "null"))
			return -1;
	} else {
		if (buf_addc(b, '['))
			return -1;
		for (size_t i = 0; i < d->nalerts; i++)
			if ((i && buf_addc(b, ',') == -1) ||
			    json_alert(b, &d->alerts[i]) == -1)
				return -1;
		if (buf_addc(b, ']'))
			return -1;
	}
	if (buf_adds(b, ",\"notification_reason\":") ||
	    json_str(b, d->notification_reason) ||
	    buf_adds(b, ",\"groupLabels\":") || json_kv(b, &d->group_labels) ||
	    buf_adds(b, ",\"commonLabels\":") || json_kv(b, &d->common_labels) ||
	    buf_adds(b, ",\"commonAnnotations\":") ||
	    json_kv(b, &d->common_annotations) ||
	    buf_adds(b, ",\"routeLabels\":") || json_kv(b, &d->route_labels) ||
	    buf_adds(b, ",\"externalURL\":") || json_str(b, d->external_url))
		return -1;
	return buf_addc(b, '}');
}

static int
json_val(struct buf *b, const struct val *v, int depth)
{
	if (depth > 100)
		return -1;
	switch (v->t) {
	case V_NIL: return buf_adds(b, "null");
	case V_BOOL: return buf_adds(b, v->u.b ? "true" : "false");
	case V_INT: case V_DUR: case V_MONTH: case V_WEEKDAY:
		return buf_printf(b, "%lld", (long long)v->u.i);
	case V_FLOAT:
		if (isnan(v->u.f) || isinf(v->u.f))
			return -2;
		return json_float(b, v->u.f);
	case V_STR: case V_HTML: case V_URL: return json_str(b, v->u.s);
	case V_KV: return json_kv(b, v->u.kv);
	case V_PAIR:
		return buf_adds(b, "{\"Name\":") || json_str(b, v->u.pair->name) ||
		    buf_adds(b, ",\"Value\":") || json_str(b, v->u.pair->value) ||
		    buf_addc(b, '}') ? -1 : 0;
	case V_PAIRS:
		if (buf_addc(b, '[') == -1)
			return -1;
		for (size_t i = 0; i < v->u.pairs.n; i++) {
			struct val p = { .t = V_PAIR, .u.pair = &v->u.pairs.v[i] };

			if ((i && buf_addc(b, ',') == -1) || json_val(b, &p, depth + 1))
				return -1;
		}
		return buf_addc(b, ']');
	case V_ALERT: return json_alert(b, v->u.alert);
	case V_ALERTS:
		if (v->u.alerts.v == NULL && v->named)
			return buf_adds(b, "null");	/* Go's nil Alerts */
		if (buf_addc(b, '[') == -1)
			return -1;
		for (size_t i = 0; i < v->u.alerts.n; i++)
			if ((i && buf_addc(b, ',') == -1) ||
			    json_alert(b, v->u.alerts.v[i]) == -1)
				return -1;
		return buf_addc(b, ']');
	case V_STRS:
		if (buf_addc(b, '[') == -1)
			return -1;
		for (size_t i = 0; i < v->u.strs.n; i++)
			if ((i && buf_addc(b, ',') == -1) ||
			    json_str(b, v->u.strs.v[i]) == -1)
				return -1;
		return buf_addc(b, ']');
	case V_TIME: return json_time(b, &v->u.tm);
	case V_DATA:
		return json_data(b, v->u.data);
	case V_MAP:
		if (buf_addc(b, '{') == -1)
			return -1;
		for (size_t i = 0; v->u.map && i < v->u.map->n; i++) {
			int r;

			if ((i && buf_addc(b, ',') == -1) ||
			    json_str(b, v->u.map->k[i]) == -1 || buf_addc(b, ':') == -1)
				return -1;
			if ((r = json_val(b, &v->u.map->v[i], depth + 1)) != 0)
				return r;
		}
		return buf_addc(b, '}');
	case V_LIST:
		if (buf_addc(b, '[') == -1)
			return -1;
		for (size_t i = 0; v->u.list && i < v->u.list->n; i++) {
			int r;

			if (i && buf_addc(b, ',') == -1)
				return -1;
			if ((r = json_val(b, &v->u.list->v[i], depth + 1)) != 0)
				return r;
		}
		return buf_addc(b, ']');
	}
	return -1;
}

int
fn_tojson(struct exec *x, struct val *a, size_t n, struct val *out)
{
	struct buf	b;
	int		r;

	buf_init(&b, 0);
	if ((r = json_val(&b, &a[0], 0)) != 0) {
		buf_free(&b);
		if (r == -2)
			return xerr(x, "error calling toJson: json: unsupported "
			    "value: NaN or Inf");
		return xerr(x, "error calling toJson: output too large or too deep");
	}
	return str_out(x, out, &b);
}

/* ---- base64 with the URL alphabet, padded (base64.URLEncoding) ---- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
fn_base64encode(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const unsigned char	*s;
	const char		*str = NULL;
	size_t			 len;
	struct buf		 b;

	if (want_s(x, &a[0], &str) == -1)
		return -1;
	s = (const unsigned char *)str;
	len = strlen(str);
	buf_init(&b, 0);
	for (size_t i = 0; i < len; i += 3) {
		unsigned long	v = (unsigned long)s[i] << 16;
		char		q[4];

		if (i + 1 < len)
			v |= (unsigned long)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < len ? b64[v & 63] : '=';
		if (buf_add(&b, q, 4) == -1) {
			buf_free(&b);
			return xerr(x, "output too large");
		}
	}
	return str_out(x, out, &b);
}

int
fn_base64decode(struct exec *x, struct val *a, size_t n, struct val *out)
{
	const char	*s = NULL;
	size_t		 len, i;
	struct buf	 b;

	if (want_s(x, &a[0], &s) == -1)
		return -1;
	len = strlen(s);
	buf_init(&b, 0);
	for (i = 0; i < len; i += 4) {
		int	v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			const char *p;

			if (i + k >= len) {
				buf_free(&b);
				return xerr(x, "error calling base64decode: illegal "
				    "base64 data at input byte %zu", len);
			}
			if (s[i + k] == '=' && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad || s[i + k] == '\0' ||
			    (p = strchr(b64, s[i + k])) == NULL) {
				buf_free(&b);
				return xerr(x, "error calling base64decode: illegal "
				    "base64 data at input byte %zu", i + k);
			}
			v[k] = (int)(p - b64);
		}
		if (pad && i + 4 < len) {
			buf_free(&b);
			return xerr(x, "error calling base64decode: illegal "
			    "base64 data at input byte %zu", i + 4);
		}
		{
			unsigned long	w = (unsigned long)v[0] << 18 |
					    (unsigned long)v[1] << 12 |
					    (unsigned long)v[2] << 6 | (unsigned long)v[3];
			char		o[3] = { (char)(w >> 16), (char)(w >> 8), (char)w };

			if (buf_add(&b, o, (size_t)(3 - pad)) == -1) {
				buf_free(&b);
				return xerr(x, "output too large");
			}
		}
	}
	return str_out(x, out, &b);
}
