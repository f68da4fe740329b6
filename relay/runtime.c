/* runtime.c: store, intake, dispatcher and the loaded generation wired
 * together (see runtime.h), plus the housekeeping thread that prunes old
 * delivered and dead messages. */
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

#include "dispatcher.h"
#include "log.h"
#include "runtime.h"
#include "store.h"
#include "tmpl.h"

/* Generated from templates/tocsin.tmpl by relay/CMakeLists.txt. */
extern const char tocsin_templates[];
extern const size_t tocsin_templates_len;

#define DEFAULT_RETENTION_MS	((int64_t)120 * 3600 * 1000)	/* Alertmanager's data retention */
#define PRUNE_EVERY_SEC		600

struct runtime {
	struct store		*store;
	struct intake		*intake;
	struct dispatcher	*d;		/* read by the committer: atomics */
	struct intake_gen	*held;		/* the generation the dispatcher uses */
	struct metrics		*metrics;
	struct metric		*m_queue;
	char			*storage_path;
	int64_t			 retention_ms;
	int64_t			 backoff_max_ms;
	pthread_t		 hk;
	bool			 hk_running;
	bool			 stopping;	/* under mu */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
};

/* The store's committer calls this after every commit with new messages. */
static void
on_enqueue(void *arg)
{
	struct runtime	*rt = arg;

	dispatcher_wake(__atomic_load_n(&rt->d, __ATOMIC_ACQUIRE));
}

static void
prune(struct runtime *rt)
{
	struct terr	 err;
	int64_t		 n = 0;

	if (store_prune(rt->store, rt->retention_ms, &n, &err) == -1)
		log_warn("Pruning the queue failed", "err", err.msg);
	else if (n > 0)
		log_debug("Pruned delivered and dead messages");
}

