/* addrfail.c: per-address login backoff (see addrfail.h). A linear scan of
 * a small table under one mutex: far cheaper than the bcrypt it saves. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "addrfail.h"

#define ADDR_MAX 64

struct slot {
	char		 addr[ADDR_MAX];	/* "" when free */
	unsigned	 fails;
	unsigned	 pending;	/* checks begun, not ended */
	int64_t		 last;		/* ms of the last failure */
	int64_t		 until;		/* ms: no check before */
};

struct addrfail {
	pthread_mutex_t	 mu;
	struct slot	*s;
	size_t		 n;
};

struct addrfail *
addrfail_new(size_t slots)
{
	struct addrfail	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->n = slots ? slots : 1024;
	if ((t->s = calloc(t->n, sizeof(*t->s))) == NULL) {
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->mu, NULL);
	return t;
}

void
addrfail_free(struct addrfail *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t->s);
	free(t);
}

static struct slot *
find(struct addrfail *t, const char *addr)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (t->s[i].addr[0] && strcmp(t->s[i].addr, addr) == 0)
			return &t->s[i];
	return NULL;
}

/* A free slot, or the idle one that failed longest ago (any one that
 * failed longest ago when none is idle). */
static struct slot *
claim(struct addrfail *t, const char *addr, int64_t now_ms)
{
	struct slot	*old = NULL, *any = &t->s[0];
	size_t		 i;

	for (i = 0; i < t->n; i++) {
		if (t->s[i].addr[0] == '\0') {
			old = &t->s[i];
			break;
		}
		if (t->s[i].pending == 0 && (old == NULL || t->s[i].last < old->last))
			old = &t->s[i];
		if (t->s[i].last < any->last)
			any = &t->s[i];
	}
	if (old == NULL)
		old = any;
	memset(old, 0, sizeof(*old));
	strncpy(old->addr, addr, sizeof(old->addr) - 1);
	old->last = now_ms;
	return old;
}

int64_t
addrfail_wait(struct addrfail *t, const char *addr, int64_t now_ms)
{
	struct slot	*s;
	int64_t		 w = 0;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, addr)) != NULL && s->until > now_ms)
		w = s->until - now_ms;
	pthread_mutex_unlock(&t->mu);
	return w;
}

void
addrfail_failed(struct addrfail *t, const char *addr, int64_t now_ms)
{
	struct slot	*s;
	int64_t		 wait;
	unsigned	 i;

	if (addr[0] == '\0')
		return;
	pthread_mutex_lock(&t->mu);
	if ((s = find(t, addr)) == NULL)
		s = claim(t, addr, now_ms);
	else if (now_ms - s->last >= ADDRFAIL_FORGET_MS)
		s->fails = 0;
	s->fails++;
	s->last = now_ms;
	if (s->fails > ADDRFAIL_FREE) {
		wait = ADDRFAIL_BASE_MS;
		for (i = ADDRFAIL_FREE + 1; i < s->fails && wait < ADDRFAIL_MAX_MS; i++)
			wait *= 2;
		if (wait > ADDRFAIL_MAX_MS)
			wait = ADDRFAIL_MAX_MS;
		s->until = now_ms + wait;
	}
	pthread_mutex_unlock(&t->mu);
}

/* Frees the slot of an address with nothing to remember. */
static void
release_idle(struct slot *s)
{
	if (s->pending == 0 && s->fails == 0)
		memset(s, 0, sizeof(*s));
}

bool
addrfail_begin(struct addrfail *t, const char *addr, int64_t now_ms)
{
	struct slot	*s;
	bool		 ok = true;

	if (addr[0] == '\0')
		return true;
	pthread_mutex_lock(&t->mu);
	if ((s = find(t, addr)) == NULL)
		s = claim(t, addr, now_ms);
	if (s->pending >= ADDRFAIL_MAX_PENDING)
		ok = false;
	else
		s->pending++;
	pthread_mutex_unlock(&t->mu);
	return ok;
}

void
addrfail_end(struct addrfail *t, const char *addr)
{
	struct slot	*s;

	if (addr[0] == '\0')
		return;
	pthread_mutex_lock(&t->mu);
	/* Gone when a full table reused its slot: nothing to count down. */
	if ((s = find(t, addr)) != NULL && s->pending > 0) {
		s->pending--;
		release_idle(s);
	}
	pthread_mutex_unlock(&t->mu);
}

void
addrfail_succeeded(struct addrfail *t, const char *addr)
{
	struct slot	*s;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, addr)) != NULL) {
		s->fails = 0;
		s->until = 0;
		release_idle(s);
	}
	pthread_mutex_unlock(&t->mu);
}
