/* store.c: the backend-independent half of the store: the group-commit thread
 * that turns concurrent write requests into shared transactions, and dispatch
 * of everything else to the backend's ops table. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "ratelimit.h"
#include "store.h"

struct store {
	const struct store_ops	*ops;
	void			*be;
	store_clock_fn		 clock;
	void			*clock_arg;
	bool			 steady;	/* the real clock: anchored below */
	int64_t			 anchor_ms;	/* the clock at store_open */
	int64_t			 anchor_mono;	/* mono_ms at store_open */
	void			(*on_enqueue)(void *);
	void			*on_enqueue_arg;

	pthread_mutex_t		 mu;		/* guards everything below */
	pthread_cond_t		 work;		/* committer: requests arrived */
	pthread_cond_t		 done;		/* callers: a round finished */
	struct store_job	*head, *tail;	/* waiting requests, in arrival order */
	size_t			 nqueued;
	bool			 stopping;
	struct store_stats	 stats;
	pthread_t		 thread;
	struct metric		*m_commits;	/* NULL without metrics */
	struct metric		*m_requests;
	struct metric		*m_duration;
	struct metric		*m_healthy;
	bool			 broken;	/* under mu: see store_healthy */
	struct terr		 broken_why;	/* under mu: the first damage */

	/* Held by the committer around apply, so that set_max_size never runs
	 * in the middle of a transaction on the backend's write connection. */
	pthread_mutex_t		 wmu;
};

const char *
store_state_str(enum store_state st)
{
	switch (st) {
	case STORE_PENDING:
		return "pending";
	case STORE_DELIVERED:
		return "delivered";
	case STORE_DEAD:
		return "dead";
	}
	return "unknown";
}

/* Requests per commit: 1 is no grouping at all; the intake's concurrency
 * (connections) bounds the useful top. */
static const double request_buckets[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };
static const double duration_buckets[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
};

static int64_t
real_clock(void *arg)
{
	return wall_ms();
}

int64_t
store_now(struct store *s)
{
	return s->clock(s->clock_arg);
}

/* After a failed apply or count: when the backend says it was damage, the
 * store turns unhealthy for good (store_healthy), said once in the log. */
static void
note_failure(struct store *s, const struct terr *err)
{
	bool	 first = false;

	if (s->ops->damaged == NULL || !s->ops->damaged(s->be))
		return;
	pthread_mutex_lock(&s->mu);
	if (!s->broken) {
		s->broken = first = true;
		s->broken_why = *err;
	}
	pthread_mutex_unlock(&s->mu);
	if (!first)
		return;
	if (s->m_healthy != NULL)
		(void)metric_set(s->m_healthy, NULL, 0);
	log_error("The store is damaged: not ready until it is repaired and"
	    " the daemon restarted", "err", err->msg);
}

