/* escalator.c: the escalation timers' thread (see escalator.h). */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "am_silences.h"
#include "deliver.h"
#include "escalator.h"
#include "escplan.h"
#include "log.h"
#include "payload.h"
#include "sender.h"
#include "sender_telegram.h"

/* Timers taken per round; the rest wait for the next one. */
#define ROUND_MAX		32
#define ROUND_EVERY_MS		1000
#define AM_TIMEOUT_MS		5000
/* A step's tag names the firing it belongs to: queued again after a crash,
 * it is deduplicated within this window. */
#define STEP_DEDUP_MS		((int64_t)7 * 24 * 3600 * 1000)

struct escalator {
	struct escalator_params	 p;
	struct metric		*m_steps;
	struct metric		*m_ended;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;		/* on the monotonic clock */
	bool			 stopping;
	bool			 running;
	pthread_t		 thread;
};

static void
count(struct metric *m, const char *receiver, const char *what)
{
	if (m != NULL)
		(void)metric_add(m, (const char *const[]){ receiver, what }, 1);
}

/* Acknowledged on the receiver or on the one it escalates to (a Pushover
 * receipt of the escalation). */
static int
acked(struct store *s, const struct receiver *r, const char *group_key,
    char **by, struct terr *err)
{
	const char	*who[2] = { r->name, r->escalate->receiver };
	int64_t		 at;
	int		 found = 0;

	for (size_t i = 0; i < 2 && who[i] != NULL && !found; i++)
		if (store_group_acked(s, who[i], group_key, by, &at, &found,
		    err) == -1)
			return -1;
	return found;
}

/* Where to ask about the group: the alertmanager_url of the receiver's
 * first Telegram buttons that name one, else the notification's
 * externalURL, as a press does. */
static void
am_of(const struct receiver *r, const struct notification *n,
    struct am_api *am)
{
	const struct telegram_config *tc;
	const struct sender_ops	*ops;
	size_t			 k, i;

	am->url = n->external_url;
	am->http = NULL;
	for (k = 0; (ops = sender_kind_at(k)) != NULL; k++) {
		if (ops != &sender_telegram_ops)
			continue;
		for (i = 0; i < sender_kind_count(r, k); i++) {
			tc = sender_kind_config(r, k, i);
			if (tc->actions.enabled &&
			    tc->actions.alertmanager_url != NULL) {
				am->url = tc->actions.alertmanager_url;
				am->http = &tc->actions.http;
				return;
			}
		}
	}
}

/* True when Alertmanager says the group's firing alerts are all silenced,
 * or has none of them any more (resolved); false when it cannot say: a
 * silence is never assumed. */
static bool
quiet(const struct escalator *e, const struct receiver *r,
    const struct notification *n)
{
	struct am_api		 am;
	struct am_group_state	 st;
	struct terr		 err;
	struct kv		*alerts;
	size_t			 i, na = 0;
	bool			 q = false;

	am_of(r, n, &am);
	if (am.url == NULL || *am.url == '\0')
		return false;
	am.timeout_ms = e->p.am_timeout_ms > 0 ? e->p.am_timeout_ms :
	    AM_TIMEOUT_MS;
	if ((alerts = calloc(n->nalerts + 1, sizeof(*alerts))) == NULL)
		return false;
	for (i = 0; i < n->nalerts; i++)
		if (n->alerts[i].status == ALERT_FIRING)
			alerts[na++] = n->alerts[i].labels;
	if (am_alerts_state(&am, n->group_labels.n > 0 ? &n->group_labels :
	    &n->common_labels, alerts, na, &st, &err) == -1)
		log_warn("Cannot ask Alertmanager whether a group is silenced",
		    "receiver", r->name, "err", err.msg);
	else
		q = st.known == 0 || st.silenced == st.known;
	free(alerts);
	return q;
}

/* Queues n for to: a repeat (reply) or the escalation, named by tag. */
/* Queues n for `to`; with t, only while t still runs (a resolved
 * notification may have ended it since it was read: then 1, nothing
 * queued). */
