/* tmpl_value.c: run-time values of the template engine: the render arena,
 * Go type names, truthiness and printing exactly as Go's fmt %v does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl_int.h"

struct ablk {
	struct ablk	*next;
	size_t		 used, size;
	max_align_t	 data[];
};

#define ARENA_BLOCK 8192
#define ARENA_CAP ((size_t)256 << 20)

void *
arena_alloc(struct arena *a, size_t n)
{
	struct ablk	*b = a->head;
	size_t		 need = (n + 15) & ~(size_t)15;
	void		*p;

	if (n == 0)
		need = 16;
	if (b == NULL || b->size - b->used < need) {
		size_t sz = need > ARENA_BLOCK ? need : ARENA_BLOCK;

		if (a->total + sz > ARENA_CAP)
			return NULL;
		if ((b = malloc(sizeof(*b) + sz)) == NULL)
			return NULL;
		b->size = sz;
		b->used = 0;
		b->next = a->head;
		a->head = b;
		a->total += sz;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_free(struct arena *a)
{
	struct ablk *b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->total = 0;
}

const char *
val_type_name(const struct val *v)
{
	switch (v->t) {
	case V_NIL: return "<nil>";
	case V_BOOL: return "bool";
	case V_INT: return "int";
	case V_FLOAT: return "float64";
	case V_STR: return "string";
	case V_HTML: return "template.HTML";
	case V_URL: return "template.URL";
	case V_KV: return "template.KV";
	case V_PAIRS: return "template.Pairs";
	case V_PAIR: return "template.Pair";
	case V_ALERT: return "template.Alert";
	case V_ALERTS: return v->named ? "template.Alerts" : "[]template.Alert";
	case V_STRS: return v->named ? "template.Strings" : "[]string";
	case V_TIME: return "time.Time";
	case V_DUR: return "time.Duration";
	case V_DATA: return "template.Data";
	case V_MAP: return "map[string]interface {}";
	case V_LIST: return "[]interface {}";
	case V_MONTH: return "time.Month";
	case V_WEEKDAY: return "time.Weekday";
	}
	return "?";
}

bool
val_is_stringish(const struct val *v)
{
	return v->t == V_STR || v->t == V_HTML || v->t == V_URL;
}

bool
val_truth(const struct val *v)
{
	switch (v->t) {
	case V_NIL: return false;
	case V_BOOL: return v->u.b;
	case V_INT: case V_DUR: case V_MONTH: case V_WEEKDAY: return v->u.i != 0;
	case V_FLOAT: return v->u.f != 0;
	case V_STR: case V_HTML: case V_URL: return v->u.s[0] != '\0';
	case V_KV: return v->u.kv != NULL && v->u.kv->n > 0;
	case V_PAIRS: return v->u.pairs.n > 0;
	case V_ALERTS: return v->u.alerts.n > 0;
	case V_STRS: return v->u.strs.n > 0;
	case V_MAP: return v->u.map != NULL && v->u.map->n > 0;
	case V_LIST: return v->u.list != NULL && v->u.list->n > 0;
	case V_PAIR: case V_ALERT: case V_TIME: case V_DATA: return true;
	}
	return false;
}

void
fmt_float_v(char *out, size_t len, double f)
{
	char	 tmp[64], mant[32];
	int	 p, exp, nd = 0;
	char	*e;

	if (isnan(f)) {
		snprintf(out, len, "NaN");
		return;
	}
	if (isinf(f)) {
		snprintf(out, len, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (f == 0) {
		snprintf(out, len, signbit(f) ? "-0" : "0");
		return;
	}
	/* the shortest decimal that reads back as f, as strconv does */
	for (p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, f);
		if (strtod(tmp, NULL) == f)
			break;
	}
	e = strchr(tmp, 'e');
	exp = atoi(e + 1);
	for (char *c = tmp; c < e; c++)
		if (*c >= '0' && *c <= '9')
			mant[nd++] = *c;
	mant[nd] = '\0';
	if (exp < -4 || exp >= 6) {
		/* %e form with the shortest mantissa */
		char	*o = out;
		size_t	 left = len;
		int	 w;

		w = snprintf(o, left, "%s%c", f < 0 ? "-" : "", mant[0]);
		o += w;
		left -= w;
		if (nd > 1) {
			w = snprintf(o, left, ".%s", mant + 1);
			o += w;
			left -= w;
		}
		snprintf(o, left, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
		return;
	}
	/* %f form */
	{
		struct buf	b;
		int		i;

		buf_init(&b, len);
		if (f < 0 && buf_addc(&b, '-') == -1)
			goto done;
		if (exp < 0) {
			if (buf_adds(&b, "0.") == -1)
				goto done;
			for (i = -1; i > exp; i--)
				if (buf_addc(&b, '0') == -1)
					goto done;
			if (buf_adds(&b, mant) == -1)
				goto done;
		} else {
			for (i = 0; i <= exp; i++)
				if (buf_addc(&b, i < nd ? mant[i] : '0') == -1)
					goto done;
			if (nd > exp + 1 && (buf_addc(&b, '.') == -1 ||
			    buf_adds(&b, mant + exp + 1) == -1))
				goto done;
		}
done:
		snprintf(out, len, "%s", buf_str(&b));
		buf_free(&b);
	}
}

