/* wdprobe.c: the freshness checks' schedule and their query threads (see
 * wdprobe.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "prober.h"
#include "wdprobe.h"

/* One scheduled check. */
struct slot {
	struct wdstate_probe	 pr;
	int64_t			 due;		/* monotonic ms */
	bool			 running;
};

/* One query in flight; owns its copy of the check's settings, so a reload
 * that drops the check does not pull them away under it. */
struct job {
	struct wdprobe		*p;
	struct wdstate_probe	*pr;		/* an array of one */
};

struct wdprobe {
	struct wdstate	*ws;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* on CLOCK_MONOTONIC */
	struct slot	*slots;		/* under mu */
	size_t		 nslots;
	unsigned	 inflight;	/* under mu */
	bool		 reload;	/* under mu */
	bool		 stopping;	/* under mu */
	pthread_t	 th;
};

static struct slot *
find(struct slot *v, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].pr.name, name) == 0)
			return &v[i];
	return NULL;
}

static void
slots_free(struct slot *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].pr.fresh.prometheus_url);
		free(v[i].pr.fresh.query);
	}
	free(v);
}

/* Under mu. A failure keeps the running schedule. */
static void
refresh(struct wdprobe *p)
{
	struct wdstate_probe *pr = NULL;
	struct slot	*v = NULL, *old;
	struct terr	 err;
	size_t		 n = 0, i;
	int64_t		 now = mono_ms();

	if (wdstate_probes(p->ws, &pr, &n, &err) == -1) {
		log_error("Cannot read the freshness checks", "err", err.msg);
		return;
	}
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL) {
		log_error("Out of memory");
		wdstate_probes_free(pr, n);
		return;
	}
	for (i = 0; i < n; i++) {
		v[i].pr = pr[i];
		if ((old = find(p->slots, p->nslots, pr[i].name)) != NULL) {
			/* A changed interval applies from the next run; a
			 * changed question is asked at once (the answer in
			 * flight, if any, is dropped). */
			v[i].due = prober_same_question(&old->pr.fresh, &pr[i].fresh) ?
			    old->due : now;
			v[i].running = old->running;
		} else
			v[i].due = now;
	}
	free(pr);	/* its strings now belong to v */
	slots_free(p->slots, p->nslots);
	p->slots = v;
	p->nslots = n;
}

static void
job_done(struct wdprobe *p, const struct wdstate_probe *pr, int64_t started)
{
	struct slot	*s;

	pthread_mutex_lock(&p->mu);
	if ((s = find(p->slots, p->nslots, pr->name)) != NULL) {
		s->running = false;
		/* Every interval from the start of the last query, so a slow
		 * Prometheus does not stretch the period; a question changed
		 * meanwhile stays due at once. */
		if (prober_same_question(&s->pr.fresh, &pr->fresh))
			s->due = started + s->pr.fresh.interval_ms;
	}
	p->inflight--;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void *
run_job(void *arg)
{
	struct job		*j = arg;
	struct probe_result	 res;
	enum wdstate_result	 r;
	struct terr		 err;
	int64_t			 started = mono_ms();

	/* One of a pair asks Prometheus only while it leads: the other's
	 * answers would be applied by nobody. */
	if (!wdstate_leading(j->p->ws)) {
		job_done(j->p, j->pr, started);
		wdstate_probes_free(j->pr, 1);
		free(j);
		return NULL;
	}
	prober_run(&j->pr->fresh, &res);
	if (res.status != PROBE_FRESH)
		log_debug("Freshness check not fresh", "check", j->pr->name,
		    "status", probe_status_name(res.status), "reason", res.reason);
	r = wdstate_probe_result(j->p->ws, j->pr, res.status == PROBE_FRESH, res.reason,
	    &err);
	if (r == WDSTATE_FAILED)
		log_error("Freshness result not stored", "check", j->pr->name, "err", err.msg);
	job_done(j->p, j->pr, started);
	wdstate_probes_free(j->pr, 1);
	free(j);
	return NULL;
}

/* Under mu: starts s's query on a detached thread. */
static void
launch(struct wdprobe *p, struct slot *s)
{
	pthread_attr_t	 attr;
	pthread_t	 th;
	struct job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->pr = calloc(1, sizeof(*j->pr))) == NULL)
		goto oom;
	j->p = p;
	j->pr[0] = s->pr;
	j->pr[0].fresh.prometheus_url = strdup(s->pr.fresh.prometheus_url);
	j->pr[0].fresh.query = strdup(s->pr.fresh.query);
	if (j->pr[0].fresh.prometheus_url == NULL || j->pr[0].fresh.query == NULL)
		goto oom;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, run_job, j) != 0) {
		pthread_attr_destroy(&attr);
		log_error("Cannot start a freshness query", "check", s->pr.name);
		s->due = mono_ms() + 1000;
		wdstate_probes_free(j->pr, 1);
		free(j);
		return;
	}
	pthread_attr_destroy(&attr);
	s->running = true;
	p->inflight++;
	return;
 oom:
	log_error("Out of memory");
	if (j)
		wdstate_probes_free(j->pr, j->pr ? 1 : 0);
	free(j);
	s->due = mono_ms() + 1000;
}

static void *
run(void *arg)
{
	struct wdprobe	*p = arg;
	struct timespec	 ts;
	int64_t		 now, next;
	size_t		 i;

	pthread_mutex_lock(&p->mu);
	while (!p->stopping) {
		if (p->reload) {
			p->reload = false;
			refresh(p);
		}
		now = mono_ms();
		next = INT64_MAX;
		for (i = 0; i < p->nslots; i++) {
			if (p->slots[i].running)
				continue;
			if (p->slots[i].due <= now)
				launch(p, &p->slots[i]);
			else if (p->slots[i].due < next)
				next = p->slots[i].due;
		}
		/* Woken by a finished query, a reload or the stop. */
		if (next == INT64_MAX)
			pthread_cond_wait(&p->cv, &p->mu);
		else {
			ts.tv_sec = (time_t)(next / 1000);
			ts.tv_nsec = (long)(next % 1000) * 1000000;
			(void)pthread_cond_timedwait(&p->cv, &p->mu, &ts);
		}
	}
	/* Queries in flight use p: wait for them. */
	while (p->inflight > 0)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct wdprobe *
wdprobe_start(struct wdstate *ws, struct terr *err)
{
	pthread_condattr_t ca;
	struct wdprobe	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	p->ws = ws;
	p->reload = true;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->th, NULL, run, p) != 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		free(p);
		terr_set(err, "cannot start the freshness thread");
		return NULL;
	}
	return p;
}

void
wdprobe_reload(struct wdprobe *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->reload = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void
wdprobe_free(struct wdprobe *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	slots_free(p->slots, p->nslots);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
