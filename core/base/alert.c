/* alert.c: label sets, timestamps and notifications (the shared alert model). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "civil.h"

void
kv_init(struct kv *kv)
{
	kv->v = NULL;
	kv->n = 0;
	kv->null = false;
}

void
kv_free(struct kv *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->v[i].name);
		free(kv->v[i].value);
	}
	free(kv->v);
	kv_init(kv);
}

/* Index of name, or of where it would be inserted; *found says which. */
static size_t
kv_search(const struct kv *kv, const char *name, bool *found)
{
	size_t lo = 0, hi = kv->n;

	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;
		int	c = strcmp(kv->v[mid].name, name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

int
kv_set(struct kv *kv, const char *name, const char *value)
{
	struct kv_pair	*p;
	char		*v;
	bool		 found;
	size_t		 i = kv_search(kv, name, &found);

	if ((v = strdup(value)) == NULL)
		return -1;
	if (found) {
		free(kv->v[i].value);
		kv->v[i].value = v;
		return 0;
	}
	if ((p = realloc(kv->v, (kv->n + 1) * sizeof(*p))) == NULL) {
		free(v);
		return -1;
	}
	kv->v = p;
	memmove(&p[i + 1], &p[i], (kv->n - i) * sizeof(*p));
	if ((p[i].name = strdup(name)) == NULL) {
		memmove(&p[i], &p[i + 1], (kv->n - i) * sizeof(*p));
		free(v);
		return -1;
	}
	p[i].value = v;
	kv->n++;
	return 0;
}

const char *
kv_get(const struct kv *kv, const char *name)
{
	bool	found;
	size_t	i = kv_search(kv, name, &found);

	return found ? kv->v[i].value : NULL;
}

int
kv_copy(struct kv *dst, const struct kv *src)
{
	for (size_t i = 0; i < src->n; i++) {
		if (kv_set(dst, src->v[i].name, src->v[i].value) == -1) {
			kv_free(dst);
			return -1;
		}
	}
	dst->null = src->null;
	return 0;
}

bool
kv_equal(const struct kv *a, const struct kv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, b->v[i].name) ||
		    strcmp(a->v[i].value, b->v[i].value))
			return false;
	return true;
}

void
tstamp_zero(struct tstamp *t)
{
	memset(t, 0, sizeof(*t));
	t->sec = TSTAMP_ZERO_SEC;
	strcpy(t->zone, "UTC");
}

bool
tstamp_is_zero(const struct tstamp *t)
{
	return t->sec == TSTAMP_ZERO_SEC && t->nsec == 0;
}

static int
digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

int
tstamp_parse_rfc3339(const char *s, struct tstamp *t, struct terr *err)
{
	const char	*p = s;
	int		 y, mo, d, h, mi, se, oh, om, nsec = 0, scale = 100000000;
	int		 off = 0;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || (*p != 'T' && *p != 't'))
		goto bad;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &se))
		goto bad;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		for (; *p >= '0' && *p <= '9'; p++) {
			nsec += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > civil_days_in_month(y, mo) ||
	    h > 23 || mi > 59 || se > 59)
		goto bad;
	if (*p == 'Z' || *p == 'z') {
		p++;
		tstamp_zero(t);
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;

		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) ||
		    oh > 23 || om > 59)
			goto bad;
		off = sign * (oh * 3600 + om * 60);
		memset(t, 0, sizeof(*t));
	} else
		goto bad;
	if (*p != '\0')
		goto bad;
	t->sec = civil_to_days(y, mo, d) * CIVIL_SECS_PER_DAY +
	    h * 3600 + mi * 60 + se - off;
	t->nsec = nsec;
	t->off = off;
	return 0;
bad:
	return terr_set(err, "invalid RFC 3339 time %.40s%s", s,
	    strlen(s) > 40 ? "..." : "");
}

