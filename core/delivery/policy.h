/* policy.h: the delivery policy a daemon takes as flags (Alertmanager's
 * configs have no place for it, and must stay loadable by Alertmanager):
 * the retry budget, the longest backoff, how many sends run at once, how
 * long delivered and dead
 * messages are kept, the rate limit of each kind of destination, and the
 * dead-letter receiver. Parsed
 * and checked here, once, so that the relay and the watchdog accept the same
 * values and refuse them with the same errors, each naming its flag. */
#ifndef TOCSIN_POLICY_H
#define TOCSIN_POLICY_H

#include "err.h"
#include "outbox.h"
#include "sender.h"

/* The flag values as typed; policy_init sets the defaults. */
struct policy_flags {
	const char	*retry_budget;		/* --delivery.retry-budget */
	const char	*backoff_max;		/* --delivery.backoff-max */
	const char	*max_sends;		/* --delivery.max-concurrent-sends */
	const char	*retention;		/* --storage.retention */
	/* The channels' rate limits, as sender_limit_at(i) names them
	 * (--ratelimit.telegram-chat, ...). */
	const char	*rate[SENDER_LIMITS_MAX];
	const char	*dead_letter;		/* --dead-letter.receiver; NULL: none */
};

#define POLICY_DEFAULT_RETRY_BUDGET	"24h"
#define POLICY_DEFAULT_BACKOFF_MAX	"5m"
#define POLICY_DEFAULT_RETENTION	"120h"	/* Alertmanager's --data.retention */
#define POLICY_DEFAULT_MAX_SENDS	"64"	/* SEND_SLOTS_DEFAULT */

/* The defaults, the same as sender_limits_default and the outbox's. */
void	policy_init(struct policy_flags *f);

/*
 * Checks every value and sets the outbox's retry_budget_ms, backoff_max_ms,
 * max_sends, retention_ms, dead_letter_receiver and limits (pointing at *limits, which must outlive
 * the outbox_open call). Errors read "--<flag>: <why>", e.g.
 * `--ratelimit.slack: want a rate such as 1/s, 20/m or 100/h, or 0 for no
 * limit, got "fast"` or `--storage.retention: must be longer than zero`.
 * Whether the dead-letter receiver exists is checked by outbox_load, against
 * each configuration loaded.
 */
int	policy_apply(const struct policy_flags *f, struct outbox_params *p,
	    struct sender_limits *limits, struct terr *err) WARN_UNUSED;

#endif