static const char *months[] = { "January", "February", "March", "April",
    "May", "June", "July", "August", "September", "October", "November",
    "December" };
static const char *wdays[] = { "Sunday", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday" };

static int
print_kv_map(struct buf *out, const struct kv *kv)
{
	if (buf_adds(out, "map[") == -1)
		return -1;
	for (size_t i = 0; kv != NULL && i < kv->n; i++)
		if (buf_printf(out, "%s%s:%s", i ? " " : "", kv->v[i].name,
		    kv->v[i].value) == -1)
			return -1;
	return buf_addc(out, ']');
}

/* Pairs.String() of Alertmanager 0.26 and later: "n1=v1, n2=v2". */
static int
print_pair_list(struct buf *out, const struct kv_pair *p, size_t n,
    const char *first)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool isfirst = first && strcmp(p[i].name, first) == 0;

		if (first && !isfirst)
			continue;
		if (buf_printf(out, "%s%s=%s", k++ ? ", " : "", p[i].name,
		    p[i].value) == -1)
			return -1;
	}
	for (size_t i = 0; first && i < n; i++)
		if (strcmp(p[i].name, first) != 0 && buf_printf(out, "%s%s=%s",
		    k++ ? ", " : "", p[i].name, p[i].value) == -1)
			return -1;
	return 0;
}

/* A KV as fmt prints it: Go's map form up to 0.25, KV.String() (its
 * SortedPairs, alertname first) from 0.26 on. */
static int
print_kv(struct buf *out, const struct kv *kv, enum tmpl_am_version am)
{
	if (am == TMPL_AM_0_25)
		return print_kv_map(out, kv);
	if (kv == NULL)
		return 0;
	return print_pair_list(out, kv->v, kv->n, "alertname");
}

static int
print_pairs(struct buf *out, const struct kv_pair *p, size_t n,
    enum tmpl_am_version am)
{
	if (am != TMPL_AM_0_25)
		return print_pair_list(out, p, n, NULL);
	if (buf_addc(out, '[') == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (buf_printf(out, "%s{%s %s}", i ? " " : "", p[i].name,
		    p[i].value) == -1)
			return -1;
	return buf_addc(out, ']');
}

static int
print_alert(struct buf *out, const struct alert *a, enum tmpl_am_version am)
{
	if (buf_printf(out, "{%s ", alert_status_str(a->status)) == -1 ||
	    print_kv(out, &a->labels, am) == -1 || buf_addc(out, ' ') == -1 ||
	    print_kv(out, &a->annotations, am) == -1 ||
	    buf_addc(out, ' ') == -1 || gtime_string(out, &a->starts_at) == -1 ||
	    buf_addc(out, ' ') == -1 || gtime_string(out, &a->ends_at) == -1)
		return -1;
	return buf_printf(out, " %s %s}", a->generator_url, a->fingerprint);
}

static int
print_alerts(struct buf *out, const struct alert *const *v, size_t n,
    enum tmpl_am_version am)
{
	if (buf_addc(out, '[') == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((i && buf_addc(out, ' ') == -1) ||
		    print_alert(out, v[i], am) == -1)
			return -1;
	return buf_addc(out, ']');
}

/* template.Data's fields in their order; 0.34 added NotificationReason
 * after Alerts, RouteLabels after CommonAnnotations, and an unexported
 * bool that fmt prints too. */
static int
print_data(struct buf *out, const struct notification *d,
    enum tmpl_am_version am)
{
	const struct alert **list;
	int r;

