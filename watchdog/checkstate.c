/* checkstate.c: the check states' write queue and its committer thread,
 * over one of the backends of checkstate_int.h (SQLite, PostgreSQL).
 *
 * Why one committer thread: each commit is an fsync (a couple of
 * milliseconds on a disk), so a ping that waited for its own would cap the
 * watchdog at a few hundred pings a second. Every save and delete is queued
 * and the committer writes whatever is waiting in one transaction (group
 * commit, as the relay's store does): N concurrent pings cost one fsync, and
 * the queue keeps their order, so a check's rows land in the order of its
 * events. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkstate.h"
#include "checkstate_int.h"

struct checkstate {
	const struct checkstate_ops *ops;
	void		*be;
	const char	*where;		/* the backend's */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	pthread_cond_t	 done_cv;	/* a batch was committed */
	struct checkstate_item *head, **tail;	/* under mu */
	/* Items numbered as queued: how many, how many of them are done,
	 * and the number of the last one in a batch that failed (under mu). */
	uint64_t	 queued, finished, failed;
	bool		 stopping;	/* under mu */
	bool		 running;
	pthread_t	 th;
};

static void *committer(void *arg);

static struct checkstate *
start(const struct checkstate_ops *ops, void *be, const char *where,
    struct terr *err)
{
	struct checkstate	*cs;

	if ((cs = calloc(1, sizeof(*cs))) == NULL) {
		ops->close(be);
		terr_set(err, "watchdog state: out of memory");
		return NULL;
	}
	cs->ops = ops;
	cs->be = be;
	cs->where = where;
	pthread_mutex_init(&cs->mu, NULL);
	pthread_cond_init(&cs->cv, NULL);
	pthread_cond_init(&cs->done_cv, NULL);
	cs->tail = &cs->head;
	if (pthread_create(&cs->th, NULL, committer, cs) != 0) {
		terr_set(err, "watchdog state %s: cannot start the committer", where);
		checkstate_close(cs);
		return NULL;
	}
	cs->running = true;
	return cs;
}

struct checkstate *
checkstate_open(const char *dir, struct terr *err)
{
	const char	*where;
	void		*be;

	if (checkstate_sqlite_open(dir, &be, &where, err) == -1)
		return NULL;
	return start(&checkstate_sqlite_ops, be, where, err);
}

struct checkstate *
checkstate_open_pg(const char *url, struct terr *err)
{
	const char	*where;
	void		*be;

	if (checkstate_pg_open(url, &be, &where, err) == -1)
		return NULL;
	return start(&checkstate_pg_ops, be, where, err);
}

void
checkstate_close(struct checkstate *cs)
{
	if (cs == NULL)
		return;
	if (cs->running) {
		/* The committer finishes what is queued first. */
		pthread_mutex_lock(&cs->mu);
		cs->stopping = true;
		pthread_cond_signal(&cs->cv);
		pthread_mutex_unlock(&cs->mu);
		pthread_join(cs->th, NULL);
	}
	cs->ops->close(cs->be);
	pthread_cond_destroy(&cs->cv);
	pthread_cond_destroy(&cs->done_cv);
	pthread_mutex_destroy(&cs->mu);
	free(cs);
}

const char *
checkstate_path(const struct checkstate *cs)
{
	return cs->where;
}

static void
item_free(struct checkstate_item *it)
{
	free((char *)it->rec.name);
	free((char *)it->rec.last_message);
	free((char *)it->rec.reason);
	free(it);
}

static void *
committer(void *arg)
{
	struct checkstate *cs = arg;
	struct checkstate_item *batch, *next;
	struct terr	 err;
	uint64_t	 n;
	int		 rc;

	pthread_mutex_lock(&cs->mu);
	for (;;) {
		while (cs->head == NULL && !cs->stopping)
			pthread_cond_wait(&cs->cv, &cs->mu);
		if (cs->head == NULL)
			break;
		batch = cs->head;
		cs->head = NULL;
		cs->tail = &cs->head;
		pthread_mutex_unlock(&cs->mu);
		memset(&err, 0, sizeof(err));
		rc = cs->ops->commit(cs->be, batch, &err);
		for (n = 0; batch != NULL; batch = next, n++) {
			next = batch->next;
			if (batch->done != NULL)
				batch->done(batch->arg, batch->rec.name, rc, &err);
			item_free(batch);
		}
		pthread_mutex_lock(&cs->mu);
		cs->finished += n;
		if (rc == -1)
			cs->failed = cs->finished;
		pthread_cond_broadcast(&cs->done_cv);
	}
	pthread_mutex_unlock(&cs->mu);
	return NULL;
}

