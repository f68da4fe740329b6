/* dispatcher.h: moves stored messages to their services. Per destination
 * strictly in order with exactly one message in flight, under the
 * destination's rate limits; different destinations in parallel, each send
 * in flight on a worker thread of its own (each send is one blocking
 * attempt), so a destination that hangs delays no other. Decides retry,
 * wait or give-up from each sender's result, so no sender carries retry
 * logic. */
#ifndef TOCSIN_DISPATCHER_H
#define TOCSIN_DISPATCHER_H

#include <stdint.h>

#include "backoff.h"
#include "config.h"
#include "err.h"
#include "metrics.h"
#include "ratelimit.h"
#include "sender.h"
#include "store.h"

struct dispatcher;

struct dispatcher_params {
	struct store		*store;		/* borrowed; outlives the dispatcher */
	const struct config	*cfg;		/* receivers; borrowed, likewise */
	const char		*memo_dir;	/* --storage.path for sender_memo; NULL: memory only */
	/* Sends in flight at most, one per destination, each on a worker
	 * thread of its own (started as needed, kept); a quarter of them
	 * reserved as sendslots.h says. 0: 64. */
	int			 max_sends;
	struct backoff		 backoff;	/* zeroes: defaults */
	const struct sender_limits *limits;	/* NULL: sender_limits_default */
	long			 send_timeout_ms; /* per attempt; 0: HTTP client default */
	/* Called (from a worker) for every message that went dead, after it
	 * was marked; NULL: none. For the dead-letter report. */
	void			(*on_dead)(void *arg, const struct store_entry *e,
				    const char *why);
	void			*on_dead_arg;
	/* NULL: none. Registers and updates, per receiver and integration:
	 *   tocsin_deliveries_total{receiver,integration,result}
	 *     result "delivered", "retry" (backed off), "wait" (the
	 *     service's retry_after), "dead"
	 *   tocsin_delivery_latency_seconds{integration} (acceptance to
	 *     delivery)
	 *   tocsin_ratelimit_waits_total{integration} (sends held back) */
	struct metrics		*metrics;
};

struct dispatcher_stats {
	uint64_t	delivered;
	uint64_t	retries;	/* transient failures backed off */
	uint64_t	waits;		/* retry_after / Retry-After honoured */
	uint64_t	dead;
	uint64_t	ratelimited;	/* sends held back by a rate limit */
	/* due messages that waited for a free slot (sendslots.h) */
	uint64_t	held_for_slot;
};

/* Starts the dispatcher thread and its workers; everything pending in the
 * store is resumed at once. A message whose receiver or integration is no
 * longer configured goes dead; one of a kind no sender implements
 * (sender_ops_by_name) stays pending. Caller stops and frees with
 * dispatcher_stop. */
struct dispatcher *dispatcher_start(const struct dispatcher_params *p,
	    struct terr *err);
/* Stops taking new work, waits for the sends in flight to finish and be
 * marked, and frees d. Messages not yet started stay pending in the store. */
void	dispatcher_stop(struct dispatcher *d);
/* Wakes the dispatcher to look for due work: at once, or when a scan ran
 * in the last few milliseconds (10), that long after it, so that a burst of
 * commits costs one scan and not one each. Any thread; the store's
 * on_enqueue hook should call it (d may be NULL: ignored). */
void	dispatcher_wake(struct dispatcher *d);
void	dispatcher_get_stats(struct dispatcher *d, struct dispatcher_stats *st);
/* Switches to a reloaded configuration: sends queued from now on use cfg
 * at once; returns when the sends in flight with an older one (up to their
 * timeout) are marked, after which the caller may free it. */
void	dispatcher_set_config(struct dispatcher *d, const struct config *cfg);

#endif
