/* wdpair.c: the watchdog pair's lease and signal queue (see wdpair.h).
 *
 * Why rows taken in id order and removed by id once applied, rather than a
 * high-water mark: ids come from a sequence when a row is inserted, but the
 * rows become visible when their transactions commit, in another order; a
 * mark would skip a row whose commit came late. A row not seen yet stays
 * queued and is taken by the next look, a few milliseconds out of order at
 * worst. A leader that dies between applying a row and removing it leaves
 * it to the next one, which applies it again: a success, a start or a fail
 * applied twice changes nothing a second time (no second DOWN, no second
 * recovery).
 *
 * Why a committer thread, as checkstate.c has: the 2xx waits for the row's
 * commit, and a commit is a round trip and the server's WAL flush; rows
 * waiting together go in one transaction, so concurrent pings share it and
 * no server thread waits for it. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "wdpair.h"
#include "wdpg.h"

/* pg_advisory_xact_lock key: two watchdogs starting together create the
 * table once (checkstate_pg.c has the one before it). */
#define CREATE_LOCK	"7630418728"

/* A queued row. */
struct item {
	struct item		*next;
	struct wdpair_signal	 s;	/* body and reason owned */
	wdpair_done_fn		 done;
	void			*arg;
};

struct wdpair {
	struct wdpg	*pg;
	struct store	*st;
	int64_t		 lease_ms;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct item	*head, **tail;	/* under mu */
	bool		 stopping;	/* under mu */
	bool		 running;
	pthread_t	 th;
	void		(*on_commit)(void *);
	void		*on_commit_arg;
};

static void *committer(void *arg);

static const char *const op_names[] = {
	[CHECK_SIG_SUCCESS] = "success",
	[CHECK_SIG_START] = "start",
	[CHECK_SIG_FAIL] = "fail",
	[CHECK_SIG_LOG] = "log",
};

static const char *
op_name(const struct wdpair_signal *s)
{
	switch (s->op) {
	case WDPAIR_PAUSE:
		return "pause";
	case WDPAIR_RESUME:
		return "resume";
	case WDPAIR_SIGNAL:
		break;
	}
	return op_names[s->sig];
}

static int
op_parse(const char *name, struct wdpair_signal *s)
{
	size_t	 i;

	s->op = WDPAIR_SIGNAL;
	if (strcmp(name, "pause") == 0)
		s->op = WDPAIR_PAUSE;
	else if (strcmp(name, "resume") == 0)
		s->op = WDPAIR_RESUME;
	else {
		for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
			if (strcmp(name, op_names[i]) == 0) {
				s->sig = (enum check_signal_kind)i;
				return 0;
			}
		return -1;
	}
	return 0;
}

struct wdpair *
wdpair_open(const char *url, struct store *st, int64_t lease_ms, struct terr *err)
{
	struct wdpair	*p;
	int		 rc = -1;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		terr_set(err, "watchdog pair: out of memory");
		return NULL;
	}
	p->st = st;
	p->lease_ms = lease_ms;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->tail = &p->head;
	if ((p->pg = wdpg_open(url, "watchdog signals", err)) == NULL)
		goto fail;
	wdpg_lock(p->pg);
	if (wdpg_cmd(p->pg, "BEGIN", 0, NULL, "create table", err) == 0) {
		if (wdpg_cmd(p->pg, "SELECT pg_advisory_xact_lock(" CREATE_LOCK ")",
		    0, NULL, "create table", err) == 0 &&
		    wdpg_cmd(p->pg, "CREATE TABLE IF NOT EXISTS watchdog_signals ("
		    " id bigserial PRIMARY KEY,"
		    " name text NOT NULL,"
		    " kind text NOT NULL,"
		    " op text NOT NULL,"
		    " rid text NOT NULL,"
		    " body bytea,"
		    " reason text,"
		    " taken_at timestamptz NOT NULL DEFAULT clock_timestamp())",
		    0, NULL, "create table", err) == 0 &&
		    wdpg_cmd(p->pg, "SELECT id, name, kind, op, rid, body, reason"
		    " FROM watchdog_signals LIMIT 0", 0, NULL, "check table",
		    err) == 0 &&
		    wdpg_cmd(p->pg, "COMMIT", 0, NULL, "create table", err) == 0)
			rc = 0;
		else
			wdpg_rollback(p->pg);
	}
	wdpg_unlock(p->pg);
	if (rc == -1)
		goto fail;
	if (pthread_create(&p->th, NULL, committer, p) != 0) {
		terr_set(err, "watchdog signals: cannot start the committer");
		goto fail;
	}
	p->running = true;
	return p;