	if (buf_printf(out, "{%s %s ", d->receiver,
	    alert_status_str(d->status)) == -1)
		return -1;
	if ((list = calloc(d->nalerts + 1, sizeof(*list))) == NULL)
		return -1;
	for (size_t i = 0; i < d->nalerts; i++)
		list[i] = &d->alerts[i];
	r = print_alerts(out, list, d->nalerts, am);
	free(list);
	if (r == -1 || (am != TMPL_AM_0_25 &&
	    buf_printf(out, " %s", d->notification_reason) == -1) ||
	    buf_addc(out, ' ') == -1 ||
	    print_kv(out, &d->group_labels, am) == -1 ||
	    buf_addc(out, ' ') == -1 ||
	    print_kv(out, &d->common_labels, am) == -1 ||
	    buf_addc(out, ' ') == -1 ||
	    print_kv(out, &d->common_annotations, am) == -1)
		return -1;
	if (am == TMPL_AM_0_25)
		return buf_printf(out, " %s}", d->external_url);
	if (buf_addc(out, ' ') == -1 ||
	    print_kv(out, &d->route_labels, am) == -1)
		return -1;
	return buf_printf(out, " %s %s}", d->external_url,
	    d->route_labels_rendered ? "true" : "false");
}

/* depth > 0: inside a composite, where a nil interface prints "<nil>" */
static int
print_val(struct buf *out, const struct val *v, int depth,
    enum tmpl_am_version am)
{
	char num[64];

	switch (v->t) {
	case V_NIL:
		return buf_adds(out, depth ? "<nil>" : "<no value>");
	case V_BOOL:
		return buf_adds(out, v->u.b ? "true" : "false");
	case V_INT:
		return buf_printf(out, "%lld", (long long)v->u.i);
	case V_FLOAT:
		fmt_float_v(num, sizeof(num), v->u.f);
		return buf_adds(out, num);
	case V_STR:
	case V_HTML:
	case V_URL:
		return buf_adds(out, v->u.s);
	case V_KV:
		return print_kv(out, v->u.kv, am);
	case V_PAIRS:
		return print_pairs(out, v->u.pairs.v, v->u.pairs.n, am);
	case V_PAIR:
		return buf_printf(out, "{%s %s}", v->u.pair->name,
		    v->u.pair->value);
	case V_ALERT:
		return print_alert(out, v->u.alert, am);
	case V_ALERTS:
		return print_alerts(out, v->u.alerts.v, v->u.alerts.n, am);
	case V_STRS:
		if (buf_addc(out, '[') == -1)
			return -1;
		for (size_t i = 0; i < v->u.strs.n; i++)
			if (buf_printf(out, "%s%s", i ? " " : "",
			    v->u.strs.v[i]) == -1)
				return -1;
		return buf_addc(out, ']');
	case V_TIME:
		return gtime_string(out, &v->u.tm);
	case V_DUR:
		return gduration_string(out, v->u.i);
	case V_MONTH:
		if (v->u.i >= 1 && v->u.i <= 12)
			return buf_adds(out, months[v->u.i - 1]);
		return buf_printf(out, "%%!Month(%lld)", (long long)v->u.i);
	case V_WEEKDAY:
		if (v->u.i >= 0 && v->u.i <= 6)
			return buf_adds(out, wdays[v->u.i]);
		return buf_printf(out, "%%!Weekday(%lld)", (long long)v->u.i);
	case V_DATA:
		return print_data(out, v->u.data, am);
	case V_MAP:
		if (buf_adds(out, "map[") == -1)
			return -1;
		for (size_t i = 0; v->u.map && i < v->u.map->n; i++)
			if (buf_printf(out, "%s%s:", i ? " " : "",
			    v->u.map->k[i]) == -1 ||
			    print_val(out, &v->u.map->v[i], depth + 1, am) == -1)
				return -1;
		return buf_addc(out, ']');
	case V_LIST:
		if (buf_addc(out, '[') == -1)
			return -1;
		for (size_t i = 0; v->u.list && i < v->u.list->n; i++)
			if ((i && buf_addc(out, ' ') == -1) ||
			    print_val(out, &v->u.list->v[i], depth + 1, am) == -1)
				return -1;
		return buf_addc(out, ']');
	}
	return 0;
}

int
val_print(struct buf *out, const struct val *v, enum tmpl_am_version am)
{
	return print_val(out, v, 0, am);
}
