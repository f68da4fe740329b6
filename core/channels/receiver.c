/* receiver.c: a receiver's integration configs by kind (receiver.h). */
#include <stdlib.h>
#include <string.h>

#include "cfgfield.h"
#include "receiver.h"

size_t
receiver_count(const struct receiver *r, const struct channel *c)
{
	if (r->kinds == NULL)
		return 0;
	return r->kinds[channel_index(c)].n;
}

const void *
receiver_config(const struct receiver *r, const struct channel *c, size_t idx)
{
	const struct receiver_kind *rk;

	if (idx >= receiver_count(r, c))
		return NULL;
	rk = &r->kinds[channel_index(c)];
	return (const char *)rk->v + idx * c->type->size;
}

size_t
receiver_sender_count(const struct receiver *r)
{
	const struct channel *c;
	size_t	 k, n = 0;

	for (k = 0; (c = channel_at(k)) != NULL; k++)
		if (c->ops != NULL)
			n += receiver_count(r, c);
	return n;
}

void *
receiver_add(struct receiver *r, const struct channel *c)
{
	struct receiver_kind *rk;

	if (r->kinds == NULL &&
	    (r->kinds = calloc(channel_count(), sizeof(*r->kinds))) == NULL)
		return NULL;
	rk = &r->kinds[channel_index(c)];
	return cf_append(&rk->v, &rk->n, c->type->size);
}

void
receiver_clear(struct receiver *r)
{
	const struct channel *c;
	size_t	 k, i;

	if (r == NULL)
		return;
	free(r->name);
	if (r->escalate != NULL)
		free(r->escalate->receiver);
	free(r->escalate);
	for (k = 0; r->kinds != NULL && (c = channel_at(k)) != NULL; k++) {
		for (i = 0; i < r->kinds[k].n; i++)
			c->clear((char *)r->kinds[k].v + i * c->type->size);
		free(r->kinds[k].v);
	}
	free(r->kinds);
	memset(r, 0, sizeof(*r));
}
