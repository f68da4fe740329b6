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

/* A free slot, or the one that failed longest ago. */
static struct slot *
claim(struct addrfail *t, const char *addr)
{
	struct slot	*old = &t->s[0];
	size_t		 i;

	for (i = 0; i < t->n; i++) {
		if (t->s[i].addr[0] == '\0') {
			old = &t->s[i];
			break;
		}
		if (t->s[i].last < old->last)
			old = &t->s[i];
	}
	memset(old, 0, sizeof(*old));
	strncpy(old->addr, addr, sizeof(old->addr) - 1);
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
		s = claim(t, addr);
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

void
addrfail_succeeded(struct addrfail *t, const char *addr)
{
	struct slot	*s;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, addr)) != NULL)
		memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&t->mu);
}
