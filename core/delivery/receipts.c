/* receipts.c: the receipt book over the store and the follower thread
 * (receipts.h). */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "receipts.h"

/* Receipts followed per round; the rest wait for the next one. */
#define ROUND_MAX		32
/* How often the thread looks for due receipts. */
#define ROUND_EVERY_MS		1000
#define STEP_TIMEOUT_MS		10000

struct receipts {
	struct receipts_params	 p;
	struct metric		*m_acked;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 stopping;
	bool			 running;	/* the thread was started */
	pthread_t		 thread;
};

/* ---- the book ---- */

static int
book_opened(void *arg, const char *receiver, const char *integration,
    const char *group_key, const char *receipt, int64_t expires,
    struct terr *err)
{
	struct store		*s = arg;
	struct store_receipt	 r;

	memset(&r, 0, sizeof(r));
	r.receipt = (char *)receipt;
	r.receiver = (char *)receiver;
	r.integration = (char *)integration;
	r.group_key = (char *)group_key;
	r.expires = expires;
	/* The phone has only just rung: nothing to ask before an interval. */
	r.next_poll = store_now(s) + RECEIPTS_INTERVAL_MS;
	return store_receipt_put(s, &r, err);
}

static int
book_resolved(void *arg, const char *receiver, const char *group_key,
    struct terr *err)
{
	return store_receipt_cancel_group(arg, receiver, group_key, err);
}

void
receipts_book(struct sender_receipts *b, struct store *s)
{
	b->opened = book_opened;
	b->resolved = book_resolved;
	b->arg = s;
}

/* ---- following ---- */

struct step {
	struct receipts			*r;
	const struct store_receipt	*rc;
	struct receipt_status		 st;
};

static void
step_follow(void *arg, const struct sender_ops *ops, const void *cfg)
{
	struct step		*s = arg;
	struct sender_send_ctx	 ctx;

	if (ops->follow == NULL) {
		s->st.state = RECEIPT_CLOSED;
		snprintf(s->st.reason, sizeof(s->st.reason), "%s has no receipts",
		    ops->name);
		return;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.receiver = s->rc->receiver;
	ctx.integration = s->rc->integration;
	ctx.timeout_ms = s->r->p.timeout_ms > 0 ? s->r->p.timeout_ms :
	    STEP_TIMEOUT_MS;
	ctx.http = s->r->p.http;
	ops->follow(cfg, &ctx, s->rc->receipt, s->rc->cancel, &s->st);
}

static void
acknowledged(struct receipts *r, const struct store_receipt *rc,
    const struct receipt_status *st)
{
	struct terr	 err;
	char		 at[32];
	const char	*v[2] = { rc->receiver, rc->integration };

	if (store_ack_put(r->p.store, rc->receiver, rc->group_key, st->by,
	    st->at, &err) == -1) {
		log_error("cannot record acknowledgement", "receiver", rc->receiver,
		    "err", err.msg);
		return;
	}
	snprintf(at, sizeof(at), "%" PRId64, st->at);
	log_info("group acknowledged", "receiver", rc->receiver, "integration",
	    rc->integration, "group_key", rc->group_key, "by", st->by,
	    "at_ms", at);
	if (r->m_acked != NULL)
		(void)metric_add(r->m_acked, v, 1);
}

/* One step on one due receipt, and what the store keeps of it after. */
static void
follow_one(struct receipts *r, const struct store_receipt *rc)
{
	struct step	 s;
	struct terr	 err;
	int64_t		 now = store_now(r->p.store);
	int64_t		 every = r->p.interval_ms > 0 ? r->p.interval_ms :
	    RECEIPTS_INTERVAL_MS;
	int		 rc_;

	memset(&s, 0, sizeof(s));
	s.r = r;
	s.rc = rc;
	if (now >= rc->expires) {
		/* The service has stopped ringing: nothing left to ask. */
		s.st.state = RECEIPT_CLOSED;
		snprintf(s.st.reason, sizeof(s.st.reason), "expired");
	} else if (r->p.lookup(r->p.lookup_arg, rc->receiver, rc->integration,
	    step_follow, &s) == -1) {
		s.st.state = RECEIPT_CLOSED;
		snprintf(s.st.reason, sizeof(s.st.reason), "receiver or "
		    "integration no longer configured");
	}
	switch (s.st.state) {
	case RECEIPT_OPEN:
	case RECEIPT_RETRY:
		if (s.st.state == RECEIPT_RETRY)
			log_warn("receipt not followed", "receiver", rc->receiver,
			    "integration", rc->integration, "reason", s.st.reason);
		rc_ = store_receipt_later(r->p.store, rc->receipt, now + every, &err);
		break;
	case RECEIPT_ACKED:
		acknowledged(r, rc, &s.st);
		rc_ = store_receipt_drop(r->p.store, rc->receipt, &err);
		break;
	default:
		log_info("receipt closed", "receiver", rc->receiver, "integration",
		    rc->integration, "group_key", rc->group_key, "reason",
		    s.st.reason);
		rc_ = store_receipt_drop(r->p.store, rc->receipt, &err);
		break;
	}
	if (rc_ == -1)
		log_error("cannot update receipt", "receiver", rc->receiver,
		    "err", err.msg);
}

size_t
receipts_round(struct receipts *r)
{
	struct store_receipt	*v = NULL;
	struct terr		 err;
	size_t			 n = 0, i;

	if (store_receipt_due(r->p.store, store_now(r->p.store), ROUND_MAX, &v,
	    &n, &err) == -1) {
		log_error("cannot read receipts", "err", err.msg);
		return 0;
	}
	for (i = 0; i < n; i++) {
		pthread_mutex_lock(&r->mu);
		if (r->stopping) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		pthread_mutex_unlock(&r->mu);
		follow_one(r, &v[i]);
	}
	store_receipts_free(v, n);
	return i;
}

static void *
receipts_main(void *arg)
{
	struct receipts	*r = arg;
	struct timespec	 ts;

	pthread_mutex_lock(&r->mu);
	while (!r->stopping) {
		pthread_mutex_unlock(&r->mu);
		(void)receipts_round(r);
		pthread_mutex_lock(&r->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)ROUND_EVERY_MS * 1000000L;
		while (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!r->stopping)
			(void)pthread_cond_timedwait(&r->cv, &r->mu, &ts);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct receipts *
receipts_new(const struct receipts_params *p, struct terr *err)
{
	struct receipts	*r;
	static const char *const l2[] = { "receiver", "integration", NULL };

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	r->p = *p;
	if (p->metrics != NULL && (r->m_acked = metrics_counter(p->metrics,
	    "tocsin_receipts_acknowledged_total", "Groups acknowledged through "
	    "a receipt (Pushover's emergency messages).", l2)) == NULL) {
		terr_set(err, "cannot register receipt metrics");
		free(r);
		return NULL;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	return r;
}

void
receipts_free(struct receipts *r)
{
	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

struct receipts *
receipts_start(const struct receipts_params *p, struct terr *err)
{
	struct receipts	*r;

	if ((r = receipts_new(p, err)) == NULL)
		return NULL;
	if (pthread_create(&r->thread, NULL, receipts_main, r) != 0) {
		terr_set(err, "cannot start the receipt follower");
		receipts_free(r);
		return NULL;
	}
	r->running = true;
	return r;
}

void
receipts_stop(struct receipts *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	if (r->running)
		pthread_join(r->thread, NULL);
	receipts_free(r);
}
