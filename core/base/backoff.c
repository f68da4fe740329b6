/* backoff.c: exponential backoff with full jitter (see backoff.h). */
#include <sys/random.h>

#include <stddef.h>

#include "backoff.h"

static uint64_t
sys_rand(void)
{
	uint64_t v = 0;

	/* getrandom of 8 bytes never blocks after boot and is not short. */
	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = 0;
	return v;
}

int64_t
backoff_delay(const struct backoff *b, int failures)
{
	int64_t	 base = b->base_ms > 0 ? b->base_ms : BACKOFF_DEFAULT_BASE_MS;
	int64_t	 cap = b->cap_ms > 0 ? b->cap_ms : BACKOFF_DEFAULT_CAP_MS;
	int64_t	 ceil_ms = base;
	uint64_t r;

	for (int i = 1; i < failures && ceil_ms < cap; i++)
		ceil_ms *= 2;
	if (ceil_ms > cap)
		ceil_ms = cap;
	r = b->rand != NULL ? b->rand(b->rand_arg) : sys_rand();
	return (int64_t)(r % ((uint64_t)ceil_ms + 1));
}

int64_t
backoff_budget(const struct backoff *b)
{
	return b->budget_ms > 0 ? b->budget_ms : BACKOFF_DEFAULT_BUDGET_MS;
}

bool
backoff_within_budget(const struct backoff *b, int64_t created_ms,
    int64_t retry_at_ms)
{
	return retry_at_ms - created_ms <= backoff_budget(b);
}
