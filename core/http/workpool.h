/* workpool.h: a few threads that run queued jobs, with a bounded queue, for
 * slow work (bcrypt) that must not hold the server's request threads. */
#ifndef TOCSIN_WORKPOOL_H
#define TOCSIN_WORKPOOL_H

#include <stddef.h>

#include "err.h"

struct workpool;	/* opaque */

typedef void (*workpool_fn)(void *arg);

/* threads workers, at most max_queued jobs waiting. NULL when threads
 * cannot be started. Caller frees with workpool_free. */
struct workpool *workpool_new(unsigned threads, size_t max_queued);
/* Queues fn(arg); -1 (fn is not called) when the queue is full. */
int	workpool_submit(struct workpool *wp, workpool_fn fn, void *arg) WARN_UNUSED;
/* Runs every queued job, then stops the threads and frees. NULL is fine. */
void	workpool_free(struct workpool *wp);

#endif
