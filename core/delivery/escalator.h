/* escalator.h: tocsin's escalate extension at run time: a thread that takes
 * the escalation timers as they fall due (store.h; the steps of escplan.h)
 * and queues what they send through the durable queue: the notification
 * again to its receiver (a repeat: Telegram answers the group's first
 * message) and, once, the escalation to the other receiver (all of its
 * integrations). A group acknowledged (a button, a receipt, on either
 * receiver) ends its timer; one that Alertmanager says is silenced (GET
 * /api/v2/alerts on the actions' alertmanager_url or the notification's
 * externalURL) or no longer has sends nothing while it is; its resolved
 * notification drops the timer at intake (deliver.h), or, when the group
 * escalated, marks it so that the escalation receiver gets the resolved
 * notification too. It runs beside the dispatcher and the pollers and
 * never holds up a delivery. */
#ifndef TOCSIN_ESCALATOR_H
#define TOCSIN_ESCALATOR_H

#include <stddef.h>

#include "err.h"
#include "metrics.h"
#include "outbox.h"

struct escalator;

struct escalator_params {
	struct outbox	*ob;		/* borrowed: its store and generations */
	/* NULL: not counted. Registers and updates
	 *   tocsin_escalation_steps_total{receiver,step}
	 *     step "repeat", "escalation" (queued), "skipped" (silenced or
	 *     gone from Alertmanager)
	 *   tocsin_escalations_ended_total{receiver,reason}
	 *     reason "acknowledged", "unconfigured" */
	struct metrics	*metrics;
	long		 am_timeout_ms;	/* per question to Alertmanager; 0: 5 s */
};

/* Caller frees with escalator_free. NULL with err when memory runs out or
 * the metrics cannot be registered. */
struct escalator *escalator_new(const struct escalator_params *p,
	    struct terr *err);
/* Starts the thread (once); it looks for due timers every second. */
int	escalator_start(struct escalator *e, struct terr *err) WARN_UNUSED;
/* One look without the thread, for tests: every timer due now once;
 * returns how many. */
size_t	escalator_round(struct escalator *e);
/* Stops the thread after the step in progress, then frees e. NULL is
 * fine. */
void	escalator_free(struct escalator *e);

#endif