static int
enqueue(struct checkstate *cs, bool del, const struct check_record *rec,
    checkstate_done_fn done, void *arg, struct terr *err)
{
	struct checkstate_item	*it;

	if ((it = calloc(1, sizeof(*it))) == NULL ||
	    (it->rec = *rec, it->rec.name = strdup(rec->name)) == NULL ||
	    (it->rec.last_message = strdup(rec->last_message ? rec->last_message : "")) == NULL ||
	    (it->rec.reason = strdup(rec->reason ? rec->reason : "")) == NULL) {
		if (it != NULL)
			item_free(it);
		return terr_set(err, "watchdog state %s: out of memory", cs->where);
	}
	it->del = del;
	it->done = done;
	it->arg = arg;
	pthread_mutex_lock(&cs->mu);
	cs->queued++;
	*cs->tail = it;
	cs->tail = &it->next;
	pthread_cond_signal(&cs->cv);
	pthread_mutex_unlock(&cs->mu);
	return 0;
}

int
checkstate_save_async(struct checkstate *cs, const struct check_record *rec,
    checkstate_done_fn done, void *arg, struct terr *err)
{
	return enqueue(cs, false, rec, done, arg, err);
}

/* A caller waiting for its write, as the synchronous functions do. */
struct waiter {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 done;
	int		 rc;
	struct terr	 err;
};

static void
wake(void *arg, const char *name, int rc, const struct terr *err)
{
	struct waiter	*w = arg;

	(void)name;
	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	if (rc == -1)
		w->err = *err;
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static int
write_and_wait(struct checkstate *cs, bool del, const struct check_record *rec,
    struct terr *err)
{
	struct waiter	w;
	int		rc;

	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	if ((rc = enqueue(cs, del, rec, wake, &w, err)) == 0) {
		pthread_mutex_lock(&w.mu);
		while (!w.done)
			pthread_cond_wait(&w.cv, &w.mu);
		pthread_mutex_unlock(&w.mu);
		if ((rc = w.rc) == -1)
			*err = w.err;
	}
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	return rc;
}

int
checkstate_save(struct checkstate *cs, const struct check_record *rec,
    struct terr *err)
{
	return write_and_wait(cs, false, rec, err);
}

int
checkstate_delete(struct checkstate *cs, const char *name, struct terr *err)
{
	struct check_record	rec;

	memset(&rec, 0, sizeof(rec));
	rec.name = name;
	return write_and_wait(cs, true, &rec, err);
}

uint64_t
checkstate_mark(struct checkstate *cs)
{
	uint64_t	 m;

	pthread_mutex_lock(&cs->mu);
	m = cs->queued;
	pthread_mutex_unlock(&cs->mu);
	return m;
}

int
checkstate_flush(struct checkstate *cs, uint64_t mark, struct terr *err)
{
	uint64_t	 target;
	int		 rc = 0;

	pthread_mutex_lock(&cs->mu);
	target = cs->queued;
	while (cs->finished < target)
		pthread_cond_wait(&cs->done_cv, &cs->mu);
	if (cs->failed > mark)
		rc = terr_set(err, "watchdog state %s: a save failed", cs->where);
	pthread_mutex_unlock(&cs->mu);
	return rc;
}

int
checkstate_load(struct checkstate *cs, struct check_record **recs, size_t *n,
    struct terr *err)
{
	int64_t	 all = 0;

	*recs = NULL;
	*n = 0;
	return cs->ops->load(cs->be, &all, recs, n, err);
}

int
checkstate_load_changed(struct checkstate *cs, int64_t *since,
    struct check_record **recs, size_t *n, struct terr *err)
{
	*recs = NULL;
	*n = 0;
	return cs->ops->load(cs->be, since, recs, n, err);
}

void
checkstate_records_free(struct check_record *recs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free((char *)recs[i].name);
		free((char *)recs[i].last_message);
		free((char *)recs[i].reason);
	}
	free(recs);
}