bool
store_healthy(struct store *s, struct terr *why)
{
	bool	 ok;

	pthread_mutex_lock(&s->mu);
	ok = !s->broken;
	if (!ok && why != NULL)
		*why = s->broken_why;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

bool
store_reachable(struct store *s, struct terr *why)
{
	if (s->ops->unreachable == NULL)
		return true;
	return !s->ops->unreachable(s->be, why);
}

int64_t
store_steady_now(struct store *s)
{
	if (!s->steady)
		return s->clock(s->clock_arg);
	return s->anchor_ms + (mono_ms() - s->anchor_mono);
}

/* One round: everything that waits now becomes one transaction. When that
 * transaction fails and it carried several requests, each is retried alone,
 * so that one oversized batch cannot fail its neighbours; a full disk fails
 * them all anyway. */
static void
commit_round(struct store *s, struct store_job **jobs, size_t n)
{
	struct terr	 err;
	struct timespec	 t0, t1;
	size_t		 i, k;
	int64_t		 now;
	int		 rc;
	bool		 stored = false;

	now = store_now(s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_mutex_lock(&s->wmu);
	rc = s->ops->apply(s->be, jobs, n, now, &err);
	pthread_mutex_unlock(&s->wmu);
	if (rc == 0) {
		pthread_mutex_lock(&s->mu);
		s->stats.transactions++;
		s->stats.requests += n;
		pthread_mutex_unlock(&s->mu);
		if (s->m_commits != NULL) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			(void)metric_add(s->m_commits, NULL, 1);
			(void)metric_observe(s->m_requests, NULL, (double)n);
			(void)metric_observe(s->m_duration, NULL,
			    (double)(t1.tv_sec - t0.tv_sec) +
			    (t1.tv_nsec - t0.tv_nsec) / 1e9);
		}
		for (i = 0; i < n; i++) {
			jobs[i]->txrc = 0;
			if (jobs[i]->kind != STORE_JOB_ENQUEUE)
				continue;
			for (k = 0; k < jobs[i]->nmsgs; k++)
				if (jobs[i]->acks[k].verdict == STORE_ACCEPTED)
					stored = true;
		}
		if (stored && s->on_enqueue != NULL)
			s->on_enqueue(s->on_enqueue_arg);
		return;
	}
	note_failure(s, &err);
	if (n == 1) {
		jobs[0]->txrc = -1;
		jobs[0]->err = err;
		return;
	}
	for (i = 0; i < n; i++)
		commit_round(s, &jobs[i], 1);
}

static void
finish_async(struct store_job *job)
{
	if (job->txrc == -1 || job->rc == -1)
		job->on_done(job->on_done_arg, -1, &job->err);
	else
		job->on_done(job->on_done_arg, 0, NULL);
	free(job);
}

static void *
committer(void *arg)
{
	struct store		 *s = arg;
	struct store_job	**jobs = NULL, **nj, *one[1], **batch;
	size_t			  n, cap = 0, i;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->head == NULL && !s->stopping)
			pthread_cond_wait(&s->work, &s->mu);
		if (s->head == NULL)
			break;
		n = s->nqueued;
		if (n > cap && (nj = realloc(jobs, n * sizeof(*jobs))) != NULL) {
			jobs = nj;
			cap = n;
		}
		if (n <= cap)
			batch = jobs;
		else {
			/* Out of memory: one request at a time still works. */
			batch = one;
			n = 1;
		}
		for (i = 0; i < n; i++) {
			batch[i] = s->head;
			s->head = s->head->next;
		}
		if (s->head == NULL)
			s->tail = NULL;
		s->nqueued -= n;
		pthread_mutex_unlock(&s->mu);
		commit_round(s, batch, n);
		/* Asynchronous requests are told and freed here; their slots
		 * are cleared because the jobs are gone. */
		for (i = 0; i < n; i++)
			if (batch[i]->on_done != NULL) {
				finish_async(batch[i]);
				batch[i] = NULL;
			}
		pthread_mutex_lock(&s->mu);
		/* After this a waiting caller may return and its job vanish. */
		for (i = 0; i < n; i++)
			if (batch[i] != NULL)
				batch[i]->done = true;
		pthread_cond_broadcast(&s->done);
	}
	pthread_mutex_unlock(&s->mu);
	free(jobs);
	return NULL;
}

/* Appends job to the committer's queue; s->mu held. */
static void
queue_job(struct store *s, struct store_job *job)
{
	job->next = NULL;
	job->done = false;
	job->rc = 0;
	job->txrc = 0;
	job->err.msg[0] = '\0';
	if (s->tail != NULL)
		s->tail->next = job;
	else
		s->head = job;
	s->tail = job;
	s->nqueued++;
	pthread_cond_signal(&s->work);
}

/* Queues job, waits until its transaction is over, and turns the outcome into
 * 0 / -1. */
static int
submit(struct store *s, struct store_job *job, struct terr *err)
{
	pthread_mutex_lock(&s->mu);
	queue_job(s, job);
	while (!job->done)
		pthread_cond_wait(&s->done, &s->mu);
	pthread_mutex_unlock(&s->mu);
	if (job->txrc == -1 || job->rc == -1) {
		if (err != NULL)
			*err = job->err;
		return -1;
	}
	return 0;
}

