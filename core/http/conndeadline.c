/* conndeadline.c: per-connection read deadlines (see conndeadline.h). A list
 * is enough: the server holds at most --web.max-connections, and the scan
 * runs a few times a second. */
#include <sys/socket.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "conndeadline.h"

struct conndl_conn {
	struct conndl_conn	*prev, *next;
	int			 fd;
	int64_t			 start;		/* ms: opened or last answered */
	enum conndl_phase	 phase;
	bool			 shut;		/* shut down already */
};

struct conndl {
	pthread_mutex_t		 mu;
	struct conndl_conn	*head;
	size_t			 n;
	int64_t			 header_ms, read_ms;
};

struct conndl *
conndl_new(int64_t header_ms, int64_t read_ms)
{
	struct conndl	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	pthread_mutex_init(&t->mu, NULL);
	t->header_ms = header_ms;
	t->read_ms = read_ms;
	return t;
}

void
conndl_free(struct conndl *t)
{
	struct conndl_conn *c, *next;

	if (t == NULL)
		return;
	for (c = t->head; c; c = next) {
		next = c->next;
		free(c);
	}
	pthread_mutex_destroy(&t->mu);
	free(t);
}

struct conndl_conn *
conndl_add(struct conndl *t, int fd, int64_t now_ms)
{
	struct conndl_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->fd = fd;
	c->start = now_ms;
	c->phase = CONNDL_HEADERS;
	pthread_mutex_lock(&t->mu);
	c->next = t->head;
	if (t->head)
		t->head->prev = c;
	t->head = c;
	t->n++;
	pthread_mutex_unlock(&t->mu);
	return c;
}

void
conndl_remove(struct conndl *t, struct conndl_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		t->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	t->n--;
	pthread_mutex_unlock(&t->mu);
	free(c);
}

void
conndl_set_phase(struct conndl *t, struct conndl_conn *c, enum conndl_phase p)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	c->phase = p;
	pthread_mutex_unlock(&t->mu);
}

void
conndl_restart(struct conndl *t, struct conndl_conn *c, int64_t now_ms)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	c->phase = CONNDL_HEADERS;
	c->start = now_ms;
	pthread_mutex_unlock(&t->mu);
}

void
conndl_expire(struct conndl *t, int64_t now_ms, size_t *headers, size_t *body)
{
	struct conndl_conn *c;
	bool		 late;

	pthread_mutex_lock(&t->mu);
	for (c = t->head; c; c = c->next) {
		if (c->shut || c->phase == CONNDL_BUSY)
			continue;
		late = now_ms - c->start >= t->read_ms ||
		    (c->phase == CONNDL_HEADERS && now_ms - c->start >= t->header_ms);
		if (!late)
			continue;
		/* Under the mutex: the socket is closed only after
		 * conndl_remove, which waits for it. */
		(void)shutdown(c->fd, SHUT_RDWR);
		c->shut = true;
		if (c->phase == CONNDL_HEADERS)
			(*headers)++;
		else
			(*body)++;
	}
	pthread_mutex_unlock(&t->mu);
}

size_t
conndl_count(struct conndl *t)
{
	size_t	 n;

	pthread_mutex_lock(&t->mu);
	n = t->n;
	pthread_mutex_unlock(&t->mu);
	return n;
}
