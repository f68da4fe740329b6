/* metrics.h: Prometheus metrics (counters, gauges, histograms) and their text
 * exposition format 0.0.4, safe to update from any thread. */
#ifndef TOCSIN_METRICS_H
#define TOCSIN_METRICS_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct metrics;		/* opaque registry; one mutex guards it */
struct metric;		/* opaque family, owned by its registry */

/* Allocates a registry that holds at most max_series labelled series in all
 * (0 means 10000), so label values from requests cannot grow it without
 * bound. Caller frees with metrics_free, which frees every family too. */
struct metrics *metrics_new(size_t max_series);
void	metrics_free(struct metrics *m);

/* Registers a family. labels is a NULL-terminated list of label names (NULL
 * for none); the strings must outlive the registry (use literals). Histogram
 * buckets are upper bounds in increasing order, without +Inf, copied.
 * Returns NULL on a duplicate name or when memory runs out. */
struct metric *metrics_counter(struct metrics *m, const char *name, const char *help,
	    const char *const *labels);
struct metric *metrics_gauge(struct metrics *m, const char *name, const char *help,
	    const char *const *labels);
struct metric *metrics_histogram(struct metrics *m, const char *name, const char *help,
	    const char *const *labels, const double *buckets, size_t nbuckets);

/* Updates the series for values (as many as the family has labels; NULL when
 * it has none), creating it on first use. Returns -1 when the series cap is
 * reached (the update is dropped) or memory runs out. */
int	metric_add(struct metric *f, const char *const *values, double v);
int	metric_set(struct metric *f, const char *const *values, double v);
int	metric_observe(struct metric *f, const char *const *values, double v);

/* Appends the exposition text of every family to out: families sorted by
 * name, series sorted by label values, as Prometheus' client_golang writes. */
int	metrics_write(struct metrics *m, struct buf *out) WARN_UNUSED;

/* The exposition written directly, for families too large to hold as
 * series (the watchdog's seven series per check: 700,000 at 100,000 checks),
 * in metrics_write's format: "# HELP" and "# TYPE" lines (type "gauge",
 * "counter"), then one sample, labels a NULL-terminated list of names and
 * values as many. The caller keeps families sorted by name and a family's
 * samples together. */
int	metrics_write_header(struct buf *out, const char *name, const char *help,
	    const char *type) WARN_UNUSED;
int	metrics_write_sample(struct buf *out, const char *name,
	    const char *const *labels, const char *const *values, double v)
	    WARN_UNUSED;

/* The exposition's Content-Type. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
