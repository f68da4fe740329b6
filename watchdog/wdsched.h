/* wdsched.h: the thread that moves checks along in time: it ticks the live
 * checks (wdstate_tick) at their earliest deadline on the monotonic clock,
 * and again whenever a signal, pause or reload may have moved it. Never on
 * an HTTP thread, so a ping is never held up by a deadline's notification. */
#ifndef TOCSIN_WDSCHED_H
#define TOCSIN_WDSCHED_H

#include "err.h"
#include "wdstate.h"

struct wdsched;	/* opaque */

/* A scheduler not yet running; wdsched_wake may be called at once (for
 * wdstate_params.on_change). Caller frees with wdsched_free. */
struct wdsched *wdsched_new(struct terr *err);
/* Starts the thread over ws (which must outlive it). */
int	wdsched_start(struct wdsched *s, struct wdstate *ws, struct terr *err) WARN_UNUSED;
/* Deadlines may have changed: tick now and recompute the wait. Any thread;
 * arg is the struct wdsched (the signature of wdstate_params.on_change). */
void	wdsched_wake(void *arg);
/* Stops and joins the thread (a tick in progress finishes), then frees.
 * NULL is fine. */
void	wdsched_free(struct wdsched *s);

#endif
