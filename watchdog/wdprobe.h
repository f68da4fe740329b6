/* wdprobe.h: runs each freshness check's Prometheus query every interval
 * (prober_run) and feeds the result to its check: fresh is a success, any
 * other answer a failure with the prober's reason. Each query runs on a
 * thread of its own, so a slow or unreachable Prometheus holds up neither
 * the pings nor the other checks' queries. */
#ifndef TOCSIN_WDPROBE_H
#define TOCSIN_WDPROBE_H

#include "err.h"
#include "wdstate.h"

struct wdprobe;	/* opaque */

/* Starts the probing thread over ws (which must outlive it); the first
 * query of every freshness check runs at once. Caller frees with
 * wdprobe_free. http_global_init must have run. */
struct wdprobe *wdprobe_start(struct wdstate *ws, struct terr *err);
/* The config was reloaded: re-reads the freshness checks. Kept checks keep
 * their schedule, added ones are queried at once. */
void	wdprobe_reload(struct wdprobe *p);
/* Stops probing, waits for the queries in flight (at most their timeout)
 * and frees. NULL is fine. */
void	wdprobe_free(struct wdprobe *p);

#endif
