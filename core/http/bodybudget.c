/* bodybudget.c: the shared request body budget (see bodybudget.h). */
#include "bodybudget.h"

void
bodybudget_init(struct bodybudget *b, size_t limit)
{
	b->limit = limit;
	b->used = 0;
}

bool
bodybudget_take(struct bodybudget *b, size_t n)
{
	size_t	 cur = __atomic_load_n(&b->used, __ATOMIC_RELAXED);

	do {
		if (n > b->limit || cur > b->limit - n)
			return false;
	} while (!__atomic_compare_exchange_n(&b->used, &cur, cur + n, false,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return true;
}

void
bodybudget_give(struct bodybudget *b, size_t n)
{
	__atomic_sub_fetch(&b->used, n, __ATOMIC_ACQ_REL);
}

size_t
bodybudget_used(struct bodybudget *b)
{
	return __atomic_load_n(&b->used, __ATOMIC_ACQUIRE);
}
