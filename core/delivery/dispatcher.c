/* dispatcher.c: store -> rate limiter -> sender -> store (see dispatcher.h).
 *
 * One dispatcher thread picks due destinations and hands each at most one
 * job; workers run the blocking send and mark the result. A destination is
 * "busy" from hand-off until its mark is committed, which is what keeps one
 * message in flight and the order strict: its next head is read only after
 * the previous one left the pending state or got a later retry time.
 *
 * Why a thread per send in flight, and not a few workers or libcurl's multi
 * interface: a destination that never answers holds whatever runs its send
 * until the timeout (30 s by default). With a fixed pool of 4 workers, 8
 * such webhooks held a Telegram message back for two timeouts in a row. So
 * each destination with a send in flight has a worker of its own, started
 * when needed and kept for the next send, up to max_sends
 * (--delivery.max-concurrent-sends, 64); a hung destination then costs one
 * slot for one timeout per attempt, and nothing else waits for it. The
 * multi interface would do the same on one thread, but only for HTTP: the
 * e-mail sender (libesmtp) blocks, and every sender would have to become a
 * state machine. When slots run short, sendslots.h decides who starts: no
 * one kind and no retries may take the last quarter, so hung webhooks (or a
 * hung Slack) leave the phone its slots, and destinations that timed out
 * leave slots to messages that have not failed. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actionstore.h"
#include "clock.h"
#include "dispatcher.h"
#include "httpclient.h"
#include "log.h"
#include "receipts.h"
#include "redact.h"
#include "sendslots.h"

/* Re-scan at least this often: store_next_due reports the earliest head,
 * which may be one in flight or held back, and so hide a later one. */
#define IDLE_WAKE_MS		1000
/* New messages rescan no sooner than this after the previous scan began.
 * The store wakes us after every commit, and under an intake burst commits
 * come back to back: each scan would cost the committer CPU time while
 * rarely finding anything (a new message usually queues behind a head that
 * is in flight or waiting). A few milliseconds of delay before a message
 * that is due goes out is invisible next to a send. */
#define WAKE_DEBOUNCE_MS	10
#define MAX_RETRY_TIMES		256

struct job {
	struct store_entry	*e;
	struct rl_want		 w[8];		/* the buckets it was charged to */
	size_t			 nw;
	const struct sender_ops	*ops;
	const void		*cfg;
	/* The config's secrets, out of the reason before it is stored,
	 * logged or reported; lives as long as cfg. */
	const struct redactor	*secrets;
	/* The configuration cfg and ops came from (see nold). */
	const struct config	*conf;
	unsigned		 kind;		/* its slot (sendslots.h) */
	bool			 retry;
	struct job		*next;
};

struct dispatcher {
	struct dispatcher_params p;
	struct sender_limits	 limits;
	struct sender_memo	*memo;
	struct sender_records	 records;	/* over p.store */
	struct sender_receipts	 book;		/* receipts into p.store */
	struct receipts		*receipts;	/* their follower */
	struct http_share	*http;
	struct ratelimit	*rl;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv_main;	/* dispatcher thread waits here */
	pthread_cond_t		 cv_work;	/* workers wait here */
	bool			 stopping;
	bool			 woken;		/* scan now */
	bool			 wake_new;	/* scan soon: dispatcher_wake */
	/* Held for reading from a config lookup until its job is queued;
	 * a config swap holds it for writing while it swaps, so every job
	 * queued after the swap has the new config. */
	pthread_rwlock_t	 cfg_lock;
	pthread_cond_t		 cv_idle;	/* signalled when a job ends */
	struct job		*head, *tail;	/* handed off, not started */
	size_t			 nqueued;	/* jobs in that list */
	char			**busy;		/* destinations with a job */
	size_t			 nbusy;
	/* Busy jobs with another config than p.cfg: a swap waits for them
	 * to end before the caller frees the old one, while sends with the
	 * new config go on. */
	size_t			 nold;
	struct send_slots	 slots;		/* the jobs' slots */
	struct dispatcher_stats	 st;
	struct metric		*m_deliveries;
	struct metric		*m_latency;
	struct metric		*m_ratelimited;
	/* Retry times set by workers since the last scan, so the dispatcher
	 * wakes for them exactly. */
	int64_t			 retry_at[MAX_RETRY_TIMES];
	size_t			 nretry_at;
	pthread_t		 main;
	/* Started as jobs need them, up to slots.max, and kept. */
	pthread_t		*workers;
	unsigned		 nworkers;
	unsigned		 nidle;		/* waiting for a job */
	bool			 spawn_failed;	/* logged once */
};