struct store *
store_open(const struct store_params *p, struct terr *err)
{
	struct store	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		terr_set(err, "store: out of memory");
		return NULL;
	}
	if (p->ops != NULL)
		s->ops = p->ops;
	else
		s->ops = p->url != NULL ? &store_pg_ops : &store_sqlite_ops;
	s->clock = p->clock != NULL ? p->clock : real_clock;
	s->clock_arg = p->clock_arg;
	s->steady = p->clock == NULL;
	s->anchor_ms = s->clock(s->clock_arg);
	s->anchor_mono = mono_ms();
	s->on_enqueue = p->on_enqueue;
	s->on_enqueue_arg = p->on_enqueue_arg;
	if (p->metrics != NULL) {
		s->m_commits = metrics_counter(p->metrics, "tocsin_store_commits_total",
		    "Write transactions committed (and fsynced) by the store.", NULL);
		s->m_requests = metrics_histogram(p->metrics, "tocsin_store_commit_requests",
		    "Write requests (an intake batch, a delivery mark, ...) carried by one committed transaction.",
		    NULL, request_buckets, sizeof(request_buckets) / sizeof(request_buckets[0]));
		s->m_duration = metrics_histogram(p->metrics,
		    "tocsin_store_commit_duration_seconds",
		    "Time to run and commit one write transaction, fsync included.",
		    NULL, duration_buckets, sizeof(duration_buckets) / sizeof(duration_buckets[0]));
		s->m_healthy = metrics_gauge(p->metrics, "tocsin_store_healthy",
		    "1 while the store works, 0 once its database failed as a damaged one does (until a restart).",
		    NULL);
		if (s->m_commits == NULL || s->m_requests == NULL ||
		    s->m_duration == NULL || s->m_healthy == NULL) {
			terr_set(err, "store: cannot register metrics");
			free(s);
			return NULL;
		}
	}
	if (s->ops->open(p, &s->be, err) == -1) {
		free(s);
		return NULL;
	}
	if (s->m_healthy != NULL)
		(void)metric_set(s->m_healthy, NULL, 1);
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->wmu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->done, NULL);
	if (pthread_create(&s->thread, NULL, committer, s) != 0) {
		terr_set(err, "store: cannot start the committer thread");
		s->ops->close(s->be);
		pthread_cond_destroy(&s->done);
		pthread_cond_destroy(&s->work);
		pthread_mutex_destroy(&s->wmu);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return NULL;
	}
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	s->ops->close(s->be);
	pthread_cond_destroy(&s->done);
	pthread_cond_destroy(&s->work);
	pthread_mutex_destroy(&s->wmu);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

int
store_enqueue(struct store *s, const struct store_msg *msgs, size_t n,
    int64_t window_ms, struct store_ack *acks, struct terr *err)
{
	return store_enqueue_timers(s, msgs, n, window_ms, acks, NULL, 0, err);
}

/* An ENQUEUE job's fields (job zeroed by the caller). */
static void
enqueue_fill(struct store *s, struct store_job *job, const struct store_msg *msgs,
    size_t n, int64_t window_ms, struct store_ack *acks,
    const struct store_timer *timers, size_t ntimers,
    const struct store_escalation *only_if)
{
	job->kind = STORE_JOB_ENQUEUE;
	job->msgs = msgs;
	job->nmsgs = n;
	job->window_ms = window_ms;
	job->acks = acks;
	job->timers = timers;
	job->ntimers = ntimers;
	job->only_if = only_if;
	job->when = store_steady_now(s);
}

/* One ENQUEUE job, waited for: store_enqueue_timers and store_enqueue_step. */
static int
enqueue_wait(struct store *s, const struct store_msg *msgs, size_t n,
    int64_t window_ms, struct store_ack *acks, const struct store_timer *timers,
    size_t ntimers, const struct store_escalation *only_if, struct terr *err)
{
	struct store_job job;

	if (n == 0 && ntimers == 0)
		return 0;
	memset(&job, 0, sizeof(job));
	enqueue_fill(s, &job, msgs, n, window_ms, acks, timers, ntimers, only_if);
	return submit(s, &job, err);
}

int
store_enqueue_timers(struct store *s, const struct store_msg *msgs, size_t n,
    int64_t window_ms, struct store_ack *acks, const struct store_timer *timers,
    size_t ntimers, struct terr *err)
{
	return enqueue_wait(s, msgs, n, window_ms, acks, timers, ntimers, NULL,
	    err);
}

int
store_enqueue_step(struct store *s, const struct store_msg *msgs, size_t n,
    int64_t window_ms, struct store_ack *acks,
    const struct store_escalation *timer, struct terr *err)
{
	return enqueue_wait(s, msgs, n, window_ms, acks, NULL, 0, timer, err);
}