fail:
	wdpair_close(p);
	return NULL;
}

void
wdpair_close(struct wdpair *p)
{
	if (p == NULL)
		return;
	if (p->running) {
		/* The committer finishes what is queued first. */
		pthread_mutex_lock(&p->mu);
		p->stopping = true;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
	}
	wdpg_close(p->pg);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int64_t
wdpair_poll_ms(const struct wdpair *p)
{
	return p->lease_ms / 3 < WDPAIR_POLL_MAX_MS ? p->lease_ms / 3 :
	    WDPAIR_POLL_MAX_MS;
}

void
wdpair_on_commit(struct wdpair *p, void (*on_commit)(void *), void *arg)
{
	pthread_mutex_lock(&p->mu);
	p->on_commit = on_commit;
	p->on_commit_arg = arg;
	pthread_mutex_unlock(&p->mu);
}

int64_t
wdpair_lease_ms(const struct wdpair *p)
{
	return p->lease_ms;
}

int
wdpair_lead(struct wdpair *p, bool *leading, struct terr *err)
{
	*leading = false;
	return store_lease(p->st, WDPAIR_LEASE, p->lease_ms, leading, err);
}

/* One row in the open transaction. */
static int
insert(struct wdpair *p, const struct wdpair_signal *s, struct terr *err)
{
	const char	*v[6] = { s->name, check_kind_name(s->kind), op_name(s),
	    s->rid, s->body, s->reason };
	const int	 lens[6] = { 0, 0, 0, 0, (int)s->bodylen, 0 };
	const int	 bin[6] = { 0, 0, 0, 0, 1, 0 };
	PGresult	*res;

	if ((res = wdpg_exec(p->pg, "INSERT INTO watchdog_signals (name, kind, op,"
	    " rid, body, reason) VALUES ($1, $2, $3, $4, $5, $6)", 6, v, lens, bin,
	    "queue a signal", err)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

static int
commit_batch(struct wdpair *p, const struct item *batch, struct terr *err)
{
	const struct item *it;
	int		 rc = -1;

	wdpg_lock(p->pg);
	if (wdpg_cmd(p->pg, "BEGIN", 0, NULL, "queue a signal", err) == -1)
		goto out;
	for (it = batch; it != NULL; it = it->next)
		if (insert(p, &it->s, err) == -1) {
			wdpg_rollback(p->pg);
			goto out;
		}
	if (wdpg_cmd(p->pg, "COMMIT", 0, NULL, "queue a signal", err) == -1) {
		wdpg_rollback(p->pg);
		goto out;
	}
	rc = 0;
out:
	wdpg_unlock(p->pg);
	return rc;
}

static void
item_free(struct item *it)
{
	free((char *)it->s.body);
	free((char *)it->s.reason);
	free(it);
}

static void *
committer(void *arg)
{
	struct wdpair	*p = arg;
	struct item	*batch, *next;
	struct terr	 err;
	int		 rc;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->head == NULL && !p->stopping)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->head == NULL)
			break;
		batch = p->head;
		p->head = NULL;
		p->tail = &p->head;
		pthread_mutex_unlock(&p->mu);
		memset(&err, 0, sizeof(err));
		rc = commit_batch(p, batch, &err);
		/* Under mu, so that once wdpair_on_commit(p, NULL, NULL)
		 * returned the hook is never called again. */
		pthread_mutex_lock(&p->mu);
		if (rc == 0 && p->on_commit != NULL)
			p->on_commit(p->on_commit_arg);
		pthread_mutex_unlock(&p->mu);
		for (; batch != NULL; batch = next) {
			next = batch->next;
			batch->done(batch->arg, batch->s.name, rc, &err);
			item_free(batch);
		}
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
wdpair_put_async(struct wdpair *p, const struct wdpair_signal *s,
    wdpair_done_fn done, void *arg, struct terr *err)
{
	/* check_signal keeps CHECK_MSG_MAX bytes of the text it makes of a
	 * body, and each byte taken makes at least one: a few more than that
	 * keep a character cut at the limit whole. */
	size_t		 len = s->bodylen > CHECK_MSG_MAX + 4 ? CHECK_MSG_MAX + 4 :
	    s->bodylen;
	struct item	*it;

	if ((it = calloc(1, sizeof(*it))) == NULL)
		return terr_set(err, "watchdog signals: out of memory");
	it->s = *s;
	it->s.body = NULL;
	it->s.reason = NULL;
	it->s.bodylen = len;
	it->done = done;
	it->arg = arg;
	/* A body of 0 bytes is not NULL: it replaces the last message. */
	if ((s->body != NULL && (it->s.body = malloc(len + 1)) == NULL) ||
	    (s->reason != NULL && (it->s.reason = strdup(s->reason)) == NULL)) {
		item_free(it);
		return terr_set(err, "watchdog signals: out of memory");
	}
	if (s->body != NULL)
		memcpy((char *)it->s.body, s->body, len);
	pthread_mutex_lock(&p->mu);
	*p->tail = it;
	p->tail = &it->next;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/* A caller waiting for its row, as wdpair_put does. */
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

int
wdpair_put(struct wdpair *p, const struct wdpair_signal *s, struct terr *err)
{
	struct waiter	w;
	int		rc;

	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	if ((rc = wdpair_put_async(p, s, wake, &w, err)) == 0) {
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

void
wdpair_signals_free(struct wdpair_signal *v, size_t n)
{
	size_t	 i;

	for (i = 0; v != NULL && i < n; i++) {
		PQfreemem((void *)v[i].body);
		free((char *)v[i].reason);
	}
	free(v);
}

int
wdpair_take(struct wdpair *p, size_t max, struct wdpair_signal **out,
    size_t *n, struct terr *err)
{
	struct wdpair_signal *v = NULL, *s;
	PGresult	*res;
	char		 lim[24];
	const char	*vals[1] = { lim };
	size_t		 rows, i, k = 0;
	int		 row;

	*out = NULL;
	*n = 0;
	snprintf(lim, sizeof(lim), "%zu", max);
	wdpg_lock(p->pg);
	res = wdpg_exec(p->pg, "SELECT id, name, kind, op, rid, body, reason"
	    " FROM watchdog_signals ORDER BY id LIMIT $1", 1, vals, NULL, NULL,
	    "read the signals", err);
	wdpg_unlock(p->pg);
	if (res == NULL)
		return -1;
	rows = (size_t)PQntuples(res);
	if (rows > 0 && (v = calloc(rows, sizeof(*v))) == NULL)
		goto oom;
	for (i = 0; i < rows; i++) {
		row = (int)i;
		s = &v[k];
		s->id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
		/* A row this program cannot read (a newer one's, a name
		 * too long) is skipped, and removed with the others. */
		if (snprintf(s->name, sizeof(s->name), "%s",
		    PQgetvalue(res, row, 1)) >= (int)sizeof(s->name) ||
		    check_kind_parse(PQgetvalue(res, row, 2), &s->kind) == -1 ||
		    op_parse(PQgetvalue(res, row, 3), s) == -1 ||
		    snprintf(s->rid, sizeof(s->rid), "%s",
		    PQgetvalue(res, row, 4)) >= (int)sizeof(s->rid)) {
			memset(s, 0, sizeof(*s));
			s->id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
			s->op = WDPAIR_SIGNAL;
			s->name[0] = '\0';
			k++;
			continue;
		}
		if (!PQgetisnull(res, row, 5)) {
			s->body = (const char *)PQunescapeBytea(
			    (const unsigned char *)PQgetvalue(res, row, 5), &s->bodylen);
			if (s->body == NULL)
				goto oom;
		}
		if (!PQgetisnull(res, row, 6) &&
		    (s->reason = strdup(PQgetvalue(res, row, 6))) == NULL) {
			k++;
			goto oom;
		}
		k++;
	}
	PQclear(res);
	*out = v;
	*n = k;
	return 0;
oom:
	PQclear(res);
	wdpair_signals_free(v, k);
	return terr_set(err, "watchdog signals: out of memory");
}

int
wdpair_done(struct wdpair *p, const struct wdpair_signal *v, size_t n,
    struct terr *err)
{
	struct buf	 ids;
	const char	*vals[1];
	size_t		 i;
	int		 rc = -1;

	if (n == 0)
		return 0;
	buf_init(&ids, SIZE_MAX);
	if (buf_addc(&ids, '{') == -1)
		goto oom;
	for (i = 0; i < n; i++)
		if (buf_printf(&ids, "%s%" PRId64, i > 0 ? "," : "", v[i].id) == -1)
			goto oom;
	if (buf_adds(&ids, "}") == -1)
		goto oom;
	vals[0] = buf_str(&ids);
	wdpg_lock(p->pg);
	rc = wdpg_cmd(p->pg, "DELETE FROM watchdog_signals WHERE id = ANY($1::bigint[])",
	    1, vals, "remove applied signals", err);
	wdpg_unlock(p->pg);
	buf_free(&ids);
	return rc;
oom:
	buf_free(&ids);
	return terr_set(err, "watchdog signals: out of memory");
}
