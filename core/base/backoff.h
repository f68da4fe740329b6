/* backoff.h: how long a message waits after a transient failure (exponential
 * backoff with full jitter, capped) and when it has used up its retry budget.
 * Randomness is injected so tests can pin every delay. */
#ifndef TOCSIN_BACKOFF_H
#define TOCSIN_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

#define BACKOFF_DEFAULT_BASE_MS		INT64_C(1000)
#define BACKOFF_DEFAULT_CAP_MS		INT64_C(300000)		/* 5m */
#define BACKOFF_DEFAULT_BUDGET_MS	INT64_C(86400000)	/* 24h */

struct backoff {
	int64_t	 base_ms;	/* first ceiling; 0: default */
	int64_t	 cap_ms;	/* largest ceiling; 0: default */
	int64_t	 budget_ms;	/* retry budget from acceptance; 0: default */
	/* Uniform 64-bit random numbers; NULL: a thread-safe PRNG from
	 * getrandom(2). */
	uint64_t (*rand)(void *arg);
	void	*rand_arg;
};

/* The wait after failure number `failures` (1 for the first): a uniform
 * draw in [0, min(cap, base * 2^(failures-1))] ms ("full jitter", so a burst
 * of failures spreads out instead of retrying in lockstep). */
int64_t	backoff_delay(const struct backoff *b, int failures);

/* The retry budget in ms, the default resolved. */
int64_t	backoff_budget(const struct backoff *b);

/* Whether a message accepted at created_ms may still be retried at
 * retry_at_ms. */
bool	backoff_within_budget(const struct backoff *b, int64_t created_ms,
	    int64_t retry_at_ms);

#endif