static int64_t
rl_clock(void *arg)
{
	return store_now(arg);
}

static bool
is_busy(struct dispatcher *d, const char *dest)
{
	for (size_t i = 0; i < d->nbusy; i++)
		if (strcmp(d->busy[i], dest) == 0)
			return true;
	return false;
}

static void
unbusy(struct dispatcher *d, const char *dest)
{
	for (size_t i = 0; i < d->nbusy; i++)
		if (strcmp(d->busy[i], dest) == 0) {
			free(d->busy[i]);
			d->busy[i] = d->busy[--d->nbusy];
			return;
		}
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	store_entry_free(j->e);
	free(j);
}

/* "telegram" of "telegram/0": metrics are per kind where the index would
 * only multiply series. */
static void
kind_of(const char *integration, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(integration, "/"), integration);
}

static void
count(struct dispatcher *d, const struct store_entry *e, const char *result)
{
	const char *v[3] = { e->receiver, e->integration, result };

	if (d->m_deliveries != NULL)
		(void)metric_add(d->m_deliveries, v, 1);
}

static void
log_result(const char *msg, enum log_level lvl, const struct store_entry *e,
    const char *why)
{
	char id[32];

	snprintf(id, sizeof(id), "%" PRId64, e->id);
	log_kv(lvl, __FILE__, __LINE__, msg, "id", id, "receiver", e->receiver,
	    "integration", e->integration, "dest", e->dest, "reason", why,
	    (const char *)NULL);
}

static void
go_dead(struct dispatcher *d, const struct store_entry *e, const char *why)
{
	struct terr err;

	if (store_mark_dead(d->p.store, e->id, why, &err) == -1) {
		log_error("cannot mark message dead", "err", err.msg);
		return;
	}
	log_result("message dead", LOGL_ERROR, e, why);
	count(d, e, "dead");
	pthread_mutex_lock(&d->mu);
	d->st.dead++;
	pthread_mutex_unlock(&d->mu);
	if (d->p.on_dead != NULL)
		d->p.on_dead(d->p.on_dead_arg, e, why);
}

