/* test_workpool.c: the auth workers' pool: a full queue refuses at once
 * (the server answers 503 rather than wait), every queued job runs, and
 * freeing the pool runs what is still queued. */
#include <pthread.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "workpool.h"

struct gate {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 open;
	int		 started;
	int		 done;
};

static void
blocked_job(void *arg)
{
	struct gate	*g = arg;

	pthread_mutex_lock(&g->mu);
	g->started++;
	pthread_cond_broadcast(&g->cv);
	while (!g->open)
		pthread_cond_wait(&g->cv, &g->mu);
	g->done++;
	pthread_mutex_unlock(&g->mu);
}

static void
test_full_queue_refuses_and_every_job_runs(void **state)
{
	struct gate	 g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };
	struct workpool	*wp;

	(void)state;
	assert_non_null(wp = workpool_new(1, 2));
	assert_int_equal(workpool_submit(wp, blocked_job, &g), 0);
	/* Wait until the worker holds the first job: the queue is empty. */
	pthread_mutex_lock(&g.mu);
	while (g.started == 0)
		pthread_cond_wait(&g.cv, &g.mu);
	pthread_mutex_unlock(&g.mu);
	assert_int_equal(workpool_submit(wp, blocked_job, &g), 0);
	assert_int_equal(workpool_submit(wp, blocked_job, &g), 0);
	assert_int_equal(workpool_submit(wp, blocked_job, &g), -1);
	pthread_mutex_lock(&g.mu);
	g.open = 1;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	/* Freeing runs what is still queued before the threads stop. */
	workpool_free(wp);
	assert_int_equal(g.done, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_queue_refuses_and_every_job_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
