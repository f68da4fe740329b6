/* dlheap.h: a min-heap of deadlines keyed by a dense id (a check's index),
 * so the scheduler finds the earliest deadline and the checks that are due
 * in O(log n) each, however many checks there are, and a ping that moves one
 * check's deadline costs O(log n) too. */
#ifndef TOCSIN_DLHEAP_H
#define TOCSIN_DLHEAP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* "No deadline": an id set to it leaves the heap. */
#define DLHEAP_NEVER	INT64_MAX

struct dlheap;

/* A heap for ids 0..nids-1, all without a deadline. NULL when memory runs
 * out. Caller frees with dlheap_free. */
struct dlheap *dlheap_new(size_t nids);
void	dlheap_free(struct dlheap *h);
/* Makes room for ids up to nids-1 (new ones without a deadline); -1 when
 * memory runs out, the heap unchanged. */
int	dlheap_grow(struct dlheap *h, size_t nids) WARN_UNUSED;

/* Sets id's deadline (inserting, moving or, with DLHEAP_NEVER, removing). */
void	dlheap_set(struct dlheap *h, size_t id, int64_t deadline);
/* id's deadline, DLHEAP_NEVER if none. */
int64_t	dlheap_get(const struct dlheap *h, size_t id);
/* The earliest deadline, DLHEAP_NEVER when empty; its id into *id (may be
 * NULL). Of equal deadlines, any one. */
int64_t	dlheap_min(const struct dlheap *h, size_t *id);
/* Number of ids with a deadline. */
size_t	dlheap_count(const struct dlheap *h);

#endif
