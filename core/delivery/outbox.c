/* outbox.c: store, dispatcher, housekeeping and the loaded generation wired
 * together (see outbox.h). */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadletter.h"
#include "dispatcher.h"
#include "escalator.h"
#include "log.h"
#include "outbox.h"
#include "redact.h"
#include "tgpoll.h"
#include "tmpl.h"

#define DEFAULT_RETENTION_MS	((int64_t)120 * 3600 * 1000)	/* Alertmanager's data retention */
#define PRUNE_EVERY_SEC		600

/* A config and its templates with the number of holders (requests in
 * flight, the dispatcher), plus one while it is the current one, so a
 * reload never frees it under a running request or a send. */
struct outbox_gen {
	const struct config	*cfg;
	struct tmpl_set		*tmpl;
	void			*owner;
	void			(*owner_free)(void *);
	unsigned		 refs;	/* under outbox.gen_mu */
};

struct outbox {
	struct store		*store;
	struct dispatcher	*d;		/* read by the committer: atomics */
	/* Held around each wake and while d is taken away, so that no
	 * wake is inside a dispatcher being stopped: the committer's, and
	 * on PostgreSQL the listener's, which other relays' commits call
	 * at any time. */
	pthread_mutex_t		 wake_mu;
	struct outbox_gen	*cur;		/* under gen_mu */
	struct outbox_gen	*held;		/* the generation the dispatcher uses */
	pthread_mutex_t		 gen_mu;
	struct metrics		*metrics;
	struct metric		*m_queue;
	char			*storage_path;
	int64_t			 retention_ms;
	int64_t			 backoff_max_ms;
	int64_t			 retry_budget_ms;
	int			 max_sends;
	struct sender_limits	 limits;
	char			*dead_letter;	/* NULL: none */
	struct tgpoll		*poll;		/* Telegram button presses */
	struct escalator	*esc;		/* the escalate extension's timers */
	pthread_t		 hk;
	bool			 hk_running;
	bool			 stopping;	/* under mu */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
};

static void
gen_free(struct outbox_gen *g)
{
	tmpl_set_free(g->tmpl);
	if (g->owner_free)
		g->owner_free(g->owner);
	free(g);
}

/* The store's committer calls this after every commit with new messages. */
static void
on_enqueue(void *arg)
{
	struct outbox	*ob = arg;

	pthread_mutex_lock(&ob->wake_mu);
	dispatcher_wake(__atomic_load_n(&ob->d, __ATOMIC_ACQUIRE));
	pthread_mutex_unlock(&ob->wake_mu);
}

static void
prune(struct outbox *ob)
{
	struct terr	 err;
	int64_t		 n = 0;
	char		 deleted[32];

	if (store_prune(ob->store, ob->retention_ms, &n, &err) == -1) {
		log_warn("Pruning the queue failed", "err", err.msg);
		return;
	}
	snprintf(deleted, sizeof(deleted), "%lld", (long long)n);
	log_debug("Pruned delivered and dead messages", "deleted", deleted);
}