static int
queue_step(struct escalator *e, struct outbox_gen *g, const struct receiver *to,
    const struct notification *n, bool reply, const char *tag,
    const struct store_escalation *t)
{
	struct sender_render_ctx ctx = { .tmpl = outbox_gen_templates(g),
	    .reply = reply };
	struct deliver_result	 res;
	struct terr		 err;

	if (deliver_enqueue_step(outbox_store(e->p.ob), to, n, &ctx, tag, t,
	    STEP_DEDUP_MS, &res, &err) == -1) {
		log_error("Cannot queue an escalation step", "receiver", to->name,
		    "err", err.msg);
		return -1;
	}
	if (res.stale > 0 && res.accepted == 0) {
		log_info("Escalation step dropped: the group resolved meanwhile",
		    "receiver", t->receiver, "group_key", t->group_key);
		return 1;
	}
	return 0;
}

static void
drop(struct store *s, const struct store_escalation *t)
{
	struct terr	 err;

	if (store_escalation_drop(s, t, &err) == -1)
		log_error("Cannot drop an escalation timer", "receiver",
		    t->receiver, "err", err.msg);
}

/* The notification a timer keeps; NULL (logged) when it is not readable. */
static struct notification *
body_of(const struct store_escalation *t)
{
	struct notification	*n;
	struct terr		 err;

	if ((n = payload_parse(t->body, strlen(t->body), &err)) == NULL)
		log_error("Escalation timer dropped: its notification is not "
		    "readable", "receiver", t->receiver, "err", err.msg);
	return n;
}

/* A group that escalated has resolved: the escalation receiver is told
 * (a Pushover emergency stops ringing), then the timer goes. */
static void
resolved(struct escalator *e, struct outbox_gen *g, const struct receiver *r,
    const struct store_escalation *t)
{
	const struct receiver	*to;
	struct notification	*n;
	char			 tag[64];

	if ((n = body_of(t)) == NULL) {
		drop(outbox_store(e->p.ob), t);
		return;
	}
	to = r->escalate->receiver != NULL ?
	    config_receiver(outbox_gen_config(g), r->escalate->receiver) : NULL;
	if (to != NULL) {
		snprintf(tag, sizeof(tag), "e%" PRId64 "r", t->since);
		if (queue_step(e, g, to, n, false, tag, NULL) == -1)
			goto out;	/* the timer stays due: next round */
		log_info("Resolved sent to the escalation receiver", "receiver",
		    r->name, "group_key", t->group_key, "escalate_to", to->name);
	}
	drop(outbox_store(e->p.ob), t);
out:
	notification_free(n);
}

/* One due timer: ended, skipped or stepped, and stored as it is after. */
static void
take(struct escalator *e, struct outbox_gen *g, struct store_escalation *t,
    int64_t now)
{
	struct store		*s = outbox_store(e->p.ob);
	const struct config	*cfg = outbox_gen_config(g);
	const struct receiver	*r, *to;
	struct notification	*n = NULL;
	struct escplan_step	 step;
	struct terr		 err;
	char			 tag[64], no[24], *by = NULL;
	bool			 silenced;
	int			 rc;

	r = config_receiver(cfg, t->receiver);
	if (r == NULL || r->escalate == NULL) {
		log_info("Escalation timer dropped: the receiver no longer "
		    "escalates", "receiver", t->receiver, "group_key",
		    t->group_key);
		count(e->m_ended, t->receiver, "unconfigured");
		drop(s, t);
		return;
	}
	if (t->resolved) {
		resolved(e, g, r, t);
		return;
	}
	if ((rc = acked(s, r, t->group_key, &by, &err)) == -1) {
		log_error("Cannot read a group's acknowledgement", "err", err.msg);
		return;
	}
	if (rc == 1) {
		log_info("Escalation ended: the group is acknowledged",
		    "receiver", r->name, "group_key", t->group_key, "by", by);
		free(by);
		count(e->m_ended, r->name, "acknowledged");
		t->next_at = STORE_NEVER;
		goto update;
	}
	if ((n = body_of(t)) == NULL) {
		drop(s, t);
		return;
	}
	silenced = quiet(e, r, n);
	escplan_step(r->escalate, t, now, silenced, &step);
	if (step.repeat) {
		snprintf(tag, sizeof(tag), "r%" PRId64 ".%" PRId64, t->since,
		    step.repeat_no);
		if ((rc = queue_step(e, g, r, n, true, tag, t)) == -1)
			goto out;	/* the timer stays due: next round */
		if (rc == 1)
			goto out;	/* ended: nothing to update */
		snprintf(no, sizeof(no), "%" PRId64, step.repeat_no);
		log_info("Repeat queued", "receiver", r->name, "group_key",
		    t->group_key, "repeat", no);
		count(e->m_steps, r->name, "repeat");
	}
	if (step.escalate) {
		if ((to = config_receiver(cfg, r->escalate->receiver)) == NULL)
			/* check-config refuses it: only a reload in between. */
			log_error("Escalation receiver not configured", "receiver",
			    r->name, "escalate_to", r->escalate->receiver);
		else {
			snprintf(tag, sizeof(tag), "e%" PRId64, t->since);
			if ((rc = queue_step(e, g, to, n, false, tag, t)) == -1)
				goto out;
			if (rc == 1)
				goto out;
			log_info("Escalation queued", "receiver", r->name,
			    "group_key", t->group_key, "escalate_to", to->name);
			count(e->m_steps, r->name, "escalation");
		}
	}
	if (silenced && !step.repeat && !step.escalate) {
		log_debug("Escalation step skipped: the group is silenced or "
		    "resolved", "receiver", r->name, "group_key", t->group_key);
		count(e->m_steps, r->name, "skipped");
	}
update:
	if (store_escalation_update(s, t, &err) == -1)
		log_error("Cannot update an escalation timer", "receiver", r->name,
		    "err", err.msg);
out:
	notification_free(n);
}

