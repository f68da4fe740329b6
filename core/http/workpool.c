/* workpool.c: a fixed thread pool over a ring of jobs (see workpool.h). */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "workpool.h"

struct job {
	workpool_fn	 fn;
	void		*arg;
};

struct workpool {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct job	*ring;
	size_t		 cap, head, n;
	bool		 stop;
	pthread_t	*th;
	unsigned	 nth;
};

static void *
worker(void *arg)
{
	struct workpool	*wp = arg;
	struct job	 j;

	pthread_mutex_lock(&wp->mu);
	for (;;) {
		while (wp->n == 0 && !wp->stop)
			pthread_cond_wait(&wp->cv, &wp->mu);
		if (wp->n == 0)
			break;
		j = wp->ring[wp->head];
		wp->head = (wp->head + 1) % wp->cap;
		wp->n--;
		pthread_mutex_unlock(&wp->mu);
		j.fn(j.arg);
		pthread_mutex_lock(&wp->mu);
	}
	pthread_mutex_unlock(&wp->mu);
	return NULL;
}

struct workpool *
workpool_new(unsigned threads, size_t max_queued)
{
	struct workpool	*wp;

	if ((wp = calloc(1, sizeof(*wp))) == NULL)
		return NULL;
	pthread_mutex_init(&wp->mu, NULL);
	pthread_cond_init(&wp->cv, NULL);
	wp->cap = max_queued ? max_queued : 1;
	if ((wp->ring = calloc(wp->cap, sizeof(*wp->ring))) == NULL ||
	    (wp->th = calloc(threads ? threads : 1, sizeof(*wp->th))) == NULL) {
		workpool_free(wp);
		return NULL;
	}
	for (; wp->nth < (threads ? threads : 1); wp->nth++)
		if (pthread_create(&wp->th[wp->nth], NULL, worker, wp) != 0) {
			workpool_free(wp);
			return NULL;
		}
	return wp;
}

int
workpool_submit(struct workpool *wp, workpool_fn fn, void *arg)
{
	int	 rc = -1;

	pthread_mutex_lock(&wp->mu);
	if (wp->n < wp->cap && !wp->stop) {
		wp->ring[(wp->head + wp->n) % wp->cap] = (struct job){ fn, arg };
		wp->n++;
		pthread_cond_signal(&wp->cv);
		rc = 0;
	}
	pthread_mutex_unlock(&wp->mu);
	return rc;
}

void
workpool_free(struct workpool *wp)
{
	unsigned	 i;

	if (wp == NULL)
		return;
	pthread_mutex_lock(&wp->mu);
	wp->stop = true;
	pthread_cond_broadcast(&wp->cv);
	pthread_mutex_unlock(&wp->mu);
	for (i = 0; i < wp->nth; i++)
		pthread_join(wp->th[i], NULL);
	pthread_cond_destroy(&wp->cv);
	pthread_mutex_destroy(&wp->mu);
	free(wp->th);
	free(wp->ring);
	free(wp);
}