/* Marks the outcome of one attempt. */
static void
settle(struct dispatcher *d, const struct store_entry *e,
    const struct send_result *r)
{
	struct terr	 err;
	int64_t		 now = store_now(d->p.store), next;
	char		 why[300];
	bool		 within;

	switch (r->status) {
	case SEND_OK:
		if (store_mark_delivered(d->p.store, e->id, &err) == -1) {
			log_error("cannot mark message delivered", "err", err.msg);
			return;
		}
		log_result("message delivered", LOGL_DEBUG, e, r->reason);
		count(d, e, "delivered");
		if (d->m_latency != NULL) {
			char		 kind[32];
			const char	*v[1] = { kind };

			kind_of(e->integration, kind, sizeof(kind));
			(void)metric_observe(d->m_latency, v,
			    (double)(now - e->created) / 1000.0);
		}
		pthread_mutex_lock(&d->mu);
		d->st.delivered++;
		pthread_mutex_unlock(&d->mu);
		return;
	case SEND_PERMFAIL:
		go_dead(d, e, r->reason);
		return;
	case SEND_TEMPFAIL:
		break;
	}
	if (r->retry_after_ms >= 0) {
		/* The service said when: exactly then, no jitter. A wait it
		 * asks for before the budget runs out is no failure: the
		 * message gets that attempt even past the budget's end (the
		 * wait capped at the budget's length). */
		int64_t budget = backoff_budget(&d->p.backoff);

		next = now + (r->retry_after_ms < budget ? r->retry_after_ms :
		    budget);
		within = backoff_within_budget(&d->p.backoff, e->created, now);
	} else {
		next = now + backoff_delay(&d->p.backoff, e->attempts + 1);
		within = backoff_within_budget(&d->p.backoff, e->created, next);
	}
	if (!within) {
		snprintf(why, sizeof(why), "retry budget exhausted: %s", r->reason);
		go_dead(d, e, why);
		return;
	}
	/* A wait the service asked for is not a failed attempt. */
	if ((r->retry_after_ms >= 0 ? store_mark_wait(d->p.store, e->id, next,
	    r->reason, &err) : store_mark_retry(d->p.store, e->id, next,
	    r->reason, &err)) == -1) {
		log_error("cannot mark message for retry", "err", err.msg);
		return;
	}
	log_result("message will be retried", LOGL_WARN, e, r->reason);
	count(d, e, r->retry_after_ms >= 0 ? "wait" : "retry");
	pthread_mutex_lock(&d->mu);
	if (d->nretry_at < MAX_RETRY_TIMES)
		d->retry_at[d->nretry_at++] = next;
	if (r->retry_after_ms >= 0)
		d->st.waits++;
	else
		d->st.retries++;
	pthread_mutex_unlock(&d->mu);
}

static void *
worker_main(void *arg)
{
	struct dispatcher	*d = arg;
	struct job		*j;

	for (;;) {
		struct send_result	 r;
		struct sender_send_ctx	 ctx;

		pthread_mutex_lock(&d->mu);
		d->nidle++;
		while (d->head == NULL && !d->stopping)
			pthread_cond_wait(&d->cv_work, &d->mu);
		d->nidle--;
		if (d->stopping) {
			pthread_mutex_unlock(&d->mu);
			return NULL;
		}
		j = d->head;
		d->head = j->next;
		if (d->head == NULL)
			d->tail = NULL;
		d->nqueued--;
		pthread_mutex_unlock(&d->mu);

		memset(&ctx, 0, sizeof(ctx));
		ctx.receiver = j->e->receiver;
		ctx.integration = j->e->integration;
		ctx.memo = d->memo;
		ctx.timeout_ms = d->p.send_timeout_ms;
		ctx.http = d->http;
		ctx.records = &d->records;
		ctx.receipts = &d->book;
		memset(&r, 0, sizeof(r));
		r.status = SEND_TEMPFAIL;
		r.retry_after_ms = -1;
		j->ops->send(j->cfg, &ctx, j->e->dest, j->e->payload,
		    j->e->payload_len, &r);
		/* A reason may quote what the service answered, and a
		 * service may quote the request: the one place every reason
		 * passes before the store, the log and the dead-letter
		 * report. */
		redactor_fix(j->secrets, r.reason, sizeof(r.reason));
		ratelimit_done(d->rl, j->w, j->nw);
		settle(d, j->e, &r);

		pthread_mutex_lock(&d->mu);
		unbusy(d, j->e->dest);
		send_slots_put(&d->slots, j->kind, j->retry);
		if (j->conf != d->p.cfg)
			d->nold--;
		d->woken = true;
		pthread_cond_signal(&d->cv_main);
		pthread_cond_broadcast(&d->cv_idle);
		pthread_mutex_unlock(&d->mu);
		job_free(j);
	}
}

/* The slot kind of an integration ("webhook/2"): its index in the table of
 * kinds with a sender. */
