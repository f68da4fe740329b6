/* tgpoll.h: one long-polling getUpdates thread per Telegram bot that has
 * buttons (telegram_configs with actions), so presses reach tocsin without
 * a public webhook URL. Each thread's update offset is a store cursor,
 * moved past an update once it was acted on: a restart neither loses nor
 * replays presses (but the one being handled at a crash). Polling runs
 * beside the dispatcher and never holds up a delivery. A 409 (another
 * program polls the same bot) is logged and retried with backoff. */
#ifndef TOCSIN_TGPOLL_H
#define TOCSIN_TGPOLL_H

#include <stdint.h>

#include "err.h"
#include "metrics.h"
#include "outbox.h"

struct tgpoll;

struct tgpoll_params {
	struct outbox	*ob;		/* borrowed: its store and generations */
	struct metrics	*metrics;	/* NULL: tocsin_actions_total not kept */
	int		 poll_timeout_s; /* getUpdates' long poll; 0: 25 */
};

/* Caller frees with tgpoll_free. NULL with err when memory runs out or the
 * metric cannot be registered. */
struct tgpoll *tgpoll_new(const struct tgpoll_params *p, struct terr *err);
/* Stops the pollers and starts one per bot of the outbox's current
 * generation (none before the first load). */
int	tgpoll_restart(struct tgpoll *t, struct terr *err) WARN_UNUSED;
/* tocsin_actions_total, which action links count in too; NULL when not
 * kept. */
struct metric *tgpoll_actions_metric(struct tgpoll *t);
/* Stops every poller (a long poll in flight is cut within about a second). */
void	tgpoll_stop(struct tgpoll *t);
/* tgpoll_stop, then frees t. NULL is fine. */
void	tgpoll_free(struct tgpoll *t);

#endif