/* n as exactly w digits at p. */
static char *
put_digits(char *p, unsigned n, int w)
{
	for (int i = w - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
	return p + w;
}

void
tstamp_format_rfc3339(const struct tstamp *t, char *out, size_t len)
{
	int64_t		 local = t->sec + t->off, days, secs, y;
	int		 m, d, w = 9, off = abs(t->off);
	char		 s[48], *p = s;
	unsigned	 ns = (unsigned)t->nsec;

	days = civil_day_of(local, &secs);
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		/* Outside four digits, as printf widens them. */
		p += snprintf(s, sizeof(s), "%04lld", (long long)y);
	} else
		p = put_digits(p, (unsigned)y, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)m, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)d, 2);
	*p++ = 'T';
	p = put_digits(p, (unsigned)(secs / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)(secs % 3600 / 60), 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)(secs % 60), 2);
	if (ns != 0) {
		/* Go's RFC3339Nano: trailing zeros of the fraction dropped. */
		for (; ns % 10 == 0; ns /= 10)
			w--;
		*p++ = '.';
		p = put_digits(p, ns, w);
	}
	if (t->off == 0 && (t->zone[0] == '\0' || strcmp(t->zone, "UTC") == 0))
		*p++ = 'Z';
	else {
		*p++ = t->off < 0 ? '-' : '+';
		p = put_digits(p, (unsigned)(off / 3600), 2);
		*p++ = ':';
		p = put_digits(p, (unsigned)(off % 3600 / 60), 2);
	}
	if (len == 0)
		return;
	if ((size_t)(p - s) >= len)
		p = s + len - 1;
	memcpy(out, s, (size_t)(p - s));
	out[p - s] = '\0';
}

const char *
alert_status_str(enum alert_status s)
{
	if (s == ALERT_SAMPLE)
		return "alertstatus";
	return s == ALERT_FIRING ? "firing" : s == ALERT_RESOLVED ? "resolved" : "";
}

static void
alert_clear(struct alert *a)
{
	kv_free(&a->labels);
	kv_free(&a->annotations);
	free(a->generator_url);
	free(a->fingerprint);
}

struct notification *
notification_new(void)
{
	struct notification *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->receiver = strdup("");
	n->external_url = strdup("");
	n->group_key = strdup("");
	n->notification_reason = strdup("");
	if (!n->receiver || !n->external_url || !n->group_key ||
	    !n->notification_reason) {
		notification_free(n);
		return NULL;
	}
	return n;
}

void
notification_free(struct notification *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nalerts; i++)
		alert_clear(&n->alerts[i]);
	free(n->alerts);
	kv_free(&n->group_labels);
	kv_free(&n->common_labels);
	kv_free(&n->common_annotations);
	kv_free(&n->route_labels);
	for (size_t i = 0; i < n->nlinks; i++) {
		free(n->links[i].name);
		free(n->links[i].url);
	}
	free(n->links);
	free(n->receiver);
	free(n->external_url);
	free(n->group_key);
	free(n->notification_reason);
	free(n);
}

int
notification_add_link(struct notification *n, const char *name,
    const char *url)
{
	struct notification_link *v, *l;

	if ((v = reallocarray(n->links, n->nlinks + 1, sizeof(*v))) == NULL)
		return -1;
	n->links = v;
	l = &v[n->nlinks];
	if ((l->name = strdup(name)) == NULL)
		return -1;
	if ((l->url = strdup(url)) == NULL) {
		free(l->name);
		return -1;
	}
	n->nlinks++;
	return 0;
}

static int
alert_copy(struct alert *dst, const struct alert *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->status = src->status;
	dst->starts_at = src->starts_at;
	dst->ends_at = src->ends_at;
	if (kv_copy(&dst->labels, &src->labels) == -1 ||
	    kv_copy(&dst->annotations, &src->annotations) == -1 ||
	    (dst->generator_url = strdup(src->generator_url)) == NULL ||
	    (dst->fingerprint = strdup(src->fingerprint)) == NULL) {
		alert_clear(dst);
		return -1;
	}
	return 0;
}