static unsigned
slot_kind(const char *integration)
{
	size_t			 l = strcspn(integration, "/");
	const struct sender_ops	*ops;
	unsigned		 k;

	for (k = 0; (ops = sender_kind_at(k)) != NULL; k++)
		if (strlen(ops->name) == l &&
		    strncmp(ops->name, integration, l) == 0)
			return k;
	return k;
}

/* A worker for a job just queued when none is waiting; under d->mu. Past
 * slots.max workers (or when a thread cannot start) the job waits for one
 * that ends its send. */
static void
spawn_worker(struct dispatcher *d)
{
	if (d->nqueued <= d->nidle || d->nworkers >= d->slots.max)
		return;
	if (pthread_create(&d->workers[d->nworkers], NULL, worker_main, d) != 0) {
		char	 n[16];

		snprintf(n, sizeof(n), "%u", d->nworkers);
		if (!d->spawn_failed)
			log_warn("cannot start another send worker", "workers", n);
		d->spawn_failed = true;
		return;
	}
	d->nworkers++;
}

/* Looks at one due destination: hands its head to a worker, or says how
 * long its rate limit holds it (into *wait_ms). */
static void
consider(struct dispatcher *d, const struct store_head *h, int64_t *wait_ms)
{
	struct store_entry	*e = NULL;
	const struct receiver	*rcv;
	const struct sender_ops	*ops;
	const void		*cfg;
	struct rl_want		 w[8];
	struct terr		 err;
	struct job		*j;
	size_t			 nw;
	int64_t			 wait;
	unsigned		 slot;
	bool			 retry, free_slot;

	if (store_head(d->p.store, h->dest, &e, &err) == -1) {
		log_error("cannot read queue head", "dest", h->dest, "err", err.msg);
		return;
	}
	if (e == NULL || e->next_attempt > store_now(d->p.store)) {
		store_entry_free(e);
		return;
	}
	{
		char kind[32];

		snprintf(kind, sizeof(kind), "%.*s",
		    (int)strcspn(e->integration, "/"), e->integration);
		if (sender_ops_by_name(kind) == NULL) {
			/* A channel this dispatcher has no sender for (yet):
			 * left pending for the one that has, not dead. */
			store_entry_free(e);
			return;
		}
	}
	slot = slot_kind(e->integration);
	retry = e->attempts > 0;
	pthread_mutex_lock(&d->mu);
	free_slot = send_slots_free(&d->slots, slot, retry);
	if (!free_slot)
		d->st.held_for_slot++;
	pthread_mutex_unlock(&d->mu);
	if (!free_slot) {
		/* Its turn comes when a send ends (which wakes the scan),
		 * before any rate-limit token is spent on it. */
		store_entry_free(e);
		return;
	}
	pthread_rwlock_rdlock(&d->cfg_lock);
	rcv = config_receiver(d->p.cfg, e->receiver);
	if (rcv == NULL || sender_lookup(rcv, e->integration, &ops, &cfg) == -1) {
		/* The configuration no longer has it: nobody to send to. */
		go_dead(d, e, "receiver or integration no longer configured");
		pthread_rwlock_unlock(&d->cfg_lock);
		store_entry_free(e);
		dispatcher_wake(d);	/* its next message may be due */
		return;
	}
	nw = ops->limits(e->dest, &d->limits, w, sizeof(w) / sizeof(w[0]));
	if ((wait = ratelimit_take(d->rl, w, nw)) != 0) {
		if (wait > 0 && wait < *wait_ms)
			*wait_ms = wait;
		if (wait > 0) {
			pthread_mutex_lock(&d->mu);
			d->st.ratelimited++;
			pthread_mutex_unlock(&d->mu);
			if (d->m_ratelimited != NULL) {
				char		 kind[32];
				const char	*v[1] = { kind };

				kind_of(e->integration, kind, sizeof(kind));
				(void)metric_add(d->m_ratelimited, v, 1);
			}
		}
		pthread_rwlock_unlock(&d->cfg_lock);
		store_entry_free(e);
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		pthread_rwlock_unlock(&d->cfg_lock);
		store_entry_free(e);
		return;
	}
	j->e = e;
	memcpy(j->w, w, nw * sizeof(w[0]));
	j->nw = nw;
	j->ops = ops;
	j->cfg = cfg;
	j->secrets = config_redactor(d->p.cfg);
	j->conf = d->p.cfg;
	j->kind = slot;
	j->retry = retry;
	pthread_mutex_lock(&d->mu);
	{
		char **nb = reallocarray(d->busy, d->nbusy + 1, sizeof(*nb));
		char *dest = strdup(e->dest);

		if (nb == NULL || dest == NULL) {
			if (nb != NULL)
				d->busy = nb;
			free(dest);
			pthread_mutex_unlock(&d->mu);
			pthread_rwlock_unlock(&d->cfg_lock);
			job_free(j);
			return;
		}
		d->busy = nb;
		d->busy[d->nbusy++] = dest;
	}
	send_slots_take(&d->slots, slot, retry);
	if (d->tail != NULL)
		d->tail->next = j;
	else
		d->head = j;
	d->tail = j;
	d->nqueued++;
	spawn_worker(d);
	pthread_cond_signal(&d->cv_work);
	pthread_mutex_unlock(&d->mu);
	pthread_rwlock_unlock(&d->cfg_lock);
}

