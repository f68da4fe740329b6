/* ratelimit.c: token buckets with an injected clock (see ratelimit.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"

struct bucket {
	char	*key;
	double	 tokens;
	int64_t	 last;		/* clock value tokens was computed at */
};

struct ratelimit {
	pthread_mutex_t	 mu;
	rl_clock_fn	 clock;
	void		*arg;
	struct bucket	*b;
	size_t		 n, alloc;
	struct rl_shared sh;		/* take NULL: the buckets above */
};

int
rl_rate_parse(const char *s, struct rl_rate *out, struct terr *err)
{
	char	*end;
	double	 n, per;

	if (strcmp(s, "0") == 0) {
		out->per_sec = 0;
		out->burst = 1;
		return 0;
	}
	/* strtod would take "inf", "nan", hex and leading space: digits only. */
	if (s[strspn(s, "0123456789.")] != '/' || !isdigit((unsigned char)s[0]))
		goto bad;
	errno = 0;
	n = strtod(s, &end);
	if (errno != 0 || *end != '/' || !(n > 0))
		goto bad;
	if (strcmp(end, "/s") == 0)
		per = 1;
	else if (strcmp(end, "/m") == 0)
		per = 60;
	else if (strcmp(end, "/h") == 0)
		per = 3600;
	else
		goto bad;
	/* Bounded so that the wait for one token, 1000 / per_sec ms, is a
	 * sane int64: with no floor, 1e-30/h overflowed it. */
	if (n < RL_RATE_MIN || n > RL_RATE_MAX)
		return terr_set(err, "N must be from 0.001 to 1000000, got \"%s\"", s);
	out->per_sec = n / per;
	out->burst = n < 1 ? 1 : floor(n);
	return 0;
 bad:
	return terr_set(err, "want a rate such as 1/s, 20/m or 100/h, or 0 for no "
	    "limit, got \"%s\"", s);
}

struct ratelimit *
ratelimit_new(rl_clock_fn clock, void *arg)
{
	struct ratelimit *rl;

	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	pthread_mutex_init(&rl->mu, NULL);
	rl->clock = clock;
	rl->arg = arg;
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	for (size_t i = 0; i < rl->n; i++)
		free(rl->b[i].key);
	free(rl->b);
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

/* The bucket for key, created full when new; NULL when memory runs out.
 * A linear scan: a relay talks to tens of destinations, not thousands. */
static struct bucket *
bucket_get(struct ratelimit *rl, const char *key, double burst, int64_t now)
{
	struct bucket	*nb;

	for (size_t i = 0; i < rl->n; i++)
		if (strcmp(rl->b[i].key, key) == 0)
			return &rl->b[i];
	if (rl->n == rl->alloc) {
		size_t na = rl->alloc ? rl->alloc * 2 : 16;

		if ((nb = reallocarray(rl->b, na, sizeof(*nb))) == NULL)
			return NULL;
		rl->b = nb;
		rl->alloc = na;
	}
	nb = &rl->b[rl->n];
	if ((nb->key = strdup(key)) == NULL)
		return NULL;
	nb->tokens = burst;
	nb->last = now;
	rl->n++;
	return nb;
}

static double
burst_of(const struct rl_rate *r)
{
	return r->burst < 1 ? 1 : r->burst;
}

static int64_t
take_locked(struct ratelimit *rl, const struct rl_want *w, size_t n)
{
	struct bucket	*bk[16];
	int64_t		 now = rl->clock(rl->arg), wait = 0;

	if (n > 16)
		n = 16;
	for (size_t i = 0; i < n; i++) {
		const struct rl_rate *r = &w[i].rate;
		double	 burst = burst_of(r);

		bk[i] = NULL;
		if (r->per_sec <= 0)
			continue;
		if ((bk[i] = bucket_get(rl, w[i].key, burst, now)) == NULL)
			return -1;
		if (now > bk[i]->last) {
			bk[i]->tokens += (double)(now - bk[i]->last) *
			    r->per_sec / 1000.0;
			if (bk[i]->tokens > burst)
				bk[i]->tokens = burst;
			bk[i]->last = now;
		}
		if (bk[i]->tokens < 1.0) {
			/* Round up so that the caller never wakes a
			 * millisecond early and finds the bucket still short. */
			int64_t need = (int64_t)ceil((1.0 - bk[i]->tokens) *
			    1000.0 / r->per_sec - 1e-9);

			if (need < 1)
				need = 1;
			if (need > wait)
				wait = need;
		}
	}
	if (wait > 0)
		return wait;
	for (size_t i = 0; i < n; i++)
		if (bk[i] != NULL)
			bk[i]->tokens -= 1.0;
	return 0;
}

void
ratelimit_share(struct ratelimit *rl, const struct rl_shared *sh)
{
	rl->sh = *sh;
}

/* The wants of w[0..n-1] that have a rate (and, with all false, that are
 * not shared) into out (16 at most): how many. */
static size_t
limited(const struct rl_want *w, size_t n, bool all, struct rl_want *out)
{
	size_t	 k = 0;

	for (size_t i = 0; i < n && k < 16; i++)
		if (w[i].rate.per_sec > 0 && (all || !w[i].shared))
			out[k++] = w[i];
	return k;
}

int64_t
ratelimit_take(struct ratelimit *rl, const struct rl_want *w, size_t n)
{
	struct rl_want	 lw[16];
	size_t		 k;
	int64_t		 rc;

	/* Outside the mutex: the shared side does its own locking, and a
	 * round trip to it must not hold up the dones of other sends. */
	if (rl->sh.take != NULL) {
		if ((k = limited(w, n, true, lw)) == 0)
			return 0;
		return rl->sh.take(rl->sh.arg, lw, k);
	}
	pthread_mutex_lock(&rl->mu);
	rc = take_locked(rl, w, n);
	pthread_mutex_unlock(&rl->mu);
	return rc;
}

void
ratelimit_done(struct ratelimit *rl, const struct rl_want *w, size_t n)
{
	struct rl_want	 lw[16];
	size_t		 nl;
	int64_t		 now;

	if (rl->sh.take != NULL) {
		if (rl->sh.done != NULL && (nl = limited(w, n, false, lw)) > 0)
			rl->sh.done(rl->sh.arg, lw, nl);
		return;
	}
	now = rl->clock(rl->arg);
	pthread_mutex_lock(&rl->mu);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < rl->n && !w[i].shared; k++)
			if (strcmp(rl->b[k].key, w[i].key) == 0) {
				/* What accrued while in flight is dropped. */
				if (now > rl->b[k].last)
					rl->b[k].last = now;
				break;
			}
	pthread_mutex_unlock(&rl->mu);
}