/* Alertmanager's template.Data: the pairs every alert has with equal values. */
static int
kv_common(struct kv *out, const struct alert *alerts, size_t n, bool labels)
{
	const struct kv	*first;

	if (n == 0)
		return 0;
	first = labels ? &alerts[0].labels : &alerts[0].annotations;
	for (size_t i = 0; i < first->n; i++) {
		const struct kv_pair	*p = &first->v[i];
		bool			 common = true;

		for (size_t j = 1; j < n && common; j++) {
			const char *v = kv_get(labels ? &alerts[j].labels :
			    &alerts[j].annotations, p->name);

			common = v != NULL && strcmp(v, p->value) == 0;
		}
		if (common && kv_set(out, p->name, p->value) == -1)
			return -1;
	}
	return 0;
}

/* Whether set holds exactly the pairs kv_common would make. */
static bool
kv_is_common(const struct kv *set, const struct alert *alerts, size_t n,
    bool labels)
{
	const struct kv	*first;
	size_t		 common = 0;

	if (set->null)
		return false;
	if (n == 0)
		return set->n == 0;
	first = labels ? &alerts[0].labels : &alerts[0].annotations;
	for (size_t i = 0; i < first->n; i++) {
		const struct kv_pair	*p = &first->v[i];
		const char		*v;
		bool			 is = true;

		for (size_t j = 1; j < n && is; j++) {
			v = kv_get(labels ? &alerts[j].labels :
			    &alerts[j].annotations, p->name);
			is = v != NULL && strcmp(v, p->value) == 0;
		}
		if (!is)
			continue;
		if ((v = kv_get(set, p->name)) == NULL || strcmp(v, p->value) != 0)
			return false;
		common++;
	}
	return common == set->n;
}

bool
notification_is_own_subset(const struct notification *n)
{
	enum alert_status st = ALERT_RESOLVED;

	for (size_t i = 0; i < n->nalerts; i++)
		if (n->alerts[i].status == ALERT_FIRING)
			st = ALERT_FIRING;
	return n->status == st && n->nlinks == 0 &&
	    kv_is_common(&n->common_labels, n->alerts, n->nalerts, true) &&
	    kv_is_common(&n->common_annotations, n->alerts, n->nalerts, false);
}

struct notification *
notification_subset(const struct notification *src, const size_t *idx,
    size_t n, const char *receiver)
{
	struct notification *dst;

	if ((dst = calloc(1, sizeof(*dst))) == NULL)
		return NULL;
	if (n && (dst->alerts = calloc(n, sizeof(*dst->alerts))) == NULL)
		goto fail;
	dst->status = ALERT_RESOLVED;
	for (size_t i = 0; i < n; i++) {
		if (alert_copy(&dst->alerts[i], &src->alerts[idx[i]]) == -1)
			goto fail;
		dst->nalerts++;
		if (dst->alerts[i].status == ALERT_FIRING)
			dst->status = ALERT_FIRING;
	}
	if ((dst->receiver = strdup(receiver)) == NULL ||
	    (dst->external_url = strdup(src->external_url)) == NULL ||
	    (dst->group_key = strdup(src->group_key)) == NULL ||
	    (dst->notification_reason = strdup(src->notification_reason)) == NULL ||
	    kv_copy(&dst->group_labels, &src->group_labels) == -1 ||
	    kv_copy(&dst->route_labels, &src->route_labels) == -1 ||
	    kv_common(&dst->common_labels, dst->alerts, n, true) == -1 ||
	    kv_common(&dst->common_annotations, dst->alerts, n, false) == -1)
		goto fail;
	dst->truncated_alerts = src->truncated_alerts;
	dst->route_labels_rendered = src->route_labels_rendered;
	return dst;
fail:
	notification_free(dst);
	return NULL;
}
