/* dlheap.c: a binary min-heap with each id's position kept, so an id's
 * deadline can be changed or removed in place (see dlheap.h). */
#include <stdlib.h>

#include "dlheap.h"

#define NOWHERE	SIZE_MAX

struct slot {
	int64_t	deadline;
	size_t	id;
};

struct dlheap {
	struct slot	*heap;	/* n used, ordered by deadline */
	size_t		 n;
	size_t		*pos;	/* per id: index in heap, NOWHERE if absent */
	size_t		 nids;
};

struct dlheap *
dlheap_new(size_t nids)
{
	struct dlheap	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if (dlheap_grow(h, nids) == -1) {
		dlheap_free(h);
		return NULL;
	}
	return h;
}

void
dlheap_free(struct dlheap *h)
{
	if (h == NULL)
		return;
	free(h->heap);
	free(h->pos);
	free(h);
}

int
dlheap_grow(struct dlheap *h, size_t nids)
{
	struct slot	*nh;
	size_t		*np, i;

	if (nids <= h->nids)
		return 0;
	if ((np = reallocarray(h->pos, nids, sizeof(*np))) == NULL)
		return -1;
	h->pos = np;
	if ((nh = reallocarray(h->heap, nids, sizeof(*nh))) == NULL)
		return -1;
	h->heap = nh;
	for (i = h->nids; i < nids; i++)
		h->pos[i] = NOWHERE;
	h->nids = nids;
	return 0;
}

static void
place(struct dlheap *h, size_t i, struct slot s)
{
	h->heap[i] = s;
	h->pos[s.id] = i;
}

static void
sift_up(struct dlheap *h, size_t i)
{
	struct slot	s = h->heap[i];
	size_t		parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (h->heap[parent].deadline <= s.deadline)
			break;
		place(h, i, h->heap[parent]);
		i = parent;
	}
	place(h, i, s);
}

static void
sift_down(struct dlheap *h, size_t i)
{
	struct slot	s = h->heap[i];
	size_t		child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= h->n)
			break;
		if (child + 1 < h->n &&
		    h->heap[child + 1].deadline < h->heap[child].deadline)
			child++;
		if (s.deadline <= h->heap[child].deadline)
			break;
		place(h, i, h->heap[child]);
		i = child;
	}
	place(h, i, s);
}

static void
remove_at(struct dlheap *h, size_t i)
{
	size_t	moved;

	h->pos[h->heap[i].id] = NOWHERE;
	if (--h->n == i)
		return;
	/* The last slot fills the hole and moves whichever way it must. */
	moved = h->heap[h->n].id;
	place(h, i, h->heap[h->n]);
	sift_up(h, i);
	sift_down(h, h->pos[moved]);
}

void
dlheap_set(struct dlheap *h, size_t id, int64_t deadline)
{
	size_t	i;

	if (id >= h->nids)
		return;
	i = h->pos[id];
	if (deadline == DLHEAP_NEVER) {
		if (i != NOWHERE)
			remove_at(h, i);
		return;
	}
	if (i == NOWHERE) {
		i = h->n++;
		place(h, i, (struct slot){ deadline, id });
		sift_up(h, i);
		return;
	}
	h->heap[i].deadline = deadline;
	sift_up(h, i);
	sift_down(h, h->pos[id]);
}

int64_t
dlheap_get(const struct dlheap *h, size_t id)
{
	if (id >= h->nids || h->pos[id] == NOWHERE)
		return DLHEAP_NEVER;
	return h->heap[h->pos[id]].deadline;
}

int64_t
dlheap_min(const struct dlheap *h, size_t *id)
{
	if (h->n == 0)
		return DLHEAP_NEVER;
	if (id != NULL)
		*id = h->heap[0].id;
	return h->heap[0].deadline;
}

size_t
dlheap_count(const struct dlheap *h)
{
	return h->n;
}
