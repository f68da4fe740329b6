/* receipts.h: following the receipts channels report (sender.h's
 * sender_receipts; Pushover's emergency messages): kept in the store,
 * followed on a thread of their own so that no poll ever holds up a
 * delivery, each at most once per interval (Pushover asks for no more than
 * one poll every 5 s per receipt). An acknowledgement becomes the group's
 * (store_ack_put), logged and counted; a resolved group's receipts are
 * cancelled, so the phone stops ringing; closed and expired ones are
 * dropped. */
#ifndef TOCSIN_RECEIPTS_H
#define TOCSIN_RECEIPTS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "metrics.h"
#include "sender.h"
#include "store.h"

#define RECEIPTS_INTERVAL_MS	5000

/* Runs fn with the ops and config of integration of receiver, which stay
 * valid (the configuration's lock held) until fn returns; -1 when that
 * integration is no longer configured. */
typedef int (*receipts_lookup_fn)(void *arg, const char *receiver,
    const char *integration,
    void (*fn)(void *farg, const struct sender_ops *ops, const void *cfg),
    void *farg);

struct receipts_params {
	struct store		*store;		/* borrowed */
	receipts_lookup_fn	 lookup;
	void			*lookup_arg;
	struct http_share	*http;		/* borrowed; may be NULL */
	long			 timeout_ms;	/* per step; 0: 10 s */
	int64_t			 interval_ms;	/* 0: RECEIPTS_INTERVAL_MS */
	/* NULL: none. Registers and updates
	 *   tocsin_receipts_acknowledged_total{receiver,integration} */
	struct metrics		*metrics;
};

struct receipts;

/* Fills b so that sends keep the receipts they report in s (borrowed). */
void	receipts_book(struct sender_receipts *b, struct store *s);

/* Starts the follower thread. Caller stops and frees with receipts_stop. */
struct receipts *receipts_start(const struct receipts_params *p,
	    struct terr *err);
/* Waits for the step in progress, then stops and frees r (NULL: nothing). */
void	receipts_stop(struct receipts *r);

/* The same without a thread, for tests: receipts_new, then receipts_round
 * follows every receipt due now once and returns how many; receipts_free. */
struct receipts *receipts_new(const struct receipts_params *p, struct terr *err);
size_t	receipts_round(struct receipts *r);
void	receipts_free(struct receipts *r);

#endif
