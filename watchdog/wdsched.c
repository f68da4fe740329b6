/* wdsched.c: the deadline thread (see wdsched.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "wdsched.h"

struct wdsched {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* on CLOCK_MONOTONIC */
	struct wdstate	*ws;
	pthread_t	 th;
	bool		 running;
	bool		 woken;		/* under mu */
	bool		 stopping;	/* under mu */
};

struct wdsched *
wdsched_new(struct terr *err)
{
	struct wdsched	*s;
	pthread_condattr_t ca;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		terr_set(err, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	/* Deadlines are monotonic: a wall-clock jump neither fires nor
	 * delays a check. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	return s;
}

static void *
run(void *arg)
{
	struct wdsched	*s = arg;
	struct timespec	 ts;
	int64_t		 next;

	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		s->woken = false;
		pthread_mutex_unlock(&s->mu);
		next = wdstate_tick(s->ws);
		pthread_mutex_lock(&s->mu);
		if (next != CHECK_NEVER) {
			ts.tv_sec = (time_t)(next / 1000);
			ts.tv_nsec = (long)(next % 1000) * 1000000;
		}
		while (!s->stopping && !s->woken) {
			if (next == CHECK_NEVER)
				pthread_cond_wait(&s->cv, &s->mu);
			else if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) == ETIMEDOUT)
				break;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
wdsched_start(struct wdsched *s, struct wdstate *ws, struct terr *err)
{
	s->ws = ws;
	if (pthread_create(&s->th, NULL, run, s) != 0)
		return terr_set(err, "cannot start the scheduler thread");
	s->running = true;
	return 0;
}

void
wdsched_wake(void *arg)
{
	struct wdsched	*s = arg;

	pthread_mutex_lock(&s->mu);
	s->woken = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

void
wdsched_free(struct wdsched *s)
{
	if (s == NULL)
		return;
	if (s->running) {
		pthread_mutex_lock(&s->mu);
		s->stopping = true;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->th, NULL);
	}
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
