/* ratelimit.h: token buckets keyed by destination (a chat, a webhook) and by
 * account (a bot), so that a message leaves only when every limit that
 * applies to it has room. The clock is injected so tests need no sleeping. */
#ifndef TOCSIN_RATELIMIT_H
#define TOCSIN_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Milliseconds on any monotonic-enough scale. */
typedef int64_t (*rl_clock_fn)(void *arg);

struct rl_rate {
	double	per_sec;	/* refill rate; <= 0: unlimited */
	double	burst;		/* bucket size (at least 1) */
};

/* One bucket a message must take a token from. */
struct rl_want {
	char		key[160];	/* e.g. "tg-chat:<bot id>:<chat>"; never a secret */
	struct rl_rate	rate;
	bool		shared;		/* used by many destinations at once (a bot) */
};

/* The range of N in a rate. */
#define RL_RATE_MIN	0.001
#define RL_RATE_MAX	1000000.0

/*
 * Parses a rate as an operator writes it: "N/s", "N/m" or "N/h" with N a
 * number from RL_RATE_MIN to RL_RATE_MAX (20/m, 0.5/s), or "0" for no
 * limit. The bucket holds N
 * (at least 1): a service that allows N per period allows them at once, as
 * Telegram's 20 per minute per group and 30 per second per bot do. -1 with
 * err set (without the flag's name, which the caller adds).
 */
int	rl_rate_parse(const char *s, struct rl_rate *out, struct terr *err) WARN_UNUSED;

struct ratelimit;

/* A limiter reading clock(arg). Caller frees with ratelimit_free. NULL when
 * memory runs out. Thread-safe. */
struct ratelimit *ratelimit_new(rl_clock_fn clock, void *arg);
void	ratelimit_free(struct ratelimit *rl);

/*
 * Buckets that several processes share, kept where all of them see them (a
 * database: store_rate_share in store.h), for the limits that hold across
 * processes: two relays sending to different chats of one bot share the
 * bot's 30/s, and a chat that moves to another relay takes its bucket
 * along. The shared side measures time on its own clock, the same for every
 * process; ratelimit.c passes it only the wants that have a rate.
 */
struct rl_shared {
	/* As ratelimit_take over w[0..n-1]: all or nothing, 0 or the wait
	 * in ms (at least 1); -1 when the buckets cannot be reached (then
	 * nothing was taken). */
	int64_t	(*take)(void *arg, const struct rl_want *w, size_t n);
	/* As ratelimit_done, given only the wants that are not shared. */
	void	(*done)(void *arg, const struct rl_want *w, size_t n);
	void	*arg;
};

/* From now on rl's takes and dones go to sh (copied) instead of the
 * buckets in memory. Call before the first take. */
void	ratelimit_share(struct ratelimit *rl, const struct rl_shared *sh);

/*
 * Takes one token from each of w[0..n-1] when all of them have one and
 * returns 0; otherwise takes none and returns how many milliseconds until
 * all of them will (at least 1). A new key starts with a full bucket.
 * Returns -1 only when memory runs out or shared buckets (ratelimit_share)
 * cannot be reached: nothing was taken, try again later.
 */
int64_t	ratelimit_take(struct ratelimit *rl, const struct rl_want *w, size_t n);

/*
 * Called when the request a take was for has been answered: the buckets of
 * w[0..n-1] start refilling only now. The service counts a request when it
 * arrives, which is some time after the take; restarting the refill at the
 * answer makes the next request of that destination arrive at least a full
 * interval after this one did, however slow this one was to get there.
 * Shared buckets are left alone: other destinations' requests keep using
 * them meanwhile.
 */
void	ratelimit_done(struct ratelimit *rl, const struct rl_want *w, size_t n);

#endif