int
store_enqueue_async(struct store *s, const struct store_msg *msgs, size_t n,
    int64_t window_ms, struct store_ack *acks, store_done_fn done, void *arg,
    struct terr *err)
{
	return store_enqueue_timers_async(s, msgs, n, window_ms, acks, NULL, 0,
	    done, arg, err);
}

int
store_enqueue_timers_async(struct store *s, const struct store_msg *msgs,
    size_t n, int64_t window_ms, struct store_ack *acks,
    const struct store_timer *timers, size_t ntimers, store_done_fn done,
    void *arg, struct terr *err)
{
	struct store_job *job;

	if ((job = calloc(1, sizeof(*job))) == NULL)
		return terr_set(err, "store: out of memory");
	enqueue_fill(s, job, msgs, n, window_ms, acks, timers, ntimers, NULL);
	job->on_done = done;
	job->on_done_arg = arg;
	pthread_mutex_lock(&s->mu);
	queue_job(s, job);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static int
submit_id(struct store *s, enum store_job_kind kind, int64_t id, int64_t when,
    const char *why, struct terr *err)
{
	struct store_job job;

	memset(&job, 0, sizeof(job));
	job.kind = kind;
	job.id = id;
	job.when = when;
	job.why = why;
	return submit(s, &job, err);
}

static int
submit_named(struct store *s, enum store_job_kind kind, const char *name,
    const char *name2, const char *text, int64_t value, struct terr *err)
{
	struct store_job job;

	memset(&job, 0, sizeof(job));
	job.kind = kind;
	job.name = name;
	job.name2 = name2;
	job.text = text;
	job.value = value;
	return submit(s, &job, err);
}

int
store_action_put(struct store *s, const struct action_rec *r, struct terr *err)
{
	struct store_job job;

	memset(&job, 0, sizeof(job));
	job.kind = STORE_JOB_ACTION_PUT;
	job.rec = r;
	return submit(s, &job, err);
}

int
store_action_set_message(struct store *s, const char *id, int64_t message_id,
    struct terr *err)
{
	return submit_named(s, STORE_JOB_ACTION_MESSAGE, id, NULL, NULL,
	    message_id, err);
}

int
store_action_set_silence(struct store *s, const char *id, const char *silence_id,
    struct terr *err)
{
	return submit_named(s, STORE_JOB_ACTION_SILENCE, id, NULL, silence_id, 0,
	    err);
}

int
store_action_get(struct store *s, const char *id, struct action_rec *out,
    int *found, struct terr *err)
{
	return s->ops->action_get(s->be, id, out, found, err);
}

int
store_cursor_put(struct store *s, const char *name, int64_t value,
    struct terr *err)
{
	return submit_named(s, STORE_JOB_CURSOR, name, NULL, NULL, value, err);
}

int
store_cursor_get(struct store *s, const char *name, int64_t *value,
    struct terr *err)
{
	return s->ops->cursor_get(s->be, name, value, err);
}

int
store_group_message_put(struct store *s, const char *receiver,
    const char *integration, const char *group_key, const char *chat,
    int64_t message_id, struct terr *err)
{
	struct store_job job;

	memset(&job, 0, sizeof(job));
	job.kind = STORE_JOB_GROUP_MESSAGE;
	job.name = receiver;
	job.name2 = integration;
	job.why = group_key;
	job.text = chat;
	job.value = message_id;
	return submit(s, &job, err);
}

int
store_group_message_get(struct store *s, const char *receiver,
    const char *integration, const char *group_key, char *chat, size_t chatlen,
    int64_t *message_id, int *found, struct terr *err)
{
	return s->ops->group_message_get(s->be, receiver, integration, group_key,
	    chat, chatlen, message_id, found, err);
}

int
store_mark_delivered(struct store *s, int64_t id, struct terr *err)
{
	return submit_id(s, STORE_JOB_DELIVERED, id, 0, NULL, err);
}

int
store_mark_retry(struct store *s, int64_t id, int64_t next_attempt,
    const char *why, struct terr *err)
{
	return submit_id(s, STORE_JOB_RETRY, id, next_attempt, why, err);
}

int
store_mark_wait(struct store *s, int64_t id, int64_t next_attempt,
    const char *why, struct terr *err)
{
	return submit_id(s, STORE_JOB_WAIT, id, next_attempt, why, err);
}

int
store_mark_dead(struct store *s, int64_t id, const char *why, struct terr *err)
{
	return submit_id(s, STORE_JOB_DEAD, id, 0, why, err);
}

int
store_retry(struct store *s, int64_t id, struct terr *err)
{
	return submit_id(s, STORE_JOB_REQUEUE, id, 0, NULL, err);
}

int
store_drop(struct store *s, int64_t id, struct terr *err)
{
	return submit_id(s, STORE_JOB_DROP, id, 0, NULL, err);
}

int
store_prune(struct store *s, int64_t retention_ms, int64_t *deleted,
    struct terr *err)
{
	struct store_job job;

	memset(&job, 0, sizeof(job));
	job.kind = STORE_JOB_PRUNE;
	job.when = store_now(s) - retention_ms;
	if (submit(s, &job, err) == -1)
		return -1;
	if (deleted != NULL)
		*deleted = job.count;
	return 0;
}

int
store_due(struct store *s, struct store_head **out, size_t *n, struct terr *err)
{
	return s->ops->due(s->be, store_now(s), out, n, err);
}

int
store_next_due(struct store *s, int64_t *when, struct terr *err)
{
	return s->ops->next_due(s->be, when, err);
}

void
store_heads_free(struct store_head *h, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(h[i].dest);
	free(h);
}

int
store_head(struct store *s, const char *dest, struct store_entry **out,
    struct terr *err)
{
	return s->ops->head(s->be, dest, out, err);
}

int
store_get(struct store *s, int64_t id, struct store_entry **out,
    struct terr *err)
{
	return s->ops->get(s->be, id, out, err);
}

static void
entry_clear(struct store_entry *e)
{
	free(e->receiver);
	free(e->integration);
	free(e->dest);
	free(e->dedup_key);
	free(e->payload);
	free(e->last_error);
}

void
store_entry_free(struct store_entry *e)
{
	if (e == NULL)
		return;
	entry_clear(e);
	free(e);
}

void
store_entries_free(struct store_entry *e, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		entry_clear(&e[i]);
	free(e);
}

int
store_count(struct store *s, int64_t counts[STORE_NSTATES], struct terr *err)
{
	struct terr	 e;

	if (s->ops->count(s->be, counts, &e) == -1) {
		note_failure(s, &e);
		if (err != NULL)
			*err = e;
		return -1;
	}
	return 0;
}

int
store_list(struct store *s, unsigned states, struct store_entry **out,
    size_t *n, struct terr *err)
{
	return s->ops->list(s->be, states, out, n, err);
}

int
store_set_max_size(struct store *s, int64_t max_bytes, struct terr *err)
{
	int	 rc;

	pthread_mutex_lock(&s->wmu);
	rc = s->ops->set_max_size(s->be, max_bytes, err);
	pthread_mutex_unlock(&s->wmu);
	return rc;
}

void
store_stats(struct store *s, struct store_stats *st)
{
	pthread_mutex_lock(&s->mu);
	*st = s->stats;
	pthread_mutex_unlock(&s->mu);
}

size_t
store_queued(struct store *s)
{
	size_t	 n;

	pthread_mutex_lock(&s->mu);
	n = s->nqueued;
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* ---- receipts and group acknowledgements ---- */

static int
submit_receipt(struct store *s, enum store_job_kind kind,
    const struct store_receipt *r, const char *why, int64_t when,
    struct terr *err)
{
	struct store_job job;

	memset(&job, 0, sizeof(job));
	job.kind = kind;
	job.rcpt = r;
	job.why = why;
	job.when = when;
	return submit(s, &job, err);
}

int
store_receipt_put(struct store *s, const struct store_receipt *r,
    struct terr *err)
{
	return submit_receipt(s, STORE_JOB_RECEIPT_PUT, r, NULL, 0, err);
}

int
store_receipt_later(struct store *s, const char *receipt, int64_t next_poll,
    struct terr *err)
{
	struct store_receipt r = { .receipt = (char *)receipt,
	    .next_poll = next_poll };

	return submit_receipt(s, STORE_JOB_RECEIPT_LATER, &r, NULL, 0, err);
}

int
store_receipt_cancel_group(struct store *s, const char *receiver,
    const char *group_key, struct terr *err)
{
	struct store_receipt r = { .receiver = (char *)receiver,
	    .group_key = (char *)group_key };

	return submit_receipt(s, STORE_JOB_RECEIPT_CANCEL, &r, NULL,
	    store_now(s), err);
}

int
store_receipt_drop(struct store *s, const char *receipt, struct terr *err)
{
	struct store_receipt r = { .receipt = (char *)receipt };

	return submit_receipt(s, STORE_JOB_RECEIPT_DROP, &r, NULL, 0, err);
}

int
store_ack_put(struct store *s, const char *receiver, const char *group_key,
    const char *by, int64_t at, struct terr *err)
{
	struct store_receipt r = { .receiver = (char *)receiver,
	    .group_key = (char *)group_key };

	return submit_receipt(s, STORE_JOB_GROUP_ACK, &r, by, at, err);
}

int
store_receipt_due(struct store *s, int64_t now, size_t max,
    struct store_receipt **out, size_t *n, struct terr *err)
{
	return s->ops->receipt_due(s->be, now, max, out, n, err);
}

void
store_receipts_free(struct store_receipt *r, size_t n)
{
	for (size_t i = 0; r != NULL && i < n; i++) {
		free(r[i].receipt);
		free(r[i].receiver);
		free(r[i].integration);
		free(r[i].group_key);
	}
	free(r);
}

int
store_group_acked(struct store *s, const char *receiver, const char *group_key,
    char **by, int64_t *at, int *found, struct terr *err)
{
	return s->ops->group_acked(s->be, receiver, group_key, by, at, found,
	    err);
}

int
store_lease(struct store *s, const char *name, int64_t ms, bool *held,
    struct terr *err)
{
	if (s->ops->lease == NULL) {
		*held = true;
		return 0;
	}
	return s->ops->lease(s->be, name, ms, held, err);
}

/* ---- shared rate limits ---- */

/* The store's clock for the backend's buckets: the injected one, or -1 for
 * the database's, which every relay reads alike whatever its host's clock
 * says. */
static int64_t
rate_now(struct store *s)
{
	return s->steady ? -1 : store_now(s);
}

static int64_t
rate_take(void *arg, const struct rl_want *w, size_t n)
{
	struct store	*s = arg;
	struct terr	 err;
	int64_t		 wait;

	if (s->ops->rate_take(s->be, w, n, rate_now(s), &wait, &err) == -1) {
		log_warn("cannot take a shared rate-limit token", "key", w[0].key,
		    "err", err.msg);
		return -1;
	}
	return wait;
}

static void
rate_done(void *arg, const struct rl_want *w, size_t n)
{
	struct store	*s = arg;
	struct terr	 err;

	/* Lost, the next take finds the refill a send's time further on:
	 * worth a line in the log, not a held-back queue. */
	if (s->ops->rate_done(s->be, w, n, rate_now(s), &err) == -1)
		log_warn("cannot restart a shared rate-limit bucket", "key",
		    w[0].key, "err", err.msg);
}

bool
store_rate_share(struct store *s, struct ratelimit *rl)
{
	struct rl_shared sh;

	if (s->ops->rate_take == NULL || s->ops->rate_done == NULL)
		return false;
	sh.take = rate_take;
	sh.done = rate_done;
	sh.arg = s;
	ratelimit_share(rl, &sh);
	return true;
}

/* ---- escalation timers ---- */

static int
submit_escalation(struct store *s, enum store_job_kind kind,
    const struct store_escalation *e, struct terr *err)
{
	struct store_job job;

	memset(&job, 0, sizeof(job));
	job.kind = kind;
	job.esc = e;
	return submit(s, &job, err);
}

int
store_escalation_update(struct store *s, const struct store_escalation *e,
    struct terr *err)
{
	return submit_escalation(s, STORE_JOB_ESCALATION_UPDATE, e, err);
}

int
store_escalation_drop(struct store *s, const struct store_escalation *e,
    struct terr *err)
{
	return submit_escalation(s, STORE_JOB_ESCALATION_DROP, e, err);
}

int
store_escalation_due(struct store *s, int64_t now, size_t max,
    struct store_escalation **out, size_t *n, struct terr *err)
{
	return s->ops->escalation_due(s->be, now, max, out, n, err);
}

void
store_escalations_free(struct store_escalation *e, size_t n)
{
	for (size_t i = 0; e != NULL && i < n; i++) {
		free(e[i].receiver);
		free(e[i].group_key);
		free(e[i].body);
	}
	free(e);
}