static void *
dispatcher_main(void *arg)
{
	struct dispatcher	*d = arg;

	for (;;) {
		struct store_head	*heads = NULL;
		size_t			 n = 0, k;
		struct terr		 err;
		int64_t			 wait_ms = IDLE_WAKE_MS, when, now, now0;
		int64_t			 wake_at = INT64_MAX, scan_began, deadline, left;
		struct timespec		 ts;

		pthread_mutex_lock(&d->mu);
		if (d->stopping) {
			pthread_mutex_unlock(&d->mu);
			return NULL;
		}
		d->woken = false;
		d->wake_new = false;
		pthread_mutex_unlock(&d->mu);
		scan_began = mono_ms();
		/* Anything due by now0 is seen by the scan below. */
		now0 = store_now(d->p.store);

		if (store_due(d->p.store, &heads, &n, &err) == -1) {
			log_error("cannot read due messages", "err", err.msg);
			wait_ms = 1000;
		}
		for (size_t i = 0; i < n; i++) {
			bool busy;

			pthread_mutex_lock(&d->mu);
			busy = is_busy(d, heads[i].dest) || d->stopping;
			pthread_mutex_unlock(&d->mu);
			if (!busy)
				consider(d, &heads[i], &wait_ms);
		}
		store_heads_free(heads, n);
		if (store_next_due(d->p.store, &when, &err) == 0 && when > now0)
			wake_at = when;
		pthread_mutex_lock(&d->mu);
		for (k = 0; k < d->nretry_at; ) {
			if (d->retry_at[k] <= now0)
				d->retry_at[k] = d->retry_at[--d->nretry_at];
			else {
				if (d->retry_at[k] < wake_at)
					wake_at = d->retry_at[k];
				k++;
			}
		}
		pthread_mutex_unlock(&d->mu);
		now = store_now(d->p.store);
		if (wake_at != INT64_MAX && wake_at - now < wait_ms)
			/* Due after the scan began: scan again at once. */
			wait_ms = wake_at > now ? wake_at - now : 0;

		pthread_mutex_lock(&d->mu);
		deadline = mono_ms() + wait_ms;
		while (!d->woken && !d->stopping) {
			/* A dispatcher_wake brings the deadline forward, but
			 * never to before the debounce since the last scan. */
			if (d->wake_new && scan_began + WAKE_DEBOUNCE_MS < deadline)
				deadline = scan_began + WAKE_DEBOUNCE_MS;
			if ((left = deadline - mono_ms()) <= 0)
				break;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += left / 1000;
			ts.tv_nsec += (left % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			(void)pthread_cond_timedwait(&d->cv_main, &d->mu, &ts);
		}
		pthread_mutex_unlock(&d->mu);
	}
}

/* receipts_lookup_fn: fn runs under the config lock, as a job's lookup. */
static int
with_integration(void *arg, const char *receiver, const char *integration,
    void (*fn)(void *farg, const struct sender_ops *ops, const void *cfg),
    void *farg)
{
	struct dispatcher	*d = arg;
	const struct receiver	*rcv;
	const struct sender_ops	*ops;
	const void		*cfg;
	int			 rc = -1;

	pthread_rwlock_rdlock(&d->cfg_lock);
	rcv = config_receiver(d->p.cfg, receiver);
	if (rcv != NULL && sender_lookup(rcv, integration, &ops, &cfg) == 0) {
		fn(farg, ops, cfg);
		rc = 0;
	}
	pthread_rwlock_unlock(&d->cfg_lock);
	return rc;
}

static struct receipts *
start_receipts(struct dispatcher *d, struct terr *err)
{
	struct receipts_params	 rp;

	memset(&rp, 0, sizeof(rp));
	rp.store = d->p.store;
	rp.lookup = with_integration;
	rp.lookup_arg = d;
	rp.http = d->http;
	rp.metrics = d->p.metrics;
	return receipts_start(&rp, err);
}

struct dispatcher *
dispatcher_start(const struct dispatcher_params *p, struct terr *err)
{
	struct dispatcher	*d;

	if (p->store == NULL || p->cfg == NULL) {
		terr_set(err, "dispatcher needs a store and a configuration");
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	d->p = *p;
	if (p->limits != NULL)
		d->limits = *p->limits;
	else
		sender_limits_default(&d->limits);
	send_slots_init(&d->slots, p->max_sends > 0 ? (unsigned)p->max_sends : 0);
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv_main, NULL);
	pthread_cond_init(&d->cv_work, NULL);
	pthread_cond_init(&d->cv_idle, NULL);
	pthread_rwlock_init(&d->cfg_lock, NULL);
	if ((d->memo = sender_memo_open(p->memo_dir, err)) == NULL)
		goto fail;
	actionstore_init(&d->records, p->store);
	receipts_book(&d->book, p->store);
	if (p->metrics != NULL) {
		static const char *const l3[] = { "receiver", "integration", "result", NULL };
		static const char *const l1[] = { "integration", NULL };
		static const double lat[] = { 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
		    60, 300, 900, 3600 };

		d->m_deliveries = metrics_counter(p->metrics, "tocsin_deliveries_total",
		    "Delivery attempts by receiver, integration and result.", l3);
		d->m_latency = metrics_histogram(p->metrics,
		    "tocsin_delivery_latency_seconds",
		    "Time from acceptance to delivery.", l1, lat,
		    sizeof(lat) / sizeof(lat[0]));
		d->m_ratelimited = metrics_counter(p->metrics,
		    "tocsin_ratelimit_waits_total",
		    "Sends held back by a rate limit.", l1);
		if (d->m_deliveries == NULL || d->m_latency == NULL ||
		    d->m_ratelimited == NULL) {
			terr_set(err, "cannot register delivery metrics");
			goto fail;
		}
	}
	if ((d->rl = ratelimit_new(rl_clock, p->store)) == NULL ||
	    (d->http = http_share_new()) == NULL ||
	    (d->workers = calloc(d->slots.max, sizeof(*d->workers))) == NULL) {
		terr_set(err, "out of memory");
		goto fail;
	}
	/* On PostgreSQL the buckets are every relay's (store_rate_share):
	 * a bot's limit holds over the chats all relays send to. */
	(void)store_rate_share(p->store, d->rl);
	/* One from the start, so that a job always has a worker to wait
	 * for; the others as sends need them. */
	if (pthread_create(&d->workers[0], NULL, worker_main, d) != 0) {
		terr_set(err, "cannot start dispatcher workers");
		goto fail;
	}
	d->nworkers = 1;
	if ((d->receipts = start_receipts(d, err)) == NULL ||
	    pthread_create(&d->main, NULL, dispatcher_main, d) != 0) {
		receipts_stop(d->receipts);
		pthread_mutex_lock(&d->mu);
		d->stopping = true;
		pthread_cond_broadcast(&d->cv_work);
		pthread_mutex_unlock(&d->mu);
		for (unsigned k = 0; k < d->nworkers; k++)
			pthread_join(d->workers[k], NULL);
		if (d->receipts != NULL)
			terr_set(err, "cannot start the dispatcher");
		goto fail;
	}
	return d;
fail:
	http_share_free(d->http);
	sender_memo_free(d->memo);
	ratelimit_free(d->rl);
	free(d->workers);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv_main);
	pthread_cond_destroy(&d->cv_work);
	pthread_cond_destroy(&d->cv_idle);
	pthread_rwlock_destroy(&d->cfg_lock);
	free(d);
	return NULL;
}

