/* prober.h: a freshness check's probe: one instant query to Prometheus's
 * /api/v1/query, whose answer is read as ages in seconds and judged against
 * max_age. Whatever goes wrong is stale, with a reason that says what. */
#ifndef TOCSIN_PROBER_H
#define TOCSIN_PROBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "wdconfig.h"

enum probe_status {
	PROBE_FRESH,		/* every value <= max_age */
	PROBE_STALE,		/* some value > max_age, NaN or +Inf */
	PROBE_EMPTY,		/* the query returned no series */
	PROBE_QUERY_ERROR,	/* Prometheus answered, but not with ages */
	PROBE_UNREACHABLE,	/* no connection, or it broke */
	PROBE_TIMEOUT,		/* no answer within timeout */
};

struct probe_result {
	enum probe_status	status;
	/* FRESH and STALE: the oldest series' age (NaN ranks oldest), else
	 * NaN. */
	double			age_s;
	/* One line of valid UTF-8 without secrets, for the notification and
	 * the log: `{file="/x.prom"} is 16m40s old (max_age 10m)`,
	 * "query returned no series", "Prometheus unreachable: ...". */
	char			reason[CHECK_REASON_MAX];
};

/* One blocking query of f->prometheus_url's /api/v1/query (a POSTed form,
 * which Prometheus takes like a GET), with f->timeout_ms for connecting and
 * for the whole answer. Never fails itself: every problem is a non-fresh
 * status with a reason. Thread-safe once http_global_init has run. */
void	prober_run(const struct wd_freshness *f, struct probe_result *out);

/* Judges one answer of /api/v1/query (any HTTP status: Prometheus's errors
 * come as JSON with 400, 422 or 503) against max_age_ms. prober_run's second
 * half, apart for the unit tests and the fuzzer. */
void	prober_judge(long http_status, const char *body, size_t len,
	    int64_t max_age_ms, struct probe_result *out);

/* Whether a and b ask the same Prometheus the same query and judge the
 * answer against the same max_age (interval and timeout aside). */
bool	prober_same_question(const struct wd_freshness *a, const struct wd_freshness *b);

/* "fresh", "stale", "empty", "query_error", "unreachable", "timeout". */
const char *probe_status_name(enum probe_status s);

#endif