static void *
housekeeping(void *arg)
{
	struct outbox	*ob = arg;
	struct timespec	 ts;

	pthread_mutex_lock(&ob->mu);
	while (!ob->stopping) {
		pthread_mutex_unlock(&ob->mu);
		prune(ob);
		pthread_mutex_lock(&ob->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += PRUNE_EVERY_SEC;
		while (!ob->stopping &&
		    pthread_cond_timedwait(&ob->cv, &ob->mu, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&ob->mu);
	return NULL;
}

/* Creates the directory and its parents when missing and checks that it is
 * writable, so a bad path fails at start-up with a clear message. */
static int
check_storage(const char *path, struct terr *err)
{
	struct stat	 st;
	char		 tmp[PATH_MAX];
	char		*p;

	if (strlen(path) >= sizeof(tmp))
		return terr_set(err, "storage path too long");
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0750) == -1 && errno != EEXIST)
			return terr_set(err, "create storage path %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0750) == -1 && errno != EEXIST)
		return terr_set(err, "create storage path %s: %s", tmp, strerror(errno));
	if (stat(tmp, &st) == 0 && !S_ISDIR(st.st_mode))
		return terr_set(err, "storage path %s is not a directory", tmp);
	if (access(tmp, W_OK | X_OK) == -1)
		return terr_set(err, "storage path %s is not writable: %s", tmp, strerror(errno));
	return 0;
}

struct outbox *
outbox_open(const struct outbox_params *p, struct terr *err)
{
	struct store_params sp;
	struct outbox	*ob;

	if ((ob = calloc(1, sizeof(*ob))) == NULL ||
	    (ob->storage_path = strdup(p->storage_path)) == NULL) {
		free(ob);
		terr_set(err, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&ob->mu, NULL);
	pthread_mutex_init(&ob->gen_mu, NULL);
	pthread_mutex_init(&ob->wake_mu, NULL);
	pthread_cond_init(&ob->cv, NULL);
	ob->metrics = p->metrics;
	ob->backoff_max_ms = p->backoff_max_ms;
	ob->retry_budget_ms = p->retry_budget_ms;
	ob->max_sends = p->max_sends;
	if (p->limits != NULL)
		ob->limits = *p->limits;
	else
		sender_limits_default(&ob->limits);
	if (p->dead_letter_receiver != NULL &&
	    (ob->dead_letter = strdup(p->dead_letter_receiver)) == NULL) {
		terr_set(err, "out of memory");
		goto fail;
	}
	ob->retention_ms = p->retention_ms > 0 ? p->retention_ms : DEFAULT_RETENTION_MS;
	ob->m_queue = metrics_gauge(p->metrics, "tocsin_queue_messages",
	    "Messages in the delivery queue, by state.",
	    (const char *const[]){ "state", NULL });
	if (ob->m_queue == NULL) {
		terr_set(err, "cannot register queue metrics");
		goto fail;
	}
	if (check_storage(p->storage_path, err) == -1)
		goto fail;
	memset(&sp, 0, sizeof(sp));
	sp.path = p->storage_path;
	sp.url = p->storage_url;
	sp.lease_ms = p->storage_lease_ms;
	sp.on_enqueue = on_enqueue;
	sp.on_enqueue_arg = ob;
	sp.metrics = p->metrics;
	sp.allow_empty = p->allow_empty;
	if ((ob->store = store_open(&sp, err)) == NULL)
		goto fail;
	outbox_refresh_metrics(ob);
	if (p->max_bytes > 0 && store_set_max_size(ob->store, p->max_bytes, err) == -1)
		goto fail;
	if ((ob->poll = tgpoll_new(&(struct tgpoll_params){ .ob = ob,
	    .metrics = p->metrics }, err)) == NULL)
		goto fail;
	if ((ob->esc = escalator_new(&(struct escalator_params){ .ob = ob,
	    .metrics = p->metrics }, err)) == NULL ||
	    escalator_start(ob->esc, err) == -1)
		goto fail;
	if (pthread_create(&ob->hk, NULL, housekeeping, ob) != 0) {
		terr_set(err, "cannot start the housekeeping thread");
		goto fail;
	}
	ob->hk_running = true;
	return ob;
 fail:
	outbox_free(ob);
	return NULL;
}

struct store *
outbox_store(struct outbox *ob)
{
	return ob->store;
}

struct outbox_gen *
outbox_hold(struct outbox *ob)
{
	struct outbox_gen	*g;

	pthread_mutex_lock(&ob->gen_mu);
	if ((g = ob->cur) != NULL)
		g->refs++;
	pthread_mutex_unlock(&ob->gen_mu);
	return g;
}

void
outbox_release(struct outbox *ob, struct outbox_gen *g)
{
	bool	 last;

	if (g == NULL)
		return;
	pthread_mutex_lock(&ob->gen_mu);
	last = --g->refs == 0;
	pthread_mutex_unlock(&ob->gen_mu);
	if (last)
		gen_free(g);
}

const struct config *
outbox_gen_config(const struct outbox_gen *g)
{
	return g->cfg;
}

const struct tmpl_set *
outbox_gen_templates(const struct outbox_gen *g)
{
	return g->tmpl;
}

void *
outbox_gen_owner(const struct outbox_gen *g)
{
	return g->owner;
}

bool
outbox_ready(struct outbox *ob)
{
	bool	 ready;

	pthread_mutex_lock(&ob->gen_mu);
	ready = ob->cur != NULL;
	pthread_mutex_unlock(&ob->gen_mu);
	return ready && ob->store != NULL && store_healthy(ob->store, NULL) &&
	    store_reachable(ob->store, NULL);
}

/*
 * The dispatcher calls this (from a worker, or its own thread for a message
 * whose receiver left the configuration) for every message it marked dead,
 * after logging and counting it. The report renders with the newest
 * generation, which outbox_load guarantees has the receiver. A report that
 * cannot be stored is logged: the dead message itself stays in the queue
 * for `queue list` either way.
 */
static void
on_dead(void *arg, const struct store_entry *e, const char *why)
{
	struct outbox		*ob = arg;
	struct outbox_gen	*g;
	const struct receiver	*to;
	struct sender_render_ctx ctx;
	struct terr		 err;
	char			 id[32];

	if (ob->dead_letter == NULL)
		return;
	snprintf(id, sizeof(id), "%lld", (long long)e->id);
	if (strcmp(e->receiver, ob->dead_letter) == 0) {
		/* Reporting it to itself could only fail again, forever. */
		log_error("Dead message of the dead-letter receiver; not reported",
		    "id", id, "receiver", e->receiver, "integration", e->integration);
		return;
	}
	if ((g = outbox_hold(ob)) == NULL)
		return;
	if ((to = config_receiver(g->cfg, ob->dead_letter)) == NULL) {
		log_error("Dead-letter receiver not configured; dead message not reported",
		    "id", id, "dead_letter_receiver", ob->dead_letter);
		goto out;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.tmpl = g->tmpl;
	if (deadletter_enqueue(ob->store, to, &ctx, e, why, store_now(ob->store),
	    &err) == -1)
		log_error("Cannot queue the dead-letter report", "id", id,
		    "dead_letter_receiver", ob->dead_letter, "err", err.msg);
	else
		log_info("Dead message reported", "id", id, "receiver", e->receiver,
		    "integration", e->integration, "dead_letter_receiver",
		    ob->dead_letter);
 out:
	outbox_release(ob, g);
}

static struct dispatcher *
start_dispatcher(struct outbox *ob, const struct config *cfg, struct terr *err)
{
	struct dispatcher_params dp;

	memset(&dp, 0, sizeof(dp));
	dp.store = ob->store;
	dp.cfg = cfg;
	dp.memo_dir = ob->storage_path;
	dp.metrics = ob->metrics;
	dp.limits = &ob->limits;
	dp.on_dead = on_dead;
	dp.on_dead_arg = ob;
	dp.backoff.budget_ms = ob->retry_budget_ms;
	dp.backoff.cap_ms = ob->backoff_max_ms;
	dp.max_sends = ob->max_sends;
	/* A cap below the first ceiling lowers that too. */
	if (ob->backoff_max_ms > 0 && ob->backoff_max_ms < BACKOFF_DEFAULT_BASE_MS)
		dp.backoff.base_ms = ob->backoff_max_ms;
	return dispatcher_start(&dp, err);
}

int
outbox_load(struct outbox *ob, const struct config *cfg, struct tmpl_set *tmpl,
    void *owner, void (*owner_free)(void *), struct terr *err)
{
	struct outbox_gen	*g, *old;
	struct dispatcher	*d;
	struct terr		 perr;

	if (ob->dead_letter != NULL && config_receiver(cfg, ob->dead_letter) == NULL) {
		terr_set(err, "--dead-letter.receiver: no receiver named \"%s\" in the "
		    "configuration", ob->dead_letter);
		tmpl_set_free(tmpl);
		if (owner_free)
			owner_free(owner);
		return -1;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		tmpl_set_free(tmpl);
		if (owner_free)
			owner_free(owner);
		return terr_set(err, "out of memory");
	}
	g->cfg = cfg;
	g->tmpl = tmpl;
	g->owner = owner;
	g->owner_free = owner_free;
	/* One reference for being current, one for the dispatcher. */
	g->refs = 2;
	if (ob->d == NULL) {
		if ((d = start_dispatcher(ob, cfg, err)) == NULL) {
			gen_free(g);
			return -1;
		}
		__atomic_store_n(&ob->d, d, __ATOMIC_RELEASE);
	} else
		/* Returns once the sends using the old config are marked. */
		dispatcher_set_config(ob->d, cfg);
	pthread_mutex_lock(&ob->gen_mu);
	old = ob->cur;
	ob->cur = g;
	pthread_mutex_unlock(&ob->gen_mu);
	/* From now on the log hides this config's secrets. */
	log_set_redactor(config_redactor(cfg));
	outbox_release(ob, old);
	old = ob->held;
	ob->held = g;
	outbox_release(ob, old);
	/* Buttons that cannot be polled are no reason to refuse a config:
	 * the messages still go out. */
	if (tgpoll_restart(ob->poll, &perr) == -1)
		log_error("Cannot poll Telegram for button presses", "err",
		    perr.msg);
	return 0;
}

struct metric *
outbox_actions_metric(struct outbox *ob)
{
	return tgpoll_actions_metric(ob->poll);
}

void
outbox_refresh_metrics(struct outbox *ob)
{
	int64_t		 counts[STORE_NSTATES];
	struct terr	 err;
	int		 i;

	if (ob->store == NULL)
		return;
	if (store_count(ob->store, counts, &err) == -1) {
		log_warn("Cannot count queued messages", "err", err.msg);
		return;
	}
	for (i = 0; i < STORE_NSTATES; i++)
		(void)metric_set(ob->m_queue,
		    (const char *const[]){ store_state_str((enum store_state)i) },
		    (double)counts[i]);
}

void
outbox_stop(struct outbox *ob)
{
	struct dispatcher *d;

	if (ob == NULL)
		return;
	tgpoll_free(ob->poll);
	ob->poll = NULL;
	escalator_free(ob->esc);
	ob->esc = NULL;
	if (ob->hk_running) {
		pthread_mutex_lock(&ob->mu);
		ob->stopping = true;
		pthread_cond_signal(&ob->cv);
		pthread_mutex_unlock(&ob->mu);
		pthread_join(ob->hk, NULL);
		ob->hk_running = false;
	}
	if ((d = ob->d) != NULL) {
		pthread_mutex_lock(&ob->wake_mu);
		__atomic_store_n(&ob->d, NULL, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&ob->wake_mu);
		dispatcher_stop(d);
	}
	if (ob->held) {
		outbox_release(ob, ob->held);
		ob->held = NULL;
	}
	if (ob->store) {
		store_close(ob->store);
		ob->store = NULL;
	}
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	outbox_stop(ob);
	if (ob->cur != NULL)
		/* The log's reference to the secrets goes with them. */
		log_set_redactor(NULL);
	outbox_release(ob, ob->cur);
	pthread_cond_destroy(&ob->cv);
	pthread_mutex_destroy(&ob->mu);
	pthread_mutex_destroy(&ob->gen_mu);
	pthread_mutex_destroy(&ob->wake_mu);
	free(ob->dead_letter);
	free(ob->storage_path);
	free(ob);
}