size_t
escalator_round(struct escalator *e)
{
	struct store_escalation	*v = NULL;
	struct outbox_gen	*g;
	struct store		*s = outbox_store(e->p.ob);
	struct terr		 err;
	size_t			 n = 0, i = 0;
	int64_t			 now;

	if (s == NULL || (g = outbox_hold(e->p.ob)) == NULL)
		return 0;
	now = store_steady_now(s);
	if (store_escalation_due(s, now, ROUND_MAX, &v, &n, &err) == -1)
		log_error("Cannot read escalation timers", "err", err.msg);
	for (i = 0; i < n; i++) {
		if (__atomic_load_n(&e->stopping, __ATOMIC_ACQUIRE))
			break;
		take(e, g, &v[i], now);
	}
	store_escalations_free(v, n);
	outbox_release(e->p.ob, g);
	return i;
}

static void *
escalator_main(void *arg)
{
	struct escalator	*e = arg;
	struct timespec		 ts;

	pthread_mutex_lock(&e->mu);
	while (!e->stopping) {
		pthread_mutex_unlock(&e->mu);
		(void)escalator_round(e);
		pthread_mutex_lock(&e->mu);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)ROUND_EVERY_MS * 1000000L;
		while (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!e->stopping)
			(void)pthread_cond_timedwait(&e->cv, &e->mu, &ts);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

struct escalator *
escalator_new(const struct escalator_params *p, struct terr *err)
{
	static const char *const steps[] = { "receiver", "step", NULL };
	static const char *const ended[] = { "receiver", "reason", NULL };
	struct escalator	*e;
	pthread_condattr_t	 ca;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	e->p = *p;
	if (p->metrics != NULL && ((e->m_steps = metrics_counter(p->metrics,
	    "tocsin_escalation_steps_total", "Steps of escalation timers: "
	    "repeats and escalations queued, steps skipped because the group "
	    "was silenced or resolved.", steps)) == NULL ||
	    (e->m_ended = metrics_counter(p->metrics,
	    "tocsin_escalations_ended_total", "Escalation timers ended before "
	    "their group resolved: acknowledged, or the receiver no longer "
	    "escalates.", ended)) == NULL)) {
		terr_set(err, "cannot register escalation metrics");
		free(e);
		return NULL;
	}
	pthread_mutex_init(&e->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->cv, &ca);
	pthread_condattr_destroy(&ca);
	return e;
}

int
escalator_start(struct escalator *e, struct terr *err)
{
	if (e->running)
		return 0;
	if (pthread_create(&e->thread, NULL, escalator_main, e) != 0)
		return terr_set(err, "cannot start the escalation timers");
	e->running = true;
	return 0;
}

void
escalator_free(struct escalator *e)
{
	if (e == NULL)
		return;
	pthread_mutex_lock(&e->mu);
	__atomic_store_n(&e->stopping, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	if (e->running)
		pthread_join(e->thread, NULL);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv);
	free(e);
}
