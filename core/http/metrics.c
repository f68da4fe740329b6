/* metrics.c: a small Prometheus registry with the exposition text format 0.0.4,
 * written the way client_golang writes it so scrapes look familiar. */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

enum metric_type {
	MT_COUNTER,
	MT_GAUGE,
	MT_HISTOGRAM,
};

struct series {
	char		**values;	/* in sorted label-name order */
	double		  value;	/* counter, gauge */
	double		  sum;		/* histogram */
	unsigned long long count;	/* histogram */
	unsigned long long *buckets;	/* histogram: per bucket, not cumulative */
};

struct metric {
	struct metrics		*reg;
	enum metric_type	 type;
	const char		*name;
	const char		*help;
	const char		**labels;	/* sorted by name */
	size_t			*perm;		/* perm[i]: caller's index of labels[i] */
	size_t			 nlabels;
	double			*bounds;
	size_t			 nbounds;
	struct series		*series;	/* sorted by values */
	size_t			 nseries;
};

struct metrics {
	pthread_mutex_t	  mu;
	struct metric	**fams;
	size_t		  nfams;
	size_t		  nseries;
	size_t		  max_series;
};

struct metrics *
metrics_new(size_t max_series)
{
	struct metrics	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	pthread_mutex_init(&m->mu, NULL);
	m->max_series = max_series ? max_series : 10000;
	return m;
}

static void
series_clear(struct metric *f, struct series *s)
{
	size_t	 i;

	for (i = 0; i < f->nlabels; i++)
		free(s->values[i]);
	free(s->values);
	free(s->buckets);
}

static void
metric_free(struct metric *f)
{
	size_t	 i;

	for (i = 0; i < f->nseries; i++)
		series_clear(f, &f->series[i]);
	free(f->series);
	free(f->labels);
	free(f->perm);
	free(f->bounds);
	free(f);
}

void
metrics_free(struct metrics *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfams; i++)
		metric_free(m->fams[i]);
	free(m->fams);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* Compares series values; a and b hold f->nlabels strings each. */
static int
values_cmp(const struct metric *f, char *const *a, const char *const *b)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < f->nlabels; i++)
		if ((c = strcmp(a[i], b[i])) != 0)
			return c;
	return 0;
}

/* Finds or creates the series for the caller's values; the registry's mutex
 * is held. Returns NULL at the series cap or when memory runs out. */