void
dispatcher_wake(struct dispatcher *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	if (!d->wake_new) {
		d->wake_new = true;
		pthread_cond_signal(&d->cv_main);
	}
	pthread_mutex_unlock(&d->mu);
}

void
dispatcher_stop(struct dispatcher *d)
{
	struct job *j;

	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	d->stopping = true;
	pthread_cond_broadcast(&d->cv_main);
	pthread_cond_broadcast(&d->cv_work);
	pthread_cond_broadcast(&d->cv_idle);
	pthread_mutex_unlock(&d->mu);
	receipts_stop(d->receipts);
	pthread_join(d->main, NULL);
	/* Workers finish the send they are in, mark it, then exit. The
	 * dispatcher thread, the only one that starts workers, has ended. */
	for (unsigned i = 0; i < d->nworkers; i++)
		pthread_join(d->workers[i], NULL);
	while ((j = d->head) != NULL) {
		d->head = j->next;
		job_free(j);
	}
	for (size_t i = 0; i < d->nbusy; i++)
		free(d->busy[i]);
	free(d->busy);
	free(d->workers);
	ratelimit_free(d->rl);
	http_share_free(d->http);
	sender_memo_free(d->memo);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv_main);
	pthread_cond_destroy(&d->cv_work);
	pthread_cond_destroy(&d->cv_idle);
	pthread_rwlock_destroy(&d->cfg_lock);
	free(d);
}

void
dispatcher_get_stats(struct dispatcher *d, struct dispatcher_stats *st)
{
	pthread_mutex_lock(&d->mu);
	*st = d->st;
	pthread_mutex_unlock(&d->mu);
}

void
dispatcher_set_config(struct dispatcher *d, const struct config *cfg)
{
	/* Every job queued from here on has cfg: lookups hold the read
	 * lock until their job is queued. */
	pthread_rwlock_wrlock(&d->cfg_lock);
	pthread_mutex_lock(&d->mu);
	if (d->p.cfg != cfg) {
		d->p.cfg = cfg;
		d->nold = d->nbusy;
	}
	d->woken = true;
	pthread_cond_signal(&d->cv_main);
	pthread_mutex_unlock(&d->mu);
	pthread_rwlock_unlock(&d->cfg_lock);
	/* The jobs with an older config (queued or sending) must end
	 * before the caller frees it; sends with cfg go on meanwhile, so a
	 * hung destination delays the reload, not the other destinations. */
	pthread_mutex_lock(&d->mu);
	while (d->nold > 0 && !d->stopping)
		pthread_cond_wait(&d->cv_idle, &d->mu);
	pthread_mutex_unlock(&d->mu);
}