static void *
housekeeping(void *arg)
{
	struct runtime	*rt = arg;
	struct timespec	 ts;

	pthread_mutex_lock(&rt->mu);
	while (!rt->stopping) {
		pthread_mutex_unlock(&rt->mu);
		prune(rt);
		pthread_mutex_lock(&rt->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += PRUNE_EVERY_SEC;
		while (!rt->stopping &&
		    pthread_cond_timedwait(&rt->cv, &rt->mu, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&rt->mu);
	return NULL;
}

/* Creates the directory and its parents when missing and checks that it is
 * writable, so a bad path fails at start-up with a clear message. */
static int
check_storage(const char *path, struct terr *err)
{
	char	 tmp[PATH_MAX];
	char	*p;

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
	if (access(tmp, W_OK | X_OK) == -1)
		return terr_set(err, "storage path %s is not writable: %s", tmp, strerror(errno));
	return 0;
}

struct runtime *
runtime_open(const struct runtime_params *p, struct terr *err)
{
	struct store_params sp;
	struct runtime	*rt;

	if ((rt = calloc(1, sizeof(*rt))) == NULL ||
	    (rt->storage_path = strdup(p->storage_path)) == NULL) {
		free(rt);
		terr_set(err, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&rt->mu, NULL);
	pthread_cond_init(&rt->cv, NULL);
	rt->metrics = p->metrics;
	rt->backoff_max_ms = p->backoff_max_ms;
	rt->retention_ms = p->retention_ms > 0 ? p->retention_ms : DEFAULT_RETENTION_MS;
	rt->m_queue = metrics_gauge(p->metrics, "tocsin_queue_messages",
	    "Messages in the delivery queue, by state.",
	    (const char *const[]){ "state", NULL });
	if (rt->m_queue == NULL) {
		terr_set(err, "cannot register queue metrics");
		goto fail;
	}
	if (check_storage(p->storage_path, err) == -1)
		goto fail;
	memset(&sp, 0, sizeof(sp));
	sp.path = p->storage_path;
	sp.on_enqueue = on_enqueue;
	sp.on_enqueue_arg = rt;
	if ((rt->store = store_open(&sp, err)) == NULL)
		goto fail;
	if (p->max_bytes > 0 && store_set_max_size(rt->store, p->max_bytes, err) == -1)
		goto fail;
	if ((rt->intake = intake_new(p->metrics, p->files, err)) == NULL)
		goto fail;
	intake_set_store(rt->intake, rt->store, p->dedup_window_ms);
	if (pthread_create(&rt->hk, NULL, housekeeping, rt) != 0) {
		terr_set(err, "cannot start the housekeeping thread");
		goto fail;
	}
	rt->hk_running = true;
	return rt;
 fail:
	runtime_free(rt);
	return NULL;
}

struct intake *
runtime_intake(struct runtime *rt)
{
	return rt->intake;
}

/* tocsin.tmpl first, so that the config's files can replace its defines. */
static struct tmpl_set *
compile_templates(const struct config *cfg, struct terr *err)
{
	struct tmpl_set	*set;
	size_t		 i;

	if (config_check_templates(cfg, err) == -1)
		return NULL;
	if ((set = tmpl_set_new()) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	if (tmpl_set_add_text(set, "tocsin.tmpl", tocsin_templates, err) == -1)
		goto fail;
	for (i = 0; i < config_template_count(cfg); i++)
		if (tmpl_set_add_glob(set, config_template_at(cfg, i), err) == -1)
			goto fail;
	return set;
 fail:
	tmpl_set_free(set);
	return NULL;
}

int
runtime_load(struct runtime *rt, struct config *cfg, struct terr *err)
{
	struct dispatcher_params dp;
	struct dispatcher *d;
	struct intake_gen *g, *old;
	struct tmpl_set	*tmpl;

	if ((tmpl = compile_templates(cfg, err)) == NULL) {
		config_free(cfg);
		return -1;
	}
	if (intake_set_generation(rt->intake, cfg, tmpl) == -1) {
		tmpl_set_free(tmpl);
		config_free(cfg);
		return terr_set(err, "out of memory");
	}
	/* The dispatcher borrows the config: it keeps a reference of its own
	 * until it has switched to the next one. */
	g = intake_hold(rt->intake);
	if (rt->d == NULL) {
		memset(&dp, 0, sizeof(dp));
		dp.store = rt->store;
		dp.cfg = intake_gen_config(g);
		dp.memo_dir = rt->storage_path;
		dp.metrics = rt->metrics;
		dp.backoff.cap_ms = rt->backoff_max_ms;
		/* A cap below the first ceiling lowers that too. */
		if (rt->backoff_max_ms > 0 && rt->backoff_max_ms < BACKOFF_DEFAULT_BASE_MS)
			dp.backoff.base_ms = rt->backoff_max_ms;
		if ((d = dispatcher_start(&dp, err)) == NULL) {
			intake_release(rt->intake, g);
			return -1;
		}
		__atomic_store_n(&rt->d, d, __ATOMIC_RELEASE);
		rt->held = g;
		return 0;
	}
	dispatcher_set_config(rt->d, intake_gen_config(g));
	old = rt->held;
	rt->held = g;
	intake_release(rt->intake, old);
	return 0;
}

void
runtime_refresh_metrics(struct runtime *rt)
{
	int64_t		 counts[STORE_NSTATES];
	struct terr	 err;
	int		 i;

	if (rt->store == NULL)
		return;
	if (store_count(rt->store, counts, &err) == -1) {
		log_warn("Cannot count queued messages", "err", err.msg);
		return;
	}
	for (i = 0; i < STORE_NSTATES; i++)
		(void)metric_set(rt->m_queue,
		    (const char *const[]){ store_state_str((enum store_state)i) },
		    (double)counts[i]);
}

void
runtime_stop(struct runtime *rt)
{
	struct dispatcher *d;

	if (rt == NULL)
		return;
	if (rt->hk_running) {
		pthread_mutex_lock(&rt->mu);
		rt->stopping = true;
		pthread_cond_signal(&rt->cv);
		pthread_mutex_unlock(&rt->mu);
		pthread_join(rt->hk, NULL);
		rt->hk_running = false;
	}
	if ((d = rt->d) != NULL) {
		__atomic_store_n(&rt->d, NULL, __ATOMIC_RELEASE);
		dispatcher_stop(d);
	}
	if (rt->held) {
		intake_release(rt->intake, rt->held);
		rt->held = NULL;
	}
	if (rt->store) {
		store_close(rt->store);
		rt->store = NULL;
		if (rt->intake)
			intake_set_store(rt->intake, NULL, 0);
	}
}

void
runtime_free(struct runtime *rt)
{
	if (rt == NULL)
		return;
	runtime_stop(rt);
	intake_free(rt->intake);
	pthread_cond_destroy(&rt->cv);
	pthread_mutex_destroy(&rt->mu);
	free(rt->storage_path);
	free(rt);
}