static struct series *
series_get(struct metric *f, const char *const *values)
{
	const char	*sorted[16];
	struct series	*s, *ns;
	size_t		 lo = 0, hi = f->nseries, mid, i;
	int		 c;

	for (i = 0; i < f->nlabels; i++)
		sorted[i] = values[f->perm[i]] ? values[f->perm[i]] : "";
	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = values_cmp(f, f->series[mid].values, sorted);
		if (c == 0)
			return &f->series[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (f->nlabels > 0 && f->reg->nseries >= f->reg->max_series)
		return NULL;
	ns = realloc(f->series, (f->nseries + 1) * sizeof(*ns));
	if (ns == NULL)
		return NULL;
	f->series = ns;
	memmove(&ns[lo + 1], &ns[lo], (f->nseries - lo) * sizeof(*ns));
	s = &ns[lo];
	memset(s, 0, sizeof(*s));
	f->nseries++;
	f->reg->nseries++;
	if ((s->values = calloc(f->nlabels ? f->nlabels : 1, sizeof(char *))) == NULL)
		goto fail;
	for (i = 0; i < f->nlabels; i++)
		if ((s->values[i] = strdup(sorted[i])) == NULL)
			goto fail;
	if (f->type == MT_HISTOGRAM &&
	    (s->buckets = calloc(f->nbounds + 1, sizeof(*s->buckets))) == NULL)
		goto fail;
	return s;
 fail:
	series_clear(f, s);
	f->nseries--;
	f->reg->nseries--;
	memmove(&f->series[lo], &f->series[lo + 1], (f->nseries - lo) * sizeof(*ns));
	return NULL;
}

static struct metric *
family_new(struct metrics *m, enum metric_type type, const char *name, const char *help,
    const char *const *labels, const double *bounds, size_t nbounds)
{
	struct metric	*f = NULL, **nf;
	size_t		 i, j, n = 0, tp;
	const char	*t;

	while (labels && labels[n])
		n++;
	if (n > 16)
		return NULL;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->nfams; i++)
		if (strcmp(m->fams[i]->name, name) == 0)
			goto fail;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		goto fail;
	f->reg = m;
	f->type = type;
	f->name = name;
	f->help = help;
	f->nlabels = n;
	if ((f->labels = calloc(n + 1, sizeof(*f->labels))) == NULL ||
	    (f->perm = calloc(n + 1, sizeof(*f->perm))) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		f->labels[i] = labels[i];
		f->perm[i] = i;
	}
	/* client_golang writes label pairs sorted by name. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(f->labels[j - 1], f->labels[j]) > 0; j--) {
			t = f->labels[j];
			f->labels[j] = f->labels[j - 1];
			f->labels[j - 1] = t;
			tp = f->perm[j];
			f->perm[j] = f->perm[j - 1];
			f->perm[j - 1] = tp;
		}
	if (nbounds > 0) {
		if ((f->bounds = calloc(nbounds, sizeof(*f->bounds))) == NULL)
			goto fail;
		memcpy(f->bounds, bounds, nbounds * sizeof(*bounds));
		f->nbounds = nbounds;
	}
	/* A family without labels always has its one series, as in client_golang. */
	if (n == 0 && series_get(f, NULL) == NULL)
		goto fail;
	if ((nf = realloc(m->fams, (m->nfams + 1) * sizeof(*nf))) == NULL)
		goto fail;
	m->fams = nf;
	m->fams[m->nfams++] = f;
	pthread_mutex_unlock(&m->mu);
	return f;
 fail:
	if (f) {
		m->nseries -= f->nseries;
		metric_free(f);
	}
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

struct metric *
metrics_counter(struct metrics *m, const char *name, const char *help, const char *const *labels)
{
	return family_new(m, MT_COUNTER, name, help, labels, NULL, 0);
}

struct metric *
metrics_gauge(struct metrics *m, const char *name, const char *help, const char *const *labels)
{
	return family_new(m, MT_GAUGE, name, help, labels, NULL, 0);
}

struct metric *
metrics_histogram(struct metrics *m, const char *name, const char *help,
    const char *const *labels, const double *buckets, size_t nbuckets)
{
	return family_new(m, MT_HISTOGRAM, name, help, labels, buckets, nbuckets);
}

static int
update(struct metric *f, const char *const *values, double v, int op)
{
	struct series	*s;
	size_t		 i;
	int		 rc = -1;

	pthread_mutex_lock(&f->reg->mu);
	if ((s = series_get(f, values)) == NULL)
		goto out;
	switch (op) {
	case 0:
		s->value += v;
		break;
	case 1:
		s->value = v;
		break;
	default:
		for (i = 0; i < f->nbounds && v > f->bounds[i]; i++)
			;
		s->buckets[i]++;
		s->count++;
		s->sum += v;
		break;
	}
	rc = 0;
 out:
	pthread_mutex_unlock(&f->reg->mu);
	return rc;
}

int
metric_add(struct metric *f, const char *const *values, double v)
{
	return update(f, values, v, 0);
}

int
metric_set(struct metric *f, const char *const *values, double v)
{
	return update(f, values, v, 1);
}

int
metric_observe(struct metric *f, const char *const *values, double v)
{
	return update(f, values, v, 2);
}

/* Formats like Go's strconv.FormatFloat(v, 'g', -1, 64), which client_golang
 * uses: the shortest digits that read back exactly, with an exponent when it
 * is below -4 or at least 6 (Go's threshold for the shortest form). */
static void
fmt_float(double v, char *out, size_t len)
{
	char	 e[40];
	int	 p, exp;
	char	*ep;

	if (isnan(v)) {
		snprintf(out, len, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(out, len, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* Whole numbers below 10^6 print as integers (Go's exponent starts
	 * at 10^6): most samples are 0 or 1, spare them the search below. */
	if (v > -1e6 && v < 1e6 && v == (double)(long)v && !signbit(v)) {
		snprintf(out, len, "%ld", (long)v);
		return;
	}
	for (p = 1; p <= 17; p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	if (p > 17)
		p = 17;
	ep = strchr(e, 'e');
	exp = ep ? atoi(ep + 1) : 0;
	if (v == 0)
		exp = 0;
	if (exp < -4 || exp >= 6) {
		snprintf(out, len, "%s", e);
		return;
	}
	snprintf(out, len, "%.*f", p - 1 - exp > 0 ? p - 1 - exp : 0, v);
}

static int
add_escaped(struct buf *out, const char *s, bool quote)
{
	int	 rc;

	if (strpbrk(s, quote ? "\\\n\"" : "\\\n") == NULL)
		return buf_adds(out, s);
	for (; *s; s++) {
		if (*s == '\\')
			rc = buf_adds(out, "\\\\");
		else if (*s == '\n')
			rc = buf_adds(out, "\\n");
		else if (*s == '"' && quote)
			rc = buf_adds(out, "\\\"");
		else
			rc = buf_addc(out, *s);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* Writes name+suffix{labels[,le="x"]} value. */
static int
write_line(struct buf *out, const char *name, const char *suffix,
    const char *const *labels, size_t nlabels, const char *const *values,
    const char *le, double v)
{
	char	 num[48];
	size_t	 i;
	bool	 any = nlabels > 0 || le != NULL;

	if (buf_adds(out, name) == -1 || buf_adds(out, suffix) == -1)
		return -1;
	if (any && buf_addc(out, '{') == -1)
		return -1;
	for (i = 0; i < nlabels; i++) {
		if ((i > 0 && buf_addc(out, ',') == -1) ||
		    buf_adds(out, labels[i]) == -1 || buf_adds(out, "=\"") == -1 ||
		    add_escaped(out, values[i], true) == -1 || buf_addc(out, '"') == -1)
			return -1;
	}
	if (le && buf_printf(out, "%sle=\"%s\"", nlabels ? "," : "", le) == -1)
		return -1;
	if (any && buf_addc(out, '}') == -1)
		return -1;
	fmt_float(v, num, sizeof(num));
	if (buf_addc(out, ' ') == -1 || buf_adds(out, num) == -1)
		return -1;
	return buf_addc(out, '\n');
}

static int
write_sample(struct buf *out, const struct metric *f, const struct series *s,
    const char *suffix, const char *le, double v)
{
	return write_line(out, f->name, suffix, (const char *const *)f->labels,
	    f->nlabels, (const char *const *)s->values, le, v);
}

int
metrics_write_header(struct buf *out, const char *name, const char *help,
    const char *type)
{
	if (buf_printf(out, "# HELP %s ", name) == -1 ||
	    add_escaped(out, help, false) == -1 ||
	    buf_printf(out, "\n# TYPE %s %s\n", name, type) == -1)
		return -1;
	return 0;
}

int
metrics_write_sample(struct buf *out, const char *name,
    const char *const *labels, const char *const *values, double v)
{
	size_t	 n = 0;

	while (labels != NULL && labels[n] != NULL)
		n++;
	return write_line(out, name, "", labels, n, values, NULL, v);
}

static int
write_family(struct buf *out, const struct metric *f)
{
	static const char *types[] = { "counter", "gauge", "histogram" };
	const struct series *s;
	unsigned long long cum;
	char		 le[48];
	size_t		 i, b;

	if (f->nseries == 0)
		return 0;
	if (metrics_write_header(out, f->name, f->help, types[f->type]) == -1)
		return -1;
	for (i = 0; i < f->nseries; i++) {
		s = &f->series[i];
		if (f->type != MT_HISTOGRAM) {
			if (write_sample(out, f, s, "", NULL, s->value) == -1)
				return -1;
			continue;
		}
		cum = 0;
		for (b = 0; b < f->nbounds; b++) {
			cum += s->buckets[b];
			fmt_float(f->bounds[b], le, sizeof(le));
			if (write_sample(out, f, s, "_bucket", le, (double)cum) == -1)
				return -1;
		}
		if (write_sample(out, f, s, "_bucket", "+Inf", (double)s->count) == -1 ||
		    write_sample(out, f, s, "_sum", NULL, s->sum) == -1 ||
		    write_sample(out, f, s, "_count", NULL, (double)s->count) == -1)
			return -1;
	}
	return 0;
}

static int
fam_cmp(const void *a, const void *b)
{
	const struct metric *const *fa = a, *const *fb = b;

	return strcmp((*fa)->name, (*fb)->name);
}

int
metrics_write(struct metrics *m, struct buf *out)
{
	struct metric	**sorted = NULL;
	size_t		  i;
	int		  rc = -1;

	pthread_mutex_lock(&m->mu);
	if (m->nfams && (sorted = calloc(m->nfams, sizeof(*sorted))) == NULL)
		goto out;
	for (i = 0; i < m->nfams; i++)
		sorted[i] = m->fams[i];
	if (m->nfams)
		qsort(sorted, m->nfams, sizeof(*sorted), fam_cmp);
	for (i = 0; i < m->nfams; i++)
		if (write_family(out, sorted[i]) == -1)
			goto out;
	rc = 0;
 out:
	pthread_mutex_unlock(&m->mu);
	free(sorted);
	return rc;
}
